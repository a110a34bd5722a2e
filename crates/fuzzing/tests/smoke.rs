//! The fuzz targets on stable, without libFuzzer: every seed in
//! `fuzz/seeds/<target>/`, then seeded mutations of the seeds and of the
//! mutants the target accepted. A short run by default, for CI;
//! `HEARTH_FUZZ_ITERATIONS=N` runs N mutations per target and
//! `HEARTH_FUZZ_SEED=S` changes the mutations. A panicking input is saved in
//! `fuzz/artifacts/<target>/` (ignored by git), where
//! `cargo +nightly fuzz run <target> <file>` replays it.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use fuzzing::mutate::{dictionary, mutate, Rng};
use fuzzing::Target;

/// Mutations per target when not told otherwise: about a second each in a
/// debug build.
const DEFAULT_ITERATIONS: usize = 1_500;

/// The most accepted mutants kept to mutate further.
const POOL: usize = 512;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    match text.trim().parse() {
        Ok(n) => Some(n),
        Err(_) => panic!("{name} must be a whole number, not '{text}'"),
    }
}

fn seeds(name: &str) -> Vec<Vec<u8>> {
    let folder = fuzz_dir().join("seeds").join(name);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}; every target needs seed files", folder.display()))
        .map(|entry| entry.expect("a readable seeds folder").path())
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "{} has no seed files", folder.display());
    paths
        .iter()
        .map(|path| std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .collect()
}

/// Runs one input; on a panic, saves it and fails naming the file.
fn run(target: Target, input: &[u8], what: &str) -> bool {
    match catch_unwind(AssertUnwindSafe(|| (target.run)(input))) {
        Ok(accepted) => accepted,
        Err(_) => {
            let folder = fuzz_dir().join("artifacts").join(target.name);
            let _ = std::fs::create_dir_all(&folder);
            let path = folder.join(format!("smoke-{what}"));
            let saved = match std::fs::write(&path, input) {
                Ok(()) => format!("saved as {}", path.display()),
                Err(e) => format!("not saved ({e})"),
            };
            let shown: String = String::from_utf8_lossy(input).chars().take(2_000).collect();
            panic!(
                "{} panicked on {what} ({} bytes, {saved}; the panic is printed above):\n{shown:?}",
                target.name,
                input.len()
            );
        }
    }
}

fn smoke(name: &str) {
    let target = fuzzing::target(name).unwrap_or_else(|| panic!("no target {name}"));
    let seeds = seeds(name);
    let words = dictionary(&seeds);
    let mut pool = Vec::new();
    for (i, seed) in seeds.iter().enumerate() {
        run(target, seed, &format!("seed-{i}"));
        pool.push(seed.clone());
    }
    let iterations = env_number("HEARTH_FUZZ_ITERATIONS").map_or(DEFAULT_ITERATIONS, |n| usize::try_from(n).unwrap_or(usize::MAX));
    let salt = name.bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    let mut rng = Rng::new(env_number("HEARTH_FUZZ_SEED").unwrap_or(0) ^ salt);
    let mut accepted = 0usize;
    for i in 0..iterations {
        let input = {
            let base = rng.pick(&pool).expect("at least one seed");
            let other = rng.pick(&pool).expect("at least one seed");
            mutate(base, other, &words, &mut rng)
        };
        if run(target, &input, &format!("mutation-{i}")) {
            accepted += 1;
            if pool.len() < POOL {
                pool.push(input);
            } else {
                let slot = seeds.len() + rng.below(POOL - seeds.len());
                pool[slot] = input;
            }
        }
    }
    println!(
        "{name}: {} seeds and {iterations} mutations without a panic ({accepted} accepted)",
        seeds.len()
    );
}

macro_rules! smoke_tests {
    ($($name:ident)*) => {$(
        #[test]
        fn $name() {
            smoke(stringify!($name));
        }
    )*};
}

smoke_tests! {
    ssda903_read_table
    ssda903_read_return
    ssda903_validate
    ssda903_import
    ssd_extract
    invoices
    districts
    provider_feed
    provider_feed_json
    vacancies
}

#[test]
fn every_target_has_a_smoke_test_and_a_libfuzzer_binary() {
    let tested = include_str!("smoke.rs");
    for target in fuzzing::TARGETS {
        assert!(
            tested.contains(&format!("\n    {}\n", target.name)),
            "add {} to smoke_tests! in tests/smoke.rs",
            target.name
        );
        let binary = fuzz_dir().join("fuzz_targets").join(format!("{}.rs", target.name));
        assert!(binary.is_file(), "add {} for the libFuzzer target", binary.display());
    }
}
