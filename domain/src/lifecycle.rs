//! The one lifecycle function for both kinds. Pages, APIs, the seeder and staff tools call
//! [`transition`]; none decides a status change on its own.
//!
//! Micro-wish: routed → accepted | declined → published → claimed → fulfilled → feedback given → closed.
//! Micro-project: routed → accepted | declined → public notice → approved → in progress → completed →
//! feedback given → closed. A resident who rated 不满意 may ask once to reopen; a reopened item goes
//! back to the town and needs a new answer. Withdrawal is possible until fulfilment or completion.

use crate::{Kind, Rating, Status};
use serde::{Deserialize, Serialize};

/// Who is acting. Role and town checks for staff happen in the server before this is called; this
/// function decides which kind of actor may take which step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    /// The resident (or helper) holding the tracking link.
    Resident,
    /// Town staff or a city dispatcher.
    Staff,
    /// A donor or volunteer claiming a wish.
    Donor,
    /// The portal itself (routing on submission, claim lapses).
    System,
}

/// What an actor asks to do to an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Action {
    Route {
        town: String,
    },
    /// A dispatcher moves an item to another town, with the reason.
    Reroute {
        town: String,
        reason: String,
    },
    /// Staff hand an item to a village/community of its town.
    AssignCommunity {
        community_id: i64,
        name: String,
    },
    Accept {
        plan: String,
    },
    Decline {
        reason: String,
    },
    /// A wish goes on the wall with the text staff reviewed (the resident's own words stay internal).
    Publish {
        text: String,
    },
    Claim,
    ReleaseClaim,
    RecordFulfilment {
        note: String,
    },
    /// The beneficiary's side confirms that a donor's delivery arrived (through the tracking link, or
    /// staff recording a confirmation given by phone). Only after this is a claim fulfilled.
    ConfirmReceipt,
    StartNotice {
        days: u32,
    },
    Approve {
        budget_yuan: i64,
        plan: String,
    },
    StartWork,
    Progress {
        percent: u8,
        note: String,
    },
    Complete {
        inspection: String,
    },
    GiveFeedback {
        message: String,
    },
    Rate {
        rating: Rating,
        comment: String,
        aware: Option<bool>,
    },
    RequestReopen,
    Withdraw {
        reason: String,
    },
    MarkDuplicate {
        of_number: String,
    },
    Note {
        text: String,
        public: bool,
    },
    /// The town takes a routed item (签收).
    SignFor,
    /// The town returns a routed item outside its remit to the city dispatcher (退单), with the reason.
    ReturnToCity {
        reason: String,
    },
    /// The dispatcher refuses a return: the town keeps the item.
    RefuseReturn {
        reason: String,
    },
    /// The town asks for a later deadline (延期申请): the new deadline (end of a day) and why.
    RequestExtension {
        until: i64,
        reason: String,
    },
    /// The city approves the pending request: the deadline becomes `until`.
    ApproveExtension {
        until: i64,
    },
    /// The city refuses the pending request, with the reason.
    RefuseExtension {
        reason: String,
    },
    /// A dispatcher or leader supervises the item (督办): a notice the town answers by a deadline.
    Supervise {
        note: String,
    },
    /// The town answers the supervision notice.
    AnswerSupervision {
        text: String,
    },
    /// The town records its rectification (整改) after a 差评: what it did (the resident sees it).
    Rectify {
        note: String,
    },
    /// The resident rates the rectification (the 差评 stays as given).
    RateFix {
        rating: Rating,
    },
    /// The town appeals (申诉) a 差评 it holds malicious or mistaken, with the reason.
    Appeal {
        reason: String,
    },
    /// The city upholds the appeal (the rating is left out of satisfaction) or rejects it.
    DecideAppeal {
        uphold: bool,
        reason: String,
    },
    /// The town's callback (回访) after its answer: reached or not, the rating the resident gave by
    /// phone (only while the item is not rated), and a note.
    RecordCallback {
        reached: bool,
        rating: Option<Rating>,
        note: String,
    },
}

impl Action {
    /// Stable code of the action, stored on timeline events.
    pub fn code(&self) -> &'static str {
        match self {
            Action::Route { .. } => "route",
            Action::Reroute { .. } => "reroute",
            Action::AssignCommunity { .. } => "assign",
            Action::Accept { .. } => "accept",
            Action::Decline { .. } => "decline",
            Action::Publish { .. } => "publish",
            Action::Claim => "claim",
            Action::ReleaseClaim => "release_claim",
            Action::RecordFulfilment { .. } => "fulfil",
            Action::ConfirmReceipt => "confirm_receipt",
            Action::StartNotice { .. } => "start_notice",
            Action::Approve { .. } => "approve",
            Action::StartWork => "start_work",
            Action::Progress { .. } => "progress",
            Action::Complete { .. } => "complete",
            Action::GiveFeedback { .. } => "feedback",
            Action::Rate { .. } => "rate",
            Action::RequestReopen => "reopen",
            Action::Withdraw { .. } => "withdraw",
            Action::MarkDuplicate { .. } => "duplicate",
            Action::Note { .. } => "note",
            Action::SignFor => "sign_for",
            Action::ReturnToCity { .. } => "return",
            Action::RefuseReturn { .. } => "refuse_return",
            Action::RequestExtension { .. } => "request_extension",
            Action::ApproveExtension { .. } => "approve_extension",
            Action::RefuseExtension { .. } => "refuse_extension",
            Action::Supervise { .. } => "supervise",
            Action::AnswerSupervision { .. } => "answer_supervision",
            Action::RecordCallback { .. } => "callback",
            Action::Rectify { .. } => "rectify",
            Action::RateFix { .. } => "rate_fix",
            Action::Appeal { .. } => "appeal",
            Action::DecideAppeal { uphold: true, .. } => "uphold_appeal",
            Action::DecideAppeal { uphold: false, .. } => "reject_appeal",
        }
    }

    /// The text that goes on the timeline with the event.
    pub fn text(&self) -> String {
        match self {
            Action::Route { town } => town.clone(),
            Action::Reroute { reason, .. } => reason.clone(),
            Action::AssignCommunity { name, .. } => name.clone(),
            Action::Accept { plan } => plan.clone(),
            Action::Decline { reason } | Action::Withdraw { reason } => reason.clone(),
            Action::RecordFulfilment { note } | Action::Progress { note, .. } => note.clone(),
            Action::Approve { plan, .. } => plan.clone(),
            Action::Complete { inspection } => inspection.clone(),
            Action::GiveFeedback { message } => message.clone(),
            Action::Rate { comment, .. } => comment.clone(),
            Action::MarkDuplicate { of_number } => of_number.clone(),
            Action::Note { text, .. } | Action::Publish { text } => text.clone(),
            Action::StartNotice { days } => days.to_string(),
            Action::ReturnToCity { reason } | Action::RefuseReturn { reason } | Action::RefuseExtension { reason } => {
                reason.clone()
            }
            Action::Supervise { note } => note.clone(),
            Action::AnswerSupervision { text } => text.clone(),
            Action::RecordCallback { note, .. } => note.clone(),
            Action::Rectify { note } => note.clone(),
            Action::RateFix { .. } => String::new(),
            Action::Appeal { reason } | Action::DecideAppeal { reason, .. } => reason.clone(),
            // The new date first (the timeline shows it), then the town's reason.
            Action::RequestExtension { until, reason } => format!("{} {}", crate::Date::from_timestamp(*until), reason),
            Action::ApproveExtension { until } => crate::Date::from_timestamp(*until).to_string(),
            Action::SignFor
            | Action::Claim
            | Action::ReleaseClaim
            | Action::ConfirmReceipt
            | Action::StartWork
            | Action::RequestReopen => String::new(),
        }
    }
}

