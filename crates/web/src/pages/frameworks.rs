//! Frameworks and the regional consortium: the list of regional and local
//! frameworks, a framework's lots with their rate cards by tier and their
//! members, the forms that add frameworks, lots and members, the upload of
//! the consortium's feed (CSV or JSON, applied whole or not at all), and
//! the download of the placements the consortium receives (no names).

use askama::Template;
use authz::cap::{Commission, ViewProviders};
use authz::Permission;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use contracts::frameworks::Scope;
use kernel::{Money, ProviderId};
use placements::PlacementCategory;
use store::frameworks::{Framework, ImportReport, Lot, NewMember};
use store::providers::Provider;
use time::Date;

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::input::{parse_date, required_date};
use crate::pages::{in_command, render, Chrome, Period};
use crate::AppState;

/// A tier's line on a lot's rate card: members now, lowest and highest rate.
#[derive(Debug, Clone)]
pub struct RateCardLine {
    pub tier: u8,
    pub members: usize,
    pub lowest: Money,
    pub highest: Money,
}

/// The rate card of a lot on `today`, by tier.
pub fn rate_card(lot: &Lot, today: Date) -> Vec<RateCardLine> {
    let mut lines: Vec<RateCardLine> = Vec::new();
    for m in lot
        .members
        .iter()
        .filter(|m| m.joined_on <= today && m.left_on.is_none_or(|l| today < l))
    {
        match lines.iter_mut().find(|l| l.tier == m.tier) {
            Some(line) => {
                line.members += 1;
                line.lowest = line.lowest.min(m.weekly_rate);
                line.highest = line.highest.max(m.weekly_rate);
            }
            None => lines.push(RateCardLine {
                tier: m.tier,
                members: 1,
                lowest: m.weekly_rate,
                highest: m.weekly_rate,
            }),
        }
    }
    lines.sort_by_key(|l| l.tier);
    lines
}

/// Current members of a framework, across its lots.
pub fn current_members(framework: &Framework, today: Date) -> usize {
    framework
        .lots
        .iter()
        .flat_map(|l| &l.members)
        .filter(|m| m.joined_on <= today && m.left_on.is_none_or(|l| today < l))
        .count()
}

#[derive(Template)]
#[template(path = "frameworks/list.html")]
struct ListPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    frameworks: Vec<(Framework, usize)>,
    scopes: Vec<(&'static str, &'static str)>,
    may_commission: bool,
    imported: Option<ImportReport>,
    year_start: String,
    today: String,
    form: FormData,
}

async fn list_page(
    state: &AppState,
    chrome: Chrome,
    may_commission: bool,
    errors: Vec<FieldError>,
    form: FormData,
    imported: Option<ImportReport>,
) -> Result<Response, AppError> {
    let today = state.clock.today();
    let frameworks = store::frameworks::list(&state.store).await?;
    let page = ListPage {
        chrome,
        status: crate::pages::form_status(&errors),
        errors,
        frameworks: frameworks
            .into_iter()
            .map(|f| {
                let members = current_members(&f, today);
                (f, members)
            })
            .collect(),
        scopes: Scope::choices(),
        may_commission,
        imported,
        year_start: kernel::dates::format_iso_date(kernel::months::financial_year_start(today)),
        today: kernel::dates::format_iso_date(today),
        form,
    };
    Ok((page.status, render(&page)?).into_response())
}

/// GET /frameworks
pub async fn list(State(state): State<AppState>, chrome: Chrome, auth: Authorized<ViewProviders>) -> Result<Response, AppError> {
    let may = auth.principal.holds(Permission::Commission);
    list_page(&state, chrome, may, Vec::new(), FormData::default(), None).await
}

