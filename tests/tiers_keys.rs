//! Tiers, keys and the image lifecycle (issue #3): throttling with exact Retry-After figures,
//! bandwidth time, customer-managed keys whose loss is real cryptography, retention, and the
//! Premium-only gates. Every figure here follows from the published tables in domain.md.
#![cfg(not(target_arch = "wasm32"))]

use stowage::engine::{
    ErrorCode, KeyKind, KeyState, LayerInput, Millis, RateModel, Registry, RegistryOptions, Rotation,
    RotationMode, Tier,
};

fn registry(tier: Tier, rate_model: RateModel, cmk: Option<RotationMode>) -> Registry {
    Registry::new(RegistryOptions {
        tier,
        rate_model,
        customer_managed_key: cmk,
        ..RegistryOptions::default()
    })
    .expect("registry")
}

fn file(bytes: &[u8]) -> Vec<LayerInput> {
    vec![LayerInput::File { name: "f".into(), bytes: bytes.to_vec() }]
}

/// Everything a refusal must leave as it was.
fn state(r: &Registry) -> String {
    let catalog = r.catalog_with_hidden(Some(1000), None).expect("catalog");
    let mut s = format!("{:?}|{:?}|{}|{}", r.usage(), catalog, r.last_event_seq(), r.now());
    for repo in &catalog.repositories {
        s += &format!("|{:?}|{:?}", r.tag_page(repo, Some(1000), None), r.manifests(repo));
    }
    s + &format!("|{:?}|{:?}", r.key_vault(), r.retention_view(1000))
}

// ---- throttling ------------------------------------------------------------------------------

#[test]
fn a_client_over_its_write_bucket_gets_429_with_retry_after_and_succeeds_after_waiting() {
    // Standard, 2026 model: 1,000 writes a minute per identity, a bucket of 10 s = 166.67
    // writes (10,000,000 units, a write being 60,000). Each push_blob is a HEAD (read) and an
    // upload (write), and its 4 bytes take 1 ms at 20 MB/s, in which 1,000 units refill: after
    // k pushes the bucket holds 10,000,000 - 59,000 k, so 169 pushes pass and the 170th waits.
    let mut r = registry(Tier::Standard, RateModel::Buckets2026, None);
    let mut admitted = 0u32;
    let e = r
        .with_identity::<()>("ci-bot", |r| {
            loop {
                r.push_blob("app", &admitted.to_be_bytes(), None)?;
                admitted += 1;
            }
        })
        .unwrap_err();
    assert_eq!(admitted, 169);
    assert_eq!((e.code, e.http_status, e.retry_after_s), (ErrorCode::TooManyRequests, 429, Some(1)));
    assert!(e.message.contains("identity ci-bot's DataplaneWrite limit is 1000 per minute"), "{}", e.message);
    let wait = e.retry_after_s.expect("a Retry-After");
    let before = state(&r);
    let e = r.with_identity("ci-bot", |r| r.push_blob("app", b"one more", None)).unwrap_err();
    assert_eq!(e.code, ErrorCode::TooManyRequests);
    assert_eq!(state(&r), before, "a throttled push changes nothing");
    // The admin user has its own bucket: the registry's (2,000/min, 333) still has room.
    assert!(r.push_blob("app", b"admin push", None).is_ok());
    r.run_for(Millis(wait * 1000));
    assert!(r.with_identity("ci-bot", |r| r.push_blob("app", b"one more", None)).is_ok());
    let view = r.throttle_view();
    assert_eq!(view.categories[1].name, "DataplaneWrite");
    assert_eq!((view.categories[1].admitted, view.categories[1].throttled), (171, 2));
    r.audit().unwrap();
}

