//! Staff operations on the server: who is signed in, what they may see, and their actions. Every
//! server function and form handler for staff goes through [`current_staff`] and the role/town checks
//! of [`domain::staff`]; nothing trusts what the browser says about who it is.

use crate::api::{CommunityOption, TownOption};
use crate::ops::{town_name, OpResult};
use crate::staff::*;
use crate::state::AppState;
use domain::lifecycle::{transition, Action, Actor};
use domain::staff::{due_badge, next_due_at, wish_handling, WishHandling};
use domain::{FieldError, Kind, Lang, Role, StaffUser, Status, Tab};
use store::{By, InboxQuery, StoreError};
use tower_sessions::Session;

/// The session key holding the signed-in staff member's id.
pub const SESSION_STAFF_ID: &str = "staff_id";
/// … the account's session generation when the session began (a password change, reset or disable
/// raises it, which ends every older session at once).
pub const SESSION_STAFF_GENERATION: &str = "staff_gen";
/// … when the session began (the absolute lifetime, [`domain::staff::sign_in::ABSOLUTE_HOURS`]).
pub const SESSION_STAFF_SINCE: &str = "staff_since";
/// … the last time the session was saved; saving at most once a minute keeps a working session alive
/// ([`domain::staff::sign_in::IDLE_MINUTES`] of real idle time) without a write on every request.
pub const SESSION_STAFF_SEEN: &str = "staff_seen";

/// Starts a staff session for `user` (after the caller gave the session a new id).
pub async fn begin_session(session: &Session, user_id: i64, generation: i64) -> bool {
    let now = store::now();
    session.insert(SESSION_STAFF_ID, user_id).await.is_ok()
        && session.insert(SESSION_STAFF_GENERATION, generation).await.is_ok()
        && session.insert(SESSION_STAFF_SINCE, now).await.is_ok()
        && session.insert(SESSION_STAFF_SEEN, now).await.is_ok()
}

/// What a live staff session holds: the account, and whether its password must be changed first.
pub struct SessionStaff {
    pub user: StaffUser,
    pub must_change_password: bool,
}

/// The staff member behind this session and whether the password must be changed first: `None` when
/// nobody signed in, the account is disabled, its password changed since, or the session is older
/// than the absolute lifetime (the session is then emptied).
pub async fn session_staff(st: &AppState, session: &Session) -> OpResult<Option<SessionStaff>> {
    use domain::staff::sign_in::ABSOLUTE_HOURS;
    let id: Option<i64> = session.get(SESSION_STAFF_ID).await.ok().flatten();
    let Some(id) = id else { return Ok(None) };
    let generation: i64 = session.get(SESSION_STAFF_GENERATION).await.ok().flatten().unwrap_or(-1);
    let since: i64 = session.get(SESSION_STAFF_SINCE).await.ok().flatten().unwrap_or(0);
    let now = store::now();
    let found = st.db.staff_session_user(id).await?;
    match found {
        Some((user, current, must_change)) if current == generation && now - since < ABSOLUTE_HOURS * 3600 => {
            let seen: i64 = session.get(SESSION_STAFF_SEEN).await.ok().flatten().unwrap_or(0);
            if now - seen >= 60 {
                let _ = session.insert(SESSION_STAFF_SEEN, now).await;
            }
            Ok(Some(SessionStaff { user, must_change_password: must_change }))
        }
        _ => {
            session.clear().await;
            Ok(None)
        }
    }
}

/// The staff member behind this session, if the session is still good (see [`session_staff`]) and
/// the password need not be changed first.
pub async fn staff_of_session(st: &AppState, session: &Session) -> OpResult<Option<StaffUser>> {
    Ok(session_staff(st, session).await?.filter(|s| !s.must_change_password).map(|s| s.user))
}

/// The signed-in staff member of the current request (server functions and SSR).
pub async fn current_staff(st: &AppState) -> OpResult<Option<StaffUser>> {
    let Ok(session) = leptos_axum::extract::<Session>().await else { return Ok(None) };
    staff_of_session(st, &session).await
}

/// Why signing in failed.
#[derive(Debug, Clone, PartialEq)]
pub enum SignInError {
    Invalid(Vec<FieldError>),
    /// Too many failures for this account or address just now: try again after this many seconds.
    TooMany(i64),
}

/// A successful sign-in.
pub struct SignedIn {
    pub user: StaffUser,
    /// The account's session generation, for the new session.
    pub generation: i64,
    /// An admin issued the password: change it before anything else.
    pub must_change_password: bool,
}

