//! The dashboard page: period form, headline tiles, league table, breakdowns and the budget.

use super::api::*;
use super::charts::*;
use super::parts::*;
use super::*;
use crate::staff::bar::StaffBar;
use crate::staff::Guarded;
use crate::ui::i18n::{local_time, t, tf, thousands};
use crate::ui::{server_trouble, use_lang};
use domain::kpi::{Measures, Ratio, AWARENESS_TARGET, FEEDBACK_TARGET, SATISFACTION_TARGET};
use domain::Lang;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/dashboard`.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let lang = use_lang();
    let filters = filters_from_query();
    let data = Resource::new(move || filters.clone(), move |f| get_dashboard(f, lang.code().to_string()));
    view! {
        <Title text=format!("{} · {}", t(lang, "dash.title"), t(lang, "app.name")) />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Guarded::Ok(v)) => view! { <DashboardBody lang v /> }.into_any(),
                    Ok(g) => refusal(lang, &g),
                    Err(_) => server_trouble(lang),
                }
            })}
        </Suspense>
    }
}

/// A headline figure against its target, linking to the items behind it.
#[component]
fn Tile(
    lang: Lang,
    label: String,
    value: String,
    #[prop(optional_no_strip)] target: Option<f64>,
    below: bool,
    detail: String,
    href: Option<String>,
    help: String,
) -> impl IntoView {
    let value_view = match href {
        Some(h) => view! { <a href=h>{value}</a> }.into_any(),
        None => view! { <span>{value}</span> }.into_any(),
    };
    view! {
        <div class="tile" class:below=below>
            <p class="label">{label}</p>
            <p class="value">{value_view}</p>
            {target.map(|tg| view! {
                <p class="target">
                    {tf(lang, "fig.target", &[("target", &format!("{:.0}%", tg * 100.0))])}
                    {below.then(|| view! { " · " <strong class="below-mark">{t(lang, "dash.below")}</strong> })}
                </p>
            })}
            <p class="detail">{detail}</p>
            <p class="help">{help}</p>
        </div>
    }
}

fn days_text(lang: Lang, v: Option<i64>, key: &str) -> String {
    v.map(|d| tf(lang, key, &[("n", &d.to_string())])).unwrap_or_else(|| "—".into())
}

#[component]
fn Headline(
    lang: Lang,
    m: Measures,
    f: DashboardFilters,
    town: Option<String>,
    sources: Vec<(String, Ratio)>,
) -> impl IntoView {
    let town_ref = town.as_deref();
    let d = |set: &str| Some(f.drill(set, town_ref));
    let of = |r: Ratio| tf(lang, "dash.of", &[("num", &thousands(r.num)), ("den", &thousands(r.den))]);
    let by_source = sources
        .iter()
        .filter(|(_, r)| r.den > 0)
        .map(|(src, r)| tf(lang, &format!("dash.aware.{src}"), &[("pct", &pct_text(*r)), ("n", &thousands(r.den))]))
        .collect::<Vec<_>>()
        .join(" · ");
    let aware_detail =
        if by_source.is_empty() { of(m.awareness) } else { format!("{} ({by_source})", of(m.awareness)) };
    // The five levels of 好差评 beside satisfaction (非常满意 … 非常不满意).
    let levels = if m.satisfaction.den == 0 {
        of(m.satisfaction)
    } else {
        let each: Vec<String> = domain::Rating::ALL
            .iter()
            .zip(m.ratings)
            .map(|(r, n)| format!("{} {}", t(lang, &format!("rating.{}", r.code())), thousands(n)))
            .collect();
        format!("{} ({})", of(m.satisfaction), each.join(" · "))
    };
    let levels = if m.appeals_upheld > 0 {
        format!("{levels} {}", tf(lang, "dash.appeals_upheld", &[("n", &thousands(m.appeals_upheld))]))
    } else {
        levels
    };
    let tiles: Vec<AnyView> = vec![
            view! { <Tile lang label=t(lang, "dash.col.items") value=thousands(m.items) target=None below=false
                detail=String::new() href=d("items") help=t(lang, "dash.help.items") /> }.into_any(),
            view! { <Tile lang label=t(lang, "fig.feedback") value=pct_text(m.feedback) target=Some(FEEDBACK_TARGET)
                below=below(m.feedback, Some(FEEDBACK_TARGET)) detail=of(m.feedback) href=d("fed")
                help=t(lang, "fig.help.feedback") /> }.into_any(),
            view! { <Tile lang label=t(lang, "dash.col.feedback_on_time") value=pct_text(m.feedback_on_time) target=None
                below=false detail=of(m.feedback_on_time) href=d("feedback_late") help=t(lang, "dash.help.feedback_on_time") /> }.into_any(),
            view! { <Tile lang label=t(lang, "dash.col.acceptance_on_time") value=pct_text(m.acceptance_on_time) target=None
                below=false detail=of(m.acceptance_on_time) href=d("reply_late") help=t(lang, "dash.help.acceptance_on_time") /> }.into_any(),
            view! { <Tile lang label=t(lang, "fig.satisfaction") value=pct_text(m.satisfaction) target=Some(SATISFACTION_TARGET)
                below=below(m.satisfaction, Some(SATISFACTION_TARGET)) detail=levels href=d("rated")
                help=t(lang, "fig.help.satisfaction") /> }.into_any(),
            view! { <Tile lang label=t(lang, "fig.awareness") value=pct_text(m.awareness) target=Some(AWARENESS_TARGET)
                below=below(m.awareness, Some(AWARENESS_TARGET)) detail=aware_detail href=None
                help=t(lang, "fig.help.awareness") /> }.into_any(),
            view! { <Tile lang label=t(lang, "dash.col.overdue") value=thousands(m.overdue) target=None below={m.overdue > 0}
                detail=String::new() href=d("overdue") help=t(lang, "dash.help.overdue") /> }.into_any(),
            view! { <Tile lang label=t(lang, "dash.median_response") value=days_text(lang, m.median_response_hours, "dash.hours")
                target=None below=false detail=String::new() href=None help=t(lang, "dash.help.median_response") /> }.into_any(),
            view! { <Tile lang label=t(lang, "dash.col.median_feedback_days") value=days_text(lang, m.median_feedback_days, "dash.days")
                target=None below=false detail=String::new() href=None help=t(lang, "dash.help.median_feedback") /> }.into_any(),
            view! { <Tile lang label=t(lang, "dash.wishes") value=format!("{} / {}", thousands(m.wishes_claimed), thousands(m.wishes_fulfilled))
                target=None below=false detail=tf(lang, "dash.wishes.detail", &[("n", &thousands(m.wishes))])
                href=d("wishes_fulfilled") help=t(lang, "dash.help.wishes") /> }.into_any()
    ];
    // The work-order measures (issue 17), each drilling down to the items that miss it.
    let w = m.work;
    let work_tile = |label: &str, r: Ratio, set: &str, help: &str| {
        view! { <Tile lang label=t(lang, label) value=pct_text(r) target=None below=false detail=of(r) href=d(set)
        help=t(lang, help) /> }
        .into_any()
    };
    let work: Vec<AnyView> = vec![
        work_tile("dash.work.sign_on_time", w.sign_on_time, "sign_late", "dash.help.sign_on_time"),
        work_tile("dash.work.returns", w.returns, "returned", "dash.help.returns"),
        work_tile("dash.work.extensions", w.extensions, "extended", "dash.help.extensions"),
        work_tile("dash.work.callbacks", w.callbacks, "not_called_back", "dash.help.callbacks"),
        work_tile("dash.work.rectify_on_time", w.rectify_on_time, "rectify_late", "dash.help.rectify_on_time"),
        work_tile("dash.work.resolution", w.resolution, "unresolved", "dash.help.resolution"),
    ];
    view! {
        <div class="tiles dash-tiles">{tiles}</div>
        <h3 class="work-h">{t(lang, "dash.work")}</h3>
        <div class="tiles dash-tiles work-tiles">{work}</div>
    }
}

#[component]
fn DashboardBody(lang: Lang, v: DashboardView) -> impl IntoView {
    let f = v.filters.clone();
    let town = (!f.town.is_empty()).then(|| f.town.clone());
    let csv = f.href("/dashboard/league.csv", &[("sort", ""), ("dir", "")]);
    let xlsx = f.href("/dashboard/league.xlsx", &[("sort", ""), ("dir", "")]);
    let period = tf(lang, "dash.period", &[("from", &f.from), ("to", &f.to)]);
    if !v.errors.is_empty() {
        crate::ui::set_status(422);
    }
    // Each part is type-erased: one nested view type for the whole page is too deep for the compiler.
    let top = view! {
        <StaffBar lang me=v.me.clone() />
        <h1>{t(lang, "dash.title")}</h1>
        <p class="intro">{v.scope_name.clone()}" · "{period}</p>
    }
    .into_any();
    let form = view! {
        <PeriodForm lang action="/dashboard" typed=v.typed.clone() applied=f.clone() errors=v.errors.clone()
            towns=v.towns.clone() categories=v.categories.clone() choose_town=v.all_towns full=true presets=v.presets.clone() />
    }
    .into_any();
    let headline = view! {
        <section aria-labelledby="head-h">
            <h2 id="head-h">{t(lang, "dash.headline")}</h2>
            <Headline lang m=v.overall f=f.clone() town=town.clone() sources=v.awareness_by_source.clone() />
        </section>
    }
    .into_any();
    let trend = view! {
        <section aria-labelledby="trend-h">
            <h2 id="trend-h">{t(lang, "dash.trend")}</h2>
            <div class="charts">
                {view! { <TrendChart lang lines=v.trend.clone() f=f.clone() /> }.into_any()}
                {view! { <VolumeChart lang lines=v.trend.clone() /> }.into_any()}
            </div>
        </section>
    }
    .into_any();
    let league = view! {
        <section aria-labelledby="league-h">
            <h2 id="league-h">{t(lang, "dash.league")}</h2>
            <p class="hint">{t(lang, "dash.league.hint")}</p>
            <p class="exports">
                <a class="btn secondary small" href=csv download>{t(lang, "dash.export.csv")}</a>
                " "
                <a class="btn secondary small" href=xlsx download>{t(lang, "dash.export.xlsx")}</a>
            </p>
            <LeagueTable lang lines=v.league.clone() f=f.clone() links=true />
        </section>
    }
    .into_any();
    let breakdowns = view! {
        <section aria-labelledby="kind-h">
            <h2 id="kind-h">{t(lang, "dash.breakdowns")}</h2>
            <Breakdown lang title=t(lang, "dash.by_kind") lines=v.by_kind.clone() />
            <Breakdown lang title=t(lang, "dash.by_category") lines=v.by_category.clone() />
        </section>
    }
    .into_any();
    let budget = v.budget.clone().map(|b| view! { <BudgetTable lang b /> }.into_any());
    view! {
        {top}
        {form}
        {headline}
        {trend}
        {league}
        {budget}
        {breakdowns}
        <p class="hint">{tf(lang, "dash.generated", &[("at", &local_time(v.generated_at))])}" "
            <a href="/figures">{t(lang, "dash.public_link")}</a></p>
    }
}

/// Town budgets: allocation, committed, spent, remaining, share committed; over-committed rows marked.
#[component]
fn BudgetTable(lang: Lang, b: BudgetView) -> impl IntoView {
    let yuan = move |n: i64| crate::ui::i18n::tf(lang, "yuan", &[("n", &crate::ui::i18n::thousands(n))]);
    let row = move |r: &BudgetRow, total: bool| {
        let l = r.line;
        let share = l.committed_share().map(|s| format!("{:.1}%", s * 100.0)).unwrap_or_else(|| "—".into());
        let over = l.over();
        let remaining = l.remaining_yuan().map(yuan).unwrap_or_else(|| "—".into());
        let name = r.town_name.clone();
        view! {
            <tr class:total=total data-town=r.town_slug.clone()>
                <th scope="row">{name}</th>
                <td>{l.allocation_yuan.map(yuan).unwrap_or_else(|| t(lang, "dash.budget.none"))}</td>
                <td>{yuan(l.committed_yuan)}" "<span class="hint">{tf(lang, "dash.budget.projects", &[("n", &r.adopted.to_string())])}</span></td>
                <td>{yuan(l.spent_yuan)}" "<span class="hint">{tf(lang, "dash.budget.projects", &[("n", &r.done.to_string())])}</span></td>
                <td class:below=over>{remaining}{over.then(|| view! { <span class="sr-only">{t(lang, "dash.budget.over")}</span> })}</td>
                <td>{share}</td>
            </tr>
        }
        .into_any()
    };
    let rows = b.rows.iter().map(|r| row(r, false)).collect_view();
    let total = (b.rows.len() > 1).then(|| row(&b.total, true));
    let head = view! {
        <thead><tr>
            <th scope="col">{t(lang, "f.town")}</th>
            <th scope="col">{t(lang, "dash.budget.allocation")}</th>
            <th scope="col">{t(lang, "dash.budget.committed")}</th>
            <th scope="col">{t(lang, "dash.budget.spent")}</th>
            <th scope="col">{t(lang, "dash.budget.remaining")}</th>
            <th scope="col">{t(lang, "dash.budget.share")}</th>
        </tr></thead>
    }
    .into_any();
    view! {
        <section aria-labelledby="budget-h">
            <h2 id="budget-h">{tf(lang, "dash.budget", &[("year", &b.year.to_string())])}</h2>
            <p class="hint">{t(lang, "dash.budget.hint")}</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label=tf(lang, "dash.budget", &[("year", &b.year.to_string())])>
                <table class="budget">
                    {head}
                    <tbody>{rows}{total}</tbody>
                </table>
            </div>
        </section>
    }
}
