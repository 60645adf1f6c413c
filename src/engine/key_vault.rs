//! The key vault: key-encryption keys (KEKs) that wrap every object's data key (envelope
//! encryption). Key material comes from the platform CSPRNG (`getrandom`; the browser's
//! `crypto.getRandomValues` in wasm), never from the simulation seed. Wrapping nonces are a
//! per-version random salt plus a counter, so a KEK never sees the same nonce twice.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};

use serde::Serialize;
use sha2::{Digest as _, Sha256};
use zeroize::Zeroize;

use super::clock::Millis;
use super::digest::hex_lower;
use super::error::{ErrorCode, RegistryError, Result, arg, err_k, quoted};

/// Bytes of a wrapped data key: 12-byte nonce, 32-byte key, 16-byte GCM tag.
pub const WRAPPED_KEY_BYTES: usize = 12 + 32 + 16;

/// Fills an array from the platform CSPRNG.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out)
        .map_err(|e| RegistryError::keyed(ErrorCode::Unknown, "errors.key_random_failed", [arg(e)]))?;
    Ok(out)
}

/// What the registry's key is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum KeyKind {
    /// ACR's default: a key the service manages; it cannot be disabled.
    ServiceManaged,
    /// A key in the customer's vault (Premium, chosen at creation, never turned off).
    CustomerManaged,
}

/// How a customer-managed key's versions are adopted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "mode")]
pub enum Rotation {
    /// Key id without a version: a new version is adopted within one virtual hour.
    Automatic,
    /// Key id with a version: stays on it until rotated by hand.
    Manual { pinned: u32 },
}

/// How a customer-managed key is set up at registry creation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RotationMode {
    /// A key id without a version: new versions are adopted within an hour.
    Automatic,
    /// A versioned key id: version 1 until rotated by hand.
    Manual,
}

/// Whether the registry can use its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum KeyState {
    Enabled,
    /// Disabled in the vault.
    Disabled,
    /// Deleted (recoverable through the vault's soft delete).
    Deleted,
    /// The registry's identity lost its get/wrapKey/unwrapKey access.
    AccessRevoked,
}

impl KeyState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enabled => "enabled",
            Self::Disabled => "disabled",
            Self::Deleted => "deleted",
            Self::AccessRevoked => "access revoked",
        }
    }
}

#[derive(Clone)]
struct KeyVersion {
    /// The key material, present only while the registry can use the key: when access is
    /// lost it is zeroed and handed out in a `KeyBackup`, so nothing here can unwrap.
    material: Option<[u8; 32]>,
    /// SHA-256 of the material (domain-separated): recognises a backup, unwraps nothing.
    fingerprint: [u8; 32],
    nonce_salt: [u8; 4],
    wraps: u64,
    created_at: Millis,
}

const BACKUP_PREFIX: &str = "stowage-key-backup-v1:";

fn fingerprint(material: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"stowage key fingerprint\0");
    h.update(material);
    h.finalize().into()
}

/// A vault holding one key with versions. A key id names the vault, the key and the version,
/// e.g. `service-managed/keys/registry/1`; every sealed record stores the id that wrapped it.
#[derive(Clone)]
pub struct KeyVault {
    kind: KeyKind,
    vault: String,
    key: String,
    /// Version n is at index n - 1.
    versions: Vec<KeyVersion>,
    /// The version new data keys are wrapped with.
    in_use: u32,
    rotation: Rotation,
    state: KeyState,
    /// A fault: the vault cannot be reached (the material stays; nothing can use it).
    unreachable: bool,
}

impl Drop for KeyVault {
    fn drop(&mut self) {
        for v in &mut self.versions {
            if let Some(m) = v.material.as_mut() {
                m.zeroize();
            }
        }
    }
}

/// The key material of every version, as text: what the customer's vault holds while the
/// registry has lost access. Giving it back (`restore`) is the only way to use the key again.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct KeyBackup(String);

