//! Images in from files: an OCI image layout in a tar (what `skopeo copy … oci-archive:`
//! writes) or a `docker save` tarball, plain or gzip-compressed. An import is read a slice at
//! a time (`ImportJob`), the registry untouched: the archive is hashed (the session log keeps it
//! by its digest), inflated, its files listed, and every large file hashed and sealed in pieces,
//! so a page stays answering. Then every digest is checked (blobs against their names and
//! descriptors, `docker save` layers against the config's diff ids) and the registry imports
//! it in one short call (`Registry::import_prepared`), whole or not at all.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::ops::Range;
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::digest::Digest;
use super::error::{ErrorCode, RegistryError, Result, arg, err_k};
use super::manifest::{self, MediaType};
use super::names::{RepoName, Tag};
use super::oci::{
    ARCHIVE_BYTES_MAX, ARCHIVE_ENTRIES_MAX, DOCKER_CONFIG, DOCKER_LAYER, DockerConfig, REF_NAME, bad,
    blob_path, digest_mismatch,
};
use super::registry::Registry;
use super::seal::StreamSealer;
use crate::i18n::Msg;

/// Files of at least this many bytes are hashed and sealed ahead, in pieces; smaller ones as
/// the archive's images are read.
const AHEAD_MIN_BYTES: usize = 64 << 10;

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

/// How far an import being read has got: the step it is in (`hashing` the archive,
/// `inflating` it, `checking` its large files, `ready`, or `refused`), that step's bytes done
/// and in all, and the whole job's fraction (it only grows).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportProgress {
    pub step: &'static str,
    pub done_bytes: u64,
    pub total_bytes: u64,
    pub fraction: f64,
}

