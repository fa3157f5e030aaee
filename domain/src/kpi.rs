//! The programme's measures, defined once. The storage layer computes the same numbers in SQL; tests
//! hold both to these definitions.

use crate::{Date, Facts, Kind, Rating, Status};
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

/// A period of submission dates (Dongguan), both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

impl Period {
    /// From 1 January of `today`'s year to `today`.
    pub fn year_to_date(today: Date) -> Period {
        Period { from: Date { year: today.year, month: 1, day: 1 }, to: today }
    }

    /// The twelve months up to `today`: from the day after the same date a year before (29 February
    /// falls back to the 28th). Unlike the year to date, it is a full year on every day, so the two
    /// presets differ even in December.
    pub fn last_12_months(today: Date) -> Period {
        let day = today.day.min(if today.month == 2 { 28 } else { 31 });
        let year_before = Date::new(today.year - 1, today.month, day).unwrap_or(today);
        Period { from: year_before.add_days(1), to: today }
    }

    /// Reads `from` and `to` as typed (`YYYY-MM-DD`; empty means the default of the year to date).
    /// A bad value gets a field error and its default, so the page still shows something sensible.
    pub fn parse(from: &str, to: &str, today: Date) -> (Period, Vec<crate::FieldError>) {
        let default = Period::year_to_date(today);
        let mut errors = Vec::new();
        let mut read = |field: &'static str, raw: &str, fallback: Date| -> Date {
            if raw.trim().is_empty() {
                return fallback;
            }
            match Date::parse(raw).filter(|d| (2000..=2999).contains(&d.year)) {
                Some(d) => d,
                None => {
                    errors.push(crate::FieldError::new(field, "date_invalid"));
                    fallback
                }
            }
        };
        let from_d = read("from", from, default.from);
        let to_d = read("to", to, default.to);
        if from_d > to_d {
            if errors.is_empty() {
                errors.push(crate::FieldError::new("to", "period_order"));
            }
            return (default, errors);
        }
        (Period { from: from_d, to: to_d }, errors)
    }
}

/// What the measures need to know of one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiItem {
    pub kind: Kind,
    /// Beneficiary code of a wish, category code of a project.
    pub category: String,
    /// `None` while the item waits in the city queue.
    pub town_slug: Option<String>,
    pub status: Status,
    pub submitted_at: i64,
    pub acceptance_due_at: i64,
    pub first_response_at: Option<i64>,
    pub feedback_due_at: i64,
    pub feedback_at: Option<i64>,
    pub rating: Option<Rating>,
    pub aware: Option<bool>,
    /// First time a donor claimed the wish.
    pub claimed_at: Option<i64>,
    /// When staff recorded the wish as fulfilled.
    pub fulfilled_at: Option<i64>,
    /// The city upheld the town's appeal (申诉) against this item's 差评: the rating is left out.
    #[serde(default)]
    pub appeal_upheld: bool,
    /// What the work-order measures need (签收, 退单, 延期, 回访, 整改, 解决).
    #[serde(default)]
    pub order: OrderFacts,
}

/// What the work-order measures need of one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OrderFacts {
    /// The sign-for deadline of the item's routing (none for items routed before it existed).
    pub sign_due_at: Option<i64>,
    pub signed_at: Option<i64>,
    /// A town returned it (退单) at least once.
    pub returned: bool,
    /// The town asked for an extension (延期申请) at least once.
    pub extended: bool,
    /// The town called the resident back (回访).
    pub called_back: bool,
    /// A 差评's rectification (整改): due by, and done at.
    pub rectify_due_at: Option<i64>,
    pub rectified_at: Option<i64>,
    /// The answer solved it: a wish fulfilled, a project adopted with a budget.
    pub resolved: bool,
}

/// An answer that solved the request: a wish fulfilled, a micro-project adopted with a budget.
pub fn resolved(kind: Kind, fulfilled_at: Option<i64>, budget_yuan: Option<i64>) -> bool {
    match kind {
        Kind::Wish => fulfilled_at.is_some(),
        Kind::Project => budget_yuan.is_some(),
    }
}

impl KpiItem {
    /// An item's measure inputs from its stored fields and lifecycle facts.
    pub fn new(
        kind: Kind,
        category: &str,
        status: Status,
        submitted_at: i64,
        feedback_due_at: i64,
        f: &Facts,
    ) -> KpiItem {
        KpiItem {
            kind,
            category: category.to_string(),
            town_slug: f.town_slug.clone(),
            status,
            submitted_at,
            acceptance_due_at: f.acceptance_due_at,
            first_response_at: f.first_response_at,
            feedback_due_at,
            feedback_at: f.feedback_at,
            rating: f.rating,
            aware: f.aware,
            claimed_at: f.claimed_at,
            fulfilled_at: f.fulfilled_at,
            appeal_upheld: f.appeal_upheld == Some(true),
            order: OrderFacts {
                sign_due_at: f.sign_due_at,
                signed_at: f.signed_at,
                returned: f.return_count > 0,
                extended: f.extension_count > 0,
                called_back: f.callback_at.is_some(),
                rectify_due_at: f.rectify_due_at,
                rectified_at: f.rectified_at,
                resolved: resolved(kind, f.fulfilled_at, f.budget_yuan),
            },
        }
    }

