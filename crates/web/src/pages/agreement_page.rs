//! One placement agreement's page: its price today, funding split,
//! signature status and variations, with the forms to record a signature,
//! propose a variation and (for a finance approver or head of service)
//! approve or reject one.
//!
//! Maker-checker is the store's: `decide_variation` refuses the person who
//! proposed the variation, so the page only shows the refusal. Signatures
//! and decisions carry the version the person saw; a stale version is shown
//! as a message beside the form with their choice kept, never lost.

use askama::Template;
use authz::cap::{ApproveVariations, Commission, ViewProviders};
use authz::Permission;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use contracts::agreements::{elements_on, ending_soon, SignatureStatus};
use contracts::frameworks::Route;
use kernel::Money;
use placements::ElementKind;
use serde::Serialize;
use store::agreements::{Agreement, StoredVariation};
use time::Date;

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::pages::agreements::{price_rows, variation_from, PriceRow};
use crate::pages::{in_command, render, Chrome};
use crate::AppState;

/// One element of the price on a day.
#[derive(Debug, Clone, Serialize)]
pub struct Element {
    pub kind: ElementKind,
    /// In pence.
    pub weekly: Money,
}

/// An agreement with what it means today (for the page and the API).
#[derive(Debug, Clone, Serialize)]
pub struct AgreementView {
    #[serde(flatten)]
    pub agreement: Agreement,
    pub today: Date,
    /// The elements in force today, one per kind.
    pub elements_today: Vec<Element>,
    /// In pence.
    pub weekly_today: Money,
    /// Today's weekly price split by funder, in pence, exact to the penny.
    pub social_care_weekly: Money,
    pub education_weekly: Money,
    pub health_weekly: Money,
    /// Days left when the agreement ends within 8 weeks.
    pub ending_in_days: Option<i64>,
}

impl AgreementView {
    pub async fn load(state: &AppState, id: i64) -> Result<AgreementView, AppError> {
        let mut conn = state.store.pool().acquire().await.map_err(store::StoreError::from)?;
        let agreement = store::agreements::load(&mut conn, id).await?;
        let today = state.clock.today();
        let weekly_today = agreement.weekly_on(today);
        let (social_care_weekly, education_weekly, health_weekly) = agreement.funding.shares(weekly_today);
        Ok(AgreementView {
            elements_today: elements_on(&agreement.lines, today)
                .into_iter()
                .map(|(kind, weekly)| Element { kind, weekly })
                .collect(),
            ending_in_days: ending_soon(agreement.end, today),
            agreement,
            today,
            weekly_today,
            social_care_weekly,
            education_weekly,
            health_weekly,
        })
    }
}

#[derive(Template)]
#[template(path = "agreements/show.html")]
struct ShowPage {
    chrome: Chrome,
    status: StatusCode,
    errors: Vec<FieldError>,
    view: AgreementView,
    may_commission: bool,
    may_decide: bool,
    statuses: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    rows: Vec<PriceRow>,
    form: FormData,
}

impl ShowPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
    }

    fn decision_error(&self, variation: &i64) -> Option<String> {
        self.error_for(&decision_field(*variation))
    }

    /// How the placement was bought, in words.
    fn route_text(&self) -> String {
        match &self.view.agreement.route {
            Route::Framework { tier, .. } => format!("On a framework, tier {tier}"),
            Route::Spot { reason, note } if note.is_empty() => format!("Spot purchase: {}", reason.label()),
            Route::Spot { reason, note } => format!("Spot purchase: {} ({note})", reason.label()),
        }
    }

    /// What a variation changes, in words.
    fn changes(&self, stored: &StoredVariation) -> String {
        let mut parts: Vec<String> = stored
            .variation
            .lines
            .iter()
            .map(|(kind, weekly)| {
                if *weekly == Money::ZERO {
                    format!("{} removed", kind.label())
                } else {
                    format!("{} {weekly} a week", kind.label())
                }
            })
            .collect();
        if let Some(end) = stored.variation.new_end {
            parts.push(format!("ends {}", crate::pages::uk_date(end)));
        }
        parts.join("; ")
    }

    /// The status to show selected: the person's own choice when the form
    /// comes back to them (so a conflict does not lose it), else the stored one.
    fn signature_selected(&self, code: &&str) -> bool {
        if self.form.has("signature_status") {
            self.form.chose("signature_status", code)
        } else {
            self.view.agreement.signature.code() == *code
        }
    }
}

/// The field (and the id of the approve button) a decision's errors name.
fn decision_field(variation: i64) -> String {
    format!("approve-{variation}")
}

/// Who may use which form, from the signed-in person's permissions.
#[derive(Debug, Clone, Copy)]
struct Abilities {
    commission: bool,
    decide: bool,
}

impl Abilities {
    fn of(principal: &authz::Principal) -> Abilities {
        Abilities {
            commission: principal.holds(Permission::Commission),
            decide: principal.holds(Permission::ApproveVariations),
        }
    }
}

