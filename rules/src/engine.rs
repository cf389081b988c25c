//! Evaluation of the policies of a household's region: a status, the reasons in Chinese, the
//! facts that would settle a "maybe", and the quoted sources (catalogue §1, §3 and §8).
use crate::consistency::{self, Check, Checks, Conflict};
use crate::expr::{self, Expr, Outcome, Terms, Truth};
use crate::facts::{household_fact_info, member_fact_info, Facts, Region};
use crate::implications::{Implications, RawImplications};
use crate::needs::{Need, Needs};
use crate::periods::{Judgement, Periods};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

/// The policy data, turned into JSON by `build.rs` from `data/*.toml`: the whole of it, or in the
/// app's split build (`xiangqin_split`, issue 21) the conditions only, whose words (`texts.json`)
/// the app fetches for the results and policy pages and gives to [`install_texts`].
#[cfg(not(xiangqin_split))]
const EMBEDDED: &str = include_str!(concat!(env!("OUT_DIR"), "/rules.json"));
#[cfg(xiangqin_split)]
const EMBEDDED: &str = include_str!(concat!(env!("OUT_DIR"), "/rules-core.json"));

/// The policies' words as the split app fetches them (`xiangqin-rules texts` prints them for
/// `scripts/split-wasm`, which puts them in `dist/`).
pub const TEXTS: &str = include_str!(concat!(env!("OUT_DIR"), "/texts.json"));

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Monitoring,
    SafetyNet,
    Medical,
    Pension,
    DisabilityChildren,
    Education,
    Housing,
    Employment,
    IndustryFinance,
    Relocation,
}

impl Category {
    pub const ALL: [Category; 10] = [
        Category::Monitoring,
        Category::SafetyNet,
        Category::Medical,
        Category::Pension,
        Category::DisabilityChildren,
        Category::Education,
        Category::Housing,
        Category::Employment,
        Category::IndustryFinance,
        Category::Relocation,
    ];

    pub fn name_zh(&self) -> &'static str {
        match self {
            Category::Monitoring => "监测帮扶",
            Category::SafetyNet => "兜底保障",
            Category::Medical => "医疗",
            Category::Pension => "养老",
            Category::DisabilityChildren => "残疾人和儿童",
            Category::Education => "教育",
            Category::Housing => "住房饮水",
            Category::Employment => "就业",
            Category::IndustryFinance => "产业金融",
            Category::Relocation => "易地搬迁",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeLimit {
    /// No date in the clause.
    None,
    /// 过渡期内.
    Transition,
    /// 一定期限 / 一定时间: a sub-period of unstated length.
    SomePeriod,
    /// Liangzhou's 2022 work plan.
    #[serde(rename = "plan_2022")]
    Plan2022,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub file: String,
    pub clause: String,
    pub quote: String,
}

/// The catalogue's Decision line, as conditions and the reasons shown for each outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub yes: Option<String>,
    pub yes_reason: Option<String>,
    pub maybe: Option<String>,
    pub maybe_reason: Option<String>,
    pub no: Option<String>,
    pub no_reason: Option<String>,
    pub caveat: Option<String>,
    pub always_maybe: Option<String>,
    /// The time limits of the part of the policy the `maybe` branch speaks of, when it differs
    /// from the policy's own (the catalogue's "(part of it)"): a "maybe" from that branch is
    /// judged by these instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub maybe_time_limits: Vec<TimeLimit>,
}

/// One household-facing policy of one region (a record of `data/<region>.toml`).
///
/// Its words (`title` … `sources`, what `texts.json` carries) are empty only in rules loaded
/// with [`Rules::from_json_core`]: the split app's questionnaire, which never shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub id: String,
    pub region: Region,
    pub category: Category,
    pub topic: String,
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub who: String,
    #[serde(default)]
    pub gets: String,
    #[serde(default)]
    pub how_to_apply: String,
    #[serde(default)]
    pub careful: String,
    pub time_limit: TimeLimit,
    pub decision: Decision,
    #[serde(rename = "source", default)]
    pub sources: Vec<Source>,
}

/// A policy's words, as `texts.json` (built by `build.rs`) carries them apart from the conditions.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyWords {
    id: String,
    title: String,
    summary: String,
    who: String,
    gets: String,
    how_to_apply: String,
    #[serde(default)]
    careful: String,
    #[serde(rename = "source")]
    sources: Vec<Source>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTexts {
    version: String,
    policies: Vec<PolicyWords>,
}

