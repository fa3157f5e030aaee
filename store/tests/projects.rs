//! The micro-project board and residents' voices on both databases: which stage a project is shown
//! in, with its closing date, budget and progress; one voice per verified address (also when the
//! same address posts twice at once), none after the notice, and the limit per client address.

use domain::lifecycle::{Action, Actor};
use domain::voices::{self, Stance, ValidVoice};
use domain::{Kind, Status};
use store::testing as common;
use store::{BoardQuery, BoardStage, Db, NewItem, VoiceOutcome};

const T0: i64 = 1_790_000_000; // 2026-09-21
const DAY: i64 = 86_400;

fn project(title: &str, town: &str) -> NewItem {
    NewItem {
        kind: Kind::Project,
        category: "roads_lighting".into(),
        title: title.into(),
        description: "村口主路多盏路灯损坏，联系人 13812341234".into(),
        location: "村口".into(),
        amount_yuan: 80_000,
        urgent: false,
        submitted_by: "self".into(),
        helper_org: None,
        contact_name: "李华明".into(),
        contact_phone: "13812341234".into(),
        contact_email: Some("lihua@example.org".into()),
        lang: "zh-Hans".into(),
        town_slug: Some(town.into()),
        community_id: None,
        place_text: None,
        beneficiary: None,
        submission_key: None,
        submitted_at: T0,
        acceptance_due_at: T0 + DAY,
        feedback_due_at: T0 + 30 * DAY,
        sign_due_at: None,
        return_due_at: None,
    }
}

/// A project accepted and put under public notice for `days` at `T0 + 100`.
async fn under_notice(db: &Db, title: &str, town: &str, days: u32) -> (i64, String) {
    let c = db.create_item(&project(title, town)).await.unwrap();
    db.act(c.id, None, Actor::Staff, "s", &Action::Accept { plan: "可行".into() }, T0 + 60).await.unwrap();
    db.act(c.id, None, Actor::Staff, "s", &Action::StartNotice { days }, T0 + 100).await.unwrap();
    (c.id, c.number)
}

fn board(stage: BoardStage, town: Option<&str>) -> BoardQuery {
    BoardQuery { stage, town: town.map(str::to_string), limit: 50, offset: 0 }
}

fn support() -> ValidVoice {
    ValidVoice { stance: Stance::Support, reason: String::new() }
}

#[tokio::test]
async fn a_project_moves_from_notice_to_adopted_to_done_with_its_closing_date_budget_and_progress() {
    for b in common::backends() {
        let db = common::fresh(b).await;
        // Accepted but not yet under notice: not on the board.
        let hidden = db.create_item(&project("修排水沟", "humen")).await.unwrap();
        db.act(hidden.id, None, Actor::Staff, "s", &Action::Accept { plan: "可行".into() }, T0 + 60).await.unwrap();
        assert!(db.board_project(&hidden.number).await.unwrap().is_none(), "{b}");

        let (id, number) = under_notice(&db, "修复村口路灯", "humen", 7).await;
        under_notice(&db, "增设休闲座椅", "guancheng", 10).await;
        let (all, total) = db.project_board(&board(BoardStage::Notice, None)).await.unwrap();
        assert_eq!(total, 2, "{b}");
        assert_eq!(all[0].number, number, "{b}: the notice closing soonest comes first");
        assert_eq!(all[0].notice_ends_at, Some(T0 + 100 + 7 * DAY), "{b}");
        assert!(!all[0].summary.contains("13812341234"), "{b}: digit runs hidden: {}", all[0].summary);
        let (humen, total) = db.project_board(&board(BoardStage::Notice, Some("humen"))).await.unwrap();
        assert_eq!((total, humen.len()), (1, 1), "{b}: the town filter");

        db.act(
            id,
            None,
            Actor::Staff,
            "s",
            &Action::Approve { budget_yuan: 75_000, plan: "年内完成".into() },
            T0 + 8 * DAY,
        )
        .await
        .unwrap();
        db.act(id, None, Actor::Staff, "s", &Action::StartWork, T0 + 9 * DAY).await.unwrap();
        db.act(id, None, Actor::Staff, "s", &Action::Progress { percent: 40, note: "灯杆已到".into() }, T0 + 10 * DAY)
            .await
            .unwrap();
        let (adopted, _) = db.project_board(&board(BoardStage::Adopted, None)).await.unwrap();
        assert_eq!(adopted.len(), 1, "{b}");
        assert_eq!(
            (adopted[0].status, adopted[0].budget_yuan, adopted[0].progress_percent),
            (Status::InProgress, Some(75_000), 40),
            "{b}"
        );
        db.act(id, None, Actor::Staff, "s", &Action::Complete { inspection: "验收合格".into() }, T0 + 20 * DAY)
            .await
            .unwrap();
        let (done, _) = db.project_board(&board(BoardStage::Done, None)).await.unwrap();
        assert_eq!(done.iter().map(|p| p.number.as_str()).collect::<Vec<_>>(), vec![number.as_str()], "{b}");
        let (p, events) = db.board_project(&number).await.unwrap().unwrap();
        assert_eq!(p.status, Status::Completed, "{b}");
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert!(actions.ends_with(&["approve", "start_work", "progress", "complete"]), "{b}: {actions:?}");
        assert_eq!(events.last().unwrap().body, "验收合格", "{b}: the inspection record");
    }
}

