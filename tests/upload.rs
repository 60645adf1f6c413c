//! Blob upload sessions (the distribution API's POST, PATCH, PUT ?digest=, DELETE) as the
//! engine runs them: bytes hashed and sealed as they arrive, stored only when the claimed
//! digest matches, anything refused changing nothing, and every call recorded so a saved
//! session replays to the same registry, an upload left open included.
#![cfg(not(target_arch = "wasm32"))]

use stowage::engine::throttle::Category;
use stowage::engine::{Digest, ErrorCode, LayerInput, Millis, Registry};

mod common;
use common::premium;

/// Deterministic bytes.
fn bytes(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect()
}

/// Everything a refused call must leave as it was.
fn snapshot(r: &Registry) -> (String, usize, String, Millis) {
    (r.save_session().unwrap(), r.journal().entries.len(), r.event_log_hash(), r.now())
}

fn code<T>(r: stowage::engine::Result<T>) -> ErrorCode {
    r.map(drop).unwrap_err().code
}

#[test]
fn a_blob_sent_in_chunks_is_stored_sealed_and_reads_back_byte_for_byte() {
    let mut r = premium("westeurope");
    let layer = bytes(300_001);
    let digest = Digest::of(&layer).to_string();
    let up = r.start_upload("demo/app").unwrap();
    assert_eq!((up.id.as_str(), up.repo.as_str(), up.received_bytes), ("u1", "demo/app", 0));
    let mut from = 0u64;
    for chunk in layer.chunks(65_536) {
        let status = r.append_upload(&up.id, chunk, Some(from)).unwrap();
        from += chunk.len() as u64;
        assert_eq!(status.received_bytes, from);
    }
    assert_eq!(r.upload("u1").unwrap().received_bytes, 300_001);
    assert_eq!(r.uploads().len(), 1);
    let stored = r.finish_upload("u1", &digest, Some(300_001)).unwrap();
    assert_eq!(stored.to_string(), digest);
    assert!(r.uploads().is_empty());
    assert_eq!(r.read_blob("demo/app", &digest).unwrap(), layer);
    assert_eq!(code(r.upload("u1")), ErrorCode::BlobUploadUnknown);

    // The manifest names the uploaded layer; its title is the file name.
    let layers = vec![LayerInput::Uploaded { name: "big.bin".into(), digest: stored, size_bytes: 300_001 }];
    let image = r.push_image("demo/app", "v1", layers).unwrap();
    assert_eq!(image.layers, vec![stored]);
    assert_eq!(image.uploaded_bytes, image.uploaded_bytes.min(4096), "only the config and manifest are sent");
    let manifest = String::from_utf8(r.read_manifest("demo/app", "v1").unwrap().bytes).unwrap();
    assert!(manifest.contains(&digest) && manifest.contains("300001") && manifest.contains("big.bin"));
}

#[test]
fn the_bytes_take_their_time_at_the_tiers_upload_bandwidth() {
    let mut r = premium("westeurope");
    let up = r.start_upload("demo/app").unwrap();
    let before = r.now();
    r.append_upload(&up.id, &bytes(1 << 20), None).unwrap();
    let (_, up_rate) = stowage::engine::throttle::bandwidth(r.tier().tier);
    assert_eq!(r.now().0 - before.0, stowage::engine::throttle::transfer_time(1 << 20, up_rate).0);
    assert!(r.now() > before);
}

