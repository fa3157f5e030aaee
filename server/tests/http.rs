//! HTTP flows against a real server on 127.0.0.1, on SQLite and PostgreSQL: submit (form posts and the
//! islands' server functions), bad input, double submits, tracking, look-up, rating, reopening and
//! withdrawing, wrong tokens, language choice and the health check.

mod support;

use domain::lifecycle::{Action, Actor};
use reqwest::StatusCode;
use support::{backends, TestApp};

trait Resident {
    async fn get_lang(&self, path: &str, lang: &str) -> (StatusCode, String);
    async fn post(&self, path: &str, form: &[(&str, &str)], lang: Option<&str>) -> (StatusCode, String, String);
}

impl Resident for TestApp {
    async fn get_lang(&self, path: &str, lang: &str) -> (StatusCode, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", format!("lang={lang}"))
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }

    /// Posts a form; returns status, Location and body.
    async fn post(&self, path: &str, form: &[(&str, &str)], lang: Option<&str>) -> (StatusCode, String, String) {
        let mut req = self.http.post(format!("{}{path}", self.base)).form(form);
        if let Some(l) = lang {
            req = req.header("cookie", format!("lang={l}"));
        }
        let r = req.send().await.unwrap();
        let loc = r.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
        (r.status(), loc, r.text().await.unwrap())
    }
}

fn good_wish(key: &str) -> Vec<(&'static str, String)> {
    vec![
        ("beneficiary", "elderly_alone".into()),
        ("submitted_by", "helper".into()),
        ("helper_org", String::new()),
        ("ben_name", "陈婆婆".into()),
        ("ben_phone", String::new()),
        ("ben_address", "北隅社区二巷5号".into()),
        ("ben_relation", "neighbour".into()),
        ("ben_consent", "on".into()),
        ("need", "独居老人需要一台轮椅".into()),
        ("amount", "800".into()),
        ("town", "guancheng".into()),
        ("community", "1".into()),
        ("contact_name", "王小明".into()),
        ("phone", "13812341234".into()),
        ("email", String::new()),
        ("consent", "on".into()),
        ("submission_key", key.into()),
    ]
}

fn as_refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn token_of(location: &str) -> String {
    location.trim_start_matches("/t/").split('?').next().unwrap().to_string()
}

#[tokio::test]
async fn a_wish_posted_without_javascript_is_stored_once_and_tracked() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let (status, page) = app.get("/wish/new").await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert!(page.contains("name=\"submission_key\""), "{b}: the form carries a submission key");
        assert!(page.contains("莞城街道"), "{b}: towns are listed");

        let form = good_wish("k-1");
        let (status, loc, _) = app.post("/wish/new", &as_refs(&form), None).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        assert!(loc.starts_with("/t/") && loc.ends_with("?created=1"), "{b}: {loc}");
        // The same form sent twice (double click, resend) lands on the same item.
        let (_, loc2, _) = app.post("/wish/new", &as_refs(&form), None).await;
        assert_eq!(token_of(&loc2), token_of(&loc), "{b}");
        assert_eq!(app.db.count_items().await.unwrap(), 1, "{b}");

        let (status, page) = app.get(&loc).await;
        assert_eq!(status, StatusCode::OK, "{b}");
        let year = domain::Date::from_timestamp(store::now()).year;
        assert!(page.contains(&format!("W-{year}-000001")), "{b}: the readable number is shown");
        assert!(page.contains("已分派到镇街，等待受理"), "{b}: status in plain words");
        assert!(page.contains("王** 138****1234"), "{b}: contact masked");
        assert!(!page.contains("13812341234"), "{b}: the full phone never appears");
        assert!(page.contains(&format!("{}/t/{}", app.base, token_of(&loc))), "{b}: the private link is shown");
        assert!(page.contains("撤回诉求"), "{b}: can withdraw before fulfilment");
    }
}

