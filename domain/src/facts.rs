//! The facts kept on an item besides its status (deadlines, answers, rating, work order), in a file
//! of their own so that the lifecycle and the work-order rules can both read them.

use crate::Rating;
use serde::{Deserialize, Serialize};

/// The facts kept on an item besides its status, derived from its actions. [`crate::lifecycle::apply`] is the one
/// place that updates them; the store and the demo seeder both use it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    pub town_slug: Option<String>,
    pub community_id: Option<i64>,
    pub routed_at: Option<i64>,
    pub acceptance_due_at: i64,
    pub first_response_at: Option<i64>,
    pub feedback_at: Option<i64>,
    pub completion_due_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub rating: Option<Rating>,
    pub rating_comment: Option<String>,
    pub rated_at: Option<i64>,
    pub aware: Option<bool>,
    pub reopen_count: i64,
    pub budget_yuan: Option<i64>,
    pub progress_percent: i64,
    /// A project's adoption (立项, its first `approve`): the year its budget counts in.
    pub adopted_at: Option<i64>,
    /// A project's inspection (验收, its first `complete`): from then its budget counts as spent.
    pub inspected_at: Option<i64>,
    /// First time a donor claimed the wish.
    pub claimed_at: Option<i64>,
    /// When staff recorded the wish as fulfilled.
    pub fulfilled_at: Option<i64>,
    /// When the answer to the reopening (重办) is due; set by the reopening.
    pub redo_due_at: Option<i64>,
    /// When staff answered the reopening.
    pub redo_feedback_at: Option<i64>,
    /// When the town must sign for the item (签收), set at each routing.
    pub sign_due_at: Option<i64>,
    /// When the town signed for it (or first answered it) since the last routing.
    pub signed_at: Option<i64>,
    /// Until when the town may return it (退单), set at each routing.
    pub return_due_at: Option<i64>,
    /// When the town returned it, while the dispatcher has not decided.
    pub return_pending_at: Option<i64>,
    /// How often towns returned it.
    pub return_count: i64,
    /// The new deadline an extension request asks for, while the city has not decided.
    pub extension_until: Option<i64>,
    /// How many extensions were requested.
    pub extension_count: i64,
    /// The latest 督办 (supervision) by the city: when, the town's answer deadline, its answer.
    pub supervised_at: Option<i64>,
    pub supervision_due_at: Option<i64>,
    pub supervision_answered_at: Option<i64>,
    /// How often the item was supervised.
    pub supervision_count: i64,
    /// The town's 回访 (callback) after its answer: when, and whether the resident was reached.
    pub callback_at: Option<i64>,
    pub callback_reached: Option<bool>,
    /// Where the rating came from: the resident online, or staff recording it on a callback.
    pub rating_source: Option<crate::RatingSource>,
    /// A 差评 opens a 整改 (rectification): its deadline, when the town recorded it, and the
    /// resident's rating of the fix (online or on a callback).
    pub rectify_due_at: Option<i64>,
    pub rectified_at: Option<i64>,
    pub fix_rating: Option<crate::Rating>,
    pub fix_rated_at: Option<i64>,
    /// The town's 申诉 (appeal) against the 差评: when, and the city's decision (`Some(true)`: upheld,
    /// the rating is left out of satisfaction).
    pub appealed_at: Option<i64>,
    pub appeal_upheld: Option<bool>,
}
