//! Figures as the page writes them (sizes, numbers, money, durations), in English and in the
//! page's other languages. Pure Rust, so a [`super::Msg`]'s arguments (`Arg::Bytes`, …) can be
//! drawn natively too; `ui::format` re-exports these for the panels.
//!
//! Each `*_in` function writes what its English namesake writes, in English exactly, and in
//! Dutch and French with their decimal mark, digit grouping and unit names.

use super::{Lang, tn, tn_shown};
use crate::engine::Millis;

const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

/// `3000` → `"2.9 KiB"`; below 1 KiB the exact count, e.g. `"512 B"`. Integer arithmetic only:
/// float formatting would add its own routines to the bundle.
pub fn human_bytes(bytes: u64) -> String {
    let mut unit = 0;
    while unit < UNITS.len() - 1 && bytes >= 1u64 << (10 * (unit + 1)) {
        unit += 1;
    }
    if unit == 0 {
        return format!("{bytes} B");
    }
    let scale = 1u128 << (10 * unit);
    let tenths = (bytes as u128 * 10 + scale / 2) / scale;
    if tenths >= 1000 {
        format!("{} {}", (tenths + 5) / 10, UNITS[unit])
    } else {
        format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
    }
}

/// `1234567` → `"1,234,567"`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `"3,000 bytes"` / `"1 byte"`.
pub fn exact_bytes(n: u64) -> String {
    if n == 1 { "1 byte".into() } else { format!("{} bytes", grouped(n)) }
}

/// `n` and the singular or plural noun.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A duration in words for sentences: `600_000` → `"10 minutes"`, `1_500` → `"1.5 seconds"`;
/// anything else as the clock shows it.
pub fn duration_words(d: Millis) -> String {
    duration_words_in(Lang::En, d)
}

/// Micro-dollars as dollars with `decimals` digits (at most 6), rounded down:
/// `dollars(212_000, 4)` → `"$0.2120"`, `dollars(667_000, 3)` → `"$0.667"`.
pub fn dollars(micro_usd: u64, decimals: u32) -> String {
    let decimals = decimals.min(6);
    let whole = micro_usd / 1_000_000;
    if decimals == 0 {
        return format!("${}", grouped(whole));
    }
    let frac = (micro_usd % 1_000_000) / 10u64.pow(6 - decimals);
    format!("${}.{frac:0width$}", grouped(whole), width = decimals as usize)
}

/// A size for a table of round figures: `10 GiB`, `40 TiB`, `4.5 TiB` (no `.0`).
pub fn round_bytes(bytes: u64) -> String {
    let unit =
        (1..UNITS.len()).rev().find(|u| bytes >= 1u64 << (10 * u) && bytes.is_multiple_of(1u64 << (10 * u)));
    match unit {
        Some(u) => format!("{} {}", bytes >> (10 * u), UNITS[u]),
        None => human_bytes(bytes),
    }
}

/// Milliseconds exactly, grouped: `214_749` → `"214,749 ms"`.
pub fn exact_ms(ms: u64) -> String {
    format!("{} ms", grouped(ms))
}

/// A transfer rate in decimal megabytes per second, as the tier tables give it:
/// `30_000_000` → `"30 MB/s"`, `12_500_000` → `"12.5 MB/s"`.
pub fn mb_per_s(bytes_per_s: u64) -> String {
    let whole = bytes_per_s / 1_000_000;
    let frac = bytes_per_s % 1_000_000;
    if frac == 0 {
        return format!("{} MB/s", grouped(whole));
    }
    let digits = format!("{frac:06}");
    format!("{}.{} MB/s", grouped(whole), digits.trim_end_matches('0'))
}

/// A short duration for labels: `850 ms`, `12.3 s`, `4 min 5 s`, `2 h 3 min`, `1 d 4 h`.
pub fn short_duration(d: Millis) -> String {
    let ms = d.0;
    if ms < 1_000 {
        return format!("{ms} ms");
    }
    if ms < 60_000 {
        let tenths = ms / 100;
        return if tenths.is_multiple_of(10) {
            format!("{} s", tenths / 10)
        } else {
            format!("{}.{} s", tenths / 10, tenths % 10)
        };
    }
    let (d, h, m, s) = (ms / 86_400_000, ms / 3_600_000 % 24, ms / 60_000 % 60, ms / 1000 % 60);
    match (d, h) {
        (0, 0) if s == 0 => format!("{m} min"),
        (0, 0) => format!("{m} min {s} s"),
        (0, _) if m == 0 => format!("{h} h"),
        (0, _) => format!("{h} h {m} min"),
        _ if h == 0 => format!("{d} d"),
        _ => format!("{d} d {h} h"),
    }
}

