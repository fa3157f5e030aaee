//! `server`: serves the portal (default), or runs an admin command.
//!
//! ```text
//! server                                   serve (same as `server serve`)
//! server seed-demo --items N --seed S [--until YYYY-MM-DD] [--years Y] [--if-empty]
//! server measures rebuild                  recompute the measure rollups from the items
//! server migrate                           run migrations and load reference data, then exit
//! server user add --email E --role town_staff|dispatcher|leader|admin [--town SLUG] [--name NAME] [--if-missing]
//!                                          password from standard input (first line)
//! server user password --email E           new password from standard input
//! server user disable --email E | user enable --email E
//! server user list
//! server mail test --to ADDRESS [--lang zh-Hans|zh-Hant|en] [--count N]   queue a test mail (the server's worker sends it)
//! server mail status                       mails per status; the parked and uncertain ones
//! server mail retry --id N | --all         send parked/uncertain mails again
//! server villages import FILE [--source NAME] [--dry-run]
//!                                          import a year of the official list of villages/communities
//! server villages imports                  the imports so far
//! ```

use app::state::AppState;
use server::Config;
use std::net::SocketAddr;

fn usage() -> ! {
    eprintln!(
        "usage: server [serve | migrate | seed-demo --items N --seed S [--until YYYY-MM-DD] [--years Y] [--if-empty]\n\
         \x20      | measures rebuild\n\
         \x20      | user add --email E --role town_staff|dispatcher|leader|admin [--town SLUG] [--name NAME]\n\
         \x20      | user password --email E | user disable --email E | user enable --email E | user list\n\
         \x20      | mail test --to ADDRESS [--lang L] [--count N] | mail status | mail retry --id N | mail retry --all\n\
         \x20      | villages import FILE [--source NAME] [--dry-run] | villages imports]\n\
         \x20      (user add --if-missing leaves an existing account as it is)\n\
         passwords are read from standard input"
    );
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
        eprintln!("cannot open the database {}: {e}", server::config::redact_url(&config.database_url));
        std::process::exit(1)
    });
    match args.first().map(String::as_str) {
        None | Some("serve") => serve(config, db).await,
        Some("migrate") => println!("migrations applied; reference data loaded"),
        Some("seed-demo") => seed(&config, &db, &args).await,
        Some("user") => user(&db, &args[1..]).await,
        Some("mail") => mail(&config, &db, &args[1..]).await,
        Some("villages") => villages(&db, &args[1..]).await,
        Some("measures") if args.get(1).map(String::as_str) == Some("rebuild") => {
            let started = std::time::Instant::now();
            let rows = db.rebuild_rollups().await.unwrap_or_else(|e| fail("rebuilding the measure rollups", e));
            println!("measure rollups rebuilt: {rows} rows in {:.1} s", started.elapsed().as_secs_f64());
        }
        Some(_) => usage(),
    }
}

