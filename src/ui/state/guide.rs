//! The guided story and time travel on the page. The engine owns both: it knows the frame the
//! reader is at (the last one the clock reached), runs the clock to the next one, and rebuilds
//! the registry as it was at any earlier time from its checkpoints and log. The page chooses
//! only how to show it: "Continue" runs the clock with the page's run loop at a speed that
//! plays the gap in a few real seconds (so changes are seen moving), or as fast as it goes
//! when the gap is too long; while looking at the past it replays to the next frame instead
//! (no fork). Every sentence the page says here is in `words`, to be translated.

use crate::engine::history::{Fork, HistoryView};
use crate::engine::scenario::Look;
use crate::engine::{Millis, Registry, Scenario};

use super::run::RUN_SPEEDS;
use super::{ScenarioList, State, UiError};

/// The language the story is told in (the page's language switch will set it).
pub const LANG: &str = "en";
/// "Continue" plays the gap to the next frame at the slowest offered speed that takes at most
/// this many real milliseconds; a gap too long even for the fastest jumps at once.
const CONTINUE_REAL_MS: u64 = 3_000;
/// Built-in scenarios looked into to see whether they tell a story (the list's first ones).
pub const PROBE_MAX: usize = 100;

/// What the page says about the story and time travel.
mod words {
    use crate::engine::Millis;

    pub const STORY_ENDED: &str = "the story has ended: the registry is yours to explore";
    pub const NO_STORY: &str = "the scenario loaded has no story to follow";
    pub fn frame(i: usize, n: usize, title: &str) -> String {
        format!("Frame {} of {n}: {title}.", i + 1)
    }
    pub fn ended() -> &'static str {
        "The story ends here: the registry is yours."
    }
    pub fn back(frame: &str, now: Millis) -> String {
        format!(
            "Back to {frame} The registry is as it was at {now}; Continue replays the story from here, \
             and doing anything else starts a new future from this moment."
        )
    }
    pub fn replayed(frame: &str) -> String {
        format!("Replayed to the next frame at once (you were looking at the past). {frame}")
    }
    pub fn skipping(until: Millis) -> String {
        format!("Skipping ahead: the clock runs as fast as it goes to the next frame, at {until}.")
    }
    pub fn travelled(now: Millis, present: Millis) -> String {
        format!(
            "Looking at the registry as it was at {now}, rebuilt from the run's checkpoints and log. \
             The run goes on to {present}; doing anything here starts a new future from this moment."
        )
    }
    pub fn at_present(now: Millis) -> String {
        format!("Back at the present: {now}, the end of the run.")
    }
    pub fn stepped_back(now: Millis, from: Millis) -> String {
        format!("Stepped back to {now}: the registry as it was then (the clock was at {from}).")
    }
    pub const AT_START: &str = "This is the start of the run: there is nothing to step back to.";
    pub fn cannot_split(now: Millis) -> String {
        format!(
            "The clock cannot step back from {now}: the history goes back one call at a time, and the call \
             that led here is replayed whole. Drag the slider further back instead."
        )
    }
}

/// The story and time-travel controls' actions.
#[derive(Clone, Debug, PartialEq)]
pub enum StoryAction {
    /// Run the clock to the next frame (or skip ahead while it runs there).
    Continue,
    /// The previous frame, as the registry was then.
    Back,
    /// Collapse or expand the story panel.
    ToggleHidden,
    /// The scrubber: the registry as it was at this time.
    TravelTo(Millis),
    /// The registry as it was at the last event before now.
    StepBack,
    ReturnToPresent,
    DismissFork,
    /// The built-in scenarios' texts (the page fetches them after the list), to mark those
    /// that tell a story.
    Probed(Vec<(String, Result<String, UiError>)>),
}

/// The page's own state for the story and the scrubber.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StoryUi {
    /// The story panel is collapsed.
    pub hidden: bool,
    /// The last fork, shown until dismissed (the engine keeps it; the page shows it once).
    pub fork_notice: Option<Fork>,
}

