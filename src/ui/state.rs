//! The page's state and its reducer: an `Action` in, a new `Rc<State>` out. The work is the
//! engine's: the reducer calls the registry, records the outcome in words, and rebuilds the
//! snapshot the components render. The registry is borrowed only inside one call, never across
//! an `.await`. Virtual time is the engine's too: the clock actions call `run_for`, `step` and
//! `run_until_idle`, and the snapshot carries the time and the queued jobs to show.

use std::cell::RefCell;
use std::rc::Rc;

use yew::Reducible;

use crate::engine::scheduler::JobView;
use crate::engine::storage_account::{RecordKey, RecordKind};
use crate::engine::{
    AttributePatch, BlobCheck, Client, Cost, Deleted, EventKind, Fault, FaultKind, FaultState, FeaturesView,
    GeoStorageView, InFlight, KeyVaultView, LayerInput, LayerView, ManifestView, Millis, Registry,
    RegistryError, RegistryOptions, ReplicaView, RepoName, RepositorySummary, RetentionView, ScaleOutReport,
    Scenario, SealView, SoftDeleteView, StorageCopy, Tag, ThrottleView, TierView, Usage,
};

use super::format::{counted, job_kind_msg, parse_size};
use super::locks::change_sentence;
use super::small::{SmallMap, SmallSet};
use crate::i18n::{Arg, Msg};

mod archives;
mod bins;
mod controls;
mod download;
mod geo;
mod guide;
mod preset;
mod run;
mod scenario;
mod upload;

pub use archives::{
    ArchiveFormat, ArchiveOutcome, ImportRun, export_archive, exported_words, imported_words,
};
pub use download::{DownloadRun, DownloadView};
pub use geo::ClientRun;
pub use guide::{ContinueHow, GuideSnap, PROBE_MAX, StoryAction, StoryUi};
pub use preset::{PRESET_REPOS, PRESET_TAGS_PER_REPO, PresetLoadSnap};
pub use run::{RUN_SPEEDS, RunSnap, TICK_MS};
pub use scenario::{
    OracleSnap, ScenarioAsk, ScenarioEntry, ScenarioList, ScenarioSnap, StepSnap, convergence_words,
    parse_index,
};
pub use upload::{PushJob, PushProgress};

/// Repositories per catalog page.
pub const CATALOG_PAGE: u64 = 20;
/// Manifests shown per repository before "show more".
pub const MANIFESTS_SHOWN: usize = 20;
/// Layers shown per manifest.
pub const LAYERS_SHOWN: usize = 50;
/// Queued jobs listed in the clock bar (the count shows them all).
pub const JOBS_SHOWN: usize = 3;
/// Queued jobs the clock bar counts by kind; beyond this it gives only the total.
pub const JOB_KINDS_SCAN: usize = 5_000;
/// Layers waiting to be pushed.
pub const PENDING_MAX: usize = 100;
/// Queued retention deletes listed (the total shows them all).
pub const RETENTION_SHOWN: usize = 100;
/// Identities listed under request rates, busiest first.
pub const IDENTITIES_SHOWN: usize = 20;
/// The page holds every chosen file in memory; bigger files are refused (use a synthetic layer).
pub const FILE_MAX_BYTES: u64 = 256 << 20;
/// Clients listed (the total shows them all).
pub const CLIENTS_SHOWN: usize = 50;
/// Faults on the timeline: the newest ones (the total shows them all).
pub const FAULTS_SHOWN: usize = 50;
/// Soft-deleted items listed (the total shows them all).
pub const SOFT_DELETED_SHOWN: usize = 100;
/// Replication changes on their way drawn on the map (the replicas table counts them all).
pub const IN_FLIGHT_SHOWN: usize = 200;
/// Client pushes and pulls made from the page that stay listed, newest first.
pub const CLIENT_RUNS_KEPT: usize = 12;

/// A panel that shows the engine's refusal of its own last action beside its controls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    /// The map's region and link panels, and the replicas table.
    Geo,
    Clients,
    Faults,
    Accounts,
    SoftDelete,
    Features,
}

/// An error as the page shows it: a code, the HTTP status a registry would answer, and words
/// (in no language yet: drawn in the page's language where it is shown).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UiError {
    pub code: String,
    pub http_status: Option<u16>,
    pub message: Msg,
    /// For TOOMANYREQUESTS: the seconds the registry's `Retry-After` asks to wait.
    pub retry_after_s: Option<u64>,
    /// What stayed changed, when not everything was refused (a client's push stops at its
    /// failed request, and what the requests before it wrote stays). An empty text says
    /// nothing, not even that nothing changed ([`quiet`]).
    pub aside: Option<Msg>,
}

impl UiError {
    /// An error the page itself raises (not the registry): no HTTP status. `message` is a
    /// catalogue text, or words shown as they are (a `String`).
    pub fn page(code: &str, message: impl Into<Msg>) -> Self {
        Self {
            code: code.into(),
            http_status: None,
            message: message.into(),
            retry_after_s: None,
            aside: None,
        }
    }
}

/// An aside that says nothing, not even that nothing changed (the error's words say it all).
pub fn quiet() -> Msg {
    Msg::from(String::new())
}

impl From<RegistryError> for UiError {
    fn from(e: RegistryError) -> Self {
        Self {
            code: e.code.as_str().into(),
            http_status: Some(e.http_status),
            message: e.text,
            retry_after_s: e.retry_after_s,
            aside: None,
        }
    }
}

/// What waiting out a 429 does after the clock has moved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RetryOp {
    /// Push the same layers again, as the same identity.
    Push { repo: String, tag: String, identity: String },
    /// Only wait (the refused operation was not a push).
    Wait,
    /// Wait after a cluster scale-out some of whose nodes were refused.
    ScaleOut,
}

/// A `Retry-After` the page offers to wait out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Retry {
    pub seconds: u64,
    pub op: RetryOp,
}

/// The "New registry" dialog while it is open, with the engine's refusal of the last attempt.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewRegistryDialog {
    pub error: Option<UiError>,
}

/// The fields of the "New registry" dialog, as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRegistryForm {
    pub name: String,
    pub tier: String,
    /// `"2026"`, `"2019"` or `"off"`.
    pub rate_model: String,
    /// `"none"`, `"automatic"` or `"manual"`.
    pub key: String,
    pub seed: String,
    /// The region's programmatic name, e.g. `westeurope`.
    pub region: String,
    /// `"2018"`, `"2022"`, `"2024"` or `"2026"`: which published storage limits apply.
    pub storage_era: String,
}

/// How the customer's key stops being usable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyLoss {
    Disable,
    Delete,
    Revoke,
}

/// The last cluster scale-out: which image, how, and what the engine reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScaleOutSnap {
    pub image: String,
    pub shared_identity: bool,
    pub report: ScaleOutReport,
}

/// Bytes shared by the pending list and the push; equal when they are the same buffer.
#[derive(Clone, Debug)]
pub struct Bytes(pub Rc<Vec<u8>>);

impl PartialEq for Bytes {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// A layer chosen for the next push.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingLayer {
    pub id: u64,
    pub name: String,
    pub size_bytes: u64,
    /// `None` for a synthetic layer.
    pub bytes: Option<Bytes>,
}

/// A file read from the file picker or a drop.
pub struct ReadFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Changes on their way from one region to another: (from, to, how many).
pub type LinkChanges = (&'static str, &'static str, usize);

/// A repository and blob digest: which layer a toggle or a check is about.
pub type LayerKey = (String, String);

/// What a set of locks belongs to: a repository (`None`), or a tag or manifest digest in it.
pub type LockKey = (String, Option<String>);

/// An operation that cannot be undone, waiting for "yes".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Danger {
    Untag {
        repo: String,
        tag: String,
        digest: String,
    },
    DeleteManifest {
        repo: String,
        digest: String,
        tags: Vec<String>,
    },
    DeleteRepository {
        repo: String,
        manifests: usize,
        tags: usize,
        /// Logical bytes no other repository holds: what the delete would stop billing.
        unique_bytes: u64,
    },
    /// Disable, delete or revoke access to the customer-managed key: every push and pull is
    /// refused until it is restored (`records` the key's data keys wrap).
    LoseKey {
        how: KeyLoss,
        records: u64,
    },
}

