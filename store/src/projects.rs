//! The public micro-project board: proposals under public notice (公示) with their closing date,
//! adopted projects with budget and progress, completed ones with their inspection (验收), each with
//! its public timeline. Nothing here names or reaches the resident who proposed it.

use crate::{Db, Result, StoreError};
use domain::voices::{self, Stance, ValidVoice};
use domain::Status;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::Row;

/// Where a project stands, as the board groups them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BoardStage {
    /// Under public notice: residents may comment before the adoption decision.
    Notice,
    /// Adopted, with a budget, being built.
    Adopted,
    /// Built and inspected.
    Done,
}

impl BoardStage {
    pub fn code(self) -> &'static str {
        match self {
            BoardStage::Notice => "notice",
            BoardStage::Adopted => "adopted",
            BoardStage::Done => "done",
        }
    }
    pub fn from_code(code: &str) -> Option<BoardStage> {
        [BoardStage::Notice, BoardStage::Adopted, BoardStage::Done].into_iter().find(|s| s.code() == code)
    }
    /// The condition on an item (`i`) of this stage. Done means built: a proposal declined and then
    /// rated is closed too, but it was never adopted and stays off the board.
    fn condition(self) -> &'static str {
        match self {
            BoardStage::Notice => "i.status IN ('public_notice')",
            BoardStage::Adopted => "i.status IN ('approved', 'in_progress')",
            BoardStage::Done => "i.status IN ('completed', 'feedback_given', 'closed') AND i.adopted_at IS NOT NULL",
        }
    }
    /// The stage of a project in this status, adopted or not, if it is on the board.
    pub fn of(status: Status, adopted: bool) -> Option<BoardStage> {
        match status {
            Status::PublicNotice => Some(BoardStage::Notice),
            Status::Approved | Status::InProgress => Some(BoardStage::Adopted),
            Status::Completed | Status::FeedbackGiven | Status::Closed if adopted => Some(BoardStage::Done),
            _ => None,
        }
    }
}

/// A project as the board shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardProject {
    /// The item's id (storage only; public views carry the number).
    pub id: i64,
    pub number: String,
    pub status: Status,
    pub category: String,
    pub town_slug: String,
    pub community_name: String,
    pub title: String,
    /// The proposal, with digit runs hidden.
    pub summary: String,
    /// The proposer's estimate.
    pub amount_yuan: i64,
    /// The adopted budget.
    pub budget_yuan: Option<i64>,
    pub progress_percent: i64,
    /// When the public notice ends (its start + its days), if it was put under notice.
    pub notice_ends_at: Option<i64>,
    pub submitted_at: i64,
    /// Residents who support it (verified addresses).
    pub supports: i64,
    /// Residents who object to it.
    pub objections: i64,
}

/// Filters of the board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardQuery {
    pub stage: BoardStage,
    pub town: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

const SUMMARY_MAX: usize = 160;

const BOARD_COLUMNS: &str = "i.id, i.number, i.status, i.category, COALESCE(i.town_slug, '') AS town_slug, \
     COALESCE(c.name, '') AS community_name, i.title, i.description, i.amount_yuan, i.budget_yuan, i.progress_percent, \
     i.submitted_at, i.adopted_at, (SELECT MAX(e.at + CAST(e.body AS BIGINT) * 86400) FROM item_events e \
       WHERE e.item_id = i.id AND e.action = 'start_notice') AS notice_ends_at, \
     (SELECT CAST(COUNT(*) AS BIGINT) FROM project_voices v WHERE v.item_id = i.id AND v.stance = 'support') AS supports, \
     (SELECT CAST(COUNT(*) AS BIGINT) FROM project_voices v WHERE v.item_id = i.id AND v.stance = 'objection') AS objections";

