//! `/metrics` in the Prometheus text format (issue 19), served on its own listener (`METRICS_ADDR`),
//! never on the public one: request counts and latency per route, the database pool, the SQLite write
//! queue, the outbox's backlog per channel and status, the measure cache and the process's memory.
//!
//! Routes are labelled by their pattern (`/t/{token}/{what}`), never by the path a client sent, so no
//! token, number or personal datum reaches the metrics, and their number stays bounded.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::sync::OnceLock;
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    /// `2xx`, `3xx`, `4xx`, `5xx`.
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// The request metrics of this process (every router of it adds to the same ones).
struct RequestMetrics {
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
}

fn latency_histogram() -> Histogram {
    // 1 ms to ~8 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 14))
}

fn request_metrics() -> &'static RequestMetrics {
    static METRICS: OnceLock<RequestMetrics> = OnceLock::new();
    METRICS.get_or_init(|| RequestMetrics {
        requests: Family::default(),
        latency: Family::new_with_constructor(latency_histogram as fn() -> Histogram),
    })
}

/// The middleware that counts and times every request by its route pattern.
pub async fn record(req: Request, next: Next) -> Response {
    let route =
        req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string()).unwrap_or_else(|| "(other)".to_string());
    let method = req.method().as_str().to_string();
    let started = Instant::now();
    let res = next.run(req).await;
    let m = request_metrics();
    let status = format!("{}xx", res.status().as_u16() / 100);
    m.requests.get_or_create(&RequestLabels { method, route: route.clone(), status }).inc();
    m.latency.get_or_create(&RouteLabels { route }).observe(started.elapsed().as_secs_f64());
    res
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutboxLabels {
    channel: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: String,
}

/// The text of `/metrics` now: the request metrics plus what is read at this moment.
pub async fn render(db: &store::Db) -> Result<String, store::StoreError> {
    let mut registry = Registry::with_prefix("portal");
    let m = request_metrics();
    registry.register("http_requests", "HTTP requests by method, route pattern and status class", m.requests.clone());
    registry.register("http_request_duration_seconds", "Time to answer, by route pattern", m.latency.clone());

    let pool: Family<PoolLabels, Gauge> = Family::default();
    let size = i64::from(db.pool.size());
    let idle = db.pool.num_idle() as i64;
    pool.get_or_create(&PoolLabels { state: "idle".into() }).set(idle);
    pool.get_or_create(&PoolLabels { state: "in_use".into() }).set(size - idle);
    registry.register("db_pool_connections", "Database connections of this instance", pool);

    let writers: Gauge = Gauge::default();
    writers.set(db.writers_waiting());
    registry.register("db_writers_waiting", "Writes waiting for their turn (SQLite's one writer)", writers);
    let (commits, grouped) = db.group_commit_stats();
    let c: Counter = Counter::default();
    c.inc_by(commits);
    registry.register("db_group_commits", "Transactions the group-commit writer committed (SQLite)", c);
    let w: Counter = Counter::default();
    w.inc_by(grouped);
    registry.register("db_group_writes", "Writes those transactions held: writes / commits is the mean group", w);

    let outbox: Family<OutboxLabels, Gauge> = Family::default();
    for channel in ["mail", "sms"] {
        for status in ["queued", "sending", "parked"] {
            outbox.get_or_create(&OutboxLabels { channel: channel.into(), status: status.into() }).set(0);
        }
    }
    for (channel, status, n) in db.outbox_backlog().await? {
        outbox.get_or_create(&OutboxLabels { channel, status }).set(n);
    }
    registry.register("outbox_messages", "Mails and texts not sent yet, by channel and status", outbox);

    let (hits, misses, entries, rows) = db.measure_cache_stats();
    let hit: Counter = Counter::default();
    hit.inc_by(hits);
    registry.register("measure_cache_hits", "Measure results handed out again", hit);
    let miss: Counter = Counter::default();
    miss.inc_by(misses);
    registry.register("measure_cache_misses", "Measure results computed", miss);
    let kept: Gauge = Gauge::default();
    kept.set(entries as i64);
    registry.register("measure_cache_entries", "Measure results kept", kept);
    let kept_rows: Gauge = Gauge::default();
    kept_rows.set(rows as i64);
    registry.register("measure_cache_rows", "Rows the kept measure results hold", kept_rows);

    if let Some(rss) = resident_bytes() {
        let g: Gauge = Gauge::default();
        g.set(rss);
        registry.register("process_resident_memory_bytes", "Resident memory of this process", g);
    }

    let mut out = String::new();
    prometheus_client::encoding::prometheus_text::encode(&mut out, &registry)
        .map_err(|e| store::StoreError::Corrupt(format!("metrics: {e}")))?;
    Ok(out)
}

/// The process's resident memory (Linux: `/proc/self/statm`).
pub fn resident_bytes() -> Option<i64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: i64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

async fn metrics(State(db): State<store::Db>) -> Response {
    match render(&db).await {
        Ok(text) => (
            [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8"), (header::CACHE_CONTROL, "no-store")],
            text,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "metrics failed");
            (StatusCode::SERVICE_UNAVAILABLE, "metrics unavailable").into_response()
        }
    }
}

/// The router of the metrics listener: `/metrics` and nothing else.
pub fn router(db: store::Db) -> Router {
    Router::new().route("/metrics", get(metrics)).with_state(db)
}
