//! The `hearth` binary as an operator uses it: real processes, real files.

use std::path::Path;
use std::process::{Command, Output};

fn hearth(folder: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args(args)
        .current_dir(folder)
        .env_remove("HEARTH_DATABASE_URL")
        .env_remove("HEARTH_CONFIG")
        .env("HEARTH_NEW_PASSWORD", "a long pass phrase")
        .output()
        .expect("run hearth")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The error is one line starting `error:`, with no panic or backtrace.
fn assert_one_line_error(output: &Output, expected: &str) {
    assert!(!output.status.success());
    let text = stderr(output);
    assert_eq!(text.trim_end().lines().count(), 1, "{text}");
    assert!(text.starts_with("error: ") && text.contains(expected), "{text}");
    assert!(!text.contains("panicked") && !text.contains("backtrace"), "{text}");
}

#[test]
fn demo_then_verify_then_tamper_is_detected() {
    let folder = tempfile::tempdir().unwrap();
    let built = hearth(
        folder.path(),
        &[
            "demo",
            "--children",
            "40",
            "--seed",
            "9",
            "--database",
            "county.sqlite",
            "--no-serve",
        ],
    );
    assert!(built.status.success(), "{}", stderr(&built));
    let printed = String::from_utf8_lossy(&built.stdout);
    assert!(printed.contains("40 children") && printed.contains("internal-auditor"), "{printed}");

    let intact = hearth(folder.path(), &["audit", "verify", "--database", "county.sqlite"]);
    assert!(intact.status.success(), "{}", stderr(&intact));
    assert!(String::from_utf8_lossy(&intact.stdout).contains("audit trail intact"));

    // Someone with file access bypasses the guard trigger and edits event 3.
    let database = folder.path().join("county.sqlite");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&format!("sqlite://{}", database.display())).await.unwrap();
        sqlx::raw_sql("DROP TRIGGER audit_events_no_update; UPDATE audit_events SET actor = 'user:999' WHERE seq = 3;")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
    let broken = hearth(folder.path(), &["audit", "verify", "--database", "county.sqlite"]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(stderr(&broken).contains("BROKEN at event 3"), "{}", stderr(&broken));
}

#[test]
fn user_add_creates_an_account_and_checks_its_input() {
    let folder = tempfile::tempdir().unwrap();
    let added = hearth(
        folder.path(),
        &[
            "user",
            "add",
            "Amy.Jones",
            "--role",
            "team-manager",
            "--role",
            "panel-member",
            "--team",
            "North",
            "--database",
            "h.sqlite",
        ],
    );
    assert!(added.status.success(), "{}", stderr(&added));
    assert!(String::from_utf8_lossy(&added.stdout).contains("created user amy.jones"));

    let unknown_role = hearth(
        folder.path(),
        &["user", "add", "bob.smith", "--role", "wizard", "--database", "h.sqlite"],
    );
    assert_one_line_error(&unknown_role, "unknown role 'wizard'; expected one of: social-worker");
    let duplicate = hearth(
        folder.path(),
        &["user", "add", "amy.jones", "--role", "director", "--database", "h.sqlite"],
    );
    assert_one_line_error(&duplicate, "already taken");
}

#[test]
fn malformed_database_urls_are_explained() {
    let folder = tempfile::tempdir().unwrap();
    assert_one_line_error(
        &hearth(folder.path(), &["migrate", "--database", "mysql://db/hearth"]),
        "only sqlite and postgres are supported",
    );
    assert_one_line_error(
        &hearth(folder.path(), &["migrate", "--database", "postgres://localhost"]),
        "names no database",
    );
    let with_password = hearth(
        folder.path(),
        &["migrate", "--database", "postgres://app:s3cret@127.0.0.1:1/hearth"],
    );
    assert_one_line_error(&with_password, "cannot open database");
    assert!(!stderr(&with_password).contains("s3cret"), "the password is never printed");
}

#[test]
fn a_port_in_use_is_explained() {
    let folder = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let output = hearth(folder.path(), &["serve", "--database", "h.sqlite", "--bind", &address]);
    assert_one_line_error(&output, "the port is already in use");
}

#[test]
fn bad_configuration_is_explained() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("hearth.toml"), "nation = \"scotland\"\n").unwrap();
    assert_one_line_error(&hearth(folder.path(), &["migrate"]), "nation must be 'england' or 'wales'");
    assert_one_line_error(&hearth(folder.path(), &["--config", "missing.toml", "migrate"]), "does not exist");
}

#[test]
fn help_describes_every_command() {
    let folder = tempfile::tempdir().unwrap();
    let help = String::from_utf8_lossy(&hearth(folder.path(), &["--help"]).stdout).into_owned();
    for command in ["serve", "migrate", "user", "audit", "demo", "generate", "jobs", "postcodes"] {
        assert!(help.contains(command), "{command} missing from --help");
    }
    let demo_help = String::from_utf8_lossy(&hearth(folder.path(), &["demo", "--help"]).stdout).into_owned();
    for option in ["--database", "--bind", "--children", "--seed", "--no-serve", "--demo-password"] {
        assert!(demo_help.contains(option), "{option} missing from demo --help");
    }
}

#[test]
fn postcode_districts_load_whole_or_not_at_all() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(folder.path().join("bad.csv"), "district,easting,northing\nCF10,318000,x\n").unwrap();
    assert_one_line_error(
        &hearth(folder.path(), &["postcodes", "load", "bad.csv", "--database", "h.sqlite"]),
        "nothing was loaded; the first: line 2, column northing",
    );
    std::fs::write(
        folder.path().join("good.csv"),
        "district,easting,northing\nCF10,318000,176000\nNP20,331000,188000\n",
    )
    .unwrap();
    let loaded = hearth(folder.path(), &["postcodes", "load", "good.csv", "--database", "h.sqlite"]);
    assert!(loaded.status.success(), "{}", stderr(&loaded));
    assert!(String::from_utf8_lossy(&loaded.stdout).contains("loaded 2 postcode districts"));
}
