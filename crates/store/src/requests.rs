//! Placement requests through the Gateway: drafts, the lifecycle steps, and
//! the approval chain the delegated-authority matrix requires. The rules
//! come from the `gateway` crate; this module checks them against what is
//! stored and records each step with its audit event.

use std::str::FromStr;

use authz::cap::RecordChildren;
use authz::{Actor, Can, Role};
use gateway::approvals::Chain;
use gateway::hard_stops::{hard_stops, Proposal};
use gateway::matrix::{Matrix, RequestFacts};
use gateway::request::{next, Participant, RequestAction, RequestState};
use kernel::{ChildId, Money, Nation, UserId};
use placements::PlacementCategory;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;
use time::Date;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{instant_text, parse_date};

/// What a social worker asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewRequest {
    pub child: ChildId,
    /// today, within-5-days or planned.
    pub urgency: String,
    pub category: PlacementCategory,
    pub weekly_cost: Money,
    pub out_of_area: bool,
    pub at_distance: bool,
    pub unregistered: bool,
    pub needs: String,
    pub justification: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Request {
    pub id: i64,
    pub child_id: ChildId,
    pub la_child_id: String,
    pub requester: UserId,
    pub requester_name: String,
    pub state: RequestState,
    pub details: NewRequest,
    pub required: Vec<Role>,
    pub approvals: Vec<(UserId, Role)>,
    pub decision_reasons: Option<String>,
    pub conditions: Option<String>,
    pub version: i64,
}

fn state_code(state: RequestState) -> String {
    serde_json::to_value(state)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn parse_state(code: &str) -> Result<RequestState, StoreError> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).map_err(|_| StoreError::Corrupt(format!("request state '{code}'")))
}

const SELECT: &str = "SELECT r.id, r.child_id, c.la_child_id, r.requester_id, u.display_name, r.state, r.urgency, r.category,
        r.weekly_cost_pence, r.out_of_area, r.at_distance, r.unregistered, r.needs, r.justification, r.required_approvals,
        r.decision_reasons, r.conditions, r.version
    FROM placement_requests r JOIN children c ON c.id = r.child_id JOIN users u ON u.id = r.requester_id";

fn from_row(row: &AnyRow) -> Result<Request, StoreError> {
    let flag = |i: usize| -> Result<bool, StoreError> { Ok(row.try_get::<i64, _>(i)? != 0) };
    let required: Vec<String> = serde_json::from_str(&row.try_get::<String, _>(14)?).map_err(StoreError::corrupt)?;
    Ok(Request {
        id: row.try_get(0)?,
        child_id: ChildId::new(row.try_get(1)?),
        la_child_id: row.try_get(2)?,
        requester: UserId::new(row.try_get(3)?),
        requester_name: row.try_get(4)?,
        state: parse_state(&row.try_get::<String, _>(5)?)?,
        details: NewRequest {
            child: ChildId::new(row.try_get(1)?),
            urgency: row.try_get(6)?,
            category: PlacementCategory::from_str(&row.try_get::<String, _>(7)?).map_err(StoreError::corrupt)?,
            weekly_cost: Money::from_pence(row.try_get(8)?),
            out_of_area: flag(9)?,
            at_distance: flag(10)?,
            unregistered: flag(11)?,
            needs: row.try_get(12)?,
            justification: row.try_get(13)?,
        },
        required: required
            .iter()
            .map(|r| Role::from_str(r).map_err(StoreError::corrupt))
            .collect::<Result<_, _>>()?,
        approvals: Vec::new(),
        decision_reasons: row.try_get(15)?,
        conditions: row.try_get(16)?,
        version: row.try_get(17)?,
    })
}

async fn load(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Request, StoreError> {
    let sql = format!("{SELECT} WHERE r.id = $1");
    let row = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound { entity: "request" })?;
    let mut request = from_row(&row)?;
    let rows = sqlx::query("SELECT approver_id, role FROM request_approvals WHERE request_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
    for row in rows {
        request.approvals.push((
            UserId::new(row.try_get(0)?),
            Role::from_str(&row.try_get::<String, _>(1)?).map_err(StoreError::corrupt)?,
        ));
    }
    Ok(request)
}

pub async fn find(store: &Store, id: i64) -> Result<Option<Request>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    match load(&mut conn, id).await {
        Ok(request) => Ok(Some(request)),
        Err(StoreError::NotFound { .. }) => Ok(None),
        Err(other) => Err(other),
    }
}