impl Policy {
    /// The household's first step, for the one-line list of results: the last sentence of
    /// `how_to_apply` (where the texts say whom to turn to), from its last clause (after 「；」)
    /// and without a lead-in ending in 「：」. `how_to_apply` itself stays whole for the card.
    pub fn first_step(&self) -> &str {
        let text = self.how_to_apply.trim().trim_end_matches('。');
        let sentence = text.rsplit('。').next().unwrap_or(text);
        let clause = sentence.rsplit('；').next().unwrap_or(sentence);
        clause
            .split_once('：')
            .map_or(clause, |(_, step)| step)
            .trim()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermInfo {
    pub label: String,
    pub expr: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Deserialize)]
struct RawRules {
    version: String,
    terms: BTreeMap<String, BTreeMap<String, TermInfo>>,
    #[serde(default)]
    periods: Periods,
    #[serde(default)]
    consistency: RawConsistency,
    #[serde(default)]
    needs: RawNeeds,
    #[serde(default)]
    channels: RawChannels,
    #[serde(default)]
    implications: RawImplications,
    policies: Vec<Policy>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChannels {
    #[serde(default)]
    channel: Vec<Channel>,
}

/// How a region's document says a household's difficulty is reported or found
/// (`data/channels.toml`), besides this service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    pub region: Region,
    /// The document names ways for the household to report itself.
    pub self_report: bool,
    /// Those ways, or (without `self_report`) how the document says difficulties are found.
    pub ways: Vec<String>,
    #[serde(rename = "source")]
    pub sources: Vec<Source>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNeeds {
    #[serde(default)]
    need: Vec<Need>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConsistency {
    #[serde(default)]
    check: Vec<Check>,
}

struct Compiled {
    yes: Option<Expr>,
    maybe: Option<Expr>,
    no: Option<Expr>,
}

/// All policies with their conditions parsed and checked.
pub struct Rules {
    pub version: String,
    pub policies: Vec<Policy>,
    pub term_info: BTreeMap<String, TermInfo>,
    /// The time windows of `data/periods.toml`.
    pub periods: Periods,
    /// How each region's document says difficulties are reported (`data/channels.toml`).
    pub channels: Vec<Channel>,
    /// The answers that do not fit together (`data/consistency.toml`).
    checks: Checks,
    /// The needs the answers can show (`data/needs.toml`).
    needs: Needs,
    /// What a person's age already says about other answers (`data/implications.toml`).
    pub implications: Implications,
    terms: Terms,
    compiled: Vec<Compiled>,
}

/// The embedded rules, loaded once. The data checks in the tests keep them valid.
///
/// In the app's split build, the conditions only until [`install_texts`] has been given the
/// policies' words, and the whole rules from then on.
pub fn rules() -> &'static Rules {
    #[cfg(xiangqin_split)]
    if let Some(whole) = WITH_TEXTS.get() {
        return whole;
    }
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        #[cfg(not(xiangqin_split))]
        let loaded = Rules::from_json(EMBEDDED);
        #[cfg(xiangqin_split)]
        let loaded = Rules::from_json_core(EMBEDDED);
        loaded.unwrap_or_else(|errors| panic!("invalid rules data:\n{}", errors.join("\n")))
    })
}

#[cfg(xiangqin_split)]
static WITH_TEXTS: OnceLock<Rules> = OnceLock::new();

/// Whether [`rules`] has the policies' words (always, except in the split app before
/// [`install_texts`]).
pub fn texts_installed() -> bool {
    #[cfg(xiangqin_split)]
    return WITH_TEXTS.get().is_some();
    #[cfg(not(xiangqin_split))]
    true
}

/// Gives the split app's rules the policies' words (`texts.json` of the same build); from then
/// on [`rules`] is the whole. Words of another version of the data are refused.
pub fn install_texts(texts: &str) -> Result<(), Vec<String>> {
    #[cfg(xiangqin_split)]
    if WITH_TEXTS.get().is_none() {
        let _ = WITH_TEXTS.set(Rules::from_json_parts(EMBEDDED, texts)?);
    }
    #[cfg(not(xiangqin_split))]
    let _ = texts;
    Ok(())
}

impl Rules {
    /// Loads and checks rules data; every problem found is listed.
    pub fn from_json(text: &str) -> Result<Rules, Vec<String>> {
        let raw: RawRules = serde_json::from_str(text).map_err(|e| vec![e.to_string()])?;
        Self::check(raw, true)
    }

    /// Loads and checks the conditions (`rules-core.json`), whose policies have no words yet:
    /// enough to decide every status and to choose the questions.
    pub fn from_json_core(core: &str) -> Result<Rules, Vec<String>> {
        let raw: RawRules = serde_json::from_str(core).map_err(|e| vec![e.to_string()])?;
        Self::check(raw, false)
    }

