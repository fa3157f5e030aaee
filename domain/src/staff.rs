//! Staff: roles and what each may see and do, the inbox tabs and the deadline that applies next, the
//! programme's amount rule for wishes, and the limits on signing in. The server checks every request
//! against these functions; pages use them to decide what to show.

use crate::lifecycle::{Action, Facts};
use crate::Status;
use serde::{Deserialize, Serialize};

code_enum!(
    /// A staff member's role.
    Role {
        /// Staff of one town (镇街): their town's items only.
        TownStaff = "town_staff",
        /// City dispatcher (市民政局): every town, re-routes items between towns.
        Dispatcher = "dispatcher",
        /// Leadership: reads everything, acts on nothing.
        Leader = "leader",
        /// Administrator: users, towns, settings and the calendar; no access to residents' items.
        Admin = "admin",
        /// Staff of one village or community (村/社区): the items handed to it, on a phone — progress,
        /// fulfilment with photos, the beneficiary's receipt, callbacks.
        VillageWorker = "village_worker",
        /// A town's leader (镇街领导): reads and supervises their own town, acts on nothing else.
        TownLeader = "town_leader",
    }
);

/// A signed-in staff member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffUser {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The town of a town staff member, a village worker or a town leader; `None` for city-wide roles.
    pub town_slug: Option<String>,
    /// The village or community of a village worker.
    #[serde(default)]
    pub community_id: Option<i64>,
}

/// This role has no inbox (admins; a town staff account without a town).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoInbox;

/// What a staff member may do with one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Access {
    /// See the item, its internal notes and its audit trail.
    pub read: bool,
    /// Take lifecycle actions on it.
    pub act: bool,
    /// See the resident's full name, phone and email (PRODUCT: only staff of the item's town and city
    /// staff who handle items).
    pub contact: bool,
}

impl StaffUser {
    /// What this person may do with an item of `item_town` (`None`: not yet routed, in the city queue).
    pub fn access(&self, item_town: Option<&str>) -> Access {
        self.access_item(item_town, None)
    }

    /// What this person may do with an item of `item_town` handed to `item_community`: a village
    /// worker only the items of their own village or community (they deliver, so they see the contact).
    pub fn access_item(&self, item_town: Option<&str>, item_community: Option<i64>) -> Access {
        let own_town = self.town_slug.is_some() && self.town_slug.as_deref() == item_town;
        match self.role {
            Role::TownStaff => Access { read: own_town, act: own_town, contact: own_town },
            Role::VillageWorker => {
                let own = own_town && self.community_id.is_some() && self.community_id == item_community;
                Access { read: own, act: own, contact: own }
            }
            Role::TownLeader => Access { read: own_town, act: false, contact: false },
            Role::Dispatcher => Access { read: true, act: true, contact: true },
            Role::Leader => Access { read: true, act: false, contact: false },
            Role::Admin => Access::default(),
        }
    }

    /// Leadership (city or town): reads, and supervises (督办) what it may read.
    pub fn is_leadership(&self) -> bool {
        matches!(self.role, Role::Leader | Role::TownLeader)
    }

    /// The one village or community whose items a village worker lists.
    pub fn inbox_community(&self) -> Option<i64> {
        (self.role == Role::VillageWorker).then_some(self.community_id).flatten()
    }

    /// The towns whose items this person lists: `Some(town)` for one town, `None` for all towns.
    /// Admins have no inbox.
    pub fn inbox_scope(&self) -> Result<Option<String>, NoInbox> {
        match self.role {
            Role::TownStaff | Role::VillageWorker | Role::TownLeader => self.town_slug.clone().map(Some).ok_or(NoInbox),
            Role::Dispatcher | Role::Leader => Ok(None),
            Role::Admin => Err(NoInbox),
        }
    }

    /// Only dispatchers move items between towns.
    /// Whose measures this person sees on the dashboard: town staff their own town whatever they ask
    /// for; dispatchers and leaders the town they ask for, or the whole city; admins none.
    pub fn dashboard_town(&self, requested: Option<&str>) -> Result<Option<String>, NoInbox> {
        match self.inbox_scope()? {
            Some(own) => Ok(Some(own)),
            None => Ok(requested.map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)),
        }
    }

    pub fn can_reroute(&self) -> bool {
        self.role == Role::Dispatcher
    }

    /// Only admins manage users, towns, settings and the calendar.
    pub fn can_administer(&self) -> bool {
        self.role == Role::Admin
    }
}

code_enum!(
    /// The tabs of the staff inbox.
    Tab {
        /// Waiting for the acceptance reply (submitted or routed).
        New = "new",
        /// Routed to a town that has not signed for it (待签收), and not returned.
        ToSign = "to_sign",
        /// Waiting for the city's decision: a return (退单), an extension request (延期申请) or an appeal
        /// against a 差评 (申诉).
        Decide = "decide",
        /// A 督办 (supervision notice) waits for the town's answer.
        Supervised = "supervised",
        /// A 差评 waits for its rectification (整改).
        Rectify = "rectify",
        /// Overdue by `escalation_working_days` working days or more (升级: the dispatchers' list).
        Escalated = "escalated",
        /// Answered (feedback or a decline) `callback_days` ago, not rated and not called back (待回访).
        Callback = "callback",
        /// Open items this person has taken (the first staff member to act on an item takes it).
        Mine = "mine",
        /// Accepted and not yet answered or completed.
        InProgress = "in_progress",
        /// Open, with the next deadline not passed and before `DeadlineRules::due_soon_until`.
        DueSoon = "due_soon",
        /// Open, with the next deadline passed.
        Overdue = "overdue",
        /// Nothing left for staff: declined, feedback given, closed, withdrawn or duplicate.
        Done = "done",
    }
);

/// Statuses in which staff still have work to do on an item.
pub fn open_for_staff(status: Status) -> bool {
    status.open_for_staff()
}

