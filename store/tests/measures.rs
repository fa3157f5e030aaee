//! The measures as storage computes them (rollups kept in each transaction, partial months read from the
//! items, pending counts through partial indexes) against the pure definitions in `domain::kpi`, on
//! random data, on both databases.

use store::testing as common;

use domain::kpi::{measures, Ratio};
use domain::lifecycle::{Action, Actor};
use domain::{Date, Kind, Rating};
use store::seed::{seed_demo, Rng, SeedOptions};
use store::{Db, MeasureQuery, MeasureSet, NewItem, StoreError};

const DAY: i64 = 86_400;

/// Random actions on random items at random later times, through the same `act` the pages use, so
/// the rollups are changed the way production changes them: claims, fulfilments, feedback, ratings,
/// reopening, withdrawal, duplicates, re-routing, declines, and the work-order steps (sign-for, returns,
/// callbacks with phone ratings, rectifications, appeals, extensions).
async fn shake(db: &Db, rng: &mut Rng, from: i64, n: usize) -> usize {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM items ORDER BY id").fetch_all(&db.pool).await.unwrap();
    let towns = ["humen", "guancheng", "dalang", "changan"];
    let mut applied = 0;
    for _ in 0..n {
        let id = *rng.pick(&ids);
        let at = from + rng.below(20 * DAY as u64) as i64;
        let rating = *rng.pick(Rating::ALL);
        let aware = *rng.pick(&[None, Some(true), Some(false)]);
        let pending_until: Option<i64> = sqlx::query_scalar("SELECT extension_until FROM items WHERE id = $1")
            .bind(id)
            .fetch_one(&db.pool)
            .await
            .unwrap();
        let (actor, action) = match rng.below(20) {
            // The work-order steps (issue 17).
            11 => (Actor::Staff, Action::SignFor),
            12 => (Actor::Staff, Action::ReturnToCity { reason: "不属本镇".into() }),
            13 => (Actor::Staff, Action::RefuseReturn { reason: "属本镇".into() }),
            14 => {
                let rating = rng.pct(50).then_some(rating);
                (Actor::Staff, Action::RecordCallback { reached: true, rating, note: "电话回访".into() })
            }
            15 => (Actor::Staff, Action::Rectify { note: "已整改".into() }),
            16 => (Actor::Staff, Action::Appeal { reason: "误评".into() }),
            17 => (Actor::Staff, Action::DecideAppeal { uphold: rng.pct(50), reason: "核实".into() }),
            18 => {
                let until = domain::Date::from_timestamp(at).add_days(20 + rng.below(20) as i64).end_ts();
                (Actor::Staff, Action::RequestExtension { until, reason: "等待".into() })
            }
            19 => (Actor::Staff, Action::ApproveExtension { until: pending_until.unwrap_or(0) }),
            0 => (Actor::Donor, Action::Claim),
            1 => (Actor::Staff, Action::RecordFulfilment { note: "送到".into() }),
            2 => (Actor::Staff, Action::GiveFeedback { message: "已办结".into() }),
            3 | 4 => (Actor::Resident, Action::Rate { rating, comment: String::new(), aware }),
            5 => (Actor::Resident, Action::RequestReopen),
            6 => (Actor::Resident, Action::Withdraw { reason: "不需要了".into() }),
            7 => (Actor::Staff, Action::MarkDuplicate { of_number: "W-2026-000001".into() }),
            8 => (Actor::Staff, Action::Reroute { town: rng.pick(&towns).to_string(), reason: "属地".into() }),
            9 => (Actor::Staff, Action::Decline { reason: "不符合条件".into() }),
            _ => (Actor::Staff, Action::Accept { plan: "村委跟进".into() }),
        };
        match db.act(id, None, actor, "", &action, at).await {
            Ok(_) => applied += 1,
            Err(StoreError::Refused(_)) => {}
            Err(e) => panic!("{action:?}: {e}"),
        }
    }
    applied
}

