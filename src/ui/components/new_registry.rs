use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::inline_error_with_id;
use super::preset::SHARED_IMAGES;
use crate::engine::Tier;
use crate::engine::region::REGIONS;
use crate::i18n::Lang;
use crate::ui::format::{grouped_in, unit_in};
use crate::ui::i18n::{t, tf, use_lang};
use crate::ui::state::{Action, NewRegistryDialog, NewRegistryForm, PRESET_REPOS, PRESET_TAGS_PER_REPO};

#[derive(Properties, PartialEq)]
pub struct NewRegistryProps {
    /// Open while Some, with the engine's refusal of the last attempt.
    pub dialog: Option<NewRegistryDialog>,
    /// The registry the page shows now (it is discarded on create).
    pub current: String,
    pub on_action: Callback<Action>,
}

/// The storage limits in force: which published table (domain.md §1.2), with its limits in TiB
/// (the 2018 one in decimal TB).
const ERAS: [(&str, &str, &str); 4] =
    [("2026", "40 / 40 / 100", "TiB"), ("2024", "40", "TiB"), ("2022", "20", "TiB"), ("2018", "5", "TB")];

/// The rate models a person can pick, with their labels' catalogue keys.
const RATE_MODELS: [(&str, &str); 3] =
    [("2026", "new_registry.rate_2026"), ("2019", "new_registry.rate_2019"), ("off", "rates.model_off")];

/// The keys a person can pick, with their labels' catalogue keys.
const KEYS: [(&str, &str); 3] = [
    ("none", "new_registry.key_none"),
    ("automatic", "new_registry.key_automatic"),
    ("manual", "new_registry.key_manual"),
];

/// The choices of a select with their labels in `lang`.
fn labelled(lang: Lang, choices: &[(&'static str, &'static str)]) -> Vec<(&'static str, String)> {
    choices.iter().map(|(value, key)| (*value, t(lang, key).to_string())).collect()
}

/// A storage era's label, `2026: 40 / 40 / 100 TiB`, as `lang` writes it (French: `2026 : … Tio`).
fn era_label(lang: Lang, year: &str, limits: &str, unit: &str) -> String {
    let colon = if lang == Lang::Fr { "\u{a0}:" } else { ":" };
    format!("{year}{colon} {limits} {}", unit_in(lang, unit))
}