#[tokio::test]
async fn each_verified_address_gives_one_voice_while_the_notice_runs_and_a_client_is_limited() {
    for b in common::backends() {
        let db = common::fresh(b).await;
        let (id, number) = under_notice(&db, "修复村口路灯", "humen", 7).await;
        let at = T0 + DAY;
        let give = |voter: &'static str, v: ValidVoice, client: &'static str, at: i64| {
            let (db, number) = (db.clone(), number.clone());
            async move { db.give_voice(&number, voter, &v, client, "zh-Hans", at).await.unwrap() }
        };
        assert_eq!(give("a@example.org", support(), "c1", at).await, VoiceOutcome::Recorded, "{b}");
        // The same address again, written differently: already counted, nothing changes.
        let again =
            give(" A@Example.org ", voices::validate_voice("objection", "选址离学校太近").unwrap(), "c2", at).await;
        assert!(matches!(again, VoiceOutcome::Already(ref v) if v.stance == Stance::Support), "{b}: {again:?}");
        let objection = voices::validate_voice("objection", "选址离学校太近").unwrap();
        assert_eq!(give("b@example.org", objection, "c1", at + 5).await, VoiceOutcome::Recorded, "{b}");

        // One address in two tabs at the same moment: one voice.
        let (r1, r2) =
            tokio::join!(give("c@example.org", support(), "c3", at), give("c@example.org", support(), "c3", at));
        let recorded = [&r1, &r2].iter().filter(|r| ***r == VoiceOutcome::Recorded).count();
        assert_eq!(recorded, 1, "{b}: {r1:?} {r2:?}");

        let (p, _) = db.board_project(&number).await.unwrap().unwrap();
        assert_eq!((p.supports, p.objections), (2, 1), "{b}");
        let all = db.voices_of_item(id).await.unwrap();
        assert_eq!(all.len(), 3, "{b}");
        let reasons: Vec<&str> =
            all.iter().filter(|v| v.stance == Stance::Objection).map(|v| v.reason.as_str()).collect();
        assert_eq!(reasons, vec!["选址离学校太近"], "{b}: staff read the reason");
        assert!(all.windows(2).all(|w| w[0].at <= w[1].at), "{b}: oldest first");
        let mine = db.projects_voiced_by("B@example.org").await.unwrap();
        assert_eq!(mine.len(), 1, "{b}");
        assert_eq!((mine[0].0.number.as_str(), mine[0].1.stance), (number.as_str(), Stance::Objection), "{b}");

        // Twenty voices an hour from one client address; the next waits.
        let (_, other) = under_notice(&db, "增设休闲座椅", "humen", 7).await;
        for i in 0..voices::PER_CLIENT {
            let out =
                db.give_voice(&other, &format!("v{i}@example.org"), &support(), "c9", "zh-Hans", at + i).await.unwrap();
            assert_eq!(out, VoiceOutcome::Recorded, "{b}: voice {i}");
        }
        let out = db.give_voice(&other, "late@example.org", &support(), "c9", "zh-Hans", at + 100).await.unwrap();
        assert_eq!(out, VoiceOutcome::TooMany, "{b}");
        let later = at + voices::CLIENT_WINDOW_SECS + 100;
        let out = db.give_voice(&other, "late@example.org", &support(), "c9", "zh-Hans", later).await.unwrap();
        assert_eq!(out, VoiceOutcome::Recorded, "{b}: after the hour");

        // The notice ends at T0 + 100 + 7 days: no voice at that moment or later.
        let end = T0 + 100 + 7 * DAY;
        assert_eq!(give("d@example.org", support(), "c4", end - 1).await, VoiceOutcome::Recorded, "{b}");
        assert_eq!(give("e@example.org", support(), "c4", end).await, VoiceOutcome::Closed, "{b}");
        assert_eq!(db.notice_ends_at(id).await.unwrap(), Some(end), "{b}");
        assert_eq!(
            db.give_voice("P-2026-999999", "a@example.org", &support(), "c1", "zh-Hans", at).await.unwrap(),
            VoiceOutcome::NotFound,
            "{b}"
        );
    }
}

