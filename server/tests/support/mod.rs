//! A real portal server on 127.0.0.1 for HTTP tests, over a fresh database on either backend.
#![allow(dead_code)]

use app::state::AppState;
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use std::net::SocketAddr;
use store::Db;

#[allow(unused_imports)]
pub use store::testing::{backends, fresh, fresh_url};

/// A request that takes this long has hung: the test fails naming it instead of stalling the run.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

pub struct TestApp {
    pub base: String,
    pub db: Db,
    /// The server's state (to build another router over the same database).
    pub state: AppState,
    /// A client without cookies (a visitor, or a resident holding a link).
    pub http: reqwest::Client,
}

/// What a [`TestApp`] starts with: a fresh database on a backend and the settings a test changes.
pub struct TestAppBuilder {
    backend: String,
    trusted_proxies: String,
    public_base_url: Option<String>,
    smtp_url: Option<String>,
}

impl TestAppBuilder {
    /// The load balancers whose `X-Forwarded-For` the server believes (`127.0.0.1/32` lets a test
    /// speak for many client addresses).
    pub fn with_trusted_proxies(mut self, nets: &str) -> Self {
        self.trusted_proxies = nets.into();
        self
    }

    /// The public address (an `https://` one turns on HSTS and secure cookies).
    pub fn with_public_base_url(mut self, url: &str) -> Self {
        self.public_base_url = Some(url.into());
        self
    }

    /// The SMTP server the admin page names (the tests' mail worker is started by [`worker`]).
    pub fn with_smtp(mut self, url: &str) -> Self {
        self.smtp_url = Some(url.into());
        self
    }

    /// Serves the portal on a free port of 127.0.0.1, wired by `server::build_state` as in production.
    pub async fn start(self) -> TestApp {
        // Server errors are logged into the test's output, shown when it fails.
        let _ = tracing_subscriber::fmt().with_env_filter("warn").with_test_writer().try_init();
        let db = fresh(&self.backend).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let addr_text = addr.to_string();
        let tmp = std::env::temp_dir();
        let (mail_dir, photo_dir) = (tmp.join("portal-tests-mail"), tmp.join("portal-tests-photos"));
        let mut argv = vec![
            "server",
            "--site-addr",
            &addr_text,
            "--mail-from",
            "民生大莞家 <noreply@portal.test>",
            "--mail-worker",
            "off",
            "--mail-dir",
            mail_dir.to_str().unwrap(),
            "--photo-dir",
            photo_dir.to_str().unwrap(),
            "--trusted-proxies",
            &self.trusted_proxies,
        ];
        if let Some(url) = &self.public_base_url {
            argv.extend(["--public-base-url", url]);
        }
        if let Some(url) = &self.smtp_url {
            argv.extend(["--smtp-url", url]);
        }
        let cli = <server::cli::Cli as clap::Parser>::try_parse_from(argv).unwrap();
        let state = server::build_state(&cli.settings.config(), db.clone());
        let app = server::router(state.clone());
        tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
        });
        let http = reqwest::Client::builder().redirect(Policy::none()).timeout(REQUEST_TIMEOUT).build().unwrap();
        TestApp { base: format!("http://{addr}"), db, state, http }
    }
}

impl TestApp {
    /// A server to start over a fresh database on `backend` (`sqlite` or `postgres`).
    pub fn on(backend: &str) -> TestAppBuilder {
        TestAppBuilder {
            backend: backend.into(),
            trusted_proxies: String::new(),
            public_base_url: None,
            smtp_url: None,
        }
    }

    /// A server with the defaults: `TestApp::on(backend).start()`.
    pub async fn start(backend: &str) -> TestApp {
        Self::on(backend).start().await
    }

    /// A browser-like client that keeps cookies (a staff member's session).
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder().redirect(Policy::none()).cookie_store(true).timeout(REQUEST_TIMEOUT).build().unwrap()
    }

    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        get_with(&self.http, &self.base, path).await
    }
}

/// GET with a given client: status and body (the Location header for redirects).
pub async fn get_with(c: &reqwest::Client, base: &str, path: &str) -> (StatusCode, String) {
    let r = c.get(format!("{base}{path}")).send().await.unwrap();
    let status = r.status();
    if status.is_redirection() {
        let loc = r.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        return (status, loc);
    }
    (status, r.text().await.unwrap())
}

/// POST a form with a given client: status, Location and body.
pub async fn post_with(
    c: &reqwest::Client,
    base: &str,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String, String) {
    let r = c.post(format!("{base}{path}")).form(form).send().await.unwrap();
    let loc = r.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (r.status(), loc, r.text().await.unwrap())
}

