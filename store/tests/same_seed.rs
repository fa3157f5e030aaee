//! `seed-demo` with the same seed and end date writes the same items and timelines on SQLite and on
//! PostgreSQL, so every measure of a past period is identical on both backends (issue 7).

use domain::Date;
use store::seed::{seed_demo, SeedOptions};
use store::testing as common;
use store::{Db, MeasureQuery};

const ITEM_COLUMNS: &[&str] = &[
    "number",
    "kind",
    "year",
    "seq",
    "token",
    "status",
    "town_slug",
    "community_id",
    "category",
    "title",
    "description",
    "location",
    "amount_yuan",
    "urgent",
    "submitted_by",
    "helper_org",
    "contact_name",
    "contact_phone",
    "contact_email",
    "lang",
    "submitted_at",
    "routed_at",
    "acceptance_due_at",
    "first_response_at",
    "feedback_due_at",
    "feedback_at",
    "completion_due_at",
    "closed_at",
    "rating",
    "rating_comment",
    "rated_at",
    "aware",
    "reopen_count",
    "budget_yuan",
    "progress_percent",
    "updated_at",
    "version",
];
const EVENT_COLUMNS: &[&str] =
    &["i.number", "e.at", "e.actor", "e.actor_label", "e.action", "e.from_status", "e.to_status", "e.public", "e.body"];

/// Every row of a query as one line of text, each column cast to text the same way on both backends.
async fn lines(db: &Db, columns: &[&str], from_order: &str) -> Vec<String> {
    let cols: Vec<String> = columns.iter().map(|c| format!("COALESCE(CAST({c} AS TEXT), '∅')")).collect();
    let sql = format!("SELECT {} FROM {from_order}", cols.join(" || '|' || "));
    sqlx::query_scalar(&sql).fetch_all(&db.pool).await.unwrap()
}

#[tokio::test]
async fn the_same_seed_gives_the_same_data_and_measures_on_both_backends() {
    let backends = common::backends();
    if !backends.contains(&"postgres") {
        eprintln!("skipped: no TEST_POSTGRES_URL (the test script always sets one)");
        return;
    }
    let until = Date::parse("2026-06-30").unwrap();
    let opts = SeedOptions { items: 2_000, seed: 7, until, years: 1 };
    let sqlite = common::fresh("sqlite").await;
    let postgres = common::fresh("postgres").await;
    seed_demo(&sqlite, &opts).await.unwrap();
    seed_demo(&postgres, &opts).await.unwrap();

    let items = lines(&sqlite, ITEM_COLUMNS, "items ORDER BY number").await;
    assert_eq!(items.len(), 2_000);
    assert_eq!(items, lines(&postgres, ITEM_COLUMNS, "items ORDER BY number").await);
    let order = "item_events e JOIN items i ON i.id = e.item_id ORDER BY i.number, e.at, e.id";
    let events = lines(&sqlite, EVENT_COLUMNS, order).await;
    assert!(events.len() > 2 * items.len(), "a year of lifecycles has several events per item: {}", events.len());
    assert_eq!(events, lines(&postgres, EVENT_COLUMNS, order).await);

    // Past periods (a year, a quarter, a month), for the city, one town, one kind and one category,
    // measured three months after the period: every rollup row (month × town × kind × category) is
    // the same, so the league table, trends and breakdowns are too.
    let now = until.add_days(90).start_ts();
    let periods = [("2025-07-01", "2026-06-30"), ("2026-01-01", "2026-03-31"), ("2026-05-01", "2026-05-31")];
    let mut rated = 0;
    for (from, to) in periods {
        let base = MeasureQuery { from: Date::parse(from), to: Date::parse(to), ..Default::default() };
        let queries = [
            base.clone(),
            MeasureQuery { town: Some("humen".into()), ..base.clone() },
            MeasureQuery { kind: Some(domain::Kind::Project), ..base.clone() },
            MeasureQuery { category: Some("elderly_care".into()), ..base.clone() },
        ];
        for q in queries {
            let a = sqlite.measure_rows(&q, now).await.unwrap();
            assert!(!a.is_empty(), "{q:?} has items");
            assert_eq!(a, postgres.measure_rows(&q, now).await.unwrap(), "{q:?}");
            let m = sqlite.measures(&q, now).await.unwrap();
            assert_eq!(m, postgres.measures(&q, now).await.unwrap(), "{q:?}");
            rated += m.satisfaction.den;
        }
    }
    assert!(rated > 100, "the periods hold rated items ({rated})");
}
