//! The staff sign-in page, the bar on every staff page and the inbox.

use super::api::*;
use super::bar::*;
use super::*;
use crate::ui::i18n::{err, local_time, t, tf, thousands};
use crate::ui::{field_error, now_ts, server_trouble, set_status, use_lang};
use domain::staff::DueBadge;
use domain::{Beneficiary, Category, Kind, Lang, Status};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/staff/sign-in`.
#[component]
pub fn StaffSignInPage() -> impl IntoView {
    let lang = use_lang();
    let posted = use_context::<PostedSignIn>();
    let next = use_query_map()
        .read_untracked()
        .get("next")
        .filter(|n| n.starts_with("/staff") || n.starts_with("/dashboard"))
        .unwrap_or_else(|| "/staff".into());
    let signed_out = use_query_map().read_untracked().get("out").is_some();
    let (email, errors, too_many) = match &posted {
        Some(p) => (p.email.clone(), p.errors.clone(), p.too_many),
        None => (String::new(), Vec::new(), false),
    };
    if posted.is_some() {
        set_status(if too_many { 429 } else { 422 });
    }
    let email_err = field_error(&errors, lang, "email");
    let pw_err = field_error(&errors, lang, "password");
    view! {
        <Title text=format!("{} · {}", t(lang, "staff.sign_in"), t(lang, "app.name")) />
        <h1>{t(lang, "staff.sign_in")}</h1>
        <p class="intro">{t(lang, "staff.sign_in.intro")}</p>
        {signed_out.then(|| view! { <p class="notice good" role="status">{t(lang, "staff.signed_out")}</p> })}
        {too_many.then(|| view! { <p class="notice bad" role="alert">{err(lang, "sign_in_too_many")}</p> })}
        <form method="post" action="/staff/sign-in" class="card lookup" novalidate>
            <input type="hidden" name="next" value=next />
            <div class="field">
                <label for="email">{t(lang, "staff.email")}</label>
                <input type="email" id="email" name="email" autocomplete="username" value=email
                    aria-invalid=email_err.is_some().then_some("true") aria-describedby="email-error" />
                <p class="error" id="email-error">{email_err}</p>
            </div>
            <div class="field">
                <label for="password">{t(lang, "staff.password")}</label>
                <input type="password" id="password" name="password" autocomplete="current-password"
                    aria-invalid=pw_err.is_some().then_some("true") aria-describedby="password-error" />
                <p class="error" id="password-error">{pw_err}</p>
            </div>
            <button type="submit" class="primary">{t(lang, "staff.sign_in")}</button>
        </form>
    }
}

fn filters_from_query() -> InboxFilters {
    let q = use_query_map().read_untracked();
    let g = |k: &str| q.get(k).unwrap_or_default();
    InboxFilters {
        tab: g("tab"),
        kind: g("kind"),
        status: g("status"),
        category: g("category"),
        community: g("community"),
        town: q.get("town"),
        q: g("q"),
        page: g("page"),
    }
}

pub(super) fn category_label(lang: Lang, kind: Kind, code: &str) -> String {
    if kind == Kind::Wish {
        t(lang, &format!("ben.{code}"))
    } else {
        t(lang, &format!("cat.{code}"))
    }
}

pub(super) fn badge_view(lang: Lang, badge: Option<DueBadge>) -> Option<AnyView> {
    match badge {
        Some(DueBadge::Overdue) => {
            Some(view! { <span class="badge overdue">{t(lang, "staff.badge.overdue")}</span> }.into_any())
        }
        Some(DueBadge::DueSoon) => {
            Some(view! { <span class="badge soon">{t(lang, "staff.badge.due_soon")}</span> }.into_any())
        }
        _ => None,
    }
}

/// `/staff`: the inbox.
#[component]
pub fn StaffInboxPage() -> impl IntoView {
    let lang = use_lang();
    let filters = filters_from_query();
    let f2 = filters.clone();
    let data = Resource::new(move || f2.clone(), move |f| get_staff_inbox(f, lang.code().to_string()));
    view! {
        <Title text=format!("{} · {}", t(lang, "staff.inbox"), t(lang, "app.name")) />
        <Suspense fallback=|| ()>
            {move || {
                let filters = filters.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(Guarded::Ok(v)) => view! { <InboxBody lang v filters /> }.into_any(),
                        Ok(g @ Guarded::SignIn) => { guarded_status(&g); view! { <Refusal lang why="sign_in_needed" /> }.into_any() }
                        Ok(g) => { guarded_status(&g); view! { <Refusal lang why="forbidden" /> }.into_any() }
                        Err(_) => server_trouble(lang),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn InboxBody(lang: Lang, v: InboxView, filters: InboxFilters) -> impl IntoView {
    let tab_code = v.tab.code();
    let csv = format!("/staff/export.csv{}", filters.href(tab_code, 1));
    let sel = |a: &str, b: &str| a == b;
    let kind_opts = Kind::ALL
        .iter()
        .map(|k| {
            let code = k.code();
            view! { <option value=code selected=sel(&filters.kind, code)>{t(lang, &format!("kind.{code}"))}</option> }
        })
        .collect_view();
    let status_opts = Status::ALL.iter().map(|s| {
        let code = s.code();
        view! { <option value=code selected=sel(&filters.status, code)>{t(lang, &format!("status.{code}"))}</option> }
    }).collect_view();
    let ben_opts = Beneficiary::ALL.iter().map(|b| {
        let code = b.code();
        view! { <option value=code selected=sel(&filters.category, code)>{t(lang, &format!("ben.{code}"))}</option> }
    }).collect_view();
    let cat_opts = Category::ALL.iter().map(|c| {
        let code = c.code();
        view! { <option value=code selected=sel(&filters.category, code)>{t(lang, &format!("cat.{code}"))}</option> }
    }).collect_view();
    let town_filter = v.all_towns.then(|| {
        let current = filters.town.clone();
        view! {
            <div class="field">
                <label for="f-town">{t(lang, "track.town")}</label>
                <select id="f-town" name="town">
                    <option value="*" selected=current.is_none()>{t(lang, "staff.all_towns")}</option>
                    <option value="" selected=current.as_deref() == Some("")>{t(lang, "staff.city_queue")}</option>
                    {v.towns.iter().map(|tw| view! { <option value=tw.slug.clone() selected=current.as_deref() == Some(tw.slug.as_str())>{tw.name.clone()}</option> }).collect_view()}
                </select>
            </div>
        }
    });
    let community_filter = (!v.communities.is_empty()).then(|| view! {
        <div class="field">
            <label for="f-community">{t(lang, "track.community")}</label>
            <select id="f-community" name="community">
                <option value="">{t(lang, "staff.any")}</option>
                {v.communities.iter().map(|c| view! { <option value=c.id.to_string() selected=filters.community == c.id.to_string()>{c.name.clone()}</option> }).collect_view()}
            </select>
        </div>
    });
    let now = now_ts();
    let pager = (v.pages > 1).then(|| {
        let prev = (v.page > 1).then(|| filters.href(tab_code, v.page - 1));
        let next = (v.page < v.pages).then(|| filters.href(tab_code, v.page + 1));
        view! {
            <nav class="pager" aria-label=t(lang, "staff.pages")>
                {prev.map(|h| view! { <a href=h rel="prev">{t(lang, "staff.prev")}</a> })}
                <span>{tf(lang, "staff.page_of", &[("page", &v.page.to_string()), ("pages", &v.pages.to_string())])}</span>
                {next.map(|h| view! { <a href=h rel="next">{t(lang, "staff.next")}</a> })}
            </nav>
        }
    });
    view! {
        <StaffBar lang me=v.me.clone() />
        <h1>{t(lang, "staff.inbox")}</h1>
        <nav class="tabs" aria-label=t(lang, "staff.tabs")>
            {v.counts.iter().map(|(tab, n)| {
                let current = *tab == v.tab;
                view! {
                    <a href=filters.href(tab.code(), 1) aria-current=current.then_some("page") class:current=current data-tab=tab.code()>
                        {t(lang, &format!("tab.{}", tab.code()))}" "<span class="count">{n.to_string()}</span>
                    </a>
                }
            }).collect_view()}
        </nav>
        <form method="get" action="/staff" class="filters card">
            <input type="hidden" name="tab" value=tab_code />
            <div class="field">
                <label for="f-q">{t(lang, "staff.search")}</label>
                <input type="search" id="f-q" name="q" value=filters.q.clone() />
            </div>
            <div class="field">
                <label for="f-kind">{t(lang, "staff.kind")}</label>
                <select id="f-kind" name="kind"><option value="">{t(lang, "staff.any")}</option>{kind_opts}</select>
            </div>
            <div class="field">
                <label for="f-status">{t(lang, "track.status")}</label>
                <select id="f-status" name="status"><option value="">{t(lang, "staff.any")}</option>{status_opts}</select>
            </div>
            <div class="field">
                <label for="f-category">{t(lang, "staff.category")}</label>
                <select id="f-category" name="category">
                    <option value="">{t(lang, "staff.any")}</option>
                    <optgroup label=t(lang, "kind.wish")>{ben_opts}</optgroup>
                    <optgroup label=t(lang, "kind.project")>{cat_opts}</optgroup>
                </select>
            </div>
            {town_filter}
            {community_filter}
            <div class="two-buttons">
                <button type="submit" class="primary">{t(lang, "staff.filter")}</button>
                <a class="btn secondary" href=csv download>{t(lang, "staff.export")}</a>
            </div>
        </form>
        <p class="result-count" role="status">{tf(lang, "staff.count", &[("n", &thousands(v.total))])}</p>
        {if v.lines.is_empty() {
            view! { <p class="card">{t(lang, "staff.empty")}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="inbox">
                        <caption class="sr-only">{t(lang, &format!("tab.{tab_code}"))}</caption>
                        <thead><tr>
                            <th scope="col">{t(lang, "staff.col.number")}</th>
                            <th scope="col">{t(lang, "staff.col.item")}</th>
                            <th scope="col">{t(lang, "staff.col.place")}</th>
                            <th scope="col">{t(lang, "track.status")}</th>
                            <th scope="col">{t(lang, "staff.col.due")}</th>
                            <th scope="col">{t(lang, "staff.col.assignee")}</th>
                        </tr></thead>
                        <tbody>
                            {v.lines.iter().map(|l| view! {
                                <tr>
                                    <td class="nowrap"><a href=format!("/staff/items/{}", l.number)>{l.number.clone()}</a></td>
                                    <td>
                                        <span class="muted-text">{category_label(lang, l.kind, &l.category)}</span>
                                        {l.urgent.then(|| view! { " "<strong class="badge urgent">{t(lang, "track.urgent")}</strong> })}
                                        <br />{l.title.clone()}
                                        <br /><span class="muted-text">{tf(lang, "yuan", &[("n", &thousands(l.amount_yuan))])}" · "{local_time(l.submitted_at)}</span>
                                    </td>
                                    <td><span class="nowrap">{l.town_name.clone().unwrap_or_else(|| t(lang, "staff.city_queue"))}</span><br /><span class="muted-text">{l.community_name.clone().unwrap_or_default()}</span></td>
                                    <td>{t(lang, &format!("status.{}", l.status.code()))}</td>
                                    <td>{l.due_at.map(local_time).unwrap_or_default()}" "{badge_view(lang, l.badge)}</td>
                                    <td>{l.assignee_name.clone().unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        {pager}
        <p class="muted-text">{tf(lang, "staff.now", &[("at", &local_time(now))])}</p>
    }
}
