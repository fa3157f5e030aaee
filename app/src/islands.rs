//! The interactive parts, shipped as WASM islands. Each renders fully on the server (so the form works
//! with plain posts before or without JavaScript) and, once hydrated, adds inline validation with the
//! same domain rules, a village/community list that follows the town, and sending without a reload.

use crate::api::{CommunityOption, SubmitOutcome, TownOption};
use crate::i18n::{err, t, tf};
use domain::validate::{validate_project, validate_wish};
use domain::{Beneficiary, Category, FieldError, Lang, Limits, ProjectInput, SubmittedBy, WishInput};
use leptos::prelude::*;
use std::collections::HashSet;

/// Field order of the wish form (used to mark every field as touched on submit).
pub const WISH_FIELDS: &[&str] = &[
    "beneficiary",
    "submitted_by",
    "helper_org",
    "need",
    "amount",
    "urgent",
    "town",
    "community",
    "contact_name",
    "phone",
    "email",
    "consent",
];
/// Field order of the project form.
pub const PROJECT_FIELDS: &[&str] = &[
    "title",
    "description",
    "category",
    "town",
    "community",
    "location",
    "budget",
    "contact_name",
    "phone",
    "email",
    "consent",
];

/// Which errors to show: the server's for fields not edited since, the browser's for fields touched.
#[derive(Clone, Copy)]
struct Errors {
    shown: Memo<Vec<FieldError>>,
    lang: Lang,
}

impl Errors {
    fn message(&self, field: &'static str) -> impl Fn() -> Option<String> + Send + Sync + 'static {
        let (shown, lang) = (self.shown, self.lang);
        move || shown.with(|es| es.iter().find(|e| e.field == field).map(|e| err(lang, &e.code)))
    }
    fn invalid(&self, field: &'static str) -> impl Fn() -> &'static str + Send + Sync + 'static {
        let shown = self.shown;
        move || if shown.with(|es| es.iter().any(|e| e.field == field)) { "true" } else { "false" }
    }
}

fn errors_memo<T: Send + Sync + Clone + 'static>(
    values: RwSignal<T>,
    server: RwSignal<Vec<FieldError>>,
    touched: RwSignal<HashSet<String>>,
    validate: impl Fn(&T) -> Vec<FieldError> + Send + Sync + 'static,
) -> Memo<Vec<FieldError>> {
    Memo::new(move |_| {
        let tset = touched.get();
        let mut out: Vec<FieldError> = server.get().into_iter().filter(|e| !tset.contains(&e.field)).collect();
        if !tset.is_empty() {
            out.extend(values.with(&validate).into_iter().filter(|e| tset.contains(&e.field)));
        }
        out
    })
}

/// Label, hint and error message around one control.
#[component]
fn Field(
    lang: Lang,
    id: &'static str,
    label: String,
    #[prop(optional)] hint: Option<String>,
    #[prop(optional)] required: bool,
    errors: Errors,
    children: Children,
) -> impl IntoView {
    let msg = errors.message(id);
    let has_error = errors.message(id);
    view! {
        <div class="field" class:invalid=move || has_error().is_some()>
            <label for=id>{label}{required.then(|| view! { <span class="req" title=t(lang, "form.required")>" *"</span> })}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{h}</p> })}
            {children()}
            <p class="error" id=format!("{id}-error")>{msg}</p>
        </div>
    }
}

/// A group of radio buttons with a legend.
#[component]
fn Choices(
    lang: Lang,
    id: &'static str,
    legend: String,
    options: Vec<(String, String)>,
    selected: String,
    errors: Errors,
    on_pick: Callback<String>,
) -> impl IntoView {
    let msg = errors.message(id);
    let has_error = errors.message(id);
    let _ = lang;
    view! {
        <fieldset class="field choices" class:invalid=move || has_error().is_some() aria-describedby=format!("{id}-error")>
            <legend>{legend}<span class="req">" *"</span></legend>
            {options
                .into_iter()
                .enumerate()
                .map(|(i, (value, label))| {
                    let input_id = format!("{id}-{i}");
                    let checked = value == selected;
                    let v = value.clone();
                    view! {
                        <label class="choice" for=input_id.clone()>
                            <input type="radio" id=input_id.clone() name=id value=value checked=checked on:change=move |_| on_pick.run(v.clone()) />
                            <span>{label}</span>
                        </label>
                    }
                })
                .collect_view()}
            <p class="error" id=format!("{id}-error")>{msg}</p>
        </fieldset>
    }
}

