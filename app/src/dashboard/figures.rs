//! The public figures page.

use super::api::*;
use super::parts::*;
use super::*;
use crate::ui::i18n::{t, tf, thousands};
use crate::ui::{server_trouble, use_lang};
use domain::kpi::{Measures, Ratio, AWARENESS_TARGET, FEEDBACK_TARGET, SATISFACTION_TARGET};
use domain::{FieldError, Lang};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/figures`: the public figures, town by town.
#[component]
pub fn FiguresPage() -> impl IntoView {
    let lang = use_lang();
    let filters = filters_from_query();
    let f2 = filters.clone();
    let data = Resource::new(move || f2.clone(), move |f| get_public_figures(f, lang.code().to_string()));
    view! {
        <Title text=format!("{} · {}", t(lang, "pub.title"), t(lang, "app.name")) />
        <Suspense fallback=|| ()>
            {move || {
                let filters = filters.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok((p, errors)) => {
                            if !errors.is_empty() {
                                crate::ui::set_status(422);
                            }
                            view! { <FiguresBody lang p filters errors /> }.into_any()
                        }
                        Err(_) => server_trouble(lang),
                    }
                })
            }}
        </Suspense>
    }
}

fn measures_of(k: &KpiFigures) -> Measures {
    Measures {
        items: k.items,
        feedback: Ratio { num: k.feedback_given, den: k.feedback_due },
        feedback_on_time: Ratio { num: k.feedback_on_time, den: k.feedback_due },
        acceptance_on_time: Ratio { num: k.acceptance_on_time, den: k.acceptance_due },
        satisfaction: Ratio { num: k.satisfied, den: k.ratings },
        ratings: k.ratings_by_level,
        appeals_upheld: k.appeals_upheld,
        work: domain::kpi::WorkOrderMeasures {
            sign_on_time: k.work_orders.sign_on_time.ratio(),
            returns: k.work_orders.returns.ratio(),
            extensions: k.work_orders.extensions.ratio(),
            callbacks: k.work_orders.callbacks.ratio(),
            rectify_on_time: k.work_orders.rectify_on_time.ratio(),
            resolution: k.work_orders.resolution.ratio(),
        },
        awareness: Ratio { num: k.aware_yes, den: k.awareness_answers },
        overdue: k.overdue,
        median_response_hours: k.median_response_hours,
        median_feedback_days: k.median_feedback_days,
        wishes: k.wishes,
        wishes_claimed: k.wishes_claimed,
        wishes_fulfilled: k.wishes_fulfilled,
    }
}

#[component]
fn FiguresBody(lang: Lang, p: PublicFigures, filters: DashboardFilters, errors: Vec<FieldError>) -> impl IntoView {
    let m = measures_of(&p.overall);
    let applied = DashboardFilters {
        from: p.from.clone(),
        to: p.to.clone(),
        sort: filters.sort.clone(),
        dir: filters.dir.clone(),
        ..Default::default()
    };
    let mut lines: Vec<MeasureLine> = p
        .towns
        .iter()
        .map(|t| MeasureLine { key: t.slug.clone(), label: t.name.clone(), m: measures_of(&t.figures) })
        .collect();
    sort_league(&mut lines, &applied.sort, applied.dir == "desc");
    let api = format!("/api/v1/kpi?from={}&to={}", p.from, p.to);
    let today = domain::Date::from_timestamp(crate::ui::now_ts());
    let year = today.year;
    let presets = vec![
        ("this_year".to_string(), format!("{year}-01-01"), today.to_string()),
        ("last_year".to_string(), format!("{}-01-01", year - 1), format!("{}-12-31", year - 1)),
    ];
    let tile = |label: &str, r: Ratio, target: f64, help: &str| {
        let is_below = below(r, Some(target));
        view! {
            <div class="tile" class:below=is_below>
                <p class="label">{t(lang, label)}</p>
                <p class="value">{pct_text(r)}</p>
                <p class="target">{tf(lang, "fig.target", &[("target", &format!("{:.0}%", target * 100.0))])}
                    {is_below.then(|| view! { " · " <strong class="below-mark">{t(lang, "dash.below")}</strong> })}</p>
                <p class="detail">{tf(lang, "dash.of", &[("num", &thousands(r.num)), ("den", &thousands(r.den))])}</p>
                <p class="help">{t(lang, help)}</p>
            </div>
        }
    };
    view! {
        <h1>{t(lang, "pub.title")}</h1>
        <p class="intro">{t(lang, "pub.intro")}</p>
        <PeriodForm lang action="/figures" typed=filters.clone() applied=applied.clone() errors
            towns=Vec::new() categories=Vec::new() choose_town=false full=false presets />
        <p>{tf(lang, "dash.period", &[("from", &p.from), ("to", &p.to)])}" · "{tf(lang, "pub.items", &[("n", &thousands(m.items))])}</p>
        <div class="tiles">
            {tile("fig.feedback", m.feedback, FEEDBACK_TARGET, "fig.help.feedback")}
            {tile("fig.satisfaction", m.satisfaction, SATISFACTION_TARGET, "fig.help.satisfaction")}
            {tile("fig.awareness", m.awareness, AWARENESS_TARGET, "fig.help.awareness")}
        </div>
        <h2>{t(lang, "dash.league")}</h2>
        <LeagueTable lang lines f=applied links=false path="/figures" />
        <p class="hint">{t(lang, "pub.api")}" "<a href=api.clone()><code>{api.clone()}</code></a></p>
    }
}
