//! Texts (短信): rendering outbox rows as text messages in the recipient's language, and the
//! gateways that take them. The outbox and its worker are the mail's (`crate::mail`): a row's channel
//! decides whether the worker hands it to the mail server or to the SMS gateway.
//!
//! The provider boundary is one trait, [`SmsGateway`]: send a text (with the address its delivery
//! reports should go to), and read a delivery report. [`Kannel`] speaks Kannel's `sendsms` HTTP
//! interface (the open-source gateway in front of a carrier's SMSC); [`SmsFiles`] writes each text as a
//! file beside the `.eml` files when no `SMS_URL` is set. A commercial provider's API is one more
//! implementation; the outbox does not change.

use crate::outbox::{SendError, Texts, TownNames};
use domain::mail::MailKind;
use domain::sms::{segments, Delivery, Encoding, Segments, SIGNATURE};
use domain::Lang;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::Duration;
use store::OutboxMail;

/// The texts in each language (`server/sms/*.txt`).
static TEXTS: Texts =
    Texts::new(include_str!("../sms/zh-Hans.txt"), include_str!("../sms/zh-Hant.txt"), include_str!("../sms/en.txt"));

fn text(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    TEXTS.get(lang, key, args)
}

/// The template of an outbox row (a reopened or supervised item has its own staff wording).
fn template(mail: &OutboxMail) -> &'static str {
    match (mail.kind, mail.params.reason.as_str()) {
        (MailKind::StaffNewItem, "reopened") => "staff_reopened",
        (MailKind::StaffNewItem, "supervised") => "staff_supervised",
        _ => mail.kind.code(),
    }
}