async fn seed(config: &Config, db: &store::Db, args: &[String]) {
    let items: u64 = flag_value(args, "--items").and_then(|v| v.parse().ok()).unwrap_or_else(|| usage());
    let seed: u64 = flag_value(args, "--seed").and_then(|v| v.parse().ok()).unwrap_or_else(|| usage());
    let years: u32 = match flag_value(args, "--years") {
        Some(v) => v.parse().ok().filter(|y| (1..=20).contains(y)).unwrap_or_else(|| usage()),
        None => 1,
    };
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
        store::seed::seed_demo(db, &store::seed::SeedOptions { items, seed, until, years }).await.unwrap_or_else(|e| {
            eprintln!("seeding failed: {e}");
            std::process::exit(1)
        });
    let secs = started.elapsed().as_secs_f64();
    println!(
        "seeded {} items and {} timeline events in {:.1} s ({:.0} items/s), {years} year(s) ending {}",
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

/// `villages import FILE`: a newer year of the official list (same columns as data/villages-nbs2023.csv).
async fn villages(db: &store::Db, args: &[String]) {
    match args.first().map(String::as_str) {
        Some("import") => {
            let Some(file) = args.get(1).filter(|f| !f.starts_with("--")) else { usage() };
            let text = std::fs::read_to_string(file).unwrap_or_else(|e| {
                eprintln!("cannot read {file}: {e}");
                std::process::exit(1)
            });
            let source = flag_value(args, "--source").map(str::to_string).unwrap_or_else(|| {
                std::path::Path::new(file).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
            });
            let dry = args.iter().any(|a| a == "--dry-run");
            let r = db.import_communities(&source, &text, dry).await.unwrap_or_else(|e| fail("importing", e));
            if !r.malformed.is_empty() {
                eprintln!(
                    "{file}: lines {:?} are not code,name,town_code,town_name with a 12-digit code; nothing written",
                    r.malformed
                );
                std::process::exit(1)
            }
            for c in &r.plan.changes {
                println!("  {}", c.line());
            }
            println!("{}: {}{}", source, r.plan.summary(), if r.written { "" } else { " (dry run: nothing written)" });
        }
        Some("imports") => {
            for (source, at, summary) in db.community_imports().await.unwrap_or_else(|e| fail("reading imports", e)) {
                println!("{}  {source}  {summary}", domain::Date::from_timestamp(at));
            }
        }
        _ => usage(),
    }
}

/// Reads a password from the first line of standard input (piped, or typed at a prompt).
fn read_password() -> String {
    use std::io::BufRead;
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        eprintln!("could not read the password from standard input");
        std::process::exit(2)
    }
    line.trim_end_matches(['\r', '\n']).to_string()
}

fn fail(what: &str, e: store::StoreError) -> ! {
    eprintln!("{what}: {e}");
    std::process::exit(1)
}

async fn account_id(db: &store::Db, email: &str) -> i64 {
    let email = store::normalise_email(email);
    match db.staff_accounts().await {
        Ok(list) => list.into_iter().find(|a| a.user.email == email).map(|a| a.user.id).unwrap_or_else(|| {
            eprintln!("no account with email {email}");
            std::process::exit(1)
        }),
        Err(e) => fail("cannot read accounts", e),
    }
}

async fn user(db: &store::Db, args: &[String]) {
    let email = flag_value(args, "--email");
    match (args.first().map(String::as_str), email) {
        (Some("add"), Some(email)) => {
            let role = flag_value(args, "--role").and_then(domain::Role::from_code).unwrap_or_else(|| usage());
            let name = flag_value(args, "--name").unwrap_or_else(|| email.split('@').next().unwrap_or(email));
            let new = store::NewStaffUser {
                email: email.to_string(),
                name: name.to_string(),
                role,
                town_slug: flag_value(args, "--town").map(str::to_string),
                password: read_password(),
            };
            match db.create_staff_user(&new, store::now()).await {
                Ok(u) => println!(
                    "created {} ({}{})",
                    u.email,
                    role.code(),
                    u.town_slug.map(|t| format!(", {t}")).unwrap_or_default()
                ),
                Err(store::StoreError::Invalid(code))
                    if code == "email_taken" && args.iter().any(|a| a == "--if-missing") =>
                {
                    println!("{email} exists already; left as it is")
                }
                Err(e) => fail("cannot create the account", e),
            }
        }
        (Some("password"), Some(email)) => {
            let id = account_id(db, email).await;
            match db.set_staff_password(id, &read_password()).await {
                Ok(()) => println!("password changed for {email}"),
                Err(e) => fail("cannot change the password", e),
            }
        }
        (Some(what @ ("disable" | "enable")), Some(email)) => {
            let id = account_id(db, email).await;
            match db.set_staff_active(id, what == "enable").await {
                Ok(()) => println!("{email}: {what}d"),
                Err(e) => fail("cannot change the account", e),
            }
        }
        (Some("list"), _) => match db.staff_accounts().await {
            Ok(list) => {
                for a in list {
                    println!(
                        "{:<32} {:<11} {:<14} {}",
                        a.user.email,
                        a.user.role.code(),
                        a.user.town_slug.unwrap_or_default(),
                        if a.active { "active" } else { "disabled" }
                    );
                }
            }
            Err(e) => fail("cannot list accounts", e),
        },
        _ => usage(),
    }
}

async fn serve(config: Config, db: store::Db) {
    // Expired staff sessions are removed once an hour.
    let sessions = server::sessions::DbSessionStore { db: db.clone() };
    tokio::spawn(async move {
        loop {
            if let Err(e) = tower_sessions::ExpiredDeletion::delete_expired(&sessions).await {
                tracing::warn!(error = %e, "could not delete expired sessions");
            }
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        }
    });
    // Donors' claims whose hold ended without a delivery lapse, checked once a minute on every
    // instance (each claim lapses once: the item's version check lets one instance through).
    let lapses = db.clone();
    tokio::spawn(async move {
        loop {
            match lapses.lapse_claims(store::now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(count = n, "claims lapsed; the wishes are back on the wall"),
                Err(e) => tracing::warn!(error = %e, "could not lapse claims"),
            }
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
        }
    });
    let delivery = match &config.smtp_url {
        Some(url) => app::state::MailDelivery::Smtp { host: smtp_host(url) },
        None => app::state::MailDelivery::Files { dir: config.mail_dir.clone() },
    };
    let (stop_mail, stop_rx) = tokio::sync::watch::channel(false);
    let mut mail_task = None;
    if config.mail_worker {
        let worker = config.mail_worker(&db).await.unwrap_or_else(|e| {
            eprintln!("mail configuration error: {e}");
            std::process::exit(2)
        });
        mail_task = Some(tokio::spawn(worker.run(stop_rx)));
    }
    let state = AppState::new(config.leptos_options(), db, config.public_base_url.clone())
        .with_mail_delivery(delivery)
        .with_photo_dir(config.photo_dir.clone())
        .with_trusted_proxies(config.trusted_proxies.clone());
    let app = server::router(state);
    let listener = tokio::net::TcpListener::bind(config.site_addr).await.unwrap_or_else(|e| {
        eprintln!("cannot listen on {}: {e}", config.site_addr);
        std::process::exit(1)
    });
    tracing::info!("listening on http://{} (public address {})", config.site_addr, config.public_base_url);
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .unwrap_or_else(|e| eprintln!("server error: {e}"));
    // The mail worker finishes the mail in hand (the SMTP timeout is 30 s), so none is left "sending".
    let _ = stop_mail.send(true);
    if let Some(task) = mail_task {
        let _ = tokio::time::timeout(std::time::Duration::from_secs(35), task).await;
    }
    tracing::info!("stopped");
}

/// Ctrl-C, or SIGTERM (what systemd and container runtimes send).
async fn shutdown_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).unwrap_or_else(|e| {
        eprintln!("cannot listen for SIGTERM: {e}");
        std::process::exit(1)
    });
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    tracing::info!("shutting down");
}

