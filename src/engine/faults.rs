//! Faults injected on purpose, and their timeline. A fault has a target, a start and an
//! optional end; it is applied at its start (now, or later as a queued job) and healed at its
//! end or by hand. Storage faults act on storage accounts (`storage_account`); the others are
//! read from the list of active faults wherever they matter: routing, replication links,
//! the key vault, the throttle.
//!
//! Stowage's choices where Azure gives ranges: Traffic Manager routes around a region that is
//! down after a delay drawn from the seeded RNG between 60 and 120 virtual seconds ("typically
//! 1 to 2 minutes"); a zone failure makes the last 60 seconds of writes in that region
//! unavailable until the zone recovers ("recent writes may be lost until the zone recovers").

use serde::{Deserialize, Serialize};

use super::clock::Millis;
use super::digest::Digest;
use super::error::{ErrorCode, RegistryError, Result, arg, err_k, quoted};
use super::events::EventKind;
use super::region;
use super::registry::{Registry, draw_below};
use super::replication::ReplicaState;
use super::scheduler::Job;
use super::storage_account::{RecordKey, StorageCopy};
use crate::i18n::{Arg, Lang, Msg};

/// Most faults a registry's timeline keeps.
pub const FAULTS_MAX: usize = 10_000;
/// Failover takes between these two delays.
pub const FAILOVER_MIN: Millis = Millis(60_000);
pub const FAILOVER_MAX: Millis = Millis(120_000);
/// Writes this recent are caught in a zone failure.
pub const ZONE_RECENT: Millis = Millis(60_000);

/// What fails.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", deny_unknown_fields)]
pub enum FaultKind {
    /// One storage account's primary copy fails: reads and writes go to its paired-region copy.
    StorageAccountFailure { account: String, destroyed: bool },
    /// Every storage account of a replica's region fails at once (the home region if none).
    #[serde(rename_all = "camelCase")]
    RegionStorageFailure {
        destroyed: bool,
        #[serde(default)]
        region: Option<String>,
    },
    /// One bit of one copy of a record (in the home region) flips; detected by authentication
    /// and never served.
    BitRot { key: String, copy: StorageCopy, bit: u64 },
    /// One zone of a region fails: requests there fail for a moment and the last minute of
    /// writes is unavailable until it recovers.
    ZoneFailure { region: String },
    /// A whole region goes dark: its replica stops serving, routing fails over after 1–2
    /// minutes, changes made there and not yet replicated wait (or are lost if destroyed).
    RegionOutage { region: String, destroyed: bool },
    /// Replication between two regions stops (only from → to when one-way).
    #[serde(rename_all = "camelCase")]
    NetworkPartition { from: String, to: String, one_way: bool },
    /// A link gets `factor` times the latency and 1/`factor` of the bandwidth.
    SlowLink { from: String, to: String, factor: u32 },
    /// Replication into a region (or everywhere) is paused.
    ReplicationPaused {
        #[serde(default)]
        region: Option<String>,
    },
    /// The key vault cannot be reached: no data key can be wrapped or unwrapped.
    KeyVaultUnreachable,
    /// The request-rate buckets shrink to 1/`divisor` (infrastructure scaling out).
    ThrottleBurst { divisor: u32 },
}

impl FaultKind {
    /// Whether the fault destroys stored data (rather than only hiding or slowing it).
    pub fn destroys(&self) -> bool {
        matches!(
            self,
            Self::StorageAccountFailure { destroyed: true, .. }
                | Self::RegionStorageFailure { destroyed: true, .. }
                | Self::RegionOutage { destroyed: true, .. }
        )
    }

