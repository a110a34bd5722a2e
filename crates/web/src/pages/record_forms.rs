//! The forms that change a child's record. Each checks its fields, then
//! runs one audited command; a refusal (bad input, or a rule such as "no
//! overlapping placements") re-shows the record with the reasons.

use std::future::Future;

use authz::cap::{RecordChildren, RestrictRecords};
use authz::{Principal, Role};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use children::assessment::{AssessmentKind, AssessmentStep};
use kernel::{ChildId, Money, ProviderId, TeamId, UserId};
use store::care_history::{HistoryChange, PlacementDetails};
use store::casework::{Address, EventKind, Relationship};
use store::{Command, StoreError};

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::input::{required_code, required_date};
use crate::pages::record::{parse_child_id, render_record, sentence};
use crate::pages::Chrome;
use crate::AppState;

/// Runs `change` in one command and returns to the record; refusals come
/// back as field errors on the record page.
async fn command_then_record<F, Fut>(
    state: &AppState,
    chrome: Chrome,
    principal: &Principal,
    id: ChildId,
    field: &str,
    change: F,
) -> Result<Response, AppError>
where
    F: FnOnce(Command) -> Fut,
    Fut: Future<Output = Result<Command, StoreError>>,
{
    let cmd = state.store.begin(principal.actor, state.clock.as_ref()).await?;
    match change(cmd).await {
        Ok(cmd) => {
            cmd.commit().await?;
            Ok(Redirect::to(&format!("/children/{id}")).into_response())
        }
        Err(StoreError::Rejected(messages)) => {
            let errors = messages.into_iter().map(|m| FieldError::new(field, sentence(&m))).collect();
            render_record(state, chrome, principal, id, errors).await
        }
        Err(StoreError::Conflict { .. }) => {
            let errors = vec![FieldError::new(
                field,
                "Someone else changed this record while you were editing; check it and try again",
            )];
            render_record(state, chrome, principal, id, errors).await
        }
        Err(other) => Err(other.into()),
    }
}

fn placement_details(state: &AppState, form: &FormData, on: time::Date, errors: &mut Vec<FieldError>) -> PlacementDetails {
    let category = form.text("category").parse::<placements::PlacementCategory>();
    if category.is_err() {
        errors.push(FieldError::new("category", "Select the type of placement"));
    }
    let place = required_code(
        &state.codes,
        "place",
        "place",
        "the placement code",
        &form.text("place"),
        on,
        errors,
    );
    let provider_type = required_code(
        &state.codes,
        "place-provider",
        "provider_type",
        "who provides the placement",
        &form.text("provider_type"),
        on,
        errors,
    );
    let weekly_cost = match Money::parse(&form.text("weekly_cost")) {
        Ok(m) if !m.is_negative() => m,
        Ok(_) => {
            errors.push(FieldError::new("weekly_cost", "The weekly cost cannot be negative"));
            Money::ZERO
        }
        Err(e) => {
            errors.push(FieldError::new("weekly_cost", sentence(&format!("weekly cost: {e}"))));
            Money::ZERO
        }
    };
    PlacementDetails {
        category: category.unwrap_or(placements::PlacementCategory::Other),
        place,
        provider_id: form.text("provider_id").parse::<ProviderId>().ok(),
        provider_type,
        urn: Some(form.text("urn")).filter(|u| !u.is_empty()),
        postcode: Some(form.text("postcode").to_uppercase()).filter(|p| !p.is_empty()),
        weekly_cost,
        long_term: form.has("long_term"),
    }
}

/// POST /children/{id}/care: start a period, change legal status, move
/// placement, or end the period.
pub async fn care_change(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RecordChildren>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = parse_child_id(&id)?;
    let mut errors = Vec::new();
    let on = required_date("on", "the date", &form.text("on"), &mut errors).unwrap_or(time::Date::MIN);
    let change = match form.text("change").as_str() {
        "start-period" => HistoryChange::StartPeriod {
            start: on,
            category_of_need: required_code(
                &state.codes,
                "category-of-need",
                "category_of_need",
                "the category of need",
                &form.text("category_of_need"),
                on,
                &mut errors,
            ),
            legal_status: required_code(
                &state.codes,
                "legal-status",
                "legal_status",
                "the legal status",
                &form.text("legal_status"),
                on,
                &mut errors,
            ),
            placement: placement_details(&state, &form, on, &mut errors),
        },
        "legal-status" => HistoryChange::ChangeLegalStatus {
            on,
            code: required_code(
                &state.codes,
                "legal-status",
                "legal_status",
                "the new legal status",
                &form.text("legal_status"),
                on,
                &mut errors,
            ),
        },
        "move-placement" => HistoryChange::MovePlacement {
            on,
            reason_for_change: required_code(
                &state.codes,
                "reason-place-change",
                "reason_for_change",
                "why the placement changed",
                &form.text("reason_for_change"),
                on,
                &mut errors,
            ),
            placement: placement_details(&state, &form, on, &mut errors),
        },
        "end-period" => HistoryChange::EndPeriod {
            on,
            reason_ceased: required_code(
                &state.codes,
                "reason-ceased",
                "reason_ceased",
                "why care ended",
                &form.text("reason_ceased"),
                on,
                &mut errors,
            ),
        },
        _ => return Err(AppError::invalid("change", "Choose what changed")),
    };
    if !errors.is_empty() {
        return render_record(&state, chrome, &auth.principal, id, errors).await;
    }
    let codes = state.codes.clone();
    command_then_record(&state, chrome, &auth.principal, id, "on", |mut cmd| async move {
        store::care_history::record(&mut cmd, &auth.can, id, &change, &codes).await?;
        Ok(cmd)
    })
    .await
}

