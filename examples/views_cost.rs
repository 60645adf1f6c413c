//! What the page's refresh costs on the large preset: `cargo run --release --example views_cost`.
use std::time::Instant;

use stowage::engine::{Registry, RegistryOptions};

fn main() {
    let mut r = Registry::new(RegistryOptions::default()).expect("registry");
    r.load_large_preset(100_000, 10).expect("preset");
    let time = |name: &str, f: &mut dyn FnMut() -> usize| {
        let mut best = f64::MAX;
        let mut n = 0;
        for _ in 0..5 {
            let t = Instant::now();
            n = f();
            best = best.min(t.elapsed().as_secs_f64() * 1000.0);
        }
        println!("{name}: {best:.3} ms ({n})");
    };
    time("soft_delete_view", &mut || r.soft_delete_view(20).items.len());
    time("replicas", &mut || r.replicas().len());
    time("usage", &mut || r.usage().accounts.len());
    time("catalog page", &mut || {
        r.catalog_with_hidden(Some(20), None).map(|p| p.repositories.len()).unwrap_or(0)
    });
}
