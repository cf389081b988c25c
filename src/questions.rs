//! The questionnaire's wording and addresses. Which question comes next is the rules' business
//! (`xiangqin_rules::questions::next_question`: only what can still change a result, most decisive
//! first); this module names each question in the message catalogue (`q.<fact>.title`,
//! `v.<fact>.<value>`) and gives it a short address for the URL (`/check/h.dibao`, `/check/m1.age`).
use crate::answers::{Answers, INCOME_TOTAL};
use crate::i18n::{fill, Lang, Msg};
use serde_json::Value;
use xiangqin_rules::path::FactPath;
use xiangqin_rules::questions::{group, topic_named, Ask, Question, Topic, MEMBER_QUESTIONS};

/// The household question about rigid expenses asks four amounts on one screen.
pub const RIGID_EXPENSE: &str = "household.rigid_expense";
/// The four causes of rigid expenses, in the order shown.
pub const RIGID_CAUSES: [&str; 4] = ["medical", "education", "disaster", "accident"];
/// The rules read the income per person; the household is asked its total (see [`INCOME_TOTAL`]).
pub const INCOME_PER_PERSON: &str = "household.income_per_capita_yuan";
/// Facts the rules name by the trouble (房子不安全) that are asked the positive way round
/// (「房子安全吗」): the reassuring answer comes first and stores `false`.
const ASKED_POSITIVELY: [&str; 3] = [
    "household.housing_unsafe",
    "household.water_unsafe",
    "household.toilet_unimproved",
];

/// The URL step of a fact path: `household.dibao` → `h.dibao`, `members[1].age` → `m1.age`,
/// `anyone.serious_illness` → `a.serious_illness`.
pub fn slug(path: &str) -> String {
    if let Some(rest) = path.strip_prefix("anyone.") {
        return format!("a.{rest}");
    }
    if let Some(rest) = path.strip_prefix("topic.") {
        return format!("t.{rest}");
    }
    match FactPath::parse(path) {
        Some(FactPath::Household(rest)) => format!("h.{rest}"),
        Some(FactPath::Member(i, name)) => format!("m{i}.{name}"),
        _ => path.to_string(),
    }
}

/// The fact path of a URL step (the inverse of [`slug`]).
pub fn path_of_slug(slug: &str) -> String {
    if let Some(rest) = slug.strip_prefix("h.") {
        return format!("household.{rest}");
    }
    if let Some(rest) = slug.strip_prefix("a.") {
        return format!("anyone.{rest}");
    }
    if let Some(rest) = slug.strip_prefix("t.") {
        return format!("topic.{rest}");
    }
    if let Some((i, name)) = slug.strip_prefix('m').and_then(|r| r.split_once('.')) {
        if i.parse::<usize>().is_ok() {
            return format!("members[{i}].{name}");
        }
    }
    slug.to_string()
}

/// The question that settles a fact path (as in `missing_facts`), if the questionnaire has one.
pub fn ask_for_path(path: &str) -> Option<Ask> {
    if path == "members" || path == "member_count" {
        return Some(Ask::Members);
    }
    if path == INCOME_TOTAL {
        return ask_for_path(INCOME_PER_PERSON);
    }
    // A topic's rows are worked out on its screen (those open, and those answered there).
    if let Some(topic) = topic_named(path) {
        return Some(Ask::Topic(topic, vec![]));
    }
    if let Some(name) = path.strip_prefix("anyone.") {
        let fact = format!("member.{name}");
        group(&fact)?;
        let q = MEMBER_QUESTIONS.iter().find(|q| q.fact == fact)?;
        return Some(Ask::Anyone(*q));
    }
    // Any other fact path: the question the rules' bank asks it with (`members[1].disabled` as
    // the kind of disability, the rigid expenses as their amounts).
    let (_, q) = xiangqin_rules::questions::question_for(path)?;
    Some(match FactPath::parse(path)? {
        FactPath::Member(i, _) => Ask::Member(i, q),
        _ => Ask::Household(q),
    })
}

