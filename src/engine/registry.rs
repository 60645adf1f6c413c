//! The registry: the engine's front door. Every operation parses its inputs first, checks
//! everything that could refuse it, and only then changes state, so a refused operation
//! changes nothing. Blobs and manifests are stored once per registry (content addressed) and
//! linked into repositories; storage is freed when nothing links a record any more.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

use super::blob_store::BlobStore;
use super::clock::Millis;
use super::digest::{Digest, hex_lower};
use super::error::{ErrorCode, RegistryError, Result, arg, err_k, quoted};
use super::events::{Event, EventKind, EventLog};
use super::faults::Fault;
use super::features::{Features, WebhookAction};
use super::image::{self, BuiltLayer};
use super::key_vault::{KeyKind, KeyVault, RotationMode};
use super::listing::{page_size, paginate};
use super::locks::{AttributePatch, Attributes, disallowed};
use super::manifest::{self, Descriptor, MediaType, ParsedManifest};
use super::names::{Reference, RepoName, Tag};
use super::oracle::Oracle;
use super::region::{self, Region};
use super::replication::{Change, ReplicaInfo, ReplicaState, Site};
use super::repository::{LockTarget, Repos, Repository};
use super::retention::{RetentionPolicy, premium_only};
use super::routing::Clients;
use super::scenario::ScenarioState;
use super::scheduler::{Job, JobView, QUEUE_MAX, Queue};
use super::seal::StreamSealer;
use super::soft_delete::SoftDeletePolicy;
use super::storage_account::{RecordKey, RecordKind, StorageCopy};
use super::synthetic::{LAYER_MAX_BYTES, SyntheticLayer};
use super::throttle::{self, Identity, RateModel, Throttle, ThrottleView, Ticket};
use super::tier::{Cost, StorageEra, Tier, TierView, daily_cost_with_replicas};
use super::upload::{UploadView, Uploads};
use super::views::*;
use crate::i18n::{Arg, Msg};

/// How a registry is created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryOptions {
    /// 5–50 lowercase letters and digits, as ACR requires.
    pub name: String,
    /// Seeds the simulation's random draws (never key material).
    pub seed: u64,
    /// Storage accounts the store is sharded over (1–16).
    pub storage_accounts: usize,
    /// How long after a record is released garbage collection reclaims its space. ACR reclaims
    /// asynchronously without a documented delay; Stowage's default is 10 virtual minutes.
    pub gc_delay: Millis,
    /// The service tier (default Standard) and which published storage limits apply.
    pub tier: Tier,
    pub storage_era: StorageEra,
    /// Which published request-rate limits apply (default: the 2026 token buckets).
    pub rate_model: RateModel,
    /// A customer-managed key (Premium only, chosen now or never) and how it rotates; None
    /// for the service-managed key.
    pub customer_managed_key: Option<RotationMode>,
    /// The registry's region (its programmatic name, e.g. `westeurope`).
    pub region: String,
    /// Geo-redundant storage lag: how long after a write its copy reaches the paired region.
    pub geo_lag: Millis,
}

impl Default for RegistryOptions {
    fn default() -> Self {
        Self {
            name: "stowage".into(),
            seed: 1,
            storage_accounts: 4,
            gc_delay: GC_DELAY_DEFAULT,
            tier: Tier::Standard,
            storage_era: StorageEra::Y2026,
            rate_model: RateModel::Buckets2026,
            customer_managed_key: None,
            region: "westeurope".into(),
            geo_lag: GEO_LAG_DEFAULT,
        }
    }
}

/// Default geo-redundant storage lag. Azure Storage's GRS copies asynchronously with a
/// recovery point objective "typically under 15 minutes"; Stowage's default is 5 minutes.
pub const GEO_LAG_DEFAULT: Millis = Millis(5 * 60 * 1000);

/// Default delay between a record's release and its reclamation.
pub const GC_DELAY_DEFAULT: Millis = Millis(10 * 60 * 1000);
/// Longest garbage-collection delay accepted (30 days).
pub const GC_DELAY_MAX: Millis = Millis(30 * 86_400_000);

pub use super::image::LayerInput;

/// A blob push: a HEAD (read) and an upload (write).
/// What `store_blob` stores: bytes to seal now, or an upload sealed as it arrived.
enum Content<'a> {
    Plain(&'a [u8]),
    Sealing(Box<StreamSealer>),
}

const PUSH_BLOB_COST: throttle::Cost = throttle::Cost { reads: 1, writes: 1, deletes: 0, referrers: 0 };

/// A whole image: a client HEADs and uploads each layer and the config, then PUTs the
/// manifest. One admission for all of it, so a throttled push writes nothing.
fn image_push_cost(layers: &[LayerInput]) -> throttle::Cost {
    let blobs = u32::try_from(layers.len() + 1).unwrap_or(u32::MAX);
    // A layer uploaded before is only HEADed.
    let uploaded = layers.iter().filter(|l| matches!(l, LayerInput::Uploaded { .. })).count();
    let uploads = blobs.saturating_sub(u32::try_from(uploaded).unwrap_or(u32::MAX));
    throttle::Cost { reads: blobs, writes: uploads.saturating_add(1), ..Default::default() }
}

/// At most 30 days of geo-redundant storage lag.
pub(super) fn check_geo_lag(lag: Millis) -> Result<()> {
    if lag > GC_DELAY_MAX {
        return err_k(ErrorCode::InvalidArgument, "errors.geo_lag_max", []);
    }
    Ok(())
}

/// A scale-out has 1 to 10,000 nodes.
fn check_scale_out_nodes(nodes: u32) -> Result<()> {
    if !(1..=10_000).contains(&nodes) {
        return err_k(ErrorCode::InvalidArgument, "errors.scale_out_nodes", [arg(nodes)]);
    }
    Ok(())
}

/// A mount's repository names and digest, parsed (before it is admitted).
fn mount_names(repo: &str, from: &str, digest: &str) -> Result<(RepoName, RepoName, Digest)> {
    Ok((RepoName::parse(repo)?, RepoName::parse(from)?, Digest::parse(digest)?))
}

/// A blob stored by a push, and the bytes the client had to send for it.
struct PushedBlob {
    digest: Digest,
    uploaded_bytes: u64,
}

#[derive(Clone, Debug)]
pub(super) struct BlobMeta {
    pub(super) size_bytes: u64,
    pub(super) synthetic: Option<SyntheticLayer>,
    /// Repositories linking this blob; at 0 the record is released.
    pub(super) repos: u32,
}

#[derive(Clone, Debug)]
pub(super) struct ManifestMeta {
    pub(super) media_type: MediaType,
    pub(super) size_bytes: u64,
    pub(super) parsed: ParsedManifest,
    /// Distinct blobs the manifest references (config and non-foreign layers).
    pub(super) blobs: BTreeSet<Digest>,
    /// Repositories holding this manifest; at 0 the record is released.
    pub(super) repos: u32,
}

#[derive(Clone)]
pub struct Registry {
    pub(super) name: String,
    pub(super) vault: KeyVault,
    pub(super) store: BlobStore,
    pub(super) rng: ChaCha8Rng,
    pub(super) blobs: BTreeMap<Digest, BlobMeta>,
    pub(super) manifests: BTreeMap<Digest, ManifestMeta>,
    pub(super) repos: Repos,
    pub(super) events: EventLog,
    pub(super) now: Millis,
    pub(super) queue: Queue,
    pub(super) gc_delay: Millis,
    pub(super) tier: Tier,
    pub(super) storage_era: StorageEra,
    pub(super) throttle: Throttle,
    /// Who the current request is counted against (see `with_identity`).
    pub(super) caller: Identity,
    pub(super) retention: RetentionPolicy,
    pub(super) features: Features,
    pub(super) soft_delete: SoftDeletePolicy,
    /// Where the registry (its home replica and storage) is.
    pub(super) region: &'static Region,
    /// How long after a write its geo-redundant copy reaches the paired region.
    pub(super) geo_lag: Millis,
    pub(super) faults: Vec<Fault>,
    /// Geo-replication: every replica (home first), the parked data of all but the active one,
    /// and when the last change sent on each link arrives.
    pub(super) replicas: Vec<ReplicaInfo>,
    pub(super) sites: Vec<Option<Site>>,
    pub(super) active: usize,
    /// Per link: when it has finished sending what it was given, and the last arrival time.
    pub(super) link_clock: BTreeMap<(&'static str, &'static str), (Millis, Millis)>,
    /// True while a replicated change is applied (it is not sent on again).
    pub(super) replicating: bool,
    pub(super) clients: Clients,
    /// Replication jobs held back by a fault until it heals.
    pub(super) held: Vec<Job>,
    /// Everything done to the registry, to save, share and replay (see `journal`).
    pub(super) journal: super::journal::Journal,
    pub(super) recorder: super::journal::Recorder,
    /// Checkpoints for time travel, and the run's future while looking at the past.
    pub(super) history: super::history::History,
    /// Samples over virtual time for the page's charts.
    pub(super) metrics: super::metrics::Metrics,
    /// A large preset being loaded a slice at a time.
    pub(super) preset: Option<super::preset::PresetLoad>,
    /// Every key backup handed out, in order (the session log names them by position).
    pub(super) key_backups: Vec<String>,
    pub(super) oracle: Oracle,
    /// Within one client request: how many bytes of its upload have arrived when the change
    /// being logged lands (a change leaves for the other replicas, and fires webhooks, when its
    /// bytes have arrived, not when they start).
    pub(super) upload_bytes: u64,
    /// After a fault heals on a replicated registry: since when we wait for the replicas to
    /// agree again, and how long the last such wait took.
    pub(super) converge_watch: Option<Millis>,
    pub(super) last_convergence: Option<Millis>,
    /// A scenario being run: its steps are jobs on the queue; their outcomes are kept.
    pub(super) scenario: Option<ScenarioState>,
    /// Blob uploads under way (engine/upload.rs).
    pub(super) uploads: Uploads,
}

/// A uniform draw in `0..n` (0 when n is 0), by widening multiplication: portable and exact.
pub(super) fn draw_below(rng: &mut ChaCha8Rng, n: u64) -> u64 {
    ((u128::from(rng.next_u64()) * u128::from(n)) >> 64) as u64
}

fn check_registry_name(name: &str) -> Result<()> {
    let ok =
        (5..=50).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if ok { Ok(()) } else { err_k(ErrorCode::InvalidArgument, "errors.registry_name", [quoted(name)]) }
}

/// `items` as one argument, `a, b, c`: consecutive plain texts joined into one, the rest paired
/// by `errors.list` in a balanced tree (so a long list nests only a few levels deep).
fn listed(items: Vec<Arg>) -> Arg {
    let mut merged: Vec<Arg> = Vec::with_capacity(items.len());
    for item in items {
        match (merged.last_mut(), item) {
            (Some(Arg::Text(before)), Arg::Text(text)) => {
                before.push_str(", ");
                before.push_str(&text);
            }
            (_, item) => merged.push(item),
        }
    }
    while merged.len() > 1 {
        let mut pairs = Vec::with_capacity(merged.len().div_ceil(2));
        let mut items = merged.into_iter();
        while let Some(a) = items.next() {
            pairs.push(match items.next() {
                Some(b) => Msg::new("errors.list", [a, b]).into(),
                None => a,
            });
        }
        merged = pairs;
    }
    merged.pop().unwrap_or_else(|| Arg::Text(String::new()))
}

fn unknown_repo(repo: &RepoName) -> RegistryError {
    RegistryError::keyed(ErrorCode::NameUnknown, "errors.repo_unknown", [arg(repo)])
}

