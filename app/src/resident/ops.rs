//! Server-side operations shared by server functions and plain form posts: validate with the domain
//! rules, check against reference data, and call the store.

use super::{FormData, HomeData, MergedView, SimilarProject, TrackView};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::ui::{CommunityOption, DeadlineView, EventView, TownOption};
use domain::lifecycle::{resident_can, Action};
use domain::validate::{validate_project, validate_wish};
use domain::validate::{PROJECT_FIELDS, WISH_FIELDS};
use domain::{FieldError, Kind, Lang, ProjectInput, Rating, Status, WishInput};
use store::NewItem;

/// The villages/communities of a town, named in `lang` (Traditional script, or pinyin with the Chinese).
pub async fn communities(st: &AppState, town: &str, lang: Lang) -> AppResult<Vec<CommunityOption>> {
    Ok(st
        .db
        .communities(town)
        .await?
        .into_iter()
        .map(|c| CommunityOption { id: c.id, name: store::names::place(lang, &c.name) })
        .collect())
}

pub async fn form_data(st: &AppState, town: &str, lang: Lang) -> AppResult<FormData> {
    let towns = st
        .db
        .towns()
        .await?
        .iter()
        .map(|t| TownOption { slug: t.slug.clone(), name: t.name(lang).to_string() })
        .collect();
    let communities = if town.is_empty() { Vec::new() } else { communities(st, town, lang).await? };
    Ok(FormData { towns, communities, limits: st.db.settings().await?.limits })
}

/// Checks that the town exists and the community belongs to it (and is on the form).
async fn check_place(st: &AppState, town: &str, community_id: i64, errors: &mut Vec<FieldError>) -> AppResult<()> {
    if town.is_empty() || town == domain::validate::TOWN_UNKNOWN {
        return Ok(());
    }
    if !st.db.towns().await?.iter().any(|t| t.slug == town) {
        errors.push(FieldError::new("town", "town_unknown"));
        return Ok(());
    }
    if community_id > 0 {
        match st.db.community(community_id).await? {
            Some(c) if c.town_slug == town && c.active => {}
            _ => errors.push(FieldError::new("community", "community_unknown")),
        }
    }
    Ok(())
}

fn order(errors: &mut [FieldError], fields: &[&str]) {
    errors.sort_by_key(|e| fields.iter().position(|f| *f == e.field).unwrap_or(usize::MAX));
}

/// The submission limits (`domain::abuse`): per client address and per phone, an hour and a day; and
/// the mails one email address gets a day (refused at the email field: leave it empty or use another).
async fn refuse_flood(
    st: &AppState,
    settings: &store::Settings,
    client: &str,
    phone: &str,
    email: Option<&str>,
) -> AppResult<()> {
    use domain::abuse::Limit;
    let phone = store::limits::personal_subject(phone);
    let mut tries =
        vec![(Limit::SubmissionsPerPhoneHour, phone.as_str()), (Limit::SubmissionsPerPhoneDay, phone.as_str())];
    if !client.is_empty() {
        tries.push((Limit::SubmissionsPerClientHour, client));
        tries.push((Limit::SubmissionsPerClientDay, client));
    }
    if let Some(wait) = crate::limits::over_limit(st, &settings.abuse, &tries).await? {
        return Err(AppError::RateLimited { retry_after: wait, errors: vec![crate::limits::too_many("form")] });
    }
    if let Some(email) = email {
        let subject = store::limits::personal_subject(email);
        if crate::limits::over_limit(st, &settings.abuse, &[(Limit::MailsPerAddressDay, &subject)]).await?.is_some() {
            return Err(AppError::field("email", "email_too_many"));
        }
    }
    Ok(())
}

/// A submitted micro-wish. Answers the tracking page's address (`/t/{token}?created=1`); refusals:
/// `Invalid` (in the form's field order), `RateLimited`.
pub async fn submit_wish(st: &AppState, input: &WishInput, lang: Lang, client: &str) -> AppResult<String> {
    submit_wish_via(st, input, lang, client, None).await.map(|s| s.tracking)
}

