//! Nothing the user did is ever lost (issue findings 5): a refused call leaves the saved
//! session byte for byte as it was (no entry, no bytes kept) and forks nothing; calls that fail
//! after changing something stay recorded; a log written with refused calls in it still loads;
//! a session never grows past what `load_session` accepts, and says so before anything changes.
#![cfg(not(target_arch = "wasm32"))]

use base64::Engine as _;
use stowage::engine::journal::{Command, SessionLimits};
use stowage::engine::{
    AttributePatch, Digest, ErrorCode, FaultKind, LayerInput, Millis, Registry, RegistryOptions,
    RotationMode, Tier,
};

mod common;
use common::{file, premium};

/// Everything a refused call must leave as it was: the saved text, the log, and the state.
fn snapshot(r: &Registry) -> (String, usize, String, Millis) {
    (r.save_session().unwrap(), r.journal().entries.len(), r.event_log_hash(), r.now())
}

/// A call that must be refused (true when it was).
type Refused<'a> = Box<dyn Fn(&mut Registry) -> bool + 'a>;

/// A registry with a little of everything: two images, a locked tag, a client, a replica.
fn busy() -> Registry {
    let mut r = premium("westeurope");
    r.push_image("app", "v1", file("one")).unwrap();
    r.push_image("app", "v2", file("two")).unwrap();
    let lock = AttributePatch { delete_enabled: Some(false), ..AttributePatch::default() };
    r.set_attributes("app", Some("v2"), &lock).unwrap();
    r.add_client("ci", "westeurope", true, None).unwrap();
    r.add_replica("eastus").unwrap();
    r.run_for(Millis::MINUTE);
    r
}

