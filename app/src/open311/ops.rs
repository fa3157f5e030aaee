//! Open311 on the server: services and their questions in the reader's language, the public list of
//! requests, and requests posted by other systems with a key — through the same validation, limits
//! and lifecycle as the resident forms (`crate::resident::ops::submit_wish_via`).

use super::*;
use crate::error::AppError;
use crate::state::AppState;
use crate::ui::i18n::{err, t, tf};
use domain::abuse::Limit;
use domain::open311::{self as rules, Attribute, Values};
use domain::validate::{ProjectInput, WishInput, COMMUNITY_NOT_LISTED, TOWN_UNKNOWN};
use domain::{Date, Kind, Lang};

type R<T> = Result<T, Refusal>;

/// A failure of ours: logged without the request's data, answered as the specification's general
/// service error.
fn internal(e: AppError) -> Refusal {
    match e {
        AppError::Internal(e) => {
            tracing::error!(error = %e, "open311 failed");
            Refusal::new(500, "general service error")
        }
        other => Refusal::new(other.kind().status(), other.kind().code()),
    }
}

/// A moment as the specification writes it (W3C datetime), in Dongguan time: `2026-12-06T09:30:00+08:00`.
pub fn w3c(ts: i64) -> String {
    let secs = (ts + domain::calendar::CHINA_OFFSET_SECS).rem_euclid(86_400);
    format!("{}T{:02}:{:02}:{:02}+08:00", Date::from_timestamp(ts), secs / 3600, (secs % 3600) / 60, secs % 60)
}

/// Reads a W3C datetime with its zone (`2010-01-01T00:00:00Z`, `…+08:00`), or a date alone (its
/// start in Dongguan time).
pub fn parse_w3c(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Ok(t) = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339) {
        return Some(t.unix_timestamp());
    }
    (s.len() == 10).then(|| Date::parse(s)).flatten().map(Date::start_ts)
}

/// The readable name of a service: the category, as the forms list it.
fn category_name(kind: Kind, category: &str, lang: Lang) -> String {
    match kind {
        Kind::Wish => t(lang, &format!("ben.{category}")),
        Kind::Project => t(lang, &format!("cat.{category}")),
    }
}

fn service_name(kind: Kind, category: &str, lang: Lang) -> String {
    format!("{} · {}", t(lang, &format!("kind.{}", kind.code())), category_name(kind, category, lang))
}

/// `discovery`: this endpoint, its formats and how to get a key.
pub fn discovery(st: &AppState, lang: Lang) -> Discovery {
    Discovery {
        changeset: CHANGESET.into(),
        contact: t(lang, "open311.contact"),
        key_service: t(lang, "open311.key_service"),
        endpoints: vec![Endpoint {
            specification: SPECIFICATION.into(),
            url: format!("{}/open311/v2", st.base_url.trim_end_matches('/')),
            changeset: CHANGESET.into(),
            kind: "production".into(),
            formats: vec!["text/xml".into(), "application/json".into()],
        }],
    }
}

/// `services`: every kind and category.
pub fn services(lang: Lang) -> Vec<Service> {
    rules::services()
        .into_iter()
        .map(|(kind, category)| Service {
            service_code: rules::service_code(kind, category),
            service_name: service_name(kind, category, lang),
            description: tf(
                lang,
                &format!("open311.desc.{}", kind.code()),
                &[("category", &category_name(kind, category, lang))],
            ),
            metadata: true,
            kind: "realtime".into(),
            keywords: format!("{}, {}", t(lang, &format!("kind.{}", kind.code())), category_name(kind, category, lang)),
            group: t(lang, &format!("kind.{}", kind.code())),
        })
        .collect()
}

/// `services/{code}`: the questions of the service's form.
pub async fn definition(st: &AppState, code: &str, lang: Lang) -> R<ServiceDefinition> {
    let Some((kind, _)) = rules::parse_service_code(code) else {
        return Err(Refusal::new(404, tf(lang, "open311.err.service_code", &[("code", code)])));
    };
    let towns = st.db.towns().await.map_err(|e| internal(e.into()))?;
    let limits = st.db.settings().await.map_err(|e| internal(e.into()))?.limits;
    let attributes = rules::attributes(kind)
        .iter()
        .enumerate()
        .map(|(i, a)| attribute_view(a, i as i64 + 1, &towns, &limits, lang))
        .collect();
    Ok(ServiceDefinition { service_code: code.trim().to_string(), attributes })
}

