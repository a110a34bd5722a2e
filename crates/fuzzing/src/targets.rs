//! The importers' fuzz targets: the SSDA903 tables and returns, the SSD
//! extract, providers' invoices, postcode districts, the consortium's provider feed (CSV and
//! JSON) and providers' vacancies.
//!
//! Each must return, never panic. Text readers get the bytes as UTF-8 with
//! bad sequences replaced, as the web layer hands them over. Where a reader
//! has a writer, what is read is written and read again and must come back
//! the same.

use kernel::ProviderId;
use returns::ssda903::csv::{read_return, read_table, write_table};
use returns::ssda903::{CollectionYear, Return};
use time::macros::date;
use time::Date;

use crate::ssda903::sections;

/// "Today" for readers that refuse future dates.
pub const TODAY: Date = date!(2026 - 11 - 22);

/// One SSDA903 file read as whichever table its columns say.
pub fn ssda903_read_table(data: &[u8]) -> bool {
    let Ok(file) = read_table("fuzz.csv", data) else {
        return false;
    };
    let year = CollectionYear::new(CollectionYear::LAST).expect("the last year is valid");
    let files = [("fuzz.csv".to_owned(), data.to_vec())];
    let ret = match read_return(year, &files) {
        Ok(ret) => ret,
        Err(e) => panic!("read_table read {} but read_return refused the same file: {e:?}", file.table),
    };
    assert_eq!(ret.supplied, [file.table]);
    assert_eq!(ret.len(file.table), file.rows.len(), "rows lost between read_table and read_return");
    round_trip(&ret);
    true
}

/// A year's files: sections `== <file name>`, each a whole CSV file with
/// its column line (see [`sections`]).
pub fn ssda903_read_return(data: &[u8]) -> bool {
    let input = sections(data);
    let year = input.year.unwrap_or_else(|| CollectionYear::new(2026).expect("2026 is valid"));
    let files: Vec<(String, Vec<u8>)> = input.sections.into_iter().map(|s| (s.name, s.body)).collect();
    match read_return(year, &files) {
        Ok(ret) => {
            round_trip(&ret);
            true
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "a refused return must say why");
            for problem in &problems {
                // Every message names its file; rendering must not panic.
                assert!(problem.to_string().starts_with(&problem.file));
            }
            false
        }
    }
}

/// Writes every supplied table, reads the files back, and checks each
/// table's cells (and the set of tables) survived.
pub fn round_trip(ret: &Return) {
    let files: Vec<(String, Vec<u8>)> = ret
        .supplied
        .iter()
        .map(|t| (t.file_name().to_owned(), write_table(ret, *t).into_bytes()))
        .collect();
    let again = match read_return(ret.year, &files) {
        Ok(again) => again,
        Err(e) => panic!("a written return does not read back: {e:?}\nfiles: {files:?}"),
    };
    assert_eq!(again.supplied, ret.supplied, "tables lost writing and reading again");
    for table in &ret.supplied {
        assert_eq!(
            again.table_cells(*table),
            ret.table_cells(*table),
            "{table} changed when written and read again"
        );
    }
}

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Providers' invoices (`store::invoices::read_invoices`); providers 1 to
/// 50 are on the register.
pub fn invoices(data: &[u8]) -> bool {
    let known = |id: ProviderId| (1..=50).contains(&id.get());
    match store::invoices::read_invoices(&text(data), known, TODAY) {
        Ok(lines) => {
            for (_, invoice) in &lines {
                assert!(invoice.from <= invoice.to, "an accepted invoice ends before it starts");
                assert!(invoice.received_on <= TODAY, "an accepted invoice was received in the future");
            }
            true
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "a refused file must say why");
            false
        }
    }
}

/// A postcode district location list (`matching::criteria::read_districts`).
pub fn districts(data: &[u8]) -> bool {
    match matching::criteria::read_districts(&text(data)) {
        Ok(districts) => {
            for (_, a) in districts.iter().take(20) {
                for (_, b) in districts.iter().take(20) {
                    let _ = matching::criteria::distance_km(*a, *b);
                }
            }
            true
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "a refused file must say why");
            false
        }
    }
}

/// The consortium's provider feed as CSV; what is read is written with
/// `write_feed` and must read back the same.
pub fn provider_feed(data: &[u8]) -> bool {
    let Ok(feed) = providers::exchange::read_feed(&text(data)) else {
        return false;
    };
    let written = providers::consortium::write_feed(&feed);
    match providers::exchange::read_feed(&written) {
        Ok(again) => assert_eq!(again, feed, "the feed changed when written and read again"),
        Err(e) => panic!("a written feed does not read back: {e:?}\n{written}"),
    }
    true
}

/// The consortium's provider feed as JSON.
pub fn provider_feed_json(data: &[u8]) -> bool {
    match providers::consortium::read_feed_json(&text(data)) {
        Ok(_) => true,
        Err(problems) => {
            assert!(!problems.is_empty(), "a refused feed must say why");
            false
        }
    }
}

/// Providers' vacancies (`providers::vacancies::read_vacancies`); settings
/// whose number starts SC or is all digits are on the register.
pub fn vacancies(data: &[u8]) -> bool {
    let known = |n: &str| n.starts_with("SC") || (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    match providers::vacancies::read_vacancies(&text(data), known, TODAY) {
        Ok(lines) => {
            assert!(lines.iter().all(|l| l.recorded_on <= TODAY && l.places <= 500));
            true
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "a refused file must say why");
            false
        }
    }
}

/// An SSD extract (`returns::ssd::read_extract`): sections `== <file
/// name>`, each a whole CSV file; what reads is turned into care histories.
pub fn ssd_extract(data: &[u8]) -> bool {
    let files: Vec<(String, Vec<u8>)> = sections(data).sections.into_iter().map(|s| (s.name, s.body)).collect();
    match returns::ssd::read_extract(&files) {
        Ok(extract) => {
            for sourced in returns::ssd::histories(&extract).values() {
                let _ = sourced.history();
            }
            true
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "a refused extract must say why");
            false
        }
    }
}
