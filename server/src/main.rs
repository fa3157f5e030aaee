//! `server`: serves the portal (default), or runs an admin command.
//!
//! ```text
//! server                                   serve (same as `server serve`)
//! server seed-demo --items N --seed S [--until YYYY-MM-DD] [--if-empty]
//! server migrate                           run migrations and load reference data, then exit
//! ```

use app::state::AppState;
use server::Config;
use std::net::SocketAddr;

fn usage() -> ! {
    eprintln!("usage: server [serve | migrate | seed-demo --items N --seed S [--until YYYY-MM-DD] [--if-empty]]");
    std::process::exit(2)
}

fn flag_value<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(String::as_str)
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = Config::from_env().unwrap_or_else(|e| {
        eprintln!("configuration error: {e}");
        std::process::exit(2)
    });
    let db = store::Db::connect(&config.database_url).await.unwrap_or_else(|e| {
        eprintln!("cannot open the database {}: {e}", config.database_url);
        std::process::exit(1)
    });
    match args.first().map(String::as_str) {
        None | Some("serve") => serve(config, db).await,
        Some("migrate") => println!("migrations applied; reference data loaded"),
        Some("seed-demo") => seed(&config, &db, &args).await,
        Some(_) => usage(),
    }
}

async fn seed(config: &Config, db: &store::Db, args: &[String]) {
    let items: u64 = flag_value(args, "--items").and_then(|v| v.parse().ok()).unwrap_or_else(|| usage());
    let seed: u64 = flag_value(args, "--seed").and_then(|v| v.parse().ok()).unwrap_or_else(|| usage());
    let until = match flag_value(args, "--until") {
        Some(s) => domain::Date::parse(s).unwrap_or_else(|| usage()),
        None => domain::Date::from_timestamp(store::now()),
    };
    if args.iter().any(|a| a == "--if-empty") && db.count_items().await.unwrap_or(0) > 0 {
        println!("the database already has items; not seeding (drop --if-empty to add more)");
        return;
    }
    let started = std::time::Instant::now();
    let report =
        store::seed::seed_demo(db, &store::seed::SeedOptions { items, seed, until }).await.unwrap_or_else(|e| {
            eprintln!("seeding failed: {e}");
            std::process::exit(1)
        });
    let secs = started.elapsed().as_secs_f64();
    println!(
        "seeded {} items and {} timeline events in {:.1} s ({:.0} items/s), year ending {}",
        report.items,
        report.events,
        secs,
        report.items as f64 / secs.max(0.001),
        until
    );
    println!("tracking links to try:");
    for (number, token, status) in &report.samples {
        println!("  {number}  {:<15} {}/t/{token}", status.code(), config.public_base_url.trim_end_matches('/'));
    }
}

async fn serve(config: Config, db: store::Db) {
    let state = AppState::new(config.leptos_options(), db, config.public_base_url.clone());
    let app = server::router(state);
    let listener = tokio::net::TcpListener::bind(config.site_addr).await.unwrap_or_else(|e| {
        eprintln!("cannot listen on {}: {e}", config.site_addr);
        std::process::exit(1)
    });
    tracing::info!("listening on http://{} (public address {})", config.site_addr, config.public_base_url);
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .unwrap_or_else(|e| eprintln!("server error: {e}"));
}
