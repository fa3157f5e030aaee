//! The typed configuration, read by [`crate::cli`] from flags and the environment. Every variable is
//! documented in `.env.example`.

use std::net::SocketAddr;

/// Typed configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite:data/portal.db` (default) or `postgres://user:pass@host/db`.
    pub database_url: String,
    /// `LEPTOS_SITE_ADDR`: where to listen, default `127.0.0.1:3000`.
    pub site_addr: SocketAddr,
    /// `PUBLIC_BASE_URL`: the address residents use, for links; default `http://{site_addr}`.
    pub public_base_url: String,
    /// `LEPTOS_SITE_ROOT`: the folder with the built front end (`pkg/`), default `target/site`.
    pub site_root: String,
    /// `SMTP_URL`: the mail server (`smtp://host:25`, `smtp://user:pass@host:587?tls=required`,
    /// `smtps://user:pass@host:465`). Unset: mails are written as files under `MAIL_DIR`.
    pub smtp_url: Option<String>,
    /// `MAIL_FROM`: the sender, default `民生大莞家 <noreply@localhost>`.
    pub mail_from: String,
    /// `MAIL_DIR`: where mails go without `SMTP_URL`, default `data/mail`.
    pub mail_dir: String,
    /// `PHOTO_DIR`: where photos are stored, default `data/photos` (with several servers: shared storage).
    pub photo_dir: String,
    /// `MAIL_WORKER`: `off` runs this instance without a mail worker (another instance sends).
    pub mail_worker: bool,
    /// `MAIL_MAX_ATTEMPTS`, `MAIL_RETRY_SECS` (first wait, doubled up to an hour), `MAIL_LEASE_SECS`.
    pub mail_policy: store::RetryPolicy,
    pub mail_lease_secs: i64,
    /// `TRUSTED_PROXIES`: the load balancers whose `X-Forwarded-For` gives the client's address
    /// (addresses or networks, comma-separated: `10.0.0.0/8,127.0.0.1`). Unset: nobody is trusted and
    /// the connection's peer is the client.
    pub trusted_proxies: app::state::TrustedProxies,
    /// `SMS_URL`: the SMS gateway's send address (Kannel's `sendsms`); unset: texts are written as
    /// `.sms.txt` files under `MAIL_DIR`. `SMS_USER`, `SMS_PASSWORD`, `SMS_FROM` (the sender id).
    pub sms_url: Option<String>,
    pub sms_user: String,
    pub sms_password: String,
    pub sms_from: String,
    /// `SMS_REPORT_BASE_URL`: the portal as the gateway reaches it (default `PUBLIC_BASE_URL`).
    pub sms_report_base_url: Option<String>,
    /// `SMS_REPORT_KEY` (or derived from the gateway's credentials): signs delivery-report addresses.
    pub sms_report_key: Vec<u8>,
    /// `METRICS_ADDR`: where `/metrics` is served, on its own listener (never the public one).
    pub metrics_addr: Option<SocketAddr>,
}

impl Config {
    /// The SMS gateway of this configuration: Kannel at `SMS_URL`, or files beside the mails.
    pub fn sms_gateway(&self) -> Result<std::sync::Arc<dyn crate::sms::SmsGateway>, String> {
        Ok(match &self.sms_url {
            Some(url) => {
                std::sync::Arc::new(crate::sms::Kannel::new(url, &self.sms_user, &self.sms_password, &self.sms_from)?)
            }
            None => std::sync::Arc::new(crate::sms::SmsFiles { dir: self.mail_dir.clone().into() }),
        })
    }

    /// The mail worker for this configuration.
    pub async fn mail_worker(&self, db: &store::Db) -> Result<crate::mail::MailWorker, String> {
        let transport = crate::mail::Transport::from_config(self.smtp_url.as_deref(), &self.mail_dir)?;
        let from = self.mail_from.parse().map_err(|e| format!("MAIL_FROM: {e}"))?;
        let towns = crate::mail::TownNames::load(db).await.map_err(|e| e.to_string())?;
        Ok(crate::mail::MailWorker {
            db: db.clone(),
            transport,
            from,
            base_url: self.public_base_url.clone(),
            towns,
            policy: self.mail_policy,
            lease_secs: self.mail_lease_secs,
            instance: format!("{}:{}", self.site_addr, std::process::id()),
            sms: self.sms_gateway()?,
            reports: crate::sms::ReportSigner::new(&self.sms_report_key),
            report_base: self.sms_report_base_url.clone().unwrap_or_else(|| self.public_base_url.clone()),
        })
    }

    /// Leptos options built from this configuration, so the release binary runs without cargo-leptos.
    pub fn leptos_options(&self) -> leptos::prelude::LeptosOptions {
        leptos::prelude::LeptosOptions::builder()
            .output_name("portal")
            .site_root(self.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(self.site_addr)
            // A release build's files are named by their content (see `assets.rs`).
            .hash_files(app::asset_hashes().contains_key("wasm"))
            .build()
    }
}

/// The host and port of an SMTP URL, without credentials.
pub fn smtp_host(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let rest = rest.rsplit_once('@').map(|(_, r)| r).unwrap_or(rest);
    rest.split(['/', '?']).next().unwrap_or(rest).to_string()
}

/// A connection URL fit for output: the password (`user:secret@`) and any `password=` parameter
/// become `***`. `DATABASE_URL` and `SMTP_URL` are only ever printed through this.
pub fn redact_url(url: &str) -> String {
    let mut out = match url.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((cred, host)) => match cred.split_once(':') {
                Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
                None => url.to_string(),
            },
            None => url.to_string(),
        },
        None => url.to_string(),
    };
    if let Some(i) = out.find("password=") {
        let end = out[i..].find('&').map(|e| i + e).unwrap_or(out.len());
        out.replace_range(i + "password=".len()..end, "***");
    }
    out
}

#[cfg(test)]
mod redact_tests {
    #[test]
    fn secrets_never_leave_in_output() {
        use super::redact_url;
        assert_eq!(redact_url("postgres://portal:s3cret@db:5432/portal"), "postgres://portal:***@db:5432/portal");
        assert_eq!(redact_url("smtps://u:p%40ss@mail:465"), "smtps://u:***@mail:465");
        assert_eq!(
            redact_url("postgres://db/portal?user=a&password=x&sslmode=require"),
            "postgres://db/portal?user=a&password=***&sslmode=require"
        );
        assert_eq!(redact_url("sqlite:data/portal.db"), "sqlite:data/portal.db");
    }
}
