//! "My items" for residents who gave an email: sign in with a one-time code sent to that address,
//! then see every item submitted with it. And the mail preferences page behind the link in every
//! non-essential mail. Both render on the server and work with plain form posts.

use crate::i18n::{err, local_time, t};
use crate::pages::{field_error, server_trouble, set_status, use_lang};
use domain::{FieldError, Kind};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

/// The session key holding a signed-in resident's address.
pub const SESSION_RESIDENT: &str = "resident_email";
/// The session key holding the address a code was sent to (waiting for the code).
pub const SESSION_PENDING: &str = "resident_pending";

/// One of the resident's items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyItemRow {
    pub number: String,
    pub kind: Kind,
    pub title: String,
    pub status: String,
    pub token: String,
    pub submitted_at: i64,
}

/// What `/me` shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct MyItemsView {
    /// Signed in as this address.
    pub address: Option<String>,
    /// A code was sent to this address; waiting for it.
    pub pending: Option<String>,
    pub items: Vec<MyItemRow>,
    /// Projects this address supported or objected to, newest first.
    pub voices: Vec<MyVoiceRow>,
}

/// A project the resident gave a voice on, to follow it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyVoiceRow {
    pub number: String,
    pub title: String,
    pub status: String,
    /// `support` or `objection`.
    pub stance: String,
    pub at: i64,
}

/// A `/me` form posted without JavaScript that needs changes.
#[derive(Clone, Debug, Default)]
pub struct PostedMe {
    /// `email` or `code`.
    pub form: String,
    pub email: String,
    pub errors: Vec<FieldError>,
}

/// The mail preferences behind a link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailPrefsView {
    /// The address, partly hidden.
    pub address: String,
    pub updates_off: bool,
}

/// Hides most of an address: `wang.fang@example.org` → `wa***@example.org`.
pub fn mask_address(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => format!("{}***@{domain}", local.chars().take(2).collect::<String>()),
        None => "***".into(),
    }
}

#[server(endpoint = "get_my_items")]
pub async fn get_my_items() -> Result<MyItemsView, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    let Ok(session) = leptos_axum::extract::<tower_sessions::Session>().await else {
        return Ok(MyItemsView::default());
    };
    ops::my_items(&st, &session).await.map_err(|e| e.into_server_fn_error())
}

#[server(endpoint = "get_mail_prefs")]
pub async fn get_mail_prefs(token: String) -> Result<Option<MailPrefsView>, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    match st.db.mail_recipient(&token).await {
        Ok(r) => Ok(r.map(|(address, updates_off)| MailPrefsView { address: mask_address(&address), updates_off })),
        Err(e) => Err(crate::ops::OpError::from(e).into_server_fn_error()),
    }
}

