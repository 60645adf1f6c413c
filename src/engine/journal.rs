//! The session log: every call that changes a registry, in order, with the virtual time it was
//! made at, beside the real bytes it uploaded (kept once, by digest). Replaying the log on a
//! new registry built the same way gives the same state, event for event, because the engine
//! is deterministic; that is what saving, sharing a link, exporting and the time scrubber
//! rest on. The public methods of `Registry` that change something are thin wrappers here:
//! each records its call (only the outermost one: what a call does inside is replayed by it)
//! and then runs the method.
//!
//! A call refused before it changes anything is neither recorded nor run: each wrapper asks
//! the method's own refusal check first (`Registry::*_refusal`, which takes `&self`, so it
//! cannot change anything). Each such check is the very check its method starts with (the
//! method calls it), or a part of it, after an admission that would change nothing (see
//! `Registry::refusal_after_admission`). So when the check refuses, running the call would
//! have refused it too, with the same error, before it changed anything: leaving it out of the
//! log changes no replay, and a refused call made while looking at the past forks nothing. A
//! call that fails after changing something (a throttled request is counted, a client's pull
//! is tallied, a convergence runs the clock) is recorded as before, and fails again on replay.
//! A log written before this (with refused calls in it) replays the same way: each refused
//! call is refused again by its check, and is left out of the log rebuilt.
//!
//! A session is also kept within the limits `load_session` enforces (`SessionLimits`): a call
//! whose record would take it past one is refused, before anything changes, with the reason
//! and the way out.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::clock::Millis;
use super::digest::Digest;
use super::error::{ErrorCode, RegistryError, Result, arg, err_k};
use super::faults::{Fault, FaultKind};
use super::features::FeaturesView;
use super::history::Overshoot;
use super::image::LayerInput;
use super::import::{ImportJob, ImportReport};
use super::key_vault::{KeyBackup, KeyState, RotationMode};
use super::locks::{AttributePatch, Attributes};
use super::registry::{Registry, RegistryOptions};
use super::replication::ReplicaView;
use super::retention::RetentionView;
use super::routing::{Client, ClientReport};
use super::scenario::{Convergence, RegistrySpec};
use super::soft_delete::SoftDeleteView;
use super::throttle::{Identity, ThrottleView};
use super::tier::TierView;
use super::upload::UploadView;
use super::views::*;
use super::{GeoStorageView, KeyVaultView};
use crate::i18n::Arg;

/// The log format; a log from a newer Stowage is refused with a clear message.
pub const JOURNAL_FORMAT: u32 = 1;
/// Most entries a log may hold (a bound on replay work and on what a saved file can ask for).
pub const ENTRIES_MAX: usize = 1_000_000;
/// Most bytes of uploaded content a log may carry.
pub const BLOB_BYTES_MAX: u64 = 1 << 30;
/// Longest saved-session text accepted.
pub const SESSION_TEXT_MAX: u64 = 2 << 30;

/// What a saved session may hold: `load_session` refuses one past any of these, and a
/// registry refuses a call whose record would take its session past one (so every session a
/// registry saves loads). The defaults are the constants above; a registry may be given
/// lower ones (`Registry::set_session_limits`), never higher.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionLimits {
    pub entries: usize,
    pub blob_bytes: u64,
    pub text_bytes: u64,
}

impl Default for SessionLimits {
    fn default() -> Self {
        Self { entries: ENTRIES_MAX, blob_bytes: BLOB_BYTES_MAX, text_bytes: SESSION_TEXT_MAX }
    }
}

impl SessionLimits {
    /// No limit: while a log already checked is replayed (its replay records no more than it).
    pub(super) const NONE: Self = Self { entries: usize::MAX, blob_bytes: u64::MAX, text_bytes: u64::MAX };

    /// Lower limits than these, each at most the default.
    fn at_most_default(self) -> Self {
        let d = Self::default();
        Self {
            entries: self.entries.min(d.entries),
            blob_bytes: self.blob_bytes.min(d.blob_bytes),
            text_bytes: self.text_bytes.min(d.text_bytes),
        }
    }

    /// The refusal of a session that would hold `entries`, `blob_bytes` and about `text_bytes`
    /// (an upper bound), if it would be past a limit: the first one, how far, and the way out.
    fn refusal(&self, entries: usize, blob_bytes: u64, text_bytes: u64) -> Option<RegistryError> {
        let over = |key: &'static str, at: u64, max: u64, unit: fn(u64) -> Arg| {
            (at > max).then(|| {
                RegistryError::keyed(ErrorCode::InvalidArgument, key, [unit(at), unit(at - max), unit(max)])
            })
        };
        over("errors.session_full_entries", entries as u64, self.entries as u64, Arg::Count)
            .or_else(|| over("errors.session_full_bytes", blob_bytes, self.blob_bytes, Arg::Bytes))
            .or_else(|| over("errors.session_full_text", text_bytes, self.text_bytes, Arg::Bytes))
    }
}

/// Bytes of `value` written as JSON (as `serde_json::to_string` writes it), counted without
/// keeping the text.
fn json_len(value: &impl Serialize) -> u64 {
    struct Count(u64);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len() as u64;
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

/// Uploaded blobs of at least this many bytes may be kept beside a saved session's text
/// (`Registry::save_session_marked_apart`): a page stores them as binary records, so saving
/// the session again never encodes them again.
pub const BLOB_APART_FROM: usize = 256 << 10;

/// Whether a blob of `len` bytes is kept apart when a session is saved apart.
pub fn held_apart(len: usize) -> bool {
    len >= BLOB_APART_FROM
}

/// Blobs as a saved text holds them: inline as base64, and (when `apart`) the large ones only
/// named.
fn split_blobs<'a>(
    blobs: impl Iterator<Item = (&'a Digest, &'a Vec<u8>)>,
    apart: bool,
) -> (BTreeMap<String, String>, BTreeSet<String>) {
    let engine = base64::engine::general_purpose::STANDARD;
    let (mut inline, mut named) = (BTreeMap::new(), BTreeSet::new());
    for (d, b) in blobs {
        if apart && held_apart(b.len()) {
            named.insert(d.to_string());
        } else {
            inline.insert(d.to_string(), engine.encode(b));
        }
    }
    (inline, named)
}

/// The text of one uploaded blob in a saved session, `"sha256:<64 hex>":"<base64>",`.
fn blob_text(len: usize) -> u64 {
    77 + 4 * (len as u64).div_ceil(3)
}

/// A bound on a saved session's text besides its origin, entries and blobs: the kind, format,
/// version, state hash, times and punctuation.
fn header_text() -> u64 {
    256 + env!("CARGO_PKG_VERSION").len() as u64
}

/// What a log's saved text takes, kept as the log grows (a cache of the log's own contents:
/// two logs are equal whatever their tallies say).
#[derive(Clone, Debug, Default)]
pub(super) struct Tally {
    /// The entries' text, each with a separator.
    entries: u64,
    /// The blobs' text (`blob_text`) and their bytes.
    blobs: u64,
    blob_bytes: u64,
    /// Blobs kept by the command being recorded (taken back out if it is refused).
    fresh: Vec<Digest>,
}

impl PartialEq for Tally {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Tally {}

/// How the registry the log replays on was made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", deny_unknown_fields)]
pub enum Origin {
    /// `Registry::new` with these options.
    Options { registry: RegistrySpec },
    /// `Registry::load_scenario` with this scenario text (and the file it came from, if any).
    Scenario {
        json: String,
        #[serde(default)]
        file: Option<String>,
    },
}

/// A layer as the log keeps it: a file's bytes by digest, or a synthetic layer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", deny_unknown_fields)]
pub enum LayerRef {
    #[serde(rename_all = "camelCase")]
    File { name: String, bytes: Digest },
    #[serde(rename_all = "camelCase")]
    Synthetic { size_bytes: u64, seed: Option<u64> },
    /// A blob uploaded before the manifest.
    #[serde(rename_all = "camelCase")]
    Uploaded { name: String, digest: Digest, size_bytes: u64 },
}

/// One call that changes the registry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "do", deny_unknown_fields)]
pub enum Command {
    #[serde(rename_all = "camelCase")]
    PushBlob {
        repo: String,
        bytes: Digest,
        claimed: Option<String>,
    },
    #[serde(rename_all = "camelCase")]
    PushSyntheticBlob {
        repo: String,
        size_bytes: u64,
        seed: Option<u64>,
    },
    #[serde(rename_all = "camelCase")]
    MountBlob {
        repo: String,
        from: String,
        digest: String,
    },
    #[serde(rename_all = "camelCase")]
    StartUpload {
        repo: String,
    },
    #[serde(rename_all = "camelCase")]
    AppendUpload {
        upload: String,
        bytes: Digest,
        from: Option<u64>,
    },
    #[serde(rename_all = "camelCase")]
    FinishUpload {
        upload: String,
        digest: String,
        size: Option<u64>,
    },
    #[serde(rename_all = "camelCase")]
    CancelUpload {
        upload: String,
    },
    #[serde(rename_all = "camelCase")]
    PullBlob {
        repo: String,
        digest: String,
    },
    #[serde(rename_all = "camelCase")]
    PushManifest {
        repo: String,
        reference: String,
        body: Digest,
        content_type: Option<String>,
    },
    #[serde(rename_all = "camelCase")]
    PullManifest {
        repo: String,
        reference: String,
    },
    #[serde(rename_all = "camelCase")]
    PushImage {
        repo: String,
        tag: String,
        layers: Vec<LayerRef>,
    },
    #[serde(rename_all = "camelCase")]
    Catalog {
        n: Option<u64>,
        last: Option<String>,
    },
    #[serde(rename_all = "camelCase")]
    Tags {
        repo: String,
        n: Option<u64>,
        last: Option<String>,
    },
    #[serde(rename_all = "camelCase")]
    Untag {
        repo: String,
        tag: String,
    },
    #[serde(rename_all = "camelCase")]
    DeleteManifest {
        repo: String,
        reference: String,
    },
    #[serde(rename_all = "camelCase")]
    DeleteRepository {
        repo: String,
    },
    #[serde(rename_all = "camelCase")]
    SetAttributes {
        repo: String,
        reference: Option<String>,
        patch: AttributePatch,
    },
    #[serde(rename_all = "camelCase")]
    TamperRecord {
        key: String,
        bit: u64,
    },
    #[serde(rename_all = "camelCase")]
    SetTier {
        tier: String,
    },
    #[serde(rename_all = "camelCase")]
    SetRateModel {
        model: String,
    },
    #[serde(rename_all = "camelCase")]
    ScaleOutPull {
        repo: String,
        reference: String,
        nodes: u32,
        shared_identity: bool,
    },
    #[serde(rename_all = "camelCase")]
    SetGeoLag {
        lag_ms: u64,
    },
    AddKeyVersion,
    #[serde(rename_all = "camelCase")]
    RotateKey {
        version: Option<u32>,
    },
    DisableKey,
    DeleteKey,
    RevokeKeyAccess,
    /// A restore with a backup this registry handed out (by its order: replaying hands out
    /// the same backups in the same order, though key material is never drawn from the
    /// seed), or with other text (which fails again on replay).
    #[serde(rename_all = "camelCase")]
    RestoreKey {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        handed_out: Option<usize>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        backup: Option<String>,
    },
    #[serde(rename_all = "camelCase")]
    InjectFault {
        fault: FaultKind,
        delay_ms: u64,
        duration_ms: Option<u64>,
    },
    #[serde(rename_all = "camelCase")]
    HealFault {
        id: u32,
    },
    HealAll,
    #[serde(rename_all = "camelCase")]
    Converge {
        limit_ms: u64,
    },
    #[serde(rename_all = "camelCase")]
    AddWebhook {
        name: String,
        actions: Vec<String>,
        scope: Option<String>,
        region: String,
    },
    #[serde(rename_all = "camelCase")]
    RemoveWebhook {
        name: String,
    },
    #[serde(rename_all = "camelCase")]
    AddPrivateEndpoint {
        name: String,
    },
    #[serde(rename_all = "camelCase")]
    RemovePrivateEndpoint {
        name: String,
    },
    #[serde(rename_all = "camelCase")]
    SetContentTrust {
        enabled: bool,
    },
    #[serde(rename_all = "camelCase")]
    SetRetentionPolicy {
        enabled: bool,
        days: Option<u32>,
    },
    #[serde(rename_all = "camelCase")]
    SetSoftDeletePolicy {
        enabled: bool,
        days: Option<u32>,
    },
    #[serde(rename_all = "camelCase")]
    RestoreSoftDeleted {
        repo: String,
        tag: String,
        digest: String,
        force: bool,
    },
    #[serde(rename_all = "camelCase")]
    AddClient {
        name: String,
        region: String,
        dns_cache: bool,
        identity: Option<String>,
    },
    #[serde(rename_all = "camelCase")]
    ClientPushImage {
        client: String,
        repo: String,
        tag: String,
        layers: Vec<LayerRef>,
    },
    #[serde(rename_all = "camelCase")]
    ClientPullImage {
        client: String,
        repo: String,
        reference: String,
    },
    #[serde(rename_all = "camelCase")]
    AddReplica {
        region: String,
    },
    #[serde(rename_all = "camelCase")]
    RemoveReplica {
        region: String,
    },
    #[serde(rename_all = "camelCase")]
    SetReplicaRouting {
        region: String,
        enabled: bool,
    },
    PlayConvergencePhase,
    /// An OCI layout or docker save tarball (its bytes kept by digest).
    #[serde(rename_all = "camelCase")]
    ImportArchive {
        archive: Digest,
        default_repo: String,
    },
    #[serde(rename_all = "camelCase")]
    LoadLargePreset {
        repos: u32,
        tags_per_repo: u32,
    },
    /// `n` steps of the clock, each running the next queued job.
    #[serde(rename_all = "camelCase")]
    Step {
        n: u64,
    },
    /// Runs the clock on by `ms`, every job due on the way.
    #[serde(rename_all = "camelCase")]
    RunFor {
        ms: u64,
    },
    RunUntilIdle,
}

impl Command {
    /// Whether the command only moves the clock.
    pub fn is_clock(&self) -> bool {
        matches!(self, Self::Step { .. } | Self::RunFor { .. } | Self::RunUntilIdle)
    }
}

/// Who a call was made as: a client (routed as it would be) or an identity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "as", content = "name", deny_unknown_fields)]
pub enum Context {
    Client(String),
    Identity(String),
}

/// One call (or, inside `with_client` / `with_identity`, the calls made there), with the
/// virtual time it was made at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Entry {
    pub at_ms: Millis,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<Context>,
    pub commands: Vec<Command>,
}

