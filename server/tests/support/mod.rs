//! A real portal server on 127.0.0.1 for HTTP tests, over a fresh database on either backend.
#![allow(dead_code)]

use app::state::AppState;
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use std::collections::HashMap;
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
    sms_url: Option<String>,
    site_root: Option<String>,
}

impl TestAppBuilder {
    /// The folder with the built front end (`pkg/`) the server serves.
    pub fn with_site_root(mut self, dir: &str) -> Self {
        self.site_root = Some(dir.into());
        self
    }

    /// The SMS gateway this server's texts go through (it reads that gateway's delivery reports).
    pub fn with_sms(mut self, url: &str) -> Self {
        self.sms_url = Some(url.into());
        self
    }

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
            "--sms-report-key",
            SMS_REPORT_KEY,
        ];
        if let Some(url) = &self.public_base_url {
            argv.extend(["--public-base-url", url]);
        }
        if let Some(url) = &self.smtp_url {
            argv.extend(["--smtp-url", url]);
        }
        if let Some(url) = &self.sms_url {
            argv.extend(["--sms-url", url, "--sms-password", KannelGateway::PASSWORD]);
        }
        if let Some(dir) = &self.site_root {
            argv.extend(["--site-root", dir]);
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
            sms_url: None,
            site_root: None,
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
    let smtp = smtp_url.map(|url| vec!["--smtp-url", url]).unwrap_or_default();
    worker_with(db, policy, &smtp).await
}

/// The tests' worker: files in a folder of its own, `policy`'s attempts and waits, and `settings`.
async fn worker_with(db: &Db, policy: store::RetryPolicy, settings: &[&str]) -> server::mail::MailWorker {
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
    argv.extend(settings);
    let config = <server::cli::Cli as clap::Parser>::try_parse_from(argv).unwrap().settings.config();
    let mut w = config.mail_worker(db).await.unwrap();
    w.policy = policy;
    w
}

pub const PASSWORD: &str = "correct horse battery";

/// The key that signs SMS delivery-report addresses, shared by the test server and its workers.
pub const SMS_REPORT_KEY: &str = "test-sms-report-key";

/// A mail worker that also sends texts through the SMS gateway at `sms_url` (Kannel's sendsms), with
/// delivery reports addressed to `app` itself.
pub async fn sms_worker(app: &TestApp, sms_url: &str, policy: store::RetryPolicy) -> server::mail::MailWorker {
    let settings = [
        "--sms-url",
        sms_url,
        "--sms-user",
        "portal",
        "--sms-password",
        KannelGateway::PASSWORD,
        "--sms-from",
        "10690769",
        "--sms-report-base-url",
        &app.base,
        "--sms-report-key",
        SMS_REPORT_KEY,
    ];
    worker_with(&app.db, policy, &settings).await
}

/// A real SMS gateway on 127.0.0.1: Kannel's bearerbox and smsbox (Debian `kannel`), with Kannel's own
/// `fakesmsc` as the carrier on the other side. What the carrier received is read from fakesmsc's
/// log. Every listener is bound to 127.0.0.1. Stopped when dropped.
pub struct KannelGateway {
    pub dir: std::path::PathBuf,
    /// The sendsms port (smsbox).
    pub port: u16,
    conf: std::path::PathBuf,
    smsc_port: u16,
    children: Vec<std::process::Child>,
}

/// A long text's parts so far: the sender, how many parts, the parts' bytes by number.
type LongText = (String, u8, std::collections::BTreeMap<u8, Vec<u8>>);

/// A text as the carrier received it (long texts joined from their parts).
#[derive(Debug, Clone, PartialEq)]
pub struct CarrierText {
    pub from: String,
    pub to: String,
    pub text: String,
    /// How many parts went over the air.
    pub parts: usize,
}

impl KannelGateway {
    pub const PASSWORD: &'static str = "kannel-test-pw";

    /// Starts bearerbox, smsbox and fakesmsc on free ports and waits until a text can be sent (tried
    /// again on other ports if a port was taken meanwhile by a test running beside it).
    pub fn start() -> KannelGateway {
        for _ in 0..5 {
            if let Ok(k) = std::panic::catch_unwind(Self::start_once) {
                return k;
            }
        }
        panic!("Kannel did not start five times; see /tmp/portal-kannel-*/");
    }

