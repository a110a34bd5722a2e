//! `hearth returns ssda903 validate` as a council's analyst uses it on a
//! folder of files: a clean return passes (and says which rules could not
//! run without lookups), a broken one names each failing rule with the file,
//! line and child of every row it flags and exits 1, and a file that is not
//! a 903 table is refused by name and line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn hearth(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args(args)
        .env_remove("HEARTH_DATABASE_URL")
        .env_remove("HEARTH_CONFIG")
        .output()
        .expect("run hearth")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A copy of the returns crate's golden 2025-26 files.
fn golden_copy() -> (tempfile::TempDir, PathBuf) {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("../returns/tests/golden/2026");
    let folder = tempfile::tempdir().unwrap();
    let copy = folder.path().join("2026");
    std::fs::create_dir_all(&copy).unwrap();
    for entry in std::fs::read_dir(golden).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, copy.join(path.file_name().unwrap())).unwrap();
    }
    (folder, copy)
}

#[test]
fn a_clean_return_passes_and_says_what_did_not_run() {
    let (_keep, dir) = golden_copy();
    let out = hearth(&["returns", "ssda903", "validate", dir.to_str().unwrap()]);
    let printed = text(&out.stdout);
    assert!(out.status.success(), "{printed}{}", text(&out.stderr));
    assert!(printed.starts_with("SSDA903 2025-26: 5 children, 6 episodes;"), "{printed}");
    assert!(printed.contains("skipped 164: no postcode list"), "{printed}");
    assert!(printed.contains("skipped 202: no previous year's return"), "{printed}");
    assert!(printed.trim_end().ends_with("No errors."), "{printed}");
}

#[test]
fn a_broken_return_names_each_rule_and_row_and_exits_1() {
    let (_keep, dir) = golden_copy();
    let header = dir.join("header.csv");
    let broken = std::fs::read_to_string(&header)
        .unwrap()
        .replace("C2,M,03/03/2010,BAFR", "C2,M,03/03/2010,XXXX");
    std::fs::write(&header, broken).unwrap();
    let out = hearth(&["returns", "ssda903", "validate", dir.to_str().unwrap(), "--year", "2026"]);
    let printed = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{printed}");
    assert!(printed.contains("FAIL 103 "), "{printed}");
    assert!(printed.contains("    header.csv line 3 (child C2)"), "{printed}");
    assert!(printed.contains("rules failed on"), "{printed}");
}

#[test]
fn a_file_that_is_not_a_table_is_refused_by_name_and_line() {
    let (_keep, dir) = golden_copy();
    std::fs::write(dir.join("notes.csv"), "CHILD,NOTE\r\nC1,hello\r\n").unwrap();
    let out = hearth(&["returns", "ssda903", "validate", dir.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("notes.csv, line 1: the columns (CHILD, NOTE) are not those of any SSDA903 table"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn export_needs_a_year_and_a_folder() {
    let out = hearth(&["returns", "ssda903", "--year", "2026"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("give the year and a folder"), "{}", text(&out.stderr));
    let out = hearth(&["returns", "ssda903", "--year", "2031", "--out", "x"]);
    assert!(
        text(&out.stderr).contains("the year must be the year the return ends"),
        "{}",
        text(&out.stderr)
    );
}
