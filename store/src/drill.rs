//! The items behind a figure of the dashboard: each set of the measures as a list.

use crate::measures::*;
use crate::{opt_i64, Db, Result, StoreError};
use domain::{Kind, Rating, Status};
use sqlx::Row;

/// The items behind a number on the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasureSet {
    /// Every counted item.
    Items,
    /// Feedback due: given, or its deadline passed.
    FeedbackDue,
    /// Feedback given.
    Fed,
    /// Due without feedback.
    Overdue,
    /// Due, and not given by the deadline (late or still missing).
    FeedbackLate,
    /// Acceptance reply due and not given by the deadline.
    ReplyLate,
    /// Rated.
    Rated,
    /// Rated 不满意.
    Unsatisfied,
    /// Wishes ever claimed.
    WishesClaimed,
    /// Wishes fulfilled.
    WishesFulfilled,
    /// 签收 late: signed after the deadline, or not signed and the deadline passed.
    SignLate,
    /// Returned (退单) by a town.
    Returned,
    /// The town asked for an extension (延期).
    Extended,
    /// Answered, not called back (回访).
    NotCalledBack,
    /// A 差评's rectification (整改) late or overdue.
    RectifyLate,
    /// Answered without solving it (a decline, a project not adopted).
    Unresolved,
}

impl MeasureSet {
    pub const ALL: [MeasureSet; 16] = [
        MeasureSet::Items,
        MeasureSet::FeedbackDue,
        MeasureSet::Fed,
        MeasureSet::Overdue,
        MeasureSet::FeedbackLate,
        MeasureSet::ReplyLate,
        MeasureSet::Rated,
        MeasureSet::Unsatisfied,
        MeasureSet::WishesClaimed,
        MeasureSet::WishesFulfilled,
        MeasureSet::SignLate,
        MeasureSet::Returned,
        MeasureSet::Extended,
        MeasureSet::NotCalledBack,
        MeasureSet::RectifyLate,
        MeasureSet::Unresolved,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MeasureSet::Items => "items",
            MeasureSet::FeedbackDue => "feedback_due",
            MeasureSet::Fed => "fed",
            MeasureSet::Overdue => "overdue",
            MeasureSet::FeedbackLate => "feedback_late",
            MeasureSet::ReplyLate => "reply_late",
            MeasureSet::Rated => "rated",
            MeasureSet::Unsatisfied => "unsatisfied",
            MeasureSet::WishesClaimed => "wishes_claimed",
            MeasureSet::WishesFulfilled => "wishes_fulfilled",
            MeasureSet::SignLate => "sign_late",
            MeasureSet::Returned => "returned",
            MeasureSet::Extended => "extended",
            MeasureSet::NotCalledBack => "not_called_back",
            MeasureSet::RectifyLate => "rectify_late",
            MeasureSet::Unresolved => "unresolved",
        }
    }

    pub fn from_code(code: &str) -> Option<MeasureSet> {
        MeasureSet::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The SQL condition; `$1` is the time of looking. Each matches its count in
    /// [`domain::kpi::Measures`] (a storage test holds them together).
    fn condition(self) -> &'static str {
        match self {
            MeasureSet::Items => "1 = 1",
            MeasureSet::FeedbackDue => "(feedback_at IS NOT NULL OR feedback_due_at <= $1)",
            MeasureSet::Fed => "feedback_at IS NOT NULL",
            MeasureSet::Overdue => "(feedback_at IS NULL AND feedback_due_at <= $1)",
            MeasureSet::FeedbackLate => {
                "((feedback_at IS NULL AND feedback_due_at <= $1) OR feedback_at > feedback_due_at)"
            }
            MeasureSet::ReplyLate => {
                "((first_response_at IS NULL AND acceptance_due_at <= $1) OR first_response_at > acceptance_due_at)"
            }
            // A rating whose appeal (申诉) the city upheld is left out, as satisfaction leaves it out.
            MeasureSet::Rated => "(rating IS NOT NULL AND COALESCE(appeal_upheld, 0) = 0)",
            MeasureSet::Unsatisfied => {
                "(rating IN ('unsatisfied', 'very_unsatisfied') AND COALESCE(appeal_upheld, 0) = 0)"
            }
            MeasureSet::WishesClaimed => "(kind = 'wish' AND claimed_at IS NOT NULL)",
            MeasureSet::WishesFulfilled => "(kind = 'wish' AND fulfilled_at IS NOT NULL)",
            MeasureSet::SignLate => {
                "(sign_due_at IS NOT NULL AND ((signed_at IS NULL AND sign_due_at <= $1) OR signed_at > sign_due_at))"
            }
            MeasureSet::Returned => "(town_slug IS NOT NULL AND return_count > 0)",
            MeasureSet::Extended => "extension_count > 0",
            MeasureSet::NotCalledBack => "(feedback_at IS NOT NULL AND callback_at IS NULL)",
            MeasureSet::RectifyLate => {
                "(rectify_due_at IS NOT NULL AND ((rectified_at IS NULL AND rectify_due_at <= $1) \
                 OR rectified_at > rectify_due_at))"
            }
            MeasureSet::Unresolved => {
                "(feedback_at IS NOT NULL AND NOT (kind = 'wish' AND fulfilled_at IS NOT NULL) \
                 AND NOT (kind = 'project' AND budget_yuan IS NOT NULL))"
            }
        }
    }
}

