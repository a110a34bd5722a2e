//! Commands: the one way to change data.
//!
//! A [`Command`] is a database transaction that (1) first claims the single
//! `audit_head` row, which makes writers take turns on both backends, (2) lets
//! the caller make its changes, recording each with [`Command::record`], and
//! (3) commits the changes, their audit events and the new chain head
//! together. A command that recorded nothing refuses to commit, so a change
//! cannot slip in unaudited; dropping a command rolls everything back.

use audit_trail::{ChainHead, NewEvent};
use authz::Actor;
use kernel::Clock;
use serde::Serialize;
use sqlx::any::Any;
use sqlx::AnyConnection;
use sqlx::{Row, Transaction};
use time::OffsetDateTime;

use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::instant_text;

/// A change to record in the audit trail.
#[derive(Debug, Clone)]
pub struct Change {
    pub action: &'static str,
    pub entity: &'static str,
    pub entity_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl Change {
    /// A change with before/after images taken from serialisable values.
    pub fn new<B: Serialize, A: Serialize>(
        action: &'static str,
        entity: &'static str,
        entity_id: impl ToString,
        before: Option<&B>,
        after: Option<&A>,
    ) -> Change {
        Change {
            action,
            entity,
            entity_id: entity_id.to_string(),
            before: before.and_then(|value| serde_json::to_value(value).ok()),
            after: after.and_then(|value| serde_json::to_value(value).ok()),
        }
    }
}

/// An open write transaction bound to an actor and an instant.
#[derive(Debug)]
pub struct Command {
    tx: Transaction<'static, Any>,
    actor: Actor,
    at: OffsetDateTime,
    head: ChainHead,
    recorded: usize,
}

impl Store {
    /// Starts a command for `actor` at the clock's current instant.
    pub async fn begin(&self, actor: Actor, clock: &dyn Clock) -> Result<Command, StoreError> {
        let at = clock.now();
        let mut tx = self.pool().begin().await?;
        // Writing first (not reading) takes the write lock up front: SQLite
        // then queues writers behind its busy timeout instead of failing a
        // reader that tries to upgrade, and PostgreSQL holds a row lock.
        sqlx::query("UPDATE audit_head SET claimed_at = $1 WHERE id = 1")
            .bind(instant_text(at))
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        let head = ChainHead {
            seq: row.try_get(0)?,
            hash: row.try_get(1)?,
        };
        Ok(Command {
            tx,
            actor,
            at,
            head,
            recorded: 0,
        })
    }
}

impl Command {
    /// The connection to run this command's statements on.
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    pub fn actor(&self) -> Actor {
        self.actor
    }

    /// The instant the command runs at; every row it writes uses this.
    pub fn at(&self) -> OffsetDateTime {
        self.at
    }

    pub fn at_text(&self) -> String {
        instant_text(self.at)
    }

    /// Appends an audit event for `change`, in this transaction.
    pub async fn record(&mut self, change: Change) -> Result<i64, StoreError> {
        let body = NewEvent {
            at: instant_text(self.at),
            actor: self.actor.to_string(),
            action: change.action.to_owned(),
            entity: change.entity.to_owned(),
            entity_id: change.entity_id,
            before: change.before.map(|v| v.to_string()),
            after: change.after.map(|v| v.to_string()),
        };
        let event = audit_trail::append(&self.head, body);
        sqlx::query(
            "INSERT INTO audit_events (seq, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(event.seq)
        .bind(&event.body.at)
        .bind(&event.body.actor)
        .bind(&event.body.action)
        .bind(&event.body.entity)
        .bind(&event.body.entity_id)
        .bind(&event.body.before)
        .bind(&event.body.after)
        .bind(&event.prev_hash)
        .bind(&event.hash)
        .execute(&mut *self.tx)
        .await?;
        self.head = ChainHead {
            seq: event.seq,
            hash: event.hash,
        };
        self.recorded += 1;
        Ok(self.head.seq)
    }

    /// Commits the changes and their audit events, or nothing.
    pub async fn commit(mut self) -> Result<i64, StoreError> {
        if self.recorded == 0 {
            self.tx.rollback().await?;
            return Err(StoreError::Unaudited);
        }
        sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
            .bind(self.head.seq)
            .bind(&self.head.hash)
            .execute(&mut *self.tx)
            .await?;
        self.tx.commit().await?;
        Ok(self.head.seq)
    }
}
