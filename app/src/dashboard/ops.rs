//! The dashboard's server side: who may see which town, the one measure query behind every view,
//! and the league table as rows for CSV and XLSX. Every number comes from [`store::Db::measure_rows`],
//! which storage tests hold to [`domain::kpi::measures`].

use crate::dashboard::*;
use crate::error::{AppError, AppResult};
use crate::staff::session::{current_staff, me_view};
use crate::state::AppState;
use domain::kpi::{Period, RollupKey};
use domain::{Beneficiary, Category, Date, FieldError, Kind, Lang, StaffUser};
use std::collections::BTreeMap;
use store::{MeasureQuery, MeasureRow, MeasureSet};

/// The town budgets of the year the period ends in, for one town or the city; `None` when no town has
/// an allocation or an adopted project that year.
async fn budget_view(
    st: &AppState,
    towns: &[store::Town],
    town: Option<&str>,
    year: i32,
    lang: Lang,
) -> AppResult<Option<BudgetView>> {
    let rows: Vec<BudgetRow> = st
        .db
        .town_budgets(year)
        .await?
        .into_iter()
        .filter(|b| town.is_none_or(|t| t == b.town_slug))
        .map(|b| BudgetRow {
            town_name: store::names::town_name(towns, Some(&b.town_slug), lang).unwrap_or_else(|| b.town_slug.clone()),
            town_slug: b.town_slug,
            line: b.line,
            adopted: b.adopted,
            done: b.done,
        })
        .collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let total = BudgetRow {
        town_slug: String::new(),
        town_name: crate::ui::i18n::t(lang, "dash.all_towns"),
        line: domain::budget::BudgetLine::sum(rows.iter().map(|r| &r.line)),
        adopted: rows.iter().map(|r| r.adopted).sum(),
        done: rows.iter().map(|r| r.done).sum(),
    };
    Ok(Some(BudgetView { year, rows, total }))
}

/// The period, kind and category of a view, read from the URL. Unknown kinds and categories are
/// ignored (a shared link with a stale value still opens).
fn read_filters(f: &DashboardFilters, today: Date) -> (Period, Option<Kind>, Option<String>, Vec<FieldError>) {
    let (period, errors) = Period::parse(&f.from, &f.to, today);
    let kind = Kind::from_code(f.kind.trim());
    let category = Some(f.category.trim().to_string())
        .filter(|c| Beneficiary::ALL.iter().any(|b| b.code() == c) || Category::ALL.iter().any(|k| k.code() == c));
    (period, kind, category, errors)
}

fn applied(
    f: &DashboardFilters,
    p: Period,
    town: &Option<String>,
    kind: Option<Kind>,
    category: &Option<String>,
) -> DashboardFilters {
    DashboardFilters {
        from: p.from.to_string(),
        to: p.to.to_string(),
        town: town.clone().unwrap_or_default(),
        kind: kind.map(|k| k.code().to_string()).unwrap_or_default(),
        category: category.clone().unwrap_or_default(),
        sort: f.sort.clone(),
        dir: if f.dir == "desc" { "desc".into() } else { String::new() },
        set: String::new(),
        page: String::new(),
    }
}

/// Adds the rows up per group (one pass; rows with no group are skipped).
fn group<F: Fn(&RollupKey) -> Option<String>>(
    rows: &BTreeMap<RollupKey, MeasureRow>,
    key: F,
) -> BTreeMap<String, MeasureRow> {
    let mut groups: BTreeMap<String, MeasureRow> = BTreeMap::new();
    for (k, r) in rows {
        if let Some(g) = key(k) {
            groups.entry(g).or_default().add(r);
        }
    }
    groups
}

/// Adds group sums up (cheap: a few dozen sums instead of thousands of rows).
fn total<'a>(parts: impl IntoIterator<Item = &'a MeasureRow>) -> MeasureRow {
    let mut t = MeasureRow::default();
    for p in parts {
        t.add(p);
    }
    t
}

fn category_label(lang: Lang, kind: &str, code: &str) -> String {
    let k = if kind == "wish" { "ben" } else { "cat" };
    crate::ui::i18n::t(lang, &format!("{k}.{code}"))
}

