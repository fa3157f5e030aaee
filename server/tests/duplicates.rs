//! Duplicates (issue 21) on SQLite and PostgreSQL: a resident typing a micro-project is pointed to a
//! similar project on the board of the same village (never to one not yet public, nor to another
//! village's), within a limit counted in the database; staff see similar open items on an item's page
//! and merge a duplicate into its original, whose submitter then follows the original — its tracking
//! page and its mails — while the original counts the residents who asked and the measures stay exact.

mod support;

use domain::lifecycle::{Action, Actor};
use domain::Role;
use reqwest::StatusCode;
use support::{add_user, backends, get_with, post_with, signed_in, TestApp};

async fn to_notice(app: &TestApp, id: i64) {
    let s = store::now();
    app.db.act(id, None, Actor::Staff, "s", &Action::Accept { plan: "符合条件".into() }, s).await.unwrap();
    app.db.act(id, None, Actor::Staff, "s", &Action::StartNotice { days: 7 }, s).await.unwrap();
}

async fn similar(app: &TestApp, community: &str, title: &str, description: &str) -> (StatusCode, String) {
    let form = [("community", community), ("title", title), ("description", description), ("lang", "zh-Hans")];
    let r = app.http.post(format!("{}/api/similar_projects", app.base)).form(&form).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

#[tokio::test]
async fn a_resident_typing_a_project_is_pointed_to_the_same_one_on_the_village_board() {
    for b in backends() {
        let app = TestApp::start(b).await;
        // On Humen's first village board: the street light. Not yet public: a second proposal of it.
        let light = support::propose_project(&app, "p1", "修复村口路灯", "13800000001", "").await;
        to_notice(&app, light.id).await;
        let unreviewed = support::propose_project(&app, "p2", "村口路灯维修", "13800000002", "").await;
        let community = light.community_id.unwrap().to_string();

        let (status, body) = similar(&app, &community, "村口路灯坏了", "村口主路好几盏路灯坏了，晚上出行不安全").await;
        assert_eq!(status, StatusCode::OK, "{b}: {body}");
        // The list as the form shows it: HTML, the title escaped, a link to the project's voices.
        let html: String = serde_json::from_str(&body).unwrap();
        assert_eq!(html.matches("<li data-number=").count(), 1, "{b}: one suggestion: {html}");
        assert!(
            html.contains(&format!(
                "<li data-number=\"{}\"><a href=\"/projects/{}#voice\">修复村口路灯</a>",
                light.number, light.number
            )),
            "{b}: {html}"
        );
        assert!(!html.contains(&unreviewed.number), "{b}: a proposal not yet public is never suggested");
        for hidden in ["欧阳建国", "13800000001", "13912345678", "token"] {
            assert!(!body.contains(hidden), "{b}: {hidden} in the suggestions");
        }
        // Other words, another village: nothing.
        let (_, body) = similar(&app, &community, "修建篮球场", "年轻人没有运动的场地").await;
        assert_eq!(body, "\"\"", "{b}: a basketball court is not a street light");
        let other: i64 = sqlx::query_scalar(
            "SELECT id FROM communities WHERE town_slug = 'humen' AND active = 1 AND id <> $1 ORDER BY id LIMIT 1",
        )
        .bind(light.community_id.unwrap())
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        let (_, body) = similar(&app, &other.to_string(), "村口路灯坏了", "村口主路好几盏路灯坏了").await;
        assert_eq!(body, "\"\"", "{b}: another village's board is not this one's");

        // Counted per client in the database: over the limit, refused.
        let mut limits = app.db.settings().await.unwrap().abuse;
        limits.set(domain::abuse::Limit::SimilarPerClientHour, 4);
        app.db.save_abuse_limits(&limits).await.unwrap();
        let (status, _) = similar(&app, &community, "村口路灯坏了", "路灯坏了").await;
        assert_eq!(status, StatusCode::OK, "{b}: the fourth look-up of the hour");
        let (status, body) = similar(&app, &community, "村口路灯坏了", "路灯坏了").await;
        assert_ne!(status, StatusCode::OK, "{b}: the fifth is refused");
        assert!(body.contains("rate_limited"), "{b}: {body}");
    }
}

#[tokio::test]
async fn staff_merge_a_duplicate_and_its_submitter_follows_the_original() {
    for b in backends() {
        let app = TestApp::start(b).await;
        add_user(&app, "hm@dg.gov.cn", Role::TownStaff, Some("humen")).await;
        let original = support::propose_project(&app, "p1", "修复村口路灯", "13800000001", "first@example.cn").await;
        let duplicate = support::propose_project(&app, "p2", "村口路灯维修", "13800000002", "second@example.cn").await;
        let measures_before = app.db.measures(&store::MeasureQuery::default(), store::now()).await.unwrap();
        let staff = signed_in(&app, "hm@dg.gov.cn").await;

        // The duplicate's page names the original among similar open items, with a merge button.
        let (status, page) = get_with(&staff, &app.base, &format!("/staff/items/{}", duplicate.number)).await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert!(page.contains("class=\"card similar\""), "{b}: the similar items");
        assert!(page.contains(&format!("data-number=\"{}\"", original.number)), "{b}: the original is suggested");
        assert!(page.contains(&format!("合并到 {}", original.number)), "{b}: with its merge button");

        // Merged: the same action staff had (重复, with the original's number).
        let v = app.db.item_by_number(&duplicate.number).await.unwrap().unwrap().version.to_string();
        let form = [("action", "duplicate"), ("version", v.as_str()), ("of_number", original.number.as_str())];
        let (status, to, body) =
            post_with(&staff, &app.base, &format!("/staff/items/{}/act", duplicate.number), &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}: {body}");
        assert!(to.contains("done="), "{b}: {to}");
        let merged = app.db.merged_into(duplicate.id).await.unwrap().expect("merged");
        assert_eq!(merged.number, original.number, "{b}");
        assert_eq!(app.db.askers(original.id).await.unwrap(), 2, "{b}: two residents asked");
        let (_, page) = get_with(&staff, &app.base, &format!("/staff/items/{}", original.number)).await;
        assert!(page.contains("共有 2 位居民提出了同样的诉求"), "{b}: the original counts them");

        // The original's next step reaches the duplicate's submitter too, in their own words.
        let s = store::now();
        app.db
            .act(original.id, None, Actor::Staff, "s", &Action::Accept { plan: "现场勘查后公示".into() }, s)
            .await
            .unwrap();
        let to_second: Vec<(Option<i64>, String)> =
            sqlx::query_as("SELECT item_id, kind FROM mail_outbox WHERE to_addr = 'second@example.cn' ORDER BY id")
                .fetch_all(&app.db.pool)
                .await
                .unwrap();
        assert!(
            to_second.iter().any(|(item, kind)| *item == Some(duplicate.id) && kind == "accepted"),
            "{b}: the follower hears of the original's acceptance: {to_second:?}"
        );
        let to_first: i64 = sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM mail_outbox WHERE to_addr = 'first@example.cn' AND item_id = $1",
        )
        .bind(original.id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        assert!(to_first >= 2, "{b}: the original's submitter too (receipt and acceptance)");

        // The follower's tracking page shows the original's progress, never its submitter or link.
        let (status, page) = app.get(&format!("/t/{}", duplicate.token)).await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert!(page.contains(&format!("已与 {} 合并办理", original.number)), "{b}");
        assert!(page.contains("已受理，正在办理"), "{b}: the original's status");
        assert!(page.contains("共有 2 位居民提出了同样的诉求"), "{b}");
        assert!(
            !page.contains(&original.token) && !page.contains("13800000001"),
            "{b}: nothing of the original's submitter"
        );

        // Duplicates are left out of the measures, exactly: one item fewer, nothing else moved.
        let after = app.db.measures(&store::MeasureQuery::default(), store::now()).await.unwrap();
        assert_eq!(after.items, measures_before.items - 1, "{b}: the duplicate left out");
        assert_eq!(after.feedback, measures_before.feedback, "{b}: nothing else moved");
    }
}
