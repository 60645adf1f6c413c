//! Injected faults across regions (issue #4, "Faults"): a region going dark fails over after
//! 1–2 minutes and refuses configuration changes while it is home; partitions, paused and
//! slow links hold or slow replication; a zone failure hides the last minute of writes; an
//! unreachable key vault and a throttle burst refuse what they should. Every fault heals.
#![cfg(not(target_arch = "wasm32"))]

use stowage::engine::{
    ErrorCode, FaultKind, FaultState, LayerInput, Millis, RateModel, Registry, RegistryOptions, RotationMode,
    Tier,
};

mod common;
use common::{file, premium};

fn with_replica(home: &str, other: &str) -> Registry {
    let mut r = premium(home);
    r.add_replica(other).unwrap();
    r.run_until_idle();
    r
}

fn outage(region: &str, destroyed: bool) -> FaultKind {
    FaultKind::RegionOutage { region: region.into(), destroyed }
}

#[test]
fn a_region_outage_fails_requests_until_routing_fails_over_and_holds_its_changes() {
    let mut r = with_replica("westeurope", "northeurope");
    r.add_client("dublin", "northeurope", true, None).unwrap();
    r.with_client("dublin", |r| r.push_image("app", "v1", file("made in Dublin"))).unwrap();
    let f = r.inject_fault(outage("northeurope", false), Millis(0), None).unwrap();
    let failover = f.failover_at_ms.expect("a failover time");
    let delay = failover.0 - r.now().0;
    assert!((60_000..=120_000).contains(&delay), "{delay}");
    // Before failover the client is still sent to the dark region and fails.
    let e = r.with_client("dublin", |r| r.pull_manifest("app", "v1")).unwrap_err();
    assert_eq!((e.code, e.http_status), (ErrorCode::Unavailable, 503));
    assert!(e.message.contains("region northeurope is down"), "{}", e.message);
    // The push made in Dublin had not left it: West Europe does not have it.
    r.run_for(Millis(delay));
    let e = r.with_client("dublin", |r| r.pull_manifest("app", "v1")).unwrap_err();
    assert_eq!(e.code, ErrorCode::NameUnknown, "now served by West Europe, which never got it");
    assert!(r.events().any(|e| e.region == "northeurope" && e.text.contains("routing failed over")));
    // Recovery: the held changes travel, and the image is everywhere.
    r.heal_fault(f.id).unwrap();
    r.run_until_idle();
    assert!(r.with_client("dublin", |r| r.pull_manifest("app", "v1")).is_ok());
    assert!(r.pull_manifest("app", "v1").is_ok(), "West Europe got it after the recovery");
    r.audit_every_replica().unwrap();
}

#[test]
fn a_destroyed_region_loses_its_unreplicated_changes_and_resyncs_when_rebuilt() {
    let mut r = with_replica("westeurope", "northeurope");
    r.add_client("dublin", "northeurope", true, None).unwrap();
    r.with_client("dublin", |r| r.push_image("app", "lost", file("never left Dublin"))).unwrap();
    r.push_image("app", "kept", file("made in Amsterdam")).unwrap();
    r.run_for(Millis(1));
    let f = r.inject_fault(outage("northeurope", true), Millis(0), None).unwrap();
    r.run_until_idle();
    assert_eq!(
        r.pull_manifest("app", "lost").map(|_| ()).map_err(|e| e.code),
        Err(ErrorCode::ManifestUnknown)
    );
    r.heal_fault(f.id).unwrap();
    r.run_until_idle();
    let dublin = r.replicas().into_iter().find(|v| v.region == "northeurope").unwrap();
    assert_eq!(dublin.manifests, 1, "rebuilt from home: only what home had");
    assert!(r.with_client("dublin", |r| r.pull_manifest("app", "kept")).is_ok());
    r.audit_every_replica().unwrap();
}

