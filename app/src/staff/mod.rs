//! The staff side: sign-in page, the town inbox and the item page with its actions. Pages render on
//! the server only (no islands: staff work on office desktops and every form posts); the data comes
//! from server functions that check the session, role and town on every call.

pub mod api;
pub mod bar;
#[cfg(feature = "ssr")]
pub mod export;
pub mod inbox;
pub mod item;
#[cfg(feature = "ssr")]
pub mod ops;
pub mod password;
#[cfg(feature = "ssr")]
pub mod session;
pub mod texts;
#[cfg(feature = "ssr")]
pub mod texts_ops;

use crate::ui::{CommunityOption, DeadlineView, TownOption};
use domain::staff::DueBadge;
use domain::{FieldError, Kind, Rating, Role, Status, Tab};
use serde::{Deserialize, Serialize};

/// Rows per inbox page.
pub const INBOX_PAGE_SIZE: i64 = 50;
/// The most rows one CSV export carries.
pub const CSV_MAX_ROWS: i64 = 50_000;

/// The answer of a staff server function: the data, or why not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Guarded<T> {
    Ok(T),
    /// Nobody is signed in (or the account was disabled).
    SignIn,
    /// Signed in, but this role may not use this page.
    Forbidden,
    /// No such item, or not one this person may see (the same answer, so existence does not leak).
    NotFound,
}

#[cfg(feature = "ssr")]
impl<T> Guarded<T> {
    /// A page's answer from its operation: the three refusals the page words in place travel as
    /// data; any other error is the server function's error.
    pub fn of(r: crate::error::AppResult<T>) -> Result<Guarded<T>, leptos::prelude::ServerFnError> {
        use crate::error::AppError;
        match r {
            Ok(v) => Ok(Guarded::Ok(v)),
            Err(AppError::SignIn) => Ok(Guarded::SignIn),
            Err(AppError::Forbidden) => Ok(Guarded::Forbidden),
            Err(AppError::NotFound) => Ok(Guarded::NotFound),
            Err(e) => Err(e.into_server_fn_error()),
        }
    }
}

/// The signed-in staff member, for the page header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub town_name: Option<String>,
}

/// The inbox filters as they stand in the URL (`/staff?tab=overdue&kind=wish&q=轮椅&page=2`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InboxFilters {
    #[serde(default)]
    pub tab: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub community: String,
    /// City-wide roles only: a town slug, `""` for the city queue (unrouted), absent for all towns.
    #[serde(default)]
    pub town: Option<String>,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub page: String,
}

impl InboxFilters {
    /// The query string for these filters with another tab and page.
    pub fn href(&self, tab: &str, page: i64) -> String {
        let mut parts = vec![format!("tab={tab}")];
        for (k, v) in [
            ("kind", &self.kind),
            ("status", &self.status),
            ("category", &self.category),
            ("community", &self.community),
            ("q", &self.q),
        ] {
            if !v.trim().is_empty() {
                parts.push(format!("{k}={}", urlencode(v.trim())));
            }
        }
        if let Some(town) = &self.town {
            parts.push(format!("town={}", urlencode(town)));
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        format!("?{}", parts.join("&"))
    }
}

fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// One line of the inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxLine {
    pub number: String,
    pub kind: Kind,
    pub status: Status,
    pub category: String,
    pub title: String,
    pub town_name: Option<String>,
    pub community_name: Option<String>,
    pub amount_yuan: i64,
    pub urgent: bool,
    pub submitted_at: i64,
    pub due_at: Option<i64>,
    pub badge: Option<DueBadge>,
    pub assignee_name: Option<String>,
}

/// The inbox page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxView {
    pub me: Me,
    pub all_towns: bool,
    pub tab: Tab,
    pub counts: Vec<(Tab, i64)>,
    pub lines: Vec<InboxLine>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub towns: Vec<TownOption>,
    pub communities: Vec<CommunityOption>,
}

/// Contact details: in full for staff of the item's town and dispatchers, masked for leaders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactView {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub full: bool,
}