#[tokio::test]
async fn town_budgets_count_adopted_budgets_in_the_year_of_adoption_and_inspected_ones_as_spent() {
    for b in common::backends() {
        let db = common::fresh(b).await;
        // T0 is 2026-09-21. Humen: two projects adopted in 2026, one of them inspected.
        let adopt = |id: i64, yuan: i64, at: i64| {
            let db = db.clone();
            async move {
                let a = Action::Approve { budget_yuan: yuan, plan: "立项".into() };
                db.act(id, None, Actor::Staff, "s", &a, at).await.unwrap();
            }
        };
        let (a, _) = under_notice(&db, "修复村口路灯", "humen", 7).await;
        let (c, _) = under_notice(&db, "增设休闲座椅", "humen", 7).await;
        let (g, _) = under_notice(&db, "修排水沟", "guancheng", 7).await;
        let (n, _) = under_notice(&db, "明年的项目", "humen", 7).await;
        adopt(a, 75_000, T0 + 8 * DAY).await;
        adopt(c, 80_000, T0 + 9 * DAY).await;
        adopt(g, 50_000, T0 + 9 * DAY).await;
        adopt(n, 99_000, T0 + 120 * DAY).await; // 2027-01-19
        db.act(a, None, Actor::Staff, "s", &Action::StartWork, T0 + 10 * DAY).await.unwrap();
        // Read (and kept) before the inspection: the inspection must show at the next read at once.
        let before = db.town_budgets(2026).await.unwrap();
        let humen_before = before.iter().find(|t| t.town_slug == "humen").unwrap();
        assert_eq!((humen_before.adopted, humen_before.done, humen_before.line.spent_yuan), (2, 0, 0), "{b}");
        db.act(a, None, Actor::Staff, "s", &Action::Complete { inspection: "验收合格".into() }, T0 + 40 * DAY)
            .await
            .unwrap();
        db.set_town_budget("humen", 2026, 500_000, T0).await.unwrap();
        db.set_town_budget("humen", 2026, 450_000, T0 + 1).await.unwrap(); // changed
        db.set_town_budget("dalang", 2026, 300_000, T0).await.unwrap();
        assert!(db.set_town_budget("atlantis", 2026, 1, T0).await.is_err(), "{b}: unknown town");

        let year = db.town_budgets(2026).await.unwrap();
        let by = |slug: &str| year.iter().find(|t| t.town_slug == slug).cloned().unwrap();
        assert_eq!(year.len(), 3, "{b}: {year:?}");
        let humen = by("humen");
        assert_eq!(
            (humen.line.allocation_yuan, humen.line.committed_yuan, humen.line.spent_yuan, humen.adopted, humen.done),
            (Some(450_000), 155_000, 75_000, 2, 1),
            "{b}"
        );
        assert_eq!(humen.line.remaining_yuan(), Some(295_000), "{b}");
        let g = by("guancheng");
        assert_eq!((g.line.allocation_yuan, g.line.committed_yuan, g.line.spent_yuan), (None, 50_000, 0), "{b}");
        let d = by("dalang");
        assert_eq!((d.line.allocation_yuan, d.line.committed_yuan, d.adopted), (Some(300_000), 0, 0), "{b}");
        let next = db.town_budgets(2027).await.unwrap();
        assert_eq!(next.len(), 1, "{b}");
        assert_eq!((next[0].town_slug.as_str(), next[0].line.committed_yuan), ("humen", 99_000), "{b}");
        assert!(db.town_budgets(2025).await.unwrap().is_empty(), "{b}");
    }
}
