//! Scenarios and the oracle on the page: the list of built-in scenarios (fetched by the page),
//! loading one in place of the live registry after the same warning "New registry" gives,
//! playing it with the clock, and the oracle's report, computed only when the clock or the
//! registry moved and only while its panel is open (it walks every acknowledged push over
//! every replica).

use std::rc::Rc;

use serde::Deserialize;

use crate::engine::scenario::{Convergence, Localized, StepOutcome};
use crate::engine::{Millis, OracleReport, Registry, Scenario};
use crate::i18n::{Arg, Lang, Msg};
use crate::ui::format::counted;

use super::guide::GuideSnap;
use super::{State, UiError};

/// Steps listed in the scenario panel: a window around the next one (the count shows them all).
pub const STEPS_SHOWN: usize = 200;

/// One built-in scenario, as `www/scenarios/index.json` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ScenarioEntry {
    pub file: String,
    pub name: String,
    /// In the page's languages (a plain string is English).
    pub title: Localized,
    /// It tells a story (frames to follow). The page finds out by reading the file; an index
    /// may say so ahead with `"guided": true`.
    #[serde(default)]
    pub guided: bool,
    /// Its story's frames, once the page has read the file (0: none, or not read yet).
    #[serde(skip)]
    pub frames: usize,
}

#[derive(Deserialize)]
struct ScenarioIndex {
    scenarios: Vec<ScenarioEntry>,
}

/// Where the list of built-in scenarios is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ScenarioList {
    #[default]
    Loading,
    Ready(Vec<ScenarioEntry>),
    Failed(UiError),
}

/// Parses `index.json`: `{"scenarios": [{"file", "name", "title"}]}`. A file name is a plain
/// name in the same folder.
pub fn parse_index(text: &str) -> Result<Vec<ScenarioEntry>, UiError> {
    let index: ScenarioIndex = serde_json::from_str(text).map_err(|e| {
        UiError::page("INVALID_ARGUMENT", Msg::new("notes.scenario_list_invalid", [e.to_string().into()]))
    })?;
    if let Some(bad) = index.scenarios.iter().find(|s| s.file.contains('/') || s.file.contains("..")) {
        return Err(UiError::page(
            "INVALID_ARGUMENT",
            Msg::new("notes.scenario_list_names", [format!("{:?}", bad.file).into()]),
        ));
    }
    Ok(index.scenarios)
}

/// A scenario fetched and checked, waiting for the person to confirm the registry's replacement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioAsk {
    pub file: String,
    pub name: String,
    pub title: Localized,
    pub steps: usize,
    pub json: Rc<str>,
}

/// One step of the loaded scenario as the panel lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepSnap {
    pub index: usize,
    pub at: Millis,
    /// The step's action in a few words, drawn in the page's language.
    pub action: Msg,
    /// The step's note, drawn in the page's language.
    pub note: Option<Localized>,
    /// Once played: the result (`ok` or an error code) and the engine's detail.
    pub outcome: Option<StepOutcome>,
}

/// The loaded scenario and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioSnap {
    pub name: String,
    /// The scenario's title and description, drawn in the page's language.
    pub title: Localized,
    pub description: Localized,
    pub total: usize,
    pub played: usize,
    pub failed: usize,
    /// The steps listed (a window of at most `STEPS_SHOWN`, around the next one).
    pub steps: Vec<StepSnap>,
    /// The index of the next step to play, if any is left.
    pub next: Option<usize>,
    /// Where "Run to the end" stops (None: when nothing is queued).
    pub run_until: Option<Millis>,
    pub workload_ops: u64,
    /// The clock has reached the end.
    pub ended: bool,
    /// The final phase's time limit, if the scenario has one (`convergeWithinMs`).
    pub converge_within: Option<Millis>,
    /// The final phase's result, once played.
    pub convergence: Option<Convergence>,
    /// A guided scenario's story, where the reader is in it.
    pub guide: Option<GuideSnap>,
}

/// The final phase's result in words, in `lang`: how long after every fault healed the replicas
/// agreed, or why they did not.
pub fn convergence_words(lang: Lang, c: &Convergence, limit: Option<Millis>) -> String {
    convergence_msg(c, limit).text(lang)
}

