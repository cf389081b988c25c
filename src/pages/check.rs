//! 查政策: the questionnaire, one question per screen.
//!
//! - `/check` (or `/check/region`): where the household lives;
//! - `/check/next`: works out the most decisive open question with the rules and goes there;
//! - `/check/<step>`: one question (`h.dibao`, `m1.age`, `county_exit_year` …), or several of
//!   one topic (`t.support`, see `topic.rs`);
//! - `/check/members` and `/check/add-member`: who lives in the household, one person at a time;
//! - `/check/done`: every answer, each with 「修改」.
use crate::glossary::Glossary;
use crate::i18n::{fill, t, use_i18n, Msg};
use crate::pages::{BackLink, ClearData, FocusHeading};
use crate::questions::{
    answer_path, answer_text, answered, ask_for_path, echo, hint, member_label, path_of_slug, slug,
    title, value_label, yes_no, RIGID_CAUSES, RIGID_EXPENSE,
};
use crate::{region_msg, today, use_household};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::NavigateOptions;
use serde_json::{Map, Value};
use xiangqin_rules::amount::parse_yuan;
use xiangqin_rules::questions::{
    group, group_members, member_question_makes_sense, next_question, questions_left, AnswerKind,
    Ask, Question, MEMBER_QUESTIONS,
};
use xiangqin_rules::{rules, Region};

mod topic;

#[component]
pub fn Check() -> impl IntoView {
    let params = use_params_map();
    let step = Memo::new(move |_| params.read().get("step").unwrap_or_default());
    move || match step.get().as_str() {
        "" | "region" => view! { <RegionStep/> }.into_any(),
        "next" => view! { <NextStep/> }.into_any(),
        "done" => view! { <Summary/> }.into_any(),
        "members" => view! { <MembersStep/> }.into_any(),
        "add-member" => view! { <AddMember/> }.into_any(),
        other => match ask_for_path(&path_of_slug(other)) {
            Some(ask) => view! { <AskStep ask/> }.into_any(),
            None => view! { <crate::pages::not_found::NotFound/> }.into_any(),
        },
    }
}

/// Where "back" leads from the question at `path`: the question answered before it.
fn back_href(path: Option<&str>) -> String {
    let household = use_household();
    household.answers.with_untracked(|a| {
        let before: Vec<&String> = match path {
            Some(p) => a.asked.iter().take_while(|q| q.as_str() != p).collect(),
            None => a.asked.iter().collect(),
        };
        before
            .last()
            .map(|p| format!("/check/{}", slug(p)))
            .unwrap_or_else(|| "/check/region".into())
    })
}

/// 「还有大约 N 个问题」 and a bar: the questions the rules still have open against those answered.
#[component]
fn Progress() -> impl IntoView {
    let household = use_household();
    let i18n = use_i18n();
    let counts = Memo::new(move |_| {
        household.answers.with(|a| {
            let done = a.asked.len();
            // Before the region is known the rules cannot count: nothing is said.
            let left = a
                .facts(today())
                .ok()
                .and_then(|f| rules().evaluate(&f).ok().map(|e| (f, e)))
                .map(|(f, e)| questions_left(&f, &e, &a.not_to_ask()));
            (done, left)
        })
    });
    let text = move || match counts.get().1 {
        None => String::new(),
        Some(0) => i18n.tr(Msg::CheckLeftNone).to_string(),
        Some(n) => fill(i18n.tr(Msg::CheckLeftCount), &[("n", &n.to_string())]),
    };
    let width = move || {
        let (done, left) = counts.get();
        let left = left.unwrap_or(1);
        format!("width: {}%", (done * 100 / (done + left).max(1)).max(4))
    };
    view! {
        <div class="progress" data-testid="progress">
            <p>{text}</p>
            <div class="progress-track" aria-hidden="true">
                <div class="progress-bar" style=width></div>
            </div>
        </div>
    }
}

/// The question's heading, focused when the screen appears.
#[component]
fn QuestionHeading(text: Signal<String>) -> impl IntoView {
    crate::pages::focus_later("page-heading");
    view! {
        <h1 id="page-heading" tabindex="-1" data-testid="question-title">
            {move || text.get()}
        </h1>
    }
}

