use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::archives::ArchiveBar;
use super::inline_error;
use super::locks::{lock_badges, lock_toggles, locks_button};
use super::manifest::ManifestCard;
use crate::ui::format::{grouped_in, human_bytes_in};
use crate::ui::i18n::{Lang, t, tf, tn, use_lang};
use crate::ui::locks::Attr;
use crate::ui::state::{Action, ArchiveOutcome, CATALOG_PAGE, CatalogSnap, Danger, RepoSnap};

#[derive(Properties, PartialEq)]
pub struct CatalogProps {
    pub catalog: CatalogSnap,
    /// The name the catalog is shown after, while it is (None: paged from the first page).
    #[prop_or_default]
    pub from: Option<String>,
    /// The last archive import or export (the archive buttons show what became of it).
    #[prop_or_default]
    pub archive: Option<ArchiveOutcome>,
    pub on_action: Callback<Action>,
}

/// Repositories → manifests (with their tags) → config and layers, a page at a time.
#[function_component(Catalog)]
pub fn catalog(props: &CatalogProps) -> Html {
    let lang = use_lang();
    let c = &props.catalog;
    let body = if let Some(e) = &c.error {
        inline_error(e)
    } else if c.repos.is_empty() {
        html! { <p class="empty">{ t(lang, "catalog.empty") }</p> }
    } else {
        html! {
            <ul class="repos">
                { for c.repos.iter().map(|r| html! { <RepoRow key={r.name.clone()} repo={r.clone()} on_action={props.on_action.clone()} /> }) }
            </ul>
        }
    };
    let jump = use_state(String::new);
    let page_words = match &props.from {
        Some(from) => tf(lang, "catalog.page_after", &[&c.page.saturating_sub(1).to_string(), from]),
        None => tf(lang, "catalog.page", &[&c.page.to_string()]),
    };
    let on_jump = {
        let (jump, on_action) = (jump.clone(), props.on_action.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            on_action.emit(Action::CatalogAfter((*jump).clone()));
        })
    };
    let on_jump_text = {
        let jump = jump.clone();
        Callback::from(move |e: InputEvent| jump.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    // Paging one page at a time does not reach deep into a big registry: start after a name, as
    // the registry API's `last` does.
    let jump_form = (c.has_prev || c.has_next).then(|| {
        html! {
            <form id="catalog-jump" class="catalog-jump" onsubmit={on_jump}>
                <label for="catalog-after">{ t(lang, "catalog.after_label") }</label>
                <input id="catalog-after" type="text" autocomplete="off" spellcheck="false"
                    placeholder={t(lang, "catalog.after_placeholder")} value={(*jump).clone()}
                    oninput={on_jump_text} />
                <button id="catalog-after-go" type="submit" title={t(lang, "catalog.after_title")}>
                    { t(lang, "catalog.after_go") }
                </button>
            </form>
        }
    });
    let pager = (c.has_prev || c.has_next).then(|| {
        html! {
            <nav class="pager" aria-label={t(lang, "catalog.pages_label")}>
                <button id="catalog-prev" type="button" disabled={!c.has_prev}
                    title={t(lang, "catalog.prev_title")}
                    onclick={props.on_action.reform(|_| Action::CatalogPrev)}>{ t(lang, "catalog.prev") }</button>
                <span id="catalog-page" data-page={c.page.to_string()}>{ page_words }</span>
                <button id="catalog-next" type="button" disabled={!c.has_next}
                    title={t(lang, "catalog.next_title")}
                    onclick={props.on_action.reform(|_| Action::CatalogNext)}>{ t(lang, "catalog.next") }</button>
            </nav>
        }
    });
    html! {
        <section id="catalog" class="panel catalog" aria-labelledby="catalog-title">
            <div class="panel-head">
                <h2 id="catalog-title">{ t(lang, "catalog.title") }</h2>
                <p class="hint">{ tf(lang, "catalog.hint", &[&CATALOG_PAGE.to_string()]) }</p>
            </div>
            <ArchiveBar outcome={props.archive.clone()} on_action={props.on_action.clone()} />
            { body }
            { pager }
            { jump_form }
            { locks_help(lang) }
        </section>
    }
}

/// What the four locks do, in one paragraph, at the catalog's foot (the lock panels link here).
fn locks_help(lang: Lang) -> Html {
    html! {
        <p id="locks-help" class="locks-help">
            <strong>{ t(lang, "catalog.locks") }</strong>
            { t(lang, "catalog.locks_help_lead") }<em>{ [t(lang, "catalog.locks"), " ▸"].concat() }</em>
            { t(lang, "catalog.locks_help_switch") }
            <b>{ Attr::Write.label(lang) }</b>{ t(lang, "catalog.locks_help_write") }
            <b>{ Attr::Delete.label(lang) }</b>{ t(lang, "catalog.locks_help_delete") }
            <b>{ Attr::Read.label(lang) }</b>{ t(lang, "catalog.locks_help_read") }
            <b>{ Attr::List.label(lang) }</b>{ t(lang, "catalog.locks_help_list") }
            { t(lang, "catalog.locks_help_independent") }
            <code>{ "HTTP 405 REGISTRY_DISALLOWED_OPERATION" }</code>
            { t(lang, "catalog.locks_help_unlock") }
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
    let lang = use_lang();
    let r = &props.repo;
    let name = r.name.clone();
    let summary = r.summary.as_ref().map(|s| {
        let untagged = if s.untagged > 0 {
            tf(lang, "catalog.untagged_count", &[&grouped_in(lang, s.untagged as u64)])
        } else {
            String::new()
        };
        html! {
            <span class="summary" title={t(lang, "catalog.summary_title")}>
                { [
                    tn(lang, "unit.tags", s.tags as u64),
                    format!("{}{untagged}", tn(lang, "unit.manifests", s.manifests as u64)),
                    tn(lang, "unit.blobs", s.blobs as u64),
                    human_bytes_in(lang, s.linked_bytes),
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
            <button type="button" class="more" title={t(lang, "catalog.more_title")}
                onclick={props.on_action.reform(move |_| Action::MoreManifests(name.clone()))}>
                { tf(lang, "catalog.more", &[&grouped_in(lang, r.manifests_hidden as u64)]) }
            </button>
        }
    });
    let attributes = r.summary.as_ref().map(|s| s.attributes);
    let hidden = attributes.is_some_and(|a| !a.list_enabled);
    let locks =
        attributes.filter(|_| r.locks_open).map(|a| lock_toggles(lang, &name, None, &a, &props.on_action));
    html! {
        <li class={classes!("repo", r.expanded.then_some("open"), hidden.then_some("hidden-repo"))}
            data-repo={name.clone()} data-hidden={hidden.to_string()}>
            <div class="repo-head">
                <button type="button" class="repo-toggle" aria-expanded={r.expanded.to_string()}
                    title={t(lang, "catalog.toggle_title")} onclick={toggle}>
                    <span class="chevron" aria-hidden="true">{ if r.expanded { "▾" } else { "▸" } }</span>
                    <span class="repo-name mono">{ &name }</span>
                </button>
                { attributes.as_ref().map(|a| lock_badges(lang, a)) }
                { summary }
                <div class="repo-actions">
                    { attributes.is_some().then(|| {
                        locks_button(lang, &name, None, r.locks_open, t(lang, "catalog.locks"), "locks-toggle", &props.on_action)
                    }) }
                    <button type="button" class="delete-repo danger" title={t(lang, "catalog.delete_title")}
                        onclick={delete}>{ t(lang, "catalog.delete") }</button>
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
