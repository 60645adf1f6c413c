//! The story panel of a guided scenario: one frame at a time ("Frame i of n", its title, two
//! sentences and the rest behind "More"), Back and Continue, and the panels the frame asks to
//! look at, outlined (the side area shows them beside the map, `stage.rs`). After the last frame
//! the registry is the reader's sandbox.

use yew::prelude::*;

use crate::engine::Millis;
use crate::engine::scenario::{Localized, Look};
use crate::i18n::Lang;
use crate::ui::i18n::t;
use crate::ui::state::{Action, ContinueHow, GuideSnap, RunSnap, StoryAction};

use super::keys::speed_label_in;

/// The panel's sentences with figures, in `lang`.
mod words {
    use super::ContinueHow;
    use crate::engine::Millis;
    use crate::engine::scenario::Look;
    use crate::i18n::{Lang, Msg};
    use crate::ui::format::short_duration_in;
    use crate::ui::i18n::{t, tf, tn};

    pub fn frame_of(lang: Lang, i: usize, n: usize) -> String {
        tf(lang, "story.frame_of", &[&(i + 1).to_string(), &n.to_string()])
    }
    pub fn before_first(lang: Lang, n: usize) -> String {
        let frames = Msg::new("scenario.frames", [n.to_string().into()]).counted(n as u64);
        Msg::new("story.ahead", [frames.into()]).text(lang)
    }
    pub fn at(lang: Lang, at: Millis) -> String {
        tf(lang, "story.at", &[&at.to_string()])
    }
    pub fn playing(lang: Lang, speed: &str, until: Millis) -> String {
        tf(lang, "story.playing", &[speed, &until.to_string()])
    }
    pub fn how(lang: Lang, how: ContinueHow) -> String {
        match how {
            ContinueHow::Replay => t(lang, "story.how_replay").to_string(),
            ContinueHow::Run { speed: 0, gap } => {
                tf(lang, "story.how_jump", &[&short_duration_in(lang, gap)])
            }
            ContinueHow::Run { speed, gap } => {
                let label = super::speed_label_in(lang, speed);
                let real_s = gap.0.div_ceil(u64::from(speed)).div_ceil(1000).max(1);
                tf(
                    lang,
                    "story.how_play",
                    &[&short_duration_in(lang, gap), &label, &tn(lang, "unit.seconds", real_s)],
                )
            }
        }
    }

    /// What a frame asks to look at, as a link's words.
    pub fn look(lang: Lang, look: Look) -> &'static str {
        t(
            lang,
            match look {
                Look::Map => "story.look_map",
                Look::Replicas => "story.look_replicas",
                Look::Clients => "story.look_clients",
                Look::Oracle => "story.look_oracle",
                Look::Events => "story.look_events",
                Look::Timeline => "story.look_timeline",
                Look::Catalog => "story.look_catalog",
                Look::Storage => "story.look_storage",
                Look::Usage => "story.look_usage",
                Look::Rates => "story.look_rates",
                Look::KeyVault => "story.look_key_vault",
                Look::Retention => "story.look_retention",
                Look::SoftDelete => "story.look_soft_delete",
                Look::Features => "story.look_features",
                Look::Cost => "story.look_cost",
                Look::Scenario => "story.look_scenario",
                Look::Push => "story.look_push",
            },
        )
    }
}

/// `Some("en")` when `text` is not written in `lang` and shows in English instead (a scenario
/// file may give a frame in English only), for the element's `lang` attribute; None otherwise.
fn shown_lang(text: &Localized, lang: Lang) -> Option<&'static str> {
    let has = match text {
        Localized::One(_) => lang == Lang::En,
        Localized::Many(m) => m.contains_key(lang.code()),
    };
    (!has).then_some("en")
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
pub fn look_ids(look: &[Look]) -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = vec![];
    for id in look.iter().map(|l| look_id(*l)) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// A frame's text: its first two sentences, and the rest behind "More" (all of it is the
/// element's text, for assistive technology and for search).
fn story_text(lang: Lang, text: &str, text_lang: Option<&'static str>) -> Html {
    let (shown, more) = split_sentences(text, 2);
    html! {
        <div id="story-text" aria-live="polite" lang={text_lang}>
            <p class="story-lead">{ shown }</p>
            if !more.is_empty() {
                <details class="story-more">
                    <summary>{ t(lang, "stage.story_more") }</summary>
                    <p>{ more }</p>
                </details>
            }
        </div>
    }
}

/// `text` cut after its `n`th sentence (a `.`, `!` or `?` followed by a space and a capital or a
/// digit), and the rest without its leading space; the whole text and "" when it has no more.
fn split_sentences(text: &str, n: usize) -> (&str, &str) {
    let mut ends = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for w in chars.windows(3) {
        let ((_, a), (i, b), (_, c)) = (w[0], w[1], w[2]);
        if matches!(a, '.' | '!' | '?') && b == ' ' && (c.is_uppercase() || c.is_ascii_digit()) {
            ends += 1;
            if ends == n {
                return (&text[..i], &text[i + 1..]);
            }
        }
    }
    (text, "")
}

