//! Claims of micro-wishes on both databases: the race between donors, the lapse, staff confirmation,
//! delivery and the beneficiary's confirmation, release, and what the wall shows.

use domain::claims::{ClaimStatus, DonorKind, ValidClaim};
use domain::lifecycle::{Action, Actor};
use domain::Status;
use store::testing as common;
use store::{By, ClaimOutcome, Db, NewItem, StoreError, WallQuery};

const T0: i64 = 1_790_000_000; // 2026-09-21
const DAY: i64 = 86_400;

fn wish(description: &str, town: &str, community: i64) -> NewItem {
    NewItem {
        description: description.into(),
        town_slug: Some(town.into()),
        community_id: Some(community),
        ..common::wish(None, T0)
    }
}

/// A wish on the wall: submitted, accepted, published.
async fn published(db: &Db, description: &str) -> (i64, String) {
    let c = db.create_item(&wish(description, "humen", 1)).await.unwrap();
    db.act(c.id, None, Actor::Staff, "s", &Action::Accept { plan: "核实属实".into() }, T0 + 60).await.unwrap();
    // Staff publish the need as it stands (the wall still hides its digit runs).
    db.act(c.id, None, Actor::Staff, "s", &Action::Publish { text: description.into() }, T0 + 120).await.unwrap();
    (c.id, c.number)
}

fn donor(name: &str, thanks: bool) -> ValidClaim {
    ValidClaim {
        donor_kind: DonorKind::Enterprise,
        donor_name: name.into(),
        contact: "13900001111".into(),
        thank_publicly: thanks,
    }
}

fn staff() -> By {
    By { actor: Actor::Staff, label: "dc1@dg.gov.cn".into(), staff_id: None, remote_addr: "10.0.0.1".into() }
}

async fn live_claims(db: &Db, item_id: i64) -> usize {
    db.claims_of_item(item_id).await.unwrap().iter().filter(|c| c.status.is_live()).count()
}

