//! `/staff/admin`: accounts (invite, disable, reset), caps and deadlines, the working-day calendar
//! (holidays and 调休 per year) and the villages/communities of each town. Admins only, checked on the
//! server in the page's server function and in every form post.

use crate::api::TownOption;
use crate::i18n::{local_time, t, tf};
use crate::pages::{field_error, server_trouble, set_status, use_lang};
use crate::staff::{Guarded, Me};
use domain::staff::SettingsInput;
use domain::{FieldError, Lang, Role};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// A staff account as the admin page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountView {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub town_name: Option<String>,
    pub active: bool,
    pub last_sign_in_at: Option<i64>,
}

/// A special day of the calendar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayView {
    pub day: String,
    pub holiday: bool,
    pub note: String,
}

/// A village/community with its state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunityView {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub active: bool,
}

/// Everything the admin page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminView {
    pub me: Me,
    pub accounts: Vec<AccountView>,
    pub towns: Vec<TownOption>,
    pub settings: SettingsInput,
    pub year: i32,
    pub days: Vec<DayView>,
    pub town: String,
    pub communities: Vec<CommunityView>,
    pub mail: MailView,
    /// Towns' micro-project allocations for `year`: (town slug, town name, yuan).
    pub budgets: Vec<(String, String, i64)>,
    /// The abuse limits now: (limit, maximum).
    pub abuse: Vec<(domain::abuse::Limit, i64)>,
}

/// The mail outbox at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MailView {
    /// `Some(host)` with a mail server; `None` when mails are written to files.
    pub smtp_host: Option<String>,
    /// The folder mails are written to without a mail server.
    pub dir: String,
    /// Mails per status.
    pub counts: Vec<(String, i64)>,
    /// Parked and uncertain mails, newest first (at most 50).
    pub problems: Vec<store_types::OutboxEntryView>,
}

/// Plain copies of store types the page needs (the store is server-only).
pub mod store_types {
    use serde::{Deserialize, Serialize};

    /// A mail that needs an admin.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct OutboxEntryView {
        pub id: i64,
        pub kind: String,
        pub to: String,
        pub status: String,
        pub attempts: i64,
        pub created_at: i64,
        pub last_error: String,
        pub item_number: Option<String>,
    }
}

/// Any admin form, as posted (each form uses some of the fields).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AdminForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub town: String,
    #[serde(default)]
    pub id: String,
    #[serde(flatten)]
    pub settings: SettingsInput,
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub day_kind: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub budget_town: String,
    #[serde(default)]
    pub budget_year: String,
    #[serde(default)]
    pub amount: String,
    /// The abuse limits form (`limit_{code}` fields) and any other field, as typed.
    #[serde(flatten)]
    pub more: std::collections::BTreeMap<String, String>,
}

/// An admin form that needs changes, or the one-time password of an account just made or reset.
#[derive(Clone, Debug, Default)]
pub struct PostedAdmin {
    pub form: String,
    pub values: AdminForm,
    pub errors: Vec<FieldError>,
    /// `(email, password)` shown once after an invitation or a reset.
    pub one_time_password: Option<(String, String)>,
}

/// The admin page's data for a calendar year and a town.
#[server(endpoint = "admin_view")]
pub async fn get_admin_view(year: String, town: String, lang: String) -> Result<Guarded<AdminView>, ServerFnError> {
    let st = expect_context::<crate::state::AppState>();
    let lang = Lang::from_code(&lang).unwrap_or_default();
    ops::admin_view(&st, &year, &town, lang).await.map_err(|e| e.into_server_fn_error())
}

#[cfg(feature = "ssr")]
pub mod ops {
    //! The admin operations on the server.
    use super::*;
    use crate::ops::OpResult;
    use crate::state::AppState;
    use domain::StaffUser;
    use store::StoreError;

