//! Scenarios: a registry, the clients around it and what happens to it, as JSON. Each step
//! has a virtual time; loading a scenario queues its steps as jobs, so the page's clock (or
//! `run_until_idle`) plays it and the same seed always plays it the same way. A workload step
//! queues many client pushes and pulls at times drawn from the seeded RNG; the oracle keeps
//! score. The native runner (`cargo run --bin stowage -- run FILE`) and the browser give the
//! same event-log hash.

use serde::{Deserialize, Serialize};

use super::clock::Millis;
use super::error::{ErrorCode, RegistryError, Result, arg, err_k, quoted};
use super::faults::FaultKind;
use super::image::LayerInput;
use super::key_vault::RotationMode;
use super::locks::AttributePatch;
use super::oracle::OracleReport;
use super::registry::{Registry, RegistryOptions, draw_below};
use super::scheduler::Job;
use super::throttle::RateModel;
use super::tier::{StorageEra, Tier};
use crate::i18n::{Arg, Lang, Msg};

/// Most steps a scenario may have, and most operations one workload may queue.
pub const STEPS_MAX: usize = 10_000;
pub const WORKLOAD_OPS_MAX: u64 = 100_000;
/// Latest step time: one virtual year.
pub const SCENARIO_SPAN_MAX: u64 = 365 * 86_400_000;
/// Longest scenario text accepted.
pub const SCENARIO_BYTES_MAX: usize = 4 << 20;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    /// The scenario's title and description, in the page's languages.
    #[serde(default)]
    pub title: Localized,
    #[serde(default)]
    pub description: Localized,
    #[serde(default)]
    pub registry: RegistrySpec,
    pub steps: Vec<Step>,
    /// Stop the clock here (default: run until nothing is queued).
    #[serde(default)]
    pub run_until_ms: Option<u64>,
    /// After the run: heal every fault and check that all replicas hold the same content
    /// within this long (the time it took is reported).
    #[serde(default)]
    pub converge_within_ms: Option<u64>,
    /// What the scenario's own test checks (exact figures), as written in the file.
    #[serde(default)]
    pub expect: Option<serde_json::Value>,
    /// A guided scenario's story: frames at virtual times, each shown once the clock has
    /// reached it, waiting for the reader's "continue".
    #[serde(default)]
    pub guide: Vec<Frame>,
}

/// Most frames a guide may have, and the longest text of one.
pub const FRAMES_MAX: usize = 40;
pub const FRAME_TEXT_MAX: usize = 1_200;

/// Text in the page's languages: a plain string (English), or `{"en", "nl", "fr"}`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Localized {
    One(String),
    Many(std::collections::BTreeMap<String, String>),
}

impl Default for Localized {
    fn default() -> Self {
        Self::One(String::new())
    }
}