impl KeyBackup {
    pub fn parse(text: &str) -> Self {
        Self(text.trim().to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for KeyBackup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KeyBackup({} chars)", self.0.len())
    }
}

impl Drop for KeyBackup {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl KeyVault {
    /// The service-managed key every registry gets at creation (ACR's default encryption).
    pub fn service_managed() -> Result<Self> {
        Self::create(KeyKind::ServiceManaged, "service-managed", "registry", Rotation::Automatic)
    }

    /// A customer-managed key in the customer's vault, version 1 in use.
    pub fn customer_managed(rotation_automatic: bool) -> Result<Self> {
        let rotation = if rotation_automatic { Rotation::Automatic } else { Rotation::Manual { pinned: 1 } };
        Self::create(KeyKind::CustomerManaged, "customer-vault", "registry-cmk", rotation)
    }

    fn create(kind: KeyKind, vault: &str, key: &str, rotation: Rotation) -> Result<Self> {
        let mut v = Self {
            kind,
            vault: vault.into(),
            key: key.into(),
            versions: Vec::new(),
            in_use: 1,
            rotation,
            state: KeyState::Enabled,
            unreachable: false,
        };
        v.add_version(Millis(0))?;
        Ok(v)
    }

    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    pub fn state(&self) -> KeyState {
        self.state
    }

    pub fn rotation(&self) -> Rotation {
        self.rotation
    }

    pub fn in_use(&self) -> u32 {
        self.in_use
    }

    /// The newest version; versions count from 1.
    pub fn newest(&self) -> u32 {
        self.versions.len() as u32
    }

    /// Creates a new key version from the CSPRNG. A service-managed key uses it at once; a
    /// customer-managed one when the registry adopts it (see `Rotation`).
    pub fn add_version(&mut self, now: Millis) -> Result<u32> {
        self.check_add_version()?;
        let material: [u8; 32] = random_bytes()?;
        let key = KeyVersion {
            fingerprint: fingerprint(&material),
            material: Some(material),
            nonce_salt: random_bytes()?,
            wraps: 0,
            created_at: now,
        };
        self.versions.push(key);
        if self.kind == KeyKind::ServiceManaged {
            self.in_use = self.newest();
        }
        Ok(self.newest())
    }

    /// Why `add_version` would be refused (changing nothing), if it would.
    pub fn check_add_version(&self) -> Result<()> {
        self.check_usable()?;
        if self.versions.len() >= 10_000 {
            return err_k(ErrorCode::InvalidArgument, "errors.key_versions_max", []);
        }
        Ok(())
    }

    /// Wraps new data keys with `version` from now on.
    pub fn adopt(&mut self, version: u32, rotation: Rotation) -> Result<()> {
        self.check_adopt(version)?;
        self.in_use = version;
        self.rotation = rotation;
        Ok(())
    }

    /// Why `adopt(version, _)` would be refused (changing nothing), if it would.
    pub fn check_adopt(&self, version: u32) -> Result<()> {
        self.check_usable()?;
        if version == 0 || version > self.newest() {
            return err_k(
                ErrorCode::InvalidArgument,
                "errors.key_version_range",
                [arg(self.newest()), arg(version)],
            );
        }
        Ok(())
    }

    pub fn key_id(&self, version: u32) -> String {
        format!("{}/keys/{}/{}", self.vault, self.key, version)
    }

    /// Versions as (key id, data keys wrapped, created at), oldest first.
    pub fn versions(&self) -> Vec<(u32, String, u64, Millis)> {
        self.versions.iter().zip(1..).map(|(k, v)| (v, self.key_id(v), k.wraps, k.created_at)).collect()
    }

    /// Key ids and how many data keys each version wrapped.
    pub fn wrap_counts(&self) -> Vec<(String, u64)> {
        self.versions.iter().zip(1..).map(|(k, v)| (self.key_id(v), k.wraps)).collect()
    }

    /// Whether the registry holds any key material now.
    pub fn holds_material(&self) -> bool {
        self.versions.iter().any(|v| v.material.is_some())
    }

    /// Ok while the key can be used; otherwise the 403 a client sees.
    pub fn set_unreachable(&mut self, unreachable: bool) {
        self.unreachable = unreachable;
    }