#[tokio::test]
async fn bad_input_is_explained_next_to_each_field_keeps_what_was_typed_and_writes_nothing() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let mut form = good_wish("k-bad");
        form.retain(|(k, _)| *k != "consent");
        for (k, v) in form.iter_mut() {
            match *k {
                "phone" => *v = "1234".into(),
                "amount" => *v = "5000".into(),
                "need" => *v = "要<b>轮椅</b>".into(),
                _ => {}
            }
        }
        let (status, _, page) = app.post("/wish/new", &as_refs(&form), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(page.contains("请填写11位手机号码"), "{b}: phone message");
        assert!(page.contains("金额超过了上限"), "{b}: amount message");
        assert!(page.contains("请勾选同意后再提交"), "{b}: consent message");
        assert!(page.contains("有 3 处需要修改"), "{b}: summary counts the fields");
        assert!(page.contains("value=\"1234\""), "{b}: typed phone kept");
        assert!(page.contains("要&lt;b&gt;轮椅&lt;/b&gt;"), "{b}: typed text kept, escaped");
        assert_eq!(app.db.count_items().await.unwrap(), 0, "{b}: nothing written");

        // A community that belongs to another town is refused on the server.
        let mut wrong = good_wish("k-wrong");
        for (k, v) in wrong.iter_mut() {
            if *k == "town" {
                *v = "humen".into();
            }
        }
        let (status, _, page) = app.post("/wish/new", &as_refs(&wrong), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(page.contains("请从列表中选择该镇街下的村（社区）"), "{b}");

        // In English the messages are English.
        let (status, _, page) = app.post("/wish/new", &as_refs(&form), Some("en")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(page.contains("Enter an 11-digit mobile number"), "{b}");
        assert!(page.contains("<html lang=\"en\""), "{b}");
        assert_eq!(app.db.count_items().await.unwrap(), 0, "{b}");
    }
}

#[tokio::test]
async fn choosing_a_town_without_javascript_lists_its_communities() {
    let app = TestApp::start("sqlite").await;
    let (status, _, page) =
        app.post("/project/new", &[("town", "humen"), ("title", "修路灯"), ("refresh", "1")], None).await;
    assert_eq!(status, StatusCode::OK);
    // All 32 of the official list (the starting set had 7, among them a 太平社区 the list does not know).
    assert!(
        page.contains("沙角社区") && page.contains("白沙社区") && page.contains("大岭山生活区"),
        "Humen's communities are listed"
    );
    assert!(!page.contains("太平社区"), "the starting set's unofficial row is gone from the form");
    assert!(!page.contains("北隅社区"), "other towns' communities are not");
    assert!(page.contains("value=\"修路灯\""), "typed title kept");
    assert!(!page.contains("class=\"error\" id=\"title-error\">内容"), "no errors shown for a list refresh");
}

#[tokio::test]
async fn a_project_through_the_server_function_as_the_island_sends_it() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let body = [
            ("input[title]", "修复村口路灯"),
            ("input[description]", "村口主路多盏路灯损坏，夜间出行不安全"),
            ("input[category]", "roads_lighting"),
            ("input[town]", "humen"),
            ("input[community]", "66"),
            ("input[location]", "村口大榕树旁"),
            ("input[budget]", "80000"),
            ("input[contact_name]", "李华"),
            ("input[phone]", "13912345678"),
            ("input[email]", ""),
            ("input[consent]", "on"),
            ("input[submission_key]", "sf-1"),
            ("lang", "zh-Hans"),
        ];
        let community = support::first_community(&app, "humen").await;
        let body: Vec<(&str, &str)> = body
            .iter()
            .map(|(k, v)| if *k == "input[community]" { (*k, community.as_str()) } else { (*k, *v) })
            .collect();
        let r = app
            .http
            .post(format!("{}/api/submit_project", app.base))
            .header("accept", "application/json")
            .form(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{b}");
        let v: serde_json::Value = r.json().await.unwrap();
        let url = v["Created"]["tracking_url"].as_str().unwrap_or_else(|| panic!("{b}: {v}")).to_string();
        let (status, page) = app.get(&url).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("修复村口路灯") && page.contains("P-"), "{b}");

        // Bad input through the server function: field errors, nothing written.
        let bad: Vec<(&str, &str)> = body
            .iter()
            .map(|(k, v)| {
                if *k == "input[phone]" {
                    (*k, "999")
                } else if *k == "input[submission_key]" {
                    (*k, "sf-2")
                } else {
                    (*k, *v)
                }
            })
            .collect();
        let r = app
            .http
            .post(format!("{}/api/submit_project", app.base))
            .header("accept", "application/json")
            .form(&bad)
            .send()
            .await
            .unwrap();
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["Invalid"]["errors"][0]["field"], "phone", "{b}: {v}");
        assert_eq!(v["Invalid"]["errors"][0]["code"], "phone_invalid", "{b}");
        assert_eq!(app.db.count_items().await.unwrap(), 1, "{b}");
    }
}

