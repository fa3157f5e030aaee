//! The wish wall, the claim page and the donor page, with their server functions.

use super::api::*;
use super::*;
use crate::ui::i18n::{err, local_time, t, tf, thousands};
use crate::ui::{field_error, server_trouble, set_status, use_lang, NotFound};
use domain::claims::{ClaimStatus, DonorKind};
use domain::{Beneficiary, Lang, Status};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn band_text(lang: Lang, low: i64, high: Option<i64>) -> String {
    match high {
        Some(h) if low == 0 => tf(lang, "wall.band.upto", &[("high", &thousands(h))]),
        Some(h) => tf(lang, "wall.band.range", &[("low", &thousands(low)), ("high", &thousands(h))]),
        None => tf(lang, "wall.band.above", &[("low", &thousands(low))]),
    }
}

/// One wish as the wall shows it (also the staff's preview before publishing).
#[component]
pub fn Card(lang: Lang, c: WallCard, link: bool) -> impl IntoView {
    let open = c.status == Status::Published;
    let href = format!("/wishes/{}", c.number);
    let heading = t(lang, &format!("ben.{}", c.category));
    view! {
        <article class="card wish-card" data-number=c.number.clone()>
            <p class="wish-card-head">
                <span class="wish-who">{heading}</span>
                <span class=if open { "badge open" } else { "badge taken" }>
                    {t(lang, if open { "wall.open" } else { "wall.claimed" })}
                </span>
            </p>
            <p class="wish-need" lang=crate::ui::text_lang(lang, &c.need)>{c.need.clone()}</p>
            <dl class="wish-facts">
                <dt>{t(lang, "wall.where")}</dt><dd>{c.town_name.clone()}{(!c.community_name.is_empty()).then(|| format!(" · {}", c.community_name))}</dd>
                <dt>{t(lang, "wall.value")}</dt><dd>{band_text(lang, c.band_low, c.band_high)}{c.urgent.then(|| view! { " · "<strong>{t(lang, "track.urgent")}</strong> })}</dd>
                <dt>{t(lang, "wall.waiting")}</dt><dd>{tf(lang, "wall.days", &[("n", &c.days_waiting.to_string())])}</dd>
            </dl>
            {(link && open).then(|| view! {
                <p><a class="btn" href=href>{t(lang, "wall.claim_this")}<span class="sr-only">" "{c.number.clone()}</span></a></p>
            })}
        </article>
    }
}

/// `/wishes`: open wishes, filters by town and beneficiary group, and the thank-you list.
#[component]
pub fn WishWallPage() -> impl IntoView {
    let lang = use_lang();
    let q = use_query_map().read_untracked();
    let town = q.get("town").unwrap_or_default();
    let category = q.get("category").unwrap_or_default();
    let page = q.get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(1).clamp(1, domain::abuse::MAX_PAGE);
    let data = Resource::new(
        move || (town.clone(), category.clone(), page),
        move |(town, category, page)| get_wish_wall(town, category, page, lang.code().to_string()),
    );
    view! {
        <Title text=format!("{} · {}", t(lang, "wall.title"), t(lang, "app.name")) />
        <h1>{t(lang, "wall.title")}</h1>
        <p class="intro">{t(lang, "wall.intro")}</p>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <WallBody lang v /> }.into_any(),
                    Err(_) => server_trouble(lang),
                }
            })}
        </Suspense>
    }
}

