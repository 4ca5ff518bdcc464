//! Database access: the pool, the `run` helper that keeps diesel off the
//! async executor, and embedded migrations.

pub mod cache;
pub mod fixed_sql;
pub mod lock;
pub mod models;
pub mod queries;
pub mod schema;
pub mod server_cursor;
pub mod version;

use std::time::Duration;

use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::AppError;

pub type PgPool = Pool<ConnectionManager<PgConnection>>;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Sets per-connection limits when the pool opens a connection.
#[derive(Debug, Clone, Copy)]
struct ConnectionLimits {
    statement_timeout: Duration,
}

impl CustomizeConnection<PgConnection, diesel::r2d2::Error> for ConnectionLimits {
    fn on_acquire(&self, conn: &mut PgConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(&format!(
            "SET statement_timeout = {}; SET idle_in_transaction_session_timeout = 60000",
            self.statement_timeout.as_millis()
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Builds the pool without connecting: the app starts (and answers 503)
/// even while the database is away.
pub fn build_pool(
    database_url: &str,
    size: u32,
    connect_timeout: Duration,
    statement_timeout: Duration,
) -> PgPool {
    Pool::builder()
        .max_size(size)
        .min_idle(Some(1.min(size)))
        .connection_timeout(connect_timeout)
        .idle_timeout(Some(Duration::from_secs(300)))
        // No `SELECT 1` before every checkout: a round trip per query set.
        // A connection that broke is discarded when it comes back, and the
        // request that met it answers 503.
        .test_on_check_out(false)
        .connection_customizer(Box::new(ConnectionLimits { statement_timeout }))
        .build_unchecked(ConnectionManager::new(database_url))
}

/// Runs database work on the blocking thread pool with a pooled connection.
/// A pool that cannot hand out a connection in time answers 503.
pub async fn run<T, E, F>(pool: &PgPool, work: F) -> Result<T, AppError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: Send + 'static,
    AppError: From<E>,
{
    let pool = pool.clone();
    let outcome = actix_web::web::block(move || {
        let mut conn = pool
            .get()
            .map_err(|e| AppError::Unavailable(format!("database pool: {e}")))?;
        work(&mut conn).map_err(AppError::from)
    })
    .await;
    match outcome {
        Ok(result) => result,
        // The closure panicked: the cause is already in the log by the panic hook.
        Err(blocking) => Err(AppError::Internal(format!(
            "database task failed: {blocking}"
        ))),
    }
}

/// Applies every pending migration; returns how many ran.
pub fn migrate(conn: &mut PgConnection) -> Result<usize, AppError> {
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map_err(|e| AppError::Internal(format!("migrations failed: {e}")))?;
    Ok(applied.len())
}

/// `SELECT 1`: readiness and the baseline benchmark route.
pub fn ping(conn: &mut PgConnection) -> diesel::QueryResult<()> {
    diesel::sql_query("SELECT 1").execute(conn).map(|_| ())
}

/// A unique index that refused a write the checks before it let through
/// (two admins in the same instant); the caller turns it into a refusal.
pub fn unique_violation(e: &diesel::result::Error) -> Option<&str> {
    match e {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            info,
        ) => info.constraint_name(),
        _ => None,
    }
}
