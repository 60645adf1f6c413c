//! The blob store: a registry's content-addressed storage, sharded by digest over several
//! storage accounts. Everything goes in sealed (see `seal`) and comes out opened and
//! re-verified against its digest, so a corrupted record can never be served as good bytes.

use std::collections::VecDeque;

use sha2::{Digest as _, Sha256};

use super::clock::Millis;
use super::digest::Digest;
use super::error::RegistryError;
use super::error::{ErrorCode, Result, arg, err_k};
use super::key_vault::{KeyVault, integrity};
use super::seal::{StreamOpener, open, seal};
use super::storage_account::{
    Copies, RecordKey, RecordKind, StorageAccount, StorageCopy, StoredRecord, Verified,
};

/// Opens one copy: its damage (flipped bits) applied to a clone of the shared bytes.
fn open_copy(
    vault: &KeyVault,
    record: &StoredRecord,
    damage: &[u64],
    aad: &[u8],
    key: &RecordKey,
) -> Result<Vec<u8>> {
    let plain = if damage.is_empty() {
        open(vault, &record.sealed, aad)?
    } else {
        let mut sealed = record.sealed.clone();
        for bit in damage {
            if let Some(byte) = std::rc::Rc::make_mut(&mut sealed.ciphertext).get_mut((bit / 8) as usize) {
                *byte ^= 1 << (bit % 8);
            }
        }
        open(vault, &sealed, aad)?
    };
    if Digest::of(&plain) != key.digest {
        return Err(integrity("errors.integrity_digest"));
    }
    if damage.is_empty() {
        record.verified.set();
    }
    Ok(plain)
}

/// `open_copy` without the bytes: an undamaged copy verified before needs only its key to be
/// usable still (the key vault's state is checked every time; the wrapped key and the bytes it
/// unlocks are known good).
fn check_copy(
    vault: &KeyVault,
    record: &StoredRecord,
    damage: &[u64],
    aad: &[u8],
    key: &RecordKey,
) -> Result<()> {
    if damage.is_empty() && record.verified.get() {
        return vault.can_unwrap_again(&record.sealed.key_id);
    }
    open_copy(vault, record, damage, aad, key).map(drop)
}

/// A record being opened a piece at a time (`BlobStore::reader`): each usable copy in turn,
/// hashed as it is opened; the first whose tag and digest are right is the answer.
pub struct BlobReader {
    digest: Digest,
    openers: VecDeque<StreamOpener>,
    hasher: Sha256,
    /// Why the copies tried so far failed.
    last: Option<RegistryError>,
}

impl BlobReader {
    /// Opens up to about `budget` more bytes; the blob once a copy opened whole and right.
    pub fn advance(&mut self, budget: usize) -> Result<Option<Vec<u8>>> {
        let Some(opener) = self.openers.front_mut() else {
            return Err(self.last.clone().unwrap_or_else(|| integrity("errors.integrity_ciphertext")));
        };
        let (fresh, done) = opener.advance(budget);
        self.hasher.update(fresh);
        if !done {
            return Ok(None);
        }
        let hasher = std::mem::take(&mut self.hasher);
        let Some(opener) = self.openers.pop_front() else { return Ok(None) };
        match opener.finish() {
            Ok(plain) if Digest::from_sha256(hasher) == self.digest => Ok(Some(plain)),
            Ok(_) => {
                self.last = Some(integrity("errors.integrity_digest"));
                Ok(None)
            }
            Err(e) => {
                self.last = Some(e);
                Ok(None)
            }
        }
    }

    /// Bytes opened of the copy being opened, and its bytes in all.
    pub fn progress(&self) -> (u64, u64) {
        self.openers.front().map_or((0, 0), |o| (o.opened() as u64, o.len() as u64))
    }
}

/// Most storage accounts a registry's store may be sharded over.
pub const STORAGE_ACCOUNTS_MAX: usize = 16;

#[derive(Clone)]
pub struct BlobStore {
    accounts: Vec<StorageAccount>,
}

