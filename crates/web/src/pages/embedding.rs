//! The embedding dashboard: recording timeliness and completeness by team,
//! and training coverage by team (see `store::embedding` for what each
//! figure counts).
//!
//! Who sees it: holders of `ViewAssurance` (managers, officers who own the
//! controls, finance and internal audit), who act on it team by team. The
//! figures are by team and name no child, but a team's rates over a
//! handful of children or staff come close to describing individuals, so
//! committee members (`ViewAggregates` alone) are not given this page:
//! they see the same figures in the committee pack, where counts under 5
//! are withheld. Leaders who hold `ViewAggregates` also hold
//! `ViewAssurance` and see both.

use askama::Template;
use authz::cap::ViewAssurance;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use store::embedding::{Dashboard, OnTime};

use crate::auth::Authorized;
use crate::error::AppError;
use crate::pages::{render, Chrome};
use crate::AppState;

#[derive(Template)]
#[template(path = "embedding.html")]
struct EmbeddingPage {
    chrome: Chrome,
    dashboard: Dashboard,
}

/// A count, or a reference to one however deep (templates add references).
pub trait AsCount {
    fn count(&self) -> u64;
}

impl AsCount for u64 {
    fn count(&self) -> u64 {
        *self
    }
}

impl<T: AsCount + ?Sized> AsCount for &T {
    fn count(&self) -> u64 {
        (**self).count()
    }
}

/// "8 of 10 (80%)", or "None due" when nothing counted.
pub fn share(part: impl AsCount, base: impl AsCount) -> String {
    let (part, base) = (part.count(), base.count());
    match store::embedding::percent(part, base) {
        Some(percent) => format!("{part} of {base} ({percent}%)"),
        None => "None due".to_owned(),
    }
}

/// [`share`] for deadlines met on time.
pub fn on_time(counts: &OnTime) -> String {
    share(counts.on_time, counts.due)
}

/// GET /assurance/embedding
pub async fn show(State(state): State<AppState>, chrome: Chrome, _auth: Authorized<ViewAssurance>) -> Result<Response, AppError> {
    let dashboard = store::embedding::dashboard(&state.store, &state.rules()).await?;
    Ok(render(&EmbeddingPage { chrome, dashboard })?.into_response())
}
