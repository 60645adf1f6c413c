use yew::prelude::*;

use crate::engine::{Cost, KeyState, Usage};
use crate::i18n::{Lang, Msg};
use crate::ui::format::{dollars_in, exact_bytes_in, grouped_in, human_bytes_in};
use crate::ui::i18n::{t, tf, tn, use_lang};
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
    let lang = use_lang();
    let u = props.usage.as_ref();
    let billed = u.map_or(0, |u| u.total_billed_bytes);
    let stored = u.map_or(0, |u| u.total_stored_bytes);
    let records = u.map_or(0, |u| u.total_records);
    let released = u.map_or(0, |u| u.total_released_records);
    let waiting = stored.saturating_sub(billed);
    let stored_text = if waiting == 0 {
        t(lang, "header.stored_same").to_string()
    } else {
        tf(lang, "header.stored_waiting", &[&human_bytes_in(lang, stored), &human_bytes_in(lang, waiting)])
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
    let projector_title =
        if *kept { t(lang, "header.projector_title") } else { t(lang, "header.projector_title_unkept") };
    let in_records = |n: usize| {
        Msg::new(
            "header.in_records",
            [exact_bytes_in(lang, billed).into(), tn(lang, "unit.records", n as u64).into()],
        )
        .text(lang)
    };
    html! {
        <header class="top">
            <div class="brand">
                <h1>{ "Stowage" }</h1>
                <p class="tagline">{ t(lang, "header.tagline") }</p>
                <button id="projector-toggle" type="button" class="header-button projector-toggle"
                    aria-pressed={projector.to_string()} title={projector_title} onclick={toggle_projector}>
                    { if *projector { t(lang, "header.projector_on") } else { t(lang, "header.projector_off") } }
                </button>
            </div>
            <dl class="facts">
                <div class="fact">
                    <dt>{ t(lang, "header.registry") }</dt>
                    <dd id="registry-name" class="mono">{ &props.name }</dd>
                    { tier_badge(lang, props.cost.as_ref()) }
                    { key_badge(lang, props.cmk_state, &props.on_action) }
                    <dd class="sub">
                        <button id="new-registry" type="button" class="header-button"
                            title={t(lang, "header.new_registry_title")}
                            onclick={props.on_action.reform(|_| Action::OpenNewRegistry)}>
                            { t(lang, "header.new_registry") }
                        </button>
                    </dd>
                </div>
                { cost_fact(lang, props.cost.as_ref(), &props.on_action) }
                <div class="fact storage" title={t(lang, "header.storage_title")}>
                    <dt>{ t(lang, "header.storage_billed") }</dt>
                    <dd id="storage-used" data-bytes={billed.to_string()}>{ human_bytes_in(lang, billed) }</dd>
                    <dd class="sub">{ in_records(records.saturating_sub(released)) }</dd>
                    <dd id="storage-stored" class={classes!("sub", (waiting > 0).then_some("waiting"))}
                        data-bytes={stored.to_string()}
                        title={tf(lang, "header.stored_title", &[&exact_bytes_in(lang, stored), &tn(lang, "unit.records", released as u64)])}>
                        { stored_text }
                    </dd>
                </div>
            </dl>
        </header>
    }
}

/// The tier as a badge under the registry's name.
fn tier_badge(lang: Lang, cost: Option<&Cost>) -> Html {
    let Some(c) = cost else { return html! {} };
    html! {
        <dd class="sub">
            <span id="tier-badge" class="tier-badge" data-tier={c.tier.as_str()}
                title={t(lang, "header.tier_title")}>
                { c.tier.as_str() }
            </span>
            { t(lang, "header.tier_suffix") }
        </dd>
    }
}

/// A customer-managed key's state as a badge: green while enabled, red while the registry
/// cannot use it.
fn key_badge(lang: Lang, state: Option<KeyState>, on_action: &Callback<Action>) -> Html {
    let Some(state) = state else { return html! {} };
    let title = if state == KeyState::Enabled {
        t(lang, "header.key_enabled_title")
    } else {
        t(lang, "header.key_unusable_title")
    };
    let state_words = match state {
        KeyState::Enabled => t(lang, "key.state_enabled"),
        KeyState::Disabled => t(lang, "key.state_disabled"),
        KeyState::Deleted => t(lang, "key.state_deleted"),
        KeyState::AccessRevoked => t(lang, "key.state_revoked"),
    };
    html! {
        <dd class="sub">
            <button id="key-badge" type="button" class="key-badge" data-state={state.as_str()} {title}
                onclick={on_action.reform(|_| Action::OpenPanel("key-vault"))}>
                { tf(lang, "header.key_badge", &[state_words]) }
            </button>
            { t(lang, "header.customer_managed") }
        </dd>
    }
}

/// What the registry costs per day: the tier's fee plus storage beyond what it includes.
fn cost_fact(lang: Lang, cost: Option<&Cost>, on_action: &Callback<Action>) -> Html {
    let Some(c) = cost else { return html! {} };
    let sub = if c.overage_micro_usd == 0 {
        tf(lang, "header.fee_no_overage", &[&c.tier.to_string()])
    } else {
        tf(
            lang,
            "header.fee_and_overage",
            &[&dollars_in(lang, c.tier_fee_micro_usd, 3), &dollars_in(lang, c.overage_micro_usd, 4)],
        )
    };
    html! {
        <div class="fact cost"
            title={tf(lang, "header.cost_title", &[&grouped_in(lang, c.total_micro_usd_per_day)])}>
            <dt>{ t(lang, "header.cost") }</dt>
            <dd id="cost-per-day" data-micro-usd={c.total_micro_usd_per_day.to_string()}>
                <button type="button" class="fact-button" onclick={on_action.reform(|_| Action::OpenPanel("tier-panel"))}>
                    { tf(lang, "tier.per_day", &[&dollars_in(lang, c.total_micro_usd_per_day, 3)]) }
                </button>
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

/// Whether projector mode was left on in this browser (off when storage cannot tell).
fn stored_projector() -> bool {
    crate::ui::browser::local_storage("getItem", &[PROJECTOR_KEY]).and_then(|v| v.as_string()).as_deref()
        == Some("on")
}

/// Keeps the choice; false when the browser refused it (the page goes on either way).
fn store_projector(on: bool) -> bool {
    crate::ui::browser::local_storage("setItem", &[PROJECTOR_KEY, if on { "on" } else { "off" }]).is_some()
}
