//! Time to evaluate every policy of a region for one household (natively).
//! `cargo bench -p xiangqin-rules --bench evaluate`
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use xiangqin_rules::{rules, Facts};

/// A fully answered household: most conditions are decided, several quantifiers run.
const FULL: &str = r#"{
  "as_of": "2026-11-22", "region": "REGION", "county_exit_year": 2019,
  "household": {"poverty_status": "monitored", "monitor_type": "unstable_lifted", "returned_to_poverty": false,
    "dibao": true, "tekun": false, "low_income_family": false, "relocated": true, "relocation_site": "邓马营湖",
    "income_per_capita_yuan": 5200, "income_drop_sharp": true, "basic_living_hardship": true,
    "recent_shocks": ["illness"], "rigid_expense": {"medical": 30000, "education": 2000, "disaster": 0, "accident": 0},
    "housing_unsafe": false, "adobe_house": true, "water_unsafe": false, "toilet_unimproved": true,
    "livelihoods": ["grain", "livestock", "migrant_work"], "livestock_head": 12, "credit_need": "small", "poverty_assets": true},
  "members": [
    {"relation": "head", "age": 52, "can_work": "partial", "self_care": "full", "disability_kind": "none", "serious_illness": true,
     "chronic_disease": ["hypertension"], "school_stage": "none", "working_outside_county": false, "tied_to_home": true,
     "public_job": "none", "pension_insured": true, "pension_drawing": false, "medical_insured": true},
    {"relation": "spouse", "age": 49, "can_work": "full", "self_care": "full", "disability_grade": 2, "disability_kind": "physical",
     "serious_illness": false, "chronic_disease": [], "school_stage": "none", "working_outside_county": true,
     "public_job": "none", "pension_insured": false, "pension_drawing": false, "medical_insured": true},
    {"relation": "child", "age": 14, "can_work": "none", "self_care": "full", "disability_kind": "none", "serious_illness": false,
     "school_stage": "compulsory", "left_behind_child": true, "orphan": false, "medical_insured": true},
    {"relation": "parent", "age": 78, "can_work": "none", "self_care": "partial", "disability_kind": "none", "serious_illness": false,
     "school_stage": "none", "pension_drawing": true, "medical_insured": false}
  ]
}"#;

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