/// Requests, newest first, optionally in one state.
pub async fn list(store: &Store, state: Option<RequestState>) -> Result<Vec<Request>, StoreError> {
    let rows = match state {
        Some(state) => {
            sqlx::query(&format!("{SELECT} WHERE r.state = $1 ORDER BY r.id DESC LIMIT 500"))
                .bind(state_code(state))
                .fetch_all(store.pool())
                .await?
        }
        None => {
            sqlx::query(&format!("{SELECT} ORDER BY r.id DESC LIMIT 500"))
                .fetch_all(store.pool())
                .await?
        }
    };
    rows.iter().map(from_row).collect()
}

/// Saves a draft request; the person saving it is its requester.
pub async fn create_draft(cmd: &mut Command, can: &Can<RecordChildren>, new: &NewRequest) -> Result<i64, StoreError> {
    let requester = can
        .actor()
        .user_id()
        .ok_or_else(|| StoreError::Rejected(vec!["only a person can make a request".into()]))?;
    let at = cmd.at_text();
    let row = sqlx::query(
        "INSERT INTO placement_requests (child_id, requester_id, state, urgency, category, weekly_cost_pence, out_of_area, at_distance,
             unregistered, needs, justification, created_at, version)
         VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11, 1) RETURNING id",
    )
    .bind(new.child.get())
    .bind(requester.get())
    .bind(&new.urgency)
    .bind(new.category.code())
    .bind(new.weekly_cost.pence())
    .bind(i64::from(new.out_of_area))
    .bind(i64::from(new.at_distance))
    .bind(i64::from(new.unregistered))
    .bind(&new.needs)
    .bind(&new.justification)
    .bind(at)
    .fetch_one(cmd.conn())
    .await?;
    let id: i64 = row.try_get(0)?;
    cmd.record(Change::new("request.drafted", "request", id, None::<&()>, Some(new)))
        .await?;
    Ok(id)
}

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
}

