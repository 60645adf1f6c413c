//! Images in and out as files: an OCI image layout in a tar (what `skopeo copy
//! oci-archive:FILE:REPO:TAG` reads), and in from such a tar or a `docker save` tarball. Every
//! digest in an archive is checked before anything is stored (blobs against their names and
//! descriptors, `docker save` layers against the config's diff ids), and an import applies
//! whole or not at all.

use std::collections::BTreeMap;
use std::io::Read;

use serde::{Deserialize, Serialize};

use super::digest::Digest;
use super::error::{ErrorCode, RegistryError, Result, arg, err_k};
use super::manifest::{self, MediaType};
use super::names::{RepoName, Tag};
use super::registry::Registry;
use crate::i18n::Arg;

/// Largest archive read or written.
pub const ARCHIVE_BYTES_MAX: u64 = 1 << 30;
/// Most entries an archive may hold.
pub const ARCHIVE_ENTRIES_MAX: usize = 100_000;
const REF_NAME: &str = "org.opencontainers.image.ref.name";
const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
const DOCKER_LAYER: &str = "application/vnd.docker.image.rootfs.diff.tar";

/// An `INVALID_ARGUMENT` error: the catalogue's `key` filled with `args`.
fn bad(key: &'static str, args: impl IntoIterator<Item = Arg>) -> RegistryError {
    RegistryError::keyed(ErrorCode::InvalidArgument, key, args)
}

fn digest_mismatch(what: &str, want: &Digest, got: &Digest) -> RegistryError {
    RegistryError::keyed(
        ErrorCode::DigestInvalid,
        "errors.oci_digest_mismatch",
        [arg(what), arg(want), arg(got)],
    )
}

/// What an import stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    /// `oci-layout` or `docker-save`.
    pub format: &'static str,
    pub images: Vec<ImportedImage>,
    /// Distinct blobs in the archive's images, and their bytes.
    pub blobs: usize,
    pub blob_bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportedImage {
    pub repo: RepoName,
    pub tag: Option<Tag>,
    pub digest: Digest,
}

/// An exported layout, and the images left out of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    pub bytes: Vec<u8>,
    pub images: usize,
    /// `repo:tag` of images with synthetic layers (only a sample of their bytes exists, so
    /// their descriptors' sizes could not be honoured).
    pub skipped: Vec<String>,
}

/// An image ready to push: its blobs (verified), then its manifests, children first.
struct Pending {
    repo: RepoName,
    tag: Option<Tag>,
    blobs: Vec<(Digest, Vec<u8>)>,
    /// (digest, media type, bytes), children before the manifest that lists them.
    manifests: Vec<(Digest, MediaType, Vec<u8>)>,
}

#[derive(Deserialize)]
struct Index {
    manifests: Vec<manifest::Descriptor>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DockerSaveEntry {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    layers: Vec<String>,
}

#[derive(Deserialize)]
struct DockerConfig {
    rootfs: RootFs,
}

#[derive(Deserialize)]
struct RootFs {
    diff_ids: Vec<Digest>,
}

/// The files of a tar, by normalised path.
fn read_tar(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>> {
    if bytes.len() as u64 > ARCHIVE_BYTES_MAX {
        return err_k(ErrorCode::InvalidArgument, "errors.oci_archive_too_large", []);
    }
    let mut archive = tar::Archive::new(bytes);
    let entries = archive.entries().map_err(|e| bad("errors.oci_not_tar", [arg(e)]))?;
    let mut files = BTreeMap::new();
    for entry in entries {
        let mut entry = entry.map_err(|e| bad("errors.oci_tar_damaged", [arg(e)]))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path().map_err(|e| bad("errors.oci_entry_name", [arg(e)]))?;
        let name = path.to_string_lossy().trim_start_matches("./").to_string();
        let size = entry.header().size().map_err(|e| bad("errors.oci_entry_size", [arg(e)]))?;
        if size > ARCHIVE_BYTES_MAX {
            return err_k(ErrorCode::InvalidArgument, "errors.oci_entry_too_large", []);
        }
        let mut data = Vec::with_capacity(size as usize);
        entry.read_to_end(&mut data).map_err(|e| bad("errors.oci_tar_cut_short_by", [arg(e)]))?;
        if (data.len() as u64) < size {
            return err_k(ErrorCode::InvalidArgument, "errors.oci_tar_cut_short", []);
        }
        files.insert(name, data);
        if files.len() > ARCHIVE_ENTRIES_MAX {
            return err_k(ErrorCode::InvalidArgument, "errors.oci_too_many_files", []);
        }
    }
    Ok(files)
}

fn blob_path(d: &Digest) -> String {
    format!("blobs/sha256/{}", d.hex())
}

/// The bytes of blob `d` in an OCI layout, checked against its digest.
fn layout_blob<'a>(files: &'a BTreeMap<String, Vec<u8>>, d: &Digest) -> Result<&'a [u8]> {
    let bytes = files.get(&blob_path(d)).ok_or_else(|| {
        RegistryError::keyed(ErrorCode::BlobUnknown, "errors.oci_lacks", [arg(blob_path(d))])
    })?;
    let got = Digest::of(bytes);
    if got != *d {
        return Err(digest_mismatch(&blob_path(d), d, &got));
    }
    Ok(bytes)
}

