//! Which question to ask next. The questionnaire asks only what can still change a result for
//! this household and region: the facts named in the `missing_facts` of its "maybe" results,
//! the one that settles the most policies first. The wording lives in the app's message
//! catalogue under `q.<fact>`; this module only knows facts, answers and order.
use crate::engine::{Evaluation, Status};
use crate::facts::{Facts, Region};
use std::collections::{BTreeMap, BTreeSet};

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerKind {
    YesNo,
    /// One of these values.
    Choice(&'static [&'static str]),
    /// Any of these values; none is an answer too (`[]`).
    Multi(&'static [&'static str]),
    /// A whole number in this range.
    Number {
        min: i64,
        max: i64,
    },
    /// A short free text.
    Text,
}

/// One question: the fact it sets and how it is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Question {
    /// `household.dibao`, `member.age`, `county_exit_year`, … (`household.rigid_expense` asks the four amounts).
    pub fact: &'static str,
    pub answer: AnswerKind,
}

const fn q(fact: &'static str, answer: AnswerKind) -> Question {
    Question { fact, answer }
}

use AnswerKind::*;

/// Household questions, in the order asked when they settle equally many policies.
pub const HOUSEHOLD_QUESTIONS: &[Question] = &[
    q(
        "household.poverty_status",
        Choice(&["general", "lifted_out", "monitored"]),
    ),
    q(
        "household.monitor_type",
        Choice(&["unstable_lifted", "marginal", "sudden_hardship"]),
    ),
    q("household.dibao", YesNo),
    q("household.tekun", YesNo),
    q("household.basic_living_hardship", YesNo),
    q(
        "household.recent_shocks",
        Multi(&[
            "illness",
            "accident",
            "natural_disaster",
            "epidemic",
            "disability",
            "job_loss",
            "death_of_earner",
        ]),
    ),
    q("household.income_drop_sharp", YesNo),
    q("household.low_income_family", YesNo),
    q("household.returned_to_poverty", YesNo),
    q("household.housing_unsafe", YesNo),
    q("household.water_unsafe", YesNo),
    q(
        "household.livelihoods",
        Multi(&[
            "grain",
            "crops",
            "livestock",
            "herding",
            "migrant_work",
            "local_wage",
            "business",
        ]),
    ),
    q("household.credit_need", Choice(&["none", "small", "large"])),
    q("household.relocated", YesNo),
    q("household.relocation_site", Text),
    q("household.adobe_house", YesNo),
    q("household.toilet_unimproved", YesNo),
    q("household.poverty_assets", YesNo),
    q(
        "household.livestock_head",
        Number {
            min: 0,
            max: 100_000,
        },
    ),
    q(
        "household.income_per_capita_yuan",
        Number {
            min: 0,
            max: 1_000_000,
        },
    ),
    q(
        "household.rigid_expense",
        Number {
            min: 0,
            max: 10_000_000,
        },
    ),
    q(
        "county_exit_year",
        Number {
            min: 2013,
            max: 2030,
        },
    ),
];

/// Questions about one member, after relation and age.
pub const MEMBER_QUESTIONS: &[Question] = &[
    q(
        "member.relation",
        Choice(&["head", "spouse", "child", "parent", "other"]),
    ),
    q("member.age", Number { min: 0, max: 120 }),
    q(
        "member.school_stage",
        Choice(&[
            "none",
            "preschool",
            "compulsory",
            "high_school",
            "vocational",
            "college",
            "dropped_out",
            "finished_not_continuing",
        ]),
    ),
    q("member.can_work", Choice(&["full", "partial", "none"])),
    q("member.serious_illness", YesNo),
    q(
        "member.disability_kind",
        Choice(&[
            "none",
            "physical",
            "visual",
            "hearing",
            "speech",
            "intellectual",
            "mental",
            "multiple",
        ]),
    ),
    q("member.disability_grade", Choice(&["1", "2", "3", "4"])),
    q("member.self_care", Choice(&["full", "partial", "none"])),
    q(
        "member.chronic_disease",
        Multi(&["hypertension", "diabetes", "other"]),
    ),
    q("member.working_outside_county", YesNo),
    q("member.tied_to_home", YesNo),
    q(
        "member.public_job",
        Choice(&["none", "eco_ranger", "public_welfare_post"]),
    ),
    q("member.medical_insured", YesNo),
    q("member.pension_insured", YesNo),
    q("member.pension_drawing", YesNo),
    q("member.left_behind_child", YesNo),
    q("member.orphan", YesNo),
    q("member.de_facto_unsupported_child", YesNo),
];

/// The next thing to ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// A household question.
    Household(Question),
    /// A question about member `index` (0-based).
    Member(usize, Question),
    /// Who lives in the household is unknown: start adding members.
    Members,
}

impl Ask {
    /// The fact path this question settles, as in `missing_facts` (`members[1].age`).
    pub fn path(&self) -> String {
        match self {
            Ask::Household(q) if q.fact == "household.rigid_expense" => {
                "household.rigid_expense_total".into()
            }
            Ask::Household(q) => q.fact.into(),
            Ask::Member(i, q) => format!("members[{i}].{}", &q.fact["member.".len()..]),
            Ask::Members => "members".into(),
        }
    }
}

