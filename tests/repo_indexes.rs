//! The repository indexes the page's views read instead of walking every repository (issue #5,
//! "lists stay at 60 fps"): how many repositories hold a manifest, which have a soft-delete bin,
//! which are empty. After every step of a mixed run the audit recounts them from every
//! repository, and builds soft delete's bins and each replica's repository count by walking every
//! repository, as the views did before; here the figures are also checked by hand.
#![cfg(not(target_arch = "wasm32"))]

use stowage::engine::{FaultKind, Millis, Registry};

mod common;
use common::{file, premium};

/// The audit of every replica, which includes the indexes against their recount.
fn audited(r: &mut Registry, step: &str) {
    if let Err(e) = r.audit_every_replica() {
        panic!("after {step}: {e}");
    }
}

/// (items in the bins, repositories with a bin item, repositories shown per replica).
fn figures(r: &Registry) -> (usize, Vec<String>, Vec<(&'static str, usize)>) {
    let view = r.soft_delete_view(usize::MAX);
    let mut repos: Vec<String> = view.items.iter().map(|i| i.repo.to_string()).collect();
    repos.sort();
    repos.dedup();
    (view.items_total, repos, r.replicas().iter().map(|v| (v.region, v.repositories)).collect())
}

#[test]
fn the_repository_indexes_follow_every_change_and_the_views_read_them_unchanged() {
    let mut r = premium("westeurope");
    audited(&mut r, "creation");
    r.set_soft_delete_policy(true, Some(1)).unwrap();
    let a1 = r.push_image("a", "v1", file("a one")).unwrap().digest;
    r.push_image("a", "v2", file("a two")).unwrap();
    let b1 = r.push_image("b", "v1", file("b one")).unwrap().digest;
    r.push_image("c", "v1", file("c one")).unwrap();
    r.push_blob("d", b"a blob no manifest references", None).unwrap();
    audited(&mut r, "pushes");
    assert_eq!(figures(&r), (0, vec![], vec![("westeurope", 3)]), "d holds only a blob");

    // Soft delete on: an untag and a delete go to the bins.
    r.untag("a", "v1").unwrap();
    audited(&mut r, "untag");
    r.delete_manifest("b", "v1").unwrap();
    audited(&mut r, "delete");
    assert_eq!(figures(&r), (2, vec!["a".into(), "b".into()], vec![("westeurope", 2)]));

    // Restored: b holds its manifest again and has no bin.
    r.restore_soft_deleted("b", "v1", &b1.to_string(), false).unwrap();
    audited(&mut r, "restore");
    assert_eq!(figures(&r), (1, vec!["a".into()], vec![("westeurope", 3)]));

    // A repository deleted with soft delete on: all of it goes to its bin.
    r.delete_repository("c").unwrap();
    audited(&mut r, "delete repository (soft)");
    assert_eq!(figures(&r), (2, vec!["a".into(), "c".into()], vec![("westeurope", 2)]));

    // The purges: everything in a bin for a day goes; c, left empty, disappears.
    r.run_for(Millis(2 * Millis::DAY.0));
    audited(&mut r, "purge");
    assert_eq!(figures(&r), (0, vec![], vec![("westeurope", 2)]));
    assert!(r.catalog_with_hidden(None, None).unwrap().repositories.iter().all(|n| n != "c"));
    assert!(r.read_manifest("a", &a1.to_string()).is_ok(), "an untag destroys no manifest");

    // Bins left when soft delete goes off are still purged; a hard repository delete.
    r.delete_manifest("a", &a1.to_string()).unwrap();
    r.set_soft_delete_policy(false, Some(1)).unwrap();
    audited(&mut r, "soft delete off");
    assert_eq!(figures(&r).0, 1);
    r.delete_repository("b").unwrap();
    audited(&mut r, "delete repository (hard)");
    r.run_for(Millis(2 * Millis::DAY.0));
    audited(&mut r, "purge after soft delete off");
    assert_eq!(figures(&r), (0, vec![], vec![("westeurope", 1)]));

    // A replica: synced from home, written to from its own region, destroyed and rebuilt.
    r.add_replica("eastus").unwrap();
    audited(&mut r, "replica added");
    r.run_until_idle();
    audited(&mut r, "replica synced");
    assert_eq!(figures(&r).2, vec![("westeurope", 1), ("eastus", 1)]);
    r.add_client("virginia", "eastus", true, None).unwrap();
    r.with_client("virginia", |r| r.push_image("e", "v1", file("made in Virginia"))).unwrap();
    audited(&mut r, "push in the replica");
    assert_eq!(figures(&r).2, vec![("westeurope", 1), ("eastus", 2)], "not replicated yet");
    r.run_until_idle();
    assert_eq!(figures(&r).2, vec![("westeurope", 2), ("eastus", 2)]);
    r.with_client("virginia", |r| r.delete_repository("a")).unwrap();
    audited(&mut r, "delete in the replica");
    r.run_until_idle();
    assert_eq!(figures(&r).2, vec![("westeurope", 1), ("eastus", 1)]);
    // Made in Virginia just before its region is destroyed: lost with it.
    r.with_client("virginia", |r| r.push_image("f", "v1", file("never left Virginia"))).unwrap();
    assert_eq!(figures(&r).2, vec![("westeurope", 1), ("eastus", 2)]);
    let outage = FaultKind::RegionOutage { region: "eastus".into(), destroyed: true };
    let f = r.inject_fault(outage, Millis(0), None).unwrap();
    r.run_until_idle();
    audited(&mut r, "region destroyed");
    r.heal_fault(f.id).unwrap();
    audited(&mut r, "region healed");
    r.run_until_idle();
    audited(&mut r, "region rebuilt");
    assert_eq!(figures(&r).2, vec![("westeurope", 1), ("eastus", 1)]);
    r.remove_replica("eastus").unwrap();
    audited(&mut r, "replica removed");
    assert_eq!(figures(&r), (0, vec![], vec![("westeurope", 1)]));
}

#[test]
fn the_large_preset_fills_the_indexes_as_it_goes() {
    let mut r = premium("westeurope");
    r.load_large_preset(300, 3).unwrap();
    audited(&mut r, "preset");
    assert_eq!(figures(&r), (0, vec![], vec![("westeurope", 300)]));
}