/// 「先看结果」: the household can stop at any time.
#[component]
fn SeeResults() -> impl IntoView {
    view! {
        <a class="text-link see-results" href="/results" data-testid="see-results">
            {t(Msg::CheckSeeResults)}
        </a>
    }
}

#[component]
fn RegionStep() -> impl IntoView {
    let household = use_household();
    let i18n = use_i18n();
    let navigate = use_navigate();
    let selected = move || household.answers.with(|a| a.region);
    let choices = Region::ALL
        .iter()
        .map(|&region| {
            let navigate = navigate.clone();
            let is_selected = move || selected() == Some(region);
            view! {
                <button
                    type="button"
                    class="choice"
                    class:selected=is_selected
                    aria-pressed=move || is_selected().to_string()
                    data-testid=format!("choice-{}", region.key())
                    on:click=move |_| {
                        household.update(|a| {
                            if a.region != Some(region) {
                                a.county_exit_year = None;
                            }
                            a.region = Some(region);
                        });
                        navigate("/check/next", Default::default());
                    }
                >
                    <span class="choice-mark" aria-hidden="true"></span>
                    <span>{t(region_msg(region))}</span>
                </button>
            }
        })
        .collect_view();
    view! {
        <section class="screen question" data-testid="question-region">
            <BackLink href="/".to_string()/>
            <Progress/>
            <FocusHeading text=Msg::QRegionTitle testid="question-title"/>
            <p class="hint">{t(Msg::QRegionHint)}</p>
            <crate::speech::ReadAloud text=Callback::new(move |_| {
                format!("{}。{}", i18n.tr(Msg::QRegionTitle), i18n.tr(Msg::QRegionHint))
            })/>
            <div class="choices" role="group" aria-label=t(Msg::QRegionTitle)>
                {choices}
            </div>
        </section>
    }
}

/// Goes to the question that settles the most open results, or to the results when none is left.
#[component]
fn NextStep() -> impl IntoView {
    let household = use_household();
    let navigate = use_navigate();
    let target = household.answers.with_untracked(|a| {
        if a.region.is_none() {
            return "/check/region".to_string();
        }
        let Ok(facts) = a.facts(today()) else {
            return "/check/done".to_string();
        };
        let Ok(evaluation) = rules().evaluate(&facts) else {
            return "/check/done".to_string();
        };
        match next_question(&facts, &evaluation, &a.not_to_ask()) {
            Some(Ask::Members) => "/check/members".to_string(),
            Some(ask) => format!("/check/{}", slug(&answer_path(&ask))),
            None => "/results".to_string(),
        }
    });
    Effect::new(move || {
        navigate(
            &target,
            NavigateOptions {
                replace: true,
                ..Default::default()
            },
        )
    });
    view! { <p class="hint" role="status"></p> }
}

/// Records an answer (or 「不清楚」 with `None`) and goes on to the next question. Made while the
/// screen is built (it needs the household and the router from context), called on a tap.
fn answerer() -> impl Fn(String, Option<Value>) + Clone + 'static {
    let household = use_household();
    let navigate = use_navigate();
    move |path: String, value: Option<Value>| {
        household.update(|a| {
            match value {
                Some(v) => a.set(&path, Some(v)),
                None => {
                    a.set(&path, None);
                    a.unsure.insert(path.clone());
                    // The rules ask for the total of the amounts.
                    if path == RIGID_EXPENSE {
                        a.unsure.insert(format!("{RIGID_EXPENSE}_total"));
                    }
                }
            }
            a.mark_asked(&path);
        });
        // After a new person's age, back to the list to add the next person.
        let next = if path.starts_with("members[") && path.ends_with("].age") {
            "/check/members"
        } else {
            "/check/next"
        };
        navigate(next, Default::default());
    }
}