/// The text of an outbox row: the signature, the template in the row's language, short links on
/// `base_url`. It names the item by its number only (never a title or a staff member's words, which may
/// name someone), so a text carries no one else's personal data.
pub fn render(mail: &OutboxMail, base_url: &str, towns: &TownNames) -> String {
    let lang = Lang::from_code(&mail.lang).unwrap_or_default();
    let p = &mail.params;
    let base = base_url.trim_end_matches('/');
    let kind = if p.kind.is_empty() { String::new() } else { text(lang, &format!("kind.{}", p.kind), &[]) };
    let status =
        if p.status.is_empty() { String::new() } else { app::ui::i18n::t(lang, &format!("status.{}", p.status)) };
    let town = if p.town.is_empty() { String::new() } else { towns.name(&p.town, lang) };
    // Deadline warnings name which deadline in `text`: only the known ones are ever shown.
    let deadline = match (mail.kind, p.text.as_str()) {
        (MailKind::StaffDueSoon | MailKind::StaffOverdue, which @ ("reply" | "feedback")) => {
            text(lang, &format!("deadline.{which}"), &[])
        }
        _ => String::new(),
    };
    let due = p.due_at.map(app::ui::i18n::local_time).unwrap_or_default();
    let link = if !p.short.is_empty() {
        format!("{base}/s/{}", p.short)
    } else {
        domain::mail::link_path(mail.kind, &p.number, &p.token).map(|path| format!("{base}{path}")).unwrap_or_default()
    };
    let prefs = if p.prefs_short.is_empty() { String::new() } else { format!("{base}/s/{}", p.prefs_short) };
    // Only the extension's new date comes from the event's text, and only if it is a date.
    let is_date = p.text.len() == 10 && p.text.chars().all(|c| c.is_ascii_digit() || c == '-');
    let date = if mail.kind == MailKind::Extended && is_date { p.text.as_str() } else { "" };
    let args: [(&str, &str); 10] = [
        ("number", &p.number),
        ("kind", &kind),
        ("town", &town),
        ("status", &status),
        ("code", &p.code),
        ("due", &due),
        ("deadline", &deadline),
        ("link", &link),
        ("prefs", &prefs),
        ("text", date),
    ];
    let body = text(lang, template(mail), &args);
    format!("{SIGNATURE}{}", body.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Every template in every language, rendered with a sample as long as real ones get (a long status,
/// a long town name, short links on `base_url`): (template, language, parts, UTF-16 units).
pub fn template_sizes(base_url: &str) -> Vec<(String, String, i64, i64)> {
    let towns = TownNames::sample();
    let mut kinds: Vec<(MailKind, &str)> = MailKind::ALL.iter().map(|k| (*k, "")).collect();
    kinds.extend([(MailKind::StaffNewItem, "reopened"), (MailKind::StaffNewItem, "supervised")]);
    let mut out = Vec::new();
    for (kind, reason) in kinds {
        for lang in Lang::ALL {
            let params = store::MailParams {
                number: "W-2026-000123".into(),
                kind: "project".into(),
                token: "abcdefghijklmnopqrstuvwxyz".into(),
                town: "humen".into(),
                text: if kind == MailKind::Extended { "2026-12-31".into() } else { "feedback".into() },
                status: "published".into(),
                reason: reason.into(),
                due_at: Some(1_798_680_600),
                code: "123456".into(),
                short: "ab3dE9kQ2x".into(),
                prefs_short: "Zz3dE9kQ2x".into(),
                ..store::MailParams::default()
            };
            let mail = OutboxMail {
                id: 0,
                kind,
                channel: domain::sms::Channel::Sms,
                to: String::new(),
                lang: lang.code().into(),
                item_id: None,
                params,
                attempts: 0,
                created_at: 0,
                prefs_token: None,
            };
            let s = segments(&render(&mail, base_url, &towns));
            out.push((template(&mail).to_string(), lang.code().to_string(), s.parts as i64, s.units as i64));
        }
    }
    out
}

/// A future a gateway returns (boxed, so gateways can be chosen at run time).
pub type Sending<'a> = Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>>;

/// An SMS provider: the whole boundary between the outbox and a gateway.
pub trait SmsGateway: Send + Sync {
    /// `kannel`, `file`…, as recorded on sent texts and shown to admins.
    fn code(&self) -> &'static str;
    /// Where texts go, for the admin page (no credentials).
    fn describe(&self) -> String;
    /// Hands outbox row `id`'s text to the gateway. `report_to` is the portal address its delivery reports for this
    /// text must reach (signed, see [`ReportSigner`]). A refusal that will not change (bad credentials,
    /// a malformed number) is `permanent`.
    fn send<'a>(&'a self, id: i64, to: &'a str, text: &'a str, report_to: &'a str) -> Sending<'a>;
    /// Reads a delivery report's query string: what it says and the gateway's own code.
    fn read_report(&self, query: &HashMap<String, String>) -> Option<(Delivery, i64)>;
}

/// Kannel's `sendsms` interface (`SMS_URL` = `http://127.0.0.1:13013/cgi-bin/sendsms`).
pub struct Kannel {
    client: reqwest::Client,
    url: String,
    user: String,
    password: String,
    /// The sender id (`from`), e.g. the programme's 106 number.
    from: String,
}

impl Kannel {
    pub fn new(url: &str, user: &str, password: &str, from: &str) -> Result<Kannel, String> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| format!("SMS client: {e}"))?;
        reqwest::Url::parse(url).map_err(|e| format!("SMS_URL: {e}"))?;
        Ok(Kannel { client, url: url.into(), user: user.into(), password: password.into(), from: from.into() })
    }
}

impl SmsGateway for Kannel {
    fn code(&self) -> &'static str {
        "kannel"
    }

    /// The send address without a password or query (where credentials could hide).
    fn describe(&self) -> String {
        match reqwest::Url::parse(&self.url) {
            Ok(mut u) => {
                let _ = u.set_password(None);
                u.set_query(None);
                u.to_string()
            }
            Err(_) => String::new(),
        }
    }

    fn send<'a>(&'a self, _id: i64, to: &'a str, text: &'a str, report_to: &'a str) -> Sending<'a> {
        Box::pin(async move {
            // Chinese needs UCS-2 (coding=2); Kannel converts from UTF-8 and cuts long texts into
            // concatenated parts itself. dlr-mask 31 asks for every report; %d is the report type.
            let coding = if segments(text).encoding == Encoding::Ucs2 { "2" } else { "0" };
            let parts = segments(text).parts.to_string();
            let dlr_url = format!("{report_to}?type=%d");
            let query = [
                ("username", self.user.as_str()),
                ("password", self.password.as_str()),
                ("from", self.from.as_str()),
                ("to", to),
                ("text", text),
                ("charset", "UTF-8"),
                ("coding", coding),
                ("max-messages", parts.as_str()),
                ("dlr-mask", "31"),
                ("dlr-url", dlr_url.as_str()),
            ];
            // The request's URL holds the password and the number: errors are reported without it.
            let answer =
                self.client.get(&self.url).query(&query).send().await.map_err(|e| SendError {
                    message: format!("SMS gateway: {}", e.without_url()),
                    permanent: false,
                })?;
            let status = answer.status();
            let body: String = answer.text().await.unwrap_or_default().chars().take(200).collect();
            if status.is_success() {
                Ok(())
            } else {
                // 4xx: bad credentials or a bad request, which sending again will not fix; 5xx: the
                // gateway is unwell, try later.
                Err(SendError {
                    message: format!("SMS gateway {status}: {}", body.trim()),
                    permanent: status.is_client_error(),
                })
            }
        })
    }

    fn read_report(&self, query: &HashMap<String, String>) -> Option<(Delivery, i64)> {
        let code: i64 = query.get("type")?.parse().ok()?;
        Delivery::from_kannel(code).map(|d| (d, code))
    }
}