#[test]
fn a_throttled_image_push_writes_nothing_at_all() {
    // Basic, 2019 model: 100 writes a minute per registry, a bucket of 16.67 writes. A two-layer
    // image is 4 writes (two layers, the config, the manifest): four pushes fit, the fifth not.
    let mut r = registry(Tier::Basic, RateModel::PerMinute2019, None);
    let two = || {
        vec![
            LayerInput::File { name: "a".into(), bytes: b"aaa".to_vec() },
            LayerInput::File { name: "b".into(), bytes: b"bbb".to_vec() },
        ]
    };
    for i in 0..4 {
        r.push_image("app", &format!("v{i}"), two()).unwrap();
    }
    let before = state(&r);
    let e = r.push_image("app", "v4", two()).unwrap_err();
    assert_eq!(e.code, ErrorCode::TooManyRequests);
    assert!(e.message.contains("the registry's DataplaneWrite limit is 100 per minute (2019 model)"));
    assert_eq!(state(&r), before);
    r.run_for(Millis(e.retry_after_s.unwrap() * 1000));
    assert!(r.push_image("app", "v4", two()).is_ok());
}

#[test]
fn a_cluster_scaling_out_is_throttled_on_the_shared_identity_but_not_with_one_per_node() {
    // Standard, 2026: 5,000 reads a minute per identity (a bucket of 833), 10,000 per registry
    // (1,666). A one-layer image is 3 reads per node (manifest, config, layer).
    let mut r = registry(Tier::Standard, RateModel::Buckets2026, None);
    r.push_image("app", "v1", file(&[7u8; 1000])).unwrap();
    let report = r.scale_out_pull("app", "v1", 300, true).unwrap();
    assert_eq!((report.reads_per_node, report.completed, report.throttled), (3, 277, 23));
    assert_eq!(report.first_throttled_node, Some(278));
    assert_eq!(report.retry_after_max_s, 1);
    assert!(r.events().last().unwrap().text.contains("23 were refused with 429 TOOMANYREQUESTS"));
    // One identity per node: only the registry bucket limits, and its 1,666 reads were drawn
    // down by 831 already (277 × 3): 835 left, 278 more nodes.
    r.run_for(Millis::MINUTE);
    let report = r.scale_out_pull("app", "v1", 600, false).unwrap();
    assert_eq!((report.completed, report.throttled), (555, 45));
    // Off: no limits at all.
    r.set_rate_model("off").unwrap();
    let report = r.scale_out_pull("app", "v1", 10_000, true).unwrap();
    assert_eq!((report.completed, report.throttled), (10_000, 0));
    assert_eq!(r.scale_out_pull("app", "v1", 0, true).map_err(|e| e.code), Err(ErrorCode::InvalidArgument));
}

#[test]
fn a_2_gib_layer_takes_longer_on_basic_than_on_premium() {
    let size = 2u64 << 30;
    let mut took = vec![];
    for tier in [Tier::Basic, Tier::Premium] {
        let mut r = registry(tier, RateModel::Buckets2026, None);
        let pushed = r
            .push_image("big", "v1", vec![LayerInput::Synthetic { size_bytes: size, seed: Some(1) }])
            .unwrap();
        assert_eq!(r.now(), pushed.took_ms, "the clock moved by the upload time");
        took.push(pushed.took_ms);
        // The config and manifest travel in the same push.
        assert!(pushed.uploaded_bytes > size && pushed.uploaded_bytes < size + 2_000);
    }
    // 2 GiB = 2,147,483,648 bytes at 10 MB/s (Basic) and 50 MB/s (Premium), plus ~700 bytes.
    assert_eq!(took, [Millis(214_749), Millis(42_950)]);
    // A layer the repository already has is not sent again.
    let mut r = registry(Tier::Basic, RateModel::Buckets2026, None);
    r.push_image("big", "v1", vec![LayerInput::Synthetic { size_bytes: size, seed: Some(1) }]).unwrap();
    let again =
        r.push_image("big", "v2", vec![LayerInput::Synthetic { size_bytes: size, seed: Some(1) }]).unwrap();
    assert!(again.uploaded_bytes < 2_000, "{}", again.uploaded_bytes);
}

// ---- customer-managed keys -------------------------------------------------------------------

