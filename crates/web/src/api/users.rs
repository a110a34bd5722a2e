//! Accounts over the API, for provisioning from a council's identity system.

use authz::cap::ManageUsers;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;
use store::users::User;

use crate::accounts::{self, NewUserInput};
use crate::api::ApiJson;
use crate::auth::Authorized;
use crate::error::AppError;
use crate::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub active: bool,
    pub roles: Vec<String>,
    pub teams: Vec<i64>,
    /// Increases with every change; send it back when editing.
    pub version: i64,
}

impl From<User> for Account {
    fn from(user: User) -> Account {
        Account {
            id: user.id.get(),
            username: user.username,
            display_name: user.display_name,
            email: user.email,
            active: user.active,
            roles: user.roles.iter().map(|r| r.code().to_owned()).collect(),
            teams: user.teams.iter().map(|t| t.get()).collect(),
            version: user.version,
        }
    }
}

/// Every account.
#[utoipa::path(get, path = "/api/v1/users", tag = "administration",
    responses((status = 200, body = Vec<Account>), (status = 403, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn list(State(state): State<AppState>, _auth: Authorized<ManageUsers>) -> Result<Json<Vec<Account>>, AppError> {
    Ok(Json(
        store::users::list(&state.store).await?.into_iter().map(Account::from).collect(),
    ))
}

/// Creates an account. Invalid fields are all reported at once.
#[utoipa::path(post, path = "/api/v1/users", tag = "administration", request_body = NewUserInput,
    responses((status = 201, body = Account), (status = 422, body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    auth: Authorized<ManageUsers>,
    ApiJson(input): ApiJson<NewUserInput>,
) -> Result<(StatusCode, Json<Account>), AppError> {
    let user = accounts::create_user(&state, &auth.can, input).await?;
    Ok((StatusCode::CREATED, Json(user.into())))
}