/// A number written the English way (`1,234.5`) as `lang` writes it: `1.234,5` in Dutch,
/// `1 234,5` in French (a narrow no-break space groups the digits).
pub fn number_in(lang: Lang, english: &str) -> String {
    match lang {
        Lang::En => english.to_string(),
        Lang::Nl => english
            .chars()
            .map(|c| match c {
                ',' => '.',
                '.' => ',',
                c => c,
            })
            .collect(),
        Lang::Fr => english
            .chars()
            .map(|c| match c {
                ',' => '\u{202f}',
                '.' => ',',
                c => c,
            })
            .collect(),
    }
}

/// A byte unit as `lang` names it: French counts in octets (`o`, `Kio`, `Mio`, `To`, `Mo/s`, …).
pub fn unit_in(lang: Lang, unit: &str) -> String {
    match (lang, unit.strip_suffix('B'), unit) {
        (Lang::Fr, Some(prefix), _) => format!("{prefix}o"),
        (Lang::Fr, None, "MB/s") => "Mo/s".to_string(),
        _ => unit.to_string(),
    }
}

/// `"2.9 KiB"` in `lang`: the number, then the unit (Dutch and French: a no-break space between
/// them; English keeps the plain space it always had).
fn amount_in(lang: Lang, english: &str) -> String {
    let Some((number, unit)) = english.split_once(' ') else { return number_in(lang, english) };
    let gap = if lang == Lang::En { " " } else { "\u{a0}" };
    [number_in(lang, number), unit_in(lang, unit)].join(gap)
}

/// [`grouped`] in `lang`.
pub fn grouped_in(lang: Lang, n: u64) -> String {
    number_in(lang, &grouped(n))
}

/// [`human_bytes`] in `lang`.
pub fn human_bytes_in(lang: Lang, bytes: u64) -> String {
    amount_in(lang, &human_bytes(bytes))
}

/// [`round_bytes`] in `lang`.
pub fn round_bytes_in(lang: Lang, bytes: u64) -> String {
    amount_in(lang, &round_bytes(bytes))
}

/// [`exact_bytes`] in `lang`: `3,000 bytes`, `3.000 bytes`, `3 000 octets`.
pub fn exact_bytes_in(lang: Lang, n: u64) -> String {
    tn_shown(lang, "unit.bytes", n, &grouped_in(lang, n))
}

/// [`dollars`] in `lang`: `$0.667`, `$ 0,667`, `0,667 $`.
pub fn dollars_in(lang: Lang, micro_usd: u64, decimals: u32) -> String {
    let english = dollars(micro_usd, decimals);
    let number = number_in(lang, english.trim_start_matches('$'));
    match lang {
        Lang::En => english,
        Lang::Nl => format!("$\u{a0}{number}"),
        Lang::Fr => format!("{number}\u{a0}$"),
    }
}

/// [`exact_ms`] in `lang`.
pub fn exact_ms_in(lang: Lang, ms: u64) -> String {
    format!("{} ms", grouped_in(lang, ms))
}

/// [`mb_per_s`] in `lang`.
pub fn mb_per_s_in(lang: Lang, bytes_per_s: u64) -> String {
    amount_in(lang, &mb_per_s(bytes_per_s))
}

/// [`short_duration`] in `lang`: `2 h 3 min` is `2 u 3 min` in Dutch, `1 d 4 h` is `1 j 4 h` in
/// French; decimals take the language's mark, and no-break spaces keep it on one line.
pub fn short_duration_in(lang: Lang, d: Millis) -> String {
    let english = short_duration(d);
    if lang == Lang::En {
        return english;
    }
    english
        .split(' ')
        .map(|word| match (lang, word) {
            (Lang::Nl, "h") => "u".to_string(),
            (Lang::Fr, "d") => "j".to_string(),
            _ => number_in(lang, word),
        })
        .collect::<Vec<_>>()
        .join("\u{a0}")
}

/// A duration in words in `lang`: `10 minutes`, `10 minuten`, `10 minutes`; anything that is
/// not a whole number of days, hours, minutes or seconds as the clock shows it.
pub fn duration_words_in(lang: Lang, d: Millis) -> String {
    let ms = d.0;
    let units: [(u64, &'static str); 3] =
        [(86_400_000, "unit.days"), (3_600_000, "unit.hours"), (60_000, "unit.minutes")];
    for (size, key) in units {
        if ms >= size && ms.is_multiple_of(size) {
            return tn(lang, key, ms / size);
        }
    }
    if ms.is_multiple_of(1_000) {
        return tn(lang, "unit.seconds", ms / 1_000);
    }
    d.to_string()
}
