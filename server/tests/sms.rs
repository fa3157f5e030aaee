//! Texts through a real SMS gateway: Kannel's bearerbox and smsbox on 127.0.0.1 with Kannel's own
//! fakesmsc as the carrier, whose log is what the phones received. On SQLite and PostgreSQL: every
//! event that mails a resident reaches their phone in their language; long texts go in counted parts;
//! delivery reports come back signed and are recorded; the gateway down then up loses and doubles
//! nothing; a server killed mid-send sends no text twice; "my items" by a code texted to the phone
//! (wrong, expired, reused codes); the limits that keep the code form from bombing a phone.

mod support;

use domain::lifecycle::{Action, Actor};
use domain::Rating;
use reqwest::StatusCode;
use std::collections::HashMap;
use store::{By, CodeCheck, RetryPolicy};
use support::{
    add_user, backends, eventually, free_port, get_with, post_with, signed_in, six_digits, sms_worker,
    submit_wish_with, KannelGateway, TestApp,
};

fn staff() -> By {
    By { actor: Actor::Staff, label: "张三".into(), staff_id: None, remote_addr: "127.0.0.1".into() }
}

async fn act(app: &TestApp, id: i64, action: Action) {
    let r = app.db.act_by(id, None, &staff(), &action, store::now()).await;
    r.unwrap_or_else(|e| panic!("{}: {e:?}", action.code()));
}

/// A phone number of its own for each backend, so two runs never read each other's texts.
fn phone(b: &str, n: u32) -> String {
    format!("13{}{:08}", if b == "sqlite" { 7 } else { 9 }, n)
}

/// The short link in a text (`https://portal.test/s/CODE`) as a path.
fn short_path(text: &str) -> String {
    let at = text.find("https://portal.test/s/").expect("a short link");
    text[at + "https://portal.test".len()..].chars().take(3 + domain::sms::short_link::LEN).collect()
}

/// Waits for `n` texts to `to` at the carrier.
async fn texts_for(k: &KannelGateway, to: &str, n: usize) -> Vec<support::CarrierText> {
    let arrived = eventually(20, || async { k.received_by(to).len() >= n }).await;
    let got = k.received_by(to);
    assert!(arrived, "{n} texts for {to}; the carrier has {got:?}");
    got
}

