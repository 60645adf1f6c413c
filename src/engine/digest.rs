//! Content addresses: `sha256:` followed by 64 lowercase hex digits, computed with real SHA-256.
//! A `Digest` is parsed once at the edge; inside the engine it cannot be malformed.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest as _, Sha256};

use super::error::{ErrorCode, RegistryError, Result, quoted};

/// A SHA-256 content digest. Orders like its text form (bytes compare like lowercase hex).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Digest([u8; 32]);

impl Digest {
    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }

    /// The digest a SHA-256 fed piece by piece came to.
    pub fn from_sha256(hasher: Sha256) -> Self {
        Self(hasher.finalize().into())
    }

    /// Parses `sha256:<64 lowercase hex>`; anything else is `DIGEST_INVALID`.
    pub fn parse(text: &str) -> Result<Self> {
        let invalid = |key: &'static str| {
            RegistryError::keyed(ErrorCode::DigestInvalid, key, [quoted(truncate(text, 80))])
        };
        let Some((algorithm, hex)) = text.split_once(':') else {
            return Err(invalid("errors.digest_no_algorithm"));
        };
        if algorithm != "sha256" {
            return Err(invalid("errors.digest_not_sha256"));
        }
        if hex.len() != 64 {
            return Err(invalid("errors.digest_length"));
        }
        let mut out = [0u8; 32];
        for (i, pair) in hex.as_bytes().chunks_exact(2).enumerate() {
            match (nibble(pair[0]), nibble(pair[1])) {
                (Some(hi), Some(lo)) => out[i] = hi << 4 | lo,
                _ => return Err(invalid("errors.digest_hex")),
            }
        }
        Ok(Self(out))
    }

    /// The 64 hex digits without the algorithm.
    pub fn hex(&self) -> String {
        hex_lower(&self.0)
    }

    /// `sha256:` and the first 12 hex digits, for display.
    pub fn short(&self) -> String {
        format!("sha256:{}", &self.hex()[..12])
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

fn nibble(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// Lowercase hex of any bytes.
pub fn hex_lower(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

/// The first `max` characters of `text`, for error messages about hostile input.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sha256:{}", self.hex())
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.short())
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Digest::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ABC: &str = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    #[test]
    fn digest_of_abc_is_the_published_vector() {
        assert_eq!(Digest::of(b"abc").to_string(), ABC);
        assert_eq!(Digest::parse(ABC).map(|d| d.to_string()), Ok(ABC.to_string()));
        assert_eq!(Digest::of(b"abc").short(), "sha256:ba7816bf8f01");
    }

    #[test]
    fn bad_digests_are_digest_invalid() {
        let upper = ABC.to_uppercase().replacen("SHA256", "sha256", 1);
        for bad in [
            "",
            "sha256",
            "sha256:",
            "sha512:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015add",
            "sha256:zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            upper.as_str(),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f2001ÿ",
        ] {
            let e = Digest::parse(bad).expect_err(bad);
            assert_eq!(e.code, ErrorCode::DigestInvalid, "{bad}");
            assert_eq!(e.http_status, 400);
        }
    }

    #[test]
    fn digests_order_like_their_text() {
        let mut ds: Vec<Digest> = (0..50u8).map(|i| Digest::of(&[i])).collect();
        ds.sort();
        let texts: Vec<String> = ds.iter().map(|d| d.to_string()).collect();
        let mut sorted = texts.clone();
        sorted.sort();
        assert_eq!(texts, sorted);
    }
}
