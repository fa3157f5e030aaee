//! The official list of villages and communities on both databases: the first start imports all of
//! it, a re-run changes nothing, and a newer year renames, moves and deactivates by code while items
//! keep pointing at their village.

use store::testing as common;

#[tokio::test]
async fn the_official_list_imports_once_and_a_newer_year_changes_by_code() {
    for b in common::backends() {
        let db = common::fresh(b).await;
        // The first start imported the 2023 list: 609 rows, 4 statistical or outside the programme.
        let first = db.community_imports().await.unwrap();
        assert_eq!(first.len(), 1, "{b}");
        assert_eq!(first[0].0, "nbs2023");
        let all = db.all_communities().await.unwrap();
        assert_eq!(all.len(), 605, "{b}: every committee of the programme's towns");
        assert!(all.iter().all(|c| c.code.as_deref().is_some_and(|s| s.len() == 12)), "{b}: each has its code");
        assert_eq!(db.communities("humen").await.unwrap().len(), 32, "{b}: 虎门 has all 32");
        assert!(all.iter().all(|c| !c.name.ends_with("委员会")), "{b}: residents' names, not committees'");
        // The same list again: nothing to do.
        let again = db.import_communities("nbs2023", store::reference::VILLAGES_CSV, false).await.unwrap();
        assert!(again.written);
        assert_eq!(again.plan.writes(), 0, "{b}: {}", again.plan.summary());
        assert_eq!(again.plan.unchanged, 605, "{b}");
        assert_eq!(db.all_communities().await.unwrap(), all, "{b}: the same rows after a second run");

        // An item in 唐洪村 (石碣), whose committee becomes a community in the "2024" list.
        let tanghong = all.iter().find(|c| c.code.as_deref() == Some("441900101200")).unwrap().clone();
        assert_eq!(tanghong.name, "唐洪村");
        let hengjiao = all.iter().find(|c| c.code.as_deref() == Some("441900101204")).unwrap().clone();
        let newer: String = store::reference::VILLAGES_CSV
            .lines()
            .filter(|l| !l.starts_with("441900101204"))
            .map(|l| {
                let l = l.replace("441900101200,唐洪村村民委员会", "441900101200,唐洪社区居民委员会");
                // 水南村 moves to 东城 (a made-up change, to see a move).
                if l.starts_with("441900101201,") {
                    l.replace(",441900101,石碣镇", ",441900101,东城街道")
                } else {
                    l
                }
            })
            .chain(std::iter::once("441900101299,新建村村民委员会,441900101,石碣镇".to_string()))
            .collect::<Vec<_>>()
            .join("\n");
        let dry = db.import_communities("nbs2024", &newer, true).await.unwrap();
        assert!(!dry.written);
        assert_eq!(db.all_communities().await.unwrap(), all, "{b}: a dry run writes nothing");
        let r = db.import_communities("nbs2024", &newer, false).await.unwrap();
        let p = &r.plan;
        assert_eq!((p.added(), p.renamed(), p.moved(), p.deactivated()), (1, 1, 1, 1), "{b}: {}", p.summary());
        let after = db.community(tanghong.id).await.unwrap().unwrap();
        assert_eq!((after.name.as_str(), after.active), ("唐洪社区", true), "{b}: the same id, renamed");
        let gone = db.community(hengjiao.id).await.unwrap().unwrap();
        assert!(!gone.active, "{b}: deactivated, not deleted");
        assert!(!db.communities("shijie").await.unwrap().iter().any(|c| c.id == hengjiao.id), "{b}: off the form");
        assert!(db.communities("shijie").await.unwrap().iter().any(|c| c.name == "新建村"), "{b}: the new village");
        let imports = db.community_imports().await.unwrap();
        assert_eq!(imports.len(), 3, "{b}");
        assert_eq!(imports[0].0, "nbs2024", "{b}: newest first");
        // The newer year again: nothing more.
        let twice = db.import_communities("nbs2024", &newer, false).await.unwrap();
        assert_eq!(twice.plan.writes(), 0, "{b}: {}", twice.plan.summary());
        // A malformed file writes nothing.
        let bad =
            db.import_communities("broken", "code,name,town_code,town_name\n123,x,4419,y\n", false).await.unwrap();
        assert_eq!((bad.malformed.clone(), bad.written), (vec![2], false), "{b}");
        assert_eq!(db.community_imports().await.unwrap().len(), 4, "{b}");
    }
}

/// Demo data ending today has nothing submitted or answered after now, and parks whose only committee
/// is a statistical unit get items without a village.
#[tokio::test]
async fn demo_data_ending_today_stays_in_the_past() {
    use store::seed::{seed_demo, SeedOptions};
    for b in common::backends() {
        let db = common::fresh(b).await;
        let before = store::now();
        let today = domain::Date::from_timestamp(before);
        seed_demo(&db, &SeedOptions { items: 400, seed: 3, until: today, years: 1 }).await.unwrap();
        let pool = &db.pool;
        let latest_item: i64 =
            sqlx::query_scalar("SELECT CAST(MAX(submitted_at) AS BIGINT) FROM items").fetch_one(pool).await.unwrap();
        let latest_event: i64 =
            sqlx::query_scalar("SELECT CAST(MAX(at) AS BIGINT) FROM item_events").fetch_one(pool).await.unwrap();
        let after = store::now();
        assert!(latest_item <= after && latest_event <= after, "{b}: {latest_item} {latest_event} after {after}");
        let parkless: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM items WHERE town_slug IN ('songshanlake', 'binhaiwan') AND community_id IS NULL",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        assert!(parkless > 0, "{b}: park items without a village");
    }
}
