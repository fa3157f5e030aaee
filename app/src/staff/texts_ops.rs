//! Deadline texts for staff on the server: the state shown on `/staff/password`, and its three steps
//! (a code to a mobile, the code typed, texts off). Each step is audited without the number.

use super::StaffTextsView;
use crate::error::{AppError, AppResult};
use crate::staff::session::staff_of_session;
use crate::state::AppState;
use domain::abuse::Limit;
use domain::mask::mask_phone;
use domain::StaffUser;
use store::{CodeCheck, CodeRequest};
use tower_sessions::Session;

/// The session key holding the mobile a code was texted to.
const SESSION_PHONE_PENDING: &str = "staff_phone_pending";

/// What the signed-in staff member's texts look like now.
pub async fn texts_view(st: &AppState) -> AppResult<StaffTextsView> {
    let session = leptos_axum::extract::<Session>().await.map_err(|_| AppError::SignIn)?;
    let user = staff_of_session(st, &session).await?.ok_or(AppError::SignIn)?;
    if !domain::sms::staff_alerts(user.role) {
        return Err(AppError::Forbidden);
    }
    let (phone, on) = st.db.staff_sms(user.id).await?;
    let pending: Option<String> = session.get(SESSION_PHONE_PENDING).await.ok().flatten();
    Ok(StaffTextsView { phone: phone.as_deref().map(mask_phone), on, pending: pending.as_deref().map(mask_phone) })
}

/// One step posted from the 短信提醒 section; answers what the page says next (`code_sent`,
/// `texts_on`, `texts_off`).
pub async fn texts_post(
    st: &AppState,
    session: &Session,
    user: &StaffUser,
    step: &str,
    phone: &str,
    code: &str,
    client: &str,
) -> AppResult<&'static str> {
    if !domain::sms::staff_alerts(user.role) {
        return Err(AppError::Forbidden);
    }
    let now = store::now();
    let (done, audit) = match step {
        "send" => {
            let Some(phone) = domain::validate::normalise_mobile(phone) else {
                return Err(AppError::field(
                    "phone",
                    if phone.trim().is_empty() { "required" } else { "phone_invalid" },
                ));
            };
            // The day's limits per number and per account, then the hour's (in the store, with the code).
            let limits = st.db.settings().await?.abuse;
            let subject = store::limits::personal_subject(&phone);
            let account = format!("staff:{}", user.id);
            let tries = [(Limit::CodesPerAddressDay, subject.as_str()), (Limit::CodesPerClientDay, account.as_str())];
            if crate::limits::over_limit(st, &limits, &tries).await?.is_some() {
                return Err(AppError::field("phone", "code_too_many"));
            }
            match st.db.request_staff_phone_code(user.id, &phone, now).await? {
                CodeRequest::TooMany => return Err(AppError::field("phone", "code_too_many")),
                CodeRequest::Made => {
                    let _ = session.insert(SESSION_PHONE_PENDING, &phone).await;
                    ("code_sent", format!("staff_phone_code {}", mask_phone(&phone)))
                }
            }
        }
        "verify" => {
            let pending: Option<String> = session.get(SESSION_PHONE_PENDING).await.ok().flatten();
            let Some(phone) = pending else { return Err(AppError::field("code", "code_expired")) };
            if code.trim().is_empty() {
                return Err(AppError::field("code", "required"));
            }
            if domain::mail::code::normalise(code).is_none() {
                return Err(AppError::field("code", "code_format"));
            }
            let problem = match st.db.verify_staff_phone(user.id, &phone, code, now).await? {
                CodeCheck::Ok => None,
                CodeCheck::Wrong => Some("code_wrong"),
                CodeCheck::Expired => Some("code_expired"),
                CodeCheck::Used => Some("code_used"),
                CodeCheck::TooManyTries => Some("code_tries"),
            };
            if let Some(p) = problem {
                return Err(AppError::field("code", p));
            }
            let _ = session.remove::<String>(SESSION_PHONE_PENDING).await;
            ("texts_on", format!("staff_texts_on {}", mask_phone(&phone)))
        }
        "off" => {
            st.db.set_staff_sms_alerts(user.id, false, true).await?;
            let _ = session.remove::<String>(SESSION_PHONE_PENDING).await;
            ("texts_off", "staff_texts_off".to_string())
        }
        _ => return Err(AppError::field("phone", "required")),
    };
    let (action, detail) =
        audit.split_once(' ').map(|(a, d)| (a.to_string(), d.to_string())).unwrap_or((audit, String::new()));
    let entry = store::AuditEntry {
        at: now,
        actor: format!("staff:{}", user.email),
        action,
        detail,
        remote_addr: client.to_string(),
        user_id: Some(user.id),
    };
    st.db.audit(&entry, None).await?;
    Ok(done)
}
