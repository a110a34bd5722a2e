//! Placement search over the API: run a search for an approved request,
//! read it as evidence, refer, record answers and choose, with the same
//! criteria building, store commands and rules as the pages.

use authz::cap::{SearchPlacements, ViewProviders};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use kernel::Money;
use matching::referrals::{choice_reasons, summary, ChoiceReason, Offer};
use matching::search::PassKind;
use placements::PlacementCategory;
use providers::register::Need;
use serde::{Deserialize, Serialize};
use store::search_referrals::Answer;

use crate::api::frameworks::Created;
use crate::api::gateway::{document, Document};
use crate::api::ApiJson;
use crate::auth::Authorized;
use crate::error::{AppError, FieldError, Problem};
use crate::pages::searches::{check_postcode, Asked};
use crate::pages::{in_command, search_evidence};
use crate::AppState;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchInput {
    /// Placement category codes to search, such as `childrens-home`; at
    /// least one.
    pub categories: Vec<String>,
    /// Need codes the placement must meet, such as `autism`.
    #[serde(default)]
    pub needs: Vec<String>,
    /// Need codes for the risks the placement must accept, such as
    /// `going-missing`.
    #[serde(default)]
    pub risks: Vec<String>,
    /// Brothers and sisters to place with the child; the request's number
    /// when left out.
    pub siblings: Option<u8>,
    /// A postcode whose district is not listed is scored as unknown
    /// distance, not refused.
    pub home_postcode: Option<String>,
    pub school_postcode: Option<String>,
    /// ISO 8601 date the placement would start; today when left out.
    pub start: Option<String>,
}

fn needs(field: &str, codes: &[String]) -> Result<Vec<Need>, AppError> {
    providers::register::parse_needs(&codes.join(" ")).map_err(|e| AppError::invalid(field, e))
}

/// A store command's field problems as a 422 naming them.
fn refused<T>(outcome: Result<T, Vec<FieldError>>) -> Result<T, AppError> {
    outcome.map_err(AppError::Invalid)
}