/// POST /children/{id}/events
pub async fn record_event(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RecordChildren>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = parse_child_id(&id)?;
    let mut errors = Vec::new();
    let kind = form
        .text("kind")
        .parse::<EventKind>()
        .map_err(|e| errors.push(FieldError::new("kind", sentence(&e))))
        .ok();
    let on = required_date("occurred_on", "when it happened", &form.text("occurred_on"), &mut errors);
    let (Some(kind), Some(on), true) = (kind, on, errors.is_empty()) else {
        return render_record(&state, chrome, &auth.principal, id, errors).await;
    };
    let today = state.clock.today();
    let notes = form.text("notes");
    command_then_record(&state, chrome, &auth.principal, id, "occurred_on", |mut cmd| async move {
        store::casework::record_event(&mut cmd, &auth.can, id, kind, on, &notes, today).await?;
        Ok(cmd)
    })
    .await
}

/// POST /children/{id}/placement-plan
pub async fn placement_plan(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RecordChildren>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = parse_child_id(&id)?;
    let mut errors = Vec::new();
    let on = required_date(
        "agreed_on",
        "when the placement plan was agreed",
        &form.text("agreed_on"),
        &mut errors,
    );
    let placement: Option<i64> = form.text("placement").parse().ok();
    let (Some(on), Some(placement)) = (on, placement) else {
        errors.push(FieldError::new("placement", "Choose the placement"));
        return render_record(&state, chrome, &auth.principal, id, errors).await;
    };
    command_then_record(&state, chrome, &auth.principal, id, "agreed_on", |mut cmd| async move {
        store::casework::record_placement_plan(&mut cmd, &auth.can, id, placement, on).await?;
        Ok(cmd)
    })
    .await
}

/// POST /children/{id}/assessments
pub async fn start_assessment(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RecordChildren>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = parse_child_id(&id)?;
    let mut errors = Vec::new();
    let kind = form
        .text("kind")
        .parse::<AssessmentKind>()
        .map_err(|e| errors.push(FieldError::new("kind", sentence(&e))))
        .ok();
    let on = required_date("started_on", "the referral or start date", &form.text("started_on"), &mut errors);
    let summary = form.text("summary");
    if summary.is_empty() {
        errors.push(FieldError::new("summary", "Say briefly why the assessment is needed"));
    }
    let (Some(kind), Some(on), true) = (kind, on, errors.is_empty()) else {
        return render_record(&state, chrome, &auth.principal, id, errors).await;
    };
    command_then_record(&state, chrome, &auth.principal, id, "kind", |mut cmd| async move {
        store::assessments::start(&mut cmd, &auth.can, id, kind, on, &summary).await?;
        Ok(cmd)
    })
    .await
}

