//! The abuse suite (issue 14, `docs/security.md`): each attack that worked against the portal is
//! performed here over HTTP on SQLite and PostgreSQL, and each test passes because the attack fails.
//! Every limit is counted in the database, so two servers over one database share it (last test).

mod support;

use domain::Role;
use reqwest::StatusCode;
use std::net::SocketAddr;
use support::{add_user, backends, get_with, post_with, signed_in, TestApp, PASSWORD};

const SCRIPT: &str = "</textarea><script>alert(document.domain)</script>";

fn wish_form(key: &str, need: &str, phone: &str) -> Vec<(&'static str, String)> {
    vec![
        ("beneficiary", "elderly_alone".into()),
        ("submitted_by", "helper".into()),
        ("helper_org", String::new()),
        ("ben_name", "陈婆婆".into()),
        ("ben_phone", String::new()),
        ("ben_address", "北隅社区二巷5号".into()),
        ("ben_relation", "neighbour".into()),
        ("ben_consent", "on".into()),
        ("need", need.into()),
        ("amount", "800".into()),
        ("town", "guancheng".into()),
        ("community", "1".into()),
        ("contact_name", "王小明".into()),
        ("phone", phone.into()),
        ("email", String::new()),
        ("consent", "on".into()),
        ("submission_key", key.into()),
    ]
}

fn refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// A server that trusts 127.0.0.1 as its proxy, so a test can speak for many client addresses.
async fn behind_proxy(b: &str) -> TestApp {
    TestApp::on(b).with_trusted_proxies("127.0.0.1/32").start().await
}

async fn post_from(app: &TestApp, client: &str, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    app.http.post(format!("{}{path}", app.base)).header("x-forwarded-for", client).form(form).send().await.unwrap()
}

#[tokio::test]
async fn no_typed_text_comes_back_as_live_markup() {
    for b in backends() {
        let app = TestApp::start(b).await;
        // The micro-wish form, every text field, re-rendered with an error (no consent): 422.
        let mut form = wish_form("xss-1", SCRIPT, "13812341234");
        for (k, v) in form.iter_mut() {
            if matches!(
                *k,
                "contact_name" | "helper_org" | "email" | "amount" | "ben_name" | "ben_phone" | "ben_address" | "place"
            ) {
                *v = SCRIPT.into();
            }
            if *k == "consent" {
                *v = String::new();
            }
        }
        let (status, _, page) = post_with(&app.http, &app.base, "/wish/new", &refs(&form)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(!page.contains("<script>alert"), "{b}: no live script in the wish form");
        assert!(page.contains("&lt;/textarea&gt;&lt;script&gt;"), "{b}: the text is kept, escaped");
        // The micro-project form.
        let project = [
            ("title", SCRIPT),
            ("description", SCRIPT),
            ("category", "roads_lighting"),
            ("town", "guancheng"),
            ("community", "1"),
            ("location", SCRIPT),
            ("budget", "80000"),
            ("contact_name", SCRIPT),
            ("phone", "13912345678"),
            ("email", ""),
            ("submission_key", "xss-2"),
        ];
        let (status, _, page) = post_with(&app.http, &app.base, "/project/new", &project).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(!page.contains("<script>alert"), "{b}: no live script in the project form");
        // A staff action's textarea (a decline without its reason is refused, the note kept).
        add_user(&app, "gc@dg.gov.cn", Role::TownStaff, Some("guancheng")).await;
        let good = wish_form("xss-3", "独居老人需要一台轮椅", "13812341234");
        let (_, loc, _) = post_with(&app.http, &app.base, "/wish/new", &refs(&good)).await;
        let token = loc.trim_start_matches("/t/").split('?').next().unwrap().to_string();
        let item = app.db.item_by_token(&token).await.unwrap().unwrap();
        let staff = signed_in(&app, "gc@dg.gov.cn").await;
        let v = item.version.to_string();
        let long = format!("{SCRIPT}{}", "长".repeat(1_000));
        let (status, _, page) = post_with(
            &staff,
            &app.base,
            &format!("/staff/items/{}/act", item.number),
            &[("action", "decline"), ("reason", long.as_str()), ("version", v.as_str())],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(!page.contains("<script>alert"), "{b}: no live script in the staff page");
    }
}

#[tokio::test]
async fn forms_posted_from_another_site_are_refused_with_a_page() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let form = wish_form("cs-1", "独居老人需要一台轮椅", "13812341234");
        for (name, value) in [("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")] {
            let r = app
                .http
                .post(format!("{}/wish/new", app.base))
                .header(name, value)
                .form(&refs(&form))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{b}: {name}");
            assert!(r.text().await.unwrap().contains("不能从这里提交"), "{b}: a page that says why");
        }
        for path in ["/awareness", "/track", "/me/code", "/staff/sign-in"] {
            let r = app
                .http
                .post(format!("{}{path}", app.base))
                .header("sec-fetch-site", "cross-site")
                .form(&[("answer", "yes")])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::FORBIDDEN, "{b}: {path}");
        }
        assert_eq!(app.db.count_items().await.unwrap(), 0, "{b}: nothing was stored");
        // The portal's own pages still post.
        let r = app
            .http
            .post(format!("{}/wish/new", app.base))
            .header("sec-fetch-site", "same-origin")
            .form(&refs(&form))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{b}");
    }
}

