//! Metrics for the page's charts (issue #5, "Look and feel"): sampled over virtual time as
//! the run goes, bounded however long it runs, with the tier's storage and rate lines.
#![cfg(not(target_arch = "wasm32"))]

use stowage::engine::metrics::SAMPLES_MAX;
use stowage::engine::{LayerInput, Millis};

mod common;
use common::premium;

#[test]
fn samples_follow_storage_requests_and_lag_and_stay_bounded() {
    let mut r = premium("westeurope");
    r.add_replica("eastus").unwrap();
    r.run_until_idle();
    for i in 0..3u64 {
        r.push_image(
            "app",
            &format!("v{i}"),
            vec![LayerInput::Synthetic { size_bytes: 1 << 20, seed: Some(i) }],
        )
        .unwrap();
        r.run_for(Millis::MINUTE);
    }
    let m = r.metrics();
    assert_eq!(m.regions, ["westeurope", "eastus"]);
    assert_eq!(m.reads_per_minute_limit, Some(20_000 * 60), "Premium, 2026 buckets: 20,000 reads a second");
    assert_eq!(m.writes_per_minute_limit, Some(4_000 * 60));
    assert_eq!(m.included_bytes, r.tier().included_bytes);
    let last = m.samples.last().unwrap();
    assert_eq!(last.at_ms, r.now());
    assert_eq!(last.billed_bytes, r.usage().total_billed_bytes);
    assert!(last.writes >= 3 * 3, "each push is at least a write per blob and the manifest: {}", last.writes);
    // Billed storage only grows here, sample after sample.
    assert!(m.samples.windows(2).all(|w| w[0].billed_bytes <= w[1].billed_bytes && w[0].at_ms < w[1].at_ms));
    // A long run with many events keeps a bounded series, thinned evenly.
    for i in 0..2_000u64 {
        r.push_image(
            "many",
            &format!("t{i}"),
            vec![LayerInput::File { name: "f".into(), bytes: i.to_le_bytes().to_vec() }],
        )
        .unwrap();
        r.run_for(Millis(5_000));
    }
    let m = r.metrics();
    assert!(m.samples.len() <= SAMPLES_MAX + 1, "{}", m.samples.len());
    assert!(m.every_ms > 1_000, "the interval doubled as the series filled: {}", m.every_ms);
}