#[test]
fn refused_calls_leave_the_saved_session_byte_for_byte() {
    let mut r = busy();
    let wrong = Digest::of(b"something else").to_string();
    let good_body = r.read_manifest("app", "v1").unwrap().bytes;
    let missing = r#"{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":1},"layers":[]}"#;
    let calls: Vec<(&str, Refused)> = vec![
        ("wrong claimed digest", Box::new(|r| r.push_blob("app", b"bytes", Some(&wrong)).is_err())),
        ("malformed claimed digest", Box::new(|r| r.push_blob("app", b"bytes", Some("sha256:xyz")).is_err())),
        ("bad repository name", Box::new(|r| r.push_blob("App//x", b"bytes", None).is_err())),
        ("bad tag", Box::new(|r| r.push_manifest("app", "-bad tag", &good_body, None).is_err())),
        ("invalid manifest", Box::new(|r| r.push_manifest("app", "v3", b"{not json", None).is_err())),
        (
            "manifest with missing blobs",
            Box::new(|r| r.push_manifest("app", "v3", missing.as_bytes(), None).is_err()),
        ),
        (
            "manifest digest mismatch",
            Box::new(|r| r.push_manifest("app", &Digest::of(b"q").to_string(), &good_body, None).is_err()),
        ),
        ("image without layers", Box::new(|r| r.push_image("app", "v9", vec![]).is_err())),
        ("image with a bad name", Box::new(|r| r.push_image("APP", "v9", file("x")).is_err())),
        ("synthetic layer of 0 bytes", Box::new(|r| r.push_synthetic_blob("app", 0, None).is_err())),
        ("mount of a bad digest", Box::new(|r| r.mount_blob("lib", "app", "sha256:1").is_err())),
        (
            "pull of an unknown blob",
            Box::new(|r| r.pull_blob("app", &Digest::of(b"nope").to_string()).is_err()),
        ),
        ("pull of an unknown tag", Box::new(|r| r.pull_manifest("app", "v9").is_err())),
        ("tags of an unknown repository", Box::new(|r| r.tags("nope", None, None).is_err())),
        ("catalog page too large", Box::new(|r| r.catalog(Some(1_000_000), None).is_err())),
        ("untag of an unknown tag", Box::new(|r| r.untag("app", "v9").is_err())),
        ("delete in an unknown repository", Box::new(|r| r.delete_manifest("nope", "v1").is_err())),
        ("delete of an unknown tag", Box::new(|r| r.delete_manifest("app", "nope").is_err())),
        ("delete of a locked tag", Box::new(|r| r.delete_manifest("app", "v2").is_err())),
        ("delete of an unknown repository", Box::new(|r| r.delete_repository("nope").is_err())),
        ("delete of a repository holding a lock", Box::new(|r| r.delete_repository("app").is_err())),
        (
            "lock in an unknown repository",
            Box::new(|r| r.set_attributes("nope", None, &AttributePatch::default()).is_err()),
        ),
        ("tamper with no such record", Box::new(|r| r.tamper_record("blobs/sha256/00", 0).is_err())),
        ("unknown tier", Box::new(|r| r.set_tier("Gold").is_err())),
        ("down to Basic with a replica", Box::new(|r| r.set_tier("Basic").is_err())),
        ("unknown rate model", Box::new(|r| r.set_rate_model("1999").is_err())),
        ("scale-out of 0 nodes", Box::new(|r| r.scale_out_pull("app", "v1", 0, true).is_err())),
        ("geo lag over 30 days", Box::new(|r| r.set_geo_lag(Millis(31 * 86_400_000)).is_err())),
        ("key version on a service-managed key", Box::new(|r| r.add_key_version().is_err())),
        ("revoke a service-managed key", Box::new(|r| r.revoke_key_access().is_err())),
        ("restore with a made-up backup", Box::new(|r| r.restore_key("stowage-key-backup:zz").is_err())),
        (
            "fault on an unknown account",
            Box::new(|r| {
                let fault = FaultKind::StorageAccountFailure { account: "nope".into(), destroyed: false };
                r.inject_fault(fault, Millis(0), None).is_err()
            }),
        ),
        ("heal of an unknown fault", Box::new(|r| r.heal_fault(99).is_err())),
        ("webhook with no action", Box::new(|r| r.add_webhook("hook", &[], None).is_err())),
        ("remove an unknown webhook", Box::new(|r| r.remove_webhook("nope").is_err())),
        ("remove an unknown endpoint", Box::new(|r| r.remove_private_endpoint("nope").is_err())),
        ("retention of 400 days", Box::new(|r| r.set_retention_policy(true, Some(400)).is_err())),
        ("soft delete with replicas", Box::new(|r| r.set_soft_delete_policy(true, None).is_err())),
        (
            "restore from an empty bin",
            Box::new(|r| r.restore_soft_deleted("app", "v1", &wrong, false).is_err()),
        ),
        ("client in no region", Box::new(|r| r.add_client("x", "mars", false, None).is_err())),
        ("client that exists", Box::new(|r| r.add_client("ci", "eastus", false, None).is_err())),
        (
            "push by an unknown client",
            Box::new(|r| r.client_push_image("nobody", "app", "v3", file("x")).is_err()),
        ),
        ("pull by an unknown client", Box::new(|r| r.client_pull_image("nobody", "app", "v1").is_err())),
        (
            "request as an unknown client",
            Box::new(|r| r.with_client("nobody", |r| r.pull_manifest("app", "v1")).is_err()),
        ),
        (
            "refused request as an identity",
            Box::new(|r| r.with_identity("ci-bot", |r| r.pull_manifest("app", "v9")).is_err()),
        ),
        (
            "identity with a bad name",
            Box::new(|r| r.with_identity("a b", |r| r.pull_manifest("app", "v1")).is_err()),
        ),
        ("replica in no region", Box::new(|r| r.add_replica("mars").is_err())),
        ("replica that exists", Box::new(|r| r.add_replica("eastus").is_err())),
        ("remove the home replica", Box::new(|r| r.remove_replica("westeurope").is_err())),
        ("routing of no replica", Box::new(|r| r.set_replica_routing("japaneast", false).is_err())),
        ("import of garbage", Box::new(|r| r.import_archive(b"not a tar at all", "app").is_err())),
        ("preset on a registry that is not empty", Box::new(|r| r.load_large_preset(10, 1).is_err())),
    ];
    for (what, call) in &calls {
        let before = snapshot(&r);
        assert!(call(&mut r), "{what}: refused");
        assert_eq!(snapshot(&r), before, "{what}: the session is as it was");
    }
    // And the session still replays to where it is.
    let back = Registry::load_session(&r.save_session().unwrap()).unwrap();
    assert_eq!(back.event_log_hash(), r.event_log_hash());
}