    /// Whole hours from submission to the first reply (acceptance or decline), rounded down.
    pub fn response_hours(&self) -> Option<i64> {
        self.first_response_at.map(|t| (t - self.submitted_at).max(0) / 3600)
    }
    /// Whole days from submission to the first feedback, rounded down.
    pub fn feedback_days(&self) -> Option<i64> {
        self.feedback_at.map(|t| (t - self.submitted_at).max(0) / 86_400)
    }
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
    /// 满意度: (非常满意 + 满意 + 基本满意) ÷ all ratings.
    pub satisfaction: Ratio,
    /// The five-level distribution behind satisfaction (好差评), in [`Rating::ALL`] order.
    pub ratings: [i64; 5],
    /// 差评 left out of satisfaction because the city upheld the town's appeal (申诉).
    pub appeals_upheld: i64,
    /// 知晓率: "yes" ÷ all answers to the awareness question (rating form and home page).
    pub awareness: Ratio,
    /// Items past their feedback deadline without feedback.
    pub overdue: i64,
    /// Median whole hours from submission to the first reply, over the items replied to (the lower
    /// median when the count is even).
    pub median_response_hours: Option<i64>,
    /// Median whole days from submission to the first feedback, over the items with feedback.
    pub median_feedback_days: Option<i64>,
    /// Micro-wishes counted, and of them those ever claimed by a donor and those fulfilled.
    pub wishes: i64,
    pub wishes_claimed: i64,
    pub wishes_fulfilled: i64,
    /// The work-order measures towns are judged by.
    #[serde(default)]
    pub work: WorkOrderMeasures,
}

/// The work-order measures (12345 rules and 好差评), each a share of the items it concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WorkOrderMeasures {
    /// 按时签收率: of the items whose sign-for is due (signed, or its deadline passed), those signed
    /// for by the deadline.
    pub sign_on_time: Ratio,
    /// 退单率: of the items routed to a town, those a town returned.
    pub returns: Ratio,
    /// 延期率: of all items, those whose town asked for an extension.
    pub extensions: Ratio,
    /// 回访率: of the answered items (feedback given), those the town called back.
    pub callbacks: Ratio,
    /// 差评整改按时率: of the rectifications due (done, or their deadline passed), those done in time.
    pub rectify_on_time: Ratio,
    /// 解决率: of the answered items, those the answer solved (a wish fulfilled, a project adopted) —
    /// distinct from the feedback rate, which a decline with its reason also satisfies.
    pub resolution: Ratio,
}

impl Measures {
    /// Whether a rate is below its programme target (`None`: no target or no denominator).
    pub fn below_target(rate: Option<f64>, target: f64) -> Option<bool> {
        rate.map(|r| r + 1e-12 < target)
    }
}

/// The lower median of a list of values.
pub fn lower_median(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    Some(values[(values.len() - 1) / 2])
}

/// Computes [`Measures`] straight from their definitions. `extra_awareness` adds answers given outside
/// the rating form (home page). This is the reference the faster paths ([`Tally`]) are tested against.
pub fn measures(items: &[KpiItem], now: i64, extra_awareness: Ratio) -> Measures {
    let mut m = Measures { awareness: extra_awareness, ..Default::default() };
    let (mut response_hours, mut feedback_days) = (Vec::new(), Vec::new());
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
        if it.appeal_upheld && it.rating.is_some() {
            m.appeals_upheld += 1;
        } else if let Some(r) = it.rating {
            m.satisfaction.den += 1;
            m.ratings[r.index()] += 1;
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
        if it.kind == Kind::Wish {
            m.wishes += 1;
            m.wishes_claimed += i64::from(it.claimed_at.is_some());
            m.wishes_fulfilled += i64::from(it.fulfilled_at.is_some());
        }
        let o = &it.order;
        let w = &mut m.work;
        if let Some(due) = o.sign_due_at {
            if o.signed_at.is_some() || due <= now {
                w.sign_on_time.den += 1;
                w.sign_on_time.num += i64::from(o.signed_at.is_some_and(|t| t <= due));
            }
        }
        if it.town_slug.is_some() {
            w.returns.den += 1;
            w.returns.num += i64::from(o.returned);
        }
        w.extensions.den += 1;
        w.extensions.num += i64::from(o.extended);
        if given {
            w.callbacks.den += 1;
            w.callbacks.num += i64::from(o.called_back);
            w.resolution.den += 1;
            w.resolution.num += i64::from(o.resolved);
        }
        if let Some(due) = o.rectify_due_at {
            if o.rectified_at.is_some() || due <= now {
                w.rectify_on_time.den += 1;
                w.rectify_on_time.num += i64::from(o.rectified_at.is_some_and(|t| t <= due));
            }
        }
        response_hours.extend(it.response_hours());
        feedback_days.extend(it.feedback_days());
    }
    m.median_response_hours = lower_median(response_hours);
    m.median_feedback_days = lower_median(feedback_days);
    m
}

