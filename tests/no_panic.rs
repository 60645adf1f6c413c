//! Property test: random sequences of operations with hostile names, tags, digests and bodies
//! never panic, and every refused operation leaves the registry exactly as it was.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use stowage::engine::{
    AttributePatch, Digest, ErrorCode, FaultKind, LayerInput, Millis, Registry, RegistryOptions,
    RotationMode, StorageCopy, Tier,
};

#[derive(Clone, Debug)]
enum Op {
    PushBlob(String, Vec<u8>, Option<String>),
    PushManifest(String, String, Vec<u8>, Option<String>),
    PushImage(String, String, Vec<Vec<u8>>),
    PullBlob(String, String),
    PullManifest(String, String),
    Mount(String, String, String),
    Untag(String, String),
    DeleteManifest(String, String),
    DeleteRepository(String),
    Catalog(Option<u64>, Option<String>),
    Tags(String, Option<u64>, Option<String>),
    Synthetic(String, u64, Option<u64>),
    Advance(u64),
    Lock(String, Option<String>, [Option<bool>; 4]),
    Retention(bool, Option<u32>),
    /// 0: disable, 1: delete, 2: revoke access to the key.
    LoseKey(u8),
    /// Restore with the backup kept (true) or a damaged one (false).
    RestoreKey(bool),
    AddKeyVersion,
    RotateKey(Option<u32>),
    PullAs(String, String, String),
    ScaleOut(String, String, u32, bool),
    RateModel(String),
    SetTier(String),
    SoftDelete(bool, Option<u32>),
    Restore(String, String, String, bool),
    Webhook(String, Vec<String>),
    /// 0: one account fails, 1: the region's storage fails, 2: bit rot in a stored record.
    Fault(u8, bool, u64, Option<u64>, u64),
    Heal(u32),
    AddReplica(String),
    RemoveReplica(String),
    Routing(String, bool),
    AddClient(String, String, bool),
    ClientPush(String, String, String, Vec<u8>),
    ClientPull(String, String, String),
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(vec!["app", "lib/x", "b-c"]).prop_map(String::from),
        1 => any::<String>(),
        1 => "[a-zA-Z0-9._/:@ -]{0,12}",
    ]
}

fn reference(known: &[&str]) -> impl Strategy<Value = String> {
    let mut known: Vec<String> = known.iter().map(|s| s.to_string()).collect();
    known.extend((0..4u8).map(|b| Digest::of(&[b]).to_string()));
    prop_oneof![
        3 => prop::sample::select(known),
        1 => any::<u8>().prop_map(|b| Digest::of(&[b % 4]).to_string()),
        1 => any::<String>(),
        1 => "sha256:[0-9a-fA-F]{0,66}",
    ]
}

fn tag() -> impl Strategy<Value = String> {
    prop_oneof![4 => prop::sample::select(vec!["v1", "v2"]).prop_map(String::from), 1 => reference(&[])]
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    let config = Digest::of(&[0]);
    let layer = Digest::of(&[1]);
    let good = format!(
        r#"{{"schemaVersion":2,"config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{config}","size":1}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{layer}","size":1}}]}}"#
    );
    prop_oneof![
        2 => Just(good.clone().into_bytes()),
        1 => Just(good.replace("\"size\":1}]", "\"size\":2}]").into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 0..200),
        1 => any::<String>().prop_map(String::into_bytes),
    ]
}

fn content_type() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        4 => Just(None),
        1 => Just(Some("application/vnd.oci.image.manifest.v1+json".to_string())),
        1 => any::<String>().prop_map(Some),
    ]
}

fn region() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["eastus", "eastus2", "japaneast", "westeurope", "mars"]).prop_map(String::from)
}

fn client() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["ci", "node", "nobody"]).prop_map(String::from)
}

