//! The portal's HTTP server: configuration, the axum router (Leptos pages, server functions, plain
//! form posts for browsers without JavaScript, health check) and the command line.

pub mod api_doc;
pub mod assets;
pub mod cli;
pub mod client;
pub mod config;
pub mod dashboard_routes;
pub mod mail;
pub mod metrics;
pub mod open311;
pub mod outbox;
pub mod photos;
pub mod public_routes;
pub mod resident_routes;
pub mod respond;
pub mod routes;
pub mod security;
pub mod sessions;
pub mod sms;
pub mod staff_routes;

pub use config::Config;
pub use routes::router;

/// The application state of a configuration over an open database: what `main` serves and what
/// the HTTP tests serve, wired in this one place.
pub fn build_state(config: &Config, db: store::Db) -> app::state::AppState {
    let delivery = match &config.smtp_url {
        Some(url) => app::state::MailDelivery::Smtp { host: config::smtp_host(url) },
        None => app::state::MailDelivery::Files { dir: config.mail_dir.clone() },
    };
    let (sms_delivery, reports) = match config.sms_gateway() {
        Ok(gateway) => {
            let delivery = match &config.sms_url {
                Some(_) => {
                    app::state::SmsDelivery::Gateway { kind: gateway.code().into(), address: gateway.describe() }
                }
                None => app::state::SmsDelivery::Files { dir: config.mail_dir.clone() },
            };
            let signer = sms::ReportSigner::new(&config.sms_report_key);
            let reader: app::state::SmsReportReader = std::sync::Arc::new(move |id, sig, query| {
                signer.verify(id, sig).then(|| gateway.read_report(query)).flatten()
            });
            (delivery, Some(reader))
        }
        // A malformed SMS_URL: the worker refuses to start and says why; the pages say so too.
        Err(e) => (app::state::SmsDelivery::Gateway { kind: "error".into(), address: e }, None),
    };
    app::state::AppState::new(config.leptos_options(), db, config.public_base_url.clone())
        .with_mail_delivery(delivery)
        .with_sms(sms_delivery, reports, sms::template_sizes(&config.public_base_url))
        .with_photo_dir(config.photo_dir.clone())
        .with_trusted_proxies(config.trusted_proxies.clone())
}
