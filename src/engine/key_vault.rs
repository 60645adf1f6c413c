//! The key vault: key-encryption keys (KEKs) that wrap every object's data key (envelope
//! encryption). Key material comes from the platform CSPRNG (`getrandom`; the browser's
//! `crypto.getRandomValues` in wasm), never from the simulation seed. Wrapping nonces are a
//! per-version random salt plus a counter, so a KEK never sees the same nonce twice.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};

use super::error::{ErrorCode, RegistryError, Result, err};

/// Bytes of a wrapped data key: 12-byte nonce, 32-byte key, 16-byte GCM tag.
pub const WRAPPED_KEY_BYTES: usize = 12 + 32 + 16;

/// Fills an array from the platform CSPRNG.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|e| {
        RegistryError::new(ErrorCode::Unknown, format!("the platform random generator failed: {e}"))
    })?;
    Ok(out)
}

struct KeyVersion {
    material: [u8; 32],
    nonce_salt: [u8; 4],
    wraps: u64,
}

/// A vault holding one key with versions. A key id names the vault, the key and the version,
/// e.g. `service-managed/keys/registry/1`; every sealed record stores the id that wrapped it.
pub struct KeyVault {
    vault: String,
    key: String,
    /// Version n is at index n - 1; the newest is current.
    versions: Vec<KeyVersion>,
}

impl KeyVault {
    /// The service-managed key every registry gets at creation (ACR's default encryption).
    pub fn service_managed() -> Result<Self> {
        let mut vault =
            Self { vault: "service-managed".into(), key: "registry".into(), versions: Vec::new() };
        vault.add_version()?;
        Ok(vault)
    }

    /// Creates a new key version from the CSPRNG and makes it current.
    pub fn add_version(&mut self) -> Result<u32> {
        let key = KeyVersion { material: random_bytes()?, nonce_salt: random_bytes()?, wraps: 0 };
        self.versions.push(key);
        Ok(self.current())
    }

    /// The current (newest) version number; versions count from 1.
    fn current(&self) -> u32 {
        self.versions.len() as u32
    }

    pub fn key_id(&self, version: u32) -> String {
        format!("{}/keys/{}/{}", self.vault, self.key, version)
    }

    pub fn current_key_id(&self) -> String {
        self.key_id(self.current())
    }

    /// How many data keys each version has wrapped, oldest version first.
    pub fn wrap_counts(&self) -> Vec<(String, u64)> {
        self.versions.iter().zip(1..).map(|(k, v)| (self.key_id(v), k.wraps)).collect()
    }

    /// Wraps a data key with the current version; returns the key id and the wrapped key.
    pub fn wrap(&mut self, data_key: &[u8; 32], aad: &[u8]) -> Result<(String, Vec<u8>)> {
        let key_id = self.current_key_id();
        let Some(version) = self.versions.last_mut() else {
            return err(ErrorCode::Unknown, "the key vault has no current key version");
        };
        version.wraps += 1;
        let mut nonce = [0u8; 12];
        nonce[..4].copy_from_slice(&version.nonce_salt);
        nonce[4..].copy_from_slice(&version.wraps.to_be_bytes());
        let cipher = Aes256Gcm::new(&Key::<Aes256Gcm>::from(version.material));
        let sealed = cipher
            .encrypt(&Nonce::from(nonce), Payload { msg: data_key, aad })
            .map_err(|_| RegistryError::new(ErrorCode::Unknown, "wrapping a data key failed"))?;
        let mut wrapped = Vec::with_capacity(WRAPPED_KEY_BYTES);
        wrapped.extend_from_slice(&nonce);
        wrapped.extend_from_slice(&sealed);
        Ok((key_id, wrapped))
    }

    /// Unwraps a data key. A key id this vault does not hold, or a wrapped key that fails
    /// authentication, is an `INTEGRITY_ERROR`: no bytes are produced.
    pub fn unwrap(&self, key_id: &str, wrapped: &[u8], aad: &[u8]) -> Result<[u8; 32]> {
        let version = self.version_of(key_id).and_then(|v| self.versions.get((v as usize).checked_sub(1)?));
        let (Some(version), true) = (version, wrapped.len() == WRAPPED_KEY_BYTES) else {
            return err(
                ErrorCode::IntegrityError,
                format!("the data key was wrapped by {key_id:?}, which this registry's key vault cannot use"),
            );
        };
        let (nonce, sealed) = wrapped.split_at(12);
        let mut nonce_arr = [0u8; 12];
        nonce_arr.copy_from_slice(nonce);
        let cipher = Aes256Gcm::new(&Key::<Aes256Gcm>::from(version.material));
        let plain = cipher
            .decrypt(&Nonce::from(nonce_arr), Payload { msg: sealed, aad })
            .map_err(|_| integrity("the wrapped data key failed authentication"))?;
        let mut key = [0u8; 32];
        if plain.len() != 32 {
            return Err(integrity("the unwrapped data key has the wrong length"));
        }
        key.copy_from_slice(&plain);
        Ok(key)
    }

    fn version_of(&self, key_id: &str) -> Option<u32> {
        let prefix = format!("{}/keys/{}/", self.vault, self.key);
        key_id.strip_prefix(&prefix)?.parse().ok()
    }
}

pub(crate) fn integrity(what: &str) -> RegistryError {
    RegistryError::new(
        ErrorCode::IntegrityError,
        format!("{what}: the stored record was tampered with or corrupted, so no bytes are served"),
    )
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
        vault.add_version().unwrap();
        let (id2, _) = vault.wrap(&[2u8; 32], b"").unwrap();
        assert_eq!(id2, "service-managed/keys/registry/2");
        assert_eq!(vault.unwrap(&id1, &w1, b""), Ok([1u8; 32]));
        let bad = vault.unwrap("service-managed/keys/registry/9", &w1, b"");
        assert_eq!(bad.map_err(|e| e.code), Err(ErrorCode::IntegrityError));
    }
}
