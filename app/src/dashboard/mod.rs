//! The measures dashboard (`/dashboard`) for leaders, dispatchers and town staff, its drill-down lists
//! (`/dashboard/items`), and the public figures page (`/figures`). Server-rendered only: charts are
//! SVG drawn on the server with a data table as their text alternative, and every control is a link or
//! a GET form, so a view can be shared by its URL.

pub mod api;
pub mod charts;
pub mod drill;
pub mod figures;
#[cfg(feature = "ssr")]
pub mod ops;
pub mod pages;
pub mod parts;

use crate::staff::Me;
use domain::kpi::{Measures, Ratio, AWARENESS_TARGET, FEEDBACK_TARGET, SATISFACTION_TARGET};
use domain::{FieldError, Kind, Rating, Status};
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
    /// How many items the set holds (the figure it drills into).
    #[serde(default)]
    pub total: i64,
}

/// The figures anyone may see: the period, the city, every town. Also the body of `GET /api/v1/kpi`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PublicFigures {
    pub from: String,
    pub to: String,
    pub town: Option<String>,
    /// The kind the figures are cut to (`wish`, `project`), if any.
    pub kind: Option<String>,
    /// The beneficiary group or project category they are cut to, if any.
    pub category: Option<String>,
    pub generated_at: i64,
    pub targets: Targets,
    pub overall: KpiFigures,
    pub towns: Vec<TownFigures>,
}

/// The programme's targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Targets {
    pub feedback_rate: f64,
    pub satisfaction_rate: f64,
    pub awareness_rate: f64,
}

/// The measures as published: counts, and rates as fractions (`null` with nothing to count).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
    /// The five levels of 好差评 behind `ratings`: 非常满意, 满意, 基本满意, 不满意, 非常不满意.
    #[serde(default)]
    pub ratings_by_level: [i64; 5],
    /// 差评 left out of `ratings` because the city upheld the town's appeal (申诉).
    #[serde(default)]
    pub appeals_upheld: i64,
    /// The work-order measures (签收, 退单, 延期, 回访, 整改, 解决), each as counts and a rate.
    #[serde(default)]
    pub work_orders: WorkOrderFigures,
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

/// A published share: how many of how many, and the rate (`null` with nothing to count).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RatioFigure {
    pub num: i64,
    pub den: i64,
    pub rate: Option<f64>,
}

impl RatioFigure {
    pub fn of(r: Ratio) -> RatioFigure {
        RatioFigure { num: r.num, den: r.den, rate: rate4(r) }
    }

    pub fn ratio(self) -> Ratio {
        Ratio { num: self.num, den: self.den }
    }
}

/// The work-order measures as published (`domain::kpi::WorkOrderMeasures`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WorkOrderFigures {
    pub sign_on_time: RatioFigure,
    pub returns: RatioFigure,
    pub extensions: RatioFigure,
    pub callbacks: RatioFigure,
    pub rectify_on_time: RatioFigure,
    pub resolution: RatioFigure,
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
            ratings_by_level: m.ratings,
            appeals_upheld: m.appeals_upheld,
            work_orders: WorkOrderFigures {
                sign_on_time: RatioFigure::of(m.work.sign_on_time),
                returns: RatioFigure::of(m.work.returns),
                extensions: RatioFigure::of(m.work.extensions),
                callbacks: RatioFigure::of(m.work.callbacks),
                rectify_on_time: RatioFigure::of(m.work.rectify_on_time),
                resolution: RatioFigure::of(m.work.resolution),
            },
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
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
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
    // The work-order measures (issue 17).
    ("sign_on_time", "dash.work.sign_on_time", None),
    ("returns", "dash.work.returns", None),
    ("extensions", "dash.work.extensions", None),
    ("callbacks", "dash.work.callbacks", None),
    ("rectify_on_time", "dash.work.rectify_on_time", None),
    ("resolution", "dash.work.resolution", None),
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
        "sign_on_time" => m.work.sign_on_time.rate(),
        "returns" => m.work.returns.rate(),
        "extensions" => m.work.extensions.rate(),
        "callbacks" => m.work.callbacks.rate(),
        "rectify_on_time" => m.work.rectify_on_time.rate(),
        "resolution" => m.work.resolution.rate(),
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
