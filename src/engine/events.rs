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
use super::replication::Change;
use super::throttle::RateModel;
use super::tier::Tier;
use crate::i18n::{Arg, Lang, Msg};

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
        /// The same reason as a catalogue text, for the page (not in the JSON, nor the hash).
        #[serde(skip)]
        reason_text: Msg,
    },
    KeyAccessLost {
        state: KeyState,
    },
    KeyRestored {
        from: KeyState,
    },
    /// A feature changed (`EventKind::feature`): `what` in English, and as a catalogue text.
    FeatureChanged {
        what: String,
        /// The same words as a catalogue text, for the page (not in the JSON, nor the hash).
        #[serde(skip)]
        what_text: Msg,
    },
    FaultStarted {
        id: u32,
        text: String,
        lost_records: usize,
        /// The fault's description as a catalogue text (`FaultKind::describe_msg`), for the page.
        #[serde(skip)]
        text_msg: Msg,
    },
    FaultHealed {
        id: u32,
        text: String,
        /// The fault's description as a catalogue text, for the page.
        #[serde(skip)]
        text_msg: Msg,
    },
    /// (`replica`, not `region`: every event has a `region` of its own, where it was logged.)
    /// Made with `EventKind::replica`.
    ReplicaChanged {
        replica: &'static str,
        what: String,
        /// The same words as a catalogue text, for the page.
        #[serde(skip)]
        what_text: Msg,
    },
    /// A change from another replica arrived in `region`, `lag_ms` after it was made. Made with
    /// `EventKind::replicated`.
    Replicated {
        replica: &'static str,
        what: String,
        lag_ms: Millis,
        /// The same words as a catalogue text, for the page.
        #[serde(skip)]
        what_text: Msg,
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
    /// A retention job ran: the manifest was deleted, or kept (`kept` says why; made with
    /// `EventKind::retention_kept`).
    RetentionApplied {
        repo: RepoName,
        digest: Digest,
        deleted: bool,
        kept: Option<String>,
        /// Why it was kept, as a catalogue text, for the page.
        #[serde(skip)]
        kept_text: Option<Msg>,
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
    /// One sentence about the event, in English: the text the event carries (and the JS API
    /// gives). The same words as [`EventKind::describe_msg`] draws in English, by construction.
    pub fn describe(&self) -> String {
        self.describe_msg().text(Lang::En)
    }

    /// One sentence about the event as a catalogue text (`events.*`, `src/i18n/events.rs`), for
    /// the page to draw in its language. Names, digests, numbers and the engine's own words
    /// (a fault's description, a replica's change) are its arguments, shown as they are.
    pub fn describe_msg(&self) -> Msg {
        let m = |key: &'static str, args: Vec<Arg>| Msg::new(key, args);
        match self {
            Self::BlobPushed { repo, digest, size_bytes, deduplicated, synthetic } => {
                let key = match (*synthetic, *deduplicated) {
                    (false, false) => "events.blob_pushed",
                    (false, true) => "events.blob_pushed_linked",
                    (true, false) => "events.synthetic_blob_pushed",
                    (true, true) => "events.synthetic_blob_pushed_linked",
                };
                m(key, vec![t(digest.short()), t(size_bytes), t(repo)])
            }
            Self::BlobMounted { repo, from, digest } => {
                m("events.blob_mounted", vec![t(digest.short()), t(repo), t(from)])
            }
            Self::ManifestPushed { repo, digest, tag, left_dangling } => {
                let (d, repo) = (t(digest.short()), t(repo));
                match (tag, left_dangling) {
                    (None, None) => m("events.manifest_pushed", vec![d, repo]),
                    (Some(tag), None) => m("events.manifest_pushed_as", vec![d, repo, t(tag)]),
                    (None, Some(old)) => m("events.manifest_pushed_left", vec![d, repo, t(old.short())]),
                    (Some(tag), Some(old)) => {
                        m("events.manifest_pushed_as_left", vec![d, repo, t(tag), t(old.short())])
                    }
                }
            }
            Self::Untagged { repo, tag, digest } => {
                m("events.untagged", vec![t(repo), t(tag), t(digest.short())])
            }
            Self::ManifestDeleted { repo, digest, tags } => {
                m("events.manifest_deleted", vec![t(digest.short()), t(repo), t(tags.len())])
            }
            Self::RepositoryDeleted { repo, manifests } => {
                m("events.repository_deleted", vec![t(repo), t(manifests)])
            }
            Self::RecordReleased { account, key, logical_bytes, reclaim_at_ms } => {
                m("events.record_released", vec![t(key), t(account), t(logical_bytes), t(reclaim_at_ms)])
            }
            Self::RecordReclaimed { account, key, logical_bytes } => {
                m("events.record_reclaimed", vec![t(key), t(logical_bytes), t(account)])
            }
            Self::TierChanged { from, to } => m("events.tier_changed", vec![t(from), t(to)]),
            Self::AttributesChanged { repo, target, attributes } => {
                if target == "repository" {
                    m("events.attributes_repository", vec![t(repo), attribute_values(attributes)])
                } else {
                    m("events.attributes", vec![t(repo), t(target), attribute_values(attributes)])
                }
            }
            Self::RateModelChanged { from, to } => {
                m("events.rate_model_changed", vec![t(from.as_str()), t(to.as_str())])
            }
            Self::KeyVersionAdded { key_id, adopt_at_ms } => match adopt_at_ms {
                Some(at) => m("events.key_version_added_automatic", vec![t(key_id), t(at)]),
                None => m("events.key_version_added_manual", vec![t(key_id)]),
            },
            Self::KeyRotated { from, to, automatic } => {
                let key =
                    if *automatic { "events.key_rotated_automatic" } else { "events.key_rotated_manual" };
                m(key, vec![t(to), t(from)])
            }
            Self::KeyRotationFailed { key_id, reason, reason_text } => {
                // The words the vault refused with: the catalogue's, when the event has them.
                let reason = if reason_text.key.is_empty() { t(reason) } else { reason_text.clone().into() };
                m("events.key_rotation_failed", vec![t(key_id), reason])
            }
            Self::KeyAccessLost { state } => m("events.key_access_lost", vec![key_state(*state)]),
            Self::KeyRestored { from } => m("events.key_restored", vec![key_state(*from)]),
            Self::FeatureChanged { what, what_text } => match words(what, what_text) {
                Arg::Msg(msg) => *msg,
                _ => Msg::from(what.clone()),
            },
            Self::FaultStarted { id, text, lost_records, text_msg } => {
                let text = words(text, text_msg);
                if *lost_records > 0 {
                    m("events.fault_started_lost", vec![t(id), text, t(lost_records)])
                } else {
                    m("events.fault_started", vec![t(id), text])
                }
            }
            Self::FaultHealed { id, text, text_msg } => {
                m("events.fault_healed", vec![t(id), words(text, text_msg)])
            }
            Self::ReplicaChanged { replica, what, what_text } => {
                m("events.replica_changed", vec![t(replica), words(what, what_text)])
            }
            Self::Replicated { replica, what, lag_ms, what_text } => {
                m("events.replicated", vec![t(replica), words(what, what_text), t(lag_ms.0)])
            }
            Self::SoftDeleted { repo, digest, tags, manifest } => {
                let tags: Vec<String> = tags.iter().map(|t| format!(":{t}")).collect();
                match (*manifest, tags.is_empty()) {
                    (true, true) => m("events.soft_deleted_manifest", vec![t(repo), t(digest.short())]),
                    (true, false) => m(
                        "events.soft_deleted_manifest_with",
                        vec![t(repo), t(digest.short()), t(tags.join(", "))],
                    ),
                    (false, _) => {
                        m("events.soft_deleted_tag", vec![t(repo), t(tags.join("")), t(digest.short())])
                    }
                }
            }
            Self::SoftDeletePurged { manifests, tags, released_bytes } => {
                m("events.soft_delete_purged", vec![t(manifests), t(tags), t(released_bytes)])
            }
            Self::SoftDeleteRestored { repo, tag, digest } => {
                m("events.soft_delete_restored", vec![t(repo), t(tag), t(digest.short())])
            }
            Self::WebhookDelivered { webhook, action, target } => {
                let action = match action {
                    WebhookAction::Push => "push",
                    WebhookAction::Delete => "delete",
                };
                m("events.webhook_delivered", vec![t(webhook), t(action), t(target)])
            }
            Self::ScaleOutPull { repo, digest, nodes, completed, throttled, retry_after_max_s } => {
                if *throttled == 0 {
                    m("events.scale_out_pull", vec![t(nodes), t(repo), t(digest.short()), t(completed)])
                } else {
                    m(
                        "events.scale_out_pull_throttled",
                        vec![
                            t(nodes),
                            t(repo),
                            t(digest.short()),
                            t(completed),
                            t(throttled),
                            t(retry_after_max_s),
                        ],
                    )
                }
            }
            Self::RetentionPolicyChanged { enabled, days } => {
                if *enabled {
                    m("events.retention_enabled", vec![t(days)])
                } else {
                    Msg::key("events.retention_disabled")
                }
            }
            Self::RetentionApplied { repo, digest, deleted, kept, kept_text } => match (deleted, kept) {
                (true, _) => m("events.retention_deleted", vec![t(repo), t(digest.short())]),
                (false, Some(why)) => {
                    let why = words(why, kept_text.as_ref().unwrap_or(&Msg::default()));
                    m("events.retention_kept_why", vec![t(repo), t(digest.short()), why])
                }
                (false, None) => m("events.retention_kept", vec![t(repo), t(digest.short())]),
            },
            Self::RecordTampered { account, key, bit } => {
                m("events.record_tampered", vec![t(bit), t(key), t(account)])
            }
        }
    }
}

/// An argument shown as it displays, the same in every language (a name, a digest, a number).
fn t(value: impl std::fmt::Display) -> Arg {
    Arg::Text(value.to_string())
}

/// The engine's words an event carries (`english`), drawn as their catalogue text when the event
/// has it (the constructors below make the two read the same in English); an event made without
/// one shows the English as it is.
fn words(english: &str, text: &Msg) -> Arg {
    if text.key.is_empty() { t(english) } else { text.clone().into() }
}

/// The events whose engine words (a feature's or a replica's change, what a replica applied,
/// why retention kept a manifest) are catalogue texts: each carries their English, which is in
/// its JSON and thus in the event-log hash, and the text the page draws in its language.
impl EventKind {
    /// A feature changed: `what`, in the catalogue's words (`events.*`).
    pub fn feature(what: Msg) -> Self {
        Self::FeatureChanged { what: what.text(Lang::En), what_text: what }
    }

    /// The replica in `replica` went through `what` (`events.replica_*`).
    pub fn replica(replica: &'static str, what: Msg) -> Self {
        Self::ReplicaChanged { replica, what: what.text(Lang::En), what_text: what }
    }

    /// `change`, made in `from`, arrived in `replica` `lag_ms` after it was made: applied, or
    /// refused for the reason `applied` gives.
    pub fn replicated(
        replica: &'static str,
        change: &Change,
        from: &'static str,
        applied: std::result::Result<(), Msg>,
        lag_ms: Millis,
    ) -> Self {
        let what = match applied {
            Ok(()) => Msg::new("events.replicated_applied", [change.describe_msg().into(), t(from)]),
            Err(why) => {
                Msg::new("events.replicated_failed", [change.describe_msg().into(), t(from), why.into()])
            }
        };
        Self::Replicated { replica, what: what.text(Lang::En), lag_ms, what_text: what }
    }

    /// A retention job kept `repo@digest`, for the reason `why` (`events.kept_*`).
    pub fn retention_kept(repo: RepoName, digest: Digest, why: Msg) -> Self {
        Self::RetentionApplied {
            repo,
            digest,
            deleted: false,
            kept: Some(why.text(Lang::En)),
            kept_text: Some(why),
        }
    }
}

impl Change {
    /// The change in a few words as a catalogue text (`events.change_*`); its English is
    /// [`Change::describe`]'s.
    pub fn describe_msg(&self) -> Msg {
        let m = |key: &'static str, args: Vec<Arg>| Msg::new(key, args);
        match self {
            Self::Blob { repo, digest } => m("events.change_blob", vec![t(repo), t(digest.short())]),
            Self::Manifest { repo, digest, tag: Some(tag) } => {
                m("events.change_manifest_tag", vec![t(repo), t(tag), t(digest.short())])
            }
            Self::Manifest { repo, digest, tag: None } => {
                m("events.change_manifest", vec![t(repo), t(digest.short())])
            }
            Self::Untag { repo, tag } => m("events.change_untag", vec![t(repo), t(tag)]),
            Self::DeleteManifest { repo, digest } => {
                m("events.change_delete", vec![t(repo), t(digest.short())])
            }
            Self::DeleteRepository { repo } => m("events.change_delete_repository", vec![t(repo)]),
            Self::Attributes { repo, .. } => m("events.change_locks", vec![t(repo)]),
        }
    }
}

/// The four attributes and whether each is on (`write on, delete off, read on, list on`, as
/// `Attributes` displays them in English).
fn attribute_values(a: &Attributes) -> Arg {
    let on = |b: bool| Arg::from(Msg::key(if b { "events.attribute_on" } else { "events.attribute_off" }));
    let values = [a.write_enabled, a.delete_enabled, a.read_enabled, a.list_enabled].map(on);
    Msg::new("events.attribute_values", values).into()
}

/// A key's state in words, as the key vault panel names it.
fn key_state(state: KeyState) -> Arg {
    let key = match state {
        KeyState::Enabled => "key.state_enabled",
        KeyState::Disabled => "key.state_disabled",
        KeyState::Deleted => "key.state_deleted",
        KeyState::AccessRevoked => "key.state_revoked",
    };
    Msg::key(key).into()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Registry;
    use crate::engine::faults::FaultKind;

    /// The English `describe` wrote before the event log was translated, word for word: the
    /// catalogue's English must read the same for every event.
    fn legacy(kind: &EventKind) -> String {
        match kind {
            EventKind::BlobPushed { repo, digest, size_bytes, deduplicated, synthetic } => format!(
                "{}blob {} ({size_bytes} bytes) pushed to {repo}{}",
                if *synthetic { "synthetic " } else { "" },
                digest.short(),
                if *deduplicated {
                    ", already stored: linked, not stored again"
                } else {
                    ", sealed and stored"
                }
            ),
            EventKind::BlobMounted { repo, from, digest } => {
                format!("blob {} mounted into {repo} from {from} (no bytes copied)", digest.short())
            }
            EventKind::ManifestPushed { repo, digest, tag, left_dangling } => {
                let mut s = format!("manifest {} pushed to {repo}", digest.short());
                if let Some(tag) = tag {
                    s += &format!(" as :{tag}");
                }
                if let Some(old) = left_dangling {
                    s += &format!("; {} lost that tag and is now untagged (still stored)", old.short());
                }
                s
            }
            EventKind::Untagged { repo, tag, digest } => {
                format!("{repo}:{tag} untagged; manifest {} stays stored and billed", digest.short())
            }
            EventKind::ManifestDeleted { repo, digest, tags } => format!(
                "manifest {} deleted from {repo} with {} tag(s); cannot be recovered",
                digest.short(),
                tags.len()
            ),
            EventKind::RepositoryDeleted { repo, manifests } => {
                format!("repository {repo} deleted with {manifests} manifest(s); cannot be recovered")
            }
            EventKind::RecordReleased { account, key, logical_bytes, reclaim_at_ms } => format!(
                "{key} released in storage account {account}: billing for its {logical_bytes} bytes stops now; garbage collection reclaims the space at {reclaim_at_ms}"
            ),
            EventKind::RecordReclaimed { account, key, logical_bytes } => format!(
                "garbage collection reclaimed {key} ({logical_bytes} bytes) from storage account {account}"
            ),
            EventKind::TierChanged { from, to } => {
                format!("tier changed from {from} to {to}, with no downtime")
            }
            EventKind::AttributesChanged { repo, target, attributes } => {
                let what = if target == "repository" {
                    format!("repository {repo}")
                } else {
                    format!("{repo}{target}")
                };
                format!("attributes of {what} set: {attributes}")
            }
            EventKind::RateModelChanged { from, to } => format!(
                "request-rate model changed from {} to {}; every bucket starts full",
                from.as_str(),
                to.as_str()
            ),
            EventKind::KeyVersionAdded { key_id, adopt_at_ms } => match adopt_at_ms {
                Some(at) => {
                    format!("key version {key_id} created in the vault; automatic rotation adopts it at {at}")
                }
                None => format!(
                    "key version {key_id} created in the vault; manual rotation: the registry stays on its pinned version"
                ),
            },
            EventKind::KeyRotated { from, to, automatic } => format!(
                "{} rotation: new data keys are wrapped with {to} (was {from}); data wrapped before stays readable",
                if *automatic { "automatic" } else { "manual" }
            ),
            EventKind::KeyRotationFailed { key_id, reason, .. } => {
                format!("automatic rotation to {key_id} failed: {reason}")
            }
            EventKind::KeyAccessLost { state } => format!(
                "customer-managed key {}: the registry's key material is gone, every push and pull now fails with 403 until access is restored",
                state.as_str()
            ),
            EventKind::KeyRestored { from } => format!(
                "access to the customer-managed key restored (it was {}): pushes and pulls work again, nothing was lost",
                from.as_str()
            ),
            EventKind::FeatureChanged { what, .. } => what.clone(),
            EventKind::FaultStarted { id, text, lost_records, .. } => {
                if *lost_records > 0 {
                    format!(
                        "fault {id}: {text}; {lost_records} record(s) not yet copied to the paired region are lost"
                    )
                } else {
                    format!("fault {id}: {text}")
                }
            }
            EventKind::FaultHealed { id, text, .. } => format!("fault {id} healed: {text}"),
            EventKind::ReplicaChanged { replica, what, .. } => format!("replica {replica}: {what}"),
            EventKind::Replicated { replica, what, lag_ms, .. } => {
                format!("replica {replica} {what} ({} ms after it was made)", lag_ms.0)
            }
            EventKind::SoftDeleted { repo, digest, tags, manifest } => {
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
            EventKind::SoftDeletePurged { manifests, tags, released_bytes } => format!(
                "soft-delete purge: {manifests} manifest(s) and {tags} tag(s) past their period destroyed, {released_bytes} bytes released"
            ),
            EventKind::SoftDeleteRestored { repo, tag, digest } => {
                format!("restored {repo}:{tag} → {} from the soft-delete bin", digest.short())
            }
            EventKind::WebhookDelivered { webhook, action, target } => format!(
                "webhook {webhook} delivered: {} {target}",
                match action {
                    WebhookAction::Push => "push",
                    WebhookAction::Delete => "delete",
                }
            ),
            EventKind::ScaleOutPull { repo, digest, nodes, completed, throttled, retry_after_max_s } => {
                if *throttled == 0 {
                    format!("{nodes} nodes pulled {repo}@{}: all {completed} got the image", digest.short())
                } else {
                    format!(
                        "{nodes} nodes pulled {repo}@{}: {completed} got the image, {throttled} were refused with 429 TOOMANYREQUESTS (Retry-After up to {retry_after_max_s} s)",
                        digest.short()
                    )
                }
            }
            EventKind::RetentionPolicyChanged { enabled, days } => {
                if *enabled {
                    format!(
                        "retention policy enabled: manifests untagged from now on are deleted {days} day(s) after untagging; manifests untagged earlier are never touched"
                    )
                } else {
                    "retention policy disabled: queued retention deletes will not apply".to_string()
                }
            }
            EventKind::RetentionApplied { repo, digest, deleted, kept, .. } => match (deleted, kept) {
                (true, _) => format!("retention policy deleted untagged manifest {repo}@{}", digest.short()),
                (false, Some(why)) => format!("retention policy kept {repo}@{}: {why}", digest.short()),
                (false, None) => format!("retention policy kept {repo}@{}", digest.short()),
            },
            EventKind::RecordTampered { account, key, bit } => {
                format!("bit {bit} of {key} flipped in storage account {account}")
            }
        }
    }

    /// Every branch of `describe`, one event each.
    fn one_of_each() -> Vec<EventKind> {
        let (Ok(repo), Ok(other), Ok(tag), Ok(tag2)) =
            (RepoName::parse("demo/app"), RepoName::parse("demo/base"), Tag::parse("v1"), Tag::parse("v2"))
        else {
            panic!("names parse")
        };
        let (d, old) = (Digest::of(b"one"), Digest::of(b"two"));
        let reason = crate::engine::error::RegistryError::keyed(
            crate::engine::error::ErrorCode::Denied,
            "errors.key_refused_disabled",
            [Arg::Text("key/2".into())],
        );
        let outage = FaultKind::RegionOutage { region: "westeurope".into(), destroyed: false };
        let destroyed = FaultKind::RegionStorageFailure { destroyed: true, region: None };
        let manifest = Change::Manifest { repo: repo.clone(), digest: d, tag: Some(tag.clone()) };
        let untag = Change::Untag { repo: repo.clone(), tag: tag.clone() };
        let mut kinds = vec![];
        for (synthetic, deduplicated) in [(false, false), (false, true), (true, false), (true, true)] {
            kinds.push(EventKind::BlobPushed {
                repo: repo.clone(),
                digest: d,
                size_bytes: 31_457_280,
                deduplicated,
                synthetic,
            });
        }
        kinds.push(EventKind::BlobMounted { repo: repo.clone(), from: other.clone(), digest: d });
        for (tag, left) in
            [(None, None), (Some(tag.clone()), None), (None, Some(old)), (Some(tag.clone()), Some(old))]
        {
            kinds.push(EventKind::ManifestPushed { repo: repo.clone(), digest: d, tag, left_dangling: left });
        }
        kinds.extend([
            EventKind::Untagged { repo: repo.clone(), tag: tag.clone(), digest: d },
            EventKind::ManifestDeleted {
                repo: repo.clone(),
                digest: d,
                tags: vec![tag.clone(), tag2.clone()],
            },
            EventKind::RepositoryDeleted { repo: repo.clone(), manifests: 3 },
            EventKind::RecordReleased {
                account: "acct1".into(),
                key: "blob/ab".into(),
                logical_bytes: 3_000,
                reclaim_at_ms: Millis(600_000),
            },
            EventKind::RecordReclaimed {
                account: "acct1".into(),
                key: "blob/ab".into(),
                logical_bytes: 3_000,
            },
            EventKind::RecordTampered { account: "acct1".into(), key: "blob/ab".into(), bit: 7 },
            EventKind::TierChanged { from: Tier::Standard, to: Tier::Premium },
            EventKind::AttributesChanged {
                repo: repo.clone(),
                target: "repository".into(),
                attributes: Attributes { write_enabled: false, ..Attributes::default() },
            },
            EventKind::AttributesChanged {
                repo: repo.clone(),
                target: ":v1".into(),
                attributes: Attributes::default(),
            },
            EventKind::RateModelChanged { from: RateModel::Buckets2026, to: RateModel::PerMinute2019 },
            EventKind::KeyVersionAdded { key_id: "key/2".into(), adopt_at_ms: Some(Millis(3_600_000)) },
            EventKind::KeyVersionAdded { key_id: "key/2".into(), adopt_at_ms: None },
            EventKind::KeyRotated { from: "key/1".into(), to: "key/2".into(), automatic: true },
            EventKind::KeyRotated { from: "key/1".into(), to: "key/2".into(), automatic: false },
            EventKind::KeyRotationFailed {
                key_id: "key/2".into(),
                reason: reason.message.clone(),
                reason_text: reason.text.clone(),
            },
            EventKind::KeyRotationFailed {
                key_id: "key/2".into(),
                reason: "words".into(),
                reason_text: Msg::default(),
            },
        ]);
        for state in [KeyState::Enabled, KeyState::Disabled, KeyState::Deleted, KeyState::AccessRevoked] {
            kinds.push(EventKind::KeyAccessLost { state });
            kinds.push(EventKind::KeyRestored { from: state });
        }
        kinds.extend([
            EventKind::feature(Msg::new("events.webhook_added", [Arg::from("ci")])),
            // An event made without the catalogue's words shows its English as it is.
            EventKind::FeatureChanged { what: "words from elsewhere".into(), what_text: Msg::default() },
            EventKind::FaultStarted {
                id: 1,
                text: outage.describe(),
                lost_records: 0,
                text_msg: outage.describe_msg(),
            },
            EventKind::FaultStarted {
                id: 2,
                text: destroyed.describe(),
                lost_records: 4,
                text_msg: destroyed.describe_msg(),
            },
            EventKind::FaultHealed { id: 1, text: outage.describe(), text_msg: outage.describe_msg() },
            EventKind::FaultHealed { id: 3, text: "words".into(), text_msg: Msg::default() },
            EventKind::replica("eastus", Msg::key("events.replica_ready")),
            EventKind::ReplicaChanged { replica: "eastus", what: "words".into(), what_text: Msg::default() },
            EventKind::replicated("eastus", &manifest, "westeurope", Ok(()), Millis(1_234)),
            EventKind::replicated(
                "eastus",
                &untag,
                "westeurope",
                Err("a newer write of that tag won (last writer wins)".into()),
                Millis(1_234),
            ),
            EventKind::replicated("eastus", &untag, "westeurope", Err("words".into()), Millis(9)),
            EventKind::SoftDeleted { repo: repo.clone(), digest: d, tags: vec![], manifest: true },
            EventKind::SoftDeleted {
                repo: repo.clone(),
                digest: d,
                tags: vec![tag.clone(), tag2.clone()],
                manifest: true,
            },
            EventKind::SoftDeleted {
                repo: repo.clone(),
                digest: d,
                tags: vec![tag.clone()],
                manifest: false,
            },
            EventKind::SoftDeletePurged { manifests: 2, tags: 3, released_bytes: 4_096 },
            EventKind::SoftDeleteRestored { repo: repo.clone(), tag: tag.clone(), digest: d },
            EventKind::WebhookDelivered {
                webhook: "ci".into(),
                action: WebhookAction::Push,
                target: "demo/app:v1".into(),
            },
            EventKind::WebhookDelivered {
                webhook: "ci".into(),
                action: WebhookAction::Delete,
                target: "demo/app".into(),
            },
            EventKind::ScaleOutPull {
                repo: repo.clone(),
                digest: d,
                nodes: 50,
                completed: 50,
                throttled: 0,
                retry_after_max_s: 0,
            },
            EventKind::ScaleOutPull {
                repo: repo.clone(),
                digest: d,
                nodes: 50,
                completed: 30,
                throttled: 20,
                retry_after_max_s: 12,
            },
            EventKind::RetentionPolicyChanged { enabled: true, days: 7 },
            EventKind::RetentionPolicyChanged { enabled: false, days: 7 },
            EventKind::RetentionApplied {
                repo: repo.clone(),
                digest: d,
                deleted: true,
                kept: None,
                kept_text: None,
            },
            EventKind::retention_kept(repo.clone(), d, Msg::key("events.kept_locked")),
            EventKind::RetentionApplied {
                repo: repo.clone(),
                digest: d,
                deleted: false,
                kept: Some("it is locked".into()),
                kept_text: None,
            },
            EventKind::RetentionApplied { repo, digest: d, deleted: false, kept: None, kept_text: None },
        ]);
        kinds
    }

    /// Checks one event's sentence: the English as before, and Dutch and French filled and,
    /// when the sentence has words of its own, translated.
    fn check(kind: &EventKind, text: &str) {
        let msg = kind.describe_msg();
        assert_eq!(msg.text(Lang::En), legacy(kind), "{kind:?}: the English changed");
        assert_eq!(text, legacy(kind), "{kind:?}: the text the event carries");
        for lang in [Lang::Nl, Lang::Fr] {
            let words = msg.text(lang);
            assert!(!words.is_empty() && !words.contains("{0}"), "{kind:?} in {lang:?}: {words}");
            if msg.key.starts_with("events.")
                && crate::i18n::t(lang, msg.key) != crate::i18n::t(Lang::En, msg.key)
            {
                assert_ne!(words, msg.text(Lang::En), "{kind:?} is not translated into {lang:?}");
            }
        }
    }

    #[test]
    fn every_event_reads_as_it_did_in_english_and_is_translated() {
        let kinds = one_of_each();
        for kind in &kinds {
            check(kind, &kind.describe());
        }
        // Every variant is among them.
        let variants: std::collections::BTreeSet<String> = kinds
            .iter()
            .map(|k| format!("{k:?}").split([' ', '{', '(']).next().unwrap_or_default().to_string())
            .collect();
        assert_eq!(variants.len(), 29, "{variants:?}");
    }

    /// The built-in scenarios' runs, which touch most kinds of event: every event's text is the
    /// English it always was (their event-log hashes are checked by `tests/scenarios.rs`).
    #[test]
    fn the_built_in_scenarios_log_the_same_english() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/scenarios");
        let Ok(entries) = std::fs::read_dir(&dir) else { panic!("{} is missing", dir.display()) };
        let mut kinds = std::collections::BTreeSet::new();
        let mut events = 0;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "json") || path.ends_with("index.json") {
                continue;
            }
            let Ok(json) = std::fs::read_to_string(&path) else { panic!("cannot read {}", path.display()) };
            let (r, _) = Registry::run_scenario(&json).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            for e in r.events() {
                check(&e.kind, &e.text);
                assert!(
                    !english_only(&e.kind),
                    "{}: {:?} shows English in every language",
                    path.display(),
                    e.kind
                );
                kinds.insert(
                    format!("{:?}", e.kind).split([' ', '{', '(']).next().unwrap_or_default().to_string(),
                );
                events += 1;
            }
        }
        assert!(events > 100 && kinds.len() >= 15, "{events} events of {} kinds: {kinds:?}", kinds.len());
    }

    /// Whether the engine's words an event carries have no catalogue text, so that the page would
    /// show them in English whatever its language.
    fn english_only(kind: &EventKind) -> bool {
        match kind {
            EventKind::FeatureChanged { what_text: m, .. }
            | EventKind::FaultStarted { text_msg: m, .. }
            | EventKind::FaultHealed { text_msg: m, .. }
            | EventKind::ReplicaChanged { what_text: m, .. }
            | EventKind::KeyRotationFailed { reason_text: m, .. } => m.key.is_empty(),
            // A refusal's reason is a catalogue text too.
            EventKind::Replicated { what_text: m, .. } => {
                m.key.is_empty()
                    || m.key == "events.replicated_failed" && !matches!(m.args.get(2), Some(Arg::Msg(_)))
            }
            EventKind::RetentionApplied { kept: Some(_), kept_text, .. } => {
                kept_text.as_ref().is_none_or(|m| m.key.is_empty())
            }
            _ => false,
        }
    }

    /// The engine's words in events, made from the catalogue, read exactly as the English the
    /// engine wrote before (`format!` at each site): that English is in the events' JSON and so in
    /// the event-log hash.
    #[test]
    fn engine_words_read_as_the_engine_wrote_them() {
        let words = |key: &'static str, args: &[&str]| {
            Msg::new(key, args.iter().map(|a| Arg::Text(a.to_string()))).text(Lang::En)
        };
        let cases: [(&str, &[&str], &str); 24] = [
            ("events.webhook_added", &["ci"], "webhook ci added"),
            ("events.webhook_removed", &["ci"], "webhook ci removed"),
            ("events.endpoint_added", &["hub1"], "private endpoint hub1 added"),
            ("events.endpoint_removed", &["hub1"], "private endpoint hub1 removed"),
            ("events.content_trust_enabled", &[], "content trust enabled"),
            ("events.content_trust_disabled", &[], "content trust disabled"),
            (
                "events.soft_delete_enabled",
                &["7"],
                "soft delete enabled: deleted and untagged items stay restorable (and billed) for 7 day(s)",
            ),
            (
                "events.soft_delete_disabled",
                &[],
                "soft delete disabled: deletes are permanent again (items already in a bin stay until purged)",
            ),
            ("events.geo_lag_set", &["00:10:00.000"], "geo-redundant storage lag set to 00:10:00.000"),
            (
                "events.large_preset",
                &["1000", "10000", "200", "123456"],
                "large preset: 1000 repositories, 10000 tags over 200 images (123456 bytes billed)",
            ),
            (
                "events.wrong_bytes",
                &["demo/app", "sha256:abc", "3"],
                "BUG: wrong bytes served for demo/app@sha256:abc; the run stops (3 queued operations dropped)",
            ),
            (
                "events.converged",
                &["1234"],
                "every replica holds the same content again, 1234 ms after the last fault healed",
            ),
            ("events.replica_adding", &[], "added: creating"),
            (
                "events.replica_created",
                &["12", "westeurope"],
                "created: syncing 12 change(s) from westeurope",
            ),
            ("events.replica_ready", &[], "ready"),
            ("events.replica_removed", &[], "removed with its data"),
            ("events.replica_routing_on", &[], "back in routing"),
            ("events.replica_routing_off", &[], "out of routing (still syncing)"),
            (
                "events.replica_failed_over",
                &[],
                "routing failed over: the global endpoint no longer sends requests here",
            ),
            (
                "events.replica_repaired",
                &["3"],
                "repair after a destruction: the replicas compared what they hold and sent 3 missing change(s)",
            ),
            ("events.kept_policy_disabled", &[], "the policy was disabled after the untag"),
            ("events.kept_tagged_again", &[], "it was tagged again after this untag"),
            (
                "events.kept_repository_locked",
                &[],
                "its repository is locked (deleteEnabled or writeEnabled is false)",
            ),
            ("events.kept_locked", &[], "it is locked (deleteEnabled or writeEnabled is false)"),
        ];
        for (key, args, english) in cases {
            assert_eq!(words(key, args), english, "{key}");
            for lang in [Lang::Nl, Lang::Fr] {
                let m = Msg::new(key, args.iter().map(|a| Arg::Text(a.to_string())));
                assert_ne!(m.text(lang), english, "{key} is not translated into {lang:?}");
            }
        }
        // What a replica applied: `Change::describe` as it was.
        let (Ok(repo), Ok(tag)) = (RepoName::parse("demo/app"), Tag::parse("v1")) else {
            panic!("names parse")
        };
        let d = Digest::of(b"one");
        let changes = [
            Change::Blob { repo: repo.clone(), digest: d },
            Change::Manifest { repo: repo.clone(), digest: d, tag: Some(tag.clone()) },
            Change::Manifest { repo: repo.clone(), digest: d, tag: None },
            Change::Untag { repo: repo.clone(), tag: tag.clone() },
            Change::DeleteManifest { repo: repo.clone(), digest: d },
            Change::DeleteRepository { repo: repo.clone() },
            Change::Attributes { repo: repo.clone(), target: None, attributes: Attributes::default() },
        ];
        for change in &changes {
            assert_eq!(change.describe_msg().text(Lang::En), change.describe(), "{change:?}");
            let applied = EventKind::replicated("eastus", change, "westeurope", Ok(()), Millis(5));
            let EventKind::Replicated { what, .. } = &applied else { panic!("{applied:?}") };
            assert_eq!(*what, format!("applied {} from westeurope", change.describe()));
            let refused = EventKind::replicated(
                "eastus",
                change,
                "westeurope",
                Err(Msg::from("why".to_string())),
                Millis(5),
            );
            let EventKind::Replicated { what, .. } = &refused else { panic!("{refused:?}") };
            assert_eq!(*what, format!("could not apply {} from westeurope: why", change.describe()));
        }
    }

    /// A replica's refusals read in English as they always have (the event's text, and so the
    /// event-log hash, holds them), and are translated.
    #[test]
    fn refusals_read_as_before() {
        let cases = [
            (Msg::key("events.refused_blob_gone"), "the blob is gone from the source"),
            (Msg::key("events.refused_manifest_gone"), "the manifest is gone from the source"),
            (
                Msg::new("events.refused_blobs_missing", [Arg::Text("2".into())]),
                "MANIFEST_BLOB_UNKNOWN: 2 of its blobs have not arrived",
            ),
            (Msg::key("events.refused_newer_tag"), "a newer write of that tag won (last writer wins)"),
            (Msg::key("events.refused_no_repository"), "the repository has not arrived"),
            (Msg::key("events.refused_no_target"), "its tag or manifest is not here"),
        ];
        for (m, english) in cases {
            assert_eq!(m.text(Lang::En), english);
            assert_ne!(m.text(Lang::Nl), english);
            assert_ne!(m.text(Lang::Fr), english);
        }
    }
}