/// Bytes the job's steps share without copies (a plain archive is its own tar).
#[derive(Clone, Default)]
struct Shared(Rc<Vec<u8>>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// An archive's files: where each lies in its tar's bytes, and the digests of those hashed
/// ahead.
#[derive(Default)]
struct Files {
    tar: Shared,
    at: BTreeMap<String, Range<usize>>,
    digests: BTreeMap<String, Digest>,
}

impl Files {
    fn get(&self, path: &str) -> Option<&[u8]> {
        self.at.get(path).and_then(|r| self.tar.0.get(r.clone()))
    }

    fn contains_key(&self, path: &str) -> bool {
        self.at.contains_key(path)
    }

    /// The digest of file `path`: hashed ahead, or now (a small one).
    fn digest(&self, path: &str) -> Option<Digest> {
        self.digests.get(path).copied().or_else(|| self.get(path).map(Digest::of))
    }
}

/// An image ready to push: its blobs (verified, by their paths in the archive), then its
/// manifests, children first.
struct Pending {
    repo: RepoName,
    tag: Option<Tag>,
    blobs: Vec<(Digest, String)>,
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

/// The files of a tar, by normalised path, as ranges of its bytes (nothing copied). A file that
/// claims more than the archive limit is refused at its header; one cut short, by its end.
fn list_tar(tar: &[u8], gzipped: bool) -> Result<BTreeMap<String, Range<usize>>> {
    let mut archive = tar::Archive::new(Cursor::new(tar));
    let entries = archive.entries_with_seek().map_err(|e| bad("errors.oci_not_tar", [arg(e)]))?;
    let mut files = BTreeMap::new();
    let mut total = 0u64;
    for entry in entries {
        let entry = entry.map_err(|e| bad("errors.oci_tar_damaged", [arg(e)]))?;
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
        let start = usize::try_from(entry.raw_file_position()).unwrap_or(usize::MAX);
        let range = start
            .checked_add(size as usize)
            .filter(|end| *end <= tar.len())
            .map(|end| start..end)
            .ok_or_else(|| {
                RegistryError::keyed(ErrorCode::InvalidArgument, "errors.oci_tar_cut_short", [])
            })?;
        files.insert(name, range);
        if files.len() > ARCHIVE_ENTRIES_MAX {
            return err_k(ErrorCode::InvalidArgument, "errors.oci_too_many_files", []);
        }
    }
    Ok(files)
}

/// The tar headers seen while a gzip archive inflates: a file that claims more than the limit
/// is refused at its header, unread, and the end block stops the inflating (nothing of a gzip
/// stream past the tar's end is read). A header it cannot follow (a pax size, damage) leaves
/// the rest to `list_tar` once everything is inflated.
#[derive(Default)]
struct Walk {
    next: usize,
    files_bytes: u64,
    ended: bool,
    lost: bool,
}

impl Walk {
    fn follow(&mut self, tar: &[u8]) -> Result<()> {
        while !self.ended && !self.lost {
            let Some(block) = self.next.checked_add(512).and_then(|end| tar.get(self.next..end)) else {
                return Ok(());
            };
            if block.iter().all(|b| *b == 0) {
                self.ended = true;
                return Ok(());
            }
            let header = tar::Header::from_byte_slice(block);
            let size = match header.size() {
                Ok(size) if tar_checksum_ok(block) => size,
                _ => {
                    self.lost = true;
                    return Ok(());
                }
            };
            if header.entry_type().is_file() {
                if size > ARCHIVE_BYTES_MAX {
                    return err_k(ErrorCode::InvalidArgument, "errors.oci_entry_too_large", []);
                }
                self.files_bytes += size;
                if self.files_bytes > ARCHIVE_BYTES_MAX {
                    return Err(bad("errors.archive_gzip_too_large", []));
                }
            }
            let padded = size.div_ceil(512).saturating_mul(512);
            self.next = usize::try_from(padded)
                .ok()
                .and_then(|p| (self.next + 512).checked_add(p))
                .unwrap_or(usize::MAX);
        }
        Ok(())
    }
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

/// The bytes of blob `d` in an OCI layout, checked against its digest.
fn layout_blob<'a>(files: &'a Files, d: &Digest) -> Result<&'a [u8]> {
    let path = blob_path(d);
    let (Some(bytes), Some(got)) = (files.get(&path), files.digest(&path)) else {
        return Err(RegistryError::keyed(ErrorCode::BlobUnknown, "errors.oci_lacks", [arg(path)]));
    };
    if got != *d {
        return Err(digest_mismatch(&path, d, &got));
    }
    Ok(bytes)
}

/// Collects a manifest (and, for an index, its children) from an OCI layout.
fn collect_layout(files: &Files, desc: &manifest::Descriptor, out: &mut Pending, depth: u32) -> Result<()> {
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
            out.blobs.push((b.digest, blob_path(&b.digest)));
        }
    }
    out.manifests.push((desc.digest, parsed.media_type, bytes.to_vec()));
    Ok(())
}

fn from_layout(files: &Files, default_repo: &RepoName) -> Result<Vec<Pending>> {
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

/// A file of a `docker save` tarball named in its `manifest.json`: its path as listed, its
/// bytes and their digest.
fn docker_file<'a>(files: &'a Files, path: &str) -> Result<(String, &'a [u8], Digest)> {
    let name = path.trim_start_matches("./");
    match (files.get(name), files.digest(name)) {
        (Some(bytes), Some(d)) => Ok((name.to_string(), bytes, d)),
        _ => Err(RegistryError::keyed(ErrorCode::BlobUnknown, "errors.oci_lacks", [arg(path)])),
    }
}

/// A file named by its digest (`<hex>.json`, `blobs/sha256/<hex>`) must hash to it.
fn check_name(path: &str, d: &Digest) -> Result<()> {
    let stem = path.rsplit('/').next().unwrap_or(path).trim_end_matches(".json");
    if stem.len() == 64 && stem.bytes().all(|b| b.is_ascii_hexdigit()) && stem != d.hex() {
        let want = Digest::parse(&format!("sha256:{stem}"))?;
        return Err(digest_mismatch(path, &want, d));
    }
    Ok(())
}

