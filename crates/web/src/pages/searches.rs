//! Placement search for an approved request: the form that sets the
//! criteria (pre-filled from the request), running the search, the list of
//! searches as evidence, and the evidence record as CSV.
//!
//! The evidence page itself, with referrals, offers and the reasoned
//! choice, is in [`super::search_evidence`]. The API shares the criteria
//! building here, so a search from either surface means the same.

use std::collections::HashMap;

use askama::Template;
use authz::cap::{SearchPlacements, ViewProviders};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gateway::request::RequestState;
use kernel::Money;
use matching::Criteria;
use placements::PlacementCategory;
use providers::register::Need;
use serde::Deserialize;
use store::placement_search::{Search, SearchState};
use store::requests::Request;
use time::Date;

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::export::{Downloads, Format, Table};
use crate::form::FormData;
use crate::input::required_date;
use crate::pages::{in_command, path_id, render, Chrome};
use crate::AppState;

/// What someone asked a search to look for, before locations are found.
#[derive(Debug, Clone)]
pub struct Asked {
    pub start: Date,
    pub categories: Vec<PlacementCategory>,
    pub needs: Vec<Need>,
    pub risks: Vec<Need>,
    pub siblings: u8,
    pub home_postcode: String,
    pub school_postcode: String,
}

/// The cost the Gateway approved: the agreed cost, or the package's cost
/// when the panel agreed it as requested.
pub fn approved_cost(request: &Request) -> Money {
    request.agreed_weekly_cost.unwrap_or(request.weekly_cost)
}

/// The types of placement a request says would suit, or its main type
/// when it lists none.
pub fn suitable(request: &Request) -> Vec<PlacementCategory> {
    if request.details.suitable.is_empty() {
        vec![request.details.category]
    } else {
        request.details.suitable.clone()
    }
}

/// The criteria for `request`. A postcode whose district is not on the
/// list is no error: the search then scores distance as unknown.
pub async fn criteria(state: &AppState, request: &Request, asked: Asked) -> Result<Criteria, AppError> {
    let locations = store::search_candidates::locations(&state.store).await?;
    let locate = |postcode: &str| store::search_candidates::locate(&locations, postcode);
    Ok(Criteria {
        start: asked.start,
        date_of_birth: request.child_date_of_birth,
        nation: state.calendar.nation(),
        categories: asked.categories,
        needs: asked.needs,
        risks: asked.risks,
        siblings: asked.siblings,
        home: locate(&asked.home_postcode),
        school: locate(&asked.school_postcode),
        max_weekly: Some(approved_cost(request)),
    })
}

/// A postcode as typed: empty is fine (not known), a known shape is fine
/// even when its district is not listed; anything else is a typing error.
pub fn check_postcode(field: &str, text: &str) -> Result<(), FieldError> {
    if text.trim().is_empty() || matching::criteria::postcode_district(text).is_some() {
        Ok(())
    } else {
        Err(FieldError::new(field, "Enter a full postcode, such as DC1 4AA, or leave it empty"))
    }
}

/// Runs the search in one command; store refusals come back as fields.
pub async fn run(
    state: &AppState,
    auth: &Authorized<SearchPlacements>,
    request_id: i64,
    criteria: &Criteria,
) -> Result<Result<i64, Vec<FieldError>>, AppError> {
    let (nation, today) = (state.calendar.nation(), state.clock.today());
    in_command(state, auth.can.actor(), async |cmd| {
        store::placement_search::run(&state.store, cmd, &auth.can, request_id, criteria, nation, today).await
    })
    .await
}

/// Need codes whose label or code the request's free text mentions, so the
/// form starts from what the social worker wrote; the officer confirms.
fn mentioned(text: &str) -> Vec<&'static str> {
    let text = text.to_lowercase();
    Need::ALL
        .iter()
        .filter(|n| text.contains(&n.label().to_lowercase()) || text.contains(&n.code().replace('-', " ")))
        .map(|n| n.code())
        .collect()
}

