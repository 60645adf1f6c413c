//! A storage account: the unit that actually holds bytes, like an Azure Storage account behind a
//! registry. It holds sealed records only (there is no way to put plaintext in one) and counts
//! the logical bytes they stand for.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

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
}

#[derive(Clone, Debug, Default)]
pub struct StorageAccount {
    name: String,
    records: BTreeMap<RecordKey, StoredRecord>,
    logical_bytes: u64,
    sealed_bytes: u64,
}

impl StorageAccount {
    pub fn new(name: String) -> Self {
        Self { name, ..Self::default() }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn logical_bytes(&self) -> u64 {
        self.logical_bytes
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

    pub fn get(&self, key: &RecordKey) -> Option<&StoredRecord> {
        self.records.get(key)
    }

    pub(crate) fn get_mut(&mut self, key: &RecordKey) -> Option<&mut StoredRecord> {
        self.records.get_mut(key)
    }

    pub fn put(&mut self, key: RecordKey, record: StoredRecord) {
        self.add_sizes(&record, true);
        if let Some(old) = self.records.insert(key, record) {
            self.add_sizes(&old, false);
        }
    }

    pub fn remove(&mut self, key: &RecordKey) -> Option<StoredRecord> {
        let old = self.records.remove(key)?;
        self.add_sizes(&old, false);
        Some(old)
    }

    fn add_sizes(&mut self, r: &StoredRecord, add: bool) {
        let sealed = (r.sealed.ciphertext.len() + r.sealed.wrapped_key.len() + r.sealed.nonce.len()) as u64;
        if add {
            self.logical_bytes += r.logical_bytes;
            self.sealed_bytes += sealed;
        } else {
            self.logical_bytes -= r.logical_bytes;
            self.sealed_bytes -= sealed;
        }
    }
}