/// Town, then village/community. Without JavaScript a button reloads the form with the town's list.
#[component]
fn PlacePicker(
    lang: Lang,
    towns: Vec<TownOption>,
    town: String,
    community: String,
    communities: RwSignal<Vec<CommunityOption>>,
    hydrated: RwSignal<bool>,
    errors: Errors,
    on_town: Callback<String>,
    on_community: Callback<String>,
) -> impl IntoView {
    let town_options = towns
        .into_iter()
        .map(|tw| {
            let sel = tw.slug == town;
            view! { <option value=tw.slug selected=sel>{tw.name}</option> }
        })
        .collect_view();
    let community_options = move || {
        let list = communities.get();
        if list.is_empty() {
            view! { <option value="">{t(lang, "f.community.pick_town_first")}</option> }.into_any()
        } else {
            let community = community.clone();
            view! {
                <option value="">{t(lang, "f.community.choose")}</option>
                {list
                    .into_iter()
                    .map(|c| {
                        let id = c.id.to_string();
                        let sel = id == community;
                        view! { <option value=id selected=sel>{c.name}</option> }
                    })
                    .collect_view()}
            }
            .into_any()
        }
    };
    view! {
        <Field lang id="town" label=t(lang, "f.town") required=true errors=errors>
            <select id="town" name="town" aria-invalid=errors.invalid("town") aria-describedby="town-error"
                on:change=move |ev| on_town.run(event_target_value(&ev))>
                <option value="">{t(lang, "f.town.choose")}</option>
                {town_options}
            </select>
            <button type="submit" name="refresh" value="1" formnovalidate class="secondary" hidden=move || hydrated.get()>
                {t(lang, "f.community.refresh")}
            </button>
        </Field>
        <Field lang id="community" label=t(lang, "f.community") required=true errors=errors>
            <select id="community" name="community" aria-invalid=errors.invalid("community") aria-describedby="community-error"
                on:change=move |ev| on_community.run(event_target_value(&ev))>
                {community_options}
            </select>
        </Field>
    }
}

/// Loads the communities of a newly chosen town.
fn follow_town(town: String, communities: RwSignal<Vec<CommunityOption>>) {
    if town.is_empty() {
        communities.set(Vec::new());
        return;
    }
    leptos::task::spawn_local(async move {
        if let Ok(list) = crate::api::list_communities(town).await {
            communities.set(list);
        }
    });
}

fn go_to(url: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_href(url);
    }
}

/// Summary above the form, announced to screen readers.
#[component]
fn Summary(lang: Lang, shown: Memo<Vec<FieldError>>) -> impl IntoView {
    view! {
        <div class="summary" role="alert" aria-live="assertive">
            {move || {
                let n = shown.with(|e| e.len());
                let form = shown.with(|e| e.iter().find(|e| e.field == "form").map(|e| e.code.clone()));
                if let Some(code) = form {
                    Some(view! { <p>{err(lang, &code)}</p> }.into_any())
                } else if n > 0 {
                    Some(view! { <p>{tf(lang, "form.errors", &[("n", &n.to_string())])}</p> }.into_any())
                } else {
                    None
                }
            }}
        </div>
    }
}

