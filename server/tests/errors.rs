//! Every error answer has words in the reader's language (issue 16): each kind of refusal the server
//! gives is produced by a real request, in Simplified Chinese, Traditional Chinese and English, on
//! SQLite and PostgreSQL, and the page says the kind's own title in that language with the right
//! status — no bare `error`, no English "sign in first". Under `/api/v1/` the refusal is JSON.

mod support;

use domain::{ErrorKind, Lang, Role};
use reqwest::StatusCode;
use support::{add_user, backends, signed_in, TestApp};

const LANGS: [(Lang, &str); 3] = [(Lang::ZhHans, "zh-Hans"), (Lang::ZhHant, "zh-Hant"), (Lang::En, "en")];

/// The kind's title as the page must show it (HTML-escaped like the page).
fn title(kind: ErrorKind, lang: Lang) -> String {
    app::ui::i18n::t(lang, &format!("error.{}.title", kind.code())).replace('&', "&amp;")
}

fn assert_page(what: &str, kind: ErrorKind, lang: Lang, status: StatusCode, content_type: &str, body: &str) {
    assert_eq!(status.as_u16(), kind.status(), "{what} ({lang:?}) answers {}", kind.status());
    assert!(content_type.starts_with("text/html"), "{what} ({lang:?}) is a page, not {content_type}");
    assert!(body.contains(&format!("<html lang=\"{}\"", app::ui::i18n::html_lang(lang))), "{what}: page language");
    assert!(body.contains(&format!("<h1>{}</h1>", title(kind, lang))), "{what} ({lang:?}) says its title: {body}");
    for bare in ["sign in first", "admins only", "not for this role", "error", "form too large"] {
        assert_ne!(body.trim(), bare, "{what}: no bare body");
    }
}

async fn send(req: reqwest::RequestBuilder, code: &str) -> (StatusCode, String, String) {
    answer(req.header("cookie", format!("lang={code}"))).await
}

/// For a browser that keeps cookies (its language chosen with the switch, its session kept).
async fn answer(req: reqwest::RequestBuilder) -> (StatusCode, String, String) {
    let r = req.send().await.unwrap();
    let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    (r.status(), ct, r.text().await.unwrap())
}

#[tokio::test]
async fn every_error_kind_has_a_page_in_each_language() {
    for b in backends() {
        let app = TestApp::start(b).await;
        add_user(&app, "town@portal.test", Role::TownStaff, Some("humen")).await;
        let staff = signed_in(&app, "town@portal.test").await;
        let url = |p: &str| format!("{}{p}", app.base);
        for (lang, code) in LANGS {
            // 400: a control character in the query (the edge refuses it before any handler).
            let (s, ct, body) = send(app.http.get(url("/track?number=%01")), code).await;
            assert_page("control character", ErrorKind::BadRequest, lang, s, &ct, &body);

            // 401: a staff post without a session.
            let (s, ct, body) = send(app.http.post(url("/staff/admin/settings")).form(&[("x", "1")]), code).await;
            assert_page("staff post signed out", ErrorKind::SignIn, lang, s, &ct, &body);
            assert!(body.contains("href=\"/staff/sign-in\""), "the sign-in page is one tap away");

            // 403: town staff posting to the admin page.
            staff.get(url(&format!("/lang/{code}?back=/staff"))).send().await.unwrap();
            let (s, ct, body) = answer(staff.post(url("/staff/admin/settings")).form(&[("x", "1")])).await;
            assert_page("admin post by town staff", ErrorKind::Forbidden, lang, s, &ct, &body);

            // 404: a photo that does not exist.
            let (s, ct, body) = send(app.http.get(url("/photos/aaaaaaaaaaaaaaaaaaaaaaaaaa/large")), code).await;
            assert_page("unknown photo", ErrorKind::NotFound, lang, s, &ct, &body);

            // 413: a form body over the edge's limit.
            let big = "x".repeat(server::security::MAX_FORM_BYTES + 10);
            let (s, ct, body) = send(app.http.post(url("/wish/new")).form(&[("need", big.as_str())]), code).await;
            assert_page("oversized form", ErrorKind::TooLarge, lang, s, &ct, &body);

            // 422: a look-up form that cannot be read at all is the look-up page again, with its status
            // and in the reader's language (a page with its own errors is never replaced).
            let (s, ct, body) = send(
                app.http.post(url("/track")).header("content-type", "application/x-www-form-urlencoded").body("number"),
                code,
            )
            .await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "unreadable form");
            assert!(
                ct.starts_with("text/html")
                    && body.contains(&format!("<html lang=\"{}\"", app::ui::i18n::html_lang(lang)))
            );
            assert!(body.contains(&app::ui::i18n::t(lang, "nav.track")), "the look-up page in {lang:?}");
        }
        // 500: the database goes away. Pages and the open API say so in words, nothing else leaks.
        app.db.pool.close().await;
        for (lang, code) in LANGS {
            let (s, ct, body) = send(app.http.get(url("/t/aaaaaaaaaaaaaaaaaaaaaaaaaa/qr.svg")), code).await;
            assert_page("database down", ErrorKind::Internal, lang, s, &ct, &body);
            let (s, ct, body) = send(app.http.get(url("/api/v1/wishes")), code).await;
            assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR);
            assert!(ct.starts_with("application/json"), "the open API answers JSON: {ct}");
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v["error"], "internal");
            assert_eq!(v["message"], app::ui::i18n::t(lang, "error.internal.title"));
        }
    }
}

#[tokio::test]
async fn pages_with_their_own_errors_and_server_functions_pass_untouched() {
    for b in backends() {
        let app = TestApp::start(b).await;
        // A form with field errors keeps its own page (422 with the messages next to the fields).
        let r = app
            .http
            .post(format!("{}/track", app.base))
            .form(&[("number", "X"), ("phone4", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = r.text().await.unwrap();
        assert!(body.contains("id=\"number-error\"") || body.contains("number-error"), "the look-up page itself");
        assert!(!body.contains(&title(ErrorKind::Invalid, Lang::ZhHans)), "not replaced by the error page");
        // The unknown-page 404 is the site's own page with the look-up link.
        let (s, body) = app.get("/no/such/page").await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert!(body.contains("href=\"/track\""), "the Leptos 404 page, not the bare error page");
        // A server function's error answer is left for the island to read.
        let r = app
            .http
            .post(format!("{}/api/get_track_view", app.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("nonsense")
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error() || r.status().is_server_error());
        assert!(!r.text().await.unwrap().contains("<html"), "server functions answer in their own format");
    }
}
