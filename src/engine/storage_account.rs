//! A storage account: the unit that actually holds bytes, like an Azure Storage account behind a
//! registry. It holds sealed records only (there is no way to put plaintext in one) and counts
//! the logical bytes they stand for.
//!
//! Each account is geo-redundant: a write is acknowledged once the primary copy is stored and
//! copied to the paired region later (the registry queues the copy). Which copies a record has
//! is kept per record; both copies share the sealed bytes unless bit rot damages one of them.
//! When the account's primary fails, reads and writes go to the secondary: what was not copied
//! yet is unavailable, or lost if the primary is destroyed.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::clock::Millis;
use super::digest::{Digest, truncate};
use super::error::{ErrorCode, Result, err_k, quoted};
use super::seal::SealedRecord;

/// What a record holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum RecordKind {
    Blob,
    Manifest,
}

/// Where a record lives inside an account: its kind and digest, e.g. `blobs/sha256/<hex>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordKey {
    pub kind: RecordKind,
    pub digest: Digest,
}

impl RecordKey {
    /// Parses `blobs/sha256/<hex>` or `manifests/sha256/<hex>`.
    pub fn parse(text: &str) -> Result<Self> {
        let (kind, hex) = if let Some(hex) = text.strip_prefix("blobs/sha256/") {
            (RecordKind::Blob, hex)
        } else if let Some(hex) = text.strip_prefix("manifests/sha256/") {
            (RecordKind::Manifest, hex)
        } else {
            return err_k(
                ErrorCode::InvalidArgument,
                "errors.record_key_invalid",
                [quoted(truncate(text, 80))],
            );
        };
        Ok(Self { kind, digest: Digest::parse(&format!("sha256:{hex}"))? })
    }
}

impl fmt::Display for RecordKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let folder = match self.kind {
            RecordKind::Blob => "blobs",
            RecordKind::Manifest => "manifests",
        };
        write!(f, "{folder}/sha256/{}", self.digest.hex())
    }
}

/// A sealed record and the logical size it accounts for (a synthetic layer's declared size).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredRecord {
    pub sealed: SealedRecord,
    pub logical_bytes: u64,
    /// Set when nothing references the record any more: billing stopped at that instant, and
    /// the space is held until garbage collection reclaims it.
    pub released_at: Option<Millis>,
    pub copies: Copies,
    /// Set once the sealed bytes (undamaged) were opened and hashed to their digest.
    pub verified: Verified,
}

/// A record's sealed bytes were opened and found to hash to its digest. They never change
/// after the record is stored (bit rot is kept apart, as each copy's damage; storing again
/// makes a new record), so this holds for the record's life, and a check of an undamaged copy
/// then needs only the key (`BlobStore::check`). A cache, not part of the record's value: it
/// compares equal whatever it holds.
#[derive(Clone, Debug, Default)]
pub struct Verified(std::cell::Cell<bool>);

impl Verified {
    pub fn get(&self) -> bool {
        self.0.get()
    }

    pub fn set(&self) {
        self.0.set(true);
    }
}

impl PartialEq for Verified {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Verified {}

/// Where a record's copies are, and bits flipped in either (bit rot).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Copies {
    pub primary: bool,
    pub secondary: bool,
    /// When it was written: the geo copy scheduled for it carries this, so a copy of an older
    /// record of the same key is not mistaken for this one.
    pub written_at: Millis,
    pub primary_damage: Vec<u64>,
    pub secondary_damage: Vec<u64>,
}

/// Which copy of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StorageCopy {
    Primary,
    Secondary,
}

/// An account whose primary has failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Failure {
    pub since: Millis,
    /// The primary is gone for good: what it alone held is lost.
    pub destroyed: bool,
}

#[derive(Clone, Debug, Default)]
pub struct StorageAccount {
    name: String,
    records: BTreeMap<RecordKey, StoredRecord>,
    stored_bytes: u64,
    billed_bytes: u64,
    sealed_bytes: u64,
    released_records: usize,
    failure: Option<Failure>,
    /// Records the destroyed primary alone held: gone, with their logical size.
    lost: BTreeMap<RecordKey, u64>,
    /// A zone failure: records written from this instant until it began are unavailable.
    zone_down_from: Option<(Millis, Millis)>,
}

impl StorageAccount {
    pub fn failure(&self) -> Option<Failure> {
        self.failure
    }

    pub fn lost(&self) -> &BTreeMap<RecordKey, u64> {
        &self.lost
    }

    pub fn is_lost(&self, key: &RecordKey) -> bool {
        self.lost.contains_key(key)
    }

    /// A zone of the region fails at `now`: what was written since `recent_from` (still only
    /// in the failed zone) cannot be read until the zone recovers.
    pub fn zone_fail(&mut self, recent_from: Millis) {
        let until = self.records.values().map(|r| r.copies.written_at).max().unwrap_or(recent_from);
        self.zone_down_from = Some((recent_from, until.max(recent_from)));
    }

    pub fn zone_heal(&mut self) {
        self.zone_down_from = None;
    }

    /// Whether a record is caught in a zone failure.
    pub fn in_failed_zone(&self, record: &StoredRecord) -> bool {
        self.zone_down_from.is_some_and(|(from, until)| {
            record.copies.written_at >= from && record.copies.written_at <= until
        })
    }

    pub fn forget_lost(&mut self, key: &RecordKey) {
        self.lost.remove(key);
    }

