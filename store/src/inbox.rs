//! The staff inbox: the query by tab, town and filters, its rows and the counts per tab.

use crate::{opt_i64, Db, Result, StoreError};
use domain::staff::{TabClock, STAFF_DONE_STATUSES};
use domain::{Kind, Status, Tab};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// What the inbox shows: whose items, which tab, which filters, which page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxQuery {
    /// `Some(town)` for town staff; `None` for all towns (then `town` may narrow it).
    pub scope_town: Option<String>,
    /// `Some(village)` for a village worker: only the items handed to that village or community.
    #[serde(default)]
    pub scope_community: Option<i64>,
    /// A town filter for city-wide roles (`""` for the city queue of unrouted items).
    pub town: Option<String>,
    pub me: i64,
    pub tab: Tab,
    pub kind: Option<Kind>,
    pub status: Option<Status>,
    pub category: Option<String>,
    pub community_id: Option<i64>,
    pub text: Option<String>,
    /// From 1.
    pub page: i64,
    pub per_page: i64,
}

/// One line of the inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxRow {
    pub id: i64,
    pub number: String,
    pub kind: Kind,
    pub status: Status,
    pub category: String,
    pub title: String,
    pub excerpt: String,
    pub town_slug: Option<String>,
    pub community_name: Option<String>,
    pub amount_yuan: i64,
    pub urgent: bool,
    pub submitted_at: i64,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    /// The deadline that applies next ([`domain::staff::next_due_at`]); `None` when nothing is due.
    pub due_at: Option<i64>,
}

/// The SQL twin of [`domain::staff::next_due_at`] over `items i`: the generated column of migration
/// 0020, which the database keeps with every write (the storage tests check it against the domain).
pub const DUE_AT_SQL: &str = "i.next_due_at";

/// An item still open for staff: it has a next deadline (`next_due_at` is NULL exactly for
/// [`STAFF_DONE_STATUSES`], and the deadlines it is made of are never NULL).
const OPEN: &str = "i.next_due_at IS NOT NULL";

/// `items.inbox_stage`, a generated column: where an item is in the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    New,
    InProgress,
    Done,
}

impl Stage {
    /// The statuses of the stage, for the tallies (which count by status).
    fn statuses(self) -> Vec<Status> {
        let new = [Status::Submitted, Status::Routed];
        match self {
            Stage::New => new.to_vec(),
            Stage::Done => STAFF_DONE_STATUSES.to_vec(),
            Stage::InProgress => {
                Status::ALL.iter().copied().filter(|s| !new.contains(s) && !STAFF_DONE_STATUSES.contains(s)).collect()
            }
        }
    }

    /// The tabs that are exactly one stage.
    fn of_tab(tab: Tab) -> Option<Stage> {
        match tab {
            Tab::New => Some(Stage::New),
            Tab::InProgress => Some(Stage::InProgress),
            Tab::Done => Some(Stage::Done),
            _ => None,
        }
    }
}

/// A WHERE clause with numbered placeholders, bound in order.
struct Where {
    sql: Vec<String>,
    args: Vec<Arg>,
    me: i64,
    clock: TabClock,
}

impl Where {
    fn new(q: &InboxQuery, clock: &TabClock) -> Where {
        let mut w = Where { sql: vec!["1 = 1".into()], args: Vec::new(), me: q.me, clock: *clock };
        if let Some(c) = q.scope_community {
            let p = w.arg(Arg::I(c));
            w.sql.push(format!("i.community_id = {p}"));
        }
        if let Some(t) = &q.scope_town {
            let p = w.arg(Arg::S(t.clone()));
            w.sql.push(format!("i.town_slug = {p}"));
        } else if let Some(t) = &q.town {
            if t.is_empty() {
                w.sql.push("i.town_slug IS NULL".into());
            } else {
                let p = w.arg(Arg::S(t.clone()));
                w.sql.push(format!("i.town_slug = {p}"));
            }
        }
        if let Some(k) = q.kind {
            let p = w.arg(Arg::S(k.code().into()));
            w.sql.push(format!("i.kind = {p}"));
        }
        if let Some(s) = q.status {
            let p = w.arg(Arg::S(s.code().into()));
            w.sql.push(format!("i.status = {p}"));
        }
        if let Some(c) = &q.category {
            let p = w.arg(Arg::S(c.clone()));
            w.sql.push(format!("i.category = {p}"));
        }
        if let Some(c) = q.community_id {
            let p = w.arg(Arg::I(c));
            w.sql.push(format!("i.community_id = {p}"));
        }
        if let Some(text) = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let exact = w.arg(Arg::S(text.to_uppercase()));
            let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            let like = w.arg(Arg::S(format!("%{escaped}%")));
            w.sql.push(format!(
                "(i.number = {exact} OR i.title LIKE {like} ESCAPE '\\' OR i.description LIKE {like} ESCAPE '\\')"
            ));
        }
        w
    }

    fn arg(&mut self, a: Arg) -> String {
        self.args.push(a);
        format!("${}", self.args.len())
    }

    fn bind<'q>(
        &'q self,
        mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        for a in &self.args {
            q = match a {
                Arg::I(i) => q.bind(*i),
                Arg::S(s) => q.bind(s.as_str()),
            };
        }
        q
    }
}