/// The path an answer to this question is stored at (`household.rigid_expense` for the amounts,
/// the total income for the per-person income).
pub fn answer_path(ask: &Ask) -> String {
    match ask {
        Ask::Household(q) if q.fact == INCOME_PER_PERSON => INCOME_TOTAL.to_string(),
        Ask::Household(q) => q.fact.to_string(),
        Ask::Member(i, q) => format!("members[{i}].{}", short_name(q)),
        Ask::Anyone(q) => format!("anyone.{}", short_name(q)),
        Ask::Members => "members".into(),
        Ask::Topic(t, _) => format!("topic.{}", t.name),
    }
}

/// `dibao` for `household.dibao`, `age` for `member.age`.
pub fn short_name(q: &Question) -> &'static str {
    q.fact.rsplit('.').next().unwrap_or(q.fact)
}

fn msg(key: &str) -> Option<Msg> {
    Msg::from_key(key)
}

/// The question as asked, in the given language.
pub fn title(ask: &Ask, answers: &Answers, lang: &Lang) -> String {
    match ask {
        Ask::Household(q) => msg(&format!("q.{}.title", short_name(q)))
            .map(|m| lang.get(m).to_string())
            .unwrap_or_else(|| q.fact.to_string()),
        Ask::Member(i, q) => {
            let template = msg(&format!("q.m.{}.title", short_name(q)))
                .map(|m| lang.get(m))
                .unwrap_or(q.fact);
            fill(template, &[("who", &member_label(*i, answers, lang))])
        }
        Ask::Anyone(q) => msg(&format!("q.a.{}.title", short_name(q)))
            .map(|m| lang.get(m).to_string())
            .unwrap_or_else(|| q.fact.to_string()),
        Ask::Members => lang.get(Msg::QMembersTitle).to_string(),
        Ask::Topic(t, _) => msg(&format!("q.t.{}.title", t.name))
            .map(|m| lang.get(m).to_string())
            .unwrap_or_else(|| t.name.to_string()),
    }
}

/// The line under the question, if it has one.
pub fn hint(ask: &Ask, lang: &Lang) -> Option<&'static str> {
    match ask {
        Ask::Anyone(_) => return Some(lang.get(Msg::QAHint)),
        Ask::Topic(..) => return Some(lang.get(Msg::QTHint)),
        _ => {}
    }
    let key = match key_prefix(ask) {
        Some(p) => format!("{p}.hint"),
        None => "q.members.hint".into(),
    };
    msg(&key).map(|m| lang.get(m))
}

/// A line that repeats back what the household said before, where the question depends on it:
/// asking whether someone has a serious illness names the chronic diseases already chosen
/// (「您说第1个人有糖尿病。它们算不算大病、重病，文件没有写。」).
pub fn echo(ask: &Ask, answers: &Answers, lang: &Lang) -> Option<String> {
    let Ask::Member(i, q) = ask else { return None };
    if q.fact != "member.serious_illness" {
        return None;
    }
    let diseases = chosen_diseases(answers, *i, lang)?;
    Some(fill(
        lang.get(Msg::QMSeriousIllnessEcho),
        &[
            ("who", &member_label(*i, answers, lang)),
            ("diseases", &diseases),
        ],
    ))
}

/// The catalogue key prefix of a question: `q.dibao`, `q.m.age`.
fn key_prefix(ask: &Ask) -> Option<String> {
    match ask {
        Ask::Household(q) => Some(format!("q.{}", short_name(q))),
        Ask::Member(_, q) => Some(format!("q.m.{}", short_name(q))),
        Ask::Anyone(q) => Some(format!("q.a.{}", short_name(q))),
        Ask::Members | Ask::Topic(..) => None,
    }
}

/// The two answers of a yes/no question, in the order shown, each with the value it stores: the
/// question's own words where it has them (有 / 没有, 安全 / 不安全), else 是 / 不是. A question
/// asked the positive way round shows the reassuring answer (storing `false`) first.
pub fn yes_no(ask: &Ask) -> [(Msg, bool); 2] {
    let own = |value: &str| key_prefix(ask).and_then(|p| msg(&format!("{p}.{value}")));
    let yes = (own("true").unwrap_or(Msg::AnsYes), true);
    let no = (own("false").unwrap_or(Msg::AnsNo), false);
    match ask {
        Ask::Household(q) if ASKED_POSITIVELY.contains(&q.fact) => [no, yes],
        _ => [yes, no],
    }
}

