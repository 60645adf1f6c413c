//! The accounting audit: recounts everything from scratch (storage totals per account, blob and
//! manifest reference counts, repository links and indexes) and compares it with the numbers the
//! registry keeps incrementally. Tests run it after every step; a mismatch is a bug, named in the
//! error.

use std::collections::BTreeMap;

use super::digest::Digest;
use super::registry::Registry;
use super::repository::LockTarget;
use super::storage_account::{RecordKey, RecordKind};

impl Registry {
    /// The audit of every replica in turn (`audit` reads the home replica only).
    pub fn audit_every_replica(&mut self) -> Result<(), String> {
        for i in 0..self.replicas.len() {
            let region = self.replicas[i].region.name;
            self.with_site(i, |r| r.audit()).map_err(|e| format!("replica {region}: {e}"))?;
        }
        Ok(())
    }

    /// Ok when every incrementally kept number equals its recount; otherwise what differs.
    pub fn audit(&self) -> Result<(), String> {
        self.audit_accounts()?;
        self.audit_references()?;
        self.audit_links()?;
        self.audit_repo_indexes()
    }

    fn audit_accounts(&self) -> Result<(), String> {
        for (i, a) in self.store.accounts().iter().enumerate() {
            if a.recount() != a.totals() {
                return Err(format!(
                    "account {}: kept {:?}, recounted {:?}",
                    a.name(),
                    a.totals(),
                    a.recount()
                ));
            }
            if let Some((key, _)) = a.records().find(|(k, _)| self.store.shard_of(&k.digest) != i) {
                return Err(format!("{key} is in {} but shards elsewhere", a.name()));
            }
        }
        Ok(())
    }

    /// Each blob's and manifest's holder count equals the repositories that hold it, every one
    /// of them has a live (unreleased) record, and every live record has its metadata.
    fn audit_references(&self) -> Result<(), String> {
        let mut blob_holders: BTreeMap<Digest, u32> = BTreeMap::new();
        let mut manifest_holders: BTreeMap<Digest, u32> = BTreeMap::new();
        for r in self.repos.values() {
            for d in r.links.keys() {
                *blob_holders.entry(*d).or_default() += 1;
            }
            for d in r.manifests.iter().chain(r.deleted_manifests.keys()) {
                *manifest_holders.entry(*d).or_default() += 1;
            }
        }
        let blobs: BTreeMap<Digest, u32> = self.blobs.iter().map(|(d, m)| (*d, m.repos)).collect();
        let manifests: BTreeMap<Digest, u32> = self.manifests.iter().map(|(d, m)| (*d, m.repos)).collect();
        if blobs != blob_holders {
            return Err(format!("blob holder counts {blobs:?} differ from the recount {blob_holders:?}"));
        }
        if manifests != manifest_holders {
            return Err(format!(
                "manifest holder counts {manifests:?} differ from the recount {manifest_holders:?}"
            ));
        }
        let mut live = 0;
        for a in self.store.accounts() {
            for (key, record) in a.records().filter(|(_, r)| r.released_at.is_none()) {
                live += 1;
                let known = match key.kind {
                    RecordKind::Blob => self.blobs.get(&key.digest).map(|m| m.size_bytes),
                    RecordKind::Manifest => self.manifests.get(&key.digest).map(|m| m.size_bytes),
                };
                if known != Some(record.logical_bytes) {
                    return Err(format!("live record {key} has no matching metadata"));
                }
            }
        }
        // Records lost with a destroyed primary keep their metadata (the registry's database
        // is not in the storage account) until nothing references them.
        let mut lost = 0;
        for a in self.store.accounts() {
            for key in a.lost().keys() {
                lost += 1;
                let known = match key.kind {
                    RecordKind::Blob => self.blobs.contains_key(&key.digest),
                    RecordKind::Manifest => self.manifests.contains_key(&key.digest),
                };
                if !known || a.get(key).is_some() {
                    return Err(format!("lost record {key} has no metadata, or is stored too"));
                }
            }
        }
        if live + lost != self.blobs.len() + self.manifests.len() {
            return Err(format!(
                "{live} live and {lost} lost records for {} known objects",
                self.blobs.len() + self.manifests.len()
            ));
        }
        for d in self.blobs.keys() {
            let key = RecordKey { kind: RecordKind::Blob, digest: *d };
            if self.store.get(&key).is_none() && !self.store.is_lost(&key) {
                return Err(format!("blob {d} has metadata but no record"));
            }
        }
        Ok(())
    }