/// A real SMTP server (aiosmtpd, `scripts/smtp_capture.py`) on 127.0.0.1 that keeps every mail it
/// accepts, decoded, as JSON. Stopped when dropped.
pub struct SmtpCapture {
    pub port: u16,
    pub dir: std::path::PathBuf,
    child: Option<std::process::Child>,
}

/// One mail the SMTP server accepted.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Captured {
    pub to: Vec<String>,
    pub subject: String,
    pub message_id: String,
    pub text: String,
    pub html: String,
}

impl Captured {
    /// The outbox row this mail came from (its Message-ID is `<outbox-ID.CREATED@host>`).
    pub fn outbox_id(&self) -> i64 {
        let rest = self.message_id.split("outbox-").nth(1).expect("an outbox Message-ID");
        rest.split('.').next().unwrap().parse().unwrap()
    }
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl SmtpCapture {
    /// Starts on a free port.
    pub fn start() -> SmtpCapture {
        Self::start_on(free_port(), 0)
    }

    /// Starts on `port`, waiting `delay_ms` before accepting each mail.
    pub fn start_on(port: u16, delay_ms: u64) -> SmtpCapture {
        use std::io::BufRead;
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir = std::env::temp_dir().join(format!("portal-smtp-{port}-{nanos}"));
        std::fs::create_dir_all(&dir).unwrap();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/smtp_capture.py");
        let mut child = std::process::Command::new("/usr/bin/python3")
            .args([script, "--port", &port.to_string(), "--dir", &dir.display().to_string()])
            .args(["--delay-ms", &delay_ms.to_string()])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3 with aiosmtpd (apt-get install python3-aiosmtpd)");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP server started");
        SmtpCapture { port, dir, child: Some(child) }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every mail accepted so far, oldest first.
    pub fn mails(&self) -> Vec<Captured> {
        let mut names: Vec<_> = std::fs::read_dir(&self.dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        names.sort();
        names.iter().map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()).collect()
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for SmtpCapture {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A mail worker for `app`'s database that sends to `smtp_url` (or writes files when `None`), built
/// from the settings by `Config::mail_worker` as in production, links to `https://portal.test`.
pub async fn worker(db: &Db, smtp_url: Option<&str>, policy: store::RetryPolicy) -> server::mail::MailWorker {
    let dir = std::env::temp_dir().join(format!("portal-files-{}", free_port()));
    let (attempts, retry) = (policy.max_attempts.to_string(), policy.base_secs.to_string());
    let mut argv = vec![
        "server",
        "--public-base-url",
        "https://portal.test",
        "--mail-from",
        "民生大莞家 <noreply@portal.test>",
        "--mail-dir",
        dir.to_str().unwrap(),
        "--mail-max-attempts",
        &attempts,
        "--mail-retry-secs",
        &retry,
        "--mail-lease-secs",
        "300",
    ];
    if let Some(url) = smtp_url {
        argv.extend(["--smtp-url", url]);
    }
    let config = <server::cli::Cli as clap::Parser>::try_parse_from(argv).unwrap().settings.config();
    let mut w = config.mail_worker(db).await.unwrap();
    w.policy = policy;
    w
}

pub const PASSWORD: &str = "correct horse battery";

/// Adds a staff account with [`PASSWORD`].
pub async fn add_user(app: &TestApp, email: &str, role: domain::Role, town: Option<&str>) -> i64 {
    let u = store::NewStaffUser {
        email: email.into(),
        name: email.split('@').next().unwrap().into(),
        role,
        town_slug: town.map(Into::into),
        community_id: None,
        password: PASSWORD.into(),
    };
    app.db.create_staff_user(&u, store::now()).await.unwrap().id
}

/// A staff browser signed in with the test password (it lands on the inbox, or the admin page).
pub async fn signed_in(app: &TestApp, email: &str) -> reqwest::Client {
    let c = app.browser();
    let (status, to, _) =
        post_with(&c, &app.base, "/staff/sign-in", &[("email", email), ("password", PASSWORD), ("next", "/staff")])
            .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{email} signs in");
    assert!(to == "/staff" || to == "/staff/admin", "{email} lands on {to}");
    c
}

/// The first run of six digits in a text (a one-time code in a mail's subject).
pub fn six_digits(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .windows(6)
        .find(|w| w.iter().all(|c| c.is_ascii_digit()))
        .map(|w| w.iter().collect())
        .expect("a code in the mail")
}
