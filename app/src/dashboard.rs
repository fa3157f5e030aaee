//! The measures dashboard (`/dashboard`) for leaders, dispatchers and town staff, its drill-down lists
//! (`/dashboard/items`), and the public figures page (`/figures`). Server-rendered only: charts are
//! SVG drawn on the server with a data table as their text alternative, and every control is a link or
//! a GET form, so a view can be shared by its URL.

use crate::i18n::{local_time, t, tf, thousands};
use crate::pages::{field_error, server_trouble, use_lang};
use crate::staff::{Guarded, Me, StaffBar};
use domain::kpi::{Measures, Ratio, AWARENESS_TARGET, FEEDBACK_TARGET, SATISFACTION_TARGET};
use domain::{FieldError, Kind, Lang, Rating, Status};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// Rows per drill-down page.
pub const DRILL_PAGE_SIZE: i64 = 50;

/// The dashboard's view as it stands in the URL.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DashboardFilters {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub town: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub category: String,
    /// League table column to sort by, and `asc`/`desc`.
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub dir: String,
    /// Drill-down only: which items, and the page.
    #[serde(default)]
    pub set: String,
    #[serde(default)]
    pub page: String,
}

impl DashboardFilters {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        [
            ("from", &self.from),
            ("to", &self.to),
            ("town", &self.town),
            ("kind", &self.kind),
            ("category", &self.category),
            ("sort", &self.sort),
            ("dir", &self.dir),
        ]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k, v.trim().to_string()))
        .collect()
    }

    /// `?from=…&to=…` with some values replaced (an empty value drops the key).
    pub fn href(&self, path: &str, changes: &[(&str, &str)]) -> String {
        let mut pairs: Vec<(String, String)> = self.pairs().into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        for (k, v) in changes {
            pairs.retain(|(pk, _)| pk != k);
            if !v.is_empty() {
                pairs.push((k.to_string(), v.to_string()));
            }
        }
        if pairs.is_empty() {
            return path.to_string();
        }
        let q: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", urlencode(v))).collect();
        format!("{path}?{}", q.join("&"))
    }

    /// The drill-down list behind one number.
    pub fn drill(&self, set: &str, town: Option<&str>) -> String {
        let mut changes = vec![("set", set), ("sort", ""), ("dir", "")];
        if let Some(town) = town {
            changes.push(("town", town));
        }
        self.href("/dashboard/items", &changes)
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A labelled group of items with their measures (a town, a month, a kind, a category).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureLine {
    /// Town slug, `yyyy-mm`, kind code or `kind:category`.
    pub key: String,
    pub label: String,
    pub m: Measures,
}

/// A choice in a select list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// Everything the dashboard shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DashboardView {
    pub me: Me,
    /// Whether this person may choose a town (dispatchers, leaders).
    pub all_towns: bool,
    /// The filters as applied (dates filled in, town forced for town staff).
    pub filters: DashboardFilters,
    /// What was typed, when it was refused.
    pub typed: DashboardFilters,
    pub errors: Vec<FieldError>,
    pub scope_name: String,
    pub overall: Measures,
    pub league: Vec<MeasureLine>,
    pub trend: Vec<MeasureLine>,
    pub by_kind: Vec<MeasureLine>,
    pub by_category: Vec<MeasureLine>,
    pub towns: Vec<Choice>,
    pub categories: Vec<Choice>,
    pub presets: Vec<(String, String, String)>,
    pub generated_at: i64,
    /// Town budgets of micro-projects in the year the period ends in, when there are any.
    pub budget: Option<BudgetView>,
    /// Awareness by where the answer was given: `rating` (the rating form, once per item) and `home`
    /// (the home page, once per browser and address a day; whole city only).
    pub awareness_by_source: Vec<(String, Ratio)>,
}

/// Town budgets of a year, as the dashboard shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetView {
    pub year: i32,
    pub rows: Vec<BudgetRow>,
    /// The sum of the rows.
    pub total: BudgetRow,
}

/// One town's budget line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetRow {
    pub town_slug: String,
    pub town_name: String,
    pub line: domain::budget::BudgetLine,
    pub adopted: i64,
    pub done: i64,
}

/// One item of a drill-down list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrillLine {
    pub number: String,
    pub kind: Kind,
    pub status: Status,
    pub category: String,
    pub town_name: String,
    pub submitted_at: i64,
    pub feedback_due_at: i64,
    pub feedback_at: Option<i64>,
    pub rating: Option<Rating>,
}

/// A drill-down list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrillView {
    pub me: Me,
    pub filters: DashboardFilters,
    pub set: String,
    pub scope_name: String,
    pub lines: Vec<DrillLine>,
    pub page: i64,
    pub more: bool,
}