/// The whole log: where it starts, what happened, and the bytes uploaded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Journal {
    pub origin: Option<Origin>,
    pub entries: Vec<Entry>,
    pub blobs: BTreeMap<Digest, Vec<u8>>,
    /// The last entry must not take more clock moves (a checkpoint follows it).
    pub(super) sealed: bool,
    /// What the log may grow to (the registry refuses a call that would take it further).
    pub(super) limits: SessionLimits,
    pub(super) tally: Tally,
}

/// A saved session being replayed a slice at a time (`Registry::begin_restore`).
pub struct SessionRestore {
    journal: Journal,
    hash: String,
    now: Millis,
    looking_at: Option<Millis>,
    written_by: String,
    /// The registry being rebuilt (taken when done).
    registry: Option<Registry>,
    /// The next entry to replay.
    next: usize,
    /// What is left of the clock move being replayed in pieces (its entry is `next - 1`).
    clock_left: Option<ClockLeft>,
    /// Uploaded bytes given apart and not yet hashed: checked first, a few mebibytes per call.
    unchecked: Vec<Digest>,
    /// The one of them being hashed.
    checking: Option<BlobCheck>,
    /// An import being read in pieces (its entry is `next - 1`): imported, and so recorded,
    /// once read.
    import_left: Option<ImportJob>,
}

/// Bytes given apart hashed per call of `SessionRestore::advance` (four chunks of an upload).
const CHECK_BYTES_PER_CALL: usize = 2 << 20;

/// Bytes of an archive read per call of `SessionRestore::advance` while an import is replayed.
const IMPORT_BYTES_PER_CALL: usize = 512 << 10;

/// Bytes given apart being hashed: `at` of them so far.
struct BlobCheck {
    digest: Digest,
    at: usize,
    hasher: Sha256,
}

/// Jobs a replayed clock move runs per call of `SessionRestore::advance` (moves merge into one
/// entry, so one entry can hold hours of a workload).
const REPLAY_JOBS_PER_CALL: usize = 64;

/// What is left of a clock move replayed in pieces: a `RunFor` runs to its end time, a `Step`
/// its count of jobs. A move in pieces runs the same jobs in the same order and ends at the same
/// time (that is why moves merge into one entry).
#[derive(Clone, Copy, Debug)]
enum ClockLeft {
    Until(Millis),
    Jobs(u64),
}

impl ClockLeft {
    /// Runs the next piece inside the recorded call (what the jobs do is not recorded); what
    /// is left after it.
    fn run(self, r: &mut Registry) -> Option<ClockLeft> {
        r.nested(|r| match self {
            ClockLeft::Until(until) => (!r.run_due_some(until, REPLAY_JOBS_PER_CALL)).then_some(self),
            ClockLeft::Jobs(n) => {
                let now = n.min(REPLAY_JOBS_PER_CALL as u64);
                (r.run_next_jobs(now) && n > now).then(|| ClockLeft::Jobs(n - now))
            }
        })
    }
}

impl SessionRestore {
    /// Entries replayed and entries in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.journal.entries.len())
    }

    /// How far the replay has got, from 0 to 1: entries replayed, a large preset being filled
    /// counted by its repositories (its one entry is most of the work).
    pub fn fraction(&self) -> f64 {
        let all = self.journal.entries.len().max(1) as f64;
        let preset = self.registry.as_ref().and_then(|r| r.preset_progress()).map(|p| p.fraction());
        match preset.or_else(|| self.import_left.as_ref().map(|j| j.progress().fraction)) {
            Some(part) => ((self.next.saturating_sub(1)) as f64 + part) / all,
            None => self.next as f64 / all,
        }
    }

    /// Replays what is left at once (as `Registry::load_session_parts` does).
    pub fn finish(mut self) -> Result<Registry> {
        loop {
            // Each call replays at least one entry or one slice of a preset: this ends.
            if let Some(r) = self.advance(usize::MAX, u32::MAX)? {
                return Ok(r);
            }
        }
    }

    /// Replays up to `entries` more entries, or, while a large preset is being filled, up to
    /// `preset_repos` more units of it (a repository each, an image `IMAGE_WEIGHT`: its entry is
    /// replayed as the page loads it, a slice at a time). Gives the registry once everything is replayed and it matches what
    /// was saved; an error refuses the session whole, as `load_session` does.
    pub fn advance(&mut self, entries: usize, preset_repos: u32) -> Result<Option<Registry>> {
        if !self.unchecked.is_empty() || self.checking.is_some() {
            let mut left = CHECK_BYTES_PER_CALL;
            while left > 0 {
                let Some(check) = self.checking.take().or_else(|| {
                    self.unchecked.pop().map(|digest| BlobCheck { digest, at: 0, hasher: Sha256::new() })
                }) else {
                    break;
                };
                self.checking = self.journal.check_blob_some(check, &mut left)?;
            }
            return Ok(None);
        }
        let Some(r) = self.registry.as_mut() else { return Ok(None) };
        if let Some(left) = self.clock_left.take() {
            self.clock_left = left.run(r);
            return Ok(None);
        }
        if let Some(mut job) = self.import_left.take() {
            match job.advance(IMPORT_BYTES_PER_CALL) {
                Ok(false) => self.import_left = Some(job),
                // Imported then, imported now (a refusal would be the record, as in a replay).
                Ok(true) => drop(r.import_prepared(job)),
                Err(_) => {}
            }
            return Ok(None);
        }
        if r.preset.is_some() {
            // A load a refused push stopped was stopped so when it was made: that is the record.
            let _ = r.continue_large_preset(preset_repos.max(1));
            return Ok(None);
        }
        let end = self.next.saturating_add(entries.max(1)).min(self.journal.entries.len());
        while self.next < end {
            let entry = &self.journal.entries[self.next];
            self.next += 1;
            if let ([Command::LoadLargePreset { repos, tags_per_repo }], []) =
                (entry.commands.as_slice(), entry.context.as_slice())
            {
                // Refused then, refused now: that is the record (as a replay of it does).
                let _ = r.begin_large_preset(*repos, *tags_per_repo);
                return Ok(None);
            }
            // An import is read in pieces by the next calls, then imported (and recorded).
            if let ([Command::ImportArchive { archive, default_repo }], []) =
                (entry.commands.as_slice(), entry.context.as_slice())
            {
                self.import_left = ImportJob::new(self.journal.bytes(archive)?.to_vec(), default_repo).ok();
                return Ok(None);
            }
            // A clock move is recorded whole, then run in pieces by the next calls.
            let left = match (entry.commands.as_slice(), entry.context.as_slice()) {
                ([c @ Command::RunFor { ms }], []) => {
                    let until = r.now().saturating_add(Millis(*ms));
                    r.journaled_always(c.clone(), |_| ()).map(|()| ClockLeft::Until(until))
                }
                ([c @ Command::Step { n }], []) => {
                    r.journaled_always(c.clone(), |_| ()).map(|()| ClockLeft::Jobs(*n))
                }
                _ => {
                    r.replay_entry(&self.journal, entry)?;
                    continue;
                }
            };
            self.clock_left = left;
            return Ok(None);
        }
        if self.next < self.journal.entries.len() {
            return Ok(None);
        }
        let Some(mut r) = self.registry.take() else { return Ok(None) };
        r.journal.limits = SessionLimits::default();
        r.replayed_as_saved(&self.hash, self.now, self.looking_at, &self.written_by).map(Some)
    }
}

