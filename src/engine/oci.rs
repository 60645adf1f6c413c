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
use crate::i18n::{Arg, Msg};

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
    /// Whether the archive was gzip-compressed (`.tar.gz`).
    pub gzip: bool,
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

/// What the first bytes of a file say it is, when it is not a tar (nor gzip, which is opened).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LooksLike {
    Zip,
    Zstd,
    Xz,
    Bzip2,
    SevenZip,
    Lz4,
    Json,
}

impl LooksLike {
    /// The catalogue's words for it: "a zip file".
    fn words(self) -> Msg {
        Msg::key(match self {
            Self::Zip => "errors.archive_kind_zip",
            Self::Zstd => "errors.archive_kind_zstd",
            Self::Xz => "errors.archive_kind_xz",
            Self::Bzip2 => "errors.archive_kind_bzip2",
            Self::SevenZip => "errors.archive_kind_7z",
            Self::Lz4 => "errors.archive_kind_lz4",
            Self::Json => "errors.archive_kind_json",
        })
    }
}

/// What a file's first bytes say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sniffed {
    Tar,
    Gzip,
    /// A tar header's start, cut off before the header's 512 bytes end.
    TarCutShort,
    Other(LooksLike),
    Unknown,
}

/// Recognises a tar (a header whose checksum adds up, or an all-zero end block), gzip (1f 8b),
/// and the other formats a person might pick by mistake, by their magic bytes.
fn sniff(head: &[u8]) -> Sniffed {
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(&[0x1f, 0x8b]) {
        return Sniffed::Gzip;
    }
    if head.len() >= 512 {
        let block = &head[..512];
        if block.iter().all(|b| *b == 0) || tar_checksum_ok(block) {
            return Sniffed::Tar;
        }
    } else if head.len() >= 263 && &head[257..262] == b"ustar" {
        return Sniffed::TarCutShort;
    }
    let other = if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") || starts(b"PK\x07\x08") {
        LooksLike::Zip
    } else if starts(&[0x28, 0xb5, 0x2f, 0xfd]) {
        LooksLike::Zstd
    } else if starts(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
        LooksLike::Xz
    } else if starts(b"BZh") {
        LooksLike::Bzip2
    } else if starts(&[b'7', b'z', 0xbc, 0xaf, 0x27, 0x1c]) {
        LooksLike::SevenZip
    } else if starts(&[0x04, 0x22, 0x4d, 0x18]) {
        LooksLike::Lz4
    } else if matches!(head.iter().find(|b| !b.is_ascii_whitespace()), Some(b'{' | b'[')) {
        LooksLike::Json
    } else {
        return Sniffed::Unknown;
    };
    Sniffed::Other(other)
}

/// Whether a 512-byte tar header's checksum (bytes 148..156, octal) is the sum of its bytes
/// with that field read as spaces (POSIX; some old tars summed signed bytes).
fn tar_checksum_ok(block: &[u8]) -> bool {
    let field = &block[148..156];
    let digits: String = field.iter().map(|b| *b as char).filter(|c| !matches!(c, ' ' | '\0')).collect();
    let Ok(want) = u32::from_str_radix(&digits, 8) else { return false };
    let unsigned: u32 =
        block.iter().enumerate().map(|(i, b)| if (148..156).contains(&i) { 32 } else { u32::from(*b) }).sum();
    let signed: i64 = block
        .iter()
        .enumerate()
        .map(|(i, b)| if (148..156).contains(&i) { 32 } else { i64::from(*b as i8) })
        .sum();
    !digits.is_empty() && (want == unsigned || i64::from(want) == signed)
}

/// The first bytes of a file as hex, for a refusal that cannot name the format.
fn hex_head(head: &[u8]) -> String {
    head.iter().take(8).map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(" ")
}

/// Why a file is not a tar Stowage reads, in words: what it looks like.
fn not_a_tar(sniffed: Sniffed, head: &[u8], gzipped: bool) -> RegistryError {
    match (sniffed, gzipped) {
        (Sniffed::Other(kind), false) => bad("errors.archive_looks_like", [kind.words().into()]),
        (Sniffed::Other(kind), true) => bad("errors.archive_gzip_holds", [kind.words().into()]),
        (Sniffed::Gzip, true) => bad("errors.archive_gzip_twice", []),
        (Sniffed::TarCutShort, _) => bad("errors.oci_tar_cut_short", []),
        (_, false) => bad("errors.archive_not_tar", [arg(hex_head(head))]),
        (_, true) => bad("errors.archive_gzip_not_tar", [arg(hex_head(head))]),
    }
}

