use yew::prelude::*;

use crate::ui::format::count;
use crate::ui::state::{Action, Danger};

#[derive(Properties, PartialEq)]
pub struct ConfirmProps {
    pub danger: Option<Danger>,
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
    let (title, lines, yes) = describe(danger);
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
                <p class="irreversible"><strong>{ "This cannot be undone." }</strong></p>
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

fn describe(danger: &Danger) -> (String, Vec<String>, &'static str) {
    match danger {
        Danger::Untag { repo, tag, digest } => (
            format!("Remove tag {repo}:{tag}?"),
            vec![
                format!(
                    "Only the name {tag} goes. Manifest {digest} stays stored, still billed, and pullable by digest."
                ),
                "Untag frees no storage at all. To free space, delete the manifest.".into(),
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
                    "Every layer that no other manifest uses is freed from storage at once.".into(),
                ],
                "Delete manifest",
            )
        }
        Danger::DeleteRepository { repo, manifests, tags } => (
            format!("Delete repository {repo}?"),
            vec![
                format!(
                    "All {} and {} in it are deleted.",
                    count(*manifests, "manifest", "manifests"),
                    count(*tags, "tag", "tags")
                ),
                "Layers that other repositories also use stay; every other layer is freed from storage."
                    .into(),
            ],
            "Delete repository",
        ),
    }
}
