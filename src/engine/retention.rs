//! The retention policy for untagged manifests (Premium, domain.md §4.4): when a manifest loses
//! its last tag while the policy is on, a delete is queued for `days` later. When it comes due
//! it applies only if the policy is still on and the manifest is still untagged since that very
//! untag, and not locked; otherwise the manifest is kept and the event says why. Manifests
//! untagged before the policy was enabled are never queued. The last manifest of a repository
//! takes the repository with it.

use serde::Serialize;

use super::clock::Millis;
use super::digest::Digest;
use super::error::{ErrorCode, Result, arg, err_k};
use super::events::EventKind;
use super::locks::disallowed;
use super::names::RepoName;
use super::registry::Registry;
use super::scheduler::Job;
use super::tier::Tier;
use super::views::Deleted;

/// Longest retention period ACR accepts.
pub const RETENTION_DAYS_MAX: u32 = 365;
/// ACR's default when no period is given.
pub const RETENTION_DAYS_DEFAULT: u32 = 7;
/// ACR deletes "within a few seconds" with 0 days; Stowage waits this long.
pub const RETENTION_ZERO_DELAY: Millis = Millis(5_000);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RetentionPolicy {
    pub enabled: bool,
    pub days: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RetentionView {
    pub enabled: bool,
    pub days: u32,
    /// Queued deletes in the order they come due: (repository, manifest, when).
    pub queued: Vec<QueuedRetention>,
    pub queued_total: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QueuedRetention {
    pub repo: RepoName,
    pub digest: Digest,
    pub untagged_at_ms: Millis,
    pub due_at_ms: Millis,
}

/// A premium feature refused on a lower tier, naming the tier that has it: `refusal` is the
/// `errors.premium_…` key naming the feature.
pub(super) fn premium_only(tier: Tier, refusal: &'static str) -> super::error::RegistryError {
    disallowed(refusal, [arg(tier)])
}

impl Registry {
    /// Turns the policy on or off and sets its period (0–365 days). Premium only. Manifests
    /// untagged before it was enabled are never touched; turning it off lets queued deletes lapse.
    pub(super) fn set_retention_policy_direct(
        &mut self,
        enabled: bool,
        days: Option<u32>,
    ) -> Result<RetentionView> {
        let days = self.set_retention_policy_refusal(enabled, days)?;
        self.retention = RetentionPolicy { enabled, days };
        self.log(EventKind::RetentionPolicyChanged { enabled, days });
        Ok(self.retention_view(100))
    }

    /// Why `set_retention_policy_direct` would be refused (changing nothing), if it would; the
    /// period otherwise.
    pub(super) fn set_retention_policy_refusal(&self, enabled: bool, days: Option<u32>) -> Result<u32> {
        self.check_control_plane()?;
        if self.tier != Tier::Premium {
            return Err(premium_only(self.tier, "errors.premium_retention"));
        }
        if enabled && self.soft_delete.enabled {
            return Err(disallowed("errors.retention_with_soft_delete", []));
        }
        let days = days.unwrap_or(RETENTION_DAYS_DEFAULT);
        if days > RETENTION_DAYS_MAX {
            return err_k(ErrorCode::InvalidArgument, "errors.retention_days", [arg(days)]);
        }
        Ok(days)
    }

    pub fn retention_view(&self, n: usize) -> RetentionView {
        let mut queued = vec![];
        let mut total = 0;
        for (job, at) in self.queue.iter() {
            if let Job::Retention { repo, digest, untagged_at, .. } = job {
                total += 1;
                if queued.len() < n {
                    queued.push(QueuedRetention {
                        repo: repo.clone(),
                        digest: *digest,
                        untagged_at_ms: *untagged_at,
                        due_at_ms: at,
                    });
                }
            }
        }
        RetentionView {
            enabled: self.retention.enabled,
            days: self.retention.days,
            queued,
            queued_total: total,
        }
    }

    /// A manifest just lost its last tag: remember when, and queue the policy's delete.
    pub(super) fn note_untagged(&mut self, repo: &RepoName, digest: Digest) {
        let now = self.now;
        if let Some(mut r) = self.repos.get_mut(repo) {
            r.untagged_at.insert(digest, now);
        }
        if !self.retention.enabled {
            return;
        }
        let delay = match self.retention.days {
            0 => RETENTION_ZERO_DELAY,
            d => Millis(u64::from(d) * Millis::DAY.0),
        };
        self.queue.push(
            now.saturating_add(delay),
            Job::Retention { site: self.region.name, repo: repo.clone(), digest, untagged_at: now },
        );
    }

    /// A queued retention delete comes due.
    pub(super) fn apply_retention(&mut self, repo: RepoName, digest: Digest, untagged_at: Millis) {
        let kept = |why: &'static str| Some(crate::i18n::Msg::key(why));
        let why = match self.repos.get(&repo) {
            _ if !self.retention.enabled => kept("events.kept_policy_disabled"),
            None => return,
            Some(r) if !r.manifests.contains(&digest) => return,
            Some(r) if r.untagged_at.get(&digest) != Some(&untagged_at) || !r.tags_of(&digest).is_empty() => {
                kept("events.kept_tagged_again")
            }
            Some(r) if !r.attributes.deletable() => kept("events.kept_repository_locked"),
            Some(r) if !r.manifest_attributes(&digest).deletable() => kept("events.kept_locked"),
            Some(_) => None,
        };
        if let Some(why) = why {
            self.log(EventKind::retention_kept(repo, digest, why));
            return;
        }
        let mut deleted = Deleted::default();
        self.log(EventKind::RetentionApplied {
            repo: repo.clone(),
            digest,
            deleted: true,
            kept: None,
            kept_text: None,
        });
        self.remove_manifest(&repo, digest, &mut deleted);
        self.drop_if_empty(&repo);
    }
}

/// One manifest in a keep-last-N comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WhatIfItem {
    pub digest: Digest,
    pub tags: Vec<super::names::Tag>,
    /// When it was pushed (arrived in the repository): the order a keep-last-N rule sorts by.
    pub at_ms: Millis,
    /// The manifest and the blobs it references (some may be shared with others).
    pub size_bytes: u64,
}

/// ACR has no "keep the last N images" rule (domain.md §7, pain point 6). What such a rule
/// would delete in a repository, beside what ACR's own retention (untagged manifests only,
/// queued at untag while the policy is on) has queued there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeepLastReport {
    pub repo: RepoName,
    pub keep: u32,
    /// Newest first: the manifests the rule keeps, then those it would delete.
    pub kept: Vec<WhatIfItem>,
    pub would_delete: Vec<WhatIfItem>,
    /// Of those, the ones ACR's retention policy has queued for deletion.
    pub acr_queued: Vec<Digest>,
    pub retention_enabled: bool,
    pub retention_days: u32,
}