#[test]
fn five_refused_four_mib_pushes_keep_nothing() {
    let mut r = Registry::new(RegistryOptions::default()).unwrap();
    let before = r.save_session().unwrap();
    for i in 0..5u8 {
        let bytes = vec![i; 4 << 20];
        let wrong = Digest::of(&[i]).to_string();
        let e = r.push_blob("app", &bytes, Some(&wrong)).unwrap_err();
        assert_eq!(e.code, ErrorCode::DigestInvalid);
    }
    let after = r.save_session().unwrap();
    eprintln!("saved text: {} bytes before, {} after five refused 4 MiB pushes", before.len(), after.len());
    assert_eq!(after, before);
    assert_eq!(r.journal().blob_bytes(), 0);
    assert_eq!(r.session_budget().uploaded_bytes, 0);
    // One that is accepted is kept, once.
    let bytes = vec![9u8; 4 << 20];
    r.push_blob("app", &bytes, Some(&Digest::of(&bytes).to_string())).unwrap();
    let kept = r.save_session().unwrap();
    eprintln!("saved text: {} bytes after one accepted 4 MiB push", kept.len());
    assert!(kept.len() > 4 << 20 && kept.len() < (4 << 20) * 4 / 3 + 2048, "{}", kept.len());
    assert_eq!(r.session_budget().uploaded_bytes, 4 << 20);
}

#[test]
fn a_log_saved_with_refused_calls_in_it_still_loads() {
    // As the code before wrote them: refused calls, their bytes, and empty identity entries.
    let r = busy();
    let text = r.save_session().unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let at = r.now().0;
    let bytes = vec![7u8; 1000];
    let digest = Digest::of(&bytes).to_string();
    let wrong = Digest::of(b"x").to_string();
    let old: serde_json::Value = serde_json::json!([
        {"atMs": at, "commands": [{"do": "pushBlob", "repo": "app", "bytes": digest, "claimed": wrong}]},
        {"atMs": at, "commands": [{"do": "deleteManifest", "repo": "app", "reference": "nope"}]},
        {"atMs": at, "context": [{"as": "identity", "name": "ci-bot"}], "commands": [
            {"do": "pullManifest", "repo": "app", "reference": "v9"}]},
        {"atMs": at, "context": [{"as": "identity", "name": "ci-bot"}], "commands": []},
        {"atMs": at, "commands": [{"do": "setTier", "tier": "Gold"}]},
        {"atMs": at, "commands": [{"do": "importArchive", "archive": digest, "defaultRepo": "app"}]},
    ]);
    v["entries"].as_array_mut().unwrap().extend(old.as_array().unwrap().iter().cloned());
    v["blobs"][&digest] = base64::engine::general_purpose::STANDARD.encode(&bytes).into();
    let back = Registry::load_session(&v.to_string()).expect("an old log loads");
    assert_eq!(back.event_log_hash(), r.event_log_hash());
    assert_eq!(back.journal().entries.len(), r.journal().entries.len(), "the refused calls are left out");
    assert_eq!(back.journal().blob_bytes(), r.journal().blob_bytes(), "and their bytes");
    assert_eq!(back.save_session().unwrap(), text, "it saves as if they were never made");
}

#[test]
fn a_refused_call_in_the_past_forks_nothing() {
    let mut r = busy();
    r.push_image("app", "v3", file("three")).unwrap();
    r.run_for(Millis::HOUR);
    let (end, end_hash) = (r.now(), r.event_log_hash());
    r.travel_to(Millis(30_000)).unwrap();
    assert!(r.history_view().in_past);
    let looking = r.save_session().unwrap();
    assert!(r.delete_manifest("app", "nope").is_err());
    assert!(r.push_blob("app", b"x", Some(&Digest::of(b"y").to_string())).is_err());
    assert!(r.with_identity("bot", |r| r.pull_manifest("app", "v9")).is_err());
    let view = r.history_view();
    assert!(view.in_past && view.fork.is_none(), "{view:?}");
    assert_eq!(r.save_session().unwrap(), looking);
    r.return_to_present().unwrap();
    assert_eq!((r.now(), r.event_log_hash()), (end, end_hash), "the future is all there");
}