/// A session's text read, bounded and parsed (not yet checked).
fn parse_saved(json: &str) -> Result<SavedJournal> {
    if json.len() as u64 > SessionLimits::default().text_bytes {
        return err_k(ErrorCode::InvalidArgument, "errors.session_too_large", []);
    }
    serde_json::from_str(json).map_err(|e| bad("errors.session_not_stowage_because", [arg(e)]))
}

/// A session's text and the parts saved after it, as one saved log (not yet checked).
fn merge_parts(json: &str, parts: &[String]) -> Result<SavedJournal> {
    let mut saved = parse_saved(json)?;
    for (i, text) in parts.iter().enumerate() {
        let part: SessionPart = serde_json::from_str(text)
            .map_err(|e| bad("errors.session_part_damaged", [arg(i + 1), arg(e)]))?;
        if part.kind != "stowage-session-part" {
            return Err(bad("errors.session_part_not_part", [arg(i + 1)]));
        }
        if part.format > JOURNAL_FORMAT {
            return Err(bad(
                "errors.session_part_newer",
                [arg(i + 1), arg(part.format), arg(JOURNAL_FORMAT)],
            ));
        }
        if part.from > saved.entries.len() {
            return Err(bad(
                "errors.session_part_gap",
                [arg(i + 1), arg(part.from), arg(saved.entries.len())],
            ));
        }
        saved.entries.truncate(part.from);
        saved.entries.extend(part.entries);
        saved.blobs.extend(part.blobs);
        saved.blobs_apart.extend(part.blobs_apart);
        saved.state_hash = part.state_hash;
        saved.now_ms = part.now_ms;
        saved.looking_at_ms = part.looking_at_ms;
    }
    Ok(saved)
}

/// The log as saved, exported and shared: blobs as base64, with what replaying it must give.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SavedJournal {
    /// Always "stowage-session".
    pub kind: String,
    pub format: u32,
    /// The Stowage version that wrote it (shown when a log cannot be replayed).
    pub written_by: String,
    pub origin: Origin,
    pub entries: Vec<Entry>,
    #[serde(default)]
    pub blobs: BTreeMap<String, String>,
    /// Uploaded blobs whose bytes are kept beside the text rather than in it (a page keeps
    /// large ones as binary records of their own; see `Registry::save_session_marked_apart`).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub blobs_apart: BTreeSet<String>,
    /// The event-log hash replaying it must reach, and the virtual time.
    pub state_hash: String,
    pub now_ms: Millis,
    /// Saved while looking at an earlier time of the run: that time (the registry is shown
    /// there again once the whole run is replayed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub looking_at_ms: Option<Millis>,
}

/// A part of a session saved after the rest: the entries from `from` on (replacing those the
/// session had from there: the last one may have grown, as clock moves merge), the uploaded
/// bytes not saved before, and what replaying the whole must give now. A page keeps a session
/// as one full text and the parts saved since, and writes only a part after each change.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SessionPart {
    /// Always "stowage-session-part".
    pub kind: String,
    pub format: u32,
    pub from: usize,
    pub entries: Vec<Entry>,
    #[serde(default)]
    pub blobs: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub blobs_apart: BTreeSet<String>,
    pub state_hash: String,
    pub now_ms: Millis,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub looking_at_ms: Option<Millis>,
}

/// What a saved session (with its parts) holds, to tell what the next part must carry: the
/// run it belongs to (its fork count), how many entries, the last of them, and the uploaded
/// bytes' digests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SavedMark {
    forks: u64,
    entries: usize,
    last: Option<Entry>,
    blobs: std::collections::BTreeSet<Digest>,
}

/// An `INVALID_ARGUMENT` error: the catalogue's `key` filled with `args`.
fn bad(key: &'static str, args: impl IntoIterator<Item = Arg>) -> RegistryError {
    RegistryError::keyed(ErrorCode::InvalidArgument, key, args)
}

impl Journal {
    pub fn blob_bytes(&self) -> u64 {
        self.blobs.values().map(|b| b.len() as u64).sum()
    }

    fn keep(&mut self, bytes: &[u8]) -> Digest {
        let d = Digest::of(bytes);
        if !self.blobs.contains_key(&d) {
            self.keep_hashed(d, bytes.to_vec());
        }
        d
    }

    /// `keep` of bytes already hashed to `d` (an import's archive), taken as they are.
    fn keep_hashed(&mut self, d: Digest, bytes: Vec<u8>) -> Digest {
        if let std::collections::btree_map::Entry::Vacant(e) = self.blobs.entry(d) {
            self.tally.blobs += blob_text(bytes.len());
            self.tally.blob_bytes += bytes.len() as u64;
            self.tally.fresh.push(d);
            e.insert(bytes);
        }
        d
    }

    /// Takes back out the blobs the command being recorded kept (it was refused).
    fn drop_fresh(&mut self) {
        for d in std::mem::take(&mut self.tally.fresh) {
            if let Some(bytes) = self.blobs.remove(&d) {
                self.tally.blobs -= blob_text(bytes.len());
                self.tally.blob_bytes -= bytes.len() as u64;
            }
        }
    }

    /// Counts the whole log's text again (after it was made or changed in one piece).
    pub(super) fn recount(&mut self) {
        self.tally = Tally {
            entries: self.entries.iter().map(|e| json_len(e) + 1).sum(),
            blobs: self.blobs.values().map(|b| blob_text(b.len())).sum(),
            blob_bytes: self.blob_bytes(),
            fresh: vec![],
        };
    }

    /// A bound on the log's origin as saved text: a scenario's text may be escaped (six bytes
    /// for a control character at most).
    fn origin_text(&self) -> u64 {
        match &self.origin {
            Some(Origin::Scenario { json, file }) => {
                64 + 6 * (json.len() as u64 + file.as_ref().map_or(0, |f| f.len() as u64))
            }
            origin => json_len(origin),
        }
    }

    /// An upper bound on the text `save_session` writes for this log.
    pub fn text_bytes(&self) -> u64 {
        header_text() + self.origin_text() + self.tally.entries + self.tally.blobs
    }

    /// How much of the limits the log takes.
    pub fn budget(&self) -> SessionBudget {
        let l = self.limits;
        let (entries, bytes, text) = (self.entries.len() as u64, self.tally.blob_bytes, self.text_bytes());
        let share = |at: u64, max: u64| if max == 0 { 1.0 } else { at as f64 / max as f64 };
        SessionBudget {
            entries,
            entries_max: l.entries as u64,
            uploaded_bytes: bytes,
            uploaded_bytes_max: l.blob_bytes,
            text_bytes: text,
            text_bytes_max: l.text_bytes,
            used: share(entries, l.entries as u64)
                .max(share(bytes, l.blob_bytes))
                .max(share(text, l.text_bytes)),
        }
    }

    /// Why the log could not take `entries` more entries and `text` more bytes of text (the
    /// blobs just kept are counted already), if it could not.
    fn refusal_to_grow(&self, entries: usize, text: u64) -> Option<RegistryError> {
        self.limits.refusal(
            self.entries.len().saturating_add(entries),
            self.tally.blob_bytes,
            self.text_bytes().saturating_add(text),
        )
    }

    /// Adds `c` to entry `i` (a call inside `with_client` / `with_identity`).
    fn append(&mut self, i: usize, c: Command) {
        if let Some(entry) = self.entries.get_mut(i) {
            self.tally.entries += json_len(&c) + 1;
            entry.commands.push(c);
        }
    }

    /// Adds a context to entry `i` (a `with_identity` inside `with_client`, or the reverse).
    fn add_context(&mut self, i: usize, context: Context) {
        if let Some(entry) = self.entries.get_mut(i) {
            let before = json_len(entry);
            entry.context.push(context);
            self.tally.entries = self.tally.entries + json_len(entry) - before;
        }
    }

    fn layer_refs(&mut self, layers: &[LayerInput]) -> Vec<LayerRef> {
        layers
            .iter()
            .map(|l| match l {
                LayerInput::File { name, bytes } => {
                    LayerRef::File { name: name.clone(), bytes: self.keep(bytes) }
                }
                LayerInput::Synthetic { size_bytes, seed } => {
                    LayerRef::Synthetic { size_bytes: *size_bytes, seed: *seed }
                }
                LayerInput::Uploaded { name, digest, size_bytes } => {
                    LayerRef::Uploaded { name: name.clone(), digest: *digest, size_bytes: *size_bytes }
                }
            })
            .collect()
    }

    fn bytes(&self, d: &Digest) -> Result<&[u8]> {
        self.blobs.get(d).map(Vec::as_slice).ok_or_else(|| bad("errors.session_lacks_bytes", [arg(d)]))
    }

    fn layers(&self, refs: &[LayerRef]) -> Result<Vec<LayerInput>> {
        refs.iter()
            .map(|l| match l {
                LayerRef::File { name, bytes } => {
                    Ok(LayerInput::File { name: name.clone(), bytes: self.bytes(bytes)?.to_vec() })
                }
                LayerRef::Synthetic { size_bytes, seed } => {
                    Ok(LayerInput::Synthetic { size_bytes: *size_bytes, seed: *seed })
                }
                LayerRef::Uploaded { name, digest, size_bytes } => {
                    Ok(LayerInput::Uploaded { name: name.clone(), digest: *digest, size_bytes: *size_bytes })
                }
            })
            .collect()
    }

    /// The next call starts an entry of its own (clock moves are not merged into the last).
    pub(super) fn seal_last(&mut self) {
        self.sealed = true;
    }

    /// Adds a call, merging clock moves that replay the same way as one.
    fn push(&mut self, entry: Entry) {
        let sealed = std::mem::replace(&mut self.sealed, false);
        if !sealed && self.merge(&entry) {
            return;
        }
        self.tally.entries += json_len(&entry) + 1;
        self.entries.push(entry);
    }

    /// Merges a clock move into the last entry if it is the same kind of move (the last entry
    /// must not be sealed); whether it did.
    fn merge(&mut self, entry: &Entry) -> bool {
        let (Some(last), [next]) = (self.entries.last_mut(), entry.commands.as_slice()) else { return false };
        if !last.context.is_empty() || !entry.context.is_empty() {
            return false;
        }
        let before = json_len(last);
        let merged = match last.commands.as_mut_slice() {
            [Command::Step { n }] => match next {
                Command::Step { n: more } => {
                    *n += more;
                    true
                }
                _ => false,
            },
            [Command::RunFor { ms }] => match next {
                Command::RunFor { ms: more } => {
                    *ms = ms.saturating_add(*more);
                    true
                }
                _ => false,
            },
            _ => false,
        };
        if merged {
            self.tally.entries = self.tally.entries + json_len(last) - before;
        }
        merged
    }

    /// The growth of the text if `entry` were merged into the last entry (None: it cannot be).
    fn merge_growth(&self, entry: &Entry) -> Option<u64> {
        let mut probe =
            Journal { entries: self.entries.last().cloned().into_iter().collect(), ..Journal::default() };
        let before = probe.entries.first().map_or(0, json_len);
        probe.merge(entry).then(|| probe.entries.first().map_or(0, json_len).saturating_sub(before))
    }

    /// The log for saving: checked on load by replaying it to `state_hash`.
    pub fn to_saved(&self, state_hash: String, now: Millis) -> Option<SavedJournal> {
        self.to_saved_as(state_hash, now, false)
    }

