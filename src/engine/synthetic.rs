//! Synthetic layers: a layer of a declared size (say 2 GiB) whose content is a deterministic
//! stream from a seed. Only a bounded sample is materialised (a header naming size and seed,
//! then up to 64 KiB of the ChaCha8 stream); its digest and sealing are real over those bytes,
//! while storage accounting uses the declared size. This is a Stowage simplification: a real
//! client would see a blob shorter than the size its manifest descriptor declares.

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};
use serde::Serialize;

use super::error::{ErrorCode, Result, arg, err_k};

/// ACR's maximum layer size (200 GiB; a newer page says 195 GiB).
pub const LAYER_MAX_BYTES: u64 = 200 * 1024 * 1024 * 1024;
/// Bytes of the seeded stream actually materialised.
pub const SYNTHETIC_SAMPLE_BYTES: u64 = 64 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyntheticLayer {
    pub size_bytes: u64,
    pub seed: u64,
}

impl SyntheticLayer {
    /// A synthetic layer of 1 byte to 200 GiB.
    pub fn new(size_bytes: u64, seed: u64) -> Result<Self> {
        if size_bytes == 0 || size_bytes > LAYER_MAX_BYTES {
            return err_k(
                ErrorCode::SizeInvalid,
                "errors.synthetic_size",
                [arg(LAYER_MAX_BYTES), arg(size_bytes)],
            );
        }
        Ok(Self { size_bytes, seed })
    }

    /// The bytes actually stored: a header, then the first bytes of the seeded stream.
    pub fn materialise(&self) -> Vec<u8> {
        let header = format!("stowage synthetic layer v1\nsize={}\nseed={}\n", self.size_bytes, self.seed);
        let sample = self.size_bytes.min(SYNTHETIC_SAMPLE_BYTES) as usize;
        let mut out = Vec::with_capacity(header.len() + sample);
        out.extend_from_slice(header.as_bytes());
        let start = out.len();
        out.resize(start + sample, 0);
        ChaCha8Rng::seed_from_u64(self.seed).fill_bytes(&mut out[start..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::digest::Digest;

    #[test]
    fn the_same_seed_and_size_give_the_same_bytes() {
        let a = SyntheticLayer::new(2 << 30, 7).unwrap().materialise();
        let b = SyntheticLayer::new(2 << 30, 7).unwrap().materialise();
        let c = SyntheticLayer::new(2 << 30, 8).unwrap().materialise();
        let small = SyntheticLayer::new(10, 7).unwrap().materialise();
        assert_eq!(a, b);
        assert_ne!(Digest::of(&a), Digest::of(&c));
        assert_eq!(a.len(), "stowage synthetic layer v1\nsize=2147483648\nseed=7\n".len() + 65536);
        assert_eq!(small.len(), "stowage synthetic layer v1\nsize=10\nseed=7\n".len() + 10);
    }

    #[test]
    fn sizes_outside_1_byte_to_200_gib_are_refused() {
        assert_eq!(SyntheticLayer::new(0, 1).map_err(|e| e.code), Err(ErrorCode::SizeInvalid));
        assert!(SyntheticLayer::new(LAYER_MAX_BYTES, 1).is_ok());
        assert_eq!(
            SyntheticLayer::new(LAYER_MAX_BYTES + 1, 1).map_err(|e| e.code),
            Err(ErrorCode::SizeInvalid)
        );
    }
}
