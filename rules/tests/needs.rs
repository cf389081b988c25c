//! Silence notes (`data/needs.toml`): a need the answers show that the region's document says
//! nothing about is reported, never filled with another region's policy.
use xiangqin_rules::{rules, Facts};

fn unanswered(json: &str) -> Vec<String> {
    let f = Facts::from_json(json).unwrap_or_else(|e| panic!("{e}"));
    rules()
        .unanswered_needs(&f)
        .into_iter()
        .map(|n| n.id.clone())
        .collect()
}

/// The issue's household: Shaanxi, an 80,000-yuan medical bill. Its document has only job,
/// monitoring and relocation items, so the results must say it is silent on illness.
#[test]
fn a_shaanxi_medical_bill_meets_a_silent_document() {
    let bill = r#"{"region":"shaanxi","as_of":"2026-12-02","household":{"poverty_status":"lifted_out",
        "rigid_expense":{"medical":80000}}}"#;
    assert_eq!(unanswered(bill), vec!["illness"]);
    // Qinghai's document has medical items: no silence note there.
    assert!(unanswered(&bill.replace("shaanxi", "qinghai")).is_empty());
}

#[test]
fn every_need_shaanxi_is_silent_on_is_named() {
    let all = r#"{"region":"shaanxi","as_of":"2026-12-02",
        "household":{"housing_unsafe":true,"water_unsafe":true,"recent_shocks":["natural_disaster"]},
        "members":[{"age":40,"serious_illness":true,"disability_grade":2,"disability_kind":"physical"},
                   {"age":12,"school_stage":"compulsory"}]}"#;
    assert_eq!(
        unanswered(all),
        vec![
            "illness",
            "disability",
            "school",
            "housing",
            "water",
            "disaster"
        ]
    );
    // Each region's own document speaks to what it has: Qinghai to all six.
    assert!(unanswered(&all.replace("shaanxi", "qinghai")).is_empty());
    // Longyan has no disaster-relief item but names 灾害 assistance for incapacitated households
    // (四、(十)); Liangzhou names 因残 (二、(三)).
    assert!(unanswered(&all.replace("shaanxi", "longyan")).is_empty());
    assert!(unanswered(&all.replace("shaanxi", "liangzhou")).is_empty());
}

#[test]
fn a_need_not_shown_or_unknown_gives_no_note() {
    assert!(unanswered(r#"{"region":"shaanxi","as_of":"2026-12-02"}"#).is_empty());
    assert!(unanswered(
        r#"{"region":"shaanxi","as_of":"2026-12-02","household":{"housing_unsafe":false,"rigid_expense":{"medical":0}}}"#
    )
    .is_empty());
}
