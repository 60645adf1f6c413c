use yew::prelude::*;

use super::blob::BlobRow;
use super::inline_error;
use super::locks::{lock_badges, lock_toggles, locks_button};
use crate::ui::format::{exact_bytes_in, human_bytes_in};
use crate::ui::i18n::{t, tf, tn, use_lang};
use crate::ui::state::{Action, Danger, ManifestSnap};

#[derive(Properties, PartialEq)]
pub struct ManifestProps {
    pub manifest: ManifestSnap,
    pub on_action: Callback<Action>,
}

/// A manifest: the tags pointing to it, its digest and size, its config and layers.
#[function_component(ManifestCard)]
pub fn manifest_card(props: &ManifestProps) -> Html {
    let lang = use_lang();
    let m = &props.manifest;
    let v = &m.view;
    let repo = m.repo.clone();
    let digest = v.digest.to_string();
    let tags: Vec<String> = v.tags.iter().map(|t| t.as_str().to_string()).collect();

    let tag_chips = if tags.is_empty() {
        html! {
            <span class="untagged" title={t(lang, "manifest.untagged_title")}>
                { t(lang, "manifest.untagged") }
            </span>
        }
    } else {
        html! {
            { for tags.iter().enumerate().map(|(i, tag)| {
                let attributes = v.tag_attributes.get(i).copied().unwrap_or_default();
                let open = m.tag_locks_open.get(i).copied().unwrap_or(false);
                let ask = {
                    let (repo, tag, digest) = (repo.clone(), tag.clone(), digest.clone());
                    props.on_action.reform(move |_| Action::Ask(Danger::Untag {
                        repo: repo.clone(), tag: tag.clone(), digest: digest.clone(),
                    }))
                };
                html! {
                    <span class={classes!("tag", open.then_some("open"))} data-tag={tag.clone()}>
                        <span class="tag-name mono">{ format!(":{tag}") }</span>
                        { lock_badges(lang, &attributes) }
                        { locks_button(lang, &repo, Some(tag), open, t(lang, "manifest.tag_locks"), "locks-toggle quiet", &props.on_action) }
                        <button type="button" class="untag quiet" onclick={ask} title={t(lang, "manifest.untag_title")}>
                            { t(lang, "manifest.untag") }
                        </button>
                        { open.then(|| lock_toggles(lang, &repo, Some(tag), &attributes, &props.on_action)) }
                    </span>
                }
            }) }
        }
    };
    let toggle_json = {
        let key = (repo.clone(), digest.clone());
        props.on_action.reform(move |_| Action::ToggleManifestJson(key.clone()))
    };
    let delete = {
        let (repo, digest, tags) = (repo.clone(), digest.clone(), tags.clone());
        props.on_action.reform(move |_| {
            Action::Ask(Danger::DeleteManifest {
                repo: repo.clone(),
                digest: digest.clone(),
                tags: tags.clone(),
            })
        })
    };
    let json = m.json.as_ref().map(|j| match j {
        Ok(text) => html! {
            <div class="manifest-json">
                <p class="hint">{ t(lang, "manifest.json_hint") }</p>
                <pre class="mono">{ text }</pre>
            </div>
        },
        Err(e) => inline_error(e),
    });
    let blobs_count = v.layers.len() + usize::from(v.config.is_some());
    let hidden = (m.layers_hidden > 0).then(|| {
        html! { <li class="more-note">{ tf(lang, "manifest.layers_hidden", &[&tn(lang, "unit.layers", m.layers_hidden as u64)]) }</li> }
    });

    html! {
        <article class="manifest" data-digest={digest.clone()}>
            <div class="manifest-head">
                <div class="tags">{ tag_chips }</div>
                <div class="manifest-actions">
                    { lock_badges(lang, &v.attributes) }
                    { locks_button(lang, &repo, Some(&digest), m.locks_open, t(lang, "manifest.locks"), "locks-toggle", &props.on_action) }
                    <button type="button" class="show-manifest" aria-expanded={m.json.is_some().to_string()}
                        title={t(lang, "manifest.json_title")} onclick={toggle_json}>
                        { if m.json.is_some() { t(lang, "manifest.json_hide") } else { t(lang, "manifest.json_show") } }
                    </button>
                    <button type="button" class="delete-manifest danger" onclick={delete} title={t(lang, "manifest.delete_title")}>
                        { t(lang, "manifest.delete") }
                    </button>
                </div>
            </div>
            { m.locks_open.then(|| lock_toggles(lang, &repo, Some(&digest), &v.attributes, &props.on_action)) }
            <dl class="manifest-facts">
                <div><dt>{ t(lang, "manifest.fact_digest") }</dt><dd class="digest mono">{ &digest }</dd></div>
                <div>
                    <dt>{ t(lang, "manifest.fact_size") }</dt>
                    <dd class="manifest-size" data-bytes={v.size_bytes.to_string()}>{ exact_bytes_in(lang, v.size_bytes) }</dd>
                </div>
                <div>
                    <dt>{ t(lang, "manifest.fact_image_size") }</dt>
                    <dd class="image-size" data-bytes={v.image_bytes.to_string()} title={t(lang, "manifest.image_size_title")}>
                        { tf(lang, "manifest.image_size", &[&human_bytes_in(lang, v.image_bytes), &tn(lang, "unit.blobs", blobs_count as u64)]) }
                    </dd>
                </div>
                <div class="wide"><dt>{ t(lang, "manifest.fact_media_type") }</dt><dd class="mono small">{ v.media_type.as_str() }</dd></div>
            </dl>
            { json }
            <ol class="blobs">
                { for m.config.iter().map(|c| html! {
                    <BlobRow key={format!("config-{}", c.view.digest)} blob={c.clone()} index={0} on_action={props.on_action.clone()} />
                }) }
                { for m.layers.iter().enumerate().map(|(i, l)| html! {
                    <BlobRow key={format!("layer-{i}-{}", l.view.digest)} blob={l.clone()} index={i + 1} on_action={props.on_action.clone()} />
                }) }
                { hidden }
            </ol>
        </article>
    }
}
