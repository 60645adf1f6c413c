//! Stowage's archives read by real tools (findings 8 and 9): Debian's skopeo (1.9.3) and umoci
//! (0.4.7) read the OCI layout export with the engine's very digests and unpack its files; they
//! read the docker archive export (`docker-archive:`), copy it to an OCI layout with the same
//! config and diff ids, and unpack it; a `docker save` tarball skopeo writes, plain and gzipped,
//! imports back. One test shows why Docker images are left out of the OCI layout: skopeo and
//! umoci do not read a Docker manifest there.
//!
//! The tools must be installed (scripts/setup.sh does it; CI too): without them these tests
//! fail and say so, unless STOWAGE_SKIP_REAL_TOOLS=1 is set. Files go under
//! target/tmp/real-tools/.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::Command;

use stowage::engine::oci::{SkipReason, Skipped};
use stowage::engine::{Digest, LayerInput, Registry, RegistryOptions};

mod common;
use common::archives::{DOCKER_MANIFEST, gzip, push_docker_image, tar_of, untar};

/// Whether to run: true when skopeo and umoci answer; false (the test passes, saying it was
/// skipped) only when STOWAGE_SKIP_REAL_TOOLS=1; otherwise a missing tool fails the test.
fn tools() -> bool {
    if std::env::var("STOWAGE_SKIP_REAL_TOOLS").as_deref() == Ok("1") {
        eprintln!("STOWAGE_SKIP_REAL_TOOLS=1: skopeo and umoci are not run");
        return false;
    }
    for tool in ["skopeo", "umoci"] {
        let ok = Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success());
        assert!(
            ok,
            "{tool} is missing: run scripts/setup.sh (it installs Debian's skopeo and umoci), \
             or set STOWAGE_SKIP_REAL_TOOLS=1 to skip the real-tool tests"
        );
    }
    true
}