    /// Loads the conditions and the words of the same data (`rules-core.json` and
    /// `texts.json`) into whole rules, as [`Rules::from_json`] does the one document.
    pub fn from_json_parts(core: &str, texts: &str) -> Result<Rules, Vec<String>> {
        let mut raw: RawRules = serde_json::from_str(core).map_err(|e| vec![e.to_string()])?;
        let words: RawTexts = serde_json::from_str(texts).map_err(|e| vec![e.to_string()])?;
        if words.version != raw.version {
            return Err(vec![format!(
                "texts of rules {} for rules {}",
                words.version, raw.version
            )]);
        }
        if words.policies.len() != raw.policies.len() {
            return Err(vec![format!(
                "texts for {} policies, rules of {}",
                words.policies.len(),
                raw.policies.len()
            )]);
        }
        for (p, w) in raw.policies.iter_mut().zip(words.policies) {
            if w.id != p.id {
                return Err(vec![format!(
                    "texts of {} where {} was expected",
                    w.id, p.id
                )]);
            }
            p.title = w.title;
            p.summary = w.summary;
            p.who = w.who;
            p.gets = w.gets;
            p.how_to_apply = w.how_to_apply;
            p.careful = w.careful;
            p.sources = w.sources;
        }
        Self::check(raw, true)
    }

    /// The checks of the data; `with_texts`: the policies' words are there and checked too.
    fn check(raw: RawRules, with_texts: bool) -> Result<Rules, Vec<String>> {
        let mut errors = Vec::new();
        let mut terms = Terms::default();
        let mut term_info = BTreeMap::new();
        for (scope, entries) in &raw.terms {
            for (name, info) in entries {
                let full = if scope == "member" {
                    format!("member.{name}")
                } else {
                    name.clone()
                };
                match expr::parse(&info.expr) {
                    Ok(e) if scope == "member" => drop(terms.member.insert(full.clone(), e)),
                    Ok(e) if scope == "household" => drop(terms.household.insert(full.clone(), e)),
                    Ok(_) => errors.push(format!("terms: unknown scope [{scope}]")),
                    Err(e) => errors.push(format!("term {full}: {e}")),
                }
                term_info.insert(full, info.clone());
            }
        }
        // Terms may use other terms; check each in its own scope. Cycles would recurse forever.
        for (name, e) in terms.household.iter().chain(&terms.member) {
            if let Err(msg) = expr::check(e, &terms, name.starts_with("member.")) {
                errors.push(format!("term {name}: {msg}"));
            }
            if mentions(e, name, &terms, 0) {
                errors.push(format!("term {name}: refers to itself"));
            }
        }
        let mut compiled = Vec::new();
        for p in &raw.policies {
            let d = &p.decision;
            let mut cond =
                |label: &str, src: &Option<String>, reason: &Option<String>| -> Option<Expr> {
                    let src = src.as_ref()?;
                    if reason.as_deref().is_none_or(str::is_empty) {
                        errors.push(format!("{}: `{label}` needs `{label}_reason`", p.id));
                    }
                    match expr::parse(src)
                        .map_err(|e| e.to_string())
                        .and_then(|e| expr::check(&e, &terms, false).map(|_| e))
                    {
                        Ok(e) => Some(e),
                        Err(msg) => {
                            errors.push(format!("{}: {label} = '{src}': {msg}", p.id));
                            None
                        }
                    }
                };
            let c = Compiled {
                yes: cond("yes", &d.yes, &d.yes_reason),
                maybe: cond("maybe", &d.maybe, &d.maybe_reason),
                no: cond("no", &d.no, &d.no_reason),
            };
            if d.yes.is_none() && d.maybe.is_none() {
                errors.push(format!("{}: a decision needs `yes` or `maybe`", p.id));
            }
            if with_texts {
                for (field, value) in [
                    ("title", &p.title),
                    ("summary", &p.summary),
                    ("who", &p.who),
                    ("gets", &p.gets),
                    ("how_to_apply", &p.how_to_apply),
                ] {
                    if value.trim().is_empty() {
                        errors.push(format!("{}: `{field}` is empty", p.id));
                    }
                }
                if p.sources.is_empty() {
                    errors.push(format!("{}: no source", p.id));
                }
            }
            for tl in std::iter::once(&p.time_limit).chain(&d.maybe_time_limits) {
                if raw.periods.rule_for(*tl, p.region).is_none() {
                    errors.push(format!(
                        "{}: no rule in periods.toml for time limit {tl:?} in {:?}",
                        p.id, p.region
                    ));
                }
            }
            if !d.maybe_time_limits.is_empty() && d.maybe.is_none() {
                errors.push(format!("{}: `maybe_time_limits` without `maybe`", p.id));
            }
            compiled.push(c);
        }
        errors.extend(
            raw.periods
                .problems()
                .into_iter()
                .map(|e| format!("periods: {e}")),
        );
        let checks = Checks::compile(&raw.consistency.check, &terms).unwrap_or_else(|e| {
            errors.extend(e.into_iter().map(|e| format!("consistency: {e}")));
            Checks::default()
        });
        let implications = Implications::compile(&raw.implications.implication, &terms)
            .unwrap_or_else(|e| {
                errors.extend(e.into_iter().map(|e| format!("implications: {e}")));
                Implications::default()
            });
        let needs = Needs::compile(&raw.needs.need, &terms, &raw.policies).unwrap_or_else(|e| {
            errors.extend(e.into_iter().map(|e| format!("needs: {e}")));
            Needs::default()
        });
        for region in Region::ALL {
            match raw
                .channels
                .channel
                .iter()
                .filter(|c| c.region == region)
                .count()
            {
                1 => {}
                n => errors.push(format!("channels: {n} records for {region:?} (one each)")),
            }
        }
        for c in &raw.channels.channel {
            if c.ways.is_empty() || c.sources.is_empty() {
                errors.push(format!(
                    "channels {:?}: needs `ways` and a source",
                    c.region
                ));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for p in &raw.policies {
            if !seen.insert(&p.id) {
                errors.push(format!("{}: id used twice", p.id));
            }
        }
        if errors.is_empty() {
            Ok(Rules {
                version: raw.version,
                policies: raw.policies,
                term_info,
                periods: raw.periods,
                channels: raw.channels.channel,
                checks,
                needs,
                implications,
                terms,
                compiled,
            })
        } else {
            Err(errors)
        }
    }

    /// A household term of `data/terms.toml` (`risk_signal`, `lifted_out` …) for this household:
    /// `Some(true)` or `Some(false)` when the facts decide it, `None` when they do not (or there is
    /// no such term).
    pub fn household_term(&self, name: &str, facts: &Facts) -> Option<bool> {
        let e = self.terms.household.get(name)?;
        let facts = &*self.implied(facts);
        let mask = consistency::mask(&self.checks.conflicts(facts, &self.terms));
        match expr::evaluate_masked(e, facts, &self.terms, &mask).truth {
            Truth::Yes => Some(true),
            Truth::No => Some(false),
            Truth::Unknown => None,
        }
    }

    /// How the region's document says difficulties are reported or found.
    pub fn channel(&self, region: Region) -> Option<&Channel> {
        self.channels.iter().find(|c| c.region == region)
    }

    pub fn policy(&self, id: &str) -> Option<&Policy> {
        self.policies.iter().find(|p| p.id == id)
    }

    pub fn region_policies(&self, region: Region) -> impl Iterator<Item = &Policy> {
        self.policies.iter().filter(move |p| p.region == region)
    }

    /// The answers of these facts that do not fit together (`data/consistency.toml`).
    pub fn conflicts(&self, facts: &Facts) -> Vec<Conflict> {
        self.checks.conflicts(&self.implied(facts), &self.terms)
    }

    /// The facts with what the members' ages imply filled in (`data/implications.toml`): what
    /// every decision reads.
    pub fn implied<'a>(&self, facts: &'a Facts) -> std::borrow::Cow<'a, Facts> {
        self.implications.apply(facts, &self.terms)
    }

