//! The server functions of this area's pages.

use super::*;
use crate::staff::Guarded;
#[cfg(feature = "ssr")]
use domain::Lang;
use leptos::prelude::*;

/// The admin page's data for a calendar year and a town.
#[server(endpoint = "admin_view")]
pub async fn get_admin_view(year: String, town: String, lang: String) -> Result<Guarded<AdminView>, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    let lang = Lang::from_code(&lang).unwrap_or_default();
    Guarded::of(ops::admin_view(&st, &year, &town, lang).await)
}
