//! Time travel: the registry as it was at any earlier virtual time, rebuilt from the nearest
//! checkpoint before it plus the session log (a checkpoint is a whole copy, taken every so
//! many calls or events, never one per event). While looking at the past the later part of
//! the log is kept, so the scrubber can go forward again; doing anything there forks a new
//! future and drops the old one, and says so.

use super::clock::Millis;
use super::error::Result;
use super::journal::Journal;
use super::registry::Registry;

/// A checkpoint is taken when this many calls, or this many events, have happened since the
/// last one.
/// Calls that log no event (listings, reads) cost little to replay and never make one due.
pub const CHECKPOINT_ENTRIES: usize = 64;
pub const CHECKPOINT_EVENTS: u64 = 4_000;
/// Most checkpoints kept; past it every other one goes (the first stays).
pub const CHECKPOINTS_MAX: usize = 48;
/// A bound on what the checkpoints hold together, in repositories, manifests, blobs and tags
/// (a copy of a 100,000-repository registry weighs over a million): past it every other one
/// goes, so a large registry keeps few.
pub const CHECKPOINT_WEIGHT_MAX: u64 = 6_000_000;

#[derive(Clone)]
struct Checkpoint {
    /// Log entries applied when it was taken.
    entries: usize,
    /// How much it holds (see `CHECKPOINT_WEIGHT_MAX`).
    weight: u64,
    now: Millis,
    /// The registry then, without its log and history.
    registry: Box<Registry>,
}

/// Checkpoints of this run, and, while looking at the past, the whole run's log.
#[derive(Clone, Default)]
pub struct History {
    checkpoints: Vec<Checkpoint>,
    /// The run's log while the registry shows an earlier time (None: at the present), and
    /// how many of its entries the registry has replayed whole.
    future: Option<Journal>,
    replayed: usize,
    /// The virtual time at the end of the run, and its state hash (while in the past).
    present_ms: Millis,
    present_hash: String,
    /// How many forks this run has had: a saved log written before one no longer continues.
    forks: u64,
    /// The last fork: when, and how many later calls it dropped.
    fork: Option<Fork>,
    /// Entries at the last checkpoint (or the log's start), and events then.
    since: (usize, u64),
    /// Set by a replay that had to pass the time it was asked to stop at.
    pub(super) overshoot: Option<Overshoot>,
    /// Bumped by every call recorded and every journey in time: what a saved copy is behind by.
    edits: u64,
}

/// Why a replay could not stop exactly at a time: a call (`Entry`, by index) or a queued job
/// (`Job`, by its time) that moved the clock past it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overshoot {
    Entry(usize),
    Job(Millis),
}

/// Where a journey into the past stops: at a virtual time (after everything done at it), or
/// just before a call of the log.
#[derive(Clone, Copy, Debug)]
enum Stop {
    At(Millis),
    BeforeEntry(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fork {
    pub at_ms: Millis,
    pub dropped_entries: usize,
}

/// Where the registry is in its run, as the scrubber shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryView {
    pub now_ms: Millis,
    /// The end of the run: equal to `now_ms` unless looking at the past.
    pub present_ms: Millis,
    pub in_past: bool,
    pub entries: usize,
    pub checkpoints: usize,
    pub fork: Option<Fork>,
}

impl Registry {
    /// Called before a call is recorded: a checkpoint when one is due; a fork if the registry
    /// shows the past.
    /// Counts an edit (a call recorded, a journey in time): see [`Registry::edits`].
    pub(super) fn edited(&mut self) {
        self.history.edits += 1;
    }

    pub(super) fn before_change(&mut self) {
        self.edited();
        if let Some(future) = self.history.future.take() {
            let dropped = future.entries.len().saturating_sub(self.history.replayed);
            self.history.fork = Some(super::history::Fork { at_ms: self.now, dropped_entries: dropped });
            self.history.forks += 1;
            // Checkpoints of the old future go; those within what was replayed whole stay.
            let keep = self.history.replayed;
            self.history.checkpoints.retain(|c| c.entries <= keep);
        }
        let (entries, events) = self.history.since;
        let new_events = self.last_event_seq().saturating_sub(events);
        let due = (self.journal.entries.len() >= entries + CHECKPOINT_ENTRIES && new_events >= 1)
            || new_events >= CHECKPOINT_EVENTS;
        if due {
            self.take_checkpoint();
        }
    }