#[tokio::test]
async fn every_event_that_mails_a_resident_reaches_their_phone_in_their_language() {
    let k = KannelGateway::start();
    for b in backends() {
        let app = TestApp::on(b).with_sms(&k.url()).start().await;
        let w = sms_worker(&app, &k.url(), RetryPolicy::default()).await;
        let (p1, p2, p3) = (phone(b, 1), phone(b, 2), phone(b, 3));

        // Simplified Chinese, no email: the phone still hears every step.
        let (id, number, token) = submit_wish_with(&app, "dongcheng", &p1, "", "zh-Hans").await;
        act(&app, id, Action::Accept { plan: "村委会本周上门".into() }).await;
        act(&app, id, Action::Publish { text: "一位独居老人需要一台轮椅".into() }).await;
        act(&app, id, Action::Note { text: "内部备注".into(), public: false }).await;
        act(&app, id, Action::RecordFulfilment { note: "志愿者已送达".into() }).await;
        act(&app, id, Action::GiveFeedback { message: "轮椅已送到".into() }).await;
        let rate = Action::Rate { rating: Rating::Unsatisfied, comment: String::new(), aware: Some(true) };
        app.db.act(id, None, Actor::Resident, "", &rate, store::now()).await.unwrap();
        app.db.act(id, None, Actor::Resident, "", &Action::RequestReopen, store::now()).await.unwrap();
        let r = w.deliver_due(store::now(), 100).await.unwrap();
        assert_eq!((r.sent, r.retrying, r.parked), (6, 0, 0), "{b}");
        let got = texts_for(&k, &p1, 6).await;
        let words: Vec<&str> = got.iter().map(|t| t.text.as_str()).collect();
        let expect = [
            format!("微心愿{number}已收到，24小时内答复"),
            format!("您的微心愿{number}已由东城街道受理"),
            format!("您的微心愿{number}有新进展：已上心愿墙"),
            format!("您的微心愿{number}有新进展：心愿已实现"),
            format!("您的微心愿{number}已有办理结果，请查看并评价"),
            format!("您的微心愿{number}已退回东城街道重新办理"),
        ];
        // The outcome and the reopen are distinct steps; the internal note sent nothing.
        for e in &expect {
            assert!(words.iter().any(|t| t.contains(e.as_str())), "{b}: {e} in {words:#?}");
        }
        for t in &got {
            assert!(t.text.starts_with("【民生大莞家】"), "{b}: signed: {}", t.text);
            assert_eq!(t.from, "10690769", "{b}: the sender id");
            assert!(!t.text.contains("王小明") && !t.text.contains("轮椅"), "{b}: no names, no titles: {}", t.text);
        }
        // Each text's short link leads to the resident's tracking page.
        let (status, to) = app.get(&short_path(words[0])).await;
        assert_eq!((status, to), (StatusCode::SEE_OTHER, format!("/t/{token}")), "{b}");
        let (status, _) = app.get("/s/ZZZZZZZZZZ").await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{b}: an unknown short link");
        // The parts the outbox recorded are the parts the carrier received.
        let recorded: Vec<i64> =
            sqlx::query_scalar("SELECT segments FROM mail_outbox WHERE channel = 'sms' AND to_addr = $1 ORDER BY id")
                .bind(&p1)
                .fetch_all(&app.db.pool)
                .await
                .unwrap();
        let mut carrier: Vec<i64> = got.iter().map(|t| t.parts as i64).collect();
        let mut sorted = recorded.clone();
        sorted.sort();
        carrier.sort();
        assert_eq!(sorted, carrier, "{b}");
        assert!(recorded.iter().all(|p| *p >= 1 && *p <= 3), "{b}: {recorded:?}");

        // Traditional Chinese with an email: the decline reaches both, the text in 繁體.
        let (id2, number2, _) = submit_wish_with(&app, "humen", &p2, "chan@example.hk", "zh-Hant").await;
        act(&app, id2, Action::Decline { reason: "不屬於微心願範圍".into() }).await;
        w.deliver_due(store::now(), 100).await.unwrap();
        let got = texts_for(&k, &p2, 2).await;
        assert!(got[0].text.contains(&format!("微心願{number2}已收到")), "{b}: {}", got[0].text);
        assert!(got[1].text.contains(&format!("您的微心願{number2}未予受理，原因請看")), "{b}: {}", got[1].text);
        assert!(!got[1].text.contains("不屬於"), "{b}: staff words stay behind the link");

        // English, and a town's staff member who chose texts for new items.
        let worker_id = add_user(&app, "hm@dg.gov.cn", domain::Role::TownStaff, Some("humen")).await;
        let staff_phone = phone(b, 9);
        app.db.request_staff_phone_code(worker_id, &staff_phone, store::now()).await.unwrap();
        w.deliver_due(store::now(), 100).await.unwrap();
        let code = six_digits(&texts_for(&k, &staff_phone, 1).await[0].text);
        assert_eq!(
            app.db.verify_staff_phone(worker_id, &staff_phone, &code, store::now()).await.unwrap(),
            CodeCheck::Ok
        );
        let (_, number3, _) = submit_wish_with(&app, "humen", &p3, "", "en").await;
        w.deliver_due(store::now(), 100).await.unwrap();
        let got = texts_for(&k, &p3, 1).await;
        assert!(got[0].text.starts_with(&format!("【民生大莞家】Your wish {number3} is in")), "{b}: {}", got[0].text);
        let got = texts_for(&k, &staff_phone, 2).await;
        assert!(got[1].text.contains(&format!("虎门镇新诉求{number3}")), "{b}: {}", got[1].text);
        assert_eq!(short_path(&got[1].text).len(), 13);
        let (status, to) = app.get(&short_path(&got[1].text)).await;
        assert_eq!((status, to), (StatusCode::SEE_OTHER, format!("/staff/items/{number3}")), "{b}");
    }
}

