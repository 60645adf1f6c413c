//! Soft delete (`#soft-delete`): the policy (on or off, and for how many days), what the
//! repositories' bins hold, each with Restore, and when the next purge runs.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::inline_error_with_id;
use crate::engine::soft_delete::SOFT_DELETE_DAYS_DEFAULT;
use crate::engine::{SoftDeleteView, SoftDeletedItem};
use crate::ui::format::{count, grouped};
use crate::ui::state::{Action, SOFT_DELETED_SHOWN, UiError};

#[derive(Properties, PartialEq)]
pub struct SoftDeleteProps {
    pub view: Option<SoftDeleteView>,
    pub error: Option<UiError>,
    pub on_action: Callback<Action>,
}

#[function_component(SoftDeletePanel)]
pub fn soft_delete_panel(props: &SoftDeleteProps) -> Html {
    let enabled = use_state(|| props.view.as_ref().is_some_and(|v| v.enabled));
    let days = use_state(|| match &props.view {
        Some(v) if v.enabled => v.days.to_string(),
        _ => SOFT_DELETE_DAYS_DEFAULT.to_string(),
    });
    let force = use_state(|| false);
    let Some(v) = &props.view else { return html! {} };
    let on_enabled = {
        let enabled = enabled.clone();
        Callback::from(move |e: Event| enabled.set(e.target_unchecked_into::<HtmlInputElement>().checked()))
    };
    let on_days = {
        let days = days.clone();
        Callback::from(move |e: InputEvent| days.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_force = {
        let force = force.clone();
        Callback::from(move |e: Event| force.set(e.target_unchecked_into::<HtmlInputElement>().checked()))
    };
    let apply = {
        let (enabled, days) = (enabled.clone(), days.clone());
        props
            .on_action
            .reform(move |_: MouseEvent| Action::SetSoftDelete { enabled: *enabled, days: (*days).clone() })
    };
    let state = if v.enabled {
        format!(
            "On: deleted manifests and removed tags stay in their repository's bin, still billed, for {}.",
            count(v.days as usize, "day", "days")
        )
    } else {
        "Off: deletes are permanent.".to_string()
    };
    let more = v.items_total.saturating_sub(v.items.len().min(SOFT_DELETED_SHOWN));
    html! {
        <section id="soft-delete" class="panel soft-delete-panel" aria-labelledby="soft-delete-title"
            data-enabled={v.enabled.to_string()} data-days={v.days.to_string()} data-total={v.items_total.to_string()}>
            <h2 id="soft-delete-title">{ "Soft delete" }</h2>
            <p class="hint">{ "While on, a delete or an untag moves what it removes into a recycle bin: still billed, \
                               restorable by tag and digest, destroyed by the daily purge once it has been there for \
                               the period. Not with the retention policy, nor on a geo-replicated registry." }</p>
            <div class="retention-controls">
                <label class="check">
                    <input id="soft-delete-enabled" type="checkbox" checked={*enabled} onchange={on_enabled} />
                    { " enabled" }
                </label>
                <label class="field inline">
                    <span class="label">{ "keep" }</span>
                    <input id="soft-delete-days" type="number" min="1" max="90" step="1" value={(*days).clone()}
                        oninput={on_days} title="Days an item stays in the bin: 1 to 90" />
                    <span>{ "days" }</span>
                </label>
                <button id="soft-delete-apply" type="button" onclick={apply}>{ "Apply" }</button>
            </div>
            <p id="soft-delete-state" class={classes!("retention-state", v.enabled.then_some("on"))}>{ state }</p>
            { props.error.as_ref().map(|e| inline_error_with_id(e, Some("soft-delete-error"))) }
            <p id="soft-delete-total" class="small" data-total={v.items_total.to_string()}
                data-next-purge-ms={v.next_purge_at_ms.map(|t| t.0.to_string())}>
                { match (v.items_total, v.next_purge_at_ms) {
                    (0, _) => "The bins are empty.".to_string(),
                    (n, Some(at)) => format!("{} in the bins; the next purge runs at {at}.", count(n, "item", "items")),
                    (n, None) => format!("{} in the bins.", count(n, "item", "items")),
                } }
            </p>
            if !v.items.is_empty() {
                <label class="check small" title="Restore a tag even where it now points at another manifest (that one's tag goes to the bin)">
                    <input id="soft-delete-force" type="checkbox" checked={*force} onchange={on_force} />
                    { " force (overwrite a tag that points elsewhere now)" }
                </label>
                <ol id="soft-deleted" class="retention-queue">
                    { for v.items.iter().take(SOFT_DELETED_SHOWN).map(|item| html! {
                        <BinItem item={item.clone()} force={*force} on_action={props.on_action.clone()} />
                    }) }
                    if more > 0 {
                        <li class="more-note">{ format!("… and {} more", grouped(more as u64)) }</li>
                    }
                </ol>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct BinItemProps {
    item: SoftDeletedItem,
    force: bool,
    on_action: Callback<Action>,
}

/// One item in a bin. A manifest deleted without tags is restored under a tag typed here.
#[function_component(BinItem)]
fn bin_item(props: &BinItemProps) -> Html {
    let i = &props.item;
    let typed = use_state(|| "restored".to_string());
    let tag = i.tag.as_ref().map_or((*typed).clone(), |t| t.as_str().to_string());
    let restore = {
        let (repo, digest, force) = (i.repo.as_str().to_string(), i.digest.to_string(), props.force);
        let tag = tag.clone();
        props.on_action.reform(move |_: MouseEvent| Action::RestoreSoftDeleted {
            repo: repo.clone(),
            tag: tag.clone(),
            digest: digest.clone(),
            force,
        })
    };
    let on_tag = {
        let typed = typed.clone();
        Callback::from(move |e: InputEvent| typed.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let what = if i.manifest_deleted { "manifest deleted" } else { "tag removed" };
    html! {
        <li data-repo={i.repo.as_str().to_string()} data-digest={i.digest.to_string()}
            data-tag={i.tag.as_ref().map(|t| t.as_str().to_string())} data-manifest-deleted={i.manifest_deleted.to_string()}>
            <span class="manifest-ref mono" title={format!("{}@{}", i.repo, i.digest)}>
                { match &i.tag {
                    Some(t) => format!("{}:{t} → {}", i.repo, i.digest.short()),
                    None => format!("{}@{}", i.repo, i.digest.short()),
                } }
            </span>
            <span class="times">
                { format!("{what} at ") }<span class="mono">{ i.deleted_at_ms.to_string() }</span>
                { i.purge_at_ms.map(|at| html! { <>{ " · purged at " }<span class="mono">{ at.to_string() }</span></> }) }
            </span>
            <span class="bin-actions">
                if i.tag.is_none() {
                    <input type="text" class="bin-tag" value={(*typed).clone()} oninput={on_tag}
                        aria-label="Tag to restore it under" title="It had no tag: restore it under this one" />
                }
                <button type="button" class="restore" onclick={restore}
                    title="Bring it back: the tag points at the manifest again, and the manifest leaves the bin">
                    { format!("Restore as {tag}") }
                </button>
            </span>
        </li>
    }
}
