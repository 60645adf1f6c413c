//! The blob store: a registry's content-addressed storage, sharded by digest over several
//! storage accounts. Everything goes in sealed (see `seal`) and comes out opened and
//! re-verified against its digest, so a corrupted record can never be served as good bytes.

use super::clock::Millis;
use super::digest::Digest;
use super::error::{ErrorCode, Result, err};
use super::key_vault::{KeyVault, integrity};
use super::seal::{open, seal};
use super::storage_account::{RecordKey, RecordKind, StorageAccount, StoredRecord};

/// Most storage accounts a registry's store may be sharded over.
pub const STORAGE_ACCOUNTS_MAX: usize = 16;

pub struct BlobStore {
    accounts: Vec<StorageAccount>,
}

impl BlobStore {
    /// `count` accounts (1..=16) named `<prefix>01`, `<prefix>02`, …
    pub fn new(prefix: &str, count: usize) -> Result<Self> {
        if !(1..=STORAGE_ACCOUNTS_MAX).contains(&count) {
            return err(
                ErrorCode::InvalidArgument,
                format!("a registry has 1 to {STORAGE_ACCOUNTS_MAX} storage accounts, not {count}"),
            );
        }
        let accounts = (1..=count).map(|i| StorageAccount::new(format!("{prefix}{i:02}"))).collect();
        Ok(Self { accounts })
    }

    /// The account a digest lives in: its first four bytes modulo the account count.
    pub fn shard_of(&self, digest: &Digest) -> usize {
        let b = digest.as_bytes();
        u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize % self.accounts.len()
    }

    pub fn accounts(&self) -> &[StorageAccount] {
        &self.accounts
    }

    pub fn contains(&self, key: &RecordKey) -> bool {
        self.accounts[self.shard_of(&key.digest)].get(key).is_some()
    }

    pub fn get(&self, key: &RecordKey) -> Option<&StoredRecord> {
        self.accounts[self.shard_of(&key.digest)].get(key)
    }

    /// Seals `plaintext` and stores it under `key`. `logical_bytes` is what it accounts for.
    pub fn put(
        &mut self,
        vault: &mut KeyVault,
        key: RecordKey,
        plaintext: &[u8],
        logical_bytes: u64,
    ) -> Result<()> {
        let aad = key.to_string();
        let sealed = seal(vault, plaintext, aad.as_bytes())?;
        let shard = self.shard_of(&key.digest);
        self.accounts[shard].put(key, StoredRecord { sealed, logical_bytes, released_at: None });
        Ok(())
    }

    /// Opens the record under `key` and checks its bytes hash to the key's digest.
    pub fn open(&self, vault: &KeyVault, key: &RecordKey) -> Result<Vec<u8>> {
        let Some(record) = self.get(key).filter(|r| r.released_at.is_none()) else {
            let code = match key.kind {
                RecordKind::Blob => ErrorCode::BlobUnknown,
                RecordKind::Manifest => ErrorCode::ManifestUnknown,
            };
            return err(code, format!("{} is not in storage", key.digest));
        };
        let plain = open(vault, &record.sealed, key.to_string().as_bytes())?;
        if Digest::of(&plain) != key.digest {
            return Err(integrity("the decrypted bytes do not match their digest"));
        }
        Ok(plain)
    }

    /// Stops billing a record (nothing references it); garbage collection reclaims it later.
    pub fn release(&mut self, key: &RecordKey, at: Millis) -> Option<u64> {
        let shard = self.shard_of(&key.digest);
        self.accounts[shard].release(key, at)
    }

    /// Reclaims a released record's space; None if it was stored again meanwhile.
    pub fn reclaim(&mut self, key: &RecordKey) -> Option<StoredRecord> {
        let shard = self.shard_of(&key.digest);
        self.accounts[shard].reclaim(key)
    }

    /// Logical bytes billed across all accounts.
    pub fn billed_bytes(&self) -> u64 {
        self.accounts.iter().map(StorageAccount::billed_bytes).sum()
    }

    pub fn account_of(&self, digest: &Digest) -> &str {
        self.accounts[self.shard_of(digest)].name()
    }

    /// Flips one bit of a stored ciphertext (bit rot, or an attacker with storage access).
    pub fn flip_bit(&mut self, key: &RecordKey, bit: u64) -> Result<()> {
        let shard = self.shard_of(&key.digest);
        let Some(record) = self.accounts[shard].get_mut(key) else {
            return err(ErrorCode::BlobUnknown, format!("no record {key} in storage"));
        };
        let len_bits = record.sealed.ciphertext.len() as u64 * 8;
        if bit >= len_bits {
            return err(
                ErrorCode::InvalidArgument,
                format!("bit {bit} is past the end of the {len_bits}-bit ciphertext"),
            );
        }
        record.sealed.ciphertext[(bit / 8) as usize] ^= 1 << (bit % 8);
        Ok(())
    }
}
