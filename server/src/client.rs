//! The client's address for per-client limits and the audit trail, seen through the trusted proxies
//! (`TRUSTED_PROXIES`) in front of the servers.

use app::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use std::net::IpAddr;

/// The address of the client that made the request: the connection's peer, or the address a trusted
/// proxy put in `X-Forwarded-For`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

impl std::fmt::Display for ClientIp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = (StatusCode, &'static str);

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        st.client_of(parts).map(ClientIp).ok_or((StatusCode::INTERNAL_SERVER_ERROR, "no peer address"))
    }
}
