//! The questionnaire's answers as the app keeps them: the household facts of the rules
//! (`xiangqin_rules::Facts`, by the same paths), plus what the questionnaire remembers about
//! itself (what was answered 「不清楚」, in which order, the household-wide answers). Saved under
//! [`storage::ANSWERS_KEY`].
use crate::storage::{self, ANSWERS_KEY};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use xiangqin_rules::path::FactPath;
use xiangqin_rules::{Facts, FactsError, Region};

/// The paths of the household-wide member questions' answers: `anyone.serious_illness`.
pub const ANYONE: &str = "anyone.";

/// The household's total income for the year, yuan, as the household gave it (the question asks
/// the total; the rules' per-person income is worked out from it and the people listed).
pub const INCOME_TOTAL: &str = "household.income_total_yuan";
const INCOME_TOTAL_NAME: &str = "income_total_yuan";

/// The answers given so far, in the shape of the rules' household facts
/// (`xiangqin_rules::Facts`: same field names and values; absent = not answered yet), plus what
/// the questionnaire needs to remember about itself.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Answers {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub county_exit_year: Option<i64>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub household: Map<String, Value>,
    /// `None` until the household starts listing who lives in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<Map<String, Value>>>,
    /// The household-wide member questions answered (`serious_illness` → the indices of the people
    /// picked); each person's answer is stored with them too.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub anyone: Map<String, Value>,
    /// Fact paths answered 「不清楚」: they stay unknown and are not asked again.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub unsure: BTreeSet<String>,
    /// Fact paths in the order they were answered, for the back link.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub asked: Vec<String>,
}

impl Answers {
    pub fn is_empty(&self) -> bool {
        *self == Answers::default()
    }

    /// The household facts for the rules, as of `as_of` (the app passes today's date).
    pub fn facts(&self, as_of: NaiveDate) -> Result<Facts, FactsError> {
        // The total income is the household's answer; the rules read the per-person income.
        let mut household = self.household.clone();
        household.remove(INCOME_TOTAL_NAME);
        if let Some(each) = self.income_per_person() {
            household.insert("income_per_capita_yuan".into(), Value::from(each));
        }
        let mut v = serde_json::json!({ "as_of": as_of.to_string(), "household": household });
        if let Some(r) = self.region {
            v["region"] = Value::from(r.key());
        }
        if let Some(y) = self.county_exit_year {
            v["county_exit_year"] = Value::from(y);
        }
        if let Some(m) = &self.members {
            v["members"] = Value::from(m.iter().cloned().map(Value::Object).collect::<Vec<_>>());
        }
        Facts::from_value(v)
    }

    /// The year's income per person: the total the household gave divided by the people listed
    /// (`None` until both are known).
    pub fn income_per_person(&self) -> Option<f64> {
        let total = self.household.get(INCOME_TOTAL_NAME)?.as_f64()?;
        let people = self.members.as_ref().map(Vec::len).filter(|n| *n > 0)?;
        Some((total / people as f64).round())
    }

    /// The fact paths not to ask again: those answered 「不清楚」, and the per-person income
    /// once the total is answered (given, it waits for the people to be listed, not for another
    /// answer; 「不清楚」 is 「不清楚」 for both).
    pub fn not_to_ask(&self) -> BTreeSet<String> {
        let mut out = self.unsure.clone();
        if self.get(INCOME_TOTAL).is_some() || self.unsure.contains(INCOME_TOTAL) {
            out.insert("household.income_per_capita_yuan".into());
        }
        // A household-wide question is asked once; who was picked is asked on their own.
        out.extend(self.anyone.keys().map(|k| format!("{ANYONE}{k}")));
        out
    }

    /// The stored answer at a fact path (`household.dibao`, `members[1].age`, `county_exit_year`,
    /// `anyone.serious_illness`).
    pub fn get(&self, path: &str) -> Option<Value> {
        if let Some(name) = path.strip_prefix(ANYONE) {
            return self.anyone.get(name).cloned();
        }
        match FactPath::parse(path)? {
            FactPath::Top("county_exit_year") => self.county_exit_year.map(Value::from),
            FactPath::Household(name) => self.household.get(name).cloned(),
            FactPath::Member(i, name) => self.members.as_ref()?.get(i)?.get(name).cloned(),
            FactPath::Top(_) | FactPath::Members => None,
        }
        .filter(|v| !v.is_null())
    }

    /// Stores (or, with `None`, forgets) the answer at a fact path; an answer clears 「不清楚」.
    pub fn set(&mut self, path: &str, value: Option<Value>) {
        self.unsure.remove(path);
        if let Some(name) = path.strip_prefix(ANYONE) {
            match value {
                Some(v) => self.anyone.insert(name.to_string(), v),
                None => self.anyone.remove(name),
            };
            return;
        }
        match FactPath::parse(path) {
            Some(FactPath::Top("county_exit_year")) => {
                self.county_exit_year = value.and_then(|v| v.as_i64())
            }
            Some(FactPath::Household(name)) => {
                match value {
                    Some(v) => self.household.insert(name.to_string(), v),
                    None => self.household.remove(name),
                };
            }
            Some(FactPath::Member(i, name)) => {
                if let Some(m) = self.members.as_mut().and_then(|m| m.get_mut(i)) {
                    match value {
                        Some(v) => m.insert(name.to_string(), v),
                        None => m.remove(name),
                    };
                }
            }
            _ => {}
        }
    }

    /// Remembers that this path was answered (for the back link).
    pub fn mark_asked(&mut self, path: &str) {
        self.asked.retain(|p| p != path);
        self.asked.push(path.to_string());
    }

