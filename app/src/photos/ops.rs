//! Photos of deliveries, project milestones and inspections, on the server: an upload is checked
//! (JPEG, PNG or WebP by its bytes, at most [`MAX_UPLOAD_BYTES`], at most 40 megapixels), turned
//! upright by its EXIF orientation and re-encoded as two JPEGs — large (at most 1280 px on its long
//! side) and small (480 px, for phone lists). Re-encoding writes pixels only: GPS position, camera,
//! time and every other EXIF/XMP field of the upload are gone. Files go under the photo directory
//! named by an unguessable token; the photo's row and its audit row are written in one transaction.

use super::PhotoView;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use domain::FieldError;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// The photos of an item for a page.
pub async fn photos_of(st: &AppState, item_id: i64) -> AppResult<Vec<PhotoView>> {
    Ok(st
        .db
        .photos_of_item(item_id)
        .await?
        .into_iter()
        .map(|p| PhotoView {
            token: p.token,
            caption: p.caption,
            width: p.width,
            height: p.height,
            created_at: p.created_at,
        })
        .collect())
}

/// A staff member's upload as the form sent it.
pub struct Upload {
    /// The file's bytes; `None` when the body was over the limit or broke off.
    pub bytes: Option<Vec<u8>>,
    pub caption: String,
}

/// Adds a photo to an item: staff of the item's town (or a dispatcher), as for every staff action.
/// Refusals: `SignIn`, `NotFound` (also for an item this person may not see), `Forbidden` (a
/// leader), `Invalid` with the problems at `photo` and `caption`.
pub async fn add_photo(
    st: &AppState,
    user: Option<domain::StaffUser>,
    number: &str,
    upload: Upload,
    remote_addr: &str,
) -> AppResult<()> {
    let (user, item) = crate::staff::session::item_to_act_on(st, user, number).await?;
    let caption = upload.caption.trim().to_string();
    let mut errors = Vec::new();
    if domain::abuse::has_forbidden_control(&caption) {
        errors.push(FieldError::new("caption", "control_chars"));
    } else if caption.chars().count() > 200 {
        errors.push(FieldError::new("caption", "too_long"));
    }
    let processed = match upload.bytes {
        None => Err(PhotoError::TooBig),
        Some(bytes) => tokio::task::spawn_blocking(move || process(&bytes)).await.unwrap_or(Err(PhotoError::Broken)),
    };
    let processed = match processed {
        Ok(p) if errors.is_empty() => p,
        Ok(_) => return Err(AppError::Invalid(errors)),
        Err(e) => {
            errors.push(FieldError::new("photo", e.code()));
            return Err(AppError::Invalid(errors));
        }
    };
    let token = store::new_token();
    if let Err(e) = write_files(&st.photo_dir, &token, &processed).await {
        // Logged once, where the error is answered.
        let why = format!("writing a photo under {} failed: {e}", st.photo_dir);
        return Err(AppError::Internal(store::StoreError::Corrupt(why)));
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
        remote_addr: remote_addr.to_string(),
        user_id: Some(user.id),
    };
    if let Err(e) = st.db.add_photo(&photo, &entry).await {
        // Nothing was recorded: the files go too.
        for size in ["large", "small"] {
            let _ = tokio::fs::remove_file(file(&st.photo_dir, &token, size)).await;
        }
        return Err(e.into());
    }
    Ok(())
}

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

pub fn file(dir: &str, token: &str, size: &str) -> std::path::PathBuf {
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