#[tokio::test]
async fn a_long_text_goes_in_counted_parts_and_delivery_reports_come_back_signed() {
    let k = KannelGateway::start();
    for b in backends() {
        let app = TestApp::on(b).with_sms(&k.url()).start().await;
        let w = sms_worker(&app, &k.url(), RetryPolicy::default()).await;
        let p = phone(b, 20);
        // English progress news with the preferences link is longer than one UCS-2 message (70).
        let (id, number, _) = submit_wish_with(&app, "dongcheng", &p, "r20@example.org", "en").await;
        act(&app, id, Action::Accept { plan: "plan".into() }).await;
        act(&app, id, Action::Publish { text: "一位独居老人需要一台轮椅".into() }).await;
        w.deliver_due(store::now(), 100).await.unwrap();
        let got = texts_for(&k, &p, 3).await;
        let news = got.iter().find(|t| t.text.contains(&format!("News on {number}"))).expect("progress text");
        let counted = domain::sms::segments(&news.text);
        assert_eq!(counted.encoding, domain::sms::Encoding::Ucs2);
        assert!(counted.parts >= 2, "{b}: {} units", counted.units);
        assert_eq!(news.parts, counted.parts, "{b}: the carrier got the parts we counted");
        assert!(news.text.contains("Stop these: https://portal.test/s/"), "{b}: {}", news.text);

        // Delivery reports: fakesmsc acknowledges (8) then delivers (1); both are kept, the row says
        // delivered.
        let id_of_news: i64 = sqlx::query_scalar(
            "SELECT id FROM mail_outbox WHERE channel = 'sms' AND to_addr = $1 AND kind = 'progress'",
        )
        .bind(&p)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        let delivered = eventually(20, || async {
            app.db
                .mail_list(&["sent"], 50)
                .await
                .unwrap()
                .iter()
                .any(|e| e.id == id_of_news && e.delivery.as_deref() == Some("delivered"))
        })
        .await;
        assert!(delivered, "{b}: the delivery report arrived: {:?}", app.db.sms_reports(id_of_news).await);
        // Kannel reports the carrier's acknowledgement (8) too, in either order with the delivery.
        let both = eventually(20, || async { app.db.sms_reports(id_of_news).await.unwrap().len() >= 2 }).await;
        let mut codes: Vec<i64> = app.db.sms_reports(id_of_news).await.unwrap().iter().map(|r| r.1).collect();
        codes.sort();
        assert!(both && codes == [1, 8], "{b}: {codes:?}");

        // Abuse: a report with a forged signature, or for another row, writes nothing.
        let forged = format!("/sms/report/{id_of_news}/{}?type=2", "0".repeat(64));
        assert_eq!(app.get(&forged).await.0, StatusCode::FORBIDDEN, "{b}");
        let signer = server::sms::ReportSigner::new(support::SMS_REPORT_KEY.as_bytes());
        let other = format!("/sms/report/{}/{}?type=2", id_of_news - 1, signer.sign(id_of_news));
        assert_eq!(app.get(&other).await.0, StatusCode::FORBIDDEN, "{b}: one row's signature on another");
        let before = app.db.sms_reports(id_of_news).await.unwrap().len();
        let mail_row: i64 = sqlx::query_scalar("SELECT id FROM mail_outbox WHERE channel = 'mail' ORDER BY id LIMIT 1")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        let url = signer.report_url("", mail_row);
        assert_eq!(app.get(&format!("{url}?type=1")).await.0, StatusCode::NOT_FOUND, "{b}: a mail has no reports");
        let garbled = signer.report_url("", id_of_news);
        assert_eq!(app.get(&format!("{garbled}?type=x")).await.0, StatusCode::FORBIDDEN, "{b}: unreadable");
        assert_eq!(app.db.sms_reports(id_of_news).await.unwrap().len(), before, "{b}: nothing recorded");
        // A late intermediate report does not undo "delivered".
        let url = signer.report_url("", id_of_news);
        assert_eq!(app.get(&format!("{url}?type=8")).await.0, StatusCode::OK);
        let row = app.db.mail_list(&["sent"], 50).await.unwrap().into_iter().find(|e| e.id == id_of_news).unwrap();
        assert_eq!(row.delivery.as_deref(), Some("delivered"), "{b}");
    }
}

#[tokio::test]
async fn the_gateway_down_then_up_loses_nothing_and_doubles_nothing() {
    let mut k = KannelGateway::start();
    for b in backends() {
        let app = TestApp::start(b).await;
        let policy = RetryPolicy { max_attempts: 5, base_secs: 60, cap_secs: 3600 };
        let w = sms_worker(&app, &k.url(), policy).await;
        k.stop();
        let phones: Vec<String> = (30..33).map(|n| phone(b, n)).collect();
        for p in &phones {
            submit_wish_with(&app, "dongcheng", p, "", "zh-Hans").await;
        }
        let t0 = store::now();
        let r = w.deliver_due(t0, 100).await.unwrap();
        assert_eq!((r.sent, r.retrying), (0, 3), "{b}: the gateway is down");
        assert_eq!(w.deliver_due(t0 + 30, 100).await.unwrap().retrying, 0, "{b}: not before the backoff");

        k.restart();
        let r = w.deliver_due(t0 + 61, 100).await.unwrap();
        assert_eq!(r.sent, 3, "{b}");
        assert_eq!(w.deliver_due(t0 + 10_000, 100).await.unwrap().sent, 0, "{b}: nothing twice");
        for p in &phones {
            texts_for(&k, p, 1).await;
        }
        // Give the gateway a moment to deliver anything it might still hold, then count again.
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        for p in &phones {
            assert_eq!(k.received_by(p).len(), 1, "{b}: exactly one receipt for {p}");
        }
    }
}

