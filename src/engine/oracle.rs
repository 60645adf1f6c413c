//! The oracle: what clients were told, checked against what the registry can still serve. It
//! counts every acknowledged push of a tag (`push_image`, `push_manifest`: told where the engine
//! performs them, so from every front door, the JS API, the page, a scenario, a workload or a
//! client, once each) and every delete (`delete_manifest`, `delete_repository`, `untag`, and a
//! restore from the soft-delete bin), counts client pushes that failed and client pulls by
//! outcome, re-hashes every blob a client pulled (the registry must never serve wrong bytes),
//! counts stale reads (a tag acknowledged as pushed and not deleted since, not found by a later
//! pull), and at the end looks for acknowledged pushes that no replica can serve any more
//! (lost) or that none can serve right now (unavailable), and deleted images a replica still
//! holds. A refused push or delete changes nothing, the oracle included (so it is not
//! recorded in the session log either); only a client's failed requests are counted.

use std::collections::BTreeMap;

use serde::Serialize;

use super::clock::Millis;
use super::digest::Digest;
use super::names::{RepoName, Tag};
use super::registry::Registry;
use super::storage_account::{RecordKey, RecordKind};

#[derive(Clone, Debug, Default)]
pub struct Oracle {
    /// The last acknowledged push of each tag: its manifest and when.
    acked: BTreeMap<(RepoName, Tag), (Digest, Millis)>,
    pushes_ok: u64,
    pushes_failed: BTreeMap<&'static str, u64>,
    pulls_ok: u64,
    pulls_failed: BTreeMap<&'static str, u64>,
    stale_pulls: u64,
    wrong_bytes: u64,
    /// Acknowledged tags later deleted on purpose (not counted as lost), and the manifests
    /// those deletes removed: every replica must drop them too.
    deleted: u64,
    deleted_manifests: BTreeMap<(RepoName, Digest), Millis>,
}

/// Lost pushes listed in a report.
const LOST_LISTED: usize = 100;

/// An acknowledged push no replica can hold any more.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LostPush {
    pub repo: RepoName,
    pub tag: Tag,
    pub digest: Digest,
    pub acknowledged_at_ms: Millis,
}

/// One region's view of the acknowledged writes, right now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionTally {
    pub region: &'static str,
    /// The tag resolves here to the acknowledged manifest and every byte of it can be read.
    pub readable: u64,
    /// The tag is missing here or points at an older manifest (not replicated yet).
    pub stale: u64,
    /// It is here but cannot be read now (a fault is active).
    pub unavailable: u64,
    /// It was here and its bytes are gone (a destroyed primary before the geo copy).
    pub lost: u64,
    /// Deleted images still pullable here (the delete has not arrived).
    pub stale_deletes: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OracleReport {
    pub pushes_ok: u64,
    pub pushes_failed: BTreeMap<&'static str, u64>,
    pub pulls_ok: u64,
    pub pulls_failed: BTreeMap<&'static str, u64>,
    /// Pulls of a tag acknowledged earlier that found nothing (replication lag, a failover).
    pub stale_pulls: u64,
    /// Blobs served whose bytes did not hash to their digest: must always be 0.
    pub wrong_bytes: u64,
    pub acknowledged: u64,
    /// Acknowledged pushes no replica holds any more.
    pub lost_acknowledged: u64,
    /// The first of them (at most 100): which, and when each was acknowledged.
    pub lost_pushes: Vec<LostPush>,
    /// Acknowledged pushes some replica holds but none can serve now (a fault is active).
    pub unavailable_acknowledged: u64,
    pub deletes: u64,
    pub regions: Vec<RegionTally>,
}

impl Oracle {
    pub(super) fn push_ok(&mut self, repo: &RepoName, tag: &Tag, digest: Digest, at: Millis) {
        self.pushes_ok += 1;
        self.acked.insert((repo.clone(), tag.clone()), (digest, at));
    }