#[test]
fn failing_calls_that_change_something_stay_recorded() {
    let mut r = busy();
    // A client's pull of a tag that is not there is tallied (and routed): recorded.
    let n = r.journal().entries.len();
    let report = r.client_pull_image("ci", "app", "v9").unwrap();
    assert!(report.error.is_some());
    assert_eq!(r.journal().entries.len(), n + 1);
    assert_eq!(r.clients()[0].failures.get("MANIFEST_UNKNOWN"), Some(&1));
    // A request as a client is routed even when it is refused: its entry stays, with nothing in it.
    let lookups = r.clients()[0].requests;
    assert!(r.with_client("ci", |r| r.pull_manifest("app", "v9")).is_err());
    assert_eq!(r.clients()[0].requests, lookups + 1);
    let last = r.journal().entries.last().unwrap();
    assert!(last.commands.is_empty() && !last.context.is_empty(), "{last:?}");
    // A throttled request is counted: recorded.
    let mut b = Registry::new(RegistryOptions { tier: Tier::Basic, ..RegistryOptions::default() }).unwrap();
    b.push_image("app", "v1", file("one")).unwrap();
    let throttled = (0..100_000).find_map(|_| b.pull_manifest("app", "v1").err()).expect("throttled at last");
    assert_eq!(throttled.code, ErrorCode::TooManyRequests);
    let last = &b.journal().entries.last().unwrap().commands;
    assert!(matches!(last.as_slice(), [Command::PullManifest { .. }]), "{last:?}");
    // Each replays to the same state, counts included.
    for r in [&r, &b] {
        let back = Registry::load_session(&r.save_session().unwrap()).unwrap();
        assert_eq!(back.event_log_hash(), r.event_log_hash());
        assert_eq!(back.clients(), r.clients());
        assert_eq!(back.throttle_view(), r.throttle_view());
    }
}

#[test]
fn the_entry_limit_refuses_at_the_boundary_and_the_full_session_loads() {
    let mut r = Registry::new(RegistryOptions::default()).unwrap();
    r.set_session_limits(SessionLimits { entries: 6, ..SessionLimits::default() });
    for i in 0..5 {
        r.set_geo_lag(Millis(i)).unwrap();
    }
    r.run_for(Millis::MINUTE);
    assert_eq!(r.journal().entries.len(), 6);
    let full = snapshot(&r);
    let e = r.set_geo_lag(Millis(99)).unwrap_err();
    assert_eq!((e.code, e.text.key), (ErrorCode::InvalidArgument, "errors.session_full_entries"));
    assert!(e.message.contains("7 log entries, 1 over the 6 a saved session may hold"), "{}", e.message);
    assert!(e.message.contains("Export session"), "{}", e.message);
    assert_eq!(snapshot(&r), full, "refused before anything changed");
    assert_eq!(r.geo_storage().geo_lag_ms, Millis(4));
    // A clock move of the same kind still merges into the last entry; another kind cannot run.
    assert_eq!(r.journal().entries.len(), 6);
    r.run_for(Millis::MINUTE);
    assert_eq!((r.now(), r.journal().entries.len()), (Millis(2 * 60_000), 6));
    assert_eq!(r.journal().entries.last().unwrap().commands, vec![Command::RunFor { ms: 120_000 }]);
    let full = snapshot(&r);
    assert_eq!(r.step(), None);
    assert_eq!(r.run_until_idle(), 0);
    assert_eq!(snapshot(&r), full);
    let budget = r.session_budget();
    assert_eq!((budget.entries, budget.entries_max), (6, 6));
    assert_eq!(budget.used, 1.0);
    // The session at the limit loads, and replays to the same state.
    let back = Registry::load_session(&full.0).unwrap();
    assert_eq!((back.event_log_hash(), back.now()), (r.event_log_hash(), r.now()));
    // Limits are only ever lowered.
    r.set_session_limits(SessionLimits { entries: usize::MAX, blob_bytes: u64::MAX, text_bytes: u64::MAX });
    assert_eq!(r.session_budget().entries_max, 1_000_000);
}

