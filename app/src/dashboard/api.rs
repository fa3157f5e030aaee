//! The dashboard's server functions (signed-in leadership and staff; the public figures).

use super::*;
use crate::staff::Guarded;
use domain::FieldError;
#[cfg(feature = "ssr")]
use domain::Lang;
use leptos::prelude::*;

/// The dashboard for the signed-in staff member.
#[server(endpoint = "dashboard")]
pub async fn get_dashboard(filters: DashboardFilters, lang: String) -> Result<Guarded<DashboardView>, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    let lang = Lang::from_code(&lang).unwrap_or_default();
    Guarded::of(crate::dashboard::ops::dashboard_view(&st, &filters, lang).await)
}

/// The items behind one number of the dashboard.
#[server(endpoint = "dashboard_items")]
pub async fn get_dashboard_items(filters: DashboardFilters, lang: String) -> Result<Guarded<DrillView>, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    let lang = Lang::from_code(&lang).unwrap_or_default();
    Guarded::of(crate::dashboard::ops::drill_view(&st, &filters, lang).await)
}

/// The public figures (no personal data).
#[server(endpoint = "public_figures")]
pub async fn get_public_figures(
    filters: DashboardFilters,
    lang: String,
) -> Result<Result<PublicFigures, Vec<FieldError>>, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    let lang = Lang::from_code(&lang).unwrap_or_default();
    match crate::dashboard::ops::public_figures(&st, &filters.from, &filters.to, &filters.town, lang).await {
        Ok(figures) => Ok(Ok(figures)),
        Err(crate::error::AppError::Invalid(errors)) => Ok(Err(errors)),
        Err(e) => Err(e.into_server_fn_error()),
    }
}
