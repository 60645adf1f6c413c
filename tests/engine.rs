//! Engine behaviour a registry user relies on, natively: round trips, dedup, refusals that
//! change nothing, pagination, delete semantics, encryption at rest, tamper detection.

use stowage::engine::{
    AttributePatch, Digest, ErrorCode, LayerInput, MediaType, Millis, Registry, RegistryOptions, StorageEra,
    Tier,
};

fn registry() -> Registry {
    Registry::new(RegistryOptions::default()).expect("a default registry")
}

fn code<T: std::fmt::Debug>(r: stowage::engine::Result<T>) -> ErrorCode {
    r.expect_err("the operation should be refused").code
}

/// Everything observable about a registry's state, to check that a refusal changed nothing.
fn fingerprint(r: &Registry) -> String {
    let catalog = r.catalog_with_hidden(Some(1000), None).expect("catalog");
    let mut s = format!("{:?}|{:?}|{}|{}", r.usage(), catalog, r.last_event_seq(), r.now());
    for repo in &catalog.repositories {
        s += &format!("|{:?}|{:?}", r.tag_page(repo, Some(1000), None), r.manifests(repo));
    }
    s
}

fn oci_manifest(config: (&Digest, usize), layers: &[(&Digest, usize)]) -> String {
    let layers: Vec<String> = layers
        .iter()
        .map(|(d, n)| {
            format!(r#"{{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{d}","size":{n}}}"#)
        })
        .collect();
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}","size":{}}},"layers":[{}]}}"#,
        config.0,
        config.1,
        layers.join(",")
    )
}

/// Pushes config + one layer + manifest by hand, like a client. Returns (manifest, layer) digests.
fn push_by_hand(r: &mut Registry, repo: &str, tag: &str, layer: &[u8]) -> (Digest, Digest) {
    let config = br#"{"architecture":"amd64","os":"linux"}"#;
    let c = Digest::parse(&r.push_blob(repo, config, None).unwrap().to_string()).unwrap();
    let l = r.push_blob(repo, layer, Some(&Digest::of(layer).to_string())).unwrap();
    let body = oci_manifest((&c, config.len()), &[(&l, layer.len())]);
    let m = r.push_manifest(repo, tag, body.as_bytes(), None).unwrap();
    (m, l)
}

#[test]
fn push_then_pull_is_byte_exact_by_tag_and_by_digest() {
    let mut r = registry();
    let layer: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let (m, l) = push_by_hand(&mut r, "team/app", "v1", &layer);
    assert_eq!(r.pull_blob("team/app", &l.to_string()).unwrap(), layer);
    let by_tag = r.pull_manifest("team/app", "v1").unwrap();
    let by_digest = r.pull_manifest("team/app", &m.to_string()).unwrap();
    assert_eq!(by_tag, by_digest);
    assert_eq!(by_tag.digest, m);
    assert_eq!(Digest::of(&by_tag.bytes), m, "the manifest is stored byte-exact");
    assert_eq!(by_tag.media_type, MediaType::OciManifest);
}

#[test]
fn push_image_builds_a_valid_oci_image_from_files() {
    let mut r = registry();
    let pushed = r
        .push_image(
            "demo",
            "latest",
            vec![
                LayerInput::File { name: "a.txt".into(), bytes: b"alpha".to_vec() },
                LayerInput::File { name: "b.bin".into(), bytes: vec![0u8; 4096] },
            ],
        )
        .unwrap();
    let views = r.manifests("demo").unwrap();
    assert_eq!(views.len(), 1);
    let v = &views[0];
    assert_eq!(v.digest, pushed.digest);
    assert_eq!(v.tags.iter().map(|t| t.to_string()).collect::<Vec<_>>(), ["latest"]);
    assert_eq!(v.layers.iter().map(|l| l.title.clone().unwrap()).collect::<Vec<_>>(), ["a.txt", "b.bin"]);
    assert_eq!(v.layers.iter().map(|l| l.size_bytes).collect::<Vec<_>>(), [5, 4096]);
    assert_eq!(r.pull_blob("demo", &pushed.layers[0].to_string()).unwrap(), b"alpha");
    let config = r.pull_blob("demo", &pushed.config.to_string()).unwrap();
    let config: serde_json::Value = serde_json::from_slice(&config).unwrap();
    assert_eq!(config["rootfs"]["diff_ids"][1], Digest::of(&[0u8; 4096]).to_string());
    let usage = r.usage();
    let manifest_len = r.pull_manifest("demo", "latest").unwrap().bytes.len() as u64;
    assert_eq!(usage.total_billed_bytes, 5 + 4096 + v.config.as_ref().unwrap().size_bytes + manifest_len);
    assert_eq!(usage.total_records, 4);
}

#[test]
fn a_blob_is_stored_once_however_many_repositories_use_it() {
    let mut r = registry();
    let layer = vec![42u8; 50_000];
    push_by_hand(&mut r, "one", "v1", &layer);
    let after_one = r.usage();
    push_by_hand(&mut r, "two", "v1", &layer);
    push_by_hand(&mut r, "three/x", "v1", &layer);
    let after_three = r.usage();
    assert_eq!(
        after_three.total_billed_bytes, after_one.total_billed_bytes,
        "config, layer and manifest dedup"
    );
    assert_eq!(after_three.total_records, 3);
    let views = r.manifests("two").unwrap();
    assert_eq!(views[0].layers[0].shared_with, 2);
    let per_account: u64 = after_three.accounts.iter().map(|a| a.billed_bytes).sum();
    assert_eq!(per_account, after_three.total_billed_bytes);
    assert_eq!(after_three.accounts.len(), 4);
    assert_eq!(after_three.accounts[0].name, "stowage01");
}