#[test]
fn the_uploaded_bytes_limit_keeps_each_blob_once_and_refuses_the_one_past_it() {
    let mut r = Registry::new(RegistryOptions::default()).unwrap();
    r.set_session_limits(SessionLimits { blob_bytes: 10_000, ..SessionLimits::default() });
    r.push_blob("app", &[1; 6000], None).unwrap();
    let full = snapshot(&r);
    let e = r.push_blob("app", &[2; 6000], None).unwrap_err();
    assert_eq!(e.text.key, "errors.session_full_bytes");
    assert!(e.message.contains("to 12,000 bytes, 2,000 bytes over the 10,000 bytes"), "{}", e.message);
    let e = r.push_image("app", "v1", vec![LayerInput::File { name: "f".into(), bytes: vec![3; 5000] }]);
    assert_eq!(e.unwrap_err().text.key, "errors.session_full_bytes");
    assert_eq!(snapshot(&r), full);
    assert_eq!(r.journal().blobs.len(), 1);
    // The same bytes again are kept once: they fit; a synthetic layer keeps none.
    r.push_blob("lib", &[1; 6000], None).unwrap();
    r.push_image("app", "v1", vec![LayerInput::Synthetic { size_bytes: 1 << 20, seed: Some(1) }]).unwrap();
    assert_eq!(r.session_budget().uploaded_bytes, 6000);
    let back = Registry::load_session(&r.save_session().unwrap()).unwrap();
    assert_eq!(back.event_log_hash(), r.event_log_hash());
}

#[test]
fn the_text_limit_bounds_the_saved_text() {
    let mut r = Registry::new(RegistryOptions::default()).unwrap();
    r.push_image("app", "v1", file("one")).unwrap();
    let base = r.session_budget().text_bytes;
    assert!(base >= r.save_session().unwrap().len() as u64);
    r.set_session_limits(SessionLimits { text_bytes: base + 1000, ..SessionLimits::default() });
    let mut accepted = 0;
    let refused = loop {
        let name = format!("c{accepted:0>40}");
        match r.add_client(&name, "westeurope", false, None) {
            Ok(_) => accepted += 1,
            Err(e) => break e,
        }
        let text = r.save_session().unwrap();
        assert!(text.len() as u64 <= r.session_budget().text_bytes, "the bound holds");
        assert!(accepted < 100);
    };
    assert!(accepted >= 3, "{accepted}");
    assert_eq!(refused.text.key, "errors.session_full_text");
    let text = r.save_session().unwrap();
    assert!(text.len() as u64 <= base + 1000);
    let back = Registry::load_session(&text).unwrap();
    assert_eq!(back.event_log_hash(), r.event_log_hash());
}

#[test]
fn the_budget_counts_what_a_save_writes() {
    let mut r = busy();
    r.push_blob("app", &[5; 3000], None).unwrap();
    let cmk = RegistryOptions {
        tier: Tier::Premium,
        customer_managed_key: Some(RotationMode::Manual),
        ..RegistryOptions::default()
    };
    let mut k = Registry::new(cmk).unwrap();
    k.push_image("app", "v1", file("sealed")).unwrap();
    for r in [&mut r, &mut k] {
        let text = r.save_session().unwrap();
        let b = r.session_budget();
        assert_eq!(b.entries, r.journal().entries.len() as u64);
        assert_eq!(b.uploaded_bytes, r.journal().blob_bytes());
        assert!(
            b.text_bytes >= text.len() as u64 && b.text_bytes <= text.len() as u64 + 400,
            "{b:?} {}",
            text.len()
        );
        assert_eq!((b.entries_max, b.uploaded_bytes_max, b.text_bytes_max), (1_000_000, 1 << 30, 2 << 30));
        let json = serde_json::to_value(b).unwrap();
        for key in [
            "entries",
            "entriesMax",
            "uploadedBytes",
            "uploadedBytesMax",
            "textBytes",
            "textBytesMax",
            "used",
        ] {
            assert!(json.get(key).is_some(), "{key} in {json}");
        }
    }
}

