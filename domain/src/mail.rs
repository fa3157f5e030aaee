//! Which mail each event sends, to whom, and whether the recipient may turn it off. The texts live in
//! the server (`server/mail/*.txt`); this module only decides. Mail is queued in the same transaction
//! as the event (see `store::mail`), so a mail is never promised without its event or the reverse.

use crate::lifecycle::{Action, Actor, Outcome};
use crate::Status;
use serde::{Deserialize, Serialize};

code_enum!(
    /// The kinds of mail the portal sends. The code names the template.
    MailKind {
        /// To the resident: the item was received; its number and tracking link.
        Receipt = "receipt",
        /// To the resident: the town accepted the item (受理), with its plan.
        Accepted = "accepted",
        /// To the resident: declined, with the reason (this is feedback).
        Declined = "declined",
        /// To the resident: the item was merged into another one.
        Duplicate = "duplicate",
        /// To the resident: a step they should know of (published, claimed, notice, approved, progress…).
        Progress = "progress",
        /// To the resident: the outcome (反馈), with an invitation to rate it.
        Feedback = "feedback",
        /// To the resident: their request to reopen (重办) was granted; the item is back with the town.
        Reopened = "reopened",
        /// To the resident: a one-time code to see all their items.
        SignInCode = "sign_in_code",
        /// To town staff (or dispatchers for the city queue): a new, rerouted or reopened item.
        StaffNewItem = "staff_new_item",
        /// To town staff: a deadline falls within the next 24 hours.
        StaffDueSoon = "staff_due_soon",
        /// To town staff: a deadline has passed.
        StaffOverdue = "staff_overdue",
        /// An operator's test mail (`server mail test`).
        OperatorTest = "operator_test",
        /// To a donor who gave an email: their claim, how long it holds the wish, their private link.
        DonorClaim = "donor_claim",
        /// To residents who supported or objected to a project: it was adopted, declined or inspected.
        ProjectUpdate = "project_update",
        /// The city approved the town's extension: the resident's answer comes later, by this date.
        Extended = "extended",
        /// The town rectified what the resident rated badly (整改): what it did, and an invitation to
        /// rate the fix.
        Rectified = "rectified",
    }
);

impl MailKind {
    /// Essential mails always go out; the others can be turned off by the recipient (one link in
    /// every mail). Outcomes, codes and overdue warnings are essential.
    pub fn essential(self) -> bool {
        !matches!(self, MailKind::Progress | MailKind::StaffNewItem | MailKind::StaffDueSoon | MailKind::ProjectUpdate)
    }
}

/// The portal page a message links to, as a path: the staff console for staff, a donor's claim, a
/// project's public page for its voters, else the resident's private tracking page. `None` without a
/// token (codes, operator tests).
pub fn link_path(kind: MailKind, number: &str, token: &str) -> Option<String> {
    if token.is_empty() {
        return None;
    }
    Some(match kind {
        MailKind::StaffNewItem | MailKind::StaffDueSoon | MailKind::StaffOverdue => format!("/staff/items/{number}"),
        MailKind::DonorClaim => format!("/c/{token}"),
        MailKind::ProjectUpdate => format!("/projects/{number}"),
        _ => format!("/t/{token}"),
    })
}

/// The mail a resident gets when `actor` takes `action` and the lifecycle answers `out`; `None` for
/// internal steps (routing, community assignment, internal notes) and for the resident's own actions.
pub fn resident_mail(action: &Action, out: &Outcome, actor: Actor) -> Option<MailKind> {
    if actor == Actor::Resident || !out.public {
        return None;
    }
    match action {
        Action::Accept { .. } => Some(MailKind::Accepted),
        Action::Decline { .. } => Some(MailKind::Declined),
        Action::MarkDuplicate { .. } => Some(MailKind::Duplicate),
        Action::ApproveExtension { .. } => Some(MailKind::Extended),
        Action::Rectify { .. } => Some(MailKind::Rectified),
        _ if out.is_feedback => Some(MailKind::Feedback),
        Action::GiveFeedback { .. } => Some(MailKind::Feedback),
        Action::Publish { .. }
        | Action::Claim
        | Action::RecordFulfilment { .. }
        | Action::StartNotice { .. }
        | Action::Approve { .. }
        | Action::StartWork
        | Action::Progress { .. }
        | Action::Complete { .. }
        | Action::Note { public: true, .. } => Some(MailKind::Progress),
        _ => None,
    }
}

