//! The session panel (`#session`): what became of the saved session when the page opened, the
//! copy saved last (its size, and how much of it is uploaded bytes), persistent storage and the
//! browser's quota, export, import (chosen or dropped) and the share link.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::inline_error;
use crate::i18n::{Arg, Lang, Msg};
use crate::ui::browser::files_of;
use crate::ui::format::counted;
use crate::ui::i18n::{t, use_lang};
use crate::ui::keep::{
    ImportView, Keep, KeepUi, KeptInfo, LINK_FRAGMENT_MAX, Line, LinkView, SaveInfo, Tone, describe,
};

/// The catalogue's `key` (`src/i18n/keep.rs`) filled with `args`, in `lang`.
fn say(lang: Lang, key: &'static str, args: impl IntoIterator<Item = Arg>) -> String {
    Msg::new(key, args).text(lang)
}

/// Words that read the same in every language (a file name, a number, a time).
fn plain(value: impl std::fmt::Display) -> Arg {
    Arg::Text(value.to_string())
}

#[derive(Properties, PartialEq)]
pub struct SessionProps {
    pub keep: Keep,
    pub on_keep: Callback<KeepUi>,
}

#[function_component(SessionPanel)]
pub fn session_panel(props: &SessionProps) -> Html {
    let lang = use_lang();
    let k = &props.keep;
    let on_keep = &props.on_keep;
    let on_pick = on_keep.reform(|e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let files = files_of(input.files());
        input.set_value("");
        KeepUi::Import(files)
    });
    let drop = crate::ui::browser::use_file_drop(on_keep.reform(KeepUi::Import));
    let saved = k.saved.as_ref();
    html! {
        <section id="session" class="panel session-panel" aria-labelledby="session-title"
            data-saved-hash={saved.map(|s| s.hash.clone()).unwrap_or_default()}
            data-saved-bytes={saved.map(|s| s.text_bytes.to_string()).unwrap_or_default()}>
            <h2 id="session-title">{ t(lang, "keep.title") }</h2>
            <p class="hint">{ t(lang, "keep.hint") }</p>
            { opened(lang, k) }
            if let Some(why) = &k.unavailable {
                <p id="session-unavailable" class="inline-error" role="alert">{ why.text(lang) }</p>
            }
            { saved_line(lang, saved, k.unavailable.is_some()) }
            { budget_line(lang, saved) }
            if let Some(why) = &k.save_error {
                <p id="session-save-error" class="inline-error" role="alert">{ why.text(lang) }</p>
            }
            { storage_line(lang, k) }
            { kept(lang, k, on_keep) }
            <div class="session-buttons">
                <button id="session-export" type="button" title={t(lang, "keep.export_title")}
                    onclick={on_keep.reform(|_| KeepUi::Export)}>{ t(lang, "keep.export") }</button>
                <label class="button" for="session-import-file" title={t(lang, "keep.import_title")}>
                    { t(lang, "keep.import") }
                </label>
                <input id="session-import-file" class="visually-hidden" type="file" accept=".json,application/json"
                    onchange={on_pick} />
                <button id="session-share" type="button" title={t(lang, "keep.share_title")}
                    onclick={on_keep.reform(|_| KeepUi::Share)}>{ t(lang, "keep.share") }</button>
            </div>
            <div id="session-drop" class={classes!("dropzone", "session-drop", drop.dragging.then_some("dragging"))}
                ondragover={drop.on_drag_over} ondragleave={drop.on_drag_leave} ondrop={drop.on_drop}>
                { t(lang, "keep.drop") }
            </div>
            { link(lang, k, on_keep) }
            { import(lang, k.import.as_ref(), on_keep) }
            { line(lang, "session-export-note", k.export_note.as_ref()) }
        </section>
    }
}

fn tone_class(tone: Tone) -> &'static str {
    match tone {
        Tone::Info => "session-line info",
        Tone::Ok => "session-line ok",
        Tone::Error => "session-line error",
    }
}

fn line(lang: Lang, id: &'static str, l: Option<&Line>) -> Html {
    let Some(l) = l else { return html! {} };
    let role = if l.tone == Tone::Error { "alert" } else { "status" };
    html! { <p {id} class={tone_class(l.tone)} {role}>{ l.text.text(lang) }</p> }
}

/// What became of the saved session (or the link) when the page opened, and how long it took.
fn opened(lang: Lang, k: &Keep) -> Html {
    let Some(l) = &k.opened else { return html! {} };
    let role = if l.tone == Tone::Error { "alert" } else { "status" };
    let took = k.restore_ms.map(|ms| {
        let ms = ms.max(0.0).round() as u64;
        html! {
            <span class="muted restore-ms" data-ms={ms.to_string()}>{ say(lang, "keep.replayed_in", [plain(ms)]) }</span>
        }
    });
    html! {
        <p id="session-opened" class={tone_class(l.tone)} {role}>{ l.text.text(lang) }{ took }</p>
    }
}

