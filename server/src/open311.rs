//! Open311 GeoReport v2 over HTTP (`docs/open311.md`): every resource in `.json` and `.xml`, errors
//! as the specification words them (`[{"code", "description"}]` / `<errors><error>…`), in the
//! status it names (404 for what does not exist, 403 for a missing or bad `api_key`, 400 for the
//! rest; 429 over a limit). XML is the JSON answer written element by element (the specification's
//! "Spark convention"): a list becomes its plural element with one singular child per entry.

use crate::client::ClientIp;
use app::open311::{ops, Open311Error, Refusal};
use app::state::AppState;
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use domain::Lang;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde::Serialize;
use serde_json::Value;

/// The two formats, by the resource's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Xml,
}

/// `services.json` → (`services`, Json). A name without a known extension has no format.
pub fn split_format(file: &str) -> (&str, Option<Format>) {
    match file.rsplit_once('.') {
        Some((name, "json")) => (name, Some(Format::Json)),
        Some((name, "xml")) => (name, Some(Format::Xml)),
        _ => (file, None),
    }
}

/// The format an error under `path` is written in: the resource's own, XML (the required one) when
/// it has none.
pub fn format_of_path(path: &str) -> Format {
    split_format(path).1.unwrap_or(Format::Xml)
}

/// The singular element of a list's entries.
fn singular(plural: &str) -> &str {
    match plural {
        "services" => "service",
        "service_requests" => "request",
        "attributes" => "attribute",
        "values" => "value",
        "errors" => "error",
        "endpoints" => "endpoint",
        "formats" => "format",
        other => other,
    }
}

fn write_value(w: &mut quick_xml::Writer<Vec<u8>>, name: &str, v: &Value) -> std::io::Result<()> {
    match v {
        Value::Null => {
            w.write_event(Event::Empty(BytesStart::new(name)))?;
        }
        Value::Array(items) => {
            w.write_event(Event::Start(BytesStart::new(name)))?;
            for item in items {
                write_value(w, singular(name), item)?;
            }
            w.write_event(Event::End(BytesEnd::new(name)))?;
        }
        Value::Object(fields) => {
            w.write_event(Event::Start(BytesStart::new(name)))?;
            for (k, v) in fields {
                write_value(w, k, v)?;
            }
            w.write_event(Event::End(BytesEnd::new(name)))?;
        }
        scalar => {
            let text = match scalar {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            w.write_event(Event::Start(BytesStart::new(name)))?;
            w.write_event(Event::Text(BytesText::new(&text)))?;
            w.write_event(Event::End(BytesEnd::new(name)))?;
        }
    }
    Ok(())
}

/// A value as an XML document under `root` (a list's root is its plural element).
pub fn to_xml<T: Serialize>(root: &str, value: &T) -> String {
    let value = serde_json::to_value(value).unwrap_or(Value::Null);
    let mut w = quick_xml::Writer::new_with_indent(Vec::new(), b' ', 2);
    let written = w
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))
        .and_then(|_| write_value(&mut w, root, &value));
    if let Err(e) = written {
        tracing::error!(error = %e, "writing Open311 XML failed");
    }
    String::from_utf8(w.into_inner()).unwrap_or_default()
}

/// An answer in `format`; public GET answers are cached a minute and readable from any site.
fn answer<T: Serialize>(format: Format, root: &str, status: StatusCode, value: &T, public: bool) -> Response {
    let (body, content_type) = match format {
        Format::Json => (serde_json::to_string(value).unwrap_or_default(), "application/json; charset=utf-8"),
        Format::Xml => (to_xml(root, value), "text/xml; charset=utf-8"),
    };
    let mut res = (status, body).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    let cache = if public && status.is_success() { "public, max-age=60" } else { "no-store" };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}