/// What the lifecycle needs to know of an item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemState {
    pub kind: Kind,
    pub status: Status,
    pub rating: Option<Rating>,
    pub reopened: bool,
    /// The work order at the moment of acting ([`crate::workorder::order_state`]).
    pub order: crate::workorder::OrderState,
}

/// The result of an allowed action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub to: Status,
    /// The resident was told the outcome (反馈): a wish fulfilled or declined with its reason, a
    /// project adopted with its plan or declined with its reason.
    pub is_feedback: bool,
    /// The first reply from the town (受理回复): acceptance or decline.
    pub is_acceptance_reply: bool,
    /// Shown on the resident's public timeline.
    pub public: bool,
}

/// Why an action was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TransitionError {
    /// The action does not apply in the item's current status (or to its kind).
    NotAllowedNow,
    /// This actor may not take this action.
    NotYourAction,
    /// A required text (reason, plan, message) is empty.
    TextRequired,
    /// A number is outside its range (percent, budget).
    OutOfRange,
    /// Reopening is allowed once, after an unsatisfied rating.
    ReopenNotAllowed,
    /// A return waits for the city's decision: the town cannot answer the item meanwhile.
    ReturnPending,
}

impl TransitionError {
    /// Stable code for translation.
    pub fn code(&self) -> &'static str {
        match self {
            TransitionError::NotAllowedNow => "not_allowed_now",
            TransitionError::NotYourAction => "not_your_action",
            TransitionError::TextRequired => "text_required",
            TransitionError::OutOfRange => "out_of_range",
            TransitionError::ReopenNotAllowed => "reopen_not_allowed",
            TransitionError::ReturnPending => "return_pending",
        }
    }
}

