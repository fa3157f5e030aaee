//! The interactive parts, shipped as WASM islands. Each renders fully on the server (so the form works
//! with plain posts before or without JavaScript) and, once hydrated, adds inline validation with the
//! same domain rules, a village/community list that follows the town, and sending without a reload.

use super::fields::Errors;
use super::fields::*;
use crate::resident::SubmitOutcome;
use crate::ui::i18n::{t, tf};
use crate::ui::{CommunityOption, TownOption};
use domain::validate::{validate_project, validate_wish};
use domain::validate::{PROJECT_FIELDS, WISH_FIELDS};
use domain::{Beneficiary, Category, FieldError, Lang, Limits, ProjectInput, SubmittedBy, WishInput};
use leptos::prelude::*;
use std::collections::HashSet;

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

/// The signals both forms keep: what is typed, the server's errors, the fields touched, the town's
/// villages, whether a submit is under way, and whether the island has hydrated.
struct FormState<T: Send + Sync + 'static> {
    values: RwSignal<T>,
    server: RwSignal<Vec<FieldError>>,
    touched: RwSignal<HashSet<String>>,
    comms: RwSignal<Vec<CommunityOption>>,
    busy: RwSignal<bool>,
    hydrated: RwSignal<bool>,
}

impl<T: Send + Sync + 'static> Clone for FormState<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Send + Sync + 'static> Copy for FormState<T> {}

impl<T: Clone + Send + Sync + 'static> FormState<T> {
    fn new(init: &T, errors: Vec<FieldError>, communities: Vec<CommunityOption>) -> Self {
        let hydrated = RwSignal::new(false);
        Effect::new(move |_| hydrated.set(true));
        FormState {
            values: RwSignal::new(init.clone()),
            server: RwSignal::new(errors),
            touched: RwSignal::new(HashSet::new()),
            comms: RwSignal::new(communities),
            busy: RwSignal::new(false),
            hydrated,
        }
    }

    fn touch(self, field: &str) {
        self.touched.update(|s| {
            s.insert(field.to_string());
        })
    }

    /// What both forms do on submit: nothing while one is under way; otherwise every field counts as
    /// touched, and the form is sent only when the browser finds no error (the summary gets the
    /// focus if it does).
    fn submit<Fut>(
        self,
        ev: leptos::ev::SubmitEvent,
        fields: &'static [&'static str],
        valid: impl Fn(&T) -> bool,
        send: impl FnOnce(T) -> Fut + 'static,
    ) where
        Fut: std::future::Future<Output = Result<SubmitOutcome, ServerFnError>> + 'static,
    {
        ev.prevent_default();
        if self.busy.get_untracked() {
            return;
        }
        self.server.set(Vec::new());
        self.touched.set(fields.iter().map(|s| s.to_string()).collect());
        let input = self.values.get_untracked();
        if !valid(&input) {
            focus_summary();
            return;
        }
        self.busy.set(true);
        let FormState { touched, server, busy, .. } = self;
        leptos::task::spawn_local(async move {
            show_outcome(send(input).await, touched, server, busy);
        });
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
    let form = FormState::new(&init, errors, communities);
    let FormState { values, server, touched, comms, busy, hydrated } = form;
    let shown = errors_memo(values, server, touched, move |v| validate_wish(v, &limits).err().unwrap_or_default());
    let errs = Errors { shown, lang };
    let touch = move |f: &str| form.touch(f);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let valid = move |v: &WishInput| validate_wish(v, &limits).is_ok();
        form.submit(ev, WISH_FIELDS, valid, move |input| {
            crate::resident::api::submit_wish(input, lang.code().to_string())
        })
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
                    on:change=move |_| touch("need")>{crate::ui::textarea_text(&init.need)}</textarea>
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
    let form = FormState::new(&init, errors, communities);
    let FormState { values, server, touched, comms, busy, hydrated } = form;
    let shown = errors_memo(values, server, touched, move |v| validate_project(v, &limits).err().unwrap_or_default());
    let errs = Errors { shown, lang };
    let touch = move |f: &str| form.touch(f);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        let valid = move |v: &ProjectInput| validate_project(v, &limits).is_ok();
        form.submit(ev, PROJECT_FIELDS, valid, move |input| {
            crate::resident::api::submit_project(input, lang.code().to_string())
        })
    };

    // Projects on the board like this one, looked up when the words or the village change (issue 21);
    // the server sends the list as HTML, escaped.
    let similar = RwSignal::new(String::new());
    let look_for_similar = move || {
        let v = values.get_untracked();
        if v.community.trim().parse::<i64>().is_err() {
            similar.set(String::new());
            return;
        }
        leptos::task::spawn_local(async move {
            let found =
                crate::resident::api::similar_projects(v.community, v.title, v.description, lang.code().to_string());
            if let Ok(html) = found.await {
                similar.set(html);
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
                    on:change=move |_| { touch("title"); look_for_similar(); } />
            </Field>
            <Field lang id="description" label=t(lang, "f.description") hint=t(lang, "f.description.hint") required=true errors=errs>
                <textarea id="description" name="description" rows="5" maxlength="2000"
                    aria-invalid=errs.invalid("description") aria-describedby="description-hint description-error"
                    on:input=move |ev| values.update(|x| x.description = event_target_value(&ev))
                    on:change=move |_| { touch("description"); look_for_similar(); }>{crate::ui::textarea_text(&init.description)}</textarea>
            </Field>
            <Choices lang id="category" legend=t(lang, "f.category") options=categories selected=init.category.clone() errors=errs
                on_pick=Callback::new(move |v| { values.update(|x| x.category = v); touch("category"); }) />
            <PlacePicker lang action="/project/new" towns town=init.town.clone() community=init.community.clone() place=init.place.clone() communities=comms hydrated errors=errs
                on_town=Callback::new(move |v: String| { values.update(|x| { x.town = v.clone(); x.community = String::new(); }); touch("town"); follow_town(v, lang, comms); })
                on_community=Callback::new(move |v| { values.update(|x| x.community = v); touch("community"); look_for_similar(); })
                on_place=Callback::new(move |v| values.update(|x| x.place = v))
                on_touch=Callback::new(move |f: &'static str| touch(f)) />
            <div class="similar-projects" aria-live="polite" inner_html=move || similar.get()></div>
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
