//! The clock running by itself: at a speed, optionally until a time, in slices. Every tick of
//! the page's timer moves virtual time by the speed times the tick, running the jobs due on the
//! way one at a time, and stops early when a tick has worked for its time budget (the clock
//! then stands at the last job run and catches up on later ticks), so the page never freezes.
//! Also: a change made from outside the page (the console).

use crate::engine::{Millis, Registry};
use crate::ui::format::{count, parse_instant};

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
                        format!("{at} is not ahead of the clock ({now}): type a later time, or +10m"),
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
            return self
                .fail(UiError::page("INVALID_INPUT", format!("×{speed} is not a speed the clock offers")));
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
        self.note(format!(
            "Paused at {now}: the clock ran from {} and {} ran on the way.",
            run.started_at,
            count(run.jobs, "job", "jobs")
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
            let ran = format!(
                "Ran until {now}: the clock ran from {} and {} ran on the way.",
                run.started_at,
                count(run.jobs, "job", "jobs")
            );
            let phase = run.scenario_end.then(|| self.play_final_phase()).flatten();
            // The story's "Continue" says which frame it reached.
            let frame = run.guide.then(|| self.frame_words()).flatten();
            match (phase, frame) {
                (Some(phase), _) => self.note(format!("{ran} {phase}")),
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

fn running_words(run: &RunSnap, now: Millis) -> String {
    let speed = match run.speed {
        0 => "as fast as it goes".to_string(),
        s => format!("at {} ({} of virtual time per real second)", run.speed_words(), speed_per_second(s)),
    };
    let until = run.until.map_or(" until you pause it".to_string(), |u| format!(" until {u}"));
    format!(
        "The clock is running {speed}{until}: now {now}, {} ran since {}.",
        count(run.jobs, "job", "jobs"),
        run.started_at
    )
}

fn speed_per_second(speed: u32) -> String {
    match speed {
        1 => "1 second".into(),
        s if s.is_multiple_of(60) => count((s / 60) as usize, "minute", "minutes"),
        s => format!("{s} seconds"),
    }
}
