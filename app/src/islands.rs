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
    "ben_name",
    "ben_phone",
    "ben_address",
    "ben_relation",
    "ben_consent",
    "need",
    "amount",
    "urgent",
    "town",
    "community",
    "place",
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
    "place",
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

/// Town, then village/community, each with a way out: "don't know the town" and "not listed / not
/// sure", then the place in words (shown by the stylesheet only when one of those is chosen, with or
/// without JavaScript). Without JavaScript a button reloads the form with the town's list and comes
/// back to the village field.
#[component]
fn PlacePicker(
    lang: Lang,
    /// The form's path, for the reload button's return to the village field.
    action: &'static str,
    towns: Vec<TownOption>,
    town: String,
    community: String,
    place: String,
    communities: RwSignal<Vec<CommunityOption>>,
    hydrated: RwSignal<bool>,
    errors: Errors,
    on_town: Callback<String>,
    on_community: Callback<String>,
    on_place: Callback<String>,
    on_touch: Callback<&'static str>,
) -> impl IntoView {
    use domain::validate::{COMMUNITY_NOT_LISTED, TOWN_UNKNOWN};
    let unknown_sel = town == TOWN_UNKNOWN;
    let town_options = towns
        .into_iter()
        .map(|tw| {
            let sel = tw.slug == town;
            view! { <option value=tw.slug selected=sel>{tw.name}</option> }
        })
        .collect_view();
    let community_options = move || {
        let list = communities.get();
        let community = community.clone();
        let not_listed = community == COMMUNITY_NOT_LISTED;
        let first =
            if list.is_empty() { t(lang, "f.community.pick_town_first") } else { t(lang, "f.community.choose") };
        view! {
            <option value="">{first}</option>
            {list
                .into_iter()
                .map(|c| {
                    let id = c.id.to_string();
                    let sel = id == community;
                    view! { <option value=id selected=sel>{c.name}</option> }
                })
                .collect_view()}
            <option value=COMMUNITY_NOT_LISTED selected=not_listed>{t(lang, "f.community.not_listed")}</option>
        }
    };
    view! {
        <Field lang id="town" label=t(lang, "f.town") required=true errors=errors>
            <select id="town" name="town" aria-invalid=errors.invalid("town") aria-describedby="town-error"
                on:change=move |ev| on_town.run(event_target_value(&ev))>
                <option value="">{t(lang, "f.town.choose")}</option>
                {town_options}
                <option value=TOWN_UNKNOWN selected=unknown_sel>{t(lang, "f.town.unknown")}</option>
            </select>
            <button type="submit" name="refresh" value="1" formnovalidate formaction=format!("{action}#community") class="secondary" hidden=move || hydrated.get()>
                {t(lang, "f.community.refresh")}
            </button>
        </Field>
        <Field lang id="community" label=t(lang, "f.community") hint=t(lang, "f.community.hint") required=true errors=errors>
            <select id="community" name="community" aria-invalid=errors.invalid("community") aria-describedby="community-hint community-error"
                on:change=move |ev| on_community.run(event_target_value(&ev))>
                {community_options}
            </select>
        </Field>
        <div class="place-words">
            <Field lang id="place" label=t(lang, "f.place") hint=t(lang, "f.place.hint") required=true errors=errors>
                <input type="text" id="place" name="place" value=place maxlength="100"
                    aria-invalid=errors.invalid("place") aria-describedby="place-hint place-error"
                    on:input=move |ev| on_place.run(event_target_value(&ev))
                    on:change=move |_| on_touch.run("place") />
            </Field>
        </div>
    }
}

/// Loads the communities of a newly chosen town.
fn follow_town(town: String, lang: Lang, communities: RwSignal<Vec<CommunityOption>>) {
    if town.is_empty() || town == domain::validate::TOWN_UNKNOWN {
        communities.set(Vec::new());
        return;
    }
    leptos::task::spawn_local(async move {
        if let Ok(list) = crate::api::list_communities(town, lang.code().to_string()).await {
            communities.set(list);
        }
    });
}

fn go_to(url: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_href(url);
    }
}

/// Where a field's error link in the summary leads: the control itself (the first choice of a group).
fn anchor(field: &str) -> String {
    match field {
        "beneficiary" | "submitted_by" | "category" => format!("#{field}-0"),
        f => format!("#{f}"),
    }
}