fn saved_line(lang: Lang, saved: Option<&SaveInfo>, unavailable: bool) -> Html {
    if unavailable {
        return html! {};
    }
    let Some(s) = saved else {
        return html! {
            <p id="session-saved" class="session-line muted" data-bytes="0">
                { t(lang, "keep.not_saved") }
            </p>
        };
    };
    let when = if s.at.is_empty() { plain("") } else { Msg::new("keep.saved_at", [plain(&s.at)]).into() };
    let inline = s.upload_bytes - s.apart_bytes;
    let upload: Arg = match (inline, s.apart_bytes) {
        (0, 0) => Msg::key("keep.no_upload").into(),
        (_, 0) => Msg::new("keep.upload", [Arg::Size(s.upload_text_bytes), Arg::Bytes(inline)]).into(),
        (0, apart) => Msg::new("keep.upload_all_apart", [Arg::Size(apart)]).into(),
        (_, apart) => Msg::new(
            "keep.upload_apart",
            [Arg::Size(s.upload_text_bytes), Arg::Bytes(inline), Arg::Size(apart)],
        )
        .into(),
    };
    let parts = match s.parts {
        0 => plain(""),
        n => Msg::new("keep.saved_parts", [counted("keep.parts", n).into()]).into(),
    };
    html! {
        <p id="session-saved" class="session-line" data-bytes={s.text_bytes.to_string()}
            data-upload-bytes={s.upload_bytes.to_string()} data-actions={s.actions.to_string()}
            data-now-ms={s.now.0.to_string()} data-hash={s.hash.clone()} data-parts={s.parts.to_string()}>
            { say(lang, "keep.saved", [
                when,
                Arg::Size(s.text_bytes),
                Arg::Bytes(s.text_bytes),
                parts,
                upload,
                counted("keep.actions", s.actions).into(),
                plain(s.now),
            ]) }
        </p>
    }
}

/// From 80 % of what a saved session may hold: how full it is, and the way out (at 100 % the
/// engine refuses new actions, in words).
fn budget_line(lang: Lang, saved: Option<&SaveInfo>) -> Html {
    let Some(s) = saved else { return html! {} };
    let permille = s.budget_permille();
    if permille < 800 {
        return html! {};
    }
    let [(entries, entries_max), (uploaded, uploaded_max), (text, text_max)] = s.budget;
    let key = if permille >= 1000 { "keep.budget_full" } else { "keep.budget_warn" };
    html! {
        <p id="session-budget" class="inline-error" role="alert" data-permille={permille.to_string()}>
            { say(lang, key, [
                plain(permille / 10),
                Arg::Count(entries),
                Arg::Count(entries_max),
                Arg::Size(uploaded),
                Arg::Size(uploaded_max),
                Arg::Size(text),
                Arg::Size(text_max),
            ]) }
        </p>
    }
}

/// Persistent storage (granted or not) and the browser's estimate of use and quota.
fn storage_line(lang: Lang, k: &Keep) -> Html {
    let persisted = match k.persisted {
        None => return html! {},
        Some(true) => t(lang, "keep.persisted"),
        Some(false) => t(lang, "keep.not_persisted"),
    };
    let estimate =
        k.estimate.map(|(usage, quota)| say(lang, "keep.estimate", [Arg::Size(usage), Arg::Size(quota)]));
    html! {
        <p id="session-storage" class="session-line muted" data-persisted={k.persisted.map(|p| p.to_string())}
            data-usage={k.estimate.map(|e| e.0.to_string())} data-quota={k.estimate.map(|e| e.1.to_string())}>
            { persisted }{ estimate }
        </p>
    }
}

/// The sessions set aside in this browser, each to bring back, download or delete (asked).
fn kept(lang: Lang, k: &Keep, on_keep: &Callback<KeepUi>) -> Html {
    if k.kept.is_empty() {
        return html! {};
    }
    let total: u64 = k.kept.iter().map(|i| i.text_bytes).sum();
    html! {
        <div id="session-kept" class="session-kept" data-count={k.kept.len().to_string()} data-bytes={total.to_string()}>
            <p>{ say(lang, "keep.kept_title", [counted("keep.sessions", k.kept.len()).into(), Arg::Size(total)]) }</p>
            <ul class="kept-list">
                { for k.kept.iter().map(|info| kept_item(lang, info, k.forget_ask.as_deref(), on_keep)) }
            </ul>
        </div>
    }
}