/// A count per whole value (hours or days), kept in rollups so that medians over any union of
/// rollup rows are exact. A sorted list of `(value, count)` without zero counts (merging two is one
/// linear pass, which matters when a dashboard adds up tens of thousands of rollup rows). Stored as
/// text: `value:count,value:count` in ascending order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Histogram(Vec<(i64, i64)>);

impl Histogram {
    pub fn add(&mut self, value: i64, n: i64) {
        self.merge(&Histogram(vec![(value, n)]), 1);
    }

    /// Adds (`sign` = 1) or takes away (`sign` = -1) another histogram.
    pub fn merge(&mut self, other: &Histogram, sign: i64) {
        if other.0.is_empty() {
            return;
        }
        if self.0.is_empty() && sign == 1 {
            self.0.clone_from(&other.0);
            return;
        }
        if other.0.len() * 8 < self.0.len() {
            // A few values into a long list (a dashboard adding thousands of rollup rows into one
            // total): mostly counts that exist already, found by binary search, changed in place.
            for &(v, n) in &other.0 {
                match self.0.binary_search_by_key(&v, |e| e.0) {
                    Ok(i) => {
                        self.0[i].1 += sign * n;
                        if self.0[i].1 == 0 {
                            self.0.remove(i);
                        }
                    }
                    Err(i) => self.0.insert(i, (v, sign * n)),
                }
            }
            return;
        }
        let (a, b) = (&self.0, &other.0);
        let mut out = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            let (v, n) = match (a.get(i), b.get(j)) {
                (Some(x), Some(y)) if x.0 == y.0 => {
                    i += 1;
                    j += 1;
                    (x.0, x.1 + sign * y.1)
                }
                (Some(x), Some(y)) if x.0 < y.0 => {
                    i += 1;
                    *x
                }
                (Some(x), None) => {
                    i += 1;
                    *x
                }
                (_, Some(y)) => {
                    j += 1;
                    (y.0, sign * y.1)
                }
                (None, None) => break,
            };
            if n != 0 {
                out.push((v, n));
            }
        }
        self.0 = out;
    }

    pub fn count(&self) -> i64 {
        self.0.iter().map(|(_, n)| n).sum()
    }

    /// The lower median of the values counted.
    pub fn median(&self) -> Option<i64> {
        let n = self.count();
        if n <= 0 {
            return None;
        }
        let k = (n - 1) / 2;
        let mut seen = 0;
        for (v, c) in &self.0 {
            seen += c;
            if seen > k {
                return Some(*v);
            }
        }
        None
    }

    pub fn encode(&self) -> String {
        let mut s = String::with_capacity(self.0.len() * 6);
        for (i, (v, n)) in self.0.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            s.push_str(&v.to_string());
            s.push(':');
            s.push_str(&n.to_string());
        }
        s
    }

    /// Parses [`Histogram::encode`]'s text; `None` if it is not that (values must ascend).
    pub fn decode(s: &str) -> Option<Histogram> {
        let mut out: Vec<(i64, i64)> = Vec::new();
        for part in s.split(',').filter(|p| !p.is_empty()) {
            let (v, n) = part.split_once(':')?;
            let (v, n): (i64, i64) = (v.parse().ok()?, n.parse().ok()?);
            if out.last().is_some_and(|(last, _)| *last >= v) {
                return None;
            }
            if n != 0 {
                out.push((v, n));
            }
        }
        Some(Histogram(out))
    }
}

/// Where a rollup row belongs: the Dongguan month of submission (`202611`), the town (empty for the
/// city queue), the kind and the category. Answers to the home page's awareness question have an
/// empty town, kind and category.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RollupKey {
    pub month: i32,
    pub town: String,
    pub kind: String,
    pub category: String,
}

/// The Dongguan month of a timestamp as `yyyymm`.
pub fn month_of(ts: i64) -> i32 {
    let d = Date::from_timestamp(ts);
    d.year * 100 + d.month as i32
}

impl RollupKey {
    pub fn of(it: &KpiItem) -> RollupKey {
        RollupKey {
            month: month_of(it.submitted_at),
            town: it.town_slug.clone().unwrap_or_default(),
            kind: it.kind.code().to_string(),
            category: it.category.clone(),
        }
    }
    /// The key of the home page's awareness answers in a month.
    pub fn home_awareness(month: i32) -> RollupKey {
        RollupKey { month, town: String::new(), kind: String::new(), category: String::new() }
    }
}

/// The parts of the measures that do not depend on the time they are looked at, summed over items.
/// Kept per [`RollupKey`] in the same transaction as every change of an item, so a dashboard adds up
/// a few thousand rows instead of millions of items. [`Tally::finish`] with the [`Pending`] counts at
/// `now` gives exactly [`measures`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Tally {
    pub items: i64,
    pub fed: i64,
    pub fed_on_time: i64,
    pub replied: i64,
    pub replied_on_time: i64,
    pub rated: i64,
    pub satisfied: i64,
    /// Ratings per level, in [`Rating::ALL`] order (非常满意 … 非常不满意).
    pub by_rating: [i64; 5],
    /// 差评 left out of satisfaction because the city upheld the town's appeal (申诉).
    pub appeals_upheld: i64,
    pub aware_answers: i64,
    pub aware_yes: i64,
    pub wishes: i64,
    pub wishes_claimed: i64,
    pub wishes_fulfilled: i64,
    /// The work-order counts ([`WorkOrderMeasures`]; their time-dependent parts are in [`Pending`]).
    pub sign_due: i64,
    pub signed_on_time: i64,
    pub routed: i64,
    pub returned: i64,
    pub extended: i64,
    pub called_back: i64,
    pub rectify_due: i64,
    pub rectified_on_time: i64,
    pub resolved: i64,
    pub response_hours: Histogram,
    pub feedback_days: Histogram,
}

