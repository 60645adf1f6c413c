use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::inline_error_with_id;
use crate::engine::Tier;
use crate::engine::region::REGIONS;
use crate::ui::format::grouped;
use crate::ui::state::{Action, NewRegistryDialog, NewRegistryForm, PRESET_REPOS, PRESET_TAGS_PER_REPO};

#[derive(Properties, PartialEq)]
pub struct NewRegistryProps {
    /// Open while Some, with the engine's refusal of the last attempt.
    pub dialog: Option<NewRegistryDialog>,
    /// The registry the page shows now (it is discarded on create).
    pub current: String,
    pub on_action: Callback<Action>,
}

/// The rate models a person can pick, with their labels.
/// The storage limits in force: which published table (domain.md §1.2).
const ERAS: [(&str, &str); 4] = [
    ("2026", "2026: 40 / 40 / 100 TiB"),
    ("2024", "2024: 40 TiB"),
    ("2022", "2022: 20 TiB"),
    ("2018", "2018: 5 TB"),
];

const RATE_MODELS: [(&str, &str); 3] = [
    ("2026", "2026 token buckets"),
    ("2019", "2019 per-minute limits"),
    ("off", "no limits (not an ACR model)"),
];

const KEYS: [(&str, &str); 3] =
    [("none", "none (service-managed)"), ("automatic", "automatic rotation"), ("manual", "manual rotation")];

