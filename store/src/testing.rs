//! Fresh databases for tests (feature `test-support`): a new SQLite file each time, and, when
//! `TEST_POSTGRES_URL` points at a PostgreSQL server (the test script starts one), a new PostgreSQL
//! database each time. Shared by the storage tests here and the HTTP tests of the server.

use crate::Db;
use sqlx::Connection;

/// Every backend this run must cover. With `PORTAL_REQUIRE_POSTGRES=1` a missing server is an error.
pub fn backends() -> Vec<&'static str> {
    let mut v = vec!["sqlite"];
    if std::env::var("TEST_POSTGRES_URL").is_ok() {
        v.push("postgres");
    } else if std::env::var("PORTAL_REQUIRE_POSTGRES").as_deref() == Ok("1") {
        panic!("PORTAL_REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set");
    }
    v
}

fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("{prefix}_{}_{}_{}", std::process::id(), t % 1_000_000_000, N.fetch_add(1, Ordering::SeqCst))
}

/// A fresh, migrated database on `backend`.
pub async fn fresh(backend: &str) -> Db {
    Db::connect(&fresh_url(backend).await).await.expect(backend)
}

/// The URL of a new, empty database on `backend` (for tests that start the server binary on it).
pub async fn fresh_url(backend: &str) -> String {
    match backend {
        "sqlite" => {
            let dir = std::env::temp_dir().join("portal-tests");
            std::fs::create_dir_all(&dir).unwrap();
            format!("sqlite:{}", dir.join(format!("{}.db", unique("t"))).display())
        }
        "postgres" => {
            let admin = std::env::var("TEST_POSTGRES_URL").expect("TEST_POSTGRES_URL");
            let name = unique("t");
            let mut conn = sqlx::PgConnection::connect(&admin).await.expect("connect to the test PostgreSQL server");
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.unwrap();
            conn.close().await.ok();
            let (base, _) = admin.rsplit_once('/').expect("TEST_POSTGRES_URL ends with /dbname");
            format!("{base}/{name}")
        }
        other => panic!("unknown backend {other}"),
    }
}

/// A micro-wish for 王小明 in Humen's first community, submitted at `at` with this submission key:
/// the item the storage tests start from.
pub fn wish(key: Option<&str>, at: i64) -> crate::NewItem {
    crate::NewItem {
        kind: domain::Kind::Wish,
        category: "elderly_alone".into(),
        title: String::new(),
        description: "一台轮椅".into(),
        location: String::new(),
        amount_yuan: 800,
        urgent: false,
        submitted_by: "helper".into(),
        helper_org: None,
        contact_name: "王小明".into(),
        contact_phone: "13812341234".into(),
        contact_email: None,
        lang: "zh-Hans".into(),
        town_slug: Some("humen".into()),
        community_id: Some(1),
        place_text: None,
        beneficiary: None,
        submission_key: key.map(str::to_string),
        submitted_at: at,
        acceptance_due_at: at + 86_400,
        feedback_due_at: at + 30 * 86_400,
        sign_due_at: None,
        return_due_at: None,
    }
}
