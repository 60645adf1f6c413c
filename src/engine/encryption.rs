//! The registry's encryption at rest as its owner manages it: the key (service-managed, or a
//! customer-managed key in the customer's vault), its versions and rotation, and what happens
//! when access to it is lost. The cryptography itself is in `seal` and `key_vault`.

use serde::Serialize;

use super::clock::Millis;
use super::error::{ErrorCode, Result, err_k};
use super::events::EventKind;
use super::key_vault::{KeyBackup, KeyKind, KeyState, Rotation};
use super::registry::Registry;
use super::scheduler::Job;
use crate::i18n::{Arg, Msg};

/// Auto-rotation adopts a new version within this long (domain.md §4.1: "within 1 hour").
pub const AUTO_ROTATION_MAX: Millis = Millis::HOUR;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyVersionView {
    pub version: u32,
    pub key_id: String,
    pub created_at_ms: Millis,
    /// Data keys this version has wrapped since it was created.
    pub wrapped_data_keys: u64,
    /// Records in storage now whose data key this version wraps, and their logical bytes.
    pub records: u64,
    pub logical_bytes: u64,
    pub in_use: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyVaultView {
    pub kind: KeyKind,
    pub state: KeyState,
    pub rotation: Rotation,
    pub in_use: u32,
    pub versions: Vec<KeyVersionView>,
    /// False while access is lost: the registry then holds no key material at all.
    pub holds_key_material: bool,
    /// What a client's push or pull gets now, if it is refused because of the key.
    pub client_sees: Option<String>,
    /// The same, as catalogue texts (its code, then its words), for the page to show in its
    /// language.
    #[serde(skip)]
    pub client_sees_text: Option<Msg>,
    /// A version auto-rotation will adopt, and when.
    pub pending_adoption: Option<(u32, Millis)>,
}

impl Registry {
    /// Refuses (403) every push and pull while the key cannot be used.
    pub(super) fn check_key_usable(&self) -> Result<()> {
        self.vault.check_usable()
    }

    pub fn key_vault(&self) -> KeyVaultView {
        let mut per_version = vec![(0u64, 0u64); self.vault.newest() as usize];
        for account in self.store.accounts() {
            for (_, record) in account.records() {
                let v = record.sealed.key_id.rsplit('/').next().and_then(|v| v.parse::<usize>().ok());
                if let Some(slot) = v.and_then(|v| per_version.get_mut(v.checked_sub(1)?)) {
                    slot.0 += 1;
                    slot.1 += record.logical_bytes;
                }
            }
        }
        let versions = self
            .vault
            .versions()
            .into_iter()
            .map(|(version, key_id, wraps, created_at)| {
                let (records, logical_bytes) =
                    per_version.get(version as usize - 1).copied().unwrap_or_default();
                KeyVersionView {
                    version,
                    key_id,
                    created_at_ms: created_at,
                    wrapped_data_keys: wraps,
                    records,
                    logical_bytes,
                    in_use: version == self.vault.in_use(),
                }
            })
            .collect();
        KeyVaultView {
            kind: self.vault.kind(),
            state: self.vault.state(),
            rotation: self.vault.rotation(),
            in_use: self.vault.in_use(),
            versions,
            holds_key_material: self.vault.holds_material(),
            client_sees: self.vault.check_usable().err().map(|e| e.to_string()),
            client_sees_text: self
                .vault
                .check_usable()
                .err()
                .map(|e| Msg::new("errors.coded", [Arg::Text(e.code.as_str().to_string()), e.text.into()])),
            pending_adoption: self.queue.find(|job| match job {
                Job::AdoptKeyVersion { version } => Some(*version),
                _ => None,
            }),
        }
    }

    /// `refusal`: the `errors.cmk_…` key saying which change needs a customer-managed key.
    fn check_customer_managed(&self, refusal: &'static str) -> Result<()> {
        if self.vault.kind() == KeyKind::ServiceManaged {
            return err_k(ErrorCode::Unsupported, refusal, []);
        }
        Ok(())
    }

    /// The customer creates a new key version in the vault. With automatic rotation the
    /// registry adopts it within an hour (the moment drawn from the seeded RNG); with manual
    /// rotation it stays on its pinned version until `rotate_key`.
    pub(super) fn add_key_version_direct(&mut self) -> Result<KeyVaultView> {
        self.add_key_version_refusal()?;
        let version = self.vault.add_version(self.now)?;
        let adopt_at = match self.vault.rotation() {
            Rotation::Automatic => {
                let delay = Millis(super::registry::draw_below(&mut self.rng, AUTO_ROTATION_MAX.0) + 1);
                let at = self.now.saturating_add(delay);
                self.queue.push(at, Job::AdoptKeyVersion { version });
                Some(at)
            }
            Rotation::Manual { .. } => None,
        };
        self.log(EventKind::KeyVersionAdded { key_id: self.vault.key_id(version), adopt_at_ms: adopt_at });
        Ok(self.key_vault())
    }

    /// Rotates by hand: `Some(v)` pins version v (manual rotation); `None` switches to
    /// automatic rotation and adopts the newest version now.
    pub(super) fn rotate_key_direct(&mut self, version: Option<u32>) -> Result<KeyVaultView> {
        let (to, rotation) = self.rotate_key_refusal(version)?;
        let from = self.vault.in_use();
        self.vault.adopt(to, rotation)?;
        self.log(EventKind::KeyRotated {
            from: self.vault.key_id(from),
            to: self.vault.key_id(to),
            automatic: false,
        });
        Ok(self.key_vault())
    }

    /// Why `add_key_version_direct` would be refused (changing nothing), if it would.
    pub(super) fn add_key_version_refusal(&self) -> Result<()> {
        self.check_customer_managed("errors.cmk_add_version")?;
        self.vault.check_add_version()
    }

    /// Why `rotate_key_direct` would be refused (changing nothing), if it would; the version
    /// it adopts and how it rotates from then on otherwise.
    pub(super) fn rotate_key_refusal(&self, version: Option<u32>) -> Result<(u32, Rotation)> {
        self.check_customer_managed("errors.cmk_rotate")?;
        let (to, rotation) = match version {
            Some(v) => (v, Rotation::Manual { pinned: v }),
            None => (self.vault.newest(), Rotation::Automatic),
        };
        self.vault.check_adopt(to)?;
        Ok((to, rotation))
    }

    /// Runs a queued adoption of `version` (automatic rotation).
    pub(super) fn adopt_key_version(&mut self, version: u32) {
        let from = self.vault.in_use();
        if self.vault.rotation() != Rotation::Automatic || version <= from {
            return;
        }
        let key_id = self.vault.key_id(version);
        match self.vault.adopt(version, Rotation::Automatic) {
            Ok(()) => {
                self.log(EventKind::KeyRotated { from: self.vault.key_id(from), to: key_id, automatic: true })
            }
            Err(e) => {
                self.log(EventKind::KeyRotationFailed { key_id, reason: e.message, reason_text: e.text })
            }
        }
    }

    /// Disables the key in the vault: every push and pull fails (403) until `restore_key`.
    /// The returned backup is the key material, which leaves the registry.
    pub(super) fn disable_key_direct(&mut self) -> Result<KeyBackup> {
        self.lose_key(KeyState::Disabled)
    }

    /// Deletes the key (the vault's soft delete keeps it recoverable: the backup).
    pub(super) fn delete_key_direct(&mut self) -> Result<KeyBackup> {
        self.lose_key(KeyState::Deleted)
    }

    /// Removes the registry identity's access to the key.
    pub(super) fn revoke_key_access_direct(&mut self) -> Result<KeyBackup> {
        self.lose_key(KeyState::AccessRevoked)
    }

    fn lose_key(&mut self, to: KeyState) -> Result<KeyBackup> {
        self.lose_key_refusal(to)?;
        let backup = self.vault.lose_access(to)?;
        self.log(EventKind::KeyAccessLost { state: to });
        Ok(backup)
    }

    /// Access to the key is restored (enabled again, recovered, or access granted back): the
    /// backup is checked against the key's versions before anything changes.
    pub(super) fn restore_key_direct(&mut self, backup: &str) -> Result<KeyVaultView> {
        self.check_customer_managed("errors.cmk_restore")?;
        let from = self.vault.state();
        self.vault.restore(&KeyBackup::parse(backup))?;
        self.log(EventKind::KeyRestored { from });
        Ok(self.key_vault())
    }

    /// Why disabling, deleting or revoking access to the key (`to`) would be refused
    /// (changing nothing), if it would.
    pub(super) fn lose_key_refusal(&self, to: KeyState) -> Result<()> {
        self.check_customer_managed("errors.cmk_lose")?;
        self.vault.check_lose_access(to)
    }

    /// Why `restore_key_direct(backup)` would be refused (changing nothing), if it would.
    pub(super) fn restore_key_refusal(&self, backup: &str) -> Result<()> {
        self.check_customer_managed("errors.cmk_restore")?;
        self.vault.check_restore(&KeyBackup::parse(backup))
    }
}
