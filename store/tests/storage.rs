//! Storage on both databases: numbering, double submits, the lifecycle through `act`, stale writes,
//! concurrent actions, determinism of the demo seeder, and SQL measures against the pure definitions.

use store::testing as common;

use domain::kpi::measures;
use domain::lifecycle::{Action, Actor};
use domain::{Date, Kind, Rating, Status};
use store::seed::{seed_demo, SeedOptions};
use store::{Db, NewItem, StoreError};

fn new_wish(key: Option<&str>, at: i64) -> NewItem {
    common::wish(key, at)
}

const T0: i64 = 1_790_000_000; // 2026-09-21

async fn to_feedback_given(db: &Db, id: i64) {
    let t = |s: &str| s.to_string();
    for (i, a) in [
        Action::Accept { plan: t("核实") },
        Action::Publish { text: "一位独居老人需要一台轮椅".into() },
        Action::RecordFulfilment { note: t("已送达") },
        Action::GiveFeedback { message: t("已实现") },
    ]
    .iter()
    .enumerate()
    {
        db.act(id, None, Actor::Staff, "staff@test", a, T0 + 3600 * (i as i64 + 1)).await.unwrap();
    }
}

#[tokio::test]
async fn numbers_are_sequential_per_kind_and_year_and_double_submits_make_one_item() {
    for b in common::backends() {
        let db = common::fresh(b).await;
        let a = db.create_item(&new_wish(Some("key-a"), T0)).await.unwrap();
        let c = db.create_item(&new_wish(Some("key-b"), T0 + 5)).await.unwrap();
        assert_eq!(a.number, "W-2026-000001", "{b}");
        assert_eq!(c.number, "W-2026-000002", "{b}");
        assert_ne!(a.token, c.token);
        assert_eq!(a.token.len(), 26);
        let again = db.create_item(&new_wish(Some("key-a"), T0 + 9)).await.unwrap();
        assert_eq!((again.id, again.token.as_str(), again.already_existed), (a.id, a.token.as_str(), true), "{b}");
        assert_eq!(db.count_items().await.unwrap(), 2, "{b}");
        let p = db.create_item(&NewItem { kind: Kind::Project, ..new_wish(None, T0) }).await.unwrap();
        assert_eq!(p.number, "P-2026-000001", "{b}");
        let item = db.item_by_token(&a.token).await.unwrap().unwrap();
        assert_eq!((item.status, item.community_name.as_deref()), (Status::Routed, Some("北隅社区")), "{b}");
        let ev = db.events(a.id, true).await.unwrap();
        assert_eq!(ev.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["submit", "route"], "{b}");
    }
}

#[tokio::test]
async fn concurrent_double_submits_make_one_item() {
    for b in common::backends() {
        let db = common::fresh(b).await;
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let db = db.clone();
                tokio::spawn(async move { db.create_item(&new_wish(Some("same-key"), T0 + i)).await.unwrap() })
            })
            .collect();
        let mut ids = Vec::new();
        for h in handles {
            ids.push(h.await.unwrap().id);
        }
        ids.dedup();
        assert_eq!(ids.len(), 1, "{b}: {ids:?}");
        assert_eq!(db.count_items().await.unwrap(), 1, "{b}");
    }
}

#[tokio::test]
async fn lookup_needs_the_right_phone_digits() {
    for b in common::backends() {
        let db = common::fresh(b).await;
        let a = db.create_item(&new_wish(None, T0)).await.unwrap();
        assert_eq!(
            db.token_by_number_and_phone_tail(&a.number, "1234").await.unwrap().as_deref(),
            Some(a.token.as_str())
        );
        assert_eq!(db.token_by_number_and_phone_tail(&a.number, "9999").await.unwrap(), None);
        assert_eq!(db.token_by_number_and_phone_tail("W-2026-000999", "1234").await.unwrap(), None);
    }
}

