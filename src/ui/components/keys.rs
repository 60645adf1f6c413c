//! Keys for the clock and the history: space runs or pauses, → runs the next job, ← steps
//! back, + and - change the speed, ? lists them (Escape closes the list). While a guided
//! story is shown they follow the story instead, as a presentation clicker expects: →, space
//! and Page Down continue one frame (as its Continue button: pressed while a frame plays, they
//! get there at once, never further), ← and Page Up go back one. Keys typed into a field, or
//! pressed while a dialog is open, are left alone; space on a focused button presses that
//! button, as it always does.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::KeyboardEvent;
use yew::prelude::*;

use crate::engine::Millis;
use crate::i18n::{Arg, Lang, Msg};
use crate::ui::i18n::{t, use_lang};
use crate::ui::state::{Action, GuideSnap, RUN_SPEEDS, StoryAction};

/// A row of the list: the keys (each a key of the catalogue when it has a name in words, as
/// `keys.space`, else shown as it is) and what they do, as a catalogue key.
type KeyRow = (&'static [&'static str], &'static str);

/// The keys outside a story.
const CLOCK_KEYS: [KeyRow; 7] = [
    (&["keys.space"], "keys.do_space"),
    (&["→"], "keys.do_right"),
    (&["←"], "keys.do_left"),
    (&["+"], "keys.do_faster"),
    (&["−"], "keys.do_slower"),
    (&["?"], "keys.do_help"),
    (&["keys.escape"], "keys.do_escape"),
];

/// The keys while a story with frames ahead is shown.
const STORY_KEYS: [KeyRow; 6] = [
    (&["→", "keys.space", "keys.page_down"], "keys.do_continue"),
    (&["←", "keys.page_up"], "keys.do_back_frame"),
    (&["+"], "keys.do_faster"),
    (&["−"], "keys.do_slower"),
    (&["?"], "keys.do_help"),
    (&["keys.escape"], "keys.do_escape"),
];

/// The keys at a story's last frame: back still goes back a frame; the rest move the clock
/// (the registry is the reader's sandbox).
const ENDED_KEYS: [KeyRow; 7] = [
    (&["←", "keys.page_up"], "keys.do_back_frame"),
    (&["keys.space"], "keys.do_space"),
    (&["→"], "keys.do_right"),
    (&["+"], "keys.do_faster"),
    (&["−"], "keys.do_slower"),
    (&["?"], "keys.do_help"),
    (&["keys.escape"], "keys.do_escape"),
];

/// Whether a guided story is shown, which decides what the keys do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StoryKeys {
    /// No story, or one hidden: the keys move the clock.
    #[default]
    Off,
    /// A story with frames ahead (`at_first`: at its first frame, where Back does nothing).
    Frames { at_first: bool },
    /// A story at its last frame: ← and Page Up go back a frame, the other keys move the clock.
    Ended { at_first: bool },
}

impl StoryKeys {
    /// The keys for `guide`, the story of the scenario loaded (if it has one), shown unless
    /// `hidden` (the reader folded it away to have the clock's keys).
    pub fn of(guide: Option<&GuideSnap>, hidden: bool) -> StoryKeys {
        let Some(g) = guide.filter(|_| !hidden) else { return StoryKeys::Off };
        let at_first = g.frame.is_none_or(|i| i == 0);
        if g.next_at.is_some() { StoryKeys::Frames { at_first } } else { StoryKeys::Ended { at_first } }
    }

    /// The rows of the list, and the sentence under them.
    fn help(self) -> (&'static [KeyRow], &'static str) {
        match self {
            StoryKeys::Off => (&CLOCK_KEYS, "keys.typing"),
            StoryKeys::Frames { .. } => (&STORY_KEYS, "keys.story_hint"),
            StoryKeys::Ended { .. } => (&ENDED_KEYS, "keys.ended_hint"),
        }
    }

