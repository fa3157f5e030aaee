//! Staff operations on the server: who is signed in, what they may see, and their actions. Every
//! server function and form handler for staff goes through [`current_staff`] and the role/town checks
//! of [`domain::staff`]; nothing trusts what the browser says about who it is.
use crate::error::{AppError, AppResult};
use crate::staff::session::{current_staff, me_view};
use crate::staff::*;
use crate::state::AppState;
use crate::ui::{CommunityOption, TownOption};
use domain::lifecycle::{transition, Action, Actor};
use domain::staff::{due_badge, next_due_at, wish_handling, StaffAction, WishHandling};
use domain::{FieldError, Kind, Lang, Role, StaffUser, Status, Tab};
use store::{By, InboxQuery, StoreError};

/// Parses the inbox's query string values; unknown values are ignored rather than trusted.
pub fn inbox_query(u: &StaffUser, f: &InboxFilters, per_page: i64) -> Result<InboxQuery, domain::staff::NoInbox> {
    let scope_town = u.inbox_scope()?;
    let some = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_string);
    Ok(InboxQuery {
        town: if scope_town.is_some() {
            None
        } else {
            f.town.as_deref().map(|t| t.trim().to_string()).filter(|t| t != "*")
        },
        scope_town,
        scope_community: u.inbox_community(),
        me: u.id,
        tab: Tab::from_code(&f.tab).unwrap_or(Tab::New),
        kind: Kind::from_code(&f.kind),
        status: Status::from_code(&f.status),
        category: some(&f.category),
        community_id: f.community.trim().parse().ok(),
        text: some(&f.q),
        page: f.page.trim().parse::<i64>().unwrap_or(1).clamp(1, domain::abuse::MAX_PAGE),
        per_page,
    })
}

/// The inbox page's data.
pub async fn inbox_view(st: &AppState, f: &InboxFilters, lang: Lang) -> AppResult<InboxView> {
    let Some(u) = current_staff(st).await? else { return Err(AppError::SignIn) };
    let Ok(q) = inbox_query(&u, f, INBOX_PAGE_SIZE) else { return Err(AppError::Forbidden) };
    let now = store::now();
    let clock = st.db.tab_clock(now).await?;
    let soon = clock.soon_until;
    let (rows, total) = st.db.inbox(&q, &clock).await?;
    let counts = st.db.inbox_counts(&q, &clock).await?;
    let towns = st.db.towns().await?;
    let community_town = q.scope_town.clone().or_else(|| q.town.clone().filter(|t| !t.is_empty()));
    let communities = match community_town {
        Some(t) => {
            st.db.communities(&t).await?.into_iter().map(|c| CommunityOption { id: c.id, name: c.name }).collect()
        }
        None => Vec::new(),
    };
    let lines = rows
        .into_iter()
        .map(|r| InboxLine {
            town_name: store::names::town_name(&towns, r.town_slug.as_deref(), lang),
            badge: r.due_at.map(|d| due_badge(d, now, soon)),
            title: if r.title.is_empty() { r.excerpt } else { r.title },
            number: r.number,
            kind: r.kind,
            status: r.status,
            category: r.category,
            community_name: r.community_name,
            amount_yuan: r.amount_yuan,
            urgent: r.urgent,
            submitted_at: r.submitted_at,
            due_at: r.due_at,
            assignee_name: r.assignee_name,
        })
        .collect();
    Ok(InboxView {
        me: me_view(&u, &towns, lang),
        all_towns: q.scope_town.is_none(),
        tab: q.tab,
        counts,
        lines,
        total,
        page: q.page,
        pages: ((total + INBOX_PAGE_SIZE - 1) / INBOX_PAGE_SIZE).max(1),
        towns: towns.iter().map(|t| TownOption { slug: t.slug.clone(), name: t.name(lang).to_string() }).collect(),
        communities,
    })
}

/// The actions the lifecycle allows now on an item in `state` for this person's role
/// ([`StaffAction::allowed_for`]: the town signs for, returns and asks for time; the city decides).
pub fn allowed_actions(u: &StaffUser, state: &domain::ItemState) -> Vec<&'static str> {
    StaffAction::ALL
        .into_iter()
        .filter(|a| a.allowed_for(u.role))
        .filter_map(|a| a.probe_in(state))
        .filter(|a| transition(state, Actor::Staff, a).is_ok())
        .map(|a| a.code())
        .collect()
}