fn city_queue_item(at: i64, kind: Kind) -> NewItem {
    NewItem {
        kind,
        category: if kind == Kind::Wish { "disabled".into() } else { "safety".into() },
        title: "路灯".into(),
        description: "需要帮助".into(),
        location: String::new(),
        amount_yuan: 500,
        urgent: false,
        submitted_by: "self".into(),
        helper_org: None,
        contact_name: "李四".into(),
        contact_phone: "13900001111".into(),
        contact_email: None,
        lang: "zh-Hans".into(),
        town_slug: None,
        community_id: None,
        place_text: None,
        beneficiary: None,
        submission_key: None,
        submitted_at: at,
        acceptance_due_at: at + DAY,
        feedback_due_at: at + 30 * DAY,
        sign_due_at: None,
        return_due_at: None,
    }
}

fn random_query(rng: &mut Rng, start: Date, days: i64) -> MeasureQuery {
    let towns = [None, Some("humen"), Some("guancheng"), Some("dalang"), Some("songshanhu")];
    let cats = [None, Some("elderly_alone"), Some("roads_lighting"), Some("disabled")];
    let (from, to) = match rng.below(4) {
        // Whole months.
        0 => {
            let a = start.add_days(rng.below(days as u64) as i64);
            let a = Date { day: 1, ..a };
            (Some(a), Some(a.add_months(1 + rng.below(6) as u32).add_days(-1)))
        }
        // No bounds at all.
        1 if rng.pct(30) => (None, None),
        // Any days.
        _ => {
            let a = start.add_days(rng.below(days as u64 + 20) as i64 - 10);
            (Some(a), Some(a.add_days(rng.below(200) as i64)))
        }
    };
    MeasureQuery {
        from,
        to,
        town: if rng.pct(60) { None } else { rng.pick(&towns).map(str::to_string) },
        kind: if rng.pct(60) { None } else { Some(*rng.pick(&[Kind::Wish, Kind::Project])) },
        category: if rng.pct(75) { None } else { rng.pick(&cats).map(str::to_string) },
    }
}

/// Every number's drill-down list has exactly as many items as the number says.
async fn drill_downs_match(db: &Db, q: &MeasureQuery, now: i64, m: &domain::kpi::Measures) {
    for set in MeasureSet::ALL {
        let expected = match set {
            MeasureSet::Items => m.items,
            MeasureSet::FeedbackDue => m.feedback.den,
            MeasureSet::Fed => m.feedback.num,
            MeasureSet::Overdue => m.overdue,
            MeasureSet::FeedbackLate => m.feedback_on_time.den - m.feedback_on_time.num,
            MeasureSet::ReplyLate => m.acceptance_on_time.den - m.acceptance_on_time.num,
            MeasureSet::Rated => m.satisfaction.den,
            MeasureSet::Unsatisfied => m.satisfaction.den - m.satisfaction.num,
            MeasureSet::WishesClaimed => m.wishes_claimed,
            MeasureSet::WishesFulfilled => m.wishes_fulfilled,
            MeasureSet::SignLate => m.work.sign_on_time.den - m.work.sign_on_time.num,
            MeasureSet::Returned => m.work.returns.num,
            MeasureSet::Extended => m.work.extensions.num,
            MeasureSet::NotCalledBack => m.work.callbacks.den - m.work.callbacks.num,
            MeasureSet::RectifyLate => m.work.rectify_on_time.den - m.work.rectify_on_time.num,
            MeasureSet::Unresolved => m.work.resolution.den - m.work.resolution.num,
        };
        assert_eq!(db.measure_count(q, set, now).await.unwrap(), expected, "{set:?} total");
        let mut n = 0i64;
        loop {
            let page = db.measure_items(q, set, now, n, 1000).await.unwrap();
            n += page.len() as i64;
            if page.len() < 1000 {
                break;
            }
        }
        assert_eq!(n, expected, "{set:?} for {q:?} at {now}");
    }
}

