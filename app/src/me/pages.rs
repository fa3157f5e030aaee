//! The "my items" and mail preference pages and their server functions.

use super::api::*;
use super::*;
use crate::ui::i18n::{err, local_time, t};
use crate::ui::{field_error, server_trouble, set_status, use_lang};
use domain::Kind;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

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
                        <p class="my-item-title" lang=crate::ui::text_lang(lang, &i.title)>{i.title.clone()}</p>
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
                            <p class="my-item-title" lang=crate::ui::text_lang(lang, &r.title)>{r.title.clone()}</p>
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
                <input type="text" id="email" name="email" autocomplete="username" spellcheck="false" autocapitalize="none" value=posted.email
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