/// No `SMS_URL`: each text is written to `{MAIL_DIR}/{id}.sms.txt` (the number, its parts, the text).
pub struct SmsFiles {
    pub dir: PathBuf,
}

impl SmsGateway for SmsFiles {
    fn code(&self) -> &'static str {
        "file"
    }

    fn describe(&self) -> String {
        self.dir.display().to_string()
    }

    fn send<'a>(&'a self, id: i64, to: &'a str, text: &'a str, _report_to: &'a str) -> Sending<'a> {
        Box::pin(async move {
            let dir = &self.dir;
            let fail = |e: std::io::Error| SendError { message: format!("{}: {e}", dir.display()), permanent: false };
            tokio::fs::create_dir_all(dir).await.map_err(fail)?;
            let content = format!("To: {to}\nSegments: {}\n\n{text}\n", describe_segments(&segments(text)));
            let tmp = dir.join(format!(".{id}.sms.tmp"));
            tokio::fs::write(&tmp, content).await.map_err(fail)?;
            tokio::fs::rename(&tmp, dir.join(format!("{id:08}.sms.txt"))).await.map_err(fail)
        })
    }

    /// Files get no reports.
    fn read_report(&self, _query: &HashMap<String, String>) -> Option<(Delivery, i64)> {
        None
    }
}

/// `2 (UCS-2, 82 units)`.
pub fn describe_segments(s: &Segments) -> String {
    let enc = match s.encoding {
        Encoding::Gsm7 => "GSM-7",
        Encoding::Ucs2 => "UCS-2",
    };
    format!("{} ({enc}, {} units)", s.parts, s.units)
}

/// Signs the address a gateway reports to, so only the gateway that got the text can report on it:
/// `/sms/report/{id}/{hmac}` with an HMAC-SHA256 of the outbox id under `SMS_REPORT_KEY`.
#[derive(Clone)]
pub struct ReportSigner {
    key: Vec<u8>,
}

impl ReportSigner {
    pub fn new(key: &[u8]) -> ReportSigner {
        ReportSigner { key: key.to_vec() }
    }

