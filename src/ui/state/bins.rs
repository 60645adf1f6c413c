//! The reducer's handlers for soft delete (the recycle bins) and the tier-gated features:
//! webhooks, private endpoints and content trust. The engine checks and decides; refusals show
//! in their panel with the engine's code and message.

use crate::engine::soft_delete::SOFT_DELETE_DAYS_DEFAULT;
use crate::ui::format::count;

use super::{Panel, SOFT_DELETED_SHOWN, State, UiError};

/// A number of days as typed: empty for the engine's default; anything but a whole number is
/// refused here (the engine checks the range, `range` words it for the message).
pub(super) fn optional_days(text: &str, range: &str) -> Result<Option<u32>, UiError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<u32>().map(Some).map_err(|_| {
        UiError::page(
            "INVALID_INPUT",
            format!("{text:?} is not a number of days; type a whole number from {range}"),
        )
    })
}

impl State {
    pub(super) fn set_soft_delete(&mut self, enabled: bool, days: &str) {
        let days = match optional_days(days, "1 to 90") {
            Ok(days) => days,
            Err(e) => return self.fail_in(Panel::SoftDelete, e),
        };
        let Some(v) = self.change_in(Panel::SoftDelete, |r| r.set_soft_delete_policy(enabled, days)) else {
            return;
        };
        if v.enabled {
            self.note(format!(
                "Soft delete on: deleted manifests and removed tags go to their repository's bin, still billed, \
                 and can be restored for {} (default {SOFT_DELETE_DAYS_DEFAULT}). A purge every 24 hours \
                 destroys what has been there longer.",
                count(v.days as usize, "day", "days")
            ));
        } else {
            self.note(format!(
                "Soft delete off: deletes are permanent again. The {} in the bins stay until purged.",
                count(v.items_total, "item", "items")
            ));
        }
    }

    pub(super) fn restore_soft_deleted(&mut self, repo: &str, tag: &str, digest: &str, force: bool) {
        if self.change_in(Panel::SoftDelete, |r| r.restore_soft_deleted(repo, tag, digest, force)).is_none() {
            return;
        }
        let short = digest.get(..19).unwrap_or(digest);
        self.expanded.insert(repo.to_string(), ());
        let left = self.with(|r| Ok(r.soft_delete_view(SOFT_DELETED_SHOWN).items_total)).unwrap_or(0);
        self.note(format!(
            "Restored {repo}:{tag} → {short} from the bin{}: it is listed and pullable again. {} left in the bins.",
            if force { ", overwriting where the tag pointed" } else { "" },
            count(left, "item", "items")
        ));
    }

    pub(super) fn add_webhook(&mut self, name: &str, actions: &[&'static str], scope: &str, region: &str) {
        let (name, scope) = (name.trim(), scope.trim());
        let scope = (!scope.is_empty()).then_some(scope);
        let Some(v) = self.change_in(Panel::Features, |r| {
            if region.is_empty() {
                r.add_webhook(name, actions, scope)
            } else {
                r.add_regional_webhook(name, actions, scope, region)
            }
        }) else {
            return;
        };
        let on = v.webhooks.iter().find(|w| w.name == name).map_or("", |w| w.region);
        self.note(format!(
            "Added webhook {name} on {on} for {} in {}: each is delivered 1 virtual second after the change has \
             arrived in {on}. {} of {} webhooks {} allows.",
            actions.join(" and "),
            scope.map_or("every repository".to_string(), |s| format!("repository {s}")),
            v.webhooks.len(),
            v.webhooks_max,
            v.tier
        ));
    }

    pub(super) fn remove_webhook(&mut self, name: &str) {
        if self.change_in(Panel::Features, |r| r.remove_webhook(name)).is_some() {
            self.note(format!("Removed webhook {name}: nothing more is delivered to it."));
        }
    }

    pub(super) fn add_private_endpoint(&mut self, name: &str) {
        let name = name.trim();
        let Some(v) = self.change_in(Panel::Features, |r| r.add_private_endpoint(name)) else { return };
        self.note(format!(
            "Added private endpoint {name}: {} of {}.",
            v.private_endpoints.len(),
            v.private_endpoints_max
        ));
    }

    pub(super) fn remove_private_endpoint(&mut self, name: &str) {
        if self.change_in(Panel::Features, |r| r.remove_private_endpoint(name)).is_some() {
            self.note(format!("Removed private endpoint {name}."));
        }
    }

    pub(super) fn set_content_trust(&mut self, on: bool) {
        if self.change_in(Panel::Features, |r| r.set_content_trust(on)).is_some() {
            self.note(format!("Content trust {}.", if on { "enabled" } else { "disabled" }));
        }
    }
}