#[test]
fn a_manifest_with_a_missing_blob_is_refused_and_changes_nothing() {
    let mut r = registry();
    push_by_hand(&mut r, "app", "v1", b"layer one");
    let before = fingerprint(&r);
    let config = Digest::of(br#"{"architecture":"amd64","os":"linux"}"#);
    let absent = Digest::of(b"never pushed");
    let body = oci_manifest((&config, 37), &[(&absent, 12)]);
    let e = r.push_manifest("app", "v2", body.as_bytes(), None).unwrap_err();
    assert_eq!((e.code, e.http_status), (ErrorCode::ManifestBlobUnknown, 400));
    assert!(e.message.contains(&absent.to_string()), "{}", e.message);
    assert_eq!(fingerprint(&r), before);
    assert_eq!(code(r.pull_manifest("app", "v2")), ErrorCode::ManifestUnknown);
}

#[test]
fn a_blob_in_another_repository_must_be_mounted_first() {
    let mut r = registry();
    let (_, l) = push_by_hand(&mut r, "src", "v1", b"shared layer");
    let config = r.push_blob("dst", br#"{"architecture":"amd64","os":"linux"}"#, None).unwrap();
    let body = oci_manifest((&config, 37), &[(&l, 12)]);
    assert_eq!(code(r.push_manifest("dst", "v1", body.as_bytes(), None)), ErrorCode::ManifestBlobUnknown);
    assert_eq!(code(r.pull_blob("dst", &l.to_string())), ErrorCode::BlobUnknown);
    let records = r.usage().total_records;
    assert_eq!(r.mount_blob("dst", "src", &l.to_string()), Ok(true));
    assert_eq!(r.usage().total_records, records, "a mount copies no bytes");
    r.push_manifest("dst", "v1", body.as_bytes(), None).unwrap();
    assert_eq!(r.pull_blob("dst", &l.to_string()).unwrap(), b"shared layer");
    let absent = Digest::of(b"nope").to_string();
    assert_eq!(r.mount_blob("dst", "src", &absent), Ok(false), "fallback: the client must upload");
    assert_eq!(r.mount_blob("dst", "no-such-repo", &absent), Ok(false));
}

#[test]
fn a_wrong_claimed_digest_is_refused_and_stores_nothing() {
    let mut r = registry();
    let wrong = Digest::of(b"other").to_string();
    let e = r.push_blob("app", b"bytes", Some(&wrong)).unwrap_err();
    assert_eq!(e.code, ErrorCode::DigestInvalid);
    assert_eq!(r.usage().total_records, 0);
    assert_eq!(r.last_event_seq(), 0);
    assert_eq!(code(r.push_blob("app", b"bytes", Some("sha256:xyz"))), ErrorCode::DigestInvalid);
    assert_eq!(code(r.push_blob("App", b"bytes", None)), ErrorCode::NameInvalid);
    assert_eq!(code(r.pull_blob("app", "sha256:1")), ErrorCode::DigestInvalid);
}

#[test]
fn a_manifest_pushed_by_digest_must_hash_to_it_and_sizes_must_match() {
    let mut r = registry();
    let c = r.push_blob("app", b"{}", None).unwrap();
    let l = r.push_blob("app", b"12345", None).unwrap();
    let body = oci_manifest((&c, 2), &[(&l, 5)]);
    let other = Digest::of(b"x").to_string();
    assert_eq!(code(r.push_manifest("app", &other, body.as_bytes(), None)), ErrorCode::DigestInvalid);
    let by_digest = r.push_manifest("app", &Digest::of(body.as_bytes()).to_string(), body.as_bytes(), None);
    assert_eq!(by_digest, Ok(Digest::of(body.as_bytes())));
    assert_eq!(r.tags("app", None, None).unwrap().tags, Vec::<String>::new(), "pushed by digest: untagged");
    let lying = oci_manifest((&c, 2), &[(&l, 6)]);
    assert_eq!(code(r.push_manifest("app", "v1", lying.as_bytes(), None)), ErrorCode::ManifestInvalid);
    assert_eq!(code(r.push_manifest("app", "bad tag", body.as_bytes(), None)), ErrorCode::ManifestInvalid);
}

#[test]
fn indexes_need_their_child_manifests_in_the_repository() {
    let mut r = registry();
    let (amd, _) = push_by_hand(&mut r, "multi", "amd64", b"amd64 layer");
    let amd_len = r.pull_manifest("multi", "amd64").unwrap().bytes.len();
    let missing = Digest::of(b"arm64 manifest");
    let entry = |d: &Digest, n: usize, mt: &str| {
        format!(
            r#"{{"mediaType":"{mt}","digest":"{d}","size":{n},"platform":{{"os":"linux","architecture":"amd64"}}}}"#
        )
    };
    let oci = MediaType::OciManifest.as_str();
    let index = |entries: &[String]| {
        format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[{}]}}"#,
            entries.join(",")
        )
    };
    let bad = index(&[entry(&amd, amd_len, oci), entry(&missing, 10, oci)]);
    assert_eq!(
        code(r.push_manifest("multi", "latest", bad.as_bytes(), None)),
        ErrorCode::ManifestBlobUnknown
    );
    let good = index(&[entry(&amd, amd_len, oci)]);
    let d = r.push_manifest("multi", "latest", good.as_bytes(), None).unwrap();
    let pulled = r.pull_manifest("multi", "latest").unwrap();
    assert_eq!((pulled.digest, pulled.media_type), (d, MediaType::DockerManifestList));
}

