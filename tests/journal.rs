//! The session log (issue #5, "Keeping state" and "Time travel"): replaying what a person did
//! reaches the same state hash; a saved session survives a round trip and refuses damage;
//! the registry can be shown at any earlier virtual time and brought back; acting in the past
//! forks a new future and drops the old one.
#![cfg(not(target_arch = "wasm32"))]

use stowage::engine::journal::{Command, Context};
use stowage::engine::{ErrorCode, FaultKind, LayerInput, Millis, Registry};

mod common;
use common::{file, premium};

/// A session that touches most of the engine: images, clients routed across replicas, a
/// fault and its heal, retention, a revoked and restored key, and the clock run between.
fn session() -> (Registry, Vec<(Millis, String)>) {
    let mut r = premium("westeurope");
    let mut marks = vec![];
    let mut mark = |r: &mut Registry| marks.push((r.now(), r.event_log_hash()));
    // A mark is taken once everything done at a virtual time is done (just before the clock
    // moves): that is the state the scrubber shows for that time.
    r.push_image("app", "v1", file("first")).unwrap();
    r.add_replica("eastus").unwrap();
    r.add_client("virginia", "eastus", false, None).unwrap();
    r.run_for(Millis::MINUTE);
    r.with_client("virginia", |r| r.pull_manifest("app", "v1")).unwrap();
    r.client_push_image(
        "virginia",
        "web",
        "v1",
        vec![
            LayerInput::Synthetic { size_bytes: 4096, seed: Some(3) },
            LayerInput::File { name: "index.html".into(), bytes: b"<h1>hi</h1>".to_vec() },
        ],
    )
    .unwrap();
    let f = r
        .inject_fault(
            FaultKind::NetworkPartition { from: "westeurope".into(), to: "eastus".into(), one_way: false },
            Millis(0),
            None,
        )
        .unwrap();
    r.push_image("app", "v2", file("second")).unwrap();
    mark(&mut r);
    r.run_for(Millis::MINUTE);
    r.heal_fault(f.id).unwrap();
    r.set_retention_policy(true, Some(1)).unwrap();
    r.untag("app", "v1").unwrap();
    let _ = r.delete_manifest("app", "nope");
    mark(&mut r);
    r.run_for(Millis::HOUR);
    mark(&mut r);
    r.step();
    r.step();
    r.run_for(Millis::DAY);
    mark(&mut r);
    (r, marks)
}

#[test]
fn replaying_the_log_reaches_the_same_state_hash() {
    let (r, _) = session();
    let j = r.journal();
    // Clock moves in a row are one entry; calls inside with_client carry the client.
    assert!(j.entries.iter().any(|e| e.context == vec![Context::Client("virginia".into())]
        && e.commands.len() == 1
        && matches!(e.commands[0], Command::PullManifest { .. })));
    assert!(j.entries.iter().any(|e| e.commands == vec![Command::Step { n: 2 }]));
    // The refused delete is not in the log: it was refused before it changed anything.
    assert!(
        !j.entries.iter().any(
            |e| matches!(&e.commands[0], Command::DeleteManifest { reference, .. } if reference == "nope")
        )
    );
    let again = Registry::replay(j).unwrap();
    assert_eq!(again.event_log_hash(), r.event_log_hash());
    assert_eq!(again.now(), r.now());
    assert_eq!(again.journal(), j, "the replay's own log is the same log");
}

#[test]
fn a_saved_session_round_trips_and_refuses_damage() {
    let (r, _) = session();
    let text = r.save_session().unwrap();
    let back = Registry::load_session(&text).unwrap();
    assert_eq!(back.event_log_hash(), r.event_log_hash());
    // The uploaded bytes travel with it, by digest, and are checked.
    let html = stowage::engine::Digest::of(b"<h1>hi</h1>").to_string();
    assert!(text.contains(&html));
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["blobs"][&html] = serde_json::Value::String("PGgxPmhvPC9oMT4=".into());
    let e = Registry::load_session(&v.to_string()).map(|_| ()).unwrap_err();
    assert_eq!(e.code, ErrorCode::DigestInvalid);
    assert!(e.message.contains("the session is damaged"), "{}", e.message);
    // A newer format, a wrong hash, garbage: each refused with its reason.
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["format"] = 99.into();
    let e = Registry::load_session(&v.to_string()).map(|_| ()).unwrap_err();
    assert!(e.message.contains("newer than this page understands"), "{}", e.message);
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["stateHash"] = "00".repeat(32).into();
    let e = Registry::load_session(&v.to_string()).map(|_| ()).unwrap_err();
    assert!(e.message.contains("replays to a different state"), "{}", e.message);
    for junk in ["", "{", "[]", "{\"kind\":\"stowage-session\"}", &text[..text.len() / 2]] {
        let e = Registry::load_session(junk).map(|_| ()).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidArgument, "{junk:.40}");
    }
}