    /// The member facts the implications speak of for these facts, known or not
    /// (`members[1].school_stage`): an answer there can only agree with them or contradict them.
    pub fn implied_paths(&self, facts: &Facts) -> Vec<String> {
        self.implications
            .covered(facts, &self.terms)
            .into_iter()
            .map(|(i, name, _, _)| format!("members[{i}].{name}"))
            .collect()
    }

    /// The needs the answers show that the household's region says nothing about (no policy of
    /// the kinds that speak to them): the results say so rather than stay silent. Empty without a
    /// region.
    pub fn unanswered_needs(&self, facts: &Facts) -> Vec<&Need> {
        let Some(region) = facts.region else {
            return vec![];
        };
        let facts = &*self.implied(facts);
        let mask = consistency::mask(&self.checks.conflicts(facts, &self.terms));
        self.needs
            .unanswered(facts, &self.terms, &mask, region, &self.policies)
    }

    /// Evaluates every policy of the household's region at `facts.as_of`. Answers that do not
    /// fit together are reported and set aside first, so they decide nothing.
    pub fn evaluate(&self, facts: &Facts) -> Result<Evaluation, EvalError> {
        self.evaluate_with_notices(facts).map(|(e, _)| e)
    }

    /// [`Rules::evaluate`], and the notes that speak of the document as a whole (time rules of
    /// `data/periods.toml` with `once`, e.g. that the document was written for the 2021—2025
    /// transition period): each once, in the order first met, for the results to say once above
    /// all the cards. Those notes are not in the cards' reasons.
    pub fn evaluate_with_notices(
        &self,
        facts: &Facts,
    ) -> Result<(Evaluation, Vec<String>), EvalError> {
        let region = facts.region.ok_or(EvalError::MissingRegion)?;
        let as_of = facts.as_of.ok_or(EvalError::MissingDate)?;
        let facts = &*self.implied(facts);
        let conflicts = self.checks.conflicts(facts, &self.terms);
        let mask = consistency::mask(&conflicts);
        let mut notices = Vec::new();
        let results = self
            .policies
            .iter()
            .zip(&self.compiled)
            .filter(|(p, _)| p.region == region)
            .map(|(p, c)| self.decide(p, c, facts, &mask, as_of, &mut notices))
            .collect();
        let evaluation = Evaluation {
            as_of,
            rules_version: self.version.clone(),
            region,
            results,
            conflicts,
        };
        Ok((evaluation, notices))
    }

