//! Providers' invoices imported as CSV: read all or nothing, every problem
//! naming its line and column, then entered in file order in one command,
//! so a later line is matched against the earlier ones (a reference sent
//! twice in one file is caught as a duplicate).
//!
//! Header, in this order (UTF-8, comma-separated, RFC 4180 quoting):
//!
//! ```text
//! provider_id,reference,period_from,period_to,amount,received_on
//! ```
//!
//! - `provider_id`: Hearth's number for the provider (the `N` of
//!   `/providers/N`).
//! - `reference`: the provider's invoice number, up to 100 characters.
//! - `period_from`, `period_to`: the first and last days billed (YYYY-MM-DD).
//! - `amount`: pounds and pence, such as `1234.56`; above zero.
//! - `received_on`: the day the council received it (YYYY-MM-DD), not in
//!   the future.

use std::collections::HashSet;

use authz::cap::ManageFinance;
use authz::Can;
use finance::invoices::Match;
use kernel::{uk_local_date, Money, ProviderId};
use providers::exchange::{records, FeedError};
use sqlx::Row;
use time::Date;

use super::{agreements, problems, store_matched, NewInvoice};
use crate::command::Command;
use crate::error::StoreError;

pub const INVOICE_COLUMNS: [&str; 6] = ["provider_id", "reference", "period_from", "period_to", "amount", "received_on"];

fn date(text: &str, column: &'static str, line: usize, errors: &mut Vec<FeedError>) -> Option<Date> {
    let parsed = kernel::dates::parse_iso_date(text.trim()).ok();
    if parsed.is_none() {
        errors.push(FeedError::at(
            line,
            column,
            format!("expected a date as YYYY-MM-DD, not '{}'", text.trim()),
        ));
    }
    parsed
}

/// Reads the file; `known` says whether a provider number is on the
/// register, and `today` refuses invoices received in the future.
pub fn read_invoices(text: &str, known: impl Fn(ProviderId) -> bool, today: Date) -> Result<Vec<(usize, NewInvoice)>, Vec<FeedError>> {
    let records = records(text).map_err(|e| vec![e])?;
    let Some(((_, header), rows)) = records.split_first() else {
        return Err(vec![FeedError::whole_file("the file is empty; expected a header line")]);
    };
    if header.iter().map(|h| h.trim()).collect::<Vec<_>>() != INVOICE_COLUMNS {
        return Err(vec![FeedError::whole_file(format!(
            "the header must be {}",
            INVOICE_COLUMNS.join(",")
        ))]);
    }
    let mut errors = Vec::new();
    let mut invoices = Vec::new();
    for (line, fields) in rows {
        let line = *line;
        if fields.len() != INVOICE_COLUMNS.len() {
            errors.push(FeedError::at(
                line,
                "-",
                format!("expected {} fields, found {}", INVOICE_COLUMNS.len(), fields.len()),
            ));
            continue;
        }
        let provider = fields[0].trim().parse::<i64>().ok().map(ProviderId::new);
        match provider {
            None => errors.push(FeedError::at(
                line,
                "provider_id",
                format!("expected Hearth's number for the provider, not '{}'", fields[0].trim()),
            )),
            Some(id) if !known(id) => errors.push(FeedError::at(
                line,
                "provider_id",
                format!("no provider on the register has the number {id}"),
            )),
            Some(_) => {}
        }
        let from = date(&fields[2], "period_from", line, &mut errors);
        let to = date(&fields[3], "period_to", line, &mut errors);
        let amount = match Money::parse(&fields[4]) {
            Ok(amount) => Some(amount),
            Err(e) => {
                errors.push(FeedError::at(line, "amount", format!("{e}, not '{}'", fields[4].trim())));
                None
            }
        };
        let received_on = date(&fields[5], "received_on", line, &mut errors);
        let (Some(provider_id), Some(from), Some(to), Some(amount), Some(received_on)) = (provider, from, to, amount, received_on) else {
            // The reference is still checked, so one pass finds every problem.
            if fields[1].trim().is_empty() {
                errors.push(FeedError::at(line, "reference", "enter the provider's invoice reference"));
            }
            continue;
        };
        let invoice = NewInvoice {
            provider_id,
            reference: fields[1].trim().to_owned(),
            from,
            to,
            amount,
            received_on,
        };
        let found = problems(&invoice, today);
        if found.is_empty() {
            invoices.push((line, invoice));
        } else {
            errors.extend(found.into_iter().map(|(column, message)| FeedError::at(line, column, message)));
        }
    }
    if errors.is_empty() {
        Ok(invoices)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(errors)
    }
}

/// Imports a whole file in the command: every invoice entered and matched,
/// or (on any problem) none, with every problem reported against `file`.
pub async fn import_csv(cmd: &mut Command, _can: &Can<ManageFinance>, text: &str) -> Result<Vec<(i64, Match)>, StoreError> {
    let known: HashSet<i64> = sqlx::query("SELECT id FROM providers")
        .fetch_all(cmd.conn())
        .await?
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()?;
    let today = uk_local_date(cmd.at());
    let lines = read_invoices(text, |id| known.contains(&id.get()), today)
        .map_err(|problems| StoreError::Invalid(problems.iter().map(|p| ("file", p.to_string())).collect()))?;
    if lines.is_empty() {
        return Err(StoreError::Invalid(vec![(
            "file",
            "the file has no invoices after the header line".to_owned(),
        )]));
    }
    let agreements = agreements(cmd.conn()).await?;
    let mut entered = Vec::with_capacity(lines.len());
    for (_, invoice) in &lines {
        entered.push(store_matched(cmd, &agreements, invoice, "imported").await?);
    }
    Ok(entered)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 22);
    const HEADER: &str = "provider_id,reference,period_from,period_to,amount,received_on\n";

    fn known(id: ProviderId) -> bool {
        id.get() == 1
    }

    #[test]
    fn a_good_file_reads_every_line() {
        let text =
            format!("{HEADER}1,INV-1,2026-04-01,2026-04-30,3000.00,2026-05-02\n1,\"INV,2\",2026-05-01,2026-05-31,\"3,100.5\",2026-06-02\n");
        let lines = read_invoices(&text, known, TODAY).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!((lines[0].0, lines[0].1.amount), (2, Money::from_pounds(3_000)));
        assert_eq!(lines[1].1.reference, "INV,2");
        assert_eq!(lines[1].1.amount, Money::from_pence(310_050));
    }

    #[test]
    fn any_bad_line_refuses_the_whole_file_naming_line_and_column() {
        let text = format!(
            "{HEADER}1,INV-1,2026-04-01,2026-04-30,3000.00,2026-05-02\n9,,01/04/2026,2026-04-30,lots,2026-05-02\n1,INV-3,2026-04-30,2026-04-01,0,2027-01-01\n1,INV-4\n"
        );
        let errors: Vec<String> = read_invoices(&text, known, TODAY)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errors,
            [
                "line 3, column provider_id: no provider on the register has the number 9",
                "line 3, column period_from: expected a date as YYYY-MM-DD, not '01/04/2026'",
                "line 3, column amount: enter an amount in pounds and pence, like 1250.00, not 'lots'",
                "line 3, column reference: enter the provider's invoice reference",
                "line 4, column period_to: the last day billed must not be before the first day billed",
                "line 4, column amount: the amount must be above zero",
                "line 4, column received_on: the date received cannot be in the future",
                "line 5, column -: expected 6 fields, found 2",
            ]
        );
        assert!(read_invoices("provider,amount\n", known, TODAY).unwrap_err()[0]
            .message
            .contains("header"));
    }
}
