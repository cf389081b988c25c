//! Entry point: mounts the app. Everything else lives in the library (`lib.rs`).
use wasm_bindgen::prelude::wasm_bindgen;

fn main() {
    console_error_panic_hook::set_once();
    xiangqin::mount();
}

/// For `bench/run load` (bench/load.mjs), through Trunk's `window.wasmBindings`: evaluates every
/// policy for the household `facts_json` in `batches` batches of `per_batch` evaluations and
/// returns the median time of one evaluation in microseconds, measured in this browser.
#[wasm_bindgen]
pub fn bench_rules(facts_json: &str, batches: u32, per_batch: u32) -> Result<f64, String> {
    // Through a JSON value, as the app builds its facts (Answers::facts): no parser of its own.
    let value = serde_json::from_str(facts_json).map_err(|e| e.to_string())?;
    let facts = xiangqin_rules::Facts::from_value(value).map_err(|e| e.to_string())?;
    let rules = xiangqin_rules::rules();
    let performance = web_sys::window()
        .and_then(|w| w.performance())
        .ok_or("no performance clock")?;
    let mut times = Vec::with_capacity(batches as usize);
    for _ in 0..batches.max(1) {
        let start = performance.now();
        for _ in 0..per_batch.max(1) {
            let evaluation = rules.evaluate(&facts).map_err(|e| e.to_string())?;
            std::hint::black_box(evaluation);
        }
        times.push((performance.now() - start) * 1000.0 / f64::from(per_batch.max(1)));
    }
    times.sort_by(f64::total_cmp);
    Ok(times[times.len() / 2])
}