/// Checks the limits and the password; on success the caller starts a fresh session.
///
/// Failures slow further tries down instead of locking the account (`domain::staff::sign_in`):
/// per account from this address, per address, and per account from everywhere — the last one not
/// for a browser the account signed in on before (`device`), so nobody who knows a clerk's email
/// can keep the clerk out from elsewhere.
pub async fn sign_in(
    st: &AppState,
    email: &str,
    password: &str,
    client: std::net::IpAddr,
    device: Option<&str>,
) -> OpResult<Result<SignedIn, SignInError>> {
    use domain::staff::sign_in::*;
    let mut errors = Vec::new();
    if email.trim().is_empty() {
        errors.push(FieldError::new("email", "required"));
    } else if domain::abuse::has_control(email) || email.len() > 254 {
        errors.push(FieldError::new("email", "email_invalid"));
    }
    if password.is_empty() {
        errors.push(FieldError::new("password", "required"));
    } else if password.len() > 1024 {
        errors.push(FieldError::new("password", "too_long"));
    }
    if !errors.is_empty() {
        return Ok(Err(SignInError::Invalid(errors)));
    }
    let now = store::now();
    let email_n = store::normalise_email(email);
    let account_key = format!("account:{email_n}");
    // Limits count IPv6 clients by their /64; the audit keeps the full address.
    let address = domain::abuse::client_key(client);
    let pair_key = format!("pair:{email_n}|{address}");
    let address_key = format!("address:{address}");
    let since = now - WINDOW_SECS;
    let found = st.db.staff_for_sign_in(email).await?;
    let known_device = match (&found, device) {
        (Some(a), Some(token)) => st.db.is_staff_device(token, a.user.id).await?,
        _ => false,
    };
    let (pair_n, pair_last) = st.db.failures(&pair_key, since).await?;
    let (addr_n, addr_last) = st.db.failures(&address_key, since).await?;
    let mut wait = wait_secs(pair_n, pair_last, now);
    if addr_n >= MAX_PER_ADDRESS {
        wait = wait.max(addr_last.map_or(0, |l| (l + WINDOW_SECS - now).max(1)));
    }
    if !known_device {
        let (acc_n, acc_last) = st.db.failures(&account_key, since).await?;
        wait = wait.max(wait_secs(acc_n, acc_last, now));
    }
    if wait > 0 {
        return Ok(Err(SignInError::TooMany(wait)));
    }
    let ok = match &found {
        Some(a) => store::verify_password(&a.password_hash, password).await,
        None => {
            // Same work for an unknown email as for a wrong password.
            let _ = store::verify_password(&store::dummy_hash().await, password).await;
            false
        }
    };
    match found {
        Some(store::SignInAccount { user, session_generation, must_change_password, .. }) if ok => {
            st.db.clear_failed_attempts(&account_key).await?;
            st.db.clear_failed_attempts(&pair_key).await?;
            st.db.staff_signed_in(user.id, now).await?;
            st.db
                .audit(
                    &store::AuditEntry {
                        at: now,
                        actor: format!("staff:{}", user.email),
                        action: "sign_in".into(),
                        detail: String::new(),
                        remote_addr: client.to_string(),
                        user_id: Some(user.id),
                    },
                    None,
                )
                .await?;
            Ok(Ok(SignedIn { user, generation: session_generation, must_change_password }))
        }
        _ => {
            st.db.record_failed_attempt(&[account_key, pair_key, address_key], now).await?;
            Ok(Err(SignInError::Invalid(vec![FieldError::new("password", "sign_in_failed")])))
        }
    }
}

/// A staff member changes their own password: the current one, then the new one twice. Every other
/// session of the account ends; this one goes on (its generation is renewed).
pub async fn change_password(
    st: &AppState,
    session: &Session,
    user_id: i64,
    current: &str,
    new: &str,
    repeat: &str,
) -> OpResult<Result<(), Vec<FieldError>>> {
    let Some(hash) = st.db.staff_password_hash(user_id).await? else {
        return Ok(Err(vec![FieldError::new("current", "sign_in_failed")]));
    };
    if current.is_empty() || current.len() > 1024 || !store::verify_password(&hash, current).await {
        return Ok(Err(vec![FieldError::new("current", "password_wrong")]));
    }
    if let Some(p) = domain::staff::password_problem(new) {
        return Ok(Err(vec![FieldError::new("new_password", p)]));
    }
    if new.len() > 1024 || domain::abuse::has_control(new) {
        return Ok(Err(vec![FieldError::new("new_password", "control_chars")]));
    }
    if new == current {
        return Ok(Err(vec![FieldError::new("new_password", "password_same")]));
    }
    if new != repeat {
        return Ok(Err(vec![FieldError::new("repeat", "password_mismatch")]));
    }
    let generation = st.db.change_own_password(user_id, new).await?;
    let _ = session.cycle_id().await;
    let _ = session.insert(SESSION_STAFF_GENERATION, generation).await;
    Ok(Ok(()))
}

