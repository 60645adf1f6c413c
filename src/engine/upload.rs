//! Blob upload sessions, the way the OCI distribution API uploads a blob: a client starts a
//! session in a repository (`POST …/blobs/uploads/`), sends the bytes in order in one or more
//! chunks (`PATCH`), then closes it with the digest it claims (`PUT …?digest=`), or cancels it
//! (`DELETE`). This module owns the open sessions: each hashes and seals its bytes as they
//! arrive, so no step does more than one chunk's work, and the registry stores the blob only
//! when the digest matches (`Registry::finish_upload`).

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use sha2::{Digest as _, Sha256};

use super::clock::Millis;
use super::digest::Digest;
use super::error::{ErrorCode, RegistryError, Result, arg, err_k, quoted};
use super::names::RepoName;
use super::seal::StreamSealer;
use super::synthetic::LAYER_MAX_BYTES;

/// At most this many sessions are open at once (each holds its sealed bytes until it closes).
pub const OPEN_UPLOADS_MAX: usize = 64;

/// A session's id: `u` and a number, given in order (the same registry and calls give the
/// same ids, so a replayed log finds its sessions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct UploadId(u64);

impl UploadId {
    /// Reads an id as `UploadId`'s `Display` writes it; anything else names no session.
    pub fn parse(text: &str) -> Result<Self> {
        text.strip_prefix('u')
            .filter(|n| !n.is_empty() && n.len() <= 20 && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|n| n.parse().ok())
            .map(UploadId)
            .ok_or_else(|| unknown(text))
    }
}

impl fmt::Display for UploadId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "u{}", self.0)
    }
}

fn unknown(id: &str) -> RegistryError {
    let shown: String = id.chars().take(40).collect();
    RegistryError::keyed(ErrorCode::BlobUploadUnknown, "errors.upload_unknown", [quoted(shown)])
}

/// One open session.
#[derive(Clone, Debug)]
pub struct Upload {
    repo: RepoName,
    started_at: Millis,
    hasher: Sha256,
    sealer: StreamSealer,
}

impl Upload {
    pub fn repo(&self) -> &RepoName {
        &self.repo
    }

    /// Bytes received so far.
    pub fn received(&self) -> u64 {
        self.sealer.len()
    }

    /// The digest of the bytes received so far.
    pub fn digest(&self) -> Digest {
        Digest::from_sha256(self.hasher.clone())
    }

    /// The session as a client sees it, under `id`.
    pub fn view(&self, id: UploadId) -> UploadView {
        UploadView {
            id: id.to_string(),
            repo: self.repo.to_string(),
            received_bytes: self.received(),
            started_at_ms: self.started_at.0,
        }
    }

    /// The sealer, to finish the record once the digest is checked.
    pub fn into_sealer(self) -> StreamSealer {
        self.sealer
    }
}

/// What a client is told about a session (the distribution API's upload status: its
/// `Location` and the `Range` received).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadView {
    pub id: String,
    pub repo: String,
    pub received_bytes: u64,
    pub started_at_ms: u64,
}

/// The open sessions.
#[derive(Clone, Debug, Default)]
pub struct Uploads {
    next: u64,
    open: BTreeMap<UploadId, Upload>,
}

impl Uploads {
    /// Why a session could not start now, if it could not.
    pub fn start_refusal(&self) -> Result<()> {
        if self.open.len() >= OPEN_UPLOADS_MAX {
            return err_k(ErrorCode::Denied, "errors.upload_too_many", [arg(OPEN_UPLOADS_MAX)]);
        }
        Ok(())
    }

    /// Opens a session in `repo` (its data key drawn now).
    pub fn start(&mut self, repo: RepoName, now: Millis) -> Result<UploadId> {
        self.start_refusal()?;
        let sealer = StreamSealer::new()?;
        self.next += 1;
        let id = UploadId(self.next);
        self.open.insert(id, Upload { repo, started_at: now, hasher: Sha256::new(), sealer });
        Ok(id)
    }

    pub fn get(&self, id: &str) -> Result<(UploadId, &Upload)> {
        let id = UploadId::parse(id)?;
        self.open.get(&id).map(|u| (id, u)).ok_or_else(|| unknown(&id.to_string()))
    }

