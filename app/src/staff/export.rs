//! The inbox as CSV (server only), within the same access rule as the inbox.

use crate::error::AppResult;
use crate::staff::ops::inbox_query;
use crate::staff::*;
use crate::state::AppState;
use domain::{Kind, Lang, StaffUser};

/// The CSV of the current inbox view (every page, at most [`CSV_MAX_ROWS`] rows). No contact details.
pub async fn inbox_csv(st: &AppState, u: &StaffUser, f: &InboxFilters, lang: Lang) -> AppResult<Option<String>> {
    let Ok(mut q) = inbox_query(u, f, CSV_MAX_ROWS) else { return Ok(None) };
    q.page = 1;
    let now = store::now();
    let (rows, _) = st.db.inbox(&q, &st.db.tab_clock(now).await?).await?;
    let towns = st.db.towns().await?;
    let t = |k: &str| crate::ui::i18n::t(lang, k);
    let mut out = String::from("\u{feff}");
    let header = [
        "number",
        "kind",
        "status",
        "category",
        "title",
        "town",
        "community",
        "amount_yuan",
        "urgent",
        "submitted_at",
        "due_at",
        "assignee",
    ];
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for r in rows {
        let category =
            if r.kind == Kind::Wish { t(&format!("ben.{}", r.category)) } else { t(&format!("cat.{}", r.category)) };
        let fields = [
            r.number.clone(),
            t(if r.kind == Kind::Wish { "kind.wish" } else { "kind.project" }),
            t(&format!("status.{}", r.status.code())),
            category,
            if r.title.is_empty() { r.excerpt.clone() } else { r.title.clone() },
            store::names::town_name(&towns, r.town_slug.as_deref(), lang).unwrap_or_default(),
            r.community_name.clone().unwrap_or_default(),
            r.amount_yuan.to_string(),
            if r.urgent { "1".into() } else { "0".into() },
            crate::ui::i18n::local_time(r.submitted_at),
            r.due_at.map(crate::ui::i18n::local_time).unwrap_or_default(),
            r.assignee_name.clone().unwrap_or_default(),
        ];
        out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    Ok(Some(out))
}

/// Quotes a CSV field, and defuses spreadsheet formulas (`=`, `+`, `-`, `@` at the start).
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}