#[tokio::test]
async fn a_wish_is_rated_reopened_and_closed_again_with_every_step_on_the_timeline() {
    for b in common::backends() {
        let db = common::fresh(b).await;
        let a = db.create_item(&new_wish(None, T0)).await.unwrap();
        to_feedback_given(&db, a.id).await;
        let item = db.item_by_token(&a.token).await.unwrap().unwrap();
        assert_eq!(item.status, Status::FeedbackGiven);
        assert_eq!(item.facts.first_response_at, Some(T0 + 3600), "{b}: acceptance reply recorded");
        assert_eq!(item.facts.feedback_at, Some(T0 + 4 * 3600), "{b}: feedback recorded at the feedback step");

        let rate = |r: Rating| Action::Rate { rating: r, comment: "还行".into(), aware: Some(true) };
        db.act(a.id, Some(item.version), Actor::Resident, "", &rate(Rating::Unsatisfied), T0 + 50_000).await.unwrap();
        // A second rating from a stale page writes nothing.
        let stale = db.act(a.id, Some(item.version), Actor::Resident, "", &rate(Rating::Satisfied), T0 + 50_001).await;
        assert!(matches!(stale, Err(StoreError::Conflict)), "{b}: {stale:?}");
        db.act(a.id, None, Actor::Resident, "", &Action::RequestReopen, T0 + 60_000).await.unwrap();
        let refused = db.act(a.id, None, Actor::Resident, "", &Action::RequestReopen, T0 + 60_001).await;
        assert!(matches!(refused, Err(StoreError::Refused(_))), "{b}");
        // The reopening has its own answer deadline (a wish: a month from the reopening, to the end of
        // that day), which the inbox sorts and badges by; the first answer's deadline is untouched.
        let reopened = db.item_by_token(&a.token).await.unwrap().unwrap();
        let redo_due = Date::from_timestamp(T0 + 60_000).add_months(1).end_ts();
        assert_eq!((reopened.status, reopened.facts.redo_due_at), (Status::Reopened, Some(redo_due)), "{b}");
        assert_eq!(reopened.feedback_due_at, item.feedback_due_at, "{b}");
        let due_sql: Option<i64> =
            sqlx::query_scalar(&format!("SELECT {} FROM items i WHERE i.id = $1", store::inbox::DUE_AT_SQL))
                .bind(a.id)
                .fetch_one(&db.pool)
                .await
                .unwrap();
        assert_eq!(due_sql, Some(redo_due), "{b}: the inbox's SQL sees the redo deadline");
        db.act(
            a.id,
            None,
            Actor::Staff,
            "staff@test",
            &Action::GiveFeedback { message: "重新办理".into() },
            T0 + 70_000,
        )
        .await
        .unwrap();
        db.act(a.id, None, Actor::Resident, "", &rate(Rating::Satisfied), T0 + 80_000).await.unwrap();
        let done = db.item_by_token(&a.token).await.unwrap().unwrap();
        assert_eq!(
            (done.status, done.facts.rating, done.facts.reopen_count),
            (Status::Closed, Some(Rating::Satisfied), 1),
            "{b}"
        );
        assert_eq!(done.facts.feedback_at, Some(T0 + 4 * 3600), "{b}: the first feedback time is kept");
        assert_eq!((done.facts.redo_due_at, done.facts.redo_feedback_at), (Some(redo_due), Some(T0 + 70_000)), "{b}");
        let actions: Vec<String> = db.events(a.id, true).await.unwrap().into_iter().map(|e| e.action).collect();
        assert_eq!(
            actions,
            ["submit", "route", "accept", "publish", "fulfil", "feedback", "rate", "reopen", "feedback", "rate"],
            "{b}"
        );
    }
}

#[tokio::test]
async fn two_staff_acting_at_once_make_one_change() {
    for b in common::backends() {
        let db = common::fresh(b).await;
        let a = db.create_item(&new_wish(None, T0)).await.unwrap();
        let v = db.item_by_token(&a.token).await.unwrap().unwrap().version;
        let accept = {
            let db = db.clone();
            tokio::spawn(async move {
                db.act(a.id, Some(v), Actor::Staff, "s1", &Action::Accept { plan: "ok".into() }, T0 + 10).await
            })
        };
        let decline = {
            let db = db.clone();
            tokio::spawn(async move {
                db.act(a.id, Some(v), Actor::Staff, "s2", &Action::Decline { reason: "no".into() }, T0 + 10).await
            })
        };
        let results = [accept.await.unwrap(), decline.await.unwrap()];
        assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 1, "{b}: {results:?}");
        assert!(results.iter().any(|r| matches!(r, Err(StoreError::Conflict))), "{b}");
        assert_eq!(db.events(a.id, false).await.unwrap().len(), 3, "{b}: submit, route and exactly one action");
    }
}