    pub fn check_usable(&self) -> Result<()> {
        let key = format!("{}/keys/{}", self.vault, self.key);
        if self.unreachable {
            return err_k(ErrorCode::Denied, "errors.key_vault_unreachable", [arg(key)]);
        }
        let refused = match self.state {
            KeyState::Enabled => return Ok(()),
            KeyState::Disabled => "errors.key_refused_disabled",
            KeyState::Deleted => "errors.key_refused_deleted",
            KeyState::AccessRevoked => "errors.key_refused_revoked",
        };
        err_k(ErrorCode::Denied, refused, [arg(key)])
    }

    /// The key stops being usable (`to`: disabled, deleted or access revoked). Its material
    /// leaves the registry: it is zeroed here and returned, as the customer's vault keeps it.
    pub fn lose_access(&mut self, to: KeyState) -> Result<KeyBackup> {
        self.check_lose_access(to)?;
        let mut text = String::with_capacity(BACKUP_PREFIX.len() + 65 * self.versions.len());
        text.push_str(BACKUP_PREFIX);
        for (i, v) in self.versions.iter_mut().enumerate() {
            if i > 0 {
                text.push('.');
            }
            if let Some(mut m) = v.material.take() {
                text.push_str(&hex_lower(&m));
                m.zeroize();
            }
        }
        self.state = to;
        Ok(KeyBackup(text))
    }

    /// Why `lose_access(to)` would be refused (changing nothing), if it would.
    pub fn check_lose_access(&self, to: KeyState) -> Result<()> {
        if self.kind == KeyKind::ServiceManaged {
            return err_k(ErrorCode::Unsupported, "errors.key_service_managed_loss", []);
        }
        if to == KeyState::Enabled {
            return err_k(ErrorCode::InvalidArgument, "errors.key_enable_by_restore", []);
        }
        let already = match self.state {
            KeyState::Enabled => None,
            KeyState::Disabled => Some("errors.key_already_disabled"),
            KeyState::Deleted => Some("errors.key_already_deleted"),
            KeyState::AccessRevoked => Some("errors.key_already_revoked"),
        };
        if let Some(already) = already {
            return err_k(ErrorCode::InvalidArgument, already, []);
        }
        Ok(())
    }

    /// Access is back: the backup's material is checked against every version's fingerprint
    /// and only then taken in. A backup of another key changes nothing.
    pub fn restore(&mut self, backup: &KeyBackup) -> Result<()> {
        let materials = self.restored_materials(backup)?;
        for (v, m) in self.versions.iter_mut().zip(materials) {
            v.material = Some(m);
        }
        self.state = KeyState::Enabled;
        Ok(())
    }

    /// Why `restore(backup)` would be refused (changing nothing), if it would.
    pub fn check_restore(&self, backup: &KeyBackup) -> Result<()> {
        let mut materials = self.restored_materials(backup)?;
        for m in &mut materials {
            m.zeroize();
        }
        Ok(())
    }

