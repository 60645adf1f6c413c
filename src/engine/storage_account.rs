//! A storage account: the unit that actually holds bytes, like an Azure Storage account behind a
//! registry. It holds sealed records only (there is no way to put plaintext in one) and counts
//! the logical bytes they stand for.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::clock::Millis;
use super::digest::{Digest, truncate};
use super::error::{ErrorCode, Result, err};
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
            return err(
                ErrorCode::InvalidArgument,
                format!(
                    "record key {:?} must be blobs/sha256/<hex> or manifests/sha256/<hex>",
                    truncate(text, 80)
                ),
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
}

#[derive(Clone, Debug, Default)]
pub struct StorageAccount {
    name: String,
    records: BTreeMap<RecordKey, StoredRecord>,
    stored_bytes: u64,
    billed_bytes: u64,
    sealed_bytes: u64,
    released_records: usize,
}

impl StorageAccount {
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
    pub fn put(&mut self, key: RecordKey, record: StoredRecord) {
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
