//! Answers that do not fit together (`data/consistency.toml`): a child drawing a pension, a small
//! child at college, 低保 and 特困 at once. A check that fires is reported with the evaluation,
//! and the facts it names are set aside (read as unknown) before any policy is decided, so an impossible
//! combination never decides a result. The checks are data in the condition language, so that
//! more can be added without code.
use crate::expr::{self, Expr, Terms, Truth};
use crate::facts::{household_fact_info, member_fact_info, Facts};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Household,
    /// Checked for each member, with member facts used without a quantifier.
    Member,
}

/// One check of `data/consistency.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Check {
    pub id: String,
    pub scope: Scope,
    pub when: String,
    pub set_aside: Vec<String>,
    pub message: String,
    #[serde(default)]
    pub note: String,
}

/// A check that fired for this household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub id: String,
    pub message: String,
    /// The person it is about (0-based), for a member check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<usize>,
    /// The answers set aside, as fact paths (`household.dibao`, `members[0].age`).
    pub paths: Vec<String>,
}

/// Facts that cannot be set aside: those worked out from others or read by them (masking one
/// would leave the other known), and the top-level facts read outside the conditions.
const NOT_SET_ASIDE: [&str; 7] = [
    "member_count",
    "household.rigid_expense_total",
    "member.disabled",
    "member.disability_grade",
    "member.disability_kind",
    "region",
    "county_exit_year",
];

/// The checks, parsed.
#[derive(Debug, Clone, Default)]
pub struct Checks(Vec<(Check, Expr)>);

impl Checks {
    /// Parses and checks every record; every problem is listed.
    pub fn compile(checks: &[Check], terms: &Terms) -> Result<Checks, Vec<String>> {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        let mut ids = BTreeSet::new();
        for c in checks {
            if !ids.insert(&c.id) {
                errors.push(format!("check {}: id used twice", c.id));
            }
            let member = c.scope == Scope::Member;
            let e = match expr::parse(&c.when)
                .map_err(|e| e.to_string())
                .and_then(|e| expr::check(&e, terms, member).map(|_| e))
            {
                Ok(e) => e,
                Err(msg) => {
                    errors.push(format!("check {}: when = '{}': {msg}", c.id, c.when));
                    continue;
                }
            };
            let read = reads(&e, terms);
            for fact in &c.set_aside {
                let known = if member {
                    member_fact_info(fact).is_some()
                } else {
                    household_fact_info(fact).is_some()
                };
                if !known
                    || NOT_SET_ASIDE.contains(&fact.as_str())
                    || fact.contains("rigid_expense")
                {
                    errors.push(format!(
                        "check {}: cannot set aside {fact:?} (not a stored {} fact)",
                        c.id,
                        if member { "member" } else { "household" }
                    ));
                } else if !read.contains(fact) {
                    errors.push(format!(
                        "check {}: sets aside {fact:?}, which its condition does not read",
                        c.id
                    ));
                }
            }
            if c.set_aside.is_empty() || c.message.trim().is_empty() {
                errors.push(format!("check {}: needs `set_aside` and a `message`", c.id));
            }
            out.push((c.clone(), e));
        }
        if errors.is_empty() {
            Ok(Checks(out))
        } else {
            Err(errors)
        }
    }

    /// Every check that fires for these facts (a known "yes"; unknown never fires).
    pub fn conflicts(&self, facts: &Facts, terms: &Terms) -> Vec<Conflict> {
        let mut out = Vec::new();
        for (c, e) in &self.0 {
            match c.scope {
                Scope::Household => {
                    if expr::evaluate(e, facts, terms).truth == Truth::Yes {
                        out.push(Conflict {
                            id: c.id.clone(),
                            message: c.message.clone(),
                            member: None,
                            paths: c.set_aside.clone(),
                        });
                    }
                }
                Scope::Member => {
                    for i in 0..facts.members.as_ref().map_or(0, Vec::len) {
                        if expr::evaluate_member(e, facts, terms, i).truth == Truth::Yes {
                            out.push(Conflict {
                                id: c.id.clone(),
                                message: c.message.clone(),
                                member: Some(i),
                                paths: c
                                    .set_aside
                                    .iter()
                                    .map(|f| format!("members[{i}].{}", &f["member.".len()..]))
                                    .collect(),
                            });
                        }
                    }
                }
            }
        }
        out
    }
}

/// The fact paths these conflicts set aside: the conditions read them as unknown
/// (`expr::evaluate_masked`), so the facts themselves are never changed.
pub fn mask(conflicts: &[Conflict]) -> BTreeSet<String> {
    conflicts
        .iter()
        .flat_map(|c| c.paths.iter().cloned())
        .collect()
}

/// The facts a condition reads, through the terms it uses.
fn reads(e: &Expr, terms: &Terms) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    collect(e, terms, &mut out, 0);
    out
}

fn collect(e: &Expr, terms: &Terms, out: &mut BTreeSet<String>, depth: usize) {
    if depth > 16 {
        return;
    }
    match e {
        Expr::Fact(name) => drop(out.insert(name.clone())),
        Expr::Term(t) => {
            if let Some(body) = terms.household.get(t).or_else(|| terms.member.get(t)) {
                collect(body, terms, out, depth + 1);
            }
        }
        Expr::Not(a) | Expr::Quant(_, a) => collect(a, terms, out, depth),
        Expr::And(items) | Expr::Or(items) | Expr::List(items) => {
            items.iter().for_each(|i| collect(i, terms, out, depth))
        }
        Expr::Cmp(a, _, b) | Expr::Add(a, b) | Expr::Mul(a, b) => {
            collect(a, terms, out, depth);
            collect(b, terms, out, depth);
        }
        Expr::Bool(_) | Expr::Num(_) | Expr::Str(_) => {}
    }
}