    fn take_checkpoint(&mut self) {
        let registry = Box::new(self.bare_copy());
        let entries = self.journal.entries.len();
        let events = self.last_event_seq();
        let weight = self.weight();
        self.history.checkpoints.push(Checkpoint { entries, weight, now: self.now, registry });
        self.history.since = (entries, events);
        // A new entry starts after a checkpoint: clock moves are not merged across it.
        self.journal.seal_last();
        let heavy = |h: &History| h.checkpoints.iter().map(|c| c.weight).sum::<u64>() > CHECKPOINT_WEIGHT_MAX;
        while self.history.checkpoints.len() > 1 && heavy(&self.history) {
            let mut i = 0;
            self.history.checkpoints.retain(|_| {
                i += 1;
                i % 2 == 1
            });
        }
        if self.history.checkpoints.len() > CHECKPOINTS_MAX {
            let mut i = 0;
            self.history.checkpoints.retain(|_| {
                i += 1;
                i == 1 || i % 2 == 0
            });
        }
    }

    /// How much a copy of the registry holds: repositories, manifests, blobs and tags of every
    /// replica.
    fn weight(&self) -> u64 {
        let own = |repos: &super::repository::Repos| {
            repos
                .values()
                .map(|r| 1 + r.tags.len() as u64 + r.manifests.len() as u64 + r.links.len() as u64)
                .sum::<u64>()
        };
        own(&self.repos) + self.sites.iter().flatten().map(|s| own(&s.repos)).sum::<u64>()
    }

    /// A copy of the registry without its log and history.
    pub(super) fn bare_copy(&mut self) -> Registry {
        let journal = std::mem::take(&mut self.journal);
        let history = std::mem::take(&mut self.history);
        let copy = self.clone();
        self.journal = journal;
        self.history = history;
        copy
    }

    /// Puts back a `bare_copy` (an operation that must apply whole failed), keeping the log
    /// and history as they are.
    pub(super) fn restore_copy(&mut self, copy: Registry) {
        let journal = std::mem::take(&mut self.journal);
        let history = std::mem::take(&mut self.history);
        let recorder = std::mem::take(&mut self.recorder);
        *self = copy;
        self.journal = journal;
        self.history = history;
        self.recorder = recorder;
    }

    /// A number that grows with every call recorded in the log and every journey in time (it
    /// never goes back): a page saves the session when it differs from the one it saved.
    pub fn edits(&self) -> u64 {
        self.history.edits
    }

    /// How many times this run forked (acting in the past dropped a later part of it).
    pub fn fork_count(&self) -> u64 {
        self.history.forks
    }

    /// While looking at the past: the whole run's log, the end of the run and its state hash
    /// (what a saved session holds, so that a reload keeps the later part too).
    pub(super) fn whole_run(&self) -> Option<(&Journal, Millis, &str)> {
        let future = self.history.future.as_ref()?;
        Some((future, self.history.present_ms, &self.history.present_hash))
    }

    pub fn history_view(&self) -> HistoryView {
        HistoryView {
            now_ms: self.now,
            present_ms: if self.history.future.is_some() { self.history.present_ms } else { self.now },
            in_past: self.history.future.is_some(),
            entries: self.history.future.as_ref().map_or(self.journal.entries.len(), |f| f.entries.len()),
            checkpoints: self.history.checkpoints.len(),
            fork: self.history.fork,
        }
    }

    /// Shows the registry as it was at virtual time `t` (or the end of the run, if `t` is past
    /// it). Nothing is lost: going forward again replays the rest of the run. Doing anything
    /// while in the past forks: the rest of the old run is dropped.
    pub fn travel_to(&mut self, t: Millis) -> Result<HistoryView> {
        if self.history.future.is_none() && t >= self.now {
            return Ok(self.history_view());
        }
        self.travel(Stop::At(t))
    }

