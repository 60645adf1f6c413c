//! The reducer's handlers for geography: replicas, faults and their timeline, the
//! geo-redundant storage lag, and clients whose pushes and pulls are routed to replicas. The
//! engine decides everything; the page keeps only what it made (its client runs, and their
//! count per client) and puts outcomes in words.

use crate::engine::{ClientReport, FaultKind, LayerInput, Millis, region};
use crate::ui::format::{count, parse_duration, short_duration};

use super::{CLIENT_RUNS_KEPT, Panel, State, UiError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientOp {
    Push,
    Pull,
}

impl ClientOp {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Push => "push",
            Self::Pull => "pull",
        }
    }
}

/// One client push or pull made from the page, with the engine's report of each request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientRun {
    /// 1 for the page's first client run, and so on.
    pub seq: u64,
    pub op: ClientOp,
    pub image: String,
    pub at: Millis,
    pub report: ClientReport,
}

/// How a client's runs from the page went: how many, and the failures by error code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientTally {
    pub client: String,
    pub pushes: u32,
    pub pulls: u32,
    pub failures: Vec<(&'static str, u32)>,
}

impl ClientTally {
    pub fn failed(&self, code: &str) -> u32 {
        self.failures.iter().find(|(c, _)| *c == code).map_or(0, |(_, n)| *n)
    }
}

/// The two small text layers a client push from the page sends: what they say makes every
/// push new content (a push a minute later is not the same blob), and a script can rebuild them.
pub fn client_layers(client: &str, repo: &str, tag: &str, now: Millis) -> Vec<LayerInput> {
    (1..=2)
        .map(|i| LayerInput::File {
            name: format!("layer-{i}.txt"),
            bytes: format!("layer {i} of {repo}:{tag}, pushed by {client} at {} ms\n", now.0).into_bytes(),
        })
        .collect()
}

fn region_words(name: &str) -> String {
    region::region(name).map_or(name.to_string(), |r| format!("{} ({})", r.display_name, r.name))
}

impl State {
    pub(super) fn add_replica(&mut self, region: &str) {
        let Some(views) = self.change_in(Panel::Geo, |r| r.add_replica(region)) else { return };
        let Some(v) = views.iter().find(|v| v.region == region) else { return };
        self.note(format!(
            "Added a replica in {}: it is creating now, then syncs every repository from {} and is \
             ready once the sync has landed. One-way latency from home: at least {} ms.",
            region_words(region),
            views.first().map_or("home", |h| h.region),
            v.latency_from_home_ms
        ));
    }

    pub(super) fn remove_replica(&mut self, region: &str) {
        if self.change_in(Panel::Geo, |r| r.remove_replica(region)).is_none() {
            return;
        }
        self.note(format!("Removed the replica in {} with all its data.", region_words(region)));
    }

    pub(super) fn set_replica_routing(&mut self, region: &str, enabled: bool) {
        if self.change_in(Panel::Geo, |r| r.set_replica_routing(region, enabled)).is_none() {
            return;
        }
        self.note(if enabled {
            format!(
                "{} is back in routing: the global endpoint sends requests to it again.",
                region_words(region)
            )
        } else {
            format!(
                "{} is out of routing: the global endpoint sends it no requests; it keeps syncing.",
                region_words(region)
            )
        });
    }

    pub(super) fn inject_fault(&mut self, fault: FaultKind, delay: &str, duration: &str, panel: Panel) {
        let delay = match parse_duration(delay) {
            Ok(d) => d.unwrap_or_default(),
            Err(m) => {
                return self.fail_in(panel, UiError::page("INVALID_INPUT", format!("start after: {m}")));
            }
        };
        let duration = match parse_duration(duration) {
            Ok(d) => d,
            Err(m) => return self.fail_in(panel, UiError::page("INVALID_INPUT", format!("lasting: {m}"))),
        };
        if duration == Some(Millis(0)) {
            return self.fail_in(
                panel,
                UiError::page(
                    "INVALID_INPUT",
                    "a fault lasts longer than 0: leave it empty to heal it by hand",
                ),
            );
        }
        let Some(f) = self.change_in(panel, |r| r.inject_fault(fault, delay, duration)) else { return };
        let when = if delay.0 == 0 {
            "now".to_string()
        } else {
            format!("in {}, at {}", short_duration(delay), f.starts_at_ms)
        };
        let until = match f.ends_at_ms {
            Some(end) => format!(" It heals by itself at {end}."),
            None => " It lasts until you heal it.".to_string(),
        };
        let failover = f
            .failover_at_ms
            .map(|at| format!(" The global endpoint fails over away from the region at {at}."))
            .unwrap_or_default();
        self.note(format!("Fault {}: {}, starting {when}.{until}{failover}", f.id, f.text));
    }

    pub(super) fn heal_fault(&mut self, id: u32) {
        let Some(f) = self.change_in(Panel::Faults, |r| r.heal_fault(id)) else { return };
        let at = f.healed_at_ms.unwrap_or_default();
        self.note(format!("Healed fault {id} at {at}: {}.", f.text));
    }

