//! Silence (`data/needs.toml`): needs a household's answers show — illness, disability, school,
//! housing, water, disaster — that its region's document says nothing about. The results say so in
//! one line instead of inventing a policy.
use crate::engine::{Category, Policy};
use crate::expr::{self, Expr, Terms, Truth};
use crate::facts::{Facts, Region};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// One need of `data/needs.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Need {
    pub id: String,
    pub shows: String,
    #[serde(default)]
    pub categories: Vec<Category>,
    #[serde(default)]
    pub topics: Vec<String>,
}

impl Need {
    /// Whether this policy speaks to the need.
    pub fn answered_by(&self, p: &Policy) -> bool {
        self.categories.contains(&p.category) || self.topics.contains(&p.topic)
    }
}

/// The needs, parsed.
#[derive(Debug, Clone, Default)]
pub struct Needs(Vec<(Need, Expr)>);

impl Needs {
    /// Parses and checks every need against the policies; every problem is listed.
    pub fn compile(
        needs: &[Need],
        terms: &Terms,
        policies: &[Policy],
    ) -> Result<Needs, Vec<String>> {
        let mut out = Vec::new();
        let mut errors = Vec::new();
        for n in needs {
            match expr::parse(&n.shows)
                .map_err(|e| e.to_string())
                .and_then(|e| expr::check(&e, terms, false).map(|_| e))
            {
                Ok(e) => out.push((n.clone(), e)),
                Err(msg) => errors.push(format!("need {}: shows = '{}': {msg}", n.id, n.shows)),
            }
            if n.categories.is_empty() && n.topics.is_empty() {
                errors.push(format!(
                    "need {}: name the categories or topics that speak to it",
                    n.id
                ));
            }
            for t in &n.topics {
                if !policies.iter().any(|p| &p.topic == t) {
                    errors.push(format!("need {}: no policy has topic {t:?}", n.id));
                }
            }
        }
        if errors.is_empty() {
            Ok(Needs(out))
        } else {
            Err(errors)
        }
    }

    /// The needs these facts show that no policy of `region` speaks to, in the data's order.
    /// (`mask`: the answers set aside as not fitting together.)
    pub fn unanswered<'a>(
        &'a self,
        facts: &Facts,
        terms: &Terms,
        mask: &BTreeSet<String>,
        region: Region,
        policies: &[Policy],
    ) -> Vec<&'a Need> {
        self.0
            .iter()
            .filter(|(n, _)| {
                !policies
                    .iter()
                    .any(|p| p.region == region && n.answered_by(p))
            })
            .filter(|(_, e)| expr::evaluate_masked(e, facts, terms, mask).truth == Truth::Yes)
            .map(|(n, _)| n)
            .collect()
    }
}
