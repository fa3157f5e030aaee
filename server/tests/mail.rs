//! Mail against a real SMTP server (aiosmtpd on 127.0.0.1, `scripts/smtp_capture.py`), on SQLite and
//! PostgreSQL: every event's mail in the recipient's language, exactly once; preferences; the mail
//! server down and back up; parking and an admin's retry; the server process killed while sending;
//! and residents' sign-in by one-time code.

mod support;

use domain::lifecycle::{Action, Actor};
use domain::mail::MailKind;
use domain::{Rating, Role};
use reqwest::StatusCode;
use std::collections::HashMap;
use store::{By, CodeCheck, MailParams, MailRequest, RetryPolicy};
use support::{add_user, backends, free_port, get_with, post_with, six_digits, worker, SmtpCapture, TestApp, PASSWORD};

/// Submits a wish in `town` through the resident form, in `lang`, with `email`; returns (id, number, token).
async fn submit_wish(app: &TestApp, town: &str, email: &str, lang: &str) -> (i64, String, String) {
    support::submit_wish_with(app, town, "13812341234", email, lang).await
}

fn staff() -> By {
    By { actor: Actor::Staff, label: "张三".into(), staff_id: None, remote_addr: "127.0.0.1".into() }
}

async fn act(app: &TestApp, id: i64, action: Action) {
    app.db.act_by(id, None, &staff(), &action, store::now()).await.unwrap();
}

/// How many mails (not texts: `tests/sms.rs`) are in each status.
async fn statuses(app: &TestApp) -> HashMap<String, i64> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, CAST(COUNT(*) AS BIGINT) FROM mail_outbox WHERE channel = 'mail' GROUP BY status",
    )
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    rows.into_iter().collect()
}

