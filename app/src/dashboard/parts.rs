//! What the dashboard's pages share: the period form, the league table, the refusal, and number texts.

use super::*;
use crate::staff::Guarded;
use crate::ui::field_error;
use crate::ui::i18n::{t, thousands};
use domain::kpi::{Measures, Ratio, AWARENESS_TARGET, FEEDBACK_TARGET, SATISFACTION_TARGET};
use domain::{FieldError, Lang};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

pub(super) fn pct_text(r: Ratio) -> String {
    r.percent().map(|v| format!("{v:.1}%")).unwrap_or_else(|| "—".into())
}

pub(super) fn below(r: Ratio, target: Option<f64>) -> bool {
    target.and_then(|t| Measures::below_target(r.rate(), t)).unwrap_or(false)
}

pub(super) fn filters_from_query() -> DashboardFilters {
    let q = use_query_map().read_untracked();
    let g = |k: &str| q.get(k).unwrap_or_default();
    DashboardFilters {
        from: g("from"),
        to: g("to"),
        town: g("town"),
        kind: g("kind"),
        category: g("category"),
        sort: g("sort"),
        dir: g("dir"),
        set: g("set"),
        page: g("page"),
    }
}

pub(super) fn refusal<T>(lang: Lang, g: &Guarded<T>) -> AnyView {
    let why = match g {
        Guarded::SignIn => {
            crate::ui::set_status(401);
            "sign_in_needed"
        }
        _ => {
            crate::ui::set_status(403);
            "forbidden"
        }
    };
    view! {
        <h1>{t(lang, &format!("staff.{why}.title"))}</h1>
        <p>{t(lang, &format!("staff.{why}.body"))}</p>
        <p><a class="btn" href="/staff/sign-in?next=/dashboard">{t(lang, "staff.sign_in")}</a></p>
    }
    .into_any()
}

