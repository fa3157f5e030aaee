//! The project board and a project's public page with its voices, and their server functions.

use super::api::*;
use super::*;
use crate::ui::i18n::{local_time, t, tf, thousands};
use crate::ui::{field_error, server_trouble, set_status, use_lang, NotFound};
use domain::{Lang, Status};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
fn ProjectFacts(lang: Lang, c: ProjectCard) -> impl IntoView {
    let now = crate::ui::now_ts();
    let notice = c.notice_ends_at.filter(|_| c.status == Status::PublicNotice).map(|end| {
        if end > now {
            tf(lang, "board.notice_until", &[("at", &local_time(end))])
        } else {
            tf(lang, "board.notice_ended", &[("at", &local_time(end))])
        }
    });
    let progress = c.progress_percent.clamp(0, 100);
    view! {
        <dl class="wish-facts">
            <dt>{t(lang, "wall.where")}</dt><dd>{c.town_name.clone()}" · "{c.community_name.clone()}</dd>
            <dt>{t(lang, "f.category")}</dt><dd>{t(lang, &format!("cat.{}", c.category))}</dd>
            {match c.budget_yuan {
                Some(b) => view! { <dt>{t(lang, "board.budget")}</dt><dd>{tf(lang, "yuan", &[("n", &thousands(b))])}</dd> }.into_any(),
                None => view! { <dt>{t(lang, "track.budget")}</dt><dd>{tf(lang, "yuan", &[("n", &thousands(c.amount_yuan))])}</dd> }.into_any(),
            }}
        </dl>
        {notice.map(|n| view! { <p class="notice-end">{n}</p> })}
        {(c.notice_ends_at.is_some()).then(|| view! {
            <p class="voice-counts">{tf(lang, "voice.counts", &[("s", &c.supports.to_string()), ("o", &c.objections.to_string())])}</p>
        })}
        {matches!(c.status, Status::InProgress | Status::Approved | Status::Completed | Status::FeedbackGiven | Status::Closed).then(|| view! {
            <p class="progress-label" id=format!("progress-{}", c.number)>{tf(lang, "board.progress", &[("n", &progress.to_string())])}</p>
            <progress max="100" value=progress.to_string() aria-labelledby=format!("progress-{}", c.number)>{format!("{progress}%")}</progress>
        })}
    }
}

/// `/projects`: the board, by stage and town.
#[component]
pub fn ProjectBoardPage() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map().read_untracked();
    let stage = q.get("stage").unwrap_or_default();
    let town = q.get("town").unwrap_or_default();
    let page = q.get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(1).clamp(1, domain::abuse::MAX_PAGE);
    let data = Resource::new(
        move || (stage.clone(), town.clone(), page),
        move |(stage, town, page)| get_project_board(stage, town, page, lang.code().to_string()),
    );
    view! {
        <Title text=format!("{} · {}", t(lang, "board.title"), t(lang, "app.name")) />
        <h1>{t(lang, "board.title")}</h1>
        <p class="intro">{t(lang, "board.intro")}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <BoardBody lang v /> }.into_any(),
                    Err(_) => server_trouble(lang),
                }
            })}
        </Suspense>
    }
}

#[component]
fn BoardBody(lang: Lang, v: BoardView) -> impl IntoView {
    let town = v.town.clone();
    let href = move |stage: &str, page: i64| format!("/projects?stage={stage}&town={town}&page={page}");
    let prev = (v.page > 1).then(|| href(&v.stage, v.page - 1));
    let next = (v.page < v.pages).then(|| href(&v.stage, v.page + 1));
    let tabs = STAGES.map(|s| {
        let current = s == v.stage;
        view! { <a href=href(s, 1) aria-current=current.then_some("page")>{t(lang, &format!("board.stage.{s}"))}</a> }
    });
    let empty = v.cards.is_empty();
    view! {
        <nav class="tabs" aria-label=t(lang, "board.stages")>{tabs.into_iter().collect_view()}</nav>
        <form method="get" action="/projects" class="card filters">
            <input type="hidden" name="stage" value=v.stage.clone() />
            <div class="field">
                <label for="town">{t(lang, "f.town")}</label>
                <select id="town" name="town">
                    <option value="">{t(lang, "wall.all_towns")}</option>
                    {v.towns.iter().map(|o| view! { <option value=o.slug.clone() selected=o.slug == v.town>{o.name.clone()}</option> }).collect_view()}
                </select>
            </div>
            <button type="submit" class="secondary">{t(lang, "wall.filter")}</button>
        </form>
        <p class="wall-count" role="status">{tf(lang, "board.count", &[("n", &thousands(v.total))])}</p>
        {empty.then(|| view! { <p class="notice">{t(lang, "board.empty")}</p> })}
        <div class="wish-cards">
            {v.cards.into_iter().map(|c| {
                let href = format!("/projects/{}", c.number);
                view! {
                    <article class="card wish-card project-card" data-number=c.number.clone()>
                        <p class="wish-card-head">
                            <a href=href lang=crate::ui::text_lang(lang, &c.title)>{c.title.clone()}</a>
                            <span class="badge">{t(lang, &format!("status.{}", c.status.code()))}</span>
                        </p>
                        <p class="wish-need" lang=crate::ui::text_lang(lang, &c.summary)>{c.summary.clone()}</p>
                        <ProjectFacts lang c=c.clone() />
                    </article>
                }
            }).collect_view()}
        </div>
        {(v.pages > 1).then(|| view! {
            <nav class="pager" aria-label=t(lang, "wall.pages")>
                {prev.map(|h| view! { <a href=h rel="prev">{t(lang, "wall.prev")}</a> })}
                <span>{tf(lang, "wall.page", &[("page", &v.page.to_string()), ("pages", &v.pages.to_string())])}</span>
                {next.map(|h| view! { <a href=h rel="next">{t(lang, "wall.next")}</a> })}
            </nav>
        })}
    }
}