/// A fresh directory for one test, under target/tmp.
fn workdir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("real-tools").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `tool args…`; its stdout, or a panic with its stderr.
fn run(tool: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| panic!("{tool}: {e}"));
    assert!(
        out.status.success(),
        "{tool} {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Runs `tool args…`, which must fail; its stderr.
fn refused(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| panic!("{tool}: {e}"));
    assert!(!out.status.success(), "{tool} {} succeeded", args.join(" "));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn fresh() -> Registry {
    Registry::new(RegistryOptions::default()).unwrap()
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap()
}

/// An OCI image layout directory (as skopeo's `oci:DIR` writes it): the manifest `tag` names,
/// and a blob by digest.
struct Layout(PathBuf);

impl Layout {
    fn blob(&self, d: &str) -> Vec<u8> {
        let hex = d.strip_prefix("sha256:").unwrap();
        std::fs::read(self.0.join("blobs/sha256").join(hex)).unwrap()
    }

    /// (manifest digest, manifest, config bytes) of the image tagged `tag`.
    fn image(&self, tag: &str) -> (String, serde_json::Value, Vec<u8>) {
        let index = json(&std::fs::read(self.0.join("index.json")).unwrap());
        let entry = index["manifests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["annotations"]["org.opencontainers.image.ref.name"] == tag)
            .unwrap_or_else(|| panic!("{tag} not in {index}"))
            .clone();
        let digest = entry["digest"].as_str().unwrap().to_string();
        let manifest = json(&self.blob(&digest));
        let config = self.blob(manifest["config"]["digest"].as_str().unwrap());
        (digest, manifest, config)
    }
}

/// A layer tar whose one file is `name` holding `text`.
fn layer(name: &str, text: &[u8]) -> Vec<u8> {
    tar_of(&[(name, text)])
}

#[test]
fn skopeo_and_umoci_read_the_oci_layout_export_with_the_engines_digests() {
    if !tools() {
        return;
    }
    let dir = workdir("oci-layout");
    let hello = b"hello from a Stowage layer\n";
    let mut r = fresh();
    let web = r
        .push_image(
            "team/web",
            "v1",
            vec![LayerInput::File { name: "rootfs.tar".into(), bytes: layer("hello.txt", hello) }],
        )
        .unwrap();
    push_docker_image(&mut r, "team/app", Some("v1"), "amd64", &[layer("app.sh", b"echo app\n")], true);
    let export = r.export_oci_layout(None).unwrap();
    assert_eq!(export.skipped, [Skipped { image: "team/app:v1".into(), reason: SkipReason::DockerFormat }]);
    let file = dir.join("layout.tar");
    std::fs::write(&file, &export.bytes).unwrap();
    let source = format!("oci-archive:{}:team/web:v1", path(&file));

    // The manifest as skopeo reads it: the very bytes whose digest the engine gave.
    let raw = run("skopeo", &["inspect", "--raw", &source]);
    assert_eq!(Digest::of(&raw), web.digest, "skopeo inspect --raw: the engine's manifest bytes");
    let inspected = json(&run("skopeo", &["inspect", &source]));
    assert_eq!(inspected["Digest"], web.digest.to_string());
    assert_eq!(inspected["Layers"], serde_json::json!([web.layers[0].to_string()]));

    // Copied to an OCI directory as it is (--preserve-digests): the same manifest digest, and
    // umoci unpacks the file.
    let copy = dir.join("copy");
    run("skopeo", &["copy", "--preserve-digests", &source, &format!("oci:{}:v1", path(&copy))]);
    let (digest, _, config) = Layout(copy.clone()).image("v1");
    assert_eq!(digest, web.digest.to_string(), "skopeo copy --preserve-digests: the same manifest");
    assert_eq!(Digest::of(&config), web.config);
    let bundle = dir.join("bundle");
    run("umoci", &["unpack", "--rootless", "--image", &format!("{}:v1", path(&copy)), path(&bundle)]);
    assert_eq!(std::fs::read(bundle.join("rootfs/hello.txt")).unwrap(), hello, "umoci unpacked the layer");

    // A plain copy gzips the layer for the OCI directory (a new manifest): the config, and so
    // the layer's diff id, stay the engine's.
    let gzipped = dir.join("gzipped");
    run("skopeo", &["copy", &source, &format!("oci:{}:v1", path(&gzipped))]);
    let (_, manifest, config) = Layout(gzipped).image("v1");
    assert_eq!(manifest["layers"][0]["mediaType"], "application/vnd.oci.image.layer.v1.tar+gzip");
    assert_eq!(Digest::of(&config), web.config);
    assert_eq!(json(&config)["rootfs"]["diff_ids"], serde_json::json!([web.layers[0].to_string()]));
}

/// What the OCI layout export wrote before finding 9: a Docker manifest beside the OCI one.
/// skopeo says the Docker tag is not there ("no descriptor found for reference") and umoci
/// cannot read its manifest ("not implemented"); the OCI tag stays readable. So the export
/// leaves Docker images out (they go to `export_docker_archive`) rather than write tags the
/// tools say are missing.
#[test]
fn a_docker_manifest_in_an_oci_layout_is_unreadable_to_skopeo_and_umoci() {
    if !tools() {
        return;
    }
    let dir = workdir("mixed-layout");
    let mut r = fresh();
    r.push_image("web", "v1", vec![LayerInput::File { name: "l".into(), bytes: layer("web.txt", b"web\n") }])
        .unwrap();
    let app = push_docker_image(&mut r, "app", Some("v1"), "amd64", &[layer("app.txt", b"app\n")], true);
    let mut files = untar(&r.export_oci_layout(None).unwrap().bytes);
    let mut index = json(&files["index.json"]);
    index["manifests"].as_array_mut().unwrap().push(serde_json::json!({
        "mediaType": DOCKER_MANIFEST,
        "digest": app.manifest,
        "size": app.body.len(),
        "annotations": {"org.opencontainers.image.ref.name": "app:v1"},
    }));
    files.insert("index.json".into(), serde_json::to_vec(&index).unwrap());
    files.insert(format!("blobs/sha256/{}", app.manifest.hex()), app.body.clone());
    for d in std::iter::once(&app.config).chain(&app.layers) {
        files.insert(format!("blobs/sha256/{}", d.hex()), r.read_blob("app", &d.to_string()).unwrap());
    }
    let owned: Vec<(String, Vec<u8>)> = files.into_iter().collect();
    let refs: Vec<(&str, &[u8])> = owned.iter().map(|(p, b)| (p.as_str(), b.as_slice())).collect();
    let file = dir.join("mixed.tar");
    std::fs::write(&file, tar_of(&refs)).unwrap();

    let said = refused("skopeo", &["inspect", "--raw", &format!("oci-archive:{}:app:v1", path(&file))]);
    assert!(said.contains("no descriptor found for reference"), "{said}");
    run("skopeo", &["inspect", "--raw", &format!("oci-archive:{}:web:v1", path(&file))]);

    // umoci reads a layout directory: the same files, unpacked.
    let layout = dir.join("layout");
    tar::Archive::new(std::fs::File::open(&file).unwrap()).unpack(&layout).unwrap();
    let said = refused(
        "umoci",
        &["unpack", "--rootless", "--image", &format!("{}:app:v1", path(&layout)), path(&dir.join("b1"))],
    );
    assert!(said.contains("not implemented"), "{said}");
    run(
        "umoci",
        &["unpack", "--rootless", "--image", &format!("{}:web:v1", path(&layout)), path(&dir.join("b2"))],
    );
    assert_eq!(std::fs::read(dir.join("b2/rootfs/web.txt")).unwrap(), b"web\n");
}

#[test]
fn skopeo_reads_the_docker_archive_export_and_its_copy_unpacks() {
    if !tools() {
        return;
    }
    let dir = workdir("docker-archive");
    let mut r = fresh();
    let base_tar = layer("etc/os-release", b"ID=stowage\n");
    let run_sh = b"#!/bin/sh\necho hello from the app\n";
    let run_tar = layer("run.sh", run_sh);
    let app = push_docker_image(
        &mut r,
        "team/app",
        Some("v1"),
        "amd64",
        &[base_tar.clone(), run_tar.clone()],
        true,
    );
    let other = push_docker_image(
        &mut r,
        "team/other",
        Some("2"),
        "amd64",
        &[base_tar.clone(), layer("o", b"o")],
        true,
    );
    r.push_image("team/oci", "v1", vec![LayerInput::File { name: "l".into(), bytes: layer("x", b"x") }])
        .unwrap();

    // One repository: one image, which skopeo finds without a name.
    let export = r.export_docker_archive(Some("team/app")).unwrap();
    assert_eq!((export.images, export.skipped.len()), (1, 0));
    let file = dir.join("app.tar");
    std::fs::write(&file, &export.bytes).unwrap();
    let source = format!("docker-archive:{}", path(&file));
    let inspected = json(&run("skopeo", &["inspect", &source]));
    let diff_ids: Vec<String> = app.diff_ids.iter().map(Digest::to_string).collect();
    assert_eq!(inspected["Layers"], serde_json::json!(diff_ids), "skopeo's layers are the diff ids");
    assert_eq!(inspected["RepoTags"], serde_json::json!([]), "{inspected}");
    let raw_config = run("skopeo", &["inspect", "--config", "--raw", &source]);
    assert_eq!(Digest::of(&raw_config), app.config, "the config as pushed");

    // Copied to an OCI layout: skopeo rewrites the config as an OCI config and gzips the layers,
    // so those digests change; the diff ids stay the engine's, and umoci unpacks the files.
    let copy = dir.join("copy");
    run("skopeo", &["copy", &source, &format!("oci:{}:v1", path(&copy))]);
    let (_, manifest, config) = Layout(copy.clone()).image("v1");
    assert_eq!(json(&config)["rootfs"]["diff_ids"], serde_json::json!(diff_ids), "the same diff ids");
    let layers = manifest["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 2);
    for (l, tar) in layers.iter().zip([&base_tar, &run_tar]) {
        let blob = Layout(copy.clone()).blob(l["digest"].as_str().unwrap());
        let mut inflated = vec![];
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(blob.as_slice()), &mut inflated)
            .unwrap();
        assert_eq!(&inflated, tar, "the layer skopeo wrote inflates to the engine's tar");
    }
    let bundle = dir.join("bundle");
    run("umoci", &["unpack", "--rootless", "--image", &format!("{}:v1", path(&copy)), path(&bundle)]);
    assert_eq!(std::fs::read(bundle.join("rootfs/run.sh")).unwrap(), run_sh);
    assert_eq!(std::fs::read(bundle.join("rootfs/etc/os-release")).unwrap(), b"ID=stowage\n");

    // Several images: skopeo picks one by name.
    let all = r.export_docker_archive(None).unwrap();
    assert_eq!(all.skipped, [Skipped { image: "team/oci:v1".into(), reason: SkipReason::OciFormat }]);
    let file = dir.join("all.tar");
    std::fs::write(&file, &all.bytes).unwrap();
    let inspected =
        json(&run("skopeo", &["inspect", &format!("docker-archive:{}:team/other:2", path(&file))]));
    let other_ids: Vec<String> = other.diff_ids.iter().map(Digest::to_string).collect();
    assert_eq!(inspected["Layers"], serde_json::json!(other_ids));

    // A docker save tarball skopeo writes, and the same gzipped, import back into the engine
    // with the config and layers skopeo read.
    let saved = dir.join("saved.tar");
    run(
        "skopeo",
        &["copy", &format!("oci:{}:v1", path(&copy)), &format!("docker-archive:{}:team/rt:v1", path(&saved))],
    );
    let saved = std::fs::read(&saved).unwrap();
    let mut tagged = vec![];
    for bytes in [saved.clone(), gzip(&saved)] {
        let mut b = fresh();
        let report = b.import_archive(&bytes, "imported").unwrap();
        assert_eq!(report.format, "docker-save");
        assert_eq!(report.images.len(), 1);
        let image = &report.images[0];
        assert_eq!((image.repo.as_str(), image.tag.as_ref().map(|t| t.as_str())), ("team/rt", Some("v1")));
        let pulled = b.read_manifest("team/rt", "v1").unwrap();
        let m = json(&pulled.bytes);
        let config = b.read_blob("team/rt", m["config"]["digest"].as_str().unwrap()).unwrap();
        assert_eq!(json(&config)["rootfs"]["diff_ids"], serde_json::json!(diff_ids), "the same diff ids");
        let layers: Vec<&str> =
            m["layers"].as_array().unwrap().iter().map(|l| l["digest"].as_str().unwrap()).collect();
        assert_eq!(layers, diff_ids, "the same layers, by diff id");
        tagged.push(pulled.digest);
    }
    assert_eq!(tagged[0], tagged[1], "plain and gzipped: the same manifest digest");
}