#[component]
pub(super) fn PeriodForm(
    lang: Lang,
    action: &'static str,
    typed: DashboardFilters,
    applied: DashboardFilters,
    errors: Vec<FieldError>,
    towns: Vec<Choice>,
    categories: Vec<Choice>,
    choose_town: bool,
    /// Kind and category too (the dashboard), or only the period (the public page).
    full: bool,
    presets: Vec<(String, String, String)>,
) -> impl IntoView {
    let from_err = field_error(&errors, lang, "from");
    let to_err = field_error(&errors, lang, "to");
    let from_value = if from_err.is_some() { typed.from.clone() } else { applied.from.clone() };
    let to_value = if to_err.is_some() { typed.to.clone() } else { applied.to.clone() };
    let town = applied.town.clone();
    let kind = applied.kind.clone();
    let category = applied.category.clone();
    let preset_links = presets
        .into_iter()
        .map(|(key, from, to)| {
            let href = applied.href(action, &[("from", &from), ("to", &to)]);
            let current = applied.from == from && applied.to == to;
            view! { <a href=href aria-current=current.then_some("true")>{t(lang, &format!("dash.preset.{key}"))}</a> }
        })
        .collect_view();
    view! {
        <nav class="presets" aria-label=t(lang, "dash.presets")>{preset_links}</nav>
        <form method="get" action=action class="card filters dash-filters" novalidate>
            <div class="field" class:invalid=from_err.is_some()>
                <label for="from">{t(lang, "dash.from")}</label>
                <input type="date" id="from" name="from" value=from_value
                    aria-invalid=from_err.is_some().then_some("true") aria-describedby="from-error" />
                <p class="error" id="from-error">{from_err.clone()}</p>
            </div>
            <div class="field" class:invalid=to_err.is_some()>
                <label for="to">{t(lang, "dash.to")}</label>
                <input type="date" id="to" name="to" value=to_value
                    aria-invalid=to_err.is_some().then_some("true") aria-describedby="to-error" />
                <p class="error" id="to-error">{to_err.clone()}</p>
            </div>
            {choose_town.then(|| {
                let town = town.clone();
                view! {
                    <div class="field">
                        <label for="town">{t(lang, "dash.town")}</label>
                        <select id="town" name="town">
                            <option value="">{t(lang, "dash.all_towns")}</option>
                            {towns.into_iter().map(|c| {
                                let sel = c.value == town;
                                view! { <option value=c.value selected=sel>{c.label}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                }
            })}
            {full.then(|| view! {
            <div class="field">
                <label for="kind">{t(lang, "staff.kind")}</label>
                <select id="kind" name="kind">
                    <option value="">{t(lang, "staff.any")}</option>
                    <option value="wish" selected=kind == "wish">{t(lang, "kind.wish")}</option>
                    <option value="project" selected=kind == "project">{t(lang, "kind.project")}</option>
                </select>
            </div>
            <div class="field">
                <label for="category">{t(lang, "staff.category")}</label>
                <select id="category" name="category">
                    <option value="">{t(lang, "staff.any")}</option>
                    {categories.into_iter().map(|c| {
                        let sel = c.value == category;
                        view! { <option value=c.value selected=sel>{c.label}</option> }
                    }).collect_view()}
                </select>
            </div>
            })}
            <button type="submit" class="primary">{t(lang, "dash.apply")}</button>
        </form>
    }
}

/// The league table of towns. With `links`, every number opens its items and headers sort.
#[component]
pub fn LeagueTable(
    lang: Lang,
    lines: Vec<MeasureLine>,
    f: DashboardFilters,
    links: bool,
    #[prop(optional)] path: Option<&'static str>,
) -> impl IntoView {
    let path = path.unwrap_or("/dashboard");
    let sort = f.sort.clone();
    let desc = f.dir == "desc";
    let headers = LEAGUE_COLUMNS
        .iter()
        .map(|(code, key, _)| {
            let active = sort == *code;
            let next_dir = if active && !desc { "desc" } else { "asc" };
            let href = f.href(path, &[("sort", code), ("dir", next_dir)]);
            let aria = active.then_some(if desc { "descending" } else { "ascending" });
            view! {
                <th scope="col" aria-sort=aria>
                    <a href=href>{t(lang, key)}{active.then_some(if desc { " ▼" } else { " ▲" })}</a>
                </th>
            }
        })
        .collect_view();
    let rows = lines
        .into_iter()
        .map(|l| {
            let m = l.m;
            let slug = l.key.clone();
            let cell = |text: String, set: Option<&str>, is_below: bool| {
                let content = match set.filter(|_| links) {
                    Some(s) => view! { <a href=f.drill(s, Some(&slug))>{text}</a> }.into_any(),
                    None => view! { <span>{text}</span> }.into_any(),
                };
                view! {
                    <td class:below=is_below>
                        {content}
                        {is_below.then(|| view! { <span class="sr-only">{format!(" ({})", t(lang, "dash.below"))}</span> })}
                    </td>
                }
            };
            view! {
                <tr>
                    <th scope="row">{l.label}</th>
                    {cell(thousands(m.items), Some("items"), false)}
                    {cell(pct_text(m.feedback), Some("fed"), below(m.feedback, Some(FEEDBACK_TARGET)))}
                    {cell(pct_text(m.feedback_on_time), Some("feedback_late"), false)}
                    {cell(pct_text(m.acceptance_on_time), Some("reply_late"), false)}
                    {cell(pct_text(m.satisfaction), Some("rated"), below(m.satisfaction, Some(SATISFACTION_TARGET)))}
                    {cell(pct_text(m.awareness), None, below(m.awareness, Some(AWARENESS_TARGET)))}
                    {cell(thousands(m.overdue), Some("overdue"), m.overdue > 0)}
                    {cell(m.median_feedback_days.map(|d| d.to_string()).unwrap_or_else(|| "—".into()), None, false)}
                    {cell(pct_text(m.work.sign_on_time), Some("sign_late"), false)}
                    {cell(pct_text(m.work.returns), Some("returned"), false)}
                    {cell(pct_text(m.work.extensions), Some("extended"), false)}
                    {cell(pct_text(m.work.callbacks), Some("not_called_back"), false)}
                    {cell(pct_text(m.work.rectify_on_time), Some("rectify_late"), false)}
                    {cell(pct_text(m.work.resolution), Some("unresolved"), false)}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=t(lang, "dash.league")>
            <table class="league">
                <caption>{t(lang, "dash.league.caption")}</caption>
                <thead><tr><th scope="col">{t(lang, "dash.town")}</th>{headers}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
