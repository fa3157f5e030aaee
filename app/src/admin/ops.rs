//! The admin page on the server: its view and every form it posts.

//! The admin operations on the server.
use super::*;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use domain::Lang;
use domain::StaffUser;
use store::StoreError;

pub async fn admin_view(st: &AppState, year: &str, town: &str, lang: Lang) -> AppResult<AdminView> {
    let Some(u) = crate::staff::session::current_staff(st).await? else { return Err(AppError::SignIn) };
    if !u.can_administer() {
        return Err(AppError::Forbidden);
    }
    let towns = st.db.towns().await?;
    let now_year = domain::Date::from_timestamp(store::now()).year;
    let year = year.trim().parse::<i32>().ok().filter(|y| (2020..=2100).contains(y)).unwrap_or(now_year);
    let town = if towns.iter().any(|t| t.slug == town) { town.to_string() } else { towns[0].slug.clone() };
    let settings = st.db.settings().await?;
    Ok(AdminView {
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
                town_name: store::names::town_name(&towns, a.user.town_slug.as_deref(), lang),
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
        open311_keys: st
            .db
            .open311_keys()
            .await?
            .into_iter()
            .map(|k| Open311KeyView {
                id: k.id,
                label: k.label,
                hint: k.hint,
                created_at: k.created_at,
                revoked_at: k.revoked_at,
                last_used_at: k.last_used_at,
                requests: k.requests,
            })
            .collect(),
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
                let name = store::names::town_name(&towns, Some(&b.town_slug), lang)?;
                Some((b.town_slug, name, b.line.allocation_yuan?))
            })
            .collect(),
    })
}

async fn mail_view(st: &AppState) -> AppResult<MailView> {
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
            to: if m.channel == "sms" { domain::mask::mask_phone(&m.to) } else { m.to },
            channel: m.channel,
            status: m.status,
            attempts: m.attempts,
            created_at: m.created_at,
            last_error: m.last_error,
            item_number: m.item_number,
        })
        .collect();
    let sms_gateway = match &st.sms_delivery {
        crate::state::SmsDelivery::Gateway { kind, address } => Some((kind.clone(), address.clone())),
        crate::state::SmsDelivery::Files { .. } => None,
    };
    Ok(MailView {
        smtp_host,
        dir,
        counts: st.db.mail_counts().await?,
        problems,
        sms_gateway,
        sms_day: st.db.sms_sent_since(store::now() - 86_400).await?,
        sms_templates: st.sms_templates.as_ref().clone(),
    })
}

/// What a done admin post leads to.
#[derive(Debug, Clone, PartialEq)]
pub enum AdminOutcome {
    /// Go back to the page (with this query string).
    Done(String),
    /// Show this account's one-time password once.
    Password(String, String),
    /// Show this Open311 key (label, key) once.
    Key(String, String),
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
) -> AppResult<AdminOutcome> {
    let Some(u) = user else { return Err(AppError::SignIn) };
    if !u.can_administer() {
        return Err(AppError::Forbidden);
    }
    let back = |section: &str| format!("?year={}&town={}&done={section}#{section}", f.year.trim(), f.town.trim());
    let id = f.id.trim().parse::<i64>().unwrap_or(0);
    let invalid = |field: &str, code: &str| Err(AppError::field(field, code));
    let outcome = match what {
        "user_add" => {
            let Some(role) = Role::from_code(&f.role) else { return invalid("role", "choose_one") };
            if f.name.trim().is_empty() {
                return invalid("name", "required");
            }
            if domain::abuse::has_control(&f.name) || f.name.chars().count() > 60 {
                return invalid("name", "control_chars");
            }
            let town_slug = Some(f.town.trim().to_string()).filter(|t| !t.is_empty());
            // A village worker serves one village or community of the town, named as the forms name it.
            let community_id = if role == Role::VillageWorker {
                let wanted = f.community.trim();
                let found = match &town_slug {
                    Some(t) if !wanted.is_empty() => {
                        st.db.communities(t).await?.into_iter().find(|c| c.name == wanted).map(|c| c.id)
                    }
                    _ => None,
                };
                match found {
                    Some(id) => Some(id),
                    None => return invalid("community", "community_required"),
                }
            } else {
                None
            };
            let pw = one_time_password();
            let new = store::NewStaffUser {
                email: f.email.clone(),
                name: f.name.clone(),
                role,
                town_slug,
                community_id,
                password: pw.clone(),
            };
            match st.db.create_staff_user(&new, store::now()).await {
                Ok(created) => {
                    // An admin-issued password is changed at first sign-in.
                    st.db.require_password_change(created.id).await?;
                    AdminOutcome::Password(created.email, pw)
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
                        .save_settings(&store::Settings { limits, deadlines, claim_hold_days, abuse: current.abuse })
                        .await?;
                    AdminOutcome::Done(back("settings"))
                }
                (settings, hold) => {
                    let mut errors = settings.err().unwrap_or_default();
                    errors.extend(hold.err());
                    return Err(AppError::Invalid(errors));
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
                Err(errors) => return Err(AppError::Invalid(errors)),
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
                Err(e) => return Err(e.into()),
            }
        }
        "key_issue" => {
            let label = f.name.trim();
            if label.is_empty() {
                return invalid("name", "required");
            }
            if domain::abuse::has_control(label) || label.chars().count() > 60 {
                return invalid("name", if label.chars().count() > 60 { "too_long" } else { "control_chars" });
            }
            let (_, key) = st.db.issue_open311_key(label, Some(u.id), store::now()).await?;
            AdminOutcome::Key(label.to_string(), key)
        }
        "key_revoke" => match st.db.revoke_open311_key(id, store::now()).await {
            Ok(()) => AdminOutcome::Done(back("open311")),
            Err(StoreError::NotFound) => return invalid("form", "not_allowed_now"),
            Err(e) => return Err(e.into()),
        },
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
    let detail = match what {
        "user_add" => format!("{} {} {}", f.email.trim(), f.role, f.town.trim()),
        "settings" => serde_json::to_string(&f.settings).unwrap_or_default(),
        "limits" => serde_json::to_string(&f.more).unwrap_or_default(),
        "day_set" | "day_delete" => format!("{} {} {}", f.day.trim(), f.day_kind, f.note.trim()),
        "community_add" => format!("{} {} {}", f.town.trim(), f.kind, f.name.trim()),
        "budget_set" => format!("{} {} {}", f.budget_town.trim(), f.budget_year.trim(), f.amount.trim()),
        // The label only: a key is never written anywhere but the one answer that shows it.
        "key_issue" => f.name.trim().to_string(),
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