    /// Why `append` would refuse these bytes, if it would: no such session, a chunk that does
    /// not start where the received bytes end (`from`, when the client says where), or a blob
    /// past the largest layer.
    pub fn append_refusal(&self, id: &str, len: u64, from: Option<u64>) -> Result<UploadId> {
        let (id, upload) = self.get(id)?;
        let received = upload.received();
        if let Some(from) = from.filter(|f| *f != received) {
            return err_k(
                ErrorCode::BlobUploadInvalid,
                "errors.upload_out_of_order",
                [arg(from), arg(received)],
            );
        }
        if received.saturating_add(len) > LAYER_MAX_BYTES {
            return err_k(ErrorCode::SizeInvalid, "errors.layer_too_large", []);
        }
        Ok(id)
    }

    /// Hashes and seals the next bytes of session `id`; returns how many it has received.
    pub fn append(&mut self, id: &str, bytes: &[u8], from: Option<u64>) -> Result<u64> {
        let id = self.append_refusal(id, bytes.len() as u64, from)?;
        let Some(upload) = self.open.get_mut(&id) else { return Err(unknown(&id.to_string())) };
        upload.hasher.update(bytes);
        upload.sealer.update(bytes);
        Ok(upload.received())
    }

    /// Closes session `id` and hands it over (to store, or to drop when cancelled).
    pub fn take(&mut self, id: UploadId) -> Result<Upload> {
        self.open.remove(&id).ok_or_else(|| unknown(&id.to_string()))
    }

    /// Every open session, oldest first.
    pub fn views(&self) -> Vec<UploadView> {
        self.open.iter().map(|(id, u)| u.view(*id)).collect()
    }

    /// Bytes held by open sessions (sealed, not yet stored).
    pub fn held_bytes(&self) -> u64 {
        self.open.values().map(Upload::received).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> RepoName {
        RepoName::parse("demo/app").unwrap()
    }

    #[test]
    fn ids_are_given_in_order_and_only_their_own_form_parses() {
        let mut u = Uploads::default();
        let a = u.start(repo(), Millis(0)).unwrap();
        let b = u.start(repo(), Millis(5)).unwrap();
        assert_eq!((a.to_string().as_str(), b.to_string().as_str()), ("u1", "u2"));
        assert_eq!(UploadId::parse("u2").unwrap(), b);
        for bad in ["", "u", "2", "u-1", "u1x", "U1", "u123456789012345678901", "u99999999999999999999"] {
            assert_eq!(UploadId::parse(bad).map_err(|e| e.code), Err(ErrorCode::BlobUploadUnknown), "{bad}");
        }
        assert_eq!(u.get("u3").map(drop).map_err(|e| e.code), Err(ErrorCode::BlobUploadUnknown));
    }

    #[test]
    fn bytes_arrive_in_order_or_are_refused_and_change_nothing() {
        let mut u = Uploads::default();
        let id = u.start(repo(), Millis(0)).unwrap().to_string();
        assert_eq!(u.append(&id, b"hello ", Some(0)).unwrap(), 6);
        let refused = u.append(&id, b"again", Some(0)).unwrap_err();
        assert_eq!(refused.code, ErrorCode::BlobUploadInvalid);
        assert_eq!(u.append(&id, b"world", None).unwrap(), 11);
        let (_, upload) = u.get(&id).unwrap();
        assert_eq!(upload.digest(), Digest::of(b"hello world"));
        assert_eq!(u.held_bytes(), 11);
        assert_eq!(u.views()[0].received_bytes, 11);
    }

    #[test]
    fn at_most_so_many_sessions_are_open() {
        let mut u = Uploads::default();
        for _ in 0..OPEN_UPLOADS_MAX {
            u.start(repo(), Millis(0)).unwrap();
        }
        assert_eq!(u.start(repo(), Millis(0)).map_err(|e| e.code), Err(ErrorCode::Denied));
        let first = UploadId::parse("u1").unwrap();
        u.take(first).unwrap();
        assert!(u.start(repo(), Millis(0)).is_ok());
    }
}