#[test]
fn a_customer_managed_key_is_premium_only_and_chosen_at_creation() {
    for tier in [Tier::Basic, Tier::Standard] {
        let e = Registry::new(RegistryOptions {
            tier,
            customer_managed_key: Some(RotationMode::Automatic),
            ..RegistryOptions::default()
        })
        .err()
        .expect("refused");
        assert_eq!((e.code, e.http_status), (ErrorCode::RegistryDisallowedOperation, 405));
        assert!(e.message.contains("Premium feature"), "{}", e.message);
    }
    let mut r = registry(Tier::Premium, RateModel::Buckets2026, None);
    assert_eq!(r.key_vault().kind, KeyKind::ServiceManaged);
    assert_eq!(r.revoke_key_access().map_err(|e| e.code), Err(ErrorCode::Unsupported));
    let mut cmk = registry(Tier::Premium, RateModel::Buckets2026, Some(RotationMode::Automatic));
    let e = cmk.set_tier("Standard").unwrap_err();
    assert_eq!(e.code, ErrorCode::RegistryDisallowedOperation);
    assert!(e.message.contains("customer-managed key is in use"), "{}", e.message);
}

#[test]
fn a_revoked_key_refuses_every_push_and_pull_with_403_and_restore_loses_nothing() {
    let mut r = registry(Tier::Premium, RateModel::Buckets2026, Some(RotationMode::Automatic));
    let pushed = r.push_image("app", "v1", file(b"precious bytes")).unwrap();
    let layer = pushed.layers[0].to_string();
    let backup = r.revoke_key_access().unwrap();
    let view = r.key_vault();
    assert_eq!((view.state, view.holds_key_material), (KeyState::AccessRevoked, false));
    let before = state(&r);
    for e in [
        r.pull_blob("app", &layer).unwrap_err(),
        r.pull_manifest("app", "v1").map(|_| ()).unwrap_err(),
        r.push_image("app", "v2", file(b"new")).map(|_| ()).unwrap_err(),
        r.push_blob("app", b"new", None).map(|_| ()).unwrap_err(),
        r.read_blob("app", &layer).unwrap_err(),
    ] {
        assert_eq!((e.code, e.http_status), (ErrorCode::Denied, 403), "{e}");
        assert!(e.message.contains("is access revoked"), "{}", e.message);
    }
    assert_eq!(state(&r), before, "refusals change nothing");
    assert!(view.client_sees.unwrap().starts_with("DENIED: the registry's customer-managed key"));
    // Only this key's backup restores it.
    let mut other = registry(Tier::Premium, RateModel::Buckets2026, Some(RotationMode::Manual));
    let foreign = other.disable_key().unwrap();
    assert_eq!(
        r.restore_key(foreign.as_str()).map(|_| ()).map_err(|e| e.code),
        Err(ErrorCode::InvalidArgument)
    );
    assert_eq!(
        r.restore_key("not a backup").map(|_| ()).map_err(|e| e.code),
        Err(ErrorCode::InvalidArgument)
    );
    assert_eq!(r.key_vault().state, KeyState::AccessRevoked);
    r.restore_key(backup.as_str()).unwrap();
    assert_eq!(r.pull_blob("app", &layer).unwrap(), b"precious bytes");
    assert!(r.push_image("app", "v2", file(b"new")).is_ok());
    // Disable and delete behave the same way.
    for lose in [Registry::disable_key, Registry::delete_key] {
        let backup = lose(&mut r).unwrap();
        assert_eq!(r.pull_blob("app", &layer).map_err(|e| e.code), Err(ErrorCode::Denied));
        r.restore_key(backup.as_str()).unwrap();
    }
    assert_eq!(r.pull_blob("app", &layer).unwrap(), b"precious bytes");
    r.audit().unwrap();
}

