use yew::prelude::*;

use super::blob::BlobRow;
use super::inline_error;
use super::locks::{lock_badges, lock_toggles, locks_button};
use crate::ui::format::{count, exact_bytes, human_bytes};
use crate::ui::state::{Action, Danger, ManifestSnap};

#[derive(Properties, PartialEq)]
pub struct ManifestProps {
    pub manifest: ManifestSnap,
    pub on_action: Callback<Action>,
}

/// A manifest: the tags pointing to it, its digest and size, its config and layers.
#[function_component(ManifestCard)]
pub fn manifest_card(props: &ManifestProps) -> Html {
    let m = &props.manifest;
    let v = &m.view;
    let repo = m.repo.clone();
    let digest = v.digest.to_string();
    let tags: Vec<String> = v.tags.iter().map(|t| t.as_str().to_string()).collect();

    let tag_chips = if tags.is_empty() {
        html! {
            <span class="untagged" title="No tag points here. It is still stored and billed, and pullable by digest.">
                { "untagged" }
            </span>
        }
    } else {
        html! {
            { for tags.iter().enumerate().map(|(i, t)| {
                let attributes = v.tag_attributes.get(i).copied().unwrap_or_default();
                let open = m.tag_locks_open.get(i).copied().unwrap_or(false);
                let ask = {
                    let (repo, tag, digest) = (repo.clone(), t.clone(), digest.clone());
                    props.on_action.reform(move |_| Action::Ask(Danger::Untag {
                        repo: repo.clone(), tag: tag.clone(), digest: digest.clone(),
                    }))
                };
                html! {
                    <span class={classes!("tag", open.then_some("open"))} data-tag={t.clone()}>
                        <span class="tag-name mono">{ format!(":{t}") }</span>
                        { lock_badges(&attributes) }
                        { locks_button(&repo, Some(t), open, "locks", "locks-toggle quiet", &props.on_action) }
                        <button type="button" class="untag quiet" onclick={ask}
                            title="Remove this tag only. The manifest and its layers stay stored and billed: nothing is freed. Asks first.">
                            { "untag" }
                        </button>
                        { open.then(|| lock_toggles(&repo, Some(t), &attributes, &props.on_action)) }
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
                <p class="hint">{ "The manifest exactly as stored; its SHA-256 is the digest above." }</p>
                <pre class="mono">{ text }</pre>
            </div>
        },
        Err(e) => inline_error(e),
    });
    let blobs_count = v.layers.len() + usize::from(v.config.is_some());
    let hidden = (m.layers_hidden > 0).then(|| {
        html! { <li class="more-note">{ format!("… and {} not shown", count(m.layers_hidden, "layer", "layers")) }</li> }
    });

    html! {
        <article class="manifest" data-digest={digest.clone()}>
            <div class="manifest-head">
                <div class="tags">{ tag_chips }</div>
                <div class="manifest-actions">
                    { lock_badges(&v.attributes) }
                    { locks_button(&repo, Some(&digest), m.locks_open, "Manifest locks", "locks-toggle", &props.on_action) }
                    <button type="button" class="show-manifest" aria-expanded={m.json.is_some().to_string()}
                        title="Show or hide the manifest's JSON, byte for byte" onclick={toggle_json}>
                        { if m.json.is_some() { "Hide manifest JSON" } else { "Show manifest JSON" } }
                    </button>
                    <button type="button" class="delete-manifest danger" onclick={delete}
                        title="Delete this manifest with all its tags. Billing for the layers nothing else uses stops at once; garbage collection reclaims their space later. Cannot be undone. Asks first.">
                        { "Delete manifest" }
                    </button>
                </div>
            </div>
            { m.locks_open.then(|| lock_toggles(&repo, Some(&digest), &v.attributes, &props.on_action)) }
            <dl class="manifest-facts">
                <div><dt>{ "manifest digest" }</dt><dd class="digest mono">{ &digest }</dd></div>
                <div>
                    <dt>{ "manifest size" }</dt>
                    <dd class="manifest-size" data-bytes={v.size_bytes.to_string()}>{ exact_bytes(v.size_bytes) }</dd>
                </div>
                <div>
                    <dt>{ "image size" }</dt>
                    <dd class="image-size" data-bytes={v.image_bytes.to_string()}
                        title="Config and layers added up (shared layers are stored only once)">
                        { format!("{} in {}", human_bytes(v.image_bytes), count(blobs_count, "blob", "blobs")) }
                    </dd>
                </div>
                <div class="wide"><dt>{ "media type" }</dt><dd class="mono small">{ v.media_type.as_str() }</dd></div>
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