/// The keys that press Continue (see `keys.rs`), for assistive technology.
const CONTINUE_KEYS: &str = "ArrowRight Space PageDown";

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
    let lang = crate::ui::i18n::use_lang();
    let ids = props.guide.as_ref().map(|g| look_ids(&g.look)).unwrap_or_default();
    {
        // A new frame: on a narrow window (no stage) the page scrolls to the first panel it
        // names; on the stage every one is in view already.
        let first = ids.first().copied().filter(|_| !props.hidden);
        let frame = props.guide.as_ref().and_then(|g| g.frame);
        use_effect_with((frame, first), move |(_, first)| {
            if let Some(id) = first {
                super::stage::bring_into_view(id, false);
            }
        });
    }
    let Some(g) = &props.guide else { return html! {} };
    let story =
        |action: StoryAction| props.on_action.reform(move |_: MouseEvent| Action::Story(action.clone()));
    let count = match g.frame {
        Some(i) => words::frame_of(lang, i, g.frames),
        None => words::before_first(lang, g.frames),
    };
    if props.hidden {
        return html! {
            <section id="story" class="story collapsed" aria-label={t(lang, "story.label")} data-hidden="true"
                data-frame={g.frame.map(|i| i.to_string())} data-frames={g.frames.to_string()}>
                <span class="story-label">{ t(lang, "story.label") }</span>
                <span id="story-frame" class="story-count">{ count }</span>
                <span class="story-collapsed-title" lang={shown_lang(&g.title, lang)}>{ g.title.get(lang.code()) }</span>
                <button id="story-show" type="button" class="quiet" aria-expanded="false" aria-controls="story"
                    onclick={story(StoryAction::ToggleHidden)}>{ t(lang, "story.show") }</button>
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
                let name = words::look(lang, **l);
                let fresh = !seen.contains(&name);
                seen.push(name);
                fresh
            })
            .map(|l| {
                // Followed by hand, not as an anchor: the panel is brought into view in its own
                // scroller, not the page.
                let id = look_id(*l);
                let go = Callback::from(move |e: MouseEvent| {
                    e.prevent_default();
                    super::stage::bring_into_view(id, true);
                });
                html! { <a href={format!("#{id}")} data-look={id} onclick={go}>{ words::look(lang, *l) }</a> }
            })
            .collect();
        let mut parts = vec![];
        for (i, link) in links.into_iter().enumerate() {
            if i > 0 {
                parts.push(html! { { ", " } });
            }
            parts.push(link);
        }
        html! { <p class="story-look">{ t(lang, "story.look_at") }{ for parts }</p> }
    });
    let playing = props.running.as_ref().filter(|r| r.guide && r.until.is_some() && r.until == g.next_at);
    let how = match (playing, g.how) {
        (Some(run), _) => {
            words::playing(lang, &speed_label_in(lang, run.speed), run.until.unwrap_or(Millis(0)))
        }
        (None, Some(how)) => words::how(lang, how),
        (None, None) => t(lang, "story.ended_how").to_string(),
    };
    let at = g.frame.map(|_| words::at(lang, g.at)).unwrap_or_default();
    html! {
        <section id="story" class={classes!("story", ended.then_some("ended"))} aria-labelledby="story-title"
            data-frame={g.frame.map(|i| i.to_string())} data-frames={g.frames.to_string()}
            data-look={ids.join(" ")} data-ended={ended.to_string()}>
            // The page scrolls to what a frame points at; the browser's scroll anchoring would
            // then move it (under the story) to keep some other panel still when a panel above
            // that one grows.
            <style>{ "html, body { overflow-anchor: none; }" }</style>
            { outline }
            <div class="story-body">
                <p class="story-count">
                    <span class="story-label">{ t(lang, "story.label") }</span>
                    <span id="story-frame">{ count }</span>
                    <span id="story-at">{ at }</span>
                </p>
                <h2 id="story-title" lang={shown_lang(&g.title, lang)}>{ g.title.get(lang.code()) }</h2>
                { story_text(lang, g.text.get(lang.code()), shown_lang(&g.text, lang)) }
                { looks }
                if ended {
                    <p id="story-end" class="story-end"><strong>{ t(lang, "story.ends") }</strong>{ t(lang, "story.sandbox") }</p>
                }
            </div>
            <div class="story-actions">
                <div class="story-buttons" role="group" aria-label={t(lang, "story.label")}>
                    <button id="story-back" type="button" aria-keyshortcuts="ArrowLeft PageUp" title={t(lang, "story.back_title")}
                        disabled={g.frame.is_none_or(|i| i == 0)} onclick={story(StoryAction::Back)}>
                        { t(lang, "story.back") }
                    </button>
                    if playing.is_some() {
                        <button id="story-continue" type="button" class="primary" data-playing="true" aria-keyshortcuts={CONTINUE_KEYS}
                            title={t(lang, "story.skip_title")} onclick={story(StoryAction::Continue)}>
                            { t(lang, "story.skip") }
                        </button>
                    } else {
                        <button id="story-continue" type="button" class="primary" aria-keyshortcuts={CONTINUE_KEYS}
                            title={t(lang, "story.continue_title")}
                            disabled={ended} onclick={story(StoryAction::Continue)}>
                            { t(lang, "story.continue") }
                        </button>
                    }
                    <button id="story-hide" type="button" class="quiet" aria-expanded="true" aria-controls="story"
                        onclick={story(StoryAction::ToggleHidden)}>{ t(lang, "story.hide") }</button>
                </div>
                <p id="story-how" class="hint">{ how }</p>
            </div>
        </section>
    }
}
