//! What a person's age already says about other answers (`data/implications.toml`): applied to
//! the facts before anything is decided, so that the rules, the questionnaire and the tests read
//! the same household. An implication fills in only what is unknown; it never overwrites an
//! answer (answers that contradict it are `consistency`'s business).
use crate::expr::{self, Expr, Terms, Truth};
use crate::facts::{member_fact_info, FactValue, Facts, Member};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// One record of `data/implications.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Implication {
    pub id: String,
    /// A member condition: when it is a known "yes" for a person, `set` holds for them.
    pub when: String,
    /// Member fact names (as in the facts JSON) and the value each is taken to have.
    pub set: BTreeMap<String, Value>,
    /// Why, in plain Chinese.
    pub reason: String,
    /// The five documents do not say it: the app's own reading.
    #[serde(default)]
    pub app_assumption: bool,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawImplications {
    #[serde(default)]
    pub implication: Vec<Implication>,
}

/// The implications, their conditions parsed.
#[derive(Debug, Clone, Default)]
pub struct Implications(Vec<(Implication, Expr)>);

/// Facts an implication may not set: who someone is, and what is worked out from other answers.
const NOT_IMPLIED: [&str; 3] = ["relation", "age", "disabled"];

impl Implications {
    /// Parses and checks every record; every problem is listed.
    pub fn compile(list: &[Implication], terms: &Terms) -> Result<Implications, Vec<String>> {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for imp in list {
            let e = match expr::parse(&imp.when)
                .map_err(|e| e.to_string())
                .and_then(|e| expr::check(&e, terms, true).map(|_| e))
            {
                Ok(e) => e,
                Err(msg) => {
                    errors.push(format!(
                        "implication {}: when = '{}': {msg}",
                        imp.id, imp.when
                    ));
                    continue;
                }
            };
            if imp.set.is_empty() || imp.reason.trim().is_empty() {
                errors.push(format!(
                    "implication {}: needs `set` and a `reason`",
                    imp.id
                ));
            }
            if out
                .iter()
                .any(|(o, _): &(Implication, Expr)| o.id == imp.id)
            {
                errors.push(format!("implication {}: id used twice", imp.id));
            }
            for (name, value) in &imp.set {
                let full = format!("member.{name}");
                if member_fact_info(&full).is_none() || NOT_IMPLIED.contains(&name.as_str()) {
                    errors.push(format!(
                        "implication {}: cannot set {name:?} (not a stored member fact)",
                        imp.id
                    ));
                } else if let Err(msg) = Member::default().set(name, Some(value)) {
                    errors.push(format!("implication {}: {msg}", imp.id));
                }
                if imp.when.contains(&full) {
                    errors.push(format!(
                        "implication {}: sets {name:?}, which its condition reads",
                        imp.id
                    ));
                }
            }
            out.push((imp.clone(), e));
        }
        if errors.is_empty() {
            Ok(Implications(out))
        } else {
            Err(errors)
        }
    }

    /// The records, in the order of the file.
    pub fn records(&self) -> impl Iterator<Item = &Implication> {
        self.0.iter().map(|(i, _)| i)
    }

    /// Every fact an implication speaks of for these facts, known or not: (member index, fact
    /// name, value, id), the first implication to speak of a fact winning. Read on the facts as
    /// given (implications do not follow from each other).
    pub fn covered(&self, facts: &Facts, terms: &Terms) -> Vec<(usize, String, Value, String)> {
        let mut out: Vec<(usize, String, Value, String)> = Vec::new();
        for i in 0..facts.members.as_ref().map_or(0, Vec::len) {
            for (imp, e) in &self.0 {
                if expr::evaluate_member(e, facts, terms, i).truth != Truth::Yes {
                    continue;
                }
                for (name, value) in &imp.set {
                    if !out.iter().any(|(j, n, _, _)| *j == i && n == name) {
                        out.push((i, name.clone(), value.clone(), imp.id.clone()));
                    }
                }
            }
        }
        out
    }

    /// What the implications fill in for these facts: the facts of [`Implications::covered`]
    /// still unknown.
    pub fn implied(&self, facts: &Facts, terms: &Terms) -> Vec<(usize, String, Value, String)> {
        let members = facts.members.as_deref().unwrap_or_default();
        self.covered(facts, terms)
            .into_iter()
            .filter(|(i, name, _, _)| {
                matches!(
                    members[*i].get(&format!("member.{name}")),
                    Some(FactValue::Unknown)
                )
            })
            .collect()
    }

    /// The facts with what they imply filled in (borrowed when nothing is implied).
    pub fn apply<'a>(&self, facts: &'a Facts, terms: &Terms) -> Cow<'a, Facts> {
        let implied = self.implied(facts, terms);
        if implied.is_empty() {
            return Cow::Borrowed(facts);
        }
        let mut out = facts.clone();
        let members = out
            .members
            .as_mut()
            .expect("implied facts are about members");
        for (i, name, value, _) in implied {
            members[i]
                .set(&name, Some(&value))
                .expect("checked when the rules load");
        }
        Cow::Owned(out)
    }
}
