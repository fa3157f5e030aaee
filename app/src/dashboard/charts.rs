//! The dashboard's two SVG charts (trend against the targets, volume per month) and a breakdown table.

use super::parts::*;
use super::*;
use crate::ui::i18n::{t, tf, thousands};
use domain::kpi::{Measures, Ratio, AWARENESS_TARGET, FEEDBACK_TARGET, SATISFACTION_TARGET};
use domain::Lang;
use leptos::prelude::*;

const CHART_W: f64 = 640.0;
const CHART_H: f64 = 240.0;
const PAD_L: f64 = 44.0;
const PAD_R: f64 = 12.0;
const PAD_T: f64 = 14.0;
const PAD_B: f64 = 30.0;

/// The dashboard for one month (`yyyy-mm`) with the other filters kept.
fn month_href(f: &DashboardFilters, month: &str) -> String {
    match domain::Date::parse(&format!("{month}-01")) {
        Some(start) => {
            let end = start.add_months(1).add_days(-1);
            f.href("/dashboard", &[("from", &start.to_string()), ("to", &end.to_string())])
        }
        None => f.href("/dashboard", &[]),
    }
}

/// A line of the trend chart: label key, CSS class, target, and the rate it draws.
type Series = (&'static str, &'static str, f64, fn(&Measures) -> Ratio);

/// Monthly rates against their targets as an SVG line chart, with the numbers in a table below.
#[component]
pub(super) fn TrendChart(lang: Lang, lines: Vec<MeasureLine>, f: DashboardFilters) -> impl IntoView {
    let series: [Series; 3] = [
        ("fig.feedback", "s-feedback", FEEDBACK_TARGET, |m| m.feedback),
        ("fig.satisfaction", "s-satisfaction", SATISFACTION_TARGET, |m| m.satisfaction),
        ("fig.awareness", "s-awareness", AWARENESS_TARGET, |m| m.awareness),
    ];
    let n = lines.len().max(1);
    let min_rate = lines.iter().flat_map(|l| series.iter().filter_map(|s| (s.3)(&l.m).rate())).fold(1.0f64, f64::min);
    let floor = ((min_rate * 10.0).floor() / 10.0).clamp(0.0, 0.8);
    let x = move |i: usize| PAD_L + (CHART_W - PAD_L - PAD_R) * (i as f64 + 0.5) / n as f64;
    let y = move |r: f64| PAD_T + (CHART_H - PAD_T - PAD_B) * (1.0 - (r - floor) / (1.0 - floor));
    let grid = (0..=4)
        .map(|k| {
            let r = floor + (1.0 - floor) * k as f64 / 4.0;
            view! {
                <line class="grid" x1=PAD_L x2=CHART_W - PAD_R y1=y(r) y2=y(r) />
                <text class="axis" x=PAD_L - 6.0 y=y(r) + 4.0 text-anchor="end">{format!("{:.0}%", r * 100.0)}</text>
            }
        })
        .collect_view();
    let targets = [(FEEDBACK_TARGET, "t-feedback"), (SATISFACTION_TARGET, "t-satisfaction")]
        .into_iter()
        .map(|(tg, class)| view! { <line class=format!("target {class}") x1=PAD_L x2=CHART_W - PAD_R y1=y(tg) y2=y(tg) /> })
        .collect_view();
    let step = n.div_ceil(12);
    let labels = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| i % step == 0)
        .map(
            |(i, l)| view! { <text class="axis" x=x(i) y=CHART_H - 10.0 text-anchor="middle">{l.label.clone()}</text> },
        )
        .collect_view();
    let paths = series
        .iter()
        .map(|(key, class, _, get)| {
            let pts: Vec<(usize, f64, String)> = lines
                .iter()
                .enumerate()
                .filter_map(|(i, l)| {
                    get(&l.m).rate().map(|r| (i, r, format!("{} {}: {}", l.label, t(lang, key), pct_text(get(&l.m)))))
                })
                .collect();
            let d: String = pts
                .iter()
                .enumerate()
                .map(|(j, (i, r, _))| format!("{}{:.1},{:.1}", if j == 0 { "M" } else { " L" }, x(*i), y(*r)))
                .collect();
            let dots = pts
                .into_iter()
                .map(|(i, r, tip)| view! { <circle class=*class cx=x(i) cy=y(r) r="3"><title>{tip}</title></circle> })
                .collect_view();
            view! { <path class=format!("line {class}") d=d />{dots} }
        })
        .collect_view();
    let desc = match (lines.first(), lines.last()) {
        (Some(a), Some(b)) => tf(
            lang,
            "dash.trend.desc",
            &[
                ("from", &a.label),
                ("to", &b.label),
                ("fb_from", &pct_text(a.m.feedback)),
                ("fb_to", &pct_text(b.m.feedback)),
                ("sat_from", &pct_text(a.m.satisfaction)),
                ("sat_to", &pct_text(b.m.satisfaction)),
            ],
        ),
        _ => t(lang, "fig.none"),
    };
    let table_rows = lines
        .iter()
        .map(|l| {
            view! {
                <tr>
                    <th scope="row"><a href=month_href(&f, &l.key)>{l.label.clone()}</a></th>
                    <td>{thousands(l.m.items)}</td>
                    <td>{pct_text(l.m.feedback)}</td>
                    <td>{pct_text(l.m.satisfaction)}</td>
                    <td>{pct_text(l.m.awareness)}</td>
                    <td>{thousands(l.m.overdue)}</td>
                </tr>
            }
        })
        .collect_view();
    let svg = view! {
            <svg viewBox=format!("0 0 {CHART_W} {CHART_H}") role="img" aria-labelledby="trend-title trend-desc" preserveAspectRatio="xMidYMid meet">
                <title id="trend-title">{t(lang, "dash.trend")}</title>
                <desc id="trend-desc">{desc.clone()}</desc>
                {grid.into_any()}
                {targets.into_any()}
                {paths.into_any()}
                {labels.into_any()}
            </svg>
    }
    .into_any();
    let caption = view! {
            <figcaption>
                <ul class="legend">
                    <li><span class="key s-feedback" aria-hidden="true"></span>{t(lang, "fig.feedback")}</li>
                    <li><span class="key s-satisfaction" aria-hidden="true"></span>{t(lang, "fig.satisfaction")}</li>
                    <li><span class="key s-awareness" aria-hidden="true"></span>{t(lang, "fig.awareness")}</li>
                    <li><span class="key target" aria-hidden="true"></span>{t(lang, "dash.targets")}</li>
                </ul>
                <details>
                    <summary>{t(lang, "dash.trend.table")}</summary>
                    <div class="table-scroll" tabindex="0" role="region" aria-label=t(lang, "dash.trend.table")>
                        <table>
                            <thead><tr>
                                <th scope="col">{t(lang, "dash.month")}</th>
                                <th scope="col">{t(lang, "dash.col.items")}</th>
                                <th scope="col">{t(lang, "fig.feedback")}</th>
                                <th scope="col">{t(lang, "fig.satisfaction")}</th>
                                <th scope="col">{t(lang, "fig.awareness")}</th>
                                <th scope="col">{t(lang, "dash.col.overdue")}</th>
                            </tr></thead>
                            <tbody>{table_rows}</tbody>
                        </table>
                    </div>
                </details>
            </figcaption>
    }
    .into_any();
    view! { <figure class="chart">{svg}{caption}</figure> }
}