#[test]
fn a_scenario_session_replays_from_its_scenario() {
    let json = std::fs::read_to_string("www/scenarios/split-replica-push.json").unwrap();
    let mut r = Registry::load_scenario(&json).unwrap();
    r.run_for(Millis(180_000));
    r.run_until_idle();
    let back = Registry::load_session(&r.save_session().unwrap()).unwrap();
    assert_eq!(back.event_log_hash(), r.event_log_hash());
}

#[test]
fn travelling_back_shows_the_state_at_that_time_and_forward_again_the_end() {
    let (mut r, marks) = session();
    let end = (r.now(), r.event_log_hash());
    for (at, hash) in marks.iter().rev() {
        let view = r.travel_to(*at).unwrap();
        assert!(view.in_past || *at == end.0, "{view:?}");
        assert_eq!(view.present_ms, end.0);
        assert_eq!((r.now(), r.event_log_hash()), (*at, hash.clone()), "at {at}");
    }
    // Halfway through a clock move: the same state as running the clock only that far.
    r.travel_to(marks[2].0).unwrap();
    let mut direct = Registry::replay(r.journal()).unwrap();
    direct.run_for(Millis(1_800_000));
    r.travel_to(Millis(marks[2].0.0 + 1_800_000)).unwrap();
    assert_eq!((r.now(), r.event_log_hash()), (direct.now(), direct.event_log_hash()));
    let view = r.return_to_present().unwrap();
    assert!(!view.in_past);
    assert_eq!((r.now(), r.event_log_hash()), end);
}

#[test]
fn acting_in_the_past_forks_a_new_future_and_says_what_it_dropped() {
    let (mut r, marks) = session();
    let entries = r.journal().entries.len();
    r.travel_to(marks[1].0).unwrap();
    let kept = r.journal().entries.len();
    assert!(kept < entries);
    r.push_image("app", "what-if", file("another future")).unwrap();
    let view = r.history_view();
    assert!(!view.in_past);
    let fork = view.fork.expect("a fork");
    assert_eq!(fork.at_ms, marks[1].0);
    assert_eq!(fork.dropped_entries, entries - kept);
    assert_eq!(r.journal().entries.len(), kept + 1);
    // The new future is a session like any other: it replays to the same state.
    assert_eq!(Registry::replay(r.journal()).unwrap().event_log_hash(), r.event_log_hash());
    assert!(r.pull_manifest("app", "what-if").is_ok());
}

#[test]
fn stepping_back_goes_to_the_last_event_before_now() {
    let (mut r, _) = session();
    let before: Vec<Millis> = r.events().map(|e| e.at_ms).collect();
    let last = *before.last().unwrap();
    let previous = before.iter().rev().find(|at| **at < r.now()).copied().unwrap();
    assert_eq!(previous, last, "the day's run ended after the last event");
    let view = r.step_back().unwrap();
    assert_eq!((view.now_ms, view.in_past), (last, true));
    let earlier = r.events().map(|e| e.at_ms).filter(|at| *at < last).max().unwrap();
    r.step_back().unwrap();
    assert_eq!(r.now(), earlier);
}

#[test]
fn stepping_back_over_a_call_that_moved_the_clock_goes_to_just_before_it() {
    // In this story the first push (a job at 1 s) takes 15 s to upload, and the second push,
    // due meanwhile, runs inside it: no state between 1 s and 16 s can be rebuilt, so a step
    // back from the end of the upload lands just before the push started.
    let json = std::fs::read_to_string("www/scenarios/untag-frees-nothing.json").unwrap();
    let mut r = Registry::load_scenario(&json).unwrap();
    r.run_for(Millis(60_000));
    let mut times = vec![];
    while r.now() > Millis(0) && times.len() < 50 {
        times.push(r.step_back().unwrap().now_ms.0);
    }
    assert_eq!(times, [16_001, 999, 0]);
    assert!(r.catalog_with_hidden(None, None).unwrap().repositories.is_empty());
    // A push made directly (not by a scenario) that takes the clock on: back to before it.
    let mut r = premium("westeurope");
    r.push_image("big", "v1", vec![LayerInput::Synthetic { size_bytes: 500_000_000, seed: Some(1) }])
        .unwrap();
    let after = r.now();
    assert!(after > Millis(5_000), "the upload took virtual time: {after}");
    r.step_back().unwrap();
    assert_eq!(r.now(), Millis(0));
    assert!(r.catalog_with_hidden(None, None).unwrap().repositories.is_empty());
    r.return_to_present().unwrap();
    assert_eq!(r.now(), after);
}