/// An error answer in `format`.
pub fn refusal(format: Format, r: &Refusal) -> Response {
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut res = answer(format, "errors", status, &r.errors, false);
    if let Some(wait) = r.retry_after {
        if let Ok(v) = HeaderValue::from_str(&wait.max(1).to_string()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    res
}

/// The error body of a bare error status under `/open311/` (a refusal at the edge, a body too large,
/// a method not allowed): what `respond::error_pages` writes there.
pub fn error_body(path: &str, status: StatusCode, kind: domain::ErrorKind, lang: Lang) -> (String, &'static str) {
    let key = if status == StatusCode::NOT_FOUND {
        "open311.err.not_found".to_string()
    } else {
        format!("error.{}.title", kind.code())
    };
    let errors = vec![Open311Error { code: status.as_u16(), description: app::ui::i18n::t(lang, &key) }];
    match format_of_path(path) {
        Format::Json => (serde_json::to_string(&errors).unwrap_or_default(), "application/json; charset=utf-8"),
        Format::Xml => (to_xml("errors", &errors), "text/xml; charset=utf-8"),
    }
}

fn lang(headers: &HeaderMap) -> Lang {
    app::ui::lang::lang_from_headers(headers)
}

fn not_found(format: Format, lang: Lang) -> Response {
    refusal(format, &Refusal::new(404, app::ui::i18n::t(lang, "open311.err.not_found")))
}

/// The form of `POST requests`, as the specification defines it. The handler reads the pairs as sent
/// (`Params`), because the form's questions come as `attribute[code]=value`; this type documents them.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct PostForm {
    /// The key an admin issued.
    pub api_key: String,
    /// A code from `services`.
    #[schema(example = "wish.elderly_alone")]
    pub service_code: String,
    /// The village or community (its id; the town follows). This or `address_string` is required.
    pub address_id: Option<String>,
    /// The place in words, most specific first. With `attribute[town]` when the town is known.
    pub address_string: Option<String>,
    /// Not enough alone: the portal has no village boundaries.
    pub lat: Option<f64>,
    pub long: Option<f64>,
    /// The need (a wish) or the description (a project).
    pub description: Option<String>,
    /// Given name; the contact name is `last_name` + `first_name` (family name first in Chinese).
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// The contact mobile (required, as on the form).
    pub phone: Option<String>,
    /// The contact email, for progress mails.
    pub email: Option<String>,
    /// Ignored: the portal serves one jurisdiction.
    pub jurisdiction_id: Option<String>,
    /// Ignored.
    pub device_id: Option<String>,
    /// Ignored.
    pub account_id: Option<String>,
    /// Ignored: photos are taken by staff on the portal.
    pub media_url: Option<String>,
    /// The form's other questions as `attribute[code]=value`, as `services/{code}` lists them
    /// (e.g. `attribute[amount]=600`, `attribute[consent]=yes`).
    #[serde(flatten)]
    pub attribute: std::collections::BTreeMap<String, String>,
}

/// The specification's GET parameters, as sent.
type Params = Vec<(String, String)>;

/// `GET /open311/v2/{discovery|services|requests}.{format}`: one route for the three resources at the
/// top (a path segment is one parameter), handed to each one's handler.
pub async fn get_root(
    st: State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
    Query(p): Query<Params>,
) -> Response {
    let lang = lang(&headers);
    let (name, format) = split_format(&file);
    let Some(format) = format else { return not_found(Format::Xml, lang) };
    match name {
        "discovery" => get_discovery(st, Path(format), headers).await,
        "services" => get_services(Path(format), headers).await,
        "requests" => get_requests(st, Path(format), headers, Query(p)).await,
        _ => not_found(format, lang),
    }
}

/// Discovery.
///
/// Where this endpoint is, which formats it speaks, how to get a key.
#[utoipa::path(get, path = "/open311/v2/discovery.{format}", tag = "Open311",
    params(("format" = Format, Path, description = "`json` or `xml`", example = "json")),
    responses((status = 200, description = "This endpoint", content(
        (app::open311::Discovery = "application/json"), (app::open311::Discovery = "text/xml")))))]
pub async fn get_discovery(State(st): State<AppState>, Path(format): Path<Format>, headers: HeaderMap) -> Response {
    answer(format, "discovery", StatusCode::OK, &ops::discovery(&st, lang(&headers)), true)
}

