//! The page's notes and status lines (`ui::state`): what an action did, in words.
//! Same form as `messages.rs`: `(key, English, Nederlands, Français)`.

/// Every key of this part with its English, Dutch and French text.
#[rustfmt::skip]
pub static MESSAGES: &[super::Entry] = &[
];
