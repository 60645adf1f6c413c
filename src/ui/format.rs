//! Display helpers: sizes, counts and hex, nothing the engine decides.

const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

/// Units a person can pick for a synthetic layer, with their byte multipliers.
pub const SIZE_UNITS: [(&str, u64); 4] = [("B", 1), ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30)];

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

/// Parses a size typed by a person (`"1.5"` with unit `"GiB"`) into whole bytes, rounding to
/// the nearest byte. Decimal arithmetic on integers: no float parsing in the bundle.
pub fn parse_size(text: &str, unit: &str) -> Result<u64, String> {
    let text = text.trim();
    let Some((_, multiplier)) = SIZE_UNITS.iter().find(|(name, _)| *name == unit) else {
        return Err(format!("pick a unit ({})", SIZE_UNITS.map(|(n, _)| n).join(", ")));
    };
    if text.is_empty() {
        return Err("type a size first, for example 512 with MiB".into());
    }
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !digits_ok(whole) || !digits_ok(frac) || frac.len() > 9 {
        return Err(format!("{text:?} is not a size; type a number such as 512 or 1.5"));
    }
    let too_large = || format!("{text} {unit} is far too large");
    let whole: u128 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| too_large())? };
    let frac_value: u128 = if frac.is_empty() { 0 } else { frac.parse().map_err(|_| too_large())? };
    let frac_scale = 10u128.pow(frac.len() as u32);
    let m = *multiplier as u128;
    let bytes = whole
        .checked_mul(m)
        .and_then(|b| b.checked_add((frac_value * m + frac_scale / 2) / frac_scale))
        .filter(|b| *b <= u64::MAX as u128 / 2)
        .ok_or_else(too_large)?;
    Ok(bytes as u64)
}

/// Hex split into rows of 8 bytes, each in two groups of 4 bytes, for side-by-side reading.
pub fn hex_rows(hex: &str) -> Vec<String> {
    let bytes: Vec<&str> = hex.as_bytes().chunks(2).filter_map(|c| std::str::from_utf8(c).ok()).collect();
    bytes
        .chunks(8)
        .map(|row| row.chunks(4).map(|group| group.concat()).collect::<Vec<_>>().join(" "))
        .collect()
}

/// The bytes behind lowercase hex as printable ASCII, anything else as `·`.
pub fn hex_as_text(hex: &str) -> String {
    hex.as_bytes()
        .chunks(2)
        .map(|pair| {
            let byte = std::str::from_utf8(pair).ok().and_then(|s| u8::from_str_radix(s, 16).ok());
            match byte {
                Some(b) if (0x20..0x7f).contains(&b) => b as char,
                _ => '·',
            }
        })
        .collect()
}

/// `n` and the singular or plural noun.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A duration in words for sentences: `600_000` → `"10 minutes"`, `1_500` → `"1.5 seconds"`;
/// anything else as the clock shows it.
pub fn duration_words(d: crate::engine::Millis) -> String {
    let ms = d.0;
    let units = [(86_400_000, "day", "days"), (3_600_000, "hour", "hours"), (60_000, "minute", "minutes")];
    for (size, one, many) in units {
        if ms >= size && ms.is_multiple_of(size) {
            return count((ms / size) as usize, one, many);
        }
    }
    if ms.is_multiple_of(1_000) {
        return count((ms / 1_000) as usize, "second", "seconds");
    }
    d.to_string()
}

/// A record key shortened for reading: `blobs/sha256/` and the first 12 hex digits, then `…`.
pub fn short_key(key: &str) -> String {
    match key.rsplit_once('/') {
        Some((folder, hex)) if hex.len() > 12 => match hex.get(..12) {
            Some(head) => format!("{folder}/{head}…"),
            None => key.to_string(),
        },
        _ => key.to_string(),
    }
}

