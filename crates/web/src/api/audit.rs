//! The audit trail over the API, for external audit tools.

use authz::cap::ViewAuditTrail;
use axum::extract::{Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use store::audit::AuditFilter;

use crate::api::{Listing, Paging};
use crate::auth::Authorized;
use crate::error::AppError;
use crate::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditEvent {
    pub seq: i64,
    /// RFC 3339 UTC.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    /// JSON text of the record before the change.
    pub before: Option<String>,
    /// JSON text of the record after the change.
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct EventFilter {
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub actor: Option<String>,
}

/// Audit events, newest first.
#[utoipa::path(get, path = "/api/v1/audit/events", tag = "assurance", params(EventFilter, Paging),
    responses((status = 200, body = Listing<AuditEvent>), (status = 403, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn events(
    State(state): State<AppState>,
    _auth: Authorized<ViewAuditTrail>,
    Query(filter): Query<EventFilter>,
    Query(paging): Query<Paging>,
) -> Result<Json<Listing<AuditEvent>>, AppError> {
    let request = paging.request();
    let filter = AuditFilter {
        action: filter.action,
        entity: filter.entity,
        entity_id: filter.entity_id,
        actor: filter.actor,
    };
    let page = store::audit::list(&state.store, &filter, request).await?;
    Ok(Json(Listing {
        items: page
            .items
            .into_iter()
            .map(|e| AuditEvent {
                seq: e.seq,
                at: e.body.at,
                actor: e.body.actor,
                action: e.body.action,
                entity: e.body.entity,
                entity_id: e.body.entity_id,
                before: e.body.before,
                after: e.body.after,
                prev_hash: e.prev_hash,
                hash: e.hash,
            })
            .collect(),
        total: page.total,
        page: request.page,
        per_page: request.per_page,
    }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ChainReport {
    pub intact: bool,
    /// Number of events checked (the head) when intact.
    pub events: Option<i64>,
    pub head_hash: Option<String>,
    /// The first bad event when broken.
    pub first_bad_event: Option<i64>,
    pub message: String,
}

/// Verifies the whole hash chain.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "assurance",
    responses((status = 200, body = ChainReport)))]
pub async fn verify(State(state): State<AppState>, _auth: Authorized<ViewAuditTrail>) -> Result<Json<ChainReport>, AppError> {
    Ok(Json(match store::audit::verify(&state.store).await? {
        Ok(head) => ChainReport {
            intact: true,
            events: Some(head.seq),
            message: format!("intact: {} events", head.seq),
            head_hash: Some(head.hash),
            first_bad_event: None,
        },
        Err(broken) => ChainReport {
            intact: false,
            events: None,
            head_hash: None,
            first_bad_event: Some(broken.first_bad_event()),
            message: broken.to_string(),
        },
    }))
}
