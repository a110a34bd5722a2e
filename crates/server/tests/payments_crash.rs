//! Releasing a payment run survives the process dying half way: a real
//! `hearth` process is stopped inside the release (aborted, then killed
//! while paused at the fault point), restarted, and the run is paid exactly
//! once with a balanced journal; a further release is refused.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn hearth(folder: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_hearth"));
    command
        .current_dir(folder)
        .env_remove("HEARTH_DATABASE_URL")
        .env_remove("HEARTH_CONFIG")
        .env_remove(store::faults::VARIABLE);
    command
}

fn run(command: &mut Command) -> Output {
    command.output().expect("run hearth")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The id of the run the demo leaves approved and waiting for release.
fn approved_run(folder: &Path) -> i64 {
    let listed = run(hearth(folder).args(["payments", "list", "--database", "county.sqlite"]));
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    text(&listed.stdout)
        .lines()
        .find(|line| line.split('\t').nth(3) == Some("approved"))
        .and_then(|line| line.split('\t').next()?.parse().ok())
        .expect("the demo leaves one run approved")
}

/// (run state, release rows, ledger entries, debits, credits) for `run`.
fn paid_state(folder: &Path, run: i64) -> (String, i64, i64, i64, i64) {
    let database = folder.join("county.sqlite");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&format!("sqlite://{}", database.display())).await.unwrap();
        let state: (String,) = sqlx::query_as("SELECT state FROM payment_runs WHERE id = $1")
            .bind(run)
            .fetch_one(&pool)
            .await
            .unwrap();
        let releases: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM payment_releases WHERE run_id = $1")
            .bind(run)
            .fetch_one(&pool)
            .await
            .unwrap();
        let ledger: (i64, i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(debit_pence), 0), COALESCE(SUM(credit_pence), 0) FROM ledger_entries WHERE run_id = $1",
        )
        .bind(run)
        .fetch_one(&pool)
        .await
        .unwrap();
        pool.close().await;
        (state.0, releases.0, ledger.0, ledger.1, ledger.2)
    })
}

fn release(folder: &Path, run: i64) -> Command {
    let mut command = hearth(folder);
    command.args([
        "payments",
        "release",
        &run.to_string(),
        "--by",
        "finance-officer",
        "--database",
        "county.sqlite",
    ]);
    command
}

#[test]
fn a_release_interrupted_by_a_crash_pays_once_after_restart() {
    let folder = tempfile::tempdir().unwrap();
    let built = run(hearth(folder.path()).args([
        "demo",
        "--children",
        "60",
        "--seed",
        "11",
        "--database",
        "county.sqlite",
        "--no-serve",
    ]));
    assert!(built.status.success(), "{}", text(&built.stderr));
    let id = approved_run(folder.path());
    let unpaid = ("approved".to_owned(), 0, 0, 0, 0);

    // 1. The process aborts inside the release, before it commits.
    let aborted = run(release(folder.path(), id).env(store::faults::VARIABLE, "payment-release:abort"));
    assert!(!aborted.status.success());
    assert_eq!(paid_state(folder.path(), id), unpaid, "an aborted release leaves nothing");

    // 2. The process is killed while it waits at the same point.
    let mut paused = release(folder.path(), id)
        .env(store::faults::VARIABLE, "payment-release:pause")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut reached = String::new();
    BufReader::new(paused.stderr.take().unwrap()).read_line(&mut reached).unwrap();
    assert!(reached.contains("fault point payment-release reached"), "{reached}");
    paused.kill().unwrap();
    paused.wait().unwrap();
    assert_eq!(paid_state(folder.path(), id), unpaid, "a killed release leaves nothing");

    // 3. Restarted, the release pays once; the journal balances.
    let paid = run(&mut release(folder.path(), id));
    assert!(paid.status.success(), "{}", text(&paid.stderr));
    assert!(text(&paid.stdout).contains(&format!("released run {id}")));
    let (state, releases, entries, debits, credits) = paid_state(folder.path(), id);
    assert_eq!((state.as_str(), releases), ("released", 1));
    assert!(
        entries > 0 && debits == credits,
        "{entries} entries, {debits} debits, {credits} credits"
    );

    // 4. Releasing again is refused and changes nothing.
    let again = run(&mut release(folder.path(), id));
    assert!(!again.status.success());
    assert!(text(&again.stderr).contains("already been released"), "{}", text(&again.stderr));
    assert_eq!(paid_state(folder.path(), id), (state, releases, entries, debits, credits));
}
