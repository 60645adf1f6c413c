//! The engine's error messages (`RegistryError::text`), by error site.
//! Same form as `messages.rs`: `(key, English, Nederlands, Français)`.

/// Every key of this part with its English, Dutch and French text.
#[rustfmt::skip]
pub static MESSAGES: &[super::Entry] = &[
];
