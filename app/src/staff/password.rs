//! `/staff/password`: a staff member changes their own password — at once after an admin issued one
//! (every other staff page waits until then), or whenever they like from the staff bar. The form posts
//! to `server::staff_routes::post_password`; a change ends the account's other sessions. Below it,
//! the 短信提醒 section (`texts.rs`).

use crate::ui::i18n::t;
use crate::ui::{field_error, set_status, use_lang};
use domain::FieldError;
use leptos::prelude::*;
use leptos_meta::Title;

/// The password form posted with problems.
#[derive(Clone, Debug, Default)]
pub struct PostedPassword {
    pub errors: Vec<FieldError>,
}

/// `/staff/password`.
#[component]
pub fn StaffPasswordPage() -> impl IntoView {
    let lang = use_lang();
    let posted = use_context::<PostedPassword>().unwrap_or_default();
    if !posted.errors.is_empty() {
        set_status(422);
    }
    let errors = posted.errors;
    let field = move |name: &'static str, label: &'static str, autocomplete: &'static str, hint: Option<String>| {
        let e = field_error(&errors, lang, name);
        let described = if hint.is_some() { format!("{name}-hint {name}-error") } else { format!("{name}-error") };
        view! {
            <div class="field">
                <label for=name>{t(lang, label)}</label>
                {hint.map(|h| view! { <p class="hint" id=format!("{name}-hint")>{h}</p> })}
                <input type="password" id=name name=name autocomplete=autocomplete maxlength="200"
                    aria-invalid=e.is_some().then_some("true") aria-describedby=described />
                <p class="error" id=format!("{name}-error")>{e}</p>
            </div>
        }
    };
    view! {
        <Title text=format!("{} · {}", t(lang, "pw.title"), t(lang, "app.name")) />
        <h1>{t(lang, "pw.title")}</h1>
        <p class="intro">{t(lang, "pw.intro")}</p>
        <form method="post" action="/staff/password" class="card lookup" novalidate>
            {field("current", "pw.current", "current-password", None)}
            {field("new_password", "pw.new", "new-password", Some(t(lang, "pw.rule")))}
            {field("repeat", "pw.repeat", "new-password", None)}
            <button type="submit" class="primary">{t(lang, "pw.save")}</button>
        </form>
        <super::texts::StaffTexts />
        <form method="post" action="/staff/sign-out">
            <button type="submit" class="secondary">{t(lang, "staff.sign_out")}</button>
        </form>
    }
}