/// `repo:tag`, or a bare tag for `default_repo`; a registry host in front is dropped.
fn name_and_tag(reference: &str, default_repo: &RepoName) -> Result<(RepoName, Option<Tag>)> {
    let (repo, tag) = match reference.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (Some(repo), tag),
        _ if reference.contains('/') => (Some(reference), "latest"),
        _ => (None, reference),
    };
    let repo = match repo {
        None => default_repo.clone(),
        Some(r) => {
            let mut parts: Vec<&str> = r.split('/').collect();
            if parts.len() > 1
                && (parts[0].contains('.') || parts[0].contains(':') || parts[0] == "localhost")
            {
                parts.remove(0);
            }
            RepoName::parse(&parts.join("/"))?
        }
    };
    Ok((repo, Some(Tag::parse(tag)?)))
}

/// Collects a manifest (and, for an index, its children) from an OCI layout.
fn collect_layout(
    files: &BTreeMap<String, Vec<u8>>,
    desc: &manifest::Descriptor,
    out: &mut Pending,
    depth: u32,
) -> Result<()> {
    if depth > 4 {
        return err_k(ErrorCode::ManifestInvalid, "errors.oci_nesting", []);
    }
    let bytes = layout_blob(files, &desc.digest)?;
    let parsed = manifest::parse(bytes, Some(&desc.media_type))?;
    for child in &parsed.manifests {
        collect_layout(files, child, out, depth + 1)?;
    }
    for b in parsed.required_blobs() {
        let data = layout_blob(files, &b.digest)?;
        if data.len() as u64 != b.size {
            return err_k(
                ErrorCode::ManifestInvalid,
                "errors.oci_blob_size",
                [arg(b.digest), arg(b.size), arg(data.len())],
            );
        }
        if !out.blobs.iter().any(|(d, _)| d == &b.digest) {
            out.blobs.push((b.digest, data.to_vec()));
        }
    }
    out.manifests.push((desc.digest, parsed.media_type, bytes.to_vec()));
    Ok(())
}

fn from_layout(files: &BTreeMap<String, Vec<u8>>, default_repo: &RepoName) -> Result<Vec<Pending>> {
    let index = files.get("index.json").ok_or_else(|| bad("errors.oci_no_index", []))?;
    let index: Index =
        serde_json::from_slice(index).map_err(|e| bad("errors.oci_index_invalid", [arg(e)]))?;
    let mut out = vec![];
    for desc in &index.manifests {
        let (repo, tag) = match desc.annotations.as_ref().and_then(|a| a.get(REF_NAME)) {
            Some(name) => name_and_tag(name, default_repo)?,
            None => (default_repo.clone(), None),
        };
        let mut p = Pending { repo, tag, blobs: vec![], manifests: vec![] };
        collect_layout(files, desc, &mut p, 0)?;
        out.push(p);
    }
    Ok(out)
}

