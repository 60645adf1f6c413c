//! Repair after a destruction: an anti-entropy sweep between replicas. Replication sends each
//! change from where it was made to every other replica, so when a region is destroyed, the
//! changes that had reached some replicas and not others stay uneven for good, and a replica
//! rebuilt from home cannot get what home never had. When a destroyed thing heals, every
//! surviving replica compares what it holds with every other one and sends what the other
//! lacks: manifests (blobs first), tags that are newer by last-writer-wins, untags, and the
//! bytes of records the other lost. Deletes leave no tombstone, so a manifest one replica
//! still holds comes back where it is missing, unless a delete of it is still on its way.

use std::collections::{BTreeMap, BTreeSet};

use super::clock::Millis;
use super::digest::Digest;
use super::events::EventKind;
use super::names::{RepoName, Tag};
use super::registry::Registry;
use super::replication::{Change, ReplicaState};
use super::scheduler::Job;
use super::storage_account::{RecordKey, RecordKind};

type Stamp = (Millis, &'static str);

/// What one replica holds, as the sweep compares it.
#[derive(Default)]
struct Holdings {
    /// Manifests per repository: readable here or not, and the blobs each references.
    manifests: BTreeMap<(RepoName, Digest), (bool, BTreeSet<Digest>)>,
    /// Blobs linked into a repository: readable here or not.
    blobs: BTreeMap<(RepoName, Digest), bool>,
    tags: BTreeMap<(RepoName, Tag), Digest>,
    stamps: BTreeMap<(RepoName, Tag), Stamp>,
}

impl Holdings {
    fn readable_blob(&self, repo: &RepoName, d: &Digest) -> bool {
        self.blobs.get(&(repo.clone(), *d)).copied().unwrap_or(false)
    }

    fn stamp(&self, repo: &RepoName, tag: &Tag) -> Stamp {
        self.stamps.get(&(repo.clone(), tag.clone())).copied().unwrap_or((Millis(0), ""))
    }
}

/// Deletes and untags still on their way (or held): the sweep must not undo them.
#[derive(Default)]
struct Pending {
    deletes: BTreeSet<(RepoName, Digest)>,
    repos: BTreeSet<RepoName>,
    untags: BTreeSet<(RepoName, Tag)>,
}

impl Registry {
    /// The anti-entropy sweep; returns how many changes it sent.
    pub(super) fn repair_from_peers(&mut self) -> usize {
        let sites: Vec<usize> = (0..self.replicas.len())
            .filter(|i| self.replicas[*i].state != ReplicaState::Creating)
            .filter(|i| self.region_down(self.replicas[*i].region.name).is_none())
            .collect();
        if sites.len() < 2 {
            return 0;
        }
        let held: Vec<Holdings> = sites.iter().map(|i| self.with_site(*i, |r| r.holdings())).collect();
        let pending = self.pending_changes();
        // What the sweep itself sent, so two replicas do not send the same thing. (What was on
        // its way before is sent again: its source may have lost it.)
        let mut sending: BTreeSet<(&'static str, String)> = BTreeSet::new();
        let now = self.now;
        let mut sent = 0;
        for (ai, a) in sites.iter().enumerate() {
            for (bi, b) in sites.iter().enumerate() {
                if a == b {
                    continue;
                }
                let from = self.replicas[*a].region.name;
                let to = self.replicas[*b].region.name;
                for (change, made_at) in missing(&held[ai], &held[bi], &pending) {
                    if sending.insert((to, change.describe())) {
                        self.send_at(from, to, change, false, made_at.unwrap_or(now));
                        sent += 1;
                    }
                }
            }
        }
        if sent > 0 {
            let home = self.replicas[0].region.name;
            self.on_site(home, |r| {
                r.log(EventKind::replica(
                    home,
                    crate::i18n::Msg::new(
                        "events.replica_repaired",
                        [crate::i18n::Arg::Text(sent.to_string())],
                    ),
                ))
            });
        }
        sent
    }

    fn holdings(&self) -> Holdings {
        let mut h = Holdings::default();
        for (name, repo) in &self.repos {
            for d in &repo.manifests {
                let key = RecordKey { kind: RecordKind::Manifest, digest: *d };
                let blobs = self.manifests.get(d).map(|m| m.blobs.clone()).unwrap_or_default();
                h.manifests.insert((name.clone(), *d), (!self.store.is_lost(&key), blobs));
            }
            for d in repo.links.keys() {
                let key = RecordKey { kind: RecordKind::Blob, digest: *d };
                h.blobs.insert((name.clone(), *d), !self.store.is_lost(&key));
            }
            for (t, d) in &repo.tags {
                h.tags.insert((name.clone(), t.clone()), *d);
            }
            for (t, s) in &repo.tag_stamps {
                h.stamps.insert((name.clone(), t.clone()), *s);
            }
        }
        h
    }

    fn pending_changes(&self) -> Pending {
        let mut p = Pending::default();
        let queued = self.queue.replications().map(|(job, _)| job);
        for job in queued.chain(self.held.iter()) {
            let Job::Replicate { change, .. } = job else { continue };
            match change {
                Change::DeleteManifest { repo, digest } => {
                    p.deletes.insert((repo.clone(), *digest));
                }
                Change::DeleteRepository { repo } => {
                    p.repos.insert(repo.clone());
                }
                Change::Untag { repo, tag } => {
                    p.untags.insert((repo.clone(), tag.clone()));
                }
                _ => {}
            }
        }
        p
    }
}

/// What `a` holds that `b` lacks, as changes in the order they must arrive, each with the time
/// its last-writer-wins stamp carries (None: now).
fn missing(a: &Holdings, b: &Holdings, pending: &Pending) -> Vec<(Change, Option<Millis>)> {
    let mut out = vec![];
    let blob = |repo: &RepoName, d: &Digest| Change::Blob { repo: repo.clone(), digest: *d };
    let settled = |repo: &RepoName| !pending.repos.contains(repo);
    // Bytes `b` lost that `a` can still read.
    for ((repo, d), readable) in &a.blobs {
        let lost_in_b = b.blobs.get(&(repo.clone(), *d)) == Some(&false);
        if *readable && lost_in_b && settled(repo) {
            out.push((blob(repo, d), None));
        }
    }
    // Manifests `b` lacks (or lost), blobs first.
    for ((repo, d), (readable, blobs)) in &a.manifests {
        let in_b = b.manifests.get(&(repo.clone(), *d)).map(|(ok, _)| *ok);
        if !*readable || in_b == Some(true) || !settled(repo) || pending.deletes.contains(&(repo.clone(), *d))
        {
            continue;
        }
        if blobs.iter().any(|x| !a.readable_blob(repo, x)) {
            continue;
        }
        for x in blobs.iter().filter(|x| !b.blobs.contains_key(&(repo.clone(), **x))) {
            out.push((blob(repo, x), None));
        }
        out.push((Change::Manifest { repo: repo.clone(), digest: *d, tag: None }, None));
    }
    // Tags whose last write in `a` is newer than in `b`: the write, or the untag.
    let tagged: BTreeSet<&(RepoName, Tag)> = a.tags.keys().chain(b.tags.keys()).collect();
    for key in tagged {
        let (repo, tag) = key;
        let (sa, sb) = (a.stamp(repo, tag), b.stamp(repo, tag));
        let (ta, tb) = (a.tags.get(key), b.tags.get(key));
        if sa <= sb || ta == tb || !settled(repo) || pending.untags.contains(key) {
            continue;
        }
        match ta {
            Some(d) if a.manifests.get(&(repo.clone(), *d)).is_some_and(|(ok, _)| *ok) => {
                out.push((
                    Change::Manifest { repo: repo.clone(), digest: *d, tag: Some(tag.clone()) },
                    Some(sa.0),
                ));
            }
            Some(_) => {}
            None => out.push((Change::Untag { repo: repo.clone(), tag: tag.clone() }, Some(sa.0))),
        }
    }
    out
}
