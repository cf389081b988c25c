//! Which question to ask next. The questionnaire asks only what can still change a result for
//! this household and region: the facts named in the `missing_facts` of its "maybe" results,
//! the one that settles the most policies first. The wording lives in the app's message
//! catalogue under `q.<fact>`; this module only knows facts, answers and order.
use crate::engine::{Evaluation, Status};
use crate::facts::{Facts, Region};
use crate::path::FactPath;
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

/// Member facts asked of the whole household at once where the answer is usually the same for
/// everyone: 「家里有人得了大病、重病吗？是谁？」 on one screen, the people to pick from listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    /// The member fact (`member.serious_illness`).
    pub fact: &'static str,
    /// The value stored for the people picked (JSON); `None`: each of them is then asked the
    /// member question (which kind of disability, which diseases).
    pub picked: Option<&'static str>,
    /// The value stored for everyone else asked (JSON).
    pub others: &'static str,
}

const fn g(fact: &'static str, picked: Option<&'static str>, others: &'static str) -> Group {
    Group {
        fact,
        picked,
        others,
    }
}

/// The grouped member facts. Insurance is asked the way round where the answer is usually 「没有」
/// (「家里有人没交合作医疗吗？」: the people picked are the ones not insured).
pub const GROUPS: &[Group] = &[
    g("member.can_work", None, r#""full""#),
    g("member.serious_illness", Some("true"), "false"),
    g("member.disability_kind", None, r#""none""#),
    g("member.self_care", None, r#""full""#),
    g("member.chronic_disease", None, "[]"),
    g("member.working_outside_county", Some("true"), "false"),
    g("member.tied_to_home", Some("true"), "false"),
    g("member.public_job", None, r#""none""#),
    g("member.medical_insured", Some("false"), "true"),
    g("member.pension_insured", Some("false"), "true"),
    g("member.pension_drawing", Some("true"), "false"),
    g("member.left_behind_child", Some("true"), "false"),
    g("member.orphan", Some("true"), "false"),
    g("member.de_facto_unsupported_child", Some("true"), "false"),
];

impl Group {
    /// The value stored for the people picked, if it is stored at once.
    pub fn picked_value(&self) -> Option<serde_json::Value> {
        self.picked
            .map(|v| serde_json::from_str(v).expect("a JSON literal"))
    }

    /// The value stored for everyone else asked.
    pub fn others_value(&self) -> serde_json::Value {
        serde_json::from_str(self.others).expect("a JSON literal")
    }

    /// `serious_illness`.
    pub fn name(&self) -> &'static str {
        &self.fact["member.".len()..]
    }
}

/// The group of a member fact, if it is asked of the household at once.
pub fn group(fact: &str) -> Option<&'static Group> {
    GROUPS.iter().find(|g| g.fact == fact)
}

/// Questions put on one screen when several of them are open at once, each as a row answered in
/// place (「家里现在是低保户吗？」 有 / 没有 / 不清楚, 「家里有人得了大病吗？」 and who): questions about
/// the same part of a household's life, which a household answers from the same knowledge. A row
/// left unanswered is 「不清楚」, never "no".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Topic {
    /// `support`: the screen's address is `topic.support`, its words `q.t.support.title`.
    pub name: &'static str,
    /// The facts of its rows, in the order shown (household facts, or member facts of [`GROUPS`]).
    pub facts: &'static [&'static str],
}