    pub async fn admin_view(st: &AppState, year: &str, town: &str, lang: Lang) -> OpResult<Guarded<AdminView>> {
        let Some(u) = crate::staff_ops::current_staff(st).await? else { return Ok(Guarded::SignIn) };
        if !u.can_administer() {
            return Ok(Guarded::Forbidden);
        }
        let towns = st.db.towns().await?;
        let now_year = domain::Date::from_timestamp(store::now()).year;
        let year = year.trim().parse::<i32>().ok().filter(|y| (2020..=2100).contains(y)).unwrap_or(now_year);
        let town = if towns.iter().any(|t| t.slug == town) { town.to_string() } else { towns[0].slug.clone() };
        let settings = st.db.settings().await?;
        Ok(Guarded::Ok(AdminView {
            me: Me { name: u.name.clone(), email: u.email.clone(), role: u.role, town_name: None },
            accounts: st
                .db
                .staff_accounts()
                .await?
                .into_iter()
                .map(|a| AccountView {
                    id: a.user.id,
                    email: a.user.email,
                    name: a.user.name,
                    role: a.user.role,
                    town_name: crate::ops::town_name(&towns, a.user.town_slug.as_deref(), lang),
                    active: a.active,
                    last_sign_in_at: a.last_sign_in_at,
                })
                .collect(),
            towns: towns.iter().map(|t| TownOption { slug: t.slug.clone(), name: t.name(lang).to_string() }).collect(),
            settings: SettingsInput {
                claim_hold_days: settings.claim_hold_days.to_string(),
                ..SettingsInput::from_current(&settings.limits, &settings.deadlines)
            },
            abuse: domain::abuse::Limit::ALL.iter().map(|l| (*l, settings.abuse.max(*l))).collect(),
            year,
            days: st
                .db
                .calendar_days(year)
                .await?
                .into_iter()
                .map(|d| DayView { day: d.day.to_string(), holiday: d.kind == "holiday", note: d.note })
                .collect(),
            communities: st
                .db
                .communities_for_admin(&town)
                .await?
                .into_iter()
                .map(|c| CommunityView {
                    id: c.community.id,
                    name: c.community.name,
                    kind: c.community.kind,
                    active: c.active,
                })
                .collect(),
            town,
            mail: mail_view(st).await?,
            budgets: st
                .db
                .town_budgets(year)
                .await?
                .into_iter()
                .filter_map(|b| {
                    let name = crate::ops::town_name(&towns, Some(&b.town_slug), lang)?;
                    Some((b.town_slug, name, b.line.allocation_yuan?))
                })
                .collect(),
        }))
    }

    async fn mail_view(st: &AppState) -> OpResult<MailView> {
        let (smtp_host, dir) = match &st.mail_delivery {
            crate::state::MailDelivery::Smtp { host } => (Some(host.clone()), String::new()),
            crate::state::MailDelivery::Files { dir } => (None, dir.clone()),
        };
        let problems = st
            .db
            .mail_list(&["parked", "uncertain"], 50)
            .await?
            .into_iter()
            .map(|m| store_types::OutboxEntryView {
                id: m.id,
                kind: m.kind,
                to: m.to,
                status: m.status,
                attempts: m.attempts,
                created_at: m.created_at,
                last_error: m.last_error,
                item_number: m.item_number,
            })
            .collect();
        Ok(MailView { smtp_host, dir, counts: st.db.mail_counts().await?, problems })
    }

    /// What an admin post led to.
    #[derive(Debug, Clone, PartialEq)]
    pub enum AdminOutcome {
        /// Done; go back to the page (with this query string).
        Done(String),
        /// Done; show this one-time password once.
        Password(String, String),
        Invalid(Vec<FieldError>),
        Forbidden,
        SignIn,
    }

    fn one_time_password() -> String {
        // 26 characters from [a-z0-9] (~134 bits); handed over once, to be changed with `user password`.
        store::new_token()
    }

