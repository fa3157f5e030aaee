//! Resident pages. They render completely on the server (routes use `SsrMode::Async`), so they work
//! before or without JavaScript; only the forms are islands.

use crate::resident::api;
use crate::resident::forms::{ProjectForm, WishForm};
use crate::resident::{HomeData, PostedLookup, PostedProject, PostedTrack, PostedWish, TrackView};
use crate::ui::i18n::{err, local_time, t, tf, thousands};
use crate::ui::{field_error, now_ts, request_has_cookie, server_trouble, set_status, use_lang, Fold, NotFound};
use domain::kpi::{Ratio, AWARENESS_TARGET, FEEDBACK_TARGET, SATISFACTION_TARGET};
use domain::{FieldError, Kind, Lang, ProjectInput, Rating, WishInput};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
/// A fresh key for a form, so that sending it twice makes one item.
fn new_submission_key() -> String {
    #[cfg(feature = "ssr")]
    {
        store::new_token()
    }
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
    }
}
#[component]
pub fn HomePage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(|| (), |_| api::get_home_data());
    // Asked once per browser: the answer sets the `aware_answered` cookie (see `POST /awareness`).
    let answered = use_query_map().read_untracked().get("aware").is_some() || request_has_cookie("aware_answered");
    view! {
        <Title text=format!("{} · {}", t(lang, "app.name"), t(lang, "app.tagline")) />
        <section class="hero">
            <h1>{t(lang, "home.title")}</h1>
            <p>{t(lang, "home.intro")}</p>
        </section>
        <div class="ways">
            <a class="way wish" href="/wish/new">
                <h2>{t(lang, "home.wish.title")}</h2>
                <p>{t(lang, "home.wish.desc")}</p>
                <span class="btn">{t(lang, "home.wish.cta")}</span>
            </a>
            <a class="way project" href="/project/new">
                <h2>{t(lang, "home.project.title")}</h2>
                <p>{t(lang, "home.project.desc")}</p>
                <span class="btn">{t(lang, "home.project.cta")}</span>
            </a>
        </div>
        <section class="card" aria-labelledby="lookup-h">
            <h2 id="lookup-h">{t(lang, "home.track.title")}</h2>
            <p>{t(lang, "home.track.intro")}</p>
            <LookupForm lang number=String::new() phone4=String::new() errors=Vec::new() />
        </section>
        <Fold id="fig-h" title=t(lang, "home.figures.title") class="figures">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <Figures lang d /> }.into_any(),
                        Err(_) => view! { <p>{t(lang, "fig.none")}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </Fold>
        <Fold id="aware-h" title=t(lang, "aware.question") class="aware">
            {if answered {
                view! { <p class="notice good" role="status">{t(lang, "aware.thanks")}</p> }.into_any()
            } else {
                view! {
                    <form method="post" action="/awareness" class="two-buttons">
                        <button type="submit" name="answer" value="yes" class="secondary">{t(lang, "aware.yes")}</button>
                        <button type="submit" name="answer" value="no" class="secondary">{t(lang, "aware.no")}</button>
                    </form>
                }
                .into_any()
            }}
        </Fold>
    }
}

fn pct(r: Ratio) -> Option<f64> {
    r.percent()
}

#[component]
fn Figures(lang: Lang, d: HomeData) -> impl IntoView {
    let m = d.measures;
    let tile = move |label: &'static str, value: Option<f64>, target: f64, help: &'static str| {
        let below = value.is_some_and(|v| v < target * 100.0);
        let shown = value.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "—".into());
        view! {
            <div class="tile" class:below=below>
                <p class="label">{t(lang, label)}</p>
                <p class="value">{shown}</p>
                <p class="target">{tf(lang, "fig.target", &[("target", &format!("{:.0}%", target * 100.0))])}</p>
                <p class="help">{t(lang, help)}</p>
            </div>
        }
    };
    view! {
        <div class="tiles">
            <div class="tile">
                <p class="label">{t(lang, "fig.items")}</p>
                <p class="value">{thousands(m.items)}</p>
            </div>
            {tile("fig.feedback", pct(m.feedback), FEEDBACK_TARGET, "fig.help.feedback")}
            {tile("fig.satisfaction", pct(m.satisfaction), SATISFACTION_TARGET, "fig.help.satisfaction")}
            {tile("fig.awareness", pct(m.awareness), AWARENESS_TARGET, "fig.help.awareness")}
        </div>
        <p><a href="/figures">{t(lang, "home.figures.more")}</a></p>
    }
}

