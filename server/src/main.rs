//! `server`: serves the portal (default), or runs an admin command. `server --help` lists the
//! commands and settings, `server <command> --help` each command's flags (see `server::cli`).

use server::cli::{Cli, Command, Mail, Measures, SeedDemo, User, Villages};
use server::Config;
use std::net::SocketAddr;

/// mimalloc rather than glibc's malloc: after a 7 MB CSV export glibc kept ~15 MiB per export in its
/// per-thread arenas (RSS 38 → 117 MiB over six exports); mimalloc gives it back (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // The command line first, while this is the only thread (it may unset empty variables).
    let cli = Cli::from_process();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap_or_else(|e| {
        eprintln!("cannot start the runtime: {e}");
        std::process::exit(1)
    });
    runtime.block_on(run(cli));
}

async fn run(cli: Cli) {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let config = cli.settings.config();
    // The text sizes need no database.
    if let Some(Command::Mail(Mail::Texts)) = &cli.command {
        println!("| template | language | parts | units |\n|---|---|---|---|");
        for (name, lang, parts, units) in server::sms::template_sizes(&config.public_base_url) {
            println!("| {name} | {lang} | {parts} | {units} |");
        }
        return;
    }
    let db = store::Db::connect(&config.database_url).await.unwrap_or_else(|e| {
        eprintln!("cannot open the database {}: {e}", server::config::redact_url(&config.database_url));
        std::process::exit(1)
    });
    match cli.command {
        None | Some(Command::Serve) => serve(config, db).await,
        Some(Command::Migrate) => println!("migrations applied; reference data loaded"),
        Some(Command::SeedDemo(args)) => seed(&config, &db, args).await,
        Some(Command::User(cmd)) => user(&db, cmd).await,
        Some(Command::Mail(cmd)) => mail(&config, &db, cmd).await,
        Some(Command::Villages(cmd)) => villages(&db, cmd).await,
        Some(Command::Measures(Measures::Rebuild)) => {
            let started = std::time::Instant::now();
            let rows = db.rebuild_rollups().await.unwrap_or_else(|e| fail("rebuilding the measure rollups", e));
            println!("measure rollups rebuilt: {rows} rows in {:.1} s", started.elapsed().as_secs_f64());
        }
    }
}

