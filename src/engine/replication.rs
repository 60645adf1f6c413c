//! Geo-replication (Premium, domain.md §3): replicas of the registry in other regions, each
//! with its own storage and its own copy of every repository. Every replica accepts pushes,
//! pulls and deletes; each change made in one is sent to every other as a queued job, in order
//! per link (so a manifest never arrives before the blobs pushed ahead of it), after the
//! link's latency (great-circle distance over light in fibre, plus a jitter drawn from the
//! seeded RNG) and its transfer time. Tags are last-writer-wins by virtual time.
//!
//! One replica's data is "active" in the registry's fields at a time; the others are parked in
//! `sites` and swapped in for an operation on them (`with_site`). Outside such a call the home
//! replica is active, so every single-region query reads the home region.
//!
//! Stowage's choices where ACR documents none: a new replica is Creating for 2 virtual minutes,
//! then Syncing (and already routable) until its initial sync has landed; links carry 50 MB/s.

use std::collections::BTreeMap;

use serde::Serialize;

use super::blob_store::BlobStore;
use super::clock::Millis;
use super::digest::Digest;
use super::error::{ErrorCode, Result, arg, err_k, quoted};
use super::events::EventKind;
use super::locks::{Attributes, disallowed};
use super::names::{RepoName, Tag};
use super::region::{self, Region};
use super::registry::{BlobMeta, ManifestMeta, Registry, draw_below};
use super::repository::{LockTarget, Repos};
use super::retention::premium_only;
use super::scheduler::Job;
use super::storage_account::{RecordKey, RecordKind};
use super::throttle::transfer_time;
use super::tier::Tier;
use super::views::Deleted;
use crate::i18n::{Arg, Msg};

/// How long a new replica is Creating before its initial sync starts.
pub const REPLICA_CREATE_TIME: Millis = Millis(2 * 60_000);
/// Bytes per second a replication link carries.
pub const LINK_BYTES_PER_S: u64 = 50_000_000;

/// One replica's data.
#[derive(Clone)]
pub(super) struct Site {
    pub(super) region: &'static Region,
    pub(super) store: BlobStore,
    pub(super) blobs: BTreeMap<Digest, BlobMeta>,
    pub(super) manifests: BTreeMap<Digest, ManifestMeta>,
    pub(super) repos: Repos,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ReplicaState {
    Creating,
    Syncing,
    Ready,
}

#[derive(Clone, Debug)]
pub(super) struct ReplicaInfo {
    pub(super) region: &'static Region,
    pub(super) state: ReplicaState,
    pub(super) routing_enabled: bool,
    pub(super) created_at: Millis,
    pub(super) ready_at: Option<Millis>,
    /// Initial-sync changes still on their way to it.
    pub(super) syncing: u64,
}

/// A change made in one replica that the others must apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A blob linked into a repository (its bytes travel if the target lacks them).
    Blob {
        repo: RepoName,
        digest: Digest,
    },
    /// A manifest held by a repository, and the tag it was pushed under.
    Manifest {
        repo: RepoName,
        digest: Digest,
        tag: Option<Tag>,
    },
    Untag {
        repo: RepoName,
        tag: Tag,
    },
    DeleteManifest {
        repo: RepoName,
        digest: Digest,
    },
    DeleteRepository {
        repo: RepoName,
    },
    Attributes {
        repo: RepoName,
        target: Option<LockTarget>,
        attributes: Attributes,
    },
}

impl Change {
    pub fn describe(&self) -> String {
        match self {
            Self::Blob { repo, digest } => format!("blob {repo}@{}", digest.short()),
            Self::Manifest { repo, digest, tag: Some(t) } => {
                format!("manifest {repo}:{t} ({})", digest.short())
            }
            Self::Manifest { repo, digest, tag: None } => format!("manifest {repo}@{}", digest.short()),
            Self::Untag { repo, tag } => format!("untag {repo}:{tag}"),
            Self::DeleteManifest { repo, digest } => format!("delete {repo}@{}", digest.short()),
            Self::DeleteRepository { repo } => format!("delete repository {repo}"),
            Self::Attributes { repo, .. } => format!("locks in {repo}"),
        }
    }

    fn repo(&self) -> &RepoName {
        match self {
            Self::Blob { repo, .. }
            | Self::Manifest { repo, .. }
            | Self::Untag { repo, .. }
            | Self::DeleteManifest { repo, .. }
            | Self::DeleteRepository { repo }
            | Self::Attributes { repo, .. } => repo,
        }
    }