/// The beneficiary as staff see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BeneficiaryView {
    pub name: String,
    /// Empty when they have none.
    pub phone: String,
    pub address: String,
    /// A [`domain::validate::Relation`] code.
    pub relation: String,
}

/// What the publish step shows: the draft of the wall's text and the card it goes on (its `need`
/// is filled from the text being reviewed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishView {
    pub draft: String,
    pub card: crate::wishes::WallCard,
}

/// A timeline entry as staff see it (internal notes included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffEventView {
    pub at: i64,
    pub actor: String,
    pub label: String,
    pub action: String,
    pub public: bool,
    pub body: String,
}

/// An audit entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditView {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub detail: String,
    pub remote_addr: String,
}

/// The staff item page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffItemView {
    pub me: Me,
    /// The work order: 签收, 退单 and 延期 as they stand.
    pub order: OrderView,
    pub number: String,
    pub kind: Kind,
    pub status: Status,
    pub category: String,
    pub title: String,
    pub description: String,
    pub location: String,
    pub amount_yuan: i64,
    pub urgent: bool,
    /// Wishes: `Some(true)` when the amount rule sends it straight to the village/community.
    pub handling: Option<bool>,
    pub town_slug: Option<String>,
    pub town_name: Option<String>,
    pub community_id: Option<i64>,
    pub community_name: Option<String>,
    pub submitted_by: String,
    pub helper_org: String,
    pub contact: ContactView,
    /// The place in the resident's words (not listed / not sure), for assigning the village.
    pub place_text: String,
    /// The person a helper or organisation submitted for (masked like the contact).
    pub beneficiary: Option<BeneficiaryView>,
    /// Wishes: the wall's text once published.
    pub public_text: Option<String>,
    /// Wishes that can be published: the first draft of the wall's text and the card around it.
    pub publish: Option<PublishView>,
    pub submitted_at: i64,
    pub deadlines: Vec<DeadlineView>,
    pub next_due_at: Option<i64>,
    pub badge: Option<DueBadge>,
    pub events: Vec<StaffEventView>,
    pub audit: Vec<AuditView>,
    /// Action codes the lifecycle allows now for this person.
    pub actions: Vec<String>,
    /// Of those, the ones whose step and text the resident sees on the tracking page (the others stay
    /// internal); each form says which.
    #[serde(default)]
    pub public_actions: Vec<String>,
    /// The one action that moves the item on now, when this person may take it: first and marked.
    #[serde(default)]
    pub next_action: Option<String>,
    pub can_act: bool,
    /// Towns to re-route to (dispatchers only).
    pub towns: Vec<TownOption>,
    pub communities: Vec<CommunityOption>,
    pub assignee_name: Option<String>,
    pub rating: Option<Rating>,
    pub rating_comment: String,
    /// Donors' claims of this wish, newest first (staff of the town see the donor's contact).
    pub claims: Vec<StaffClaimView>,
    /// Projects put under public notice: residents' voices and when the notice ends.
    pub voices: Option<StaffVoicesView>,
    pub photos: Vec<crate::photos::PhotoView>,
    pub version: i64,
    /// Open items of the same kind in the same village or community whose words are alike, most alike
    /// first (`domain::duplicates`): the original this one may repeat.
    #[serde(default)]
    pub similar: Vec<SimilarItemView>,
    /// Residents who asked for this: the item and the duplicates merged into it.
    #[serde(default)]
    pub askers: i64,
}

/// An open item like the one on the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimilarItemView {
    pub number: String,
    /// Its title, or the start of a wish's need.
    pub text: String,
    pub status: Status,
    pub submitted_at: i64,
    /// How alike, in percent (`domain::duplicates::similarity`).
    pub percent: i64,
}

/// Residents' voices on a project under (or after) public notice, for the adoption decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffVoicesView {
    pub notice_ends_at: i64,
    pub supports: i64,
    pub objections: i64,
    /// Objections with their reasons, oldest first (never who gave them).
    pub reasons: Vec<(i64, String)>,
}

