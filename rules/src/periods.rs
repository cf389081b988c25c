//! Time windows as data (`data/periods.toml`, catalogue §3): when a dated policy holds, and the
//! note that says so at a given date. The engine asks [`Periods::judge`] for every policy it
//! shows; the app asks the same for the policy page, so both say the same thing.
use crate::engine::{Source, TimeLimit};
use crate::facts::{household_fact_info, FactKind, FactValue, Facts, Region};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One span of time: fixed dates, or a number of years from a year the household gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    pub label: String,
    #[serde(default)]
    pub start: Option<NaiveDate>,
    #[serde(default)]
    pub end: Option<NaiveDate>,
    /// A household fact holding a year (`county_exit_year`).
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub years: Option<i32>,
    /// Where the dates are a reading rather than the text's own words.
    #[serde(default)]
    pub reading: String,
    #[serde(rename = "source")]
    pub sources: Vec<Source>,
}

/// What falling outside a window does to a policy's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Outside the window an "applies" becomes "maybe".
    Limit,
    /// The status never changes; outside the window a note is shown.
    Note,
    /// Never a firm "applies" (the text does not say how long).
    Maybe,
}

/// What one kind of time limit means in some regions, and the note for each case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeRule {
    pub time_limit: TimeLimit,
    /// Empty: every region.
    #[serde(default)]
    pub regions: Vec<Region>,
    #[serde(default)]
    pub window: Option<String>,
    pub effect: Effect,
    #[serde(default)]
    pub unknown: Option<String>,
    #[serde(default)]
    pub before: Option<String>,
    #[serde(default)]
    pub during: Option<String>,
    #[serde(default)]
    pub last_year: Option<String>,
    #[serde(default)]
    pub after: Option<String>,
    /// The note speaks of the document as a whole, not of one policy: the results say it once,
    /// above all the cards, instead of on each (only for a `note` rule, which changes no status:
    /// a card whose status the window changes keeps the reason with it).
    #[serde(default)]
    pub once: bool,
}

/// Where a date falls against a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The year the window runs from is not known.
    Unknown,
    Before,
    During,
    /// The year the window closes: whether the day has passed is not known.
    LastYear,
    After,
}

/// The judgement of a policy's time limit at a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub phase: Phase,
    /// The policy may be shown as "applies".
    pub holds: bool,
    /// The note for this phase, placeholders filled in (`None` if the data gives none).
    pub note: Option<String>,
    /// The note belongs with the household's reasons (a `note` rule speaks only outside its window).
    pub in_reasons: bool,
    /// The note is said once for all the results, not in each card's reasons (`once` in the data).
    pub once: bool,
    /// The facts that would decide the window (when it limits the status).
    pub missing: Vec<String>,
}

/// Every window and rule of `data/periods.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Periods {
    #[serde(default)]
    pub window: BTreeMap<String, Window>,
    #[serde(default)]
    pub rule: Vec<TimeRule>,
}

/// The placeholders a note may use.
const PLACEHOLDERS: [&str; 2] = ["{start}", "{end}"];

impl Periods {
    /// The rule for a kind of time limit in a region.
    pub fn rule_for(&self, time_limit: TimeLimit, region: Region) -> Option<&TimeRule> {
        self.rule.iter().find(|r| {
            r.time_limit == time_limit && (r.regions.is_empty() || r.regions.contains(&region))
        })
    }

