use yew::prelude::*;

use crate::engine::Attributes;
use crate::ui::i18n::{Lang, t, tf};
use crate::ui::locks::{Attr, LOCKING, Scope, is_locked, off_list, target_words};
use crate::ui::state::Action;

/// The "Locks" disclosure button for a repository, tag or manifest: shows or hides its toggles.
/// `class` is its whole class list.
pub fn locks_button(
    lang: Lang,
    repo: &str,
    reference: Option<&str>,
    open: bool,
    label: &str,
    class: &'static str,
    on_action: &Callback<Action>,
) -> Html {
    let key = (repo.to_string(), reference.map(str::to_string));
    let title = match Scope::of(reference) {
        Scope::Repository => t(lang, "locks.button_repository_title"),
        Scope::Tag => t(lang, "locks.button_tag_title"),
        Scope::Manifest => t(lang, "locks.button_manifest_title"),
    };
    html! {
        <button type="button" {class} aria-expanded={if open { "true" } else { "false" }}
            {title} onclick={on_action.reform(move |_| Action::ToggleLocks(key.clone()))}>
            { [label, if open { " ▾" } else { " ▸" }].concat() }
        </button>
    }
}

/// "locked" when a write, delete or read lock is set; "hidden from listings" when list is off.
pub fn lock_badges(lang: Lang, attributes: &Attributes) -> Html {
    let locked = is_locked(attributes).then(|| {
        let title = tf(lang, "locks.locked_title", &[&off_list(attributes, &LOCKING)]);
        html! {
            <span class="lock-badge" {title}>{ t(lang, "locks.locked") }</span>
        }
    });
    let hidden = (!attributes.list_enabled).then(|| {
        html! {
            <span class="hidden-badge" title={t(lang, "locks.hidden_title")}>
                { t(lang, "locks.hidden") }
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
    lang: Lang,
    repo: &str,
    reference: Option<&str>,
    attributes: &Attributes,
    on_action: &Callback<Action>,
) -> Html {
    let scope = Scope::of(reference);
    let label = match scope {
        Scope::Repository => t(lang, "locks.on_repository"),
        Scope::Tag => t(lang, "locks.on_tag"),
        Scope::Manifest => t(lang, "locks.on_manifest"),
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
                title={attr.title(lang, scope, enabled)} {onclick}>
                <span class="mark" aria-hidden="true">{ if enabled { "✓" } else { "✕" } }</span>
                { attr.label(lang) }
            </button>
        });
    }
    html! {
        <div class="locks" data-scope={scope.as_str()} role="group"
            aria-label={tf(lang, "locks.group_label", &[&target_words(lang, repo, reference)])}>
            <span class="locks-label">{ label }</span>
            { for toggles }
            <span class="locks-key">
                { t(lang, "locks.key") }
                <a href="#locks-help" title={t(lang, "locks.help_link_title")}>
                    { t(lang, "locks.help_link") }
                </a>
            </span>
        </div>
    }
}