fn board_project(r: &AnyRow) -> Result<BoardProject> {
    let status: String = r.try_get("status")?;
    let description: String = r.try_get("description")?;
    Ok(BoardProject {
        id: r.try_get("id")?,
        number: r.try_get("number")?,
        status: Status::from_code(&status).unwrap_or(Status::PublicNotice),
        category: r.try_get("category")?,
        town_slug: r.try_get("town_slug")?,
        community_name: r.try_get("community_name")?,
        title: domain::claims::wall_text(&r.try_get::<String, _>("title")?, 60),
        summary: domain::claims::wall_text(&description, SUMMARY_MAX),
        amount_yuan: r.try_get("amount_yuan")?,
        budget_yuan: r.try_get("budget_yuan")?,
        progress_percent: r.try_get("progress_percent")?,
        notice_ends_at: r.try_get("notice_ends_at")?,
        submitted_at: r.try_get("submitted_at")?,
        supports: r.try_get("supports")?,
        objections: r.try_get("objections")?,
    })
}

/// A resident's voice on a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Voice {
    pub stance: Stance,
    /// Empty for support.
    pub reason: String,
    pub at: i64,
}

/// What became of a voice.
#[derive(Debug, Clone, PartialEq)]
pub enum VoiceOutcome {
    /// Counted.
    Recorded,
    /// This address already gave its voice on this project (nothing changed).
    Already(Voice),
    /// The project is not under notice, or its notice has ended.
    Closed,
    /// Too many voices from this client address in the last hour.
    TooMany,
    /// No such project on the board.
    NotFound,
}

fn voice_from_row(r: &AnyRow) -> Result<Voice> {
    let stance: String = r.try_get("stance")?;
    Ok(Voice {
        stance: Stance::from_code(&stance).unwrap_or(Stance::Support),
        reason: r.try_get("reason")?,
        at: r.try_get("at")?,
    })
}

impl Db {
    /// One stage of the board: under notice (closing soonest first), adopted (most progressed first)
    /// or done (newest first); with the total.
    pub async fn project_board(&self, q: &BoardQuery) -> Result<(Vec<BoardProject>, i64)> {
        let mut filter = format!("i.kind = 'project' AND {}", q.stage.condition());
        if q.town.is_some() {
            filter.push_str(" AND i.town_slug = $1");
        }
        let order = match q.stage {
            BoardStage::Notice => "notice_ends_at, i.id",
            BoardStage::Adopted => "i.progress_percent DESC, i.id",
            BoardStage::Done => "i.updated_at DESC, i.id DESC",
        };
        let count_sql = format!("SELECT CAST(COUNT(*) AS BIGINT) FROM items i WHERE {filter}");
        let sql = format!(
            "SELECT {BOARD_COLUMNS} FROM items i LEFT JOIN communities c ON c.id = i.community_id WHERE {filter} \
             ORDER BY {order} LIMIT {} OFFSET {}",
            q.limit.clamp(1, 200),
            q.offset.max(0)
        );
        let (mut count, mut rows) = (sqlx::query_scalar::<_, i64>(&count_sql), sqlx::query(&sql));
        if let Some(t) = &q.town {
            count = count.bind(t);
            rows = rows.bind(t);
        }
        let total = count.fetch_one(&self.pool).await?;
        let projects = rows.fetch_all(&self.pool).await?.iter().map(board_project).collect::<Result<Vec<_>>>()?;
        Ok((projects, total))
    }

    /// One project of the board with its public timeline; `None` if it is not on the board.
    pub async fn board_project(&self, number: &str) -> Result<Option<(BoardProject, Vec<crate::ItemEvent>)>> {
        let Some(p) = self.board_entry(number).await? else { return Ok(None) };
        let events = self.events(p.id, true).await?;
        Ok(Some((p, events)))
    }

    /// One project of the board, without its timeline; `None` if it is not on the board.
    async fn board_entry(&self, number: &str) -> Result<Option<BoardProject>> {
        let sql = format!(
            "SELECT {BOARD_COLUMNS} FROM items i LEFT JOIN communities c ON c.id = i.community_id \
             WHERE i.number = $1 AND i.kind = 'project'"
        );
        let Some(row) = sqlx::query(&sql).bind(number).fetch_optional(&self.pool).await? else { return Ok(None) };
        let adopted = row.try_get::<Option<i64>, _>("adopted_at")?.is_some();
        let p = board_project(&row)?;
        Ok(BoardStage::of(p.status, adopted).is_some().then_some(p))
    }

