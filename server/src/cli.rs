//! The command line: `server` serves the portal (the default), or runs one admin command. Every
//! setting is an environment variable and a flag before the command (the flag wins; an empty
//! variable counts as unset); `server --help` lists them, `server <command> --help` each command's
//! own flags. `.env.example` says what each one is for.

use crate::config::Config;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;

#[derive(Debug, Parser)]
#[command(name = "server", version, about = "民生大莞家: serves the portal, or runs one admin command")]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// Parses the command line and the environment. Call before any other thread starts: settings
    /// set to an empty value (`SMTP_URL=` in an environment file) are removed from the environment
    /// first, so that they count as unset, as they always have.
    pub fn from_process() -> Cli {
        use clap::CommandFactory;
        for arg in Cli::command().get_arguments() {
            if let Some(name) = arg.get_env() {
                if std::env::var_os(name).is_some_and(|v| v.to_string_lossy().trim().is_empty()) {
                    std::env::remove_var(name);
                }
            }
        }
        Cli::parse()
    }
}

/// The settings, from flags or the environment. Empty environment values count as unset.
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// `sqlite:data/portal.db` or `postgres://user:pass@host/db`
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite:data/portal.db", hide_env_values = true)]
    pub database_url: String,
    /// Where to listen
    #[arg(long, env = "LEPTOS_SITE_ADDR", default_value = "127.0.0.1:3000")]
    pub site_addr: SocketAddr,
    /// The address residents use, for links [default: http://{site-addr}]
    #[arg(long, env = "PUBLIC_BASE_URL")]
    pub public_base_url: Option<String>,
    /// The folder with the built front end (`pkg/`)
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// The mail server: smtp://host:25, smtp://user:pass@host:587?tls=required, smtps://user:pass@host:465;
    /// unset: mails are written as files under --mail-dir
    #[arg(long, env = "SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of every mail
    #[arg(long, env = "MAIL_FROM", default_value = "民生大莞家 <noreply@localhost>")]
    pub mail_from: String,
    /// Where mails go without an SMTP server
    #[arg(long, env = "MAIL_DIR", default_value = "data/mail")]
    pub mail_dir: String,
    /// Where photos are stored (with several servers: shared storage)
    #[arg(long, env = "PHOTO_DIR", default_value = "data/photos")]
    pub photo_dir: String,
    /// `off` runs this instance without a mail worker (another instance sends)
    #[arg(long, env = "MAIL_WORKER", default_value = "on", value_parser = on_off, action = clap::ArgAction::Set)]
    pub mail_worker: bool,
    /// Attempts before a mail is parked
    #[arg(long, env = "MAIL_MAX_ATTEMPTS", default_value_t = store::RetryPolicy::default().max_attempts,
          value_parser = positive)]
    pub mail_max_attempts: i64,
    /// Seconds before the first retry (doubled each time, up to an hour)
    #[arg(long, env = "MAIL_RETRY_SECS", default_value_t = store::RetryPolicy::default().base_secs,
          value_parser = positive)]
    pub mail_retry_secs: i64,
    /// Seconds a worker holds a mail it is sending before another may take it
    #[arg(long, env = "MAIL_LEASE_SECS", default_value_t = domain::mail::delivery::LEASE_SECS,
          value_parser = positive)]
    pub mail_lease_secs: i64,
    /// The load balancers whose X-Forwarded-For gives the client's address (addresses or networks,
    /// comma-separated: 10.0.0.0/8,127.0.0.1); unset: the connection's peer is the client
    #[arg(long, env = "TRUSTED_PROXIES", default_value = "", value_parser = proxies)]
    pub trusted_proxies: app::state::TrustedProxies,
    /// The SMS gateway's send address (Kannel: http://127.0.0.1:13013/cgi-bin/sendsms); unset: texts
    /// are written as files under --mail-dir
    #[arg(long, env = "SMS_URL", hide_env_values = true)]
    pub sms_url: Option<String>,
    /// The gateway's user (Kannel: a sendsms-user's username)
    #[arg(long, env = "SMS_USER", default_value = "portal")]
    pub sms_user: String,
    /// The gateway's password
    #[arg(long, env = "SMS_PASSWORD", default_value = "", hide_env_values = true, hide_default_value = true)]
    pub sms_password: String,
    /// The sender id texts come from (the programme's registered number)
    #[arg(long, env = "SMS_FROM", default_value = "1069012345")]
    pub sms_from: String,
    /// The portal's address as the gateway reaches it, for delivery reports [default: the public base URL]
    #[arg(long, env = "SMS_REPORT_BASE_URL")]
    pub sms_report_base_url: Option<String>,
    /// The secret that signs delivery-report addresses [default: derived from SMS_PASSWORD]
    #[arg(long, env = "SMS_REPORT_KEY", hide_env_values = true)]
    pub sms_report_key: Option<String>,
    /// Where to serve `/metrics` (Prometheus), apart from the public listener, e.g. 127.0.0.1:9464;
    /// unset: no metrics are served
    #[arg(long, env = "METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
}

