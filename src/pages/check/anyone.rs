//! 「家里有人…吗？是谁？」: a question put to the whole household, answered by picking the people.
use crate::i18n::use_i18n;
use crate::questions::member_label;
use crate::{today, use_household};
use leptos::prelude::*;
use serde_json::Value;
use xiangqin_rules::questions::{group, group_members, member_question_makes_sense, Question};
use xiangqin_rules::rules;

use super::answerer;
use super::buttons::{toggle, CheckBox, PickedActions};

/// The people a household-wide question is put about: those whose answer is still open or, when
/// it was answered before (「修改」), everyone it makes sense for whose answer is not implied.
pub(super) fn anyone_people(
    q: &Question,
    a: &crate::answers::Answers,
    answered_before: bool,
) -> Vec<usize> {
    let Ok(facts) = a.facts(today()) else {
        return vec![];
    };
    if !answered_before {
        return group_members(q, &facts, &a.not_to_ask());
    }
    let g = group(q.fact).expect("a household-wide question has a group");
    let implied = rules().implied_paths(&facts);
    rules()
        .implied(&facts)
        .members
        .iter()
        .flatten()
        .enumerate()
        .filter(|(i, m)| {
            member_question_makes_sense(q, m)
                && !implied.contains(&format!("members[{i}].{}", g.name()))
        })
        .map(|(i, _)| i)
        .collect()
}

/// Stores a household-wide answer for each of `people`: those `chosen` get the kind picked for
/// them in `kinds`, else the one answer of the picked (else nothing: each is asked next); the
/// others the usual answer.
pub(super) fn store_picked(
    a: &mut crate::answers::Answers,
    q: &Question,
    people: &[usize],
    chosen: &[usize],
    kinds: &std::collections::BTreeMap<usize, Value>,
) {
    let g = group(q.fact).expect("a household-wide question has a group");
    for &i in people {
        let at = format!("members[{i}].{}", g.name());
        if chosen.contains(&i) {
            let kind = kinds
                .get(&i)
                .filter(|v| v.as_array().is_none_or(|l| !l.is_empty()))
                .cloned();
            a.set(&at, kind.or_else(|| g.picked_value()));
        } else {
            a.set(&at, Some(g.others_value()));
        }
    }
}

/// A household-wide question (「家里有人…吗？是谁？」): the people it is put about, each to pick; 「都没有」
/// stores the usual answer for everyone, 「确定」 stores the picked people's answer for them (or, where
/// it has several values, asks each of them next) and the usual one for the others.
#[component]
pub(super) fn AnyoneAnswer(path: String, q: Question) -> impl IntoView {
    let household = use_household();
    let i18n = use_i18n();
    let (people, picked_before) = household.answers.with_untracked(|a| {
        let before: Option<Vec<usize>> = a.get(&path).and_then(|v| serde_json::from_value(v).ok());
        (
            anyone_people(&q, a, before.is_some()),
            before.unwrap_or_default(),
        )
    });
    let picked = RwSignal::new(picked_before);
    let unsure_path = path.clone();
    let boxes = people
        .iter()
        .map(|&i| {
            view! {
                <CheckBox
                    testid=format!("pick-member-{i}")
                    checked=Signal::derive(move || picked.with(|p| p.contains(&i)))
                    on_toggle=move || {
                        picked.update(|p| {
                            toggle(p, i);
                            p.sort();
                        })
                    }
                >
                    <span>{move || household.answers.with(|a| member_label(i, a, i18n.lang()))}</span>
                </CheckBox>
            }
        })
        .collect_view();
    let answer = answerer();
    let store = move |chosen: Vec<usize>| {
        household.update(|a| store_picked(a, &q, &people, &chosen, &Default::default()));
        let list = chosen.into_iter().map(Value::from).collect();
        answer(path.clone(), Some(Value::Array(list)));
    };
    let store_none = store.clone();
    view! {
        <div class="choices" role="group">
            {boxes}
        </div>
        <PickedActions
            path=unsure_path
            nothing_picked=Signal::derive(move || picked.with(Vec::is_empty))
            on_confirm=move || store(picked.get_untracked())
            on_none=move || store_none(vec![])
        />
    }
}