#[test]
fn catalog_and_tags_paginate_like_the_distribution_api() {
    let mut r = registry();
    for name in ["delta", "alpha", "echo", "charlie", "bravo"] {
        push_by_hand(&mut r, name, "v1", name.as_bytes());
    }
    let page = r.catalog(Some(2), None).unwrap();
    assert_eq!(
        (page.repositories, page.next.as_deref()),
        (vec!["alpha".into(), "bravo".into()], Some("bravo"))
    );
    let page = r.catalog(Some(2), Some("bravo")).unwrap();
    assert_eq!(
        (page.repositories, page.next.as_deref()),
        (vec!["charlie".into(), "delta".into()], Some("delta"))
    );
    let page = r.catalog(Some(2), Some("delta")).unwrap();
    assert_eq!((page.repositories, page.next), (vec!["echo".to_string()], None));
    let page = r.catalog(Some(0), None).unwrap();
    assert_eq!((page.repositories.len(), page.next), (0, None));
    let page = r.catalog(Some(5), None).unwrap();
    assert_eq!((page.repositories.len(), page.next), (5, None), "exactly n left: no next marker");
    let page = r.catalog(None, Some("b")).unwrap();
    assert_eq!(page.repositories, ["bravo", "charlie", "delta", "echo"], "last need not exist");
    assert_eq!(r.catalog(None, Some("zzz")).unwrap().repositories.len(), 0);
    assert_eq!(code(r.catalog(Some(1001), None)), ErrorCode::PaginationNumberInvalid);

    for tag in ["v10", "v2", "latest", "V1"] {
        push_by_hand(&mut r, "alpha", tag, b"alpha");
    }
    let tags = r.tags("alpha", Some(3), None).unwrap();
    assert_eq!(
        (tags.tags, tags.next.as_deref()),
        (vec!["V1".into(), "latest".into(), "v1".into()], Some("v1"))
    );
    let tags = r.tags("alpha", Some(3), Some("v1")).unwrap();
    assert_eq!((tags.tags, tags.next), (vec!["v10".into(), "v2".into()], None));
    assert_eq!(code(r.tags("nobody", None, None)), ErrorCode::NameUnknown);
}

#[test]
fn an_unpaged_catalog_answers_100_repositories_and_a_next_marker() {
    let mut r = registry();
    for i in 0..150 {
        r.push_image(
            &format!("repo{i:03}"),
            "v1",
            vec![LayerInput::File { name: String::new(), bytes: vec![1] }],
        )
        .unwrap();
        // One push a second keeps the admin user under its 1,000 writes a minute.
        r.run_for(Millis::SECOND);
    }
    let page = r.catalog(None, None).unwrap();
    assert_eq!((page.repositories.len(), page.next.as_deref()), (100, Some("repo099")));
    let rest = r.catalog(None, page.next.as_deref()).unwrap();
    assert_eq!((rest.repositories.len(), rest.next), (50, None));
}

#[test]
fn untag_frees_nothing_and_a_dangling_manifest_stays_pullable_by_digest() {
    let mut r = registry();
    let (m1, _) = push_by_hand(&mut r, "app", "v1", b"first");
    let stored = r.usage();
    assert_eq!(r.untag("app", "v1"), Ok(m1));
    assert_eq!(r.usage(), stored, "untag frees nothing");
    assert_eq!(code(r.pull_manifest("app", "v1")), ErrorCode::ManifestUnknown);
    assert_eq!(r.pull_manifest("app", &m1.to_string()).unwrap().digest, m1);
    assert_eq!(code(r.untag("app", "v1")), ErrorCode::ManifestUnknown);
    assert_eq!(code(r.untag("nobody", "v1")), ErrorCode::NameUnknown);

    let (m2, _) = push_by_hand(&mut r, "app", "v2", b"second");
    let (m3, _) = push_by_hand(&mut r, "app", "v2", b"third");
    assert_ne!(m2, m3);
    let last = r.events().last().unwrap().text.clone();
    assert!(last.contains("lost that tag and is now untagged"), "{last}");
    assert_eq!(r.manifests("app").unwrap().len(), 3, "pushing over a tag leaves the old manifest");
}