/// Every town's measures in the order of the towns list (towns with nothing get empty measures),
/// and the sums per town they came from (the city queue under `""`).
fn league(
    rows: &BTreeMap<RollupKey, MeasureRow>,
    towns: &[store::Town],
    lang: Lang,
) -> (Vec<MeasureLine>, BTreeMap<String, MeasureRow>) {
    let by_town = group(rows, |k| Some(k.town.clone()));
    let lines = towns
        .iter()
        .map(|t| MeasureLine {
            key: t.slug.clone(),
            label: t.name(lang).to_string(),
            m: by_town.get(&t.slug).map(MeasureRow::finish).unwrap_or_else(|| store::sum_rows([])),
        })
        .collect();
    (lines, by_town)
}

/// The first day of the month `back` months before `d`'s month.
fn month_start_back(d: Date, back: i32) -> Date {
    let total = d.year * 12 + d.month as i32 - 1 - back;
    Date { year: total.div_euclid(12), month: (total.rem_euclid(12) + 1) as u32, day: 1 }
}

fn presets(today: Date) -> Vec<(String, String, String)> {
    let y = today.year;
    let month_start = month_start_back(today, 0);
    let last_12 = domain::kpi::Period::last_12_months(today);
    vec![
        ("this_year".into(), format!("{y}-01-01"), today.to_string()),
        ("last_12".into(), last_12.from.to_string(), last_12.to.to_string()),
        ("this_month".into(), month_start.to_string(), today.to_string()),
        ("last_month".into(), month_start_back(today, 1).to_string(), month_start.add_days(-1).to_string()),
        ("last_year".into(), format!("{}-01-01", y - 1), format!("{}-12-31", y - 1)),
    ]
}

/// The dashboard for the signed-in staff member.
pub async fn dashboard_view(st: &AppState, f: &DashboardFilters, lang: Lang) -> AppResult<DashboardView> {
    let Some(u) = current_staff(st).await? else { return Err(AppError::SignIn) };
    let Ok(town) = u.dashboard_town(Some(&f.town)) else { return Err(AppError::Forbidden) };
    let now = store::now();
    let today = Date::from_timestamp(now);
    let towns = st.db.towns().await?;
    // A town nobody knows is treated as no town (all of the city) rather than an empty page.
    let town = town.filter(|t| towns.iter().any(|x| &x.slug == t));
    let (period, kind, category, errors) = read_filters(f, today);
    let q = MeasureQuery { from: Some(period.from), to: Some(period.to), town: None, kind, category: category.clone() };
    let rows = st.db.measure_rows(&q, now).await?;
    let (mut league, by_town) = league(&rows, &towns, lang);
    sort_league(&mut league, &f.sort, f.dir == "desc");
    // The whole city is the sum of the towns and the city queue (town ""): no second pass over rows.
    let overall = match &town {
        Some(t) => by_town.get(t).map(MeasureRow::finish).unwrap_or_default(),
        None => total(by_town.values()).finish(),
    };
    let scoped: store::measure_cache::SharedRows = match &town {
        Some(t) => std::sync::Arc::new(
            rows.iter().filter(|(k, _)| &k.town == t).map(|(k, r)| (k.clone(), r.clone())).collect(),
        ),
        None => rows,
    };
    // Home-page answers are kept under keys without kind (no town either); every other answer was given
    // on an item's rating form.
    let source = |home: bool| total(scoped.iter().filter(|(k, _)| k.kind.is_empty() == home).map(|(_, r)| r));
    let awareness_by_source = vec![
        ("rating".to_string(), source(false).finish().awareness),
        ("home".to_string(), source(true).finish().awareness),
    ];
    let trend = group(&scoped, |k| Some(format!("{:04}-{:02}", k.month / 100, k.month % 100)))
        .into_iter()
        .map(|(key, r)| MeasureLine { label: key.clone(), m: r.finish(), key })
        .collect();
    let by_category_rows = group(&scoped, |k| (!k.kind.is_empty()).then(|| format!("{}:{}", k.kind, k.category)));
    let mut by_kind_rows: BTreeMap<String, MeasureRow> = BTreeMap::new();
    for (key, r) in &by_category_rows {
        let kind = key.split(':').next().unwrap_or_default().to_string();
        by_kind_rows.entry(kind).or_default().add(r);
    }
    let by_kind = by_kind_rows
        .into_iter()
        .map(|(key, r)| MeasureLine { label: crate::ui::i18n::t(lang, &format!("kind.{key}")), m: r.finish(), key })
        .collect();
    let by_category = by_category_rows
        .into_iter()
        .map(|(key, r)| {
            let (kind, cat) = key.split_once(':').unwrap_or(("", ""));
            let label =
                format!("{} · {}", crate::ui::i18n::t(lang, &format!("kind.{kind}")), category_label(lang, kind, cat));
            MeasureLine { key, label, m: r.finish() }
        })
        .collect();
    let scope_name = match &town {
        Some(t) => store::names::town_name(&towns, Some(t), lang).unwrap_or_default(),
        None => crate::ui::i18n::t(lang, "dash.all_towns"),
    };
    let mut categories: Vec<Choice> = Beneficiary::ALL
        .iter()
        .map(|b| Choice { value: b.code().into(), label: category_label(lang, "wish", b.code()) })
        .collect();
    categories.extend(
        Category::ALL
            .iter()
            .map(|c| Choice { value: c.code().into(), label: category_label(lang, "project", c.code()) }),
    );
    let budget = budget_view(st, &towns, town.as_deref(), period.to.year, lang).await?;
    Ok(DashboardView {
        budget,
        awareness_by_source,
        me: me_view(&u, &towns, lang),
        all_towns: u.inbox_scope().ok().flatten().is_none(),
        filters: applied(f, period, &town, kind, &category),
        typed: f.clone(),
        errors,
        scope_name,
        overall,
        league,
        trend,
        by_kind,
        by_category,
        towns: towns.iter().map(|t| Choice { value: t.slug.clone(), label: t.name(lang).to_string() }).collect(),
        categories,
        presets: presets(today),
        generated_at: now,
    })
}

