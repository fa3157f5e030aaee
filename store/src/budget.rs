//! Town budgets of micro-projects: the yearly allocation an admin enters, and what the town's projects
//! adopted that year committed and (once inspected) spent. See `domain::budget`.

use crate::{Db, Result, StoreError};
use domain::budget::BudgetLine;
use domain::Date;
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// One town's budget for a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TownBudget {
    pub town_slug: String,
    pub year: i32,
    pub line: BudgetLine,
    /// Projects adopted that year.
    pub adopted: i64,
    /// Of those, inspected.
    pub done: i64,
}

/// The first second of a year and of the next (local time, like every date of the portal).
fn year_bounds(year: i32) -> Result<(i64, i64)> {
    let start = Date::new(year, 1, 1).ok_or_else(|| StoreError::Corrupt(format!("year {year}")))?;
    let next = Date::new(year + 1, 1, 1).ok_or_else(|| StoreError::Corrupt(format!("year {year}")))?;
    Ok((start.start_ts(), next.start_ts()))
}

impl Db {
    /// Sets (or changes) a town's allocation for a year.
    pub async fn set_town_budget(&self, town: &str, year: i32, allocation_yuan: i64, at: i64) -> Result<()> {
        if !self.towns().await?.iter().any(|t| t.slug == town) {
            return Err(StoreError::rejected("budget_town", "town_unknown"));
        }
        let _w = self.write_guard().await;
        sqlx::query(
            "INSERT INTO town_budgets (town_slug, year, allocation_yuan, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (town_slug, year) DO UPDATE SET allocation_yuan = excluded.allocation_yuan, \
             updated_at = excluded.updated_at",
        )
        .bind(town)
        .bind(i64::from(year))
        .bind(allocation_yuan)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every town with an allocation or an adopted project in `year`, by town slug. A project counts
    /// in the year of its adoption (its `approve` event) with its adopted budget, as spent once it has
    /// a `complete` (inspection) event; withdrawn projects do not count.
    pub async fn town_budgets(&self, year: i32) -> Result<Vec<TownBudget>> {
        let (from, to) = year_bounds(year)?;
        let mut out: std::collections::BTreeMap<String, TownBudget> = std::collections::BTreeMap::new();
        let blank = |slug: &str| TownBudget {
            town_slug: slug.to_string(),
            year,
            line: BudgetLine::default(),
            adopted: 0,
            done: 0,
        };
        for r in sqlx::query("SELECT town_slug, allocation_yuan FROM town_budgets WHERE year = $1")
            .bind(i64::from(year))
            .fetch_all(&self.pool)
            .await?
        {
            let slug: String = r.try_get("town_slug")?;
            out.entry(slug.clone()).or_insert_with(|| blank(&slug)).line.allocation_yuan =
                Some(r.try_get("allocation_yuan")?);
        }
        let rows = sqlx::query(
            "SELECT COALESCE(i.town_slug, '') AS town_slug, i.budget_yuan AS budget, \
               CASE WHEN EXISTS (SELECT 1 FROM item_events c WHERE c.item_id = i.id AND c.action = 'complete') \
                 THEN 1 ELSE 0 END AS done \
             FROM items i WHERE i.kind = 'project' AND i.budget_yuan IS NOT NULL AND i.status <> 'withdrawn' \
               AND i.id IN (SELECT a.item_id FROM item_events a WHERE a.action = 'approve' AND a.at >= $1 AND a.at < $2)",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&self.pool)
        .await?;
        for r in rows {
            let slug: String = r.try_get("town_slug")?;
            let budget: i64 = r.try_get("budget")?;
            let done: i32 = r.try_get::<i32, _>("done").or_else(|_| r.try_get::<i64, _>("done").map(|d| d as i32))?;
            let b = out.entry(slug.clone()).or_insert_with(|| blank(&slug));
            b.adopted += 1;
            b.line.committed_yuan += budget;
            if done == 1 {
                b.done += 1;
                b.line.spent_yuan += budget;
            }
        }
        Ok(out.into_values().collect())
    }
}