/// A manifest can be deleted only if neither it nor any tag pointing at it is locked.
fn check_manifest_deletable(repo: &RepoName, r: &Repository, digest: &Digest) -> Result<()> {
    let attributes = r.manifest_attributes(digest);
    if !attributes.deletable() {
        return Err(disallowed(
            "errors.lock_manifest",
            [arg(repo), arg(digest.short()), attributes.text().into()],
        ));
    }
    for t in r.tags_of(digest) {
        let attributes = r.tag_attributes(&t);
        if !attributes.deletable() {
            return Err(disallowed("errors.lock_tag", [arg(repo), arg(t), attributes.text().into()]));
        }
    }
    Ok(())
}

/// Refuses, before anything is written, an image whose manifest would exceed 4 MiB. Digests
/// have a fixed length, so a manifest built with placeholder digests and the longest seed has
/// at least the real one's size.
fn check_manifest_fits(layers: &[LayerInput]) -> Result<()> {
    let placeholder = Digest::of(b"");
    let built: Vec<BuiltLayer> =
        layers.iter().map(|l| BuiltLayer::of(l, placeholder, Some(u64::MAX))).collect();
    let size = image::manifest_bytes(&image::config_bytes(&built), &built).len();
    if size > manifest::MANIFEST_MAX_BYTES {
        return Err(RegistryError::keyed(
            ErrorCode::ManifestInvalid,
            "errors.image_manifest_too_large",
            [arg(size), arg(manifest::MANIFEST_MAX_BYTES)],
        )
        .with_status(413));
    }
    Ok(())
}

