//! The event log: every change the registry makes, numbered in order, in words a person reads.
//! Bounded: the newest `EVENTS_MAX` are kept; sequence numbers keep counting.

use std::collections::VecDeque;

use serde::Serialize;
use sha2::{Digest as _, Sha256};

use super::clock::Millis;
use super::digest::{Digest, hex_lower};
use super::features::WebhookAction;
use super::key_vault::KeyState;
use super::locks::Attributes;
use super::names::{RepoName, Tag};
use super::throttle::RateModel;
use super::tier::Tier;

/// Events kept in memory.
pub const EVENTS_MAX: usize = 10_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum EventKind {
    BlobPushed {
        repo: RepoName,
        digest: Digest,
        size_bytes: u64,
        deduplicated: bool,
        synthetic: bool,
    },
    BlobMounted {
        repo: RepoName,
        from: RepoName,
        digest: Digest,
    },
    ManifestPushed {
        repo: RepoName,
        digest: Digest,
        tag: Option<Tag>,
        left_dangling: Option<Digest>,
    },
    Untagged {
        repo: RepoName,
        tag: Tag,
        digest: Digest,
    },
    ManifestDeleted {
        repo: RepoName,
        digest: Digest,
        tags: Vec<Tag>,
    },
    RepositoryDeleted {
        repo: RepoName,
        manifests: usize,
    },
    /// Nothing references the record any more: billing stops now, space is reclaimed later.
    RecordReleased {
        account: String,
        key: String,
        logical_bytes: u64,
        reclaim_at_ms: Millis,
    },
    /// Garbage collection reclaimed a released record's space.
    RecordReclaimed {
        account: String,
        key: String,
        logical_bytes: u64,
    },
    RecordTampered {
        account: String,
        key: String,
        bit: u64,
    },
    /// Attributes set on a repository (`target` "repository"), a tag (`:tag`) or a manifest (`@digest`).
    TierChanged {
        from: Tier,
        to: Tier,
    },
    AttributesChanged {
        repo: RepoName,
        target: String,
        attributes: Attributes,
    },
    RateModelChanged {
        from: RateModel,
        to: RateModel,
    },
    KeyVersionAdded {
        key_id: String,
        adopt_at_ms: Option<Millis>,
    },
    KeyRotated {
        from: String,
        to: String,
        automatic: bool,
    },
    KeyRotationFailed {
        key_id: String,
        reason: String,
    },
    KeyAccessLost {
        state: KeyState,
    },
    KeyRestored {
        from: KeyState,
    },
    FeatureChanged {
        what: String,
    },
    FaultStarted {
        id: u32,
        text: String,
        lost_records: usize,
    },
    FaultHealed {
        id: u32,
        text: String,
    },
    /// (`replica`, not `region`: every event has a `region` of its own, where it was logged.)
    ReplicaChanged {
        replica: &'static str,
        what: String,
    },
    /// A change from another replica arrived in `region`, `lag_ms` after it was made.
    Replicated {
        replica: &'static str,
        what: String,
        lag_ms: Millis,
    },
    /// Soft delete moved a manifest (with `tags`), or only a tag, into the bin.
    SoftDeleted {
        repo: RepoName,
        digest: Digest,
        tags: Vec<Tag>,
        manifest: bool,
    },
    SoftDeletePurged {
        manifests: usize,
        tags: usize,
        released_bytes: u64,
    },
    SoftDeleteRestored {
        repo: RepoName,
        tag: Tag,
        digest: Digest,
    },
    WebhookDelivered {
        webhook: String,
        action: WebhookAction,
        target: String,
    },
    ScaleOutPull {
        repo: RepoName,
        digest: Digest,
        nodes: u32,
        completed: u32,
        throttled: u32,
        retry_after_max_s: u64,
    },
    RetentionPolicyChanged {
        enabled: bool,
        days: u32,
    },
    /// A retention job ran: the manifest was deleted, or kept (`kept` says why).
    RetentionApplied {
        repo: RepoName,
        digest: Digest,
        deleted: bool,
        kept: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub seq: u64,
    /// Virtual time of the event.
    pub at_ms: Millis,
    /// The region (replica) it happened in.
    pub region: &'static str,
    #[serde(flatten)]
    pub kind: EventKind,
    pub text: String,
}

impl EventKind {
    /// One sentence about the event.
    pub fn describe(&self) -> String {
        match self {
            Self::BlobPushed { repo, digest, size_bytes, deduplicated, synthetic } => format!(
                "{}blob {} ({size_bytes} bytes) pushed to {repo}{}",
                if *synthetic { "synthetic " } else { "" },
                digest.short(),
                if *deduplicated {
                    ", already stored: linked, not stored again"
                } else {
                    ", sealed and stored"
                }
            ),
            Self::BlobMounted { repo, from, digest } => {
                format!("blob {} mounted into {repo} from {from} (no bytes copied)", digest.short())
            }
            Self::ManifestPushed { repo, digest, tag, left_dangling } => {
                let mut s = format!("manifest {} pushed to {repo}", digest.short());
                if let Some(tag) = tag {
                    s += &format!(" as :{tag}");
                }
                if let Some(old) = left_dangling {
                    s += &format!("; {} lost that tag and is now untagged (still stored)", old.short());
                }
                s
            }
            Self::Untagged { repo, tag, digest } => {
                format!("{repo}:{tag} untagged; manifest {} stays stored and billed", digest.short())
            }
            Self::ManifestDeleted { repo, digest, tags } => format!(
                "manifest {} deleted from {repo} with {} tag(s); cannot be recovered",
                digest.short(),
                tags.len()
            ),
            Self::RepositoryDeleted { repo, manifests } => {
                format!("repository {repo} deleted with {manifests} manifest(s); cannot be recovered")
            }
            Self::RecordReleased { account, key, logical_bytes, reclaim_at_ms } => format!(
                "{key} released in storage account {account}: billing for its {logical_bytes} bytes stops now; garbage collection reclaims the space at {reclaim_at_ms}"
            ),
            Self::RecordReclaimed { account, key, logical_bytes } => {
                format!(
                    "garbage collection reclaimed {key} ({logical_bytes} bytes) from storage account {account}"
                )
            }
            Self::TierChanged { from, to } => {
                format!("tier changed from {from} to {to}, with no downtime")
            }
            Self::AttributesChanged { repo, target, attributes } => {
                let what = if target == "repository" {
                    format!("repository {repo}")
                } else {
                    format!("{repo}{target}")
                };
                format!("attributes of {what} set: {attributes}")
            }
            Self::RateModelChanged { from, to } => format!(
                "request-rate model changed from {} to {}; every bucket starts full",
                from.as_str(),
                to.as_str()
            ),
            Self::KeyVersionAdded { key_id, adopt_at_ms } => match adopt_at_ms {
                Some(at) => {
                    format!("key version {key_id} created in the vault; automatic rotation adopts it at {at}")
                }
                None => format!(
                    "key version {key_id} created in the vault; manual rotation: the registry stays on its pinned version"
                ),
            },
            Self::KeyRotated { from, to, automatic } => format!(
                "{} rotation: new data keys are wrapped with {to} (was {from}); data wrapped before stays readable",
                if *automatic { "automatic" } else { "manual" }
            ),
            Self::KeyRotationFailed { key_id, reason } => {
                format!("automatic rotation to {key_id} failed: {reason}")
            }
            Self::KeyAccessLost { state } => format!(
                "customer-managed key {}: the registry's key material is gone, every push and pull now fails with 403 until access is restored",
                state.as_str()
            ),
            Self::KeyRestored { from } => format!(
                "access to the customer-managed key restored (it was {}): pushes and pulls work again, nothing was lost",
                from.as_str()
            ),
            Self::FeatureChanged { what } => what.clone(),
            Self::FaultStarted { id, text, lost_records } => {
                if *lost_records > 0 {
                    format!(
                        "fault {id}: {text}; {lost_records} record(s) not yet copied to the paired region are lost"
                    )
                } else {
                    format!("fault {id}: {text}")
                }
            }
            Self::FaultHealed { id, text } => format!("fault {id} healed: {text}"),
            Self::ReplicaChanged { replica, what } => format!("replica {replica}: {what}"),
            Self::Replicated { replica, what, lag_ms } => {
                format!("replica {replica} {what} ({} ms after it was made)", lag_ms.0)
            }
            Self::SoftDeleted { repo, digest, tags, manifest } => {
                let tags: Vec<String> = tags.iter().map(|t| format!(":{t}")).collect();
                if *manifest {
                    format!(
                        "manifest {repo}@{} soft-deleted{}: restorable, still stored and billed",
                        digest.short(),
                        if tags.is_empty() { String::new() } else { format!(" with {}", tags.join(", ")) }
                    )
                } else {
                    format!(
                        "tag {repo}{} soft-deleted: restorable with digest {}",
                        tags.join(""),
                        digest.short()
                    )
                }
            }
            Self::SoftDeletePurged { manifests, tags, released_bytes } => format!(
                "soft-delete purge: {manifests} manifest(s) and {tags} tag(s) past their period destroyed, {released_bytes} bytes released"
            ),
            Self::SoftDeleteRestored { repo, tag, digest } => {
                format!("restored {repo}:{tag} → {} from the soft-delete bin", digest.short())
            }
            Self::WebhookDelivered { webhook, action, target } => format!(
                "webhook {webhook} delivered: {} {target}",
                match action {
                    WebhookAction::Push => "push",
                    WebhookAction::Delete => "delete",
                }
            ),
            Self::ScaleOutPull { repo, digest, nodes, completed, throttled, retry_after_max_s } => {
                if *throttled == 0 {
                    format!("{nodes} nodes pulled {repo}@{}: all {completed} got the image", digest.short())
                } else {
                    format!(
                        "{nodes} nodes pulled {repo}@{}: {completed} got the image, {throttled} were refused with 429 TOOMANYREQUESTS (Retry-After up to {retry_after_max_s} s)",
                        digest.short()
                    )
                }
            }
            Self::RetentionPolicyChanged { enabled, days } => {
                if *enabled {
                    format!(
                        "retention policy enabled: manifests untagged from now on are deleted {days} day(s) after untagging; manifests untagged earlier are never touched"
                    )
                } else {
                    "retention policy disabled: queued retention deletes will not apply".to_string()
                }
            }
            Self::RetentionApplied { repo, digest, deleted, kept } => match (deleted, kept) {
                (true, _) => format!("retention policy deleted untagged manifest {repo}@{}", digest.short()),
                (false, Some(why)) => format!("retention policy kept {repo}@{}: {why}", digest.short()),
                (false, None) => format!("retention policy kept {repo}@{}", digest.short()),
            },
            Self::RecordTampered { account, key, bit } => {
                format!("bit {bit} of {key} flipped in storage account {account}")
            }
        }
    }
}

/// The log, and a running SHA-256 over every event ever logged (sequence number, virtual time
/// and the event's JSON, not its wording), so two runs can be compared by one hash.
#[derive(Clone, Debug, Default)]
pub struct EventLog {
    events: VecDeque<Event>,
    next_seq: u64,
    hash: [u8; 32],
}

impl EventLog {
    /// Logs `kind`, which happened at `at_ms` in the replica in `region`.
    pub fn push(&mut self, at_ms: Millis, region: &'static str, kind: EventKind) {
        self.next_seq += 1;
        let json = serde_json::to_vec(&kind).unwrap_or_default();
        let mut h = Sha256::new();
        h.update(self.hash);
        h.update(self.next_seq.to_be_bytes());
        h.update(at_ms.0.to_be_bytes());
        h.update(region.as_bytes());
        h.update(&json);
        self.hash = h.finalize().into();
        let text = kind.describe();
        self.events.push_back(Event { seq: self.next_seq, at_ms, region, kind, text });
        if self.events.len() > EVENTS_MAX {
            self.events.pop_front();
        }
    }

    /// The kept events, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Event> {
        self.events.iter()
    }

    /// Sequence number of the newest event (0 before any).
    pub fn last_seq(&self) -> u64 {
        self.next_seq
    }

    /// The running hash of the whole log, as 64 hex digits.
    pub fn hash_hex(&self) -> String {
        hex_lower(&self.hash)
    }
}
