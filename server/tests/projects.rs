//! The micro-project board over HTTP on SQLite and PostgreSQL: town staff put a resident's proposal
//! under public notice; a visitor proves an email by a code mailed through a real SMTP server and
//! supports it once; another objects with a reason that only staff read; the adoption waits for the
//! notice to end; then budget, progress and the inspection appear on the public page. Plus: bad input
//! kept and explained, and no public page or JSON of the board carries personal data (demo data).

mod support;

use domain::Role;
use reqwest::StatusCode;
use support::{add_user, backends, get_with, post_with, signed_in, six_digits, worker, SmtpCapture, TestApp};

const DAY: i64 = 86_400;

/// A project proposal through the resident form, in Humen; returns its number.
async fn proposal(app: &TestApp, key: &str, title: &str) -> String {
    support::propose_project(app, key, title, "13912345678", "ouyang@example.org").await.number
}

/// Posts a staff action; returns where it redirected.
async fn staff_act(app: &TestApp, c: &reqwest::Client, number: &str, form: &[(&str, &str)]) -> String {
    let v = app.db.item_by_number(number).await.unwrap().unwrap().version.to_string();
    let mut form = form.to_vec();
    form.push(("version", v.as_str()));
    let (status, to, body) = post_with(c, &app.base, &format!("/staff/items/{number}/act"), &form).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{form:?}: {body}");
    to
}

/// A visitor proves `email` on the project page with the code from the mail; returns their browser.
async fn verified_visitor(
    app: &TestApp,
    smtp: &SmtpCapture,
    w: &server::mail::MailWorker,
    page: &str,
    email: &str,
) -> reqwest::Client {
    let v = app.browser();
    let (status, to, _) = post_with(&v, &app.base, &format!("{page}/code"), &[("email", email)]).await;
    assert_eq!((status, to.clone()), (StatusCode::SEE_OTHER, format!("{page}#voice")));
    w.deliver_due(store::now(), 100).await.unwrap();
    let mail = smtp.mails().into_iter().rev().find(|m| m.to == [email.to_string()]).expect("the code mail");
    let (_, html) = get_with(&v, &app.base, page).await;
    assert!(html.contains(&format!("action=\"{page}/verify\"")), "the code form");
    let (status, to, _) =
        post_with(&v, &app.base, &format!("{page}/verify"), &[("code", &six_digits(&mail.subject))]).await;
    assert_eq!((status, to), (StatusCode::SEE_OTHER, format!("{page}#voice")));
    v
}

