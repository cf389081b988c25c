//! The questionnaire's wording and addresses. Which question comes next is the rules' business
//! (`xiangqin_rules::questions::next_question`: only what can still change a result, most decisive
//! first); this module names each question in the message catalogue (`q.<fact>.title`,
//! `v.<fact>.<value>`) and gives it a short address for the URL (`/check/h.dibao`, `/check/m1.age`).
use crate::i18n::{fill, Lang, Msg};
use crate::storage::Answers;
use serde_json::Value;
use xiangqin_rules::questions::{Ask, Question, HOUSEHOLD_QUESTIONS, MEMBER_QUESTIONS};

/// The household question about rigid expenses asks four amounts on one screen.
pub const RIGID_EXPENSE: &str = "household.rigid_expense";
/// The four causes of rigid expenses, in the order shown.
pub const RIGID_CAUSES: [&str; 4] = ["medical", "education", "disaster", "accident"];

/// The URL step of a fact path: `household.dibao` → `h.dibao`, `members[1].age` → `m1.age`.
pub fn slug(path: &str) -> String {
    if let Some(rest) = path.strip_prefix("household.") {
        return format!("h.{rest}");
    }
    if let Some((i, name)) = path
        .strip_prefix("members[")
        .and_then(|r| r.split_once("]."))
    {
        return format!("m{i}.{name}");
    }
    path.to_string()
}

/// The fact path of a URL step (the inverse of [`slug`]).
pub fn path_of_slug(slug: &str) -> String {
    if let Some(rest) = slug.strip_prefix("h.") {
        return format!("household.{rest}");
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
    if path.starts_with(RIGID_EXPENSE) {
        return HOUSEHOLD_QUESTIONS
            .iter()
            .find(|q| q.fact == RIGID_EXPENSE)
            .map(|q| Ask::Household(*q));
    }
    if let Some(q) = HOUSEHOLD_QUESTIONS.iter().find(|q| q.fact == path) {
        return Some(Ask::Household(*q));
    }
    let rest = path.strip_prefix("members[")?;
    let (i, name) = rest.split_once("].")?;
    // `disabled` is worked out from the disability kind and grade: ask the kind.
    let name = if name == "disabled" {
        "disability_kind"
    } else {
        name
    };
    let fact = format!("member.{name}");
    let q = MEMBER_QUESTIONS.iter().find(|q| q.fact == fact)?;
    Some(Ask::Member(i.parse().ok()?, *q))
}

/// The path an answer to this question is stored at (`household.rigid_expense` for the amounts).
pub fn answer_path(ask: &Ask) -> String {
    match ask {
        Ask::Household(q) => q.fact.to_string(),
        Ask::Member(i, q) => format!("members[{i}].{}", short_name(q)),
        Ask::Members => "members".into(),
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
        Ask::Members => lang.get(Msg::QMembersTitle).to_string(),
    }
}

/// The line under the question, if it has one.
pub fn hint(ask: &Ask, lang: &Lang) -> Option<&'static str> {
    let key = match ask {
        Ask::Household(q) => format!("q.{}.hint", short_name(q)),
        Ask::Member(_, q) => format!("q.m.{}.hint", short_name(q)),
        Ask::Members => "q.members.hint".into(),
    };
    msg(&key).map(|m| lang.get(m))
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
        Ask::Members => return None,
    };
    let value = answers.get(&path)?;
    Some(match value {
        Value::Bool(true) => lang.get(Msg::AnsYes).to_string(),
        Value::Bool(false) => lang.get(Msg::AnsNo).to_string(),
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

/// Every question with a stored answer (or 「不清楚」), in the order asked.
pub fn answered(answers: &Answers) -> Vec<Ask> {
    let mut out: Vec<Ask> = Vec::new();
    for path in &answers.asked {
        if let Some(ask) = ask_for_path(path) {
            if !matches!(ask, Ask::Members) && !out.contains(&ask) {
                out.push(ask);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::LANGS;
    use xiangqin_rules::questions::AnswerKind;

    #[test]
    fn slugs_round_trip() {
        for path in [
            "household.dibao",
            "members[12].age",
            "county_exit_year",
            "members",
            "household.rigid_expense",
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
                Ask::Members => unreachable!(),
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
        assert!(LANGS.len() >= 2);
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
