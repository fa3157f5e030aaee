//! Photos of deliveries, project milestones and inspections: staff upload one on the item page; it is
//! checked (JPEG, PNG or WebP by its bytes, at most [`MAX_UPLOAD_BYTES`], at most 40 megapixels),
//! turned upright by its EXIF orientation and re-encoded as two JPEGs — large (at most 1280 px on its
//! long side) and small (480 px, for phone lists). Re-encoding writes pixels only: GPS position,
//! camera, time and every other EXIF/XMP field of the upload are gone. Files go under `PHOTO_DIR`
//! named by an unguessable token; `GET /photos/{token}/{large|small}` serves them.

use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

use crate::client::ClientIp;
use crate::respond::{render_with_session, see_other};
use app::state::AppState;

/// The largest upload accepted (a phone photo is 2–6 MB).
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// The long side of the large copy.
pub const LARGE_PX: u32 = 1280;
/// The long side of the small copy.
pub const SMALL_PX: u32 = 480;
/// JPEG quality of both copies.
pub const QUALITY: u8 = 82;
const MAX_PIXELS: u64 = 40_000_000;

/// Why an upload was refused; each is a message key `err.photo_{code}` shown next to the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoError {
    /// No file chosen.
    Missing,
    /// Not a JPEG, PNG or WebP (by its bytes, whatever its name says).
    Type,
    /// Over [`MAX_UPLOAD_BYTES`].
    TooBig,
    /// A JPEG/PNG/WebP that does not decode, or has too many pixels.
    Broken,
}

impl PhotoError {
    pub fn code(self) -> &'static str {
        match self {
            PhotoError::Missing => "photo_missing",
            PhotoError::Type => "photo_type",
            PhotoError::TooBig => "photo_too_big",
            PhotoError::Broken => "photo_broken",
        }
    }
}

/// The two JPEGs made from an upload.
#[derive(Debug, Clone)]
pub struct Processed {
    pub large: Vec<u8>,
    pub small: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// What the bytes are, by their first bytes (never by the file name or the browser's word).
pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(ImageFormat::WebP)
    } else {
        None
    }
}

fn shrink(img: &DynamicImage, long_side: u32) -> DynamicImage {
    if img.width().max(img.height()) <= long_side {
        img.clone()
    } else {
        img.resize(long_side, long_side, image::imageops::FilterType::Triangle)
    }
}

fn jpeg(img: &DynamicImage) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY);
    img.to_rgb8().write_with_encoder(encoder).map_err(|_| PhotoError::Broken)?;
    Ok(out)
}

/// Checks and re-encodes an upload (CPU-bound: call it on a blocking thread).
pub fn process(bytes: &[u8]) -> Result<Processed, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Missing);
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(PhotoError::TooBig);
    }
    let format = sniff(bytes).ok_or(PhotoError::Type)?;
    let mut decoder =
        ImageReader::with_format(Cursor::new(bytes), format).into_decoder().map_err(|_| PhotoError::Broken)?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS || w == 0 || h == 0 {
        return Err(PhotoError::Broken);
    }
    let mut limits = Limits::default();
    limits.max_alloc = Some(512 * 1024 * 1024);
    decoder.set_limits(limits).map_err(|_| PhotoError::Broken)?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|_| PhotoError::Broken)?;
    img.apply_orientation(orientation);
    let large = shrink(&img, LARGE_PX);
    let small = shrink(&large, SMALL_PX);
    Ok(Processed { large: jpeg(&large)?, small: jpeg(&small)?, width: large.width(), height: large.height() })
}

fn file(dir: &str, token: &str, size: &str) -> std::path::PathBuf {
    std::path::Path::new(dir).join(format!("{token}-{size}.jpg"))
}

/// Writes both files (through a temporary name, so a reader never sees half a file).
async fn write_files(dir: &str, token: &str, p: &Processed) -> std::io::Result<()> {
    tokio::fs::create_dir_all(dir).await?;
    for (size, bytes) in [("large", &p.large), ("small", &p.small)] {
        let path = file(dir, token, size);
        let tmp = path.with_extension("part");
        tokio::fs::write(&tmp, bytes).await?;
        tokio::fs::rename(&tmp, &path).await?;
    }
    Ok(())
}

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
    let item = match st.db.item_by_number(number.trim()).await {
        Ok(Some(i)) => i,
        Ok(None) => return crate::respond::refuse(domain::ErrorKind::NotFound),
        Err(e) => return app::error::AppError::from(e).into_response(),
    };
    let access = user.access(item.facts.town_slug.as_deref());
    if !access.read {
        return crate::respond::refuse(domain::ErrorKind::NotFound);
    }
    if !access.act {
        return crate::respond::refuse(domain::ErrorKind::Forbidden);
    }
    let (mut bytes, mut caption, mut too_big) = (Vec::new(), String::new(), false);
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("photo") => match field.bytes().await {
                    Ok(b) => bytes = b.to_vec(),
                    Err(_) => too_big = true,
                },
                Some("caption") => caption = field.text().await.unwrap_or_default(),
                _ => {}
            },
            Ok(None) => break,
            Err(_) => {
                too_big = true;
                break;
            }
        }
    }
    let caption = caption.trim().to_string();
    let mut errors = Vec::new();
    if caption.chars().count() > 200 {
        errors.push(domain::FieldError::new("caption", "too_long"));
    }
    let processed = if too_big {
        Err(PhotoError::TooBig)
    } else {
        tokio::task::spawn_blocking(move || process(&bytes)).await.unwrap_or(Err(PhotoError::Broken))
    };
    if let Err(e) = &processed {
        errors.push(domain::FieldError::new("photo", e.code()));
    }
    let processed = match processed {
        Ok(p) if errors.is_empty() => p,
        _ => {
            let posted = app::staff::PostedPhoto { caption, errors };
            let mut r = render_with_session(&st, &headers, &page, posted, Some(session)).await;
            if too_big {
                *r.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
            }
            return r;
        }
    };
    let token = store::new_token();
    if let Err(e) = write_files(&st.photo_dir, &token, &processed).await {
        tracing::error!(error = %e, dir = %st.photo_dir, "writing a photo failed");
        return crate::respond::refuse(domain::ErrorKind::Internal);
    }
    let photo = store::NewPhoto {
        item_id: item.id,
        token: token.clone(),
        caption: caption.clone(),
        width: i64::from(processed.width),
        height: i64::from(processed.height),
        bytes: processed.large.len() as i64,
        created_at: store::now(),
        staff_id: Some(user.id),
    };
    let entry = store::AuditEntry {
        at: photo.created_at,
        actor: format!("staff:{}", user.email),
        action: "photo".into(),
        detail: format!("{token} {caption}"),
        remote_addr: client.to_string(),
        user_id: Some(user.id),
    };
    let saved = async {
        st.db.add_photo(&photo).await?;
        st.db.audit(&entry, Some(item.id)).await
    };
    if let Err(e) = saved.await {
        for size in ["large", "small"] {
            let _ = tokio::fs::remove_file(file(&st.photo_dir, &token, size)).await;
        }
        return app::error::AppError::from(e).into_response();
    }
    see_other(&format!("{page}?done=photo#photos"))
}
