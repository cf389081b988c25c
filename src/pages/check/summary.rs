//! `/check/done`: every answer, each with 「修改」.
use crate::i18n::{t, use_i18n, Msg};
use crate::pages::{BackLink, ClearData, FocusHeading};
use crate::questions::{answer_path, answer_text, answered, slug, title};
use crate::{region_msg, today, use_household};
use leptos::prelude::*;
use xiangqin_rules::rules;

use super::back_href;

#[component]
pub(super) fn Summary() -> impl IntoView {
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