/// The screens of several questions.
pub const TOPICS: &[Topic] = &[
    Topic {
        name: "support",
        facts: &[
            "household.dibao",
            "household.tekun",
            "household.low_income_family",
            "household.basic_living_hardship",
            "household.returned_to_poverty",
            "household.income_drop_sharp",
            "household.relocated",
            "household.poverty_assets",
        ],
    },
    Topic {
        name: "health",
        facts: &[
            "member.serious_illness",
            "member.chronic_disease",
            "member.disability_kind",
            "member.self_care",
        ],
    },
    Topic {
        name: "work",
        facts: &[
            "member.can_work",
            "member.working_outside_county",
            "member.tied_to_home",
            "member.public_job",
            "household.credit_need",
        ],
    },
    Topic {
        name: "home",
        facts: &[
            "household.housing_unsafe",
            "household.water_unsafe",
            "household.toilet_unimproved",
            "household.adobe_house",
        ],
    },
    Topic {
        name: "insurance",
        facts: &[
            "member.medical_insured",
            "member.pension_insured",
            "member.pension_drawing",
        ],
    },
    Topic {
        name: "children",
        facts: &[
            "member.left_behind_child",
            "member.orphan",
            "member.de_facto_unsupported_child",
        ],
    },
];

/// The topic a fact is shown under with others, if any.
pub fn topic_of(fact: &str) -> Option<&'static Topic> {
    TOPICS.iter().find(|t| t.facts.contains(&fact))
}

/// The topic of a screen address (`topic.support`).
pub fn topic_named(path: &str) -> Option<&'static Topic> {
    let name = path.strip_prefix("topic.")?;
    TOPICS.iter().find(|t| t.name == name)
}

/// The most answers a choice may have to be a row of a topic screen (more get a screen of their own).
const MOST_ROW_CHOICES: usize = 4;

/// The next thing to ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ask {
    /// A household question.
    Household(Question),
    /// A question about member `index` (0-based).
    Member(usize, Question),
    /// A member question asked of the whole household at once (see [`GROUPS`]): who, if anyone.
    Anyone(Question),
    /// Who lives in the household is unknown: start adding members.
    Members,
    /// Several open questions of one topic on one screen, each a row ([`Ask::Household`],
    /// [`Ask::Anyone`] or [`Ask::Member`]).
    Topic(&'static Topic, Vec<Ask>),
}

impl Ask {
    /// The fact path this question settles, as in `missing_facts` (`members[1].age`); a
    /// household-wide member question is `anyone.<fact>`.
    pub fn path(&self) -> String {
        match self {
            Ask::Household(q) if q.fact == "household.rigid_expense" => {
                "household.rigid_expense_total".into()
            }
            Ask::Household(q) => q.fact.into(),
            Ask::Member(i, q) => format!("members[{i}].{}", &q.fact["member.".len()..]),
            Ask::Anyone(q) => format!("anyone.{}", &q.fact["member.".len()..]),
            Ask::Members => "members".into(),
            Ask::Topic(t, _) => format!("topic.{}", t.name),
        }
    }

    /// The question's fact (`household.dibao`, `member.age`), if it asks one.
    pub fn fact(&self) -> Option<&'static str> {
        match self {
            Ask::Household(q) | Ask::Member(_, q) | Ask::Anyone(q) => Some(q.fact),
            Ask::Members | Ask::Topic(..) => None,
        }
    }

    /// Whether the question can be a row of a topic screen: its fact is in a topic and its answer
    /// fits in a row (yes / no, a short choice, or who in the household).
    pub fn fits_in_a_row(&self) -> bool {
        let Some(fact) = self.fact() else {
            return false;
        };
        if topic_of(fact).is_none() {
            return false;
        }
        match self {
            Ask::Anyone(_) => true,
            Ask::Household(q) | Ask::Member(_, q) => match q.answer {
                YesNo => true,
                Choice(values) => values.len() <= MOST_ROW_CHOICES,
                _ => false,
            },
            Ask::Members | Ask::Topic(..) => false,
        }
    }
}

