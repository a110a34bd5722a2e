//! Finding children and opening their records.
//!
//! Opening a record writes an access-log entry before anything is shown, so
//! no view goes unrecorded.

use askama::Template;
use authz::cap::SearchChildren;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use store::children::{ChildQuery, ChildSort, ChildSummary};
use store::PageRequest;

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::export::{Downloads, Format, Table};
use crate::pages::{page_number, query_string, render, Chrome, Pagination};
use crate::AppState;

const PER_PAGE: u32 = 25;

/// The search form's fields, as submitted in the query string.
#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    dob: String,
    #[serde(default)]
    mine: Option<String>,
    #[serde(default)]
    team: Option<String>,
    #[serde(default)]
    sort: String,
    page: Option<u32>,
}

impl SearchParams {
    fn to_query(&self, auth: &authz::Principal) -> Result<ChildQuery, FieldError> {
        let date_of_birth = match self.dob.trim() {
            "" => None,
            text => Some(
                crate::input::parse_date(text)
                    .ok_or_else(|| FieldError::new("dob", "Enter the date of birth as day/month/year, for example 27/3/2012"))?,
            ),
        };
        Ok(ChildQuery {
            text: Some(self.q.clone()),
            date_of_birth,
            allocated_worker: self.mine.is_some().then_some(auth.actor.user_id()).flatten(),
            teams: self.team.is_some().then(|| auth.teams.clone()),
            sort: match self.sort.as_str() {
                "dob" => ChildSort::DateOfBirth,
                "id" => ChildSort::ChildId,
                _ => ChildSort::Name,
            },
        })
    }

    fn base_query(&self) -> String {
        query_string(&[
            ("q", &self.q),
            ("dob", &self.dob),
            ("mine", self.mine.as_deref().unwrap_or_default()),
            ("team", self.team.as_deref().unwrap_or_default()),
            ("sort", &self.sort),
        ])
    }
}

#[derive(Template)]
#[template(path = "children/search.html")]
struct SearchPage {
    chrome: Chrome,
    params: SearchParams,
    errors: Vec<FieldError>,
    children: Vec<ChildSummary>,
    pagination: Option<Pagination>,
    downloads: Downloads,
    caption: &'static str,
    can_add: bool,
}

pub async fn search(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<SearchChildren>,
    Query(params): Query<SearchParams>,
) -> Result<Response, AppError> {
    let mut page = SearchPage {
        chrome,
        errors: Vec::new(),
        children: Vec::new(),
        pagination: None,
        downloads: Downloads::new("these children", "/children/export", &params.base_query()),
        caption: "Children",
        can_add: auth.principal.holds(authz::Permission::RecordChildren),
        params,
    };
    match page.params.to_query(&auth.principal) {
        Ok(query) => {
            let request = PageRequest::new(page_number(page.params.page), PER_PAGE);
            let mut found = find(&state, &query, request).await?;
            mask_restricted(&state, &auth.principal, &mut found.items).await?;
            page.pagination = Some(Pagination::new(&found, "/children", &page.params.base_query()));
            page.children = found.items;
            Ok(axum::response::IntoResponse::into_response(render(&page)?))
        }
        Err(error) => {
            page.errors.push(error);
            Ok(axum::response::IntoResponse::into_response((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                render(&page)?,
            )))
        }
    }
}

/// The children the page lists: by name when words are given (so the
/// download holds exactly the page's matches), otherwise by the filters.
async fn find(state: &AppState, query: &ChildQuery, request: PageRequest) -> Result<store::Page<ChildSummary>, AppError> {
    Ok(match query.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => store::child_records::search_by_name(&state.store, text, query, request).await?,
        None => store::children::search(&state.store, query, request).await?,
    })
}

/// GET /children/export?format=csv|xlsx: the current search, every
/// matching row, with the page's columns only (no sex or ethnicity: the
/// list does not show them) and restricted records masked as on the page.
pub async fn download(
    State(state): State<AppState>,
    format: Format,
    auth: Authorized<SearchChildren>,
    Query(params): Query<SearchParams>,
) -> Result<Response, AppError> {
    let query = params.to_query(&auth.principal).map_err(|e| AppError::Invalid(vec![e]))?;
    let mut table = Table::default();
    table.row([
        "child_id",
        "family_name",
        "given_names",
        "date_of_birth",
        "team",
        "allocated_worker",
    ]);
    // Every page: a page holds at most 500, and an export must be complete.
    let mut page_number = 1;
    loop {
        let mut found = find(&state, &query, PageRequest::new(page_number, 500)).await?;
        // The export hides restricted records exactly as the page does.
        mask_restricted(&state, &auth.principal, &mut found.items).await?;
        for child in &found.items {
            table.row([
                child.la_child_id.as_str(),
                &child.family_name,
                &child.given_names,
                &kernel::dates::format_iso_date(child.date_of_birth),
                child.team_name.as_deref().unwrap_or_default(),
                child.worker_name.as_deref().unwrap_or_default(),
            ]);
        }
        if page_number >= found.page_count() {
            break;
        }
        page_number += 1;
    }
    table.into_download("children", format)
}

/// Hides the names of restricted records the person may not see: they
/// learn the record exists, and can ask for break-glass access.
pub async fn mask_restricted(state: &AppState, principal: &authz::Principal, children: &mut [ChildSummary]) -> Result<(), AppError> {
    for child in children.iter_mut().filter(|c| c.restricted) {
        if !store::restrictions::may_see(&state.store, principal, child.id, state.clock.now()).await? {
            child.given_names = "(restricted record)".to_owned();
            child.family_name = "Restricted".to_owned();
            child.worker_name = None;
        }
    }
    Ok(())
}
