//! The scrubber under the clock bar: the run's history from its start to the present. Dragging
//! it (on release) shows the registry as it was then, rebuilt by the engine from its
//! checkpoints and log; "Step back" goes to the last event before now. While looking at the
//! past the page says so, and that doing anything there starts a new future; after a fork it
//! says once what the old future lost.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::engine::Millis;
use crate::engine::history::{Fork, HistoryView};
use crate::ui::i18n::{t, use_lang};
use crate::ui::state::{Action, StoryAction};

/// The scrubber's sentences with figures, in `lang`.
mod words {
    use crate::engine::Millis;
    use crate::i18n::{Arg, Lang, Msg};
    use crate::ui::i18n::tf;

    pub fn release(lang: Lang, t: Millis) -> String {
        tf(lang, "history.release", &[&t.to_string()])
    }
    pub fn in_past(lang: Lang, now: Millis, present: Millis) -> String {
        tf(lang, "history.in_past", &[&now.to_string(), &present.to_string()])
    }
    pub fn forked(lang: Lang, at: Millis, dropped: usize) -> String {
        let actions = Msg::new("history.later_actions", [Arg::Count(dropped as u64)]).counted(dropped as u64);
        Msg::new("history.forked", [at.to_string().into(), actions.into()]).text(lang)
    }
}

#[derive(Properties, PartialEq)]
pub struct ScrubberProps {
    pub history: Option<HistoryView>,
    /// The last fork, until dismissed.
    pub fork: Option<Fork>,
    pub on_action: Callback<Action>,
}

#[function_component(Scrubber)]
pub fn scrubber(props: &ScrubberProps) -> Html {
    // The time under the thumb while it is dragged (the registry moves on release); the
    // slider shows it meanwhile, so a render does not pull the thumb back.
    let preview = use_state(|| None::<u64>);
    let lang = use_lang();
    let Some(h) = &props.history else { return html! {} };
    let story =
        |action: StoryAction| props.on_action.reform(move |_: MouseEvent| Action::Story(action.clone()));
    let value_of = |e: &Event| {
        let v = e.target_unchecked_into::<HtmlInputElement>().value_as_number();
        (v.is_finite() && v >= 0.0).then(|| v.round() as u64)
    };
    let on_input = {
        let preview = preview.clone();
        Callback::from(move |e: InputEvent| preview.set(value_of(&e)))
    };
    let on_change = {
        let (preview, on_action) = (preview.clone(), props.on_action.clone());
        Callback::from(move |e: Event| {
            preview.set(None);
            if let Some(ms) = value_of(&e) {
                on_action.emit(Action::Story(StoryAction::TravelTo(Millis(ms))));
            }
        })
    };
    let present = h.present_ms;
    let shown = preview.filter(|ms| *ms != h.now_ms.0);
    let notice = if h.in_past {
        html! { <p id="past-notice" class="past-notice" role="status">{ words::in_past(lang, h.now_ms, present) }</p> }
    } else if present == Millis(0) {
        html! { <p class="hint">{ t(lang, "history.empty") }</p> }
    } else {
        html! { <p class="hint">{ t(lang, "history.hint") }</p> }
    };
    let fork = props.fork.map(|f| {
        html! {
            <p id="fork-notice" class="fork-notice" role="status" data-at-ms={f.at_ms.0.to_string()}
                data-dropped={f.dropped_entries.to_string()}>
                <span>{ words::forked(lang, f.at_ms, f.dropped_entries) }</span>
                <button id="fork-dismiss" type="button" class="quiet" aria-label={t(lang, "history.dismiss_label")}
                    onclick={story(StoryAction::DismissFork)}>{ t(lang, "history.dismiss") }</button>
            </p>
        }
    });
    html! {
        <section id="history" class={classes!("scrubber", h.in_past.then_some("in-past"))} aria-labelledby="history-title"
            data-in-past={h.in_past.to_string()} data-now-ms={h.now_ms.0.to_string()}
            data-present-ms={present.0.to_string()}>
            <div class="scrub-row">
                <h2 id="history-title" class="scrub-title">{ t(lang, "history.title") }</h2>
                <button id="step-back" type="button" aria-keyshortcuts="ArrowLeft" title={t(lang, "history.step_back_title")}
                    disabled={h.now_ms == Millis(0)} onclick={story(StoryAction::StepBack)}>
                    { t(lang, "history.step_back") }
                </button>
                <span class="scrub-end mono" aria-hidden="true">{ Millis(0).to_string() }</span>
                <input id="scrubber" type="range" min="0" max={present.0.to_string()} step="1"
                    value={preview.unwrap_or(h.now_ms.0).to_string()} aria-label={t(lang, "history.slider")}
                    aria-valuetext={h.now_ms.to_string()} disabled={present == Millis(0)}
                    oninput={on_input} onchange={on_change} />
                <span id="scrub-present-time" class="scrub-end mono" aria-hidden="true">{ present.to_string() }</span>
                if h.in_past {
                    <button id="scrub-forward" type="button" title={t(lang, "travel.forward_title")}
                        aria-keyshortcuts="ArrowRight" onclick={story(StoryAction::StepForward)}>
                        { t(lang, "travel.forward") }
                    </button>
                    <button id="scrub-present" type="button" class="primary" title={t(lang, "history.present_title")}
                        onclick={story(StoryAction::ReturnToPresent)}>
                        { t(lang, "history.present") }
                    </button>
                }
            </div>
            if let Some(ms) = shown {
                <p id="scrub-preview" class="scrub-preview" aria-hidden="true">{ words::release(lang, Millis(ms)) }</p>
            }
            { notice }
            { fork }
        </section>
    }
}
