//! The lifecycle steps of a placement request, each checked against the
//! `gateway` rules and what is stored, recorded with its audit event, and
//! followed by notices to whoever acts next.

use authz::{Actor, Role};
use gateway::approvals::Chain;
use gateway::details::unregistered_prerequisites;
use gateway::hard_stops::{hard_stops, Proposal};
use gateway::matrix::{Matrix, RequestFacts};
use gateway::notify::{after_step, Notice, Recipient};
use gateway::panel::may_decide;
use gateway::request::{next, Participant, RequestAction, RequestState};
use kernel::{Money, Nation, UserId};
use sqlx::Row;
use time::Date;

use crate::command::{Change, Command};
use crate::error::StoreError;
use crate::notifications::{holders_of, managers_of, notify};
use crate::panels;
use crate::requests::{load, roles_json, state_code, Request};
use crate::timestamp::{date_text, instant_text};

/// What else a step needs to know.
#[derive(Debug, Clone, Copy)]
pub struct StepContext<'a> {
    pub matrix: &'a Matrix,
    pub nation: Nation,
    pub today: Date,
    pub reasons: Option<&'a str>,
    pub conditions: Option<&'a str>,
    /// The weekly cost the panel agreed, if different from the request's.
    pub agreed_weekly_cost: Option<Money>,
    /// The meeting to list the request on (listing for panel).
    pub meeting: Option<i64>,
}

fn rejected(message: impl Into<String>) -> StoreError {
    StoreError::Rejected(vec![message.into()])
}

fn is_panel_decision(action: RequestAction) -> bool {
    matches!(
        action,
        RequestAction::PanelApprove | RequestAction::PanelDecline | RequestAction::PanelDefer | RequestAction::PanelRequestInformation
    )
}

/// The checks on submission: the request's prerequisites, the hard stops,
/// and the approval chain the matrix requires.
fn on_submit(request: &Request, context: &StepContext<'_>, provider: ProviderFacts) -> Result<Vec<Role>, StoreError> {
    let missing = unregistered_prerequisites(&request.details);
    if !missing.is_empty() {
        return Err(StoreError::Invalid(missing));
    }
    let proposal = Proposal {
        nation: context.nation,
        date_of_birth: request.child_date_of_birth,
        start: request.emergency_placed_on.unwrap_or(context.today),
        category: request.details.category,
        registered: !request.details.unregistered,
    };
    let stops = hard_stops(&proposal);
    if !stops.is_empty() {
        return Err(StoreError::Rejected(stops.iter().map(ToString::to_string).collect()));
    }
    let facts = RequestFacts {
        weekly_cost: request.weekly_cost,
        category: request.details.category,
        out_of_area: request.details.out_of_area,
        at_distance: request.details.at_distance,
        unregistered: request.details.unregistered,
        nation: context.nation,
        provider_for_profit: provider.for_profit,
        unaccredited_provider: provider.unaccredited,
        start: context.today,
    };
    Ok(context.matrix.required_chain(&facts).0)
}

/// What the matrix needs to know of the proposed provider.
#[derive(Debug, Clone, Copy, Default)]
struct ProviderFacts {
    for_profit: bool,
    unaccredited: bool,
}

/// The proposed provider's standing on `today`: an external provider that
/// is not accredited makes the request an exception.
async fn provider_facts(cmd: &mut Command, request: &Request, today: Date) -> Result<ProviderFacts, StoreError> {
    let Some(provider) = request.details.provider else {
        return Ok(ProviderFacts::default());
    };
    let details = crate::providers::details(cmd.conn(), provider).await?;
    let external = details.organisation.provider_type.is_external();
    let status = crate::accreditation::status_of(cmd.conn(), provider, today).await?;
    Ok(ProviderFacts {
        for_profit: details.organisation.for_profit,
        unaccredited: external && !status.allows_new_placements(),
    })
}

/// Panel decisions happen at a quorate meeting the decider attended.
async fn check_panel(cmd: &mut Command, id: i64, participant: &Participant, today: Date) -> Result<Option<(i64, i64)>, StoreError> {
    let listing = panels::open_listing(cmd.conn(), id).await?;
    let meeting = match listing {
        Some((_, meeting)) => Some(panels::rules_view(&panels::load(cmd.conn(), meeting).await?)),
        None => None,
    };
    let decider = participant
        .actor
        .user_id()
        .ok_or_else(|| rejected("only a person can record a panel decision"))?;
    may_decide(meeting.as_ref(), decider, today).map_err(|e| rejected(e.to_string()))?;
    Ok(listing)
}

/// Lists the request on an upcoming meeting's agenda.
async fn list_on_meeting(cmd: &mut Command, id: i64, context: &StepContext<'_>) -> Result<(), StoreError> {
    let meeting = context
        .meeting
        .ok_or_else(|| StoreError::Invalid(vec![("meeting", "choose the panel meeting to list the request on".to_owned())]))?;
    let found = panels::load(cmd.conn(), meeting).await.map_err(|e| match e {
        StoreError::NotFound { .. } => StoreError::Invalid(vec![("meeting", "there is no panel meeting with that id".to_owned())]),
        other => other,
    })?;
    if found.meets_on < context.today {
        return Err(StoreError::Invalid(vec![(
            "meeting",
            "that panel meeting has already taken place".to_owned(),
        )]));
    }
    panels::list_item(cmd.conn(), meeting, id).await
}

