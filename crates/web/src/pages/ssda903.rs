//! The SSDA903 pages: the year's return (its tables, with a download of
//! each file exactly as the DfE takes it, and the rules it fails), and the
//! data-quality dashboard (errors by rule and by team, each rule's children,
//! CSV and XLSX). A child's own errors are on the child's record.

use askama::Template;
use authz::cap::ProduceReturns;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use returns::ssda903::{csv, TableKind};
use serde::Deserialize;

use crate::auth::Authorized;
use crate::error::AppError;
use crate::export::{Downloads, Format, Table};
use crate::pages::{render, Chrome};
use crate::ssda903::{check_year, table_for_file, year_from, Checked, Flagged};
use crate::AppState;

/// `?year=2026` (the year ending) and, on the dashboard, `?rule=` and `?team=`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReturnQuery {
    /// The collection year by its end: 2026 is 2025-26. Default: the year today is in.
    pub year: Option<String>,
    /// One rule's code, to list its rows.
    pub rule: Option<String>,
    /// One team's name.
    pub team: Option<String>,
}

struct TableLine {
    name: &'static str,
    file: &'static str,
    rows: usize,
}

struct RuleLine {
    code: &'static str,
    message: &'static str,
    rows: usize,
}

#[derive(Template)]
#[template(path = "returns/ssda903.html")]
struct ReturnPage {
    chrome: Chrome,
    year: String,
    year_ending: i32,
    years: Vec<(i32, String)>,
    tables: Vec<TableLine>,
    rules: Vec<RuleLine>,
    ran: usize,
    skipped: Vec<(&'static str, String)>,
}

fn years() -> Vec<(i32, String)> {
    (returns::ssda903::CollectionYear::FIRST..=returns::ssda903::CollectionYear::LAST)
        .rev()
        .filter_map(|y| returns::ssda903::CollectionYear::new(y).ok())
        .map(|y| (y.ending(), y.to_string()))
        .collect()
}

fn rule_lines(checked: &Checked) -> Vec<RuleLine> {
    let mut rules: Vec<RuleLine> = checked
        .report
        .findings
        .iter()
        .map(|f| RuleLine {
            code: f.code,
            message: f.message,
            rows: f.rows.len(),
        })
        .collect();
    rules.sort_by(|a, b| b.rows.cmp(&a.rows).then(a.code.cmp(b.code)));
    rules
}

/// GET /returns/ssda903
pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    _auth: Authorized<ProduceReturns>,
    Query(query): Query<ReturnQuery>,
) -> Result<Response, AppError> {
    let year = year_from(query.year.as_deref(), state.clock.today())?;
    let checked = check_year(&state, year).await?;
    let tables = TableKind::of_year(year)
        .map(|t| TableLine {
            name: t.name(),
            file: t.file_name(),
            rows: checked.ret.len(t),
        })
        .collect();
    let page = ReturnPage {
        chrome,
        year: year.to_string(),
        year_ending: year.ending(),
        years: years(),
        tables,
        rules: rule_lines(&checked),
        ran: checked.report.ran.len(),
        skipped: checked.report.skipped.clone(),
    };
    Ok(render(&page)?.into_response())
}

/// GET /returns/ssda903/{year}/{file}: one of the year's CSV files, exactly
/// as the DfE takes it. Every download is audited: the files name children.
pub async fn download(
    State(state): State<AppState>,
    auth: Authorized<ProduceReturns>,
    Path((year, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let year = year_from(Some(&year), state.clock.today())?;
    let table = table_for_file(year, &file).ok_or(AppError::NotFound)?;
    let checked = check_year(&state, year).await?;
    let detail = serde_json::json!({ "year": year.ending(), "table": table.name(), "rows": checked.ret.len(table) });
    audit(&state, &auth, "ssda903.downloaded", year, &detail).await?;
    let disposition = format!("attachment; filename=\"{}-{}\"", year.ending(), table.file_name());
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        csv::write_table(&checked.ret, table),
    )
        .into_response())
}

struct TeamLine {
    team: String,
    children: usize,
    errors: usize,
}

