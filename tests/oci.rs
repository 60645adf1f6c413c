//! Images as files (issue #5, "Keeping state"; findings 8 and 9): an OCI image layout exported
//! from one registry imports into another with every digest identical; a `docker save` tarball
//! imports with its layers checked against the config's diff ids; either one gzip-compressed
//! imports as the plain one does; anything else is refused naming what it looks like, and a
//! damaged or hostile archive (a gzip bomb too) is refused whole and changes nothing. Docker
//! schema-2 images export as a `docker save` tarball that imports back with the same digests.
#![cfg(not(target_arch = "wasm32"))]

use std::time::Instant;

use stowage::engine::oci::{SkipReason, Skipped};
use stowage::engine::{Digest, ErrorCode, LayerInput, Registry, RegistryOptions};

mod common;
use common::archives::{
    DOCKER_MANIFEST, gzip, push_docker_image, push_docker_list, tar_of, tar_paths, untar,
};
use common::file;

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
    assert_eq!(export.skipped, [Skipped { image: "team/web:v2".into(), reason: SkipReason::Synthetic }]);
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
        (b"not a tar at all".to_vec(), ErrorCode::InvalidArgument, "starts with bytes 6e 6f 74 20"),
        (vec![], ErrorCode::InvalidArgument, "the file is empty"),
        (tar_of(&[("readme.txt", b"hi")]), ErrorCode::InvalidArgument, "neither"),
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

/// What a registry is, as the tests compare it: the event log's hash and the saved session.
fn state(r: &Registry) -> (String, String) {
    (r.event_log_hash(), r.save_session().unwrap())
}