    /// Carries out one admin form (`what` is the form's name) and writes it to the audit log.
    pub async fn admin_post(
        st: &AppState,
        user: Option<StaffUser>,
        what: &str,
        f: &AdminForm,
        remote_addr: &str,
    ) -> OpResult<AdminOutcome> {
        let Some(u) = user else { return Ok(AdminOutcome::SignIn) };
        if !u.can_administer() {
            return Ok(AdminOutcome::Forbidden);
        }
        let back = |section: &str| format!("?year={}&town={}&done={section}#{section}", f.year.trim(), f.town.trim());
        let id = f.id.trim().parse::<i64>().unwrap_or(0);
        let invalid = |field: &str, code: &str| Ok(AdminOutcome::Invalid(vec![FieldError::new(field, code)]));
        let outcome = match what {
            "user_add" => {
                let Some(role) = Role::from_code(&f.role) else { return invalid("role", "choose_one") };
                if f.name.trim().is_empty() {
                    return invalid("name", "required");
                }
                if domain::abuse::has_control(&f.name) || f.name.chars().count() > 60 {
                    return invalid("name", "control_chars");
                }
                let pw = one_time_password();
                let new = store::NewStaffUser {
                    email: f.email.clone(),
                    name: f.name.clone(),
                    role,
                    town_slug: Some(f.town.trim().to_string()).filter(|t| !t.is_empty()),
                    password: pw.clone(),
                };
                match st.db.create_staff_user(&new, store::now()).await {
                    Ok(created) => {
                        // An admin-issued password is changed at first sign-in.
                        st.db.require_password_change(created.id).await?;
                        AdminOutcome::Password(created.email, pw)
                    }
                    Err(StoreError::Invalid(code)) => {
                        let field = if code.starts_with("town") { "town" } else { "email" };
                        return invalid(field, &code);
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            "user_disable" | "user_enable" => {
                if id == u.id {
                    return invalid("form", "admin_self");
                }
                match st.db.set_staff_active(id, what == "user_enable").await {
                    Ok(()) => AdminOutcome::Done(back("users")),
                    Err(StoreError::NotFound) => return invalid("form", "not_allowed_now"),
                    Err(e) => return Err(e.into()),
                }
            }
            "user_reset" => {
                let pw = one_time_password();
                let email = st.db.staff_accounts().await?.into_iter().find(|a| a.user.id == id).map(|a| a.user.email);
                let Some(email) = email else { return invalid("form", "not_allowed_now") };
                // The reset ends the account's sessions (store) and must be changed at the next sign-in.
                st.db.set_staff_password(id, &pw).await?;
                st.db.require_password_change(id).await?;
                AdminOutcome::Password(email, pw)
            }
            "settings" => {
                let hold = domain::staff::validate_claim_hold_days(&f.settings.claim_hold_days);
                match (domain::staff::validate_settings(&f.settings), hold) {
                    (Ok((limits, deadlines)), Ok(hold)) => {
                        let current = st.db.settings().await?;
                        let claim_hold_days = hold.unwrap_or(current.claim_hold_days);
                        st.db
                            .save_settings(&store::Settings {
                                limits,
                                deadlines,
                                claim_hold_days,
                                abuse: current.abuse,
                            })
                            .await?;
                        AdminOutcome::Done(back("settings"))
                    }
                    (settings, hold) => {
                        let mut errors = settings.err().unwrap_or_default();
                        errors.extend(hold.err());
                        AdminOutcome::Invalid(errors)
                    }
                }
            }
            "limits" => {
                let current = st.db.settings().await?.abuse;
                match current.from_form(|name| f.more.get(name).cloned()) {
                    Ok(limits) => {
                        st.db.save_abuse_limits(&limits).await?;
                        AdminOutcome::Done(back("limits"))
                    }
                    Err(errors) => AdminOutcome::Invalid(errors),
                }
            }
            "day_set" => {
                let Some(day) = domain::Date::parse(f.day.trim()) else { return invalid("day", "date_invalid") };
                let holiday = match f.day_kind.as_str() {
                    "holiday" => true,
                    "workday" => false,
                    _ => return invalid("day_kind", "choose_one"),
                };
                if f.note.chars().count() > 60 {
                    return invalid("note", "too_long");
                }
                st.db.set_calendar_day(day, holiday, &f.note).await?;
                AdminOutcome::Done(format!("?year={}&town={}&done=calendar#calendar", day.year, f.town.trim()))
            }
            "budget_set" => {
                let Some(year) = domain::budget::parse_year(&f.budget_year) else {
                    return invalid("budget_year", "year_invalid");
                };
                let amount = match domain::budget::parse_allocation(&f.amount) {
                    Ok(a) => a,
                    Err(code) => return invalid("amount", code),
                };
                match st.db.set_town_budget(f.budget_town.trim(), year, amount, store::now()).await {
                    Ok(()) => AdminOutcome::Done(format!("?year={year}&town={}&done=budgets#budgets", f.town.trim())),
                    Err(StoreError::Invalid(_)) => return invalid("budget_town", "town_unknown"),
                    Err(e) => return Err(e.into()),
                }
            }
            "mail_retry" => {
                if !st.db.mail_retry(id, store::now()).await? {
                    return invalid("form", "not_allowed_now");
                }
                AdminOutcome::Done(back("mail"))
            }
            "day_delete" => {
                let Some(day) = domain::Date::parse(f.day.trim()) else { return invalid("day", "date_invalid") };
                st.db.delete_calendar_day(day).await?;
                AdminOutcome::Done(back("calendar"))
            }
            "community_add" | "community_rename" => {
                let name = f.name.trim();
                if name.is_empty() || name.chars().count() > 40 {
                    return invalid("name", if name.is_empty() { "required" } else { "too_long" });
                }
                let result = if what == "community_add" {
                    if !st.db.towns().await?.iter().any(|t| t.slug == f.town.trim()) {
                        return invalid("town", "town_unknown");
                    }
                    let kind = if f.kind == "village" { "village" } else { "community" };
                    st.db.add_community(f.town.trim(), name, kind).await.map(|_| ())
                } else {
                    st.db.rename_community(id, name).await
                };
                match result {
                    Ok(()) => AdminOutcome::Done(back("communities")),
                    Err(StoreError::Invalid(code)) => return invalid("name", &code),
                    Err(StoreError::NotFound) => return invalid("form", "not_allowed_now"),
                    Err(e) => return Err(e.into()),
                }
            }
            "community_disable" | "community_enable" => {
                match st.db.set_community_active(id, what == "community_enable").await {
                    Ok(()) => AdminOutcome::Done(back("communities")),
                    Err(StoreError::NotFound) => return invalid("form", "not_allowed_now"),
                    Err(e) => return Err(e.into()),
                }
            }
            _ => return invalid("form", "not_allowed_now"),
        };
        if matches!(outcome, AdminOutcome::Invalid(_)) {
            return Ok(outcome);
        }
        let detail = match what {
            "user_add" => format!("{} {} {}", f.email.trim(), f.role, f.town.trim()),
            "settings" => serde_json::to_string(&f.settings).unwrap_or_default(),
            "limits" => serde_json::to_string(&f.more).unwrap_or_default(),
            "day_set" | "day_delete" => format!("{} {} {}", f.day.trim(), f.day_kind, f.note.trim()),
            "community_add" => format!("{} {} {}", f.town.trim(), f.kind, f.name.trim()),
            "budget_set" => format!("{} {} {}", f.budget_town.trim(), f.budget_year.trim(), f.amount.trim()),
            _ => format!("{id} {}", f.name.trim()),
        };
        let entry = store::AuditEntry {
            at: store::now(),
            actor: format!("staff:{}", u.email),
            action: format!("admin_{what}"),
            detail,
            remote_addr: remote_addr.to_string(),
            user_id: Some(u.id),
        };
        st.db.audit(&entry, None).await?;
        Ok(outcome)
    }
}

/// `/staff/admin?year=2026&town=guancheng`.
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
        ("claim_hold_days", sv.claim_hold_days.clone()),
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
            <tr data-town=slug.clone()><td>{name.clone()}</td><td>{tf(lang, "yuan", &[("n", &crate::i18n::thousands(*yuan))])}</td></tr>
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
    let year = v.year;
    let town = v.town.clone();
    view! {
        <crate::staff::StaffBar lang me=v.me.clone() />
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
        <section id="mail" aria-labelledby="mail-h">
            <h2 id="mail-h">{t(lang, "admin.mail")}</h2>
            {match v.mail.smtp_host.clone() {
                Some(host) => view! { <p>{tf(lang, "admin.mail.smtp", &[("host", &host)])}</p> }.into_any(),
                None => view! { <p class="notice bad" role="status">{tf(lang, "admin.mail.files", &[("dir", &v.mail.dir)])}</p> }.into_any(),
            }}
            <p>{if v.mail.counts.is_empty() { t(lang, "admin.mail.empty") } else {
                v.mail.counts.iter().map(|(s, n)| format!("{} {n}", t(lang, &format!("admin.mail.s.{s}")))).collect::<Vec<_>>().join(" · ")
            }}</p>
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
                                <td>{m.kind.clone()}{m.item_number.clone().map(|n| format!(" · {n}"))}</td>
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
