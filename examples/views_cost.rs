//! What the page's refresh costs on the large preset: `cargo run --release --example views_cost`.
//! Times every engine call `refresh` (src/ui/state.rs) makes, as the page makes it, then their
//! sum: one refresh. The charts' `metrics()` is read at most every 300 ms, outside refresh; it is
//! timed but not summed. Each figure is the best of 5 runs.
use std::time::Instant;

use stowage::engine::{Millis, Registry, RegistryOptions};

/// The page's limits (src/ui/state.rs).
const CATALOG_PAGE: u64 = 20;
const JOBS_SHOWN: usize = 3;
const JOB_KINDS_SCAN: usize = 5_000;
const RETENTION_SHOWN: usize = 100;
const SOFT_DELETED_SHOWN: usize = 100;

struct Timer {
    total: f64,
    rows: Vec<(String, f64, usize)>,
}

impl Timer {
    /// Best of 5 runs of `f` (which returns a size, printed so the work is not optimised away).
    fn time(&mut self, name: &str, summed: bool, f: &mut dyn FnMut() -> usize) {
        let mut best = f64::MAX;
        let mut n = 0;
        for _ in 0..5 {
            let t = Instant::now();
            n = f();
            best = best.min(t.elapsed().as_secs_f64() * 1000.0);
        }
        if summed {
            self.total += best;
        }
        self.rows.push((
            if summed { name.to_string() } else { format!("({name}, not in refresh)") },
            best,
            n,
        ));
    }
}

fn main() {
    let mut r = Registry::new(RegistryOptions::default()).expect("registry");
    let t = Instant::now();
    r.load_large_preset(100_000, 10).expect("preset");
    println!("load_large_preset(100_000, 10): {:.0} ms", t.elapsed().as_secs_f64() * 1000.0);
    // The oracle panel's report takes `&mut`; it is timed first, on its own.
    let mut timer = Timer { total: 0.0, rows: vec![] };
    timer.time("oracle_report (panel open)", true, &mut || r.oracle_report().pulls_ok as usize);
    let r = &r;
    timer.time("flipped_keys (journal walk)", true, &mut || r.flipped_keys().len());
    timer.time("catalog page (catalog_with_hidden + 20 repository_summary)", true, &mut || {
        let Ok(page) = r.catalog_with_hidden(Some(CATALOG_PAGE), None) else { return 0 };
        page.repositories.iter().filter(|name| r.repository_summary(name).is_ok()).count()
    });
    timer.time("now", true, &mut || r.now().0 as usize);
    timer.time("key_vault", true, &mut || r.key_vault().versions.len());
    timer.time("retention_view", true, &mut || r.retention_view(RETENTION_SHOWN).queued.len());
    timer.time("throttle_view", true, &mut || r.throttle_view().identities.len());
    timer.time("scale_target (tag_page of the first tagged repository)", true, &mut || {
        let Ok(page) = r.catalog_with_hidden(Some(1), None) else { return 0 };
        page.repositories.first().and_then(|n| r.tag_page(n, Some(1), None).ok()).map_or(0, |p| p.tags.len())
    });
    timer.time("pending_job_count", true, &mut || r.pending_job_count());
    timer.time("pending_job_counts", true, &mut || r.pending_job_counts().len());
    timer.time("next reclaims (pending_jobs, widening)", true, &mut || {
        let total = r.pending_job_count();
        let reclaims = r.pending_job_counts().iter().find(|k| k.0 == "reclaim").map_or(0, |k| k.1);
        if reclaims == 0 {
            return 0;
        }
        let wanted = reclaims.min(JOBS_SHOWN);
        let mut scan = 64;
        loop {
            let jobs = r.pending_jobs(scan.min(total));
            let found = jobs.iter().filter(|j| j.kind == "reclaim").take(wanted).count();
            if found == wanted || scan >= total.min(JOB_KINDS_SCAN) {
                return found;
            }
            scan *= 4;
        }
    });
    timer.time("faults", true, &mut || r.faults().len());
    timer.time("clients", true, &mut || r.clients().len());
    timer.time("replication_in_flight (in flight by link)", true, &mut || {
        r.replication_in_flight(usize::MAX).len()
    });
    timer.time("history_view", true, &mut || r.history_view().entries);
    timer.time("usage", true, &mut || r.usage().accounts.len());
    timer.time("tier", true, &mut || r.tier().included_bytes as usize);
    timer.time("cost", true, &mut || r.cost().billed_bytes as usize);
    timer.time("gc_delay + reclaim_at_if_released_now", true, &mut || {
        (r.gc_delay().0 + r.reclaim_at_if_released_now().0) as usize
    });
    timer.time("key_versions", true, &mut || r.key_versions().len());
    timer.time("last_event_seq", true, &mut || r.last_event_seq() as usize);
    timer.time("geo_storage", true, &mut || r.geo_storage().accounts.len());
    timer.time("replicas", true, &mut || r.replicas().len());
    timer.time("soft_delete_view", true, &mut || r.soft_delete_view(SOFT_DELETED_SHOWN).items.len());
    timer.time("features", true, &mut || r.features().webhooks.len());
    timer.time("scenario_view + next_frame_at", true, &mut || {
        usize::from(r.scenario_view().is_some()) + usize::from(r.next_frame_at().is_some())
    });
    timer.time("last_convergence", true, &mut || r.last_convergence().map_or(0, |m: Millis| m.0 as usize));
    timer.time("metrics (charts)", false, &mut || r.metrics().samples.len());
    // What the clock's ticks cost (not refresh): 30 ticks of 6 virtual seconds (×60).
    // A whole copy of the registry: what a time-travel checkpoint holds (the first tick
    // after the preset takes one), and what dropping one frees.
    let t = Instant::now();
    let copy = r.clone();
    let copy_ms = t.elapsed().as_secs_f64() * 1000.0;
    let t = Instant::now();
    drop(copy);
    let drop_ms = t.elapsed().as_secs_f64() * 1000.0;
    timer.rows.push(("(a whole copy of the registry, not in refresh)".into(), copy_ms, 1));
    timer.rows.push(("(dropping that copy, not in refresh)".into(), drop_ms, 1));
    let mut r = r.clone();
    let mut ticks: Vec<f64> = (0..30)
        .map(|_| {
            let t = Instant::now();
            r.run_for(Millis(6_000));
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    ticks.sort_by(f64::total_cmp);
    let (median, longest) = (ticks[ticks.len() / 2], ticks[ticks.len() - 1]);
    timer.rows.push(("(clock tick run_for(6 s): median, not in refresh)".into(), median, 30));
    timer.rows.push(("(clock tick run_for(6 s): longest, not in refresh)".into(), longest, 30));
    let width = timer.rows.iter().map(|(n, _, _)| n.len()).max().unwrap_or(0);
    for (name, ms, n) in &timer.rows {
        println!("{name:<width$}  {ms:>8.3} ms  ({n})");
    }
    println!("{:<width$}  {:>8.3} ms", "one refresh (sum)", timer.total);
}