async fn fingerprint(db: &Db) -> Vec<(String, String, String, Option<i64>)> {
    let mut out = Vec::new();
    for n in [1, 2, 3, 50, 400, 999] {
        let number = format!("W-2026-{n:06}");
        if let Some(it) = db.item_by_number(&number).await.unwrap() {
            out.push((it.number, it.token, it.status.code().to_string(), it.facts.feedback_at));
        }
    }
    out
}

#[tokio::test]
async fn the_seeder_is_deterministic_and_sql_measures_match_the_definitions() {
    let until = Date::parse("2026-10-31").unwrap();
    let opts = SeedOptions { items: 3_000, seed: 7, until, years: 1 };
    let mut prints = Vec::new();
    let mut year_measures = Vec::new();
    for b in common::backends() {
        let db = common::fresh(b).await;
        let report = seed_demo(&db, &opts).await.unwrap();
        assert_eq!(report.items, 3_000);
        assert_eq!(db.count_items().await.unwrap(), 3_000);
        // Every lifecycle state that matters appears.
        for s in
            [Status::Routed, Status::Published, Status::InProgress, Status::Closed, Status::Declined, Status::Withdrawn]
        {
            let n: i64 = sqlx::query_scalar::<_, i64>("SELECT CAST(COUNT(*) AS BIGINT) FROM items WHERE status = $1")
                .bind(s.code())
                .fetch_one(&db.pool)
                .await
                .unwrap();
            assert!(n > 0, "{b}: no item in {s:?}");
        }
        db.record_awareness(true, "home", until.start_ts()).await.unwrap();
        db.record_awareness(false, "home", until.start_ts()).await.unwrap();
        // SQL and the pure functions agree over many periods, evaluated at several moments.
        let start = until.add_days(-364).start_ts();
        let end = until.end_ts() + 1;
        let mut rng = store::seed::Rng::new(42);
        for _ in 0..25 {
            let a = start + rng.below((end - start) as u64) as i64;
            let z = a + rng.below((end - a) as u64) as i64 + 1;
            let at = a + rng.below(400 * 86_400) as i64;
            let q = store::MeasureQuery {
                from: Some(Date::from_timestamp(a)),
                to: Some(Date::from_timestamp(z)),
                ..Default::default()
            };
            let sql = db.measures(&q, at).await.unwrap();
            let (items, extra) = db.kpi_items(&q).await.unwrap();
            assert_eq!(sql, measures(&items, at, extra), "{b}: period {a}..{z} at {at}");
        }
        prints.push(fingerprint(&db).await);
        let year = store::MeasureQuery { from: Some(until.add_days(-364)), to: Some(until), ..Default::default() };
        year_measures.push(db.measures(&year, end).await.unwrap());
    }
    // Same seed and date: same items and the same measures on every backend.
    assert!(prints.windows(2).all(|w| w[0] == w[1]), "{prints:?}");
    assert!(year_measures.windows(2).all(|w| w[0] == w[1]), "{year_measures:?}");
    let m = year_measures[0];
    assert!(m.feedback.den > 1_000 && m.satisfaction.den > 500, "{m:?}");
}

