//! One child's whole record as a JSON document: `GET
//! /api/v1/children/{id}/export` for other systems, and
//! `/children/{id}/export.json` for the "Download this record (JSON)" link
//! on the record page. The format is documented in `docs/formats.md`
//! ("Child record export (JSON)").
//!
//! Both answer exactly as viewing the record does: 404 for an unknown
//! child, 403 for a restricted record the caller may not see (unless they
//! broke the glass), and each export writes an access-log entry of kind
//! `export` and an audit event `child.exported` in one transaction. The
//! placement requests and agreements are included only for callers who may
//! read those lists; otherwise they are `null`.

use authz::cap::ViewChildRecord;
use authz::{Permission, Principal};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use kernel::dates::format_iso_date as iso;
use kernel::ChildId;
use serde::Serialize;
use store::access_log::AccessKind;
use store::PageRequest;

use crate::auth::Authorized;
use crate::error::AppError;
use crate::AppState;

/// The value of `format` in every child record export.
pub const FORMAT: &str = "hearth-child-record";

/// A child's whole record, as the caller may see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChildExport {
    /// Always `hearth-child-record`.
    pub format: String,
    /// The version of this format: 1.
    pub version: u32,
    /// When the export was made, RFC 3339 (UTC).
    pub exported_at: String,
    /// Who made it: `user:<id>` or `token:<id>`.
    pub exported_by: String,
    pub child: Identity,
    pub identifiers: Identifiers,
    pub addresses: Vec<AddressItem>,
    pub relationships: Vec<RelationshipItem>,
    pub care_history: CareHistory,
    /// The SSDA903 episodes derived from the care history (never stored).
    pub episodes: Vec<EpisodeItem>,
    pub care_events: Vec<CareEventItem>,
    pub assessments: Vec<AssessmentItem>,
    pub allocations: Vec<AllocationItem>,
    /// `null` when the caller may not read placement requests.
    pub placement_requests: Option<Vec<RequestItem>>,
    /// `null` when the caller may not read placement agreements.
    pub placement_agreements: Option<Vec<AgreementItem>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Identity {
    /// Hearth's record number.
    pub id: i64,
    /// The council's child id (SSDA903 CHILD).
    pub la_child_id: String,
    pub given_names: String,
    pub family_name: String,
    /// ISO 8601 date.
    pub date_of_birth: String,
    /// The day of birth is unknown; the 15th of the month is recorded.
    pub birth_day_unknown: bool,
    /// SSDA903 SEX code.
    pub sex: String,
    pub gender_identity: String,
    /// SSDA903 ETHNIC code.
    pub ethnicity: String,
    pub team: Option<String>,
    pub allocated_worker: Option<String>,
    /// The record is restricted to named teams.
    pub restricted: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Identifiers {
    /// Unique pupil number.
    pub upn: Option<String>,
    pub nhs_number: Option<String>,
    /// Unaccompanied asylum-seeking child.
    pub uasc: bool,
    /// ISO 8601 date UASC status ended.
    pub uasc_ceased: Option<String>,
    /// DfE disability codes.
    pub disabilities: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AddressItem {
    pub kind: String,
    pub line: String,
    pub postcode: String,
    pub start: String,
    pub end: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RelationshipItem {
    pub kind: String,
    /// The related child's Hearth record number, when looked after too.
    pub related_child: Option<i64>,
    /// The related child's council child id.
    pub related_child_id: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CareHistory {
    pub periods: Vec<PeriodItem>,
    pub legal_statuses: Vec<LegalStatusItem>,
    pub placements: Vec<PlacementItem>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PeriodItem {
    pub start: String,
    /// Exclusive end; `null` while in care.
    pub end: Option<String>,
    /// SSDA903 REC code.
    pub reason_ceased: Option<String>,
    /// SSDA903 CIN code.
    pub category_of_need: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LegalStatusItem {
    /// SSDA903 LS code.
    pub code: String,
    pub start: String,
    pub end: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlacementItem {
    pub id: i64,
    /// Hearth's placement category code.
    pub category: String,
    /// SSDA903 PLACE code.
    pub place: String,
    /// SSDA903 PLACE_PROVIDER code.
    pub provider_type: String,
    pub provider_id: Option<i64>,
    pub provider_name: Option<String>,
    /// Ofsted unique reference number of the setting.
    pub urn: Option<String>,
    pub postcode: Option<String>,
    pub start: String,
    pub end: Option<String>,
    /// SSDA903 REASON_PLACE_CHANGE.
    pub reason_for_change: Option<String>,
    pub weekly_cost_pence: i64,
    pub long_term: bool,
    pub placement_plan_on: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EpisodeItem {
    /// Start of the episode (DECOM).
    pub decom: String,
    /// Reason for new episode (RNE).
    pub rne: String,
    /// Legal status (LS).
    pub ls: String,
    /// Category of need (CIN).
    pub cin: String,
    pub place: String,
    pub place_provider: String,
    /// Exclusive end (DEC); `null` while open.
    pub dec: Option<String>,
    /// Reason episode ceased (REC).
    pub rec: Option<String>,
    pub reason_place_change: Option<String>,
    /// Placement postcode (PL_POST).
    pub pl_post: Option<String>,
    pub urn: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CareEventItem {
    pub id: i64,
    /// care-plan, review, visit, health-assessment or pep.
    pub kind: String,
    pub occurred_on: String,
    pub notes: String,
    pub recorded_by: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AssessmentItem {
    pub id: i64,
    pub kind: String,
    /// started, submitted or authorised.
    pub state: String,
    pub started_on: String,
    pub author: String,
    pub summary: String,
    pub submitted_on: Option<String>,
    /// The user id of the manager who authorised it.
    pub authorised_by: Option<i64>,
    pub completed_on: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AllocationItem {
    pub worker_id: i64,
    pub worker_name: String,
    pub team_id: Option<i64>,
    pub start: String,
    pub end: Option<String>,
    pub reason: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RequestItem {
    pub id: i64,
    pub state: String,
    pub urgency: String,
    pub category: String,
    pub weekly_cost_pence: i64,
    pub agreed_weekly_cost_pence: Option<i64>,
    pub submitted_on: Option<String>,
    pub decided_on: Option<String>,
    pub emergency_placed_on: Option<String>,
    /// The request this one varies.
    pub variation_of: Option<i64>,
    pub requester: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AgreementItem {
    pub id: i64,
    pub placement_id: i64,
    pub provider_id: i64,
    pub provider: String,
    pub start: String,
    pub end: Option<String>,
    pub signature: String,
    /// The weekly price on the day of the export.
    pub weekly_today_pence: i64,
}

/// The child's whole record as one JSON document, with the same access as
/// viewing it; written to the access log (kind `export`) and audited.
#[utoipa::path(get, path = "/api/v1/children/{id}/export", tag = "children", params(("id" = i64, Path, description = "Hearth record number")),
    responses((status = 200, body = ChildExport),
        (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn export(
    State(state): State<AppState>,
    auth: Authorized<ViewChildRecord>,
    Path(id): Path<String>,
) -> Result<Json<ChildExport>, AppError> {
    let id: ChildId = id.parse().map_err(|_| AppError::NotFound)?;
    Ok(Json(build(&state, &auth.principal, id, "api").await?))
}

/// GET /children/{id}/export.json: the same document as a download.
pub async fn page_download(
    State(state): State<AppState>,
    auth: Authorized<ViewChildRecord>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = crate::pages::record::parse_child_id(&id)?;
    let document = build(&state, &auth.principal, id, "page").await?;
    let body = serde_json::to_string_pretty(&document).map_err(|e| AppError::Internal(e.to_string()))?;
    let disposition = format!("attachment; filename=\"child-{}.json\"", document.child.la_child_id);
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// Checks access as the record page does, logs and audits the export, and
/// reads the document. `via` is `api` or `page`.
pub async fn build(state: &AppState, principal: &Principal, id: ChildId, via: &str) -> Result<ChildExport, AppError> {
    let record = store::child_records::find_record(&state.store, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = state.clock.now();
    if !store::restrictions::may_see(&state.store, principal, id, now).await? {
        return Err(AppError::Refused("this record is restricted to named teams".to_owned()));
    }
    let may_requests = principal.holds(Permission::WorkOnRequests);
    let may_agreements = principal.holds(Permission::ViewProviders);
    let mut cmd = state.store.begin(principal.actor, state.clock.as_ref()).await?;
    store::access_log::record_on(cmd.conn(), principal.actor, id, AccessKind::Export, Some(via), now).await?;
    let detail = serde_json::json!({
        "via": via,
        "placement_requests": may_requests,
        "placement_agreements": may_agreements,
    });
    cmd.record(store::Change::new("child.exported", "child", id, None::<&()>, Some(&detail)))
        .await?;
    cmd.commit().await?;

    let stored = store::care_history::history_of(&state.store, id).await?;
    let history = stored.history();
    let s = &record.summary;
    let d = &record.details;
    Ok(ChildExport {
        format: FORMAT.to_owned(),
        version: 1,
        exported_at: now
            .format(&time::format_description::well_known::Rfc3339)
            .map_err(|e| AppError::Internal(e.to_string()))?,
        exported_by: principal.actor.to_string(),
        child: Identity {
            id: s.id.get(),
            la_child_id: s.la_child_id.clone(),
            given_names: s.given_names.clone(),
            family_name: s.family_name.clone(),
            date_of_birth: iso(s.date_of_birth),
            birth_day_unknown: d.birth_day_unknown,
            sex: s.sex.clone(),
            gender_identity: d.gender_identity.clone(),
            ethnicity: s.ethnicity.clone(),
            team: s.team_name.clone(),
            allocated_worker: s.worker_name.clone(),
            restricted: record.restricted,
        },
        identifiers: Identifiers {
            upn: d.upn.clone(),
            nhs_number: d.nhs_number.clone(),
            uasc: d.uasc,
            uasc_ceased: d.uasc_ceased.map(iso),
            disabilities: d.disabilities.clone(),
        },
        addresses: store::casework::addresses(&state.store, id)
            .await?
            .into_iter()
            .map(|a| AddressItem {
                kind: a.kind,
                line: a.line,
                postcode: a.postcode,
                start: iso(a.start),
                end: a.end.map(iso),
            })
            .collect(),
        relationships: store::casework::relationships(&state.store, id)
            .await?
            .into_iter()
            .map(|r| RelationshipItem {
                kind: r.kind,
                related_child: r.related_child.map(ChildId::get),
                related_child_id: r.related_child_id,
                name: r.name,
            })
            .collect(),
        care_history: CareHistory {
            periods: history
                .periods
                .iter()
                .map(|p| PeriodItem {
                    start: iso(p.start),
                    end: p.end.map(iso),
                    reason_ceased: p.reason_ceased.clone(),
                    category_of_need: p.category_of_need.clone(),
                })
                .collect(),
            legal_statuses: history
                .legal_statuses
                .iter()
                .map(|l| LegalStatusItem {
                    code: l.code.clone(),
                    start: iso(l.start),
                    end: l.end.map(iso),
                })
                .collect(),
            placements: stored.placements.iter().map(placement_item).collect(),
        },
        episodes: children::episodes::episodes(&history).into_iter().map(episode_item).collect(),
        care_events: store::casework::events(&state.store, id)
            .await?
            .into_iter()
            .map(|e| CareEventItem {
                id: e.id,
                kind: e.kind.code().to_owned(),
                occurred_on: iso(e.occurred_on),
                notes: e.notes,
                recorded_by: e.recorded_by,
            })
            .collect(),
        assessments: store::assessments::for_child(&state.store, id)
            .await?
            .into_iter()
            .map(|a| AssessmentItem {
                id: a.id,
                kind: a.kind.code().to_owned(),
                state: a.state.code().to_owned(),
                started_on: iso(a.started_on),
                author: a.author_name,
                summary: a.summary,
                submitted_on: a.submitted_on.map(iso),
                authorised_by: a.authorised_by.map(kernel::UserId::get),
                completed_on: a.completed_on.map(iso),
            })
            .collect(),
        allocations: store::casework::allocations(&state.store, id)
            .await?
            .into_iter()
            .map(|a| AllocationItem {
                worker_id: a.worker_id.get(),
                worker_name: a.worker_name,
                team_id: a.team_id.map(kernel::TeamId::get),
                start: iso(a.start),
                end: a.end.map(iso),
                reason: a.reason,
            })
            .collect(),
        placement_requests: if may_requests { Some(requests(state, id).await?) } else { None },
        placement_agreements: if may_agreements { Some(agreements(state, id).await?) } else { None },
    })
}

fn placement_item(p: &store::care_history::RecordedPlacement) -> PlacementItem {
    PlacementItem {
        id: p.id,
        category: p.category.code().to_owned(),
        place: p.interval.place.clone(),
        provider_type: p.interval.provider_type.clone(),
        provider_id: p.provider_id.map(|id| id.get()),
        provider_name: p.provider_name.clone(),
        urn: p.interval.urn.clone(),
        postcode: p.interval.postcode.clone(),
        start: iso(p.interval.start),
        end: p.interval.end.map(iso),
        reason_for_change: p.interval.reason_for_change.clone(),
        weekly_cost_pence: p.weekly_cost.pence(),
        long_term: p.long_term,
        placement_plan_on: p.placement_plan_on.map(iso),
    }
}

fn episode_item(e: children::episodes::Episode) -> EpisodeItem {
    EpisodeItem {
        decom: iso(e.decom),
        rne: e.rne.to_owned(),
        ls: e.ls,
        cin: e.cin,
        place: e.place,
        place_provider: e.place_provider,
        dec: e.dec.map(iso),
        rec: e.rec,
        reason_place_change: e.reason_place_change,
        pl_post: e.pl_post,
        urn: e.urn,
    }
}

/// Every placement request for the child, newest first as the queue lists them.
async fn requests(state: &AppState, id: ChildId) -> Result<Vec<RequestItem>, AppError> {
    let filter = store::requests::Filter {
        child: Some(id),
        ..Default::default()
    };
    let mut items = Vec::new();
    let mut page = 1;
    loop {
        let found = store::requests::list(&state.store, &filter, PageRequest::new(page, 500)).await?;
        for r in found.items.iter() {
            let date = |d: Option<time::Date>| d.map(iso);
            items.push(RequestItem {
                id: r.id,
                state: crate::pages::requests::state_code(r.state),
                urgency: r.details.urgency.code().to_owned(),
                category: r.details.category.code().to_owned(),
                weekly_cost_pence: r.weekly_cost.pence(),
                agreed_weekly_cost_pence: r.agreed_weekly_cost.map(|m| m.pence()),
                submitted_on: date(r.submitted_on),
                decided_on: date(r.decided_on),
                emergency_placed_on: date(r.emergency_placed_on),
                variation_of: r.variation.as_ref().map(|v| v.of),
                requester: r.requester_name.clone(),
            });
        }
        if page >= found.page_count() {
            break;
        }
        page += 1;
    }
    Ok(items)
}

/// The placement agreements for the child's placements.
async fn agreements(state: &AppState, id: ChildId) -> Result<Vec<AgreementItem>, AppError> {
    let today = state.clock.today();
    Ok(store::agreements::list(&state.store)
        .await?
        .into_iter()
        .filter(|a| a.child_id == id)
        .map(|a| AgreementItem {
            id: a.id,
            placement_id: a.placement_id,
            provider_id: a.provider_id.get(),
            weekly_today_pence: a.weekly_on(today).pence(),
            provider: a.provider,
            start: iso(a.start),
            end: a.end.map(iso),
            signature: a.signature.code().to_owned(),
        })
        .collect())
}
