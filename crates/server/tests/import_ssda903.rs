//! `hearth import ssda903` as an operator uses it: a folder of two years'
//! files is imported, and `hearth returns ssda903` writes the later year's
//! files back exactly; malformed files and children already recorded are
//! refused by file, line and column with nothing written.

use std::path::Path;
use std::process::{Command, Output};

fn hearth(folder: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hearth"))
        .args(args)
        .current_dir(folder)
        .env_remove("HEARTH_DATABASE_URL")
        .env_remove("HEARTH_CONFIG")
        .output()
        .expect("run hearth")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const HEADER: &str = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\nC1,F,04/03/2012,WBRI,,0,\r\n";
const EPISODES: &str = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\r\n";

/// The 2025-26 files exactly as Hearth writes them.
fn this_year() -> Vec<(&'static str, String)> {
    vec![
        ("header.csv", HEADER.to_owned()),
        (
            "episodes.csv",
            format!(
                "{EPISODES}C1,01/05/2024,S,C2,N1,U4,PR1,01/09/2025,X1,CARPL,AB1 2CD,EF3 4GH,SC111111\r\n\
                 C1,01/09/2025,P,C2,N1,K2,PR4,,,,AB1 2CD,GH5 6IJ,SC222222\r\n"
            ),
        ),
        ("uasc.csv", "CHILD,SEX,DOB,DUC\r\n".to_owned()),
        (
            "reviews.csv",
            "CHILD,DOB,REVIEW,REVIEW_CODE\r\nC1,04/03/2012,01/10/2025,PN1\r\n".to_owned(),
        ),
        (
            "oc2.csv",
            "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,SUBSTANCE_MISUSE,\
             INTERVENTION_RECEIVED,INTERVENTION_OFFERED\r\nC1,04/03/2012,14,,0,1,1,1,1,0,,\r\n"
                .to_owned(),
        ),
        ("oc3.csv", "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\r\n".to_owned()),
        (
            "ad1.csv",
            "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\r\n".to_owned(),
        ),
        (
            "placed_for_adoption.csv",
            "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\r\n".to_owned(),
        ),
        ("previous_permanence.csv", "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM\r\n".to_owned()),
        (
            "missing.csv",
            "CHILD,DOB,MISSING,MIS_START,MIS_END\r\nC1,04/03/2012,M,02/07/2025,03/07/2025\r\n".to_owned(),
        ),
        ("sw_episodes.csv", "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\r\n".to_owned()),
    ]
}

fn write(folder: &Path, files: &[(&str, String)]) {
    std::fs::create_dir_all(folder).unwrap();
    for (name, content) in files {
        std::fs::write(folder.join(name), content).unwrap();
    }
}

/// DIR/2025 (the start of the child's care, and a social worker without
/// an account) and DIR/2026.
fn two_years(dir: &Path) {
    write(
        &dir.join("2025"),
        &[
            ("header.csv", HEADER.to_owned()),
            (
                "episodes.csv",
                format!("{EPISODES}C1,01/05/2024,S,C2,N1,U4,PR1,,,,AB1 2CD,EF3 4GH,SC111111\r\n"),
            ),
            (
                "previous_permanence.csv",
                "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM\r\nC1,04/03/2012,P4,,\r\n".to_owned(),
            ),
            (
                "sw_episodes.csv",
                "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\r\nC1,04/03/2012,SW999,01/05/2024,,\r\n".to_owned(),
            ),
        ],
    );
    write(&dir.join("2026"), &this_year());
}

async fn children_in(database: &Path) -> i64 {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&format!("sqlite://{}", database.display())).await.unwrap();
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM children").fetch_one(&pool).await.unwrap();
    pool.close().await;
    count
}

fn count_children(database: &Path) -> i64 {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(children_in(database))
}

#[test]
fn two_years_import_and_the_later_one_is_written_back_exactly() {
    let folder = tempfile::tempdir().unwrap();
    two_years(&folder.path().join("903"));
    let imported = hearth(folder.path(), &["import", "ssda903", "903", "--database", "h.sqlite"]);
    assert!(imported.status.success(), "{}", text(&imported.stderr));
    let out = text(&imported.stdout);
    assert!(out.contains("Imported SSDA903 2024-25 and 2025-26"), "{out}");
    assert!(out.contains("  1 children") && out.contains("  2 placements"), "{out}");
    assert!(out.contains("  1 worker allocations skipped"), "{out}");
    let written = hearth(
        folder.path(),
        &["returns", "ssda903", "--year", "2026", "--out", "out", "--database", "h.sqlite"],
    );
    assert!(written.status.success(), "{}", text(&written.stderr));
    for (name, content) in this_year() {
        let again = std::fs::read_to_string(folder.path().join("out").join(name)).unwrap();
        assert_eq!(again, content, "{name}");
    }
    // The same children again: refused, naming the child, nothing written.
    let again = hearth(folder.path(), &["import", "ssda903", "903", "--database", "h.sqlite"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("child C1 is already recorded"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(count_children(&folder.path().join("h.sqlite")), 1);
}

#[test]
fn malformed_files_are_refused_by_file_line_and_column() {
    let folder = tempfile::tempdir().unwrap();
    let mut files = this_year();
    files[1].1 = format!(
        "{EPISODES}C1,01/05/2024,S,C2,N1,U4,PR1,01/09/2025,X1,CARPL,AB1 2CD,EF3 4GH,SC111111\r\n\
         C1,31/02/2025,P,C2,N1,K2,PR4,,,,AB1 2CD,GH5 6IJ,SC222222\r\n"
    );
    write(&folder.path().join("files"), &files);
    let flat = hearth(folder.path(), &["import", "ssda903", "files", "--database", "h.sqlite"]);
    assert!(!flat.status.success());
    assert!(text(&flat.stderr).contains("give the collection year"), "{}", text(&flat.stderr));
    let refused = hearth(
        folder.path(),
        &["import", "ssda903", "files", "--year", "2026", "--database", "h.sqlite"],
    );
    assert_eq!(refused.status.code(), Some(1));
    let err = text(&refused.stderr);
    assert!(err.contains("nothing was written"), "{err}");
    assert!(
        err.contains("episodes.csv, line 3, column DECOM: \"31/02/2025\" is not a dd/mm/yyyy date"),
        "{err}"
    );
    assert!(!folder.path().join("h.sqlite").exists(), "the database is not even opened");
}
