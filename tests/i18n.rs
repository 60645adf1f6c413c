//! The message catalogue (`src/i18n/messages.rs`, issue #5): every key has an English, a Dutch
//! and a French text, with the same placeholders; Dutch and French are translations, not
//! copies; and the page's sources use exactly the keys the table holds.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use stowage::i18n::{Arg, Lang, Msg, fill, messages, placeholders, t, tf, tn};

/// English texts Dutch or French may keep as they are, and which of the two may: names, units
/// and technical words that read the same in those languages.
const SAME_ALLOWED: &[(&str, &[Lang])] = &[
    // A message shown as it is (`errors.untranslated`).
    ("{0}", &[Lang::Nl, Lang::Fr]),
    // Names and technical words.
    ("Premium", &[Lang::Nl, Lang::Fr]),
    ("Tag", &[Lang::Nl, Lang::Fr]),
    ("Clients", &[Lang::Nl, Lang::Fr]),
    ("Client", &[Lang::Nl, Lang::Fr]),
    ("client", &[Lang::Nl, Lang::Fr]),
    ("config", &[Lang::Nl, Lang::Fr]),
    ("nonce", &[Lang::Nl, Lang::Fr]),
    ("bit", &[Lang::Nl, Lang::Fr]),
    ("ok", &[Lang::Nl, Lang::Fr]),
    ("{0} session|{0} sessions", &[Lang::Fr]),
    ("Oracle", &[Lang::Fr]),
    ("Partition", &[Lang::Fr]),
    ("Europe", &[Lang::Fr]),
    ("active", &[Lang::Fr]),
    ("total", &[Lang::Fr]),
    ("rotation", &[Lang::Fr]),
    ("version", &[Lang::Fr]),
    ("Page {0}", &[Lang::Fr]),
    // Dutch uses the English word.
    ("account", &[Lang::Nl]),
    ("record", &[Lang::Nl]),
    ("records", &[Lang::Nl]),
    ("manifest", &[Lang::Nl]),
    (" replica", &[Lang::Nl]),
    ("replica, {0}{1}", &[Lang::Nl]),
    ("push", &[Lang::Nl]),
    ("pull", &[Lang::Nl]),
    ("Pushes", &[Lang::Nl]),
    ("Pulls", &[Lang::Nl]),
    ("in", &[Lang::Nl]),
    ("Image: ", &[Lang::Nl]),
    ("buckets ÷", &[Lang::Nl]),
    ("OK: manifest ", &[Lang::Nl]),
    ("{0} in {1}", &[Lang::Nl]),
    ("manifest {0} in {1}", &[Lang::Nl]),
    ("client {0} in {1}: {2}, {3}", &[Lang::Nl]),
    // Engine errors put together from other texts (src/i18n/errors.rs).
    ("{0}, {1}", &[Lang::Nl, Lang::Fr]),
    ("{0} [{1}]", &[Lang::Nl, Lang::Fr]),
    ("{0}: {1}: {2}", &[Lang::Nl]),
    ("{0}: {1}", &[Lang::Nl]),
    // The event log: a replica and what changed (src/i18n/events.rs).
    ("replica {0}: {1}", &[Lang::Nl]),
    ("manifest {0}", &[Lang::Nl]),
    // A scenario step's requests and where they were served (src/i18n/engine_words.rs).
    ("{0} → {1}", &[Lang::Nl, Lang::Fr]),
    // An event's line as a sentence.
    ("{0}.", &[Lang::Nl, Lang::Fr]),
    ("PUT manifest", &[Lang::Nl]),
    ("GET manifest", &[Lang::Nl]),
    // Notes that join other texts (a file and its size; sentences; parts of one).
    ("{0} ({1})", &[Lang::Nl, Lang::Fr]),
    ("{0} {1}", &[Lang::Nl, Lang::Fr]),
    ("{0}; {1}", &[Lang::Nl]),
    // Why the final phase did not converge, after its sentence.
    (": {0}", &[Lang::Nl]),
    // Counts whose nouns are the same.
    ("{0} byte|{0} bytes", &[Lang::Nl]),
    ("{0} record|{0} records", &[Lang::Nl]),
    ("{0} tag|{0} tags", &[Lang::Nl, Lang::Fr]),
    ("{0} blob|{0} blobs", &[Lang::Nl, Lang::Fr]),
    ("{0} item|{0} items", &[Lang::Nl]),
    ("{0} minute|{0} minutes", &[Lang::Fr]),
    ("{0} action|{0} actions", &[Lang::Fr]),
    ("{0} client|{0} clients", &[Lang::Nl, Lang::Fr]),
    ("{0} image|{0} images", &[Lang::Nl, Lang::Fr]),
];