/// The statuses that are not open for staff, for SQL `IN (…)` lists.
pub const STAFF_DONE_STATUSES: &[Status] =
    &[Status::Declined, Status::FeedbackGiven, Status::Closed, Status::Withdrawn, Status::Duplicate];

/// The deadline that applies next to an open item: the acceptance reply while it waits for one; the
/// answer to a reopening (重办) while the item is reopened; then feedback until feedback is given;
/// then completion (projects). `None` when nothing is due from staff.
/// The inbox keeps it as the generated column `items.next_due_at` (migration 0020, the same rule in
/// SQL); a storage test checks they agree.
pub fn next_due_at(status: Status, facts: &Facts, feedback_due_at: i64) -> Option<i64> {
    if !open_for_staff(status) {
        return None;
    }
    Some(match status {
        // Not signed for yet: whichever comes first, the sign-for or the acceptance reply.
        Status::Routed if facts.signed_at.is_none() => {
            facts.sign_due_at.map_or(facts.acceptance_due_at, |s| s.min(facts.acceptance_due_at))
        }
        Status::Submitted | Status::Routed => facts.acceptance_due_at,
        Status::Reopened if facts.redo_due_at.is_some() => facts.redo_due_at.unwrap_or(feedback_due_at),
        _ if facts.feedback_at.is_none() => feedback_due_at,
        _ => facts.completion_due_at.unwrap_or(feedback_due_at),
    })
}

/// How close a deadline is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DueBadge {
    Overdue,
    DueSoon,
    OnTrack,
}

/// The badge for a deadline at `due_at` seen at `now`.
/// `soon_until` is `DeadlineRules::due_soon_until` at `now`.
pub fn due_badge(due_at: i64, now: i64, soon_until: i64) -> DueBadge {
    if due_at < now {
        DueBadge::Overdue
    } else if due_at <= soon_until {
        DueBadge::DueSoon
    } else {
        DueBadge::OnTrack
    }
}

/// The moments the tabs are measured against, read once per page ([`TabClock::at`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TabClock {
    pub now: i64,
    /// The end of the due-soon window ([`crate::calendar::DeadlineRules::due_soon_until`]).
    pub soon_until: i64,
    /// Deadlines before this are overdue long enough to escalate.
    pub escalate_before: i64,
    /// Answers before this without a rating wait for a callback.
    pub callback_before: i64,
}

impl TabClock {
    /// The clock of the inbox at `now`, by the programme's rules and calendar.
    pub fn at(now: i64, rules: &crate::calendar::DeadlineRules, cal: &crate::WorkCalendar) -> TabClock {
        TabClock {
            now,
            soon_until: rules.due_soon_until(cal, now),
            escalate_before: rules.escalate_before(cal, now),
            callback_before: rules.callback_before(now),
        }
    }
}

/// Whether an item belongs to a tab, for a staff member `me`, at `now` (`soon_until`: see
/// [`due_badge`]). The SQL of the inbox applies the same predicates.
pub fn in_tab(
    tab: Tab,
    status: Status,
    f: &Facts,
    due_at: Option<i64>,
    assignee: Option<i64>,
    me: i64,
    c: &TabClock,
) -> bool {
    let (now, soon_until) = (c.now, c.soon_until);
    let open = open_for_staff(status);
    match tab {
        Tab::New => matches!(status, Status::Submitted | Status::Routed),
        Tab::ToSign => {
            status == Status::Routed && f.town_slug.is_some() && f.signed_at.is_none() && f.return_pending_at.is_none()
        }
        Tab::Decide => {
            (open && (f.return_pending_at.is_some() || f.extension_until.is_some()))
                || crate::workorder::appeal_pending(f)
        }
        Tab::Rectify => crate::workorder::rectify_pending(f),
        Tab::Supervised => open && crate::workorder::supervision_pending(f),
        Tab::Escalated => open && due_at.is_some_and(|d| d < c.escalate_before),
        Tab::Callback => {
            matches!(status, Status::FeedbackGiven | Status::Declined)
                && f.rating.is_none()
                && f.callback_at.is_none()
                && f.feedback_at.is_some_and(|t| t < c.callback_before)
        }
        Tab::Mine => open && assignee == Some(me),
        Tab::InProgress => open && !matches!(status, Status::Submitted | Status::Routed),
        Tab::DueSoon => open && due_at.is_some_and(|d| d >= now && d <= soon_until),
        Tab::Overdue => open && due_at.is_some_and(|d| d < now),
        Tab::Done => !open,
    }
}

/// Who handles a micro-wish, by the programme's amount rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WishHandling {
    /// Up to the direct limit (default ¥1,000): the village/community handles it directly.
    Community,
    /// Above it: the town verifies it first.
    TownVerification,
}

/// The amount rule: a wish of at most `direct_limit` yuan goes straight to its village/community.
pub fn wish_handling(amount_yuan: i64, direct_limit: i64) -> WishHandling {
    if amount_yuan <= direct_limit {
        WishHandling::Community
    } else {
        WishHandling::TownVerification
    }
}

/// Limits on signing in. Failures are counted in the database, so they hold across server instances.
pub mod sign_in {
    /// The window over which failures are counted.
    pub const WINDOW_SECS: i64 = 15 * 60;
    /// Failures (of one account, or of one account from one address) before tries are slowed down.
    pub const FREE_FAILURES: i64 = 5;
    /// The longest wait between two tries.
    pub const MAX_DELAY_SECS: i64 = 15 * 60;
    /// Failed attempts from one address within the window before that address must wait it out.
    pub const MAX_PER_ADDRESS: i64 = 20;
    /// A staff session ends after this long without a request.
    pub const IDLE_MINUTES: i64 = 30;
    /// … and this long after signing in, whatever happens.
    pub const ABSOLUTE_HOURS: i64 = 12;
    /// The shortest password accepted.
    pub const MIN_PASSWORD_CHARS: usize = 10;

