//! The counters of the abuse limits on both databases: one atomic statement per batch, so parallel
//! tries each get their own place in the count, windows are fixed, and a take-back undoes one try.

use store::testing as common;

#[tokio::test]
async fn parallel_tries_each_get_their_own_place_in_the_count() {
    for b in common::backends() {
        let db = common::fresh(b).await;
        let now = 1_796_000_000; // 2026-11-30 00:53:20 UTC, 3,200 s into its hour
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move {
                    let keys = vec![("a:1".to_string(), 3_600), ("b:1".to_string(), 86_400)];
                    db.hit_all(&keys, now).await.unwrap()
                })
            })
            .collect();
        let mut a = Vec::new();
        let mut bs = Vec::new();
        for t in tasks {
            let hits = t.await.unwrap();
            a.push(hits[0].count);
            bs.push(hits[1].count);
        }
        a.sort();
        bs.sort();
        assert_eq!(a, (1..=100).collect::<Vec<i64>>(), "{b}: every count from 1 to 100 exactly once");
        assert_eq!(bs, (1..=100).collect::<Vec<i64>>(), "{b}");
        // The hour's window ends at the next full hour; the day's at midnight UTC.
        let h = db.hit("a:1", 3_600, now).await.unwrap();
        assert_eq!((h.count, h.window_end), (101, now - now % 3_600 + 3_600), "{b}");
        // The next window starts again from one.
        assert_eq!(db.hit("a:1", 3_600, now + 3_600).await.unwrap().count, 1, "{b}");
        // A take-back: the next try counts 101 again, not 102; a new key starts at one.
        db.unhit("a:1", 3_600, now).await.unwrap();
        assert_eq!(db.hit("a:1", 3_600, now).await.unwrap().count, 101, "{b}");
        assert_eq!(db.hit("nobody", 3_600, now).await.unwrap().count, 1, "{b}");
    }
}

#[tokio::test]
async fn personal_subjects_are_digests() {
    let s = store::limits::personal_subject(" 13812341234 ");
    assert_eq!(s.len(), 32);
    assert_eq!(s, store::limits::personal_subject("13812341234"));
    assert!(!s.contains("1381234"));
}