    pub(super) fn set_geo_lag(&mut self, lag: &str) {
        let lag = match parse_duration(lag) {
            Ok(Some(l)) => l,
            Ok(None) => {
                return self.fail_in(
                    Panel::Accounts,
                    UiError::page("INVALID_INPUT", "type a lag, e.g. 5m or 30s (0 copies at once)"),
                );
            }
            Err(m) => return self.fail_in(Panel::Accounts, UiError::page("INVALID_INPUT", m)),
        };
        let Some(view) = self.change_in(Panel::Accounts, |r| r.set_geo_lag(lag)) else { return };
        let to =
            view.paired.map_or("nowhere: this region keeps its data in its own geography".to_string(), |p| {
                format!("to {}", region_words(p))
            });
        self.note(format!(
            "Geo-redundant storage lag is now {}: each write from now on is copied {to} that long after it is made.",
            short_duration(lag)
        ));
    }

    pub(super) fn add_client(&mut self, name: &str, region: &str, dns_cache: bool) {
        let name = name.trim();
        let Some(c) = self.change_in(Panel::Geo, |r| r.add_client(name, region, dns_cache, None)) else {
            return;
        };
        let dns = if c.dns_cache {
            "it caches DNS, so it keeps the replica it resolved for 5 virtual minutes"
        } else {
            "it has no DNS cache, so every request is routed afresh"
        };
        self.note(format!("Added client {} in {}: {dns}.", c.name, region_words(c.region)));
    }

    pub(super) fn client_push(&mut self, client: &str, repo: &str, tag: &str) {
        let (repo, tag) = (repo.trim(), tag.trim());
        if client.is_empty() {
            return self
                .fail_in(Panel::Clients, UiError::page("NO_CLIENT", "add a client from the map first"));
        }
        let Some(report) = self.change_in(Panel::Clients, |r| {
            let layers = client_layers(client, repo, tag, r.now());
            r.client_push_image(client, repo, tag, layers)
        }) else {
            return;
        };
        self.client_ran(ClientOp::Push, format!("{repo}:{tag}"), report);
    }

    pub(super) fn client_pull(&mut self, client: &str, repo: &str, reference: &str) {
        let (repo, reference) = (repo.trim(), reference.trim());
        if client.is_empty() {
            return self
                .fail_in(Panel::Clients, UiError::page("NO_CLIENT", "add a client from the map first"));
        }
        let Some(report) = self.change_in(Panel::Clients, |r| r.client_pull_image(client, repo, reference))
        else {
            return;
        };
        let sep = if reference.starts_with("sha256:") { "@" } else { ":" };
        self.client_ran(ClientOp::Pull, format!("{repo}{sep}{reference}"), report);
    }

    /// Keeps a client run and its count, and says how it went.
    fn client_ran(&mut self, op: ClientOp, image: String, report: ClientReport) {
        let at = self.with(|r| Ok(r.now())).unwrap_or_default();
        self.client_runs_made += 1;
        let tally = match self.client_tally.iter_mut().position(|t| t.client == report.client) {
            Some(i) => &mut self.client_tally[i],
            None => {
                self.client_tally
                    .push(ClientTally { client: report.client.clone(), ..ClientTally::default() });
                let last = self.client_tally.len() - 1;
                &mut self.client_tally[last]
            }
        };
        match op {
            ClientOp::Push => tally.pushes += 1,
            ClientOp::Pull => tally.pulls += 1,
        }
        if let Some(code) = report.error_code {
            match tally.failures.iter_mut().find(|(c, _)| *c == code) {
                Some((_, n)) => *n += 1,
                None => tally.failures.push((code, 1)),
            }
        }
        let mut regions: Vec<&str> = vec![];
        for q in &report.requests {
            if !q.region.is_empty() && !regions.contains(&q.region) {
                regions.push(q.region);
            }
        }
        let served = match regions.as_slice() {
            [] => "no replica".to_string(),
            [one] => one.to_string(),
            many => format!("{} (split)", many.join(" and ")),
        };
        let requests = count(report.requests.len(), "request", "requests");
        let verb = op.as_str();
        match (&report.error_code, &report.error) {
            (Some(code), error) => {
                let e = UiError {
                    code: code.to_string(),
                    http_status: Some(http_status(code)),
                    message: format!(
                        "{} {verb} of {image}: {requests}, served by {served}; {}",
                        report.client,
                        error.clone().unwrap_or_default()
                    ),
                    retry_after_s: None,
                    aside: (report.requests.len() > 1).then(|| {
                        " What the requests before it wrote stays in the replicas that served them.".into()
                    }),
                };
                self.fail(e);
            }
            (None, _) => self.note(format!(
                "{} {}ed {image}: {requests}, all served by {served}.",
                report.client,
                op.as_str()
            )),
        }
        self.client_runs.insert(0, ClientRun { seq: self.client_runs_made, op, image, at, report });
        self.client_runs.truncate(CLIENT_RUNS_KEPT);
    }
}

/// The HTTP status a registry answers with for an error code (the engine's table).
fn http_status(code: &str) -> u16 {
    use crate::engine::ErrorCode as C;
    [
        C::BlobUnknown,
        C::BlobUploadInvalid,
        C::BlobUploadUnknown,
        C::DigestInvalid,
        C::ManifestBlobUnknown,
        C::ManifestInvalid,
        C::ManifestUnknown,
        C::NameInvalid,
        C::NameUnknown,
        C::SizeInvalid,
        C::Unauthorized,
        C::Denied,
        C::Unsupported,
        C::TooManyRequests,
        C::PaginationNumberInvalid,
        C::RegistryDisallowedOperation,
        C::IntegrityError,
        C::InvalidArgument,
        C::Unavailable,
        C::Unknown,
    ]
    .into_iter()
    .find(|c| c.as_str() == code)
    .map_or(500, |c| c.http_status())
}
