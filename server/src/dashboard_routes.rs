//! The dashboard's downloads (league table as CSV and XLSX) and the public figures API
//! `GET /api/v1/kpi`. The pages themselves are Leptos routes (`app::dashboard`).

use app::dashboard::ops::{self as dashboard_ops, Cell};
use app::dashboard::DashboardFilters;
use app::state::AppState;
use app::ui::lang::lang_from_headers;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

/// The league table for the signed-in staff member, or why not.
async fn league(
    st: &AppState,
    session: &Session,
    headers: &HeaderMap,
    f: &DashboardFilters,
) -> Result<(String, Vec<String>, Vec<Vec<Cell>>), Response> {
    let user = match app::staff::session::staff_of_session(st, session).await {
        Ok(Some(u)) => u,
        Ok(None) => return Err(crate::respond::refuse(domain::ErrorKind::SignIn)),
        Err(e) => return Err(e.into_response()),
    };
    match dashboard_ops::league_export(st, &user, f, lang_from_headers(headers)).await {
        Ok(Some(t)) => Ok(t),
        Ok(None) => Err(crate::respond::refuse(domain::ErrorKind::Forbidden)),
        Err(e) => Err(e.into_response()),
    }
}

fn attachment(content_type: &'static str, name: &str, body: impl IntoResponse) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// `GET /dashboard/league.csv`.
pub async fn league_csv(
    State(st): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Query(f): Query<DashboardFilters>,
) -> Response {
    match league(&st, &session, &headers, &f).await {
        Ok((name, header, rows)) => {
            attachment("text/csv; charset=utf-8", &format!("{name}.csv"), dashboard_ops::league_csv(&header, &rows))
        }
        Err(r) => r,
    }
}

/// `GET /dashboard/league.xlsx`: one sheet, numbers as numbers and rates as percentages.
pub async fn league_xlsx(
    State(st): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Query(f): Query<DashboardFilters>,
) -> Response {
    let (name, header, rows) = match league(&st, &session, &headers, &f).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    match xlsx(&header, &rows) {
        Ok(bytes) => attachment(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &format!("{name}.xlsx"),
            bytes,
        ),
        Err(e) => {
            tracing::error!(error = %e, "could not write the XLSX league table");
            crate::respond::refuse(domain::ErrorKind::Internal)
        }
    }
}

/// Writes the table as an XLSX workbook.
pub fn xlsx(header: &[String], rows: &[Vec<Cell>]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("league")?;
    let bold = Format::new().set_bold();
    let pct = Format::new().set_num_format("0.0%");
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => {
                    sheet.write_string(r, c, s)?;
                }
                Cell::Int(n) => {
                    sheet.write_number(r, c, *n as f64)?;
                }
                Cell::Rate(Some(v)) => {
                    sheet.write_number_with_format(r, c, *v, &pct)?;
                }
                Cell::Rate(None) => {}
            }
        }
    }
    sheet.set_column_width(0, 16)?;
    sheet.set_freeze_panes(1, 1)?;
    book.save_to_buffer()
}

/// The answer to bad parameters of `/api/v1/kpi`: `{"error": "invalid_parameters", "fields": [...]}`.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ParameterErrors {
    #[schema(example = "invalid_parameters")]
    pub error: String,
    pub fields: Vec<ParameterError>,
}

/// One refused parameter and why (`town_unknown`, `date_invalid`, `parameter_unknown`, …).
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ParameterError {
    pub field: String,
    pub code: String,
}

/// The programme's measures.
///
/// Feedback rate, satisfaction, awareness and the work-order measures, overall and for every town, cut
/// the way the dashboard cuts them (`docs/measures.md`). No personal data; cacheable for five minutes.
/// Bad values and unknown parameters get HTTP 400 with a stable error code per field.
#[utoipa::path(get, path = "/api/v1/kpi", tag = "Open data",
    params(
        ("from" = Option<String>, Query, description = "First day (YYYY-MM-DD, Dongguan); default 1 January of this year", example = "2026-01-01"),
        ("to" = Option<String>, Query, description = "Last day; default today"),
        ("town" = Option<String>, Query, description = "A town's slug: the figures of that town only"),
        ("kind" = Option<String>, Query, description = "`wish` or `project`"),
        ("category" = Option<String>, Query, description = "A beneficiary group (wishes) or a category (projects)"),
    ),
    responses(
        (status = 200, description = "The measures overall and for every town (rates as fractions, null with nothing to count)", body = app::dashboard::PublicFigures),
        (status = 400, description = "Bad values or unknown parameters, each named", body = ParameterErrors),
    ))]
pub async fn api_kpi(State(st): State<AppState>, Query(pairs): Query<Vec<(String, String)>>) -> Response {
    let mut f = DashboardFilters::default();
    let mut unknown = Vec::new();
    for (key, value) in pairs {
        match key.as_str() {
            "from" => f.from = value,
            "to" => f.to = value,
            "town" => f.town = value,
            "kind" => f.kind = value,
            "category" => f.category = value,
            _ => unknown.push(domain::FieldError::new(&key.chars().take(40).collect::<String>(), "parameter_unknown")),
        }
    }
    let answer = if unknown.is_empty() {
        dashboard_ops::public_figures(&st, &f, domain::Lang::ZhHans).await
    } else {
        Err(app::error::AppError::Invalid(unknown))
    };
    match answer {
        Ok(figures) => {
            let mut r = axum::Json(figures).into_response();
            let h = r.headers_mut();
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=300"));
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
            r
        }
        Err(app::error::AppError::Invalid(errors)) => {
            let body = ParameterErrors {
                error: "invalid_parameters".into(),
                fields: errors
                    .iter()
                    .map(|e| ParameterError { field: e.field.clone(), code: e.code.clone() })
                    .collect(),
            };
            (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
        }
        Err(e) => e.into_response(),
    }
}