/// The tagged images of a registry: `repo:tag` → manifest digest.
fn tagged(r: &Registry) -> Vec<(String, Digest)> {
    let mut out = vec![];
    for repo in r.catalog_with_hidden(None, None).unwrap().repositories {
        for m in r.manifests(&repo).unwrap() {
            for t in &m.tags {
                out.push((format!("{repo}:{t}"), m.digest));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn gzipped_archives_import_as_the_plain_ones_do() {
    let mut source = fresh();
    source.push_image("team/web", "v1", file("<h1>hello</h1>")).unwrap();
    source.push_image("api", "latest", file("fn main() {}")).unwrap();
    let layout = source.export_oci_layout(None).unwrap().bytes;
    let layer = b"a layer tar, or something standing in for one";
    let save = docker_save(layer, &Digest::of(layer));
    for (plain, format) in [(layout, "oci-layout"), (save, "docker-save")] {
        let (mut a, mut b) = (fresh(), fresh());
        let plain_report = a.import_archive(&plain, "imported").unwrap();
        let gz = gzip(&plain);
        assert_eq!(&gz[..2], [0x1f, 0x8b]);
        let gz_report = b.import_archive(&gz, "imported").unwrap();
        assert_eq!((plain_report.format, plain_report.gzip, gz_report.gzip), (format, false, true));
        assert_eq!(gz_report.images, plain_report.images, "{format}");
        assert_eq!((gz_report.blobs, gz_report.blob_bytes), (plain_report.blobs, plain_report.blob_bytes));
        assert_eq!(tagged(&a), tagged(&b), "{format}: the same images with the same digests");
        assert_eq!(a.event_log_hash(), b.event_log_hash(), "{format}: the same events");
        assert_eq!(a.usage(), b.usage());
        // The log keeps the gzip file as it came, and replays it.
        assert_eq!(Registry::replay(b.journal()).unwrap().event_log_hash(), b.event_log_hash());
        b.audit().unwrap();
    }
    // A gzip stream in several members (`cat a.gz b.gz`, pigz) reads as one.
    let mut a = fresh();
    let layout = source.export_oci_layout(None).unwrap().bytes;
    let (head, tail) = layout.split_at(3000);
    let members = [gzip(head), gzip(tail)].concat();
    assert_eq!(a.import_archive(&members, "imported").unwrap().images.len(), 2);
}

/// Real files of each kind, made from the same one-file tar (`hello.tar`: `hello.txt`) with
/// `zip -X`, `zstd -19`, `xz -9`, `bzip2 -9` and `lz4 -9` (tests/fixtures/archives/).
fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/archives/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn each_unreadable_kind_is_refused_naming_what_it_looks_like_and_changes_nothing() {
    let mut r = fresh();
    r.push_image("keep", "v1", file("already here")).unwrap();
    let tar = r.export_oci_layout(None).unwrap().bytes;
    let targz = gzip(&tar);
    let mut random = vec![0u8; 4096];
    let mut x = 0x2545_f491_4f6c_dd1du64;
    for b in &mut random {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = (x >> 24) as u8;
    }
    let tail = "not a tar: Stowage reads OCI image layouts and docker save archives, as .tar or .tar.gz";
    let cases: Vec<(&str, Vec<u8>, String)> = vec![
        ("zip", fixture("hello.tar.zip"), format!("this looks like a zip file, {tail}")),
        ("zstd", fixture("hello.tar.zst"), format!("this looks like a zstd-compressed file, {tail}")),
        ("xz", fixture("hello.tar.xz"), format!("this looks like an xz-compressed file, {tail}")),
        ("bzip2", fixture("hello.tar.bz2"), format!("this looks like a bzip2-compressed file, {tail}")),
        ("lz4", fixture("hello.tar.lz4"), format!("this looks like an lz4-compressed file, {tail}")),
        // 7-Zip's signature (no 7z tool here to make a real one).
        (
            "7z",
            [&[b'7', b'z', 0xbc, 0xaf, 0x27, 0x1c, 0, 4][..], &[0; 24]].concat(),
            format!("this looks like a 7-Zip archive, {tail}"),
        ),
        (
            "a saved session",
            r#"{"format":1,"entries":[]}"#.into(),
            "this looks like a JSON file (a saved session goes in with Import session)".into(),
        ),
        (
            "random bytes",
            random.clone(),
            format!(
                "this is not a tar archive, nor a gzip-compressed one (it starts with bytes {})",
                hex8(&random)
            ),
        ),
        ("empty", vec![], "the file is empty".into()),
        ("a tar cut in its first header", tar[..300].to_vec(), "the tar archive is cut short".into()),
        ("a tar cut short", tar[..tar.len() / 3].to_vec(), "cut short".into()),
        (
            "a zip, gzipped",
            gzip(&fixture("hello.tar.zip")),
            "this is gzip-compressed, but what it holds looks like a zip file, not a tar".into(),
        ),
        (
            "random bytes, gzipped",
            gzip(&random),
            format!(
                "this is gzip-compressed, but what it holds is not a tar (it starts with bytes {})",
                hex8(&random)
            ),
        ),
        ("gzipped twice", gzip(&targz), "this is gzip-compressed twice".into()),
        ("a gzip of nothing", gzip(b""), "this gzip file holds nothing".into()),
        ("a .tar.gz cut short", targz[..targz.len() / 2].to_vec(), "cut short".into()),
        ("a .tar.gz cut in its header", targz[..5].to_vec(), "the gzip file is damaged or cut short".into()),
        ("a .tar.gz with a flipped byte", flipped(&targz, 40), "damaged".into()),
    ];
    let before = state(&r);
    let entries = r.journal().entries.len();
    for (what, bytes, says) in cases {
        let e = r.import_archive(&bytes, "imported").unwrap_err();
        eprintln!("{what}: {}", e.message);
        assert_eq!(e.code, ErrorCode::InvalidArgument, "{what}: {}", e.message);
        assert!(e.message.contains(&says), "{what}: {:?} does not say {says:?}", e.message);
        assert_eq!(state(&r), before, "{what}: the registry and its saved session are unchanged");
        assert_eq!(r.journal().entries.len(), entries, "{what}: nothing recorded");
    }
    assert_eq!(tagged(&r).len(), 1);
    // The same tar, plain and gzipped, still imports.
    assert_eq!(fresh().import_archive(&targz, "imported").unwrap().images.len(), 1);
}

fn hex8(bytes: &[u8]) -> String {
    bytes[..8].iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

fn flipped(bytes: &[u8], at: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out[at] ^= 0xff;
    out
}

/// `n` gzip members, each of `member` zero bytes (a gzip bomb: a few KiB that inflate to
/// `n × member`), after `first` (itself gzipped).
fn zeros_bomb(first: &[u8], member: usize, n: usize) -> Vec<u8> {
    let zeros = gzip(&vec![0u8; member]);
    let mut out = gzip(first);
    for _ in 0..n {
        out.extend_from_slice(&zeros);
    }
    out
}

/// A ustar header for one regular file of `size` bytes (the data is not included).
fn header(path: &str, size: u64) -> Vec<u8> {
    let mut h = tar::Header::new_ustar();
    h.set_path(path).unwrap();
    h.set_size(size);
    h.set_mode(0o644);
    h.set_cksum();
    h.as_bytes().to_vec()
}

#[test]
fn a_gzip_bomb_is_refused_fast_and_changes_nothing() {
    const MIB: usize = 1 << 20;
    let mut r = fresh();
    r.push_image("keep", "v1", file("already here")).unwrap();
    let before = state(&r);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        // 2 GiB of zeros after a tar header that claims them: refused at the header, unread.
        (
            "one entry of 2 GiB",
            zeros_bomb(&header("blobs/sha256/big", 2 << 30), 16 * MIB, 128),
            "a tar entry claims more than 1 GiB",
        ),
        // Two entries of 600 MiB: the second would take the archive over 1 GiB.
        (
            "two entries of 600 MiB",
            {
                let mut b = zeros_bomb(&header("a", 600 * MIB as u64), 8 * MIB, 75);
                b.extend(zeros_bomb(&header("b", 600 * MIB as u64), 8 * MIB, 75));
                b
            },
            "decompresses to more than 1 GiB",
        ),
        // 4 GiB of zeros and no tar at all: a zero block ends a tar, so nothing more is read.
        ("4 GiB of zeros", zeros_bomb(&[0; 1024], 16 * MIB, 256), "the tar archive holds no files"),
    ];
    for (what, bomb, says) in cases {
        assert!(bomb.len() < 4 * MIB, "{what}: the bomb is small ({} bytes)", bomb.len());
        let t = Instant::now();
        let e = r.import_archive(&bomb, "imported").unwrap_err();
        let took = t.elapsed();
        eprintln!("{what}: {} bytes of gzip refused in {took:?}: {}", bomb.len(), e.message);
        assert_eq!(e.code, ErrorCode::InvalidArgument, "{what}");
        assert!(e.message.contains(says), "{what}: {}", e.message);
        assert!(took.as_secs() < 30, "{what}: refused in {took:?}");
        assert_eq!(state(&r), before, "{what}: nothing changed");
    }
}

/// A real layer: a tar holding `name` with `text`.
fn layer(name: &str, text: &str) -> Vec<u8> {
    tar_of(&[(name, text.as_bytes())])
}

#[test]
fn docker_images_export_as_a_docker_archive_that_imports_back_with_the_same_digests() {
    let mut a = fresh();
    // Pushed as docker push leaves it: gzip layers, two of them, the first shared.
    let base = layer("etc/os-release", "ID=stowage\n");
    let app =
        push_docker_image(&mut a, "team/app", Some("v1"), "amd64", &[base.clone(), layer("app", "v1")], true);
    // Imported from a docker save tarball: an uncompressed layer.
    let saved = b"a layer tar, or something standing in for one";
    a.import_archive(&docker_save(saved, &Digest::of(saved)), "imported").unwrap();
    // A manifest list of two platforms, both stored; and one of a platform not stored.
    let amd = push_docker_image(&mut a, "team/multi", None, "amd64", std::slice::from_ref(&base), true);
    let arm = push_docker_image(&mut a, "team/multi", None, "arm64", &[layer("arm", "arm")], true);
    push_docker_list(&mut a, "team/multi", "2.0", &[(&arm, "arm64"), (&amd, "amd64")]);
    let gone = push_docker_image(&mut a, "team/multi", None, "amd64", &[layer("x", "x")], true);
    push_docker_list(&mut a, "team/multi", "sparse", &[(&gone, "amd64")]);
    a.delete_manifest("team/multi", &gone.manifest.to_string()).unwrap();
    // The same image under a second tag, an OCI image and a synthetic one.
    a.push_manifest("team/app", "latest", &app.body, Some(DOCKER_MANIFEST)).unwrap();
    a.push_image("team/oci", "v1", vec![LayerInput::File { name: "l".into(), bytes: layer("oci", "oci") }])
        .unwrap();
    a.push_image("team/synthetic", "v1", vec![LayerInput::Synthetic { size_bytes: 5000, seed: Some(1) }])
        .unwrap();
    let before = state(&a);

    let export = a.export_docker_archive(None).unwrap();
    assert_eq!(state(&a), before, "exporting reads only");
    assert_eq!(a.export_docker_archive(None).unwrap(), export, "byte-for-byte deterministic");
    let skip = |image: &str, reason| Skipped { image: image.into(), reason };
    assert_eq!(
        export.skipped,
        [
            skip("team/multi:2.0 (linux/arm64)", SkipReason::OtherPlatform),
            skip("team/multi:sparse", SkipReason::NoPlatform),
            skip("team/oci:v1", SkipReason::OciFormat),
            skip("team/synthetic:v1", SkipReason::Synthetic),
        ]
    );
    assert_eq!(export.images, 4, "library/alpine:3.20, team/app:latest and :v1, team/multi:2.0");
    let files = untar(&export.bytes);
    let paths = tar_paths(&export.bytes);
    assert_eq!(paths[0], "manifest.json", "manifest.json first");
    let manifest: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    let entries = manifest.as_array().unwrap();
    assert_eq!(entries.len(), 3, "one entry per image config: {manifest}");
    let app_entry = entries.iter().find(|e| e["Config"] == format!("{}.json", app.config.hex())).unwrap();
    assert_eq!(app_entry["RepoTags"], serde_json::json!(["team/app:latest", "team/app:v1"]));
    let want_layers: Vec<String> = app.diff_ids.iter().map(|d| format!("{}.tar", d.hex())).collect();
    assert_eq!(app_entry["Layers"], serde_json::json!(want_layers));
    // The layers are the uncompressed tars, named by their diff ids; the base layer once.
    assert_eq!(files[&want_layers[0]], base);
    for (path, bytes) in files.iter().filter(|(p, _)| *p != "manifest.json") {
        if let Some(hex) = path.strip_suffix(".tar").or_else(|| path.strip_suffix(".json")) {
            assert_eq!(Digest::of(bytes).hex(), hex, "{path} is named by its digest");
        }
    }
    assert_eq!(
        paths.len(),
        1 + 3 + 3,
        "manifest.json, 3 configs, 3 distinct layers (base, app, saved): {paths:?}"
    );
    let multi = entries.iter().find(|e| e["RepoTags"] == serde_json::json!(["team/multi:2.0"])).unwrap();
    assert_eq!(multi["Config"], format!("{}.json", amd.config.hex()), "the list's linux/amd64 image");

    // Imported into a new registry: the same configs and layers (by diff id); the image saved
    // from docker save comes back with its very manifest digest.
    let mut b = fresh();
    let report = b.import_archive(&export.bytes, "imported").unwrap();
    assert_eq!((report.format, report.images.len()), ("docker-save", 4));
    let alpine = a.read_manifest("library/alpine", "3.20").unwrap();
    assert_eq!(b.pull_manifest("library/alpine", "3.20").unwrap().digest, alpine.digest);
    for (repo, tag, image) in
        [("team/app", "v1", &app), ("team/app", "latest", &app), ("team/multi", "2.0", &amd)]
    {
        let pulled = b.pull_manifest(repo, tag).unwrap();
        assert_eq!(pulled.media_type.as_str(), DOCKER_MANIFEST);
        let m: serde_json::Value = serde_json::from_slice(&pulled.bytes).unwrap();
        assert_eq!(m["config"]["digest"], image.config.to_string(), "{repo}:{tag}: the same config");
        let layers: Vec<String> =
            m["layers"].as_array().unwrap().iter().map(|l| l["digest"].as_str().unwrap().into()).collect();
        let diff_ids: Vec<String> = image.diff_ids.iter().map(Digest::to_string).collect();
        assert_eq!(layers, diff_ids, "{repo}:{tag}: its layers are the uncompressed tars");
    }
    // Exported again: the same archive; and imported again, the same digests as the first time.
    assert_eq!(b.export_docker_archive(None).unwrap().bytes, export.bytes);
    let mut c = fresh();
    c.import_archive(&b.export_docker_archive(None).unwrap().bytes, "imported").unwrap();
    assert_eq!(tagged(&c), tagged(&b));
    assert_eq!(Registry::replay(b.journal()).unwrap().event_log_hash(), b.event_log_hash());
    b.audit().unwrap();

    // The OCI layout holds the OCI image only, and says where the Docker ones go.
    let oci = a.export_oci_layout(None).unwrap();
    assert_eq!(oci.images, 1);
    let docker = |image: &str| skip(image, SkipReason::DockerFormat);
    assert_eq!(
        oci.skipped,
        [
            docker("library/alpine:3.20"),
            docker("team/app:latest"),
            docker("team/app:v1"),
            docker("team/multi:2.0"),
            docker("team/multi:sparse"),
            skip("team/synthetic:v1", SkipReason::Synthetic),
        ]
    );
    let index: serde_json::Value = serde_json::from_slice(&untar(&oci.bytes)["index.json"]).unwrap();
    assert_eq!(index["manifests"].as_array().unwrap().len(), 1);
    assert_eq!(state(&a), before, "exporting reads only");
}

#[test]
fn an_export_with_nothing_in_its_format_says_why_each_image_was_left_out() {
    let mut r = fresh();
    r.push_image("web", "v1", file("oci")).unwrap();
    let e = r.export_docker_archive(None).unwrap_err();
    assert_eq!(e.code, ErrorCode::NameUnknown);
    assert_eq!(
        e.message,
        "there is no image to export in this format: web:v1 (OCI format: export as OCI layout)"
    );
    let mut d = fresh();
    push_docker_image(&mut d, "app", Some("v1"), "amd64", &[layer("a", "a")], true);
    let e = d.export_oci_layout(None).unwrap_err();
    assert_eq!(
        e.message,
        "there is no image to export in this format: app:v1 (docker format: export as docker archive)"
    );
    // A layer that does not decompress to its diff id, and one compressed with zstd: skipped.
    let mut z = fresh();
    let tar = layer("z", "z");
    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": [Digest::of(b"other")]},
    }))
    .unwrap();
    let c = z.push_blob("z", &config, None).unwrap();
    let l = z.push_blob("z", &gzip(&tar), None).unwrap();
    let body = |media: &str| {
        serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2, "mediaType": DOCKER_MANIFEST,
            "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": config.len(), "digest": c},
            "layers": [{"mediaType": media, "size": gzip(&tar).len(), "digest": l}],
        }))
        .unwrap()
    };
    z.push_manifest(
        "z",
        "wrong",
        &body("application/vnd.docker.image.rootfs.diff.tar.gzip"),
        Some(DOCKER_MANIFEST),
    )
    .unwrap();
    z.push_manifest("z", "zstd", &body("application/vnd.oci.image.layer.v1.tar+zstd"), Some(DOCKER_MANIFEST))
        .unwrap();
    let e = z.export_docker_archive(None).unwrap_err();
    assert_eq!(
        e.message,
        "there is no image to export in this format: z:wrong (its layers do not match the config's diff ids), \
         z:zstd (a layer compressed other than gzip: a docker archive holds tar layers)"
    );
    // Nothing at all: as before.
    assert!(fresh().export_docker_archive(None).unwrap_err().message.contains("no tagged image"));
}

