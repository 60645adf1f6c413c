//! The event queue: every later effect of an operation (today: garbage collection; later:
//! replication, retention, webhooks, failover) is a job due at a virtual time. Jobs run in
//! (time, sequence) order, so the same operations always run the same way.

use std::collections::BTreeMap;

use serde::Serialize;

use super::clock::Millis;
use super::digest::Digest;
use super::features::WebhookAction;
use super::names::RepoName;
use super::replication::Change;
use super::scenario::WorkloadOp;
use super::storage_account::RecordKey;

/// Most jobs the queue holds (a bound on every queue).
pub const QUEUE_MAX: usize = 1 << 22;

/// Something the registry does later.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Job {
    /// Garbage collection: reclaim a record's space if it is still released.
    Reclaim {
        site: &'static str,
        key: RecordKey,
    },
    /// Automatic key rotation: the registry adopts a new version of its customer-managed key.
    AdoptKeyVersion {
        version: u32,
    },
    /// The retention policy's delete of a manifest untagged at `untagged_at`, if it still applies.
    Retention {
        site: &'static str,
        repo: RepoName,
        digest: Digest,
        untagged_at: Millis,
    },
    /// A webhook's delivery of a push or delete.
    Webhook {
        webhook: String,
        action: WebhookAction,
        target: String,
    },
    /// Soft delete's periodic purge (every 24 hours while anything is soft-deleted).
    SoftDeletePurge,
    /// Geo-redundant storage: the record written at `written_at` reaches the paired region.
    GeoCopy {
        site: &'static str,
        key: RecordKey,
        written_at: Millis,
    },
    /// Geo-replication: a change made in `from` reaches the replica in `to`.
    Replicate {
        from: &'static str,
        to: &'static str,
        change: Change,
        made_at: Millis,
        initial: bool,
    },
    /// A new replica finishes creating and starts its initial sync.
    ReplicaCreated {
        region: &'static str,
    },
    FaultStart {
        id: u32,
    },
    /// Traffic Manager routes around a region that is down.
    Failover {
        id: u32,
    },
    /// A step of the loaded scenario.
    ScenarioStep {
        index: u32,
    },
    /// One client operation a workload queued.
    Workload {
        op: WorkloadOp,
    },
    FaultEnd {
        id: u32,
    },
}

/// A job as the page and the JS API see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobView {
    pub at_ms: Millis,
    pub kind: &'static str,
    pub target: String,
}

impl Job {
    /// The job's kind as the page and the JS API name it.
    pub fn kind(&self) -> &'static str {
        match self {
            Job::Reclaim { .. } => "reclaim",
            Job::Replicate { .. } => "replicate",
            Job::ReplicaCreated { .. } => "replica-created",
            Job::AdoptKeyVersion { .. } => "adopt-key-version",
            Job::Webhook { .. } => "webhook",
            Job::GeoCopy { .. } => "geo-copy",
            Job::ScenarioStep { .. } => "scenario-step",
            Job::Workload { .. } => "workload",
            Job::Failover { .. } => "failover",
            Job::FaultStart { .. } => "fault-start",
            Job::FaultEnd { .. } => "fault-end",
            Job::SoftDeletePurge => "soft-delete-purge",
            Job::Retention { .. } => "retention-delete",
        }
    }

    /// What the job is about, in a few words.
    fn target(&self) -> String {
        match self {
            Job::Reclaim { key, .. } | Job::GeoCopy { key, .. } => key.to_string(),
            Job::Replicate { from, to, change, .. } => format!("{from} → {to}: {}", change.describe()),
            Job::ReplicaCreated { region } => region.to_string(),
            Job::AdoptKeyVersion { version } => format!("version {version}"),
            Job::Webhook { webhook, target, .. } => format!("{webhook}: {target}"),
            Job::ScenarioStep { index } => format!("step {}", index + 1),
            Job::Workload { op: WorkloadOp::Push { client, n, .. } } => format!("{client} pushes v{n}"),
            Job::Workload { op: WorkloadOp::Pull { client, .. } } => format!("{client} pulls"),
            Job::Failover { id } | Job::FaultStart { id } | Job::FaultEnd { id } => format!("fault {id}"),
            Job::SoftDeletePurge => "expired soft-deleted items".into(),
            Job::Retention { repo, digest, .. } => format!("{repo}@{digest}"),
        }
    }

    pub fn view(&self, at_ms: Millis) -> JobView {
        JobView { at_ms, kind: self.kind(), target: self.target() }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Queue {
    jobs: BTreeMap<(Millis, u64), Job>,
    next_seq: u64,
    /// The keys of the replication jobs: views of changes in flight read these without
    /// walking a queue that may hold a hundred thousand workload jobs.
    replicate: std::collections::BTreeSet<(Millis, u64)>,
}

impl Queue {
    /// Schedules `job` at `at`. Returns false (and schedules nothing) when the queue is full.
    pub fn push(&mut self, at: Millis, job: Job) -> bool {
        if self.jobs.len() >= QUEUE_MAX {
            return false;
        }
        self.next_seq += 1;
        if matches!(job, Job::Replicate { .. }) {
            self.replicate.insert((at, self.next_seq));
        }
        self.jobs.insert((at, self.next_seq), job);
        true
    }

    /// The earliest job due at or before `until`, removed from the queue.
    pub fn pop_due(&mut self, until: Millis) -> Option<(Millis, Job)> {
        let (&(at, seq), _) = self.jobs.first_key_value()?;
        if at > until {
            return None;
        }
        self.replicate.remove(&(at, seq));
        self.jobs.remove(&(at, seq)).map(|job| (at, job))
    }

    /// Removes every job `drop` selects; returns how many went.
    pub fn remove_where(&mut self, drop: impl Fn(&Job) -> bool) -> usize {
        let before = self.jobs.len();
        let replicate = &mut self.replicate;
        self.jobs.retain(|key, job| {
            let keep = !drop(job);
            if !keep {
                replicate.remove(key);
            }
            keep
        });
        before - self.jobs.len()
    }

    /// The queued replication jobs with their times, in the order they will run.
    pub fn replications(&self) -> impl Iterator<Item = (&Job, Millis)> {
        self.replicate.iter().filter_map(|key| self.jobs.get(key).map(|job| (job, key.0)))
    }

    /// Every queued job with its time, in the order they will run.
    pub fn iter(&self) -> impl Iterator<Item = (&Job, Millis)> {
        self.jobs.iter().map(|((at, _), job)| (job, *at))
    }

    /// The first queued job `pick` selects, with its time.
    pub fn find<T>(&self, pick: impl Fn(&Job) -> Option<T>) -> Option<(T, Millis)> {
        self.jobs.iter().find_map(|((at, _), job)| pick(job).map(|t| (t, *at)))
    }

    pub fn next_due(&self) -> Option<Millis> {
        self.jobs.keys().next().map(|(at, _)| *at)
    }

    pub fn len(&self) -> usize {
        self.jobs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.jobs.is_empty()
    }

    /// The first `n` jobs in the order they will run.
    pub fn views(&self, n: usize) -> Vec<JobView> {
        self.jobs.iter().take(n).map(|((at, _), job)| job.view(*at)).collect()
    }
}