/// The items behind one number, for someone who may see that town.
pub async fn drill_view(st: &AppState, f: &DashboardFilters, lang: Lang) -> AppResult<DrillView> {
    let Some(u) = current_staff(st).await? else { return Err(AppError::SignIn) };
    let Ok(town) = u.dashboard_town(Some(&f.town)) else { return Err(AppError::Forbidden) };
    let Some(set) = MeasureSet::from_code(f.set.trim()) else { return Err(AppError::NotFound) };
    let now = store::now();
    let towns = st.db.towns().await?;
    let (period, kind, category, _) = read_filters(f, Date::from_timestamp(now));
    let q = MeasureQuery {
        from: Some(period.from),
        to: Some(period.to),
        town: town.clone(),
        kind,
        category: category.clone(),
    };
    let page = f.page.trim().parse::<i64>().ok().filter(|p| (1..=10_000).contains(p)).unwrap_or(1);
    let mut items = st.db.measure_items(&q, set, now, (page - 1) * DRILL_PAGE_SIZE, DRILL_PAGE_SIZE + 1).await?;
    let more = items.len() as i64 > DRILL_PAGE_SIZE;
    let total = st.db.measure_count(&q, set, now).await?;
    items.truncate(DRILL_PAGE_SIZE as usize);
    let lines = items
        .into_iter()
        .map(|i| DrillLine {
            town_name: store::names::town_name(&towns, i.town_slug.as_deref(), lang)
                .unwrap_or_else(|| crate::ui::i18n::t(lang, "staff.city_queue")),
            number: i.number,
            kind: i.kind,
            status: i.status,
            category: i.category,
            submitted_at: i.submitted_at,
            feedback_due_at: i.feedback_due_at,
            feedback_at: i.feedback_at,
            rating: i.rating,
        })
        .collect();
    let scope_name = match &town {
        Some(t) => store::names::town_name(&towns, Some(t), lang).unwrap_or_default(),
        None => crate::ui::i18n::t(lang, "dash.all_towns"),
    };
    Ok(DrillView {
        me: me_view(&u, &towns, lang),
        filters: applied(f, period, &town, kind, &category),
        total,
        set: set.code().to_string(),
        scope_name,
        lines,
        page,
        more,
    })
}