    /// The primary fails. If it is destroyed, every record without a secondary copy is lost
    /// (removed, with its accounting). Returns how many records were lost.
    pub fn fail(&mut self, now: Millis, destroyed: bool) -> usize {
        self.failure = Some(Failure { since: now, destroyed });
        if !destroyed {
            return 0;
        }
        let gone: Vec<RecordKey> =
            self.records.iter().filter(|(_, r)| !r.copies.secondary).map(|(k, _)| *k).collect();
        for key in &gone {
            if let Some(old) = self.records.remove(key) {
                self.count(&old, false);
                if old.released_at.is_none() {
                    self.lost.insert(*key, old.logical_bytes);
                }
            }
        }
        for r in self.records.values_mut() {
            r.copies.primary = false;
            r.copies.primary_damage.clear();
        }
        gone.len()
    }

    /// The primary is back (or rebuilt from the secondary after a destruction): everything
    /// the secondary took during the failure is copied back. Returns the records still
    /// waiting for their geo copy, with their write times.
    pub fn heal(&mut self) -> Vec<(RecordKey, Millis)> {
        self.failure = None;
        let mut waiting = vec![];
        for (key, r) in self.records.iter_mut() {
            if !r.copies.primary {
                r.copies.primary = true;
                r.copies.primary_damage = r.copies.secondary_damage.clone();
            }
            if !r.copies.secondary {
                waiting.push((*key, r.copies.written_at));
            }
        }
        waiting
    }

    /// The geo copy of a record lands in the paired region, if the record is still the one
    /// written at `written_at` and the primary can be read.
    pub fn geo_copy(&mut self, key: &RecordKey, written_at: Millis) -> bool {
        if self.failure.is_some() {
            return false;
        }
        match self.records.get_mut(key) {
            Some(r) if r.copies.written_at == written_at && r.copies.primary && !r.copies.secondary => {
                r.copies.secondary = true;
                true
            }
            _ => false,
        }
    }

    /// Records written but not yet copied to the paired region: (count, logical bytes, the
    /// oldest write time). This is the recovery point window.
    pub fn rpo_window(&self) -> (usize, u64, Option<Millis>) {
        let mut out = (0, 0, None::<Millis>);
        for r in self.records.values().filter(|r| !r.copies.secondary && r.released_at.is_none()) {
            out.0 += 1;
            out.1 += r.logical_bytes;
            out.2 = Some(out.2.map_or(r.copies.written_at, |t| t.min(r.copies.written_at)));
        }
        out
    }
    pub fn new(name: String) -> Self {
        Self { name, ..Self::default() }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Logical bytes held, released records included (they await garbage collection).
    pub fn stored_bytes(&self) -> u64 {
        self.stored_bytes
    }

    /// Logical bytes billed: held and still referenced.
    pub fn billed_bytes(&self) -> u64 {
        self.billed_bytes
    }

    /// Bytes of ciphertext, nonces and wrapped keys actually held.
    pub fn sealed_bytes(&self) -> u64 {
        self.sealed_bytes
    }

    pub fn records(&self) -> impl Iterator<Item = (&RecordKey, &StoredRecord)> {
        self.records.iter()
    }

    pub fn record_count(&self) -> usize {
        self.records.len()
    }

    pub fn released_count(&self) -> usize {
        self.released_records
    }

    pub fn get(&self, key: &RecordKey) -> Option<&StoredRecord> {
        self.records.get(key)
    }

    pub(crate) fn get_mut(&mut self, key: &RecordKey) -> Option<&mut StoredRecord> {
        self.records.get_mut(key)
    }

    /// Stores a record (replacing one under the same key, e.g. a released one pushed again).
    /// While the primary has failed the write lands in the secondary only.
    pub fn put(&mut self, key: RecordKey, mut record: StoredRecord) {
        let failed = self.failure.is_some();
        record.copies.primary = !failed;
        record.copies.secondary = failed;
        self.lost.remove(&key);
        self.count(&record, true);
        if let Some(old) = self.records.insert(key, record) {
            self.count(&old, false);
        }
    }

    /// Stops billing a record; its space stays held until `reclaim`. Returns its logical bytes,
    /// or None if it is absent or already released.
    pub fn release(&mut self, key: &RecordKey, at: Millis) -> Option<u64> {
        let record = self.records.get_mut(key).filter(|r| r.released_at.is_none())?;
        record.released_at = Some(at);
        self.billed_bytes -= record.logical_bytes;
        self.released_records += 1;
        Some(record.logical_bytes)
    }

    /// Garbage collection: removes a record if it is still released.
    pub fn reclaim(&mut self, key: &RecordKey) -> Option<StoredRecord> {
        self.records.get(key).filter(|r| r.released_at.is_some())?;
        let old = self.records.remove(key)?;
        self.count(&old, false);
        Some(old)
    }

    fn count(&mut self, r: &StoredRecord, add: bool) {
        let sealed = (r.sealed.ciphertext.len() + r.sealed.wrapped_key.len() + r.sealed.nonce.len()) as u64;
        let billed = if r.released_at.is_none() { r.logical_bytes } else { 0 };
        let released = usize::from(r.released_at.is_some());
        if add {
            self.stored_bytes += r.logical_bytes;
            self.billed_bytes += billed;
            self.sealed_bytes += sealed;
            self.released_records += released;
        } else {
            self.stored_bytes -= r.logical_bytes;
            self.billed_bytes -= billed;
            self.sealed_bytes -= sealed;
            self.released_records -= released;
        }
    }

    /// Recounts every total from the records (for the accounting audit).
    pub fn recount(&self) -> (u64, u64, u64, usize) {
        let mut fresh = StorageAccount::default();
        for r in self.records.values() {
            fresh.count(r, true);
        }
        (fresh.stored_bytes, fresh.billed_bytes, fresh.sealed_bytes, fresh.released_records)
    }

    pub fn totals(&self) -> (u64, u64, u64, usize) {
        (self.stored_bytes, self.billed_bytes, self.sealed_bytes, self.released_records)
    }
}
