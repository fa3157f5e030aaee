//! The mail outbox, recipients' preferences and residents' one-time sign-in codes.
//!
//! Mails caused by an item's event are queued inside that event's transaction ([`queue_item_mails`],
//! called by `create_item` and `act_by`), so a mail exists exactly when its event does. The worker in
//! the server takes one due mail at a time with [`Db::claim_mail`] (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL, so several instances never take the same row), marks it `sending`, hands it to the
//! mail server, then records [`Db::mail_sent`] or [`Db::mail_failed`]. A row left in `sending` by a
//! worker that died becomes `uncertain` after the lease ([`Db::mail_recover_stale`]): the mail server
//! may have accepted it, so it is never sent again without an admin saying so.

mod codes;
mod outbox;
mod prefs;

use domain::lifecycle::{Action, Actor, Outcome};
use domain::mail::MailKind;
use domain::sms::Channel;
use domain::Kind;
pub(crate) use outbox::{enqueue, queue_item_mails};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A mail to queue.
#[derive(Debug, Clone, PartialEq)]
pub struct MailRequest {
    pub kind: MailKind,
    pub to: String,
    pub lang: String,
    pub item_id: Option<i64>,
    /// What the template needs, as JSON (see [`MailParams`]).
    pub params: MailParams,
    /// A mail with a key is queued at most once (deadline warnings).
    pub dedupe_key: Option<String>,
}

/// What a template may use. Everything is captured when the event happens, so a retry a day later
/// sends the same words.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MailParams {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub number: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// `wish` or `project`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    /// The tracking token (the link is built with the public base URL when the mail is sent).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub token: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub town: String,
    /// The action code that caused the mail, and its text (reason, plan, message, note).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub action: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// The status after the event.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status: String,
    /// Why staff are told (`new`, `routed`, `rerouted`, `reopened`, `unrouted`), or which deadline.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// A deadline (unix seconds) for deadline warnings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<i64>,
    /// A one-time sign-in code (erased from the row once sent).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub code: String,
    /// A text's short link (`/s/{short}`) to the page the mail would link to, made when it is queued.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub short: String,
    /// A non-essential text's short link to the recipient's preferences page.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub prefs_short: String,
}

/// A mail taken by a worker.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxMail {
    pub id: i64,
    pub kind: MailKind,
    /// A mail, or a text to a mobile phone.
    pub channel: Channel,
    pub to: String,
    pub lang: String,
    pub item_id: Option<i64>,
    pub params: MailParams,
    /// Attempts before this one.
    pub attempts: i64,
    pub created_at: i64,
    /// The secret of the recipient's preferences page.
    pub prefs_token: Option<String>,
}

/// A row of the outbox as the admin page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub kind: String,
    /// `mail` or `sms`.
    pub channel: String,
    /// A text's parts, once sent.
    pub segments: Option<i64>,
    /// A text's latest delivery report (`delivered`, `failed`, …).
    pub delivery: Option<String>,
    pub to: String,
    pub status: String,
    pub attempts: i64,
    pub created_at: i64,
    pub next_attempt_at: i64,
    pub sent_at: Option<i64>,
    pub last_error: String,
    pub item_number: Option<String>,
}

/// What the worker asks of a retry: how many attempts, and the backoff.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    pub max_attempts: i64,
    pub base_secs: i64,
    pub cap_secs: i64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        use domain::mail::delivery::*;
        RetryPolicy { max_attempts: MAX_ATTEMPTS, base_secs: RETRY_BASE_SECS, cap_secs: RETRY_CAP_SECS }
    }
}

/// What happened to a mail whose attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailFate {
    /// Tried again at this time.
    RetryAt(i64),
    /// Given up (too many attempts, or the mail server refused it for good); an admin can retry.
    Parked,
}

/// What a resident asking for a sign-in code gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRequest {
    /// A code was made (and mailed if the address has items; the answer is the same either way, so the
    /// form does not tell strangers which addresses are known).
    Made,
    /// Too many codes for this address or from this client lately.
    TooMany,
}

/// The result of checking a typed code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    Ok,
    Wrong,
    Expired,
    /// The code was used already.
    Used,
    /// Too many wrong tries; ask for a new code.
    TooManyTries,
}

/// One of a resident's items, for "my items".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyItem {
    pub number: String,
    pub kind: Kind,
    pub title: String,
    pub status: String,
    pub token: String,
    pub submitted_at: i64,
}

/// The item as the mail hooks need it.
pub(crate) struct MailItem<'a> {
    pub id: i64,
    pub number: &'a str,
    pub kind: Kind,
    pub title: &'a str,
    /// A wish has no title: its mails name it by the start of the need.
    pub description: &'a str,
    pub token: &'a str,
    pub contact_email: Option<&'a str>,
    /// The resident's mobile: the essential messages always go there as texts.
    pub contact_phone: &'a str,
    pub lang: &'a str,
}

/// What happened to an item, for the mail hooks.
pub(crate) enum ItemMailEvent<'a> {
    Submitted {
        town: Option<&'a str>,
    },
    Acted {
        action: &'a Action,
        out: &'a Outcome,
        actor: Actor,
        town: Option<&'a str>,
    },
    /// An action on the original of a duplicate: the duplicate's submitter hears what its own
    /// submitter hears (never the staff or the voters again).
    Followed {
        action: &'a Action,
        out: &'a Outcome,
        actor: Actor,
        town: Option<&'a str>,
    },
}

/// What a mail calls an item: its title, or for a wish (which has none) the start of the need.
pub fn mail_title(title: &str, description: &str) -> String {
    if !title.trim().is_empty() {
        return title.trim().to_string();
    }
    let d: String = description.trim().chars().take(20).collect();
    if description.trim().chars().count() > 20 {
        format!("{d}…")
    } else {
        d
    }
}

/// Normalises an address for matching: a mobile number as its eleven digits (`+86 138-0013-8000` →
/// `13800138000`), an email trimmed and in lower case.
pub fn normalise_address(address: &str) -> String {
    match Channel::of(address) {
        Some((Channel::Sms, phone)) => phone,
        _ => address.trim().to_lowercase(),
    }
}

fn hash_code(address: &str, code: &str) -> String {
    let digest = Sha256::digest(format!("{address}:{code}").as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_wish_is_named_by_the_start_of_its_need() {
        assert_eq!(super::mail_title("修复村口路灯", "…"), "修复村口路灯");
        assert_eq!(super::mail_title("", "一台轮椅"), "一台轮椅");
        assert_eq!(
            super::mail_title(" ", "一二三四五六七八九十一二三四五六七八九十一"),
            "一二三四五六七八九十一二三四五六七八九十…"
        );
    }
}
