//! Clients and the global endpoint (domain.md §3.2). A client lives in a region and has an
//! identity; each request it makes is routed like Azure Traffic Manager's performance method:
//! to the routable replica with the lowest measured latency, where a measurement is the
//! latency floor plus a jitter drawn from the seeded RNG. A client without a DNS cache
//! resolves again for every request, so one about equally far from two replicas can send a
//! push's layers to one and its manifest to the other (pain point 1: MANIFEST_BLOB_UNKNOWN).
//! A client with a cache keeps its answer for the DNS time-to-live.

use std::collections::BTreeMap;

use serde::Serialize;

use super::clock::Millis;
use super::digest::Digest;
use super::error::{ErrorCode, RegistryError, Result, arg, err_k, quoted};
use super::events::EventKind;
use super::image::{self, BuiltLayer, LayerInput};
use super::manifest::MediaType;
use super::names::RepoName;
use super::region;
use super::registry::{Registry, draw_below};
use super::replication::ReplicaState;
use super::scheduler::Job;
use super::throttle::Identity;
use crate::i18n::Msg;

/// How long a caching client keeps a resolution (Stowage's choice: 5 virtual minutes).
pub const DNS_TTL: Millis = Millis(5 * 60_000);
/// Most clients a registry keeps.
pub const CLIENTS_MAX: usize = 10_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Client {
    pub name: String,
    pub region: &'static str,
    pub identity: Identity,
    pub dns_cache: bool,
    /// The replica it resolved last and until when a caching client keeps it.
    pub resolved: Option<(&'static str, Millis)>,
    /// DNS resolutions it made (a caching client makes one per time-to-live).
    pub lookups: u64,
    /// Requests it made.
    pub requests: u64,
    /// Whole-image pushes and pulls it ran (from the page, the console, a scenario or a
    /// workload), and those that failed, by error code.
    pub pushes: u64,
    pub pulls: u64,
    pub failures: std::collections::BTreeMap<&'static str, u64>,
}

/// Which replica served each request of a client's multi-request operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoutedRequest {
    pub request: String,
    pub region: &'static str,
    /// The error code, if that request failed (the operation stops there).
    pub error: Option<&'static str>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientReport {
    pub client: String,
    pub requests: Vec<RoutedRequest>,
    /// The manifest digest, when the operation got that far.
    pub digest: Option<Digest>,
    /// Set when a request failed: what the client saw.
    pub error: Option<String>,
    /// The same, as a catalogue key and its arguments, for the page to show in its language.
    #[serde(skip)]
    pub error_text: Option<Msg>,
    pub error_code: Option<&'static str>,
    /// The HTTP status of that error.
    pub error_status: Option<u16>,
}

impl Registry {
    /// Adds a client in `region`, counted against `identity` (default: its name).
    pub(super) fn add_client_direct(
        &mut self,
        name: &str,
        region_name: &str,
        dns_cache: bool,
        identity: Option<&str>,
    ) -> Result<Client> {
        let (identity, region) = self.add_client_refusal(name, region_name, identity)?;
        let client = Client {
            name: name.to_string(),
            region: region.name,
            identity,
            dns_cache,
            resolved: None,
            lookups: 0,
            requests: 0,
            pushes: 0,
            pulls: 0,
            failures: Default::default(),
        };
        self.clients.insert(name.to_string(), client.clone());
        Ok(client)
    }

    /// Why `add_client_direct` would be refused (changing nothing), if it would; the
    /// client's identity and region otherwise.
    pub(super) fn add_client_refusal(
        &self,
        name: &str,
        region_name: &str,
        identity: Option<&str>,
    ) -> Result<(Identity, &'static region::Region)> {
        let identity = Identity::parse(identity.unwrap_or(name))?;
        Identity::parse(name)?;
        let Some(region) = region::region(region_name) else {
            return err_k(ErrorCode::InvalidArgument, "errors.region_unknown", [quoted(region_name)]);
        };
        if self.clients.contains_key(name) {
            return err_k(ErrorCode::InvalidArgument, "errors.client_exists", [arg(name)]);
        }
        if self.clients.len() >= CLIENTS_MAX {
            return err_k(ErrorCode::InvalidArgument, "errors.clients_max", []);
        }
        Ok((identity, region))
    }

    pub fn clients(&self) -> Vec<Client> {
        self.clients.values().cloned().collect()
    }

    pub fn is_client(&self, name: &str) -> bool {
        self.clients.contains_key(name)
    }