/// A donor's claim as staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffClaimView {
    pub donor_kind: domain::claims::DonorKind,
    pub donor_name: String,
    pub contact: String,
    pub status: domain::claims::ClaimStatus,
    pub created_at: i64,
    pub hold_until: i64,
    pub thank_publicly: bool,
}

/// The work order of an item on the staff item page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderView {
    /// When the town must sign for it (签收), and when it did.
    pub sign_due_at: Option<i64>,
    pub signed_at: Option<i64>,
    /// A return (退单) waiting for the city, since then.
    pub return_pending_at: Option<i64>,
    /// Until when the town may return it.
    pub return_due_at: Option<i64>,
    /// Returned more than once: the dispatcher should look why.
    pub returned_repeatedly: bool,
    /// The new deadline an extension request asks for, waiting for the city.
    pub extension_until: Option<i64>,
    /// An extension may be asked now: the deadline it moves and the latest date allowed.
    pub extension_due_at: Option<i64>,
    pub extension_latest: Option<i64>,
    pub extension_count: i64,
    /// A 督办 waiting for the town's answer, by this time.
    pub supervision_due_at: Option<i64>,
    pub supervision_count: i64,
    /// The last callback (回访), and whether the resident was reached.
    pub callback_at: Option<i64>,
    pub callback_reached: Option<bool>,
    /// `online` or `callback`.
    pub rating_source: Option<String>,
    /// A 差评's rectification (整改): due by, recorded at, and the resident's rating of the fix.
    pub rectify_due_at: Option<i64>,
    pub rectified_at: Option<i64>,
    pub fix_rating: Option<domain::Rating>,
    /// The town's appeal against the 差评 (申诉), and the city's decision.
    pub appealed_at: Option<i64>,
    pub appeal_upheld: Option<bool>,
}

/// A staff action as posted from the item page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StaffActForm {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub plan: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub inspection: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub public: Option<String>,
    #[serde(default)]
    pub percent: String,
    #[serde(default)]
    pub budget: String,
    #[serde(default)]
    pub days: String,
    #[serde(default)]
    pub of_number: String,
    #[serde(default)]
    pub town: String,
    #[serde(default)]
    pub community_id: String,
    /// The new deadline asked for by an extension request, `YYYY-MM-DD`.
    #[serde(default)]
    pub until: String,
    /// A callback: `yes` or `no` (reached), and the rating the resident gave by phone (a code or empty).
    #[serde(default)]
    pub reached: String,
    #[serde(default)]
    pub rating: String,
    /// The wall's text of a wish (publish).
    #[serde(default)]
    pub public_text: String,
    /// "Show the preview" instead of publishing.
    #[serde(default)]
    pub preview: Option<String>,
}

/// A staff action form that needs changes, re-rendered with the errors and what was typed.
#[derive(Clone, Debug)]
pub struct PostedStaffAction {
    pub form: StaffActForm,
    pub errors: Vec<FieldError>,
}

/// A photo upload that was refused, re-rendered with the message next to the field and the caption.
#[derive(Clone, Debug, Default)]
pub struct PostedPhoto {
    pub caption: String,
    pub errors: Vec<FieldError>,
}

/// A sign-in that failed.
#[derive(Clone, Debug)]
pub struct PostedSignIn {
    pub email: String,
    pub errors: Vec<FieldError>,
    pub too_many: bool,
}

/// The signed-in staff member's texts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffTextsView {
    /// The proved mobile, partly hidden (`138****8000`).
    pub phone: Option<String>,
    /// Texts are on.
    pub on: bool,
    /// A code was texted to this mobile (partly hidden) and is awaited.
    pub pending: Option<String>,
}

/// A texts form posted with problems: which step (`send`, `verify`), what was typed, the errors.
#[derive(Clone, Debug, Default)]
pub struct PostedTexts {
    pub step: String,
    pub phone: String,
    pub errors: Vec<FieldError>,
}