/// Number + last four phone digits.
#[component]
fn LookupForm(lang: Lang, number: String, phone4: String, errors: Vec<FieldError>) -> impl IntoView {
    let n_err = field_error(&errors, lang, "number");
    let n_err_bad = n_err.is_some();
    let p_err = field_error(&errors, lang, "phone4");
    let p_err_bad = p_err.is_some();
    view! {
        <form method="post" action="/track" class="lookup" novalidate>
            <div class="field" class:invalid=n_err_bad>
                <label for="number">{t(lang, "lookup.number")}</label>
                <p class="hint" id="number-hint">{t(lang, "lookup.number.hint")}</p>
                <input type="text" id="number" name="number" value=number autocapitalize="characters" maxlength="20"
                    aria-invalid=if n_err_bad { "true" } else { "false" } aria-describedby="number-hint number-error" />
                <p class="error" id="number-error">{n_err}</p>
            </div>
            <div class="field" class:invalid=p_err_bad>
                <label for="phone4">{t(lang, "lookup.phone4")}</label>
                <input type="text" id="phone4" name="phone4" value=phone4 inputmode="numeric" maxlength="4"
                    aria-invalid=if p_err_bad { "true" } else { "false" } aria-describedby="phone4-error" />
                <p class="error" id="phone4-error">{p_err}</p>
            </div>
            <button type="submit" class="primary">{t(lang, "lookup.submit")}</button>
        </form>
    }
}

/// `/track`: look an item up.
#[component]
pub fn LookupPage() -> impl IntoView {
    let lang = use_lang();
    let posted = use_context::<PostedLookup>();
    if posted.is_some() {
        set_status(422);
    }
    let (number, phone4, errors) = posted.map(|p| (p.number, p.phone4, p.errors)).unwrap_or_default();
    view! {
        <Title text=format!("{} · {}", t(lang, "lookup.title"), t(lang, "app.name")) />
        <h1>{t(lang, "lookup.title")}</h1>
        <p>{t(lang, "home.track.intro")}</p>
        <LookupForm lang number phone4 errors />
    }
}

/// `/wish/new`.
#[component]
pub fn WishPage() -> impl IntoView {
    let lang = use_lang();
    let posted = use_context::<PostedWish>();
    if posted.as_ref().is_some_and(|p| !p.errors.is_empty()) {
        set_status(422);
    }
    let (init, errors) = match posted {
        Some(p) => (p.input, p.errors),
        None => (WishInput { submission_key: new_submission_key(), ..Default::default() }, Vec::new()),
    };
    let town = init.town.clone();
    let data = Resource::new(move || town.clone(), move |town| api::get_form_data(town, lang.code().to_string()));
    view! {
        <Title text=format!("{} · {}", t(lang, "wish.title"), t(lang, "app.name")) />
        <h1 data-read>{t(lang, "wish.title")}</h1>
        <p class="intro" data-read>{t(lang, "wish.intro")}</p>
        <EmergencyNotice lang />
        <Suspense fallback=|| ()>
            {move || {
                let (init, errors) = (init.clone(), errors.clone());
                Suspend::new(async move {
                    match data.await {
                        Ok(fd) => view! { <WishForm lang init errors towns=fd.towns communities=fd.communities limits=fd.limits /> }.into_any(),
                        Err(_) => server_trouble(lang),
                    }
                })
            }}
        </Suspense>
    }
}

/// What both forms say first: this is not the way to get help in an emergency, and where to call.
#[component]
fn EmergencyNotice(lang: Lang) -> impl IntoView {
    view! {
        <aside class="notice emergency" aria-label=t(lang, "call.label")>
            <p data-read>{t(lang, "form.emergency")}</p>
            <p class="calls">
                {["110", "120", "119", "12345"].into_iter().map(|n| view! {
                    <a href=format!("tel:{n}")>{t(lang, &format!("call.{n}"))}</a>
                }).collect_view()}
            </p>
        </aside>
    }
}

