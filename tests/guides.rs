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
