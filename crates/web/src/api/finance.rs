//! Care finance over the API: service agreements (the list, one with its
//! rate lines, the placements ready for one, creating one from a signed
//! placement agreement or an approved carer fee, and rate changes), and
//! the helpers the other finance modules share. Carer fees and allowance
//! tables are in `api::carer_fees`, payment runs in `api::payment_runs`.
//!
//! The same store functions and rules as the pages: the basis, a live
//! placement, maker-checker and optimistic locking are the store's, and its
//! refusals come back as problem details naming the field. Amounts are
//! whole pence in fields named `*_pence`; dates are ISO 8601.

use authz::cap::{ManageFinance, ViewFinance};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use finance::runs::Cadence;
use finance::service::Payee;
use finance::Element;
use kernel::Money;
use serde::{Deserialize, Serialize};
use store::service_agreements::{RateChange, Ready, Stored, Terms};
use store::StoreError;
use time::Date;

use crate::api::{ApiJson, Listing, Paging};
use crate::auth::Authorized;
use crate::error::{AppError, Problem};
use crate::AppState;

/// Runs one command for the API: committed whole, or nothing written.
pub(crate) async fn command<T>(
    state: &AppState,
    actor: authz::Actor,
    work: impl AsyncFnOnce(&mut store::Command) -> Result<T, StoreError>,
) -> Result<T, AppError> {
    let mut cmd = state.store.begin(actor, state.clock.as_ref()).await?;
    let value = work(&mut cmd).await?;
    cmd.commit().await?;
    Ok(value)
}

/// The store names some fields as the pages do; the API names them as its
/// bodies do (`weekly` is `weekly_pence` here).
pub(crate) fn renamed(error: StoreError, renames: &[(&str, &'static str)]) -> StoreError {
    match error {
        StoreError::Invalid(fields) => StoreError::Invalid(
            fields
                .into_iter()
                .map(|(field, message)| {
                    let field = renames.iter().find(|(from, _)| *from == field).map_or(field, |(_, to)| *to);
                    (field, message)
                })
                .collect(),
        ),
        other => other,
    }
}

/// A decision is a named person's: a service token acts for nobody.
pub(crate) fn person_only<C: authz::Capability>(auth: &Authorized<C>, what: &str) -> Result<(), AppError> {
    if auth.principal.actor.user_id().is_none() {
        return Err(AppError::Refused(format!("{what} by a named person: use a personal API token")));
    }
    Ok(())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Who is paid.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PayeeOut {
    /// `provider` or `household`.
    pub kind: String,
    pub id: i64,
    pub name: String,
}

impl PayeeOut {
    pub fn new(payee: Payee, name: String) -> PayeeOut {
        let (kind, id) = match payee {
            Payee::Provider(id) => ("provider", id.get()),
            Payee::Household(id) => ("household", id.get()),
        };
        PayeeOut {
            kind: kind.to_owned(),
            id,
            name,
        }
    }
}

/// One service agreement as listed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ServiceAgreementSummary {
    pub id: i64,
    /// Give this back with a rate change; a stale version is refused with 409.
    pub version: i64,
    pub placement_id: i64,
    pub child_id: i64,
    /// The council's child id.
    pub la_child_id: String,
    pub payee: PayeeOut,
    /// The placement category code, e.g. `childrens-home`.
    pub placement_type: String,
    /// weekly, four-weekly or monthly.
    pub cadence: String,
    pub cost_centre: String,
    #[schema(value_type = String, format = Date)]
    pub start: Date,
    /// The agreement's own last day, when fixed.
    #[schema(value_type = Option<String>, format = Date)]
    pub end: Option<Date>,
    /// The last day payable: the earlier of the agreement's end and the
    /// night before the placement ended.
    #[schema(value_type = Option<String>, format = Date)]
    pub last_day: Option<Date>,
    /// Every element's weekly rate today, in pence.
    pub weekly_today_pence: i64,
    /// The last day a payment run included.
    #[schema(value_type = Option<String>, format = Date)]
    pub paid_through: Option<Date>,
    pub placement_agreement_id: Option<i64>,
    pub carer_fee_id: Option<i64>,
}

impl ServiceAgreementSummary {
    fn new(stored: &Stored, today: Date) -> ServiceAgreementSummary {
        let agreement = &stored.agreement;
        ServiceAgreementSummary {
            id: agreement.id.get(),
            version: stored.version,
            placement_id: agreement.placement_id.get(),
            child_id: stored.child_id.get(),
            la_child_id: stored.la_child_id.clone(),
            payee: PayeeOut::new(agreement.payee, stored.payee_name.clone()),
            placement_type: agreement.placement_type.code().to_owned(),
            cadence: stored.cadence.code().to_owned(),
            cost_centre: agreement.cost_centre.as_str().to_owned(),
            start: agreement.start,
            end: agreement.end,
            last_day: agreement.last_day(),
            weekly_today_pence: stored.weekly_on(today).pence(),
            paid_through: stored.paid_through,
            placement_agreement_id: stored.placement_agreement_id,
            carer_fee_id: stored.carer_fee_id,
        }
    }
}

/// One rate, in force from `from` until a later line for its element.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RateLineOut {
    /// The element code, e.g. `core-fee`, `allowance` or `carer-fee`.
    pub element: String,
    pub weekly_pence: i64,
    #[schema(value_type = String, format = Date)]
    pub from: Date,
}

/// Who pays which share, in whole percentages.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FundingOut {
    pub social_care: u8,
    pub education: u8,
    pub health: u8,
}