#[test]
fn automatic_rotation_adopts_a_new_version_within_an_hour_and_old_data_stays_readable() {
    let mut r = registry(Tier::Premium, RateModel::Buckets2026, Some(RotationMode::Automatic));
    let old = r.push_image("app", "v1", file(b"wrapped by version 1")).unwrap();
    let view = r.add_key_version().unwrap();
    let (version, at) = view.pending_adoption.expect("adoption queued");
    assert_eq!((version, view.in_use), (2, 1));
    assert!(at > r.now() && at <= r.now().saturating_add(Millis::HOUR), "{at}");
    r.run_for(Millis::HOUR);
    let view = r.key_vault();
    assert_eq!((view.in_use, view.pending_adoption), (2, None));
    r.push_image("app", "v2", file(b"wrapped by version 2")).unwrap();
    let versions = r.key_vault().versions;
    // v1: 3 records (layer, config, manifest) before; v2: 3 new records after.
    assert_eq!(versions.iter().map(|v| v.records).collect::<Vec<_>>(), [3, 3]);
    assert_eq!(r.pull_blob("app", &old.layers[0].to_string()).unwrap(), b"wrapped by version 1");
    // The draw comes from the seeded RNG: the same seed adopts at the same instant.
    let mut again = registry(Tier::Premium, RateModel::Buckets2026, Some(RotationMode::Automatic));
    again.push_image("app", "v1", file(b"wrapped by version 1")).unwrap();
    assert_eq!(again.add_key_version().unwrap().pending_adoption, Some((2, at)));
}

#[test]
fn manual_rotation_stays_pinned_until_rotated_by_hand() {
    let mut r = registry(Tier::Premium, RateModel::Buckets2026, Some(RotationMode::Manual));
    assert_eq!(r.key_vault().rotation, Rotation::Manual { pinned: 1 });
    assert_eq!(r.add_key_version().unwrap().pending_adoption, None);
    r.run_for(Millis::DAY);
    assert_eq!(r.key_vault().in_use, 1);
    assert_eq!(r.rotate_key(Some(2)).unwrap().rotation, Rotation::Manual { pinned: 2 });
    assert_eq!(r.rotate_key(Some(3)).map(|_| ()).map_err(|e| e.code), Err(ErrorCode::InvalidArgument));
    r.add_key_version().unwrap();
    let view = r.rotate_key(None).unwrap();
    assert_eq!((view.in_use, view.rotation), (3, Rotation::Automatic));
}

// ---- retention -------------------------------------------------------------------------------

#[test]
fn retention_is_premium_only_and_ignores_manifests_untagged_before_it_was_enabled() {
    let mut standard = registry(Tier::Standard, RateModel::Buckets2026, None);
    let e = standard.set_retention_policy(true, Some(7)).unwrap_err();
    assert_eq!((e.code, e.http_status), (ErrorCode::RegistryDisallowedOperation, 405));
    assert!(e.message.contains("Premium feature; this registry is Standard"), "{}", e.message);

    let mut r = registry(Tier::Premium, RateModel::Buckets2026, None);
    let early = r.push_image("app", "early", file(b"early")).unwrap().digest;
    r.untag("app", "early").unwrap();
    assert_eq!(
        r.set_retention_policy(true, Some(366)).map(|_| ()).map_err(|e| e.code),
        Err(ErrorCode::InvalidArgument)
    );
    r.set_retention_policy(true, Some(2)).unwrap();
    let late = r.push_image("app", "late", file(b"late")).unwrap().digest;
    r.push_image("app", "keep", file(b"keep")).unwrap();
    r.untag("app", "late").unwrap();
    let untagged_at = r.now();
    let view = r.retention_view(10);
    assert_eq!(view.queued_total, 1);
    assert_eq!(
        (view.queued[0].digest, view.queued[0].due_at_ms),
        (late, Millis(untagged_at.0 + 2 * Millis::DAY.0))
    );
    r.run_for(Millis(2 * Millis::DAY.0 - 1));
    assert_eq!(r.manifests("app").unwrap().len(), 3, "not before two days");
    r.run_for(Millis(1));
    let left: Vec<_> = r.manifests("app").unwrap().into_iter().map(|m| m.digest).collect();
    assert!(left.contains(&early) && !left.contains(&late), "the early one is never touched");
    assert!(r.events().any(|e| e.text.contains("retention policy deleted untagged manifest app@")));
    let e = r.set_tier("Standard").unwrap_err();
    assert!(e.message.contains("retention policy is enabled"), "{}", e.message);
    r.audit().unwrap();
}

