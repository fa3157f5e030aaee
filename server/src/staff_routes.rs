//! Staff routes outside Leptos: sign-in and sign-out, the action posts of the item page, the CSV
//! export, and the guard that sends visitors of `/staff…` pages to sign in. Every handler reads the
//! session itself and checks role and town through `app::staff::ops`.

use crate::client::ClientIp;
use crate::respond::{render_with_session, see_other};
use app::admin::ops::{self as admin_ops, AdminOutcome};
use app::admin::{AdminForm, PostedAdmin};
use app::error::AppError;
use app::staff::ops as staff_ops;
use app::staff::session as staff_session;
use app::staff::{InboxFilters, PostedSignIn, PostedStaffAction, StaffActForm};
use app::state::AppState;
use app::ui::lang::lang_from_headers;
use axum::extract::{Form, Path, Query, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tower_sessions::Session;

/// A `next` target after sign-in: only pages under `/staff`, never another site.
fn safe_next(next: &str) -> String {
    if (next.starts_with("/staff") || next.starts_with("/dashboard"))
        && domain::abuse::same_site_path(next).is_some()
        && !next.contains("://")
    {
        next.to_string()
    } else {
        "/staff".into()
    }
}

/// Sends visitors without a staff session from `/staff…` pages to the sign-in page (cross-site posts
/// were refused before, in `security::boundary`, for every path).
pub async fn guard(State(st): State<AppState>, session: Session, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let staff_area =
        path == "/staff" || path.starts_with("/staff/") || path == "/dashboard" || path.starts_with("/dashboard/");
    if !staff_area {
        return next.run(req).await;
    }
    if path == "/staff/sign-in" {
        return next.run(req).await;
    }
    match staff_session::session_staff(&st, &session).await {
        // An admin-issued password is changed before anything else.
        Ok(Some(s)) if s.must_change_password && path != "/staff/password" && path != "/staff/sign-out" => {
            if req.method() == Method::GET {
                see_other("/staff/password")
            } else {
                crate::respond::refuse(domain::ErrorKind::Forbidden)
            }
        }
        Ok(Some(_)) => next.run(req).await,
        Ok(None) if req.method() == Method::GET => {
            let target = req.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| path.clone());
            see_other(&format!("/staff/sign-in?next={}", urlencode(&target)))
        }
        Ok(None) => crate::respond::refuse(domain::ErrorKind::SignIn),
        Err(e) => e.into_response(),
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// The cookie that marks a browser an account signed in on before (see `staff_session::sign_in`).
const DEVICE_COOKIE: &str = "staff_device";

pub async fn post_sign_in(
    State(st): State<AppState>,
    ClientIp(client): ClientIp,
    session: Session,
    headers: HeaderMap,
    Form(f): Form<SignInForm>,
) -> Response {
    let device = app::ui::lang::cookie_value(&headers, DEVICE_COOKIE)
        .filter(|d| d.len() == 32 && d.bytes().all(|b| b.is_ascii_alphanumeric()));
    match staff_session::sign_in(&st, &f.email, &f.password, client, device).await {
        Ok(signed) => {
            // A new session id at sign-in, so an id planted before cannot be used after.
            if session.cycle_id().await.is_err()
                || !staff_session::begin_session(&session, signed.user.id, signed.generation).await
            {
                return (StatusCode::INTERNAL_SERVER_ERROR, "session error").into_response();
            }
            let token = match device {
                Some(d) => d.to_string(),
                None => format!("{}{}", store::new_token(), store::new_token())[..32].to_string(),
            };
            if let Err(e) = st.db.remember_staff_device(&token, signed.user.id, store::now()).await {
                return app::error::AppError::from(e).into_response();
            }
            // Admins have no inbox: their start page is the admin page.
            let next = safe_next(&f.next);
            let next = if signed.must_change_password {
                "/staff/password".into()
            } else if signed.user.role == domain::Role::Admin && next == "/staff" {
                "/staff/admin".into()
            } else {
                next
            };
            let mut res = see_other(&next);
            let secure = if st.base_url.starts_with("https://") { "; Secure" } else { "" };
            let c = format!("{DEVICE_COOKIE}={token}; Path=/staff; Max-Age=31536000; HttpOnly; SameSite=Lax{secure}");
            if let Ok(v) = axum::http::HeaderValue::from_str(&c) {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            res
        }
        Err(AppError::Invalid(errors)) => {
            let posted = PostedSignIn { email: f.email, errors, too_many: false };
            render_with_session(&st, &headers, "/staff/sign-in", posted, Some(session)).await
        }
        Err(AppError::RateLimited { retry_after: wait, .. }) => {
            let posted = PostedSignIn { email: f.email, errors: Vec::new(), too_many: true };
            crate::respond::too_many(
                render_with_session(&st, &headers, "/staff/sign-in", posted, Some(session)).await,
                wait,
            )
        }
        Err(e) => e.into_response(),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    repeat: String,
}

/// `POST /staff/password`: a staff member changes their own password (required after an admin
/// issued one). Other sessions of the account end.
pub async fn post_password(
    State(st): State<AppState>,
    ClientIp(client): ClientIp,
    session: Session,
    headers: HeaderMap,
    Form(f): Form<PasswordForm>,
) -> Response {
    let signed = match staff_session::session_staff(&st, &session).await {
        Ok(Some(s)) => s,
        Ok(None) => return see_other("/staff/sign-in"),
        Err(e) => return e.into_response(),
    };
    let u = signed.user;
    match staff_session::change_password(&st, &session, u.id, &f.current, &f.new_password, &f.repeat).await {
        Ok(()) => {
            let entry = store::AuditEntry {
                at: store::now(),
                actor: format!("staff:{}", u.email),
                action: "password_change".into(),
                detail: String::new(),
                remote_addr: client.to_string(),
                user_id: Some(u.id),
            };
            if let Err(e) = st.db.audit(&entry, None).await {
                return app::error::AppError::from(e).into_response();
            }
            see_other(if u.role == domain::Role::Admin { "/staff/admin?done=password" } else { "/staff?done=password" })
        }
        Err(AppError::Invalid(errors)) => {
            let posted = app::staff::password::PostedPassword { errors };
            render_with_session(&st, &headers, "/staff/password", posted, Some(session)).await
        }
        Err(e) => e.into_response(),
    }
}

/// The 短信提醒 form's fields (each step uses some).
#[derive(Deserialize)]
pub struct TextsForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    code: String,
}

/// `POST /staff/texts`: a staff member proves a mobile with a texted code, or turns deadline texts off.
/// Problems re-render `/staff/password` with the message next to the field and what was typed.
pub async fn post_texts(
    State(st): State<AppState>,
    ClientIp(client): ClientIp,
    session: Session,
    headers: HeaderMap,
    Form(f): Form<TextsForm>,
) -> Response {
    let user = match staff_session::staff_of_session(&st, &session).await {
        Ok(Some(u)) => u,
        Ok(None) => return see_other("/staff/sign-in"),
        Err(e) => return e.into_response(),
    };
    let client = client.to_string();
    match app::staff::texts_ops::texts_post(&st, &session, &user, &f.step, &f.phone, &f.code, &client).await {
        Ok(done) => see_other(&format!("/staff/password?done={done}#texts")),
        Err(AppError::Invalid(errors)) => {
            let posted = app::staff::PostedTexts { step: f.step, phone: f.phone, errors };
            render_with_session(&st, &headers, "/staff/password", posted, Some(session)).await
        }
        Err(e) => e.into_response(),
    }
}

pub async fn post_sign_out(State(st): State<AppState>, ClientIp(client): ClientIp, session: Session) -> Response {
    if let Ok(Some(staff_session::SessionStaff { user: u, .. })) = staff_session::session_staff(&st, &session).await {
        let entry = store::AuditEntry {
            at: store::now(),
            actor: format!("staff:{}", u.email),
            action: "sign_out".into(),
            detail: String::new(),
            remote_addr: client.to_string(),
            user_id: Some(u.id),
        };
        if let Err(e) = st.db.audit(&entry, None).await {
            tracing::error!(error = %e, "could not audit sign-out");
        }
    }
    let _ = session.flush().await;
    see_other("/staff/sign-in?out=1")
}

pub async fn post_staff_action(
    State(st): State<AppState>,
    ClientIp(client): ClientIp,
    session: Session,
    Path(number): Path<String>,
    headers: HeaderMap,
    Form(f): Form<StaffActForm>,
) -> Response {
    let user = match staff_session::staff_of_session(&st, &session).await {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    let page = format!("/staff/items/{number}");
    match staff_ops::staff_act(&st, user, &number, &f, &client.to_string()).await {
        Ok(()) => see_other(&format!("{page}?done={}", f.action)),
        Err(AppError::Invalid(errors)) => {
            render_with_session(&st, &headers, &page, PostedStaffAction { form: f, errors }, Some(session)).await
        }
        Err(AppError::Conflict(code)) => see_other(&format!("{page}?problem={code}")),
        Err(AppError::NotFound) => {
            let mut res = render_with_session(&st, &headers, &page, (), Some(session)).await;
            *res.status_mut() = StatusCode::NOT_FOUND;
            res
        }
        Err(AppError::Forbidden) => {
            let mut res = render_with_session(&st, &headers, &page, (), Some(session)).await;
            *res.status_mut() = StatusCode::FORBIDDEN;
            res
        }
        Err(e) => e.into_response(),
    }
}

/// `GET /staff/export.csv?…`: the current inbox view as CSV (UTF-8 with BOM, opens in spreadsheets).
pub async fn export_csv(
    State(st): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Query(f): Query<InboxFilters>,
) -> Response {
    let user = match staff_session::staff_of_session(&st, &session).await {
        Ok(Some(u)) => u,
        Ok(None) => return crate::respond::refuse(domain::ErrorKind::SignIn),
        Err(e) => return e.into_response(),
    };
    match app::staff::export::inbox_csv(&st, &user, &f, lang_from_headers(&headers)).await {
        Ok(Some(csv)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"inbox.csv\""),
                (header::CACHE_CONTROL, "no-store"),
            ],
            csv,
        )
            .into_response(),
        Ok(None) => crate::respond::refuse(domain::ErrorKind::Forbidden),
        Err(e) => e.into_response(),
    }
}

/// `POST /staff/admin/{what}`: one admin form. Admins only; every change goes to the audit log.
pub async fn post_admin(
    State(st): State<AppState>,
    ClientIp(client): ClientIp,
    session: Session,
    Path(what): Path<String>,
    headers: HeaderMap,
    Form(f): Form<AdminForm>,
) -> Response {
    let user = match staff_session::staff_of_session(&st, &session).await {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    let page = |p: PostedAdmin| render_with_session(&st, &headers, "/staff/admin", p, Some(session.clone()));
    match admin_ops::admin_post(&st, user, &what, &f, &client.to_string()).await {
        Ok(AdminOutcome::Done(query)) => see_other(&format!("/staff/admin{query}")),
        Ok(AdminOutcome::Password(email, pw)) => {
            let mut res =
                page(PostedAdmin { form: what, one_time_password: Some((email, pw)), ..Default::default() }).await;
            res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
            res
        }
        Ok(AdminOutcome::Key(label, key)) => {
            let mut res = page(PostedAdmin { form: what, new_key: Some((label, key)), ..Default::default() }).await;
            res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
            res
        }
        Err(AppError::Invalid(errors)) => {
            page(PostedAdmin { form: what, values: f, errors, ..Default::default() }).await
        }
        Err(e) => e.into_response(),
    }
}
