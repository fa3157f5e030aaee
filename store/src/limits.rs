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

/// The start of the fixed window of `window_secs` that holds `now`.
fn window_start(now: i64, window_secs: i64) -> i64 {
    now - now.rem_euclid(window_secs.max(1))
}

impl Db {
    /// Counts one try under `key` in the window of `window_secs` that holds `now`.
    pub async fn hit(&self, key: &str, window_secs: i64, now: i64) -> Result<Hit> {
        let hits = self.hit_all(&[(key.to_string(), window_secs)], now).await?;
        Ok(hits[0])
    }

    /// Counts one try under each `(key, window_secs)` in one statement (one write instead of one per
    /// key); the hits come back in the order of `keys`. The keys must differ (PostgreSQL refuses to
    /// update one row twice in a statement).
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
        let binds: Vec<(String, i64)> =
            keys.iter().map(|(key, window)| (key.clone(), window_start(now, *window))).collect();
        // Forget windows older than two days now and then (about one try in 500).
        let forget = rand::random::<u16>().is_multiple_of(500);
        let rows = self
            .write(move |tx| {
                Box::pin(async move {
                    let mut q = sqlx::query(&sql);
                    for (key, start) in &binds {
                        q = q.bind(key.as_str()).bind(*start);
                    }
                    let rows = q.fetch_all(&mut **tx).await?;
                    if forget {
                        sqlx::query("DELETE FROM limit_counters WHERE window_start < $1")
                            .bind(now - 2 * 86_400)
                            .execute(&mut **tx)
                            .await?;
                    }
                    Ok(rows)
                })
            })
            .await?;
        let mut out = Vec::with_capacity(keys.len());
        for (key, window) in keys {
            let start = window_start(now, *window);
            let mut count = 0;
            for r in &rows {
                if r.try_get::<String, _>("key")? == *key && r.try_get::<i64, _>("window_start")? == start {
                    count = r.try_get("n")?;
                }
            }
            out.push(Hit { count, window_end: start + (*window).max(1) });
        }
        Ok(out)
    }

    /// Takes back one counted try (a look-up that succeeded counts no failure): with [`Db::hit`] first,
    /// this counts failures atomically even under a burst of parallel tries.
    pub async fn unhit(&self, key: &str, window_secs: i64, now: i64) -> Result<()> {
        let (key, start) = (key.to_string(), window_start(now, window_secs));
        self.write_statement(
            sqlx::query("UPDATE limit_counters SET n = n - 1 WHERE key = $1 AND window_start = $2 AND n > 0")
                .bind(key)
                .bind(start),
        )
        .await?;
        Ok(())
    }
}