    /// Rebuilds the registry from the run's log up to `stop`.
    fn travel(&mut self, stop: Stop) -> Result<HistoryView> {
        let in_past = self.history.future.is_some();
        let full = self.history.future.clone().unwrap_or_else(|| self.journal.clone());
        let present = if in_past { self.history.present_ms } else { self.now };
        let present_hash = if in_past { self.history.present_hash.clone() } else { self.event_log_hash() };
        let (target, last_entry) = match stop {
            Stop::At(t) => (t.min(present), full.entries.len()),
            Stop::BeforeEntry(i) => (present, i.min(full.entries.len())),
        };
        let start =
            self.history.checkpoints.iter().rev().find(|c| c.now <= target && c.entries <= last_entry);
        let (mut r, from) = match start {
            Some(c) => {
                let mut r = (*c.registry).clone();
                r.journal = Journal {
                    origin: full.origin.clone(),
                    entries: full.entries[..c.entries].to_vec(),
                    blobs: full.blobs.clone(),
                    ..Journal::default()
                };
                r.journal.recount();
                r.journal.seal_last();
                (r, c.entries)
            }
            None => {
                let origin = full.origin.as_ref().ok_or_else(|| {
                    super::error::RegistryError::keyed(
                        super::error::ErrorCode::InvalidArgument,
                        "errors.session_no_origin",
                        [],
                    )
                })?;
                let mut r = Registry::from_origin(origin)?;
                r.journal.blobs = full.blobs.clone();
                r.journal.recount();
                (r, 0)
            }
        };
        r.recorder = Default::default();
        let until = if target >= present { None } else { Some(target) };
        // Replaying records what it replays; checkpoints are not taken again meanwhile.
        r.history.since = (usize::MAX / 2, u64::MAX / 2);
        r.history.overshoot = None;
        // What it replays was recorded within the limits, and replayed records no more.
        r.journal.limits = super::journal::SessionLimits::NONE;
        let replayed = from + r.replay_entries(&full, &full.entries[from..last_entry], until)?;
        r.journal.limits = full.limits;
        let reached_end = replayed == full.entries.len();
        let overshoot = r.history.overshoot.map(|o| match o {
            Overshoot::Entry(i) => Overshoot::Entry(from + i),
            job => job,
        });
        let mut history = std::mem::take(&mut self.history);
        history.overshoot = overshoot;
        history.present_ms = present;
        history.present_hash = present_hash;
        history.replayed = replayed;
        history.future = if reached_end { None } else { Some(full) };
        history.since = (r.journal.entries.len(), r.last_event_seq());
        history.edits += 1;
        r.history = history;
        *self = r;
        Ok(self.history_view())
    }

    /// "Step back": the registry as it was at the last event before now (or at the start).
    /// One call can move the clock (a push takes its transfer time, running what falls due
    /// meanwhile), and a call is replayed whole; if the event before now lies inside such a
    /// call, this goes back to just before the call instead.
    pub fn step_back(&mut self) -> Result<HistoryView> {
        let now = self.now;
        let target = self.events().rev().map(|e| e.at_ms).find(|at| *at < now).unwrap_or(Millis(0));
        let view = self.travel_to(target)?;
        match self.history.overshoot {
            _ if self.now < now => Ok(view),
            Some(Overshoot::Entry(i)) => self.travel(Stop::BeforeEntry(i)),
            Some(Overshoot::Job(at)) if at.0 > 0 => self.travel_to(Millis(at.0 - 1)),
            _ => Ok(view),
        }
    }

    /// "Step forward" while looking at the past: the registry at the next moment something
    /// happens in the run being looked at (the next queued job falls due, or the next call was
    /// made), without dropping the rest of it. At the end of the run it is back at the present;
    /// at the present it does nothing (running the clock on is a change, which `step` makes).
    pub fn step_forward(&mut self) -> Result<HistoryView> {
        let Some(future) = self.history.future.as_ref() else { return Ok(self.history_view()) };
        let now = self.now;
        let present = self.history.present_ms;
        // The next call after what was replayed whole (a clock move is not a call: the jobs it
        // runs are the queue's).
        let next_call = future.entries[self.history.replayed.min(future.entries.len())..]
            .iter()
            .find(|e| !matches!(e.commands.as_slice(), [c] if c.is_clock() && e.context.is_empty()))
            .map(|e| e.at_ms);
        // A call made at `now` itself (after one that took the clock to now) is the next thing.
        if next_call.is_some_and(|at| at <= now) {
            return self.travel_to(now);
        }
        let next_job = self.queue.next_due();
        let next = [next_call, next_job].into_iter().flatten().min().unwrap_or(present);
        // At least a millisecond on: a job due at `now` itself has not run in the view of `now`.
        let target = next.max(Millis(now.0.saturating_add(1)));
        if target >= present {
            return self.return_to_present();
        }
        self.travel_to(target)
    }

    /// Back to the end of the run after looking at the past.
    pub fn return_to_present(&mut self) -> Result<HistoryView> {
        let present = self.history.present_ms;
        if self.history.future.is_none() {
            return Ok(self.history_view());
        }
        self.travel_to(Millis(present.0.saturating_add(1)))
    }
}
