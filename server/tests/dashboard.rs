//! The measures over HTTP on SQLite and PostgreSQL: the public API on a hand-built month with known
//! answers, who may see which town on the dashboard and its drill-down lists, the exports (CSV and a
//! real XLSX workbook), bad parameters, and that nothing public carries personal data.

mod support;

use domain::lifecycle::{Action, Actor};
use domain::{Date, Kind, Rating, Role};
use reqwest::{Client, StatusCode};
use serde_json::Value;
use store::{MeasureQuery, NewItem};
use support::{add_user, backends, get_with, post_with, TestApp, PASSWORD};

const DAY: i64 = 86_400;

async fn signed_in(app: &TestApp, email: &str) -> Client {
    let c = app.browser();
    let (status, _, _) =
        post_with(&c, &app.base, "/staff/sign-in", &[("email", email), ("password", PASSWORD), ("next", "/dashboard")])
            .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{email} signs in");
    c
}

fn wish(town: &str, at: i64, name: &str, phone: &str) -> NewItem {
    NewItem {
        kind: Kind::Wish,
        category: "elderly_alone".into(),
        title: String::new(),
        description: "一台轮椅".into(),
        location: String::new(),
        amount_yuan: 800,
        urgent: false,
        submitted_by: "self".into(),
        helper_org: None,
        contact_name: name.into(),
        contact_phone: phone.into(),
        contact_email: None,
        lang: "zh-Hans".into(),
        town_slug: Some(town.into()),
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

/// March 2025 in Humen, built by hand: five wishes, every answer known.
///   1 declined after 2 h (reply and feedback at once), rated 满意, aware
///   2 accepted after 30 h (late), claimed, fulfilled, feedback on day 12, rated 不满意, not aware
///   3 accepted after 5 h, never answered: overdue
///   4 withdrawn: left out
///   5 accepted after 1 h, feedback on day 40 (late), rated 基本满意
async fn hand_built_month(app: &TestApp) {
    let s = Date::parse("2025-03-10").unwrap().start_ts() + 9 * 3600;
    let db = &app.db;
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(db.create_item(&wish("humen", s, "赵六", "13700001111")).await.unwrap().id);
    }
    let staff = |a: Action, at: i64, id: i64| async move { db.act(id, None, Actor::Staff, "t", &a, at).await.unwrap() };
    let rate = |r: Rating, aware: Option<bool>| Action::Rate { rating: r, comment: String::new(), aware };
    staff(Action::Decline { reason: "不符合条件".into() }, s + 2 * 3600, ids[0]).await;
    db.act(ids[0], None, Actor::Resident, "", &rate(Rating::Satisfied, Some(true)), s + 3 * DAY).await.unwrap();
    staff(Action::Accept { plan: "村委跟进".into() }, s + 30 * 3600, ids[1]).await;
    staff(Action::Publish { text: "一位独居老人需要一台轮椅".into() }, s + 2 * DAY, ids[1]).await;
    db.act(ids[1], None, Actor::Donor, "", &Action::Claim, s + 3 * DAY).await.unwrap();
    staff(Action::RecordFulfilment { note: "已送达".into() }, s + 11 * DAY, ids[1]).await;
    staff(Action::GiveFeedback { message: "已办结".into() }, s + 12 * DAY, ids[1]).await;
    db.act(ids[1], None, Actor::Resident, "", &rate(Rating::Unsatisfied, Some(false)), s + 13 * DAY).await.unwrap();
    staff(Action::Accept { plan: "村委跟进".into() }, s + 5 * 3600, ids[2]).await;
    db.act(ids[3], None, Actor::Resident, "", &Action::Withdraw { reason: "不需要了".into() }, s + DAY).await.unwrap();
    staff(Action::Accept { plan: "村委跟进".into() }, s + 3600, ids[4]).await;
    staff(Action::Publish { text: "一位独居老人需要一台轮椅".into() }, s + 2 * DAY, ids[4]).await;
    staff(Action::RecordFulfilment { note: "已送达".into() }, s + 39 * DAY, ids[4]).await;
    staff(Action::GiveFeedback { message: "已办结".into() }, s + 40 * DAY, ids[4]).await;
    db.act(ids[4], None, Actor::Resident, "", &rate(Rating::BasicallySatisfied, None), s + 41 * DAY).await.unwrap();
}

#[tokio::test]
async fn the_public_api_gives_the_hand_computed_numbers() {
    for b in backends() {
        let app = TestApp::start(b).await;
        hand_built_month(&app).await;
        let r = app
            .http
            .get(format!("{}/api/v1/kpi?from=2025-03-01&to=2025-03-31&town=humen", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b}");
        assert_eq!(r.headers()["cache-control"], "public, max-age=300", "{b}");
        let v: Value = r.json().await.unwrap();
        let o = &v["overall"];
        let n = |k: &str| o[k].as_i64().unwrap_or_else(|| panic!("{b}: {k} in {o}"));
        assert_eq!(n("items"), 4, "{b}: the withdrawn wish is left out");
        assert_eq!((n("feedback_given"), n("feedback_due")), (3, 4), "{b}");
        assert_eq!(o["feedback_rate"], 0.75, "{b}");
        assert_eq!(n("feedback_on_time"), 2, "{b}: wish 5 answered on day 40");
        assert_eq!(o["feedback_on_time_rate"], 0.5, "{b}");
        assert_eq!((n("acceptance_on_time"), n("acceptance_due")), (3, 4), "{b}: wish 2 replied after 30 h");
        assert_eq!((n("satisfied"), n("ratings")), (2, 3), "{b}");
        assert_eq!(o["satisfaction_rate"], 0.6667, "{b}");
        assert_eq!((n("aware_yes"), n("awareness_answers")), (1, 2), "{b}");
        assert_eq!(n("overdue"), 1, "{b}");
        // Replies after 2, 30, 5, 1 hours → lower median 2; feedback after 0, 12, 40 days → 12.
        assert_eq!((n("median_response_hours"), n("median_feedback_days")), (2, 12), "{b}");
        assert_eq!((n("wishes"), n("wishes_claimed"), n("wishes_fulfilled")), (4, 1, 2), "{b}");
        let towns = v["towns"].as_array().unwrap();
        assert_eq!(towns.len(), 1, "{b}: one town asked for");
        assert_eq!(towns[0]["slug"], "humen");
        assert_eq!(towns[0]["items"], 4);

        // The whole city: 34 towns, Humen's figures among them, every other town empty with no rates.
        let (status, body) = app.get("/api/v1/kpi?from=2025-03-01&to=2025-03-31").await;
        assert_eq!(status, StatusCode::OK);
        let v: Value = serde_json::from_str(&body).unwrap();
        let towns = v["towns"].as_array().unwrap();
        assert_eq!(towns.len(), 34, "{b}");
        assert_eq!(v["overall"]["items"], 4);
        let empty = towns.iter().find(|t| t["slug"] == "guancheng").unwrap();
        assert_eq!((empty["items"].as_i64(), empty["feedback_rate"].is_null()), (Some(0), true), "{b}");
        assert!(
            !body.contains("赵六") && !body.contains("13700001111") && !body.contains("1111"),
            "{b}: no personal data"
        );
        // Another month: nothing.
        let (_, body) = app.get("/api/v1/kpi?from=2025-05-01&to=2025-05-31").await;
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!((v["overall"]["items"].as_i64(), v["overall"]["satisfaction_rate"].is_null()), (Some(0), true));

        // Bad parameters: 400 with a code per field.
        for (query, field, code) in [
            ("from=2025-02-30", "from", "date_invalid"),
            ("to=yesterday", "to", "date_invalid"),
            ("from=2025-04-01&to=2025-03-01", "to", "period_order"),
            ("town=atlantis", "town", "town_unknown"),
        ] {
            let (status, body) = app.get(&format!("/api/v1/kpi?{query}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{b}: {query}");
            let v: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v["fields"][0]["field"], field, "{b}: {query}: {v}");
            assert_eq!(v["fields"][0]["code"], code, "{b}: {query}: {v}");
        }

        // The public page shows the same month and keeps a bad date with its message.
        let (status, page) = app.get("/figures?from=2025-03-01&to=2025-03-31").await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert!(page.contains("75.0%") && page.contains("66.7%") && page.contains("虎门镇"), "{b}");
        assert!(!page.contains("赵六") && !page.contains("13700001111"), "{b}: no personal data on the page");
        let (status, page) = app.get("/figures?from=2025-13-01").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(
            page.contains("value=\"2025-13-01\"") && page.contains("请填写日期"),
            "{b}: typed value and message kept"
        );
        // An end before the start: the message at the end date, and the page shows the default period
        // with its real figures (the same as the page without dates), not a label over zeros.
        let line = |page: &str| page.split("共 ").nth(1).and_then(|r| r.split(" 件诉求").next()).map(str::to_string);
        let (_, default_page) = app.get("/figures").await;
        let (status, page) = app.get("/figures?from=2025-03-31&to=2025-03-01").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(page.contains("结束日期不能早于开始日期"), "{b}");
        assert!(line(&default_page).is_some(), "{b}: the count line");
        assert_eq!(line(&page), line(&default_page), "{b}: the default period's figures");
        let year = domain::Date::from_timestamp(store::now()).year;
        assert!(page.contains(&format!("{year}-01-01 至")), "{b}: labelled with the period it shows");
        // An unknown town with a good period: the message at the town, and the city's figures of that
        // period (March 2025 above), not zeros.
        let (status, page) = app.get("/figures?from=2025-03-01&to=2025-03-31&town=atlantis").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(page.contains("2025-03-01 至 2025-03-31") && page.contains("75.0%"), "{b}: the month's figures");
    }
}

/// `(status, body)` of a server function answering `Guarded<T>`: the variant name.
async fn guarded(c: &Client, base: &str, endpoint: &str, form: &[(&str, &str)]) -> (String, Value) {
    let r =
        c.post(format!("{base}/api/{endpoint}")).header("accept", "application/json").form(form).send().await.unwrap();
    let v: Value = r.json().await.unwrap();
    let variant = v.as_str().map(str::to_string).or_else(|| v.as_object().and_then(|o| o.keys().next().cloned()));
    (variant.unwrap_or_default(), v)
}

#[tokio::test]
async fn who_sees_which_town_on_the_dashboard_and_its_exports() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let today = Date::from_timestamp(store::now());
        store::seed::seed_demo(&app.db, &store::seed::SeedOptions { items: 800, seed: 4, until: today, years: 1 })
            .await
            .unwrap();
        add_user(&app, "a@dg.gov.cn", Role::TownStaff, Some("guancheng")).await;
        add_user(&app, "d@dg.gov.cn", Role::Dispatcher, None).await;
        add_user(&app, "l@dg.gov.cn", Role::Leader, None).await;
        add_user(&app, "x@dg.gov.cn", Role::Admin, None).await;
        let town_a = signed_in(&app, "a@dg.gov.cn").await;
        let dispatcher = signed_in(&app, "d@dg.gov.cn").await;
        let leader = signed_in(&app, "l@dg.gov.cn").await;
        let admin = signed_in(&app, "x@dg.gov.cn").await;
        let visitor = app.browser();
        let base = &app.base;

        // Pages: staff see it, admins and visitors do not.
        for (name, c, want) in [
            ("town A", &town_a, StatusCode::OK),
            ("dispatcher", &dispatcher, StatusCode::OK),
            ("leader", &leader, StatusCode::OK),
            ("admin", &admin, StatusCode::FORBIDDEN),
            ("visitor", &visitor, StatusCode::SEE_OTHER),
        ] {
            for path in ["/dashboard", "/dashboard/items?set=overdue"] {
                let (status, body) = get_with(c, base, path).await;
                assert_eq!(status, want, "{b}: {name} GET {path}");
                if want == StatusCode::SEE_OTHER {
                    assert!(body.starts_with("/staff/sign-in?next=/dashboard"), "{b}: {body}");
                }
            }
        }

        // Town staff get their own town whatever they ask for; the numbers are the store's.
        let year = [("filters[town]", "humen"), ("lang", "zh-Hans")];
        let (variant, v) = guarded(&town_a, base, "dashboard", &year).await;
        assert_eq!(variant, "Ok", "{b}");
        let view = &v["Ok"];
        assert_eq!(view["filters"]["town"], "guancheng", "{b}: town staff cannot look at another town");
        let q = MeasureQuery {
            from: Some(Date { year: today.year, month: 1, day: 1 }),
            to: Some(today),
            town: Some("guancheng".into()),
            ..Default::default()
        };
        let m = app.db.measures(&q, store::now()).await.unwrap();
        assert_eq!(view["overall"]["items"].as_i64(), Some(m.items), "{b}");
        assert_eq!(view["overall"]["satisfaction"]["num"].as_i64(), Some(m.satisfaction.num), "{b}");
        assert_eq!(view["league"].as_array().unwrap().len(), 34, "{b}: the league table has every town");
        let (variant, v) = guarded(&leader, base, "dashboard", &year).await;
        assert_eq!((variant.as_str(), &v["Ok"]["filters"]["town"]), ("Ok", &Value::from("humen")), "{b}");
        for (c, want) in [(&admin, "Forbidden"), (&visitor, "SignIn")] {
            assert_eq!(guarded(c, base, "dashboard", &year).await.0, want, "{b}");
            assert_eq!(
                guarded(c, base, "dashboard_items", &[("filters[set]", "items"), ("lang", "zh-Hans")]).await.0,
                want
            );
        }

        // Drill-down: a town's list holds only its own items, even when another town is asked for.
        let (_, list) = get_with(&town_a, base, "/dashboard/items?set=items&town=humen").await;
        let numbers: Vec<String> =
            list.split("/staff/items/").skip(1).map(|s| s.split('"').next().unwrap().to_string()).collect();
        assert!(!numbers.is_empty(), "{b}: Guancheng has items this year");
        for n in &numbers {
            let item = app.db.item_by_number(n).await.unwrap().unwrap();
            assert_eq!(item.facts.town_slug.as_deref(), Some("guancheng"), "{b}: {n}");
        }
        let (status, _) = get_with(&leader, base, "/dashboard/items?set=nonsense").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{b}");

        // The presets: 近 12 个月 is a full year back from today, never the same link as 今年 (it was
        // in December), and only the applied one is marked current.
        let today = domain::Date::from_timestamp(store::now());
        let last_12 = domain::kpi::Period::last_12_months(today);
        let (_, page) = get_with(&leader, base, "/dashboard").await;
        assert!(page.contains(&format!("from={}&amp;to={}", last_12.from, last_12.to)), "{b}: the 12-month link");
        assert_ne!(last_12.from, domain::Date { year: today.year, month: 1, day: 1 }, "{b}");
        let presets = page.split("class=\"presets\"").nth(1).and_then(|r| r.split("</nav>").next()).unwrap_or_default();
        assert_eq!(presets.matches("aria-current=\"true\"").count(), 1, "{b}: one preset is current: {presets}");

        // A bad date: 422, the message next to the field, the typed value kept.
        let (status, page) = get_with(&leader, base, "/dashboard?from=2026-13-01").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(page.contains("value=\"2026-13-01\"") && page.contains("请填写日期"), "{b}");

        // Exports: CSV and XLSX for staff, the same towns in both, no personal data.
        let r = leader.get(format!("{base}/dashboard/league.csv")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let csv = r.text().await.unwrap();
        let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
        assert_eq!(lines.len(), 1 + 34 + 1, "{b}: header, 34 towns, the city");
        assert!(lines[0].starts_with("\u{feff}镇街,诉求数"), "{b}: {}", lines[0]);
        assert!(
            lines[0].ends_with("按时签收率,退单率,延期率,回访率,差评整改按时率,解决率"),
            "{b}: the work-order measures"
        );
        let r = leader.get(format!("{base}/dashboard/league.xlsx")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        let bytes = r.bytes().await.unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a real XLSX (zip) file");
        let mut read = |name: &str| {
            use std::io::Read;
            let mut s = String::new();
            zip.by_name(name).unwrap_or_else(|_| panic!("{name} in the workbook")).read_to_string(&mut s).unwrap();
            s
        };
        let strings = read("xl/sharedStrings.xml");
        let sheet = read("xl/worksheets/sheet1.xml");
        assert!(strings.contains("莞城街道") && strings.contains("全市"), "{b}: town names in the workbook");
        assert_eq!(sheet.matches("<row ").count(), 36, "{b}: header, 34 towns, the city");
        for (c, want) in [(&visitor, StatusCode::SEE_OTHER), (&admin, StatusCode::FORBIDDEN)] {
            for path in ["/dashboard/league.csv", "/dashboard/league.xlsx"] {
                // Visitors are sent to sign in, as for every staff page.
                assert_eq!(c.get(format!("{base}{path}")).send().await.unwrap().status(), want, "{b}: {path}");
            }
        }

        // Nothing public names or phones anyone: check every seeded contact against the API and page.
        let (_, api) = app.get("/api/v1/kpi").await;
        let (_, page) = app.get("/figures").await;
        let contacts: Vec<(String, String, String)> =
            sqlx::query_as("SELECT contact_name, contact_phone, token FROM items")
                .fetch_all(&app.db.pool)
                .await
                .unwrap();
        for (name, phone, token) in &contacts {
            for (what, body) in [("api", &api), ("figures", &page), ("csv", &csv)] {
                assert!(!body.contains(phone.as_str()) && !body.contains(token.as_str()), "{b}: {what} leaks {phone}");
                assert!(!body.contains(name.as_str()), "{b}: {what} leaks {name}");
            }
        }
    }
}

/// Issue 21: the public API cuts by kind and category exactly as the dashboard does — for every kind
/// and every beneficiary group and project category, its overall figures equal the city row of the
/// leader's league table (`/dashboard/league.csv`, the dashboard's own numbers) over the same demo
/// year, on both databases; unknown values, a category of the other kind and unknown parameters are
/// refused with 400 naming the field.
#[tokio::test]
async fn the_public_api_cuts_by_kind_and_category_like_the_dashboard() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let today = Date::from_timestamp(store::now());
        store::seed::seed_demo(&app.db, &store::seed::SeedOptions { items: 900, seed: 21, until: today, years: 1 })
            .await
            .unwrap();
        add_user(&app, "l@dg.gov.cn", Role::Leader, None).await;
        let leader = signed_in(&app, "l@dg.gov.cn").await;
        let period = format!("from={}-01-01&to={today}", today.year - 1);
        let mut cuts: Vec<(String, String)> = vec![(String::new(), String::new())];
        cuts.push(("wish".into(), String::new()));
        cuts.push(("project".into(), String::new()));
        cuts.extend(domain::Beneficiary::ALL.iter().map(|c| ("wish".to_string(), c.code().to_string())));
        cuts.extend(domain::Category::ALL.iter().map(|c| ("project".to_string(), c.code().to_string())));
        cuts.extend(domain::Beneficiary::ALL.iter().take(2).map(|c| (String::new(), c.code().to_string())));
        let mut nonempty = 0;
        for (kind, category) in &cuts {
            let query = format!("{period}&kind={kind}&category={category}");
            let (status, body) = app.get(&format!("/api/v1/kpi?{query}")).await;
            assert_eq!(status, StatusCode::OK, "{b}: {query}: {body}");
            let api: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(api["kind"].as_str().unwrap_or_default(), kind, "{b}: the cut is named");
            assert_eq!(api["category"].as_str().unwrap_or_default(), category, "{b}: the cut is named");
            let (status, csv) = get_with(&leader, &app.base, &format!("/dashboard/league.csv?{query}")).await;
            assert_eq!(status, StatusCode::OK, "{b}: {query}");
            let city: Vec<String> = csv.lines().last().unwrap().split(',').map(str::to_string).collect();
            assert_eq!(city[0], "全市", "{b}: the last row is the city's");
            let o = &api["overall"];
            let n = |k: &str| o[k].as_i64().unwrap_or_else(|| panic!("{b}: {k} in {o}")).to_string();
            // Columns of the league table: items, feedback due, feedback given, …, ratings (7),
            // awareness answers (9), overdue (11), wishes, claimed, fulfilled (14–16).
            for (column, field) in [
                (1, "items"),
                (2, "feedback_due"),
                (3, "feedback_given"),
                (7, "ratings"),
                (9, "awareness_answers"),
                (11, "overdue"),
                (14, "wishes"),
                (15, "wishes_claimed"),
                (16, "wishes_fulfilled"),
            ] {
                assert_eq!(city[column], n(field), "{b}: {query}: {field}");
            }
            if o["items"].as_i64() > Some(0) {
                nonempty += 1;
            }
        }
        assert!(nonempty > cuts.len() / 2, "{b}: most cuts hold items ({nonempty} of {})", cuts.len());
        // The cuts add up: every wish is in exactly one beneficiary group.
        let items = |query: String| {
            let app = &app;
            async move {
                let (_, body) = app.get(&format!("/api/v1/kpi?{query}")).await;
                serde_json::from_str::<Value>(&body).unwrap()["overall"]["items"].as_i64().unwrap()
            }
        };
        let mut by_group = 0;
        for c in domain::Beneficiary::ALL {
            by_group += items(format!("{period}&kind=wish&category={}", c.code())).await;
        }
        assert_eq!(by_group, items(format!("{period}&kind=wish")).await, "{b}");

        for (query, field, code) in [
            ("kind=nonsense", "kind", "kind_unknown"),
            ("category=atlantis", "category", "category_unknown"),
            ("kind=project&category=elderly_alone", "category", "category_unknown"),
            ("kind=wish&category=roads_lighting", "category", "category_unknown"),
            ("twon=humen", "twon", "parameter_unknown"),
        ] {
            let (status, body) = app.get(&format!("/api/v1/kpi?{query}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{b}: {query}: {body}");
            let v: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v["fields"][0]["field"], field, "{b}: {query}: {v}");
            assert_eq!(v["fields"][0]["code"], code, "{b}: {query}: {v}");
        }
    }
}
