//! The staff pages' server functions.

use super::*;
#[cfg(feature = "ssr")]
use domain::Lang;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub(crate) fn st() -> crate::state::AppState {
    expect_context::<crate::state::AppState>()
}

/// The inbox for the signed-in staff member.
#[server(endpoint = "staff_inbox")]
pub async fn get_staff_inbox(filters: InboxFilters, lang: String) -> Result<Guarded<InboxView>, ServerFnError> {
    let lang = Lang::from_code(&lang).unwrap_or_default();
    Guarded::of(crate::staff::ops::inbox_view(&st(), &filters, lang).await)
}

/// One item for the signed-in staff member.
#[server(endpoint = "staff_item")]
pub async fn get_staff_item(number: String, lang: String) -> Result<Guarded<StaffItemView>, ServerFnError> {
    let lang = Lang::from_code(&lang).unwrap_or_default();
    Guarded::of(crate::staff::ops::item_view(&st(), &number, lang).await)
}

/// The signed-in staff member's deadline texts (the 短信提醒 section of `/staff/password`).
#[server(endpoint = "staff_texts")]
pub async fn get_staff_texts() -> Result<Guarded<StaffTextsView>, ServerFnError> {
    Guarded::of(crate::staff::texts_ops::texts_view(&st()).await)
}