    /// The wait after `failures` failures: none for the first [`FREE_FAILURES`], then 30 s doubling
    /// with each further failure up to [`MAX_DELAY_SECS`]. A delay, not a lock: once it has passed,
    /// the right password signs in.
    pub fn delay_secs(failures: i64) -> i64 {
        if failures < FREE_FAILURES {
            return 0;
        }
        let doublings = (failures - FREE_FAILURES).min(10) as u32;
        (30_i64 << doublings).min(MAX_DELAY_SECS)
    }

    /// Seconds still to wait at `now`, given the failures in the window and the last one's time.
    pub fn wait_secs(failures: i64, last_failure_at: Option<i64>, now: i64) -> i64 {
        match last_failure_at {
            Some(last) => (last + delay_secs(failures) - now).max(0),
            None => 0,
        }
    }
}

/// Checks a new password: at least [`sign_in::MIN_PASSWORD_CHARS`] characters, not only digits.
pub fn password_problem(password: &str) -> Option<&'static str> {
    if password.chars().count() < sign_in::MIN_PASSWORD_CHARS {
        Some("password_short")
    } else if password.chars().all(|c| c.is_ascii_digit()) {
        Some("password_digits")
    } else {
        None
    }
}

/// Every action staff take on the item page, in the order the page offers them. Each is a lifecycle
/// [`Action`] except confirming a donor's claim, which the claim rules decide; the codes are the
/// lifecycle's own ([`Action::code`]), so they are spelled once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffAction {
    SignFor,
    Accept,
    Decline,
    Assign,
    Publish,
    ConfirmClaim,
    ReleaseClaim,
    Fulfil,
    ConfirmReceipt,
    StartNotice,
    Approve,
    StartWork,
    Progress,
    Complete,
    Feedback,
    Duplicate,
    RequestExtension,
    ApproveExtension,
    RefuseExtension,
    ReturnToCity,
    Reroute,
    RefuseReturn,
    AnswerSupervision,
    Callback,
    Rectify,
    Appeal,
    UpholdAppeal,
    RejectAppeal,
    Supervise,
    Note,
}

impl StaffAction {
    /// Every staff action, in the page's order.
    pub const ALL: [StaffAction; 30] = [
        StaffAction::SignFor,
        StaffAction::Accept,
        StaffAction::Decline,
        StaffAction::Assign,
        StaffAction::Publish,
        StaffAction::ConfirmClaim,
        StaffAction::ReleaseClaim,
        StaffAction::Fulfil,
        StaffAction::ConfirmReceipt,
        StaffAction::StartNotice,
        StaffAction::Approve,
        StaffAction::StartWork,
        StaffAction::Progress,
        StaffAction::Complete,
        StaffAction::Feedback,
        StaffAction::Duplicate,
        StaffAction::RequestExtension,
        StaffAction::ApproveExtension,
        StaffAction::RefuseExtension,
        StaffAction::ReturnToCity,
        StaffAction::Reroute,
        StaffAction::RefuseReturn,
        StaffAction::AnswerSupervision,
        StaffAction::Callback,
        StaffAction::Rectify,
        StaffAction::Appeal,
        StaffAction::UpholdAppeal,
        StaffAction::RejectAppeal,
        StaffAction::Supervise,
        StaffAction::Note,
    ];

    /// A lifecycle action of this kind with placeholder content, to ask [`crate::lifecycle::transition`]
    /// whether it applies now; `None` for confirming a claim.
    pub fn probe(self) -> Option<Action> {
        let t = || "x".to_string();
        Some(match self {
            StaffAction::Accept => Action::Accept { plan: t() },
            StaffAction::Decline => Action::Decline { reason: t() },
            StaffAction::Assign => Action::AssignCommunity { community_id: 1, name: t() },
            StaffAction::Publish => Action::Publish { text: t() },
            StaffAction::ConfirmClaim => return None,
            StaffAction::ReleaseClaim => Action::ReleaseClaim,
            StaffAction::Fulfil => Action::RecordFulfilment { note: t() },
            StaffAction::ConfirmReceipt => Action::ConfirmReceipt,
            StaffAction::StartNotice => Action::StartNotice { days: 7 },
            StaffAction::Approve => Action::Approve { budget_yuan: 1, plan: t() },
            StaffAction::StartWork => Action::StartWork,
            StaffAction::Progress => Action::Progress { percent: 50, note: t() },
            StaffAction::Complete => Action::Complete { inspection: t() },
            StaffAction::Feedback => Action::GiveFeedback { message: t() },
            StaffAction::Duplicate => Action::MarkDuplicate { of_number: t() },
            StaffAction::Reroute => Action::Reroute { town: t(), reason: t() },
            StaffAction::Note => Action::Note { text: t(), public: false },
            StaffAction::SignFor => Action::SignFor,
            StaffAction::ReturnToCity => Action::ReturnToCity { reason: t() },
            StaffAction::RefuseReturn => Action::RefuseReturn { reason: t() },
            StaffAction::RequestExtension => Action::RequestExtension { until: 0, reason: t() },
            StaffAction::ApproveExtension => Action::ApproveExtension { until: 0 },
            StaffAction::RefuseExtension => Action::RefuseExtension { reason: t() },
            StaffAction::Supervise => Action::Supervise { note: t() },
            StaffAction::AnswerSupervision => Action::AnswerSupervision { text: t() },
            StaffAction::Callback => Action::RecordCallback { reached: true, rating: None, note: t() },
            StaffAction::Rectify => Action::Rectify { note: t() },
            StaffAction::Appeal => Action::Appeal { reason: t() },
            StaffAction::UpholdAppeal => Action::DecideAppeal { uphold: true, reason: t() },
            StaffAction::RejectAppeal => Action::DecideAppeal { uphold: false, reason: t() },
        })
    }