impl BlobStore {
    /// `count` accounts (1..=16) named `<prefix>01`, `<prefix>02`, …
    pub fn new(prefix: &str, count: usize) -> Result<Self> {
        if !(1..=STORAGE_ACCOUNTS_MAX).contains(&count) {
            return err_k(
                ErrorCode::InvalidArgument,
                "errors.store_accounts_count",
                [arg(STORAGE_ACCOUNTS_MAX), arg(count)],
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

    /// Seals `plaintext` and stores it under `key`, whose digest every caller computed from
    /// these bytes: the record is verified as it is made (see `Verified`). `logical_bytes` is
    /// what it accounts for.
    pub fn put(
        &mut self,
        vault: &mut KeyVault,
        key: RecordKey,
        plaintext: &[u8],
        logical_bytes: u64,
        now: Millis,
    ) -> Result<()> {
        let aad = key.to_string();
        let sealed = seal(vault, plaintext, aad.as_bytes())?;
        let shard = self.shard_of(&key.digest);
        let copies = Copies { written_at: now, ..Copies::default() };
        let verified = Verified::default();
        verified.set();
        self.accounts[shard]
            .put(key, StoredRecord { sealed, logical_bytes, released_at: None, copies, verified });
        Ok(())
    }

    /// Whether the record was lost with a destroyed primary (its metadata lives on).
    pub fn is_lost(&self, key: &RecordKey) -> bool {
        self.accounts[self.shard_of(&key.digest)].is_lost(key)
    }

    /// Nothing references a lost record any more: forget it.
    pub fn forget_lost(&mut self, key: &RecordKey) {
        let shard = self.shard_of(&key.digest);
        self.accounts[shard].forget_lost(key);
    }

    /// Stores a record sealed elsewhere (a geo-replicated copy: the same ciphertext, no
    /// re-encryption, the key id and wrapped key travel with it; or an upload sealed as it
    /// arrived). `verified_before`: its sealed bytes are known to open to its digest (the
    /// copy's source was verified, or the upload's bytes hashed to it as they were sealed).
    pub fn put_sealed(
        &mut self,
        key: RecordKey,
        sealed: super::seal::SealedRecord,
        logical_bytes: u64,
        now: Millis,
        verified_before: bool,
    ) {
        let shard = self.shard_of(&key.digest);
        let copies = Copies { written_at: now, ..Copies::default() };
        let verified = Verified::default();
        if verified_before {
            verified.set();
        }
        self.accounts[shard]
            .put(key, StoredRecord { sealed, logical_bytes, released_at: None, copies, verified });
    }

    pub fn account_mut(&mut self, index: usize) -> Option<&mut StorageAccount> {
        self.accounts.get_mut(index)
    }

    pub fn account_index(&self, name: &str) -> Option<usize> {
        self.accounts.iter().position(|a| a.name() == name)
    }

    /// The geo copy of `key` (written at `written_at`) lands in the paired region.
    pub fn geo_copy(&mut self, key: &RecordKey, written_at: Millis) -> bool {
        let shard = self.shard_of(&key.digest);
        self.accounts[shard].geo_copy(key, written_at)
    }

    /// Opens the record under `key` and checks its bytes hash to the key's digest.
    /// Tries the primary copy first (unless the account's primary has failed), then the
    /// secondary: a copy that fails authentication or its digest check is skipped, so bit rot
    /// in one copy is served from the other and never as wrong bytes.
    pub fn open(&self, vault: &KeyVault, key: &RecordKey) -> Result<Vec<u8>> {
        self.read_with(vault, key, open_copy)
    }

    /// Whether `open` would serve the record now, without its bytes (what the oracle asks of
    /// every acknowledged image on every refresh): the same answer, with a record's bytes
    /// decrypted and hashed once in its life rather than on every check.
    pub fn check(&self, vault: &KeyVault, key: &RecordKey) -> Result<()> {
        self.read_with(vault, key, check_copy)
    }

    /// `open` a piece at a time (`BlobReader::advance`): the same checks now, the vault asked
    /// now, and the same answer at the end (a copy that fails its tag or digest gives way to
    /// the other).
    pub fn reader(&self, vault: &KeyVault, key: &RecordKey) -> Result<BlobReader> {
        let mut openers = VecDeque::new();
        let mut last = None;
        let unusable: Result<()> = self.read_with(vault, key, |vault, record, damage, aad, _| {
            let mut sealed = record.sealed.clone();
            for bit in damage {
                if let Some(byte) = std::rc::Rc::make_mut(&mut sealed.ciphertext).get_mut((bit / 8) as usize)
                {
                    *byte ^= 1 << (bit % 8);
                }
            }
            match StreamOpener::new(vault, &sealed, aad) {
                Ok(opener) => openers.push_back(opener),
                Err(e) if e.code == ErrorCode::IntegrityError => last = Some(e),
                Err(e) => return Err(e),
            }
            // Every usable copy is taken: the reader tries them in order.
            Err(integrity("errors.integrity_ciphertext"))
        });
        match unusable {
            Err(e) if e.code != ErrorCode::IntegrityError => Err(e),
            _ => Ok(BlobReader { digest: key.digest, openers, hasher: Sha256::new(), last }),
        }
    }

    fn read_with<T>(
        &self,
        vault: &KeyVault,
        key: &RecordKey,
        mut read: impl FnMut(&KeyVault, &StoredRecord, &[u64], &[u8], &RecordKey) -> Result<T>,
    ) -> Result<T> {
        let account = &self.accounts[self.shard_of(&key.digest)];
        let Some(record) = account.get(key).filter(|r| r.released_at.is_none()) else {
            if account.is_lost(key) {
                return err_k(ErrorCode::Unavailable, "errors.store_lost", [arg(key), arg(account.name())]);
            }
            let code = match key.kind {
                RecordKind::Blob => ErrorCode::BlobUnknown,
                RecordKind::Manifest => ErrorCode::ManifestUnknown,
            };
            return err_k(code, "errors.store_not_stored", [arg(key.digest)]);
        };
        if account.in_failed_zone(record) {
            return err_k(ErrorCode::Unavailable, "errors.store_zone_failed", [arg(key)]);
        }
        let failed = account.failure().is_some();
        let copies = [
            (record.copies.primary && !failed, &record.copies.primary_damage),
            (record.copies.secondary, &record.copies.secondary_damage),
        ];
        let aad = key.to_string();
        let mut last = None;
        for (_, damage) in copies.iter().filter(|(usable, _)| *usable) {
            match read(vault, record, damage, aad.as_bytes(), key) {
                Ok(plain) => return Ok(plain),
                Err(e) if e.code == ErrorCode::IntegrityError => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| {
            RegistryError::keyed(
                ErrorCode::Unavailable,
                "errors.store_primary_failed",
                [arg(key), arg(account.name())],
            )
        }))
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

    /// Flips one bit of one copy of a stored ciphertext (bit rot, or an attacker with storage
    /// access); flipping the same bit again flips it back.
    pub fn flip_bit(&mut self, key: &RecordKey, bit: u64, copy: StorageCopy) -> Result<()> {
        self.check_flip(key, bit, copy)?;
        let shard = self.shard_of(&key.digest);
        let Some(record) = self.accounts[shard].get_mut(key) else {
            return err_k(ErrorCode::BlobUnknown, "errors.store_no_record", [arg(key)]);
        };
        let damage = match copy {
            StorageCopy::Primary => &mut record.copies.primary_damage,
            StorageCopy::Secondary => &mut record.copies.secondary_damage,
        };
        match damage.iter().position(|b| *b == bit) {
            Some(i) => {
                damage.remove(i);
            }
            None => damage.push(bit),
        }
        Ok(())
    }

    /// Why `flip_bit` would be refused (changing nothing), if it would: no such record, a bit
    /// past its end, or no such copy of it.
    pub fn check_flip(&self, key: &RecordKey, bit: u64, copy: StorageCopy) -> Result<()> {
        let Some(record) = self.get(key) else {
            return err_k(ErrorCode::BlobUnknown, "errors.store_no_record", [arg(key)]);
        };
        let len_bits = record.sealed.ciphertext.len() as u64 * 8;
        if bit >= len_bits {
            return err_k(ErrorCode::InvalidArgument, "errors.store_bit_past_end", [arg(bit), arg(len_bits)]);
        }
        let present = match copy {
            StorageCopy::Primary => record.copies.primary,
            StorageCopy::Secondary => record.copies.secondary,
        };
        if !present {
            let missing = match copy {
                StorageCopy::Primary => "errors.store_no_primary_to_damage",
                StorageCopy::Secondary => "errors.store_no_secondary_to_damage",
            };
            return err_k(ErrorCode::InvalidArgument, missing, [arg(key)]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::key_vault::KeyState;

    /// A check answers as an open would: bit rot in a copy and a key the registry lost are seen
    /// every time, never hidden by the record being verified.
    #[test]
    fn a_check_answers_as_an_open_would_whatever_was_verified() {
        let mut vault = KeyVault::customer_managed(false).unwrap();
        let mut store = BlobStore::new("acct", 2).unwrap();
        let bytes = b"layer bytes".to_vec();
        let key = RecordKey { kind: RecordKind::Blob, digest: Digest::of(&bytes) };
        store.put(&mut vault, key, &bytes, bytes.len() as u64, Millis(0)).unwrap();
        let agree = |store: &BlobStore, vault: &KeyVault| {
            let open = store.open(vault, &key).map(drop).map_err(|e| e.code);
            assert_eq!(store.check(vault, &key).map_err(|e| e.code), open);
            open
        };
        assert!(store.get(&key).unwrap().verified.get(), "verified as it was sealed");
        assert_eq!(agree(&store, &vault), Ok(()));
        // Only the primary copy exists: a flipped bit there is caught by the check too.
        store.flip_bit(&key, 3, StorageCopy::Primary).unwrap();
        assert_eq!(agree(&store, &vault), Err(ErrorCode::IntegrityError));
        store.flip_bit(&key, 3, StorageCopy::Primary).unwrap();
        assert_eq!(agree(&store, &vault), Ok(()));
        vault.lose_access(KeyState::AccessRevoked).unwrap();
        assert_eq!(agree(&store, &vault), Err(ErrorCode::Denied));
    }
}
