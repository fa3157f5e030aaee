//! Group commit on SQLite: one writer task per [`Db`] commits every write waiting at that moment in
//! one transaction, and answers each caller only after that commit.
//!
//! SQLite runs with `synchronous = FULL`, so a commit is durable once it returns (the WAL is synced):
//! an acknowledged submission survives a power cut. A sync costs milliseconds; paid once per write it
//! would cap the portal at a few hundred writes a second. Here it is paid once per *group*: while one
//! group commits, the next callers queue; the task then takes all of them (up to [`GROUP`]) into the
//! next transaction. Each write runs inside its own `SAVEPOINT`, so one that fails (a refused action,
//! a taken unique key, a panic) is rolled back alone and the others in its group still commit.
//!
//! A write is a closure over the transaction ([`Db::write`]). It must do everything through that
//! transaction — a statement on the pool would wait for the lock this task holds — and must not wait
//! on anything else (mail, the network), since the whole group waits with it.
//!
//! PostgreSQL has group commit of its own (its WAL writer flushes the commits waiting together), so
//! there a write simply runs in its own transaction on the caller's task.

use crate::{Backend, Db, Result, StoreError};
use futures_util::future::BoxFuture;
use futures_util::FutureExt;
use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Mutex};

/// A write transaction, as a write closure receives it.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// A statement with its values bound and owned, ready for [`Db::write_statement`].
pub type AnyQuery = sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments<'static>>;

/// How long a group waits for another process's write transaction (each try waits `busy_timeout`,
/// 10 s) before its writes fail.
const BUSY_PATIENCE: std::time::Duration = std::time::Duration::from_secs(60);

/// `SQLITE_BUSY` (5) and its extended codes: another connection holds the lock.
fn is_busy(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d)
        if d.code().is_some_and(|c| c.parse::<i64>().is_ok_and(|n| n & 0xff == 5)) || d.message().contains("database is locked"))
}

/// The most writes one transaction takes. A group this size commits in a few milliseconds; more would
/// only make the first caller in it wait longer.
pub const GROUP: usize = 64;

type Value = Box<dyn Any + Send>;
type Run = Box<dyn for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<Value>> + Send>;
type Answer = Box<dyn FnOnce(Result<Value>) + Send>;

/// One caller's write: the work, and how its result reaches the caller.
struct Job {
    run: Run,
    answer: Answer,
}

/// The sending side of the writer task, shared by the clones of a [`Db`].
pub(crate) struct Writer {
    jobs: mpsc::UnboundedSender<Job>,
    /// Writes sent and not yet answered (the write queue's depth, for `/metrics`).
    queued: Arc<AtomicI64>,
    /// Transactions committed and writes in them, for the group-size figure in `/metrics`.
    stats: Arc<GroupStats>,
}

#[derive(Default)]
pub(crate) struct GroupStats {
    pub commits: AtomicU64,
    pub writes: AtomicU64,
}

impl Writer {
    /// Starts the writer task for this pool (SQLite). `lock` is the lock other in-process writers take
    /// ([`Db::write_guard`]); the task holds it while its transaction is open.
    pub(crate) fn start(pool: sqlx::AnyPool, lock: Arc<Mutex<()>>) -> Writer {
        let (jobs, rx) = mpsc::unbounded_channel();
        let queued = Arc::new(AtomicI64::new(0));
        let stats = Arc::new(GroupStats::default());
        tokio::spawn(run(pool, lock, rx, queued.clone(), stats.clone()));
        Writer { jobs, queued, stats }
    }

    pub(crate) fn queued(&self) -> i64 {
        self.queued.load(Ordering::Relaxed)
    }

    pub(crate) fn stats(&self) -> (u64, u64) {
        (self.stats.commits.load(Ordering::Relaxed), self.stats.writes.load(Ordering::Relaxed))
    }
}