#[tokio::test]
async fn each_event_mails_the_right_people_once_in_their_language() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let smtp = SmtpCapture::start();
        let w = worker(&app.db, Some(&smtp.url()), RetryPolicy::default()).await;
        add_user(&app, "dc1@dg.gov.cn", Role::TownStaff, Some("dongcheng")).await;
        add_user(&app, "hm1@dg.gov.cn", Role::TownStaff, Some("humen")).await;

        // A wish in English: receipt to the resident, "new item" to Dongcheng's staff only.
        let (id, number, token) = submit_wish(&app, "dongcheng", "Resident.One@Example.org", "en").await;
        let r = w.deliver_due(store::now(), 100).await.unwrap();
        // Two mails, and the receipt's text to the resident's phone (written to a file: no SMS_URL).
        assert_eq!((r.sent, r.retrying, r.parked), (3, 0, 0), "{b}");
        let mails = smtp.mails();
        assert_eq!(mails.len(), 2, "{b}");
        let receipt = mails.iter().find(|m| m.to == ["resident.one@example.org"]).expect("receipt");
        assert_eq!(receipt.subject, format!("We received your request {number}"));
        assert!(receipt.text.contains(&format!("https://portal.test/t/{token}")), "{}", receipt.text);
        assert!(receipt.html.contains(&format!("href=\"https://portal.test/t/{token}\"")));
        let to_staff = mails.iter().find(|m| m.to == ["dc1@dg.gov.cn"]).expect("staff mail");
        assert_eq!(to_staff.subject, format!("【东城街道】新诉求 {number}"));
        assert!(to_staff.text.contains(&format!("https://portal.test/staff/items/{number}")));
        assert!(!mails.iter().any(|m| m.to == ["hm1@dg.gov.cn"]), "{b}: other towns are not told");

        // The lifecycle: accepted, published (progress), fulfilled (progress), feedback, then the
        // resident rates 不满意 and asks to reopen: "reopened" to them, "new item (reopened)" to staff.
        act(&app, id, Action::Accept { plan: "The village visits this week".into() }).await;
        act(&app, id, Action::Publish { text: "一位独居老人需要一台轮椅".into() }).await;
        act(&app, id, Action::Note { text: "internal only".into(), public: false }).await;
        act(&app, id, Action::RecordFulfilment { note: "Delivered by a volunteer".into() }).await;
        act(&app, id, Action::GiveFeedback { message: "The wheelchair was delivered".into() }).await;
        let rate = Action::Rate { rating: Rating::Unsatisfied, comment: String::new(), aware: Some(true) };
        app.db.act(id, None, Actor::Resident, "", &rate, store::now()).await.unwrap();
        app.db.act(id, None, Actor::Resident, "", &Action::RequestReopen, store::now()).await.unwrap();
        let r = w.deliver_due(store::now(), 100).await.unwrap();
        assert_eq!(r.sent, 11, "{b}: accepted, 2× progress, feedback, reopened (each by mail and text), staff");
        let subjects: Vec<String> =
            smtp.mails().iter().filter(|m| m.to == ["resident.one@example.org"]).map(|m| m.subject.clone()).collect();
        assert_eq!(
            subjects,
            [
                format!("We received your request {number}"),
                format!("{number} was accepted"),
                format!("News on {number}"),
                format!("News on {number}"),
                format!("The outcome of {number}"),
                format!("{number} is being handled again"),
            ],
            "{b}"
        );
        let outcome = smtp.mails().into_iter().find(|m| m.subject.starts_with("The outcome")).unwrap();
        assert!(outcome.text.contains("The wheelchair was delivered") && outcome.text.contains("rate it"));
        assert!(!outcome.text.contains("/mail/preferences/"), "an outcome cannot be turned off");
        let staff_mails: Vec<String> =
            smtp.mails().iter().filter(|m| m.to == ["dc1@dg.gov.cn"]).map(|m| m.text.clone()).collect();
        assert_eq!(staff_mails.len(), 2);
        // A reopen is announced as a reopen, not as a new request.
        assert!(staff_mails[1].contains("已申请重新办理") && !staff_mails[1].contains("新诉求"), "{}", staff_mails[1]);

        // A decline in Traditional Chinese, with its reason.
        let (id2, number2, _) = submit_wish(&app, "humen", "chan@example.hk", "zh-Hant").await;
        act(&app, id2, Action::Decline { reason: "不屬於微心願範圍".into() }).await;
        w.deliver_due(store::now(), 100).await.unwrap();
        let hant: Vec<_> = smtp.mails().into_iter().filter(|m| m.to == ["chan@example.hk"]).collect();
        assert_eq!(hant.len(), 2, "{b}");
        assert_eq!(hant[0].subject, format!("已收到您的訴求 {number2}"));
        assert_eq!(hant[1].subject, format!("{number2} 未予受理"));
        assert!(hant[1].text.contains("原因：不屬於微心願範圍"), "{}", hant[1].text);

        // Marked as a duplicate, in Simplified Chinese, naming the other request.
        let (id3, number3, _) = submit_wish(&app, "humen", "dup@example.org", "zh-Hans").await;
        act(&app, id3, Action::MarkDuplicate { of_number: number2.clone() }).await;
        w.deliver_due(store::now(), 100).await.unwrap();
        let dup = smtp.mails().into_iter().rfind(|m| m.to == ["dup@example.org"]).unwrap();
        assert_eq!(dup.subject, format!("{number3} 已与其他诉求合并办理"), "{b}");
        assert!(dup.text.contains(&format!("与诉求 {number2} 内容相同")), "{}", dup.text);

        // Every outbox row was delivered exactly once, and each mail names its row.
        let mut ids: Vec<i64> = smtp.mails().iter().map(|m| m.outbox_id()).collect();
        let total = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), total, "{b}: no mail twice");
        assert_eq!(statuses(&app).await.get("sent"), Some(&(total as i64)));
    }
}