#[derive(Template)]
#[template(path = "returns/data_quality.html")]
struct DashboardPage {
    chrome: Chrome,
    year: String,
    year_ending: i32,
    years: Vec<(i32, String)>,
    rules: Vec<RuleLine>,
    teams: Vec<TeamLine>,
    rule: Option<String>,
    team: Option<String>,
    /// The rows of the chosen rule or team.
    rows: Vec<Flagged>,
    children_with_errors: usize,
    children: usize,
    downloads: Downloads,
}

fn chosen<'a>(flagged: &'a [Flagged], query: &ReturnQuery) -> impl Iterator<Item = &'a Flagged> {
    let rule = query
        .rule
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_uppercase);
    let team = query.team.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
    flagged.iter().filter(move |f| {
        rule.as_deref().is_none_or(|r| f.code.eq_ignore_ascii_case(r))
            && team.as_deref().is_none_or(|t| f.team.as_deref().unwrap_or("No team") == t)
    })
}

/// GET /returns/data-quality
pub async fn dashboard(
    State(state): State<AppState>,
    chrome: Chrome,
    _auth: Authorized<ProduceReturns>,
    Query(query): Query<ReturnQuery>,
) -> Result<Response, AppError> {
    let year = year_from(query.year.as_deref(), state.clock.today())?;
    let checked = check_year(&state, year).await?;
    let flagged = checked.flagged();
    let filtering =
        query.rule.as_deref().is_some_and(|r| !r.trim().is_empty()) || query.team.as_deref().is_some_and(|t| !t.trim().is_empty());
    let rows = if filtering {
        chosen(&flagged, &query).cloned().collect()
    } else {
        Vec::new()
    };
    let with_errors: std::collections::BTreeSet<&str> = flagged.iter().filter_map(|f| f.child.as_deref()).collect();
    let encoded: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("year", &year.ending().to_string())
        .extend_pairs(query.rule.iter().map(|r| ("rule", r.as_str())))
        .extend_pairs(query.team.iter().map(|t| ("team", t.as_str())))
        .finish();
    let page = DashboardPage {
        chrome,
        year: year.to_string(),
        year_ending: year.ending(),
        years: years(),
        rules: rule_lines(&checked),
        teams: checked
            .by_team()
            .into_iter()
            .map(|(team, (children, errors))| TeamLine { team, children, errors })
            .collect(),
        rule: query.rule.clone().filter(|r| !r.trim().is_empty()),
        team: query.team.clone().filter(|t| !t.trim().is_empty()),
        rows,
        children_with_errors: with_errors.len(),
        children: checked.ret.header.len(),
        downloads: Downloads::new("the return's errors", "/returns/data-quality/export", &encoded),
    };
    Ok(render(&page)?.into_response())
}

/// GET /returns/data-quality/export?format=csv|xlsx: every flagged row (or
/// the chosen rule's or team's), audited like the files.
pub async fn export(
    State(state): State<AppState>,
    format: Format,
    auth: Authorized<ProduceReturns>,
    Query(query): Query<ReturnQuery>,
) -> Result<Response, AppError> {
    let year = year_from(query.year.as_deref(), state.clock.today())?;
    let checked = check_year(&state, year).await?;
    let flagged = checked.flagged();
    let mut table = Table::default();
    table.row(["rule", "message", "table", "child", "team"]);
    let mut count = 0;
    for f in chosen(&flagged, &query) {
        count += 1;
        table.row([
            f.code,
            f.message,
            f.table,
            f.child.as_deref().unwrap_or(""),
            f.team.as_deref().unwrap_or(""),
        ]);
    }
    let detail = serde_json::json!({ "year": year.ending(), "rows": count, "format": format.code() });
    audit(&state, &auth, "ssda903.errors_exported", year, &detail).await?;
    table.into_download(&format!("ssda903-{}-errors", year.ending()), format)
}

/// Records a download of the return's rows, which name children.
async fn audit(
    state: &AppState,
    auth: &Authorized<ProduceReturns>,
    action: &'static str,
    year: returns::ssda903::CollectionYear,
    detail: &serde_json::Value,
) -> Result<(), AppError> {
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    cmd.record(store::Change::new(
        action,
        "return",
        year.ending().to_string(),
        None::<&()>,
        Some(detail),
    ))
    .await?;
    cmd.commit().await?;
    Ok(())
}