#[tokio::test]
async fn a_visitor_supports_a_project_under_notice_and_follows_it_to_the_inspection() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let smtp = SmtpCapture::start();
        let w = worker(&app.db, Some(&smtp.url()), store::RetryPolicy::default()).await;
        add_user(&app, "hm1@dg.gov.cn", Role::TownStaff, Some("humen")).await;
        let number = proposal(&app, "p1", "修复村口路灯").await;
        let page = format!("/projects/{number}");
        let (status, _) = app.get(&page).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{b}: not on the board before the notice");

        let s = signed_in(&app, "hm1@dg.gov.cn").await;
        assert!(staff_act(&app, &s, &number, &[("action", "accept"), ("plan", "符合条件")]).await.contains("?done="));
        assert!(staff_act(&app, &s, &number, &[("action", "start_notice"), ("days", "7")]).await.contains("?done="));

        // On the board under notice, with its closing date; the JSON agrees.
        let (_, html) = app.get("/projects").await;
        assert!(html.contains("修复村口路灯") && html.contains("公示至"), "{b}");
        let (status, json) = app.get("/api/v1/projects?stage=notice").await;
        assert_eq!(status, StatusCode::OK);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["total"], 1, "{b}");
        assert_eq!(v["projects"][0]["number"], number.as_str(), "{b}");
        assert_eq!(v["projects"][0]["supports"], 0, "{b}");

        // A visitor must prove an email first; a bad address is explained and kept.
        let (_, html) = app.get(&page).await;
        assert!(html.contains(&format!("action=\"{page}/code\"")) && !html.contains("name=\"stance\""), "{b}");
        let (status, _, html) =
            post_with(&app.browser(), &app.base, &format!("{page}/code"), &[("email", "wang@")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(html.contains("邮箱格式不正确") && html.contains("value=\"wang@\""), "{b}");
        // Voting without a proven address only leads back to the email form.
        let (status, to, _) =
            post_with(&app.browser(), &app.base, &format!("{page}/voice"), &[("stance", "support")]).await;
        assert_eq!((status, to), (StatusCode::SEE_OTHER, format!("{page}#voice")), "{b}");

        let v1 = verified_visitor(&app, &smtp, &w, &page, "wang@example.org").await;
        let (_, html) = get_with(&v1, &app.base, &page).await;
        assert!(html.contains("wang@example.org") && html.contains("name=\"stance\" value=\"support\""), "{b}");
        let (status, to, _) = post_with(&v1, &app.base, &format!("{page}/voice"), &[("stance", "support")]).await;
        assert_eq!((status, to), (StatusCode::SEE_OTHER, format!("{page}?voiced=1#voice")), "{b}");
        // Once only: a second post (another tab) changes nothing.
        let (status, to, _) =
            post_with(&v1, &app.base, &format!("{page}/voice"), &[("stance", "objection"), ("reason", "改主意了呀")])
                .await;
        assert_eq!((status, to), (StatusCode::SEE_OTHER, format!("{page}?voiced=already#voice")), "{b}");
        let (_, html) = get_with(&v1, &app.base, &format!("{page}?voiced=1")).await;
        assert!(html.contains("已记录您的意见") && html.contains("data-stance=\"support\""), "{b}");
        assert!(html.contains("1 人支持 · 0 人反对"), "{b}");
        // The same proven address lists the project under "my items" to follow it.
        let (_, me) = get_with(&v1, &app.base, "/me").await;
        assert!(me.contains("我表过态的微实事") && me.contains(&format!("href=\"{page}\"")), "{b}");

        // Another resident objects: a too-short reason is explained, typed text kept, nothing counted.
        let v2 = verified_visitor(&app, &smtp, &w, &page, "li@example.org").await;
        let (status, _, html) =
            post_with(&v2, &app.base, &format!("{page}/voice"), &[("stance", "objection"), ("reason", "太近")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(html.contains("内容太短") && html.contains(">太近</textarea>"), "{b}");
        let reason = "选址离幼儿园太近，施工影响接送";
        let (status, _, _) =
            post_with(&v2, &app.base, &format!("{page}/voice"), &[("stance", "objection"), ("reason", reason)]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let (_, public) = app.get(&page).await;
        assert!(public.contains("1 人支持 · 1 人反对"), "{b}");
        assert!(
            !public.contains(reason) && !public.contains("li@example.org"),
            "{b}: reasons and addresses stay private"
        );

        // Staff see the voices and the reason, and cannot adopt before the notice ends.
        let staff_page = format!("/staff/items/{number}");
        let (_, html) = get_with(&s, &app.base, &staff_page).await;
        assert!(html.contains(reason) && html.contains("1 人支持 · 1 人反对"), "{b}");
        assert!(!html.contains("data-action=\"approve\""), "{b}: no adoption form while the notice runs");
        let to =
            staff_act(&app, &s, &number, &[("action", "approve"), ("budget", "75000"), ("plan", "年内完成")]).await;
        assert_eq!(to, format!("{staff_page}?problem=notice_running"), "{b}");
        let (_, html) = get_with(&s, &app.base, &to).await;
        assert!(html.contains("公示期尚未结束"), "{b}");

        // A third resident opens the page now and sends the voice after seven days have passed (the
        // notice started eight days ago).
        let v3 = verified_visitor(&app, &smtp, &w, &page, "zhao@example.org").await;
        let item = app.db.item_by_number(&number).await.unwrap().unwrap();
        sqlx::query("UPDATE item_events SET at = at - $1 WHERE item_id = $2 AND action = 'start_notice'")
            .bind(8 * DAY)
            .bind(item.id)
            .execute(&app.db.pool)
            .await
            .unwrap();
        let (status, _, html) = post_with(&v3, &app.base, &format!("{page}/voice"), &[("stance", "support")]).await;
        assert_eq!(status, StatusCode::CONFLICT, "{b}: too late");
        assert!(html.contains("公示期已结束"), "{b}");

        let (_, html) = get_with(&s, &app.base, &staff_page).await;
        assert!(html.contains("data-action=\"approve\""), "{b}: the adoption form after the notice");
        for form in [
            vec![("action", "approve"), ("budget", "75,000"), ("plan", "年内完成安装")],
            vec![("action", "start_work")],
            vec![("action", "progress"), ("percent", "60"), ("note", "灯杆已安装")],
            vec![("action", "complete"), ("inspection", "12 盏路灯全部点亮，验收合格")],
        ] {
            assert!(staff_act(&app, &s, &number, &form).await.contains("?done="), "{b}: {form:?}");
        }
        // Those who gave a voice hear of the adoption and of the inspection, with the project's page;
        // the resident whose voice came too late does not.
        w.deliver_due(store::now(), 100).await.unwrap();
        let mails = smtp.mails();
        for voter in ["wang@example.org", "li@example.org", "zhao@example.org"] {
            let news: Vec<_> =
                mails.iter().filter(|m| m.to == [voter.to_string()] && m.subject.contains("有新进展")).collect();
            let expected = if voter == "zhao@example.org" { 0 } else { 2 };
            assert_eq!(news.len(), expected, "{b}: {voter}");
            for m in news {
                assert!(m.text.contains(&format!("/projects/{number}")), "{b}: {}", m.text);
            }
        }
        let inspected = mails.iter().any(|m| m.to == ["wang@example.org"] && m.text.contains("12 盏路灯全部点亮"));
        assert!(inspected, "{b}: the inspection's words");
        // The supporter follows it on the public page: budget, progress, inspection.
        let (_, html) = get_with(&v1, &app.base, &page).await;
        assert!(html.contains("75,000") && html.contains("完成 100%"), "{b}");
        assert!(html.contains("灯杆已安装") && html.contains("12 盏路灯全部点亮，验收合格"), "{b}");
        assert!(!html.contains("name=\"stance\""), "{b}: no voice form after the notice");
        let (_, json) = app.get("/api/v1/projects?stage=done").await;
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["projects"][0]["budget_yuan"], 75_000, "{b}");
        assert_eq!(v["projects"][0]["supports"], 1, "{b}");
        // The proposer's name, phone and email appear nowhere public.
        for body in [&html, &json] {
            for secret in ["欧阳建国", "13912345678", "ouyang@example.org"] {
                assert!(!body.contains(secret), "{b}: {secret}");
            }
        }
    }
}

#[tokio::test]
async fn no_page_or_json_of_the_board_carries_personal_data_over_the_demo_data() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let today = domain::Date::from_timestamp(store::now());
        store::seed::seed_demo(&app.db, &store::seed::SeedOptions { items: 1_500, seed: 12, until: today, years: 1 })
            .await
            .unwrap();
        let rows: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT contact_name, contact_phone, token, contact_email FROM items WHERE kind = 'project'",
        )
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
        let mut secrets: Vec<String> = Vec::new();
        for (name, phone, token, email) in rows {
            if name.chars().count() >= 2 {
                secrets.push(name);
            }
            secrets.extend([phone, token]);
            secrets.extend(email.filter(|e| !e.is_empty()));
        }
        let mut pages: Vec<(String, String)> = Vec::new();
        let mut numbers = Vec::new();
        for stage in ["notice", "adopted", "done"] {
            let (_, first) = app.get(&format!("/api/v1/projects?stage={stage}")).await;
            let v: serde_json::Value = serde_json::from_str(&first).unwrap();
            assert!(v["total"].as_i64().unwrap() >= 1, "{b}: the demo data has projects {stage}");
            for p in 1..=v["pages"].as_i64().unwrap() {
                let path = format!("/api/v1/projects?stage={stage}&page={p}");
                let (status, body) = app.get(&path).await;
                assert_eq!(status, StatusCode::OK);
                let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                numbers.extend(
                    v["projects"].as_array().unwrap().iter().map(|p| p["number"].as_str().unwrap().to_string()),
                );
                pages.push((path, body));
                let path = format!("/projects?stage={stage}&page={p}");
                let (_, html) = app.get(&path).await;
                pages.push((path, html));
            }
        }
        for n in numbers.iter().step_by(3).take(40) {
            let path = format!("/projects/{n}");
            let (status, html) = app.get(&path).await;
            assert_eq!(status, StatusCode::OK, "{b}: {path}");
            pages.push((path, html));
        }
        for (path, body) in &pages {
            for s in &secrets {
                assert!(!body.contains(s.as_str()), "{b}: {path} shows {s}");
            }
            let digits: Vec<&str> = body.split(|c: char| !c.is_ascii_digit()).filter(|d| d.len() >= 11).collect();
            assert!(digits.is_empty(), "{b}: {path} has {digits:?}");
        }
    }
}

