//! Geo-redundant storage and storage faults (issue #4, "Regions and storage"): writes copy to
//! the paired region after the lag; a failed primary serves from the copy; what had not been
//! copied is unavailable, or lost if the primary is destroyed; bit rot in one copy is served
//! from the other, never as wrong bytes.
#![cfg(not(target_arch = "wasm32"))]

use stowage::engine::{
    ErrorCode, FaultKind, FaultState, LayerInput, Millis, Registry, RegistryOptions, StorageCopy,
};

const MINUTE: Millis = Millis::MINUTE;

fn min(n: u64) -> Millis {
    Millis(n * 60_000)
}

fn registry(region: &str) -> Registry {
    Registry::new(RegistryOptions { region: region.into(), ..RegistryOptions::default() }).expect("registry")
}

fn push(r: &mut Registry, tag: &str, text: &str) -> (String, String) {
    let img =
        r.push_image("app", tag, vec![LayerInput::File { name: "f".into(), bytes: text.into() }]).unwrap();
    (img.digest.to_string(), img.layers[0].to_string())
}

fn region_failure(destroyed: bool) -> FaultKind {
    FaultKind::RegionStorageFailure { destroyed, region: None }
}

#[test]
fn a_write_reaches_the_paired_region_after_the_lag_and_the_window_shows_it() {
    let mut r = registry("westeurope");
    let geo = r.geo_storage();
    assert_eq!(
        (geo.region, geo.paired, geo.geo_lag_ms),
        ("westeurope", Some("northeurope"), Millis(300_000))
    );
    push(&mut r, "v1", "twelve bytes");
    let written = r.now();
    r.run_for(Millis(2 * 60_000));
    let geo = r.geo_storage();
    let records: usize = geo.accounts.iter().map(|a| a.uncopied_records).sum();
    assert_eq!(records, 3, "layer, config and manifest are not in North Europe yet");
    let oldest = geo.accounts.iter().filter_map(|a| a.window_ms).max();
    assert_eq!(oldest, Some(Millis(r.now().0 - written.0 + 1)), "the window reaches back to the first write");
    r.run_for(Millis(3 * 60_000));
    assert!(r.geo_storage().accounts.iter().all(|a| a.uncopied_records == 0 && a.window_ms.is_none()));
}

#[test]
fn a_regional_storage_failure_serves_what_was_copied_and_holds_back_the_rest_until_it_heals() {
    let mut r = registry("eastus");
    let (_, old_layer) = push(&mut r, "old", "copied already");
    r.run_for(min(5));
    let (_, new_layer) = push(&mut r, "new", "inside the window");
    let fault = r.inject_fault(region_failure(false), Millis(0), None).unwrap();
    assert_eq!(fault.state, FaultState::Active);
    assert_eq!(r.pull_blob("app", &old_layer).unwrap(), b"copied already", "served from West US");
    let e = r.pull_blob("app", &new_layer).unwrap_err();
    assert_eq!((e.code, e.http_status), (ErrorCode::Unavailable, 503));
    assert!(e.message.contains("inside the recovery point window"), "{}", e.message);
    // Writes go to the secondary meanwhile.
    let (_, during) = push(&mut r, "during", "written to the secondary");
    assert_eq!(r.pull_blob("app", &during).unwrap(), b"written to the secondary");
    r.heal_fault(fault.id).unwrap();
    assert_eq!(r.pull_blob("app", &new_layer).unwrap(), b"inside the window", "back with the primary");
    assert_eq!(r.pull_blob("app", &during).unwrap(), b"written to the secondary", "copied back");
    r.run_for(min(5));
    assert!(r.geo_storage().accounts.iter().all(|a| a.uncopied_records == 0), "the window closes again");
    assert_eq!(r.faults()[0].state, FaultState::Healed);
    r.audit().unwrap();
}