impl Tally {
    /// What one item adds (nothing for withdrawn and duplicate items).
    pub fn of(it: &KpiItem) -> Tally {
        let mut t = Tally::default();
        if it.status.excluded_from_measures() {
            return t;
        }
        t.items = 1;
        t.fed = i64::from(it.feedback_at.is_some());
        t.fed_on_time = i64::from(it.feedback_at.is_some_and(|f| f <= it.feedback_due_at));
        t.replied = i64::from(it.first_response_at.is_some());
        t.replied_on_time = i64::from(it.first_response_at.is_some_and(|f| f <= it.acceptance_due_at));
        if it.appeal_upheld && it.rating.is_some() {
            t.appeals_upheld = 1;
        } else {
            t.rated = i64::from(it.rating.is_some());
            t.satisfied = i64::from(it.rating.is_some_and(Rating::counts_as_satisfied));
            if let Some(r) = it.rating {
                t.by_rating[r.index()] = 1;
            }
        }
        t.aware_answers = i64::from(it.aware.is_some());
        t.aware_yes = i64::from(it.aware == Some(true));
        if it.kind == Kind::Wish {
            t.wishes = 1;
            t.wishes_claimed = i64::from(it.claimed_at.is_some());
            t.wishes_fulfilled = i64::from(it.fulfilled_at.is_some());
        }
        let o = &it.order;
        t.sign_due = i64::from(o.sign_due_at.is_some());
        t.signed_on_time = i64::from(o.sign_due_at.is_some_and(|d| o.signed_at.is_some_and(|s| s <= d)));
        t.routed = i64::from(it.town_slug.is_some());
        t.returned = i64::from(it.town_slug.is_some() && o.returned);
        t.extended = i64::from(o.extended);
        t.called_back = i64::from(it.feedback_at.is_some() && o.called_back);
        t.resolved = i64::from(it.feedback_at.is_some() && o.resolved);
        t.rectify_due = i64::from(o.rectify_due_at.is_some());
        t.rectified_on_time = i64::from(o.rectify_due_at.is_some_and(|d| o.rectified_at.is_some_and(|r| r <= d)));
        if let Some(h) = it.response_hours() {
            t.response_hours.add(h, 1);
        }
        if let Some(d) = it.feedback_days() {
            t.feedback_days.add(d, 1);
        }
        t
    }

    /// Adds (`sign` = 1) or takes away (`sign` = -1) another tally.
    pub fn merge(&mut self, o: &Tally, sign: i64) {
        self.items += sign * o.items;
        self.fed += sign * o.fed;
        self.fed_on_time += sign * o.fed_on_time;
        self.replied += sign * o.replied;
        self.replied_on_time += sign * o.replied_on_time;
        self.rated += sign * o.rated;
        self.satisfied += sign * o.satisfied;
        for (a, b) in self.by_rating.iter_mut().zip(o.by_rating) {
            *a += sign * b;
        }
        self.appeals_upheld += sign * o.appeals_upheld;
        self.sign_due += sign * o.sign_due;
        self.signed_on_time += sign * o.signed_on_time;
        self.routed += sign * o.routed;
        self.returned += sign * o.returned;
        self.extended += sign * o.extended;
        self.called_back += sign * o.called_back;
        self.rectify_due += sign * o.rectify_due;
        self.rectified_on_time += sign * o.rectified_on_time;
        self.resolved += sign * o.resolved;
        self.aware_answers += sign * o.aware_answers;
        self.aware_yes += sign * o.aware_yes;
        self.wishes += sign * o.wishes;
        self.wishes_claimed += sign * o.wishes_claimed;
        self.wishes_fulfilled += sign * o.wishes_fulfilled;
        self.response_hours.merge(&o.response_hours, sign);
        self.feedback_days.merge(&o.feedback_days, sign);
    }

    pub fn is_zero(&self) -> bool {
        *self == Tally::default()
    }