async fn seed(config: &Config, db: &store::Db, args: SeedDemo) {
    let SeedDemo { items, seed, until, years, if_empty } = args;
    let until = until.unwrap_or_else(|| domain::Date::from_timestamp(store::now()));
    if if_empty && db.count_items().await.unwrap_or(0) > 0 {
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
async fn villages(db: &store::Db, cmd: Villages) {
    match cmd {
        Villages::Import { file, source, dry_run } => {
            let text = std::fs::read_to_string(&file).unwrap_or_else(|e| {
                eprintln!("cannot read {}: {e}", file.display());
                std::process::exit(1)
            });
            let source = source
                .unwrap_or_else(|| file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
            let file = file.display();
            let r = db.import_communities(&source, &text, dry_run).await.unwrap_or_else(|e| fail("importing", e));
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
        Villages::Imports => {
            for (source, at, summary) in db.community_imports().await.unwrap_or_else(|e| fail("reading imports", e)) {
                println!("{}  {source}  {summary}", domain::Date::from_timestamp(at));
            }
        }
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

async fn user(db: &store::Db, cmd: User) {
    match cmd {
        User::Add { email, role, town, community, name, if_missing } => {
            let name = name.unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_string());
            // A village worker's village or community, by its name in the town.
            let community_id = match (&community, &town) {
                (Some(c), Some(t)) => match db.communities(t).await {
                    Ok(list) => list.into_iter().find(|x| x.name == c.trim()).map(|x| x.id),
                    Err(e) => fail("cannot read the villages", e),
                },
                _ => None,
            };
            if community.is_some() && community_id.is_none() {
                eprintln!("no village or community of that name in that town");
                std::process::exit(2);
            }
            let new = store::NewStaffUser {
                email: email.clone(),
                name,
                role,
                town_slug: town,
                community_id,
                password: read_password(),
            };
            match db.create_staff_user(&new, store::now()).await {
                Ok(u) => println!(
                    "created {} ({}{})",
                    u.email,
                    role.code(),
                    u.town_slug.map(|t| format!(", {t}")).unwrap_or_default()
                ),
                Err(store::StoreError::Rejected(f)) if f.code == "email_taken" && if_missing => {
                    println!("{email} exists already; left as it is")
                }
                Err(e) => fail("cannot create the account", e),
            }
        }
        User::Password { email } => {
            let id = account_id(db, &email).await;
            match db.set_staff_password(id, &read_password()).await {
                Ok(()) => println!("password changed for {email}"),
                Err(e) => fail("cannot change the password", e),
            }
        }
        User::Disable { email } => set_active(db, &email, false).await,
        User::Enable { email } => set_active(db, &email, true).await,
        User::List => match db.staff_accounts().await {
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
    }
}

async fn set_active(db: &store::Db, email: &str, active: bool) {
    let id = account_id(db, email).await;
    match db.set_staff_active(id, active).await {
        Ok(()) => println!("{email}: {}", if active { "enabled" } else { "disabled" }),
        Err(e) => fail("cannot change the account", e),
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
    let (stop_mail, stop_rx) = tokio::sync::watch::channel(false);
    let mut mail_task = None;
    if config.mail_worker {
        let worker = config.mail_worker(&db).await.unwrap_or_else(|e| {
            eprintln!("mail configuration error: {e}");
            std::process::exit(2)
        });
        mail_task = Some(tokio::spawn(worker.run(stop_rx)));
    }
    if let Some(addr) = config.metrics_addr {
        let metrics = server::metrics::router(db.clone());
        match tokio::net::TcpListener::bind(addr).await {
            Ok(listener) => {
                tracing::info!("metrics on http://{addr}/metrics");
                tokio::spawn(async move {
                    if let Err(e) = axum::serve(listener, metrics).await {
                        tracing::error!(error = %e, "metrics listener stopped");
                    }
                });
            }
            Err(e) => {
                eprintln!("cannot listen for metrics on {addr}: {e}");
                std::process::exit(1)
            }
        }
    }
    let state = server::build_state(&config, db);
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

async fn mail(config: &Config, db: &store::Db, cmd: Mail) {
    match cmd {
        Mail::Test { to, lang, count } => {
            // An email address gets a test mail; a mobile number a test text (through SMS_URL).
            let is_phone = domain::sms::Channel::of(&to).is_some_and(|(c, _)| c == domain::sms::Channel::Sms);
            if !is_phone && to.parse::<lettre::message::Mailbox>().is_err() {
                eprintln!("not an email address or a mobile number: {to}");
                std::process::exit(2)
            }
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
                    "queued {count} test {}(s) (last #{id}) to {to}; the running server's worker sends them {} (see `server mail status`)",
                    if is_phone { "text" } else { "mail" },
                    match (is_phone, &config.smtp_url, &config.sms_url) {
                        (false, Some(url), _) => format!("through {}", server::config::smtp_host(url)),
                        (true, _, Some(url)) => format!("through {}", server::config::redact_url(url)),
                        (false, None, _) => format!("as a file under {} (no SMTP_URL)", config.mail_dir),
                        (true, _, None) => format!("as a file under {} (no SMS_URL)", config.mail_dir),
                    }
                ),
                Ok(None) => println!("not queued"),
                Err(e) => fail("cannot queue the mail", e),
            }
        }
        Mail::Texts => unreachable!("answered before the database is opened"),
        Mail::Status => {
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
        Mail::Retry { id, all } => {
            let ids: Vec<i64> = if all {
                db.mail_list(&["parked", "uncertain"], 100_000)
                    .await
                    .unwrap_or_else(|e| fail("cannot read the outbox", e))
                    .into_iter()
                    .map(|m| m.id)
                    .collect()
            } else {
                id.into_iter().collect()
            };
            let mut n = 0;
            for id in ids {
                if db.mail_retry(id, store::now()).await.unwrap_or_else(|e| fail("cannot retry", e)) {
                    n += 1;
                }
            }
            println!("{n} mail(s) queued again");
        }
    }
}