    /// The status of one policy of the household's region, as [`Rules::evaluate`] would give it
    /// (`None` for no such policy, or without region or date): what the questionnaire tries its
    /// possible answers against.
    pub fn status_of(&self, id: &str, facts: &Facts) -> Option<Status> {
        let as_of = facts.as_of?;
        let (p, c) = self
            .policies
            .iter()
            .zip(&self.compiled)
            .find(|(p, _)| p.id == id && Some(p.region) == facts.region)?;
        let facts = &*self.implied(facts);
        let mask = consistency::mask(&self.checks.conflicts(facts, &self.terms));
        Some(
            self.decide(p, c, facts, &mask, as_of, &mut Vec::new())
                .status,
        )
    }

    fn decide(
        &self,
        p: &Policy,
        c: &Compiled,
        facts: &Facts,
        mask: &std::collections::BTreeSet<String>,
        as_of: NaiveDate,
        notices: &mut Vec<String>,
    ) -> PolicyResult {
        let run = |e: &Option<Expr>| {
            e.as_ref()
                .map(|e| expr::evaluate_masked(e, facts, &self.terms, mask))
        };
        let (yes, maybe, no) = (run(&c.yes), run(&c.maybe), run(&c.no));
        let is = |o: &Option<Outcome>, t: Truth| o.as_ref().is_some_and(|o| o.truth == t);
        let unknown_missing = |outcomes: &[&Option<Outcome>]| -> Vec<String> {
            let mut m: Vec<String> = outcomes
                .iter()
                .filter_map(|o| o.as_ref())
                .filter(|o| o.truth == Truth::Unknown)
                .flat_map(|o| o.missing.clone())
                .collect();
            m.sort();
            m.dedup();
            m
        };
        let d = &p.decision;
        let text = |s: &Option<String>| s.clone().unwrap_or_default();
        let mut reasons = Vec::new();
        let mut missing = Vec::new();
        // Which time limits judge the outcome: the `maybe` branch may speak of a part of the
        // policy with its own (`maybe_time_limits`).
        let mut time_limits = vec![p.time_limit];
        let mut status = if is(&yes, Truth::Yes) {
            reasons.push(text(&d.yes_reason));
            Status::Applies
        } else if is(&maybe, Truth::Yes) {
            reasons.push(text(&d.maybe_reason));
            missing = unknown_missing(&[&yes]);
            if !d.maybe_time_limits.is_empty() {
                time_limits = d.maybe_time_limits.clone();
            }
            Status::Maybe
        } else if is(&no, Truth::Yes) {
            reasons.push(text(&d.no_reason));
            Status::NotApplicable
        } else if is(&yes, Truth::Unknown) || is(&maybe, Truth::Unknown) {
            missing = unknown_missing(&[&yes, &maybe, &no]);
            reasons.push(format!(
                "还需要知道：{}。回答这些问题就能确定。",
                missing
                    .iter()
                    .map(|m| fact_label(m))
                    .collect::<Vec<_>>()
                    .join("；")
            ));
            Status::Maybe
        } else {
            reasons.push("根据您的回答，没有看到与这项政策有关的情况。".into());
            Status::NotApplicable
        };
        if status == Status::Applies {
            if let Some(why) = &d.always_maybe {
                reasons.push(why.clone());
                status = Status::Maybe;
            }
        }
        if status != Status::NotApplicable {
            if let Some(caveat) = &d.caveat {
                reasons.push(caveat.clone());
            }
            for tl in time_limits {
                let judged = self.periods.judge(tl, p.region, facts, as_of);
                match (judged.note, judged.in_reasons, judged.once) {
                    (Some(note), true, false) => reasons.push(note),
                    (Some(note), true, true) if !notices.contains(&note) => notices.push(note),
                    _ => {}
                }
                if !judged.holds && status == Status::Applies {
                    status = Status::Maybe;
                }
                missing.extend(judged.missing);
            }
            if status == Status::Applies {
                reasons.push("最后由村里和有关部门核实确认，具体标准按当地规定。".into());
            }
        }
        PolicyResult {
            id: p.id.clone(),
            status,
            title: p.title.clone(),
            reasons,
            missing_facts: missing,
            sources: p.sources.clone(),
        }
    }
}