/// Residents who gave a voice on a project hear of these steps: the adoption decision (adopted or
/// declined) and the inspection.
pub fn voter_mail(action: &Action) -> bool {
    matches!(action, Action::Approve { .. } | Action::Decline { .. } | Action::Complete { .. })
}

/// Why town staff get a "new item" mail for this action, if they do: the item arrived in their town
/// by routing (`routed`) or rerouting (`rerouted`), or came back after a resident's reopen request.
pub fn staff_mail_reason(action: &Action, out: &Outcome) -> Option<&'static str> {
    match action {
        Action::Route { .. } => Some("routed"),
        Action::Reroute { .. } => Some("rerouted"),
        Action::RequestReopen if out.to == Status::Reopened => Some("reopened"),
        // A supervision notice (督办) reaches the town's staff as well as their 督办 tab.
        Action::Supervise { .. } => Some("supervised"),
        _ => None,
    }
}

/// The resident's reopen request was granted: they hear back as well.
pub fn reopen_granted(action: &Action, out: &Outcome) -> bool {
    matches!(action, Action::RequestReopen) && out.to == Status::Reopened
}

/// Delivery rules. The worker's numbers are configurable (`MAIL_*` in `.env.example`); these are the
/// defaults and the backoff arithmetic.
pub mod delivery {
    /// Attempts before a mail is parked for an admin.
    pub const MAX_ATTEMPTS: i64 = 8;
    /// Seconds before the second attempt; doubled each time.
    pub const RETRY_BASE_SECS: i64 = 60;
    /// The longest wait between two attempts.
    pub const RETRY_CAP_SECS: i64 = 3600;
    /// A mail marked "sending" for longer than this belongs to a worker that died mid-send.
    pub const LEASE_SECS: i64 = 300;

    /// Seconds to wait after the `attempts`-th failed attempt: base, 2·base, 4·base… up to the cap.
    pub fn retry_delay(attempts: i64, base: i64, cap: i64) -> i64 {
        let doublings = (attempts - 1).clamp(0, 30) as u32;
        base.saturating_mul(1_i64 << doublings).min(cap).max(1)
    }
}

/// When staff are warned of a deadline.
pub mod deadlines {
    /// The acceptance reply (24 hours from routing) is "due soon" in its last 4 hours.
    pub const REPLY_DUE_SOON_SECS: i64 = 4 * 3600;
    /// Feedback is "due soon" in its last 3 days.
    pub const FEEDBACK_DUE_SOON_SECS: i64 = 3 * 86_400;
    /// A worker that starts looks back this far for deadlines it has not warned of (the outbox's
    /// dedupe key keeps a warning from going out twice).
    pub const CATCH_UP_SECS: i64 = 86_400;
}

/// Sign-in by a one-time code sent to the email a resident gave.
pub mod code {
    /// Codes last ten minutes.
    pub const TTL_SECS: i64 = 600;
    /// Wrong tries before a code stops working.
    pub const MAX_TRIES: i64 = 5;
    /// Codes per address in [`WINDOW_SECS`] (the mails themselves are the cost to limit).
    pub const PER_ADDRESS: i64 = 3;
    /// Codes per client address in [`WINDOW_SECS`].
    pub const PER_CLIENT: i64 = 10;
    pub const WINDOW_SECS: i64 = 3600;

    /// A code as typed: six digits, spaces forgiven.
    pub fn normalise(typed: &str) -> Option<String> {
        let digits: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        (digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
    }
}

#[cfg(test)]
mod tests {
    use super::delivery::retry_delay;
    use super::*;
    use crate::lifecycle::{transition, ItemState};
    use crate::{Kind, Rating};

