//! Towns, villages/communities, settings and the working-day calendar. The CSV files under `data/`
//! are compiled in and loaded when rows are missing; admins manage them afterwards.

use crate::{Db, Result};
use domain::calendar::DeadlineRules;
use domain::{Date, Limits, WorkCalendar};
use serde::{Deserialize, Serialize};
use sqlx::Row;

pub(crate) const TOWNS_CSV: &str = include_str!("../../data/towns.csv");
pub(crate) const COMMUNITIES_CSV: &str = include_str!("../../data/communities.csv");
pub(crate) const CALENDAR_CSV: &str = include_str!("../../data/calendar.csv");
/// The official list of villages and communities (National Bureau of Statistics 2023), imported at the
/// first start; a newer year is imported with `server villages import FILE`.
pub const VILLAGES_CSV: &str = include_str!("../../data/villages-nbs2023.csv");
/// The source name recorded for the compiled-in list.
pub const VILLAGES_SOURCE: &str = "nbs2023";

/// A town, sub-district or park (镇街/园区).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Town {
    pub slug: String,
    pub name_zh_hans: String,
    pub name_zh_hant: String,
    pub name_en: String,
    pub kind: String,
}

impl Town {
    /// The name in the given language.
    pub fn name(&self, lang: domain::Lang) -> &str {
        match lang {
            domain::Lang::ZhHans => &self.name_zh_hans,
            domain::Lang::ZhHant => &self.name_zh_hant,
            domain::Lang::En => &self.name_en,
        }
    }
}

/// A village (村) or community (社区) under a town.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Community {
    pub id: i64,
    pub town_slug: String,
    pub name: String,
    pub kind: String,
    /// The statistical code from the official list (`None` for a row admins added).
    pub code: Option<String>,
    /// Shown on the forms (an import deactivates what left the list).
    pub active: bool,
}

/// Settings admins can change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub limits: Limits,
    pub deadlines: DeadlineRules,
    /// How long a donor's claim holds a wish before it lapses if nothing is delivered (default 7).
    pub claim_hold_days: i64,
    /// The maxima of the abuse limits (settings `limit.{code}`; a missing key is the default).
    pub abuse: domain::abuse::AbuseLimits,
}

/// The default hold of a donor's claim, in days.
pub const CLAIM_HOLD_DAYS: i64 = 7;

pub(crate) fn csv_rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines().skip(1).filter(|l| !l.trim().is_empty()).map(|l| l.split(',').map(str::trim).collect())
}

