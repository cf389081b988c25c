//! The questionnaire played against a household whose facts are known: each question is
//! answered from the facts (「不清楚」 where a fact is absent), in the order the app asks them, until
//! nothing is left to ask. `xiangqin-rules interview` prints the result; the tests hold the number
//! of screens a household answers to a ceiling and its results to those of `eval`.
use crate::engine::{rules, EvalError, Evaluation};
use crate::facts::Facts;
use crate::path::FactPath;
use crate::questions::{group, group_members, next_question, Ask};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// What the household went through.
#[derive(Debug, Clone)]
pub struct Interview {
    /// One key per screen answered, in order: `region`, `members[0].relation`, `household.dibao` …
    pub questions: Vec<String>,
    /// The results on the facts the questionnaire gathered.
    pub evaluation: Evaluation,
}

impl Interview {
    /// The number of screens answered (region and member screens included).
    pub fn count(&self) -> usize {
        self.questions.len()
    }
}

/// The value at a path of facts JSON, if given (`null` is not given).
fn lookup<'a>(facts: &'a Value, path: &FactPath) -> Option<&'a Value> {
    facts.pointer(&path.pointer()).filter(|v| !v.is_null())
}

/// Sets a value at a path of facts JSON, making the objects on the way.
fn put(facts: &mut Value, path: &FactPath, value: Value) {
    let pointer = path.pointer();
    let mut at = facts;
    let parts: Vec<&str> = pointer[1..].split('/').collect();
    for (n, part) in parts.iter().enumerate() {
        let last = n + 1 == parts.len();
        at = match at {
            Value::Array(items) => {
                let i: usize = part.parse().expect("a member index");
                &mut items[i]
            }
            other => {
                if !other.is_object() {
                    *other = Value::Object(Map::new());
                }
                let map = other.as_object_mut().expect("an object");
                if last {
                    map.insert(part.to_string(), value);
                    return;
                }
                map.entry(part.to_string())
                    .or_insert(Value::Object(Map::new()))
            }
        };
    }
}

/// Plays the questionnaire against `truth` (household facts with a region and a date).
pub fn interview(truth: &Facts) -> Result<Interview, EvalError> {
    let truth_json = serde_json::to_value(truth).expect("facts serialize");
    let region = truth.region.ok_or(EvalError::MissingRegion)?;
    let as_of = truth.as_of.ok_or(EvalError::MissingDate)?;
    let mut known = json!({"region": region.key(), "as_of": as_of.to_string()});
    let mut questions = vec!["region".to_string()];
    let mut skipped: BTreeSet<String> = BTreeSet::new();
    loop {
        let facts = Facts::from_value(known.clone()).expect("facts taken from valid facts");
        let evaluation = rules().evaluate(&facts)?;
        let Some(ask) = next_question(&facts, &evaluation, &skipped) else {
            return Ok(Interview {
                questions,
                evaluation,
            });
        };
        match ask {
            Ask::Members => {
                match &truth.members {
                    None => {
                        skipped.insert("members".into());
                    }
                    Some(members) => {
                        // One screen per person (relation and age together), then the list's
                        // 「都加好了」.
                        let mut listed = Vec::new();
                        for i in 0..members.len() {
                            let mut person = Map::new();
                            for name in ["relation", "age"] {
                                if let Some(v) = lookup(&truth_json, &FactPath::Member(i, name)) {
                                    person.insert(name.into(), v.clone());
                                }
                            }
                            questions.push(format!("members[{i}]"));
                            listed.push(Value::Object(person));
                        }
                        known["members"] = Value::Array(listed);
                    }
                }
                questions.push("members".into());
            }
            Ask::Topic(_, ref rows) => {
                // One screen, each row answered in place; a member's kind (which disease, how
                // much work) is picked in the row too.
                questions.push(ask.path());
                for row in rows {
                    answer(row, &facts, &truth_json, &mut known, &mut skipped, true);
                }
            }
            ask => {
                questions.push(ask.path());
                answer(&ask, &facts, &truth_json, &mut known, &mut skipped, false);
            }
        }
    }
}

/// Answers one question from the truth: stores what is known, marks the rest 「不清楚」. A
/// household-wide question stores the usual answer of those not picked, and the answer of those
/// picked where it has one value (or, `in_row`, where the row asks which one).
fn answer(
    ask: &Ask,
    facts: &Facts,
    truth: &Value,
    known: &mut Value,
    skipped: &mut BTreeSet<String>,
    in_row: bool,
) {
    match ask {
        Ask::Anyone(q) => {
            // Who, if anyone, when everyone asked is known; else 「不清楚」, and each person is
            // asked on their own.
            let g = group(q.fact).expect("grouped questions have a group");
            let asked = group_members(q, facts, skipped);
            skipped.insert(ask.path());
            let paths: Vec<FactPath> = asked
                .iter()
                .map(|i| FactPath::Member(*i, g.name()))
                .collect();
            let values: Option<Vec<&Value>> = paths.iter().map(|p| lookup(truth, p)).collect();
            if let Some(values) = values {
                for (p, v) in paths.iter().zip(values) {
                    if *v == g.others_value() || in_row {
                        put(known, p, v.clone());
                    } else if let Some(picked) = g.picked_value() {
                        put(known, p, picked);
                    }
                }
            }
        }
        ask => {
            let path = ask.path();
            // The amounts are asked as a whole; their total is what the rules name.
            let stored = if path == "household.rigid_expense_total" {
                "household.rigid_expense".to_string()
            } else {
                path.clone()
            };
            let at = FactPath::parse(&stored).expect("questions have fact paths");
            match lookup(truth, &at) {
                Some(v) => put(known, &at, v.clone()),
                None => {
                    skipped.insert(path);
                }
            }
        }
    }
}