impl Registry {
    pub fn new(options: RegistryOptions) -> Result<Self> {
        check_registry_name(&options.name)?;
        let spec = super::scenario::RegistrySpec::from_options(&options);
        if options.gc_delay > GC_DELAY_MAX {
            return err_k(ErrorCode::InvalidArgument, "errors.gc_delay_max", []);
        }
        if options.geo_lag > GC_DELAY_MAX {
            return err_k(ErrorCode::InvalidArgument, "errors.geo_lag_max", []);
        }
        let Some(region) = region::region(&options.region) else {
            return err_k(
                ErrorCode::InvalidArgument,
                "errors.region_unknown_example",
                [quoted(super::digest::truncate(&options.region, 40))],
            );
        };
        let store = BlobStore::new(&options.name, options.storage_accounts)?;
        let vault = match options.customer_managed_key {
            None => KeyVault::service_managed()?,
            Some(_) if options.tier != Tier::Premium => {
                return Err(premium_only(options.tier, "errors.premium_cmk"));
            }
            Some(mode) => KeyVault::customer_managed(mode == RotationMode::Automatic)?,
        };
        Ok(Self {
            name: options.name,
            vault,
            store,
            rng: ChaCha8Rng::seed_from_u64(options.seed),
            blobs: BTreeMap::new(),
            manifests: BTreeMap::new(),
            repos: Repos::default(),
            events: EventLog::default(),
            now: Millis(0),
            queue: Queue::default(),
            gc_delay: options.gc_delay,
            tier: options.tier,
            storage_era: options.storage_era,
            throttle: Throttle::new(options.rate_model),
            caller: Identity::admin(),
            retention: RetentionPolicy::default(),
            features: Features::default(),
            soft_delete: SoftDeletePolicy::default(),
            region,
            geo_lag: options.geo_lag,
            faults: Vec::new(),
            replicas: vec![ReplicaInfo {
                region,
                state: ReplicaState::Ready,
                routing_enabled: true,
                created_at: Millis(0),
                ready_at: Some(Millis(0)),
                syncing: 0,
            }],
            sites: vec![None],
            active: 0,
            link_clock: BTreeMap::new(),
            replicating: false,
            clients: Clients::new(),
            held: Vec::new(),
            journal: super::journal::Journal {
                origin: Some(super::journal::Origin::Options { registry: spec }),
                ..Default::default()
            },
            recorder: Default::default(),
            history: Default::default(),
            metrics: Default::default(),
            preset: None,
            key_backups: Vec::new(),
            oracle: Oracle::default(),
            upload_bytes: 0,
            converge_watch: None,
            last_convergence: None,
            scenario: None,
            uploads: Uploads::default(),
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    // ---- blobs -------------------------------------------------------------------------

    /// Pushes a blob; `claimed` is the digest the client says it has (checked, if given).
    /// Counted as a HEAD (read) and an upload (write) against the caller's identity.
    pub(super) fn push_blob_direct(
        &mut self,
        repo: &str,
        bytes: &[u8],
        claimed: Option<&str>,
    ) -> Result<Digest> {
        let ticket = self.admit(PUSH_BLOB_COST)?;
        let pushed = self.put_blob(repo, bytes, claimed)?;
        self.complete(ticket, pushed.uploaded_bytes, 0);
        Ok(pushed.digest)
    }

    /// Why `push_blob_direct` would be refused before it changes anything, if it would.
    pub(super) fn push_blob_refusal(&self, repo: &str, bytes: &[u8], claimed: Option<&str>) -> Result<()> {
        self.refusal_after_admission(PUSH_BLOB_COST, |r| r.blob_refusal(repo, bytes, claimed).map(drop))
    }

    /// The checks a blob push starts with (all of them before anything is written): the
    /// repository and the blob's digest.
    fn blob_refusal(&self, repo: &str, bytes: &[u8], claimed: Option<&str>) -> Result<(RepoName, Digest)> {
        let repo = RepoName::parse(repo)?;
        let claimed = claimed.map(Digest::parse).transpose()?;
        let actual = Digest::of(bytes);
        if let Some(claimed) = claimed.filter(|c| *c != actual) {
            return err_k(ErrorCode::DigestInvalid, "errors.blob_hash_mismatch", [arg(actual), arg(claimed)]);
        }
        self.checked_blob_refusal(&repo, &actual, bytes.len() as u64)?;
        Ok((repo, actual))
    }

    /// A blob push's checks once its digest is known: its size, the repository, room for it
    /// and the key that seals it.
    fn checked_blob_refusal(&self, repo: &RepoName, digest: &Digest, size_bytes: u64) -> Result<()> {
        if size_bytes > LAYER_MAX_BYTES {
            return err_k(ErrorCode::SizeInvalid, "errors.layer_too_large", []);
        }
        self.check_writable(repo)?;
        self.check_room(self.new_blob_bytes(digest, size_bytes))?;
        // `store_blob`'s first check.
        self.check_key_usable()
    }

    /// Pushes a blob whose bytes were hashed to `digest` as they were read (an import's), and
    /// sealed then too when `sealer` holds them; counted as `push_blob_direct` counts a push.
    pub(super) fn push_checked_blob_direct(
        &mut self,
        repo: &RepoName,
        digest: Digest,
        bytes: &[u8],
        sealer: Option<StreamSealer>,
    ) -> Result<Digest> {
        let ticket = self.admit(PUSH_BLOB_COST)?;
        let size_bytes = bytes.len() as u64;
        self.checked_blob_refusal(repo, &digest, size_bytes)?;
        let content = match sealer {
            Some(sealer) => Content::Sealing(Box::new(sealer)),
            None => Content::Plain(bytes),
        };
        let pushed = self.store_blob(repo.clone(), digest, content, size_bytes, None)?;
        self.complete(ticket, pushed.uploaded_bytes, 0);
        Ok(pushed.digest)
    }

    fn put_blob(&mut self, repo: &str, bytes: &[u8], claimed: Option<&str>) -> Result<PushedBlob> {
        let (repo, actual) = self.blob_refusal(repo, bytes, claimed)?;
        self.store_blob(repo, actual, Content::Plain(bytes), bytes.len() as u64, None)
    }

    /// Pushes a synthetic layer of a declared size; without a seed one is drawn from the
    /// simulation RNG (so the same registry seed gives the same layers).
    pub(super) fn push_synthetic_blob_direct(
        &mut self,
        repo: &str,
        size_bytes: u64,
        seed: Option<u64>,
    ) -> Result<Digest> {
        let ticket = self.admit(PUSH_BLOB_COST)?;
        let pushed = self.put_synthetic_blob(repo, size_bytes, seed)?;
        self.complete(ticket, pushed.uploaded_bytes, 0);
        Ok(pushed.digest)
    }

    /// Why `push_synthetic_blob_direct` would be refused before it changes anything, if it
    /// would.
    pub(super) fn push_synthetic_blob_refusal(
        &self,
        repo: &str,
        size_bytes: u64,
        seed: Option<u64>,
    ) -> Result<()> {
        self.refusal_after_admission(PUSH_BLOB_COST, |r| {
            r.synthetic_refusal(repo, size_bytes, seed).map(drop)
        })
    }

    /// The checks a synthetic blob push starts with: the layer it would store (its seed drawn
    /// from a copy of the RNG, the copy given back) if nothing refuses it.
    fn synthetic_refusal(
        &self,
        repo: &str,
        size_bytes: u64,
        seed: Option<u64>,
    ) -> Result<(RepoName, SyntheticLayer, Vec<u8>, Digest, ChaCha8Rng)> {
        let repo = RepoName::parse(repo)?;
        SyntheticLayer::new(size_bytes, 0)?;
        self.check_writable(&repo)?;
        // Draw the seed from a copy of the RNG: a refused push must not consume a draw.
        let mut rng = self.rng.clone();
        let layer = SyntheticLayer::new(size_bytes, seed.unwrap_or_else(|| rng.next_u64()))?;
        let bytes = layer.materialise();
        let digest = Digest::of(&bytes);
        self.check_room(self.new_blob_bytes(&digest, size_bytes))?;
        Ok((repo, layer, bytes, digest, rng))
    }

    fn put_synthetic_blob(&mut self, repo: &str, size_bytes: u64, seed: Option<u64>) -> Result<PushedBlob> {
        let (repo, layer, bytes, digest, rng) = self.synthetic_refusal(repo, size_bytes, seed)?;
        self.rng = rng;
        self.store_blob(repo, digest, Content::Plain(&bytes), size_bytes, Some(layer))
    }

    fn store_blob(
        &mut self,
        repo: RepoName,
        digest: Digest,
        bytes: Content<'_>,
        size_bytes: u64,
        synthetic: Option<SyntheticLayer>,
    ) -> Result<PushedBlob> {
        self.check_key_usable()?;
        let key = RecordKey { kind: RecordKind::Blob, digest };
        // A record lost with a destroyed primary is stored again by the next push of it.
        let deduplicated = self.blobs.contains_key(&digest) && !self.store.is_lost(&key);
        if !deduplicated {
            match bytes {
                Content::Plain(bytes) => self.put_record(key, bytes, size_bytes)?,
                Content::Sealing(sealer) => {
                    let sealed = sealer.finish(&mut self.vault, key.to_string().as_bytes())?;
                    // Its bytes hashed to `digest` (checked) as they were sealed.
                    self.store.put_sealed(key, sealed, size_bytes, self.now, true);
                    self.after_put_record(key);
                }
            }
            self.blobs.entry(digest).or_insert(BlobMeta { size_bytes, synthetic, repos: 0 });
        }
        // A client's HEAD finds a blob the repository already has and skips the upload; any
        // other blob is sent whole (the registry deduplicates only once it has the bytes).
        let had = self.repos.get(&repo).is_some_and(|r| r.has_blob(&digest));
        if !had {
            self.upload_bytes = self.upload_bytes.saturating_add(size_bytes);
        }
        self.link(&repo, digest);
        let synthetic = synthetic.is_some();
        self.log(EventKind::BlobPushed { repo, digest, size_bytes, deduplicated, synthetic });
        Ok(PushedBlob { digest, uploaded_bytes: if had { 0 } else { size_bytes } })
    }

    pub(super) fn link(&mut self, repo: &RepoName, digest: Digest) {
        let mut r = self.repos.get_or_default(repo);
        if let std::collections::btree_map::Entry::Vacant(e) = r.links.entry(digest) {
            e.insert(0);
            if let Some(meta) = self.blobs.get_mut(&digest) {
                meta.repos += 1;
            }
        }
    }

    // ---- blob upload sessions (engine/upload.rs) ------------------------------------------

    /// Opens a blob upload in `repo` (`POST …/blobs/uploads/`, one write request).
    pub(super) fn start_upload_direct(&mut self, repo: &str) -> Result<UploadView> {
        let ticket = self.admit(throttle::Cost::writes(1))?;
        let repo = self.upload_start_checks(repo)?;
        let id = self.uploads.start(repo, self.now)?;
        self.complete(ticket, 0, 0);
        self.upload(&id.to_string())
    }

    /// Why `start_upload_direct` would be refused before it changes anything, if it would.
    pub(super) fn start_upload_refusal(&self, repo: &str) -> Result<()> {
        self.refusal_after_admission(throttle::Cost::writes(1), |r| r.upload_start_checks(repo).map(drop))
    }

    fn upload_start_checks(&self, repo: &str) -> Result<RepoName> {
        let repo = RepoName::parse(repo)?;
        self.check_writable(&repo)?;
        self.check_key_usable()?;
        self.uploads.start_refusal()?;
        Ok(repo)
    }

    /// The next bytes of upload `id` (`PATCH`), hashed and sealed as they arrive; the clock
    /// moves by the time they take at the tier's upload bandwidth. `from`, when the client
    /// says it, is where they start (a chunk out of order is refused). The request is counted
    /// when the upload starts and when it finishes, as a client streaming one body.
    pub(super) fn append_upload_direct(
        &mut self,
        id: &str,
        bytes: &[u8],
        from: Option<u64>,
    ) -> Result<UploadView> {
        self.append_upload_refusal(id, bytes.len(), from)?;
        self.uploads.append(id, bytes, from)?;
        let (_, up) = throttle::bandwidth(self.tier);
        self.run_for(throttle::transfer_time(bytes.len() as u64, up));
        self.upload(id)
    }

    /// Why `append_upload_direct` would be refused, if it would (then nothing changes).
    pub(super) fn append_upload_refusal(&self, id: &str, len: usize, from: Option<u64>) -> Result<()> {
        self.check_region_serving()?;
        self.uploads.append_refusal(id, len as u64, from).map(drop)
    }

    /// Closes upload `id` with the digest the client claims (`PUT …?digest=`, one write
    /// request): the blob, sealed as it arrived, is stored and linked into the upload's
    /// repository. With `size`, the bytes received must be that many. A claim that does not
    /// match is `DIGEST_INVALID` and leaves the upload open, as anything refused does.
    pub(super) fn finish_upload_direct(
        &mut self,
        id: &str,
        digest: &str,
        size: Option<u64>,
    ) -> Result<Digest> {
        let ticket = self.admit(throttle::Cost::writes(1))?;
        let (uid, repo, digest, received) = self.upload_finish_checks(id, digest, size)?;
        let upload = self.uploads.take(uid)?;
        let stored =
            self.store_blob(repo, digest, Content::Sealing(Box::new(upload.into_sealer())), received, None)?;
        self.complete(ticket, 0, 0);
        Ok(stored.digest)
    }

    /// Why `finish_upload_direct` would be refused before it changes anything, if it would.
    pub(super) fn finish_upload_refusal(&self, id: &str, digest: &str, size: Option<u64>) -> Result<()> {
        self.refusal_after_admission(throttle::Cost::writes(1), |r| {
            r.upload_finish_checks(id, digest, size).map(drop)
        })
    }

    fn upload_finish_checks(
        &self,
        id: &str,
        digest: &str,
        size: Option<u64>,
    ) -> Result<(super::upload::UploadId, RepoName, Digest, u64)> {
        let (uid, upload) = self.uploads.get(id)?;
        let claimed = Digest::parse(digest)?;
        let (actual, received) = (upload.digest(), upload.received());
        if claimed != actual {
            return err_k(ErrorCode::DigestInvalid, "errors.blob_hash_mismatch", [arg(actual), arg(claimed)]);
        }
        if let Some(size) = size.filter(|s| *s != received) {
            return err_k(ErrorCode::SizeInvalid, "errors.upload_size_mismatch", [arg(received), arg(size)]);
        }
        let repo = upload.repo().clone();
        self.check_writable(&repo)?;
        self.check_room(self.new_blob_bytes(&actual, received))?;
        self.check_key_usable()?;
        Ok((uid, repo, actual, received))
    }

    /// Cancels upload `id` (`DELETE`): what it received is dropped.
    pub(super) fn cancel_upload_direct(&mut self, id: &str) -> Result<UploadView> {
        let (uid, upload) = self.uploads.get(id)?;
        let view = upload.view(uid);
        self.uploads.take(uid)?;
        Ok(view)
    }

    /// Why `cancel_upload_direct` would be refused, if it would.
    pub(super) fn cancel_upload_refusal(&self, id: &str) -> Result<()> {
        self.uploads.get(id).map(drop)
    }

    /// Upload `id` as a client's status request sees it (`GET`): how many bytes it has.
    pub fn upload(&self, id: &str) -> Result<UploadView> {
        let (uid, upload) = self.uploads.get(id)?;
        Ok(upload.view(uid))
    }

    /// The uploads under way, oldest first.
    pub fn uploads(&self) -> Vec<UploadView> {
        self.uploads.views()
    }

    /// `uploaded_layer` for a repository named in text: the digest, once it is found there.
    pub(super) fn uploaded_blob(&self, repo: &str, digest: &Digest, size: u64) -> Result<Digest> {
        self.uploaded_layer(&RepoName::parse(repo)?, digest, Some(size)).map(|_| *digest)
    }

    /// A blob an image's layer names by digest, as its repository holds it (uploaded before
    /// the manifest): its size, or why it cannot be used.
    fn uploaded_layer(&self, repo: &RepoName, digest: &Digest, size: Option<u64>) -> Result<u64> {
        let held = self.repos.get(repo).is_some_and(|r| r.has_blob(digest));
        let Some(meta) = self.blobs.get(digest).filter(|_| held) else {
            return err_k(
                ErrorCode::ManifestBlobUnknown,
                "errors.blob_not_in_repo",
                [arg(digest), arg(repo)],
            );
        };
        if let Some(size) = size.filter(|s| *s != meta.size_bytes) {
            return err_k(
                ErrorCode::SizeInvalid,
                "errors.layer_blob_size",
                [arg(digest), arg(meta.size_bytes), arg(size)],
            );
        }
        Ok(meta.size_bytes)
    }

    /// Cross-repository mount: links a blob `from` already has into `repo` without copying.
    /// Returns false (the client must upload) when `from` does not have it, as a registry
    /// answers 202 instead of 201.
    pub(super) fn mount_blob_direct(&mut self, repo: &str, from: &str, digest: &str) -> Result<bool> {
        let (repo, from, digest) = mount_names(repo, from, digest)?;
        let ticket = self.admit(throttle::Cost::writes(1))?;
        self.check_writable(&repo)?;
        if !self.repos.get(&from).is_some_and(|r| r.has_blob(&digest)) {
            self.complete(ticket, 0, 0);
            return Ok(false);
        }
        self.link(&repo, digest);
        self.log(EventKind::BlobMounted { repo, from, digest });
        self.complete(ticket, 0, 0);
        Ok(true)
    }

    /// Why `mount_blob_direct` would be refused before it changes anything, if it would.
    pub(super) fn mount_blob_refusal(&self, repo: &str, from: &str, digest: &str) -> Result<()> {
        let (repo, ..) = mount_names(repo, from, digest)?;
        self.refusal_after_admission(throttle::Cost::writes(1), |r| r.check_writable(&repo))
    }

    /// A client's pull of a blob: decrypted, re-verified against its digest, counted as one
    /// read, and taking the virtual time its size needs at the tier's download bandwidth.
    pub(super) fn pull_blob_direct(&mut self, repo: &str, digest: &str) -> Result<Vec<u8>> {
        let ticket = self.admit(throttle::Cost::reads(1))?;
        let bytes = self.read_blob(repo, digest)?;
        let size = Digest::parse(digest).ok().and_then(|d| self.blobs.get(&d)).map_or(0, |m| m.size_bytes);
        self.complete(ticket, 0, size);
        Ok(bytes)
    }

    /// Why `pull_blob_direct` would be refused before it changes anything, if it would (short
    /// of reading the bytes: a pull refused only there is run, and recorded).
    pub(super) fn pull_blob_refusal(&self, repo: &str, digest: &str) -> Result<()> {
        self.refusal_after_admission(throttle::Cost::reads(1), |r| r.blob_readable(repo, digest).map(drop))
    }

    /// The blob's bytes, decrypted and re-verified, as the registry's owner reads them in the
    /// page: not counted against any limit and taking no virtual time.
    pub fn read_blob(&self, repo: &str, digest: &str) -> Result<Vec<u8>> {
        let digest = self.blob_readable(repo, digest)?;
        self.store.open(&self.vault, &RecordKey { kind: RecordKind::Blob, digest })
    }

    /// `read_blob` a piece at a time (a page reading a large blob between frames): the checks
    /// now, the bytes from `BlobReader::advance`, as `read_blob` would give them.
    pub fn begin_read_blob(&self, repo: &str, digest: &str) -> Result<super::blob_store::BlobReader> {
        let digest = self.blob_readable(repo, digest)?;
        self.store.reader(&self.vault, &RecordKey { kind: RecordKind::Blob, digest })
    }

    /// The checks `read_blob` makes before it reads the bytes.
    fn blob_readable(&self, repo: &str, digest: &str) -> Result<Digest> {
        let (repo, digest) = (RepoName::parse(repo)?, Digest::parse(digest)?);
        let r = self.repo(&repo)?;
        if !r.has_blob(&digest) {
            return err_k(ErrorCode::BlobUnknown, "errors.blob_not_in_repo", [arg(digest), arg(&repo)]);
        }
        if !r.attributes.read_enabled {
            return Err(disallowed("errors.lock_repo_read", [arg(&repo)]));
        }
        self.check_key_usable()?;
        Ok(digest)
    }

    // ---- manifests ---------------------------------------------------------------------

    /// Pushes a manifest under a tag or its digest; stored byte-exact. Every blob and child
    /// manifest it references must already be in the repository.
    pub(super) fn push_manifest_direct(
        &mut self,
        repo: &str,
        reference: &str,
        body: &[u8],
        content_type: Option<&str>,
    ) -> Result<Digest> {
        let ticket = self.admit(throttle::Cost::writes(1))?;
        let digest = self.put_manifest(repo, reference, body, content_type)?;
        self.complete(ticket, body.len() as u64, 0);
        // Acknowledged: the oracle expects the tag everywhere from now on (from whichever
        // front door the push came: the JS API, the page, a scenario, a client, an import).
        if let (Ok(repo), Ok(Reference::Tag(tag))) = (RepoName::parse(repo), Reference::parse(reference)) {
            let now = self.now;
            self.oracle.push_ok(&repo, &tag, digest, now);
        }
        Ok(digest)
    }

    /// Why `push_manifest_direct` would be refused before it changes anything, if it would.
    pub(super) fn push_manifest_refusal(
        &self,
        repo: &str,
        reference: &str,
        body: &[u8],
        content_type: Option<&str>,
    ) -> Result<()> {
        self.refusal_after_admission(throttle::Cost::writes(1), |r| {
            r.manifest_refusal(repo, reference, body, content_type).map(drop)
        })
    }

    fn put_manifest(
        &mut self,
        repo: &str,
        reference: &str,
        body: &[u8],
        content_type: Option<&str>,
    ) -> Result<Digest> {
        let (repo, reference, parsed, digest) = self.manifest_refusal(repo, reference, body, content_type)?;
        let key = RecordKey { kind: RecordKind::Manifest, digest };
        if self.store.is_lost(&key) {
            self.put_record(key, body, body.len() as u64)?;
        }
        if !self.manifests.contains_key(&digest) {
            self.put_record(key, body, body.len() as u64)?;
            let blobs = parsed.required_blobs().iter().map(|d| d.digest).collect();
            let meta = ManifestMeta {
                media_type: parsed.media_type,
                size_bytes: body.len() as u64,
                parsed,
                blobs,
                repos: 0,
            };
            self.manifests.insert(digest, meta);
        }
        self.hold_manifest(&repo, digest);
        let tag = match reference {
            Reference::Tag(t) => Some(t),
            Reference::Digest(_) => None,
        };
        let mut r = self.repos.get_or_default(&repo);
        let left_dangling = tag
            .as_ref()
            .and_then(|t| r.tags.insert(t.clone(), digest))
            .filter(|old| *old != digest && !r.tags.values().any(|d| d == old));
        if let Some(t) = &tag {
            r.untagged_at.remove(&digest);
            r.tag_stamps.insert(t.clone(), (self.now, self.region.name));
        }
        drop(r);
        let target = match &tag {
            Some(t) => format!("{repo}:{t}"),
            None => format!("{repo}@{digest}"),
        };
        self.upload_bytes = self.upload_bytes.saturating_add(body.len() as u64);
        self.log(EventKind::ManifestPushed { repo: repo.clone(), digest, tag, left_dangling });
        self.fire_webhooks(WebhookAction::Push, &repo, target);
        if let Some(old) = left_dangling {
            self.note_untagged(&repo, old);
        }
        Ok(digest)
    }

    /// The checks a manifest push starts with (all of them before anything is written).
    fn manifest_refusal(
        &self,
        repo: &str,
        reference: &str,
        body: &[u8],
        content_type: Option<&str>,
    ) -> Result<(RepoName, Reference, ParsedManifest, Digest)> {
        let repo = RepoName::parse(repo)?;
        let reference = Reference::parse(reference)?;
        let parsed = manifest::parse(body, content_type)?;
        let digest = Digest::of(body);
        if let Reference::Digest(d) = &reference
            && *d != digest
        {
            return err_k(ErrorCode::DigestInvalid, "errors.manifest_hash_mismatch", [arg(digest), arg(d)]);
        }
        self.check_references(&repo, &parsed)?;
        self.check_writable(&repo)?;
        self.check_key_usable()?;
        self.check_not_soft_deleted(&repo, &digest)?;
        if let Reference::Tag(t) = &reference {
            self.check_tag_movable(&repo, t, Some(digest))?;
        }
        let lost = self.store.is_lost(&RecordKey { kind: RecordKind::Manifest, digest });
        if !self.manifests.contains_key(&digest) || lost {
            self.check_room(body.len() as u64)?;
        }
        Ok((repo, reference, parsed, digest))
    }

    fn check_references(&self, repo: &RepoName, parsed: &ParsedManifest) -> Result<()> {
        let r = self.repos.get(repo);
        let mut missing: Vec<Arg> = vec![];
        for d in parsed.required_blobs() {
            let key = RecordKey { kind: RecordKind::Blob, digest: d.digest };
            if self.store.is_lost(&key) {
                missing.push(Msg::new("errors.missing_blob_lost", [arg(d.digest)]).into());
                continue;
            }
            match self.blobs.get(&d.digest) {
                Some(meta) if r.is_some_and(|r| r.has_blob(&d.digest)) => {
                    if meta.size_bytes != d.size {
                        return err_k(
                            ErrorCode::ManifestInvalid,
                            "errors.descriptor_size",
                            [arg(d.digest), arg(d.size), arg(meta.size_bytes)],
                        );
                    }
                }
                _ => missing.push(arg(format_args!("blob {}", d.digest))),
            }
        }
        for d in &parsed.manifests {
            if !r.is_some_and(|r| r.manifests.contains(&d.digest)) {
                missing.push(Msg::new("errors.missing_manifest", [arg(d.digest)]).into());
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        err_k(ErrorCode::ManifestBlobUnknown, "errors.manifest_refs_missing", [arg(repo), listed(missing)])
    }

    pub(super) fn hold_manifest(&mut self, repo: &RepoName, digest: Digest) {
        let Some(meta) = self.manifests.get_mut(&digest) else { return };
        let mut r = self.repos.get_or_default(repo);
        if r.manifests.insert(digest) {
            r.pushed_at.insert(digest, self.now);
            meta.repos += 1;
            for b in &meta.blobs {
                *r.links.entry(*b).or_insert(0) += 1;
            }
        }
    }

    /// A client's pull of the manifest a tag or digest names: decrypted and re-verified,
    /// byte-exact, counted as one read, taking its transfer time.
    pub(super) fn pull_manifest_direct(&mut self, repo: &str, reference: &str) -> Result<PulledManifest> {
        let ticket = self.admit(throttle::Cost::reads(1))?;
        let pulled = self.read_manifest(repo, reference)?;
        self.complete(ticket, 0, pulled.bytes.len() as u64);
        Ok(pulled)
    }

    /// Why `pull_manifest_direct` would be refused before it changes anything, if it would
    /// (short of reading the bytes).
    pub(super) fn pull_manifest_refusal(&self, repo: &str, reference: &str) -> Result<()> {
        self.refusal_after_admission(throttle::Cost::reads(1), |r| {
            r.manifest_readable(repo, reference).map(drop)
        })
    }

    /// The checks `read_manifest` makes before it reads the bytes.
    fn manifest_readable(&self, repo: &str, reference: &str) -> Result<Digest> {
        let (repo, reference) = (RepoName::parse(repo)?, Reference::parse(reference)?);
        let digest = self.resolve(&repo, &reference)?;
        self.check_readable(&repo, &reference, &digest)?;
        self.check_key_usable()?;
        Ok(digest)
    }

    /// The manifest as the owner reads it in the page: not counted, no virtual time.
    pub fn read_manifest(&self, repo: &str, reference: &str) -> Result<PulledManifest> {
        let digest = self.manifest_readable(repo, reference)?;
        let bytes = self.store.open(&self.vault, &RecordKey { kind: RecordKind::Manifest, digest })?;
        let media_type = self.manifests.get(&digest).map_or(MediaType::OciManifest, |m| m.media_type);
        Ok(PulledManifest { digest, media_type, bytes })
    }

    pub(super) fn repo(&self, repo: &RepoName) -> Result<&Repository> {
        self.repos.get(repo).map(|r| &**r).ok_or_else(|| unknown_repo(repo))
    }

    fn resolve(&self, repo: &RepoName, reference: &Reference) -> Result<Digest> {
        let r = self.repo(repo)?;
        let found = match reference {
            Reference::Tag(t) => r.tags.get(t).copied(),
            Reference::Digest(d) => r.manifests.contains(d).then_some(*d),
        };
        found.ok_or_else(|| {
            RegistryError::keyed(
                ErrorCode::ManifestUnknown,
                "errors.manifest_unknown",
                [arg(repo), arg(reference)],
            )
        })
    }

    // ---- tiers and storage limits ----------------------------------------------------------

    pub fn tier(&self) -> TierView {
        TierView {
            tier: self.tier,
            storage_era: self.storage_era,
            included_bytes: self.tier.included_bytes(),
            limit_bytes: self.limit_bytes(),
        }
    }

    fn limit_bytes(&self) -> u64 {
        self.storage_era.limit_bytes(self.tier)
    }

    /// Changes the tier, with no downtime. Refused (405) when the registry's billed storage
    /// exceeds the target tier's limit.
    pub(super) fn set_tier_direct(&mut self, tier: &str) -> Result<TierView> {
        let tier = self.set_tier_refusal(tier)?;
        let from = self.tier;
        self.tier = tier;
        self.log(EventKind::TierChanged { from, to: tier });
        Ok(self.tier())
    }

    /// Why `set_tier_direct` would be refused (before it changes anything), if it would; the
    /// tier otherwise.
    pub(super) fn set_tier_refusal(&self, tier: &str) -> Result<Tier> {
        self.check_control_plane()?;
        let tier = Tier::parse(tier)?;
        if tier != Tier::Premium {
            let premium_in_use = [
                (self.vault.kind() == KeyKind::CustomerManaged, "errors.tier_down_cmk"),
                (self.retention.enabled, "errors.tier_down_retention"),
                (self.replicas.len() > 1, "errors.tier_down_replicas"),
            ];
            if let Some(&(_, why)) = premium_in_use.iter().find(|(on, _)| *on) {
                return Err(disallowed(why, [arg(tier)]));
            }
        }
        if let Some(why) = self.feature_blocking_downgrade(tier) {
            return Err(disallowed(why.key, why.args));
        }
        let billed = self.store.billed_bytes();
        let limit = self.storage_era.limit_bytes(tier);
        if billed > limit {
            return Err(disallowed("errors.tier_storage_over", [arg(tier), arg(limit), arg(billed)]));
        }
        Ok(tier)
    }

    /// What the registry costs per day now: the tier's fee plus storage beyond what it includes.
    pub fn cost(&self) -> Cost {
        let replicas = u32::try_from(self.replicas.len() - 1).unwrap_or(u32::MAX);
        daily_cost_with_replicas(self.tier, self.store.billed_bytes(), replicas)
    }

    /// Logical bytes a blob would add: none if it is already stored and live (deduplication).
    fn new_blob_bytes(&self, digest: &Digest, size_bytes: u64) -> u64 {
        let lost = self.store.is_lost(&RecordKey { kind: RecordKind::Blob, digest: *digest });
        if self.blobs.contains_key(digest) && !lost { 0 } else { size_bytes }
    }

    /// At the storage limit a push is refused whole (405), as ACR does.
    fn check_room(&self, new_bytes: u64) -> Result<()> {
        let billed = self.store.billed_bytes();
        let limit = self.limit_bytes();
        if new_bytes > 0 && billed.saturating_add(new_bytes) > limit {
            return Err(disallowed(
                "errors.storage_limit",
                [arg(self.tier), quoted(self.storage_era), arg(limit), arg(billed), arg(new_bytes)],
            ));
        }
        Ok(())
    }

    /// The storage-limit and soft-delete checks for a whole image, before anything is written:
    /// a quick upper bound first, and only near the limit (or when the repository has a
    /// soft-delete bin) the exact image (hashing the files, drawing the synthetic seeds from a
    /// copy of the RNG, building the exact config and manifest).
    fn check_image_room(&self, repo: &RepoName, layers: &[LayerInput]) -> Result<()> {
        let upper: u64 = layers
            .iter()
            .map(|l| match l {
                LayerInput::File { bytes, .. } => bytes.len() as u64,
                LayerInput::Synthetic { size_bytes, .. } => *size_bytes,
                LayerInput::Uploaded { .. } => 0,
            })
            .sum::<u64>()
            .saturating_add(2 * manifest::MANIFEST_MAX_BYTES as u64);
        let billed = self.store.billed_bytes();
        let bin_empty = self.repos.get(repo).is_none_or(|r| r.deleted_manifests.is_empty());
        if billed.saturating_add(upper) <= self.limit_bytes() && bin_empty {
            return Ok(());
        }
        let mut rng = self.rng.clone();
        let mut seen = BTreeSet::new();
        let mut new_bytes = 0u64;
        let mut built = vec![];
        for l in layers {
            let layer = match l {
                LayerInput::File { bytes, .. } => BuiltLayer::of(l, Digest::of(bytes), None),
                LayerInput::Uploaded { digest, .. } => BuiltLayer::of(l, *digest, None),
                LayerInput::Synthetic { size_bytes, seed } => {
                    let seed = seed.unwrap_or_else(|| rng.next_u64());
                    let digest = Digest::of(&SyntheticLayer::new(*size_bytes, seed)?.materialise());
                    BuiltLayer::of(l, digest, Some(seed))
                }
            };
            if seen.insert(layer.digest) {
                new_bytes += self.new_blob_bytes(&layer.digest, layer.size_bytes);
            }
            built.push(layer);
        }
        let config = image::config_bytes(&built);
        let manifest = image::manifest_bytes(&config, &built);
        let manifest_digest = Digest::of(&manifest);
        self.check_not_soft_deleted(repo, &manifest_digest)?;
        new_bytes += self.new_blob_bytes(&Digest::of(&config), config.len() as u64);
        if !self.manifests.contains_key(&manifest_digest) {
            new_bytes += manifest.len() as u64;
        }
        self.check_room(new_bytes)
    }

    // ---- locks -------------------------------------------------------------------------

    /// Sets attributes on a repository (`reference` None), a tag or a manifest (by digest);
    /// returns the attributes now in force. Unlocking is always allowed.
    pub(super) fn set_attributes_direct(
        &mut self,
        repo: &str,
        reference: Option<&str>,
        patch: &AttributePatch,
    ) -> Result<Attributes> {
        let (repo, reference) = self.set_attributes_refusal(repo, reference)?;
        let mut r = self.repos.get_mut(&repo).ok_or_else(|| unknown_repo(&repo))?;
        let (target, attributes) = match reference {
            None => {
                r.attributes = r.attributes.apply(patch);
                ("repository".to_string(), r.attributes)
            }
            Some(reference) => {
                let target = match reference {
                    Reference::Tag(t) => LockTarget::Tag(t),
                    Reference::Digest(d) => LockTarget::Manifest(d),
                };
                let attributes = r.attributes_of(&target).apply(patch);
                r.set_attributes(target.clone(), attributes);
                let name = match target {
                    LockTarget::Tag(t) => format!(":{t}"),
                    LockTarget::Manifest(d) => format!("@{d}"),
                };
                (name, attributes)
            }
        };
        drop(r);
        self.log(EventKind::AttributesChanged { repo, target, attributes });
        Ok(attributes)
    }

    /// Why `set_attributes_direct` would be refused (before it changes anything), if it would:
    /// an unknown repository, tag or manifest.
    pub(super) fn set_attributes_refusal(
        &self,
        repo: &str,
        reference: Option<&str>,
    ) -> Result<(RepoName, Option<Reference>)> {
        let repo = RepoName::parse(repo)?;
        let reference = reference.map(Reference::parse).transpose()?;
        if let Some(reference) = &reference {
            self.resolve(&repo, reference)?;
        }
        self.repo(&repo)?;
        Ok((repo, reference))
    }

    /// The attributes of a repository (`reference` None), a tag or a manifest.
    pub fn attributes(&self, repo: &str, reference: Option<&str>) -> Result<Attributes> {
        let repo = RepoName::parse(repo)?;
        let r = self.repo(&repo)?;
        let Some(reference) = reference.map(Reference::parse).transpose()? else { return Ok(r.attributes) };
        self.resolve(&repo, &reference)?;
        Ok(match reference {
            Reference::Tag(t) => r.tag_attributes(&t),
            Reference::Digest(d) => r.manifest_attributes(&d),
        })
    }

    pub(super) fn check_writable(&self, repo: &RepoName) -> Result<()> {
        match self.repos.get(repo) {
            Some(r) if !r.attributes.write_enabled => Err(disallowed("errors.lock_repo_write", [arg(repo)])),
            _ => Ok(()),
        }
    }

    /// A write-locked tag cannot be moved to another manifest (`to`: None = any).
    fn check_tag_movable(&self, repo: &RepoName, tag: &Tag, to: Option<Digest>) -> Result<()> {
        let Some(r) = self.repos.get(repo) else { return Ok(()) };
        match r.tags.get(tag) {
            Some(current) if Some(*current) != to && !r.tag_attributes(tag).write_enabled => {
                Err(disallowed("errors.lock_tag_push_over", [arg(repo), arg(tag)]))
            }
            _ => Ok(()),
        }
    }

    fn check_readable(&self, repo: &RepoName, reference: &Reference, digest: &Digest) -> Result<()> {
        let r = self.repo(repo)?;
        if !r.attributes.read_enabled {
            return Err(disallowed("errors.lock_repo_read", [arg(repo)]));
        }
        if let Reference::Tag(t) = reference
            && !r.tag_attributes(t).read_enabled
        {
            return Err(disallowed("errors.lock_tag_read", [arg(repo), arg(t)]));
        }
        if !r.manifest_attributes(digest).read_enabled {
            return Err(disallowed("errors.lock_manifest_read", [arg(repo), arg(digest)]));
        }
        Ok(())
    }

    // ---- listing -----------------------------------------------------------------------

    /// Repositories holding at least one manifest, in lexical order; those with
    /// `listEnabled = false` are hidden, as in ACR.
    pub(super) fn catalog_direct(&mut self, n: Option<u64>, last: Option<&str>) -> Result<CatalogPage> {
        let ticket = self.admit(throttle::Cost::reads(1))?;
        let page = self.catalog_page(n, last, false)?;
        self.complete(ticket, 0, 0);
        Ok(page)
    }

    /// Why `catalog_direct` would be refused before it changes anything, if it would.
    pub(super) fn catalog_refusal(&self, n: Option<u64>, last: Option<&str>) -> Result<()> {
        self.refusal_after_admission(throttle::Cost::reads(1), |r| r.catalog_page(n, last, false).map(drop))
    }

    /// The catalog as the registry's owner sees it in the page: hidden repositories included
    /// (their `attributes.list_enabled` says so), so they can be found and unlocked.
    pub fn catalog_with_hidden(&self, n: Option<u64>, last: Option<&str>) -> Result<CatalogPage> {
        self.catalog_page(n, last, true)
    }

    fn catalog_page(&self, n: Option<u64>, last: Option<&str>, include_hidden: bool) -> Result<CatalogPage> {
        let n = page_size(n)?;
        let start = last.map_or(Bound::Unbounded, Bound::Excluded);
        let names = self
            .repos
            .range::<str, _>((start, Bound::Unbounded))
            .filter(|(_, r)| !r.manifests.is_empty() && (include_hidden || r.attributes.list_enabled))
            .map(|(name, _)| name.as_str());
        let page = paginate(names, n);
        Ok(CatalogPage { repositories: page.items, next: page.next })
    }

    /// A repository's tags, in lexical order.
    pub(super) fn tags_direct(&mut self, repo: &str, n: Option<u64>, last: Option<&str>) -> Result<TagPage> {
        let ticket = self.admit(throttle::Cost::reads(1))?;
        let page = self.tag_page(repo, n, last)?;
        self.complete(ticket, 0, 0);
        Ok(page)
    }

    /// Why `tags_direct` would be refused before it changes anything, if it would.
    pub(super) fn tags_refusal(&self, repo: &str, n: Option<u64>, last: Option<&str>) -> Result<()> {
        self.refusal_after_admission(throttle::Cost::reads(1), |r| r.tag_page(repo, n, last).map(drop))
    }

    /// A repository's tags as the owner sees them in the page (not counted).
    pub fn tag_page(&self, repo: &str, n: Option<u64>, last: Option<&str>) -> Result<TagPage> {
        let repo = RepoName::parse(repo)?;
        let n = page_size(n)?;
        let r = self.repo(&repo)?;
        let start = last.map_or(Bound::Unbounded, Bound::Excluded);
        let listed = r
            .tags
            .range::<str, _>((start, Bound::Unbounded))
            .filter(|(t, _)| r.tag_attributes(t).list_enabled);
        let page = paginate(listed.map(|(t, _)| t.as_str()), n);
        Ok(TagPage { name: repo, tags: page.items, next: page.next })
    }

    /// Every manifest in a repository (tagged or not), newest digest order is lexical.
    pub fn manifests(&self, repo: &str) -> Result<Vec<ManifestView>> {
        let repo = RepoName::parse(repo)?;
        let r = self.repo(&repo)?;
        Ok(r.manifests.iter().filter_map(|d| self.manifest_view(&repo, r, d)).collect())
    }

    fn manifest_view(&self, repo: &RepoName, r: &Repository, digest: &Digest) -> Option<ManifestView> {
        let meta = self.manifests.get(digest)?;
        let config = meta.parsed.config.as_ref().map(|d| self.layer_view(repo, d));
        let layers: Vec<LayerView> = meta.parsed.layers.iter().map(|d| self.layer_view(repo, d)).collect();
        let image_bytes = config.iter().chain(layers.iter()).map(|l| l.size_bytes).sum();
        Some(ManifestView {
            digest: *digest,
            media_type: meta.media_type,
            size_bytes: meta.size_bytes,
            tag_attributes: r.tags_of(digest).iter().map(|t| r.tag_attributes(t)).collect(),
            tags: r.tags_of(digest),
            attributes: r.manifest_attributes(digest),
            config,
            layers,
            manifests: meta.parsed.manifests.clone(),
            image_bytes,
        })
    }

    fn layer_view(&self, repo: &RepoName, d: &Descriptor) -> LayerView {
        let meta = self.blobs.get(&d.digest);
        let here = self.repos.get(repo).is_some_and(|r| r.has_blob(&d.digest));
        let others = meta.map_or(0, |m| (m.repos as usize).saturating_sub(usize::from(here)));
        LayerView {
            digest: d.digest,
            media_type: d.media_type.clone(),
            size_bytes: d.size,
            title: d.title().map(str::to_string),
            synthetic: meta.and_then(|m| m.synthetic),
            account: self.store.accounts()[self.store.shard_of(&d.digest)].name().to_string(),
            shared_with: others,
        }
    }

    // ---- deletes -----------------------------------------------------------------------

    /// Removes a tag only; the manifest stays stored (and billed), pullable by digest.
    pub(super) fn untag_direct(&mut self, repo: &str, tag: &str) -> Result<Digest> {
        let ticket = self.admit(throttle::Cost::deletes(1))?;
        let digest = self.remove_tag(repo, tag)?;
        self.complete(ticket, 0, 0);
        // Removed on purpose: the oracle no longer expects the tag anywhere.
        if let (Ok(repo), Ok(tag)) = (RepoName::parse(repo), Tag::parse(tag)) {
            self.oracle.untagged(&repo, &tag, &digest);
        }
        Ok(digest)
    }

    /// Why `untag_direct` would be refused before it changes anything, if it would.
    pub(super) fn untag_refusal(&self, repo: &str, tag: &str) -> Result<()> {
        self.refusal_after_admission(throttle::Cost::deletes(1), |r| {
            r.tag_removal_refusal(repo, tag).map(drop)
        })
    }

    /// The checks an untag starts with (all of them before anything changes).
    fn tag_removal_refusal(&self, repo: &str, tag: &str) -> Result<(RepoName, Tag)> {
        let (repo, tag) = (RepoName::parse(repo)?, Tag::parse(tag)?);
        let r = self.repo(&repo)?;
        if !r.tags.contains_key(&tag) {
            return err_k(ErrorCode::ManifestUnknown, "errors.tag_unknown", [arg(&repo), arg(&tag)]);
        }
        if !r.attributes.deletable() {
            return Err(disallowed("errors.lock_repo_delete", [arg(&repo)]));
        }
        if !r.tag_attributes(&tag).deletable() {
            return Err(disallowed(
                "errors.lock_tag",
                [arg(&repo), arg(&tag), r.tag_attributes(&tag).text().into()],
            ));
        }
        Ok((repo, tag))
    }

    fn remove_tag(&mut self, repo: &str, tag: &str) -> Result<Digest> {
        let (repo, tag) = self.tag_removal_refusal(repo, tag)?;
        let Some(mut r) = self.repos.get_mut(&repo) else {
            return Err(unknown_repo(&repo));
        };
        let Some(digest) = r.tags.remove(&tag) else {
            return err_k(ErrorCode::ManifestUnknown, "errors.tag_unknown", [arg(&repo), arg(&tag)]);
        };
        r.forget(&LockTarget::Tag(tag.clone()));
        r.tag_stamps.insert(tag.clone(), (self.now, self.region.name));
        let last_tag = !r.tags.values().any(|d| *d == digest);
        drop(r);
        self.log(EventKind::Untagged { repo: repo.clone(), tag: tag.clone(), digest });
        if self.soft_delete.enabled {
            self.soft_delete_tag(&repo, tag, digest);
        }
        if last_tag {
            self.note_untagged(&repo, digest);
        }
        Ok(digest)
    }

    /// Deletes a manifest named by digest, or by tag (ACR's `--image repo:tag`: the manifest the
    /// tag points to). All its tags go with it, and every layer no other manifest uses is freed
    /// at once. Cannot be undone.
    pub(super) fn delete_manifest_direct(&mut self, repo: &str, reference: &str) -> Result<Deleted> {
        let ticket = self.admit(throttle::Cost::deletes(1))?;
        let deleted = self.remove_image(repo, reference)?;
        self.complete(ticket, 0, 0);
        self.tell_oracle_deleted(repo, &deleted);
        Ok(deleted)
    }

    /// Why `delete_manifest_direct` would be refused before it changes anything, if it would.
    pub(super) fn delete_manifest_refusal(&self, repo: &str, reference: &str) -> Result<()> {
        self.refusal_after_admission(throttle::Cost::deletes(1), |r| {
            r.image_removal_refusal(repo, reference).map(drop)
        })
    }

    /// The checks a manifest delete starts with (all of them before anything changes).
    fn image_removal_refusal(&self, repo: &str, reference: &str) -> Result<(RepoName, Digest)> {
        let (repo, reference) = (RepoName::parse(repo)?, Reference::parse(reference)?);
        let digest = self.resolve(&repo, &reference)?;
        let r = self.repo(&repo)?;
        if !r.attributes.deletable() {
            return Err(disallowed("errors.lock_repo_delete", [arg(&repo)]));
        }
        check_manifest_deletable(&repo, r, &digest)?;
        Ok((repo, digest))
    }

    fn remove_image(&mut self, repo: &str, reference: &str) -> Result<Deleted> {
        let (repo, digest) = self.image_removal_refusal(repo, reference)?;
        let mut deleted = Deleted::default();
        if self.soft_delete.enabled {
            self.soft_delete_manifest(&repo, digest, &mut deleted);
        } else {
            self.remove_manifest(&repo, digest, &mut deleted);
        }
        self.drop_if_empty(&repo);
        Ok(deleted)
    }

    /// Deletes a repository: its tags, manifests and every blob link; records nothing else
    /// uses are freed at once. Cannot be undone.
    pub(super) fn delete_repository_direct(&mut self, repo: &str) -> Result<Deleted> {
        let ticket = self.admit(throttle::Cost::deletes(1))?;
        let deleted = self.remove_repository(repo)?;
        self.complete(ticket, 0, 0);
        self.tell_oracle_deleted(repo, &deleted);
        Ok(deleted)
    }

    /// Why `delete_repository_direct` would be refused before it changes anything, if it would.
    pub(super) fn delete_repository_refusal(&self, repo: &str) -> Result<()> {
        self.refusal_after_admission(throttle::Cost::deletes(1), |r| {
            r.repository_removal_refusal(repo).map(drop)
        })
    }

    /// The checks a repository delete starts with (all of them before anything changes).
    fn repository_removal_refusal(&self, repo: &str) -> Result<RepoName> {
        let repo = RepoName::parse(repo)?;
        let r = self.repo(&repo)?;
        if !r.attributes.deletable() {
            return Err(disallowed(
                "errors.lock_repo_delete_attributes",
                [arg(&repo), r.attributes.text().into()],
            ));
        }
        for digest in &r.manifests {
            check_manifest_deletable(&repo, r, digest)?;
        }
        Ok(repo)
    }

    fn remove_repository(&mut self, repo: &str) -> Result<Deleted> {
        let repo = self.repository_removal_refusal(repo)?;
        let deleted = self.purge_repository(&repo);
        let manifests = deleted.manifests.len();
        self.log(EventKind::RepositoryDeleted { repo, manifests });
        Ok(deleted)
    }

    /// An acknowledged delete (from whichever front door): the oracle no longer expects its
    /// images' tags anywhere, and expects every replica to drop its manifests.
    fn tell_oracle_deleted(&mut self, repo: &str, deleted: &Deleted) {
        if let Ok(repo) = RepoName::parse(repo) {
            let now = self.now;
            for d in &deleted.manifests {
                self.oracle.forget(&repo, d, now);
            }
        }
    }

    /// Removes (or soft-deletes) everything a repository holds, without any check.
    pub(super) fn purge_repository(&mut self, repo: &RepoName) -> Deleted {
        let manifests: Vec<Digest> =
            self.repos.get(repo).map(|r| r.manifests.iter().copied().collect()).unwrap_or_default();
        let mut deleted = Deleted::default();
        let repo = repo.clone();
        for digest in manifests {
            if self.soft_delete.enabled {
                self.soft_delete_manifest(&repo, digest, &mut deleted);
            } else {
                self.remove_manifest(&repo, digest, &mut deleted);
            }
        }
        // Blobs pushed but referenced by no manifest (links at 0) go now; soft-deleted
        // manifests keep theirs.
        let pending: Vec<Digest> = self
            .repos
            .get(&repo)
            .map(|r| r.links.iter().filter(|(_, n)| **n == 0).map(|(d, _)| *d).collect())
            .unwrap_or_default();
        for digest in pending {
            self.unlink(&repo, digest, &mut deleted);
        }
        self.drop_if_empty(&repo);
        deleted
    }

    pub(super) fn remove_manifest(&mut self, repo: &RepoName, digest: Digest, out: &mut Deleted) {
        let Some(mut r) = self.repos.get_mut(repo) else { return };
        let tags = r.remove_tags_of(&digest);
        r.manifests.remove(&digest);
        r.pushed_at.remove(&digest);
        r.deleted_manifests.remove(&digest);
        // Tags in the soft-delete bin that name it can never be restored now.
        r.deleted_tags.retain(|t| t.digest != digest);
        r.untagged_at.remove(&digest);
        r.forget(&LockTarget::Manifest(digest));
        let blobs: Vec<Digest> =
            self.manifests.get(&digest).map(|m| m.blobs.iter().copied().collect()).unwrap_or_default();
        let mut unreferenced = vec![];
        for b in blobs {
            if let Some(count) = r.links.get_mut(&b) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    unreferenced.push(b);
                }
            }
        }
        drop(r);
        for b in unreferenced {
            self.unlink(repo, b, out);
        }
        self.log(EventKind::ManifestDeleted { repo: repo.clone(), digest, tags: tags.clone() });
        self.fire_webhooks(WebhookAction::Delete, repo, format!("{repo}@{digest}"));
        out.manifests.push(digest);
        out.tags.extend(tags);
        let Some(meta) = self.manifests.get_mut(&digest) else { return };
        meta.repos = meta.repos.saturating_sub(1);
        if meta.repos == 0 {
            self.manifests.remove(&digest);
            self.free(RecordKey { kind: RecordKind::Manifest, digest }, out);
        }
    }

    /// Removes a repository's link to a blob; frees the blob when no repository links it.
    fn unlink(&mut self, repo: &RepoName, digest: Digest, out: &mut Deleted) {
        let Some(mut r) = self.repos.get_mut(repo) else { return };
        if r.links.remove(&digest).is_none() {
            return;
        }
        drop(r);
        let Some(meta) = self.blobs.get_mut(&digest) else { return };
        meta.repos = meta.repos.saturating_sub(1);
        if meta.repos == 0 {
            self.blobs.remove(&digest);
            self.free(RecordKey { kind: RecordKind::Blob, digest }, out);
        }
    }

    /// Nothing references the record any more: billing stops now, and a garbage-collection job
    /// reclaims the space after the registry's GC delay.
    fn free(&mut self, key: RecordKey, out: &mut Deleted) {
        let Some(logical_bytes) = self.store.release(&key, self.now) else {
            self.store.forget_lost(&key);
            return;
        };
        let reclaim_at_ms = self.reclaim_at_if_released_now();
        if !self.queue.push(reclaim_at_ms, Job::Reclaim { site: self.region.name, key }) {
            // The queue is full: reclaim at once rather than leak the space.
            self.reclaim(key);
        }
        out.released_records.push(key.to_string());
        out.released_bytes += logical_bytes;
        out.reclaim_at_ms = Some(reclaim_at_ms);
        let account = self.store.account_of(&key.digest).to_string();
        self.log(EventKind::RecordReleased { account, key: key.to_string(), logical_bytes, reclaim_at_ms });
    }

    fn reclaim(&mut self, key: RecordKey) {
        if let Some(record) = self.store.reclaim(&key) {
            let account = self.store.account_of(&key.digest).to_string();
            let logical_bytes = record.logical_bytes;
            self.log(EventKind::RecordReclaimed { account, key: key.to_string(), logical_bytes });
        }
    }

    pub(super) fn log(&mut self, kind: EventKind) {
        let change = if self.replicating { None } else { Change::of(&kind) };
        self.events.push(self.now, self.region.name, kind);
        if let Some(change) = change {
            self.replicate_out(change);
        }
        self.maybe_sample();
    }

    pub(super) fn drop_if_empty(&mut self, repo: &RepoName) {
        if self.repos.get(repo).is_some_and(|r| r.is_empty()) {
            self.repos.remove(repo);
        }
    }

    // ---- images ------------------------------------------------------------------------

    /// Pushes a whole image the way a client does (layers, then config, then the manifest
    /// under `tag`). Names, tag and sizes are all checked before anything is written.
    pub(super) fn push_image_direct(
        &mut self,
        repo: &str,
        tag: &str,
        layers: Vec<LayerInput>,
    ) -> Result<PushedImage> {
        let pushed = self.put_image(repo, tag, layers)?;
        // Acknowledged (see `push_manifest_direct`).
        if let (Ok(repo), Ok(tag)) = (RepoName::parse(repo), Tag::parse(tag)) {
            let now = self.now;
            self.oracle.push_ok(&repo, &tag, pushed.digest, now);
        }
        Ok(pushed)
    }

    /// `push_image_direct` without telling the oracle: the large preset's shared images, which
    /// are a fixture of the preset (its repositories' tags are not pushes either).
    pub(super) fn put_image(
        &mut self,
        repo: &str,
        tag: &str,
        layers: Vec<LayerInput>,
    ) -> Result<PushedImage> {
        self.image_refusal(repo, tag, &layers)?;
        let ticket = self.admit(image_push_cost(&layers))?;
        let mut built = Vec::with_capacity(layers.len());
        let mut uploaded = 0u64;
        for layer in &layers {
            let pushed = match layer {
                LayerInput::File { bytes, .. } => self.put_blob(repo, bytes, None)?,
                LayerInput::Synthetic { size_bytes, seed } => {
                    self.put_synthetic_blob(repo, *size_bytes, *seed)?
                }
                LayerInput::Uploaded { digest, size_bytes, .. } => {
                    self.uploaded_layer(&RepoName::parse(repo)?, digest, Some(*size_bytes))?;
                    PushedBlob { digest: *digest, uploaded_bytes: 0 }
                }
            };
            uploaded += pushed.uploaded_bytes;
            let seed = match layer {
                LayerInput::File { .. } | LayerInput::Uploaded { .. } => None,
                LayerInput::Synthetic { .. } => {
                    self.blobs.get(&pushed.digest).and_then(|m| m.synthetic).map(|s| s.seed)
                }
            };
            built.push(BuiltLayer::of(layer, pushed.digest, seed));
        }
        let config = image::config_bytes(&built);
        let config_pushed = self.put_blob(repo, &config, None)?;
        let manifest = image::manifest_bytes(&config, &built);
        let digest = self.put_manifest(repo, tag, &manifest, Some(MediaType::OciManifest.as_str()))?;
        uploaded += config_pushed.uploaded_bytes + manifest.len() as u64;
        let took_ms = self.complete(ticket, uploaded, 0);
        Ok(PushedImage {
            digest,
            config: config_pushed.digest,
            layers: built.iter().map(|l| l.digest).collect(),
            uploaded_bytes: uploaded,
            took_ms,
        })
    }

    /// Why `push_image_direct` would be refused before it changes anything, if it would.
    pub(super) fn push_image_refusal(&self, repo: &str, tag: &str, layers: &[LayerInput]) -> Result<()> {
        self.image_refusal(repo, tag, layers)?;
        self.refusal_after_admission(image_push_cost(layers), |_| Ok(()))
    }

    /// The checks an image push starts with: names, tag and sizes, locks, the key and room,
    /// all before anything is written.
    fn image_refusal(&self, repo: &str, tag: &str, layers: &[LayerInput]) -> Result<()> {
        RepoName::parse(repo)?;
        Tag::parse(tag)?;
        if layers.is_empty() {
            return err_k(ErrorCode::ManifestInvalid, "errors.image_no_layers", []);
        }
        let (repo_name, tag_name) = (RepoName::parse(repo)?, Tag::parse(tag)?);
        for l in layers {
            match l {
                LayerInput::Synthetic { size_bytes, .. } => drop(SyntheticLayer::new(*size_bytes, 0)?),
                LayerInput::Uploaded { digest, size_bytes, .. } => {
                    self.uploaded_layer(&repo_name, digest, Some(*size_bytes)).map(drop)?
                }
                LayerInput::File { .. } => {}
            }
        }
        check_manifest_fits(layers)?;
        self.check_writable(&repo_name)?;
        self.check_tag_movable(&repo_name, &tag_name, None)?;
        self.check_key_usable()?;
        self.check_image_room(&repo_name, layers)
    }

    // ---- geo-redundant storage ---------------------------------------------------------------

    /// Seals and stores a record in its storage account's primary copy and queues its copy
    /// to the paired region (none for a local-geo-only region, or one without a pair).
    fn put_record(&mut self, key: RecordKey, bytes: &[u8], logical_bytes: u64) -> Result<()> {
        self.store.put(&mut self.vault, key, bytes, logical_bytes, self.now)?;
        self.after_put_record(key);
        Ok(())
    }

    /// A record just stored in its primary copy: its copy to the paired region is queued
    /// (unless the account has failed over, and then the record lives in the secondary).
    fn after_put_record(&mut self, key: RecordKey) {
        let now = self.now;
        let failed_over = self.store.get(&key).is_some_and(|r| !r.copies.primary);
        if !failed_over {
            self.schedule_geo_copy(key, now);
        }
    }

    pub(super) fn schedule_geo_copy(&mut self, key: RecordKey, written_at: Millis) {
        if self.region.local_geo_only || self.region.paired.is_none() {
            return;
        }
        let at = self.now.saturating_add(self.geo_lag);
        self.queue.push(at, Job::GeoCopy { site: self.region.name, key, written_at });
    }

    /// The registry's region, where its storage copies to, and each account's recovery point
    /// window (what a destroyed primary would lose now).
    pub fn geo_storage(&self) -> GeoStorageView {
        let accounts = self
            .store
            .accounts()
            .iter()
            .map(|a| {
                let (records, bytes, oldest) = a.rpo_window();
                GeoAccountView {
                    name: a.name().to_string(),
                    failure: a.failure(),
                    uncopied_records: records,
                    uncopied_bytes: bytes,
                    window_ms: oldest.map(|t| Millis(self.now.0.saturating_sub(t.0))),
                    lost_records: a.lost().len(),
                    lost_bytes: a.lost().values().sum(),
                }
            })
            .collect();
        GeoStorageView {
            region: self.region.name,
            region_display_name: self.region.display_name,
            paired: if self.region.local_geo_only { None } else { self.region.paired },
            local_geo_only: self.region.local_geo_only,
            geo_lag_ms: self.geo_lag,
            accounts,
        }
    }

    /// Sets the geo-redundant storage lag for writes from now on (at most 30 days).
    pub(super) fn set_geo_lag_direct(&mut self, lag: Millis) -> Result<GeoStorageView> {
        check_geo_lag(lag)?;
        self.geo_lag = lag;
        self.log(EventKind::feature(Msg::new("events.geo_lag_set", [arg(lag)])));
        Ok(self.geo_storage())
    }

    // ---- throttling and bandwidth ----------------------------------------------------------

    /// Runs `f` with every request in it counted against `identity` (a client, a CI job, a
    /// node of a cluster) instead of the admin user.
    pub(super) fn with_identity_direct<T>(
        &mut self,
        identity: &str,
        f: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        let identity = Identity::parse(identity)?;
        let previous = std::mem::replace(&mut self.caller, identity);
        let out = f(self);
        self.caller = previous;
        out
    }

    /// How far into the current request's upload the change being logged lands.
    pub(super) fn upload_offset(&self) -> Millis {
        let (_, up) = throttle::bandwidth(self.tier);
        throttle::transfer_time(self.upload_bytes, up)
    }

    /// Checks the caller's and the registry's buckets for `cost`. An admission changes nothing
    /// but the count of bytes uploaded so far in the request (reset); a throttled request is
    /// counted (see `refusal_after_admission`, which must agree with this).
    fn admit(&mut self, cost: throttle::Cost) -> Result<Ticket> {
        self.upload_bytes = 0;
        self.check_region_serving()?;
        let caller = self.caller.clone();
        self.throttle.admit(self.tier, self.now, &caller, cost)
    }

    /// For a request that starts with `admit(cost)` and then `check`: why it would be refused
    /// before it changes anything, if it would. `admit` changes nothing when the upload count
    /// is already 0 and the request is not throttled; then a refusal of its region (down) or of
    /// `check` leaves everything as it was. Ok (not refused) when admitting would change
    /// something: the request runs, and is recorded, as any other.
    pub(super) fn refusal_after_admission(
        &self,
        cost: throttle::Cost,
        check: impl FnOnce(&Self) -> Result<()>,
    ) -> Result<()> {
        if self.upload_bytes != 0 {
            return Ok(());
        }
        self.check_region_serving()?;
        if self.throttle.check(self.tier, self.now, &self.caller, cost).is_err() {
            return Ok(());
        }
        check(self)
    }

    /// A request succeeded: its tokens are taken, and the clock moves on by the time its bytes
    /// take at the tier's bandwidth (running any job due meanwhile). Returns that time.
    fn complete(&mut self, ticket: Ticket, uploaded: u64, downloaded: u64) -> Millis {
        self.upload_bytes = 0;
        self.throttle.charge(self.tier, self.now, ticket);
        let (down, up) = throttle::bandwidth(self.tier);
        let took =
            throttle::transfer_time(uploaded, up).saturating_add(throttle::transfer_time(downloaded, down));
        self.run_for(took);
        took
    }

    /// The request-rate limits in force, the registry-wide buckets and the busiest identities.
    pub fn throttle_view(&self) -> ThrottleView {
        self.throttle.view(self.tier, self.now)
    }

    /// Switches between the 2026 token buckets, the 2019 per-minute table and no limits.
    pub(super) fn set_rate_model_direct(&mut self, model: &str) -> Result<ThrottleView> {
        let model = RateModel::parse(model)?;
        let from = self.throttle.model();
        self.throttle.set_model(model);
        self.log(EventKind::RateModelChanged { from, to: model });
        Ok(self.throttle_view())
    }

    /// A cluster scaling out (pain point 7): `nodes` (1–10,000) clients pull the same image at the same
    /// virtual instant, each its manifest, config and every layer (2 + layers reads). With
    /// `shared_identity` they all count against one identity (`cluster`, as AKS nodes share a
    /// kubelet identity); otherwise against `node-1`, `node-2`, …. A throttled node gets
    /// nothing; the report says how many completed and the longest Retry-After. The clock then
    /// moves by the time the completed nodes' bytes take at the tier's download bandwidth.
    pub(super) fn scale_out_pull_direct(
        &mut self,
        repo: &str,
        reference: &str,
        nodes: u32,
        shared_identity: bool,
    ) -> Result<ScaleOutReport> {
        check_scale_out_nodes(nodes)?;
        let manifest = self.read_manifest(repo, reference)?;
        let Some(meta) = self.manifests.get(&manifest.digest) else {
            return err_k(ErrorCode::ManifestUnknown, "errors.manifest_unknown", [arg(repo), arg(reference)]);
        };
        let blobs: Vec<Digest> =
            meta.parsed.config.iter().chain(&meta.parsed.layers).map(|d| d.digest).collect();
        let mut bytes_per_node = manifest.bytes.len() as u64;
        for d in &blobs {
            self.read_blob(repo, &d.to_string())?;
            bytes_per_node += self.blobs.get(d).map_or(0, |m| m.size_bytes);
        }
        let reads_per_node = u32::try_from(1 + blobs.len()).unwrap_or(u32::MAX);
        let (mut completed, mut throttled, mut retry_after_max_s, mut first_throttled) =
            (0u32, 0u32, 0u64, None);
        for i in 1..=nodes {
            let identity = if shared_identity { "cluster".to_string() } else { format!("node-{i}") };
            let admitted = self.with_identity(&identity, |r| r.admit(throttle::Cost::reads(reads_per_node)));
            match admitted {
                Ok(ticket) => {
                    self.throttle.charge(self.tier, self.now, ticket);
                    completed += 1;
                }
                Err(e) => {
                    throttled += 1;
                    retry_after_max_s = retry_after_max_s.max(e.retry_after_s.unwrap_or(0));
                    first_throttled.get_or_insert(i);
                }
            }
        }
        let (down, _) = throttle::bandwidth(self.tier);
        let took_ms = throttle::transfer_time(bytes_per_node.saturating_mul(u64::from(completed)), down);
        self.log(EventKind::ScaleOutPull {
            repo: RepoName::parse(repo)?,
            digest: manifest.digest,
            nodes,
            completed,
            throttled,
            retry_after_max_s,
        });
        self.run_for(took_ms);
        Ok(ScaleOutReport {
            nodes,
            completed,
            throttled,
            retry_after_max_s,
            first_throttled_node: first_throttled,
            reads_per_node,
            bytes_per_node,
            took_ms,
        })
    }

    /// Why `scale_out_pull_direct` would be refused before it changes anything, if it would
    /// (short of reading the image's bytes: the nodes, the names, the manifest's locks and key).
    pub(super) fn scale_out_pull_refusal(&self, repo: &str, reference: &str, nodes: u32) -> Result<()> {
        check_scale_out_nodes(nodes)?;
        self.manifest_readable(repo, reference).map(drop)
    }

    // ---- virtual time --------------------------------------------------------------------

    /// The virtual time now.
    pub fn now(&self) -> Millis {
        self.now
    }

    /// Runs the next queued job, moving the clock to its time; returns that time.
    pub(super) fn step_direct(&mut self) -> Option<Millis> {
        let (at, job) = self.queue.pop_due(Millis(u64::MAX))?;
        self.run_job(at, job);
        Some(at)
    }

    /// Runs at most `max` of the jobs due by `until`, in order; when none is left, moves the
    /// clock to `until` and says so (true). `run_for_direct` in pieces.
    pub(super) fn run_due_some(&mut self, until: Millis, max: usize) -> bool {
        for _ in 0..max {
            let Some((at, job)) = self.queue.pop_due(until) else {
                self.now = until;
                return true;
            };
            self.run_job(at, job);
        }
        if self.queue.next_due().is_some_and(|at| at <= until) {
            return false;
        }
        self.now = until;
        true
    }

    /// Runs the next job `n` times; false when the queue emptied first. `Step { n }` in
    /// pieces.
    pub(super) fn run_next_jobs(&mut self, n: u64) -> bool {
        (0..n).all(|_| self.step_direct().is_some())
    }

    /// Runs every job due within `duration`, then moves the clock to now + `duration`.
    /// Returns how many jobs ran.
    pub(super) fn run_for_direct(&mut self, duration: Millis) -> usize {
        let until = self.now.saturating_add(duration);
        let mut ran = 0;
        while let Some((at, job)) = self.queue.pop_due(until) {
            self.run_job(at, job);
            ran += 1;
        }
        self.now = until;
        ran
    }

    /// Runs jobs until the queue is empty (at most `QUEUE_MAX` of them); returns how many ran.
    pub(super) fn run_until_idle_direct(&mut self) -> usize {
        let mut ran = 0;
        while ran < QUEUE_MAX && self.step().is_some() {
            ran += 1;
        }
        ran
    }

    /// How long after a release garbage collection reclaims the space.
    pub fn gc_delay(&self) -> Millis {
        self.gc_delay
    }

    /// When a record released now would be reclaimed.
    pub fn reclaim_at_if_released_now(&self) -> Millis {
        self.now.saturating_add(self.gc_delay)
    }

    /// The next `n` queued jobs, in the order they will run.
    pub fn pending_jobs(&self, n: usize) -> Vec<JobView> {
        self.queue.views(n)
    }

    pub fn pending_job_count(&self) -> usize {
        self.queue.len()
    }

    /// Queued jobs per kind: (kind, how many, when the next one runs), in kind order.
    pub fn pending_job_counts(&self) -> Vec<(&'static str, usize, Millis)> {
        let mut counts: BTreeMap<&'static str, (usize, Millis)> = BTreeMap::new();
        for (job, at) in self.queue.iter() {
            let entry = counts.entry(job.kind()).or_insert((0, at));
            entry.0 += 1;
            entry.1 = entry.1.min(at);
        }
        counts.into_iter().map(|(k, (n, at))| (k, n, at)).collect()
    }

    fn run_job(&mut self, at: Millis, job: Job) {
        self.now = self.now.max(at);
        match job {
            Job::Reclaim { site, key } => self.on_site(site, |r| r.reclaim(key)),
            Job::AdoptKeyVersion { version } => self.adopt_key_version(version),
            Job::Retention { site, repo, digest, untagged_at } => {
                self.on_site(site, |r| r.apply_retention(repo, digest, untagged_at))
            }
            Job::Webhook { webhook, action, target } => self.deliver_webhook(&webhook, action, target),
            Job::SoftDeletePurge => self.purge_soft_deleted(),
            Job::GeoCopy { site, key, written_at } => self.on_site(site, |r| {
                r.store.geo_copy(&key, written_at);
            }),
            Job::Replicate { from, to, change, made_at, initial } => {
                self.apply_replicated(from, to, change, made_at, initial);
                self.check_convergence();
            }
            Job::ReplicaCreated { region } => self.replica_created(region),
            Job::FaultStart { id } => self.start_fault(id),
            Job::Failover { id } => self.failover(id),
            Job::ScenarioStep { index } => self.run_scenario_step(index),
            Job::Workload { op } => self.run_workload_op(op),
            Job::FaultEnd { id } => self.end_fault(id),
        }
    }

    /// The running SHA-256 of the event log: equal for equal runs, natively and in the browser.
    pub fn event_log_hash(&self) -> String {
        self.events.hash_hex()
    }

    // ---- storage -----------------------------------------------------------------------

    /// Storage per account and in total: bytes billed (referenced) and bytes stored (billed
    /// plus released records awaiting garbage collection), both logical and deduplicated.
    pub fn usage(&self) -> Usage {
        let mut synthetic = vec![(0usize, 0u64); self.store.accounts().len()];
        for (digest, meta) in &self.blobs {
            let Some(layer) = meta.synthetic else { continue };
            let key = RecordKey { kind: RecordKind::Blob, digest: *digest };
            if self.store.get(&key).is_some_and(|r| r.released_at.is_none()) {
                let slot = &mut synthetic[self.store.shard_of(digest)];
                slot.0 += 1;
                slot.1 += layer.size_bytes;
            }
        }
        let accounts: Vec<AccountUsage> = self
            .store
            .accounts()
            .iter()
            .zip(synthetic)
            .map(|(a, (synthetic_records, synthetic_billed_bytes))| AccountUsage {
                name: a.name().to_string(),
                billed_bytes: a.billed_bytes(),
                stored_bytes: a.stored_bytes(),
                sealed_bytes: a.sealed_bytes(),
                records: a.record_count(),
                released_records: a.released_count(),
                synthetic_records,
                synthetic_billed_bytes,
            })
            .collect();
        Usage {
            total_synthetic_records: accounts.iter().map(|a| a.synthetic_records).sum(),
            total_synthetic_billed_bytes: accounts.iter().map(|a| a.synthetic_billed_bytes).sum(),
            total_billed_bytes: accounts.iter().map(|a| a.billed_bytes).sum(),
            total_stored_bytes: accounts.iter().map(|a| a.stored_bytes).sum(),
            total_sealed_bytes: accounts.iter().map(|a| a.sealed_bytes).sum(),
            total_records: accounts.iter().map(|a| a.records).sum(),
            total_released_records: accounts.iter().map(|a| a.released_records).sum(),
            accounts,
        }
    }

    /// Every record in every storage account, exactly as held: sealed bytes only.
    pub fn storage_records(&self) -> Vec<RecordView> {
        let mut out = vec![];
        for account in self.store.accounts() {
            for (key, record) in account.records() {
                out.push(RecordView {
                    account: account.name().to_string(),
                    key: key.to_string(),
                    kind: key.kind,
                    digest: key.digest,
                    logical_bytes: record.logical_bytes,
                    sealed: record.sealed.clone(),
                });
            }
        }
        out
    }

    /// A blob's sealed form beside the first bytes of its plaintext (decrypted and verified).
    pub fn seal_view(&self, repo: &str, digest: &str) -> Result<SealView> {
        const HEAD: usize = 32;
        let plain = self.read_blob(repo, digest)?;
        let key = RecordKey { kind: RecordKind::Blob, digest: Digest::parse(digest)? };
        let Some(record) = self.store.get(&key) else {
            return err_k(ErrorCode::BlobUnknown, "errors.store_not_stored", [arg(key)]);
        };
        let s = &record.sealed;
        Ok(SealView {
            account: self.store.accounts()[self.store.shard_of(&key.digest)].name().to_string(),
            key: key.to_string(),
            key_id: s.key_id.clone(),
            nonce_hex: hex_lower(&s.nonce),
            wrapped_key_hex: hex_lower(&s.wrapped_key),
            ciphertext_bytes: s.ciphertext.len() as u64,
            ciphertext_head_hex: hex_lower(&s.ciphertext[..s.ciphertext.len().min(HEAD)]),
            plaintext_head_hex: hex_lower(&plain[..plain.len().min(HEAD)]),
            plaintext_bytes: plain.len() as u64,
            digest_verified: true,
            synthetic: self.blobs.get(&key.digest).and_then(|m| m.synthetic),
        })
    }

    /// Flips one bit of a stored record's ciphertext (`key` as in `storage_records`, e.g.
    /// `blobs/sha256/<hex>`): a pull of it then fails with INTEGRITY_ERROR.
    pub(super) fn tamper_record_direct(&mut self, key: &str, bit: u64) -> Result<()> {
        let parsed = self.tamper_record_refusal(key, bit)?;
        self.store.flip_bit(&parsed, bit, StorageCopy::Primary)?;
        let account = self.store.accounts()[self.store.shard_of(&parsed.digest)].name().to_string();
        self.log(EventKind::RecordTampered { account, key: parsed.to_string(), bit });
        Ok(())
    }

    /// Why `tamper_record_direct` would be refused before it changes anything, if it would;
    /// the record's key otherwise.
    pub(super) fn tamper_record_refusal(&self, key: &str, bit: u64) -> Result<RecordKey> {
        let parsed = RecordKey::parse(key)?;
        self.store.check_flip(&parsed, bit, StorageCopy::Primary)?;
        Ok(parsed)
    }

    pub fn events(&self) -> impl DoubleEndedIterator<Item = &Event> {
        self.events.iter()
    }

    pub fn last_event_seq(&self) -> u64 {
        self.events.last_seq()
    }

    /// Key ids and how many data keys each wrapped.
    pub fn key_versions(&self) -> Vec<(String, u64)> {
        self.vault.wrap_counts()
    }
}

// ---- queries for the page ----

impl Registry {
    /// A repository's counts and the logical bytes it links: every blob it links and every
    /// manifest it holds, each once (a blob shared with another repository counts in both).
    pub fn repository_summary(&self, repo: &str) -> Result<RepositorySummary> {
        let repo = RepoName::parse(repo)?;
        let r = self.repo(&repo)?;
        let (mut linked_bytes, mut unique_bytes) = (0, 0);
        for meta in r.links.keys().filter_map(|d| self.blobs.get(d)) {
            linked_bytes += meta.size_bytes;
            unique_bytes += if meta.repos == 1 { meta.size_bytes } else { 0 };
        }
        // Soft-deleted manifests are still stored and billed.
        for meta in r.manifests.iter().chain(r.deleted_manifests.keys()).filter_map(|d| self.manifests.get(d))
        {
            linked_bytes += meta.size_bytes;
            unique_bytes += if meta.repos == 1 { meta.size_bytes } else { 0 };
        }
        let mut tagged: Vec<&Digest> = r.tags.values().collect();
        tagged.sort_unstable();
        tagged.dedup();
        Ok(RepositorySummary {
            name: repo.as_str().to_string(),
            tags: r.tags.len(),
            manifests: r.manifests.len(),
            untagged: r.manifests.len() - tagged.len(),
            blobs: r.links.len(),
            linked_bytes,
            unique_bytes,
            attributes: r.attributes,
        })
    }

    /// Storage per repository, a page at a time in catalog order (`n`, `last` as `catalog`):
    /// what each links and what only it holds (what deleting it would release).
    pub fn repository_usage(&self, n: Option<u64>, last: Option<&str>) -> Result<RepositoryUsagePage> {
        let page = self.catalog_page(n, last, false)?;
        let repositories =
            page.repositories.iter().map(|name| self.repository_summary(name)).collect::<Result<_>>()?;
        Ok(RepositoryUsagePage { repositories, next: page.next })
    }

    /// Pulls a blob (decrypted, checked) and hashes the bytes served again, so the page can
    /// show the digest it recomputed beside the one it asked for.
    pub fn verify_blob(&self, repo: &str, digest: &str) -> Result<BlobCheck> {
        let bytes = self.read_blob(repo, digest)?;
        let expected = Digest::parse(digest)?;
        let recomputed = Digest::of(&bytes);
        Ok(BlobCheck {
            expected,
            recomputed,
            served_bytes: bytes.len() as u64,
            matches: expected == recomputed,
        })
    }

    /// Checks a synthetic layer size (1 byte to 200 GiB) without pushing anything.
    pub fn check_synthetic_size(&self, size_bytes: u64) -> Result<()> {
        SyntheticLayer::new(size_bytes, 0).map(|_| ())
    }
}