    /// What `key` does in the story: `Some(action)` (None inside when it does nothing now, as
    /// its button would be disabled), or None when the key keeps its meaning outside stories.
    fn action(self, key: &str) -> Option<Option<Action>> {
        let (ahead, at_first) = match self {
            StoryKeys::Off => return None,
            StoryKeys::Frames { at_first } => (true, at_first),
            StoryKeys::Ended { at_first } => (false, at_first),
        };
        match key {
            "ArrowRight" | " " | "Spacebar" | "PageDown" if ahead => {
                Some(Some(Action::Story(StoryAction::Continue)))
            }
            "ArrowLeft" | "PageUp" => Some((!at_first).then_some(Action::Story(StoryAction::Back))),
            _ => None,
        }
    }
}

/// A speed of the clock as the page shows it in `lang`: `×60`, or the fastest in words.
pub fn speed_label_in(lang: Lang, speed: u32) -> String {
    if speed == 0 {
        return t(lang, "clock.speed_max").to_string();
    }
    RUN_SPEEDS.iter().find(|(s, _)| *s == speed).map_or("?", |(_, l)| *l).to_string()
}

/// A speed of the clock as a note's argument, drawn in the page's language: `×60`, or the
/// fastest in words.
fn speed_label(speed: u32) -> Arg {
    if speed == 0 {
        return Msg::key("clock.speed_max").into();
    }
    Arg::Text(RUN_SPEEDS.iter().find(|(s, _)| *s == speed).map_or("?", |(_, l)| *l).to_string())
}

/// What the keys act on: the clock's speed and end as the clock bar holds them, and the run.
#[derive(Clone, PartialEq)]
pub struct KeyTarget {
    /// The speed chosen in the clock bar (or the running one).
    pub speed: u32,
    /// The run's end as typed in the clock bar.
    pub until: String,
    /// The running clock's end, while it runs.
    pub running: Option<Option<Millis>>,
    pub help_open: bool,
    /// The registry shows the past (the scrubber is not at the present).
    pub in_past: bool,
    /// The page's language, for what the keys say.
    pub lang: Lang,
    /// A guided story shown: its keys come first.
    pub story: StoryKeys,
}

/// The speed one step faster (`up`) or slower than `speed`, in the order the clock offers them.
fn next_speed(speed: u32, up: bool) -> u32 {
    let i = RUN_SPEEDS.iter().position(|(s, _)| *s == speed).unwrap_or(2);
    let j = if up { (i + 1).min(RUN_SPEEDS.len() - 1) } else { i.saturating_sub(1) };
    RUN_SPEEDS[j].0
}

/// The element the key went to, if it takes typing (or is a dialog's).
fn typing_into(e: &KeyboardEvent) -> bool {
    let Some(el) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return false };
    let tag = el.tag_name().to_ascii_uppercase();
    matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA")
        || el.dyn_ref::<web_sys::HtmlElement>().is_some_and(|h| h.is_content_editable())
}

/// A control that space presses by itself.
fn presses_itself(e: &KeyboardEvent) -> bool {
    let Some(el) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return false };
    matches!(el.tag_name().to_ascii_uppercase().as_str(), "BUTTON" | "A" | "SUMMARY")
}

/// A dialog of the page is open (its own keys apply).
fn dialog_open() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(".overlay").ok().flatten())
        .is_some()
}