/// The field's name in the summary.
fn field_label(lang: Lang, field: &str) -> String {
    t(lang, &format!("sum.{field}"))
}

/// Summary above the form, announced to screen readers; after a failed submit it takes the focus and
/// links to each field that needs a change.
#[component]
fn Summary(lang: Lang, shown: Memo<Vec<FieldError>>) -> impl IntoView {
    view! {
        <div class="summary" id="form-summary" tabindex="-1" role="alert" aria-live="assertive">
            {move || {
                let errors = shown.get();
                let form = errors.iter().find(|e| e.field == "form").map(|e| e.code.clone());
                if let Some(code) = form {
                    Some(view! { <p>{err(lang, &code)}</p> }.into_any())
                } else if !errors.is_empty() {
                    let n = errors.len().to_string();
                    Some(view! {
                        <p>{tf(lang, "form.errors", &[("n", &n)])}</p>
                        <ul>
                            {errors.into_iter().map(|e| view! {
                                <li><a href=anchor(&e.field)>{field_label(lang, &e.field)}"："{err(lang, &e.code)}</a></li>
                            }).collect_view()}
                        </ul>
                    }.into_any())
                } else {
                    None
                }
            }}
        </div>
    }
}

/// What both forms do with the server's answer: go to the tracking page, or show the errors (the
/// server's replace the browser's) with the focus on the summary.
fn show_outcome(
    outcome: Result<SubmitOutcome, ServerFnError>,
    touched: RwSignal<HashSet<String>>,
    server: RwSignal<Vec<FieldError>>,
    busy: RwSignal<bool>,
) {
    match outcome {
        Ok(SubmitOutcome::Created { tracking_url }) => go_to(&tracking_url),
        Ok(SubmitOutcome::Invalid { errors }) => {
            touched.set(HashSet::new());
            server.set(errors);
            busy.set(false);
            focus_summary();
        }
        Ok(SubmitOutcome::TooMany { .. }) => {
            server.set(vec![FieldError::new("form", "too_many_tries")]);
            busy.set(false);
            focus_summary();
        }
        Err(_) => {
            server.set(vec![FieldError::new("form", "server")]);
            busy.set(false);
        }
    }
}