fn from_docker_save(files: &BTreeMap<String, Vec<u8>>, default_repo: &RepoName) -> Result<Vec<Pending>> {
    let list = files.get("manifest.json").ok_or_else(|| bad("errors.oci_no_manifest_json", []))?;
    let list: Vec<DockerSaveEntry> =
        serde_json::from_slice(list).map_err(|e| bad("errors.oci_manifest_json_invalid", [arg(e)]))?;
    let file = |path: &str| -> Result<&Vec<u8>> {
        files
            .get(path.trim_start_matches("./"))
            .ok_or_else(|| RegistryError::keyed(ErrorCode::BlobUnknown, "errors.oci_lacks", [arg(path)]))
    };
    // A file named by its digest (`<hex>.json`, `blobs/sha256/<hex>`) must hash to it.
    let check_name = |path: &str, d: &Digest| -> Result<()> {
        let stem = path.rsplit('/').next().unwrap_or(path).trim_end_matches(".json");
        if stem.len() == 64 && stem.bytes().all(|b| b.is_ascii_hexdigit()) && stem != d.hex() {
            let want = Digest::parse(&format!("sha256:{stem}"))?;
            return Err(digest_mismatch(path, &want, d));
        }
        Ok(())
    };
    let mut out = vec![];
    for entry in &list {
        let config = file(&entry.config)?;
        let config_digest = Digest::of(config);
        check_name(&entry.config, &config_digest)?;
        let parsed: DockerConfig = serde_json::from_slice(config)
            .map_err(|e| bad("errors.oci_config_invalid", [arg(&entry.config), arg(e)]))?;
        if parsed.rootfs.diff_ids.len() != entry.layers.len() {
            return err_k(
                ErrorCode::ManifestInvalid,
                "errors.oci_diff_ids",
                [arg(&entry.config), arg(entry.layers.len()), arg(parsed.rootfs.diff_ids.len())],
            );
        }
        let mut blobs = vec![(config_digest, config.clone())];
        let mut layers = vec![];
        for (path, diff_id) in entry.layers.iter().zip(&parsed.rootfs.diff_ids) {
            let data = file(path)?;
            let d = Digest::of(data);
            if d != *diff_id {
                return Err(digest_mismatch(path, diff_id, &d));
            }
            layers.push(serde_json::json!({"mediaType": DOCKER_LAYER, "size": data.len(), "digest": d}));
            if !blobs.iter().any(|(x, _)| *x == d) {
                blobs.push((d, data.clone()));
            }
        }
        let body = serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2,
            "mediaType": MediaType::DockerManifest.as_str(),
            "config": {"mediaType": DOCKER_CONFIG, "size": config.len(), "digest": config_digest},
            "layers": layers,
        }))
        .map_err(|e| bad("errors.oci_build_manifest", [arg(e)]))?;
        let digest = Digest::of(&body);
        let manifests = vec![(digest, MediaType::DockerManifest, body)];
        let tags: Vec<&String> = entry.repo_tags.iter().flatten().collect();
        if tags.is_empty() {
            out.push(Pending { repo: default_repo.clone(), tag: None, blobs, manifests });
        } else {
            for t in tags {
                let (repo, tag) = name_and_tag(t, default_repo)?;
                out.push(Pending { repo, tag, blobs: blobs.clone(), manifests: manifests.clone() });
            }
        }
    }
    Ok(out)
}

