//! Photos over HTTP: `GET /photos/{token}/{large|small}` serves the files, and
//! `POST /staff/items/{number}/photos` reads the multipart form and hands it to
//! `app::photos::ops::add_photo`, which checks, re-encodes and records it.

use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::client::ClientIp;
use crate::respond::{render_with_session, see_other};
use app::error::AppError;
use app::photos::ops::{file, Upload};
use app::state::AppState;

pub use app::photos::ops::MAX_UPLOAD_BYTES;

/// `GET /photos/{token}/{large|small}`.
pub async fn get_photo(State(st): State<AppState>, Path((token, size)): Path<(String, String)>) -> Response {
    let valid = token.len() == 26 && token.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !valid || !(size == "large" || size == "small") {
        return crate::respond::refuse(domain::ErrorKind::NotFound);
    }
    match tokio::fs::read(file(&st.photo_dir, &token, &size)).await {
        Ok(bytes) => {
            let mut r = Body::from(bytes).into_response();
            let h = r.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
            // The URL never changes content; wish photos are only linked from private pages.
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=604800, immutable"));
            r
        }
        Err(_) => crate::respond::refuse(domain::ErrorKind::NotFound),
    }
}

/// `POST /staff/items/{number}/photos` (multipart: `photo`, `caption`): staff of the item's town (or a
/// dispatcher) add a photo; errors are shown next to the fields with the caption kept.
pub async fn post_photo(
    State(st): State<AppState>,
    Path(number): Path<String>,
    ClientIp(client): ClientIp,
    session: tower_sessions::Session,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let page = format!("/staff/items/{}", number.trim());
    let user = match app::staff::session::staff_of_session(&st, &session).await {
        Ok(Some(u)) => u,
        Ok(None) => return see_other(&format!("/staff/sign-in?next={page}")),
        Err(e) => return e.into_response(),
    };
    let (mut bytes, mut caption) = (Some(Vec::new()), String::new());
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("photo") => bytes = field.bytes().await.ok().map(|b| b.to_vec()),
                Some("caption") => caption = field.text().await.unwrap_or_default(),
                _ => {}
            },
            Ok(None) => break,
            Err(_) => {
                bytes = None;
                break;
            }
        }
    }
    let too_big = bytes.is_none();
    let upload = Upload { bytes, caption: caption.clone() };
    match app::photos::ops::add_photo(&st, Some(user), &number, upload, &client.to_string()).await {
        Ok(()) => see_other(&format!("{page}?done=photo#photos")),
        Err(AppError::Invalid(errors)) => {
            let posted = app::staff::PostedPhoto { caption: caption.trim().to_string(), errors };
            let mut r = render_with_session(&st, &headers, &page, posted, Some(session)).await;
            if too_big {
                *r.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
            }
            r
        }
        Err(e) => e.into_response(),
    }
}
