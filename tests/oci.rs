//! Images as files (issue #5, "Keeping state"): an OCI image layout exported from one registry
//! imports into another with every digest identical; a `docker save` tarball imports with its
//! layers checked against the config's diff ids; a damaged or hostile archive is refused whole
//! and changes nothing.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use stowage::engine::{Digest, ErrorCode, LayerInput, Registry, RegistryOptions};

mod common;
use common::file;

fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (path, bytes) in files {
        let mut h = tar::Header::new_ustar();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, path, *bytes).unwrap();
    }
    b.into_inner().unwrap()
}

fn untar(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut a = tar::Archive::new(bytes);
    let mut out = BTreeMap::new();
    for e in a.entries().unwrap() {
        let mut e = e.unwrap();
        let mut data = vec![];
        std::io::Read::read_to_end(&mut e, &mut data).unwrap();
        out.insert(e.path().unwrap().display().to_string(), data);
    }
    out
}

fn fresh() -> Registry {
    Registry::new(RegistryOptions::default()).unwrap()
}

#[test]
fn an_exported_oci_layout_imports_elsewhere_with_the_same_digests() {
    let mut a = fresh();
    let web = a.push_image("team/web", "v1", file("<h1>hello</h1>")).unwrap();
    a.push_image("team/web", "v2", vec![LayerInput::Synthetic { size_bytes: 5000, seed: Some(2) }]).unwrap();
    let api = a.push_image("api", "latest", file("fn main() {}")).unwrap();
    let export = a.export_oci_layout(None).unwrap();
    // A synthetic layer exists only as a sample of its declared size: such an image is left
    // out, and the export says so.
    assert_eq!(export.skipped, ["team/web:v2"]);
    let tar = export.bytes;
    assert_eq!(a.export_oci_layout(None).unwrap().bytes, tar, "the export is byte-for-byte deterministic");
    let files = untar(&tar);
    assert_eq!(files["oci-layout"], br#"{"imageLayoutVersion":"1.0.0"}"#);
    let index: serde_json::Value = serde_json::from_slice(&files["index.json"]).unwrap();
    let names: Vec<&str> = index["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["annotations"]["org.opencontainers.image.ref.name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["api:latest", "team/web:v1"]);
    // Every blob file is named by the digest of its bytes.
    for (path, bytes) in &files {
        if let Some(hex) = path.strip_prefix("blobs/sha256/") {
            assert_eq!(Digest::of(bytes).hex(), hex);
        }
    }
    let mut b = fresh();
    let report = b.import_archive(&tar, "imported").unwrap();
    assert_eq!((report.format, report.images.len()), ("oci-layout", 2));
    assert_eq!(b.pull_manifest("team/web", "v1").unwrap().digest, web.digest);
    assert_eq!(b.pull_manifest("api", "latest").unwrap().digest, api.digest);
    let layer =
        &b.manifests("team/web").unwrap().into_iter().find(|m| m.digest == web.digest).unwrap().layers[0];
    assert_eq!(b.pull_blob("team/web", &layer.digest.to_string()).unwrap(), b"<h1>hello</h1>");
    assert_eq!(b.export_oci_layout(None).unwrap().bytes, tar, "exported again: the same archive");
    // The import is in the session log: replaying it gives the same registry.
    assert_eq!(Registry::replay(b.journal()).unwrap().event_log_hash(), b.event_log_hash());
    b.audit().unwrap();
}

/// A `docker save` tarball (the legacy layout: `<id>/layer.tar` and `<hex>.json`).
fn docker_save(layer: &[u8], diff_id: &Digest) -> Vec<u8> {
    let config = format!(
        r#"{{"architecture":"amd64","os":"linux","rootfs":{{"type":"layers","diff_ids":["{diff_id}"]}}}}"#
    );
    let config_name = format!("{}.json", Digest::of(config.as_bytes()).hex());
    let manifest = format!(
        r#"[{{"Config":"{config_name}","RepoTags":["docker.io/library/alpine:3.20"],"Layers":["abc/layer.tar"]}}]"#
    );
    tar_of(&[
        ("manifest.json", manifest.as_bytes()),
        (&config_name, config.as_bytes()),
        ("abc/layer.tar", layer),
    ])
}

#[test]
fn a_docker_save_tarball_imports_with_its_layers_checked_against_the_config() {
    let layer = b"a layer tar, or something standing in for one";
    let mut r = fresh();
    let report = r.import_archive(&docker_save(layer, &Digest::of(layer)), "imported").unwrap();
    assert_eq!(report.format, "docker-save");
    assert_eq!(report.images[0].repo.as_str(), "library/alpine");
    assert_eq!(report.images[0].tag.as_ref().map(|t| t.as_str()), Some("3.20"));
    assert_eq!(report.blobs, 2);
    let pulled = r.pull_manifest("library/alpine", "3.20").unwrap();
    assert_eq!(pulled.media_type.as_str(), "application/vnd.docker.distribution.manifest.v2+json");
    assert_eq!(r.pull_blob("library/alpine", &Digest::of(layer).to_string()).unwrap(), layer);

    // A layer that does not match its diff id: refused whole, nothing changed.
    let mut r = fresh();
    r.push_image("keep", "v1", file("already here")).unwrap();
    let before = (r.event_log_hash(), r.usage());
    let wrong = Digest::of(b"something else");
    let e = r.import_archive(&docker_save(layer, &wrong), "imported").unwrap_err();
    assert_eq!(e.code, ErrorCode::DigestInvalid);
    assert!(e.message.contains("abc/layer.tar should hash to"), "{}", e.message);
    assert_eq!((r.event_log_hash(), r.usage()), before);
}

#[test]
fn a_damaged_or_hostile_archive_is_refused_and_changes_nothing() {
    let mut a = fresh();
    a.push_image("web", "v1", file("content")).unwrap();
    let tar = a.export_oci_layout(None).unwrap().bytes;
    let mut files = untar(&tar);
    let blob = files.keys().find(|k| k.starts_with("blobs/") && files[*k] == b"content").unwrap().clone();
    files.insert(blob.clone(), b"CONTENT".to_vec());
    let owned: Vec<(String, Vec<u8>)> = files.into_iter().collect();
    let refs: Vec<(&str, &[u8])> = owned.iter().map(|(p, b)| (p.as_str(), b.as_slice())).collect();
    let damaged = tar_of(&refs);
    let mut r = fresh();
    let before = r.event_log_hash();
    let cases: Vec<(Vec<u8>, ErrorCode, &str)> = vec![
        (damaged, ErrorCode::DigestInvalid, "should hash to"),
        (b"not a tar at all".to_vec(), ErrorCode::InvalidArgument, "the tar archive is damaged"),
        (vec![], ErrorCode::InvalidArgument, "neither"),
        (
            tar_of(&[("oci-layout", b"{}"), ("index.json", b"{\"manifests\":5}")]),
            ErrorCode::InvalidArgument,
            "index.json is not valid",
        ),
        (tar_of(&[("manifest.json", b"[]")]), ErrorCode::InvalidArgument, "holds no image"),
        (tar[..tar.len() / 3].to_vec(), ErrorCode::InvalidArgument, "cut short"),
    ];
    for (bytes, code, says) in cases {
        let e = r.import_archive(&bytes, "imported").unwrap_err();
        assert_eq!(e.code, code, "{says}: {}", e.message);
        assert!(e.message.contains(says), "{}", e.message);
        assert_eq!(r.event_log_hash(), before);
    }
    assert!(r.catalog_with_hidden(None, None).unwrap().repositories.is_empty());
}
