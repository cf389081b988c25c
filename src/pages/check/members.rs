//! `/check/members` and `/check/add-member`: who lives in the household, one person at a time.
use crate::i18n::{fill, t, use_i18n, Msg};
use crate::pages::BackLink;
use crate::questions::{member_label, value_label};
use crate::use_household;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use serde_json::{Map, Value};
use xiangqin_rules::questions::{AnswerKind, MEMBER_QUESTIONS};

use super::typed::{NumberForm, ANSWER_INPUT};
use super::{back_href, ChoiceButton, Progress, QuestionHeading, SeeResults};

/// Who lives in the household: the list so far, 「添加一个人」 and, once someone is on it,
/// 「都加好了，下一步」 as the main button. Removing a person can be undone (until the next removal
/// or leaving the screen). Everyone knows who lives with them: there is no 「不清楚」 here.
#[component]
pub(super) fn MembersStep() -> impl IntoView {
    let household = use_household();
    let i18n = use_i18n();
    let navigate = use_navigate();
    // The answers before the last removal, and who was removed.
    let undo: RwSignal<Option<(crate::answers::Answers, String)>> = RwSignal::new(None);
    let rows = move || {
        household.answers.with(|a| {
            let count = a.members.as_ref().map_or(0, Vec::len);
            (0..count)
                .map(|i| {
                    let label = member_label(i, a, i18n.lang());
                    let age = a
                        .get(&format!("members[{i}].age"))
                        .and_then(|v| v.as_i64())
                        .map(|n| fill(i18n.tr(Msg::MemberAgeYears), &[("age", &n.to_string())]))
                        .unwrap_or_default();
                    let removed = format!("{label} {age}");
                    view! {
                        <li class="member-row" data-testid=format!("member-{i}")>
                            <span>{label} " " {age}</span>
                            <button
                                type="button"
                                class="button secondary small"
                                data-testid=format!("remove-member-{i}")
                                on:click=move |_| {
                                    let before = household.answers.get_untracked();
                                    undo.set(Some((before, removed.clone())));
                                    household.update(|a| a.remove_member(i));
                                }
                            >
                                {t(Msg::MemberRemove)}
                            </button>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let empty = move || {
        household
            .answers
            .with(|a| a.members.as_ref().is_none_or(Vec::is_empty))
    };
    let done = move |_| {
        household.update(|a| {
            a.members.get_or_insert_with(Vec::new);
            a.mark_asked("members");
        });
        navigate("/check/next", Default::default());
    };
    let undo_line = move || {
        undo.get().map(|(_, who)| {
            view! {
                <p class="hint" role="status" data-testid="member-removed">
                    {fill(i18n.tr(Msg::MemberRemoved), &[("who", &who)])}
                    " "
                    <button
                        type="button"
                        class="button secondary small"
                        data-testid="undo-remove"
                        on:click=move |_| {
                            if let Some((before, _)) = undo.get_untracked() {
                                household.update(|a| *a = before);
                            }
                            undo.set(None);
                        }
                    >
                        {t(Msg::MemberUndo)}
                    </button>
                </p>
            }
        })
    };
    let heading = Signal::derive(move || i18n.tr(Msg::QMembersTitle).to_string());
    view! {
        <section class="screen question" data-testid="question-members">
            <BackLink href=back_href(Some("members"))/>
            <Progress/>
            <QuestionHeading text=heading/>
            <p class="hint">{t(Msg::QMembersHint)}</p>
            <crate::speech::ReadAloud text=Callback::new(move |_| {
                format!("{}。{}", i18n.tr(Msg::QMembersTitle), i18n.tr(Msg::QMembersHint))
            })/>
            <ul class="member-list">{rows}</ul>
            {undo_line}
            {move || empty().then(|| view! { <p class="hint">{t(Msg::MemberListEmpty)}</p> })}
            <div class="choices">
                {move || (!empty()).then(|| view! {
                    <button
                        type="button"
                        class="button primary"
                        data-testid="members-done"
                        on:click=done.clone()
                    >
                        {t(Msg::MemberDoneNext)}
                    </button>
                })}
                <a
                    class="button"
                    class:primary=empty
                    class:secondary=move || !empty()
                    href="/check/add-member"
                    data-testid="add-member"
                >
                    {t(Msg::MemberAdd)}
                </a>
            </div>
            <SeeResults/>
        </section>
    }
}

/// A new person: who they are and their age, on one screen; then back to the list.
#[component]
pub(super) fn AddMember() -> impl IntoView {
    let household = use_household();
    let i18n = use_i18n();
    let navigate = use_navigate();
    let q = MEMBER_QUESTIONS[0];
    let values: &'static [&'static str] = match q.answer {
        AnswerKind::Choice(v) => v,
        _ => &[],
    };
    let (min, max) = match MEMBER_QUESTIONS[1].answer {
        AnswerKind::Number { min, max } => (min, max),
        _ => (0, 120),
    };
    let relation: RwSignal<Option<&'static str>> = RwSignal::new(None);
    let age_text = RwSignal::new(String::new());
    let error: RwSignal<Option<String>> = RwSignal::new(None);
    let buttons = values
        .iter()
        .map(|&v| {
            view! {
                <ChoiceButton
                    label=Signal::derive(move || value_label(&q, v, i18n.lang()))
                    testid=format!("choice-{v}")
                    explain=Signal::derive(move || vec![value_label(&q, v, &crate::i18n::LANGS[0])])
                    selected=Signal::derive(move || relation.get() == Some(v))
                    on_pick=move || relation.set(Some(v))
                />
            }
        })
        .collect_view();
    // Adds the person (the age `None`: 「不清楚」) and goes back to the list.
    let add = move |age: Option<i64>| {
        let Some(rel) = relation.get_untracked() else {
            error.set(Some(i18n.tr(Msg::MemberPickRelation).to_string()));
            crate::pages::focus_later(ANSWER_INPUT);
            return;
        };
        household.update(|a| {
            let members = a.members.get_or_insert_with(Vec::new);
            let mut person = Map::new();
            person.insert("relation".into(), Value::from(rel));
            if let Some(n) = age {
                person.insert("age".into(), Value::from(n));
            }
            members.push(person);
            let at = format!("members[{}].age", members.len() - 1);
            if age.is_none() {
                a.unsure.insert(at.clone());
            }
            a.mark_asked(&at);
        });
        navigate("/check/members", Default::default());
    };
    let add_unsure = add.clone();
    let heading = Signal::derive(move || i18n.tr(Msg::QMRelationTitle).to_string());
    view! {
        <section class="screen question" data-testid="question-add-member">
            <BackLink href="/check/members".to_string()/>
            <QuestionHeading text=heading/>
            <div class="choices" role="group" aria-labelledby="page-heading">{buttons}</div>
            <NumberForm
                text=age_text
                error
                min
                max
                label=Msg::MemberAgeLabel
                on_number=move |n: i64| add(Some(n))
            />
            <div class="choices">
                <button type="button" class="choice" data-testid="age-unsure" on:click=move |_| add_unsure(None)>
                    <span class="choice-mark" aria-hidden="true"></span>
                    <span>{t(Msg::MemberAgeUnsure)}</span>
                </button>
            </div>
        </section>
    }
}