    /// [`StaffAction::probe`] with the dates an extension would carry on an item in `state` (the
    /// latest date allowed; the date asked for), so the lifecycle can say whether it applies now.
    pub fn probe_in(self, state: &crate::lifecycle::ItemState) -> Option<Action> {
        Some(match self.probe()? {
            Action::RequestExtension { reason, .. } => {
                Action::RequestExtension { until: state.order.extension.map_or(0, |w| w.latest), reason }
            }
            Action::ApproveExtension { .. } => Action::ApproveExtension { until: state.order.extension_pending? },
            other => other,
        })
    }

    /// The one step that moves an item on now, which the item page puts first and marks: a
    /// supervision notice to answer, then the lifecycle's next step (sign for, accept, publish, record
    /// fulfilment, start the notice, approve, start work, complete, answer), then a 差评's
    /// rectification or a callback. `None` when the item waits for someone else (a donor, the city).
    pub fn next_step(state: &crate::lifecycle::ItemState) -> Option<StaffAction> {
        use crate::Kind::{Project, Wish};
        use Status as S;
        let o = &state.order;
        if o.supervision_pending {
            return Some(StaffAction::AnswerSupervision);
        }
        Some(match (state.kind, state.status) {
            (_, S::Routed) if o.return_pending => return None,
            (_, S::Routed) if !o.signed => StaffAction::SignFor,
            (_, S::Routed) => StaffAction::Accept,
            (Wish, S::Accepted) => StaffAction::Publish,
            (Wish, S::Claimed) => StaffAction::Fulfil,
            (Wish, S::Fulfilled) | (Project, S::Completed) | (_, S::Reopened) => StaffAction::Feedback,
            (Project, S::Accepted) => StaffAction::StartNotice,
            (Project, S::PublicNotice) => StaffAction::Approve,
            (Project, S::Approved) => StaffAction::StartWork,
            (Project, S::InProgress) => StaffAction::Complete,
            _ if o.rectify_pending => StaffAction::Rectify,
            (_, S::FeedbackGiven | S::Declined) if state.rating.is_none() => StaffAction::Callback,
            _ => return None,
        })
    }

    /// The authorization matrix of work-order steps: the town signs for, returns and asks for more
    /// time; only the city (dispatchers) re-routes and decides returns and extensions, so a town
    /// never decides its own request; dispatchers and leaders supervise (督办), the town answers.
    /// Leaders act on nothing else, admins on nothing.
    pub fn allowed_for(self, role: Role) -> bool {
        use StaffAction as A;
        match role {
            Role::TownStaff => !matches!(
                self,
                A::Reroute
                    | A::RefuseReturn
                    | A::ApproveExtension
                    | A::RefuseExtension
                    | A::Supervise
                    | A::UpholdAppeal
                    | A::RejectAppeal
            ),
            Role::Dispatcher => !matches!(
                self,
                A::SignFor | A::ReturnToCity | A::RequestExtension | A::AnswerSupervision | A::Rectify | A::Appeal
            ),
            Role::Leader | Role::TownLeader => self == A::Supervise,
            // On a phone in the village: progress, delivery, the beneficiary's receipt, callbacks.
            Role::VillageWorker => matches!(self, A::Fulfil | A::ConfirmReceipt | A::Progress | A::Callback | A::Note),
            Role::Admin => false,
        }
    }