impl Rules {
    /// The policy's own time limit judged at `facts.as_of` (today if not given), for the policy
    /// page: the same note the household's results carry, and one for the time within the window.
    pub fn time_judgement(&self, p: &Policy, facts: &Facts, today: NaiveDate) -> Judgement {
        self.periods
            .judge(p.time_limit, p.region, facts, facts.as_of.unwrap_or(today))
    }
}

/// The question a household would recognise for a missing fact path.
pub fn fact_label(path: &str) -> String {
    match crate::path::FactPath::parse(path) {
        Some(crate::path::FactPath::Members) => "家里有哪些人".into(),
        Some(crate::path::FactPath::Member(i, field)) => {
            let label = member_fact_info(&format!("member.{field}")).map_or(field, |f| f.label_zh);
            format!("第{}位家人{label}", i + 1)
        }
        _ => household_fact_info(path).map_or_else(|| path.to_string(), |f| f.label_zh.to_string()),
    }
}

/// True if `e` (or a term it uses) mentions the term `name`.
fn mentions(e: &Expr, name: &str, terms: &Terms, depth: usize) -> bool {
    if depth > 16 {
        return true;
    }
    match e {
        Expr::Term(t) => {
            t == name
                || terms
                    .household
                    .get(t)
                    .or_else(|| terms.member.get(t))
                    .is_some_and(|b| mentions(b, name, terms, depth + 1))
        }
        Expr::Not(a) | Expr::Quant(_, a) => mentions(a, name, terms, depth),
        Expr::And(items) | Expr::Or(items) | Expr::List(items) => {
            items.iter().any(|i| mentions(i, name, terms, depth))
        }
        Expr::Cmp(a, _, b) | Expr::Add(a, b) | Expr::Mul(a, b) => {
            mentions(a, name, terms, depth) || mentions(b, name, terms, depth)
        }
        _ => false,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Applies,
    Maybe,
    NotApplicable,
}

/// A policy's status for a household. `title` and `sources` are the policy's (empty where the
/// rules have no words: [`Rules::from_json_core`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyResult {
    pub id: String,
    pub status: Status,
    pub title: String,
    pub reasons: Vec<String>,
    pub missing_facts: Vec<String>,
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub as_of: NaiveDate,
    pub rules_version: String,
    pub region: Region,
    pub results: Vec<PolicyResult>,
    /// Answers that do not fit together, set aside before deciding (the household is asked to
    /// check them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<Conflict>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    MissingRegion,
    MissingDate,
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::MissingRegion => write!(f, "region: required to choose the policy document"),
            EvalError::MissingDate => write!(f, "as_of: required (the date the answers describe)"),
        }
    }
}

impl std::error::Error for EvalError {}

#[cfg(test)]
mod tests {
    /// The one-line first step reads the whom-to-ask sentence of `how_to_apply`.
    #[test]
    fn the_first_step_is_the_last_sentence_of_how_to_apply() {
        let r = rules();
        let step = |id: &str| r.policy(id).unwrap().first_step().to_string();
        // 「文件没有写怎么申请。请向村委会或乡镇咨询。」
        assert_eq!(step("ly-tekun"), "请向村委会或乡镇咨询");
        // 「文件说这项保险纳入县级“三农”综合保险；怎么办理文件没写，请向村委会或乡镇咨询。」
        let insurance = r
            .policies
            .iter()
            .find(|p| p.how_to_apply.contains("“三农”综合保险；"))
            .unwrap();
        assert_eq!(
            insurance.first_step(),
            "怎么办理文件没写，请向村委会或乡镇咨询"
        );
        // 「同一条（二、(二)）写了怎么报告：可以通过12317…」
        assert!(step("ly-monitoring-support").starts_with("可以通过12317"));
        for p in &r.policies {
            let s = p.first_step();
            assert!(
                !s.is_empty() && p.how_to_apply.contains(s),
                "{}: {s:?}",
                p.id
            );
        }
    }