/// The SQL twin of [`domain::staff::in_tab`].
fn tab_predicate(tab: Tab, w: &mut Where) -> String {
    match tab {
        Tab::New => format!("(i.inbox_stage = 'new' AND {OPEN})"),
        Tab::ToSign => format!(
            "({OPEN} AND i.status = 'routed' AND i.town_slug IS NOT NULL AND i.signed_at IS NULL \
             AND i.return_pending_at IS NULL)"
        ),
        // The candidates come from the three partial indexes of pending decisions (an OR of them
        // read the whole table on SQLite).
        Tab::Decide => format!(
            "(i.id IN (SELECT id FROM items WHERE return_pending_at IS NOT NULL \
               UNION ALL SELECT id FROM items WHERE extension_until IS NOT NULL \
               UNION ALL SELECT id FROM items WHERE appealed_at IS NOT NULL AND appeal_upheld IS NULL) \
             AND (({OPEN} AND (i.return_pending_at IS NOT NULL OR i.extension_until IS NOT NULL)) \
             OR (i.appealed_at IS NOT NULL AND i.appeal_upheld IS NULL)))"
        ),
        Tab::Rectify => "(i.rectify_due_at IS NOT NULL AND i.rectified_at IS NULL)".into(),
        Tab::Mine => {
            let me = w.arg(Arg::I(w.me));
            format!("({OPEN} AND i.assignee_id = {me})")
        }
        Tab::InProgress => format!("(i.inbox_stage = 'in_progress' AND {OPEN})"),
        Tab::DueSoon => {
            let now = w.arg(Arg::I(w.clock.now));
            let soon = w.arg(Arg::I(w.clock.soon_until));
            format!("({OPEN} AND i.next_due_at >= {now} AND i.next_due_at <= {soon})")
        }
        Tab::Overdue => {
            let now = w.arg(Arg::I(w.clock.now));
            format!("({OPEN} AND i.next_due_at < {now})")
        }
        Tab::Supervised => format!("({OPEN} AND i.supervised_at IS NOT NULL AND i.supervision_answered_at IS NULL)"),
        Tab::Escalated => {
            let before = w.arg(Arg::I(w.clock.escalate_before));
            format!("({OPEN} AND i.next_due_at < {before})")
        }
        Tab::Callback => {
            let before = w.arg(Arg::I(w.clock.callback_before));
            format!(
                "(i.status IN ('feedback_given', 'declined') AND i.rating IS NULL AND i.callback_at IS NULL \
                 AND i.feedback_at < {before})"
            )
        }
        Tab::Done => "i.inbox_stage = 'done'".into(),
    }
}

/// Whether every item of the tab is open (then it is listed in deadline order, without NULLs).
fn all_open(tab: Tab) -> bool {
    !matches!(tab, Tab::Decide | Tab::Rectify | Tab::Callback | Tab::Done)
}