mod damaged_bytes {
    //! Whatever the bytes, an import neither panics nor leaves a trace when it is refused: random
    //! bytes, random bytes behind a gzip or tar-looking start, and real archives (plain and
    //! gzipped) with bytes flipped or cut off.
    use proptest::prelude::*;

    use super::{fresh, gzip, state};
    use common::file;

    use crate::common;

    fn archives() -> (Vec<u8>, Vec<u8>) {
        let mut r = fresh();
        r.push_image("web", "v1", file("content")).unwrap();
        let tar = r.export_oci_layout(None).unwrap().bytes;
        let gz = gzip(&tar);
        (tar, gz)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn any_bytes_are_imported_or_refused_without_a_trace(
            which in 0usize..4,
            noise in proptest::collection::vec(any::<u8>(), 0..1500),
            flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
            cut in any::<prop::sample::Index>(),
        ) {
            let (tar, gz) = archives();
            let mut bytes = match which {
                0 => noise.clone(),
                1 => [&[0x1f, 0x8b][..], &noise].concat(),
                2 => tar,
                _ => gz,
            };
            if which >= 2 {
                for (at, x) in &flips {
                    let i = at.index(bytes.len());
                    bytes[i] ^= x;
                }
                if !flips.is_empty() {
                    bytes.truncate(cut.index(bytes.len() + 1));
                }
            }
            let mut r = fresh();
            r.push_image("keep", "v1", file("kept")).unwrap();
            let before = state(&r);
            match r.import_archive(&bytes, "imported") {
                Ok(report) => prop_assert!(!report.images.is_empty()),
                Err(e) => {
                    prop_assert!(!e.message.is_empty());
                    prop_assert_eq!(state(&r), before);
                }
            }
        }
    }
}

