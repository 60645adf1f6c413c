//! Soft delete (ACR's preview policy, domain.md §4.6): while it is on, a delete or an untag
//! moves what it removes into the repository's recycle bin instead of destroying it. Items stay
//! billed (their records are not released) and can be restored by tag and digest; a purge runs
//! every 24 virtual hours while anything is in a bin and destroys what has been there longer
//! than the policy's current period. Not allowed together with the retention policy.

use serde::Serialize;

use super::clock::Millis;
use super::digest::Digest;
use super::error::{ErrorCode, Result, arg, err_k};
use super::events::EventKind;
use super::locks::disallowed;
use super::names::{RepoName, Tag};
use super::registry::Registry;
use super::repository::{LockTarget, Repository};
use super::scheduler::Job;
use super::views::Deleted;

pub const SOFT_DELETE_DAYS_MAX: u32 = 90;
pub const SOFT_DELETE_DAYS_DEFAULT: u32 = 7;
/// How often the purge runs.
pub const PURGE_EVERY: Millis = Millis::DAY;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SoftDeletePolicy {
    pub enabled: bool,
    pub days: u32,
}

/// A tag removed while soft delete was on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletedTag {
    pub tag: Tag,
    pub digest: Digest,
    pub deleted_at_ms: Millis,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SoftDeletedItem {
    pub repo: RepoName,
    pub digest: Digest,
    /// The tag this item restores (None: a manifest deleted without tags).
    pub tag: Option<Tag>,
    /// Whether the manifest itself is in the bin (false: only the tag was removed).
    pub manifest_deleted: bool,
    pub deleted_at_ms: Millis,
    /// The first purge at which it will have been in the bin for the policy's period.
    pub purge_at_ms: Option<Millis>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SoftDeleteView {
    pub enabled: bool,
    pub days: u32,
    pub items: Vec<SoftDeletedItem>,
    pub items_total: usize,
    pub next_purge_at_ms: Option<Millis>,
}

impl Registry {
    /// Turns soft delete on or off, with a period of 1–90 days (default 7). Refused while the
    /// retention policy is on. Turning it off destroys nothing already in a bin.
    pub(super) fn set_soft_delete_policy_direct(
        &mut self,
        enabled: bool,
        days: Option<u32>,
    ) -> Result<SoftDeleteView> {
        let days = self.set_soft_delete_policy_refusal(enabled, days)?;
        self.soft_delete = SoftDeletePolicy { enabled, days };
        self.log(EventKind::feature(if enabled {
            crate::i18n::Msg::new("events.soft_delete_enabled", [arg(days)])
        } else {
            crate::i18n::Msg::key("events.soft_delete_disabled")
        }));
        Ok(self.soft_delete_view(100))
    }

    /// Why `set_soft_delete_policy_direct` would be refused (changing nothing), if it would;
    /// the period otherwise.
    pub(super) fn set_soft_delete_policy_refusal(&self, enabled: bool, days: Option<u32>) -> Result<u32> {
        self.check_control_plane()?;
        let days = days.unwrap_or(SOFT_DELETE_DAYS_DEFAULT);
        if !(1..=SOFT_DELETE_DAYS_MAX).contains(&days) {
            return err_k(ErrorCode::InvalidArgument, "errors.soft_delete_days", [arg(days)]);
        }
        if enabled && self.replicas.len() > 1 {
            return Err(disallowed("errors.soft_delete_with_replicas", []));
        }
        if enabled && self.retention.enabled {
            return Err(disallowed("errors.soft_delete_with_retention", []));
        }
        Ok(days)
    }

    pub fn soft_delete_view(&self, n: usize) -> SoftDeleteView {
        // Only the repositories with something in their bin have items.
        let binned = self.repos.binned().iter().filter_map(|name| self.repos.get_key_value(name));
        let binned = binned.map(|(name, r)| (name, &**r));
        self.soft_delete_view_of(n, binned)
    }

    /// The view of the bins of `repos` (in name order).
    pub(super) fn soft_delete_view_of<'a>(
        &self,
        n: usize,
        repos: impl Iterator<Item = (&'a RepoName, &'a Repository)>,
    ) -> SoftDeleteView {
        let next_purge =
            self.queue.find(|j| matches!(j, Job::SoftDeletePurge).then_some(())).map(|(_, at)| at);
        let period = Millis(u64::from(self.soft_delete.days.max(1)) * Millis::DAY.0);
        let purge_at = |deleted_at: Millis| {
            let due = deleted_at.saturating_add(period);
            // Purges run at next_purge, next_purge + 24 h, …: the first one at or after `due`.
            next_purge.map(|p| {
                if p >= due { p } else { Millis(p.0 + (due.0 - p.0).div_ceil(PURGE_EVERY.0) * PURGE_EVERY.0) }
            })
        };
        let mut items = vec![];
        for (repo, r) in repos {
            for (digest, (at, tags)) in &r.deleted_manifests {
                let tags: Vec<Option<Tag>> =
                    if tags.is_empty() { vec![None] } else { tags.iter().cloned().map(Some).collect() };
                for tag in tags {
                    items.push(SoftDeletedItem {
                        repo: repo.clone(),
                        digest: *digest,
                        tag,
                        manifest_deleted: true,
                        deleted_at_ms: *at,
                        purge_at_ms: purge_at(*at),
                    });
                }
            }
            for t in &r.deleted_tags {
                items.push(SoftDeletedItem {
                    repo: repo.clone(),
                    digest: t.digest,
                    tag: Some(t.tag.clone()),
                    manifest_deleted: false,
                    deleted_at_ms: t.deleted_at_ms,
                    purge_at_ms: purge_at(t.deleted_at_ms),
                });
            }
        }
        let items_total = items.len();
        items.sort_by(|a, b| b.deleted_at_ms.cmp(&a.deleted_at_ms).then_with(|| a.repo.cmp(&b.repo)));
        items.truncate(n);
        SoftDeleteView {
            enabled: self.soft_delete.enabled,
            days: self.soft_delete.days,
            items,
            items_total,
            next_purge_at_ms: next_purge,
        }
    }

    /// Moves a manifest (and its tags) into the repository's bin: nothing is released.
    pub(super) fn soft_delete_manifest(&mut self, repo: &RepoName, digest: Digest, out: &mut Deleted) {
        let now = self.now;
        let Some(mut r) = self.repos.get_mut(repo) else { return };
        let tags = r.remove_tags_of(&digest);
        r.manifests.remove(&digest);
        r.pushed_at.remove(&digest);
        r.untagged_at.remove(&digest);
        r.forget(&LockTarget::Manifest(digest));
        r.deleted_manifests.insert(digest, (now, tags.clone()));
        drop(r);
        self.log(EventKind::SoftDeleted { repo: repo.clone(), digest, tags: tags.clone(), manifest: true });
        out.manifests.push(digest);
        out.tags.extend(tags);
        self.schedule_purge();
    }

    /// An untag with soft delete on: the tag goes to the bin.
    pub(super) fn soft_delete_tag(&mut self, repo: &RepoName, tag: Tag, digest: Digest) {
        let now = self.now;
        if let Some(mut r) = self.repos.get_mut(repo) {
            r.deleted_tags.push(DeletedTag { tag: tag.clone(), digest, deleted_at_ms: now });
        }
        self.log(EventKind::SoftDeleted { repo: repo.clone(), digest, tags: vec![tag], manifest: false });
        self.schedule_purge();
    }

    fn schedule_purge(&mut self) {
        if self.queue.find(|j| matches!(j, Job::SoftDeletePurge).then_some(())).is_none() {
            self.queue.push(self.now.saturating_add(PURGE_EVERY), Job::SoftDeletePurge);
        }
    }

    /// The 24-hourly purge: destroys what has been in a bin for the current period.
    pub(super) fn purge_soft_deleted(&mut self) {
        let period = Millis(u64::from(self.soft_delete.days.max(1)) * Millis::DAY.0);
        let now = self.now;
        let expired = |at: Millis| at.saturating_add(period) <= now;
        let mut manifests = vec![];
        let mut tags = 0usize;
        // Only repositories with a bin have anything to purge.
        let binned: Vec<RepoName> = self.repos.binned().iter().cloned().collect();
        for name in &binned {
            let Some(mut r) = self.repos.get_mut(name) else { continue };
            let before = r.deleted_tags.len();
            r.deleted_tags.retain(|t| !expired(t.deleted_at_ms));
            tags += before - r.deleted_tags.len();
            for (digest, (at, _)) in &r.deleted_manifests {
                if expired(*at) {
                    manifests.push((name.clone(), *digest));
                }
            }
        }
        let mut deleted = Deleted::default();
        for (repo, digest) in &manifests {
            self.remove_manifest(repo, *digest, &mut deleted);
            self.drop_if_empty(repo);
        }
        // Repositories left with nothing in them go (the index names them: no walk of all).
        let names: Vec<RepoName> = self.repos.empty().iter().cloned().collect();
        for repo in &names {
            self.drop_if_empty(repo);
        }
        self.log(EventKind::SoftDeletePurged {
            manifests: manifests.len(),
            tags,
            released_bytes: deleted.released_bytes,
        });
        if !self.repos.binned().is_empty() {
            self.queue.push(now.saturating_add(PURGE_EVERY), Job::SoftDeletePurge);
        }
    }

    /// Restores a soft-deleted manifest or tag: `tag` is pointed at `digest` again, and the
    /// manifest comes out of the bin if it was in it. A tag that now points elsewhere is only
    /// overwritten with `force` (the overwritten tag goes to the bin).
    pub(super) fn restore_soft_deleted_direct(
        &mut self,
        repo: &str,
        tag: &str,
        digest: &str,
        force: bool,
    ) -> Result<()> {
        let (repo, tag, digest) = self.restore_soft_deleted_refusal(repo, tag, digest, force)?;
        let now = self.now;
        let Some(mut r) = self.repos.get_mut(&repo) else { return Ok(()) };
        if let Some((_, tags)) = r.deleted_manifests.remove(&digest) {
            r.manifests.insert(digest);
            // The manifest's other tags stay in the bin, each restorable by itself.
            for t in tags.into_iter().filter(|t| *t != tag) {
                r.deleted_tags.push(DeletedTag { tag: t, digest, deleted_at_ms: now });
            }
        }
        r.deleted_tags.retain(|t| !(t.tag == tag && t.digest == digest));
        let overwritten = r.tags.insert(tag.clone(), digest).filter(|old| *old != digest);
        r.untagged_at.remove(&digest);
        let mut left_untagged = None;
        if let Some(old) = overwritten {
            r.deleted_tags.push(DeletedTag { tag: tag.clone(), digest: old, deleted_at_ms: now });
            if !r.tags.values().any(|d| *d == old) {
                left_untagged = Some(old);
            }
        }
        drop(r);
        self.log(EventKind::SoftDeleteRestored { repo: repo.clone(), tag: tag.clone(), digest });
        if let Some(old) = left_untagged {
            self.note_untagged(&repo, old);
        }
        self.schedule_purge();
        // A deleted image back: the oracle expects it again.
        self.oracle.restored(&repo, &tag, digest, now);
        Ok(())
    }

    /// Why `restore_soft_deleted_direct` would be refused (changing nothing), if it would; the
    /// repository, tag and digest otherwise.
    pub(super) fn restore_soft_deleted_refusal(
        &self,
        repo: &str,
        tag: &str,
        digest: &str,
        force: bool,
    ) -> Result<(RepoName, Tag, Digest)> {
        let (repo, tag, digest) = (RepoName::parse(repo)?, Tag::parse(tag)?, Digest::parse(digest)?);
        let r = self.repo(&repo)?;
        let in_bin = r.deleted_manifests.contains_key(&digest);
        let tag_in_bin = r.deleted_tags.iter().any(|t| t.tag == tag && t.digest == digest);
        let manifest_tag = r.deleted_manifests.get(&digest).is_some_and(|(_, tags)| tags.contains(&tag));
        if !in_bin && !r.manifests.contains(&digest) {
            return err_k(
                ErrorCode::ManifestUnknown,
                "errors.restore_gone",
                [arg(&repo), arg(digest.short())],
            );
        }
        if !in_bin && !tag_in_bin {
            return err_k(
                ErrorCode::ManifestUnknown,
                "errors.restore_no_match",
                [arg(&repo), arg(&tag), arg(digest.short())],
            );
        }
        if !tag_in_bin
            && !manifest_tag
            && !r.deleted_manifests.get(&digest).is_some_and(|(_, t)| t.is_empty())
        {
            return err_k(
                ErrorCode::ManifestUnknown,
                "errors.restore_without_tag",
                [arg(&repo), arg(digest.short()), arg(&tag)],
            );
        }
        let current = r.tags.get(&tag).copied();
        if let Some(current) = current.filter(|c| *c != digest) {
            if !force {
                return Err(disallowed(
                    "errors.restore_tag_moved",
                    [arg(&repo), arg(&tag), arg(current.short())],
                ));
            }
            if !r.tag_attributes(&tag).write_enabled {
                return Err(disallowed("errors.lock_tag_write", [arg(&repo), arg(&tag)]));
            }
        }
        self.check_writable(&repo)?;
        Ok((repo, tag, digest))
    }

    /// Refuses a push of a manifest whose digest is in the repository's bin (ACR does too).
    pub(super) fn check_not_soft_deleted(&self, repo: &RepoName, digest: &Digest) -> Result<()> {
        if self.repos.get(repo).is_some_and(|r| r.deleted_manifests.contains_key(digest)) {
            return Err(disallowed("errors.push_soft_deleted", [arg(repo), arg(digest.short())]));
        }
        Ok(())
    }
}
