use yew::prelude::*;

use super::inline_error;
use crate::engine::SealView;
use crate::ui::format::{exact_bytes_in, hex_as_text, hex_rows, human_bytes_in};
use crate::ui::i18n::{Lang, t, tf, tn, use_lang};
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
    let lang = use_lang();
    let b = &props.blob;
    let v = &b.view;
    let digest = v.digest.to_string();
    let key = (b.repo.clone(), digest.clone());
    let is_config = b.role == BlobRole::Config;
    let layer = || tf(lang, "blob.layer_n", &[&props.index.to_string()]);
    let (label, name) = match (&v.title, &v.synthetic, is_config) {
        (_, _, true) => (t(lang, "blob.config").to_string(), t(lang, "blob.config_name").to_string()),
        (Some(title), _, _) => (layer(), title.clone()),
        (None, Some(_), _) => (layer(), t(lang, "blob.synthetic_name").to_string()),
        (None, None, _) => (layer(), t(lang, "blob.untitled").to_string()),
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
        html! { <span class="shared" title={t(lang, "blob.shared_title")}>
            { tn(lang, "blob.shared", v.shared_with as u64) }
        </span> }
    });
    let synthetic = v.synthetic.map(|s| {
        html! {
            <p class="note synthetic-note">
                <span class="badge">{ t(lang, "blob.synthetic") }</span>
                { tf(lang, "blob.synthetic_note", &[
                    &human_bytes_in(lang, s.size_bytes), &exact_bytes_in(lang, s.size_bytes), &s.seed.to_string(),
                ]) }
            </p>
        }
    });
    let check = b.check.as_ref().map(|c| match c {
        Ok(c) if c.matches => html! {
            <p class="verify-result ok">
                { t(lang, "blob.matches") }<span class="mono">{ c.recomputed.to_string() }</span>
                <span class="muted">{ tf(lang, "blob.rehashed", &[&exact_bytes_in(lang, c.served_bytes)]) }</span>
            </p>
        },
        Ok(c) => html! {
            <p class="verify-result bad">
                { t(lang, "blob.mismatch") }<span class="mono">{ c.recomputed.to_string() }</span>
            </p>
        },
        Err(e) => html! { <div class="verify-result bad">{ inline_error(e) }</div> },
    });
    let tamper = b.tampered_key.clone().map(|record| {
        let digest = digest.clone();
        html! {
            <button type="button" class="tamper-layer warn"
                title={t(lang, "blob.flip_back_title")}
                onclick={props.on_action.reform(move |_| Action::Tamper { digest: digest.clone(), key: record.clone() })}>
                { t(lang, "blob.flip_back") }
            </button>
        }
    });
    let seal = b.seal.as_ref().map(|s| match s {
        Ok(s) => seal_panel(lang, s, &digest, b.tampered_key.is_none(), &props.on_action),
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
                <span class="size" data-bytes={v.size_bytes.to_string()} title={exact_bytes_in(lang, v.size_bytes)}>
                    { format!("{} ({})", human_bytes_in(lang, v.size_bytes), exact_bytes_in(lang, v.size_bytes)) }
                </span>
            </div>
            <div class="digest mono">{ &digest }</div>
            <div class="blob-meta">
                <span title={t(lang, "blob.stored_in_title")}>
                    { t(lang, "blob.stored_in") }<span class="account mono">{ &v.account }</span>
                </span>
                { shared }
            </div>
            { synthetic }
            <div class="actions">
                <button type="button" class="pull-layer" onclick={download}
                    title={tf(lang, "blob.download_title", &[&filename])}>
                    { t(lang, "blob.download") }
                </button>
                <button type="button" class="verify-layer" onclick={verify}
                    title={t(lang, "blob.verify_title")}>
                    { t(lang, "blob.verify") }
                </button>
                <button type="button" class="seal-layer" aria-expanded={seal_open.to_string()} onclick={toggle_seal}
                    title={t(lang, "blob.seal_title")}>
                    { if seal_open { t(lang, "blob.seal_hide") } else { t(lang, "blob.seal_show") } }
                </button>
                { tamper }
            </div>
            { check }
            { seal }
        </li>
    }
}

fn seal_panel(
    lang: Lang,
    s: &SealView,
    digest: &str,
    can_tamper: bool,
    on_action: &Callback<Action>,
) -> Html {
    let tamper = can_tamper.then(|| {
        let (digest, key) = (digest.to_string(), s.key.clone());
        html! {
            <button type="button" class="tamper-layer warn"
                title={t(lang, "blob.flip_title")}
                onclick={on_action.reform(move |_| Action::Tamper { digest: digest.clone(), key: key.clone() })}>
                { t(lang, "blob.flip") }
            </button>
        }
    });
    let wrapped_head: String = s.wrapped_key_hex.chars().take(32).collect();
    let synthetic = s.synthetic.map(|layer| {
        html! {
            <p class="note seal-synthetic" data-declared-bytes={layer.size_bytes.to_string()}
                data-sealed-bytes={s.ciphertext_bytes.to_string()}>
                { tf(lang, "blob.seal_synthetic", &[
                    &human_bytes_in(lang, layer.size_bytes), &human_bytes_in(lang, s.ciphertext_bytes),
                ]) }
            </p>
        }
    });
    html! {
        <div class="sealed">
            { synthetic }
            <dl class="seal-facts">
                <div><dt>{ t(lang, "blob.fact_account") }</dt><dd class="seal-account mono">{ &s.account }</dd></div>
                <div class="wide"><dt>{ t(lang, "blob.fact_record") }</dt><dd class="mono small">{ &s.key }</dd></div>
                <div><dt>{ t(lang, "blob.fact_key_id") }</dt><dd class="key-id mono">{ &s.key_id }</dd></div>
                <div><dt>{ t(lang, "blob.fact_wrapped") }</dt><dd class="mono small" title={s.wrapped_key_hex.clone()}>{ format!("{wrapped_head}…") }</dd></div>
                <div><dt>{ t(lang, "blob.fact_nonce") }</dt><dd class="mono small">{ &s.nonce_hex }</dd></div>
                <div>
                    <dt>{ t(lang, "blob.fact_ciphertext") }</dt>
                    <dd>{ tf(lang, "blob.ciphertext_words", &[
                        &exact_bytes_in(lang, s.ciphertext_bytes), &exact_bytes_in(lang, s.plaintext_bytes),
                    ]) }</dd>
                </div>
            </dl>
            <div class="heads">
                { head(lang, "cipher-head", t(lang, "blob.cipher_head"), &s.ciphertext_head_hex) }
                { head(lang, "plain-head", t(lang, "blob.plain_head"), &s.plaintext_head_hex) }
            </div>
            <p class="hint">{ t(lang, "blob.seal_hint") }</p>
            { tamper }
        </div>
    }
}

fn head(lang: Lang, class: &'static str, caption: &'static str, hex: &str) -> Html {
    html! {
        <figure class={classes!("head", class)} data-hex={hex.to_string()}>
            <figcaption>{ caption }</figcaption>
            <code class="hex">{ for hex_rows(hex).into_iter().map(|row| html! { <span class="hex-row">{ row }</span> }) }</code>
            <div class="as-text" title={t(lang, "blob.as_text_title")}><code>{ hex_as_text(hex) }</code></div>
        </figure>
    }
}
