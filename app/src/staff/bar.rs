//! What every staff page shares: the bar with the signed-in person, and the refusal for the signed-out
//! and the not-allowed (with its status code). The dashboard and admin pages use them too.

use super::*;
use crate::ui::i18n::t;
use crate::ui::set_status;
use domain::{Lang, Role};
use leptos::prelude::*;

pub fn guarded_status<T>(g: &Guarded<T>) {
    match g {
        Guarded::Ok(_) => {}
        Guarded::SignIn => set_status(401),
        Guarded::Forbidden => set_status(403),
        Guarded::NotFound => set_status(404),
    }
}

#[component]
pub fn Refusal(lang: Lang, why: &'static str) -> impl IntoView {
    view! {
        <h1>{t(lang, &format!("staff.{why}.title"))}</h1>
        <p>{t(lang, &format!("staff.{why}.body"))}</p>
        <p><a class="btn" href="/staff/sign-in">{t(lang, "staff.sign_in")}</a></p>
    }
}

fn role_label(lang: Lang, me: &Me) -> String {
    let role = t(lang, &format!("role.{}", me.role.code()));
    match &me.town_name {
        Some(town) => format!("{role} · {town}"),
        None => role,
    }
}

/// Who is signed in, where they can go, and signing out.
#[component]
pub fn StaffBar(lang: Lang, me: Me) -> impl IntoView {
    let admin = me.role == Role::Admin;
    view! {
        <div class="staff-bar">
            <p><strong>{me.name.clone()}</strong>" · "{role_label(lang, &me)}</p>
            <nav aria-label=t(lang, "staff.nav")>
                {(!admin).then(|| view! { <a href="/staff">{t(lang, "staff.inbox")}</a> })}
                {(!admin).then(|| view! { <a href="/dashboard">{t(lang, "dash.title")}</a> })}
                {admin.then(|| view! { <a href="/staff/admin">{t(lang, "admin.title")}</a> })}
                <a href="/staff/password">{t(lang, "pw.title")}</a>
                {domain::sms::staff_alerts(me.role).then(|| view! { <a href="/staff/password#texts">{t(lang, "texts.title")}</a> })}
            </nav>
            <form method="post" action="/staff/sign-out">
                <button type="submit" class="secondary small">{t(lang, "staff.sign_out")}</button>
            </form>
        </div>
    }
}