    /// `to_saved`, with the large blobs (`held_apart`) only named when `apart`.
    fn to_saved_as(&self, state_hash: String, now: Millis, apart: bool) -> Option<SavedJournal> {
        let (inline, blobs_apart) = split_blobs(self.blobs.iter(), apart);
        Some(SavedJournal {
            kind: "stowage-session".into(),
            format: JOURNAL_FORMAT,
            written_by: env!("CARGO_PKG_VERSION").into(),
            origin: self.origin.clone()?,
            entries: self.entries.clone(),
            blobs: inline,
            blobs_apart,
            state_hash,
            now_ms: now,
            looking_at_ms: None,
        })
    }

    /// A saved log read back; every part is checked (format, sizes, digests). The bytes of the
    /// blobs it keeps apart are taken from `apart` (refused if one is missing).
    pub fn from_saved(
        saved: SavedJournal,
        apart: &mut BTreeMap<Digest, Vec<u8>>,
    ) -> Result<(Journal, String, Millis)> {
        let (journal, hash, now, unchecked) = Self::from_saved_unchecked(saved, apart)?;
        for d in &unchecked {
            journal.check_blob(d)?;
        }
        Ok((journal, hash, now))
    }

    /// Hashes up to `left` more bytes of `check`'s blob (taking them from `left`): the check
    /// if some are left, `None` once they all hashed to its digest (else `DIGEST_INVALID`, the
    /// log refused).
    fn check_blob_some(&self, mut check: BlobCheck, left: &mut usize) -> Result<Option<BlobCheck>> {
        let d = check.digest;
        let Some(bytes) = self.blobs.get(&d) else { return Err(bad("errors.session_bytes_apart", [arg(d)])) };
        let end = check.at.saturating_add(*left).min(bytes.len());
        check.hasher.update(bytes.get(check.at..end).unwrap_or_default());
        *left -= end - check.at;
        check.at = end;
        if end < bytes.len() {
            return Ok(Some(check));
        }
        let got = Digest::from_sha256(check.hasher);
        if got != d {
            return Err(RegistryError::keyed(
                ErrorCode::DigestInvalid,
                "errors.session_bytes_hash",
                [arg(d), arg(got)],
            ));
        }
        Ok(None)
    }

    /// The bytes kept under `d` hash to it (else `DIGEST_INVALID`, the log refused).
    fn check_blob(&self, d: &Digest) -> Result<()> {
        let Some(bytes) = self.blobs.get(d) else { return Err(bad("errors.session_bytes_apart", [arg(d)])) };
        let got = Digest::of(bytes);
        if got != *d {
            return Err(RegistryError::keyed(
                ErrorCode::DigestInvalid,
                "errors.session_bytes_hash",
                [arg(d), arg(got)],
            ));
        }
        Ok(())
    }

    /// `from_saved`, the bytes given apart not yet hashed: their digests, to check before the
    /// log is used (`SessionRestore` checks a few per call).
    fn from_saved_unchecked(
        saved: SavedJournal,
        apart: &mut BTreeMap<Digest, Vec<u8>>,
    ) -> Result<(Journal, String, Millis, Vec<Digest>)> {
        if saved.kind != "stowage-session" {
            return err_k(ErrorCode::InvalidArgument, "errors.session_not_stowage", []);
        }
        if saved.format > JOURNAL_FORMAT {
            return Err(bad(
                "errors.session_newer",
                [arg(&saved.written_by), arg(saved.format), arg(JOURNAL_FORMAT)],
            ));
        }
        let limits = SessionLimits::default();
        if saved.entries.len() > limits.entries {
            return err_k(ErrorCode::InvalidArgument, "errors.session_too_many_entries", []);
        }
        let engine = base64::engine::general_purpose::STANDARD;
        let mut blobs = BTreeMap::new();
        let mut total = 0u64;
        for (key, text) in &saved.blobs {
            let d = Digest::parse(key)?;
            let bytes =
                engine.decode(text).map_err(|e| bad("errors.session_not_base64", [arg(key), arg(e)]))?;
            if Digest::of(&bytes) != d {
                return Err(RegistryError::keyed(
                    ErrorCode::DigestInvalid,
                    "errors.session_bytes_hash",
                    [arg(key), arg(Digest::of(&bytes))],
                ));
            }
            total += bytes.len() as u64;
            if total > limits.blob_bytes {
                return err_k(ErrorCode::InvalidArgument, "errors.session_too_many_bytes", []);
            }
            blobs.insert(d, bytes);
        }
        let mut unchecked = vec![];
        for key in &saved.blobs_apart {
            let d = Digest::parse(key)?;
            let Some(bytes) = apart.remove(&d) else {
                return Err(bad("errors.session_bytes_apart", [arg(key)]));
            };
            unchecked.push(d);
            total += bytes.len() as u64;
            if total > limits.blob_bytes {
                return err_k(ErrorCode::InvalidArgument, "errors.session_too_many_bytes", []);
            }
            blobs.insert(d, bytes);
        }
        let mut last = Millis(0);
        for e in &saved.entries {
            if e.at_ms < last {
                return err_k(ErrorCode::InvalidArgument, "errors.session_out_of_order", []);
            }
            last = e.at_ms;
        }
        let mut journal =
            Journal { origin: Some(saved.origin), entries: saved.entries, blobs, ..Journal::default() };
        journal.recount();
        Ok((journal, saved.state_hash, saved.now_ms, unchecked))
    }
}

impl RegistrySpec {
    /// The spec that builds a registry with these options.
    pub fn from_options(o: &RegistryOptions) -> Self {
        RegistrySpec {
            name: Some(o.name.clone()),
            seed: Some(o.seed),
            tier: Some(o.tier.as_str().to_string()),
            storage_era: serde_json::to_value(o.storage_era).ok().and_then(|v| v.as_str().map(String::from)),
            rate_model: Some(o.rate_model.as_str().to_string()),
            customer_managed_key: o.customer_managed_key.map(|m| match m {
                RotationMode::Automatic => "automatic".to_string(),
                RotationMode::Manual => "manual".to_string(),
            }),
            region: Some(o.region.clone()),
            geo_lag_ms: Some(o.geo_lag.0),
            gc_delay_ms: Some(o.gc_delay.0),
            storage_accounts: Some(o.storage_accounts),
        }
    }
}

/// What the recorder is doing: how deep in calls, and the entry `with_client` opened.
#[derive(Clone, Debug, Default)]
pub(super) struct Recorder {
    depth: u32,
    open: Option<usize>,
    /// Contexts entered (`with_identity`) whose entry is not written yet: it is written with
    /// the first call recorded inside them (a context nothing is recorded in changes nothing),
    /// and who called before them (the registry as its checkpoint must show it).
    pending: Vec<Context>,
    caller_before: Option<Identity>,
    /// Off while replaying (the log being replayed is already the record).
    pub(super) paused: bool,
}

impl Registry {
    /// The log of everything done to this registry since it was made.
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// How much of what a saved session may hold this session takes (while looking at the
    /// past: the whole run, which is what a save writes).
    pub fn session_budget(&self) -> SessionBudget {
        self.whole_run().map_or(&self.journal, |(j, ..)| j).budget()
    }

    /// Lowers the limits this registry's session keeps to (each at most the default, which
    /// `load_session` enforces): for tests, and for a page that wants a smaller session.
    pub fn set_session_limits(&mut self, limits: SessionLimits) {
        self.journal.limits = limits.at_most_default();
    }

    /// The key backups this registry handed out (disabling, deleting or revoking access to its
    /// key), oldest first; rebuilt by a replay, which hands them out again.
    pub fn key_backups(&self) -> &[String] {
        &self.key_backups
    }

    /// Whether a call made now is recorded: the outermost one, when no log is being replayed
    /// by `record`'s caller itself.
    fn recording(&self) -> bool {
        self.recorder.depth == 0 && !self.recorder.paused
    }

    /// A call that says whether it was refused: recorded, then run, unless `refusal` (the
    /// call's own check, see the module's notes) refuses it, or recording it would take the
    /// session past a limit; then it is neither recorded nor run, and that is the error.
    fn journaled<T>(
        &mut self,
        refusal: impl FnOnce(&Self) -> Result<()>,
        command: impl FnOnce(&mut Journal) -> Command,
        f: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        self.guard(refusal, command)?;
        self.nested(f)
    }

    /// `journaled`'s first half: the refusal check and the record (if this call is recorded).
    fn guard(
        &mut self,
        refusal: impl FnOnce(&Self) -> Result<()>,
        command: impl FnOnce(&mut Journal) -> Command,
    ) -> Result<()> {
        if self.recording() {
            self.finish_preset();
            refusal(self)?;
            self.record(command)?;
        }
        Ok(())
    }

    /// A call that cannot say it was refused (a clock move, healing every fault, a convergence
    /// phase): recorded, then run. When the session is full a clock move is still merged into
    /// the last entry if it is the same move; otherwise the call is neither recorded nor run
    /// (None).
    fn journaled_always<T>(&mut self, command: Command, f: impl FnOnce(&mut Self) -> T) -> Option<T> {
        if self.recording() {
            self.finish_preset();
            if self.record(|_| command.clone()).is_err() && !self.merge_when_full(&command) {
                return None;
            }
        }
        Some(self.nested(f))
    }

    /// Records `command` (the outermost call's), unless that would take the session past a
    /// limit: then nothing changes (the bytes it kept are taken back out) and that is the
    /// error. Before anything is recorded a checkpoint is taken if one is due, and acting while
    /// looking at the past forks.
    fn record(&mut self, command: impl FnOnce(&mut Journal) -> Command) -> Result<()> {
        self.journal.tally.fresh.clear();
        let c = command(&mut self.journal);
        let (entries, text) = match self.recorder.open {
            Some(_) => (0, json_len(&c) + 1),
            None => {
                let entry =
                    Entry { at_ms: self.now, context: self.recorder.pending.clone(), commands: vec![] };
                (1, json_len(&entry) + json_len(&c) + 1)
            }
        };
        if let Some(refused) = self.journal.refusal_to_grow(entries, text) {
            self.journal.drop_fresh();
            return Err(refused);
        }
        self.journal.tally.fresh.clear();
        self.edited();
        match self.recorder.open {
            // Inside an entry already written (no checkpoint there: it would cut the entry).
            Some(i) => self.journal.append(i, c),
            None if !self.recorder.pending.is_empty() => {
                self.open_pending();
                if let Some(i) = self.recorder.open {
                    self.journal.append(i, c);
                }
            }
            None => {
                self.before_change();
                self.journal.push(Entry { at_ms: self.now, context: vec![], commands: vec![c] });
            }
        }
        Ok(())
    }

    /// Writes the entry of the contexts entered and not written yet; calls made in them are
    /// added to it. The checkpoint due before it shows the registry as it was before them.
    fn open_pending(&mut self) {
        let caller =
            self.recorder.caller_before.clone().map(|before| std::mem::replace(&mut self.caller, before));
        self.before_change();
        if let Some(caller) = caller {
            self.caller = caller;
        }
        let context = std::mem::take(&mut self.recorder.pending);
        self.journal.push(Entry { at_ms: self.now, context, commands: vec![] });
        self.recorder.open = Some(self.journal.entries.len() - 1);
    }

