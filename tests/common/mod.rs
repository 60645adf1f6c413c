//! Helpers shared by the native integration tests.
#![allow(dead_code)]

pub mod archives;

use stowage::engine::{LayerInput, Registry, RegistryOptions, Tier};

/// A Premium registry in `region`.
pub fn premium(region: &str) -> Registry {
    Registry::new(RegistryOptions {
        tier: Tier::Premium,
        region: region.into(),
        ..RegistryOptions::default()
    })
    .expect("registry")
}

/// A one-layer image whose layer is `text`.
pub fn file(text: &str) -> Vec<LayerInput> {
    vec![LayerInput::File { name: "f".into(), bytes: text.as_bytes().to_vec() }]
}