fn kept_item(lang: Lang, info: &KeptInfo, asking: Option<&str>, on_keep: &Callback<KeepUi>) -> Html {
    let key = info.key.clone();
    let on = |f: fn(String) -> KeepUi| {
        let key = key.clone();
        on_keep.reform(move |_| f(key.clone()))
    };
    let memory =
        info.in_memory().then(|| html! { <span class="muted">{ t(lang, "keep.kept_memory") }</span> });
    let ask = (asking == Some(info.key.as_str())).then(|| html! {
        <div class="session-ask kept-forget-ask" role="alertdialog" aria-label={t(lang, "keep.forget")}>
            <p>{ say(lang, "keep.forget_question", [Arg::Size(info.text_bytes)]) }</p>
            <div class="session-buttons">
                <button type="button" class="danger kept-forget-yes" onclick={on(KeepUi::ForgetKept)}>
                    { t(lang, "keep.forget_yes") }
                </button>
                <button type="button" class="quiet kept-forget-no" onclick={on_keep.reform(|_| KeepUi::CancelForget)}>
                    { t(lang, "keep.forget_no") }
                </button>
            </div>
        </div>
    });
    html! {
        <li class="kept-item" data-key={info.key.clone()} data-bytes={info.text_bytes.to_string()}
            data-actions={info.actions.map(|a| a.to_string())}>
            <p class="kept-words">{ describe(info).text(lang) }{ memory }</p>
            <div class="session-buttons">
                <button type="button" class="kept-restore" title={t(lang, "keep.kept_restore_title")}
                    onclick={on(KeepUi::RestoreKept)}>{ t(lang, "keep.kept_restore") }</button>
                <button type="button" class="kept-download" title={t(lang, "keep.download_title")}
                    onclick={on(KeepUi::DownloadKept)}>{ t(lang, "keep.download") }</button>
                <button type="button" class="quiet kept-forget" title={t(lang, "keep.forget_title")}
                    onclick={on(KeepUi::AskForget)}>{ t(lang, "keep.forget") }</button>
            </div>
            { ask }
        </li>
    }
}

fn link(lang: Lang, k: &Keep, on_keep: &Callback<KeepUi>) -> Html {
    let Some(view) = &k.link else { return html! {} };
    let limit = Arg::Size(LINK_FRAGMENT_MAX as u64);
    match view {
        LinkView::Ready { url, fragment_bytes } => {
            let copy = {
                let url = url.clone();
                on_keep.reform(move |_| KeepUi::CopyLink(url.clone()))
            };
            html! {
                <div id="session-link" class="session-link" data-bytes={fragment_bytes.to_string()}>
                    <label for="session-link-url">{ t(lang, "keep.share") }</label>
                    <div class="session-link-row">
                        <input id="session-link-url" type="text" readonly=true value={url.clone()}
                            onfocus={Callback::from(|e: FocusEvent| e.target_unchecked_into::<HtmlInputElement>().select())} />
                        <button id="session-link-copy" type="button" class="primary" onclick={copy}
                            title={t(lang, "keep.copy_title")}>{ t(lang, "keep.copy") }</button>
                    </div>
                    <p class="hint">{ say(lang, "keep.link_size", [Arg::Size(*fragment_bytes as u64), limit]) }</p>
                    { line(lang, "session-link-note", k.link_note.as_ref()) }
                </div>
            }
        }
        LinkView::TooLong { fragment_bytes, upload_bytes } => html! {
            <div id="session-link-too-long" class="inline-error" role="alert" data-bytes={fragment_bytes.to_string()}>
                <p>{ say(lang, "keep.too_long", [Arg::Size(*fragment_bytes as u64), Arg::Size(*upload_bytes), limit]) }</p>
                <button id="session-link-export" type="button" onclick={on_keep.reform(|_| KeepUi::Export)}>
                    { t(lang, "keep.export") }
                </button>
            </div>
        },
        LinkView::Failed(why) => html! {
            <p id="session-link-error" class="inline-error" role="alert">{ say(lang, "keep.link_failed", [why.clone().into()]) }</p>
        },
    }
}

fn import(lang: Lang, view: Option<&ImportView>, on_keep: &Callback<KeepUi>) -> Html {
    let Some(view) = view else { return html! {} };
    match view {
        ImportView::Checking(file) => html! {
            <p id="session-import-checking" class="session-line info" role="status">
                { say(lang, "keep.checking", [plain(file)]) }
            </p>
        },
        ImportView::Ask { file, name, actions, now, text_bytes } => html! {
            <div id="session-import-ask" class="session-ask" role="alertdialog" aria-labelledby="session-import-question">
                <p id="session-import-question">{ say(lang, "keep.ask", [
                    plain(file),
                    Arg::Size(*text_bytes),
                    plain(name),
                    counted("keep.actions", *actions).into(),
                    plain(now),
                ]) }</p>
                <div class="session-buttons">
                    <button id="session-import-confirm" type="button" class="danger"
                        onclick={on_keep.reform(|_| KeepUi::ConfirmImport)}>{ t(lang, "keep.replace") }</button>
                    <button id="session-import-cancel" type="button" class="quiet"
                        onclick={on_keep.reform(|_| KeepUi::CancelImport)}>{ t(lang, "keep.keep_mine") }</button>
                </div>
            </div>
        },
        ImportView::Refused { file, error } => html! {
            <div id="session-import-error" class="session-refused">
                { inline_error(error) }
                <p class="hint">{ say(lang, "keep.not_imported", [plain(file)]) }</p>
            </div>
        },
        ImportView::Note(l) => line(lang, "session-import-note", Some(l)),
    }
}
