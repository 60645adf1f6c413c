//! The reducer's handlers for the registry as a whole: replacing it with a new one, the
//! request-rate model and a cluster scale-out, waiting out a `Retry-After`, the customer-managed
//! key, and the retention policy. As everywhere in the page, the engine does the work and
//! decides; these call it and put the outcome in words.

use crate::engine::throttle::RateModel;
use crate::engine::{KeyState, Millis, Registry, RegistryOptions, Rotation, RotationMode, StorageEra, Tier};
use crate::ui::format::{count, exact_bytes, exact_ms, mb_per_s, rate_model_words, scale_out_sentence};

use super::{KeyLoss, NewRegistryDialog, NewRegistryForm, Retry, RetryOp, ScaleOutSnap, State, UiError};

impl NewRegistryForm {
    /// The options the engine is asked to create a registry with. Only what is not text for
    /// the engine is checked here (the seed is a number); the engine checks the rest.
    fn options(&self) -> Result<RegistryOptions, UiError> {
        let seed = self.seed.trim().parse::<u64>().map_err(|_| {
            UiError::page(
                "INVALID_INPUT",
                format!("the seed {:?} is not a whole number from 0 to {}", self.seed.trim(), u64::MAX),
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
fn key_words(key: Option<RotationMode>) -> &'static str {
    match key {
        None => "the service-managed key",
        Some(RotationMode::Automatic) => "a customer-managed key with automatic rotation",
        Some(RotationMode::Manual) => "a customer-managed key with manual rotation (pinned to version 1)",
    }
}

impl State {
    /// Replaces the page's registry with a new one. A refusal stays in the dialog, and the
    /// current registry is kept as it is.
    pub(super) fn create_registry(&mut self, form: NewRegistryForm) {
        let options = match form.options() {
            Ok(o) => o,
            Err(e) => return self.new_registry = Some(NewRegistryDialog { error: Some(e) }),
        };
        let words = format!(
            "{} in {}, {}, {}, seed {}",
            options.tier,
            options.region,
            rate_model_words(options.rate_model),
            key_words(options.customer_managed_key),
            options.seed
        );
        let name = options.name.clone();
        let created = match Registry::new(options) {
            Ok(r) => r,
            Err(e) => return self.new_registry = Some(NewRegistryDialog { error: Some(e.into()) }),
        };
        self.replace_registry(created, name.clone());
        self.note(format!(
            "Created registry {name}: {words}. The previous registry and everything in it were discarded."
        ));
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
        self.note(format!(
            "Requests are now counted under {}: every bucket starts full. Bandwidth stays {} down, {} up.",
            rate_model_words(view.model),
            mb_per_s(view.download_bytes_per_s),
            mb_per_s(view.upload_bytes_per_s)
        ));
    }

    /// A cluster scaling out: `nodes` clients pull the scale-out image at the same instant.
    pub(super) fn scale_out(&mut self, nodes: &str, shared_identity: bool) {
        let nodes = match nodes.trim().parse::<u32>() {
            Ok(n) => n,
            Err(_) => {
                return self.fail(UiError::page(
                    "INVALID_INPUT",
                    format!(
                        "{:?} is not a number of nodes; type a whole number from 1 to 10,000",
                        nodes.trim()
                    ),
                ));
            }
        };
        let Some((repo, tag)) = self.snapshot.scale_target.clone() else {
            return self.fail(UiError::page(
                "NOTHING_TO_PULL",
                "there is no tagged image to pull yet: push one with the form first",
            ));
        };
        let Some(report) = self.change(|r| r.scale_out_pull(&repo, &tag, nodes, shared_identity)) else {
            return;
        };
        let image = format!("{repo}:{tag}");
        let identity =
            if shared_identity { "all as one identity, cluster" } else { "each as its own identity, node-N" };
        self.note(format!(
            "Scale-out, {identity}: {} Each node made {} reads for {}; the nodes that got it took {} of \
             virtual time at the download bandwidth.",
            scale_out_sentence(&report, &image),
            report.reads_per_node,
            exact_bytes(report.bytes_per_node),
            exact_ms(report.took_ms.0)
        ));
        if report.throttled > 0 {
            self.retry = Some(Retry { seconds: report.retry_after_max_s, op: RetryOp::ScaleOut });
        }
        self.scale_out = Some(ScaleOutSnap { image, shared_identity, report });
    }

    /// Waits out the `Retry-After` on the virtual clock; a refused push is then tried again.
    pub(super) fn retry_after(&mut self) {
        let Some(retry) = self.retry.take() else {
            return self.note("Nothing is waiting for a Retry-After.".into());
        };
        let by = Millis(retry.seconds.saturating_mul(1000));
        let Some(t) = self.tick(|r| r.run_for(by)) else { return };
        let jobs = if t.out == 0 { String::new() } else { format!(" Meanwhile {}", t.summary(t.out)) };
        let waited = format!(
            "Waited {}, as Retry-After asked: the clock is now {}.{jobs}",
            count(retry.seconds as usize, "second", "seconds"),
            t.now
        );
        match retry.op {
            RetryOp::Push { repo, tag, identity } => {
                self.push(&repo, &tag, &identity);
                if let Some(pushed) = self.message.take().filter(|_| self.error.is_none()) {
                    self.note(format!("{waited} {pushed}"));
                }
            }
            RetryOp::Wait | RetryOp::ScaleOut => {
                let buckets = self.with(|r| Ok(r.throttle_view())).map(|v| {
                    v.categories
                        .iter()
                        .filter_map(|c| Some(format!("{} {} of {}", c.name, c.available?, c.capacity?)))
                        .collect::<Vec<_>>()
                        .join(", ")
                });
                match buckets.filter(|b| !b.is_empty()) {
                    Some(b) => self.note(format!("{waited} The registry's buckets hold now: {b}.")),
                    None => self.note(waited),
                }
            }
        }
    }

    pub(super) fn add_key_version(&mut self) {
        let Some(v) = self.change(Registry::add_key_version) else { return };
        let newest = v.versions.last().map_or(0, |k| k.version);
        let then = match (v.rotation, v.pending_adoption) {
            (Rotation::Automatic, Some((version, at))) => format!(
                "Automatic rotation adopts version {version} at {at}; until then new data keys are wrapped \
                 with version {}.",
                v.in_use
            ),
            (Rotation::Manual { pinned }, _) => format!(
                "Manual rotation: the registry stays on version {pinned} until you rotate to another version."
            ),
            (Rotation::Automatic, None) => format!("New data keys are wrapped with version {}.", v.in_use),
        };
        self.note(format!("Created key version {newest} in your key vault. {then}"));
    }

    pub(super) fn rotate_key(&mut self, version: Option<u32>) {
        let Some(v) = self.change(|r| r.rotate_key(version)) else { return };
        let key_id = v.versions.iter().find(|k| k.in_use).map_or(String::new(), |k| k.key_id.clone());
        let mode = match v.rotation {
            Rotation::Automatic => {
                "Rotation is automatic from now on: new versions are adopted within an hour."
            }
            Rotation::Manual { .. } => {
                "Rotation is manual: the registry stays on this version until you rotate."
            }
        };
        self.note(format!(
            "New data keys are now wrapped with {key_id}. Everything wrapped before stays readable: the \
             registry keeps every version. {mode}"
        ));
    }

    /// The key is disabled, deleted or its access revoked: its material leaves the registry and
    /// the page keeps it, as the customer's vault does.
    pub(super) fn lose_key(&mut self, how: KeyLoss) {
        let Some(backup) = self.change(|r| match how {
            KeyLoss::Disable => r.disable_key(),
            KeyLoss::Delete => r.delete_key(),
            KeyLoss::Revoke => r.revoke_key_access(),
        }) else {
            return;
        };
        let chars = backup.as_str().len();
        self.key_backup = Some(backup);
        let state = self.with(|r| Ok(r.key_vault().state)).unwrap_or(KeyState::Disabled);
        self.note(format!(
            "The customer-managed key is now {}: the registry holds no key material any more (the {} \
             characters of it are in your key vault, outside the registry). Every push and pull is refused \
             with 403 DENIED until you restore access. Nothing stored is lost.",
            state.as_str(),
            chars
        ));
    }

    pub(super) fn restore_key(&mut self) {
        let Some(backup) = self.key_backup.clone() else {
            return self.fail(UiError::page(
                "NO_KEY_TO_RESTORE",
                "your key vault holds no key material for this registry: the key was never disabled, deleted or revoked here",
            ));
        };
        let Some(v) = self.change(|r| r.restore_key(backup.as_str())) else { return };
        self.key_backup = None;
        let records: u64 = v.versions.iter().map(|k| k.records).sum();
        self.note(format!(
            "Access to the key is restored: the registry holds its key material again, and pushes and pulls \
             work. Nothing was lost: all {} it wraps can be read.",
            count(records as usize, "record", "records")
        ));
    }

    /// How many characters of key material the customer's vault holds for the page (none while
    /// the registry can use its key).
    pub fn key_backup_chars(&self) -> Option<usize> {
        self.key_backup.as_ref().map(|b| b.as_str().len())
    }

    pub(super) fn set_retention(&mut self, enabled: bool, days: &str) {
        let days = match super::bins::optional_days(days, "0 to 365") {
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
                0 => "a few seconds (5 s here) after they lose their last tag".to_string(),
                d => format!("{} after they lose their last tag", count(d as usize, "day", "days")),
            };
            self.note(format!(
                "Retention policy on: manifests untagged from now on are deleted {when}. Manifests untagged \
                 before now are never touched, and locked ones are skipped."
            ));
        } else {
            self.note(format!(
                "Retention policy off: nothing more is queued, and the {} queued will not apply.",
                count(v.queued_total, "delete", "deletes")
            ));
        }
    }
}
