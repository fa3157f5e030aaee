//! Work-order steps towns are judged by (12345 hotline rules, 好差评): signing for a routed item
//! (签收), returning one outside the town's remit (退单), and asking for an extension (延期申请). The
//! lifecycle ([`crate::lifecycle::transition`]) decides each step; this module says what of an item's
//! work order applies at a moment — which the lifecycle cannot know by itself, as it has no clock.

use crate::calendar::{DeadlineRules, WorkCalendar};
use crate::facts::Facts;
use crate::{Kind, Status};
use serde::{Deserialize, Serialize};

code_enum!(
    /// The deadline an extension moves.
    Deadline {
        /// The first answer (反馈): `items.feedback_due_at`.
        Feedback = "feedback",
        /// The answer to a reopening (重办).
        Redo = "redo",
        /// The completion of an approved micro-project.
        Completion = "completion",
    }
);

/// What an extension request may ask for now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionWindow {
    pub deadline: Deadline,
    /// The deadline as it stands.
    pub due_at: i64,
    /// The latest new deadline allowed ([`DeadlineRules::extension_latest`]).
    pub latest: i64,
}

/// The work-order side of an item at one moment, for [`crate::lifecycle::transition`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderState {
    /// The town has signed for the item since it was last routed.
    pub signed: bool,
    /// The town returned it; the city dispatcher has not decided yet.
    pub return_pending: bool,
    /// The return window of the current routing is still open.
    pub return_open: bool,
    /// The new deadline of an extension request waiting for the city's decision.
    pub extension_pending: Option<i64>,
    /// An extension may be requested now (the deadline has not passed and requests are left).
    pub extension: Option<ExtensionWindow>,
    /// A 督办 waits for the town's answer.
    pub supervision_pending: bool,
    /// A 差评 waits for its rectification (整改).
    pub rectify_pending: bool,
    /// The rectification is recorded and the resident has not rated the fix.
    pub fix_rating_open: bool,
    /// The 差评 may be appealed (申诉): bad, not appealed yet.
    pub appeal_open: bool,
    /// An appeal waits for the city's decision.
    pub appeal_pending: bool,
}

/// The deadline an extension of an item in `status` would move, if any: the answer to a reopening
/// while reopened; the first answer until it is given; a project's completion once approved.
/// Nothing before the acceptance reply (24 hours are not extended) or once staff are done.
pub fn extension_target(kind: Kind, status: Status, f: &Facts) -> Option<Deadline> {
    if !status.open_for_staff() || matches!(status, Status::Submitted | Status::Routed) {
        return None;
    }
    match status {
        Status::Reopened if f.redo_due_at.is_some() => Some(Deadline::Redo),
        Status::Reopened => None,
        _ if f.feedback_at.is_none() => Some(Deadline::Feedback),
        Status::Approved | Status::InProgress if kind == Kind::Project && f.completion_due_at.is_some() => {
            Some(Deadline::Completion)
        }
        _ => None,
    }
}

/// The current value of `deadline` for an item.
pub fn deadline_at(deadline: Deadline, f: &Facts, feedback_due_at: i64) -> Option<i64> {
    match deadline {
        Deadline::Feedback => Some(feedback_due_at),
        Deadline::Redo => f.redo_due_at,
        Deadline::Completion => f.completion_due_at,
    }
}

/// The work order of an item at `now`.
pub fn order_state(
    kind: Kind,
    status: Status,
    f: &Facts,
    feedback_due_at: i64,
    now: i64,
    (rules, cal): (&DeadlineRules, &WorkCalendar),
) -> OrderState {
    let extension = extension_target(kind, status, f)
        .filter(|_| f.extension_until.is_none() && f.extension_count < i64::from(rules.max_extensions))
        .and_then(|deadline| deadline_at(deadline, f, feedback_due_at).map(|due| (deadline, due)))
        .filter(|(_, due)| now <= *due)
        .map(|(deadline, due_at)| ExtensionWindow {
            deadline,
            due_at,
            latest: rules.extension_latest(cal, kind, due_at),
        });
    OrderState {
        signed: f.signed_at.is_some(),
        return_pending: f.return_pending_at.is_some(),
        return_open: f.return_due_at.is_some_and(|d| now <= d),
        extension_pending: f.extension_until,
        extension,
        supervision_pending: supervision_pending(f),
        rectify_pending: rectify_pending(f),
        fix_rating_open: fix_rating_open(f),
        appeal_open: f.rating.is_some_and(crate::Rating::is_bad) && f.appealed_at.is_none(),
        appeal_pending: appeal_pending(f),
    }
}

