//! Images out as files: an OCI image layout in a tar (what `skopeo copy
//! oci-archive:FILE:REPO:TAG` reads), or a `docker save` tarball (what `docker load` reads).
//! What both formats share with the import (`import.rs`, which reads them) is here: the
//! archive limits, the names of things inside them and how a refusal of one is worded.

use std::collections::BTreeMap;
use std::io::Read;

use serde::{Deserialize, Serialize};

use super::digest::Digest;
use super::error::{ErrorCode, RegistryError, Result, arg, err_k};
use super::manifest::{self, MediaType};
use super::names::RepoName;
use super::registry::Registry;
use crate::i18n::{Arg, Msg};

/// Largest archive read or written.
pub const ARCHIVE_BYTES_MAX: u64 = 1 << 30;
/// Most entries an archive may hold.
pub const ARCHIVE_ENTRIES_MAX: usize = 100_000;
pub(super) const REF_NAME: &str = "org.opencontainers.image.ref.name";
pub(super) const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
pub(super) const DOCKER_LAYER: &str = "application/vnd.docker.image.rootfs.diff.tar";

/// An `INVALID_ARGUMENT` error: the catalogue's `key` filled with `args`.
pub(super) fn bad(key: &'static str, args: impl IntoIterator<Item = Arg>) -> RegistryError {
    RegistryError::keyed(ErrorCode::InvalidArgument, key, args)
}

pub(super) fn digest_mismatch(what: &str, want: &Digest, got: &Digest) -> RegistryError {
    RegistryError::keyed(
        ErrorCode::DigestInvalid,
        "errors.oci_digest_mismatch",
        [arg(what), arg(want), arg(got)],
    )
}

/// An exported archive (an OCI layout, or a `docker save` tarball), and the images left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Export {
    pub bytes: Vec<u8>,
    /// Tagged images written.
    pub images: usize,
    /// The tagged images left out, and why.
    pub skipped: Vec<Skipped>,
}

/// A tagged image an export left out: `repo:tag` (with the platform, for one platform of a
/// manifest list), and why (a catalogue key: the JS API and the page say it in words).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub image: String,
    pub reason: SkipReason,
}

/// Why an export left an image out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// It has synthetic layers: only a sample of their bytes exists, so their descriptors'
    /// sizes could not be honoured.
    Synthetic,
    /// A Docker schema-2 manifest or manifest list, in an OCI layout export: skopeo and umoci
    /// read only OCI manifests from a layout.
    DockerFormat,
    /// An OCI manifest or index, in a docker archive export.
    OciFormat,
    /// Another platform of a manifest list: a docker archive holds one image per tag.
    OtherPlatform,
    /// A manifest list none of whose platform manifests is in the repository.
    NoPlatform,
    /// A layer that lives outside the registry (a foreign layer): its bytes are not here.
    ForeignLayer,
    /// A layer compressed in a way a docker archive cannot hold (zstd): it holds tars, plain or
    /// from gzip.
    Compression,
    /// A layer that does not hash (once decompressed) to the config's diff id, or a config
    /// without as many diff ids as the manifest has layers.
    DiffIds,
}

impl SkipReason {
    /// The catalogue's key for the reason (`src/i18n/errors.rs`).
    pub fn key(self) -> &'static str {
        match self {
            Self::Synthetic => "errors.skip_synthetic",
            Self::DockerFormat => "errors.skip_docker_format",
            Self::OciFormat => "errors.skip_oci_format",
            Self::OtherPlatform => "errors.skip_other_platform",
            Self::NoPlatform => "errors.skip_no_platform",
            Self::ForeignLayer => "errors.skip_foreign_layer",
            Self::Compression => "errors.skip_compression",
            Self::DiffIds => "errors.skip_diff_ids",
        }
    }
}

#[derive(Deserialize)]
pub(super) struct DockerConfig {
    pub(super) rootfs: RootFs,
}

#[derive(Deserialize)]
pub(super) struct RootFs {
    pub(super) diff_ids: Vec<Digest>,
}

pub(super) fn blob_path(d: &Digest) -> String {
    format!("blobs/sha256/{}", d.hex())
}

/// The files of an archive being written, each once by the digest of its bytes, sorted by
/// path when written; their total is held to `ARCHIVE_BYTES_MAX`.
#[derive(Default)]
struct Blobs {
    files: BTreeMap<Digest, (String, Vec<u8>)>,
    total: u64,
}

impl Blobs {
    fn has(&self, d: &Digest) -> bool {
        self.files.contains_key(d)
    }

    /// A blob of an OCI layout, at `blobs/sha256/<hex>`.
    fn add(&mut self, d: Digest, bytes: Vec<u8>) -> Result<()> {
        self.add_named(d, blob_path(&d), bytes)
    }

