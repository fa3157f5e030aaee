//! The language of a request (the `lang` cookie, else Simplified Chinese) and its 长者模式.

use domain::Lang;
#[cfg(feature = "ssr")]
use leptos::prelude::use_context;

/// The language of this request: the `lang` cookie, else Simplified Chinese.
pub fn request_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        if let Some(parts) = use_context::<http::request::Parts>() {
            return lang_from_headers(&parts.headers);
        }
    }
    Lang::default()
}

/// The value of the cookie `name` in a request's headers.
#[cfg(feature = "ssr")]
pub fn cookie_value<'a>(headers: &'a http::HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Reads the `lang` cookie.
#[cfg(feature = "ssr")]
pub fn lang_from_headers(headers: &http::HeaderMap) -> Lang {
    cookie_value(headers, "lang").and_then(Lang::from_code).unwrap_or_default()
}

/// The cookie that turns 长者模式 on (`GET /elder/on`).
pub const ELDER_COOKIE: &str = "elder";

/// Whether a path is a resident page (the ones 长者模式 and read-aloud serve).
pub fn is_resident_path(path: &str) -> bool {
    !["/staff", "/dashboard"].iter().any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

/// Whether this request asked for 长者模式 (the `elder` cookie; see `crate::ui::Elder`).
pub fn request_elder() -> bool {
    #[cfg(feature = "ssr")]
    {
        if let Some(parts) = use_context::<http::request::Parts>() {
            return cookie_value(&parts.headers, ELDER_COOKIE) == Some("1") && is_resident_path(parts.uri.path());
        }
    }
    false
}