#[test]
fn a_wrong_digest_or_size_is_refused_the_upload_stays_open_and_nothing_changes() {
    let mut r = premium("westeurope");
    let layer = bytes(10_000);
    let up = r.start_upload("demo/app").unwrap();
    r.append_upload(&up.id, &layer[..4_000], Some(0)).unwrap();
    r.append_upload(&up.id, &layer[4_000..], Some(4_000)).unwrap();
    let before = snapshot(&r);
    let wrong = Digest::of(b"other bytes").to_string();
    let right = Digest::of(&layer).to_string();
    let refused: Vec<(&str, ErrorCode, stowage::engine::Result<Digest>)> = vec![
        ("wrong digest", ErrorCode::DigestInvalid, r.finish_upload("u1", &wrong, None)),
        ("malformed digest", ErrorCode::DigestInvalid, r.finish_upload("u1", "sha256:xyz", None)),
        ("wrong size", ErrorCode::SizeInvalid, r.finish_upload("u1", &right, Some(9_999))),
        ("unknown upload", ErrorCode::BlobUploadUnknown, r.finish_upload("u7", &right, None)),
        ("not an upload id", ErrorCode::BlobUploadUnknown, r.finish_upload("../x", &right, None)),
    ];
    for (what, expected, got) in refused {
        assert_eq!(got.map(drop).map_err(|e| e.code), Err(expected), "{what}");
        assert_eq!(snapshot(&r), before, "{what} changed something");
    }
    let out_of_order = r.append_upload("u1", b"late", Some(0));
    assert_eq!(code(out_of_order), ErrorCode::BlobUploadInvalid);
    assert_eq!(code(r.append_upload("u9", b"x", None)), ErrorCode::BlobUploadUnknown);
    assert_eq!(code(r.cancel_upload("u9")), ErrorCode::BlobUploadUnknown);
    assert_eq!(code(r.start_upload("Not A Name")), ErrorCode::NameInvalid);
    assert_eq!(snapshot(&r), before);
    // Still open: the right digest stores it.
    assert_eq!(r.finish_upload("u1", &right, Some(10_000)).unwrap().to_string(), right);
    assert_eq!(r.read_blob("demo/app", &right).unwrap(), layer);
}

#[test]
fn a_cancelled_upload_is_gone_and_stores_nothing() {
    let mut r = premium("westeurope");
    let layer = bytes(5_000);
    let up = r.start_upload("demo/app").unwrap();
    r.append_upload(&up.id, &layer, None).unwrap();
    assert_eq!(r.cancel_upload(&up.id).unwrap().received_bytes, 5_000);
    assert_eq!(
        code(r.finish_upload(&up.id, &Digest::of(&layer).to_string(), None)),
        ErrorCode::BlobUploadUnknown
    );
    assert_eq!(code(r.read_blob("demo/app", &Digest::of(&layer).to_string())), ErrorCode::NameUnknown);
    assert_eq!(r.start_upload("demo/app").unwrap().id, "u2", "ids are never reused");
}

#[test]
fn a_layer_named_by_digest_must_be_in_the_repository_at_its_size() {
    let mut r = premium("westeurope");
    let layer = bytes(2_000);
    let d = r.push_blob("demo/other", &layer, None).unwrap();
    let named = |size| vec![LayerInput::Uploaded { name: String::new(), digest: d, size_bytes: size }];
    let before = snapshot(&r);
    assert_eq!(code(r.push_image("demo/app", "v1", named(2_000))), ErrorCode::ManifestBlobUnknown);
    assert_eq!(code(r.push_image("demo/other", "v1", named(1_999))), ErrorCode::SizeInvalid);
    assert_eq!(snapshot(&r), before);
    r.push_image("demo/other", "v1", named(2_000)).unwrap();
}

#[test]
fn a_saved_session_replays_uploads_finished_and_still_open() {
    let mut r = premium("westeurope");
    let done = bytes(70_000);
    let open = bytes(90_000);
    let up = r.start_upload("demo/app").unwrap();
    r.append_upload(&up.id, &done[..30_000], Some(0)).unwrap();
    r.append_upload(&up.id, &done[30_000..], Some(30_000)).unwrap();
    let d = r.finish_upload(&up.id, &Digest::of(&done).to_string(), None).unwrap();
    r.push_image(
        "demo/app",
        "v1",
        vec![LayerInput::Uploaded { name: "a".into(), digest: d, size_bytes: 70_000 }],
    )
    .unwrap();
    let second = r.start_upload("demo/app").unwrap();
    r.append_upload(&second.id, &open[..50_000], None).unwrap();

    let mut back = Registry::load_session(&r.save_session().unwrap()).unwrap();
    assert_eq!(back.event_log_hash(), r.event_log_hash());
    assert_eq!(back.now(), r.now());
    assert_eq!(back.read_blob("demo/app", &d.to_string()).unwrap(), done);
    assert_eq!(back.uploads(), r.uploads());
    // The open upload carries on where it was.
    back.append_upload(&second.id, &open[50_000..], Some(50_000)).unwrap();
    let d2 = back.finish_upload(&second.id, &Digest::of(&open).to_string(), Some(90_000)).unwrap();
    assert_eq!(back.read_blob("demo/app", &d2.to_string()).unwrap(), open);
}

