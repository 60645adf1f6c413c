//! The registry's key (`#key-vault`): service-managed, or a customer-managed key with its
//! state, rotation and versions, the buttons a customer has in their own Key Vault, and the key
//! material the page keeps for them while the registry has lost access to it.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::engine::{KeyKind, KeyState, KeyVaultView, Rotation};
use crate::ui::format::{grouped_in, human_bytes_in};
use crate::ui::i18n::{Lang, t, tf, tn, use_lang};
use crate::ui::state::{Action, Danger, KeyLoss};

#[derive(Properties, PartialEq)]
pub struct KeyVaultProps {
    pub view: Option<KeyVaultView>,
    /// Characters of key material held in the customer's vault, outside the registry.
    pub backup_chars: Option<usize>,
    pub on_action: Callback<Action>,
}

#[function_component(KeyVaultPanel)]
pub fn key_vault_panel(props: &KeyVaultProps) -> Html {
    // The rotate selector: "auto", or a version number to pin.
    let lang = use_lang();
    let choice = use_state(|| "auto".to_string());
    let Some(v) = &props.view else { return html! {} };
    let customer = v.kind == KeyKind::CustomerManaged;
    let state = v.state.as_str();
    let kind = if customer { "customer-managed" } else { "service-managed" };
    let kind_words = if customer { t(lang, "key.customer_managed") } else { t(lang, "key.service_managed") };
    let rotation = match v.rotation {
        Rotation::Automatic if customer => t(lang, "key.rotation_automatic").to_string(),
        Rotation::Automatic => t(lang, "key.rotation_service").to_string(),
        Rotation::Manual { pinned } => tf(lang, "key.rotation_manual", &[&pinned.to_string()]),
    };
    html! {
        <section id="key-vault" class="panel key-panel" aria-labelledby="key-title"
            data-kind={kind} data-state={state} data-holds-key={v.holds_key_material.to_string()}>
            <h2 id="key-title">{ t(lang, "key.title") }</h2>
            <p class="hint">{ t(lang, "key.hint") }</p>
            <dl class="key-facts">
                <div><dt>{ t(lang, "key.fact_key") }</dt><dd id="key-kind">{ kind_words }</dd></div>
                <div>
                    <dt>{ t(lang, "common.state_word") }</dt>
                    <dd><span id="key-state" class="key-state" data-state={state}>{ key_state_words(lang, v.state) }</span></dd>
                </div>
                <div class="wide"><dt>{ t(lang, "key.fact_rotation") }</dt><dd id="key-rotation">{ rotation }</dd></div>
                <div class="wide">
                    <dt>{ t(lang, "key.fact_material") }</dt>
                    <dd id="key-material" data-holds={v.holds_key_material.to_string()}>
                        { if v.holds_key_material { t(lang, "key.material_held") } else { t(lang, "key.material_none") } }
                    </dd>
                </div>
                { for v.pending_adoption.map(|(version, at)| html! {
                    <div class="wide"><dt>{ t(lang, "key.fact_pending") }</dt>
                        <dd id="key-pending">{ tf(lang, "key.pending", &[&version.to_string(), &at.to_string()]) }</dd></div>
                }) }
            </dl>
            { for v.client_sees.as_ref().map(|english| {
                let words = v.client_sees_text.as_ref().map_or_else(|| english.clone(), |m| m.text(lang));
                html! {
                <div id="key-client-sees" class="key-warning" role="alert">
                    <strong>{ t(lang, "key.client_sees") }</strong>
                    <span class="mono">{ words }</span>
                </div>
            }}) }
            { versions(lang, v) }
            if customer {
                { vault_buttons(lang, v, &choice, props.backup_chars, &props.on_action) }
            } else {
                <p class="key-note">
                    { t(lang, "key.service_note") }
                    <button id="key-new-registry" type="button" class="quiet"
                        onclick={props.on_action.reform(|_| Action::OpenNewRegistry)}>{ t(lang, "key.new_registry") }</button>
                </p>
            }
        </section>
    }
}