#[derive(Template)]
#[template(path = "searches/new.html")]
struct NewPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    request: Request,
    categories: Vec<(&'static str, &'static str)>,
    needs: Vec<(&'static str, &'static str)>,
    budget: Money,
    law: &'static str,
    form: FormData,
}

impl NewPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
    }

    fn approved(&self) -> bool {
        self.request.state == RequestState::Approved
    }
}

async fn new_page(
    state: &AppState,
    chrome: Chrome,
    id: i64,
    errors: Vec<FieldError>,
    form: Option<FormData>,
) -> Result<Response, AppError> {
    let request = store::requests::find(&state.store, id).await?.ok_or(AppError::NotFound)?;
    let form = form.unwrap_or_else(|| {
        let mut pairs = vec![
            ("start".to_owned(), kernel::dates::format_iso_date(state.clock.today())),
            ("siblings".to_owned(), request.details.siblings_together.to_string()),
        ];
        pairs.extend(suitable(&request).iter().map(|c| ("categories".to_owned(), c.code().to_owned())));
        pairs.extend(
            mentioned(&request.details.needs)
                .into_iter()
                .map(|n| ("needs".to_owned(), n.to_owned())),
        );
        pairs.extend(
            mentioned(&request.details.risks)
                .into_iter()
                .map(|n| ("risks".to_owned(), n.to_owned())),
        );
        FormData::from_pairs(pairs)
    });
    let page = NewPage {
        chrome,
        status: crate::pages::form_status(&errors),
        errors,
        categories: suitable(&request).iter().map(|c| (c.code(), c.label())).collect(),
        needs: Need::choices(),
        budget: approved_cost(&request),
        law: nation_label(state.calendar.nation()),
        request,
        form,
    };
    Ok((page.status, render(&page)?).into_response())
}

/// GET /requests/{id}/search/new
pub async fn new(
    State(state): State<AppState>,
    chrome: Chrome,
    _auth: Authorized<SearchPlacements>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    new_page(&state, chrome, path_id(&id)?, Vec::new(), None).await
}

/// The criteria as typed on the form, every problem named.
fn asked_from(form: &FormData, errors: &mut Vec<FieldError>) -> Option<Asked> {
    let start = required_date("start", "the date the placement would start", &form.text("start"), errors);
    let categories: Result<Vec<PlacementCategory>, _> = form.all("categories").iter().map(|c| c.parse()).collect();
    let categories = categories
        .map_err(|_| errors.push(FieldError::new("categories", "Choose the types of placement from the list")))
        .ok();
    let mut codes = |field: &str| {
        providers::register::parse_needs(&form.all(field).join(" "))
            .map_err(|_| errors.push(FieldError::new(field, "Choose from the list")))
            .ok()
    };
    let (needs, risks) = (codes("needs"), codes("risks"));
    let siblings = form.text("siblings").parse::<u8>().ok();
    if siblings.is_none() {
        errors.push(FieldError::new(
            "siblings",
            "Enter how many brothers and sisters are to be placed with the child, such as 0",
        ));
    }
    for field in ["home_postcode", "school_postcode"] {
        if let Err(error) = check_postcode(field, &form.text(field)) {
            errors.push(error);
        }
    }
    Some(Asked {
        start: start?,
        categories: categories?,
        needs: needs?,
        risks: risks?,
        siblings: siblings?,
        home_postcode: form.text("home_postcode"),
        school_postcode: form.text("school_postcode"),
    })
}

/// POST /requests/{id}/searches: runs the search and shows its evidence.
pub async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<SearchPlacements>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let request = store::requests::find(&state.store, id).await?.ok_or(AppError::NotFound)?;
    let mut errors = Vec::new();
    let (Some(asked), true) = (asked_from(&form, &mut errors), errors.is_empty()) else {
        return new_page(&state, chrome, id, errors, Some(form)).await;
    };
    let criteria = criteria(&state, &request, asked).await?;
    match run(&state, &auth, id, &criteria).await? {
        Ok(search) => Ok(Redirect::to(&format!("/searches/{search}")).into_response()),
        Err(errors) => new_page(&state, chrome, id, errors, Some(form)).await,
    }
}