pub enum Action {
    /// Read these files as layers (the page does it, then sends `FilesRead`).
    ReadFiles(Vec<web_sys::File>),
    /// Pull a blob and save it (the page does it, then sends `Note` or `Fail`).
    Download {
        repo: String,
        digest: String,
        filename: String,
    },
    /// Read this file as an image archive and import it (the page reads it, then sends
    /// `ArchiveRead`).
    ReadArchive(web_sys::File),
    /// An archive is being read.
    ArchiveReading(String),
    /// An archive read (or why it could not be): the engine imports it.
    ArchiveRead {
        file: String,
        result: Result<ReadFile, UiError>,
    },
    /// Export the registry's images as this kind of archive and download it (the page does it,
    /// then sends `ArchiveDone`).
    ExportArchive(ArchiveFormat),
    /// An export made and downloaded, or refused.
    ArchiveDone(ArchiveOutcome),
    /// Files are being read (the count), so push waits.
    ReadingStarted(usize),
    /// Files read, or why one could not be.
    FilesRead(Vec<Result<ReadFile, UiError>>),
    /// A synthetic layer of a size typed as text with a unit.
    AddSynthetic {
        size: String,
        unit: String,
    },
    RemovePending(u64),
    /// Pushes the pending layers; `identity` empty means the admin user.
    Push {
        repo: String,
        tag: String,
        identity: String,
    },
    ToggleRepo(String),
    MoreManifests(String),
    CatalogNext,
    CatalogPrev,
    /// Shows the catalog from the first repository after this name (empty: the first page).
    CatalogAfter(String),
    ToggleSeal(LayerKey),
    ToggleManifestJson(LayerKey),
    Verify(LayerKey),
    /// Flips bit 0 of a stored record; again to flip it back.
    Tamper {
        digest: String,
        key: String,
    },
    /// Shows or hides the four lock toggles of a repository, tag or manifest.
    ToggleLocks(LockKey),
    /// Changes the locks (ACR's changeable attributes) of a repository (`reference` None), a
    /// tag or a manifest digest; absent fields keep their value.
    SetAttributes {
        repo: String,
        reference: Option<String>,
        patch: AttributePatch,
    },
    Ask(Danger),
    Confirm,
    Cancel,
    Fail(UiError),
    /// A note, drawn in the page's language.
    Note(Msg),
    DismissError,
    /// Moves virtual time forward, running every job due on the way.
    Advance(Millis),
    /// Runs the next queued job; the clock jumps to its time.
    StepJob,
    /// Runs queued jobs until none is left.
    RunUntilIdle,
    /// Moves the registry to another tier (Basic, Standard, Premium), with no downtime.
    SetTier(String),
    OpenNewRegistry,
    CloseNewRegistry,
    /// Replaces the page's registry with a new one (the dialog asked first).
    CreateRegistry(NewRegistryForm),
    /// Replaces the page's registry with a new one filled with the large preset, loaded a
    /// slice per animation frame (`PresetSlice`).
    LoadPreset(NewRegistryForm),
    PresetSlice,
    /// The next slice of a push of large files (the page sends one per animation frame).
    PushSlice,
    /// Stops the push under way (its open upload is cancelled).
    StopPush,
    /// The next slice of a large blob being opened for saving (one per animation frame).
    DownloadSlice,
    /// Stops opening the blob being saved (nothing is saved).
    StopDownload,
    /// The next slice of an archive import being read (one per animation frame).
    ImportSlice,
    /// Stops the archive import being read (nothing of it was imported).
    StopImport,
    /// Closes the large preset's panel once the load has finished (the status line keeps what
    /// it said); a load under way stays.
    DismissPreset,
    /// Replaces the page's registry with one the engine replayed from a saved, imported or
    /// shared session (`ui::keep` did it), and says so.
    Adopt {
        registry: Box<Registry>,
        note: Msg,
    },
    /// `"2026"`, `"2019"` or `"off"`.
    SetRateModel(String),
    /// `nodes` clients pull the scale-out image at once (`nodes` as typed).
    ScaleOut {
        nodes: String,
        shared_identity: bool,
    },
    /// Waits out the last `Retry-After` on the virtual clock, then retries a refused push.
    RetryAfter,
    AddKeyVersion,
    /// `Some(v)`: pin version v (manual rotation); `None`: automatic rotation, newest version.
    RotateKey(Option<u32>),
    /// Gives the key material kept in the customer's vault back to the registry.
    RestoreKey,
    /// The retention policy for untagged manifests (`days` as typed; empty: ACR's default).
    SetRetention {
        enabled: bool,
        days: String,
    },
    /// Something outside the page (the console, through `stowage.page()`) changed the registry.
    Refreshed,
    AddReplica(String),
    RemoveReplica(String),
    SetReplicaRouting {
        region: String,
        enabled: bool,
    },
    /// Injects a fault after `delay`, lasting `duration` (both as typed; empty: now, until
    /// healed); the refusal shows in `panel`.
    InjectFault {
        fault: FaultKind,
        delay: String,
        duration: String,
        panel: Panel,
    },
    HealFault(u32),
    /// The geo-redundant storage lag, as typed (e.g. `5m`).
    SetGeoLag(String),
    AddClient {
        name: String,
        region: String,
        dns_cache: bool,
    },
    /// A client pushes two small generated text layers as `repo:tag`, each request routed.
    ClientPush {
        client: String,
        repo: String,
        tag: String,
    },
    ClientPull {
        client: String,
        repo: String,
        reference: String,
    },
    /// The soft-delete policy (`days` as typed; empty: the default 7).
    SetSoftDelete {
        enabled: bool,
        days: String,
    },
    RestoreSoftDeleted {
        repo: String,
        tag: String,
        digest: String,
        force: bool,
    },
    AddWebhook {
        name: String,
        actions: Vec<&'static str>,
        /// Empty: every repository.
        scope: String,
        /// The replica it is configured on (empty: home).
        region: String,
    },
    RemoveWebhook(String),
    AddPrivateEndpoint(String),
    RemovePrivateEndpoint(String),
    SetContentTrust(bool),
    /// Starts the clock running at `speed` virtual milliseconds per real millisecond (0: as fast
    /// as it goes), until the time typed (empty: until paused).
    Run {
        speed: u32,
        until: String,
    },
    Pause,
    /// One tick of the running clock (sent by the page's timer every `TICK_MS`).
    RunTick,
    /// The list of built-in scenarios arrived (the page fetches it when it starts).
    ScenarioIndex(Result<Vec<ScenarioEntry>, UiError>),
    /// Fetch a built-in scenario (the page does it, then sends `ScenarioFetched`).
    FetchScenario(String),
    ScenarioFetched {
        file: String,
        result: Result<String, UiError>,
    },
    /// Replace the registry with the fetched scenario's (the dialog asked first).
    ConfirmScenario,
    CancelScenario,
    /// Play the loaded scenario to its end, in slices (then its final phase, if it has one).
    RunScenarioToEnd,
    /// Play the loaded scenario's final phase now: heal every fault and run until the replicas
    /// agree (offered once the clock reached the end by hand).
    PlayFinalPhase,
    /// Show or hide the oracle (hidden, it is not computed).
    ToggleOracle,
    /// The guided story and time travel (the scrubber, step back).
    Story(StoryAction),
    /// Show this panel first beside the map (the page's layout; the registry is not touched).
    OpenPanel(&'static str),
}

/// Which part of an image a blob is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlobRole {
    Config,
    Layer,
}

