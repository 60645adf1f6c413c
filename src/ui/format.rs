//! Display helpers: sizes, counts and hex, nothing the engine decides. The figures a note's
//! arguments need too (sizes, money, durations) are `crate::i18n::units`, re-exported here.

pub use crate::i18n::units::{
    count, dollars, dollars_in, duration_words, duration_words_in, exact_bytes, exact_bytes_in, exact_ms,
    exact_ms_in, grouped, grouped_in, human_bytes, human_bytes_in, mb_per_s, mb_per_s_in, number_in,
    round_bytes, round_bytes_in, short_duration, short_duration_in, unit_in,
};

/// Units a person can pick for a synthetic layer, with their byte multipliers.
pub const SIZE_UNITS: [(&str, u64); 4] = [("B", 1), ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30)];

/// Parses a size typed by a person (`"1.5"` with unit `"GiB"`) into whole bytes, rounding to
/// the nearest byte. Decimal arithmetic on integers: no float parsing in the bundle.
pub fn parse_size(text: &str, unit: &str) -> Result<u64, Msg> {
    let text = text.trim();
    let Some((_, multiplier)) = SIZE_UNITS.iter().find(|(name, _)| *name == unit) else {
        return Err(Msg::new("notes.size_pick_unit", [SIZE_UNITS.map(|(n, _)| n).join(", ").into()]));
    };
    if text.is_empty() {
        return Err(Msg::key("notes.size_empty"));
    }
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !digits_ok(whole) || !digits_ok(frac) || frac.len() > 9 {
        return Err(Msg::new("notes.size_bad", [format!("{text:?}").into()]));
    }
    let too_large = || Msg::new("notes.size_too_large", [format!("{text} {unit}").into()]);
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

/// How a rate model reads in sentences.
pub fn rate_model_words(model: crate::engine::RateModel) -> Msg {
    use crate::engine::RateModel;
    Msg::key(match model {
        RateModel::Buckets2026 => "notes.model_2026",
        RateModel::PerMinute2019 => "notes.model_2019",
        RateModel::Unlimited => "notes.model_off",
    })
}

/// A cluster scale-out's outcome in one sentence: `"166 of 300 nodes got demo/app:v1; 134
/// refused with 429 TOOMANYREQUESTS, Retry-After up to 1 s."`
pub fn scale_out_sentence(r: &crate::engine::ScaleOutReport, image: &str) -> Msg {
    let (completed, nodes) = (Arg::Count(r.completed as u64), Arg::Count(r.nodes as u64));
    if r.throttled == 0 {
        return Msg::new("unit.scale_out_ok", [completed, nodes, image.into()]);
    }
    Msg::new(
        "unit.scale_out_throttled",
        [
            completed,
            nodes,
            image.into(),
            Arg::Count(r.throttled as u64),
            r.retry_after_max_s.to_string().into(),
        ],
    )
}

/// `n` and a counted noun of the catalogue (`"{0} record|{0} records"`), drawn in the page's
/// language: `counted("unit.records", 3)` reads `3 records`, `3 records`, `3 enregistrements`.
pub fn counted(key: &'static str, n: usize) -> Msg {
    Msg::new(key, [Arg::Count(n as u64)]).counted(n as u64)
}

/// `n` queued jobs of one kind (the engine's `JobView::kind`) in words: `"3 geo-copies"`; a kind
/// with no words as the engine names it (`"3 × kind"`).
pub fn job_kind_msg(kind: &str, n: usize) -> Msg {
    let key = match kind {
        "reclaim" => "clock.job_reclaim",
        "retention-delete" => "clock.job_retention_delete",
        "adopt-key-version" => "clock.job_adopt_key_version",
        "webhook" => "clock.job_webhook",
        "soft-delete-purge" => "clock.job_soft_delete_purge",
        "geo-copy" => "clock.job_geo_copy",
        "replicate" => "clock.job_replicate",
        "replica-created" => "clock.job_replica_created",
        "fault-start" => "clock.job_fault_start",
        "fault-end" => "clock.job_fault_end",
        "failover" => "clock.job_failover",
        "scenario-step" => "clock.job_scenario_step",
        "workload" => "clock.job_workload",
        other => return Msg::from(format!("{n} × {other}")),
    };
    counted(key, n)
}

/// Parses a duration typed by a person: `90s`, `5m`, `1.5h`, `2d`, `250ms`; a bare number is
/// minutes. Empty text is `None`. Decimal arithmetic on integers, rounded to the millisecond.
pub fn parse_duration(text: &str) -> Result<Option<crate::engine::Millis>, Msg> {
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
        other => return Err(Msg::new("notes.duration_unit", [format!("{other:?}").into()])),
    };
    let bad = || Msg::new("notes.duration_bad", [format!("{text:?}").into()]);
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
        .ok_or_else(|| Msg::new("notes.duration_too_long", [text.into()]))?;
    Ok(Some(crate::engine::Millis(ms as u64)))
}

/// Parses a virtual time as the clock shows it (`1d 02:03:04.005`, `00:30:00`, `00:30`), or a
/// duration from `now` with a leading `+` (`+10m`).
pub fn parse_instant(text: &str, now: crate::engine::Millis) -> Result<crate::engine::Millis, Msg> {
    use crate::engine::Millis;
    let text = text.trim();
    if let Some(rest) = text.strip_prefix('+') {
        return match parse_duration(rest)? {
            Some(d) => Ok(now.saturating_add(d)),
            None => Err(Msg::key("notes.instant_plus")),
        };
    }
    let bad = || Msg::new("notes.instant_bad", [format!("{text:?}").into()]);
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

// ---- The same figures in the page's languages (issue #5) ----
//
// Each `*_in` function writes what its English namesake writes, in English exactly, and in Dutch
// and French with their decimal mark, digit grouping and unit names. The English functions
// above stay for the parts of the page not translated yet and for the status line.

use crate::i18n::{Arg, Lang, Msg};

/// [`percent`] in `lang` (French puts a narrow no-break space before `%`).
pub fn percent_in(lang: Lang, part: u64, whole: u64) -> String {
    let english = percent(part, whole);
    let number = number_in(lang, &english);
    match lang {
        Lang::Fr => number.replace('%', "\u{202f}%"),
        Lang::En | Lang::Nl => number,
    }
}

/// [`scale_out_sentence`] in `lang`.
pub fn scale_out_sentence_in(lang: Lang, r: &crate::engine::ScaleOutReport, image: &str) -> String {
    scale_out_sentence(r, image).text(lang)
}