/// A cell of an exported table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A share in 0..=1, or nothing to count.
    Rate(Option<f64>),
}

/// The league table as a header and rows (a row for each town, then the whole city), for export.
pub async fn league_export(
    st: &AppState,
    u: &StaffUser,
    f: &DashboardFilters,
    lang: Lang,
) -> AppResult<Option<(String, Vec<String>, Vec<Vec<Cell>>)>> {
    if u.dashboard_town(None).is_err() {
        return Ok(None);
    }
    let now = store::now();
    let towns = st.db.towns().await?;
    let (period, kind, category, _) = read_filters(f, Date::from_timestamp(now));
    let q = MeasureQuery { from: Some(period.from), to: Some(period.to), town: None, kind, category };
    let rows = st.db.measure_rows(&q, now).await?;
    let (mut lines, by_town) = league(&rows, &towns, lang);
    lines.push(MeasureLine {
        key: String::new(),
        label: crate::ui::i18n::t(lang, "dash.all_towns"),
        m: total(by_town.values()).finish(),
    });
    let t = |k: &str| crate::ui::i18n::t(lang, k);
    let header = vec![
        t("dash.town"),
        t("dash.col.items"),
        t("dash.col.feedback_due"),
        t("dash.col.feedback_given"),
        t("fig.feedback"),
        t("dash.col.feedback_on_time"),
        t("dash.col.acceptance_on_time"),
        t("dash.col.ratings"),
        t("fig.satisfaction"),
        t("dash.col.awareness_answers"),
        t("fig.awareness"),
        t("dash.col.overdue"),
        t("dash.median_response"),
        t("dash.col.median_feedback_days"),
        t("dash.col.wishes"),
        t("dash.col.wishes_claimed"),
        t("dash.col.wishes_fulfilled"),
        t("dash.work.sign_on_time"),
        t("dash.work.returns"),
        t("dash.work.extensions"),
        t("dash.work.callbacks"),
        t("dash.work.rectify_on_time"),
        t("dash.work.resolution"),
    ];
    let opt = |v: Option<i64>| v.map(Cell::Int).unwrap_or(Cell::Text(String::new()));
    let body = lines
        .into_iter()
        .map(|l| {
            let m = l.m;
            vec![
                Cell::Text(l.label),
                Cell::Int(m.items),
                Cell::Int(m.feedback.den),
                Cell::Int(m.feedback.num),
                Cell::Rate(m.feedback.rate()),
                Cell::Rate(m.feedback_on_time.rate()),
                Cell::Rate(m.acceptance_on_time.rate()),
                Cell::Int(m.satisfaction.den),
                Cell::Rate(m.satisfaction.rate()),
                Cell::Int(m.awareness.den),
                Cell::Rate(m.awareness.rate()),
                Cell::Int(m.overdue),
                opt(m.median_response_hours),
                opt(m.median_feedback_days),
                Cell::Int(m.wishes),
                Cell::Int(m.wishes_claimed),
                Cell::Int(m.wishes_fulfilled),
                Cell::Rate(m.work.sign_on_time.rate()),
                Cell::Rate(m.work.returns.rate()),
                Cell::Rate(m.work.extensions.rate()),
                Cell::Rate(m.work.callbacks.rate()),
                Cell::Rate(m.work.rectify_on_time.rate()),
                Cell::Rate(m.work.resolution.rate()),
            ]
        })
        .collect();
    let name = format!("league-{}-{}", period.from, period.to);
    Ok(Some((name, header, body)))
}

