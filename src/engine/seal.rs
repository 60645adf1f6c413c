//! Envelope encryption at rest: every object is sealed with AES-256-GCM under a fresh random
//! 256-bit data key, which the key vault wraps. A sealed record is all a storage account holds:
//! ciphertext (with its tag), nonce, key id and wrapped key. The record's storage key is bound
//! in as associated data, so a record moved to another key fails authentication.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use serde::Serialize;

use super::error::{ErrorCode, RegistryError, Result};
use super::key_vault::{KeyVault, integrity, random_bytes};

/// Bytes GCM adds to every ciphertext.
pub const TAG_BYTES: usize = 16;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SealedRecord {
    pub key_id: String,
    #[serde(with = "serde_bytes")]
    pub nonce: [u8; 12],
    #[serde(with = "serde_bytes")]
    pub wrapped_key: Vec<u8>,
    /// Ciphertext followed by the 16-byte GCM tag.
    #[serde(with = "serde_bytes")]
    pub ciphertext: Vec<u8>,
}

/// Seals `plaintext` under a fresh data key wrapped by the vault's current key version.
pub fn seal(vault: &mut KeyVault, plaintext: &[u8], aad: &[u8]) -> Result<SealedRecord> {
    let data_key: [u8; 32] = random_bytes()?;
    let nonce: [u8; 12] = random_bytes()?;
    let cipher = Aes256Gcm::new(&Key::<Aes256Gcm>::from(data_key));
    let ciphertext = cipher
        .encrypt(&Nonce::from(nonce), Payload { msg: plaintext, aad })
        .map_err(|_| RegistryError::keyed(ErrorCode::Unknown, "errors.seal_failed", []))?;
    let (key_id, wrapped_key) = vault.wrap(&data_key, aad)?;
    Ok(SealedRecord { key_id, nonce, wrapped_key, ciphertext })
}

/// Opens a sealed record; any tampering is an `INTEGRITY_ERROR` and yields no bytes.
pub fn open(vault: &KeyVault, record: &SealedRecord, aad: &[u8]) -> Result<Vec<u8>> {
    let data_key = vault.unwrap(&record.key_id, &record.wrapped_key, aad)?;
    let cipher = Aes256Gcm::new(&Key::<Aes256Gcm>::from(data_key));
    cipher
        .decrypt(&Nonce::from(record.nonce), Payload { msg: &record.ciphertext, aad })
        .map_err(|_| integrity("errors.integrity_ciphertext"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_round_trip_and_every_flipped_bit_is_caught() {
        let mut vault = KeyVault::service_managed().unwrap();
        let plain = b"layer bytes that must never be stored in the clear";
        let rec = seal(&mut vault, plain, b"blobs/x").unwrap();
        assert_eq!(rec.ciphertext.len(), plain.len() + TAG_BYTES);
        assert!(!rec.ciphertext.windows(8).any(|w| plain.windows(8).any(|p| p == w)));
        assert_eq!(open(&vault, &rec, b"blobs/x").unwrap(), plain);
        for bit in 0..rec.ciphertext.len() * 8 {
            let mut bad = rec.clone();
            bad.ciphertext[bit / 8] ^= 1 << (bit % 8);
            assert_eq!(open(&vault, &bad, b"blobs/x").map_err(|e| e.code), Err(ErrorCode::IntegrityError));
        }
        let mut bad = rec.clone();
        bad.wrapped_key[20] ^= 1;
        assert_eq!(open(&vault, &bad, b"blobs/x").map_err(|e| e.code), Err(ErrorCode::IntegrityError));
        assert_eq!(open(&vault, &rec, b"blobs/y").map_err(|e| e.code), Err(ErrorCode::IntegrityError));
    }

    #[test]
    fn two_seals_of_the_same_bytes_differ() {
        let mut vault = KeyVault::service_managed().unwrap();
        let a = seal(&mut vault, b"same", b"k").unwrap();
        let b = seal(&mut vault, b"same", b"k").unwrap();
        assert_ne!(a.ciphertext, b.ciphertext);
        assert_ne!(a.nonce, b.nonce);
    }
}