    /// The material of every version, from `backup`, checked against their fingerprints.
    fn restored_materials(&self, backup: &KeyBackup) -> Result<Vec<[u8; 32]>> {
        if self.state == KeyState::Enabled {
            return err_k(ErrorCode::InvalidArgument, "errors.key_enabled_already", []);
        }
        let bad = || RegistryError::keyed(ErrorCode::InvalidArgument, "errors.key_backup_bad", []);
        let body = backup.as_str().strip_prefix(BACKUP_PREFIX).ok_or_else(bad)?;
        let parts: Vec<&str> = body.split('.').collect();
        if parts.len() != self.versions.len() {
            return Err(bad());
        }
        let mut materials = Vec::with_capacity(parts.len());
        for (part, v) in parts.iter().zip(&self.versions) {
            let mut m = [0u8; 32];
            if part.len() != 64 || !part.is_ascii() {
                return Err(bad());
            }
            for (i, out) in m.iter_mut().enumerate() {
                *out = u8::from_str_radix(&part[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
            }
            if fingerprint(&m) != v.fingerprint {
                m.zeroize();
                return Err(bad());
            }
            materials.push(m);
        }
        Ok(materials)
    }

    /// Wraps a data key with the version in use; returns the key id and the wrapped key.
    pub fn wrap(&mut self, data_key: &[u8; 32], aad: &[u8]) -> Result<(String, Vec<u8>)> {
        self.check_usable()?;
        let key_id = self.key_id(self.in_use);
        let index = (self.in_use as usize).saturating_sub(1);
        let Some(version) = self.versions.get_mut(index) else {
            return err_k(ErrorCode::Unknown, "errors.key_no_such_version", []);
        };
        let Some(material) = version.material else {
            return err_k(ErrorCode::Denied, "errors.key_no_material_version", []);
        };
        version.wraps += 1;
        let mut nonce = [0u8; 12];
        nonce[..4].copy_from_slice(&version.nonce_salt);
        nonce[4..].copy_from_slice(&version.wraps.to_be_bytes());
        let cipher = Aes256Gcm::new(&Key::<Aes256Gcm>::from(material));
        let sealed = cipher
            .encrypt(&Nonce::from(nonce), Payload { msg: data_key, aad })
            .map_err(|_| RegistryError::keyed(ErrorCode::Unknown, "errors.key_wrap_failed", []))?;
        let mut wrapped = Vec::with_capacity(WRAPPED_KEY_BYTES);
        wrapped.extend_from_slice(&nonce);
        wrapped.extend_from_slice(&sealed);
        Ok((key_id, wrapped))
    }

    /// Whether `unwrap` of a data key wrapped under `key_id` would work now, given it worked
    /// once (the wrapped key authenticated then, and is never changed): the same answers from
    /// the vault's state, without the decryption (the oracle asks it of every record on every
    /// refresh).
    pub fn can_unwrap_again(&self, key_id: &str) -> Result<()> {
        if self.unreachable {
            self.check_usable()?;
        }
        let version = self.version_of(key_id).and_then(|v| self.versions.get((v as usize).checked_sub(1)?));
        let Some(version) = version else {
            return err_k(ErrorCode::IntegrityError, "errors.key_foreign", [quoted(key_id)]);
        };
        if version.material.is_none() {
            self.check_usable()?;
            return err_k(ErrorCode::Denied, "errors.key_no_material", [arg(key_id)]);
        }
        Ok(())
    }

    /// Unwraps a data key. Without the key's material this is impossible (403); a key id
    /// this vault does not hold, or a wrapped key that fails authentication, is an
    /// `INTEGRITY_ERROR`: no bytes are produced.
    pub fn unwrap(&self, key_id: &str, wrapped: &[u8], aad: &[u8]) -> Result<[u8; 32]> {
        if self.unreachable {
            self.check_usable()?;
        }
        let version = self.version_of(key_id).and_then(|v| self.versions.get((v as usize).checked_sub(1)?));
        let (Some(version), true) = (version, wrapped.len() == WRAPPED_KEY_BYTES) else {
            return err_k(ErrorCode::IntegrityError, "errors.key_foreign", [quoted(key_id)]);
        };
        let Some(material) = version.material else {
            self.check_usable()?;
            return err_k(ErrorCode::Denied, "errors.key_no_material", [arg(key_id)]);
        };
        let (nonce, sealed) = wrapped.split_at(12);
        let mut nonce_arr = [0u8; 12];
        nonce_arr.copy_from_slice(nonce);
        let cipher = Aes256Gcm::new(&Key::<Aes256Gcm>::from(material));
        let mut plain = cipher
            .decrypt(&Nonce::from(nonce_arr), Payload { msg: sealed, aad })
            .map_err(|_| integrity("errors.integrity_wrapped_key"))?;
        let mut key = [0u8; 32];
        if plain.len() != 32 {
            return Err(integrity("errors.integrity_key_length"));
        }
        key.copy_from_slice(&plain);
        plain.zeroize();
        Ok(key)
    }

    fn version_of(&self, key_id: &str) -> Option<u32> {
        let prefix = format!("{}/keys/{}/", self.vault, self.key);
        key_id.strip_prefix(&prefix)?.parse().ok()
    }
}

/// An `INTEGRITY_ERROR`: `key` (`errors.integrity_…`) says what failed and that no bytes are
/// served.
pub(crate) fn integrity(key: &'static str) -> RegistryError {
    RegistryError::keyed(ErrorCode::IntegrityError, key, [])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_then_unwrap_returns_the_data_key_and_nonces_never_repeat() {
        let mut vault = KeyVault::service_managed().unwrap();
        let dk = [9u8; 32];
        let (id, w1) = vault.wrap(&dk, b"aad").unwrap();
        let (_, w2) = vault.wrap(&dk, b"aad").unwrap();
        assert_eq!(id, "service-managed/keys/registry/1");
        assert_eq!(w1.len(), WRAPPED_KEY_BYTES);
        assert_ne!(w1[..12], w2[..12], "a nonce was reused");
        assert_eq!(vault.unwrap(&id, &w1, b"aad"), Ok(dk));
        assert_eq!(vault.unwrap(&id, &w1, b"other").map_err(|e| e.code), Err(ErrorCode::IntegrityError));
        assert_eq!(vault.wrap_counts(), vec![(id, 2)]);
    }

    #[test]
    fn older_versions_still_unwrap_after_a_new_version() {
        let mut vault = KeyVault::service_managed().unwrap();
        let (id1, w1) = vault.wrap(&[1u8; 32], b"").unwrap();
        vault.add_version(Millis(5)).unwrap();
        let (id2, _) = vault.wrap(&[2u8; 32], b"").unwrap();
        assert_eq!(id2, "service-managed/keys/registry/2");
        assert_eq!(vault.unwrap(&id1, &w1, b""), Ok([1u8; 32]));
        let bad = vault.unwrap("service-managed/keys/registry/9", &w1, b"");
        assert_eq!(bad.map_err(|e| e.code), Err(ErrorCode::IntegrityError));
    }
}

#[cfg(test)]
mod cmk_tests {
    use super::*;

    #[test]
    fn losing_access_removes_every_key_and_only_the_right_backup_brings_them_back() {
        let mut vault = KeyVault::customer_managed(false).unwrap();
        let (id, w) = vault.wrap(&[7u8; 32], b"aad").unwrap();
        assert_eq!(id, "customer-vault/keys/registry-cmk/1");
        let backup = vault.lose_access(KeyState::AccessRevoked).unwrap();
        assert!(!vault.holds_material(), "material must leave the registry");
        let e = vault.unwrap(&id, &w, b"aad").unwrap_err();
        assert_eq!((e.code, e.http_status), (ErrorCode::Denied, 403));
        assert!(e.message.contains("access revoked"), "{}", e.message);
        assert_eq!(vault.wrap(&[1u8; 32], b"").map_err(|e| e.code), Err(ErrorCode::Denied));
        // A damaged backup, or another key's, is refused and changes nothing.
        let other = KeyVault::customer_managed(false).unwrap().lose_access(KeyState::Disabled).unwrap();
        assert_eq!(vault.restore(&other).map_err(|e| e.code), Err(ErrorCode::InvalidArgument));
        let mut damaged = backup.as_str().to_string();
        damaged.pop();
        damaged.push('x');
        assert!(vault.restore(&KeyBackup::parse(&damaged)).is_err());
        assert_eq!(vault.state(), KeyState::AccessRevoked);
        vault.restore(&backup).unwrap();
        assert_eq!(vault.unwrap(&id, &w, b"aad"), Ok([7u8; 32]));
    }

    #[test]
    fn a_service_managed_key_cannot_be_disabled() {
        let mut vault = KeyVault::service_managed().unwrap();
        assert_eq!(vault.lose_access(KeyState::Disabled).map_err(|e| e.code), Err(ErrorCode::Unsupported));
        assert!(vault.holds_material());
    }
}