#[tokio::test]
async fn the_inbox_sql_agrees_with_the_domain_rules_for_every_tab() {
    use domain::staff::{in_tab, next_due_at};
    use domain::{Role, Tab};
    use std::collections::BTreeMap;
    let until = Date::parse("2026-11-20").unwrap();
    for b in common::backends() {
        let db = common::fresh(b).await;
        seed_demo(&db, &SeedOptions { items: 1_500, seed: 11, until, years: 1 }).await.unwrap();
        let staff = store::NewStaffUser {
            email: "s@dg.gov.cn".into(),
            name: "S".into(),
            role: Role::Dispatcher,
            town_slug: None,
            community_id: None,
            password: "a long password".into(),
        };
        let me = db.create_staff_user(&staff, T0).await.unwrap();
        // This staff member takes a few open items by noting on them.
        let open: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM items WHERE status IN ('routed', 'accepted', 'in_progress') ORDER BY id LIMIT 40",
        )
        .fetch_all(&db.pool)
        .await
        .unwrap();
        for id in &open {
            let by =
                store::By { actor: Actor::Staff, label: "S".into(), staff_id: Some(me.id), remote_addr: "t".into() };
            db.act_by(*id, None, &by, &Action::Note { text: "看过".into(), public: false }, until.start_ts())
                .await
                .unwrap();
        }
        // A few items change status and town through the lifecycle, and a few straight in SQL, so
        // that the tallies' triggers see updates of each column they are kept by.
        for sql in [
            "UPDATE items SET status = 'closed' WHERE id IN \
             (SELECT id FROM items WHERE status = 'in_progress' ORDER BY id DESC LIMIT 4)",
            "UPDATE items SET category = 'other' WHERE id IN \
             (SELECT id FROM items WHERE kind = 'project' AND category <> 'other' ORDER BY id DESC LIMIT 2)",
            "UPDATE items SET town_slug = NULL, status = 'submitted' WHERE id IN \
             (SELECT id FROM items WHERE status = 'routed' ORDER BY id DESC LIMIT 2)",
        ] {
            let changed = sqlx::query(sql).execute(&db.pool).await.unwrap().rows_affected();
            assert!(changed > 0, "{b}: {sql}");
        }
        let waiting: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM items WHERE status = 'submitted' ORDER BY id LIMIT 1")
                .fetch_all(&db.pool)
                .await
                .unwrap();
        assert!(!waiting.is_empty(), "{b}: the demo has items in the city queue");
        for id in &waiting {
            let by =
                store::By { actor: Actor::Staff, label: "S".into(), staff_id: Some(me.id), remote_addr: "t".into() };
            db.act_by(*id, None, &by, &Action::Route { town: "humen".into() }, until.start_ts()).await.unwrap();
        }
        // What the domain says, item by item.
        let numbers: Vec<String> = sqlx::query_scalar("SELECT number FROM items").fetch_all(&db.pool).await.unwrap();
        let mut facts = BTreeMap::new();
        for n in &numbers {
            let item = db.item_by_number(n).await.unwrap().unwrap();
            let assignee = db.assignee(item.id).await.unwrap().map(|(id, _)| id);
            facts.insert(
                n.clone(),
                (
                    item.status,
                    next_due_at(item.status, &item.facts, item.feedback_due_at),
                    assignee,
                    item.facts.clone(),
                ),
            );
        }
        for now in [until.start_ts() - 40 * 86_400, until.start_ts(), until.end_ts() + 20 * 86_400] {
            let q = |tab| store::InboxQuery {
                scope_town: None,
                scope_community: None,
                town: None,
                me: me.id,
                tab,
                kind: None,
                status: None,
                category: None,
                community_id: None,
                text: None,
                page: 1,
                per_page: 100_000,
            };
            let clock = db.tab_clock(now).await.unwrap();
            let counts = db.inbox_counts(&q(Tab::New), &clock).await.unwrap();
            for tab in Tab::ALL {
                let (rows, total) = db.inbox(&q(*tab), &clock).await.unwrap();
                let expected: Vec<&String> = facts
                    .iter()
                    .filter(|(_, (s, due, who, f))| in_tab(*tab, *s, f, *due, *who, me.id, &clock))
                    .map(|(n, _)| n)
                    .collect();
                let mut got: Vec<&String> = rows.iter().map(|r| &r.number).collect();
                got.sort();
                assert_eq!(got, expected, "{b}: tab {tab:?} at {now}");
                assert_eq!(total as usize, expected.len(), "{b}");
                assert_eq!(counts.iter().find(|(t, _)| t == tab).unwrap().1, total, "{b}: count of {tab:?}");
                for r in &rows {
                    assert_eq!(r.due_at, facts[&r.number].1, "{b}: due of {}", r.number);
                }
                if *tab != Tab::Done {
                    let dues: Vec<i64> = rows.iter().filter_map(|r| r.due_at).collect();
                    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "{b}: {tab:?} sorted by deadline");
                }
                if *tab == Tab::Callback {
                    let answered: Vec<Option<i64>> = rows.iter().map(|r| facts[&r.number].3.feedback_at).collect();
                    assert!(answered.windows(2).all(|w| w[0] <= w[1]), "{b}: 回访 oldest answer first");
                }
            }
            let n = |t: Tab| counts.iter().find(|(x, _)| *x == t).unwrap().1;
            assert!(n(Tab::Mine) > 0 && n(Tab::Overdue) > 0 && n(Tab::Done) > 0, "{b}: {counts:?}");

            // The same under each filter and scope: the counts of 新 / 办理中 / 已办结 come from the
            // tallies the triggers keep, the others from index ranges; all must equal the domain's.
            let (town, category, community): (String, String, i64) = sqlx::query_as(
                "SELECT town_slug, category, community_id FROM items \
                 WHERE town_slug IS NOT NULL AND community_id IS NOT NULL ORDER BY id LIMIT 1",
            )
            .fetch_one(&db.pool)
            .await
            .unwrap();
            let place: BTreeMap<String, (String, String, String, Option<i64>)> =
                sqlx::query_as::<_, (String, Option<String>, String, String, Option<i64>)>(
                    "SELECT number, town_slug, kind, category, community_id FROM items",
                )
                .fetch_all(&db.pool)
                .await
                .unwrap()
                .into_iter()
                .map(|(n, t, k, c, v)| (n, (t.unwrap_or_default(), k, c, v)))
                .collect();
            type Filter = Box<dyn Fn(&mut store::InboxQuery)>;
            let (t1, t2, c1) = (town.clone(), town.clone(), category.clone());
            let filters: Vec<(&str, Filter)> = vec![
                ("town", Box::new(move |q| q.town = Some(t1.clone()))),
                ("city queue", Box::new(|q| q.town = Some(String::new()))),
                ("kind", Box::new(|q| q.kind = Some(domain::Kind::Project))),
                ("category", Box::new(move |q| q.category = Some(c1.clone()))),
                ("status", Box::new(|q| q.status = Some(domain::Status::InProgress))),
                (
                    "town staff, kind",
                    Box::new(move |q| {
                        q.scope_town = Some(t2.clone());
                        q.kind = Some(domain::Kind::Wish);
                    }),
                ),
                ("village", Box::new(move |q| q.scope_community = Some(community))),
                ("text", Box::new(|q| q.text = Some("的".into()))),
            ];
            for (name, f) in &filters {
                let mut fq = q(Tab::New);
                f(&mut fq);
                let keep = |number: &String, status: domain::Status| {
                    let (t, k, c, v) = &place[number];
                    fq.town.as_ref().is_none_or(|x| x == t)
                        && fq.scope_town.as_ref().is_none_or(|x| x == t)
                        && fq.kind.is_none_or(|x| x.code() == k)
                        && fq.category.as_ref().is_none_or(|x| x == c)
                        && fq.status.is_none_or(|x| x == status)
                        && fq.scope_community.is_none_or(|x| Some(x) == *v)
                };
                let counts = db.inbox_counts(&fq, &clock).await.unwrap();
                let mut seen = 0;
                for tab in Tab::ALL {
                    let tq = store::InboxQuery { tab: *tab, ..fq.clone() };
                    let (rows, total) = db.inbox(&tq, &clock).await.unwrap();
                    let count = counts.iter().find(|(t, _)| t == tab).unwrap().1;
                    assert_eq!(count, total, "{b}: {name}: count of {tab:?}");
                    assert_eq!(rows.len() as i64, total, "{b}: {name}: rows of {tab:?}");
                    if fq.text.is_none() {
                        let expected = facts
                            .iter()
                            .filter(|(n, (s, due, who, f))| {
                                keep(n, *s) && in_tab(*tab, *s, f, *due, *who, me.id, &clock)
                            })
                            .count();
                        assert_eq!(total as usize, expected, "{b}: {name}: {tab:?}");
                    }
                    seen += total;
                }
                assert!(seen > 0, "{b}: {name} shows something");
            }
        }
        // The tallies equal a recount after the seeder's batches and the notes above.
        let drift: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM inbox_tallies t FULL OUTER JOIN \
             (SELECT COALESCE(town_slug, '') AS town_slug, kind, category, status, COUNT(*) AS n FROM items \
              GROUP BY COALESCE(town_slug, ''), kind, category, status) c \
             ON c.town_slug = t.town_slug AND c.kind = t.kind AND c.category = t.category AND c.status = t.status \
             WHERE COALESCE(t.n, 0) <> COALESCE(c.n, 0)",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        assert_eq!(drift, 0, "{b}: inbox_tallies match the items");
    }
}