/// One blob as the catalog shows it, with whatever the person opened or checked.
#[derive(Clone, Debug, PartialEq)]
pub struct BlobSnap {
    pub repo: String,
    pub role: BlobRole,
    pub view: LayerView,
    /// The sealed form, when opened.
    pub seal: Option<Result<SealView, UiError>>,
    /// The last "verify" result.
    pub check: Option<Result<BlobCheck, UiError>>,
    /// The record key, while one of its bits is flipped.
    pub tampered_key: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ManifestSnap {
    pub repo: String,
    pub view: ManifestView,
    /// Whether the manifest's own lock toggles are shown.
    pub locks_open: bool,
    /// Whether each tag's lock toggles are shown, aligned with `view.tags`.
    pub tag_locks_open: Vec<bool>,
    pub json: Option<Result<String, UiError>>,
    pub config: Option<BlobSnap>,
    pub layers: Vec<BlobSnap>,
    pub layers_hidden: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RepoSnap {
    pub name: String,
    pub summary: Option<RepositorySummary>,
    pub expanded: bool,
    /// Whether the repository's lock toggles are shown.
    pub locks_open: bool,
    pub manifests: Vec<ManifestSnap>,
    pub manifests_hidden: usize,
    pub error: Option<UiError>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CatalogSnap {
    pub repos: Vec<RepoSnap>,
    /// 1-based page number.
    pub page: usize,
    pub has_prev: bool,
    pub has_next: bool,
    pub error: Option<UiError>,
}

/// Virtual time and the event queue, for the clock bar and the delete dialog.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClockSnap {
    pub now: Millis,
    /// How long after a delete garbage collection reclaims the space.
    pub gc_delay: Millis,
    /// When the space of a record released now would be reclaimed.
    pub reclaim_if_released_now: Millis,
    /// The next `JOBS_SHOWN` garbage-collection reclaims, in the order they run.
    pub jobs: Vec<JobView>,
    /// Every queued job, of any kind.
    pub jobs_total: usize,
    /// Queued reclaims, and the other kinds with their counts and next times, in the order
    /// they next run (the engine counts every queued job).
    pub reclaims: usize,
    pub kinds: Vec<KindCount>,
    /// The clock while it runs by itself.
    pub running: Option<RunSnap>,
}

/// Queued jobs of one kind (the engine's `JobView::kind`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KindCount {
    pub kind: &'static str,
    pub count: usize,
    pub next_at: Millis,
}

/// Counts `jobs` by kind, in the order each kind first comes up.
fn count_kinds<'a>(jobs: impl Iterator<Item = &'a JobView>) -> Vec<KindCount> {
    let mut kinds: Vec<KindCount> = vec![];
    for job in jobs {
        match kinds.iter_mut().find(|k| k.kind == job.kind) {
            Some(k) => k.count += 1,
            None => kinds.push(KindCount { kind: job.kind, count: 1, next_at: job.at_ms }),
        }
    }
    kinds
}

/// What the page renders, rebuilt after every action.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    pub usage: Option<Usage>,
    /// The tier in force, its included storage and its storage limit.
    pub tier: Option<TierView>,
    /// What the billed storage costs per day on that tier.
    pub cost: Option<Cost>,
    pub clock: ClockSnap,
    pub keys: Vec<(String, u64)>,
    /// Request-rate limits, buckets and bandwidth.
    pub throttle: Option<ThrottleView>,
    /// The registry's key: service- or customer-managed, its state and versions.
    pub key_vault: Option<KeyVaultView>,
    /// The retention policy and the first `RETENTION_SHOWN` queued deletes.
    pub retention: Option<RetentionView>,
    /// The image a cluster scale-out pulls: the last one pushed here while it is tagged,
    /// otherwise the first tagged image in the catalog.
    pub scale_target: Option<(String, String)>,
    pub catalog: CatalogSnap,
    /// Events ever logged (the log keeps the newest 10,000; the event log reads them itself).
    pub events_total: u64,
    /// The home region's geo-redundant storage: each account's recovery point window.
    pub geo: Option<GeoStorageView>,
    /// Every replica, home first.
    pub replicas: Vec<ReplicaView>,
    /// The first `IN_FLIGHT_SHOWN` changes on their way between replicas, soonest first.
    pub in_flight: Vec<InFlight>,
    /// Every change on its way, counted per direction: (from, to, changes), queued or held.
    pub in_flight_by_link: Vec<LinkChanges>,
    /// The first `CLIENTS_SHOWN` clients, by name.
    pub clients: Vec<Client>,
    pub clients_total: usize,
    /// The newest `FAULTS_SHOWN` faults, in the order they were injected.
    pub faults: Vec<Fault>,
    pub faults_total: usize,
    /// The soft-delete policy and the first `SOFT_DELETED_SHOWN` items in the bins.
    pub soft_delete: Option<SoftDeleteView>,
    pub features: Option<FeaturesView>,
    /// The loaded scenario and its steps, played and to come.
    pub scenario: Option<ScenarioSnap>,
    /// The oracle's report, while its panel is open.
    pub oracle: Option<OracleSnap>,
    /// Where the registry is in its run (the scrubber).
    pub history: Option<crate::engine::history::HistoryView>,
}

/// The live registry as a component's property: equal when it is the same registry.
#[derive(Clone)]
pub struct Shared(pub Rc<RefCell<Registry>>);

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

#[derive(Clone)]
pub struct State {
    pub registry: Option<Rc<RefCell<Registry>>>,
    pub name: String,
    /// The registry's garbage-collection delay, as it was created with.
    /// Bumped by every action that changed the registry.
    pub version: u64,
    /// The status line: what the last action did, drawn in the page's language.
    pub message: Option<Msg>,
    pub error: Option<UiError>,
    pub pending: Vec<PendingLayer>,
    pub reading: usize,
    next_id: u64,
    /// The `last` markers that lead to the current catalog page (empty: the first page).
    cursor: Vec<String>,
    /// The current page's `next` marker.
    next_marker: Option<String>,
    expanded: SmallSet<String>,
    manifest_limits: SmallMap<String, usize>,
    open_seals: SmallSet<LayerKey>,
    /// Sealed views of the open layers, as of `seals_version` (a pull decrypts the whole blob,
    /// so they are not recomputed on every click).
    seals: SmallMap<LayerKey, Result<SealView, UiError>>,
    seals_version: u64,
    open_json: SmallSet<LayerKey>,
    checks: SmallMap<LayerKey, Result<BlobCheck, UiError>>,
    /// Blob digest → record key, for every record whose bit was flipped from this page; which
    /// of them carry the flip at the time shown is `flipped` (the log says: an odd count of
    /// flips of bit 0), so marks follow time travel.
    tampered: SmallMap<String, String>,
    /// Record keys whose bit 0 is flipped at the time shown (refreshed with the snapshot).
    flipped: std::collections::BTreeSet<String>,
    /// Repositories, tags and manifests whose lock toggles are shown.
    open_locks: SmallSet<LockKey>,
    pub confirm: Option<Danger>,
    /// Bumped when the registry is replaced: panels with their own fields start afresh.
    pub generation: u64,
    /// A push of large files being sent in slices.
    pub push_job: Option<PushJob>,
    /// A large archive being read for import, a slice at a time.
    pub import_run: Option<ImportRun>,
    /// A large blob being opened for saving, a slice at a time.
    pub download: Option<DownloadRun>,
    /// The key material of a customer-managed key while the registry has lost access to it:
    /// the customer's Key Vault, outside the registry. `restore_key` gives it back.
    pub retry: Option<Retry>,
    pub new_registry: Option<NewRegistryDialog>,
    pub scale_out: Option<ScaleOutSnap>,
    /// The engine's refusal of the last retention change, shown in its panel.
    pub retention_error: Option<UiError>,
    /// The image the page pushed last (repository, tag).
    last_pushed: Option<(String, String)>,
    /// The engine's refusal of a panel's last action, shown in that panel.
    pub panel_error: Option<(Panel, UiError)>,
    /// Client pushes and pulls made from the page, newest first (at most `CLIENT_RUNS_KEPT`).
    pub client_runs: Vec<ClientRun>,
    client_runs_made: u64,
    /// The clock running by itself, while it does.
    running: Option<RunSnap>,
    /// The built-in scenarios, as fetched when the page started.
    pub scenario_list: ScenarioList,
    /// A scenario fetched and checked, waiting for the confirmation that replaces the registry.
    pub scenario_ask: Option<ScenarioAsk>,
    /// Why the last scenario could not be loaded (shown in the picker).
    pub scenario_error: Option<UiError>,
    pub scenario_fetching: bool,
    /// The scenario the registry was loaded from (its steps to come are listed from it).
    scenario: Option<Rc<Scenario>>,
    /// Whether the oracle's panel is open (closed, it is not computed).
    pub oracle_open: bool,
    /// (generation, version, virtual time, last event) of the oracle's last report.
    oracle_key: Option<(u64, u64, u64, u64)>,
    /// The story panel and the scrubber's own state.
    pub story: StoryUi,
    /// The large preset's load, under way or done (the progress bar).
    pub preset: Option<PresetLoadSnap>,
    /// Where the catalog was last shown from by name (`CatalogAfter`).
    catalog_jump: Option<String>,
    /// The last archive import or export, shown in the catalog.
    pub archive: Option<ArchiveOutcome>,
    pub snapshot: Snapshot,
}