#[test]
fn stepping_forward_in_the_past_follows_the_old_run_and_never_forks() {
    let (mut r, marks) = session();
    let (present, hash, entries) = (r.now(), r.event_log_hash(), r.journal().entries.len());
    let event_times: std::collections::BTreeSet<Millis> = r.events().map(|e| e.at_ms).collect();
    r.travel_to(Millis(0)).unwrap();
    let mut seen = vec![(r.now(), r.event_log_hash())];
    while r.history_view().in_past && seen.len() < 10_000 {
        let view = r.step_forward().unwrap();
        let last = seen.last().unwrap().clone();
        assert!(view.now_ms >= last.0, "each step goes forward: {seen:?} then {view:?}");
        assert_eq!(view.fork, None, "stepping forward is not a change");
        assert_eq!(view.entries, entries, "the old run is kept whole");
        seen.push((view.now_ms, r.event_log_hash()));
    }
    assert_eq!(seen.last().unwrap(), &(present, hash.clone()), "the last step is the present");
    assert_eq!(r.journal().entries.len(), entries);
    // Every state the scrubber shows at an event's time is met on the way, so stepping forward
    // skips nothing that happened.
    for t in event_times.iter().chain(marks.iter().map(|(t, _)| t)) {
        let mut direct = r.clone();
        direct.travel_to(*t).unwrap();
        let state = direct.event_log_hash();
        assert!(seen.iter().any(|(_, h)| *h == state), "the state shown at {t} is met stepping forward");
    }
    assert!(seen.len() > 6, "the run has more moments than its marks: {seen:?}");
    // At the present it does nothing.
    assert_eq!(r.step_forward().unwrap().now_ms, present);
    assert_eq!(r.event_log_hash(), hash);
}

#[test]
fn step_back_then_forward_returns_to_the_same_states() {
    let (mut r, _) = session();
    let mut back = vec![(r.now(), r.event_log_hash())];
    for _ in 0..6 {
        r.step_back().unwrap();
        back.push((r.now(), r.event_log_hash()));
    }
    // Forward again from the earliest: every state stepped back through is met on the way.
    let mut forward = vec![(r.now(), r.event_log_hash())];
    while r.history_view().in_past {
        r.step_forward().unwrap();
        forward.push((r.now(), r.event_log_hash()));
    }
    for state in &back {
        assert!(forward.contains(state), "{state:?} is met stepping forward: {forward:?}");
    }
}

#[test]
fn a_session_kept_as_a_text_and_parts_replays_whole_and_refuses_a_gap() {
    let mut r = premium("westeurope");
    r.push_image("app", "v1", file("first")).unwrap();
    let (text, mut mark) = r.save_session_marked().unwrap();
    let mut parts = vec![];
    let part = |r: &Registry, mark: &mut _| {
        let (p, next) = r.session_part(mark).unwrap().expect("a part says it");
        *mark = next;
        p
    };
    // New entries, a clock move that grows after it was saved, new uploaded bytes.
    r.run_for(Millis::MINUTE);
    parts.push(part(&r, &mut mark));
    r.run_for(Millis::MINUTE);
    let grown = part(&r, &mut mark);
    assert!(grown.contains("\"from\":1"), "the grown clock move is said again: {grown}");
    parts.push(grown);
    r.push_image("app", "v2", file("second, uploaded later")).unwrap();
    r.set_retention_policy(true, Some(1)).unwrap();
    parts.push(part(&r, &mut mark));
    // Nothing changed: a part with nothing in it but the state.
    parts.push(part(&r, &mut mark));
    let mut whole = Registry::load_session_parts(&text, &parts).unwrap();
    assert_eq!((whole.now(), whole.event_log_hash()), (r.now(), r.event_log_hash()));
    assert!(whole.pull_manifest("app", "v2").is_ok(), "the bytes uploaded later came with their part");
    // A part is small: it carries what changed, not the session again.
    let full = r.save_session().unwrap();
    assert!(parts[2].len() < full.len() - text.len() / 2, "{} vs {}", parts[2].len(), full.len());

    // Looking at the past, the whole run is kept, and the registry opens where it was looked at.
    let present = (r.now(), r.event_log_hash());
    r.travel_to(Millis(30_000)).unwrap();
    parts.push(part(&r, &mut mark));
    let reopened = Registry::load_session_parts(&text, &parts).unwrap();
    let view = reopened.history_view();
    assert_eq!((view.now_ms, view.present_ms, view.in_past), (Millis(30_000), present.0, true));
    let mut back = reopened.clone();
    back.return_to_present().unwrap();
    assert_eq!((back.now(), back.event_log_hash()), present, "nothing of the later run was lost");
    // The same through a whole save while in the past.
    let again = Registry::load_session(&r.save_session().unwrap()).unwrap();
    assert_eq!(again.history_view(), view);

    // A fork: a part cannot say it.
    r.push_image("app", "what-if", file("another future")).unwrap();
    assert!(r.session_part(&mark).unwrap().is_none(), "after a fork the session is saved whole");

    // A part missing in the middle, or damaged, is refused whole.
    let gap = [parts[0].clone(), parts[2].clone()];
    let e = Registry::load_session_parts(&text, &gap[1..]).err().expect("refused");
    assert!(e.message.contains("a part is missing"), "{}", e.message);
    let e = Registry::load_session_parts(&text, &[parts[0].replace("stowage-session-part", "other")])
        .err()
        .expect("refused");
    assert_eq!(e.code, ErrorCode::InvalidArgument);
    let e = Registry::load_session_parts(&text, &gap).err().expect("refused");
    assert!(e.message.contains("replays to a different state"), "{}", e.message);
}

