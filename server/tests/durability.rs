//! Durable writes: a submission the server has acknowledged (its `303` to the tracking page) is in the
//! database even when the server process is killed (SIGKILL) a moment later, in the middle of a burst
//! of concurrent submissions. On SQLite the submissions are grouped into shared transactions
//! (`store::writer`); this proves each caller is answered only after the commit that holds its item,
//! and that the connections run `synchronous = FULL` (the WAL is synced at every commit, so the same
//! holds for a power cut — which no test here can cut). And a write lock held by another process
//! (`server measures rebuild`) makes submissions wait instead of fail.

mod support;

use reqwest::StatusCode;
use sqlx::Connection;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use support::{backends, free_port, Running};

const CLIENTS: usize = 16;
const ACKED_BEFORE_KILL: usize = 300;

/// Residents' side of a server started by [`Residents::start`]: where it answers, and the form data.
struct Residents {
    base: String,
    http: reqwest::Client,
    /// Humen's first village: where the submissions go.
    community: String,
}

impl Residents {
    /// The real server binary on `url` (killed with SIGKILL when the returned process is dropped).
    async fn start(url: &str, db: &store::Db) -> (Running, Residents) {
        let community: i64 = sqlx::query_scalar(
            "SELECT id FROM communities WHERE town_slug = 'humen' AND active = 1 ORDER BY id LIMIT 1",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        let base = format!("http://127.0.0.1:{}", free_port());
        let process = Running(
            std::process::Command::new(env!("CARGO_BIN_EXE_server"))
                .env("DATABASE_URL", url)
                .env("LEPTOS_SITE_ADDR", base.trim_start_matches("http://"))
                .env("MAIL_WORKER", "off")
                // Each client names its own address, as residents behind the proxy would, so the
                // submission limits (counted per address and phone) do not stop the burst.
                .env("TRUSTED_PROXIES", "127.0.0.1/32")
                .env("RUST_LOG", "warn")
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap(),
        );
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(support::REQUEST_TIMEOUT)
            .build()
            .unwrap();
        let healthy = support::eventually(30, || {
            let (http, base) = (http.clone(), base.clone());
            async move { http.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) }
        })
        .await;
        assert!(healthy, "the server answers /healthz");
        (process, Residents { base, http, community: community.to_string() })
    }

    /// Client `c`'s `n`-th wish through the plain form, from its own address and phone.
    fn submit(&self, c: usize, n: usize) -> impl std::future::Future<Output = reqwest::Result<reqwest::Response>> {
        let (phone, key) = (format!("138{:04}{:04}", c % 10_000, n % 10_000), store::new_token());
        let form = [
            ("beneficiary", "elderly_alone".to_string()),
            ("submitted_by", "self".into()),
            ("need", "独居老人需要一台轮椅".into()),
            ("amount", "800".into()),
            ("town", "humen".into()),
            ("community", self.community.clone()),
            ("contact_name", "王小明".into()),
            ("phone", phone),
            ("consent", "on".into()),
            ("submission_key", key),
        ];
        self.http
            .post(format!("{}/wish/new", self.base))
            .header("x-forwarded-for", format!("10.{}.{}.{}", c % 250, n / 250 % 250, n % 250 + 1))
            .form(&form)
            .send()
    }
}