/// The index a tab's rows are read through on SQLite, which has no statistics to choose: without a
/// hint a `kind` filter takes the unique index on (kind, year, seq) and reads every item of that kind,
/// and the open items' index is taken where a tab's own partial index holds a hundredth of them. The
/// storage tests run every tab under every filter, so a hint the query cannot use fails there.
fn sqlite_hint(tab: Tab, q: &InboxQuery, count: bool) -> &'static str {
    if q.scope_community.is_some() || q.community_id.is_some() {
        return " INDEXED BY items_community";
    }
    let town = q.scope_town.is_some() || q.town.is_some();
    match (tab, town) {
        // City-wide, 待签收 is listed in deadline order from an index of its own (sorting its 40,000
        // items took 0.1 s); it is counted from the per-town one.
        (Tab::ToSign, false) if !count => " INDEXED BY items_sign_due",
        (Tab::Callback, false) => " INDEXED BY items_callback_age",
        (Tab::New | Tab::InProgress | Tab::DueSoon | Tab::Overdue | Tab::Escalated, true) => {
            " INDEXED BY items_town_open_due"
        }
        (Tab::New | Tab::InProgress | Tab::DueSoon | Tab::Overdue | Tab::Escalated, false) => {
            " INDEXED BY items_open_due"
        }
        (Tab::Done, true) => " INDEXED BY items_town_done_updated",
        (Tab::Done, false) => " INDEXED BY items_done_updated",
        (Tab::ToSign, _) => " INDEXED BY items_sign_waiting",
        (Tab::Supervised, _) => " INDEXED BY items_supervision_pending",
        (Tab::Callback, _) => " INDEXED BY items_callback_waiting",
        (Tab::Rectify, _) => " INDEXED BY items_rectify_pending",
        (Tab::Mine, _) => " INDEXED BY items_assignee",
        // Rows by id from the candidates' list (the rowid is still used).
        (Tab::Decide, _) => " NOT INDEXED",
    }
}

/// A scalar SQL expression that counts the tab's items under the query's filters. The stage tabs
/// (待受理, 办理中, 已办完) are read from `inbox_tallies` when the filters are among those it is kept by
/// (town, kind, category, status); the others count an index range of the open or waiting items.
fn count_expr(tab: Tab, q: &InboxQuery, w: &mut Where, backend: crate::Backend) -> String {
    let filters = w.sql.join(" AND ");
    let tallied = q.scope_community.is_none()
        && q.community_id.is_none()
        && q.text.as_deref().map(str::trim).unwrap_or("").is_empty();
    match Stage::of_tab(tab) {
        Some(stage) if tallied => {
            let mut sql = Vec::new();
            let town = q.scope_town.clone().or_else(|| q.town.clone());
            if let Some(t) = town {
                let p = w.arg(Arg::S(t));
                sql.push(format!("t.town_slug = {p}"));
            }
            if let Some(k) = q.kind {
                let p = w.arg(Arg::S(k.code().into()));
                sql.push(format!("t.kind = {p}"));
            }
            if let Some(c) = &q.category {
                let p = w.arg(Arg::S(c.clone()));
                sql.push(format!("t.category = {p}"));
            }
            let statuses = stage.statuses();
            match q.status {
                Some(s) if statuses.contains(&s) => {
                    let p = w.arg(Arg::S(s.code().into()));
                    sql.push(format!("t.status = {p}"));
                }
                Some(_) => return "CAST(0 AS BIGINT)".into(),
                None => {
                    let list = statuses.iter().map(|s| format!("'{}'", s.code())).collect::<Vec<_>>().join(", ");
                    sql.push(format!("t.status IN ({list})"));
                }
            }
            format!("(SELECT CAST(COALESCE(SUM(t.n), 0) AS BIGINT) FROM inbox_tallies t WHERE {})", sql.join(" AND "))
        }
        _ => {
            let p = tab_predicate(tab, w);
            let hint = if backend == crate::Backend::Sqlite { sqlite_hint(tab, q, true) } else { "" };
            format!("(SELECT CAST(COUNT(*) AS BIGINT) FROM items i{hint} WHERE {filters} AND {p})")
        }
    }
}

