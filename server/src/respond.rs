//! How handlers answer: a Leptos page rendered with a posted form, a same-site redirect, a refusal
//! with its status, public JSON. And [`error_pages`], the one layer that turns every bare error
//! answer (a handler's refusal, axum's own rejections, a body over its limit) into a page in the
//! reader's language — or, under `/api/v1/`, into JSON.

use app::shell;
use app::state::AppState;
use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::{ErrorKind, Lang};
use leptos::prelude::provide_context;

/// Renders the Leptos page at `path` with extra context (a posted form with its errors).
pub(crate) async fn render_with<C: Clone + Send + Sync + 'static>(
    st: &AppState,
    headers: &HeaderMap,
    path: &str,
    extra: C,
) -> Response {
    render_with_session(st, headers, path, extra, None).await
}

/// [`render_with`] for staff pages: the session goes along, so the page's server functions see who
/// is signed in.
pub(crate) async fn render_with_session<C: Clone + Send + Sync + 'static>(
    st: &AppState,
    headers: &HeaderMap,
    path: &str,
    extra: C,
    session: Option<tower_sessions::Session>,
) -> Response {
    let ctx_state = st.clone();
    let options = st.leptos_options.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(ctx_state.clone());
            provide_context(extra.clone());
        },
        move || shell(options.clone()),
    );
    let mut req = Request::builder().uri(path).body(Body::empty()).unwrap_or_default();
    *req.headers_mut() = headers.clone();
    if let Some(session) = session {
        req.extensions_mut().insert(session);
    }
    handler(req).await.into_response()
}

/// A 303 to a path of this site; anything else (another host, `//x`, `/\\x`, control characters)
/// goes to the home page instead.
pub(crate) fn see_other(to: &str) -> Response {
    let to = domain::abuse::same_site_path(to).unwrap_or("/");
    match HeaderValue::from_str(to) {
        Ok(v) => (StatusCode::SEE_OTHER, [(header::LOCATION, v)]).into_response(),
        Err(_) => (StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_static("/"))]).into_response(),
    }
}

/// A page refused for too many tries: 429 with `Retry-After` in seconds.
pub(crate) fn too_many(mut res: Response, retry_after: i64) -> Response {
    *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    if let Ok(v) = HeaderValue::from_str(&retry_after.max(1).to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

/// Public JSON of the wall and the board: cached for a minute, readable from any site.
pub(crate) fn public_json<T: serde::Serialize>(result: app::error::AppResult<T>) -> Response {
    match result {
        Ok(v) => {
            let mut r = axum::Json(v).into_response();
            let h = r.headers_mut();
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
            r
        }
        Err(e) => e.into_response(),
    }
}

/// A refusal of the whole request: its status and no body; [`error_pages`] writes the page (or the
/// JSON) in the reader's language.
pub(crate) fn refuse(kind: ErrorKind) -> Response {
    StatusCode::from_u16(kind.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR).into_response()
}

/// The kind of an error status.
pub fn kind_of(status: StatusCode) -> ErrorKind {
    match status.as_u16() {
        400 => ErrorKind::BadRequest,
        401 => ErrorKind::SignIn,
        403 => ErrorKind::Forbidden,
        404 | 405 => ErrorKind::NotFound,
        409 => ErrorKind::Conflict,
        413 => ErrorKind::TooLarge,
        422 | 415 => ErrorKind::Invalid,
        429 => ErrorKind::RateLimited,
        _ => ErrorKind::Internal,
    }
}

/// The error page of a kind in `lang`: the site's stylesheet, the title and what to do, a way home.
/// Plain HTML without the database, so that it renders when the database is what failed.
pub fn error_page(kind: ErrorKind, lang: Lang) -> String {
    let k = kind.code();
    let (next, next_key) =
        if kind == ErrorKind::SignIn { ("/staff/sign-in", "error.sign_in.link") } else { ("/", "bad.home") };
    plain_page(lang, &format!("error.{k}.title"), &format!("error.{k}.body"), next, next_key)
}

/// A page of the site's frame with a title, one paragraph and one link, all translation keys.
pub fn plain_page(lang: Lang, title_key: &str, body_key: &str, next: &str, next_key: &str) -> String {
    use app::ui::i18n::{html_lang, t};
    let esc = |s: String| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>{title} · {app}</title>\
         <link rel=\"stylesheet\" href=\"{css}\"></head><body><header class=\"site-header\">\
         <a class=\"brand\" href=\"/\"><span class=\"mark\" aria-hidden=\"true\">莞</span>\
         <span class=\"name\">{app}</span></a></header><main id=\"main\"><h1>{title}</h1>\
         <p>{body}</p><p><a class=\"btn\" href=\"{next}\">{next_text}</a></p></main></body></html>",
        lang = html_lang(lang),
        css = app::stylesheet_href(),
        title = esc(t(lang, title_key)),
        app = esc(t(lang, "app.name")),
        body = esc(t(lang, body_key)),
        next_text = esc(t(lang, next_key)),
    )
}

/// The JSON of an error under `/api/v1/`: `{"error": "not_found", "message": "…"}`.
pub fn error_json(kind: ErrorKind, lang: Lang) -> String {
    serde_json::json!({
        "error": kind.code(),
        "message": app::ui::i18n::t(lang, &format!("error.{}.title", kind.code())),
    })
    .to_string()
}

/// The one place error answers get their words: every answer of status 400 or more that carries no
/// page or JSON of its own (a handler's [`refuse`], axum's rejections, a body over its limit, a
/// static file that is not there) becomes the error page in the reader's language, or JSON under
/// `/api/v1/`. Pages that render their own errors (a form with its messages, 422) pass untouched, and
/// so do the server functions' answers (`/api/…` without `v1`), which the islands read.
pub async fn error_pages(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let lang = app::ui::lang::lang_from_headers(req.headers());
    let path = req.uri().path().to_string();
    let res = next.run(req).await;
    let status = res.status();
    if status.as_u16() < 400 || (path.starts_with("/api/") && !path.starts_with("/api/v1/")) {
        return res;
    }
    if path.starts_with("/open311/") {
        // Open311 answers its errors in its own shape; a bare status gets that shape here.
        let ct = res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
        if ct.starts_with("application/json") || ct.starts_with("text/xml") {
            return res;
        }
        let (body, content_type) = crate::open311::error_body(&path, status, kind_of(status), lang);
        let (mut parts, _) = res.into_parts();
        parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::from(body));
    }
    let own = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html") || v.starts_with("application/json"));
    if own {
        return res;
    }
    let kind = kind_of(status);
    let (mut parts, _) = res.into_parts();
    let (body, content_type) = if path.starts_with("/api/v1/") {
        (error_json(kind, lang), "application/json")
    } else {
        (error_page(kind, lang), "text/html; charset=utf-8")
    };
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body))
}