/// Every version: what it has wrapped, what it wraps now, and which one new data keys use. Each
/// version takes two rows: its figures, then its key id across the table.
fn versions(lang: Lang, v: &KeyVaultView) -> Html {
    html! {
        <table id="key-versions" class="key-versions">
            <thead>
                <tr>
                    <th scope="col">{ t(lang, "key.col_version") }</th>
                    <th scope="col" title={t(lang, "key.col_wrapped_title")}>{ t(lang, "key.col_wrapped") }</th>
                    <th scope="col" title={t(lang, "key.col_wraps_now_title")}>{ t(lang, "key.col_wraps_now") }</th>
                    <th scope="col" title={t(lang, "key.col_in_use_title")}>{ t(lang, "key.col_in_use") }</th>
                </tr>
            </thead>
            { for v.versions.iter().map(|k| html! {
                <tbody class={classes!("key-version", k.in_use.then_some("in-use"))} data-version={k.version.to_string()}
                    data-wrapped={k.wrapped_data_keys.to_string()} data-records={k.records.to_string()}
                    data-bytes={k.logical_bytes.to_string()} data-in-use={k.in_use.to_string()}>
                    <tr>
                        <th scope="row">{ format!("v{}", k.version) }</th>
                        <td class="num">{ grouped_in(lang, k.wrapped_data_keys) }</td>
                        <td class="num">
                            <span class="part">{ tn(lang, "key.records_n", k.records) }</span>{ " · " }
                            <span class="part">{ human_bytes_in(lang, k.logical_bytes) }</span>
                        </td>
                        <td class="in-use-mark">{ if k.in_use { t(lang, "key.in_use_mark") } else { "" } }</td>
                    </tr>
                    <tr class="key-id-row">
                        <td colspan="4" class="mono small key-id">{ &k.key_id }</td>
                    </tr>
                </tbody>
            }) }
        </table>
    }
}

/// What the customer can do in their own Key Vault, and what it holds for them.
fn vault_buttons(
    lang: Lang,
    v: &KeyVaultView,
    choice: &UseStateHandle<String>,
    backup_chars: Option<usize>,
    on_action: &Callback<Action>,
) -> Html {
    let enabled = v.state == KeyState::Enabled;
    let on_choice = {
        let choice = choice.clone();
        Callback::from(move |e: Event| choice.set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let rotate = {
        let choice = choice.clone();
        on_action.reform(move |_| Action::RotateKey(choice.parse::<u32>().ok()))
    };
    let records: u64 = v.versions.iter().map(|k| k.records).sum();
    let lose = |how: KeyLoss| on_action.reform(move |_| Action::Ask(Danger::LoseKey { how, records }));
    let backup = match backup_chars {
        Some(n) => html! {
            <p id="key-backup" class="key-backup" data-chars={n.to_string()}>
                <strong>{ t(lang, "key.backup_lead") }</strong>
                { tf(lang, "key.backup_chars", &[&grouped_in(lang, n as u64)]) }
            </p>
        },
        None => html! {},
    };
    html! {
        <div class="key-actions">
            <div class="key-row" role="group" aria-label={t(lang, "key.versions_label")}>
                <button id="key-add-version" type="button" disabled={!enabled} onclick={on_action.reform(|_| Action::AddKeyVersion)}
                    title={t(lang, "key.add_version_title")}>
                    { t(lang, "key.add_version") }
                </button>
                <select id="key-rotate-version" onchange={on_choice} disabled={!enabled}
                    aria-label={t(lang, "key.rotate_choice_label")} title={t(lang, "key.rotate_choice_title")}>
                    <option value="auto" selected={choice.as_str() == "auto"}>{ t(lang, "key.rotate_auto") }</option>
                    { for v.versions.iter().map(|k| {
                        let value = k.version.to_string();
                        html! {
                            <option value={value.clone()} selected={choice.as_str() == value}>
                                { tf(lang, "key.rotate_pin", &[&value]) }
                            </option>
                        }
                    }) }
                </select>
                <button id="key-rotate" type="button" disabled={!enabled} onclick={rotate}
                    title={t(lang, "key.rotate_title")}>
                    { t(lang, "key.rotate") }
                </button>
            </div>
            <div class="key-row" role="group" aria-label={t(lang, "key.access_label")}>
                <button id="key-disable" type="button" class="warn" disabled={!enabled} onclick={lose(KeyLoss::Disable)}
                    title={t(lang, "key.disable_title")}>
                    { t(lang, "key.disable") }
                </button>
                <button id="key-delete" type="button" class="warn" disabled={!enabled} onclick={lose(KeyLoss::Delete)}
                    title={t(lang, "key.delete_title")}>
                    { t(lang, "key.delete") }
                </button>
                <button id="key-revoke" type="button" class="warn" disabled={!enabled} onclick={lose(KeyLoss::Revoke)}
                    title={t(lang, "key.revoke_title")}>
                    { t(lang, "key.revoke") }
                </button>
                <button id="key-restore" type="button" class="primary" disabled={enabled || backup_chars.is_none()}
                    onclick={on_action.reform(|_| Action::RestoreKey)}
                    title={t(lang, "key.restore_title")}>
                    { t(lang, "key.restore") }
                </button>
            </div>
            { backup }
        </div>
    }
}

/// A key's state in words, in `lang` (its `data-state` keeps the engine's name).
fn key_state_words(lang: Lang, state: KeyState) -> &'static str {
    match state {
        KeyState::Enabled => t(lang, "key.state_enabled"),
        KeyState::Disabled => t(lang, "key.state_disabled"),
        KeyState::Deleted => t(lang, "key.state_deleted"),
        KeyState::AccessRevoked => t(lang, "key.state_revoked"),
    }
}
