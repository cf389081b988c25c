//! Answers picked from a list: yes / no, one of several, several of several.
use crate::glossary::Glossary;
use crate::i18n::use_i18n;
use crate::questions::{value_label, yes_no};
use leptos::prelude::*;
use serde_json::Value;
use xiangqin_rules::questions::Ask;

use super::buttons::{toggle, CheckBox, PickedActions};
use super::{answerer, stored, ChoiceButton, UnsureButton};

#[component]
pub(super) fn YesNoAnswer(path: String, ask: Ask) -> impl IntoView {
    let i18n = use_i18n();
    let current = stored(&path);
    let answer = answerer();
    // The question's own words (有 / 没有, 安全 / 不安全), the reassuring one first where the
    // question is asked the positive way round.
    let buttons = yes_no(&ask)
        .into_iter()
        .map(|(msg, value)| {
            let path = path.clone();
            let answer = answer.clone();
            view! {
                <ChoiceButton
                    label=Signal::derive(move || i18n.tr(msg).to_string())
                    testid=format!("choice-{}", if value { "yes" } else { "no" })
                    selected=Signal::derive(move || current.get() == Some(Value::Bool(value)))
                    on_pick=move || answer(path.clone(), Some(Value::Bool(value)))
                />
            }
        })
        .collect_view();
    view! {
        <div class="choices" role="group">
            {buttons}
            <UnsureButton path=path.clone()/>
        </div>
    }
}

/// The value stored for a choice: disability grades are numbers, everything else text.
pub(super) fn choice_value(fact: &str, value: &str) -> Value {
    match (fact, value.parse::<i64>()) {
        ("member.disability_grade", Ok(n)) => Value::from(n),
        _ => Value::from(value),
    }
}

#[component]
pub(super) fn ChoiceAnswer(
    path: String,
    ask: Ask,
    values: &'static [&'static str],
) -> impl IntoView {
    let i18n = use_i18n();
    let current = stored(&path);
    let answer = answerer();
    let q = match ask {
        Ask::Household(q) | Ask::Member(_, q) => q,
        Ask::Anyone(_) | Ask::Members | Ask::Topic(..) => unreachable!(),
    };
    let buttons = values
        .iter()
        .map(|&v| {
            let path = path.clone();
            let answer = answer.clone();
            let value = choice_value(q.fact, v);
            let stored_value = value.clone();
            view! {
                <ChoiceButton
                    label=Signal::derive(move || value_label(&q, v, i18n.lang()))
                    testid=format!("choice-{v}")
                    selected=Signal::derive(move || current.get().as_ref() == Some(&stored_value))
                    on_pick=move || answer(path.clone(), Some(value.clone()))
                    explain=Signal::derive(move || vec![value_label(&q, v, &crate::i18n::LANGS[0])])
                />
            }
        })
        .collect_view();
    view! {
        <div class="choices" role="group">
            {buttons}
            <UnsureButton path=path.clone()/>
        </div>
    }
}

#[component]
pub(super) fn MultiAnswer(
    path: String,
    ask: Ask,
    values: &'static [&'static str],
) -> impl IntoView {
    let i18n = use_i18n();
    let q = match ask {
        Ask::Household(q) | Ask::Member(_, q) => q,
        Ask::Anyone(_) | Ask::Members | Ask::Topic(..) => unreachable!(),
    };
    let initial: Vec<String> = stored(&path)
        .get_untracked()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let picked = RwSignal::new(initial);
    let boxes = values
        .iter()
        .map(|&v| {
            view! {
                <CheckBox
                    testid=format!("choice-{v}")
                    checked=Signal::derive(move || picked.with(|p| p.iter().any(|x| x == v)))
                    on_toggle=move || picked.update(|p| toggle(p, v.to_string()))
                >
                    <span class="choice-text">
                        <span>{move || value_label(&q, v, i18n.lang())}</span>
                        <Glossary texts=vec![value_label(&q, v, &crate::i18n::LANGS[0])]/>
                    </span>
                </CheckBox>
            }
        })
        .collect_view();
    let answer = answerer();
    let answer_none = answer.clone();
    let confirm_path = path.clone();
    let none_path = path.clone();
    view! {
        <div class="choices" role="group">
            {boxes}
        </div>
        <PickedActions
            path
            nothing_picked=Signal::derive(move || picked.with(Vec::is_empty))
            on_confirm=move || {
                let list = picked.get_untracked().into_iter().map(Value::from).collect();
                answer(confirm_path.clone(), Some(Value::Array(list)))
            }
            on_none=move || answer_none(none_path.clone(), Some(Value::Array(vec![])))
        />
    }
}
