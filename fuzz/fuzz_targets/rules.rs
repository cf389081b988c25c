//! Rules evaluation: any facts the parser accepts, evaluated for every region, then the next
//! question; must never panic. Also checks "unknown is never no" on the top-level household
//! facts: forgetting one never turns a policy into not-applicable or into applies.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::collections::{BTreeMap, BTreeSet};
use xiangqin_rules::questions::next_question;
use xiangqin_rules::{rules, Facts, Region, Status};

fn statuses(facts: &Facts) -> BTreeMap<String, Status> {
    rules()
        .evaluate(facts)
        .expect("region and date are set")
        .results
        .into_iter()
        .map(|r| (r.id, r.status))
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut facts) = Facts::from_json(text) else {
        return;
    };
    let _ = rules().evaluate(&facts);
    let as_of = facts
        .as_of
        .unwrap_or_else(|| chrono::NaiveDate::from_ymd_opt(2025, 6, 1).unwrap());
    facts.as_of = Some(as_of);
    let regions: Vec<Region> = match facts.region {
        Some(r) => vec![r],
        None => Region::ALL.to_vec(),
    };
    for region in regions {
        facts.region = Some(region);
        let evaluation = rules().evaluate(&facts).expect("region and date are set");
        for r in &evaluation.results {
            assert!(!r.reasons.is_empty(), "{}: no reason", r.id);
        }
        let _ = next_question(&facts, &evaluation, &BTreeSet::new());
        let skipped: BTreeSet<String> = evaluation
            .results
            .iter()
            .flat_map(|r| r.missing_facts.iter().cloned())
            .take(3)
            .collect();
        let _ = next_question(&facts, &evaluation, &skipped);

        // Unknown is never no: forget each top-level household fact and each whole member list.
        let before = statuses(&facts);
        let value = serde_json::to_value(&facts).expect("facts serialize");
        let keys: Vec<String> = value["household"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        let mut variants = Vec::new();
        for k in keys {
            let mut less = value.clone();
            less["household"].as_object_mut().unwrap().remove(&k);
            variants.push((k, less));
        }
        for k in ["members", "county_exit_year"] {
            let mut less = value.clone();
            less.as_object_mut().unwrap().remove(k);
            variants.push((k.to_string(), less));
        }
        for (k, less) in variants {
            let fewer = Facts::from_value(less).expect("fewer facts still parse");
            for (id, status) in statuses(&fewer) {
                let was = before[&id];
                assert!(
                    !(status == Status::NotApplicable && was != Status::NotApplicable),
                    "forgetting {k} turns {id} from {was:?} into not_applicable"
                );
                assert!(
                    !(status == Status::Applies && was != Status::Applies),
                    "forgetting {k} turns {id} from {was:?} into applies"
                );
            }
        }
    }
});