    /// The stable code posted by the item page's forms (`action=accept`).
    pub fn code(self) -> &'static str {
        match self.probe() {
            Some(a) => a.code(),
            None => "confirm_claim",
        }
    }

    /// Parses a posted code.
    pub fn from_code(code: &str) -> Option<StaffAction> {
        StaffAction::ALL.into_iter().find(|a| a.code() == code)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn staff_action_codes_are_the_lifecycles_and_round_trip() {
        let codes: Vec<&str> = StaffAction::ALL.iter().map(|a| a.code()).collect();
        assert_eq!(codes.len(), 30);
        assert_eq!(codes.iter().collect::<std::collections::HashSet<_>>().len(), 30, "codes are unique");
        assert_eq!(codes[..5], ["sign_for", "accept", "decline", "assign", "publish"]);
        assert_eq!(StaffAction::ConfirmClaim.code(), "confirm_claim");
        for a in StaffAction::ALL {
            assert_eq!(StaffAction::from_code(a.code()), Some(a));
        }
        assert_eq!(StaffAction::from_code("rate"), None, "a resident's action is not a staff action");
    }

    #[test]
    fn the_next_step_is_the_one_that_moves_the_item_on() {
        use crate::lifecycle::ItemState;
        use crate::workorder::OrderState;
        use crate::Kind;
        let st = |kind, status, order| ItemState { kind, status, rating: None, reopened: false, order };
        let none = OrderState::default();
        let signed = OrderState { signed: true, ..none };
        assert_eq!(StaffAction::next_step(&st(Kind::Wish, Status::Routed, none)), Some(StaffAction::SignFor));
        assert_eq!(StaffAction::next_step(&st(Kind::Wish, Status::Routed, signed)), Some(StaffAction::Accept));
        let returned = OrderState { return_pending: true, ..none };
        assert_eq!(StaffAction::next_step(&st(Kind::Wish, Status::Routed, returned)), None, "the city decides");
        assert_eq!(StaffAction::next_step(&st(Kind::Wish, Status::Published, signed)), None, "a donor claims");
        assert_eq!(
            StaffAction::next_step(&st(Kind::Project, Status::PublicNotice, signed)),
            Some(StaffAction::Approve)
        );
        let supervised = OrderState { supervision_pending: true, ..signed };
        assert_eq!(
            StaffAction::next_step(&st(Kind::Project, Status::InProgress, supervised)),
            Some(StaffAction::AnswerSupervision)
        );
        assert_eq!(StaffAction::next_step(&st(Kind::Wish, Status::FeedbackGiven, signed)), Some(StaffAction::Callback));
        let bad = OrderState { rectify_pending: true, ..signed };
        assert_eq!(StaffAction::next_step(&st(Kind::Wish, Status::Closed, bad)), Some(StaffAction::Rectify));
    }

    #[test]
    fn a_town_never_decides_its_own_return_or_extension() {
        use StaffAction as A;
        for a in [A::SignFor, A::ReturnToCity, A::RequestExtension, A::Accept] {
            assert!(a.allowed_for(Role::TownStaff), "{a:?}");
        }
        for a in [A::RefuseReturn, A::ApproveExtension, A::RefuseExtension, A::Reroute] {
            assert!(!a.allowed_for(Role::TownStaff), "{a:?}");
            assert!(a.allowed_for(Role::Dispatcher), "{a:?}");
        }
        for a in [A::SignFor, A::ReturnToCity, A::RequestExtension] {
            assert!(!a.allowed_for(Role::Dispatcher), "the town's own step: {a:?}");
        }
        assert!(StaffAction::ALL.iter().all(|a| !a.allowed_for(Role::Admin)));
        let leader: Vec<_> = StaffAction::ALL.into_iter().filter(|a| a.allowed_for(Role::Leader)).collect();
        assert_eq!(leader, [A::Supervise], "leaders supervise and act on nothing else");
        assert!(A::Supervise.allowed_for(Role::Dispatcher) && !A::Supervise.allowed_for(Role::TownStaff));
        assert!(
            A::AnswerSupervision.allowed_for(Role::TownStaff) && !A::AnswerSupervision.allowed_for(Role::Dispatcher)
        );
        for a in [A::Rectify, A::Appeal] {
            assert!(a.allowed_for(Role::TownStaff) && !a.allowed_for(Role::Dispatcher), "the town's own step: {a:?}");
        }
        for a in [A::UpholdAppeal, A::RejectAppeal] {
            assert!(
                !a.allowed_for(Role::TownStaff) && a.allowed_for(Role::Dispatcher),
                "a town never decides its appeal"
            );
        }
    }

    use super::*;

    #[test]
    fn sign_in_failures_slow_tries_down_and_never_lock() {
        use sign_in::*;
        assert_eq!([0, 4, 5, 6, 7, 9, 10, 40].map(delay_secs), [0, 0, 30, 60, 120, 480, 900, 900]);
        // Six failures, the last at t=1000: wait 60 s from then, not a minute more.
        assert_eq!(wait_secs(6, Some(1_000), 1_010), 50);
        assert_eq!(wait_secs(6, Some(1_000), 1_060), 0);
        assert_eq!(wait_secs(3, Some(1_000), 1_000), 0);
        assert_eq!(wait_secs(9, None, 1_000), 0);
    }

    fn user(role: Role, town: Option<&str>) -> StaffUser {
        StaffUser {
            id: 7,
            email: "a@b.cn".into(),
            name: "A".into(),
            role,
            town_slug: town.map(Into::into),
            community_id: None,
        }
    }

    #[test]
    fn town_staff_see_and_act_on_their_own_town_only() {
        let u = user(Role::TownStaff, Some("humen"));
        assert_eq!(u.access(Some("humen")), Access { read: true, act: true, contact: true });
        assert_eq!(u.access(Some("changan")), Access::default());
        assert_eq!(u.access(None), Access::default(), "the city queue is not a town's");
        assert_eq!(u.inbox_scope(), Ok(Some("humen".into())));
        assert!(!u.can_reroute() && !u.can_administer());
        // A town staff account without a town sees nothing at all.
        let broken = user(Role::TownStaff, None);
        assert_eq!(broken.access(None), Access::default());
        assert!(broken.inbox_scope().is_err());
    }

    #[test]
    fn city_roles() {
        let d = user(Role::Dispatcher, None);
        assert_eq!(d.access(Some("humen")), Access { read: true, act: true, contact: true });
        assert_eq!(d.access(None), Access { read: true, act: true, contact: true });
        assert!(d.can_reroute());
        let l = user(Role::Leader, None);
        assert_eq!(l.access(Some("humen")), Access { read: true, act: false, contact: false });
        assert!(!l.can_reroute());
        let a = user(Role::Admin, None);
        assert_eq!(a.access(Some("humen")), Access::default());
        assert!(a.inbox_scope().is_err() && a.can_administer());
    }

    #[test]
    fn village_workers_see_their_village_and_town_leaders_read_their_town() {
        let w = StaffUser { community_id: Some(12), ..user(Role::VillageWorker, Some("humen")) };
        assert_eq!(w.access_item(Some("humen"), Some(12)), Access { read: true, act: true, contact: true });
        assert_eq!(w.access_item(Some("humen"), Some(13)), Access::default(), "another village");
        assert_eq!(w.access_item(Some("humen"), None), Access::default(), "not handed to a village yet");
        assert_eq!(w.access(Some("humen")), Access::default());
        assert_eq!((w.inbox_scope(), w.inbox_community()), (Ok(Some("humen".to_string())), Some(12)));
        let allowed: Vec<_> = StaffAction::ALL.into_iter().filter(|a| a.allowed_for(Role::VillageWorker)).collect();
        assert_eq!(
            allowed,
            [
                StaffAction::Fulfil,
                StaffAction::ConfirmReceipt,
                StaffAction::Progress,
                StaffAction::Callback,
                StaffAction::Note
            ]
        );
        let tl = user(Role::TownLeader, Some("humen"));
        assert_eq!(tl.access_item(Some("humen"), Some(12)), Access { read: true, act: false, contact: false });
        assert_eq!(tl.access(Some("changan")), Access::default(), "another town");
        assert_eq!(tl.dashboard_town(Some("changan")), Ok(Some("humen".to_string())), "their own town's figures");
        assert!(tl.is_leadership() && !tl.can_reroute());
        let only: Vec<_> = StaffAction::ALL.into_iter().filter(|a| a.allowed_for(Role::TownLeader)).collect();
        assert_eq!(only, [StaffAction::Supervise]);
    }

    #[test]
    fn the_next_deadline_follows_the_lifecycle() {
        let f = Facts { acceptance_due_at: 100, ..Facts::default() };
        assert_eq!(next_due_at(Status::Routed, &f, 500), Some(100));
        assert_eq!(next_due_at(Status::Accepted, &f, 500), Some(500));
        let answered = Facts { feedback_at: Some(300), completion_due_at: Some(900), ..f.clone() };
        assert_eq!(next_due_at(Status::InProgress, &answered, 500), Some(900));
        assert_eq!(next_due_at(Status::FeedbackGiven, &answered, 500), None);
        assert_eq!(next_due_at(Status::Declined, &f, 500), None);
        // Not signed for: the sign-for deadline when it comes first (2 working hours), else the reply's
        // (a Friday evening routing is signed for on Monday, after the 24 hours).
        let unsigned = Facts { sign_due_at: Some(40), ..f.clone() };
        assert_eq!(next_due_at(Status::Routed, &unsigned, 500), Some(40));
        assert_eq!(next_due_at(Status::Routed, &Facts { sign_due_at: Some(160), ..f.clone() }, 500), Some(100));
        assert_eq!(next_due_at(Status::Routed, &Facts { signed_at: Some(30), ..unsigned }, 500), Some(100));
    }

    fn clock((now, soon_until): (i64, i64)) -> TabClock {
        TabClock { now, soon_until, escalate_before: now - 1_000, callback_before: now - 500 }
    }

    fn in_tab_(tab: Tab, s: Status, due: Option<i64>, who: Option<i64>, me: i64, at: (i64, i64)) -> bool {
        in_tab(tab, s, &Facts { town_slug: Some("humen".into()), ..Facts::default() }, due, who, me, &clock(at))
    }

    #[test]
    fn signing_for_and_the_citys_decisions_have_their_tabs() {
        let at = &clock((1_000, 2_000));
        let routed = Facts { town_slug: Some("humen".into()), sign_due_at: Some(1_500), ..Facts::default() };
        assert!(in_tab(Tab::ToSign, Status::Routed, &routed, None, None, 1, at));
        let signed = Facts { signed_at: Some(1_200), ..routed.clone() };
        assert!(!in_tab(Tab::ToSign, Status::Routed, &signed, None, None, 1, at));
        assert!(!in_tab(Tab::ToSign, Status::Submitted, &Facts::default(), None, None, 1, at), "the city queue");
        let returned = Facts { return_pending_at: Some(1_100), ..routed.clone() };
        assert!(!in_tab(Tab::ToSign, Status::Routed, &returned, None, None, 1, at));
        assert!(in_tab(Tab::Decide, Status::Routed, &returned, None, None, 1, at));
        let asked = Facts { extension_until: Some(9_000), ..signed.clone() };
        assert!(in_tab(Tab::Decide, Status::Accepted, &asked, None, None, 1, at));
        assert!(!in_tab(Tab::Decide, Status::Accepted, &signed, None, None, 1, at));
        assert!(!in_tab(Tab::Decide, Status::Closed, &asked, None, None, 1, at), "done items wait for nothing");
        // 督办 until answered; escalation after the overdue window; 回访 for unrated answers.
        let supervised = Facts { supervised_at: Some(900), ..signed.clone() };
        assert!(in_tab(Tab::Supervised, Status::Accepted, &supervised, None, None, 1, at));
        let answered = Facts { supervision_answered_at: Some(950), ..supervised };
        assert!(!in_tab(Tab::Supervised, Status::Accepted, &answered, None, None, 1, at));
        assert!(in_tab(Tab::Escalated, Status::Accepted, &signed, Some(-1), None, 1, at), "due before now - 1000");
        assert!(!in_tab(Tab::Escalated, Status::Accepted, &signed, Some(100), None, 1, at), "overdue, not long");
        let fed = Facts { feedback_at: Some(400), ..signed.clone() };
        assert!(in_tab(Tab::Callback, Status::FeedbackGiven, &fed, None, None, 1, at));
        assert!(
            !in_tab(
                Tab::Callback,
                Status::FeedbackGiven,
                &Facts { feedback_at: Some(600), ..fed.clone() },
                None,
                None,
                1,
                at
            ),
            "too recent"
        );
        assert!(!in_tab(
            Tab::Callback,
            Status::FeedbackGiven,
            &Facts { callback_at: Some(700), ..fed.clone() },
            None,
            None,
            1,
            at
        ));
        assert!(!in_tab(
            Tab::Callback,
            Status::Closed,
            &Facts { rating: Some(crate::Rating::Satisfied), ..fed },
            None,
            None,
            1,
            at
        ));
    }

    #[test]
    fn tabs_and_badges() {
        let now = 1_000_000;
        let soon = now + 3_600; // the end of the due-soon window (DeadlineRules::due_soon_until)
        assert!(in_tab_(Tab::New, Status::Routed, Some(now + 10), None, 1, (now, soon)));
        assert!(!in_tab_(Tab::InProgress, Status::Routed, Some(now + 10), None, 1, (now, soon)));
        assert!(in_tab_(Tab::DueSoon, Status::Routed, Some(now + 10), None, 1, (now, soon)));
        assert!(!in_tab_(Tab::DueSoon, Status::Routed, Some(soon + 1), None, 1, (now, soon)));
        assert!(in_tab_(Tab::Overdue, Status::Accepted, Some(now - 1), None, 1, (now, soon)));
        assert!(
            !in_tab_(Tab::Overdue, Status::Closed, Some(now - 1), None, 1, (now, soon)),
            "done items are never overdue"
        );
        assert!(in_tab_(Tab::Mine, Status::Accepted, None, Some(1), 1, (now, soon)));
        assert!(!in_tab_(Tab::Mine, Status::Accepted, None, Some(2), 1, (now, soon)));
        assert!(in_tab_(Tab::Done, Status::Withdrawn, None, None, 1, (now, soon)));
        // A reopened item's next deadline is its redo's, not the first answer's (long met); one
        // reopened before the redo deadline existed keeps the old rule.
        let redo = Facts { feedback_at: Some(now - 9_000), redo_due_at: Some(now + 5), ..Facts::default() };
        assert_eq!(next_due_at(Status::Reopened, &redo, now - 90_000), Some(now + 5));
        let before = Facts { feedback_at: Some(now - 9_000), ..Facts::default() };
        assert_eq!(next_due_at(Status::Reopened, &before, now - 90_000), Some(now - 90_000));
        assert_eq!(due_badge(now - 1, now, soon), DueBadge::Overdue);
        assert_eq!(due_badge(now, now, soon), DueBadge::DueSoon);
        assert_eq!(due_badge(soon + 1, now, soon), DueBadge::OnTrack);
    }

    #[test]
    fn amount_rule_and_passwords() {
        assert_eq!(wish_handling(1000, 1000), WishHandling::Community);
        assert_eq!(wish_handling(1001, 1000), WishHandling::TownVerification);
        assert_eq!(password_problem("short"), Some("password_short"));
        assert_eq!(password_problem("1234567890"), Some("password_digits"));
        assert_eq!(password_problem("correct horse"), None);
    }
}

