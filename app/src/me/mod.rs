//! "My items" for residents who gave an email: sign in with a one-time code sent to that address,
//! then see every item submitted with it. And the mail preferences page behind the link in every
//! non-essential mail. Both render on the server and work with plain form posts.

pub mod api;
#[cfg(feature = "ssr")]
pub mod ops;
pub mod pages;

use domain::{FieldError, Kind};
use serde::{Deserialize, Serialize};

/// The session key holding a signed-in resident's address.
pub const SESSION_RESIDENT: &str = "resident_email";
/// The session key holding the address a code was sent to (waiting for the code).
pub const SESSION_PENDING: &str = "resident_pending";

/// One of the resident's items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyItemRow {
    pub number: String,
    pub kind: Kind,
    pub title: String,
    pub status: String,
    pub token: String,
    pub submitted_at: i64,
}

/// What `/me` shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct MyItemsView {
    /// Signed in as this address.
    pub address: Option<String>,
    /// A code was sent to this address; waiting for it.
    pub pending: Option<String>,
    pub items: Vec<MyItemRow>,
    /// Projects this address supported or objected to, newest first.
    pub voices: Vec<MyVoiceRow>,
}

/// A project the resident gave a voice on, to follow it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyVoiceRow {
    pub number: String,
    pub title: String,
    pub status: String,
    /// `support` or `objection`.
    pub stance: String,
    pub at: i64,
}

/// A `/me` form posted without JavaScript that needs changes.
#[derive(Clone, Debug, Default)]
pub struct PostedMe {
    /// `email` or `code`.
    pub form: String,
    pub email: String,
    pub errors: Vec<FieldError>,
}

/// The mail preferences behind a link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailPrefsView {
    /// The address, partly hidden.
    pub address: String,
    pub updates_off: bool,
}

/// Hides most of an address: `wang.fang@example.org` → `wa***@example.org`, `13800138000` →
/// `138****8000`.
pub fn mask_address(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().take(2).collect::<String>()),
        None if address.chars().filter(char::is_ascii_digit).count() >= 8 => domain::mask::mask_phone(address),
        None => "***".into(),
    }
}
