//! Imports of the official list of villages and communities by statistical code: planned by
//! `domain::places::plan_import`, applied in one transaction, recorded in `community_imports`.

use crate::reference::*;
use crate::{Db, Result};
use domain::calendar::DeadlineRules;
use domain::Limits;
use sqlx::Row;

/// What `server villages import` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub plan: domain::places::ImportPlan,
    /// Line numbers of the file that are not `code,name,town_code,town_name` (nothing is written then).
    pub malformed: Vec<usize>,
    /// Whether the changes were written (false for a dry run or a malformed file).
    pub written: bool,
}

async fn stored_communities(tx: &mut sqlx::Transaction<'_, sqlx::Any>) -> Result<Vec<domain::places::Existing>> {
    let rows = sqlx::query("SELECT id, code, town_slug, name, official_name, active FROM communities ORDER BY id")
        .fetch_all(&mut **tx)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(domain::places::Existing {
                id: r.try_get("id")?,
                code: r.try_get("code")?,
                town_slug: r.try_get("town_slug")?,
                name: r.try_get("name")?,
                official_name: r.try_get("official_name")?,
                active: r.try_get::<i64, _>("active")? != 0,
            })
        })
        .collect()
}

/// Plans and writes one import of the official list inside `tx`, and records it in `community_imports`.
async fn apply_import(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    source: &str,
    rows: &[domain::places::OfficialRow],
    retire: &[i64],
) -> Result<domain::places::ImportPlan> {
    let plan = plan_in(tx, rows, retire).await?;
    write_plan(tx, &plan).await?;
    let report: Vec<String> = plan.changes.iter().map(domain::places::Change::line).collect();
    sqlx::query(
        "INSERT INTO community_imports (source, at, added, renamed, moved, deactivated, reactivated, linked, skipped, unchanged, report) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(source)
    .bind(crate::now())
    .bind(plan.added() as i64)
    .bind(plan.renamed() as i64)
    .bind(plan.moved() as i64)
    .bind(plan.deactivated() as i64)
    .bind(plan.reactivated() as i64)
    .bind(plan.linked() as i64)
    .bind(plan.skipped() as i64)
    .bind(plan.unchanged as i64)
    .bind(report.join("\n"))
    .execute(&mut **tx)
    .await?;
    Ok(plan)
}

/// Rows of the starting set (`data/communities.csv`) still as it made them, without a code.
async fn starting_set(tx: &mut sqlx::Transaction<'_, sqlx::Any>) -> Result<Vec<i64>> {
    let mut ids = Vec::new();
    for r in csv_rows(COMMUNITIES_CSV) {
        let Ok(id) = r[0].parse::<i64>() else { continue };
        let same =
            sqlx::query("SELECT id FROM communities WHERE id = $1 AND town_slug = $2 AND name = $3 AND code IS NULL")
                .bind(id)
                .bind(r[1])
                .bind(r[2])
                .fetch_optional(&mut **tx)
                .await?;
        if same.is_some() {
            ids.push(id);
        }
    }
    Ok(ids)
}

async fn plan_in(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    rows: &[domain::places::OfficialRow],
    retire: &[i64],
) -> Result<domain::places::ImportPlan> {
    let existing = stored_communities(tx).await?;
    let towns: Vec<(String, String)> = sqlx::query("SELECT slug, name_zh_hans FROM towns ORDER BY sort")
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("slug")?, r.try_get("name_zh_hans")?)))
        .collect::<Result<_>>()?;
    Ok(domain::places::plan_import(&existing, rows, &towns, retire))
}

