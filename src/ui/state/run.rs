//! The clock running by itself: at a speed, optionally until a time, in slices. Every tick of
//! the page's timer moves virtual time by the speed times the tick, running the jobs due on the
//! way one at a time, and stops early when a tick has worked for its time budget (the clock
//! then stands at the last job run and catches up on later ticks), so the page never freezes.
//! Also: a change made from outside the page (the console).

use crate::engine::{Millis, Registry};
use crate::i18n::Msg;
use crate::ui::format::{counted, parse_instant};

use super::{State, UiError, busy};

/// Real milliseconds between ticks of the page's timer.
pub const TICK_MS: u32 = 100;
/// Real milliseconds of job work a tick may spend before it yields to the page.
const TICK_BUDGET_MS: f64 = 40.0;
/// The speeds offered: virtual milliseconds per real millisecond (0: as fast as it goes).
pub const RUN_SPEEDS: [(u32, &str); 5] = [(1, "×1"), (10, "×10"), (60, "×60"), (600, "×600"), (0, "max")];
/// How far one tick at "max" may move the clock when no end is set.
const MAX_SPEED_SLICE: Millis = Millis::HOUR;

/// The clock while it runs by itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunSnap {
    /// Virtual ms per real ms; 0: as fast as the tick budget allows.
    pub speed: u32,
    /// Where it stops by itself.
    pub until: Option<Millis>,
    /// When it started, and the jobs run since.
    pub started_at: Millis,
    pub jobs: usize,
    /// Started by the scenario's "Run to the end": reaching the end plays the scenario's final
    /// phase (if it has one).
    pub scenario_end: bool,
    /// Started by the story's "Continue": reaching the end shows the next frame.
    pub guide: bool,
}

impl RunSnap {
    pub fn speed_words(&self) -> &'static str {
        RUN_SPEEDS.iter().find(|(s, _)| *s == self.speed).map_or("?", |(_, w)| *w)
    }
}

/// What one tick did.
struct Slice {
    jobs: usize,
    now: Millis,
    /// The tick ran out of its budget before it reached its target.
    behind: bool,
}

/// Runs the jobs due up to `target` one at a time, for at most the tick's budget, then moves
/// the clock to `target` if every job due by then has run.
fn slice(r: &mut Registry, target: Millis) -> Slice {
    let started = js_sys::Date::now();
    let mut jobs = 0;
    let mut behind = false;
    while let Some(next) = r.pending_jobs(1).first().map(|j| j.at_ms) {
        if next > target {
            break;
        }
        if jobs > 0 && js_sys::Date::now() - started > TICK_BUDGET_MS {
            behind = true;
            break;
        }
        r.step();
        jobs += 1;
    }
    if !behind && target > r.now() {
        jobs += r.run_for(Millis(target.0 - r.now().0));
    }
    Slice { jobs, now: r.now(), behind }
}

impl State {
    /// Starts the clock running (or changes the speed and end of a run).
    pub(super) fn run(&mut self, speed: u32, until: &str) {
        let Some(now) = self.with(|r| Ok(r.now())) else { return };
        let until = until.trim();
        let until = if until.is_empty() {
            None
        } else {
            match parse_instant(until, now) {
                Ok(at) if at > now => Some(at),
                Ok(at) => {
                    return self.fail(UiError::page(
                        "INVALID_INPUT",
                        Msg::new("notes.until_past", [at.to_string().into(), now.to_string().into()]),
                    ));
                }
                Err(message) => return self.fail(UiError::page("INVALID_INPUT", message)),
            }
        };
        self.start_run(speed, until);
    }

    /// Starts the clock running at `speed` until `until` (None: until paused).
    pub(super) fn start_run(&mut self, speed: u32, until: Option<Millis>) {
        let Some(now) = self.with(|r| Ok(r.now())) else { return };
        if !RUN_SPEEDS.iter().any(|(s, _)| *s == speed) {
            return self.fail(UiError::page(
                "INVALID_INPUT",
                Msg::new("notes.speed_bad", [speed.to_string().into()]),
            ));
        }
        let (started_at, jobs) = self.running.as_ref().map_or((now, 0), |r| (r.started_at, r.jobs));
        // A new speed for the same run keeps what the run was started for.
        let same = self.running.as_ref().filter(|r| r.until == until);
        let scenario_end = same.is_some_and(|r| r.scenario_end);
        let guide = same.is_some_and(|r| r.guide);
        let run = RunSnap { speed, until, started_at, jobs, scenario_end, guide };
        self.note(running_words(&run, now));
        self.running = Some(run);
    }