impl Registry {
    /// What keeping only the newest `keep` manifests of `repo` would delete, beside what ACR's
    /// retention will. Changes nothing.
    pub fn keep_last_what_if(&self, repo: &str, keep: u32) -> Result<KeepLastReport> {
        let name = RepoName::parse(repo)?;
        let Some(r) = self.repos.get(&name).filter(|r| !r.manifests.is_empty()) else {
            return err_k(ErrorCode::NameUnknown, "errors.repo_unknown_here", [arg(name)]);
        };
        let mut items: Vec<WhatIfItem> = r
            .manifests
            .iter()
            .map(|d| {
                let tags = r.tags_of(d);
                let at = r.pushed_at.get(d).copied().unwrap_or(Millis(0));
                let size_bytes = self.manifests.get(d).map_or(0, |m| {
                    m.size_bytes
                        + m.blobs.iter().filter_map(|b| self.blobs.get(b)).map(|b| b.size_bytes).sum::<u64>()
                });
                WhatIfItem { digest: *d, tags, at_ms: at, size_bytes }
            })
            .collect();
        items.sort_by(|a, b| b.at_ms.cmp(&a.at_ms).then(a.digest.cmp(&b.digest)));
        let split = (keep as usize).min(items.len());
        let would_delete = items.split_off(split);
        let acr_queued = would_delete
            .iter()
            .filter(|i| {
                self.queue.iter().any(
                    |(job, _)| matches!(job, Job::Retention { repo, digest, .. } if *repo == name && *digest == i.digest),
                )
            })
            .map(|i| i.digest)
            .collect();
        Ok(KeepLastReport {
            repo: name,
            keep,
            kept: items,
            would_delete,
            acr_queued,
            retention_enabled: self.retention.enabled,
            retention_days: self.retention.days,
        })
    }
}
