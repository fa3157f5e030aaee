//! The staff side: sign-in page, the town inbox and the item page with its actions. Pages render on
//! the server only (no islands: staff work on office desktops and every form posts); the data comes
//! from server functions that check the session, role and town on every call.

use crate::api::{CommunityOption, DeadlineView, TownOption};
use crate::i18n::{err, local_time, t, tf, thousands};
use crate::pages::{field_error, now_ts, server_trouble, set_status, use_lang};
use domain::staff::DueBadge;
use domain::{Beneficiary, Category, FieldError, Kind, Lang, Rating, Role, Status, Tab};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

/// Rows per inbox page.
pub const INBOX_PAGE_SIZE: i64 = 50;
/// The most rows one CSV export carries.
pub const CSV_MAX_ROWS: i64 = 50_000;

/// The answer of a staff server function: the data, or why not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Guarded<T> {
    Ok(T),
    /// Nobody is signed in (or the account was disabled).
    SignIn,
    /// Signed in, but this role may not use this page.
    Forbidden,
    /// No such item, or not one this person may see (the same answer, so existence does not leak).
    NotFound,
}

/// The signed-in staff member, for the page header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub town_name: Option<String>,
}

/// The inbox filters as they stand in the URL (`/staff?tab=overdue&kind=wish&q=轮椅&page=2`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InboxFilters {
    #[serde(default)]
    pub tab: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub community: String,
    /// City-wide roles only: a town slug, `""` for the city queue (unrouted), absent for all towns.
    #[serde(default)]
    pub town: Option<String>,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub page: String,
}

impl InboxFilters {
    /// The query string for these filters with another tab and page.
    pub fn href(&self, tab: &str, page: i64) -> String {
        let mut parts = vec![format!("tab={tab}")];
        for (k, v) in [
            ("kind", &self.kind),
            ("status", &self.status),
            ("category", &self.category),
            ("community", &self.community),
            ("q", &self.q),
        ] {
            if !v.trim().is_empty() {
                parts.push(format!("{k}={}", urlencode(v.trim())));
            }
        }
        if let Some(town) = &self.town {
            parts.push(format!("town={}", urlencode(town)));
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        format!("?{}", parts.join("&"))
    }
}

fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// One line of the inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxLine {
    pub number: String,
    pub kind: Kind,
    pub status: Status,
    pub category: String,
    pub title: String,
    pub town_name: Option<String>,
    pub community_name: Option<String>,
    pub amount_yuan: i64,
    pub urgent: bool,
    pub submitted_at: i64,
    pub due_at: Option<i64>,
    pub badge: Option<DueBadge>,
    pub assignee_name: Option<String>,
}

/// The inbox page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InboxView {
    pub me: Me,
    pub all_towns: bool,
    pub tab: Tab,
    pub counts: Vec<(Tab, i64)>,
    pub lines: Vec<InboxLine>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub towns: Vec<TownOption>,
    pub communities: Vec<CommunityOption>,
}

/// Contact details: in full for staff of the item's town and dispatchers, masked for leaders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactView {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub full: bool,
}

/// The beneficiary as staff see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BeneficiaryView {
    pub name: String,
    /// Empty when they have none.
    pub phone: String,
    pub address: String,
    /// A [`domain::validate::Relation`] code.
    pub relation: String,
}

/// What the publish step shows: the draft of the wall's text and the card it goes on (its `need`
/// is filled from the text being reviewed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishView {
    pub draft: String,
    pub card: crate::wishes::WallCard,
}

/// A timeline entry as staff see it (internal notes included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffEventView {
    pub at: i64,
    pub actor: String,
    pub label: String,
    pub action: String,
    pub public: bool,
    pub body: String,
}

/// An audit entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditView {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub detail: String,
    pub remote_addr: String,
}

/// The staff item page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffItemView {
    pub me: Me,
    pub number: String,
    pub kind: Kind,
    pub status: Status,
    pub category: String,
    pub title: String,
    pub description: String,
    pub location: String,
    pub amount_yuan: i64,
    pub urgent: bool,
    /// Wishes: `Some(true)` when the amount rule sends it straight to the village/community.
    pub handling: Option<bool>,
    pub town_slug: Option<String>,
    pub town_name: Option<String>,
    pub community_id: Option<i64>,
    pub community_name: Option<String>,
    pub submitted_by: String,
    pub helper_org: String,
    pub contact: ContactView,
    /// The place in the resident's words (not listed / not sure), for assigning the village.
    pub place_text: String,
    /// The person a helper or organisation submitted for (masked like the contact).
    pub beneficiary: Option<BeneficiaryView>,
    /// Wishes: the wall's text once published.
    pub public_text: Option<String>,
    /// Wishes that can be published: the first draft of the wall's text and the card around it.
    pub publish: Option<PublishView>,
    pub submitted_at: i64,
    pub deadlines: Vec<DeadlineView>,
    pub next_due_at: Option<i64>,
    pub badge: Option<DueBadge>,
    pub events: Vec<StaffEventView>,
    pub audit: Vec<AuditView>,
    /// Action codes the lifecycle allows now for this person.
    pub actions: Vec<String>,
    pub can_act: bool,
    /// Towns to re-route to (dispatchers only).
    pub towns: Vec<TownOption>,
    pub communities: Vec<CommunityOption>,
    pub assignee_name: Option<String>,
    pub rating: Option<Rating>,
    pub rating_comment: String,
    /// Donors' claims of this wish, newest first (staff of the town see the donor's contact).
    pub claims: Vec<StaffClaimView>,
    /// Projects put under public notice: residents' voices and when the notice ends.
    pub voices: Option<StaffVoicesView>,
    pub photos: Vec<crate::photos::PhotoView>,
    pub version: i64,
}