/// Decides whether `actor` may take `action` on an item in `state`, and where it leads.
pub fn transition(state: &ItemState, actor: Actor, action: &Action) -> Result<Outcome, TransitionError> {
    use Action as A;
    use Status as S;
    let (kind, from) = (state.kind, state.status);
    let who = |allowed: &[Actor]| if allowed.contains(&actor) { Ok(()) } else { Err(TransitionError::NotYourAction) };
    let need_text = |t: &str| if t.trim().is_empty() { Err(TransitionError::TextRequired) } else { Ok(()) };
    let ok = |to: S| Outcome { to, is_feedback: false, is_acceptance_reply: false, public: true };
    let staff = &[Actor::Staff][..];
    let not_now = Err(TransitionError::NotAllowedNow);

    match action {
        A::Route { town } => {
            who(&[Actor::Staff, Actor::System])?;
            need_text(town)?;
            match from {
                S::Submitted | S::Routed => Ok(ok(S::Routed)),
                _ => not_now,
            }
        }
        A::Reroute { town, reason } => {
            who(staff)?;
            need_text(town)?;
            need_text(reason)?;
            match from {
                S::Submitted | S::Routed => Ok(Outcome { public: false, ..ok(S::Routed) }),
                _ => not_now,
            }
        }
        A::AssignCommunity { community_id, .. } => {
            who(staff)?;
            if *community_id <= 0 {
                return Err(TransitionError::OutOfRange);
            }
            if from.is_final() || matches!(from, S::Declined | S::FeedbackGiven) {
                return not_now;
            }
            Ok(ok(from))
        }
        A::Accept { plan } => {
            who(staff)?;
            need_text(plan)?;
            if state.order.return_pending {
                return Err(TransitionError::ReturnPending);
            }
            match from {
                S::Routed => Ok(Outcome { is_acceptance_reply: true, ..ok(S::Accepted) }),
                _ => not_now,
            }
        }
        A::Decline { reason } => {
            who(staff)?;
            need_text(reason)?;
            if state.order.return_pending {
                return Err(TransitionError::ReturnPending);
            }
            // Not after 受理 for a wish (accepting it was the answer); a project accepted for its public
            // notice may still be declined, with its reason.
            match (kind, from) {
                (_, S::Submitted | S::Routed) | (Kind::Project, S::Accepted | S::PublicNotice) => {
                    Ok(Outcome { is_feedback: true, is_acceptance_reply: true, ..ok(S::Declined) })
                }
                _ => not_now,
            }
        }
        A::Publish { text } => {
            who(staff)?;
            need_text(text)?;
            match (kind, from) {
                (Kind::Wish, S::Accepted) => Ok(ok(S::Published)),
                _ => not_now,
            }
        }
        A::Claim => {
            who(&[Actor::Donor, Actor::Staff])?;
            match (kind, from) {
                (Kind::Wish, S::Published) => Ok(ok(S::Claimed)),
                _ => not_now,
            }
        }
        A::ReleaseClaim => {
            who(&[Actor::System, Actor::Staff, Actor::Donor])?;
            match (kind, from) {
                (Kind::Wish, S::Claimed) => Ok(ok(S::Published)),
                _ => not_now,
            }
        }
        A::RecordFulfilment { note } => {
            who(staff)?;
            need_text(note)?;
            match (kind, from) {
                (Kind::Wish, S::Accepted | S::Published | S::Claimed) => Ok(ok(S::Fulfilled)),
                _ => not_now,
            }
        }
        A::ConfirmReceipt => {
            // Whether a delivery is waiting for confirmation is the claim's business (the store
            // checks it in the same transaction); the item's status does not change.
            who(&[Actor::Resident, Actor::Staff])?;
            match (kind, from) {
                (Kind::Wish, S::Fulfilled | S::FeedbackGiven | S::Closed) => Ok(ok(from)),
                _ => not_now,
            }
        }
        A::StartNotice { days } => {
            who(staff)?;
            if !(1..=60).contains(days) {
                return Err(TransitionError::OutOfRange);
            }
            match (kind, from) {
                (Kind::Project, S::Accepted) => Ok(ok(S::PublicNotice)),
                _ => not_now,
            }
        }
        A::Approve { budget_yuan, plan } => {
            who(staff)?;
            need_text(plan)?;
            if *budget_yuan <= 0 {
                return Err(TransitionError::OutOfRange);
            }
            match (kind, from) {
                (Kind::Project, S::PublicNotice) => Ok(Outcome { is_feedback: true, ..ok(S::Approved) }),
                _ => not_now,
            }
        }
        A::StartWork => {
            who(staff)?;
            match (kind, from) {
                (Kind::Project, S::Approved) => Ok(ok(S::InProgress)),
                _ => not_now,
            }
        }
        A::Progress { percent, note } => {
            who(staff)?;
            need_text(note)?;
            if *percent > 100 {
                return Err(TransitionError::OutOfRange);
            }
            match (kind, from) {
                (Kind::Project, S::InProgress) => Ok(ok(S::InProgress)),
                _ => not_now,
            }
        }
        A::Complete { inspection } => {
            who(staff)?;
            need_text(inspection)?;
            match (kind, from) {
                (Kind::Project, S::InProgress) => Ok(ok(S::Completed)),
                _ => not_now,
            }
        }
        A::GiveFeedback { message } => {
            who(staff)?;
            need_text(message)?;
            match (kind, from) {
                (Kind::Wish, S::Fulfilled) => Ok(Outcome { is_feedback: true, ..ok(S::FeedbackGiven) }),
                (Kind::Project, S::Completed) => Ok(ok(S::FeedbackGiven)),
                (_, S::Reopened) => Ok(Outcome { is_feedback: true, ..ok(S::FeedbackGiven) }),
                _ => not_now,
            }
        }
        A::Rate { .. } => {
            who(&[Actor::Resident])?;
            match from {
                S::FeedbackGiven | S::Declined => Ok(ok(S::Closed)),
                _ => not_now,
            }
        }
        A::RequestReopen => {
            who(&[Actor::Resident])?;
            match (from, state.rating, state.reopened) {
                (S::Closed, Some(r), false) if r.is_bad() => Ok(ok(S::Reopened)),
                (S::Closed, _, _) => Err(TransitionError::ReopenNotAllowed),
                _ => not_now,
            }
        }
        A::Withdraw { .. } => {
            who(&[Actor::Resident])?;
            match from {
                S::Submitted
                | S::Routed
                | S::Accepted
                | S::Published
                | S::Claimed
                | S::PublicNotice
                | S::Approved
                | S::InProgress => Ok(ok(S::Withdrawn)),
                _ => not_now,
            }
        }
        A::MarkDuplicate { of_number } => {
            who(staff)?;
            need_text(of_number)?;
            match from {
                S::Submitted | S::Routed | S::Accepted => Ok(ok(S::Duplicate)),
                _ => not_now,
            }
        }
        A::Note { text, public } => {
            who(staff)?;
            need_text(text)?;
            if from.is_final() {
                return not_now;
            }
            Ok(Outcome { public: *public, ..ok(from) })
        }
        A::SignFor => {
            who(staff)?;
            match from {
                S::Routed if state.order.return_pending => Err(TransitionError::ReturnPending),
                S::Routed if !state.order.signed => Ok(ok(S::Routed)),
                _ => not_now,
            }
        }
        A::ReturnToCity { reason } => {
            who(staff)?;
            need_text(reason)?;
            match from {
                S::Routed if state.order.return_open && !state.order.return_pending => {
                    Ok(Outcome { public: false, ..ok(S::Routed) })
                }
                _ => not_now,
            }
        }
        A::RefuseReturn { reason } => {
            who(staff)?;
            need_text(reason)?;
            match from {
                S::Routed if state.order.return_pending => Ok(Outcome { public: false, ..ok(S::Routed) }),
                _ => not_now,
            }
        }
        A::RequestExtension { until, reason } => {
            who(staff)?;
            need_text(reason)?;
            let Some(w) = state.order.extension else { return not_now };
            if *until <= w.due_at || *until > w.latest {
                return Err(TransitionError::OutOfRange);
            }
            Ok(Outcome { public: false, ..ok(from) })
        }
        A::ApproveExtension { until } => {
            who(staff)?;
            match state.order.extension_pending {
                Some(asked) if asked == *until && !from.is_final() => Ok(ok(from)),
                _ => not_now,
            }
        }
        A::RefuseExtension { reason } => {
            who(staff)?;
            need_text(reason)?;
            match state.order.extension_pending {
                Some(_) if !from.is_final() => Ok(Outcome { public: false, ..ok(from) }),
                _ => not_now,
            }
        }
        A::Supervise { note } => {
            who(staff)?;
            need_text(note)?;
            if !from.open_for_staff() || state.order.supervision_pending {
                return not_now;
            }
            Ok(Outcome { public: false, ..ok(from) })
        }
        A::AnswerSupervision { text } => {
            who(staff)?;
            need_text(text)?;
            if !state.order.supervision_pending {
                return not_now;
            }
            Ok(Outcome { public: false, ..ok(from) })
        }
        A::Rectify { note } => {
            who(staff)?;
            need_text(note)?;
            if !state.order.rectify_pending {
                return not_now;
            }
            Ok(ok(from))
        }
        A::RateFix { .. } => {
            who(&[Actor::Resident])?;
            if !state.order.fix_rating_open {
                return not_now;
            }
            Ok(ok(from))
        }
        A::Appeal { reason } => {
            who(staff)?;
            need_text(reason)?;
            if !state.order.appeal_open {
                return not_now;
            }
            Ok(Outcome { public: false, ..ok(from) })
        }
        A::DecideAppeal { reason, .. } => {
            who(staff)?;
            need_text(reason)?;
            if !state.order.appeal_pending {
                return not_now;
            }
            Ok(Outcome { public: false, ..ok(from) })
        }
        A::RecordCallback { reached, rating, note } => {
            who(staff)?;
            if !reached && rating.is_some() {
                return Err(TransitionError::OutOfRange);
            }
            if !reached {
                need_text(note)?;
            }
            match (from, rating, state.rating) {
                // The resident rated by phone: that closes the item as an online rating would.
                (S::FeedbackGiven | S::Declined, Some(_), None) => Ok(Outcome { public: false, ..ok(S::Closed) }),
                // … or rated the rectification of a 差评 by phone.
                (_, Some(_), Some(_)) if state.order.fix_rating_open && !from.open_for_staff() => {
                    Ok(Outcome { public: false, ..ok(from) })
                }
                (S::FeedbackGiven | S::Declined | S::Closed, None, _) => Ok(Outcome { public: false, ..ok(from) }),
                _ => not_now,
            }
        }
    }
}

