//! Placement agreements over the API: the list (with the placements still
//! without one), one agreement whole, creating one, recording its
//! signature status, proposing a variation and deciding one. The same store
//! functions and rules as the pages: maker-checker and optimistic locking
//! are the store's, and its refusals come back as problem details naming
//! the field. Amounts are whole pence.

use authz::cap::{ApproveVariations, Commission, ViewProviders};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use contracts::agreements::{Draft, FundingSplit, PriceLine, SignatureStatus, Variation};
use contracts::frameworks::SpotReason;
use kernel::Money;
use placements::ElementKind;
use serde::{Deserialize, Serialize};
use store::agreements::NewAgreement;

use crate::api::gateway::{document, Document};
use crate::api::ApiJson;
use crate::auth::Authorized;
use crate::error::AppError;
use crate::pages::agreement_page::AgreementView;
use crate::pages::agreements::{list_lines, Filter};
use crate::AppState;

/// Every agreement the filters keep, with its weekly price today, and the
/// current external placements that have no agreement yet.
#[utoipa::path(get, path = "/api/v1/agreements", tag = "commissioning", params(Filter), responses((status = 200, body = Document)))]
pub async fn list(
    State(state): State<AppState>,
    _auth: Authorized<ViewProviders>,
    Query(filter): Query<Filter>,
) -> Result<Json<Document>, AppError> {
    document(serde_json::json!({
        "agreements": list_lines(&state, &filter).await?,
        "without_agreement": store::agreements::without_agreement(&state.store, state.clock.today()).await?,
    }))
}

/// One agreement: price lines, funding, signature, variations, and the
/// price in force today.
#[utoipa::path(get, path = "/api/v1/agreements/{id}", tag = "commissioning", params(("id" = i64, Path, description = "Agreement number")),
    responses((status = 200, body = Document), (status = 404, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn show(
    State(state): State<AppState>,
    _auth: Authorized<ViewProviders>,
    Path(id): Path<i64>,
) -> Result<Json<Document>, AppError> {
    document(AgreementView::load(&state, id).await?)
}

/// Who pays which share, in whole percentages that add up to 100.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FundingInput {
    pub social_care: u8,
    pub education: u8,
    pub health: u8,
}

/// One priced element.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    /// core-fee, one-to-one, two-to-one, education, therapy, transport or other.
    #[schema(value_type = String)]
    pub kind: ElementKind,
    /// The weekly amount in pence (0 removes an element in a variation).
    pub weekly_pence: i64,
}

/// A new agreement for a current placement with an external provider.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAgreementInput {
    pub placement_id: i64,
    /// ISO 8601 date.
    #[schema(value_type = String)]
    pub start: time::Date,
    /// The last day covered, when fixed (ISO 8601 date).
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub end: Option<time::Date>,
    pub funding: FundingInput,
    /// Must include a core fee.
    pub lines: Vec<LineInput>,
    /// Required off framework: no-framework-vacancy, needs-not-met,
    /// keep-siblings-together, continuity, emergency, location or other.
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub spot_reason: Option<SpotReason>,
    /// Required with the reason `other`.
    #[serde(default)]
    pub spot_note: String,
}

/// The lines as priced elements, refusing an element given twice (the
/// store would keep whichever came last without saying so).
fn elements(lines: &[LineInput]) -> Result<Vec<(ElementKind, Money)>, AppError> {
    let mut out: Vec<(ElementKind, Money)> = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        if out.iter().any(|(kind, _)| *kind == line.kind) {
            return Err(AppError::invalid(&format!("lines[{i}].kind"), "Give each element once only"));
        }
        out.push((line.kind, Money::from_pence(line.weekly_pence)));
    }
    Ok(out)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Creates the agreement for a placement (one per placement).
