//! Notifications in people's work trays, and their delivery by email.
//!
//! A notification is written in the same transaction as the change that
//! causes it, so nobody is told of something that did not happen. Email is
//! an outbox: a sender (`web::mail`) later picks up notifications not yet
//! emailed and marks them sent. Subjects never carry personal data.

use authz::Role;
use kernel::UserId;
use serde::Serialize;
use sqlx::Row;
use time::OffsetDateTime;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{instant_text, parse_instant};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    pub id: i64,
    pub kind: String,
    pub subject: String,
    pub link: String,
    pub created_at: OffsetDateTime,
    pub read: bool,
}

/// Adds a notification to a person's work tray.
pub async fn notify(cmd: &mut Command, user: UserId, kind: &str, subject: &str, link: &str) -> Result<(), StoreError> {
    let at = cmd.at_text();
    sqlx::query("INSERT INTO notifications (user_id, kind, subject, link, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(user.get())
        .bind(kind)
        .bind(subject)
        .bind(link)
        .bind(at)
        .execute(cmd.conn())
        .await?;
    Ok(())
}

/// Whether `user` was already told `subject` about `link` since `since`
/// (an instant as text): keeps daily chases to one a day.
pub async fn already_told(cmd: &mut Command, user: UserId, subject: &str, since: &str) -> Result<bool, StoreError> {
    let row = sqlx::query("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND subject = $2 AND created_at >= $3")
        .bind(user.get())
        .bind(subject)
        .bind(since)
        .fetch_one(cmd.conn())
        .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

/// Active people holding `role`.
pub async fn holders_of(cmd: &mut Command, role: Role) -> Result<Vec<UserId>, StoreError> {
    let rows =
        sqlx::query("SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = $1 AND u.active = 1 ORDER BY u.id")
            .bind(role.code())
            .fetch_all(cmd.conn())
            .await?;
    rows.iter().map(|r| Ok(UserId::new(r.try_get(0)?))).collect()
}

/// Team managers in any team `user` belongs to.
pub async fn managers_of(cmd: &mut Command, user: UserId) -> Result<Vec<UserId>, StoreError> {
    let rows = sqlx::query(
        "SELECT DISTINCT m.user_id FROM team_members mine
           JOIN team_members m ON m.team_id = mine.team_id
           JOIN user_roles r ON r.user_id = m.user_id AND r.role = $2
           JOIN users u ON u.id = m.user_id AND u.active = 1
         WHERE mine.user_id = $1 AND m.user_id <> $1 ORDER BY m.user_id",
    )
    .bind(user.get())
    .bind(Role::TeamManager.code())
    .fetch_all(cmd.conn())
    .await?;
    rows.iter().map(|r| Ok(UserId::new(r.try_get(0)?))).collect()
}

/// A page of `user`'s notifications, newest first, and how many in all.
pub async fn for_user(store: &Store, user: UserId, limit: i64, offset: i64) -> Result<(Vec<Notification>, i64), StoreError> {
    let rows = sqlx::query(
        "SELECT id, kind, subject, link, created_at, read_at FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3",
    )
    .bind(user.get())
    .bind(limit)
    .bind(offset)
    .fetch_all(store.pool())
    .await?;
    let total: i64 = sqlx::query("SELECT COUNT(*) FROM notifications WHERE user_id = $1")
        .bind(user.get())
        .fetch_one(store.pool())
        .await?
        .try_get(0)?;
    let list = rows
        .iter()
        .map(|r| {
            Ok(Notification {
                id: r.try_get(0)?,
                kind: r.try_get(1)?,
                subject: r.try_get(2)?,
                link: r.try_get(3)?,
                created_at: parse_instant(&r.try_get::<String, _>(4)?)?,
                read: r.try_get::<Option<String>, _>(5)?.is_some(),
            })
        })
        .collect::<Result<_, StoreError>>()?;
    Ok((list, total))
}

/// The newest notifications for `user` (home page).
pub async fn notifications(store: &Store, user: UserId, limit: i64) -> Result<Vec<Notification>, StoreError> {
    Ok(for_user(store, user, limit, 0).await?.0)
}

/// How many unread notifications `user` has.
pub async fn unread(store: &Store, user: UserId) -> Result<i64, StoreError> {
    Ok(
        sqlx::query("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(user.get())
            .fetch_one(store.pool())
            .await?
            .try_get(0)?,
    )
}

/// Marks all of `user`'s notifications read.
pub async fn mark_all_read(cmd: &mut Command, user: UserId) -> Result<u64, StoreError> {
    let at = cmd.at_text();
    let done = sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
        .bind(at)
        .bind(user.get())
        .execute(cmd.conn())
        .await?
        .rows_affected();
    cmd.record(Change::new(
        "notifications.read",
        "user",
        user.get(),
        None::<&()>,
        Some(&serde_json::json!({ "count": done })),
    ))
    .await?;
    Ok(done)
}

/// An email waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub notification: i64,
    pub to: String,
    pub subject: String,
    pub link: String,
}

/// Notifications not yet emailed to people who have an email address.
pub async fn outbox(store: &Store, limit: i64) -> Result<Vec<OutgoingEmail>, StoreError> {
    let rows = sqlx::query(
        "SELECT n.id, u.email, n.subject, n.link FROM notifications n JOIN users u ON u.id = n.user_id
         WHERE n.emailed_at IS NULL AND u.email IS NOT NULL AND u.email <> '' ORDER BY n.id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(OutgoingEmail {
                notification: r.try_get(0)?,
                to: r.try_get(1)?,
                subject: r.try_get(2)?,
                link: r.try_get(3)?,
            })
        })
        .collect()
}

/// Records that a notification's email was handed to the mail system.
pub async fn mark_emailed(store: &Store, notification: i64, at: OffsetDateTime) -> Result<(), StoreError> {
    sqlx::query("UPDATE notifications SET emailed_at = $1 WHERE id = $2 AND emailed_at IS NULL")
        .bind(instant_text(at))
        .bind(notification)
        .execute(store.pool())
        .await?;
    Ok(())
}
