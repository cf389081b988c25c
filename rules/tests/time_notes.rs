//! The time notes a household reads (catalogue §3, `data/periods.toml`): each says what its own
//! quote says about time — Inner Mongolia's five years per 旗县, the campaign's 2021—2025
//! elsewhere — and a window that has closed never leaves a firm "applies".
use xiangqin_rules::{rules, Facts, PolicyResult, Status};

/// One policy's result, and the notes said once above all the cards.
struct Shown {
    result: PolicyResult,
    notices: Vec<String>,
}

impl std::ops::Deref for Shown {
    type Target = PolicyResult;
    fn deref(&self) -> &PolicyResult {
        &self.result
    }
}

fn evaluate(facts: &str) -> (xiangqin_rules::Evaluation, Vec<String>) {
    let facts = Facts::from_json(facts).unwrap_or_else(|e| panic!("{e}"));
    rules().evaluate_with_notices(&facts).unwrap()
}

fn result(id: &str, facts: &str) -> Shown {
    let (evaluation, notices) = evaluate(facts);
    let result = evaluation
        .results
        .into_iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("{id} not evaluated"));
    Shown { result, notices }
}

/// What the household reads about this policy: its card's reasons and the notes said once.
fn said(r: &Shown) -> String {
    r.reasons
        .iter()
        .chain(&r.notices)
        .cloned()
        .collect::<Vec<_>>()
        .join(" / ")
}

/// The Longyan household of issue 19 (68, lifted out of poverty, wife with diabetes, son working
/// outside the county, a big medical bill) in 2026: the 2021—2025 note of the items without a
/// date is said once for all, on no card; the item whose own clause says 过渡期 keeps its note,
/// since that is why it is no longer "applies".
#[test]
fn the_documents_transition_note_is_said_once_not_on_each_card() {
    let (evaluation, notices) = evaluate(
        r#"{"region":"longyan","as_of":"2026-12-02",
        "household":{"poverty_status":"lifted_out","dibao":false,"tekun":false,"relocated":false,
          "recent_shocks":["illness"],"rigid_expense":{"medical":60000},"income_drop_sharp":true,
          "livelihoods":["grain","migrant_work"],"low_income_family":true},
        "members":[{"relation":"head","age":68,"pension_drawing":true,"medical_insured":true},
          {"relation":"spouse","age":66,"chronic_disease":["diabetes"],"medical_insured":true},
          {"relation":"child","age":40,"working_outside_county":true}]}"#,
    );
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].contains("2021—2025年过渡期"), "{notices:?}");
    assert!(notices[0].contains("已经结束"), "{notices:?}");
    let shown: Vec<&PolicyResult> = evaluation
        .results
        .iter()
        .filter(|r| r.status != Status::NotApplicable)
        .collect();
    assert!(shown.len() > 5);
    for r in &shown {
        assert!(
            !r.reasons.contains(&notices[0]),
            "{} repeats the note: {:?}",
            r.id,
            r.reasons
        );
    }
    let own = shown
        .iter()
        .find(|r| r.id == "ly-dibao-basic-pension-excluded")
        .expect("a transition item is shown");
    assert_eq!(
        rules().policy(&own.id).unwrap().time_limit,
        xiangqin_rules::TimeLimit::Transition
    );
    assert!(
        own.reasons.iter().any(|n| n.contains("过渡期已经结束")),
        "{:?}",
        own.reasons
    );
    // Inside the window nothing is said at the top.
    let (_, early) = evaluate(
        r#"{"region":"longyan","as_of":"2024-06-01","household":{"poverty_status":"lifted_out"}}"#,
    );
    assert!(early.is_empty(), "{early:?}");
}

/// An Inner Mongolia item with no date in its clause: after the county's five years the note
/// speaks of the county's window, never of 2021—2025.
#[test]
fn inner_mongolia_items_without_a_date_count_the_county_five_years() {
    let exit_2019 = r#"{"region":"inner_mongolia","as_of":"2026-12-02","county_exit_year":2019,
        "household":{"dibao":true}}"#;
    let r = result("nm-dibao", exit_2019);
    assert_eq!(r.status, Status::Applies, "{}", said(&r));
    assert!(
        said(&r).contains("2019年摘帽") && said(&r).contains("2024年结束"),
        "{}",
        said(&r)
    );
    assert!(!said(&r).contains("2021—2025"), "{}", said(&r));

    let unknown_exit =
        r#"{"region":"inner_mongolia","as_of":"2026-12-02","household":{"dibao":true}}"#;
    let r = result("nm-dibao", unknown_exit);
    assert!(said(&r).contains("各旗县"), "{}", said(&r));
    assert!(!said(&r).contains("2021—2025"), "{}", said(&r));
    assert!(
        r.missing_facts.is_empty(),
        "a note does not make the status wait for the exit year"
    );

    let inside = r#"{"region":"inner_mongolia","as_of":"2022-06-01","county_exit_year":2019,
        "household":{"dibao":true}}"#;
    let r = result("nm-dibao", inside);
    assert!(
        !said(&r).contains("过渡期"),
        "no note inside the window: {}",
        said(&r)
    );
}

