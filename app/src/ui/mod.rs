//! The shared kit of every page: the language of the request, the status code, field errors, the
//! error and "not found" pages, and the translations (`i18n`).

pub mod i18n;
pub mod lang;

use crate::ui::i18n::{err, t};
use domain::{FieldError, Lang, Rating};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// The page's language, chosen by the server from the `lang` cookie.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

pub(crate) fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
        r.set_status(http::StatusCode::from_u16(code).unwrap_or(http::StatusCode::OK));
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

pub(crate) fn field_error(errors: &[FieldError], lang: Lang, field: &str) -> Option<String> {
    errors.iter().find(|e| e.field == field).map(|e| err(lang, &e.code))
}

/// Whether the request being rendered carries the cookie `name` (always false in the browser).
pub fn request_has_cookie(name: &str) -> bool {
    #[cfg(feature = "ssr")]
    {
        if let Some(parts) = use_context::<http::request::Parts>() {
            return crate::ui::lang::cookie_value(&parts.headers, name).is_some();
        }
    }
    let _ = name;
    false
}

/// The text inside a `<textarea>`, safe to put back into a page. Leptos writes a textarea's children
/// unescaped (tachys marks the element as not escaping them; leptos-rs/leptos#4730 fixed it and #4819
/// reverted it), so a resident's `</textarea><script>` would end the element and run. On the server the
/// text is escaped here (the browser decodes character references inside a textarea); in the browser
/// it is a text node already and stays as typed.
pub fn textarea_text(s: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
    }
    #[cfg(not(feature = "ssr"))]
    {
        s.to_string()
    }
}

pub(crate) fn server_trouble(lang: Lang) -> AnyView {
    set_status(500);
    view! { <p class="notice bad" role="alert">{err(lang, "server")}</p> }.into_any()
}

/// Pages render only on the server (they are not islands), so the server clock is the one that counts.
pub(crate) fn now_ts() -> i64 {
    #[cfg(feature = "ssr")]
    {
        store::now()
    }
    #[cfg(not(feature = "ssr"))]
    {
        0
    }
}

/// The 404 page.
#[component]
pub fn NotFound() -> impl IntoView {
    let lang = use_lang();
    set_status(404);
    view! {
        <Title text=format!("{} · {}", t(lang, "nf.title"), t(lang, "app.name")) />
        <h1>{t(lang, "nf.title")}</h1>
        <p>{t(lang, "nf.body")}</p>
        <p><a class="btn" href="/track">{t(lang, "nav.track")}</a>" "<a href="/">{t(lang, "nf.home")}</a></p>
    }
}

// View types more than one area shows.

/// A town in the chosen language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TownOption {
    pub slug: String,
    pub name: String,
}

/// A village/community.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunityOption {
    pub id: i64,
    pub name: String,
}

/// One deadline on the tracking page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeadlineView {
    pub label_key: String,
    pub due_at: i64,
    pub done_at: Option<i64>,
}

/// One public timeline entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventView {
    pub at: i64,
    pub action: String,
    pub body: String,
    /// For a rating: the rating given.
    pub rating: Option<Rating>,
}
