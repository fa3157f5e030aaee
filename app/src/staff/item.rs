//! The staff item page: the item, its people, its timeline and the actions allowed now.

use super::api::*;
use super::bar::*;
use super::inbox::{badge_view, category_label};
use super::*;
use crate::ui::i18n::{err, local_time, t, tf, thousands};
use crate::ui::{field_error, now_ts, server_trouble, set_status, use_lang};
use domain::{FieldError, Kind, Lang};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

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
                    {(v.askers > 1).then(|| view! { <p class="askers">{tf(lang, "track.askers", &[("n", &v.askers.to_string())])}</p> })}
                    <WorkOrder lang o=v.order.clone() />
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
                {(!v.similar.is_empty()).then(|| {
                    let can_merge = v.actions.iter().any(|a| a == "duplicate");
                    let (url, version) = (format!("/staff/items/{}/act", v.number), v.version.to_string());
                    view! {
                        <section class="card similar" aria-labelledby="similar-h">
                            <h2 id="similar-h">{t(lang, "staff.similar")}</h2>
                            <p class="hint">{t(lang, if can_merge { "staff.similar.hint" } else { "staff.similar.hint_view" })}</p>
                            <ul class="similar-list">
                                {v.similar.iter().map(|o| view! {
                                    <li data-number=o.number.clone()>
                                        <a href=format!("/staff/items/{}", o.number)>{o.number.clone()}</a>" "
                                        <span lang=crate::ui::text_lang(lang, &o.text)>{o.text.clone()}</span>
                                        <p class="hint">
                                            {t(lang, &format!("status.{}", o.status.code()))}" · "{local_time(o.submitted_at)}" · "
                                            {tf(lang, "staff.similar.percent", &[("n", &o.percent.to_string())])}
                                        </p>
                                        {can_merge.then(|| view! {
                                            <form method="post" action=url.clone()>
                                                <input type="hidden" name="action" value="duplicate" />
                                                <input type="hidden" name="version" value=version.clone() />
                                                <input type="hidden" name="of_number" value=o.number.clone() />
                                                <button type="submit" class="secondary small">{tf(lang, "staff.similar.merge", &[("number", &o.number)])}</button>
                                            </form>
                                        })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                    }
                })}
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
                    let now = crate::ui::now_ts();
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
                {if v.can_act || !v.actions.is_empty() {
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

/// The work order on the status card: 签收, a return waiting for the city, an extension request.
#[component]
fn WorkOrder(lang: Lang, o: OrderView) -> impl IntoView {
    let sign = match (o.sign_due_at, o.signed_at) {
        (_, Some(at)) => Some(tf(lang, "staff.order.signed", &[("at", &local_time(at))])),
        (Some(due), None) => Some(tf(lang, "staff.order.sign_due", &[("at", &local_time(due))])),
        (None, None) => None,
    };
    view! {
        <div class="work-order">
            {sign.map(|s| view! { <p class="order-sign">{s}</p> })}
            {o.return_pending_at.map(|at| view! {
                <p class="notice bad order-return">{tf(lang, "staff.order.return_pending", &[("at", &local_time(at))])}</p>
            })}
            {o.returned_repeatedly.then(|| view! { <p class="notice bad">{t(lang, "staff.order.returned_repeatedly")}</p> })}
            {o.extension_until.map(|until| view! {
                <p class="notice order-extension">{tf(lang, "staff.order.extension_pending", &[("at", &local_time(until))])}</p>
            })}
            {(o.extension_count > 0).then(|| view! {
                <p class="hint">{tf(lang, "staff.order.extensions", &[("n", &o.extension_count.to_string())])}</p>
            })}
            {o.supervision_due_at.map(|due| view! {
                <p class="notice bad order-supervision">{tf(lang, "staff.order.supervised", &[("at", &local_time(due))])}</p>
            })}
            {o.callback_at.map(|at| {
                let key = if o.callback_reached == Some(true) { "staff.order.callback_reached" } else { "staff.order.callback_unreached" };
                view! { <p class="order-callback">{tf(lang, key, &[("at", &local_time(at))])}</p> }
            })}
            {o.rating_source.clone().map(|s| view! {
                <p class="hint rating-source">{t(lang, &format!("staff.order.rating_source.{s}"))}</p>
            })}
            {match (o.rectify_due_at, o.rectified_at) {
                (_, Some(at)) => Some(view! { <p class="order-rectify">{tf(lang, "staff.order.rectified", &[("at", &local_time(at))])}</p> }.into_any()),
                (Some(due), None) => Some(view! { <p class="notice bad order-rectify">{tf(lang, "staff.order.rectify_due", &[("at", &local_time(due))])}</p> }.into_any()),
                (None, None) => None,
            }}
            {o.fix_rating.map(|r| view! {
                <p class="order-fix">{tf(lang, "track.fix_rated", &[("rating", &t(lang, &format!("rating.{}", r.code())))])}</p>
            })}
            {o.appealed_at.map(|at| {
                let key = match o.appeal_upheld {
                    None => "staff.order.appeal_pending",
                    Some(true) => "staff.order.appeal_upheld",
                    Some(false) => "staff.order.appeal_rejected",
                };
                view! { <p class="order-appeal">{tf(lang, key, &[("at", &local_time(at))])}</p> }
            })}
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
    let mut codes: Vec<&'static str> =
        domain::staff::StaffAction::ALL.iter().map(|a| a.code()).filter(|c| v.actions.iter().any(|a| a == c)).collect();
    // The step that moves the item on comes first (a stable sort keeps the others in page order).
    codes.sort_by_key(|c| v.next_action.as_deref() != Some(*c));
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
                        aria-describedby=format!("{id}-error")>{crate::ui::textarea_text(&value)}</textarea>
                    <p class="error" id=format!("{id}-error")>{e}</p>
                </div>
            }
        };
        let fields = match code {
            "accept" => text_field("plan", f.plan.clone(), "staff.f.plan", &errs).into_any(),
            "decline" => text_field("reason", f.reason.clone(), "staff.f.reason", &errs).into_any(),
            "sign_for" => view! { <p class="hint">{t(lang, "staff.sign_for.hint")}</p> }.into_any(),
            "supervise" => view! {
                <p class="hint">{t(lang, "staff.supervise.hint")}</p>
                {text_field("note", f.note.clone(), "staff.f.supervise_note", &errs)}
            }.into_any(),
            "answer_supervision" => text_field("text", f.text.clone(), "staff.f.supervision_answer", &errs).into_any(),
            "rectify" => view! {
                <p class="hint">{t(lang, "staff.rectify.hint")}</p>
                {text_field("note", f.note.clone(), "staff.f.rectify_note", &errs)}
            }.into_any(),
            "appeal" => view! {
                <p class="hint">{t(lang, "staff.appeal.hint")}</p>
                {text_field("reason", f.reason.clone(), "staff.f.appeal_reason", &errs)}
            }.into_any(),
            "uphold_appeal" | "reject_appeal" => view! {
                <p class="hint">{t(lang, "staff.decide.hint")}</p>
                {text_field("reason", f.reason.clone(), "staff.f.decision_reason", &errs)}
            }.into_any(),
            "callback" => {
                let re = field_error(&errs, lang, "reached");
                let ra = field_error(&errs, lang, "rating");
                let reached = f.reached.clone();
                let rating = f.rating.clone();
                let rated = v.rating.is_some();
                view! {
                    <p class="hint">{t(lang, "staff.callback.hint")}</p>
                    <fieldset class="field" aria-describedby=fid("reached-error")>
                        <legend>{t(lang, "staff.f.reached")}</legend>
                        <div class="check"><label><input type="radio" name="reached" value="yes" checked=reached == "yes" /><span>{t(lang, "staff.f.reached.yes")}</span></label></div>
                        <div class="check"><label><input type="radio" name="reached" value="no" checked=reached == "no" /><span>{t(lang, "staff.f.reached.no")}</span></label></div>
                        <p class="error" id=fid("reached-error")>{re}</p>
                    </fieldset>
                    {(!rated).then(|| view! {
                        <div class="field">
                            <label for=fid("rating")>{t(lang, "staff.f.phone_rating")}</label>
                            <select id=fid("rating") name="rating" aria-invalid=ra.is_some().then_some("true") aria-describedby=fid("rating-error")>
                                <option value="">{t(lang, "staff.f.phone_rating.none")}</option>
                                {domain::Rating::ALL.iter().map(|r| view! {
                                    <option value=r.code() selected=rating == r.code()>{t(lang, &format!("rating.{}", r.code()))}</option>
                                }).collect_view()}
                            </select>
                            <p class="error" id=fid("rating-error")>{ra.clone()}</p>
                        </div>
                    })}
                    {text_field("note", f.note.clone(), "staff.f.callback_note", &errs)}
                }.into_any()
            }
            "return" => view! {
                <p class="hint">{t(lang, "staff.return.hint")}</p>
                {text_field("reason", f.reason.clone(), "staff.f.return_reason", &errs)}
            }.into_any(),
            "refuse_return" | "refuse_extension" => view! {
                <p class="hint">{t(lang, "staff.decide.hint")}</p>
                {text_field("reason", f.reason.clone(), "staff.f.refuse_reason", &errs)}
            }.into_any(),
            "approve_extension" => view! {
                <p class="hint">{tf(lang, "staff.approve_extension.hint", &[("at", &v.order.extension_until.map(local_time).unwrap_or_default())])}</p>
            }.into_any(),
            "request_extension" => {
                let e = field_error(&errs, lang, "until");
                let latest = v.order.extension_latest.map(|l| domain::Date::from_timestamp(l).to_string()).unwrap_or_default();
                let min = v.order.extension_due_at.map(|d| domain::Date::from_timestamp(d).add_days(1).to_string()).unwrap_or_default();
                let hint = tf(lang, "staff.f.until.hint", &[
                    ("due", &v.order.extension_due_at.map(local_time).unwrap_or_default()),
                    ("latest", &latest),
                ]);
                view! {
                    <div class="field">
                        <label for=fid("until")>{t(lang, "staff.f.until")}</label>
                        <p class="hint" id=fid("until-hint")>{hint}</p>
                        <input type="date" id=fid("until") name="until" min=min max=latest.clone() value=f.until.clone()
                            aria-invalid=e.is_some().then_some("true") aria-describedby=format!("{} {}", fid("until-hint"), fid("until-error")) />
                        <p class="error" id=fid("until-error")>{e}</p>
                    </div>
                    {text_field("reason", f.reason.clone(), "staff.f.extension_reason", &errs)}
                }.into_any()
            }
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
                            aria-describedby=format!("{id}-hint {id}-flags {id}-error")>{crate::ui::textarea_text(&text)}</textarea>
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
                            <crate::wishes::pages::Card lang c link=false />
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
            <details class="card action" class:next=v.next_action.as_deref() == Some(code) open=open data-action=code>
                <summary>
                    {t(lang, &format!("staff.act.{code}"))}
                    {(v.next_action.as_deref() == Some(code)).then(|| view! { " "<span class="badge next-badge">{t(lang, "staff.next_step")}</span> })}
                </summary>
                {(code != "note" && code != "confirm_claim").then(|| {
                    let public = v.public_actions.iter().any(|a| a == code);
                    view! {
                        <p class="hint audience" class:public=public>
                            {t(lang, if public { "staff.audience.public" } else { "staff.audience.staff" })}
                        </p>
                    }
                })}
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
