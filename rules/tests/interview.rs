//! The questionnaire played against each test household (`xiangqin_rules::interview`): it ends on
//! the same results as evaluating the household's facts, and the Longyan household of issue 19
//! gets there in few screens.
use std::path::PathBuf;
use xiangqin_rules::interview::interview;
use xiangqin_rules::{rules, Facts, Status};

fn cases() -> Vec<(String, Facts)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let file: toml::Value = toml::from_str(&text).unwrap();
        for case in file["case"].as_array().unwrap() {
            let mut facts = serde_json::to_value(&case["facts"]).unwrap();
            facts["as_of"] = serde_json::to_value(&case["as_of"]).unwrap();
            let name = case["name"].as_str().unwrap().to_string();
            out.push((name, Facts::from_value(facts).unwrap()));
        }
    }
    out
}

fn statuses(results: &[xiangqin_rules::PolicyResult]) -> Vec<(String, Status)> {
    results.iter().map(|r| (r.id.clone(), r.status)).collect()
}

#[test]
fn the_interview_ends_on_the_results_of_all_the_facts() {
    for (name, facts) in cases() {
        let played = interview(&facts).unwrap();
        let all = rules().evaluate(&facts).unwrap();
        assert_eq!(
            statuses(&played.evaluation.results),
            statuses(&all.results),
            "{name}: asked {:?}",
            played.questions
        );
        assert_eq!(played.questions.first().map(String::as_str), Some("region"));
    }
}

/// Issue 19: a 68-year-old in Longyan, lifted out of poverty, his wife of 66 with diabetes, their
/// son of 40 working outside the county, a big medical bill. 43 screens before the questionnaire
/// asked only what can change a result, grouped the members' questions, asked each person on one
/// screen and put the open questions of one topic on one screen.
#[test]
fn the_longyan_household_answers_few_screens() {
    let (_, facts) = cases()
        .into_iter()
        .find(|(name, _)| name.starts_with("脱贫户（issue 19 的一户）"))
        .expect("the Longyan household of issue 19 is a case");
    let played = interview(&facts).unwrap();
    assert!(
        played.count() <= 15,
        "{} screens: {:?}",
        played.count(),
        played.questions
    );
    for q in &played.questions {
        assert!(
            !q.ends_with(".school_stage") && !q.ends_with(".pension_drawing"),
            "{q}: implied by age"
        );
    }
}