/// A layer of `n` bytes that differ from each other (so gzip does not shrink it to nothing).
fn big_layer(n: usize, seed: u32) -> Vec<u8> {
    (0..n as u32).map(|i| (i.wrapping_add(seed).wrapping_mul(2_654_435_761) >> 24) as u8).collect()
}

#[test]
fn a_large_archive_is_read_a_slice_at_a_time_and_imports_as_it_does_at_once() {
    use stowage::engine::import::ImportJob;
    const MIB: usize = 1 << 20;
    let layer = big_layer(3 * MIB, 1);
    let save = docker_save(&layer, &Digest::of(&layer));
    for archive in [save.clone(), gzip(&save)] {
        let mut at_once = fresh();
        let whole = at_once.import_archive(&archive, "imported").unwrap();

        let mut r = fresh();
        let mut job = ImportJob::new(archive.clone(), "imported").unwrap();
        let (mut calls, mut steps, mut fractions) = (0, vec![job.progress().step], vec![]);
        while !job.advance(256 << 10).unwrap() {
            calls += 1;
            let p = job.progress();
            if steps.last() != Some(&p.step) {
                steps.push(p.step);
            }
            fractions.push(p.fraction);
            // The registry is not touched while the archive is read.
            assert_eq!(r.journal().entries.len(), 0);
        }
        let gz = archive[0] == 0x1f;
        let want: &[&str] = if gz { &["hashing", "inflating", "checking"] } else { &["hashing", "checking"] };
        assert_eq!(steps, want);
        // Hashing (one pass over the archive), inflating and checking the 3 MiB layer, each
        // 256 KiB a call: at least 12 calls for the layer alone.
        assert!(calls >= 12 + archive.len() / (256 << 10), "{calls} calls");
        assert!(fractions.windows(2).all(|w| w[0] <= w[1]), "the fraction only grows: {fractions:?}");
        assert_eq!(job.progress().fraction, 1.0);
        let sliced = r.import_prepared(job).unwrap();
        assert_eq!(sliced, whole);
        assert_eq!(state(&r), state(&at_once), "the same events and the same session log");
        assert_eq!(r.pull_blob("library/alpine", &Digest::of(&layer).to_string()).unwrap(), layer);
        r.audit().unwrap();
    }
}

