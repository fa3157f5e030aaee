//! The wish wall and claims over HTTP on SQLite and PostgreSQL: a donor claims a wish from the wall
//! and follows it to the beneficiary's confirmation while town staff drive it from their console; bad
//! claim forms and late donors; releasing a claim; and that no public page or public JSON carries a
//! resident's name, phone or tracking token (checked over the demo data).

mod support;

use domain::Role;
use reqwest::StatusCode;
use support::{add_user, backends, get_with, post_with, signed_in, worker, SmtpCapture, TestApp};

/// Submits a wish in Humen through the resident form and has staff accept and publish it; returns
/// its number and tracking token.
async fn published_wish(app: &TestApp, key: &str, need: &str) -> (String, String) {
    let community = support::first_community(app, "humen").await;
    let form = [
        ("beneficiary", "elderly_alone"),
        ("submitted_by", "helper"),
        ("ben_name", "陈婆婆"),
        ("ben_address", "虎门寨社区二巷5号"),
        ("ben_relation", "neighbour"),
        ("ben_consent", "on"),
        ("need", need),
        ("amount", "800"),
        ("town", "humen"),
        ("community", community.as_str()),
        ("contact_name", "欧阳小明"),
        ("phone", "13812345678"),
        ("consent", "on"),
        ("submission_key", key),
    ];
    let (status, loc, _) = post_with(&app.http, &app.base, "/wish/new", &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let token = loc.trim_start_matches("/t/").split('?').next().unwrap().to_string();
    let item = app.db.item_by_token(&token).await.unwrap().unwrap();
    use domain::lifecycle::{Action, Actor};
    app.db
        .act(item.id, None, Actor::Staff, "s", &Action::Accept { plan: "核实属实".into() }, store::now())
        .await
        .unwrap();
    // Staff publish the need as the wall's text.
    app.db.act(item.id, None, Actor::Staff, "s", &Action::Publish { text: need.into() }, store::now()).await.unwrap();
    (item.number, token)
}

async fn staff_act(app: &TestApp, c: &reqwest::Client, number: &str, form: &[(&str, &str)]) {
    let v = app.db.item_by_number(number).await.unwrap().unwrap().version.to_string();
    let mut form = form.to_vec();
    form.push(("version", v.as_str()));
    let (status, to, body) = post_with(c, &app.base, &format!("/staff/items/{number}/act"), &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{form:?}: {body}");
    assert!(to.contains("?done="), "{form:?} → {to}");
}

fn good_claim<'a>(name: &'a str, contact: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("donor_kind", "enterprise"),
        ("donor_name", name),
        ("contact", contact),
        ("consent", "on"),
        ("thank_publicly", "on"),
    ]
}

