//! The reducer's handlers for soft delete (the recycle bins) and the tier-gated features:
//! webhooks, private endpoints and content trust. The engine checks and decides; refusals show
//! in their panel with the engine's code and message.

use crate::engine::soft_delete::SOFT_DELETE_DAYS_DEFAULT;
use crate::i18n::Msg;
use crate::ui::format::counted;

use super::{Panel, SOFT_DELETED_SHOWN, State, UiError};

/// A number of days as typed: empty for the engine's default; anything but a whole number is
/// refused here (the engine checks the range, `lo` to `hi`, named in the message).
pub(super) fn optional_days(text: &str, lo: u32, hi: u32) -> Result<Option<u32>, UiError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<u32>().map(Some).map_err(|_| {
        UiError::page(
            "INVALID_INPUT",
            Msg::new(
                "notes.days_bad",
                [format!("{text:?}").into(), lo.to_string().into(), hi.to_string().into()],
            ),
        )
    })
}

impl State {
    pub(super) fn set_soft_delete(&mut self, enabled: bool, days: &str) {
        let days = match optional_days(days, 1, 90) {
            Ok(days) => days,
            Err(e) => return self.fail_in(Panel::SoftDelete, e),
        };
        let Some(v) = self.change_in(Panel::SoftDelete, |r| r.set_soft_delete_policy(enabled, days)) else {
            return;
        };
        if v.enabled {
            self.note(Msg::new(
                "notes.soft_delete_on",
                [counted("unit.days", v.days as usize).into(), SOFT_DELETE_DAYS_DEFAULT.to_string().into()],
            ));
        } else {
            self.note(Msg::new("notes.soft_delete_off", [counted("unit.items", v.items_total).into()]));
        }
    }

    pub(super) fn restore_soft_deleted(&mut self, repo: &str, tag: &str, digest: &str, force: bool) {
        if self.change_in(Panel::SoftDelete, |r| r.restore_soft_deleted(repo, tag, digest, force)).is_none() {
            return;
        }
        let short = digest.get(..19).unwrap_or(digest);
        self.expanded.insert(repo.to_string(), ());
        let left = self.with(|r| Ok(r.soft_delete_view(SOFT_DELETED_SHOWN).items_total)).unwrap_or(0);
        let key = if force { "notes.restored_forced" } else { "notes.restored" };
        self.note(Msg::new(
            key,
            [format!("{repo}:{tag} → {short}").into(), counted("unit.items", left).into()],
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
        let actions = actions
            .iter()
            .map(|a| Msg::from(*a))
            .reduce(|a, b| Msg::new("notes.rot_and", [a.into(), b.into()]))
            .unwrap_or_default();
        let scope = scope
            .map_or(Msg::key("notes.every_repository"), |s| Msg::new("locks.target_repository", [s.into()]));
        self.note(Msg::new(
            "notes.webhook_added",
            [
                name.into(),
                on.into(),
                actions.into(),
                scope.into(),
                v.webhooks.len().to_string().into(),
                v.webhooks_max.to_string().into(),
                v.tier.to_string().into(),
            ],
        ));
    }

    pub(super) fn remove_webhook(&mut self, name: &str) {
        if self.change_in(Panel::Features, |r| r.remove_webhook(name)).is_some() {
            self.note(Msg::new("notes.webhook_removed", [name.into()]));
        }
    }

    pub(super) fn add_private_endpoint(&mut self, name: &str) {
        let name = name.trim();
        let Some(v) = self.change_in(Panel::Features, |r| r.add_private_endpoint(name)) else { return };
        self.note(Msg::new(
            "notes.endpoint_added",
            [
                name.into(),
                v.private_endpoints.len().to_string().into(),
                v.private_endpoints_max.to_string().into(),
            ],
        ));
    }

    pub(super) fn remove_private_endpoint(&mut self, name: &str) {
        if self.change_in(Panel::Features, |r| r.remove_private_endpoint(name)).is_some() {
            self.note(Msg::new("notes.endpoint_removed", [name.into()]));
        }
    }

    pub(super) fn set_content_trust(&mut self, on: bool) {
        if self.change_in(Panel::Features, |r| r.set_content_trust(on)).is_some() {
            self.note(Msg::key(if on { "notes.trust_on" } else { "notes.trust_off" }));
        }
    }
}
