//! The public API's contract (issue 21): an OpenAPI 3.1 document generated from the handlers'
//! annotations and the answer types (`utoipa`), served at `/api/openapi.json`, and a readable page at
//! `/api/docs` written from the same document. The examples are real answers recorded from the demo
//! data (`server/openapi/*.json`); `server/tests/openapi.rs` checks that every public route is in the
//! document and that each example still has the shape of what the route answers.

use crate::{dashboard_routes, open311, public_routes};
use app::ui::html_escape as esc;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use utoipa::openapi::path::Operation;
use utoipa::openapi::{OpenApi as Document, RefOr};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "民生大莞家 Minsheng Dawanjia — public API",
        description = "Open data of Dongguan's livelihood programme: the wish wall, the micro-project board, the \
            programme's measures, and Open311 GeoReport v2 (read by anyone; posting needs a key from the \
            administrators). No answer carries a resident's name, phone, email or address. Times are Dongguan \
            time (UTC+8).",
        version = "1"
    ),
    paths(
        public_routes::api_wishes,
        public_routes::api_projects,
        dashboard_routes::api_kpi,
        open311::get_discovery,
        open311::get_services,
        open311::get_service,
        open311::get_requests,
        open311::post_request,
        open311::get_request,
        open311::get_token,
    ),
    tags(
        (name = "Open data", description = "JSON of what the portal's public pages show."),
        (name = "Open311", description = "GeoReport v2 (wiki.open311.org/GeoReport_v2) in JSON and XML. Mapping and privacy rules: docs/open311.md."),
    )
)]
struct ApiDoc;

/// The recorded examples: (path, method, status, file).
const EXAMPLES: &[(&str, &str, &str, &str)] = &[
    ("/api/v1/wishes", "get", "200", include_str!("../openapi/wishes.json")),
    ("/api/v1/projects", "get", "200", include_str!("../openapi/projects.json")),
    ("/api/v1/kpi", "get", "200", include_str!("../openapi/kpi.json")),
    ("/api/v1/kpi", "get", "400", include_str!("../openapi/kpi-400.json")),
    ("/open311/v2/discovery.{format}", "get", "200", include_str!("../openapi/open311-discovery.json")),
    ("/open311/v2/services.{format}", "get", "200", include_str!("../openapi/open311-services.json")),
    ("/open311/v2/services/{service_code}.{format}", "get", "200", include_str!("../openapi/open311-service.json")),
    ("/open311/v2/requests.{format}", "get", "200", include_str!("../openapi/open311-requests.json")),
    ("/open311/v2/requests.{format}", "post", "200", include_str!("../openapi/open311-post.json")),
    ("/open311/v2/requests.{format}", "post", "403", include_str!("../openapi/open311-403.json")),
    (
        "/open311/v2/requests/{service_request_id}.{format}",
        "get",
        "200",
        include_str!("../openapi/open311-request.json"),
    ),
    ("/open311/v2/tokens/{token}.{format}", "get", "200", include_str!("../openapi/open311-token.json")),
];

fn operation_mut<'a>(doc: &'a mut Document, path: &str, method: &str) -> Option<&'a mut Operation> {
    let item = doc.paths.paths.get_mut(path)?;
    match method {
        "get" => item.get.as_mut(),
        "post" => item.post.as_mut(),
        _ => None,
    }
}

/// The document, with its examples, built once.
pub fn document() -> &'static Document {
    static DOC: std::sync::OnceLock<Document> = std::sync::OnceLock::new();
    DOC.get_or_init(|| {
        let mut doc = ApiDoc::openapi();
        for (path, method, status, file) in EXAMPLES {
            let Ok(example) = serde_json::from_str::<Value>(file) else {
                tracing::error!(path, status, "an OpenAPI example is not JSON");
                continue;
            };
            let Some(op) = operation_mut(&mut doc, path, method) else {
                tracing::error!(path, method, "an OpenAPI example names an operation that is not documented");
                continue;
            };
            if let Some(RefOr::T(response)) = op.responses.responses.get_mut(*status) {
                if let Some(content) = response.content.get_mut("application/json") {
                    content.example = Some(example);
                }
            }
        }
        doc
    })
}

/// `GET /api/openapi.json`.
pub async fn openapi_json() -> Response {
    let mut res = axum::Json(document()).into_response();
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    res
}

