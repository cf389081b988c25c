//! `/check/<step>`: one question on its screen, with the answer its kind asks for.
use crate::glossary::Glossary;
use crate::i18n::{t, use_i18n, Msg};
use crate::pages::BackLink;
use crate::questions::{answer_path, echo, hint, slug, title, RIGID_EXPENSE};
use crate::use_household;
use leptos::prelude::*;
use xiangqin_rules::questions::{AnswerKind, Ask};

use super::{
    back_href, AmountsAnswer, AnyoneAnswer, ChoiceAnswer, MultiAnswer, NumberAnswer, Progress,
    QuestionHeading, SeeResults, TextAnswer, YesNoAnswer,
};

#[component]
pub(super) fn AskStep(ask: Ask) -> impl IntoView {
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
        Ask::Topic(topic, _) => return view! { <super::topic::TopicStep topic/> }.into_any(),
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