/// Residents' voices on a project under (or after) public notice, for the adoption decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffVoicesView {
    pub notice_ends_at: i64,
    pub supports: i64,
    pub objections: i64,
    /// Objections with their reasons, oldest first (never who gave them).
    pub reasons: Vec<(i64, String)>,
}

/// A donor's claim as staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffClaimView {
    pub donor_kind: domain::claims::DonorKind,
    pub donor_name: String,
    pub contact: String,
    pub status: domain::claims::ClaimStatus,
    pub created_at: i64,
    pub hold_until: i64,
    pub thank_publicly: bool,
}

/// A staff action as posted from the item page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StaffActForm {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub plan: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub inspection: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub public: Option<String>,
    #[serde(default)]
    pub percent: String,
    #[serde(default)]
    pub budget: String,
    #[serde(default)]
    pub days: String,
    #[serde(default)]
    pub of_number: String,
    #[serde(default)]
    pub town: String,
    #[serde(default)]
    pub community_id: String,
    /// The wall's text of a wish (publish).
    #[serde(default)]
    pub public_text: String,
    /// "Show the preview" instead of publishing.
    #[serde(default)]
    pub preview: Option<String>,
}

/// A staff action form that needs changes, re-rendered with the errors and what was typed.
#[derive(Clone, Debug)]
pub struct PostedStaffAction {
    pub form: StaffActForm,
    pub errors: Vec<FieldError>,
}

/// A photo upload that was refused, re-rendered with the message next to the field and the caption.
#[derive(Clone, Debug, Default)]
pub struct PostedPhoto {
    pub caption: String,
    pub errors: Vec<FieldError>,
}

/// A sign-in that failed.
#[derive(Clone, Debug)]
pub struct PostedSignIn {
    pub email: String,
    pub errors: Vec<FieldError>,
    pub too_many: bool,
}

#[cfg(feature = "ssr")]
fn st() -> crate::state::AppState {
    expect_context::<crate::state::AppState>()
}

/// The inbox for the signed-in staff member.
#[server(endpoint = "staff_inbox")]
pub async fn get_staff_inbox(filters: InboxFilters, lang: String) -> Result<Guarded<InboxView>, ServerFnError> {
    let lang = Lang::from_code(&lang).unwrap_or_default();
    crate::staff_ops::inbox_view(&st(), &filters, lang).await.map_err(|e| e.into_server_fn_error())
}

/// One item for the signed-in staff member.
#[server(endpoint = "staff_item")]
pub async fn get_staff_item(number: String, lang: String) -> Result<Guarded<StaffItemView>, ServerFnError> {
    let lang = Lang::from_code(&lang).unwrap_or_default();
    crate::staff_ops::item_view(&st(), &number, lang).await.map_err(|e| e.into_server_fn_error())
}

fn guarded_status<T>(g: &Guarded<T>) {
    match g {
        Guarded::Ok(_) => {}
        Guarded::SignIn => set_status(401),
        Guarded::Forbidden => set_status(403),
        Guarded::NotFound => set_status(404),
    }
}

#[component]
fn Refusal(lang: Lang, why: &'static str) -> impl IntoView {
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
            </nav>
            <form method="post" action="/staff/sign-out">
                <button type="submit" class="secondary small">{t(lang, "staff.sign_out")}</button>
            </form>
        </div>
    }
}

/// `/staff/sign-in`.
#[component]
pub fn StaffSignInPage() -> impl IntoView {
    let lang = use_lang();
    let posted = use_context::<PostedSignIn>();
    let next = use_query_map()
        .read_untracked()
        .get("next")
        .filter(|n| n.starts_with("/staff") || n.starts_with("/dashboard"))
        .unwrap_or_else(|| "/staff".into());
    let signed_out = use_query_map().read_untracked().get("out").is_some();
    let (email, errors, too_many) = match &posted {
        Some(p) => (p.email.clone(), p.errors.clone(), p.too_many),
        None => (String::new(), Vec::new(), false),
    };
    if posted.is_some() {
        set_status(if too_many { 429 } else { 422 });
    }
    let email_err = field_error(&errors, lang, "email");
    let pw_err = field_error(&errors, lang, "password");
    view! {
        <Title text=format!("{} · {}", t(lang, "staff.sign_in"), t(lang, "app.name")) />
        <h1>{t(lang, "staff.sign_in")}</h1>
        <p class="intro">{t(lang, "staff.sign_in.intro")}</p>
        {signed_out.then(|| view! { <p class="notice good" role="status">{t(lang, "staff.signed_out")}</p> })}
        {too_many.then(|| view! { <p class="notice bad" role="alert">{err(lang, "sign_in_too_many")}</p> })}
        <form method="post" action="/staff/sign-in" class="card lookup" novalidate>
            <input type="hidden" name="next" value=next />
            <div class="field">
                <label for="email">{t(lang, "staff.email")}</label>
                <input type="email" id="email" name="email" autocomplete="username" value=email
                    aria-invalid=email_err.is_some().then_some("true") aria-describedby="email-error" />
                <p class="error" id="email-error">{email_err}</p>
            </div>
            <div class="field">
                <label for="password">{t(lang, "staff.password")}</label>
                <input type="password" id="password" name="password" autocomplete="current-password"
                    aria-invalid=pw_err.is_some().then_some("true") aria-describedby="password-error" />
                <p class="error" id="password-error">{pw_err}</p>
            </div>
            <button type="submit" class="primary">{t(lang, "staff.sign_in")}</button>
        </form>
    }
}

