//! The story panel of a guided scenario: one frame at a time ("Frame i of n", its title and
//! text), Back and Continue, and the panels the frame asks to look at, outlined and scrolled
//! into view. After the last frame the registry is the reader's sandbox, and the panel folds
//! away. It stays at the top of the window while the page scrolls to what it points at.

use wasm_bindgen::JsValue;
use yew::prelude::*;

use crate::engine::Millis;
use crate::engine::scenario::Look;
use crate::ui::state::{Action, ContinueHow, GuideSnap, RUN_SPEEDS, RunSnap, StoryAction};

/// Every word this panel shows, in one place (to be translated).
mod words {
    use super::ContinueHow;
    use crate::engine::Millis;
    use crate::engine::scenario::Look;
    use crate::ui::format::{count, short_duration};

    pub const STORY: &str = "Story";
    pub const BACK: &str = "◀ Back";
    pub const BACK_TITLE: &str = "Show the previous frame, with the registry exactly as it was then";
    pub const CONTINUE: &str = "Continue ▶";
    pub const CONTINUE_TITLE: &str = "Run the clock to the next frame of the story";
    pub const SKIP: &str = "Skip ahead ▶▶";
    pub const SKIP_TITLE: &str = "The clock is on its way to the next frame: get there at once";
    pub const HIDE: &str = "Hide the story";
    pub const SHOW: &str = "Show the story";
    pub const LOOK_AT: &str = "Look at: ";
    pub const ENDS: &str = "The story ends here: the registry is yours.";
    pub const SANDBOX: &str =
        " Push, delete, fail a region or drag the history back: from now on it is a free sandbox.";
    pub const ENDED_HOW: &str = "No frame is left. Hide the story to have the whole page.";

    pub fn frame_of(i: usize, n: usize) -> String {
        format!("Frame {} of {n}", i + 1)
    }
    pub fn before_first(n: usize) -> String {
        format!("{} ahead", count(n, "frame", "frames"))
    }
    pub fn at(t: Millis) -> String {
        format!(" · at {t}")
    }
    pub fn playing(speed: &str, until: Millis) -> String {
        format!("Playing at {speed} to the next frame, at {until}: watch the map and the panels change.")
    }
    pub fn how(how: ContinueHow, speeds: &[(u32, &str)]) -> String {
        match how {
            ContinueHow::Replay => {
                "Continue replays to the next frame at once: you are looking at the past.".to_string()
            }
            ContinueHow::Run { speed: 0, gap } => {
                format!("Continue jumps {} of virtual time at once (too long to watch).", short_duration(gap))
            }
            ContinueHow::Run { speed, gap } => {
                let label = speeds.iter().find(|(s, _)| *s == speed).map_or("?", |(_, l)| *l);
                let real_s = gap.0.div_ceil(u64::from(speed)).div_ceil(1000).max(1);
                format!(
                    "Continue plays the next {} of virtual time at {label} (about {}), so you can watch it happen.",
                    short_duration(gap),
                    count(real_s as usize, "second", "seconds")
                )
            }
        }
    }

    /// What a frame asks to look at, as a link's words.
    pub fn look(look: Look) -> &'static str {
        match look {
            Look::Map => "the map",
            Look::Replicas => "the replicas",
            Look::Clients => "the clients",
            Look::Oracle => "the oracle",
            Look::Events => "the event log",
            Look::Timeline => "the fault timeline",
            Look::Catalog => "the catalog",
            Look::Storage => "the storage accounts",
            Look::Usage => "what each repository holds (catalog)",
            Look::Rates => "the request rates",
            Look::KeyVault => "the key vault",
            Look::Retention => "the retention policy",
            Look::SoftDelete => "soft delete",
            Look::Features => "webhooks and features",
            Look::Cost => "the tier and cost",
            Look::Scenario => "the scenario's steps",
            Look::Push => "the push form",
        }
    }
}

/// The element a frame's `look` points at: the id of the panel that shows it.
pub fn look_id(look: Look) -> &'static str {
    match look {
        Look::Map => "geo",
        Look::Replicas => "replicas",
        Look::Clients => "clients",
        Look::Oracle => "oracle",
        Look::Events => "events",
        Look::Timeline => "faults",
        Look::Catalog | Look::Usage => "catalog",
        Look::Storage => "accounts",
        Look::Rates => "rate-panel",
        Look::KeyVault => "key-vault",
        Look::Retention => "retention",
        Look::SoftDelete => "soft-delete",
        Look::Features => "features",
        Look::Cost => "tier-panel",
        Look::Scenario => "scenario",
        Look::Push => "push",
    }
}

/// The ids a frame points at, each once, in its order.
fn look_ids(look: &[Look]) -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = vec![];
    for id in look.iter().map(|l| look_id(*l)) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// Calls a method of a DOM object by name, with no arguments (for the few web APIs the
/// crate's `web-sys` features leave out).
fn call(target: &JsValue, method: &str) -> Option<JsValue> {
    let f = js_sys::Reflect::get(target, &JsValue::from_str(method)).ok()?;
    let f: &js_sys::Function = wasm_bindgen::JsCast::dyn_ref(&f)?;
    f.call0(target).ok()
}

fn number(target: &JsValue, field: &str) -> Option<f64> {
    js_sys::Reflect::get(target, &JsValue::from_str(field)).ok()?.as_f64()
}

