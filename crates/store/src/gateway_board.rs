//! Figures for the Gateway dashboard, and requests loaded in bulk (the demo
//! county and imports) already in a state.

use authz::cap::RecordChildren;
use authz::{Can, Role};
use gateway::panel::{ratification, Ratification};
use gateway::request::RequestState;
use kernel::{Money, UserId};
use serde::Serialize;
use sqlx::Row;
use time::Date;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::requests::{insert, parse_state, roles_json, NewRequest};
use crate::timestamp::{date_text, parse_date, parse_optional_date};

/// Age bands the dashboard groups requests by (age when submitted).
pub const AGE_BANDS: [(&str, i32, i32); 5] = [
    ("Under 5", 0, 4),
    ("5 to 9", 5, 9),
    ("10 to 15", 10, 15),
    ("16 and 17", 16, 17),
    ("18 and over", 18, 200),
];

/// An emergency placement still to be ratified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EmergencyLine {
    pub request_id: i64,
    pub la_child_id: String,
    pub placed_on: Date,
    pub status: Ratification,
}

/// Figures for the Gateway dashboard.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Dashboard {
    /// (state, count) for every state with requests.
    pub by_state: Vec<(RequestState, i64)>,
    /// (age band, count) of submitted requests.
    pub by_age: Vec<(&'static str, i64)>,
    /// Requests submitted and not yet decided, with days waiting.
    pub waiting_days: Vec<i64>,
    /// Days from submission to decision, for decided requests.
    pub decision_days: Vec<i64>,
    pub requested_weekly: Money,
    pub agreed_weekly: Money,
    pub approved: i64,
    pub emergencies: Vec<EmergencyLine>,
}

fn age_on(born: Date, on: Date) -> i32 {
    let mut age = on.year() - born.year();
    if (on.month() as u8, on.day()) < (born.month() as u8, born.day()) {
        age -= 1;
    }
    age
}

pub async fn dashboard(store: &Store, today: Date) -> Result<Dashboard, StoreError> {
    let mut board = Dashboard::default();
    for row in sqlx::query("SELECT state, COUNT(*) FROM placement_requests GROUP BY state ORDER BY state")
        .fetch_all(store.pool())
        .await?
    {
        board.by_state.push((parse_state(&row.try_get::<String, _>(0)?)?, row.try_get(1)?));
    }
    let rows = sqlx::query(
        "SELECT r.submitted_on, r.decided_on, r.weekly_cost_pence, r.agreed_weekly_cost_pence, c.date_of_birth
         FROM placement_requests r JOIN children c ON c.id = r.child_id WHERE r.submitted_on IS NOT NULL",
    )
    .fetch_all(store.pool())
    .await?;
    let (mut requested, mut agreed) = (0i64, 0i64);
    let mut by_age = [0i64; AGE_BANDS.len()];
    for row in rows {
        let submitted = parse_date(&row.try_get::<String, _>(0)?)?;
        match parse_optional_date(row.try_get::<Option<String>, _>(1)?.as_deref())? {
            Some(decided) => board.decision_days.push((decided - submitted).whole_days()),
            None => board.waiting_days.push((today - submitted).whole_days()),
        }
        if let Some(agreed_pence) = row.try_get::<Option<i64>, _>(3)? {
            requested = requested.saturating_add(row.try_get::<i64, _>(2)?);
            agreed = agreed.saturating_add(agreed_pence);
            board.approved += 1;
        }
        let age = age_on(parse_date(&row.try_get::<String, _>(4)?)?, submitted);
        if let Some(band) = AGE_BANDS.iter().position(|(_, low, high)| (*low..=*high).contains(&age)) {
            by_age[band] += 1;
        }
    }
    board.by_age = AGE_BANDS.iter().zip(by_age).map(|((label, _, _), n)| (*label, n)).collect();
    board.requested_weekly = Money::from_pence(requested);
    board.agreed_weekly = Money::from_pence(agreed);
    board.waiting_days.sort_unstable();
    board.decision_days.sort_unstable();
    board.emergencies = emergencies(store, today).await?;
    Ok(board)
}