#[test]
fn retention_skips_locked_and_retagged_manifests_and_takes_the_last_one_with_its_repository() {
    let mut r = registry(Tier::Premium, RateModel::Buckets2026, None);
    r.set_retention_policy(true, Some(0)).unwrap();
    // Locked: deleteEnabled=false on the manifest.
    let locked = r.push_image("locked", "v1", file(b"locked")).unwrap().digest;
    let patch = stowage::engine::AttributePatch { delete_enabled: Some(false), ..Default::default() };
    r.set_attributes("locked", Some(&locked.to_string()), &patch).unwrap();
    r.untag("locked", "v1").unwrap();
    // Re-tagged before the delete came due.
    let body = r.push_image("retag", "v1", file(b"retag")).unwrap();
    r.untag("retag", "v1").unwrap();
    let manifest = r.read_manifest("retag", &body.digest.to_string()).unwrap();
    r.push_manifest("retag", "v2", &manifest.bytes, Some(manifest.media_type.as_str())).unwrap();
    // The only manifest of its repository.
    r.push_image("alone", "v1", file(b"alone")).unwrap();
    r.untag("alone", "v1").unwrap();
    assert_eq!(r.retention_view(10).queued_total, 3);
    r.run_for(Millis(5_000));
    assert_eq!(r.manifests("locked").unwrap().len(), 1);
    assert_eq!(r.manifests("retag").unwrap().len(), 1);
    assert_eq!(
        r.manifests("alone").map_err(|e| e.code),
        Err(ErrorCode::NameUnknown),
        "the repository went too"
    );
    let texts: Vec<&str> = r.events().map(|e| e.text.as_str()).collect();
    assert!(texts.iter().any(|t| t.contains("kept locked@") && t.contains("it is locked")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("kept retag@") && t.contains("tagged again")), "{texts:?}");
    // Disabling the policy lets queued deletes lapse.
    r.push_image("later", "v1", file(b"later")).unwrap();
    r.push_image("later", "v2", file(b"later 2")).unwrap();
    r.untag("later", "v1").unwrap();
    r.set_retention_policy(false, None).unwrap();
    r.run_for(Millis::MINUTE);
    assert_eq!(r.manifests("later").unwrap().len(), 2);
    assert!(r.events().last().unwrap().text.contains("the policy was disabled after the untag"));
    r.audit().unwrap();
}

// ---- webhooks, private endpoints, content trust ----------------------------------------------

