//! The oracle sees every acknowledged push and every delete (issue findings 7), wherever it
//! came from: the JS API and the page call `Registry::push_image`, `delete_manifest`,
//! `delete_repository` and `untag` directly, as scenarios and clients do. So a hand-made delete
//! is counted, and a stale read is blamed on the replica that lags.
#![cfg(not(target_arch = "wasm32"))]

use stowage::engine::oracle::RegionTally;
use stowage::engine::{FaultKind, Millis, OracleReport, Registry};

mod common;
use common::{file, premium};

fn region<'a>(report: &'a OracleReport, name: &str) -> &'a RegionTally {
    report.regions.iter().find(|t| t.region == name).expect("region")
}

/// West Europe with a Ready replica in East US, a client in each.
fn two_regions() -> Registry {
    let mut r = premium("westeurope");
    r.add_replica("eastus").unwrap();
    r.run_until_idle();
    r.add_client("eu", "westeurope", true, None).unwrap();
    r.add_client("us", "eastus", true, None).unwrap();
    r
}

/// Cuts East US off from West Europe: what is done in West Europe does not arrive there.
fn partition(r: &mut Registry) {
    let cut = FaultKind::NetworkPartition { from: "westeurope".into(), to: "eastus".into(), one_way: false };
    r.inject_fault(cut, Millis(0), None).unwrap();
}

#[test]
fn a_push_through_the_engine_api_is_acknowledged_once() {
    let mut r = two_regions();
    r.push_image("app", "v1", file("one")).unwrap();
    let digest = r.read_manifest("app", "v1").unwrap();
    let report = r.oracle_report();
    assert_eq!((report.pushes_ok, report.acknowledged), (1, 1), "a plain push is acknowledged");
    // A manifest pushed by tag is too, by digest it acknowledges no tag; a client's push once.
    r.push_manifest("app", "v2", &digest.bytes, None).unwrap();
    r.push_manifest("app", &digest.digest.to_string(), &digest.bytes, None).unwrap();
    let pushed = r.client_push_image("eu", "web", "v1", file("web")).unwrap();
    assert!(pushed.error.is_none(), "{pushed:?}");
    let report = r.oracle_report();
    assert_eq!((report.pushes_ok, report.acknowledged), (3, 3));
    // A refused push tells the oracle nothing.
    assert!(r.push_image("app", "-bad", file("x")).is_err());
    assert!(r.push_manifest("app", "v3", b"{", None).is_err());
    assert_eq!(r.oracle_report().pushes_ok, 3);
    // Replicated, every acknowledged tag reads everywhere.
    r.run_until_idle();
    let report = r.oracle_report();
    for name in ["westeurope", "eastus"] {
        assert_eq!((region(&report, name).readable, region(&report, name).stale), (3, 0), "{name}");
    }
}

#[test]
fn a_stale_pull_after_a_plain_push_is_blamed_on_the_lagging_replica() {
    let mut r = two_regions();
    partition(&mut r);
    r.push_image("app", "v1", file("one")).unwrap();
    // East US has not got it: a pull there is stale, and the tally says where.
    let pulled = r.client_pull_image("us", "app", "v1").unwrap();
    assert_eq!(pulled.error_code, Some("NAME_UNKNOWN"), "no such repository there yet");
    let report = r.oracle_report();
    assert_eq!(report.stale_pulls, 1);
    assert_eq!((region(&report, "westeurope").readable, region(&report, "westeurope").stale), (1, 0));
    assert_eq!((region(&report, "eastus").readable, region(&report, "eastus").stale), (0, 1));
}

#[test]
fn a_delete_through_the_engine_api_is_counted_and_blamed_on_the_lagging_replica() {
    let mut r = two_regions();
    let pushed = r.client_push_image("eu", "app", "v1", file("one")).unwrap();
    r.push_image("lib", "v1", file("lib")).unwrap();
    r.run_until_idle();
    partition(&mut r);
    // As the JS API and the page make it: no client, no scenario.
    let deleted = r.delete_manifest("app", "v1").unwrap();
    assert_eq!(deleted.manifests, vec![pushed.digest.unwrap()]);
    let report = r.oracle_report();
    assert_eq!((report.deletes, report.acknowledged), (1, 1));
    // West Europe did what it was asked; East US still holds the deleted image.
    let (eu, us) = (region(&report, "westeurope"), region(&report, "eastus"));
    assert_eq!((eu.stale, eu.stale_deletes, eu.readable), (0, 0, 1));
    assert_eq!((us.stale, us.stale_deletes, us.readable), (0, 1, 1));
    // A pull of the deleted tag in West Europe is not a stale read: it was deleted on purpose.
    let pulled = r.client_pull_image("eu", "app", "v1").unwrap();
    assert_eq!(pulled.error_code, Some("NAME_UNKNOWN"), "its only image went with the repository");
    // East US still serves it (the delete has not arrived), which its tally says.
    let stale = r.client_pull_image("us", "app", "v1").unwrap();
    assert!(stale.error.is_none(), "{stale:?}");
    let report = r.oracle_report();
    assert_eq!(report.stale_pulls, 0);
    assert_eq!(region(&report, "eastus").stale_deletes, 1);
    // A repository deleted by hand is counted too, each of its images once.
    r.delete_repository("lib").unwrap();
    let report = r.oracle_report();
    assert_eq!((report.deletes, report.acknowledged), (2, 0));
    // Healed, the deletes arrive: nothing stale anywhere.
    r.heal_all();
    r.run_until_idle();
    let report = r.oracle_report();
    for t in &report.regions {
        assert_eq!((t.stale, t.stale_deletes, t.readable), (0, 0, 0), "{t:?}");
    }
    // A refused delete tells the oracle nothing.
    assert!(r.delete_manifest("app", "v1").is_err());
    assert_eq!(r.oracle_report().deletes, 2);
}

#[test]
fn an_untag_forgets_the_tag_and_a_restore_brings_the_image_back() {
    let mut r = premium("westeurope");
    r.push_image("app", "v1", file("one")).unwrap();
    r.push_image("app", "v2", file("two")).unwrap();
    r.untag("app", "v1").unwrap();
    let report = r.oracle_report();
    assert_eq!((report.acknowledged, report.deletes), (1, 0), "v1 is no longer expected; its manifest stays");
    r.add_client("eu", "westeurope", true, None).unwrap();
    r.client_pull_image("eu", "app", "v1").unwrap();
    assert_eq!(r.oracle_report().stale_pulls, 0, "an untagged tag is not a stale read");
    // With soft delete, a deleted image restored from the bin is expected again.
    r.set_soft_delete_policy(true, Some(7)).unwrap();
    let digest = r.delete_manifest("app", "v2").unwrap().manifests[0];
    assert_eq!((r.oracle_report().acknowledged, r.oracle_report().deletes), (0, 1));
    r.restore_soft_deleted("app", "v2", &digest.to_string(), false).unwrap();
    let report = r.oracle_report();
    assert_eq!((report.acknowledged, report.deletes), (1, 0));
    // All of it replays the same way.
    let mut back = Registry::load_session(&r.save_session().unwrap()).unwrap();
    assert_eq!(back.oracle_report(), r.oracle_report());
}