    #[test]
    fn household_terms_are_three_valued() {
        let r = rules();
        let facts = |json: &str| Facts::from_json(json).unwrap();
        let hard = facts(r#"{"region": "qinghai", "household": {"basic_living_hardship": true}}"#);
        assert_eq!(r.household_term("risk_signal", &hard), Some(true));
        let unknown = facts(r#"{"region": "qinghai"}"#);
        assert_eq!(r.household_term("risk_signal", &unknown), None);
        let lifted = facts(r#"{"region": "qinghai", "household": {"poverty_status": "general"}}"#);
        assert_eq!(r.household_term("lifted_out", &lifted), Some(false));
        assert_eq!(r.household_term("no_such_term", &lifted), None);
    }

    use super::*;

    /// A small rule set written for these tests, independent of the real data.
    fn sample(time_limit: &str, region: &str, decision: &str) -> Rules {
        let decision: serde_json::Value = serde_json::from_str(decision).unwrap();
        let json = serde_json::json!({
            "version": "test",
            "periods": rules().periods,
            "channels": {"channel": rules().channels},
            "terms": {"household": {"monitored": {"label": "监测对象", "expr": "household.poverty_status == \"monitored\""}}},
            "policies": [{
                "id": "t-1", "region": region, "category": "monitoring", "topic": "t", "kind": "benefit",
                "title": "测试", "summary": "测试", "who": "测试", "gets": "测试", "how_to_apply": "测试",
                "time_limit": time_limit, "decision": decision,
                "source": [{"file": "f.txt", "clause": "一、", "quote": "q"}]
            }]
        });
        Rules::from_json(&json.to_string()).unwrap_or_else(|e| panic!("{e:?}"))
    }

    const MONITORED: &str = r#"{"yes": "monitored", "yes_reason": "是", "maybe": "household.income_drop_sharp", "maybe_reason": "也许", "no": "not monitored and not household.income_drop_sharp", "no_reason": "不是"}"#;

    fn status(rules: &Rules, facts: &str) -> PolicyResult {
        rules
            .evaluate(&Facts::from_json(facts).unwrap())
            .unwrap()
            .results
            .remove(0)
    }

    #[test]
    fn yes_maybe_no_and_unknown() {
        let r = sample("none", "qinghai", MONITORED);
        let f = |h: &str| format!(r#"{{"region":"qinghai","as_of":"2024-05-01","household":{h}}}"#);
        assert_eq!(
            status(&r, &f(r#"{"poverty_status":"monitored"}"#)).status,
            Status::Applies
        );
        assert_eq!(
            status(
                &r,
                &f(r#"{"poverty_status":"general","income_drop_sharp":true}"#)
            )
            .status,
            Status::Maybe
        );
        assert_eq!(
            status(
                &r,
                &f(r#"{"poverty_status":"general","income_drop_sharp":false}"#)
            )
            .status,
            Status::NotApplicable
        );
        let unknown = status(&r, &f("{}"));
        assert_eq!(unknown.status, Status::Maybe);
        assert_eq!(
            unknown.missing_facts,
            vec!["household.income_drop_sharp", "household.poverty_status"]
        );
        assert!(
            unknown.reasons[0].contains("家里是不是脱贫户或监测户"),
            "{:?}",
            unknown.reasons
        );
    }

    #[test]
    fn other_regions_are_never_returned() {
        let r = sample("none", "longyan", MONITORED);
        let e = r.evaluate(&Facts::from_json(r#"{"region":"qinghai","as_of":"2024-05-01","household":{"poverty_status":"monitored"}}"#).unwrap()).unwrap();
        assert!(e.results.is_empty());
    }

    #[test]
    fn transition_window_edges() {
        let r = sample("transition", "qinghai", MONITORED);
        let at = |d: &str| {
            status(&r, &format!(r#"{{"region":"qinghai","as_of":"{d}","household":{{"poverty_status":"monitored"}}}}"#)).status
        };
        assert_eq!(at("2020-12-31"), Status::Maybe);
        assert_eq!(at("2021-01-01"), Status::Applies);
        assert_eq!(at("2025-12-31"), Status::Applies);
        assert_eq!(at("2026-01-01"), Status::Maybe);
    }

    #[test]
    fn inner_mongolia_transition_runs_from_the_county_exit() {
        let r = sample("transition", "inner_mongolia", MONITORED);
        let at = |exit: &str, d: &str| {
            status(
                &r,
                &format!(
                    r#"{{"region":"inner_mongolia","as_of":"{d}","county_exit_year":{exit},"household":{{"poverty_status":"monitored"}}}}"#
                ),
            )
        };
        assert_eq!(at("2019", "2023-06-01").status, Status::Applies);
        assert_eq!(
            at("2019", "2024-06-01").status,
            Status::Maybe,
            "the year the window closes is undecided"
        );
        assert_eq!(at("2019", "2025-06-01").status, Status::Maybe);
        assert_eq!(at("2020", "2023-06-01").status, Status::Applies);
        let unknown = at("null", "2023-06-01");
        assert_eq!(unknown.status, Status::Maybe);
        assert_eq!(unknown.missing_facts, vec!["county_exit_year"]);
    }

    #[test]
    fn plan_2022_and_some_period() {
        let r = sample("plan_2022", "liangzhou", MONITORED);
        let at = |d: &str| {
            status(&r, &format!(r#"{{"region":"liangzhou","as_of":"{d}","household":{{"poverty_status":"monitored"}}}}"#)).status
        };
        assert_eq!(at("2022-12-31"), Status::Applies);
        assert_eq!(at("2023-01-01"), Status::Maybe);
        let r = sample("some_period", "qinghai", MONITORED);
        let s = status(
            &r,
            r#"{"region":"qinghai","as_of":"2022-03-01","household":{"poverty_status":"monitored"}}"#,
        );
        assert_eq!(s.status, Status::Maybe);
        assert!(s.reasons.iter().any(|r| r.contains("一定期限")));
    }

    #[test]
    fn always_maybe_keeps_discretionary_wording_from_becoming_a_promise() {
        let d = r#"{"yes": "monitored", "yes_reason": "是", "always_maybe": "按需设岗"}"#;
        let r = sample("none", "qinghai", d);
        let s = status(
            &r,
            r#"{"region":"qinghai","as_of":"2024-05-01","household":{"poverty_status":"monitored"}}"#,
        );
        assert_eq!(s.status, Status::Maybe);
        assert_eq!(s.reasons, vec!["是", "按需设岗"]);
    }

    /// The split app's two parts (`rules-core.json`, `texts.json`) make the same rules as the
    /// whole document; the conditions alone decide the same statuses.
    #[test]
    fn the_conditions_and_the_words_make_the_whole_rules() {
        let out = |name: &str| {
            std::fs::read_to_string(std::path::Path::new(env!("OUT_DIR")).join(name)).unwrap()
        };
        let (core, texts) = (out("rules-core.json"), out("texts.json"));
        let whole = Rules::from_json(&out("rules.json")).unwrap();
        let parts = Rules::from_json_parts(&core, &texts).unwrap();
        assert_eq!(parts.version, whole.version);
        assert_eq!(parts.policies, whole.policies);
        let bare = Rules::from_json_core(&core).unwrap();
        assert!(bare
            .policies
            .iter()
            .all(|p| p.title.is_empty() && p.sources.is_empty()));
        assert!(
            core.len() * 2 < out("rules.json").len(),
            "the words are most of the data"
        );
        let facts = Facts::from_json(
            r#"{"region":"longyan","as_of":"2024-05-01","household":{"dibao":true,"poverty_status":"monitored"}}"#,
        )
        .unwrap();
        let statuses = |r: &Rules| -> Vec<(String, Status, Vec<String>)> {
            r.evaluate(&facts)
                .unwrap()
                .results
                .into_iter()
                .map(|x| (x.id, x.status, x.missing_facts))
                .collect()
        };
        assert_eq!(statuses(&bare), statuses(&whole));

        // Words of other data are refused, not shown beside the wrong policy; and the whole
        // rules still need every policy's words.
        let edited = |field: &str, value: &str| {
            let mut v: serde_json::Value = serde_json::from_str(&texts).unwrap();
            match field {
                "version" => v["version"] = value.into(),
                _ => v["policies"][0][field] = value.into(),
            }
            Rules::from_json_parts(&core, &v.to_string()).err().unwrap()
        };
        let e = edited("version", "0.0.0+00000000");
        assert!(e[0].contains("texts of rules 0.0.0+00000000"), "{e:?}");
        let e = edited("id", "x-1");
        assert!(e[0].contains("texts of x-1"), "{e:?}");
        let e = edited("title", " ");
        assert!(e.iter().any(|e| e.contains("`title` is empty")), "{e:?}");
    }

    #[test]
    fn bad_data_is_refused_with_every_problem_listed() {
        let json = r#"{"version":"x","terms":{},"policies":[{"id":"a","region":"qinghai","category":"medical","topic":"t","kind":"k",
            "title":"","summary":"s","who":"w","gets":"g","how_to_apply":"h","time_limit":"none",
            "decision":{"yes":"household.dibaoo"},"source":[]}]}"#;
        let errors = Rules::from_json(json).err().unwrap();
        assert!(errors.iter().any(|e| e.contains("dibaoo")), "{errors:?}");
        assert!(
            errors.iter().any(|e| e.contains("yes_reason")),
            "{errors:?}"
        );
        assert!(errors.iter().any(|e| e.contains("title")), "{errors:?}");
        assert!(errors.iter().any(|e| e.contains("no source")), "{errors:?}");
    }

    #[test]
    fn missing_region_or_date_is_an_error_not_a_guess() {
        let r = sample("none", "qinghai", MONITORED);
        assert_eq!(
            r.evaluate(&Facts::from_json(r#"{"as_of":"2024-01-01"}"#).unwrap())
                .unwrap_err(),
            EvalError::MissingRegion
        );
        assert_eq!(
            r.evaluate(&Facts::from_json(r#"{"region":"qinghai"}"#).unwrap())
                .unwrap_err(),
            EvalError::MissingDate
        );
    }
}
