//! One placement search as evidence: who searched and when, the criteria,
//! the three passes with every result's score and reasons, why the rest
//! were excluded, the referrals with their deadlines and answers, the
//! offers compared, and the reasoned choice.
//!
//! Internal auditors read this page (it is evidence of how the council
//! chose); only those who search see the forms to refer, record answers
//! and choose. Each form posts to its own route and, when a rule is
//! broken, this page comes back with the problem named at the form.

use std::collections::HashSet;

use askama::Template;
use authz::cap::{SearchPlacements, ViewProviders};
use authz::{Permission, Principal};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kernel::Money;
use matching::referrals::{choice_reasons, summary, Offer, ReferralSummary};
use matching::search::PassKind;
use store::placement_search::{ResultLine, Search, SearchState};
use store::search_referrals::{Answer, Referral, Response as Reply};

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::pages::{in_command, path_id, render, Chrome};
use crate::AppState;

/// One search, or page not found.
pub async fn load(state: &AppState, id: i64) -> Result<Search, AppError> {
    let mut conn = state.store.pool().acquire().await.map_err(store::StoreError::from)?;
    Ok(store::placement_search::load(&mut conn, id).await?)
}

/// A ranked result, and whether the child has been referred to it already
/// (a setting is referred to once per search).
pub struct ResultView {
    pub line: ResultLine,
    pub referred: bool,
}

impl ResultView {
    /// The value its refer checkbox sends.
    pub fn pick(&self) -> String {
        format!("{}:{}", self.line.pass.code(), self.line.id)
    }

    pub fn tier(&self) -> String {
        tier_text(self.line.tier)
    }
}

/// One pass of the search, in rank order.
pub struct PassView {
    pub kind: PassKind,
    pub results: Vec<ResultView>,
}

pub struct ReferralView {
    pub referral: Referral,
    pub overdue: bool,
}

impl ReferralView {
    pub fn tier(&self) -> String {
        tier_text(self.referral.tier)
    }
}

/// An offer beside the others, with what choosing it would need explained.
pub struct OfferView {
    pub name: String,
    pub conditions: String,
    pub offer: Offer,
    pub reasons: Vec<String>,
    pub above_budget: bool,
}

#[derive(Template)]
#[template(path = "searches/show.html")]
struct ShowPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    search: Search,
    la_child_id: String,
    passes: Vec<PassView>,
    referrals: Vec<ReferralView>,
    offers: Vec<OfferView>,
    chosen: Option<Referral>,
    told: ReferralSummary,
    budget: Money,
    /// Holds SearchPlacements: sees the forms.
    may_search: bool,
    /// Holds RecordChildren: may record the chosen placement.
    may_record: bool,
    /// The referral whose answer form was just submitted, to keep its values.
    answering: Option<i64>,
    form: FormData,
}

impl ShowPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
    }

    /// The problem with a field of one referral's answer form.
    fn answer_error(&self, referral: &i64, field: &str) -> Option<String> {
        self.error_for(&format!("{field}-{referral}"))
    }

    /// What was typed into one referral's answer form, when it comes back.
    fn typed(&self, referral: &i64, field: &str) -> String {
        if self.is_answering(referral) {
            self.form.text(field)
        } else {
            String::new()
        }
    }

    /// The nation whose law the search applied, as people write it.
    fn law(&self) -> &'static str {
        crate::pages::searches::nation_label(self.search.criteria.nation)
    }

    /// Whether this referral's answer form was the one just sent.
    fn is_answering(&self, referral: &i64) -> bool {
        self.answering == Some(*referral)
    }

    fn open(&self) -> bool {
        !matches!(self.search.state, SearchState::Chosen | SearchState::Closed)
    }

    fn forms(&self) -> bool {
        self.may_search && self.open()
    }

    /// Forms are shown and some result has not been referred to yet.
    fn referable(&self) -> bool {
        self.forms() && self.passes.iter().flat_map(|p| &p.results).any(|r| !r.referred)
    }

    fn awaiting(&self) -> Vec<&Referral> {
        self.referrals
            .iter()
            .map(|r| &r.referral)
            .filter(|r| r.response == Reply::Awaiting)
            .collect()
    }
}