#[test]
fn the_home_region_down_refuses_configuration_changes_but_other_replicas_serve() {
    let mut r = with_replica("westeurope", "eastus");
    r.push_image("app", "v1", file("x")).unwrap();
    r.run_until_idle();
    r.add_client("virginia", "eastus", true, None).unwrap();
    let f = r.inject_fault(outage("westeurope", false), Millis(0), None).unwrap();
    for e in [
        r.add_replica("japaneast").map(|_| ()).unwrap_err(),
        r.set_tier("Premium").map(|_| ()).unwrap_err(),
        r.set_retention_policy(true, Some(1)).map(|_| ()).unwrap_err(),
    ] {
        assert_eq!(e.code, ErrorCode::Unavailable);
        assert!(e.message.contains("control plane refuses configuration changes"), "{}", e.message);
    }
    assert!(r.with_client("virginia", |r| r.pull_manifest("app", "v1")).is_ok());
    assert_eq!(r.pull_manifest("app", "v1").map(|_| ()).map_err(|e| e.code), Err(ErrorCode::Unavailable));
    r.heal_fault(f.id).unwrap();
    assert!(r.add_replica("japaneast").is_ok());
}

#[test]
fn a_partition_holds_replication_and_a_slow_link_delays_it() {
    let mut r = with_replica("westeurope", "eastus");
    let part = FaultKind::NetworkPartition { from: "westeurope".into(), to: "eastus".into(), one_way: true };
    let p = r.inject_fault(part, Millis(0), None).unwrap();
    r.push_image("app", "v1", file("held")).unwrap();
    r.run_for(Millis::HOUR);
    let eastus = r.replicas().into_iter().find(|v| v.region == "eastus").unwrap();
    assert_eq!(eastus.manifests, 0, "nothing crossed the partition");
    // The held changes still show as East US's lag: three changes (layer, config, manifest), an
    // hour old.
    assert_eq!((eastus.inbound_changes, eastus.lag_ms.map(|l| l >= Millis::HOUR)), (3, Some(true)));
    r.heal_fault(p.id).unwrap();
    r.run_until_idle();
    assert_eq!(r.replicas()[1].manifests, 1);
    // A link 100 times slower: a 10 MB layer takes 100 × (0.2 s + latency) instead.
    let slow = FaultKind::SlowLink { from: "westeurope".into(), to: "eastus".into(), factor: 100 };
    r.inject_fault(slow, Millis(0), Some(Millis::HOUR)).unwrap();
    let start = r.now();
    r.push_image("big", "v1", vec![LayerInput::Synthetic { size_bytes: 10_000_000, seed: Some(3) }]).unwrap();
    r.run_for(Millis(10_000));
    assert_eq!(r.replicas()[1].manifests, 1, "not there 10 s later");
    r.run_for(Millis(30_000));
    assert_eq!(r.replicas()[1].manifests, 2, "there within 40 s");
    assert!(r.now().0 - start.0 >= 40_000);
    let bad = FaultKind::SlowLink { from: "westeurope".into(), to: "westeurope".into(), factor: 2 };
    assert_eq!(
        r.inject_fault(bad, Millis(0), None).map(|_| ()).map_err(|e| e.code),
        Err(ErrorCode::InvalidArgument)
    );
    r.audit_every_replica().unwrap();
}

#[test]
fn a_zone_failure_hides_the_last_minute_of_writes_until_the_zone_recovers() {
    let mut r = premium("westeurope");
    let old = r.push_image("app", "old", file("written long ago")).unwrap();
    r.run_for(Millis(5 * 60_000));
    let recent = r.push_image("app", "recent", file("written just now")).unwrap();
    let f = r.inject_fault(FaultKind::ZoneFailure { region: "westeurope".into() }, Millis(0), None).unwrap();
    assert!(r.pull_blob("app", &old.layers[0].to_string()).is_ok());
    let e = r.pull_blob("app", &recent.layers[0].to_string()).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unavailable);
    assert!(e.message.contains("until the zone recovers"), "{}", e.message);
    r.heal_fault(f.id).unwrap();
    assert!(r.pull_blob("app", &recent.layers[0].to_string()).is_ok());
}