/// One item of a drill-down list (no contact details).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureItem {
    pub number: String,
    pub kind: Kind,
    pub status: Status,
    pub category: String,
    pub town_slug: Option<String>,
    pub submitted_at: i64,
    pub feedback_due_at: i64,
    pub feedback_at: Option<i64>,
    pub rating: Option<Rating>,
}

impl Db {
    /// How many items `set` holds within a query at `now`, counted afresh (the drill-down's total; the
    /// storage test holds it to the figure it drills into). [`Db::measure_count`] keeps it.
    pub async fn compute_measure_count(&self, q: &MeasureQuery, set: MeasureSet, now: i64) -> Result<i64> {
        let (lo, hi) = q.bounds();
        let (filters, binds) = q.item_filters(4);
        let index = self.period_index(q);
        let sql = format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM items{index} WHERE submitted_at >= $2 AND submitted_at < $3 \
             AND status NOT IN ('withdrawn', 'duplicate') AND {}{filters}",
            set.condition()
        );
        let mut query = sqlx::query(&sql).bind(now).bind(lo).bind(hi);
        for v in &binds {
            query = query.bind(v);
        }
        Ok(query.fetch_one(&self.pool).await?.try_get("n")?)
    }

    /// The items of `set` within a query at `now`, newest first, `limit` from `offset`.
    pub async fn measure_items(
        &self,
        q: &MeasureQuery,
        set: MeasureSet,
        now: i64,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<MeasureItem>> {
        let (lo, hi) = q.bounds();
        let (filters, binds) = q.item_filters(4);
        let index = self.period_index(q);
        let sql = format!(
            "SELECT number, kind, status, category, town_slug, submitted_at, feedback_due_at, feedback_at, rating \
             FROM items{index} WHERE submitted_at >= $2 AND submitted_at < $3 \
             AND status NOT IN ('withdrawn', 'duplicate') AND {}{filters} \
             ORDER BY submitted_at DESC, id DESC LIMIT {} OFFSET {}",
            set.condition(),
            limit.clamp(1, 1000),
            offset.max(0)
        );
        let mut query = sqlx::query(&sql).bind(now).bind(lo).bind(hi);
        for v in &binds {
            query = query.bind(v);
        }
        query
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                let status: String = r.try_get("status")?;
                let rating: Option<String> = r.try_get("rating")?;
                Ok(MeasureItem {
                    number: r.try_get("number")?,
                    kind: Kind::from_code(&kind).ok_or_else(|| StoreError::Corrupt(format!("kind {kind}")))?,
                    status: Status::from_code(&status)
                        .ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?,
                    category: r.try_get("category")?,
                    town_slug: r.try_get("town_slug")?,
                    submitted_at: r.try_get("submitted_at")?,
                    feedback_due_at: r.try_get("feedback_due_at")?,
                    feedback_at: opt_i64(r, "feedback_at")?,
                    rating: rating.as_deref().and_then(Rating::from_code),
                })
            })
            .collect()
    }
}