fn from_docker_save(files: &Files, default_repo: &RepoName) -> Result<Vec<Pending>> {
    let list = files.get("manifest.json").ok_or_else(|| bad("errors.oci_no_manifest_json", []))?;
    let list: Vec<DockerSaveEntry> =
        serde_json::from_slice(list).map_err(|e| bad("errors.oci_manifest_json_invalid", [arg(e)]))?;
    let mut out = vec![];
    for entry in &list {
        let (config_path, config, config_digest) = docker_file(files, &entry.config)?;
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
        let mut blobs = vec![(config_digest, config_path)];
        let mut layers = vec![];
        for (path, diff_id) in entry.layers.iter().zip(&parsed.rootfs.diff_ids) {
            let (name, data, d) = docker_file(files, path)?;
            if d != *diff_id {
                return Err(digest_mismatch(path, diff_id, &d));
            }
            layers.push(serde_json::json!({"mediaType": DOCKER_LAYER, "size": data.len(), "digest": d}));
            if !blobs.iter().any(|(x, _)| *x == d) {
                blobs.push((d, name));
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

/// The images of an archive whose files are listed (and the large ones hashed): its format
/// and what each image pushes.
fn read_images(files: &Files, default_repo: &RepoName) -> Result<(&'static str, Vec<Pending>)> {
    let (format, pending) = if files.contains_key("oci-layout") {
        ("oci-layout", from_layout(files, default_repo)?)
    } else if files.contains_key("manifest.json") {
        ("docker-save", from_docker_save(files, default_repo)?)
    } else if files.at.is_empty() {
        return Err(bad("errors.archive_no_files", []));
    } else {
        return err_k(ErrorCode::InvalidArgument, "errors.oci_unknown_format", []);
    };
    if pending.is_empty() {
        return err_k(ErrorCode::InvalidArgument, "errors.oci_no_image", []);
    }
    Ok((format, pending))
}

/// An archive read and checked, ready to import: every digest verified, the large blobs
/// sealed, nothing stored yet.
pub(super) struct ReadArchive {
    format: &'static str,
    gzip: bool,
    files: Files,
    pending: Vec<Pending>,
    /// The large blobs' bytes, sealed as they were hashed, by digest.
    sealed: BTreeMap<Digest, StreamSealer>,
}

/// What the session log keeps of an import: the archive as it came, by its digest, and the
/// repository its unnamed images went to.
pub(super) struct Kept {
    pub digest: Digest,
    pub default_repo: String,
    archive: Shared,
}

impl Kept {
    /// The archive's bytes (copied only if something still shares them).
    pub fn into_bytes(self) -> Vec<u8> {
        Rc::try_unwrap(self.archive.0).unwrap_or_else(|shared| shared.as_ref().clone())
    }
}

/// An archive import read a slice at a time (`advance`); the registry is not touched until
/// `Registry::import_prepared` takes the job, so a page can run it between frames and drop it
/// to cancel.
pub struct ImportJob {
    archive: Shared,
    default_repo: RepoName,
    gzip: bool,
    /// The archive's digest, once hashed.
    digest: Option<Digest>,
    step: Step,
    fraction: f64,
}

enum Step {
    /// Hashing the archive as it came (`at` bytes done).
    Hashing {
        at: usize,
        hasher: Sha256,
    },
    /// Inflating a gzip archive into its tar.
    Inflating(Box<Inflating>),
    /// Hashing and sealing the tar's large files.
    Checking(Box<Checking>),
    Ready(Box<ReadArchive>),
    /// Refused: any further call says so again.
    Refused(RegistryError),
}

struct Inflating {
    stream: Bounded<flate2::read::MultiGzDecoder<Cursor<Shared>>>,
    over: Rc<std::cell::Cell<bool>>,
    damaged: Rc<std::cell::RefCell<Option<String>>>,
    tar: Vec<u8>,
    walk: Walk,
    sniffed: bool,
}

struct Checking {
    files: Files,
    /// Large files still to hash and seal, the next last.
    todo: Vec<(String, Range<usize>)>,
    current: Option<Current>,
    sealed: BTreeMap<String, StreamSealer>,
    done_bytes: u64,
    total_bytes: u64,
}

/// The large file being hashed and sealed: `at` bytes of `range` done.
struct Current {
    path: String,
    range: Range<usize>,
    at: usize,
    hasher: Sha256,
    sealer: StreamSealer,
}

/// Hashing and sealing a byte costs about three times hashing one (AES in software).
const CHECK_WEIGHT: f64 = 3.0;

/// A gzip archive is inflated this much at a time between looks at the tar's headers.
const INFLATE_STEP_BYTES: usize = 1 << 20;

impl ImportJob {
    /// A job that reads `bytes`, its unnamed images going to `default_repo`. The first bytes
    /// say what the file is: one that is neither a tar nor gzip is refused here.
    pub fn new(bytes: Vec<u8>, default_repo: &str) -> Result<Self> {
        let default_repo = RepoName::parse(default_repo)?;
        if bytes.len() as u64 > ARCHIVE_BYTES_MAX {
            return err_k(ErrorCode::InvalidArgument, "errors.oci_archive_too_large", []);
        }
        if bytes.is_empty() {
            return Err(bad("errors.archive_empty", []));
        }
        let head = &bytes[..bytes.len().min(512)];
        let gzip = match sniff(head) {
            Sniffed::Tar => false,
            Sniffed::Gzip => true,
            other => return Err(not_a_tar(other, head, false)),
        };
        Ok(Self {
            archive: Shared(Rc::new(bytes)),
            default_repo,
            gzip,
            digest: None,
            step: Step::Hashing { at: 0, hasher: Sha256::new() },
            fraction: 0.0,
        })
    }

    /// Does up to about `budget` bytes of work; whether the job is read to its end. An error
    /// refuses the archive (this and every later call say why).
    pub fn advance(&mut self, budget: usize) -> Result<bool> {
        let next = match self.work(budget.max(1)) {
            Ok(next) => next,
            Err(e) => Some(Step::Refused(e)),
        };
        if let Some(next) = next {
            self.step = next;
        }
        self.fraction = self.fraction.max(self.estimate());
        match &self.step {
            Step::Refused(e) => Err(e.clone()),
            Step::Ready(_) => Ok(true),
            _ => Ok(false),
        }
    }

    /// The current step's work; the step after it, when it is done.
    fn work(&mut self, budget: usize) -> Result<Option<Step>> {
        let archive = self.archive.clone();
        match &mut self.step {
            Step::Hashing { at, hasher } => {
                let end = at.saturating_add(budget).min(archive.0.len());
                hasher.update(archive.0.get(*at..end).unwrap_or_default());
                *at = end;
                if end < archive.0.len() {
                    return Ok(None);
                }
                self.digest = Some(Digest::from_sha256(std::mem::take(hasher)));
                if self.gzip {
                    return Ok(Some(Step::Inflating(Box::new(Inflating::new(archive)))));
                }
                let at = list_tar(&archive.0, false)?;
                Ok(Some(Step::Checking(Box::new(Checking::new(archive, at)))))
            }
            Step::Inflating(inf) => match inf.work(budget)? {
                None => Ok(None),
                Some(tar) => {
                    let at = list_tar(&tar, true)?;
                    Ok(Some(Step::Checking(Box::new(Checking::new(Shared(Rc::new(tar)), at)))))
                }
            },
            Step::Checking(c) => {
                if !c.work(budget)? {
                    return Ok(None);
                }
                let files = std::mem::take(&mut c.files);
                let (format, pending) = read_images(&files, &self.default_repo)?;
                let mut sealed = BTreeMap::new();
                for (path, sealer) in std::mem::take(&mut c.sealed) {
                    if let Some(d) = files.digests.get(&path) {
                        sealed.entry(*d).or_insert(sealer);
                    }
                }
                let read = ReadArchive { format, gzip: self.gzip, files, pending, sealed };
                Ok(Some(Step::Ready(Box::new(read))))
            }
            Step::Ready(_) | Step::Refused(_) => Ok(None),
        }
    }

    /// The whole job's fraction done, by bytes weighed by what each costs (the large files'
    /// total is guessed until the tar is listed).
    fn estimate(&self) -> f64 {
        let len = self.archive.0.len() as f64;
        let inflate = if self.gzip { len } else { 0.0 };
        let guess = CHECK_WEIGHT * if self.gzip { 3.0 * len } else { len };
        let (done, check) = match &self.step {
            Step::Hashing { at, .. } => (*at as f64, guess),
            Step::Inflating(inf) => (len + inf.consumed() as f64, guess),
            Step::Checking(c) => {
                let total = CHECK_WEIGHT * c.total_bytes as f64;
                (len + inflate + CHECK_WEIGHT * c.done_bytes as f64, total)
            }
            Step::Ready(_) => return 1.0,
            Step::Refused(_) => return self.fraction,
        };
        (done / (len + inflate + check).max(1.0)).min(1.0)
    }

    /// How far the job has got.
    pub fn progress(&self) -> ImportProgress {
        let len = self.archive.0.len() as u64;
        let (step, done_bytes, total_bytes) = match &self.step {
            Step::Hashing { at, .. } => ("hashing", *at as u64, len),
            Step::Inflating(inf) => ("inflating", inf.consumed(), len),
            Step::Checking(c) => ("checking", c.done_bytes, c.total_bytes),
            Step::Ready(_) => ("ready", len, len),
            Step::Refused(_) => ("refused", 0, len),
        };
        ImportProgress { step, done_bytes, total_bytes, fraction: self.fraction }
    }

    /// The job read to its end (what is left read now, at once): what the registry imports
    /// and what its log keeps.
    pub(super) fn finish(mut self) -> Result<(ReadArchive, Kept)> {
        while !self.advance(usize::MAX)? {}
        let kept =
            |digest| Kept { digest, default_repo: self.default_repo.to_string(), archive: self.archive };
        match (self.step, self.digest) {
            (Step::Ready(read), Some(digest)) => Ok((*read, kept(digest))),
            (Step::Refused(e), _) => Err(e),
            // A job is ready only once the archive is hashed.
            _ => Err(RegistryError::keyed(ErrorCode::Unknown, "errors.seal_failed", [])),
        }
    }
}

impl Inflating {
    fn new(archive: Shared) -> Self {
        let over = Rc::new(std::cell::Cell::new(false));
        let damaged = Rc::new(std::cell::RefCell::new(None));
        let stream = Bounded {
            inner: flate2::read::MultiGzDecoder::new(Cursor::new(archive)),
            read: 0,
            over: over.clone(),
            damaged: damaged.clone(),
        };
        Self { stream, over, damaged, tar: Vec::new(), walk: Walk::default(), sniffed: false }
    }

    /// Compressed bytes read so far.
    fn consumed(&self) -> u64 {
        self.stream.inner.get_ref().position()
    }

    /// Inflates up to `budget` more bytes, following the tar's headers a mebibyte at a time;
    /// the whole tar once the gzip stream or the tar in it has ended.
    fn work(&mut self, budget: usize) -> Result<Option<Vec<u8>>> {
        let mut left = budget;
        while left > 0 {
            let want = left.min(INFLATE_STEP_BYTES);
            left -= want;
            let ended = self.inflate(want as u64)?;
            self.walk.follow(&self.tar)?;
            if ended || self.walk.ended {
                return Ok(Some(std::mem::take(&mut self.tar)));
            }
        }
        Ok(None)
    }

    /// Inflates up to `want` more bytes (the first 512 must look like a tar); whether the gzip
    /// stream ended.
    fn inflate(&mut self, want: u64) -> Result<bool> {
        let got = match (&mut self.stream).take(want).read_to_end(&mut self.tar) {
            Ok(n) => n as u64,
            Err(_) if self.over.get() => return Err(bad("errors.archive_gzip_too_large", [])),
            Err(e) => {
                let why = self.damaged.borrow().clone().unwrap_or_else(|| e.to_string());
                return Err(bad("errors.archive_gzip_damaged", [arg(why)]));
            }
        };
        let ended = got < want;
        if !self.sniffed && (self.tar.len() >= 512 || ended) {
            if self.tar.is_empty() {
                return Err(bad("errors.archive_gzip_empty", []));
            }
            let head = &self.tar[..self.tar.len().min(512)];
            match sniff(head) {
                Sniffed::Tar => self.sniffed = true,
                other => return Err(not_a_tar(other, head, true)),
            }
        }
        Ok(ended)
    }
}

impl Checking {
    fn new(tar: Shared, at: BTreeMap<String, Range<usize>>) -> Self {
        let mut todo: Vec<(String, Range<usize>)> = at
            .iter()
            .filter(|(_, r)| r.len() >= AHEAD_MIN_BYTES)
            .map(|(p, r)| (p.clone(), r.clone()))
            .collect();
        todo.reverse();
        let total_bytes = todo.iter().map(|(_, r)| r.len() as u64).sum();
        let files = Files { tar, at, digests: BTreeMap::new() };
        Self { files, todo, current: None, sealed: BTreeMap::new(), done_bytes: 0, total_bytes }
    }

    /// Hashes and seals up to `budget` more bytes; whether every large file is done.
    fn work(&mut self, budget: usize) -> Result<bool> {
        let Checking { files, todo, current, sealed, done_bytes, .. } = self;
        let mut left = budget;
        loop {
            if current.is_none() {
                let Some((path, range)) = todo.pop() else { return Ok(true) };
                let sealer = StreamSealer::new()?;
                *current = Some(Current { path, range, at: 0, hasher: Sha256::new(), sealer });
            }
            let Some(cur) = current.as_mut() else { return Ok(true) };
            if left == 0 {
                return Ok(false);
            }
            let from = cur.range.start + cur.at;
            let to = from.saturating_add(left).min(cur.range.end);
            let piece = files.tar.0.get(from..to).unwrap_or_default();
            cur.hasher.update(piece);
            cur.sealer.update(piece);
            cur.at += to - from;
            left -= to - from;
            *done_bytes += (to - from) as u64;
            if (from == to || cur.range.start + cur.at >= cur.range.end)
                && let Some(done) = current.take()
            {
                files.digests.insert(done.path.clone(), Digest::from_sha256(done.hasher));
                sealed.insert(done.path, done.sealer);
            }
        }
    }
}

impl Registry {
    /// Pushes what an import read: its blobs and manifests, image by image. On an error the
    /// registry is left part-changed: the caller runs this on a copy, or puts one back.
    pub(super) fn import_read(&mut self, read: ReadArchive) -> Result<ImportReport> {
        let ReadArchive { format, gzip, files, pending, mut sealed } = read;
        let images = self
            .push_pending(&files, &pending, &mut sealed)
            .map_err(|e| RegistryError::keyed(e.code, "errors.oci_nothing_imported", [e.text.into()]))?;
        let mut distinct: BTreeMap<Digest, u64> = BTreeMap::new();
        for p in &pending {
            for (d, path) in &p.blobs {
                distinct.insert(*d, files.at.get(path).map_or(0, |r| r.len() as u64));
            }
        }
        Ok(ImportReport { format, gzip, images, blobs: distinct.len(), blob_bytes: distinct.values().sum() })
    }

    fn push_pending(
        &mut self,
        files: &Files,
        pending: &[Pending],
        sealed: &mut BTreeMap<Digest, StreamSealer>,
    ) -> Result<Vec<ImportedImage>> {
        let mut images = vec![];
        for p in pending {
            for (d, path) in &p.blobs {
                let bytes = files.get(path).unwrap_or_default();
                self.push_checked_blob_direct(&p.repo, *d, bytes, sealed.remove(d))?;
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