/// CI once failed `unique_constraints_answer_as_field_errors_and_write_nothing` with `database is
/// locked`: a refused insert's transaction is rolled back by sqlx on the connection's worker thread
/// after the store's write guard is released, and the next write — on another connection, reading
/// before writing in a deferred transaction — got SQLITE_BUSY at once instead of waiting. Here another
/// connection holds the write lock for a moment, as the dropped transaction did: the store's writes
/// must wait for it, not fail.
#[tokio::test]
async fn a_write_waits_for_a_write_still_open_on_another_connection() {
    for b in common::backends() {
        let db = common::fresh(b).await;
        let mut other = match db.backend {
            store::Backend::Sqlite => db.pool.begin_with("BEGIN IMMEDIATE").await.unwrap(),
            store::Backend::Postgres => db.pool.begin().await.unwrap(),
        };
        sqlx::query("UPDATE settings SET value = value WHERE key = $1")
            .bind("none")
            .execute(&mut *other)
            .await
            .unwrap();
        let release = tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            other.rollback().await.unwrap();
        });
        // Reads (MAX(id)) before it writes, in one transaction.
        let id = db.add_community("humen", "新村丁", "village").await;
        assert!(id.is_ok(), "{b:?}: {id:?}");
        release.await.unwrap();
    }
}

