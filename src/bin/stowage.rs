//! The native scenario runner: `cargo run --release --bin stowage -- run www/scenarios/X.json`
//! plays a scenario to its end and prints each step's outcome, the oracle's report and the
//! event-log hash (the browser reaches the same hash). `--events` prints the event log too;
//! `--json` prints the run as JSON instead of the report.

use std::process::ExitCode;

use stowage::engine::Registry;

fn usage() -> ExitCode {
    eprintln!("usage: stowage run SCENARIO.json [--events | --json]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some("run"), Some(path)) = (args.first().map(String::as_str), args.get(1)) else { return usage() };
    let events = args.iter().any(|a| a == "--events");
    let json = match std::fs::read_to_string(path) {
        Ok(json) => json,
        Err(e) => {
            eprintln!("stowage: cannot read {path}: {e}");
            return ExitCode::from(1);
        }
    };
    let (registry, run) = match Registry::run_scenario(&json) {
        Ok(out) => out,
        Err(e) => {
            eprintln!("stowage: {path}: {e}");
            return ExitCode::from(1);
        }
    };
    if args.iter().any(|a| a == "--json") {
        return match serde_json::to_string_pretty(&run) {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("stowage: {e}");
                ExitCode::from(1)
            }
        };
    }
    println!("scenario {}", run.name);
    for step in &run.steps {
        let detail = step.detail.as_deref().map_or(String::new(), |d| format!(" ({d})"));
        println!("  {:>12} ms  {:<48} {}{detail}", step.at_ms.0, step.action, step.result);
    }
    if events {
        for e in registry.events() {
            println!("  event {:>6} {:>12} ms  {:<14} {}", e.seq, e.at_ms.0, e.region, e.text);
        }
    }
    let o = &run.oracle;
    println!(
        "oracle: pushes ok {} failed {:?}; pulls ok {} failed {:?}; stale pulls {}; wrong bytes {}; acknowledged {}, lost {}, unavailable {}",
        o.pushes_ok,
        o.pushes_failed,
        o.pulls_ok,
        o.pulls_failed,
        o.stale_pulls,
        o.wrong_bytes,
        o.acknowledged,
        o.lost_acknowledged,
        o.unavailable_acknowledged
    );
    for region in &o.regions {
        println!(
            "  {:<16} readable {:>5}  stale {:>4}  unavailable {:>4}  lost {:>4}  stale deletes {:>3}",
            region.region,
            region.readable,
            region.stale,
            region.unavailable,
            region.lost,
            region.stale_deletes
        );
    }
    if let Some(c) = &run.convergence {
        match &c.detail {
            None => println!(
                "converged: every replica held the same content {} ms after every fault healed",
                c.after_ms.0
            ),
            Some(why) => println!("did not converge: {why}"),
        }
    }
    println!("virtual time {} ms, {} events", run.now_ms.0, run.events);
    println!("event log hash {}", run.event_log_hash);
    ExitCode::SUCCESS
}
