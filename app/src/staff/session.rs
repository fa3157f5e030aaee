//! Staff sessions on the server: signing in, the signed-in person, changing the password.

use crate::error::{AppError, AppResult};
use crate::staff::*;
use crate::state::AppState;
use domain::{FieldError, Lang, StaffUser};
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
pub async fn session_staff(st: &AppState, session: &Session) -> AppResult<Option<SessionStaff>> {
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
pub async fn staff_of_session(st: &AppState, session: &Session) -> AppResult<Option<StaffUser>> {
    Ok(session_staff(st, session).await?.filter(|s| !s.must_change_password).map(|s| s.user))
}

/// The signed-in staff member of the current request (server functions and SSR).
pub async fn current_staff(st: &AppState) -> AppResult<Option<StaffUser>> {
    let Ok(session) = leptos_axum::extract::<Session>().await else { return Ok(None) };
    staff_of_session(st, &session).await
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
) -> AppResult<SignedIn> {
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
        return Err(AppError::Invalid(errors));
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
        return Err(AppError::RateLimited { retry_after: wait, errors: Vec::new() });
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
            Ok(SignedIn { user, generation: session_generation, must_change_password })
        }
        _ => {
            st.db.record_failed_attempt(&[account_key, pair_key, address_key], now).await?;
            Err(AppError::field("password", "sign_in_failed"))
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
) -> AppResult<()> {
    let Some(hash) = st.db.staff_password_hash(user_id).await? else {
        return Err(AppError::field("current", "sign_in_failed"));
    };
    if current.is_empty() || current.len() > 1024 || !store::verify_password(&hash, current).await {
        return Err(AppError::field("current", "password_wrong"));
    }
    if let Some(p) = domain::staff::password_problem(new) {
        return Err(AppError::field("new_password", p));
    }
    if new.len() > 1024 || domain::abuse::has_control(new) {
        return Err(AppError::field("new_password", "control_chars"));
    }
    if new == current {
        return Err(AppError::field("new_password", "password_same"));
    }
    if new != repeat {
        return Err(AppError::field("repeat", "password_mismatch"));
    }
    let generation = st.db.change_own_password(user_id, new).await?;
    let _ = session.cycle_id().await;
    let _ = session.insert(SESSION_STAFF_GENERATION, generation).await;
    Ok(())
}

pub fn me_view(u: &StaffUser, towns: &[store::Town], lang: Lang) -> Me {
    Me {
        name: u.name.clone(),
        email: u.email.clone(),
        role: u.role,
        town_name: store::names::town_name(towns, u.town_slug.as_deref(), lang),
    }
}

/// The item behind `number` for a staff member who may act on it — the one check of every staff write
/// (actions, photos): `SignIn`; `NotFound` for no such item or one this person may not see (the same
/// answer, so existence does not leak); `Forbidden` for one they may see but not act on (a leader).
pub async fn item_to_act_on(
    st: &AppState,
    user: Option<StaffUser>,
    number: &str,
) -> AppResult<(StaffUser, store::ItemRecord)> {
    item_for_step(st, user, number, None).await
}

/// [`item_to_act_on`] for one staff step: a leader, who acts on nothing, may still supervise (督办)
/// any item they may see ([`domain::staff::StaffAction::allowed_for`]).
pub async fn item_for_step(
    st: &AppState,
    user: Option<StaffUser>,
    number: &str,
    step: Option<domain::staff::StaffAction>,
) -> AppResult<(StaffUser, store::ItemRecord)> {
    let Some(u) = user else { return Err(AppError::SignIn) };
    let Some(item) = st.db.item_by_number(number.trim()).await? else { return Err(AppError::NotFound) };
    let access = u.access_item(item.facts.town_slug.as_deref(), item.facts.community_id);
    if !access.read {
        return Err(AppError::NotFound);
    }
    let supervising = step == Some(domain::staff::StaffAction::Supervise) && u.is_leadership();
    if !access.act && !supervising {
        return Err(AppError::Forbidden);
    }
    Ok((u, item))
}