fn key_ok(key: &str) -> bool {
    let mut parts = key.split('.');
    let first = parts.next().unwrap_or_default();
    let first_ok = first.starts_with(|c: char| c.is_ascii_lowercase())
        && first.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    let rest: Vec<&str> = parts.collect();
    first_ok
        && !rest.is_empty()
        && rest.iter().all(|p| {
            !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

#[test]
fn keys_are_unique_and_well_formed() {
    let mut seen = BTreeSet::new();
    for (key, ..) in messages() {
        assert!(key_ok(key), "{key:?} is not a key of the form panel.name (lowercase, digits, _)");
        assert!(seen.insert(*key), "{key} is in the table twice");
    }
}

#[test]
fn every_key_has_three_texts_with_the_same_placeholders() {
    for (key, en, nl, fr) in messages() {
        for (lang, text) in [("en", en), ("nl", nl), ("fr", fr)] {
            assert!(!text.trim().is_empty(), "{key} has no {lang} text");
        }
        let want = placeholders(en);
        assert_eq!(placeholders(nl), want, "{key}: the Dutch text has other placeholders than the English");
        assert_eq!(placeholders(fr), want, "{key}: the French text has other placeholders than the English");
        // The placeholders are {0}…{n-1}: none skipped.
        assert!(want.iter().enumerate().all(|(i, p)| i == *p), "{key}: placeholders {want:?} skip a number");
        // Singular|plural: in all three or none, and only two forms.
        let bars = en.matches('|').count();
        assert!(bars <= 1, "{key}: more than two forms");
        assert_eq!(nl.matches('|').count(), bars, "{key}: Dutch forms differ from the English");
        assert_eq!(fr.matches('|').count(), bars, "{key}: French forms differ from the English");
    }
}

#[test]
fn dutch_and_french_are_translations() {
    let allowed =
        |lang: Lang, en: &str| SAME_ALLOWED.iter().any(|(text, langs)| *text == en && langs.contains(&lang));
    let mut copied = vec![];
    let mut used = vec![];
    for (key, en, nl, fr) in messages() {
        for (lang, text) in [(Lang::Nl, nl), (Lang::Fr, fr)] {
            if text != en {
                continue;
            }
            if allowed(lang, en) {
                used.push((lang, *en));
            } else {
                copied.push(format!("{key} ({}): {en:?}", lang.code()));
            }
        }
    }
    assert!(copied.is_empty(), "copied from the English, not translated:\n{}", copied.join("\n"));
    // The allow-list holds nothing that is not needed.
    for (text, langs) in SAME_ALLOWED {
        for lang in *langs {
            assert!(used.contains(&(*lang, *text)), "{text:?} ({}) is allowed but never copied", lang.code());
        }
    }
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The string literals of a Rust source, outside comments (escapes left as written; keys have
/// none).
fn string_literals(source: &str) -> Vec<String> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = vec![];
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                i += 2;
                while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                    i += 1;
                }
                i += 2;
            }
            // A char literal ('"', '\'', 'x'); a lifetime ('a) has no closing quote right after.
            '\'' if chars.get(i + 1) == Some(&'\\') => {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            }
            '\'' if chars.get(i + 2) == Some(&'\'') => i += 3,
            '"' => {
                // Read as a plain string up to its closing quote (the UI's sources have no raw
                // strings, whose quotes inside would need more).
                let mut text = String::new();
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        text.push(chars[i]);
                        i += 1;
                    }
                    if let Some(c) = chars.get(i) {
                        text.push(*c);
                    }
                    i += 1;
                }
                i += 1;
                out.push(text);
            }
            _ => i += 1,
        }
    }
    out
}