/// The question bank's entry for a fact path of `missing_facts`, as asked: `members[1].disabled`
/// is asked as the kind of disability, the rigid expenses as their amounts. With the path the
/// answer is stored at.
pub fn question_for(path: &str) -> Option<(String, Question)> {
    match FactPath::parse(path)? {
        FactPath::Household(name) if name.starts_with("rigid_expense") => {
            let q = HOUSEHOLD_QUESTIONS
                .iter()
                .find(|q| q.fact == "household.rigid_expense")?;
            Some(("household.rigid_expense_total".into(), *q))
        }
        FactPath::Household(_) | FactPath::Top(_) => HOUSEHOLD_QUESTIONS
            .iter()
            .find(|q| q.fact == path)
            .map(|q| (path.to_string(), *q)),
        FactPath::Member(i, name) => {
            let name = if name == "disabled" {
                "disability_kind"
            } else {
                name
            };
            let fact = format!("member.{name}");
            let q = MEMBER_QUESTIONS.iter().find(|q| q.fact == fact)?;
            Some((format!("members[{i}].{name}"), *q))
        }
        FactPath::Members => None,
    }
}

/// The answers a question can be given, for trying them against the rules; `None` where they
/// cannot be listed (numbers, text).
fn possible_answers(q: &Question) -> Option<Vec<serde_json::Value>> {
    use serde_json::Value;
    match q.answer {
        YesNo => Some(vec![Value::Bool(true), Value::Bool(false)]),
        Choice(values) => Some(
            values
                .iter()
                .map(|v| match v.parse::<i64>() {
                    Ok(n) => Value::from(n),
                    Err(_) => Value::from(*v),
                })
                .collect(),
        ),
        Multi(values) => Some(
            std::iter::once(Value::Array(vec![]))
                .chain(values.iter().map(|v| Value::Array(vec![Value::from(*v)])))
                .collect(),
        ),
        Number { .. } | Text => None,
    }
}

/// Above this many combinations of the open answers of one policy, each of them counts as able to
/// change it (trying them all would take too long on a cheap phone).
const MOST_TRIED: usize = 512;

/// For each question (by the path it settles), how many "maybe" results its answer can still
/// change: a fact counts for a result only if, for some answers to that result's other open
/// questions (「不清楚」 among them), giving it one answer or another changes the result's status.
/// Facts whose answers cannot be listed (amounts, ages, who lives here) always count.
fn decisive(facts: &Facts, evaluation: &Evaluation) -> BTreeMap<String, usize> {
    let rules = crate::engine::rules();
    let set_aside: BTreeSet<&String> = evaluation.conflicts.iter().flat_map(|c| &c.paths).collect();
    let implied = rules.implied(facts);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for r in evaluation
        .results
        .iter()
        .filter(|r| r.status == Status::Maybe)
    {
        // The open questions of this result, each with its answers if they can be listed.
        let mut open: Vec<(String, Option<Vec<serde_json::Value>>)> = Vec::new();
        for path in &r.missing_facts {
            if set_aside.contains(path) {
                continue;
            }
            let (asked, answers) = match question_for(path) {
                Some((asked, q)) => {
                    let answers = possible_answers(&q);
                    (asked, answers)
                }
                None => (path.clone(), None),
            };
            if !open.iter().any(|(p, _)| *p == asked) {
                open.push((asked, answers));
            }
        }
        let sizes: Option<Vec<usize>> = open
            .iter()
            .map(|(_, a)| a.as_ref().map(|a| a.len() + 1))
            .collect();
        let combinations = sizes
            .as_ref()
            .and_then(|s| s.iter().try_fold(1usize, |acc, n| acc.checked_mul(*n)));
        let changing: Vec<bool> = match (sizes, combinations) {
            (Some(sizes), Some(n)) if n <= MOST_TRIED && !open.is_empty() => {
                try_answers(rules, &r.id, &implied, &open, &sizes, n)
                    .unwrap_or_else(|| vec![true; open.len()])
            }
            _ => vec![true; open.len()],
        };
        for ((path, _), counts_here) in open.iter().zip(changing) {
            if counts_here {
                *counts.entry(path.clone()).or_default() += 1;
            }
        }
    }
    counts
}