#[component]
fn AskStep(ask: Ask) -> impl IntoView {
    let household = use_household();
    let i18n = use_i18n();
    let path = answer_path(&ask);
    // A question about a person who is not (or no longer) on the list cannot be answered.
    if let Ask::Member(i, _) = ask {
        if household
            .answers
            .with_untracked(|a| a.members.as_ref().is_none_or(|m| m.len() <= i))
        {
            return view! { <crate::pages::not_found::NotFound/> }.into_any();
        }
    }
    let (for_title, for_hint, for_speech) = (ask.clone(), ask.clone(), ask.clone());
    let heading = Signal::derive(move || {
        household
            .answers
            .with(|a| title(&for_title, a, i18n.lang()))
    });
    let hint_text = move || hint(&for_hint, i18n.lang());
    let for_echo = ask.clone();
    let echo_text = move || household.answers.with(|a| echo(&for_echo, a, i18n.lang()));
    // The official terms in the question, explained under it.
    let for_terms = ask.clone();
    let question_terms = Signal::derive(move || {
        let lang = &crate::i18n::LANGS[0];
        let title = household.answers.with(|a| title(&for_terms, a, lang));
        vec![
            title,
            hint(&for_terms, lang).unwrap_or_default().to_string(),
        ]
    });
    let back = back_href(Some(&path));
    let q = match ask {
        Ask::Household(q) | Ask::Member(_, q) | Ask::Anyone(q) => q,
        Ask::Members => unreachable!("the member list has its own screen"),
        Ask::Topic(topic, _) => return view! { <topic::TopicStep topic/> }.into_any(),
    };
    let body = match q.answer {
        _ if matches!(ask, Ask::Anyone(_)) => {
            view! { <AnyoneAnswer path=path.clone() q/> }.into_any()
        }
        _ if q.fact == RIGID_EXPENSE => view! { <AmountsAnswer path=path.clone()/> }.into_any(),
        AnswerKind::YesNo => view! { <YesNoAnswer path=path.clone() ask=ask.clone()/> }.into_any(),
        AnswerKind::Choice(values) => {
            view! { <ChoiceAnswer path=path.clone() ask=ask.clone() values/> }.into_any()
        }
        AnswerKind::Multi(values) => {
            view! { <MultiAnswer path=path.clone() ask=ask.clone() values/> }.into_any()
        }
        AnswerKind::Number { min, max } => {
            view! { <NumberAnswer path=path.clone() min max/> }.into_any()
        }
        AnswerKind::Text => view! { <TextAnswer path=path.clone()/> }.into_any(),
    };
    view! {
        <section class="screen question" data-testid=format!("question-{}", slug(&path))>
            <BackLink href=back/>
            <Progress/>
            <QuestionHeading text=heading/>
            {move || hint_text().map(|h| view! { <p class="hint">{h}</p> })}
            {move || echo_text().map(|e| view! { <p class="hint echo" data-testid="question-echo">{e}</p> })}
            <Glossary texts=question_terms/>
            <crate::speech::ReadAloud text=Callback::new(move |_| {
                format!("{}。{}", heading.get_untracked(), hint(&for_speech, i18n.lang()).unwrap_or_default())
            })/>
            {body}
            <p class="hint small">{t(Msg::AnsUnsureNote)}</p>
            <SeeResults/>
        </section>
    }
    .into_any()
}

/// A big answer button; `selected` marks the stored answer.
#[component]
fn ChoiceButton(
    label: Signal<String>,
    testid: String,
    selected: Signal<bool>,
    on_pick: impl Fn() + 'static,
    /// The Chinese words whose official terms are explained under the label.
    #[prop(optional)]
    explain: Option<Signal<Vec<String>>>,
    /// A small button, one of several in a row of a topic screen.
    #[prop(optional)]
    chip: bool,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class="choice"
            class:chip=chip
            class:selected=move || selected.get()
            aria-pressed=move || selected.get().to_string()
            data-testid=testid
            on:click=move |_| on_pick()
        >
            <span class="choice-mark" aria-hidden="true"></span>
            <span class="choice-text">
                <span>{move || label.get()}</span>
                {explain.map(|texts| view! { <Glossary texts/> })}
            </span>
        </button>
    }
}

