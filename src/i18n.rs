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

mod engine_words;
mod errors;
mod events;
mod keep;
mod messages;
mod notes;
mod stage;
mod story;
mod travel;
pub mod units;

/// One entry of the catalogue: a key and its English, Dutch and French texts.
pub type Entry = (&'static str, &'static str, &'static str, &'static str);

/// The catalogue, in parts so that each can grow on its own: the panels (`messages`), the
/// story, scrubber and other panels added with issue #5 (`story`), the page's notes and status
/// lines (`notes`), the engine's error messages (`errors`), the event log's lines (`events`), the
/// engine's words inside those lines and a scenario step's action and outcome (`engine_words`), the
/// keeping of sessions (`keep`) and moving through the run's history (`travel`).
pub static TABLES: &[&[Entry]] = &[
    messages::MESSAGES,
    story::MESSAGES,
    notes::MESSAGES,
    errors::MESSAGES,
    events::MESSAGES,
    engine_words::MESSAGES,
    keep::MESSAGES,
    travel::MESSAGES,
    stage::MESSAGES,
];

/// Every entry of the catalogue, table by table.
pub fn messages() -> impl Iterator<Item = &'static Entry> {
    TABLES.iter().flat_map(|t| t.iter())
}

/// A text in no language yet: a catalogue key and what fills its placeholders, drawn in
/// whichever language the page speaks when it is shown (so a language switch redraws it).
/// With `count`, the key holds a singular and a plural form (`"{0} record|{0} records"`) and
/// the count picks one, as [`tn`] does; `{0}` is then usually the count itself, as an argument.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Msg {
    pub key: &'static str,
    pub args: Vec<Arg>,
    pub count: Option<u64>,
}

/// What fills a placeholder of a [`Msg`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// Words that are the same in every language: a name, a digest, a code, a number.
    Text(String),
    /// A text of its own, drawn in the same language.
    Msg(Box<Msg>),
    /// A number of bytes exactly, with its noun: `3,000 bytes`, `3.000 bytes`, `3 000 octets`.
    Bytes(u64),
    /// A size rounded to one decimal of its unit: `2.9 KiB`, `2,9 Kio`.
    Size(u64),
    /// A round size for tables of limits: `10 GiB`, `4.5 TiB`.
    RoundSize(u64),
    /// A whole number, grouped: `1,234`, `1.234`, `1 234`.
    Count(u64),
    /// Virtual milliseconds exactly: `214,749 ms`.
    Ms(u64),
    /// Virtual milliseconds as a duration in words: `10 minutes`, `10 minuten`.
    Duration(u64),
    /// Virtual milliseconds as a short duration: `4 min 5 s`, `2 u 3 min`.
    Short(u64),
    /// Micro-dollars with that many decimals: `$0.667`, `0,667 $`.
    Dollars(u64, u32),
    /// Bytes per second in decimal megabytes: `30 MB/s`, `30 Mo/s`.
    Rate(u64),
    /// Several, each drawn, joined by a comma and a space.
    List(Vec<Arg>),
    /// Words given in each language, English, Dutch and French (a scenario's own title).
    Each(Box<[String; 3]>),
}

impl Msg {
    /// `key` with `args`.
    pub fn new(key: &'static str, args: impl IntoIterator<Item = Arg>) -> Self {
        Self { key, args: args.into_iter().collect(), count: None }
    }

    /// `key` with no placeholder.
    pub fn key(key: &'static str) -> Self {
        Self { key, args: vec![], count: None }
    }

    /// The same, with its singular or plural form picked by `n`.
    pub fn counted(mut self, n: u64) -> Self {
        self.count = Some(n);
        self
    }

    /// The text in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let args: Vec<String> = self.args.iter().map(|a| a.text(lang)).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let text = t(lang, self.key);
        match self.count {
            Some(n) => fill(plural_form(lang, text, n), &args),
            None => fill(text, &args),
        }
    }
}

impl Arg {
    /// The argument as drawn in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Arg::Text(s) => s.clone(),
            Arg::Msg(m) => m.text(lang),
            Arg::Bytes(n) => units::exact_bytes_in(lang, *n),
            Arg::Size(n) => units::human_bytes_in(lang, *n),
            Arg::RoundSize(n) => units::round_bytes_in(lang, *n),
            Arg::Count(n) => units::grouped_in(lang, *n),
            Arg::Ms(n) => units::exact_ms_in(lang, *n),
            Arg::Duration(n) => units::duration_words_in(lang, crate::engine::Millis(*n)),
            Arg::Short(n) => units::short_duration_in(lang, crate::engine::Millis(*n)),
            Arg::Dollars(n, decimals) => units::dollars_in(lang, *n, *decimals),
            Arg::Rate(n) => units::mb_per_s_in(lang, *n),
            Arg::List(items) => items.iter().map(|a| a.text(lang)).collect::<Vec<_>>().join(", "),
            Arg::Each(texts) => match lang {
                Lang::En => texts[0].clone(),
                Lang::Nl => texts[1].clone(),
                Lang::Fr => texts[2].clone(),
            },
        }
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Self::Text(s.to_string())
    }
}

impl From<Msg> for Arg {
    fn from(m: Msg) -> Self {
        Self::Msg(Box::new(m))
    }
}

/// Words that are no catalogue text (a name, words from outside the page, a text not
/// translated yet): shown as they are in every language (`errors.untranslated`).
impl From<String> for Msg {
    fn from(s: String) -> Self {
        Self::new("errors.untranslated", [Arg::Text(s)])
    }
}

impl From<&str> for Msg {
    fn from(s: &str) -> Self {
        Self::from(s.to_string())
    }
}

/// The English text, for logs, the JS API and tests that read a text in English.
impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(Lang::En))
    }
}

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
fn entry(key: &str) -> Option<&'static Entry> {
    use std::sync::OnceLock;
    // The table's positions in key order, built on first use (the table itself is in the order
    // the page shows things, so that a translator reads it panel by panel).
    static INDEX: OnceLock<Vec<&'static Entry>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let mut index: Vec<&'static Entry> = messages().collect();
        index.sort_unstable_by_key(|e| e.0);
        index
    });
    let at = index.binary_search_by(|e| e.0.cmp(key)).ok()?;
    index.get(at).copied()
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
/// number grouped as every count on the page is (`3,021`, `3.021`, `3 021`). French takes the
/// singular for 0 and 1, English and Dutch for 1 only.
pub fn tn(lang: Lang, key: &'static str, n: u64) -> String {
    tn_shown(lang, key, n, &units::grouped_in(lang, n))
}

/// [`tn`] with the number shown as `shown` (grouped, say) instead of its bare digits.
pub fn tn_shown(lang: Lang, key: &'static str, n: u64, shown: &str) -> String {
    fill(plural_form(lang, t(lang, key), n), &[shown])
}

/// The singular or the plural form of `text` (`"{0} record|{0} records"`) for `n`: French takes
/// the singular for 0 and 1, English and Dutch for 1 only. A text with one form is that form.
fn plural_form(lang: Lang, text: &'static str, n: u64) -> &'static str {
    let (one, many) = text.split_once('|').unwrap_or((text, text));
    let singular = match lang {
        Lang::Fr => n <= 1,
        Lang::En | Lang::Nl => n == 1,
    };
    if singular { one } else { many }
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