#[test]
fn an_archive_read_in_slices_is_checked_against_the_registry_as_it_stands_when_imported() {
    use stowage::engine::import::ImportJob;
    let layer = big_layer(200_000, 2);
    let save = docker_save(&layer, &Digest::of(&layer));
    // Read, then the registry changes (the repository it goes to is locked for writes): the
    // import is refused whole, as a push would be then, and nothing of it stays or is logged.
    let mut r = fresh();
    let mut job = ImportJob::new(save.clone(), "imported").unwrap();
    while !job.advance(64 << 10).unwrap() {}
    r.push_image("library/alpine", "old", file("already here")).unwrap();
    let lock = stowage::engine::AttributePatch { write_enabled: Some(false), ..Default::default() };
    r.set_attributes("library/alpine", None, &lock).unwrap();
    let before = state(&r);
    let e = r.import_prepared(job).unwrap_err();
    assert!(e.message.contains("nothing was imported"), "{}", e.message);
    assert_eq!(state(&r), before);
    // Read again, and imported once the lock is lifted.
    let mut job = ImportJob::new(save.clone(), "imported").unwrap();
    while !job.advance(64 << 10).unwrap() {}
    let unlock = stowage::engine::AttributePatch { write_enabled: Some(true), ..Default::default() };
    r.set_attributes("library/alpine", None, &unlock).unwrap();
    assert_eq!(r.import_prepared(job).unwrap().images.len(), 1);

    // A refused archive says so at the call that finds it, and at every later one.
    let mut bad = save.clone();
    let at = bad.windows(64).position(|w| w == &layer[1000..1064]).unwrap();
    bad[at] ^= 1;
    let mut job = ImportJob::new(bad, "imported").unwrap();
    let e = loop {
        match job.advance(64 << 10) {
            Ok(false) => {}
            Ok(true) => panic!("a damaged layer was read as whole"),
            Err(e) => break e,
        }
    };
    assert_eq!(e.code, ErrorCode::DigestInvalid);
    assert_eq!(job.advance(64 << 10).unwrap_err(), e);
    assert_eq!(job.progress().step, "refused");
    // What the first bytes say is refused at once.
    let e = ImportJob::new(b"PK\x03\x04 a zip".to_vec(), "imported").err().unwrap();
    assert!(e.message.contains("zip"), "{}", e.message);
}