fn tier_text(tier: Option<u8>) -> String {
    tier.map(|t| format!("Tier {t}")).unwrap_or_else(|| "No tier".to_owned())
}

struct Render {
    errors: Vec<FieldError>,
    answering: Option<i64>,
    form: FormData,
}

impl Render {
    fn fresh() -> Render {
        Render {
            errors: Vec::new(),
            answering: None,
            form: FormData::default(),
        }
    }
}

async fn show_page(state: &AppState, chrome: Chrome, principal: &Principal, id: i64, shown: Render) -> Result<Response, AppError> {
    let may_search = principal.holds(Permission::SearchPlacements);
    let search = load(state, id).await?;
    let request = store::requests::find(&state.store, search.request_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let referrals = store::search_referrals::list(&state.store, id).await?;
    let referred: HashSet<(PassKind, i64)> = referrals.iter().map(|r| (r.pass, r.candidate_id)).collect();
    let passes = PassKind::ALL
        .iter()
        .map(|kind| PassView {
            kind: *kind,
            results: search
                .findings
                .results
                .iter()
                .filter(|r| r.pass == *kind)
                .map(|line| ResultView {
                    referred: referred.contains(&(line.pass, line.id)),
                    line: line.clone(),
                })
                .collect(),
        })
        .collect();
    let budget = crate::pages::searches::approved_cost(&request);
    let offers = store::search_referrals::offers(&referrals);
    let offer_views = offers
        .iter()
        .filter_map(|offer| {
            let r = referrals.iter().find(|r| r.id == offer.referral)?;
            Some(OfferView {
                name: r.name.clone(),
                conditions: r.conditions.clone().unwrap_or_default(),
                offer: *offer,
                reasons: choice_reasons(offer, &offers).iter().map(ToString::to_string).collect(),
                above_budget: offer.weekly > budget,
            })
        })
        .collect();
    let now = state.clock.now();
    let page = ShowPage {
        chrome,
        status: crate::pages::form_status(&shown.errors),
        errors: shown.errors,
        la_child_id: request.la_child_id,
        passes,
        chosen: referrals.iter().find(|r| Some(r.id) == search.chosen_referral_id).cloned(),
        referrals: referrals
            .into_iter()
            .map(|referral| ReferralView {
                overdue: store::search_referrals::overdue(&referral, now),
                referral,
            })
            .collect(),
        offers: offer_views,
        told: summary(&search.criteria),
        budget,
        search,
        may_search,
        may_record: principal.holds(Permission::RecordChildren),
        answering: shown.answering,
        form: shown.form,
    };
    Ok((page.status, render(&page)?).into_response())
}

/// GET /searches/{id}
pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewProviders>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    show_page(&state, chrome, &auth.principal, path_id(&id)?, Render::fresh()).await
}

/// Store refusals that name no field ("action") belong to the form that
/// was sent, so the error summary links there.
fn at_form(mut errors: Vec<FieldError>, anchor: &str) -> Vec<FieldError> {
    for e in &mut errors {
        if e.field == "action" {
            e.field = anchor.to_owned();
        }
    }
    errors
}

/// POST /searches/{id}/close: ends a search without a choice, with why.
pub async fn close(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<SearchPlacements>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let (version, reason) = (form.version(), form.text("close_reason"));
    let errors = match in_command(&state, auth.can.actor(), async |cmd| {
        store::search_referrals::close(cmd, &auth.can, id, version, &reason).await
    })
    .await?
    {
        Ok(()) => return Ok(Redirect::to(&format!("/searches/{id}#decision")).into_response()),
        Err(errors) => errors
            .into_iter()
            .map(|mut e| {
                if matches!(e.field.as_str(), "reason" | "action") {
                    e.field = "close_reason".to_owned();
                }
                e
            })
            .collect(),
    };
    let shown = Render {
        errors,
        answering: None,
        form,
    };
    show_page(&state, chrome, &auth.principal, id, shown).await
}