#[utoipa::path(post, path = "/api/v1/agreements", tag = "commissioning", request_body = NewAgreementInput,
    responses((status = 201, body = Created), (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    auth: Authorized<Commission>,
    ApiJson(input): ApiJson<NewAgreementInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let new = NewAgreement {
        placement_id: input.placement_id,
        draft: Draft {
            start: input.start,
            end: input.end,
            lines: elements(&input.lines)?
                .into_iter()
                .map(|(kind, weekly)| PriceLine {
                    kind,
                    weekly,
                    effective_from: input.start,
                })
                .collect(),
            funding: FundingSplit {
                social_care: input.funding.social_care,
                education: input.funding.education,
                health: input.funding.health,
            },
        },
        spot: input.spot_reason.map(|reason| (reason, input.spot_note)),
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let id = store::agreements::create(&mut cmd, &auth.can, &new).await?;
    cmd.commit().await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A signature status at the version read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatureInput {
    /// draft, sent, provider-signed or fully-signed.
    #[schema(value_type = String)]
    pub status: SignatureStatus,
    /// The agreement's version as read; a stale version is refused with 409.
    pub version: i64,
}

/// Records how far the agreement has got to being signed.
#[utoipa::path(post, path = "/api/v1/agreements/{id}/signature", tag = "commissioning", request_body = SignatureInput,
    params(("id" = i64, Path, description = "Agreement number")),
    responses((status = 200, body = Document), (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn signature(
    State(state): State<AppState>,
    auth: Authorized<Commission>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<SignatureInput>,
) -> Result<Json<Document>, AppError> {
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    store::agreements::set_signature(&mut cmd, &auth.can, id, input.version, input.status).await?;
    cmd.commit().await?;
    document(AgreementView::load(&state, id).await?)
}

/// A proposed variation.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VariationInput {
    /// ISO 8601 date, not before the agreement starts.
    #[schema(value_type = String)]
    pub effective_from: time::Date,
    /// Why, in at least 10 characters.
    pub reason: String,
    /// New weekly prices from `effective_from`; 0 removes an element.
    #[serde(default)]
    pub lines: Vec<LineInput>,
    /// A new last day (ISO 8601 date), for an extension or an earlier end.
    #[schema(value_type = Option<String>)]
    #[serde(default)]
    pub new_end: Option<time::Date>,
}

/// Proposes a variation; nothing changes until somebody else approves it.
/// Only a person (a personal token) can propose.
#[utoipa::path(post, path = "/api/v1/agreements/{id}/variations", tag = "commissioning", request_body = VariationInput,
    params(("id" = i64, Path, description = "Agreement number")),
    responses((status = 201, body = Created), (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn propose(
    State(state): State<AppState>,
    auth: Authorized<Commission>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<VariationInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let variation = Variation {
        effective_from: input.effective_from,
        reason: input.reason,
        lines: elements(&input.lines)?,
        new_end: input.new_end,
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    let id = store::agreements::propose_variation(&mut cmd, &auth.can, id, &variation).await?;
    cmd.commit().await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A decision on a proposed variation at the version read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// true approves, false rejects.
    pub approve: bool,
    /// The variation's version as read; a stale version is refused with 409.
    pub version: i64,
}

/// Approves or rejects a variation. The person who proposed it may not, and
/// a service token may not either: a decision is always a named person's.
#[utoipa::path(post, path = "/api/v1/agreements/{id}/variations/{vid}/decision", tag = "commissioning", request_body = DecisionInput,
    params(("id" = i64, Path, description = "Agreement number"), ("vid" = i64, Path, description = "Variation number")),
    responses((status = 200, body = Document), (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
              (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn decide(
    State(state): State<AppState>,
    auth: Authorized<ApproveVariations>,
    Path((id, vid)): Path<(i64, i64)>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> Result<Json<Document>, AppError> {
    // The store refuses the proposer and the system but would accept a
    // service token and record no decider; maker-checker needs a person.
    if auth.principal.actor.user_id().is_none() {
        return Err(AppError::Refused(
            "a variation is decided by a named person: use a personal API token".to_owned(),
        ));
    }
    let before = AgreementView::load(&state, id).await?;
    if !before.agreement.variations.iter().any(|v| v.id == vid) {
        return Err(AppError::NotFound);
    }
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    store::agreements::decide_variation(&mut cmd, &auth.can, vid, input.version, input.approve).await?;
    cmd.commit().await?;
    document(AgreementView::load(&state, id).await?)
}
