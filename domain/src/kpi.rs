//! The programme's measures, defined once. The storage layer computes the same numbers in SQL; tests
//! hold both to these definitions.

use crate::{Rating, Status};
use serde::{Deserialize, Serialize};

/// Programme targets.
pub const FEEDBACK_TARGET: f64 = 1.0;
pub const SATISFACTION_TARGET: f64 = 0.9;
pub const AWARENESS_TARGET: f64 = 0.9;

/// A share: `num` of `den`. No denominator, no rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Ratio {
    pub num: i64,
    pub den: i64,
}

impl Ratio {
    pub fn rate(self) -> Option<f64> {
        (self.den > 0).then(|| self.num as f64 / self.den as f64)
    }
    /// Rounded percentage with one decimal, e.g. `97.3`.
    pub fn percent(self) -> Option<f64> {
        self.rate().map(|r| (r * 1000.0).round() / 10.0)
    }
}

/// What the measures need to know of one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiItem {
    pub status: Status,
    pub acceptance_due_at: i64,
    pub first_response_at: Option<i64>,
    pub feedback_due_at: i64,
    pub feedback_at: Option<i64>,
    pub rating: Option<Rating>,
    pub aware: Option<bool>,
}

/// The headline measures over a set of items, at time `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Measures {
    /// Items counted (withdrawn and duplicates left out).
    pub items: i64,
    /// 反馈率: of the items that are due (feedback given, or the feedback deadline has passed), the
    /// share that got feedback.
    pub feedback: Ratio,
    /// Of the same due items, the share whose feedback came by the deadline.
    pub feedback_on_time: Ratio,
    /// Of the items whose acceptance reply is due (given, or its deadline passed), the share replied
    /// to by the deadline.
    pub acceptance_on_time: Ratio,
    /// 满意度: (满意 + 基本满意) ÷ all ratings.
    pub satisfaction: Ratio,
    /// 知晓率: "yes" ÷ all answers to the awareness question (rating form and home page).
    pub awareness: Ratio,
    /// Items past their feedback deadline without feedback.
    pub overdue: i64,
}

/// Computes [`Measures`]. `extra_awareness` adds answers given outside the rating form (home page).
pub fn measures(items: &[KpiItem], now: i64, extra_awareness: Ratio) -> Measures {
    let mut m = Measures { awareness: extra_awareness, ..Default::default() };
    for it in items.iter().filter(|i| !i.status.excluded_from_measures()) {
        m.items += 1;
        let given = it.feedback_at.is_some();
        if given || it.feedback_due_at <= now {
            m.feedback.den += 1;
            m.feedback_on_time.den += 1;
            if given {
                m.feedback.num += 1;
            } else {
                m.overdue += 1;
            }
            if it.feedback_at.is_some_and(|t| t <= it.feedback_due_at) {
                m.feedback_on_time.num += 1;
            }
        }
        if it.first_response_at.is_some() || it.acceptance_due_at <= now {
            m.acceptance_on_time.den += 1;
            if it.first_response_at.is_some_and(|t| t <= it.acceptance_due_at) {
                m.acceptance_on_time.num += 1;
            }
        }
        if let Some(r) = it.rating {
            m.satisfaction.den += 1;
            if r.counts_as_satisfied() {
                m.satisfaction.num += 1;
            }
        }
        if let Some(a) = it.aware {
            m.awareness.den += 1;
            if a {
                m.awareness.num += 1;
            }
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_000_000;

    fn item(status: Status, due: i64, fb: Option<i64>) -> KpiItem {
        KpiItem {
            status,
            acceptance_due_at: due - 500,
            first_response_at: None,
            feedback_due_at: due,
            feedback_at: fb,
            rating: None,
            aware: None,
        }
    }

    #[test]
    fn feedback_rate_counts_only_due_items_and_skips_withdrawn_and_duplicates() {
        let items = vec![
            item(Status::Closed, NOW - 10, Some(NOW - 20)),       // due, on time
            item(Status::FeedbackGiven, NOW - 10, Some(NOW - 5)), // due, late
            item(Status::Accepted, NOW - 1, None),                // overdue
            item(Status::Accepted, NOW + 100, None),              // not yet due
            item(Status::Declined, NOW + 100, Some(NOW - 50)),    // feedback before its deadline: due
            item(Status::Withdrawn, NOW - 100, None),             // left out
            item(Status::Duplicate, NOW - 100, None),             // left out
        ];
        let m = measures(&items, NOW, Ratio::default());
        assert_eq!(m.items, 5);
        assert_eq!(m.feedback, Ratio { num: 3, den: 4 });
        assert_eq!(m.feedback_on_time, Ratio { num: 2, den: 4 });
        assert_eq!(m.overdue, 1);
        assert_eq!(m.feedback.percent(), Some(75.0));
    }

    #[test]
    fn satisfaction_and_awareness() {
        let mut items: Vec<KpiItem> = Vec::new();
        for (r, a) in [
            (Rating::Satisfied, Some(true)),
            (Rating::Satisfied, Some(false)),
            (Rating::BasicallySatisfied, None),
            (Rating::Unsatisfied, Some(true)),
        ] {
            let mut it = item(Status::Closed, NOW - 10, Some(NOW - 20));
            it.rating = Some(r);
            it.aware = a;
            items.push(it);
        }
        let m = measures(&items, NOW, Ratio { num: 5, den: 6 });
        assert_eq!(m.satisfaction, Ratio { num: 3, den: 4 });
        assert_eq!(m.awareness, Ratio { num: 7, den: 9 });
        assert_eq!(m.satisfaction.percent(), Some(75.0));
    }

    #[test]
    fn acceptance_on_time_and_empty_sets() {
        let mut a = item(Status::Accepted, NOW + 10_000, None);
        a.acceptance_due_at = NOW - 10;
        a.first_response_at = Some(NOW - 20);
        let mut b = a.clone();
        b.first_response_at = Some(NOW - 5);
        let mut c = a.clone();
        c.first_response_at = None;
        let mut d = a.clone();
        d.acceptance_due_at = NOW + 10;
        d.first_response_at = None;
        let m = measures(&[a, b, c, d], NOW, Ratio::default());
        assert_eq!(m.acceptance_on_time, Ratio { num: 1, den: 3 });
        let empty = measures(&[], NOW, Ratio::default());
        assert_eq!(empty.feedback.rate(), None);
        assert_eq!(empty.satisfaction.percent(), None);
    }
}
