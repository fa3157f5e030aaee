//! Storage: one [`Db`] over sqlx's `Any` driver, so the same queries run on SQLite (the embedded
//! default) and PostgreSQL (production). Migrations live in one folder per backend. Every write that
//! must happen together happens in one transaction.
//!
//! Placeholders are written `$1, $2, …`, which both backends accept. Every integer is `BIGINT` on
//! PostgreSQL and read as `i64`; aggregates are cast to `BIGINT` so both backends return the same type.

pub mod actions;
pub mod budget;
pub mod claims;
pub mod drill;
pub mod duplicates;
pub mod imports;
pub mod inbox;
pub mod items;
pub mod limits;
pub mod mail;
pub mod measure_cache;
pub mod measures;
pub mod names;
pub mod open311;
pub mod photos;
pub mod projects;
pub mod reference;
mod rollups;
pub mod seed;
mod seed_batch;
pub mod staff;
#[cfg(feature = "test-support")]
pub mod testing;
pub mod writer;

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor};
use std::sync::Arc;
use std::time::Duration;

pub use budget::TownBudget;
pub use claims::{Claim, ClaimOutcome, Thanks, WallQuery, WallWish};
pub use drill::{MeasureItem, MeasureSet};
pub use duplicates::{MergedInto, OpenItem};
pub use inbox::*;
pub use items::*;
pub use limits::Hit;
pub use mail::{
    CodeCheck, CodeRequest, MailFate, MailParams, MailRequest, MyItem, OutboxEntry, OutboxMail, RetryPolicy,
};
pub use measures::{sum_rows, MeasureQuery, MeasureRow};
pub use open311::{Open311Key, PublicRequest, RequestQuery};
pub use photos::{NewPhoto, Photo};
pub use projects::{BoardProject, BoardQuery, BoardStage, Voice, VoiceOutcome};
pub use reference::*;
pub use staff::*;

/// Storage errors. Database failures are logged by the caller and shown only as a generic error.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("not found")]
    NotFound,
    /// Someone else changed the item first; nothing was written.
    #[error("the item changed in the meantime")]
    Conflict,
    /// The lifecycle refused the action; nothing was written.
    #[error("action refused: {0:?}")]
    Refused(domain::TransitionError),
    /// A value the caller sent that the store refuses (a taken e-mail, an unknown town): the field
    /// and its code, shown next to the field.
    #[error("refused: {} ({})", .0.code, .0.field)]
    Rejected(domain::FieldError),
    /// Data in the database or a setting that cannot be read: a diagnostic for the log only.
    #[error("bad data: {0}")]
    Corrupt(String),
    /// The transaction a write was grouped into could not commit (a full disk, an I/O error):
    /// nothing of the write was kept.
    #[error("commit failed: {0}")]
    Commit(String),
}

impl StoreError {
    /// A value the store refuses, for this field with this code.
    pub fn rejected(field: &str, code: &str) -> Self {
        StoreError::Rejected(domain::FieldError::new(field, code))
    }
}

/// Maps the violation of a unique constraint that involves `column` (SQLite names it in the
/// message, `UNIQUE constraint failed: t.column`; PostgreSQL in the constraint, `t_column_key`) to
/// the field error `field`/`code`; every other error passes through. The constraint decides, so two
/// requests at once cannot both pass a check made before the insert.
pub(crate) fn on_unique(e: sqlx::Error, column: &str, field: &str, code: &str) -> StoreError {
    if let sqlx::Error::Database(db) = &e {
        let names = format!("{} {}", db.message(), db.constraint().unwrap_or_default());
        if db.is_unique_violation() && names.contains(column) {
            return StoreError::rejected(field, code);
        }
    }
    StoreError::Db(e)
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database handle handed to every request through the application state.
#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// SQLite allows one writer at a time; taking this lock before a write transaction avoids
    /// `database is locked` errors from lock upgrades. PostgreSQL does not use it.
    write_lock: Arc<tokio::sync::Mutex<()>>,
    /// How many writers wait for `write_lock` now (the write queue's depth, for `/metrics`).
    writers_waiting: Arc<std::sync::atomic::AtomicI64>,
    /// Measure results, shared by the clones of this handle ([`measure_cache`]).
    measure_cache: Arc<measure_cache::MeasureCache>,
    /// The group-commit writer task (SQLite only, [`writer`]).
    writer: Option<Arc<writer::Writer>>,
}

