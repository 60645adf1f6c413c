//! Throughput measurement shared by the native and the browser benchmark: the registry's push
//! (hash + seal) and pull (unwrap + open + re-hash) beside raw SHA-256 and raw AES-256-GCM on
//! the same buffer in the same run, so the ratios hold whatever the machine's speed.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Key, Nonce};

use super::digest::Digest;
use super::registry::{Registry, RegistryOptions};

/// One measured line: a name and MB/s (10^6 bytes per second).
#[derive(Clone, Debug)]
pub struct Figure {
    pub name: &'static str,
    pub mb_per_s: f64,
}

/// Runs each operation `rounds` times on `size_bytes` and keeps the best round; `now_ms` is
/// the caller's clock (std::time natively, performance.now() in the browser).
pub fn run(size_bytes: usize, rounds: usize, now_ms: &dyn Fn() -> f64) -> Vec<Figure> {
    let buf: Vec<u8> = (0..size_bytes).map(|i| (i * 31 % 251) as u8).collect();
    let mb = size_bytes as f64 / 1e6;
    let best = |f: &mut dyn FnMut()| {
        let mut best_ms = f64::MAX;
        for _ in 0..rounds {
            let t = now_ms();
            f();
            best_ms = best_ms.min((now_ms() - t).max(1e-3));
        }
        mb / (best_ms / 1000.0)
    };
    let cipher = Aes256Gcm::new(&Key::<Aes256Gcm>::from([7u8; 32]));
    let mut sink = 0usize;
    let sha = best(&mut || sink ^= Digest::of(&buf).as_bytes()[0] as usize);
    let aes =
        best(&mut || sink ^= cipher.encrypt(&Nonce::from([1u8; 12]), buf.as_slice()).map_or(0, |c| c.len()));
    let mut push = 0.0;
    let mut pull = 0.0;
    if let Ok(mut reg) = Registry::new(RegistryOptions::default()) {
        let mut i = 0u32;
        push = best(&mut || {
            i += 1;
            let _ = reg.push_blob(&format!("bench{i}"), &buf, None);
            let _ = reg.delete_repository(&format!("bench{i}"));
        });
        let digest = reg.push_blob("bench", &buf, None).map(|d| d.to_string()).unwrap_or_default();
        pull = best(&mut || sink ^= reg.pull_blob("bench", &digest).map_or(0, |b| b.len()));
    }
    std::hint::black_box(sink);
    vec![
        Figure { name: "sha256 (baseline)", mb_per_s: sha },
        Figure { name: "aes-256-gcm encrypt (baseline)", mb_per_s: aes },
        Figure { name: "push_blob: sha256 + seal", mb_per_s: push },
        Figure { name: "pull_blob: open + sha256 verify", mb_per_s: pull },
    ]
}

/// The figures as a table, each with its ratio to the AES-GCM baseline.
pub fn report(figures: &[Figure]) -> String {
    let aes = figures.get(1).map_or(1.0, |f| f.mb_per_s);
    let mut out = String::new();
    for f in figures {
        let speed = fixed(f.mb_per_s, 1);
        let ratio = fixed(f.mb_per_s / aes, 2);
        out += &format!("{:<34} {speed:>9} MB/s  {ratio:>5}× aes-gcm\n", f.name);
    }
    out
}

/// `x` with `places` decimals, by integer arithmetic (float formatting would add several KiB
/// of formatting routines to the wasm bundle).
pub fn fixed(x: f64, places: u32) -> String {
    let scale = 10u64.pow(places);
    let n = (x.max(0.0) * scale as f64).round() as u64;
    if places == 0 {
        return n.to_string();
    }
    format!("{}.{:0width$}", n / scale, n % scale, width = places as usize)
}

/// What the workload benchmark measured.
#[derive(Clone, Debug)]
pub struct WorkloadFigure {
    pub operations: u64,
    pub pushes: u64,
    pub pulls: u64,
    pub events: u64,
    pub ms: f64,
}

impl WorkloadFigure {
    pub fn ops_per_s(&self) -> f64 {
        self.operations as f64 / (self.ms.max(1e-3) / 1000.0)
    }
}

