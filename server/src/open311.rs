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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// The specification's GET parameters, as sent.
type Params = Vec<(String, String)>;

/// `GET /open311/v2/{discovery|services|requests}.{format}`.
pub async fn get_root(
    State(st): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
    Query(p): Query<Params>,
) -> Response {
    let lang = lang(&headers);
    let (name, format) = split_format(&file);
    let Some(format) = format else { return not_found(Format::Xml, lang) };
    match name {
        "discovery" => answer(format, "discovery", StatusCode::OK, &ops::discovery(&st, lang), true),
        "services" => answer(format, "services", StatusCode::OK, &ops::services(lang), true),
        "requests" => match ops::requests(&st, &p, lang, store::now()).await {
            Ok(list) => answer(format, "service_requests", StatusCode::OK, &list, true),
            Err(r) => refusal(format, &r),
        },
        _ => not_found(format, lang),
    }
}

/// `GET /open311/v2/services/{code}.{format}`.
pub async fn get_service(State(st): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let lang = lang(&headers);
    let (code, format) = split_format(&file);
    let Some(format) = format else { return not_found(Format::Xml, lang) };
    match ops::definition(&st, code, lang).await {
        Ok(d) => answer(format, "service_definition", StatusCode::OK, &d, true),
        Err(r) => refusal(format, &r),
    }
}

/// `GET /open311/v2/requests/{id}.{format}`.
pub async fn get_request(State(st): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let lang = lang(&headers);
    let (id, format) = split_format(&file);
    let Some(format) = format else { return not_found(Format::Xml, lang) };
    match ops::request(&st, id, lang).await {
        Ok(list) => answer(format, "service_requests", StatusCode::OK, &list, true),
        Err(r) => refusal(format, &r),
    }
}

/// `GET /open311/v2/tokens/{token}.{format}`.
pub async fn get_token(State(st): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    let lang = lang(&headers);
    let (token, format) = split_format(&file);
    let Some(format) = format else { return not_found(Format::Xml, lang) };
    match ops::token(&st, token, lang).await {
        Ok(list) => answer(format, "service_requests", StatusCode::OK, &list, false),
        Err(r) => refusal(format, &r),
    }
}

/// `POST /open311/v2/requests.{format}` with an `api_key` (form-encoded, as the specification sends it).
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