#[test]
fn the_sources_use_exactly_the_keys_in_the_table() {
    // The page's sources, and the engine's, whose errors carry keys too.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![];
    for part in ["ui", "engine"] {
        let before = files.len();
        sources(&src.join(part), &mut files);
        assert!(files.len() - before > 10, "found only {} sources under src/{part}", files.len() - before);
    }
    // The figures a text's arguments are drawn with (`Arg::Bytes`, …) use the units' keys.
    files.push(src.join("i18n").join("units.rs"));
    files.sort();
    let table: BTreeSet<&str> = messages().map(|(k, ..)| *k).collect();
    let panels: BTreeSet<&str> = table.iter().filter_map(|k| k.split('.').next()).collect();
    // Every literal shaped like a key of one of the table's panels, and where it is.
    let mut used: BTreeMap<String, String> = BTreeMap::new();
    for file in &files {
        let Ok(source) = fs::read_to_string(file) else { panic!("cannot read {}", file.display()) };
        for literal in string_literals(&source) {
            let panel = literal.split('.').next().unwrap_or_default();
            // The engine uses only the errors' and the event log's keys, and the words of a
            // scenario's steps (it has literals such as `manifest.json`).
            let engine = file.components().any(|c| c.as_os_str() == "engine");
            if key_ok(&literal)
                && panels.contains(panel)
                && (!engine || ["errors", "events", "steps"].contains(&panel))
            {
                used.entry(literal).or_insert_with(|| file.display().to_string());
            }
        }
    }
    let missing: Vec<String> =
        used.iter().filter(|(k, _)| !table.contains(k.as_str())).map(|(k, f)| format!("{k} ({f})")).collect();
    assert!(missing.is_empty(), "keys used but not in the table:\n{}", missing.join("\n"));
    let unused: Vec<&str> = table.iter().copied().filter(|k| !used.contains_key(*k)).collect();
    assert!(unused.is_empty(), "keys in the table that no source uses:\n{}", unused.join("\n"));
}

#[test]
fn lookups_fill_and_pick() {
    assert_eq!(t(Lang::En, "lang.label"), "Language");
    assert_eq!(t(Lang::Nl, "lang.label"), "Taal");
    assert_eq!(t(Lang::Fr, "lang.label"), "Langue");
    // A key missing from the table reads as itself, never a panic.
    assert_eq!(t(Lang::Fr, "no.such_key"), "no.such_key");
    assert_eq!(tf(Lang::En, "tier.per_day", &["$0.167"]), "$0.167/day");
    assert_eq!(fill("{0} of {1}, {0} again, {2} left", &["a", "b"]), "a of b, a again, {2} left");
    assert_eq!(fill("{x} {} {", &["a"]), "{x} {} {");
    assert_eq!(tn(Lang::En, "unit.records", 1), "1 record");
    assert_eq!(tn(Lang::En, "unit.records", 0), "0 records");
    assert_eq!(tn(Lang::Nl, "unit.days", 2), "2 dagen");
    // French takes the singular for 0 and 1.
    assert_eq!(tn(Lang::Fr, "unit.days", 0), "0 jour");
    assert_eq!(tn(Lang::Fr, "unit.days", 2), "2 jours");
    // A count is grouped in every language, never shown as bare digits ("3021 records").
    assert_eq!(tn(Lang::En, "unit.records", 3021), "3,021 records");
    assert_eq!(tn(Lang::Nl, "unit.records", 3021), "3.021 records");
    assert_eq!(tn(Lang::Fr, "unit.records", 3021), "3\u{202f}021 enregistrements");
}