#[tokio::test]
async fn of_donors_claiming_one_wish_at_the_same_moment_exactly_one_wins() {
    for b in common::backends() {
        let db = common::fresh(b).await;
        let (id, number) = published(&db, "一台轮椅").await;
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let (db, number) = (db.clone(), number.clone());
                tokio::spawn(async move {
                    db.claim_wish(&number, &donor(&format!("公司{i}"), false), "zh-Hans", T0 + DAY).await
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for h in handles {
            outcomes.push(h.await.unwrap().unwrap());
        }
        let won: Vec<_> = outcomes.iter().filter(|o| matches!(o, ClaimOutcome::Claimed { .. })).collect();
        assert_eq!(won.len(), 1, "{b}: {outcomes:?}");
        assert_eq!(outcomes.iter().filter(|o| **o == ClaimOutcome::Taken).count(), 7, "{b}");
        assert_eq!(live_claims(&db, id).await, 1, "{b}");
        let item = db.item_by_number(&number).await.unwrap().unwrap();
        assert_eq!(item.status, Status::Claimed, "{b}");
        let claims = db.events(id, true).await.unwrap().iter().filter(|e| e.action == "claim").count();
        assert_eq!(claims, 1, "{b}: one claim on the timeline");
        let ClaimOutcome::Claimed { token, hold_until } = won[0] else { unreachable!() };
        assert_eq!(*hold_until, T0 + DAY + 7 * DAY, "{b}: held for the default 7 days");
        let c = db.claim_by_token(token).await.unwrap().unwrap();
        assert_eq!((c.status, c.item_number.as_str()), (ClaimStatus::Held, number.as_str()), "{b}");
        // Not on the wall for claiming any more; a later donor is told it is taken.
        assert_eq!(
            db.claim_wish(&number, &donor("晚到", false), "zh-Hans", T0 + 2 * DAY).await.unwrap(),
            ClaimOutcome::Taken
        );
        assert_eq!(
            db.claim_wish("W-2026-999999", &donor("x", false), "zh-Hans", T0).await.unwrap(),
            ClaimOutcome::NotFound
        );
    }
}

#[tokio::test]
async fn a_claim_with_nothing_delivered_lapses_after_its_hold_and_the_wish_returns_to_the_wall() {
    for b in common::backends() {
        let db = common::fresh(b).await;
        let (id, number) = published(&db, "一台轮椅").await;
        let at = T0 + DAY;
        let ClaimOutcome::Claimed { token, hold_until } =
            db.claim_wish(&number, &donor("甲", false), "zh-Hans", at).await.unwrap()
        else {
            panic!("{b}: claimed")
        };
        assert_eq!(db.lapse_claims(hold_until - 1).await.unwrap(), 0, "{b}: not before the hold ends");
        assert_eq!(db.claim_by_token(&token).await.unwrap().unwrap().status, ClaimStatus::Held);
        assert_eq!(db.lapse_claims(hold_until).await.unwrap(), 1, "{b}");
        assert_eq!(db.lapse_claims(hold_until + 60).await.unwrap(), 0, "{b}: once");
        let c = db.claim_by_token(&token).await.unwrap().unwrap();
        assert_eq!((c.status, c.ended_at), (ClaimStatus::Lapsed, Some(hold_until)), "{b}");
        assert_eq!(db.item_by_number(&number).await.unwrap().unwrap().status, Status::Published, "{b}");
        let ev = db.events(id, true).await.unwrap();
        let last = ev.last().unwrap();
        assert_eq!((last.action.as_str(), last.actor.as_str()), ("release_claim", "system"), "{b}");
        // Another donor may claim it now.
        assert!(matches!(
            db.claim_wish(&number, &donor("乙", false), "zh-Hans", hold_until + 120).await.unwrap(),
            ClaimOutcome::Claimed { .. }
        ));
        // A confirmed claim lapses too if nothing is delivered.
        let c2 = db.live_claim_of_item(id).await.unwrap().unwrap();
        db.confirm_claim(c2.id, &staff(), hold_until + 200).await.unwrap();
        assert_eq!(db.lapse_claims(c2.hold_until).await.unwrap(), 1, "{b}");
        assert_eq!(db.claim_by_token(&c2.token).await.unwrap().unwrap().status, ClaimStatus::Lapsed);
    }
}

#[tokio::test]
async fn a_delivery_counts_once_staff_recorded_it_and_the_beneficiary_confirmed_it() {
    for b in common::backends() {
        let db = common::fresh(b).await;
        let (id, number) = published(&db, "一台轮椅").await;
        let ClaimOutcome::Claimed { token, .. } =
            db.claim_wish(&number, &donor("东莞某科技公司", true), "zh-Hans", T0 + DAY).await.unwrap()
        else {
            panic!("{b}")
        };
        let claim = db.claim_by_token(&token).await.unwrap().unwrap();
        db.confirm_claim(claim.id, &staff(), T0 + 2 * DAY).await.unwrap();
        assert!(
            matches!(db.confirm_claim(claim.id, &staff(), T0 + 2 * DAY).await, Err(StoreError::Refused(_))),
            "{b}: once"
        );
        let internal = db.events(id, false).await.unwrap();
        assert!(internal.iter().any(|e| e.body.contains("认领已确认") && !e.public), "{b}: internal note");
        assert!(db.thank_you_list(10).await.unwrap().is_empty(), "{b}: no thanks before receipt");

        // Nothing to confirm before the delivery is recorded.
        let early = db.act(id, None, Actor::Resident, "", &Action::ConfirmReceipt, T0 + 3 * DAY).await;
        assert!(matches!(early, Err(StoreError::Refused(_))), "{b}: {early:?}");
        db.act(id, None, Actor::Staff, "s", &Action::RecordFulfilment { note: "轮椅已送到".into() }, T0 + 4 * DAY)
            .await
            .unwrap();
        let c = db.claim_by_token(&token).await.unwrap().unwrap();
        assert_eq!((c.status, c.delivered_at), (ClaimStatus::Delivered, Some(T0 + 4 * DAY)), "{b}");
        assert_eq!(db.lapse_claims(T0 + 30 * DAY).await.unwrap(), 0, "{b}: a delivered claim does not lapse");

        db.act(id, None, Actor::Resident, "", &Action::ConfirmReceipt, T0 + 5 * DAY).await.unwrap();
        let c = db.claim_by_token(&token).await.unwrap().unwrap();
        assert_eq!((c.status, c.received_at), (ClaimStatus::Fulfilled, Some(T0 + 5 * DAY)), "{b}");
        let again = db.act(id, None, Actor::Resident, "", &Action::ConfirmReceipt, T0 + 6 * DAY).await;
        assert!(matches!(again, Err(StoreError::Refused(_))), "{b}: confirmed once");
        let item = db.item_by_number(&number).await.unwrap().unwrap();
        assert_eq!(item.status, Status::Fulfilled, "{b}: the receipt does not change the item's status");
        let thanks = db.thank_you_list(10).await.unwrap();
        assert_eq!(thanks.len(), 1, "{b}");
        assert_eq!((thanks[0].donor_name.as_str(), thanks[0].town_slug.as_str()), ("东莞某科技公司", "humen"), "{b}");

        // A wish the community fulfilled without a donor has no receipt to confirm.
        let (id2, _) = published(&db, "一个书包").await;
        db.act(id2, None, Actor::Staff, "s", &Action::RecordFulfilment { note: "社区已解决".into() }, T0 + DAY)
            .await
            .unwrap();
        let none = db.act(id2, None, Actor::Resident, "", &Action::ConfirmReceipt, T0 + 2 * DAY).await;
        assert!(matches!(none, Err(StoreError::Refused(_))), "{b}");
    }
}

#[tokio::test]
async fn a_donor_may_release_before_delivery_and_a_withdrawn_wish_ends_its_claim() {
    for b in common::backends() {
        let db = common::fresh(b).await;
        let (id, number) = published(&db, "一台轮椅").await;
        let ClaimOutcome::Claimed { token, .. } =
            db.claim_wish(&number, &donor("甲", false), "zh-Hans", T0 + DAY).await.unwrap()
        else {
            panic!("{b}")
        };
        db.release_claim_by_donor(&token, T0 + 2 * DAY).await.unwrap();
        assert_eq!(db.claim_by_token(&token).await.unwrap().unwrap().status, ClaimStatus::Released, "{b}");
        assert_eq!(db.item_by_number(&number).await.unwrap().unwrap().status, Status::Published, "{b}");
        assert!(matches!(db.release_claim_by_donor(&token, T0 + 3 * DAY).await, Err(StoreError::Refused(_))), "{b}");
        assert!(matches!(db.release_claim_by_donor("nosuchtoken", T0).await, Err(StoreError::NotFound)), "{b}");

        let ClaimOutcome::Claimed { token, .. } =
            db.claim_wish(&number, &donor("乙", false), "zh-Hans", T0 + 4 * DAY).await.unwrap()
        else {
            panic!("{b}")
        };
        db.act(id, None, Actor::Resident, "", &Action::Withdraw { reason: "已解决".into() }, T0 + 5 * DAY)
            .await
            .unwrap();
        assert_eq!(db.claim_by_token(&token).await.unwrap().unwrap().status, ClaimStatus::Released, "{b}");
        assert_eq!(live_claims(&db, id).await, 0, "{b}");
    }
}

#[tokio::test]
async fn the_wall_shows_published_wishes_without_digits_that_reach_anyone() {
    for b in common::backends() {
        let db = common::fresh(b).await;
        let (_, open) = published(&db, "奶奶需要一台轮椅，电话13812341234").await;
        let (_, taken) = published(&db, "一个书包").await;
        db.claim_wish(&taken, &donor("甲", false), "zh-Hans", T0 + DAY).await.unwrap();
        let routed = db.create_item(&wish("还没审核的心愿", "humen", 1)).await.unwrap();
        let other_town = db.create_item(&wish("别镇的心愿", "dongcheng", 2)).await.unwrap();
        db.act(other_town.id, None, Actor::Staff, "s", &Action::Accept { plan: "核实".into() }, T0 + 60).await.unwrap();
        db.act(
            other_town.id,
            None,
            Actor::Staff,
            "s",
            &Action::Publish { text: "一位独居老人需要一台轮椅".into() },
            T0 + 120,
        )
        .await
        .unwrap();

        let q = WallQuery { limit: 50, ..Default::default() };
        let (open_only, total) = db.wish_wall(&q).await.unwrap();
        let numbers: Vec<&str> = open_only.iter().map(|w| w.number.as_str()).collect();
        assert_eq!(total, 2, "{b}: {numbers:?}");
        assert!(numbers.contains(&open.as_str()) && !numbers.contains(&taken.as_str()), "{b}");
        assert!(!numbers.contains(&routed.number.as_str()), "{b}: not before staff publish it");
        let w = open_only.iter().find(|w| w.number == open).unwrap();
        assert_eq!(w.need, "奶奶需要一台轮椅，电话***********", "{b}");
        assert_eq!((w.town_slug.as_str(), w.amount_yuan), ("humen", 800), "{b}");

        let (all, total) = db.wish_wall(&WallQuery { with_claimed: true, ..q.clone() }).await.unwrap();
        assert_eq!(total, 3, "{b}");
        assert_eq!(all.last().unwrap().number, taken, "{b}: claimed wishes after the open ones");
        let (humen, _) = db.wish_wall(&WallQuery { town: Some("humen".into()), ..q.clone() }).await.unwrap();
        assert_eq!(humen.len(), 1, "{b}");
        let (none, total) = db.wish_wall(&WallQuery { category: Some("disabled".into()), ..q }).await.unwrap();
        assert_eq!((none.len(), total), (0, 0), "{b}");
    }
}