    pub(super) fn push_failed(&mut self, code: &'static str) {
        *self.pushes_failed.entry(code).or_default() += 1;
    }

    pub(super) fn pull_ok(&mut self) {
        self.pulls_ok += 1;
    }

    /// A pull failed; it is stale if the tag had been acknowledged before.
    pub(super) fn pull_failed(&mut self, repo: &RepoName, reference: &str, code: &'static str) {
        *self.pulls_failed.entry(code).or_default() += 1;
        let not_found = matches!(code, "MANIFEST_UNKNOWN" | "NAME_UNKNOWN" | "BLOB_UNKNOWN");
        let acked = Tag::parse(reference).ok().is_some_and(|t| self.acked.contains_key(&(repo.clone(), t)));
        if not_found && acked {
            self.stale_pulls += 1;
        }
    }

    pub(super) fn wrong_bytes(&mut self) {
        self.wrong_bytes += 1;
    }

    /// A tag was removed on purpose (it pointed at `digest`): it is no longer expected
    /// anywhere. Its manifest stays, so no replica has anything to drop.
    pub(super) fn untagged(&mut self, repo: &RepoName, tag: &Tag, digest: &Digest) {
        let key = (repo.clone(), tag.clone());
        if self.acked.get(&key).is_some_and(|(d, _)| d == digest) {
            self.acked.remove(&key);
            self.deleted += 1;
        }
    }

    /// An image was deleted on purpose: its tags are no longer expected anywhere.
    pub(super) fn forget(&mut self, repo: &RepoName, digest: &Digest, at: Millis) {
        let before = self.acked.len();
        self.acked.retain(|(r, _), (d, _)| !(r == repo && d == digest));
        self.deleted += (before - self.acked.len()) as u64;
        self.deleted_manifests.insert((repo.clone(), *digest), at);
    }

    /// (pushes ok, pushes failed, pulls ok, pulls failed, stale pulls) so far.
    pub(super) fn counts(&self) -> (u64, u64, u64, u64, u64) {
        (
            self.pushes_ok,
            super::metrics::failed_total(&self.pushes_failed),
            self.pulls_ok,
            super::metrics::failed_total(&self.pulls_failed),
            self.stale_pulls,
        )
    }

    /// A deleted image came back (restored from the soft-delete bin): acknowledged again.
    pub(super) fn restored(&mut self, repo: &RepoName, tag: &Tag, digest: Digest, at: Millis) {
        if self.deleted_manifests.remove(&(repo.clone(), digest)).is_some() {
            self.deleted = self.deleted.saturating_sub(1);
            self.acked.insert((repo.clone(), tag.clone()), (digest, at));
        }
    }

    /// The newest acknowledged tag of each repository, in repository order: what a deploy
    /// pulls (for a workload's pulls).
    pub(super) fn newest_tags(&self) -> Vec<(RepoName, Tag)> {
        let mut newest: BTreeMap<&RepoName, (Millis, &Tag)> = BTreeMap::new();
        for ((repo, tag), (_, at)) in &self.acked {
            let entry = newest.entry(repo).or_insert((*at, tag));
            if (*at, tag) > *entry {
                *entry = (*at, tag);
            }
        }
        newest.into_iter().map(|(r, (_, t))| (r.clone(), t.clone())).collect()
    }
}