impl State {
    pub fn new() -> Self {
        let options = RegistryOptions::default();
        let name = options.name.clone();
        Self::with_registry(Registry::new(options), name)
    }

    /// A page over a registry just created (or the reason it could not be).
    fn with_registry(created: Result<Registry, RegistryError>, name: String) -> Self {
        let (registry, error) = match created {
            Ok(mut r) => {
                super::keep::page_limits(&mut r);
                (Some(Rc::new(RefCell::new(r))), None)
            }
            Err(e) => (None, Some(UiError::from(e))),
        };
        super::set_live_registry(registry.clone());
        let mut state = Self {
            registry,
            name,
            version: 0,
            message: None,
            error,
            pending: vec![],
            reading: 0,
            next_id: 1,
            cursor: vec![],
            next_marker: None,
            expanded: Default::default(),
            manifest_limits: Default::default(),
            open_seals: Default::default(),
            seals: Default::default(),
            seals_version: 0,
            open_json: Default::default(),
            checks: Default::default(),
            tampered: Default::default(),
            flipped: Default::default(),
            open_locks: Default::default(),
            confirm: None,
            snapshot: Snapshot::default(),
            generation: 0,
            push_job: None,
            import_run: None,
            download: None,
            retry: None,
            new_registry: None,
            scale_out: None,
            retention_error: None,
            last_pushed: None,
            panel_error: None,
            client_runs: vec![],
            client_runs_made: 0,
            running: None,
            scenario_list: ScenarioList::Loading,
            scenario_ask: None,
            scenario_error: None,
            scenario_fetching: false,
            scenario: None,
            oracle_open: true,
            oracle_key: None,
            story: StoryUi::default(),
            preset: None,
            catalog_jump: None,
            archive: None,
        };
        if let Some(name) = state.with(|r| Ok(r.name().to_string())) {
            state.name = name;
        }
        state.refresh();
        state
    }

    /// Replaces the registry with one replayed from a session; the scenario it was made from,
    /// if any, lists its steps again.
    fn adopt(&mut self, registry: Registry, note: Msg) {
        let scenario = match &registry.journal().origin {
            Some(crate::engine::journal::Origin::Scenario { json, .. }) => {
                Scenario::parse(json).ok().map(Rc::new)
            }
            _ => None,
        };
        let name = registry.name().to_string();
        self.replace_registry(registry, name);
        self.scenario = scenario;
        self.note(note);
    }

    /// Runs a read-only query; a refusal becomes the page's error.
    fn with<T>(&mut self, f: impl FnOnce(&Registry) -> Result<T, RegistryError>) -> Option<T> {
        let result = match &self.registry {
            None => return None,
            Some(reg) => match reg.try_borrow() {
                Ok(r) => f(&r).map_err(UiError::from),
                Err(_) => Err(busy()),
            },
        };
        self.settle(result)
    }

    /// Runs a change; a refusal becomes the page's error, a success bumps the version.
    fn change<T>(&mut self, f: impl FnOnce(&mut Registry) -> Result<T, RegistryError>) -> Option<T> {
        if let Some(why) = super::session_busy() {
            return self.settle(Err(session_restoring(why)));
        }
        let result = match &self.registry {
            None => Err(UiError::page("NO_REGISTRY", Msg::key("notes.no_registry_run"))),
            Some(reg) => match reg.try_borrow_mut() {
                Ok(mut r) => f(&mut r).map_err(UiError::from),
                Err(_) => Err(busy()),
            },
        };
        let out = self.settle(result);
        if out.is_some() {
            self.version += 1;
            self.checks.clear();
        }
        out
    }

    /// `change` for a panel's own action: its refusal shows in the panel too.
    fn change_in<T>(
        &mut self,
        panel: Panel,
        f: impl FnOnce(&mut Registry) -> Result<T, RegistryError>,
    ) -> Option<T> {
        let out = self.change(f);
        self.panel_error = match (&out, &self.error) {
            (None, Some(e)) => Some((panel, e.clone())),
            _ => None,
        };
        out
    }

    /// A page-side refusal (input the engine never saw) shown in a panel and the banner.
    fn fail_in(&mut self, panel: Panel, e: UiError) {
        self.panel_error = Some((panel, e.clone()));
        self.fail(e);
    }

    /// The error a panel shows, if its last action was refused.
    pub fn error_of(&self, panel: Panel) -> Option<UiError> {
        self.panel_error.as_ref().filter(|(p, _)| *p == panel).map(|(_, e)| e.clone())
    }

