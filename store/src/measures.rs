//! The measures over any period, town, kind and category, fast enough for five years of items.
//!
//! The parts of the measures that do not depend on the moment of looking ([`Tally`]) are kept per
//! (month of submission, town, kind, category) in `measure_rollups`, changed in the same transaction as
//! every change of an item. A dashboard adds up those rows for the whole months of its period, reads the
//! items of a period's partial months directly, and counts the items still waiting whose deadline has
//! not come yet ([`Pending`], a small set found through partial indexes). Tests hold the result to
//! [`domain::kpi::measures`] computed from the items themselves, on both databases.

use crate::rollups::{apply_rollups, COUNTERS};
use crate::{opt_i64, Backend, Db, Result, StoreError};
use domain::kpi::{month_of, Histogram, KpiItem, OrderFacts, Pending, RollupKey, Tally};
use domain::{Date, Kind, Rating, Status};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::BTreeMap;

/// Which items a measure is taken over: submitted from `from` to `to` (Dongguan dates, both included),
/// optionally one town, one kind and one category.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MeasureQuery {
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub town: Option<String>,
    pub kind: Option<Kind>,
    pub category: Option<String>,
}

impl MeasureQuery {
    /// `[lo, hi)` in unix seconds.
    pub(crate) fn bounds(&self) -> (i64, i64) {
        let lo = self.from.map(Date::start_ts).unwrap_or(0);
        let hi = self.to.map(|d| d.end_ts() + 1).unwrap_or(i64::MAX / 2);
        (lo, hi)
    }
    fn whole_city(&self) -> bool {
        self.town.is_none() && self.kind.is_none() && self.category.is_none()
    }
    /// `AND …` conditions on items for the filters, with their values from `$first` on.
    pub(crate) fn item_filters(&self, first: usize) -> (String, Vec<String>) {
        self.filters("", first)
    }
    fn filters(&self, prefix: &str, first: usize) -> (String, Vec<String>) {
        let mut sql = String::new();
        let mut binds = Vec::new();
        for (col, v) in [
            ("town_slug", self.town.clone()),
            ("kind", self.kind.map(|k| k.code().to_string())),
            ("category", self.category.clone()),
        ] {
            if let Some(v) = v {
                binds.push(v);
                sql.push_str(&format!(" AND {prefix}{col} = ${}", first + binds.len() - 1));
            }
        }
        (sql, binds)
    }
}

/// One rollup row of a measure query: what its items add up to, and how many of them are still not due.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MeasureRow {
    pub tally: Tally,
    pub pending: Pending,
}

/// The columns [`KpiItem`] is read from.
pub(crate) const KPI_COLUMNS: &str = "kind, category, town_slug, status, submitted_at, acceptance_due_at, \
    first_response_at, feedback_due_at, feedback_at, rating, aware, claimed_at, fulfilled_at, appeal_upheld, \
    sign_due_at, signed_at, return_count, extension_count, callback_at, rectify_due_at, rectified_at, budget_yuan";

pub(crate) fn kpi_item_from_row(r: &AnyRow) -> Result<KpiItem> {
    let kind: String = r.try_get("kind")?;
    let status: String = r.try_get("status")?;
    let rating: Option<String> = r.try_get("rating")?;
    Ok(KpiItem {
        kind: Kind::from_code(&kind).ok_or_else(|| StoreError::Corrupt(format!("kind {kind}")))?,
        category: r.try_get("category")?,
        town_slug: r.try_get("town_slug")?,
        status: Status::from_code(&status).ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?,
        submitted_at: r.try_get("submitted_at")?,
        acceptance_due_at: r.try_get("acceptance_due_at")?,
        first_response_at: opt_i64(r, "first_response_at")?,
        feedback_due_at: r.try_get("feedback_due_at")?,
        feedback_at: opt_i64(r, "feedback_at")?,
        rating: rating.as_deref().and_then(Rating::from_code),
        aware: opt_i64(r, "aware")?.map(|v| v != 0),
        claimed_at: opt_i64(r, "claimed_at")?,
        fulfilled_at: opt_i64(r, "fulfilled_at")?,
        appeal_upheld: opt_i64(r, "appeal_upheld")? == Some(1),
        order: OrderFacts {
            sign_due_at: opt_i64(r, "sign_due_at")?,
            signed_at: opt_i64(r, "signed_at")?,
            returned: r.try_get::<i64, _>("return_count")? > 0,
            extended: r.try_get::<i64, _>("extension_count")? > 0,
            called_back: opt_i64(r, "callback_at")?.is_some(),
            rectify_due_at: opt_i64(r, "rectify_due_at")?,
            rectified_at: opt_i64(r, "rectified_at")?,
            resolved: domain::kpi::resolved(
                Kind::from_code(&kind).unwrap_or(Kind::Wish),
                opt_i64(r, "fulfilled_at")?,
                opt_i64(r, "budget_yuan")?,
            ),
        },
    })
}