#[test]
fn delete_removes_the_manifest_its_tags_and_only_its_unique_layers() {
    // Geo copies land at once, so the queue holds only garbage collection here.
    let mut r = Registry::new(RegistryOptions { geo_lag: Millis(0), ..RegistryOptions::default() }).unwrap();
    let (keep, shared) = push_by_hand(&mut r, "app", "keep", b"shared layer");
    let c = r.push_blob("app", br#"{"architecture":"amd64","os":"linux"}"#, None).unwrap();
    let unique = r.push_blob("app", b"unique layer", None).unwrap();
    let body = oci_manifest((&c, 37), &[(&shared, 12), (&unique, 12)]);
    let gone = r.push_manifest("app", "a", body.as_bytes(), None).unwrap();
    r.push_manifest("app", "b", body.as_bytes(), None).unwrap();
    let before = r.usage().total_billed_bytes;

    let deleted = r.delete_manifest("app", "a").unwrap();
    let first_delete = r.now();
    assert_eq!(deleted.manifests, vec![gone]);
    assert_eq!(deleted.tags.iter().map(|t| t.to_string()).collect::<Vec<_>>(), ["a", "b"]);
    assert_eq!(deleted.released_bytes, 12 + body.len() as u64, "the unique layer and the manifest");
    assert_eq!(r.usage().total_billed_bytes, before - deleted.released_bytes);
    assert_eq!(code(r.pull_manifest("app", "b")), ErrorCode::ManifestUnknown);
    assert_eq!(code(r.pull_manifest("app", &gone.to_string())), ErrorCode::ManifestUnknown);
    assert_eq!(code(r.pull_blob("app", &unique.to_string())), ErrorCode::BlobUnknown);
    assert_eq!(r.pull_blob("app", &shared.to_string()).unwrap(), b"shared layer");
    assert_eq!(r.pull_manifest("app", "keep").unwrap().digest, keep);
    let released: Vec<&str> =
        r.events().filter(|e| e.text.contains("billing for its")).map(|e| e.text.as_str()).collect();
    assert_eq!(released.len(), 2, "{released:?}");

    r.run_for(Millis::MINUTE);
    let stored_before = r.usage().total_stored_bytes;
    let second_delete = r.now();
    r.delete_manifest("app", &keep.to_string()).unwrap();
    let usage = r.usage();
    assert_eq!(usage.total_billed_bytes, 0, "billing stops at once");
    assert_eq!(usage.total_stored_bytes, stored_before, "space is held until garbage collection");
    assert_eq!(usage.total_released_records, 5);
    assert_eq!(r.pending_job_count(), 5);
    let just_before = Millis(first_delete.0 + 10 * 60_000 - 1 - r.now().0);
    assert_eq!(r.run_for(just_before), 0, "nothing is reclaimed before 10 minutes");
    assert_eq!(r.run_for(Millis(1)), 2, "the first delete's records are reclaimed 10 minutes after it");
    assert_eq!(r.run_until_idle(), 3);
    assert_eq!(r.now(), Millis(second_delete.0 + 10 * 60_000), "and the second's 10 minutes after it");
    assert_eq!(r.usage().total_records, 0);
    assert_eq!(r.usage().total_stored_bytes, 0);
    r.audit().unwrap();
    assert_eq!(
        code(r.pull_manifest("app", "keep")),
        ErrorCode::NameUnknown,
        "the last manifest takes the repo"
    );
    assert_eq!(r.catalog(None, None).unwrap().repositories.len(), 0);
}

#[test]
fn delete_repository_keeps_layers_other_repositories_use() {
    let mut r = registry();
    push_by_hand(&mut r, "a", "v1", b"common");
    push_by_hand(&mut r, "b", "v1", b"common");
    push_by_hand(&mut r, "b", "v2", b"only in b");
    let pending = r.push_blob("b", b"pushed, never referenced", None).unwrap();
    let deleted = r.delete_repository("b").unwrap();
    assert_eq!(deleted.manifests.len(), 2);
    assert!(deleted.released_records.iter().any(|k| k.ends_with(&pending.hex())));
    assert_eq!(code(r.pull_manifest("b", "v1")), ErrorCode::NameUnknown);
    assert_eq!(code(r.delete_repository("b")), ErrorCode::NameUnknown);
    assert_eq!(r.catalog(None, None).unwrap().repositories, ["a"]);
    assert_eq!(r.pull_blob("a", &Digest::of(b"common").to_string()).unwrap(), b"common");
    r.run_until_idle();
    assert_eq!(r.usage().total_records, 3, "a's config, layer and manifest remain");
    r.audit().unwrap();
}

#[test]
fn no_storage_account_ever_holds_plaintext() {
    let mut r = registry();
    let secret: Vec<u8> = b"TOP-SECRET-LAYER-CONTENT-".iter().copied().cycle().take(64 * 1024).collect();
    push_by_hand(&mut r, "vault", "v1", &secret);
    let manifest = r.pull_manifest("vault", "v1").unwrap().bytes;
    let records = r.storage_records();
    assert_eq!(records.len(), 3);
    let needles: Vec<&[u8]> = vec![&secret[..16], &manifest[..16], b"architecture"];
    for rec in &records {
        assert_eq!(rec.sealed.key_id, "service-managed/keys/registry/1");
        assert_eq!(rec.sealed.wrapped_key.len(), 60);
        for held in [&rec.sealed.ciphertext[..], &rec.sealed.wrapped_key[..], &rec.sealed.nonce[..]] {
            for needle in &needles {
                assert!(!held.windows(needle.len()).any(|w| w == *needle), "plaintext found in {}", rec.key);
            }
        }
    }
    let nonces: std::collections::BTreeSet<_> = records.iter().map(|r| r.sealed.nonce).collect();
    assert_eq!(nonces.len(), 3, "no nonce reused");
    assert_eq!(r.key_versions(), vec![("service-managed/keys/registry/1".to_string(), 3)]);
}

#[test]
fn tampered_records_give_an_integrity_error_never_wrong_bytes() {
    let mut r = registry();
    let (m, l) = push_by_hand(&mut r, "app", "v1", b"precious bytes");
    let (_, other) = push_by_hand(&mut r, "app", "v2", b"untouched");
    r.tamper_record(&format!("blobs/sha256/{}", l.hex()), 3).unwrap();
    let e = r.pull_blob("app", &l.to_string()).unwrap_err();
    assert_eq!((e.code, e.http_status), (ErrorCode::IntegrityError, 500));
    assert_eq!(r.pull_blob("app", &other.to_string()).unwrap(), b"untouched");
    assert_eq!(code(r.seal_view("app", &l.to_string())), ErrorCode::IntegrityError);
    r.tamper_record(&format!("manifests/sha256/{}", m.hex()), 0).unwrap();
    assert_eq!(code(r.pull_manifest("app", "v1")), ErrorCode::IntegrityError);
    assert_eq!(code(r.tamper_record("blobs/sha256/00", 0)), ErrorCode::DigestInvalid);
    assert_eq!(code(r.tamper_record("elsewhere", 0)), ErrorCode::InvalidArgument);
    assert_eq!(
        code(r.tamper_record(&format!("blobs/sha256/{}", other.hex()), 1 << 40)),
        ErrorCode::InvalidArgument
    );
}

#[test]
fn the_seal_view_shows_ciphertext_beside_plaintext() {
    let mut r = registry();
    let (_, l) = push_by_hand(&mut r, "app", "v1", b"hello, sealed world: 0123456789abcdef");
    let v = r.seal_view("app", &l.to_string()).unwrap();
    assert_eq!(
        v.plaintext_head_hex,
        stowage::engine::digest::hex_lower(&b"hello, sealed world: 0123456789abcdef"[..32])
    );
    assert_eq!(v.ciphertext_head_hex.len(), 64);
    assert_ne!(v.ciphertext_head_hex, v.plaintext_head_hex);
    assert_eq!(v.ciphertext_bytes, 37 + 16);
    assert_eq!(v.key_id, "service-managed/keys/registry/1");
    assert!(v.digest_verified);
    assert_eq!(v.synthetic, None, "a file's layer is not synthetic");
}

#[test]
fn synthetic_layers_account_their_declared_size_and_replay_from_the_seed() {
    let two_gib = 2u64 << 30;
    let mut a = registry();
    let mut b = registry();
    let da = a.push_synthetic_blob("big", two_gib, None).unwrap();
    let db = b.push_synthetic_blob("big", two_gib, None).unwrap();
    assert_eq!(da, db, "the same registry seed draws the same layer seed");
    let usage = a.usage();
    assert_eq!(usage.total_billed_bytes, two_gib);
    assert!(usage.total_sealed_bytes < 70 * 1024, "only the sample is held: {}", usage.total_sealed_bytes);
    // The views say so: the usage counts the synthetic record, the seal view names the layer.
    assert_eq!((usage.total_synthetic_records, usage.total_synthetic_billed_bytes), (1, two_gib));
    let account = usage.accounts.iter().find(|x| x.synthetic_records == 1).unwrap();
    assert_eq!(account.synthetic_billed_bytes, two_gib);
    let seal = a.seal_view("big", &da.to_string()).unwrap();
    assert_eq!(seal.synthetic.map(|s| s.size_bytes), Some(two_gib));
    assert!(seal.ciphertext_bytes < 70 * 1024);
    let img = a
        .push_image("big", "v1", vec![LayerInput::Synthetic { size_bytes: two_gib, seed: Some(5) }])
        .unwrap();
    let view = &a.manifests("big").unwrap()[0];
    assert_eq!(view.layers[0].size_bytes, two_gib);
    assert_eq!(view.layers[0].synthetic.map(|s| s.seed), Some(5));
    assert_eq!(view.digest, img.digest);
    assert_eq!(code(a.push_synthetic_blob("big", 0, None)), ErrorCode::SizeInvalid);
    assert_eq!(code(a.push_synthetic_blob("big", 201 << 30, None)), ErrorCode::SizeInvalid);
    let other_seed = Registry::new(RegistryOptions { seed: 2, ..RegistryOptions::default() }).unwrap();
    let mut other_seed = other_seed;
    assert_ne!(other_seed.push_synthetic_blob("big", two_gib, None).unwrap(), da);
}

#[test]
fn push_image_checks_everything_before_writing() {
    let mut r = registry();
    let layers = || vec![LayerInput::File { name: "x".into(), bytes: b"x".to_vec() }];
    assert_eq!(code(r.push_image("Bad Name", "v1", layers())), ErrorCode::NameInvalid);
    assert_eq!(code(r.push_image("app", "-bad", layers())), ErrorCode::ManifestInvalid);
    assert_eq!(code(r.push_image("app", "v1", vec![])), ErrorCode::ManifestInvalid);
    let mut bad = layers();
    bad.push(LayerInput::Synthetic { size_bytes: 0, seed: None });
    assert_eq!(code(r.push_image("app", "v1", bad)), ErrorCode::SizeInvalid);
    let long_name = "n".repeat(4000);
    let many: Vec<LayerInput> = (0..1100u32)
        .map(|i| LayerInput::File { name: long_name.clone(), bytes: i.to_be_bytes().to_vec() })
        .collect();
    let e = r.push_image("app", "v1", many).unwrap_err();
    assert_eq!((e.code, e.http_status), (ErrorCode::ManifestInvalid, 413), "{}", e.message);
    assert_eq!(r.last_event_seq(), 0);
    assert_eq!(r.usage().total_records, 0);
}

#[test]
fn registry_options_are_checked() {
    for bad in [
        RegistryOptions { region: "atlantis".into(), ..RegistryOptions::default() },
        RegistryOptions { geo_lag: Millis(31 * 86_400_000), ..RegistryOptions::default() },
        RegistryOptions { name: "abc".into(), ..RegistryOptions::default() },
        RegistryOptions { name: "Has-Dash".into(), ..RegistryOptions::default() },
        RegistryOptions { storage_accounts: 0, ..RegistryOptions::default() },
        RegistryOptions { storage_accounts: 17, ..RegistryOptions::default() },
    ] {
        assert_eq!(Registry::new(bad).err().map(|e| e.code), Some(ErrorCode::InvalidArgument));
    }
    let one = Registry::new(RegistryOptions { storage_accounts: 1, ..RegistryOptions::default() }).unwrap();
    assert_eq!(one.usage().accounts.len(), 1);
}

#[test]
fn a_blob_pushed_again_before_garbage_collection_is_stored_again_not_reclaimed() {
    let mut r = registry();
    let (_, l) = push_by_hand(&mut r, "app", "v1", b"comes back");
    r.delete_repository("app").unwrap();
    assert_eq!(code(r.pull_blob("app", &l.to_string())), ErrorCode::NameUnknown);
    r.run_for(Millis::MINUTE);
    push_by_hand(&mut r, "app", "v1", b"comes back");
    assert_eq!(r.usage().total_released_records, 0, "the released records were replaced by live ones");
    r.run_until_idle();
    assert_eq!(r.pull_blob("app", &l.to_string()).unwrap(), b"comes back", "GC skipped the live record");
    assert_eq!(r.usage().total_records, 3);
    r.audit().unwrap();
}

/// A fixed script: pushes, dedup, synthetic layers, untag, deletes and garbage collection.
fn scripted_run(seed: u64) -> Registry {
    let mut r = Registry::new(RegistryOptions { seed, ..RegistryOptions::default() }).unwrap();
    for (repo, tag, bytes) in
        [("web", "v1", &b"index.html"[..]), ("web", "v2", b"app.js"), ("api", "v1", b"app.js")]
    {
        push_by_hand(&mut r, repo, tag, bytes);
    }
    r.push_image("big", "v1", vec![LayerInput::Synthetic { size_bytes: 3 << 30, seed: None }]).unwrap();
    r.untag("web", "v1").unwrap();
    r.run_for(Millis::MINUTE);
    r.delete_manifest("web", "v2").unwrap();
    r.run_for(Millis(5 * 60_000));
    r.delete_repository("big").unwrap();
    r.run_until_idle();
    r
}

/// The hash the browser test must also reach (tests/web.rs): same script, same seed.
pub const SCRIPTED_RUN_HASH: &str = "c704d6d65ee455151f901a1f21f7afc949bf55026bffca575d6fea38f4f4cbf1";

#[test]
fn the_same_script_and_seed_give_the_same_event_log() {
    let a = scripted_run(1);
    let b = scripted_run(1);
    assert_eq!(a.event_log_hash(), b.event_log_hash());
    assert_eq!(a.last_event_seq(), b.last_event_seq());
    assert_ne!(scripted_run(2).event_log_hash(), a.event_log_hash(), "the seed picks the synthetic layer");
    // Uploading the 3 GiB layer at Standard's 20 MB/s takes 161,062 ms; the eight small
    // uploads 1 ms each (web's second config is already there: its HEAD skips the upload).
    // The last delete, 6 minutes after that, is reclaimed 10 minutes later.
    assert_eq!(a.now(), Millis(161_062 + 8 + 16 * 60_000));
    assert_eq!(a.event_log_hash(), SCRIPTED_RUN_HASH);
    a.audit().unwrap();
}

#[test]
fn storage_per_repository_separates_shared_from_unique_bytes() {
    let mut r = registry();
    let shared = vec![7u8; 10_000];
    push_by_hand(&mut r, "a", "v1", &shared);
    push_by_hand(&mut r, "b", "v1", &shared);
    push_by_hand(&mut r, "b", "v2", &[9u8; 500]);
    r.untag("b", "v1").unwrap();
    let page = r.repository_usage(Some(1), None).unwrap();
    assert_eq!(page.next.as_deref(), Some("a"));
    let a = &page.repositories[0];
    let manifest_a = r.pull_manifest("a", "v1").unwrap().bytes.len() as u64;
    assert_eq!((a.name.as_str(), a.tags, a.manifests, a.untagged, a.blobs), ("a", 1, 1, 0, 2));
    assert_eq!(a.linked_bytes, 10_000 + 37 + manifest_a, "layer, config and manifest");
    assert_eq!(a.unique_bytes, 0, "all of a's content is also in b");
    let b = &r.repository_usage(None, Some("a")).unwrap().repositories[0];
    let manifest_b2 = r.pull_manifest("b", "v2").unwrap().bytes.len() as u64;
    assert_eq!((b.tags, b.manifests, b.untagged, b.blobs), (1, 2, 1, 3));
    assert_eq!(b.unique_bytes, 500 + manifest_b2, "only the v2 layer and manifest are b's alone");
    let released = r.delete_repository("b").unwrap().released_bytes;
    assert_eq!(released, b.unique_bytes, "deleting b releases exactly its unique bytes");
}

fn lock(write: Option<bool>, delete: Option<bool>, read: Option<bool>, list: Option<bool>) -> AttributePatch {
    AttributePatch { write_enabled: write, delete_enabled: delete, read_enabled: read, list_enabled: list }
}

#[test]
fn a_locked_tag_cannot_move_or_go_and_its_manifest_cannot_be_deleted() {
    let mut r = registry();
    let (m1, _) = push_by_hand(&mut r, "app", "v1", b"first");
    r.set_attributes("app", Some("v1"), &lock(Some(false), None, None, None)).unwrap();
    let before = fingerprint(&r);
    let e = r.push_image("app", "v1", vec![LayerInput::File { name: "x".into(), bytes: b"second".to_vec() }]);
    let e = e.unwrap_err();
    assert_eq!((e.code, e.http_status), (ErrorCode::RegistryDisallowedOperation, 405));
    assert!(
        e.message.starts_with("The operation is disallowed on this registry, repository or image"),
        "{}",
        e.message
    );
    assert_eq!(fingerprint(&r), before, "nothing was written, not even the layer");
    assert_eq!(code(r.untag("app", "v1")), ErrorCode::RegistryDisallowedOperation);
    assert_eq!(
        code(r.delete_manifest("app", &m1.to_string())),
        ErrorCode::RegistryDisallowedOperation,
        "via its tag"
    );
    assert_eq!(code(r.delete_repository("app")), ErrorCode::RegistryDisallowedOperation);
    assert_eq!(r.pull_manifest("app", "v1").unwrap().digest, m1, "reading is still allowed");
    // The manifest itself is not locked: tag and manifest attributes are independent.
    assert!(r.attributes("app", Some(&m1.to_string())).unwrap().write_enabled);
    // Re-pushing the same manifest to the locked tag changes nothing, so it is allowed.
    let body = r.pull_manifest("app", "v1").unwrap().bytes;
    assert_eq!(r.push_manifest("app", "v1", &body, None), Ok(m1));
    r.set_attributes("app", Some("v1"), &lock(Some(true), None, None, None)).unwrap();
    assert_eq!(r.untag("app", "v1"), Ok(m1));
    r.audit().unwrap();
}

#[test]
fn delete_enabled_false_protects_a_manifest_but_allows_updates() {
    let mut r = registry();
    let (m1, _) = push_by_hand(&mut r, "app", "v1", b"first");
    r.set_attributes("app", Some(&m1.to_string()), &lock(None, Some(false), None, None)).unwrap();
    assert_eq!(code(r.delete_manifest("app", "v1")), ErrorCode::RegistryDisallowedOperation);
    let (m2, _) = push_by_hand(&mut r, "app", "v1", b"second");
    assert_ne!(m1, m2, "the tag moved: updates are allowed");
    assert_eq!(code(r.delete_manifest("app", &m1.to_string())), ErrorCode::RegistryDisallowedOperation);
    assert!(r.delete_manifest("app", &m2.to_string()).is_ok());
    assert_eq!(r.manifests("app").unwrap().len(), 1, "the protected manifest survives");
    assert!(!r.manifests("app").unwrap()[0].attributes.delete_enabled);
}

#[test]
fn read_and_list_locks_hide_or_refuse_but_never_lose_data() {
    let mut r = registry();
    let (m, l) = push_by_hand(&mut r, "secret", "v1", b"payload");
    push_by_hand(&mut r, "public", "v1", b"other");
    push_by_hand(&mut r, "public", "v2", b"other 2");
    r.set_attributes("secret", None, &lock(None, None, None, Some(false))).unwrap();
    r.set_attributes("public", Some("v2"), &lock(None, None, None, Some(false))).unwrap();
    assert_eq!(
        r.catalog(None, None).unwrap().repositories,
        ["public"],
        "listEnabled=false hides the repository"
    );
    assert_eq!(r.tags("public", None, None).unwrap().tags, ["v1"], "and the tag");
    assert_eq!(r.pull_manifest("secret", "v1").unwrap().digest, m, "a direct pull still works");
    assert!(r.pull_manifest("public", "v2").is_ok());
    r.set_attributes("secret", None, &lock(None, None, Some(false), None)).unwrap();
    assert_eq!(code(r.pull_manifest("secret", "v1")), ErrorCode::RegistryDisallowedOperation);
    assert_eq!(code(r.pull_blob("secret", &l.to_string())), ErrorCode::RegistryDisallowedOperation);
    r.set_attributes("secret", None, &lock(None, None, Some(true), Some(true))).unwrap();
    assert_eq!(r.pull_blob("secret", &l.to_string()).unwrap(), b"payload");
    r.set_attributes("public", Some(&m.to_string()), &AttributePatch::default()).unwrap_err();
}

#[test]
fn a_write_locked_repository_takes_nothing_new_and_cannot_be_deleted() {
    let mut r = registry();
    push_by_hand(&mut r, "frozen", "v1", b"kept");
    let a = r.set_attributes("frozen", None, &lock(Some(false), None, None, None)).unwrap();
    assert!(!a.write_enabled && a.delete_enabled && a.read_enabled && a.list_enabled);
    let before = fingerprint(&r);
    assert_eq!(code(r.push_blob("frozen", b"new", None)), ErrorCode::RegistryDisallowedOperation);
    assert_eq!(code(r.push_synthetic_blob("frozen", 10, Some(1))), ErrorCode::RegistryDisallowedOperation);
    assert_eq!(
        code(r.mount_blob("frozen", "frozen", &Digest::of(b"kept").to_string())),
        ErrorCode::RegistryDisallowedOperation
    );
    assert_eq!(code(r.delete_repository("frozen")), ErrorCode::RegistryDisallowedOperation);
    assert_eq!(code(r.untag("frozen", "v1")), ErrorCode::RegistryDisallowedOperation);
    assert_eq!(fingerprint(&r), before);
    assert_eq!(
        code(r.set_attributes("nobody", None, &lock(Some(false), None, None, None))),
        ErrorCode::NameUnknown
    );
    assert_eq!(
        code(r.set_attributes("frozen", Some("v9"), &AttributePatch::default())),
        ErrorCode::ManifestUnknown
    );
    let seq = r.last_event_seq();
    r.set_attributes("frozen", None, &lock(Some(true), None, None, None)).unwrap();
    assert_eq!(r.last_event_seq(), seq + 1, "every change of attributes is an event");
    assert!(r.delete_repository("frozen").is_ok());
}

const GIB: u64 = 1 << 30;

fn registry_on(tier: Tier, storage_era: StorageEra) -> Registry {
    Registry::new(RegistryOptions { tier, storage_era, ..RegistryOptions::default() }).unwrap()
}

#[test]
fn a_basic_registry_past_its_included_10_gib_accepts_more_and_bills_the_overage() {
    let mut r = registry_on(Tier::Basic, StorageEra::Y2026);
    let almost = 9 * GIB + 9 * GIB / 10; // 9.9 GiB
    r.push_synthetic_blob("big", almost, Some(1)).unwrap();
    assert_eq!(r.cost().total_micro_usd_per_day, 167_000, "within the included 10 GiB: the fee only");
    r.push_synthetic_blob("big", GIB / 5, Some(2)).unwrap(); // 0.2 GiB
    let cost = r.cost();
    assert_eq!(cost.billed_bytes, almost + GIB / 5);
    assert_eq!(cost.overage_bytes, almost + GIB / 5 - 10 * GIB);
    assert_eq!(cost.overage_micro_usd, cost.overage_bytes as u128 as u64 * 3_000 / GIB);
    assert_eq!(cost.total_micro_usd_per_day, 167_000 + 299, "0.1 GiB over at $0.003/GiB/day = $0.0003");
    assert_eq!(r.tier().included_bytes, 10 * GIB);
}

#[test]
fn at_the_storage_limit_a_push_is_refused_whole_and_nothing_changes() {
    let mut r = registry_on(Tier::Basic, StorageEra::Y2018); // 5 TB
    let layer = 200 * GIB;
    for i in 0..23 {
        r.push_synthetic_blob("fill", layer, Some(i)).unwrap();
    }
    assert_eq!(r.usage().total_billed_bytes, 23 * layer);
    let before = fingerprint(&r);
    let e = r.push_synthetic_blob("fill", layer, Some(99)).unwrap_err();
    assert_eq!((e.code, e.http_status), (ErrorCode::RegistryDisallowedOperation, 405));
    assert!(e.message.contains("storage limit is reached"), "{}", e.message);
    let img = r.push_image("fill", "v1", vec![LayerInput::Synthetic { size_bytes: layer, seed: None }]);
    assert_eq!(img.map_err(|e| e.code), Err(ErrorCode::RegistryDisallowedOperation), "an image too");
    assert_eq!(fingerprint(&r), before, "refused whole: usage, catalog and events unchanged");
    // Content already stored costs nothing more: deduplication is counted.
    assert!(r.push_synthetic_blob("other", layer, Some(0)).is_ok());
    // What still fits, fits.
    assert!(r.push_synthetic_blob("fill", 50 * GIB, Some(100)).is_ok());
    r.audit().unwrap();
}

#[test]
fn a_tier_change_has_no_downtime_but_a_downgrade_must_fit() {
    let mut r = registry_on(Tier::Premium, StorageEra::Y2026);
    for i in 0..205 {
        r.push_synthetic_blob("huge", 200 * GIB, Some(i)).unwrap(); // 41,000 GiB > 40 TiB
    }
    let e = r.set_tier("Standard").unwrap_err();
    assert_eq!((e.code, e.http_status), (ErrorCode::RegistryDisallowedOperation, 405));
    assert_eq!(r.tier().tier, Tier::Premium);
    assert_eq!(r.tier().limit_bytes, 100 << 40);
    r.delete_repository("huge").unwrap();
    assert_eq!(
        r.set_tier("basic").map(|t| (t.tier, t.limit_bytes)),
        Ok((Tier::Basic, 40 << 40)),
        "billing stopped at once"
    );
    assert_eq!(code(r.set_tier("Gold")), ErrorCode::InvalidArgument);
    assert!(r.events().last().unwrap().text.contains("from Premium to Basic"));
}
