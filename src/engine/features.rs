//! Tier-gated features other than keys and retention: webhooks (2 / 10 / 500 per tier), private
//! endpoints (Premium, up to 200) and content trust (Premium, not with a customer-managed key).
//! A webhook is delivered as a job one virtual second after the push or delete that fires it
//! (Stowage's choice; ACR documents no delay), and the page shows each webhook's deliveries.

use std::collections::VecDeque;

use serde::Serialize;

use super::clock::Millis;
use super::error::{ErrorCode, RegistryError, Result, arg, err_k, quoted};
use super::events::EventKind;
use super::key_vault::KeyKind;
use super::locks::disallowed;
use super::names::RepoName;
use super::registry::Registry;
use super::retention::premium_only;
use super::scheduler::Job;
use super::tier::Tier;
use crate::i18n::Msg;

/// Delay between the operation and a webhook's delivery.
pub const WEBHOOK_DELAY: Millis = Millis::SECOND;
/// Private endpoints a Premium registry may have.
pub const PRIVATE_ENDPOINTS_MAX: usize = 200;
/// Deliveries each webhook remembers for the page.
const DELIVERIES_KEPT: usize = 20;

/// Webhooks a tier allows (domain.md §1.1: 2 / 10 / 500).
pub fn webhooks_max(tier: Tier) -> usize {
    match tier {
        Tier::Basic => 2,
        Tier::Standard => 10,
        Tier::Premium => 500,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum WebhookAction {
    Push,
    Delete,
}

impl WebhookAction {
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "push" => Ok(Self::Push),
            "delete" => Ok(Self::Delete),
            _ => err_k(ErrorCode::InvalidArgument, "errors.webhook_action", [quoted(text)]),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub at_ms: Millis,
    pub action: WebhookAction,
    pub target: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    pub name: String,
    pub actions: Vec<WebhookAction>,
    /// Only events in this repository (None: every repository).
    pub scope: Option<RepoName>,
    /// The replica it is configured on: it fires when the change has arrived there.
    pub region: &'static str,
    pub delivered: u64,
    pub recent: VecDeque<Delivery>,
}

#[derive(Clone, Debug, Default)]
pub struct Features {
    pub webhooks: Vec<Webhook>,
    pub private_endpoints: Vec<String>,
    pub content_trust: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeaturesView {
    pub tier: Tier,
    pub webhooks: Vec<Webhook>,
    pub webhooks_max: usize,
    pub private_endpoints: Vec<String>,
    pub private_endpoints_max: usize,
    pub content_trust: bool,
}

/// `refusal`: the `errors.…_name` key saying what the name is of.
fn check_name(name: &str, refusal: &'static str) -> Result<()> {
    let ok = (5..=50).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(RegistryError::keyed(
            ErrorCode::InvalidArgument,
            refusal,
            [quoted(super::digest::truncate(name, 60))],
        ))
    }
}

impl Registry {
    pub fn features(&self) -> FeaturesView {
        FeaturesView {
            tier: self.tier,
            webhooks: self.features.webhooks.clone(),
            webhooks_max: webhooks_max(self.tier),
            private_endpoints: self.features.private_endpoints.clone(),
            private_endpoints_max: if self.tier == Tier::Premium { PRIVATE_ENDPOINTS_MAX } else { 0 },
            content_trust: self.features.content_trust,
        }
    }

    /// Adds a webhook for `actions` ("push", "delete"), optionally only for one repository.
    pub fn add_webhook(&mut self, name: &str, actions: &[&str], scope: Option<&str>) -> Result<FeaturesView> {
        let home = self.replicas[0].region.name;
        self.add_regional_webhook(name, actions, scope, home)
    }

    /// Adds a webhook on the replica in `region`: it fires when a push or delete has arrived
    /// there (webhooks are regional in ACR), whichever replica accepted it first.
    pub(super) fn add_regional_webhook_direct(
        &mut self,
        name: &str,
        actions: &[&str],
        scope: Option<&str>,
        region: &str,
    ) -> Result<FeaturesView> {
        let (region, parsed, scope) = self.add_webhook_refusal(name, actions, scope, region)?;
        self.features.webhooks.push(Webhook {
            name: name.to_string(),
            actions: parsed,
            scope,
            region,
            delivered: 0,
            recent: VecDeque::new(),
        });
        self.log(EventKind::feature(Msg::new("events.webhook_added", [arg(name)])));
        Ok(self.features())
    }

    /// Why `add_regional_webhook_direct` would be refused (changing nothing), if it would; the
    /// webhook's region, actions and scope otherwise.
    pub(super) fn add_webhook_refusal(
        &self,
        name: &str,
        actions: &[&str],
        scope: Option<&str>,
        region: &str,
    ) -> Result<(&'static str, Vec<WebhookAction>, Option<RepoName>)> {
        self.check_control_plane()?;
        let Some(site) = self.site_index(region) else {
            return err_k(ErrorCode::InvalidArgument, "errors.no_replica_in", [quoted(region)]);
        };
        let region = self.replicas[site].region.name;
        check_name(name, "errors.webhook_name")?;
        let mut parsed = actions.iter().map(|a| WebhookAction::parse(a)).collect::<Result<Vec<_>>>()?;
        parsed.sort_unstable();
        parsed.dedup();
        if parsed.is_empty() {
            return err_k(ErrorCode::InvalidArgument, "errors.webhook_no_action", []);
        }
        let scope = scope.map(RepoName::parse).transpose()?;
        if self.features.webhooks.iter().any(|w| w.name == name) {
            return err_k(ErrorCode::InvalidArgument, "errors.webhook_exists", [arg(name)]);
        }
        let max = webhooks_max(self.tier);
        if self.features.webhooks.len() >= max {
            let full = match self.tier {
                Tier::Basic => "errors.webhooks_full_basic",
                Tier::Standard => "errors.webhooks_full_standard",
                Tier::Premium => "errors.webhooks_full_premium",
            };
            return Err(disallowed(full, [arg(self.tier), arg(max)]));
        }
        Ok((region, parsed, scope))
    }

    pub(super) fn remove_webhook_direct(&mut self, name: &str) -> Result<FeaturesView> {
        self.remove_webhook_refusal(name)?;
        self.features.webhooks.retain(|w| w.name != name);
        self.log(EventKind::feature(Msg::new("events.webhook_removed", [arg(name)])));
        Ok(self.features())
    }

    /// Why `remove_webhook_direct` would be refused (changing nothing): no such webhook.
    pub(super) fn remove_webhook_refusal(&self, name: &str) -> Result<()> {
        if !self.features.webhooks.iter().any(|w| w.name == name) {
            return err_k(ErrorCode::InvalidArgument, "errors.webhook_unknown", [quoted(name)]);
        }
        Ok(())
    }

    /// Queues a delivery to every webhook that listens for `action` in `repo`.
    pub(super) fn fire_webhooks(&mut self, action: WebhookAction, repo: &RepoName, target: String) {
        let at = self.now.saturating_add(self.upload_offset()).saturating_add(WEBHOOK_DELAY);
        let names: Vec<String> = self
            .features
            .webhooks
            .iter()
            .filter(|w| {
                w.actions.contains(&action)
                    && w.scope.as_ref().is_none_or(|s| s == repo)
                    && w.region == self.region.name
            })
            .map(|w| w.name.clone())
            .collect();
        for webhook in names {
            self.queue.push(at, Job::Webhook { webhook, action, target: target.clone() });
        }
    }

    pub(super) fn deliver_webhook(&mut self, name: &str, action: WebhookAction, target: String) {
        let now = self.now;
        let Some(w) = self.features.webhooks.iter_mut().find(|w| w.name == name) else { return };
        w.delivered += 1;
        if w.recent.len() == DELIVERIES_KEPT {
            w.recent.pop_front();
        }
        w.recent.push_back(Delivery { at_ms: now, action, target: target.clone() });
        self.log(EventKind::WebhookDelivered { webhook: name.to_string(), action, target });
    }

    /// Adds a private endpoint (Premium, up to 200).
    pub(super) fn add_private_endpoint_direct(&mut self, name: &str) -> Result<FeaturesView> {
        self.add_private_endpoint_refusal(name)?;
        self.features.private_endpoints.push(name.to_string());
        self.log(EventKind::feature(Msg::new("events.endpoint_added", [arg(name)])));
        Ok(self.features())
    }

    /// Why `add_private_endpoint_direct` would be refused (changing nothing), if it would.
    pub(super) fn add_private_endpoint_refusal(&self, name: &str) -> Result<()> {
        self.check_control_plane()?;
        if self.tier != Tier::Premium {
            return Err(premium_only(self.tier, "errors.premium_private_endpoint"));
        }
        check_name(name, "errors.endpoint_name")?;
        if self.features.private_endpoints.iter().any(|p| p == name) {
            return err_k(ErrorCode::InvalidArgument, "errors.endpoint_exists", [arg(name)]);
        }
        if self.features.private_endpoints.len() >= PRIVATE_ENDPOINTS_MAX {
            return Err(disallowed("errors.endpoints_full", []));
        }
        Ok(())
    }

    pub(super) fn remove_private_endpoint_direct(&mut self, name: &str) -> Result<FeaturesView> {
        self.remove_private_endpoint_refusal(name)?;
        self.features.private_endpoints.retain(|p| p != name);
        self.log(EventKind::feature(Msg::new("events.endpoint_removed", [arg(name)])));
        Ok(self.features())
    }

    /// Why `remove_private_endpoint_direct` would be refused (changing nothing): no such
    /// endpoint.
    pub(super) fn remove_private_endpoint_refusal(&self, name: &str) -> Result<()> {
        if !self.features.private_endpoints.iter().any(|p| p == name) {
            return err_k(ErrorCode::InvalidArgument, "errors.endpoint_unknown", [quoted(name)]);
        }
        Ok(())
    }

    /// Content trust (Premium; ACR refuses it on a registry with a customer-managed key:
    /// `BlockedForEncryptionEnabledRegistry`).
    pub(super) fn set_content_trust_direct(&mut self, enabled: bool) -> Result<FeaturesView> {
        self.set_content_trust_refusal(enabled)?;
        self.features.content_trust = enabled;
        let what = if enabled { "events.content_trust_enabled" } else { "events.content_trust_disabled" };
        self.log(EventKind::feature(Msg::key(what)));
        Ok(self.features())
    }

    /// Why `set_content_trust_direct` would be refused (changing nothing), if it would.
    pub(super) fn set_content_trust_refusal(&self, enabled: bool) -> Result<()> {
        self.check_control_plane()?;
        if enabled && self.tier != Tier::Premium {
            return Err(premium_only(self.tier, "errors.premium_content_trust"));
        }
        if enabled && self.vault.kind() == KeyKind::CustomerManaged {
            return Err(disallowed("errors.content_trust_with_cmk", []));
        }
        Ok(())
    }

    /// Why moving to `tier` would break a feature in use, if it would.
    pub(super) fn feature_blocking_downgrade(&self, tier: Tier) -> Option<Msg> {
        if tier != Tier::Premium {
            if !self.features.private_endpoints.is_empty() {
                let endpoints = self.features.private_endpoints.len();
                return Some(Msg::new("errors.tier_down_endpoints", [arg(tier), arg(endpoints)]));
            }
            if self.features.content_trust {
                return Some(Msg::new("errors.tier_down_content_trust", [arg(tier)]));
            }
        }
        let (have, max) = (self.features.webhooks.len(), webhooks_max(tier));
        (have > max).then(|| Msg::new("errors.tier_down_webhooks", [arg(tier), arg(have), arg(max)]))
    }
}
