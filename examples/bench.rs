//! Native throughput: `cargo run --release --example bench`.
use std::time::Instant;

fn main() {
    let t0 = Instant::now();
    let now = || t0.elapsed().as_secs_f64() * 1000.0;
    let figures = stowage::engine::bench::run(16 << 20, 5, &now);
    println!("native, 16 MiB buffer, best of 5 rounds");
    print!("{}", stowage::engine::bench::report(&figures));
}
