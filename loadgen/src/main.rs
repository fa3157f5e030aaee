//! Load for the benchmarks (`scripts/bench-http.sh`): many concurrent residents against one or more
//! portal servers, spread round-robin as a load balancer would, for a fixed time.
//!
//! ```text
//! loadgen submit|track --database-url URL --base http://127.0.0.1:3000[,http://…] \
//!         [--seconds 20] [--warmup 3] [--concurrency 32]
//! ```
//! `submit` posts micro-wishes through the plain form (`POST /wish/new`, as a phone without JavaScript
//! does), each for a random town and community of the database; a success is the `303` to the new
//! item's tracking page. `track` opens tracking pages (`GET /t/{token}`) of random existing items; a
//! success is a `200` page holding the item's number. The database is only read, before the run, for
//! communities and tokens. Prints one line: requests, rate, latency percentiles and failures.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};

struct Args {
    scenario: String,
    database_url: String,
    bases: Vec<String>,
    seconds: u64,
    warmup: u64,
    concurrency: usize,
}

fn args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let scenario = it.next().filter(|s| s == "submit" || s == "track").ok_or("first argument: submit or track")?;
    let mut a =
        Args { scenario, database_url: String::new(), bases: Vec::new(), seconds: 20, warmup: 3, concurrency: 32 };
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let num = || value.parse::<u64>().map_err(|_| format!("{flag}: a number"));
        match flag.as_str() {
            "--database-url" => a.database_url = value.clone(),
            "--base" => a.bases = value.split(',').map(|b| b.trim_end_matches('/').to_string()).collect(),
            "--seconds" => a.seconds = num()?,
            "--warmup" => a.warmup = num()?,
            "--concurrency" => a.concurrency = num()? as usize,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    if a.database_url.is_empty() || a.bases.is_empty() || a.concurrency == 0 {
        return Err("--database-url and --base are required".into());
    }
    Ok(a)
}

/// What one request needs: a community (town, id) for a submission, or an item's token and number.
#[derive(Clone)]
enum Target {
    Community(String, i64),
    Item(String, String),
}

async fn targets(a: &Args) -> Result<Vec<Target>, String> {
    let db = store::Db::connect(&a.database_url).await.map_err(|e| e.to_string())?;
    let out: Vec<Target> = if a.scenario == "submit" {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT town_slug, CAST(id AS BIGINT) FROM communities WHERE active = 1 ORDER BY id")
                .fetch_all(&db.pool)
                .await
                .map_err(|e| e.to_string())?;
        rows.into_iter().map(|(t, c)| Target::Community(t, c)).collect()
    } else {
        // A random sample of items, the same on both backends' sizes.
        let rows: Vec<(String, String)> = sqlx::query_as("SELECT token, number FROM items ORDER BY token LIMIT 20000")
            .fetch_all(&db.pool)
            .await
            .map_err(|e| e.to_string())?;
        rows.into_iter().map(|(t, n)| Target::Item(t, n)).collect()
    };
    if out.is_empty() {
        return Err(format!("nothing to {} in the database (seed it first)", a.scenario));
    }
    Ok(out)
}

/// One request; `Ok` when the server answered as it does for a real resident.
async fn one(http: &reqwest::Client, base: &str, target: &Target, n: u64) -> Result<(), String> {
    match target {
        Target::Community(town, community) => {
            let key = format!("bench-{}-{n}", std::process::id());
            let phone = format!("138{:08}", n % 100_000_000);
            let form = [
                ("beneficiary", "elderly_alone"),
                ("submitted_by", "self"),
                ("helper_org", ""),
                ("need", "家里老人行动不便，希望社区帮忙配一台轮椅"),
                ("amount", "800"),
                ("town", town),
                ("community", &community.to_string()),
                ("contact_name", "陈测试"),
                ("phone", &phone),
                ("email", ""),
                ("consent", "on"),
                ("submission_key", &key),
            ];
            // A different resident each time (the server trusts 127.0.0.1 as a proxy in the benchmark).
            let client = format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255);
            let r = http
                .post(format!("{base}/wish/new"))
                .header("x-forwarded-for", client)
                .form(&form)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let ok = r.status() == reqwest::StatusCode::SEE_OTHER
                && r.headers().get("location").and_then(|l| l.to_str().ok()).is_some_and(|l| l.starts_with("/t/"));
            if ok {
                Ok(())
            } else {
                let status = r.status();
                let body = r.text().await.unwrap_or_default();
                Err(format!("{status}: {}", body.chars().take(200).collect::<String>()))
            }
        }
        Target::Item(token, number) => {
            let r = http.get(format!("{base}/t/{token}")).send().await.map_err(|e| e.to_string())?;
            let status = r.status();
            let body = r.text().await.map_err(|e| e.to_string())?;
            if status == reqwest::StatusCode::OK && body.contains(number.as_str()) {
                Ok(())
            } else {
                Err(format!("{status} for {number}"))
            }
        }
    }
}

#[tokio::main]
async fn main() {
    let a = args().unwrap_or_else(|e| {
        eprintln!("loadgen: {e}");
        std::process::exit(2)
    });
    let targets = std::sync::Arc::new(targets(&a).await.unwrap_or_else(|e| {
        eprintln!("loadgen: {e}");
        std::process::exit(1)
    }));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(a.concurrency)
        .build()
        .unwrap();
    let start = Instant::now();
    let measure_from = start + Duration::from_secs(a.warmup);
    let end = measure_from + Duration::from_secs(a.seconds);
    let mut tasks = Vec::new();
    for worker in 0..a.concurrency {
        let (http, targets, bases) = (http.clone(), targets.clone(), a.bases.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = rand::rngs::StdRng::seed_from_u64(worker as u64);
            let (mut latencies, mut failures, mut first_failure) = (Vec::new(), 0u64, None);
            let mut n = worker as u64;
            loop {
                let t = Instant::now();
                if t >= end {
                    break;
                }
                let target = targets.choose(&mut rng).unwrap();
                let base = &bases[n as usize % bases.len()];
                let result = one(&http, base, target, rng.gen::<u32>() as u64 * 1000 + n).await;
                if t >= measure_from && Instant::now() <= end {
                    match result {
                        Ok(()) => latencies.push(t.elapsed()),
                        Err(e) => {
                            failures += 1;
                            first_failure.get_or_insert(e);
                        }
                    }
                }
                n += a.concurrency as u64;
            }
            (latencies, failures, first_failure)
        }));
    }
    let (mut latencies, mut failures, mut first_failure) = (Vec::new(), 0, None);
    for t in tasks {
        let (l, f, e) = t.await.unwrap();
        latencies.extend(l);
        failures += f;
        first_failure = first_failure.or(e);
    }
    latencies.sort();
    let pct = |p: f64| -> f64 {
        if latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[i].as_secs_f64() * 1000.0
    };
    println!(
        "{} {}: {} ok in {} s = {:.0}/s; latency ms p50 {:.1} p95 {:.1} p99 {:.1}; failures {}{}",
        a.scenario,
        a.bases.len(),
        latencies.len(),
        a.seconds,
        latencies.len() as f64 / a.seconds as f64,
        pct(0.50),
        pct(0.95),
        pct(0.99),
        failures,
        first_failure.map(|e| format!(" (first: {e})")).unwrap_or_default(),
    );
    if failures > 0 {
        std::process::exit(1);
    }
}