fn attribute_view(
    a: &Attribute,
    order: i64,
    towns: &[store::Town],
    limits: &domain::validate::Limits,
    lang: Lang,
) -> AttributeView {
    let key = |k: &str| format!("f.{k}");
    let hint = match a.code {
        "amount" => Some(tf(
            lang,
            "f.amount.hint",
            &[("cap", &limits.wish_cap_yuan.to_string()), ("urgent_cap", &limits.urgent_wish_cap_yuan.to_string())],
        )),
        "budget" => Some(tf(lang, "f.budget.hint", &[("cap", &limits.project_cap_yuan.to_string())])),
        code => {
            let k = format!("open311.attr.{code}");
            crate::ui::i18n::has_key(lang, &k).then(|| t(lang, &k))
        }
    };
    let value = |k: &str, name: String| ValueView { key: k.to_string(), name };
    let values = match a.values {
        Values::None => Vec::new(),
        Values::Towns => towns
            .iter()
            .map(|tw| value(&tw.slug, tw.name(lang).to_string()))
            .chain([value(TOWN_UNKNOWN, t(lang, "f.town.unknown"))])
            .collect(),
        Values::SubmittedBy => a.values.keys().into_iter().map(|k| value(k, t(lang, &format!("by.{k}")))).collect(),
        Values::Relation => a.values.keys().into_iter().map(|k| value(k, t(lang, &format!("rel.{k}")))).collect(),
        Values::Yes | Values::YesNo => {
            a.values.keys().into_iter().map(|k| value(k, t(lang, &format!("open311.{k}")))).collect()
        }
    };
    AttributeView {
        variable: true,
        code: a.code.to_string(),
        datatype: a.datatype.code().to_string(),
        required: a.required,
        datatype_description: hint,
        order,
        description: t(lang, &key(a.code)),
        values,
    }
}

/// The parameters of a call, as sent (a name may come more than once).
pub type Params = [(String, String)];

fn param<'a>(p: &'a Params, name: &str) -> Option<&'a str> {
    p.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
}