static MIGRATOR_SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static MIGRATOR_POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Db {
    /// Connects, creates the SQLite file and its folder if needed, runs migrations and loads reference
    /// data that is missing.
    pub async fn connect(url: &str) -> Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(StoreError::Corrupt(format!("DATABASE_URL must start with sqlite: or postgres: (got {url})")));
        };
        let url = if backend == Backend::Sqlite { prepare_sqlite_url(url)? } else { url.to_string() };
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; \
                             PRAGMA busy_timeout = 10000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        let write_lock = Arc::new(tokio::sync::Mutex::new(()));
        let writer =
            (backend == Backend::Sqlite).then(|| Arc::new(writer::Writer::start(pool.clone(), write_lock.clone())));
        let db =
            Db { pool, backend, write_lock, writers_waiting: Arc::default(), measure_cache: Arc::default(), writer };
        let embedded = match backend {
            Backend::Sqlite => &MIGRATOR_SQLITE,
            Backend::Postgres => &MIGRATOR_POSTGRES,
        };
        // During a rolling upgrade the new release migrates first; servers of the old release still
        // start against the newer schema (migrations only ever add for one release, docs/deploy.md),
        // so versions this binary does not know are allowed, and logged.
        let migrator = sqlx::migrate::Migrator {
            migrations: embedded.migrations.clone(),
            ignore_missing: true,
            ..sqlx::migrate::Migrator::DEFAULT
        };
        migrator.run(&db.pool).await?;
        let known = embedded.iter().map(|m| m.version).max().unwrap_or(0);
        let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = TRUE")
            .fetch_one(&db.pool)
            .await?;
        if newest.is_some_and(|v| v > known) {
            tracing::warn!(
                "the database has migration {} but this release knows up to {known}: an older server during an upgrade",
                newest.unwrap_or(0)
            );
        }
        imports::load_missing(&db).await?;
        db.ensure_rollups().await?;
        Ok(db)
    }

    /// Answers when the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Begins a write transaction. On SQLite it is `BEGIN IMMEDIATE`: the write lock is taken at
    /// the start, where SQLite waits for it (`busy_timeout`). A deferred transaction that reads first
    /// and then writes gets `database is locked` at once, without waiting, when another connection
    /// still holds the lock — as one does for a moment after a failed transaction is dropped, since
    /// sqlx rolls it back on the connection's worker thread after the write guard is released.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Serialises writers on SQLite; a no-op guard on PostgreSQL.
    pub async fn write_guard(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.backend {
            Backend::Sqlite => {
                use std::sync::atomic::Ordering;
                self.writers_waiting.fetch_add(1, Ordering::Relaxed);
                let guard = self.write_lock.lock().await;
                self.writers_waiting.fetch_sub(1, Ordering::Relaxed);
                Some(guard)
            }
            Backend::Postgres => None,
        }
    }

    /// How many writes wait for their turn now: queued for the group-commit writer or for the write
    /// lock (SQLite; always 0 on PostgreSQL, which queues its own).
    pub fn writers_waiting(&self) -> i64 {
        self.writers_waiting.load(std::sync::atomic::Ordering::Relaxed) + self.writer.as_ref().map_or(0, |w| w.queued())
    }
}

/// `sqlite:data/x.db` → make sure `data/` exists and the file is created on first use.
fn prepare_sqlite_url(url: &str) -> Result<String> {
    let rest = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path != ":memory:" && !path.is_empty() {
        if let Some(parent) = std::path::Path::new(path).parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| StoreError::Corrupt(format!("cannot create {parent:?}: {e}")))?;
            }
        }
    }
    let mut q = query.to_string();
    if !q.contains("mode=") {
        q = if q.is_empty() { "mode=rwc".into() } else { format!("{q}&mode=rwc") };
    }
    Ok(format!("sqlite://{path}?{q}"))
}

/// Reads an optional integer column.
pub(crate) fn opt_i64(row: &AnyRow, col: &str) -> Result<Option<i64>> {
    use sqlx::Row;
    Ok(row.try_get::<Option<i64>, _>(col)?)
}

/// Current unix time in seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// A new unguessable tracking token: 26 characters from `[a-z0-9]` (about 134 bits).
pub fn new_token() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..26).map(|_| ALPHABET[rand::Rng::gen_range(&mut rng, 0..ALPHABET.len())] as char).collect()
}