/// The diseases a member's chronic-disease answer names, in the given language (「高血压、糖尿病」),
/// if any.
pub fn chosen_diseases(answers: &Answers, index: usize, lang: &Lang) -> Option<String> {
    let q = MEMBER_QUESTIONS
        .iter()
        .find(|q| q.fact == "member.chronic_disease")?;
    let chosen: Vec<String> = answers
        .get(&format!("members[{index}].chronic_disease"))?
        .as_array()?
        .clone()
        .iter()
        .filter_map(Value::as_str)
        .map(|v| value_label(q, v, lang))
        .collect();
    (!chosen.is_empty()).then(|| chosen.join("、"))
}

/// The text of one answer value (`v.relation.head` → 户主).
pub fn value_label(q: &Question, value: &str, lang: &Lang) -> String {
    msg(&format!("v.{}.{value}", short_name(q)))
        .map(|m| lang.get(m).to_string())
        .unwrap_or_else(|| value.to_string())
}

/// "第 2 个人（配偶）", or "第 2 个人" before the relation is known.
pub fn member_label(index: usize, answers: &Answers, lang: &Lang) -> String {
    let n = (index + 1).to_string();
    let relation = answers
        .members
        .as_ref()
        .and_then(|m| m.get(index))
        .and_then(|m| m.get("relation"))
        .and_then(Value::as_str)
        .and_then(|r| msg(&format!("v.relation.{r}")));
    match relation {
        Some(r) => fill(
            lang.get(Msg::MemberWho),
            &[("n", &n), ("relation", lang.get(r))],
        ),
        None => fill(lang.get(Msg::MemberWhoPlain), &[("n", &n)]),
    }
}

/// The stored answer of a question as text for the summary, or `None` if not answered.
pub fn answer_text(ask: &Ask, answers: &Answers, lang: &Lang) -> Option<String> {
    let path = answer_path(ask);
    if answers.unsure.contains(&path) {
        return Some(lang.get(Msg::AnsUnsure).to_string());
    }
    let q = match ask {
        Ask::Household(q) | Ask::Member(_, q) => q,
        Ask::Anyone(q) => return anyone_text(q, answers, lang),
        Ask::Members | Ask::Topic(..) => return None,
    };
    let value = &answers.get(&path)?;
    if path == INCOME_TOTAL {
        let total = value.to_string();
        return Some(match answers.income_per_person() {
            Some(each) => fill(
                lang.get(Msg::AnsIncomeTotal),
                &[("total", &total), ("each", &each.to_string())],
            ),
            None => fill(lang.get(Msg::AnsIncomeTotalOnly), &[("total", &total)]),
        });
    }
    Some(match value {
        Value::Bool(b) => yes_no(ask)
            .iter()
            .find(|(_, v)| v == b)
            .map(|(m, _)| lang.get(*m).to_string())
            .unwrap_or_default(),
        Value::Array(items) if items.is_empty() => lang.get(Msg::AnsNoneOfThese).to_string(),
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(|v| value_label(q, v, lang))
            .collect::<Vec<_>>()
            .join("、"),
        Value::Object(parts) => RIGID_CAUSES
            .iter()
            .filter_map(|c| {
                let amount = parts.get(*c)?.as_f64()?;
                let label = msg(&format!("v.rigid_expense.{c}")).map(|m| lang.get(m))?;
                Some(format!("{label} {amount} {}", lang.get(Msg::AnsYuan)))
            })
            .collect::<Vec<_>>()
            .join("，"),
        Value::String(s) => value_label(q, s, lang),
        Value::Number(n) => match q.fact {
            "member.disability_grade" => value_label(q, &n.to_string(), lang),
            "member.age" => fill(lang.get(Msg::MemberAgeYears), &[("age", &n.to_string())]),
            _ => n.to_string(),
        },
        Value::Null => return None,
    })
}

/// The answer to a household-wide question, for the summary: the people picked (「第 2 个人（配偶）」),
/// or 「都没有」.
fn anyone_text(q: &Question, answers: &Answers, lang: &Lang) -> Option<String> {
    let path = format!("anyone.{}", short_name(q));
    let picked: Vec<usize> = serde_json::from_value(answers.get(&path)?).ok()?;
    if picked.is_empty() {
        return Some(lang.get(Msg::AnsNoneOfThese).to_string());
    }
    Some(
        picked
            .iter()
            .map(|i| member_label(*i, answers, lang))
            .collect::<Vec<_>>()
            .join("、"),
    )
}