/// `/projects/{number}`: one project's public page with its timeline.
#[component]
pub fn PublicProjectPage() -> impl IntoView {
    let lang = use_lang();
    let number = use_params_map().read_untracked().get("number").unwrap_or_default();
    let voiced = use_query_map().read_untracked().get("voiced");
    let posted = use_context::<PostedVoice>();
    if let Some(p) = &posted {
        set_status(match p.refused.as_deref() {
            Some("too_many") => 429,
            Some(_) => 409,
            None if p.errors.iter().any(|e| e.code == "code_too_many") => 429,
            None => 422,
        });
    }
    let data = Resource::new(move || number.clone(), move |n| get_public_project(n, lang.code().to_string()));
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let (posted, voiced) = (posted.clone(), voiced.clone());
                Suspend::new(async move {
                    match data.await {
                        Ok(Some(v)) => view! { <ProjectBody lang v posted voiced /> }.into_any(),
                        Ok(None) => view! { <NotFound /> }.into_any(),
                        Err(_) => server_trouble(lang),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn ProjectBody(lang: Lang, v: ProjectView, posted: Option<PostedVoice>, voiced: Option<String>) -> impl IntoView {
    let c = v.card;
    let under_notice = c.status == Status::PublicNotice;
    let number = c.number.clone();
    view! {
        <Title text=format!("{} {} · {}", c.title, c.number, t(lang, "app.name")) />
        <p><a href="/projects">{t(lang, "board.back")}</a></p>
        <p class="kind-badge">{t(lang, "kind.project")}" · "<span class="number">{c.number.clone()}</span></p>
        <h1 lang=crate::ui::text_lang(lang, &c.title)>{c.title.clone()}</h1>
        <section class="card status" aria-labelledby="status-h">
            <h2 id="status-h">{t(lang, "track.status")}</h2>
            <p class="status-text" data-status=c.status.code()>{t(lang, &format!("status.{}", c.status.code()))}</p>
            <ProjectFacts lang c=c.clone() />
        </section>
        {under_notice.then(|| view! { <VoiceSection lang number=number.clone() b=v.voice.clone() posted voiced /> })}
        <section class="card" aria-labelledby="proposal-h">
            <h2 id="proposal-h">{t(lang, "board.proposal")}</h2>
            <p class="item-desc" lang=crate::ui::text_lang(lang, &c.summary)>{c.summary.clone()}</p>
            <p class="hint">{tf(lang, "board.proposed_at", &[("at", &local_time(c.submitted_at))])}</p>
        </section>
        {view! { <crate::photos::PhotoGallery lang photos=v.photos.clone() /> }.into_any()}
        <section class="card" aria-labelledby="tl-h">
            <h2 id="tl-h">{t(lang, "track.timeline")}</h2>
            <ol class="timeline">
                {v.events.iter().rev().map(|e| {
                    let label = tf(lang, &format!("ev.{}", e.action), &[("body", &e.body)]);
                    // The notice's length is in the label already; private bodies arrive empty.
                    let body = if e.action == "start_notice" || e.body.is_empty() { None } else { Some(e.body.clone()) };
                    view! {
                        <li>
                            <time>{local_time(e.at)}</time>
                            <p class="what">{label}</p>
                            {body.map(|b| { let l = crate::ui::text_lang(lang, &b); view! { <p class="body" lang=l>{b}</p> } })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

/// "Support or object" on a project under notice: prove an email by a one-time code, then one voice.
#[component]
fn VoiceSection(
    lang: Lang,
    number: String,
    b: VoiceBox,
    posted: Option<PostedVoice>,
    voiced: Option<String>,
) -> impl IntoView {
    let p = posted.unwrap_or_default();
    let errors = p.errors.clone();
    let base = format!("/projects/{number}");
    let notice = match (voiced.as_deref(), p.refused.as_deref()) {
        (_, Some(r)) => Some(("notice bad", t(lang, &format!("voice.{r}")))),
        (Some("1"), _) => Some(("notice good", t(lang, "voice.done"))),
        (Some("already"), _) => Some(("notice", t(lang, "voice.already"))),
        _ => None,
    };
    let body = if let Some((stance, reason, at)) = b.mine.clone() {
        let key = if stance == "support" { "voice.yours_support" } else { "voice.yours_objection" };
        view! {
            <p class="my-voice" data-stance=stance>{tf(lang, key, &[("at", &local_time(at))])}</p>
            {(!reason.is_empty()).then(|| view! { <blockquote class="body">{reason}</blockquote> })}
            <p class="hint">{t(lang, "voice.follow")}</p>
        }
        .into_any()
    } else if !b.open {
        view! { <p class="notice">{t(lang, "voice.closed")}</p> }.into_any()
    } else if let Some(address) = b.address.clone() {
        let reason_err = field_error(&errors, lang, "reason");
        let stance_err = field_error(&errors, lang, "stance");
        let object_open = p.form == "voice" && p.stance == "objection";
        view! {
            <p>{t(lang, "voice.signed_in")}" "<strong class="address">{address}</strong></p>
            <p class="error" id="stance-error">{stance_err}</p>
            <form method="post" action=format!("{base}/voice") class="inline">
                <input type="hidden" name="stance" value="support" />
                <button type="submit" class="primary">{t(lang, "voice.support")}</button>
            </form>
            <details class="object" open=object_open>
                <summary>{t(lang, "voice.object")}</summary>
                <form method="post" action=format!("{base}/voice") novalidate>
                    <input type="hidden" name="stance" value="objection" />
                    <div class="field">
                        <label for="reason">{t(lang, "voice.reason")}</label>
                        <p class="hint" id="reason-hint">{t(lang, "voice.reason_hint")}</p>
                        <textarea id="reason" name="reason" rows="4" maxlength="500"
                            aria-invalid=reason_err.is_some().then_some("true") aria-describedby="reason-hint reason-error">{crate::ui::textarea_text(&p.reason)}</textarea>
                        <p class="error" id="reason-error">{reason_err}</p>
                    </div>
                    <button type="submit" class="secondary">{t(lang, "voice.object_submit")}</button>
                </form>
            </details>
        }
        .into_any()
    } else if let Some(pending) = b.pending.clone().filter(|_| p.form != "email") {
        let code_err = field_error(&errors, lang, "code");
        view! {
            <p class="notice good" role="status">{t(lang, "me.code_sent")}" "<strong>{pending.clone()}</strong></p>
            <form method="post" action=format!("{base}/verify") class="lookup" novalidate>
                <div class="field">
                    <label for="code">{t(lang, "me.code")}</label>
                    <input type="text" id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="12"
                        aria-invalid=code_err.is_some().then_some("true") aria-describedby="code-error" />
                    <p class="error" id="code-error">{code_err}</p>
                </div>
                <button type="submit" class="primary">{t(lang, "voice.verify")}</button>
            </form>
        }
        .into_any()
    } else {
        let email_err = field_error(&errors, lang, "email");
        view! {
            <p class="hint">{t(lang, "voice.intro")}</p>
            <form method="post" action=format!("{base}/code") class="lookup" novalidate>
                <div class="field">
                    <label for="email">{t(lang, "me.email")}</label>
                    <input type="text" id="email" name="email" autocomplete="username" spellcheck="false" autocapitalize="none" value=p.email.clone()
                        aria-invalid=email_err.is_some().then_some("true") aria-describedby="email-error" />
                    <p class="error" id="email-error">{email_err}</p>
                </div>
                <button type="submit" class="primary">{t(lang, "me.send_code")}</button>
            </form>
        }
        .into_any()
    };
    view! {
        <section class="card voice" id="voice" aria-labelledby="voice-h">
            <h2 id="voice-h">{t(lang, "voice.title")}</h2>
            {notice.map(|(cls, text)| view! { <p class=cls role="status">{text}</p> })}
            {body}
        </section>
    }
}
