//! Deadline texts for staff, on `/staff/password` under 短信提醒: a staff member proves a mobile with
//! a texted code; from then on new, reopened and supervised items and deadline warnings also come by
//! text; they can turn texts off again (the number is then forgotten). Plain forms posting to
//! `server::staff_routes::post_texts`; the server side is `texts_ops.rs`.

use super::api::get_staff_texts;
use super::{Guarded, PostedTexts, StaffTextsView};
use crate::ui::i18n::{t, tf};
use crate::ui::{field_error, set_status, use_lang};
use domain::Lang;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The 短信提醒 section of `/staff/password`.
#[component]
pub fn StaffTexts() -> impl IntoView {
    let lang = use_lang();
    let posted = use_context::<PostedTexts>().unwrap_or_default();
    if !posted.errors.is_empty() {
        set_status(422);
    }
    // "Code sent" is said by the code step itself, with the number; only the other two here.
    let done = use_query_map().read_untracked().get("done").filter(|d| matches!(d.as_str(), "texts_on" | "texts_off"));
    let data = Resource::new(|| (), |_| get_staff_texts());
    // Only staff who get item notices see the section at all (`domain::sms::staff_alerts`).
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let (posted, done) = (posted.clone(), done.clone());
                Suspend::new(async move {
                    match data.await {
                        Ok(Guarded::Ok(v)) => view! {
                            <section id="texts" class="card" aria-labelledby="texts-h">
                                <h2 id="texts-h">{t(lang, "texts.title")}</h2>
                                <p class="intro">{t(lang, "texts.intro")}</p>
                                {done.map(|d| view! { <p class="notice good" role="status">{t(lang, &format!("texts.done.{d}"))}</p> })}
                                {texts_body(lang, v, posted)}
                            </section>
                        }
                        .into_any(),
                        _ => ().into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

fn texts_body(lang: Lang, v: StaffTextsView, posted: PostedTexts) -> impl IntoView {
    let phone_err = field_error(&posted.errors, lang, "phone");
    let code_err = field_error(&posted.errors, lang, "code");
    let state = match (&v.phone, v.on) {
        (Some(p), true) => view! {
            <p>{tf(lang, "texts.on", &[("phone", p)])}</p>
            <form method="post" action="/staff/texts">
                <input type="hidden" name="step" value="off" />
                <button type="submit" class="secondary">{t(lang, "texts.turn_off")}</button>
            </form>
        }
        .into_any(),
        _ => view! { <p>{t(lang, "texts.off_now")}</p> }.into_any(),
    };
    let code_step = v.pending.clone().filter(|_| posted.step != "send").map(|p| {
        view! {
            <form method="post" action="/staff/texts" class="lookup" novalidate>
                <p class="notice" role="status">{tf(lang, "texts.code_sent", &[("phone", &p)])}</p>
                <input type="hidden" name="step" value="verify" />
                <div class="field">
                    <label for="texts-code">{t(lang, "texts.code")}</label>
                    <input type="text" id="texts-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="12"
                        aria-invalid=code_err.is_some().then_some("true") aria-describedby="code-error" />
                    <p class="error" id="code-error">{code_err.clone()}</p>
                </div>
                <button type="submit" class="primary">{t(lang, "texts.verify")}</button>
            </form>
        }
    });
    view! {
        {state}
        {code_step}
        <form method="post" action="/staff/texts" class="lookup" novalidate>
            <input type="hidden" name="step" value="send" />
            <div class="field">
                <label for="texts-phone">{t(lang, if v.pending.is_some() || v.phone.is_some() { "texts.phone_other" } else { "texts.phone" })}</label>
                <input type="tel" id="texts-phone" name="phone" autocomplete="tel" inputmode="tel" maxlength="20" value=posted.phone.clone()
                    aria-invalid=phone_err.is_some().then_some("true") aria-describedby="phone-error" />
                <p class="error" id="phone-error">{phone_err}</p>
            </div>
            <button type="submit" class="secondary">{t(lang, "texts.send")}</button>
        </form>
    }
}
