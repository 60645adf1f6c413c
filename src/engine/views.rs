//! Read models the page and the JS API render: plain serialisable snapshots of engine state.

use serde::Serialize;

use super::clock::Millis;
use super::digest::Digest;
use super::locks::Attributes;
use super::manifest::{Descriptor, MediaType};
use super::names::{RepoName, Tag};
use super::seal::SealedRecord;
use super::storage_account::RecordKind;
use super::synthetic::SyntheticLayer;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PulledManifest {
    pub digest: Digest,
    pub media_type: MediaType,
    #[serde(with = "serde_bytes")]
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogPage {
    pub repositories: Vec<String>,
    pub next: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TagPage {
    pub name: RepoName,
    pub tags: Vec<String>,
    pub next: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountUsage {
    pub name: String,
    /// Logical bytes billed: referenced records (a synthetic layer counts its declared size).
    pub billed_bytes: u64,
    /// Logical bytes held: billed plus released records awaiting garbage collection.
    pub stored_bytes: u64,
    /// Bytes of ciphertext, nonces and wrapped keys actually held.
    pub sealed_bytes: u64,
    pub records: usize,
    /// Records released (billing stopped) and not yet reclaimed.
    pub released_records: usize,
    /// Billed records that are synthetic layers: each bills its declared size while only a
    /// seed sample of at most 64 KiB is sealed and held, so sealed bytes read far below billed.
    pub synthetic_records: usize,
    /// The declared bytes those synthetic layers bill.
    pub synthetic_billed_bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    pub accounts: Vec<AccountUsage>,
    pub total_billed_bytes: u64,
    pub total_stored_bytes: u64,
    pub total_sealed_bytes: u64,
    pub total_records: usize,
    pub total_released_records: usize,
    pub total_synthetic_records: usize,
    pub total_synthetic_billed_bytes: u64,
}

/// One record as a storage account holds it: nothing but sealed bytes and their key id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordView {
    pub account: String,
    pub key: String,
    pub kind: RecordKind,
    pub digest: Digest,
    pub logical_bytes: u64,
    #[serde(flatten)]
    pub sealed: SealedRecord,
}

/// A layer's sealed form beside its plaintext, for the page's "encrypted at rest" view.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SealView {
    pub account: String,
    pub key: String,
    pub key_id: String,
    pub nonce_hex: String,
    pub wrapped_key_hex: String,
    pub ciphertext_bytes: u64,
    pub ciphertext_head_hex: String,
    pub plaintext_head_hex: String,
    pub plaintext_bytes: u64,
    pub digest_verified: bool,
    /// Set for a synthetic layer: its declared size (what storage bills) and seed. Only the
    /// plaintext above (a header and a seed sample of at most 64 KiB) is sealed and stored.
    pub synthetic: Option<SyntheticLayer>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerView {
    pub digest: Digest,
    pub media_type: String,
    pub size_bytes: u64,
    pub title: Option<String>,
    pub synthetic: Option<SyntheticLayer>,
    pub account: String,
    /// Other repositories in this registry that link the same blob (deduplication).
    pub shared_with: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestView {
    pub digest: Digest,
    pub media_type: MediaType,
    pub size_bytes: u64,
    pub tags: Vec<Tag>,
    /// The attributes of each tag in `tags`, in the same order.
    pub tag_attributes: Vec<Attributes>,
    /// The manifest's own attributes (independent of its tags').
    pub attributes: Attributes,
    pub config: Option<LayerView>,
    pub layers: Vec<LayerView>,
    pub manifests: Vec<Descriptor>,
    /// Total logical bytes of config and layers.
    pub image_bytes: u64,
}

/// What a delete removed, and the records it released: billing for them stopped at once;
/// garbage collection reclaims their space at `reclaim_at_ms`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deleted {
    pub manifests: Vec<Digest>,
    pub tags: Vec<Tag>,
    pub released_records: Vec<String>,
    pub released_bytes: u64,
    pub reclaim_at_ms: Option<Millis>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PushedImage {
    pub digest: Digest,
    pub config: Digest,
    pub layers: Vec<Digest>,
    /// Bytes the client sent (layers the repository already had are skipped).
    pub uploaded_bytes: u64,
    /// Virtual time the upload took at the tier's bandwidth.
    pub took_ms: Millis,
}

// ---- queries for the page ----

/// What a repository holds, for the catalog's summary line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RepositorySummary {
    pub name: String,
    pub tags: usize,
    pub manifests: usize,
    /// Manifests no tag points to (still stored, still billed).
    pub untagged: usize,
    pub blobs: usize,
    /// Logical bytes of the blobs it links and the manifests it holds, each once (content
    /// shared with other repositories counts in each of them).
    pub linked_bytes: u64,
    /// Logical bytes no other repository holds: what deleting this repository would release.
    pub unique_bytes: u64,
    pub attributes: Attributes,
}

/// A page of per-repository storage, in catalog order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RepositoryUsagePage {
    pub repositories: Vec<RepositorySummary>,
    pub next: Option<String>,
}

/// The result of pulling a blob and hashing the served bytes again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BlobCheck {
    pub expected: Digest,
    pub recomputed: Digest,
    pub served_bytes: u64,
    pub matches: bool,
}

/// What a cluster scale-out pull saw (`Registry::scale_out_pull`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaleOutReport {
    pub nodes: u32,
    /// Nodes that got the whole image.
    pub completed: u32,
    /// Nodes refused with 429 TOOMANYREQUESTS.
    pub throttled: u32,
    pub retry_after_max_s: u64,
    pub first_throttled_node: Option<u32>,
    pub reads_per_node: u32,
    pub bytes_per_node: u64,
    pub took_ms: Millis,
}

/// The registry's geo-redundant storage (`Registry::geo_storage`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GeoStorageView {
    pub region: &'static str,
    pub region_display_name: &'static str,
    /// Where copies go; None for a local-geo-only region (Brazil South, Southeast Asia).
    pub paired: Option<&'static str>,
    pub local_geo_only: bool,
    pub geo_lag_ms: Millis,
    pub accounts: Vec<GeoAccountView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GeoAccountView {
    pub name: String,
    pub failure: Option<crate::engine::storage_account::Failure>,
    /// The recovery point window: written here, not yet in the paired region.
    pub uncopied_records: usize,
    pub uncopied_bytes: u64,
    /// How far back the oldest uncopied write is.
    pub window_ms: Option<Millis>,
    pub lost_records: usize,
    pub lost_bytes: u64,
}

/// How much of what a saved session may hold this one takes (`Registry::session_budget`):
/// its log's entries, the bytes uploaded into it (each kept once) and an upper bound on its
/// saved text, each with the limit `load_session` enforces. A call that would take it past a
/// limit is refused before it changes anything; `used` (the largest share, 0 to 1) lets the
/// page warn in time (at 0.8, say).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionBudget {
    pub entries: u64,
    pub entries_max: u64,
    pub uploaded_bytes: u64,
    pub uploaded_bytes_max: u64,
    pub text_bytes: u64,
    pub text_bytes_max: u64,
    pub used: f64,
}