/// The dashboard for the signed-in staff member.
#[server(endpoint = "dashboard")]
pub async fn get_dashboard(filters: DashboardFilters, lang: String) -> Result<Guarded<DashboardView>, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    let lang = Lang::from_code(&lang).unwrap_or_default();
    crate::dashboard_ops::dashboard_view(&st, &filters, lang).await.map_err(|e| e.into_server_fn_error())
}

/// The items behind one number of the dashboard.
#[server(endpoint = "dashboard_items")]
pub async fn get_dashboard_items(filters: DashboardFilters, lang: String) -> Result<Guarded<DrillView>, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    let lang = Lang::from_code(&lang).unwrap_or_default();
    crate::dashboard_ops::drill_view(&st, &filters, lang).await.map_err(|e| e.into_server_fn_error())
}

/// The public figures (no personal data).
#[server(endpoint = "public_figures")]
pub async fn get_public_figures(
    filters: DashboardFilters,
    lang: String,
) -> Result<Result<PublicFigures, Vec<FieldError>>, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    let lang = Lang::from_code(&lang).unwrap_or_default();
    crate::dashboard_ops::public_figures(&st, &filters.from, &filters.to, &filters.town, lang)
        .await
        .map_err(|e| e.into_server_fn_error())
}

/// The figures anyone may see: the period, the city, every town. Also the body of `GET /api/v1/kpi`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicFigures {
    pub from: String,
    pub to: String,
    pub town: Option<String>,
    pub generated_at: i64,
    pub targets: Targets,
    pub overall: KpiFigures,
    pub towns: Vec<TownFigures>,
}

/// The programme's targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Targets {
    pub feedback_rate: f64,
    pub satisfaction_rate: f64,
    pub awareness_rate: f64,
}

/// The measures as published: counts, and rates as fractions (`null` with nothing to count).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiFigures {
    pub items: i64,
    pub feedback_due: i64,
    pub feedback_given: i64,
    pub feedback_rate: Option<f64>,
    pub feedback_on_time: i64,
    pub feedback_on_time_rate: Option<f64>,
    pub acceptance_due: i64,
    pub acceptance_on_time: i64,
    pub acceptance_on_time_rate: Option<f64>,
    pub ratings: i64,
    pub satisfied: i64,
    pub satisfaction_rate: Option<f64>,
    pub awareness_answers: i64,
    pub aware_yes: i64,
    pub awareness_rate: Option<f64>,
    pub overdue: i64,
    pub median_response_hours: Option<i64>,
    pub median_feedback_days: Option<i64>,
    pub wishes: i64,
    pub wishes_claimed: i64,
    pub wishes_fulfilled: i64,
}

fn rate4(r: Ratio) -> Option<f64> {
    r.rate().map(|v| (v * 10_000.0).round() / 10_000.0)
}

impl From<&Measures> for KpiFigures {
    fn from(m: &Measures) -> Self {
        KpiFigures {
            items: m.items,
            feedback_due: m.feedback.den,
            feedback_given: m.feedback.num,
            feedback_rate: rate4(m.feedback),
            feedback_on_time: m.feedback_on_time.num,
            feedback_on_time_rate: rate4(m.feedback_on_time),
            acceptance_due: m.acceptance_on_time.den,
            acceptance_on_time: m.acceptance_on_time.num,
            acceptance_on_time_rate: rate4(m.acceptance_on_time),
            ratings: m.satisfaction.den,
            satisfied: m.satisfaction.num,
            satisfaction_rate: rate4(m.satisfaction),
            awareness_answers: m.awareness.den,
            aware_yes: m.awareness.num,
            awareness_rate: rate4(m.awareness),
            overdue: m.overdue,
            median_response_hours: m.median_response_hours,
            median_feedback_days: m.median_feedback_days,
            wishes: m.wishes,
            wishes_claimed: m.wishes_claimed,
            wishes_fulfilled: m.wishes_fulfilled,
        }
    }
}

/// One town's published figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TownFigures {
    pub slug: String,
    pub name: String,
    pub name_en: String,
    #[serde(flatten)]
    pub figures: KpiFigures,
}

/// League table columns: (sort code, label key, target).
pub const LEAGUE_COLUMNS: &[(&str, &str, Option<f64>)] = &[
    ("items", "dash.col.items", None),
    ("feedback", "fig.feedback", Some(FEEDBACK_TARGET)),
    ("feedback_on_time", "dash.col.feedback_on_time", None),
    ("acceptance_on_time", "dash.col.acceptance_on_time", None),
    ("satisfaction", "fig.satisfaction", Some(SATISFACTION_TARGET)),
    ("awareness", "fig.awareness", Some(AWARENESS_TARGET)),
    ("overdue", "dash.col.overdue", None),
    ("median_feedback_days", "dash.col.median_feedback_days", None),
];