    /// The change an event records, if it is one the other replicas must apply.
    pub(super) fn of(kind: &EventKind) -> Option<Self> {
        Some(match kind {
            EventKind::BlobPushed { repo, digest, .. } | EventKind::BlobMounted { repo, digest, .. } => {
                Self::Blob { repo: repo.clone(), digest: *digest }
            }
            EventKind::ManifestPushed { repo, digest, tag, .. } => {
                Self::Manifest { repo: repo.clone(), digest: *digest, tag: tag.clone() }
            }
            EventKind::Untagged { repo, tag, .. } => Self::Untag { repo: repo.clone(), tag: tag.clone() },
            EventKind::ManifestDeleted { repo, digest, .. } => {
                Self::DeleteManifest { repo: repo.clone(), digest: *digest }
            }
            EventKind::RepositoryDeleted { repo, .. } => Self::DeleteRepository { repo: repo.clone() },
            EventKind::AttributesChanged { repo, target, attributes } => Self::Attributes {
                repo: repo.clone(),
                target: LockTarget::parse(target),
                attributes: *attributes,
            },
            _ => return None,
        })
    }
}

/// A replica as the page and the JS API see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaView {
    pub region: &'static str,
    pub display_name: &'static str,
    pub home: bool,
    pub state: ReplicaState,
    pub routing_enabled: bool,
    pub created_at_ms: Millis,
    pub ready_at_ms: Option<Millis>,
    /// Initial-sync changes still on their way.
    pub syncing_changes: u64,
    /// Changes from other replicas still on their way here, queued or held back by a fault
    /// (its replication lag in items).
    pub inbound_changes: u64,
    /// How long ago the oldest change still on its way here was made.
    pub lag_ms: Option<Millis>,
    pub repositories: usize,
    pub manifests: usize,
    pub billed_bytes: u64,
    /// One-way latency floor from the home region, in milliseconds.
    pub latency_from_home_ms: u64,
}

/// A change on its way between two replicas (for the map's moving dots).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InFlight {
    pub from: &'static str,
    pub to: &'static str,
    pub what: String,
    /// When it left (its upload completed).
    pub departed_at_ms: Millis,
    /// When it arrives; None while a fault holds it back.
    pub arrives_at_ms: Option<Millis>,
    pub initial_sync: bool,
}

impl Registry {
    /// Changes on their way between replicas, soonest first, at most `n` (held ones last).
    pub fn replication_in_flight(&self, n: usize) -> Vec<InFlight> {
        let queued = self.queue.replications().filter_map(|(job, at)| match job {
            Job::Replicate { from, to, change, made_at, initial } => Some(InFlight {
                from,
                to,
                what: change.describe(),
                departed_at_ms: *made_at,
                arrives_at_ms: Some(at),
                initial_sync: *initial,
            }),
            _ => None,
        });
        let held = self.held.iter().filter_map(|job| match job {
            Job::Replicate { from, to, change, made_at, initial } => Some(InFlight {
                from,
                to,
                what: change.describe(),
                departed_at_ms: *made_at,
                arrives_at_ms: None,
                initial_sync: *initial,
            }),
            _ => None,
        });
        queued.chain(held).take(n).collect()
    }

    /// Index of the replica in `region`.
    pub(super) fn site_index(&self, region: &str) -> Option<usize> {
        self.replicas.iter().position(|r| r.region.name == region)
    }

    /// Runs `f` with replica `index`'s data active, then makes the previous one active again.
    pub(super) fn with_site<T>(&mut self, index: usize, f: impl FnOnce(&mut Self) -> T) -> T {
        if index == self.active || index >= self.sites.len() {
            return f(self);
        }
        let previous = self.active;
        self.swap_in(index);
        let out = f(self);
        self.swap_in(previous);
        out
    }

    /// Runs `f` on the replica in `region`; nothing when it no longer exists.
    pub(super) fn on_site(&mut self, region: &str, f: impl FnOnce(&mut Self)) {
        if let Some(i) = self.site_index(region) {
            self.with_site(i, f);
        }
    }

    fn swap_in(&mut self, index: usize) {
        let Some(mut site) = self.sites.get_mut(index).and_then(Option::take) else { return };
        std::mem::swap(&mut self.region, &mut site.region);
        std::mem::swap(&mut self.store, &mut site.store);
        std::mem::swap(&mut self.blobs, &mut site.blobs);
        std::mem::swap(&mut self.manifests, &mut site.manifests);
        std::mem::swap(&mut self.repos, &mut site.repos);
        if let Some(slot) = self.sites.get_mut(self.active) {
            *slot = Some(site);
        }
        self.active = index;
    }