#[test]
fn an_unreachable_key_vault_and_a_throttle_burst_refuse_and_then_heal() {
    let mut r = Registry::new(RegistryOptions {
        tier: Tier::Premium,
        customer_managed_key: Some(RotationMode::Automatic),
        rate_model: RateModel::Buckets2026,
        ..RegistryOptions::default()
    })
    .unwrap();
    let img = r.push_image("app", "v1", file("secret")).unwrap();
    let kv = r.inject_fault(FaultKind::KeyVaultUnreachable, Millis(0), Some(Millis::MINUTE)).unwrap();
    let e = r.pull_blob("app", &img.layers[0].to_string()).unwrap_err();
    assert_eq!((e.code, e.http_status), (ErrorCode::Denied, 403));
    assert!(e.message.contains("cannot be reached"), "{}", e.message);
    assert!(r.key_vault().holds_key_material, "an unreachable vault is not a revoked key");
    r.run_for(Millis::MINUTE);
    assert_eq!(r.fault(kv.id).unwrap().state, FaultState::Healed);
    assert_eq!(r.pull_blob("app", &img.layers[0].to_string()).unwrap(), b"secret");
    // Premium reads: 10,000 a minute per identity, 1,666 per 10 s; a burst divides by 100.
    r.inject_fault(FaultKind::ThrottleBurst { divisor: 100 }, Millis(0), None).unwrap();
    let report = r.scale_out_pull("app", "v1", 20, true).unwrap();
    assert_eq!(
        (report.completed, report.throttled),
        (5, 15),
        "16 reads fit in the shrunken bucket: 5 nodes of 3"
    );
}

#[test]
fn after_a_destruction_the_replicas_repair_each_other_and_converge() {
    let mut r = with_replica("westeurope", "eastus");
    r.add_replica("japaneast").unwrap();
    r.run_until_idle();
    r.add_client("virginia", "eastus", true, None).unwrap();
    r.add_client("tokyo", "japaneast", true, None).unwrap();
    let pushed = r.client_push_image("virginia", "app", "v1", file("made in Virginia")).unwrap();
    assert_eq!(pushed.error, None);
    // The manifest reaches West Europe before Japan East; destroy East US between the two.
    let manifest = |to: &str| {
        r.replication_in_flight(100)
            .into_iter()
            .filter(|f| f.to == to && f.what.starts_with("manifest"))
            .find_map(|f| f.arrives_at_ms)
            .unwrap()
    };
    let (europe, japan) = (manifest("westeurope"), manifest("japaneast"));
    assert_eq!((r.now(), europe, japan), (Millis(240_003), Millis(240_037), Millis(240_063)));
    r.run_for(Millis(europe.0 - r.now().0));
    let f = r.inject_fault(outage("eastus", true), Millis(0), None).unwrap();
    r.run_until_idle();
    let tokyo = r.client_pull_image("tokyo", "app", "v1").unwrap();
    assert_eq!(tokyo.error_code, Some("NAME_UNKNOWN"), "Japan East never got it");
    assert!(!r.replicas_agree());
    r.heal_fault(f.id).unwrap();
    // West Europe sends Japan East the blob, manifest and tag; East US, rebuilt from home, gets
    // them twice (from home's resync and from the sweep), which it applies once.
    let repair = r.events().find(|e| e.text.contains("repair after a destruction")).map(|e| e.text.clone());
    assert!(repair.is_some_and(|t| t.contains("sent 8 missing change(s)")));
    assert_eq!(r.converge(Millis::HOUR).unwrap(), Millis(50));
    let tokyo = r.client_pull_image("tokyo", "app", "v1").unwrap();
    assert_eq!(tokyo.error_code, None, "{:?}", tokyo.error);
    assert!(r.with_client("virginia", |r| r.pull_manifest("app", "v1")).is_ok(), "East US rebuilt");
    assert_eq!(r.oracle_report().lost_acknowledged, 0);
    r.audit_every_replica().unwrap();
}