#[tokio::test]
async fn an_admin_enters_a_town_budget_and_the_dashboard_shows_it_against_adopted_and_inspected_projects() {
    for b in backends() {
        let app = TestApp::start(b).await;
        add_user(&app, "admin@dg.gov.cn", Role::Admin, None).await;
        add_user(&app, "l@dg.gov.cn", Role::Leader, None).await;
        add_user(&app, "gc@dg.gov.cn", Role::TownStaff, Some("guancheng")).await;
        // Two Humen projects adopted now (75,000 and 80,000); the first inspected.
        use domain::lifecycle::{Action, Actor};
        let now = store::now();
        for (key, budget, inspected) in [("b1", 75_000, true), ("b2", 80_000, false)] {
            let number = proposal(&app, key, "修复村口路灯").await;
            let id = app.db.item_by_number(&number).await.unwrap().unwrap().id;
            let mut steps = vec![
                Action::Accept { plan: "可行".into() },
                Action::StartNotice { days: 7 },
                Action::Approve { budget_yuan: budget, plan: "立项".into() },
            ];
            if inspected {
                steps.extend([Action::StartWork, Action::Complete { inspection: "验收合格".into() }]);
            }
            for a in steps {
                app.db.act(id, None, Actor::Staff, "s", &a, now).await.unwrap();
            }
        }
        let year = domain::Date::from_timestamp(now).year.to_string();
        let admin = signed_in(&app, "admin@dg.gov.cn").await;
        let form = |amount: &'static str, y: &str| {
            vec![
                ("budget_town", "humen".to_string()),
                ("budget_year", y.to_string()),
                ("amount", amount.to_string()),
                ("year", year.clone()),
                ("town", "humen".to_string()),
            ]
        };
        let post = |c: reqwest::Client, f: Vec<(&'static str, String)>| {
            let base = app.base.clone();
            async move {
                let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
                post_with(&c, &base, "/staff/admin/budget_set", &f).await
            }
        };
        // Bad amount and bad year: the message next to the field, the typed value kept, nothing saved.
        let (status, _, html) = post(admin.clone(), form("五十万", &year)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let err = html
            .split("id=\"budget_set-amount-error\"")
            .nth(1)
            .unwrap_or_default()
            .chars()
            .take(80)
            .collect::<String>();
        assert!(err.contains("请填写整数金额") && html.contains("value=\"五十万\""), "{b}: {err}");
        let (status, _, html) = post(admin.clone(), form("500000", "26")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(html.contains("请填写 2000 至 2100 之间的年份"), "{b}");
        assert!(app
            .db
            .town_budgets(year.parse().unwrap())
            .await
            .unwrap()
            .iter()
            .all(|t| t.line.allocation_yuan.is_none()));
        // Town staff may not set budgets.
        let gc = signed_in(&app, "gc@dg.gov.cn").await;
        let (status, _, _) = post(gc.clone(), form("1", &year)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}");
        let (status, to, _) = post(admin.clone(), form("500,000", &year)).await;
        assert_eq!(
            (status, to),
            (StatusCode::SEE_OTHER, format!("/staff/admin?year={year}&town=humen&done=budgets#budgets"))
        );
        let (_, html) = get_with(&admin, &app.base, &format!("/staff/admin?year={year}")).await;
        assert!(html.contains("500,000"), "{b}");

        // A leader's dashboard for this year: allocation, committed, spent, remaining, share.
        let leader = signed_in(&app, "l@dg.gov.cn").await;
        let (_, html) = get_with(&leader, &app.base, &format!("/dashboard?from={year}-01-01&to={year}-12-31")).await;
        assert!(html.contains(&format!("{year} 年镇街微实事预算")), "{b}");
        let row = html.split("data-town=\"humen\"").nth(1).unwrap().split("</tr>").next().unwrap();
        for want in ["500,000", "155,000", "（2 个项目）", "75,000", "（1 个项目）", "345,000", "31.0%"] {
            assert!(row.contains(want), "{b}: {want} in {row}");
        }
        // Guancheng's staff see only their own town, which has no budget: no budget table.
        let (_, html) = get_with(&gc, &app.base, &format!("/dashboard?from={year}-01-01&to={year}-12-31")).await;
        assert!(!html.contains("镇街微实事预算") && !html.contains("data-town=\"humen\""), "{b}");
    }
}