impl Db {
    /// Runs `work` in a write transaction and answers once it is committed — on SQLite in the group the
    /// writer task commits next, on PostgreSQL in a transaction of its own. An error from `work` rolls
    /// back what `work` wrote, and nothing else. Write it as
    /// `db.write(move |tx| Box::pin(async move { …; Ok(value) })).await`, with every statement on `tx`.
    pub async fn write<T, F>(&self, work: F) -> Result<T>
    where
        T: Send + 'static,
        F: for<'t> FnOnce(&'t mut Tx) -> BoxFuture<'t, Result<T>> + Send + 'static,
    {
        let writer = match (&self.backend, &self.writer) {
            (Backend::Sqlite, Some(w)) => w,
            _ => {
                let mut tx = self.begin_write().await?;
                let value = match AssertUnwindSafe(work(&mut tx)).catch_unwind().await {
                    Ok(result) => result?,
                    Err(_) => return Err(StoreError::Commit("the write panicked".into())),
                };
                tx.commit().await?;
                return Ok(value);
            }
        };
        let (send, receive) = oneshot::channel::<Result<T>>();
        let job = Job {
            run: Box::new(move |tx| Box::pin(async move { work(tx).await.map(|v| Box::new(v) as Value) })),
            answer: Box::new(move |result| {
                let typed = result.map(|v| *v.downcast::<T>().expect("a write answers with its own type"));
                // The caller may have gone (a closed connection): its write stands all the same.
                let _ = send.send(typed);
            }),
        };
        writer.queued.fetch_add(1, Ordering::Relaxed);
        if writer.jobs.send(job).is_err() {
            writer.queued.fetch_sub(1, Ordering::Relaxed);
            return Err(StoreError::Commit("the writer task has stopped".into()));
        }
        receive.await.map_err(|_| StoreError::Commit("the writer task dropped the write".into()))?
    }

    /// One statement as a write of its own ([`Db::write`]); returns the rows it changed. For the many
    /// writes that are a single `INSERT`, `UPDATE` or `DELETE` with owned values bound.
    pub async fn write_statement(&self, statement: AnyQuery) -> Result<u64> {
        self.write(move |tx| Box::pin(async move { Ok(statement.execute(&mut **tx).await?.rows_affected()) })).await
    }

    /// Writes committed by the writer task and the transactions they took: their ratio is the mean
    /// group size (SQLite; zeros on PostgreSQL).
    pub fn group_commit_stats(&self) -> (u64, u64) {
        self.writer.as_ref().map(|w| w.stats()).unwrap_or((0, 0))
    }
}

async fn run(
    pool: sqlx::AnyPool,
    lock: Arc<Mutex<()>>,
    mut rx: mpsc::UnboundedReceiver<Job>,
    queued: Arc<AtomicI64>,
    stats: Arc<GroupStats>,
) {
    let mut group: Vec<Job> = Vec::new();
    while let Some(first) = rx.recv().await {
        group.push(first);
        while group.len() < GROUP {
            match rx.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let n = group.len();
        let answers = commit_group(pool.clone(), lock.clone(), std::mem::take(&mut group)).await;
        stats.commits.fetch_add(1, Ordering::Relaxed);
        stats.writes.fetch_add(n as u64, Ordering::Relaxed);
        queued.fetch_sub(n as i64, Ordering::Relaxed);
        for (answer, result) in answers {
            answer(result);
        }
    }
}

/// Runs one group in one transaction; returns each caller's answer with its result, to be sent only
/// now that the commit is done (or failed).
fn commit_group(
    pool: sqlx::AnyPool,
    lock: Arc<Mutex<()>>,
    jobs: Vec<Job>,
) -> BoxFuture<'static, Vec<(Answer, Result<Value>)>> {
    async move { commit_group_now(&pool, &lock, jobs).await }.boxed()
}

