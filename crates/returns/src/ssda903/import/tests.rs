//! `to_facts` on small returns read from CSV: merging years, rebuilding
//! histories, and problems named by file, line and column.

use time::macros::date;

use super::*;
use crate::ssda903::csv::read_return;

fn year(ending: i32) -> CollectionYear {
    CollectionYear::new(ending).unwrap()
}

const EPISODE_COLUMNS: &str = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n";

/// A return from CSV texts: (file, text) pairs.
fn ret(ending: i32, files: &[(&str, &str)]) -> Return {
    let files: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(name, text)| (name.to_string(), text.as_bytes().to_vec()))
        .collect();
    read_return(year(ending), &files).unwrap()
}

fn last_year() -> Return {
    ret(
        2025,
        &[
            ("header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,2,01/02/2012,WBRI,,0,\n"),
            (
                "episodes.csv",
                &format!(
                    "{EPISODE_COLUMNS}C1,01/05/2024,S,V2,N1,U4,PR1,10/06/2024,X1,,AB1 2CD,EF3 4GH,SC111111\n\
                     C1,10/06/2024,L,C1,N1,U4,PR1,,,,AB1 2CD,EF3 4GH,SC111111\n"
                ),
            ),
            (
                "sw.csv",
                "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\nC1,01/02/2012,SW123,01/05/2024,,\n",
            ),
            ("prev.csv", "CHILD,DOB,PREV_PERM,LA_PERM,DATE_PERM\nC1,01/02/2012,Z1,,\n"),
        ],
    )
}

fn this_year() -> Return {
    ret(
        2026,
        &[
            ("header.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,F,01/02/2012,WBRI,,0,\n"),
            (
                "episodes.csv",
                &format!(
                    "{EPISODE_COLUMNS}C1,10/06/2024,L,C1,N1,U4,PR1,01/09/2025,X1,CHILD,AB1 2CD,EF3 4GH,SC111111\n\
                     C1,01/09/2025,P,C1,N1,K2,PR4,01/12/2025,E11,,ZZ9 9ZZ,GH5 6IJ,SC222222\n"
                ),
            ),
            ("reviews.csv", "CHILD,DOB,REVIEW,REVIEW_CODE\nC1,01/02/2012,01/10/2025,PN1\n"),
            (
                "sw.csv",
                "CHILD,DOB,SW_ID,SW_DECOM,SW_DEC,SW_REASON\nC1,01/02/2012,SW123,01/05/2024,01/07/2025,MANAGE\nC1,01/02/2012,XX,01/07/2025,,\n",
            ),
            ("missing.csv", "CHILD,DOB,MISSING,MIS_START,MIS_END\nC1,01/02/2012,M,02/07/2025,03/07/2025\n"),
        ],
    )
}

#[test]
fn an_episode_open_last_year_and_closed_this_year_is_one() {
    let facts = to_facts(&[this_year(), last_year()]).unwrap();
    assert_eq!(facts.len(), 1);
    let c = &facts[0];
    assert_eq!((c.child.as_str(), c.sex.as_str(), c.dob), ("C1", "F", date!(2012 - 02 - 01)));
    assert_eq!(c.mother, Some(false));
    let h = &c.history;
    assert_eq!(h.periods.len(), 1);
    assert_eq!(h.periods[0].start, date!(2024 - 05 - 01));
    assert_eq!(h.periods[0].end, Some(date!(2025 - 12 - 01)));
    assert_eq!(h.periods[0].reason_ceased.as_deref(), Some("E11"));
    assert_eq!(h.periods[0].category_of_need, "N1");
    let statuses: Vec<_> = h.legal_statuses.iter().map(|s| (s.code.as_str(), s.start, s.end)).collect();
    assert_eq!(
        statuses,
        vec![
            ("V2", date!(2024 - 05 - 01), Some(date!(2024 - 06 - 10))),
            ("C1", date!(2024 - 06 - 10), Some(date!(2025 - 12 - 01))),
        ]
    );
    assert_eq!(h.placements.len(), 2);
    assert_eq!(h.placements[0].end, Some(date!(2025 - 09 - 01)));
    assert_eq!(h.placements[0].reason_for_change.as_deref(), Some("CHILD"));
    assert_eq!(h.placements[1].provider_type, "PR4");
    let homes: Vec<_> = c.home_postcodes.iter().map(|d| (d.value.as_str(), d.start, d.end)).collect();
    assert_eq!(
        homes,
        vec![
            ("AB1 2CD", date!(2024 - 05 - 01), Some(date!(2025 - 09 - 01))),
            ("ZZ9 9ZZ", date!(2025 - 09 - 01), Some(date!(2025 - 12 - 01))),
        ]
    );
    assert_eq!(c.reviews, vec![(date!(2025 - 10 - 01), Some("PN1".to_owned()))]);
    assert_eq!(c.missing.len(), 1);
    let workers: Vec<_> = c.social_workers.iter().map(|w| (w.swe_number.clone(), w.end)).collect();
    assert_eq!(workers, vec![(Some("123".to_owned()), Some(date!(2025 - 07 - 01))), (None, None)]);
    assert_eq!(c.previous_permanence.len(), 1);
    assert_eq!(c.previous_permanence[0].period_start, date!(2024 - 05 - 01));
    assert_eq!(c.previous_permanence[0].arrangement, "Z1");
}

