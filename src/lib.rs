//! Stowage: a container-registry storage simulator that runs in the browser.
//!
//! - [`engine`]: the storage engine (pure Rust, native and wasm32).
//! - `api`: the `wasm-bindgen` JS API over the engine (wasm32 only).
//! - `ui`: the Yew page (wasm32 only).
//! - [`i18n`]: the page's languages and message catalogue (native too, for its test).

pub mod engine;
pub mod i18n;

#[cfg(target_arch = "wasm32")]
pub mod api;
#[cfg(target_arch = "wasm32")]
pub mod ui;