pub fn me_view(u: &StaffUser, towns: &[store::Town], lang: Lang) -> Me {
    Me {
        name: u.name.clone(),
        email: u.email.clone(),
        role: u.role,
        town_name: town_name(towns, u.town_slug.as_deref(), lang),
    }
}

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
pub async fn inbox_view(st: &AppState, f: &InboxFilters, lang: Lang) -> OpResult<Guarded<InboxView>> {
    let Some(u) = current_staff(st).await? else { return Ok(Guarded::SignIn) };
    let Ok(q) = inbox_query(&u, f, INBOX_PAGE_SIZE) else { return Ok(Guarded::Forbidden) };
    let now = store::now();
    let (rows, total) = st.db.inbox(&q, now).await?;
    let counts = st.db.inbox_counts(&q, now).await?;
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
            town_name: town_name(&towns, r.town_slug.as_deref(), lang),
            badge: r.due_at.map(|d| due_badge(d, now)),
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
    Ok(Guarded::Ok(InboxView {
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
    }))
}

/// The CSV of the current inbox view (every page, at most [`CSV_MAX_ROWS`] rows). No contact details.
pub async fn inbox_csv(st: &AppState, u: &StaffUser, f: &InboxFilters, lang: Lang) -> OpResult<Option<String>> {
    let Ok(mut q) = inbox_query(u, f, CSV_MAX_ROWS) else { return Ok(None) };
    q.page = 1;
    let (rows, _) = st.db.inbox(&q, store::now()).await?;
    let towns = st.db.towns().await?;
    let t = |k: &str| crate::i18n::t(lang, k);
    let mut out = String::from("\u{feff}");
    let header = [
        "number",
        "kind",
        "status",
        "category",
        "title",
        "town",
        "community",
        "amount_yuan",
        "urgent",
        "submitted_at",
        "due_at",
        "assignee",
    ];
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for r in rows {
        let category =
            if r.kind == Kind::Wish { t(&format!("ben.{}", r.category)) } else { t(&format!("cat.{}", r.category)) };
        let fields = [
            r.number.clone(),
            t(if r.kind == Kind::Wish { "kind.wish" } else { "kind.project" }),
            t(&format!("status.{}", r.status.code())),
            category,
            if r.title.is_empty() { r.excerpt.clone() } else { r.title.clone() },
            town_name(&towns, r.town_slug.as_deref(), lang).unwrap_or_default(),
            r.community_name.clone().unwrap_or_default(),
            r.amount_yuan.to_string(),
            if r.urgent { "1".into() } else { "0".into() },
            crate::i18n::local_time(r.submitted_at),
            r.due_at.map(crate::i18n::local_time).unwrap_or_default(),
            r.assignee_name.clone().unwrap_or_default(),
        ];
        out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    Ok(Some(out))
}

/// Quotes a CSV field, and defuses spreadsheet formulas (`=`, `+`, `-`, `@` at the start).
pub fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// Probes for each staff action, to ask the lifecycle which apply now.
fn probes() -> Vec<Action> {
    let t = || "x".to_string();
    vec![
        Action::Accept { plan: t() },
        Action::Decline { reason: t() },
        Action::AssignCommunity { community_id: 1, name: t() },
        Action::Publish { text: t() },
        Action::ReleaseClaim,
        Action::RecordFulfilment { note: t() },
        Action::ConfirmReceipt,
        Action::StartNotice { days: 7 },
        Action::Approve { budget_yuan: 1, plan: t() },
        Action::StartWork,
        Action::Progress { percent: 50, note: t() },
        Action::Complete { inspection: t() },
        Action::GiveFeedback { message: t() },
        Action::MarkDuplicate { of_number: t() },
        Action::Reroute { town: t(), reason: t() },
        Action::Note { text: t(), public: false },
    ]
}

/// The actions the lifecycle allows now on `item` for this person (re-routing for dispatchers only).
pub fn allowed_actions(u: &StaffUser, item: &store::ItemRecord) -> Vec<&'static str> {
    let state = item.state();
    probes()
        .into_iter()
        .filter(|a| !matches!(a, Action::Reroute { .. }) || u.can_reroute())
        .filter(|a| transition(&state, Actor::Staff, a).is_ok())
        .map(|a| a.code())
        .collect()
}