/// Every service.
///
/// The five kinds of micro-wish (by whom it is for) and the eight categories of micro-project.
#[utoipa::path(get, path = "/open311/v2/services.{format}", tag = "Open311",
    params(("format" = Format, Path, description = "`json` or `xml`", example = "json")),
    responses((status = 200, description = "The services", content(
        (Vec<app::open311::Service> = "application/json"), (Vec<app::open311::Service> = "text/xml")))))]
pub async fn get_services(Path(format): Path<Format>, headers: HeaderMap) -> Response {
    answer(format, "services", StatusCode::OK, &ops::services(lang(&headers)), true)
}

/// Service requests, newest first.
///
/// By id (which overrides the rest), or by service, status and dates of submission (the most recent 90 days when not given; never more); at most 1,000. Only what the
/// portal publishes: a request's text and village only while the wall or the board shows it.
#[utoipa::path(get, path = "/open311/v2/requests.{format}", tag = "Open311",
    params(
        ("format" = Format, Path, description = "`json` or `xml`", example = "json"),
        ("service_request_id" = Option<String>, Query, description = "Comma-delimited request numbers (at most 100)"),
        ("service_code" = Option<String>, Query, description = "Comma-delimited service codes", example = "project.roads_lighting"),
        ("start_date" = Option<String>, Query, description = "Submitted at or after (W3C datetime with its zone, or a date)"),
        ("end_date" = Option<String>, Query, description = "Submitted at or before"),
        ("status" = Option<String>, Query, description = "`open`, `closed`, or both comma-delimited", example = "open"),
    ),
    responses(
        (status = 200, description = "The requests", content(
            (Vec<app::open311::RequestView> = "application/json"), (Vec<app::open311::RequestView> = "text/xml"))),
        (status = 400, description = "A parameter that cannot be read (named in the description)", body = Vec<app::open311::Open311Error>),
    ))]
pub async fn get_requests(
    State(st): State<AppState>,
    Path(format): Path<Format>,
    headers: HeaderMap,
    Query(p): Query<Params>,
) -> Response {
    match ops::requests(&st, &p, lang(&headers), store::now()).await {
        Ok(list) => answer(format, "service_requests", StatusCode::OK, &list, true),
        Err(r) => refusal(format, &r),
    }
}

/// A service's definition.
///
/// The questions its form asks beyond the specification's own fields.
#[utoipa::path(get, path = "/open311/v2/services/{service_code}.{format}", tag = "Open311",
    params(
        ("service_code" = String, Path, description = "A code from `services`", example = "wish.elderly_alone"),
        ("format" = Format, Path, description = "`json` or `xml`", example = "json"),
    ),
    responses(
        (status = 200, description = "The questions", content(
            (app::open311::ServiceDefinition = "application/json"), (app::open311::ServiceDefinition = "text/xml"))),
        (status = 404, description = "No such service", body = Vec<app::open311::Open311Error>),
    ))]
pub async fn get_service(State(st): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let lang = lang(&headers);
    let (code, format) = split_format(&file);
    let Some(format) = format else { return not_found(Format::Xml, lang) };
    match ops::definition(&st, code, lang).await {
        Ok(d) => answer(format, "service_definition", StatusCode::OK, &d, true),
        Err(r) => refusal(format, &r),
    }
}

/// One service request.
#[utoipa::path(get, path = "/open311/v2/requests/{service_request_id}.{format}", tag = "Open311",
    params(
        ("service_request_id" = String, Path, description = "The request's number", example = "W-2026-000001"),
        ("format" = Format, Path, description = "`json` or `xml`", example = "json"),
    ),
    responses(
        (status = 200, description = "A list of one request", content(
            (Vec<app::open311::RequestView> = "application/json"), (Vec<app::open311::RequestView> = "text/xml"))),
        (status = 404, description = "No such request", body = Vec<app::open311::Open311Error>),
    ))]
pub async fn get_request(State(st): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let lang = lang(&headers);
    let (id, format) = split_format(&file);
    let Some(format) = format else { return not_found(Format::Xml, lang) };
    match ops::request(&st, id, lang).await {
        Ok(list) => answer(format, "service_requests", StatusCode::OK, &list, true),
        Err(r) => refusal(format, &r),
    }
}