/// The text with every record key's 64 hex digits cut to 12 and `…`
/// (`blobs/sha256/<64 hex>` → `blobs/sha256/39c01b329917…`), for sentences a person reads.
pub fn shorten_record_keys(text: &str) -> String {
    const MARK: &str = "sha256/";
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(MARK) {
        let (head, tail) = rest.split_at(i + MARK.len());
        out.push_str(head);
        let hex_len = tail.bytes().take_while(u8::is_ascii_hexdigit).count();
        match (tail.get(..12), tail.get(64..)) {
            (Some(short), Some(after)) if hex_len == 64 => {
                out.push_str(short);
                out.push('…');
                rest = after;
            }
            _ => rest = tail,
        }
    }
    out.push_str(rest);
    out
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

/// `part` as a percentage of `whole` with two decimals, rounded down; a share too small to
/// show as 0.01% reads `"<0.01%"`. `percent(25 << 30, 40 << 40)` → `"0.06%"`.
pub fn percent(part: u64, whole: u64) -> String {
    let hundredths = hundredths_of_percent(part, whole);
    if hundredths == 0 && part > 0 {
        return "<0.01%".into();
    }
    format!("{}.{:02}%", hundredths / 100, hundredths % 100)
}

/// `part / whole` in hundredths of a percent (10,000 = 100%), rounded down; 0 when `whole` is 0.
pub fn hundredths_of_percent(part: u64, whole: u64) -> u64 {
    if whole == 0 {
        return 0;
    }
    (part as u128 * 10_000 / whole as u128).min(u64::MAX as u128) as u64
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

/// How a rate model reads in sentences.
pub fn rate_model_words(model: crate::engine::RateModel) -> &'static str {
    use crate::engine::RateModel;
    match model {
        RateModel::Buckets2026 => "the 2026 token buckets",
        RateModel::PerMinute2019 => "the 2019 per-minute limits",
        RateModel::Unlimited => "no request-rate limits (not an ACR model)",
    }
}

/// A cluster scale-out's outcome in one sentence: `"166 of 300 nodes got demo/app:v1; 134
/// refused with 429 TOOMANYREQUESTS, Retry-After up to 1 s."`
pub fn scale_out_sentence(r: &crate::engine::ScaleOutReport, image: &str) -> String {
    if r.throttled == 0 {
        return format!("{} of {} nodes got {image}; none was refused.", r.completed, r.nodes);
    }
    format!(
        "{} of {} nodes got {image}; {} refused with 429 TOOMANYREQUESTS, Retry-After up to {} s.",
        r.completed, r.nodes, r.throttled, r.retry_after_max_s
    )
}

/// `n` queued jobs of one kind (the engine's `JobView::kind`) in words: `"3 geo-copies"`.
pub fn job_kind_words(kind: &str, n: usize) -> String {
    let (one, many) = match kind {
        "reclaim" => ("garbage-collection reclaim", "garbage-collection reclaims"),
        "retention-delete" => ("retention delete", "retention deletes"),
        "adopt-key-version" => ("key-version adoption", "key-version adoptions"),
        "webhook" => ("webhook delivery", "webhook deliveries"),
        "soft-delete-purge" => ("soft-delete purge", "soft-delete purges"),
        "geo-copy" => ("geo-copy", "geo-copies"),
        "replicate" => ("replication", "replications"),
        "replica-created" => ("replica creation", "replica creations"),
        "fault-start" => ("fault start", "fault starts"),
        "fault-end" => ("fault end", "fault ends"),
        "failover" => ("failover", "failovers"),
        "scenario-step" => ("scenario step", "scenario steps"),
        "workload" => ("workload request", "workload requests"),
        other => return format!("{n} × {other}"),
    };
    count(n, one, many)
}

/// Parses a duration typed by a person: `90s`, `5m`, `1.5h`, `2d`, `250ms`; a bare number is
/// minutes. Empty text is `None`. Decimal arithmetic on integers, rounded to the millisecond.
pub fn parse_duration(text: &str) -> Result<Option<crate::engine::Millis>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let unit_ms: u64 = match unit.trim() {
        "" | "m" | "min" | "mins" | "minute" | "minutes" => 60_000,
        "ms" => 1,
        "s" | "sec" | "secs" | "second" | "seconds" => 1_000,
        "h" | "hour" | "hours" => 3_600_000,
        "d" | "day" | "days" => 86_400_000,
        other => return Err(format!("{other:?} is not a unit: use ms, s, m, h or d (e.g. 90s, 5m, 2h)")),
    };
    let bad =
        || format!("{text:?} is not a duration: type e.g. 90s, 5m, 2h or 1d (a bare number is minutes)");
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    if (whole.is_empty() && frac.is_empty()) || frac.len() > 6 {
        return Err(bad());
    }
    let whole: u128 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
    let frac_value: u128 = if frac.is_empty() { 0 } else { frac.parse().map_err(|_| bad())? };
    let scale = 10u128.pow(frac.len() as u32);
    let unit = u128::from(unit_ms);
    let ms = whole
        .checked_mul(unit)
        .and_then(|w| w.checked_add((frac_value * unit + scale / 2) / scale))
        .filter(|ms| *ms <= u128::from(u64::MAX / 2))
        .ok_or_else(|| format!("{text} is far too long"))?;
    Ok(Some(crate::engine::Millis(ms as u64)))
}