    /// Every problem in the data: windows that are neither dates nor a rule, rules naming unknown
    /// windows, two rules for one region, notes with unknown placeholders.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (name, w) in &self.window {
            match (w.start, w.end, &w.from, w.years) {
                (Some(s), Some(e), None, None) if s <= e => {}
                (None, None, Some(fact), Some(years)) if years > 0 => {
                    if !household_fact_info(fact).is_some_and(|f| f.kind == FactKind::Num) {
                        out.push(format!("window {name}: `from` must name a household fact holding a year, not {fact:?}"));
                    }
                }
                _ => out.push(format!(
                    "window {name}: give `start` ≤ `end`, or `from` and `years` > 0"
                )),
            }
            if w.sources.is_empty() {
                out.push(format!("window {name}: no source"));
            }
        }
        for (i, r) in self.rule.iter().enumerate() {
            let what = format!("rule {} ({:?})", i + 1, r.time_limit);
            if let Some(w) = &r.window {
                if !self.window.contains_key(w) {
                    out.push(format!("{what}: unknown window {w:?}"));
                }
            } else if r.effect != Effect::Maybe {
                out.push(format!("{what}: only a `maybe` rule may have no window"));
            }
            if r.once && r.effect != Effect::Note {
                out.push(format!(
                    "{what}: only a `note` rule may be said `once` (a window that changes a status is that card's reason)"
                ));
            }
            for later in &self.rule[i + 1..] {
                let overlap = r.regions.is_empty()
                    || later.regions.is_empty()
                    || r.regions.iter().any(|g| later.regions.contains(g));
                if later.time_limit == r.time_limit && overlap {
                    out.push(format!("{what}: another rule covers the same region"));
                }
            }
            for note in [&r.unknown, &r.before, &r.during, &r.last_year, &r.after]
                .into_iter()
                .flatten()
            {
                let mut rest = note.clone();
                for p in PLACEHOLDERS {
                    rest = rest.replace(p, "");
                }
                if rest.contains('{') || rest.contains('}') {
                    out.push(format!("{what}: unknown placeholder in {note:?}"));
                }
            }
        }
        out
    }

    /// Judges the time limit `time_limit` of a policy of `region` for this household at `as_of`.
    /// A time limit without a rule holds, with no note (the data check requires a rule for every
    /// time limit in use).
    pub fn judge(
        &self,
        time_limit: TimeLimit,
        region: Region,
        facts: &Facts,
        as_of: NaiveDate,
    ) -> Judgement {
        let Some(rule) = self.rule_for(time_limit, region) else {
            return Judgement {
                phase: Phase::During,
                holds: true,
                note: None,
                in_reasons: false,
                once: false,
                missing: vec![],
            };
        };
        let window = rule.window.as_ref().and_then(|w| self.window.get(w));
        let (phase, years) = match window {
            None => (Phase::During, None),
            Some(w) => phase_of(w, facts, as_of),
        };
        let note = match phase {
            Phase::Unknown => &rule.unknown,
            Phase::Before => &rule.before,
            Phase::During => &rule.during,
            Phase::LastYear => &rule.last_year,
            Phase::After => &rule.after,
        }
        .as_ref()
        .map(|n| match years {
            Some((start, end)) => n
                .replace("{start}", &start.to_string())
                .replace("{end}", &end.to_string()),
            None => n.clone(),
        });
        let (holds, in_reasons) = match rule.effect {
            Effect::Limit => (phase == Phase::During, true),
            Effect::Note => (true, phase != Phase::During && phase != Phase::Before),
            Effect::Maybe => (false, true),
        };
        let missing = match (rule.effect, phase, window.and_then(|w| w.from.clone())) {
            (Effect::Limit, Phase::Unknown, Some(fact)) => vec![fact],
            _ => vec![],
        };
        Judgement {
            phase,
            holds,
            note,
            in_reasons,
            once: rule.once,
            missing,
        }
    }
}

/// Where `as_of` falls, and the window's first and last year when known.
fn phase_of(w: &Window, facts: &Facts, as_of: NaiveDate) -> (Phase, Option<(i32, i32)>) {
    if let (Some(start), Some(end)) = (w.start, w.end) {
        let phase = if as_of < start {
            Phase::Before
        } else if as_of > end {
            Phase::After
        } else {
            Phase::During
        };
        return (phase, Some((start.year(), end.year())));
    }
    let (Some(fact), Some(years)) = (&w.from, w.years) else {
        return (Phase::During, None);
    };
    let Some(FactValue::Num(from)) = facts.get(fact) else {
        return (Phase::Unknown, None);
    };
    let from = from as i32;
    let end = from + years;
    let year = as_of.year();
    let phase = if year < from {
        Phase::Before
    } else if year < end {
        Phase::During
    } else if year == end {
        Phase::LastYear
    } else {
        Phase::After
    };
    (phase, Some((from, end)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `once` is for a note about the whole document: a rule that changes a status keeps its
    /// note on the card, so the data check refuses `once` there.
    #[test]
    fn only_a_note_rule_may_be_said_once() {
        let data = |effect: &str| {
            format!(
                r#"[window.w]
                label = "w"
                start = "2021-01-01"
                end = "2025-12-31"
                [[window.w.source]]
                file = "f"
                clause = "c"
                quote = "q"
                [[rule]]
                time_limit = "none"
                window = "w"
                effect = "{effect}"
                once = true
                after = "这份文件是按过渡期安排的。""#
            )
        };
        let note: Periods = toml::from_str(&data("note")).unwrap();
        assert_eq!(note.problems(), Vec::<String>::new());
        let limit: Periods = toml::from_str(&data("limit")).unwrap();
        assert!(
            limit.problems().iter().any(|p| p.contains("once")),
            "{:?}",
            limit.problems()
        );
        let facts = Facts::default();
        let late = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let j = note.judge(TimeLimit::None, Region::Longyan, &facts, late);
        assert!(j.once && j.in_reasons && j.note.is_some());
    }
}