#[component]
fn WallBody(lang: Lang, v: WallView) -> impl IntoView {
    let page_href = {
        let (town, category) = (v.town.clone(), v.category.clone());
        move |p: i64| format!("/wishes?town={town}&category={category}&page={p}")
    };
    let prev = (v.page > 1).then(|| page_href(v.page - 1));
    let next = (v.page < v.pages).then(|| page_href(v.page + 1));
    let empty = v.cards.is_empty();
    view! {
        <form method="get" action="/wishes" class="card filters">
            <div class="field">
                <label for="town">{t(lang, "f.town")}</label>
                <select id="town" name="town">
                    <option value="">{t(lang, "wall.all_towns")}</option>
                    {v.towns.iter().map(|o| view! { <option value=o.slug.clone() selected=o.slug == v.town>{o.name.clone()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="category">{t(lang, "wall.group")}</label>
                <select id="category" name="category">
                    <option value="">{t(lang, "wall.all_groups")}</option>
                    {Beneficiary::ALL.iter().map(|b| view! { <option value=b.code() selected=b.code() == v.category>{t(lang, &format!("ben.{}", b.code()))}</option> }).collect_view()}
                </select>
            </div>
            <button type="submit" class="secondary">{t(lang, "wall.filter")}</button>
        </form>
        <p class="wall-count" role="status">{tf(lang, "wall.count", &[("n", &thousands(v.total))])}</p>
        {empty.then(|| view! { <p class="notice">{t(lang, "wall.empty")}</p> })}
        <div class="wish-cards">
            {v.cards.into_iter().map(|c| view! { <Card lang c link=true /> }).collect_view()}
        </div>
        {(v.pages > 1).then(|| view! {
            <nav class="pager" aria-label=t(lang, "wall.pages")>
                {prev.map(|h| view! { <a href=h rel="prev">{t(lang, "wall.prev")}</a> })}
                <span>{tf(lang, "wall.page", &[("page", &v.page.to_string()), ("pages", &v.pages.to_string())])}</span>
                {next.map(|h| view! { <a href=h rel="next">{t(lang, "wall.next")}</a> })}
            </nav>
        })}
        <section class="card thanks" aria-labelledby="thanks-h">
            <h2 id="thanks-h">{t(lang, "wall.thanks")}</h2>
            {if v.thanks.is_empty() {
                view! { <p>{t(lang, "wall.thanks.none")}</p> }.into_any()
            } else {
                view! {
                    <ul class="thanks-list">
                        {v.thanks.into_iter().map(|th| view! {
                            <li>
                                <strong>{th.donor_name}</strong>
                                " · "{t(lang, &format!("donor.{}", th.donor_kind.code()))}
                                " · "{th.town_name}" · "{local_time(th.received_at).chars().take(10).collect::<String>()}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// `/wishes/{number}`: one wish and the claim form.
#[component]
pub fn WishClaimPage() -> impl IntoView {
    let lang = use_lang();
    let number = use_params_map().read_untracked().get("number").unwrap_or_default();
    let posted = use_context::<PostedClaim>();
    if let Some(p) = &posted {
        set_status(if p.taken { 409 } else { 422 });
    }
    let data = Resource::new(move || number.clone(), move |n| get_wall_card(n, lang.code().to_string()));
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let posted = posted.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(Some((c, hold_days))) => view! { <ClaimBody lang c hold_days posted /> }.into_any(),
                        Ok(None) => view! { <NotFound /> }.into_any(),
                        Err(_) => server_trouble(lang),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn ClaimBody(lang: Lang, c: WallCard, hold_days: i64, posted: Option<PostedClaim>) -> impl IntoView {
    let number = c.number.clone();
    let open = c.status == Status::Published;
    let p = posted.unwrap_or_default();
    let taken = p.taken || !open;
    let e = |f: &str| field_error(&p.errors, lang, f);
    let (kind_err, name_err, contact_err, consent_err) = (e("donor_kind"), e("donor_name"), e("contact"), e("consent"));
    let input = p.input.clone();
    view! {
        <Title text=format!("{} {} · {}", t(lang, "claim.title"), number, t(lang, "app.name")) />
        <p><a href="/wishes">{t(lang, "claim.back")}</a></p>
        <h1>{t(lang, "claim.title")}</h1>
        {taken.then(|| view! { <p class="notice bad" role="alert">{t(lang, "claim.taken")}</p> })}
        <Card lang c link=false />
        {(!taken).then(|| view! {
            <form method="post" action=format!("/wishes/{number}/claim") class="card claim-form" novalidate>
                <p>{tf(lang, "claim.intro", &[("days", &hold_days.to_string())])}</p>
                <fieldset class="field choices" class:invalid=kind_err.is_some() aria-describedby="donor_kind-error">
                    <legend>{t(lang, "claim.kind")}<span class="req">" *"</span></legend>
                    {DonorKind::ALL.iter().map(|k| view! {
                        <label class="choice" for=format!("kind-{}", k.code())>
                            <input type="radio" id=format!("kind-{}", k.code()) name="donor_kind" value=k.code() checked=input.donor_kind == k.code() />
                            <span>{t(lang, &format!("donor.{}", k.code()))}</span>
                        </label>
                    }).collect_view()}
                    <p class="error" id="donor_kind-error">{kind_err.clone()}</p>
                </fieldset>
                <div class="field" class:invalid=name_err.is_some()>
                    <label for="donor_name">{t(lang, "claim.name")}<span class="req">" *"</span></label>
                    <input type="text" id="donor_name" name="donor_name" maxlength="40" autocomplete="name" value=input.donor_name.clone()
                        aria-invalid=name_err.is_some().then_some("true") aria-describedby="donor_name-error" />
                    <p class="error" id="donor_name-error">{name_err.clone()}</p>
                </div>
                <div class="field" class:invalid=contact_err.is_some()>
                    <label for="contact">{t(lang, "claim.contact")}<span class="req">" *"</span></label>
                    <input type="text" id="contact" name="contact" maxlength="100" autocomplete="tel" value=input.contact.clone()
                        aria-invalid=contact_err.is_some().then_some("true") aria-describedby="contact-error contact-hint" />
                    <p class="hint" id="contact-hint">{t(lang, "claim.contact.hint")}</p>
                    <p class="error" id="contact-error">{contact_err.clone()}</p>
                </div>
                <div class="field check">
                    <label for="thank_publicly">
                        <input type="checkbox" id="thank_publicly" name="thank_publicly" value="on" checked=input.thank_publicly == "on" />
                        <span>{t(lang, "claim.thanks")}</span>
                    </label>
                </div>
                <div class="field check" class:invalid=consent_err.is_some()>
                    <label for="consent">
                        <input type="checkbox" id="consent" name="consent" value="on" checked=input.consent == "on" aria-describedby="consent-error" />
                        <span>{t(lang, "claim.consent")}</span>
                    </label>
                    <p class="error" id="consent-error">{consent_err.clone()}</p>
                </div>
                <button type="submit" class="primary">{t(lang, "claim.submit")}</button>
            </form>
        })}
    }
}

/// `/c/{token}`: the donor follows their claim, and may let it go before delivery.
#[component]
pub fn DonorPage() -> impl IntoView {
    let lang = use_lang();
    let token = use_params_map().read_untracked().get("token").unwrap_or_default();
    let q = use_query_map().read_untracked();
    let claimed = q.get("claimed").is_some();
    let done = q.get("done");
    let problem = q.get("problem");
    let data = Resource::new(move || token.clone(), move |tok| get_donor_view(tok, lang.code().to_string()));
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let (done, problem) = (done.clone(), problem.clone());
                Suspend::new(async move {
                    match data.await {
                        Ok(Some(v)) => view! { <DonorBody lang v claimed done problem /> }.into_any(),
                        Ok(None) => view! { <NotFound /> }.into_any(),
                        Err(_) => server_trouble(lang),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn DonorBody(lang: Lang, v: DonorView, claimed: bool, done: Option<String>, problem: Option<String>) -> impl IntoView {
    let link = v.link.clone();
    let steps: Vec<(&'static str, Option<i64>)> = vec![
        ("donor.step.claimed", Some(v.created_at)),
        ("donor.step.confirmed", v.confirmed_at),
        ("donor.step.delivered", v.delivered_at),
        ("donor.step.received", v.received_at),
    ];
    let ended = matches!(v.status, ClaimStatus::Lapsed | ClaimStatus::Released).then(|| {
        tf(
            lang,
            &format!("donor.ended.{}", v.status.code()),
            &[("at", &local_time(v.ended_at.unwrap_or(v.hold_until)))],
        )
    });
    view! {
        <Title text=format!("{} {} · {}", t(lang, "donor.title"), v.number, t(lang, "app.name")) />
        {claimed.then(|| view! {
            <div class="notice good" role="status">
                <p><strong>{t(lang, "donor.claimed")}</strong></p>
                <p>{t(lang, "donor.keep_link")}</p>
                <p class="link"><a href=link.clone()>{link.clone()}</a></p>
            </div>
        })}
        {done.filter(|d| d == "released").map(|_| view! { <p class="notice good" role="status">{t(lang, "donor.released")}</p> })}
        {problem.map(|p| view! { <p class="notice bad" role="alert">{err(lang, &p)}</p> })}
        <p class="kind-badge">{t(lang, "kind.wish")}" · "<span class="number">{v.number.clone()}</span></p>
        <h1>{t(lang, "donor.title")}</h1>
        <section class="card status" aria-labelledby="claim-status-h">
            <h2 id="claim-status-h">{t(lang, "track.status")}</h2>
            <p class="status-text" data-status=v.status.code()>{t(lang, &format!("claim.status.{}", v.status.code()))}</p>
            {v.status.can_release().then(|| view! { <p>{tf(lang, "donor.hold_until", &[("at", &local_time(v.hold_until))])}</p> })}
            {ended.map(|e| view! { <p>{e}</p> })}
        </section>
        <section class="card" aria-labelledby="claim-steps-h">
            <h2 id="claim-steps-h">{t(lang, "donor.steps")}</h2>
            <ol class="timeline">
                {steps.into_iter().map(|(key, at)| view! {
                    <li class=if at.is_some() { "done" } else { "todo" }>
                        <p class="what">{t(lang, key)}</p>
                        <time>{at.map(local_time).unwrap_or_else(|| t(lang, "donor.step.waiting"))}</time>
                    </li>
                }).collect_view()}
            </ol>
        </section>
        <section class="card" aria-labelledby="claim-wish-h">
            <h2 id="claim-wish-h">{t(lang, "donor.the_wish")}</h2>
            <p class="wish-need" lang=crate::ui::text_lang(lang, &v.need)>{v.need.clone()}</p>
            <p>{v.town_name.clone()}" · "{v.community_name.clone()}</p>
            <p class="hint">{t(lang, "donor.privacy")}</p>
        </section>
        {v.status.can_release().then(|| view! {
            <details class="card withdraw">
                <summary>{t(lang, "donor.release.title")}</summary>
                <p>{t(lang, "donor.release.intro")}</p>
                <form method="post" action=format!("/c/{}/release", v.token)>
                    <button type="submit" class="danger">{t(lang, "donor.release.submit")}</button>
                </form>
            </details>
        })}
    }
}
