//! The connection pool and the choice of backend.

use std::time::Duration;

use kernel::Clock;
use sqlx::any::AnyPoolOptions;
use sqlx::AnyPool;
use sqlx::{Connection, Executor};

use crate::error::StoreError;
use crate::url::DatabaseUrl;

/// Which database is behind the pool. Queries are shared; only migrations and
/// a handful of pragmas differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Hearth's database: a pool plus the backend it talks to. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    url: DatabaseUrl,
    /// The placement-search candidates last read, shared by clones (see
    /// `search_candidates`).
    pub(crate) candidates: crate::search_candidates::Snapshot,
}

/// Pool figures for `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    pub size: u32,
    pub idle: u32,
    pub max: u32,
}

impl Store {
    /// Connects (creating a SQLite file if needed) without migrating.
    pub async fn connect(url: &DatabaseUrl) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = match url {
            DatabaseUrl::Sqlite(path) => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent).map_err(|e| StoreError::Unavailable {
                        url: url.to_string(),
                        reason: e.to_string(),
                    })?;
                }
                Backend::Sqlite
            }
            DatabaseUrl::Postgres(_) => Backend::Postgres,
        };
        // One direct connection first: a pool reports any failure as a
        // time-out, but people need the real reason (refused, no such
        // database, bad password).
        let probe = tokio::time::timeout(Duration::from_secs(10), sqlx::AnyConnection::connect(&url.connect_url())).await;
        let unavailable = |reason: String| StoreError::Unavailable {
            url: url.to_string(),
            reason,
        };
        match probe {
            Ok(Ok(connection)) => {
                let _ = connection.close().await;
            }
            Ok(Err(error)) => return Err(unavailable(describe_connect_error(&error))),
            Err(_) => return Err(unavailable("no answer within 10 seconds".to_owned())),
        }
        let options = AnyPoolOptions::new()
            .max_connections(match backend {
                // SQLite allows one writer at a time; a small pool of readers
                // is plenty and keeps file handles low.
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the writer; the busy
                        // timeout makes a second writer wait rather than fail.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                    }
                    Ok(())
                })
            });
        let pool = options.connect(&url.connect_url()).await.map_err(|e| StoreError::Unavailable {
            url: url.to_string(),
            reason: describe_connect_error(&e),
        })?;
        Ok(Store {
            pool,
            backend,
            url: url.clone(),
            candidates: Default::default(),
        })
    }

    /// Connects and brings the schema up to date.
    pub async fn open(url: &DatabaseUrl, clock: &dyn Clock) -> Result<Store, StoreError> {
        let store = Store::connect(url).await?;
        crate::migrate::run(&store, clock).await?;
        crate::child_records::backfill_name_keys(&store).await?;
        Ok(store)
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL with any password hidden.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// Whether the database answers, for `/healthz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub fn pool_stats(&self) -> PoolStats {
        let size = self.pool.size();
        let idle = u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX);
        PoolStats {
            size,
            idle,
            max: self.pool.options().get_max_connections(),
        }
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A one-line reason, without the URL (which may hold a password).
fn describe_connect_error(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::Database(db) => db.message().to_owned(),
        sqlx::Error::PoolTimedOut => "timed out waiting for the database".to_owned(),
        other => other.to_string().lines().next().unwrap_or_default().to_owned(),
    }
}
