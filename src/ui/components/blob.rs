use yew::prelude::*;

use super::inline_error;
use crate::engine::SealView;
use crate::ui::format::{exact_bytes, hex_as_text, hex_rows, human_bytes};
use crate::ui::state::{Action, BlobRole, BlobSnap};

#[derive(Properties, PartialEq)]
pub struct BlobProps {
    pub blob: BlobSnap,
    /// 0 for the config, 1… for layers.
    pub index: usize,
    pub on_action: Callback<Action>,
}

/// A config blob or a layer: what it is, where it is stored, and its controls.
#[function_component(BlobRow)]
pub fn blob_row(props: &BlobProps) -> Html {
    let b = &props.blob;
    let v = &b.view;
    let digest = v.digest.to_string();
    let key = (b.repo.clone(), digest.clone());
    let is_config = b.role == BlobRole::Config;
    let (label, name) = match (&v.title, &v.synthetic, is_config) {
        (_, _, true) => ("config".to_string(), "image config (JSON)".to_string()),
        (Some(t), _, _) => (format!("layer {}", props.index), t.clone()),
        (None, Some(_), _) => (format!("layer {}", props.index), "synthetic layer".to_string()),
        (None, None, _) => (format!("layer {}", props.index), "untitled layer".to_string()),
    };
    let filename = v.title.clone().filter(|t| !t.is_empty()).unwrap_or_else(|| v.digest.hex());

    let download = {
        let (repo, digest, filename) = (b.repo.clone(), digest.clone(), filename.clone());
        props.on_action.reform(move |_| Action::Download {
            repo: repo.clone(),
            digest: digest.clone(),
            filename: filename.clone(),
        })
    };
    let verify = {
        let key = key.clone();
        props.on_action.reform(move |_| Action::Verify(key.clone()))
    };
    let toggle_seal = {
        let key = key.clone();
        props.on_action.reform(move |_| Action::ToggleSeal(key.clone()))
    };
    let shared = (v.shared_with > 0).then(|| {
        html! { <span class="shared" title="Stored once, linked from several repositories">
            { format!("also used by {} other repositor{}", v.shared_with, if v.shared_with == 1 { "y" } else { "ies" }) }
        </span> }
    });
    let synthetic = v.synthetic.map(|s| {
        html! {
            <p class="note synthetic-note">
                <span class="badge">{ "synthetic" }</span>
                { format!(
                    " Declared size {} ({}); storage counts all of it, but only a 64 KiB sample \
                     (seed {}) is actually made, sealed and served.",
                    human_bytes(s.size_bytes), exact_bytes(s.size_bytes), s.seed
                ) }
            </p>
        }
    });
    let check = b.check.as_ref().map(|c| match c {
        Ok(c) if c.matches => html! {
            <p class="verify-result ok">
                { "digest matches ✓ " }<span class="mono">{ c.recomputed.to_string() }</span>
                <span class="muted">{ format!(" — pulled, decrypted and re-hashed {}", exact_bytes(c.served_bytes)) }</span>
            </p>
        },
        Ok(c) => html! {
            <p class="verify-result bad">
                { "digest does NOT match ✗ " }<span class="mono">{ c.recomputed.to_string() }</span>
            </p>
        },
        Err(e) => html! { <div class="verify-result bad">{ inline_error(e) }</div> },
    });
    let tamper = b.tampered_key.clone().map(|record| {
        let digest = digest.clone();
        html! {
            <button type="button" class="tamper-layer warn"
                title="Flip the same bit again: the stored record is intact again"
                onclick={props.on_action.reform(move |_| Action::Tamper { digest: digest.clone(), key: record.clone() })}>
                { "Flip the bit back" }
            </button>
        }
    });
    let seal = b.seal.as_ref().map(|s| match s {
        Ok(s) => seal_panel(s, &digest, b.tampered_key.is_none(), &props.on_action),
        Err(e) => html! { <div class="sealed">{ inline_error(e) }</div> },
    });
    let seal_open = b.seal.is_some();
    let attrs_layer = (!is_config).then(|| digest.clone());
    let attrs_config = is_config.then(|| digest.clone());

    html! {
        <li class={classes!("blob", is_config.then_some("config"), b.tampered_key.is_some().then_some("tampered"))}
            data-layer={attrs_layer} data-config={attrs_config}>
            <div class="blob-head">
                <span class="role">{ label }</span>
                <span class="blob-title">{ name }</span>
                <span class="size" data-bytes={v.size_bytes.to_string()} title={exact_bytes(v.size_bytes)}>
                    { format!("{} ({})", human_bytes(v.size_bytes), exact_bytes(v.size_bytes)) }
                </span>
            </div>
            <div class="digest mono">{ &digest }</div>
            <div class="blob-meta">
                <span title="The storage account this blob's sealed record lives in (chosen from its digest)">
                    { "stored in " }<span class="account mono">{ &v.account }</span>
                </span>
                { shared }
            </div>
            { synthetic }
            <div class="actions">
                <button type="button" class="pull-layer" onclick={download}
                    title={format!("Pull this blob (decrypt it and check its digest) and save it as {filename}")}>
                    { "Download" }
                </button>
                <button type="button" class="verify-layer" onclick={verify}
                    title="Pull this blob again and re-hash the bytes served: they must hash to its digest">
                    { "Verify digest" }
                </button>
                <button type="button" class="seal-layer" aria-expanded={seal_open.to_string()} onclick={toggle_seal}
                    title="Show how the storage account holds this blob: encrypted, beside your plaintext">
                    { if seal_open { "Hide sealed form" } else { "Show sealed form" } }
                </button>
                { tamper }
            </div>
            { check }
            { seal }
        </li>
    }
}

