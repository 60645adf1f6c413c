//! The scrubber under the clock bar: the run's history from its start to the present. Dragging
//! it (on release) shows the registry as it was then, rebuilt by the engine from its
//! checkpoints and log; "Step back" goes to the last event before now. While looking at the
//! past the page says so, and that doing anything there starts a new future; after a fork it
//! says once what the old future lost.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::engine::Millis;
use crate::engine::history::{Fork, HistoryView};
use crate::ui::state::{Action, StoryAction};

/// Every word the scrubber shows, in one place (to be translated).
mod words {
    use crate::engine::Millis;
    use crate::ui::format::count;

    pub const TITLE: &str = "History";
    pub const STEP_BACK: &str = "◀ Step back";
    pub const STEP_BACK_TITLE: &str = "Show the registry as it was at the last event before now (key: ←). Nothing is lost: the rest of the run stays ahead";
    pub const SLIDER: &str = "Virtual time to look at: the registry as it was then";
    pub const PRESENT: &str = "Back to the present";
    pub const PRESENT_TITLE: &str =
        "Show the registry at the end of the run again, as it was before you looked back";
    pub const DISMISS: &str = "Dismiss";
    pub const DISMISS_LABEL: &str = "Dismiss the notice about the dropped future";
    pub const HINT: &str = "Drag the slider to look at the registry as it was at any earlier moment of this run (the \
        engine rebuilds it from checkpoints and its log); nothing is lost until you do something there.";
    pub const EMPTY: &str = "The history starts when the clock moves or something happens.";

    pub fn release(t: Millis) -> String {
        format!("Release to look at {t}.")
    }
    pub fn in_past(now: Millis, present: Millis) -> String {
        format!(
            "Looking at {now} — the run goes on to {present}; doing anything here starts a new future from this moment."
        )
    }
    pub fn forked(at: Millis, dropped: usize) -> String {
        format!(
            "You changed the past at {at}: the old future ({}) was dropped.",
            count(dropped, "later action", "later actions")
        )
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
        html! { <p id="past-notice" class="past-notice" role="status">{ words::in_past(h.now_ms, present) }</p> }
    } else if present == Millis(0) {
        html! { <p class="hint">{ words::EMPTY }</p> }
    } else {
        html! { <p class="hint">{ words::HINT }</p> }
    };
    let fork = props.fork.map(|f| {
        html! {
            <p id="fork-notice" class="fork-notice" role="status" data-at-ms={f.at_ms.0.to_string()}
                data-dropped={f.dropped_entries.to_string()}>
                <span>{ words::forked(f.at_ms, f.dropped_entries) }</span>
                <button id="fork-dismiss" type="button" class="quiet" aria-label={words::DISMISS_LABEL}
                    onclick={story(StoryAction::DismissFork)}>{ words::DISMISS }</button>
            </p>
        }
    });
    html! {
        <section id="history" class={classes!("scrubber", h.in_past.then_some("in-past"))} aria-labelledby="history-title"
            data-in-past={h.in_past.to_string()} data-now-ms={h.now_ms.0.to_string()}
            data-present-ms={present.0.to_string()}>
            <div class="scrub-row">
                <h2 id="history-title" class="scrub-title">{ words::TITLE }</h2>
                <button id="step-back" type="button" aria-keyshortcuts="ArrowLeft" title={words::STEP_BACK_TITLE}
                    disabled={h.now_ms == Millis(0)} onclick={story(StoryAction::StepBack)}>
                    { words::STEP_BACK }
                </button>
                <span class="scrub-end mono" aria-hidden="true">{ Millis(0).to_string() }</span>
                <input id="scrubber" type="range" min="0" max={present.0.to_string()} step="1"
                    value={preview.unwrap_or(h.now_ms.0).to_string()} aria-label={words::SLIDER}
                    aria-valuetext={h.now_ms.to_string()} disabled={present == Millis(0)}
                    oninput={on_input} onchange={on_change} />
                <span id="scrub-present-time" class="scrub-end mono" aria-hidden="true">{ present.to_string() }</span>
                if h.in_past {
                    <button id="scrub-present" type="button" class="primary" title={words::PRESENT_TITLE}
                        onclick={story(StoryAction::ReturnToPresent)}>
                        { words::PRESENT }
                    </button>
                }
            </div>
            if let Some(ms) = shown {
                <p id="scrub-preview" class="scrub-preview" aria-hidden="true">{ words::release(Millis(ms)) }</p>
            }
            { notice }
            { fork }
        </section>
    }
}