fn on_off(v: &str) -> Result<bool, String> {
    match v.trim() {
        "" | "on" => Ok(true),
        "off" => Ok(false),
        _ => Err("on or off".into()),
    }
}

fn positive(v: &str) -> Result<i64, String> {
    v.trim().parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| "a positive number".into())
}

fn proxies(v: &str) -> Result<app::state::TrustedProxies, String> {
    app::state::TrustedProxies::parse(v)
}

impl Settings {
    /// The typed configuration.
    pub fn config(self) -> Config {
        let defaults = store::RetryPolicy::default();
        Config {
            public_base_url: self.public_base_url.unwrap_or_else(|| format!("http://{}", self.site_addr)),
            database_url: self.database_url,
            site_addr: self.site_addr,
            site_root: self.site_root,
            smtp_url: self.smtp_url,
            mail_from: self.mail_from,
            mail_dir: self.mail_dir,
            photo_dir: self.photo_dir,
            mail_worker: self.mail_worker,
            mail_policy: store::RetryPolicy {
                max_attempts: self.mail_max_attempts,
                base_secs: self.mail_retry_secs,
                cap_secs: defaults.cap_secs,
            },
            mail_lease_secs: self.mail_lease_secs,
            trusted_proxies: self.trusted_proxies,
            sms_report_key: match &self.sms_report_key {
                Some(k) => k.as_bytes().to_vec(),
                // Derived from the gateway's credentials: stable across restarts and instances.
                None => {
                    use sha2::Digest;
                    let seed = format!(
                        "sms-report:{}:{}:{}",
                        self.sms_url.as_deref().unwrap_or(""),
                        self.sms_user,
                        self.sms_password
                    );
                    sha2::Sha256::digest(seed.as_bytes()).to_vec()
                }
            },
            sms_url: self.sms_url,
            sms_user: self.sms_user,
            sms_password: self.sms_password,
            sms_from: self.sms_from,
            sms_report_base_url: self.sms_report_base_url,
            metrics_addr: self.metrics_addr,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the portal (the default)
    Serve,
    /// Run the migrations and load missing reference data, then exit
    Migrate,
    /// Add demo items (deterministic for a seed)
    SeedDemo(SeedDemo),
    /// The measure rollups
    #[command(subcommand)]
    Measures(Measures),
    /// Staff accounts
    #[command(subcommand)]
    User(User),
    /// The outbox
    #[command(subcommand)]
    Mail(Mail),
    /// The official list of villages and communities
    #[command(subcommand)]
    Villages(Villages),
}

#[derive(Debug, Args)]
pub struct SeedDemo {
    /// How many items
    #[arg(long)]
    pub items: u64,
    /// The random seed (the same seed gives the same items)
    #[arg(long)]
    pub seed: u64,
    /// The last day of the demo years (YYYY-MM-DD) [default: today]
    #[arg(long, value_parser = date)]
    pub until: Option<domain::Date>,
    /// Calendar years of items, ending with --until
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub years: u32,
    /// Do nothing if the database has items already
    #[arg(long)]
    pub if_empty: bool,
}

fn date(v: &str) -> Result<domain::Date, String> {
    domain::Date::parse(v).ok_or_else(|| "a date as YYYY-MM-DD".into())
}

#[derive(Debug, Subcommand)]
pub enum Measures {
    /// Recompute the measure rollups from the items
    Rebuild,
}

#[derive(Debug, Subcommand)]
pub enum User {
    /// Add an account; the password is the first line of standard input
    Add {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = role)]
        role: domain::Role,
        /// The town of town staff, a village worker or a town leader (its slug, e.g. humen)
        #[arg(long)]
        town: Option<String>,
        /// The village or community of a village worker, by name (e.g. 北隅社区)
        #[arg(long)]
        community: Option<String>,
        /// The name shown to colleagues [default: the part of the email before @]
        #[arg(long)]
        name: Option<String>,
        /// Leave an existing account with this email as it is
        #[arg(long)]
        if_missing: bool,
    },
    /// Set a new password (first line of standard input); the account's sessions end
    Password {
        #[arg(long)]
        email: String,
    },
    /// Disable an account (its sessions end)
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Enable an account again
    Enable {
        #[arg(long)]
        email: String,
    },
    /// List the accounts
    List,
}