impl Db {
    /// One page of the staff inbox and the number of rows in the whole view, at the clock's `now`
    /// ([`Db::tab_clock`], read once per page by the caller).
    pub async fn inbox(&self, q: &InboxQuery, clock: &TabClock) -> Result<(Vec<InboxRow>, i64)> {
        let mut b = Where::new(q, clock);
        let count_sql = format!("SELECT {} AS n", count_expr(q.tab, q, &mut b, self.backend));
        let total: i64 = b.bind(sqlx::query(&count_sql)).fetch_one(&self.pool).await?.try_get("n")?;
        let mut b = Where::new(q, clock);
        let tab_sql = tab_predicate(q.tab, &mut b);
        let where_sql = format!("{} AND {tab_sql}", b.sql.join(" AND "));
        let order = if q.tab == Tab::Done {
            "i.updated_at DESC, i.id DESC"
        } else if q.tab == Tab::Callback {
            // Answered items (nothing due from staff any more), the longest waiting for a call first.
            "i.feedback_at, i.id"
        } else if all_open(q.tab) {
            "i.next_due_at, i.id"
        } else {
            // PostgreSQL puts NULLs last and SQLite first: say where they go.
            "(i.next_due_at IS NULL), i.next_due_at, i.id"
        };
        let hint = if self.backend == crate::Backend::Sqlite { sqlite_hint(q.tab, q, false) } else { "" };
        let limit = q.per_page.clamp(1, 100_000);
        let offset = q.page.saturating_sub(1) * limit;
        let sql = format!(
            "SELECT i.id, i.number, i.kind, i.status, i.category, i.title, SUBSTR(i.description, 1, 60) AS excerpt, \
             i.town_slug, c.name AS community_name, i.amount_yuan, i.urgent, i.submitted_at, i.assignee_id, \
             u.name AS assignee_name, i.next_due_at AS due \
             FROM items i{hint} LEFT JOIN communities c ON c.id = i.community_id LEFT JOIN staff_users u ON u.id = i.assignee_id \
             WHERE {where_sql} ORDER BY {order} LIMIT {limit} OFFSET {offset}"
        );
        // Rows are converted as they arrive: an export of 40,000 rows never holds them twice.
        use futures_util::TryStreamExt;
        let mut out = Vec::new();
        let query = b.bind(sqlx::query(&sql));
        let mut stream = query.fetch(&self.pool);
        while let Some(row) = stream.try_next().await? {
            out.push({
                let r = &row;
                let kind: String = r.try_get("kind")?;
                let status: String = r.try_get("status")?;
                InboxRow {
                    id: r.try_get("id")?,
                    number: r.try_get("number")?,
                    kind: Kind::from_code(&kind).ok_or_else(|| StoreError::Corrupt(kind.clone()))?,
                    status: Status::from_code(&status).ok_or_else(|| StoreError::Corrupt(status.clone()))?,
                    category: r.try_get("category")?,
                    title: r.try_get("title")?,
                    excerpt: r.try_get("excerpt")?,
                    town_slug: r.try_get("town_slug")?,
                    community_name: r.try_get("community_name")?,
                    amount_yuan: r.try_get("amount_yuan")?,
                    urgent: r.try_get::<i64, _>("urgent")? != 0,
                    submitted_at: r.try_get("submitted_at")?,
                    assignee_id: opt_i64(r, "assignee_id")?,
                    assignee_name: r.try_get("assignee_name")?,
                    due_at: opt_i64(r, "due")?,
                }
            });
        }
        Ok((out, total))
    }

    /// The inbox's clock at `now`: the due-soon window, the escalation and callback thresholds.
    pub async fn tab_clock(&self, now: i64) -> Result<TabClock> {
        Ok(TabClock::at(now, &self.settings().await?.deadlines, &self.calendar().await?))
    }

    /// The end of the due-soon window at `now` (`DeadlineRules::due_soon_until` on the calendar).
    pub async fn due_soon_until(&self, now: i64) -> Result<i64> {
        Ok(self.settings().await?.deadlines.due_soon_until(&self.calendar().await?, now))
    }

    /// How many items each tab holds under the same filters (the tab itself aside), in one statement
    /// of one small count per tab.
    pub async fn inbox_counts(&self, q: &InboxQuery, clock: &TabClock) -> Result<Vec<(Tab, i64)>> {
        let mut b = Where::new(q, clock);
        let mut counts = Vec::new();
        for tab in Tab::ALL {
            counts.push(format!("{} AS {}", count_expr(*tab, q, &mut b, self.backend), tab.code()));
        }
        let sql = format!("SELECT {}", counts.join(", "));
        let r = b.bind(sqlx::query(&sql)).fetch_one(&self.pool).await?;
        Tab::ALL.iter().map(|t| Ok((*t, r.try_get::<i64, _>(t.code())?))).collect()
    }
}

enum Arg {
    I(i64),
    S(String),
}
