//! Group commit (`store::writer`): many concurrent writes share transactions on SQLite, each caller
//! is answered with its own result, and a write that fails or panics is rolled back alone while the
//! others of its group are kept. The same calls on PostgreSQL run in transactions of their own.

use store::testing as common;

use store::{Db, NewItem, StoreError};

const T0: i64 = 1_790_000_000; // 2026-09-21

/// The n-th of many different wishes (its own key and moment).
fn wish(n: usize) -> NewItem {
    common::wish(Some(&format!("key-{n}")), T0 + n as i64)
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&db.pool).await.unwrap()
}

/// A write that inserts an awareness answer and then fails, or panics, after writing.
async fn failing_write(db: &Db, panic: bool) -> Result<(), StoreError> {
    db.write(move |tx| {
        Box::pin(async move {
            sqlx::query("INSERT INTO awareness_answers (answered_at, source, yes) VALUES (1, 'doomed', 1)")
                .execute(&mut **tx)
                .await?;
            if panic {
                panic!("a write that panics after writing");
            }
            Err::<(), _>(StoreError::Conflict)
        })
    })
    .await
}

#[tokio::test]
async fn concurrent_writes_share_commits_and_a_failing_one_is_rolled_back_alone() {
    for backend in common::backends() {
        let db = common::fresh(backend).await;
        let mut tasks = Vec::new();
        for n in 0..200 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                if n % 20 == 7 {
                    // Every twentieth write fails after writing (a tenth of those panic).
                    let e = failing_write(&db, n % 200 == 7).await.unwrap_err();
                    if n % 200 == 7 {
                        assert!(matches!(e, StoreError::Commit(_)), "{e:?}");
                    } else {
                        assert!(matches!(e, StoreError::Conflict), "{e:?}");
                    }
                    None
                } else {
                    Some(db.create_item(&wish(n)).await.unwrap())
                }
            }));
        }
        let mut numbers = Vec::new();
        for t in tasks {
            if let Some(created) = t.await.unwrap() {
                assert!(!created.already_existed);
                numbers.push(created.number);
            }
        }
        assert_eq!(numbers.len(), 190, "{backend}");
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), 190, "{backend}: every item its own number");
        // Every answered item is in the database with its timeline, and nothing of the failed writes.
        assert_eq!(count(&db, "SELECT CAST(COUNT(*) AS BIGINT) FROM items").await, 190, "{backend}");
        assert_eq!(
            count(&db, "SELECT CAST(COUNT(*) AS BIGINT) FROM item_events WHERE action = 'submit'").await,
            190,
            "{backend}"
        );
        assert_eq!(
            count(&db, "SELECT CAST(COUNT(*) AS BIGINT) FROM awareness_answers WHERE source = 'doomed'").await,
            0,
            "{backend}"
        );
        // The numbers run 1..=190 with no gap.
        assert_eq!(count(&db, "SELECT CAST(MAX(seq) AS BIGINT) FROM items").await, 190, "{backend}");
        let (commits, writes) = db.group_commit_stats();
        if backend == "sqlite" {
            assert_eq!(writes, 200, "every write went through the writer task");
            assert!(commits < writes, "200 concurrent writes took {commits} commits: none shared a transaction");
        } else {
            assert_eq!((commits, writes), (0, 0), "PostgreSQL commits on the caller's task");
        }
        // A write alone in its group (no savepoint) that fails or panics is rolled back all the same.
        assert!(matches!(failing_write(&db, false).await, Err(StoreError::Conflict)), "{backend}");
        assert!(matches!(failing_write(&db, true).await, Err(StoreError::Commit(_))), "{backend}");
        assert_eq!(
            count(&db, "SELECT CAST(COUNT(*) AS BIGINT) FROM awareness_answers WHERE source = 'doomed'").await,
            0,
            "{backend}"
        );
        // The writer is still serving after a panic in one of its writes.
        db.create_item(&wish(1_000)).await.unwrap();
        assert_eq!(count(&db, "SELECT CAST(COUNT(*) AS BIGINT) FROM items").await, 191, "{backend}");
    }
}

#[tokio::test]
async fn a_double_submit_in_the_same_group_answers_with_the_first_item() {
    for backend in common::backends() {
        let db = common::fresh(backend).await;
        let w = wish(1);
        let (a, b) = tokio::join!(db.create_item(&w), db.create_item(&w));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.number, b.number, "{backend}");
        assert!(a.already_existed != b.already_existed, "{backend}: one made it, one found it");
        assert_eq!(count(&db, "SELECT CAST(COUNT(*) AS BIGINT) FROM items").await, 1, "{backend}");
    }
}