fn op() -> impl Strategy<Value = Op> {
    let small_bytes = prop::collection::vec(0u8..4, 1..2);
    prop_oneof![
        3 => (name(), prop::collection::vec(0u8..2, 1..2), Just(None)).prop_map(|(r, b, d)| Op::PushBlob(r, b, d)),
        3 => (name(), tag(), body(), content_type())
            .prop_map(|(r, t, b, c)| Op::PushManifest(r, t, b, c)),
        1 => (name(), small_bytes.clone(), prop::option::of(reference(&["sha256:00"])))
            .prop_map(|(r, b, d)| Op::PushBlob(r, b, d)),
        1 => (name(), reference(&["v1", "v2"]), prop::collection::vec(small_bytes.clone(), 0..3))
            .prop_map(|(r, t, l)| Op::PushImage(r, t, l)),
        1 => (name(), reference(&[])).prop_map(|(r, d)| Op::PullBlob(r, d)),
        1 => (name(), reference(&["v1", "v2"])).prop_map(|(r, d)| Op::PullManifest(r, d)),
        1 => (name(), name(), reference(&[])).prop_map(|(r, f, d)| Op::Mount(r, f, d)),
        1 => (name(), tag()).prop_map(|(r, t)| Op::Untag(r, t)),
        1 => (name(), reference(&["v1", "v2"])).prop_map(|(r, t)| Op::DeleteManifest(r, t)),
        1 => name().prop_map(Op::DeleteRepository),
        1 => (prop::option::of(0u64..1200), prop::option::of(name())).prop_map(|(n, l)| Op::Catalog(n, l)),
        1 => (name(), prop::option::of(0u64..1200), prop::option::of(name())).prop_map(|(r, n, l)| Op::Tags(r, n, l)),
        1 => (name(), prop_oneof![Just(0u64), 1u64..100_000, Just(u64::MAX)], prop::option::of(any::<u64>()))
            .prop_map(|(r, s, seed)| Op::Synthetic(r, s, seed)),
        2 => prop_oneof![Just(0u64), 1u64..1_200_000].prop_map(Op::Advance),
        2 => (name(), prop::option::of(tag()), prop::array::uniform4(prop::option::of(any::<bool>())))
            .prop_map(|(r, t, p)| Op::Lock(r, t, p)),
        1 => Just(Op::Advance(86_400_000)),
        2 => (any::<bool>(), prop::option::of(prop_oneof![0u32..3, Just(400)])).prop_map(|(e, d)| Op::Retention(e, d)),
        1 => (0u8..3).prop_map(Op::LoseKey),
        1 => any::<bool>().prop_map(Op::RestoreKey),
        1 => Just(Op::AddKeyVersion),
        1 => prop::option::of(0u32..4).prop_map(Op::RotateKey),
        1 => ("[a-z@ ]{0,6}", name(), reference(&["v1", "v2"])).prop_map(|(i, r, t)| Op::PullAs(i, r, t)),
        1 => (name(), reference(&["v1", "v2"]), 0u32..400, any::<bool>()).prop_map(|(r, t, n, s)| Op::ScaleOut(r, t, n, s)),
        1 => prop::sample::select(vec!["2026", "2019", "off", "1999"]).prop_map(|m| Op::RateModel(m.into())),
        1 => prop::sample::select(vec!["Basic", "Standard", "Premium", "Gold"]).prop_map(|t| Op::SetTier(t.into())),
        2 => (any::<bool>(), prop::option::of(prop_oneof![0u32..3, Just(91)])).prop_map(|(e, d)| Op::SoftDelete(e, d)),
        2 => (name(), tag(), reference(&[]), any::<bool>()).prop_map(|(r, t, d, f)| Op::Restore(r, t, d, f)),
        3 => (0u8..10, any::<bool>(), prop_oneof![Just(0u64), 1u64..600_000], prop::option::of(1u64..900_000), any::<u64>())
            .prop_map(|(k, d, delay, dur, bit)| Op::Fault(k, d, delay, dur, bit)),
        1 => (0u32..5).prop_map(Op::Heal),
        2 => region().prop_map(Op::AddReplica),
        1 => region().prop_map(Op::RemoveReplica),
        1 => (region(), any::<bool>()).prop_map(|(g, on)| Op::Routing(g, on)),
        1 => (client(), region(), any::<bool>()).prop_map(|(c, g, cache)| Op::AddClient(c, g, cache)),
        3 => (client(), name(), tag(), prop::collection::vec(0u8..3, 1..3)).prop_map(|(c, r, t, b)| Op::ClientPush(c, r, t, b)),
        2 => (client(), name(), reference(&["v1", "v2"])).prop_map(|(c, r, t)| Op::ClientPull(c, r, t)),
        1 => ("[a-z0-9]{3,7}", prop::collection::vec(prop::sample::select(vec!["push", "delete", "pull"]), 0..3))
            .prop_map(|(n, a)| Op::Webhook(n, a.into_iter().map(String::from).collect())),
    ]
}

fn fingerprint(r: &Registry) -> String {
    let catalog = r.catalog_with_hidden(Some(1000), None).map(|c| c.repositories).unwrap_or_default();
    let mut s =
        format!("{:?}|{catalog:?}|{}|{:?}|{}", r.usage(), r.last_event_seq(), r.tier(), r.event_log_hash());
    for repo in &catalog {
        s += &format!(
            "|{:?}|{:?}|{:?}",
            r.tag_page(repo, Some(1000), None),
            r.manifests(repo),
            r.attributes(repo, None)
        );
    }
    s + &format!(
        "|{:?}|{:?}|{:?}|{:?}",
        r.key_vault(),
        r.retention_view(1000),
        r.soft_delete_view(1000),
        r.features()
    ) + &format!("|{:?}|{:?}|{:?}|{:?}", r.geo_storage(), r.faults(), r.replicas(), r.clients())
}

