//! Envelope encryption at rest: every object is sealed with AES-256-GCM under a fresh random
//! 256-bit data key, which the key vault wraps. A sealed record is all a storage account holds:
//! ciphertext (with its tag), nonce, key id and wrapped key. The record's storage key is bound
//! in as associated data, so a record moved to another key fails authentication.

use std::rc::Rc;

use aes::Aes256;
use aes::cipher::{BlockCipherEncrypt, KeyIvInit, StreamCipher, StreamCipherSeek};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use ghash::GHash;
use ghash::universal_hash::UniversalHash;
use serde::Serialize;
use zeroize::Zeroize;

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
    /// Ciphertext followed by the 16-byte GCM tag, shared by the copies of a registry (history
    /// checkpoints, a change tried on a copy) until one of them changes it.
    #[serde(serialize_with = "shared_bytes")]
    pub ciphertext: Rc<Vec<u8>>,
}

fn shared_bytes<S: serde::Serializer>(bytes: &Rc<Vec<u8>>, s: S) -> std::result::Result<S::Ok, S::Error> {
    serde_bytes::serialize(bytes.as_slice(), s)
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
    Ok(SealedRecord { key_id, nonce, wrapped_key, ciphertext: Rc::new(ciphertext) })
}

/// Opens a sealed record; any tampering is an `INTEGRITY_ERROR` and yields no bytes.
pub fn open(vault: &KeyVault, record: &SealedRecord, aad: &[u8]) -> Result<Vec<u8>> {
    let data_key = vault.unwrap(&record.key_id, &record.wrapped_key, aad)?;
    let cipher = Aes256Gcm::new(&Key::<Aes256Gcm>::from(data_key));
    cipher
        .decrypt(&Nonce::from(record.nonce), Payload { msg: record.ciphertext.as_slice(), aad })
        .map_err(|_| integrity("errors.integrity_ciphertext"))
}

type Block = ghash::Block;
type Ctr = ctr::Ctr32BE<Aes256>;

/// Seals bytes as they arrive (an upload sent in chunks) into exactly the record `seal` makes
/// of them whole, so no step does more than one chunk's work.
///
/// AES-GCM is CTR encryption plus GHASH, a polynomial in H over the associated data, then the
/// ciphertext, then their lengths. The associated data is the record's storage key, which
/// names the digest and so is known only at the end; GHASH authenticates it first. Because
/// GHASH is linear, the ciphertext's part is accumulated as it comes and the associated data's
/// part, GHASH(A)·H^(n+1) for n ciphertext blocks, is added at `finish`. The tests check the
/// result byte for byte against `aes-gcm` and open it with `open`.
#[derive(Clone)]
pub struct StreamSealer {
    data_key: [u8; 32],
    nonce: [u8; 12],
    /// GHASH's key, E(K, 0¹²⁸).
    h: Block,
    /// E(K, J0), the tag's mask.
    mask: Block,
    /// GHASH over the ciphertext's whole blocks so far.
    ghash: GHash,
    /// Ciphertext not yet hashed (less than a block).
    pending: Vec<u8>,
    ciphertext: Vec<u8>,
}

impl std::fmt::Debug for StreamSealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamSealer").field("sealed_bytes", &self.ciphertext.len()).finish_non_exhaustive()
    }
}

impl Drop for StreamSealer {
    fn drop(&mut self) {
        self.data_key.zeroize();
    }
}

impl StreamSealer {
    /// A sealer under a fresh random data key and nonce, as `seal` draws them.
    pub fn new() -> Result<Self> {
        Ok(Self::with_key(random_bytes()?, random_bytes()?))
    }

    fn with_key(data_key: [u8; 32], nonce: [u8; 12]) -> Self {
        let aes = Aes256::new(&data_key.into());
        let mut h = Block::default();
        aes.encrypt_block(&mut h);
        let mut j0 = [0u8; 16];
        j0[..12].copy_from_slice(&nonce);
        j0[15] = 1;
        let mut mask = Block::from(j0);
        aes.encrypt_block(&mut mask);
        Self { data_key, nonce, h, mask, ghash: GHash::new(&h), pending: Vec::new(), ciphertext: Vec::new() }
    }

