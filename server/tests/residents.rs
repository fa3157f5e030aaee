//! Every resident can submit (issue 15), over HTTP: each of the 34 towns lists every village and
//! community of the official list and offers "not listed / not sure" (checked over the whole list, no
//! JavaScript); "not listed" goes to the town with the place in words and staff assign the village;
//! "don't know the town" goes to the city queue; a helper names the beneficiary, staff see both
//! people, the public sees neither; a wish reaches the wall only with the text staff reviewed; the
//! tracking page says what happens next, in plain words, with a QR code of the private link.

mod support;

use domain::abuse::{AbuseLimits, Limit};
use domain::Role;
use reqwest::StatusCode;
use support::{add_user, backends, post_with, signed_in, TestApp};

/// Lifts the per-address submission limits (the test submits from one address many times).
async fn many_submissions(app: &TestApp) {
    let mut l = AbuseLimits::default();
    for lim in [
        Limit::SubmissionsPerClientHour,
        Limit::SubmissionsPerClientDay,
        Limit::SubmissionsPerPhoneHour,
        Limit::SubmissionsPerPhoneDay,
    ] {
        l.set(lim, 10_000);
    }
    app.db.save_abuse_limits(&l).await.unwrap();
}

fn wish<'a>(town: &'a str, community: &'a str, place: &'a str, key: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("beneficiary", "elderly_alone"),
        ("submitted_by", "self"),
        ("need", "需要一台轮椅，腿脚不便"),
        ("amount", "800"),
        ("town", town),
        ("community", community),
        ("place", place),
        ("contact_name", "陈明"),
        ("phone", "13812345678"),
        ("consent", "on"),
        ("submission_key", key),
    ]
}

fn token_of(location: &str) -> String {
    location.trim_start_matches("/t/").split('?').next().unwrap().to_string()
}

#[tokio::test]
async fn every_town_lists_every_village_and_offers_not_listed() {
    let app = TestApp::start("sqlite").await;
    many_submissions(&app).await;
    let towns = app.db.towns().await.unwrap();
    assert_eq!(towns.len(), 34);
    let mut villages = 0;
    for (i, town) in towns.iter().enumerate() {
        // Without JavaScript: "show villages" reloads the form with the town's list.
        let (status, _, page) =
            post_with(&app.http, &app.base, "/wish/new", &[("town", &town.slug), ("refresh", "1")]).await;
        assert_eq!(status, StatusCode::OK, "{}", town.slug);
        let list = app.db.communities(&town.slug).await.unwrap();
        for c in &list {
            assert!(
                page.contains(&format!("<option value=\"{}\">{}</option>", c.id, c.name)),
                "{} lists {}",
                town.slug,
                c.name
            );
        }
        villages += list.len();
        assert!(page.contains("value=\"not_listed\""), "{}: not listed is offered", town.slug);
        assert!(page.contains("formaction=\"/wish/new#community\""), "the reload comes back to the village field");
        // A resident of this town submits: the last village of the list, or "not listed" where the
        // town has none (松山湖, 滨海湾) and for every other town.
        let key_v = format!("v{i}");
        let key_n = format!("n{i}");
        if let Some(last) = list.last() {
            let id = last.id.to_string();
            let (status, loc, body) =
                post_with(&app.http, &app.base, "/wish/new", &wish(&town.slug, &id, "", &key_v)).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{}: {body}", town.slug);
            let item = app.db.item_by_token(&token_of(&loc)).await.unwrap().unwrap();
            assert_eq!((item.facts.town_slug.as_deref(), item.community_id), (Some(town.slug.as_str()), Some(last.id)));
        }
        let (status, loc, body) =
            post_with(&app.http, &app.base, "/wish/new", &wish(&town.slug, "not_listed", "村口大榕树旁的新楼", &key_n))
                .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{}: {body}", town.slug);
        let item = app.db.item_by_token(&token_of(&loc)).await.unwrap().unwrap();
        assert_eq!(item.facts.town_slug.as_deref(), Some(town.slug.as_str()), "not listed goes to the town");
        assert_eq!((item.community_id, item.place_text.as_deref()), (None, Some("村口大榕树旁的新楼")));
    }
    assert_eq!(villages, 605, "the whole imported list is on the forms");
}