#[test]
fn languages_by_code_and_tag() {
    for lang in Lang::ALL {
        assert_eq!(Lang::from_tag(lang.code()), Some(lang));
    }
    assert_eq!(Lang::from_tag("nl-BE"), Some(Lang::Nl));
    assert_eq!(Lang::from_tag("fr_CA"), Some(Lang::Fr));
    assert_eq!(Lang::from_tag("EN-us"), Some(Lang::En));
    assert_eq!(Lang::from_tag("de-DE"), None);
    assert_eq!(Lang::from_tag(""), None);
    assert_eq!(
        Lang::ALL.map(Lang::native_name),
        ["English", "Nederlands", "Français"],
        "each language is named in itself"
    );
}

/// The page's notes (`src/i18n/notes.rs`) are drawn in the page's language with their arguments
/// filled, figures included; the English stays the English the page always showed.
#[test]
fn notes_render_in_each_language() {
    let records = Msg::new("unit.records", [Arg::Text("3".into())]).counted(3);
    let released = Msg::new("notes.released", [records.into(), Arg::Bytes(3_000), "00:10:00.000".into()]);
    let deleted = Msg::new(
        "notes.deleted_repository",
        [
            Arg::from("demo/app"),
            Msg::new("unit.manifests", [Arg::from("1")]).counted(1).into(),
            released.into(),
        ],
    );
    assert_eq!(
        deleted.text(Lang::En),
        "Deleted repository demo/app with 1 manifest. Billing stops now for 3 records (3,000 bytes); garbage \
         collection reclaims their space at 00:10:00.000."
    );
    assert_eq!(
        deleted.text(Lang::Nl),
        "Opslagplaats demo/app verwijderd met 1 manifest. De facturering stopt nu voor 3 records (3.000 bytes); \
         garbage collection geeft hun ruimte vrij om 00:10:00.000."
    );
    assert_eq!(
        deleted.text(Lang::Fr),
        "Référentiel demo/app supprimé avec 1 manifeste. La facturation s'arrête maintenant pour 3 \
         enregistrements (3\u{202f}000 octets) ; le ramasse-miettes récupère leur espace à 00:10:00.000."
    );
    // A duration in words, and a text that is only shown as it is.
    let moved = Msg::new(
        "notes.advanced",
        [Arg::Duration(600_000), "00:10:00.000".into(), Msg::key("notes.no_job_due").into()],
    );
    assert_eq!(moved.text(Lang::En), "Moved the clock forward 10 minutes to 00:10:00.000: no job was due.");
    assert_eq!(
        moved.text(Lang::Nl),
        "Klok 10 minuten vooruitgezet naar 00:10:00.000: er was geen taak aan de beurt."
    );
    assert_eq!(
        moved.text(Lang::Fr),
        "Horloge avancée de 10 minutes jusqu'à 00:10:00.000 : aucune tâche n'était due."
    );
    let plain = Msg::from("words from elsewhere");
    assert!(Lang::ALL.iter().all(|l| plain.text(*l) == "words from elsewhere"));
    // Every note reads differently in Dutch and French than in English once filled.
    let tier = Msg::new(
        "notes.tier_moved",
        [
            Arg::from("Premium"),
            Arg::Dollars(1_667_000, 3),
            Arg::RoundSize(500 << 30),
            Arg::RoundSize(40 << 40),
            Arg::Size(3_000),
            Arg::Dollars(1_667_212, 4),
        ],
    );
    let [en, nl, fr] = Lang::ALL.map(|l| tier.text(l));
    assert!(en.contains("$1.667 per day includes 500 GiB") && en.contains("2.9 KiB"), "{en}");
    assert!(nl.contains("$\u{a0}1,667") && nl.contains("2,9\u{a0}KiB"), "{nl}");
    assert!(fr.contains("1,667\u{a0}$") && fr.contains("40\u{a0}Tio") && fr.contains("2,9\u{a0}Kio"), "{fr}");
    assert!(en != nl && en != fr && nl != fr);
}