    /// Encrypts the next `plaintext` bytes.
    pub fn update(&mut self, plaintext: &[u8]) {
        let start = self.ciphertext.len();
        // Room for the tag too, so `finish` never copies the whole ciphertext to append it.
        self.ciphertext.reserve(plaintext.len() + TAG_BYTES);
        self.ciphertext.extend_from_slice(plaintext);
        // The payload's counter starts one past J0 (a key schedule per chunk, not per byte).
        let mut iv = [0u8; 16];
        iv[..12].copy_from_slice(&self.nonce);
        iv[15] = 2;
        let mut ctr = Ctr::new(&self.data_key.into(), &iv.into());
        ctr.seek(start as u64);
        ctr.apply_keystream(&mut self.ciphertext[start..]);
        // Hash whole blocks; keep the rest for the next chunk.
        let mut fresh = &self.ciphertext[start..];
        if !self.pending.is_empty() {
            let take = (16 - self.pending.len()).min(fresh.len());
            self.pending.extend_from_slice(&fresh[..take]);
            fresh = &fresh[take..];
            if self.pending.len() == 16 {
                self.ghash.update(&[Block::try_from(self.pending.as_slice()).unwrap_or_default()]);
                self.pending.clear();
            }
        }
        let whole = fresh.len() - fresh.len() % 16;
        self.ghash.update_padded(&fresh[..whole]);
        self.pending.extend_from_slice(&fresh[whole..]);
    }

    /// Bytes sealed so far (the plaintext's length).
    pub fn len(&self) -> u64 {
        self.ciphertext.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.ciphertext.is_empty()
    }

    /// The record, its data key wrapped by the vault's current key version with `aad`.
    pub fn finish(mut self, vault: &mut KeyVault, aad: &[u8]) -> Result<SealedRecord> {
        let (key_id, wrapped_key) = vault.wrap(&self.data_key, aad)?;
        let mut ghash = self.ghash.clone();
        ghash.update_padded(&self.pending);
        let mut lengths = [0u8; 16];
        lengths[..8].copy_from_slice(&(aad.len() as u64 * 8).to_be_bytes());
        lengths[8..].copy_from_slice(&(self.ciphertext.len() as u64 * 8).to_be_bytes());
        ghash.update(&[Block::from(lengths)]);
        let mut tag = ghash.finalize();
        if !aad.is_empty() {
            let blocks = (self.ciphertext.len() as u64).div_ceil(16);
            let mut a = GHash::new(&self.h);
            a.update_padded(aad);
            let shifted = gf_mul(&a.finalize(), &gf_pow(&self.h, blocks + 1));
            xor(&mut tag, &shifted);
        }
        xor(&mut tag, &self.mask);
        let mut ciphertext = std::mem::take(&mut self.ciphertext);
        ciphertext.extend_from_slice(&tag);
        Ok(SealedRecord { key_id, nonce: self.nonce, wrapped_key, ciphertext: Rc::new(ciphertext) })
    }
}

/// Opens a sealed record a piece at a time (a large blob read by a page between frames): what
/// `open` checks, and its bytes given only once the tag over the whole ciphertext is checked.
pub struct StreamOpener {
    data_key: [u8; 32],
    nonce: [u8; 12],
    /// E(K, J0), the tag's mask.
    mask: Block,
    /// GHASH over the associated data, then the ciphertext opened so far.
    ghash: GHash,
    record: Rc<Vec<u8>>,
    aad_len: usize,
    /// Ciphertext bytes opened so far: a multiple of 16 until the last piece.
    at: usize,
    plain: Vec<u8>,
}

impl Drop for StreamOpener {
    fn drop(&mut self) {
        self.data_key.zeroize();
        self.plain.zeroize();
    }
}

