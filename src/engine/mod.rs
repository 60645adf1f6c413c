//! The storage engine: pure Rust, deterministic, no web crates. `Registry` is its front door;
//! everything a page, a console or a test does goes through it.

pub mod audit;
pub mod bench;
pub mod blob_store;
pub mod clock;
pub mod digest;
pub mod error;
pub mod events;
pub mod image;
pub mod key_vault;
pub mod listing;
pub mod locks;
pub mod manifest;
pub mod names;
pub mod region;
pub mod registry;
pub mod repository;
pub mod scheduler;
pub mod seal;
pub mod storage_account;
pub mod synthetic;
pub mod tier;
pub mod views;

pub use clock::Millis;
pub use digest::Digest;
pub use error::{ErrorCode, RegistryError, Result};
pub use events::{Event, EventKind};
pub use locks::{AttributePatch, Attributes};
pub use manifest::MediaType;
pub use names::{Reference, RepoName, Tag};
pub use registry::{LayerInput, Registry, RegistryOptions};
pub use tier::{Cost, StorageEra, Tier, TierView};
pub use views::*;
