//! The retention policy for untagged manifests (`#retention`, Premium): on or off, its period,
//! and the deletes it has queued.

use yew::prelude::*;

use super::inline_error_with_id;
use super::policy_form::PolicyForm;
use crate::engine::RetentionView;
use crate::engine::retention::{RETENTION_DAYS_DEFAULT, RETENTION_DAYS_MAX};
use crate::ui::format::grouped_in;
use crate::ui::i18n::{Lang, t, tf, tn, use_lang};
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
    let lang = use_lang();
    let Some(v) = &props.view else { return html! {} };
    let apply = props.on_action.reform(|(enabled, days)| Action::SetRetention { enabled, days });
    let now = if v.enabled {
        let after = match v.days {
            0 => t(lang, "retention.seconds").to_string(),
            d => tn(lang, "unit.days", u64::from(d)),
        };
        tf(lang, "retention.on", &[&after])
    } else {
        t(lang, "retention.off").to_string()
    };
    html! {
        <section id="retention" class="panel retention-panel" aria-labelledby="retention-title"
            data-enabled={v.enabled.to_string()} data-days={v.days.to_string()}>
            <h2 id="retention-title">{ t(lang, "retention.title") }<span class="premium-chip">{ t(lang, "common.premium") }</span></h2>
            <p class="hint">{ t(lang, "retention.hint") }</p>
            <PolicyForm id="retention" enabled={v.enabled} days={v.days} default_days={RETENTION_DAYS_DEFAULT}
                min_days={0} max_days={RETENTION_DAYS_MAX} days_label="retention.after"
                days_title="retention.days_title" apply_title={Some("retention.apply_title")} on_apply={apply} />
            <p id="retention-state" class={classes!("retention-state", v.enabled.then_some("on"))}>{ now }</p>
            { props.error.as_ref().map(|e| inline_error_with_id(e, Some("retention-error"))) }
            { queue(lang, v) }
        </section>
    }
}

/// The queued deletes, in the order they come due (the first 100, and the total).
fn queue(lang: Lang, v: &RetentionView) -> Html {
    let total = html! {
        <p id="retention-total" class="small" data-total={v.queued_total.to_string()}>
            { if v.queued_total == 0 {
                t(lang, "retention.none_queued").to_string()
            } else {
                tf(lang, "retention.queued", &[&tn(lang, "unit.deletes", v.queued_total as u64)])
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
                            { t(lang, "retention.untagged_at") }<span class="untagged-at mono">{ q.untagged_at_ms.to_string() }</span>
                            { t(lang, "retention.deleted_at") }<span class="due-at mono">{ q.due_at_ms.to_string() }</span>
                        </span>
                    </li>
                }) }
                if more > 0 {
                    <li class="more-note">{ tf(lang, "common.and_more", &[&grouped_in(lang, more as u64)]) }</li>
                }
            </ol>
        </>
    }
}