impl StreamOpener {
    /// Unwraps the record's data key (the vault is asked now, once).
    pub fn new(vault: &KeyVault, record: &SealedRecord, aad: &[u8]) -> Result<Self> {
        let data_key = vault.unwrap(&record.key_id, &record.wrapped_key, aad)?;
        if record.ciphertext.len() < TAG_BYTES {
            return Err(integrity("errors.integrity_ciphertext"));
        }
        let aes = Aes256::new(&data_key.into());
        let mut h = Block::default();
        aes.encrypt_block(&mut h);
        let mut j0 = [0u8; 16];
        j0[..12].copy_from_slice(&record.nonce);
        j0[15] = 1;
        let mut mask = Block::from(j0);
        aes.encrypt_block(&mut mask);
        let mut ghash = GHash::new(&h);
        ghash.update_padded(aad);
        let plain = Vec::with_capacity(record.ciphertext.len() - TAG_BYTES);
        Ok(Self {
            data_key,
            nonce: record.nonce,
            mask,
            ghash,
            record: Rc::clone(&record.ciphertext),
            aad_len: aad.len(),
            at: 0,
            plain,
        })
    }

    /// Plaintext bytes in all, and opened so far.
    pub fn len(&self) -> usize {
        self.record.len() - TAG_BYTES
    }