/// [`submit_wish`] for a form posted by another system with an Open311 key (`via`: the key's id): the
/// same checks, limits and lifecycle, and a receipt kept with the item.
pub async fn submit_wish_via(
    st: &AppState,
    input: &WishInput,
    lang: Lang,
    client: &str,
    via: Option<i64>,
) -> AppResult<Submitted> {
    let settings = st.db.settings().await?;
    let item = validate_wish(input, &settings.limits).map(|v| NewItem {
        category: v.beneficiary.code().to_string(),
        description: v.need,
        amount_yuan: v.amount_yuan,
        urgent: v.urgent,
        submitted_by: v.submitted_by.code().to_string(),
        helper_org: v.helper_org,
        contact_name: v.contact_name,
        contact_phone: v.phone,
        contact_email: v.email,
        town_slug: v.place.town,
        community_id: v.place.community_id,
        place_text: v.place.text,
        beneficiary: v.person,
        ..NewItem::blank(Kind::Wish)
    });
    let form =
        Form { town: &input.town, community: &input.community, key: &input.submission_key, fields: WISH_FIELDS, via };
    submit(st, &settings, item, form, lang, client).await
}

/// A submitted micro-project; answers and refusals as [`submit_wish`].
pub async fn submit_project(st: &AppState, input: &ProjectInput, lang: Lang, client: &str) -> AppResult<String> {
    submit_project_via(st, input, lang, client, None).await.map(|s| s.tracking)
}

/// [`submit_project`] posted with an Open311 key, as [`submit_wish_via`].
pub async fn submit_project_via(
    st: &AppState,
    input: &ProjectInput,
    lang: Lang,
    client: &str,
    via: Option<i64>,
) -> AppResult<Submitted> {
    let settings = st.db.settings().await?;
    let item = validate_project(input, &settings.limits).map(|v| NewItem {
        category: v.category.code().to_string(),
        title: v.title,
        description: v.description,
        location: v.location,
        amount_yuan: v.budget_yuan,
        submitted_by: "self".to_string(),
        contact_name: v.contact_name,
        contact_phone: v.phone,
        contact_email: v.email,
        town_slug: v.place.town,
        community_id: v.place.community_id,
        place_text: v.place.text,
        ..NewItem::blank(Kind::Project)
    });
    let form = Form {
        town: &input.town,
        community: &input.community,
        key: &input.submission_key,
        fields: PROJECT_FIELDS,
        via,
    };
    submit(st, &settings, item, form, lang, client).await
}

/// A submission made: where the resident follows it, and what another system is told.
#[derive(Debug, Clone)]
pub struct Submitted {
    /// The tracking page's address (`/t/{token}?created=1`).
    pub tracking: String,
    pub number: String,
    /// The Open311 receipt token (posted with a key only).
    pub receipt: Option<String>,
    pub feedback_due_at: i64,
}

/// What [`submit`] reads of either form besides the validated item.
struct Form<'a> {
    town: &'a str,
    community: &'a str,
    /// The browser's key against double submits.
    key: &'a str,
    /// The form's field order, for the error summary.
    fields: &'static [&'static str],
    /// The Open311 key it was posted with.
    via: Option<i64>,
}

/// The steps both forms share: the place checked against reference data, the submission limits, the
/// deadlines from the settings and the calendar, then one insert.
async fn submit(
    st: &AppState,
    settings: &store::Settings,
    item: Result<NewItem, Vec<FieldError>>,
    form: Form<'_>,
    lang: Lang,
    client: &str,
) -> AppResult<Submitted> {
    let (item, mut errors) = match item {
        Ok(n) => (Some(n), Vec::new()),
        Err(e) => (None, e),
    };
    if !errors.iter().any(|e| e.field == "town" || e.field == "community") {
        check_place(st, form.town.trim(), form.community.trim().parse().unwrap_or(0), &mut errors).await?;
    }
    let Some(mut n) = item.filter(|_| errors.is_empty()) else {
        order(&mut errors, form.fields);
        return Err(AppError::Invalid(errors));
    };
    refuse_flood(st, settings, client, &n.contact_phone, n.contact_email.as_deref()).await?;
    let now = store::now();
    let cal = st.db.calendar().await?;
    n.lang = lang.code().to_string();
    n.submission_key = Some(form.key.trim().to_string()).filter(|k| !k.is_empty());
    n.submitted_at = now;
    n.acceptance_due_at = settings.deadlines.acceptance_due(now);
    n.feedback_due_at = settings.deadlines.feedback_due(&cal, n.kind, n.urgent, now);
    n.sign_due_at = Some(settings.deadlines.sign_for_due(&cal, now));
    n.return_due_at = Some(settings.deadlines.return_due(&cal, now));
    let (created, receipt) = match form.via {
        Some(key) => st.db.create_open311_item(&n, key).await.map(|(c, r)| (c, Some(r)))?,
        None => (st.db.create_item(&n).await?, None),
    };
    Ok(Submitted {
        tracking: format!("/t/{}?created=1", created.token),
        number: created.number,
        receipt,
        feedback_due_at: n.feedback_due_at,
    })
}