/// POST /frameworks: lets a framework.
pub async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<Commission>,
    form: FormData,
) -> Result<Response, AppError> {
    let mut errors = Vec::new();
    let scope = form
        .text("scope")
        .parse::<Scope>()
        .map_err(|_| errors.push(FieldError::new("scope", "Choose who let the framework")))
        .ok();
    let starts_on = required_date("starts_on", "the date the framework starts", &form.text("starts_on"), &mut errors);
    let ends_text = form.text("ends_on");
    let ends_on = parse_date(&ends_text);
    if !ends_text.is_empty() && ends_on.is_none() {
        errors.push(FieldError::new("ends_on", "Enter the end date as a real date, or leave it empty"));
    }
    let (Some(scope), Some(starts_on), true) = (scope, starts_on, errors.is_empty()) else {
        return list_page(&state, chrome, true, errors, form, None).await;
    };
    let name = form.text("name");
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::frameworks::create(cmd, &auth.can, &name, scope, starts_on, ends_on).await
    })
    .await?
    {
        Ok(id) => Ok(Redirect::to(&format!("/frameworks/{id}")).into_response()),
        Err(errors) => list_page(&state, chrome, true, errors, form, None).await,
    }
}

#[derive(Template)]
#[template(path = "frameworks/show.html")]
struct ShowPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    framework: Framework,
    cards: Vec<Vec<RateCardLine>>,
    providers: Vec<Provider>,
    categories: Vec<(&'static str, &'static str)>,
    may_commission: bool,
    today: String,
    form: FormData,
}

impl ShowPage {
    /// Whether a member is on the lot today (templates).
    pub fn is_current(&self, member: &store::frameworks::Member) -> bool {
        let today = parse_date(&self.today).unwrap_or(Date::MIN);
        member.joined_on <= today && member.left_on.is_none_or(|l| today < l)
    }
}

async fn show_page(
    state: &AppState,
    chrome: Chrome,
    may_commission: bool,
    id: i64,
    errors: Vec<FieldError>,
    form: FormData,
) -> Result<Response, AppError> {
    let today = state.clock.today();
    let framework = store::frameworks::list(&state.store)
        .await?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or(AppError::NotFound)?;
    let page = ShowPage {
        chrome,
        status: crate::pages::form_status(&errors),
        errors,
        cards: framework.lots.iter().map(|l| rate_card(l, today)).collect(),
        framework,
        providers: store::providers::list(&state.store).await?,
        categories: PlacementCategory::ALL.iter().map(|c| (c.code(), c.label())).collect(),
        may_commission,
        today: kernel::dates::format_iso_date(today),
        form,
    };
    Ok((page.status, render(&page)?).into_response())
}

/// GET /frameworks/{id}
pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewProviders>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let may = auth.principal.holds(Permission::Commission);
    show_page(&state, chrome, may, crate::pages::path_id(&id)?, Vec::new(), FormData::default()).await
}

/// POST /frameworks/{id}/lots
pub async fn add_lot(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<Commission>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = crate::pages::path_id(&id)?;
    let Some(category) = PlacementCategory::ALL.into_iter().find(|c| c.code() == form.text("category")) else {
        let errors = vec![FieldError::new("category", "Choose the kind of placement the lot buys")];
        return show_page(&state, chrome, true, id, errors, form).await;
    };
    let name = form.text("lot_name");
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::frameworks::add_lot(cmd, &auth.can, id, &name, category).await
    })
    .await?
    {
        Ok(_) => Ok(Redirect::to(&format!("/frameworks/{id}")).into_response()),
        Err(errors) => show_page(&state, chrome, true, id, errors, form).await,
    }
}