/// A comma-delimited parameter, each name possibly given more than once.
fn list(p: &Params, name: &str) -> Vec<String> {
    p.iter()
        .filter(|(k, _)| k == name)
        .flat_map(|(_, v)| v.split(','))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// `GET requests`: by `service_request_id` (which overrides the rest), else by `service_code`,
/// `status` and the dates of submission (the most recent 90 days when not given; never more); newest
/// first, at most 1,000.
pub async fn requests(st: &AppState, p: &Params, lang: Lang, now: i64) -> R<Vec<RequestView>> {
    let bad = |key: &str, args: &[(&str, &str)]| Refusal::new(400, tf(lang, key, args));
    let numbers: Vec<String> = list(p, "service_request_id").into_iter().map(|n| n.to_uppercase()).collect();
    if numbers.len() > rules::MAX_IDS {
        return Err(bad("open311.err.too_many_ids", &[("max", &rules::MAX_IDS.to_string())]));
    }
    let mut q = store::RequestQuery { numbers, limit: rules::MAX_RESULTS, ..Default::default() };
    if q.numbers.is_empty() {
        for code in list(p, "service_code") {
            match rules::parse_service_code(&code) {
                Some(s) => q.services.push(s),
                None => return Err(bad("open311.err.service_code", &[("code", &code)])),
            }
        }
        for s in list(p, "status") {
            match rules::statuses_of(&s) {
                Some(statuses) => q.statuses.extend(statuses),
                None => return Err(bad("open311.err.status", &[("status", &s)])),
            }
        }
        let date = |name: &str| -> R<Option<i64>> {
            match param(p, name) {
                None => Ok(None),
                Some(v) => parse_w3c(v).map(Some).ok_or_else(|| bad("open311.err.date", &[("name", name)])),
            }
        };
        let span = rules::MAX_SPAN_DAYS * 86_400;
        let (from, to) = match (date("start_date")?, date("end_date")?) {
            (Some(a), Some(b)) => (a, b),
            (Some(a), None) => (a, (a + span).min(now)),
            (None, Some(b)) => (b - span, b),
            (None, None) => (now - span, now),
        };
        if to < from {
            return Err(bad("open311.err.date_order", &[]));
        }
        if to - from > span {
            return Err(bad("open311.err.date_span", &[("days", &rules::MAX_SPAN_DAYS.to_string())]));
        }
        (q.from, q.to) = (from, to);
    }
    let rows = st.db.open311_requests(&q).await.map_err(|e| internal(e.into()))?;
    let towns = st.db.towns().await.map_err(|e| internal(e.into()))?;
    Ok(rows.into_iter().map(|r| request_view(r, &towns, lang)).collect())
}

/// `requests/{id}`.
pub async fn request(st: &AppState, id: &str, lang: Lang) -> R<Vec<RequestView>> {
    let q = store::RequestQuery { numbers: vec![id.trim().to_uppercase()], limit: 1, ..Default::default() };
    let rows = st.db.open311_requests(&q).await.map_err(|e| internal(e.into()))?;
    if rows.is_empty() {
        return Err(Refusal::new(404, tf(lang, "open311.err.request", &[("id", id)])));
    }
    let towns = st.db.towns().await.map_err(|e| internal(e.into()))?;
    Ok(rows.into_iter().map(|r| request_view(r, &towns, lang)).collect())
}

fn request_view(r: store::PublicRequest, towns: &[store::Town], lang: Lang) -> RequestView {
    let town =
        r.town_slug.as_deref().and_then(|s| towns.iter().find(|t| t.slug == s)).map(|t| t.name(lang).to_string());
    let city = t(lang, "open311.city");
    let agency = town.clone().unwrap_or_else(|| t(lang, "open311.city_queue"));
    let mut address: Vec<String> = Vec::new();
    if let Some((_, name)) = &r.community {
        address.push(store::names::place(lang, name));
    }
    address.extend(town);
    address.push(city);
    let sep = if lang == Lang::En { ", " } else { "，" };
    RequestView {
        service_request_id: r.number,
        status: rules::status_of(r.status).to_string(),
        status_notes: Some(t(lang, &format!("status.{}", r.status.code()))),
        service_name: service_name(r.kind, &r.category, lang),
        service_code: rules::service_code(r.kind, &r.category),
        description: r.text,
        agency_responsible: Some(agency),
        service_notice: None,
        requested_datetime: w3c(r.submitted_at),
        updated_datetime: w3c(r.updated_at),
        expected_datetime: Some(w3c(r.feedback_due_at)),
        address: Some(address.join(sep)),
        address_id: r.community.map(|(id, _)| id.to_string()),
        zipcode: None,
        lat: None,
        long: None,
        media_url: None,
    }
}

/// `tokens/{token}`: the request a receipt was given for.
pub async fn token(st: &AppState, token: &str, lang: Lang) -> R<Vec<TokenView>> {
    match st.db.open311_receipt(token.trim()).await.map_err(|e| internal(e.into()))? {
        Some(number) => Ok(vec![TokenView { service_request_id: number, token: token.trim().to_string() }]),
        None => Err(Refusal::new(404, t(lang, "open311.err.token"))),
    }
}

/// `POST requests`: a request from another system, with its key. Every post counts against the
/// sender's address (bad keys included), then against the key; the item is created as the forms
/// create it, with a receipt.
pub async fn submit(st: &AppState, p: &Params, lang: Lang, client: &str) -> R<Vec<CreatedView>> {
    let settings = st.db.settings().await.map_err(|e| internal(e.into()))?;
    let too_many = |wait: i64| Refusal { retry_after: Some(wait), ..Refusal::new(429, err(lang, "too_many_tries")) };
    if !client.is_empty() {
        let over = crate::limits::over_limit(st, &settings.abuse, &[(Limit::Open311PerClientHour, client)]).await;
        if let Some(wait) = over.map_err(internal)? {
            return Err(too_many(wait));
        }
    }
    let key = match param(p, "api_key") {
        Some(k) => st.db.open311_key(k).await.map_err(|e| internal(e.into()))?,
        None => None,
    };
    let Some(key) = key else { return Err(Refusal::new(403, t(lang, "open311.err.api_key"))) };
    let subject = key.id.to_string();
    let over = crate::limits::over_limit(st, &settings.abuse, &[(Limit::Open311PerKeyDay, &subject)]).await;
    if let Some(wait) = over.map_err(internal)? {
        return Err(too_many(wait));
    }
    let Some(code) = param(p, "service_code") else {
        return Err(Refusal::new(400, t(lang, "open311.err.service_code_missing")));
    };
    let Some((kind, category)) = rules::parse_service_code(code) else {
        return Err(Refusal::new(404, tf(lang, "open311.err.service_code", &[("code", code)])));
    };
    let (town, community, place) = location(st, p, lang).await?;
    let attr = |name: &str| param(p, &format!("attribute[{name}]")).unwrap_or_default().to_string();
    let yes = |name: &str| (attr(name) == "yes").then(|| "on".to_string());
    let description = param(p, "description").unwrap_or_default().to_string();
    if description.chars().count() > rules::DESCRIPTION_MAX {
        return Err(Refusal::new(400, format!("description: {}", err(lang, "too_long"))));
    }
    let contact_name = rules::full_name(param(p, "first_name").unwrap_or(""), param(p, "last_name").unwrap_or(""));
    let (phone, email) = (param(p, "phone").unwrap_or("").to_string(), param(p, "email").unwrap_or("").to_string());
    let town = if town.is_empty() { attr("town") } else { town };
    let town = if town.is_empty() { TOWN_UNKNOWN.to_string() } else { town };
    let outcome = match kind {
        Kind::Wish => {
            let input = WishInput {
                beneficiary: category,
                submitted_by: attr("submitted_by"),
                helper_org: attr("helper_org"),
                need: description,
                amount: attr("amount"),
                urgent: yes("urgent"),
                town,
                community,
                place,
                ben_name: attr("ben_name"),
                ben_phone: attr("ben_phone"),
                ben_address: attr("ben_address"),
                ben_relation: attr("ben_relation"),
                ben_consent: yes("ben_consent"),
                contact_name,
                phone,
                email,
                consent: yes("consent"),
                submission_key: String::new(),
            };
            crate::resident::ops::submit_wish_via(st, &input, lang, "", Some(key.id)).await
        }
        Kind::Project => {
            let input = ProjectInput {
                title: attr("title"),
                description,
                category,
                town,
                community,
                place,
                location: attr("location"),
                budget: attr("budget"),
                contact_name,
                phone,
                email,
                consent: yes("consent"),
                submission_key: String::new(),
            };
            crate::resident::ops::submit_project_via(st, &input, lang, "", Some(key.id)).await
        }
    };
    match outcome {
        Ok(s) => Ok(vec![CreatedView {
            service_request_id: s.number,
            token: s.receipt.unwrap_or_default(),
            service_notice: Some(tf(
                lang,
                "open311.notice",
                &[("due", &crate::ui::i18n::local_time(s.feedback_due_at))],
            )),
            account_id: None,
        }]),
        Err(AppError::Invalid(errors)) => Err(Refusal {
            status: 400,
            errors: errors
                .iter()
                .map(|e| Open311Error {
                    code: 400,
                    description: format!("{}: {}", rules::parameter_of(&e.field), err(lang, &e.code)),
                })
                .collect(),
            retry_after: None,
        }),
        Err(AppError::RateLimited { retry_after, .. }) => Err(too_many(retry_after)),
        Err(e) => Err(internal(e)),
    }
}

/// The place of a posted request as the forms take it — (town, village, place in words): a village
/// or community by `address_id` (its town follows), else the place in words (`address_string`) with
/// the town if the sender knows it. Coordinates alone cannot be placed: the portal has no map of
/// village boundaries.
async fn location(st: &AppState, p: &Params, lang: Lang) -> R<(String, String, String)> {
    let words = param(p, "address_string").unwrap_or("").to_string();
    if let Some(id) = param(p, "address_id") {
        let community = match id.parse::<i64>() {
            Ok(n) if n > 0 => st.db.community(n).await.map_err(|e| internal(e.into()))?,
            _ => None,
        };
        return match community {
            Some(c) if c.active => Ok((c.town_slug, c.id.to_string(), String::new())),
            _ => Err(Refusal::new(400, format!("address_id: {}", err(lang, "community_unknown")))),
        };
    }
    if !words.is_empty() {
        return Ok((String::new(), COMMUNITY_NOT_LISTED.to_string(), words));
    }
    let key = if param(p, "lat").is_some() || param(p, "long").is_some() {
        "open311.err.coordinates"
    } else {
        "open311.err.location"
    };
    Err(Refusal::new(400, t(lang, key)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_written_in_dongguan_time_with_their_offset() {
        let ts = Date::parse("2026-12-06").unwrap().start_ts() + 9 * 3600 + 30 * 60 + 5;
        assert_eq!(w3c(ts), "2026-12-06T09:30:05+08:00");
        assert_eq!(parse_w3c("2026-12-06T09:30:05+08:00"), Some(ts));
        assert_eq!(parse_w3c("2026-12-06T01:30:05Z"), Some(ts));
        assert_eq!(parse_w3c("2026-12-06"), Some(ts - 9 * 3600 - 30 * 60 - 5), "a date is its Dongguan midnight");
        assert_eq!(parse_w3c("2026-12-06T09:30:05"), None, "a time needs its zone");
        assert_eq!(parse_w3c("yesterday"), None);
    }

    #[test]
    fn lists_take_commas_and_repeats() {
        let p = vec![
            ("status".to_string(), "open, closed".to_string()),
            ("status".to_string(), "open".to_string()),
            ("x".to_string(), "".to_string()),
        ];
        assert_eq!(list(&p, "status"), vec!["open", "closed", "open"]);
        assert_eq!(param(&p, "x"), None, "an empty parameter is an absent one");
    }
}
