//! The large preset's progress: a bar (role="progressbar") with the repositories filled so far
//! and the real time elapsed, then "done" and how long the whole load took, with a Close button
//! that takes the panel away (the status line keeps the sentence). While the load is under way
//! it asks for one slice per animation frame, so the browser paints and handles input between
//! slices and the page never freezes.

use yew::prelude::*;

use super::use_slice_per_frame;
use crate::engine::preset::PRESET_IMAGES;
use crate::ui::format::{exact_ms_in, grouped_in};
use crate::ui::i18n::{t, tf, use_lang};
use crate::ui::state::{Action, PresetLoadSnap};

/// The distinct images the preset seals and stores first (its repositories link them).
pub(super) const SHARED_IMAGES: u64 = PRESET_IMAGES as u64;

#[derive(Properties, PartialEq)]
pub struct PresetProps {
    /// The load under way or done (None: no preset was loaded into this registry).
    pub load: Option<PresetLoadSnap>,
    pub on_action: Callback<Action>,
}

#[function_component(PresetProgress)]
pub fn preset_progress(props: &PresetProps) -> Html {
    let slice = props.load.as_ref().filter(|l| !l.finished).map(|l| l.slices);
    use_slice_per_frame(slice, props.on_action.clone(), || Action::PresetSlice);
    let lang = use_lang();
    let Some(l) = &props.load else { return html! {} };
    let percent = l.percent();
    let images = grouped_in(lang, SHARED_IMAGES);
    let words = if l.finished {
        format!("{}.", l.loaded_words(lang))
    } else if !l.images_stored() {
        tf(
            lang,
            "preset.sealing",
            &[
                &images,
                &grouped_in(lang, u64::from(l.images_done)),
                &percent.to_string(),
                &exact_ms_in(lang, l.elapsed_ms),
            ],
        )
    } else {
        tf(
            lang,
            "preset.progress",
            &[
                &grouped_in(lang, u64::from(l.done)),
                &grouped_in(lang, u64::from(l.repositories)),
                &percent.to_string(),
                &exact_ms_in(lang, l.elapsed_ms),
            ],
        )
    };
    let detail = tf(
        lang,
        "preset.detail",
        &[
            &images,
            &exact_ms_in(lang, l.images_ms),
            &exact_ms_in(lang, l.elapsed_ms.saturating_sub(l.images_ms)),
            &grouped_in(lang, u64::from(l.slices.saturating_sub(1))),
        ],
    );
    let dismiss = props.on_action.reform(|_| Action::DismissPreset);
    html! {
        <section id="preset" class={classes!("panel", "preset-panel", l.finished.then_some("done"))} aria-labelledby="preset-title"
            data-finished={l.finished.to_string()} data-images-done={l.images_done.to_string()} data-elapsed-ms={l.elapsed_ms.to_string()}
            data-images-ms={l.images_ms.to_string()} data-slices={l.slices.saturating_sub(1).to_string()}>
            <div class="preset-head">
                <h2 id="preset-title">{ t(lang, if l.finished { "preset.title_done" } else { "preset.title" }) }</h2>
                if l.finished {
                    <button id="preset-dismiss" type="button" onclick={dismiss} title={t(lang, "preset.dismiss_title")}>
                        { t(lang, "preset.dismiss") }
                    </button>
                }
            </div>
            <div id="preset-progress" class="progress" role="progressbar" aria-labelledby="preset-title"
                aria-valuemin="0" aria-valuemax="100" aria-valuenow={percent.to_string()}
                aria-valuetext={words.clone()} data-done={l.done.to_string()}>
                <div class="progress-bar" style={format!("width: {percent}%")}></div>
            </div>
            <p id="preset-words">{ &words }</p>
            <p class="visually-hidden" aria-live="polite">{ if l.finished { words.as_str() } else { "" } }</p>
            if l.finished {
                <p class="hint">{ detail }</p>
            }
        </section>
    }
}