/// A reader that stops a gzip stream at `ARCHIVE_BYTES_MAX` decompressed bytes (a gzip bomb
/// is refused once it has inflated that much, never held whole), and remembers the first error
/// the stream itself gave (a damaged or cut-short gzip file).
struct Bounded<R> {
    inner: R,
    read: u64,
    over: std::rc::Rc<std::cell::Cell<bool>>,
    damaged: std::rc::Rc<std::cell::RefCell<Option<String>>>,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf).inspect_err(|e| {
            self.damaged.borrow_mut().get_or_insert_with(|| e.to_string());
        })?;
        self.read += n as u64;
        if self.read > ARCHIVE_BYTES_MAX {
            self.over.set(true);
            return Err(std::io::Error::other("over the archive limit"));
        }
        Ok(n)
    }
}

/// The files of a tar, or of a gzip-compressed tar, by normalised path. Anything else is
/// refused naming what it looks like; nothing of a gzip stream beyond the tar's end is read.
fn read_archive_files(bytes: &[u8]) -> Result<(BTreeMap<String, Vec<u8>>, bool)> {
    if bytes.len() as u64 > ARCHIVE_BYTES_MAX {
        return err_k(ErrorCode::InvalidArgument, "errors.oci_archive_too_large", []);
    }
    if bytes.is_empty() {
        return Err(bad("errors.archive_empty", []));
    }
    let head = &bytes[..bytes.len().min(512)];
    match sniff(head) {
        Sniffed::Tar => read_tar(bytes, false).map(|files| (files, false)),
        Sniffed::Gzip => {
            let over = std::rc::Rc::new(std::cell::Cell::new(false));
            let damaged = std::rc::Rc::new(std::cell::RefCell::new(None));
            let mut stream = Bounded {
                inner: flate2::read::MultiGzDecoder::new(bytes),
                read: 0,
                over: over.clone(),
                damaged: damaged.clone(),
            };
            let mut first = Vec::with_capacity(512);
            let opened = (&mut stream).take(512).read_to_end(&mut first);
            let failed = |e: Option<std::io::Error>| -> RegistryError {
                if over.get() {
                    return bad("errors.archive_gzip_too_large", []);
                }
                let why = damaged.borrow().clone().or_else(|| e.map(|e| e.to_string()));
                bad("errors.archive_gzip_damaged", [arg(why.unwrap_or_default())])
            };
            if let Err(e) = opened {
                return Err(failed(Some(e)));
            }
            if first.is_empty() {
                return Err(bad("errors.archive_gzip_empty", []));
            }
            match sniff(&first) {
                Sniffed::Tar => {}
                other => return Err(not_a_tar(other, &first, true)),
            }
            let whole = std::io::Cursor::new(first).chain(stream);
            match read_tar(whole, true) {
                Ok(files) => Ok((files, true)),
                Err(_) if over.get() || damaged.borrow().is_some() => Err(failed(None)),
                Err(e) => Err(e),
            }
        }
        other => Err(not_a_tar(other, head, false)),
    }
}

/// The files of a tar, by normalised path. Entries are checked against what is left of the
/// archive limit before they are read, so one that claims more is refused unread.
fn read_tar(reader: impl Read, gzipped: bool) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut archive = tar::Archive::new(reader);
    let entries = archive.entries().map_err(|e| bad("errors.oci_not_tar", [arg(e)]))?;
    let mut files = BTreeMap::new();
    let mut total = 0u64;
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
        total += size;
        if gzipped && total > ARCHIVE_BYTES_MAX {
            return Err(bad("errors.archive_gzip_too_large", []));
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

/// An archive read and checked, ready to import: every digest verified, nothing stored yet.
pub(super) struct ReadArchive {
    format: &'static str,
    gzip: bool,
    pending: Vec<Pending>,
}

/// Reads an OCI layout tar or a `docker save` tarball, plain or gzip-compressed, and checks
/// every digest in it; images with no repository name go to `default_repo`. It reads only: an
/// archive refused here changes nothing, and is not even recorded in the session log.
pub(super) fn read_archive(bytes: &[u8], default_repo: &str) -> Result<ReadArchive> {
    let default_repo = RepoName::parse(default_repo)?;
    let (files, gzip) = read_archive_files(bytes)?;
    let (format, pending) = if files.contains_key("oci-layout") {
        ("oci-layout", from_layout(&files, &default_repo)?)
    } else if files.contains_key("manifest.json") {
        ("docker-save", from_docker_save(&files, &default_repo)?)
    } else if files.is_empty() {
        return Err(bad("errors.archive_no_files", []));
    } else {
        return err_k(ErrorCode::InvalidArgument, "errors.oci_unknown_format", []);
    };
    if pending.is_empty() {
        return err_k(ErrorCode::InvalidArgument, "errors.oci_no_image", []);
    }
    Ok(ReadArchive { format, gzip, pending })
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

    /// Imports an archive read by [`read_archive`] into the registry. Its blobs and manifests
    /// are pushed, and if any push is refused nothing of the import stays.
    pub(super) fn import_read(&mut self, read: ReadArchive) -> Result<ImportReport> {
        let ReadArchive { format, gzip, pending } = read;
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
                    gzip,
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