/// Applies an op; returns whether it was refused. `backup` is the customer's vault: what a
/// lost key's material was handed out as.
fn apply(r: &mut Registry, op: &Op, backup: &mut Option<String>) -> bool {
    match op {
        Op::Retention(enabled, days) => r.set_retention_policy(*enabled, *days).is_err(),
        Op::LoseKey(how) => {
            let lost = match how {
                0 => r.disable_key(),
                1 => r.delete_key(),
                _ => r.revoke_key_access(),
            };
            match lost {
                Ok(b) => {
                    *backup = Some(b.as_str().to_string());
                    false
                }
                Err(_) => true,
            }
        }
        Op::RestoreKey(good) => {
            let text = backup.clone().unwrap_or_default();
            let text = if *good { text } else { text.replace('a', "b") + "0" };
            r.restore_key(&text).is_err()
        }
        Op::AddKeyVersion => r.add_key_version().is_err(),
        Op::RotateKey(v) => r.rotate_key(*v).is_err(),
        Op::PullAs(identity, repo, t) => r.with_identity(identity, |r| r.pull_manifest(repo, t)).is_err(),
        Op::ScaleOut(repo, t, n, shared) => r.scale_out_pull(repo, t, *n, *shared).is_err(),
        Op::RateModel(m) => r.set_rate_model(m).is_err(),
        Op::SetTier(t) => r.set_tier(t).is_err(),
        Op::SoftDelete(enabled, days) => r.set_soft_delete_policy(*enabled, *days).is_err(),
        Op::Restore(repo, t, d, force) => {
            // Half the time restore what is really in the repository's bin, else what was drawn.
            let from_bin = r.soft_delete_view(1000).items.into_iter().find(|i| i.repo.as_str() == repo);
            match from_bin {
                Some(item) if d.len() % 2 == 0 => {
                    let tag = item.tag.map_or_else(|| t.clone(), |t| t.to_string());
                    r.restore_soft_deleted(repo, &tag, &item.digest.to_string(), *force).is_err()
                }
                _ => r.restore_soft_deleted(repo, t, d, *force).is_err(),
            }
        }
        Op::Fault(kind, destroyed, delay, duration, bit) => {
            let regions = ["westeurope", "eastus", "eastus2", "japaneast"];
            let (a, b) =
                (regions[(*bit % 4) as usize].to_string(), regions[(*bit / 4 % 4) as usize].to_string());
            let fault = match kind {
                0 => FaultKind::StorageAccountFailure {
                    account: r.geo_storage().accounts[(*bit % 4) as usize].name.clone(),
                    destroyed: *destroyed,
                },
                1 => FaultKind::RegionStorageFailure { destroyed: *destroyed, region: None },
                2 => {
                    let key = r.storage_records().first().map(|rec| rec.key.clone()).unwrap_or_default();
                    let copy = if *destroyed { StorageCopy::Secondary } else { StorageCopy::Primary };
                    FaultKind::BitRot { key, copy, bit: bit % 700 }
                }
                3 => FaultKind::ZoneFailure { region: a },
                4 => FaultKind::RegionOutage { region: a, destroyed: *destroyed },
                5 => FaultKind::NetworkPartition { from: a, to: b, one_way: *destroyed },
                6 => FaultKind::SlowLink { from: a, to: b, factor: (*bit % 20) as u32 },
                7 => FaultKind::ReplicationPaused { region: destroyed.then_some(a) },
                8 => FaultKind::KeyVaultUnreachable,
                _ => FaultKind::ThrottleBurst { divisor: (*bit % 200) as u32 },
            };
            r.inject_fault(fault, Millis(*delay), duration.map(Millis)).is_err()
        }
        Op::Heal(id) => r.heal_fault(*id).is_err(),
        Op::AddReplica(g) => r.add_replica(g).is_err(),
        Op::RemoveReplica(g) => r.remove_replica(g).is_err(),
        Op::Routing(g, on) => r.set_replica_routing(g, *on).is_err(),
        Op::AddClient(c, g, cache) => r.add_client(c, g, *cache, None).is_err(),
        Op::ClientPush(c, repo, t, bytes) => {
            let layers = vec![LayerInput::File { name: "f".into(), bytes: bytes.clone() }];
            // A client push is several requests: one that fails leaves the earlier ones applied.
            let _ = r.client_push_image(c, repo, t, layers);
            false
        }
        Op::ClientPull(c, repo, t) => {
            let _ = r.client_pull_image(c, repo, t);
            false
        }
        Op::Webhook(n, actions) => {
            let actions: Vec<&str> = actions.iter().map(String::as_str).collect();
            r.add_webhook(n, &actions, None).is_err()
        }
        Op::PushBlob(repo, b, d) => r.push_blob(repo, b, d.as_deref()).is_err(),
        Op::PushManifest(repo, t, b, c) => r.push_manifest(repo, t, b, c.as_deref()).is_err(),
        Op::PushImage(repo, t, layers) => {
            let layers =
                layers.iter().map(|b| LayerInput::File { name: "f".into(), bytes: b.clone() }).collect();
            r.push_image(repo, t, layers).is_err()
        }
        Op::PullBlob(repo, d) => r.pull_blob(repo, d).is_err(),
        Op::PullManifest(repo, t) => r.pull_manifest(repo, t).is_err(),
        Op::Mount(repo, from, d) => r.mount_blob(repo, from, d).is_err(),
        Op::Untag(repo, t) => r.untag(repo, t).is_err(),
        Op::DeleteManifest(repo, t) => r.delete_manifest(repo, t).is_err(),
        Op::DeleteRepository(repo) => r.delete_repository(repo).is_err(),
        Op::Catalog(n, l) => r.catalog(*n, l.as_deref()).is_err(),
        Op::Tags(repo, n, l) => r.tags(repo, *n, l.as_deref()).is_err(),
        Op::Synthetic(repo, s, seed) => r.push_synthetic_blob(repo, *s, *seed).is_err(),
        Op::Lock(repo, reference, [w, d, rd, l]) => {
            let patch =
                AttributePatch { write_enabled: *w, delete_enabled: *d, read_enabled: *rd, list_enabled: *l };
            r.set_attributes(repo, reference.as_deref(), &patch).is_err()
        }
        Op::Advance(ms) => {
            r.run_for(Millis(*ms));
            false
        }
    }
}

