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
