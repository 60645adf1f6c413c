//! The reducer's handlers for the registry as a whole: replacing it with a new one, the
//! request-rate model and a cluster scale-out, waiting out a `Retry-After`, the customer-managed
//! key, and the retention policy. As everywhere in the page, the engine does the work and
//! decides; these call it and put the outcome in words.

use crate::engine::throttle::RateModel;
use crate::engine::{KeyState, Millis, Registry, RegistryOptions, Rotation, RotationMode, StorageEra, Tier};
use crate::i18n::{Arg, Msg};
use crate::ui::format::{counted, rate_model_words, scale_out_sentence};

use super::{KeyLoss, NewRegistryDialog, NewRegistryForm, Retry, RetryOp, ScaleOutSnap, State, UiError};

impl NewRegistryForm {
    /// The options the engine is asked to create a registry with. Only what is not text for
    /// the engine is checked here (the seed is a number); the engine checks the rest.
    fn options(&self) -> Result<RegistryOptions, UiError> {
        let seed = self.seed.trim().parse::<u64>().map_err(|_| {
            UiError::page(
                "INVALID_INPUT",
                Msg::new(
                    "notes.seed_bad",
                    [format!("{:?}", self.seed.trim()).into(), u64::MAX.to_string().into()],
                ),
            )
        })?;
        let customer_managed_key = match self.key.as_str() {
            "automatic" => Some(RotationMode::Automatic),
            "manual" => Some(RotationMode::Manual),
            _ => None,
        };
        Ok(RegistryOptions {
            name: self.name.trim().to_string(),
            seed,
            tier: Tier::parse(&self.tier)?,
            rate_model: RateModel::parse(&self.rate_model)?,
            customer_managed_key,
            region: self.region.trim().to_string(),
            storage_era: StorageEra::parse(&self.storage_era)?,
            ..RegistryOptions::default()
        })
    }
}

/// The key in a few words: `"a customer-managed key with automatic rotation"`.
fn key_words(key: Option<RotationMode>) -> Msg {
    Msg::key(match key {
        None => "notes.key_service",
        Some(RotationMode::Automatic) => "notes.key_automatic",
        Some(RotationMode::Manual) => "notes.key_manual",
    })
}

impl State {
    /// Replaces the page's registry with a new one. A refusal stays in the dialog, and the
    /// current registry is kept as it is.
    pub(super) fn create_registry(&mut self, form: NewRegistryForm) {
        let options = match form.options() {
            Ok(o) => o,
            Err(e) => return self.new_registry = Some(NewRegistryDialog { error: Some(e) }),
        };
        let words = Msg::new(
            "notes.created_words",
            [
                options.tier.to_string().into(),
                options.region.clone().into(),
                rate_model_words(options.rate_model).into(),
                key_words(options.customer_managed_key).into(),
                options.seed.to_string().into(),
            ],
        );
        let name = options.name.clone();
        let created = match Registry::new(options) {
            Ok(r) => r,
            Err(e) => return self.new_registry = Some(NewRegistryDialog { error: Some(e.into()) }),
        };
        self.replace_registry(created, name.clone());
        self.note(Msg::new("notes.created", [name.into(), words.into()]));
    }

    /// The page starts afresh over `registry`; what is the page's, not the registry's, stays:
    /// the layers chosen for a push, the list of scenarios and whether the oracle is shown.
    pub(super) fn replace_registry(&mut self, registry: Registry, name: String) {
        let mut fresh = State::with_registry(Ok(registry), name);
        fresh.pending = std::mem::take(&mut self.pending);
        fresh.next_id = self.next_id;
        fresh.generation = self.generation + 1;
        fresh.scenario_list = std::mem::take(&mut self.scenario_list);
        fresh.oracle_open = self.oracle_open;
        *self = fresh;
        // The panels computed over the old registry are computed again over the new one.
        self.refresh();
    }

    pub(super) fn set_rate_model(&mut self, model: &str) {
        let Some(view) = self.change(|r| r.set_rate_model(model)) else { return };
        self.note(Msg::new(
            "notes.rate_model",
            [
                rate_model_words(view.model).into(),
                Arg::Rate(view.download_bytes_per_s),
                Arg::Rate(view.upload_bytes_per_s),
            ],
        ));
    }

    /// A cluster scaling out: `nodes` clients pull the scale-out image at the same instant.
    pub(super) fn scale_out(&mut self, nodes: &str, shared_identity: bool) {
        let nodes = match nodes.trim().parse::<u32>() {
            Ok(n) => n,
            Err(_) => {
                return self.fail(UiError::page(
                    "INVALID_INPUT",
                    Msg::new("notes.nodes_bad", [format!("{:?}", nodes.trim()).into(), Arg::Count(10_000)]),
                ));
            }
        };
        let Some((repo, tag)) = self.snapshot.scale_target.clone() else {
            return self.fail(UiError::page("NOTHING_TO_PULL", Msg::key("notes.nothing_to_pull")));
        };
        let Some(report) = self.change(|r| r.scale_out_pull(&repo, &tag, nodes, shared_identity)) else {
            return;
        };
        let image = format!("{repo}:{tag}");
        let key = if shared_identity { "notes.scale_out_shared" } else { "notes.scale_out_own" };
        self.note(Msg::new(
            key,
            [
                scale_out_sentence(&report, &image).into(),
                Arg::Count(report.reads_per_node as u64),
                Arg::Bytes(report.bytes_per_node),
                Arg::Ms(report.took_ms.0),
            ],
        ));
        if report.throttled > 0 {
            self.retry = Some(Retry { seconds: report.retry_after_max_s, op: RetryOp::ScaleOut });
        }
        self.scale_out = Some(ScaleOutSnap { image, shared_identity, report });
    }