    /// The measures, given what is still not due at the time of looking.
    pub fn finish(&self, p: Pending) -> Measures {
        let fb_due = self.items - p.feedback_not_due;
        Measures {
            items: self.items,
            feedback: Ratio { num: self.fed, den: fb_due },
            feedback_on_time: Ratio { num: self.fed_on_time, den: fb_due },
            acceptance_on_time: Ratio { num: self.replied_on_time, den: self.items - p.reply_not_due },
            satisfaction: Ratio { num: self.satisfied, den: self.rated },
            ratings: self.by_rating,
            appeals_upheld: self.appeals_upheld,
            awareness: Ratio { num: self.aware_yes, den: self.aware_answers },
            overdue: fb_due - self.fed,
            median_response_hours: self.response_hours.median(),
            median_feedback_days: self.feedback_days.median(),
            wishes: self.wishes,
            wishes_claimed: self.wishes_claimed,
            wishes_fulfilled: self.wishes_fulfilled,
            work: WorkOrderMeasures {
                sign_on_time: Ratio { num: self.signed_on_time, den: self.sign_due - p.sign_not_due },
                returns: Ratio { num: self.returned, den: self.routed },
                extensions: Ratio { num: self.extended, den: self.items },
                callbacks: Ratio { num: self.called_back, den: self.fed },
                rectify_on_time: Ratio { num: self.rectified_on_time, den: self.rectify_due - p.rectify_not_due },
                resolution: Ratio { num: self.resolved, den: self.fed },
            },
        }
    }
}

/// Counted items still waiting whose deadline has not come yet at the time of looking: they are not
/// due, so they are left out of the feedback and acceptance denominators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Pending {
    pub feedback_not_due: i64,
    pub reply_not_due: i64,
    /// Not signed for, the sign-for deadline still ahead.
    #[serde(default)]
    pub sign_not_due: i64,
    /// A 差评's rectification not done, its deadline still ahead.
    #[serde(default)]
    pub rectify_not_due: i64,
}