#[test]
fn a_key_backup_survives_a_reload_and_restores_the_key() {
    let cmk = RegistryOptions {
        tier: Tier::Premium,
        customer_managed_key: Some(RotationMode::Manual),
        ..RegistryOptions::default()
    };
    let mut r = Registry::new(cmk).unwrap();
    r.push_image("app", "v1", file("sealed")).unwrap();
    let backup = r.revoke_key_access().unwrap();
    assert_eq!(r.key_backups(), [backup.as_str().to_string()]);
    assert_eq!(r.pull_manifest("app", "v1").unwrap_err().code, ErrorCode::Denied);
    let mut back = Registry::load_session(&r.save_session().unwrap()).unwrap();
    // The replay hands the backup out again, at the same place; key material is never drawn
    // from the seed, so it is the loaded registry's own: the page offers that one.
    assert_eq!(back.key_backups().len(), 1);
    assert_ne!(back.key_backups(), r.key_backups());
    assert_eq!(back.push_image("app", "v2", file("x")).unwrap_err().code, ErrorCode::Denied);
    assert!(back.restore_key(backup.as_str()).is_err(), "the old material is not this registry's");
    back.restore_key(&back.key_backups()[0].clone()).unwrap();
    back.pull_manifest("app", "v1").unwrap();
    back.push_image("app", "v2", file("after")).unwrap();
    // The restore is logged by the backup's order, not its text.
    let last = &back.journal().entries.iter().rev().nth(2).unwrap().commands;
    assert!(
        matches!(last.as_slice(), [Command::RestoreKey { handed_out: Some(0), backup: None }]),
        "{last:?}"
    );
    let again = Registry::load_session(&back.save_session().unwrap()).unwrap();
    assert_eq!(again.event_log_hash(), back.event_log_hash());
}