/// Tries every combination of answers (digit 0: 「不清楚」) to the open questions of one policy;
/// for each question, whether its answer changes the policy's status for some answers to the
/// others. `None` if the policy cannot be tried (not in the rules, or an answer does not fit).
fn try_answers(
    rules: &crate::engine::Rules,
    id: &str,
    facts: &Facts,
    open: &[(String, Option<Vec<serde_json::Value>>)],
    sizes: &[usize],
    n: usize,
) -> Option<Vec<bool>> {
    let paths: Vec<FactPath> = open
        .iter()
        .map(|(p, _)| FactPath::parse(p))
        .collect::<Option<_>>()?;
    let mut statuses = Vec::with_capacity(n);
    for index in 0..n {
        let mut f = facts.clone();
        let mut rest = index;
        for (k, (_, answers)) in open.iter().enumerate() {
            let digit = rest % sizes[k];
            rest /= sizes[k];
            if digit > 0 {
                let value = &answers.as_ref()?[digit - 1];
                let path = match paths[k] {
                    FactPath::Household("rigid_expense_total") => {
                        return None;
                    }
                    p => p,
                };
                f.set(&path, Some(value)).ok()?;
            }
        }
        statuses.push(rules.status_of(id, &f)?);
    }
    // A question matters if, with the others fixed, some answer differs from 「不清楚」.
    let mut changing = vec![false; open.len()];
    let mut stride = 1;
    for (k, size) in sizes.iter().enumerate() {
        changing[k] = (0..n).any(|index| {
            let digit = (index / stride) % size;
            digit > 0 && statuses[index] != statuses[index - digit * stride]
        });
        stride *= size;
    }
    Some(changing)
}

/// The members a household-wide question is put about: those whose answer is still open, not
/// skipped, and for whom the question makes sense.
pub fn group_members(q: &Question, facts: &Facts, skipped: &BTreeSet<String>) -> Vec<usize> {
    let implied = crate::engine::rules().implied(facts);
    let name = &q.fact["member.".len()..];
    implied
        .members
        .iter()
        .flatten()
        .enumerate()
        .filter(|(i, m)| {
            matches!(m.get(q.fact), Some(crate::facts::FactValue::Unknown))
                && !skipped.contains(&format!("members[{i}].{name}"))
                && member_question_makes_sense(q, m)
        })
        .map(|(i, _)| i)
        .collect()
}

/// Every question still open, each with how many results its answer can change, in the order
/// they are asked when equally decisive: who lives here, household questions, member questions
/// (asked of the whole household at once where [`GROUPS`] says so and two or more people are asked).
fn open_questions(
    facts: &Facts,
    evaluation: &Evaluation,
    skipped: &BTreeSet<String>,
) -> Vec<(Ask, usize)> {
    let counts = decisive(facts, evaluation);
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
    let members: Vec<crate::facts::Member> = crate::engine::rules()
        .implied(facts)
        .members
        .clone()
        .unwrap_or_default();
    for q in MEMBER_QUESTIONS {
        let mut each: Vec<(Ask, usize)> = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let ask = Ask::Member(i, *q);
            let n = counts.get(&ask.path()).copied().unwrap_or(0);
            if n > 0 && !skipped.contains(&ask.path()) && member_question_makes_sense(q, member) {
                each.push((ask, n));
            }
        }
        let whole = Ask::Anyone(*q);
        if group(q.fact).is_some()
            && each.len() >= 2
            && !skipped.contains(&whole.path())
            && group_members(q, facts, skipped).len() >= 2
        {
            let n = each.iter().map(|(_, n)| n).sum();
            open.push((whole, n));
        } else {
            open.extend(each);
        }
    }
    open
}

/// The question whose answer can change the most "maybe" results; `None` when nothing is left
/// to ask. `skipped` holds the paths the household answered 「不清楚」 or chose to skip, and the
/// household-wide questions already answered (`anyone.serious_illness`).
pub fn next_question(
    facts: &Facts,
    evaluation: &Evaluation,
    skipped: &BTreeSet<String>,
) -> Option<Ask> {
    let open = open_questions(facts, evaluation, skipped);
    // Most decisive first; the bank order breaks ties (max_by_key would take the last).
    let best = open.iter().map(|(_, n)| *n).max()?;
    let ask = open
        .iter()
        .find(|(_, n)| *n == best)
        .map(|(a, _)| a.clone())?;
    // Asked with the other open questions of its topic, if there are any.
    let topic = ask
        .fact()
        .and_then(topic_of)
        .filter(|_| ask.fits_in_a_row());
    if let Some(topic) = topic {
        let rows = rows_of(topic, open.into_iter().map(|(a, _)| a));
        if rows.len() >= 2 {
            return Some(Ask::Topic(topic, rows));
        }
    }
    Some(ask)
}