    fn start_once() -> KannelGateway {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir = std::env::temp_dir().join(format!("portal-kannel-{nanos}"));
        std::fs::create_dir_all(&dir).unwrap();
        let (admin, boxes, smsc, port) = (free_port(), free_port(), free_port(), free_port());
        let d = dir.display();
        let conf = format!(
            "group = core\nadmin-port = {admin}\nadmin-password = admin-{nanos}\nadmin-interface = 127.0.0.1\n\
             smsbox-port = {boxes}\nsmsbox-interface = 127.0.0.1\n\
             box-allow-ip = \"127.0.0.1\"\nlog-file = \"{d}/bearerbox.log\"\nlog-level = 1\n\
             dlr-storage = internal\nstore-type = file\nstore-location = \"{d}/kannel.store\"\n\n\
             group = smsc\nsmsc = fake\nsmsc-id = fake\nhost = 127.0.0.1\nport = {smsc}\nour-host = 127.0.0.1\n\
             connect-allow-ip = 127.0.0.1\n\n\
             group = smsbox\nbearerbox-host = 127.0.0.1\nbearerbox-port = {boxes}\nsendsms-port = {port}\n\
             sendsms-interface = 127.0.0.1\nlog-file = \"{d}/smsbox.log\"\nlog-level = 1\n\n\
             group = sendsms-user\nusername = portal\npassword = {}\nmax-messages = 10\nconcatenation = true\n",
            Self::PASSWORD
        );
        let conf_path = dir.join("kannel.conf");
        std::fs::write(&conf_path, conf).unwrap();
        let mut k = KannelGateway { dir, port, conf: conf_path, smsc_port: smsc, children: Vec::new() };
        k.start_boxes();
        k
    }

