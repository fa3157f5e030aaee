//! Configuration from the environment. Every variable is documented in `.env.example`.

use std::net::SocketAddr;

/// Typed configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite:data/portal.db` (default) or `postgres://user:pass@host/db`.
    pub database_url: String,
    /// `LEPTOS_SITE_ADDR`: where to listen, default `127.0.0.1:3000`.
    pub site_addr: SocketAddr,
    /// `PUBLIC_BASE_URL`: the address residents use, for links; default `http://{site_addr}`.
    pub public_base_url: String,
    /// `LEPTOS_SITE_ROOT`: the folder with the built front end (`pkg/`), default `target/site`.
    pub site_root: String,
}

impl Config {
    /// Reads the environment, with defaults for a developer machine.
    pub fn from_env() -> Result<Config, String> {
        let get = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let site_addr: SocketAddr = get("LEPTOS_SITE_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .map_err(|e| format!("LEPTOS_SITE_ADDR: {e}"))?;
        Ok(Config {
            database_url: get("DATABASE_URL").unwrap_or_else(|| "sqlite:data/portal.db".into()),
            public_base_url: get("PUBLIC_BASE_URL").unwrap_or_else(|| format!("http://{site_addr}")),
            site_root: get("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            site_addr,
        })
    }

    /// Leptos options built from this configuration, so the release binary runs without cargo-leptos.
    pub fn leptos_options(&self) -> leptos::prelude::LeptosOptions {
        leptos::prelude::LeptosOptions::builder()
            .output_name("portal")
            .site_root(self.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(self.site_addr)
            .build()
    }
}