    fn mac(&self, id: i64) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(format!("sms-report:{id}").as_bytes());
        mac
    }

    /// The signature of outbox row `id` (hex).
    pub fn sign(&self, id: i64) -> String {
        self.mac(id).finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Whether `sig` is the signature of `id` (compared in constant time).
    pub fn verify(&self, id: i64, sig: &str) -> bool {
        let Some(bytes) = hex(sig) else { return false };
        self.mac(id).verify_slice(&bytes).is_ok()
    }

    /// The report address of row `id` under the portal's address `base`.
    pub fn report_url(&self, base: &str, id: i64) -> String {
        format!("{}/sms/report/{id}/{}", base.trim_end_matches('/'), self.sign(id))
    }
}

fn hex(s: &str) -> Option<Vec<u8>> {
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use store::MailParams;

    fn row(kind: MailKind, lang: &str, params: MailParams) -> OutboxMail {
        OutboxMail {
            id: 7,
            kind,
            channel: domain::sms::Channel::Sms,
            to: "13800138000".into(),
            lang: lang.into(),
            item_id: Some(1),
            params,
            attempts: 0,
            created_at: 0,
            prefs_token: None,
        }
    }

    fn params() -> MailParams {
        MailParams {
            number: "W-2026-000123".into(),
            title: "王阿婆需要一台轮椅".into(),
            kind: "wish".into(),
            token: "abcdefghijklmnopqrstuvwxyz".into(),
            town: "humen".into(),
            text: "张三的电话13912345678".into(),
            status: "published".into(),
            short: "ab3dE9kQ2x".into(),
            prefs_short: "Zz3dE9kQ2x".into(),
            ..MailParams::default()
        }
    }

    #[test]
    fn a_receipt_is_signed_names_the_number_and_links_short_in_each_language() {
        let base = "https://dg12345.cn";
        let zh = render(&row(MailKind::Receipt, "zh-Hans", params()), base, &TownNames::default());
        assert_eq!(zh, "【民生大莞家】微心愿W-2026-000123已收到，24小时内答复。进度：https://dg12345.cn/s/ab3dE9kQ2x");
        let hant = render(&row(MailKind::Receipt, "zh-Hant", params()), base, &TownNames::default());
        assert!(hant.contains("微心願W-2026-000123已收到，24小時內答覆"), "{hant}");
        let en = render(&row(MailKind::Receipt, "en", params()), base, &TownNames::default());
        assert!(en.starts_with("【民生大莞家】Your wish W-2026-000123 is in"), "{en}");
    }

    #[test]
    fn no_text_carries_a_title_or_staff_words() {
        for kind in MailKind::ALL {
            for lang in ["zh-Hans", "zh-Hant", "en"] {
                let t = render(&row(*kind, lang, params()), "https://x.cn", &TownNames::default());
                assert!(
                    !t.contains("王阿婆") && !t.contains("张三") && !t.contains("13912345678"),
                    "{kind:?} {lang}: {t}"
                );
                assert!(!t.contains('{'), "every placeholder filled: {kind:?} {lang}: {t}");
            }
        }
    }

    #[test]
    fn progress_texts_link_the_preferences_and_codes_link_nothing() {
        let t = render(&row(MailKind::Progress, "zh-Hans", params()), "https://x.cn", &TownNames::default());
        assert!(t.contains("https://x.cn/s/Zz3dE9kQ2x"), "{t}");
        let code = MailParams { code: "123456".into(), ..MailParams::default() };
        let t = render(&row(MailKind::SignInCode, "zh-Hans", code), "https://x.cn", &TownNames::default());
        assert_eq!(t, "【民生大莞家】验证码123456，10分钟内有效，请勿告诉他人。");
        assert_eq!(segments(&t).parts, 1);
    }

    #[test]
    fn reports_are_signed_per_text() {
        let s = ReportSigner::new(b"key");
        let sig = s.sign(42);
        assert!(s.verify(42, &sig));
        assert!(!s.verify(43, &sig), "another text");
        assert!(!ReportSigner::new(b"other").verify(42, &sig), "another key");
        assert!(!s.verify(42, "zz"));
        assert_eq!(s.report_url("http://a/", 42), format!("http://a/sms/report/42/{sig}"));
    }
}
