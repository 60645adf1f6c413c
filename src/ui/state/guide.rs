//! The guided story and time travel on the page. The engine owns both: it knows the frame the
//! reader is at (the last one the clock reached), runs the clock to the next one, and rebuilds
//! the registry as it was at any earlier time from its checkpoints and log. The page chooses
//! only how to show it: "Continue" runs the clock with the page's run loop at a speed that
//! plays the gap in a few real seconds (so changes are seen moving), or as fast as it goes
//! when the gap is too long; while looking at the past it replays to the next frame instead
//! (no fork). Every sentence the page says here is in `words`, drawn in the page's language.

use crate::engine::history::{Fork, HistoryView};
use crate::engine::scenario::{Localized, Look};
use crate::engine::{Millis, Registry, Scenario};
use crate::i18n::Msg;

use super::run::RUN_SPEEDS;
use super::{ScenarioList, State, UiError};

/// "Continue" plays the gap to the next frame at the slowest offered speed that takes at most
/// this many real milliseconds; a gap too long even for the fastest jumps at once.
const CONTINUE_REAL_MS: u64 = 3_000;
/// Built-in scenarios looked into to see whether they tell a story (the list's first ones).
pub const PROBE_MAX: usize = 100;

/// What the page says about the story and time travel (`travel.*`, `src/i18n/travel.rs`),
/// drawn in the page's language.
mod words {
    use crate::engine::Millis;
    use crate::engine::scenario::Localized;
    use crate::i18n::{Arg, Msg};

    fn at(t: Millis) -> Arg {
        Arg::Text(t.to_string())
    }

    pub fn story_ended() -> Msg {
        Msg::key("travel.story_ended")
    }
    pub fn no_story() -> Msg {
        Msg::key("travel.no_story")
    }
    /// Frame `i` of `n`, with its title in each language the scenario gives it in.
    pub fn frame(i: usize, n: usize, title: &Localized) -> Msg {
        let title = Arg::Each(Box::new(Localized::LANGS.map(|l| title.get(l).to_string())));
        Msg::new("travel.frame", [Arg::Text((i + 1).to_string()), Arg::Text(n.to_string()), title])
    }
    pub fn ended(frame: Msg) -> Msg {
        Msg::new("travel.frame_last", [frame.into()])
    }
    pub fn back(frame: Msg, now: Millis) -> Msg {
        Msg::new("travel.back", [frame.into(), at(now)])
    }
    pub fn replayed(frame: Msg) -> Msg {
        Msg::new("travel.replayed", [frame.into()])
    }
    pub fn skipping(until: Millis) -> Msg {
        Msg::new("travel.skipping", [at(until)])
    }
    pub fn travelled(now: Millis, present: Millis) -> Msg {
        Msg::new("travel.travelled", [at(now), at(present)])
    }
    pub fn at_present(now: Millis) -> Msg {
        Msg::new("travel.at_present", [at(now)])
    }
    pub fn stepped_back(now: Millis, from: Millis) -> Msg {
        Msg::new("travel.stepped_back", [at(now), at(from)])
    }
    pub fn stepped_forward(now: Millis, from: Millis, present: Millis) -> Msg {
        Msg::new("travel.stepped_forward", [at(now), at(from), at(present)])
    }
    pub fn at_start() -> Msg {
        Msg::key("travel.at_start")
    }
    pub fn cannot_split(now: Millis) -> Msg {
        Msg::new("travel.cannot_split", [at(now)])
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
    /// While looking at the past: the next moment of the run (nothing dropped).
    StepForward,
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
    /// That frame's time, title, text (in each language the scenario gives) and the panels it
    /// asks to look at.
    pub at: Millis,
    pub title: Localized,
    pub text: Localized,
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
            StoryAction::StepForward => self.step_forward(),
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
            title: current.map_or_else(|| view.localized_title.clone(), |f| f.title.clone()),
            text: current.map_or_else(|| view.localized_description.clone(), |f| f.text.clone()),
            look: current.map(|f| f.look.clone()).unwrap_or_default(),
            next_at,
            how,
        })
    }

    /// The frame the reader is at, in words (None: no story, or before its first frame).
    pub(super) fn frame_words(&mut self) -> Option<Msg> {
        let view = self.with(|r| Ok(r.scenario_view()))??;
        let i = view.frame?;
        let frame = view.guide.get(i)?;
        let text = words::frame(i, view.guide.len(), &frame.title);
        Some(if i + 1 == view.guide.len() { words::ended(text) } else { text })
    }

    /// "Continue": runs the clock to the next frame with the run loop, or skips ahead if it is
    /// already on its way there; while looking at the past, replays to it at once.
    fn guide_continue(&mut self) {
        let Some((next, history)) = self.with(|r| Ok((r.next_frame_at(), r.history_view()))) else { return };
        let Some(next) = next else {
            let code = if self.scenario.is_some() { "STORY_ENDED" } else { "NO_STORY" };
            let why = if self.scenario.is_some() { words::story_ended() } else { words::no_story() };
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
                let frame = self.frame_words().unwrap_or_else(|| Msg::from(String::new()));
                return self.note(words::replayed(frame));
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
        let frame = self.frame_words().unwrap_or_else(|| Msg::from(String::new()));
        self.note(words::back(frame, now));
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
            return self.note(words::at_start());
        }
        if view.now_ms == from {
            return self.note(words::cannot_split(from));
        }
        self.note(words::stepped_back(view.now_ms, from));
    }

    fn step_forward(&mut self) {
        self.running = None;
        let Some(from) = self.with(|r| Ok(r.now())) else { return };
        let Some(view) = self.change(Registry::step_forward) else { return };
        if view.in_past {
            self.note(words::stepped_forward(view.now_ms, from, view.present_ms));
        } else {
            self.note(words::at_present(view.now_ms));
        }
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
