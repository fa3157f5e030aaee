//! The browser's files under `/pkg/` (the stylesheet, and the islands' JavaScript and WebAssembly):
//! compressed once (brotli at quality 11, gzip at level 9) the first time they are asked for — or by
//! [`Assets::warm`] right after the server starts — and then served from memory in the best encoding
//! the browser accepts, with a strong `ETag` and `Vary: Accept-Encoding`. A release build names them
//! by their content (cargo-leptos `hash-files`), so they are cached for a year (`immutable`); without
//! hashed names (a development build) the browser revalidates them (`no-cache`, answered 304).

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// One file, its encodings made on first use.
struct Asset {
    path: PathBuf,
    content_type: &'static str,
    encoded: OnceLock<Option<Encoded>>,
}

struct Encoded {
    etag: HeaderValue,
    raw: axum::body::Bytes,
    br: axum::body::Bytes,
    gzip: axum::body::Bytes,
}

/// The files of `site_root/pkg`.
#[derive(Clone)]
pub struct Assets {
    files: Arc<HashMap<String, Asset>>,
    immutable: bool,
}

/// What a file is served as, by its extension; other files (type declarations) are not served.
fn content_type(name: &str) -> Option<&'static str> {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("wasm") => Some("application/wasm"),
        Some("js") => Some("text/javascript; charset=utf-8"),
        Some("css") => Some("text/css; charset=utf-8"),
        _ => None,
    }
}

impl Encoded {
    fn of(raw: Vec<u8>) -> Encoded {
        let etag = format!("\"{:x}\"", Sha256::digest(&raw));
        let mut br = Vec::with_capacity(raw.len() / 3);
        {
            let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
            let _ = brotli::enc::BrotliCompress(&mut raw.as_slice(), &mut br, &params);
        }
        let mut gz = flate2::write::GzEncoder::new(Vec::with_capacity(raw.len() / 3), flate2::Compression::best());
        let _ = gz.write_all(&raw);
        let gzip = gz.finish().unwrap_or_default();
        Encoded {
            etag: HeaderValue::from_str(&etag).unwrap_or_else(|_| HeaderValue::from_static("\"\"")),
            raw: raw.into(),
            br: br.into(),
            gzip: gzip.into(),
        }
    }
}

impl Assets {
    /// Lists `pkg_dir` (cheap: nothing is read or compressed yet). `hashed`: the names carry their
    /// content's hash, so they may be cached for good.
    pub fn new(pkg_dir: PathBuf, hashed: bool) -> Assets {
        let mut files = HashMap::new();
        if let Ok(dir) = std::fs::read_dir(&pkg_dir) {
            for entry in dir.flatten() {
                let name = entry.file_name().to_string_lossy().to_string();
                if let Some(content_type) = content_type(&name) {
                    files.insert(name, Asset { path: entry.path(), content_type, encoded: OnceLock::new() });
                }
            }
        }
        Assets { files: Arc::new(files), immutable: hashed }
    }

    /// Whether the files carry content hashes in their names (`portal.<hash>.wasm`), as a release
    /// build's do.
    pub fn names_are_hashed(&self) -> bool {
        self.files.keys().any(|n| n.ends_with(".wasm") && n.split('.').count() == 3)
    }

    /// Whether there is nothing to serve (no front end built).
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    fn encoded(&self, name: &str) -> Option<&Encoded> {
        let asset = self.files.get(name)?;
        asset.encoded.get_or_init(|| std::fs::read(&asset.path).ok().map(Encoded::of)).as_ref()
    }

    /// Compresses every file now, off the async threads, so that the first resident does not wait.
    pub async fn warm(&self) {
        let me = self.clone();
        let _ = tokio::task::spawn_blocking(move || {
            for name in me.files.keys() {
                me.encoded(name);
            }
        })
        .await;
    }

    /// `GET /pkg/{file}`.
    pub async fn serve(self, Path(file): Path<String>, headers: HeaderMap) -> Response {
        let Some(asset) = self.files.get(&file) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        if asset.encoded.get().is_none() {
            // Not warmed yet: compress off the async threads (a second or two for the WebAssembly).
            let (me, name) = (self.clone(), file.clone());
            let _ = tokio::task::spawn_blocking(move || me.encoded(&name).is_some()).await;
        }
        let Some(enc) = self.encoded(&file) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        let content_type = asset.content_type;
        let cache = if self.immutable { "public, max-age=31536000, immutable" } else { "no-cache" };
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        h.insert(header::ETAG, enc.etag.clone());
        let unchanged = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim().trim_start_matches("W/") == enc.etag));
        if unchanged {
            return (StatusCode::NOT_MODIFIED, h).into_response();
        }
        let (encoding, body) = match preferred_encoding(&headers) {
            Some("br") => (Some("br"), enc.br.clone()),
            Some("gzip") => (Some("gzip"), enc.gzip.clone()),
            _ => (None, enc.raw.clone()),
        };
        if let Some(e) = encoding {
            h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(e));
        }
        (StatusCode::OK, h, body).into_response()
    }
}

/// `br` when the browser accepts it, else `gzip`, else none (a `q=0` refuses an encoding).
pub fn preferred_encoding(headers: &HeaderMap) -> Option<&'static str> {
    let accepted: Vec<(String, f32)> = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|part| {
            let mut it = part.split(';');
            let name = it.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = it
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (name, q)
        })
        .collect();
    let ok = |n: &str| {
        accepted.iter().any(|(a, q)| (a == n || a == "*") && *q > 0.0)
            && !accepted.iter().any(|(a, q)| a == n && *q <= 0.0)
    };
    ["br", "gzip"].into_iter().find(|n| ok(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn the_best_encoding_the_browser_accepts() {
        assert_eq!(preferred_encoding(&accept("gzip, deflate, br, zstd")), Some("br"));
        assert_eq!(preferred_encoding(&accept("gzip, deflate")), Some("gzip"));
        assert_eq!(preferred_encoding(&accept("br;q=0, gzip")), Some("gzip"));
        assert_eq!(preferred_encoding(&accept("identity")), None);
        assert_eq!(preferred_encoding(&accept("*")), Some("br"));
        assert_eq!(preferred_encoding(&accept("*, br;q=0")), Some("gzip"));
        assert_eq!(preferred_encoding(&HeaderMap::new()), None);
    }

    #[test]
    fn encodings_decode_to_the_same_bytes() {
        let raw: Vec<u8> = "民生大莞家 ".repeat(500).into_bytes();
        let e = Encoded::of(raw.clone());
        assert!(e.br.len() < raw.len() / 10 && e.gzip.len() < raw.len() / 10);
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut e.br.as_ref(), &mut back).unwrap();
        assert_eq!(back, raw);
        let mut back = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(e.gzip.as_ref()), &mut back).unwrap();
        assert_eq!(back, raw);
        assert_eq!(e.etag, Encoded::of(raw).etag, "the same content, the same ETag");
    }

    #[test]
    fn only_the_front_end_files_are_served() {
        assert_eq!(content_type("portal.0f3a.wasm"), Some("application/wasm"));
        assert_eq!(content_type("portal.css"), Some("text/css; charset=utf-8"));
        assert_eq!(content_type("portal.d.ts"), None);
        assert_eq!(content_type("portal_bg.wasm.d.ts"), None);
    }
}