#[test]
fn a_saved_import_is_replayed_a_slice_at_a_time_on_restore() {
    const MIB: usize = 1 << 20;
    let layer = big_layer(4 * MIB, 3);
    let mut r = fresh();
    r.push_image("keep", "v1", file("already here")).unwrap();
    r.import_archive(&gzip(&docker_save(&layer, &Digest::of(&layer))), "imported").unwrap();
    r.push_image("after", "v1", file("pushed after the import")).unwrap();
    let saved = r.save_session().unwrap();
    let mut restore = Registry::begin_restore(&saved, &[]).unwrap();
    let mut calls = 0;
    let mut fractions = vec![];
    let mut back = loop {
        calls += 1;
        if let Some(back) = restore.advance(1, 500).unwrap() {
            break back;
        }
        fractions.push(restore.fraction());
    };
    // Three entries, the import's read 512 KiB a call: its 4 MiB layer alone takes 8 calls to
    // check, and hashing and inflating the archive more.
    assert!(calls > 3 + 8, "{calls} calls");
    assert!(fractions.windows(2).all(|w| w[0] <= w[1]), "{fractions:?}");
    assert_eq!(state(&back), state(&r));
    assert_eq!(back.pull_blob("library/alpine", &Digest::of(&layer).to_string()).unwrap(), layer);
}
