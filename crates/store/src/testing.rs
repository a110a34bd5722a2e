//! Test support: a fresh, migrated database per test, on either backend.
//!
//! SQLite databases are files in a temporary folder. PostgreSQL databases
//! are created on the server named by `HEARTH_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) with a random name, and
//! dropped when the test ends. Without a reachable server the PostgreSQL
//! variant prints a clear SKIPPED line and passes, except when `CI=true`,
//! where a missing server fails the run.

use std::future::Future;
use std::sync::Arc;

mod finance;
mod requests;

pub use finance::{PaidPlacement, PaidPlacementSpec};
pub use requests::DecidedRequest;

use kernel::FixedClock;
use time::macros::datetime;

use crate::db::Store;
use crate::url::DatabaseUrl;

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestBackend {
    Sqlite,
    Postgres,
}

/// A migrated database that disappears when dropped.
#[derive(Debug)]
pub struct TestDatabase {
    pub store: Store,
    pub clock: Arc<FixedClock>,
    _cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    Folder(#[allow(dead_code)] tempfile::TempDir),
    Database { admin_url: String, name: String },
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Cleanup::Database { admin_url, name } = self {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs outside async context; a small runtime on its own
            // thread does the DROP without blocking the test's runtime.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
                if let Ok(runtime) = runtime {
                    runtime.block_on(async {
                        sqlx::any::install_default_drivers();
                        if let Ok(pool) = sqlx::AnyPool::connect(&admin_url).await {
                            let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                                .execute(&pool)
                                .await;
                            pool.close().await;
                        }
                    });
                }
            })
            .join();
        }
    }
}

/// The instant every test clock starts at.
pub fn test_clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at(datetime!(2026-11-22 10:00:00 UTC)))
}

fn postgres_admin_url() -> String {
    std::env::var("HEARTH_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

impl TestDatabase {
    /// A fresh database, or `None` when PostgreSQL is unavailable outside CI.
    pub async fn new(backend: TestBackend) -> Option<TestDatabase> {
        let clock = test_clock();
        match backend {
            TestBackend::Sqlite => {
                let folder = tempfile::tempdir().expect("temporary folder");
                let url = DatabaseUrl::Sqlite(folder.path().join("test.sqlite"));
                let store = Store::open(&url, clock.as_ref()).await.expect("open SQLite test database");
                Some(TestDatabase {
                    store,
                    clock,
                    _cleanup: Cleanup::Folder(folder),
                })
            }
            TestBackend::Postgres => {
                let admin_url = postgres_admin_url();
                sqlx::any::install_default_drivers();
                let admin = match sqlx::AnyPool::connect(&admin_url).await {
                    Ok(pool) => pool,
                    Err(error) if !in_ci() => {
                        eprintln!("SKIPPED on PostgreSQL: server not reachable ({error}); set HEARTH_TEST_POSTGRES_URL or start PostgreSQL to run it");
                        return None;
                    }
                    Err(error) => panic!("CI=true requires PostgreSQL for the test suite, but it is not reachable: {error}"),
                };
                let name = format!("hearth_test_{}", &crate::tokens::random_token()[..16]);
                sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
                    .execute(&admin)
                    .await
                    .expect("create test database");
                admin.close().await;
                let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(base, _)| base);
                let url = DatabaseUrl::parse(&format!("{base}/{name}")).expect("test database URL");
                let cleanup = Cleanup::Database {
                    admin_url: admin_url.clone(),
                    name,
                };
                let store = Store::open(&url, clock.as_ref()).await.expect("open PostgreSQL test database");
                Some(TestDatabase {
                    store,
                    clock,
                    _cleanup: cleanup,
                })
            }
        }
    }
}

/// Runs `story` on a fresh database of `backend` (skipping as described above).
pub async fn run_story<F, Fut>(backend: TestBackend, story: F)
where
    F: FnOnce(TestDatabase) -> Fut,
    Fut: Future<Output = ()>,
{
    if let Some(db) = TestDatabase::new(backend).await {
        story(db).await;
    }
}

/// Declares each named `async fn story(db: TestDatabase)` as two tests,
/// `story::sqlite` and `story::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($story:ident),* $(,)?) => {
        $(
            mod $story {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    $crate::testing::run_story($crate::testing::TestBackend::Sqlite, super::$story).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    $crate::testing::run_story($crate::testing::TestBackend::Postgres, super::$story).await
                }
            }
        )*
    };
}
