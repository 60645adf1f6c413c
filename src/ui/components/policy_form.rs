//! The form a policy panel shares (retention, soft delete): an Enabled checkbox, a period in
//! days and Apply. It shows the policy in force: whenever the engine's policy changes (the
//! form's own Apply, a scenario step, `stowage.page()`, time travel, a restored session), its
//! fields start again from it; until then they keep what a person types.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::ui::i18n::{t, use_lang};

#[derive(Properties, PartialEq, Clone)]
pub struct PolicyFormProps {
    /// The ids are `{id}-enabled`, `{id}-days` and `{id}-apply`.
    pub id: &'static str,
    /// The policy in force.
    pub enabled: bool,
    pub days: u32,
    /// The period offered while the policy is off.
    pub default_days: u32,
    pub min_days: u32,
    pub max_days: u32,
    /// Catalogue keys: the days field's label and title, and the Apply button's title.
    pub days_label: &'static str,
    pub days_title: &'static str,
    #[prop_or_default]
    pub apply_title: Option<&'static str>,
    /// Apply: the checkbox, and the days field as typed (the engine checks it).
    pub on_apply: Callback<(bool, String)>,
}

/// What the fields show at first: the policy in force, or the default period while it is off.
fn shown(props: &PolicyFormProps) -> (bool, u32) {
    (props.enabled, if props.enabled { props.days } else { props.default_days })
}

#[function_component(PolicyForm)]
pub fn policy_form(props: &PolicyFormProps) -> Html {
    // Keyed on what the fields show at first: another policy makes new fields, with new state.
    let (enabled, days) = shown(props);
    html! { <PolicyFields key={format!("{enabled}-{days}")} ..props.clone() /> }
}

/// The fields themselves; their state starts from the policy when they are made.
#[function_component(PolicyFields)]
fn policy_fields(props: &PolicyFormProps) -> Html {
    let lang = use_lang();
    let enabled = use_state(|| shown(props).0);
    let days = use_state(|| shown(props).1.to_string());
    let on_enabled = {
        let enabled = enabled.clone();
        Callback::from(move |e: Event| enabled.set(e.target_unchecked_into::<HtmlInputElement>().checked()))
    };
    let on_days = {
        let days = days.clone();
        Callback::from(move |e: InputEvent| days.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let apply = {
        let (enabled, days) = (enabled.clone(), days.clone());
        props.on_apply.reform(move |_: MouseEvent| (*enabled, (*days).clone()))
    };
    let id = props.id;
    html! {
        <div class="retention-controls">
            <label class="check">
                <input id={format!("{id}-enabled")} type="checkbox" checked={*enabled} onchange={on_enabled} />
                { t(lang, "common.enabled") }
            </label>
            <label class="field inline">
                <span class="label">{ t(lang, props.days_label) }</span>
                <input id={format!("{id}-days")} type="number" min={props.min_days.to_string()}
                    max={props.max_days.to_string()} step="1" value={(*days).clone()}
                    oninput={on_days} title={t(lang, props.days_title)} />
                <span>{ t(lang, "common.days") }</span>
            </label>
            <button id={format!("{id}-apply")} type="button" onclick={apply}
                title={props.apply_title.map(|k| t(lang, k))}>{ t(lang, "common.apply") }</button>
        </div>
    }
}