    /// The repository indexes (`Repos`) equal their recount, and the views that read them
    /// (soft delete's bins, each replica's repositories) equal a walk of every repository.
    fn audit_repo_indexes(&self) -> Result<(), String> {
        let counted = self.repos.recount();
        if *self.repos.index() != counted {
            return Err(format!("repository indexes: kept {:?}, recounted {counted:?}", self.repos.index()));
        }
        let kept = self.soft_delete_view(usize::MAX);
        let walked = self.soft_delete_view_of(usize::MAX, self.repos.iter().map(|(name, r)| (name, &**r)));
        if kept != walked {
            return Err(format!("soft delete's bins: kept {kept:?}, walked {walked:?}"));
        }
        let live = self.repos.values().filter(|r| !r.manifests.is_empty()).count();
        let shown =
            self.replicas().into_iter().find(|v| v.region == self.region.name).map(|v| v.repositories);
        if shown != Some(live) {
            return Err(format!("repositories in {}: shown {shown:?}, counted {live}", self.region.name));
        }
        Ok(())
    }

    /// A repository's link count for a blob equals the number of its manifests referencing it.
    fn audit_links(&self) -> Result<(), String> {
        for (name, r) in &self.repos {
            let mut expected: BTreeMap<Digest, u32> = BTreeMap::new();
            for d in r.manifests.iter().chain(r.deleted_manifests.keys()) {
                if r.manifests.contains(d) && r.deleted_manifests.contains_key(d) {
                    return Err(format!("{name}: manifest {d} is both live and soft-deleted"));
                }
                let Some(meta) = self.manifests.get(d) else {
                    return Err(format!("{name} holds manifest {d} with no metadata"));
                };
                for b in &meta.blobs {
                    *expected.entry(*b).or_default() += 1;
                }
            }
            for (b, n) in &r.links {
                if expected.get(b).copied().unwrap_or(0) != *n {
                    return Err(format!("{name}: link count of {b} is {n}, recount {:?}", expected.get(b)));
                }
            }
            if let Some(b) = expected.keys().find(|b| !r.links.contains_key(*b)) {
                return Err(format!("{name} references {b} without a link"));
            }
            if let Some(t) = r.tags.iter().find(|(_, d)| !r.manifests.contains(*d)) {
                return Err(format!("{name}: tag {} points at a manifest it does not hold", t.0));
            }
            if r.is_empty() {
                return Err(format!("empty repository {name} was kept"));
            }
            if let Some(t) = r
                .deleted_tags
                .iter()
                .find(|t| !r.manifests.contains(&t.digest) && !r.deleted_manifests.contains_key(&t.digest))
            {
                return Err(format!("{name}: soft-deleted tag {} names a manifest that is gone", t.tag));
            }
            for d in r.untagged_at.keys() {
                if !r.manifests.contains(d) || r.tags.values().any(|t| t == d) {
                    return Err(format!("{name}: manifest {d} has an untag time but is gone or tagged"));
                }
            }
            for (target, attributes) in &r.locks {
                let present = match target {
                    LockTarget::Tag(t) => r.tags.contains_key(t),
                    LockTarget::Manifest(d) => r.manifests.contains(d),
                };
                if !present || attributes.is_default() {
                    return Err(format!("{name}: a lock entry {target:?} outlived its target or is default"));
                }
            }
        }
        Ok(())
    }
}
