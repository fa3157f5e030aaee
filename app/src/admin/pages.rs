//! The admin page (accounts, calendar, communities, mail) and its server function.

use super::api::*;
use super::*;
use crate::staff::Guarded;
use crate::ui::i18n::{local_time, t, tf};
use crate::ui::{field_error, server_trouble, set_status, use_lang};
use domain::{FieldError, Lang, Role};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AdminPage() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map().read_untracked();
    let (year, town) = (q.get("year").unwrap_or_default(), q.get("town").unwrap_or_default());
    let done = q.get("done");
    let posted = use_context::<PostedAdmin>();
    if posted.as_ref().is_some_and(|p| !p.errors.is_empty()) {
        set_status(422);
    }
    let data = Resource::new(
        move || (year.clone(), town.clone()),
        move |(y, t)| get_admin_view(y, t, lang.code().to_string()),
    );
    view! {
        <Title text=format!("{} · {}", t(lang, "admin.title"), t(lang, "app.name")) />
        <Suspense fallback=|| ()>
            {move || {
                let (done, posted) = (done.clone(), posted.clone());
                Suspend::new(async move {
                    match data.await {
                        Ok(Guarded::Ok(v)) => view! { <AdminBody lang v done posted=posted.unwrap_or_default() /> }.into_any(),
                        Ok(Guarded::SignIn) => { set_status(401); view! { <h1>{t(lang, "staff.sign_in_needed.title")}</h1> }.into_any() }
                        Ok(_) => {
                            set_status(403);
                            view! { <h1>{t(lang, "staff.forbidden.title")}</h1><p>{t(lang, "staff.forbidden.body")}</p> }.into_any()
                        }
                        Err(_) => server_trouble(lang),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn AdminBody(lang: Lang, v: AdminView, done: Option<String>, posted: PostedAdmin) -> impl IntoView {
    let errs = |form: &str| if posted.form == form { posted.errors.clone() } else { Vec::new() };
    let vals = |form: &str| if posted.form == form { posted.values.clone() } else { AdminForm::default() };
    let general = field_error(&posted.errors, lang, "form");
    let hidden = {
        let (year, town) = (v.year.to_string(), v.town.clone());
        move || view! { <input type="hidden" name="year" value=year.clone() /><input type="hidden" name="town" value=town.clone() /> }
    };
    let input = move |form: &'static str,
                      name: &'static str,
                      label: String,
                      value: String,
                      errors: &[FieldError],
                      kind: &'static str| {
        let e = field_error(errors, lang, name);
        let id = format!("{form}-{name}");
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input type=kind id=id.clone() name=name value=value aria-invalid=e.is_some().then_some("true") aria-describedby=format!("{id}-error") />
                <p class="error" id=format!("{id}-error")>{e}</p>
            </div>
        }
    };
    // Users
    let ua = vals("user_add");
    let ue = errs("user_add");
    let role_err = field_error(&ue, lang, "role");
    let town_err = field_error(&ue, lang, "town");
    let community_err = field_error(&ue, lang, "community");
    let user_add = view! {
        <form method="post" action="/staff/admin/user_add" class="card filters" novalidate>
            {hidden()}
            {input("user_add", "email", t(lang, "staff.email"), ua.email.clone(), &ue, "email")}
            {input("user_add", "name", t(lang, "admin.name"), ua.name.clone(), &ue, "text")}
            <div class="field">
                <label for="user_add-role">{t(lang, "admin.role")}</label>
                <select id="user_add-role" name="role" aria-invalid=role_err.is_some().then_some("true") aria-describedby="user_add-role-error">
                    <option value="">{t(lang, "staff.any")}</option>
                    {Role::ALL.iter().map(|r| view! { <option value=r.code() selected=ua.role == r.code()>{t(lang, &format!("role.{}", r.code()))}</option> }).collect_view()}
                </select>
                <p class="error" id="user_add-role-error">{role_err}</p>
            </div>
            <div class="field">
                <label for="user_add-town">{t(lang, "admin.town_for_staff")}</label>
                <select id="user_add-town" name="town" aria-invalid=town_err.is_some().then_some("true") aria-describedby="user_add-town-error">
                    <option value="">{t(lang, "staff.any")}</option>
                    {v.towns.iter().map(|tw| view! { <option value=tw.slug.clone() selected=ua.town == tw.slug>{tw.name.clone()}</option> }).collect_view()}
                </select>
                <p class="error" id="user_add-town-error">{town_err}</p>
            </div>
            <div class="field">
                <label for="user_add-community">{t(lang, "admin.community_for_worker")}</label>
                <input type="text" id="user_add-community" name="community" value=ua.community.clone()
                    aria-invalid=community_err.is_some().then_some("true") aria-describedby="user_add-community-error" />
                <p class="error" id="user_add-community-error">{community_err}</p>
            </div>
            <div class="two-buttons"><button type="submit" class="primary">{t(lang, "admin.invite")}</button></div>
        </form>
    };
    let hid2 = hidden.clone();
    let accounts = v.accounts.iter().map(|a| {
        let toggle = if a.active { ("user_disable", "admin.disable") } else { ("user_enable", "admin.enable") };
        let id = a.id.to_string();
        view! {
            <tr>
                <td>{a.email.clone()}</td>
                <td>{a.name.clone()}</td>
                <td>{t(lang, &format!("role.{}", a.role.code()))}{a.town_name.clone().map(|n| format!(" · {n}"))}</td>
                <td>{t(lang, if a.active { "admin.active" } else { "admin.disabled" })}</td>
                <td>{a.last_sign_in_at.map(local_time).unwrap_or_default()}</td>
                <td class="row-actions">
                    <form method="post" action=format!("/staff/admin/{}", toggle.0)>{hid2()}<input type="hidden" name="id" value=id.clone() />
                        <button type="submit" class="secondary small" aria-label=format!("{} {}", t(lang, toggle.1), a.email)>{t(lang, toggle.1)}</button></form>
                    <form method="post" action="/staff/admin/user_reset">{hid2()}<input type="hidden" name="id" value=id.clone() />
                        <button type="submit" class="secondary small" aria-label=format!("{} {}", t(lang, "admin.reset"), a.email)>{t(lang, "admin.reset")}</button></form>
                </td>
            </tr>
        }
    }).collect_view();
    // Settings
    let se = errs("settings");
    let sv = if posted.form == "settings" { posted.values.settings.clone() } else { v.settings.clone() };
    let settings_fields: Vec<(&'static str, String)> = vec![
        ("wish_cap_yuan", sv.wish_cap_yuan.clone()),
        ("urgent_wish_cap_yuan", sv.urgent_wish_cap_yuan.clone()),
        ("project_cap_yuan", sv.project_cap_yuan.clone()),
        ("acceptance_hours", sv.acceptance_hours.clone()),
        ("urgent_wish_working_days", sv.urgent_wish_working_days.clone()),
        ("wish_months", sv.wish_months.clone()),
        ("project_decision_days", sv.project_decision_days.clone()),
        ("project_build_months", sv.project_build_months.clone()),
        ("due_soon_working_days", sv.due_soon_working_days.clone()),
        ("claim_hold_days", sv.claim_hold_days.clone()),
        ("sign_for_working_hours", sv.sign_for_working_hours.clone()),
        ("office_open", sv.office_open.clone()),
        ("office_close", sv.office_close.clone()),
        ("return_working_days", sv.return_working_days.clone()),
        ("extension_wish_working_days", sv.extension_wish_working_days.clone()),
        ("extension_project_months", sv.extension_project_months.clone()),
        ("max_extensions", sv.max_extensions.clone()),
        ("supervision_working_days", sv.supervision_working_days.clone()),
        ("escalation_working_days", sv.escalation_working_days.clone()),
        ("callback_days", sv.callback_days.clone()),
        ("rectify_working_days", sv.rectify_working_days.clone()),
    ];
    // Abuse limits
    let le = errs("limits");
    let lv = vals("limits");
    let limit_fields: Vec<(&'static str, String, String)> = v
        .abuse
        .iter()
        .map(|(l, max)| {
            let typed = if posted.form == "limits" { lv.more.get(l.field()).cloned() } else { None };
            (l.field(), t(lang, &format!("admin.{}", l.field())), typed.unwrap_or_else(|| max.to_string()))
        })
        .collect();
    // Calendar
    let de = errs("day_set");
    let dv = vals("day_set");
    let kind_err = field_error(&de, lang, "day_kind");
    let hid3 = hidden.clone();
    let days = v.days.iter().map(|d| view! {
        <tr>
            <td>{d.day.clone()}</td>
            <td>{t(lang, if d.holiday { "admin.holiday" } else { "admin.workday" })}</td>
            <td>{d.note.clone()}</td>
            <td><form method="post" action="/staff/admin/day_delete">{hid3()}<input type="hidden" name="day" value=d.day.clone() />
                <button type="submit" class="secondary small" aria-label=format!("{} {}", t(lang, "admin.remove"), d.day)>{t(lang, "admin.remove")}</button></form></td>
        </tr>
    }).collect_view();
    // Communities
    let ce = errs("community_add");
    let cv = vals("community_add");
    let hid4 = hidden.clone();
    let communities = v.communities.iter().map(|c| {
        let toggle = if c.active { ("community_disable", "admin.disable") } else { ("community_enable", "admin.enable") };
        let id = c.id.to_string();
        let rename_id = format!("rename-{}", c.id);
        view! {
            <tr>
                <td>{c.name.clone()}</td>
                <td>{t(lang, if c.kind == "village" { "admin.village" } else { "admin.community" })}</td>
                <td>{t(lang, if c.active { "admin.active" } else { "admin.disabled" })}</td>
                <td class="row-actions">
                    <form method="post" action="/staff/admin/community_rename">{hid4()}<input type="hidden" name="id" value=id.clone() />
                        <label class="sr-only" for=rename_id.clone()>{format!("{} {}", t(lang, "admin.rename"), c.name)}</label>
                        <input type="text" id=rename_id name="name" value=c.name.clone() maxlength="40" />
                        <button type="submit" class="secondary small">{t(lang, "admin.rename")}</button></form>
                    <form method="post" action=format!("/staff/admin/{}", toggle.0)>{hid4()}<input type="hidden" name="id" value=id.clone() />
                        <button type="submit" class="secondary small" aria-label=format!("{} {}", t(lang, toggle.1), c.name)>{t(lang, toggle.1)}</button></form>
                </td>
            </tr>
        }
    }).collect_view();
    // Budgets
    let be = errs("budget_set");
    let bv = vals("budget_set");
    let budget_town = if bv.budget_town.is_empty() { v.town.clone() } else { bv.budget_town.clone() };
    let budget_year = if bv.budget_year.is_empty() { v.year.to_string() } else { bv.budget_year.clone() };
    let btown_err = field_error(&be, lang, "budget_town");
    let budget_rows = v
        .budgets
        .iter()
        .map(|(slug, name, yuan)| view! {
            <tr data-town=slug.clone()><td>{name.clone()}</td><td>{tf(lang, "yuan", &[("n", &crate::ui::i18n::thousands(*yuan))])}</td></tr>
        })
        .collect_view();
    let budget_section = view! {
        <section id="budgets" aria-labelledby="budgets-h">
            <h2 id="budgets-h">{tf(lang, "admin.budgets", &[("year", &v.year.to_string())])}</h2>
            <p class="hint">{t(lang, "admin.budgets.hint")}</p>
            <form method="post" action="/staff/admin/budget_set" class="card filters" novalidate>
                {hidden()}
                <div class="field">
                    <label for="budget_set-budget_town">{t(lang, "f.town")}</label>
                    <select id="budget_set-budget_town" name="budget_town" aria-invalid=btown_err.is_some().then_some("true") aria-describedby="budget_set-budget_town-error">
                        {v.towns.iter().map(|tw| view! { <option value=tw.slug.clone() selected=budget_town == tw.slug>{tw.name.clone()}</option> }).collect_view()}
                    </select>
                    <p class="error" id="budget_set-budget_town-error">{btown_err}</p>
                </div>
                {input("budget_set", "budget_year", t(lang, "admin.budget_year"), budget_year, &be, "text")}
                {input("budget_set", "amount", t(lang, "admin.budget_amount"), bv.amount.clone(), &be, "text")}
                <div class="two-buttons"><button type="submit" class="primary">{t(lang, "admin.save")}</button></div>
            </form>
            <div class="table-wrap"><table class="inbox">
                <thead><tr><th scope="col">{t(lang, "f.town")}</th><th scope="col">{t(lang, "admin.budget_amount")}</th></tr></thead>
                <tbody>{budget_rows}</tbody>
            </table></div>
        </section>
    };
    // Open311 keys
    let ke = errs("key_issue");
    let kv = vals("key_issue");
    let hid5 = hidden.clone();
    let keys = v.open311_keys.iter().map(|k| {
        let id = k.id.to_string();
        let state = match k.revoked_at {
            Some(at) => format!("{} {}", t(lang, "admin.open311.revoked"), local_time(at)),
            None => t(lang, "admin.active"),
        };
        view! {
            <tr>
                <td>{k.label.clone()}</td>
                <td><code>{format!("{}…", k.hint)}</code></td>
                <td>{local_time(k.created_at)}</td>
                <td>{k.requests}</td>
                <td>{k.last_used_at.map(local_time).unwrap_or_default()}</td>
                <td>{state}</td>
                <td class="row-actions">
                    {k.revoked_at.is_none().then(|| view! {
                        <form method="post" action="/staff/admin/key_revoke">{hid5()}<input type="hidden" name="id" value=id.clone() />
                            <button type="submit" class="secondary small" aria-label=format!("{} {}", t(lang, "admin.open311.revoke"), k.label)>{t(lang, "admin.open311.revoke")}</button></form>
                    })}
                </td>
            </tr>
        }
    }).collect_view();
    let no_keys = v.open311_keys.is_empty();
    let open311_section = view! {
        <section id="open311" aria-labelledby="open311-h">
            <h2 id="open311-h">{t(lang, "admin.open311.title")}</h2>
            <p class="hint">{t(lang, "admin.open311.intro")}</p>
            {posted.new_key.clone().map(|(label, key)| view! {
                <div class="notice good" role="status">
                    <p>{t(lang, "admin.open311.new_key")}</p>
                    <p>{label}</p>
                    <p class="link"><code class="open311-key">{key}</code></p>
                </div>
            })}
            <form method="post" action="/staff/admin/key_issue" class="card filters" novalidate>
                {hidden()}
                {input("key_issue", "name", t(lang, "admin.open311.label"), kv.name.clone(), &ke, "text")}
                <div class="two-buttons"><button type="submit" class="primary">{t(lang, "admin.open311.issue")}</button></div>
            </form>
            {if no_keys {
                view! { <p>{t(lang, "admin.open311.none")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap"><table class="inbox">
                        <thead><tr>
                            <th scope="col">{t(lang, "admin.open311.label")}</th><th scope="col">{t(lang, "admin.open311.hint")}</th>
                            <th scope="col">{t(lang, "admin.created")}</th><th scope="col">{t(lang, "admin.open311.requests")}</th>
                            <th scope="col">{t(lang, "admin.open311.last_used")}</th><th scope="col">{t(lang, "admin.state")}</th>
                            <th scope="col">{t(lang, "staff.actions")}</th>
                        </tr></thead>
                        <tbody>{keys}</tbody>
                    </table></div>
                }.into_any()
            }}
        </section>
    };
    let year = v.year;
    let town = v.town.clone();
    view! {
        <crate::staff::bar::StaffBar lang me=v.me.clone() />
        <h1>{t(lang, "admin.title")}</h1>
        {done.map(|_| view! { <p class="notice good" role="status">{t(lang, "staff.done")}</p> })}
        {general.map(|g| view! { <p class="notice bad" role="alert">{g}</p> })}
        {posted.one_time_password.clone().map(|(email, pw)| view! {
            <div class="notice good" role="status">
                <p>{tf(lang, "admin.one_time", &[("email", &email)])}</p>
                <p class="link"><code class="one-time-password">{pw}</code></p>
            </div>
        })}
        <section id="users" aria-labelledby="users-h">
            <h2 id="users-h">{t(lang, "admin.users")}</h2>
            {user_add}
            <div class="table-wrap"><table class="inbox">
                <thead><tr>
                    <th scope="col">{t(lang, "staff.email")}</th><th scope="col">{t(lang, "admin.name")}</th><th scope="col">{t(lang, "admin.role")}</th>
                    <th scope="col">{t(lang, "admin.state")}</th><th scope="col">{t(lang, "admin.last_sign_in")}</th><th scope="col">{t(lang, "staff.actions")}</th>
                </tr></thead>
                <tbody>{accounts}</tbody>
            </table></div>
        </section>
        <section id="settings" aria-labelledby="settings-h">
            <h2 id="settings-h">{t(lang, "admin.settings")}</h2>
            <form method="post" action="/staff/admin/settings" class="card filters" novalidate>
                {hidden()}
                {settings_fields.into_iter().map(|(name, value)| input("settings", name, t(lang, &format!("admin.s.{name}")), value, &se, "text")).collect_view()}
                <div class="two-buttons"><button type="submit" class="primary">{t(lang, "admin.save")}</button></div>
            </form>
        </section>
        <section id="limits" aria-labelledby="limits-h">
            <h2 id="limits-h">{t(lang, "admin.limits")}</h2>
            <p class="hint">{t(lang, "admin.limits.intro")}</p>
            <form method="post" action="/staff/admin/limits" class="card filters" novalidate>
                {hidden()}
                {limit_fields.into_iter().map(|(name, label, value)| input("limits", name, label, value, &le, "number")).collect_view()}
                <div class="two-buttons"><button type="submit" class="primary">{t(lang, "admin.save")}</button></div>
            </form>
        </section>
        <section id="calendar" aria-labelledby="calendar-h">
            <h2 id="calendar-h">{tf(lang, "admin.calendar", &[("year", &year.to_string())])}</h2>
            <nav class="pager" aria-label=t(lang, "admin.years")>
                <a href=format!("?year={}&town={town}#calendar", year - 1)>{(year - 1).to_string()}</a>
                <a href=format!("?year={}&town={town}#calendar", year + 1)>{(year + 1).to_string()}</a>
            </nav>
            <form method="post" action="/staff/admin/day_set" class="card filters" novalidate>
                {hidden()}
                {input("day_set", "day", t(lang, "admin.day"), dv.day.clone(), &de, "date")}
                <div class="field">
                    <label for="day_set-day_kind">{t(lang, "admin.day_kind")}</label>
                    <select id="day_set-day_kind" name="day_kind" aria-invalid=kind_err.is_some().then_some("true") aria-describedby="day_set-day_kind-error">
                        <option value="holiday" selected=dv.day_kind != "workday">{t(lang, "admin.holiday")}</option>
                        <option value="workday" selected=dv.day_kind == "workday">{t(lang, "admin.workday")}</option>
                    </select>
                    <p class="error" id="day_set-day_kind-error">{kind_err}</p>
                </div>
                {input("day_set", "note", t(lang, "admin.note"), dv.note.clone(), &de, "text")}
                <div class="two-buttons"><button type="submit" class="primary">{t(lang, "admin.save")}</button></div>
            </form>
            <div class="table-wrap"><table class="inbox">
                <thead><tr><th scope="col">{t(lang, "admin.day")}</th><th scope="col">{t(lang, "admin.day_kind")}</th><th scope="col">{t(lang, "admin.note")}</th><th scope="col">{t(lang, "staff.actions")}</th></tr></thead>
                <tbody>{days}</tbody>
            </table></div>
        </section>
        {budget_section}
        {open311_section}
        <section id="mail" aria-labelledby="mail-h">
            <h2 id="mail-h">{t(lang, "admin.mail")}</h2>
            {match v.mail.smtp_host.clone() {
                Some(host) => view! { <p>{tf(lang, "admin.mail.smtp", &[("host", &host)])}</p> }.into_any(),
                None => view! { <p class="notice bad" role="status">{tf(lang, "admin.mail.files", &[("dir", &v.mail.dir)])}</p> }.into_any(),
            }}
            <p>{if v.mail.counts.is_empty() { t(lang, "admin.mail.empty") } else {
                v.mail.counts.iter().map(|(s, n)| format!("{} {n}", t(lang, &format!("admin.mail.s.{s}")))).collect::<Vec<_>>().join(" · ")
            }}</p>
            <h3>{t(lang, "admin.sms")}</h3>
            {match v.mail.sms_gateway.clone() {
                Some((kind, address)) => view! { <p>{tf(lang, "admin.sms.gateway", &[("kind", &kind), ("address", &address)])}</p> }.into_any(),
                None => view! { <p class="notice bad" role="status">{tf(lang, "admin.sms.files", &[("dir", &v.mail.dir)])}</p> }.into_any(),
            }}
            <p>{tf(lang, "admin.sms.day", &[("n", &v.mail.sms_day.0.to_string()), ("parts", &v.mail.sms_day.1.to_string())])}</p>
            <details>
                <summary>{t(lang, "admin.sms.templates")}</summary>
                <div class="table-wrap" tabindex="0" role="region" aria-label=t(lang, "admin.sms.templates")><table class="inbox">
                    <thead><tr><th scope="col">{t(lang, "admin.sms.template")}</th>
                        <th scope="col" lang="zh-Hans">"简体中文"</th><th scope="col" lang="zh-Hant">"繁體中文"</th><th scope="col" lang="en">"English"</th></tr></thead>
                    <tbody>{sms_template_rows(&v.mail.sms_templates).into_iter().map(|(name, cells)| view! {
                        <tr><td>{name}</td>{cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr>
                    }).collect_view()}</tbody>
                </table></div>
                <p class="hint">{t(lang, "admin.sms.cell")}</p>
            </details>
            {(!v.mail.problems.is_empty()).then(|| view! {
                <div class="table-wrap"><table class="inbox">
                    <thead><tr>
                        <th scope="col">"#"</th><th scope="col">{t(lang, "admin.mail.to")}</th><th scope="col">{t(lang, "admin.mail.kind")}</th>
                        <th scope="col">{t(lang, "admin.state")}</th><th scope="col">{t(lang, "admin.mail.error")}</th><th scope="col">{t(lang, "staff.actions")}</th>
                    </tr></thead>
                    <tbody>{v.mail.problems.iter().map(|m| {
                        let id = m.id.to_string();
                        view! {
                            <tr>
                                <td>{id.clone()}</td>
                                <td>{m.to.clone()}</td>
                                <td>{t(lang, &format!("admin.channel.{}", m.channel))}" · "{m.kind.clone()}{m.item_number.clone().map(|n| format!(" · {n}"))}</td>
                                <td>{t(lang, &format!("admin.mail.s.{}", m.status))}{format!(" ({})", m.attempts)}</td>
                                <td>{m.last_error.clone()}</td>
                                <td class="row-actions">
                                    <form method="post" action="/staff/admin/mail_retry">{hidden()}<input type="hidden" name="id" value=id.clone() />
                                        <button type="submit" class="secondary small" aria-label=format!("{} #{id}", t(lang, "admin.mail.retry"))>{t(lang, "admin.mail.retry")}</button></form>
                                </td>
                            </tr>
                        }
                    }).collect_view()}</tbody>
                </table></div>
            })}
        </section>
        <section id="communities" aria-labelledby="communities-h">
            <h2 id="communities-h">{t(lang, "admin.communities")}</h2>
            <form method="get" action="/staff/admin" class="filters">
                <input type="hidden" name="year" value=year.to_string() />
                <div class="field">
                    <label for="c-town">{t(lang, "track.town")}</label>
                    <select id="c-town" name="town">
                        {v.towns.iter().map(|tw| view! { <option value=tw.slug.clone() selected=tw.slug == v.town>{tw.name.clone()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="two-buttons"><button type="submit" class="primary">{t(lang, "staff.filter")}</button></div>
            </form>
            <form method="post" action="/staff/admin/community_add" class="card filters" novalidate>
                {hidden()}
                {input("community_add", "name", t(lang, "admin.community_name"), cv.name.clone(), &ce, "text")}
                <div class="field">
                    <label for="community_add-kind">{t(lang, "admin.day_kind")}</label>
                    <select id="community_add-kind" name="kind">
                        <option value="community" selected=cv.kind != "village">{t(lang, "admin.community")}</option>
                        <option value="village" selected=cv.kind == "village">{t(lang, "admin.village")}</option>
                    </select>
                </div>
                <div class="two-buttons"><button type="submit" class="primary">{t(lang, "admin.add")}</button></div>
            </form>
            <div class="table-wrap"><table class="inbox">
                <thead><tr><th scope="col">{t(lang, "admin.community_name")}</th><th scope="col">{t(lang, "admin.day_kind")}</th><th scope="col">{t(lang, "admin.state")}</th><th scope="col">{t(lang, "staff.actions")}</th></tr></thead>
                <tbody>{communities}</tbody>
            </table></div>
        </section>
    }
}

/// The text templates' sizes as rows: a template, then "parts (units)" in Simplified, Traditional and
/// English.
fn sms_template_rows(sizes: &[(String, String, i64, i64)]) -> Vec<(String, Vec<String>)> {
    let mut rows: Vec<(String, Vec<String>)> = Vec::new();
    for (name, lang, parts, units) in sizes {
        let col = match lang.as_str() {
            "zh-Hans" => 0,
            "zh-Hant" => 1,
            _ => 2,
        };
        if rows.last().is_none_or(|(n, _)| n != name) {
            rows.push((name.clone(), vec![String::new(); 3]));
        }
        if let Some((_, cells)) = rows.last_mut() {
            cells[col] = format!("{parts} ({units})");
        }
    }
    rows
}