impl Registry {
    /// The registry's tagged images (or one repository's) as an OCI image layout in a tar:
    /// `oci-layout`, `index.json` (each image named `repo:tag`), and every blob by digest, as
    /// plaintext. Synthetic layers are written out in full; over 1 GiB is refused.
    pub fn export_oci_layout(&self, repo: Option<&str>) -> Result<Export> {
        let only = repo.map(RepoName::parse).transpose()?;
        let mut index = vec![];
        let mut skipped = vec![];
        let mut blobs: BTreeMap<Digest, Vec<u8>> = BTreeMap::new();
        let mut total = 0u64;
        let mut add = |d: Digest, bytes: Vec<u8>, total: &mut u64| -> Result<()> {
            if let std::collections::btree_map::Entry::Vacant(slot) = blobs.entry(d) {
                *total += bytes.len() as u64;
                if *total > ARCHIVE_BYTES_MAX {
                    return err_k(ErrorCode::InvalidArgument, "errors.oci_export_too_large", []);
                }
                slot.insert(bytes);
            }
            Ok(())
        };
        for (name, r) in &self.repos {
            if only.as_ref().is_some_and(|o| o != name) {
                continue;
            }
            for (tag, digest) in &r.tags {
                if self.has_synthetic_layer(digest) {
                    skipped.push(format!("{name}:{tag}"));
                    continue;
                }
                let pulled = self.read_manifest(name.as_str(), &digest.to_string())?;
                let parsed = manifest::parse(&pulled.bytes, Some(pulled.media_type.as_str()))?;
                let mut children = vec![];
                for child in &parsed.manifests {
                    let c = self.read_manifest(name.as_str(), &child.digest.to_string())?;
                    children.push(manifest::parse(&c.bytes, Some(c.media_type.as_str()))?);
                    add(child.digest, c.bytes, &mut total)?;
                }
                for p in std::iter::once(&parsed).chain(children.iter()) {
                    for b in p.required_blobs() {
                        add(b.digest, self.read_blob(name.as_str(), &b.digest.to_string())?, &mut total)?;
                    }
                }
                index.push(serde_json::json!({
                    "mediaType": pulled.media_type.as_str(),
                    "digest": digest,
                    "size": pulled.bytes.len(),
                    "annotations": {REF_NAME: format!("{name}:{tag}")},
                }));
                add(*digest, pulled.bytes, &mut total)?;
            }
        }
        if index.is_empty() {
            return err_k(ErrorCode::NameUnknown, "errors.oci_nothing_to_export", []);
        }
        let images = index.len();
        let index = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": MediaType::OciIndex.as_str(),
            "manifests": index,
        });
        let mut files: Vec<(String, Vec<u8>)> = vec![
            ("oci-layout".into(), br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec()),
            (
                "index.json".into(),
                serde_json::to_vec(&index)
                    .map_err(|e| RegistryError::new(ErrorCode::InvalidArgument, e.to_string()))?,
            ),
        ];
        files.extend(blobs.into_iter().map(|(d, b)| (blob_path(&d), b)));
        let mut tar = tar::Builder::new(Vec::new());
        for (path, bytes) in files {
            let mut h = tar::Header::new_ustar();
            h.set_size(bytes.len() as u64);
            h.set_mode(0o644);
            h.set_mtime(0);
            h.set_cksum();
            tar.append_data(&mut h, &path, bytes.as_slice())
                .map_err(|e| bad("errors.oci_write_tar", [arg(e)]))?;
        }
        let bytes = tar.into_inner().map_err(|e| bad("errors.oci_write_tar", [arg(e)]))?;
        Ok(Export { bytes, images, skipped })
    }

    /// Whether a manifest (or any child of an index) has a synthetic layer.
    fn has_synthetic_layer(&self, digest: &Digest) -> bool {
        let Some(m) = self.manifests.get(digest) else { return false };
        m.blobs.iter().any(|b| self.blobs.get(b).is_some_and(|meta| meta.synthetic.is_some()))
            || m.parsed.manifests.iter().any(|c| c.digest != *digest && self.has_synthetic_layer(&c.digest))
    }

    /// Imports an OCI layout tar or a `docker save` tarball into the registry; images with no
    /// repository name go to `default_repo`. Everything is checked first; then the blobs and
    /// manifests are pushed, and if any push is refused nothing of the import stays.
    pub(super) fn import_archive_direct(&mut self, bytes: &[u8], default_repo: &str) -> Result<ImportReport> {
        let default_repo = RepoName::parse(default_repo)?;
        let files = read_tar(bytes)?;
        let (format, pending) = if files.contains_key("oci-layout") {
            ("oci-layout", from_layout(&files, &default_repo)?)
        } else if files.contains_key("manifest.json") {
            ("docker-save", from_docker_save(&files, &default_repo)?)
        } else {
            return err_k(ErrorCode::InvalidArgument, "errors.oci_unknown_format", []);
        };
        if pending.is_empty() {
            return err_k(ErrorCode::InvalidArgument, "errors.oci_no_image", []);
        }
        let backup = self.bare_copy();
        match self.push_pending(&pending) {
            Ok(images) => {
                let mut distinct: BTreeMap<Digest, u64> = BTreeMap::new();
                for p in &pending {
                    for (d, b) in &p.blobs {
                        distinct.insert(*d, b.len() as u64);
                    }
                }
                Ok(ImportReport {
                    format,
                    images,
                    blobs: distinct.len(),
                    blob_bytes: distinct.values().sum(),
                })
            }
            Err(e) => {
                self.restore_copy(backup);
                Err(RegistryError::keyed(e.code, "errors.oci_nothing_imported", [e.text.into()]))
            }
        }
    }

    fn push_pending(&mut self, pending: &[Pending]) -> Result<Vec<ImportedImage>> {
        let mut images = vec![];
        for p in pending {
            for (d, bytes) in &p.blobs {
                self.push_blob(p.repo.as_str(), bytes, Some(&d.to_string()))?;
            }
            let last = p.manifests.len().saturating_sub(1);
            for (i, (d, media_type, body)) in p.manifests.iter().enumerate() {
                let reference = match (&p.tag, i == last) {
                    (Some(t), true) => t.to_string(),
                    _ => d.to_string(),
                };
                self.push_manifest(p.repo.as_str(), &reference, body, Some(media_type.as_str()))?;
            }
            if let Some((d, _, _)) = p.manifests.last() {
                images.push(ImportedImage { repo: p.repo.clone(), tag: p.tag.clone(), digest: *d });
            }
        }
        Ok(images)
    }
}
