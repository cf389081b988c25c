//! Answers that do not fit together (`data/consistency.toml`) are reported and never decide a
//! result: an 8-year-old at college drawing a pension, 低保 and 特困 at once.
use std::collections::BTreeSet;
use xiangqin_rules::questions::next_question;
use xiangqin_rules::{rules, Facts, Status};

fn facts(json: &str) -> Facts {
    Facts::from_json(json).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_child_at_college_drawing_a_pension_is_flagged_and_decides_nothing() {
    let f = facts(
        r#"{"region":"qinghai","as_of":"2025-06-01","household":{"poverty_status":"lifted_out"},
        "members":[{"relation":"child","age":8,"school_stage":"college","pension_drawing":true,
        "pension_insured":true}]}"#,
    );
    let e = rules().evaluate(&f).unwrap();
    let ids: Vec<(&str, Option<usize>)> = e
        .conflicts
        .iter()
        .map(|c| (c.id.as_str(), c.member))
        .collect();
    assert!(ids.contains(&("child-drawing-pension", Some(0))), "{ids:?}");
    assert!(
        ids.contains(&("small-child-beyond-middle-school", Some(0))),
        "{ids:?}"
    );
    let paths: BTreeSet<&str> = e
        .conflicts
        .iter()
        .flat_map(|c| c.paths.iter().map(String::as_str))
        .collect();
    assert_eq!(
        paths,
        BTreeSet::from([
            "members[0].age",
            "members[0].pension_drawing",
            "members[0].school_stage"
        ])
    );
    // The college place of an 8-year-old does not make the two-after or student-aid items apply.
    for r in &e.results {
        assert_ne!(
            r.status,
            Status::Applies,
            "{} applies on answers set aside: {:?}",
            r.id,
            r.reasons
        );
    }
    // Nor is the household asked those answers again (the summary asks it to check them).
    if let Some(ask) = next_question(&f, &e, &BTreeSet::new()) {
        assert!(!paths.contains(ask.path().as_str()), "asked {}", ask.path());
    }
}

#[test]
fn dibao_and_tekun_at_once_are_flagged_and_set_aside() {
    let both = facts(
        r#"{"region":"longyan","as_of":"2025-06-01","household":{"poverty_status":"general",
        "dibao":true,"tekun":true}}"#,
    );
    let e = rules().evaluate(&both).unwrap();
    assert_eq!(e.conflicts.len(), 1, "{:?}", e.conflicts);
    assert_eq!(e.conflicts[0].id, "dibao-and-tekun");
    assert!(e.conflicts[0].message.contains("低保") && e.conflicts[0].message.contains("特困"));
    let dibao = e.results.iter().find(|r| r.id == "ly-dibao").unwrap();
    assert_eq!(dibao.status, Status::Maybe, "{:?}", dibao.reasons);
    let tekun = e.results.iter().find(|r| r.id == "ly-tekun").unwrap();
    assert_eq!(tekun.status, Status::Maybe, "{:?}", tekun.reasons);

    // One of the two alone is no conflict and decides as before.
    let dibao_only = facts(
        r#"{"region":"longyan","as_of":"2025-06-01","household":{"poverty_status":"general",
        "dibao":true,"tekun":false}}"#,
    );
    let e = rules().evaluate(&dibao_only).unwrap();
    assert!(e.conflicts.is_empty());
    let dibao = e.results.iter().find(|r| r.id == "ly-dibao").unwrap();
    assert_eq!(dibao.status, Status::Applies);
}

#[test]
fn unknown_answers_never_conflict() {
    let f =
        facts(r#"{"region":"qinghai","as_of":"2025-06-01","members":[{"pension_drawing":true}]}"#);
    assert!(rules().conflicts(&f).is_empty());
    let adult = facts(
        r#"{"region":"qinghai","as_of":"2025-06-01","members":[{"age":66,"pension_drawing":true}]}"#,
    );
    assert!(rules().conflicts(&adult).is_empty());
}

/// A check whose set-aside fact its condition does not read would fire forever: refused on load.
#[test]
fn bad_checks_are_refused() {
    let mut json: serde_json::Value =
        serde_json::from_str(include_str!(concat!(env!("OUT_DIR"), "/rules.json"))).unwrap();
    json["consistency"]["check"] = serde_json::json!([
        {"id": "x", "scope": "member", "when": "member.age < 3", "set_aside": ["member.school_stage"], "message": "m"},
        {"id": "y", "scope": "household", "when": "member.age < 3", "set_aside": ["member.age"], "message": "m"},
        {"id": "z", "scope": "member", "when": "member.disabled", "set_aside": ["member.disabled"], "message": "m"}
    ]);
    let errors = xiangqin_rules::Rules::from_json(&json.to_string())
        .err()
        .unwrap();
    let text = errors.join("\n");
    assert!(
        text.contains("check x") && text.contains("does not read"),
        "{text}"
    );
    assert!(text.contains("check y"), "{text}");
    assert!(
        text.contains("check z") && text.contains("not a stored"),
        "{text}"
    );
}