/// Takes one lifecycle step.
pub async fn act(
    cmd: &mut Command,
    id: i64,
    participant: &Participant,
    action: RequestAction,
    context: &StepContext<'_>,
) -> Result<Request, StoreError> {
    let before = load(cmd.conn(), id).await?;
    let requester = Actor::User(before.requester);
    let mut state = next(before.state, action, requester, participant).map_err(|e| rejected(e.to_string()))?;
    let mut required = before.required.clone();
    let reasons = context.reasons.map(str::trim).filter(|r| !r.is_empty());
    let conditions = context.conditions.map(str::trim).filter(|c| !c.is_empty());
    match action {
        RequestAction::Submit => {
            let provider = provider_facts(cmd, &before, context.today).await?;
            required = on_submit(&before, context, provider)?;
            sqlx::query("UPDATE placement_requests SET unaccredited_provider = $1 WHERE id = $2")
                .bind(i64::from(provider.unaccredited))
                .bind(id)
                .execute(cmd.conn())
                .await?;
        }
        RequestAction::ListForPanel => list_on_meeting(cmd, id, context).await?,
        _ if is_panel_decision(action) => {
            let reasons =
                reasons.ok_or_else(|| StoreError::Invalid(vec![("reasons", "give the panel's reasons for its decision".to_owned())]))?;
            if let Some((item, _)) = check_panel(cmd, id, participant, context.today).await? {
                let by = participant.actor.user_id().unwrap_or(before.requester);
                let outcome = serde_json::to_value(action)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                let at = cmd.at_text();
                panels::decide_item(cmd.conn(), item, &outcome, reasons, by, &at).await?;
            }
        }
        RequestAction::Withdraw => {
            if let Some((item, _)) = panels::open_listing(cmd.conn(), id).await? {
                let by = participant.actor.user_id().unwrap_or(before.requester);
                let at = cmd.at_text();
                panels::decide_item(cmd.conn(), item, "withdrawn", "Withdrawn before the panel decided", by, &at).await?;
            }
        }
        _ => {}
    }
    if state == RequestState::AwaitingApproval && required.is_empty() {
        state = RequestState::Approved;
    }
    let deciding = is_panel_decision(action);
    let changed = sqlx::query(
        "UPDATE placement_requests SET state = $1, required_approvals = $2, decision_reasons = COALESCE($3, decision_reasons),
             conditions = COALESCE($4, conditions), version = version + 1
         WHERE id = $5 AND version = $6",
    )
    .bind(state_code(state))
    .bind(roles_json(&required))
    .bind(if deciding { reasons } else { None })
    .bind(if action == RequestAction::PanelApprove { conditions } else { None })
    .bind(id)
    .bind(before.version)
    .execute(cmd.conn())
    .await?;
    StoreError::unless_changed(&changed, "request")?;
    record_timing(cmd, id, action, &before, context).await?;
    let after = load(cmd.conn(), id).await?;
    cmd.record(Change::new(
        "request.stepped",
        "request",
        id,
        Some(&before),
        Some(&serde_json::json!({
            "action": action, "state": state, "required": after.required, "reasons": reasons,
            "conditions": conditions, "meeting": context.meeting,
        })),
    ))
    .await?;
    if state != before.state {
        send(cmd, &after, after_step(id, state, after.required.first().copied())).await?;
    }
    Ok(after)
}

/// Keeps the dates and agreed cost the dashboard reports on.
async fn record_timing(
    cmd: &mut Command,
    id: i64,
    action: RequestAction,
    before: &Request,
    context: &StepContext<'_>,
) -> Result<(), StoreError> {
    let today = date_text(context.today);
    let (sql, agreed) = match action {
        RequestAction::Submit => (
            "UPDATE placement_requests SET submitted_on = COALESCE(submitted_on, $1) WHERE id = $2",
            None,
        ),
        RequestAction::PanelApprove => (
            "UPDATE placement_requests SET decided_on = $1, agreed_weekly_cost_pence = $3 WHERE id = $2",
            Some(context.agreed_weekly_cost.unwrap_or(before.weekly_cost)),
        ),
        RequestAction::PanelDecline => ("UPDATE placement_requests SET decided_on = $1 WHERE id = $2", None),
        _ => return Ok(()),
    };
    let mut query = sqlx::query(sql).bind(today).bind(id);
    if let Some(agreed) = agreed {
        if agreed.pence() <= 0 {
            return Err(StoreError::Invalid(vec![(
                "agreed_weekly_cost",
                "the agreed weekly cost must be above zero".to_owned(),
            )]));
        }
        query = query.bind(agreed.pence());
    }
    query.execute(cmd.conn()).await?;
    Ok(())
}