/// 「不清楚」: stays unknown, is never taken as "no".
#[component]
fn UnsureButton(path: String) -> impl IntoView {
    let household = use_household();
    let i18n = use_i18n();
    let answer = answerer();
    let p = path.clone();
    let selected = Signal::derive(move || household.answers.with(|a| a.unsure.contains(&p)));
    view! {
        <ChoiceButton
            label=Signal::derive(move || i18n.tr(Msg::AnsUnsure).to_string())
            testid="choice-unsure".to_string()
            selected
            on_pick=move || answer(path.clone(), None)
        />
    }
}

fn stored(path: &str) -> Signal<Option<Value>> {
    let household = use_household();
    let path = path.to_string();
    Signal::derive(move || household.answers.with(|a| a.get(&path)))
}

#[component]
fn YesNoAnswer(path: String, ask: Ask) -> impl IntoView {
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
fn choice_value(fact: &str, value: &str) -> Value {
    match (fact, value.parse::<i64>()) {
        ("member.disability_grade", Ok(n)) => Value::from(n),
        _ => Value::from(value),
    }
}

#[component]
fn ChoiceAnswer(path: String, ask: Ask, values: &'static [&'static str]) -> impl IntoView {
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
fn MultiAnswer(path: String, ask: Ask, values: &'static [&'static str]) -> impl IntoView {
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
            let is_on = move || picked.with(|p| p.iter().any(|x| x == v));
            view! {
                <button
                    type="button"
                    role="checkbox"
                    class="choice check"
                    class:selected=is_on
                    aria-checked=move || is_on().to_string()
                    data-testid=format!("choice-{v}")
                    on:click=move |_| {
                        picked.update(|p| {
                            if let Some(i) = p.iter().position(|x| x == v) {
                                p.remove(i);
                            } else {
                                p.push(v.to_string());
                            }
                        })
                    }
                >
                    <span class="choice-mark" aria-hidden="true"></span>
                    <span class="choice-text">
                        <span>{move || value_label(&q, v, i18n.lang())}</span>
                        <Glossary texts=vec![value_label(&q, v, &crate::i18n::LANGS[0])]/>
                    </span>
                </button>
            }
        })
        .collect_view();
    let confirm_path = path.clone();
    let none_path = path.clone();
    let answer = answerer();
    let answer2 = answer.clone();
    view! {
        <div class="choices" role="group">
            {boxes}
        </div>
        <div class="choices">
            <button
                type="button"
                class="button primary"
                data-testid="confirm"
                disabled=move || picked.with(Vec::is_empty)
                on:click=move |_| {
                    let list = picked.get_untracked().into_iter().map(Value::from).collect();
                    answer(confirm_path.clone(), Some(Value::Array(list)))
                }
            >
                {t(Msg::AnsConfirm)}
            </button>
            <button
                type="button"
                class="choice"
                data-testid="choice-none"
                on:click=move |_| answer2(none_path.clone(), Some(Value::Array(vec![])))
            >
                <span class="choice-mark" aria-hidden="true"></span>
                <span>{t(Msg::AnsNoneOfThese)}</span>
            </button>
            <UnsureButton path=path.clone()/>
        </div>
    }
}