#[tokio::test]
async fn wrong_credentials_park_the_text_for_an_admin_at_once() {
    let k = KannelGateway::start();
    for b in backends() {
        let app = TestApp::start(b).await;
        let mut w = sms_worker(&app, &k.url(), RetryPolicy::default()).await;
        // The same gateway with a wrong password: Kannel answers 403, which sending again cannot fix.
        w.sms = std::sync::Arc::new(server::sms::Kannel::new(&k.url(), "portal", "wrong", "10690769").unwrap());
        let p = phone(b, 40);
        submit_wish_with(&app, "dongcheng", &p, "", "zh-Hans").await;
        let r = w.deliver_due(store::now(), 100).await.unwrap();
        assert_eq!((r.sent, r.parked), (0, 1), "{b}");
        let parked = app.db.mail_list(&["parked"], 10).await.unwrap();
        assert_eq!(parked[0].channel, "sms");
        assert!(parked[0].last_error.contains("403"), "{b}: {}", parked[0].last_error);
        assert!(
            !parked[0].last_error.contains(&p) && !parked[0].last_error.contains("wrong"),
            "{b}: no number, no password"
        );
    }
}

#[tokio::test]
async fn residents_see_their_items_with_a_code_texted_to_their_phone() {
    let k = KannelGateway::start();
    for b in backends() {
        let app = TestApp::on(b).with_sms(&k.url()).start().await;
        let w = sms_worker(&app, &k.url(), RetryPolicy::default()).await;
        let p = phone(b, 50);
        let (_, n1, _) = submit_wish_with(&app, "dongcheng", &p, "", "zh-Hans").await;
        let (_, other, _) = submit_wish_with(&app, "humen", &phone(b, 51), "", "zh-Hans").await;
        w.deliver_due(store::now(), 100).await.unwrap();
        texts_for(&k, &p, 1).await;

        let me = app.browser();
        // Typed the way people type it: spaces and the country code.
        let typed = format!("+86 {} {} {}", &p[..3], &p[3..7], &p[7..]);
        let (status, to, _) = post_with(&me, &app.base, "/me/code", &[("email", &typed)]).await;
        assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/me"), "{b}");
        w.deliver_due(store::now(), 100).await.unwrap();
        let got = texts_for(&k, &p, 2).await;
        let code = six_digits(&got[1].text);
        assert_eq!(got[1].text, format!("【民生大莞家】验证码{code}，10分钟内有效，请勿告诉他人。"));
        assert_eq!(got[1].parts, 1);
        let stored: String = sqlx::query_scalar("SELECT params FROM mail_outbox WHERE kind = 'sign_in_code'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        assert_eq!(stored, "{}", "{b}: the code is erased from the outbox once sent");

        let wrong = if code == "000000" { "111111" } else { "000000" };
        let (status, _, page) = post_with(&me, &app.base, "/me/verify", &[("code", wrong)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(page.contains("验证码不对"), "{b}: explained");
        let (status, to, _) = post_with(&me, &app.base, "/me/verify", &[("code", &code)]).await;
        assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/me"), "{b}");
        let (_, page) = get_with(&me, &app.base, "/me").await;
        assert!(page.contains(&n1) && !page.contains(&other), "{b}: their items only");
        // Reused: the code worked once.
        assert_eq!(app.db.verify_sign_in_code(&p, &code, store::now()).await.unwrap(), CodeCheck::Used, "{b}");

        // Expired: ten minutes later a fresh code no longer works.
        app.db.request_sign_in_code(&p, "198.51.100.7", "zh-Hans", store::now()).await.unwrap();
        w.deliver_due(store::now(), 100).await.unwrap();
        let late = six_digits(&texts_for(&k, &p, 3).await[2].text);
        let later = store::now() + domain::mail::code::TTL_SECS + 1;
        assert_eq!(app.db.verify_sign_in_code(&p, &late, later).await.unwrap(), CodeCheck::Expired, "{b}");

        // Not a phone, not an email: said next to the field, what was typed kept.
        let (status, _, page) = post_with(&me, &app.base, "/me/code", &[("email", "0769-2283")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("0769-2283") && page.contains("请填写11位手机号"), "{b}");
    }
}

#[tokio::test]
async fn the_code_form_cannot_bomb_a_phone_or_text_any_number_from_one_client() {
    use domain::mail::code::{PER_ADDRESS, PER_CLIENT};
    let k = KannelGateway::start();
    for b in backends() {
        let app = TestApp::on(b).with_trusted_proxies("127.0.0.1/32").start().await;
        let w = sms_worker(&app, &k.url(), RetryPolicy::default()).await;
        // One phone asked for again and again, each time from another address: PER_ADDRESS codes an
        // hour, then refused next to the field; the phone gets PER_ADDRESS texts, no more.
        let victim = phone(b, 60);
        submit_wish_with(&app, "dongcheng", &victim, "", "zh-Hans").await;
        let mut made = 0;
        for n in 0..(PER_ADDRESS + 3) {
            let r = app
                .browser()
                .post(format!("{}/me/code", app.base))
                .header("x-forwarded-for", format!("198.51.100.{}", n + 1))
                .form(&[("email", victim.as_str())])
                .send()
                .await
                .unwrap();
            match r.status() {
                StatusCode::SEE_OTHER => made += 1,
                s => {
                    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{b}");
                    let page = r.text().await.unwrap();
                    assert!(page.contains("验证码发送太频繁") && page.contains(&victim), "{b}: explained, kept");
                }
            }
        }
        assert_eq!(made, PER_ADDRESS, "{b}");
        w.deliver_due(store::now(), 100).await.unwrap();
        texts_for(&k, &victim, 1 + PER_ADDRESS as usize).await;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert_eq!(k.received_by(&victim).len() as i64, 1 + PER_ADDRESS, "{b}: the receipt and {PER_ADDRESS} codes");

        // One client walking through numbers: PER_CLIENT codes an hour, then refused.
        let mut made_by_client = 0;
        for n in 0..(PER_CLIENT + 3) {
            let r = app
                .http
                .post(format!("{}/me/code", app.base))
                .header("x-forwarded-for", "192.0.2.99")
                .form(&[("email", phone(b, 100 + n as u32).as_str())])
                .send()
                .await
                .unwrap();
            if r.status() == StatusCode::SEE_OTHER {
                made_by_client += 1;
            }
        }
        assert_eq!(made_by_client, PER_CLIENT, "{b}");
    }
}

#[tokio::test]
async fn a_server_killed_while_sending_texts_sends_none_twice() {
    let exe = env!("CARGO_BIN_EXE_server");
    let k = KannelGateway::start();
    for b in backends() {
        let url = support::fresh_url(b).await;
        let db = store::Db::connect(&url).await.unwrap();
        const N: u32 = 120;
        // One operator test text to each of N numbers: the carrier's log tells each apart.
        let numbers: Vec<String> = (0..N).map(|n| phone(b, 1000 + n)).collect();
        for to in &numbers {
            let m = store::MailRequest {
                kind: domain::mail::MailKind::OperatorTest,
                to: to.clone(),
                lang: "zh-Hans".into(),
                item_id: None,
                params: store::MailParams::default(),
                dedupe_key: None,
            };
            db.queue_mail(&m, store::now()).await.unwrap();
        }
        let received = || numbers.iter().map(|n| k.received_by(n).len()).sum::<usize>();
        let start = || {
            support::Running(
                std::process::Command::new(exe)
                    .env("DATABASE_URL", &url)
                    .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{}", free_port()))
                    .env("SMS_URL", k.url())
                    .env("SMS_PASSWORD", KannelGateway::PASSWORD)
                    .env("MAIL_LEASE_SECS", "2")
                    .env("RUST_LOG", "warn")
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn()
                    .unwrap(),
            )
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
        let server = start();
        while received() < (N / 3) as usize {
            assert!(std::time::Instant::now() < deadline, "{b}: timed out waiting for the first texts");
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        drop(server); // SIGKILL, mid-batch
        let server = start();
        loop {
            let c: HashMap<String, i64> = db.mail_counts().await.unwrap().into_iter().collect();
            if c.get("queued").copied().unwrap_or(0) + c.get("sending").copied().unwrap_or(0) == 0 {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "{b}: the outbox did not drain: {c:?}");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        drop(server);
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let counts: HashMap<String, i64> = db.mail_counts().await.unwrap().into_iter().collect();
        let (sent, uncertain) =
            (counts.get("sent").copied().unwrap_or(0), counts.get("uncertain").copied().unwrap_or(0));
        assert!(uncertain <= 1, "{b}: at most the text in flight is uncertain ({uncertain})");
        assert_eq!(sent + uncertain, N as i64, "{b}: {counts:?}");
        for n in &numbers {
            assert!(k.received_by(n).len() <= 1, "{b}: {n} got a text twice");
        }
        let got = received() as i64;
        assert!(got >= sent && got <= sent + uncertain, "{b}: {got} received, {counts:?}");
    }
}

#[tokio::test]
async fn without_a_gateway_texts_are_files_beside_the_mails_and_the_admin_page_says_so() {
    for b in backends() {
        let app = TestApp::start(b).await;
        let w = support::worker(&app.db, None, RetryPolicy::default()).await;
        let p = phone(b, 70);
        let (_, number, _) = submit_wish_with(&app, "dongcheng", &p, "", "zh-Hans").await;
        assert_eq!(w.deliver_due(store::now(), 100).await.unwrap().sent, 1, "{b}: the receipt's text");
        let id: i64 = sqlx::query_scalar("SELECT id FROM mail_outbox WHERE to_addr = $1")
            .bind(&p)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
        let file = std::path::Path::new(&w.sms.describe()).join(format!("{id:08}.sms.txt"));
        let written = std::fs::read_to_string(&file).unwrap();
        assert!(written.starts_with(&format!("To: {p}\nSegments: ")), "{b}: {written}");
        assert!(written.contains(&format!("【民生大莞家】微心愿{number}已收到")), "{b}: {written}");
        add_user(&app, "admin@dg.gov.cn", domain::Role::Admin, None).await;
        let admin = signed_in(&app, "admin@dg.gov.cn").await;
        let (status, page) = get_with(&admin, &app.base, "/staff/admin").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("没有设置短信网关"), "{b}: the page says texts are files");
    }
}

#[tokio::test]
async fn staff_prove_a_phone_on_their_page_then_get_new_items_by_text_until_they_turn_it_off() {
    let k = KannelGateway::start();
    for b in backends() {
        let app = TestApp::on(b).with_sms(&k.url()).start().await;
        let w = sms_worker(&app, &k.url(), RetryPolicy::default()).await;
        let id = add_user(&app, "hm2@dg.gov.cn", domain::Role::TownStaff, Some("humen")).await;
        let (p, resident) = (phone(b, 80), phone(b, 81));
        // Nobody signed in: no texts set up for anyone.
        let (status, _, _) = post_with(&app.http, &app.base, "/staff/texts", &[("step", "send"), ("phone", &p)]).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{b}");
        assert!(app.db.mail_list(&["queued"], 10).await.unwrap().is_empty(), "{b}: nothing queued");

        // A leader acts on no item and gets no notices: no text alerts to set up.
        add_user(&app, "lead@dg.gov.cn", domain::Role::Leader, None).await;
        let lead = signed_in(&app, "lead@dg.gov.cn").await;
        let (_, page) = get_with(&lead, &app.base, "/staff/password").await;
        assert!(page.contains("修改密码") && !page.contains("短信提醒"), "{b}: no section");
        let (_, page) = get_with(&lead, &app.base, "/dashboard").await;
        assert!(page.contains("修改密码") && !page.contains("/staff/password#texts"), "{b}: no link in the bar");
        let (status, _, _) = post_with(&lead, &app.base, "/staff/texts", &[("step", "send"), ("phone", &p)]).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{b}");

        let c = signed_in(&app, "hm2@dg.gov.cn").await;
        let (status, page) = get_with(&c, &app.base, "/staff/password").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("短信提醒未开启"), "{b}");
        let (_, inbox) = get_with(&c, &app.base, "/staff").await;
        assert!(inbox.contains("href=\"/staff/password#texts\""), "{b}: the bar links the section");
        // A number that is not a mobile: said next to the field, kept.
        let (status, _, page) =
            post_with(&c, &app.base, "/staff/texts", &[("step", "send"), ("phone", "2283 1234")]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(page.contains("请填写11位手机号") && page.contains("2283 1234"), "{b}");

        let (status, to, _) = post_with(&c, &app.base, "/staff/texts", &[("step", "send"), ("phone", &p)]).await;
        assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/staff/password?done=code_sent#texts"), "{b}");
        w.deliver_due(store::now(), 100).await.unwrap();
        let code = six_digits(&texts_for(&k, &p, 1).await[0].text);
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let (status, _, page) = post_with(&c, &app.base, "/staff/texts", &[("step", "verify"), ("code", wrong)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(page.contains("验证码不对"), "{b}");
        let (status, to, _) = post_with(&c, &app.base, "/staff/texts", &[("step", "verify"), ("code", &code)]).await;
        assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/staff/password?done=texts_on#texts"), "{b}");
        let (_, page) = get_with(&c, &app.base, "/staff/password?done=texts_on").await;
        let masked = domain::mask::mask_phone(&p);
        assert!(page.contains("短信提醒已开启") && page.contains(&masked) && !page.contains(&p), "{b}: masked");

        let (_, number, _) = submit_wish_with(&app, "humen", &resident, "", "zh-Hans").await;
        w.deliver_due(store::now(), 100).await.unwrap();
        let got = texts_for(&k, &p, 2).await;
        assert!(got[1].text.contains(&format!("虎门镇新诉求{number}")), "{b}: {}", got[1].text);

        let (status, to, _) = post_with(&c, &app.base, "/staff/texts", &[("step", "off")]).await;
        assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/staff/password?done=texts_off#texts"), "{b}");
        assert_eq!(app.db.staff_sms(id).await.unwrap(), (None, false), "{b}: the number is forgotten");
        submit_wish_with(&app, "humen", &resident, "", "zh-Hans").await;
        w.deliver_due(store::now(), 100).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        assert_eq!(k.received_by(&p).len(), 2, "{b}: no text after turning them off");
        // The audit log says what happened, without the number.
        let audit: Vec<(String, String)> = sqlx::query_as(
            "SELECT action, detail FROM audit_log WHERE user_id = $1 AND action LIKE 'staff_%' ORDER BY id",
        )
        .bind(id)
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
        let actions: Vec<&str> = audit.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(actions, ["staff_phone_code", "staff_texts_on", "staff_texts_off"], "{b}");
        assert!(audit.iter().all(|(_, d)| !d.contains(&p)), "{b}: {audit:?}");
    }
}

#[tokio::test]
async fn merged_extended_rectified_supervised_and_deadline_texts_reach_the_phones_too() {
    use domain::mail::deadlines::REPLY_DUE_SOON_SECS;
    let k = KannelGateway::start();
    for b in backends() {
        let app = TestApp::on(b).with_sms(&k.url()).start().await;
        let w = sms_worker(&app, &k.url(), RetryPolicy::default()).await;
        let staff_id = add_user(&app, "hm3@dg.gov.cn", domain::Role::TownStaff, Some("humen")).await;
        let (staff_phone, p1, p2, p3) = (phone(b, 90), phone(b, 91), phone(b, 92), phone(b, 93));
        app.db.request_staff_phone_code(staff_id, &staff_phone, store::now()).await.unwrap();
        w.deliver_due(store::now(), 100).await.unwrap();
        let code = six_digits(&texts_for(&k, &staff_phone, 1).await[0].text);
        assert_eq!(
            app.db.verify_staff_phone(staff_id, &staff_phone, &code, store::now()).await.unwrap(),
            CodeCheck::Ok
        );

        // Extended, then rectified after a bad rating (Traditional Chinese).
        let (id, number, token) = submit_wish_with(&app, "humen", &p1, "", "zh-Hant").await;
        act(&app, id, Action::Accept { plan: "上門核實".into() }).await;
        // Supervised by the city: the town's staff hear by text.
        act(&app, id, Action::Supervise { note: "請盡快辦理".into() }).await;
        let due = app.db.item_by_token(&token).await.unwrap().unwrap().feedback_due_at;
        let until = due + 2 * 86_400;
        act(&app, id, Action::RequestExtension { until, reason: "需要採購".into() }).await;
        act(&app, id, Action::ApproveExtension { until }).await;
        act(&app, id, Action::Publish { text: "一位獨居老人需要一台輪椅".into() }).await;
        act(&app, id, Action::RecordFulfilment { note: "志願者已送達".into() }).await;
        act(&app, id, Action::GiveFeedback { message: "已送達".into() }).await;
        let rate = Action::Rate { rating: Rating::Unsatisfied, comment: String::new(), aware: Some(true) };
        app.db.act(id, None, Actor::Resident, "", &rate, store::now()).await.unwrap();
        act(&app, id, Action::Rectify { note: "已上門整改".into() }).await;
        w.deliver_due(store::now(), 100).await.unwrap();
        // Receipt, accepted, extended, published, fulfilled, outcome, rectified.
        let got = texts_for(&k, &p1, 7).await;
        let date = domain::Date::from_timestamp(until).to_string();
        let words: Vec<&str> = got.iter().map(|t| t.text.as_str()).collect();
        assert!(
            words.iter().any(|t| t.contains(&format!("您的微心願{number}經市級同意延期，{date}前答覆"))),
            "{b}: {words:#?}"
        );
        assert!(
            words.iter().any(|t| t.contains(&format!("虎門鎮已就您的微心願{number}整改，請評價"))),
            "{b}: {words:#?}"
        );
        let staff_texts = texts_for(&k, &staff_phone, 3).await;
        assert!(staff_texts.iter().any(|t| t.text.contains(&format!("{number}被市级督办"))), "{b}: {staff_texts:#?}");

        // Merged into another request (English).
        let (id2, number2, _) = submit_wish_with(&app, "humen", &p2, "", "en").await;
        act(&app, id2, Action::MarkDuplicate { of_number: number.clone() }).await;
        w.deliver_due(store::now(), 100).await.unwrap();
        let got = texts_for(&k, &p2, 2).await;
        assert!(
            got[1].text.contains(&format!("Your wish {number2} is handled with the same request")),
            "{b}: {}",
            got[1].text
        );

        // Deadline warnings to the staff member's phone: the acceptance reply soon due, then overdue.
        let (_, number3, token3) = submit_wish_with(&app, "humen", &p3, "", "zh-Hans").await;
        let due = app.db.item_by_token(&token3).await.unwrap().unwrap().facts.acceptance_due_at;
        assert_eq!(
            app.db.queue_deadline_mails(due - REPLY_DUE_SOON_SECS - 1, due - REPLY_DUE_SOON_SECS).await.unwrap(),
            2
        );
        assert_eq!(app.db.queue_deadline_mails(due - 1, due).await.unwrap(), 2, "{b}: by mail and by text");
        // The warnings are queued at their moment (the scan's end), a day ahead here.
        w.deliver_due(due + 1, 100).await.unwrap();
        let before = staff_texts.len();
        let staff_texts = texts_for(&k, &staff_phone, before + 3).await;
        let warn = |s: &str| staff_texts.iter().any(|t| t.text.contains(&format!("{number3}的受理回复{s}")));
        assert!(warn("将于") && warn("已于"), "{b}: {staff_texts:#?}");

        // A donor who claims with a mobile gets their private link by text.
        let (id4, number4, _) = submit_wish_with(&app, "humen", &phone(b, 94), "", "zh-Hans").await;
        act(&app, id4, Action::Accept { plan: "核实属实".into() }).await;
        act(&app, id4, Action::Publish { text: "一位老人需要一台轮椅".into() }).await;
        let donor = phone(b, 95);
        let form = [("donor_kind", "person"), ("donor_name", "李先生"), ("contact", donor.as_str()), ("consent", "on")];
        let (status, _, body) = post_with(&app.http, &app.base, &format!("/wishes/{number4}/claim"), &form).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}: {body:.300}");
        w.deliver_due(store::now(), 100).await.unwrap();
        let got = texts_for(&k, &donor, 1).await;
        assert!(got[0].text.contains(&format!("感谢认领微心愿{number4}，为您保留到")), "{b}: {}", got[0].text);
        let (status, to) = app.get(&short_path(&got[0].text)).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{b}");
        assert!(to.starts_with("/c/"), "{b}: the donor's private page, {to}");
    }
}

#[tokio::test]
async fn a_resident_gives_a_project_voice_with_a_texted_code_and_hears_the_decision_by_text() {
    let k = KannelGateway::start();
    for b in backends() {
        let app = TestApp::on(b).with_sms(&k.url()).start().await;
        let w = sms_worker(&app, &k.url(), RetryPolicy::default()).await;
        let key = store::new_token();
        let item = support::propose_project(&app, &key, "修复村口路灯", &phone(b, 110), "").await;
        act(&app, item.id, Action::Accept { plan: "符合条件".into() }).await;
        act(&app, item.id, Action::StartNotice { days: 7 }).await;

        // A neighbour proves a mobile on the project page: the code comes by text.
        let page = format!("/projects/{}", item.number);
        let voter = phone(b, 111);
        let v = app.browser();
        let (status, to, _) = post_with(&v, &app.base, &format!("{page}/code"), &[("email", &voter)]).await;
        assert_eq!((status, to), (StatusCode::SEE_OTHER, format!("{page}#voice")), "{b}");
        w.deliver_due(store::now(), 100).await.unwrap();
        let code = six_digits(&texts_for(&k, &voter, 1).await[0].text);
        let (status, to, _) = post_with(&v, &app.base, &format!("{page}/verify"), &[("code", &code)]).await;
        assert_eq!((status, to), (StatusCode::SEE_OTHER, format!("{page}#voice")), "{b}");
        let (status, to, _) = post_with(&v, &app.base, &format!("{page}/voice"), &[("stance", "support")]).await;
        assert_eq!((status, to), (StatusCode::SEE_OTHER, format!("{page}?voiced=1#voice")), "{b}");

        // The notice ends (moved eight days back) and the town adopts the project: the supporter hears
        // it by text, with a short link to the public project page.
        sqlx::query("UPDATE item_events SET at = at - $1 WHERE item_id = $2 AND action = 'start_notice'")
            .bind(8 * 86_400_i64)
            .bind(item.id)
            .execute(&app.db.pool)
            .await
            .unwrap();
        act(&app, item.id, Action::Approve { budget_yuan: 75_000, plan: "年内完成".into() }).await;
        w.deliver_due(store::now(), 100).await.unwrap();
        let got = texts_for(&k, &voter, 2).await;
        let news = format!("您表过态的微实事{}有新进展：已立项", item.number);
        assert!(got[1].text.contains(&news), "{b}: {}", got[1].text);
        let (status, to) = app.get(&short_path(&got[1].text)).await;
        assert_eq!((status, to), (StatusCode::SEE_OTHER, page.clone()), "{b}");
    }
}
