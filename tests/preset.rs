//! The large-registry preset (issue #5, "Scale"): 100,000 repositories and 1,000,000 tags
//! load into an empty registry with exact accounting, and a catalog page is a lookup, not a
//! scan. (Timings are measured by `cargo run --release --example bench`, not asserted here.)
#![cfg(not(target_arch = "wasm32"))]

use stowage::engine::preset::preset_repo;
use stowage::engine::{ErrorCode, Registry, RegistryOptions, Tier};

#[test]
fn the_large_preset_loads_lists_and_accounts_exactly() {
    let mut r = Registry::new(RegistryOptions { tier: Tier::Premium, ..RegistryOptions::default() }).unwrap();
    let report = r.load_large_preset(100_000, 10).unwrap();
    assert_eq!((report.repositories, report.tags, report.images), (100_000, 1_000_000, 1_000));
    let first = r.catalog_with_hidden(None, None).unwrap();
    assert_eq!(first.repositories.len(), 100);
    assert_eq!(first.repositories[0], "team00/service-000000");
    assert_eq!(first.next.as_deref(), Some(first.repositories[99].as_str()));
    // Team 49's services are every 50th number: after 098999 come 20 more, the last page.
    let last = r.catalog_with_hidden(Some(1000), Some("team49/service-098999")).unwrap();
    assert_eq!(last.repositories.len(), 20);
    assert_eq!(last.repositories.last().map(String::as_str), Some("team49/service-099999"));
    assert_eq!(last.next, None);
    let tags = r.tag_page(&preset_repo(12_345), None, None).unwrap();
    assert_eq!(tags.tags.len(), 10);
    assert_eq!(r.manifests(&preset_repo(12_345)).unwrap().len(), 2);
    // Three distinct layers per image, the two base layers shared: 1,000 images bill
    // 30 MiB + 20 × 12 MiB of synthetic bases, plus each image's own small layer, config and
    // manifest.
    let usage = r.usage();
    assert!(usage.total_billed_bytes > (30 << 20) + 20 * (12 << 20), "{}", usage.total_billed_bytes);
    assert_eq!(usage.total_billed_bytes, report.billed_bytes);
    r.audit().unwrap();
    // A second load, or one into a used registry, is refused.
    let e = r.load_large_preset(10, 1).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidArgument);
    assert!(e.message.contains("new, empty registry"), "{}", e.message);
    // It is in the session log (the refused second load is not: it changed nothing).
    assert_eq!(r.journal().entries.len(), 1);
    // Listing it again and again (a console loop; the throttle refuses some calls, which it
    // counts) logs each call, but copies of a registry this big are few: what checkpoints hold
    // is bounded.
    for _ in 0..2_000 {
        let _ = r.catalog(Some(100), None);
    }
    assert_eq!(r.journal().entries.len(), 2_001);
    assert!(r.history_view().checkpoints <= 3, "{}", r.history_view().checkpoints);
}

#[test]
fn a_preset_loaded_in_slices_is_the_same_as_one_loaded_whole_and_replays() {
    let new =
        || Registry::new(RegistryOptions { tier: Tier::Premium, ..RegistryOptions::default() }).unwrap();
    let mut whole = new();
    whole.load_large_preset(5_000, 10).unwrap();
    let mut sliced = new();
    let first = sliced.begin_large_preset(5_000, 10).unwrap();
    assert_eq!((first.done, first.images_done, first.images), (0, 1, 1_000), "begin pushes the first image");
    // Slices of 1,500 units: 30 images each (50 units an image) until the 1,000 are stored;
    // the slice that stores the last 9 fills 1,050 repositories with what is left, then
    // 1,500 repositories a slice.
    let mut seen = vec![];
    while let Some(p) = sliced.continue_large_preset(1_500).unwrap() {
        seen.push((p.images_done, p.done));
        if p.done == p.repositories {
            break;
        }
    }
    assert_eq!(seen.len(), 33 + 4, "{seen:?}");
    assert_eq!(seen[0], (31, 0));
    assert_eq!(seen[32], (991, 0));
    assert_eq!(seen[33], (1_000, 1_050), "the rest of the slice fills repositories");
    assert_eq!(&seen[34..], [(1_000, 2_550), (1_000, 4_050), (1_000, 5_000)]);
    // Every slice of 1,500 units did about the same work: 30 images or 1,500 repositories.
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "progress only grows");
    assert_eq!(sliced.continue_large_preset(1_500).unwrap(), None, "nothing under way any more");
    assert_eq!(sliced.event_log_hash(), whole.event_log_hash());
    // One recorded call, however many slices (the clock its pushes move is not recorded again).
    assert_eq!(sliced.journal(), whole.journal());
    assert_eq!(Registry::replay(sliced.journal()).unwrap().event_log_hash(), whole.event_log_hash());
    // Anything done before a load ends finishes it first, so the log still replays.
    let mut busy = new();
    busy.begin_large_preset(5_000, 10).unwrap();
    busy.continue_large_preset(100).unwrap();
    busy.run_for(stowage::engine::Millis(1_000));
    assert_eq!(
        busy.catalog_with_hidden(Some(1000), Some("team49/service-004899")).unwrap().repositories.len(),
        2
    );
    assert_eq!(Registry::replay(busy.journal()).unwrap().event_log_hash(), busy.event_log_hash());
}
