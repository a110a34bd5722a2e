//! Fuzz targets for Hearth's file importers, and a small mutator to drive
//! them without libFuzzer.
//!
//! Each target is a plain function over bytes that must never panic,
//! whatever it is given; some also check a property (a table written and
//! read again is the same table). The libFuzzer project in `fuzz/` (nightly,
//! outside the workspace) wraps each one in `fuzz_target!`; `tests/smoke.rs`
//! runs them on stable over the seed files in `fuzz/seeds/<target>/` and a
//! fixed number of seeded mutations, so CI catches a panic quickly. See
//! `docs/fuzzing.md`.
//!
//! * [`targets`]: the importers' targets;
//! * [`ssda903`]: the SSDA903 validator's and historic import's targets,
//!   which build a return (and last year's, and the lookups) from sectioned
//!   input;
//! * [`mutate`]: a deterministic PRNG and CSV-aware mutations.

pub mod mutate;
pub mod ssda903;
pub mod targets;

/// A fuzz target: `run` returns whether the input was accepted (read without
/// a problem), which the smoke run uses to grow its pool of inputs.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub name: &'static str,
    pub run: fn(&[u8]) -> bool,
}

/// Every target, by the name its seeds folder and libFuzzer binary have.
pub const TARGETS: &[Target] = &[
    Target {
        name: "ssda903_read_table",
        run: targets::ssda903_read_table,
    },
    Target {
        name: "ssda903_read_return",
        run: targets::ssda903_read_return,
    },
    Target {
        name: "ssda903_validate",
        run: ssda903::validate,
    },
    Target {
        name: "ssda903_import",
        run: ssda903::import,
    },
    Target {
        name: "ssd_extract",
        run: targets::ssd_extract,
    },
    Target {
        name: "invoices",
        run: targets::invoices,
    },
    Target {
        name: "districts",
        run: targets::districts,
    },
    Target {
        name: "provider_feed",
        run: targets::provider_feed,
    },
    Target {
        name: "provider_feed_json",
        run: targets::provider_feed_json,
    },
    Target {
        name: "vacancies",
        run: targets::vacancies,
    },
];

/// The target called `name`.
pub fn target(name: &str) -> Option<Target> {
    TARGETS.iter().copied().find(|t| t.name == name)
}
