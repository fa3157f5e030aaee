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

/// The SQL twin of [`domain::staff::next_due_at`] over `items i`.
pub const DUE_AT_SQL: &str =
    "(CASE WHEN i.status IN ('declined', 'feedback_given', 'closed', 'withdrawn', 'duplicate') THEN NULL \
    WHEN i.status = 'routed' AND i.signed_at IS NULL AND i.sign_due_at < i.acceptance_due_at THEN i.sign_due_at \
    WHEN i.status IN ('submitted', 'routed') THEN i.acceptance_due_at \
    WHEN i.status = 'reopened' AND i.redo_due_at IS NOT NULL THEN i.redo_due_at \
    WHEN i.feedback_at IS NULL THEN i.feedback_due_at \
    ELSE COALESCE(i.completion_due_at, i.feedback_due_at) END)";

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

fn done_list() -> String {
    STAFF_DONE_STATUSES.iter().map(|s| format!("'{}'", s.code())).collect::<Vec<_>>().join(", ")
}

/// The SQL twin of [`domain::staff::in_tab`].
fn tab_predicate(tab: Tab, w: &mut Where) -> String {
    let open = format!("i.status NOT IN ({})", done_list());
    match tab {
        Tab::New => "i.status IN ('submitted', 'routed')".into(),
        Tab::ToSign => "(i.status = 'routed' AND i.town_slug IS NOT NULL AND i.signed_at IS NULL \
                        AND i.return_pending_at IS NULL)"
            .into(),
        Tab::Decide => format!(
            "(({open} AND (i.return_pending_at IS NOT NULL OR i.extension_until IS NOT NULL)) \
             OR (i.appealed_at IS NOT NULL AND i.appeal_upheld IS NULL))"
        ),
        Tab::Rectify => "(i.rectify_due_at IS NOT NULL AND i.rectified_at IS NULL)".into(),
        Tab::Mine => {
            let me = w.arg(Arg::I(w.me));
            format!("({open} AND i.assignee_id = {me})")
        }
        Tab::InProgress => format!("({open} AND i.status NOT IN ('submitted', 'routed'))"),
        Tab::DueSoon => {
            let now = w.arg(Arg::I(w.clock.now));
            let soon = w.arg(Arg::I(w.clock.soon_until));
            format!("({open} AND {DUE_AT_SQL} >= {now} AND {DUE_AT_SQL} <= {soon})")
        }
        Tab::Overdue => {
            let now = w.arg(Arg::I(w.clock.now));
            format!("({open} AND {DUE_AT_SQL} < {now})")
        }
        Tab::Supervised => format!("({open} AND i.supervised_at IS NOT NULL AND i.supervision_answered_at IS NULL)"),
        Tab::Escalated => {
            let before = w.arg(Arg::I(w.clock.escalate_before));
            format!("({open} AND {DUE_AT_SQL} < {before})")
        }
        Tab::Callback => {
            let before = w.arg(Arg::I(w.clock.callback_before));
            format!(
                "(i.status IN ('feedback_given', 'declined') AND i.rating IS NULL AND i.callback_at IS NULL \
                 AND i.feedback_at < {before})"
            )
        }
        Tab::Done => format!("i.status IN ({})", done_list()),
    }
}

impl Db {
    /// One page of the staff inbox and the number of rows in the whole view, at the clock's `now`
    /// ([`Db::tab_clock`], read once per page by the caller).
    pub async fn inbox(&self, q: &InboxQuery, clock: &TabClock) -> Result<(Vec<InboxRow>, i64)> {
        let mut b = Where::new(q, clock);
        let tab_sql = tab_predicate(q.tab, &mut b);
        let where_sql = format!("{} AND {tab_sql}", b.sql.join(" AND "));
        let count_sql = format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM items i WHERE {where_sql}");
        let total: i64 = b.bind(sqlx::query(&count_sql)).fetch_one(&self.pool).await?.try_get("n")?;
        // PostgreSQL does not take output aliases inside ORDER BY expressions: repeat the expression.
        let order = if q.tab == Tab::Done {
            "i.updated_at DESC, i.id DESC".to_string()
        } else {
            format!("({DUE_AT_SQL} IS NULL), {DUE_AT_SQL}, i.id")
        };
        let limit = q.per_page.clamp(1, 100_000);
        let offset = q.page.saturating_sub(1) * limit;
        let sql = format!(
            "SELECT i.id, i.number, i.kind, i.status, i.category, i.title, SUBSTR(i.description, 1, 60) AS excerpt, \
             i.town_slug, c.name AS community_name, i.amount_yuan, i.urgent, i.submitted_at, i.assignee_id, \
             u.name AS assignee_name, {DUE_AT_SQL} AS due \
             FROM items i LEFT JOIN communities c ON c.id = i.community_id LEFT JOIN staff_users u ON u.id = i.assignee_id \
             WHERE {where_sql} ORDER BY {order} LIMIT {limit} OFFSET {offset}"
        );
        let rows = b.bind(sqlx::query(&sql)).fetch_all(&self.pool).await?;
        let rows = rows
            .iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                let status: String = r.try_get("status")?;
                Ok(InboxRow {
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
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((rows, total))
    }

    /// The inbox's clock at `now`: the due-soon window, the escalation and callback thresholds.
    pub async fn tab_clock(&self, now: i64) -> Result<TabClock> {
        Ok(TabClock::at(now, &self.settings().await?.deadlines, &self.calendar().await?))
    }

    /// The end of the due-soon window at `now` (`DeadlineRules::due_soon_until` on the calendar).
    pub async fn due_soon_until(&self, now: i64) -> Result<i64> {
        Ok(self.settings().await?.deadlines.due_soon_until(&self.calendar().await?, now))
    }

    /// How many items each tab holds under the same filters (the tab itself aside).
    pub async fn inbox_counts(&self, q: &InboxQuery, clock: &TabClock) -> Result<Vec<(Tab, i64)>> {
        let mut b = Where::new(q, clock);
        let mut sums = Vec::new();
        for tab in Tab::ALL {
            let p = tab_predicate(*tab, &mut b);
            sums.push(format!("CAST(COALESCE(SUM(CASE WHEN {p} THEN 1 ELSE 0 END), 0) AS BIGINT) AS {}", tab.code()));
        }
        let sql = format!("SELECT {} FROM items i WHERE {}", sums.join(", "), b.sql.join(" AND "));
        let r = b.bind(sqlx::query(&sql)).fetch_one(&self.pool).await?;
        Tab::ALL.iter().map(|t| Ok((*t, r.try_get::<i64, _>(t.code())?))).collect()
    }
}

enum Arg {
    I(i64),
    S(String),
}