/// "New registry": replaces the page's registry with one of a chosen name, tier, rate model,
/// key and seed, after saying that the current one is discarded. The engine checks the fields;
/// its refusal shows here and the current registry stays.
#[function_component(NewRegistry)]
pub fn new_registry(props: &NewRegistryProps) -> Html {
    let name = use_state(|| props.current.clone());
    let tier = use_state(|| "Standard".to_string());
    let rate = use_state(|| "2026".to_string());
    let key = use_state(|| "none".to_string());
    let seed = use_state(|| "1".to_string());
    let region = use_state(|| "westeurope".to_string());
    let era = use_state(|| "2026".to_string());
    // What the new registry starts with: nothing, or the large preset.
    let preset = use_state(|| false);
    let first = use_node_ref();
    {
        let first = first.clone();
        use_effect_with(props.dialog.is_some(), move |open| {
            if *open && let Some(input) = first.cast::<HtmlInputElement>() {
                let _ = input.focus();
                input.select();
            }
        });
    }
    let Some(dialog) = &props.dialog else { return html! {} };

    let text = |handle: &UseStateHandle<String>| {
        let handle = handle.clone();
        Callback::from(move |e: InputEvent| handle.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let pick = |handle: &UseStateHandle<String>| {
        let handle = handle.clone();
        Callback::from(move |e: Event| handle.set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let on_submit = {
        let preset = preset.clone();
        let (name, tier, rate, key, seed, region, era) = (
            name.clone(),
            tier.clone(),
            rate.clone(),
            key.clone(),
            seed.clone(),
            region.clone(),
            era.clone(),
        );
        let on_action = props.on_action.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let form = NewRegistryForm {
                name: (*name).clone(),
                tier: (*tier).clone(),
                rate_model: (*rate).clone(),
                key: (*key).clone(),
                seed: (*seed).clone(),
                region: (*region).clone(),
                storage_era: (*era).clone(),
            };
            on_action.emit(if *preset { Action::LoadPreset(form) } else { Action::CreateRegistry(form) });
        })
    };
    let on_key = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                on_action.emit(Action::CloseNewRegistry);
            }
        })
    };
    let options = |choices: &[(&'static str, &'static str)], current: &str| -> Html {
        choices
            .iter()
            .map(|(value, label)| html! { <option value={*value} selected={*value == current}>{ *label }</option> })
            .collect()
    };
    let tiers: Vec<(&'static str, &'static str)> =
        Tier::ALL.iter().map(|t| (t.as_str(), t.as_str())).collect();
    let cmk_without_premium = key.as_str() != "none" && tier.as_str() != "Premium";
    let key_hint = if cmk_without_premium {
        "Only a Premium registry can have a customer-managed key: the registry will refuse this one (405)."
    } else {
        "Premium only, and chosen now or never: a registry cannot switch keys later."
    };
    let current = &props.current;
    let contents = {
        let choose = |value: bool| {
            let preset = preset.clone();
            Callback::from(move |_: Event| preset.set(value))
        };
        let tags = u64::from(PRESET_REPOS) * u64::from(PRESET_TAGS_PER_REPO);
        html! {
            <fieldset class="field contents">
                <legend class="label">{ "Contents" }</legend>
                <label class="choice">
                    <input id="new-contents-empty" type="radio" name="new-contents" checked={!*preset}
                        onchange={choose(false)} />
                    { "Empty" }
                </label>
                <label class="choice">
                    <input id="new-contents-preset" type="radio" name="new-contents" checked={*preset}
                        onchange={choose(true)} />
                    { format!(
                        "Large preset: {} repositories, {} tags",
                        grouped(u64::from(PRESET_REPOS)),
                        grouped(tags)
                    ) }
                </label>
                <small>{ "The preset: 1,000 distinct images (two shared synthetic base layers and a small \
                    layer of their own, sealed and stored for real), then every repository links one or \
                    two of them with 10 tags, as a cross-repository mount would. Loaded a slice per frame \
                    with a progress bar; the page stays usable meanwhile." }</small>
            </fieldset>
        }
    };
    let create_words = if *preset {
        format!("Discard {current} and load the preset")
    } else {
        format!("Discard {current} and create")
    };
    html! {
        <div class="overlay" onkeydown={on_key}>
            <form id="new-registry-dialog" class="dialog new-registry" role="dialog" aria-modal="true"
                aria-labelledby="new-registry-title" onsubmit={on_submit}>
                <h2 id="new-registry-title">{ "New registry" }</h2>
                <p class="replace-warning">
                    <strong>{ format!("The current registry, {current}, and everything in it is discarded") }</strong>
                    { ": its repositories, manifests, layers, locks, key, event log and virtual time. Layers \
                       waiting in the push form stay." }
                </p>
                <div class="dialog-fields">
                    <label class="field">
                        <span class="label">{ "Name" }</span>
                        <input id="new-name" ref={first} type="text" autocomplete="off" spellcheck="false"
                            value={(*name).clone()} oninput={text(&name)} />
                        <small>{ "5–50 lowercase letters and digits, as ACR requires" }</small>
                    </label>
                    <label class="field">
                        <span class="label">{ "Tier" }</span>
                        <select id="new-tier" onchange={pick(&tier)}>{ options(&tiers, &tier) }</select>
                        <small>{ "fee, storage, request rates and bandwidth" }</small>
                    </label>
                    <label class="field">
                        <span class="label">{ "Request rates" }</span>
                        <select id="new-rate-model" onchange={pick(&rate)}>{ options(&RATE_MODELS, &rate) }</select>
                        <small>{ "2026: per registry and per identity; 2019: per registry" }</small>
                    </label>
                    <label class="field">
                        <span class="label">{ "Storage limits" }</span>
                        <select id="new-era" onchange={pick(&era)}>{ options(&ERAS, &era) }</select>
                        <small>{ "the registry storage limit as published in that year" }</small>
                    </label>
                    <label class="field">
                        <span class="label">{ "Customer-managed key" }</span>
                        <select id="new-key" onchange={pick(&key)}>{ options(&KEYS, &key) }</select>
                        <small class={classes!(cmk_without_premium.then_some("warn-text"))}>{ key_hint }</small>
                    </label>
                    <label class="field">
                        <span class="label">{ "Region" }</span>
                        <select id="new-region" onchange={pick(&region)}>
                            { for REGIONS.iter().map(|r| html! {
                                <option value={r.name} selected={r.name == region.as_str()}>
                                    { format!("{} ({})", r.display_name, r.name) }
                                </option>
                            }) }
                        </select>
                        <small>{ "the home region; its storage copies to the paired region (GRS)" }</small>
                    </label>
                    <label class="field">
                        <span class="label">{ "Seed" }</span>
                        <input id="new-seed" type="text" inputmode="numeric" autocomplete="off"
                            value={(*seed).clone()} oninput={text(&seed)} />
                        <small>{ "the simulation's random draws (never key material)" }</small>
                    </label>
                </div>
                { contents }
                { dialog.error.as_ref().map(|e| inline_error_with_id(e, Some("new-registry-error"))) }
                <div class="dialog-actions">
                    <button id="new-registry-cancel" type="button" title="Close this dialog; the current registry stays"
                        onclick={props.on_action.reform(|_| Action::CloseNewRegistry)}>
                        { "Cancel" }
                    </button>
                    <button id="new-registry-create" type="submit" class="danger solid"
                        title="Discard the current registry and create this one">
                        { create_words }
                    </button>
                </div>
            </form>
        </div>
    }
}