/// The micro-wish form.
#[island]
pub fn WishForm(
    lang: Lang,
    init: WishInput,
    errors: Vec<FieldError>,
    towns: Vec<TownOption>,
    communities: Vec<CommunityOption>,
    limits: Limits,
) -> impl IntoView {
    let values = RwSignal::new(init.clone());
    let server = RwSignal::new(errors);
    let touched = RwSignal::new(HashSet::<String>::new());
    let comms = RwSignal::new(communities);
    let busy = RwSignal::new(false);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let shown = errors_memo(values, server, touched, move |v| validate_wish(v, &limits).err().unwrap_or_default());
    let errs = Errors { shown, lang };
    let touch = move |f: &str| {
        touched.update(|s| {
            s.insert(f.to_string());
        })
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        server.set(Vec::new());
        touched.set(WISH_FIELDS.iter().map(|s| s.to_string()).collect());
        let input = values.get_untracked();
        if validate_wish(&input, &limits).is_err() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match crate::api::submit_wish(input, lang.code().to_string()).await {
                Ok(SubmitOutcome::Created { tracking_url }) => go_to(&tracking_url),
                Ok(SubmitOutcome::Invalid { errors }) => {
                    touched.set(HashSet::new());
                    server.set(errors);
                    busy.set(false);
                }
                Ok(SubmitOutcome::TooMany { .. }) => {
                    server.set(vec![FieldError::new("form", "too_many_tries")]);
                    busy.set(false);
                }
                Err(_) => {
                    server.set(vec![FieldError::new("form", "server")]);
                    busy.set(false);
                }
            }
        });
    };

    let beneficiaries =
        Beneficiary::ALL.iter().map(|b| (b.code().to_string(), t(lang, &format!("ben.{}", b.code())))).collect();
    let by = SubmittedBy::ALL.iter().map(|b| (b.code().to_string(), t(lang, &format!("by.{}", b.code())))).collect();
    let amount_hint = tf(
        lang,
        "f.amount.hint",
        &[("cap", &limits.wish_cap_yuan.to_string()), ("urgent_cap", &limits.urgent_wish_cap_yuan.to_string())],
    );
    // The helper/organisation field matters only when someone submits on another's behalf; it stays visible
    // until "self" is picked, so that it is there for a visitor without JavaScript.
    let hide_org = move || values.with(|v| v.submitted_by == "self");

    view! {
        <form method="post" action="/wish/new" novalidate class="item-form" on:submit=on_submit>
            <Summary lang shown />
            <input type="hidden" name="submission_key" value=init.submission_key.clone() />
            <Choices lang id="beneficiary" legend=t(lang, "f.beneficiary") options=beneficiaries selected=init.beneficiary.clone() errors=errs
                on_pick=Callback::new(move |v| { values.update(|x| x.beneficiary = v); touch("beneficiary"); }) />
            <Choices lang id="submitted_by" legend=t(lang, "f.submitted_by") options=by selected=init.submitted_by.clone() errors=errs
                on_pick=Callback::new(move |v| { values.update(|x| x.submitted_by = v); touch("submitted_by"); }) />
            <div class="org" hidden=hide_org>
                <Field lang id="helper_org" label=t(lang, "f.helper_org") hint=t(lang, "f.helper_org.hint") errors=errs>
                    <input type="text" id="helper_org" name="helper_org" value=init.helper_org.clone() maxlength="60"
                        aria-invalid=errs.invalid("helper_org") aria-describedby="helper_org-hint helper_org-error"
                        on:input=move |ev| values.update(|x| x.helper_org = event_target_value(&ev))
                        on:change=move |_| touch("helper_org") />
                </Field>
            </div>
            <Field lang id="need" label=t(lang, "f.need") hint=t(lang, "f.need.hint") required=true errors=errs>
                <textarea id="need" name="need" rows="4" maxlength="500"
                    aria-invalid=errs.invalid("need") aria-describedby="need-hint need-error"
                    on:input=move |ev| values.update(|x| x.need = event_target_value(&ev))
                    on:change=move |_| touch("need")>{crate::pages::textarea_text(&init.need)}</textarea>
            </Field>
            <Field lang id="amount" label=t(lang, "f.amount") hint=amount_hint required=true errors=errs>
                <input type="text" id="amount" name="amount" inputmode="numeric" value=init.amount.clone() maxlength="12"
                    aria-invalid=errs.invalid("amount") aria-describedby="amount-hint amount-error"
                    on:input=move |ev| values.update(|x| x.amount = event_target_value(&ev))
                    on:change=move |_| touch("amount") />
            </Field>
            <div class="field check">
                <label for="urgent">
                    <input type="checkbox" id="urgent" name="urgent" value="on" checked=init.urgent.is_some()
                        on:change=move |ev| { let on = event_target_checked(&ev); values.update(|x| x.urgent = on.then(|| "on".to_string())); touch("amount"); } />
                    <span>{t(lang, "f.urgent")}</span>
                </label>
                <p class="hint">{t(lang, "f.urgent.hint")}</p>
            </div>
            <PlacePicker lang towns town=init.town.clone() community=init.community.clone() communities=comms hydrated errors=errs
                on_town=Callback::new(move |v: String| { values.update(|x| { x.town = v.clone(); x.community = String::new(); }); touch("town"); follow_town(v, comms); })
                on_community=Callback::new(move |v| { values.update(|x| x.community = v); touch("community"); }) />
            <Contact lang name=init.contact_name.clone() phone=init.phone.clone() email=init.email.clone() consent=init.consent.is_some() errors=errs
                on_field=Callback::new(move |(f, v): (&'static str, String)| {
                    values.update(|x| match f {
                        "contact_name" => x.contact_name = v,
                        "phone" => x.phone = v,
                        "email" => x.email = v,
                        _ => x.consent = (!v.is_empty()).then_some(v),
                    });
                })
                on_touch=Callback::new(move |f: &'static str| touch(f)) />
            <button type="submit" class="primary" disabled=move || busy.get()>
                {move || if busy.get() { t(lang, "form.submitting") } else { t(lang, "form.submit") }}
            </button>
        </form>
    }
}

