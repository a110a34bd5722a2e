//! `GET /api/v1/me`: who the token or session acts as.

use authz::cap::UseHearth;
use axum::Json;
use serde::Serialize;

use crate::auth::Authorized;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    /// `user:7` or `token:3`.
    pub actor: String,
    pub display_name: String,
    /// Role codes, such as `finance-officer`.
    pub roles: Vec<String>,
    /// Permissions the roles grant.
    pub permissions: Vec<String>,
}

/// The caller's identity, roles and permissions.
#[utoipa::path(get, path = "/api/v1/me", tag = "identity",
    responses((status = 200, body = Me), (status = 401, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn show(auth: Authorized<UseHearth>) -> Json<Me> {
    let principal = auth.principal;
    let permissions = authz::Permission::ALL
        .into_iter()
        .filter(|p| principal.holds(*p))
        .map(|p| {
            serde_json::to_value(p)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        })
        .collect();
    Json(Me {
        actor: principal.actor.to_string(),
        display_name: principal.display_name,
        roles: principal.roles.iter().map(|r| r.code().to_owned()).collect(),
        permissions,
    })
}
