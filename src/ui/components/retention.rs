//! The retention policy for untagged manifests (`#retention`, Premium): on or off, its period,
//! and the deletes it has queued.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::inline_error_with_id;
use crate::engine::RetentionView;
use crate::engine::retention::RETENTION_DAYS_DEFAULT;
use crate::ui::format::{count, grouped};
use crate::ui::state::{Action, RETENTION_SHOWN, UiError};

#[derive(Properties, PartialEq)]
pub struct RetentionProps {
    pub view: Option<RetentionView>,
    /// The engine's refusal of the last change (a lower tier, days out of range).
    pub error: Option<UiError>,
    pub on_action: Callback<Action>,
}

#[function_component(RetentionPanel)]
pub fn retention_panel(props: &RetentionProps) -> Html {
    let enabled = use_state(|| props.view.as_ref().is_some_and(|v| v.enabled));
    // While the policy is off, offer ACR's default period.
    let days = use_state(|| match &props.view {
        Some(v) if v.enabled => v.days.to_string(),
        _ => RETENTION_DAYS_DEFAULT.to_string(),
    });
    let Some(v) = &props.view else { return html! {} };
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
        props
            .on_action
            .reform(move |_: MouseEvent| Action::SetRetention { enabled: *enabled, days: (*days).clone() })
    };
    let now = if v.enabled {
        format!(
            "On: manifests untagged from now on are deleted {} after untagging.",
            match v.days {
                0 => "a few seconds (5 s here)".to_string(),
                d => count(d as usize, "day", "days"),
            }
        )
    } else {
        "Off: untagged manifests stay until you delete them.".to_string()
    };
    html! {
        <section id="retention" class="panel retention-panel" aria-labelledby="retention-title"
            data-enabled={v.enabled.to_string()} data-days={v.days.to_string()}>
            <h2 id="retention-title">{ "Retention of untagged manifests " }<span class="premium-chip">{ "Premium" }</span></h2>
            <p class="hint">{ "Deletes a manifest a set number of days after it loses its last tag. It applies only \
                               to manifests untagged after it is enabled; locked manifests are skipped." }</p>
            <div class="retention-controls">
                <label class="check">
                    <input id="retention-enabled" type="checkbox" checked={*enabled} onchange={on_enabled} />
                    { " enabled" }
                </label>
                <label class="field inline">
                    <span class="label">{ "after" }</span>
                    <input id="retention-days" type="number" min="0" max="365" step="1" value={(*days).clone()}
                        oninput={on_days} title="Days after the untag: 0 to 365 (0 deletes within seconds)" />
                    <span>{ "days" }</span>
                </label>
                <button id="retention-apply" type="button" onclick={apply}
                    title="Set the policy on the registry (Premium only)">{ "Apply" }</button>
            </div>
            <p id="retention-state" class={classes!("retention-state", v.enabled.then_some("on"))}>{ now }</p>
            { props.error.as_ref().map(|e| inline_error_with_id(e, Some("retention-error"))) }
            { queue(v) }
        </section>
    }
}

/// The queued deletes, in the order they come due (the first 100, and the total).
fn queue(v: &RetentionView) -> Html {
    let total = html! {
        <p id="retention-total" class="small" data-total={v.queued_total.to_string()}>
            { if v.queued_total == 0 {
                "No delete is queued.".to_string()
            } else {
                format!("{} queued.", count(v.queued_total, "delete", "deletes"))
            } }
        </p>
    };
    if v.queued.is_empty() {
        return total;
    }
    let more = v.queued_total.saturating_sub(v.queued.len().min(RETENTION_SHOWN));
    html! {
        <>
            { total }
            <ol id="retention-queue" class="retention-queue">
                { for v.queued.iter().take(RETENTION_SHOWN).map(|q| html! {
                    <li data-repo={q.repo.as_str().to_string()} data-digest={q.digest.to_string()}
                        data-due-ms={q.due_at_ms.0.to_string()}>
                        <span class="manifest-ref mono" title={format!("{}@{}", q.repo, q.digest)}>
                            { format!("{}@{}", q.repo, q.digest.short()) }
                        </span>
                        <span class="times">
                            { "untagged " }<span class="untagged-at mono">{ q.untagged_at_ms.to_string() }</span>
                            { " → deleted " }<span class="due-at mono">{ q.due_at_ms.to_string() }</span>
                        </span>
                    </li>
                }) }
                if more > 0 {
                    <li class="more-note">{ format!("… and {} more", grouped(more as u64)) }</li>
                }
            </ol>
        </>
    }
}