/// The people a household-wide question is put about: those whose answer is still open or, when
/// it was answered before (「修改」), everyone it makes sense for whose answer is not implied.
fn anyone_people(q: &Question, a: &crate::answers::Answers, answered_before: bool) -> Vec<usize> {
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
fn store_picked(
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
fn AnyoneAnswer(path: String, q: Question) -> impl IntoView {
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
            let is_on = move || picked.with(|p| p.contains(&i));
            let label = move || household.answers.with(|a| member_label(i, a, i18n.lang()));
            view! {
                <button
                    type="button"
                    role="checkbox"
                    class="choice check"
                    class:selected=is_on
                    aria-checked=move || is_on().to_string()
                    data-testid=format!("pick-member-{i}")
                    on:click=move |_| {
                        picked.update(|p| {
                            if let Some(k) = p.iter().position(|x| *x == i) {
                                p.remove(k);
                            } else {
                                p.push(i);
                                p.sort();
                            }
                        })
                    }
                >
                    <span class="choice-mark" aria-hidden="true"></span>
                    <span>{label}</span>
                </button>
            }
        })
        .collect_view();
    let answer = answerer();
    let store = move |chosen: Vec<usize>| {
        household.update(|a| store_picked(a, &q, &people, &chosen, &Default::default()));
        let list = chosen.into_iter().map(Value::from).collect();
        answer(path.clone(), Some(Value::Array(list)));
    };
    let store2 = store.clone();
    view! {
        <div class="choices" role="group">
            {boxes}
        </div>
        <div class="choices">
            <button
                type="button"
                class="button primary"
                data-testid="confirm"
                disabled=move || picked.with(Vec::is_empty)
                on:click=move |_| store(picked.get_untracked())
            >
                {t(Msg::AnsConfirm)}
            </button>
            <button
                type="button"
                class="choice"
                data-testid="choice-none"
                on:click=move |_| store2(vec![])
            >
                <span class="choice-mark" aria-hidden="true"></span>
                <span>{t(Msg::AnsNoneOfThese)}</span>
            </button>
            <UnsureButton path=unsure_path/>
        </div>
    }
}

#[component]
fn NumberAnswer(path: String, min: i64, max: i64) -> impl IntoView {
    let i18n = use_i18n();
    let initial = stored(&path)
        .get_untracked()
        .map(|v| v.to_string())
        .unwrap_or_default();
    let text = RwSignal::new(initial);
    let error = RwSignal::new(false);
    let submit_path = path.clone();
    let answer = answerer();
    // An amount of yuan (the year's income) is read as the declaration form reads one
    // (「3.5万」, 「30,000元」), to the whole yuan; ages, years and heads of livestock as whole numbers.
    let is_yuan = path.ends_with("_yuan");
    let submit = move || {
        let typed = text.get_untracked();
        let number = if is_yuan {
            parse_yuan(&typed).ok().flatten().map(|y| y.round() as i64)
        } else {
            typed.trim().parse::<i64>().ok()
        };
        match number {
            Some(n) if (min..=max).contains(&n) => {
                error.set(false);
                answer(submit_path.clone(), Some(Value::from(n)))
            }
            _ => {
                error.set(true);
                crate::pages::focus_later("number-answer");
            }
        }
    };
    let submit2 = submit.clone();
    let message = move || {
        fill(
            i18n.tr(Msg::AnsNumberInvalid),
            &[("min", &min.to_string()), ("max", &max.to_string())],
        )
    };
    view! {
        <form
            class="answer-form"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                submit()
            }
        >
            <input
                id="number-answer"
                class="text-input"
                type="text"
                inputmode="numeric"
                autocomplete="off"
                aria-labelledby="page-heading"
                aria-invalid=move || error.get().to_string()
                aria-describedby="number-error"
                data-testid="number-input"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            />
            <p id="number-error" class="field-error" role="alert" data-testid="answer-error">
                {move || error.get().then(message)}
            </p>
            <button type="button" class="button primary" data-testid="confirm" on:click=move |_| submit2()>
                {t(Msg::AnsConfirm)}
            </button>
        </form>
        <div class="choices">
            <UnsureButton path=path.clone()/>
        </div>
    }
}

#[component]
fn TextAnswer(path: String) -> impl IntoView {
    let initial = stored(&path)
        .get_untracked()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let text = RwSignal::new(initial);
    let error = RwSignal::new(false);
    let submit_path = path.clone();
    let answer = answerer();
    let submit = move || {
        let typed = text.get_untracked().trim().to_string();
        if typed.is_empty() || typed.chars().count() > 50 {
            error.set(true);
        } else {
            error.set(false);
            answer(submit_path.clone(), Some(Value::from(typed)));
        }
    };
    let submit2 = submit.clone();
    view! {
        <form
            class="answer-form"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                submit()
            }
        >
            <input
                class="text-input"
                type="text"
                maxlength="50"
                aria-labelledby="page-heading"
                aria-invalid=move || error.get().to_string()
                data-testid="text-input"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            />
            <p class="field-error" role="alert" data-testid="answer-error">
                {move || error.get().then(|| t(Msg::AnsTextEmpty)())}
            </p>
            <button type="button" class="button primary" data-testid="confirm" on:click=move |_| submit2()>
                {t(Msg::AnsConfirm)}
            </button>
        </form>
        <div class="choices">
            <UnsureButton path=path.clone()/>
        </div>
    }
}

