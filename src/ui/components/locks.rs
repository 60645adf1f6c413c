use yew::prelude::*;

use crate::engine::Attributes;
use crate::ui::locks::{Attr, LOCKING, Scope, is_locked, off_list, target_words};
use crate::ui::state::Action;

/// The "Locks" disclosure button for a repository, tag or manifest: shows or hides its toggles.
/// `class` is its whole class list.
pub fn locks_button(
    repo: &str,
    reference: Option<&str>,
    open: bool,
    label: &str,
    class: &'static str,
    on_action: &Callback<Action>,
) -> Html {
    let key = (repo.to_string(), reference.map(str::to_string));
    let title = match Scope::of(reference) {
        Scope::Repository => "Show or hide this repository's four locks: write, delete, read, list",
        Scope::Tag => "Show or hide this tag's four locks: write, delete, read, list",
        Scope::Manifest => "Show or hide this manifest's own four locks (its tags have their own)",
    };
    html! {
        <button type="button" {class} aria-expanded={if open { "true" } else { "false" }}
            {title} onclick={on_action.reform(move |_| Action::ToggleLocks(key.clone()))}>
            { [label, if open { " ▾" } else { " ▸" }].concat() }
        </button>
    }
}

/// "locked" when a write, delete or read lock is set; "hidden from listings" when list is off.
pub fn lock_badges(attributes: &Attributes) -> Html {
    let locked = is_locked(attributes).then(|| {
        let title = format!(
            "Locked: {}. The registry refuses what these forbid with HTTP 405 REGISTRY_DISALLOWED_OPERATION. Open Locks to change them.",
            off_list(attributes, &LOCKING)
        );
        html! {
            <span class="lock-badge" {title}>{ "locked" }</span>
        }
    });
    let hidden = (!attributes.list_enabled).then(|| {
        html! {
            <span class="hidden-badge"
                title="listEnabled=false: listings leave it out, but a direct pull still works. This page is the owner's view, so it still shows it.">
                { "hidden from listings" }
            </span>
        }
    });
    html! { <>{ locked }{ hidden }</> }
}

/// The four toggles (`.locks`) of a repository (`reference` None), a tag or a manifest digest:
/// each shows whether its attribute is enabled (`aria-pressed`) and flips it on click; its title
/// says what turning it off refuses there. A plain function, not a component: it is cheap to
/// render, and each component type costs the bundle its own copy of Yew's lifecycle code.
pub fn lock_toggles(
    repo: &str,
    reference: Option<&str>,
    attributes: &Attributes,
    on_action: &Callback<Action>,
) -> Html {
    let scope = Scope::of(reference);
    let label = match scope {
        Scope::Repository => "Locks on this repository:",
        Scope::Tag => "Locks on this tag:",
        Scope::Manifest => "Locks on this manifest:",
    };
    let mut toggles = Vec::with_capacity(Attr::ALL.len());
    for attr in Attr::ALL {
        let enabled = attr.get(attributes);
        let (repo, reference) = (repo.to_string(), reference.map(str::to_string));
        let onclick = on_action.reform(move |_| Action::SetAttributes {
            repo: repo.clone(),
            reference: reference.clone(),
            patch: attr.patch(!enabled),
        });
        toggles.push(html! {
            <button type="button" class={if enabled { "lock-attr on" } else { "lock-attr off" }}
                data-attr={attr.name()} aria-pressed={if enabled { "true" } else { "false" }}
                title={attr.title(scope, enabled)} {onclick}>
                <span class="mark" aria-hidden="true">{ if enabled { "✓" } else { "✕" } }</span>
                { attr.name() }
            </button>
        });
    }
    html! {
        <div class="locks" data-scope={scope.as_str()} role="group"
            aria-label={["Locks on ", &target_words(repo, reference)].concat()}>
            <span class="locks-label">{ label }</span>
            { for toggles }
            <span class="locks-key">
                { "✓ allowed · ✕ refused with 405 · " }
                <a href="#locks-help" title="The paragraph under the catalog that says what each lock does">
                    { "what each does" }
                </a>
            </span>
        </div>
    }
}