/// The league table as CSV (UTF-8 with BOM so spreadsheets read the Chinese; rates in percent).
pub fn league_csv(header: &[String], rows: &[Vec<Cell>]) -> String {
    use crate::staff::export::csv_field;
    let mut out = String::from("\u{feff}");
    out.push_str(&header.iter().map(|h| csv_field(h)).collect::<Vec<_>>().join(","));
    out.push_str("\r\n");
    for r in rows {
        let fields: Vec<String> = r
            .iter()
            .map(|c| match c {
                Cell::Text(s) => csv_field(s),
                Cell::Int(n) => n.to_string(),
                Cell::Rate(Some(v)) => format!("{:.1}", v * 100.0),
                Cell::Rate(None) => String::new(),
            })
            .collect();
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

/// The public figures for a period (default: this year so far) and optionally one town, for the open
/// API: bad parameters are refused (`Invalid`).
pub async fn public_figures(st: &AppState, f: &DashboardFilters, lang: Lang) -> AppResult<PublicFigures> {
    match public_figures_or_default(st, f, lang).await? {
        (figures, errors) if errors.is_empty() => Ok(figures),
        (_, errors) => Err(AppError::Invalid(errors)),
    }
}

/// The kind and category of a public cut, strictly: unlike the dashboard's links, an unknown value is
/// an error naming its field, and a category must belong to the kind asked for (beneficiary groups
/// for wishes, categories for projects).
fn public_cut(f: &DashboardFilters, errors: &mut Vec<FieldError>) -> (Option<Kind>, Option<String>) {
    let kind = match f.kind.trim() {
        "" => None,
        k => Kind::from_code(k).or_else(|| {
            errors.push(FieldError::new("kind", "kind_unknown"));
            None
        }),
    };
    let category = match f.category.trim() {
        "" => None,
        c => {
            let wish = Beneficiary::ALL.iter().any(|b| b.code() == c);
            let project = Category::ALL.iter().any(|k| k.code() == c);
            let fits = match kind {
                Some(Kind::Wish) => wish,
                Some(Kind::Project) => project,
                None => wish || project,
            };
            if fits {
                Some(c.to_string())
            } else {
                errors.push(FieldError::new("category", "category_unknown"));
                None
            }
        }
    };
    (kind, category)
}

/// The public figures for the page and the API, cut by period, town, kind and category the way the
/// dashboard cuts them (the same rows, the same sums). With bad parameters: the figures of the default
/// (this year so far, all towns, every kind) and the errors to show next to the fields — never a
/// period's label over zeros.
pub async fn public_figures_or_default(
    st: &AppState,
    f: &DashboardFilters,
    lang: Lang,
) -> AppResult<(PublicFigures, Vec<FieldError>)> {
    let now = store::now();
    let (period, mut errors) = Period::parse(&f.from, &f.to, Date::from_timestamp(now));
    let towns = st.db.towns().await?;
    let mut town = Some(f.town.trim().to_string()).filter(|t| !t.is_empty());
    if let Some(t) = &town {
        if !towns.iter().any(|x| &x.slug == t) {
            errors.push(FieldError::new("town", "town_unknown"));
        }
    }
    let (mut kind, mut category) = public_cut(f, &mut errors);
    if !errors.is_empty() {
        (town, kind, category) = (None, None, None);
    }
    let q = MeasureQuery { from: Some(period.from), to: Some(period.to), town: None, kind, category: category.clone() };
    let rows = st.db.measure_rows(&q, now).await?;
    let (by_town, sums) = league(&rows, &towns, lang);
    let overall = match &town {
        Some(t) => by_town.iter().find(|l| &l.key == t).map(|l| l.m).unwrap_or_default(),
        None => total(sums.values()).finish(),
    };
    let towns_out = by_town
        .into_iter()
        .filter(|l| town.as_ref().is_none_or(|t| &l.key == t))
        .map(|l| {
            let en = towns.iter().find(|t| t.slug == l.key).map(|t| t.name(Lang::En).to_string()).unwrap_or_default();
            TownFigures { slug: l.key, name: l.label, name_en: en, figures: KpiFigures::from(&l.m) }
        })
        .collect();
    let figures = PublicFigures {
        from: period.from.to_string(),
        to: period.to.to_string(),
        town,
        kind: kind.map(|k| k.code().to_string()),
        category,
        generated_at: now,
        targets: Targets {
            feedback_rate: domain::kpi::FEEDBACK_TARGET,
            satisfaction_rate: domain::kpi::SATISFACTION_TARGET,
            awareness_rate: domain::kpi::AWARENESS_TARGET,
        },
        overall: KpiFigures::from(&overall),
        towns: towns_out,
    };
    Ok((figures, errors))
}