#[tokio::test]
async fn unknown_tokens_and_pages_are_404() {
    let app = TestApp::start("sqlite").await;
    let (status, page) = app.get("/t/nosuchtoken0000000000000000").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("页面不存在"));
    let (status, _) = app.get("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = app.post("/t/nosuchtoken/rate", &[("rating", "satisfied")], None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn look_up_by_number_and_phone_digits_with_a_limit_on_guessing() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let (_, loc, _) = app.post("/wish/new", &as_refs(&good_wish("k-l")), None).await;
        let token = token_of(&loc);
        let year = domain::Date::from_timestamp(store::now()).year;
        let number = format!("w-{year}-000001");
        let (status, to, _) = app.post("/track", &[("number", &number), ("phone4", "1234")], None).await;
        assert_eq!((status, to), (StatusCode::SEE_OTHER, format!("/t/{token}")), "{b}");
        let (status, _, page) = app.post("/track", &[("number", "W-2026"), ("phone4", "12")], None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("编号格式不正确") && page.contains("请填写4位数字"), "{b}");
        for _ in 0..10 {
            let (status, _, page) = app.post("/track", &[("number", &number), ("phone4", "0000")], None).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(page.contains("没有找到对应的诉求"), "{b}");
        }
        let (_, _, page) = app.post("/track", &[("number", &number), ("phone4", "1234")], None).await;
        assert!(page.contains("尝试次数太多"), "{b}: the 11th try is refused even with the right digits");
        // Without TRUSTED_PROXIES an X-Forwarded-For header is the client's own words: a new "address"
        // there does not start a new count.
        let r = app
            .http
            .post(format!("{}/track", app.base))
            .header("x-forwarded-for", "198.51.100.77")
            .form(&[("number", number.as_str()), ("phone4", "1234")])
            .send()
            .await
            .unwrap();
        assert!(r.text().await.unwrap().contains("尝试次数太多"), "{b}: a forged header does not escape the limit");
    }
}

async fn item_with_feedback(app: &TestApp, key: &str) -> String {
    let (_, loc, _) = app.post("/wish/new", &as_refs(&good_wish(key)), None).await;
    let token = token_of(&loc);
    let id = app.db.item_by_token(&token).await.unwrap().unwrap().id;
    let now = store::now();
    for a in [
        Action::Accept { plan: "核实".into() },
        Action::Publish { text: "一位独居老人需要一台轮椅".into() },
        Action::RecordFulfilment { note: "已送达".into() },
        Action::GiveFeedback { message: "心愿已实现".into() },
    ] {
        app.db.act(id, None, Actor::Staff, "staff@test", &a, now).await.unwrap();
    }
    token
}

