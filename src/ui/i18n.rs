//! The page's language (issue #5): a Yew context the page provides (`App` in `ui/mod.rs`), so a
//! switch re-renders every panel that reads it; the choice kept in this browser; `<html lang>`
//! and the document's title following it. The catalogue itself is `crate::i18n`, which
//! compiles natively too so its test runs with `cargo test`.

use yew::prelude::*;

pub use crate::i18n::{Lang, t, tf, tn};

/// Where the choice is kept (`localStorage`).
const LANG_KEY: &str = "stowage.lang";

/// The page's language, as the provider above gives it (English when none does).
#[hook]
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// The page's language and how to change it, for the component that provides it: starts from
/// the choice kept in this browser, else the browser's language when the page speaks it, else
/// English; keeps every change; sets `<html lang>` and the title to match.
#[hook]
pub fn use_language() -> (Lang, Callback<Lang>) {
    let lang = use_state(initial);
    use_effect_with(*lang, |lang| show(*lang));
    let set = {
        let lang = lang.clone();
        Callback::from(move |chosen: Lang| {
            // Storage may be missing, switched off or full: the page switches all the same.
            let _ = store(chosen);
            lang.set(chosen);
        })
    };
    (*lang, set)
}

/// The language the page opens in.
fn initial() -> Lang {
    stored().or_else(browser_language).unwrap_or_default()
}

/// The browser's preferred language, when the page speaks it.
fn browser_language() -> Option<Lang> {
    let language = web_sys::window()?.navigator().language()?;
    Lang::from_tag(&language)
}

/// `<html lang>` and the document's title in `lang`.
fn show(lang: Lang) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    if let Some(root) = document.document_element() {
        let _ = root.set_attribute("lang", lang.code());
    }
    document.set_title(t(lang, "page.title"));
}

/// The language chosen earlier in this browser, if it was kept and is one the page speaks.
fn stored() -> Option<Lang> {
    let code = super::browser::local_storage("getItem", &[LANG_KEY])?.as_string()?;
    Lang::from_tag(&code)
}

/// Keeps the choice; None when the browser refused it.
fn store(lang: Lang) -> Option<()> {
    super::browser::local_storage("setItem", &[LANG_KEY, lang.code()]).map(|_| ())
}
