//! Property tests (proptest): the resident ID number check, and "unknown is never no" on
//! generated households — every fact the rules can read, known or not at random, in every region.
use chrono::{Datelike, Days, NaiveDate};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use xiangqin_rules::declaration::{check_id_number, id_check_digit, IdNumberError};
use xiangqin_rules::facts::{FactKind, HOUSEHOLD_FACTS, MEMBER_FACTS};
use xiangqin_rules::{rules, Facts, Region, Status};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

// ---------------------------------------------------------------------------------------------
// ID numbers

/// The first 17 characters of a well-formed ID: a 6-digit region code, a birth date between
/// 1900-01-01 and today, a 3-digit sequence number.
fn first17() -> impl Strategy<Value = String> {
    let start = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
    let span = (today() - start).num_days() as u64;
    (100_000u32..=999_999, 0..=span, 0u32..=999).prop_map(move |(region, day, seq)| {
        let birth = start + Days::new(day);
        format!("{region}{}{seq:03}", birth.format("%Y%m%d"))
    })
}

fn valid_id() -> impl Strategy<Value = String> {
    first17().prop_map(|f| format!("{f}{}", id_check_digit(&f).unwrap()))
}

/// Whether characters 7 to 14 still spell a date the check accepts.
fn birth_date_ok(id: &str) -> bool {
    NaiveDate::parse_from_str(&id[6..14], "%Y%m%d").is_ok_and(|d| d.year() >= 1900 && d <= today())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn valid_ids_are_accepted(id in valid_id()) {
        prop_assert_eq!(check_id_number(&id, today()), Ok(()));
        // As typed: surrounding spaces and a small x are accepted.
        prop_assert_eq!(check_id_number(&format!("  {}\t", id.to_ascii_lowercase()), today()), Ok(()));
    }

    #[test]
    fn any_other_check_character_is_refused(id in valid_id(), other in select("0123456789Xx".chars().collect::<Vec<_>>())) {
        prop_assume!(other.to_ascii_uppercase() != id.chars().last().unwrap());
        let wrong = format!("{}{other}", &id[..17]);
        prop_assert_eq!(check_id_number(&wrong, today()), Err(IdNumberError::CheckDigit));
    }

    /// MOD 11-2 catches every single wrong digit: each weight is non-zero modulo 11.
    #[test]
    fn changing_any_one_digit_is_refused(id in valid_id(), at in 0usize..17, delta in 1u8..=9) {
        let mut bytes = id.clone().into_bytes();
        bytes[at] = b'0' + (bytes[at] - b'0' + delta) % 10;
        let changed = String::from_utf8(bytes).unwrap();
        let got = check_id_number(&changed, today());
        if birth_date_ok(&changed) {
            prop_assert_eq!(got, Err(IdNumberError::CheckDigit), "{}", changed);
        } else {
            prop_assert_eq!(got, Err(IdNumberError::BirthDate), "{}", changed);
        }
    }

    /// Adjacent weights differ modulo 11, so swapping two different neighbours is caught too.
    #[test]
    fn swapping_two_neighbouring_digits_is_refused(id in valid_id(), at in 0usize..16) {
        let mut bytes = id.clone().into_bytes();
        prop_assume!(bytes[at] != bytes[at + 1]);
        bytes.swap(at, at + 1);
        let swapped = String::from_utf8(bytes).unwrap();
        prop_assert!(check_id_number(&swapped, today()).is_err(), "{}", swapped);
    }

    #[test]
    fn a_letter_or_a_missing_or_extra_character_is_refused(id in valid_id(), at in 0usize..17, extra in "[0-9]") {
        let mut letter = id.clone();
        letter.replace_range(at..at + 1, "A");
        prop_assert_eq!(check_id_number(&letter, today()), Err(IdNumberError::Characters));
        prop_assert_eq!(check_id_number(&id[..17], today()), Err(IdNumberError::Length));
        prop_assert_eq!(check_id_number(&format!("{id}{extra}"), today()), Err(IdNumberError::Length));
    }

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>(), near in "[0-9xX０-９ ]{16,19}") {
        let _ = check_id_number(&text, today());
        let _ = check_id_number(&near, today());
        let _ = id_check_digit(&text);
        let _ = xiangqin_rules::declaration::check_phone(&text);
    }

    /// Whatever the check accepts is 17 ASCII digits and the right check character.
    #[test]
    fn accepted_ids_have_the_right_check_digit(body in "[0-9]{17}", last in "[0-9xX]") {
        let id = format!("{body}{last}");
        if check_id_number(&id, today()).is_ok() {
            prop_assert_eq!(Some(last.to_ascii_uppercase().chars().next().unwrap()), id_check_digit(&body));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Unknown is never no

/// A value for one fact, by its kind (each fact the rules can read is listed in `facts.rs`).
fn fact_value(name: &str, kind: FactKind) -> BoxedStrategy<Value> {
    match (name, kind) {
        (_, FactKind::Bool) => any::<bool>().prop_map(Value::from).boxed(),
        ("member.age", _) => (0u32..=100).prop_map(Value::from).boxed(),
        ("member.disability_grade", _) => (1u32..=4).prop_map(Value::from).boxed(),
        ("household.livestock_head", _) => prop_oneof![Just(0u32), 1u32..20, 20u32..2000]
            .prop_map(Value::from)
            .boxed(),
        (_, FactKind::Num) => prop_oneof![Just(0u32), 1u32..10_000, 10_000u32..60_000]
            .prop_map(Value::from)
            .boxed(),
        (_, FactKind::Enum(values)) => select(values).prop_map(Value::from).boxed(),
        (_, FactKind::List(values)) => {
            let values: Vec<&str> = if values.is_empty() {
                vec!["hypertension", "diabetes", "arthritis"]
            } else {
                values.to_vec()
            };
            let n = values.len();
            subsequence(values, 0..=n).prop_map(Value::from).boxed()
        }
        (_, FactKind::Text) => select(vec!["邓马营湖安置点", "城关安置区", ""])
            .prop_map(Value::from)
            .boxed(),
    }
}

/// Some of `facts` known (at random), as a JSON object keyed by the last path component.
fn some_known(
    facts: Vec<(&'static str, BoxedStrategy<Value>)>,
) -> BoxedStrategy<Map<String, Value>> {
    let fields: Vec<_> = facts
        .into_iter()
        .map(|(name, s)| {
            let key = name.rsplit('.').next().unwrap().to_string();
            proptest::option::weighted(0.6, s).prop_map(move |v| v.map(|v| (key.clone(), v)))
        })
        .collect();
    fields
        .prop_map(|kv| kv.into_iter().flatten().collect())
        .boxed()
}

fn member() -> BoxedStrategy<Value> {
    let facts = MEMBER_FACTS
        .iter()
        .filter(|f| f.name != "member.disabled") // derived from grade and kind
        .map(|f| (f.name, fact_value(f.name, f.kind)))
        .collect();
    some_known(facts)
        .prop_map(|mut m| {
            // A grade with kind "none" is refused as impossible, not unknown.
            if m.get("disability_kind") == Some(&json!("none")) {
                m.remove("disability_grade");
            }
            Value::Object(m)
        })
        .boxed()
}

/// A household at a date in one region, each fact known or unknown at random.
fn household() -> impl Strategy<Value = Value> {
    let direct: Vec<_> = HOUSEHOLD_FACTS
        .iter()
        .filter(|f| f.name.starts_with("household.") && f.name.matches('.').count() == 1)
        .filter(|f| f.name != "household.rigid_expense_total") // derived
        .map(|f| (f.name, fact_value(f.name, f.kind)))
        .collect();
    let expense: Vec<_> = HOUSEHOLD_FACTS
        .iter()
        .filter(|f| f.name.starts_with("household.rigid_expense."))
        .map(|f| (f.name, fact_value(f.name, f.kind)))
        .collect();
    let start = NaiveDate::from_ymd_opt(2020, 6, 1).unwrap();
    (
        select(Region::ALL.to_vec()),
        0u64..(365 * 7),
        proptest::option::of(2013i32..=2030),
        some_known(direct),
        proptest::option::of(some_known(expense)),
        proptest::option::of(proptest::collection::vec(member(), 0..4)),
    )
        .prop_map(move |(region, day, exit, mut h, expense, members)| {
            if let Some(e) = expense {
                h.insert("rigid_expense".into(), Value::Object(e));
            }
            let mut f = json!({
                "region": region.key(),
                "as_of": (start + Days::new(day)).to_string(),
                "household": h,
            });
            if let Some(exit) = exit {
                f["county_exit_year"] = exit.into();
            }
            if let Some(members) = members {
                f["members"] = members.into();
            }
            // What a person's age implies (data/implications.toml) is filled in by the rules, not
            // generated: an answer there could only repeat it or contradict it.
            let facts = Facts::from_value(f.clone()).expect("generated facts are valid");
            for path in rules().implied_paths(&facts) {
                let (i, name) = path["members[".len()..].split_once("].").unwrap();
                forget(&mut f, &format!("/members/{i}/{name}"));
            }
            f
        })
}

/// Every known fact, as a JSON pointer (region and date excepted): leaves, and the whole
/// `household`, `rigid_expense` and `members` — as in `cases.rs`, the causes inside an answered
/// rigid_expense are not separate facts (a cause left out there means nothing spent).
fn known_facts(value: &Value, path: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if path.is_empty() && (k == "region" || k == "as_of")
                    || path.ends_with("/rigid_expense")
                {
                    continue;
                }
                let p = format!("{path}/{k}");
                if v.is_object() || (k == "members" && v.is_array()) {
                    out.push(p.clone());
                }
                known_facts(v, p, out);
            }
        }
        Value::Array(items) if path == "/members" => {
            for (i, v) in items.iter().enumerate() {
                known_facts(v, format!("{path}/{i}"), out);
            }
        }
        _ if !path.is_empty() => out.push(path),
        _ => {}
    }
}