/// `/project/new`.
#[component]
pub fn ProjectPage() -> impl IntoView {
    let lang = use_lang();
    let posted = use_context::<PostedProject>();
    if posted.as_ref().is_some_and(|p| !p.errors.is_empty()) {
        set_status(422);
    }
    let (init, errors) = match posted {
        Some(p) => (p.input, p.errors),
        None => (ProjectInput { submission_key: new_submission_key(), ..Default::default() }, Vec::new()),
    };
    let town = init.town.clone();
    let data = Resource::new(move || town.clone(), move |town| api::get_form_data(town, lang.code().to_string()));
    view! {
        <Title text=format!("{} · {}", t(lang, "project.title"), t(lang, "app.name")) />
        <h1 data-read>{t(lang, "project.title")}</h1>
        <p class="intro" data-read>{t(lang, "project.intro")}</p>
        <EmergencyNotice lang />
        <Suspense fallback=|| ()>
            {move || {
                let (init, errors) = (init.clone(), errors.clone());
                Suspend::new(async move {
                    match data.await {
                        Ok(fd) => view! { <ProjectForm lang init errors towns=fd.towns communities=fd.communities limits=fd.limits /> }.into_any(),
                        Err(_) => server_trouble(lang),
                    }
                })
            }}
        </Suspense>
    }
}