#[tokio::test]
async fn a_donor_claims_from_the_wall_and_follows_it_to_the_beneficiarys_confirmation() {
    for b in backends() {
        let app = TestApp::start(b).await;
        add_user(&app, "hm1@dg.gov.cn", Role::TownStaff, Some("humen")).await;
        let (number, token) = published_wish(&app, "w1", "奶奶需要一台轮椅").await;

        // On the wall, with a link to claim it; nothing of the resident.
        let (status, wall) = app.get("/wishes").await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert!(wall.contains(&number) && wall.contains("奶奶需要一台轮椅") && wall.contains("500–1,000 元"), "{b}");
        assert!(!wall.contains("欧阳") && !wall.contains("13812345678") && !wall.contains(&token), "{b}");
        assert!(wall.contains(&format!("href=\"/wishes/{number}\"")), "{b}");

        // A form with mistakes: a message next to each field, the typed values kept, nothing written.
        let claim_url = format!("/wishes/{number}/claim");
        let bad =
            [("donor_kind", "enterprise"), ("donor_name", "东莞某科技公司"), ("contact", "12345"), ("consent", "")];
        let (status, _, page) = post_with(&app.http, &app.base, &claim_url, &bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(page.contains("请填写11位手机号或有效的邮箱地址") && page.contains("请勾选同意后再提交"), "{b}");
        assert!(
            page.contains("value=\"东莞某科技公司\"") && page.contains("value=\"12345\""),
            "{b}: typed values kept"
        );
        assert!(app
            .db
            .claims_of_item(app.db.item_by_number(&number).await.unwrap().unwrap().id)
            .await
            .unwrap()
            .is_empty());

        // The claim: the donor lands on their private page.
        let (status, to, _) =
            post_with(&app.http, &app.base, &claim_url, &good_claim("东莞某科技公司", "13900001111")).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        assert!(to.starts_with("/c/") && to.ends_with("?claimed=1"), "{b}: {to}");
        let donor_page = to.split('?').next().unwrap().to_string();
        let (_, page) = app.get(&to).await;
        assert!(page.contains("认领成功") && page.contains("已认领，等待镇街联系") && page.contains("保留到"), "{b}");
        assert!(!page.contains("欧阳") && !page.contains("13812345678"), "{b}: the donor sees nothing of the resident");

        // A second donor a moment later is told kindly, and the wall shows it claimed.
        let (status, _, page) =
            post_with(&app.http, &app.base, &claim_url, &good_claim("李女士", "li@example.org")).await;
        assert_eq!(status, StatusCode::CONFLICT, "{b}");
        assert!(page.contains("刚刚已被其他爱心人士认领"), "{b}");
        let (_, wall) = app.get("/wishes").await;
        assert!(wall.contains("已被认领") && !wall.contains(&format!("href=\"/wishes/{number}\"")), "{b}");

        // Staff see the donor and their contact, confirm the claim, record the delivery.
        let s = signed_in(&app, "hm1@dg.gov.cn").await;
        let (_, item_page) = get_with(&s, &app.base, &format!("/staff/items/{number}")).await;
        assert!(item_page.contains("东莞某科技公司") && item_page.contains("13900001111"), "{b}");
        assert!(
            item_page.contains("data-action=\"confirm_claim\"") && item_page.contains("data-action=\"release_claim\""),
            "{b}"
        );
        assert!(!item_page.contains("data-action=\"confirm_receipt\""), "{b}: nothing delivered yet");
        staff_act(&app, &s, &number, &[("action", "confirm_claim")]).await;
        let (_, page) = app.get(&donor_page).await;
        assert!(page.contains("镇街已确认，正在安排送达"), "{b}");
        staff_act(&app, &s, &number, &[("action", "fulfil"), ("note", "轮椅已送到")]).await;
        let (_, page) = app.get(&donor_page).await;
        assert!(page.contains("已送达，等待受助方确认"), "{b}");

        // The beneficiary's side confirms through the tracking link.
        let (_, track) = app.get(&format!("/t/{token}")).await;
        assert!(track.contains(&format!("action=\"/t/{token}/confirm\"")), "{b}: asked to confirm");
        let v = app.db.item_by_token(&token).await.unwrap().unwrap().version.to_string();
        let (status, to, _) = post_with(&app.http, &app.base, &format!("/t/{token}/confirm"), &[("version", &v)]).await;
        assert_eq!(
            (status, to.as_str()),
            (StatusCode::SEE_OTHER, format!("/t/{token}?done=confirmed").as_str()),
            "{b}"
        );
        let (_, track) = app.get(&format!("/t/{token}")).await;
        assert!(track.contains("受助方确认收到") && !track.contains(&format!("/t/{token}/confirm")), "{b}: once");
        let (_, page) = app.get(&donor_page).await;
        assert!(page.contains("受助方已确认收到，心愿实现"), "{b}");
        // Thanked in public, as the donor asked.
        let (_, wall) = app.get("/wishes").await;
        assert!(wall.contains("东莞某科技公司"), "{b}: on the thank-you wall");
        assert!(!wall.contains("13900001111"), "{b}: never the donor's contact");
    }
}

#[tokio::test]
async fn a_donor_can_release_and_staff_can_release_or_record_a_receipt_by_phone() {
    for b in backends() {
        let app = TestApp::start(b).await;
        add_user(&app, "hm1@dg.gov.cn", Role::TownStaff, Some("humen")).await;
        add_user(&app, "dc1@dg.gov.cn", Role::TownStaff, Some("dongcheng")).await;
        let (number, _) = published_wish(&app, "w1", "留守儿童需要一个新书包").await;
        let claim_url = format!("/wishes/{number}/claim");
        let (_, to, _) = post_with(&app.http, &app.base, &claim_url, &good_claim("甲", "13900001111")).await;
        let donor_page = to.split('?').next().unwrap().to_string();
        let (status, to, _) = post_with(&app.http, &app.base, &format!("{donor_page}/release"), &[]).await;
        assert_eq!((status, to), (StatusCode::SEE_OTHER, format!("{donor_page}?done=released")), "{b}");
        let (_, page) = app.get(&donor_page).await;
        assert!(page.contains("认领已取消") && !page.contains("/release\""), "{b}");
        let (_, to, _) = post_with(&app.http, &app.base, &format!("{donor_page}/release"), &[]).await;
        assert_eq!(to, format!("{donor_page}?problem=not_allowed_now"), "{b}: only once");
        let (status, _) = app.get("/c/nosuchtoken00000000000000").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{b}");

        // Back on the wall; another donor claims; staff of another town may not touch it.
        let (status, to, _) = post_with(&app.http, &app.base, &claim_url, &good_claim("乙", "yi@example.org")).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let second = to.split('?').next().unwrap().to_string();
        let other = signed_in(&app, "dc1@dg.gov.cn").await;
        let v = app.db.item_by_number(&number).await.unwrap().unwrap().version.to_string();
        let (status, _, _) = post_with(
            &other,
            &app.base,
            &format!("/staff/items/{number}/act"),
            &[("action", "confirm_claim"), ("version", v.as_str())],
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{b}: another town's item does not exist for them");
        // Humen staff cancel the claim (the donor could not be reached): the wish is open again.
        let s = signed_in(&app, "hm1@dg.gov.cn").await;
        staff_act(&app, &s, &number, &[("action", "release_claim")]).await;
        let (_, page) = app.get(&second).await;
        assert!(page.contains("认领已取消"), "{b}");
        // A third donor; delivered; the beneficiary has no internet, staff record the receipt by phone.
        let (_, to, _) = post_with(&app.http, &app.base, &claim_url, &good_claim("丙", "13900003333")).await;
        let third = to.split('?').next().unwrap().to_string();
        staff_act(&app, &s, &number, &[("action", "fulfil"), ("note", "书包已送到")]).await;
        staff_act(&app, &s, &number, &[("action", "confirm_receipt")]).await;
        let (_, page) = app.get(&third).await;
        assert!(page.contains("受助方已确认收到，心愿实现"), "{b}");
    }
}

#[tokio::test]
async fn no_public_page_or_public_json_carries_personal_data_over_the_demo_data() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let today = domain::Date::from_timestamp(store::now());
        store::seed::seed_demo(&app.db, &store::seed::SeedOptions { items: 1_500, seed: 11, until: today, years: 1 })
            .await
            .unwrap();
        // Everything personal the demo data holds: residents' names and phones, tracking tokens.
        let rows: Vec<(String, String, String)> =
            sqlx::query_as("SELECT contact_name, contact_phone, token FROM items")
                .fetch_all(&app.db.pool)
                .await
                .unwrap();
        let mut secrets: Vec<String> = Vec::new();
        for (name, phone, token) in rows {
            // Names of one character are too short to search for; the full name and phone are not.
            if name.chars().count() >= 2 {
                secrets.push(name);
            }
            secrets.push(phone);
            secrets.push(token);
        }
        secrets.sort();
        secrets.dedup();

        let mut pages: Vec<(String, String)> = Vec::new();
        let (_, first) = app.get("/api/v1/wishes").await;
        let json: serde_json::Value = serde_json::from_str(&first).unwrap();
        let total = json["total"].as_i64().unwrap();
        assert!(total >= 10, "{b}: the demo data has wishes on the wall ({total})");
        let pages_n = json["pages"].as_i64().unwrap();
        let mut numbers = Vec::new();
        for p in 1..=pages_n {
            let (status, body) = app.get(&format!("/api/v1/wishes?page={p}")).await;
            assert_eq!(status, StatusCode::OK);
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            numbers.extend(v["wishes"].as_array().unwrap().iter().map(|w| w["number"].as_str().unwrap().to_string()));
            pages.push((format!("/api/v1/wishes?page={p}"), body));
            let path = format!("/wishes?page={p}");
            let (_, html) = app.get(&path).await;
            pages.push((path, html));
        }
        assert_eq!(numbers.len() as i64, total, "{b}: every wish on some page");
        for n in numbers.iter().take(40) {
            let path = format!("/wishes/{n}");
            let (_, html) = app.get(&path).await;
            pages.push((path, html));
        }
        for (path, body) in &pages {
            for s in &secrets {
                assert!(!body.contains(s.as_str()), "{b}: {path} shows {s}");
            }
            // No phone-like run of 11 digits either.
            let digits: Vec<&str> = body.split(|c: char| !c.is_ascii_digit()).filter(|d| d.len() >= 11).collect();
            assert!(digits.is_empty(), "{b}: {path} has {digits:?}");
        }
        // A wish that is not on the wall is not shown at /wishes/{number}.
        let routed: String =
            sqlx::query_scalar("SELECT number FROM items WHERE kind = 'wish' AND status = 'routed' LIMIT 1")
                .fetch_one(&app.db.pool)
                .await
                .unwrap();
        let (status, _) = app.get(&format!("/wishes/{routed}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{b}");
    }
}

#[tokio::test]
async fn a_donor_who_gives_an_email_gets_the_private_link_by_mail_and_one_with_a_phone_gets_none() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let smtp = SmtpCapture::start();
        let w = worker(&app.db, Some(&smtp.url()), store::RetryPolicy::default()).await;
        let (number, _) = published_wish(&app, "m1", "需要一台助听器，联系 13812345678").await;
        let (other, _) = published_wish(&app, "m2", "需要一床冬被").await;
        w.deliver_due(store::now(), 100).await.unwrap();
        let before = smtp.mails().len();

        let form = good_claim("莞邑爱心企业", "Donor@Example.org");
        let (status, to, _) = post_with(&app.http, &app.base, &format!("/wishes/{number}/claim"), &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let donor_page = to.split('?').next().unwrap().to_string();
        let form = good_claim("李先生", "13900001111");
        let (status, _, _) = post_with(&app.http, &app.base, &format!("/wishes/{other}/claim"), &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");

        w.deliver_due(store::now(), 100).await.unwrap();
        let mails = smtp.mails()[before..].to_vec();
        assert_eq!(
            mails.len(),
            1,
            "{b}: only the donor with an email: {:?}",
            mails.iter().map(|m| &m.to).collect::<Vec<_>>()
        );
        let m = &mails[0];
        assert_eq!(m.to, ["donor@example.org"], "{b}");
        assert!(m.subject.contains(&number), "{b}: {}", m.subject);
        assert!(donor_page.starts_with("/c/") && donor_page.len() == 29, "{b}: {donor_page}");
        assert!(m.text.contains(donor_page.as_str()), "{b}: the private link in {}", m.text);
        assert!(m.text.contains("保留到"), "{b}: the hold");
        assert!(!m.text.contains("13812345678"), "{b}: the need's digits stay hidden");
    }
}