#[tokio::test]
async fn rating_reopening_and_stale_forms() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let token = item_with_feedback(&app, "k-r").await;
        let (_, page) = app.get(&format!("/t/{token}")).await;
        assert!(page.contains("请评价本次办理") && page.contains("心愿已实现"), "{b}: rating form and feedback shown");
        let version = app.db.item_by_token(&token).await.unwrap().unwrap().version.to_string();

        let (status, _, page) =
            app.post(&format!("/t/{token}/rate"), &[("comment", "慢"), ("version", &version)], None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(page.contains("请选择您的评价"), "{b}");

        let rate = [("rating", "unsatisfied"), ("comment", "太慢了"), ("aware", "yes"), ("version", version.as_str())];
        let (status, to, _) = app.post(&format!("/t/{token}/rate"), &rate, None).await;
        assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, format!("/t/{token}?done=rated").as_str()), "{b}");
        // The same form again (back button, double click) changes nothing and says why.
        let (status, to, _) = app.post(&format!("/t/{token}/rate"), &rate, None).await;
        assert_eq!((status, to), (StatusCode::SEE_OTHER, format!("/t/{token}?problem=conflict")), "{b}");
        let item = app.db.item_by_token(&token).await.unwrap().unwrap();
        assert_eq!((item.status, item.facts.aware), (domain::Status::Closed, Some(true)), "{b}");

        let (_, page) = app.get(&format!("/t/{token}?done=rated")).await;
        assert!(page.contains("谢谢您的评价") && page.contains("申请重新办理"), "{b}");
        let (status, _, _) = app.post(&format!("/t/{token}/reopen"), &[("version", "")], None).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, to, _) = app.post(&format!("/t/{token}/reopen"), &[("version", "")], None).await;
        assert!(to.ends_with("problem=not_allowed_now"), "{b}: only one reopen");
        assert_eq!(app.db.item_by_token(&token).await.unwrap().unwrap().status, domain::Status::Reopened, "{b}");
        // The tracking page shows the reopening's own deadline and says by when the town answers again.
        let (_, page) = app.get(&format!("/t/{token}")).await;
        assert!(page.contains("重办答复") && page.contains("前再次答复您"), "{b}: {page}");
    }
}

/// The national five levels of 好差评 on the rating form; 非常不满意 is a 差评 that may ask for 重办;
/// the dashboard shows the five-level distribution beside satisfaction (the top three ÷ all).
#[tokio::test]
async fn five_level_ratings_from_the_form_to_the_dashboard() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let token = item_with_feedback(&app, "k-5a").await;
        let (_, page) = app.get(&format!("/t/{token}")).await;
        let offered: Vec<&str> =
            ["very_satisfied", "satisfied", "basically_satisfied", "unsatisfied", "very_unsatisfied"]
                .into_iter()
                .filter(|code| page.contains(&format!("name=\"rating\" value=\"{code}\"")))
                .collect();
        assert_eq!(offered.len(), 5, "{b}: {offered:?}");
        assert!(page.contains("非常满意") && page.contains("非常不满意"), "{b}");
        let version = app.db.item_by_token(&token).await.unwrap().unwrap().version.to_string();
        let rate = [("rating", "very_unsatisfied"), ("comment", "轮椅不合适"), ("version", version.as_str())];
        let (status, _, _) = app.post(&format!("/t/{token}/rate"), &rate, None).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let (_, page) = app.get(&format!("/t/{token}")).await;
        assert!(page.contains("申请重新办理"), "{b}: a 差评 may ask for 重办");
        let other = item_with_feedback(&app, "k-5b").await;
        let version = app.db.item_by_token(&other).await.unwrap().unwrap().version.to_string();
        let rate = [("rating", "very_satisfied"), ("version", version.as_str())];
        let (status, _, _) = app.post(&format!("/t/{other}/rate"), &rate, None).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let (_, page) = app.get(&format!("/t/{other}")).await;
        assert!(!page.contains("申请重新办理"), "{b}: not after 非常满意");

        support::add_user(&app, "lead@dg.gov.cn", domain::Role::Leader, None).await;
        let leader = support::signed_in(&app, "lead@dg.gov.cn").await;
        let (status, dash) = support::get_with(&leader, &app.base, "/dashboard").await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert!(
            dash.contains("1 / 2 (非常满意 1 · 满意 0 · 基本满意 0 · 不满意 0 · 非常不满意 1)"),
            "{b}: the distribution beside satisfaction"
        );
    }
}

#[tokio::test]
async fn withdrawing_needs_a_confirmation_and_stops_further_actions() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let (_, loc, _) = app.post("/wish/new", &as_refs(&good_wish("k-w")), None).await;
        let token = token_of(&loc);
        let (status, _, page) = app.post(&format!("/t/{token}/withdraw"), &[("reason", "已解决")], None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(page.contains("请勾选确认"), "{b}: the confirmation is asked for");
        assert!(page.contains("<details open class=\"card withdraw\">"), "{b}: the withdraw form stays open");
        let (status, to, _) =
            app.post(&format!("/t/{token}/withdraw"), &[("reason", "已解决"), ("confirm", "yes")], None).await;
        assert_eq!((status, to), (StatusCode::SEE_OTHER, format!("/t/{token}?done=withdrawn")), "{b}");
        let (_, page) = app.get(&format!("/t/{token}")).await;
        assert!(page.contains("已撤回") && !page.contains("撤回诉求"), "{b}");
        let (_, to, _) = app.post(&format!("/t/{token}/rate"), &[("rating", "satisfied")], None).await;
        assert!(to.ends_with("problem=not_allowed_now"), "{b}");
    }
}