/// Caps and deadlines as an admin types them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SettingsInput {
    #[serde(default)]
    pub wish_cap_yuan: String,
    #[serde(default)]
    pub urgent_wish_cap_yuan: String,
    #[serde(default)]
    pub project_cap_yuan: String,
    #[serde(default)]
    pub acceptance_hours: String,
    #[serde(default)]
    pub urgent_wish_working_days: String,
    #[serde(default)]
    pub wish_months: String,
    #[serde(default)]
    pub project_decision_days: String,
    #[serde(default)]
    pub project_build_months: String,
    /// Empty: the default, 1.
    #[serde(default)]
    pub due_soon_working_days: String,
    /// Days a donor's claim holds a wish (1-30). Empty keeps the current value.
    #[serde(default)]
    pub claim_hold_days: String,
    /// The work-order settings (签收, 退单, 延期, office hours); empty: the default.
    #[serde(default)]
    pub sign_for_working_hours: String,
    #[serde(default)]
    pub office_open: String,
    #[serde(default)]
    pub office_close: String,
    #[serde(default)]
    pub return_working_days: String,
    #[serde(default)]
    pub extension_wish_working_days: String,
    #[serde(default)]
    pub extension_project_months: String,
    #[serde(default)]
    pub max_extensions: String,
    #[serde(default)]
    pub supervision_working_days: String,
    #[serde(default)]
    pub escalation_working_days: String,
    #[serde(default)]
    pub callback_days: String,
    #[serde(default)]
    pub rectify_working_days: String,
}

