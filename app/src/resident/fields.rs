//! The parts of both forms: fields, choice lists, the place picker and the error summary.

use crate::ui::i18n::{err, t, tf};
use crate::ui::{CommunityOption, TownOption};
use domain::{FieldError, Lang};
use leptos::prelude::*;
use std::collections::HashSet;

/// Which errors to show: the server's for fields not edited since, the browser's for fields touched.
#[derive(Clone, Copy)]
pub struct Errors {
    pub(super) shown: Memo<Vec<FieldError>>,
    pub(super) lang: Lang,
}

impl Errors {
    pub(super) fn message(&self, field: &'static str) -> impl Fn() -> Option<String> + Send + Sync + 'static {
        let (shown, lang) = (self.shown, self.lang);
        move || shown.with(|es| es.iter().find(|e| e.field == field).map(|e| err(lang, &e.code)))
    }
    pub(super) fn invalid(&self, field: &'static str) -> impl Fn() -> &'static str + Send + Sync + 'static {
        let shown = self.shown;
        move || if shown.with(|es| es.iter().any(|e| e.field == field)) { "true" } else { "false" }
    }
}

pub(super) fn errors_memo<T: Send + Sync + Clone + 'static>(
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
pub(super) fn Field(
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
pub(super) fn Choices(
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
pub(super) fn PlacePicker(
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
pub(super) fn follow_town(town: String, lang: Lang, communities: RwSignal<Vec<CommunityOption>>) {
    if town.is_empty() || town == domain::validate::TOWN_UNKNOWN {
        communities.set(Vec::new());
        return;
    }
    leptos::task::spawn_local(async move {
        if let Ok(list) = crate::resident::api::list_communities(town, lang.code().to_string()).await {
            communities.set(list);
        }
    });
}

pub(super) fn go_to(url: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.location().set_href(url);
    }
}

/// Where a field's error link in the summary leads: the control itself (the first choice of a group).
pub(super) fn anchor(field: &str) -> String {
    match field {
        "beneficiary" | "submitted_by" | "category" => format!("#{field}-0"),
        f => format!("#{f}"),
    }
}

/// The field's name in the summary.
pub(super) fn field_label(lang: Lang, field: &str) -> String {
    t(lang, &format!("sum.{field}"))
}

/// Summary above the form, announced to screen readers; after a failed submit it takes the focus and
/// links to each field that needs a change.
#[component]
pub(super) fn Summary(lang: Lang, shown: Memo<Vec<FieldError>>) -> impl IntoView {
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