/// Scrolls the window so that element `id` shows just under the story panel, unless its top
/// is in view already.
fn scroll_to(id: &str) {
    let Some(window) = web_sys::window() else { return };
    let Some(document) = window.document() else { return };
    let Some(target) = document.get_element_by_id(id) else { return };
    let Some(top) = call(&target, "getBoundingClientRect").and_then(|r| number(&r, "top")) else { return };
    let story_bottom = document
        .get_element_by_id("story")
        .and_then(|s| call(&s, "getBoundingClientRect"))
        .and_then(|r| number(&r, "bottom"))
        .unwrap_or(0.0);
    let height = window.inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(800.0);
    if top >= story_bottom && top < story_bottom + (height - story_bottom) * 0.5 {
        return;
    }
    window.scroll_by_with_x_and_y(0.0, top - story_bottom - 12.0);
}

#[derive(Properties, PartialEq)]
pub struct StoryProps {
    pub guide: Option<GuideSnap>,
    pub hidden: bool,
    pub running: Option<RunSnap>,
    pub on_action: Callback<Action>,
}

/// A guided scenario's story (nothing for other scenarios).
#[function_component(StoryPanel)]
pub fn story_panel(props: &StoryProps) -> Html {
    let ids = props.guide.as_ref().map(|g| look_ids(&g.look)).unwrap_or_default();
    {
        // A new frame: the page scrolls to the first panel it points at.
        let first = ids.first().copied().filter(|_| !props.hidden);
        let frame = props.guide.as_ref().and_then(|g| g.frame);
        use_effect_with((frame, first), move |(_, first)| {
            if let Some(id) = first {
                scroll_to(id);
            }
        });
    }
    let Some(g) = &props.guide else { return html! {} };
    let story =
        |action: StoryAction| props.on_action.reform(move |_: MouseEvent| Action::Story(action.clone()));
    let count = match g.frame {
        Some(i) => words::frame_of(i, g.frames),
        None => words::before_first(g.frames),
    };
    if props.hidden {
        return html! {
            <section id="story" class="story collapsed" aria-label={words::STORY} data-hidden="true"
                data-frame={g.frame.map(|i| i.to_string())} data-frames={g.frames.to_string()}>
                <span class="story-label">{ words::STORY }</span>
                <span id="story-frame" class="story-count">{ count }</span>
                <span class="story-collapsed-title">{ &g.title }</span>
                <button id="story-show" type="button" class="quiet" aria-expanded="false" aria-controls="story"
                    onclick={story(StoryAction::ToggleHidden)}>{ words::SHOW }</button>
            </section>
        };
    }
    let ended = g.next_at.is_none();
    // The panels the frame points at, outlined by a rule of their own (it holds whatever those
    // panels render meanwhile).
    let outline = (!ids.is_empty()).then(|| {
        let selectors: Vec<String> = ids.iter().map(|id| format!("#{id}")).collect();
        html! { <style>{ format!("{} {{ outline: 3px solid var(--look); outline-offset: 3px; }}", selectors.join(", ")) }</style> }
    });
    let looks = (!g.look.is_empty()).then(|| {
        let mut seen: Vec<&str> = vec![];
        let links: Vec<Html> = g
            .look
            .iter()
            .filter(|l| {
                let name = words::look(**l);
                let fresh = !seen.contains(&name);
                seen.push(name);
                fresh
            })
            .map(|l| {
                html! { <a href={format!("#{}", look_id(*l))} data-look={look_id(*l)}>{ words::look(*l) }</a> }
            })
            .collect();
        let mut parts = vec![];
        for (i, link) in links.into_iter().enumerate() {
            if i > 0 {
                parts.push(html! { { ", " } });
            }
            parts.push(link);
        }
        html! { <p class="story-look">{ words::LOOK_AT }{ for parts }</p> }
    });
    let playing = props.running.as_ref().filter(|r| r.guide && r.until.is_some() && r.until == g.next_at);
    let how = match (playing, g.how) {
        (Some(run), _) => words::playing(run.speed_words(), run.until.unwrap_or(Millis(0))),
        (None, Some(how)) => words::how(how, &RUN_SPEEDS),
        (None, None) => words::ENDED_HOW.to_string(),
    };
    let at = g.frame.map(|_| words::at(g.at)).unwrap_or_default();
    html! {
        <section id="story" class={classes!("story", ended.then_some("ended"))} aria-labelledby="story-title"
            data-frame={g.frame.map(|i| i.to_string())} data-frames={g.frames.to_string()}
            data-look={ids.join(" ")} data-ended={ended.to_string()}>
            { outline }
            <div class="story-body">
                <p class="story-count">
                    <span class="story-label">{ words::STORY }</span>
                    <span id="story-frame">{ count }</span>
                    <span id="story-at">{ at }</span>
                </p>
                <h2 id="story-title">{ &g.title }</h2>
                <p id="story-text" aria-live="polite">{ &g.text }</p>
                { looks }
                if ended {
                    <p id="story-end" class="story-end"><strong>{ words::ENDS }</strong>{ words::SANDBOX }</p>
                }
            </div>
            <div class="story-actions">
                <div class="story-buttons" role="group" aria-label={words::STORY}>
                    <button id="story-back" type="button" title={words::BACK_TITLE}
                        disabled={g.frame.is_none_or(|i| i == 0)} onclick={story(StoryAction::Back)}>
                        { words::BACK }
                    </button>
                    if playing.is_some() {
                        <button id="story-continue" type="button" class="primary" data-playing="true"
                            title={words::SKIP_TITLE} onclick={story(StoryAction::Continue)}>
                            { words::SKIP }
                        </button>
                    } else {
                        <button id="story-continue" type="button" class="primary" title={words::CONTINUE_TITLE}
                            disabled={ended} onclick={story(StoryAction::Continue)}>
                            { words::CONTINUE }
                        </button>
                    }
                    <button id="story-hide" type="button" class="quiet" aria-expanded="true" aria-controls="story"
                        onclick={story(StoryAction::ToggleHidden)}>{ words::HIDE }</button>
                </div>
                <p id="story-how" class="hint">{ how }</p>
            </div>
        </section>
    }
}
