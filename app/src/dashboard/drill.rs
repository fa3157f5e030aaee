//! The drill-down list behind every figure of the dashboard.

use super::api::*;
use super::parts::*;
use super::*;
use crate::staff::bar::StaffBar;
use crate::staff::Guarded;
use crate::ui::i18n::{local_time, t, tf, thousands};
use crate::ui::{server_trouble, use_lang};
use domain::{Kind, Lang};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/dashboard/items`: the items behind a number.
#[component]
pub fn DrillPage() -> impl IntoView {
    let lang = use_lang();
    let filters = filters_from_query();
    let data = Resource::new(move || filters.clone(), move |f| get_dashboard_items(f, lang.code().to_string()));
    view! {
        <Title text=format!("{} · {}", t(lang, "dash.drill.title"), t(lang, "app.name")) />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Guarded::Ok(v)) => view! { <DrillBody lang v /> }.into_any(),
                    Ok(Guarded::NotFound) => {
                        crate::ui::set_status(404);
                        view! { <h1>{t(lang, "dash.drill.title")}</h1><p>{t(lang, "dash.drill.unknown")}</p> }.into_any()
                    }
                    Ok(g) => refusal(lang, &g),
                    Err(_) => server_trouble(lang),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DrillBody(lang: Lang, v: DrillView) -> impl IntoView {
    let f = v.filters.clone();
    let back = f.href("/dashboard", &[]);
    let page = v.page;
    let prev = (page > 1).then(|| f.href("/dashboard/items", &[("set", &v.set), ("page", &(page - 1).to_string())]));
    let next = v.more.then(|| f.href("/dashboard/items", &[("set", &v.set), ("page", &(page + 1).to_string())]));
    let title = t(lang, &format!("dash.set.{}", v.set));
    let empty = v.lines.is_empty();
    let rows = v
        .lines
        .into_iter()
        .map(|l| {
            let cat = if l.kind == Kind::Wish {
                t(lang, &format!("ben.{}", l.category))
            } else {
                t(lang, &format!("cat.{}", l.category))
            };
            view! {
                <tr>
                    <th scope="row"><a href=format!("/staff/items/{}", l.number)>{l.number.clone()}</a></th>
                    <td>{t(lang, &format!("kind.{}", l.kind.code()))}</td>
                    <td>{cat}</td>
                    <td>{l.town_name}</td>
                    <td>{t(lang, &format!("status.{}", l.status.code()))}</td>
                    <td>{local_time(l.submitted_at)}</td>
                    <td>{local_time(l.feedback_due_at)}</td>
                    <td>{l.feedback_at.map(local_time).unwrap_or_else(|| "—".into())}</td>
                    <td>{l.rating.map(|r| t(lang, &format!("rating.{}", r.code()))).unwrap_or_else(|| "—".into())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <StaffBar lang me=v.me.clone() />
        <p><a href=back>{t(lang, "dash.back")}</a></p>
        <h1>{title}</h1>
        <p class="intro">{v.scope_name.clone()}" · "{tf(lang, "dash.period", &[("from", &f.from), ("to", &f.to)])}</p>
        <p class="drill-total">{tf(lang, "dash.drill.total", &[("n", &thousands(v.total))])}</p>
        {empty.then(|| view! { <p class="notice">{t(lang, "dash.drill.empty")}</p> })}
        <div class="table-scroll" tabindex="0" role="region" aria-label=t(lang, "dash.drill.title")>
            <table class="inbox">
                <thead><tr>
                    <th scope="col">{t(lang, "staff.col.number")}</th>
                    <th scope="col">{t(lang, "staff.kind")}</th>
                    <th scope="col">{t(lang, "staff.category")}</th>
                    <th scope="col">{t(lang, "dash.town")}</th>
                    <th scope="col">{t(lang, "dash.col.status")}</th>
                    <th scope="col">{t(lang, "dash.col.submitted")}</th>
                    <th scope="col">{t(lang, "dash.col.feedback_due_at")}</th>
                    <th scope="col">{t(lang, "dash.col.feedback_at")}</th>
                    <th scope="col">{t(lang, "dash.col.rating")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager" aria-label=t(lang, "staff.pages")>
            {prev.map(|h| view! { <a href=h rel="prev">{t(lang, "staff.prev")}</a> })}
            <span>{tf(lang, "dash.page", &[("n", &page.to_string())])}</span>
            {next.map(|h| view! { <a href=h rel="next">{t(lang, "staff.next")}</a> })}
        </nav>
    }
}
