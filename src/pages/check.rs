//! 查政策: the questionnaire, one question per screen (`/check`, `/check/<step>`), then a summary
//! of the saved answers (`/check/done`).
use crate::i18n::{fill, t, use_i18n, Msg};
use crate::pages::{BackLink, ClearData, FocusHeading};
use crate::questions::{position, Question, QUESTIONS};
use crate::use_household;
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

const SUMMARY: &str = "done";

#[component]
pub fn Check() -> impl IntoView {
    let params = use_params_map();
    let step = Memo::new(move |_| params.read().get("step"));
    move || match step.get().as_deref() {
        Some(SUMMARY) => EitherOf3::A(view! { <Summary/> }),
        id => match id.map_or(Some(0), position) {
            Some(index) => EitherOf3::B(view! { <QuestionStep index/> }),
            None => EitherOf3::C(view! { <crate::pages::not_found::NotFound/> }),
        },
    }
}

fn next_href(index: usize) -> String {
    QUESTIONS
        .get(index + 1)
        .map_or_else(|| format!("/check/{SUMMARY}"), Question::href)
}

#[component]
fn QuestionStep(index: usize) -> impl IntoView {
    let question: &'static Question = &QUESTIONS[index];
    let household = use_household();
    let i18n = use_i18n();
    let navigate = use_navigate();
    let selected = move || household.answers.with(|a| (question.get)(a));
    let back = if index == 0 {
        "/".to_string()
    } else {
        QUESTIONS[index - 1].href()
    };
    let progress = move || {
        fill(
            i18n.tr(Msg::CheckProgress),
            &[
                ("n", &(index + 1).to_string()),
                ("total", &QUESTIONS.len().to_string()),
            ],
        )
    };
    let percent = format!("width: {}%", (index + 1) * 100 / QUESTIONS.len());

    let choices = (question.choices)()
        .into_iter()
        .map(|choice| {
            let navigate = navigate.clone();
            let is_selected = move || selected() == Some(choice.value);
            view! {
                <button
                    type="button"
                    class="choice"
                    class:selected=is_selected
                    aria-pressed=move || is_selected().to_string()
                    data-testid=format!("choice-{}", choice.value)
                    on:click=move |_| {
                        household.update(|a| (question.set)(a, choice.value));
                        navigate(&next_href(index), Default::default());
                    }
                >
                    <span class="choice-mark" aria-hidden="true"></span>
                    <span>{t(choice.label)}</span>
                </button>
            }
        })
        .collect_view();

    view! {
        <section class="screen question" data-testid=format!("question-{}", question.id)>
            <BackLink href=back/>
            <div class="progress" data-testid="progress">
                <p>{progress}</p>
                <div class="progress-track" aria-hidden="true">
                    <div class="progress-bar" style=percent></div>
                </div>
            </div>
            <FocusHeading text=question.title testid="question-title"/>
            <p class="hint">{t(question.hint)}</p>
            <div class="choices" role="group" aria-label=t(question.title)>
                {choices}
            </div>
            {move || {
                selected()
                    .map(|_| {
                        view! {
                            <a class="button secondary" href=next_href(index) data-testid="next">
                                {t(Msg::CheckNext)}
                            </a>
                        }
                    })
            }}
        </section>
    }
}

#[component]
fn Summary() -> impl IntoView {
    let household = use_household();
    let answered = move || {
        household
            .answers
            .with(|a| QUESTIONS.iter().any(|q| (q.get)(a).is_some()))
    };
    let rows = move || {
        household.answers.with(|a| {
            QUESTIONS
                .iter()
                .filter_map(|q| q.answer_label(a).map(|label| (q, label)))
                .map(|(q, label)| {
                    view! {
                        <div class="answer-row" data-testid=format!("answer-{}", q.id)>
                            <dt>{t(q.summary_label)}</dt>
                            <dd data-testid=format!("answer-{}-value", q.id)>{t(label)}</dd>
                            <dd>
                                <a
                                    class="button secondary small"
                                    href=q.href()
                                    data-testid=format!("change-{}", q.id)
                                >
                                    {t(Msg::CheckChange)}
                                    <span class="visually-hidden">
                                        "：" {t(q.summary_label)}
                                    </span>
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
            <BackLink href=QUESTIONS[QUESTIONS.len() - 1].href()/>
            <FocusHeading text=Msg::CheckSummaryTitle testid="summary-title"/>
            {move || {
                if answered() {
                    Either::Left(
                        view! {
                            <p>{t(Msg::CheckSummaryIntro)}</p>
                            <dl class="answers">{rows}</dl>
                            <div class="next-steps">
                                <h2>{t(Msg::CheckNextStepsTitle)}</h2>
                                <p>{t(Msg::CheckNextStepsBody)}</p>
                                <a class="button primary" href="/report" data-testid="summary-report">
                                    {t(Msg::HomeReport)}
                                </a>
                            </div>
                        },
                    )
                } else {
                    Either::Right(
                        view! {
                            <p data-testid="summary-empty">{t(Msg::CheckSummaryEmpty)}</p>
                            <a class="button primary" href="/check" data-testid="start-again">
                                {t(Msg::CheckStart)}
                            </a>
                        },
                    )
                }
            }}
            <ClearData/>
            <a class="text-link" href="/" data-testid="go-home">
                {t(Msg::CommonHome)}
            </a>
        </section>
    }
}