#[test]
fn an_upload_counts_two_write_requests_however_many_chunks_it_has() {
    let mut r = premium("westeurope");
    let writes = |r: &Registry| {
        let v = r.throttle_view();
        v.categories.iter().find(|c| c.category == Category::Write).map(|c| c.admitted).unwrap()
    };
    let before = writes(&r);
    let up = r.start_upload("demo/app").unwrap();
    for chunk in bytes(10_000).chunks(1_000) {
        r.append_upload(&up.id, chunk, None).unwrap();
    }
    r.finish_upload(&up.id, &Digest::of(&bytes(10_000)).to_string(), None).unwrap();
    assert_eq!(writes(&r) - before, 2);
}

#[test]
fn a_session_saved_apart_names_its_large_uploads_and_replays_with_their_bytes_given_back() {
    use std::collections::BTreeMap;
    use stowage::engine::journal::BLOB_APART_FROM;
    let mut r = premium("westeurope");
    let big = bytes(BLOB_APART_FROM * 2 + 5);
    let up = r.start_upload("demo/app").unwrap();
    r.append_upload(&up.id, &big[..BLOB_APART_FROM], None).unwrap();
    r.push_image("demo/app", "small", common::file("a small file stays inline")).unwrap();
    let (text, mark) = r.save_session_marked_apart().unwrap();
    let saved: serde_json::Value = serde_json::from_str(&text).unwrap();
    let first = Digest::of(&big[..BLOB_APART_FROM]).to_string();
    assert_eq!(saved["blobsApart"], serde_json::json!([first]));
    assert_eq!(saved["blobs"].as_object().unwrap().len(), 1, "the small file is carried inline");
    assert!(text.len() < 4_000, "the large chunk is not in the text: {} bytes", text.len());

    // A part after it names only the new large chunk.
    r.append_upload(&up.id, &big[BLOB_APART_FROM..], None).unwrap();
    r.finish_upload(&up.id, &Digest::of(&big).to_string(), None).unwrap();
    let (part, _) = r.session_part_apart(&mark).unwrap().unwrap();
    let second = Digest::of(&big[BLOB_APART_FROM..]).to_string();
    let p: serde_json::Value = serde_json::from_str(&part).unwrap();
    assert_eq!(p["blobsApart"], serde_json::json!([second]));
    assert!(p.get("blobs").is_none_or(|b| b.as_object().unwrap().is_empty()));

    let apart: BTreeMap<Digest, Vec<u8>> = r
        .journal()
        .blobs
        .iter()
        .filter(|(_, b)| b.len() >= BLOB_APART_FROM)
        .map(|(d, b)| (*d, b.clone()))
        .collect();
    assert_eq!(apart.len(), 2);
    let parts = vec![part];
    let back = Registry::begin_restore_with(&text, &parts, apart.clone()).unwrap().finish().unwrap();
    assert_eq!(back.event_log_hash(), r.event_log_hash());
    assert_eq!(back.read_blob("demo/app", &Digest::of(&big).to_string()).unwrap(), big);

    // Without the bytes, or with other bytes, it is refused in words and nothing is built.
    let missing = Registry::begin_restore_with(&text, &parts, BTreeMap::new()).map(drop).unwrap_err();
    assert_eq!(missing.code, ErrorCode::InvalidArgument);
    assert!(missing.to_string().contains(&first), "{missing}");
    let mut wrong = apart.clone();
    if let Some(b) = wrong.values_mut().next() {
        b[0] ^= 1;
    }
    let damaged =
        Registry::begin_restore_with(&text, &parts, wrong).and_then(|r| r.finish()).map(drop).unwrap_err();
    assert_eq!(damaged.code, ErrorCode::DigestInvalid);
    assert_eq!(code(Registry::load_session_parts(&text, &parts)), ErrorCode::InvalidArgument);

    // Merged with its bytes, the text stands on its own.
    let whole = Registry::merge_session_parts_with(&text, &parts, apart).unwrap();
    assert!(!whole.contains("blobsApart"));
    assert_eq!(Registry::load_session(&whole).unwrap().event_log_hash(), r.event_log_hash());
}
