//! Webhooks, private endpoints and content trust (`#features`): what the tier allows, what is
//! set, each webhook's deliveries. Refusals (a tier's limit, a Premium feature) show here with
//! the engine's code and message.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::inline_error_with_id;
use crate::engine::{FeaturesView, Tier, WebhookAction};
use crate::ui::format::grouped_in;
use crate::ui::i18n::{Lang, t, tf, use_lang};
use crate::ui::state::{Action, UiError};

/// Deliveries listed per webhook, newest first.
const DELIVERIES_SHOWN: usize = 3;
/// Webhooks and private endpoints listed (the counts give them all).
const LISTED: usize = 20;

#[derive(Properties, PartialEq)]
pub struct FeaturesProps {
    pub view: Option<FeaturesView>,
    /// The replicas' regions, home first: where a webhook can be configured.
    pub regions: Vec<&'static str>,
    pub error: Option<UiError>,
    pub on_action: Callback<Action>,
}

fn action_words(lang: Lang, a: WebhookAction) -> &'static str {
    match a {
        WebhookAction::Push => t(lang, "features.action_push"),
        WebhookAction::Delete => t(lang, "features.action_delete"),
    }
}

#[function_component(FeaturesPanel)]
pub fn features_panel(props: &FeaturesProps) -> Html {
    let lang = use_lang();
    let name = use_state(|| "hook1".to_string());
    let on_push = use_state(|| true);
    let on_delete = use_state(|| false);
    let scope = use_state(String::new);
    let region = use_state(String::new);
    let endpoint = use_state(|| "endpoint1".to_string());
    let Some(v) = &props.view else { return html! {} };
    let text = |handle: &UseStateHandle<String>| {
        let handle = handle.clone();
        Callback::from(move |e: InputEvent| handle.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let check = |handle: &UseStateHandle<bool>| {
        let handle = handle.clone();
        Callback::from(move |e: Event| handle.set(e.target_unchecked_into::<HtmlInputElement>().checked()))
    };
    let add_webhook = {
        let (name, on_push, on_delete, scope, region) =
            (name.clone(), on_push.clone(), on_delete.clone(), scope.clone(), region.clone());
        props.on_action.reform(move |e: SubmitEvent| {
            e.prevent_default();
            let mut actions = vec![];
            if *on_push {
                actions.push("push");
            }
            if *on_delete {
                actions.push("delete");
            }
            Action::AddWebhook {
                name: (*name).clone(),
                actions,
                scope: (*scope).clone(),
                region: (*region).clone(),
            }
        })
    };
    let add_endpoint = {
        let endpoint = endpoint.clone();
        props.on_action.reform(move |e: SubmitEvent| {
            e.prevent_default();
            Action::AddPrivateEndpoint((*endpoint).clone())
        })
    };
    let trust = {
        let on = !v.content_trust;
        props.on_action.reform(move |_: MouseEvent| Action::SetContentTrust(on))
    };
    let premium = v.tier == Tier::Premium;
    let more_webhooks = v.webhooks.len().saturating_sub(LISTED);
    let more_endpoints = v.private_endpoints.len().saturating_sub(LISTED);
    let webhooks = v.webhooks.iter().take(LISTED).map(|w| {
        let remove = {
            let name = w.name.clone();
            props.on_action.reform(move |_: MouseEvent| Action::RemoveWebhook(name.clone()))
        };
        let actions: Vec<&str> = w.actions.iter().map(|a| action_words(lang, *a)).collect();
        html! {
            <li data-name={w.name.clone()} data-delivered={w.delivered.to_string()}>
                <div class="webhook-head">
                    <strong class="mono">{ &w.name }</strong>
                    <span class="delivered">{ tf(lang, "features.delivered", &[&grouped_in(lang, w.delivered)]) }</span>
                    <button type="button" class="quiet remove-webhook" onclick={remove}>{ t(lang, "common.remove") }</button>
                </div>
                <p class="webhook-what small muted">
                    { tf(lang, "features.webhook_what", &[
                        &actions.join(", "),
                        &w.scope.as_ref().map_or(t(lang, "features.every_repository").to_string(), |s| s.to_string()),
                        w.region,
                    ]) }
                </p>
                if !w.recent.is_empty() {
                    <ul class="deliveries small">
                        { for w.recent.iter().rev().take(DELIVERIES_SHOWN).map(|d| html! {
                            <li data-at-ms={d.at_ms.0.to_string()}>
                                <span class="mono">{ d.at_ms.to_string() }</span>
                                { format!(" {} ", action_words(lang, d.action)) }
                                <span class="mono target">{ &d.target }</span>
                            </li>
                        }) }
                    </ul>
                }
            </li>
        }
    });
    let endpoints = v.private_endpoints.iter().take(LISTED).map(|p| {
        let remove = {
            let name = p.clone();
            props.on_action.reform(move |_: MouseEvent| Action::RemovePrivateEndpoint(name.clone()))
        };
        html! {
            <li data-name={p.clone()}>
                <span class="mono">{ p }</span>
                <button type="button" class="quiet" onclick={remove}>{ t(lang, "common.remove") }</button>
            </li>
        }
    });
    html! {
        <section id="features" class="panel features-panel" aria-labelledby="features-title"
            data-webhooks={v.webhooks.len().to_string()} data-webhooks-max={v.webhooks_max.to_string()}
            data-endpoints={v.private_endpoints.len().to_string()} data-content-trust={v.content_trust.to_string()}>
            <h2 id="features-title">{ t(lang, "features.title") }</h2>
            <h3>{ tf(lang, "features.webhooks_count", &[
                &v.webhooks.len().to_string(), &v.webhooks_max.to_string(), &v.tier.to_string(),
            ]) }</h3>
            <p class="hint">{ t(lang, "features.webhooks_hint") }</p>
            <form class="webhook-form" onsubmit={add_webhook}>
                <label class="field inline">
                    <span class="label">{ t(lang, "common.name") }</span>
                    <input id="webhook-name" type="text" autocomplete="off" spellcheck="false" value={(*name).clone()}
                        oninput={text(&name)} title={t(lang, "features.name_title")} />
                </label>
                <label class="check"><input id="webhook-push" type="checkbox" checked={*on_push} onchange={check(&on_push)} />
                    { [" ", action_words(lang, WebhookAction::Push)].concat() }</label>
                <label class="check"><input id="webhook-delete" type="checkbox" checked={*on_delete} onchange={check(&on_delete)} />
                    { [" ", action_words(lang, WebhookAction::Delete)].concat() }</label>
                <label class="field inline">
                    <span class="label">{ t(lang, "features.in") }</span>
                    <input id="webhook-scope" type="text" autocomplete="off" spellcheck="false"
                        placeholder={t(lang, "features.scope_placeholder")}
                        value={(*scope).clone()} oninput={text(&scope)} title={t(lang, "features.scope_title")} />
                </label>
                if props.regions.len() > 1 {
                    <label class="field inline" title={t(lang, "features.region_title")}>
                        <span class="label">{ t(lang, "features.on") }</span>
                        <select id="webhook-region" onchange={{
                            let region = region.clone();
                            Callback::from(move |e: Event| region.set(e.target_unchecked_into::<HtmlSelectElement>().value()))
                        }}>
                            { for props.regions.iter().enumerate().map(|(i, r)| html! {
                                <option value={if i == 0 { "" } else { *r }} selected={region.as_str() == *r || (i == 0 && region.is_empty())}>
                                    { if i == 0 { tf(lang, "features.home_region", &[r]) } else { r.to_string() } }
                                </option>
                            }) }
                        </select>
                    </label>
                }
                <button id="webhook-add" type="submit">{ t(lang, "features.add_webhook") }</button>
            </form>
            if !v.webhooks.is_empty() {
                <ul id="webhooks" class="webhooks">
                    { for webhooks }
                    if more_webhooks > 0 { <li class="more-note">{ tf(lang, "common.and_more", &[&grouped_in(lang, more_webhooks as u64)]) }</li> }
                </ul>
            }
            <h3>
                { tf(lang, "features.endpoints_count", &[
                    &v.private_endpoints.len().to_string(), &v.private_endpoints_max.to_string(),
                ]) }
                <span class="premium-chip">{ t(lang, "common.premium") }</span>
            </h3>
            <form class="webhook-form" onsubmit={add_endpoint}>
                <label class="field inline">
                    <span class="label">{ t(lang, "common.name") }</span>
                    <input id="endpoint-name" type="text" autocomplete="off" spellcheck="false" value={(*endpoint).clone()}
                        oninput={text(&endpoint)} title={t(lang, "features.name_title")} />
                </label>
                <button id="endpoint-add" type="submit">{ t(lang, "features.add_endpoint") }</button>
                if !premium {
                    <small class="muted">{ tf(lang, "features.endpoints_none", &[&v.tier.to_string()]) }</small>
                }
            </form>
            if !v.private_endpoints.is_empty() {
                <ul id="endpoints" class="endpoints small">
                    { for endpoints }
                    if more_endpoints > 0 { <li class="more-note">{ tf(lang, "common.and_more", &[&grouped_in(lang, more_endpoints as u64)]) }</li> }
                </ul>
            }
            <h3>{ t(lang, "features.trust_title") }<span class="premium-chip">{ t(lang, "common.premium") }</span></h3>
            <p class="content-trust">
                <span id="content-trust-state">
                    { if v.content_trust { t(lang, "features.trust_enabled") } else { t(lang, "features.trust_disabled") } }
                </span>
                <button id="content-trust" type="button" aria-pressed={v.content_trust.to_string()} onclick={trust}
                    title={t(lang, "features.trust_button_title")}>
                    { if v.content_trust { t(lang, "features.trust_disable") } else { t(lang, "features.trust_enable") } }
                </button>
            </p>
            { props.error.as_ref().map(|e| inline_error_with_id(e, Some("features-error"))) }
        </section>
    }
}