/// Contact fields and consent, shared by both forms.
#[component]
fn Contact(
    lang: Lang,
    name: String,
    phone: String,
    email: String,
    consent: bool,
    errors: Errors,
    on_field: Callback<(&'static str, String)>,
    on_touch: Callback<&'static str>,
) -> impl IntoView {
    let cmsg = errors.message("consent");
    let c_invalid = errors.message("consent");
    view! {
        <Field lang id="contact_name" label=t(lang, "f.contact_name") required=true errors=errors>
            <input type="text" id="contact_name" name="contact_name" value=name maxlength="30" autocomplete="name"
                aria-invalid=errors.invalid("contact_name") aria-describedby="contact_name-error"
                on:input=move |ev| on_field.run(("contact_name", event_target_value(&ev)))
                on:change=move |_| on_touch.run("contact_name") />
        </Field>
        <Field lang id="phone" label=t(lang, "f.phone") hint=t(lang, "f.phone.hint") required=true errors=errors>
            <input type="tel" id="phone" name="phone" value=phone inputmode="numeric" autocomplete="tel" maxlength="20"
                aria-invalid=errors.invalid("phone") aria-describedby="phone-hint phone-error"
                on:input=move |ev| on_field.run(("phone", event_target_value(&ev)))
                on:change=move |_| on_touch.run("phone") />
        </Field>
        <Field lang id="email" label=t(lang, "f.email") hint=t(lang, "f.email.hint") errors=errors>
            <input type="email" id="email" name="email" value=email autocomplete="email" maxlength="120"
                aria-invalid=errors.invalid("email") aria-describedby="email-hint email-error"
                on:input=move |ev| on_field.run(("email", event_target_value(&ev)))
                on:change=move |_| on_touch.run("email") />
        </Field>
        <div class="field check" class:invalid=move || c_invalid().is_some()>
            <label for="consent">
                <input type="checkbox" id="consent" name="consent" value="on" checked=consent
                    aria-invalid=errors.invalid("consent") aria-describedby="consent-error"
                    on:change=move |ev| { let on = event_target_checked(&ev); on_field.run(("consent", if on { "on".into() } else { String::new() })); on_touch.run("consent"); } />
                <span>{t(lang, "f.consent")}</span>
            </label>
            <p class="error" id="consent-error">{cmsg}</p>
        </div>
    }
}

/// The micro-project form.
#[island]
pub fn ProjectForm(
    lang: Lang,
    init: ProjectInput,
    errors: Vec<FieldError>,
    towns: Vec<TownOption>,
    communities: Vec<CommunityOption>,
    limits: Limits,
) -> impl IntoView {
    let values = RwSignal::new(init.clone());
    let server = RwSignal::new(errors);
    let touched = RwSignal::new(HashSet::<String>::new());
    let comms = RwSignal::new(communities);
    let busy = RwSignal::new(false);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let shown = errors_memo(values, server, touched, move |v| validate_project(v, &limits).err().unwrap_or_default());
    let errs = Errors { shown, lang };
    let touch = move |f: &str| {
        touched.update(|s| {
            s.insert(f.to_string());
        })
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        server.set(Vec::new());
        touched.set(PROJECT_FIELDS.iter().map(|s| s.to_string()).collect());
        let input = values.get_untracked();
        if validate_project(&input, &limits).is_err() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match crate::api::submit_project(input, lang.code().to_string()).await {
                Ok(SubmitOutcome::Created { tracking_url }) => go_to(&tracking_url),
                Ok(SubmitOutcome::Invalid { errors }) => {
                    touched.set(HashSet::new());
                    server.set(errors);
                    busy.set(false);
                }
                Ok(SubmitOutcome::TooMany { .. }) => {
                    server.set(vec![FieldError::new("form", "too_many_tries")]);
                    busy.set(false);
                }
                Err(_) => {
                    server.set(vec![FieldError::new("form", "server")]);
                    busy.set(false);
                }
            }
        });
    };

    let categories =
        Category::ALL.iter().map(|c| (c.code().to_string(), t(lang, &format!("cat.{}", c.code())))).collect();
    let budget_hint = tf(lang, "f.budget.hint", &[("cap", &limits.project_cap_yuan.to_string())]);

    view! {
        <form method="post" action="/project/new" novalidate class="item-form" on:submit=on_submit>
            <Summary lang shown />
            <input type="hidden" name="submission_key" value=init.submission_key.clone() />
            <Field lang id="title" label=t(lang, "f.title") required=true errors=errs>
                <input type="text" id="title" name="title" value=init.title.clone() maxlength="60"
                    aria-invalid=errs.invalid("title") aria-describedby="title-error"
                    on:input=move |ev| values.update(|x| x.title = event_target_value(&ev))
                    on:change=move |_| touch("title") />
            </Field>
            <Field lang id="description" label=t(lang, "f.description") hint=t(lang, "f.description.hint") required=true errors=errs>
                <textarea id="description" name="description" rows="5" maxlength="2000"
                    aria-invalid=errs.invalid("description") aria-describedby="description-hint description-error"
                    on:input=move |ev| values.update(|x| x.description = event_target_value(&ev))
                    on:change=move |_| touch("description")>{crate::pages::textarea_text(&init.description)}</textarea>
            </Field>
            <Choices lang id="category" legend=t(lang, "f.category") options=categories selected=init.category.clone() errors=errs
                on_pick=Callback::new(move |v| { values.update(|x| x.category = v); touch("category"); }) />
            <PlacePicker lang towns town=init.town.clone() community=init.community.clone() communities=comms hydrated errors=errs
                on_town=Callback::new(move |v: String| { values.update(|x| { x.town = v.clone(); x.community = String::new(); }); touch("town"); follow_town(v, comms); })
                on_community=Callback::new(move |v| { values.update(|x| x.community = v); touch("community"); }) />
            <Field lang id="location" label=t(lang, "f.location") required=true errors=errs>
                <input type="text" id="location" name="location" value=init.location.clone() maxlength="100"
                    aria-invalid=errs.invalid("location") aria-describedby="location-error"
                    on:input=move |ev| values.update(|x| x.location = event_target_value(&ev))
                    on:change=move |_| touch("location") />
            </Field>
            <Field lang id="budget" label=t(lang, "f.budget") hint=budget_hint required=true errors=errs>
                <input type="text" id="budget" name="budget" inputmode="numeric" value=init.budget.clone() maxlength="12"
                    aria-invalid=errs.invalid("budget") aria-describedby="budget-hint budget-error"
                    on:input=move |ev| values.update(|x| x.budget = event_target_value(&ev))
                    on:change=move |_| touch("budget") />
            </Field>
            <Contact lang name=init.contact_name.clone() phone=init.phone.clone() email=init.email.clone() consent=init.consent.is_some() errors=errs
                on_field=Callback::new(move |(f, v): (&'static str, String)| {
                    values.update(|x| match f {
                        "contact_name" => x.contact_name = v,
                        "phone" => x.phone = v,
                        "email" => x.email = v,
                        _ => x.consent = (!v.is_empty()).then_some(v),
                    });
                })
                on_touch=Callback::new(move |f: &'static str| touch(f)) />
            <button type="submit" class="primary" disabled=move || busy.get()>
                {move || if busy.get() { t(lang, "form.submitting") } else { t(lang, "form.submit") }}
            </button>
        </form>
    }
}
