//! Guided scenarios (issue #5): each story's frames are reached one "continue" at a time,
//! "back" shows the registry exactly as it was at the frame before, and following the story
//! to its end gives the same run as playing the scenario straight through.
#![cfg(not(target_arch = "wasm32"))]

use stowage::engine::{Millis, Registry, Scenario};

fn guided() -> Vec<(String, String)> {
    let mut out = vec![];
    for entry in std::fs::read_dir("www/scenarios").expect("www/scenarios") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") && !path.ends_with("index.json") {
            let json = std::fs::read_to_string(&path).expect("read");
            if Scenario::parse(&json).is_ok_and(|s| !s.guide.is_empty()) {
                out.push((path.display().to_string(), json));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_guide_can_be_followed_frame_by_frame_and_stepped_back() {
    let all = guided();
    assert!(!all.is_empty());
    for (path, json) in all {
        let scenario = Scenario::parse(&json).unwrap();
        let mut r = Registry::load_scenario(&json).unwrap();
        let mut seen = vec![];
        if r.guide_frame().is_some() {
            seen.push((r.now(), r.event_log_hash()));
        }
        while r.next_frame_at().is_some() {
            let frame = r.guide_continue().unwrap_or_else(|e| panic!("{path}: {e}"));
            assert_eq!(frame, Some(seen.len()), "{path}: frames in order");
            assert_eq!(r.now(), Millis(scenario.guide[seen.len()].at_ms), "{path}");
            seen.push((r.now(), r.event_log_hash()));
        }
        assert_eq!(seen.len(), scenario.guide.len(), "{path}: every frame reached");
        assert!(r.guide_continue().is_err(), "{path}: the story ends in the sandbox");
        // Back, frame by frame, to the first: each as it was.
        for i in (0..seen.len() - 1).rev() {
            assert_eq!(r.guide_back().unwrap(), Some(i), "{path}");
            assert_eq!((r.now(), r.event_log_hash()), seen[i], "{path}: frame {i} as it was");
        }
        // Forward again to the end of the story, then the rest of the scenario: the same run
        // as playing it straight through.
        while r.next_frame_at().is_some() {
            r.guide_continue().unwrap();
        }
        match scenario.run_until_ms {
            Some(until) => {
                r.run_for(Millis(until.saturating_sub(r.now().0)));
            }
            None => {
                r.run_until_idle();
            }
        }
        r.play_convergence_phase();
        let (_, straight) = Registry::run_scenario(&json).unwrap();
        assert_eq!(
            r.event_log_hash(),
            straight.event_log_hash,
            "{path}: following the story changes nothing"
        );
    }
}

#[test]
fn the_thirteen_guided_scenarios_are_there() {
    let names: Vec<String> =
        guided().into_iter().map(|(path, _)| path.rsplit('/').next().unwrap_or("").to_string()).collect();
    assert_eq!(
        names,
        [
            "catalog-truncated.json",
            "delete-is-permanent.json",
            "keep-last-n.json",
            "key-revoked.json",
            "locks-break-cleanup.json",
            "per-repository-storage.json",
            "replication-lag.json",
            "retention-surprises.json",
            "scale-out-429.json",
            "slow-new-replica.json",
            "split-push-guided.json",
            "tour.json",
            "untag-frees-nothing.json",
        ]
    );
}

/// Every built-in scenario file, by path, as JSON (the list of scenarios aside).
fn every_scenario() -> Vec<(String, serde_json::Value)> {
    let mut out = vec![];
    for entry in std::fs::read_dir("www/scenarios").expect("www/scenarios") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") && !path.ends_with("index.json") {
            let json = std::fs::read_to_string(&path).expect("read");
            out.push((path.display().to_string(), serde_json::from_str(&json).expect("json")));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The runs of digits in `text`, sorted: the figures a translation must keep (`10,000` is
/// `10.000` in Dutch and `10 000` in French, the same runs).
fn figures(text: &str) -> Vec<&str> {
    let mut runs: Vec<&str> = text.split(|c: char| !c.is_ascii_digit()).filter(|r| !r.is_empty()).collect();
    runs.sort_unstable();
    runs
}

/// Checks one text a scenario file shows the reader: English, Dutch and French, each written
/// out, the translations not left in English (a bare name may stay as it is), with the same
/// figures in all three.
fn check_translated(path: &str, what: &str, v: &serde_json::Value) -> usize {
    let Some(m) = v.as_object() else { panic!("{path}: {what} is not translated: {v}") };
    let keys: Vec<&str> = m.keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 3, "{path}: {what} has {keys:?}, not en, nl and fr");
    let text = |lang: &str| -> &str {
        let t =
            m.get(lang).and_then(|t| t.as_str()).unwrap_or_else(|| panic!("{path}: {what} has no {lang}"));
        assert!(!t.trim().is_empty(), "{path}: {what} in {lang} is empty");
        assert_eq!(t, t.trim(), "{path}: {what} in {lang} has spaces around it");
        t
    };
    let en = text("en");
    for lang in ["nl", "fr"] {
        let t = text(lang);
        assert!(t != en || !en.contains(' '), "{path}: {what} in {lang} is still the English: {t}");
        assert_eq!(
            figures(t),
            figures(en),
            "{path}: {what} in {lang} has other figures than in English:\n{en}\n{t}"
        );
    }
    3
}

#[test]
fn every_scenario_is_written_in_english_dutch_and_french() {
    let mut texts = 0;
    for (path, v) in every_scenario() {
        texts += check_translated(&path, "the title", &v["title"]);
        texts += check_translated(&path, "the description", &v["description"]);
        for (i, step) in v["steps"].as_array().expect("steps").iter().enumerate() {
            if let Some(note) = step.get("note") {
                texts += check_translated(&path, &format!("step {}'s note", i + 1), note);
            }
        }
        for (i, frame) in v["guide"].as_array().map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
            texts += check_translated(&path, &format!("frame {}'s title", i + 1), &frame["title"]);
            texts += check_translated(&path, &format!("frame {}'s text", i + 1), &frame["text"]);
        }
        // The engine reads each text in each language (and English where it always did).
        let json = serde_json::to_string(&v).unwrap();
        let s = Scenario::parse(&json).unwrap_or_else(|e| panic!("{path}: {e}"));
        for lang in ["en", "nl", "fr"] {
            assert_eq!(s.title.get(lang), v["title"][lang].as_str().unwrap(), "{path}");
            assert_eq!(s.description.get(lang), v["description"][lang].as_str().unwrap(), "{path}");
        }
        let r = Registry::load_scenario(&json).unwrap();
        let view = r.scenario_view().unwrap();
        assert_eq!(view.title, v["title"]["en"].as_str().unwrap(), "{path}: the JS API's title is English");
        assert_eq!(view.description, v["description"]["en"].as_str().unwrap(), "{path}");
    }
    assert!(texts >= 3 * 250, "every text counted: {texts}");
}

#[test]
fn scenario_texts_in_other_languages_are_refused() {
    let ok = r#"{"name":"x","title":{"en":"T","nl":"T nl"},"description":"D","steps":[{"atMs":0,"action":{"do":"addReplica","region":"eastus"},"note":{"en":"n","fr":"n fr"}}]}"#;
    let s = Scenario::parse(ok).unwrap();
    assert_eq!((s.title.get("nl"), s.title.get("fr"), s.description.get("nl")), ("T nl", "T", "D"));
    let cases = [
        (r#"{"name":"x","title":{"nl":"T"},"steps":[]}"#, "title and description"),
        (r#"{"name":"x","description":{"en":"D","de":"D"},"steps":[]}"#, "title and description"),
        (
            r#"{"name":"x","steps":[{"atMs":0,"action":{"do":"addReplica","region":"eastus"},"note":{"en":"n","es":"n"}}]}"#,
            "step 1's note",
        ),
    ];
    for (json, says) in cases {
        let e = Scenario::parse(json).err().unwrap_or_else(|| panic!("{json} was accepted"));
        assert!(e.message.contains(says), "{json}: {}", e.message);
    }
}
