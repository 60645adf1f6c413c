//! Native throughput: `cargo run --release --example bench`.
use std::time::Instant;

use stowage::engine::{LayerInput, RateModel, Registry, RegistryOptions};

fn main() {
    let t0 = Instant::now();
    let now = || t0.elapsed().as_secs_f64() * 1000.0;
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
