//! Ofsted's Annex A for an inspection: the lists Hearth holds the data for
//! (list 8 children in care, list 9 care leavers, list 10 adoption), as a
//! page counting each list's rows and as an XLSX workbook with one sheet
//! per list under Ofsted's column headings.
//!
//! The lists name children, so they follow the rules of every child list:
//! a restricted record the reader may not see (not in one of its teams,
//! no break-glass grant) is left out, and the page says how many were.
//! Every download, here or through the API, is written to the audit
//! trail with the as-at date and the rows per list.

use askama::Template;
use authz::cap::ProduceReturns;
use authz::Principal;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use returns::annex_a::{self, List};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::Deserialize;
use time::Date;

use crate::auth::Authorized;
use crate::error::AppError;
use crate::export::XLSX_CONTENT_TYPE;
use crate::pages::{render, uk_date, Chrome};
use crate::AppState;

/// `?as_at=YYYY-MM-DD`: the first day of the inspection (default today).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct AsAtQuery {
    /// The inspection's first day, ISO 8601 (default: today).
    pub as_at: Option<String>,
}

impl AsAtQuery {
    pub fn date(&self, today: Date) -> Result<Date, AppError> {
        match self.as_at.as_deref().map(str::trim) {
            None | Some("") => Ok(today),
            Some(text) => crate::input::parse_date(text)
                .ok_or_else(|| AppError::invalid("as_at", "Enter the as-at date as a date, such as 2026-11-22")),
        }
    }
}

/// The lists for an as-at date, as one reader may see them.
pub struct AnnexA {
    pub as_at: Date,
    pub window_start: Date,
    pub lists: Vec<List>,
    /// Restricted records left out because the reader may not see them.
    pub withheld: usize,
}

impl AnnexA {
    fn counts(&self) -> serde_json::Value {
        self.lists
            .iter()
            .map(|l| (l.def.sheet_name(), serde_json::Value::from(l.rows.len())))
            .collect::<serde_json::Map<_, _>>()
            .into()
    }
}

/// Builds the lists, leaving out restricted records `principal` may not see.
pub async fn build(state: &AppState, principal: &Principal, as_at: Date) -> Result<AnnexA, AppError> {
    let now = state.clock.now();
    let mut children = Vec::new();
    let mut withheld = 0;
    for c in store::annex_a::children(&state.store).await? {
        if c.restricted && !store::restrictions::may_see(&state.store, principal, c.id, now).await? {
            withheld += 1;
            continue;
        }
        children.push(c.child);
    }
    let window_start = annex_a::default_window_start(as_at);
    Ok(AnnexA {
        as_at,
        window_start,
        lists: annex_a::lists(&children, as_at, window_start),
        withheld,
    })
}

/// Writes the audit event for a download of the lists (`via` page or api).
pub async fn audit(state: &AppState, can: &authz::Can<ProduceReturns>, made: &AnnexA, via: &str) -> Result<(), AppError> {
    let mut cmd = state.store.begin(can.actor(), state.clock.as_ref()).await?;
    let detail = serde_json::json!({
        "via": via,
        "as_at": kernel::dates::format_iso_date(made.as_at),
        "window_start": kernel::dates::format_iso_date(made.window_start),
        "rows": made.counts(),
        "restricted_withheld": made.withheld,
    });
    let change = store::Change::new(
        "annex_a.downloaded",
        "annex_a",
        kernel::dates::format_iso_date(made.as_at),
        None::<&()>,
        Some(&detail),
    );
    cmd.record(change).await?;
    cmd.commit().await?;
    Ok(())
}

struct Summary {
    number: u8,
    title: &'static str,
    rows: usize,
}

#[derive(Template)]
#[template(path = "returns/annex_a.html")]
struct AnnexAPage {
    chrome: Chrome,
    as_at: String,
    as_at_iso: String,
    window_start: String,
    lists: Vec<Summary>,
    withheld: usize,
}

/// GET /returns/annex-a
pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ProduceReturns>,
    Query(query): Query<AsAtQuery>,
) -> Result<Response, AppError> {
    let as_at = query.date(state.clock.today())?;
    let made = build(&state, &auth.principal, as_at).await?;
    let page = AnnexAPage {
        chrome,
        as_at: uk_date(made.as_at),
        as_at_iso: kernel::dates::format_iso_date(made.as_at),
        window_start: uk_date(made.window_start),
        lists: made
            .lists
            .iter()
            .map(|l| Summary {
                number: l.def.number,
                title: l.def.title,
                rows: l.rows.len(),
            })
            .collect(),
        withheld: made.withheld,
    };
    Ok(render(&page)?.into_response())
}

/// GET /returns/annex-a.xlsx?as_at=YYYY-MM-DD: the workbook, audited.
pub async fn download(
    State(state): State<AppState>,
    auth: Authorized<ProduceReturns>,
    Query(query): Query<AsAtQuery>,
) -> Result<Response, AppError> {
    let as_at = query.date(state.clock.today())?;
    let made = build(&state, &auth.principal, as_at).await?;
    let bytes = workbook(&made.lists).map_err(|e| AppError::Internal(format!("writing the Annex A workbook: {e}")))?;
    audit(&state, &auth.can, &made, "page").await?;
    let disposition = format!("attachment; filename=\"annex-a-{}.xlsx\"", kernel::dates::format_iso_date(as_at));
    Ok((
        [
            (header::CONTENT_TYPE, XLSX_CONTENT_TYPE.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// The workbook: a sheet per list, the headings bold in a frozen row with
/// an autofilter. Every cell is written as text, never as a formula.
pub fn workbook(lists: &[List]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    for list in lists {
        let sheet = book.add_worksheet();
        sheet.set_name(list.def.sheet_name())?;
        for (c, heading) in list.def.headings.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
            sheet.write_string_with_format(0, c, *heading, &bold)?;
            sheet.set_column_width(c, 22)?;
        }
        for (r, row) in list.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            for (c, cell) in row.iter().enumerate() {
                let c = u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)?;
                sheet.write_string(r, c, cell)?;
            }
        }
        let last_row = u32::try_from(list.rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
        let last_col = u16::try_from(list.def.headings.len().saturating_sub(1)).map_err(|_| XlsxError::RowColumnLimitError)?;
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofilter(0, 0, last_row, last_col)?;
    }
    book.save_to_buffer()
}