/// Projects on the board (under notice, adopted) in a village or community whose words are like the
/// proposal being typed (`domain::duplicates`), most alike first: the resident can support one of them
/// instead. Only what the board shows goes back. Counted per client (`similar_client_hour`).
pub async fn similar_projects(
    st: &AppState,
    community: &str,
    title: &str,
    description: &str,
    client: &str,
) -> AppResult<Vec<SimilarProject>> {
    let Some(community) = community.trim().parse::<i64>().ok().filter(|c| *c > 0) else { return Ok(Vec::new()) };
    let text: String =
        format!("{title} {description}").chars().take(domain::validate::len::DESCRIPTION.1 + 100).collect();
    if domain::duplicates::normalise(&text).chars().count() < 4 {
        return Ok(Vec::new());
    }
    if !client.is_empty() {
        let abuse = st.db.settings().await?.abuse;
        let tries = [(domain::abuse::Limit::SimilarPerClientHour, client)];
        if let Some(wait) = crate::limits::over_limit(st, &abuse, &tries).await? {
            return Err(AppError::RateLimited { retry_after: wait, errors: Vec::new() });
        }
    }
    let open = st.db.open_items_in_community(community, Kind::Project, None, true).await?;
    let found = domain::duplicates::suggest(&text, open.iter().map(|o| o.text.as_str()));
    Ok(found
        .into_iter()
        .map(|(i, _)| {
            let o = &open[i];
            SimilarProject {
                number: o.number.clone(),
                title: domain::claims::wall_text(&o.title, 60),
                supports: o.supports,
            }
        })
        .collect())
}

/// The form's list of similar projects (empty without any): each links to the project's voice section.
pub fn similar_html(found: &[SimilarProject], lang: Lang) -> String {
    use crate::ui::i18n::{t, tf};
    if found.is_empty() {
        return String::new();
    }
    let esc = crate::ui::html_escape;
    let items: String = found
        .iter()
        .map(|p| {
            format!(
                "<li data-number=\"{n}\"><a href=\"/projects/{n}#voice\"{l}>{title}</a><span class=\"hint\"> · {supports} · {go}</span></li>",
                n = esc(&p.number),
                l = crate::ui::text_lang(lang, &p.title).map(|l| format!(" lang=\"{l}\"")).unwrap_or_default(),
                title = esc(&p.title),
                supports = esc(&tf(lang, "project.similar.supports", &[("n", &p.supports.to_string())])),
                go = esc(&t(lang, "project.similar.support")),
            )
        })
        .collect();
    format!(
        "<section class=\"card\" aria-labelledby=\"similar-h\"><h2 id=\"similar-h\">{}</h2><p>{}</p><ul>{items}</ul></section>",
        esc(&t(lang, "project.similar.title")),
        esc(&t(lang, "project.similar.intro")),
    )
}

/// This year's figures (Dongguan calendar year), cached for a minute.
pub async fn home_data(st: &AppState) -> AppResult<HomeData> {
    let now = store::now();
    let mut cache = st.home_cache.lock().await;
    if let Some((at, data)) = cache.as_ref() {
        if now - at < 60 {
            return Ok(data.clone());
        }
    }
    let today = domain::Date::from_timestamp(now);
    let q = store::MeasureQuery {
        from: Some(domain::Date { year: today.year, month: 1, day: 1 }),
        to: Some(today),
        ..Default::default()
    };
    let measures = st.db.measures(&q, now).await?;
    let data = HomeData { measures };
    *cache = Some((now, data.clone()));
    Ok(data)
}