impl Pending {
    pub fn of(it: &KpiItem, now: i64) -> Pending {
        if it.status.excluded_from_measures() {
            return Pending::default();
        }
        Pending {
            feedback_not_due: i64::from(it.feedback_at.is_none() && it.feedback_due_at > now),
            reply_not_due: i64::from(it.first_response_at.is_none() && it.acceptance_due_at > now),
            sign_not_due: i64::from(it.order.signed_at.is_none() && it.order.sign_due_at.is_some_and(|d| d > now)),
            rectify_not_due: i64::from(
                it.order.rectified_at.is_none() && it.order.rectify_due_at.is_some_and(|d| d > now),
            ),
        }
    }
    pub fn add(&mut self, o: Pending) {
        self.feedback_not_due += o.feedback_not_due;
        self.reply_not_due += o.reply_not_due;
        self.sign_not_due += o.sign_not_due;
        self.rectify_not_due += o.rectify_not_due;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    const NOW: i64 = 1_000_000;
    const H: i64 = 3600;
    const D: i64 = 86_400;

    #[test]
    fn the_last_twelve_months_are_a_full_year_and_not_the_year_to_date() {
        let d = |s: &str| Date::parse(s).unwrap();
        let p = |from: &str, to: &str| Period { from: d(from), to: d(to) };
        // In December the old preset (from the first of the month 11 months back) was 1 January.
        assert_eq!(Period::last_12_months(d("2026-12-02")), p("2025-12-03", "2026-12-02"));
        assert_ne!(Period::last_12_months(d("2026-12-02")), Period::year_to_date(d("2026-12-02")));
        assert_eq!(Period::last_12_months(d("2026-01-01")), p("2025-01-02", "2026-01-01"));
        assert_eq!(Period::last_12_months(d("2028-02-29")), p("2027-03-01", "2028-02-29"));
        assert_eq!(Period::last_12_months(d("2027-03-31")), p("2026-04-01", "2027-03-31"));
    }

    fn item(status: Status, due: i64, fb: Option<i64>) -> KpiItem {
        KpiItem {
            kind: Kind::Project,
            category: "other".into(),
            town_slug: Some("humen".into()),
            status,
            submitted_at: due - 1_000,
            acceptance_due_at: due - 500,
            first_response_at: None,
            feedback_due_at: due,
            feedback_at: fb,
            rating: None,
            aware: None,
            claimed_at: None,
            fulfilled_at: None,
            appeal_upheld: false,
            order: OrderFacts::default(),
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
    fn five_levels_satisfaction_is_the_top_three_of_all_ratings() {
        // 2 非常满意, 3 满意, 1 基本满意, 1 不满意, 3 非常不满意: 6 of 10 satisfied, 4 差评.
        let levels = [(Rating::VerySatisfied, 2), (Rating::Satisfied, 3), (Rating::BasicallySatisfied, 1)];
        let bad = [(Rating::Unsatisfied, 1), (Rating::VeryUnsatisfied, 3)];
        let mut items = Vec::new();
        for (r, n) in levels.into_iter().chain(bad) {
            for _ in 0..n {
                let mut it = item(Status::Closed, NOW - 10, Some(NOW - 20));
                it.rating = Some(r);
                items.push(it);
            }
        }
        let m = measures(&items, NOW, Ratio::default());
        assert_eq!(m.satisfaction, Ratio { num: 6, den: 10 });
        assert_eq!(m.ratings, [2, 3, 1, 1, 3]);
        assert_eq!(m.satisfaction.percent(), Some(60.0));
        // The rollups count the same levels.
        let mut t = Tally::default();
        for it in &items {
            t.merge(&Tally::of(it), 1);
        }
        assert_eq!(t.finish(Pending::default()).ratings, [2, 3, 1, 1, 3]);
        assert!(
            Rating::VeryUnsatisfied.is_bad() && Rating::Unsatisfied.is_bad() && !Rating::BasicallySatisfied.is_bad()
        );
        // The city upholds the town's appeal against one 非常不满意: 6 of 9, one left out and counted.
        items.last_mut().unwrap().appeal_upheld = true;
        let m = measures(&items, NOW, Ratio::default());
        assert_eq!((m.satisfaction, m.ratings, m.appeals_upheld), (Ratio { num: 6, den: 9 }, [2, 3, 1, 1, 2], 1));
        let mut t = Tally::default();
        for it in &items {
            t.merge(&Tally::of(it), 1);
        }
        assert_eq!(t.finish(Pending::default()), m);
    }

    #[test]
    fn work_order_measures_with_known_numbers() {
        let base = item(Status::Closed, NOW - 10, Some(NOW - 20));
        let with = |o: OrderFacts, fed: bool, town: bool| KpiItem {
            order: o,
            feedback_at: fed.then_some(NOW - 20),
            town_slug: town.then(|| "humen".to_string()),
            ..base.clone()
        };
        let items = vec![
            // Signed for on time, answered, resolved, called back.
            with(
                OrderFacts {
                    sign_due_at: Some(100),
                    signed_at: Some(90),
                    called_back: true,
                    resolved: true,
                    ..Default::default()
                },
                true,
                true,
            ),
            // Signed for late, returned once, answered without solving it (a decline).
            with(
                OrderFacts { sign_due_at: Some(100), signed_at: Some(150), returned: true, ..Default::default() },
                true,
                true,
            ),
            // Not signed, deadline passed: due and late; an extension asked for.
            with(OrderFacts { sign_due_at: Some(NOW - 1), extended: true, ..Default::default() }, false, true),
            // Not signed, deadline ahead: not due yet.
            with(OrderFacts { sign_due_at: Some(NOW + 1), ..Default::default() }, false, true),
            // In the city queue (no town): no sign-for, not in the return rate. A 差评 rectified in time.
            with(OrderFacts { rectify_due_at: Some(500), rectified_at: Some(400), ..Default::default() }, true, false),
            // A rectification late, one overdue, one not yet due.
            with(OrderFacts { rectify_due_at: Some(500), rectified_at: Some(600), ..Default::default() }, true, true),
            with(OrderFacts { rectify_due_at: Some(NOW - 1), ..Default::default() }, true, true),
            with(OrderFacts { rectify_due_at: Some(NOW + 1), ..Default::default() }, true, true),
        ];
        let w = measures(&items, NOW, Ratio::default()).work;
        assert_eq!(w.sign_on_time, Ratio { num: 1, den: 3 }, "on time / (signed + past due)");
        assert_eq!(w.returns, Ratio { num: 1, den: 7 }, "of the items routed to a town");
        assert_eq!(w.extensions, Ratio { num: 1, den: 8 });
        assert_eq!(w.callbacks, Ratio { num: 1, den: 6 }, "of the answered items");
        assert_eq!(w.resolution, Ratio { num: 1, den: 6 });
        assert_eq!(w.rectify_on_time, Ratio { num: 1, den: 3 }, "the one not yet due is left out");
        // The rollups and the time-dependent part give the same.
        let mut t = Tally::default();
        let mut p = Pending::default();
        for it in &items {
            t.merge(&Tally::of(it), 1);
            p.add(Pending::of(it, NOW));
        }
        assert_eq!(t.finish(p).work, w);
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
        assert_eq!(empty.median_feedback_days, None);
        assert_eq!(Tally::default().finish(Pending::default()), empty);
    }

    /// A town's month worked out by hand: ten items, every edge the definitions name.
    pub(crate) fn hand_dataset() -> Vec<KpiItem> {
        let s = NOW - 40 * D; // every item submitted at s
        let base = KpiItem {
            kind: Kind::Wish,
            category: "elderly_alone".into(),
            town_slug: Some("humen".into()),
            status: Status::Closed,
            submitted_at: s,
            acceptance_due_at: s + 24 * H,
            first_response_at: None,
            feedback_due_at: s + 30 * D,
            feedback_at: None,
            rating: None,
            aware: None,
            claimed_at: None,
            fulfilled_at: None,
            appeal_upheld: false,
            order: OrderFacts::default(),
        };
        let with = |f: &dyn Fn(&mut KpiItem)| {
            let mut it = base.clone();
            f(&mut it);
            it
        };
        vec![
            // 1 fulfilled wish, replied in 2 h, feedback on day 10, 满意, aware.
            with(&|i| {
                i.first_response_at = Some(s + 2 * H);
                i.claimed_at = Some(s + 3 * D);
                i.fulfilled_at = Some(s + 9 * D);
                i.feedback_at = Some(s + 10 * D);
                i.rating = Some(Rating::Satisfied);
                i.aware = Some(true);
            }),
            // 2 declined wish: the decline is both reply (5 h) and feedback (day 0); 不满意, not aware.
            with(&|i| {
                i.status = Status::Closed;
                i.first_response_at = Some(s + 5 * H);
                i.feedback_at = Some(s + 5 * H);
                i.rating = Some(Rating::Unsatisfied);
                i.aware = Some(false);
            }),
            // 3 feedback after the deadline (day 35), reply late (30 h), 基本满意.
            with(&|i| {
                i.first_response_at = Some(s + 30 * H);
                i.claimed_at = Some(s + 2 * D);
                i.fulfilled_at = Some(s + 34 * D);
                i.feedback_at = Some(s + 35 * D);
                i.rating = Some(Rating::BasicallySatisfied);
            }),
            // 4 reopened after 不满意 and rated again 满意: the latest rating counts, the first
            // feedback (day 20) stays.
            with(&|i| {
                i.first_response_at = Some(s + 20 * H);
                i.fulfilled_at = Some(s + 19 * D);
                i.feedback_at = Some(s + 20 * D);
                i.rating = Some(Rating::Satisfied);
                i.aware = Some(true);
            }),
            // 5 overdue: accepted in 1 h, no feedback, deadline (day 30) passed at NOW (day 40).
            with(&|i| {
                i.status = Status::Published;
                i.first_response_at = Some(s + H);
                i.claimed_at = Some(s + 5 * D);
            }),
            // 6 not yet due: an urgent project submitted at s with its deadline after NOW.
            with(&|i| {
                i.kind = Kind::Project;
                i.category = "roads_lighting".into();
                i.status = Status::Accepted;
                i.first_response_at = Some(s + 10 * H);
                i.feedback_due_at = NOW + D;
            }),
            // 7 never replied, reply deadline passed, feedback not yet due.
            with(&|i| {
                i.kind = Kind::Project;
                i.category = "roads_lighting".into();
                i.status = Status::Routed;
                i.feedback_due_at = NOW + 5 * D;
            }),
            // 8 withdrawn and 9 duplicate: left out of everything, even with a rating.
            with(&|i| {
                i.status = Status::Withdrawn;
                i.rating = Some(Rating::Unsatisfied);
            }),
            with(&|i| i.status = Status::Duplicate),
            // 10 project adopted on day 25 (feedback), replied in 3 h, no rating yet.
            with(&|i| {
                i.kind = Kind::Project;
                i.category = "roads_lighting".into();
                i.status = Status::InProgress;
                i.first_response_at = Some(s + 3 * H);
                i.feedback_at = Some(s + 25 * D);
            }),
        ]
    }

    #[test]
    fn hand_computed_month() {
        let items = hand_dataset();
        let m = measures(&items, NOW, Ratio { num: 1, den: 2 });
        assert_eq!(m.items, 8);
        // Due: 1, 2, 3, 4, 5, 10 (6 and 7 not yet due). Given: 1, 2, 3, 4, 10.
        assert_eq!(m.feedback, Ratio { num: 5, den: 6 });
        // On time: 1, 2, 4, 10 (3 was late).
        assert_eq!(m.feedback_on_time, Ratio { num: 4, den: 6 });
        assert_eq!(m.overdue, 1);
        // Reply due: every counted item (all deadlines passed); on time: 1, 2, 4, 5, 6, 10.
        assert_eq!(m.acceptance_on_time, Ratio { num: 6, den: 8 });
        // Ratings 1 满意, 2 不满意, 3 基本满意, 4 满意.
        assert_eq!(m.satisfaction, Ratio { num: 3, den: 4 });
        assert_eq!(m.satisfaction.percent(), Some(75.0));
        // Awareness: 1 yes, 2 no, 4 yes + home page 1 of 2.
        assert_eq!(m.awareness, Ratio { num: 3, den: 5 });
        // Reply hours 2, 5, 30, 20, 1, 10, 3 → sorted 1 2 3 5 10 20 30 → median 5.
        assert_eq!(m.median_response_hours, Some(5));
        // Feedback days 10, 0, 35, 20, 25 → 0 10 20 25 35 → 20.
        assert_eq!(m.median_feedback_days, Some(20));
        assert_eq!((m.wishes, m.wishes_claimed, m.wishes_fulfilled), (5, 3, 3));
        assert_eq!(m.feedback.percent(), Some(83.3));
        assert_eq!(Measures::below_target(m.feedback.rate(), FEEDBACK_TARGET), Some(true));
        assert_eq!(Measures::below_target(Some(0.9), SATISFACTION_TARGET), Some(false));
        // An empty town: no items, no rates, nothing overdue.
        let none = measures(&[], NOW, Ratio::default());
        assert_eq!((none.items, none.overdue, none.feedback.percent()), (0, 0, None));
    }

    #[test]
    fn periods_default_to_the_year_so_far_and_name_bad_fields() {
        let today = Date::parse("2026-11-22").unwrap();
        let (p, e) = Period::parse("", "", today);
        assert_eq!((p.from.to_string(), p.to.to_string(), e.len()), ("2026-01-01".into(), "2026-11-22".into(), 0));
        let (p, e) = Period::parse("2025-02-30", "2026-03-31", today);
        assert_eq!((p.from.to_string(), p.to.to_string()), ("2026-01-01".into(), "2026-03-31".into()));
        assert_eq!((e.len(), e[0].field.as_str(), e[0].code.as_str()), (1, "from", "date_invalid"));
        let (p, e) = Period::parse("2025-02-30", "2025-12-31", today);
        assert_eq!((p, e.len()), (Period::year_to_date(today), 1));
        let (p, e) = Period::parse("2026-05-01", "2026-04-30", today);
        assert_eq!((p, e[0].field.as_str(), e[0].code.as_str()), (Period::year_to_date(today), "to", "period_order"));
    }

    #[test]
    fn lower_median_and_histograms() {
        assert_eq!(lower_median(vec![4, 1, 3, 2]), Some(2));
        assert_eq!(lower_median(vec![7]), Some(7));
        let mut h = Histogram::default();
        for v in [4, 1, 3, 2, 2] {
            h.add(v, 1);
        }
        assert_eq!(h.median(), Some(2));
        assert_eq!(h.encode(), "1:1,2:2,3:1,4:1");
        assert_eq!(Histogram::decode(&h.encode()), Some(h.clone()));
        assert_eq!(Histogram::decode("1:x"), None);
        assert_eq!(Histogram::decode("3:1,2:1"), None, "values must ascend");
        let mut other = Histogram::default();
        other.add(9, 2);
        other.add(1, 1);
        let mut sum = h.clone();
        sum.merge(&other, 1);
        assert_eq!(sum.encode(), "1:2,2:2,3:1,4:1,9:2");
        sum.merge(&other, -1);
        assert_eq!(sum, h);
        h.add(2, -2);
        assert_eq!(h.encode(), "1:1,3:1,4:1");
        assert_eq!(h.median(), Some(3));
    }

    /// Tallies per rollup key, merged, with items changed afterwards by subtracting the old tally and
    /// adding the new one (as storage does in each transaction), give exactly the direct definition.
    #[test]
    fn tallies_add_up_to_the_definition_on_pseudo_random_items() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |n: i64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as i64
        };
        for round in 0..50 {
            let now = NOW + next(20) * D;
            let mut items: Vec<KpiItem> = (0..200)
                .map(|_| {
                    let s = NOW - next(60) * D;
                    let status =
                        *[Status::Closed, Status::Accepted, Status::Withdrawn, Status::Duplicate, Status::Routed]
                            .get(next(5) as usize)
                            .unwrap();
                    let t = |p: i64, span: i64, n: &mut dyn FnMut(i64) -> i64| (n(100) < p).then(|| s + n(span));
                    KpiItem {
                        kind: if next(2) == 0 { Kind::Wish } else { Kind::Project },
                        category: ["a", "b", "c"][next(3) as usize].into(),
                        town_slug: [Some("humen".to_string()), Some("guancheng".into()), None][next(3) as usize]
                            .clone(),
                        status,
                        submitted_at: s,
                        acceptance_due_at: s + 24 * H,
                        first_response_at: t(80, 3 * D, &mut next),
                        feedback_due_at: s + next(40) * D,
                        feedback_at: t(60, 50 * D, &mut next),
                        rating: [
                            None,
                            Some(Rating::VerySatisfied),
                            Some(Rating::Satisfied),
                            Some(Rating::BasicallySatisfied),
                            Some(Rating::Unsatisfied),
                            Some(Rating::VeryUnsatisfied),
                        ][next(6) as usize],
                        aware: [None, Some(true), Some(false)][next(3) as usize],
                        claimed_at: t(30, 9 * D, &mut next),
                        fulfilled_at: t(30, 20 * D, &mut next),
                        appeal_upheld: next(5) == 0,
                        // Deadlines around NOW, so some are due at the time of looking and some not.
                        order: OrderFacts {
                            sign_due_at: (next(4) > 0).then(|| NOW - 10 * D + next(20) * D),
                            signed_at: t(60, 50 * D, &mut next),
                            returned: next(6) == 0,
                            extended: next(5) == 0,
                            called_back: next(2) == 0,
                            rectify_due_at: (next(3) == 0).then(|| NOW - 5 * D + next(10) * D),
                            rectified_at: t(50, 65 * D, &mut next),
                            resolved: next(3) > 0,
                        },
                    }
                })
                .collect();
            let mut rollups: BTreeMap<RollupKey, Tally> = BTreeMap::new();
            for it in &items {
                rollups.entry(RollupKey::of(it)).or_default().merge(&Tally::of(it), 1);
            }
            // Change some items: re-route, rate again, withdraw.
            for i in 0..20 {
                let idx = ((i * 7 + round) % items.len() as i64) as usize;
                let before = items[idx].clone();
                let after = &mut items[idx];
                match i % 3 {
                    0 => after.town_slug = Some("dalang".into()),
                    1 => after.rating = Some(if i % 2 == 0 { Rating::Unsatisfied } else { Rating::VeryUnsatisfied }),
                    _ => after.status = Status::Withdrawn,
                }
                rollups.entry(RollupKey::of(&before)).or_default().merge(&Tally::of(&before), -1);
                rollups.entry(RollupKey::of(after)).or_default().merge(&Tally::of(after), 1);
            }
            let mut total = Tally::default();
            let mut pending = Pending::default();
            for t in rollups.values() {
                total.merge(t, 1);
            }
            for it in &items {
                pending.add(Pending::of(it, now));
            }
            assert_eq!(total.finish(pending), measures(&items, now, Ratio::default()), "round {round}");
        }
    }
}
