//! The registry's key (`#key-vault`): service-managed, or a customer-managed key with its
//! state, rotation and versions, the buttons a customer has in their own Key Vault, and the key
//! material the page keeps for them while the registry has lost access to it.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::engine::{KeyKind, KeyState, KeyVaultView, Rotation};
use crate::ui::format::{count, grouped, human_bytes};
use crate::ui::state::{Action, KeyLoss};

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
    let choice = use_state(|| "auto".to_string());
    let Some(v) = &props.view else { return html! {} };
    let customer = v.kind == KeyKind::CustomerManaged;
    let state = v.state.as_str();
    let kind = if customer { "customer-managed" } else { "service-managed" };
    let rotation = match v.rotation {
        Rotation::Automatic if customer => "automatic: a new version is adopted within an hour".to_string(),
        Rotation::Automatic => "by the service".to_string(),
        Rotation::Manual { pinned } => format!("manual: pinned to version {pinned}"),
    };
    html! {
        <section id="key-vault" class="panel key-panel" aria-labelledby="key-title"
            data-kind={kind} data-state={state} data-holds-key={v.holds_key_material.to_string()}>
            <h2 id="key-title">{ "Encryption key" }</h2>
            <p class="hint">{ "The key-encryption key wraps every record's own data key. Whoever holds it can \
                               read the registry; without it nothing can be read or written." }</p>
            <dl class="key-facts">
                <div><dt>{ "key" }</dt><dd id="key-kind">{ kind }</dd></div>
                <div>
                    <dt>{ "state" }</dt>
                    <dd><span id="key-state" class="key-state" data-state={state}>{ state }</span></dd>
                </div>
                <div class="wide"><dt>{ "rotation" }</dt><dd id="key-rotation">{ rotation }</dd></div>
                <div class="wide">
                    <dt>{ "key material in the registry" }</dt>
                    <dd id="key-material" data-holds={v.holds_key_material.to_string()}>
                        { if v.holds_key_material {
                            "held: the registry can wrap and unwrap data keys"
                        } else {
                            "none: the registry holds no key material at all"
                        } }
                    </dd>
                </div>
                { for v.pending_adoption.map(|(version, at)| html! {
                    <div class="wide"><dt>{ "pending" }</dt>
                        <dd id="key-pending">{ format!("version {version} is adopted at {at}") }</dd></div>
                }) }
            </dl>
            { for v.client_sees.as_ref().map(|words| html! {
                <div id="key-client-sees" class="key-warning" role="alert">
                    <strong>{ "What a client sees now: " }</strong>
                    <span class="mono">{ words.clone() }</span>
                </div>
            }) }
            { versions(v) }
            if customer {
                { vault_buttons(v, &choice, props.backup_chars, &props.on_action) }
            } else {
                <p class="key-note">
                    { "This registry's key is service-managed: the service creates and rotates it, and it cannot \
                       be disabled, deleted or revoked. A customer-managed key needs a Premium registry and is \
                       chosen when the registry is created: " }
                    <button id="key-new-registry" type="button" class="quiet"
                        onclick={props.on_action.reform(|_| Action::OpenNewRegistry)}>{ "New registry…" }</button>
                </p>
            }
        </section>
    }
}

/// Every version: what it has wrapped, what it wraps now, and which one new data keys use. Each
/// version takes two rows: its figures, then its key id across the table.
fn versions(v: &KeyVaultView) -> Html {
    html! {
        <table id="key-versions" class="key-versions">
            <thead>
                <tr>
                    <th scope="col">{ "version" }</th>
                    <th scope="col" title="Data keys this version has wrapped since it was created">{ "data keys wrapped" }</th>
                    <th scope="col" title="Records in storage now whose data key this version wraps, and their logical bytes">{ "wraps now" }</th>
                    <th scope="col" title="The version new data keys are wrapped with">{ "in use" }</th>
                </tr>
            </thead>
            { for v.versions.iter().map(|k| html! {
                <tbody class={classes!("key-version", k.in_use.then_some("in-use"))} data-version={k.version.to_string()}
                    data-wrapped={k.wrapped_data_keys.to_string()} data-records={k.records.to_string()}
                    data-bytes={k.logical_bytes.to_string()} data-in-use={k.in_use.to_string()}>
                    <tr>
                        <th scope="row">{ format!("v{}", k.version) }</th>
                        <td class="num">{ grouped(k.wrapped_data_keys) }</td>
                        <td class="num">{ format!("{} · {}", count(k.records as usize, "record", "records"), human_bytes(k.logical_bytes)) }</td>
                        <td class="in-use-mark">{ if k.in_use { "✓ in use" } else { "" } }</td>
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
    let lose = |how: KeyLoss| on_action.reform(move |_| Action::LoseKey(how));
    let backup = match backup_chars {
        Some(n) => html! {
            <p id="key-backup" class="key-backup" data-chars={n.to_string()}>
                <strong>{ "Key material held in your key vault, outside the registry: " }</strong>
                { format!("{} characters. Restore gives it back to the registry.", grouped(n as u64)) }
            </p>
        },
        None => html! {},
    };
    html! {
        <div class="key-actions">
            <div class="key-row" role="group" aria-label="Key versions">
                <button id="key-add-version" type="button" disabled={!enabled} onclick={on_action.reform(|_| Action::AddKeyVersion)}
                    title="Create a new key version in your vault; automatic rotation adopts it within an hour">
                    { "Add key version" }
                </button>
                <select id="key-rotate-version" onchange={on_choice} disabled={!enabled}
                    title="Rotate to automatic (newest version, then each new one), or pin one version (manual)">
                    <option value="auto" selected={choice.as_str() == "auto"}>{ "automatic (newest)" }</option>
                    { for v.versions.iter().map(|k| {
                        let value = k.version.to_string();
                        html! { <option value={value.clone()} selected={choice.as_str() == value}>{ format!("pin version {}", k.version) }</option> }
                    }) }
                </select>
                <button id="key-rotate" type="button" disabled={!enabled} onclick={rotate}
                    title="New data keys are wrapped with the chosen version; what was wrapped before stays readable">
                    { "Rotate" }
                </button>
            </div>
            <div class="key-row" role="group" aria-label="Access to the key">
                <button id="key-disable" type="button" class="warn" disabled={!enabled} onclick={lose(KeyLoss::Disable)}
                    title="Disable the key in your vault: every push and pull fails with 403 until you restore it">
                    { "Disable" }
                </button>
                <button id="key-delete" type="button" class="warn" disabled={!enabled} onclick={lose(KeyLoss::Delete)}
                    title="Delete the key (soft delete keeps it recoverable): every push and pull fails with 403 until you restore it">
                    { "Delete" }
                </button>
                <button id="key-revoke" type="button" class="warn" disabled={!enabled} onclick={lose(KeyLoss::Revoke)}
                    title="Remove the registry identity's access to the key: every push and pull fails with 403 until you restore it">
                    { "Revoke access" }
                </button>
                <button id="key-restore" type="button" class="primary" disabled={enabled || backup_chars.is_none()}
                    onclick={on_action.reform(|_| Action::RestoreKey)}
                    title="Enable, recover or grant access again: the key material goes back to the registry">
                    { "Restore" }
                </button>
            </div>
            { backup }
        </div>
    }
}