/// Inline `code` in a description written with backticks.
fn prose(s: &str) -> String {
    let mut out = String::new();
    for (i, part) in esc(s).split('`').enumerate() {
        if i % 2 == 1 {
            out.push_str("<code>");
            out.push_str(part);
            out.push_str("</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

/// The name of a schema a reference or a list points to.
fn schema_name(schema: &RefOr<utoipa::openapi::schema::Schema>) -> String {
    use utoipa::openapi::schema::{ArrayItems, Schema};
    match schema {
        RefOr::Ref(r) => r.ref_location.rsplit('/').next().unwrap_or_default().to_string(),
        RefOr::T(Schema::Array(a)) => match &a.items {
            ArrayItems::RefOrSchema(inner) => format!("[{}]", schema_name(inner)),
            ArrayItems::False => "[]".into(),
        },
        RefOr::T(Schema::Object(o)) => {
            serde_json::to_value(&o.schema_type).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
        }
        RefOr::T(_) => String::new(),
    }
}

/// `GET /api/docs`: the document as a page (headings in the reader's language; the descriptions are
/// the document's own, in English, as the field names of the standards are).
pub async fn docs_page(State(_st): State<app::state::AppState>, headers: HeaderMap) -> Response {
    use app::ui::i18n::{html_lang, t};
    let lang = app::ui::lang::lang_from_headers(&headers);
    let doc = document();
    // The document's own words are English: marked so on Chinese pages, for screen readers.
    let en = if lang == domain::Lang::En { "" } else { " lang=\"en\"" };
    let mut body = String::new();
    body.push_str(&format!("<h1>{}</h1>", esc(&t(lang, "api.docs.title"))));
    if let Some(d) = &doc.info.description {
        body.push_str(&format!("<p{en}>{}</p>", prose(d)));
    }
    body.push_str(&format!(
        "<p>{} <a href=\"/api/openapi.json\"><code>/api/openapi.json</code></a> (OpenAPI {})</p>",
        esc(&t(lang, "api.docs.contract")),
        esc(&serde_json::to_value(&doc.openapi).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default())
    ));
    body.push_str("<nav aria-label=\"API\"><ul>");
    for (path, item) in &doc.paths.paths {
        for (method, _) in operations(item) {
            body.push_str(&format!(
                "<li><a href=\"#{}\"><code>{} {}</code></a></li>",
                anchor(method, path),
                method.to_uppercase(),
                esc(path)
            ));
        }
    }
    body.push_str("</ul></nav>");
    for (path, item) in &doc.paths.paths {
        for (method, op) in operations(item) {
            body.push_str(&format!(
                "<section class=\"card\" id=\"{}\"><h2><code>{} {}</code></h2>",
                anchor(method, path),
                method.to_uppercase(),
                esc(path)
            ));
            if let Some(s) = &op.summary {
                body.push_str(&format!("<p{en}><strong>{}</strong></p>", prose(s)));
            }
            if let Some(d) = &op.description {
                body.push_str(&format!("<p{en}>{}</p>", prose(d)));
            }
            let params = op.parameters.as_deref().unwrap_or_default();
            if !params.is_empty() {
                // A list, not a table: it reads on a phone without scrolling sideways.
                body.push_str(&format!("<h3>{}</h3><dl class=\"api-params\">", esc(&t(lang, "api.docs.parameters"))));
                for p in params {
                    let place = serde_json::to_value(&p.parameter_in).ok().and_then(|v| v.as_str().map(str::to_string));
                    let required = matches!(p.required, utoipa::openapi::Required::True);
                    body.push_str(&format!(
                        "<dt><code>{}</code> · {}{}</dt><dd{en}>{}</dd>",
                        esc(&p.name),
                        esc(&t(lang, &format!("api.docs.in.{}", place.unwrap_or_default()))),
                        if required { format!(" · {}", esc(&t(lang, "api.docs.required"))) } else { String::new() },
                        prose(p.description.as_deref().unwrap_or(""))
                    ));
                }
                body.push_str("</dl>");
            }
            body.push_str(&format!("<h3>{}</h3><ul>", esc(&t(lang, "api.docs.responses"))));
            for (status, r) in &op.responses.responses {
                let RefOr::T(r) = r else { continue };
                let kinds: Vec<String> = r
                    .content
                    .iter()
                    .map(|(ct, c)| {
                        let schema = c.schema.as_ref().map(schema_name).unwrap_or_default();
                        format!("<code>{}</code> {}", esc(ct), esc(&schema))
                    })
                    .collect();
                body.push_str(&format!(
                    "<li><strong>{}</strong> <span{en}>{}</span> — {}",
                    esc(status),
                    prose(&r.description),
                    kinds.join(", ")
                ));
                if let Some(example) = r.content.get("application/json").and_then(|c| c.example.as_ref()) {
                    let pretty = serde_json::to_string_pretty(example).unwrap_or_default();
                    body.push_str(&format!(
                        "<details><summary>{} ({})</summary><pre tabindex=\"0\"><code>{}</code></pre></details>",
                        esc(&t(lang, "api.docs.example")),
                        esc(status),
                        esc(&pretty)
                    ));
                }
                body.push_str("</li>");
            }
            body.push_str("</ul></section>");
        }
    }
    let html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>{title} · {app}</title>\
         <link rel=\"stylesheet\" href=\"{css}\"></head><body><header class=\"site-header\">\
         <a class=\"brand\" href=\"/\"><span class=\"mark\" aria-hidden=\"true\">莞</span>\
         <span class=\"name\">{app}</span></a></header><main id=\"main\" class=\"api-docs\">{body}</main></body></html>",
        lang = html_lang(lang),
        title = esc(&t(lang, "api.docs.title")),
        app = esc(&t(lang, "app.name")),
        css = app::stylesheet_href(),
    );
    let mut res = (StatusCode::OK, html).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    res
}

fn operations(item: &utoipa::openapi::PathItem) -> Vec<(&'static str, &Operation)> {
    [("get", item.get.as_ref()), ("post", item.post.as_ref())]
        .into_iter()
        .filter_map(|(m, o)| o.map(|o| (m, o)))
        .collect()
}

fn anchor(method: &str, path: &str) -> String {
    let slug: String = path.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    format!("{method}{slug}")
}