async fn write_plan(tx: &mut sqlx::Transaction<'_, sqlx::Any>, plan: &domain::places::ImportPlan) -> Result<()> {
    use domain::places::Change;
    let mut next_id: i64 = sqlx::query("SELECT CAST(COALESCE(MAX(id), 0) + 1 AS BIGINT) AS id FROM communities")
        .fetch_one(&mut **tx)
        .await?
        .try_get("id")?;
    for c in &plan.changes {
        let q = match c {
            Change::Add { code, town_slug, name, kind, official_name } => {
                // A name the town already has (an admin's row under another code) gets the code in brackets.
                let taken = sqlx::query("SELECT id FROM communities WHERE town_slug = $1 AND name = $2")
                    .bind(town_slug)
                    .bind(name)
                    .fetch_optional(&mut **tx)
                    .await?
                    .is_some();
                let shown = if taken { format!("{name}（{code}）") } else { name.clone() };
                next_id += 1;
                sqlx::query(
                    "INSERT INTO communities (id, town_slug, name, kind, active, code, official_name) VALUES ($1, $2, $3, $4, 1, $5, $6)",
                )
                .bind(next_id - 1)
                .bind(town_slug.as_str())
                .bind(shown)
                .bind(kind.as_str())
                .bind(code.as_str())
                .bind(official_name.as_str())
            }
            Change::Rename { id, to, official_name, .. } => {
                sqlx::query("UPDATE communities SET name = $1, official_name = $2 WHERE id = $3")
                    .bind(to.as_str())
                    .bind(official_name.as_str())
                    .bind(*id)
            }
            Change::Move { id, to_town, .. } => {
                sqlx::query("UPDATE communities SET town_slug = $1 WHERE id = $2").bind(to_town.as_str()).bind(*id)
            }
            Change::Deactivate { id, .. } | Change::Retire { id, .. } => {
                sqlx::query("UPDATE communities SET active = 0 WHERE id = $1").bind(*id)
            }
            Change::Reactivate { id, .. } => sqlx::query("UPDATE communities SET active = 1 WHERE id = $1").bind(*id),
            Change::Link { id, code, official_name, .. } => {
                sqlx::query("UPDATE communities SET code = $1, official_name = $2 WHERE id = $3")
                    .bind(code.as_str())
                    .bind(official_name.as_str())
                    .bind(*id)
            }
            Change::Skip { .. } => continue,
        };
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

impl Db {
    /// Imports a year of the official list (`code,name,town_code,town_name`, as in
    /// `data/villages-nbs2023.csv`) in one transaction, and reports what changed. A file with a malformed
    /// line writes nothing. `dry_run` reports without writing.
    pub async fn import_communities(&self, source: &str, text: &str, dry_run: bool) -> Result<ImportReport> {
        let (rows, malformed) = domain::places::parse_official_csv(text);
        let _w = self.write_guard().await;
        let mut tx = self.begin_write().await?;
        if !malformed.is_empty() || dry_run {
            let plan = plan_in(&mut tx, &rows, &[]).await?;
            tx.rollback().await?;
            return Ok(ImportReport { plan, malformed, written: false });
        }
        let plan = apply_import(&mut tx, source, &rows, &[]).await?;
        if self.backend == crate::Backend::Postgres {
            sqlx::query("SELECT setval(pg_get_serial_sequence('communities', 'id'), (SELECT COALESCE(MAX(id), 1) FROM communities))")
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(ImportReport { plan, malformed, written: true })
    }

    /// The imports of the official list, newest first: (source, at, summary counts as one line).
    pub async fn community_imports(&self) -> Result<Vec<(String, i64, String)>> {
        let rows = sqlx::query(
            "SELECT source, at, added, renamed, moved, deactivated, reactivated, linked, skipped, unchanged \
             FROM community_imports ORDER BY id DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let n = |c: &str| r.try_get::<i64, _>(c);
                Ok((
                    r.try_get("source")?,
                    r.try_get("at")?,
                    format!(
                        "{} added, {} renamed, {} moved, {} deactivated, {} reactivated, {} linked, {} unchanged, {} skipped",
                        n("added")?,
                        n("renamed")?,
                        n("moved")?,
                        n("deactivated")?,
                        n("reactivated")?,
                        n("linked")?,
                        n("unchanged")?,
                        n("skipped")?
                    ),
                ))
            })
            .collect()
    }
}

/// Inserts reference rows that are missing. Existing rows are left as admins made them.
pub(crate) async fn load_missing(db: &Db) -> Result<()> {
    let _w = db.write_guard().await;
    let mut tx = db.begin_write().await?;
    for (i, r) in csv_rows(TOWNS_CSV).enumerate() {
        sqlx::query(
            "INSERT INTO towns (slug, name_zh_hans, name_zh_hant, name_en, kind, sort) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (slug) DO NOTHING",
        )
        .bind(r[0])
        .bind(r[1])
        .bind(r[2])
        .bind(r[3])
        .bind(r[4])
        .bind(i as i64)
        .execute(&mut *tx)
        .await?;
    }
    for r in csv_rows(COMMUNITIES_CSV) {
        let id: i64 = r[0].parse().map_err(|_| crate::StoreError::Corrupt(format!("community id {}", r[0])))?;
        sqlx::query(
            "INSERT INTO communities (id, town_slug, name, kind) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(r[1])
        .bind(r[2])
        .bind(r[3])
        .execute(&mut *tx)
        .await?;
    }
    for r in csv_rows(CALENDAR_CSV) {
        sqlx::query("INSERT INTO calendar_days (day, kind, note) VALUES ($1, $2, $3) ON CONFLICT (day) DO NOTHING")
            .bind(r[0])
            .bind(r[1])
            .bind(r[2])
            .execute(&mut *tx)
            .await?;
    }
    let l = Limits::default();
    let d = DeadlineRules::default();
    for (k, v) in [
        ("wish_cap_yuan", l.wish_cap_yuan.to_string()),
        ("urgent_wish_cap_yuan", l.urgent_wish_cap_yuan.to_string()),
        ("project_cap_yuan", l.project_cap_yuan.to_string()),
        ("acceptance_hours", d.acceptance_hours.to_string()),
        ("urgent_wish_working_days", d.urgent_wish_working_days.to_string()),
        ("wish_months", d.wish_months.to_string()),
        ("project_decision_days", d.project_decision_days.to_string()),
        ("project_build_months", d.project_build_months.to_string()),
        ("claim_hold_days", CLAIM_HOLD_DAYS.to_string()),
    ] {
        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(k)
            .bind(v)
            .execute(&mut *tx)
            .await?;
    }
    let imports: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM community_imports").fetch_one(&mut *tx).await?.try_get("n")?;
    if imports == 0 {
        let (rows, _) = domain::places::parse_official_csv(VILLAGES_CSV);
        let retire = starting_set(&mut tx).await?;
        let plan = apply_import(&mut tx, VILLAGES_SOURCE, &rows, &retire).await?;
        tracing::info!(source = VILLAGES_SOURCE, summary = %plan.summary(), "official list of villages and communities imported");
    }
    if db.backend == crate::Backend::Postgres {
        // Explicit ids were inserted; move the identity past them.
        sqlx::query("SELECT setval(pg_get_serial_sequence('communities', 'id'), (SELECT COALESCE(MAX(id), 1) FROM communities))")
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