/// Rigid expenses: four amounts in yuan; an empty box stays unknown.
#[component]
fn AmountsAnswer(path: String) -> impl IntoView {
    let current: Map<String, Value> = stored(&path)
        .get_untracked()
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default();
    let boxes: Vec<(&'static str, RwSignal<String>)> = RIGID_CAUSES
        .iter()
        .map(|c| {
            let text = current.get(*c).map(|v| v.to_string()).unwrap_or_default();
            (*c, RwSignal::new(text))
        })
        .collect();
    let error = RwSignal::new(false);
    let fields = boxes
        .iter()
        .map(|(cause, text)| {
            let text = *text;
            let label = Msg::from_key(&format!("v.rigid_expense.{cause}")).unwrap_or(Msg::AnsYuan);
            let id = format!("amount-{cause}");
            view! {
                <div class="field">
                    <label for=id.clone()>{t(label)} " (" {t(Msg::AnsYuan)} ")"</label>
                    <input
                        id=id
                        class="text-input"
                        type="text"
                        inputmode="decimal"
                        autocomplete="off"
                        aria-invalid=move || error.get().to_string()
                        data-testid=format!("amount-{cause}")
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                    />
                </div>
            }
        })
        .collect_view();
    let submit_path = path.clone();
    let answer = answerer();
    let submit = move |_| {
        let mut parts = Map::new();
        for (cause, text) in &boxes {
            // The same reader as the declaration form's: 「3.5万」 and 「3,000元」 are amounts here too.
            match parse_yuan(&text.get_untracked()) {
                Ok(None) => continue,
                Ok(Some(n)) => {
                    parts.insert(cause.to_string(), Value::from(n));
                }
                Err(_) => {
                    error.set(true);
                    return;
                }
            }
        }
        error.set(false);
        if parts.is_empty() {
            answer(submit_path.clone(), None)
        } else {
            answer(submit_path.clone(), Some(Value::Object(parts)))
        }
    };
    view! {
        <div class="answer-form">
            {fields}
            <p class="field-error" role="alert" data-testid="answer-error">
                {move || error.get().then(|| t(Msg::AnsAmountInvalid)())}
            </p>
            <button type="button" class="button primary" data-testid="confirm" on:click=submit>
                {t(Msg::AnsConfirm)}
            </button>
        </div>
        <div class="choices">
            <UnsureButton path=path.clone()/>
        </div>
    }
}

/// Who lives in the household: the list so far, 「添加一个人」 and, once someone is on it,
/// 「都加好了，下一步」 as the main button. Removing a person can be undone (until the next removal
/// or leaving the screen). Everyone knows who lives with them: there is no 「不清楚」 here.
#[component]
fn MembersStep() -> impl IntoView {
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
fn AddMember() -> impl IntoView {
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
            crate::pages::focus_later("number-answer");
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
    let submit = move || match age_text.get_untracked().trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => add(Some(n)),
        _ => {
            error.set(Some(fill(
                i18n.tr(Msg::AnsNumberInvalid),
                &[("min", &min.to_string()), ("max", &max.to_string())],
            )));
            crate::pages::focus_later("number-answer");
        }
    };
    let submit_button = submit.clone();
    let heading = Signal::derive(move || i18n.tr(Msg::QMRelationTitle).to_string());
    view! {
        <section class="screen question" data-testid="question-add-member">
            <BackLink href="/check/members".to_string()/>
            <QuestionHeading text=heading/>
            <div class="choices" role="group" aria-labelledby="page-heading">{buttons}</div>
            <form
                class="answer-form"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    submit()
                }
            >
                <label class="field-label" for="number-answer">{t(Msg::MemberAgeLabel)}</label>
                <input
                    id="number-answer"
                    class="text-input"
                    type="text"
                    inputmode="numeric"
                    autocomplete="off"
                    aria-invalid=move || error.with(Option::is_some).to_string()
                    aria-describedby="number-error"
                    data-testid="number-input"
                    prop:value=move || age_text.get()
                    on:input=move |ev| age_text.set(event_target_value(&ev))
                />
                <p id="number-error" class="field-error" role="alert" data-testid="answer-error">
                    {move || error.get()}
                </p>
                <button type="button" class="button primary" data-testid="confirm" on:click=move |_| submit_button()>
                    {t(Msg::AnsConfirm)}
                </button>
            </form>
            <div class="choices">
                <button type="button" class="choice" data-testid="age-unsure" on:click=move |_| add_unsure(None)>
                    <span class="choice-mark" aria-hidden="true"></span>
                    <span>{t(Msg::MemberAgeUnsure)}</span>
                </button>
            </div>
        </section>
    }
}