#[test]
fn a_new_episode_reason_splits_a_run_of_the_same_codes() {
    let r = ret(
        2026,
        &[
            ("h.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC2,M,01/02/2012,WBRI,,,\n"),
            (
                "e.csv",
                &format!(
                    "{EPISODE_COLUMNS}C2,01/05/2025,S,C2,N1,U4,PR1,01/06/2025,X1,,,,\n\
                     C2,01/06/2025,T,C2,N1,U4,PR1,01/07/2025,X1,CARPL,,,\n\
                     C2,01/07/2025,L,C2,N1,U4,PR1,,,,,,\n"
                ),
            ),
        ],
    );
    let facts = to_facts(&[r]).unwrap();
    let h = &facts[0].history;
    assert_eq!(h.placements.len(), 2);
    assert_eq!(h.placements[1].reason_for_change, None);
    assert_eq!(h.legal_statuses.len(), 2);
    assert_eq!(h.legal_statuses[1].start, date!(2025 - 07 - 01));
}

#[test]
fn problems_name_the_file_line_and_column() {
    let r = ret(
        2026,
        &[
            (
                "h.csv",
                "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,F,31/02/2012,WBRI,,Y,\nC2,M,01/01/2010,WBRI,,,\n",
            ),
            (
                "e.csv",
                &format!(
                    "{EPISODE_COLUMNS}C1,01/05/2025,S,C2,N1,U4,PR1,,,,,,\n\
                     C2,2025-05-01,S,C2,N1,U4,PR1,,,,,,\n\
                     C2,01/06/2025,S,C2,N1,U4,PR1,01/07/2025,,,,,\n\
                     C9,01/06/2025,S,C2,N1,U4,PR1,,,,,,\n"
                ),
            ),
        ],
    );
    let errors = to_facts(&[r]).unwrap_err();
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    for expected in [
        "header.csv, line 2, column DOB: \"31/02/2012\" is not a dd/mm/yyyy date",
        "header.csv, line 2, column MOTHER: \"Y\" is not 0 or 1",
        "episodes.csv, line 3, column DECOM: \"2025-05-01\" is not a dd/mm/yyyy date",
        "episodes.csv, line 4, column REC: is blank but DEC is given; say why the episode ended",
        "episodes.csv, line 5, column CHILD: child C9 has no row in the Header table of any year given",
    ] {
        assert!(text.iter().any(|t| t == expected), "missing {expected:?} in {text:#?}");
    }
}

#[test]
fn a_history_that_breaks_the_rules_is_refused_naming_the_child_and_line() {
    let r = ret(
        2026,
        &[
            ("h.csv", "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC3,M,01/01/2010,WBRI,,,\n"),
            (
                "e.csv",
                &format!(
                    "{EPISODE_COLUMNS}C3,01/05/2025,S,C2,N1,U4,PR1,01/06/2025,X1,,,,\n\
                     C3,10/06/2025,P,C2,N1,K2,PR1,,,,,,\n\
                     C3,01/08/2025,L,Q9,N1,K2,PR1,,,,,,\n"
                ),
            ),
        ],
    );
    let errors = to_facts(&[r]).unwrap_err();
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|t| t.starts_with("episodes.csv, line 2: child C3: there is no placement from 01/06/2025 to 10/06/2025")),
        "{text:#?}"
    );
    assert!(
        text.iter()
            .any(|t| t.starts_with("episodes.csv, line 4, column LS: child C3: 'Q9' is not a legal status code")),
        "{text:#?}"
    );
}

#[test]
fn sex_was_a_number_before_2024_25_and_a_year_may_be_given_once() {
    let header = |sex: &str| format!("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC4,{sex},01/01/2010,WBRI,,,\n");
    let old = ret(2024, &[("h.csv", &header("1"))]);
    assert_eq!(to_facts(std::slice::from_ref(&old)).unwrap()[0].sex, "M");
    let new = ret(2025, &[("h.csv", &header("U"))]);
    assert_eq!(to_facts(&[old.clone(), new]).unwrap()[0].sex, "U");
    let errors = to_facts(&[old.clone(), old]).unwrap_err();
    assert!(errors[0].message.contains("2023-24 is given twice"), "{:?}", errors[0]);
}