/// Elsewhere an item with no date gets the campaign's note after 2025, and none before.
#[test]
fn other_items_without_a_date_note_the_campaign_after_2025() {
    let r = result(
        "qh-dibao",
        r#"{"region":"qinghai","as_of":"2026-12-02","household":{"dibao":true}}"#,
    );
    assert_eq!(r.status, Status::Applies);
    assert!(said(&r).contains("2021—2025年过渡期"), "{}", said(&r));
    let r = result(
        "qh-dibao",
        r#"{"region":"qinghai","as_of":"2024-06-01","household":{"dibao":true}}"#,
    );
    assert!(!said(&r).contains("过渡期"), "{}", said(&r));
}

/// The three Inner Mongolia health items quote 「过渡期内保持现有健康帮扶政策基本稳定」: they
/// are transition items (catalogue), so after the county's window they are no longer "applies".
#[test]
fn inner_mongolia_health_items_end_with_the_county_window() {
    let household = |as_of: &str| {
        format!(
            r#"{{"region":"inner_mongolia","as_of":"{as_of}","county_exit_year":2019,
            "household":{{"returned_to_poverty":true}},
            "members":[{{"age":50,"serious_illness":true,"chronic_disease":["hypertension"]}}]}}"#
        )
    };
    for id in [
        "nm-treat-first-pay-later",
        "nm-chronic-disease-contract",
        "nm-critical-illness-special-treatment",
    ] {
        assert_eq!(
            rules().policy(id).unwrap().time_limit,
            xiangqin_rules::TimeLimit::Transition,
            "{id}"
        );
        let late = result(id, &household("2026-12-02"));
        assert_eq!(late.status, Status::Maybe, "{id}: {}", said(&late));
        assert!(
            said(&late).contains("已在2024年结束"),
            "{id}: {}",
            said(&late)
        );
        // The card speaks of its own window, not of the note for items without a date.
        assert!(!late.reasons.concat().contains("文件没有写期限"), "{id}");
    }
    let early = result("nm-treat-first-pay-later", &household("2022-06-01"));
    assert_eq!(early.status, Status::Applies, "{}", said(&early));
}

/// Qinghai's premium subsidy for unstable lifted-out households is 「过渡期内…一定期限」: in 2026
/// the household is told the period has ended, not that it may still have it.
#[test]
fn qinghai_premium_subsidy_says_the_transition_has_ended() {
    let unstable = |as_of: &str| {
        format!(
            r#"{{"region":"qinghai","as_of":"{as_of}","household":{{"poverty_status":"monitored",
            "monitor_type":"unstable_lifted","dibao":false,"tekun":false,"returned_to_poverty":false}}}}"#
        )
    };
    let late = result("qh-medical-premium-subsidy", &unstable("2026-12-02"));
    assert_eq!(late.status, Status::Maybe);
    assert!(said(&late).contains("过渡期已经结束"), "{}", said(&late));
    assert!(said(&late).contains("一定期限"), "{}", said(&late));
    let early = result("qh-medical-premium-subsidy", &unstable("2023-06-01"));
    assert!(!said(&early).contains("已经结束"), "{}", said(&early));
    assert!(said(&early).contains("到2025年底为止"), "{}", said(&early));
    // The firm tiers (特困 全额, 低保 定额) carry no time limit of their own.
    let dibao = result(
        "qh-medical-premium-subsidy",
        r#"{"region":"qinghai","as_of":"2024-06-01","household":{"dibao":true}}"#,
    );
    assert_eq!(dibao.status, Status::Applies);
    assert!(!said(&dibao).contains("一定期限"), "{}", said(&dibao));
}

/// The policy page reads the same judgement: inside the window it says until when.
#[test]
fn the_policy_page_judgement_names_the_window() {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    let p = rules().policy("qh-microcredit").unwrap();
    let region_only = Facts::from_json(r#"{"region":"qinghai"}"#).unwrap();
    let j = rules().time_judgement(p, &region_only, today);
    assert!(!j.holds);
    assert!(j.note.unwrap().contains("已经结束"));
    let nm = rules().policy("nm-eco-forest-ranger").unwrap();
    let j = rules().time_judgement(nm, &Facts::default(), today);
    assert!(j.note.unwrap().contains("需要知道旗县是哪一年摘帽的"));
}
