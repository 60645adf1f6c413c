//! The session panel (`#session`): what became of the saved session when the page opened, the
//! copy saved last (its size, and how much of it is uploaded bytes), persistent storage and the
//! browser's quota, export, import (chosen or dropped) and the share link.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::inline_error;
use crate::ui::browser::files_of;
use crate::ui::format::{count, exact_bytes, human_bytes};
use crate::ui::keep::{ImportView, Keep, KeepUi, LINK_FRAGMENT_MAX, Line, LinkView, SaveInfo, Tone};

#[derive(Properties, PartialEq)]
pub struct SessionProps {
    pub keep: Keep,
    pub on_keep: Callback<KeepUi>,
}

#[function_component(SessionPanel)]
pub fn session_panel(props: &SessionProps) -> Html {
    let dragging = use_state(|| false);
    let k = &props.keep;
    let on_keep = &props.on_keep;
    let on_pick = on_keep.reform(|e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let files = files_of(input.files());
        input.set_value("");
        KeepUi::Import(files)
    });
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(true);
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let on_drop = {
        let (dragging, on_keep) = (dragging.clone(), on_keep.clone());
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            let files = files_of(e.data_transfer().and_then(|d| d.files()));
            if !files.is_empty() {
                on_keep.emit(KeepUi::Import(files));
            }
        })
    };
    let saved = k.saved.as_ref();
    html! {
        <section id="session" class="panel session-panel" aria-labelledby="session-title"
            data-saved-hash={saved.map(|s| s.hash.clone()).unwrap_or_default()}
            data-saved-bytes={saved.map(|s| s.text_bytes.to_string()).unwrap_or_default()}>
            <h2 id="session-title">{ "Your session" }</h2>
            <p class="hint">{ "Everything you do to the registry is recorded. It is saved in this browser as you go \
                               (at most once a second, and when you leave the page) and replayed when you come back. \
                               Export it as a file, import one, or share a link that replays it." }</p>
            { opened(k) }
            if let Some(why) = &k.unavailable {
                <p id="session-unavailable" class="inline-error" role="alert">{ why }</p>
            }
            { saved_line(saved, k.unavailable.is_some()) }
            if let Some(why) = &k.save_error {
                <p id="session-save-error" class="inline-error" role="alert">{ why }</p>
            }
            { storage_line(k) }
            { kept(k, on_keep) }
            <div class="session-buttons">
                <button id="session-export" type="button"
                    title="Download the whole session as a JSON file: how the registry was made, every action with its virtual time, and the bytes you uploaded"
                    onclick={on_keep.reform(|_| KeepUi::Export)}>{ "Export session" }</button>
                <label class="button" for="session-import-file"
                    title="Read a session file (from Export session): the engine checks it and replays it, then asks before it replaces this registry">
                    { "Import session…" }
                </label>
                <input id="session-import-file" class="visually-hidden" type="file" accept=".json,application/json"
                    onchange={on_pick} />
                <button id="session-share" type="button"
                    title="Make a link that carries this session in its address: opening it replays the same registry to the same state"
                    onclick={on_keep.reform(|_| KeepUi::Share)}>{ "Share link" }</button>
            </div>
            <div id="session-drop" class={classes!("dropzone", "session-drop", (*dragging).then_some("dragging"))}
                ondragover={on_drag_over} ondragleave={on_drag_leave} ondrop={on_drop}>
                { "…or drop a session file here to import it" }
            </div>
            { link(k, on_keep) }
            { import(k.import.as_ref(), on_keep) }
            { line("session-export-note", k.export_note.as_ref()) }
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

fn line(id: &'static str, l: Option<&Line>) -> Html {
    let Some(l) = l else { return html! {} };
    let role = if l.tone == Tone::Error { "alert" } else { "status" };
    html! { <p {id} class={tone_class(l.tone)} {role}>{ &l.text }</p> }
}

/// What became of the saved session (or the link) when the page opened, and how long it took.
fn opened(k: &Keep) -> Html {
    let Some(l) = &k.opened else { return html! {} };
    let role = if l.tone == Tone::Error { "alert" } else { "status" };
    let took = k.restore_ms.map(|ms| {
        let ms = ms.max(0.0).round() as u64;
        html! { <span class="muted restore-ms" data-ms={ms.to_string()}>{ format!(" Replayed in {ms} ms.") }</span> }
    });
    html! {
        <p id="session-opened" class={tone_class(l.tone)} {role}>{ &l.text }{ took }</p>
    }
}

fn saved_line(saved: Option<&SaveInfo>, unavailable: bool) -> Html {
    if unavailable {
        return html! {};
    }
    let Some(s) = saved else {
        return html! {
            <p id="session-saved" class="session-line muted" data-bytes="0">
                { "Not saved in this browser yet." }
            </p>
        };
    };
    let when = if s.at.is_empty() { String::new() } else { format!(" at {}", s.at) };
    let upload = if s.upload_bytes == 0 {
        "no uploaded bytes (synthetic layers and settings replay from the log)".to_string()
    } else {
        format!(
            "of which {} is the {} you uploaded, as base64",
            human_bytes(s.upload_text_bytes),
            exact_bytes(s.upload_bytes)
        )
    };
    html! {
        <p id="session-saved" class="session-line" data-bytes={s.text_bytes.to_string()}
            data-upload-bytes={s.upload_bytes.to_string()} data-actions={s.actions.to_string()}
            data-now-ms={s.now.0.to_string()} data-hash={s.hash.clone()}>
            { format!(
                "Saved in this browser{when}: {} ({}), {upload}; {}, virtual time {}.",
                human_bytes(s.text_bytes),
                exact_bytes(s.text_bytes),
                count(s.actions, "action", "actions"),
                s.now
            ) }
        </p>
    }
}

/// Persistent storage (granted or not) and the browser's estimate of use and quota.
fn storage_line(k: &Keep) -> Html {
    let persisted = match k.persisted {
        None => return html! {},
        Some(true) => "Persistent storage: granted. The browser will not clear your saved session by itself.",
        Some(false) => {
            "Persistent storage: not granted. The browser may clear saved sessions when it runs short \
                        of space; export the session to be sure to keep it."
        }
    };
    let estimate = k.estimate.map(|(usage, quota)| {
        format!(
            " This site uses {} of its quota of {} (the browser's estimate).",
            human_bytes(usage),
            human_bytes(quota)
        )
    });
    html! {
        <p id="session-storage" class="session-line muted" data-persisted={k.persisted.map(|p| p.to_string())}
            data-usage={k.estimate.map(|e| e.0.to_string())} data-quota={k.estimate.map(|e| e.1.to_string())}>
            { persisted }{ estimate }
        </p>
    }
}

fn kept(k: &Keep, on_keep: &Callback<KeepUi>) -> Html {
    let Some(kept) = &k.kept else { return html! {} };
    html! {
        <div id="session-kept" class="session-kept" data-bytes={kept.text_bytes.to_string()}>
            <p>{ format!("Kept in this browser: {} ({}).", kept.why, human_bytes(kept.text_bytes)) }</p>
            <div class="session-buttons">
                <button id="session-kept-download" type="button" title="Save the kept copy as a file"
                    onclick={on_keep.reform(|_| KeepUi::DownloadKept)}>{ "Download it" }</button>
                <button id="session-kept-forget" type="button" class="quiet"
                    title="Delete the kept copy from this browser (download it first to keep it)"
                    onclick={on_keep.reform(|_| KeepUi::ForgetKept)}>{ "Delete it" }</button>
            </div>
        </div>
    }
}

fn link(k: &Keep, on_keep: &Callback<KeepUi>) -> Html {
    let Some(view) = &k.link else { return html! {} };
    let limit = human_bytes(LINK_FRAGMENT_MAX as u64);
    match view {
        LinkView::Ready { url, fragment_bytes } => {
            let copy = {
                let url = url.clone();
                on_keep.reform(move |_| KeepUi::CopyLink(url.clone()))
            };
            html! {
                <div id="session-link" class="session-link" data-bytes={fragment_bytes.to_string()}>
                    <label for="session-link-url">{ "Share link" }</label>
                    <div class="session-link-row">
                        <input id="session-link-url" type="text" readonly=true value={url.clone()}
                            onfocus={Callback::from(|e: FocusEvent| e.target_unchecked_into::<HtmlInputElement>().select())} />
                        <button id="session-link-copy" type="button" class="primary" onclick={copy}
                            title="Copy the link to the clipboard">{ "Copy" }</button>
                    </div>
                    <p class="hint">{ format!(
                        "Its data takes {} of the {limit} a link may carry. Opening it replays this session to the same state.",
                        human_bytes(*fragment_bytes as u64)
                    ) }</p>
                    { line("session-link-note", k.link_note.as_ref()) }
                </div>
            }
        }
        LinkView::TooLong { fragment_bytes, upload_bytes } => html! {
            <div id="session-link-too-long" class="inline-error" role="alert" data-bytes={fragment_bytes.to_string()}>
                <p>{ format!(
                    "This session is too big for a link: it would take {} (it carries {} of uploaded bytes), more than \
                     the {limit} a link may carry. Export it as a file instead: the file carries everything.",
                    human_bytes(*fragment_bytes as u64),
                    human_bytes(*upload_bytes)
                ) }</p>
                <button id="session-link-export" type="button" onclick={on_keep.reform(|_| KeepUi::Export)}>
                    { "Export session" }
                </button>
            </div>
        },
        LinkView::Failed(why) => html! {
            <p id="session-link-error" class="inline-error" role="alert">{ format!("Could not make a link: {why}.") }</p>
        },
    }
}

fn import(view: Option<&ImportView>, on_keep: &Callback<KeepUi>) -> Html {
    let Some(view) = view else { return html! {} };
    match view {
        ImportView::Checking(file) => html! {
            <p id="session-import-checking" class="session-line info" role="status">
                { format!("Checking {file}: the engine reads it and replays it…") }
            </p>
        },
        ImportView::Ask { file, name, actions, now, text_bytes } => html! {
            <div id="session-import-ask" class="session-ask" role="alertdialog" aria-labelledby="session-import-question">
                <p id="session-import-question">{ format!(
                    "{file} is a valid session ({}): registry {name}, {}, virtual time {now}. Replace the registry you \
                     have with it? What you have now is discarded (export it first to keep it).",
                    human_bytes(*text_bytes),
                    count(*actions, "action", "actions")
                ) }</p>
                <div class="session-buttons">
                    <button id="session-import-confirm" type="button" class="danger"
                        onclick={on_keep.reform(|_| KeepUi::ConfirmImport)}>{ "Replace my registry" }</button>
                    <button id="session-import-cancel" type="button" class="quiet"
                        onclick={on_keep.reform(|_| KeepUi::CancelImport)}>{ "Keep mine" }</button>
                </div>
            </div>
        },
        ImportView::Refused { file, error } => html! {
            <div id="session-import-error" class="session-refused">
                { inline_error(error) }
                <p class="hint">{ format!("{file} was not imported; nothing was changed.") }</p>
            </div>
        },
        ImportView::Note(l) => line("session-import-note", Some(l)),
    }
}