/// Resolves notices to people and puts them in their trays. Nobody is told
/// of their own action.
pub(crate) async fn send(cmd: &mut Command, request: &Request, notices: Vec<Notice>) -> Result<(), StoreError> {
    let actor = cmd.actor().user_id();
    let link = format!("/requests/{}", request.id);
    for notice in notices {
        let people = match notice.to {
            Recipient::Requester => vec![request.requester],
            Recipient::RequestersManagers => managers_of(cmd, request.requester).await?,
            Recipient::Role(role) => holders_of(cmd, role).await?,
        };
        for person in people.into_iter().filter(|p| Some(*p) != actor) {
            notify(cmd, person, "request", &notice.subject, &link).await?;
        }
    }
    Ok(())
}

/// Gives the next approval in the chain; completes the request when the
/// chain is complete.
pub async fn approve(cmd: &mut Command, id: i64, approver: &Participant) -> Result<Request, StoreError> {
    let before = load(cmd.conn(), id).await?;
    if before.state != RequestState::AwaitingApproval {
        return Err(rejected("this request is not awaiting approval"));
    }
    let mut chain = Chain::new(Actor::User(before.requester), before.required.clone());
    chain.given = before.approvals.iter().map(|a| (Actor::User(a.user), a.role)).collect();
    let chain = chain
        .approve(approver.actor, &approver.roles)
        .map_err(|e| rejected(e.to_string()))?;
    let (who, role) = *chain.given.last().ok_or_else(|| StoreError::Corrupt("empty chain".into()))?;
    let approver_id: UserId = who.user_id().ok_or_else(|| rejected("only a person can approve"))?;
    sqlx::query("INSERT INTO request_approvals (request_id, approver_id, role, approved_at) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(approver_id.get())
        .bind(role.code())
        .bind(instant_text(cmd.at()))
        .execute(cmd.conn())
        .await?;
    let changed = sqlx::query("UPDATE placement_requests SET state = $1, version = version + 1 WHERE id = $2 AND version = $3")
        .bind(state_code(if chain.is_complete() {
            RequestState::Approved
        } else {
            RequestState::AwaitingApproval
        }))
        .bind(id)
        .bind(before.version)
        .execute(cmd.conn())
        .await?;
    StoreError::unless_changed(&changed, "request")?;
    cmd.record(Change::new(
        "request.approved_by",
        "request",
        id,
        None::<&()>,
        Some(&serde_json::json!({ "approver": approver_id.get(), "as": role.code(), "complete": chain.is_complete() })),
    ))
    .await?;
    let after = load(cmd.conn(), id).await?;
    let notices = if chain.is_complete() {
        after_step(id, RequestState::Approved, None)
    } else {
        let waiting = chain.next_role();
        after_step(id, RequestState::AwaitingApproval, waiting)
            .into_iter()
            .filter(|n| n.to != Recipient::Requester)
            .collect()
    };
    send(cmd, &after, notices).await?;
    Ok(after)
}

/// The panel dates after `placed_on`, for each open emergency.
pub(crate) async fn open_emergencies(cmd: &mut Command) -> Result<Vec<(i64, Date, bool)>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, emergency_placed_on, state FROM placement_requests WHERE emergency_placed_on IS NOT NULL ORDER BY emergency_placed_on",
    )
    .fetch_all(cmd.conn())
    .await?;
    rows.iter()
        .map(|r| {
            let state = crate::requests::parse_state(&r.try_get::<String, _>(2)?)?;
            let decided = matches!(
                state,
                RequestState::AwaitingApproval | RequestState::Approved | RequestState::Declined | RequestState::Withdrawn
            );
            Ok((r.try_get(0)?, crate::timestamp::parse_date(&r.try_get::<String, _>(1)?)?, decided))
        })
        .collect()
}

/// Chases every emergency placement overdue for ratification: one notice a
/// day to each Gateway officer. Returns how many requests were chased.
pub async fn chase_ratifications(cmd: &mut Command, today: Date) -> Result<usize, StoreError> {
    let dates = panels::dates(cmd.conn()).await?;
    let start_of_day = format!("{}T00:00:00", date_text(today));
    let mut chased = 0;
    for (id, placed_on, decided) in open_emergencies(cmd).await? {
        let status = gateway::panel::ratification(placed_on, decided, &dates, today);
        let Some(notice) = gateway::notify::chase(id, status) else {
            continue;
        };
        let officers = holders_of(cmd, Role::GatewayOfficer).await?;
        let mut told = false;
        for officer in officers {
            if !crate::notifications::already_told(cmd, officer, &notice.subject, &start_of_day).await? {
                notify(cmd, officer, "ratification", &notice.subject, &format!("/requests/{id}")).await?;
                told = true;
            }
        }
        if told {
            chased += 1;
        }
    }
    cmd.record(Change::new(
        "request.ratifications_chased",
        "request",
        "many",
        None::<&()>,
        Some(&serde_json::json!({ "chased": chased, "on": date_text(today) })),
    ))
    .await?;
    Ok(chased)
}
