//! Browser throughput (ignored by default), in release:
//! `cargo test --release --target wasm32-unknown-unknown --test bench -- --include-ignored --nocapture`
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
#[ignore]
fn sealing_throughput_in_the_browser() {
    let perf = web_sys::window().and_then(|w| w.performance());
    let now = move || perf.as_ref().map_or(0.0, |p| p.now());
    let figures = stowage::engine::bench::run(16 << 20, 5, &now);
    console_log!(
        "wasm in Chrome, 16 MiB buffer, best of 5 rounds\n{}",
        stowage::engine::bench::report(&figures)
    );
}