#[tokio::test]
async fn submissions_acknowledged_before_the_server_is_killed_are_all_kept() {
    for b in backends() {
        let url = support::fresh_url(b).await;
        let db = store::Db::connect(&url).await.unwrap();
        let (process, server) = Residents::start(&url, &db).await;
        let server = Arc::new(server);
        let acked: Arc<Mutex<Vec<String>>> = Arc::default();
        let (stop, sent) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
        let mut clients = Vec::new();
        for c in 0..CLIENTS {
            let (server, acked, stop, sent) = (server.clone(), acked.clone(), stop.clone(), sent.clone());
            clients.push(tokio::spawn(async move {
                let mut n = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    sent.fetch_add(1, Ordering::Relaxed);
                    // After the kill the connection fails: that submission was never acknowledged.
                    let Ok(answer) = server.submit(c, n).await else { break };
                    assert_eq!(answer.status(), StatusCode::SEE_OTHER, "every submission is accepted");
                    let location = answer.headers()["location"].to_str().unwrap().to_string();
                    let token = location.trim_start_matches("/t/").split('?').next().unwrap().to_string();
                    acked.lock().unwrap().push(token);
                }
            }));
        }
        let enough = support::eventually(120, || {
            let acked = acked.clone();
            async move { acked.lock().unwrap().len() >= ACKED_BEFORE_KILL }
        })
        .await;
        assert!(enough, "{b}: {ACKED_BEFORE_KILL} submissions acknowledged");
        // Kill the server mid-burst (SIGKILL), with submissions in flight and a group possibly
        // mid-commit.
        drop(process);
        stop.store(true, Ordering::Relaxed);
        for c in clients {
            c.await.unwrap();
        }
        let acked = acked.lock().unwrap().clone();
        let in_flight = sent.load(Ordering::Relaxed) - acked.len();
        assert!(in_flight > 0, "{b}: the kill fell while submissions were still being answered");

        // A new connection recovers the database (SQLite replays its WAL) and finds every
        // acknowledged item with its submission event.
        drop(db);
        let db = store::Db::connect(&url).await.unwrap();
        let mut missing = Vec::new();
        for token in &acked {
            match db.item_by_token(token).await.unwrap() {
                Some(item) => {
                    assert!(!db.events(item.id, true).await.unwrap().is_empty(), "{b}: {token} has its timeline")
                }
                None => missing.push(token.clone()),
            }
        }
        assert!(
            missing.is_empty(),
            "{b}: {} of {} acknowledged submissions lost: {missing:?}",
            missing.len(),
            acked.len()
        );
        let stored = db.count_items().await.unwrap() as usize;
        assert!(
            stored >= acked.len() && stored <= acked.len() + in_flight,
            "{b}: {stored} items for {} acks",
            acked.len()
        );
        if b == "sqlite" {
            let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&db.pool).await.unwrap();
            assert_eq!(synchronous, 2, "SQLite connections run synchronous = FULL");
        }
    }
}

/// Another process holding SQLite's write lock for longer than `busy_timeout` (10 s) — as `server
/// measures rebuild` does over a large database — makes the server's writes wait, not fail; and a
/// rebuild run beside a busy server succeeds. (Before issue 19 both made residents see errors.)
#[tokio::test]
async fn a_long_write_by_another_process_delays_submissions_without_failing_them() {
    let url = support::fresh_url("sqlite").await;
    let db = store::Db::connect(&url).await.unwrap();
    let (_process, server) = Residents::start(&url, &db).await;
    let server = Arc::new(server);
    let status = move |c: usize, n: usize| {
        let server = server.clone();
        async move { server.submit(c, n).await.unwrap().status() }
    };
    assert_eq!(status(0, 0).await, StatusCode::SEE_OTHER);

    // A connection of "another process" takes the write lock and keeps it for 12 s.
    let path = url.trim_start_matches("sqlite:").to_string();
    let mut other = sqlx::SqliteConnection::connect(&format!("sqlite://{path}")).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut other).await.unwrap();
    let held = std::time::Instant::now();
    let waiting: Vec<_> = (1..=8).map(|c| tokio::spawn(status(c, 1))).collect();
    tokio::time::sleep(std::time::Duration::from_secs(12)).await;
    assert!(waiting.iter().all(|t| !t.is_finished()), "the submissions wait for the lock");
    sqlx::query("COMMIT").execute(&mut other).await.unwrap();
    for t in waiting {
        assert_eq!(t.await.unwrap(), StatusCode::SEE_OTHER, "a submission waited and was accepted");
    }
    assert!(held.elapsed() >= std::time::Duration::from_secs(12));

    // `server measures rebuild`, a process of its own, beside a stream of submissions.
    let stop = Arc::new(AtomicBool::new(false));
    let stream = {
        let (stop, status) = (stop.clone(), status.clone());
        tokio::spawn(async move {
            let mut statuses = Vec::new();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                statuses.push(status(20 + n / 200, n % 200).await);
            }
            statuses
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    for _ in 0..3 {
        let url = url.clone();
        let out = tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_server"))
                .env("DATABASE_URL", &url)
                .env("RUST_LOG", "warn")
                .args(["measures", "rebuild"])
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        assert!(
            out.status.success(),
            "the rebuild succeeds beside a busy server: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    stop.store(true, Ordering::Relaxed);
    let statuses = stream.await.unwrap();
    assert!(statuses.len() > 10, "submissions ran during the rebuilds ({})", statuses.len());
    assert!(
        statuses.iter().all(|s| *s == StatusCode::SEE_OTHER),
        "no submission failed during the rebuilds: {statuses:?}"
    );
    // Every item is stored, and the rollups — rebuilt three times while items arrived — count each
    // exactly once (a submission between a rebuild's read and its write would otherwise be lost or
    // counted twice).
    let items = db.count_items().await.unwrap();
    assert_eq!(items as usize, 1 + 8 + statuses.len());
    let counted: i64 =
        sqlx::query_scalar("SELECT CAST(SUM(items) AS BIGINT) FROM measure_rollups").fetch_one(&db.pool).await.unwrap();
    assert_eq!(counted, items);
}
