//! Server-side application state, handed to every handler and server function.

use crate::api::HomeData;
use leptos::prelude::LeptosOptions;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use store::Db;

/// Configuration, the database and small in-process caches.
#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    /// The public base URL used in links (`PUBLIC_BASE_URL`).
    pub base_url: String,
    /// Home page figures, recomputed at most once a minute.
    pub home_cache: Arc<tokio::sync::Mutex<Option<(i64, HomeData)>>>,
    /// Failed look-ups by number + phone digits, per client address, to stop guessing.
    pub lookup_failures: Arc<Mutex<HashMap<String, Vec<i64>>>>,
    /// How mail leaves this portal, for the admin page.
    pub mail_delivery: MailDelivery,
}

/// How mail leaves the portal: through a mail server, or (no `SMTP_URL`) as files in a folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MailDelivery {
    /// `SMTP_URL` is set; the host it names.
    Smtp { host: String },
    /// No mail server: `.eml` files in this folder.
    Files { dir: String },
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, db: Db, base_url: String) -> Self {
        AppState {
            leptos_options,
            db,
            base_url,
            home_cache: Arc::new(tokio::sync::Mutex::new(None)),
            lookup_failures: Arc::new(Mutex::new(HashMap::new())),
            mail_delivery: MailDelivery::Files { dir: "data/mail".into() },
        }
    }

    /// Says how mail leaves the portal (shown on the admin page).
    pub fn with_mail_delivery(mut self, delivery: MailDelivery) -> Self {
        self.mail_delivery = delivery;
        self
    }

    /// At most 10 failed look-ups per client address in 10 minutes.
    pub fn lookup_allowed(&self, who: &str, now: i64) -> bool {
        let mut m = self.lookup_failures.lock().unwrap_or_else(|e| e.into_inner());
        let v = m.entry(who.to_string()).or_default();
        v.retain(|t| now - t < 600);
        v.len() < 10
    }

    /// Records a failed look-up.
    pub fn lookup_failed(&self, who: &str, now: i64) {
        let mut m = self.lookup_failures.lock().unwrap_or_else(|e| e.into_inner());
        if m.len() > 100_000 {
            m.retain(|_, v| v.iter().any(|t| now - t < 600));
        }
        m.entry(who.to_string()).or_default().push(now);
    }
}
