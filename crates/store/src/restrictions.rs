//! Restricted records and break-glass access.
//!
//! A record can be limited to named teams. Anyone else sees that it exists
//! but not its content, unless they break the glass: they give a reason,
//! get one hour's access, the access log records it with the reason, and
//! the record's owners (the allocated worker and the restricting teams'
//! managers) are told in their work trays.

use authz::cap::{RestrictRecords, ViewChildRecord};
use authz::{Can, Principal, Role};
use kernel::{ChildId, TeamId, UserId};
use sqlx::Row;
use time::{Duration, OffsetDateTime};

use crate::access_log::{self, AccessKind};
use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::instant_text;

/// How long break-glass access lasts.
pub const BREAK_GLASS_MINUTES: i64 = 60;

/// Restricts a record to `teams`, or lifts the restriction when empty.
pub async fn set_restriction(cmd: &mut Command, _can: &Can<RestrictRecords>, child: ChildId, teams: &[TeamId]) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM restricted_teams WHERE child_id = $1")
        .bind(child.get())
        .execute(cmd.conn())
        .await?;
    for team in teams {
        sqlx::query("INSERT INTO restricted_teams (child_id, team_id) VALUES ($1, $2)")
            .bind(child.get())
            .bind(team.get())
            .execute(cmd.conn())
            .await?;
    }
    sqlx::query("UPDATE children SET restricted = $1, version = version + 1 WHERE id = $2")
        .bind(i64::from(!teams.is_empty()))
        .bind(child.get())
        .execute(cmd.conn())
        .await?;
    cmd.record(Change::new(
        if teams.is_empty() {
            "child.restriction_lifted"
        } else {
            "child.restricted"
        },
        "child",
        child,
        None::<&()>,
        Some(&serde_json::json!({ "teams": teams.iter().map(|t| t.get()).collect::<Vec<_>>() })),
    ))
    .await?;
    Ok(())
}

/// The teams a restricted record is limited to (empty if unrestricted).
pub async fn restricted_to(store: &Store, child: ChildId) -> Result<Vec<TeamId>, StoreError> {
    let rows = sqlx::query("SELECT team_id FROM restricted_teams WHERE child_id = $1 ORDER BY team_id")
        .bind(child.get())
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(|r| Ok(TeamId::new(r.try_get(0)?))).collect()
}

/// Whether `principal` may see the content of `child`'s record now.
pub async fn may_see(store: &Store, principal: &Principal, child: ChildId, now: OffsetDateTime) -> Result<bool, StoreError> {
    let teams = restricted_to(store, child).await?;
    if teams.is_empty() || principal.teams.iter().any(|t| teams.contains(t)) {
        return Ok(true);
    }
    let Some(user) = principal.actor.user_id() else {
        return Ok(false);
    };
    let row = sqlx::query("SELECT COUNT(*) FROM break_glass_grants WHERE child_id = $1 AND user_id = $2 AND expires_at > $3")
        .bind(child.get())
        .bind(user.get())
        .bind(instant_text(now))
        .fetch_one(store.pool())
        .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

/// Grants break-glass access with a reason; logs it and tells the owners.
pub async fn break_glass(
    cmd: &mut Command,
    can: &Can<ViewChildRecord>,
    child: ChildId,
    reason: &str,
) -> Result<OffsetDateTime, StoreError> {
    let reason = reason.trim();
    if reason.len() < 10 {
        return Err(StoreError::Rejected(vec![
            "explain why you need this record (at least 10 characters)".to_owned(),
        ]));
    }
    let user = can
        .actor()
        .user_id()
        .ok_or(StoreError::Rejected(vec!["only a person can break the glass".to_owned()]))?;
    let expires = cmd.at() + Duration::minutes(BREAK_GLASS_MINUTES);
    let at = cmd.at_text();
    sqlx::query("INSERT INTO break_glass_grants (child_id, user_id, reason, granted_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(child.get())
        .bind(user.get())
        .bind(reason)
        .bind(&at)
        .bind(instant_text(expires))
        .execute(cmd.conn())
        .await?;
    let owners = owners(cmd, child).await?;
    let la_child_id: String = sqlx::query("SELECT la_child_id FROM children WHERE id = $1")
        .bind(child.get())
        .fetch_one(cmd.conn())
        .await?
        .try_get(0)?;
    for owner in owners.iter().filter(|o| **o != user) {
        // No personal data in the subject: the child id and a link only.
        crate::notifications::notify(
            cmd,
            *owner,
            "break-glass",
            &format!("Emergency access to restricted record {la_child_id}"),
            &format!("/children/{child}"),
        )
        .await?;
    }
    cmd.record(Change::new(
        "child.break_glass",
        "child",
        child,
        None::<&()>,
        Some(
            &serde_json::json!({ "user": user.get(), "reason": reason, "expires_at": instant_text(expires), "owners_told": owners.len() }),
        ),
    ))
    .await?;
    let at = cmd.at();
    access_log::record_on(cmd.conn(), can.actor(), child, AccessKind::BreakGlass, Some(reason), at).await?;
    Ok(expires)
}

/// The allocated worker and the managers of the restricting teams.
async fn owners(cmd: &mut Command, child: ChildId) -> Result<Vec<UserId>, StoreError> {
    let rows = sqlx::query(
        "SELECT allocated_worker_id FROM children WHERE id = $1 AND allocated_worker_id IS NOT NULL
         UNION
         SELECT m.user_id FROM restricted_teams r JOIN team_members m ON m.team_id = r.team_id
           JOIN user_roles ur ON ur.user_id = m.user_id AND ur.role = $2
         WHERE r.child_id = $1",
    )
    .bind(child.get())
    .bind(Role::TeamManager.code())
    .fetch_all(cmd.conn())
    .await?;
    rows.iter().map(|r| Ok(UserId::new(r.try_get(0)?))).collect()
}
