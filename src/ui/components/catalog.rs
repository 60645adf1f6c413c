use yew::prelude::*;

use super::inline_error;
use super::locks::{lock_badges, lock_toggles, locks_button};
use super::manifest::ManifestCard;
use crate::ui::format::{count, human_bytes};
use crate::ui::state::{Action, CATALOG_PAGE, CatalogSnap, Danger, RepoSnap};

#[derive(Properties, PartialEq)]
pub struct CatalogProps {
    pub catalog: CatalogSnap,
    pub on_action: Callback<Action>,
}

/// Repositories → manifests (with their tags) → config and layers, a page at a time.
#[function_component(Catalog)]
pub fn catalog(props: &CatalogProps) -> Html {
    let c = &props.catalog;
    let body = if let Some(e) = &c.error {
        inline_error(e)
    } else if c.repos.is_empty() {
        html! { <p class="empty">{ "No repositories yet. Push an image with the form and it appears here." }</p> }
    } else {
        html! {
            <ul class="repos">
                { for c.repos.iter().map(|r| html! { <RepoRow key={r.name.clone()} repo={r.clone()} on_action={props.on_action.clone()} /> }) }
            </ul>
        }
    };
    let pager = (c.has_prev || c.has_next).then(|| {
        html! {
            <nav class="pager" aria-label="Catalog pages">
                <button id="catalog-prev" type="button" disabled={!c.has_prev}
                    title="Show the previous page of repositories"
                    onclick={props.on_action.reform(|_| Action::CatalogPrev)}>{ "← Previous" }</button>
                <span>{ format!("Page {}", c.page) }</span>
                <button id="catalog-next" type="button" disabled={!c.has_next}
                    title="Show the next page of repositories (the registry lists them in pages)"
                    onclick={props.on_action.reform(|_| Action::CatalogNext)}>{ "Next →" }</button>
            </nav>
        }
    });
    html! {
        <section id="catalog" class="panel catalog" aria-labelledby="catalog-title">
            <div class="panel-head">
                <h2 id="catalog-title">{ "Catalog" }</h2>
                <p class="hint">{ format!(
                    "Repositories in name order, {CATALOG_PAGE} per page. Open one to see its manifests, \
                     the tags that point to them, and their layers. Locks ▸ on any of them shows its \
                     four locks, explained under the list."
                ) }</p>
            </div>
            { body }
            { pager }
            { locks_help() }
        </section>
    }
}

/// What the four locks do, in one paragraph, at the catalog's foot (the lock panels link here).
fn locks_help() -> Html {
    html! {
        <p id="locks-help" class="locks-help">
            <strong>{ "Locks" }</strong>
            { " (ACR's changeable attributes): every repository, tag and manifest has four, all on until you \
               open " }<em>{ "Locks ▸" }</em>{ " and switch one off. " }
            <b>{ "write" }</b>{ " off: nothing is pushed over it or into it, and it can't be untagged or deleted. " }
            <b>{ "delete" }</b>{ " off: it can't be untagged or deleted; pushes still work. " }
            <b>{ "read" }</b>{ " off: pulls are refused (a repository's read lock covers its blobs too; a \
               manifest's does not lock its layers). " }
            <b>{ "list" }</b>{ " off: listings leave it out, yet a direct pull works; this page still shows it, \
               marked hidden. " }
            { "Tag and manifest locks are independent, as in ACR: locking a tag does not lock its manifest (though \
               a locked tag stops its manifest being deleted, since the tag would go with it). Refusals answer " }
            <code>{ "HTTP 405 REGISTRY_DISALLOWED_OPERATION" }</code>
            { "; unlocking is always allowed." }
        </p>
    }
}

#[derive(Properties, PartialEq)]
pub struct RepoRowProps {
    pub repo: RepoSnap,
    pub on_action: Callback<Action>,
}

#[function_component(RepoRow)]
pub fn repo_row(props: &RepoRowProps) -> Html {
    let r = &props.repo;
    let name = r.name.clone();
    let summary = r.summary.as_ref().map(|s| {
        let untagged = if s.untagged > 0 { format!(" ({} untagged)", s.untagged) } else { String::new() };
        html! {
            <span class="summary" title="Bytes of the blobs and manifests this repository uses, each once">
                { [
                    count(s.tags, "tag", "tags"),
                    format!("{}{untagged}", count(s.manifests, "manifest", "manifests")),
                    count(s.blobs, "blob", "blobs"),
                    human_bytes(s.linked_bytes),
                ]
                .map(|part| part.replace(' ', "\u{a0}"))
                .join(" · ") }
            </span>
        }
    });
    let toggle = {
        let name = name.clone();
        props.on_action.reform(move |_| Action::ToggleRepo(name.clone()))
    };
    let delete = {
        let name = name.clone();
        let (manifests, tags, unique_bytes) =
            r.summary.as_ref().map_or((0, 0, 0), |s| (s.manifests, s.tags, s.unique_bytes));
        props.on_action.reform(move |_| {
            Action::Ask(Danger::DeleteRepository { repo: name.clone(), manifests, tags, unique_bytes })
        })
    };
    let more = (r.expanded && r.manifests_hidden > 0).then(|| {
        let name = name.clone();
        html! {
            <button type="button" class="more" title="Show the next manifests of this repository"
                onclick={props.on_action.reform(move |_| Action::MoreManifests(name.clone()))}>
                { format!("Show more ({} not shown)", r.manifests_hidden) }
            </button>
        }
    });
    let attributes = r.summary.as_ref().map(|s| s.attributes);
    let hidden = attributes.is_some_and(|a| !a.list_enabled);
    let locks = attributes.filter(|_| r.locks_open).map(|a| lock_toggles(&name, None, &a, &props.on_action));
    html! {
        <li class={classes!("repo", r.expanded.then_some("open"), hidden.then_some("hidden-repo"))}
            data-repo={name.clone()} data-hidden={hidden.to_string()}>
            <div class="repo-head">
                <button type="button" class="repo-toggle" aria-expanded={r.expanded.to_string()}
                    title="Show or hide this repository's manifests and layers" onclick={toggle}>
                    <span class="chevron" aria-hidden="true">{ if r.expanded { "▾" } else { "▸" } }</span>
                    <span class="repo-name mono">{ &name }</span>
                </button>
                { attributes.as_ref().map(lock_badges) }
                { summary }
                <div class="repo-actions">
                    { attributes.is_some().then(|| locks_button(&name, None, r.locks_open, "Locks", "locks-toggle", &props.on_action)) }
                    <button type="button" class="delete-repo danger"
                        title="Delete the repository: all its tags and manifests. Billing for the layers no other repository uses stops at once; garbage collection reclaims their space later. Cannot be undone. Asks first."
                        onclick={delete}>{ "Delete repository" }</button>
                </div>
            </div>
            { locks }
            { r.error.as_ref().map(inline_error) }
            if r.expanded {
                <div class="manifests">
                    { for r.manifests.iter().map(|m| html! {
                        <ManifestCard key={m.view.digest.to_string()} manifest={m.clone()} on_action={props.on_action.clone()} />
                    }) }
                    { more }
                </div>
            }
        </li>
    }
}