async fn show_page(
    state: &AppState,
    chrome: Chrome,
    may: Abilities,
    id: i64,
    status: Option<StatusCode>,
    errors: Vec<FieldError>,
    form: FormData,
) -> Result<Response, AppError> {
    let page = ShowPage {
        chrome,
        status: status.unwrap_or_else(|| crate::pages::form_status(&errors)),
        errors,
        view: AgreementView::load(state, id).await?,
        may_commission: may.commission,
        may_decide: may.decide,
        statuses: SignatureStatus::choices(),
        kinds: ElementKind::choices(),
        rows: price_rows(&form),
        form,
    };
    Ok((page.status, render(&page)?).into_response())
}

fn agreement_id(text: &str) -> Result<i64, AppError> {
    text.parse::<i64>().ok().filter(|id| *id > 0).ok_or(AppError::NotFound)
}

/// GET /agreements/{id}
pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewProviders>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let may = Abilities::of(&auth.principal);
    show_page(&state, chrome, may, agreement_id(&id)?, None, Vec::new(), FormData::default()).await
}

/// POST /agreements/{id}/signature: records how far signing has got.
pub async fn signature(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<Commission>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = agreement_id(&id)?;
    let may = Abilities::of(&auth.principal);
    let Ok(status) = form.text("signature_status").parse::<SignatureStatus>() else {
        let errors = vec![FieldError::new(
            "signature_status",
            "Choose how far the agreement has got to being signed",
        )];
        return show_page(&state, chrome, may, id, None, errors, form).await;
    };
    let version = form.version();
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::agreements::set_signature(cmd, &auth.can, id, version, status).await
    })
    .await
    {
        Ok(Ok(())) => Ok(Redirect::to(&format!("/agreements/{id}#signature")).into_response()),
        Ok(Err(errors)) => show_page(&state, chrome, may, id, None, errors, form).await,
        Err(AppError::Conflict(_)) => {
            let message = format!(
                "Someone else changed this agreement after you opened it. Your choice, “{}”, has not been saved: check the agreement and save it again",
                status.label()
            );
            let errors = vec![FieldError::new("signature_status", message)];
            show_page(&state, chrome, may, id, Some(StatusCode::CONFLICT), errors, form).await
        }
        Err(other) => Err(other),
    }
}

/// POST /agreements/{id}/variations: proposes a variation; nothing changes
/// until somebody else approves it.
pub async fn propose(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<Commission>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = agreement_id(&id)?;
    let may = Abilities::of(&auth.principal);
    let variation = match variation_from(&form) {
        Ok(variation) => variation,
        Err(errors) => return show_page(&state, chrome, may, id, None, errors, form).await,
    };
    match in_command(&state, auth.can.actor(), async |cmd| {
        store::agreements::propose_variation(cmd, &auth.can, id, &variation).await
    })
    .await?
    {
        Ok(_) => Ok(Redirect::to(&format!("/agreements/{id}#variations")).into_response()),
        Err(errors) => show_page(&state, chrome, may, id, None, errors, form).await,
    }
}

/// POST /agreements/{id}/variations/{vid}/decision: approves (`approve=yes`)
/// or rejects (`approve=no`) a proposed variation at the version shown.
pub async fn decide(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ApproveVariations>,
    Path((id, vid)): Path<(String, String)>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = agreement_id(&id)?;
    let vid = agreement_id(&vid)?;
    let may = Abilities::of(&auth.principal);
    // The variation must belong to the agreement in the address, so a
    // decision is never recorded against a page the person did not see.
    let view = AgreementView::load(&state, id).await?;
    if !view.agreement.variations.iter().any(|v| v.id == vid) {
        return Err(AppError::NotFound);
    }
    let field = decision_field(vid);
    let approve = match form.text("approve").as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            let errors = vec![FieldError::new(&field, "Choose whether to approve or reject the variation")];
            return show_page(&state, chrome, may, id, None, errors, form).await;
        }
    };
    let version = form.version();
    let outcome = in_command(&state, auth.can.actor(), async |cmd| {
        store::agreements::decide_variation(cmd, &auth.can, vid, version, approve).await
    })
    .await;
    // Refusals (such as deciding one's own proposal) name no field of this
    // form, so they are shown against the variation's buttons.
    let errors = match outcome {
        Ok(Ok(())) => return Ok(Redirect::to(&format!("/agreements/{id}#variations")).into_response()),
        Ok(Err(errors)) => errors.into_iter().map(|e| FieldError::new(&field, e.message)).collect(),
        Err(AppError::Conflict(_)) => {
            let errors = vec![FieldError::new(
                &field,
                "Someone else changed this variation after you opened it; nothing has been saved. Check it and decide again",
            )];
            return show_page(&state, chrome, may, id, Some(StatusCode::CONFLICT), errors, form).await;
        }
        Err(other) => return Err(other),
    };
    show_page(&state, chrome, may, id, None, errors, form).await
}