#[test]
fn webhooks_are_limited_per_tier_and_delivered_a_second_after_the_push() {
    let mut r = registry(Tier::Basic, RateModel::Buckets2026, None);
    r.add_webhook("deploys", &["push"], Some("app")).unwrap();
    r.add_webhook("audits", &["push", "delete"], None).unwrap();
    let e = r.add_webhook("third", &["push"], None).unwrap_err();
    assert_eq!((e.code, e.http_status), (ErrorCode::RegistryDisallowedOperation, 405));
    assert!(
        e.message
            .contains("Basic allows 2 webhooks and this registry has 2 (Standard allows 10, Premium 500)")
    );
    assert_eq!(
        r.add_webhook("x", &["push"], None).map(|_| ()).map_err(|e| e.code),
        Err(ErrorCode::InvalidArgument)
    );
    assert_eq!(
        r.add_webhook("badaction", &["pull"], None).map(|_| ()).map_err(|e| e.code),
        Err(ErrorCode::InvalidArgument)
    );
    r.push_image("app", "v1", file(b"app")).unwrap();
    r.push_image("other", "v1", file(b"other")).unwrap();
    let pushed_at = r.now();
    r.delete_manifest("other", "v1").unwrap();
    assert_eq!(r.features().webhooks.iter().map(|w| w.delivered).collect::<Vec<_>>(), [0, 0], "not yet");
    r.run_for(Millis::SECOND);
    let f = r.features();
    let (deploys, audits) = (&f.webhooks[0], &f.webhooks[1]);
    assert_eq!(deploys.recent.iter().map(|d| d.target.as_str()).collect::<Vec<_>>(), ["app:v1"]);
    assert_eq!(audits.delivered, 3, "two pushes and a delete");
    assert!(audits.recent[1].at_ms <= pushed_at.saturating_add(Millis::SECOND));
    assert!(r.events().any(|e| e.text == "webhook deploys delivered: push app:v1"));
    // Upgrading raises the limit; going back down with too many webhooks is refused.
    r.set_tier("Standard").unwrap();
    r.add_webhook("third", &["delete"], None).unwrap();
    let e = r.set_tier("Basic").unwrap_err();
    assert!(e.message.contains("3 webhooks exist and Basic allows 2"), "{}", e.message);
}

#[test]
fn private_endpoints_and_content_trust_are_premium_only() {
    let mut r = registry(Tier::Standard, RateModel::Buckets2026, None);
    let e = r.add_private_endpoint("corpnet").unwrap_err();
    assert!(
        e.message.contains("a private endpoint is a Premium feature; this registry is Standard"),
        "{}",
        e.message
    );
    assert_eq!(r.set_content_trust(true).map(|_| ()).map_err(|e| e.http_status), Err(405));
    r.set_tier("Premium").unwrap();
    r.add_private_endpoint("corpnet").unwrap();
    r.set_content_trust(true).unwrap();
    let e = r.set_tier("Standard").unwrap_err();
    assert!(e.message.contains("1 private endpoint(s) exist"), "{}", e.message);
    r.remove_private_endpoint("corpnet").unwrap();
    assert!(r.set_tier("Standard").unwrap_err().message.contains("content trust is enabled"));
    r.set_content_trust(false).unwrap();
    assert_eq!(r.set_tier("Standard").map(|t| t.tier), Ok(Tier::Standard));
    let mut cmk = registry(Tier::Premium, RateModel::Buckets2026, Some(RotationMode::Manual));
    assert!(cmk.set_content_trust(true).unwrap_err().message.contains("BlockedForEncryptionEnabledRegistry"));
}

// ---- soft delete -----------------------------------------------------------------------------

