//! The shared kit of every page: the language of the request, the status code, field errors, the
//! error and "not found" pages, and the translations (`i18n`).

pub mod i18n;
pub mod lang;
pub mod read_aloud;

pub use lang::{is_resident_path, ELDER_COOKIE};

use crate::ui::i18n::{err, t};
use domain::{FieldError, Lang, Rating};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

/// The page's language, chosen by the server from the `lang` cookie.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// The `lang` attribute for text residents or staff wrote, shown on a page in `page` language: on an
/// English page, text with Chinese characters is marked `zh` so that a screen reader or the read-aloud
/// voice switches (WCAG 3.1.2); otherwise none (the page's language applies).
pub fn text_lang(page: Lang, text: &str) -> Option<&'static str> {
    let chinese =
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c));
    (page == Lang::En && chinese).then_some("zh")
}

/// 长者模式 for this page: large text, 60×60 targets, one column, secondary content folded away.
/// On for resident pages when the request carries the `elder` cookie; staff, dashboard and admin pages
/// are desk tools and keep their layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Elder(pub bool);

/// Whether the page being rendered is in 长者模式 (see [`Elder`]).
pub fn use_elder() -> bool {
    use_context::<Elder>().is_some_and(|e| e.0)
}

/// Secondary content: shown as it is normally, folded under its heading in 长者模式 so that the page's
/// main task comes first.
#[component]
pub fn Fold(
    /// The heading's id (the section is labelled by it).
    id: &'static str,
    /// The heading.
    title: String,
    /// The section's extra classes.
    #[prop(optional)]
    class: &'static str,
    children: Children,
) -> impl IntoView {
    if use_elder() {
        view! {
            <details class=format!("card fold {class}")>
                <summary id=id>{title}</summary>
                {children()}
            </details>
        }
        .into_any()
    } else {
        view! {
            <section class=format!("card {class}") aria-labelledby=id>
                <h2 id=id>{title}</h2>
                {children()}
            </section>
        }
        .into_any()
    }
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

/// Text (or an attribute value in double quotes) safe to put into HTML written by hand: the mails,
/// `/api/docs`, the project form's similar proposals.
pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_on_an_english_page_is_marked() {
        assert_eq!(text_lang(Lang::En, "老人需要一台轮椅"), Some("zh"));
        assert_eq!(text_lang(Lang::En, "A wheelchair for 王伯"), Some("zh"));
        assert_eq!(text_lang(Lang::En, "A wheelchair"), None);
        // On a Chinese page the page's language applies, whatever the text.
        assert_eq!(text_lang(Lang::ZhHans, "老人需要一台轮椅"), None);
        assert_eq!(text_lang(Lang::ZhHant, "A wheelchair"), None);
    }

    #[test]
    fn staff_and_dashboard_pages_are_not_resident_pages() {
        for p in ["/", "/wish/new", "/t/abc", "/wishes", "/figures", "/staffing", "/dashboards"] {
            assert!(is_resident_path(p), "{p}");
        }
        for p in ["/staff", "/staff/items/W-2026-000001", "/dashboard", "/dashboard/items"] {
            assert!(!is_resident_path(p), "{p}");
        }
    }
}
