//! A real portal server on 127.0.0.1 for HTTP tests, over a fresh database on either backend.
#![allow(dead_code)]

use app::state::AppState;
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use std::net::SocketAddr;
use store::Db;

pub use store::testing::{backends, fresh};

pub struct TestApp {
    pub base: String,
    pub db: Db,
    /// A client without cookies (a visitor, or a resident holding a link).
    pub http: reqwest::Client,
}

impl TestApp {
    pub async fn start(backend: &str) -> TestApp {
        // Server errors are logged into the test's output, shown when it fails.
        let _ = tracing_subscriber::fmt().with_env_filter("warn").with_test_writer().try_init();
        let db = fresh(backend).await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let config = server::Config {
            database_url: String::new(),
            site_addr: addr,
            public_base_url: format!("http://{addr}"),
            site_root: "target/site".into(),
        };
        let state = AppState::new(config.leptos_options(), db.clone(), config.public_base_url.clone());
        let app = server::router(state);
        tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
        });
        let http = reqwest::Client::builder().redirect(Policy::none()).build().unwrap();
        TestApp { base: format!("http://{addr}"), db, http }
    }

    /// A browser-like client that keeps cookies (a staff member's session).
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder().redirect(Policy::none()).cookie_store(true).build().unwrap()
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