/// [`allowed_actions`] with what the wish's claims allow: confirming a held claim, and recording the
/// beneficiary's receipt only when a donor's delivery waits for it.
fn claim_aware_actions(u: &StaffUser, item: &store::ItemRecord, claims: &[store::Claim]) -> Vec<String> {
    use domain::claims::ClaimStatus;
    let live = claims.iter().find(|c| c.status.is_live()).map(|c| c.status);
    let mut actions: Vec<String> = allowed_actions(u, item)
        .into_iter()
        .filter(|a| *a != "confirm_receipt" || live == Some(ClaimStatus::Delivered))
        .map(str::to_string)
        .collect();
    if live == Some(ClaimStatus::Held) {
        actions.push("confirm_claim".into());
    }
    actions
}

/// The staff item page's data; `NotFound` also when the item exists in a town this person may not see.
pub async fn item_view(st: &AppState, number: &str, lang: Lang) -> OpResult<Guarded<StaffItemView>> {
    let Some(u) = current_staff(st).await? else { return Ok(Guarded::SignIn) };
    if u.role == Role::Admin {
        return Ok(Guarded::Forbidden);
    }
    let Some(item) = st.db.item_by_number(number.trim()).await? else { return Ok(Guarded::NotFound) };
    let access = u.access(item.facts.town_slug.as_deref());
    if !access.read {
        return Ok(Guarded::NotFound);
    }
    let towns = st.db.towns().await?;
    let settings = st.db.settings().await?;
    let events = st.db.events(item.id, false).await?;
    let audit = st.db.audit_for_item(item.id).await?;
    let claims = if item.kind == Kind::Wish { st.db.claims_of_item(item.id).await? } else { Vec::new() };
    let now = store::now();
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
    let mut actions = if access.act { claim_aware_actions(&u, &item, &claims) } else { Vec::new() };
    // The adoption decision waits for the end of the public notice.
    if notice_ends_at.is_some_and(|end| now < end) {
        actions.retain(|a| a != "approve");
    }
    let f = &item.facts;
    let deadlines = crate::ops::deadline_views(&item, &events);
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
    Ok(Guarded::Ok(StaffItemView {
        me: me_view(&u, &towns, lang),
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
        town_name: town_name(&towns, f.town_slug.as_deref(), lang),
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
        badge: next_due.map(|d| due_badge(d, now)),
        events: events
            .into_iter()
            .map(|e| {
                // A routing event carries the town's slug; show its name.
                let body =
                    if e.action == "route" { town_name(&towns, Some(&e.body), lang).unwrap_or(e.body) } else { e.body };
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
    }))
}

/// Why a staff action did not happen.
#[derive(Debug, Clone, PartialEq)]
pub enum StaffActError {
    /// Not signed in.
    SignIn,
    /// The item does not exist or is not this person's to see.
    NotFound,
    /// This person may see the item but not take this action (a leader; re-routing by town staff).
    Forbidden,
    /// Fields to fix, shown next to them.
    Invalid(Vec<FieldError>),
    /// Someone acted first, or the action no longer applies; nothing was written.
    Stale(&'static str),
}

const TEXT_MAX: usize = 1000;
/// The wall's text of a wish, in characters (the card shows up to 120).
const PUBLIC_TEXT_MAX: usize = 300;

/// Builds the lifecycle action from a posted staff form, with per-field errors.
pub async fn build_action(
    st: &AppState,
    item: &store::ItemRecord,
    f: &StaffActForm,
) -> OpResult<Result<Action, Vec<FieldError>>> {
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
    let action = match f.action.as_str() {
        "accept" => Action::Accept { plan: text("plan", &f.plan) },
        "decline" => Action::Decline { reason: text("reason", &f.reason) },
        "publish" => {
            let t = text("public_text", &f.public_text);
            let n = t.chars().count();
            if n > 0 && n < domain::validate::len::NEED.0 {
                errors.push(FieldError::new("public_text", "too_short"));
            } else if n > PUBLIC_TEXT_MAX {
                errors.push(FieldError::new("public_text", "too_long"));
            }
            Action::Publish { text: t }
        }
        "release_claim" => Action::ReleaseClaim,
        "confirm_receipt" => Action::ConfirmReceipt,
        "start_work" => Action::StartWork,
        "fulfil" => Action::RecordFulfilment { note: text("note", &f.note) },
        "complete" => Action::Complete { inspection: text("inspection", &f.inspection) },
        "feedback" => Action::GiveFeedback { message: text("message", &f.message) },
        "note" => Action::Note { text: text("text", &f.text), public: f.public.is_some() },
        "start_notice" => {
            let days = f.days.trim().parse::<u32>().ok().filter(|d| (1..=60).contains(d));
            if days.is_none() {
                errors.push(FieldError::new("days", "days_range"));
            }
            Action::StartNotice { days: days.unwrap_or(7) }
        }
        "approve" => {
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
        "progress" => {
            let note = text("note", &f.note);
            let percent = f.percent.trim().parse::<u8>().ok().filter(|p| *p <= 100);
            if percent.is_none() {
                errors.push(FieldError::new("percent", "percent_range"));
            }
            Action::Progress { percent: percent.unwrap_or(0), note }
        }
        "duplicate" => {
            let of = text("of_number", &f.of_number).to_uppercase();
            if !of.is_empty() {
                match st.db.item_by_number(&of).await? {
                    Some(other) if other.id != item.id => {}
                    _ => errors.push(FieldError::new("of_number", "duplicate_unknown")),
                }
            }
            Action::MarkDuplicate { of_number: of }
        }
        "assign" => {
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
        "reroute" => {
            let reason = text("reason", &f.reason);
            let town = f.town.trim().to_string();
            if !st.db.towns().await?.iter().any(|t| t.slug == town) {
                errors.push(FieldError::new("town", "town_required"));
            } else if Some(&town) == item.facts.town_slug.as_ref() {
                errors.push(FieldError::new("town", "reroute_same_town"));
            }
            Action::Reroute { town, reason }
        }
        _ => return Ok(Err(vec![FieldError::new("form", "not_allowed_now")])),
    };
    Ok(if errors.is_empty() { Ok(action) } else { Err(errors) })
}

/// Takes a staff action on an item: role and town checked here, the step decided by the lifecycle,
/// status + timeline + audit written in one transaction by the store.
pub async fn staff_act(
    st: &AppState,
    user: Option<StaffUser>,
    number: &str,
    f: &StaffActForm,
    remote_addr: &str,
) -> OpResult<Result<(), StaffActError>> {
    let Some(u) = user else { return Ok(Err(StaffActError::SignIn)) };
    let Some(item) = st.db.item_by_number(number.trim()).await? else { return Ok(Err(StaffActError::NotFound)) };
    let access = u.access(item.facts.town_slug.as_deref());
    if !access.read {
        return Ok(Err(StaffActError::NotFound));
    }
    if !access.act || (f.action == "reroute" && !u.can_reroute()) {
        return Ok(Err(StaffActError::Forbidden));
    }
    let by =
        By { actor: Actor::Staff, label: u.name.clone(), staff_id: Some(u.id), remote_addr: remote_addr.to_string() };
    if f.action == "confirm_claim" {
        let held = st.db.live_claim_of_item(item.id).await?.filter(|c| c.status == domain::claims::ClaimStatus::Held);
        let Some(claim) = held else { return Ok(Err(StaffActError::Stale("not_allowed_now"))) };
        return match st.db.confirm_claim(claim.id, &by, store::now()).await {
            Ok(()) => Ok(Ok(())),
            Err(StoreError::Refused(_) | StoreError::Conflict) => Ok(Err(StaffActError::Stale("not_allowed_now"))),
            Err(e) => Err(e.into()),
        };
    }
    // An action the item's status no longer allows (a stale page): say so before checking its fields.
    if !allowed_actions(&u, &item).contains(&f.action.as_str()) {
        return Ok(Err(StaffActError::Stale("not_allowed_now")));
    }
    if f.action == "approve" && st.db.notice_ends_at(item.id).await?.is_some_and(|end| store::now() < end) {
        return Ok(Err(StaffActError::Stale("notice_running")));
    }
    let action = match build_action(st, &item, f).await? {
        Ok(a) => a,
        Err(errors) => return Ok(Err(StaffActError::Invalid(errors))),
    };
    if f.action == "publish" && f.preview.is_some() {
        // The reviewer asked to see the card with the edited text: nothing is written.
        return Ok(Err(StaffActError::Invalid(Vec::new())));
    }
    let expected = f.version.trim().parse::<i64>().ok();
    match st.db.act_by(item.id, expected, &by, &action, store::now()).await {
        Ok(_) => {
            *st.home_cache.lock().await = None;
            Ok(Ok(()))
        }
        Err(StoreError::Conflict) => Ok(Err(StaffActError::Stale("conflict"))),
        Err(StoreError::Refused(domain::TransitionError::TextRequired)) => {
            Ok(Err(StaffActError::Invalid(vec![FieldError::new("form", "required")])))
        }
        Err(StoreError::Refused(_)) => Ok(Err(StaffActError::Stale("not_allowed_now"))),
        Err(e) => Err(e.into()),
    }
}
