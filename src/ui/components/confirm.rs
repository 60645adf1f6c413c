use yew::prelude::*;

use crate::ui::format::{duration_words_in, exact_bytes_in, human_bytes_in};
use crate::ui::i18n::{Lang, t, tf, tn, use_lang};
use crate::ui::state::{Action, ClockSnap, Danger, KeyLoss};

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
    let lang = use_lang();
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
    let (title, mut lines, yes) = describe(lang, danger, &props.clock);
    let undone = match props.soft_delete_days {
        // Losing the key is undone by restoring it: no delete, no bin.
        _ if matches!(danger, Danger::LoseKey { .. }) => html! {},
        Some(days) => {
            // Nothing is released while soft delete is on: the billing line does not apply.
            if !matches!(danger, Danger::Untag { .. }) {
                lines.pop();
            }
            html! {
                <p class="bin-note"><strong>{ tf(lang, "confirm.soft_delete_on", &[&tn(lang, "unit.days", u64::from(days))]) }</strong></p>
            }
        }
        None => html! { <p class="irreversible"><strong>{ t(lang, "confirm.irreversible") }</strong></p> },
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
                        title={t(lang, "confirm.cancel_title")} onclick={props.on_action.reform(|_| Action::Cancel)}>
                        { t(lang, "confirm.cancel") }
                    </button>
                    <button id="confirm-yes" type="button" class="danger solid"
                        onclick={props.on_action.reform(|_| Action::Confirm)}>{ yes }</button>
                </div>
            </div>
        </div>
    }
}

/// What billing and storage do after a delete made now.
fn gc_line(lang: Lang, clock: &ClockSnap, what: &str) -> String {
    tf(
        lang,
        "confirm.gc_line",
        &[what, &duration_words_in(lang, clock.gc_delay), &clock.reclaim_if_released_now.to_string()],
    )
}

fn describe(lang: Lang, danger: &Danger, clock: &ClockSnap) -> (String, Vec<String>, &'static str) {
    match danger {
        Danger::Untag { repo, tag, digest } => (
            tf(lang, "confirm.untag_title", &[repo, tag]),
            vec![
                tf(lang, "confirm.untag_only", &[tag, digest]),
                t(lang, "confirm.untag_frees_nothing").into(),
            ],
            t(lang, "confirm.untag_yes"),
        ),
        Danger::DeleteManifest { repo, digest, tags } => {
            let tags = if tags.is_empty() {
                t(lang, "confirm.no_tags").to_string()
            } else {
                tf(lang, "confirm.tags_go", &[&tags.join(", ")])
            };
            (
                tf(lang, "confirm.delete_manifest_title", &[repo]),
                vec![
                    tf(lang, "confirm.manifest_deleted", &[digest, &tags]),
                    gc_line(lang, clock, t(lang, "confirm.gc_what_manifest")),
                ],
                t(lang, "confirm.delete_manifest_yes"),
            )
        }
        Danger::LoseKey { how, records } => {
            let (title, what, yes) = match how {
                KeyLoss::Disable => {
                    ("confirm.key_disable_title", "confirm.key_disable_what", "confirm.key_disable_yes")
                }
                KeyLoss::Delete => {
                    ("confirm.key_delete_title", "confirm.key_delete_what", "confirm.key_delete_yes")
                }
                KeyLoss::Revoke => {
                    ("confirm.key_revoke_title", "confirm.key_revoke_what", "confirm.key_revoke_yes")
                }
            };
            (
                t(lang, title).to_string(),
                vec![
                    t(lang, what).to_string(),
                    tf(lang, "confirm.key_stops", &[&tn(lang, "unit.records", *records)]),
                    t(lang, "confirm.key_kept").to_string(),
                ],
                t(lang, yes),
            )
        }
        Danger::DeleteRepository { repo, manifests, tags, unique_bytes } => (
            tf(lang, "confirm.delete_repository_title", &[repo]),
            vec![
                tf(
                    lang,
                    "confirm.repository_deleted",
                    &[&tn(lang, "unit.manifests", *manifests as u64), &tn(lang, "unit.tags", *tags as u64)],
                ),
                gc_line(
                    lang,
                    clock,
                    &tf(
                        lang,
                        "confirm.gc_what_repository",
                        &[&human_bytes_in(lang, *unique_bytes), &exact_bytes_in(lang, *unique_bytes)],
                    ),
                ),
            ],
            t(lang, "confirm.delete_repository_yes"),
        ),
    }
}
