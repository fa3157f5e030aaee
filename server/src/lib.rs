//! The portal's HTTP server: configuration, the axum router (Leptos pages, server functions, plain
//! form posts for browsers without JavaScript, health check) and the command line.

pub mod client;
pub mod config;
pub mod dashboard_routes;
pub mod mail;
pub mod photos;
pub mod public_routes;
pub mod resident_routes;
pub mod respond;
pub mod routes;
pub mod security;
pub mod sessions;
pub mod staff_routes;

pub use config::Config;
pub use routes::router;