/// 长者模式: one link sets a cookie and goes back to the same page, which then renders large (the
/// stylesheet keys on `<html class="elder">`) and gets the read-aloud island; staff pages ignore it.
#[tokio::test]
async fn elder_mode_is_a_cookie_on_the_same_urls() {
    let app = TestApp::start("sqlite").await;
    let r = app.http.get(format!("{}/elder/on?back=/wishes", app.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/wishes");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("elder=1;") && cookie.contains("Max-Age=31536000"), "{cookie}");
    let page = |path: &str, cookie: Option<&str>| {
        let mut req = app.http.get(format!("{}{path}", app.base));
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let standard = page("/wishes", None).await;
    assert!(standard.contains("<html lang=\"zh-Hans\"") && !standard.contains("class=\"elder\""));
    assert!(standard.contains(">长辈版</a>"));
    assert!(!standard.contains("type=\"module\""), "standard pages other than the forms ship no script");
    let elder = page("/wishes", Some("elder=1")).await;
    assert!(elder.contains("<html lang=\"zh-Hans\" class=\"elder\">"), "same URL, large");
    assert!(elder.contains(">标准版</a>") && elder.contains("class=\"read-aloud\""));
    assert!(elder.contains("<details class=\"menu\">"), "the sections fold under one button");
    let home = page("/", Some("elder=1")).await;
    assert!(home.contains("<details class=\"card fold figures\">"), "secondary content folded");
    // Staff pages are desk tools: no class, no switch.
    let staff = page("/staff/sign-in", Some("elder=1")).await;
    assert!(!staff.contains("class=\"elder\"") && !staff.contains("长辈版"));
    let r = app.http.get(format!("{}/elder/off?back=/", app.base)).header("cookie", "elder=1").send().await.unwrap();
    assert!(r.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    let r = app.http.get(format!("{}/elder/maybe?back=/", app.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers().get("set-cookie").is_none(), "an unknown mode changes nothing");
    // Both forms say where to call in an emergency.
    for form in ["/wish/new", "/project/new"] {
        let p = page(form, None).await;
        assert!(
            p.contains("本平台不受理紧急求助") && p.contains("href=\"tel:110\"") && p.contains("href=\"tel:12345\"")
        );
    }
}

#[tokio::test]
async fn home_figures_language_switch_awareness_and_health() {
    let app = TestApp::start("sqlite").await;
    let (status, page) = app.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("反馈率") && page.contains("目标 100%"));
    assert!(page.contains("<html lang=\"zh-Hans\""));
    let r = app.http.get(format!("{}/lang/zh-Hant?back=/wish/new", app.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/wish/new");
    assert!(r.headers()["set-cookie"].to_str().unwrap().starts_with("lang=zh-Hant"));
    let r = app.http.get(format!("{}/lang/en?back=//evil.example", app.base)).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/", "no open redirect");
    let (_, page) = app.get_lang("/", "zh-Hant").await;
    assert!(page.contains("有困難，說出來"));
    let (status, to, _) = app.post("/awareness", &[("answer", "yes")], None).await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/?aware=1#aware-h"));
    let (_, page) = app.get("/?aware=1").await;
    assert!(page.contains("谢谢您的回答"));
    let (status, body) = app.get("/healthz").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    let r = app.http.get(format!("{}/", app.base)).send().await.unwrap();
    assert_eq!(r.headers()["referrer-policy"], "no-referrer");
}

/// Regression: building a router generates Leptos' route list, which sets a process-wide flag that
/// suppresses resource loads (leptos-rs/leptos#4773). Pages rendering in the same process meanwhile
/// waited for ever (three CI runs hung in this file). The route list is now generated once per
/// process; here routers are built over and over on another thread while pages with resources render.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_while_other_routers_are_built() {
    let app = TestApp::start("sqlite").await;
    let state = app.state.clone();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop2 = stop.clone();
    let builder = std::thread::spawn(move || {
        let mut n = 0;
        while !stop2.load(std::sync::atomic::Ordering::Relaxed) {
            drop(server::router(state.clone()));
            n += 1;
        }
        n
    });
    let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build().unwrap();
    for i in 0..40 {
        let path = if i % 2 == 0 { "/" } else { "/wish/new" };
        let r = http.get(format!("{}{path}", app.base)).send().await;
        assert!(r.as_ref().is_ok_and(|r| r.status() == StatusCode::OK), "render {i} of {path}: {r:?}");
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let built = builder.join().unwrap();
    assert!(built > 10, "routers were built meanwhile ({built})");
}

/// Issue 19: `/metrics` (Prometheus text) is served on its own listener, never on the public one;
/// requests are counted and timed by route pattern, so a tracking token in a path never appears; the
/// pool, the write queue, the outbox's backlog and the measure cache are read at each scrape.
#[tokio::test]
async fn metrics_are_served_apart_from_the_public_listener_by_route_pattern() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let secret = "tok3nnobodyshouldsee";
        let (status, _) = app.get(&format!("/t/{secret}")).await;
        assert!(status.is_client_error() || status.is_success(), "{b}: {status}");
        assert_eq!(app.get("/wishes").await.0, StatusCode::OK);
        for _ in 0..2 {
            assert_eq!(app.get("/api/v1/kpi").await.0, StatusCode::OK);
        }
        support::submit_wish_with(&app, "humen", "13812345678", "", "zh-Hans").await;
        let (status, body) = app.get("/metrics").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{b}: not on the public listener");
        assert!(!body.contains("portal_http_requests"), "{b}");

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let metrics = server::metrics::router(app.db.clone());
        tokio::spawn(async move { axum::serve(listener, metrics).await.unwrap() });
        let r = app.http.get(format!("http://{addr}/metrics")).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()["content-type"], "text/plain; version=0.0.4; charset=utf-8");
        assert_eq!(r.headers()["cache-control"], "no-store");
        let text = r.text().await.unwrap();
        let value = |prefix: &str| -> f64 {
            let line = text
                .lines()
                .find(|l| l.starts_with(prefix))
                .unwrap_or_else(|| panic!("{b}: no line starting with {prefix}:\n{text}"));
            line.rsplit(' ').next().unwrap().parse().unwrap()
        };
        assert!(value("portal_http_requests_total{method=\"GET\",route=\"/wishes\",status=\"2xx\"}") >= 1.0, "{b}");
        assert!(value("portal_http_requests_total{method=\"GET\",route=\"/api/v1/kpi\",status=\"2xx\"}") >= 2.0);
        assert!(
            text.lines().any(|l| l.starts_with("portal_http_request_duration_seconds_bucket{")
                && l.contains("route=\"/api/v1/kpi\"")),
            "{b}: latency histogram per route"
        );
        assert!(!text.contains(secret), "{b}: paths are never labels");
        assert!(value("portal_measure_cache_hits_total") >= 1.0, "{b}: the second KPI call was a hit");
        assert_eq!(value("portal_outbox_messages{channel=\"sms\",status=\"parked\"}"), 0.0, "{b}");
        assert!(value("portal_db_pool_connections{state=\"idle\"}") >= 0.0, "{b}");
        assert_eq!(value("portal_db_writers_waiting"), 0.0, "{b}");
        // The submission above went through the group-commit writer on SQLite (in a group of its own
        // or more); PostgreSQL commits on the request's task and counts none.
        if b == "sqlite" {
            assert!(value("portal_db_group_writes_total") >= value("portal_db_group_commits_total"), "{b}");
            assert!(value("portal_db_group_commits_total") >= 1.0, "{b}");
        } else {
            assert_eq!(value("portal_db_group_writes_total"), 0.0, "{b}");
        }
        assert!(value("portal_process_resident_memory_bytes") > 1_000_000.0, "{b}");
    }
}