fn filters_from_query() -> InboxFilters {
    let q = use_query_map().read_untracked();
    let g = |k: &str| q.get(k).unwrap_or_default();
    InboxFilters {
        tab: g("tab"),
        kind: g("kind"),
        status: g("status"),
        category: g("category"),
        community: g("community"),
        town: q.get("town"),
        q: g("q"),
        page: g("page"),
    }
}

fn category_label(lang: Lang, kind: Kind, code: &str) -> String {
    if kind == Kind::Wish {
        t(lang, &format!("ben.{code}"))
    } else {
        t(lang, &format!("cat.{code}"))
    }
}

fn badge_view(lang: Lang, badge: Option<DueBadge>) -> Option<AnyView> {
    match badge {
        Some(DueBadge::Overdue) => {
            Some(view! { <span class="badge overdue">{t(lang, "staff.badge.overdue")}</span> }.into_any())
        }
        Some(DueBadge::DueSoon) => {
            Some(view! { <span class="badge soon">{t(lang, "staff.badge.due_soon")}</span> }.into_any())
        }
        _ => None,
    }
}

/// `/staff`: the inbox.
#[component]
pub fn StaffInboxPage() -> impl IntoView {
    let lang = use_lang();
    let filters = filters_from_query();
    let f2 = filters.clone();
    let data = Resource::new(move || f2.clone(), move |f| get_staff_inbox(f, lang.code().to_string()));
    view! {
        <Title text=format!("{} · {}", t(lang, "staff.inbox"), t(lang, "app.name")) />
        <Suspense fallback=|| ()>
            {move || {
                let filters = filters.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(Guarded::Ok(v)) => view! { <InboxBody lang v filters /> }.into_any(),
                        Ok(g @ Guarded::SignIn) => { guarded_status(&g); view! { <Refusal lang why="sign_in_needed" /> }.into_any() }
                        Ok(g) => { guarded_status(&g); view! { <Refusal lang why="forbidden" /> }.into_any() }
                        Err(_) => server_trouble(lang),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn InboxBody(lang: Lang, v: InboxView, filters: InboxFilters) -> impl IntoView {
    let tab_code = v.tab.code();
    let csv = format!("/staff/export.csv{}", filters.href(tab_code, 1));
    let sel = |a: &str, b: &str| a == b;
    let kind_opts = Kind::ALL
        .iter()
        .map(|k| {
            let code = k.code();
            view! { <option value=code selected=sel(&filters.kind, code)>{t(lang, &format!("kind.{code}"))}</option> }
        })
        .collect_view();
    let status_opts = Status::ALL.iter().map(|s| {
        let code = s.code();
        view! { <option value=code selected=sel(&filters.status, code)>{t(lang, &format!("status.{code}"))}</option> }
    }).collect_view();
    let ben_opts = Beneficiary::ALL.iter().map(|b| {
        let code = b.code();
        view! { <option value=code selected=sel(&filters.category, code)>{t(lang, &format!("ben.{code}"))}</option> }
    }).collect_view();
    let cat_opts = Category::ALL.iter().map(|c| {
        let code = c.code();
        view! { <option value=code selected=sel(&filters.category, code)>{t(lang, &format!("cat.{code}"))}</option> }
    }).collect_view();
    let town_filter = v.all_towns.then(|| {
        let current = filters.town.clone();
        view! {
            <div class="field">
                <label for="f-town">{t(lang, "track.town")}</label>
                <select id="f-town" name="town">
                    <option value="*" selected=current.is_none()>{t(lang, "staff.all_towns")}</option>
                    <option value="" selected=current.as_deref() == Some("")>{t(lang, "staff.city_queue")}</option>
                    {v.towns.iter().map(|tw| view! { <option value=tw.slug.clone() selected=current.as_deref() == Some(tw.slug.as_str())>{tw.name.clone()}</option> }).collect_view()}
                </select>
            </div>
        }
    });
    let community_filter = (!v.communities.is_empty()).then(|| view! {
        <div class="field">
            <label for="f-community">{t(lang, "track.community")}</label>
            <select id="f-community" name="community">
                <option value="">{t(lang, "staff.any")}</option>
                {v.communities.iter().map(|c| view! { <option value=c.id.to_string() selected=filters.community == c.id.to_string()>{c.name.clone()}</option> }).collect_view()}
            </select>
        </div>
    });
    let now = now_ts();
    let pager = (v.pages > 1).then(|| {
        let prev = (v.page > 1).then(|| filters.href(tab_code, v.page - 1));
        let next = (v.page < v.pages).then(|| filters.href(tab_code, v.page + 1));
        view! {
            <nav class="pager" aria-label=t(lang, "staff.pages")>
                {prev.map(|h| view! { <a href=h rel="prev">{t(lang, "staff.prev")}</a> })}
                <span>{tf(lang, "staff.page_of", &[("page", &v.page.to_string()), ("pages", &v.pages.to_string())])}</span>
                {next.map(|h| view! { <a href=h rel="next">{t(lang, "staff.next")}</a> })}
            </nav>
        }
    });
    view! {
        <StaffBar lang me=v.me.clone() />
        <h1>{t(lang, "staff.inbox")}</h1>
        <nav class="tabs" aria-label=t(lang, "staff.tabs")>
            {v.counts.iter().map(|(tab, n)| {
                let current = *tab == v.tab;
                view! {
                    <a href=filters.href(tab.code(), 1) aria-current=current.then_some("page") class:current=current data-tab=tab.code()>
                        {t(lang, &format!("tab.{}", tab.code()))}" "<span class="count">{n.to_string()}</span>
                    </a>
                }
            }).collect_view()}
        </nav>
        <form method="get" action="/staff" class="filters card">
            <input type="hidden" name="tab" value=tab_code />
            <div class="field">
                <label for="f-q">{t(lang, "staff.search")}</label>
                <input type="search" id="f-q" name="q" value=filters.q.clone() />
            </div>
            <div class="field">
                <label for="f-kind">{t(lang, "staff.kind")}</label>
                <select id="f-kind" name="kind"><option value="">{t(lang, "staff.any")}</option>{kind_opts}</select>
            </div>
            <div class="field">
                <label for="f-status">{t(lang, "track.status")}</label>
                <select id="f-status" name="status"><option value="">{t(lang, "staff.any")}</option>{status_opts}</select>
            </div>
            <div class="field">
                <label for="f-category">{t(lang, "staff.category")}</label>
                <select id="f-category" name="category">
                    <option value="">{t(lang, "staff.any")}</option>
                    <optgroup label=t(lang, "kind.wish")>{ben_opts}</optgroup>
                    <optgroup label=t(lang, "kind.project")>{cat_opts}</optgroup>
                </select>
            </div>
            {town_filter}
            {community_filter}
            <div class="two-buttons">
                <button type="submit" class="primary">{t(lang, "staff.filter")}</button>
                <a class="btn secondary" href=csv download>{t(lang, "staff.export")}</a>
            </div>
        </form>
        <p class="result-count" role="status">{tf(lang, "staff.count", &[("n", &thousands(v.total))])}</p>
        {if v.lines.is_empty() {
            view! { <p class="card">{t(lang, "staff.empty")}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="inbox">
                        <caption class="sr-only">{t(lang, &format!("tab.{tab_code}"))}</caption>
                        <thead><tr>
                            <th scope="col">{t(lang, "staff.col.number")}</th>
                            <th scope="col">{t(lang, "staff.col.item")}</th>
                            <th scope="col">{t(lang, "staff.col.place")}</th>
                            <th scope="col">{t(lang, "track.status")}</th>
                            <th scope="col">{t(lang, "staff.col.due")}</th>
                            <th scope="col">{t(lang, "staff.col.assignee")}</th>
                        </tr></thead>
                        <tbody>
                            {v.lines.iter().map(|l| view! {
                                <tr>
                                    <td><a href=format!("/staff/items/{}", l.number)>{l.number.clone()}</a></td>
                                    <td>
                                        <span class="muted-text">{category_label(lang, l.kind, &l.category)}</span>
                                        {l.urgent.then(|| view! { " "<strong class="badge urgent">{t(lang, "track.urgent")}</strong> })}
                                        <br />{l.title.clone()}
                                        <br /><span class="muted-text">{tf(lang, "yuan", &[("n", &thousands(l.amount_yuan))])}" · "{local_time(l.submitted_at)}</span>
                                    </td>
                                    <td>{l.town_name.clone().unwrap_or_else(|| t(lang, "staff.city_queue"))}<br /><span class="muted-text">{l.community_name.clone().unwrap_or_default()}</span></td>
                                    <td>{t(lang, &format!("status.{}", l.status.code()))}</td>
                                    <td>{l.due_at.map(local_time).unwrap_or_default()}" "{badge_view(lang, l.badge)}</td>
                                    <td>{l.assignee_name.clone().unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
        {pager}
        <p class="muted-text">{tf(lang, "staff.now", &[("at", &local_time(now))])}</p>
    }
}

/// `/staff/items/{number}`.
#[component]
pub fn StaffItemPage() -> impl IntoView {
    let lang = use_lang();
    let number = use_params_map().read_untracked().get("number").unwrap_or_default();
    let query = use_query_map().read_untracked();
    let done = query.get("done");
    let problem = query.get("problem").filter(|p| p == "conflict" || p == "not_allowed_now" || p == "notice_running");
    let posted = use_context::<PostedStaffAction>();
    // A form with errors is 422; a publish preview (no errors, nothing written) is an ordinary page.
    if posted.as_ref().is_some_and(|p| !p.errors.is_empty()) {
        set_status(422);
    }
    let data = Resource::new(move || number.clone(), move |n| get_staff_item(n, lang.code().to_string()));
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let (done, problem, posted) = (done.clone(), problem.clone(), posted.clone());
                Suspend::new(async move {
                    match data.await {
                        Ok(Guarded::Ok(v)) => view! { <StaffItemBody lang v done problem posted /> }.into_any(),
                        Ok(g @ Guarded::SignIn) => { guarded_status(&g); view! { <Refusal lang why="sign_in_needed" /> }.into_any() }
                        Ok(g @ Guarded::Forbidden) => { guarded_status(&g); view! { <Refusal lang why="forbidden" /> }.into_any() }
                        Ok(g) => { guarded_status(&g); view! { <Refusal lang why="not_found" /> }.into_any() }
                        Err(_) => server_trouble(lang),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn StaffItemBody(
    lang: Lang,
    v: StaffItemView,
    done: Option<String>,
    problem: Option<String>,
    posted: Option<PostedStaffAction>,
) -> impl IntoView {
    let now = now_ts();
    let kind_key = if v.kind == Kind::Wish { "kind.wish" } else { "kind.project" };
    let handling =
        v.handling.map(|direct| t(lang, if direct { "staff.handling.community" } else { "staff.handling.town" }));
    let by = t(lang, &format!("by.{}", v.submitted_by));
    let amount_label = if v.kind == Kind::Wish { "track.amount" } else { "track.budget" };
    view! {
        <Title text=format!("{} · {}", v.number, t(lang, "app.name")) />
        <StaffBar lang me=v.me.clone() />
        {done.map(|_| view! { <p class="notice good" role="status">{t(lang, "staff.done")}</p> })}
        {problem.map(|p| view! { <p class="notice bad" role="alert">{err(lang, &p)}</p> })}
        <p class="kind-badge">{t(lang, kind_key)}" · "<span class="number">{v.number.clone()}</span></p>
        <h1>{if v.title.is_empty() { v.description.chars().take(30).collect::<String>() } else { v.title.clone() }}</h1>
        <div class="staff-grid">
            <div>
                <section class="card status" aria-labelledby="status-h">
                    <h2 id="status-h">{t(lang, "track.status")}</h2>
                    <p class="status-text" data-status=v.status.code()>{t(lang, &format!("status.{}", v.status.code()))}" "{badge_view(lang, v.badge)}</p>
                    {v.next_due_at.map(|d| view! { <p>{tf(lang, "staff.next_due", &[("at", &local_time(d))])}</p> })}
                    <p>{t(lang, "staff.col.assignee")}": "{v.assignee_name.clone().unwrap_or_else(|| t(lang, "staff.nobody"))}</p>
                    {handling.map(|h| view! { <p class="hint">{h}</p> })}
                    {v.rating.map(|r| view! { <p>{tf(lang, "track.rated", &[("rating", &t(lang, &format!("rating.{}", r.code())))])}" "{v.rating_comment.clone()}</p> })}
                </section>
                <section class="card" aria-labelledby="details-h">
                    <h2 id="details-h">{t(lang, "track.details")}</h2>
                    <p class="item-desc">{v.description.clone()}</p>
                    <dl class="facts">
                        <dt>{t(lang, if v.kind == Kind::Wish { "f.beneficiary" } else { "f.category" })}</dt><dd>{category_label(lang, v.kind, &v.category)}</dd>
                        <dt>{t(lang, "track.town")}</dt><dd>{v.town_name.clone().unwrap_or_else(|| t(lang, "staff.city_queue"))}</dd>
                        <dt>{t(lang, "track.community")}</dt><dd>{v.community_name.clone().unwrap_or_else(|| t(lang, "staff.community_unset"))}</dd>
                        {(!v.place_text.is_empty()).then(|| view! { <dt>{t(lang, "staff.place_text")}</dt><dd class="place-text">{v.place_text.clone()}</dd> })}
                        {(!v.location.is_empty()).then(|| view! { <dt>{t(lang, "f.location")}</dt><dd>{v.location.clone()}</dd> })}
                        <dt>{t(lang, amount_label)}</dt><dd>{tf(lang, "yuan", &[("n", &thousands(v.amount_yuan))])}{v.urgent.then(|| view! { " · "<strong>{t(lang, "track.urgent")}</strong> })}</dd>
                        <dt>{t(lang, "track.submitted_at")}</dt><dd>{local_time(v.submitted_at)}</dd>
                        <dt>{t(lang, "f.submitted_by")}</dt><dd>{by}{(!v.helper_org.is_empty()).then(|| format!(" · {}", v.helper_org))}</dd>
                        <dt>{t(lang, "f.contact_name")}</dt><dd class="contact-name">{v.contact.name.clone()}</dd>
                        <dt>{t(lang, "f.phone")}</dt><dd class="contact-phone">{v.contact.phone.clone()}</dd>
                        {(!v.contact.email.is_empty()).then(|| view! { <dt>{t(lang, "f.email")}</dt><dd>{v.contact.email.clone()}</dd> })}
                    </dl>
                    {v.beneficiary.clone().map(|b| view! {
                        <h3>{t(lang, "staff.beneficiary")}</h3>
                        <dl class="facts beneficiary">
                            <dt>{t(lang, "f.ben_name")}</dt><dd class="ben-name">{b.name}</dd>
                            <dt>{t(lang, "sum.ben_phone")}</dt><dd class="ben-phone">{if b.phone.is_empty() { t(lang, "staff.ben_no_phone") } else { b.phone }}</dd>
                            <dt>{t(lang, "f.ben_address")}</dt><dd class="ben-address">{b.address}</dd>
                            <dt>{t(lang, "sum.ben_relation")}</dt><dd>{t(lang, &format!("rel.{}", b.relation))}</dd>
                            <dt>{t(lang, "sum.ben_consent")}</dt><dd>{t(lang, "staff.ben_consent_given")}</dd>
                        </dl>
                    })}
                    {v.public_text.clone().map(|p| view! {
                        <h3>{t(lang, "staff.public_text")}</h3>
                        <p class="public-text">{p}</p>
                    })}
                </section>
                <section class="card" aria-labelledby="dl-h">
                    <h2 id="dl-h">{t(lang, "track.deadlines")}</h2>
                    <dl class="deadlines">
                        {v.deadlines.iter().map(|d| {
                            let (cls, text) = match d.done_at {
                                Some(at) if at <= d.due_at => ("met", tf(lang, "dl.done", &[("at", &local_time(at))])),
                                Some(at) => ("late", tf(lang, "staff.dl.late", &[("at", &local_time(at))])),
                                None if d.due_at < now => ("overdue", tf(lang, "dl.overdue", &[("at", &local_time(d.due_at))])),
                                None => ("pending", tf(lang, "dl.due", &[("at", &local_time(d.due_at))])),
                            };
                            view! { <dt>{t(lang, &d.label_key)}</dt><dd class=cls>{text}</dd> }
                        }).collect_view()}
                    </dl>
                </section>
            </div>
            <div>
                {(!v.claims.is_empty()).then(|| view! {
                    <section class="card" aria-labelledby="claims-h">
                        <h2 id="claims-h">{t(lang, "staff.claims")}</h2>
                        <ul class="claims">
                            {v.claims.iter().map(|c| view! {
                                <li data-claim-status=c.status.code()>
                                    <p><strong>{c.donor_name.clone()}</strong>" · "{t(lang, &format!("donor.{}", c.donor_kind.code()))}" · "<span class="contact">{c.contact.clone()}</span></p>
                                    <p>{t(lang, &format!("claim.status.{}", c.status.code()))}" · "{local_time(c.created_at)}
                                        {c.status.can_release().then(|| view! { " · "{tf(lang, "donor.hold_until", &[("at", &local_time(c.hold_until))])} })}
                                        {c.thank_publicly.then(|| view! { " · "{t(lang, "staff.claim.thanks")} })}
                                    </p>
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                })}
                {v.voices.clone().map(|vo| {
                    let now = crate::pages::now_ts();
                    let notice = if vo.notice_ends_at > now {
                        tf(lang, "staff.voices.running", &[("at", &local_time(vo.notice_ends_at))])
                    } else {
                        tf(lang, "staff.voices.ended", &[("at", &local_time(vo.notice_ends_at))])
                    };
                    view! {
                        <section class="card" aria-labelledby="voices-h">
                            <h2 id="voices-h">{t(lang, "staff.voices")}</h2>
                            <p class="notice-end">{notice}</p>
                            <p class="voice-counts">{tf(lang, "voice.counts", &[("s", &vo.supports.to_string()), ("o", &vo.objections.to_string())])}</p>
                            {(!vo.reasons.is_empty()).then(|| view! {
                                <h3>{t(lang, "staff.voices.reasons")}</h3>
                                <ul class="claims objections">
                                    {vo.reasons.iter().map(|(at, r)| view! { <li><time>{local_time(*at)}</time>" "{r.clone()}</li> }).collect_view()}
                                </ul>
                            })}
                        </section>
                    }
                })}
                {view! { <crate::photos::PhotoGallery lang photos=v.photos.clone() /> }.into_any()}
                {v.can_act.then(|| view! { <PhotoUpload lang number=v.number.clone() /> }.into_any())}
                {if v.can_act {
                    view! { <StaffActions lang v=v.clone() posted /> }.into_any()
                } else {
                    view! { <p class="card">{t(lang, "staff.read_only")}</p> }.into_any()
                }}
                <section class="card" aria-labelledby="tl-h">
                    <h2 id="tl-h">{t(lang, "track.timeline")}</h2>
                    <ol class="timeline">
                        {v.events.iter().rev().map(|e| {
                            let label = tf(lang, &format!("ev.{}", e.action), &[("body", &e.body)]);
                            view! {
                                <li class:internal=!e.public>
                                    <time>{local_time(e.at)}</time>
                                    <p class="what">{label}{(!e.public).then(|| view! { " "<span class="badge">{t(lang, "staff.internal")}</span> })}</p>
                                    {(!e.body.is_empty()).then(|| view! { <p class="body">{e.body.clone()}</p> })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                </section>
                <details class="card">
                    <summary>{t(lang, "staff.audit")}</summary>
                    <ul class="audit">
                        {v.audit.iter().map(|a| view! {
                            <li><time>{local_time(a.at)}</time>" "{a.actor.clone()}" · "{a.action.clone()}" · "{a.detail.clone()}" · "{a.remote_addr.clone()}</li>
                        }).collect_view()}
                    </ul>
                </details>
            </div>
        </div>
    }
}

/// The photo upload of the staff item page (multipart; no JavaScript needed).
#[component]
fn PhotoUpload(lang: Lang, number: String) -> impl IntoView {
    let posted = use_context::<PostedPhoto>();
    if posted.is_some() {
        set_status(422);
    }
    let p = posted.unwrap_or_default();
    let photo_err = field_error(&p.errors, lang, "photo");
    let caption_err = field_error(&p.errors, lang, "caption");
    let open = !p.errors.is_empty();
    view! {
        <details class="card action" data-action="photo" open=open>
            <summary>{t(lang, "photo.add")}</summary>
            <form method="post" action=format!("/staff/items/{number}/photos") enctype="multipart/form-data" novalidate>
                <div class="field">
                    <label for="photo-file">{t(lang, "photo.file")}</label>
                    <p class="hint" id="photo-hint">{t(lang, "photo.hint")}</p>
                    <input type="file" id="photo-file" name="photo" accept="image/jpeg,image/png,image/webp"
                        aria-invalid=photo_err.is_some().then_some("true") aria-describedby="photo-hint photo-error" />
                    <p class="error" id="photo-error">{photo_err}</p>
                </div>
                <div class="field">
                    <label for="photo-caption">{t(lang, "photo.caption")}</label>
                    <input type="text" id="photo-caption" name="caption" maxlength="200" value=p.caption
                        aria-invalid=caption_err.is_some().then_some("true") aria-describedby="photo-caption-error" />
                    <p class="error" id="photo-caption-error">{caption_err}</p>
                </div>
                <button type="submit" class="secondary">{t(lang, "photo.upload")}</button>
            </form>
        </details>
    }
}

/// Every staff action, in the order the item page offers them.
pub const STAFF_ACTION_CODES: &[&str] = &[
    "accept",
    "decline",
    "assign",
    "publish",
    "confirm_claim",
    "release_claim",
    "fulfil",
    "confirm_receipt",
    "start_notice",
    "approve",
    "start_work",
    "progress",
    "complete",
    "feedback",
    "duplicate",
    "reroute",
    "note",
];

/// The action forms the lifecycle allows now; each posts to `/staff/items/{number}/act`.
#[component]
fn StaffActions(lang: Lang, v: StaffItemView, posted: Option<PostedStaffAction>) -> impl IntoView {
    let action_url = format!("/staff/items/{}/act", v.number);
    let version = v.version.to_string();
    let posted_action = posted.as_ref().map(|p| p.form.action.clone()).unwrap_or_default();
    let form_of =
        |code: &str| posted.as_ref().filter(|p| p.form.action == code).map(|p| p.form.clone()).unwrap_or_default();
    let errors_of =
        |code: &str| posted.as_ref().filter(|p| p.form.action == code).map(|p| p.errors.clone()).unwrap_or_default();
    let general = posted.as_ref().and_then(|p| field_error(&p.errors, lang, "form"));
    let codes: Vec<&'static str> =
        STAFF_ACTION_CODES.iter().copied().filter(|c| v.actions.iter().any(|a| a == c)).collect();
    let forms = codes.into_iter().map(|code| {
        let f = form_of(code);
        let errs = errors_of(code);
        let open = posted_action == code;
        let fid = |name: &str| format!("{code}-{name}");
        let text_field = move |name: &'static str, value: String, label_key: &'static str, errs: &[FieldError]| {
            let e = field_error(errs, lang, name);
            let id = format!("{code}-{name}");
            view! {
                <div class="field">
                    <label for=id.clone()>{t(lang, label_key)}</label>
                    <textarea id=id.clone() name=name rows="3" maxlength="1000" aria-invalid=e.is_some().then_some("true")
                        aria-describedby=format!("{id}-error")>{crate::pages::textarea_text(&value)}</textarea>
                    <p class="error" id=format!("{id}-error")>{e}</p>
                </div>
            }
        };
        let fields = match code {
            "accept" => text_field("plan", f.plan.clone(), "staff.f.plan", &errs).into_any(),
            "decline" => text_field("reason", f.reason.clone(), "staff.f.reason", &errs).into_any(),
            "fulfil" => text_field("note", f.note.clone(), "staff.f.fulfil_note", &errs).into_any(),
            "complete" => text_field("inspection", f.inspection.clone(), "staff.f.inspection", &errs).into_any(),
            "feedback" => text_field("message", f.message.clone(), "staff.f.message", &errs).into_any(),
            "note" => view! {
                {text_field("text", f.text.clone(), "staff.f.text", &errs)}
                <div class="check"><label><input type="checkbox" name="public" value="on" checked=f.public.is_some() /><span>{t(lang, "staff.f.public")}</span></label></div>
            }.into_any(),
            "progress" => {
                let e = field_error(&errs, lang, "percent");
                view! {
                    <div class="field">
                        <label for=fid("percent")>{t(lang, "staff.f.percent")}</label>
                        <input type="number" id=fid("percent") name="percent" min="0" max="100" inputmode="numeric" value=f.percent.clone()
                            aria-invalid=e.is_some().then_some("true") aria-describedby=fid("percent-error") />
                        <p class="error" id=fid("percent-error")>{e}</p>
                    </div>
                    {text_field("note", f.note.clone(), "staff.f.progress_note", &errs)}
                }.into_any()
            }
            "start_notice" => {
                let e = field_error(&errs, lang, "days");
                let days = if f.days.is_empty() { "7".to_string() } else { f.days.clone() };
                view! {
                    <div class="field">
                        <label for=fid("days")>{t(lang, "staff.f.days")}</label>
                        <input type="number" id=fid("days") name="days" min="1" max="60" inputmode="numeric" value=days
                            aria-invalid=e.is_some().then_some("true") aria-describedby=fid("days-error") />
                        <p class="error" id=fid("days-error")>{e}</p>
                    </div>
                }.into_any()
            }
            "approve" => {
                let e = field_error(&errs, lang, "budget");
                view! {
                    <div class="field">
                        <label for=fid("budget")>{t(lang, "staff.f.budget")}</label>
                        <input type="text" id=fid("budget") name="budget" inputmode="numeric" value=f.budget.clone()
                            aria-invalid=e.is_some().then_some("true") aria-describedby=fid("budget-error") />
                        <p class="error" id=fid("budget-error")>{e}</p>
                    </div>
                    {text_field("plan", f.plan.clone(), "staff.f.approve_plan", &errs)}
                }.into_any()
            }
            "duplicate" => {
                let e = field_error(&errs, lang, "of_number");
                view! {
                    <div class="field">
                        <label for=fid("of_number")>{t(lang, "staff.f.of_number")}</label>
                        <input type="text" id=fid("of_number") name="of_number" value=f.of_number.clone() placeholder="W-2026-000123"
                            aria-invalid=e.is_some().then_some("true") aria-describedby=fid("of_number-error") />
                        <p class="error" id=fid("of_number-error")>{e}</p>
                    </div>
                }.into_any()
            }
            "publish" => {
                let e = field_error(&errs, lang, "public_text");
                let p = v.publish.clone();
                let text = if f.public_text.is_empty() { p.as_ref().map(|p| p.draft.clone()).unwrap_or_default() } else { f.public_text.clone() };
                let flags = domain::mask::public_flags(&text);
                let id = fid("public_text");
                let card = p.map(|p| crate::wishes::WallCard { need: domain::claims::wall_text(&text, 120), ..p.card });
                view! {
                    <p class="hint">{t(lang, "staff.publish.intro")}</p>
                    <div class="field">
                        <label for=id.clone()>{t(lang, "staff.f.public_text")}</label>
                        <p class="hint" id=format!("{id}-hint")>{t(lang, "staff.f.public_text.hint")}</p>
                        <textarea id=id.clone() name="public_text" rows="4" maxlength="300" aria-invalid=e.is_some().then_some("true")
                            aria-describedby=format!("{id}-hint {id}-flags {id}-error")>{crate::pages::textarea_text(&text)}</textarea>
                        <p class="error" id=format!("{id}-error")>{e}</p>
                    </div>
                    <div class="flags" id=format!("{id}-flags")>
                        {if flags.is_empty() {
                            view! { <p class="hint">{t(lang, "staff.flags.none")}</p> }.into_any()
                        } else {
                            view! {
                                <p class="notice bad">{t(lang, "staff.flags.found")}</p>
                                <ul>{flags.into_iter().map(|fl| view! { <li>{t(lang, &format!("staff.flag.{}", fl.kind.code()))}"：「"<mark>{fl.text}</mark>"」"</li> }).collect_view()}</ul>
                            }.into_any()
                        }}
                    </div>
                    {card.map(|c| view! {
                        <div class="preview" aria-label=t(lang, "staff.preview")>
                            <p class="preview-label">{t(lang, "staff.preview")}</p>
                            <crate::wishes::Card lang c link=false />
                        </div>
                    })}
                    <button type="submit" name="preview" value="1" class="secondary">{t(lang, "staff.preview.refresh")}</button>
                }.into_any()
            }
            "assign" => {
                let e = field_error(&errs, lang, "community_id");
                let current = if f.community_id.is_empty() { v.community_id.map(|c| c.to_string()).unwrap_or_default() } else { f.community_id.clone() };
                view! {
                    <div class="field">
                        <label for=fid("community_id")>{t(lang, "track.community")}</label>
                        <select id=fid("community_id") name="community_id" aria-invalid=e.is_some().then_some("true") aria-describedby=fid("community_id-error")>
                            <option value="">{t(lang, "f.community.choose")}</option>
                            {v.communities.iter().map(|c| view! { <option value=c.id.to_string() selected=current == c.id.to_string()>{c.name.clone()}</option> }).collect_view()}
                        </select>
                        <p class="error" id=fid("community_id-error")>{e}</p>
                    </div>
                }.into_any()
            }
            "reroute" => {
                let e = field_error(&errs, lang, "town");
                view! {
                    <div class="field">
                        <label for=fid("town")>{t(lang, "staff.f.new_town")}</label>
                        <select id=fid("town") name="town" aria-invalid=e.is_some().then_some("true") aria-describedby=fid("town-error")>
                            <option value="">{t(lang, "f.town.choose")}</option>
                            {v.towns.iter().map(|tw| view! { <option value=tw.slug.clone() selected=f.town == tw.slug>{tw.name.clone()}</option> }).collect_view()}
                        </select>
                        <p class="error" id=fid("town-error")>{e}</p>
                    </div>
                    {text_field("reason", f.reason.clone(), "staff.f.reroute_reason", &errs)}
                }.into_any()
            }
            _ => ().into_any(),
        };
        view! {
            <details class="card action" open=open data-action=code>
                <summary>{t(lang, &format!("staff.act.{code}"))}</summary>
                <form method="post" action=action_url.clone() novalidate>
                    <input type="hidden" name="action" value=code />
                    <input type="hidden" name="version" value=version.clone() />
                    {fields}
                    <button type="submit" class="primary">{t(lang, &format!("staff.act.{code}"))}</button>
                </form>
            </details>
        }
    }).collect_view();
    view! {
        <section aria-labelledby="act-h">
            <h2 id="act-h">{t(lang, "staff.actions")}</h2>
            {general.map(|g| view! { <p class="notice bad" role="alert">{g}</p> })}
            {if v.actions.is_empty() { Some(view! { <p class="card">{t(lang, "staff.no_actions")}</p> }) } else { None }}
            {forms}
        </section>
    }
}