#[test]
fn a_destroyed_primary_loses_exactly_what_had_not_been_copied() {
    let mut r = registry("eastus");
    let (_, safe) = push(&mut r, "safe", "copied");
    r.run_for(min(5));
    let (manifest, doomed) = push(&mut r, "doomed", "not copied");
    let billed = r.usage().total_billed_bytes;
    let fault = r.inject_fault(region_failure(true), Millis(0), None).unwrap();
    assert!(
        r.events().last().unwrap().text.contains("3 record(s) not yet copied to the paired region are lost")
    );
    let lost: u64 = r.geo_storage().accounts.iter().map(|a| a.lost_bytes).sum();
    assert_eq!(r.usage().total_billed_bytes, billed - lost, "lost bytes are no longer stored or billed");
    assert_eq!(r.pull_blob("app", &safe).unwrap(), b"copied");
    let e = r.pull_blob("app", &doomed).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unavailable);
    assert!(e.message.contains("is lost"), "{}", e.message);
    assert_eq!(
        r.pull_manifest("app", &manifest).map(|_| ()).map_err(|e| e.code),
        Err(ErrorCode::Unavailable)
    );
    r.heal_fault(fault.id).unwrap();
    assert_eq!(
        r.pull_blob("app", &doomed).map_err(|e| e.code),
        Err(ErrorCode::Unavailable),
        "healing does not bring it back"
    );
    r.audit().unwrap();
    // Pushing the same image again stores the lost records anew.
    push(&mut r, "doomed", "not copied");
    assert_eq!(r.pull_blob("app", &doomed).unwrap(), b"not copied");
    assert_eq!(r.usage().total_billed_bytes, billed);
    r.audit().unwrap();
    // Deleting an image whose records were lost forgets them.
    r.run_for(min(5));
    let (_, gone) = push(&mut r, "gone", "lost then deleted");
    let again = r.inject_fault(region_failure(true), Millis(0), None).unwrap();
    r.delete_manifest("app", "gone").unwrap();
    r.heal_fault(again.id).unwrap();
    assert_eq!(r.pull_blob("app", &gone).map_err(|e| e.code), Err(ErrorCode::BlobUnknown));
    assert!(r.geo_storage().accounts.iter().all(|a| a.lost_records == 0));
    r.audit().unwrap();
}

#[test]
fn bit_rot_in_one_copy_is_served_from_the_other_and_in_both_is_an_integrity_error() {
    let mut r = registry("westeurope");
    let (_, layer) = push(&mut r, "v1", "precious bytes");
    let key = format!("blobs/sha256/{}", &layer[7..]);
    let rot = |copy| FaultKind::BitRot { key: key.clone(), copy, bit: 3 };
    // A page reads a large blob a piece at a time (`begin_read_blob`): the same answer as
    // `read_blob`, whichever copies are damaged.
    let in_pieces = |r: &Registry| -> Result<Vec<u8>, ErrorCode> {
        let mut reader = r.begin_read_blob("app", &layer).map_err(|e| e.code)?;
        loop {
            if let Some(bytes) = reader.advance(3).map_err(|e| e.code)? {
                return Ok(bytes);
            }
        }
    };
    let read = |r: &Registry| r.read_blob("app", &layer).map_err(|e| e.code);
    assert_eq!((in_pieces(&r), read(&r)), (Ok(b"precious bytes".to_vec()), Ok(b"precious bytes".to_vec())));
    let e = r.inject_fault(rot(StorageCopy::Secondary), Millis(0), None).unwrap_err();
    assert!(e.message.contains("has no Secondary copy yet"), "{}", e.message);
    let primary = r.inject_fault(rot(StorageCopy::Primary), Millis(0), None).unwrap();
    assert_eq!(r.pull_blob("app", &layer).map_err(|e| e.code), Err(ErrorCode::IntegrityError), "no copy yet");
    assert_eq!(in_pieces(&r), Err(ErrorCode::IntegrityError));
    r.run_for(min(5));
    assert_eq!(r.pull_blob("app", &layer).unwrap(), b"precious bytes", "served from the paired region");
    assert_eq!(in_pieces(&r), Ok(b"precious bytes".to_vec()), "in pieces too");
    let secondary = r.inject_fault(rot(StorageCopy::Secondary), Millis(0), None).unwrap();
    assert_eq!(r.pull_blob("app", &layer).map_err(|e| e.code), Err(ErrorCode::IntegrityError));
    assert_eq!((in_pieces(&r), read(&r)), (Err(ErrorCode::IntegrityError), Err(ErrorCode::IntegrityError)));
    r.heal_fault(primary.id).unwrap();
    r.heal_fault(secondary.id).unwrap();
    assert_eq!(r.pull_blob("app", &layer).unwrap(), b"precious bytes");
    assert_eq!(in_pieces(&r), Ok(b"precious bytes".to_vec()));
    assert_eq!(r.heal_fault(primary.id).map(|_| ()).map_err(|e| e.code), Err(ErrorCode::InvalidArgument));
}