mod random_sessions {
    //! Random sequences of valid and refused calls, clock moves, faults and failing client
    //! pulls, under random limits: a call that leaves the log as it was leaves everything as it
    //! was; the budget's text bound holds; and the session always loads and replays to the same
    //! state.
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        PushBlob(String, u8, bool),
        PushManifest(String, String, bool),
        PushImage(String, String, u8),
        PullManifest(String, String),
        PullBlob(String, u8),
        Untag(String, String),
        Delete(String, String),
        DeleteRepository(String),
        Lock(String, Option<String>, bool),
        AddClient(String, String),
        ClientPush(String, String, String, u8),
        ClientPull(String, String, String),
        AsClient(String, String, String),
        AsIdentity(String, String, String),
        Fault(u8, u64, Option<u64>),
        Heal(u32),
        HealAll,
        AddReplica(String),
        RunFor(u64),
        Step,
        RunUntilIdle,
        Converge(u64),
        SetTier(String),
    }

    fn repo() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["app", "lib/x", "Bad Name", "web"]).prop_map(String::from)
    }

    fn tag() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["v1", "v2", "-bad", "nope"]).prop_map(String::from)
    }

    fn region() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["westeurope", "eastus", "japaneast", "mars"]).prop_map(String::from)
    }

    fn client() -> impl Strategy<Value = String> {
        prop::sample::select(vec!["ci", "far", "nobody"]).prop_map(String::from)
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => (repo(), 0u8..6, any::<bool>()).prop_map(|(r, b, ok)| Op::PushBlob(r, b, ok)),
            2 => (repo(), tag(), any::<bool>()).prop_map(|(r, t, ok)| Op::PushManifest(r, t, ok)),
            3 => (repo(), tag(), 0u8..4).prop_map(|(r, t, b)| Op::PushImage(r, t, b)),
            2 => (repo(), tag()).prop_map(|(r, t)| Op::PullManifest(r, t)),
            1 => (repo(), 0u8..6).prop_map(|(r, b)| Op::PullBlob(r, b)),
            1 => (repo(), tag()).prop_map(|(r, t)| Op::Untag(r, t)),
            1 => (repo(), tag()).prop_map(|(r, t)| Op::Delete(r, t)),
            1 => repo().prop_map(Op::DeleteRepository),
            1 => (repo(), prop::option::of(tag()), any::<bool>()).prop_map(|(r, t, on)| Op::Lock(r, t, on)),
            1 => (client(), region()).prop_map(|(c, g)| Op::AddClient(c, g)),
            2 => (client(), repo(), tag(), 0u8..4).prop_map(|(c, r, t, b)| Op::ClientPush(c, r, t, b)),
            3 => (client(), repo(), tag()).prop_map(|(c, r, t)| Op::ClientPull(c, r, t)),
            1 => (client(), repo(), tag()).prop_map(|(c, r, t)| Op::AsClient(c, r, t)),
            1 => ("[a-z ]{1,5}", repo(), tag()).prop_map(|(i, r, t)| Op::AsIdentity(i, r, t)),
            2 => (0u8..5, prop_oneof![Just(0u64), 1u64..300_000], prop::option::of(1u64..600_000))
                .prop_map(|(k, d, l)| Op::Fault(k, d, l)),
            1 => (0u32..4).prop_map(Op::Heal),
            1 => Just(Op::HealAll),
            1 => region().prop_map(Op::AddReplica),
            3 => prop_oneof![Just(0u64), 1u64..900_000].prop_map(Op::RunFor),
            2 => Just(Op::Step),
            1 => Just(Op::RunUntilIdle),
            1 => (0u64..600_000).prop_map(Op::Converge),
            1 => prop::sample::select(vec!["Basic", "Standard", "Premium", "Gold"]).prop_map(|t| Op::SetTier(t.into())),
        ]
    }

    fn layers(b: u8) -> Vec<LayerInput> {
        match b {
            0 => vec![],
            1 => vec![LayerInput::Synthetic { size_bytes: 4096, seed: Some(1) }],
            _ => vec![LayerInput::File { name: "f".into(), bytes: vec![b; 200 * usize::from(b)] }],
        }
    }

    fn apply(r: &mut Registry, op: &Op) {
        let manifest = |ok: bool| {
            let (config, layer) = (Digest::of(&[0]), Digest::of(&[1]));
            let size = if ok { 1 } else { 2 };
            format!(
                r#"{{"schemaVersion":2,"config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{config}","size":1}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{layer}","size":{size}}}]}}"#
            )
        };
        let _ = match op {
            Op::PushBlob(repo, b, ok) => {
                let bytes = vec![*b % 2; 1 + usize::from(*b / 2) * 100];
                let claimed = if *ok { Digest::of(&bytes) } else { Digest::of(b"other") }.to_string();
                r.push_blob(repo, &bytes, Some(&claimed)).map(drop)
            }
            Op::PushManifest(repo, t, ok) => {
                r.push_manifest(repo, t, manifest(*ok).as_bytes(), None).map(drop)
            }
            Op::PushImage(repo, t, b) => r.push_image(repo, t, layers(*b)).map(drop),
            Op::PullManifest(repo, t) => r.pull_manifest(repo, t).map(drop),
            Op::PullBlob(repo, b) => r.pull_blob(repo, &Digest::of(&[*b % 2]).to_string()).map(drop),
            Op::Untag(repo, t) => r.untag(repo, t).map(drop),
            Op::Delete(repo, t) => r.delete_manifest(repo, t).map(drop),
            Op::DeleteRepository(repo) => r.delete_repository(repo).map(drop),
            Op::Lock(repo, t, on) => {
                let patch = AttributePatch { delete_enabled: Some(*on), ..AttributePatch::default() };
                r.set_attributes(repo, t.as_deref(), &patch).map(drop)
            }
            Op::AddClient(c, g) => r.add_client(c, g, c == "far", None).map(drop),
            Op::ClientPush(c, repo, t, b) => r.client_push_image(c, repo, t, layers(*b)).map(drop),
            Op::ClientPull(c, repo, t) => r.client_pull_image(c, repo, t).map(drop),
            Op::AsClient(c, repo, t) => r.with_client(c, |r| r.pull_manifest(repo, t)).map(drop),
            Op::AsIdentity(i, repo, t) => r.with_identity(i, |r| r.pull_manifest(repo, t)).map(drop),
            Op::Fault(kind, delay, duration) => {
                let fault = match kind {
                    0 => FaultKind::NetworkPartition {
                        from: "westeurope".into(),
                        to: "eastus".into(),
                        one_way: false,
                    },
                    1 => FaultKind::ReplicationPaused { region: None },
                    2 => FaultKind::KeyVaultUnreachable,
                    3 => FaultKind::RegionOutage { region: "eastus".into(), destroyed: false },
                    _ => FaultKind::ThrottleBurst { divisor: 100 },
                };
                r.inject_fault(fault, Millis(*delay), duration.map(Millis)).map(drop)
            }
            Op::Heal(id) => r.heal_fault(*id).map(drop),
            Op::HealAll => {
                r.heal_all();
                Ok(())
            }
            Op::AddReplica(g) => r.add_replica(g).map(drop),
            Op::RunFor(ms) => {
                r.run_for(Millis(*ms));
                Ok(())
            }
            Op::Step => {
                r.step();
                Ok(())
            }
            Op::RunUntilIdle => {
                r.run_until_idle();
                Ok(())
            }
            Op::Converge(ms) => r.converge(Millis(*ms)).map(drop),
            Op::SetTier(t) => r.set_tier(t).map(drop),
        };
    }

    /// Everything a call can change, as the page and the JS API see it.
    fn state(r: &Registry) -> String {
        let mut copy = r.clone();
        let catalog = r.catalog_with_hidden(Some(1000), None).map(|c| c.repositories).unwrap_or_default();
        let mut s = format!(
            "{}|{:?}|{:?}|{catalog:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
            r.event_log_hash(),
            r.now(),
            r.usage(),
            r.throttle_view(),
            r.clients(),
            r.faults(),
            r.replicas(),
            r.pending_jobs(10_000),
            copy.oracle_report(),
        );
        for repo in &catalog {
            s += &format!("|{:?}|{:?}", r.tag_page(repo, Some(1000), None), r.manifests(repo));
        }
        s
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48),
            ..ProptestConfig::default()
        })]

        #[test]
        fn every_session_loads_and_a_call_left_out_of_it_changed_nothing(
            ops in prop::collection::vec(op(), 1..60),
            limits in prop::option::of((4usize..40, 200u64..4000, 3_000u64..12_000)),
        ) {
            let mut r = premium("westeurope");
            if let Some((entries, blob_bytes, text_bytes)) = limits {
                r.set_session_limits(SessionLimits { entries, blob_bytes, text_bytes });
            }
            let limits = {
                let b = r.session_budget();
                (b.entries_max, b.uploaded_bytes_max, b.text_bytes_max)
            };
            for op in &ops {
                let (text, before) = (r.save_session().unwrap(), state(&r));
                apply(&mut r, op);
                let after = r.save_session().unwrap();
                if after == text {
                    prop_assert_eq!(state(&r), before, "{:?} left the log as it was but changed the registry", op);
                }
                let b = r.session_budget();
                prop_assert!(b.text_bytes >= after.len() as u64, "{:?}: {:?} under {}", op, b, after.len());
                prop_assert!(b.entries <= limits.0 && b.uploaded_bytes <= limits.1 && b.text_bytes <= limits.2,
                    "{:?} took the session past a limit: {:?}", op, b);
            }
            let text = r.save_session().unwrap();
            let loaded = Registry::load_session(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(loaded.event_log_hash(), r.event_log_hash());
            prop_assert_eq!(loaded.now(), r.now());
            prop_assert_eq!(state(&loaded), state(&r));
            let replayed = Registry::replay(r.journal()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(replayed.event_log_hash(), r.event_log_hash());
            prop_assert!(replayed.journal().entries.len() <= r.journal().entries.len());
        }
    }
}