    fn spawn(&mut self, program: &str, args: &[&str], log: &str) {
        let out = std::fs::OpenOptions::new().create(true).append(true).open(self.dir.join(log)).unwrap();
        let child = std::process::Command::new(program)
            .args(args)
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| panic!("{program}: {e} (apt-get install kannel kannel-extras)"));
        self.children.push(child);
    }

    /// Waits for a box to listen on `port`; fails at once when a box died (Kannel 1.4.5's fake SMSC
    /// sometimes panics at start, "read_available: Assertion `fd >= 0' failed": a race in its listener).
    fn wait_for_port(&mut self, port: u16) {
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return;
            }
            if self.children.iter_mut().any(|c| c.try_wait().ok().flatten().is_some()) {
                panic!("a Kannel box exited at start; see {}", self.dir.display());
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("Kannel did not listen on 127.0.0.1:{port}");
    }

    fn carrier_connections(&self) -> usize {
        let log = std::fs::read(self.dir.join("bearerbox.log")).unwrap_or_default();
        String::from_utf8_lossy(&log).matches("Fakesmsc client connected").count()
    }

    fn start_boxes(&mut self) {
        let before = self.carrier_connections();
        let conf = self.conf.display().to_string();
        self.spawn("/usr/sbin/bearerbox", &[&conf], "bearerbox.out");
        self.wait_for_port(self.smsc_port);
        self.spawn("/usr/sbin/smsbox", &[&conf], "smsbox.out");
        let smsc = self.smsc_port.to_string();
        self.spawn(
            "/usr/lib/kannel/test/fakesmsc",
            &["-H", "127.0.0.1", "-r", &smsc, "-m", "0", "1 2 text nothing"],
            "carrier.log",
        );
        self.wait_for_port(self.port);
        // The carrier side connected: bearerbox says so in its log.
        for _ in 0..100 {
            if self.carrier_connections() > before {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("the fake carrier did not connect to bearerbox");
    }

    /// The sendsms address to give the portal as `SMS_URL`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/cgi-bin/sendsms", self.port)
    }

    /// Stops every box (the gateway is down).
    pub fn stop(&mut self) {
        for mut c in self.children.drain(..) {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts the boxes again on the same ports (the gateway is back).
    pub fn restart(&mut self) {
        self.stop();
        self.start_boxes();
    }

    /// Every text the carrier received so far, parts of a long text joined, oldest first.
    pub fn received(&self) -> Vec<CarrierText> {
        let log =
            String::from_utf8_lossy(&std::fs::read(self.dir.join("carrier.log")).unwrap_or_default()).into_owned();
        let mut out: Vec<CarrierText> = Vec::new();
        // A long text's parts: (to, reference) → (from, total, parts by number).
        let mut open: HashMap<(String, u8), LongText> = HashMap::new();
        for line in log.lines() {
            let Some(rest) = line.split("Got message ").nth(1) else { continue };
            let Some(body) = rest.split_once(": <").map(|(_, b)| b.trim_end_matches('>')) else { continue };
            let f: Vec<&str> = body.split(' ').collect();
            if f.len() < 4 {
                continue;
            }
            let (from, to, kind) = (f[0].to_string(), f[1].to_string(), f[2]);
            match kind {
                "ucs-2" => out.push(CarrierText { from, to, text: ucs2(&url_bytes(f[3])), parts: 1 }),
                "text" => out.push(CarrierText {
                    from,
                    to,
                    text: String::from_utf8_lossy(&url_bytes(&f[3..].join(" "))).into_owned(),
                    parts: 1,
                }),
                "udh" if f.len() >= 6 => {
                    let udh = url_bytes(f[3]);
                    // 05 00 03 ref total number: the concatenation header.
                    let (reference, total, number) = (udh[3], udh[4], udh[5]);
                    let e = open.entry((to.clone(), reference)).or_insert((from, total, Default::default()));
                    e.2.insert(number, url_bytes(f[5]));
                    if e.2.len() == usize::from(e.1) {
                        let (from, total, parts) = open.remove(&(to.clone(), reference)).unwrap();
                        let bytes: Vec<u8> = parts.into_values().flatten().collect();
                        out.push(CarrierText { from, to, text: ucs2(&bytes), parts: usize::from(total) });
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// The texts the carrier received for `phone`.
    pub fn received_by(&self, phone: &str) -> Vec<CarrierText> {
        self.received().into_iter().filter(|t| t.to == phone).collect()
    }
}

impl Drop for KannelGateway {
    fn drop(&mut self) {
        self.stop();
    }
}

/// fakesmsc's URL-encoded data (`%xx`, `+` for a space byte).
fn url_bytes(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn ucs2(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes.chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
    String::from_utf16_lossy(&units)
}

/// Waits until `check` holds (a delivery report arriving, a gateway's queue emptying), up to `secs`.
pub async fn eventually<F, Fut>(secs: u64, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..secs * 10 {
        if check().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    false
}

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

/// Submits a wish in `town` through the resident form, in `lang`, with this mobile and email (may be
/// empty); returns (id, number, token).
pub async fn submit_wish_with(
    app: &TestApp,
    town: &str,
    phone: &str,
    email: &str,
    lang: &str,
) -> (i64, String, String) {
    let community: i64 =
        sqlx::query_scalar("SELECT id FROM communities WHERE town_slug = $1 AND active = 1 ORDER BY id LIMIT 1")
            .bind(town)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    let community = community.to_string();
    let key = store::new_token();
    let form = [
        ("beneficiary", "elderly_alone"),
        ("submitted_by", "self"),
        ("need", "独居老人需要一台轮椅"),
        ("amount", "800"),
        ("town", town),
        ("community", community.as_str()),
        ("contact_name", "王小明"),
        ("phone", phone),
        ("email", email),
        ("consent", "on"),
        ("submission_key", key.as_str()),
    ];
    let r = app
        .http
        .post(format!("{}/wish/new", app.base))
        .header("cookie", format!("lang={lang}"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let loc = r.headers()["location"].to_str().unwrap();
    let token = loc.trim_start_matches("/t/").split('?').next().unwrap().to_string();
    let item = app.db.item_by_token(&token).await.unwrap().unwrap();
    (item.id, item.number, token)
}

/// A server process, killed (SIGKILL) when dropped, also when a test fails half-way: a process left
/// running would keep the test's output pipe open and hang the test run.
pub struct Running(pub std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The id (as a form posts it) of the first active village or community of a town.
pub async fn first_community(app: &TestApp, town: &str) -> String {
    let id: i64 =
        sqlx::query_scalar("SELECT id FROM communities WHERE town_slug = $1 AND active = 1 ORDER BY id LIMIT 1")
            .bind(town)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    id.to_string()
}

/// Proposes a micro-project in Humen through the resident form, with this mobile and email (may be
/// empty); returns the item.
pub async fn propose_project(app: &TestApp, key: &str, title: &str, phone: &str, email: &str) -> store::ItemRecord {
    let community = first_community(app, "humen").await;
    let form = [
        ("title", title),
        ("description", "村口主路多盏路灯损坏，夜间出行不安全，请联系 13912345678"),
        ("category", "roads_lighting"),
        ("town", "humen"),
        ("community", community.as_str()),
        ("location", "村口大榕树旁"),
        ("budget", "80000"),
        ("contact_name", "欧阳建国"),
        ("phone", phone),
        ("email", email),
        ("consent", "on"),
        ("submission_key", key),
    ];
    let (status, loc, body) = post_with(&app.http, &app.base, "/project/new", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let token = loc.trim_start_matches("/t/").split('?').next().unwrap().to_string();
    app.db.item_by_token(&token).await.unwrap().unwrap()
}