impl Registry {
    /// The oracle's report now: counts so far, and a check of every acknowledged push against
    /// every replica.
    pub fn oracle_report(&mut self) -> OracleReport {
        let acked: Vec<(RepoName, Tag, Digest)> = self
            .oracle
            .acked
            .iter()
            .map(|((repo, tag), (digest, _))| (repo.clone(), tag.clone(), *digest))
            .collect();
        let deleted: Vec<(RepoName, Digest)> = self.oracle.deleted_manifests.keys().cloned().collect();
        let (mut lost, mut unavailable) = (0, 0);
        let mut lost_pushes = vec![];
        let mut regions: Vec<RegionTally> = self
            .replicas
            .iter()
            .map(|r| RegionTally {
                region: r.region.name,
                readable: 0,
                stale: 0,
                unavailable: 0,
                lost: 0,
                stale_deletes: 0,
            })
            .collect();
        for (repo, tag, digest) in &acked {
            let (mut held, mut servable) = (false, false);
            for (i, tally) in regions.iter_mut().enumerate() {
                let down = r_down(self, i);
                let (h, s, tagged, present) = self.with_site(i, |r| {
                    let (h, s) = r.holds_and_serves(repo, digest);
                    let present = r.repos.get(repo).is_some_and(|x| x.manifests.contains(digest));
                    (h, s, r.repos.get(repo).and_then(|x| x.tags.get(tag)) == Some(digest), present)
                });
                held |= h;
                servable |= s && !down;
                if present && !h {
                    tally.lost += 1;
                } else if !h || !tagged {
                    tally.stale += 1;
                } else if s && !down {
                    tally.readable += 1;
                } else {
                    tally.unavailable += 1;
                }
            }
            if !held {
                lost += 1;
                if lost_pushes.len() < LOST_LISTED {
                    let at =
                        self.oracle.acked.get(&(repo.clone(), tag.clone())).map_or(Millis(0), |(_, at)| *at);
                    lost_pushes.push(LostPush {
                        repo: repo.clone(),
                        tag: tag.clone(),
                        digest: *digest,
                        acknowledged_at_ms: at,
                    });
                }
            } else if !servable {
                unavailable += 1;
            }
        }
        for (repo, digest) in &deleted {
            for (i, tally) in regions.iter_mut().enumerate() {
                if self.with_site(i, |r| r.repos.get(repo).is_some_and(|x| x.manifests.contains(digest))) {
                    tally.stale_deletes += 1;
                }
            }
        }
        let o = &self.oracle;
        OracleReport {
            pushes_ok: o.pushes_ok,
            pushes_failed: o.pushes_failed.clone(),
            pulls_ok: o.pulls_ok,
            pulls_failed: o.pulls_failed.clone(),
            stale_pulls: o.stale_pulls,
            wrong_bytes: o.wrong_bytes,
            acknowledged: acked.len() as u64,
            lost_acknowledged: lost,
            lost_pushes,
            unavailable_acknowledged: unavailable,
            deletes: o.deleted_manifests.len() as u64,
            regions,
        }
    }

    /// Whether the active replica still has every record of a manifest (none lost).
    pub(super) fn keeps_every_record(&self, digest: &Digest) -> bool {
        let Some(meta) = self.manifests.get(digest) else { return false };
        std::iter::once(RecordKey { kind: RecordKind::Manifest, digest: *digest })
            .chain(meta.blobs.iter().map(|d| RecordKey { kind: RecordKind::Blob, digest: *d }))
            .all(|key| !self.store.is_lost(&key))
    }

    /// Whether the active replica holds the manifest (and its blobs) and can read them now.
    fn holds_and_serves(&self, repo: &RepoName, digest: &Digest) -> (bool, bool) {
        let Some(meta) = self.manifests.get(digest) else { return (false, false) };
        if !self.repos.get(repo).is_some_and(|r| r.manifests.contains(digest)) {
            return (false, false);
        }
        let keys = std::iter::once(RecordKey { kind: RecordKind::Manifest, digest: *digest })
            .chain(meta.blobs.iter().map(|d| RecordKey { kind: RecordKind::Blob, digest: *d }));
        let mut held = true;
        let mut servable = true;
        for key in keys {
            if self.store.is_lost(&key) || self.store.get(&key).is_none() {
                held = false;
            }
            if self.store.check(&self.vault, &key).is_err() {
                servable = false;
            }
        }
        (held, held && servable)
    }
}

fn r_down(r: &Registry, i: usize) -> bool {
    r.replicas.get(i).is_some_and(|x| r.region_down(x.region.name).is_some())
}
