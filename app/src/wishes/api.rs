//! The server functions of this area's pages.

use super::*;
#[cfg(feature = "ssr")]
use domain::Lang;
use leptos::prelude::*;

#[server(endpoint = "get_wish_wall")]
pub async fn get_wish_wall(town: String, category: String, page: i64, lang: String) -> Result<WallView, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    let lang = Lang::from_code(&lang).unwrap_or_default();
    ops::wall(&st, &town, &category, page, lang).await.map_err(|e| e.into_server_fn_error())
}

#[server(endpoint = "get_wall_card")]
pub async fn get_wall_card(number: String, lang: String) -> Result<Option<(WallCard, i64)>, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    let lang = Lang::from_code(&lang).unwrap_or_default();
    ops::card(&st, &number, lang).await.map_err(|e| e.into_server_fn_error())
}

#[server(endpoint = "get_donor_view")]
pub async fn get_donor_view(token: String, lang: String) -> Result<Option<DonorView>, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    let lang = Lang::from_code(&lang).unwrap_or_default();
    ops::donor_view(&st, &token, lang).await.map_err(|e| e.into_server_fn_error())
}
