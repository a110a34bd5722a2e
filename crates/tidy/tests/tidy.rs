//! The house rules. Each failure message says how to comply.

use std::collections::BTreeSet;

use tidy::{crate_folders, files_with_extension, workspace_root};

/// Crates that hold domain rules: pure functions over values, no I/O.
const DOMAIN_CRATES: &[&str] = &[
    "kernel",
    "authz",
    "audit-trail",
    "children",
    "providers",
    "contracts",
    "matching",
    "finance",
    "gateway",
    "placements",
    "compliance",
    "assurance",
];

/// Dependencies a domain crate must never have.
const FORBIDDEN_IN_DOMAIN: &[&str] = &[
    "sqlx",
    "axum",
    "askama",
    "tokio",
    "tower",
    "tower-http",
    "hyper",
    "reqwest",
    "utoipa",
    "store",
    "web",
    "server",
    "demo",
    "fantoccini",
    "async-trait",
    "futures",
];

fn read(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_rust_file_starts_with_a_module_doc() {
    let root = workspace_root().join("crates");
    let offenders: Vec<String> = files_with_extension(&root, ".rs")
        .into_iter()
        .filter(|path| !read(path).trim_start().starts_with("//!"))
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "start these files with a `//!` doc saying what the module is for:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn domain_crates_do_no_io() {
    for name in DOMAIN_CRATES {
        let manifest = read(&workspace_root().join("crates").join(name).join("Cargo.toml"));
        let dependencies = dependency_names(&manifest);
        for forbidden in FORBIDDEN_IN_DOMAIN {
            assert!(
                !dependencies.contains(*forbidden),
                "domain crate `{name}` depends on `{forbidden}`; domain crates are pure (no database, web or async). Move the I/O to store or web."
            );
        }
    }
}

/// Dependency names in the `[dependencies]` table (not dev-dependencies).
fn dependency_names(manifest: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut in_dependencies = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_dependencies = line == "[dependencies]";
            continue;
        }
        if in_dependencies {
            if let Some((name, _)) = line.split_once('=') {
                names.insert(name.trim().to_owned());
            }
        }
    }
    names
}

#[test]
fn every_crate_is_in_the_architecture_document() {
    let architecture = read(&workspace_root().join("ARCHITECTURE.md"));
    for name in crate_folders() {
        assert!(
            architecture.contains(&format!("### `{name}`")),
            "crates/{name} has no `### `{name}`` section in ARCHITECTURE.md's code map; add one with its invariants"
        );
    }
}

#[test]
fn every_migration_file_is_listed_once_in_order() {
    let folder = workspace_root().join("crates/store/migrations");
    let files: Vec<String> = files_with_extension(&folder, ".sql")
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let listed: Vec<String> = store::migrate::MIGRATIONS
        .iter()
        .map(|m| format!("{:04}_{}.sql", m.version, m.name))
        .collect();
    assert_eq!(
        files, listed,
        "crates/store/migrations and store::migrate::MIGRATIONS must list the same files in the same order"
    );
}

#[test]
fn both_backends_get_the_same_tables_from_every_migration() {
    for migration in store::migrate::MIGRATIONS {
        let sqlite = created_tables(&store::migrate::render(migration.source, store::Backend::Sqlite));
        let postgres = created_tables(&store::migrate::render(migration.source, store::Backend::Postgres));
        assert_eq!(
            sqlite, postgres,
            "migration {} creates different tables per backend; keep table DDL outside `-- dialect:` sections",
            migration.name
        );
        assert!(
            !migration.source.contains("{{") || migration.source.contains("{{pk}}"),
            "unknown template token in {}",
            migration.name
        );
    }
}

fn created_tables(sql: &str) -> BTreeSet<String> {
    sql.lines()
        .filter_map(|line| line.trim().strip_prefix("CREATE TABLE "))
        .map(|rest| rest.split_whitespace().next().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn no_stubs_or_ignored_tests() {
    let forbidden = [
        concat!("todo", "!("),
        concat!("unimplemented", "!("),
        concat!("#[", "ignore"),
        concat!("#[should", "_panic"),
    ];
    for path in files_with_extension(&workspace_root().join("crates"), ".rs") {
        let text = read(&path);
        for pattern in forbidden {
            assert!(
                !text.contains(pattern),
                "{} contains `{pattern}`: finish the work or assert today's behaviour with a FIXME",
                path.display()
            );
        }
    }
}

#[test]
fn only_the_clock_reads_the_time() {
    let patterns = [
        concat!("now", "_utc()"),
        concat!("SystemTime", "::now"),
        concat!("Local", "::now"),
        concat!("Instant", "::now"),
    ];
    // Instant is allowed where elapsed time is measured, not where dates are decided.
    let allowed = [
        "crates/kernel/src/clock.rs",
        "crates/web/src/metrics.rs",
        "crates/server/src/commands/generate.rs",
        // How long a controls pass took, recorded with the pass.
        "crates/store/src/controls.rs",
    ];
    for path in files_with_extension(&workspace_root().join("crates"), ".rs") {
        let relative = path.strip_prefix(workspace_root()).unwrap().to_string_lossy().replace('\\', "/");
        if allowed.contains(&relative.as_str()) || relative.contains("/tests/") || relative.contains("/benches/") {
            continue;
        }
        let text = read(&path);
        for pattern in patterns {
            assert!(
                !text.contains(pattern),
                "{relative} reads the time with `{pattern}`; take a `&dyn kernel::Clock` so tests can fix the date"
            );
        }
    }
}

#[test]
fn source_files_stay_readable() {
    for path in files_with_extension(&workspace_root().join("crates"), ".rs") {
        let lines = read(&path).lines().count();
        assert!(
            lines <= 800,
            "{} has {lines} lines; split it by responsibility (aim for under 600)",
            path.display()
        );
    }
}