proptest! {
    // 160 cases in the test run; PROPTEST_CASES=N for a longer hunt.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(160),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_operations_never_panic_and_refusals_change_nothing(
        ops in prop::collection::vec(op(), 1..80),
        premium_cmk in any::<bool>(),
    ) {
        let options = if premium_cmk {
            RegistryOptions {
                tier: Tier::Premium,
                customer_managed_key: Some(RotationMode::Automatic),
                ..RegistryOptions::default()
            }
        } else {
            RegistryOptions::default()
        };
        let mut r = Registry::new(options).expect("registry");
        let mut backup = None;
        // The blobs the well-formed manifest body references, in two of the three repositories.
        for repo in ["app", "lib/x"] {
            for b in [0u8, 1] {
                r.push_blob(repo, &[b], None).expect("seed blob");
            }
        }
        for op in &ops {
            let before = fingerprint(&r);
            if apply(&mut r, op, &mut backup) {
                prop_assert_eq!(fingerprint(&r), before, "refused {:?} changed the registry", op);
            }
            if let Err(e) = r.audit_every_replica() {
                prop_assert!(false, "after {:?} the accounting is wrong: {}", op, e);
            }
        }
        // Invariant: the storage total is the sum of the accounts, and every catalogued tag pulls.
        let usage = r.usage();
        prop_assert_eq!(usage.total_billed_bytes, usage.accounts.iter().map(|a| a.billed_bytes).sum::<u64>());
        // (Owner reads: a client's pulls could be throttled by now.)
        for repo in r.catalog_with_hidden(Some(1000), None).map(|c| c.repositories).unwrap_or_default() {
            for tag in r.tag_page(&repo, Some(1000), None).map(|t| t.tags).unwrap_or_default() {
                let pulled = r.read_manifest(&repo, &tag).map_err(|e| e.code);
                prop_assert!(
                    matches!(
                        pulled,
                        Ok(_) | Err(ErrorCode::RegistryDisallowedOperation | ErrorCode::Denied | ErrorCode::Unavailable | ErrorCode::IntegrityError)
                    ),
                    "{}:{} does not pull: {:?}", repo, tag, pulled
                );
            }
        }
        // Whatever was done, refused or not, the session log replays to the same state, and a
        // saved session loads back to it.
        let replayed = Registry::replay(r.journal()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(replayed.event_log_hash(), r.event_log_hash(), "the log replays");
        prop_assert_eq!(fingerprint(&replayed), fingerprint(&r));
        let text = r.save_session().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let loaded = Registry::load_session(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(loaded.event_log_hash(), r.event_log_hash());
    }
}
