//! The measures cost nothing twice (issue 19): the rows of a measure query are kept in memory per
//! query and handed out again while nothing that changes them was written.
//!
//! The same rule keeps the drill-down totals and the town budget table's sums ([`Db::kept`]).
//!
//! Every write that changes a measure adds a timeline event (`item_events`: submissions, every action,
//! ratings, claims, the seeder) or an awareness answer, so the largest ids of those two tables are a
//! *generation* that every instance reads from the shared database in well under a millisecond: a
//! write on any server invalidates the entry on all of them. Two things are bounded by time instead,
//! [`FRESH_SECS`]: items whose deadline passes while the entry is kept (the "not due yet" counts depend
//! on the moment of looking), and a PostgreSQL transaction that took a lower event id but committed
//! after the entry was computed. The public API advertises `max-age=300`, the dashboard is for people:
//! a minute is inside both.
//!
//! What one request may compute is bounded too: at most [`COMPUTING`] cold computations run at once
//! (the others wait, then usually find the result one of them stored), and at most [`ENTRIES`] results
//! of [`KEPT_ROWS`] rows in all are kept, the least recently computed dropped first.

use crate::measures::{MeasureQuery, MeasureRow};
use crate::{Db, Result};
use domain::kpi::RollupKey;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// How long a result may be handed out for a later moment of looking (seconds).
pub const FRESH_SECS: i64 = 60;
/// How many cold computations may run at the same time.
pub const COMPUTING: usize = 2;
/// How many results are kept.
pub const ENTRIES: usize = 256;
/// How many rows all kept results may hold together (a five-year city-wide result is ~27,000 rows of
/// about a kilobyte each): memory stays bounded whatever periods a crawler asks for.
pub const KEPT_ROWS: usize = 100_000;

/// The rows of one measure query, shared by every caller that asks again.
pub type SharedRows = Arc<BTreeMap<RollupKey, MeasureRow>>;

/// The database's measure generation: (largest timeline event id, largest awareness answer id).
pub type Generation = (i64, i64);

/// One kept result: its generation, the moment of looking it was computed for, the rows it holds
/// (0 for a single number or a small table), and the value.
struct Entry {
    generation: Generation,
    now: i64,
    rows: usize,
    value: Arc<dyn std::any::Any + Send + Sync>,
}

/// The cache of measure results, one per [`Db`] (clones share it).
pub struct MeasureCache {
    entries: Mutex<HashMap<String, Entry>>,
    computing: tokio::sync::Semaphore,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl Default for MeasureCache {
    fn default() -> Self {
        MeasureCache {
            entries: Mutex::new(HashMap::new()),
            computing: tokio::sync::Semaphore::new(COMPUTING),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }
}

fn kept_rows(entries: &HashMap<String, Entry>) -> usize {
    entries.values().map(|e| e.rows).sum()
}

impl MeasureCache {
    fn get<T: Clone + 'static>(&self, key: &str, generation: Generation, now: i64) -> Option<T> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let e = entries.get(key)?;
        if e.generation != generation || (now - e.now).abs() >= FRESH_SECS {
            return None;
        }
        e.value.downcast_ref::<T>().cloned()
    }

    fn put<T: Send + Sync + 'static>(&self, key: String, generation: Generation, now: i64, rows: usize, value: T) {
        if rows > KEPT_ROWS {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.remove(&key);
        // Entries of an older generation go first, then the least recently computed ones.
        if entries.len() >= ENTRIES || kept_rows(&entries) + rows > KEPT_ROWS {
            entries.retain(|_, e| e.generation == generation);
        }
        while entries.len() >= ENTRIES || kept_rows(&entries) + rows > KEPT_ROWS {
            let Some(oldest) = entries.iter().min_by_key(|(_, e)| e.now).map(|(k, _)| k.clone()) else { break };
            entries.remove(&oldest);
        }
        entries.insert(key, Entry { generation, now, rows, value: Arc::new(value) });
    }

    /// (hits, misses) since the start, for `/metrics` and the benchmarks.
    pub fn counts(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }

    /// How many results are kept now.
    pub fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// How many rows the kept results hold.
    pub fn rows(&self) -> usize {
        kept_rows(&self.entries.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Db {
    /// The measure generation: it changes with every write that changes a measure.
    pub async fn measure_generation(&self) -> Result<Generation> {
        let r = sqlx::query(
            "SELECT (SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM item_events) AS e, \
             (SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM awareness_answers) AS a",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok((r.try_get("e")?, r.try_get("a")?))
    }

    /// The measure rows of a query at time `now` ([`Db::compute_measure_rows`]), from the cache when
    /// nothing changed since they were computed for a moment less than [`FRESH_SECS`] away.
    pub async fn measure_rows(&self, q: &MeasureQuery, now: i64) -> Result<SharedRows> {
        self.kept(
            format!("rows {q:?}"),
            now,
            |rows: &SharedRows| rows.len(),
            || async { Ok(Arc::new(self.compute_measure_rows(q, now).await?)) },
        )
        .await
    }

    /// How many items `set` holds within a query at `now` ([`Db::compute_measure_count`]), from the
    /// cache under the same rules as [`Db::measure_rows`].
    pub async fn measure_count(&self, q: &MeasureQuery, set: crate::MeasureSet, now: i64) -> Result<i64> {
        self.kept(format!("count {q:?} {}", set.code()), now, |_| 0, || self.compute_measure_count(q, set, now)).await
    }

    /// A result kept under `key` (the same generation, a moment of looking less than [`FRESH_SECS`]
    /// away), computed by `compute` otherwise; `rows` says how many rows it holds, for [`KEPT_ROWS`].
    pub(crate) async fn kept<T, F, Fut>(&self, key: String, now: i64, rows: fn(&T) -> usize, compute: F) -> Result<T>
    where
        T: Clone + Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        let cache = &self.measure_cache;
        let generation = self.measure_generation().await?;
        if let Some(v) = cache.get::<T>(&key, generation, now) {
            cache.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(v);
        }
        let _permit = cache.computing.acquire().await.expect("the semaphore is never closed");
        // Another request may have computed it while this one waited.
        let generation = self.measure_generation().await?;
        if let Some(v) = cache.get::<T>(&key, generation, now) {
            cache.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(v);
        }
        cache.misses.fetch_add(1, Ordering::Relaxed);
        let v = compute().await?;
        cache.put(key, generation, now, rows(&v), v.clone());
        Ok(v)
    }

    /// The cache's hits, misses, results kept and the rows they hold.
    pub fn measure_cache_stats(&self) -> (u64, u64, usize, usize) {
        let (h, m) = self.measure_cache.counts();
        (h, m, self.measure_cache.len(), self.measure_cache.rows())
    }
}