    /// Waits out the `Retry-After` on the virtual clock; a refused push is then tried again.
    pub(super) fn retry_after(&mut self) {
        let Some(retry) = self.retry.take() else {
            return self.note(Msg::key("notes.retry_nothing"));
        };
        let by = Millis(retry.seconds.saturating_mul(1000));
        let Some(t) = self.tick(|r| r.run_for(by)) else { return };
        let jobs = if t.out == 0 {
            Arg::Text(String::new())
        } else {
            Msg::new("notes.meanwhile", [t.summary(t.out).into()]).into()
        };
        let waited = Msg::new(
            "notes.waited",
            [counted("unit.seconds", retry.seconds as usize).into(), t.now.to_string().into(), jobs],
        );
        match retry.op {
            RetryOp::Push { repo, tag, identity } => {
                self.push(&repo, &tag, &identity);
                if let Some(pushed) = self.message.take().filter(|_| self.error.is_none()) {
                    self.note(Msg::new("notes.then", [waited.into(), pushed.into()]));
                }
            }
            RetryOp::Wait | RetryOp::ScaleOut => {
                let buckets = self.with(|r| Ok(r.throttle_view())).map(|v| {
                    v.categories
                        .iter()
                        .filter_map(|c| {
                            let (left, of) = (c.available?.to_string(), c.capacity?.to_string());
                            Some(
                                Msg::new("notes.bucket", [c.name.to_string().into(), left.into(), of.into()])
                                    .into(),
                            )
                        })
                        .collect::<Vec<Arg>>()
                });
                match buckets.filter(|b| !b.is_empty()) {
                    Some(b) => self.note(Msg::new("notes.buckets_now", [waited.into(), Arg::List(b)])),
                    None => self.note(waited),
                }
            }
        }
    }

    pub(super) fn add_key_version(&mut self) {
        let Some(v) = self.change(Registry::add_key_version) else { return };
        let newest = v.versions.last().map_or(0, |k| k.version);
        let then = match (v.rotation, v.pending_adoption) {
            (Rotation::Automatic, Some((version, at))) => Msg::new(
                "notes.key_adopts",
                [version.to_string().into(), at.to_string().into(), Arg::Count(v.in_use as u64)],
            ),
            (Rotation::Manual { pinned }, _) => Msg::new("notes.key_pinned", [pinned.to_string().into()]),
            (Rotation::Automatic, None) => Msg::new("notes.key_wrapped", [Arg::Count(v.in_use as u64)]),
        };
        self.note(Msg::new("notes.key_version_created", [newest.to_string().into(), then.into()]));
    }

    pub(super) fn rotate_key(&mut self, version: Option<u32>) {
        let Some(v) = self.change(|r| r.rotate_key(version)) else { return };
        let key_id = v.versions.iter().find(|k| k.in_use).map_or(String::new(), |k| k.key_id.clone());
        let key = match v.rotation {
            Rotation::Automatic => "notes.rotated_automatic",
            Rotation::Manual { .. } => "notes.rotated_manual",
        };
        self.note(Msg::new(key, [key_id.into()]));
    }

    /// The key is disabled, deleted or its access revoked: its material leaves the registry and
    /// the customer's vault keeps it (the engine keeps what it handed out, and hands it out again
    /// when a saved session is replayed, so Restore works after any number of reloads).
    pub(super) fn lose_key(&mut self, how: KeyLoss) {
        let Some(backup) = self.change(|r| match how {
            KeyLoss::Disable => r.disable_key(),
            KeyLoss::Delete => r.delete_key(),
            KeyLoss::Revoke => r.revoke_key_access(),
        }) else {
            return;
        };
        let chars = backup.as_str().len();
        let state = self.with(|r| Ok(r.key_vault().state)).unwrap_or(KeyState::Disabled);
        self.note(Msg::new("notes.key_lost", [state.as_str().into(), chars.to_string().into()]));
    }

    /// The key material the customer's vault holds for the registry while it cannot use its key:
    /// the last backup the registry handed out.
    fn key_backup(&self) -> Option<String> {
        let r = self.registry.as_ref()?.try_borrow().ok()?;
        if r.key_vault().state == KeyState::Enabled {
            return None;
        }
        r.key_backups().last().cloned()
    }

    pub(super) fn restore_key(&mut self) {
        let Some(backup) = self.key_backup() else {
            return self.fail(UiError::page("NO_KEY_TO_RESTORE", Msg::key("notes.no_key_to_restore")));
        };
        let Some(v) = self.change(|r| r.restore_key(&backup)) else { return };
        let records: u64 = v.versions.iter().map(|k| k.records).sum();
        self.note(Msg::new("notes.key_restored", [counted("unit.records", records as usize).into()]));
    }

    /// How many characters of key material the customer's vault holds for the page (none while
    /// the registry can use its key).
    pub fn key_backup_chars(&self) -> Option<usize> {
        self.key_backup().map(|b| b.len())
    }

    pub(super) fn set_retention(&mut self, enabled: bool, days: &str) {
        let days = match super::bins::optional_days(days, 0, 365) {
            Ok(days) => days,
            Err(e) => {
                self.retention_error = Some(e.clone());
                return self.fail(e);
            }
        };
        let Some(v) = self.change(|r| r.set_retention_policy(enabled, days)) else {
            self.retention_error = self.error.clone();
            return;
        };
        self.retention_error = None;
        if v.enabled {
            let when = match v.days {
                0 => Msg::key("notes.retention_seconds"),
                d => Msg::new("notes.retention_days", [counted("unit.days", d as usize).into()]),
            };
            self.note(Msg::new("notes.retention_on", [when.into()]));
        } else {
            self.note(Msg::new("notes.retention_off", [counted("unit.deletes", v.queued_total).into()]));
        }
    }
}
