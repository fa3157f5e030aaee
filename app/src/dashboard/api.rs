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

/// The public figures (no personal data), and the problems of the typed period (the figures are then
/// those of the default period).
#[server(endpoint = "public_figures")]
pub async fn get_public_figures(
    filters: DashboardFilters,
    lang: String,
) -> Result<(PublicFigures, Vec<FieldError>), ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    let lang = Lang::from_code(&lang).unwrap_or_default();
    // The page cuts by period (and shows every town); kind and category are the API's.
    let filters = DashboardFilters { kind: String::new(), category: String::new(), ..filters };
    crate::dashboard::ops::public_figures_or_default(&st, &filters, lang).await.map_err(|e| e.into_server_fn_error())
}