/// The scenario the workload benchmark plays: a Premium registry in East US with a replica in
/// West US, a client in each, and `operations` client operations (one push in ten, the rest
/// pulls of the newest tags) in blocks of at most 100,000 an hour. Pushes re-tag
/// deduplicated content, so memory stays flat however many operations run.
pub fn workload_scenario(operations: u64) -> String {
    let blocks = operations.div_ceil(100_000).max(1);
    let per_minute = (operations / blocks / 60).max(10);
    let mut steps = vec![
        r#"{"atMs":0,"action":{"do":"addReplica","region":"westus"}}"#.to_string(),
        r#"{"atMs":0,"action":{"do":"addClient","name":"east","region":"eastus"}}"#.to_string(),
        r#"{"atMs":0,"action":{"do":"addClient","name":"west","region":"westus"}}"#.to_string(),
        r#"{"atMs":0,"action":{"do":"setRateModel","model":"off"}}"#.to_string(),
    ];
    for b in 0..blocks {
        steps.push(format!(
            r#"{{"atMs":{},"action":{{"do":"workload","clients":["east","west"],"durationMs":3600000,"pushesPerMinute":{},"pullsPerMinute":{},"repos":8,"layerBytes":256,"sharedLayers":2,"uniqueLayer":false,"tags":4}}}}"#,
            300_000 + b * 3_600_000,
            per_minute / 10,
            per_minute - per_minute / 10
        ));
    }
    format!(
        r#"{{"name":"benchmark","registry":{{"name":"benchmark","seed":1,"tier":"Premium","region":"eastus"}},"steps":[{}]}}"#,
        steps.join(",")
    )
}

/// Plays the workload scenario and times it with the caller's clock.
pub fn workload(operations: u64, now_ms: &dyn Fn() -> f64) -> Result<WorkloadFigure, String> {
    let json = workload_scenario(operations);
    let start = now_ms();
    let (_, run) = Registry::run_scenario(&json).map_err(|e| e.to_string())?;
    let ms = now_ms() - start;
    let o = &run.oracle;
    let pushes = o.pushes_ok + o.pushes_failed.values().sum::<u64>();
    let pulls = o.pulls_ok + o.pulls_failed.values().sum::<u64>();
    Ok(WorkloadFigure { operations: pushes + pulls, pushes, pulls, events: run.events, ms })
}

/// The large preset, timed: the load, a catalog page and a tag page (averaged over many), and
/// as a baseline in the same run, building a plain ordered map of as many tag names.
#[derive(Clone, Debug, PartialEq)]
pub struct PresetFigure {
    pub repositories: u32,
    pub tags: u64,
    pub load_ms: f64,
    pub baseline_ms: f64,
    pub catalog_page_ms: f64,
    pub tag_page_ms: f64,
}

pub fn large_preset(
    repos: u32,
    tags_per_repo: u32,
    now_ms: &dyn Fn() -> f64,
) -> Result<PresetFigure, String> {
    let tags = u64::from(repos) * u64::from(tags_per_repo);
    let start = now_ms();
    let mut baseline: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for i in 0..tags {
        baseline.insert(format!("{}:v{}", super::preset::preset_repo((i / 10) as u32), i % 10), i);
    }
    let baseline_ms = now_ms() - start;
    drop(baseline);
    let mut r = Registry::new(super::registry::RegistryOptions {
        tier: super::tier::Tier::Premium,
        ..Default::default()
    })
    .map_err(|e| e.to_string())?;
    let start = now_ms();
    let report = r.load_large_preset(repos, tags_per_repo).map_err(|e| e.to_string())?;
    let load_ms = now_ms() - start;
    const PAGES: u32 = 1_000;
    let start = now_ms();
    for k in 0..PAGES {
        let last = super::preset::preset_repo((k * 97) % repos);
        r.catalog_with_hidden(None, Some(&last)).map_err(|e| e.to_string())?;
    }
    let catalog_page_ms = (now_ms() - start) / f64::from(PAGES);
    let start = now_ms();
    for k in 0..PAGES {
        r.tag_page(&super::preset::preset_repo((k * 89) % repos), None, None).map_err(|e| e.to_string())?;
    }
    let tag_page_ms = (now_ms() - start) / f64::from(PAGES);
    Ok(PresetFigure {
        repositories: report.repositories,
        tags: report.tags,
        load_ms,
        baseline_ms,
        catalog_page_ms,
        tag_page_ms,
    })
}

impl PresetFigure {
    pub fn report(&self) -> String {
        format!(
            "large preset: {} repositories, {} tags loaded in {:.0} ms ({:.2}× building a plain ordered map of {} tag names: {:.0} ms); a catalog page of 100 in {:.4} ms, a tag page in {:.4} ms",
            self.repositories,
            self.tags,
            self.load_ms,
            self.load_ms / self.baseline_ms.max(1e-3),
            self.tags,
            self.baseline_ms,
            self.catalog_page_ms,
            self.tag_page_ms
        )
    }
}