#[test]
fn soft_delete_keeps_deleted_images_billed_and_restorable_until_the_purge() {
    let mut r = registry(Tier::Standard, RateModel::Buckets2026, None);
    let e = r.set_soft_delete_policy(true, Some(91)).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidArgument);
    r.set_soft_delete_policy(true, Some(2)).unwrap();
    let img = r.push_image("app", "v1", file(b"oops")).unwrap();
    let billed = r.usage().total_billed_bytes;
    let deleted = r.delete_manifest("app", "v1").unwrap();
    assert_eq!(
        (deleted.released_bytes, r.usage().total_billed_bytes),
        (0, billed),
        "still stored and billed"
    );
    assert_eq!(r.read_manifest("app", "v1").map(|_| ()).map_err(|e| e.code), Err(ErrorCode::ManifestUnknown));
    assert!(r.catalog_with_hidden(None, None).unwrap().repositories.is_empty(), "hidden from the catalog");
    let view = r.soft_delete_view(10);
    assert_eq!(view.items_total, 1);
    let item = &view.items[0];
    assert_eq!((item.tag.as_ref().map(|t| t.as_str()), item.manifest_deleted), (Some("v1"), true));
    assert_eq!(view.next_purge_at_ms, Some(r.now().saturating_add(Millis::DAY)));
    // The purge runs every 24 h with a 2-day period: the first purge after 2 days is day 2.
    assert_eq!(item.purge_at_ms, Some(r.now().saturating_add(Millis(2 * Millis::DAY.0))));
    // Pushing the same manifest again is refused: restore it instead.
    let e = r.push_image("app", "v1", file(b"oops")).unwrap_err();
    assert!(e.message.contains("is soft-deleted; restore it"), "{}", e.message);
    r.restore_soft_deleted("app", "v1", &img.digest.to_string(), false).unwrap();
    assert_eq!(r.pull_blob("app", &img.layers[0].to_string()).unwrap(), b"oops");
    assert_eq!(r.soft_delete_view(10).items_total, 0);
    // Deleted again, a moment after the first delete: the purges run on the first delete's
    // 24-hour cadence, so the one 2 days after it is a moment too early, and the item goes at
    // the third.
    let first_purge = r.soft_delete_view(10).next_purge_at_ms.expect("a purge is scheduled");
    r.delete_manifest("app", "v1").unwrap();
    let purge_at = r.soft_delete_view(10).items[0].purge_at_ms.expect("purge time");
    assert_eq!(purge_at, first_purge.saturating_add(Millis(2 * Millis::DAY.0)));
    r.run_for(Millis(purge_at.0 - 1 - r.now().0));
    assert_eq!(r.soft_delete_view(10).items_total, 1);
    r.run_for(Millis(1));
    assert_eq!(r.soft_delete_view(10).items_total, 0);
    assert_eq!(r.usage().total_billed_bytes, 0);
    assert!(r.events().any(|e| e.text.starts_with("soft-delete purge: 1 manifest(s) and 0 tag(s)")));
    assert_eq!(
        r.pending_jobs(10).iter().filter(|j| j.kind == "soft-delete-purge").count(),
        0,
        "idle when the bins are empty"
    );
    r.audit().unwrap();
}

#[test]
fn soft_delete_restores_untagged_tags_forces_over_moved_tags_and_excludes_retention() {
    let mut r = registry(Tier::Premium, RateModel::Buckets2026, None);
    r.set_soft_delete_policy(true, None).unwrap();
    let e = r.set_retention_policy(true, Some(1)).unwrap_err();
    assert!(e.message.contains("cannot be combined with soft delete"), "{}", e.message);
    let one = r.push_image("app", "latest", file(b"one")).unwrap().digest;
    r.untag("app", "latest").unwrap();
    let two = r.push_image("app", "latest", file(b"two")).unwrap().digest;
    let e = r.restore_soft_deleted("app", "latest", &one.to_string(), false).unwrap_err();
    assert_eq!(e.code, ErrorCode::RegistryDisallowedOperation);
    assert!(e.message.contains("restore with force"), "{}", e.message);
    r.restore_soft_deleted("app", "latest", &one.to_string(), true).unwrap();
    assert_eq!(r.read_manifest("app", "latest").unwrap().digest, one);
    // The overwritten tag went to the bin, restorable in turn.
    let view = r.soft_delete_view(10);
    assert!(view.items.iter().any(|i| i.digest == two && !i.manifest_deleted));
    let unknown = r.restore_soft_deleted("app", "nope", &two.to_string(), false).unwrap_err();
    assert_eq!(unknown.code, ErrorCode::ManifestUnknown);
    // Delete the repository: everything goes to the bin, nothing is released.
    let billed = r.usage().total_billed_bytes;
    r.delete_repository("app").unwrap();
    assert_eq!(r.usage().total_billed_bytes, billed);
    r.restore_soft_deleted("app", "latest", &two.to_string(), true).unwrap();
    assert_eq!(r.read_manifest("app", "latest").unwrap().digest, two);
    r.set_soft_delete_policy(false, None).unwrap();
    r.run_for(Millis(8 * Millis::DAY.0));
    assert_eq!(r.soft_delete_view(10).items_total, 0, "items already in a bin are still purged");
    r.audit().unwrap();
}