    /// Parked data of a replica (not the active one).
    fn parked(&self, index: usize) -> Option<&Site> {
        self.sites.get(index).and_then(Option::as_ref)
    }

    pub fn replicas(&self) -> Vec<ReplicaView> {
        let home = self.replicas[0].region;
        // Changes on their way to each region, queued or held back by a fault, and the oldest.
        let mut inbound: BTreeMap<&str, (u64, Millis)> = BTreeMap::new();
        for job in self.queue.replications().map(|(job, _)| job).chain(&self.held) {
            if let Job::Replicate { to, made_at, .. } = job {
                let entry = inbound.entry(to).or_insert((0, *made_at));
                entry.0 += 1;
                entry.1 = entry.1.min(*made_at);
            }
        }
        self.replicas
            .iter()
            .enumerate()
            .map(|(i, info)| {
                let (repositories, manifests, billed_bytes) = match self.parked(i) {
                    Some(site) => (site.repos.live(), site.manifests.len(), site.store.billed_bytes()),
                    None => (self.repos.live(), self.manifests.len(), self.store.billed_bytes()),
                };
                let (inbound, oldest) = inbound.get(info.region.name).copied().unzip();
                ReplicaView {
                    region: info.region.name,
                    display_name: info.region.display_name,
                    home: i == 0,
                    state: info.state,
                    routing_enabled: info.routing_enabled,
                    created_at_ms: info.created_at,
                    ready_at_ms: info.ready_at,
                    syncing_changes: info.syncing,
                    inbound_changes: inbound.unwrap_or(0),
                    lag_ms: oldest.map(|t| Millis(self.now.0.saturating_sub(t.0))),
                    repositories,
                    manifests,
                    billed_bytes,
                    latency_from_home_ms: region::latency_floor_ms(home, info.region),
                }
            })
            .collect()
    }

    /// Adds a replica in `region` (Premium). It is Creating for two virtual minutes, then
    /// Syncing while every repository of the home replica is copied to it (time grows with the
    /// registry's size), then Ready.
    pub(super) fn add_replica_direct(&mut self, region_name: &str) -> Result<Vec<ReplicaView>> {
        let region = self.add_replica_refusal(region_name)?;
        let prefix = format!("{}{}", self.name, region.name);
        let store = BlobStore::new(&prefix, self.store.accounts().len())?;
        self.sites.push(Some(Site {
            region,
            store,
            blobs: BTreeMap::new(),
            manifests: BTreeMap::new(),
            repos: Repos::default(),
        }));
        self.replicas.push(ReplicaInfo {
            region,
            state: ReplicaState::Creating,
            routing_enabled: true,
            created_at: self.now,
            ready_at: None,
            syncing: 0,
        });
        self.queue
            .push(self.now.saturating_add(REPLICA_CREATE_TIME), Job::ReplicaCreated { region: region.name });
        self.log(EventKind::replica(region.name, crate::i18n::Msg::key("events.replica_adding")));
        Ok(self.replicas())
    }

