//! Metrics over virtual time, for the page's charts: storage billed and stored (beside the
//! tier's included amount and limit), requests admitted (beside the rate limit), replication
//! lag per replica, and the oracle's counts. A sample is taken as events are logged, at most
//! once per interval of virtual time; when the series is full every other sample goes and the
//! interval doubles, so a run of any length keeps a bounded, evenly spread series. Sampling
//! reads the registry and never changes what it decides.

use std::collections::BTreeMap;

use serde::Serialize;

use super::clock::Millis;
use super::registry::Registry;
use super::throttle::{Category, RateModel, limit};

/// Most samples kept.
pub const SAMPLES_MAX: usize = 512;
/// The first sampling interval (virtual time).
pub const SAMPLE_EVERY_MS: u64 = 1_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sample {
    pub at_ms: Millis,
    pub billed_bytes: u64,
    pub stored_bytes: u64,
    /// Requests admitted so far (cumulative): the chart draws the rate between samples.
    pub reads: u64,
    pub writes: u64,
    /// Per replica (in `MetricsView::regions` order): how old the oldest change on its way
    /// there is (0: in sync).
    pub lag_ms: Vec<u64>,
    pub pushes_ok: u64,
    pub pushes_failed: u64,
    pub pulls_ok: u64,
    pub pulls_failed: u64,
    pub stale_pulls: u64,
}

#[derive(Clone, Debug, Default)]
pub struct Metrics {
    samples: Vec<Sample>,
    every_ms: u64,
    next_at: Millis,
}

/// The series and the lines to draw beside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricsView {
    pub samples: Vec<Sample>,
    /// The replicas, home first, as the samples' `lag_ms` lists them (the current set: a
    /// replica added later has 0 in earlier samples).
    pub regions: Vec<&'static str>,
    pub included_bytes: u64,
    pub limit_bytes: u64,
    /// The registry-wide read and write limits, per minute (None: not limited).
    pub reads_per_minute_limit: Option<u64>,
    pub writes_per_minute_limit: Option<u64>,
    /// How far apart samples are now.
    pub every_ms: u64,
}

impl Registry {
    /// Called as each event is logged: a sample if one is due.
    pub(super) fn maybe_sample(&mut self) {
        // Only while home's data is the active site (a replica's event is logged with its
        // data swapped in; the registry-wide sums are read from home).
        if self.now < self.metrics.next_at || self.active != 0 {
            return;
        }
        let s = self.sample_now();
        self.metrics.push(s);
    }

    fn sample_now(&self) -> Sample {
        let usage = self.usage();
        let views = self.replicas();
        let o = &self.oracle;
        let (pushes_ok, pushes_failed, pulls_ok, pulls_failed, stale) = o.counts();
        Sample {
            at_ms: self.now,
            billed_bytes: usage.total_billed_bytes,
            stored_bytes: usage.total_stored_bytes,
            reads: self.throttle.admitted(Category::Read),
            writes: self.throttle.admitted(Category::Write),
            lag_ms: views.iter().map(|v| v.lag_ms.map_or(0, |m| m.0)).collect(),
            pushes_ok,
            pushes_failed,
            pulls_ok,
            pulls_failed,
            stale_pulls: stale,
        }
    }

    /// The series so far, with a last sample taken now.
    pub fn metrics(&self) -> MetricsView {
        let mut samples = self.metrics.samples.clone();
        if samples.last().is_none_or(|s| s.at_ms < self.now) {
            samples.push(self.sample_now());
        }
        let tier = self.tier();
        let model = self.throttle.model();
        let per_minute = |c: Category| {
            limit(model, tier.tier, c).map(|l| match model {
                RateModel::PerMinute2019 => l.per_registry,
                _ => l.per_registry.saturating_mul(60),
            })
        };
        MetricsView {
            samples,
            regions: self.replicas.iter().map(|r| r.region.name).collect(),
            included_bytes: tier.included_bytes,
            limit_bytes: tier.limit_bytes,
            reads_per_minute_limit: per_minute(Category::Read),
            writes_per_minute_limit: per_minute(Category::Write),
            every_ms: self.metrics.every_ms.max(SAMPLE_EVERY_MS),
        }
    }
}

impl Metrics {
    fn push(&mut self, s: Sample) {
        let every = self.every_ms.max(SAMPLE_EVERY_MS);
        self.next_at = Millis(s.at_ms.0.saturating_add(every));
        self.samples.push(s);
        if self.samples.len() >= SAMPLES_MAX {
            let mut i = 0;
            self.samples.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.every_ms = every.saturating_mul(2);
        }
    }
}

/// The oracle's totals in one tuple, for samples.
pub(super) fn failed_total(m: &BTreeMap<&'static str, u64>) -> u64 {
    m.values().sum()
}