fn forget(value: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    if let Some(Value::Object(map)) = value.pointer_mut(parent) {
        map.remove(key);
    }
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

fn household_terms(facts: &Facts) -> BTreeMap<String, Option<bool>> {
    rules()
        .term_info
        .keys()
        .filter(|t| !t.starts_with("member."))
        .map(|t| (t.clone(), rules().household_term(t, facts)))
        .collect()
}

/// The JSON pointers of the answers set aside as not fitting together (`data/consistency.toml`).
fn set_aside_pointers(facts: &Facts) -> Vec<String> {
    rules()
        .conflicts(facts)
        .iter()
        .flat_map(|c| c.paths.clone())
        .map(|p| format!("/{}", p.replace("].", "/").replace(['[', '.'], "/")))
        .collect()
}

/// Knowing less may only move a policy towards "maybe" and a term towards unknown — except that
/// forgetting one of two answers that do not fit together leaves the other to decide (answers in
/// conflict decide nothing, see tests/consistency.rs).
fn check_less_known(before: &Facts, after: &Facts, what: &str) -> Result<(), TestCaseError> {
    if set_aside_pointers(before)
        .iter()
        .any(|p| what.contains(&format!("\"{p}\"")) || what == p)
    {
        return Ok(());
    }
    let was = statuses(before);
    for (id, now) in statuses(after) {
        let then = was[&id];
        prop_assert!(
            now == then || now == Status::Maybe,
            "forgetting {} turns {} from {:?} into {:?}",
            what,
            id,
            then,
            now
        );
    }
    let terms_before = household_terms(before);
    for (term, now) in household_terms(after) {
        prop_assert!(
            now.is_none() || now == terms_before[&term],
            "forgetting {} turns term {} from {:?} into {:?}",
            what,
            term,
            terms_before[&term],
            now
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Forgetting any one known fact never rules a policy out and never makes it apply.
    #[test]
    fn forgetting_one_fact_never_rules_a_policy_out(full in household()) {
        let facts = Facts::from_value(full.clone()).expect("generated facts are valid");
        let mut known = Vec::new();
        known_facts(&full, String::new(), &mut known);
        for fact in known {
            let mut less = full.clone();
            forget(&mut less, &fact);
            let fewer = Facts::from_value(less).expect("fewer facts are valid");
            check_less_known(&facts, &fewer, &fact)?;
        }
    }

    /// The same for several facts forgotten at once.
    #[test]
    fn forgetting_several_facts_never_rules_a_policy_out(full in household(), picks in proptest::collection::vec(any::<prop::sample::Index>(), 1..8)) {
        let facts = Facts::from_value(full.clone()).expect("generated facts are valid");
        let mut known = Vec::new();
        known_facts(&full, String::new(), &mut known);
        prop_assume!(!known.is_empty());
        let mut chosen: Vec<&String> = picks.iter().map(|i| i.get(&known)).collect();
        // Deepest first, so that a member's field goes before a whole list it sits in.
        chosen.sort_by_key(|p| std::cmp::Reverse(p.len()));
        let mut less = full.clone();
        for p in &chosen {
            forget(&mut less, p);
        }
        let fewer = Facts::from_value(less).expect("fewer facts are valid");
        check_less_known(&facts, &fewer, &format!("{chosen:?}"))?;
    }

    /// With nothing known but region and date, nothing is ruled out.
    #[test]
    fn nothing_known_rules_nothing_out(full in household()) {
        let bare = json!({"region": full["region"], "as_of": full["as_of"]});
        let facts = Facts::from_value(bare).unwrap();
        for (id, s) in statuses(&facts) {
            prop_assert_ne!(s, Status::NotApplicable, "{}", id);
        }
    }
}

/// Households proptest found where forgetting a fact ruled a policy out: the `no` of
/// nm-critical-illness-insurance-tilt did not exclude returned_to_poverty (which its `maybe`
/// names), and the transport subsidies applied to someone working away whom the `no` counted as
/// no labourer (a student, or no member able to work).
#[test]
fn regressions_found_by_proptest() {
    let households = [
        r#"{"region":"inner_mongolia","as_of":"2020-06-01","household":{"dibao":false,"tekun":false,"poverty_status":"general","returned_to_poverty":true}}"#,
        r#"{"region":"longyan","as_of":"2026-05-28","household":{"poverty_status":"lifted_out"},"members":[{"school_stage":"high_school","working_outside_county":true}]}"#,
        r#"{"region":"shaanxi","as_of":"2024-01-22","household":{"poverty_status":"lifted_out","livelihoods":["migrant_work"]},"members":[{"age":69,"can_work":"none"}]}"#,
    ];
    for text in households {
        let full: Value = serde_json::from_str(text).unwrap();
        let facts = Facts::from_value(full.clone()).unwrap();
        let mut known = Vec::new();
        known_facts(&full, String::new(), &mut known);
        for fact in known {
            let mut less = full.clone();
            forget(&mut less, &fact);
            check_less_known(&facts, &Facts::from_value(less).unwrap(), &fact)
                .unwrap_or_else(|e| panic!("{text}: {e}"));
        }
    }
}
