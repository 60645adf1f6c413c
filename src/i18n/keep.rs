//! Keeping the session: saving, restoring, export, import and share links (`ui::keep`, the session panel).
//! Same form as `messages.rs`: `(key, English, Nederlands, Français)`.

/// Every key of this part with its English, Dutch and French text.
#[rustfmt::skip]
pub static MESSAGES: &[super::Entry] = &[
];