/// A 督办 was issued and the town has not answered it.
pub fn supervision_pending(f: &Facts) -> bool {
    f.supervised_at.is_some() && f.supervision_answered_at.is_none()
}

/// A 差评's rectification (整改) is open.
pub fn rectify_pending(f: &Facts) -> bool {
    f.rectify_due_at.is_some() && f.rectified_at.is_none()
}

/// The town recorded its rectification; the resident has not rated the fix yet.
pub fn fix_rating_open(f: &Facts) -> bool {
    f.rectified_at.is_some() && f.fix_rating.is_none()
}

/// The town appealed (申诉) and the city has not decided.
pub fn appeal_pending(f: &Facts) -> bool {
    f.appealed_at.is_some() && f.appeal_upheld.is_none()
}

/// A town has returned this item more than once: the dispatcher's queue flags it.
pub fn returned_repeatedly(f: &Facts) -> bool {
    f.return_count >= 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Date;

    #[test]
    fn the_extension_moves_the_deadline_that_applies_next() {
        let f = Facts::default();
        assert_eq!(extension_target(Kind::Wish, Status::Routed, &f), None, "the 24-hour reply is not extended");
        assert_eq!(extension_target(Kind::Wish, Status::Accepted, &f), Some(Deadline::Feedback));
        let answered = Facts { feedback_at: Some(5), completion_due_at: Some(9), ..Facts::default() };
        assert_eq!(extension_target(Kind::Project, Status::InProgress, &answered), Some(Deadline::Completion));
        assert_eq!(extension_target(Kind::Wish, Status::Fulfilled, &answered), None);
        let redo = Facts { redo_due_at: Some(7), ..answered.clone() };
        assert_eq!(extension_target(Kind::Wish, Status::Reopened, &redo), Some(Deadline::Redo));
        assert_eq!(extension_target(Kind::Wish, Status::Closed, &redo), None);
    }

    #[test]
    fn an_extension_is_asked_before_the_deadline_and_at_most_twice() {
        let (rules, cal) = (DeadlineRules::default(), WorkCalendar::default());
        let due = Date::new(2026, 12, 4).unwrap().end_ts(); // a Friday
        let f = Facts::default();
        let open = order_state(Kind::Wish, Status::Accepted, &f, due, due - 60, (&rules, &cal));
        let w = open.extension.expect("open before the deadline");
        assert_eq!((w.deadline, w.due_at), (Deadline::Feedback, due));
        assert_eq!(w.latest, Date::new(2026, 12, 18).unwrap().end_ts(), "ten working days later");
        assert_eq!(order_state(Kind::Wish, Status::Accepted, &f, due, due + 1, (&rules, &cal)).extension, None);
        let pending = Facts { extension_until: Some(due + 86_400), extension_count: 1, ..Facts::default() };
        let s = order_state(Kind::Wish, Status::Accepted, &pending, due, due - 60, (&rules, &cal));
        assert_eq!((s.extension, s.extension_pending), (None, Some(due + 86_400)));
        let used = Facts { extension_count: 2, ..Facts::default() };
        assert_eq!(order_state(Kind::Wish, Status::Accepted, &used, due, due - 60, (&rules, &cal)).extension, None);
    }

    #[test]
    fn returns_stay_open_for_the_window_and_repeats_are_flagged() {
        let (rules, cal) = (DeadlineRules::default(), WorkCalendar::default());
        let f = Facts { return_due_at: Some(100), return_count: 1, ..Facts::default() };
        assert!(order_state(Kind::Wish, Status::Routed, &f, 0, 100, (&rules, &cal)).return_open);
        assert!(!order_state(Kind::Wish, Status::Routed, &f, 0, 101, (&rules, &cal)).return_open);
        assert!(!returned_repeatedly(&f));
        assert!(returned_repeatedly(&Facts { return_count: 2, ..f }));
    }
}