    /// Removes member `index` and every answer and note about them; later members move up.
    pub fn remove_member(&mut self, index: usize) {
        if let Some(m) = self.members.as_mut() {
            if index < m.len() {
                m.remove(index);
            }
        }
        // Who was picked in a household-wide question is asked again of the people left.
        self.anyone.clear();
        let renumber = |p: &String| -> Option<String> {
            match FactPath::parse(p) {
                _ if p.starts_with(ANYONE) => None,
                Some(FactPath::Member(i, _)) if i == index => None,
                Some(FactPath::Member(i, name)) if i > index => {
                    Some(format!("members[{}].{name}", i - 1))
                }
                _ => Some(p.clone()),
            }
        };
        self.unsure = self.unsure.iter().filter_map(renumber).collect();
        self.asked = self.asked.iter().filter_map(renumber).collect();
    }
}

impl Answers {
    /// The answers kept on the device (none if there are none, or unreadable).
    pub fn load() -> Answers {
        storage::load(ANSWERS_KEY).unwrap_or_default()
    }

    /// Saves the answers; no answers means no key at all.
    pub fn save(&self) {
        if self.is_empty() {
            storage::remove(ANSWERS_KEY);
        } else {
            storage::save(ANSWERS_KEY, self);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_as_household_facts() {
        let as_of = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        for region in Region::ALL {
            let answers = Answers {
                region: Some(region),
                ..Default::default()
            };
            let facts = answers
                .facts(as_of)
                .expect("answers must read as household facts");
            assert_eq!(facts.region, Some(region));
            assert_eq!(facts.members, None, "members not asked yet are unknown");
        }
        assert_eq!(serde_json::to_string(&Answers::default()).unwrap(), "{}");
    }

    #[test]
    fn answers_are_set_by_path_and_unsure_stays_unknown() {
        let as_of = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        let mut a = Answers {
            region: Some(Region::Qinghai),
            ..Default::default()
        };
        a.set("household.dibao", Some(Value::Bool(true)));
        a.members = Some(vec![Map::new(), Map::new()]);
        a.set("members[1].age", Some(Value::from(70)));
        a.set("county_exit_year", Some(Value::from(2019)));
        a.unsure.insert("household.tekun".into());
        let f = a.facts(as_of).unwrap();
        assert_eq!(f.household.dibao, Some(true));
        assert_eq!(f.household.tekun, None, "不清楚 is never false");
        assert_eq!(f.members.as_ref().unwrap()[1].age, Some(70));
        assert_eq!(f.county_exit_year, Some(2019));
        assert_eq!(a.get("members[1].age"), Some(Value::from(70)));

        a.mark_asked("members[0].age");
        a.mark_asked("members[1].age");
        a.unsure.insert("members[1].can_work".into());
        a.remove_member(0);
        assert_eq!(a.members.as_ref().unwrap().len(), 1);
        assert_eq!(a.get("members[0].age"), Some(Value::from(70)));
        assert_eq!(a.asked, vec!["members[0].age".to_string()]);
        assert!(a.unsure.contains("members[0].can_work"));
    }

    #[test]
    fn the_total_income_is_divided_by_the_people_listed() {
        let as_of = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        let mut a = Answers {
            region: Some(Region::Shaanxi),
            ..Default::default()
        };
        a.set(INCOME_TOTAL, Some(Value::from(30000)));
        assert_eq!(a.get(INCOME_TOTAL), Some(Value::from(30000)));
        assert_eq!(
            a.facts(as_of).unwrap().household.income_per_capita_yuan,
            None,
            "unknown until the people are listed"
        );
        a.members = Some(vec![Map::new(), Map::new(), Map::new(), Map::new()]);
        assert_eq!(
            a.facts(as_of).unwrap().household.income_per_capita_yuan,
            Some(7500.0)
        );
        a.remove_member(0);
        assert_eq!(
            a.facts(as_of).unwrap().household.income_per_capita_yuan,
            Some(10000.0),
            "follows the list"
        );
        a.set(INCOME_TOTAL, None);
        assert_eq!(
            a.facts(as_of).unwrap().household.income_per_capita_yuan,
            None
        );
    }

    /// Issue 20: the exit year was stored but read back as nothing (missing from the summary,
    /// an empty box on 修改).
    #[test]
    fn the_county_exit_year_reads_back() {
        let mut a = Answers {
            region: Some(Region::InnerMongolia),
            ..Default::default()
        };
        a.set("county_exit_year", Some(Value::from(2019)));
        assert_eq!(a.get("county_exit_year"), Some(Value::from(2019)));
        let stored: Answers = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        assert_eq!(stored.get("county_exit_year"), Some(Value::from(2019)));
        a.set("county_exit_year", None);
        assert_eq!(a.get("county_exit_year"), None);
    }

    #[test]
    fn household_wide_answers_are_kept_and_not_asked_again() {
        let mut a = Answers {
            members: Some(vec![Map::new(), Map::new()]),
            ..Default::default()
        };
        a.set("anyone.serious_illness", Some(serde_json::json!([1])));
        assert_eq!(
            a.get("anyone.serious_illness"),
            Some(serde_json::json!([1]))
        );
        assert!(a.not_to_ask().contains("anyone.serious_illness"));
        a.mark_asked("anyone.serious_illness");
        a.remove_member(0);
        assert_eq!(
            a.get("anyone.serious_illness"),
            None,
            "asked again of who is left"
        );
        assert!(a.asked.is_empty());
    }

    #[test]
    fn unreadable_answers_are_ignored() {
        assert!(serde_json::from_str::<Answers>(r#"{"region":"atlantis"}"#).is_err());
    }
}