/// Takes one lifecycle step, checking the rules, hard stops on submission,
/// and reasons for panel decisions.
pub async fn act(
    cmd: &mut Command,
    id: i64,
    participant: &Participant,
    action: RequestAction,
    context: &StepContext<'_>,
) -> Result<Request, StoreError> {
    let before = load(cmd.conn(), id).await?;
    let requester = Actor::User(before.requester);
    let mut state = next(before.state, action, requester, participant).map_err(|e| StoreError::Rejected(vec![e.to_string()]))?;
    let mut required = before.required.clone();
    if action == RequestAction::Submit {
        let dob = parse_date(
            &sqlx::query("SELECT date_of_birth FROM children WHERE id = $1")
                .bind(before.child_id.get())
                .fetch_one(cmd.conn())
                .await?
                .try_get::<String, _>(0)?,
        )?;
        let proposal = Proposal {
            nation: context.nation,
            date_of_birth: dob,
            start: context.today,
            category: before.details.category,
            registered: !before.details.unregistered,
        };
        let stops = hard_stops(&proposal);
        if !stops.is_empty() {
            return Err(StoreError::Rejected(stops.iter().map(ToString::to_string).collect()));
        }
        let facts = RequestFacts {
            weekly_cost: before.details.weekly_cost,
            category: before.details.category,
            out_of_area: before.details.out_of_area,
            at_distance: before.details.at_distance,
            unregistered: before.details.unregistered,
            nation: context.nation,
            provider_for_profit: false,
            start: context.today,
        };
        required = context.matrix.required_chain(&facts).0;
    }
    let deciding = matches!(
        action,
        RequestAction::PanelApprove | RequestAction::PanelDecline | RequestAction::PanelDefer | RequestAction::PanelRequestInformation
    );
    let reasons = context.reasons.map(str::trim).filter(|r| !r.is_empty());
    if deciding && reasons.is_none() {
        return Err(StoreError::Rejected(vec!["give the panel's reasons for its decision".into()]));
    }
    if state == RequestState::AwaitingApproval && required.is_empty() {
        state = RequestState::Approved;
    }
    let changed = sqlx::query(
        "UPDATE placement_requests SET state = $1, required_approvals = $2, decision_reasons = COALESCE($3, decision_reasons),
             conditions = COALESCE($4, conditions), version = version + 1
         WHERE id = $5 AND version = $6",
    )
    .bind(state_code(state))
    .bind(serde_json::to_string(&required.iter().map(|r| r.code()).collect::<Vec<_>>()).unwrap_or_default())
    .bind(if deciding { reasons } else { None })
    .bind(if deciding {
        context.conditions.map(str::trim).filter(|c| !c.is_empty())
    } else {
        None
    })
    .bind(id)
    .bind(before.version)
    .execute(cmd.conn())
    .await?;
    if changed.rows_affected() == 0 {
        return Err(StoreError::Conflict { entity: "request" });
    }
    record_timing(cmd, id, action, &before, context).await?;
    let after = load(cmd.conn(), id).await?;
    cmd.record(Change::new(
        "request.stepped",
        "request",
        id,
        Some(&before),
        Some(&serde_json::json!({ "action": action, "state": state, "required": after.required })),
    ))
    .await?;
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
    let today = crate::timestamp::date_text(context.today);
    match action {
        RequestAction::Submit => {
            sqlx::query("UPDATE placement_requests SET submitted_on = COALESCE(submitted_on, $1) WHERE id = $2")
                .bind(today)
                .bind(id)
                .execute(cmd.conn())
                .await?;
        }
        RequestAction::PanelApprove => {
            let agreed = context.agreed_weekly_cost.unwrap_or(before.details.weekly_cost);
            sqlx::query("UPDATE placement_requests SET decided_on = $1, agreed_weekly_cost_pence = $2 WHERE id = $3")
                .bind(today)
                .bind(agreed.pence())
                .bind(id)
                .execute(cmd.conn())
                .await?;
        }
        RequestAction::PanelDecline => {
            sqlx::query("UPDATE placement_requests SET decided_on = $1 WHERE id = $2")
                .bind(today)
                .bind(id)
                .execute(cmd.conn())
                .await?;
        }
        _ => {}
    }
    Ok(())
}

/// Figures for the Gateway dashboard.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Dashboard {
    /// (state, count) for every state with requests.
    pub by_state: Vec<(RequestState, i64)>,
    /// Requests submitted and not yet decided, with days waiting.
    pub waiting_days: Vec<i64>,
    /// Days from submission to decision, for decided requests.
    pub decision_days: Vec<i64>,
    pub requested_weekly: Money,
    pub agreed_weekly: Money,
    pub approved: i64,
}

pub async fn dashboard(store: &Store, today: Date) -> Result<Dashboard, StoreError> {
    let mut board = Dashboard::default();
    for row in sqlx::query("SELECT state, COUNT(*) FROM placement_requests GROUP BY state ORDER BY state")
        .fetch_all(store.pool())
        .await?
    {
        board.by_state.push((parse_state(&row.try_get::<String, _>(0)?)?, row.try_get(1)?));
    }
    let rows = sqlx::query("SELECT submitted_on, decided_on, weekly_cost_pence, agreed_weekly_cost_pence FROM placement_requests WHERE submitted_on IS NOT NULL")
        .fetch_all(store.pool())
        .await?;
    let (mut requested, mut agreed) = (0i64, 0i64);
    for row in rows {
        let submitted = parse_date(&row.try_get::<String, _>(0)?)?;
        match crate::timestamp::parse_optional_date(row.try_get::<Option<String>, _>(1)?.as_deref())? {
            Some(decided) => board.decision_days.push((decided - submitted).whole_days()),
            None => board.waiting_days.push((today - submitted).whole_days()),
        }
        if let Some(agreed_pence) = row.try_get::<Option<i64>, _>(3)? {
            requested = requested.saturating_add(row.try_get::<i64, _>(2)?);
            agreed = agreed.saturating_add(agreed_pence);
            board.approved += 1;
        }
    }
    board.requested_weekly = Money::from_pence(requested);
    board.agreed_weekly = Money::from_pence(agreed);
    board.waiting_days.sort_unstable();
    board.decision_days.sort_unstable();
    Ok(board)
}