/// Listens for the keys on the whole document while the page is shown.
#[hook]
pub fn use_keys(
    target: KeyTarget,
    set_speed: Callback<u32>,
    set_help: Callback<bool>,
    on_action: Callback<Action>,
) {
    use_effect_with(target, move |t| {
        let t = t.clone();
        let listener = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
            if e.ctrl_key() || e.meta_key() || e.alt_key() || e.default_prevented() || typing_into(&e) {
                return;
            }
            let key = e.key();
            if t.help_open {
                if key == "Escape" || key == "?" {
                    e.prevent_default();
                    set_help.emit(false);
                }
                return;
            }
            if dialog_open() {
                return;
            }
            let space = key == " " || key == "Spacebar";
            if space && presses_itself(&e) {
                return;
            }
            if let Some(action) = t.story.action(&key) {
                e.prevent_default();
                // A key held down continues once, not once per repeat.
                if let Some(action) = action.filter(|_| !e.repeat()) {
                    on_action.emit(action);
                }
                return;
            }
            let action = match key.as_str() {
                " " | "Spacebar" => Some(match t.running {
                    Some(_) => Action::Pause,
                    None => Action::Run { speed: t.speed, until: t.until.clone() },
                }),
                // In the past → follows the run already made; at the present it runs the next job.
                "ArrowRight" if t.in_past => Some(Action::Story(StoryAction::StepForward)),
                "ArrowRight" => Some(Action::StepJob),
                "ArrowLeft" => Some(Action::Story(StoryAction::StepBack)),
                "+" | "=" | "-" | "_" => {
                    let speed = next_speed(t.speed, key == "+" || key == "=");
                    set_speed.emit(speed);
                    Some(match t.running {
                        // A change of speed while running applies at once, to the same end.
                        Some(until) => {
                            Action::Run { speed, until: until.map(|u| u.to_string()).unwrap_or_default() }
                        }
                        None => Action::Note(Msg::new("keys.speed", [speed_label(speed)])),
                    })
                }
                "?" => {
                    set_help.emit(true);
                    None
                }
                _ => return,
            };
            e.prevent_default();
            if let Some(action) = action {
                on_action.emit(action);
            }
        });
        let document = web_sys::window().and_then(|w| w.document());
        if let Some(d) = &document {
            let _ = d.add_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(d) = &document {
                let _ = d.remove_event_listener_with_callback("keydown", listener.as_ref().unchecked_ref());
            }
            drop(listener);
        }
    });
}

#[derive(Properties, PartialEq)]
pub struct KeyHelpProps {
    pub open: bool,
    /// The story shown, if any: the list shows its keys.
    #[prop_or_default]
    pub story: StoryKeys,
    pub on_close: Callback<()>,
}

/// The list of keys, over the page.
#[function_component(KeyHelp)]
pub fn key_help(props: &KeyHelpProps) -> Html {
    let lang = use_lang();
    let close_ref = use_node_ref();
    {
        let close_ref = close_ref.clone();
        use_effect_with(props.open, move |open| {
            if *open && let Some(button) = close_ref.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    if !props.open {
        return html! {};
    }
    let (rows, hint) = props.story.help();
    let close = props.on_close.reform(|_: MouseEvent| ());
    let stay = Callback::from(|e: MouseEvent| e.stop_propagation());
    html! {
        <div class="overlay key-overlay" onclick={close.clone()}>
            <div id="key-help" class="dialog key-help" role="dialog" aria-modal="true" aria-labelledby="key-help-title"
                onclick={stay}>
                <h2 id="key-help-title">{ t(lang, "keys.title") }</h2>
                <dl class="key-list" data-story={(props.story != StoryKeys::Off).to_string()}>
                    { for rows.iter().map(|(keys, what)| html! {
                        <div class="key-row">
                            <dt>{ for keys.iter().map(|key| html! { <kbd>{ key_name(lang, key) }</kbd> }) }</dt>
                            <dd>{ t(lang, what) }</dd>
                        </div>
                    }) }
                </dl>
                <p id="key-help-hint" class="hint">{ t(lang, hint) }</p>
                <div class="dialog-actions">
                    <button id="key-help-close" type="button" ref={close_ref} aria-label={t(lang, "keys.close_label")}
                        onclick={close}>{ t(lang, "common.close") }</button>
                </div>
            </div>
        </div>
    }
}

/// A key's name in the list: its words in `lang`, or the symbol itself.
fn key_name(lang: Lang, key: &'static str) -> &'static str {
    if key.starts_with("keys.") { t(lang, key) } else { key }
}

/// The button that opens the list of keys, in `lang`.
pub fn help_button(lang: Lang, on_open: Callback<()>) -> Html {
    html! {
        <button id="key-help-open" type="button" class="key-help-button" aria-keyshortcuts="?"
            aria-label={t(lang, "keys.button_label")} title={t(lang, "keys.button_label")}
            onclick={on_open.reform(|_: MouseEvent| ())}>
            { t(lang, "keys.button") }
        </button>
    }
}