    pub fn opened(&self) -> usize {
        self.at
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Opens up to about `budget` more bytes (not yet checked: see `finish`); the bytes just
    /// opened, and whether all are.
    pub fn advance(&mut self, budget: usize) -> (&[u8], bool) {
        let end = self.len();
        let to = self.at.saturating_add(budget.max(16) / 16 * 16).min(end);
        let piece = self.record.get(self.at..to).unwrap_or_default();
        self.ghash.update_padded(piece);
        let start = self.plain.len();
        self.plain.extend_from_slice(piece);
        let mut iv = [0u8; 16];
        iv[..12].copy_from_slice(&self.nonce);
        iv[15] = 2;
        let mut ctr = Ctr::new(&self.data_key.into(), &iv.into());
        ctr.seek(self.at as u64);
        ctr.apply_keystream(&mut self.plain[start..]);
        self.at = to;
        (&self.plain[start..], to >= end)
    }

    /// The bytes, opened whole (what is left now, at once), if the tag matches; else the
    /// integrity error `open` gives, and no bytes.
    pub fn finish(mut self) -> Result<Vec<u8>> {
        while !self.advance(usize::MAX).1 {}
        let mut lengths = [0u8; 16];
        lengths[..8].copy_from_slice(&(self.aad_len as u64 * 8).to_be_bytes());
        lengths[8..].copy_from_slice(&(self.len() as u64 * 8).to_be_bytes());
        let mut ghash = self.ghash.clone();
        ghash.update(&[Block::from(lengths)]);
        let mut tag = ghash.finalize();
        xor(&mut tag, &self.mask);
        let want = self.record.get(self.len()..).unwrap_or_default();
        let differ = tag.iter().zip(want).fold(0u8, |d, (a, b)| d | (a ^ b));
        if differ != 0 || want.len() != TAG_BYTES {
            return Err(integrity("errors.integrity_ciphertext"));
        }
        Ok(std::mem::take(&mut self.plain))
    }
}

fn xor(a: &mut Block, b: &Block) {
    for (x, y) in a.iter_mut().zip(b.iter()) {
        *x ^= *y;
    }
}

/// a·b in GHASH's field: GHASH keyed with `a` over the one block `b`.
fn gf_mul(a: &Block, b: &Block) -> Block {
    let mut g = GHash::new(a);
    g.update(&[*b]);
    g.finalize()
}

/// h^e (e ≥ 1) by squaring.
fn gf_pow(h: &Block, mut e: u64) -> Block {
    let mut base = *h;
    let mut out: Option<Block> = None;
    while e > 0 {
        if e & 1 == 1 {
            out = Some(out.map_or(base, |o| gf_mul(&o, &base)));
        }
        e >>= 1;
        if e > 0 {
            base = gf_mul(&base, &base);
        }
    }
    out.unwrap_or(*h)
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
            Rc::make_mut(&mut bad.ciphertext)[bit / 8] ^= 1 << (bit % 8);
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

    /// Deterministic bytes for the tests (no RNG crate needed).
    fn bytes(n: usize, seed: u64) -> Vec<u8> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    #[test]
    fn a_record_sealed_in_chunks_is_byte_for_byte_the_record_sealed_whole() {
        let key: [u8; 32] = bytes(32, 7).try_into().unwrap();
        let nonce: [u8; 12] = bytes(12, 8).try_into().unwrap();
        let cipher = Aes256Gcm::new(&Key::<Aes256Gcm>::from(key));
        let mut cases = 0;
        for (len, seed) in
            [(0, 1), (1, 2), (15, 3), (16, 4), (17, 5), (31, 6), (32, 7), (100, 8), (4099, 9), (70_001, 10)]
        {
            let plain = bytes(len, seed);
            for aad_len in [0usize, 1, 16, 71, 96] {
                let aad = bytes(aad_len, seed + 100);
                let whole = cipher.encrypt(&Nonce::from(nonce), Payload { msg: &plain, aad: &aad }).unwrap();
                for chunk in [1usize, 3, 16, 17, 1000, 65_536, usize::MAX] {
                    if chunk < 16 && len > 5000 {
                        continue;
                    }
                    let mut s = StreamSealer::with_key(key, nonce);
                    for part in plain.chunks(chunk.min(len.max(1))) {
                        s.update(part);
                    }
                    s.update(&[]);
                    assert_eq!(s.len(), len as u64);
                    let mut vault = KeyVault::service_managed().unwrap();
                    let rec = s.finish(&mut vault, &aad).unwrap();
                    assert_eq!(*rec.ciphertext, whole, "len {len}, aad {aad_len}, chunks of {chunk}");
                    assert_eq!(open(&vault, &rec, &aad).unwrap(), plain);
                    cases += 1;
                }
            }
        }
        assert_eq!(cases, 10 * 5 * 7 - 2 * 5);
    }

    #[test]
    fn a_record_opened_in_pieces_gives_what_open_gives_and_every_flipped_bit_is_caught() {
        let mut vault = KeyVault::service_managed().unwrap();
        for len in [0, 1, 15, 16, 17, 100, 4096, 70_001] {
            let plain = bytes(len, len as u64);
            let rec = seal(&mut vault, &plain, b"blob/sha256:ab").unwrap();
            for piece in [1, 16, 100, 4096, usize::MAX] {
                let mut o = StreamOpener::new(&vault, &rec, b"blob/sha256:ab").unwrap();
                let mut seen = vec![];
                loop {
                    let (fresh, done) = o.advance(piece);
                    seen.extend_from_slice(fresh);
                    if done {
                        break;
                    }
                }
                assert_eq!(o.opened(), len);
                assert_eq!(seen, plain, "len {len}, pieces of {piece}");
                assert_eq!(o.finish().unwrap(), plain, "len {len}, pieces of {piece}");
            }
            let other = StreamOpener::new(&vault, &rec, b"blob/sha256:cd").map(StreamOpener::finish);
            assert!(matches!(other, Err(_) | Ok(Err(_))), "another storage key does not open it");
            for bit in (0..rec.ciphertext.len() * 8).step_by(if len > 4096 { 4099 } else { 1 }) {
                let mut bad = rec.clone();
                Rc::make_mut(&mut bad.ciphertext)[bit / 8] ^= 1 << (bit % 8);
                let mut o = StreamOpener::new(&vault, &bad, b"blob/sha256:ab").unwrap();
                while !o.advance(4096).1 {}
                assert_eq!(o.finish().unwrap_err().code, ErrorCode::IntegrityError, "bit {bit} of {len}");
            }
        }
    }

    #[test]
    fn a_streamed_record_is_bound_to_its_storage_key_and_every_flipped_bit_is_caught() {
        let mut vault = KeyVault::service_managed().unwrap();
        let mut s = StreamSealer::new().unwrap();
        s.update(b"layer bytes ");
        s.update(b"sent in two chunks");
        let rec = s.finish(&mut vault, b"blobs/x").unwrap();
        assert_eq!(open(&vault, &rec, b"blobs/x").unwrap(), b"layer bytes sent in two chunks");
        assert_eq!(open(&vault, &rec, b"blobs/y").map_err(|e| e.code), Err(ErrorCode::IntegrityError));
        for bit in 0..rec.ciphertext.len() * 8 {
            let mut bad = rec.clone();
            Rc::make_mut(&mut bad.ciphertext)[bit / 8] ^= 1 << (bit % 8);
            assert_eq!(open(&vault, &bad, b"blobs/x").map_err(|e| e.code), Err(ErrorCode::IntegrityError));
        }
    }
}
