//! Parsing the database URL, which also chooses the backend.

use std::fmt;
use std::path::PathBuf;

/// A checked database location.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite file, created if missing.
    Sqlite(PathBuf),
    /// A PostgreSQL server URL (may hold a password, so never printed whole).
    Postgres(String),
}

/// A database URL Hearth cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("database URL '{shown}' is not valid: {reason} (expected sqlite://PATH, a file path ending in .sqlite or .db, or postgres://USER@HOST:PORT/NAME)")]
pub struct DatabaseUrlError {
    shown: String,
    reason: &'static str,
}

impl DatabaseUrl {
    pub fn parse(text: &str) -> Result<DatabaseUrl, DatabaseUrlError> {
        let text = text.trim();
        let fail = |reason| DatabaseUrlError {
            shown: redact(text),
            reason,
        };
        if text.is_empty() {
            return Err(fail("it is empty"));
        }
        if let Some(rest) = text.strip_prefix("postgres://").or_else(|| text.strip_prefix("postgresql://")) {
            let host = rest.rsplit('@').next().unwrap_or_default();
            if host.is_empty() || host.starts_with('/') {
                return Err(fail("it names no server"));
            }
            let (_, name) = host.split_once('/').ok_or_else(|| fail("it names no database"))?;
            let name = name.split('?').next().unwrap_or_default();
            if name.is_empty() {
                return Err(fail("it names no database"));
            }
            return Ok(DatabaseUrl::Postgres(text.to_owned()));
        }
        if let Some(path) = text.strip_prefix("sqlite://").or_else(|| text.strip_prefix("sqlite:")) {
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(fail("it names no file"));
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if text.contains("://") {
            return Err(fail("only sqlite and postgres are supported"));
        }
        let looks_like_sqlite_file = [".sqlite", ".sqlite3", ".db"].iter().any(|ext| text.ends_with(ext));
        if looks_like_sqlite_file {
            Ok(DatabaseUrl::Sqlite(PathBuf::from(text)))
        } else {
            Err(fail("a bare path must end in .sqlite or .db"))
        }
    }

    /// The URL handed to sqlx.
    pub(crate) fn connect_url(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{}?mode=rwc", path.display()),
            DatabaseUrl::Postgres(url) => url.clone(),
        }
    }
}

/// The URL with any password replaced, for messages and logs.
fn redact(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((credentials, host)) => {
                let user = credentials.split(':').next().unwrap_or_default();
                if credentials.contains(':') {
                    format!("{scheme}://{user}:********@{host}")
                } else {
                    format!("{scheme}://{user}@{host}")
                }
            }
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

impl fmt::Display for DatabaseUrl {
    /// Safe to print: passwords are replaced with asterisks.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            DatabaseUrl::Postgres(url) => f.write_str(&redact(url)),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_sqlite_forms() {
        for text in ["sqlite://data/h.sqlite", "sqlite:h.db", "demo.sqlite", "/tmp/x.db"] {
            assert!(matches!(DatabaseUrl::parse(text), Ok(DatabaseUrl::Sqlite(_))), "{text}");
        }
    }

    #[test]
    fn accepts_postgres() {
        let url = DatabaseUrl::parse("postgres://postgres@127.0.0.1:5432/hearth").unwrap();
        assert!(matches!(url, DatabaseUrl::Postgres(_)));
    }

    #[test]
    fn rejects_malformed_urls_with_a_reason() {
        let err = DatabaseUrl::parse("mysql://x/y").unwrap_err().to_string();
        assert!(err.contains("only sqlite and postgres"), "{err}");
        let err = DatabaseUrl::parse("postgres://localhost").unwrap_err().to_string();
        assert!(err.contains("names no database"), "{err}");
        assert!(DatabaseUrl::parse("not a url").is_err());
        assert!(DatabaseUrl::parse("").is_err());
    }

    #[test]
    fn never_shows_a_password() {
        let url = DatabaseUrl::parse("postgres://app:s3cret@db:5432/hearth").unwrap();
        assert_eq!(url.to_string(), "postgres://app:********@db:5432/hearth");
        assert!(!format!("{url:?}").contains("s3cret"));
        let err = DatabaseUrl::parse("postgres://app:s3cret@db").unwrap_err().to_string();
        assert!(!err.contains("s3cret"), "{err}");
    }
}