    /// With the session full: merges a clock move into the last entry if it is the same move
    /// and that needs no more room than is left (no checkpoint is taken: it would seal the
    /// entry); whether it did.
    fn merge_when_full(&mut self, command: &Command) -> bool {
        if !command.is_clock()
            || self.journal.sealed
            || self.recorder.open.is_some()
            || !self.recorder.pending.is_empty()
            || self.whole_run().is_some()
        {
            return false;
        }
        let entry = Entry { at_ms: self.now, context: vec![], commands: vec![command.clone()] };
        let Some(growth) = self.journal.merge_growth(&entry) else { return false };
        if self.journal.refusal_to_grow(0, growth).is_some() {
            return false;
        }
        self.edited();
        self.journal.merge(&entry)
    }

    /// Runs `f` as part of the call being recorded: what it calls is not recorded again.
    pub(super) fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        self.recorder.depth += 1;
        let out = f(self);
        self.recorder.depth -= 1;
        out
    }

    /// Runs `f` in a context (as a client, or counted against an identity); the calls made in
    /// it are recorded in one entry with the context. A request as a client is routed, which
    /// changes the registry (its resolutions, its request count): its entry is written at
    /// once, even if nothing recorded is done in it, unless there is no such client (then
    /// nothing runs). An identity changes nothing by itself: its entry is written with the
    /// first call recorded in it, if any.
    fn in_context<T>(&mut self, context: Context, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        let outermost = self.recording() && self.recorder.open.is_none() && self.recorder.pending.is_empty();
        let mut pending = false;
        if self.recording() && self.recorder.open.is_none() {
            if outermost {
                self.finish_preset();
                self.recorder.caller_before = Some(self.caller.clone());
            }
            let client = match &context {
                Context::Client(name) => Some(name.clone()),
                Context::Identity(_) => None,
            };
            self.recorder.pending.push(context);
            pending = true;
            if let Some(name) = client {
                let entry =
                    Entry { at_ms: self.now, context: self.recorder.pending.clone(), commands: vec![] };
                let refused = self
                    .new_report(&name)
                    .err()
                    .or_else(|| self.journal.refusal_to_grow(1, json_len(&entry) + 1));
                if let Some(refused) = refused {
                    self.recorder.pending.pop();
                    if outermost {
                        self.recorder.caller_before = None;
                    }
                    return Err(refused);
                }
                self.open_pending();
                pending = false;
            }
        } else if self.recording()
            && let Some(i) = self.recorder.open
            && self.journal.entries.get(i).is_some_and(|e| e.commands.is_empty())
        {
            self.journal.add_context(i, context);
        }
        let out = f(self);
        if outermost {
            self.recorder.open = None;
            self.recorder.pending.clear();
            self.recorder.caller_before = None;
        } else if pending && self.recorder.open.is_none() {
            // Nothing was recorded in it: it is not the context of what follows.
            self.recorder.pending.pop();
        }
        out
    }

    /// The session as JSON text: the log, the uploaded bytes, and the state it must replay to.
    /// While looking at the past it is the whole run, with the time looked at.
    pub fn save_session(&self) -> Result<String> {
        self.save_session_marked().map(|(text, _)| text)
    }

    /// The whole run's log, the state it replays to and the time looked at (None: the present).
    fn run_to_save(&self) -> (&Journal, String, Millis, Option<Millis>) {
        match self.whole_run() {
            Some((journal, present, hash)) => (journal, hash.to_string(), present, Some(self.now)),
            None => (&self.journal, self.event_log_hash(), self.now, None),
        }
    }

    /// [`Registry::save_session`], and the mark the next [`Registry::session_part`] starts from.
    pub fn save_session_marked(&self) -> Result<(String, SavedMark)> {
        self.save_marked_as(false)
    }

    /// [`Registry::save_session_marked`] with the large uploaded blobs (`held_apart`) named in
    /// the text but not carried in it: whoever keeps the text keeps their bytes beside it
    /// (`journal().blobs`) and gives them back to [`Registry::begin_restore_with`]. A page then
    /// never encodes a large upload again when it saves the session whole.
    pub fn save_session_marked_apart(&self) -> Result<(String, SavedMark)> {
        self.save_marked_as(true)
    }

    fn save_marked_as(&self, apart: bool) -> Result<(String, SavedMark)> {
        let (journal, hash, now, looking_at) = self.run_to_save();
        let mut saved =
            journal.to_saved_as(hash, now, apart).ok_or_else(|| bad("errors.session_no_origin", []))?;
        saved.looking_at_ms = looking_at;
        let text = serde_json::to_string(&saved).map_err(|e| bad("errors.session_write", [arg(e)]))?;
        Ok((text, self.mark_of(journal)))
    }

    /// The uploaded bytes a save of the session now carries (or names, saved apart), by digest.
    pub fn session_blobs(&self) -> &BTreeMap<Digest, Vec<u8>> {
        &self.run_to_save().0.blobs
    }

    /// The mark of the session as it stands (what a save of it now would leave): a page that
    /// restored a saved session whose log is this one's saves what follows as parts after it.
    pub fn session_mark(&self) -> SavedMark {
        let (journal, ..) = self.run_to_save();
        self.mark_of(journal)
    }

    fn mark_of(&self, journal: &Journal) -> SavedMark {
        SavedMark {
            forks: self.fork_count(),
            entries: journal.entries.len(),
            last: journal.entries.last().cloned(),
            blobs: journal.blobs.keys().cloned().collect(),
        }
    }

    /// What changed since the session was saved up to `mark`, as a part to keep after it (JSON
    /// text), and the next mark; None when a part cannot say it (the run forked since, lost
    /// entries or uploaded bytes, or changed an entry before its last): save it whole then.
    pub fn session_part(&self, mark: &SavedMark) -> Result<Option<(String, SavedMark)>> {
        self.session_part_as(mark, false)
    }

    /// [`Registry::session_part`], its large new blobs named but kept apart (see
    /// [`Registry::save_session_marked_apart`]).
    pub fn session_part_apart(&self, mark: &SavedMark) -> Result<Option<(String, SavedMark)>> {
        self.session_part_as(mark, true)
    }

    fn session_part_as(&self, mark: &SavedMark, apart: bool) -> Result<Option<(String, SavedMark)>> {
        let (journal, hash, now, looking_at) = self.run_to_save();
        if self.fork_count() != mark.forks || journal.entries.len() + 1 < mark.entries.max(1) {
            return Ok(None);
        }
        let from = match mark.entries.checked_sub(1) {
            None => 0,
            Some(last) => match (journal.entries.get(last), &mark.last) {
                (Some(now_last), Some(saved_last)) if now_last == saved_last => mark.entries,
                // The last entry grew (clock moves merge into it), nothing before it changed.
                (Some(Entry { at_ms, context, commands }), Some(saved_last))
                    if *at_ms == saved_last.at_ms
                        && context.is_empty()
                        && saved_last.context.is_empty()
                        && matches!((commands.as_slice(), saved_last.commands.as_slice()),
                            ([a], [b]) if a.is_clock() && b.is_clock()) =>
                {
                    last
                }
                _ => return Ok(None),
            },
        };
        if mark.blobs.iter().any(|d| !journal.blobs.contains_key(d)) {
            return Ok(None);
        }
        let (blobs, blobs_apart) =
            split_blobs(journal.blobs.iter().filter(|(d, _)| !mark.blobs.contains(*d)), apart);
        let part = SessionPart {
            kind: "stowage-session-part".into(),
            format: JOURNAL_FORMAT,
            from,
            entries: journal.entries[from..].to_vec(),
            blobs,
            blobs_apart,
            state_hash: hash,
            now_ms: now,
            looking_at_ms: looking_at,
        };
        let text = serde_json::to_string(&part).map_err(|e| bad("errors.session_write", [arg(e)]))?;
        Ok(Some((text, self.mark_of(journal))))
    }

    /// A session saved as a whole text and the parts saved after it, in order, replayed as
    /// one: refused whole, as [`Registry::load_session`] refuses, if any part is damaged, from
    /// a newer Stowage, leaves a gap, or the whole replays to a different state.
    pub fn load_session_parts(json: &str, parts: &[String]) -> Result<Registry> {
        Self::begin_restore(json, parts)?.finish()
    }

    /// A session saved as a whole text and parts, as one session text, without replaying it
    /// (to keep, or download, a copy that could not be restored); refused if a part is
    /// damaged or missing.
    pub fn merge_session_parts(json: &str, parts: &[String]) -> Result<String> {
        Self::merge_session_parts_with(json, parts, BTreeMap::new())
    }

    /// [`Registry::merge_session_parts`], the bytes kept apart put back in (`apart`: their
    /// bytes by digest), so the text stands on its own (to keep aside, or download).
    pub fn merge_session_parts_with(
        json: &str,
        parts: &[String],
        mut apart: BTreeMap<Digest, Vec<u8>>,
    ) -> Result<String> {
        let mut saved = merge_parts(json, parts)?;
        let engine = base64::engine::general_purpose::STANDARD;
        for key in std::mem::take(&mut saved.blobs_apart) {
            let bytes = Digest::parse(&key)
                .ok()
                .and_then(|d| apart.remove(&d))
                .ok_or_else(|| bad("errors.session_bytes_apart", [arg(&key)]))?;
            saved.blobs.insert(key, engine.encode(bytes));
        }
        serde_json::to_string(&saved).map_err(|e| bad("errors.session_write", [arg(e)]))
    }

    /// A saved session (a text and the parts saved after it) to replay a slice at a time, so a
    /// page can show how far it has got and stay responsive: [`SessionRestore::advance`] until
    /// it gives the registry. Checked as [`Registry::load_session_parts`] checks it.
    pub fn begin_restore(json: &str, parts: &[String]) -> Result<SessionRestore> {
        Self::begin_restore_with(json, parts, BTreeMap::new())
    }

    /// [`Registry::begin_restore`] of a session saved apart: `apart` holds the bytes of the
    /// blobs it names but does not carry (refused, in words, if one is missing).
    pub fn begin_restore_with(
        json: &str,
        parts: &[String],
        mut apart: BTreeMap<Digest, Vec<u8>>,
    ) -> Result<SessionRestore> {
        let saved = if parts.is_empty() { parse_saved(json)? } else { merge_parts(json, parts)? };
        let written_by = saved.written_by.clone();
        let looking_at = saved.looking_at_ms;
        let (journal, hash, now, unchecked) = Journal::from_saved_unchecked(saved, &mut apart)?;
        let origin = journal.origin.as_ref().ok_or_else(|| bad("errors.session_no_origin", []))?;
        let mut registry = Registry::from_origin(origin)?;
        // The log was checked against the limits; replayed, it records no more than it holds.
        registry.journal.limits = SessionLimits::NONE;
        Ok(SessionRestore {
            journal,
            hash,
            now,
            looking_at,
            written_by,
            registry: Some(registry),
            next: 0,
            clock_left: None,
            unchecked,
            checking: None,
            import_left: None,
        })
    }

    /// A saved session replayed: refused whole, with the reason, if the text is damaged, from
    /// a newer Stowage, or replays to a different state than the one saved.
    pub fn load_session(json: &str) -> Result<Registry> {
        Self::load_session_parts(json, &[])
    }

    /// A replayed session checked against what was saved (the state hash and the time), then
    /// shown at the time it was looked at, if saved in the past.
    fn replayed_as_saved(
        mut self,
        hash: &str,
        now: Millis,
        looking_at: Option<Millis>,
        written_by: &str,
    ) -> Result<Registry> {
        if self.event_log_hash() != hash || self.now != now {
            return Err(bad(
                "errors.session_replays_differently",
                [arg(written_by), arg(env!("CARGO_PKG_VERSION"))],
            ));
        }
        if let Some(t) = looking_at.filter(|t| *t < now) {
            self.travel_to(t)?;
        }
        Ok(self)
    }

    /// Builds the registry a log starts from.
    pub fn from_origin(origin: &Origin) -> Result<Registry> {
        match origin {
            Origin::Options { registry } => Registry::new(registry.options()?),
            Origin::Scenario { json, file } => {
                let mut r = Registry::load_scenario(json)?;
                r.journal.origin = Some(Origin::Scenario { json: json.clone(), file: file.clone() });
                Ok(r)
            }
        }
    }

    /// The record keys whose bit 0 is flipped at the time the registry shows: flipped an odd
    /// number of times in its log (which, looking at the past, ends there).
    pub fn flipped_keys(&self) -> BTreeSet<String> {
        let mut odd = BTreeSet::new();
        for entry in &self.journal.entries {
            for c in &entry.commands {
                if let Command::TamperRecord { key, bit: 0 } = c
                    && !odd.remove(key)
                {
                    odd.insert(key.clone());
                }
            }
        }
        odd
    }

    /// Replays a whole log on a new registry. Each call does what it did when it was made
    /// (a call that failed then fails again, changing nothing).
    pub fn replay(journal: &Journal) -> Result<Registry> {
        let origin = journal.origin.as_ref().ok_or_else(|| bad("errors.session_no_origin", []))?;
        let mut r = Registry::from_origin(origin)?;
        // A log replayed records no more than it holds (see `replay_entry`): no limit refuses
        // what it replays.
        r.journal.limits = SessionLimits::NONE;
        r.replay_entries(journal, &journal.entries, None)?;
        r.journal.limits = journal.limits;
        Ok(r)
    }

    /// Replays `entries` (recording them as it goes), stopping at virtual time `until` if
    /// given: a clock move that would pass it stops there. Returns how many entries were
    /// replayed whole.
    pub(super) fn replay_entries(
        &mut self,
        journal: &Journal,
        entries: &[Entry],
        until: Option<Millis>,
    ) -> Result<usize> {
        for (i, entry) in entries.iter().enumerate() {
            let Some(u) = until else {
                self.replay_entry(journal, entry)?;
                continue;
            };
            if entry.at_ms > u {
                return Ok(i);
            }
            let clock = match entry.commands.as_slice() {
                [c] if c.is_clock() && entry.context.is_empty() => c,
                _ => {
                    self.replay_entry(journal, entry)?;
                    if self.now > u {
                        // The call took the clock past `u` (a transfer): the registry at `u`
                        // is inside it, which a replay cannot stop in.
                        self.history.overshoot = Some(Overshoot::Entry(i));
                        return Ok(i + 1);
                    }
                    continue;
                }
            };
            let stopped = match clock {
                Command::RunFor { ms } if self.now.saturating_add(Millis(*ms)) > u => true,
                Command::Step { n } => match self.step_within(u, *n) {
                    Err(at) => {
                        self.history.overshoot = Some(Overshoot::Job(at));
                        return Ok(i);
                    }
                    Ok(left) => left > 0 && self.queue.next_due().is_some(),
                },
                Command::RunUntilIdle => match self.step_within(u, u64::MAX) {
                    Err(at) => {
                        self.history.overshoot = Some(Overshoot::Job(at));
                        return Ok(i);
                    }
                    Ok(_) => self.queue.next_due().is_some(),
                },
                other => {
                    self.apply_command(journal, other)?;
                    false
                }
            };
            // A clock move cut at the instant it started runs nothing (the state shown then);
            // cut later, it runs what fell due by then, one job at a time.
            if stopped {
                if u > self.now {
                    if let Err(at) = self.step_within(u, u64::MAX) {
                        self.history.overshoot = Some(Overshoot::Job(at));
                    } else if u > self.now {
                        self.run_for(Millis(u.0 - self.now.0));
                    }
                }
                return Ok(i);
            }
        }
        Ok(entries.len())
    }

    /// Runs up to `n` jobs due by `u`, one at a time; returns how many of the `n` are left, or
    /// the time of a job whose run took the clock past `u`.
    fn step_within(&mut self, u: Millis, n: u64) -> std::result::Result<u64, Millis> {
        let mut left = n;
        while left > 0 {
            let Some(at) = self.queue.next_due().filter(|at| *at <= u) else { break };
            self.step();
            left -= 1;
            if self.now > u {
                return Err(at);
            }
        }
        Ok(left)
    }

    fn replay_entry(&mut self, journal: &Journal, entry: &Entry) -> Result<()> {
        let run = |r: &mut Registry| -> Result<()> {
            for c in &entry.commands {
                let _ = r.apply_command(journal, c);
            }
            Ok(())
        };
        let out = match entry.context.as_slice() {
            [] => run(self),
            [Context::Client(c)] => self.with_client(c, run),
            [Context::Identity(i)] => self.with_identity(i, run),
            [Context::Identity(i), Context::Client(c)] => self.with_identity(i, |r| r.with_client(c, run)),
            [Context::Client(c), Context::Identity(i)] => self.with_client(c, |r| r.with_identity(i, run)),
            _ => {
                return err_k(ErrorCode::InvalidArgument, "errors.session_nesting", []);
            }
        };
        // A call that failed then fails now too; that is the record, not a fault of the log.
        let _ = out;
        Ok(())
    }

    /// Runs one logged call.
    fn apply_command(&mut self, j: &Journal, c: &Command) -> Result<()> {
        match c {
            Command::PushBlob { repo, bytes, claimed } => {
                self.push_blob(repo, j.bytes(bytes)?, claimed.as_deref()).map(drop)
            }
            Command::PushSyntheticBlob { repo, size_bytes, seed } => {
                self.push_synthetic_blob(repo, *size_bytes, *seed).map(drop)
            }
            Command::MountBlob { repo, from, digest } => self.mount_blob(repo, from, digest).map(drop),
            Command::StartUpload { repo } => self.start_upload(repo).map(drop),
            Command::AppendUpload { upload, bytes, from } => {
                self.append_upload(upload, j.bytes(bytes)?, *from).map(drop)
            }
            Command::FinishUpload { upload, digest, size } => {
                self.finish_upload(upload, digest, *size).map(drop)
            }
            Command::CancelUpload { upload } => self.cancel_upload(upload).map(drop),
            Command::PullBlob { repo, digest } => self.pull_blob(repo, digest).map(drop),
            Command::PushManifest { repo, reference, body, content_type } => {
                self.push_manifest(repo, reference, j.bytes(body)?, content_type.as_deref()).map(drop)
            }
            Command::PullManifest { repo, reference } => self.pull_manifest(repo, reference).map(drop),
            Command::PushImage { repo, tag, layers } => {
                self.push_image(repo, tag, j.layers(layers)?).map(drop)
            }
            Command::Catalog { n, last } => self.catalog(*n, last.as_deref()).map(drop),
            Command::Tags { repo, n, last } => self.tags(repo, *n, last.as_deref()).map(drop),
            Command::Untag { repo, tag } => self.untag(repo, tag).map(drop),
            Command::DeleteManifest { repo, reference } => self.delete_manifest(repo, reference).map(drop),
            Command::DeleteRepository { repo } => self.delete_repository(repo).map(drop),
            Command::SetAttributes { repo, reference, patch } => {
                self.set_attributes(repo, reference.as_deref(), patch).map(drop)
            }
            Command::TamperRecord { key, bit } => self.tamper_record(key, *bit),
            Command::SetTier { tier } => self.set_tier(tier).map(drop),
            Command::SetRateModel { model } => self.set_rate_model(model).map(drop),
            Command::ScaleOutPull { repo, reference, nodes, shared_identity } => {
                self.scale_out_pull(repo, reference, *nodes, *shared_identity).map(drop)
            }
            Command::SetGeoLag { lag_ms } => self.set_geo_lag(Millis(*lag_ms)).map(drop),
            Command::AddKeyVersion => self.add_key_version().map(drop),
            Command::RotateKey { version } => self.rotate_key(*version).map(drop),
            Command::DisableKey => self.disable_key().map(drop),
            Command::DeleteKey => self.delete_key().map(drop),
            Command::RevokeKeyAccess => self.revoke_key_access().map(drop),
            Command::RestoreKey { handed_out, backup } => {
                let text = match (handed_out, backup) {
                    (Some(i), _) => self.key_backups.get(*i).cloned().unwrap_or_default(),
                    (None, Some(b)) => b.clone(),
                    (None, None) => String::new(),
                };
                self.restore_key(&text).map(drop)
            }
            Command::InjectFault { fault, delay_ms, duration_ms } => {
                self.inject_fault(fault.clone(), Millis(*delay_ms), duration_ms.map(Millis)).map(drop)
            }
            Command::HealFault { id } => self.heal_fault(*id).map(drop),
            Command::HealAll => {
                self.heal_all();
                Ok(())
            }
            Command::Converge { limit_ms } => self.converge(Millis(*limit_ms)).map(drop),
            Command::AddWebhook { name, actions, scope, region } => {
                let actions: Vec<&str> = actions.iter().map(String::as_str).collect();
                self.add_regional_webhook(name, &actions, scope.as_deref(), region).map(drop)
            }
            Command::RemoveWebhook { name } => self.remove_webhook(name).map(drop),
            Command::AddPrivateEndpoint { name } => self.add_private_endpoint(name).map(drop),
            Command::RemovePrivateEndpoint { name } => self.remove_private_endpoint(name).map(drop),
            Command::SetContentTrust { enabled } => self.set_content_trust(*enabled).map(drop),
            Command::SetRetentionPolicy { enabled, days } => {
                self.set_retention_policy(*enabled, *days).map(drop)
            }
            Command::SetSoftDeletePolicy { enabled, days } => {
                self.set_soft_delete_policy(*enabled, *days).map(drop)
            }
            Command::RestoreSoftDeleted { repo, tag, digest, force } => {
                self.restore_soft_deleted(repo, tag, digest, *force)
            }
            Command::AddClient { name, region, dns_cache, identity } => {
                self.add_client(name, region, *dns_cache, identity.as_deref()).map(drop)
            }
            Command::ClientPushImage { client, repo, tag, layers } => {
                self.client_push_image(client, repo, tag, j.layers(layers)?).map(drop)
            }
            Command::ClientPullImage { client, repo, reference } => {
                self.client_pull_image(client, repo, reference).map(drop)
            }
            Command::AddReplica { region } => self.add_replica(region).map(drop),
            Command::RemoveReplica { region } => self.remove_replica(region).map(drop),
            Command::SetReplicaRouting { region, enabled } => {
                self.set_replica_routing(region, *enabled).map(drop)
            }
            Command::PlayConvergencePhase => {
                self.play_convergence_phase();
                Ok(())
            }
            Command::LoadLargePreset { repos, tags_per_repo } => {
                self.load_large_preset(*repos, *tags_per_repo).map(drop)
            }
            Command::ImportArchive { archive, default_repo } => {
                self.import_archive(j.bytes(archive)?, default_repo).map(drop)
            }
            Command::Step { n } => {
                // One recorded call, as it was one entry: no checkpoint cuts it in two.
                let n = *n;
                let _ = self.journaled_always(Command::Step { n }, |r| r.run_next_jobs(n));
                Ok(())
            }
            Command::RunFor { ms } => {
                self.run_for(Millis(*ms));
                Ok(())
            }
            Command::RunUntilIdle => {
                self.run_until_idle();
                Ok(())
            }
        }
    }
}