/// The request behind a receipt token.
///
/// The token is the one `POST requests` answered.
#[utoipa::path(get, path = "/open311/v2/tokens/{token}.{format}", tag = "Open311",
    params(
        ("token" = String, Path, description = "A receipt token"),
        ("format" = Format, Path, description = "`json` or `xml`", example = "json"),
    ),
    responses(
        (status = 200, description = "The request's number", content(
            (Vec<app::open311::TokenView> = "application/json"), (Vec<app::open311::TokenView> = "text/xml"))),
        (status = 404, description = "No such token", body = Vec<app::open311::Open311Error>),
    ))]
pub async fn get_token(State(st): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let lang = lang(&headers);
    let (token, format) = split_format(&file);
    let Some(format) = format else { return not_found(Format::Xml, lang) };
    match ops::token(&st, token, lang).await {
        Ok(list) => answer(format, "service_requests", StatusCode::OK, &list, false),
        Err(r) => refusal(format, &r),
    }
}

/// Creates a service request.
///
/// On a resident's behalf, with an `api_key` (form-encoded, as the specification sends it). It meets the same validation, limits and lifecycle as the resident forms.
#[utoipa::path(post, path = "/open311/v2/requests.{format}", tag = "Open311",
    params(("format" = Format, Path, description = "`json` or `xml`", example = "json")),
    request_body(content = PostForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "The request created", content(
            (Vec<app::open311::CreatedView> = "application/json"), (Vec<app::open311::CreatedView> = "text/xml"))),
        (status = 400, description = "What to fix, each naming its parameter", body = Vec<app::open311::Open311Error>),
        (status = 403, description = "A missing, wrong or revoked api_key", body = Vec<app::open311::Open311Error>),
        (status = 404, description = "No such service", body = Vec<app::open311::Open311Error>),
        (status = 429, description = "Over a limit; `Retry-After` says when to try again", body = Vec<app::open311::Open311Error>),
    ))]
pub async fn post_request(
    State(st): State<AppState>,
    Path(file): Path<String>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    Form(p): Form<Params>,
) -> Response {
    let lang = lang(&headers);
    let (name, format) = split_format(&file);
    let Some(format) = format.filter(|_| name == "requests") else { return not_found(Format::Xml, lang) };
    match ops::submit(&st, &p, lang, &domain::abuse::client_key(client)).await {
        Ok(created) => answer(format, "service_requests", StatusCode::OK, &created, false),
        Err(r) => refusal(format, &r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_become_plural_elements_with_singular_children() {
        let errors = vec![Open311Error { code: 403, description: "bad <key> & more".into() }];
        let xml = to_xml("errors", &errors);
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>"), "{xml}");
        assert!(xml.contains("<errors>"), "{xml}");
        assert!(xml.contains("<error>"), "{xml}");
        assert!(xml.contains("<code>403</code>"), "{xml}");
        assert!(xml.contains("bad &lt;key&gt; &amp; more"), "text is escaped: {xml}");
        let nested =
            serde_json::json!({"service_code": "wish.other", "attributes": [{"values": [{"key": "a"}]}], "x": null});
        let xml = to_xml("service_definition", &nested);
        assert!(xml.contains("<attributes>") && xml.contains("<attribute>"), "{xml}");
        assert!(xml.contains("<values>") && xml.contains("<value>") && xml.contains("<key>a</key>"), "{xml}");
        assert!(xml.contains("<x/>"), "null is an empty element: {xml}");
    }

    #[test]
    fn the_extension_names_the_format() {
        assert_eq!(split_format("services.json"), ("services", Some(Format::Json)));
        assert_eq!(split_format("W-2026-000001.xml"), ("W-2026-000001", Some(Format::Xml)));
        assert_eq!(split_format("wish.other.json"), ("wish.other", Some(Format::Json)));
        assert_eq!(split_format("services"), ("services", None));
        assert_eq!(split_format("services.html"), ("services.html", None));
        assert_eq!(format_of_path("/open311/v2/requests.json"), Format::Json);
        assert_eq!(format_of_path("/open311/v2/nothing"), Format::Xml);
    }
}