/// Parses a virtual time as the clock shows it (`1d 02:03:04.005`, `00:30:00`, `00:30`), or a
/// duration from `now` with a leading `+` (`+10m`).
pub fn parse_instant(text: &str, now: crate::engine::Millis) -> Result<crate::engine::Millis, String> {
    use crate::engine::Millis;
    let text = text.trim();
    if let Some(rest) = text.strip_prefix('+') {
        return match parse_duration(rest)? {
            Some(d) => Ok(now.saturating_add(d)),
            None => Err("type a duration after +, e.g. +10m".into()),
        };
    }
    let bad = || {
        format!(
            "{text:?} is not a time: type it as the clock shows it (e.g. 00:30:00 or 1d 02:00:00), or +10m"
        )
    };
    let (days, clock) = match text.split_once('d') {
        Some((d, rest)) => (d.trim().parse::<u64>().map_err(|_| bad())?, rest.trim()),
        None => (0, text),
    };
    let (clock, milli) = match clock.split_once('.') {
        Some((c, m)) if (1..=3).contains(&m.len()) && m.bytes().all(|b| b.is_ascii_digit()) => {
            (c, m.parse::<u64>().map_err(|_| bad())? * 10u64.pow(3 - m.len() as u32))
        }
        Some(_) => return Err(bad()),
        None => (clock, 0),
    };
    let parts: Vec<&str> = clock.split(':').collect();
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty() || p.len() > 2) {
        return Err(bad());
    }
    let mut values = [0u64; 3];
    for (i, p) in parts.iter().enumerate() {
        values[i] = p.parse().map_err(|_| bad())?;
    }
    let [h, m, s] = values;
    if h > 23 || m > 59 || s > 59 {
        return Err(bad());
    }
    days.checked_mul(Millis::DAY.0)
        .and_then(|d| d.checked_add(h * 3_600_000 + m * 60_000 + s * 1000 + milli))
        .map(Millis)
        .ok_or_else(bad)
}

/// A short duration for labels: `850 ms`, `12.3 s`, `4 min 5 s`, `2 h 3 min`, `1 d 4 h`.
pub fn short_duration(d: crate::engine::Millis) -> String {
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

// ---- The same figures in the page's languages (issue #5) ----
//
// Each `*_in` function writes what its English namesake writes, in English exactly, and in Dutch
// and French with their decimal mark, digit grouping and unit names. The English functions
// above stay for the parts of the page not translated yet and for the status line.

use crate::i18n::{Lang, tn, tn_shown};

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

/// [`percent`] in `lang` (French puts a narrow no-break space before `%`).
pub fn percent_in(lang: Lang, part: u64, whole: u64) -> String {
    let english = percent(part, whole);
    let number = number_in(lang, &english);
    match lang {
        Lang::Fr => number.replace('%', "\u{202f}%"),
        Lang::En | Lang::Nl => number,
    }
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
pub fn short_duration_in(lang: Lang, d: crate::engine::Millis) -> String {
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

/// [`duration_words`] in `lang`: `10 minutes`, `10 minuten`, `10 minutes`.
pub fn duration_words_in(lang: Lang, d: crate::engine::Millis) -> String {
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

/// [`scale_out_sentence`] in `lang`.
pub fn scale_out_sentence_in(lang: Lang, r: &crate::engine::ScaleOutReport, image: &str) -> String {
    let (completed, nodes) = (r.completed.to_string(), r.nodes.to_string());
    if r.throttled == 0 {
        return crate::i18n::tf(lang, "unit.scale_out_ok", &[&completed, &nodes, image]);
    }
    crate::i18n::tf(
        lang,
        "unit.scale_out_throttled",
        &[&completed, &nodes, image, &r.throttled.to_string(), &r.retry_after_max_s.to_string()],
    )
}