// ---- the public calls that change a registry: each is recorded, then run -----------------

impl Registry {
    /// Uploads a blob's bytes into `repo` (see `push_blob_direct`).
    pub fn push_blob(&mut self, repo: &str, bytes: &[u8], claimed: Option<&str>) -> Result<Digest> {
        self.journaled(
            |r| r.push_blob_refusal(repo, bytes, claimed),
            |j| Command::PushBlob {
                repo: repo.into(),
                bytes: j.keep(bytes),
                claimed: claimed.map(String::from),
            },
            |r| r.push_blob_direct(repo, bytes, claimed),
        )
    }

    pub fn push_synthetic_blob(&mut self, repo: &str, size_bytes: u64, seed: Option<u64>) -> Result<Digest> {
        self.journaled(
            |r| r.push_synthetic_blob_refusal(repo, size_bytes, seed),
            |_| Command::PushSyntheticBlob { repo: repo.into(), size_bytes, seed },
            |r| r.push_synthetic_blob_direct(repo, size_bytes, seed),
        )
    }

    pub fn mount_blob(&mut self, repo: &str, from: &str, digest: &str) -> Result<bool> {
        self.journaled(
            |r| r.mount_blob_refusal(repo, from, digest),
            |_| Command::MountBlob { repo: repo.into(), from: from.into(), digest: digest.into() },
            |r| r.mount_blob_direct(repo, from, digest),
        )
    }