#[tokio::test]
async fn not_listed_needs_words_and_an_unknown_town_goes_to_the_city_queue() {
    for b in backends() {
        let app = TestApp::start(b).await;
        // "Not listed" without the place: the error is at the place field, what was typed is kept.
        let (status, _, page) =
            post_with(&app.http, &app.base, "/wish/new", &wish("humen", "not_listed", "", "a")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(page.contains("id=\"place-error\" class=\"error\">请填写此项"), "{b}");
        assert!(page.contains("<option value=\"not_listed\" selected"), "{b}: the choice is kept");
        assert_eq!(app.db.count_items().await.unwrap(), 0, "{b}");
        // The town is not known either: the city queue.
        let (status, loc, _) =
            post_with(&app.http, &app.base, "/wish/new", &wish("unknown", "", "厚街还是虎门？在沙田路口附近", "b"))
                .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let item = app.db.item_by_token(&token_of(&loc)).await.unwrap().unwrap();
        assert_eq!(item.status, domain::Status::Submitted, "{b}: waits for the dispatcher");
        assert_eq!(
            (item.facts.town_slug.as_deref(), item.place_text.as_deref()),
            (None, Some("厚街还是虎门？在沙田路口附近"))
        );
        let (_, page) = app.get(&format!("/t/{}", item.token)).await;
        assert!(page.contains("市级调度员会把您的诉求转给所属镇街"), "{b}: the next step names who answers");

        // "Not listed" in Humen: town staff see the resident's words and assign the village.
        let (_, loc, _) =
            post_with(&app.http, &app.base, "/wish/new", &wish("humen", "not_listed", "北栅东坊三巷口", "c")).await;
        let item = app.db.item_by_token(&token_of(&loc)).await.unwrap().unwrap();
        add_user(&app, "hm@portal.test", Role::TownStaff, Some("humen")).await;
        let staff = signed_in(&app, "hm@portal.test").await;
        let (_, page) = support::get_with(&staff, &app.base, &format!("/staff/items/{}", item.number)).await;
        assert!(page.contains("北栅东坊三巷口") && page.contains("尚未确定"), "{b}: staff see the place in words");
        let beizha = app.db.communities("humen").await.unwrap().into_iter().find(|c| c.name == "北栅社区").unwrap();
        let v = item.version.to_string();
        let id = beizha.id.to_string();
        let (status, _, body) = post_with(
            &staff,
            &app.base,
            &format!("/staff/items/{}/act", item.number),
            &[("action", "assign"), ("version", &v), ("community_id", &id)],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}: {body}");
        assert_eq!(app.db.item_by_number(&item.number).await.unwrap().unwrap().community_id, Some(beizha.id), "{b}");
    }
}

fn helper_wish(consent: &str) -> Vec<(&'static str, &str)> {
    vec![
        ("beneficiary", "elderly_alone"),
        ("submitted_by", "helper"),
        ("ben_name", "王桂英"),
        ("ben_phone", "0769-8512 3456"),
        ("ben_address", "新湾社区3巷8号"),
        ("ben_relation", "social_worker"),
        ("ben_consent", consent),
        ("need", "邻居王阿婆八十二岁独居，住3栋502，电话139-2233-4455，需要一台轮椅"),
        ("amount", "800"),
        ("town", "humen"),
        ("community", "not_listed"),
        ("place", "新湾社区"),
        ("contact_name", "李社工"),
        ("phone", "13712345678"),
        ("consent", "on"),
        ("submission_key", "helper-1"),
    ]
}

#[tokio::test]
async fn a_helper_names_the_beneficiary_staff_see_both_and_the_wall_shows_only_the_reviewed_text() {
    for b in backends() {
        let app = TestApp::start(b).await;
        // Without the beneficiary's consent: refused at that box, nothing written, everything kept.
        let (status, _, page) = post_with(&app.http, &app.base, "/wish/new", &helper_wish("")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(page.contains("id=\"ben_consent-error\" class=\"error\">请先征得受益人同意"), "{b}");
        assert!(page.contains("value=\"王桂英\"") && page.contains("value=\"新湾社区3巷8号\""), "{b}: kept");
        assert_eq!(app.db.count_items().await.unwrap(), 0, "{b}");

        let (status, loc, body) = post_with(&app.http, &app.base, "/wish/new", &helper_wish("on")).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}: {body}");
        let token = token_of(&loc);
        let item = app.db.item_by_token(&token).await.unwrap().unwrap();
        let person = item.beneficiary.clone().expect("the beneficiary is stored");
        assert_eq!((person.name.as_str(), person.phone.as_deref()), ("王桂英", Some("076985123456")), "{b}");

        // The submitter's tracking page: their own (masked) contact, not the beneficiary.
        let (_, page) = app.get(&format!("/t/{token}")).await;
        assert!(page.contains("李**") && !page.contains("王桂英") && !page.contains("新湾社区3巷8号"), "{b}");

        // Town staff see both people.
        add_user(&app, "hm@portal.test", Role::TownStaff, Some("humen")).await;
        let staff = signed_in(&app, "hm@portal.test").await;
        let (_, page) = support::get_with(&staff, &app.base, &format!("/staff/items/{}", item.number)).await;
        for shown in ["李社工", "13712345678", "王桂英", "076985123456", "新湾社区3巷8号", "社工"] {
            assert!(page.contains(shown), "{b}: staff see {shown}");
        }
        // Accept, then try to publish without the reviewed text: refused, nothing on the wall.
        let act = |form: Vec<(&'static str, String)>| {
            let staff = staff.clone();
            let base = app.base.clone();
            let number = item.number.clone();
            async move {
                let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                post_with(&staff, &base, &format!("/staff/items/{number}/act"), &refs).await
            }
        };
        let version = |app: &TestApp| {
            let db = app.db.clone();
            let number = item.number.clone();
            async move { db.item_by_number(&number).await.unwrap().unwrap().version.to_string() }
        };
        let (status, _, _) = act(vec![
            ("action", "accept".into()),
            ("version", version(&app).await),
            ("plan", "核实属实，交社区跟进".into()),
        ])
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        // The publish step offers a draft with the numbers, house number and surname hidden, and flags the age.
        let (_, page) = support::get_with(&staff, &app.base, &format!("/staff/items/{}", item.number)).await;
        assert!(page.contains("邻居*阿婆八十二岁独居，住*栋***，电话*************，需要一台轮椅"), "{b}: the draft");
        assert!(page.contains("<mark>八十二岁</mark>"), "{b}: the age is flagged");
        assert!(page.contains("class=\"card wish-card\""), "{b}: the card preview");
        let (status, _, page) =
            act(vec![("action", "publish".into()), ("version", version(&app).await), ("public_text", "".into())]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(page.contains("id=\"publish-public_text-error\" class=\"error\">请填写此项"), "{b}");
        // A preview writes nothing and shows the card with the edited text.
        let reviewed = "社区一位独居老人腿脚不便，需要一台轮椅";
        let (status, _, page) = act(vec![
            ("action", "publish".into()),
            ("version", version(&app).await),
            ("public_text", reviewed.into()),
            ("preview", "1".into()),
        ])
        .await;
        assert_eq!(status, StatusCode::OK, "{b}: re-rendered, not written");
        assert!(page.contains(&format!("<p class=\"wish-need\">{reviewed}</p>")), "{b}: the preview card");
        assert_eq!(app.db.item_by_number(&item.number).await.unwrap().unwrap().status, domain::Status::Accepted, "{b}");
        let (_, wall) = app.get("/wishes").await;
        assert!(!wall.contains(&item.number), "{b}: not on the wall before publishing");
        let (status, _, _) =
            act(vec![("action", "publish".into()), ("version", version(&app).await), ("public_text", reviewed.into())])
                .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");

        // The public sees the reviewed text and neither person.
        let (_, wall) = app.get("/wishes").await;
        let (_, card) = app.get(&format!("/wishes/{}", item.number)).await;
        let (_, api) = app.get("/api/v1/wishes").await;
        for page in [&wall, &card, &api] {
            assert!(page.contains(reviewed), "{b}: the reviewed text is public");
            for hidden in [
                "王桂英",
                "王阿婆",
                "八十二岁",
                "076985123456",
                "8512",
                "新湾社区3巷8号",
                "李社工",
                "13712345678",
                "4455",
                &token,
            ] {
                assert!(!page.contains(hidden), "{b}: {hidden} is not public");
            }
        }
    }
}

#[tokio::test]
async fn the_tracking_page_says_what_happens_next_and_shares_the_link() {
    let app = TestApp::start("sqlite").await;
    let (_, loc, _) =
        post_with(&app.http, &app.base, "/wish/new", &wish("humen", "not_listed", "北栅东坊", "t1")).await;
    assert!(loc.ends_with("?created=1"));
    let (_, page) = app.get(&loc).await;
    assert!(page.contains("提交成功"), "announced right after submitting");
    assert!(page.contains("虎门镇将在 ") && page.contains(" 前答复是否受理。"), "who answers, and by when");
    assert!(
        page.contains("显示二维码") && page.contains(&format!("src=\"/t/{}/qr.svg\"", token_of(&loc))),
        "a QR code of the link"
    );
    let r = app.http.get(format!("{}/t/{}/qr.svg", app.base, token_of(&loc))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    assert!(r.headers()["cache-control"].to_str().unwrap().contains("no-store"), "as private as the page");
    assert!(r.text().await.unwrap().starts_with("<svg"));
    // Abuse: an unknown or over-long token, another file name, a POST: nothing.
    for path in ["/t/aaaaaaaaaaaaaaaaaaaaaaaaaa/qr.svg", &format!("/t/{}/qr.png", token_of(&loc))] {
        assert_eq!(app.get(path).await.0, StatusCode::NOT_FOUND, "{path}");
    }
    let long = format!("/t/{}/qr.svg", "a".repeat(5000));
    assert!(app.get(&long).await.0.is_client_error(), "an over-long token");
    let (status, _, _) = post_with(&app.http, &app.base, &format!("/t/{}/qr.svg", token_of(&loc)), &[]).await;
    assert!(status.is_client_error(), "a POST is no resident action: {status}");
    assert!(page.contains("复制链接"), "a copy button");
    // The same link saved and opened later does not say "submitted" again.
    let token = token_of(&loc);
    sqlx::query("UPDATE items SET submitted_at = submitted_at - 7200 WHERE token = $1")
        .bind(&token)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let (_, page) = app.get(&loc).await;
    assert!(!page.contains("提交成功"), "a saved ?created=1 link does not announce again");
    // In English: the town's English name and a plain date.
    let r = app.http.get(format!("{}/t/{token}", app.base)).header("cookie", "lang=en").send().await.unwrap();
    let page = r.text().await.unwrap();
    assert!(page.contains("Humen Town will reply by "), "{}", page.len());
}