/// The item's lifecycle state now, with its work order (签收, 退单, 延期) on the calendar.
pub async fn state_now(st: &AppState, item: &store::ItemRecord, now: i64) -> AppResult<domain::ItemState> {
    let (rules, cal) = (st.db.settings().await?.deadlines, st.db.calendar().await?);
    Ok(item.state_at(now, (&rules, &cal)))
}

/// [`allowed_actions`] with what the wish's claims allow: confirming a held claim, and recording the
/// beneficiary's receipt only when a donor's delivery waits for it.
fn claim_aware_actions(u: &StaffUser, state: &domain::ItemState, claims: &[store::Claim]) -> Vec<String> {
    use domain::claims::ClaimStatus;
    let live = claims.iter().find(|c| c.status.is_live()).map(|c| c.status);
    let mut actions: Vec<String> = allowed_actions(u, state)
        .into_iter()
        .filter(|a| *a != StaffAction::ConfirmReceipt.code() || live == Some(ClaimStatus::Delivered))
        .map(str::to_string)
        .collect();
    if live == Some(ClaimStatus::Held) && StaffAction::ConfirmClaim.allowed_for(u.role) {
        actions.push(StaffAction::ConfirmClaim.code().into());
    }
    actions
}

/// The staff item page's data; `NotFound` also when the item exists in a town this person may not see.
pub async fn item_view(st: &AppState, number: &str, lang: Lang) -> AppResult<StaffItemView> {
    let Some(u) = current_staff(st).await? else { return Err(AppError::SignIn) };
    if u.role == Role::Admin {
        return Err(AppError::Forbidden);
    }
    let Some(item) = st.db.item_by_number(number.trim()).await? else { return Err(AppError::NotFound) };
    let access = u.access_item(item.facts.town_slug.as_deref(), item.facts.community_id);
    if !access.read {
        return Err(AppError::NotFound);
    }
    let towns = st.db.towns().await?;
    let settings = st.db.settings().await?;
    let events = st.db.events(item.id, false).await?;
    let audit = st.db.audit_for_item(item.id).await?;
    let claims = if item.kind == Kind::Wish { st.db.claims_of_item(item.id).await? } else { Vec::new() };
    let now = store::now();
    let soon = st.db.due_soon_until(now).await?;
    let notice_ends_at = if item.kind == Kind::Project { st.db.notice_ends_at(item.id).await? } else { None };
    let voices = match notice_ends_at {
        Some(end) => {
            let all = st.db.voices_of_item(item.id).await?;
            let supports = all.iter().filter(|v| v.stance == domain::voices::Stance::Support).count() as i64;
            Some(crate::staff::StaffVoicesView {
                notice_ends_at: end,
                supports,
                objections: all.len() as i64 - supports,
                reasons: all
                    .into_iter()
                    .filter(|v| v.stance == domain::voices::Stance::Objection)
                    .map(|v| (v.at, v.reason))
                    .collect(),
            })
        }
        None => None,
    };
    let state = item.state_at(now, (&settings.deadlines, &st.db.calendar().await?));
    let mut actions = if access.act {
        claim_aware_actions(&u, &state, &claims)
    } else if u.is_leadership() {
        allowed_actions(&u, &state).into_iter().map(str::to_string).collect()
    } else {
        Vec::new()
    };
    let order = OrderView {
        sign_due_at: item.facts.sign_due_at,
        signed_at: item.facts.signed_at,
        return_pending_at: item.facts.return_pending_at,
        return_due_at: item.facts.return_due_at,
        returned_repeatedly: domain::workorder::returned_repeatedly(&item.facts),
        extension_until: item.facts.extension_until,
        extension_due_at: state.order.extension.map(|w| w.due_at),
        extension_latest: state.order.extension.map(|w| w.latest),
        extension_count: item.facts.extension_count,
        supervision_due_at: domain::workorder::supervision_pending(&item.facts)
            .then_some(item.facts.supervision_due_at)
            .flatten(),
        supervision_count: item.facts.supervision_count,
        callback_at: item.facts.callback_at,
        callback_reached: item.facts.callback_reached,
        rating_source: item.facts.rating_source.map(|s| s.code().to_string()),
        rectify_due_at: item.facts.rectify_due_at,
        rectified_at: item.facts.rectified_at,
        fix_rating: item.facts.fix_rating,
        appealed_at: item.facts.appealed_at,
        appeal_upheld: item.facts.appeal_upheld,
    };
    // The adoption decision waits for the end of the public notice.
    if notice_ends_at.is_some_and(|end| now < end) {
        actions.retain(|a| a != "approve");
    }
    let f = &item.facts;
    let deadlines = crate::resident::ops::deadline_views(&item, &events);
    let next_due = next_due_at(item.status, f, item.feedback_due_at);
    let contact = if access.contact {
        ContactView {
            name: item.contact_name.clone(),
            phone: item.contact_phone.clone(),
            email: item.contact_email.clone().unwrap_or_default(),
            full: true,
        }
    } else {
        ContactView {
            name: domain::mask::mask_name(&item.contact_name),
            phone: domain::mask::mask_phone(&item.contact_phone),
            email: String::new(),
            full: false,
        }
    };
    let communities = match &f.town_slug {
        Some(t) => {
            st.db.communities(t).await?.into_iter().map(|c| CommunityOption { id: c.id, name: c.name }).collect()
        }
        None => Vec::new(),
    };
    let beneficiary = item.beneficiary.as_ref().map(|b| crate::staff::BeneficiaryView {
        name: if access.contact { b.name.clone() } else { domain::mask::mask_name(&b.name) },
        phone: match &b.phone {
            Some(p) if access.contact => p.clone(),
            Some(p) => domain::mask::mask_phone(p),
            None => String::new(),
        },
        address: if access.contact { b.address.clone() } else { domain::mask::mask_street(&b.address) },
        relation: b.relation.code().to_string(),
    });
    let publish =
        (item.kind == Kind::Wish && actions.iter().any(|a| a == "publish")).then(|| crate::staff::PublishView {
            draft: domain::mask::public_draft(&item.description),
            card: crate::wishes::ops::card_of(
                store::WallWish {
                    number: item.number.clone(),
                    status: Status::Published,
                    category: item.category.clone(),
                    town_slug: f.town_slug.clone().unwrap_or_default(),
                    community_name: item.community_name.clone().unwrap_or_default(),
                    need: String::new(),
                    amount_yuan: item.amount_yuan,
                    urgent: item.urgent,
                    submitted_at: item.submitted_at,
                },
                &towns,
                lang,
                now,
            ),
        });
    let similar = match item.facts.community_id {
        Some(c) if item.status.open_for_staff() => {
            let open = st.db.open_items_in_community(c, item.kind, Some(item.id), false).await?;
            let text = format!("{} {}", item.title, item.description);
            domain::duplicates::suggest(&text, open.iter().map(|o| o.text.as_str()))
                .into_iter()
                .map(|(i, score)| {
                    let o = &open[i];
                    let text =
                        if o.title.is_empty() { o.text.trim().chars().take(30).collect() } else { o.title.clone() };
                    SimilarItemView {
                        number: o.number.clone(),
                        text,
                        status: o.status,
                        submitted_at: o.submitted_at,
                        percent: (score * 100.0).round() as i64,
                    }
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let askers = st.db.askers(item.id).await?;
    Ok(StaffItemView {
        similar,
        askers,
        me: me_view(&u, &towns, lang),
        order,
        number: item.number.clone(),
        kind: item.kind,
        status: item.status,
        category: item.category.clone(),
        title: item.title.clone(),
        description: item.description.clone(),
        location: item.location.clone(),
        amount_yuan: item.amount_yuan,
        urgent: item.urgent,
        handling: (item.kind == Kind::Wish)
            .then(|| wish_handling(item.amount_yuan, settings.limits.wish_cap_yuan))
            .map(|h| h == WishHandling::Community),
        town_slug: f.town_slug.clone(),
        town_name: store::names::town_name(&towns, f.town_slug.as_deref(), lang),
        community_id: f.community_id,
        community_name: item.community_name.clone(),
        submitted_by: item.submitted_by.clone(),
        helper_org: item.helper_org.clone().unwrap_or_default(),
        contact,
        place_text: item.place_text.clone().unwrap_or_default(),
        beneficiary,
        public_text: item.public_text.clone(),
        publish,
        submitted_at: item.submitted_at,
        deadlines,
        next_due_at: next_due,
        badge: next_due.map(|d| due_badge(d, now, soon)),
        events: events
            .into_iter()
            .map(|e| {
                // A routing event carries the town's slug; show its name.
                let body = if e.action == "route" {
                    store::names::town_name(&towns, Some(&e.body), lang).unwrap_or(e.body)
                } else {
                    e.body
                };
                StaffEventView {
                    at: e.at,
                    actor: e.actor,
                    label: String::new(),
                    action: e.action,
                    public: e.public,
                    body,
                }
            })
            .collect(),
        audit: audit
            .into_iter()
            .map(|a| AuditView {
                at: a.at,
                actor: a.actor,
                action: a.action,
                detail: a.detail,
                remote_addr: a.remote_addr,
            })
            .collect(),
        next_action: StaffAction::next_step(&state)
            .map(|a| a.code().to_string())
            .filter(|c| actions.iter().any(|a| a == c)),
        public_actions: StaffAction::ALL
            .into_iter()
            .filter(|a| actions.iter().any(|c| c == a.code()))
            .filter_map(|a| a.probe_in(&state))
            .filter(|a| transition(&state, Actor::Staff, a).is_ok_and(|o| o.public))
            .map(|a| a.code().to_string())
            .collect(),
        actions,
        can_act: access.act,
        towns: if u.can_reroute() {
            towns.iter().map(|t| TownOption { slug: t.slug.clone(), name: t.name(lang).to_string() }).collect()
        } else {
            Vec::new()
        },
        communities,
        assignee_name: st.db.assignee(item.id).await?.map(|(_, n)| n),
        rating: f.rating,
        rating_comment: f.rating_comment.clone().unwrap_or_default(),
        claims: claims
            .into_iter()
            .map(|c| crate::staff::StaffClaimView {
                donor_kind: c.donor_kind,
                donor_name: c.donor_name,
                // Donors gave their contact for the town to reach them; staff who may not see
                // residents' contacts (other towns) do not see it either.
                contact: if access.contact { c.donor_contact } else { domain::mask::mask_phone(&c.donor_contact) },
                status: c.status,
                created_at: c.created_at,
                hold_until: c.hold_until,
                thank_publicly: c.thank_publicly,
            })
            .collect(),
        voices,
        photos: crate::photos::ops::photos_of(st, item.id).await?,
        version: item.version,
    })
}

const TEXT_MAX: usize = 1000;
/// The wall's text of a wish, in characters (the card shows up to 120).
const PUBLIC_TEXT_MAX: usize = 300;

/// Builds the lifecycle action from a posted staff form, with per-field errors.
pub async fn build_action(
    st: &AppState,
    item: &store::ItemRecord,
    state: &domain::ItemState,
    kind: StaffAction,
    f: &StaffActForm,
) -> AppResult<Action> {
    let mut errors = Vec::new();
    let mut text = |field: &str, v: &str| -> String {
        let v = v.trim();
        if v.is_empty() {
            errors.push(FieldError::new(field, "required"));
        } else if domain::abuse::has_forbidden_control(v) {
            errors.push(FieldError::new(field, "control_chars"));
        } else if v.chars().count() > TEXT_MAX {
            errors.push(FieldError::new(field, "too_long"));
        }
        v.to_string()
    };
    let action = match kind {
        StaffAction::Accept => Action::Accept { plan: text("plan", &f.plan) },
        StaffAction::Decline => Action::Decline { reason: text("reason", &f.reason) },
        StaffAction::Publish => {
            let t = text("public_text", &f.public_text);
            let n = t.chars().count();
            if n > 0 && n < domain::validate::len::NEED.0 {
                errors.push(FieldError::new("public_text", "too_short"));
            } else if n > PUBLIC_TEXT_MAX {
                errors.push(FieldError::new("public_text", "too_long"));
            }
            Action::Publish { text: t }
        }
        StaffAction::ReleaseClaim => Action::ReleaseClaim,
        StaffAction::ConfirmReceipt => Action::ConfirmReceipt,
        StaffAction::StartWork => Action::StartWork,
        StaffAction::Fulfil => Action::RecordFulfilment { note: text("note", &f.note) },
        StaffAction::Complete => Action::Complete { inspection: text("inspection", &f.inspection) },
        StaffAction::Feedback => Action::GiveFeedback { message: text("message", &f.message) },
        StaffAction::Note => Action::Note { text: text("text", &f.text), public: f.public.is_some() },
        StaffAction::StartNotice => {
            let days = f.days.trim().parse::<u32>().ok().filter(|d| (1..=60).contains(d));
            if days.is_none() {
                errors.push(FieldError::new("days", "days_range"));
            }
            Action::StartNotice { days: days.unwrap_or(7) }
        }
        StaffAction::Approve => {
            let plan = text("plan", &f.plan);
            let budget = f
                .budget
                .trim()
                .replace([',', '，'], "")
                .parse::<i64>()
                .ok()
                .filter(|b| (1..=domain::budget::MAX_ALLOCATION_YUAN).contains(b));
            if budget.is_none() {
                errors.push(FieldError::new("budget", "amount_invalid"));
            }
            Action::Approve { budget_yuan: budget.unwrap_or(1), plan }
        }
        StaffAction::Progress => {
            let note = text("note", &f.note);
            let percent = f.percent.trim().parse::<u8>().ok().filter(|p| *p <= 100);
            if percent.is_none() {
                errors.push(FieldError::new("percent", "percent_range"));
            }
            Action::Progress { percent: percent.unwrap_or(0), note }
        }
        StaffAction::Duplicate => {
            let of = text("of_number", &f.of_number).to_uppercase();
            if !of.is_empty() {
                match st.db.item_by_number(&of).await? {
                    Some(other) if other.id != item.id => {}
                    _ => errors.push(FieldError::new("of_number", "duplicate_unknown")),
                }
            }
            Action::MarkDuplicate { of_number: of }
        }
        StaffAction::Assign => {
            let id = f.community_id.trim().parse::<i64>().ok();
            let c = match id {
                Some(id) => st.db.community(id).await?,
                None => None,
            };
            match c {
                Some(c) if Some(&c.town_slug) == item.facts.town_slug.as_ref() => {
                    Action::AssignCommunity { community_id: c.id, name: c.name }
                }
                _ => {
                    errors.push(FieldError::new("community_id", "community_required"));
                    Action::AssignCommunity { community_id: 0, name: String::new() }
                }
            }
        }
        StaffAction::Reroute => {
            let reason = text("reason", &f.reason);
            let town = f.town.trim().to_string();
            if !st.db.towns().await?.iter().any(|t| t.slug == town) {
                errors.push(FieldError::new("town", "town_required"));
            } else if Some(&town) == item.facts.town_slug.as_ref() {
                errors.push(FieldError::new("town", "reroute_same_town"));
            }
            Action::Reroute { town, reason }
        }
        StaffAction::ConfirmClaim => return Err(AppError::field("form", "not_allowed_now")),
        StaffAction::SignFor => Action::SignFor,
        StaffAction::Supervise => Action::Supervise { note: text("note", &f.note) },
        StaffAction::Rectify => Action::Rectify { note: text("note", &f.note) },
        StaffAction::Appeal => Action::Appeal { reason: text("reason", &f.reason) },
        StaffAction::UpholdAppeal => Action::DecideAppeal { uphold: true, reason: text("reason", &f.reason) },
        StaffAction::RejectAppeal => Action::DecideAppeal { uphold: false, reason: text("reason", &f.reason) },
        StaffAction::AnswerSupervision => Action::AnswerSupervision { text: text("text", &f.text) },
        StaffAction::Callback => {
            let reached = match f.reached.trim() {
                "yes" => true,
                "no" => false,
                _ => {
                    errors.push(FieldError::new("reached", "choose_one"));
                    true
                }
            };
            let rating = match f.rating.trim() {
                "" => None,
                code => match domain::Rating::from_code(code) {
                    Some(r) if reached && state.rating.is_none() => Some(r),
                    Some(_) if !reached => {
                        errors.push(FieldError::new("rating", "callback_rating_unreached"));
                        None
                    }
                    Some(_) => {
                        errors.push(FieldError::new("rating", "callback_already_rated"));
                        None
                    }
                    None => {
                        errors.push(FieldError::new("rating", "choose_one"));
                        None
                    }
                },
            };
            let note = f.note.trim().to_string();
            if !reached && note.is_empty() {
                errors.push(FieldError::new("note", "required"));
            } else if domain::abuse::has_forbidden_control(&note) {
                errors.push(FieldError::new("note", "control_chars"));
            } else if note.chars().count() > TEXT_MAX {
                errors.push(FieldError::new("note", "too_long"));
            }
            Action::RecordCallback { reached, rating, note }
        }
        StaffAction::ReturnToCity => Action::ReturnToCity { reason: text("reason", &f.reason) },
        StaffAction::RefuseReturn => Action::RefuseReturn { reason: text("reason", &f.reason) },
        StaffAction::RefuseExtension => Action::RefuseExtension { reason: text("reason", &f.reason) },
        StaffAction::ApproveExtension => match state.order.extension_pending {
            Some(until) => Action::ApproveExtension { until },
            None => return Err(AppError::Conflict("not_allowed_now")),
        },
        StaffAction::RequestExtension => {
            let reason = text("reason", &f.reason);
            let until = match domain::Date::parse(&f.until) {
                None => {
                    errors.push(FieldError::new("until", "date_invalid"));
                    0
                }
                Some(d) => {
                    let until = d.end_ts();
                    let w = state.order.extension;
                    if !w.is_some_and(|w| until > w.due_at && until <= w.latest) {
                        errors.push(FieldError::new("until", "extension_range"));
                    }
                    until
                }
            };
            Action::RequestExtension { until, reason }
        }
    };
    if errors.is_empty() {
        Ok(action)
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// Takes a staff action on an item: role and town checked here, the step decided by the lifecycle,
/// status + timeline + audit written in one transaction by the store.
pub async fn staff_act(
    st: &AppState,
    user: Option<StaffUser>,
    number: &str,
    f: &StaffActForm,
    remote_addr: &str,
) -> AppResult<()> {
    let kind = StaffAction::from_code(f.action.trim());
    let (u, item) = crate::staff::session::item_for_step(st, user, number, kind).await?;
    // The role matrix: a town does not re-route or decide its own return or extension.
    if kind.is_some_and(|k| !k.allowed_for(u.role)) {
        return Err(AppError::Forbidden);
    }
    let now = store::now();
    let state = state_now(st, &item, now).await?;
    let by =
        By { actor: Actor::Staff, label: u.name.clone(), staff_id: Some(u.id), remote_addr: remote_addr.to_string() };
    if kind == Some(StaffAction::ConfirmClaim) {
        let held = st.db.live_claim_of_item(item.id).await?.filter(|c| c.status == domain::claims::ClaimStatus::Held);
        let Some(claim) = held else { return Err(AppError::Conflict("not_allowed_now")) };
        return match st.db.confirm_claim(claim.id, &by, store::now()).await {
            Ok(()) => Ok(()),
            Err(StoreError::Refused(_) | StoreError::Conflict) => Err(AppError::Conflict("not_allowed_now")),
            Err(e) => Err(e.into()),
        };
    }
    // An action the item's status no longer allows (a stale page): say so before checking its fields.
    let Some(kind) = kind.filter(|k| allowed_actions(&u, &state).contains(&k.code())) else {
        return Err(AppError::Conflict("not_allowed_now"));
    };
    if kind == StaffAction::Approve && st.db.notice_ends_at(item.id).await?.is_some_and(|end| store::now() < end) {
        return Err(AppError::Conflict("notice_running"));
    }
    let action = build_action(st, &item, &state, kind, f).await?;
    if kind == StaffAction::Publish && f.preview.is_some() {
        // The reviewer asked to see the card with the edited text: nothing is written.
        return Err(AppError::Invalid(Vec::new()));
    }
    let expected = f.version.trim().parse::<i64>().ok();
    match st.db.act_by(item.id, expected, &by, &action, now).await {
        Ok(_) => {
            *st.home_cache.lock().await = None;
            Ok(())
        }
        Err(StoreError::Refused(domain::TransitionError::TextRequired)) => Err(AppError::field("form", "required")),
        // Someone acted first (conflict), or the status no longer allows it (not_allowed_now).
        Err(e) => Err(e.into()),
    }
}
