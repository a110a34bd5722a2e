//! The delegated-authority matrix: everyone can read the matrix in force
//! and its history; an administrator proposes a change, and a second
//! administrator approves or rejects it.

use askama::Template;
use authz::cap::{ManageMatrix, UseHearth};
use authz::{Permission, Role};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use gateway::matrix::{Condition, Matrix, Rule};
use kernel::Money;
use placements::PlacementCategory;
use store::matrices::MatrixVersion;

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::form::FormData;
use crate::pages::record::sentence;
use crate::pages::{render, Chrome};
use crate::AppState;

/// Roles a matrix rule can require, in seniority order.
pub const APPROVER_ROLES: [Role; 4] = [Role::TeamManager, Role::FinanceApprover, Role::HeadOfService, Role::Director];

/// Condition kinds as the form offers them.
const CONDITIONS: [(&str, &str); 8] = [
    ("weekly-cost-at-least", "Weekly cost at least"),
    ("annual-cost-at-least", "Annual cost at least"),
    ("category", "Type of placement"),
    ("out-of-area", "Out of area"),
    ("at-distance", "At a distance"),
    ("unregistered", "Unregistered setting"),
    ("wales-for-profit", "Wales: for-profit provider from April 2030"),
    ("unaccredited-provider", "Provider not accredited (exception)"),
];

/// A rule's condition as form values: (kind, pounds, category).
pub fn condition_values(condition: &Condition) -> (&'static str, String, &'static str) {
    let pounds = |pence: i64| Money::from_pence(pence).to_string().trim_start_matches('£').replace(',', "");
    match condition {
        Condition::WeeklyCostAtLeast { pence } => ("weekly-cost-at-least", pounds(*pence), ""),
        Condition::AnnualCostAtLeast { pence } => ("annual-cost-at-least", pounds(*pence), ""),
        Condition::Category { category } => ("category", String::new(), category.code()),
        Condition::OutOfArea => ("out-of-area", String::new(), ""),
        Condition::AtDistance => ("at-distance", String::new(), ""),
        Condition::Unregistered => ("unregistered", String::new(), ""),
        Condition::WalesForProfit => ("wales-for-profit", String::new(), ""),
        Condition::UnaccreditedProvider => ("unaccredited-provider", String::new(), ""),
    }
}

pub fn condition_label(condition: &Condition) -> String {
    let (kind, pounds, category) = condition_values(condition);
    let name = CONDITIONS.iter().find(|(k, _)| *k == kind).map(|(_, l)| *l).unwrap_or(kind);
    match condition {
        Condition::WeeklyCostAtLeast { .. } | Condition::AnnualCostAtLeast { .. } => format!("{name} £{pounds}"),
        Condition::Category { .. } => format!(
            "{name}: {}",
            category.parse::<PlacementCategory>().map(|c| c.label()).unwrap_or(category)
        ),
        _ => name.to_owned(),
    }
}

/// One row of the proposal form: (index, name, condition kind, amount in
/// pounds, placement category, approvers).
type RuleRow = (usize, String, &'static str, String, &'static str, Vec<Role>);

#[derive(Template)]
#[template(path = "matrix.html")]
struct MatrixPage {
    chrome: Chrome,
    errors: Vec<FieldError>,
    in_force: Matrix,
    history: Vec<MatrixVersion>,
    can_manage: bool,
    me: Option<kernel::UserId>,
    /// Rows for the proposal form: the rules in force and two blank rows.
    rows: Vec<RuleRow>,
}

impl MatrixPage {
    fn conditions(&self) -> &'static [(&'static str, &'static str)] {
        &CONDITIONS
    }
    fn categories(&self) -> Vec<(&'static str, &'static str)> {
        PlacementCategory::ALL.iter().map(|c| (c.code(), c.label())).collect()
    }
    fn approver_roles(&self) -> &'static [Role] {
        &APPROVER_ROLES
    }
    fn is(&self, a: &str, b: &str) -> bool {
        a == b
    }
    fn proposed_by_me(&self, version: &MatrixVersion) -> bool {
        self.me == Some(version.proposed_by)
    }
}