/// Items per month as an SVG bar chart (overdue items in their own colour).
#[component]
pub(super) fn VolumeChart(lang: Lang, lines: Vec<MeasureLine>) -> impl IntoView {
    let n = lines.len().max(1);
    let max = lines.iter().map(|l| l.m.items).max().unwrap_or(0).max(1) as f64;
    let slot = (CHART_W - PAD_L - PAD_R) / n as f64;
    let h = CHART_H - PAD_T - PAD_B;
    let step = n.div_ceil(12);
    let bars = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let x0 = PAD_L + slot * i as f64 + slot * 0.15;
            let bh = h * l.m.items as f64 / max;
            let oh = h * l.m.overdue as f64 / max;
            let tip = tf(
                lang,
                "dash.volume.tip",
                &[("month", &l.label), ("n", &thousands(l.m.items)), ("overdue", &thousands(l.m.overdue))],
            );
            view! {
                <g>
                    <title>{tip}</title>
                    <rect class="bar" x=x0 y=PAD_T + h - bh width=slot * 0.7 height=bh />
                    <rect class="bar overdue" x=x0 y=PAD_T + h - oh width=slot * 0.7 height=oh />
                </g>
                {(i % step == 0).then(|| view! {
                    <text class="axis" x=x0 + slot * 0.35 y=CHART_H - 10.0 text-anchor="middle">{l.label.clone()}</text>
                })}
            }
        })
        .collect_view();
    let total: i64 = lines.iter().map(|l| l.m.items).sum();
    let desc = tf(lang, "dash.volume.desc", &[("n", &thousands(total)), ("max", &thousands(max as i64))]);
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {CHART_W} {CHART_H}") role="img" aria-labelledby="vol-title vol-desc">
                <title id="vol-title">{t(lang, "dash.volume")}</title>
                <desc id="vol-desc">{desc}</desc>
                <line class="grid" x1=PAD_L x2=CHART_W - PAD_R y1=PAD_T + h y2=PAD_T + h />
                <text class="axis" x=PAD_L - 6.0 y=PAD_T + 4.0 text-anchor="end">{thousands(max as i64)}</text>
                {bars}
            </svg>
            <figcaption>
                <ul class="legend">
                    <li><span class="key bar" aria-hidden="true"></span>{t(lang, "dash.col.items")}</li>
                    <li><span class="key overdue" aria-hidden="true"></span>{t(lang, "dash.col.overdue")}</li>
                </ul>
            </figcaption>
        </figure>
    }
}

#[component]
pub(super) fn Breakdown(lang: Lang, title: String, lines: Vec<MeasureLine>) -> impl IntoView {
    let rows = lines
        .into_iter()
        .map(|l| {
            view! {
                <tr>
                    <th scope="row">{l.label}</th>
                    <td>{thousands(l.m.items)}</td>
                    <td class:below=below(l.m.feedback, Some(FEEDBACK_TARGET))>{pct_text(l.m.feedback)}</td>
                    <td class:below=below(l.m.satisfaction, Some(SATISFACTION_TARGET))>{pct_text(l.m.satisfaction)}</td>
                    <td>{thousands(l.m.overdue)}</td>
                    <td>{l.m.median_feedback_days.map(|d| d.to_string()).unwrap_or_else(|| "—".into())}</td>
                </tr>
            }
        })
        .collect_view();
    let region = title.clone();
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=region>
            <table>
                <caption>{title}</caption>
                <thead><tr>
                    <th scope="col">{t(lang, "dash.group")}</th>
                    <th scope="col">{t(lang, "dash.col.items")}</th>
                    <th scope="col">{t(lang, "fig.feedback")}</th>
                    <th scope="col">{t(lang, "fig.satisfaction")}</th>
                    <th scope="col">{t(lang, "dash.col.overdue")}</th>
                    <th scope="col">{t(lang, "dash.col.median_feedback_days")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