/// A [`KpiItem`] from a packed row of [`KPI_COLUMNS`] (empty text for NULL).
fn kpi_item_from_packed(row: &str) -> Result<KpiItem> {
    let f: Vec<&str> = row.split('|').collect();
    let bad = || StoreError::Corrupt(format!("packed item {row:?}"));
    if f.len() != 22 {
        return Err(bad());
    }
    let int = |s: &str| -> Result<i64> { s.parse().map_err(|_| bad()) };
    let opt = |s: &str| -> Result<Option<i64>> {
        if s.is_empty() {
            Ok(None)
        } else {
            int(s).map(Some)
        }
    };
    Ok(KpiItem {
        kind: Kind::from_code(f[0]).ok_or_else(bad)?,
        category: f[1].to_string(),
        town_slug: (!f[2].is_empty()).then(|| f[2].to_string()),
        status: Status::from_code(f[3]).ok_or_else(bad)?,
        submitted_at: int(f[4])?,
        acceptance_due_at: int(f[5])?,
        first_response_at: opt(f[6])?,
        feedback_due_at: int(f[7])?,
        feedback_at: opt(f[8])?,
        rating: if f[9].is_empty() { None } else { Some(Rating::from_code(f[9]).ok_or_else(bad)?) },
        aware: opt(f[10])?.map(|v| v != 0),
        claimed_at: opt(f[11])?,
        fulfilled_at: opt(f[12])?,
        appeal_upheld: opt(f[13])? == Some(1),
        order: OrderFacts {
            sign_due_at: opt(f[14])?,
            signed_at: opt(f[15])?,
            returned: int(f[16])? > 0,
            extended: int(f[17])? > 0,
            called_back: opt(f[18])?.is_some(),
            rectify_due_at: opt(f[19])?,
            rectified_at: opt(f[20])?,
            resolved: domain::kpi::resolved(Kind::from_code(f[0]).ok_or_else(bad)?, opt(f[12])?, opt(f[21])?),
        },
    })
}

impl MeasureRow {
    /// Adds another row's items to this one.
    pub fn add(&mut self, o: &MeasureRow) {
        self.tally.merge(&o.tally, 1);
        self.pending.add(o.pending);
    }
    /// The measures of the items added up here.
    pub fn finish(&self) -> domain::kpi::Measures {
        self.tally.finish(self.pending)
    }
}

/// Adds measure rows up into the measures they give together.
pub fn sum_rows<'a>(rows: impl IntoIterator<Item = &'a MeasureRow>) -> domain::kpi::Measures {
    let mut t = Tally::default();
    let mut p = Pending::default();
    for r in rows {
        t.merge(&r.tally, 1);
        p.add(r.pending);
    }
    t.finish(p)
}

/// The first second of a `yyyymm` month, and of the month after it.
fn month_bounds(month: i32) -> (i64, i64) {
    let d = Date { year: month / 100, month: (month % 100) as u32, day: 1 };
    (d.start_ts(), d.add_months(1).start_ts())
}