/// One service agreement with its funding split and every rate line in
/// the order they were added (lines are never edited, only appended).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ServiceAgreementDetail {
    #[serde(flatten)]
    pub summary: ServiceAgreementSummary,
    pub funding: FundingOut,
    pub lines: Vec<RateLineOut>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AgreementFilter {
    /// Only agreements paid at this cadence: weekly, four-weekly or monthly.
    pub cadence: Option<String>,
}

/// Every service agreement (optionally of one cadence), by number.
#[utoipa::path(get, path = "/api/v1/service-agreements", tag = "finance", params(AgreementFilter, Paging),
    responses((status = 200, body = Listing<ServiceAgreementSummary>), (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list_agreements(
    State(state): State<AppState>,
    _auth: Authorized<ViewFinance>,
    Query(filter): Query<AgreementFilter>,
    Query(paging): Query<Paging>,
) -> Result<Json<Listing<ServiceAgreementSummary>>, AppError> {
    let cadence = match filter.cadence.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => Some(
            code.parse::<Cadence>()
                .map_err(|_| AppError::invalid("cadence", "Choose weekly, four-weekly or monthly"))?,
        ),
        None => None,
    };
    let today = state.clock.today();
    let all: Vec<Stored> = store::service_agreements::list(&state.store)
        .await?
        .into_iter()
        .filter(|s| cadence.is_none_or(|c| s.cadence == c))
        .collect();
    let request = paging.request();
    let skip = usize::try_from(request.page - 1).unwrap_or(0) * usize::try_from(request.per_page).unwrap_or(0);
    Ok(Json(Listing {
        total: i64::try_from(all.len()).unwrap_or(i64::MAX),
        items: all
            .iter()
            .skip(skip)
            .take(usize::try_from(request.per_page).unwrap_or(0))
            .map(|s| ServiceAgreementSummary::new(s, today))
            .collect(),
        page: request.page,
        per_page: request.per_page,
    }))
}

/// A live placement whose basis is approved and that has no service
/// agreement yet: give its `placement_agreement_id` or `carer_fee_id` to
/// create one.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReadyOut {
    pub placement_id: i64,
    pub la_child_id: String,
    pub payee_name: String,
    pub placement_type: String,
    #[schema(value_type = String, format = Date)]
    pub start: Date,
    pub placement_agreement_id: Option<i64>,
    pub carer_fee_id: Option<i64>,
}

impl From<Ready> for ReadyOut {
    fn from(r: Ready) -> ReadyOut {
        ReadyOut {
            placement_id: r.placement_id,
            la_child_id: r.la_child_id,
            payee_name: r.payee_name,
            placement_type: r.category,
            start: r.start,
            placement_agreement_id: r.placement_agreement_id,
            carer_fee_id: r.carer_fee_id,
        }
    }
}

/// Placements ready for a service agreement.
#[utoipa::path(get, path = "/api/v1/service-agreements/ready", tag = "finance", responses((status = 200, body = Vec<ReadyOut>)))]
pub async fn ready(State(state): State<AppState>, _auth: Authorized<ViewFinance>) -> Result<Json<Vec<ReadyOut>>, AppError> {
    let ready = store::service_agreements::ready(&state.store, state.clock.today()).await?;
    Ok(Json(ready.into_iter().map(ReadyOut::from).collect()))
}

async fn agreement_detail(state: &AppState, id: i64) -> Result<ServiceAgreementDetail, AppError> {
    let mut conn = state.store.pool().acquire().await.map_err(StoreError::from)?;
    let stored = store::service_agreements::load(&mut conn, id).await?;
    let agreement = &stored.agreement;
    Ok(ServiceAgreementDetail {
        summary: ServiceAgreementSummary::new(&stored, state.clock.today()),
        funding: FundingOut {
            social_care: agreement.funding.social_care,
            education: agreement.funding.education,
            health: agreement.funding.health,
        },
        lines: agreement
            .lines
            .iter()
            .map(|l| RateLineOut {
                element: l.element.code().to_owned(),
                weekly_pence: l.weekly.pence(),
                from: l.from,
            })
            .collect(),
    })
}