#[test]
fn a_session_restored_a_slice_at_a_time_is_the_session_loaded_whole() {
    // A large preset (its repositories filled a slice at a time, as the page loads it) and calls
    // after it.
    let mut r = premium("westeurope");
    r.load_large_preset(200, 3).unwrap();
    r.push_image("app", "v1", file("after the preset")).unwrap();
    r.run_for(Millis::MINUTE);
    r.untag("preset-00017", "v1").ok();
    r.travel_to(Millis(1)).unwrap();
    let text = r.save_session().unwrap();
    let whole = Registry::load_session(&text).unwrap();
    let entries = r.save_session().unwrap().matches("\"atMs\"").count();
    let mut restore = Registry::begin_restore(&text, &[]).unwrap();
    let (mut slices, mut last) = (0, (0, 0));
    let restored = loop {
        slices += 1;
        assert!(slices < 10_000, "it ends");
        if let Some(done) = restore.advance(2, 20).unwrap() {
            break done;
        }
        let now = restore.progress();
        assert!(now.0 >= last.0 && now.1 == entries, "{now:?} after {last:?} of {entries}");
        last = now;
    };
    assert!(slices > 200 / 20, "the preset took several slices: {slices}");
    assert_eq!(restored.event_log_hash(), whole.event_log_hash());
    assert_eq!(restored.history_view(), whole.history_view(), "opened where it was looked at");
    assert_eq!(restored.journal(), whole.journal());
    // A damaged session (another state hash) is refused at the end, as loading it whole is.
    let hash = r.save_session().unwrap().split("\"stateHash\":\"").nth(1).unwrap()[..64].to_string();
    let damaged = text.replace(&hash, &"0".repeat(64));
    assert_ne!(damaged, text);
    let mut restore = Registry::begin_restore(&damaged, &[]).unwrap();
    let e = loop {
        match restore.advance(1_000, u32::MAX) {
            Ok(Some(_)) => panic!("a damaged session restored"),
            Ok(None) => {}
            Err(e) => break e,
        }
    };
    assert!(e.message.contains("replays to a different state"), "{}", e.message);
}

/// A long clock move, or "Next job" pressed many times, is one entry (moves merge) but may
/// run thousands of jobs: a restore replays it a few jobs per call, so a page can paint between calls, and reaches exactly the
/// same registry, its log included.
#[test]
fn a_long_clock_move_is_replayed_in_pieces_to_the_same_registry() {
    let json = include_str!("../www/scenarios/split-replica-push.json");
    let mut r = Registry::load_scenario(json).unwrap();
    r.run_for(Millis(3 * 60 * 60 * 1000));
    // "Next job" pressed again and again: one entry too.
    for _ in 0..300 {
        r.step();
    }
    assert!(matches!(r.journal().entries.last().unwrap().commands.as_slice(), [Command::Step { n: 300 }]));
    r.run_for(Millis(3 * 60 * 60 * 1000));
    let saved = r.save_session().unwrap();
    let entries = r.journal().entries.len();
    let mut restore = Registry::begin_restore(&saved, &[]).unwrap();
    let mut calls = 0;
    let back = loop {
        calls += 1;
        if let Some(back) = restore.advance(1, 1).unwrap() {
            break back;
        }
    };
    assert!(calls > entries + 10, "the move was replayed in pieces: {calls} calls for {entries} entries");
    assert_eq!(back.event_log_hash(), r.event_log_hash());
    assert_eq!(back.now(), r.now());
    assert_eq!(back.save_session().unwrap(), saved, "the log replayed is the log saved");
}