/// How "Continue" moves the clock from here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContinueHow {
    /// With the run loop at this speed (a `RUN_SPEEDS` value; 0: as fast as it goes).
    Run { speed: u32, gap: Millis },
    /// Looking at the past: replayed at once from the run's log.
    Replay,
}

/// A guided scenario's story, as the story panel shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuideSnap {
    pub frames: usize,
    /// The frame the reader is at (None: before the first).
    pub frame: Option<usize>,
    /// That frame's time, title, text and the panels it asks to look at.
    pub at: Millis,
    pub title: String,
    pub text: String,
    pub look: Vec<Look>,
    /// When the next frame is shown (None: the story has ended).
    pub next_at: Option<Millis>,
    pub how: Option<ContinueHow>,
}

/// The speed that plays `gap` in at most `CONTINUE_REAL_MS` real ms (0: none does; jump).
pub fn continue_speed(gap: Millis) -> u32 {
    RUN_SPEEDS
        .iter()
        .map(|(s, _)| *s)
        .filter(|s| *s > 0)
        .find(|s| gap.0 / u64::from(*s) <= CONTINUE_REAL_MS)
        .unwrap_or(0)
}

impl State {
    pub(super) fn story(&mut self, action: StoryAction) {
        match action {
            StoryAction::Continue => self.guide_continue(),
            StoryAction::Back => self.guide_back(),
            StoryAction::ToggleHidden => self.story.hidden = !self.story.hidden,
            StoryAction::TravelTo(t) => self.travel(t),
            StoryAction::StepBack => self.step_back(),
            StoryAction::ReturnToPresent => self.return_to_present(),
            StoryAction::DismissFork => self.story.fork_notice = None,
            StoryAction::Probed(texts) => self.probed(texts),
        }
    }

    /// The page is as it opened: nothing loaded, pushed or run yet (the start screen invites
    /// the reader to pick a story).
    pub fn fresh(&self) -> bool {
        let s = &self.snapshot;
        self.scenario.is_none()
            && s.catalog.repos.is_empty()
            && s.clock.now == Millis(0)
            && s.replicas.len() <= 1
            && s.clients_total == 0
            && s.faults_total == 0
    }

    /// Marks the built-in scenarios whose text tells a story.
    fn probed(&mut self, texts: Vec<(String, Result<String, UiError>)>) {
        let ScenarioList::Ready(entries) = &mut self.scenario_list else { return };
        for (file, text) in texts {
            // A file that cannot be fetched or parsed is left as it is: loading it says why.
            let Some(frames) = text.ok().and_then(|t| Scenario::parse(&t).ok()).map(|s| s.guide.len()) else {
                continue;
            };
            if let Some(e) = entries.iter_mut().find(|e| e.file == file) {
                e.frames = frames;
                e.guided = frames > 0;
            }
        }
    }

    /// The story panel's snapshot (None: no scenario, or one without a story).
    pub(super) fn guide_snap(&self, r: &Registry) -> Option<GuideSnap> {
        let view = r.scenario_view()?;
        if view.guide.is_empty() {
            return None;
        }
        let history = r.history_view();
        let next_at = r.next_frame_at();
        let how = next_at.map(|next| {
            if history.in_past && next <= history.present_ms {
                ContinueHow::Replay
            } else {
                let gap = Millis(next.0.saturating_sub(r.now().0));
                ContinueHow::Run { speed: continue_speed(gap), gap }
            }
        });
        let current = view.frame.and_then(|i| view.guide.get(i));
        Some(GuideSnap {
            frames: view.guide.len(),
            frame: view.frame,
            at: current.map_or(Millis(0), |f| Millis(f.at_ms)),
            title: current.map_or_else(|| view.title.clone(), |f| f.title.get(LANG).to_string()),
            text: current.map_or_else(|| view.description.clone(), |f| f.text.get(LANG).to_string()),
            look: current.map(|f| f.look.clone()).unwrap_or_default(),
            next_at,
            how,
        })
    }