/// "New registry": replaces the page's registry with one of a chosen name, tier, rate model,
/// key and seed, after saying that the current one is discarded. The engine checks the fields;
/// its refusal shows here and the current registry stays.
#[function_component(NewRegistry)]
pub fn new_registry(props: &NewRegistryProps) -> Html {
    let lang = use_lang();
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
    let options = |choices: &[(&'static str, String)], current: &str| -> Html {
        choices
            .iter()
            .map(|(value, label)| html! { <option value={*value} selected={*value == current}>{ label.clone() }</option> })
            .collect()
    };
    let tiers: Vec<(&'static str, String)> =
        Tier::ALL.iter().map(|t| (t.as_str(), t.as_str().to_string())).collect();
    let eras: Vec<(&'static str, String)> =
        ERAS.iter().map(|(year, limits, unit)| (*year, era_label(lang, year, limits, unit))).collect();
    let cmk_without_premium = key.as_str() != "none" && tier.as_str() != "Premium";
    let key_hint = if cmk_without_premium {
        t(lang, "new_registry.key_refused")
    } else {
        t(lang, "new_registry.key_help")
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
                <legend class="label">{ t(lang, "new_registry.contents") }</legend>
                <label class="choice">
                    <input id="new-contents-empty" type="radio" name="new-contents" checked={!*preset}
                        onchange={choose(false)} />
                    { t(lang, "new_registry.empty") }
                </label>
                <label class="choice">
                    <input id="new-contents-preset" type="radio" name="new-contents" checked={*preset}
                        onchange={choose(true)} />
                    { tf(
                        lang,
                        "new_registry.preset",
                        &[&grouped_in(lang, u64::from(PRESET_REPOS)), &grouped_in(lang, tags)],
                    ) }
                </label>
                <small>{ tf(lang, "new_registry.preset_help", &[&grouped_in(lang, SHARED_IMAGES)]) }</small>
            </fieldset>
        }
    };
    let create_words = if *preset {
        tf(lang, "new_registry.create_preset", &[current])
    } else {
        tf(lang, "new_registry.create", &[current])
    };
    html! {
        <div class="overlay" onkeydown={on_key}>
            <form id="new-registry-dialog" class="dialog new-registry" role="dialog" aria-modal="true"
                aria-labelledby="new-registry-title" onsubmit={on_submit}>
                <h2 id="new-registry-title">{ t(lang, "new_registry.title") }</h2>
                <p class="replace-warning">
                    <strong>{ tf(lang, "new_registry.discarded", &[current]) }</strong>
                    { t(lang, "new_registry.discarded_what") }
                </p>
                <div class="dialog-fields">
                    <label class="field">
                        <span class="label">{ t(lang, "common.name") }</span>
                        <input id="new-name" ref={first} type="text" autocomplete="off" spellcheck="false"
                            value={(*name).clone()} oninput={text(&name)} />
                        <small>{ t(lang, "new_registry.name_help") }</small>
                    </label>
                    <label class="field">
                        <span class="label">{ t(lang, "new_registry.tier") }</span>
                        <select id="new-tier" onchange={pick(&tier)}>{ options(&tiers, &tier) }</select>
                        <small>{ t(lang, "new_registry.tier_help") }</small>
                    </label>
                    <label class="field">
                        <span class="label">{ t(lang, "new_registry.rates") }</span>
                        <select id="new-rate-model" onchange={pick(&rate)}>{ options(&labelled(lang, &RATE_MODELS), &rate) }</select>
                        <small>{ t(lang, "new_registry.rates_help") }</small>
                    </label>
                    <label class="field">
                        <span class="label">{ t(lang, "new_registry.era") }</span>
                        <select id="new-era" onchange={pick(&era)}>{ options(&eras, &era) }</select>
                        <small>{ t(lang, "new_registry.era_help") }</small>
                    </label>
                    <label class="field">
                        <span class="label">{ t(lang, "new_registry.key") }</span>
                        <select id="new-key" onchange={pick(&key)}>{ options(&labelled(lang, &KEYS), &key) }</select>
                        <small class={classes!(cmk_without_premium.then_some("warn-text"))}>{ key_hint }</small>
                    </label>
                    <label class="field">
                        <span class="label">{ t(lang, "new_registry.region") }</span>
                        <select id="new-region" onchange={pick(&region)}>
                            { for REGIONS.iter().map(|r| html! {
                                <option value={r.name} selected={r.name == region.as_str()}>
                                    { format!("{} ({})", r.display_name, r.name) }
                                </option>
                            }) }
                        </select>
                        <small>{ t(lang, "new_registry.region_help") }</small>
                    </label>
                    <label class="field">
                        <span class="label">{ t(lang, "new_registry.seed") }</span>
                        <input id="new-seed" type="text" inputmode="numeric" autocomplete="off"
                            value={(*seed).clone()} oninput={text(&seed)} />
                        <small>{ t(lang, "new_registry.seed_help") }</small>
                    </label>
                </div>
                { contents }
                { dialog.error.as_ref().map(|e| inline_error_with_id(e, Some("new-registry-error"))) }
                <div class="dialog-actions">
                    <button id="new-registry-cancel" type="button" title={t(lang, "new_registry.cancel_title")}
                        onclick={props.on_action.reform(|_| Action::CloseNewRegistry)}>
                        { t(lang, "confirm.cancel") }
                    </button>
                    <button id="new-registry-create" type="submit" class="danger solid"
                        title={t(lang, "new_registry.create_title")}>
                        { create_words }
                    </button>
                </div>
            </form>
        </div>
    }
}