/// `/me`: ask for a code, type it, then the list.
#[component]
pub fn MyItemsPage() -> impl IntoView {
    let lang = use_lang();
    let posted = use_context::<PostedMe>();
    if let Some(p) = &posted {
        set_status(if p.errors.iter().any(|e| e.code == "code_too_many") { 429 } else { 422 });
    }
    let other = use_query_map().read_untracked().get("other").is_some();
    let data = Resource::new(|| (), |_| get_my_items());
    view! {
        <Title text=format!("{} · {}", t(lang, "me.title"), t(lang, "app.name")) />
        <h1>{t(lang, "me.title")}</h1>
        <Suspense fallback=|| ()>
            {move || {
                let posted = posted.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(v) => view! { <MyItemsBody lang v posted other /> }.into_any(),
                        Err(_) => server_trouble(lang),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn MyItemsBody(lang: domain::Lang, v: MyItemsView, posted: Option<PostedMe>, other: bool) -> impl IntoView {
    if let Some(address) = v.address.filter(|_| posted.is_none()) {
        let empty = v.items.is_empty();
        let voices = v.voices.clone();
        let cards = v
            .items
            .into_iter()
            .map(|i| {
                let kind = if i.kind == Kind::Wish { "kind.wish" } else { "kind.project" };
                view! {
                    <li class="card my-item">
                        <p class="my-item-head"><a href=format!("/t/{}", i.token)>{i.number.clone()}</a>
                            " · " {t(lang, kind)}</p>
                        <p class="my-item-title">{i.title}</p>
                        <dl class="facts">
                            <dt>{t(lang, "me.col.status")}</dt><dd>{t(lang, &format!("status.{}", i.status))}</dd>
                            <dt>{t(lang, "me.col.submitted")}</dt><dd>{local_time(i.submitted_at)}</dd>
                        </dl>
                    </li>
                }
            })
            .collect_view();
        return view! {
            <p>{t(lang, "me.signed_in_as")} " " <strong class="address">{address}</strong></p>
            {if empty {
                view! { <p class="notice">{t(lang, "me.none")}</p> }.into_any()
            } else {
                view! { <ul class="my-items" aria-label=t(lang, "me.title")>{cards}</ul> }.into_any()
            }}
            {(!voices.is_empty()).then(|| view! {
                <h2 id="my-voices-h">{t(lang, "me.voices")}</h2>
                <ul class="my-items" aria-labelledby="my-voices-h">
                    {voices.into_iter().map(|r| view! {
                        <li class="card my-item">
                            <p class="my-item-head"><a href=format!("/projects/{}", r.number)>{r.number.clone()}</a></p>
                            <p class="my-item-title">{r.title}</p>
                            <dl class="facts">
                                <dt>{t(lang, "me.col.status")}</dt><dd>{t(lang, &format!("status.{}", r.status))}</dd>
                                <dt>{t(lang, "me.voice")}</dt><dd>{t(lang, &format!("me.stance.{}", r.stance))}" · "{local_time(r.at)}</dd>
                            </dl>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            <form method="post" action="/me/sign-out"><button type="submit" class="secondary">{t(lang, "me.sign_out")}</button></form>
        }
        .into_any();
    }
    let posted = posted.unwrap_or_default();
    let errors = posted.errors.clone();
    let code_step = v.pending.is_some() && posted.form != "email" && !other;
    if code_step {
        let code_err = field_error(&errors, lang, "code");
        let pending = v.pending.unwrap_or_default();
        return view! {
            <p class="notice good" role="status">{t(lang, "me.code_sent")} " " <strong>{pending.clone()}</strong></p>
            <form method="post" action="/me/verify" class="card lookup" novalidate>
                <div class="field">
                    <label for="code">{t(lang, "me.code")}</label>
                    <input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code"
                        maxlength="12" aria-invalid=code_err.is_some().then_some("true") aria-describedby="code-error" />
                    <p class="error" id="code-error">{code_err}</p>
                </div>
                <button type="submit" class="primary">{t(lang, "me.verify")}</button>
            </form>
            <form method="post" action="/me/code" class="inline">
                <input type="hidden" name="email" value=pending />
                <button type="submit">{t(lang, "me.resend")}</button>
            </form>
            <p><a href="/me?other=1">{t(lang, "me.other_email")}</a></p>
        }
        .into_any();
    }
    let email_err = field_error(&errors, lang, "email");
    view! {
        <p class="intro">{t(lang, "me.intro")}</p>
        <form method="post" action="/me/code" class="card lookup" novalidate>
            <div class="field">
                <label for="email">{t(lang, "me.email")}</label>
                <input type="email" id="email" name="email" autocomplete="email" value=posted.email
                    aria-invalid=email_err.is_some().then_some("true") aria-describedby="email-error" />
                <p class="error" id="email-error">{email_err}</p>
            </div>
            <button type="submit" class="primary">{t(lang, "me.send_code")}</button>
        </form>
        <p>{t(lang, "me.no_email")} " " <a href="/track">{t(lang, "nav.track")}</a></p>
    }
    .into_any()
}

/// `/mail/preferences/:token`: turn progress updates off or on again.
#[component]
pub fn MailPrefsPage() -> impl IntoView {
    let lang = use_lang();
    let token = use_params_map().read_untracked().get("token").unwrap_or_default();
    let saved = use_query_map().read_untracked().get("saved").is_some();
    let data = Resource::new(move || token.clone(), get_mail_prefs);
    let token = use_params_map().read_untracked().get("token").unwrap_or_default();
    view! {
        <Title text=format!("{} · {}", t(lang, "prefs.title"), t(lang, "app.name")) />
        <h1>{t(lang, "prefs.title")}</h1>
        <Suspense fallback=|| ()>
            {move || {
                let token = token.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(Some(p)) => view! {
                            {saved.then(|| view! { <p class="notice good" role="status">{t(lang, "prefs.saved")}</p> })}
                            <p>{t(lang, "prefs.for")} " " <strong>{p.address}</strong></p>
                            <form method="post" action=format!("/mail/preferences/{token}") class="card">
                                <fieldset>
                                    <legend>{t(lang, "prefs.updates")}</legend>
                                    <label class="choice"><input type="radio" name="updates" value="on" checked=!p.updates_off />
                                        {t(lang, "prefs.on")}</label>
                                    <label class="choice"><input type="radio" name="updates" value="off" checked=p.updates_off />
                                        {t(lang, "prefs.off")}</label>
                                </fieldset>
                                <p class="hint">{t(lang, "prefs.essential")}</p>
                                <button type="submit" class="primary">{t(lang, "prefs.save")}</button>
                            </form>
                        }
                        .into_any(),
                        Ok(None) => {
                            set_status(404);
                            view! { <p class="notice bad" role="alert">{err(lang, "prefs_unknown")}</p> }.into_any()
                        }
                        Err(_) => server_trouble(lang),
                    }
                })
            }}
        </Suspense>
    }
}

/// Server-side steps of the code sign-in (called by the form handlers in the server crate).
#[cfg(feature = "ssr")]
pub mod ops {
    use super::*;
    use crate::ops::OpResult;
    use crate::state::AppState;
    use domain::mail::code;
    use store::{CodeCheck, CodeRequest};
    use tower_sessions::Session;

    pub async fn my_items(st: &AppState, session: &Session) -> OpResult<MyItemsView> {
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

    /// Step 1: a code to this address (if it has items, or always when `for_voice`: a resident proving
    /// an address to support or object to a project; the answer is the same either way).
    pub async fn request_code(
        st: &AppState,
        session: &Session,
        email: &str,
        client: &str,
        lang: domain::Lang,
        for_voice: bool,
    ) -> OpResult<Result<(), Vec<FieldError>>> {
        let email = store::mail::normalise_address(email);
        if email.is_empty() {
            return Ok(Err(vec![FieldError::new("email", "required")]));
        }
        if !domain::validate::is_plausible_email(&email) {
            return Ok(Err(vec![FieldError::new("email", "email_invalid")]));
        }
        // The day's limits, counted atomically before the hour's (in the store, with the code).
        let limits = st.db.settings().await?.abuse;
        let subject = store::limits::personal_subject(&email);
        let mut tries = vec![(domain::abuse::Limit::CodesPerAddressDay, subject.as_str())];
        if !client.is_empty() {
            tries.push((domain::abuse::Limit::CodesPerClientDay, client));
        }
        if crate::limits::over_limit(st, &limits, &tries).await?.is_some() {
            return Ok(Err(vec![FieldError::new("email", "code_too_many")]));
        }
        let made = if for_voice {
            st.db.request_voice_code(&email, client, lang.code(), store::now()).await?
        } else {
            st.db.request_sign_in_code(&email, client, lang.code(), store::now()).await?
        };
        match made {
            CodeRequest::TooMany => Ok(Err(vec![FieldError::new("email", "code_too_many")])),
            CodeRequest::Made => {
                let _ = session.insert(SESSION_PENDING, email).await;
                Ok(Ok(()))
            }
        }
    }

    /// Step 2: the code typed. On success the session changes id and holds the address.
    pub async fn verify_code(st: &AppState, session: &Session, typed: &str) -> OpResult<Result<(), Vec<FieldError>>> {
        let pending: Option<String> = session.get(SESSION_PENDING).await.ok().flatten();
        let Some(address) = pending else { return Ok(Err(vec![FieldError::new("email", "code_expired")])) };
        if typed.trim().is_empty() {
            return Ok(Err(vec![FieldError::new("code", "required")]));
        }
        if code::normalise(typed).is_none() {
            return Ok(Err(vec![FieldError::new("code", "code_format")]));
        }
        let problem = match st.db.verify_sign_in_code(&address, typed, store::now()).await? {
            CodeCheck::Ok => {
                let _ = session.cycle_id().await;
                let _ = session.remove::<String>(SESSION_PENDING).await;
                let _ = session.insert(SESSION_RESIDENT, address).await;
                return Ok(Ok(()));
            }
            CodeCheck::Wrong => "code_wrong",
            CodeCheck::Expired => "code_expired",
            CodeCheck::Used => "code_used",
            CodeCheck::TooManyTries => "code_tries",
        };
        Ok(Err(vec![FieldError::new("code", problem)]))
    }
}