fn role(v: &str) -> Result<domain::Role, String> {
    domain::Role::from_code(v).ok_or_else(|| {
        let all: Vec<&str> = domain::Role::ALL.iter().map(|r| r.code()).collect();
        format!("one of {}", all.join(", "))
    })
}

#[derive(Debug, Subcommand)]
pub enum Mail {
    /// Queue test mails, or test texts to a mobile number (the running server's worker sends them)
    Test {
        #[arg(long)]
        to: String,
        #[arg(long, default_value = "zh-Hans", value_parser = lang)]
        lang: domain::Lang,
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        count: u32,
    },
    /// Each text template's length in each language (parts and UTF-16 units, on PUBLIC_BASE_URL)
    Texts,
    /// Mails per status; the parked and uncertain ones
    Status,
    /// Send parked or uncertain mails again
    Retry {
        /// One mail
        #[arg(long, required_unless_present = "all", conflicts_with = "all")]
        id: Option<i64>,
        /// Every parked and uncertain mail
        #[arg(long)]
        all: bool,
    },
}

fn lang(v: &str) -> Result<domain::Lang, String> {
    domain::Lang::from_code(v).ok_or_else(|| "zh-Hans, zh-Hant or en".into())
}

#[derive(Debug, Subcommand)]
pub enum Villages {
    /// Import a year of the official list (the columns of data/villages-nbs2023.csv)
    Import {
        file: std::path::PathBuf,
        /// The name of this import [default: the file's name]
        #[arg(long)]
        source: Option<String>,
        /// Show the changes without writing them
        #[arg(long)]
        dry_run: bool,
    },
    /// The imports so far
    Imports,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed_and_every_command_has_help() {
        Cli::command().debug_assert();
        let mut cmd = Cli::command();
        let mut paths: Vec<Vec<String>> = Vec::new();
        for sub in cmd.get_subcommands() {
            paths.push(vec![sub.get_name().to_string()]);
            for subsub in sub.get_subcommands() {
                paths.push(vec![sub.get_name().to_string(), subsub.get_name().to_string()]);
            }
        }
        assert!(paths.len() >= 17, "{paths:?}");
        for path in paths {
            let mut argv = vec!["server".to_string()];
            argv.extend(path.iter().cloned());
            argv.push("--help".into());
            let err = cmd.try_get_matches_from_mut(&argv).unwrap_err();
            assert_eq!(err.kind(), clap::error::ErrorKind::DisplayHelp, "{argv:?}");
            let help = err.to_string();
            assert!(help.contains("Usage: server"), "{argv:?}: {help}");
        }
    }

    #[test]
    fn commands_and_settings_parse() {
        let cli = Cli::try_parse_from([
            "server",
            "--site-addr",
            "127.0.0.1:4000",
            "user",
            "add",
            "--email",
            "a@dg.gov.cn",
            "--role",
            "town_staff",
            "--town",
            "humen",
        ])
        .unwrap();
        match cli.command {
            Some(Command::User(User::Add { email, role, town, if_missing, .. })) => {
                assert_eq!(
                    (email.as_str(), role, town.as_deref(), if_missing),
                    ("a@dg.gov.cn", domain::Role::TownStaff, Some("humen"), false)
                );
            }
            other => panic!("{other:?}"),
        }
        let config = cli.settings.config();
        assert_eq!(config.public_base_url, "http://127.0.0.1:4000");
        assert_eq!(config.mail_policy.max_attempts, store::RetryPolicy::default().max_attempts);
        assert!(config.mail_worker);

        let err = Cli::try_parse_from(["server", "user", "add", "--email", "a@b", "--role", "mayor"]).unwrap_err();
        assert!(err.to_string().contains("town_staff"), "{err}");
        let err = Cli::try_parse_from(["server", "mail", "retry"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::MissingRequiredArgument);
        assert!(Cli::try_parse_from(["server", "--mail-worker", "maybe"]).is_err());
        assert!(Cli::try_parse_from(["server", "--trusted-proxies", "10.0.0.0/99"]).is_err());
        assert!(Cli::try_parse_from(["server", "seed-demo", "--items", "5", "--seed", "1", "--years", "21"]).is_err());
        let serve = Cli::try_parse_from(["server", "--mail-worker", "off"]).unwrap();
        assert!(serve.command.is_none() && !serve.settings.config().mail_worker);
    }
}
