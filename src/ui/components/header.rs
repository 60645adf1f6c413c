use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use crate::engine::{Cost, KeyState, Usage};
use crate::ui::format::{count, dollars, exact_bytes, grouped, human_bytes};
use crate::ui::state::Action;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub name: String,
    pub usage: Option<Usage>,
    /// The daily cost, which names the tier too.
    pub cost: Option<Cost>,
    /// The state of a customer-managed key (None: the service-managed key).
    pub cmk_state: Option<KeyState>,
    pub on_action: Callback<Action>,
}

/// The registry's name and its storage: what is billed (the main figure) and what is still held
/// until garbage collection reclaims it.
#[function_component(Header)]
pub fn header(props: &HeaderProps) -> Html {
    let u = props.usage.as_ref();
    let billed = u.map_or(0, |u| u.total_billed_bytes);
    let stored = u.map_or(0, |u| u.total_stored_bytes);
    let records = u.map_or(0, |u| u.total_records);
    let released = u.map_or(0, |u| u.total_released_records);
    let waiting = stored.saturating_sub(billed);
    let stored_text = if waiting == 0 {
        "stored the same: nothing awaits garbage collection".to_string()
    } else {
        format!(
            "stored {}, of which {} awaiting garbage collection",
            human_bytes(stored),
            human_bytes(waiting)
        )
    };
    let projector = use_state(|| {
        let on = stored_projector();
        apply_projector(on);
        on
    });
    // Whether the choice could be kept in this browser (false: storage refused it).
    let kept = use_state(|| true);
    let toggle_projector = {
        let (projector, kept) = (projector.clone(), kept.clone());
        Callback::from(move |_: MouseEvent| {
            let on = !*projector;
            apply_projector(on);
            kept.set(store_projector(on));
            projector.set(on);
        })
    };
    let projector_title = if *kept {
        "Projector mode: large type and high contrast, for a room. This browser remembers the choice."
    } else {
        "Projector mode: large type and high contrast, for a room. This browser's storage refused to keep \
         the choice (full or switched off), so it lasts until the page is reloaded."
    };
    html! {
        <header class="top">
            <div class="brand">
                <h1>{ "Stowage" }</h1>
                <p class="tagline">{ "a container registry's storage, simulated in your browser" }</p>
                <button id="projector-toggle" type="button" class="header-button projector-toggle"
                    aria-pressed={projector.to_string()} title={projector_title} onclick={toggle_projector}>
                    { if *projector { "Projector: on" } else { "Projector: off" } }
                </button>
            </div>
            <dl class="facts">
                <div class="fact">
                    <dt>{ "Registry" }</dt>
                    <dd id="registry-name" class="mono">{ &props.name }</dd>
                    { tier_badge(props.cost.as_ref()) }
                    { key_badge(props.cmk_state) }
                    <dd class="sub">
                        <button id="new-registry" type="button" class="header-button"
                            title="Replace this registry with a new one: choose its name, tier, request-rate model, key and seed. Asks first; the current registry is discarded."
                            onclick={props.on_action.reform(|_| Action::OpenNewRegistry)}>
                            { "New registry…" }
                        </button>
                    </dd>
                </div>
                { cost_fact(props.cost.as_ref()) }
                <div class="fact storage" title="Logical bytes of every blob and manifest still in use, each counted once: what the registry bills. A delete takes bytes off this figure at once.">
                    <dt>{ "Storage billed" }</dt>
                    <dd id="storage-used" data-bytes={billed.to_string()}>{ human_bytes(billed) }</dd>
                    <dd class="sub">{ format!("{} in {}", exact_bytes(billed), count(records.saturating_sub(released), "record", "records")) }</dd>
                    <dd id="storage-stored" class={classes!("sub", (waiting > 0).then_some("waiting"))}
                        data-bytes={stored.to_string()}
                        title={format!("Bytes the storage accounts still hold ({}): billed bytes plus {} released by deletes that garbage collection has not reclaimed yet", exact_bytes(stored), count(released, "record", "records"))}>
                        { stored_text }
                    </dd>
                </div>
            </dl>
        </header>
    }
}