#[tokio::test]
async fn unique_constraints_answer_as_field_errors_and_write_nothing() {
    use domain::{FieldError, Role};
    for b in common::backends() {
        let db = common::fresh(b).await;
        let staff = |email: &str| store::NewStaffUser {
            email: email.into(),
            name: "S".into(),
            role: Role::Dispatcher,
            town_slug: None,
            community_id: None,
            password: "a long password".into(),
        };
        db.create_staff_user(&staff("s@dg.gov.cn"), T0).await.unwrap();
        // The same address in other letter case is the same account: the constraint refuses it.
        let again = db.create_staff_user(&staff(" S@DG.gov.cn "), T0).await.unwrap_err();
        assert!(
            matches!(&again, StoreError::Rejected(f) if f == &FieldError::new("email", "email_taken")),
            "{b:?}: {again:?}"
        );
        let accounts: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM staff_users").fetch_one(&db.pool).await.unwrap();
        assert_eq!(accounts, 1, "{b:?}");

        let first = db.add_community("humen", "新村甲", "village").await.unwrap();
        let second = db.add_community("humen", "新村乙", "village").await.unwrap();
        let taken = db.add_community("humen", "新村甲", "village").await.unwrap_err();
        assert!(matches!(&taken, StoreError::Rejected(f) if f == &FieldError::new("name", "name_taken")), "{b:?}");
        // Another town may have a village of that name.
        db.add_community("changan", "新村甲", "village").await.unwrap();
        let renamed = db.rename_community(second, "新村甲").await.unwrap_err();
        assert!(matches!(&renamed, StoreError::Rejected(f) if f.code == "name_taken"), "{b:?}");
        let name: String = sqlx::query_scalar("SELECT name FROM communities WHERE id = $1")
            .bind(second)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        assert_eq!(name, "新村乙", "{b:?}: the refused rename wrote nothing");
        db.rename_community(first, "新村丙").await.unwrap();
        assert!(matches!(db.rename_community(999_999, "x").await, Err(StoreError::NotFound)), "{b:?}");
    }
}