    fn settle<T>(&mut self, result: Result<T, UiError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(e);
                None
            }
        }
    }

    fn fail(&mut self, e: UiError) {
        self.message = None;
        self.retry = e.retry_after_s.map(|seconds| Retry { seconds, op: RetryOp::Wait });
        self.error = Some(e);
    }

    fn note(&mut self, message: impl Into<Msg>) {
        self.error = None;
        self.retry = None;
        self.message = Some(message.into());
    }

    fn add_pending(&mut self, name: String, size_bytes: u64, bytes: Option<Bytes>) -> bool {
        if self.pending.len() >= PENDING_MAX {
            self.fail(UiError::page(
                "TOO_MANY_LAYERS",
                Msg::new("notes.too_many_layers", [PENDING_MAX.to_string().into()]),
            ));
            return false;
        }
        self.pending.push(PendingLayer { id: self.next_id, name, size_bytes, bytes });
        self.next_id += 1;
        true
    }

    fn files_read(&mut self, files: Vec<Result<ReadFile, UiError>>) {
        self.reading = self.reading.saturating_sub(files.len());
        let mut added = vec![];
        let mut failed = None;
        for f in files {
            match f {
                Ok(ReadFile { name, bytes }) => {
                    let size = bytes.len() as u64;
                    if self.add_pending(name.clone(), size, Some(Bytes(Rc::new(bytes)))) {
                        added.push(Msg::new("notes.file_item", [name.into(), Arg::Size(size)]).into());
                    }
                }
                Err(e) => failed = Some(e),
            }
        }
        match failed {
            Some(e) => self.fail(e),
            None if !added.is_empty() => self.note(Msg::new(
                "notes.files_added",
                [counted("unit.files", added.len()).into(), Arg::List(added)],
            )),
            None => {}
        }
    }

    fn add_synthetic(&mut self, size: &str, unit: &str) {
        let size_bytes = match parse_size(size, unit) {
            Ok(b) => b,
            Err(message) => return self.fail(UiError::page("INVALID_INPUT", message)),
        };
        if self.with(|r| r.check_synthetic_size(size_bytes)).is_none() {
            return;
        }
        if self.add_pending("synthetic layer".into(), size_bytes, None) {
            self.note(Msg::new("notes.synthetic_added", [Arg::Bytes(size_bytes)]));
        }
    }

    fn push(&mut self, repo: &str, tag: &str, identity: &str) {
        if self.reading > 0 {
            return self.fail(UiError::page("STILL_READING", Msg::key("notes.still_reading")));
        }
        if self.push_under_way() {
            return;
        }
        let (repo, tag, identity) = (repo.trim(), tag.trim(), identity.trim());
        if self.sliced() {
            // Large files: names checked now, not after the bytes are sent.
            let checked = RepoName::parse(repo).and_then(|_| Tag::parse(tag)).map_err(UiError::from);
            if self.settle(checked).is_some() {
                self.begin_sliced_push(repo, tag, identity);
            }
            return;
        }
        let layers: Vec<LayerInput> = self
            .pending
            .iter()
            .map(|p| match &p.bytes {
                Some(b) => LayerInput::File { name: p.name.clone(), bytes: b.0.as_ref().clone() },
                None => LayerInput::Synthetic { size_bytes: p.size_bytes, seed: None },
            })
            .collect();
        if self.finish_push(repo, tag, identity, layers, 0, None) {
            self.pending.clear();
        }
    }

    /// Pushes the image (its file layers already uploaded, for a sliced push: `sent` bytes
    /// since `started_at`) and says what was pushed; false when refused.
    fn finish_push(
        &mut self,
        repo: &str,
        tag: &str,
        identity: &str,
        layers: Vec<LayerInput>,
        sent: u64,
        started_at: Option<Millis>,
    ) -> bool {
        let n = layers.len();
        let pushed = self.change(|r| {
            if identity.is_empty() {
                r.push_image(repo, tag, layers)
            } else {
                r.with_identity(identity, |r| r.push_image(repo, tag, layers))
            }
        });
        let Some(pushed) = pushed else {
            if let Some(retry) = &mut self.retry {
                retry.op = RetryOp::Push { repo: repo.into(), tag: tag.into(), identity: identity.into() };
            }
            return false;
        };
        let now = self.with(|r| Ok(r.now())).unwrap_or_default();
        let took_ms = started_at.map_or(pushed.took_ms, |t| Millis(now.0.saturating_sub(t.0)));
        self.last_pushed = Some((repo.to_string(), tag.to_string()));
        // Open what was just pushed, and only that, so the page shows the result.
        self.expanded = SmallSet::default();
        self.expanded.insert(repo.to_string(), ());
        let upload = self.with(|r| Ok((r.tier().tier, r.throttle_view().upload_bytes_per_s)));
        let bandwidth = upload.map_or(Arg::Text(String::new()), |(tier, up)| {
            Msg::new("notes.pushed_bandwidth", [tier.to_string().into(), Arg::Rate(up)]).into()
        });
        let who = if identity.is_empty() { "admin" } else { identity };
        self.note(Msg::new(
            "notes.pushed",
            [
                format!("{repo}:{tag}").into(),
                pushed.digest.short().into(),
                counted("unit.layers", n).into(),
                who.into(),
                Arg::Bytes(pushed.uploaded_bytes + sent),
                Arg::Ms(took_ms.0),
                bandwidth,
            ],
        ));
        true
    }

    fn confirm(&mut self) {
        let Some(danger) = self.confirm.take() else { return };
        let bin_days = self.snapshot.soft_delete.as_ref().filter(|v| v.enabled).map(|v| v.days);
        let released = |d: &Deleted| match bin_days {
            Some(days) => Msg::new("notes.to_bin", [counted("unit.days", days as usize).into()]),
            None => released(d),
        };
        match danger {
            Danger::Untag { repo, tag, .. } => {
                if let Some(digest) = self.change(|r| r.untag(&repo, &tag)) {
                    let key = if bin_days.is_some() { "notes.untagged_to_bin" } else { "notes.untagged" };
                    self.note(Msg::new(key, [format!("{repo}:{tag}").into(), digest.short().into()]));
                }
            }
            Danger::DeleteManifest { repo, digest, .. } => {
                if let Some(d) = self.change(|r| r.delete_manifest(&repo, &digest)) {
                    self.forget_released(&d.released_records);
                    self.note(Msg::new(
                        "notes.deleted_manifest",
                        [
                            counted("unit.manifests", d.manifests.len()).into(),
                            counted("unit.tags", d.tags.len()).into(),
                            repo.into(),
                            released(&d).into(),
                        ],
                    ));
                }
            }
            Danger::LoseKey { how, .. } => self.lose_key(how),
            Danger::DeleteRepository { repo, .. } => {
                if let Some(d) = self.change(|r| r.delete_repository(&repo)) {
                    self.forget_released(&d.released_records);
                    self.expanded.remove(&repo);
                    self.note(Msg::new(
                        "notes.deleted_repository",
                        [
                            repo.into(),
                            counted("unit.manifests", d.manifests.len()).into(),
                            released(&d).into(),
                        ],
                    ));
                }
            }
        }
    }

    /// Released records no longer carry a flipped bit: garbage collection reclaims them, and a
    /// new push of the same content before then stores it again, clean.
    fn forget_released(&mut self, released: &[String]) {
        self.tampered.retain(|_, key| !released.contains(key));
    }

    /// Runs one of the engine's clock calls and measures what garbage collection reclaimed.
    /// Nothing the catalog shows changes (only released records go), so open views stay open
    /// and checked digests stay checked.
    fn tick<T>(&mut self, f: impl FnOnce(&mut Registry) -> T) -> Option<Tick<T>> {
        let result = match &self.registry {
            None => Err(UiError::page("NO_REGISTRY", Msg::key("notes.no_registry_time"))),
            Some(reg) => match reg.try_borrow_mut() {
                Ok(mut r) => {
                    let before = r.usage();
                    let seq = r.last_event_seq();
                    let queued = r.pending_jobs(r.pending_job_count().min(JOB_KINDS_SCAN));
                    let out = f(&mut r);
                    let after = r.usage();
                    let now = r.now();
                    // The jobs queued before that were due by now, by kind (those queued and
                    // run meanwhile are in the engine's count, not here).
                    let ran = count_kinds(queued.iter().take_while(|j| j.at_ms <= now));
                    // What the jobs other than garbage collection did, as the event log words it
                    // (a delete's own events, and reclaims, are summed up instead).
                    let mut others: Vec<Msg> = r
                        .events()
                        .rev()
                        .take_while(|e| e.seq > seq)
                        .filter(|e| {
                            !matches!(
                                e.kind,
                                EventKind::RecordReclaimed { .. }
                                    | EventKind::RecordReleased { .. }
                                    | EventKind::ManifestDeleted { .. }
                                    | EventKind::RepositoryDeleted { .. }
                            )
                        })
                        .map(|e| e.kind.describe_msg())
                        .collect();
                    others.reverse();
                    Ok(Tick {
                        out,
                        now,
                        reclaimed_records: before.total_records.saturating_sub(after.total_records),
                        reclaimed_bytes: before.total_stored_bytes.saturating_sub(after.total_stored_bytes),
                        ran,
                        others,
                    })
                }
                Err(_) => Err(busy()),
            },
        };
        self.settle(result)
    }

    fn advance(&mut self, by: Millis) {
        let Some(t) = self.tick(|r| r.run_for(by)) else { return };
        let what = if t.out == 0 { Msg::key("notes.no_job_due") } else { t.summary(t.out) };
        self.note(Msg::new("notes.advanced", [Arg::Duration(by.0), t.now.to_string().into(), what.into()]));
    }

    fn step_job(&mut self) {
        let Some(t) = self.tick(|r| {
            let next = r.pending_jobs(1).into_iter().next();
            r.step().and(next)
        }) else {
            return;
        };
        match &t.out {
            None => self.note(Msg::new("notes.no_job_queued", [t.now.to_string().into()])),
            Some(job) => {
                let what = if let Some(first) = t.others.first() {
                    Msg::new("events.sentence", [first.clone().into()])
                } else if job.kind != "reclaim" {
                    Msg::new("notes.job_ran", [job_kind_msg(job.kind, 1).into(), job.target.as_str().into()])
                } else if t.reclaimed_records > 0 {
                    Msg::new(
                        "notes.job_reclaimed",
                        [job.target.as_str().into(), Arg::Bytes(t.reclaimed_bytes)],
                    )
                } else {
                    Msg::new("notes.job_kept", [job.target.as_str().into()])
                };
                self.note(Msg::new("notes.stepped", [t.now.to_string().into(), what.into()]));
            }
        }
    }

    fn run_until_idle(&mut self) {
        let Some(t) = self.tick(Registry::run_until_idle) else { return };
        if t.out == 0 {
            return self.note(Msg::new("notes.no_job_queued", [t.now.to_string().into()]));
        }
        self.note(Msg::new("notes.ran_all", [t.now.to_string().into(), t.summary(t.out).into()]));
    }

    fn tamper(&mut self, digest: String, key: String) {
        let flipped_back = self.flipped.contains(&key);
        if self.change(|r| r.tamper_record(&key, 0)).is_none() {
            return;
        }
        self.tampered.insert(digest, key.clone());
        if flipped_back {
            self.flipped.remove(&key);
            self.note(Msg::new("notes.unflipped", [key.into()]));
        } else {
            self.flipped.insert(key.clone());
            self.note(Msg::new("notes.flipped", [key.into()]));
        }
    }

    /// Locks or unlocks a repository, tag or manifest, and says in words what that refuses now.
    fn set_attributes(&mut self, repo: String, reference: Option<String>, patch: AttributePatch) {
        let reference = reference.as_deref();
        let Some(now) = self.change(|r| r.set_attributes(&repo, reference, &patch)) else { return };
        self.note(change_sentence(&repo, reference, &patch, &now));
    }

    /// Changes the tier and says what the registry costs now; the current tier is a no-op.
    fn set_tier(&mut self, name: &str) {
        if self.snapshot.tier.as_ref().is_some_and(|t| t.tier.as_str() == name) {
            return self.note(Msg::new("notes.tier_same", [name.into()]));
        }
        let Some(view) = self.change(|r| r.set_tier(name)) else { return };
        let Some(cost) = self.with(|r| Ok(r.cost())) else { return };
        self.note(Msg::new(
            "notes.tier_moved",
            [
                view.tier.to_string().into(),
                Arg::Dollars(cost.tier_fee_micro_usd, 3),
                Arg::RoundSize(view.included_bytes),
                Arg::RoundSize(view.limit_bytes),
                Arg::Size(cost.billed_bytes),
                Arg::Dollars(cost.total_micro_usd_per_day, 4),
            ],
        ));
    }

    fn verify(&mut self, key: LayerKey) {
        if self.verify_sliced(&key) {
            return;
        }
        let result = match &self.registry {
            None => return,
            Some(reg) => match reg.try_borrow() {
                Ok(r) => r.verify_blob(&key.0, &key.1).map_err(UiError::from),
                Err(_) => Err(busy()),
            },
        };
        self.verified(key, result);
    }

    /// What "Verify" found: said in the status line, and kept beside the layer.
    fn verified(&mut self, key: LayerKey, result: Result<BlobCheck, UiError>) {
        let rot = self
            .registry
            .as_ref()
            .and_then(|reg| reg.try_borrow().ok().and_then(|r| rot_words(r.faults(), &key.1)));
        match &result {
            Ok(c) if c.matches => {
                let rot = rot.map_or(Arg::Text(String::new()), Arg::from);
                self.note(Msg::new("notes.verified", [c.expected.short().into(), rot]))
            }
            Ok(c) => self.fail(UiError::page(
                "DIGEST_INVALID",
                Msg::new("notes.hashed_to", [c.expected.short().into(), c.recomputed.short().into()]),
            )),
            Err(e) => self.fail(e.clone()),
        }
        self.checks.insert(key, result);
    }

    /// Rebuilds the snapshot from the registry.
    fn refresh(&mut self) {
        let Some(reg) = self.registry.clone() else { return };
        let oracle = match reg.try_borrow_mut() {
            Ok(mut r) => self.oracle_snap(&mut r),
            Err(_) => return self.fail(busy()),
        };
        let Ok(r) = reg.try_borrow() else { return self.fail(busy()) };
        let r: &Registry = &r;
        self.flipped = r.flipped_keys();
        self.refresh_seals(r);
        let catalog = self.catalog_snap(r);
        let now = r.now();
        let key_vault = r.key_vault();
        let retention = r.retention_view(RETENTION_SHOWN);
        let mut throttle = r.throttle_view();
        throttle.identities.truncate(IDENTITIES_SHOWN);
        let scale_target = self.scale_target(r, &catalog);
        let jobs_total = r.pending_job_count();
        // The engine counts every queued job by kind; the page lists the next few reclaims.
        let mut kinds: Vec<KindCount> = r
            .pending_job_counts()
            .into_iter()
            .map(|(kind, count, next_at)| KindCount { kind, count, next_at })
            .collect();
        kinds.sort_by_key(|k| k.next_at);
        let reclaims = kinds.iter().find(|k| k.kind == "reclaim").map_or(0, |k| k.count);
        kinds.retain(|k| k.kind != "reclaim");
        let jobs = next_reclaims(r, reclaims.min(JOBS_SHOWN), jobs_total);
        let faults = r.faults();
        let clients = r.clients();
        let (in_flight, in_flight_by_link) = in_flight_by_link(r);
        let history = r.history_view();
        self.note_fork(&history);
        self.snapshot = Snapshot {
            usage: Some(r.usage()),
            tier: Some(r.tier()),
            cost: Some(r.cost()),
            clock: ClockSnap {
                now,
                gc_delay: r.gc_delay(),
                reclaim_if_released_now: r.reclaim_at_if_released_now(),
                jobs,
                jobs_total,
                reclaims,
                kinds,
                running: self.running.clone(),
            },
            keys: r.key_versions(),
            throttle: Some(throttle),
            key_vault: Some(key_vault),
            retention: Some(retention),
            scale_target,
            catalog,
            events_total: r.last_event_seq(),
            geo: Some(r.geo_storage()),
            replicas: r.replicas(),
            in_flight,
            in_flight_by_link,
            clients_total: clients.len(),
            clients: clients.into_iter().take(CLIENTS_SHOWN).collect(),
            faults: faults[faults.len().saturating_sub(FAULTS_SHOWN)..].to_vec(),
            faults_total: faults.len(),
            soft_delete: Some(r.soft_delete_view(SOFT_DELETED_SHOWN)),
            features: Some(r.features()),
            scenario: self.scenario_snap(r),
            oracle,
            history: Some(history),
        };
    }

    /// The image a scale-out pulls: the last one pushed here while its tag still names a
    /// manifest, otherwise the first tagged image on the catalog page shown.
    fn scale_target(&self, r: &Registry, catalog: &CatalogSnap) -> Option<(String, String)> {
        if let Some((repo, tag)) = &self.last_pushed
            && r.manifests(repo).is_ok_and(|ms| ms.iter().any(|m| m.tags.iter().any(|t| t.as_str() == tag)))
        {
            return Some((repo.clone(), tag.clone()));
        }
        catalog.repos.iter().filter(|repo| repo.summary.as_ref().is_some_and(|s| s.tags > 0)).find_map(
            |repo| {
                let page = r.tag_page(&repo.name, Some(1), None).ok()?;
                Some((repo.name.clone(), page.tags.into_iter().next()?))
            },
        )
    }

    /// Computes the sealed views of newly opened layers, and all of them after a change.
    fn refresh_seals(&mut self, r: &Registry) {
        if self.seals_version != self.version {
            self.seals.clear();
            self.seals_version = self.version;
        }
        let open = &self.open_seals;
        self.seals.retain(|key, _| open.contains_key(key));
        for key in open.keys() {
            if !self.seals.contains_key(key) {
                self.seals.insert(key.clone(), r.seal_view(&key.0, &key.1).map_err(UiError::from));
            }
        }
    }

    fn catalog_snap(&mut self, r: &Registry) -> CatalogSnap {
        // The owner's view: repositories hidden from listings (listEnabled=false) stay, marked.
        let mut page = r.catalog_with_hidden(Some(CATALOG_PAGE), self.cursor.last().map(String::as_str));
        // A delete can empty the current page: step back to one that has repositories.
        while matches!(&page, Ok(p) if p.repositories.is_empty()) && !self.cursor.is_empty() {
            self.cursor.pop();
            page = r.catalog_with_hidden(Some(CATALOG_PAGE), self.cursor.last().map(String::as_str));
        }
        let page = match page {
            Ok(p) => p,
            Err(e) => return CatalogSnap { error: Some(e.into()), page: 1, ..CatalogSnap::default() },
        };
        self.next_marker = page.next.clone();
        CatalogSnap {
            repos: page.repositories.iter().map(|name| self.repo_snap(r, name)).collect(),
            page: self.cursor.len() + 1,
            has_prev: !self.cursor.is_empty(),
            has_next: page.next.is_some(),
            error: None,
        }
    }

    fn repo_snap(&self, r: &Registry, name: &str) -> RepoSnap {
        let mut snap = RepoSnap {
            name: name.to_string(),
            summary: None,
            expanded: self.expanded.contains_key(&name.to_string()),
            locks_open: self.open_locks.contains_key(&(name.to_string(), None)),
            manifests: vec![],
            manifests_hidden: 0,
            error: None,
        };
        match r.repository_summary(name) {
            Ok(s) => snap.summary = Some(s),
            Err(e) => snap.error = Some(e.into()),
        }
        if !snap.expanded {
            return snap;
        }
        match r.manifests(name) {
            Ok(all) => {
                let limit = self.manifest_limits.get(&name.to_string()).copied().unwrap_or(MANIFESTS_SHOWN);
                snap.manifests_hidden = all.len().saturating_sub(limit);
                snap.manifests =
                    all.into_iter().take(limit).map(|m| self.manifest_snap(r, name, m)).collect();
            }
            Err(e) => snap.error = Some(e.into()),
        }
        snap
    }

    fn manifest_snap(&self, r: &Registry, repo: &str, view: ManifestView) -> ManifestSnap {
        let key = (repo.to_string(), view.digest.to_string());
        let json = self.open_json.contains_key(&key).then(|| {
            r.read_manifest(repo, &key.1)
                .map(|m| String::from_utf8_lossy(&m.bytes).into_owned())
                .map_err(UiError::from)
        });
        let config = view.config.clone().map(|c| self.blob_snap(repo, BlobRole::Config, c));
        let layers = view
            .layers
            .iter()
            .take(LAYERS_SHOWN)
            .map(|l| self.blob_snap(repo, BlobRole::Layer, l.clone()))
            .collect();
        let layers_hidden = view.layers.len().saturating_sub(LAYERS_SHOWN);
        let open = |reference: String| self.open_locks.contains_key(&(repo.to_string(), Some(reference)));
        ManifestSnap {
            repo: repo.to_string(),
            locks_open: open(key.1.clone()),
            tag_locks_open: view.tags.iter().map(|t| open(t.as_str().to_string())).collect(),
            view,
            json,
            config,
            layers,
            layers_hidden,
        }
    }

    fn blob_snap(&self, repo: &str, role: BlobRole, view: LayerView) -> BlobSnap {
        let key = (repo.to_string(), view.digest.to_string());
        let seal = self.seals.get(&key).cloned();
        BlobSnap {
            repo: repo.to_string(),
            role,
            check: self.checks.get(&key).cloned(),
            tampered_key: self.tampered.get(&key.1).filter(|k| self.flipped.contains(*k)).cloned(),
            seal,
            view,
        }
    }
}