impl Db {
    /// All towns in the published order.
    pub async fn towns(&self) -> Result<Vec<Town>> {
        let rows = sqlx::query("SELECT slug, name_zh_hans, name_zh_hant, name_en, kind FROM towns ORDER BY sort")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Town {
                    slug: r.try_get("slug")?,
                    name_zh_hans: r.try_get("name_zh_hans")?,
                    name_zh_hant: r.try_get("name_zh_hant")?,
                    name_en: r.try_get("name_en")?,
                    kind: r.try_get("kind")?,
                })
            })
            .collect()
    }

    /// Active villages/communities of a town, by name order of their ids.
    pub async fn communities(&self, town: &str) -> Result<Vec<Community>> {
        let rows = sqlx::query(
            "SELECT id, town_slug, name, kind, code, active FROM communities WHERE town_slug = $1 AND active = 1 ORDER BY id",
        )
        .bind(town)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(community_from_row).collect()
    }

    /// Every active village/community.
    pub async fn all_communities(&self) -> Result<Vec<Community>> {
        let rows =
            sqlx::query("SELECT id, town_slug, name, kind, code, active FROM communities WHERE active = 1 ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(community_from_row).collect()
    }

    /// One village/community.
    pub async fn community(&self, id: i64) -> Result<Option<Community>> {
        let row = sqlx::query("SELECT id, town_slug, name, kind, code, active FROM communities WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(community_from_row).transpose()
    }

    /// Caps and deadlines.
    pub async fn settings(&self) -> Result<Settings> {
        let rows = sqlx::query("SELECT key, value FROM settings").fetch_all(&self.pool).await?;
        let mut s = Settings {
            limits: Limits::default(),
            deadlines: DeadlineRules::default(),
            claim_hold_days: CLAIM_HOLD_DAYS,
            abuse: domain::abuse::AbuseLimits::default(),
        };
        for r in rows {
            let k: String = r.try_get("key")?;
            let v: String = r.try_get("value")?;
            let n: i64 = v.trim().parse().unwrap_or(-1);
            if n < 0 {
                tracing::warn!(key = %k, value = %v, "setting is not a number; default kept");
                continue;
            }
            match k.as_str() {
                "wish_cap_yuan" => s.limits.wish_cap_yuan = n,
                "urgent_wish_cap_yuan" => s.limits.urgent_wish_cap_yuan = n,
                "project_cap_yuan" => s.limits.project_cap_yuan = n,
                "acceptance_hours" => s.deadlines.acceptance_hours = n,
                "urgent_wish_working_days" => s.deadlines.urgent_wish_working_days = n as u32,
                "wish_months" => s.deadlines.wish_months = n as u32,
                "project_decision_days" => s.deadlines.project_decision_days = n,
                "project_build_months" => s.deadlines.project_build_months = n as u32,
                "due_soon_working_days" if n > 0 => s.deadlines.due_soon_working_days = n as u32,
                "claim_hold_days" if n > 0 => s.claim_hold_days = n,
                "sign_for_working_hours" if n > 0 => s.deadlines.sign_for_working_hours = n as u32,
                "office_open_minute" => s.deadlines.office_open_minute = n as u32,
                "office_close_minute" if n > 0 => s.deadlines.office_close_minute = n as u32,
                "return_working_days" if n > 0 => s.deadlines.return_working_days = n as u32,
                "extension_wish_working_days" if n > 0 => s.deadlines.extension_wish_working_days = n as u32,
                "extension_project_months" if n > 0 => s.deadlines.extension_project_months = n as u32,
                "max_extensions" => s.deadlines.max_extensions = n as u32,
                "supervision_working_days" if n > 0 => s.deadlines.supervision_working_days = n as u32,
                "escalation_working_days" if n > 0 => s.deadlines.escalation_working_days = n as u32,
                "callback_days" if n > 0 => s.deadlines.callback_days = n as u32,
                "rectify_working_days" if n > 0 => s.deadlines.rectify_working_days = n as u32,
                other => {
                    if let Some(l) = other.strip_prefix("limit.").and_then(domain::abuse::Limit::from_code) {
                        if n > 0 {
                            s.abuse.set(l, n);
                        }
                    }
                }
            }
        }
        Ok(s)
    }

    /// The working-day calendar.
    pub async fn calendar(&self) -> Result<WorkCalendar> {
        let rows = sqlx::query("SELECT day, kind FROM calendar_days").fetch_all(&self.pool).await?;
        let mut c = WorkCalendar::default();
        for r in rows {
            let day: String = r.try_get("day")?;
            let kind: String = r.try_get("kind")?;
            if let Some(d) = Date::parse(&day) {
                if kind == "holiday" {
                    c.holidays.insert(d);
                } else {
                    c.adjusted_workdays.insert(d);
                }
            }
        }
        Ok(c)
    }
}

/// A special day of the working calendar: a holiday, or a weekend worked instead (调休).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarDay {
    pub day: Date,
    /// `holiday` or `workday`.
    pub kind: String,
    pub note: String,
}

/// A village/community as admins manage it (inactive ones included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunityRecord {
    pub community: Community,
    pub active: bool,
}

