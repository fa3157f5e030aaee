//! The exact rollups behind the measures: one `domain::kpi::Tally` per month of submission, town,
//! kind and category, changed in the same transaction as every change of an item.

use crate::{Backend, Result, StoreError};
use domain::kpi::{Histogram, KpiItem, RollupKey, Tally};
use sqlx::Row;
use std::collections::BTreeMap;

pub(crate) const COUNTERS: [&str; 27] = [
    "items",
    "fed",
    "fed_on_time",
    "replied",
    "replied_on_time",
    "rated",
    "satisfied",
    "aware_answers",
    "aware_yes",
    "wishes",
    "wishes_claimed",
    "wishes_fulfilled",
    "rated_very_satisfied",
    "rated_satisfied",
    "rated_basically_satisfied",
    "rated_unsatisfied",
    "rated_very_unsatisfied",
    "appeals_upheld",
    "sign_due",
    "signed_on_time",
    "routed",
    "returned",
    "extended",
    "called_back",
    "rectify_due",
    "rectified_on_time",
    "resolved",
];

pub(crate) fn counters(t: &Tally) -> [i64; 27] {
    [
        t.items,
        t.fed,
        t.fed_on_time,
        t.replied,
        t.replied_on_time,
        t.rated,
        t.satisfied,
        t.aware_answers,
        t.aware_yes,
        t.wishes,
        t.wishes_claimed,
        t.wishes_fulfilled,
        t.by_rating[0],
        t.by_rating[1],
        t.by_rating[2],
        t.by_rating[3],
        t.by_rating[4],
        t.appeals_upheld,
        t.sign_due,
        t.signed_on_time,
        t.routed,
        t.returned,
        t.extended,
        t.called_back,
        t.rectify_due,
        t.rectified_on_time,
        t.resolved,
    ]
}

/// Adds `delta` to the rollup row of `key` (creating it). The histograms are read and written back
/// under the row's lock (PostgreSQL `FOR UPDATE`; SQLite has one writer at a time).
pub(crate) async fn apply_rollup(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    key: &RollupKey,
    delta: &Tally,
) -> Result<()> {
    if delta.is_zero() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO measure_rollups (month, town_slug, kind, category) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (month, town_slug, kind, category) DO NOTHING",
    )
    .bind(i64::from(key.month))
    .bind(&key.town)
    .bind(&key.kind)
    .bind(&key.category)
    .execute(&mut **tx)
    .await?;
    let lock = if backend == Backend::Postgres { " FOR UPDATE" } else { "" };
    let row = sqlx::query(&format!(
        "SELECT response_hours, feedback_days FROM measure_rollups \
         WHERE month = $1 AND town_slug = $2 AND kind = $3 AND category = $4{lock}"
    ))
    .bind(i64::from(key.month))
    .bind(&key.town)
    .bind(&key.kind)
    .bind(&key.category)
    .fetch_one(&mut **tx)
    .await?;
    let merged = |c: &str, d: &Histogram| -> Result<String> {
        let s: String = row.try_get(c)?;
        let mut h = Histogram::decode(&s).ok_or_else(|| StoreError::Corrupt(format!("{c} histogram {s:?}")))?;
        h.merge(d, 1);
        Ok(h.encode())
    };
    let response_hours = merged("response_hours", &delta.response_hours)?;
    let feedback_days = merged("feedback_days", &delta.feedback_days)?;
    let sets: Vec<String> = COUNTERS.iter().enumerate().map(|(i, c)| format!("{c} = {c} + ${}", i + 1)).collect();
    // The placeholders after the counters, numbered from their count.
    let p = |k: usize| format!("${}", COUNTERS.len() + k);
    let sql = format!(
        "UPDATE measure_rollups SET {}, response_hours = {}, feedback_days = {} \
         WHERE month = {} AND town_slug = {} AND kind = {} AND category = {}",
        sets.join(", "),
        p(1),
        p(2),
        p(3),
        p(4),
        p(5),
        p(6)
    );
    let mut q = sqlx::query(&sql);
    for v in counters(delta) {
        q = q.bind(v);
    }
    q.bind(response_hours)
        .bind(feedback_days)
        .bind(i64::from(key.month))
        .bind(&key.town)
        .bind(&key.kind)
        .bind(&key.category)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Moves an item's contribution from what it was (`before`, `None` for a new item) to what it is now.
pub(crate) async fn rollup_change(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    before: Option<&KpiItem>,
    after: Option<&KpiItem>,
) -> Result<()> {
    let mut deltas: BTreeMap<RollupKey, Tally> = BTreeMap::new();
    if let Some(b) = before {
        deltas.entry(RollupKey::of(b)).or_default().merge(&Tally::of(b), -1);
    }
    if let Some(a) = after {
        deltas.entry(RollupKey::of(a)).or_default().merge(&Tally::of(a), 1);
    }
    apply_rollups(tx, backend, &deltas).await
}

/// Applies many deltas (the seeder's batches, rebuilds).
pub(crate) async fn apply_rollups(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    backend: Backend,
    deltas: &BTreeMap<RollupKey, Tally>,
) -> Result<()> {
    for (key, delta) in deltas {
        apply_rollup(tx, backend, key, delta).await?;
    }
    Ok(())
}