fn seal_panel(s: &SealView, digest: &str, can_tamper: bool, on_action: &Callback<Action>) -> Html {
    let tamper = can_tamper.then(|| {
        let (digest, key) = (digest.to_string(), s.key.clone());
        html! {
            <button type="button" class="tamper-layer warn"
                title="Flip one bit of the stored ciphertext, as a failing disk might: the next pull fails with INTEGRITY_ERROR. You can flip it back."
                onclick={on_action.reform(move |_| Action::Tamper { digest: digest.clone(), key: key.clone() })}>
                { "Flip a bit in storage" }
            </button>
        }
    });
    let wrapped_head: String = s.wrapped_key_hex.chars().take(32).collect();
    html! {
        <div class="sealed">
            <dl class="seal-facts">
                <div><dt>{ "storage account" }</dt><dd class="seal-account mono">{ &s.account }</dd></div>
                <div class="wide"><dt>{ "record" }</dt><dd class="mono small">{ &s.key }</dd></div>
                <div><dt>{ "registry key id" }</dt><dd class="key-id mono">{ &s.key_id }</dd></div>
                <div><dt>{ "wrapped data key" }</dt><dd class="mono small" title={s.wrapped_key_hex.clone()}>{ format!("{wrapped_head}…") }</dd></div>
                <div><dt>{ "nonce" }</dt><dd class="mono small">{ &s.nonce_hex }</dd></div>
                <div>
                    <dt>{ "ciphertext" }</dt>
                    <dd>{ format!("{} for {} of plaintext (+16-byte tag)", exact_bytes(s.ciphertext_bytes), exact_bytes(s.plaintext_bytes)) }</dd>
                </div>
            </dl>
            <div class="heads">
                { head("cipher-head", "Stored: first bytes of ciphertext", &s.ciphertext_head_hex) }
                { head("plain-head", "Your bytes: first bytes of plaintext", &s.plaintext_head_hex) }
            </div>
            <p class="hint">
                { "AES-256-GCM under this blob's own data key; the data key is stored only wrapped by the \
                   registry key above. The storage account holds the left column, never the right." }
            </p>
            { tamper }
        </div>
    }
}

fn head(class: &'static str, caption: &'static str, hex: &str) -> Html {
    html! {
        <figure class={classes!("head", class)} data-hex={hex.to_string()}>
            <figcaption>{ caption }</figcaption>
            <code class="hex">{ for hex_rows(hex).into_iter().map(|row| html! { <span class="hex-row">{ row }</span> }) }</code>
            <div class="as-text" title="The same bytes read as text (· for non-printable)"><code>{ hex_as_text(hex) }</code></div>
        </figure>
    }
}