/// Emergency placements not yet ratified, most pressing first.
pub async fn emergencies(store: &Store, today: Date) -> Result<Vec<EmergencyLine>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    let dates = crate::panels::dates(&mut conn).await?;
    let rows = sqlx::query(
        "SELECT r.id, c.la_child_id, r.emergency_placed_on FROM placement_requests r JOIN children c ON c.id = r.child_id
         WHERE r.emergency_placed_on IS NOT NULL AND r.state NOT IN ('awaiting-approval', 'approved', 'declined', 'withdrawn')
         ORDER BY r.emergency_placed_on, r.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut lines = rows
        .iter()
        .map(|r| {
            let placed_on = parse_date(&r.try_get::<String, _>(2)?)?;
            Ok(EmergencyLine {
                request_id: r.try_get(0)?,
                la_child_id: r.try_get(1)?,
                placed_on,
                status: ratification(placed_on, false, &dates, today),
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    lines.sort_by_key(|l| (!l.status.needs_chasing(), l.placed_on));
    Ok(lines)
}

/// A request to load already in a state, with what its history implies.
#[derive(Debug, Clone)]
pub struct LoadedRequest {
    pub new: NewRequest,
    pub requester: UserId,
    pub state: RequestState,
    pub required: Vec<Role>,
    pub submitted_on: Option<Date>,
    pub decided_on: Option<Date>,
    pub agreed_weekly: Option<Money>,
    pub reasons: Option<String>,
    pub conditions: Option<String>,
    /// (meeting, outcome code) agenda entries, in order.
    pub panel_items: Vec<(i64, Option<String>)>,
    /// (approver, role) approvals already given.
    pub approvals: Vec<(UserId, Role)>,
}

/// Requests as imported (or generated for the demo), already in a state.
pub async fn insert_bulk(cmd: &mut Command, _can: &Can<RecordChildren>, requests: &[LoadedRequest]) -> Result<Vec<i64>, StoreError> {
    let at = cmd.at_text();
    let mut ids = Vec::with_capacity(requests.len());
    for loaded in requests {
        let id = insert(cmd, &loaded.new, loaded.requester, loaded.state).await?;
        sqlx::query(
            "UPDATE placement_requests SET required_approvals = $1, decision_reasons = $2, conditions = $3, submitted_on = $4,
                 decided_on = $5, agreed_weekly_cost_pence = $6 WHERE id = $7",
        )
        .bind(roles_json(&loaded.required))
        .bind(&loaded.reasons)
        .bind(&loaded.conditions)
        .bind(loaded.submitted_on.map(date_text))
        .bind(loaded.decided_on.map(date_text))
        .bind(loaded.agreed_weekly.map(Money::pence))
        .bind(id)
        .execute(cmd.conn())
        .await?;
        for (meeting, outcome) in &loaded.panel_items {
            sqlx::query("INSERT INTO panel_items (meeting_id, request_id, outcome, reasons, decided_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(meeting)
                .bind(id)
                .bind(outcome)
                .bind(outcome.as_ref().and(loaded.reasons.as_ref()))
                .bind(outcome.as_ref().map(|_| at.clone()))
                .execute(cmd.conn())
                .await?;
        }
        for (approver, role) in &loaded.approvals {
            sqlx::query("INSERT INTO request_approvals (request_id, approver_id, role, approved_at) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(approver.get())
                .bind(role.code())
                .bind(&at)
                .execute(cmd.conn())
                .await?;
        }
        ids.push(id);
    }
    cmd.record(Change::new(
        "request.created_in_bulk",
        "request",
        "many",
        None::<&()>,
        Some(&serde_json::json!({ "count": requests.len() })),
    ))
    .await?;
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn ages_turn_on_the_birthday() {
        assert_eq!(age_on(date!(2010 - 11 - 22), date!(2026 - 11 - 21)), 15);
        assert_eq!(age_on(date!(2010 - 11 - 22), date!(2026 - 11 - 22)), 16);
    }
}