    /// Why `add_replica_direct` would be refused (changing nothing), if it would; the region
    /// otherwise.
    pub(super) fn add_replica_refusal(&self, region_name: &str) -> Result<&'static region::Region> {
        if self.tier != Tier::Premium {
            return Err(premium_only(self.tier, "errors.premium_geo_replication"));
        }
        let Some(region) = region::region(region_name) else {
            return err_k(ErrorCode::InvalidArgument, "errors.region_unknown", [quoted(region_name)]);
        };
        if self.site_index(region.name).is_some() {
            return err_k(ErrorCode::InvalidArgument, "errors.replica_exists", [arg(region.name)]);
        }
        if self.soft_delete.enabled {
            return Err(disallowed("errors.replica_with_soft_delete", []));
        }
        self.check_control_plane()?;
        Ok(region)
    }

    /// Removes a replica (never the home one): its data is gone with it.
    pub(super) fn remove_replica_direct(&mut self, region_name: &str) -> Result<Vec<ReplicaView>> {
        let i = self.remove_replica_refusal(region_name)?;
        // Outside `with_site` the home replica is active, so index i is parked.
        self.sites.remove(i);
        let info = self.replicas.remove(i);
        self.link_clock.retain(|(a, b), _| *a != info.region.name && *b != info.region.name);
        self.log(EventKind::replica(info.region.name, crate::i18n::Msg::key("events.replica_removed")));
        Ok(self.replicas())
    }

    /// Takes a replica out of (or back into) the global endpoint's routing; it keeps syncing.
    pub(super) fn set_replica_routing_direct(
        &mut self,
        region_name: &str,
        enabled: bool,
    ) -> Result<Vec<ReplicaView>> {
        let i = self.set_replica_routing_refusal(region_name)?;
        self.replicas[i].routing_enabled = enabled;
        let what = if enabled { "events.replica_routing_on" } else { "events.replica_routing_off" };
        self.log(EventKind::replica(self.replicas[i].region.name, crate::i18n::Msg::key(what)));
        Ok(self.replicas())
    }

    /// Why `remove_replica_direct` would be refused (changing nothing), if it would; the
    /// replica's index otherwise.
    pub(super) fn remove_replica_refusal(&self, region_name: &str) -> Result<usize> {
        let Some(i) = self.site_index(region_name) else {
            return err_k(ErrorCode::InvalidArgument, "errors.no_replica_in", [quoted(region_name)]);
        };
        if i == 0 {
            return Err(disallowed("errors.replica_home_removal", []));
        }
        self.check_control_plane()?;
        Ok(i)
    }

    /// Why `set_replica_routing_direct` would be refused (changing nothing), if it would; the
    /// replica's index otherwise.
    pub(super) fn set_replica_routing_refusal(&self, region_name: &str) -> Result<usize> {
        self.check_control_plane()?;
        let Some(i) = self.site_index(region_name) else {
            return err_k(ErrorCode::InvalidArgument, "errors.no_replica_in", [quoted(region_name)]);
        };
        Ok(i)
    }

    pub(super) fn replica_created(&mut self, region_name: &'static str) {
        let Some(i) = self.site_index(region_name) else { return };
        if self.replicas[i].state != ReplicaState::Creating {
            return;
        }
        self.replicas[i].state = ReplicaState::Syncing;
        // The initial sync: everything the home replica holds, blobs before manifests.
        let mut changes = vec![];
        for (repo, r) in &self.repos {
            for d in r.links.keys() {
                changes.push(Change::Blob { repo: repo.clone(), digest: *d });
            }
            for d in &r.manifests {
                changes.push(Change::Manifest { repo: repo.clone(), digest: *d, tag: None });
            }
            for (t, d) in &r.tags {
                changes.push(Change::Manifest { repo: repo.clone(), digest: *d, tag: Some(t.clone()) });
            }
            if !r.attributes.is_default() {
                changes.push(Change::Attributes {
                    repo: repo.clone(),
                    target: None,
                    attributes: r.attributes,
                });
            }
            for (target, attributes) in &r.locks {
                changes.push(Change::Attributes {
                    repo: repo.clone(),
                    target: Some(target.clone()),
                    attributes: *attributes,
                });
            }
        }
        self.replicas[i].syncing = changes.len() as u64;
        let home = self.replicas[0].region.name;
        for change in changes {
            self.send(home, region_name, change, true);
        }
        let what =
            crate::i18n::Msg::new("events.replica_created", [arg(self.replicas[i].syncing), arg(home)]);
        self.log(EventKind::replica(region_name, what));
        self.maybe_ready(i);
    }

    fn maybe_ready(&mut self, i: usize) {
        let info = &mut self.replicas[i];
        if info.state == ReplicaState::Syncing && info.syncing == 0 {
            info.state = ReplicaState::Ready;
            info.ready_at = Some(self.now);
            let region = info.region.name;
            self.log(EventKind::replica(region, crate::i18n::Msg::key("events.replica_ready")));
        }
    }

    /// Changes held back by a partition, a pause or a region outage travel again, in order.
    pub(super) fn release_held_changes(&mut self) {
        let held = std::mem::take(&mut self.held);
        self.upload_bytes = 0;
        for job in held {
            if let Job::Replicate { from, to, change, made_at, initial } = job {
                self.send_at(from, to, change, initial, made_at);
            }
        }
    }

    /// Sends a change made in the active replica to every other one.
    pub(super) fn replicate_out(&mut self, change: Change) {
        if self.replicas.len() < 2 {
            return;
        }
        let from = self.region.name;
        let targets: Vec<&'static str> =
            self.replicas.iter().map(|r| r.region.name).filter(|r| *r != from).collect();
        for to in targets {
            self.send(from, to, change.clone(), false);
        }
    }

    /// Queues `change` on the link from → to: after the links's latency and the transfer of
    /// its bytes, and never before what was sent on that link earlier.
    fn send(&mut self, from: &'static str, to: &'static str, change: Change, initial: bool) {
        let departs = self.now.saturating_add(self.upload_offset());
        self.send_at(from, to, change, initial, departs);
    }

    /// Queues `change`, made at `made_at`, to leave `from` now (or when its upload completes).
    pub(super) fn send_at(
        &mut self,
        from: &'static str,
        to: &'static str,
        change: Change,
        initial: bool,
        made_at: Millis,
    ) {
        let (Some(a), Some(b)) = (region::region(from), region::region(to)) else { return };
        let floor = region::latency_floor_ms(a, b);
        let jitter = draw_below(&mut self.rng, floor / 10 + 1);
        let bytes = match &change {
            Change::Blob { digest, .. } => self.blobs.get(digest).map_or(0, |m| m.size_bytes),
            Change::Manifest { digest, .. } => self.manifests.get(digest).map_or(0, |m| m.size_bytes),
            _ => 0,
        };
        // The link sends one change after another at its bandwidth (so a big initial sync
        // takes time with its size); each then travels the latency, and arrives in order.
        let factor = self.link_factor(from, to);
        let latency = Millis((floor + jitter).saturating_mul(factor));
        let transfer = transfer_time(bytes, LINK_BYTES_PER_S / factor.max(1));
        let departs = self.now.saturating_add(self.upload_offset());
        let (free_at, last_arrival) = self.link_clock.get(&(from, to)).copied().unwrap_or_default();
        let sent = departs.max(free_at).saturating_add(transfer);
        let at = sent.saturating_add(latency).max(last_arrival);
        self.link_clock.insert((from, to), (sent, at));
        self.queue.push(at, Job::Replicate { from, to, change, made_at, initial });
    }

    /// A change arrives in `to` and is applied there (without being sent on again).
    pub(super) fn apply_replicated(
        &mut self,
        from: &'static str,
        to: &'static str,
        change: Change,
        made_at: Millis,
        initial: bool,
    ) {
        let (Some(source), Some(target)) = (self.site_index(from), self.site_index(to)) else { return };
        if self.link_blocked(from, to) {
            // Held until the fault heals, in order.
            self.held.push(Job::Replicate { from, to, change, made_at, initial });
            return;
        }
        // What the change needs from the source replica: the record and its metadata.
        let payload = self.with_site(source, |r| r.payload_of(&change));
        let lag_ms = Millis(self.now.0.saturating_sub(made_at.0));
        self.with_site(target, |r| {
            r.replicating = true;
            let applied = r.apply_change(&change, payload, from, made_at);
            r.log(EventKind::replicated(to, &change, from, applied, lag_ms));
            r.replicating = false;
        });
        if initial {
            let info = &mut self.replicas[target];
            info.syncing = info.syncing.saturating_sub(1);
            self.maybe_ready(target);
        }
    }

    /// The sealed record and metadata a change carries, read from the (active) source replica.
    fn payload_of(&self, change: &Change) -> Option<Payload> {
        match change {
            Change::Blob { digest, .. } => {
                let key = RecordKey { kind: RecordKind::Blob, digest: *digest };
                let record = self.store.get(&key).filter(|r| r.released_at.is_none())?.clone();
                Some(Payload::Blob(self.blobs.get(digest)?.clone(), record))
            }
            Change::Manifest { digest, .. } => {
                let key = RecordKey { kind: RecordKind::Manifest, digest: *digest };
                let record = self.store.get(&key).filter(|r| r.released_at.is_none())?.clone();
                Some(Payload::Manifest(Box::new(self.manifests.get(digest)?.clone()), record))
            }
            _ => None,
        }
    }

    fn apply_change(
        &mut self,
        change: &Change,
        payload: Option<Payload>,
        origin: &'static str,
        made_at: Millis,
    ) -> std::result::Result<(), Msg> {
        let stamp = (made_at, origin);
        match (change, payload) {
            (Change::Blob { repo, digest }, payload) => {
                let key = RecordKey { kind: RecordKind::Blob, digest: *digest };
                let have = self.blobs.contains_key(digest) && !self.store.is_lost(&key);
                if !have {
                    let Some(Payload::Blob(meta, record)) = payload else {
                        return Err(Msg::key("events.refused_blob_gone"));
                    };
                    self.put_replicated_record(key, record);
                    self.blobs.entry(*digest).or_insert(BlobMeta { repos: 0, ..meta });
                }
                self.link(repo, *digest);
                Ok(())
            }
            (Change::Manifest { repo, digest, tag }, payload) => {
                let key = RecordKey { kind: RecordKind::Manifest, digest: *digest };
                if !self.manifests.contains_key(digest) || self.store.is_lost(&key) {
                    let Some(Payload::Manifest(meta, record)) = payload else {
                        return Err(Msg::key("events.refused_manifest_gone"));
                    };
                    let missing = meta
                        .blobs
                        .iter()
                        .filter(|b| !self.repos.get(repo).is_some_and(|r| r.has_blob(b)))
                        .count();
                    if missing > 0 {
                        return Err(Msg::new(
                            "events.refused_blobs_missing",
                            [Arg::Text(missing.to_string())],
                        ));
                    }
                    self.put_replicated_record(key, record);
                    self.manifests.entry(*digest).or_insert(ManifestMeta { repos: 0, ..*meta });
                }
                self.hold_manifest(repo, *digest);
                if let Some(tag) = tag {
                    self.set_tag_if_newer(repo, tag, *digest, stamp);
                }
                let target = match tag {
                    Some(t) => format!("{repo}:{t}"),
                    None => format!("{repo}@{digest}"),
                };
                self.fire_webhooks(super::features::WebhookAction::Push, repo, target);
                Ok(())
            }
            (Change::Untag { repo, tag }, _) => {
                let Some(mut r) = self.repos.get_mut(repo) else { return Ok(()) };
                if r.tag_stamp(tag) > stamp {
                    return Err(Msg::key("events.refused_newer_tag"));
                }
                r.tag_stamps.insert(tag.clone(), stamp);
                if let Some(digest) = r.tags.remove(tag) {
                    r.forget(&LockTarget::Tag(tag.clone()));
                    let last_tag = !r.tags.values().any(|d| *d == digest);
                    drop(r);
                    if last_tag {
                        self.note_untagged(repo, digest);
                    }
                }
                Ok(())
            }
            (Change::DeleteManifest { repo, digest }, _) => {
                if self.repos.get(repo).is_some_and(|r| r.manifests.contains(digest)) {
                    let mut deleted = Deleted::default();
                    self.remove_manifest(repo, *digest, &mut deleted);
                    self.drop_if_empty(repo);
                }
                Ok(())
            }
            (Change::DeleteRepository { repo }, _) => {
                if self.repos.contains_key(repo) {
                    self.purge_repository(repo);
                }
                Ok(())
            }
            (Change::Attributes { repo, target, attributes }, _) => {
                let Some(mut r) = self.repos.get_mut(repo) else {
                    return Err(Msg::key("events.refused_no_repository"));
                };
                let present = match target {
                    None => true,
                    Some(LockTarget::Tag(t)) => r.tags.contains_key(t),
                    Some(LockTarget::Manifest(d)) => r.manifests.contains(d),
                };
                if !present {
                    return Err(Msg::key("events.refused_no_target"));
                }
                match target {
                    None => r.attributes = *attributes,
                    Some(t) => r.set_attributes(t.clone(), *attributes),
                }
                Ok(())
            }
        }
    }

    /// Points `tag` at `digest` unless a later write of the tag is already here.
    pub(super) fn set_tag_if_newer(
        &mut self,
        repo: &RepoName,
        tag: &Tag,
        digest: Digest,
        stamp: (Millis, &'static str),
    ) {
        let Some(mut r) = self.repos.get_mut(repo) else { return };
        if r.tag_stamp(tag) > stamp {
            return;
        }
        r.tag_stamps.insert(tag.clone(), stamp);
        let old = r.tags.insert(tag.clone(), digest).filter(|old| *old != digest);
        r.untagged_at.remove(&digest);
        let old = old.filter(|old| !r.tags.values().any(|d| d == old));
        drop(r);
        if let Some(old) = old {
            self.note_untagged(repo, old);
        }
    }

    fn put_replicated_record(&mut self, key: RecordKey, record: super::storage_account::StoredRecord) {
        let now = self.now;
        let verified = record.verified.get();
        self.store.put_sealed(key, record.sealed, record.logical_bytes, now, verified);
        self.schedule_geo_copy(key, now);
    }
}

/// What a change carries from its source.
pub(super) enum Payload {
    Blob(BlobMeta, super::storage_account::StoredRecord),
    Manifest(Box<ManifestMeta>, super::storage_account::StoredRecord),
}

impl Change {
    /// The repository a change is about (for the page's filters).
    pub fn repository(&self) -> &RepoName {
        self.repo()
    }
}