    pub(super) fn pause(&mut self) {
        let Some(run) = self.running.take() else { return };
        let now = self.with(|r| Ok(r.now())).unwrap_or(run.started_at);
        self.note(Msg::new(
            "notes.paused",
            [
                now.to_string().into(),
                run.started_at.to_string().into(),
                counted("notes.jobs", run.jobs).into(),
            ],
        ));
    }

    /// One tick: moves the clock by the speed times the tick (up to the end), in a slice.
    pub(super) fn run_tick(&mut self) {
        let Some(mut run) = self.running.clone() else { return };
        let Some(reg) = self.registry.clone() else { return };
        let done = {
            let Ok(mut r) = reg.try_borrow_mut() else { return self.fail(busy()) };
            let now = r.now();
            let step = match run.speed {
                0 => run.until.map_or(MAX_SPEED_SLICE, |u| Millis(u.0.saturating_sub(now.0))),
                s => Millis(u64::from(s) * u64::from(TICK_MS)),
            };
            let mut target = now.saturating_add(step);
            if let Some(until) = run.until {
                target = target.min(until);
            }
            // Looking at the past, running plays the run already made (nothing is dropped) and
            // stops at its end.
            if r.history_view().in_past {
                let result = r.travel_to(target);
                drop(r);
                self.version += 1;
                self.checks.clear();
                match result {
                    Ok(view) if view.in_past => {
                        if self.error.is_none() {
                            self.message = Some(Msg::new(
                                "travel.playing",
                                [view.now_ms.to_string().into(), view.present_ms.to_string().into()],
                            ));
                        }
                        self.running = Some(run);
                    }
                    Ok(view) => {
                        self.running = None;
                        self.note(Msg::new("travel.played_to_end", [view.now_ms.to_string().into()]));
                    }
                    Err(e) => {
                        self.running = None;
                        self.fail(e.into());
                    }
                }
                return;
            }
            let s = slice(&mut r, target);
            run.jobs += s.jobs;
            if s.jobs > 0 {
                self.version += 1;
                self.checks.clear();
            }
            let reached = run.until.is_some_and(|u| s.now >= u && !s.behind);
            (reached, s.now)
        };
        let (reached, now) = done;
        if reached {
            self.running = None;
            let ran = Msg::new(
                "notes.ran_until",
                [
                    now.to_string().into(),
                    run.started_at.to_string().into(),
                    counted("notes.jobs", run.jobs).into(),
                ],
            );
            let phase = run.scenario_end.then(|| self.play_final_phase()).flatten();
            // The story's "Continue" says which frame it reached.
            let frame = run.guide.then(|| self.frame_words()).flatten();
            match (phase, frame) {
                (Some(phase), _) => self.note(Msg::new("notes.then", [ran.into(), phase.into()])),
                (None, _) if self.error.is_some() => {}
                (None, Some(frame)) => self.note(frame),
                (None, None) => self.note(ran),
            }
        } else {
            // Only the running line changes; an error shown stays until dismissed.
            if self.error.is_none() {
                self.message = Some(running_words(&run, now));
            }
            self.running = Some(run);
        }
    }

    /// The registry was changed from outside the page: what the page shows is rebuilt.
    pub(super) fn refreshed(&mut self) {
        self.version += 1;
        self.checks.clear();
    }
}

fn running_words(run: &RunSnap, now: Millis) -> Msg {
    let speed = match run.speed {
        0 => Msg::key("notes.speed_max"),
        s => Msg::new("notes.speed_at", [run.speed_words().into(), speed_per_second(s).into()]),
    };
    let until =
        run.until.map_or(Msg::key("notes.until_paused"), |u| Msg::new("notes.until", [u.to_string().into()]));
    Msg::new(
        "notes.running",
        [
            speed.into(),
            until.into(),
            now.to_string().into(),
            counted("notes.jobs", run.jobs).into(),
            run.started_at.to_string().into(),
        ],
    )
}

fn speed_per_second(speed: u32) -> Msg {
    match speed {
        s if s > 1 && s.is_multiple_of(60) => counted("unit.minutes", (s / 60) as usize),
        s => counted("unit.seconds", s as usize),
    }
}