/// Every question with a stored answer (or 「不清楚」), in the order asked.
pub fn answered(answers: &Answers) -> Vec<Ask> {
    let mut out: Vec<Ask> = Vec::new();
    for path in &answers.asked {
        let asks = match ask_for_path(path) {
            Some(Ask::Topic(topic, _)) => answered_rows(topic, answers),
            Some(ask) => vec![ask],
            None => vec![],
        };
        for ask in asks {
            if !matches!(ask, Ask::Members) && !out.contains(&ask) {
                out.push(ask);
            }
        }
    }
    out
}

/// The questions of a topic with a stored answer (or 「不清楚」), in the topic's order: each
/// household fact, each member fact asked of the household at once, or else of each person.
pub fn answered_rows(topic: &Topic, answers: &Answers) -> Vec<Ask> {
    let has = |path: &str| answers.get(path).is_some() || answers.unsure.contains(path);
    let mut rows = Vec::new();
    for fact in topic.facts {
        let Some(name) = fact.strip_prefix("member.") else {
            if has(fact) {
                rows.extend(ask_for_path(fact));
            }
            continue;
        };
        let whole = format!("anyone.{name}");
        if has(&whole) {
            rows.extend(ask_for_path(&whole));
            continue;
        }
        let count = answers.members.as_ref().map_or(0, Vec::len);
        for i in 0..count {
            let path = format!("members[{i}].{name}");
            if has(&path) {
                rows.extend(ask_for_path(&path));
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::LANGS;
    use xiangqin_rules::questions::{AnswerKind, HOUSEHOLD_QUESTIONS};

    #[test]
    fn a_fact_path_is_asked_with_the_rules_question_for_it() {
        let Some(Ask::Member(1, q)) = ask_for_path("members[1].disabled") else {
            panic!("members[1].disabled is a member question");
        };
        assert_eq!(q.fact, "member.disability_kind");
        for path in [
            "household.rigid_expense_total",
            "household.rigid_expense.medical",
        ] {
            let Some(Ask::Household(q)) = ask_for_path(path) else {
                panic!("{path} is a household question");
            };
            assert_eq!(q.fact, RIGID_EXPENSE, "{path}");
        }
        assert!(
            matches!(ask_for_path("household.dibao"), Some(Ask::Household(q)) if q.fact == "household.dibao")
        );
        assert!(matches!(ask_for_path("members"), Some(Ask::Members)));
        assert!(ask_for_path("members[x].age").is_none());
        assert!(ask_for_path("household.no_such_fact").is_none());
    }

    #[test]
    fn slugs_round_trip() {
        for path in [
            "household.dibao",
            "members[12].age",
            "county_exit_year",
            "members",
            "household.rigid_expense",
            "anyone.serious_illness",
            "topic.support",
        ] {
            assert_eq!(path_of_slug(&slug(path)), path);
        }
        assert_eq!(slug("members[1].age"), "m1.age");
    }

    #[test]
    fn every_question_and_value_has_words_in_every_language() {
        let every = HOUSEHOLD_QUESTIONS
            .iter()
            .map(|q| Ask::Household(*q))
            .chain(MEMBER_QUESTIONS.iter().map(|q| Ask::Member(0, *q)));
        for ask in every {
            let (prefix, q) = match &ask {
                Ask::Household(q) => ("q", q),
                Ask::Member(_, q) => ("q.m", q),
                Ask::Anyone(_) | Ask::Members | Ask::Topic(..) => unreachable!(),
            };
            let key = format!("{prefix}.{}.title", short_name(q));
            assert!(Msg::from_key(&key).is_some(), "missing message {key}");
            let values: &[&str] = match q.answer {
                AnswerKind::Choice(v) | AnswerKind::Multi(v) => v,
                _ => &[],
            };
            for v in values {
                let key = format!("v.{}.{v}", short_name(q));
                assert!(Msg::from_key(&key).is_some(), "missing message {key}");
            }
        }
        for c in RIGID_CAUSES {
            assert!(Msg::from_key(&format!("v.rigid_expense.{c}")).is_some());
        }
        for g in xiangqin_rules::questions::GROUPS {
            let key = format!("q.a.{}.title", g.name());
            assert!(Msg::from_key(&key).is_some(), "missing message {key}");
            assert!(ask_for_path(&format!("anyone.{}", g.name())).is_some());
        }
        assert!(LANGS.len() >= 2);
    }

    #[test]
    fn positive_questions_put_the_reassuring_answer_first_and_store_false() {
        let housing = ask_for_path("household.housing_unsafe").unwrap();
        let [first, second] = yes_no(&housing);
        assert_eq!(first, (Msg::QHousingUnsafeFalse, false));
        assert_eq!(second, (Msg::QHousingUnsafeTrue, true));
        assert_eq!(LANGS[0].get(first.0), "安全");
        let toilet = ask_for_path("household.toilet_unimproved").unwrap();
        assert_eq!(
            LANGS[0].get(yes_no(&toilet)[0].0),
            "有",
            "有没有卫生厕所 → 有 first"
        );
        // 「有…吗」 is answered 有 / 没有; a question without its own words keeps 是 / 不是.
        let tekun = ask_for_path("household.tekun").unwrap();
        assert_eq!(yes_no(&tekun).map(|(m, _)| LANGS[0].get(m)), ["有", "没有"]);
        let relocated = ask_for_path("household.relocated").unwrap();
        assert_eq!(
            yes_no(&relocated),
            [(Msg::AnsYes, true), (Msg::AnsNo, false)]
        );
        // Every 「有…吗」 title has its own 有 / 没有.
        for q in HOUSEHOLD_QUESTIONS
            .iter()
            .filter(|q| q.answer == AnswerKind::YesNo)
        {
            let ask = Ask::Household(*q);
            let title = title(&ask, &Answers::default(), &LANGS[0]);
            if title.contains("有") && title.ends_with("吗？") && !title.contains("有没有") {
                assert_eq!(
                    LANGS[0].get(yes_no(&ask)[0].0),
                    "有",
                    "{title} is answered 有 / 没有"
                );
            }
        }
    }

    #[test]
    fn the_income_question_stores_the_total() {
        let ask = ask_for_path("household.income_per_capita_yuan").unwrap();
        assert_eq!(answer_path(&ask), INCOME_TOTAL);
        assert_eq!(ask_for_path(INCOME_TOTAL), Some(ask.clone()));
        let mut a = Answers::default();
        a.set(INCOME_TOTAL, Some(Value::from(24000)));
        assert_eq!(answer_text(&ask, &a, &LANGS[0]).unwrap(), "全家 24000 元");
        a.members = Some(vec![serde_json::Map::new(), serde_json::Map::new()]);
        assert_eq!(
            answer_text(&ask, &a, &LANGS[0]).unwrap(),
            "全家 24000 元（每人约 12000 元）"
        );
        assert_eq!(path_of_slug(&slug(INCOME_TOTAL)), INCOME_TOTAL);
    }

    #[test]
    fn a_chosen_disease_is_echoed_by_its_name() {
        let mut a = Answers {
            members: Some(vec![serde_json::Map::new()]),
            ..Default::default()
        };
        a.set("members[0].relation", Some(Value::from("parent")));
        let ask = ask_for_path("members[0].serious_illness").unwrap();
        assert_eq!(
            echo(&ask, &a, &LANGS[0]),
            None,
            "nothing chosen, nothing echoed"
        );
        a.set(
            "members[0].chronic_disease",
            Some(serde_json::json!(["diabetes"])),
        );
        let line = echo(&ask, &a, &LANGS[0]).unwrap();
        assert!(
            line.contains("糖尿病") && line.contains("第 1 个人（父母）"),
            "{line}"
        );
    }

    #[test]
    fn every_missing_fact_of_the_rules_has_a_question() {
        use xiangqin_rules::{rules, Facts, Region};
        for region in Region::ALL {
            let facts = Facts::from_json(&format!(
                r#"{{"as_of": "2025-06-01", "region": "{}", "members": [{{}}, {{}}]}}"#,
                region.key()
            ))
            .unwrap();
            for r in rules().evaluate(&facts).unwrap().results {
                for path in r.missing_facts {
                    assert!(
                        ask_for_path(&path).is_some(),
                        "{}: no question for {path}",
                        r.id
                    );
                }
            }
        }
    }
}