/// Gives the next approval in the chain; completes the request when the
/// chain is complete.
pub async fn approve(cmd: &mut Command, id: i64, approver: &Participant) -> Result<Request, StoreError> {
    let before = load(cmd.conn(), id).await?;
    if before.state != RequestState::AwaitingApproval {
        return Err(StoreError::Rejected(vec!["this request is not awaiting approval".into()]));
    }
    let mut chain = Chain::new(Actor::User(before.requester), before.required.clone());
    chain.given = before.approvals.iter().map(|(u, r)| (Actor::User(*u), *r)).collect();
    let chain = chain
        .approve(approver.actor, &approver.roles)
        .map_err(|e| StoreError::Rejected(vec![e.to_string()]))?;
    let (who, role) = *chain.given.last().ok_or_else(|| StoreError::Corrupt("empty chain".into()))?;
    let approver_id = who
        .user_id()
        .ok_or_else(|| StoreError::Rejected(vec!["only a person can approve".into()]))?;
    sqlx::query("INSERT INTO request_approvals (request_id, approver_id, role, approved_at) VALUES ($1, $2, $3, $4)")
        .bind(id)
        .bind(approver_id.get())
        .bind(role.code())
        .bind(instant_text(cmd.at()))
        .execute(cmd.conn())
        .await?;
    if chain.is_complete() {
        sqlx::query("UPDATE placement_requests SET state = 'approved', version = version + 1 WHERE id = $1")
            .bind(id)
            .execute(cmd.conn())
            .await?;
    }
    cmd.record(Change::new(
        "request.approved_by",
        "request",
        id,
        None::<&()>,
        Some(&serde_json::json!({ "approver": approver_id.get(), "as": role.code(), "complete": chain.is_complete() })),
    ))
    .await?;
    load(cmd.conn(), id).await
}

/// Requests as imported (or generated for the demo), already in a state.
pub async fn insert_bulk(
    cmd: &mut Command,
    _can: &Can<RecordChildren>,
    requests: &[(NewRequest, UserId, RequestState, Vec<Role>)],
) -> Result<(), StoreError> {
    let at = cmd.at_text();
    let today = crate::timestamp::parse_date(&at[..10])?;
    for (new, requester, state, required) in requests {
        let approved = matches!(state, RequestState::AwaitingApproval | RequestState::Approved);
        let decided = approved || *state == RequestState::Declined;
        sqlx::query(
            "INSERT INTO placement_requests (child_id, requester_id, state, urgency, category, weekly_cost_pence, out_of_area, at_distance,
                 unregistered, needs, justification, required_approvals, decision_reasons, created_at, version,
                 submitted_on, decided_on, agreed_weekly_cost_pence)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $16, $17)",
        )
        .bind(new.child.get())
        .bind(requester.get())
        .bind(state_code(*state))
        .bind(&new.urgency)
        .bind(new.category.code())
        .bind(new.weekly_cost.pence())
        .bind(i64::from(new.out_of_area))
        .bind(i64::from(new.at_distance))
        .bind(i64::from(new.unregistered))
        .bind(&new.needs)
        .bind(&new.justification)
        .bind(serde_json::to_string(&required.iter().map(|r| r.code()).collect::<Vec<_>>()).unwrap_or_default())
        .bind(
            matches!(
                state,
                RequestState::AwaitingApproval | RequestState::Approved | RequestState::Declined | RequestState::Deferred
            )
            .then_some("Panel considered the needs, options and cost"),
        )
        .bind(&at)
        .bind(
            (*state != RequestState::Draft)
                .then(|| crate::timestamp::date_text(today - time::Duration::days(12 + new.weekly_cost.pence() % 20))),
        )
        .bind(decided.then(|| crate::timestamp::date_text(today - time::Duration::days(2))))
        .bind(approved.then(|| {
            new.weekly_cost
                .apportion(19, 20)
                .map(|m| m.pence())
                .unwrap_or(new.weekly_cost.pence())
        }))
        .execute(cmd.conn())
        .await?;
    }
    cmd.record(Change {
        action: "request.created_in_bulk",
        entity: "request",
        entity_id: "many".to_owned(),
        before: None,
        after: Some(serde_json::json!({ "count": requests.len() })),
    })
    .await?;
    Ok(())
}