    /// Opens a blob upload (see `start_upload_direct`).
    pub fn start_upload(&mut self, repo: &str) -> Result<UploadView> {
        self.journaled(
            |r| r.start_upload_refusal(repo),
            |_| Command::StartUpload { repo: repo.into() },
            |r| r.start_upload_direct(repo),
        )
    }

    /// Sends an upload's next bytes (see `append_upload_direct`).
    pub fn append_upload(&mut self, upload: &str, bytes: &[u8], from: Option<u64>) -> Result<UploadView> {
        self.journaled(
            |r| r.append_upload_refusal(upload, bytes.len(), from),
            |j| Command::AppendUpload { upload: upload.into(), bytes: j.keep(bytes), from },
            |r| r.append_upload_direct(upload, bytes, from),
        )
    }

    /// Closes an upload with the digest claimed (see `finish_upload_direct`).
    pub fn finish_upload(&mut self, upload: &str, digest: &str, size: Option<u64>) -> Result<Digest> {
        self.journaled(
            |r| r.finish_upload_refusal(upload, digest, size),
            |_| Command::FinishUpload { upload: upload.into(), digest: digest.into(), size },
            |r| r.finish_upload_direct(upload, digest, size),
        )
    }

    /// Cancels an upload (see `cancel_upload_direct`).
    pub fn cancel_upload(&mut self, upload: &str) -> Result<UploadView> {
        self.journaled(
            |r| r.cancel_upload_refusal(upload),
            |_| Command::CancelUpload { upload: upload.into() },
            |r| r.cancel_upload_direct(upload),
        )
    }

    pub fn pull_blob(&mut self, repo: &str, digest: &str) -> Result<Vec<u8>> {
        self.journaled(
            |r| r.pull_blob_refusal(repo, digest),
            |_| Command::PullBlob { repo: repo.into(), digest: digest.into() },
            |r| r.pull_blob_direct(repo, digest),
        )
    }

    pub fn push_manifest(
        &mut self,
        repo: &str,
        reference: &str,
        body: &[u8],
        content_type: Option<&str>,
    ) -> Result<Digest> {
        self.journaled(
            |r| r.push_manifest_refusal(repo, reference, body, content_type),
            |j| Command::PushManifest {
                repo: repo.into(),
                reference: reference.into(),
                body: j.keep(body),
                content_type: content_type.map(String::from),
            },
            |r| r.push_manifest_direct(repo, reference, body, content_type),
        )
    }

    pub fn pull_manifest(&mut self, repo: &str, reference: &str) -> Result<PulledManifest> {
        self.journaled(
            |r| r.pull_manifest_refusal(repo, reference),
            |_| Command::PullManifest { repo: repo.into(), reference: reference.into() },
            |r| r.pull_manifest_direct(repo, reference),
        )
    }

    pub fn push_image(&mut self, repo: &str, tag: &str, layers: Vec<LayerInput>) -> Result<PushedImage> {
        self.guard(
            |r| r.push_image_refusal(repo, tag, &layers),
            |j| Command::PushImage { repo: repo.into(), tag: tag.into(), layers: j.layer_refs(&layers) },
        )?;
        self.nested(|r| r.push_image_direct(repo, tag, layers))
    }

    pub fn catalog(&mut self, n: Option<u64>, last: Option<&str>) -> Result<CatalogPage> {
        self.journaled(
            |r| r.catalog_refusal(n, last),
            |_| Command::Catalog { n, last: last.map(String::from) },
            |r| r.catalog_direct(n, last),
        )
    }

    pub fn tags(&mut self, repo: &str, n: Option<u64>, last: Option<&str>) -> Result<TagPage> {
        self.journaled(
            |r| r.tags_refusal(repo, n, last),
            |_| Command::Tags { repo: repo.into(), n, last: last.map(String::from) },
            |r| r.tags_direct(repo, n, last),
        )
    }

    pub fn untag(&mut self, repo: &str, tag: &str) -> Result<Digest> {
        self.journaled(
            |r| r.untag_refusal(repo, tag),
            |_| Command::Untag { repo: repo.into(), tag: tag.into() },
            |r| r.untag_direct(repo, tag),
        )
    }

    pub fn delete_manifest(&mut self, repo: &str, reference: &str) -> Result<Deleted> {
        self.journaled(
            |r| r.delete_manifest_refusal(repo, reference),
            |_| Command::DeleteManifest { repo: repo.into(), reference: reference.into() },
            |r| r.delete_manifest_direct(repo, reference),
        )
    }

    pub fn delete_repository(&mut self, repo: &str) -> Result<Deleted> {
        self.journaled(
            |r| r.delete_repository_refusal(repo),
            |_| Command::DeleteRepository { repo: repo.into() },
            |r| r.delete_repository_direct(repo),
        )
    }

    pub fn set_attributes(
        &mut self,
        repo: &str,
        reference: Option<&str>,
        patch: &AttributePatch,
    ) -> Result<Attributes> {
        self.journaled(
            |r| r.set_attributes_refusal(repo, reference).map(drop),
            |_| Command::SetAttributes {
                repo: repo.into(),
                reference: reference.map(String::from),
                patch: *patch,
            },
            |r| r.set_attributes_direct(repo, reference, patch),
        )
    }

    pub fn tamper_record(&mut self, key: &str, bit: u64) -> Result<()> {
        self.journaled(
            |r| r.tamper_record_refusal(key, bit).map(drop),
            |_| Command::TamperRecord { key: key.into(), bit },
            |r| r.tamper_record_direct(key, bit),
        )
    }

    pub fn set_tier(&mut self, tier: &str) -> Result<TierView> {
        self.journaled(
            |r| r.set_tier_refusal(tier).map(drop),
            |_| Command::SetTier { tier: tier.into() },
            |r| r.set_tier_direct(tier),
        )
    }

    pub fn set_rate_model(&mut self, model: &str) -> Result<ThrottleView> {
        self.journaled(
            |_| super::throttle::RateModel::parse(model).map(drop),
            |_| Command::SetRateModel { model: model.into() },
            |r| r.set_rate_model_direct(model),
        )
    }

    pub fn scale_out_pull(
        &mut self,
        repo: &str,
        reference: &str,
        nodes: u32,
        shared_identity: bool,
    ) -> Result<ScaleOutReport> {
        self.journaled(
            |r| r.scale_out_pull_refusal(repo, reference, nodes),
            |_| Command::ScaleOutPull {
                repo: repo.into(),
                reference: reference.into(),
                nodes,
                shared_identity,
            },
            |r| r.scale_out_pull_direct(repo, reference, nodes, shared_identity),
        )
    }

    pub fn set_geo_lag(&mut self, lag: Millis) -> Result<GeoStorageView> {
        self.journaled(
            |_| super::registry::check_geo_lag(lag),
            |_| Command::SetGeoLag { lag_ms: lag.0 },
            |r| r.set_geo_lag_direct(lag),
        )
    }

    pub fn add_key_version(&mut self) -> Result<KeyVaultView> {
        self.journaled(
            |r| r.add_key_version_refusal(),
            |_| Command::AddKeyVersion,
            |r| r.add_key_version_direct(),
        )
    }

    pub fn rotate_key(&mut self, version: Option<u32>) -> Result<KeyVaultView> {
        self.journaled(
            |r| r.rotate_key_refusal(version).map(drop),
            |_| Command::RotateKey { version },
            |r| r.rotate_key_direct(version),
        )
    }

    pub fn disable_key(&mut self) -> Result<KeyBackup> {
        let out = self.journaled(
            |r| r.lose_key_refusal(KeyState::Disabled),
            |_| Command::DisableKey,
            |r| r.disable_key_direct(),
        );
        self.keep_backup(out)
    }

    pub fn delete_key(&mut self) -> Result<KeyBackup> {
        let out = self.journaled(
            |r| r.lose_key_refusal(KeyState::Deleted),
            |_| Command::DeleteKey,
            |r| r.delete_key_direct(),
        );
        self.keep_backup(out)
    }

    pub fn revoke_key_access(&mut self) -> Result<KeyBackup> {
        let out = self.journaled(
            |r| r.lose_key_refusal(KeyState::AccessRevoked),
            |_| Command::RevokeKeyAccess,
            |r| r.revoke_key_access_direct(),
        );
        self.keep_backup(out)
    }

    pub fn restore_key(&mut self, backup: &str) -> Result<KeyVaultView> {
        let handed_out = self.key_backups.iter().position(|b| b == backup.trim());
        let text = handed_out.is_none().then(|| backup.to_string());
        self.journaled(
            |r| r.restore_key_refusal(backup),
            |_| Command::RestoreKey { handed_out, backup: text },
            |r| r.restore_key_direct(backup),
        )
    }

