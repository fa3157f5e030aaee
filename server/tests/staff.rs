//! The staff side over HTTP on SQLite and PostgreSQL: signing in (limits, session renewal, sign-out,
//! disabled accounts), the authorization matrix over every staff route and server function × every role
//! and town, actions with their timeline and audit entries, stale and concurrent actions, re-routing,
//! the CSV export, and the whole flow from a resident's submission to a closed item.

mod support;

use domain::Role;
use reqwest::{Client, StatusCode};
use support::{add_user, backends, get_with, post_with, signed_in, TestApp, PASSWORD};

/// The text inside the element with this id (whatever the order of its attributes).
fn text_of(html: &str, id: &str) -> String {
    let Some(at) = html.find(&format!("id=\"{id}\"")) else { return format!("<no #{id}>") };
    let rest = &html[at..];
    let start = rest.find('>').unwrap() + 1;
    let end = rest[start..].find('<').unwrap() + start;
    rest[start..end].to_string()
}

/// The opening tag that contains `marker`.
fn tag_of<'a>(html: &'a str, marker: &str) -> &'a str {
    let at = html.find(marker).unwrap_or_else(|| panic!("no {marker}"));
    let start = html[..at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    &html[start..=end]
}

/// Submits a wish in `town` through the resident form; returns its number. (`_key` names the
/// submission in the test; each gets a fresh submission key.)
async fn submit_wish(app: &TestApp, town: &str, _key: &str) -> String {
    support::submit_wish_with(app, town, "13812341234", "", "zh-Hans").await.1
}

/// One more setting on the admin settings form (`form`: the other fields, valid): `bad` is refused
/// (422) with the range message at its field, `good` is saved (303). Answers the admin page after.
async fn one_setting(
    c: &Client,
    app: &TestApp,
    mut form: Vec<(&'static str, String)>,
    name: &'static str,
    (bad, good): (&str, &str),
    b: &str,
) -> String {
    form.push((name, bad.to_string()));
    let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, page) = post_with(c, &app.base, "/staff/admin/settings", &refs).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {name}={bad}");
    assert_eq!(text_of(&page, &format!("settings-{name}-error")), "请填写范围内的整数。", "{b}: {name}");
    form.last_mut().unwrap().1 = good.to_string();
    let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, _) = post_with(c, &app.base, "/staff/admin/settings", &refs).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{b}: {name}={good}");
    get_with(c, &app.base, "/staff/admin").await.1
}

async fn version_of(app: &TestApp, number: &str) -> String {
    app.db.item_by_number(number).await.unwrap().unwrap().version.to_string()
}

