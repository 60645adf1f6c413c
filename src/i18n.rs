//! The page's languages and its message catalogue (issue #5): English, Dutch and French, the
//! languages ACR's storage page was published in.
//!
//! Plain Rust, compiled natively too, so `tests/i18n.rs` can check the catalogue: every key has
//! a non-empty text in each language, the placeholders agree, Dutch and French are not copies of
//! the English, and every key the page's sources use is in the table (and every key in the
//! table is used). The Yew side (the current language as a context, the switch, keeping the
//! choice) is `ui::i18n`.
//!
//! A text is a `&'static str`; `{0}`, `{1}`, … are filled by [`tf`]. A text with `|` holds a
//! singular and a plural form (`"{0} record|{0} records"`), chosen by [`tn`].

mod messages;

pub use messages::MESSAGES;

/// A language the page speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    Nl,
    Fr,
}

impl Lang {
    pub const ALL: [Self; 3] = [Self::En, Self::Nl, Self::Fr];

    /// The language's code, as `<html lang>` and the saved choice have it.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Nl => "nl",
            Self::Fr => "fr",
        }
    }

    /// Its name in itself, as the language switch offers it.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Nl => "Nederlands",
            Self::Fr => "Français",
        }
    }

    /// The page's language for a BCP 47 tag (`nl`, `nl-BE`, `fr-CA`, `EN-us`); None when the
    /// page does not speak it.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        Self::ALL.into_iter().find(|l| primary.eq_ignore_ascii_case(l.code()))
    }
}

/// The entry of `key`: its texts in English, Dutch and French.
fn entry(key: &str) -> Option<&'static (&'static str, &'static str, &'static str, &'static str)> {
    use std::sync::OnceLock;
    // The table's positions in key order, built on first use (the table itself is in the order
    // the page shows things, so that a translator reads it panel by panel).
    static INDEX: OnceLock<Vec<u16>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut index: Vec<u16> = (0..MESSAGES.len()).filter_map(|i| u16::try_from(i).ok()).collect();
        index.sort_unstable_by_key(|&i| MESSAGES[usize::from(i)].0);
        index
    });
    let at = index.binary_search_by(|&i| MESSAGES[usize::from(i)].0.cmp(key)).ok()?;
    MESSAGES.get(usize::from(index[at]))
}

/// The text of `key` in `lang`. A key missing from the table reads as itself (the native test
/// keeps that from reaching the page).
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    match entry(key) {
        Some((_, en, nl, fr)) => match lang {
            Lang::En => en,
            Lang::Nl => nl,
            Lang::Fr => fr,
        },
        None => key,
    }
}

/// The text of `key` in `lang` with `{0}`, `{1}`, … replaced by `args`. A placeholder with no
/// argument stays as it is.
pub fn tf(lang: Lang, key: &'static str, args: &[&str]) -> String {
    fill(t(lang, key), args)
}

/// The singular or plural form of `key` (`"{0} record|{0} records"`) for `n`, with `{0}` the
/// number. French takes the singular for 0 and 1, English and Dutch for 1 only.
pub fn tn(lang: Lang, key: &'static str, n: u64) -> String {
    tn_shown(lang, key, n, &n.to_string())
}

/// [`tn`] with the number shown as `shown` (grouped, say) instead of its bare digits.
pub fn tn_shown(lang: Lang, key: &'static str, n: u64, shown: &str) -> String {
    let text = t(lang, key);
    let (one, many) = text.split_once('|').unwrap_or((text, text));
    let singular = match lang {
        Lang::Fr => n <= 1,
        Lang::En | Lang::Nl => n == 1,
    };
    fill(if singular { one } else { many }, &[shown])
}

/// `text` with each `{i}` replaced by `args[i]`.
pub fn fill(text: &str, args: &[&str]) -> String {
    let mut out = String::with_capacity(text.len() + args.iter().map(|a| a.len()).sum::<usize>());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let arg = (digits > 0 && after.as_bytes().get(digits) == Some(&b'}'))
            .then(|| after[..digits].parse::<usize>().ok())
            .flatten()
            .and_then(|i| args.get(i));
        match arg {
            Some(arg) => {
                out.push_str(arg);
                rest = &after[digits + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The placeholders a text holds (`{0}`, `{1}`, …), each once, in increasing order.
pub fn placeholders(text: &str) -> Vec<usize> {
    let mut found = vec![];
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0
            && after.as_bytes().get(digits) == Some(&b'}')
            && let Ok(i) = after[..digits].parse::<usize>()
        {
            found.push(i);
        }
        rest = after;
    }
    found.sort_unstable();
    found.dedup();
    found
}