/// The value a league table column sorts by.
pub fn sort_value(m: &Measures, col: &str) -> Option<f64> {
    match col {
        "items" => Some(m.items as f64),
        "feedback" => m.feedback.rate(),
        "feedback_on_time" => m.feedback_on_time.rate(),
        "acceptance_on_time" => m.acceptance_on_time.rate(),
        "satisfaction" => m.satisfaction.rate(),
        "awareness" => m.awareness.rate(),
        "overdue" => Some(m.overdue as f64),
        "median_feedback_days" => m.median_feedback_days.map(|v| v as f64),
        _ => None,
    }
}

/// Sorts league lines by a column (missing values last, ties by the town order).
pub fn sort_league(lines: &mut [MeasureLine], col: &str, desc: bool) {
    if !LEAGUE_COLUMNS.iter().any(|(c, _, _)| *c == col) {
        return;
    }
    lines.sort_by(|a, b| match (sort_value(&a.m, col), sort_value(&b.m, col)) {
        (Some(x), Some(y)) => {
            let o = x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal);
            if desc {
                o.reverse()
            } else {
                o
            }
        }
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
}

fn pct_text(r: Ratio) -> String {
    r.percent().map(|v| format!("{v:.1}%")).unwrap_or_else(|| "—".into())
}

fn below(r: Ratio, target: Option<f64>) -> bool {
    target.and_then(|t| Measures::below_target(r.rate(), t)).unwrap_or(false)
}

fn filters_from_query() -> DashboardFilters {
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

fn refusal<T>(lang: Lang, g: &Guarded<T>) -> AnyView {
    let why = match g {
        Guarded::SignIn => {
            crate::pages::set_status(401);
            "sign_in_needed"
        }
        _ => {
            crate::pages::set_status(403);
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

#[component]
fn PeriodForm(
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
                below=below(m.satisfaction, Some(SATISFACTION_TARGET)) detail=of(m.satisfaction) href=d("rated")
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
    view! {
        <div class="tiles dash-tiles">{tiles}</div>
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
fn TrendChart(lang: Lang, lines: Vec<MeasureLine>, f: DashboardFilters) -> impl IntoView {
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
                    <div class="table-scroll">
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
fn VolumeChart(lang: Lang, lines: Vec<MeasureLine>) -> impl IntoView {
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
fn Breakdown(lang: Lang, title: String, lines: Vec<MeasureLine>) -> impl IntoView {
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
    view! {
        <div class="table-scroll">
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

#[component]
fn DashboardBody(lang: Lang, v: DashboardView) -> impl IntoView {
    let f = v.filters.clone();
    let town = (!f.town.is_empty()).then(|| f.town.clone());
    let csv = f.href("/dashboard/league.csv", &[("sort", ""), ("dir", "")]);
    let xlsx = f.href("/dashboard/league.xlsx", &[("sort", ""), ("dir", "")]);
    let period = tf(lang, "dash.period", &[("from", &f.from), ("to", &f.to)]);
    if !v.errors.is_empty() {
        crate::pages::set_status(422);
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
    let yuan = move |n: i64| crate::i18n::tf(lang, "yuan", &[("n", &crate::i18n::thousands(n))]);
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
            <div class="table-scroll">
                <table class="budget">
                    {head}
                    <tbody>{rows}{total}</tbody>
                </table>
            </div>
        </section>
    }
}

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
                        crate::pages::set_status(404);
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
                    <th scope="col">{t(lang, "dash.col.feedback_due")}</th>
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
                        Ok(Ok(p)) => view! { <FiguresBody lang p filters errors=Vec::new() /> }.into_any(),
                        Ok(Err(errors)) => {
                            crate::pages::set_status(422);
                            let today = domain::Date::from_timestamp(crate::pages::now_ts());
                            let p = PublicFigures::empty(domain::kpi::Period::year_to_date(today));
                            view! { <FiguresBody lang p filters errors /> }.into_any()
                        }
                        Err(_) => server_trouble(lang),
                    }
                })
            }}
        </Suspense>
    }
}

impl PublicFigures {
    /// Nothing counted, for a page whose period was refused.
    pub fn empty(p: domain::kpi::Period) -> PublicFigures {
        let zero = KpiFigures::from(&Measures::default());
        PublicFigures {
            from: p.from.to_string(),
            to: p.to.to_string(),
            town: None,
            generated_at: 0,
            targets: Targets {
                feedback_rate: FEEDBACK_TARGET,
                satisfaction_rate: SATISFACTION_TARGET,
                awareness_rate: AWARENESS_TARGET,
            },
            overall: zero,
            towns: Vec::new(),
        }
    }
}

fn measures_of(k: &KpiFigures) -> Measures {
    Measures {
        items: k.items,
        feedback: Ratio { num: k.feedback_given, den: k.feedback_due },
        feedback_on_time: Ratio { num: k.feedback_on_time, den: k.feedback_due },
        acceptance_on_time: Ratio { num: k.acceptance_on_time, den: k.acceptance_due },
        satisfaction: Ratio { num: k.satisfied, den: k.ratings },
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
    let today = domain::Date::from_timestamp(crate::pages::now_ts());
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