#[test]
fn a_local_geo_only_region_has_no_copy_to_fall_back_on() {
    let mut r = registry("brazilsouth");
    let geo = r.geo_storage();
    assert_eq!((geo.paired, geo.local_geo_only), (None, true));
    let (_, layer) = push(&mut r, "v1", "only in Brazil");
    r.run_for(min(60));
    assert_eq!(r.geo_storage().accounts.iter().map(|a| a.uncopied_records).sum::<usize>(), 3);
    let fault = r.inject_fault(region_failure(false), Millis(0), None).unwrap();
    assert_eq!(r.pull_blob("app", &layer).map_err(|e| e.code), Err(ErrorCode::Unavailable));
    r.heal_fault(fault.id).unwrap();
    assert_eq!(r.pull_blob("app", &layer).unwrap(), b"only in Brazil");
    r.inject_fault(region_failure(true), Millis(0), None).unwrap();
    assert_eq!(r.geo_storage().accounts.iter().map(|a| a.lost_records).sum::<usize>(), 3, "all of it");
    r.audit().unwrap();
}

#[test]
fn a_scheduled_fault_starts_and_heals_by_itself_on_the_timeline() {
    let mut r = registry("westeurope");
    let (_, layer) = push(&mut r, "v1", "abc");
    let account = r.geo_storage().accounts[0].name.clone();
    let e = r
        .inject_fault(
            FaultKind::StorageAccountFailure { account: "nope".into(), destroyed: false },
            Millis(0),
            None,
        )
        .unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidArgument);
    let all = FaultKind::RegionStorageFailure { destroyed: false, region: None };
    let f = r.inject_fault(all, MINUTE, Some(min(2))).unwrap();
    assert_eq!(
        (f.state, f.starts_at_ms, f.ends_at_ms),
        (FaultState::Scheduled, Millis(r.now().0 + 60_000), Some(Millis(r.now().0 + 180_000)))
    );
    r.run_for(MINUTE);
    assert_eq!(r.fault(f.id).unwrap().state, FaultState::Active);
    assert_eq!(r.pull_blob("app", &layer).map_err(|e| e.code), Err(ErrorCode::Unavailable));
    // An account failure on top: healing the region fault leaves that account failed.
    let one = r
        .inject_fault(
            FaultKind::StorageAccountFailure { account: account.clone(), destroyed: false },
            Millis(0),
            None,
        )
        .unwrap();
    r.run_for(min(2));
    assert_eq!(r.fault(f.id).unwrap().state, FaultState::Healed);
    assert!(r.geo_storage().accounts.iter().filter(|a| a.failure.is_some()).all(|a| a.name == account));
    r.heal_fault(one.id).unwrap();
    assert!(r.geo_storage().accounts.iter().all(|a| a.failure.is_none()));
    assert_eq!(r.pull_blob("app", &layer).unwrap(), b"abc");
    let texts: Vec<&str> = r.events().map(|e| e.text.as_str()).collect();
    assert!(texts.contains(&"fault 1: the region's storage fails"), "{texts:?}");
    assert!(texts.contains(&"fault 1 healed: the region's storage fails"), "{texts:?}");
}
