//! `/check/t.<topic>`: the open questions of one topic on one screen, each a row answered in
//! place (rules/src/questions.rs `TOPICS`). A row left alone is 「不清楚」, never "no"; for a
//! household-wide row with several answers (which disease, how much work) the kind is picked
//! under each person picked.
use crate::i18n::{fill, t, use_i18n, Msg};
use crate::pages::BackLink;
use crate::questions::{
    answer_path, answered_rows, member_label, slug, title, value_label, yes_no,
};
use crate::{today, use_household};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use serde_json::Value;
use std::collections::BTreeMap;
use xiangqin_rules::questions::{group, topic_rows, AnswerKind, Ask, Question, Topic};
use xiangqin_rules::rules;

use super::buttons::toggle;
use super::{
    anyone_people, back_href, choice_value, store_picked, ChoiceButton, Progress, QuestionHeading,
    SeeResults,
};

/// A row's answer so far.
#[derive(Debug, Clone, PartialEq)]
enum RowAnswer {
    /// Not touched: 「不清楚」 when the screen is left.
    Open,
    Unsure,
    /// A household's or one person's answer.
    Value(Value),
    /// Who, in a household-wide row (none: 「都没有」).
    People(Vec<usize>),
}

/// One row: the question, the people it is about (household-wide rows), its answer and the kinds
/// picked for people (where the row asks which one).
#[derive(Clone)]
struct Row {
    ask: Ask,
    people: Vec<usize>,
    answer: RwSignal<RowAnswer>,
    kinds: RwSignal<BTreeMap<usize, Value>>,
}

/// The answers a person picked in a row can have besides the usual one (can work 「一部分」 or
/// 「不能」; 高血压, 糖尿病 …), and whether several can be picked; `None` if the row stores one value.
fn kinds_of(q: &Question) -> Option<(Vec<&'static str>, bool)> {
    let g = group(q.fact)?;
    if g.picked.is_some() {
        return None;
    }
    let usual = g.others_value();
    match q.answer {
        AnswerKind::Choice(values) => Some((
            values
                .iter()
                .copied()
                .filter(|v| Value::from(*v) != usual)
                .collect(),
            false,
        )),
        AnswerKind::Multi(values) => Some((values.to_vec(), true)),
        _ => None,
    }
}

