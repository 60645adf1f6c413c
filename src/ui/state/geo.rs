//! The reducer's handlers for geography: replicas, faults and their timeline, the
//! geo-redundant storage lag, and clients whose pushes and pulls are routed to replicas. The
//! engine decides everything; the page keeps only what it made (its client runs, and their
//! count per client) and puts outcomes in words.

use crate::engine::{ClientReport, FaultKind, LayerInput, Millis, region};
use crate::i18n::{Arg, Msg};
use crate::ui::format::{counted, parse_duration};

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
        let home = views.first().map_or(Msg::key("notes.home"), |h| Msg::from(h.region));
        self.note(Msg::new(
            "notes.replica_added",
            [region_words(region).into(), home.into(), v.latency_from_home_ms.to_string().into()],
        ));
    }

    pub(super) fn remove_replica(&mut self, region: &str) {
        if self.change_in(Panel::Geo, |r| r.remove_replica(region)).is_none() {
            return;
        }
        self.note(Msg::new("notes.replica_removed", [region_words(region).into()]));
    }

    pub(super) fn set_replica_routing(&mut self, region: &str, enabled: bool) {
        if self.change_in(Panel::Geo, |r| r.set_replica_routing(region, enabled)).is_none() {
            return;
        }
        let key = if enabled { "notes.routing_on" } else { "notes.routing_off" };
        self.note(Msg::new(key, [region_words(region).into()]));
    }

    pub(super) fn inject_fault(&mut self, fault: FaultKind, delay: &str, duration: &str, panel: Panel) {
        let delay = match parse_duration(delay) {
            Ok(d) => d.unwrap_or_default(),
            Err(m) => {
                return self.fail_in(
                    panel,
                    UiError::page("INVALID_INPUT", Msg::new("notes.start_after", [m.into()])),
                );
            }
        };
        let duration = match parse_duration(duration) {
            Ok(d) => d,
            Err(m) => {
                return self
                    .fail_in(panel, UiError::page("INVALID_INPUT", Msg::new("notes.lasting", [m.into()])));
            }
        };
        if duration == Some(Millis(0)) {
            return self.fail_in(panel, UiError::page("INVALID_INPUT", Msg::key("notes.fault_zero")));
        }
        let Some(f) = self.change_in(panel, |r| r.inject_fault(fault, delay, duration)) else { return };
        let when = if delay.0 == 0 {
            Msg::key("notes.fault_now")
        } else {
            Msg::new("notes.fault_in", [Arg::Short(delay.0), f.starts_at_ms.to_string().into()])
        };
        let until = match f.ends_at_ms {
            Some(end) => Msg::new("notes.fault_heals_at", [end.to_string().into()]),
            None => Msg::key("notes.fault_lasts"),
        };
        let failover = f.failover_at_ms.map_or(Arg::Text(String::new()), |at| {
            Msg::new("notes.fault_failover", [at.to_string().into()]).into()
        });
        // The fault's own words, drawn in the page's language.
        self.note(Msg::new(
            "notes.fault_injected",
            [f.id.to_string().into(), f.fault.describe_msg().into(), when.into(), until.into(), failover],
        ));
    }

    pub(super) fn heal_fault(&mut self, id: u32) {
        let Some(f) = self.change_in(Panel::Faults, |r| r.heal_fault(id)) else { return };
        let at = f.healed_at_ms.unwrap_or_default();
        self.note(Msg::new(
            "notes.fault_healed",
            [id.to_string().into(), at.to_string().into(), f.fault.describe_msg().into()],
        ));
    }

    pub(super) fn set_geo_lag(&mut self, lag: &str) {
        let lag = match parse_duration(lag) {
            Ok(Some(l)) => l,
            Ok(None) => {
                return self
                    .fail_in(Panel::Accounts, UiError::page("INVALID_INPUT", Msg::key("notes.lag_empty")));
            }
            Err(m) => return self.fail_in(Panel::Accounts, UiError::page("INVALID_INPUT", m)),
        };
        let Some(view) = self.change_in(Panel::Accounts, |r| r.set_geo_lag(lag)) else { return };
        let key = if view.paired.is_some() { "notes.lag_set" } else { "notes.lag_set_nowhere" };
        self.note(Msg::new(
            key,
            [Arg::Short(lag.0), view.paired.map(region_words).unwrap_or_default().into()],
        ));
    }

    pub(super) fn add_client(&mut self, name: &str, region: &str, dns_cache: bool) {
        let name = name.trim();
        let Some(c) = self.change_in(Panel::Geo, |r| r.add_client(name, region, dns_cache, None)) else {
            return;
        };
        let key = if c.dns_cache { "notes.client_added_dns" } else { "notes.client_added" };
        self.note(Msg::new(key, [c.name.as_str().into(), region_words(c.region).into()]));
    }

    pub(super) fn client_push(&mut self, client: &str, repo: &str, tag: &str) {
        let (repo, tag) = (repo.trim(), tag.trim());
        if client.is_empty() {
            return self.fail_in(Panel::Clients, UiError::page("NO_CLIENT", Msg::key("notes.no_client")));
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
            return self.fail_in(Panel::Clients, UiError::page("NO_CLIENT", Msg::key("notes.no_client")));
        }
        let Some(report) = self.change_in(Panel::Clients, |r| r.client_pull_image(client, repo, reference))
        else {
            return;
        };
        let sep = if reference.starts_with("sha256:") { "@" } else { ":" };
        self.client_ran(ClientOp::Pull, format!("{repo}{sep}{reference}"), report);
    }

    /// Keeps a client run to show (the engine counts it), and says how it went.
    fn client_ran(&mut self, op: ClientOp, image: String, report: ClientReport) {
        let at = self.with(|r| Ok(r.now())).unwrap_or_default();
        self.client_runs_made += 1;
        let mut regions: Vec<&str> = vec![];
        for q in &report.requests {
            if !q.region.is_empty() && !regions.contains(&q.region) {
                regions.push(q.region);
            }
        }
        let served = match regions.as_slice() {
            [] => Msg::key("notes.no_replica"),
            [one] => Msg::from(*one),
            many => {
                let all = many.iter().map(|r| Msg::from(*r));
                let all =
                    all.reduce(|a, b| Msg::new("notes.rot_and", [a.into(), b.into()])).unwrap_or_default();
                Msg::new("notes.split", [all.into()])
            }
        };
        let requests = counted("unit.requests", report.requests.len());
        match (&report.error_code, &report.error) {
            (Some(code), error) => {
                let key = match op {
                    ClientOp::Push => "notes.client_push_failed",
                    ClientOp::Pull => "notes.client_pull_failed",
                };
                // The engine's own words for the failed request.
                let error = error.clone().unwrap_or_default();
                let message = if report.requests.len() > 1 {
                    let failed = error.trim_end().trim_end_matches('.').to_string();
                    Msg::new(
                        "notes.client_failed_stays",
                        [Msg::new(
                            key,
                            [
                                report.client.as_str().into(),
                                image.as_str().into(),
                                requests.into(),
                                served.into(),
                                failed.into(),
                            ],
                        )
                        .into()],
                    )
                } else {
                    Msg::new(
                        key,
                        [
                            report.client.as_str().into(),
                            image.as_str().into(),
                            requests.into(),
                            served.into(),
                            error.into(),
                        ],
                    )
                };
                let e = UiError {
                    code: code.to_string(),
                    http_status: Some(http_status(code)),
                    message,
                    retry_after_s: None,
                    // Not "nothing was changed": what the requests before it wrote stays.
                    aside: (report.requests.len() > 1).then(super::quiet),
                };
                self.fail(e);
            }
            (None, _) => {
                let key = match op {
                    ClientOp::Push => "notes.client_pushed",
                    ClientOp::Pull => "notes.client_pulled",
                };
                self.note(Msg::new(
                    key,
                    [report.client.as_str().into(), image.as_str().into(), requests.into(), served.into()],
                ))
            }
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