#[tokio::test]
async fn signing_in_out_limits_and_disabled_accounts() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let id = add_user(&app, "a@dg.gov.cn", Role::TownStaff, Some("guancheng")).await;
        add_user(&app, "b@dg.gov.cn", Role::TownStaff, Some("humen")).await;
        let c = app.browser();

        // A visitor is sent to sign in, and comes back to where they were going.
        let (status, to) = get_with(&c, &app.base, "/staff?tab=overdue").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        assert_eq!(to, "/staff/sign-in?next=/staff%3Ftab%3Doverdue", "{b}");
        let (status, page) = get_with(&c, &app.base, "/staff/sign-in").await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert!(page.contains("工作人员登录") && page.contains("autocomplete=\"current-password\""), "{b}");

        // A wrong password: one message, next to the field, the email kept; nothing about which was wrong.
        let (status, _, page) =
            post_with(&c, &app.base, "/staff/sign-in", &[("email", "a@dg.gov.cn"), ("password", "wrong one!")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(page.contains("邮箱或密码不正确") && page.contains("value=\"a@dg.gov.cn\""), "{b}");
        let (_, _, unknown) =
            post_with(&c, &app.base, "/staff/sign-in", &[("email", "nobody@dg.gov.cn"), ("password", "wrong one!")])
                .await;
        assert!(unknown.contains("邮箱或密码不正确"), "{b}: an unknown email gets the same answer");
        let (status, _, page) = post_with(&c, &app.base, "/staff/sign-in", &[("email", ""), ("password", "")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(text_of(&page, "email-error"), "请填写此项。", "{b}: empty fields are named");

        // Five failures make the next try wait (30 s, doubling), the right password included.
        for _ in 0..4 {
            post_with(&c, &app.base, "/staff/sign-in", &[("email", "A@dg.gov.cn "), ("password", "wrong one!")]).await;
        }
        let (status, _, page) =
            post_with(&c, &app.base, "/staff/sign-in", &[("email", "a@dg.gov.cn"), ("password", PASSWORD)]).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{b}");
        assert!(page.contains("尝试次数太多"), "{b}");
        // Another account from the same address is not locked (20 per address).
        let other = signed_in(&app, "b@dg.gov.cn").await;
        let (status, page) = get_with(&other, &app.base, "/staff").await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert!(page.contains("工作台") && page.contains("镇街工作人员 · 虎门镇"), "{b}");

        // The session cookie: HttpOnly, SameSite=Lax, and a fresh id at sign-in.
        let pre = app.browser();
        let r = pre
            .post(format!("{}/staff/sign-in", app.base))
            .form(&[("email", "b@dg.gov.cn"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        // The session cookie among the cookies set (the other one marks the browser as known).
        let cookie = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .find(|c| c.starts_with("portal_staff="))
            .unwrap_or_default();
        assert!(
            cookie.starts_with("portal_staff=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{b}: {cookie}"
        );
        assert!(!cookie.contains("Secure"), "{b}: plain http in tests");

        // A cross-site post is refused.
        let r = other
            .post(format!("{}/staff/sign-out", app.base))
            .header("origin", "http://evil.example")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{b}");
        let r = other
            .post(format!("{}/staff/sign-out", app.base))
            .header("sec-fetch-site", "cross-site")
            .header("origin", "null")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{b}: a browser that says cross-site is refused");

        // Sign-out ends the session.
        let (status, to, _) = post_with(&other, &app.base, "/staff/sign-out", &[]).await;
        assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/staff/sign-in?out=1"), "{b}");
        let (status, _) = get_with(&other, &app.base, "/staff").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}: signed out");

        // Disabling an account ends its live sessions at once.
        let c2 = signed_in(&app, "b@dg.gov.cn").await;
        let b_id =
            app.db.staff_accounts().await.unwrap().into_iter().find(|a| a.user.email == "b@dg.gov.cn").unwrap().user.id;
        app.db.set_staff_active(b_id, false).await.unwrap();
        let (status, _) = get_with(&c2, &app.base, "/staff").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}: disabled");
        let _ = id;
    }
}

/// What one role gets from one request.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Ok,
    SignIn,
    Unauthorized,
    Forbidden,
    NotFound,
}

fn expect_of(status: StatusCode) -> Expect {
    match status {
        StatusCode::OK => Expect::Ok,
        StatusCode::SEE_OTHER => Expect::SignIn,
        StatusCode::UNAUTHORIZED => Expect::Unauthorized,
        StatusCode::FORBIDDEN => Expect::Forbidden,
        StatusCode::NOT_FOUND => Expect::NotFound,
        other => panic!("unexpected status {other}"),
    }
}

#[tokio::test]
async fn authorization_matrix_over_every_staff_route_and_server_function() {
    use Expect::*;
    for b in backends() {
        let app = TestApp::start(b).await;
        add_user(&app, "a@dg.gov.cn", Role::TownStaff, Some("guancheng")).await;
        add_user(&app, "b@dg.gov.cn", Role::TownStaff, Some("humen")).await;
        add_user(&app, "d@dg.gov.cn", Role::Dispatcher, None).await;
        add_user(&app, "l@dg.gov.cn", Role::Leader, None).await;
        add_user(&app, "x@dg.gov.cn", Role::Admin, None).await;
        let item_a = submit_wish(&app, "guancheng", "ka").await;
        let item_b = submit_wish(&app, "humen", "kb").await;
        let who: Vec<(&str, Client)> = vec![
            ("town A", signed_in(&app, "a@dg.gov.cn").await),
            ("town B", signed_in(&app, "b@dg.gov.cn").await),
            ("dispatcher", signed_in(&app, "d@dg.gov.cn").await),
            ("leader", signed_in(&app, "l@dg.gov.cn").await),
            ("admin", signed_in(&app, "x@dg.gov.cn").await),
            ("visitor", app.browser()),
        ];
        let mut checked = 0;

        // Pages: the inbox, the item page of A's item, the CSV export.
        let page_a = format!("/staff/items/{item_a}");
        let expected: [(&str, [Expect; 6]); 5] = [
            ("/staff", [Ok, Ok, Ok, Ok, Forbidden, SignIn]),
            (&page_a, [Ok, NotFound, Ok, Ok, Forbidden, SignIn]),
            ("/staff/export.csv?tab=new", [Ok, Ok, Ok, Ok, Forbidden, SignIn]),
            ("/staff/items/W-2026-999999", [NotFound, NotFound, NotFound, NotFound, Forbidden, SignIn]),
            ("/staff/admin", [Forbidden, Forbidden, Forbidden, Forbidden, Ok, SignIn]),
        ];
        for (path, row) in &expected {
            for ((name, c), want) in who.iter().zip(row) {
                let (status, body) = get_with(c, &app.base, path).await;
                assert_eq!(expect_of(status), *want, "{b}: {name} GET {path}");
                if *want == Ok && path.starts_with("/staff/items/") {
                    // Full contact for those who handle the item; masked for leaders.
                    let full = body.contains("13812341234");
                    assert_eq!(full, *name != "leader", "{b}: {name} sees the phone in full: {full}");
                    assert!(body.contains("138****1234") || full, "{b}: {name}");
                }
                checked += 1;
            }
        }

        // What each inbox and export lists: a town sees only its own items.
        for (name, c) in &who[..4] {
            let (_, inbox) = get_with(c, &app.base, "/staff?tab=new").await;
            let (_, csv) = get_with(c, &app.base, "/staff/export.csv?tab=new").await;
            let (sees_a, sees_b) = match *name {
                "town A" => (true, false),
                "town B" => (false, true),
                _ => (true, true),
            };
            for (what, body) in [("inbox", &inbox), ("csv", &csv)] {
                assert_eq!(body.contains(&item_a), sees_a, "{b}: {name} {what} lists A's item");
                assert_eq!(body.contains(&item_b), sees_b, "{b}: {name} {what} lists B's item");
                checked += 2;
            }
            assert!(!csv.contains("13812341234") && !csv.contains("王小明"), "{b}: no contact details in exports");
        }

        // Server functions, called directly as a script would.
        for ((name, c), want) in who.iter().zip(["Ok", "NotFound", "Ok", "Ok", "Forbidden", "SignIn"]) {
            let r = c
                .post(format!("{}/api/staff_item", app.base))
                .header("accept", "application/json")
                .form(&[("number", item_a.as_str()), ("lang", "zh-Hans")])
                .send()
                .await
                .unwrap();
            let v: serde_json::Value = r.json().await.unwrap();
            let got = v.as_str().map(str::to_string).or_else(|| v.as_object().and_then(|o| o.keys().next().cloned()));
            assert_eq!(got.as_deref(), Some(want), "{b}: {name} /api/staff_item: {v}");
            let r = c
                .post(format!("{}/api/staff_inbox", app.base))
                .header("accept", "application/json")
                .form(&[("filters[tab]", "new"), ("lang", "zh-Hans")])
                .send()
                .await
                .unwrap();
            let v: serde_json::Value = r.json().await.unwrap();
            let want_inbox = if *name == "town B" { "Ok" } else { want };
            let got = v.as_str().map(str::to_string).or_else(|| v.as_object().and_then(|o| o.keys().next().cloned()));
            assert_eq!(got.as_deref(), Some(want_inbox), "{b}: {name} /api/staff_inbox");
            if *name == "town B" {
                assert!(!v.to_string().contains(&item_a), "{b}: B's inbox over the API has no A item");
            }
            checked += 2;
        }

        // Actions: only town A and the dispatcher may act on A's item; nobody else writes anything.
        let act = format!("/staff/items/{item_a}/act");
        for ((name, c), want) in who.iter().zip([Ok, NotFound, Ok, Forbidden, NotFound, Unauthorized]) {
            let before = version_of(&app, &item_a).await;
            let note = format!("{name} note");
            let (status, _, _) =
                post_with(c, &app.base, &act, &[("action", "note"), ("text", &note), ("version", &before)]).await;
            let got = if status == StatusCode::SEE_OTHER { Ok } else { expect_of(status) };
            assert_eq!(got, want, "{b}: {name} POST note on A's item");
            let after = version_of(&app, &item_a).await;
            assert_eq!(before != after, want == Ok, "{b}: {name} wrote only if allowed");
            checked += 1;
        }

        // Admin forms are the admin's: nobody else changes settings.
        for ((name, c), want) in who.iter().zip([Forbidden, Forbidden, Forbidden, Forbidden, Ok, Unauthorized]) {
            let (status, _, _) = post_with(
                c,
                &app.base,
                "/staff/admin/community_add",
                &[("town", "humen"), ("name", &format!("{name}村")), ("kind", "village")],
            )
            .await;
            let got = if status == StatusCode::SEE_OTHER { Ok } else { expect_of(status) };
            assert_eq!(got, want, "{b}: {name} POST /staff/admin/community_add");
            let added = app.db.communities("humen").await.unwrap().iter().any(|c| c.name == format!("{name}村"));
            assert_eq!(added, want == Ok, "{b}: {name} wrote only if allowed");
            let r = c
                .post(format!("{}/api/admin_view", app.base))
                .header("accept", "application/json")
                .form(&[("year", "2026"), ("town", "humen"), ("lang", "zh-Hans")])
                .send()
                .await
                .unwrap();
            let v: serde_json::Value = r.json().await.unwrap();
            let got = v.as_str().map(str::to_string).or_else(|| v.as_object().and_then(|o| o.keys().next().cloned()));
            let want_fn = match want {
                Ok => "Ok",
                Unauthorized => "SignIn",
                _ => "Forbidden",
            };
            assert_eq!(got.as_deref(), Some(want_fn), "{b}: {name} /api/admin_view");
            checked += 2;
        }

        // Re-routing is the dispatcher's: town A may not, the dispatcher may, and then A loses the item.
        let v = version_of(&app, &item_a).await;
        let reroute = [("action", "reroute"), ("town", "humen"), ("reason", "地址在虎门"), ("version", v.as_str())];
        let (status, _, _) = post_with(&who[0].1, &app.base, &act, &reroute).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}: town staff cannot re-route");
        let (status, to, _) = post_with(&who[2].1, &app.base, &act, &reroute).await;
        assert_eq!((status, to), (StatusCode::SEE_OTHER, format!("{page_a}?done=reroute")), "{b}");
        let (status, _) = get_with(&who[0].1, &app.base, &page_a).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{b}: A no longer sees the item");
        let (status, page) = get_with(&who[1].1, &app.base, &page_a).await;
        assert_eq!(status, StatusCode::OK, "{b}: B now has it");
        assert!(page.contains("地址在虎门") && page.contains("转交其他镇街"), "{b}: the reason is on the timeline");
        checked += 4;
        println!("{b}: authorization matrix: {checked} checks");
    }
}

#[tokio::test]
async fn actions_need_their_fields_leave_timeline_and_audit_and_never_write_twice() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let a_id = add_user(&app, "a@dg.gov.cn", Role::TownStaff, Some("guancheng")).await;
        add_user(&app, "a2@dg.gov.cn", Role::TownStaff, Some("guancheng")).await;
        let number = submit_wish(&app, "guancheng", "k1").await;
        let a = signed_in(&app, "a@dg.gov.cn").await;
        let a2 = signed_in(&app, "a2@dg.gov.cn").await;
        let page = format!("/staff/items/{number}");
        let act = format!("{page}/act");

        let (status, body) = get_with(&a, &app.base, &page).await;
        assert_eq!(status, StatusCode::OK, "{b}");
        for offered in
            ["data-action=\"accept\"", "data-action=\"decline\"", "data-action=\"duplicate\"", "data-action=\"note\""]
        {
            assert!(body.contains(offered), "{b}: {offered} offered on a routed wish");
        }
        assert!(!body.contains("data-action=\"reroute\""), "{b}: town staff are not offered re-routing");
        assert!(!body.contains("data-action=\"publish\""), "{b}: publishing comes after acceptance");
        assert!(body.contains("直接交村（社区）办理"), "{b}: the amount rule for ¥800");

        // A decline without a reason: the message by the field, the form open, nothing written.
        let v = version_of(&app, &number).await;
        let (status, _, body) =
            post_with(&a, &app.base, &act, &[("action", "decline"), ("reason", "  "), ("version", &v)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(text_of(&body, "decline-reason-error"), "请填写此项。", "{b}");
        assert!(tag_of(&body, "data-action=\"decline\"").contains(" open"), "{b}: that form stays open");
        assert_eq!(version_of(&app, &number).await, v, "{b}: nothing written");
        // A note that is too long: the message by the field, and what was typed stays.
        let (status, _, body) = post_with(
            &a,
            &app.base,
            &act,
            &[("action", "note"), ("text", &"长".repeat(1001)), ("public", "on"), ("version", &v)],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(text_of(&body, "note-text-error"), "内容太长，请精简一些。", "{b}");
        assert!(
            body.contains(&"长".repeat(1001)) && body.contains("name=\"public\" value=\"on\" checked"),
            "{b}: typed text kept"
        );
        // An action that does not apply now (approving a wish) is refused before its fields are read.
        let (status, to, _) =
            post_with(&a, &app.base, &act, &[("action", "approve"), ("budget", "abc"), ("version", &v)]).await;
        assert_eq!((status, to), (StatusCode::SEE_OTHER, format!("{page}?problem=not_allowed_now")), "{b}");

        // Two staff act on the same version at the same moment: exactly one wins.
        let f1 = [("action", "accept"), ("plan", "上门核实"), ("version", v.as_str())];
        let f2 = [("action", "decline"), ("reason", "不符合条件"), ("version", v.as_str())];
        let (r1, r2) = tokio::join!(post_with(&a, &app.base, &act, &f1), post_with(&a2, &app.base, &act, &f2));
        let outcomes = [r1.1.clone(), r2.1.clone()];
        let wins = outcomes.iter().filter(|l| l.contains("?done=")).count();
        let stale = outcomes
            .iter()
            .filter(|l| l.ends_with("?problem=conflict") || l.ends_with("?problem=not_allowed_now"))
            .count();
        assert_eq!((wins, stale), (1, 1), "{b}: {outcomes:?}");
        let item = app.db.item_by_number(&number).await.unwrap().unwrap();
        assert_eq!(item.version, v.parse::<i64>().unwrap() + 1, "{b}: one write");
        let (status, body) = get_with(&a, &app.base, &format!("{page}?problem=conflict")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("刚刚有了新的进展"), "{b}: the loser is told clearly");

        // Every action left a timeline event and an audit entry with who, what and from where.
        let audit = app.db.audit_for_item(item.id).await.unwrap();
        let staff_entries: Vec<_> = audit.iter().filter(|e| e.actor.starts_with("staff:")).collect();
        assert_eq!(staff_entries.len(), 1, "{b}: {audit:?}");
        assert_eq!(staff_entries[0].remote_addr, "127.0.0.1", "{b}");
        assert!(staff_entries[0].user_id.is_some(), "{b}");
        let events = app.db.events(item.id, false).await.unwrap();
        assert_eq!(events.last().unwrap().to_status, item.status.code(), "{b}");
        let _ = a_id;
    }
}

#[tokio::test]
async fn from_submission_to_a_closed_item_through_the_staff_pages() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let a_id = add_user(&app, "a@dg.gov.cn", Role::TownStaff, Some("guancheng")).await;
        let number = submit_wish(&app, "guancheng", "k1").await;
        let a = signed_in(&app, "a@dg.gov.cn").await;
        let act = format!("/staff/items/{number}/act");
        let community = app.db.item_by_number(&number).await.unwrap().unwrap().community_id.unwrap().to_string();
        let steps: Vec<Vec<(&str, &str)>> = vec![
            vec![("action", "accept"), ("plan", "社工上门核实")],
            vec![("action", "assign"), ("community_id", community.as_str())],
            vec![("action", "note"), ("text", "已联系家属"), ("public", "on")],
            vec![("action", "note"), ("text", "内部：家属电话已核实")],
            vec![("action", "publish"), ("public_text", "一位独居老人需要一台轮椅")],
            vec![("action", "fulfil"), ("note", "轮椅已送到")],
            vec![("action", "feedback"), ("message", "您的心愿已实现")],
        ];
        for step in &steps {
            let v = version_of(&app, &number).await;
            let mut form = step.clone();
            form.push(("version", v.as_str()));
            let (status, to, body) = post_with(&a, &app.base, &act, &form).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{b}: {step:?}: {body}");
            assert!(to.contains("?done="), "{b}");
        }
        let item = app.db.item_by_number(&number).await.unwrap().unwrap();
        assert_eq!(item.status, domain::Status::FeedbackGiven, "{b}");
        assert!(item.facts.first_response_at.is_some() && item.facts.feedback_at.is_some(), "{b}");
        // The first to act took the item: it is in their "mine" tab until it is done.
        assert_eq!(app.db.assignee(item.id).await.unwrap().map(|(id, _)| id), Some(a_id), "{b}");
        let (_, done_tab) = get_with(&a, &app.base, "/staff?tab=done").await;
        assert!(done_tab.contains(&number), "{b}");

        // The resident rates through the tracking link; the item closes.
        let (status, to, _) = post_with(
            &app.http,
            &app.base,
            &format!("/t/{}/rate", item.token),
            &[("rating", "satisfied"), ("aware", "yes"), ("version", &item.version.to_string())],
        )
        .await;
        assert_eq!((status, to.ends_with("?done=rated")), (StatusCode::SEE_OTHER, true), "{b}");
        let item = app.db.item_by_number(&number).await.unwrap().unwrap();
        assert_eq!(item.status, domain::Status::Closed, "{b}");

        // The public page shows the public note but never the internal audit; staff see both.
        let (_, public) = get_with(&app.http, &app.base, &format!("/t/{}", item.token)).await;
        assert!(public.contains("已联系家属") && !public.contains("家属电话已核实"), "{b}: public notes only");
        let (_, staff_page) = get_with(&a, &app.base, &format!("/staff/items/{number}")).await;
        assert!(
            staff_page.contains("家属电话已核实") && staff_page.contains("127.0.0.1"),
            "{b}: staff see notes and audit"
        );
        let audit = app.db.audit_for_item(item.id).await.unwrap();
        assert_eq!(audit.len(), steps.len() + 1, "{b}: one audit entry per action, the rating included");
    }
}

#[tokio::test]
async fn admins_manage_accounts_settings_the_calendar_and_villages() {
    for b in backends() {
        let app = TestApp::start(b).await;
        add_user(&app, "x@dg.gov.cn", Role::Admin, None).await;
        let x = app.browser();
        let (status, to, _) = post_with(
            &x,
            &app.base,
            "/staff/sign-in",
            &[("email", "x@dg.gov.cn"), ("password", PASSWORD), ("next", "/staff")],
        )
        .await;
        assert_eq!(
            (status, to.as_str()),
            (StatusCode::SEE_OTHER, "/staff/admin"),
            "{b}: admins start on the admin page"
        );

        // Inviting: bad input is named by its field and kept; a good one shows a one-time password once.
        let (status, _, page) = post_with(
            &x,
            &app.base,
            "/staff/admin/user_add",
            &[("email", "zhang@dg.gov.cn"), ("name", "张敏"), ("role", "town_staff"), ("town", "")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(text_of(&page, "user_add-town-error"), "请选择镇街。", "{b}");
        assert!(page.contains("value=\"zhang@dg.gov.cn\"") && page.contains("value=\"张敏\""), "{b}: kept");
        let (status, _, page) = post_with(
            &x,
            &app.base,
            "/staff/admin/user_add",
            &[("email", "zhang@dg.gov.cn"), ("name", "张敏"), ("role", "town_staff"), ("town", "humen")],
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{b}");
        let at = page.find("class=\"one-time-password\"").expect("a one-time password is shown");
        let start = at + page[at..].find('>').unwrap() + 1;
        let pw = page[start..start + page[start..].find('<').unwrap()].to_string();
        assert_eq!(pw.len(), 26, "{b}: {pw}");
        let z = app.browser();
        let (status, to, _) =
            post_with(&z, &app.base, "/staff/sign-in", &[("email", "zhang@dg.gov.cn"), ("password", &pw)]).await;
        assert_eq!(
            (status, to.as_str()),
            (StatusCode::SEE_OTHER, "/staff/password"),
            "{b}: the one-time password works, and must be changed first"
        );
        let (status, to, _) = post_with(
            &z,
            &app.base,
            "/staff/password",
            &[("current", &pw), ("new_password", "zhang's own secret"), ("repeat", "zhang's own secret")],
        )
        .await;
        assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/staff?done=password"), "{b}");
        assert_eq!(get_with(&z, &app.base, "/staff").await.0, StatusCode::OK, "{b}: then the inbox opens");
        let (_, page) = get_with(&x, &app.base, "/staff/admin").await;
        assert!(!page.contains(&pw), "{b}: the password is not shown again");
        let (_, _, page) = post_with(
            &x,
            &app.base,
            "/staff/admin/user_add",
            &[("email", "ZHANG@dg.gov.cn"), ("name", "另一个"), ("role", "leader")],
        )
        .await;
        assert_eq!(text_of(&page, "user_add-email-error"), "这个邮箱已有账号。", "{b}");

        // Disabling ends the account's session at once.
        let zid = app
            .db
            .staff_accounts()
            .await
            .unwrap()
            .into_iter()
            .find(|a| a.user.email == "zhang@dg.gov.cn")
            .unwrap()
            .user
            .id;
        let (status, _, _) = post_with(&x, &app.base, "/staff/admin/user_disable", &[("id", &zid.to_string())]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let (status, _) = get_with(&z, &app.base, "/staff").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}: disabled");

        // Caps and deadlines: checked, kept when wrong, and used by the resident forms once saved.
        let settings = |wish: &str| {
            vec![
                ("wish_cap_yuan", wish.to_string()),
                ("urgent_wish_cap_yuan", "10000".to_string()),
                ("project_cap_yuan", "200000".to_string()),
                ("acceptance_hours", "24".to_string()),
                ("urgent_wish_working_days", "5".to_string()),
                ("wish_months", "1".to_string()),
                ("project_decision_days", "30".to_string()),
                ("project_build_months", "6".to_string()),
            ]
        };
        let bad = settings("很多");
        let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, _, page) = post_with(&x, &app.base, "/staff/admin/settings", &bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(text_of(&page, "settings-wish_cap_yuan-error"), "请填写范围内的整数。", "{b}");
        assert!(page.contains("value=\"很多\""), "{b}: kept");
        assert_eq!(app.db.settings().await.unwrap().limits.wish_cap_yuan, 1_000, "{b}: nothing saved");
        let good = settings("1500");
        let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, _, _) = post_with(&x, &app.base, "/staff/admin/settings", &good).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        assert_eq!(app.db.settings().await.unwrap().limits.wish_cap_yuan, 1_500, "{b}");
        let (_, form) = app.get("/wish/new").await;
        assert!(form.contains("1500") || form.contains("1,500"), "{b}: the wish form shows the new cap");
        assert_eq!(app.db.settings().await.unwrap().claim_hold_days, 7, "{b}: an empty claim hold keeps it");
        // The claim hold: out of range is explained by its field; 14 is saved and shown.
        let page = one_setting(&x, &app, settings("1500"), "claim_hold_days", ("45", "14"), b).await;
        assert_eq!(app.db.settings().await.unwrap().claim_hold_days, 14, "{b}");
        assert!(page.contains("id=\"settings-claim_hold_days\" name=\"claim_hold_days\" value=\"14\""), "{b}");
        // The due-soon window: 1 (empty) by default; out of range explained; 2 saved, shown and used.
        assert_eq!(app.db.settings().await.unwrap().deadlines.due_soon_working_days, 1, "{b}");
        let page = one_setting(&x, &app, settings("1500"), "due_soon_working_days", ("11", "2"), b).await;
        assert_eq!(app.db.settings().await.unwrap().deadlines.due_soon_working_days, 2, "{b}");
        assert!(page.contains("name=\"due_soon_working_days\" value=\"2\""), "{b}");
        let now = store::now();
        let cal = app.db.calendar().await.unwrap();
        let two = domain::calendar::DeadlineRules { due_soon_working_days: 2, ..Default::default() };
        assert_eq!(app.db.due_soon_until(now).await.unwrap(), two.due_soon_until(&cal, now), "{b}");

        // The calendar: a new holiday, then removed.
        let (status, _, _) = post_with(
            &x,
            &app.base,
            "/staff/admin/day_set",
            &[("day", "2027-02-08"), ("day_kind", "holiday"), ("note", "春节"), ("year", "2027")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        assert!(app.db.calendar().await.unwrap().holidays.contains(&domain::Date::parse("2027-02-08").unwrap()), "{b}");
        let (_, page) = get_with(&x, &app.base, "/staff/admin?year=2027").await;
        assert!(page.contains("2027-02-08") && page.contains("春节"), "{b}");
        let (status, _, page) =
            post_with(&x, &app.base, "/staff/admin/day_set", &[("day", "2027-13-40"), ("day_kind", "holiday")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(text_of(&page, "day_set-day-error"), "请填写日期，例如 2026-10-01。", "{b}");
        post_with(&x, &app.base, "/staff/admin/day_delete", &[("day", "2027-02-08")]).await;
        assert!(
            !app.db.calendar().await.unwrap().holidays.contains(&domain::Date::parse("2027-02-08").unwrap()),
            "{b}"
        );

        // Villages: added, renamed, hidden from the forms and shown again (names the official list
        // does not have: 虎门 already has a 新湾社区).
        post_with(
            &x,
            &app.base,
            "/staff/admin/community_add",
            &[("town", "humen"), ("name", "金湾村"), ("kind", "village")],
        )
        .await;
        let id =
            app.db.communities("humen").await.unwrap().into_iter().find(|c| c.name == "金湾村").unwrap().id.to_string();
        let (_, _, page) = post_with(
            &x,
            &app.base,
            "/staff/admin/community_add",
            &[("town", "humen"), ("name", "金湾村"), ("kind", "village")],
        )
        .await;
        assert_eq!(text_of(&page, "community_add-name-error"), "该镇街已有同名的村（社区）。", "{b}");
        post_with(&x, &app.base, "/staff/admin/community_rename", &[("id", &id), ("name", "金湾社区")]).await;
        post_with(&x, &app.base, "/staff/admin/community_disable", &[("id", &id)]).await;
        let names: Vec<String> = app.db.communities("humen").await.unwrap().into_iter().map(|c| c.name).collect();
        assert!(!names.contains(&"金湾社区".to_string()) && !names.contains(&"金湾村".to_string()), "{b}: hidden");
        post_with(&x, &app.base, "/staff/admin/community_enable", &[("id", &id)]).await;
        let names: Vec<String> = app.db.communities("humen").await.unwrap().into_iter().map(|c| c.name).collect();
        assert!(names.contains(&"金湾社区".to_string()), "{b}: shown again under the new name");

        // Every admin change is in the audit log.
        let n: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action LIKE 'admin_%'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        assert_eq!(n, 11, "{b}: 9 changes above, the claim hold and the due-soon window");
    }
}

/// Posts one staff action with the item's current version; answers (status, redirect, page).
async fn act_on(c: &Client, app: &TestApp, number: &str, form: &[(&str, &str)]) -> (StatusCode, String, String) {
    let v = version_of(app, number).await;
    let mut f: Vec<(&str, &str)> = form.to_vec();
    f.push(("version", &v));
    post_with(c, &app.base, &format!("/staff/items/{number}/act"), &f).await
}

/// Issue 17, 签收 and 退单: the town signs for a routed item (the resident's timeline says so); a town
/// returns one outside its remit, the dispatcher refuses or re-routes it; a town never decides its own
/// return; repeated returns are flagged; the 待签收 and 待审核 tabs hold what they say.
#[tokio::test]
async fn a_town_signs_for_or_returns_an_item_and_the_dispatcher_decides() {
    for b in backends() {
        let app = TestApp::start(b).await;
        add_user(&app, "gc@dg.gov.cn", Role::TownStaff, Some("guancheng")).await;
        add_user(&app, "hm@dg.gov.cn", Role::TownStaff, Some("humen")).await;
        add_user(&app, "d@dg.gov.cn", Role::Dispatcher, None).await;
        add_user(&app, "l@dg.gov.cn", Role::Leader, None).await;
        let (gc, hm) = (signed_in(&app, "gc@dg.gov.cn").await, signed_in(&app, "hm@dg.gov.cn").await);
        let (d, l) = (signed_in(&app, "d@dg.gov.cn").await, signed_in(&app, "l@dg.gov.cn").await);
        let signed = submit_wish(&app, "guancheng", "w1").await;
        let returned = submit_wish(&app, "guancheng", "w2").await;

        // Routed on submission: a sign-for deadline on the calendar, the 待签收 tab, the offer to sign.
        let item = app.db.item_by_number(&signed).await.unwrap().unwrap();
        let rules = domain::calendar::DeadlineRules::default();
        let cal = app.db.calendar().await.unwrap();
        assert_eq!(item.facts.sign_due_at, Some(rules.sign_for_due(&cal, item.submitted_at)), "{b}");
        assert_eq!(item.facts.return_due_at, Some(rules.return_due(&cal, item.submitted_at)), "{b}");
        let (_, inbox) = get_with(&gc, &app.base, "/staff?tab=to_sign").await;
        assert!(inbox.contains(&signed) && inbox.contains(&returned), "{b}: both wait to be signed for");
        let (_, page) = get_with(&gc, &app.base, &format!("/staff/items/{signed}")).await;
        assert!(page.contains("data-action=\"sign_for\"") && page.contains("data-action=\"return\""), "{b}");
        assert!(page.contains("待签收，签收期限"), "{b}: the deadline shown");
        // Only the town signs for: the dispatcher, a leader and another town are refused.
        for (who, c) in [("dispatcher", &d), ("leader", &l), ("other town", &hm)] {
            let (status, _, _) = act_on(c, &app, &signed, &[("action", "sign_for")]).await;
            assert!(
                status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
                "{b}: {who} may not sign for: {status}"
            );
        }
        let (status, to, _) = act_on(&gc, &app, &signed, &[("action", "sign_for")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        assert!(to.contains("?done="), "{b}: {to}");
        let item = app.db.item_by_number(&signed).await.unwrap().unwrap();
        assert!(item.facts.signed_at.is_some(), "{b}");
        let (_, tracking) = app.get(&format!("/t/{}", item.token)).await;
        assert!(tracking.contains("镇街已签收，正在办理"), "{b}: the resident sees the town took it");
        let (status, to, _) = act_on(&gc, &app, &signed, &[("action", "sign_for")]).await;
        assert_eq!((status, to.ends_with("?problem=not_allowed_now")), (StatusCode::SEE_OTHER, true), "{b}: once");

        // A return needs its reason, kept with the message when missing.
        let (status, _, body) = act_on(&gc, &app, &returned, &[("action", "return"), ("reason", " ")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(text_of(&body, "return-reason-error"), "请填写此项。", "{b}");
        let (status, _, _) = act_on(&gc, &app, &returned, &[("action", "return"), ("reason", "属虎门镇")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let item = app.db.item_by_number(&returned).await.unwrap().unwrap();
        assert_eq!((item.facts.return_count, item.facts.return_pending_at.is_some()), (1, true), "{b}");
        // While the city decides, the town cannot answer it, and it has left 待签收 for the city's 待审核.
        let (status, to, _) = act_on(&gc, &app, &returned, &[("action", "accept"), ("plan", "x")]).await;
        assert_eq!((status, to.ends_with("?problem=not_allowed_now")), (StatusCode::SEE_OTHER, true), "{b}");
        let (_, inbox) = get_with(&gc, &app.base, "/staff?tab=to_sign").await;
        assert!(!inbox.contains(&returned), "{b}");
        let (_, queue) = get_with(&d, &app.base, "/staff?tab=decide").await;
        assert!(queue.contains(&returned) && !queue.contains(&signed), "{b}: the dispatcher's queue");
        // The town cannot decide its own return.
        let (status, _, _) = act_on(&gc, &app, &returned, &[("action", "refuse_return"), ("reason", "x")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}");
        // The dispatcher refuses it with a reason: the town has it again, and may return it once more.
        let (status, _, _) =
            act_on(&d, &app, &returned, &[("action", "refuse_return"), ("reason", "地址在莞城辖区")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let (status, _, _) = act_on(&gc, &app, &returned, &[("action", "return"), ("reason", "再核实仍属虎门")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let (_, page) = get_with(&d, &app.base, &format!("/staff/items/{returned}")).await;
        assert!(page.contains("该事项已被多次退单"), "{b}: repeated returns are flagged");
        // This time the dispatcher re-routes it: the new town's own sign-for window starts.
        let (status, _, _) =
            act_on(&d, &app, &returned, &[("action", "reroute"), ("town", "humen"), ("reason", "属虎门镇")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let item = app.db.item_by_number(&returned).await.unwrap().unwrap();
        assert_eq!(item.facts.town_slug.as_deref(), Some("humen"), "{b}");
        assert_eq!(
            (item.facts.return_pending_at, item.facts.signed_at, item.facts.return_count),
            (None, None, 2),
            "{b}"
        );
        let (_, inbox) = get_with(&hm, &app.base, "/staff?tab=to_sign").await;
        assert!(inbox.contains(&returned), "{b}: humen signs for it now");
        // Every step left its audit row.
        let audit: Vec<String> = app.db.audit_for_item(item.id).await.unwrap().into_iter().map(|a| a.action).collect();
        for step in ["return", "refuse_return", "reroute"] {
            assert!(audit.iter().any(|a| a == step), "{b}: {step} audited: {audit:?}");
        }
    }
}

/// Issue 17, 延期申请: before the deadline the town asks for a date within the cap; only the city
/// approves; the approval moves the deadline the measures judge and tells the resident on the tracking
/// page and by mail; a refusal leaves the deadline; at most two requests.
#[tokio::test]
async fn an_approved_extension_moves_the_deadline_the_measures_judge_and_tells_the_resident() {
    for b in backends() {
        let app = TestApp::start(b).await;
        add_user(&app, "gc@dg.gov.cn", Role::TownStaff, Some("guancheng")).await;
        add_user(&app, "d@dg.gov.cn", Role::Dispatcher, None).await;
        let (gc, d) = (signed_in(&app, "gc@dg.gov.cn").await, signed_in(&app, "d@dg.gov.cn").await);
        let number = submit_wish(&app, "guancheng", "e1").await;
        sqlx::query("UPDATE items SET contact_email = 'resident@example.cn' WHERE number = $1")
            .bind(&number)
            .execute(&app.db.pool)
            .await
            .unwrap();
        // Not before the item is accepted (the 24-hour reply is not extended).
        let (_, page) = get_with(&gc, &app.base, &format!("/staff/items/{number}")).await;
        assert!(!page.contains("data-action=\"request_extension\""), "{b}");
        let (status, _, _) = act_on(&gc, &app, &number, &[("action", "accept"), ("plan", "上门核实")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let item = app.db.item_by_number(&number).await.unwrap().unwrap();
        assert!(item.facts.signed_at.is_some(), "{b}: answering signs for it");
        let due = item.feedback_due_at;
        let rules = domain::calendar::DeadlineRules::default();
        let cal = app.db.calendar().await.unwrap();
        let latest = domain::Date::from_timestamp(rules.extension_latest(&cal, domain::Kind::Wish, due));
        let day = |ts: i64| domain::Date::from_timestamp(ts).to_string();

        // Out of range: the same day, after the cap, not a date — the message at the field, typed kept.
        for bad in [day(due), latest.add_days(1).to_string(), "明天".to_string()] {
            let (status, _, body) =
                act_on(&gc, &app, &number, &[("action", "request_extension"), ("until", &bad), ("reason", "等配件")])
                    .await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}: {bad}");
            assert!(text_of(&body, "request_extension-until-error").starts_with("请"), "{b}: {bad}");
            assert!(body.contains("等配件"), "{b}: the reason typed is kept");
        }
        let asked = domain::Date::from_timestamp(due).add_days(5);
        let form = [("action", "request_extension"), ("until", &asked.to_string()), ("reason", "轮椅需定制，等配件")];
        let (status, _, _) = act_on(&gc, &app, &number, &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        // The town cannot approve its own request; the dispatcher sees it waiting.
        let (status, _, _) = act_on(&gc, &app, &number, &[("action", "approve_extension")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}");
        let (_, queue) = get_with(&d, &app.base, "/staff?tab=decide").await;
        assert!(queue.contains(&number), "{b}");
        // Looking one day after the old deadline: before the approval the item counts as overdue.
        let q = store::MeasureQuery { from: None, to: None, town: None, kind: None, category: None };
        let looking = due + 86_400;
        assert_eq!(app.db.measures(&q, looking).await.unwrap().overdue, 1, "{b}");
        let (status, _, _) = act_on(&d, &app, &number, &[("action", "approve_extension")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let item = app.db.item_by_number(&number).await.unwrap().unwrap();
        assert_eq!(item.feedback_due_at, asked.end_ts(), "{b}: the deadline moved");
        assert_eq!((item.facts.extension_until, item.facts.extension_count), (None, 1), "{b}");
        // The measures judge the new deadline: not overdue, not yet due (the feedback rate waits for it).
        let m = app.db.measures(&q, looking).await.unwrap();
        assert_eq!((m.overdue, m.feedback.den), (0, 0), "{b}: {m:?}");
        let (kpi, _) = app.db.kpi_items(&q).await.unwrap();
        assert_eq!(kpi.iter().map(|k| k.feedback_due_at).collect::<Vec<_>>(), [asked.end_ts()], "{b}");
        // The resident is told: the timeline in words, the deadline, and a mail.
        let (_, tracking) = app.get(&format!("/t/{}", item.token)).await;
        assert!(tracking.contains(&format!("办理期限经市级批准延长至 {asked}")), "{b}");
        let kinds: Vec<String> = sqlx::query_scalar("SELECT kind FROM mail_outbox WHERE item_id = $1")
            .bind(item.id)
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
        assert!(kinds.iter().any(|k| k == "extended"), "{b}: {kinds:?}");
        // A second request, refused by the city with a reason: the deadline stays.
        let again = asked.add_days(3);
        let form = [("action", "request_extension"), ("until", &again.to_string()), ("reason", "仍在等")];
        let (status, _, _) = act_on(&gc, &app, &number, &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let (status, _, _) =
            act_on(&d, &app, &number, &[("action", "refuse_extension"), ("reason", "请先送临时轮椅")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let item = app.db.item_by_number(&number).await.unwrap().unwrap();
        assert_eq!((item.feedback_due_at, item.facts.extension_count), (asked.end_ts(), 2), "{b}");
        // Two requests used: no third.
        let (_, page) = get_with(&gc, &app.base, &format!("/staff/items/{number}")).await;
        assert!(!page.contains("data-action=\"request_extension\""), "{b}: at most twice");
        assert!(page.contains("已申请延期 2 次"), "{b}");
    }
}

/// Issue 17, 督办 and 回访: a leader (who acts on nothing else) or a dispatcher supervises an item; the
/// town sees it under 督办 with its answer deadline, gets a mail, and answers it; a town cannot
/// supervise. Long-overdue items escalate. After the answer, unrated items wait under 待回访; a callback
/// that reaches the resident records the rating given by phone (it counts in satisfaction, its source
/// shown), one that does not needs a note and leaves the item waiting for a rating.
#[tokio::test]
async fn supervision_escalation_and_callbacks_follow_the_work_order() {
    for b in backends() {
        let app = TestApp::start(b).await;
        add_user(&app, "gc@dg.gov.cn", Role::TownStaff, Some("guancheng")).await;
        add_user(&app, "d@dg.gov.cn", Role::Dispatcher, None).await;
        add_user(&app, "l@dg.gov.cn", Role::Leader, None).await;
        let (gc, d, l) = (
            signed_in(&app, "gc@dg.gov.cn").await,
            signed_in(&app, "d@dg.gov.cn").await,
            signed_in(&app, "l@dg.gov.cn").await,
        );
        let number = submit_wish(&app, "guancheng", "s1").await;
        let (status, _, _) = act_on(&gc, &app, &number, &[("action", "accept"), ("plan", "上门核实")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");

        // The leader is offered supervising and nothing else; the town is not offered it.
        let (_, page) = get_with(&l, &app.base, &format!("/staff/items/{number}")).await;
        assert!(page.contains("data-action=\"supervise\"") && !page.contains("data-action=\"feedback\""), "{b}");
        let (_, page) = get_with(&gc, &app.base, &format!("/staff/items/{number}")).await;
        assert!(!page.contains("data-action=\"supervise\""), "{b}");
        let (status, _, _) = act_on(&gc, &app, &number, &[("action", "supervise"), ("note", "x")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}: a town does not supervise");
        let (status, _, _) = act_on(&l, &app, &number, &[("action", "feedback"), ("message", "x")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}: a leader acts on nothing else");
        let (status, _, body) = act_on(&l, &app, &number, &[("action", "supervise"), ("note", "")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(text_of(&body, "supervise-note-error"), "请填写此项。", "{b}");
        let (status, _, _) = act_on(&l, &app, &number, &[("action", "supervise"), ("note", "请三日内上门")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let item = app.db.item_by_number(&number).await.unwrap().unwrap();
        let rules = domain::calendar::DeadlineRules::default();
        let cal = app.db.calendar().await.unwrap();
        let at = item.facts.supervised_at.unwrap();
        assert_eq!(item.facts.supervision_due_at, Some(rules.supervision_due(&cal, at)), "{b}");
        let (_, tab) = get_with(&gc, &app.base, "/staff?tab=supervised").await;
        assert!(tab.contains(&number), "{b}: the town's 督办 tab");
        let (_, page) = get_with(&gc, &app.base, &format!("/staff/items/{number}")).await;
        assert!(page.contains("督办待回复，回复期限"), "{b}");
        let reasons: Vec<String> = sqlx::query_scalar(
            "SELECT params FROM mail_outbox WHERE item_id = $1 AND kind = 'staff_new_item' ORDER BY id DESC",
        )
        .bind(item.id)
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
        assert!(reasons.first().is_some_and(|p| p.contains("supervised")), "{b}: the town's staff are mailed");
        // One notice at a time; the town answers it.
        let (status, to, _) = act_on(&d, &app, &number, &[("action", "supervise"), ("note", "再催")]).await;
        assert_eq!((status, to.ends_with("?problem=not_allowed_now")), (StatusCode::SEE_OTHER, true), "{b}");
        let (status, _, _) = act_on(&gc, &app, &number, &[("action", "answer_supervision"), ("text", "已上门")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let (_, tab) = get_with(&gc, &app.base, "/staff?tab=supervised").await;
        assert!(!tab.contains(&number), "{b}");

        // Escalation: the answer is overdue by more than three working days.
        sqlx::query("UPDATE items SET feedback_due_at = $1 WHERE id = $2")
            .bind(store::now() - 20 * 86_400)
            .bind(item.id)
            .execute(&app.db.pool)
            .await
            .unwrap();
        let (_, tab) = get_with(&d, &app.base, "/staff?tab=escalated").await;
        assert!(tab.contains(&number), "{b}: on the dispatchers' list");

        // The answer, then the callback queue a few days later.
        for (action, field, text) in [("fulfil", "note", "已送轮椅"), ("feedback", "message", "轮椅已送到")] {
            let (status, _, _) = act_on(&gc, &app, &number, &[("action", action), (field, text)]).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{b}: {action}");
        }
        let (_, tab) = get_with(&gc, &app.base, "/staff?tab=callback").await;
        assert!(!tab.contains(&number), "{b}: not yet: answered today");
        sqlx::query("UPDATE items SET feedback_at = feedback_at - 4 * 86400 WHERE id = $1")
            .bind(item.id)
            .execute(&app.db.pool)
            .await
            .unwrap();
        let (_, tab) = get_with(&gc, &app.base, "/staff?tab=callback").await;
        assert!(tab.contains(&number), "{b}: waiting for a callback");
        let token = app.db.item_by_number(&number).await.unwrap().unwrap().token;
        let (_, tracking) = app.get(&format!("/t/{token}")).await;
        assert!(tracking.contains(&format!("/t/{token}/rate")), "{b}: the resident may still rate online");
        // Not reached: a note is required, a rating refused; then recorded, still waiting for a rating.
        let (status, _, body) =
            act_on(&gc, &app, &number, &[("action", "callback"), ("reached", "no"), ("rating", "satisfied")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(text_of(&body, "callback-note-error"), "请填写此项。", "{b}");
        assert_eq!(text_of(&body, "callback-rating-error"), "未联系上群众时不能记录评价。", "{b}");
        let (status, _, _) =
            act_on(&gc, &app, &number, &[("action", "callback"), ("reached", "no"), ("note", "电话无人接听")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let item = app.db.item_by_number(&number).await.unwrap().unwrap();
        assert_eq!((item.status, item.facts.callback_reached), (domain::Status::FeedbackGiven, Some(false)), "{b}");
        // Reached: the rating by phone closes the item and counts; its source is shown.
        let (status, _, _) = act_on(
            &gc,
            &app,
            &number,
            &[
                ("action", "callback"),
                ("reached", "yes"),
                ("rating", "basically_satisfied"),
                ("note", "老人说轮椅好用"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let item = app.db.item_by_number(&number).await.unwrap().unwrap();
        assert_eq!(item.status, domain::Status::Closed, "{b}");
        assert_eq!(item.facts.rating, Some(domain::Rating::BasicallySatisfied), "{b}");
        let q = store::MeasureQuery { from: None, to: None, town: None, kind: None, category: None };
        let m = app.db.measures(&q, store::now()).await.unwrap();
        assert_eq!((m.satisfaction.num, m.satisfaction.den), (1, 1), "{b}: the phone rating counts");
        let (_, page) = get_with(&gc, &app.base, &format!("/staff/items/{number}")).await;
        assert!(page.contains("评价来源：电话回访") && page.contains("已回访（联系上）"), "{b}");
        let (_, tracking) = app.get(&format!("/t/{}", item.token)).await;
        assert!(!tracking.contains(&format!("/t/{}/rate", item.token)), "{b}: nothing left to rate online");
        let audit: Vec<String> = app.db.audit_for_item(item.id).await.unwrap().into_iter().map(|a| a.action).collect();
        for step in ["supervise", "answer_supervision", "callback"] {
            assert!(audit.iter().any(|a| a == step), "{b}: {step} audited");
        }
    }
}

/// Issue 17, 好差评 with 整改 and 申诉: a 差评 (非常不满意) opens a rectification due in 5 working days
/// under the town's 整改 tab; the town records what it put right (the resident sees it, by mail too) and
/// the resident rates the fix; the town appeals the 差评, only the city decides, and an upheld appeal
/// leaves the rating out of satisfaction and is counted.
#[tokio::test]
async fn a_bad_rating_is_rectified_rated_again_and_appealed_to_the_city() {
    for b in backends() {
        let app = TestApp::start(b).await;
        add_user(&app, "gc@dg.gov.cn", Role::TownStaff, Some("guancheng")).await;
        add_user(&app, "d@dg.gov.cn", Role::Dispatcher, None).await;
        let (gc, d) = (signed_in(&app, "gc@dg.gov.cn").await, signed_in(&app, "d@dg.gov.cn").await);
        let number = submit_wish(&app, "guancheng", "r1").await;
        sqlx::query("UPDATE items SET contact_email = 'resident@example.cn' WHERE number = $1")
            .bind(&number)
            .execute(&app.db.pool)
            .await
            .unwrap();
        for (action, field, text) in
            [("accept", "plan", "上门核实"), ("fulfil", "note", "已送轮椅"), ("feedback", "message", "轮椅已送到")]
        {
            let (status, _, _) = act_on(&gc, &app, &number, &[("action", action), (field, text)]).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{b}: {action}");
        }
        let item = app.db.item_by_number(&number).await.unwrap().unwrap();
        let token = item.token.clone();
        let rate = [("rating", "very_unsatisfied"), ("comment", "轮椅太小"), ("version", &item.version.to_string())];
        let (status, _, _) = post_with(&app.http, &app.base, &format!("/t/{token}/rate"), &rate).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let item = app.db.item_by_number(&number).await.unwrap().unwrap();
        let rules = domain::calendar::DeadlineRules::default();
        let cal = app.db.calendar().await.unwrap();
        assert_eq!(item.facts.rectify_due_at, Some(rules.rectify_due(&cal, item.facts.rated_at.unwrap())), "{b}");
        let (_, tab) = get_with(&gc, &app.base, "/staff?tab=rectify").await;
        assert!(tab.contains(&number), "{b}: the town's 整改 tab");
        let (_, tracking) = app.get(&format!("/t/{token}")).await;
        assert!(!tracking.contains(&format!("/t/{token}/rate_fix")), "{b}: nothing to rate before the fix");
        // The resident cannot rate a fix that was not made.
        let (_, to, _) =
            post_with(&app.http, &app.base, &format!("/t/{token}/rate_fix"), &[("rating", "satisfied")]).await;
        assert!(to.ends_with("problem=not_allowed_now"), "{b}: {to}");

        // The rectification needs its note; then the resident sees it and is mailed.
        let (status, _, body) = act_on(&gc, &app, &number, &[("action", "rectify"), ("note", " ")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(text_of(&body, "rectify-note-error"), "请填写此项。", "{b}");
        let (status, _, _) =
            act_on(&gc, &app, &number, &[("action", "rectify"), ("note", "已更换加宽轮椅并上门调试")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let (_, tab) = get_with(&gc, &app.base, "/staff?tab=rectify").await;
        assert!(!tab.contains(&number), "{b}");
        let kinds: Vec<String> = sqlx::query_scalar("SELECT kind FROM mail_outbox WHERE item_id = $1")
            .bind(item.id)
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
        assert!(kinds.iter().any(|k| k == "rectified"), "{b}: {kinds:?}");
        let (_, tracking) = app.get(&format!("/t/{token}")).await;
        assert!(tracking.contains("镇街整改") && tracking.contains("已更换加宽轮椅并上门调试"), "{b}");
        assert!(tracking.contains(&format!("/t/{token}/rate_fix")), "{b}: the fix can be rated");
        let (status, _, page) =
            post_with(&app.http, &app.base, &format!("/t/{token}/rate_fix"), &[("version", "")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(page.contains("id=\"fix-rating-error\""), "{b}");
        let (status, to, _) =
            post_with(&app.http, &app.base, &format!("/t/{token}/rate_fix"), &[("rating", "satisfied")]).await;
        assert_eq!((status, to), (StatusCode::SEE_OTHER, format!("/t/{token}?done=fix_rated")), "{b}");
        let (_, tracking) = app.get(&format!("/t/{token}?done=fix_rated")).await;
        assert!(tracking.contains("您对整改结果的评价：满意") && tracking.contains("谢谢您对整改结果的评价"), "{b}");
        assert!(!tracking.contains(&format!("/t/{token}/rate_fix")), "{b}: rated once");
        let item = app.db.item_by_number(&number).await.unwrap().unwrap();
        assert_eq!(
            (item.facts.fix_rating, item.facts.rating),
            (Some(domain::Rating::Satisfied), Some(domain::Rating::VeryUnsatisfied)),
            "{b}: the 差评 stays as given"
        );

        // 申诉: the town appeals; it cannot decide its own appeal; the city upholds it.
        let q = store::MeasureQuery { from: None, to: None, town: None, kind: None, category: None };
        let m = app.db.measures(&q, store::now()).await.unwrap();
        assert_eq!((m.satisfaction.num, m.satisfaction.den, m.appeals_upheld), (0, 1, 0), "{b}");
        let (status, _, _) =
            act_on(&gc, &app, &number, &[("action", "appeal"), ("reason", "群众表示误选了评价")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let (status, _, _) = act_on(&gc, &app, &number, &[("action", "uphold_appeal"), ("reason", "x")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}: a town never decides its own appeal");
        let (_, queue) = get_with(&d, &app.base, "/staff?tab=decide").await;
        assert!(queue.contains(&number), "{b}: the city's queue");
        let (status, _, _) =
            act_on(&d, &app, &number, &[("action", "uphold_appeal"), ("reason", "电话核实为误选")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let m = app.db.measures(&q, store::now()).await.unwrap();
        assert_eq!((m.satisfaction.den, m.appeals_upheld, m.ratings), (0, 1, [0; 5]), "{b}: left out, counted");
        let (_, page) = get_with(&d, &app.base, &format!("/staff/items/{number}")).await;
        assert!(page.contains("申诉成立，不计入满意度"), "{b}");
        let (status, to, _) = act_on(&gc, &app, &number, &[("action", "appeal"), ("reason", "再申诉")]).await;
        assert_eq!((status, to.ends_with("?problem=not_allowed_now")), (StatusCode::SEE_OTHER, true), "{b}: once");
        // The rollups (the fast path) agree with the definition after all of it.
        let rebuilt = app.db.rebuild_rollups().await.unwrap();
        assert!(rebuilt > 0, "{b}");
        assert_eq!(app.db.measures(&q, store::now()).await.unwrap(), m, "{b}");
    }
}

/// Issue 17, the people who do the work: a village/community worker sees and acts on the items handed
/// to their own village only (progress, delivery, callbacks — not the town's decisions), and a town
/// leader reads their own town and supervises it, acting on nothing else. An admin creates a village
/// worker by the village's name, which must be one of the town's.
#[tokio::test]
async fn a_village_worker_and_a_town_leader_work_within_their_place() {
    for b in backends() {
        let app = TestApp::start(b).await;
        add_user(&app, "gc@dg.gov.cn", Role::TownStaff, Some("guancheng")).await;
        add_user(&app, "admin@dg.gov.cn", Role::Admin, None).await;
        let villages: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, name FROM communities WHERE town_slug = 'guancheng' AND active = 1 ORDER BY id LIMIT 2",
        )
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
        let (ours, theirs) = (&villages[0], &villages[1]);
        // An admin adds the worker: a village of another name is refused at its field, then created.
        let admin = signed_in(&app, "admin@dg.gov.cn").await;
        let form = |community: &str| {
            vec![
                ("email", "cun@dg.gov.cn".to_string()),
                ("name", "村干部".to_string()),
                ("role", "village_worker".to_string()),
                ("town", "guancheng".to_string()),
                ("community", community.to_string()),
            ]
        };
        let refs = |f: &[(&'static str, String)]| f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
        let bad = refs(&form("没有这个村"));
        let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, _, page) = post_with(&admin, &app.base, "/staff/admin/user_add", &bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(text_of(&page, "user_add-community-error").starts_with('请'), "{b}");
        let good = refs(&form(&ours.1));
        let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, _, _) = post_with(&admin, &app.base, "/staff/admin/user_add", &good).await;
        assert_eq!(status, StatusCode::OK, "{b}");
        let worker =
            app.db.staff_accounts().await.unwrap().into_iter().find(|a| a.user.email == "cun@dg.gov.cn").unwrap();
        assert_eq!(
            (worker.user.role, worker.user.community_id, worker.user.town_slug.as_deref()),
            (Role::VillageWorker, Some(ours.0), Some("guancheng")),
            "{b}"
        );
        // For the rest, accounts with the test password.
        let w = store::NewStaffUser {
            email: "cun2@dg.gov.cn".into(),
            name: "村干部二".into(),
            role: Role::VillageWorker,
            town_slug: None,
            community_id: Some(ours.0),
            password: support::PASSWORD.into(),
        };
        app.db.create_staff_user(&w, store::now()).await.unwrap();
        add_user(&app, "tl@dg.gov.cn", Role::TownLeader, Some("guancheng")).await;
        let (gc, cun, tl) = (
            signed_in(&app, "gc@dg.gov.cn").await,
            signed_in(&app, "cun2@dg.gov.cn").await,
            signed_in(&app, "tl@dg.gov.cn").await,
        );
        let mine = submit_wish(&app, "guancheng", "v1").await;
        let other = submit_wish(&app, "guancheng", "v2").await;
        let elsewhere = submit_wish(&app, "humen", "v3").await;
        for (number, village) in [(&mine, ours.0), (&other, theirs.0)] {
            let (status, _, _) =
                act_on(&gc, &app, number, &[("action", "assign"), ("community_id", &village.to_string())]).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
            let (status, _, _) = act_on(&gc, &app, number, &[("action", "accept"), ("plan", "交村办理")]).await;
            assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        }

        // The village worker: their village's item only; its steps, not the town's decisions.
        let (_, inbox) = get_with(&cun, &app.base, "/staff?tab=in_progress").await;
        assert!(inbox.contains(&mine) && !inbox.contains(&other) && !inbox.contains(&elsewhere), "{b}");
        let (status, _) = get_with(&cun, &app.base, &format!("/staff/items/{other}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{b}: another village's item");
        let (_, page) = get_with(&cun, &app.base, &format!("/staff/items/{mine}")).await;
        assert!(
            page.contains("data-action=\"fulfil\"") && page.contains("13812341234"),
            "{b}: delivers, sees the phone"
        );
        for not_theirs in ["decline", "publish", "feedback", "request_extension"] {
            assert!(!page.contains(&format!("data-action=\"{not_theirs}\"")), "{b}: {not_theirs} not offered");
        }
        let (status, _, _) = act_on(&cun, &app, &mine, &[("action", "decline"), ("reason", "x")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}");
        let (status, _, _) = act_on(&cun, &app, &mine, &[("action", "fulfil"), ("note", "轮椅已送到老人家")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");

        // The town leader: their town read, supervised; contact masked; nothing else.
        let (_, inbox) = get_with(&tl, &app.base, "/staff?tab=in_progress").await;
        assert!(inbox.contains(&mine) && inbox.contains(&other) && !inbox.contains(&elsewhere), "{b}");
        let (status, _) = get_with(&tl, &app.base, &format!("/staff/items/{elsewhere}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{b}: another town");
        let (_, page) = get_with(&tl, &app.base, &format!("/staff/items/{other}")).await;
        assert!(!page.contains("13812341234") && page.contains("data-action=\"supervise\""), "{b}");
        let (status, _, _) = act_on(&tl, &app, &other, &[("action", "supervise"), ("note", "请村里加快")]).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        let (status, _, _) = act_on(&tl, &app, &other, &[("action", "fulfil"), ("note", "x")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}");
        let (status, _, _) = act_on(&tl, &app, &elsewhere, &[("action", "supervise"), ("note", "x")]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{b}: not their town");
    }
}