#[component]
pub fn TopicStep(topic: &'static Topic) -> impl IntoView {
    let household = use_household();
    let i18n = use_i18n();
    let navigate = use_navigate();
    let path = format!("topic.{}", topic.name);
    let rows: Vec<Row> = household.answers.with_untracked(|a| {
        let Ok(facts) = a.facts(today()) else {
            return vec![];
        };
        let Ok(evaluation) = rules().evaluate(&facts) else {
            return vec![];
        };
        let skipped = a.not_to_ask();
        // The rows open now; coming back to the screen when none is, those answered.
        let mut asks = topic_rows(topic, &facts, &evaluation, &skipped);
        if asks.is_empty() {
            asks = answered_rows(topic, a);
        }
        asks.into_iter()
            .map(|ask| {
                let at = answer_path(&ask);
                let (people, answer) = match &ask {
                    Ask::Anyone(q) => {
                        let before: Option<Vec<usize>> =
                            a.get(&at).and_then(|v| serde_json::from_value(v).ok());
                        let people = anyone_people(q, a, before.is_some());
                        let answer = match before {
                            Some(list) => RowAnswer::People(list),
                            None if a.unsure.contains(&at) => RowAnswer::Unsure,
                            None => RowAnswer::Open,
                        };
                        (people, answer)
                    }
                    _ => {
                        let answer = match a.get(&at) {
                            Some(v) => RowAnswer::Value(v),
                            None if a.unsure.contains(&at) => RowAnswer::Unsure,
                            None => RowAnswer::Open,
                        };
                        (vec![], answer)
                    }
                };
                let kinds: BTreeMap<usize, Value> = match &ask {
                    Ask::Anyone(q) => people
                        .iter()
                        .filter_map(|i| {
                            let g = group(q.fact)?;
                            let v = a.get(&format!("members[{i}].{}", g.name()))?;
                            (v != g.others_value()).then_some((*i, v))
                        })
                        .collect(),
                    _ => BTreeMap::new(),
                };
                Row {
                    ask,
                    people,
                    answer: RwSignal::new(answer),
                    kinds: RwSignal::new(kinds),
                }
            })
            .collect()
    });
    if rows.is_empty() {
        // Nothing of this topic is open (an old address): on to the next question.
        return view! { <super::NextStep/> }.into_any();
    }
    let heading = Signal::derive(move || {
        household
            .answers
            .with(|a| title(&Ask::Topic(topic, vec![]), a, i18n.lang()))
    });
    let shown = rows
        .iter()
        .cloned()
        .map(|row| view! { <TopicRow row/> })
        .collect_view();
    let done_path = path.clone();
    let save = move |_| {
        household.update(|a| {
            for row in &rows {
                let at = answer_path(&row.ask);
                match row.answer.get_untracked() {
                    RowAnswer::Value(v) => a.set(&at, Some(v)),
                    RowAnswer::Open | RowAnswer::Unsure => {
                        a.set(&at, None);
                        a.unsure.insert(at);
                    }
                    RowAnswer::People(chosen) => {
                        let Ask::Anyone(q) = row.ask else {
                            continue;
                        };
                        store_picked(a, &q, &row.people, &chosen, &row.kinds.get_untracked());
                        let list = chosen.into_iter().map(Value::from).collect();
                        a.set(&at, Some(Value::Array(list)));
                    }
                }
            }
            a.mark_asked(&done_path);
        });
        navigate("/check/next", Default::default());
    };
    view! {
        <section class="screen question topic" data-testid=format!("question-{}", slug(&path))>
            <BackLink href=back_href(Some(&path))/>
            <Progress/>
            <QuestionHeading text=heading/>
            <p class="hint">{t(Msg::QTHint)}</p>
            {shown}
            <div class="choices">
                <button type="button" class="button primary" data-testid="topic-next" on:click=save>
                    {t(Msg::QTNext)}
                </button>
            </div>
            <SeeResults/>
        </section>
    }
    .into_any()
}

