//! Counters of the abuse limits (`domain::abuse`): one row per key and fixed window, raised by a single
//! `INSERT … ON CONFLICT DO UPDATE … RETURNING`, which both databases run atomically, so parallel tries
//! on any number of servers each see their own place in the count and no more than the maximum pass.

use crate::{Db, Result};
use sqlx::Row;

/// The counting subject for personal data (a phone, an email): a SHA-256 digest, so the counters
/// table holds no phone number or address.
pub fn personal_subject(value: &str) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(value.trim().to_lowercase().as_bytes());
    d.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// One counted try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Tries under the key in this window, this one included.
    pub count: i64,
    /// When the window ends (unix seconds): the `Retry-After` of a refusal.
    pub window_end: i64,
}

impl Db {
    /// Counts one try under `key` in the window of `window_secs` that holds `now`.
    pub async fn hit(&self, key: &str, window_secs: i64, now: i64) -> Result<Hit> {
        let window_secs = window_secs.max(1);
        let start = now - now.rem_euclid(window_secs);
        let _w = self.write_guard().await;
        let row = sqlx::query(
            "INSERT INTO limit_counters (key, window_start, n) VALUES ($1, $2, 1) \
             ON CONFLICT (key, window_start) DO UPDATE SET n = limit_counters.n + 1 RETURNING n",
        )
        .bind(key)
        .bind(start)
        .fetch_one(&self.pool)
        .await?;
        let count: i64 = row.try_get("n")?;
        // Forget windows older than two days now and then (about one try in 500).
        if rand::random::<u16>().is_multiple_of(500) {
            sqlx::query("DELETE FROM limit_counters WHERE window_start < $1")
                .bind(now - 2 * 86_400)
                .execute(&self.pool)
                .await?;
        }
        Ok(Hit { count, window_end: start + window_secs })
    }

    /// Counts one try under each `(key, window_secs)` in one statement (one write instead of one per
    /// key); the hits come back in the order of `keys`.
    pub async fn hit_all(&self, keys: &[(String, i64)], now: i64) -> Result<Vec<Hit>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let values: Vec<String> = (0..keys.len()).map(|i| format!("(${}, ${}, 1)", 2 * i + 1, 2 * i + 2)).collect();
        let sql = format!(
            "INSERT INTO limit_counters (key, window_start, n) VALUES {} \
             ON CONFLICT (key, window_start) DO UPDATE SET n = limit_counters.n + 1 RETURNING key, window_start, n",
            values.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for (key, window) in keys {
            let window = (*window).max(1);
            q = q.bind(key.as_str()).bind(now - now.rem_euclid(window));
        }
        let rows = {
            let _w = self.write_guard().await;
            q.fetch_all(&self.pool).await?
        };
        let mut out = Vec::with_capacity(keys.len());
        for (key, window) in keys {
            let window = (*window).max(1);
            let start = now - now.rem_euclid(window);
            let mut count = 0;
            for r in &rows {
                if r.try_get::<String, _>("key")? == *key && r.try_get::<i64, _>("window_start")? == start {
                    count = r.try_get("n")?;
                }
            }
            out.push(Hit { count, window_end: start + window });
        }
        if rand::random::<u16>().is_multiple_of(500) {
            let _w = self.write_guard().await;
            sqlx::query("DELETE FROM limit_counters WHERE window_start < $1")
                .bind(now - 2 * 86_400)
                .execute(&self.pool)
                .await?;
        }
        Ok(out)
    }

    /// Takes back one counted try (a look-up that succeeded counts no failure): with [`Db::hit`] first,
    /// this counts failures atomically even under a burst of parallel tries.
    pub async fn unhit(&self, key: &str, window_secs: i64, now: i64) -> Result<()> {
        let window_secs = window_secs.max(1);
        let start = now - now.rem_euclid(window_secs);
        let _w = self.write_guard().await;
        sqlx::query("UPDATE limit_counters SET n = n - 1 WHERE key = $1 AND window_start = $2 AND n > 0")
            .bind(key)
            .bind(start)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Tries under `key` in the window that holds `now`, without counting one.
    pub async fn hits(&self, key: &str, window_secs: i64, now: i64) -> Result<i64> {
        let window_secs = window_secs.max(1);
        let start = now - now.rem_euclid(window_secs);
        let row = sqlx::query("SELECT n FROM limit_counters WHERE key = $1 AND window_start = $2")
            .bind(key)
            .bind(start)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => r.try_get("n")?,
            None => 0,
        })
    }
}