/// The next `n` garbage-collection reclaims, in the order they run. They are usually among the
/// first jobs; the scan widens only while it has not found them all.
fn next_reclaims(r: &Registry, n: usize, total: usize) -> Vec<JobView> {
    if n == 0 {
        return vec![];
    }
    let mut scan = 64;
    loop {
        let jobs = r.pending_jobs(scan.min(total));
        let found: Vec<JobView> = jobs.iter().filter(|j| j.kind == "reclaim").take(n).cloned().collect();
        if found.len() == n || scan >= total.min(JOB_KINDS_SCAN) {
            return found;
        }
        scan *= 4;
    }
}

/// The first `IN_FLIGHT_SHOWN` changes on their way between replicas (drawn on the map), and
/// every one counted per direction (each link's label counts them all).
fn in_flight_by_link(r: &Registry) -> (Vec<InFlight>, Vec<LinkChanges>) {
    let mut all = r.replication_in_flight(usize::MAX);
    let mut counts: Vec<LinkChanges> = vec![];
    for c in &all {
        match counts.iter_mut().find(|(f, t, _)| *f == c.from && *t == c.to) {
            Some((_, _, n)) => *n += 1,
            None => counts.push((c.from, c.to, 1)),
        }
    }
    all.truncate(IN_FLIGHT_SHOWN);
    (all, counts)
}