impl Db {
    /// Stores caps and deadlines (already validated by `domain::staff::validate_settings`).
    pub async fn save_settings(&self, s: &Settings) -> Result<()> {
        let (l, d) = (&s.limits, &s.deadlines);
        let pairs: [(&str, i64); 21] = [
            ("wish_cap_yuan", l.wish_cap_yuan),
            ("urgent_wish_cap_yuan", l.urgent_wish_cap_yuan),
            ("project_cap_yuan", l.project_cap_yuan),
            ("acceptance_hours", d.acceptance_hours),
            ("urgent_wish_working_days", i64::from(d.urgent_wish_working_days)),
            ("wish_months", i64::from(d.wish_months)),
            ("project_decision_days", d.project_decision_days),
            ("project_build_months", i64::from(d.project_build_months)),
            ("due_soon_working_days", i64::from(d.due_soon_working_days)),
            ("claim_hold_days", s.claim_hold_days),
            ("sign_for_working_hours", i64::from(d.sign_for_working_hours)),
            ("office_open_minute", i64::from(d.office_open_minute)),
            ("office_close_minute", i64::from(d.office_close_minute)),
            ("return_working_days", i64::from(d.return_working_days)),
            ("extension_wish_working_days", i64::from(d.extension_wish_working_days)),
            ("extension_project_months", i64::from(d.extension_project_months)),
            ("max_extensions", i64::from(d.max_extensions)),
            ("supervision_working_days", i64::from(d.supervision_working_days)),
            ("escalation_working_days", i64::from(d.escalation_working_days)),
            ("callback_days", i64::from(d.callback_days)),
            ("rectify_working_days", i64::from(d.rectify_working_days)),
        ];
        self.write(move |tx| {
            Box::pin(async move {
                for (k, v) in pairs {
                    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                        .bind(k)
                        .bind(v.to_string())
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            })
        })
        .await
    }

    /// Stores the maxima of the abuse limits (already checked by `AbuseLimits::from_form`).
    pub async fn save_abuse_limits(&self, limits: &domain::abuse::AbuseLimits) -> Result<()> {
        let limits = limits.to_owned();
        self.write(move |tx| {
            Box::pin(async move {
                for l in domain::abuse::Limit::ALL {
                    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                        .bind(format!("limit.{}", l.code()))
                        .bind(limits.max(l).to_string())
                        .execute(&mut **tx)
                        .await?;
                }
                Ok(())
            })
        })
        .await
    }

    /// The special days of one year, in date order.
    pub async fn calendar_days(&self, year: i32) -> Result<Vec<CalendarDay>> {
        let rows = sqlx::query("SELECT day, kind, note FROM calendar_days WHERE day >= $1 AND day <= $2 ORDER BY day")
            .bind(format!("{year:04}-01-01"))
            .bind(format!("{year:04}-12-31"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .filter_map(|r| {
                let day: String = r.try_get("day").ok()?;
                Some(Ok(CalendarDay {
                    day: Date::parse(&day)?,
                    kind: r.try_get("kind").ok()?,
                    note: r.try_get("note").ok()?,
                }))
            })
            .collect()
    }

    /// Marks a day as a holiday or an adjusted working day (replacing what it was).
    pub async fn set_calendar_day(&self, day: Date, holiday: bool, note: &str) -> Result<()> {
        let note = note.trim().to_string();
        self.write_statement(
            sqlx::query(
                "INSERT INTO calendar_days (day, kind, note) VALUES ($1, $2, $3) \
                 ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, note = excluded.note",
            )
            .bind(day.to_string())
            .bind(if holiday { "holiday" } else { "workday" })
            .bind(note),
        )
        .await?;
        Ok(())
    }

    /// Makes a day ordinary again.
    pub async fn delete_calendar_day(&self, day: Date) -> Result<()> {
        self.write_statement(sqlx::query("DELETE FROM calendar_days WHERE day = $1").bind(day.to_string())).await?;
        Ok(())
    }

    /// Every village/community of a town, inactive ones included.
    pub async fn communities_for_admin(&self, town: &str) -> Result<Vec<CommunityRecord>> {
        let rows = sqlx::query(
            "SELECT id, town_slug, name, kind, code, active FROM communities WHERE town_slug = $1 ORDER BY id",
        )
        .bind(town)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CommunityRecord { community: community_from_row(r)?, active: r.try_get::<i64, _>("active")? != 0 })
            })
            .collect()
    }

    /// Adds a village (`village`) or community (`community`) to a town. Refused with `name`
    /// `name_taken` if the town already has one of that name (the unique constraint decides).
    pub async fn add_community(&self, town: &str, name: &str, kind: &str) -> Result<i64> {
        let (town, name, kind) = (town.to_owned(), name.to_owned(), kind.to_owned());
        self.write(move |tx| {
            Box::pin(async move {
                let id: i64 = sqlx::query("SELECT CAST(COALESCE(MAX(id), 0) + 1 AS BIGINT) AS id FROM communities")
                    .fetch_one(&mut **tx)
                    .await?
                    .try_get("id")?;
                sqlx::query("INSERT INTO communities (id, town_slug, name, kind, active) VALUES ($1, $2, $3, $4, 1)")
                    .bind(id)
                    .bind(town)
                    .bind(name.trim())
                    .bind(kind)
                    .execute(&mut **tx)
                    .await
                    .map_err(|e| crate::on_unique(e, "name", "name", "name_taken"))?;
                Ok(id)
            })
        })
        .await
    }

    /// Renames a village/community (items keep pointing at it).
    pub async fn rename_community(&self, id: i64, name: &str) -> Result<()> {
        let name = name.to_owned();
        self.write(move |tx| {
            Box::pin(async move {
                let r = sqlx::query("UPDATE communities SET name = $1 WHERE id = $2")
                    .bind(name.trim())
                    .bind(id)
                    .execute(&mut **tx)
                    .await
                    .map_err(|e| crate::on_unique(e, "name", "name", "name_taken"))?;
                if r.rows_affected() == 0 {
                    return Err(crate::StoreError::NotFound);
                }
                Ok(())
            })
        })
        .await
    }

    /// Hides a village/community from the forms (or shows it again); its items stay as they are.
    pub async fn set_community_active(&self, id: i64, active: bool) -> Result<()> {
        self.write(move |tx| {
            Box::pin(async move {
                let r = sqlx::query("UPDATE communities SET active = $1 WHERE id = $2")
                    .bind(i64::from(active))
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                if r.rows_affected() == 0 {
                    return Err(crate::StoreError::NotFound);
                }
                Ok(())
            })
        })
        .await
    }
}

fn community_from_row(r: &sqlx::any::AnyRow) -> Result<Community> {
    Ok(Community {
        id: r.try_get("id")?,
        town_slug: r.try_get("town_slug")?,
        name: r.try_get("name")?,
        kind: r.try_get("kind")?,
        code: r.try_get("code")?,
        active: r.try_get::<i64, _>("active")? != 0,
    })
}