impl Db {
    /// On SQLite, the index a scan of a period's items should use: without statistics the planner may
    /// take the unique index on (kind, year, seq) for a kind filter and read every item of that kind.
    pub(crate) fn period_index(&self, q: &MeasureQuery) -> &'static str {
        match (self.backend, q.town.is_some()) {
            (Backend::Sqlite, true) => " INDEXED BY items_town_submitted",
            (Backend::Sqlite, false) => " INDEXED BY items_submitted_at",
            (Backend::Postgres, _) => "",
        }
    }

    /// The measure rows of a query at time `now`, one per rollup key, computed afresh ([`Db::measure_rows`]
    /// keeps them) (month, town, kind, category).
    /// Adding them all up and calling [`Tally::finish`] gives [`domain::kpi::measures`] over the same
    /// items; grouping them by town, month, kind or category gives the league table, trends and
    /// breakdowns.
    pub async fn compute_measure_rows(&self, q: &MeasureQuery, now: i64) -> Result<BTreeMap<RollupKey, MeasureRow>> {
        let (lo, hi) = q.bounds();
        let mut out: BTreeMap<RollupKey, MeasureRow> = BTreeMap::new();
        if lo >= hi {
            return Ok(out);
        }
        // Months from the first to the last with anything in [lo, hi).
        let Some((first, last)) = self.month_span(lo, hi).await? else { return Ok(out) };
        // A month at an edge of the period is read from the rollups only if nothing outside the period
        // was submitted in it; otherwise its part inside the period is read from the items.
        let mut whole: Vec<i32> = Vec::new();
        let mut partial: Vec<(i64, i64)> = Vec::new();
        let mut m = first;
        loop {
            let (ms, me) = month_bounds(m);
            let (a, b) = (ms.max(lo), me.min(hi));
            let outside_empty = (a == ms || !self.anything_between(ms, a, q).await?)
                && (b == me || !self.anything_between(b, me, q).await?);
            if outside_empty {
                whole.push(m);
            } else {
                partial.push((a, b));
            }
            if m >= last {
                break;
            }
            let next = Date { year: m / 100, month: (m % 100) as u32, day: 1 }.add_months(1);
            m = next.year * 100 + next.month as i32;
        }
        if !whole.is_empty() {
            self.add_rollup_rows(q, &whole, &mut out).await?;
        }
        for (a, b) in partial {
            self.add_item_tallies(q, a, b, &mut out).await?;
        }
        self.add_pending(q, lo, hi, now, &mut out).await?;
        Ok(out)
    }

    /// The first and last month with an item or a home-page awareness answer in `[lo, hi)`.
    async fn month_span(&self, lo: i64, hi: i64) -> Result<Option<(i32, i32)>> {
        let r = sqlx::query(
            "SELECT MIN(t) AS lo, MAX(t) AS hi FROM (\
             SELECT MIN(submitted_at) AS t FROM items WHERE submitted_at >= $1 AND submitted_at < $2 \
             UNION ALL SELECT MAX(submitted_at) FROM items WHERE submitted_at >= $1 AND submitted_at < $2 \
             UNION ALL SELECT MIN(answered_at) FROM awareness_answers WHERE answered_at >= $1 AND answered_at < $2 \
             UNION ALL SELECT MAX(answered_at) FROM awareness_answers WHERE answered_at >= $1 AND answered_at < $2) x",
        )
        .bind(lo)
        .bind(hi)
        .fetch_one(&self.pool)
        .await?;
        Ok(match (opt_i64(&r, "lo")?, opt_i64(&r, "hi")?) {
            (Some(a), Some(b)) => Some((month_of(a), month_of(b))),
            _ => None,
        })
    }

    /// Whether anything was submitted (or answered) in `[a, b)`. The query's filters are left out on
    /// purpose: with them SQLite picks the index on kind and reads every wish to find none (3 s over
    /// five years); without them the answer is at worst "yes" when only other items are there, which
    /// only means reading that edge month from the items.
    async fn anything_between(&self, a: i64, b: i64, q: &MeasureQuery) -> Result<bool> {
        if a >= b {
            return Ok(false);
        }
        if self.exists("SELECT 1 AS x FROM items WHERE submitted_at >= $1 AND submitted_at < $2", &[a, b]).await? {
            return Ok(true);
        }
        if !q.whole_city() {
            return Ok(false);
        }
        self.exists("SELECT 1 AS x FROM awareness_answers WHERE answered_at >= $1 AND answered_at < $2", &[a, b]).await
    }

    /// Whether a query has any row. Always one answer row (a count over at most one row): during a
    /// CI run a zero-row `fetch_optional` on a fresh PostgreSQL connection of the `Any` pool never
    /// returned (the server had answered; the test hung), so these probes avoid it.
    async fn exists(&self, inner: &str, binds: &[i64]) -> Result<bool> {
        let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM ({inner} LIMIT 1) probe");
        let mut q = sqlx::query(&sql);
        for b in binds {
            q = q.bind(*b);
        }
        Ok(q.fetch_one(&self.pool).await?.try_get::<i64, _>("n")? > 0)
    }

    async fn add_rollup_rows(
        &self,
        q: &MeasureQuery,
        months: &[i32],
        out: &mut BTreeMap<RollupKey, MeasureRow>,
    ) -> Result<()> {
        let (filters, binds) = q.filters("r.", 3);
        let mut fields =
            vec!["CAST(r.month AS TEXT)".to_string(), "r.town_slug".into(), "r.kind".into(), "r.category".into()];
        fields.extend(COUNTERS.iter().map(|c| format!("CAST(r.{c} AS TEXT)")));
        fields.extend(["r.response_hours".to_string(), "r.feedback_days".into()]);
        let sql = format!(
            "SELECT {} AS packed FROM measure_rollups r WHERE r.month >= $1 AND r.month <= $2{filters}",
            self.packed(&fields)
        );
        let mut query = sqlx::query(&sql).bind(i64::from(months[0])).bind(i64::from(months[months.len() - 1]));
        for v in &binds {
            query = query.bind(v);
        }
        let packed: Option<String> = query.fetch_one(&self.pool).await?.try_get("packed")?;
        let wanted: std::collections::BTreeSet<i32> = months.iter().copied().collect();
        for row in packed.as_deref().unwrap_or("").split(';').filter(|r| !r.is_empty()) {
            let f: Vec<&str> = row.split('|').collect();
            let bad = || StoreError::Corrupt(format!("rollup row {row:?}"));
            if f.len() != 6 + COUNTERS.len() {
                return Err(bad());
            }
            let month: i32 = f[0].parse().map_err(|_| bad())?;
            if !wanted.contains(&month) {
                continue;
            }
            let mut c = [0i64; COUNTERS.len()];
            for (i, v) in c.iter_mut().enumerate() {
                *v = f[4 + i].parse().map_err(|_| bad())?;
            }
            let t = Tally {
                items: c[0],
                fed: c[1],
                fed_on_time: c[2],
                replied: c[3],
                replied_on_time: c[4],
                rated: c[5],
                satisfied: c[6],
                aware_answers: c[7],
                aware_yes: c[8],
                wishes: c[9],
                wishes_claimed: c[10],
                wishes_fulfilled: c[11],
                by_rating: [c[12], c[13], c[14], c[15], c[16]],
                appeals_upheld: c[17],
                sign_due: c[18],
                signed_on_time: c[19],
                routed: c[20],
                returned: c[21],
                extended: c[22],
                called_back: c[23],
                rectify_due: c[24],
                rectified_on_time: c[25],
                resolved: c[26],
                response_hours: Histogram::decode(f[4 + COUNTERS.len()]).ok_or_else(bad)?,
                feedback_days: Histogram::decode(f[5 + COUNTERS.len()]).ok_or_else(bad)?,
            };
            if !t.is_zero() {
                let key =
                    RollupKey { month, town: f[1].to_string(), kind: f[2].to_string(), category: f[3].to_string() };
                out.entry(key).or_default().tally.merge(&t, 1);
            }
        }
        Ok(())
    }

    /// Rows packed into one text value (`a|b|c;a|b|c`), so that tens of thousands of small rows cross
    /// from the database as one value: sqlx hands each SQLite row over from its worker thread on its
    /// own, and that hand-over was most of a five-year dashboard's time. Fields must not contain `|`
    /// or `;` (codes, numbers and histograms do not).
    fn packed(&self, fields: &[String]) -> String {
        let row: Vec<String> = fields.iter().map(|f| format!("COALESCE({f}, '')")).collect();
        let row = row.join(" || '|' || ");
        match self.backend {
            Backend::Sqlite => format!("group_concat({row}, ';')"),
            Backend::Postgres => format!("string_agg({row}, ';')"),
        }
    }

    /// Tallies straight from the items submitted in `[a, b)`, and the home page's answers then.
    async fn add_item_tallies(
        &self,
        q: &MeasureQuery,
        a: i64,
        b: i64,
        out: &mut BTreeMap<RollupKey, MeasureRow>,
    ) -> Result<()> {
        let (filters, binds) = q.item_filters(3);
        let index = self.period_index(q);
        let fields: Vec<String> = KPI_COLUMNS.split(", ").map(|c| format!("CAST({} AS TEXT)", c.trim())).collect();
        let sql = format!(
            "SELECT {} AS packed FROM items{index} WHERE submitted_at >= $1 AND submitted_at < $2{filters}",
            self.packed(&fields)
        );
        let mut query = sqlx::query(&sql).bind(a).bind(b);
        for v in &binds {
            query = query.bind(v);
        }
        let packed: Option<String> = query.fetch_one(&self.pool).await?.try_get("packed")?;
        for row in packed.as_deref().unwrap_or("").split(';').filter(|r| !r.is_empty()) {
            let it = kpi_item_from_packed(row)?;
            if !it.status.excluded_from_measures() {
                out.entry(RollupKey::of(&it)).or_default().tally.merge(&Tally::of(&it), 1);
            }
        }
        if q.whole_city() {
            let home = self.home_awareness(a, b).await?;
            if home.den > 0 {
                let t = Tally { aware_answers: home.den, aware_yes: home.num, ..Default::default() };
                out.entry(RollupKey::home_awareness(month_of(a))).or_default().tally.merge(&t, 1);
            }
        }
        Ok(())
    }

    /// Counts the items still waiting whose deadline is after `now` (through the partial indexes on
    /// items awaiting feedback and awaiting a reply: only recent items are in that range).
    async fn add_pending(
        &self,
        q: &MeasureQuery,
        lo: i64,
        hi: i64,
        now: i64,
        out: &mut BTreeMap<RollupKey, MeasureRow>,
    ) -> Result<()> {
        let (filters, binds) = q.item_filters(4);
        for (which, (waiting, due, index)) in [
            ("feedback_at IS NULL", "feedback_due_at", "items_awaiting_feedback"),
            ("first_response_at IS NULL", "acceptance_due_at", "items_awaiting_reply"),
            ("signed_at IS NULL", "sign_due_at", "items_awaiting_sign"),
            ("rectified_at IS NULL", "rectify_due_at", "items_awaiting_rectify"),
        ]
        .into_iter()
        .enumerate()
        {
            // SQLite's planner, without statistics, prefers the index on submission time and reads every
            // item of the period (2 s over five years); the partial index holds only the waiting ones.
            let hint = if self.backend == Backend::Sqlite { format!(" INDEXED BY {index}") } else { String::new() };
            let sql = format!(
                "SELECT (submitted_at + 28800) / 86400 AS day, town_slug, kind, category, CAST(COUNT(*) AS BIGINT) AS n \
                 FROM items{hint} WHERE {waiting} AND {due} > $1 AND submitted_at >= $2 AND submitted_at < $3 \
                 AND status NOT IN ('withdrawn', 'duplicate'){filters} GROUP BY 1, town_slug, kind, category"
            );
            let mut query = sqlx::query(&sql).bind(now).bind(lo).bind(hi);
            for v in &binds {
                query = query.bind(v);
            }
            for r in query.fetch_all(&self.pool).await? {
                let day: i64 = r.try_get("day")?;
                let d = Date::from_days(day);
                let town: Option<String> = r.try_get("town_slug")?;
                let key = RollupKey {
                    month: d.year * 100 + d.month as i32,
                    town: town.unwrap_or_default(),
                    kind: r.try_get("kind")?,
                    category: r.try_get("category")?,
                };
                let n: i64 = r.try_get("n")?;
                let p = &mut out.entry(key).or_default().pending;
                match which {
                    0 => p.feedback_not_due += n,
                    1 => p.reply_not_due += n,
                    2 => p.sign_not_due += n,
                    _ => p.rectify_not_due += n,
                }
            }
        }
        Ok(())
    }

    /// The measures of a query at time `now`: the sum of [`Db::measure_rows`].
    pub async fn measures(&self, q: &MeasureQuery, now: i64) -> Result<domain::kpi::Measures> {
        Ok(sum_rows(self.measure_rows(q, now).await?.values()))
    }

    /// The home page's awareness answers given in `[a, b)`: yes of all.
    async fn home_awareness(&self, a: i64, b: i64) -> Result<domain::kpi::Ratio> {
        let r = sqlx::query(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n, CAST(COALESCE(SUM(yes), 0) AS BIGINT) AS yes \
             FROM awareness_answers WHERE answered_at >= $1 AND answered_at < $2",
        )
        .bind(a)
        .bind(b)
        .fetch_one(&self.pool)
        .await?;
        Ok(domain::kpi::Ratio { num: r.try_get("yes")?, den: r.try_get("n")? })
    }

    /// The items of a query in the shape the pure KPI functions take, plus the home page's awareness
    /// answers when the query is the whole city. For tests and audits, not for pages.
    pub async fn kpi_items(&self, q: &MeasureQuery) -> Result<(Vec<KpiItem>, domain::kpi::Ratio)> {
        let (lo, hi) = q.bounds();
        let (filters, binds) = q.item_filters(3);
        let sql = format!("SELECT {KPI_COLUMNS} FROM items WHERE submitted_at >= $1 AND submitted_at < $2{filters}");
        let mut query = sqlx::query(&sql).bind(lo).bind(hi);
        for v in &binds {
            query = query.bind(v);
        }
        let items = query.fetch_all(&self.pool).await?.iter().map(kpi_item_from_row).collect::<Result<Vec<_>>>()?;
        let mut extra = domain::kpi::Ratio::default();
        if q.whole_city() {
            extra = self.home_awareness(lo, hi).await?;
        }
        Ok((items, extra))
    }

    /// Recomputes every rollup row from the items and answers (after a migration, or to check them).
    /// Returns the number of rows written.
    pub async fn rebuild_rollups(&self) -> Result<usize> {
        // Read and write in one transaction that keeps writers out of the rollups: a concurrent action
        // either committed before (and is read here) or waits for the lock and then applies its change
        // to the rebuilt rows. On SQLite another process writing in between makes the commit fail
        // instead of losing its change.
        let db = self.clone();
        self.write(move |tx| {
            Box::pin(async move {
                if db.backend == Backend::Postgres {
                    sqlx::query("LOCK TABLE measure_rollups IN EXCLUSIVE MODE").execute(&mut **tx).await?;
                }
                let mut all: BTreeMap<RollupKey, Tally> = BTreeMap::new();
                let mut after_id = 0i64;
                loop {
                    let rows = sqlx::query(&format!(
                        "SELECT id, {KPI_COLUMNS} FROM items WHERE id > $1 ORDER BY id LIMIT 50000"
                    ))
                    .bind(after_id)
                    .fetch_all(&mut **tx)
                    .await?;
                    let Some(last) = rows.last() else { break };
                    after_id = last.try_get("id")?;
                    for r in &rows {
                        let it = kpi_item_from_row(r)?;
                        if !it.status.excluded_from_measures() {
                            all.entry(RollupKey::of(&it)).or_default().merge(&Tally::of(&it), 1);
                        }
                    }
                }
                for r in sqlx::query(
                    "SELECT (answered_at + 28800) / 86400 AS day, CAST(COUNT(*) AS BIGINT) AS n, \
                     CAST(COALESCE(SUM(yes), 0) AS BIGINT) AS yes FROM awareness_answers GROUP BY 1",
                )
                .fetch_all(&mut **tx)
                .await?
                {
                    let d = Date::from_days(r.try_get("day")?);
                    let t =
                        Tally { aware_answers: r.try_get("n")?, aware_yes: r.try_get("yes")?, ..Default::default() };
                    all.entry(RollupKey::home_awareness(d.year * 100 + d.month as i32)).or_default().merge(&t, 1);
                }
                sqlx::query("DELETE FROM measure_rollups").execute(&mut **tx).await?;
                apply_rollups(tx, db.backend, &all).await?;
                Ok(all.len())
            })
        })
        .await
    }

    /// Fills the rollups if they are empty while there is something to count (first start after the
    /// migration that added them).
    pub(crate) async fn ensure_rollups(&self) -> Result<()> {
        if self.exists("SELECT 1 AS x FROM measure_rollups", &[]).await? {
            return Ok(());
        }
        let has_data = self.exists("SELECT 1 AS x FROM items", &[]).await?
            || self.exists("SELECT 1 AS x FROM awareness_answers", &[]).await?;
        if has_data {
            let n = self.rebuild_rollups().await?;
            tracing::info!(rows = n, "measure rollups filled from the items");
        }
        Ok(())
    }
}
