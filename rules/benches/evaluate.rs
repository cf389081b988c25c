//! Time to evaluate every policy of a region for one household (natively).
//! `cargo bench -p xiangqin-rules --bench evaluate`
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use xiangqin_rules::{rules, Facts};

/// A fully answered household: most conditions are decided, several quantifiers run. The same
/// household is timed in the browser by `bench/run load` (bench/load.mjs).
const FULL: &str = include_str!("../../bench/household-full.json");

fn bench(c: &mut Criterion) {
    let rules = rules();
    for region in [
        "qinghai",
        "longyan",
        "shaanxi",
        "inner_mongolia",
        "liangzhou",
    ] {
        let facts = Facts::from_json(&FULL.replace("REGION", region)).unwrap();
        c.bench_function(
            &format!("evaluate_all_policies/{region}/full_household"),
            |b| b.iter(|| rules.evaluate(black_box(&facts)).unwrap()),
        );
    }
    let unknown = Facts::from_json(r#"{"as_of": "2026-11-22", "region": "qinghai"}"#).unwrap();
    c.bench_function("evaluate_all_policies/qinghai/nothing_known", |b| {
        b.iter(|| rules.evaluate(black_box(&unknown)).unwrap())
    });
    let full = FULL.replace("REGION", "qinghai");
    c.bench_function("parse_facts/full_household", |b| {
        b.iter(|| Facts::from_json(black_box(&full)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