impl SettingsInput {
    /// The form filled with the current values.
    pub fn from_current(l: &crate::Limits, d: &crate::calendar::DeadlineRules) -> Self {
        SettingsInput {
            wish_cap_yuan: l.wish_cap_yuan.to_string(),
            urgent_wish_cap_yuan: l.urgent_wish_cap_yuan.to_string(),
            project_cap_yuan: l.project_cap_yuan.to_string(),
            acceptance_hours: d.acceptance_hours.to_string(),
            urgent_wish_working_days: d.urgent_wish_working_days.to_string(),
            wish_months: d.wish_months.to_string(),
            project_decision_days: d.project_decision_days.to_string(),
            project_build_months: d.project_build_months.to_string(),
            due_soon_working_days: d.due_soon_working_days.to_string(),
            claim_hold_days: String::new(),
            sign_for_working_hours: d.sign_for_working_hours.to_string(),
            office_open: clock(d.office_open_minute),
            office_close: clock(d.office_close_minute),
            return_working_days: d.return_working_days.to_string(),
            extension_wish_working_days: d.extension_wish_working_days.to_string(),
            extension_project_months: d.extension_project_months.to_string(),
            max_extensions: d.max_extensions.to_string(),
            supervision_working_days: d.supervision_working_days.to_string(),
            escalation_working_days: d.escalation_working_days.to_string(),
            callback_days: d.callback_days.to_string(),
            rectify_working_days: d.rectify_working_days.to_string(),
        }
    }
}

