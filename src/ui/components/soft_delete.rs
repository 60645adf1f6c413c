//! Soft delete (`#soft-delete`): the policy (on or off, and for how many days), what the
//! repositories' bins hold, each with Restore, and when the next purge runs.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::inline_error_with_id;
use super::policy_form::PolicyForm;
use crate::engine::soft_delete::{SOFT_DELETE_DAYS_DEFAULT, SOFT_DELETE_DAYS_MAX};
use crate::engine::{SoftDeleteView, SoftDeletedItem};
use crate::ui::format::grouped_in;
use crate::ui::i18n::{t, tf, tn, use_lang};
use crate::ui::state::{Action, SOFT_DELETED_SHOWN, UiError};

#[derive(Properties, PartialEq)]
pub struct SoftDeleteProps {
    pub view: Option<SoftDeleteView>,
    pub error: Option<UiError>,
    pub on_action: Callback<Action>,
}

#[function_component(SoftDeletePanel)]
pub fn soft_delete_panel(props: &SoftDeleteProps) -> Html {
    let lang = use_lang();
    let force = use_state(|| false);
    let Some(v) = &props.view else { return html! {} };
    let on_force = {
        let force = force.clone();
        Callback::from(move |e: Event| force.set(e.target_unchecked_into::<HtmlInputElement>().checked()))
    };
    let apply = props.on_action.reform(|(enabled, days)| Action::SetSoftDelete { enabled, days });
    let state = if v.enabled {
        tf(lang, "soft_delete.on", &[&tn(lang, "unit.days", u64::from(v.days))])
    } else {
        t(lang, "soft_delete.off").to_string()
    };
    let more = v.items_total.saturating_sub(v.items.len().min(SOFT_DELETED_SHOWN));
    html! {
        <section id="soft-delete" class="panel soft-delete-panel" aria-labelledby="soft-delete-title"
            data-enabled={v.enabled.to_string()} data-days={v.days.to_string()} data-total={v.items_total.to_string()}>
            <h2 id="soft-delete-title">{ t(lang, "soft_delete.title") }</h2>
            <p class="hint">{ t(lang, "soft_delete.hint") }</p>
            <PolicyForm id="soft-delete" enabled={v.enabled} days={v.days} default_days={SOFT_DELETE_DAYS_DEFAULT}
                min_days={1} max_days={SOFT_DELETE_DAYS_MAX} days_label="soft_delete.keep"
                days_title="soft_delete.days_title" on_apply={apply} />
            <p id="soft-delete-state" class={classes!("retention-state", v.enabled.then_some("on"))}>{ state }</p>
            { props.error.as_ref().map(|e| inline_error_with_id(e, Some("soft-delete-error"))) }
            <p id="soft-delete-total" class="small" data-total={v.items_total.to_string()}
                data-next-purge-ms={v.next_purge_at_ms.map(|t| t.0.to_string())}>
                { match (v.items_total, v.next_purge_at_ms) {
                    (0, _) => t(lang, "soft_delete.empty").to_string(),
                    (n, Some(at)) => tf(lang, "soft_delete.in_bins_purge", &[&tn(lang, "unit.items", n as u64), &at.to_string()]),
                    (n, None) => tf(lang, "soft_delete.in_bins", &[&tn(lang, "unit.items", n as u64)]),
                } }
            </p>
            if !v.items.is_empty() {
                <label class="check small" title={t(lang, "soft_delete.force_title")}>
                    <input id="soft-delete-force" type="checkbox" checked={*force} onchange={on_force} />
                    { t(lang, "soft_delete.force") }
                </label>
                <ol id="soft-deleted" class="retention-queue">
                    { for v.items.iter().take(SOFT_DELETED_SHOWN).map(|item| html! {
                        <BinItem item={item.clone()} force={*force} on_action={props.on_action.clone()} />
                    }) }
                    if more > 0 {
                        <li class="more-note">{ tf(lang, "common.and_more", &[&grouped_in(lang, more as u64)]) }</li>
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
    let lang = use_lang();
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
    let what = if i.manifest_deleted {
        t(lang, "soft_delete.manifest_deleted")
    } else {
        t(lang, "soft_delete.tag_removed")
    };
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
                { tf(lang, "soft_delete.what_at", &[what]) }<span class="mono">{ i.deleted_at_ms.to_string() }</span>
                { i.purge_at_ms.map(|at| html! { <>{ t(lang, "soft_delete.purged_at") }<span class="mono">{ at.to_string() }</span></> }) }
            </span>
            <span class="bin-actions">
                if i.tag.is_none() {
                    <input type="text" class="bin-tag" value={(*typed).clone()} oninput={on_tag}
                        aria-label={t(lang, "soft_delete.tag_label")} title={t(lang, "soft_delete.tag_title")} />
                }
                <button type="button" class="restore" onclick={restore}
                    title={t(lang, "soft_delete.restore_title")}>
                    { tf(lang, "soft_delete.restore", &[&tag]) }
                </button>
            </span>
        </li>
    }
}