async fn page(
    state: &AppState,
    chrome: Chrome,
    can_manage: bool,
    me: Option<kernel::UserId>,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let in_force = store::matrices::in_force(&state.store, &state.config.matrix).await?;
    let mut rows: Vec<_> = in_force
        .rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let (kind, pounds, category) = condition_values(&rule.condition);
            (i, rule.name.clone(), kind, pounds, category, rule.approvers.clone())
        })
        .collect();
    for i in rows.len()..rows.len() + 2 {
        rows.push((i, String::new(), "weekly-cost-at-least", String::new(), "", Vec::new()));
    }
    let status = crate::pages::form_status(&errors);
    let view = MatrixPage {
        chrome,
        errors,
        in_force,
        history: store::matrices::history(&state.store).await?,
        can_manage,
        me,
        rows,
    };
    Ok((status, render(&view)?).into_response())
}

/// GET /matrix
pub async fn show(State(state): State<AppState>, chrome: Chrome, auth: Authorized<UseHearth>) -> Result<Response, AppError> {
    let can_manage = auth.principal.holds(Permission::ManageMatrix);
    page(&state, chrome, can_manage, auth.principal.actor.user_id(), Vec::new()).await
}

/// Reads the proposal form's rows; a row with no name is left out.
pub fn rules_from(form: &FormData) -> Result<Vec<Rule>, Vec<FieldError>> {
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    for row in 0..form.all("rule_name").len() {
        let name = form.nth("rule_name", &row);
        if name.is_empty() {
            continue;
        }
        let amount = || -> Result<i64, FieldError> {
            Money::parse(&form.nth("rule_amount", &row))
                .map(|m| m.pence())
                .map_err(|e| FieldError::new("rules", sentence(&format!("rule {}: amount: {e}", row + 1))))
        };
        let condition = match form.nth("rule_when", &row).as_str() {
            "weekly-cost-at-least" => amount().map(|pence| Condition::WeeklyCostAtLeast { pence }),
            "annual-cost-at-least" => amount().map(|pence| Condition::AnnualCostAtLeast { pence }),
            "category" => form
                .nth("rule_category", &row)
                .parse()
                .map(|category| Condition::Category { category })
                .map_err(|_| FieldError::new("rules", format!("Rule {}: choose the type of placement", row + 1))),
            "out-of-area" => Ok(Condition::OutOfArea),
            "at-distance" => Ok(Condition::AtDistance),
            "unregistered" => Ok(Condition::Unregistered),
            "wales-for-profit" => Ok(Condition::WalesForProfit),
            "unaccredited-provider" => Ok(Condition::UnaccreditedProvider),
            _ => Err(FieldError::new("rules", format!("Rule {}: choose when it applies", row + 1))),
        };
        let approvers: Vec<Role> = APPROVER_ROLES
            .into_iter()
            .filter(|role| form.chose(&format!("rule_approvers_{row}"), role.code()))
            .collect();
        match condition {
            Ok(condition) => rules.push(Rule {
                name,
                condition,
                approvers,
            }),
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(errors)
    }
}

/// POST /matrix/proposals
pub async fn propose(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ManageMatrix>,
    form: FormData,
) -> Result<Response, AppError> {
    let me = auth.principal.actor.user_id();
    let rules = match rules_from(&form) {
        Ok(rules) => rules,
        Err(errors) => return page(&state, chrome, true, me, errors).await,
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    match store::matrices::propose(&mut cmd, &auth.can, &rules, &form.text("reason")).await {
        Ok(_) => {
            cmd.commit().await?;
            Ok(Redirect::to("/matrix").into_response())
        }
        Err(error @ store::StoreError::Invalid(_)) => {
            drop(cmd);
            let AppError::Invalid(errors) = AppError::from(error) else {
                return Err(AppError::Internal("unreachable".into()));
            };
            page(&state, chrome, true, me, errors).await
        }
        Err(other) => Err(other.into()),
    }
}

/// POST /matrix/proposals/{id}: a second administrator approves or rejects.
pub async fn decide(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ManageMatrix>,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let approve = match form.text("decision").as_str() {
        "approve" => true,
        "reject" => false,
        _ => return Err(AppError::invalid("decision", "Choose to approve or reject the change")),
    };
    let mut cmd = state.store.begin(auth.can.actor(), state.clock.as_ref()).await?;
    match store::matrices::decide(&mut cmd, &auth.can, id, &auth.principal.roles, approve).await {
        Ok(()) => {
            cmd.commit().await?;
            Ok(Redirect::to("/matrix").into_response())
        }
        Err(store::StoreError::Rejected(reasons)) => {
            drop(cmd);
            let errors = reasons.iter().map(|r| FieldError::new("decision", sentence(r))).collect();
            page(&state, chrome, true, auth.principal.actor.user_id(), errors).await
        }
        Err(other) => Err(other.into()),
    }
}
