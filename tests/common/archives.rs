//! Building archives and Docker-format images for the archive tests (tests/oci.rs and
//! tests/real_tools.rs): tars, gzip, real layer tars, and Docker schema-2 manifests and
//! manifest lists pushed the way `docker push` leaves them (gzip layers).

use std::collections::BTreeMap;
use std::io::{Read, Write};

use stowage::engine::{Digest, Registry};

pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
pub const DOCKER_LAYER_GZIP: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";
pub const DOCKER_LAYER: &str = "application/vnd.docker.image.rootfs.diff.tar";

/// A tar of `files`, in that order (mode 0644, time 0).
pub fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (path, bytes) in files {
        let mut h = tar::Header::new_ustar();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(0);
        h.set_cksum();
        b.append_data(&mut h, path, *bytes).unwrap();
    }
    b.into_inner().unwrap()
}

/// The regular files of a tar, by path.
pub fn untar(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    let mut a = tar::Archive::new(bytes);
    let mut out = BTreeMap::new();
    for e in a.entries().unwrap() {
        let mut e = e.unwrap();
        let mut data = vec![];
        e.read_to_end(&mut data).unwrap();
        out.insert(e.path().unwrap().display().to_string(), data);
    }
    out
}

/// The paths of a tar's entries, in order.
pub fn tar_paths(bytes: &[u8]) -> Vec<String> {
    let mut a = tar::Archive::new(bytes);
    a.entries().unwrap().map(|e| e.unwrap().path().unwrap().display().to_string()).collect()
}

/// `bytes` gzip-compressed (one member, time 0: the same bytes give the same file).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// A Docker schema-2 image pushed as `docker push` leaves it: each layer tar gzip-compressed
/// (media type `…diff.tar.gzip`), a config whose diff ids are the uncompressed tars' digests.
pub struct DockerImage {
    pub manifest: Digest,
    /// The manifest's bytes (push them under another tag to tag the image again).
    pub body: Vec<u8>,
    pub config: Digest,
    pub diff_ids: Vec<Digest>,
    pub layers: Vec<Digest>,
}

/// Pushes a Docker schema-2 image of `layer_tars` (gzip-compressed when `gzipped`) to
/// `repo`, under `reference` (a tag, or None: by digest only).
pub fn push_docker_image(
    r: &mut Registry,
    repo: &str,
    reference: Option<&str>,
    arch: &str,
    layer_tars: &[Vec<u8>],
    gzipped: bool,
) -> DockerImage {
    let diff_ids: Vec<Digest> = layer_tars.iter().map(|t| Digest::of(t)).collect();
    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": arch,
        "os": "linux",
        "config": {"Cmd": ["/bin/sh"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }))
    .unwrap();
    let config_digest = r.push_blob(repo, &config, None).unwrap();
    let mut layers = vec![];
    let mut descriptors = vec![];
    for t in layer_tars {
        let blob = if gzipped { gzip(t) } else { t.clone() };
        let d = r.push_blob(repo, &blob, None).unwrap();
        layers.push(d);
        descriptors.push(serde_json::json!({
            "mediaType": if gzipped { DOCKER_LAYER_GZIP } else { DOCKER_LAYER },
            "size": blob.len(),
            "digest": d,
        }));
    }
    let body = serde_json::to_vec_pretty(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": DOCKER_MANIFEST,
        "config": {"mediaType": DOCKER_CONFIG, "size": config.len(), "digest": config_digest},
        "layers": descriptors,
    }))
    .unwrap();
    let digest = Digest::of(&body);
    let reference = reference.map_or_else(|| digest.to_string(), str::to_string);
    let pushed = r.push_manifest(repo, &reference, &body, Some(DOCKER_MANIFEST)).unwrap();
    assert_eq!(pushed, digest);
    DockerImage { manifest: digest, body, config: config_digest, diff_ids, layers }
}

/// Pushes a Docker manifest list of `children` (each `(image, os, arch)`) under `tag`.
pub fn push_docker_list(
    r: &mut Registry,
    repo: &str,
    tag: &str,
    children: &[(&DockerImage, &str)],
) -> Digest {
    let manifests: Vec<serde_json::Value> = children
        .iter()
        .map(|(image, arch)| {
            serde_json::json!({
                "mediaType": DOCKER_MANIFEST,
                "size": image.body.len(),
                "digest": image.manifest,
                "platform": {"architecture": arch, "os": "linux"},
            })
        })
        .collect();
    let body = serde_json::to_vec_pretty(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": DOCKER_LIST,
        "manifests": manifests,
    }))
    .unwrap();
    r.push_manifest(repo, tag, &body, Some(DOCKER_LIST)).unwrap()
}