pub async fn track_view(st: &AppState, token: &str, lang: Lang) -> AppResult<Option<TrackView>> {
    let Some(item) = st.db.item_by_token(token).await? else { return Ok(None) };
    let events = st.db.events(item.id, true).await?;
    let town_name =
        store::names::town_name(&st.db.towns().await?, item.facts.town_slug.as_deref(), lang).unwrap_or_default();
    let state = item.state();
    let f = &item.facts;
    let deadlines = deadline_views(&item, &events);
    let open = !matches!(item.status, Status::Withdrawn | Status::Duplicate);
    let link = format!("{}/t/{}", st.base_url.trim_end_matches('/'), item.token);
    let can_rate =
        resident_can(&state, &Action::Rate { rating: Rating::Satisfied, comment: String::new(), aware: None });
    let next_step = next_step(
        &item,
        if town_name.is_empty() { None } else { Some(town_name.as_str()) },
        can_rate,
        lang,
        store::now(),
    );
    // Ratings on the timeline: the last one is the item's; an earlier one was followed by a reopen, which
    // only 不满意 allows.
    let last_rate = events.iter().rposition(|e| e.action == "rate");
    let events: Vec<EventView> = events
        .into_iter()
        .enumerate()
        .map(|(i, e)| EventView {
            rating: (e.action == "rate")
                .then(|| if Some(i) == last_rate { f.rating } else { Some(Rating::Unsatisfied) })
                .flatten(),
            at: e.at,
            action: e.action,
            body: e.body,
        })
        .collect();
    let merged = match st.db.merged_into(item.id).await? {
        Some(o) => Some(MergedView {
            number: o.number,
            status: o.status,
            askers: st.db.askers(o.id).await?,
            events: st
                .db
                .events(o.id, true)
                .await?
                .into_iter()
                .map(|e| EventView { at: e.at, action: e.action, body: e.body, rating: None })
                .collect(),
        }),
        None => None,
    };
    let askers = st.db.askers(item.id).await?;
    Ok(Some(TrackView {
        askers,
        merged,
        number: item.number.clone(),
        token: item.token.clone(),
        link,
        kind: item.kind,
        status: item.status,
        category: item.category.clone(),
        title: item.title.clone(),
        description: item.description.clone(),
        location: item.location.clone(),
        amount_yuan: item.amount_yuan,
        urgent: item.urgent,
        community_name: match &item.community_name {
            Some(c) => store::names::place(lang, c),
            None => item.place_text.clone().unwrap_or_default(),
        },
        town_name,
        contact_masked: format!(
            "{} {}",
            domain::mask::mask_name(&item.contact_name),
            domain::mask::mask_phone(&item.contact_phone)
        ),
        submitted_at: item.submitted_at,
        next_step,
        deadlines: if open { deadlines } else { Vec::new() },
        events,
        rating: f.rating,
        can_rate,
        // The rating of a fix needs the work order (the lifecycle decides again when it is posted).
        can_rate_fix: domain::workorder::fix_rating_open(f),
        fix_rating: f.fix_rating,
        can_reopen: resident_can(&state, &Action::RequestReopen),
        can_withdraw: resident_can(&state, &Action::Withdraw { reason: String::new() }),
        photos: crate::photos::ops::photos_of(st, item.id).await?,
        can_confirm_receipt: resident_can(&state, &Action::ConfirmReceipt)
            && st
                .db
                .live_claim_of_item(item.id)
                .await?
                .is_some_and(|c| c.status == domain::claims::ClaimStatus::Delivered),
        version: item.version,
    }))
}