/// What a clock call did: its own result, the time after it, and what garbage collection
/// reclaimed meanwhile.
struct Tick<T> {
    out: T,
    now: Millis,
    reclaimed_records: usize,
    reclaimed_bytes: u64,
    /// The jobs that were queued before and ran, by kind.
    ran: Vec<KindCount>,
    /// The event log's words for what the jobs other than garbage collection did (retention, key
    /// rotation, soft-delete purges, webhook deliveries, faults), oldest first.
    others: Vec<Msg>,
}

impl<T> Tick<T> {
    /// `ran` jobs and what they did, as the end of a sentence.
    fn summary(&self, ran: usize) -> Msg {
        let only_gc = self.ran.iter().all(|k| k.kind == "reclaim");
        if only_gc && self.others.is_empty() {
            return self.reclaimed(ran);
        }
        let reclaims = self.ran.iter().find(|k| k.kind == "reclaim").map_or(0, |k| k.count);
        let mut parts: Vec<Arg> = vec![];
        if self.reclaimed_records > 0 {
            parts.push(
                Msg::new(
                    "notes.gc_reclaimed",
                    [
                        counted("unit.records", self.reclaimed_records).into(),
                        Arg::Bytes(self.reclaimed_bytes),
                    ],
                )
                .into(),
            );
        } else if reclaims > 0 {
            parts.push(Msg::key("notes.gc_pushed_again").into());
        }
        // The event log's words for what the other jobs did.
        parts.extend(self.others.iter().take(3).map(|o| o.clone().into()));
        if self.others.len() > 3 {
            parts.push(Msg::new("notes.and_more", [Arg::Count((self.others.len() - 3) as u64)]).into());
        }
        let kinds: Vec<Arg> = self.ran.iter().map(|k| job_kind_msg(k.kind, k.count).into()).collect();
        let jobs: Arg = counted("notes.jobs", ran).into();
        // The parts are joined by semicolons.
        let parts = parts.into_iter().reduce(|a, b| Msg::new("notes.parts", [a, b]).into());
        match (kinds.is_empty(), parts) {
            (true, None) => Msg::new("notes.jobs_ran", [jobs]),
            (false, None) => Msg::new("notes.jobs_ran_kinds", [jobs, Arg::List(kinds)]),
            (true, Some(parts)) => Msg::new("notes.jobs_did", [jobs, parts]),
            (false, Some(parts)) => Msg::new("notes.jobs_kinds_did", [jobs, Arg::List(kinds), parts]),
        }
    }

    /// `ran` garbage-collection jobs and what they reclaimed, as the end of a sentence.
    fn reclaimed(&self, ran: usize) -> Msg {
        let jobs = counted("notes.gc_jobs", ran).into();
        if self.reclaimed_records == 0 {
            return Msg::new("notes.gc_ran_nothing", [jobs]);
        }
        Msg::new(
            "notes.gc_ran",
            [jobs, counted("unit.records", self.reclaimed_records).into(), Arg::Bytes(self.reclaimed_bytes)],
        )
    }
}

/// The active bit-rot faults in blob `digest`'s copies, as a sentence to follow a pull that
/// succeeded (None when there are none): a damaged copy fails authentication and is never
/// served, so the bytes came from a copy that passed it.
fn rot_words(faults: &[Fault], digest: &str) -> Option<Msg> {
    let mut rotted = faults.iter().filter(|f| f.state == FaultState::Active).filter_map(|f| match &f.fault {
        FaultKind::BitRot { key, copy, .. } => RecordKey::parse(key)
            .ok()
            .filter(|k| k.kind == RecordKind::Blob && k.digest.to_string() == digest)
            .map(|_| [Arg::from(copy_words(*copy)), f.id.to_string().into()]),
        _ => None,
    });
    // The first copy starts the sentence, and "and" joins the others.
    let first = Msg::new("notes.rot_copy_first", rotted.next()?);
    let all = rotted.fold(first, |text, next| {
        Msg::new("notes.rot_and", [text.into(), Msg::new("notes.rot_copy", next).into()])
    });
    Some(Msg::new("notes.rot", [all.into()]))
}

/// A storage copy in words: the primary, or the paired region's copy.
pub fn copy_words(copy: StorageCopy) -> Msg {
    match copy {
        StorageCopy::Primary => Msg::key("notes.copy_primary"),
        StorageCopy::Secondary => Msg::key("notes.copy_secondary"),
    }
}