    /// A verified resident's voice on the project `number` while its notice runs. Once per address
    /// and project (the unique key decides two requests at the same moment); at most
    /// [`voices::PER_CLIENT`] voices per client address an hour.
    pub async fn give_voice(
        &self,
        number: &str,
        voter: &str,
        voice: &ValidVoice,
        client: &str,
        lang: &str,
        now: i64,
    ) -> Result<VoiceOutcome> {
        let Some(p) = self.board_entry(number).await? else { return Ok(VoiceOutcome::NotFound) };
        let voter = crate::mail::normalise_address(voter);
        let item_id = p.id;
        if let Some(v) = self.voice_of(item_id, &voter).await? {
            return Ok(VoiceOutcome::Already(v));
        }
        if !voices::notice_open(p.status == Status::PublicNotice, p.notice_ends_at, now) {
            return Ok(VoiceOutcome::Closed);
        }
        let (voice, client, lang) = (voice.to_owned(), client.to_owned(), lang.to_owned());
        let stored_voter = voter.clone();
        let recorded = self
            .write(move |tx| {
                Box::pin(async move {
                    let recent: i64 = sqlx::query_scalar(
                        "SELECT CAST(COUNT(*) AS BIGINT) FROM project_voices WHERE client = $1 AND at > $2",
                    )
                    .bind(&client)
                    .bind(now - voices::CLIENT_WINDOW_SECS)
                    .fetch_one(&mut **tx)
                    .await?;
                    if recent >= voices::PER_CLIENT {
                        return Ok(VoiceOutcome::TooMany);
                    }
                    sqlx::query(
                        "INSERT INTO project_voices (item_id, voter, stance, reason, client, at, lang) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(item_id)
                    .bind(&stored_voter)
                    .bind(voice.stance.code())
                    .bind(&voice.reason)
                    .bind(&client)
                    .bind(now)
                    .bind(&lang)
                    .execute(&mut **tx)
                    .await?;
                    Ok(VoiceOutcome::Recorded)
                })
            })
            .await;
        match recorded {
            // The same address voiced at the same moment from another request: its voice stands.
            Err(StoreError::Db(e)) if matches!(&e, sqlx::Error::Database(d) if d.is_unique_violation()) => {
                Ok(self.voice_of(item_id, &voter).await?.map_or(VoiceOutcome::Closed, VoiceOutcome::Already))
            }
            other => other,
        }
    }

    /// This address's voice on a project, if it gave one.
    pub async fn voice_of(&self, item_id: i64, voter: &str) -> Result<Option<Voice>> {
        sqlx::query("SELECT stance, reason, at FROM project_voices WHERE item_id = $1 AND voter = $2")
            .bind(item_id)
            .bind(crate::mail::normalise_address(voter))
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(voice_from_row)
            .transpose()
    }

    /// Every voice on a project, oldest first, for staff deciding on its adoption (without who gave it).
    pub async fn voices_of_item(&self, item_id: i64) -> Result<Vec<Voice>> {
        sqlx::query("SELECT stance, reason, at FROM project_voices WHERE item_id = $1 ORDER BY at, id")
            .bind(item_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(voice_from_row)
            .collect()
    }

    /// When the public notice of an item ends (its latest start + its days), if it was put under notice.
    pub async fn notice_ends_at(&self, item_id: i64) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar::<_, Option<i64>>(
            "SELECT MAX(e.at + CAST(e.body AS BIGINT) * 86400) FROM item_events e \
             WHERE e.item_id = $1 AND e.action = 'start_notice'",
        )
        .bind(item_id)
        .fetch_one(&self.pool)
        .await?)
    }

    /// The projects this address gave its voice on, newest voice first.
    pub async fn projects_voiced_by(&self, voter: &str) -> Result<Vec<(BoardProject, Voice)>> {
        let sql = format!(
            "SELECT {BOARD_COLUMNS}, v.stance, v.reason, v.at FROM project_voices v JOIN items i ON i.id = v.item_id \
             LEFT JOIN communities c ON c.id = i.community_id WHERE v.voter = $1 ORDER BY v.at DESC, v.id DESC"
        );
        sqlx::query(&sql)
            .bind(crate::mail::normalise_address(voter))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((board_project(r)?, voice_from_row(r)?)))
            .collect()
    }
}