    /// The replica a request from `client` goes to now.
    fn route(&mut self, name: &str) -> Result<usize> {
        let Some(client) = self.clients.get(name).cloned() else {
            return err_k(ErrorCode::InvalidArgument, "errors.client_unknown", [quoted(name)]);
        };
        let from = region::region(client.region).ok_or_else(|| unknown(client.region))?;
        if let Some((cached, until)) = client.resolved.filter(|_| client.dns_cache)
            && until > self.now
            && let Some(i) =
                self.site_index(cached).filter(|i| self.routable(*i) && self.reachable(client.region, cached))
        {
            return Ok(i);
        }
        let mut best: Option<(u64, usize)> = None;
        for i in 0..self.replicas.len() {
            if !self.routable(i) || !self.reachable(client.region, self.replicas[i].region.name) {
                continue;
            }
            let floor = region::latency_floor_ms(from, self.replicas[i].region);
            let measured = floor + draw_below(&mut self.rng, floor / 4 + 5);
            if best.is_none_or(|(b, _)| measured < b) {
                best = Some((measured, i));
            }
        }
        let Some((_, i)) = best else {
            return err_k(ErrorCode::Unavailable, "errors.no_replica_reachable", []);
        };
        let now = self.now;
        let region = self.replicas[i].region.name;
        if let Some(c) = self.clients.get_mut(name) {
            c.resolved = Some((region, now.saturating_add(DNS_TTL)));
            c.lookups += 1;
        }
        Ok(i)
    }

    /// Whether the global endpoint sends requests to replica `i` now.
    pub(super) fn routable(&self, i: usize) -> bool {
        self.replicas.get(i).is_some_and(|r| r.routing_enabled && r.state != ReplicaState::Creating)
            && !self.replica_routed_around(i)
    }

    /// Runs one request from `client`: routed to a replica, counted against its identity.
    /// Returns the region that served it with the result.
    pub(super) fn with_client_direct<T>(
        &mut self,
        name: &str,
        f: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        let site = self.route(name)?;
        if let Some(c) = self.clients.get_mut(name) {
            c.requests += 1;
        }
        let identity = self.clients.get(name).map(|c| c.identity.clone()).unwrap_or_else(Identity::admin);
        let previous = std::mem::replace(&mut self.caller, identity);
        let out = self.with_site(site, f);
        self.caller = previous;
        out
    }

    /// A client's push of a whole image, one request at a time as a real client does (each
    /// blob, then the config, then the manifest), each routed afresh unless the client caches
    /// DNS. A request that fails stops the push there; what earlier requests wrote stays.
    pub(super) fn client_push_image_direct(
        &mut self,
        name: &str,
        repo: &str,
        tag: &str,
        layers: Vec<LayerInput>,
    ) -> Result<ClientReport> {
        let report = self.client_push_run(name, repo, tag, layers)?;
        self.tally_run(name, true, &report);
        Ok(report)
    }

    /// Counts a client's run, and its failure by code.
    fn tally_run(&mut self, name: &str, push: bool, report: &ClientReport) {
        if let Some(c) = self.clients.get_mut(name) {
            if push {
                c.pushes += 1;
            } else {
                c.pulls += 1;
            }
            if let Some(code) = report.error_code {
                *c.failures.entry(code).or_default() += 1;
            }
        }
    }

    /// Why `client_push_image_direct` would be refused before the client sends anything, if it
    /// would: no such client, or no layers.
    pub(super) fn client_push_refusal(&self, name: &str, layers: &[LayerInput]) -> Result<ClientReport> {
        let report = self.new_report(name)?;
        if layers.is_empty() {
            return err_k(ErrorCode::ManifestInvalid, "errors.image_no_layers", []);
        }
        Ok(report)
    }

    fn client_push_run(
        &mut self,
        name: &str,
        repo: &str,
        tag: &str,
        layers: Vec<LayerInput>,
    ) -> Result<ClientReport> {
        let mut report = self.client_push_refusal(name, &layers)?;
        let mut built: Vec<BuiltLayer> = Vec::with_capacity(layers.len());
        for (i, layer) in layers.iter().enumerate() {
            let what = format!("PUT layer {}", i + 1);
            let pushed = self.routed(name, &what, &mut report, |r| match layer {
                LayerInput::File { bytes, .. } => r.push_blob(repo, bytes, None),
                LayerInput::Synthetic { size_bytes, seed } => r.push_synthetic_blob(repo, *size_bytes, *seed),
                // Uploaded before: the client's HEAD finds it.
                LayerInput::Uploaded { digest, size_bytes, .. } => r.uploaded_blob(repo, digest, *size_bytes),
            });
            let Some(digest) = pushed else { return Ok(report) };
            let seed = match layer {
                LayerInput::File { .. } | LayerInput::Uploaded { .. } => None,
                LayerInput::Synthetic { .. } => self.synthetic_seed_anywhere(&digest),
            };
            built.push(BuiltLayer::of(layer, digest, seed));
        }
        let config = image::config_bytes(&built);
        if self.routed(name, "PUT config", &mut report, |r| r.push_blob(repo, &config, None)).is_none() {
            return Ok(report);
        }
        let manifest = image::manifest_bytes(&config, &built);
        let media = MediaType::OciManifest.as_str();
        let pushed = self.routed(name, "PUT manifest", &mut report, |r| {
            r.push_manifest(repo, tag, &manifest, Some(media))
        });
        // The manifest's push told the oracle (`push_manifest_direct`).
        report.digest = pushed;
        Ok(report)
    }

