//! The portal's edge against hostile requests, in front of every route (`docs/security.md`):
//!
//! - [`boundary`]: paths and query strings with control characters or of absurd length answer 400;
//!   every POST from another site is refused (403, a page in the visitor's language); a form field
//!   carrying a control character answers 400 unless it is one of the free-text fields whose handler
//!   reports it at the field ([`FIELD_CHECKED`]), so no NUL ever reaches a database.
//! - [`headers`]: Content-Security-Policy (pages set their own with the nonce of their inline
//!   scripts, see `app::shell`; everything else gets the strict default), `frame-ancestors 'none'`,
//!   HSTS when the portal is served over HTTPS, `Permissions-Policy`, and `Cache-Control: no-store`
//!   on every page and every answer that sets a cookie or is private.

use app::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::Lang;

/// The longest path accepted, in bytes.
pub const MAX_PATH_BYTES: usize = 2_048;
/// The longest query string accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 4_096;
/// The largest form body read here (uploads are multipart and not read here).
pub const MAX_FORM_BYTES: usize = 256 * 1024;

/// Form fields whose handlers check control characters themselves and answer at the field with the
/// typed text kept (`domain::validate`, `domain::claims`, `domain::voices`, the rating, withdrawal,
/// staff action and sign-in checks). Server-function fields (`input[need]`) count by their last name.
pub const FIELD_CHECKED: &[&str] = &[
    "need",
    "description",
    "title",
    "location",
    "contact_name",
    "helper_org",
    "place",
    "ben_name",
    "ben_phone",
    "ben_address",
    "public_text",
    "phone",
    "email",
    "donor_name",
    "contact",
    "reason",
    "comment",
    "plan",
    "note",
    "inspection",
    "message",
    "text",
    "of_number",
    "password",
    "current",
    "new_password",
    "repeat",
];

/// A small page in the visitor's language for a refused request.
pub fn refusal_page(lang: Lang, status: StatusCode, title_key: &str, body_key: &str) -> Response {
    let html = crate::respond::plain_page(lang, title_key, body_key, "/", "bad.home");
    let mut res = (status, html).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    res
}

/// A request the edge cannot read: 400, worded by `respond::error_pages` in the reader's language.
fn bad_request() -> Response {
    crate::respond::refuse(domain::ErrorKind::BadRequest)
}

/// Percent-decodes a path (`plus_is_space = false`) or one `key=value` pair of a query or form body
/// (`+` is a space there), as bytes: whether they are UTF-8 is checked by the caller.
fn percent_decode(s: &str, plus_is_space: bool) -> Vec<u8> {
    if plus_is_space {
        percent_encoding::percent_decode_str(&s.replace('+', " ")).collect()
    } else {
        percent_encoding::percent_decode_str(s).collect()
    }
}

/// Whether decoded bytes carry a control character (or are not UTF-8 at all).
fn decoded_has_control(bytes: &[u8], allow_line_breaks: bool) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(s) => {
            if allow_line_breaks {
                domain::abuse::has_forbidden_control(s)
            } else {
                domain::abuse::has_control(s)
            }
        }
        Err(_) => true,
    }
}

/// Whether a post comes from the portal's own pages. Browsers say so in `Sec-Fetch-Site` (not affected
/// by our `Referrer-Policy: no-referrer`, under which Chromium sends `Origin: null`); otherwise an
/// `Origin` naming another host is refused. Clients that send neither (tools, old browsers) pass.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let value = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = value("sec-fetch-site") {
        return site == "same-origin" || site == "none";
    }
    match value("origin") {
        None | Some("null") => true,
        Some(origin) => {
            let host = value("host").unwrap_or_default();
            origin.split_once("://").map(|(_, h)| h.trim_end_matches('/')) == Some(host)
        }
    }
}

/// The field name a form key stands for: `input[need]` → `need`.
fn field_name(key: &str) -> &str {
    key.rsplit('[').next().map(|k| k.trim_end_matches(']')).unwrap_or(key)
}

