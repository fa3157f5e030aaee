//! "My items" on the server: one-time codes, the signed-in address, the list.

use super::*;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use domain::mail::code;
use store::{CodeCheck, CodeRequest};
use tower_sessions::Session;

pub async fn my_items(st: &AppState, session: &Session) -> AppResult<MyItemsView> {
    let address: Option<String> = session.get(SESSION_RESIDENT).await.ok().flatten();
    let pending: Option<String> = session.get(SESSION_PENDING).await.ok().flatten();
    let items = match &address {
        Some(a) => st
            .db
            .items_of_address(a)
            .await?
            .into_iter()
            .map(|i| MyItemRow {
                number: i.number,
                kind: i.kind,
                title: i.title,
                status: i.status,
                token: i.token,
                submitted_at: i.submitted_at,
            })
            .collect(),
        None => Vec::new(),
    };
    let voices = match &address {
        Some(a) => st
            .db
            .projects_voiced_by(a)
            .await?
            .into_iter()
            .map(|(p, v)| MyVoiceRow {
                number: p.number,
                title: p.title,
                status: p.status.code().to_string(),
                stance: v.stance.code().to_string(),
                at: v.at,
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(MyItemsView { address, pending, items, voices })
}

/// Step 1: a code to this address — an email, or a mobile number by text — (if it has items, or
/// always when `for_voice`: a resident proving an address to support or object to a project; the
/// answer is the same either way).
pub async fn request_code(
    st: &AppState,
    session: &Session,
    email: &str,
    client: &str,
    lang: domain::Lang,
    for_voice: bool,
) -> AppResult<()> {
    // An email address, or a mobile number (the code then comes by text).
    let email = store::mail::normalise_address(email);
    if email.is_empty() {
        return Err(AppError::field("email", "required"));
    }
    match domain::sms::Channel::of(&email) {
        Some((domain::sms::Channel::Sms, _)) => {}
        _ if email.contains('@') => {
            if !domain::validate::is_plausible_email(&email) {
                return Err(AppError::field("email", "email_invalid"));
            }
        }
        _ => return Err(AppError::field("email", "address_invalid")),
    }
    // The day's limits, counted atomically before the hour's (in the store, with the code).
    let limits = st.db.settings().await?.abuse;
    let subject = store::limits::personal_subject(&email);
    let mut tries = vec![(domain::abuse::Limit::CodesPerAddressDay, subject.as_str())];
    if !client.is_empty() {
        tries.push((domain::abuse::Limit::CodesPerClientDay, client));
    }
    if crate::limits::over_limit(st, &limits, &tries).await?.is_some() {
        return Err(AppError::field("email", "code_too_many"));
    }
    let made = if for_voice {
        st.db.request_voice_code(&email, client, lang.code(), store::now()).await?
    } else {
        st.db.request_sign_in_code(&email, client, lang.code(), store::now()).await?
    };
    match made {
        CodeRequest::TooMany => Err(AppError::field("email", "code_too_many")),
        CodeRequest::Made => {
            let _ = session.insert(SESSION_PENDING, email).await;
            Ok(())
        }
    }
}

/// Step 2: the code typed. On success the session changes id and holds the address.
pub async fn verify_code(st: &AppState, session: &Session, typed: &str) -> AppResult<()> {
    let pending: Option<String> = session.get(SESSION_PENDING).await.ok().flatten();
    let Some(address) = pending else { return Err(AppError::field("email", "code_expired")) };
    if typed.trim().is_empty() {
        return Err(AppError::field("code", "required"));
    }
    if code::normalise(typed).is_none() {
        return Err(AppError::field("code", "code_format"));
    }
    let problem = match st.db.verify_sign_in_code(&address, typed, store::now()).await? {
        CodeCheck::Ok => {
            let _ = session.cycle_id().await;
            let _ = session.remove::<String>(SESSION_PENDING).await;
            let _ = session.insert(SESSION_RESIDENT, address).await;
            return Ok(());
        }
        CodeCheck::Wrong => "code_wrong",
        CodeCheck::Expired => "code_expired",
        CodeCheck::Used => "code_used",
        CodeCheck::TooManyTries => "code_tries",
    };
    Err(AppError::field("code", problem))
}