/// Moves the focus to the error summary (after a failed submit).
fn focus_summary() {
    use wasm_bindgen::JsCast;
    let el = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("form-summary"));
    if let Some(h) = el.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = h.focus();
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
            focus_summary();
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let outcome = crate::api::submit_wish(input, lang.code().to_string()).await;
            show_outcome(outcome, touched, server, busy);
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
    let relations: Vec<(String, String)> = domain::validate::Relation::ALL
        .iter()
        .map(|r| (r.code().to_string(), t(lang, &format!("rel.{}", r.code()))))
        .collect();
    let ben_consent_msg = errs.message("ben_consent");
    let ben_consent_invalid = errs.message("ben_consent");

    view! {
        <form method="post" action="/wish/new" novalidate class="item-form" on:submit=on_submit>
            <Summary lang shown />
            <input type="hidden" name="submission_key" value=init.submission_key.clone() />
            <Choices lang id="beneficiary" legend=t(lang, "f.beneficiary") options=beneficiaries selected=init.beneficiary.clone() errors=errs
                on_pick=Callback::new(move |v| { values.update(|x| x.beneficiary = v); touch("beneficiary"); }) />
            <Choices lang id="submitted_by" legend=t(lang, "f.submitted_by") options=by selected=init.submitted_by.clone() errors=errs
                on_pick=Callback::new(move |v| { values.update(|x| x.submitted_by = v); touch("submitted_by"); }) />
            // The stylesheet shows the organisation's name only for "on behalf of an organisation", and the
            // beneficiary's details only for someone else (with or without JavaScript; a browser without
            // `:has()` shows both).
            <div class="org">
                <Field lang id="helper_org" label=t(lang, "f.helper_org") hint=t(lang, "f.helper_org.hint") required=true errors=errs>
                    <input type="text" id="helper_org" name="helper_org" value=init.helper_org.clone() maxlength="60"
                        aria-invalid=errs.invalid("helper_org") aria-describedby="helper_org-hint helper_org-error"
                        on:input=move |ev| values.update(|x| x.helper_org = event_target_value(&ev))
                        on:change=move |_| touch("helper_org") />
                </Field>
            </div>
            <fieldset class="ben">
                <legend>{t(lang, "f.ben.legend")}</legend>
                <p class="hint">{t(lang, "f.ben.hint")}</p>
                <Field lang id="ben_name" label=t(lang, "f.ben_name") required=true errors=errs>
                    <input type="text" id="ben_name" name="ben_name" value=init.ben_name.clone() maxlength="30"
                        aria-invalid=errs.invalid("ben_name") aria-describedby="ben_name-error"
                        on:input=move |ev| values.update(|x| x.ben_name = event_target_value(&ev))
                        on:change=move |_| touch("ben_name") />
                </Field>
                <Field lang id="ben_phone" label=t(lang, "f.ben_phone") hint=t(lang, "f.ben_phone.hint") errors=errs>
                    <input type="tel" id="ben_phone" name="ben_phone" value=init.ben_phone.clone() inputmode="numeric" maxlength="20"
                        aria-invalid=errs.invalid("ben_phone") aria-describedby="ben_phone-hint ben_phone-error"
                        on:input=move |ev| values.update(|x| x.ben_phone = event_target_value(&ev))
                        on:change=move |_| touch("ben_phone") />
                </Field>
                <Field lang id="ben_address" label=t(lang, "f.ben_address") hint=t(lang, "f.ben_address.hint") required=true errors=errs>
                    <input type="text" id="ben_address" name="ben_address" value=init.ben_address.clone() maxlength="100"
                        aria-invalid=errs.invalid("ben_address") aria-describedby="ben_address-hint ben_address-error"
                        on:input=move |ev| values.update(|x| x.ben_address = event_target_value(&ev))
                        on:change=move |_| touch("ben_address") />
                </Field>
                <Field lang id="ben_relation" label=t(lang, "f.ben_relation") required=true errors=errs>
                    <select id="ben_relation" name="ben_relation" aria-invalid=errs.invalid("ben_relation") aria-describedby="ben_relation-error"
                        on:change=move |ev| { values.update(|x| x.ben_relation = event_target_value(&ev)); touch("ben_relation"); }>
                        <option value="">{t(lang, "f.ben_relation.choose")}</option>
                        {relations.into_iter().map(|(code, label)| {
                            let sel = code == init.ben_relation;
                            view! { <option value=code selected=sel>{label}</option> }
                        }).collect_view()}
                    </select>
                </Field>
                <div class="field check" class:invalid=move || ben_consent_invalid().is_some()>
                    <label for="ben_consent">
                        <input type="checkbox" id="ben_consent" name="ben_consent" value="on" checked=init.ben_consent.is_some()
                            aria-invalid=errs.invalid("ben_consent") aria-describedby="ben_consent-error"
                            on:change=move |ev| { let on = event_target_checked(&ev); values.update(|x| x.ben_consent = on.then(|| "on".to_string())); touch("ben_consent"); } />
                        <span>{t(lang, "f.ben_consent")}</span>
                    </label>
                    <p class="error" id="ben_consent-error">{ben_consent_msg}</p>
                </div>
            </fieldset>
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
            <PlacePicker lang action="/wish/new" towns town=init.town.clone() community=init.community.clone() place=init.place.clone() communities=comms hydrated errors=errs
                on_town=Callback::new(move |v: String| { values.update(|x| { x.town = v.clone(); x.community = String::new(); }); touch("town"); follow_town(v, lang, comms); })
                on_community=Callback::new(move |v| { values.update(|x| x.community = v); touch("community"); })
                on_place=Callback::new(move |v| values.update(|x| x.place = v))
                on_touch=Callback::new(move |f: &'static str| touch(f)) />
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
            focus_summary();
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            let outcome = crate::api::submit_project(input, lang.code().to_string()).await;
            show_outcome(outcome, touched, server, busy);
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
            <PlacePicker lang action="/project/new" towns town=init.town.clone() community=init.community.clone() place=init.place.clone() communities=comms hydrated errors=errs
                on_town=Callback::new(move |v: String| { values.update(|x| { x.town = v.clone(); x.community = String::new(); }); touch("town"); follow_town(v, lang, comms); })
                on_community=Callback::new(move |v| { values.update(|x| x.community = v); touch("community"); })
                on_place=Callback::new(move |v| values.update(|x| x.place = v))
                on_touch=Callback::new(move |f: &'static str| touch(f)) />
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
