//! What a phone downloads: the front end's files compressed once at the best settings and served by
//! what the browser accepts, with an ETag and the right caching; pages and JSON compressed on the fly
//! with their own caching rules kept. No database is involved beyond the pages (SQLite).

mod support;

use axum::http::StatusCode;
use support::TestApp;

/// A built front end in a folder of its own (`…/site`): a stylesheet, a script, a WebAssembly file,
/// and a type declaration the server must not serve; beside the site, a file no path may reach.
fn site(name: &str) -> (std::path::PathBuf, Vec<u8>) {
    let root = std::env::temp_dir().join(format!("portal-assets-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("secret.txt"), "not for you").unwrap();
    let dir = root.join("site");
    let pkg = dir.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let css: Vec<u8> = ".elder body { font-size: 24px; } /* 民生大莞家 */\n".repeat(400).into_bytes();
    std::fs::write(pkg.join("portal.css"), &css).unwrap();
    std::fs::write(pkg.join("portal.js"), "export function hydrate() {}\n".repeat(300)).unwrap();
    std::fs::write(pkg.join("portal.wasm"), [0u8, 97, 115, 109, 1, 0, 0, 0].repeat(2000)).unwrap();
    std::fs::write(pkg.join("portal.d.ts"), "export {};").unwrap();
    (dir, css)
}

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = app.http.get(format!("{}{path}", app.base));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn front_end_files_go_out_compressed_with_an_etag() {
    let (dir, css) = site("compressed");
    let app = TestApp::on("sqlite").with_site_root(dir.to_str().unwrap()).start().await;

    let r = get(&app, "/pkg/portal.css", &[("accept-encoding", "gzip, deflate, br")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let h = r.headers().clone();
    assert_eq!(h["content-encoding"], "br");
    assert_eq!(h["content-type"], "text/css; charset=utf-8");
    assert_eq!(h["vary"], "accept-encoding");
    // Without hashed names (no hash.txt beside this test binary) the browser revalidates.
    assert_eq!(h["cache-control"], "no-cache");
    let etag = h["etag"].to_str().unwrap().to_string();
    let body = r.bytes().await.unwrap();
    assert!(body.len() * 20 < css.len(), "brotli: {} of {} bytes", body.len(), css.len());
    let mut plain = Vec::new();
    brotli::BrotliDecompress(&mut body.as_ref(), &mut plain).unwrap();
    assert_eq!(plain, css);

    let r = get(&app, "/pkg/portal.css", &[("accept-encoding", "gzip")]).await;
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let gz = r.bytes().await.unwrap();
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(gz.as_ref()), &mut plain).unwrap();
    assert_eq!(plain, css);

    let r = get(&app, "/pkg/portal.css", &[]).await;
    assert!(r.headers().get("content-encoding").is_none());
    assert_eq!(r.bytes().await.unwrap().as_ref(), css.as_slice());

    // Asked again with the ETag: 304, no body.
    let r = get(&app, "/pkg/portal.css", &[("if-none-match", &etag), ("accept-encoding", "br")]).await;
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    assert!(r.bytes().await.unwrap().is_empty());

    let r = get(&app, "/pkg/portal.wasm", &[("accept-encoding", "br")]).await;
    assert_eq!(r.headers()["content-type"], "application/wasm");
    assert_eq!(r.headers()["content-encoding"], "br");
    let _ = std::fs::remove_dir_all(dir.parent().unwrap());
}

/// Abuse: only the front end's own files come out of `/pkg/`, whatever the path says.
#[tokio::test]
async fn nothing_else_comes_out_of_pkg() {
    let (dir, _) = site("abuse");
    let app = TestApp::on("sqlite").with_site_root(dir.to_str().unwrap()).start().await;
    for path in [
        "/pkg/portal.d.ts",
        "/pkg/nothing.js",
        "/pkg/..%2F..%2Fsecret.txt",
        "/pkg/%2e%2e/%2e%2e/secret.txt",
        "/..%2Fsecret.txt",
        "/pkg/portal.css%00",
    ] {
        let r = get(&app, path, &[("accept-encoding", "br")]).await;
        assert!(r.status().is_client_error(), "{path}: {}", r.status());
        assert!(!r.text().await.unwrap().contains("not for you"), "{path}");
    }
    let _ = std::fs::remove_dir_all(dir.parent().unwrap());
}

#[tokio::test]
async fn pages_and_json_are_compressed_and_keep_their_caching() {
    let app = TestApp::start("sqlite").await;
    let r = get(&app, "/", &[("accept-encoding", "br")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-encoding"], "br");
    assert_eq!(r.headers()["cache-control"], "no-store", "pages stay uncached");
    assert!(r.headers()["vary"].to_str().unwrap().to_ascii_lowercase().contains("accept-encoding"));
    let body = r.bytes().await.unwrap();
    let mut html = Vec::new();
    brotli::BrotliDecompress(&mut body.as_ref(), &mut html).unwrap();
    assert!(String::from_utf8(html).unwrap().contains("民生大莞家"));

    let r = get(&app, "/api/v1/kpi", &[("accept-encoding", "gzip")]).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert!(r.headers()["cache-control"].to_str().unwrap().starts_with("public"), "the API keeps its max-age");

    // Staff pages are never compressed (BREACH: personal data beside reflected search words).
    for path in ["/staff/sign-in", "/dashboard"] {
        let r = get(&app, path, &[("accept-encoding", "br, gzip")]).await;
        assert!(r.headers().get("content-encoding").is_none(), "{path}");
    }

    // A client that asks for nothing gets plain text.
    let r = get(&app, "/", &[]).await;
    assert!(r.headers().get("content-encoding").is_none());
    assert!(r.text().await.unwrap().contains("民生大莞家"));
}
