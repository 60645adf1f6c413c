//! Native throughput: `cargo run --release --example bench`.
use std::time::Instant;

use stowage::engine::{LayerInput, RateModel, Registry, RegistryOptions};

fn main() {
    let t0 = Instant::now();
    let now = || t0.elapsed().as_secs_f64() * 1000.0;
    session_saving();
    if std::env::var("SESSION_ONLY").is_ok() {
        return;
    }
    let figures = stowage::engine::bench::run(16 << 20, 5, &now);
    println!("native, 16 MiB buffer, best of 5 rounds");
    print!("{}", stowage::engine::bench::report(&figures));

    // Request admission: a 10,000-node scale-out pull, one identity per node, under each
    // rate model; "off" (no buckets) is the baseline measured in the same run.
    println!("\nrequest admission, 10,000 nodes × 3 reads, best of 5 rounds");
    let mut baseline = 0.0;
    for model in [RateModel::Unlimited, RateModel::Buckets2026, RateModel::PerMinute2019] {
        let mut best = f64::MAX;
        for _ in 0..5 {
            let mut r = Registry::new(RegistryOptions { rate_model: model, ..RegistryOptions::default() })
                .expect("registry");
            r.push_image("app", "v1", vec![LayerInput::File { name: "l".into(), bytes: vec![7; 1000] }])
                .expect("push");
            let start = Instant::now();
            let report = r.scale_out_pull("app", "v1", 10_000, false).expect("pull");
            best = best.min(start.elapsed().as_secs_f64());
            assert_eq!(report.nodes, 10_000);
        }
        let per_s = 10_000.0 / best;
        if model == RateModel::Unlimited {
            baseline = per_s;
        }
        println!(
            "{:>5}: {:>12.0} node pulls/s ({:.2}× the no-limit baseline)",
            model.as_str(),
            per_s,
            per_s / baseline
        );
    }

    // The workload benchmark: client operations per second (the same scenario the page's
    // `stowage.benchmarkWorkload(n)` plays in Chromium).
    let operations: u64 = std::env::var("OPS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    match stowage::engine::bench::workload(operations, &now) {
        Ok(f) => println!(
            "\nworkload: {} client operations ({} pushes, {} pulls, {} events) in {:.0} ms: {:.0} operations/s",
            f.operations,
            f.pushes,
            f.pulls,
            f.events,
            f.ms,
            f.ops_per_s()
        ),
        Err(e) => println!("\nworkload failed: {e}"),
    }

    match stowage::engine::bench::large_preset(100_000, 10, &now) {
        Ok(f) => println!("\n{}", f.report()),
        Err(e) => println!("\nlarge preset failed: {e}"),
    }
}

/// Saving a session as the page does after each change: the whole text (the baseline, measured
/// in the same run) against a part with what changed since the last save; and restoring the
/// text alone against the text and 63 parts.
fn session_saving() {
    let mut r = Registry::new(RegistryOptions::default()).expect("registry");
    for i in 0..1_260u32 {
        let bytes = format!("layer {i}").into_bytes();
        r.push_image("app", &format!("v{i}"), vec![LayerInput::File { name: "l".into(), bytes }])
            .expect("push");
        r.run_for(stowage::engine::Millis(1_000));
    }
    let best = |f: &mut dyn FnMut() -> usize| {
        let mut ms = f64::MAX;
        let mut bytes = 0;
        for _ in 0..5 {
            let start = Instant::now();
            bytes = f();
            ms = ms.min(start.elapsed().as_secs_f64() * 1000.0);
        }
        (ms, bytes)
    };
    let (whole_ms, whole_bytes) = best(&mut || r.save_session_marked().expect("save").0.len());
    let (text, mut mark) = r.save_session_marked().expect("save");
    r.push_image("app", "one-more", vec![LayerInput::File { name: "l".into(), bytes: b"x".to_vec() }])
        .expect("push");
    let (part_ms, part_bytes) =
        best(&mut || r.session_part(&mark).expect("part").expect("a part says it").0.len());
    println!(
        "session of {} actions: whole text {whole_bytes} bytes in {} ms; a part after one more push {part_bytes} bytes in {} ms ({:.1}× faster, {:.0}× smaller)",
        r.journal().entries.len() - 1,
        stowage::engine::bench::fixed(whole_ms, 3),
        stowage::engine::bench::fixed(part_ms, 3),
        whole_ms / part_ms,
        whole_bytes as f64 / part_bytes as f64
    );
    // Restoring: the text alone (everything saved whole) against the same session as the text
    // and 63 parts.
    let mut parts = vec![];
    for i in 0..63u32 {
        r.run_for(stowage::engine::Millis(500));
        r.untag("app", &format!("v{i}")).expect("untag");
        let (p, next) = r.session_part(&mark).expect("part").expect("a part says it");
        parts.push(p);
        mark = next;
    }
    let whole = r.save_session().expect("save");
    let (alone_ms, _) = best(&mut || Registry::load_session(&whole).expect("load").journal().entries.len());
    let (parts_ms, _) =
        best(&mut || Registry::load_session_parts(&text, &parts).expect("load").journal().entries.len());
    println!(
        "restore of {} actions: whole text {} ms, text and {} parts {} ms ({:.2}× the whole text)",
        r.journal().entries.len(),
        stowage::engine::bench::fixed(alone_ms, 1),
        parts.len(),
        stowage::engine::bench::fixed(parts_ms, 1),
        parts_ms / alone_ms
    );
}