    /// A client's pull: the manifest, then every blob it references, each request routed.
    pub(super) fn client_pull_image_direct(
        &mut self,
        name: &str,
        repo: &str,
        reference: &str,
    ) -> Result<ClientReport> {
        let report = self.client_pull_run(name, repo, reference)?;
        self.tally_run(name, false, &report);
        Ok(report)
    }

    fn client_pull_run(&mut self, name: &str, repo: &str, reference: &str) -> Result<ClientReport> {
        let mut report = self.new_report(name)?;
        let Some(pulled) =
            self.routed(name, "GET manifest", &mut report, |r| r.pull_manifest(repo, reference))
        else {
            self.note_failed_pull(repo, reference, &report);
            return Ok(report);
        };
        report.digest = Some(pulled.digest);
        let Ok(parsed) = super::manifest::parse(&pulled.bytes, Some(pulled.media_type.as_str())) else {
            return Ok(report);
        };
        let blobs: Vec<Digest> = parsed.config.iter().chain(&parsed.layers).map(|d| d.digest).collect();
        for d in blobs {
            let what = format!("GET blob {}", d.short());
            match self.routed(name, &what, &mut report, |r| r.pull_blob(repo, &d.to_string())) {
                // The oracle hashes what was served: the registry must never serve wrong bytes.
                Some(bytes) if Digest::of(&bytes) != d => {
                    self.oracle.wrong_bytes();
                    self.halt_on_wrong_bytes(repo, &d);
                }
                Some(_) => {}
                None => {
                    self.note_failed_pull(repo, reference, &report);
                    return Ok(report);
                }
            }
        }
        self.oracle.pull_ok();
        Ok(report)
    }

    /// Wrong bytes are always a bug: the run stops (its scenario steps and workload go).
    fn halt_on_wrong_bytes(&mut self, repo: &str, digest: &Digest) {
        let dropped =
            self.queue.remove_where(|j| matches!(j, Job::ScenarioStep { .. } | Job::Workload { .. }));
        self.log(EventKind::feature(Msg::new(
            "events.wrong_bytes",
            [arg(repo), arg(digest.short()), arg(dropped)],
        )));
    }

    fn note_failed_pull(&mut self, repo: &str, reference: &str, report: &ClientReport) {
        if let Ok(repo) = RepoName::parse(repo) {
            self.oracle.pull_failed(&repo, reference, report.error_code.unwrap_or("UNKNOWN"));
        }
    }

    /// An empty report of a client operation; refused if there is no such client (what a
    /// client's pull checks before it sends anything, and a request made as a client).
    pub(super) fn new_report(&self, name: &str) -> Result<ClientReport> {
        if !self.clients.contains_key(name) {
            return err_k(ErrorCode::InvalidArgument, "errors.client_unknown", [quoted(name)]);
        }
        Ok(ClientReport {
            client: name.to_string(),
            requests: vec![],
            digest: None,
            error: None,
            error_text: None,
            error_code: None,
            error_status: None,
        })
    }

    /// One routed request of a client operation, recorded in `report`; None if it failed.
    fn routed<T>(
        &mut self,
        name: &str,
        what: &str,
        report: &mut ClientReport,
        f: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Option<T> {
        let mut region = "";
        let out = self.with_client(name, |r| {
            region = r.region.name;
            f(r)
        });
        match out {
            Ok(v) => {
                report.requests.push(RoutedRequest { request: what.to_string(), region, error: None });
                Some(v)
            }
            Err(e) => {
                report.requests.push(RoutedRequest {
                    request: what.to_string(),
                    region,
                    error: Some(e.code.as_str()),
                });
                let at = if region.is_empty() { String::new() } else { format!(" (served by {region})") };
                report.error = Some(format!("{what}{at}: {e}"));
                report.error_text = Some(if region.is_empty() {
                    Msg::new("errors.client_request_failed", [arg(what), arg(e.code), e.text.clone().into()])
                } else {
                    Msg::new(
                        "errors.client_request_failed_at",
                        [arg(what), arg(region), arg(e.code), e.text.clone().into()],
                    )
                });
                report.error_code = Some(e.code.as_str());
                report.error_status = Some(e.http_status);
                if what.starts_with("PUT") {
                    self.oracle.push_failed(e.code.as_str());
                }
                None
            }
        }
    }

    /// The seed of a synthetic layer, wherever it is stored.
    fn synthetic_seed_anywhere(&self, digest: &Digest) -> Option<u64> {
        if let Some(s) = self.blobs.get(digest).and_then(|m| m.synthetic) {
            return Some(s.seed);
        }
        self.sites
            .iter()
            .flatten()
            .find_map(|s| s.blobs.get(digest).and_then(|m| m.synthetic))
            .map(|s| s.seed)
    }
}

fn unknown(region: &str) -> RegistryError {
    RegistryError::keyed(ErrorCode::InvalidArgument, "errors.region_unknown", [quoted(region)])
}

/// For the page: clients keyed by name.
pub(super) type Clients = BTreeMap<String, Client>;
