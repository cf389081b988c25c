//! Runs the OpenFisca-style test cases of `tests/cases/<region>.toml` (a household, a date, the
//! expected status per policy), checks that every policy is covered, and checks the property the
//! whole module stands on: an unknown fact never makes a policy "not applicable".
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use xiangqin_rules::{rules, Facts, Region, Status};

#[derive(Deserialize)]
struct CaseFile {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    as_of: String,
    facts: toml::Table,
    expect: BTreeMap<String, Status>,
}

fn load_cases() -> Vec<(String, Case)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/cases")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for path in files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
    {
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let parsed: CaseFile = toml::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        cases.extend(parsed.case.into_iter().map(|c| (file.clone(), c)));
    }
    cases
}

fn facts_json(case: &Case) -> serde_json::Value {
    let mut value = serde_json::to_value(&case.facts).expect("toml to json");
    value["as_of"] = serde_json::Value::String(case.as_of.clone());
    value
}

fn statuses(facts: &Facts) -> BTreeMap<String, Status> {
    rules()
        .evaluate(facts)
        .expect("region and date present")
        .results
        .into_iter()
        .map(|r| (r.id, r.status))
        .collect()
}

#[test]
fn every_case_gives_the_expected_statuses() {
    let mut failures = Vec::new();
    for (file, case) in load_cases() {
        let facts = match Facts::from_value(facts_json(&case)) {
            Ok(f) => f,
            Err(e) => {
                failures.push(format!("{file} «{}»: bad facts: {e}", case.name));
                continue;
            }
        };
        let got = statuses(&facts);
        let results = rules().evaluate(&facts).unwrap().results;
        for (id, want) in &case.expect {
            match got.get(id) {
                None => failures.push(format!(
                    "{file} «{}»: {id} is not a policy of {:?}",
                    case.name, facts.region
                )),
                Some(s) if s != want => {
                    let r = results.iter().find(|r| &r.id == id).unwrap();
                    failures.push(format!(
                        "{file} «{}» ({}): {id} expected {want:?}, got {s:?} — {} {:?}",
                        case.name,
                        case.as_of,
                        r.reasons.join(" / "),
                        r.missing_facts
                    ))
                }
                Some(_) => {}
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_policy_is_tested_with_at_least_two_outcomes() {
    let mut seen: BTreeMap<&str, BTreeSet<Status>> = BTreeMap::new();
    let cases = load_cases();
    for (_, case) in &cases {
        for (id, status) in &case.expect {
            seen.entry(id.as_str()).or_default().insert(*status);
        }
    }
    let thin: Vec<String> = rules()
        .policies
        .iter()
        .filter(|p| seen.get(p.id.as_str()).map_or(0, |s| s.len()) < 2)
        .map(|p| format!("{} {:?}", p.id, seen.get(p.id.as_str())))
        .collect();
    assert!(
        thin.is_empty(),
        "policies tested with fewer than two outcomes:\n{}",
        thin.join("\n")
    );
}

/// Every entry is tested for each outcome its Decision line allows: applies (where it has a `yes`
/// and no `always_maybe`), maybe, and not applicable (where it has a `no`).
#[test]
fn every_entry_is_tested_for_each_outcome_its_decision_allows() {
    let mut seen: BTreeMap<String, BTreeSet<Status>> = BTreeMap::new();
    for (_, case) in load_cases() {
        for (id, status) in case.expect {
            seen.entry(id).or_default().insert(status);
        }
    }
    let mut missing = Vec::new();
    for p in &rules().policies {
        let d = &p.decision;
        let got = seen.get(&p.id).cloned().unwrap_or_default();
        let mut want = vec![Status::Maybe];
        if d.yes.is_some() && d.always_maybe.is_none() {
            want.push(Status::Applies);
        }
        if d.no.is_some() {
            want.push(Status::NotApplicable);
        }
        for w in want {
            if !got.contains(&w) {
                missing.push(format!("{} {w:?}", p.id));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "outcomes no case tests:\n{}",
        missing.join("\n")
    );
}

#[test]
fn a_household_with_only_region_and_date_is_never_ruled_out() {
    for region in Region::ALL {
        for date in ["2021-06-01", "2022-06-01", "2025-12-31", "2026-11-22"] {
            let facts = Facts::from_json(&format!(
                r#"{{"region":"{}","as_of":"{date}"}}"#,
                region.key()
            ))
            .unwrap();
            for r in rules().evaluate(&facts).unwrap().results {
                assert_ne!(
                    r.status,
                    Status::NotApplicable,
                    "{} ruled out on {date} with nothing known: {:?}",
                    r.id,
                    r.reasons
                );
                if r.status == Status::Maybe {
                    assert!(!r.reasons.is_empty(), "{}: a maybe needs a reason", r.id);
                }
            }
        }
    }
}

/// Every known leaf of the facts, as a JSON pointer, except region and date.
fn known_leaves(value: &serde_json::Value, path: String, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                // A partly answered rigid_expense reads the unanswered causes as nothing spent.
                if path.is_empty() && (k == "region" || k == "as_of")
                    || path.ends_with("/rigid_expense")
                {
                    continue;
                }
                let p = format!("{path}/{k}");
                if v.is_object() || (k == "members" && v.is_array()) {
                    out.push(p.clone());
                }
                known_leaves(v, p, out);
            }
        }
        serde_json::Value::Array(items) if path == "/members" => {
            for (i, v) in items.iter().enumerate() {
                known_leaves(v, format!("{path}/{i}"), out);
            }
        }
        _ if !path.is_empty() => out.push(path),
        _ => {}
    }
}

fn forget(value: &mut serde_json::Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    if let Some(serde_json::Value::Object(map)) = value.pointer_mut(parent) {
        map.remove(key);
    }
}

#[test]
fn forgetting_a_fact_never_rules_a_policy_out() {
    let mut problems = Vec::new();
    for (file, case) in load_cases() {
        let full = facts_json(&case);
        let Ok(facts) = Facts::from_value(full.clone()) else {
            continue;
        };
        let before = statuses(&facts);
        let mut leaves = Vec::new();
        known_leaves(&full, String::new(), &mut leaves);
        for leaf in leaves {
            let mut less = full.clone();
            forget(&mut less, &leaf);
            let Ok(fewer) = Facts::from_value(less) else {
                continue;
            };
            for (id, status) in statuses(&fewer) {
                if status == Status::NotApplicable && before[&id] != Status::NotApplicable {
                    problems.push(format!(
                        "{file} «{}»: forgetting {leaf} turns {id} from {:?} into not_applicable",
                        case.name, before[&id]
                    ));
                }
                if status == Status::Applies && before[&id] != Status::Applies {
                    problems.push(format!(
                        "{file} «{}»: forgetting {leaf} turns {id} from {:?} into applies",
                        case.name, before[&id]
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The catalogue's Decision for keeping the lowest pension tier reads "NO only if both are NO":
/// in every case household, each keep item is "not applicable" only where its proxy-payment twins
/// all are, and "maybe" wherever a twin is "maybe" and the item itself is not "applies".
#[test]
fn pension_keep_items_follow_their_proxy_twins() {
    let twins: [(&str, &[&str]); 3] = [
        (
            "nm-pension-keep-standard",
            &[
                "nm-pension-proxy-100",
                "nm-pension-proxy-200-severe-disability",
            ],
        ),
        (
            "qh-pension-keep-lowest-tier",
            &[
                "qh-pension-proxy-hardship",
                "qh-pension-proxy-severe-disability",
            ],
        ),
        ("ly-pension-keep-lowest-tier", &["ly-pension-proxy-payment"]),
    ];
    let mut problems = Vec::new();
    let mut seen_maybe_twin = 0;
    for (file, case) in load_cases() {
        let facts = Facts::from_value(facts_json(&case)).unwrap();
        let got = statuses(&facts);
        for (keep, proxies) in twins {
            let Some(k) = got.get(keep) else { continue };
            let twin: Vec<Status> = proxies.iter().map(|p| got[*p]).collect();
            seen_maybe_twin += usize::from(twin.contains(&Status::Maybe));
            let all_no = twin.iter().all(|s| *s == Status::NotApplicable);
            // Not applicable only if every twin is (a maybe twin is not all "no").
            if *k == Status::NotApplicable && !all_no {
                problems.push(format!(
                    "{file} «{}»: {keep} is {k:?} but its twins are {twin:?}",
                    case.name
                ));
            }
        }
    }
    assert!(seen_maybe_twin > 0, "the cases include a maybe twin");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
