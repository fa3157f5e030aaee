//! `/staff/admin`: accounts (invite, disable, reset), caps and deadlines, the working-day calendar
//! (holidays and 调休 per year) and the villages/communities of each town. Admins only, checked on the
//! server in the page's server function and in every form post.

pub mod api;
#[cfg(feature = "ssr")]
pub mod ops;
pub mod pages;

use crate::staff::Me;
use crate::ui::TownOption;
use domain::staff::SettingsInput;
use domain::{FieldError, Role};
use serde::{Deserialize, Serialize};

/// A staff account as the admin page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountView {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub town_name: Option<String>,
    pub active: bool,
    pub last_sign_in_at: Option<i64>,
}

/// A special day of the calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayView {
    pub day: String,
    pub holiday: bool,
    pub note: String,
}

/// A village/community with its state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunityView {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub active: bool,
}

/// Everything the admin page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminView {
    pub me: Me,
    pub accounts: Vec<AccountView>,
    pub towns: Vec<TownOption>,
    pub settings: SettingsInput,
    pub year: i32,
    pub days: Vec<DayView>,
    pub town: String,
    pub communities: Vec<CommunityView>,
    pub mail: MailView,
    /// Towns' micro-project allocations for `year`: (town slug, town name, yuan).
    pub budgets: Vec<(String, String, i64)>,
    /// The abuse limits now: (limit, maximum).
    pub abuse: Vec<(domain::abuse::Limit, i64)>,
    /// Open311 keys, newest first.
    pub open311_keys: Vec<Open311KeyView>,
}

/// An Open311 key as the admin page lists it: never the key, only its first characters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Open311KeyView {
    pub id: i64,
    pub label: String,
    pub hint: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub requests: i64,
}

/// The mail outbox at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailView {
    /// `Some(host)` with a mail server; `None` when mails are written to files.
    pub smtp_host: Option<String>,
    /// The folder mails are written to without a mail server.
    pub dir: String,
    /// Mails per status.
    pub counts: Vec<(String, i64)>,
    /// Parked and uncertain mails and texts, newest first (at most 50).
    pub problems: Vec<store_types::OutboxEntryView>,
    /// How texts leave: `Some((gateway, address))` through a gateway, `None` as files in `dir`.
    pub sms_gateway: Option<(String, String)>,
    /// Texts sent in the last 24 hours, and their parts (what the carrier bills).
    pub sms_day: (i64, i64),
    /// Each text template in each language: (template, language, parts, UTF-16 units) of a sample.
    pub sms_templates: Vec<(String, String, i64, i64)>,
}

/// Plain copies of store types the page needs (the store is server-only).
pub mod store_types {
    use serde::{Deserialize, Serialize};

    /// A mail that needs an admin.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct OutboxEntryView {
        pub id: i64,
        pub kind: String,
        /// `mail` or `sms`.
        pub channel: String,
        /// The recipient (a phone partly hidden).
        pub to: String,
        pub status: String,
        pub attempts: i64,
        pub created_at: i64,
        pub last_error: String,
        pub item_number: Option<String>,
    }
}

/// Any admin form, as posted (each form uses some of the fields).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AdminForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub town: String,
    /// A village worker's village or community, by its name in the town.
    #[serde(default)]
    pub community: String,
    #[serde(default)]
    pub id: String,
    #[serde(flatten)]
    pub settings: SettingsInput,
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub day_kind: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub budget_town: String,
    #[serde(default)]
    pub budget_year: String,
    #[serde(default)]
    pub amount: String,
    /// The abuse limits form (`limit_{code}` fields) and any other field, as typed.
    #[serde(flatten)]
    pub more: std::collections::BTreeMap<String, String>,
}

/// An admin form that needs changes, or the one-time password of an account just made or reset.
#[derive(Clone, Debug, Default)]
pub struct PostedAdmin {
    pub form: String,
    pub values: AdminForm,
    pub errors: Vec<FieldError>,
    /// `(email, password)` shown once after an invitation or a reset.
    pub one_time_password: Option<(String, String)>,
    /// `(label, key)` of an Open311 key just issued, shown once.
    pub new_key: Option<(String, String)>,
}