/// One service agreement with its rate lines.
#[utoipa::path(get, path = "/api/v1/service-agreements/{id}", tag = "finance", params(("id" = i64, Path, description = "Service agreement number")),
    responses((status = 200, body = ServiceAgreementDetail), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn show_agreement(
    State(state): State<AppState>,
    _auth: Authorized<ViewFinance>,
    Path(id): Path<i64>,
) -> Result<Json<ServiceAgreementDetail>, AppError> {
    Ok(Json(agreement_detail(&state, id).await?))
}

/// A new service agreement, from exactly one basis.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewServiceAgreementInput {
    /// A placement agreement signed by both parties (external placements).
    #[serde(default)]
    pub placement_agreement_id: Option<i64>,
    /// An approved carer fee (in-house placements).
    #[serde(default)]
    pub carer_fee_id: Option<i64>,
    /// weekly, four-weekly or monthly.
    #[schema(value_type = String)]
    pub cadence: Cadence,
    /// Omit for the placement type's default cost centre.
    #[serde(default)]
    pub cost_centre: Option<String>,
}

/// Creates the service agreement for a live placement from its signed
/// placement agreement (the provider is paid the agreement's prices) or
/// its approved carer fee (the household is paid the allowance and fee
/// from the tables). One per placement.
#[utoipa::path(post, path = "/api/v1/service-agreements", tag = "finance", request_body = NewServiceAgreementInput,
    responses((status = 201, body = Created), (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_agreement(
    State(state): State<AppState>,
    auth: Authorized<ManageFinance>,
    ApiJson(input): ApiJson<NewServiceAgreementInput>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let terms = Terms {
        cadence: input.cadence,
        cost_centre: input.cost_centre.unwrap_or_default(),
    };
    let id = match (input.placement_agreement_id, input.carer_fee_id) {
        (Some(agreement), None) => {
            command(&state, auth.can.actor(), async |cmd| {
                store::service_agreements::create_from_placement_agreement(cmd, &auth.can, agreement, &terms).await
            })
            .await?
        }
        (None, Some(fee)) => {
            command(&state, auth.can.actor(), async |cmd| {
                store::service_agreements::create_from_carer_fee(cmd, &auth.can, fee, &terms).await
            })
            .await?
        }
        (None, None) => {
            return Err(AppError::invalid(
                "placement_agreement_id",
                "Give the signed placement agreement (placement_agreement_id) or the approved carer fee (carer_fee_id) to pay under",
            ))
        }
        (Some(_), Some(_)) => {
            return Err(AppError::invalid(
                "carer_fee_id",
                "Give either placement_agreement_id or carer_fee_id, not both",
            ))
        }
    };
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A new rate for one element from a date, at the version read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateChangeInput {
    /// The element code, e.g. `core-fee`, `therapy`, `allowance`, `carer-fee`.
    #[schema(value_type = String)]
    pub element: Element,
    /// The new weekly rate in pence (0 stops the element).
    pub weekly_pence: i64,
    /// The first day at the new rate (ISO 8601), not before the agreement starts.
    #[schema(value_type = String, format = Date)]
    pub from: Date,
    /// Why the rate changes.
    pub reason: String,
    /// The agreement's version as read; a stale version is refused with 409.
    pub version: i64,
}

/// A correction for days already in a run, paid or recovered by the next
/// run of the agreement's cadence.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AdjustmentOut {
    pub element: String,
    #[schema(value_type = String, format = Date)]
    pub first: Date,
    #[schema(value_type = String, format = Date)]
    pub last: Date,
    /// Negative for a recovery.
    pub amount_pence: i64,
}

/// What a rate change did.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RateChanged {
    /// Adjustments for days already paid (empty when the change is in the
    /// future of what runs have paid).
    pub adjustments: Vec<AdjustmentOut>,
    /// The agreement as it now stands.
    pub agreement: ServiceAgreementDetail,
}

/// Appends a rate line. Rates are never edited; a change reaching back
/// into days a run has already paid writes adjustments for the next run.
#[utoipa::path(post, path = "/api/v1/service-agreements/{id}/rates", tag = "finance", request_body = RateChangeInput,
    params(("id" = i64, Path, description = "Service agreement number")),
    responses((status = 200, body = RateChanged), (status = 404, body = Problem, content_type = "application/problem+json"),
              (status = 409, body = Problem, content_type = "application/problem+json"),
              (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_rate(
    State(state): State<AppState>,
    auth: Authorized<ManageFinance>,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<RateChangeInput>,
) -> Result<Json<RateChanged>, AppError> {
    let change = RateChange {
        element: input.element,
        weekly: Money::from_pence(input.weekly_pence),
        from: input.from,
        reason: input.reason,
    };
    let adjustments = command(&state, auth.can.actor(), async |cmd| {
        store::service_agreements::add_rate(cmd, &auth.can, id, input.version, &change)
            .await
            .map_err(|e| renamed(e, &[("weekly", "weekly_pence")]))
    })
    .await?;
    Ok(Json(RateChanged {
        adjustments: adjustments
            .into_iter()
            .map(|a| AdjustmentOut {
                element: a.element.code().to_owned(),
                first: a.first,
                last: a.last,
                amount_pence: a.amount.pence(),
            })
            .collect(),
        agreement: agreement_detail(&state, id).await?,
    }))
}