    fn add_named(&mut self, d: Digest, path: String, bytes: Vec<u8>) -> Result<()> {
        if let std::collections::btree_map::Entry::Vacant(slot) = self.files.entry(d) {
            self.total += bytes.len() as u64;
            if self.total > ARCHIVE_BYTES_MAX {
                return err_k(ErrorCode::InvalidArgument, "errors.oci_export_too_large", []);
            }
            slot.insert((path, bytes));
        }
        Ok(())
    }

    fn into_files(self) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = self.files.into_values().collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files
    }
}

/// A tar of `files` in that order: plain ustar entries, mode 0644, time 0 (the same registry
/// always exports the same bytes).
fn write_tar(files: Vec<(String, Vec<u8>)>) -> Result<Vec<u8>> {
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
    tar.into_inner().map_err(|e| bad("errors.oci_write_tar", [arg(e)]))
}

fn json_bytes(value: &impl Serialize) -> Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|e| bad("errors.oci_write_tar", [arg(e)]))
}

/// Skipped images listed in a refusal: the first few, then how many more.
const SKIPPED_NAMED: usize = 5;

/// The refusal of an export that found nothing to write: why each image was left out.
fn nothing_to_export<T>(skipped: &[Skipped]) -> Result<T> {
    if skipped.is_empty() {
        return err_k(ErrorCode::NameUnknown, "errors.oci_nothing_to_export", []);
    }
    let mut named: Vec<Arg> = skipped
        .iter()
        .take(SKIPPED_NAMED)
        .map(|s| Msg::new("errors.skipped_item", [arg(&s.image), Msg::key(s.reason.key()).into()]).into())
        .collect();
    if skipped.len() > SKIPPED_NAMED {
        named.push(
            Msg::new("errors.skipped_more", [Arg::Count((skipped.len() - SKIPPED_NAMED) as u64)]).into(),
        );
    }
    err_k(ErrorCode::NameUnknown, "errors.archive_nothing_to_export", [Arg::List(named)])
}

/// Whether a layer media type is a gzip-compressed tar (`Some(true)`), a plain tar
/// (`Some(false)`), or something a docker archive cannot hold (`None`: zstd, say).
fn layer_compression(media_type: &str) -> Option<bool> {
    match media_type {
        "application/vnd.docker.image.rootfs.diff.tar" | "application/vnd.oci.image.layer.v1.tar" => {
            Some(false)
        }
        "application/vnd.docker.image.rootfs.diff.tar.gzip"
        | "application/vnd.oci.image.layer.v1.tar+gzip" => Some(true),
        _ => None,
    }
}

/// A gzip layer's tar; `None` if the layer is not valid gzip. Over `ARCHIVE_BYTES_MAX` of tar
/// refuses the export (a docker archive holds its layers uncompressed).
fn gunzip_bounded(bytes: &[u8]) -> Result<Option<Vec<u8>>> {
    let mut out = vec![];
    let read = flate2::read::MultiGzDecoder::new(bytes).take(ARCHIVE_BYTES_MAX + 1).read_to_end(&mut out);
    if read.is_err() {
        return Ok(None);
    }
    if out.len() as u64 > ARCHIVE_BYTES_MAX {
        return err_k(ErrorCode::InvalidArgument, "errors.oci_export_too_large", []);
    }
    Ok(Some(out))
}