/// Searches for an approved request and keeps the search as evidence.
#[utoipa::path(post, path = "/api/v1/requests/{id}/searches", tag = "matching", request_body = SearchInput,
    params(("id" = i64, Path, description = "Request number")),
    responses((status = 201, body = Created), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn run(
    State(state): State<AppState>,
    auth: Authorized<SearchPlacements>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<SearchInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let request = store::requests::find(&state.store, id).await?.ok_or(AppError::NotFound)?;
    let categories = input
        .categories
        .iter()
        .map(|c| c.parse::<PlacementCategory>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| AppError::invalid("categories", e.to_string()))?;
    let home_postcode = input.home_postcode.unwrap_or_default();
    let school_postcode = input.school_postcode.unwrap_or_default();
    check_postcode("home_postcode", &home_postcode).map_err(|e| AppError::Invalid(vec![e]))?;
    check_postcode("school_postcode", &school_postcode).map_err(|e| AppError::Invalid(vec![e]))?;
    let start = match input.start.as_deref() {
        None => state.clock.today(),
        Some(text) => kernel::dates::parse_iso_date(text).map_err(|_| AppError::invalid("start", "Enter the date as YYYY-MM-DD"))?,
    };
    let asked = Asked {
        start,
        categories,
        needs: needs("needs", &input.needs)?,
        risks: needs("risks", &input.risks)?,
        siblings: input.siblings.unwrap_or(request.details.siblings_together),
        home_postcode,
        school_postcode,
    };
    let criteria = crate::pages::searches::criteria(&state, &request, asked).await?;
    let search = refused(crate::pages::searches::run(&state, &auth, id, &criteria).await?)?;
    Ok((StatusCode::CREATED, Json(Created { id: search })))
}

/// An offer beside the others, and why choosing it would need a rationale.
#[derive(Debug, Serialize)]
struct OfferLine {
    #[serde(flatten)]
    offer: Offer,
    needs_rationale: Vec<ChoiceReason>,
    explained: Vec<String>,
}

/// A search as evidence: criteria, results with reasons, exclusions,
/// referrals, the offers compared and what a provider is told.
#[utoipa::path(get, path = "/api/v1/searches/{id}", tag = "matching",
    params(("id" = i64, Path, description = "Search number")),
    responses((status = 200, body = Document), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn show(
    State(state): State<AppState>,
    _auth: Authorized<ViewProviders>,
    Path(id): Path<i64>,
) -> Result<Json<Document>, AppError> {
    let search = search_evidence::load(&state, id).await?;
    let referrals = store::search_referrals::list(&state.store, id).await?;
    let offers = store::search_referrals::offers(&referrals);
    let compared: Vec<OfferLine> = offers
        .iter()
        .map(|offer| {
            let reasons = choice_reasons(offer, &offers);
            OfferLine {
                offer: *offer,
                explained: reasons.iter().map(ToString::to_string).collect(),
                needs_rationale: reasons,
            }
        })
        .collect();
    document(serde_json::json!({
        "told": summary(&search.criteria),
        "search": search,
        "referrals": referrals,
        "offers": compared,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Pick {
    /// `in-house`, `framework` or `spot`.
    pub pass: String,
    /// The household's or setting's number, as in the results.
    pub id: i64,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferInput {
    /// The search version read; a stale one is refused with 409.
    pub version: i64,
    pub picks: Vec<Pick>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Referred {
    pub referred: usize,
}

/// Refers the child to ranked results, each with its response deadline.
#[utoipa::path(post, path = "/api/v1/searches/{id}/referrals", tag = "matching", request_body = ReferInput,
    params(("id" = i64, Path, description = "Search number")),
    responses((status = 201, body = Referred), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn refer(
    State(state): State<AppState>,
    auth: Authorized<SearchPlacements>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ReferInput>,
) -> Result<(StatusCode, Json<Referred>), AppError> {
    let mut picks = Vec::with_capacity(input.picks.len());
    for (i, pick) in input.picks.iter().enumerate() {
        let pass = pick
            .pass
            .parse::<PassKind>()
            .map_err(|_| AppError::invalid(&format!("picks[{i}].pass"), "Use in-house, framework or spot"))?;
        picks.push((pass, pick.id));
    }
    let referred = refused(
        in_command(&state, auth.can.actor(), async |cmd| {
            store::search_referrals::refer(cmd, &auth.can, id, input.version, &picks).await
        })
        .await?,
    )?;
    Ok((StatusCode::CREATED, Json(Referred { referred })))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    /// The referral version read; a stale one is refused with 409.
    pub version: i64,
    /// For an offer: the weekly price in pence.
    pub offer_weekly_pence: Option<i64>,
    /// For an offer: its conditions, if any.
    pub conditions: Option<String>,
    /// For a decline: why.
    pub decline_reason: Option<String>,
}

/// Records a provider's answer: an offer (price and conditions) or a
/// decline (reason), never both.
#[utoipa::path(post, path = "/api/v1/referrals/{id}/answer", tag = "matching", request_body = AnswerInput,
    params(("id" = i64, Path, description = "Referral number")),
    responses((status = 204), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn answer(
    State(state): State<AppState>,
    auth: Authorized<SearchPlacements>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<AnswerInput>,
) -> Result<StatusCode, AppError> {
    let answer = match (input.offer_weekly_pence, input.decline_reason) {
        (Some(pence), None) => Answer::Offer {
            weekly: Money::from_pence(pence),
            conditions: input.conditions.unwrap_or_default(),
        },
        (None, Some(reason)) => Answer::Decline { reason },
        _ => {
            return Err(AppError::invalid(
                "offer_weekly_pence",
                "Send offer_weekly_pence for an offer or decline_reason for a decline, not both",
            ))
        }
    };
    let outcome = in_command(&state, auth.can.actor(), async |cmd| {
        store::search_referrals::answer(cmd, &auth.can, id, input.version, &answer).await
    })
    .await?;
    // The store names the price as the pages do; the API field has its unit.
    refused(outcome.map_err(|errors| {
        errors
            .into_iter()
            .map(|mut e| {
                if e.field == "offer_weekly" {
                    e.field = "offer_weekly_pence".to_owned();
                }
                e
            })
            .collect()
    }))?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceInput {
    /// The search version read; a stale one is refused with 409.
    pub version: i64,
    /// The referral whose offer is chosen.
    pub referral: i64,
    /// Needed (at least 20 characters) when the offer is not the
    /// best-ranked or the cheapest, or is a spot purchase while an
    /// in-house or framework offer stands.
    #[serde(default)]
    pub rationale: String,
}

/// Chooses an offer, with the rationale the choice rule asks for.
#[utoipa::path(post, path = "/api/v1/searches/{id}/choice", tag = "matching", request_body = ChoiceInput,
    params(("id" = i64, Path, description = "Search number")),
    responses((status = 204), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn choose(
    State(state): State<AppState>,
    auth: Authorized<SearchPlacements>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ChoiceInput>,
) -> Result<StatusCode, AppError> {
    refused(
        in_command(&state, auth.can.actor(), async |cmd| {
            store::search_referrals::choose(cmd, &auth.can, id, input.version, input.referral, &input.rationale).await
        })
        .await?,
    )?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseInput {
    /// The search version read; a stale one is refused with 409.
    pub version: i64,
    /// Why the search ends without a choice (at least 10 characters).
    pub reason: String,
}

/// Closes a search without a choice.
#[utoipa::path(post, path = "/api/v1/searches/{id}/close", tag = "matching", request_body = CloseInput,
    params(("id" = i64, Path, description = "Search number")),
    responses((status = 204), (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn close(
    State(state): State<AppState>,
    auth: Authorized<SearchPlacements>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<CloseInput>,
) -> Result<StatusCode, AppError> {
    refused(
        in_command(&state, auth.can.actor(), async |cmd| {
            store::search_referrals::close(cmd, &auth.can, id, input.version, &input.reason).await
        })
        .await?,
    )?;
    Ok(StatusCode::NO_CONTENT)
}
