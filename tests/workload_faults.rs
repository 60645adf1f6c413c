//! Property test over seeds: random workloads on a three-region registry under random
//! schedules of recoverable faults. Whatever the schedule: no wrong bytes are ever served, the
//! storage accounting of every replica stays exact, no acknowledged push is lost (nothing was
//! destroyed), and after every fault heals the replicas converge within ten virtual minutes.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use stowage::engine::{Millis, Registry};

const REGIONS: [&str; 3] = ["westeurope", "eastus", "japaneast"];

fn fault() -> impl Strategy<Value = String> {
    let region = prop::sample::select(REGIONS.to_vec());
    let pair = (prop::sample::select(REGIONS.to_vec()), prop::sample::select(REGIONS.to_vec()))
        .prop_filter("two regions", |(a, b)| a != b);
    prop_oneof![
        region.clone().prop_map(|r| format!(r#"{{"kind":"regionOutage","region":"{r}","destroyed":false}}"#)),
        region.clone().prop_map(|r| format!(r#"{{"kind":"zoneFailure","region":"{r}"}}"#)),
        region
            .clone()
            .prop_map(|r| format!(r#"{{"kind":"regionStorageFailure","region":"{r}","destroyed":false}}"#)),
        region.clone().prop_map(|r| format!(r#"{{"kind":"replicationPaused","region":"{r}"}}"#)),
        (pair.clone(), any::<bool>()).prop_map(|((a, b), one)| format!(
            r#"{{"kind":"networkPartition","from":"{a}","to":"{b}","oneWay":{one}}}"#
        )),
        (pair, 2u32..50)
            .prop_map(|((a, b), k)| format!(r#"{{"kind":"slowLink","from":"{a}","to":"{b}","factor":{k}}}"#)),
        Just(r#"{"kind":"keyVaultUnreachable"}"#.to_string()),
        (2u32..20).prop_map(|d| format!(r#"{{"kind":"throttleBurst","divisor":{d}}}"#)),
    ]
}

fn scenario(seed: u64, cache: bool, faults: &[(u64, u64, String)]) -> String {
    let mut steps = vec![
        r#"{"atMs":0,"action":{"do":"addReplica","region":"eastus"}}"#.to_string(),
        r#"{"atMs":0,"action":{"do":"addReplica","region":"japaneast"}}"#.to_string(),
    ];
    for r in REGIONS {
        steps.push(format!(
            r#"{{"atMs":0,"action":{{"do":"addClient","name":"c-{r}","region":"{r}","dnsCache":{cache}}}}}"#
        ));
    }
    steps.push(
        r#"{"atMs":300000,"action":{"do":"workload","clients":["c-westeurope","c-eastus","c-japaneast"],"durationMs":1800000,"pushesPerMinute":4,"pullsPerMinute":8,"repos":3,"layerBytes":512,"sharedLayers":1}}"#
            .to_string(),
    );
    let mut faults: Vec<_> = faults.to_vec();
    faults.sort();
    for (at, duration, fault) in faults {
        steps.push(format!(
            r#"{{"atMs":{},"action":{{"do":"fault","fault":{fault},"durationMs":{duration}}}}}"#,
            300_000 + at
        ));
    }
    format!(
        r#"{{"name":"random","registry":{{"name":"random","seed":{seed},"tier":"Premium","region":"westeurope","customerManagedKey":"automatic"}},"steps":[{}],"runUntilMs":2400000,"convergeWithinMs":600000}}"#,
        steps.join(",")
    )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(16),
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_wrong_bytes_no_loss_and_convergence_under_random_recoverable_faults(
        seed in any::<u64>(),
        cache in any::<bool>(),
        faults in prop::collection::vec((0u64..1_800_000, 1_000u64..900_000, fault()), 0..6),
    ) {
        let json = scenario(seed, cache, &faults);
        let (mut r, run) = Registry::run_scenario(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(run.oracle.wrong_bytes, 0);
        prop_assert_eq!(run.oracle.lost_acknowledged, 0, "nothing was destroyed: {:?}", run.oracle);
        prop_assert!(run.oracle.pushes_ok > 0);
        let c = run.convergence.expect("a convergence phase");
        prop_assert!(c.converged, "{:?}", c.detail);
        prop_assert!(c.after_ms <= Millis(600_000));
        if let Err(e) = r.audit_every_replica() {
            prop_assert!(false, "accounting: {}", e);
        }
        prop_assert!(r.replicas_agree());
        let (_, again) = Registry::run_scenario(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(again.event_log_hash, run.event_log_hash, "the same seed replays identically");
    }
}

/// Faults that destroy, beside faults that only slow or refuse (none of these hold changes back
/// for long, so a lost push must have been acknowledged shortly before a destruction).
fn destroying_schedule() -> impl Strategy<Value = Vec<(u64, String)>> {
    let region = prop::sample::select(REGIONS.to_vec());
    let pair = (prop::sample::select(REGIONS.to_vec()), prop::sample::select(REGIONS.to_vec()))
        .prop_filter("two regions", |(a, b)| a != b);
    let fault = prop_oneof![
        region.clone().prop_map(|r| format!(r#"{{"kind":"regionOutage","region":"{r}","destroyed":true}}"#)),
        region
            .clone()
            .prop_map(|r| format!(r#"{{"kind":"regionStorageFailure","region":"{r}","destroyed":true}}"#)),
        region.prop_map(|r| format!(r#"{{"kind":"zoneFailure","region":"{r}"}}"#)),
        (pair, 2u32..50)
            .prop_map(|((a, b), k)| format!(r#"{{"kind":"slowLink","from":"{a}","to":"{b}","factor":{k}}}"#)),
        Just(r#"{"kind":"keyVaultUnreachable"}"#.to_string()),
    ];
    prop::collection::vec((0u64..1_800_000, fault), 1..5)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(12),
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_push_is_lost_only_if_every_copy_was_destroyed_shortly_after_it(
        seed in any::<u64>(),
        schedule in destroying_schedule(),
    ) {
        let faults: Vec<(u64, u64, String)> = schedule.iter().map(|(at, f)| (*at, 300_000, f.clone())).collect();
        let json = scenario(seed, true, &faults);
        let (r, run) = Registry::run_scenario(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(run.oracle.wrong_bytes, 0);
        // Every destruction, and the window around it in which a push may still have had its only
        // copies in the destroyed place: before it, the geo-redundant lag (5 min) plus a minute
        // for replication to leave on a slow link; after it, a push whose bytes were stored just
        // before and whose acknowledgement came once its transfer finished (a minute at most).
        let destroyed: Vec<u64> = r
            .faults()
            .iter()
            .filter(|f| serde_json::to_string(&f.fault).is_ok_and(|j| j.contains("\"destroyed\":true")))
            .map(|f| f.starts_at_ms.0)
            .collect();
        for lost in &run.oracle.lost_pushes {
            let at = lost.acknowledged_at_ms.0;
            prop_assert!(
                destroyed.iter().any(|d| (d.saturating_sub(360_000)..=d + 60_000).contains(&at)),
                "{}:{} acknowledged at {} ms was lost, with destructions at {:?}", lost.repo, lost.tag, at, destroyed
            );
        }
        if destroyed.is_empty() {
            prop_assert_eq!(run.oracle.lost_acknowledged, 0);
        }
        // After everything heals, the replicas compare what they hold and send each other what
        // is missing, so they converge even after a destruction.
        let c = run.convergence.expect("a convergence phase");
        prop_assert!(c.converged, "{:?}", c.detail);
        prop_assert!(c.after_ms <= Millis(600_000));
        let mut r = r;
        prop_assert!(r.replicas_agree());
        if let Err(e) = r.audit_every_replica() {
            prop_assert!(false, "accounting: {}", e);
        }
    }
}