pub use crate::facts::Facts;

/// Updates the facts after an allowed action at time `at`.
/// `kind` is the item's (the deadline of a reopening depends on it).
pub fn apply(
    f: &mut Facts,
    kind: Kind,
    out: &Outcome,
    action: &Action,
    at: i64,
    (rules, cal): (&crate::calendar::DeadlineRules, &crate::calendar::WorkCalendar),
) {
    if out.is_acceptance_reply && f.first_response_at.is_none() {
        f.first_response_at = Some(at);
    }
    if out.is_feedback && f.feedback_at.is_none() {
        f.feedback_at = Some(at);
    }
    match action {
        Action::Route { town } => {
            f.town_slug = Some(town.clone());
            f.routed_at = Some(at);
            f.acceptance_due_at = rules.acceptance_due(at);
            routed(f, at, (rules, cal));
        }
        Action::Reroute { town, .. } => {
            // The new town gets its own 24 hours; the village/community belonged to the old town.
            f.town_slug = Some(town.clone());
            f.community_id = None;
            f.routed_at = Some(at);
            f.acceptance_due_at = rules.acceptance_due(at);
            routed(f, at, (rules, cal));
        }
        Action::SignFor => f.signed_at = Some(at),
        // Answering an item takes it, as signing for it does.
        Action::Accept { .. } | Action::Decline { .. } if f.routed_at.is_some() => {
            f.signed_at.get_or_insert(at);
        }
        Action::ReturnToCity { .. } => {
            f.return_pending_at = Some(at);
            f.return_count += 1;
        }
        Action::RefuseReturn { .. } => f.return_pending_at = None,
        Action::RequestExtension { until, .. } => {
            f.extension_until = Some(*until);
            f.extension_count += 1;
        }
        Action::RefuseExtension { .. } => f.extension_until = None,
        Action::ApproveExtension { until } => {
            f.extension_until = None;
            // The first answer's deadline is the item's own column (`feedback_due_at`): the store moves it.
            match crate::workorder::extension_target(kind, out.to, f) {
                Some(crate::workorder::Deadline::Redo) => f.redo_due_at = Some(*until),
                Some(crate::workorder::Deadline::Completion) => f.completion_due_at = Some(*until),
                _ => {}
            }
        }
        Action::AssignCommunity { community_id, .. } => f.community_id = Some(*community_id),
        Action::Claim => {
            f.claimed_at.get_or_insert(at);
        }
        Action::RecordFulfilment { .. } => {
            f.fulfilled_at.get_or_insert(at);
        }
        Action::Supervise { .. } => {
            f.supervised_at = Some(at);
            f.supervision_due_at = Some(rules.supervision_due(cal, at));
            f.supervision_answered_at = None;
            f.supervision_count += 1;
        }
        Action::AnswerSupervision { .. } => f.supervision_answered_at = Some(at),
        Action::RecordCallback { reached, rating, note } => {
            f.callback_at = Some(at);
            f.callback_reached = Some(*reached);
            match rating {
                Some(r) if f.rating.is_some() && crate::workorder::fix_rating_open(f) => {
                    f.fix_rating = Some(*r);
                    f.fix_rated_at = Some(at);
                }
                Some(r) => {
                    f.rating = Some(*r);
                    f.rating_comment = Some(note.trim().to_string());
                    f.rated_at = Some(at);
                    f.closed_at = Some(at);
                    f.rating_source = Some(crate::RatingSource::Callback);
                    rated(f, *r, at, (rules, cal));
                }
                None => {}
            }
        }
        Action::Rectify { .. } => f.rectified_at = Some(at),
        Action::RateFix { rating } => {
            f.fix_rating = Some(*rating);
            f.fix_rated_at = Some(at);
        }
        Action::Appeal { .. } => f.appealed_at = Some(at),
        Action::DecideAppeal { uphold, .. } => f.appeal_upheld = Some(*uphold),
        Action::Rate { rating, comment, aware } => {
            rated(f, *rating, at, (rules, cal));
            f.rating_source = Some(crate::RatingSource::Online);
            f.rating = Some(*rating);
            f.rating_comment = Some(comment.trim().to_string());
            f.rated_at = Some(at);
            if aware.is_some() {
                f.aware = *aware;
            }
            f.closed_at = Some(at);
        }
        Action::RequestReopen => {
            f.reopen_count += 1;
            f.closed_at = None;
            f.redo_due_at = Some(rules.redo_due(kind, at));
            f.redo_feedback_at = None;
        }
        Action::GiveFeedback { .. } if f.redo_due_at.is_some() && f.redo_feedback_at.is_none() => {
            f.redo_feedback_at = Some(at);
        }
        Action::Withdraw { .. } | Action::MarkDuplicate { .. } => f.closed_at = Some(at),
        Action::Approve { budget_yuan, .. } => {
            f.budget_yuan = Some(*budget_yuan);
            f.completion_due_at = Some(rules.completion_due(at));
            f.adopted_at.get_or_insert(at);
        }
        Action::Progress { percent, .. } => f.progress_percent = i64::from(*percent),
        Action::Complete { .. } => {
            f.progress_percent = 100;
            f.inspected_at.get_or_insert(at);
        }
        _ => {}
    }
}