    /// Remembers a backup the registry handed out, so a restore with it is logged by its order.
    fn keep_backup(&mut self, out: Result<KeyBackup>) -> Result<KeyBackup> {
        if let Ok(b) = &out {
            self.key_backups.push(b.as_str().to_string());
        }
        out
    }

    pub fn inject_fault(
        &mut self,
        fault: FaultKind,
        delay: Millis,
        duration: Option<Millis>,
    ) -> Result<Fault> {
        self.journaled(
            |r| r.inject_fault_refusal(&fault, duration),
            |_| Command::InjectFault {
                fault: fault.clone(),
                delay_ms: delay.0,
                duration_ms: duration.map(|d| d.0),
            },
            |r| r.inject_fault_direct(fault.clone(), delay, duration),
        )
    }

    pub fn heal_fault(&mut self, id: u32) -> Result<Fault> {
        self.journaled(
            |r| r.heal_fault_refusal(id),
            |_| Command::HealFault { id },
            |r| r.heal_fault_direct(id),
        )
    }

    /// Heals every fault; how many (0, healing none, when the session is full).
    pub fn heal_all(&mut self) -> usize {
        self.journaled_always(Command::HealAll, |r| r.heal_all_direct()).unwrap_or(0)
    }

    /// Runs the queue until the replicas agree, for at most `limit`. A run that does not
    /// converge has still run the clock: it is recorded, refused or not.
    pub fn converge(&mut self, limit: Millis) -> Result<Millis> {
        self.journaled(|_| Ok(()), |_| Command::Converge { limit_ms: limit.0 }, |r| r.converge_direct(limit))
    }

    pub fn add_regional_webhook(
        &mut self,
        name: &str,
        actions: &[&str],
        scope: Option<&str>,
        region: &str,
    ) -> Result<FeaturesView> {
        self.journaled(
            |r| r.add_webhook_refusal(name, actions, scope, region).map(drop),
            |_| Command::AddWebhook {
                name: name.into(),
                actions: actions.iter().map(|a| a.to_string()).collect(),
                scope: scope.map(String::from),
                region: region.into(),
            },
            |r| r.add_regional_webhook_direct(name, actions, scope, region),
        )
    }

    pub fn remove_webhook(&mut self, name: &str) -> Result<FeaturesView> {
        self.journaled(
            |r| r.remove_webhook_refusal(name),
            |_| Command::RemoveWebhook { name: name.into() },
            |r| r.remove_webhook_direct(name),
        )
    }

    pub fn add_private_endpoint(&mut self, name: &str) -> Result<FeaturesView> {
        self.journaled(
            |r| r.add_private_endpoint_refusal(name),
            |_| Command::AddPrivateEndpoint { name: name.into() },
            |r| r.add_private_endpoint_direct(name),
        )
    }

    pub fn remove_private_endpoint(&mut self, name: &str) -> Result<FeaturesView> {
        self.journaled(
            |r| r.remove_private_endpoint_refusal(name),
            |_| Command::RemovePrivateEndpoint { name: name.into() },
            |r| r.remove_private_endpoint_direct(name),
        )
    }

    pub fn set_content_trust(&mut self, enabled: bool) -> Result<FeaturesView> {
        self.journaled(
            |r| r.set_content_trust_refusal(enabled),
            |_| Command::SetContentTrust { enabled },
            |r| r.set_content_trust_direct(enabled),
        )
    }

    pub fn set_retention_policy(&mut self, enabled: bool, days: Option<u32>) -> Result<RetentionView> {
        self.journaled(
            |r| r.set_retention_policy_refusal(enabled, days).map(drop),
            |_| Command::SetRetentionPolicy { enabled, days },
            |r| r.set_retention_policy_direct(enabled, days),
        )
    }

    pub fn set_soft_delete_policy(&mut self, enabled: bool, days: Option<u32>) -> Result<SoftDeleteView> {
        self.journaled(
            |r| r.set_soft_delete_policy_refusal(enabled, days).map(drop),
            |_| Command::SetSoftDeletePolicy { enabled, days },
            |r| r.set_soft_delete_policy_direct(enabled, days),
        )
    }

    pub fn restore_soft_deleted(&mut self, repo: &str, tag: &str, digest: &str, force: bool) -> Result<()> {
        self.journaled(
            |r| r.restore_soft_deleted_refusal(repo, tag, digest, force).map(drop),
            |_| Command::RestoreSoftDeleted {
                repo: repo.into(),
                tag: tag.into(),
                digest: digest.into(),
                force,
            },
            |r| r.restore_soft_deleted_direct(repo, tag, digest, force),
        )
    }

    pub fn add_client(
        &mut self,
        name: &str,
        region: &str,
        dns_cache: bool,
        identity: Option<&str>,
    ) -> Result<Client> {
        self.journaled(
            |r| r.add_client_refusal(name, region, identity).map(drop),
            |_| Command::AddClient {
                name: name.into(),
                region: region.into(),
                dns_cache,
                identity: identity.map(String::from),
            },
            |r| r.add_client_direct(name, region, dns_cache, identity),
        )
    }

    pub fn client_push_image(
        &mut self,
        client: &str,
        repo: &str,
        tag: &str,
        layers: Vec<LayerInput>,
    ) -> Result<ClientReport> {
        self.guard(
            |r| r.client_push_refusal(client, &layers).map(drop),
            |j| Command::ClientPushImage {
                client: client.into(),
                repo: repo.into(),
                tag: tag.into(),
                layers: j.layer_refs(&layers),
            },
        )?;
        self.nested(|r| r.client_push_image_direct(client, repo, tag, layers))
    }

    pub fn client_pull_image(&mut self, client: &str, repo: &str, reference: &str) -> Result<ClientReport> {
        self.journaled(
            |r| r.new_report(client).map(drop),
            |_| Command::ClientPullImage {
                client: client.into(),
                repo: repo.into(),
                reference: reference.into(),
            },
            |r| r.client_pull_image_direct(client, repo, reference),
        )
    }

    pub fn add_replica(&mut self, region: &str) -> Result<Vec<ReplicaView>> {
        self.journaled(
            |r| r.add_replica_refusal(region).map(drop),
            |_| Command::AddReplica { region: region.into() },
            |r| r.add_replica_direct(region),
        )
    }

    pub fn remove_replica(&mut self, region: &str) -> Result<Vec<ReplicaView>> {
        self.journaled(
            |r| r.remove_replica_refusal(region).map(drop),
            |_| Command::RemoveReplica { region: region.into() },
            |r| r.remove_replica_direct(region),
        )
    }

    pub fn set_replica_routing(&mut self, region: &str, enabled: bool) -> Result<Vec<ReplicaView>> {
        self.journaled(
            |r| r.set_replica_routing_refusal(region).map(drop),
            |_| Command::SetReplicaRouting { region: region.into(), enabled },
            |r| r.set_replica_routing_direct(region, enabled),
        )
    }

    /// Plays the next convergence phase of the scenario (None: none left, or the session is
    /// full).
    pub fn play_convergence_phase(&mut self) -> Option<Convergence> {
        self.journaled_always(Command::PlayConvergencePhase, |r| r.play_convergence_phase_direct()).flatten()
    }

    /// Imports an OCI layout tar or a docker save tarball, plain or gzip-compressed; images with
    /// no repository name go to `default_repo` (`import_prepared`, the archive read at once).
    pub fn import_archive(&mut self, bytes: &[u8], default_repo: &str) -> Result<ImportReport> {
        self.import_prepared(ImportJob::new(bytes.to_vec(), default_repo)?)
    }

    /// Imports the archive `job` read (what is left of it is read first, at once). Every digest
    /// in it was checked as it was read; then, as an import applies whole or not at all, it
    /// runs on a copy of the registry: a refused one is neither recorded nor run here (it
    /// changes nothing, not even the log), and one that applies is recorded (the archive kept
    /// as it came) and its copy becomes the registry, as running it here would have left it.
    pub fn import_prepared(&mut self, job: ImportJob) -> Result<ImportReport> {
        let (read, kept) = job.finish()?;
        if !self.recording() {
            let backup = self.bare_copy();
            let out = self.nested(|r| r.import_read(read));
            if out.is_err() {
                self.restore_copy(backup);
            }
            return out;
        }
        self.finish_preset();
        let mut copy = self.bare_copy();
        copy.recorder = Recorder { depth: 1, ..Recorder::default() };
        let report = copy.import_read(read)?;
        let (digest, default_repo) = (kept.digest, kept.default_repo.clone());
        self.record(|j| Command::ImportArchive {
            archive: j.keep_hashed(digest, kept.into_bytes()),
            default_repo,
        })?;
        self.restore_copy(copy);
        Ok(report)
    }

    /// Fills an empty registry with the large preset (see `load_large_preset_direct`).
    pub fn load_large_preset(
        &mut self,
        repos: u32,
        tags_per_repo: u32,
    ) -> Result<super::preset::PresetReport> {
        self.journaled(
            |r| r.large_preset_refusal(repos, tags_per_repo),
            |_| Command::LoadLargePreset { repos, tags_per_repo },
            |r| r.load_large_preset_direct(repos, tags_per_repo),
        )
    }

    /// Starts loading the large preset a slice at a time (`continue_large_preset`); recorded
    /// as the whole load, which is what a replay does.
    pub fn begin_large_preset(
        &mut self,
        repos: u32,
        tags_per_repo: u32,
    ) -> Result<super::preset::PresetProgress> {
        self.journaled(
            |r| r.large_preset_refusal(repos, tags_per_repo),
            |_| Command::LoadLargePreset { repos, tags_per_repo },
            |r| r.begin_large_preset_direct(repos, tags_per_repo),
        )
    }

    /// Runs the next queued job, moving the clock to its time; returns that time (None: no
    /// job, or the session is full).
    pub fn step(&mut self) -> Option<Millis> {
        self.journaled_always(Command::Step { n: 1 }, |r| r.step_direct()).flatten()
    }

    /// Runs every job due within `duration`, then moves the clock to now + `duration`; how
    /// many ran (0, the clock not moved, when the session is full).
    pub fn run_for(&mut self, duration: Millis) -> usize {
        self.journaled_always(Command::RunFor { ms: duration.0 }, |r| r.run_for_direct(duration)).unwrap_or(0)
    }

    /// Runs jobs until the queue is empty; returns how many ran (0 when the session is full).
    pub fn run_until_idle(&mut self) -> usize {
        self.journaled_always(Command::RunUntilIdle, |r| r.run_until_idle_direct()).unwrap_or(0)
    }

    /// Runs `f` as a client in its region would be: routed, and counted against its identity.
    pub fn with_client<T>(&mut self, name: &str, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        self.in_context(Context::Client(name.into()), |r| r.with_client_direct(name, f))
    }

    /// Runs `f` with its requests counted against `identity`.
    pub fn with_identity<T>(&mut self, identity: &str, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        self.in_context(Context::Identity(identity.into()), |r| r.with_identity_direct(identity, f))
    }
}
