//! The engine's error messages (`RegistryError::text`), by error site.
//! Same form as `messages.rs`: `(key, English, Nederlands, Français)`.

/// Every key of this part with its English, Dutch and French text.
#[rustfmt::skip]
pub static MESSAGES: &[super::Entry] = &[
    // A message with no key of its own (from a library, say): shown as it is.
    ("errors.untranslated", "{0}", "{0}", "{0}"),
];