/// The final phase's result as a note, drawn in the page's language (the engine's detail too).
pub fn convergence_msg(c: &Convergence, limit: Option<Millis>) -> Msg {
    if c.converged {
        return Msg::new("scenario.converged", [Arg::Ms(c.after_ms.0)]);
    }
    let detail = match (&c.detail_text, &c.detail) {
        (Some(m), _) => Msg::new("notes.detail", [m.clone().into()]).into(),
        (None, Some(d)) => Msg::new("notes.detail", [Arg::Text(d.clone())]).into(),
        (None, None) => Arg::Text(String::new()),
    };
    match limit {
        Some(l) => Msg::new("scenario.not_converged_within", [Arg::Duration(l.0), detail]),
        None => Msg::new("scenario.not_converged", [detail]),
    }
}

/// The oracle's report as the page shows it, with the last convergence time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OracleSnap {
    pub report: OracleReport,
    pub convergence: Option<Millis>,
    /// The virtual time it was computed at.
    pub at: Millis,
}

impl State {
    pub(super) fn scenario_index(&mut self, list: Result<Vec<ScenarioEntry>, UiError>) {
        self.scenario_list = match list {
            Ok(l) => ScenarioList::Ready(l),
            Err(e) => ScenarioList::Failed(e),
        };
    }

    /// A scenario file arrived (or could not be fetched): checked by the engine, then the
    /// person is asked to confirm. A refusal shows in the picker and changes nothing.
    pub(super) fn scenario_fetched(&mut self, file: String, result: Result<String, UiError>) {
        self.scenario_fetching = false;
        let json = match result {
            Ok(j) => j,
            Err(e) => return self.scenario_refused(e),
        };
        let scenario = match Registry::load_scenario(&json).and_then(|_| Scenario::parse(&json)) {
            Ok(s) => s,
            Err(e) => {
                let mut e = UiError::from(e);
                e.aside = Some(Msg::new("notes.scenario_not_loaded", [file.clone().into()]));
                return self.scenario_refused(e);
            }
        };
        self.scenario_error = None;
        self.scenario_ask = Some(ScenarioAsk {
            file,
            name: scenario.name.clone(),
            title: scenario.title.clone(),
            steps: scenario.steps.len(),
            json: json.into(),
        });
    }

    fn scenario_refused(&mut self, e: UiError) {
        self.scenario_ask = None;
        self.scenario_error = Some(e.clone());
        self.fail(e);
    }

    /// Replaces the live registry with the scenario's, its steps queued at their times.
    pub(super) fn load_scenario(&mut self) {
        let Some(ask) = self.scenario_ask.take() else { return };
        let (registry, scenario) = match Registry::load_scenario(&ask.json).and_then(|r| {
            let s = Scenario::parse(&ask.json)?;
            Ok((r, s))
        }) {
            Ok(pair) => pair,
            Err(e) => return self.scenario_refused(e.into()),
        };
        let name = registry.name().to_string();
        let until = scenario.run_until_ms.map_or(Arg::Text(String::new()), |u| {
            Msg::new("notes.scenario_until", [Millis(u).to_string().into()]).into()
        });
        let steps = counted("notes.steps", scenario.steps.len());
        crate::ui::keep::replacing(Msg::new("keep.aside_story", [ask.file.clone().into()]));
        self.replace_registry(registry, name.clone());
        self.scenario = Some(Rc::new(scenario));
        self.note(Msg::new(
            "notes.scenario_loaded",
            [ask.name.clone().into(), ask.file.clone().into(), name.into(), steps.into(), until],
        ));
    }

    /// Plays the loaded scenario to its end in slices, as the clock's run does.
    pub(super) fn run_scenario_to_end(&mut self) {
        let Some(scenario) = self.scenario.clone() else {
            return self.fail(UiError::page("NO_SCENARIO", Msg::key("notes.no_scenario")));
        };
        let Some(now) = self.with(|r| Ok(r.now())) else { return };
        match scenario.run_until_ms.map(Millis) {
            Some(until) if now >= until => {
                let until = Arg::Text(until.to_string());
                match self.play_final_phase() {
                    Some(phase) => self.note(Msg::new("notes.scenario_end_then", [until, phase.into()])),
                    None if self.error.is_none() => {
                        self.note(Msg::new("notes.scenario_end_stays", [until, now.to_string().into()]))
                    }
                    None => {}
                }
            }
            Some(until) => {
                self.start_run(0, Some(until));
                if let Some(run) = &mut self.running {
                    run.scenario_end = true;
                }
            }
            None => {
                self.run_until_idle();
                if self.error.is_none()
                    && let Some(phase) = self.play_final_phase()
                {
                    match self.message.take() {
                        Some(ran) => self.note(Msg::new("notes.then", [ran.into(), phase.into()])),
                        None => self.note(phase),
                    }
                }
            }
        }
    }