/// The tier as a badge under the registry's name.
fn tier_badge(cost: Option<&Cost>) -> Html {
    let Some(c) = cost else { return html! {} };
    html! {
        <dd class="sub">
            <span id="tier-badge" class="tier-badge" data-tier={c.tier.as_str()}
                title="The registry's service tier: it sets the daily fee, the storage included and the storage limit. Change it under Tier and cost.">
                { c.tier.as_str() }
            </span>
            { " tier" }
        </dd>
    }
}

/// A customer-managed key's state as a badge: green while enabled, red while the registry
/// cannot use it.
fn key_badge(state: Option<KeyState>) -> Html {
    let Some(state) = state else { return html! {} };
    let title = if state == KeyState::Enabled {
        "Customer-managed key, enabled: the registry can wrap and unwrap data keys. See Encryption key."
    } else {
        "Customer-managed key, unusable: every push and pull is refused with 403 DENIED until access is restored. See Encryption key."
    };
    html! {
        <dd class="sub">
            <span id="key-badge" class="key-badge" data-state={state.as_str()} {title}>
                { format!("key {}", state.as_str()) }
            </span>
            { " customer-managed" }
        </dd>
    }
}

/// What the registry costs per day: the tier's fee plus storage beyond what it includes.
fn cost_fact(cost: Option<&Cost>) -> Html {
    let Some(c) = cost else { return html! {} };
    let sub = if c.overage_micro_usd == 0 {
        format!("{} fee, no overage", c.tier)
    } else {
        format!("fee {} + overage {}", dollars(c.tier_fee_micro_usd, 3), dollars(c.overage_micro_usd, 4))
    };
    html! {
        <div class="fact cost"
            title={format!("{} micro-dollars per day at list prices, shown rounded down; see Tier and cost", grouped(c.total_micro_usd_per_day))}>
            <dt>{ "Cost" }</dt>
            <dd id="cost-per-day" data-micro-usd={c.total_micro_usd_per_day.to_string()}>
                { format!("{}/day", dollars(c.total_micro_usd_per_day, 3)) }
            </dd>
            <dd class="sub">{ sub }</dd>
        </div>
    }
}

/// The class on `<html>` that turns projector mode on (style.css), and where the choice is kept.
const PROJECTOR_CLASS: &str = "projector";
const PROJECTOR_KEY: &str = "stowage.projector";

/// Adds or removes the projector class on `<html>`, leaving its other classes.
fn apply_projector(on: bool) {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else {
        return;
    };
    let mut classes: Vec<String> =
        root.class_name().split_whitespace().filter(|c| *c != PROJECTOR_CLASS).map(String::from).collect();
    if on {
        classes.push(PROJECTOR_CLASS.to_string());
    }
    root.set_class_name(&classes.join(" "));
}

/// Calls `localStorage[method](...args)`; None when there is no storage, it is switched off
/// (reading `localStorage` throws) or the call throws (a full quota).
fn local_storage(method: &str, args: &[&str]) -> Option<JsValue> {
    let window = web_sys::window()?;
    let storage = js_sys::Reflect::get(&window, &JsValue::from_str("localStorage")).ok()?;
    if storage.is_null() || storage.is_undefined() {
        return None;
    }
    let f: js_sys::Function =
        js_sys::Reflect::get(&storage, &JsValue::from_str(method)).ok()?.dyn_into().ok()?;
    match args {
        [a] => f.call1(&storage, &JsValue::from_str(a)).ok(),
        [a, b] => f.call2(&storage, &JsValue::from_str(a), &JsValue::from_str(b)).ok(),
        _ => None,
    }
}

/// Whether projector mode was left on in this browser (off when storage cannot tell).
fn stored_projector() -> bool {
    local_storage("getItem", &[PROJECTOR_KEY]).and_then(|v| v.as_string()).as_deref() == Some("on")
}

/// Keeps the choice; false when the browser refused it (the page goes on either way).
fn store_projector(on: bool) -> bool {
    local_storage("setItem", &[PROJECTOR_KEY, if on { "on" } else { "off" }]).is_some()
}