/// A new rating: a 差评 opens its rectification (整改) with a fresh deadline; any new rating ends the
/// previous one's rectification and appeal (they judged that rating).
fn rated(
    f: &mut Facts,
    r: Rating,
    at: i64,
    (rules, cal): (&crate::calendar::DeadlineRules, &crate::calendar::WorkCalendar),
) {
    f.rectify_due_at = r.is_bad().then(|| rules.rectify_due(cal, at));
    f.rectified_at = None;
    f.fix_rating = None;
    f.fix_rated_at = None;
    f.appealed_at = None;
    f.appeal_upheld = None;
}

/// A new routing: the town signs for it and may return it within its own windows.
fn routed(f: &mut Facts, at: i64, (rules, cal): (&crate::calendar::DeadlineRules, &crate::calendar::WorkCalendar)) {
    f.signed_at = None;
    f.sign_due_at = Some(rules.sign_for_due(cal, at));
    f.return_due_at = Some(rules.return_due(cal, at));
    f.return_pending_at = None;
}

/// What a resident holding the tracking link may do now.
pub fn resident_can(state: &ItemState, action: &Action) -> bool {
    transition(state, Actor::Resident, action).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(kind: Kind, status: Status) -> ItemState {
        ItemState { kind, status, rating: None, reopened: false, order: Default::default() }
    }

    fn run(kind: Kind, steps: &[(Actor, Action)]) -> (Status, usize) {
        let mut s = st(kind, Status::Submitted);
        let mut feedback = 0;
        for (actor, action) in steps {
            let out =
                transition(&s, *actor, action).unwrap_or_else(|e| panic!("{action:?} from {:?}: {e:?}", s.status));
            if out.is_feedback {
                feedback += 1;
            }
            if let Action::Rate { rating, .. } = action {
                s.rating = Some(*rating);
            }
            if matches!(action, Action::RequestReopen) {
                s.reopened = true;
            }
            s.status = out.to;
        }
        (s.status, feedback)
    }

    #[test]
    fn a_wish_runs_its_whole_life_with_one_feedback() {
        use Action::*;
        let t = |s: &str| s.to_string();
        let (end, feedback) = run(
            Kind::Wish,
            &[
                (Actor::System, Route { town: t("humen") }),
                (Actor::Staff, Accept { plan: t("verified") }),
                (Actor::Staff, Publish { text: "一位独居老人需要一台轮椅".into() }),
                (Actor::Donor, Claim),
                (Actor::Staff, RecordFulfilment { note: t("delivered") }),
                (Actor::Staff, GiveFeedback { message: t("done") }),
                (Actor::Resident, Rate { rating: Rating::Satisfied, comment: t(""), aware: None }),
            ],
        );
        assert_eq!((end, feedback), (Status::Closed, 1));
    }

    #[test]
    fn a_project_gets_feedback_at_adoption_and_is_rated_after_completion() {
        use Action::*;
        let t = |s: &str| s.to_string();
        let (end, feedback) = run(
            Kind::Project,
            &[
                (Actor::System, Route { town: t("humen") }),
                (Actor::Staff, Accept { plan: t("ok") }),
                (Actor::Staff, StartNotice { days: 7 }),
                (Actor::Staff, Approve { budget_yuan: 80_000, plan: t("plan") }),
                (Actor::Staff, StartWork),
                (Actor::Staff, Progress { percent: 50, note: t("half") }),
                (Actor::Staff, Complete { inspection: t("inspected") }),
                (Actor::Staff, GiveFeedback { message: t("finished") }),
                (Actor::Resident, Rate { rating: Rating::BasicallySatisfied, comment: t(""), aware: Some(true) }),
            ],
        );
        assert_eq!((end, feedback), (Status::Closed, 1));
    }

    #[test]
    fn reopen_only_once_and_only_after_unsatisfied() {
        let mut s = ItemState {
            kind: Kind::Wish,
            status: Status::Closed,
            rating: Some(Rating::Satisfied),
            reopened: false,
            order: Default::default(),
        };
        assert_eq!(transition(&s, Actor::Resident, &Action::RequestReopen), Err(TransitionError::ReopenNotAllowed));
        s.rating = Some(Rating::Unsatisfied);
        assert_eq!(transition(&s, Actor::Resident, &Action::RequestReopen).unwrap().to, Status::Reopened);
        let very = ItemState { rating: Some(Rating::VeryUnsatisfied), ..s.clone() };
        assert_eq!(transition(&very, Actor::Resident, &Action::RequestReopen).unwrap().to, Status::Reopened, "差评");
        let basic = ItemState { rating: Some(Rating::BasicallySatisfied), ..s.clone() };
        assert_eq!(transition(&basic, Actor::Resident, &Action::RequestReopen), Err(TransitionError::ReopenNotAllowed));
        s.reopened = true;
        assert_eq!(transition(&s, Actor::Resident, &Action::RequestReopen), Err(TransitionError::ReopenNotAllowed));
        let reopened = ItemState { status: Status::Reopened, ..s.clone() };
        let out = transition(&reopened, Actor::Staff, &Action::GiveFeedback { message: "again".into() }).unwrap();
        assert_eq!((out.to, out.is_feedback), (Status::FeedbackGiven, true));
    }

    #[test]
    fn receipt_is_confirmed_by_the_beneficiary_or_recorded_by_staff_after_delivery_only() {
        let c = Action::ConfirmReceipt;
        for from in [Status::Fulfilled, Status::FeedbackGiven, Status::Closed] {
            assert_eq!(
                transition(&st(Kind::Wish, from), Actor::Resident, &c).map(|o| (o.to, o.public)),
                Ok((from, true))
            );
            assert!(transition(&st(Kind::Wish, from), Actor::Staff, &c).is_ok());
            assert_eq!(transition(&st(Kind::Wish, from), Actor::Donor, &c), Err(TransitionError::NotYourAction));
        }
        for from in [Status::Published, Status::Claimed, Status::Accepted] {
            assert_eq!(transition(&st(Kind::Wish, from), Actor::Resident, &c), Err(TransitionError::NotAllowedNow));
        }
        assert_eq!(
            transition(&st(Kind::Project, Status::Closed), Actor::Resident, &c),
            Err(TransitionError::NotAllowedNow)
        );
        let out = transition(&st(Kind::Wish, Status::Fulfilled), Actor::Resident, &c).unwrap();
        assert!(!out.is_feedback && !out.is_acceptance_reply, "confirming is not the town's answer");
    }

    #[test]
    fn signing_for_returning_and_extending_follow_the_work_order() {
        use crate::workorder::{Deadline, ExtensionWindow, OrderState};
        let with = |status, order| ItemState { order, ..st(Kind::Wish, status) };
        let open = OrderState { return_open: true, ..OrderState::default() };
        let routed = with(Status::Routed, open);
        assert_eq!(
            transition(&routed, Actor::Staff, &Action::SignFor).map(|o| (o.to, o.public)),
            Ok((Status::Routed, true))
        );
        let signed = with(Status::Routed, OrderState { signed: true, ..open });
        assert_eq!(transition(&signed, Actor::Staff, &Action::SignFor), Err(TransitionError::NotAllowedNow));
        let back = Action::ReturnToCity { reason: "不属本镇".into() };
        assert_eq!(
            transition(&signed, Actor::Staff, &back).map(|o| o.public),
            Ok(false),
            "signed, still in the window"
        );
        let late = with(Status::Routed, OrderState::default());
        assert_eq!(transition(&late, Actor::Staff, &back), Err(TransitionError::NotAllowedNow), "window closed");
        assert_eq!(
            transition(&with(Status::Accepted, open), Actor::Staff, &back),
            Err(TransitionError::NotAllowedNow),
            "accepted items are the town's"
        );
        let pending = with(Status::Routed, OrderState { return_pending: true, ..open });
        assert_eq!(transition(&pending, Actor::Staff, &back), Err(TransitionError::NotAllowedNow));
        assert_eq!(
            transition(&pending, Actor::Staff, &Action::Accept { plan: "x".into() }),
            Err(TransitionError::ReturnPending)
        );
        assert!(transition(&pending, Actor::Staff, &Action::RefuseReturn { reason: "属本镇".into() }).is_ok());
        assert!(transition(&routed, Actor::Staff, &Action::RefuseReturn { reason: "x".into() }).is_err());
        // Extensions: within the window, one request at a time, approved as asked.
        let w = ExtensionWindow { deadline: Deadline::Feedback, due_at: 1_000, latest: 5_000 };
        let accepted = with(Status::Accepted, OrderState { extension: Some(w), ..OrderState::default() });
        let ask = |until| Action::RequestExtension { until, reason: "等待配件".into() };
        assert_eq!(transition(&accepted, Actor::Staff, &ask(1_000)), Err(TransitionError::OutOfRange));
        assert_eq!(transition(&accepted, Actor::Staff, &ask(5_001)), Err(TransitionError::OutOfRange));
        assert_eq!(transition(&accepted, Actor::Staff, &ask(5_000)).map(|o| o.public), Ok(false));
        assert_eq!(
            transition(&with(Status::Accepted, OrderState::default()), Actor::Staff, &ask(2_000)),
            Err(TransitionError::NotAllowedNow)
        );
        let asked = with(Status::Accepted, OrderState { extension_pending: Some(3_000), ..OrderState::default() });
        assert_eq!(
            transition(&asked, Actor::Staff, &Action::ApproveExtension { until: 3_000 }).map(|o| o.public),
            Ok(true)
        );
        assert!(transition(&asked, Actor::Staff, &Action::ApproveExtension { until: 4_000 }).is_err());
        assert!(transition(&asked, Actor::Staff, &Action::RefuseExtension { reason: "x".into() }).is_ok());
        assert!(transition(&accepted, Actor::Staff, &Action::RefuseExtension { reason: "x".into() }).is_err());
        assert_eq!(
            transition(&asked, Actor::Resident, &Action::ApproveExtension { until: 3_000 }),
            Err(TransitionError::NotYourAction)
        );
    }

    #[test]
    fn routing_opens_the_sign_for_and_return_windows_and_an_approval_moves_the_deadline() {
        let (rules, cal) = (crate::calendar::DeadlineRules::default(), crate::WorkCalendar::default());
        let monday_9 = crate::Date::new(2026, 11, 30).unwrap().start_ts() + 9 * 3600;
        let mut f = Facts::default();
        let route = Action::Route { town: "humen".into() };
        let out = transition(&st(Kind::Wish, Status::Submitted), Actor::System, &route).unwrap();
        apply(&mut f, Kind::Wish, &out, &route, monday_9, (&rules, &cal));
        assert_eq!(f.sign_due_at, Some(monday_9 + 2 * 3600));
        assert_eq!(f.return_due_at, Some(crate::Date::new(2026, 12, 2).unwrap().end_ts()));
        let accept = Action::Accept { plan: "x".into() };
        let out = transition(&st(Kind::Wish, Status::Routed), Actor::Staff, &accept).unwrap();
        apply(&mut f, Kind::Wish, &out, &accept, monday_9 + 60, (&rules, &cal));
        assert_eq!(f.signed_at, Some(monday_9 + 60), "answering takes the item");
        let redo = Facts {
            feedback_at: Some(1),
            redo_due_at: Some(10_000),
            extension_until: Some(20_000),
            ..Facts::default()
        };
        let mut g = redo.clone();
        let approve = Action::ApproveExtension { until: 20_000 };
        let out = Outcome { to: Status::Reopened, is_feedback: false, is_acceptance_reply: false, public: true };
        apply(&mut g, Kind::Wish, &out, &approve, 5, (&rules, &cal));
        assert_eq!((g.redo_due_at, g.extension_until), (Some(20_000), None));
    }

    #[test]
    fn supervision_waits_for_the_towns_answer_and_a_callback_may_carry_the_rating() {
        use crate::workorder::OrderState;
        use crate::RatingSource;
        let rules = (&crate::calendar::DeadlineRules::default(), &crate::WorkCalendar::default());
        let sup = Action::Supervise { note: "请加快办理".into() };
        let accepted = st(Kind::Wish, Status::Accepted);
        assert_eq!(transition(&accepted, Actor::Staff, &sup).map(|o| (o.to, o.public)), Ok((Status::Accepted, false)));
        assert_eq!(
            transition(&st(Kind::Wish, Status::Closed), Actor::Staff, &sup),
            Err(TransitionError::NotAllowedNow)
        );
        let pending =
            ItemState { order: OrderState { supervision_pending: true, ..OrderState::default() }, ..accepted.clone() };
        assert_eq!(transition(&pending, Actor::Staff, &sup), Err(TransitionError::NotAllowedNow), "one at a time");
        let answer = Action::AnswerSupervision { text: "已安排".into() };
        assert!(transition(&pending, Actor::Staff, &answer).is_ok());
        assert_eq!(transition(&accepted, Actor::Staff, &answer), Err(TransitionError::NotAllowedNow));
        let mut f = Facts::default();
        let monday = crate::Date::new(2026, 11, 30).unwrap();
        apply(
            &mut f,
            Kind::Wish,
            &transition(&accepted, Actor::Staff, &sup).unwrap(),
            &sup,
            monday.start_ts() + 36_000,
            rules,
        );
        assert_eq!(f.supervision_due_at, Some(monday.add_days(3).end_ts()), "three working days: Thursday");
        assert_eq!(f.supervision_count, 1);

        // 回访: a rating by phone closes an unrated item; a rated one keeps its rating.
        let call = |reached, rating| Action::RecordCallback { reached, rating, note: "电话回访".into() };
        let fed = st(Kind::Wish, Status::FeedbackGiven);
        let out =
            transition(&fed, Actor::Staff, &call(true, Some(Rating::Satisfied))).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(out.to, Status::Closed);
        let mut g = Facts::default();
        apply(&mut g, Kind::Wish, &out, &call(true, Some(Rating::Satisfied)), 77, rules);
        assert_eq!(
            (g.rating_source, g.callback_reached, g.closed_at),
            (Some(RatingSource::Callback), Some(true), Some(77))
        );
        assert_eq!(
            transition(&fed, Actor::Staff, &call(false, Some(Rating::Satisfied))),
            Err(TransitionError::OutOfRange)
        );
        assert_eq!(
            transition(&fed, Actor::Staff, &call(false, None)).map(|o| o.to),
            Ok(Status::FeedbackGiven),
            "not reached"
        );
        let rated = ItemState { rating: Some(Rating::Satisfied), ..st(Kind::Wish, Status::Closed) };
        assert_eq!(transition(&rated, Actor::Staff, &call(true, None)).map(|o| o.to), Ok(Status::Closed));
        assert_eq!(
            transition(&rated, Actor::Staff, &call(true, Some(Rating::Unsatisfied))),
            Err(TransitionError::NotAllowedNow)
        );
        let mut h = Facts::default();
        let rate = Action::Rate { rating: Rating::Satisfied, comment: String::new(), aware: None };
        apply(&mut h, Kind::Wish, &transition(&fed, Actor::Resident, &rate).unwrap(), &rate, 5, rules);
        assert_eq!(h.rating_source, Some(RatingSource::Online));
    }

    #[test]
    fn withdrawal_stops_at_fulfilment() {
        let w = Action::Withdraw { reason: String::new() };
        assert!(resident_can(&st(Kind::Wish, Status::Claimed), &w));
        assert!(!resident_can(&st(Kind::Wish, Status::Fulfilled), &w));
        assert!(!resident_can(&st(Kind::Wish, Status::Closed), &w));
        assert!(resident_can(&st(Kind::Project, Status::InProgress), &w));
        assert!(!resident_can(&st(Kind::Project, Status::Completed), &w));
    }

    #[test]
    fn actors_and_kinds_are_checked() {
        let accept = Action::Accept { plan: "x".into() };
        assert_eq!(
            transition(&st(Kind::Wish, Status::Routed), Actor::Resident, &accept),
            Err(TransitionError::NotYourAction)
        );
        assert_eq!(
            transition(&st(Kind::Project, Status::Accepted), Actor::Staff, &Action::Publish { text: "修路灯".into() }),
            Err(TransitionError::NotAllowedNow)
        );
        assert_eq!(
            transition(&st(Kind::Wish, Status::Routed), Actor::Staff, &Action::Decline { reason: " ".into() }),
            Err(TransitionError::TextRequired)
        );
        let rate = Action::Rate { rating: Rating::Satisfied, comment: String::new(), aware: None };
        assert!(!resident_can(&st(Kind::Wish, Status::Accepted), &rate));
        assert!(resident_can(&st(Kind::Wish, Status::Declined), &rate));
        assert_eq!(
            transition(
                &st(Kind::Project, Status::InProgress),
                Actor::Staff,
                &Action::Progress { percent: 101, note: "x".into() }
            ),
            Err(TransitionError::OutOfRange)
        );
    }

    #[test]
    fn a_project_keeps_when_it_was_adopted_and_inspected() {
        let rules = (&crate::calendar::DeadlineRules::default(), &Default::default());
        let mut f = Facts::default();
        let approve = Action::Approve { budget_yuan: 60_000, plan: "立项".into() };
        let out = transition(&st(Kind::Project, Status::PublicNotice), Actor::Staff, &approve).unwrap();
        apply(&mut f, Kind::Project, &out, &approve, 1_000, rules);
        assert_eq!((f.adopted_at, f.budget_yuan, f.inspected_at), (Some(1_000), Some(60_000), None));
        let done = Action::Complete { inspection: "验收合格".into() };
        let out = transition(&st(Kind::Project, Status::InProgress), Actor::Staff, &done).unwrap();
        apply(&mut f, Kind::Project, &out, &done, 5_000, rules);
        assert_eq!((f.adopted_at, f.inspected_at, f.progress_percent), (Some(1_000), Some(5_000), 100));
        // The first adoption and inspection count: a later one does not move the budget's year.
        apply(&mut f, Kind::Project, &out, &approve, 9_000, rules);
        apply(&mut f, Kind::Project, &out, &done, 9_500, rules);
        assert_eq!((f.adopted_at, f.inspected_at), (Some(1_000), Some(5_000)));
    }

    #[test]
    fn rerouting_needs_a_reason_resets_the_clock_and_forgets_the_village() {
        let rules = crate::calendar::DeadlineRules::default();
        let s = st(Kind::Wish, Status::Routed);
        let bad = Action::Reroute { town: "humen".into(), reason: " ".into() };
        assert_eq!(transition(&s, Actor::Staff, &bad), Err(TransitionError::TextRequired));
        let a = Action::Reroute { town: "humen".into(), reason: "地址在虎门".into() };
        let out = transition(&s, Actor::Staff, &a).unwrap();
        assert_eq!((out.to, out.public), (Status::Routed, false));
        let mut f = Facts { town_slug: Some("changan".into()), community_id: Some(9), ..Facts::default() };
        apply(&mut f, Kind::Wish, &out, &a, 1_000, (&rules, &Default::default()));
        assert_eq!(
            (f.town_slug.as_deref(), f.community_id, f.acceptance_due_at),
            (Some("humen"), None, 1_000 + 24 * 3600)
        );
        assert_eq!(
            transition(&st(Kind::Wish, Status::Accepted), Actor::Staff, &a),
            Err(TransitionError::NotAllowedNow)
        );
        assert_eq!(transition(&s, Actor::Resident, &a), Err(TransitionError::NotYourAction));
    }

    #[test]
    fn a_reopened_item_gets_a_fresh_answer_deadline_and_the_first_answer_keeps_its_own() {
        use crate::calendar::{Date, DeadlineRules};
        let rules = DeadlineRules::default();
        let day = |s: &str| Date::parse(s).unwrap();
        // Rated 不满意 and reopened on 2026-11-20 at noon (local time): a wish's redo is due at the end of
        // 2026-12-20, a project's 30 days on, at the end of 2026-12-20 too (November has 30 days).
        let at = day("2026-11-20").start_ts() + 12 * 3600;
        let first_answer = day("2026-11-02").start_ts();
        for (kind, due) in [(Kind::Wish, "2026-12-20"), (Kind::Project, "2026-12-20")] {
            let mut f = Facts { feedback_at: Some(first_answer), closed_at: Some(at - 60), ..Facts::default() };
            let s = ItemState {
                kind,
                status: Status::Closed,
                rating: Some(Rating::Unsatisfied),
                reopened: false,
                order: Default::default(),
            };
            let out = transition(&s, Actor::Resident, &Action::RequestReopen).unwrap();
            apply(&mut f, kind, &out, &Action::RequestReopen, at, (&rules, &Default::default()));
            assert_eq!(out.to, Status::Reopened);
            assert_eq!(f.redo_due_at, Some(day(due).end_ts()), "{kind:?}");
            assert_eq!((f.feedback_at, f.closed_at, f.reopen_count), (Some(first_answer), None, 1), "{kind:?}");
            let answer = Action::GiveFeedback { message: "已重新处理".into() };
            let s = ItemState { status: Status::Reopened, reopened: true, ..s };
            let out = transition(&s, Actor::Staff, &answer).unwrap();
            apply(&mut f, kind, &out, &answer, at + 86_400, (&rules, &Default::default()));
            assert_eq!(
                (out.to, f.redo_feedback_at, f.feedback_at),
                (Status::FeedbackGiven, Some(at + 86_400), Some(first_answer))
            );
        }
        // A redo deadline in January follows the calendar month: 2027-01-31 → 2027-02-28.
        assert_eq!(rules.redo_due(Kind::Wish, day("2027-01-31").start_ts()), day("2027-02-28").end_ts());
    }

    #[test]
    fn assigning_a_village_keeps_the_status() {
        let a = Action::AssignCommunity { community_id: 3, name: "太平社区".into() };
        let out = transition(&st(Kind::Project, Status::Accepted), Actor::Staff, &a).unwrap();
        assert_eq!(out.to, Status::Accepted);
        let mut f = Facts::default();
        apply(&mut f, Kind::Wish, &out, &a, 5, (&crate::calendar::DeadlineRules::default(), &Default::default()));
        assert_eq!(f.community_id, Some(3));
        assert_eq!(
            transition(&st(Kind::Project, Status::Closed), Actor::Staff, &a),
            Err(TransitionError::NotAllowedNow)
        );
    }
}