impl Registry {
    /// The registry's tagged OCI images (or one repository's) as an OCI image layout in a tar:
    /// `oci-layout`, `index.json` (each image named `repo:tag`), and every blob by digest, as
    /// plaintext; what `skopeo copy oci-archive:FILE:REPO:TAG` and umoci read. Docker schema-2
    /// images are left out (listed as skipped: export them with `export_docker_archive`):
    /// skopeo and umoci look only for OCI manifests in a layout, so such an entry would be a
    /// tag they say is not there. So are images with synthetic layers. Over 1 GiB is refused.
    /// It reads only: nothing is recorded.
    pub fn export_oci_layout(&self, repo: Option<&str>) -> Result<Export> {
        let only = repo.map(RepoName::parse).transpose()?;
        let mut index = vec![];
        let mut skipped = vec![];
        let mut blobs = Blobs::default();
        for (name, r) in &self.repos {
            if only.as_ref().is_some_and(|o| o != name) {
                continue;
            }
            for (tag, digest) in &r.tags {
                let image = format!("{name}:{tag}");
                if self.has_synthetic_layer(digest) {
                    skipped.push(Skipped { image, reason: SkipReason::Synthetic });
                    continue;
                }
                if self.has_docker_manifest(digest) {
                    skipped.push(Skipped { image, reason: SkipReason::DockerFormat });
                    continue;
                }
                let pulled = self.read_manifest(name.as_str(), &digest.to_string())?;
                let parsed = manifest::parse(&pulled.bytes, Some(pulled.media_type.as_str()))?;
                let mut children = vec![];
                for child in &parsed.manifests {
                    let c = self.read_manifest(name.as_str(), &child.digest.to_string())?;
                    children.push(manifest::parse(&c.bytes, Some(c.media_type.as_str()))?);
                    blobs.add(child.digest, c.bytes)?;
                }
                for p in std::iter::once(&parsed).chain(children.iter()) {
                    for b in p.required_blobs() {
                        blobs.add(b.digest, self.read_blob(name.as_str(), &b.digest.to_string())?)?;
                    }
                }
                index.push(serde_json::json!({
                    "mediaType": pulled.media_type.as_str(),
                    "digest": digest,
                    "size": pulled.bytes.len(),
                    "annotations": {REF_NAME: image},
                }));
                blobs.add(*digest, pulled.bytes)?;
            }
        }
        if index.is_empty() {
            return nothing_to_export(&skipped);
        }
        let images = index.len();
        let index = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": MediaType::OciIndex.as_str(),
            "manifests": index,
        });
        let mut files: Vec<(String, Vec<u8>)> = vec![
            ("oci-layout".into(), br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec()),
            ("index.json".into(), json_bytes(&index)?),
        ];
        files.extend(blobs.into_files());
        Ok(Export { bytes: write_tar(files)?, images, skipped })
    }

    /// The registry's tagged Docker schema-2 images (or one repository's) as a `docker save`
    /// tarball, what `docker load` and `skopeo copy docker-archive:FILE` read: `manifest.json`
    /// (one entry per image config, with its `RepoTags` and `Layers`), the config as
    /// `<hex>.json`, and each layer as an uncompressed tar named by its diff id, `<hex>.tar`.
    /// A gzip layer is decompressed (and must hash to the config's diff id). A manifest list
    /// gives its linux/amd64 image (else its first platform image in the repository) under its
    /// tag; its other platforms are listed as skipped, as are OCI images (export them with
    /// `export_oci_layout`), images with synthetic or foreign layers, and images whose layers
    /// do not decompress to their diff ids. Over 1 GiB is refused. It reads only.
    pub fn export_docker_archive(&self, repo: Option<&str>) -> Result<Export> {
        let only = repo.map(RepoName::parse).transpose()?;
        let mut skipped = vec![];
        // Config digest → (config file, layer files, repo:tag names): one entry per image.
        let mut entries: BTreeMap<Digest, (String, Vec<String>, Vec<String>)> = BTreeMap::new();
        let mut files = Blobs::default();
        let mut images = 0;
        for (name, r) in &self.repos {
            if only.as_ref().is_some_and(|o| o != name) {
                continue;
            }
            for (tag, digest) in &r.tags {
                let image = format!("{name}:{tag}");
                let Some(meta) = self.manifests.get(digest) else { continue };
                // Synthetic layers first: such an image goes in neither format. (A manifest
                // list's platform image is checked once picked.)
                if meta.media_type != MediaType::DockerManifestList && self.has_synthetic_layer(digest) {
                    skipped.push(Skipped { image, reason: SkipReason::Synthetic });
                    continue;
                }
                let chosen = match meta.media_type {
                    MediaType::OciManifest | MediaType::OciIndex => {
                        skipped.push(Skipped { image, reason: SkipReason::OciFormat });
                        continue;
                    }
                    MediaType::DockerManifest => *digest,
                    MediaType::DockerManifestList => {
                        let stored: Vec<&manifest::Descriptor> = meta
                            .parsed
                            .manifests
                            .iter()
                            .filter(|c| r.manifests.contains(&c.digest))
                            .collect();
                        let amd64 = stored.iter().position(|c| {
                            c.platform.as_ref().is_some_and(|p| p.os == "linux" && p.architecture == "amd64")
                        });
                        let Some(pick) = amd64.or((!stored.is_empty()).then_some(0)) else {
                            skipped.push(Skipped { image, reason: SkipReason::NoPlatform });
                            continue;
                        };
                        for (i, other) in stored.iter().enumerate().filter(|(i, _)| *i != pick) {
                            let platform = other.platform.as_ref().map_or_else(
                                || format!("#{i}"),
                                |p| match &p.variant {
                                    Some(v) => format!("{}/{}/{v}", p.os, p.architecture),
                                    None => format!("{}/{}", p.os, p.architecture),
                                },
                            );
                            skipped.push(Skipped {
                                image: format!("{image} ({platform})"),
                                reason: SkipReason::OtherPlatform,
                            });
                        }
                        stored[pick].digest
                    }
                };
                match self.docker_image(name, &chosen, &mut files)? {
                    Ok((config, layers)) => {
                        let config_file = format!("{}.json", config.hex());
                        let entry = entries.entry(config).or_insert_with(|| (config_file, layers, vec![]));
                        entry.2.push(image);
                        images += 1;
                    }
                    Err(reason) => skipped.push(Skipped { image, reason }),
                }
            }
        }
        if images == 0 {
            return nothing_to_export(&skipped);
        }
        let manifest: Vec<serde_json::Value> = entries
            .into_values()
            .map(|(config, layers, tags)| {
                serde_json::json!({"Config": config, "RepoTags": tags, "Layers": layers})
            })
            .collect();
        let mut out = vec![("manifest.json".to_string(), json_bytes(&manifest)?)];
        out.extend(files.into_files());
        Ok(Export { bytes: write_tar(out)?, images, skipped })
    }

    /// Adds one Docker schema-2 image's config and uncompressed layers to `files`; returns its
    /// config digest and layer file names, or why it cannot go in a docker archive.
    fn docker_image(
        &self,
        repo: &RepoName,
        digest: &Digest,
        files: &mut Blobs,
    ) -> Result<std::result::Result<(Digest, Vec<String>), SkipReason>> {
        if self.has_synthetic_layer(digest) {
            return Ok(Err(SkipReason::Synthetic));
        }
        let pulled = self.read_manifest(repo.as_str(), &digest.to_string())?;
        let parsed = manifest::parse(&pulled.bytes, Some(pulled.media_type.as_str()))?;
        if parsed.media_type != MediaType::DockerManifest {
            return Ok(Err(SkipReason::OciFormat));
        }
        let Some(config_desc) = &parsed.config else { return Ok(Err(SkipReason::DiffIds)) };
        if parsed.layers.len() != parsed.required_blobs().len().saturating_sub(1) {
            return Ok(Err(SkipReason::ForeignLayer));
        }
        let config = self.read_blob(repo.as_str(), &config_desc.digest.to_string())?;
        let Ok(DockerConfig { rootfs }) = serde_json::from_slice::<DockerConfig>(&config) else {
            return Ok(Err(SkipReason::DiffIds));
        };
        if rootfs.diff_ids.len() != parsed.layers.len() {
            return Ok(Err(SkipReason::DiffIds));
        }
        let mut layers = vec![];
        let mut tars = vec![];
        for (layer, diff_id) in parsed.layers.iter().zip(&rootfs.diff_ids) {
            let path = format!("{}.tar", diff_id.hex());
            layers.push(path.clone());
            if files.has(diff_id) {
                continue;
            }
            let bytes = self.read_blob(repo.as_str(), &layer.digest.to_string())?;
            let tar = match layer_compression(&layer.media_type) {
                Some(false) => bytes,
                Some(true) => match gunzip_bounded(&bytes)? {
                    Some(tar) => tar,
                    None => return Ok(Err(SkipReason::DiffIds)),
                },
                None => return Ok(Err(SkipReason::Compression)),
            };
            if Digest::of(&tar) != *diff_id {
                return Ok(Err(SkipReason::DiffIds));
            }
            tars.push((*diff_id, path, tar));
        }
        // Only now that the whole image is known to fit: its files go in.
        for (d, path, tar) in tars {
            files.add_named(d, path, tar)?;
        }
        files.add_named(config_desc.digest, format!("{}.json", config_desc.digest.hex()), config)?;
        Ok(Ok((config_desc.digest, layers)))
    }

    /// Whether a manifest, or any child of an index, is a Docker schema-2 one.
    fn has_docker_manifest(&self, digest: &Digest) -> bool {
        let Some(m) = self.manifests.get(digest) else { return false };
        matches!(m.media_type, MediaType::DockerManifest | MediaType::DockerManifestList)
            || m.parsed.manifests.iter().any(|c| {
                MediaType::parse(&c.media_type)
                    .is_some_and(|t| matches!(t, MediaType::DockerManifest | MediaType::DockerManifestList))
                    || (c.digest != *digest && self.has_docker_manifest(&c.digest))
            })
    }

    /// Whether a manifest (or any child of an index) has a synthetic layer.
    fn has_synthetic_layer(&self, digest: &Digest) -> bool {
        let Some(m) = self.manifests.get(digest) else { return false };
        m.blobs.iter().any(|b| self.blobs.get(b).is_some_and(|meta| meta.synthetic.is_some()))
            || m.parsed.manifests.iter().any(|c| c.digest != *digest && self.has_synthetic_layer(&c.digest))
    }
}
