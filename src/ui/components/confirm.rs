use yew::prelude::*;

use crate::ui::format::{count, duration_words, exact_bytes, human_bytes};
use crate::ui::state::{Action, ClockSnap, Danger};

#[derive(Properties, PartialEq)]
pub struct ConfirmProps {
    pub danger: Option<Danger>,
    /// For when a delete's space would be reclaimed.
    pub clock: ClockSnap,
    /// The soft-delete period while soft delete is on: what is deleted goes to a bin.
    pub soft_delete_days: Option<u32>,
    pub on_action: Callback<Action>,
}

/// Asks before untag and delete, saying what will happen and that it cannot be undone.
#[function_component(ConfirmDialog)]
pub fn confirm_dialog(props: &ConfirmProps) -> Html {
    let no_ref = use_node_ref();
    {
        let no_ref = no_ref.clone();
        use_effect_with(props.danger.clone(), move |danger| {
            if danger.is_some()
                && let Some(button) = no_ref.cast::<web_sys::HtmlElement>()
            {
                let _ = button.focus();
            }
        });
    }
    let Some(danger) = &props.danger else { return html! {} };
    let (title, mut lines, yes) = describe(danger, &props.clock);
    let undone = match props.soft_delete_days {
        Some(days) => {
            // Nothing is released while soft delete is on: the billing line does not apply.
            if !matches!(danger, Danger::Untag { .. }) {
                lines.pop();
            }
            html! {
                <p class="bin-note"><strong>{ format!(
                    "Soft delete is on: it goes to the recycle bin, still billed, and can be restored for {}.",
                    count(days as usize, "day", "days")
                ) }</strong></p>
            }
        }
        None => html! { <p class="irreversible"><strong>{ "This cannot be undone." }</strong></p> },
    };
    let on_key = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                on_action.emit(Action::Cancel);
            }
        })
    };
    html! {
        <div class="overlay" onkeydown={on_key}>
            <div id="confirm" class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title">
                <h2 id="confirm-title">{ title }</h2>
                { for lines.iter().map(|l| html! { <p>{ l }</p> }) }
                { undone }
                <div class="dialog-actions">
                    <button id="confirm-no" type="button" ref={no_ref}
                        title="Close this dialog; nothing changes" onclick={props.on_action.reform(|_| Action::Cancel)}>
                        { "Cancel" }
                    </button>
                    <button id="confirm-yes" type="button" class="danger solid"
                        onclick={props.on_action.reform(|_| Action::Confirm)}>{ yes }</button>
                </div>
            </div>
        </div>
    }
}

/// What billing and storage do after a delete made now.
fn gc_line(clock: &ClockSnap, what: &str) -> String {
    format!(
        "Billing for {what} stops at once. The space stays held until garbage collection reclaims it \
         {} later, at {} on the virtual clock.",
        duration_words(clock.gc_delay),
        clock.reclaim_if_released_now
    )
}

fn describe(danger: &Danger, clock: &ClockSnap) -> (String, Vec<String>, &'static str) {
    match danger {
        Danger::Untag { repo, tag, digest } => (
            format!("Remove tag {repo}:{tag}?"),
            vec![
                format!(
                    "Only the name {tag} goes. Manifest {digest} stays stored, still billed, and pullable by digest."
                ),
                "Untag frees no storage and stops no billing. To stop paying for it, delete the manifest."
                    .into(),
            ],
            "Untag",
        ),
        Danger::DeleteManifest { repo, digest, tags } => {
            let tags = if tags.is_empty() {
                "It has no tags.".to_string()
            } else {
                format!("Its tags go with it: {}.", tags.join(", "))
            };
            (
                format!("Delete this manifest from {repo}?"),
                vec![
                    format!("Manifest {digest} is deleted. {tags}"),
                    gc_line(clock, "the manifest and for every blob nothing else uses"),
                ],
                "Delete manifest",
            )
        }
        Danger::DeleteRepository { repo, manifests, tags, unique_bytes } => (
            format!("Delete repository {repo}?"),
            vec![
                format!(
                    "All {} and {} in it are deleted. Blobs that other repositories also use stay, still billed.",
                    count(*manifests, "manifest", "manifests"),
                    count(*tags, "tag", "tags")
                ),
                gc_line(
                    clock,
                    &format!(
                        "the {} ({}) no other repository holds",
                        human_bytes(*unique_bytes),
                        exact_bytes(*unique_bytes)
                    ),
                ),
            ],
            "Delete repository",
        ),
    }
}