#[tokio::test]
async fn a_resident_can_turn_progress_updates_off_but_still_hears_the_outcome() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let smtp = SmtpCapture::start();
        let w = worker(&app.db, Some(&smtp.url()), RetryPolicy::default()).await;
        let (id, _, _) = submit_wish(&app, "dongcheng", "li@example.org", "zh-Hans").await;
        act(&app, id, Action::Accept { plan: "村委会上门核实".into() }).await;
        act(&app, id, Action::Publish { text: "一位独居老人需要一台轮椅".into() }).await;
        w.deliver_due(store::now(), 100).await.unwrap();
        let progress = smtp.mails().into_iter().find(|m| m.subject.contains("有新进展")).expect("a progress mail");
        let at = progress.text.find("https://portal.test/mail/preferences/").expect("its link");
        let link: String =
            progress.text[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || "/:.-".contains(*c)).collect();
        let path = link.trim_start_matches("https://portal.test");
        let (status, page) = get_with(&app.http, &app.base, path).await;
        assert_eq!(status, StatusCode::OK, "{b}: {path}");
        assert!(page.contains("li***@example.org") && !page.contains("li@example.org"), "{b}: address masked");
        let (status, to, _) = post_with(&app.http, &app.base, path, &[("updates", "off")]).await;
        assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, format!("{path}?saved=1").as_str()));
        let before = smtp.mails().len();
        act(&app, id, Action::RecordFulfilment { note: "已送达".into() }).await; // progress: off now
        act(&app, id, Action::GiveFeedback { message: "轮椅已送到".into() }).await; // outcome: always
        w.deliver_due(store::now(), 100).await.unwrap();
        let new: Vec<String> = smtp.mails()[before..].iter().map(|m| m.subject.clone()).collect();
        assert_eq!(new.len(), 1, "{b}: {new:?}");
        assert!(new[0].ends_with("办理结果"), "{b}: {new:?}");
        let (status, _) = get_with(&app.http, &app.base, "/mail/preferences/nosuchtoken").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn the_mail_server_down_then_up_loses_nothing_and_parked_mail_can_be_retried() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let port = free_port();
        let url = format!("smtp://127.0.0.1:{port}");
        let policy = RetryPolicy { max_attempts: 3, base_secs: 60, cap_secs: 3600 };
        let w = worker(&app.db, Some(&url), policy).await;
        for n in 0..3 {
            submit_wish(&app, "dongcheng", &format!("r{n}@example.org"), "zh-Hans").await;
        }
        let t0 = store::now();
        let r = w.deliver_due(t0, 100).await.unwrap();
        assert_eq!((r.sent, r.retrying), (3, 3), "{b}: nobody listens (the three texts go to files)");
        let attempts: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM mail_attempts WHERE ok = 0")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        assert_eq!(attempts, 3, "{b}: each failed attempt is recorded");
        assert_eq!(w.deliver_due(t0 + 30, 100).await.unwrap().retrying, 0, "{b}: not before the backoff");

        // Up again: after the first wait (60 s) everything goes, once.
        let smtp = SmtpCapture::start_on(port, 0);
        let r = w.deliver_due(t0 + 61, 100).await.unwrap();
        assert_eq!(r.sent, 3, "{b}");
        assert_eq!(smtp.mails().len(), 3);
        assert_eq!(w.deliver_due(t0 + 10_000, 100).await.unwrap().sent, 0, "{b}: nothing twice");
        drop(smtp);

        // Down for good: parked after the third attempt (waits 60 s, then 120 s), shown to the admin,
        // who sends it again once the server is back.
        let (_, number, _) = submit_wish(&app, "dongcheng", "late@example.org", "zh-Hans").await;
        let t1 = store::now();
        assert_eq!(w.deliver_due(t1, 100).await.unwrap().retrying, 1);
        assert_eq!(w.deliver_due(t1 + 60, 100).await.unwrap().retrying, 1);
        assert_eq!(w.deliver_due(t1 + 180, 100).await.unwrap().parked, 1, "{b}");
        assert_eq!(statuses(&app).await.get("parked"), Some(&1));
        add_user(&app, "admin@dg.gov.cn", Role::Admin, None).await;
        let admin = app.browser();
        post_with(&admin, &app.base, "/staff/sign-in", &[("email", "admin@dg.gov.cn"), ("password", PASSWORD)]).await;
        let (status, page) = get_with(&admin, &app.base, "/staff/admin").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("late@example.org") && page.contains(&number), "{b}: the admin sees the parked mail");
        assert!(page.contains("没有设置邮件服务器"), "{b}: the test app has no SMTP_URL, and the page says so");
        let parked = app.db.mail_list(&["parked"], 10).await.unwrap();
        let smtp = SmtpCapture::start_on(port, 0);
        let (status, _, _) =
            post_with(&admin, &app.base, "/staff/admin/mail_retry", &[("id", &parked[0].id.to_string())]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(w.deliver_due(store::now(), 100).await.unwrap().sent, 1, "{b}");
        assert_eq!(smtp.mails()[0].to, ["late@example.org"]);
    }
}