/// A nation as people write it (its `Display` is the lower-case code).
pub fn nation_label(nation: kernel::Nation) -> &'static str {
    match nation {
        kernel::Nation::England => "England",
        kernel::Nation::Wales => "Wales",
    }
}

/// `2026-11-22T10:00:00.000000Z` as people read it: 22/11/2026 10:00 UTC.
pub fn when(text: &str) -> String {
    match store::timestamp::parse_instant(text) {
        Ok(at) => format!(
            "{} {:02}:{:02} UTC",
            kernel::dates::format_uk_date(at.date()),
            at.hour(),
            at.minute()
        ),
        Err(_) => text.to_owned(),
    }
}

/// The child's local authority id for each request searched, read once per
/// request.
async fn child_ids(state: &AppState, searches: &[Search]) -> Result<HashMap<i64, String>, AppError> {
    let mut ids = HashMap::new();
    for search in searches {
        if let std::collections::hash_map::Entry::Vacant(entry) = ids.entry(search.request_id) {
            let la_id = store::requests::find(&state.store, search.request_id).await?.map(|r| r.la_child_id);
            entry.insert(la_id.unwrap_or_default());
        }
    }
    Ok(ids)
}

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    state: String,
}

/// One line of the list of searches.
pub struct ListLine {
    pub search: Search,
    pub la_child_id: String,
}

#[derive(Template)]
#[template(path = "searches/list.html")]
struct ListPage {
    chrome: Chrome,
    lines: Vec<ListLine>,
    states: Vec<(&'static str, &'static str)>,
    state: String,
    downloads: Downloads,
}

/// Every search the state filter keeps, newest first, with its child's id.
async fn list_lines(state: &AppState, wanted: Option<SearchState>) -> Result<Vec<ListLine>, AppError> {
    let searches: Vec<Search> = store::placement_search::list(&state.store)
        .await?
        .into_iter()
        .filter(|s| wanted.is_none_or(|w| s.state == w))
        .collect();
    let mut ids = child_ids(state, &searches).await?;
    Ok(searches
        .into_iter()
        .map(|search| ListLine {
            la_child_id: ids.remove(&search.request_id).unwrap_or_default(),
            search,
        })
        .collect())
}

/// GET /searches: every search, newest first, optionally by state.
pub async fn list(
    State(state): State<AppState>,
    chrome: Chrome,
    _auth: Authorized<SearchPlacements>,
    Query(params): Query<ListParams>,
) -> Result<Response, AppError> {
    let wanted = params.state.parse::<SearchState>().ok();
    let code = wanted.map(|s| s.code().to_owned()).unwrap_or_default();
    let page = ListPage {
        chrome,
        lines: list_lines(&state, wanted).await?,
        states: SearchState::choices(),
        downloads: Downloads::new(
            "these searches",
            "/searches/export",
            &crate::pages::query_string(&[("state", &code)]),
        ),
        state: code,
    };
    Ok(render(&page)?.into_response())
}

/// GET /searches/export?format=csv|xlsx[&state=]: the list of searches as
/// the page shows it.
pub async fn list_download(
    State(state): State<AppState>,
    format: Format,
    _auth: Authorized<SearchPlacements>,
    Query(params): Query<ListParams>,
) -> Result<Response, AppError> {
    let wanted = params.state.parse::<SearchState>().ok();
    let mut table = Table::default();
    table.row([
        "search_id",
        "request_id",
        "child_id",
        "searched_by",
        "searched_at",
        "state",
        "ranked",
        "excluded",
    ]);
    for l in list_lines(&state, wanted).await? {
        table.row([
            l.search.id.to_string(),
            l.search.request_id.to_string(),
            l.la_child_id,
            l.search.searched_by.clone().unwrap_or_else(|| "Hearth".to_owned()),
            l.search.searched_at.clone(),
            l.search.state.label().to_owned(),
            l.search.findings.results.len().to_string(),
            l.search.findings.excluded.len().to_string(),
        ]);
    }
    table.into_download("placement-searches", format)
}