    fn out(kind: Kind, status: Status, actor: Actor, action: &Action) -> Outcome {
        let state =
            ItemState { kind, status, rating: Some(Rating::Unsatisfied), reopened: false, order: Default::default() };
        transition(&state, actor, action).expect("allowed")
    }

    #[test]
    fn each_step_of_a_wish_sends_what_the_resident_should_know() {
        let s = Actor::Staff;
        let accept = Action::Accept { plan: "村委会上门核实".into() };
        assert_eq!(resident_mail(&accept, &out(Kind::Wish, Status::Routed, s, &accept), s), Some(MailKind::Accepted));
        let decline = Action::Decline { reason: "不属于微心愿范围".into() };
        assert_eq!(resident_mail(&decline, &out(Kind::Wish, Status::Routed, s, &decline), s), Some(MailKind::Declined));
        let publish = Action::Publish { text: "一位老人需要轮椅".into() };
        assert_eq!(
            resident_mail(&publish, &out(Kind::Wish, Status::Accepted, s, &publish), s),
            Some(MailKind::Progress)
        );
        let feedback = Action::GiveFeedback { message: "轮椅已送到".into() };
        assert_eq!(
            resident_mail(&feedback, &out(Kind::Wish, Status::Fulfilled, s, &feedback), s),
            Some(MailKind::Feedback)
        );
        // Internal steps and private notes send nothing.
        let note = Action::Note { text: "内部备注".into(), public: false };
        assert_eq!(resident_mail(&note, &out(Kind::Wish, Status::Accepted, s, &note), s), None);
        let assign = Action::AssignCommunity { community_id: 1, name: "白沙社区".into() };
        assert_eq!(resident_mail(&assign, &out(Kind::Wish, Status::Accepted, s, &assign), s), None);
    }

    #[test]
    fn a_project_approval_is_feedback_and_a_reopen_reaches_both_sides() {
        let s = Actor::Staff;
        let approve = Action::Approve { budget_yuan: 80_000, plan: "两个月内完工".into() };
        let o = out(Kind::Project, Status::PublicNotice, s, &approve);
        assert!(o.is_feedback);
        assert_eq!(resident_mail(&approve, &o, s), Some(MailKind::Feedback));
        let reopen = Action::RequestReopen;
        let o = out(Kind::Wish, Status::Closed, Actor::Resident, &reopen);
        assert_eq!(resident_mail(&reopen, &o, Actor::Resident), None, "the resident's own step");
        assert!(reopen_granted(&reopen, &o));
        assert_eq!(staff_mail_reason(&reopen, &o), Some("reopened"));
    }

    #[test]
    fn essential_mails_cannot_be_turned_off() {
        let optional: Vec<_> = MailKind::ALL.iter().filter(|k| !k.essential()).map(|k| k.code()).collect();
        assert_eq!(optional, ["progress", "staff_new_item", "staff_due_soon", "project_update"]);
    }

    #[test]
    fn retries_back_off_by_doubling_up_to_the_cap() {
        let delays: Vec<i64> = (1..=8).map(|n| retry_delay(n, 60, 3600)).collect();
        assert_eq!(delays, [60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(retry_delay(0, 60, 3600), 60);
        assert_eq!(retry_delay(500, 60, 3600), 3600);
        assert_eq!(retry_delay(3, 0, 10), 1, "never a busy loop");
    }

    #[test]
    fn codes_forgive_spaces_and_refuse_anything_else() {
        assert_eq!(code::normalise(" 123 456 "), Some("123456".into()));
        assert_eq!(code::normalise("123-456"), Some("123456".into()));
        assert_eq!(code::normalise("12345"), None);
        assert_eq!(code::normalise("12345a"), None);
        assert_eq!(code::normalise("１２３４５６"), None, "full-width digits are not ASCII");
    }
}