/// What a delete released, as a sentence: billing stops now, space is reclaimed later.
fn released(d: &Deleted) -> Msg {
    let records = counted("unit.records", d.released_records.len()).into();
    let bytes = Arg::Bytes(d.released_bytes);
    match d.reclaim_at_ms {
        Some(at) if !d.released_records.is_empty() => {
            Msg::new("notes.released", [records, bytes, at.to_string().into()])
        }
        _ => Msg::new("notes.released_shared", [records, bytes]),
    }
}

fn busy() -> UiError {
    UiError::page("BUSY", Msg::key("notes.busy"))
}

/// The refusal of a change asked while the saved session is being restored (`ui::session_busy`).
pub fn session_restoring(why: Msg) -> UiError {
    UiError::page("SESSION_RESTORING", Msg::new("notes.session_restoring", [why.into()]))
}

impl Action {
    /// Whether the action changes or replaces the registry: refused while the saved session is
    /// being restored (it would be made on a registry about to be replaced).
    pub fn waits_for_session(&self) -> bool {
        !matches!(
            self,
            Action::ReadFiles(_)
                | Action::Download { .. }
                | Action::ReadingStarted(_)
                | Action::FilesRead(_)
                | Action::AddSynthetic { .. }
                | Action::RemovePending(_)
                | Action::ToggleRepo(_)
                | Action::MoreManifests(_)
                | Action::CatalogNext
                | Action::CatalogPrev
                | Action::CatalogAfter(_)
                | Action::ToggleSeal(_)
                | Action::ToggleManifestJson(_)
                | Action::Verify(_)
                | Action::ToggleLocks(_)
                | Action::Cancel
                | Action::Fail(_)
                | Action::Note(_)
                | Action::DismissError
                | Action::OpenNewRegistry
                | Action::CloseNewRegistry
                | Action::Adopt { .. }
                | Action::Refreshed
                | Action::Pause
                | Action::ScenarioIndex(_)
                | Action::CancelScenario
                | Action::ToggleOracle
                | Action::DismissPreset
                | Action::OpenPanel(_)
        )
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = Rc::unwrap_or_clone(self);
        if action.waits_for_session()
            && let Some(why) = super::session_busy()
        {
            s.pause();
            s.fail(session_restoring(why));
            return Rc::new(s);
        }
        match action {
            Action::ReadFiles(_) | Action::ReadArchive(_) | Action::ExportArchive(_) => {}
            Action::Download { repo, digest, filename } => s.download(&repo, &digest, &filename),
            Action::DownloadSlice => s.download_slice(),
            Action::StopDownload => s.stop_download(),
            Action::ArchiveReading(file) => {
                s.archive = Some(ArchiveOutcome::Reading { file, progress: None, slices: 0 })
            }
            Action::ArchiveRead { file, result } => s.archive_read(file, result),
            Action::ArchiveDone(outcome) => s.set_archive(outcome),
            Action::ReadingStarted(n) => s.reading += n,
            Action::FilesRead(files) => s.files_read(files),
            Action::AddSynthetic { size, unit } => s.add_synthetic(&size, &unit),
            Action::RemovePending(id) => s.pending.retain(|p| p.id != id),
            Action::Push { repo, tag, identity } => s.push(&repo, &tag, &identity),
            Action::ToggleRepo(name) => {
                s.expanded.toggle(name);
            }
            Action::MoreManifests(name) => {
                let shown = s.manifest_limits.get(&name).copied().unwrap_or(MANIFESTS_SHOWN);
                s.manifest_limits.insert(name, shown + MANIFESTS_SHOWN);
            }
            Action::CatalogNext => {
                if let Some(next) = s.next_marker.take() {
                    s.cursor.push(next);
                }
            }
            Action::CatalogPrev => {
                s.cursor.pop();
            }
            Action::ToggleSeal(key) => s.open_seals.toggle(key),
            Action::ToggleManifestJson(key) => s.open_json.toggle(key),
            Action::Verify(key) => s.verify(key),
            Action::Tamper { digest, key } => s.tamper(digest, key),
            Action::ToggleLocks(key) => s.open_locks.toggle(key),
            Action::SetAttributes { repo, reference, patch } => s.set_attributes(repo, reference, patch),
            Action::Ask(danger) => s.confirm = Some(danger),
            Action::Confirm => s.confirm(),
            Action::Cancel => s.confirm = None,
            Action::Fail(e) => s.fail(e),
            Action::Note(m) => s.note(m),
            Action::DismissError => {
                s.error = None;
                s.retry = s.retry.take().filter(|r| r.op == RetryOp::ScaleOut);
            }
            Action::Advance(by) => s.advance(by),
            Action::StepJob => s.step_job(),
            Action::RunUntilIdle => s.run_until_idle(),
            Action::SetTier(name) => s.set_tier(&name),
            Action::OpenNewRegistry => s.new_registry = Some(NewRegistryDialog::default()),
            Action::CloseNewRegistry => s.new_registry = None,
            Action::CreateRegistry(form) => s.create_registry(form),
            Action::LoadPreset(form) => s.load_preset(form),
            Action::PresetSlice => s.preset_slice(),
            Action::PushSlice => s.push_slice(),
            Action::StopPush => s.stop_push(),
            Action::ImportSlice => s.import_slice(),
            Action::StopImport => s.stop_import(),
            Action::DismissPreset => s.preset = s.preset.take().filter(|l| !l.finished),
            Action::CatalogAfter(name) => s.catalog_after(&name),
            Action::Adopt { registry, note } => s.adopt(*registry, note),
            Action::SetRateModel(model) => s.set_rate_model(&model),
            Action::ScaleOut { nodes, shared_identity } => s.scale_out(&nodes, shared_identity),
            Action::RetryAfter => s.retry_after(),
            Action::AddKeyVersion => s.add_key_version(),
            Action::RotateKey(version) => s.rotate_key(version),
            Action::RestoreKey => s.restore_key(),
            Action::SetRetention { enabled, days } => s.set_retention(enabled, &days),
            Action::Refreshed => s.refreshed(),
            Action::AddReplica(region) => s.add_replica(&region),
            Action::RemoveReplica(region) => s.remove_replica(&region),
            Action::SetReplicaRouting { region, enabled } => s.set_replica_routing(&region, enabled),
            Action::InjectFault { fault, delay, duration, panel } => {
                s.inject_fault(fault, &delay, &duration, panel)
            }
            Action::HealFault(id) => s.heal_fault(id),
            Action::SetGeoLag(lag) => s.set_geo_lag(&lag),
            Action::AddClient { name, region, dns_cache } => s.add_client(&name, &region, dns_cache),
            Action::ClientPush { client, repo, tag } => s.client_push(&client, &repo, &tag),
            Action::ClientPull { client, repo, reference } => s.client_pull(&client, &repo, &reference),
            Action::SetSoftDelete { enabled, days } => s.set_soft_delete(enabled, &days),
            Action::RestoreSoftDeleted { repo, tag, digest, force } => {
                s.restore_soft_deleted(&repo, &tag, &digest, force)
            }
            Action::AddWebhook { name, actions, scope, region } => {
                s.add_webhook(&name, &actions, &scope, &region)
            }
            Action::RemoveWebhook(name) => s.remove_webhook(&name),
            Action::AddPrivateEndpoint(name) => s.add_private_endpoint(&name),
            Action::RemovePrivateEndpoint(name) => s.remove_private_endpoint(&name),
            Action::SetContentTrust(on) => s.set_content_trust(on),
            Action::Run { speed, until } => s.run(speed, &until),
            Action::Pause => s.pause(),
            Action::RunTick => s.run_tick(),
            Action::ScenarioIndex(list) => s.scenario_index(list),
            Action::FetchScenario(_) => s.scenario_fetching = true,
            Action::ScenarioFetched { file, result } => s.scenario_fetched(file, result),
            Action::ConfirmScenario => s.load_scenario(),
            Action::CancelScenario => s.scenario_ask = None,
            Action::RunScenarioToEnd => s.run_scenario_to_end(),
            Action::PlayFinalPhase => s.play_final_phase_by_hand(),
            Action::ToggleOracle => s.oracle_open = !s.oracle_open,
            Action::Story(a) => s.story(a),
            // The page's layout keeps which panel is open (ui/mod.rs); nothing to do here.
            Action::OpenPanel(_) => {}
        }
        s.refresh();
        Rc::new(s)
    }
}