#[component]
fn Summary() -> impl IntoView {
    let household = use_household();
    let i18n = use_i18n();
    let answered_any = move || household.answers.with(|a| a.region.is_some());
    // Answers that do not fit together, flagged here and on their rows.
    let conflicts = Memo::new(move |_| {
        household.answers.with(|a| {
            a.facts(today())
                .map(|f| rules().conflicts(&f))
                .unwrap_or_default()
        })
    });
    let rows = move || {
        household.answers.with(|a| {
            let lang = i18n.lang();
            let mut out = Vec::new();
            if let Some(r) = a.region {
                out.push((
                    "region".to_string(),
                    lang.get(Msg::QRegionSummary).to_string(),
                    lang.get(region_msg(r)).to_string(),
                    "/check/region".to_string(),
                ));
            }
            for ask in answered(a) {
                if let Some(text) = answer_text(&ask, a, lang) {
                    let path = answer_path(&ask);
                    out.push((
                        slug(&path),
                        title(&ask, a, lang),
                        text,
                        format!("/check/{}", slug(&path)),
                    ));
                }
            }
            let set_aside: Vec<String> = conflicts
                .get()
                .into_iter()
                .flat_map(|c| c.paths)
                .map(|p| slug(&p))
                .collect();
            out.into_iter()
                .map(|(id, question, text, href)| {
                    let check = set_aside.contains(&id);
                    view! {
                        <div class="answer-row" class:conflict=check data-testid=format!("answer-{id}")>
                            <dt>{question}</dt>
                            <dd data-testid=format!("answer-{id}-value")>
                                {text}
                                {check.then(|| view! {
                                    <span class="tag conflict" data-testid="conflict-mark">{t(Msg::ConflictsMark)}</span>
                                })}
                            </dd>
                            <dd>
                                <a class="button secondary small" href=href data-testid=format!("change-{id}")>
                                    {t(Msg::CheckChange)}
                                </a>
                            </dd>
                        </div>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="screen summary" data-testid="summary">
            <BackLink href=back_href(None)/>
            <FocusHeading text=Msg::CheckSummaryTitle testid="summary-title"/>
            {move || {
                if answered_any() {
                    view! {
                        <p>{t(Msg::CheckSummaryIntro)}</p>
                        <crate::pages::results::Conflicts conflicts=conflicts/>
                        <dl class="answers">{rows}</dl>
                        <a class="button primary" href="/results" data-testid="summary-results">
                            {t(Msg::CheckResults)}
                        </a>
                        <a class="button secondary" href="/check/members" data-testid="summary-members">
                            {t(Msg::QMembersTitle)}
                        </a>
                        <a class="button secondary" href="/check/next" data-testid="summary-more">
                            {t(Msg::ResultsMoreQuestions)}
                        </a>
                    }
                    .into_any()
                } else {
                    view! {
                        <p data-testid="summary-empty">{t(Msg::CheckSummaryEmpty)}</p>
                        <a class="button primary" href="/check" data-testid="start-again">
                            {t(Msg::CheckStart)}
                        </a>
                    }
                    .into_any()
                }
            }}
            <ClearData/>
            <a class="text-link" href="/" data-testid="go-home">
                {t(Msg::CommonHome)}
            </a>
        </section>
    }
}