async fn rollup_table(db: &Db) -> Vec<String> {
    let rows = sqlx::query(
        "SELECT month, town_slug, kind, category, items, fed, fed_on_time, replied, replied_on_time, rated, satisfied, \
         aware_answers, aware_yes, wishes, wishes_claimed, wishes_fulfilled, response_hours, feedback_days \
         FROM measure_rollups ORDER BY month, town_slug, kind, category",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    use sqlx::Row;
    rows.iter()
        .filter_map(|r| {
            let ints: Vec<i64> = (4..16).map(|i| r.try_get::<i64, _>(i).unwrap()).collect();
            let h1: String = r.try_get(16).unwrap();
            let h2: String = r.try_get(17).unwrap();
            let m: i64 = r.try_get(0).unwrap();
            let (t, k, c): (String, String, String) =
                (r.try_get(1).unwrap(), r.try_get(2).unwrap(), r.try_get(3).unwrap());
            (ints.iter().any(|v| *v != 0) || !h1.is_empty() || !h2.is_empty())
                .then(|| format!("{m} {t} {k} {c} {ints:?} {h1} {h2}"))
        })
        .collect()
}

#[tokio::test]
async fn rollup_measures_equal_the_definitions_on_random_data() {
    for b in common::backends() {
        for (round, seed) in [3u64, 19].into_iter().enumerate() {
            let db = common::fresh(b).await;
            let mut rng = Rng::new(seed);
            let until = Date::parse(["2026-03-14", "2025-12-31"][round]).unwrap();
            seed_demo(&db, &SeedOptions { items: 1_200, seed, until, years: 2 }).await.unwrap();
            let start = until.add_days(-729);
            let end = until.end_ts() + 1;
            // The city queue, and home-page awareness answers spread over the period.
            for i in 0..30 {
                let at = start.start_ts() + rng.below((end - start.start_ts()) as u64) as i64;
                db.create_item(&city_queue_item(at, if i % 2 == 0 { Kind::Wish } else { Kind::Project }))
                    .await
                    .unwrap();
                db.record_awareness(rng.pct(80), "home", at).await.unwrap();
            }
            let applied = shake(&db, &mut rng, end, 3_000).await;
            assert!(applied > 100, "{b}: only {applied} random actions were allowed");
            for i in 0..60 {
                let q = random_query(&mut rng, start, 730);
                let now = start.start_ts() + rng.below((end + 90 * DAY - start.start_ts()) as u64) as i64;
                let fast = db.measures(&q, now).await.unwrap();
                let (items, extra) = db.kpi_items(&q).await.unwrap();
                assert_eq!(fast, measures(&items, now, extra), "{b} seed {seed} query {i}: {q:?} at {now}");
                if i % 4 == 0 {
                    drill_downs_match(&db, &q, now, &fast).await;
                }
            }
            // The rollups kept action by action are exactly what a rebuild from the items gives.
            let kept = rollup_table(&db).await;
            db.rebuild_rollups().await.unwrap();
            assert_eq!(kept, rollup_table(&db).await, "{b} seed {seed}");
        }
    }
}

#[tokio::test]
async fn a_town_with_nothing_and_a_period_with_nothing_have_no_rates() {
    for b in common::backends() {
        let db = common::fresh(b).await;
        let until = Date::parse("2026-06-30").unwrap();
        seed_demo(&db, &SeedOptions { items: 300, seed: 5, until, years: 1 }).await.unwrap();
        let now = until.end_ts() + 1;
        let empty_period = MeasureQuery {
            from: Some(Date::parse("2020-01-01").unwrap()),
            to: Some(Date::parse("2020-12-31").unwrap()),
            ..Default::default()
        };
        let m = db.measures(&empty_period, now).await.unwrap();
        assert_eq!((m.items, m.feedback.rate(), m.satisfaction.rate(), m.median_feedback_days), (0, None, None, None));
        let nowhere = MeasureQuery { town: Some("no-such-town".into()), ..Default::default() };
        assert_eq!(db.measures(&nowhere, now).await.unwrap(), measures(&[], now, Ratio::default()));
        // The whole year adds up to the sum of its towns.
        let all = db.measure_rows(&MeasureQuery::default(), now).await.unwrap();
        let towns: std::collections::BTreeSet<String> = all.keys().map(|k| k.town.clone()).collect();
        let mut items = 0;
        for t in towns.iter().filter(|t| !t.is_empty()) {
            items +=
                db.measures(&MeasureQuery { town: Some(t.clone()), ..Default::default() }, now).await.unwrap().items;
        }
        assert_eq!(items, db.measures(&MeasureQuery::default(), now).await.unwrap().items);
        assert_eq!(items, 300 - excluded(&db).await);
    }
}

async fn excluded(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM items WHERE status IN ('withdrawn', 'duplicate')")
        .fetch_one(&db.pool)
        .await
        .unwrap()
}

/// Issue 19: the measures cost nothing twice. A result is handed out again while nothing changed; a
/// write on another server sharing the database (a second `Db` here) invalidates it at once; a moment
/// of looking a minute away computes afresh; and no more than `ENTRIES` results are kept.
#[tokio::test]
async fn measures_are_kept_until_a_write_on_any_server_changes_them() {
    use std::sync::Arc;
    use store::measure_cache::{ENTRIES, FRESH_SECS, KEPT_ROWS};
    for b in common::backends() {
        let url = common::fresh_url(b).await;
        let one = Db::connect(&url).await.unwrap();
        let two = Db::connect(&url).await.unwrap();
        let until = Date::parse("2026-06-30").unwrap();
        seed_demo(&one, &SeedOptions { items: 600, seed: 5, until, years: 1 }).await.unwrap();
        let q = MeasureQuery { from: Some(Date::parse("2026-01-01").unwrap()), to: Some(until), ..Default::default() };
        let now = until.end_ts();
        let first = one.measure_rows(&q, now).await.unwrap();
        let (hits, misses, _, _) = one.measure_cache_stats();
        let again = one.measure_rows(&q, now + FRESH_SECS - 1).await.unwrap();
        assert!(Arc::ptr_eq(&first, &again), "{b}: the same result is handed out again");
        assert_eq!(one.measure_cache_stats().0, hits + 1, "{b}: counted as a hit");
        let later = one.measure_rows(&q, now + FRESH_SECS).await.unwrap();
        assert!(!Arc::ptr_eq(&first, &later), "{b}: a minute later it is computed afresh");
        assert_eq!(one.measure_cache_stats().1, misses + 1, "{b}: counted as a miss");

        // The other server records an awareness answer inside the period: the first one's next answer
        // has it, without waiting for the minute.
        let before = store::sum_rows(later.values());
        two.record_awareness(true, "home", Date::parse("2026-03-03").unwrap().start_ts() + 3_600).await.unwrap();
        let after_answer = one.measure_rows(&q, now + FRESH_SECS).await.unwrap();
        let m = store::sum_rows(after_answer.values());
        assert_eq!(m.awareness.den, before.awareness.den + 1, "{b}: the new answer is counted");
        assert_eq!(m.awareness.num, before.awareness.num + 1, "{b}");
        assert_eq!(*after_answer, one.compute_measure_rows(&q, now + FRESH_SECS).await.unwrap(), "{b}");

        // Any action on an item through the other server (a timeline event) invalidates it too.
        let id: i64 = sqlx::query_scalar("SELECT id FROM items WHERE status = 'in_progress' ORDER BY id LIMIT 1")
            .fetch_one(&two.pool)
            .await
            .unwrap();
        two.act(id, None, Actor::Staff, "S", &Action::Note { text: "已电话联系".into(), public: true }, now)
            .await
            .unwrap();
        let after_action = one.measure_rows(&q, now + FRESH_SECS).await.unwrap();
        assert!(!Arc::ptr_eq(&after_answer, &after_action), "{b}: computed again after the action");
        assert_eq!(*after_action, one.compute_measure_rows(&q, now + FRESH_SECS).await.unwrap(), "{b}");

        // The drill-down totals are kept the same way.
        let set = store::MeasureSet::Overdue;
        let total = one.measure_count(&q, set, now).await.unwrap();
        let (hits, _, _, _) = one.measure_cache_stats();
        assert_eq!(one.measure_count(&q, set, now + 1).await.unwrap(), total, "{b}");
        assert_eq!(one.measure_cache_stats().0, hits + 1, "{b}: the total was handed out again");
        two.act(id, None, Actor::Staff, "S", &Action::Note { text: "再次联系".into(), public: false }, now)
            .await
            .unwrap();
        assert_eq!(one.measure_count(&q, set, now + 1).await.unwrap(), total, "{b}: a note changes no total");
        assert_eq!(one.measure_cache_stats().0, hits + 1, "{b}: but it was counted again");

        // Kept results are bounded.
        for d in 0..(ENTRIES as i64 + 20) {
            let from = Date::parse("2025-07-01").unwrap().add_days(d);
            one.measure_rows(&MeasureQuery { from: Some(from), to: Some(until), ..Default::default() }, now)
                .await
                .unwrap();
        }
        let (_, _, kept, rows) = one.measure_cache_stats();
        assert!(kept <= ENTRIES && rows <= KEPT_ROWS, "{b}: {kept} results of {rows} rows kept");
        assert!(kept >= 10, "{b}: results are kept ({kept})");
    }
}