#[tokio::test]
async fn nul_crlf_and_overlong_input_answer_400_or_a_field_error_never_500() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let long = format!("/wishes/{}", "x".repeat(3_000));
        let long_query = format!("/wishes?town={}", "x".repeat(5_000));
        for path in [
            "/t/%00",
            "/wishes/%00",
            "/c/%00",
            "/projects/%00",
            "/mail/preferences/%00",
            "/photos/%00/large",
            "/lang/en?back=/%0d%0aX",
            "/elder/on?back=/%0d%0aX",
            "/staff/sign-in?next=%00",
            "/wishes?town=%00",
            "/api/v1/kpi?town=%00",
            "/api/v1/wishes?page=99999999999999999999",
            "/projects?page=9223372036854775807",
            "/wishes?page=-5",
            long.as_str(),
            long_query.as_str(),
        ] {
            let (status, _) = app.get(path).await;
            assert!(status.is_client_error() || status.is_success(), "{b}: {path} answers {status}");
        }
        for path in ["/t/%00", "/lang/en?back=/%0d%0aX", "/elder/on?back=/%0d%0aX", long.as_str()] {
            assert_eq!(app.get(path).await.0, StatusCode::BAD_REQUEST, "{b}: {path}");
        }
        // Form fields: the free-text ones name the problem at the field, the rest answer 400.
        let mut form = wish_form("nul-1", "独居老人\u{0}需要轮椅", "13812341234");
        let name = form.iter().position(|(k, _)| *k == "contact_name").unwrap();
        form[name].1 = "王\u{1b}[31m".into();
        let (status, _, page) = post_with(&app.http, &app.base, "/wish/new", &refs(&form)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(page.contains("不可见控制字符"), "{b}: the field says what is wrong");
        let (status, _, page) = post_with(&app.http, &app.base, "/me/code", &[("email", "a\u{0}@example.org")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {page}");
        let (status, _, _) =
            post_with(&app.http, &app.base, "/staff/sign-in", &[("email", "a\u{0}@dg.gov.cn"), ("password", "x")])
                .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let (status, _, _) =
            post_with(&app.http, &app.base, "/track", &[("number", "W-2026-\u{0}1"), ("phone4", "1234")]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{b}: a NUL in a non-text field");
        let (status, _, _) = post_with(&app.http, &app.base, "/awareness", &[("answer", "yes\u{0}")]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{b}");
        // Line breaks typed in a textarea are fine.
        let ok = wish_form("nul-2", "独居老人\r\n需要一台轮椅", "13812341234");
        let (status, _, _) = post_with(&app.http, &app.base, "/wish/new", &refs(&ok)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        assert_eq!(app.db.count_items().await.unwrap(), 1, "{b}: only the good one is stored");
        // A submission key of any length keeps its double-submit protection.
        let long_key = "k".repeat(200);
        let form = wish_form(&long_key, "独居老人需要助听器", "13812341234");
        let (_, first, _) = post_with(&app.http, &app.base, "/wish/new", &refs(&form)).await;
        let (_, second, _) = post_with(&app.http, &app.base, "/wish/new", &refs(&form)).await;
        assert_eq!(first, second, "{b}: a long key still lands on one item");
        assert_eq!(app.db.count_items().await.unwrap(), 2, "{b}");
    }
}

#[tokio::test]
async fn a_reused_submission_key_never_hands_over_another_residents_item() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let first = wish_form("shared-key", "独居老人需要一台轮椅", "13812341234");
        let mut second = wish_form("shared-key", "孩子需要书包和课本", "13900001111");
        second[7].1 = "李四".into();
        let (_, a, _) = post_with(&app.http, &app.base, "/wish/new", &refs(&first)).await;
        let (status, b2, _) = post_with(&app.http, &app.base, "/wish/new", &refs(&second)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        assert_ne!(a, b2, "{b}: the second resident gets their own link");
        assert_eq!(app.db.count_items().await.unwrap(), 2, "{b}: and their wish is stored");
        let (_, page) = app.get(b2.split('?').next().unwrap()).await;
        assert!(page.contains("孩子需要书包") && !page.contains("轮椅"), "{b}: their own wish");
        // The same key with the same content (a double tap) still lands on the first item.
        let (_, again, _) = post_with(&app.http, &app.base, "/wish/new", &refs(&first)).await;
        assert_eq!(again, a, "{b}");
        assert_eq!(app.db.count_items().await.unwrap(), 2, "{b}");
    }
}

#[tokio::test]
async fn the_awareness_figure_cannot_be_talked_up() {
    for b in backends() {
        let app = TestApp::start(b).await;
        for _ in 0..200 {
            let (status, to, _) = post_with(&app.http, &app.base, "/awareness", &[("answer", "yes")]).await;
            assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/?aware=1#aware-h"), "{b}: thanked as usual");
        }
        let n: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM awareness_answers")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        assert_eq!(n, 1, "{b}: 200 answers from one address count once a day");
        // A browser that answered carries the cookie and is not asked again.
        let browser = app.browser();
        let r = browser.post(format!("{}/awareness", app.base)).form(&[("answer", "no")]).send().await.unwrap();
        assert!(r.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("aware_answered=1")));
        let (_, home) = get_with(&browser, &app.base, "/").await;
        assert!(!home.contains("action=\"/awareness\""), "{b}: the question is not shown again");
        let (_, home) = app.get("/").await;
        assert!(home.contains("action=\"/awareness\""), "{b}: a new visitor is asked");
        // Leaders see where the answers came from.
        add_user(&app, "leader@dg.gov.cn", Role::Leader, None).await;
        let leader = signed_in(&app, "leader@dg.gov.cn").await;
        let (_, dash) = get_with(&leader, &app.base, "/dashboard").await;
        assert!(dash.contains("首页 100.0%，共 1 人"), "{b}: awareness by source on the dashboard");
    }
}

#[tokio::test]
async fn a_flood_of_submissions_is_stopped_per_address_and_per_phone_on_every_server() {
    for b in backends() {
        let app = behind_proxy(b).await;
        // A second server over the same database.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let other = format!("http://{}", listener.local_addr().unwrap());
        let router = server::router(app.state.clone());
        tokio::spawn(async move {
            axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
        });
        let max_client = domain::abuse::Limit::SubmissionsPerClientHour.default_max();
        let mut refused = None;
        for n in 0..=max_client {
            let form = wish_form(&format!("flood-{n}"), &format!("独居老人需要轮椅 {n}"), &format!("139{:08}", n));
            let base = if n % 2 == 0 { &app.base } else { &other };
            let r = app
                .http
                .post(format!("{base}/wish/new"))
                .header("x-forwarded-for", "203.0.113.5")
                .form(&refs(&form))
                .send()
                .await
                .unwrap();
            if r.status() != StatusCode::SEE_OTHER {
                let retry = r.headers().get("retry-after").map(|v| v.to_str().unwrap().parse::<i64>().unwrap());
                refused = Some((n, r.status(), retry, r.text().await.unwrap()));
                break;
            }
        }
        let (n, status, retry, page) = refused.expect("the flood is stopped");
        assert_eq!(n, max_client, "{b}: exactly the limit got through, across both servers");
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{b}");
        assert!(retry.is_some_and(|s| (1..=3600).contains(&s)), "{b}: Retry-After {retry:?}");
        assert!(page.contains("提交得太多") && page.contains("独居老人需要轮椅"), "{b}: told why, text kept");
        // IPv6 neighbours in one /64 count as one client; another /64 is not affected.
        // One phone from many addresses: stopped at the phone's hourly limit.
        let max_phone = domain::abuse::Limit::SubmissionsPerPhoneHour.default_max();
        let mut passed = 0;
        for n in 0..max_phone + 3 {
            let form = wish_form(&format!("phone-{n}"), &format!("独居老人需要助听器 {n}"), "13700002222");
            let r = post_from(&app, &format!("2408:8456:{n:x}::1"), "/wish/new", &refs(&form)).await;
            if r.status() == StatusCode::SEE_OTHER {
                passed += 1;
            } else {
                assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{b}");
            }
        }
        assert_eq!(passed, max_phone, "{b}: one phone, many addresses");
    }
}

/// A published wish made straight in the store (no limits involved), returning its number.
async fn published(app: &TestApp, n: usize) -> String {
    use domain::lifecycle::{Action, Actor};
    let form = wish_form(&format!("pub-{n}"), &format!("独居老人需要一台轮椅 {n}"), &format!("136{:08}", n));
    let (_, loc, _) = post_from(app, &format!("198.51.100.{n}"), "/wish/new", &refs(&form)).await.into_parts().await;
    let token = loc.trim_start_matches("/t/").split('?').next().unwrap().to_string();
    let item = app.db.item_by_token(&token).await.unwrap().unwrap();
    app.db.act(item.id, None, Actor::Staff, "s", &Action::Accept { plan: "核实".into() }, store::now()).await.unwrap();
    app.db
        .act(
            item.id,
            None,
            Actor::Staff,
            "s",
            &Action::Publish { text: "一位独居老人需要一台轮椅".into() },
            store::now(),
        )
        .await
        .unwrap();
    item.number
}

trait IntoParts {
    async fn into_parts(self) -> (StatusCode, String, String);
}

impl IntoParts for reqwest::Response {
    async fn into_parts(self) -> (StatusCode, String, String) {
        let loc = self.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        (self.status(), loc, self.text().await.unwrap())
    }
}

#[tokio::test]
async fn one_donor_cannot_squat_the_wish_wall() {
    for b in backends() {
        let app = behind_proxy(b).await;
        let mut numbers = Vec::new();
        for n in 0..5 {
            numbers.push(published(&app, n).await);
        }
        let live = domain::abuse::Limit::LiveClaimsPerContact.default_max() as usize;
        let claim = [
            ("donor_kind", "person"),
            ("donor_name", "张先生"),
            ("contact", "13500001234"),
            ("consent", "on"),
            ("thank_publicly", ""),
        ];
        for (i, number) in numbers.iter().enumerate() {
            let (status, loc, page) = post_with(&app.http, &app.base, &format!("/wishes/{number}/claim"), &claim).await;
            if i < live {
                assert_eq!(status, StatusCode::SEE_OTHER, "{b}: claim {i}: {page}");
                assert!(loc.starts_with("/c/"), "{b}");
            } else {
                assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{b}: claim {i}");
                assert!(page.contains("认领中的心愿已达上限"), "{b}: told why");
            }
        }
        // The wall's server functions carry what the wall shows: no resident's or donor's name, phone or token.
        for (path, form) in [
            ("/api/get_wish_wall", vec![("town", ""), ("category", ""), ("page", "1"), ("lang", "zh-Hans")]),
            ("/api/get_wall_card", vec![("number", numbers[4].as_str()), ("lang", "zh-Hans")]),
        ] {
            let r = app.http.post(format!("{}{path}", app.base)).form(&form).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{b}: {path}");
            let json = r.text().await.unwrap();
            assert!(json.contains(&numbers[4]), "{b}: {path} lists the wish: {json}");
            for hidden in ["王小明", "13600000004", "张先生", "13500001234"] {
                assert!(!json.contains(hidden), "{b}: {path} carries {hidden}");
            }
        }
        let held: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM wish_claims")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        assert_eq!(held, live as i64, "{b}: the other wishes stay on the wall");
    }
}

#[tokio::test]
async fn redirects_stay_on_the_portal() {
    for b in backends() {
        let app = TestApp::start(b).await;
        for back in ["/%5Cevil.example/", "//evil.example/", "https://evil.example/", "/\\evil.example"] {
            for switch in ["/lang/en", "/elder/on", "/elder/off"] {
                let (status, to) = app.get(&format!("{switch}?back={back}")).await;
                assert!(
                    status == StatusCode::SEE_OTHER || status == StatusCode::BAD_REQUEST,
                    "{b}: {switch} {back} {status}"
                );
                if status == StatusCode::SEE_OTHER {
                    assert_eq!(to, "/", "{b}: {switch} {back}");
                }
            }
        }
        let (_, to) = app.get("/lang/en?back=/wishes%3Ftown%3Dhumen").await;
        assert_eq!(to, "/wishes?town=humen", "{b}: a path of the portal is kept");
        add_user(&app, "gc@dg.gov.cn", Role::TownStaff, Some("guancheng")).await;
        let c = app.browser();
        let (_, to, _) = post_with(
            &c,
            &app.base,
            "/staff/sign-in",
            &[("email", "gc@dg.gov.cn"), ("password", PASSWORD), ("next", "/staff/\\evil.example")],
        )
        .await;
        assert_eq!(to, "/staff", "{b}");
    }
}

#[tokio::test]
async fn public_server_functions_carry_nothing_the_public_page_hides() {
    use domain::lifecycle::{Action, Actor};
    for b in backends() {
        let app = TestApp::start(b).await;
        let form = [
            ("title", "修复村口路灯"),
            ("description", "村口主路多盏路灯损坏，夜间出行不安全"),
            ("category", "roads_lighting"),
            ("town", "guancheng"),
            ("community", "1"),
            ("location", "村口大榕树旁"),
            ("budget", "80000"),
            ("contact_name", "欧阳建国"),
            ("phone", "13912345678"),
            ("email", "ouyang@example.org"),
            ("consent", "on"),
            ("submission_key", "leak-1"),
        ];
        let (_, loc, _) = post_with(&app.http, &app.base, "/project/new", &form).await;
        let token = loc.trim_start_matches("/t/").split('?').next().unwrap().to_string();
        let item = app.db.item_by_token(&token).await.unwrap().unwrap();
        let now = store::now();
        for a in [
            Action::Accept { plan: "可行".into() },
            Action::StartNotice { days: 7 },
            Action::Approve { budget_yuan: 75_000, plan: "立项".into() },
            Action::StartWork,
            Action::Complete { inspection: "验收合格".into() },
            Action::GiveFeedback { message: "已完工".into() },
        ] {
            app.db.act(item.id, None, Actor::Staff, "s", &a, now).await.unwrap();
        }
        let rate =
            Action::Rate { rating: domain::Rating::Unsatisfied, comment: "PRIVATE-COMMENT 邻居".into(), aware: None };
        app.db.act(item.id, None, Actor::Resident, "", &rate, now).await.unwrap();
        let (status, page) = app.get(&format!("/projects/{}", item.number)).await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert!(!page.contains("PRIVATE-COMMENT"), "{b}: the page hides it");
        let r = app
            .http
            .post(format!("{}/api/get_public_project", app.base))
            .form(&[("number", item.number.as_str()), ("lang", "zh-Hans")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b}");
        let json = r.text().await.unwrap();
        assert!(json.contains("验收合格"), "{b}: the public facts are there: {json}");
        for hidden in ["PRIVATE-COMMENT", "欧阳建国", "13912345678", "ouyang@example.org", token.as_str()] {
            assert!(!json.contains(hidden), "{b}: the server function carries {hidden}");
        }
        let r = app
            .http
            .post(format!("{}/api/get_project_board", app.base))
            .form(&[("stage", "done"), ("town", ""), ("page", "1"), ("lang", "zh-Hans")])
            .send()
            .await
            .unwrap();
        let json = r.text().await.unwrap();
        assert!(json.contains(&item.number), "{b}: the board lists it");
        for hidden in ["PRIVATE-COMMENT", "欧阳建国", "13912345678", "ouyang@example.org", token.as_str()] {
            assert!(!json.contains(hidden), "{b}: the board's server function carries {hidden}");
        }
    }
}

#[tokio::test]
async fn a_parallel_burst_of_lookups_against_one_number_gets_no_more_than_the_limit() {
    for b in backends() {
        let app = behind_proxy(b).await;
        let form = wish_form("track-1", "独居老人需要一台轮椅", "13812341234");
        let (_, loc, _) = post_with(&app.http, &app.base, "/wish/new", &refs(&form)).await;
        let token = loc.trim_start_matches("/t/").split('?').next().unwrap().to_string();
        let number = app.db.item_by_token(&token).await.unwrap().unwrap().number;
        // 100 tries at once, each from its own address: only the per-number count can stop them.
        let tries = (0..100).map(|i| {
            let (http, url, number) = (app.http.clone(), format!("{}/track", app.base), number.clone());
            tokio::spawn(async move {
                let digits = format!("{:04}", 2000 + i);
                let r = http
                    .post(url)
                    .header("x-forwarded-for", format!("192.0.2.{}", i + 1))
                    .form(&[("number", number.as_str()), ("phone4", digits.as_str())])
                    .send()
                    .await
                    .unwrap();
                r.status()
            })
        });
        let mut answered = 0;
        let mut refused = 0;
        for t in tries {
            match t.await.unwrap() {
                StatusCode::UNPROCESSABLE_ENTITY => answered += 1,
                StatusCode::TOO_MANY_REQUESTS => refused += 1,
                other => panic!("{b}: {other}"),
            }
        }
        let max = domain::abuse::Limit::TrackTriesPerNumberHour.default_max();
        assert_eq!(answered, max, "{b}: exactly the limit was tried against the number");
        assert_eq!(refused, 100 - max, "{b}");
        // Within the hour even the right digits from a fresh address are refused for this number.
        let r = post_from(&app, "192.0.2.200", "/track", &[("number", number.as_str()), ("phone4", "1234")]).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS, "{b}");
        // The resident's private link keeps working.
        assert_eq!(app.get(&format!("/t/{token}")).await.0, StatusCode::OK, "{b}");
    }
}

#[tokio::test]
async fn failed_sign_ins_slow_an_attacker_down_but_never_lock_the_clerk_out() {
    for b in backends() {
        let app = behind_proxy(b).await;
        add_user(&app, "clerk@dg.gov.cn", Role::TownStaff, Some("guancheng")).await;
        // The clerk signs in at the office once: the browser is remembered.
        let clerk = app.browser();
        let sign_in = |c: &reqwest::Client, from: &'static str, password: &'static str| {
            let (c, url) = (c.clone(), format!("{}/staff/sign-in", app.base));
            async move {
                c.post(url)
                    .header("x-forwarded-for", from)
                    .form(&[("email", "clerk@dg.gov.cn"), ("password", password), ("next", "/staff")])
                    .send()
                    .await
                    .unwrap()
            }
        };
        assert_eq!(sign_in(&clerk, "198.51.100.1", PASSWORD).await.status(), StatusCode::SEE_OTHER, "{b}");
        post_with(&clerk, &app.base, "/staff/sign-out", &[]).await;
        // Someone who knows her email tries passwords from elsewhere.
        let attacker = app.browser();
        let mut statuses = Vec::new();
        for _ in 0..8 {
            statuses.push(sign_in(&attacker, "203.0.113.66", "guess-guess-1").await.status());
        }
        assert_eq!(statuses[..5], [StatusCode::UNPROCESSABLE_ENTITY; 5], "{b}: five free tries");
        assert!(statuses[5..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS), "{b}: then waits: {statuses:?}");
        let r = sign_in(&attacker, "203.0.113.66", PASSWORD).await;
        assert_eq!(
            r.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "{b}: the attacker's address waits, right password or not"
        );
        let wait: i64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=900).contains(&wait), "{b}: a delay of at most 15 minutes ({wait} s), not a lock");
        // The clerk, on her own browser, signs in at once.
        let r = sign_in(&clerk, "198.51.100.1", PASSWORD).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{b}: the clerk is not kept out");
        assert_eq!(get_with(&clerk, &app.base, "/staff").await.0, StatusCode::OK, "{b}");
    }
}