/// `/t/{token}`: status, timeline, deadlines, and what the resident can do now.
#[component]
pub fn TrackPage() -> impl IntoView {
    let lang = use_lang();
    let token = use_params_map().read_untracked().get("token").unwrap_or_default();
    let query = use_query_map().read_untracked();
    let created = query.get("created").is_some();
    let done = query.get("done");
    let problem = query.get("problem");
    let posted = use_context::<PostedTrack>();
    if posted.is_some() {
        set_status(422);
    }
    let data = Resource::new(move || token.clone(), move |tok| api::get_track_view(tok, lang.code().to_string()));
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let (done, problem, posted) = (done.clone(), problem.clone(), posted.clone());
                Suspend::new(async move {
                    match data.await {
                        Ok(Some(v)) => view! { <TrackBody lang v created done problem posted /> }.into_any(),
                        Ok(None) => view! { <NotFound /> }.into_any(),
                        Err(_) => server_trouble(lang),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn TrackBody(
    lang: Lang,
    v: TrackView,
    created: bool,
    done: Option<String>,
    problem: Option<String>,
    posted: Option<PostedTrack>,
) -> impl IntoView {
    let now = now_ts();
    let kind_key = if v.kind == Kind::Wish { "kind.wish" } else { "kind.project" };
    let category = if v.kind == Kind::Wish {
        t(lang, &format!("ben.{}", v.category))
    } else {
        t(lang, &format!("cat.{}", v.category))
    };
    let (rate_errors, withdraw_errors) = match &posted {
        Some(p) if p.form == "rate" => (p.errors.clone(), Vec::new()),
        Some(p) if p.form == "withdraw" => (Vec::new(), p.errors.clone()),
        _ => (Vec::new(), Vec::new()),
    };
    let fix_errors = posted.as_ref().filter(|p| p.form == "rate_fix").map(|p| p.errors.clone()).unwrap_or_default();
    let token = v.token.clone();
    let done_note = done.and_then(|d| match d.as_str() {
        "rated" | "reopened" | "withdrawn" | "confirmed" | "fix_rated" => Some(t(lang, &format!("done.{d}"))),
        _ => None,
    });
    let problem_note = problem.filter(|p| p == "conflict" || p == "not_allowed_now").map(|p| err(lang, &p));
    let amount_label = if v.kind == Kind::Wish { "track.amount" } else { "track.budget" };
    // `?created=1` announces success only right after submitting, not from a saved or shared link.
    let created = created && now - v.submitted_at < CREATED_NOTICE_SECS;
    view! {
        <Title text=format!("{} {} · {}", t(lang, "track.title"), v.number, t(lang, "app.name")) />
        {created.then(|| view! {
            <div class="notice good" role="status" data-read>
                <p><strong>{tf(lang, "track.created", &[("number", &v.number)])}</strong></p>
                <p>{t(lang, "track.created.keep")}</p>
            </div>
        })}
        {done_note.map(|n| view! { <p class="notice good" role="status">{n}</p> })}
        {problem_note.map(|n| view! { <p class="notice bad" role="alert">{n}</p> })}
        <p class="kind-badge">{t(lang, kind_key)}" · "<span class="number">{v.number.clone()}</span></p>
        <h1>{t(lang, "track.title")}</h1>
        <section class="card status" aria-labelledby="status-h" data-read>
            <h2 id="status-h">{t(lang, "track.status")}</h2>
            <p class="status-text" data-status=v.status.code()>{t(lang, &format!("status.{}", v.status.code()))}</p>
            {v.next_step.clone().map(|n| view! { <p class="next-step">{n}</p> })}
            {v.rating.map(|r| view! { <p>{tf(lang, "track.rated", &[("rating", &t(lang, &format!("rating.{}", r.code())))])}</p> })}
            {v.fix_rating.map(|r| view! { <p>{tf(lang, "track.fix_rated", &[("rating", &t(lang, &format!("rating.{}", r.code())))])}</p> })}
            {(v.askers > 1).then(|| view! { <p class="askers">{tf(lang, "track.askers", &[("n", &v.askers.to_string())])}</p> })}
        </section>
        {v.merged.clone().map(|m| view! {
            <section class="card merged" aria-labelledby="merged-h" data-read>
                <h2 id="merged-h">{tf(lang, "track.merged.title", &[("number", &m.number)])}</h2>
                <p>{t(lang, "track.merged.intro")}</p>
                <p class="status-text" data-status=m.status.code()>{t(lang, &format!("status.{}", m.status.code()))}</p>
                {(m.askers > 1).then(|| view! { <p class="askers">{tf(lang, "track.askers", &[("n", &m.askers.to_string())])}</p> })}
                <ol class="timeline">
                    {m.events.iter().rev().map(|e| view! {
                        <li>
                            <time>{local_time(e.at)}</time>
                            <p class="what">{tf(lang, &format!("ev.{}", e.action), &[("body", &e.body)])}</p>
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        })}
        <Fold id="share-h" title=t(lang, "track.link") class="share">
            <p class="hint">{t(lang, "track.share.hint")}</p>
            <p class="link"><a href=v.link.clone()>{v.link.clone()}</a></p>
            // A 1 KB script, not the islands' WebAssembly: this page ships no WASM (see `ISLAND_PAGES`).
            // Without JavaScript the button stays hidden and the link can be selected.
            <p class="copy-row">
                <button type="button" class="secondary copy-link" hidden data-copy=v.link.clone() data-copied=t(lang, "track.copied")>
                    {t(lang, "track.copy")}
                </button>
                <span class="copied" role="status"></span>
            </p>
            <script src="/copy-link.js" defer></script>
            <details class="qr">
                <summary>{t(lang, "track.qr")}</summary>
                <figure>
                    // Fetched only when opened (lazy, inside a closed <details>): most visits never need it.
                    <img class="qr-code" src=format!("/t/{}/qr.svg", v.token) alt=t(lang, "track.qr.alt") width="200" height="200" loading="lazy" />
                    <figcaption class="hint">{t(lang, "track.qr.hint")}</figcaption>
                </figure>
            </details>
        </Fold>
        {v.can_confirm_receipt.then(|| view! {
            <section class="card" aria-labelledby="receipt-h">
                <h2 id="receipt-h">{t(lang, "track.receipt.title")}</h2>
                <p>{t(lang, "track.receipt.intro")}</p>
                <form method="post" action=format!("/t/{}/confirm", token)>
                    <input type="hidden" name="version" value=v.version.to_string() />
                    <button type="submit" class="primary">{t(lang, "track.receipt.submit")}</button>
                </form>
            </section>
        })}
        {v.can_rate.then(|| view! { <RateForm lang token=token.clone() version=v.version errors=rate_errors /> })}
        {v.can_rate_fix.then(|| view! { <FixRateForm lang token=token.clone() version=v.version errors=fix_errors /> })}
        {v.can_reopen.then(|| view! {
            <section class="card" aria-labelledby="reopen-h">
                <h2 id="reopen-h">{t(lang, "track.reopen.title")}</h2>
                <p>{t(lang, "track.reopen.intro")}</p>
                <form method="post" action=format!("/t/{}/reopen", token)>
                    <input type="hidden" name="version" value=v.version.to_string() />
                    <button type="submit" class="secondary">{t(lang, "track.reopen.submit")}</button>
                </form>
            </section>
        })}
        {(!v.deadlines.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="dl-h">
                <h2 id="dl-h">{t(lang, "track.deadlines")}</h2>
                <dl class="deadlines">
                    {v.deadlines.iter().map(|d| {
                        let (cls, text) = match d.done_at {
                            Some(at) => ("met", tf(lang, "dl.done", &[("at", &local_time(at))])),
                            None if d.due_at < now => ("overdue", tf(lang, "dl.overdue", &[("at", &local_time(d.due_at))])),
                            None => ("pending", tf(lang, "dl.due", &[("at", &local_time(d.due_at))])),
                        };
                        view! { <dt>{t(lang, &d.label_key)}</dt><dd class=cls>{text}</dd> }
                    }).collect_view()}
                </dl>
            </section>
        })}
        {view! { <crate::photos::PhotoGallery lang photos=v.photos.clone() /> }.into_any()}
        <section class="card" aria-labelledby="tl-h">
            <h2 id="tl-h">{t(lang, "track.timeline")}</h2>
            <ol class="timeline">
                {v.events.iter().rev().map(|e| {
                    let label = tf(lang, &format!("ev.{}", e.action), &[("body", &e.body)]);
                    // Steps whose label already carries the body (a town's name, days, the new deadline) show it once.
                    let body = if matches!(e.action.as_str(), "route" | "start_notice" | "approve_extension") || e.body.is_empty() { None } else { Some(e.body.clone()) };
                    let rating = e.rating.map(|r| t(lang, &format!("rating.{}", r.code())));
                    view! {
                        <li>
                            <time>{local_time(e.at)}</time>
                            <p class="what">{label}{rating.map(|r| view! { "：" <strong class="rating-given">{r}</strong> })}</p>
                            {body.map(|b| { let l = crate::ui::text_lang(lang, &b); view! { <p class="body" lang=l>{b}</p> } })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
        <section class="card" aria-labelledby="details-h">
            <h2 id="details-h">{t(lang, "track.details")}</h2>
            {(!v.title.is_empty()).then(|| view! { <p class="item-title" lang=crate::ui::text_lang(lang, &v.title)>{v.title.clone()}</p> })}
            <p class="item-desc" lang=crate::ui::text_lang(lang, &v.description)>{v.description.clone()}</p>
            <dl class="facts">
                <dt>{t(lang, if v.kind == Kind::Wish { "f.beneficiary" } else { "f.category" })}</dt><dd>{category}</dd>
                <dt>{t(lang, "track.town")}</dt><dd>{v.town_name.clone()}</dd>
                <dt>{t(lang, "track.community")}</dt><dd>{v.community_name.clone()}</dd>
                {(!v.location.is_empty()).then(|| view! { <dt>{t(lang, "f.location")}</dt><dd>{v.location.clone()}</dd> })}
                <dt>{t(lang, amount_label)}</dt><dd>{tf(lang, "yuan", &[("n", &thousands(v.amount_yuan))])}{v.urgent.then(|| view! { " · "<strong>{t(lang, "track.urgent")}</strong> })}</dd>
                <dt>{t(lang, "track.submitted_at")}</dt><dd>{local_time(v.submitted_at)}</dd>
                <dt>{t(lang, "f.contact_name")}</dt><dd>{v.contact_masked.clone()}</dd>
            </dl>
        </section>
        {v.can_withdraw.then(|| view! { <WithdrawForm lang token=token.clone() version=v.version errors=withdraw_errors /> })}
    }
}

/// How long after submitting the tracking page still says "submitted" for `?created=1`.
const CREATED_NOTICE_SECS: i64 = 30 * 60;

/// The resident rates the rectification (整改) of a 差评: five levels, nothing else asked.
#[component]
fn FixRateForm(lang: Lang, token: String, version: i64, errors: Vec<FieldError>) -> impl IntoView {
    let r_err = field_error(&errors, lang, "rating");
    let r_err_bad = r_err.is_some();
    view! {
        <section class="card rate" aria-labelledby="fix-h">
            <h2 id="fix-h">{t(lang, "track.fix.title")}</h2>
            <p>{t(lang, "track.fix.intro")}</p>
            <form method="post" action=format!("/t/{token}/rate_fix") novalidate>
                <input type="hidden" name="version" value=version.to_string() />
                <fieldset class="field choices" class:invalid=r_err_bad aria-describedby="fix-rating-error">
                    <legend>{t(lang, "track.fix.title")}<span class="req">" *"</span></legend>
                    {Rating::ALL.iter().enumerate().map(|(i, r)| view! {
                        <label class="choice" for=format!("fix-rating-{i}")>
                            <input type="radio" id=format!("fix-rating-{i}") name="rating" value=r.code() />
                            <span>{t(lang, &format!("rating.{}", r.code()))}</span>
                        </label>
                    }).collect_view()}
                    <p class="error" id="fix-rating-error">{r_err}</p>
                </fieldset>
                <button type="submit" class="primary">{t(lang, "track.fix.submit")}</button>
            </form>
        </section>
    }
}

#[component]
fn RateForm(lang: Lang, token: String, version: i64, errors: Vec<FieldError>) -> impl IntoView {
    let r_err = field_error(&errors, lang, "rating");
    let r_err_bad = r_err.is_some();
    let c_err = field_error(&errors, lang, "comment");
    let c_err_bad = c_err.is_some();
    view! {
        <section class="card rate" aria-labelledby="rate-h">
            <h2 id="rate-h">{t(lang, "track.rate.title")}</h2>
            <p>{t(lang, "track.rate.intro")}</p>
            <form method="post" action=format!("/t/{token}/rate") novalidate>
                <input type="hidden" name="version" value=version.to_string() />
                <fieldset class="field choices" class:invalid=r_err_bad aria-describedby="rating-error">
                    <legend>{t(lang, "track.rate.title")}<span class="req">" *"</span></legend>
                    {Rating::ALL.iter().enumerate().map(|(i, r)| view! {
                        <label class="choice" for=format!("rating-{i}")>
                            <input type="radio" id=format!("rating-{i}") name="rating" value=r.code() />
                            <span>{t(lang, &format!("rating.{}", r.code()))}</span>
                        </label>
                    }).collect_view()}
                    <p class="error" id="rating-error">{r_err}</p>
                </fieldset>
                <div class="field" class:invalid=c_err_bad>
                    <label for="comment">{t(lang, "f.comment")}</label>
                    <textarea id="comment" name="comment" rows="3" maxlength="500" aria-describedby="comment-error"></textarea>
                    <p class="error" id="comment-error">{c_err}</p>
                </div>
                <fieldset class="field choices">
                    <legend>{t(lang, "aware.question")}</legend>
                    <label class="choice" for="aware-yes"><input type="radio" id="aware-yes" name="aware" value="yes" /><span>{t(lang, "aware.yes")}</span></label>
                    <label class="choice" for="aware-no"><input type="radio" id="aware-no" name="aware" value="no" /><span>{t(lang, "aware.no")}</span></label>
                </fieldset>
                <button type="submit" class="primary">{t(lang, "track.rate.submit")}</button>
            </form>
        </section>
    }
}

#[component]
fn WithdrawForm(lang: Lang, token: String, version: i64, errors: Vec<FieldError>) -> impl IntoView {
    let c_err = field_error(&errors, lang, "confirm");
    let c_err_bad = c_err.is_some();
    let r_err = field_error(&errors, lang, "reason");
    let r_err_bad = r_err.is_some();
    let open = !errors.is_empty();
    view! {
        <details class="card withdraw" open=open>
            <summary>{t(lang, "track.withdraw.title")}</summary>
            <p>{t(lang, "track.withdraw.intro")}</p>
            <form method="post" action=format!("/t/{token}/withdraw") novalidate>
                <input type="hidden" name="version" value=version.to_string() />
                <div class="field" class:invalid=r_err_bad>
                    <label for="reason">{t(lang, "track.withdraw.reason")}</label>
                    <input type="text" id="reason" name="reason" maxlength="200" aria-describedby="reason-error" />
                    <p class="error" id="reason-error">{r_err}</p>
                </div>
                <div class="field check" class:invalid=c_err_bad>
                    <label for="confirm">
                        <input type="checkbox" id="confirm" name="confirm" value="yes" aria-describedby="confirm-error" />
                        <span>{t(lang, "track.withdraw.confirm")}</span>
                    </label>
                    <p class="error" id="confirm-error">{c_err}</p>
                </div>
                <button type="submit" class="danger">{t(lang, "track.withdraw.submit")}</button>
            </form>
        </details>
    }
}