/// The question whose answer settles the most "maybe" results; `None` when nothing is left to
/// ask. `skipped` holds the paths the household answered 「不清楚」 or chose to skip.
pub fn next_question(
    facts: &Facts,
    evaluation: &Evaluation,
    skipped: &BTreeSet<String>,
) -> Option<Ask> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for r in evaluation
        .results
        .iter()
        .filter(|r| r.status == Status::Maybe)
    {
        for path in &r.missing_facts {
            *counts.entry(path.clone()).or_default() += 1;
        }
    }
    // Answers that do not fit together were given: asking again would not settle them (the
    // summary asks the household to check them instead).
    let set_aside: BTreeSet<&String> = evaluation.conflicts.iter().flat_map(|c| &c.paths).collect();
    counts.retain(|path, _| !set_aside.contains(path));
    // The questions still open, in bank order, each with how many results it could settle.
    let mut open: Vec<(Ask, usize)> = Vec::new();
    if counts.contains_key("members") && !skipped.contains("members") {
        open.push((Ask::Members, counts["members"]));
    }
    for q in HOUSEHOLD_QUESTIONS {
        let ask = Ask::Household(*q);
        let n = counts.get(&ask.path()).copied().unwrap_or(0);
        if n > 0 && !skipped.contains(&ask.path()) && household_question_makes_sense(q, facts) {
            open.push((ask, n));
        }
    }
    for (i, member) in facts.members.iter().flatten().enumerate() {
        for q in MEMBER_QUESTIONS {
            let ask = Ask::Member(i, *q);
            let n = counts.get(&ask.path()).copied().unwrap_or(0);
            if n > 0 && !skipped.contains(&ask.path()) && member_question_makes_sense(q, member) {
                open.push((ask, n));
            }
        }
    }
    // Most decisive first; the bank order breaks ties (max_by_key would take the last).
    let best = open.iter().map(|(_, n)| *n).max()?;
    open.into_iter().find(|(_, n)| *n == best).map(|(a, _)| a)
}

/// Follow-up questions are asked only where the answer they follow makes them meaningful.
fn household_question_makes_sense(q: &Question, facts: &Facts) -> bool {
    let h = &facts.household;
    match q.fact {
        "household.monitor_type" => h.poverty_status.is_some_and(|s| s.as_str() == "monitored"),
        "household.relocation_site" => h.relocated == Some(true),
        "county_exit_year" => facts.region == Some(Region::InnerMongolia),
        _ => true,
    }
}

fn member_question_makes_sense(q: &Question, m: &crate::facts::Member) -> bool {
    let age = m.age;
    let child = age.is_some_and(|a| a < 16);
    match q.fact {
        "member.disability_grade" => m.disability_kind.is_some_and(|k| k.as_str() != "none"),
        "member.can_work"
        | "member.working_outside_county"
        | "member.tied_to_home"
        | "member.public_job"
        | "member.pension_insured"
        | "member.pension_drawing" => !child,
        "member.left_behind_child" | "member.orphan" | "member.de_facto_unsupported_child" => {
            age.is_some_and(|a| a < 18)
        }
        // Age comes right after relation, before anything that depends on it.
        "member.relation" | "member.age" => true,
        _ => age.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{PolicyResult, Status};
    use chrono::NaiveDate;

    fn eval_with(missing: &[&[&str]]) -> Evaluation {
        Evaluation {
            as_of: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            rules_version: "t".into(),
            region: Region::Qinghai,
            results: missing
                .iter()
                .enumerate()
                .map(|(i, m)| PolicyResult {
                    id: format!("p{i}"),
                    status: Status::Maybe,
                    title: String::new(),
                    reasons: vec![],
                    missing_facts: m.iter().map(|s| s.to_string()).collect(),
                    sources: vec![],
                })
                .collect(),
            conflicts: vec![],
        }
    }

    #[test]
    fn asks_the_fact_that_settles_most_policies() {
        let e = eval_with(&[
            &["household.dibao"],
            &["household.dibao", "household.tekun"],
            &["household.tekun", "household.water_unsafe"],
            &["household.water_unsafe"],
            &["household.water_unsafe"],
        ]);
        let ask = next_question(&Facts::default(), &e, &BTreeSet::new()).unwrap();
        assert_eq!(ask.path(), "household.water_unsafe");
    }

    #[test]
    fn ties_follow_the_bank_order_and_skips_are_respected() {
        let e = eval_with(&[&["household.tekun", "household.dibao"]]);
        assert_eq!(
            next_question(&Facts::default(), &e, &BTreeSet::new())
                .unwrap()
                .path(),
            "household.dibao"
        );
        let skipped: BTreeSet<String> = ["household.dibao".to_string()].into();
        assert_eq!(
            next_question(&Facts::default(), &e, &skipped)
                .unwrap()
                .path(),
            "household.tekun"
        );
        let all: BTreeSet<String> =
            ["household.dibao".to_string(), "household.tekun".to_string()].into();
        assert_eq!(next_question(&Facts::default(), &e, &all), None);
    }

    #[test]
    fn follow_ups_wait_for_the_answer_they_follow() {
        let e = eval_with(&[&["household.monitor_type", "household.poverty_status"]]);
        let unknown = Facts::default();
        assert_eq!(
            next_question(&unknown, &e, &BTreeSet::new())
                .unwrap()
                .path(),
            "household.poverty_status"
        );
        let skipped: BTreeSet<String> = ["household.poverty_status".to_string()].into();
        assert_eq!(
            next_question(&unknown, &e, &skipped),
            None,
            "no monitor type for a household that does not know its status"
        );
    }

    #[test]
    fn members_and_member_questions() {
        let e = eval_with(&[&["members"]]);
        assert_eq!(
            next_question(&Facts::default(), &e, &BTreeSet::new()),
            Some(Ask::Members)
        );
        let facts = Facts::from_json(r#"{"members":[{"age":8}]}"#).unwrap();
        let e = eval_with(&[&["members[0].can_work", "members[0].school_stage"]]);
        assert_eq!(
            next_question(&facts, &e, &BTreeSet::new()).unwrap().path(),
            "members[0].school_stage",
            "no work question for a child of 8"
        );
    }
}