fn money(m: Option<Money>) -> String {
    m.map(|m| m.to_string()).unwrap_or_default()
}

/// GET /searches/{id}/export?format=csv|xlsx: the whole evidence record, one row per
/// result, excluded candidate and referral, told apart by `section`.
pub async fn download(
    State(state): State<AppState>,
    format: Format,
    _auth: Authorized<ViewProviders>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let search = {
        let mut conn = state.store.pool().acquire().await.map_err(store::StoreError::from)?;
        store::placement_search::load(&mut conn, id).await?
    };
    let referrals = store::search_referrals::list(&state.store, id).await?;
    let mut table = Table::default();
    table.row([
        "section",
        "pass",
        "rank",
        "id",
        "name",
        "tier",
        "score",
        "weekly",
        "detail",
        "sent_at",
        "respond_by",
        "response",
    ]);
    let by = search.searched_by.clone().unwrap_or_default();
    let detail = format!(
        "request {}; {} considered; {} ranked; {} excluded",
        search.request_id,
        search.considered,
        search.findings.results.len(),
        search.findings.excluded.len()
    );
    table.row([
        "search",
        "",
        "",
        &search.id.to_string(),
        &by,
        "",
        "",
        "",
        &detail,
        &search.searched_at,
        "",
        search.state.code(),
    ]);
    for r in &search.findings.results {
        let reasons: Vec<String> = r.reasons.iter().map(|(c, p, why)| format!("{c} {p}: {why}")).collect();
        table.row([
            "result".to_owned(),
            r.pass.code().to_owned(),
            r.rank.to_string(),
            r.id.to_string(),
            r.name.clone(),
            r.tier.map(|t| t.to_string()).unwrap_or_default(),
            r.total.to_string(),
            money(r.weekly),
            reasons.join("; "),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }
    for e in &search.findings.excluded {
        let pass = e.pass.code();
        table.row([
            "excluded",
            pass,
            "",
            &e.id.to_string(),
            &e.name,
            "",
            "",
            "",
            &e.reasons.join("; "),
            "",
            "",
            "",
        ]);
    }
    for r in &referrals {
        let detail = match (&r.offer_weekly, &r.conditions, &r.decline_reason) {
            (_, _, Some(reason)) => reason.clone(),
            (Some(_), Some(conditions), _) => conditions.clone(),
            _ => String::new(),
        };
        table.row([
            "referral".to_owned(),
            r.pass.code().to_owned(),
            r.rank.to_string(),
            r.candidate_id.to_string(),
            r.name.clone(),
            r.tier.map(|t| t.to_string()).unwrap_or_default(),
            r.score.to_string(),
            money(r.offer_weekly),
            detail,
            r.sent_at.clone(),
            r.respond_by.clone(),
            r.response.code().to_owned(),
        ]);
    }
    if let (Some(chosen), Some(at)) = (search.chosen_referral_id, &search.chosen_at) {
        let name = referrals
            .iter()
            .find(|r| r.id == chosen)
            .map(|r| r.name.clone())
            .unwrap_or_default();
        let detail = format!(
            "chosen by {}: {}",
            search.chosen_by.clone().unwrap_or_default(),
            search.rationale.clone().unwrap_or_default()
        );
        table.row(["choice", "", "", &chosen.to_string(), &name, "", "", "", &detail, at, "", ""]);
    }
    table.into_download(&format!("placement-search-{id}"), format)
}