async fn commit_group_now(pool: &sqlx::AnyPool, lock: &Mutex<()>, jobs: Vec<Job>) -> Vec<(Answer, Result<Value>)> {
    let _guard = lock.lock().await;
    let started = std::time::Instant::now();
    let mut tx = loop {
        match begin(pool).await {
            Ok(tx) => break tx,
            // Another process holds the write lock for longer than `busy_timeout` (a `server measures
            // rebuild` over a large database): the group keeps waiting rather than failing.
            Err(e) if is_busy(&e) && started.elapsed() < BUSY_PATIENCE => {
                tracing::warn!("group commit: another process holds the database's write lock; still waiting");
            }
            Err(e) => {
                tracing::error!("group commit: cannot begin: {e}");
                let why = format!("cannot begin: {e}");
                return jobs.into_iter().map(|j| (j.answer, Err(StoreError::Commit(why.clone())))).collect();
            }
        }
    };
    // A group of one needs no savepoint: if its write fails, the whole transaction is rolled back.
    // That saves two statements per write when writes come one at a time.
    let alone = jobs.len() == 1;
    let mut done: Vec<(Answer, Result<Value>)> = Vec::new();
    let mut broken: Option<String> = None;
    for job in jobs {
        if let Some(why) = &broken {
            done.push((job.answer, Err(StoreError::Commit(why.clone()))));
            continue;
        }
        if !alone {
            if let Err(e) = exec(&mut tx, "SAVEPOINT group_write").await {
                broken = Some(format!("savepoint: {e}"));
                done.push((job.answer, Err(StoreError::Commit(format!("savepoint: {e}")))));
                continue;
            }
        }
        let result = match AssertUnwindSafe((job.run)(&mut tx)).catch_unwind().await {
            Ok(result) => result,
            Err(_) => Err(StoreError::Commit("the write panicked".into())),
        };
        if !alone {
            let end =
                if result.is_ok() { "RELEASE group_write" } else { "ROLLBACK TO group_write; RELEASE group_write" };
            if let Err(e) = exec(&mut tx, end).await {
                broken = Some(format!("ending the savepoint: {e}"));
            }
        }
        done.push((job.answer, result));
    }
    let failed_alone = alone && done.first().is_some_and(|(_, r)| r.is_err());
    let committed = match broken {
        Some(why) => {
            let _ = finish(tx, false).await;
            Err(why)
        }
        None if failed_alone => {
            // The one write failed: nothing of it is kept, and its caller gets its own error.
            if let Err(e) = finish(tx, false).await {
                tracing::warn!("group commit: rolling back a failed write: {e}");
            }
            return done;
        }
        None => finish(tx, true).await.map_err(|e| e.to_string()),
    };
    if let Err(why) = committed {
        tracing::error!("group commit failed, {} writes not kept: {why}", done.len());
        return done
            .into_iter()
            .map(|(answer, result)| {
                let result = match result {
                    Ok(_) => Err(StoreError::Commit(why.clone())),
                    refused => refused,
                };
                (answer, result)
            })
            .collect();
    }
    done
}

// The database calls of the task, each boxed on its own: written inline, rustc cannot prove the task's
// future `Send` for every lifetime of the connection it borrows (a known limit of its async checks).

fn begin(pool: &sqlx::AnyPool) -> BoxFuture<'_, std::result::Result<Tx, sqlx::Error>> {
    Box::pin(pool.begin_with("BEGIN IMMEDIATE"))
}

fn exec<'t>(tx: &'t mut Tx, sql: &'static str) -> BoxFuture<'t, std::result::Result<(), sqlx::Error>> {
    Box::pin(async move {
        for statement in sql.split("; ") {
            sqlx::query(statement).execute(&mut **tx).await?;
        }
        Ok(())
    })
}

fn finish(tx: Tx, commit: bool) -> BoxFuture<'static, std::result::Result<(), sqlx::Error>> {
    Box::pin(async move {
        if commit {
            tx.commit().await
        } else {
            tx.rollback().await
        }
    })
}