/// Refuses malformed paths and queries, cross-site posts and control characters in form bodies.
pub async fn boundary(req: Request, next: Next) -> Response {
    let uri = req.uri().clone();
    let path = uri.path();
    if path.len() > MAX_PATH_BYTES || decoded_has_control(&percent_decode(path, false), false) {
        return bad_request();
    }
    if let Some(q) = uri.query() {
        if q.len() > MAX_QUERY_BYTES {
            return bad_request();
        }
        for pair in q.split('&') {
            if decoded_has_control(&percent_decode(pair, true), false) {
                return bad_request();
            }
        }
    }
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    // Open311 posts come from other systems, authenticated by their key (never by a cookie).
    if !same_origin(req.headers()) && !path.starts_with("/open311/") {
        let lang = app::ui::lang::lang_from_headers(req.headers());
        return refusal_page(lang, StatusCode::FORBIDDEN, "refused.title", "refused.body");
    }
    let urlencoded = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !urlencoded {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_FORM_BYTES).await else {
        return crate::respond::refuse(domain::ErrorKind::TooLarge);
    };
    for pair in bytes.split(|b| *b == b'&') {
        let text = String::from_utf8_lossy(pair);
        let (k, v) = text.split_once('=').unwrap_or((&text, ""));
        let key = percent_decode(k, true);
        if decoded_has_control(&key, false) {
            return bad_request();
        }
        let key = String::from_utf8_lossy(&key).into_owned();
        let checked_by_handler = FIELD_CHECKED.contains(&field_name(&key));
        let value = percent_decode(v, true);
        if std::str::from_utf8(&value).is_err() || (!checked_by_handler && decoded_has_control(&value, true)) {
            return bad_request();
        }
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// The policy for answers that do not set their own (files, JSON, redirects, refusals): the pages'
/// policy without a nonce, built once.
fn default_csp() -> HeaderValue {
    static CSP: std::sync::OnceLock<HeaderValue> = std::sync::OnceLock::new();
    CSP.get_or_init(|| {
        HeaderValue::from_str(&app::content_security_policy(None))
            .unwrap_or(HeaderValue::from_static("default-src 'self'"))
    })
    .clone()
}

/// Paths whose answers are private to one visitor (tokens, sessions) besides every HTML page.
fn private_path(path: &str) -> bool {
    ["/t/", "/c/", "/s/", "/sms/", "/me", "/staff", "/dashboard", "/mail/", "/api/"].iter().any(|p| path.starts_with(p))
}

/// Staff and dashboard pages show personal data next to what the request asked for (search words,
/// filters): they go out uncompressed, so that their size cannot reveal that data to someone who can
/// make a signed-in browser ask and watch the traffic (BREACH). Resident pages, read on slow 4G, are
/// compressed: they hold no one else's data and reflect nothing a third party chooses.
pub async fn no_compression_for_staff(mut req: Request, next: Next) -> Response {
    if !app::ui::is_resident_path(req.uri().path()) {
        req.headers_mut().remove(header::ACCEPT_ENCODING);
    }
    next.run(req).await
}

/// Security headers on every answer.
pub async fn headers(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, default_csp());
    }
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    );
    if st.base_url.starts_with("https://") {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    let html = h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    let sets_cookie = h.contains_key(header::SET_COOKIE);
    let public_cache =
        h.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("public"));
    if html || sets_cookie || (private_path(&path) && !public_cache) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_finds_hidden_control_characters() {
        assert!(decoded_has_control(&percent_decode("/t/%00", false), false));
        assert!(decoded_has_control(&percent_decode("back=/%0d%0aX", true), false));
        assert!(!decoded_has_control(&percent_decode("need=%E7%AC%AC%0D%0A2", true), true));
        assert!(decoded_has_control(&percent_decode("x=%FF", true), true));
        assert!(!decoded_has_control(&percent_decode("/wishes/W-2026-000001", false), false));
        assert_eq!(percent_decode("a%2", true), b"a%2");
        assert_eq!(field_name("input[need]"), "need");
        assert_eq!(field_name("need"), "need");
    }
}
