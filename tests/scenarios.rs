//! Every built-in scenario (www/scenarios/*.json) plays to its end natively, twice with the
//! same event-log hash, and meets the exact figures its `expect` block names.
#![cfg(not(target_arch = "wasm32"))]

use stowage::engine::{ErrorCode, Registry};

fn scenarios() -> Vec<(String, String)> {
    let mut out = vec![];
    for entry in std::fs::read_dir("www/scenarios").expect("www/scenarios") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "json") && !path.ends_with("index.json") {
            out.push((path.display().to_string(), std::fs::read_to_string(&path).expect("read")));
        }
    }
    out.sort();
    assert!(out.len() >= 8, "the built-in scenarios are there");
    out
}

#[test]
fn every_scenario_replays_to_the_same_hash_and_meets_its_expectations() {
    for (path, json) in scenarios() {
        let (_, a) = Registry::run_scenario(&json).unwrap_or_else(|e| panic!("{path}: {e}"));
        let (_, b) = Registry::run_scenario(&json).unwrap();
        assert_eq!(a.event_log_hash, b.event_log_hash, "{path} replays identically");
        let file: serde_json::Value = serde_json::from_str(&json).unwrap();
        let expect = &file["expect"];
        assert!(expect.is_object(), "{path} says what it expects");
        assert_eq!(expect["eventLogHash"].as_str(), Some(a.event_log_hash.as_str()), "{path}");
        let oracle = serde_json::to_value(&a.oracle).unwrap();
        for (key, want) in expect["oracle"].as_object().expect("oracle expectations") {
            assert_eq!(&oracle[key], want, "{path}: oracle {key}");
        }
        assert_eq!(a.oracle.wrong_bytes, 0, "{path}: never wrong bytes");
        if let Some(ms) = expect["convergedAfterMs"].as_u64() {
            let c = a.convergence.as_ref().expect("a convergence phase");
            assert_eq!((c.converged, c.after_ms.0), (true, ms), "{path}: convergence");
        }
        let results: Vec<&str> = a.steps.iter().map(|s| s.result.as_str()).collect();
        match expect["stepResults"].as_array() {
            Some(want) => {
                let want: Vec<&str> = want.iter().filter_map(|v| v.as_str()).collect();
                assert_eq!(results, want, "{path}: step results");
            }
            None => assert!(results.iter().all(|r| *r == "ok"), "{path}: every step applied: {results:?}"),
        }
    }
}

#[test]
fn a_broken_or_hostile_scenario_is_refused_with_a_clear_error() {
    let cases = [
        ("", "not valid"),
        ("{}", "missing field"),
        (r#"{"name":"x","steps":[{"atMs":5,"action":{"do":"teleport"}}]}"#, "unknown variant"),
        (r#"{"name":"x","steps":[],"bogus":1}"#, "unknown field"),
        (
            r#"{"name":"x","steps":[{"atMs":9,"action":{"do":"addReplica","region":"eastus"}},{"atMs":1,"action":{"do":"addReplica","region":"eastus2"}}]}"#,
            "before the step ahead of it",
        ),
        (
            r#"{"name":"x","steps":[{"atMs":0,"action":{"do":"workload","clients":["a"],"durationMs":600000000,"pushesPerMinute":1000}}]}"#,
            "at most 100,000 operations",
        ),
        (r#"{"name":"x","registry":{"tier":"Gold"},"steps":[]}"#, "Gold"),
    ];
    for (json, says) in cases {
        let e = Registry::run_scenario(json).err().unwrap_or_else(|| panic!("{json} was accepted"));
        assert_eq!(e.code, ErrorCode::InvalidArgument, "{json}");
        assert!(e.message.contains(says), "{json}: {}", e.message);
    }
    // A step that fails is recorded with the code a client saw; the run goes on.
    let json = r#"{"name":"x","steps":[{"atMs":0,"action":{"do":"addReplica","region":"eastus"}},{"atMs":1,"action":{"do":"pull","repo":"app","reference":"v1"}}]}"#;
    let (_, run) = Registry::run_scenario(json).unwrap();
    let results: Vec<&str> = run.steps.iter().map(|s| s.result.as_str()).collect();
    assert_eq!(results, ["REGISTRY_DISALLOWED_OPERATION", "NAME_UNKNOWN"]);
}

#[test]
fn the_page_s_scenario_index_lists_every_scenario_file_with_its_title() {
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("www/scenarios/index.json").expect("index"))
            .expect("json");
    // The title in every language the file gives it.
    // Every file once, in the index's own order (the start screen's: the tour, then the pain
    // points; small.test.mjs checks it), compared here by name.
    let mut listed: Vec<(String, serde_json::Value)> = index["scenarios"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|s| (s["file"].as_str().unwrap_or("").to_string(), s["title"].clone()))
        .collect();
    let mut files = vec![];
    for (path, json) in scenarios() {
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let file = path.rsplit('/').next().unwrap_or("").to_string();
        assert!(v["title"]["en"].as_str().is_some_and(|t| !t.is_empty()), "{file} has a title");
        files.push((file, v["title"].clone()));
    }
    listed.sort_by(|a, b| a.0.cmp(&b.0));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(listed, files);
}
