//! The store's error type.

/// Something the store could not do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open database {url}: {reason}")]
    Unavailable { url: String, reason: String },
    #[error("no {entity} with that id")]
    NotFound { entity: &'static str },
    #[error("this {entity} was changed by someone else since you opened it; reload it and try again")]
    Conflict { entity: &'static str },
    #[error("{message}")]
    Duplicate { field: &'static str, message: String },
    #[error("{}", .0.join("; "))]
    Rejected(Vec<String>),
    /// Fields at fault, each with what is wrong, for forms and the API.
    #[error("{}", .0.iter().map(|(field, message)| format!("{field}: {message}")).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<(&'static str, String)>),
    #[error("a command changed data without recording an audit event")]
    Unaudited,
    #[error("migration {version} ({name}) has changed since it was applied; migrations must never be edited")]
    MigrationChanged { version: i64, name: String },
    #[error("the database is at migration {found}, newer than this build of Hearth knows ({known})")]
    SchemaTooNew { found: i64, known: i64 },
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// The optimistic-locking check after an `UPDATE … WHERE version = $n`:
    /// no row changed means someone else changed `entity` first (or it is
    /// gone), and the caller's edit must not be silently lost.
    pub(crate) fn unless_changed(done: &sqlx::any::AnyQueryResult, entity: &'static str) -> Result<(), StoreError> {
        if done.rows_affected() == 0 {
            Err(StoreError::Conflict { entity })
        } else {
            Ok(())
        }
    }

    /// Turns a unique-constraint violation into a [`StoreError::Duplicate`]
    /// that names the field, leaving other errors as they are.
    pub(crate) fn on_unique(error: sqlx::Error, field: &'static str, message: impl Into<String>) -> StoreError {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate {
                field,
                message: message.into(),
            },
            _ => StoreError::Database(error),
        }
    }

    /// Turns a foreign-key violation into a [`StoreError::Invalid`] naming
    /// the field that referred to nothing, leaving other errors as they are.
    pub(crate) fn on_foreign_key(error: sqlx::Error, field: &'static str, message: impl Into<String>) -> StoreError {
        match &error {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::Invalid(vec![(field, message.into())]),
            _ => StoreError::Database(error),
        }
    }

    pub(crate) fn corrupt(what: impl std::fmt::Display) -> StoreError {
        StoreError::Corrupt(what.to_string())
    }
}

/// Money that overflowed (an absurd rate or total) is refused, not stored.
impl From<kernel::money::MoneyError> for StoreError {
    fn from(error: kernel::money::MoneyError) -> StoreError {
        StoreError::Rejected(vec![crate::sentence(&error.to_string())])
    }
}