#[tokio::test]
async fn sessions_end_on_idle_time_password_reset_and_disable_and_issued_passwords_are_changed_first() {
    for b in backends() {
        let app = TestApp::start(b).await;
        add_user(&app, "admin@dg.gov.cn", Role::Admin, None).await;
        let clerk_id = add_user(&app, "clerk@dg.gov.cn", Role::TownStaff, Some("guancheng")).await;
        let clerk = signed_in(&app, "clerk@dg.gov.cn").await;
        // Real idle time: a request more than a minute after the last save moves the end forward.
        let now = store::now();
        let (id, data): (String, String) =
            sqlx::query_as("SELECT id, data FROM staff_sessions").fetch_one(&app.db.pool).await.unwrap();
        // The record's id is a 128-bit number, so edit the text rather than round-trip it through f64.
        let at = data.find("\"staff_seen\":").expect("the session notes when it was saved") + "\"staff_seen\":".len();
        let end = at + data[at..].find(|c: char| !c.is_ascii_digit()).unwrap();
        let seen_before = format!("{}{}{}", &data[..at], now - 120, &data[end..]);
        sqlx::query("UPDATE staff_sessions SET data = $1, expires_at = $2 WHERE id = $3")
            .bind(&seen_before)
            .bind(now + 10)
            .bind(&id)
            .execute(&app.db.pool)
            .await
            .unwrap();
        assert_eq!(get_with(&clerk, &app.base, "/staff").await.0, StatusCode::OK, "{b}");
        let expires: i64 =
            sqlx::query_scalar("SELECT expires_at FROM staff_sessions").fetch_one(&app.db.pool).await.unwrap();
        assert!(expires >= now + 29 * 60, "{b}: a working session is kept alive ({})", expires - now);
        // Past its end the session is gone.
        sqlx::query("UPDATE staff_sessions SET expires_at = $1").bind(now - 1).execute(&app.db.pool).await.unwrap();
        assert_eq!(get_with(&clerk, &app.base, "/staff").await.0, StatusCode::SEE_OTHER, "{b}: idle too long");

        // A reset by an admin ends the clerk's live session at once…
        let clerk = signed_in(&app, "clerk@dg.gov.cn").await;
        let admin = signed_in(&app, "admin@dg.gov.cn").await;
        let (_, _, page) =
            post_with(&admin, &app.base, "/staff/admin/user_reset", &[("id", clerk_id.to_string().as_str())]).await;
        assert_eq!(get_with(&clerk, &app.base, "/staff").await.0, StatusCode::SEE_OTHER, "{b}: reset ends the session");
        // …and the issued password must be changed before anything else.
        let issued = page.split("class=\"one-time-password\">").nth(1).and_then(|s| s.split('<').next());
        let issued = issued.expect("the one-time password on the admin page").to_string();
        let c = app.browser();
        let (status, to, _) = post_with(
            &c,
            &app.base,
            "/staff/sign-in",
            &[("email", "clerk@dg.gov.cn"), ("password", issued.as_str()), ("next", "/staff")],
        )
        .await;
        assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/staff/password"), "{b}");
        assert_eq!(get_with(&c, &app.base, "/staff").await, (StatusCode::SEE_OTHER, "/staff/password".into()), "{b}");
        let (status, _, page) = post_with(
            &c,
            &app.base,
            "/staff/password",
            &[("current", issued.as_str()), ("new_password", "a new long secret"), ("repeat", "another one")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(page.contains("两次输入的新密码不一样"), "{b}: the problem at its field");
        let (status, to, _) = post_with(
            &c,
            &app.base,
            "/staff/password",
            &[("current", issued.as_str()), ("new_password", "a new long secret"), ("repeat", "a new long secret")],
        )
        .await;
        assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/staff?done=password"), "{b}");
        assert_eq!(get_with(&c, &app.base, "/staff").await.0, StatusCode::OK, "{b}: now the inbox opens");
        // Disabling ends the session too.
        post_with(&admin, &app.base, "/staff/admin/user_disable", &[("id", clerk_id.to_string().as_str())]).await;
        assert_eq!(get_with(&c, &app.base, "/staff").await.0, StatusCode::SEE_OTHER, "{b}: disabled");
    }
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_private_pages_are_not_stored() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let r = app.http.get(format!("{}/wish/new", app.base)).send().await.unwrap();
        let h = r.headers().clone();
        let csp = h["content-security-policy"].to_str().unwrap().to_string();
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("'wasm-unsafe-eval'"), "{b}: {csp}");
        let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("a nonce");
        let body_headers = (h.get("x-frame-options").cloned(), h.get("permissions-policy").cloned());
        let cache = h.get("cache-control").map(|v| v.to_str().unwrap().to_string());
        let page = r.text().await.unwrap();
        assert!(page.contains(&format!("nonce=\"{nonce}\"")), "{b}: the inline scripts carry the nonce");
        assert!(!page.contains("<script>"), "{b}: no inline script without it");
        assert_eq!(body_headers.0.unwrap(), "DENY", "{b}");
        assert!(body_headers.1.unwrap().to_str().unwrap().contains("camera=()"), "{b}");
        assert_eq!(cache.as_deref(), Some("no-store"), "{b}: form pages are not stored");
        assert!(app
            .http
            .get(format!("{}/", app.base))
            .send()
            .await
            .unwrap()
            .headers()
            .get("strict-transport-security")
            .is_none());
        for path in ["/t/unknown", "/me", "/staff/sign-in", "/c/unknown"] {
            let r = app.http.get(format!("{}{path}", app.base)).send().await.unwrap();
            assert_eq!(r.headers()["cache-control"], "no-store", "{b}: {path}");
        }
        let r = app.http.get(format!("{}/api/v1/wishes", app.base)).send().await.unwrap();
        assert!(
            r.headers()["cache-control"].to_str().unwrap().starts_with("public"),
            "{b}: public JSON stays cacheable"
        );
        assert!(r.headers()["content-security-policy"].to_str().unwrap().contains("default-src 'self'"), "{b}");
        // Over HTTPS, browsers are told to stay on HTTPS.
        let https = TestApp::on(b).with_public_base_url("https://portal.example").start().await;
        let r = https.http.get(format!("{}/", https.base)).send().await.unwrap();
        assert!(r.headers()["strict-transport-security"].to_str().unwrap().contains("max-age=31536000"), "{b}");
    }
}