/// The questions among `asks` that are rows of `topic`, in the topic's order.
fn rows_of(topic: &Topic, asks: impl IntoIterator<Item = Ask>) -> Vec<Ask> {
    let mut rows: Vec<Ask> = asks
        .into_iter()
        .filter(|a| a.fits_in_a_row() && a.fact().and_then(topic_of) == Some(topic))
        .collect();
    let place = |a: &Ask| topic.facts.iter().position(|f| Some(*f) == a.fact());
    rows.sort_by_key(|a| (place(a), a.path()));
    rows
}

/// The rows a topic screen shows now: its questions still open.
pub fn topic_rows(
    topic: &Topic,
    facts: &Facts,
    evaluation: &Evaluation,
    skipped: &BTreeSet<String>,
) -> Vec<Ask> {
    rows_of(
        topic,
        open_questions(facts, evaluation, skipped)
            .into_iter()
            .map(|(a, _)| a),
    )
}

/// About how many screens are left: the questions open now, those of one topic counted once
/// (answers may open or close others).
pub fn questions_left(facts: &Facts, evaluation: &Evaluation, skipped: &BTreeSet<String>) -> usize {
    let open = open_questions(facts, evaluation, skipped);
    let topics: BTreeSet<&str> = open
        .iter()
        .filter(|(a, _)| a.fits_in_a_row())
        .filter_map(|(a, _)| a.fact().and_then(topic_of).map(|t| t.name))
        .collect();
    open.iter().filter(|(a, _)| !a.fits_in_a_row()).count() + topics.len()
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

/// Whether a member question makes sense for this person (no work question for a child, no
/// disability grade without a kind …).
pub fn member_question_makes_sense(q: &Question, m: &crate::facts::Member) -> bool {
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
        let e = eval_with(&[&[
            "household.income_per_capita_yuan",
            "household.livestock_head",
        ]]);
        assert_eq!(
            next_question(&Facts::default(), &e, &BTreeSet::new())
                .unwrap()
                .path(),
            "household.livestock_head"
        );
        let skipped: BTreeSet<String> = ["household.livestock_head".to_string()].into();
        assert_eq!(
            next_question(&Facts::default(), &e, &skipped)
                .unwrap()
                .path(),
            "household.income_per_capita_yuan"
        );
        let all: BTreeSet<String> = [
            "household.livestock_head".to_string(),
            "household.income_per_capita_yuan".to_string(),
        ]
        .into();
        assert_eq!(next_question(&Facts::default(), &e, &all), None);
    }

    #[test]
    fn open_questions_of_one_topic_share_a_screen() {
        let e = eval_with(&[
            &["household.tekun", "household.dibao"],
            &["household.dibao"],
        ]);
        let ask = next_question(&Facts::default(), &e, &BTreeSet::new()).unwrap();
        assert_eq!(ask.path(), "topic.support");
        let Ask::Topic(_, rows) = ask else {
            unreachable!()
        };
        let paths: Vec<String> = rows.iter().map(Ask::path).collect();
        assert_eq!(paths, ["household.dibao", "household.tekun"]);
        assert_eq!(questions_left(&Facts::default(), &e, &BTreeSet::new()), 1);
        let skipped: BTreeSet<String> = ["household.dibao".to_string()].into();
        assert_eq!(
            next_question(&Facts::default(), &e, &skipped)
                .unwrap()
                .path(),
            "household.tekun",
            "one open question of a topic has its own screen"
        );
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