/// `08:30` for 510 minutes after midnight.
pub fn clock(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// Minutes after midnight of `HH:MM` (`8:30`, `08:30`, `08：30`).
pub fn parse_clock(s: &str) -> Option<u32> {
    let (h, m) = s.trim().replace('：', ":").split_once(':').map(|(h, m)| (h.to_string(), m.to_string()))?;
    let (h, m) = (h.trim().parse::<u32>().ok()?, m.trim().parse::<u32>().ok()?);
    (h < 24 && m < 60 && m.to_string().len() <= 2).then_some(h * 60 + m)
}

/// Checks caps and deadlines: whole numbers in sensible ranges, and an urgent wish's cap at least the
/// ordinary one.
pub fn validate_settings(
    s: &SettingsInput,
) -> Result<(crate::Limits, crate::calendar::DeadlineRules), Vec<crate::FieldError>> {
    let mut errors = Vec::new();
    let mut num = |field: &str, v: &str, lo: i64, hi: i64| -> i64 {
        match v.trim().replace([',', '，'], "").parse::<i64>() {
            Ok(n) if (lo..=hi).contains(&n) => n,
            _ => {
                errors.push(crate::FieldError::new(field, "setting_range"));
                lo
            }
        }
    };
    let limits = crate::Limits {
        wish_cap_yuan: num("wish_cap_yuan", &s.wish_cap_yuan, 1, 1_000_000),
        urgent_wish_cap_yuan: num("urgent_wish_cap_yuan", &s.urgent_wish_cap_yuan, 1, 1_000_000),
        project_cap_yuan: num("project_cap_yuan", &s.project_cap_yuan, 1, 100_000_000),
    };
    let d0 = crate::calendar::DeadlineRules::default();
    let mut or_default = |field: &str, v: &str, lo: i64, hi: i64, default: u32| -> u32 {
        if v.trim().is_empty() {
            default
        } else {
            num(field, v, lo, hi) as u32
        }
    };
    let sign_for_working_hours =
        or_default("sign_for_working_hours", &s.sign_for_working_hours, 1, 24, d0.sign_for_working_hours);
    let return_working_days = or_default("return_working_days", &s.return_working_days, 1, 10, d0.return_working_days);
    let extension_wish_working_days = or_default(
        "extension_wish_working_days",
        &s.extension_wish_working_days,
        1,
        60,
        d0.extension_wish_working_days,
    );
    let extension_project_months =
        or_default("extension_project_months", &s.extension_project_months, 1, 12, d0.extension_project_months);
    let max_extensions = or_default("max_extensions", &s.max_extensions, 0, 5, d0.max_extensions);
    let supervision_working_days =
        or_default("supervision_working_days", &s.supervision_working_days, 1, 30, d0.supervision_working_days);
    let escalation_working_days =
        or_default("escalation_working_days", &s.escalation_working_days, 1, 30, d0.escalation_working_days);
    let callback_days = or_default("callback_days", &s.callback_days, 1, 60, d0.callback_days);
    let rectify_working_days =
        or_default("rectify_working_days", &s.rectify_working_days, 1, 30, d0.rectify_working_days);
    let mut hour = |field: &str, v: &str, default: u32| -> u32 {
        if v.trim().is_empty() {
            return default;
        }
        parse_clock(v).unwrap_or_else(|| {
            errors.push(crate::FieldError::new(field, "clock_invalid"));
            default
        })
    };
    let office_open_minute = hour("office_open", &s.office_open, d0.office_open_minute);
    let office_close_minute = hour("office_close", &s.office_close, d0.office_close_minute);
    if office_close_minute <= office_open_minute && !errors.iter().any(|e| e.field.starts_with("office_")) {
        errors.push(crate::FieldError::new("office_close", "clock_invalid"));
    }
    let mut num = |field: &str, v: &str, lo: i64, hi: i64| -> i64 {
        match v.trim().replace([',', '，'], "").parse::<i64>() {
            Ok(n) if (lo..=hi).contains(&n) => n,
            _ => {
                errors.push(crate::FieldError::new(field, "setting_range"));
                lo
            }
        }
    };
    let deadlines = crate::calendar::DeadlineRules {
        sign_for_working_hours,
        office_open_minute,
        office_close_minute,
        return_working_days,
        extension_wish_working_days,
        extension_project_months,
        max_extensions,
        supervision_working_days,
        escalation_working_days,
        callback_days,
        rectify_working_days,
        acceptance_hours: num("acceptance_hours", &s.acceptance_hours, 1, 720),
        urgent_wish_working_days: num("urgent_wish_working_days", &s.urgent_wish_working_days, 1, 60) as u32,
        wish_months: num("wish_months", &s.wish_months, 1, 24) as u32,
        project_decision_days: num("project_decision_days", &s.project_decision_days, 1, 365),
        project_build_months: num("project_build_months", &s.project_build_months, 1, 60) as u32,
        due_soon_working_days: if s.due_soon_working_days.trim().is_empty() {
            1
        } else {
            num("due_soon_working_days", &s.due_soon_working_days, 1, 10) as u32
        },
    };
    if errors.is_empty() && limits.urgent_wish_cap_yuan < limits.wish_cap_yuan {
        errors.push(crate::FieldError::new("urgent_wish_cap_yuan", "urgent_cap_below_cap"));
    }
    if errors.is_empty() {
        Ok((limits, deadlines))
    } else {
        Err(errors)
    }
}

/// Reads the claim hold from the settings form: `Ok(None)` when left empty (keep the current value),
/// whole days 1 to 30 otherwise.
pub fn validate_claim_hold_days(typed: &str) -> Result<Option<i64>, crate::FieldError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    match typed.parse::<i64>() {
        Ok(n) if (1..=30).contains(&n) => Ok(Some(n)),
        _ => Err(crate::FieldError::new("claim_hold_days", "setting_range")),
    }
}

#[cfg(test)]
mod settings_tests {
    use super::*;

    #[test]
    fn the_claim_hold_is_one_to_thirty_days_and_empty_keeps_it() {
        assert_eq!(validate_claim_hold_days(""), Ok(None));
        assert_eq!(validate_claim_hold_days(" 14 "), Ok(Some(14)));
        assert_eq!(validate_claim_hold_days("1"), Ok(Some(1)));
        assert_eq!(validate_claim_hold_days("30"), Ok(Some(30)));
        for bad in ["0", "31", "七", "-3"] {
            assert_eq!(validate_claim_hold_days(bad).unwrap_err().field, "claim_hold_days", "{bad}");
        }
    }

    #[test]
    fn settings_round_trip_and_bad_values_are_named() {
        let (l, d) = (crate::Limits::default(), crate::calendar::DeadlineRules::default());
        assert_eq!(validate_settings(&SettingsInput::from_current(&l, &d)), Ok((l, d.clone())));
        let mut s = SettingsInput::from_current(&l, &d);
        s.wish_cap_yuan = "abc".into();
        s.acceptance_hours = "0".into();
        let e = validate_settings(&s).unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["wish_cap_yuan", "acceptance_hours"]);
        let mut s = SettingsInput::from_current(&l, &d);
        s.urgent_wish_cap_yuan = "500".into();
        assert_eq!(validate_settings(&s).unwrap_err()[0].code, "urgent_cap_below_cap");
        let mut s = SettingsInput::from_current(&l, &d);
        s.project_cap_yuan = "300,000".into();
        assert_eq!(validate_settings(&s).unwrap().0.project_cap_yuan, 300_000);
    }
}