/// POST /assessments/{id}: submit, return or authorise.
pub async fn assessment_step(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RecordChildren>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let assessment_id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let assessment = store::assessments::find(&state.store, assessment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let step = match form.text("step").as_str() {
        "submit" => AssessmentStep::Submit,
        "return" => AssessmentStep::Return,
        "authorise" => AssessmentStep::Authorise,
        _ => return Err(AppError::invalid("step", "Choose submit, return or authorise")),
    };
    let manager = auth.principal.roles.contains(&Role::TeamManager);
    let today = state.clock.today();
    command_then_record(
        &state,
        chrome,
        &auth.principal,
        assessment.child_id,
        "assessment",
        |mut cmd| async move {
            store::assessments::step(&mut cmd, &auth.can, assessment_id, step, manager, today).await?;
            Ok(cmd)
        },
    )
    .await
}

/// POST /children/{id}/allocation
pub async fn allocate(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RecordChildren>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = parse_child_id(&id)?;
    let mut errors = Vec::new();
    let worker = form.text("worker").parse::<UserId>().ok();
    if worker.is_none() {
        errors.push(FieldError::new("worker", "Choose the social worker"));
    }
    let on = required_date(
        "allocated_on",
        "the date the allocation starts",
        &form.text("allocated_on"),
        &mut errors,
    );
    let reason = required_code(
        &state.codes,
        "worker-change-reason",
        "reason",
        "why the worker is changing",
        &form.text("reason"),
        state.clock.today(),
        &mut errors,
    );
    let team = form.text("team").parse::<TeamId>().ok();
    let (Some(worker), Some(on), true) = (worker, on, errors.is_empty()) else {
        return render_record(&state, chrome, &auth.principal, id, errors).await;
    };
    command_then_record(&state, chrome, &auth.principal, id, "worker", |mut cmd| async move {
        store::casework::allocate(&mut cmd, &auth.can, id, worker, team, on, &reason).await?;
        Ok(cmd)
    })
    .await
}

/// POST /children/{id}/addresses
pub async fn add_address(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RecordChildren>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = parse_child_id(&id)?;
    let mut errors = Vec::new();
    let postcode = form.text("postcode").to_uppercase();
    if !is_postcode(&postcode) {
        errors.push(FieldError::new("postcode", "Enter a real postcode, like DC1 2AB"));
    }
    let line = form.text("line");
    if line.is_empty() {
        errors.push(FieldError::new("line", "Enter the first line of the address"));
    }
    let start = required_date("from", "when they started living there", &form.text("from"), &mut errors);
    let (Some(start), true) = (start, errors.is_empty()) else {
        return render_record(&state, chrome, &auth.principal, id, errors).await;
    };
    let address = Address {
        kind: if form.text("kind") == "placement" {
            "placement".into()
        } else {
            "home".into()
        },
        line,
        postcode,
        start,
        end: None,
    };
    command_then_record(&state, chrome, &auth.principal, id, "postcode", |mut cmd| async move {
        store::casework::add_address(&mut cmd, &auth.can, id, &address).await?;
        Ok(cmd)
    })
    .await
}

/// A UK postcode's shape: outward code, space, inward code.
pub fn is_postcode(text: &str) -> bool {
    let Some((outward, inward)) = text.trim().split_once(' ') else {
        return false;
    };
    let inward: Vec<char> = inward.chars().collect();
    (2..=4).contains(&outward.len())
        && outward.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && outward.chars().all(|c| c.is_ascii_alphanumeric())
        && inward.len() == 3
        && inward[0].is_ascii_digit()
        && inward[1..].iter().all(char::is_ascii_alphabetic)
}

/// POST /children/{id}/relationships
pub async fn add_relationship(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RecordChildren>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = parse_child_id(&id)?;
    let mut errors = Vec::new();
    let kind = required_code(
        &state.codes,
        "relationship",
        "relationship",
        "the relationship",
        &form.text("relationship"),
        state.clock.today(),
        &mut errors,
    );
    let related = match form.text("related_child_id").trim() {
        "" => None,
        text => match store::children::search(
            &state.store,
            &store::children::ChildQuery {
                text: Some(text.to_owned()),
                ..Default::default()
            },
            store::PageRequest::new(1, 2),
        )
        .await?
        .items
        .into_iter()
        .find(|c| c.la_child_id.eq_ignore_ascii_case(text))
        {
            Some(child) if child.id != id => Some(child.id),
            _ => {
                errors.push(FieldError::new("related_child_id", "No other child has that child id"));
                None
            }
        },
    };
    let name = Some(form.text("name")).filter(|n| !n.is_empty());
    if related.is_none() && name.is_none() && errors.is_empty() {
        errors.push(FieldError::new(
            "name",
            "Enter the person's name, or the child id of a looked-after brother or sister",
        ));
    }
    if !errors.is_empty() {
        return render_record(&state, chrome, &auth.principal, id, errors).await;
    }
    let relationship = Relationship {
        kind,
        related_child: related,
        related_child_id: None,
        name,
    };
    command_then_record(&state, chrome, &auth.principal, id, "relationship", |mut cmd| async move {
        store::casework::add_relationship(&mut cmd, &auth.can, id, &relationship).await?;
        Ok(cmd)
    })
    .await
}

/// POST /children/{id}/restriction
pub async fn restrict(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RestrictRecords>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id = parse_child_id(&id)?;
    let teams: Vec<TeamId> = form.all("teams").iter().filter_map(|t| t.parse().ok()).collect();
    command_then_record(&state, chrome, &auth.principal, id, "teams", |mut cmd| async move {
        store::restrictions::set_restriction(&mut cmd, &auth.can, id, &teams).await?;
        Ok(cmd)
    })
    .await
}

pub use crate::pages::record_new::{create, edit_form, new_form, update};