/// A result as a form sends it: `spot:12` is setting 12 in the spot pass.
pub fn parse_pick(text: &str) -> Option<(PassKind, i64)> {
    let (pass, id) = text.split_once(':')?;
    Some((pass.parse().ok()?, id.trim().parse().ok()?))
}

/// POST /searches/{id}/referrals: refers the child to the ticked results.
pub async fn refer(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<SearchPlacements>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let picks: Option<Vec<(PassKind, i64)>> = form.all("pick").iter().map(|p| parse_pick(p)).collect();
    let errors = match picks {
        None => vec![FieldError::new("picks", "Choose settings from the results")],
        Some(picks) => {
            let version = form.version();
            match in_command(&state, auth.can.actor(), async |cmd| {
                store::search_referrals::refer(cmd, &auth.can, id, version, &picks).await
            })
            .await?
            {
                Ok(_) => return Ok(Redirect::to(&format!("/searches/{id}#referrals")).into_response()),
                Err(errors) => at_form(errors, "picks"),
            }
        }
    };
    let shown = Render {
        errors,
        answering: None,
        form,
    };
    show_page(&state, chrome, &auth.principal, id, shown).await
}

/// The answer a referral's form records, every problem named by field.
fn answer_from(form: &FormData, errors: &mut Vec<FieldError>) -> Option<Answer> {
    match form.text("outcome").as_str() {
        "offer" => match Money::parse(&form.text("offer_weekly")) {
            Ok(weekly) => Some(Answer::Offer {
                weekly,
                conditions: form.text("conditions"),
            }),
            Err(_) => {
                errors.push(FieldError::new(
                    "offer_weekly",
                    "Enter the weekly price offered in pounds, such as 4250.00",
                ));
                None
            }
        },
        "decline" => Some(Answer::Decline {
            reason: form.text("decline_reason"),
        }),
        _ => {
            errors.push(FieldError::new(
                "outcome",
                "Choose whether the provider offered a place or declined",
            ));
            None
        }
    }
}

/// POST /referrals/{id}/answer: records a provider's offer or decline.
/// The form names its search, so the page it came from can be shown again.
pub async fn answer(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<SearchPlacements>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let search = path_id(&form.text("search"))?;
    if !store::search_referrals::list(&state.store, search)
        .await?
        .iter()
        .any(|r| r.id == id)
    {
        return Err(AppError::NotFound);
    }
    let mut errors = Vec::new();
    if let Some(answer) = answer_from(&form, &mut errors) {
        let version = form.version();
        match in_command(&state, auth.can.actor(), async |cmd| {
            store::search_referrals::answer(cmd, &auth.can, id, version, &answer).await
        })
        .await?
        {
            Ok(()) => return Ok(Redirect::to(&format!("/searches/{search}#referrals")).into_response()),
            Err(refused) => errors = refused,
        }
    }
    // Every awaiting referral has its own form: name the field in this one.
    for e in &mut errors {
        e.field = format!("{}-{id}", e.field);
    }
    let shown = Render {
        errors,
        answering: Some(id),
        form,
    };
    show_page(&state, chrome, &auth.principal, search, shown).await
}

/// POST /searches/{id}/choice: chooses an offer, with the rationale the
/// choice rule asks for.
pub async fn choose(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<SearchPlacements>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = path_id(&id)?;
    let errors = match form.text("referral").parse::<i64>() {
        Err(_) => vec![FieldError::new("referral", "Choose the offer to accept")],
        Ok(referral) => {
            let (version, rationale) = (form.version(), form.text("rationale"));
            match in_command(&state, auth.can.actor(), async |cmd| {
                store::search_referrals::choose(cmd, &auth.can, id, version, referral, &rationale).await
            })
            .await?
            {
                Ok(()) => return Ok(Redirect::to(&format!("/searches/{id}#decision")).into_response()),
                Err(errors) => at_form(errors, "referral"),
            }
        }
    };
    let shown = Render {
        errors,
        answering: None,
        form,
    };
    show_page(&state, chrome, &auth.principal, id, shown).await
}