/// POST /frameworks/{id}/members: puts a provider on a lot at a tier and
/// rate (ending any place it had on the lot).
pub async fn add_member(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<Commission>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = crate::pages::path_id(&id)?;
    let mut errors = Vec::new();
    let lot = form.text("lot").parse::<i64>().ok();
    if lot.is_none() {
        errors.push(FieldError::new("lot", "Choose the lot"));
    }
    let provider = form.text("provider").parse::<ProviderId>().ok();
    if provider.is_none() {
        errors.push(FieldError::new("provider", "Choose the provider"));
    }
    let tier = form.text("tier").parse::<u8>().ok();
    if tier.is_none() {
        errors.push(FieldError::new("tier", "Enter the tier, from 1 (preferred) to 9"));
    }
    let weekly_rate = Money::parse(&form.text("weekly_rate"))
        .map_err(|_| {
            errors.push(FieldError::new(
                "weekly_rate",
                "Enter the core weekly rate in pounds, such as 4250.00",
            ))
        })
        .ok();
    let joined_on = required_date(
        "joined_on",
        "the date the provider joins the lot",
        &form.text("joined_on"),
        &mut errors,
    );
    let (Some(lot), Some(provider), Some(tier), Some(weekly_rate), Some(joined_on)) = (lot, provider, tier, weekly_rate, joined_on) else {
        return show_page(&state, chrome, true, id, errors, form).await;
    };
    let member = NewMember {
        lot,
        provider,
        tier,
        weekly_rate,
        joined_on,
    };
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::frameworks::add_member(cmd, &auth.can, &member).await
    })
    .await?
    {
        Ok(()) => Ok(Redirect::to(&format!("/frameworks/{id}")).into_response()),
        Err(errors) => show_page(&state, chrome, true, id, errors, form).await,
    }
}

/// Reads the consortium's feed, CSV or JSON (told apart by its first
/// character), naming every problem's line or item and column.
pub fn read_feed(text: &str) -> Result<Vec<providers::exchange::FeedProvider>, Vec<providers::exchange::FeedError>> {
    if text.trim_start().starts_with(['[', '{']) {
        providers::consortium::read_feed_json(text)
    } else {
        providers::exchange::read_feed(text)
    }
}

/// POST /consortium/feed: applies the consortium's feed whole, or shows
/// every problem and applies nothing.
pub async fn import_feed(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<Commission>,
    form: FormData,
) -> Result<Response, AppError> {
    let feed = match read_feed(&form.text("feed")) {
        Ok(feed) => feed,
        Err(problems) => {
            let errors = crate::pages::settings::feed_errors("feed", &problems);
            return list_page(&state, chrome, true, errors, FormData::default(), None).await;
        }
    };
    let today = state.clock.today();
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::frameworks::import_feed(cmd, &auth.can, &feed, today).await
    })
    .await?
    {
        Ok(report) => list_page(&state, chrome, true, Vec::new(), FormData::default(), Some(report)).await,
        Err(errors) => list_page(&state, chrome, true, errors, FormData::default(), None).await,
    }
}

/// The placements export for a period; the export itself is audited,
/// because it is data leaving the council.
pub async fn placements_export(
    state: &AppState,
    actor: authz::Actor,
    period: &Period,
) -> Result<Vec<providers::consortium::PlacementRecord>, AppError> {
    // By default the financial year to date.
    let (from, to) = period.dates(kernel::months::financial_year_start, state.clock.today())?;
    let records = store::consortium::placements(&state.store, &state.config.home_authority, from, to).await?;
    let mut cmd = state.store.begin(actor, state.clock.as_ref()).await?;
    cmd.record(store::Change::new(
        "consortium.placements_exported",
        "consortium export",
        records.len(),
        None::<&()>,
        Some(&(from, to)),
    ))
    .await?;
    cmd.commit().await?;
    Ok(records)
}

/// A file to download.
fn download(content_type: &'static str, filename: &'static str, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{filename}\"");
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

/// GET /consortium/placements.csv
pub async fn placements_csv(
    State(state): State<AppState>,
    auth: Authorized<Commission>,
    Query(period): Query<Period>,
) -> Result<Response, AppError> {
    let records = placements_export(&state, auth.can.actor(), &period).await?;
    let body = providers::consortium::write_placements_csv(&records);
    Ok(download("text/csv; charset=utf-8", "consortium-placements.csv", body))
}

/// GET /consortium/placements.json
pub async fn placements_json(
    State(state): State<AppState>,
    auth: Authorized<Commission>,
    Query(period): Query<Period>,
) -> Result<Response, AppError> {
    let records = placements_export(&state, auth.can.actor(), &period).await?;
    let body = providers::consortium::write_placements_json(&records);
    Ok(download("application/json", "consortium-placements.json", body))
}