#[component]
fn TopicRow(row: Row) -> impl IntoView {
    let household = use_household();
    let i18n = use_i18n();
    let ask = row.ask.clone();
    let for_title = ask.clone();
    let legend = move || {
        household
            .answers
            .with(|a| title(&for_title, a, i18n.lang()))
    };
    let answer = row.answer;
    let unsure = view! {
        <ChoiceButton
            chip=true
            label=Signal::derive(move || i18n.tr(Msg::AnsUnsure).to_string())
            testid="choice-unsure".to_string()
            selected=Signal::derive(move || answer.get() == RowAnswer::Unsure)
            on_pick=move || answer.set(RowAnswer::Unsure)
        />
    };
    let chips = match &ask {
        Ask::Anyone(q) => {
            let q = *q;
            let kinds = row.kinds;
            let people = row
                .people
                .iter()
                .map(|&i| {
                    let picked =
                        move || matches!(answer.get(), RowAnswer::People(p) if p.contains(&i));
                    let label = Signal::derive(move || {
                        household.answers.with(|a| member_label(i, a, i18n.lang()))
                    });
                    view! {
                        <ChoiceButton
                            chip=true
                            label
                            testid=format!("pick-member-{i}")
                            selected=Signal::derive(picked)
                            on_pick=move || answer.update(|a| {
                                let mut list = match a {
                                    RowAnswer::People(p) => p.clone(),
                                    _ => vec![],
                                };
                                toggle(&mut list, i);
                                list.sort();
                                *a = RowAnswer::People(list);
                            })
                        />
                    }
                })
                .collect_view();
            let none = view! {
                <ChoiceButton
                    chip=true
                    label=Signal::derive(move || i18n.tr(Msg::AnsNoneOfThese).to_string())
                    testid="choice-none".to_string()
                    selected=Signal::derive(move || answer.get() == RowAnswer::People(vec![]))
                    on_pick=move || answer.set(RowAnswer::People(vec![]))
                />
            };
            // Which kind, under each person picked.
            let which = kinds_of(&q).map(|(values, several)| {
                move || {
                    let picked = match answer.get() {
                        RowAnswer::People(p) => p,
                        _ => vec![],
                    };
                    picked
                        .into_iter()
                        .map(|i| {
                            let who = household.answers.with(|a| member_label(i, a, i18n.lang()));
                            let buttons = values
                                .iter()
                                .map(|&v| {
                                    let value = choice_value(q.fact, v);
                                    let on = move || kinds.with(|k| match k.get(&i) {
                                        Some(Value::Array(l)) => l.iter().any(|x| x == v),
                                        Some(x) => *x == Value::from(v),
                                        None => false,
                                    });
                                    view! {
                                        <ChoiceButton
                                            chip=true
                                            label=Signal::derive(move || value_label(&q, v, i18n.lang()))
                                            testid=format!("kind-{i}-{v}")
                                            selected=Signal::derive(on)
                                            on_pick=move || kinds.update(|k| {
                                                if several {
                                                    let mut list = match k.get(&i) {
                                                        Some(Value::Array(l)) => l.clone(),
                                                        _ => vec![],
                                                    };
                                                    toggle(&mut list, Value::from(v));
                                                    k.insert(i, Value::Array(list));
                                                } else {
                                                    k.insert(i, value.clone());
                                                }
                                            })
                                        />
                                    }
                                })
                                .collect_view();
                            view! {
                                <div class="row-kind" role="group" data-testid=format!("kinds-{i}")>
                                    <p class="hint small">{fill(i18n.tr(Msg::QTWhich), &[("who", &who)])}</p>
                                    <div class="chips">{buttons}</div>
                                </div>
                            }
                        })
                        .collect_view()
                }
            });
            view! {
                <div class="chips">{people}{none}{unsure}</div>
                {which}
            }
            .into_any()
        }
        ask => {
            let q = match ask {
                Ask::Household(q) | Ask::Member(_, q) => *q,
                _ => unreachable!("topic rows are household, member or household-wide questions"),
            };
            let values: Vec<(Signal<String>, String, Value)> = match q.answer {
                AnswerKind::Choice(values) => values
                    .iter()
                    .map(|&v| {
                        (
                            Signal::derive(move || value_label(&q, v, i18n.lang())),
                            format!("choice-{v}"),
                            choice_value(q.fact, v),
                        )
                    })
                    .collect(),
                _ => yes_no(ask)
                    .into_iter()
                    .map(|(msg, value)| {
                        (
                            Signal::derive(move || i18n.tr(msg).to_string()),
                            format!("choice-{}", if value { "yes" } else { "no" }),
                            Value::Bool(value),
                        )
                    })
                    .collect(),
            };
            let buttons = values
                .into_iter()
                .map(|(label, testid, value)| {
                    let this = value.clone();
                    view! {
                        <ChoiceButton
                            chip=true
                            label
                            testid
                            selected=Signal::derive(move || answer.get() == RowAnswer::Value(this.clone()))
                            on_pick=move || answer.set(RowAnswer::Value(value.clone()))
                        />
                    }
                })
                .collect_view();
            view! { <div class="chips">{buttons}{unsure}</div> }.into_any()
        }
    };
    view! {
        <fieldset class="topic-row" data-testid=format!("row-{}", slug(&answer_path(&row.ask)))>
            <legend>{legend}</legend>
            {chips}
        </fieldset>
    }
}