    /// Plays the loaded scenario's final phase if it has one and it has not been played yet:
    /// the engine heals every fault and runs until the replicas agree, within the scenario's
    /// limit. Returns what happened in words (None: no phase to play, or a refusal, which is the
    /// page's error).
    pub(super) fn play_final_phase(&mut self) -> Option<Msg> {
        let view = self.with(|r| Ok(r.scenario_view()))??;
        let limit = view.converge_within_ms?;
        if view.convergence.is_some() {
            return None;
        }
        let c = self.change(|r| Ok(r.play_convergence_phase()))??;
        Some(convergence_msg(&c, Some(limit)))
    }

    /// The "Play the final phase" button: after the clock was run to the end by hand.
    pub(super) fn play_final_phase_by_hand(&mut self) {
        if self.scenario.is_none() {
            return self.fail(UiError::page("NO_SCENARIO", Msg::key("notes.no_scenario")));
        }
        if self.running.is_some() {
            return self.fail(UiError::page("RUNNING", Msg::key("notes.running_final_phase")));
        }
        match self.play_final_phase() {
            Some(phase) => self.note(phase),
            None if self.error.is_some() => {}
            None => self.note(Msg::key("notes.no_final_phase")),
        }
    }

    /// The scenario panel's snapshot.
    pub(super) fn scenario_snap(&self, r: &Registry) -> Option<ScenarioSnap> {
        let scenario = self.scenario.as_ref()?;
        let view = r.scenario_view()?;
        let played = view.done.len();
        let next = (played < scenario.steps.len()).then_some(played);
        let start =
            played.saturating_sub(STEPS_SHOWN / 10).min(scenario.steps.len().saturating_sub(STEPS_SHOWN));
        let steps = scenario
            .steps
            .iter()
            .enumerate()
            .skip(start)
            .take(STEPS_SHOWN)
            .map(|(index, step)| {
                let outcome = view.done.iter().find(|o| o.index == index).cloned();
                StepSnap {
                    index,
                    at: outcome.as_ref().map_or(Millis(step.at_ms), |o| o.at_ms),
                    action: outcome
                        .as_ref()
                        .map_or_else(|| step.action.summary_msg(), |o| o.action_text.clone()),
                    note: step.note.clone(),
                    outcome,
                }
            })
            .collect();
        let run_until = scenario.run_until_ms.map(Millis);
        let ended = match run_until {
            Some(until) => r.now() >= until,
            None => next.is_none() && r.pending_job_count() == 0,
        };
        Some(ScenarioSnap {
            name: view.name,
            title: view.localized_title,
            description: view.localized_description,
            total: view.steps,
            played,
            failed: view.done.iter().filter(|o| o.result != "ok").count(),
            steps,
            next,
            run_until,
            workload_ops: view.workload_ops,
            ended,
            converge_within: view.converge_within_ms,
            convergence: view.convergence,
            guide: self.guide_snap(r),
        })
    }

    /// The oracle's report, recomputed only when the registry or the clock moved since the last
    /// one, and only while its panel is open.
    pub(super) fn oracle_snap(&mut self, r: &mut Registry) -> Option<OracleSnap> {
        if !self.oracle_open {
            self.oracle_key = None;
            return None;
        }
        let key = (self.generation, self.version, r.now().0, r.last_event_seq());
        if self.oracle_key == Some(key)
            && let Some(old) = self.snapshot.oracle.take()
        {
            return Some(old);
        }
        self.oracle_key = Some(key);
        Some(OracleSnap { report: r.oracle_report(), convergence: r.last_convergence(), at: r.now() })
    }
}