    /// The colour the timeline shades this fault in (a CSS colour the page uses as is).
    pub fn colour(&self) -> &'static str {
        match self {
            Self::StorageAccountFailure { .. } => "#d97706",
            Self::RegionStorageFailure { .. } => "#dc2626",
            Self::BitRot { .. } => "#7c3aed",
            Self::ZoneFailure { .. } => "#f59e0b",
            Self::RegionOutage { .. } => "#991b1b",
            Self::NetworkPartition { .. } => "#2563eb",
            Self::SlowLink { .. } => "#0891b2",
            Self::ReplicationPaused { .. } => "#64748b",
            Self::KeyVaultUnreachable => "#be185d",
            Self::ThrottleBurst { .. } => "#65a30d",
        }
    }

    /// The fault in a few words, in English, as the timeline and the event log say it (the
    /// text a `Fault` and its events carry): [`FaultKind::describe_msg`] drawn in English.
    pub fn describe(&self) -> String {
        self.describe_msg().text(Lang::En)
    }

    /// The fault in a few words as a catalogue text (`events.fault_*`), for the page to draw in
    /// its language; names, regions and numbers are shown as they are.
    pub fn describe_msg(&self) -> Msg {
        let m = |key: &'static str, args: Vec<Arg>| Msg::new(key, args);
        match self {
            Self::StorageAccountFailure { account, destroyed } => {
                let key =
                    if *destroyed { "events.fault_account_destroyed" } else { "events.fault_account_fails" };
                m(key, vec![arg(account)])
            }
            Self::RegionStorageFailure { destroyed, region } => match region {
                Some(r) => {
                    let key = if *destroyed {
                        "events.fault_storage_of_destroyed"
                    } else {
                        "events.fault_storage_of_fails"
                    };
                    m(key, vec![arg(r)])
                }
                None if *destroyed => Msg::key("events.fault_storage_destroyed"),
                None => Msg::key("events.fault_storage_fails"),
            },
            Self::BitRot { key, copy, bit } => {
                let which = match copy {
                    StorageCopy::Primary => "events.fault_bit_rot_primary",
                    StorageCopy::Secondary => "events.fault_bit_rot_secondary",
                };
                m(which, vec![arg(bit), arg(key)])
            }
            Self::ZoneFailure { region } => m("events.fault_zone", vec![arg(region)]),
            Self::RegionOutage { region, destroyed } => {
                let key = if *destroyed { "events.fault_region_destroyed" } else { "events.fault_outage" };
                m(key, vec![arg(region)])
            }
            Self::NetworkPartition { from, to, one_way } => {
                let key = if *one_way { "events.fault_partition_one_way" } else { "events.fault_partition" };
                m(key, vec![arg(from), arg(to)])
            }
            Self::SlowLink { from, to, factor } => {
                m("events.fault_slow_link", vec![arg(from), arg(to), arg(factor)])
            }
            Self::ReplicationPaused { region } => match region {
                Some(r) => m("events.fault_paused_into", vec![arg(r)]),
                None => Msg::key("events.fault_paused"),
            },
            Self::KeyVaultUnreachable => Msg::key("events.fault_key_vault"),
            Self::ThrottleBurst { divisor } => m("events.fault_throttle", vec![arg(divisor)]),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FaultState {
    Scheduled,
    Active,
    Healed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    pub id: u32,
    pub fault: FaultKind,
    pub text: String,
    pub colour: &'static str,
    pub starts_at_ms: Millis,
    /// When it ends by itself, if it does.
    pub ends_at_ms: Option<Millis>,
    pub state: FaultState,
    pub healed_at_ms: Option<Millis>,
    /// For a region outage: when routing fails over away from the region.
    pub failover_at_ms: Option<Millis>,
}

fn known_region(name: &str) -> Result<&'static str> {
    region::region(name).map(|r| r.name).ok_or_else(|| {
        RegistryError::keyed(ErrorCode::InvalidArgument, "errors.region_unknown", [quoted(name)])
    })
}

impl Registry {
    /// Injects a fault starting after `delay` (now if zero) and, with `duration`, healing by
    /// itself that long after it starts. Checked whole before anything is scheduled.
    pub(super) fn inject_fault_direct(
        &mut self,
        fault: FaultKind,
        delay: Millis,
        duration: Option<Millis>,
    ) -> Result<Fault> {
        self.inject_fault_refusal(&fault, duration)?;
        let id = u32::try_from(self.faults.len() + 1).unwrap_or(u32::MAX);
        let starts_at = self.now.saturating_add(delay);
        let ends_at = duration.map(|d| starts_at.saturating_add(d));
        let text = fault.describe();
        self.faults.push(Fault {
            id,
            colour: fault.colour(),
            fault,
            text,
            starts_at_ms: starts_at,
            ends_at_ms: ends_at,
            state: FaultState::Scheduled,
            healed_at_ms: None,
            failover_at_ms: None,
        });
        if delay.0 == 0 {
            self.start_fault(id);
        } else {
            self.queue.push(starts_at, Job::FaultStart { id });
        }
        if let Some(end) = ends_at {
            self.queue.push(end, Job::FaultEnd { id });
        }
        self.fault(id)
    }

    /// Why `inject_fault_direct` would be refused (before anything is scheduled), if it would.
    pub(super) fn inject_fault_refusal(&self, fault: &FaultKind, duration: Option<Millis>) -> Result<()> {
        self.check_fault(fault)?;
        if self.faults.len() >= FAULTS_MAX {
            return err_k(ErrorCode::InvalidArgument, "errors.fault_timeline_full", []);
        }
        if matches!(fault, FaultKind::BitRot { .. }) && duration.is_some() {
            return err_k(ErrorCode::InvalidArgument, "errors.fault_bit_rot_duration", []);
        }
        Ok(())
    }

    fn check_fault(&self, fault: &FaultKind) -> Result<()> {
        match fault {
            FaultKind::StorageAccountFailure { account, .. } => {
                if self.account_site(account).is_none() {
                    return err_k(ErrorCode::InvalidArgument, "errors.fault_no_account", [quoted(account)]);
                }
            }
            FaultKind::RegionStorageFailure { region: Some(r), .. }
            | FaultKind::ZoneFailure { region: r }
            | FaultKind::RegionOutage { region: r, .. }
            | FaultKind::ReplicationPaused { region: Some(r) } => {
                let name = known_region(r)?;
                if self.site_index(name).is_none() {
                    return err_k(ErrorCode::InvalidArgument, "errors.no_replica_in", [arg(name)]);
                }
            }
            FaultKind::RegionStorageFailure { region: None, .. }
            | FaultKind::ReplicationPaused { region: None }
            | FaultKind::KeyVaultUnreachable => {}
            FaultKind::NetworkPartition { from, to, .. } | FaultKind::SlowLink { from, to, .. } => {
                let (a, b) = (known_region(from)?, known_region(to)?);
                if a == b {
                    return err_k(ErrorCode::InvalidArgument, "errors.fault_link_same_region", []);
                }
                if let FaultKind::SlowLink { factor, .. } = fault
                    && !(2..=1000).contains(factor)
                {
                    return err_k(ErrorCode::InvalidArgument, "errors.fault_slow_link_factor", []);
                }
            }
            FaultKind::ThrottleBurst { divisor } => {
                if !(2..=1000).contains(divisor) {
                    return err_k(ErrorCode::InvalidArgument, "errors.fault_throttle_divisor", []);
                }
            }
            FaultKind::BitRot { key, bit, copy } => {
                let parsed = RecordKey::parse(key)?;
                let Some(record) = self.store.get(&parsed) else {
                    return err_k(ErrorCode::InvalidArgument, "errors.fault_no_record", [arg(key)]);
                };
                if *bit >= record.sealed.ciphertext.len() as u64 * 8 {
                    return err_k(
                        ErrorCode::InvalidArgument,
                        "errors.fault_bit_past_end",
                        [arg(bit), arg(key)],
                    );
                }
                let present = match copy {
                    StorageCopy::Primary => record.copies.primary,
                    StorageCopy::Secondary => record.copies.secondary,
                };
                if !present {
                    let missing = match copy {
                        StorageCopy::Primary => "errors.fault_no_primary_yet",
                        StorageCopy::Secondary => "errors.fault_no_secondary_yet",
                    };
                    return err_k(ErrorCode::InvalidArgument, missing, [arg(key)]);
                }
            }
        }
        Ok(())
    }

    /// The replica whose storage has the account named `account`, and the account's index.
    fn account_site(&self, account: &str) -> Option<(usize, usize)> {
        if let Some(a) = self.store.account_index(account) {
            return Some((self.active, a));
        }
        self.sites.iter().enumerate().find_map(|(i, s)| Some((i, s.as_ref()?.store.account_index(account)?)))
    }

    pub fn fault(&self, id: u32) -> Result<Fault> {
        self.faults.iter().find(|f| f.id == id).cloned().ok_or_else(|| {
            RegistryError::keyed(ErrorCode::InvalidArgument, "errors.fault_unknown", [arg(id)])
        })
    }

    /// The timeline: every fault injected, in order.
    pub fn faults(&self) -> &[Fault] {
        &self.faults
    }

    fn active_faults(&self) -> impl Iterator<Item = &FaultKind> {
        self.faults.iter().filter(|f| f.state == FaultState::Active).map(|f| &f.fault)
    }

    /// When a region that is down stops being routed to, if it is down.
    pub(super) fn region_down(&self, region: &str) -> Option<Millis> {
        self.faults.iter().filter(|f| f.state == FaultState::Active).find_map(|f| match &f.fault {
            FaultKind::RegionOutage { region: r, .. } => (r == region).then_some(f.failover_at_ms).flatten(),
            FaultKind::StorageAccountFailure { .. }
            | FaultKind::RegionStorageFailure { .. }
            | FaultKind::BitRot { .. }
            | FaultKind::ZoneFailure { .. }
            | FaultKind::NetworkPartition { .. }
            | FaultKind::SlowLink { .. }
            | FaultKind::ReplicationPaused { .. }
            | FaultKind::KeyVaultUnreachable
            | FaultKind::ThrottleBurst { .. } => None,
        })
    }

    /// Whether changes cannot travel from → to now (partition, pause, either end down).
    pub(super) fn link_blocked(&self, from: &str, to: &str) -> bool {
        self.region_down(from).is_some()
            || self.region_down(to).is_some()
            || self.active_faults().any(|f| match f {
                FaultKind::NetworkPartition { from: a, to: b, one_way } => {
                    (a == from && b == to) || (!*one_way && a == to && b == from)
                }
                FaultKind::ReplicationPaused { region } => region.as_deref().is_none_or(|r| r == to),
                // A slow link still carries changes (`link_factor`); an outage is `region_down`.
                FaultKind::StorageAccountFailure { .. }
                | FaultKind::RegionStorageFailure { .. }
                | FaultKind::BitRot { .. }
                | FaultKind::ZoneFailure { .. }
                | FaultKind::RegionOutage { .. }
                | FaultKind::SlowLink { .. }
                | FaultKind::KeyVaultUnreachable
                | FaultKind::ThrottleBurst { .. } => false,
            })
    }

    /// Whether a client in `client` can reach the region `replica` (a partition cuts both).
    pub(super) fn reachable(&self, client: &str, replica: &str) -> bool {
        !self.active_faults().any(|f| match f {
            FaultKind::NetworkPartition { from, to, one_way } => {
                (from == client && to == replica) || (!*one_way && from == replica && to == client)
            }
            // Replication faults do not cut clients off; an outage is `region_down`.
            FaultKind::StorageAccountFailure { .. }
            | FaultKind::RegionStorageFailure { .. }
            | FaultKind::BitRot { .. }
            | FaultKind::ZoneFailure { .. }
            | FaultKind::RegionOutage { .. }
            | FaultKind::SlowLink { .. }
            | FaultKind::ReplicationPaused { .. }
            | FaultKind::KeyVaultUnreachable
            | FaultKind::ThrottleBurst { .. } => false,
        })
    }

    /// How much slower the link from → to is (1 = normal).
    pub(super) fn link_factor(&self, from: &str, to: &str) -> u64 {
        self.active_faults()
            .map(|f| match f {
                FaultKind::SlowLink { from: a, to: b, factor } => {
                    if (a == from && b == to) || (a == to && b == from) { u64::from(*factor) } else { 1 }
                }
                FaultKind::StorageAccountFailure { .. }
                | FaultKind::RegionStorageFailure { .. }
                | FaultKind::BitRot { .. }
                | FaultKind::ZoneFailure { .. }
                | FaultKind::RegionOutage { .. }
                | FaultKind::NetworkPartition { .. }
                | FaultKind::ReplicationPaused { .. }
                | FaultKind::KeyVaultUnreachable
                | FaultKind::ThrottleBurst { .. } => 1,
            })
            .product::<u64>()
            .min(1_000_000)
    }

    pub(super) fn key_vault_unreachable(&self) -> bool {
        self.active_faults().any(|f| matches!(f, FaultKind::KeyVaultUnreachable))
    }

    pub(super) fn throttle_divisor(&self) -> u64 {
        self.active_faults()
            .map(|f| match f {
                FaultKind::ThrottleBurst { divisor } => u64::from(*divisor),
                FaultKind::StorageAccountFailure { .. }
                | FaultKind::RegionStorageFailure { .. }
                | FaultKind::BitRot { .. }
                | FaultKind::ZoneFailure { .. }
                | FaultKind::RegionOutage { .. }
                | FaultKind::NetworkPartition { .. }
                | FaultKind::SlowLink { .. }
                | FaultKind::ReplicationPaused { .. }
                | FaultKind::KeyVaultUnreachable => 1,
            })
            .max()
            .unwrap_or(1)
    }

    /// A data-plane request served in the active region: refused while that region is down,
    /// or in the first seconds of a zone failure there.
    pub(super) fn check_region_serving(&self) -> Result<()> {
        let region = self.region.name;
        if self.region_down(region).is_some() {
            return err_k(ErrorCode::Unavailable, "errors.region_down", [arg(region)]);
        }
        Ok(())
    }

    /// Configuration changes need the home region's control plane.
    pub(super) fn check_control_plane(&self) -> Result<()> {
        let home = self.replicas[0].region.name;
        if self.region_down(home).is_some() {
            return err_k(ErrorCode::Unavailable, "errors.home_region_down", [arg(home)]);
        }
        Ok(())
    }

    pub(super) fn start_fault(&mut self, id: u32) {
        let Some(index) = self.faults.iter().position(|f| f.id == id && f.state == FaultState::Scheduled)
        else {
            return;
        };
        if self.check_fault(&self.faults[index].fault.clone()).is_err() {
            // Its target is gone (a replica removed since it was scheduled).
            self.faults[index].state = FaultState::Healed;
            self.faults[index].healed_at_ms = Some(self.now);
            return;
        }
        self.faults[index].state = FaultState::Active;
        let (fault, text) = (self.faults[index].fault.clone(), self.faults[index].text.clone());
        let now = self.now;
        let mut lost = 0;
        match &fault {
            FaultKind::StorageAccountFailure { account, destroyed } => {
                if let Some((site, a)) = self.account_site(account) {
                    lost += self
                        .with_site(site, |r| r.store.account_mut(a).map_or(0, |a| a.fail(now, *destroyed)));
                }
            }
            FaultKind::RegionStorageFailure { destroyed, region } => {
                let site = region.as_deref().and_then(|r| self.site_index(r)).unwrap_or(0);
                lost += self.with_site(site, |r| r.fail_all_accounts(*destroyed));
            }
            FaultKind::BitRot { key, copy, bit } => {
                if let Ok(parsed) = RecordKey::parse(key) {
                    // Checked at injection; a record gone meanwhile makes this a no-op.
                    let _ = self.store.flip_bit(&parsed, *bit, *copy);
                }
            }
            FaultKind::ZoneFailure { region } => {
                if let Some(site) = self.site_index(region) {
                    self.with_site(site, |r| {
                        for i in 0..r.store.accounts().len() {
                            if let Some(a) = r.store.account_mut(i) {
                                a.zone_fail(Millis(now.0.saturating_sub(ZONE_RECENT.0)));
                            }
                        }
                    });
                }
            }
            FaultKind::RegionOutage { region, destroyed } => {
                let delay = FAILOVER_MIN.0 + draw_below(&mut self.rng, FAILOVER_MAX.0 - FAILOVER_MIN.0 + 1);
                let failover_at = now.saturating_add(Millis(delay));
                self.faults[index].failover_at_ms = Some(failover_at);
                self.queue.push(failover_at, Job::Failover { id });
                if *destroyed && let Some(site) = self.site_index(region) {
                    lost += self.with_site(site, |r| r.fail_all_accounts(true));
                    lost += self.drop_outbound(region);
                }
            }
            FaultKind::NetworkPartition { .. }
            | FaultKind::SlowLink { .. }
            | FaultKind::ReplicationPaused { .. }
            | FaultKind::KeyVaultUnreachable
            | FaultKind::ThrottleBurst { .. } => {}
        }
        self.sync_fault_effects();
        self.log(EventKind::FaultStarted { id, text, lost_records: lost, text_msg: fault.describe_msg() });
    }

    /// Pushes the state the active faults imply into the parts that keep their own.
    fn sync_fault_effects(&mut self) {
        let unreachable = self.key_vault_unreachable();
        self.vault.set_unreachable(unreachable);
        let divisor = self.throttle_divisor();
        self.throttle.set_divisor(divisor);
    }

    fn fail_all_accounts(&mut self, destroyed: bool) -> usize {
        let now = self.now;
        (0..self.store.accounts().len())
            .filter_map(|i| self.store.account_mut(i).map(|a| a.fail(now, destroyed)))
            .sum()
    }

    /// A destroyed region's changes that had not left it yet are lost: their jobs go.
    fn drop_outbound(&mut self, region: &str) -> usize {
        self.queue.remove_where(|job| matches!(job, Job::Replicate { from, .. } if *from == region))
    }

    /// Routing now avoids a region that is down (Traffic Manager noticed).
    pub(super) fn failover(&mut self, id: u32) {
        let Some(f) = self.faults.iter().find(|f| f.id == id && f.state == FaultState::Active) else {
            return;
        };
        if let FaultKind::RegionOutage { region, .. } = &f.fault {
            let Some(region) = region::region(region).map(|r| r.name) else { return };
            let what = Msg::key("events.replica_failed_over");
            self.on_site(region, |r| r.log(EventKind::replica(region, what)));
        }
    }

    /// Heals every fault that is active or scheduled; returns how many.
    pub(super) fn heal_all_direct(&mut self) -> usize {
        let open: Vec<u32> =
            self.faults.iter().filter(|f| f.state != FaultState::Healed).map(|f| f.id).collect();
        for id in &open {
            self.end_fault(*id);
        }
        open.len()
    }

    /// Runs the queue until every replica holds the same repositories, tags and manifests, for
    /// at most `limit`; returns how long it took.
    pub(super) fn converge_direct(&mut self, limit: Millis) -> Result<Millis> {
        let start = self.now;
        let deadline = start.saturating_add(limit);
        loop {
            if self.replicas_agree() {
                return Ok(Millis(self.now.0 - start.0));
            }
            match self.queue.next_due() {
                Some(at) if at <= deadline => {
                    self.step();
                }
                _ => {
                    return err_k(ErrorCode::Unavailable, "errors.fault_no_convergence", [arg(limit)]);
                }
            }
        }
    }

    /// While waiting after a heal: if the replicas agree now, note how long it took.
    pub(super) fn check_convergence(&mut self) {
        let Some(since) = self.converge_watch else { return };
        if !self.replicas_agree() {
            return;
        }
        let after = Millis(self.now.0.saturating_sub(since.0));
        self.converge_watch = None;
        self.last_convergence = Some(after);
        self.log(EventKind::feature(Msg::new("events.converged", [arg(after.0)])));
    }

    /// How long the replicas took to agree after the last heal (None while still waiting).
    pub fn last_convergence(&self) -> Option<Millis> {
        self.last_convergence
    }

    /// Whether every replica holds the same content (tags, manifests per repository).
    pub fn replicas_agree(&mut self) -> bool {
        let mut first: Option<[u8; 32]> = None;
        for i in 0..self.replicas.len() {
            let print = self.with_site(i, |r| r.content_print());
            match first {
                None => first = Some(print),
                Some(f) if f != print => return false,
                Some(_) => {}
            }
        }
        true
    }

    fn content_print(&self) -> [u8; 32] {
        use sha2::{Digest as _, Sha256};
        let mut h = Sha256::new();
        // Manifests whose bytes are gone here are left out: their metadata outlives a destroyed
        // primary, but no replica can send them, so they cannot count against agreement.
        let held = |d: &Digest| self.keeps_every_record(d);
        for (name, r) in self.repos.iter() {
            let manifests: Vec<&Digest> = r.manifests.iter().filter(|d| held(d)).collect();
            if manifests.is_empty() {
                continue;
            }
            h.update(name.as_str().as_bytes());
            for (t, d) in r.tags.iter().filter(|(_, d)| held(d)) {
                h.update(t.as_str().as_bytes());
                h.update(d.as_bytes());
            }
            for d in manifests {
                h.update(d.as_bytes());
            }
        }
        h.finalize().into()
    }

    /// Heals a fault now (by hand, or at its scheduled end).
    pub(super) fn heal_fault_direct(&mut self, id: u32) -> Result<Fault> {
        self.heal_fault_refusal(id)?;
        self.end_fault(id);
        self.fault(id)
    }

    /// Why `heal_fault_direct` would be refused (changing nothing), if it would.
    pub(super) fn heal_fault_refusal(&self, id: u32) -> Result<()> {
        let f = self.fault(id)?;
        if f.state == FaultState::Healed {
            return err_k(ErrorCode::InvalidArgument, "errors.fault_healed_already", [arg(id)]);
        }
        Ok(())
    }

    pub(super) fn end_fault(&mut self, id: u32) {
        let now = self.now;
        let Some(f) = self.faults.iter_mut().find(|f| f.id == id && f.state != FaultState::Healed) else {
            return;
        };
        let was_active = f.state == FaultState::Active;
        f.state = FaultState::Healed;
        f.healed_at_ms = Some(now);
        let (fault, text) = (f.fault.clone(), f.text.clone());
        if !was_active {
            self.log(EventKind::FaultHealed { id, text, text_msg: fault.describe_msg() });
            return;
        }
        let accounts: Vec<(usize, usize)> = match &fault {
            FaultKind::StorageAccountFailure { account, .. } => {
                self.account_site(account).into_iter().collect()
            }
            FaultKind::RegionStorageFailure { region, .. } => {
                let site = region.as_deref().and_then(|r| self.site_index(r)).unwrap_or(0);
                self.all_accounts_of(site)
            }
            FaultKind::RegionOutage { region, destroyed: true } => {
                self.site_index(region).map(|s| self.all_accounts_of(s)).unwrap_or_default()
            }
            FaultKind::ZoneFailure { region } => {
                if let Some(site) = self.site_index(region) {
                    self.with_site(site, |r| {
                        for i in 0..r.store.accounts().len() {
                            if let Some(a) = r.store.account_mut(i) {
                                a.zone_heal();
                            }
                        }
                    });
                }
                vec![]
            }
            FaultKind::BitRot { key, copy, bit } => {
                if let Ok(parsed) = RecordKey::parse(key) {
                    let _ = self.store.flip_bit(&parsed, *bit, *copy);
                }
                vec![]
            }
            // Nothing stored to bring back: these act only while they are active (the queries
            // below ask for the active ones), and a region back from an outage that did not
            // destroy its storage has every record it had.
            FaultKind::RegionOutage { destroyed: false, .. }
            | FaultKind::NetworkPartition { .. }
            | FaultKind::SlowLink { .. }
            | FaultKind::ReplicationPaused { .. }
            | FaultKind::KeyVaultUnreachable
            | FaultKind::ThrottleBurst { .. } => vec![],
        };
        for (site, a) in accounts {
            if self.account_still_failed(site, a, id) {
                continue;
            }
            self.with_site(site, |r| {
                let waiting = r.store.account_mut(a).map(|acc| acc.heal()).unwrap_or_default();
                for (key, written_at) in waiting {
                    r.schedule_geo_copy(key, written_at);
                }
            });
        }
        if let FaultKind::RegionOutage { region, destroyed: true } = &fault
            && let Some(site) = self.site_index(region)
            && site != 0
        {
            self.resync_replica(site);
        }
        self.sync_fault_effects();
        self.release_held_changes();
        if fault.destroys() && self.replicas.len() > 1 {
            self.repair_from_peers();
        }
        self.log(EventKind::FaultHealed { id, text, text_msg: fault.describe_msg() });
        if self.replicas.len() > 1 {
            self.converge_watch = Some(self.now);
            self.check_convergence();
        }
    }

    fn all_accounts_of(&self, site: usize) -> Vec<(usize, usize)> {
        let count = if site == self.active {
            self.store.accounts().len()
        } else {
            self.sites.get(site).and_then(Option::as_ref).map_or(0, |s| s.store.accounts().len())
        };
        (0..count).map(|a| (site, a)).collect()
    }

    /// Whether another active fault keeps account `a` of replica `site` failed.
    fn account_still_failed(&self, site: usize, a: usize, healing: u32) -> bool {
        let region = self.replicas.get(site).map_or("", |r| r.region.name);
        let name = if site == self.active {
            self.store.accounts().get(a).map(|x| x.name().to_string())
        } else {
            self.sites
                .get(site)
                .and_then(Option::as_ref)
                .and_then(|s| s.store.accounts().get(a))
                .map(|x| x.name().to_string())
        }
        .unwrap_or_default();
        self.faults.iter().any(|f| {
            f.id != healing
                && f.state == FaultState::Active
                && match &f.fault {
                    FaultKind::StorageAccountFailure { account, .. } => *account == name,
                    FaultKind::RegionStorageFailure { region: r, .. } => {
                        r.as_deref().map_or(site == 0, |r| r == region)
                    }
                    FaultKind::RegionOutage { region: r, destroyed } => *destroyed && r == region,
                    // These fail no storage account.
                    FaultKind::BitRot { .. }
                    | FaultKind::ZoneFailure { .. }
                    | FaultKind::NetworkPartition { .. }
                    | FaultKind::SlowLink { .. }
                    | FaultKind::ReplicationPaused { .. }
                    | FaultKind::KeyVaultUnreachable
                    | FaultKind::ThrottleBurst { .. } => false,
                }
        })
    }

    /// Whether replica `i` is down (and routed around) now.
    pub(super) fn replica_routed_around(&self, i: usize) -> bool {
        self.replicas.get(i).and_then(|r| self.region_down(r.region.name)).is_some_and(|at| at <= self.now)
    }

    /// A replica whose region was destroyed comes back empty and syncs again from home.
    fn resync_replica(&mut self, site: usize) {
        let Some(info) = self.replicas.get_mut(site) else { return };
        info.state = ReplicaState::Creating;
        info.ready_at = None;
        info.syncing = 0;
        let region = info.region.name;
        self.with_site(site, |r| {
            r.blobs.clear();
            r.manifests.clear();
            r.repos.clear();
            if let Ok(store) =
                super::blob_store::BlobStore::new(&format!("{}{}", r.name, region), r.store.accounts().len())
            {
                r.store = store;
            }
        });
        self.replica_created(region);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words `describe` wrote before faults were translated, word for word: they are in
    /// a fault's `text` and in its events' JSON, and so in the event-log hash.
    fn legacy(fault: &FaultKind) -> String {
        let gone = |d: bool| if d { "destroyed" } else { "fails" };
        match fault {
            FaultKind::StorageAccountFailure { account, destroyed } => {
                format!("storage account {account}'s primary {}", gone(*destroyed))
            }
            FaultKind::RegionStorageFailure { destroyed, region } => match region {
                Some(r) => format!("the storage of {r} {}", gone(*destroyed)),
                None => format!("the region's storage {}", if *destroyed { "is destroyed" } else { "fails" }),
            },
            FaultKind::BitRot { key, copy, bit } => {
                format!("bit rot: bit {bit} of the {copy:?} copy of {key}")
            }
            FaultKind::ZoneFailure { region } => format!("a zone of {region} fails"),
            FaultKind::RegionOutage { region, destroyed } => {
                format!("region {region} {}", if *destroyed { "is destroyed" } else { "goes dark" })
            }
            FaultKind::NetworkPartition { from, to, one_way } => {
                format!("network partition {from} {} {to}", if *one_way { "→" } else { "↔" })
            }
            FaultKind::SlowLink { from, to, factor } => {
                format!("slow link {from} ↔ {to} (×{factor} latency, ÷{factor} bandwidth)")
            }
            FaultKind::ReplicationPaused { region } => match region {
                Some(r) => format!("replication into {r} paused"),
                None => "replication paused everywhere".into(),
            },
            FaultKind::KeyVaultUnreachable => "the key vault is unreachable".into(),
            FaultKind::ThrottleBurst { divisor } => {
                format!("request-rate buckets shrink to 1/{divisor} (scale-out)")
            }
        }
    }

    #[test]
    fn every_fault_reads_as_it_did_in_english_and_is_translated() {
        let (a, b) = (|| "westeurope".to_string(), || "eastus".to_string());
        let mut faults = vec![];
        for destroyed in [false, true] {
            faults.push(FaultKind::StorageAccountFailure { account: "stowage0".into(), destroyed });
            faults.push(FaultKind::RegionStorageFailure { destroyed, region: Some(a()) });
            faults.push(FaultKind::RegionStorageFailure { destroyed, region: None });
            faults.push(FaultKind::RegionOutage { region: a(), destroyed });
        }
        for copy in [StorageCopy::Primary, StorageCopy::Secondary] {
            faults.push(FaultKind::BitRot { key: "blob/ab12".into(), copy, bit: 7 });
        }
        for one_way in [false, true] {
            faults.push(FaultKind::NetworkPartition { from: a(), to: b(), one_way });
        }
        faults.extend([
            FaultKind::ZoneFailure { region: a() },
            FaultKind::SlowLink { from: a(), to: b(), factor: 10 },
            FaultKind::ReplicationPaused { region: Some(b()) },
            FaultKind::ReplicationPaused { region: None },
            FaultKind::KeyVaultUnreachable,
            FaultKind::ThrottleBurst { divisor: 4 },
        ]);
        for fault in &faults {
            let msg = fault.describe_msg();
            assert_eq!(fault.describe(), legacy(fault), "{fault:?}: the English changed");
            assert_eq!(msg.text(Lang::En), legacy(fault));
            for lang in [Lang::Nl, Lang::Fr] {
                let words = msg.text(lang);
                assert!(!words.contains("{0}") && words != legacy(fault), "{fault:?} in {lang:?}: {words}");
            }
        }
    }
}
