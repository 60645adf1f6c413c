//! The catalog's image archives (`#archives`): "Import archive…" takes an OCI image layout or a
//! `docker save` tarball, as `.tar`, `.tar.gz` or `.tgz`; "Export OCI layout" downloads the OCI
//! images and "Export docker archive" the Docker ones. Below the buttons: what came in (each
//! image with its digest), what went out and what was left out and why, or the refusal with its
//! code. A large archive is read a slice per frame, with a progress bar and a Stop.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::{Progress, inline_error, progress_with_stop, use_slice_per_frame};
use crate::engine::import::{ImportProgress, ImportedImage};
use crate::engine::oci::Skipped;
use crate::i18n::{Arg, Lang, Msg};
use crate::ui::browser::files_of;
use crate::ui::i18n::{t, use_lang};
use crate::ui::state::{Action, ArchiveFormat, ArchiveOutcome, exported_words, imported_words};

/// Images and skipped images listed; the rest are counted.
const LISTED: usize = 20;

#[derive(Properties, PartialEq)]
pub struct ArchiveProps {
    pub outcome: Option<ArchiveOutcome>,
    pub on_action: Callback<Action>,
}

#[function_component(ArchiveBar)]
pub fn archive_bar(props: &ArchiveProps) -> Html {
    let lang = use_lang();
    let slice = match &props.outcome {
        Some(ArchiveOutcome::Reading { progress: Some(_), slices, .. }) => Some(*slices),
        _ => None,
    };
    use_slice_per_frame(slice, props.on_action.clone(), || Action::ImportSlice);
    let on_pick = {
        let on_action = props.on_action.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let file = files_of(input.files()).into_iter().next();
            input.set_value("");
            if let Some(file) = file {
                on_action.emit(Action::ReadArchive(file));
            }
        })
    };
    let export = |format: ArchiveFormat| props.on_action.reform(move |_| Action::ExportArchive(format));
    html! {
        <div id="archives" class="archives" role="group" aria-labelledby="archives-label">
            <div class="archive-buttons">
                <span id="archives-label" class="label">{ t(lang, "archive.label") }</span>
                <label class="button" for="archive-import-file" title={t(lang, "archive.import_title")}>
                    { t(lang, "archive.import") }
                </label>
                <input id="archive-import-file" class="visually-hidden" type="file"
                    accept=".tar,.tar.gz,.tgz,application/x-tar,application/gzip" onchange={on_pick} />
                <button id="archive-export-oci" type="button" title={t(lang, "archive.export_oci_title")}
                    onclick={export(ArchiveFormat::OciLayout)}>{ t(lang, "archive.export_oci") }</button>
                <button id="archive-export-docker" type="button" title={t(lang, "archive.export_docker_title")}
                    onclick={export(ArchiveFormat::DockerArchive)}>{ t(lang, "archive.export_docker") }</button>
            </div>
            <p class="hint">{ t(lang, "archive.hint") }</p>
            { outcome(lang, props.outcome.as_ref(), &props.on_action) }
        </div>
    }
}

fn outcome(lang: Lang, outcome: Option<&ArchiveOutcome>, on_action: &Callback<Action>) -> Html {
    let Some(outcome) = outcome else { return html! {} };
    match outcome {
        ArchiveOutcome::Reading { file, progress: None, .. } => html! {
            <p id="archive-result" class="archive-result info" role="status" data-kind="reading">
                { Msg::new("archive.reading", [file.as_str().into()]).text(lang) }
            </p>
        },
        ArchiveOutcome::Reading { file, progress: Some(p), .. } => checking(lang, file, p, on_action),
        ArchiveOutcome::Imported { file, format, gzip, images, blobs, blob_bytes } => html! {
            <div id="archive-result" class="archive-result ok" role="status" data-kind="imported"
                data-format={*format} data-gzip={gzip.to_string()} data-images={images.len().to_string()}>
                <p>{ imported_words(file, format, *gzip, images.len(), *blobs, *blob_bytes).text(lang) }</p>
                <ul class="archive-list">
                    { for images.iter().take(LISTED).map(image) }
                    { more(lang, images.len()) }
                </ul>
            </div>
        },
        ArchiveOutcome::ImportRefused { file, error } => html! {
            <div id="archive-result" class="archive-result refused" data-kind="import-refused" data-code={error.code.clone()}>
                { inline_error(error) }
                <p class="hint">{ Msg::new("archive.not_imported", [file.as_str().into()]).text(lang) }</p>
            </div>
        },
        ArchiveOutcome::Exported { format, filename, bytes, images, skipped } => html! {
            <div id="archive-result" class="archive-result ok" role="status" data-kind="exported"
                data-format={format.as_str()} data-filename={filename.clone()} data-bytes={bytes.to_string()}
                data-images={images.to_string()} data-skipped={skipped.len().to_string()}>
                <p>{ exported_words(filename, *bytes, *images).text(lang) }</p>
                if !skipped.is_empty() {
                    <p class="archive-left-out">{ t(lang, "archive.left_out") }</p>
                    <ul class="archive-list">
                        { for skipped.iter().take(LISTED).map(|s| left_out(lang, s)) }
                        { more(lang, skipped.len()) }
                    </ul>
                }
            </div>
        },
        ArchiveOutcome::ExportRefused { format, error } => html! {
            <div id="archive-result" class="archive-result refused" data-kind="export-refused"
                data-format={format.as_str()} data-code={error.code.clone()}>
                { inline_error(error) }
                <p class="hint">{ t(lang, "archive.not_saved") }</p>
            </div>
        },
    }
}

/// A large archive being read: how far, as a bar and in words, and Stop.
fn checking(lang: Lang, file: &str, p: &ImportProgress, on_action: &Callback<Action>) -> Html {
    let percent = (p.fraction * 100.0).floor().clamp(0.0, 100.0) as u64;
    let words = Msg::new("archive.checking", [file.into(), Arg::Count(percent)]).text(lang);
    let bar = Progress {
        bar_id: "archive-progress",
        stop_id: "archive-stop",
        label: "archive.checking_label",
        stop: "archive.stop",
        stop_title: "archive.stop_title",
        percent,
        words,
        on_stop: on_action.reform(|_| Action::StopImport),
    };
    html! {
        <div id="archive-result" class="archive-result info" role="status" data-kind="reading"
            data-step={p.step} data-percent={percent.to_string()}>
            { progress_with_stop(lang, bar) }
        </div>
    }
}

/// An imported image: `repo:tag` (or `repo@digest` untagged) and its manifest digest.
fn image(i: &ImportedImage) -> Html {
    let name = match &i.tag {
        Some(tag) => format!("{}:{tag}", i.repo),
        None => i.repo.to_string(),
    };
    html! {
        <li data-image={name.clone()} data-digest={i.digest.to_string()}>
            <code translate="no">{ name }</code>{ " " }<code class="digest" translate="no">{ i.digest.to_string() }</code>
        </li>
    }
}

/// An image an export left out, and why.
fn left_out(lang: Lang, s: &Skipped) -> Html {
    html! {
        <li data-image={s.image.clone()} data-reason={s.reason.key()}>
            <code translate="no">{ &s.image }</code>{ " — " }{ Msg::key(s.reason.key()).text(lang) }
        </li>
    }
}

/// "and 3 more", past the first `LISTED`.
fn more(lang: Lang, total: usize) -> Html {
    if total <= LISTED {
        return html! {};
    }
    html! { <li class="muted">{ Msg::new("archive.more", [Arg::Count((total - LISTED) as u64)]).text(lang) }</li> }
}