    /// The frame the reader is at, in words (None: no story, or before its first frame).
    pub(super) fn frame_words(&mut self) -> Option<String> {
        let view = self.with(|r| Ok(r.scenario_view()))??;
        let i = view.frame?;
        let frame = view.guide.get(i)?;
        let mut text = words::frame(i, view.guide.len(), frame.title.get(LANG));
        if i + 1 == view.guide.len() {
            text = format!("{text} {}", words::ended());
        }
        Some(text)
    }

    /// "Continue": runs the clock to the next frame with the run loop, or skips ahead if it is
    /// already on its way there; while looking at the past, replays to it at once.
    fn guide_continue(&mut self) {
        let Some((next, history)) = self.with(|r| Ok((r.next_frame_at(), r.history_view()))) else { return };
        let Some(next) = next else {
            let code = if self.scenario.is_some() { "STORY_ENDED" } else { "NO_STORY" };
            let why = if self.scenario.is_some() { words::STORY_ENDED } else { words::NO_STORY };
            return self.fail(UiError::page(code, why));
        };
        if let Some(run) = self.running.as_mut().filter(|r| r.guide && r.until == Some(next)) {
            run.speed = 0;
            return self.note(words::skipping(next));
        }
        self.running = None;
        if history.in_past {
            if next <= history.present_ms {
                if self.change(|r| r.travel_to(next)).is_none() {
                    return;
                }
                let frame = self.frame_words().unwrap_or_default();
                return self.note(words::replayed(&frame));
            }
            // The present is before the next frame: back to it (nothing dropped), then on.
            if self.change(Registry::return_to_present).is_none() {
                return;
            }
        }
        let Some(now) = self.with(|r| Ok(r.now())) else { return };
        self.start_run(continue_speed(Millis(next.0.saturating_sub(now.0))), Some(next));
        if let Some(run) = &mut self.running {
            run.guide = true;
        }
    }

    /// "Back": the previous frame, as the registry was then (the engine travels in time).
    fn guide_back(&mut self) {
        self.running = None;
        if self.change(Registry::guide_back).is_none() {
            return;
        }
        let Some(now) = self.with(|r| Ok(r.now())) else { return };
        let frame = self.frame_words().unwrap_or_default();
        self.note(words::back(&frame, now));
    }

    /// The scrubber: the registry as it was at `t` (the clock stops first).
    fn travel(&mut self, t: Millis) {
        self.running = None;
        let Some(view) = self.change(|r| r.travel_to(t)) else { return };
        self.travelled(&view);
    }

    fn step_back(&mut self) {
        self.running = None;
        let Some(from) = self.with(|r| Ok(r.now())) else { return };
        let Some(view) = self.change(Registry::step_back) else { return };
        if view.now_ms == Millis(0) && from == Millis(0) {
            return self.note(words::AT_START.to_string());
        }
        if view.now_ms == from {
            return self.note(words::cannot_split(from));
        }
        self.note(words::stepped_back(view.now_ms, from));
    }

    fn return_to_present(&mut self) {
        self.running = None;
        let Some(view) = self.change(Registry::return_to_present) else { return };
        self.travelled(&view);
    }

    fn travelled(&mut self, view: &HistoryView) {
        if view.in_past {
            self.note(words::travelled(view.now_ms, view.present_ms));
        } else {
            self.note(words::at_present(view.now_ms));
        }
    }

    /// Called with each new snapshot's history: a fork the page has not shown yet is shown.
    pub(super) fn note_fork(&mut self, history: &HistoryView) {
        let before = self.snapshot.history.as_ref().and_then(|h| h.fork);
        if history.fork.is_some() && history.fork != before {
            self.story.fork_notice = history.fork;
        }
    }
}