impl Localized {
    /// The languages a text may be given in.
    pub const LANGS: [&'static str; 3] = ["en", "nl", "fr"];

    /// The text in `lang`, falling back to English.
    pub fn get(&self, lang: &str) -> &str {
        match self {
            Self::One(s) => s,
            Self::Many(m) => m.get(lang).or_else(|| m.get("en")).map_or("", String::as_str),
        }
    }

    /// The English text (the one every text has).
    pub fn en(&self) -> &str {
        self.get("en")
    }

    /// Whether the text is written in `lang` (a plain string is English).
    pub fn has(&self, lang: &str) -> bool {
        match self {
            Self::One(_) => lang == "en",
            Self::Many(m) => m.contains_key(lang),
        }
    }

    /// It has English, and no language but English, Dutch and French.
    fn languages_ok(&self) -> bool {
        match self {
            Self::One(_) => true,
            Self::Many(m) => m.contains_key("en") && m.keys().all(|k| Self::LANGS.contains(&k.as_str())),
        }
    }

    /// Checks frame `frame`'s title or text: `keys` are the `errors.…` keys for the wrong
    /// languages and for the wrong length.
    fn check(&self, frame: usize, keys: [&'static str; 2]) -> Result<()> {
        if !self.languages_ok() {
            return Err(bad(keys[0], [arg(frame)]));
        }
        let texts: Vec<&String> = match self {
            Self::One(s) => vec![s],
            Self::Many(m) => m.values().collect(),
        };
        if texts.iter().any(|t| t.chars().count() > FRAME_TEXT_MAX || t.trim().is_empty()) {
            return Err(bad(keys[1], [arg(frame), arg(FRAME_TEXT_MAX)]));
        }
        Ok(())
    }
}

/// The parts of the page a frame asks the reader to look at (the page highlights them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Look {
    Map,
    Replicas,
    Clients,
    Oracle,
    Events,
    Timeline,
    Catalog,
    Storage,
    Usage,
    Rates,
    KeyVault,
    Retention,
    SoftDelete,
    Features,
    Cost,
    Scenario,
    Push,
}

/// One frame of a guided scenario's story.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Frame {
    /// Shown once the clock reaches this time (the steps due by then have played).
    pub at_ms: u64,
    pub title: Localized,
    pub text: Localized,
    #[serde(default)]
    pub look: Vec<Look>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegistrySpec {
    pub name: Option<String>,
    pub seed: Option<u64>,
    pub tier: Option<String>,
    pub storage_era: Option<String>,
    pub rate_model: Option<String>,
    pub customer_managed_key: Option<String>,
    pub region: Option<String>,
    pub geo_lag_ms: Option<u64>,
    pub gc_delay_ms: Option<u64>,
    pub storage_accounts: Option<usize>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Step {
    pub at_ms: u64,
    pub action: Action,
    /// A sentence for the reader (guided scenarios), in the page's languages.
    #[serde(default)]
    pub note: Option<Localized>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LayerSpec {
    #[serde(default)]
    pub name: Option<String>,
    /// A file layer's content, as text.
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub synthetic_size_bytes: Option<u64>,
    #[serde(default)]
    pub seed: Option<u64>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkloadSpec {
    pub clients: Vec<String>,
    pub duration_ms: u64,
    #[serde(default)]
    pub pushes_per_minute: u32,
    #[serde(default)]
    pub pulls_per_minute: u32,
    /// Repositories pushed to (`app-0`, `app-1`, …).
    #[serde(default = "three")]
    pub repos: u32,
    /// Size of each shared base layer (synthetic).
    #[serde(default = "kib")]
    pub layer_bytes: u64,
    /// Base layers every image shares (deduplicated), beside one layer of its own.
    #[serde(default = "two")]
    pub shared_layers: u32,
    /// Whether each push adds a layer of its own (default true); without it, pushes after the
    /// first are deduplicated re-tags.
    #[serde(default = "yes")]
    pub unique_layer: bool,
    /// Cycle through this many tags per repository (default: a new tag per push).
    #[serde(default)]
    pub tags: Option<u32>,
}

fn yes() -> bool {
    true
}

fn three() -> u32 {
    3
}
fn two() -> u32 {
    2
}
fn kib() -> u64 {
    1024
}

#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "do", rename_all = "camelCase", deny_unknown_fields)]
pub enum Action {
    AddReplica {
        region: String,
    },
    RemoveReplica {
        region: String,
    },
    #[serde(rename_all = "camelCase")]
    ReplicaRouting {
        region: String,
        enabled: bool,
    },
    #[serde(rename_all = "camelCase")]
    AddClient {
        name: String,
        region: String,
        #[serde(default)]
        dns_cache: Option<bool>,
        #[serde(default)]
        identity: Option<String>,
    },
    Push {
        #[serde(default)]
        client: Option<String>,
        repo: String,
        tag: String,
        layers: Vec<LayerSpec>,
    },
    Pull {
        #[serde(default)]
        client: Option<String>,
        repo: String,
        reference: String,
    },
    Untag {
        #[serde(default)]
        client: Option<String>,
        repo: String,
        tag: String,
    },
    Delete {
        #[serde(default)]
        client: Option<String>,
        repo: String,
        reference: String,
    },
    #[serde(rename_all = "camelCase")]
    Fault {
        fault: FaultKind,
        #[serde(default)]
        delay_ms: u64,
        #[serde(default)]
        duration_ms: Option<u64>,
    },
    Heal {
        fault: u32,
    },
    Workload(WorkloadSpec),
    SetTier {
        tier: String,
    },
    SetRateModel {
        model: String,
    },
    SetRetention {
        enabled: bool,
        #[serde(default)]
        days: Option<u32>,
    },
    SetSoftDelete {
        enabled: bool,
        #[serde(default)]
        days: Option<u32>,
    },
    Lock {
        repo: String,
        #[serde(default)]
        reference: Option<String>,
        attributes: AttributePatch,
    },
    #[serde(rename_all = "camelCase")]
    ScaleOutPull {
        repo: String,
        reference: String,
        nodes: u32,
        #[serde(default)]
        shared_identity: bool,
    },
    DeleteRepository {
        #[serde(default)]
        client: Option<String>,
        repo: String,
    },
    /// The key becomes unusable: `revoke` (access), `disable` or `delete`. The backup it hands
    /// out is kept for `restoreKey`.
    LoseKey {
        how: String,
    },
    RestoreKey,
    /// Restores a soft-deleted tag (the newest bin item with it).
    Restore {
        repo: String,
        tag: String,
        #[serde(default)]
        force: bool,
    },
    /// Lists the catalog as a client would (one page).
    Catalog {
        #[serde(default)]
        n: Option<u64>,
        #[serde(default)]
        last: Option<String>,
    },
    /// Stowage's per-repository storage breakdown (ACR has none), largest first.
    RepositoryUsage,
    /// What a keep-the-last-N rule would delete, beside ACR's retention.
    KeepLastWhatIf {
        repo: String,
        keep: u32,
    },
    /// Pushes `count` small images: into `{prefix}-000`… (one tag each), or, with `tags`, as
    /// `v1`…`vN` into the single repository `prefix`.
    #[serde(rename_all = "camelCase")]
    PushSeries {
        prefix: String,
        count: u32,
        #[serde(default)]
        tags: bool,
        #[serde(default = "kib")]
        layer_bytes: u64,
    },
}

impl Action {
    /// The action in a few words, in English, as the outcomes (and the JS API) word it:
    /// [`Action::summary_msg`] drawn in English.
    pub fn summary(&self) -> String {
        self.summary_msg().text(Lang::En)
    }

    /// The action in a few words as a catalogue text (`steps.*`), for the page to draw in its
    /// language; names, regions and numbers are shown as they are.
    pub fn summary_msg(&self) -> Msg {
        let m = |key: &'static str, args: Vec<Arg>| Msg::new(key, args);
        // An action a client did, or the registry's own (no client).
        let by = |keys: [&'static str; 2], mut args: Vec<Arg>, client: &Option<String>| match client {
            Some(c) => {
                args.push(arg(c));
                Msg::new(keys[1], args)
            }
            None => Msg::new(keys[0], args),
        };
        let on_off = |on: bool, keys: [&'static str; 2]| Msg::key(if on { keys[0] } else { keys[1] });
        match self {
            Self::AddReplica { region } => m("steps.add_replica", vec![arg(region)]),
            Self::RemoveReplica { region } => m("steps.remove_replica", vec![arg(region)]),
            Self::ReplicaRouting { region, enabled } => {
                m(if *enabled { "steps.routing_on" } else { "steps.routing_off" }, vec![arg(region)])
            }
            Self::AddClient { name, region, .. } => m("steps.add_client", vec![arg(name), arg(region)]),
            Self::Push { client, repo, tag, .. } => {
                by(["steps.push", "steps.push_by"], vec![arg(repo), arg(tag)], client)
            }
            Self::Pull { client, repo, reference } => {
                by(["steps.pull", "steps.pull_by"], vec![arg(repo), arg(reference)], client)
            }
            Self::Untag { client, repo, tag } => {
                by(["steps.untag", "steps.untag_by"], vec![arg(repo), arg(tag)], client)
            }
            Self::Delete { client, repo, reference } => {
                by(["steps.delete", "steps.delete_by"], vec![arg(repo), arg(reference)], client)
            }
            Self::Fault { fault, .. } => m("steps.fault", vec![fault.describe_msg().into()]),
            Self::Heal { fault } => m("steps.heal", vec![arg(fault)]),
            Self::Workload(w) => m(
                "steps.workload",
                vec![
                    arg(w.clients.len()),
                    arg(w.pushes_per_minute),
                    arg(w.pulls_per_minute),
                    arg(w.duration_ms),
                ],
            ),
            Self::SetTier { tier } => m("steps.tier", vec![arg(tier)]),
            Self::SetRateModel { model } => m("steps.rate_model", vec![arg(model)]),
            Self::SetRetention { enabled, .. } => {
                on_off(*enabled, ["steps.retention_on", "steps.retention_off"])
            }
            Self::SetSoftDelete { enabled, .. } => {
                on_off(*enabled, ["steps.soft_delete_on", "steps.soft_delete_off"])
            }
            Self::Lock { repo, reference, .. } => {
                let target = reference.as_ref().map_or_else(|| repo.clone(), |r| format!("{repo}:{r}"));
                m("steps.lock", vec![arg(target)])
            }
            Self::ScaleOutPull { repo, reference, nodes, .. } => {
                m("steps.scale_out_pull", vec![arg(nodes), arg(repo), arg(reference)])
            }
            Self::DeleteRepository { client, repo } => {
                by(["steps.delete_repository", "steps.delete_repository_by"], vec![arg(repo)], client)
            }
            Self::LoseKey { how } => match how.as_str() {
                "revoke" => Msg::key("steps.lose_key_revoke"),
                "disable" => Msg::key("steps.lose_key_disable"),
                "delete" => Msg::key("steps.lose_key_delete"),
                other => m("steps.lose_key", vec![arg(other)]),
            },
            Self::RestoreKey => Msg::key("steps.restore_key"),
            Self::Restore { repo, tag, .. } => m("steps.restore", vec![arg(repo), arg(tag)]),
            Self::Catalog { n, .. } => m("steps.catalog", vec![arg(n.unwrap_or(100))]),
            Self::RepositoryUsage => Msg::key("steps.repository_usage"),
            Self::KeepLastWhatIf { repo, keep } => m("steps.keep_last", vec![arg(repo), arg(keep)]),
            Self::PushSeries { prefix, count, tags, .. } => {
                let key = if *tags { "steps.push_series_tags" } else { "steps.push_series" };
                m(key, vec![arg(count), arg(prefix)])
            }
        }
    }
}

/// One operation a workload queued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkloadOp {
    Push { workload: u32, client: String, n: u64 },
    Pull { workload: u32, client: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepOutcome {
    pub index: usize,
    pub at_ms: Millis,
    /// The step's action in a few words, in English (`Action::summary`).
    pub action: String,
    /// The same words as a catalogue text, for the page to show in its language.
    #[serde(skip)]
    pub action_text: Msg,
    /// The step's note, in English (the scenario's step has it in every language it gives).
    pub note: Option<String>,
    /// `ok`, or the error code a client saw.
    pub result: String,
    pub detail: Option<String>,
    /// The same detail as a catalogue text, for the page to show in its language (an ok step's
    /// summary, or the refusal).
    #[serde(skip)]
    pub detail_text: Option<Msg>,
}

/// A scenario loaded into a registry.
#[derive(Clone, Debug)]
pub struct ScenarioState {
    pub(super) scenario: Scenario,
    pub(super) outcomes: Vec<StepOutcome>,
    pub(super) workload_ops: u64,
    /// The final phase's result, once played.
    pub(super) convergence: Option<Convergence>,
    /// The backup a `loseKey` step handed out, for `restoreKey`.
    pub(super) key_backup: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioRun {
    pub name: String,
    pub event_log_hash: String,
    pub now_ms: Millis,
    pub events: u64,
    pub steps: Vec<StepOutcome>,
    pub oracle: OracleReport,
    /// The final phase, if the scenario asks for it: how long after every fault healed all
    /// replicas held the same content.
    pub convergence: Option<Convergence>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Convergence {
    pub converged: bool,
    pub after_ms: Millis,
    pub detail: Option<String>,
    /// The same detail as a catalogue text, for the page to show in its language.
    #[serde(skip)]
    pub detail_text: Option<crate::i18n::Msg>,
}

/// The scenario's progress as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioView {
    pub name: String,
    /// The title and description in English, as the JS API has always given them.
    pub title: String,
    pub description: String,
    /// The title and description in every language the scenario gives.
    pub localized_title: Localized,
    pub localized_description: Localized,
    pub steps: usize,
    pub done: Vec<StepOutcome>,
    pub workload_ops: u64,
    /// Where the scenario's clock stops (None: when nothing is queued).
    pub run_until_ms: Option<Millis>,
    /// The final phase's time limit, if the scenario has one.
    pub converge_within_ms: Option<Millis>,
    /// The final phase's result, once played.
    pub convergence: Option<Convergence>,
    /// A guided scenario's story, and the frame the reader is at (the last one the clock
    /// has reached).
    pub guide: Vec<Frame>,
    pub frame: Option<usize>,
}

/// An `INVALID_ARGUMENT` error: the catalogue's `key` filled with `args`.
fn bad(key: &'static str, args: impl IntoIterator<Item = Arg>) -> RegistryError {
    RegistryError::keyed(ErrorCode::InvalidArgument, key, args)
}

impl Scenario {
    /// Parses and checks a scenario; every problem is a clear error and nothing is built.
    pub fn parse(json: &str) -> Result<Self> {
        if json.len() > SCENARIO_BYTES_MAX {
            return err_k(ErrorCode::InvalidArgument, "errors.scenario_too_large", []);
        }
        let s: Scenario =
            serde_json::from_str(json).map_err(|e| bad("errors.scenario_not_valid", [arg(e)]))?;
        if s.steps.len() > STEPS_MAX {
            return err_k(ErrorCode::InvalidArgument, "errors.scenario_steps_max", []);
        }
        let mut last = 0;
        for (i, step) in s.steps.iter().enumerate() {
            if step.at_ms < last {
                return Err(bad("errors.scenario_step_order", [arg(i + 1), arg(step.at_ms)]));
            }
            if step.at_ms > SCENARIO_SPAN_MAX {
                return Err(bad("errors.scenario_step_too_late", [arg(i + 1)]));
            }
            last = step.at_ms;
            if let Action::Workload(w) = &step.action {
                let ops = (u64::from(w.pushes_per_minute) + u64::from(w.pulls_per_minute))
                    .saturating_mul(w.duration_ms)
                    / 60_000;
                if ops > WORKLOAD_OPS_MAX || w.clients.is_empty() || w.repos == 0 || w.repos > 1000 {
                    return Err(bad("errors.scenario_workload_size", [arg(i + 1)]));
                }
                if w.layer_bytes == 0 || w.layer_bytes > 1 << 30 || w.shared_layers > 16 {
                    return Err(bad("errors.scenario_workload_layers", [arg(i + 1)]));
                }
            }
        }
        if !s.title.languages_ok() || !s.description.languages_ok() {
            return err_k(ErrorCode::InvalidArgument, "errors.scenario_head_languages", []);
        }
        if let Some(i) = s.steps.iter().position(|st| st.note.as_ref().is_some_and(|n| !n.languages_ok())) {
            return Err(bad("errors.scenario_note_languages", [arg(i + 1)]));
        }
        if s.guide.len() > FRAMES_MAX {
            return err_k(ErrorCode::InvalidArgument, "errors.scenario_frames_max", []);
        }
        let mut previous: Option<u64> = None;
        for (i, f) in s.guide.iter().enumerate() {
            if previous.is_some_and(|p| f.at_ms <= p) || f.at_ms > SCENARIO_SPAN_MAX {
                return Err(bad("errors.scenario_frame_order", [arg(i + 1)]));
            }
            previous = Some(f.at_ms);
            f.title.check(i + 1, ["errors.scenario_title_languages", "errors.scenario_title_length"])?;
            f.text.check(i + 1, ["errors.scenario_text_languages", "errors.scenario_text_length"])?;
        }
        Ok(s)
    }

    fn options(&self) -> Result<RegistryOptions> {
        self.registry.options()
    }
}

impl RegistrySpec {
    /// The options this spec names (defaults for what it leaves out); a bad value is refused.
    pub fn options(&self) -> Result<RegistryOptions> {
        let d = RegistryOptions::default();
        let spec = self;
        Ok(RegistryOptions {
            name: spec.name.clone().unwrap_or(d.name),
            seed: spec.seed.unwrap_or(d.seed),
            storage_accounts: spec.storage_accounts.unwrap_or(d.storage_accounts),
            gc_delay: spec.gc_delay_ms.map_or(d.gc_delay, Millis),
            tier: spec.tier.as_deref().map(Tier::parse).transpose()?.unwrap_or(d.tier),
            storage_era: spec
                .storage_era
                .as_deref()
                .map(StorageEra::parse)
                .transpose()?
                .unwrap_or(d.storage_era),
            rate_model: spec.rate_model.as_deref().map(RateModel::parse).transpose()?.unwrap_or(d.rate_model),
            customer_managed_key: match spec.customer_managed_key.as_deref() {
                None => None,
                Some("automatic") => Some(RotationMode::Automatic),
                Some("manual") => Some(RotationMode::Manual),
                Some(other) => {
                    return Err(bad("errors.scenario_cmk_mode", [quoted(other)]));
                }
            },
            region: spec.region.clone().unwrap_or(d.region),
            geo_lag: spec.geo_lag_ms.map_or(d.geo_lag, Millis),
        })
    }
}

impl Registry {
    /// A new registry set up as the scenario says, with every step queued at its time.
    pub fn load_scenario(json: &str) -> Result<Registry> {
        let scenario = Scenario::parse(json)?;
        let mut r = Registry::new(scenario.options()?)?;
        for (i, step) in scenario.steps.iter().enumerate() {
            r.queue.push(Millis(step.at_ms), Job::ScenarioStep { index: i as u32 });
        }
        r.journal.origin = Some(super::journal::Origin::Scenario { json: json.to_string(), file: None });
        r.scenario = Some(ScenarioState {
            scenario,
            outcomes: Vec::new(),
            workload_ops: 0,
            convergence: None,
            key_backup: None,
        });
        Ok(r)
    }

    /// Loads a scenario and plays it to its end (its `runUntilMs`, or until nothing is queued).
    pub fn run_scenario(json: &str) -> Result<(Registry, ScenarioRun)> {
        let mut r = Registry::load_scenario(json)?;
        match r.scenario.as_ref().and_then(|s| s.scenario.run_until_ms) {
            Some(until) => {
                r.run_for(Millis(until));
            }
            None => {
                r.run_until_idle();
            }
        }
        r.play_convergence_phase();
        let run = r.scenario_run();
        Ok((r, run))
    }

    /// The scenario's final phase, if it has one and it has not been played: heals every fault
    /// and runs the queue until every replica holds the same content, within the scenario's
    /// limit. The result is kept with the scenario (and reported by `scenario_run`).
    pub(super) fn play_convergence_phase_direct(&mut self) -> Option<Convergence> {
        let s = self.scenario.as_ref()?;
        if let Some(done) = &s.convergence {
            return Some(done.clone());
        }
        let limit = Millis(s.scenario.converge_within_ms?);
        self.heal_all();
        let c = match self.converge(limit) {
            Ok(waited) => Convergence {
                converged: true,
                after_ms: self.last_convergence().unwrap_or(waited),
                detail: None,
                detail_text: None,
            },
            Err(e) => Convergence {
                converged: false,
                after_ms: Millis(0),
                detail: Some(e.message),
                detail_text: Some(e.text),
            },
        };
        if let Some(s) = self.scenario.as_mut() {
            s.convergence = Some(c.clone());
        }
        Some(c)
    }

    /// Where the loaded scenario is, with the oracle's report.
    pub fn scenario_run(&mut self) -> ScenarioRun {
        let oracle = self.oracle_report();
        ScenarioRun {
            name: self.scenario.as_ref().map_or_else(String::new, |s| s.scenario.name.clone()),
            event_log_hash: self.event_log_hash(),
            now_ms: self.now,
            events: self.last_event_seq(),
            steps: self.scenario.as_ref().map(|s| s.outcomes.clone()).unwrap_or_default(),
            oracle,
            convergence: self.scenario.as_ref().and_then(|s| s.convergence.clone()),
        }
    }

    pub fn scenario_view(&self) -> Option<ScenarioView> {
        let s = self.scenario.as_ref()?;
        Some(ScenarioView {
            name: s.scenario.name.clone(),
            title: s.scenario.title.en().to_string(),
            description: s.scenario.description.en().to_string(),
            localized_title: s.scenario.title.clone(),
            localized_description: s.scenario.description.clone(),
            steps: s.scenario.steps.len(),
            done: s.outcomes.clone(),
            workload_ops: s.workload_ops,
            run_until_ms: s.scenario.run_until_ms.map(Millis),
            converge_within_ms: s.scenario.converge_within_ms.map(Millis),
            convergence: s.convergence.clone(),
            guide: s.scenario.guide.clone(),
            frame: self.guide_frame(),
        })
    }

    /// The frame of the guide the reader is at: the last one whose time the clock has reached.
    pub fn guide_frame(&self) -> Option<usize> {
        let guide = &self.scenario.as_ref()?.scenario.guide;
        guide.iter().rposition(|f| Millis(f.at_ms) <= self.now)
    }

    /// When the next frame of the guide is shown (None: the story has ended).
    pub fn next_frame_at(&self) -> Option<Millis> {
        let guide = &self.scenario.as_ref()?.scenario.guide;
        guide.iter().map(|f| Millis(f.at_ms)).find(|at| *at > self.now)
    }

    /// "Continue": runs the clock to the next frame of the guide; returns the frame shown.
    pub fn guide_continue(&mut self) -> Result<Option<usize>> {
        let Some(at) = self.next_frame_at() else {
            return err_k(ErrorCode::InvalidArgument, "errors.guide_ended", []);
        };
        self.run_for(Millis(at.0 - self.now.0));
        Ok(self.guide_frame())
    }

    /// "Back": shows the previous frame, as the registry was then (time travel).
    pub fn guide_back(&mut self) -> Result<Option<usize>> {
        let guide = self.scenario.as_ref().map(|s| s.scenario.guide.clone()).unwrap_or_default();
        let Some(current) = self.guide_frame() else {
            return err_k(ErrorCode::InvalidArgument, "errors.guide_no_frame", []);
        };
        let Some(previous) = current.checked_sub(1).and_then(|i| guide.get(i)) else {
            return err_k(ErrorCode::InvalidArgument, "errors.guide_first_frame", []);
        };
        self.travel_to(Millis(previous.at_ms))?;
        Ok(self.guide_frame())
    }

    pub(super) fn run_scenario_step(&mut self, index: u32) {
        let Some(step) = self.scenario.as_ref().and_then(|s| s.scenario.steps.get(index as usize)).cloned()
        else {
            return;
        };
        let result = self.apply_action(&step.action, index);
        let (result, detail, detail_text) = match result {
            // An ok step's detail is the engine's summary (digests, names, sizes).
            Ok(detail) => ("ok".to_string(), detail.as_ref().map(|d| d.text(Lang::En)), detail),
            Err(e) => (e.code.as_str().to_string(), Some(e.message), Some(e.text)),
        };
        let action_text = step.action.summary_msg();
        let outcome = StepOutcome {
            index: index as usize,
            at_ms: self.now,
            action: action_text.text(Lang::En),
            action_text,
            note: step.note.as_ref().map(|n| n.en().to_string()),
            result,
            detail,
            detail_text,
        };
        // A step that moves the clock (a transfer) may run later steps inside it: outcomes
        // are kept in step order, whichever finished first.
        if let Some(s) = self.scenario.as_mut() {
            let at = s.outcomes.partition_point(|o| o.index < outcome.index);
            s.outcomes.insert(at, outcome);
        }
    }

    /// Applies one scenario action; Ok carries a detail worth showing, as a catalogue text (its
    /// English is the detail the outcome carries).
    fn apply_action(&mut self, action: &Action, index: u32) -> Result<Option<Msg>> {
        let layers = |specs: &[LayerSpec]| -> Result<Vec<LayerInput>> {
            specs
                .iter()
                .map(|l| match (&l.text, l.synthetic_size_bytes) {
                    (Some(text), None) => Ok(LayerInput::File {
                        name: l.name.clone().unwrap_or_default(),
                        bytes: text.as_bytes().to_vec(),
                    }),
                    (None, Some(size_bytes)) => Ok(LayerInput::Synthetic { size_bytes, seed: l.seed }),
                    _ => Err(bad("errors.scenario_layer_source", [])),
                })
                .collect()
        };
        match action {
            Action::AddReplica { region } => self.add_replica(region).map(|_| None),
            Action::RemoveReplica { region } => self.remove_replica(region).map(|_| None),
            Action::ReplicaRouting { region, enabled } => {
                self.set_replica_routing(region, *enabled).map(|_| None)
            }
            Action::AddClient { name, region, dns_cache, identity } => {
                self.add_client(name, region, dns_cache.unwrap_or(true), identity.as_deref()).map(|_| None)
            }
            Action::Push { client: Some(c), repo, tag, layers: l } => {
                let report = self.client_push_image(c, repo, tag, layers(l)?)?;
                report_result(&report)
            }
            Action::Push { client: None, repo, tag, layers: l } => {
                self.push_image(repo, tag, layers(l)?).map(|p| Some(Msg::from(p.digest.to_string())))
            }
            Action::Pull { client: Some(c), repo, reference } => {
                let report = self.client_pull_image(c, repo, reference)?;
                report_result(&report)
            }
            Action::Pull { client: None, repo, reference } => {
                self.pull_manifest(repo, reference).map(|p| Some(Msg::from(p.digest.to_string())))
            }
            Action::Untag { client, repo, tag } => {
                self.as_client(client.as_deref(), |r| r.untag(repo, tag)).map(|_| None)
            }
            Action::Delete { client, repo, reference } => {
                self.as_client(client.as_deref(), |r| r.delete_manifest(repo, reference))?;
                Ok(None)
            }
            Action::Fault { fault, delay_ms, duration_ms } => self
                .inject_fault(fault.clone(), Millis(*delay_ms), duration_ms.map(Millis))
                .map(|f| Some(Msg::new("events.fault_started", [arg(f.id), f.fault.describe_msg().into()]))),
            Action::Heal { fault } => self.heal_fault(*fault).map(|_| None),
            Action::Workload(w) => {
                self.queue_workload(w, index).map(|n| Some(Msg::new("steps.operations_queued", [arg(n)])))
            }
            Action::SetTier { tier } => self.set_tier(tier).map(|_| None),
            Action::SetRateModel { model } => self.set_rate_model(model).map(|_| None),
            Action::SetRetention { enabled, days } => {
                self.set_retention_policy(*enabled, *days).map(|_| None)
            }
            Action::SetSoftDelete { enabled, days } => {
                self.set_soft_delete_policy(*enabled, *days).map(|_| None)
            }
            Action::Lock { repo, reference, attributes } => {
                self.set_attributes(repo, reference.as_deref(), attributes).map(|_| None)
            }
            Action::ScaleOutPull { repo, reference, nodes, shared_identity } => {
                self.scale_out_pull(repo, reference, *nodes, *shared_identity).map(|r| {
                    Some(Msg::new("steps.scale_out", [arg(r.completed), arg(r.nodes), arg(r.throttled)]))
                })
            }
            Action::DeleteRepository { client, repo } => {
                let deleted = self.as_client(client.as_deref(), |r| r.delete_repository(repo))?;
                Ok(Some(Msg::new("steps.manifests_deleted", [arg(deleted.manifests.len())])))
            }
            Action::LoseKey { how } => {
                let backup = match how.as_str() {
                    "revoke" => self.revoke_key_access(),
                    "disable" => self.disable_key(),
                    "delete" => self.delete_key(),
                    other => {
                        return Err(bad("errors.scenario_lose_key_how", [quoted(other)]));
                    }
                }?;
                if let Some(s) = self.scenario.as_mut() {
                    s.key_backup = Some(backup.as_str().to_string());
                }
                Ok(None)
            }
            Action::RestoreKey => {
                let backup = self.scenario.as_ref().and_then(|s| s.key_backup.clone());
                let backup = backup.ok_or_else(|| bad("errors.scenario_no_key_lost", []))?;
                self.restore_key(&backup).map(|_| None)
            }
            Action::Restore { repo, tag, force } => {
                let item = self
                    .soft_delete_view(usize::MAX)
                    .items
                    .into_iter()
                    .filter(|i| i.repo.as_str() == repo && i.tag.as_ref().is_some_and(|t| t.as_str() == tag))
                    .max_by_key(|i| i.deleted_at_ms)
                    .ok_or_else(|| {
                        RegistryError::keyed(
                            ErrorCode::ManifestUnknown,
                            "errors.scenario_not_in_bin",
                            [arg(repo), arg(tag)],
                        )
                    })?;
                let digest = item.digest.to_string();
                self.restore_soft_deleted(repo, tag, &digest, *force)?;
                Ok(None)
            }
            Action::Catalog { n, last } => {
                let page = self.catalog(*n, last.as_deref())?;
                let (first, end) = (page.repositories.first(), page.repositories.last());
                let mut words = vec![
                    arg(page.repositories.len()),
                    arg(first.map_or("", |r| r.as_str())),
                    arg(end.map_or("", |r| r.as_str())),
                ];
                Ok(Some(match page.next {
                    None => Msg::new("steps.catalog_last", words),
                    Some(n) => {
                        words.push(arg(n));
                        Msg::new("steps.catalog_more", words)
                    }
                }))
            }
            Action::RepositoryUsage => {
                let mut all = vec![];
                let mut last: Option<String> = None;
                loop {
                    let page = self.repository_usage(Some(1000), last.as_deref())?;
                    all.extend(page.repositories);
                    match page.next {
                        Some(n) => last = Some(n),
                        None => break,
                    }
                }
                all.sort_by(|a, b| b.linked_bytes.cmp(&a.linked_bytes).then(a.name.cmp(&b.name)));
                // The largest five, joined by semicolons.
                let words = all
                    .iter()
                    .take(5)
                    .map(|r| {
                        Msg::new("steps.usage", [arg(&r.name), arg(r.linked_bytes), arg(r.unique_bytes)])
                    })
                    .reduce(|a, b| Msg::new("steps.usage_next", [a.into(), b.into()]));
                Ok(Some(words.unwrap_or_else(|| Msg::from(String::new()))))
            }
            Action::KeepLastWhatIf { repo, keep } => {
                let w = self.keep_last_what_if(repo, *keep)?;
                let names = |items: &[super::retention::WhatIfItem]| -> String {
                    items
                        .iter()
                        .map(|i| match i.tags.first() {
                            Some(t) => t.to_string(),
                            None => i.digest.short(),
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                Ok(Some(Msg::new(
                    "steps.keep_last_detail",
                    [
                        arg(keep),
                        arg(w.would_delete.len()),
                        arg(names(&w.would_delete)),
                        arg(w.acr_queued.len()),
                    ],
                )))
            }
            Action::PushSeries { prefix, count, tags, layer_bytes } => {
                if *count == 0 || *count > 2_000 || *layer_bytes == 0 || *layer_bytes > 1 << 20 {
                    return Err(bad("errors.scenario_push_series", []));
                }
                for i in 0..*count {
                    let (repo, tag) = if *tags {
                        (prefix.clone(), format!("v{}", i + 1))
                    } else {
                        (format!("{prefix}-{i:03}"), "v1".into())
                    };
                    let layers = vec![
                        LayerInput::Synthetic { size_bytes: *layer_bytes, seed: Some(7) },
                        LayerInput::File {
                            name: "build".into(),
                            bytes: format!("{repo}:{tag}").into_bytes(),
                        },
                    ];
                    self.push_image(&repo, &tag, layers)?;
                }
                Ok(Some(Msg::new("steps.images_pushed", [arg(count)])))
            }
        }
    }

    fn as_client<T>(&mut self, client: Option<&str>, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        match client {
            Some(c) => self.with_client(c, f),
            None => f(self),
        }
    }

    /// Queues a workload's operations at times drawn from the seeded RNG.
    fn queue_workload(&mut self, w: &WorkloadSpec, index: u32) -> Result<u64> {
        for c in &w.clients {
            if !self.is_client(c) {
                return Err(bad("errors.scenario_workload_client", [quoted(c)]));
            }
        }
        let pushes = u64::from(w.pushes_per_minute) * w.duration_ms / 60_000;
        let pulls = u64::from(w.pulls_per_minute) * w.duration_ms / 60_000;
        let start = self.now;
        let base = self.scenario.as_ref().map_or(0, |s| s.workload_ops);
        for n in 0..pushes + pulls {
            let at = start.saturating_add(Millis(draw_below(&mut self.rng, w.duration_ms.max(1))));
            let client = w.clients[draw_below(&mut self.rng, w.clients.len() as u64) as usize].clone();
            let op = if n < pushes {
                WorkloadOp::Push { workload: index, client, n: base + n }
            } else {
                WorkloadOp::Pull { workload: index, client }
            };
            self.queue.push(at, Job::Workload { op });
        }
        if let Some(s) = self.scenario.as_mut() {
            s.workload_ops += pushes + pulls;
        }
        Ok(pushes + pulls)
    }

    pub(super) fn run_workload_op(&mut self, op: WorkloadOp) {
        let spec = match &op {
            WorkloadOp::Push { workload, .. } | WorkloadOp::Pull { workload, .. } => {
                self.scenario.as_ref().and_then(|s| s.scenario.steps.get(*workload as usize)).and_then(|st| {
                    match &st.action {
                        Action::Workload(w) => Some(w.clone()),
                        _ => None,
                    }
                })
            }
        };
        let Some(w) = spec else { return };
        match op {
            WorkloadOp::Push { client, n, .. } => {
                let repo = format!("app-{}", n % u64::from(w.repos.max(1)));
                let mut layers: Vec<LayerInput> = (0..w.shared_layers)
                    .map(|k| LayerInput::Synthetic {
                        size_bytes: w.layer_bytes,
                        seed: Some(1_000 + u64::from(k)),
                    })
                    .collect();
                if w.unique_layer || layers.is_empty() {
                    layers.push(LayerInput::File {
                        name: format!("build-{n}"),
                        bytes: format!("build {n}").into_bytes(),
                    });
                }
                let tag = match w.tags {
                    Some(t) => format!("v{}", n % u64::from(t.max(1))),
                    None => format!("v{n}"),
                };
                let _ = self.client_push_image(&client, &repo, &tag, layers);
            }
            WorkloadOp::Pull { client, .. } => {
                let acked = self.oracle.newest_tags();
                if acked.is_empty() {
                    return;
                }
                let (repo, tag) = acked[draw_below(&mut self.rng, acked.len() as u64) as usize].clone();
                let _ = self.client_pull_image(&client, repo.as_str(), tag.as_str());
            }
        }
    }
}

fn report_result(report: &super::routing::ClientReport) -> Result<Option<Msg>> {
    let served: Vec<String> =
        report.requests.iter().map(|q| format!("{} → {}", q.request, q.region)).collect();
    match (&report.error, report.error_code) {
        (Some(message), Some(code)) => {
            let code = ErrorCode::parse(code).unwrap_or(ErrorCode::Unknown);
            let served = served.join(", ");
            // What the client saw, in the page's language when the report has it.
            let seen = report.error_text.clone().map_or_else(|| arg(message), Arg::from);
            Err(RegistryError::keyed(code, "errors.client_report", [seen, arg(served)]))
        }
        // Each request (in the page's language) and the region that served it.
        _ => Ok(Some(Msg::new(
            "steps.requests",
            [Arg::List(
                report
                    .requests
                    .iter()
                    .map(|q| Msg::new("steps.served", [request_words(&q.request), arg(q.region)]).into())
                    .collect(),
            )],
        ))),
    }
}

fn request_words(request: &str) -> Arg {
    request_msg(request).into()
}

/// A client's request as the routing report names it (`PUT layer 2`, `PUT config`, `GET blob
/// sha256:…`, `PUT manifest`), in the page's language where it has words of its own (the
/// steps table and the clients panel show it so).
pub fn request_msg(request: &str) -> Msg {
    if let Some(n) = request.strip_prefix("PUT layer ") {
        Msg::new("steps.request_layer", [arg(n)])
    } else if request == "PUT config" {
        Msg::key("steps.request_config")
    } else if request == "PUT manifest" {
        Msg::key("steps.request_manifest_put")
    } else if request == "GET manifest" {
        Msg::key("steps.request_manifest_get")
    } else {
        Msg::from(request.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words `summary` wrote before steps were translated, word for word (the JS API's
    /// outcomes and the native runner give them).
    fn legacy(action: &Action) -> String {
        let by = |c: &Option<String>| c.as_ref().map_or_else(String::new, |c| format!(" by {c}"));
        match action {
            Action::AddReplica { region } => format!("add a replica in {region}"),
            Action::RemoveReplica { region } => format!("remove the replica in {region}"),
            Action::ReplicaRouting { region, enabled } => {
                format!("routing to {region} {}", if *enabled { "on" } else { "off" })
            }
            Action::AddClient { name, region, .. } => format!("add client {name} in {region}"),
            Action::Push { client, repo, tag, .. } => format!("push {repo}:{tag}{}", by(client)),
            Action::Pull { client, repo, reference } => format!("pull {repo}:{reference}{}", by(client)),
            Action::Untag { client, repo, tag } => format!("untag {repo}:{tag}{}", by(client)),
            Action::Delete { client, repo, reference } => format!("delete {repo}:{reference}{}", by(client)),
            Action::Fault { fault, .. } => format!("fault: {}", fault.describe()),
            Action::Heal { fault } => format!("heal fault {fault}"),
            Action::Workload(w) => format!(
                "workload: {} client(s), {} pushes and {} pulls a minute for {} ms",
                w.clients.len(),
                w.pushes_per_minute,
                w.pulls_per_minute,
                w.duration_ms
            ),
            Action::SetTier { tier } => format!("tier {tier}"),
            Action::SetRateModel { model } => format!("rate model {model}"),
            Action::SetRetention { enabled, .. } => {
                format!("retention {}", if *enabled { "on" } else { "off" })
            }
            Action::SetSoftDelete { enabled, .. } => {
                format!("soft delete {}", if *enabled { "on" } else { "off" })
            }
            Action::Lock { repo, reference, .. } => {
                format!("lock {repo}{}", reference.as_ref().map_or(String::new(), |r| format!(":{r}")))
            }
            Action::ScaleOutPull { repo, reference, nodes, .. } => {
                format!("{nodes} nodes pull {repo}:{reference}")
            }
            Action::DeleteRepository { client, repo } => format!("delete repository {repo}{}", by(client)),
            Action::LoseKey { how } => format!("the key: {how}"),
            Action::RestoreKey => "restore the key from its backup".into(),
            Action::Restore { repo, tag, .. } => format!("restore {repo}:{tag} from the bin"),
            Action::Catalog { n, .. } => format!("list the catalog ({} per page)", n.unwrap_or(100)),
            Action::RepositoryUsage => "storage per repository".into(),
            Action::KeepLastWhatIf { repo, keep } => format!("what if {repo} kept only its last {keep}"),
            Action::PushSeries { prefix, count, tags, .. } => {
                if *tags {
                    format!("push {count} tags into {prefix}")
                } else {
                    format!("push {count} repositories {prefix}-…")
                }
            }
        }
    }

    /// Every kind of action, in each of its wordings, reads in English as it did, and in Dutch
    /// and French as a translation.
    #[test]
    fn every_action_reads_as_it_did_in_english_and_is_translated() {
        let actions = [
            r#"{"do":"addReplica","region":"eastus"}"#,
            r#"{"do":"removeReplica","region":"eastus"}"#,
            r#"{"do":"replicaRouting","region":"eastus","enabled":true}"#,
            r#"{"do":"replicaRouting","region":"eastus","enabled":false}"#,
            r#"{"do":"addClient","name":"ci","region":"westeurope"}"#,
            r#"{"do":"push","repo":"api","tag":"b1","layers":[]}"#,
            r#"{"do":"push","client":"runner","repo":"api","tag":"b1","layers":[]}"#,
            r#"{"do":"pull","repo":"api","reference":"b1"}"#,
            r#"{"do":"pull","client":"runner","repo":"api","reference":"b1"}"#,
            r#"{"do":"untag","repo":"api","tag":"b1"}"#,
            r#"{"do":"untag","client":"runner","repo":"api","tag":"b1"}"#,
            r#"{"do":"delete","repo":"api","reference":"b1"}"#,
            r#"{"do":"delete","client":"runner","repo":"api","reference":"b1"}"#,
            r#"{"do":"fault","fault":{"kind":"regionOutage","region":"eastus","destroyed":false}}"#,
            r#"{"do":"fault","fault":{"kind":"keyVaultUnreachable"}}"#,
            r#"{"do":"heal","fault":2}"#,
            r#"{"do":"workload","clients":["a","b"],"durationMs":600000,"pushesPerMinute":4,"pullsPerMinute":8}"#,
            r#"{"do":"setTier","tier":"Premium"}"#,
            r#"{"do":"setRateModel","model":"perMinute2019"}"#,
            r#"{"do":"setRetention","enabled":true,"days":7}"#,
            r#"{"do":"setRetention","enabled":false}"#,
            r#"{"do":"setSoftDelete","enabled":true}"#,
            r#"{"do":"setSoftDelete","enabled":false}"#,
            r#"{"do":"lock","repo":"api","attributes":{"deleteEnabled":false}}"#,
            r#"{"do":"lock","repo":"api","reference":"b1","attributes":{"deleteEnabled":false}}"#,
            r#"{"do":"scaleOutPull","repo":"api","reference":"b1","nodes":50}"#,
            r#"{"do":"deleteRepository","repo":"api"}"#,
            r#"{"do":"deleteRepository","client":"runner","repo":"api"}"#,
            r#"{"do":"loseKey","how":"revoke"}"#,
            r#"{"do":"loseKey","how":"disable"}"#,
            r#"{"do":"loseKey","how":"delete"}"#,
            r#"{"do":"loseKey","how":"misplace"}"#,
            r#"{"do":"restoreKey"}"#,
            r#"{"do":"restore","repo":"api","tag":"b1"}"#,
            r#"{"do":"catalog"}"#,
            r#"{"do":"catalog","n":5}"#,
            r#"{"do":"repositoryUsage"}"#,
            r#"{"do":"keepLastWhatIf","repo":"svc","keep":3}"#,
            r#"{"do":"pushSeries","prefix":"svc","count":12,"tags":true}"#,
            r#"{"do":"pushSeries","prefix":"svc","count":12}"#,
        ];
        for json in actions {
            let action: Action = serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"));
            let msg = action.summary_msg();
            assert_eq!(action.summary(), legacy(&action), "{json}: the English changed");
            assert_eq!(msg.text(Lang::En), legacy(&action));
            for lang in [Lang::Nl, Lang::Fr] {
                let words = msg.text(lang);
                // A key of the form `{0}` (an unknown way to lose the key is its own words).
                let own = crate::i18n::t(lang, msg.key) == crate::i18n::t(Lang::En, msg.key);
                assert!(
                    !words.contains("{0}") && (own || words != legacy(&action)),
                    "{json} in {lang:?}: {words}"
                );
            }
        }
    }

    /// An ok step's detail reads in English as the engine wrote it before, and is a catalogue
    /// text (drawn in the page's language).
    #[test]
    fn ok_details_read_as_before_and_are_catalogue_texts() {
        let json = r#"{"name":"details","registry":{"tier":"Premium","seed":3},"steps":[
            {"atMs":0,"action":{"do":"addReplica","region":"eastus"}},
            {"atMs":0,"action":{"do":"addClient","name":"ci","region":"westeurope"}},
            {"atMs":1000,"action":{"do":"push","client":"ci","repo":"api","tag":"b1","layers":[{"text":"one"}]}},
            {"atMs":60000,"action":{"do":"pushSeries","prefix":"svc","count":3,"tags":true}},
            {"atMs":120000,"action":{"do":"catalog","n":1}},
            {"atMs":180000,"action":{"do":"catalog"}},
            {"atMs":240000,"action":{"do":"repositoryUsage"}},
            {"atMs":300000,"action":{"do":"keepLastWhatIf","repo":"svc","keep":1}},
            {"atMs":360000,"action":{"do":"scaleOutPull","repo":"api","reference":"b1","nodes":3}},
            {"atMs":420000,"action":{"do":"workload","clients":["ci"],"durationMs":60000,"pushesPerMinute":2}},
            {"atMs":480000,"action":{"do":"fault","fault":{"kind":"regionOutage","region":"eastus","destroyed":false},"durationMs":1000}},
            {"atMs":600000,"action":{"do":"deleteRepository","repo":"svc"}}
        ]}"#;
        let (_, run) = Registry::run_scenario(json).unwrap_or_else(|e| panic!("{e}"));
        let details: Vec<String> = run.steps.iter().map(|s| s.detail.clone().unwrap_or_default()).collect();
        let want_start = [
            "",
            "",
            "PUT layer 1 → westeurope, PUT config → westeurope, PUT manifest → westeurope",
            "3 images pushed",
            "1 repositories (api … api), more after api",
            "2 repositories (api … svc), the last page",
            "svc ",
            "keep-last-1 would delete 2 (v2, v1); ACR's retention has 0 of them queued",
            "3 of 3 nodes got the image, 0 throttled",
            "2 operations queued",
            "fault 1: region eastus goes dark",
            "3 manifest(s) deleted",
        ];
        assert_eq!(details.len(), want_start.len(), "{details:#?}");
        for (got, want) in details.iter().zip(want_start) {
            assert!(got.starts_with(want), "{got:?} is not {want:?}…");
        }
        assert!(details[6].contains(" B only there); api "), "{}", details[6]);
        for s in &run.steps {
            assert_eq!(s.result, "ok", "{s:?}");
            assert_eq!(s.action_text.text(Lang::En), s.action);
            match (&s.detail, &s.detail_text) {
                (Some(d), Some(m)) => {
                    assert_eq!(m.text(Lang::En), *d);
                    if d.contains(' ') {
                        assert_ne!(m.text(Lang::Fr), *d, "{d:?} is not translated into French");
                    }
                }
                (None, None) => {}
                other => panic!("{other:?}"),
            }
        }
    }
}