/// The host and port of an SMTP URL, without credentials.
fn smtp_host(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let rest = rest.rsplit_once('@').map(|(_, r)| r).unwrap_or(rest);
    rest.split(['/', '?']).next().unwrap_or(rest).to_string()
}

async fn mail(config: &Config, db: &store::Db, args: &[String]) {
    match args.first().map(String::as_str) {
        Some("test") => {
            let to = flag_value(args, "--to").unwrap_or_else(|| usage());
            let lang = flag_value(args, "--lang").and_then(domain::Lang::from_code).unwrap_or_default();
            if to.parse::<lettre::message::Mailbox>().is_err() {
                eprintln!("not an email address: {to}");
                std::process::exit(2)
            }
            let count: u32 = match flag_value(args, "--count") {
                Some(v) => v.parse().ok().filter(|n| (1..=1_000_000).contains(n)).unwrap_or_else(|| usage()),
                None => 1,
            };
            let m = store::MailRequest {
                kind: domain::mail::MailKind::OperatorTest,
                to: to.to_string(),
                lang: lang.code().to_string(),
                item_id: None,
                params: store::MailParams::default(),
                dedupe_key: None,
            };
            let mut last = Ok(None);
            for _ in 0..count {
                last = db.queue_mail(&m, store::now()).await;
                if last.is_err() {
                    break;
                }
            }
            match last {
                Ok(Some(id)) => println!(
                    "queued {count} test mail(s) (last #{id}) to {to}; the running server's worker sends them {} (see `server mail status`)",
                    match &config.smtp_url {
                        Some(url) => format!("through {}", smtp_host(url)),
                        None => format!("as a file under {} (no SMTP_URL)", config.mail_dir),
                    }
                ),
                Ok(None) => println!("not queued"),
                Err(e) => fail("cannot queue the mail", e),
            }
        }
        Some("status") => {
            let counts = db.mail_counts().await.unwrap_or_else(|e| fail("cannot read the outbox", e));
            for (status, n) in &counts {
                println!("{status:<10} {n}");
            }
            let problems =
                db.mail_list(&["parked", "uncertain"], 50).await.unwrap_or_else(|e| fail("cannot read the outbox", e));
            for m in problems {
                println!(
                    "#{} {} {} to {} after {} attempts: {}",
                    m.id, m.status, m.kind, m.to, m.attempts, m.last_error
                );
            }
        }
        Some("retry") => {
            let ids: Vec<i64> = if args.iter().any(|a| a == "--all") {
                db.mail_list(&["parked", "uncertain"], 100_000)
                    .await
                    .unwrap_or_else(|e| fail("cannot read the outbox", e))
                    .into_iter()
                    .map(|m| m.id)
                    .collect()
            } else {
                vec![flag_value(args, "--id").and_then(|v| v.parse().ok()).unwrap_or_else(|| usage())]
            };
            let mut n = 0;
            for id in ids {
                if db.mail_retry(id, store::now()).await.unwrap_or_else(|e| fail("cannot retry", e)) {
                    n += 1;
                }
            }
            println!("{n} mail(s) queued again");
        }
        _ => usage(),
    }
}