#[tokio::test]
async fn a_server_stopped_or_killed_while_sending_sends_no_mail_twice() {
    let exe = env!("CARGO_BIN_EXE_server");
    for b in backends() {
        let url = support::fresh_url(b).await;
        let db = store::Db::connect(&url).await.unwrap();
        const N: usize = 200;
        for n in 0..N {
            let m = MailRequest {
                kind: MailKind::OperatorTest,
                to: format!("op{n}@example.org"),
                lang: "en".into(),
                item_id: None,
                params: MailParams::default(),
                dedupe_key: None,
            };
            db.queue_mail(&m, store::now()).await.unwrap();
        }
        let smtp = SmtpCapture::start_on(free_port(), 10);
        let start = || {
            support::Running(
                std::process::Command::new(exe)
                    .env("DATABASE_URL", &url)
                    .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{}", free_port()))
                    .env("SMTP_URL", smtp.url())
                    .env("MAIL_LEASE_SECS", "2")
                    .env("RUST_LOG", "warn")
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn()
                    .unwrap(),
            )
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        // SIGTERM first: the server stops after the mail in hand, leaving nothing "sending".
        let mut server = start();
        while smtp.mails().len() < N / 10 {
            assert!(std::time::Instant::now() < deadline, "{b}: timed out waiting for the first mails");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let pid = server.0.id().to_string();
        assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        let exit = server.0.wait().unwrap();
        assert!(exit.success(), "{b}: a clean exit on SIGTERM ({exit})");
        let c: HashMap<String, i64> = db.mail_counts().await.unwrap().into_iter().collect();
        assert_eq!(c.get("sending"), None, "{b}: nothing left mid-send after SIGTERM: {c:?}");
        assert!(c.get("queued").copied().unwrap_or(0) > 0, "{b}: stopped before the end: {c:?}");
        assert_eq!(c.get("sent").copied().unwrap_or(0) as usize, smtp.mails().len(), "{b}: {c:?}");
        drop(server);

        // Then SIGKILL, with no chance to finish anything.
        let server = start();
        while smtp.mails().len() < N / 3 {
            assert!(std::time::Instant::now() < deadline, "{b}: timed out waiting for a third of the mails");
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        drop(server); // SIGKILL
        let at_kill = smtp.mails().len();
        assert!(at_kill < N, "{b}: killed mid-batch ({at_kill} of {N} sent)");

        let server = start();
        loop {
            let c: HashMap<String, i64> = db.mail_counts().await.unwrap().into_iter().collect();
            if c.get("queued").copied().unwrap_or(0) + c.get("sending").copied().unwrap_or(0) == 0 {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "{b}: timed out waiting for the outbox to drain: {c:?}");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        drop(server);

        let mut ids: Vec<i64> = smtp.mails().iter().map(|m| m.outbox_id()).collect();
        let received = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), received, "{b}: no mail arrived twice");
        let counts: HashMap<String, i64> = db.mail_counts().await.unwrap().into_iter().collect();
        let (sent, uncertain) =
            (counts.get("sent").copied().unwrap_or(0), counts.get("uncertain").copied().unwrap_or(0));
        assert!(uncertain <= 1, "{b}: at most the one mail in flight is uncertain ({uncertain})");
        assert_eq!(sent + uncertain, N as i64, "{b}: {counts:?}");
        // Every sent row arrived; the uncertain one may or may not have.
        assert!(received as i64 >= sent && received as i64 <= sent + uncertain, "{b}: {received} received, {counts:?}");
    }
}

#[tokio::test]
async fn residents_sign_in_with_a_code_and_see_their_items() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let smtp = SmtpCapture::start();
        let w = worker(&app.db, Some(&smtp.url()), RetryPolicy::default()).await;
        let (_, n1, _) = submit_wish(&app, "dongcheng", "Mei@Example.org", "zh-Hans").await;
        let (_, n2, _) = submit_wish(&app, "humen", "mei@example.org", "zh-Hans").await;
        let (_, other, _) = submit_wish(&app, "humen", "someone.else@example.org", "zh-Hans").await;
        w.deliver_due(store::now(), 100).await.unwrap();
        let before = smtp.mails().len();

        let me = app.browser();
        let (status, page) = get_with(&me, &app.base, "/me").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("name=\"email\""), "{b}: asks for the address");
        let (status, _, page) = post_with(&me, &app.base, "/me/code", &[("email", "not-an-address")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("not-an-address") && page.contains("请填写11位手机号"), "{b}: kept and explained");
        let (status, to, _) = post_with(&me, &app.base, "/me/code", &[("email", " MEI@example.org ")]).await;
        assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/me"));
        w.deliver_due(store::now(), 100).await.unwrap();
        let mails = smtp.mails();
        assert_eq!(mails.len(), before + 1, "{b}");
        let code_mail = &mails[before];
        assert_eq!(code_mail.to, ["mei@example.org"]);
        let code = six_digits(&code_mail.subject);
        assert!(code_mail.text.contains(&code));
        let stored: String = sqlx::query_scalar("SELECT params FROM mail_outbox WHERE kind = 'sign_in_code'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        assert_eq!(stored, "{}", "{b}: the code is erased from the outbox once sent");

        // A wrong code: explained next to the field; then the right one.
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let (status, _, page) = post_with(&me, &app.base, "/me/verify", &[("code", wrong)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(page.contains("验证码不对"), "{b}");
        let (status, to, _) = post_with(&me, &app.base, "/me/verify", &[("code", &code)]).await;
        assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/me"), "{b}");
        let (_, page) = get_with(&me, &app.base, "/me").await;
        assert!(page.contains(&n1) && page.contains(&n2), "{b}: both items, whatever the case of the address");
        assert!(!page.contains(&other), "{b}: not someone else's");

        // Used once only.
        assert_eq!(app.db.verify_sign_in_code("mei@example.org", &code, store::now()).await.unwrap(), CodeCheck::Used);
        // Another visitor cannot see the list.
        let (_, page) = get_with(&app.browser(), &app.base, "/me").await;
        assert!(!page.contains(&n1), "{b}");

        // An address without items gets the same answer and no mail.
        let stranger = app.browser();
        let (status, to, _) = post_with(&stranger, &app.base, "/me/code", &[("email", "nobody@example.org")]).await;
        assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/me"));
        w.deliver_due(store::now(), 100).await.unwrap();
        assert_eq!(smtp.mails().len(), before + 1, "{b}: no mail to an unknown address");

        // Limits: three codes an hour per address (one used above + two more), then a clear refusal.
        for _ in 0..2 {
            let (status, _, _) = post_with(&me, &app.base, "/me/code", &[("email", "mei@example.org")]).await;
            assert_eq!(status, StatusCode::SEE_OTHER);
        }
        let (status, _, page) = post_with(&me, &app.base, "/me/code", &[("email", "mei@example.org")]).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{b}");
        assert!(page.contains("验证码发送太频繁"), "{b}");
    }
}

#[tokio::test]
async fn codes_expire_and_stop_after_five_wrong_tries() {
    for b in backends() {
        let db = support::fresh(b).await;
        let t = store::now();
        let code_of = |db: store::Db| async move {
            let p: String = sqlx::query_scalar(
                "SELECT params FROM mail_outbox WHERE kind = 'sign_in_code' ORDER BY id DESC LIMIT 1",
            )
            .fetch_one(&db.pool)
            .await
            .unwrap();
            serde_json::from_str::<MailParams>(&p).unwrap().code
        };
        // The address needs an item for a mail to be queued.
        let item = store::NewItem {
            kind: domain::Kind::Wish,
            category: "elderly_alone".into(),
            title: "轮椅".into(),
            description: "独居老人需要一台轮椅".into(),
            location: String::new(),
            amount_yuan: 800,
            urgent: false,
            submitted_by: "self".into(),
            helper_org: None,
            contact_name: "王小明".into(),
            contact_phone: "13812341234".into(),
            contact_email: Some("x@example.org".into()),
            lang: "zh-Hans".into(),
            town_slug: Some("dongcheng".into()),
            community_id: None,
            place_text: None,
            beneficiary: None,
            submission_key: None,
            submitted_at: t,
            acceptance_due_at: t + 86_400,
            feedback_due_at: t + 30 * 86_400,
            sign_due_at: None,
            return_due_at: None,
        };
        db.create_item(&item).await.unwrap();
        db.request_sign_in_code("x@example.org", "c1", "zh-Hans", t).await.unwrap();
        let code = code_of(db.clone()).await;
        let ttl = domain::mail::code::TTL_SECS;
        assert_eq!(db.verify_sign_in_code("x@example.org", &code, t + ttl).await.unwrap(), CodeCheck::Expired, "{b}");

        db.request_sign_in_code("x@example.org", "c1", "zh-Hans", t + 1).await.unwrap();
        let code = code_of(db.clone()).await;
        let wrong = if code == "123456" { "654321" } else { "123456" };
        for n in 1..=4 {
            assert_eq!(
                db.verify_sign_in_code("x@example.org", wrong, t + 2).await.unwrap(),
                CodeCheck::Wrong,
                "{b} try {n}"
            );
        }
        assert_eq!(db.verify_sign_in_code("x@example.org", wrong, t + 2).await.unwrap(), CodeCheck::TooManyTries);
        assert_eq!(
            db.verify_sign_in_code("x@example.org", &code, t + 2).await.unwrap(),
            CodeCheck::TooManyTries,
            "{b}: even the right code, after five wrong ones"
        );
        // A newer code replaces the older: the older one no longer works.
        db.request_sign_in_code("x@example.org", "c1", "zh-Hans", t + 3).await.unwrap();
        let newest = code_of(db.clone()).await;
        assert_eq!(db.verify_sign_in_code("x@example.org", &newest, t + 4).await.unwrap(), CodeCheck::Ok);
    }
}

#[tokio::test]
async fn staff_are_warned_once_before_a_deadline_and_when_it_passes() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let smtp = SmtpCapture::start();
        let w = worker(&app.db, Some(&smtp.url()), RetryPolicy::default()).await;
        add_user(&app, "dc1@dg.gov.cn", Role::TownStaff, Some("dongcheng")).await;
        add_user(&app, "hm1@dg.gov.cn", Role::TownStaff, Some("humen")).await;
        let (soon, soon_no, _) = submit_wish(&app, "dongcheng", "", "zh-Hans").await;
        let (late, late_no, _) = submit_wish(&app, "dongcheng", "", "zh-Hans").await;
        let (answered, _, _) = submit_wish(&app, "dongcheng", "", "zh-Hans").await;
        w.deliver_due(store::now(), 100).await.unwrap(); // the three "new item" mails
        let before = smtp.mails().len();
        assert_eq!(before, 3, "{b}");

        // Reply deadlines: one within its last 4 hours since a moment ago, one passed a moment ago,
        // one passed but already answered.
        let t = store::now();
        let set_due = |id: i64, due: i64| {
            let db = app.db.clone();
            async move {
                sqlx::query("UPDATE items SET acceptance_due_at = $1 WHERE id = $2")
                    .bind(due)
                    .bind(id)
                    .execute(&db.pool)
                    .await
                    .unwrap();
            }
        };
        set_due(soon, t + domain::mail::deadlines::REPLY_DUE_SOON_SECS - 30).await;
        set_due(late, t - 30).await;
        set_due(answered, t - 30).await;
        act(&app, answered, Action::Accept { plan: "已安排".into() }).await;
        assert_eq!(app.db.queue_deadline_mails(t - 60, t).await.unwrap(), 2, "{b}");
        assert_eq!(app.db.queue_deadline_mails(t - 120, t).await.unwrap(), 0, "{b}: an overlapping scan adds nothing");
        w.deliver_due(store::now(), 100).await.unwrap();
        let new: Vec<_> = smtp.mails()[before..].to_vec();
        let subjects: Vec<&str> = new.iter().map(|m| m.subject.as_str()).collect();
        assert_eq!(subjects.len(), 2, "{b}: {subjects:?}");
        assert!(subjects.contains(&format!("【即将到期】{soon_no}").as_str()), "{b}: {subjects:?}");
        assert!(subjects.contains(&format!("【已逾期】{late_no}").as_str()), "{b}: {subjects:?}");
        assert!(new.iter().all(|m| m.to == ["dc1@dg.gov.cn"] && m.text.contains("受理回复")), "{b}");
    }
}

#[tokio::test]
async fn two_servers_on_one_database_share_sessions_and_limits_and_send_each_mail_once() {
    let exe = env!("CARGO_BIN_EXE_server");
    for b in backends() {
        let url = support::fresh_url(b).await;
        let db = store::Db::connect(&url).await.unwrap();
        const N: usize = 300;
        for n in 0..N {
            let m = MailRequest {
                kind: MailKind::OperatorTest,
                to: format!("op{n}@example.org"),
                lang: "zh-Hant".into(),
                item_id: None,
                params: MailParams::default(),
                dedupe_key: None,
            };
            db.queue_mail(&m, store::now()).await.unwrap();
        }
        let dc = store::NewStaffUser {
            email: "dc1@dg.gov.cn".into(),
            name: "东城的阿明".into(),
            role: Role::TownStaff,
            town_slug: Some("dongcheng".into()),
            community_id: None,
            password: PASSWORD.into(),
        };
        db.create_staff_user(&dc, store::now()).await.unwrap();
        let smtp = SmtpCapture::start_on(free_port(), 2);
        let ports = [free_port(), free_port()];
        let servers: Vec<support::Running> = ports
            .iter()
            .map(|p| {
                support::Running(
                    std::process::Command::new(exe)
                        .env("DATABASE_URL", &url)
                        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{p}"))
                        .env("SMTP_URL", smtp.url())
                        .env("RUST_LOG", "warn")
                        // As behind a load balancer on this machine: it tells the client's address.
                        .env("TRUSTED_PROXIES", "127.0.0.1")
                        .stdout(std::process::Stdio::null())
                        .stderr(std::process::Stdio::null())
                        .spawn()
                        .unwrap(),
                )
            })
            .collect();
        let base = |i: usize| format!("http://127.0.0.1:{}", ports[i]);
        let http = reqwest::Client::new();
        for i in 0..2 {
            let t = std::time::Instant::now();
            while http.get(format!("{}/healthz", base(i))).send().await.is_err() {
                assert!(t.elapsed().as_secs() < 60, "{b}: server {i} did not start");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
        }

        // A staff session made on the first server works on the second (sessions live in the database).
        let browser =
            reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().unwrap();
        let (status, to, _) = post_with(
            &browser,
            &base(0),
            "/staff/sign-in",
            &[("email", "dc1@dg.gov.cn"), ("password", PASSWORD), ("next", "/staff")],
        )
        .await;
        assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/staff"), "{b}");
        let (status, page) = get_with(&browser, &base(1), "/staff").await;
        assert_eq!(status, StatusCode::OK, "{b}: signed in on the other server too");
        assert!(page.contains("东城的阿明"), "{b}: the page knows who is signed in");

        // Failed look-ups are counted in the database: ten from one client, spread over both servers,
        // and the eleventh is refused on either; another client behind the same proxy, asking for
        // another number, is not affected (the number itself is counted too, see server/tests/abuse.rs).
        let lookup = |i: usize, client: &'static str, number: &'static str| {
            let (http, url) = (http.clone(), format!("{}/track", base(i)));
            async move {
                let form = [("number", number), ("phone4", "0000")];
                let r = http.post(url).header("x-forwarded-for", client).form(&form).send().await.unwrap();
                r.text().await.unwrap()
            }
        };
        for n in 0..10 {
            assert!(
                lookup(n % 2, "198.51.100.9", "W-2026-999999").await.contains("没有找到对应的诉求"),
                "{b}: try {n}"
            );
        }
        assert!(
            lookup(0, "198.51.100.9", "W-2026-999999").await.contains("尝试次数太多"),
            "{b}: refused on the first server"
        );
        assert!(lookup(1, "198.51.100.9", "W-2026-999998").await.contains("尝试次数太多"), "{b}: and on the second");
        assert!(
            lookup(1, "198.51.100.10", "W-2026-999998").await.contains("没有找到对应的诉求"),
            "{b}: another client may still try"
        );

        // Both workers drain the one outbox; every mail arrives once.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        while smtp.mails().len() < N {
            assert!(std::time::Instant::now() < deadline, "{b}: {} of {N} mails after 120 s", smtp.mails().len());
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        drop(servers);
        let mut ids: Vec<i64> = smtp.mails().iter().map(|m| m.outbox_id()).collect();
        assert_eq!(ids.len(), N, "{b}: nothing extra");
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), N, "{b}: no mail twice");
        let counts: HashMap<String, i64> = db.mail_counts().await.unwrap().into_iter().collect();
        assert_eq!(counts.get("sent"), Some(&(N as i64)), "{b}: {counts:?}");
        let per_instance: Vec<(String, i64)> = sqlx::query_as(
            "SELECT instance, CAST(COUNT(*) AS BIGINT) FROM mail_attempts WHERE ok = 1 GROUP BY instance ORDER BY instance",
        )
        .fetch_all(&db.pool)
        .await
        .unwrap();
        assert_eq!(per_instance.len(), 2, "{b}: both workers sent: {per_instance:?}");
        assert!(per_instance.iter().all(|(_, n)| *n >= 10), "{b}: {per_instance:?}");
    }
}
