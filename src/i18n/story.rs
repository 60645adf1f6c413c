//! The panels added with issue #5: story, scrubber, keys, scenario, clock, charts, large preset, New registry, header.
//! Same form as `messages.rs`: `(key, English, Nederlands, Français)`.

/// Every key of this part with its English, Dutch and French text.
#[rustfmt::skip]
pub static MESSAGES: &[super::Entry] = &[
];