/// The tracking link as an SVG QR code (medium error correction, dark on white, scales with its box),
/// served at `/t/{token}/qr.svg`.
pub fn qr_svg(link: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(link.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .quiet_zone(true)
            .min_dimensions(180, 180)
            .dark_color(qrcode::render::svg::Color("#000000"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .build()
            // No XML prolog inside HTML.
            .split_once("?>")
            .map(|(_, svg)| svg.trim().to_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    }
}

/// A date and time in words: `12月3日 14:00`, `3 Dec 14:00`.
pub fn short_at(lang: Lang, ts: i64) -> String {
    let d = domain::Date::from_timestamp(ts);
    let secs = (ts + domain::calendar::CHINA_OFFSET_SECS).rem_euclid(86_400);
    let hm = format!("{:02}:{:02}", secs / 3600, (secs % 3600) / 60);
    match lang {
        Lang::En => {
            const M: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
            format!("{} {} {hm}", d.day, M[(d.month as usize).clamp(1, 12) - 1])
        }
        _ => format!("{}月{}日 {hm}", d.month, d.day),
    }
}

/// What happens next, in one or two sentences for the resident: who answers, and by when.
pub fn next_step(item: &store::ItemRecord, town: Option<&str>, can_rate: bool, lang: Lang, now: i64) -> Option<String> {
    use crate::ui::i18n::{t, tf};
    let f = &item.facts;
    let who = town.map(str::to_string).unwrap_or_else(|| t(lang, "next.dispatcher"));
    let say = |key: &str, at: i64| Some(tf(lang, key, &[("town", &who), ("at", &short_at(lang, at))]));
    let waiting_reply = f.first_response_at.is_none();
    let waiting_feedback = f.feedback_at.is_none();
    if can_rate {
        return Some(t(lang, "next.rate"));
    }
    let reply_or_feedback_late =
        (waiting_reply && f.acceptance_due_at < now) || (waiting_feedback && item.feedback_due_at < now);
    match item.status {
        Status::Closed | Status::Withdrawn | Status::Duplicate | Status::Declined => None,
        Status::FeedbackGiven => Some(t(lang, "next.done")),
        Status::Reopened => say("next.reopened", f.redo_due_at.unwrap_or(item.feedback_due_at)),
        _ if reply_or_feedback_late => {
            let due = if waiting_reply { f.acceptance_due_at } else { item.feedback_due_at };
            say("next.late", due)
        }
        Status::Submitted => say("next.submitted", f.acceptance_due_at),
        Status::Routed => say("next.routed", f.acceptance_due_at),
        Status::Accepted => say(
            if item.kind == Kind::Wish { "next.accepted.wish" } else { "next.accepted.project" },
            item.feedback_due_at,
        ),
        Status::Published => say("next.published", item.feedback_due_at),
        Status::Claimed => say("next.claimed", item.feedback_due_at),
        Status::Fulfilled => say("next.fulfilled", item.feedback_due_at),
        Status::PublicNotice => say("next.public_notice", item.feedback_due_at),
        Status::Approved | Status::InProgress => match f.completion_due_at {
            Some(due) => say("next.in_progress", due),
            None => say("next.accepted.project", item.feedback_due_at),
        },
        Status::Completed => say("next.completed", item.feedback_due_at),
    }
}

/// The deadlines that apply to an item, met or not: the acceptance reply, feedback, for an approved
/// project its completion, and for a reopened item the new answer (重办). Shown on the tracking page and the staff item page.
pub fn deadline_views(item: &store::ItemRecord, events: &[store::ItemEvent]) -> Vec<DeadlineView> {
    let f = &item.facts;
    let mut deadlines = vec![DeadlineView {
        label_key: "dl.acceptance".into(),
        due_at: f.acceptance_due_at,
        done_at: f.first_response_at,
    }];
    let fb_key = if item.kind == Kind::Wish { "dl.feedback.wish" } else { "dl.feedback.project" };
    deadlines.push(DeadlineView { label_key: fb_key.into(), due_at: item.feedback_due_at, done_at: f.feedback_at });
    if let Some(due) = f.completion_due_at {
        let done = events.iter().find(|e| e.action == "complete").map(|e| e.at);
        deadlines.push(DeadlineView { label_key: "dl.completion".into(), due_at: due, done_at: done });
    }
    if let Some(due) = f.redo_due_at {
        deadlines.push(DeadlineView { label_key: "dl.redo".into(), due_at: due, done_at: f.redo_feedback_at });
    }
    deadlines
}

/// A resident's action from the tracking page, as posted.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, PartialEq)]
pub struct ResidentForm {
    #[serde(default)]
    pub rating: String,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub aware: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub confirm: Option<String>,
    #[serde(default)]
    pub version: String,
}

/// Rates, reopens or withdraws through the lifecycle function. `what` is `rate`, `reopen` or `withdraw`.
pub async fn resident_act(st: &AppState, token: &str, what: &str, form: &ResidentForm) -> AppResult<()> {
    let Some(item) = st.db.item_by_token(token).await? else { return Err(AppError::NotFound) };
    let mut errors = Vec::new();
    let action = match what {
        "rate" => {
            let rating = Rating::from_code(form.rating.trim());
            if rating.is_none() {
                errors.push(FieldError::new("rating", "rating_required"));
            }
            if domain::abuse::has_forbidden_control(&form.comment) {
                errors.push(FieldError::new("comment", "control_chars"));
            } else if form.comment.chars().count() > 500 {
                errors.push(FieldError::new("comment", "too_long"));
            }
            let aware = match form.aware.as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            };
            rating.map(|rating| Action::Rate { rating, comment: form.comment.trim().to_string(), aware })
        }
        "reopen" => Some(Action::RequestReopen),
        "rate_fix" => {
            let rating = Rating::from_code(form.rating.trim());
            if rating.is_none() {
                errors.push(FieldError::new("rating", "rating_required"));
            }
            rating.map(|rating| Action::RateFix { rating })
        }
        "confirm" => Some(Action::ConfirmReceipt),
        "withdraw" => {
            if !matches!(form.confirm.as_deref(), Some(v) if !v.is_empty()) {
                errors.push(FieldError::new("confirm", "confirm_required"));
            }
            if domain::abuse::has_forbidden_control(&form.reason) {
                errors.push(FieldError::new("reason", "control_chars"));
            } else if form.reason.chars().count() > 200 {
                errors.push(FieldError::new("reason", "too_long"));
            }
            Some(Action::Withdraw { reason: form.reason.trim().to_string() })
        }
        _ => return Err(AppError::NotFound),
    };
    let action = match action {
        Some(a) if errors.is_empty() => a,
        _ => return Err(AppError::Invalid(errors)),
    };
    let expected = form.version.trim().parse::<i64>().ok();
    match st.db.act(item.id, expected, domain::Actor::Resident, "", &action, store::now()).await {
        Ok(_) => {
            *st.home_cache.lock().await = None;
            Ok(())
        }
        // A stale page (conflict) or a status that no longer allows it (not_allowed_now).
        Err(e) => Err(e.into()),
    }
}

/// Failed look-ups allowed per client address in [`LOOKUP_WINDOW_SECS`], across all server instances
/// (per item number: the admin setting `track_number_hour`).
pub const LOOKUP_MAX_FAILURES: i64 = 10;
pub const LOOKUP_WINDOW_SECS: i64 = 600;

/// Looks an item up by number and the last four phone digits; rate-limited per client.
pub async fn lookup(st: &AppState, number: &str, phone4: &str, client: &str) -> AppResult<String> {
    let now = store::now();
    let mut errors = Vec::new();
    let parsed = domain::parse_item_number(number);
    if parsed.is_none() {
        errors.push(FieldError::new(
            "number",
            if number.trim().is_empty() { "required" } else { "lookup_number_invalid" },
        ));
    }
    if !domain::validate::valid_phone_tail(phone4) {
        errors.push(FieldError::new(
            "phone4",
            if phone4.trim().is_empty() { "required" } else { "lookup_phone4_invalid" },
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let (kind, year, seq) = parsed.unwrap_or((Kind::Wish, 0, 0));
    let number = domain::item_number(kind, year, seq);
    // Every try counts first (both keys in one atomic statement), and a try that finds the item is taken back:
    // failures are counted per client address and per item number, so neither many tries from one
    // address nor a few tries each from many addresses run through the 10,000 possible digits.
    let limits = st.db.settings().await?.abuse;
    let per_number = domain::abuse::Limit::TrackTriesPerNumberHour;
    let client_key = format!("lookup:{client}");
    let number_key = format!("{}:{number}", per_number.code());
    let hits = st
        .db
        .hit_all(&[(client_key.clone(), LOOKUP_WINDOW_SECS), (number_key.clone(), per_number.window_secs())], now)
        .await?;
    let refuse = hits[0].count > LOOKUP_MAX_FAILURES || hits[1].count > limits.max(per_number);
    let found = if refuse { None } else { st.db.token_by_number_and_phone_tail(&number, phone4.trim()).await? };
    match found {
        Some(token) => {
            st.db.unhit(&client_key, LOOKUP_WINDOW_SECS, now).await?;
            st.db.unhit(&number_key, per_number.window_secs(), now).await?;
            Ok(token)
        }
        None if refuse => Err(AppError::field("number", "lookup_too_many")),
        None => Err(AppError::field("number", "lookup_not_found")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_projects_are_escaped_and_link_to_their_voices() {
        let p = SimilarProject {
            number: "P-2026-000001".into(),
            title: "<img src=x onerror=alert(1)>路灯".into(),
            supports: 3,
        };
        let html = similar_html(&[p], Lang::ZhHans);
        assert!(
            html.contains("<a href=\"/projects/P-2026-000001#voice\">&lt;img src=x onerror=alert(1)&gt;路灯</a>"),
            "{html}"
        );
        assert!(html.contains("3 人支持"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert_eq!(similar_html(&[], Lang::En), "", "nothing to show, nothing shown");
    }
}
