//! The router. GET pages are Leptos routes; the forms post to plain handlers here, which answer with a
//! redirect on success or re-render the page with the errors and the typed values (HTTP 422).

use crate::public_routes::*;
use crate::resident_routes::*;
use crate::sessions::DbSessionStore;
use crate::{dashboard_routes, open311, staff_routes};
use app::state::AppState;
use app::{shell, App};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::CompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// The Leptos route list, generated once per process. Generating it sets a process-wide "suppress
/// resource loads" flag in Leptos (leptos-rs/leptos#4773): a page of another router in the same
/// process that renders meanwhile waits for ever on its first resource. Production builds one router;
/// the HTTP tests build one per test, in parallel, and hung that way now and then in CI.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Builds the whole application.
pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let ctx_state = state.clone();
    let context = move || provide_context(ctx_state.clone());
    let shell_options = state.leptos_options.clone();
    let options = &state.leptos_options;
    let pkg = std::path::Path::new(options.site_root.as_ref()).join(options.site_pkg_dir.as_ref());
    let assets = crate::assets::Assets::new(pkg, options.hash_files);
    if assets.names_are_hashed() && !options.hash_files {
        // The pages would name files that do not exist, and the forms would not hydrate.
        tracing::error!("the front end's files are content-hashed but hash.txt is not beside the server binary: copy target/release/hash.txt with it");
    }
    if !assets.is_empty() {
        let warm = assets.clone();
        tokio::spawn(async move { warm.warm().await });
    }
    Router::new()
        .route("/healthz", get(healthz))
        .route("/pkg/{file}", get(move |file, headers| assets.clone().serve(file, headers)))
        .route("/lang/{code}", get(set_lang))
        .route("/elder/{mode}", get(set_elder))
        .route("/awareness", post(awareness))
        .route("/wish/new", post(post_wish))
        .route("/project/new", post(post_project))
        .route("/track", post(post_lookup))
        .route("/t/{token}/{what}", get(track_qr).post(post_resident_action))
        .route("/wishes/{number}/claim", post(post_claim))
        .route("/c/{token}/release", post(post_release_claim))
        .route("/api/v1/wishes", get(api_wishes))
        .route("/api/v1/projects", get(api_projects))
        .route("/projects/{number}/code", post(post_voice_code))
        .route("/projects/{number}/verify", post(post_voice_verify))
        .route("/projects/{number}/voice", post(post_voice))
        .route("/me/code", post(post_me_code))
        .route("/me/verify", post(post_me_verify))
        .route("/me/sign-out", post(post_me_sign_out))
        .route("/mail/preferences/{token}", post(post_mail_prefs))
        .route("/s/{code}", get(short_link))
        .route("/sms/report/{id}/{sig}", get(sms_report))
        .route("/staff/sign-in", post(staff_routes::post_sign_in))
        .route("/staff/sign-out", post(staff_routes::post_sign_out))
        .route("/staff/password", post(staff_routes::post_password))
        .route("/staff/texts", post(staff_routes::post_texts))
        .route("/staff/items/{number}/act", post(staff_routes::post_staff_action))
        .route(
            "/staff/items/{number}/photos",
            post(crate::photos::post_photo)
                .layer(axum::extract::DefaultBodyLimit::max(crate::photos::MAX_UPLOAD_BYTES + 64 * 1024)),
        )
        .route("/photos/{token}/{size}", get(crate::photos::get_photo))
        .route("/staff/export.csv", get(staff_routes::export_csv))
        .route("/staff/admin/{what}", post(staff_routes::post_admin))
        .route("/dashboard/league.csv", get(dashboard_routes::league_csv))
        .route("/dashboard/league.xlsx", get(dashboard_routes::league_xlsx))
        .route("/api/v1/kpi", get(dashboard_routes::api_kpi))
        .route("/api/openapi.json", get(crate::api_doc::openapi_json))
        .route("/api/docs", get(crate::api_doc::docs_page))
        .route("/open311/v2/{file}", get(open311::get_root).post(open311::post_request))
        .route("/open311/v2/services/{file}", get(open311::get_service))
        .route("/open311/v2/requests/{file}", get(open311::get_request))
        .route("/open311/v2/tokens/{file}", get(open311::get_token))
        .leptos_routes_with_context(&state, routes, context.clone(), move || shell(shell_options.clone()))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(axum::middleware::from_fn_with_state(state.clone(), staff_routes::guard))
        .layer(session_layer(&state))
        .layer(axum::middleware::from_fn(crate::security::boundary))
        .layer(axum::middleware::from_fn(crate::respond::error_pages))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::security::headers))
        // Tracking links carry their token in the path: never leak it to other sites.
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer")))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        // Pages, JSON and the other files compressed for the browser (brotli or gzip, `Vary` set); the
        // front end's files come compressed already (`assets.rs`), images are left alone.
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(crate::security::no_compression_for_staff))
        // Counted and timed by route pattern for `/metrics` (served on its own listener).
        .layer(axum::middleware::from_fn(crate::metrics::record))
        .with_state(state)
}

/// Staff sessions: stored in the database (shared by every instance), cookie HttpOnly and SameSite=Lax,
/// Secure when the portal is served over HTTPS, ending after [`domain::staff::sign_in::IDLE_MINUTES`]
/// without a request.
fn session_layer(state: &AppState) -> SessionManagerLayer<DbSessionStore> {
    let secure = state.base_url.starts_with("https://");
    SessionManagerLayer::new(DbSessionStore { db: state.db.clone() })
        .with_name("portal_staff")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure)
        .with_expiry(Expiry::OnInactivity(time::Duration::minutes(domain::staff::sign_in::IDLE_MINUTES)))
}

async fn healthz(State(st): State<AppState>) -> Response {
    match st.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}
