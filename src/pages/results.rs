//! 查政策 results: every policy of the household's region that applies or may apply, grouped by
//! category, with the reason, what would settle a "maybe", and a link to the policy page.
use crate::glossary::Glossary;
use crate::i18n::{fill, t, use_i18n, Msg};
use crate::pages::FocusHeading;
use crate::questions::{answer_path, ask_for_path, chosen_diseases, member_label, slug, title};
use crate::{region_msg, today, use_household};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use xiangqin_rules::consistency::Conflict;
use xiangqin_rules::questions::Ask;
use xiangqin_rules::{
    rules, Category, Evaluation, Policy, PolicyResult, Region, Status, TimeLimit,
};

/// The order in which categories are shown (the household's basic living first).
pub const CATEGORY_ORDER: [Category; 10] = [
    Category::SafetyNet,
    Category::Medical,
    Category::Pension,
    Category::DisabilityChildren,
    Category::Education,
    Category::Housing,
    Category::Employment,
    Category::IndustryFinance,
    Category::Relocation,
    Category::Monitoring,
];

pub fn category_msg(c: Category) -> Msg {
    match c {
        Category::Monitoring => Msg::CatMonitoring,
        Category::SafetyNet => Msg::CatSafetyNet,
        Category::Medical => Msg::CatMedical,
        Category::Pension => Msg::CatPension,
        Category::DisabilityChildren => Msg::CatDisabilityChildren,
        Category::Education => Msg::CatEducation,
        Category::Housing => Msg::CatHousing,
        Category::Employment => Msg::CatEmployment,
        Category::IndustryFinance => Msg::CatIndustryFinance,
        Category::Relocation => Msg::CatRelocation,
    }
}

pub fn document_msg(r: Region) -> Msg {
    match r {
        Region::Qinghai => Msg::DocQinghai,
        Region::Longyan => Msg::DocLongyan,
        Region::Shaanxi => Msg::DocShaanxi,
        Region::InnerMongolia => Msg::DocInnerMongolia,
        Region::Liangzhou => Msg::DocLiangzhou,
    }
}

/// The kind of time limit, in words (the engine's reasons say what it means at today's date).
pub fn time_msg(p: &Policy) -> Msg {
    match p.time_limit {
        TimeLimit::None => Msg::TimeNone,
        TimeLimit::Plan2022 => Msg::TimePlan2022,
        TimeLimit::SomePeriod => Msg::TimeSomePeriod,
        TimeLimit::Transition => Msg::TimeTransition,
    }
}

pub fn status_msg(s: Status) -> Msg {
    match s {
        Status::Applies => Msg::ResultsApplies,
        _ => Msg::ResultsMaybe,
    }
}

/// The household's evaluation today, if its region is known.
pub fn evaluate_today() -> Memo<Option<Evaluation>> {
    let household = use_household();
    Memo::new(move |_| {
        household.answers.with(|a| {
            let facts = a.facts(today()).ok()?;
            rules().evaluate(&facts).ok()
        })
    })
}

/// Answers that do not fit together: each said plainly, with a link to change every answer it
/// sets aside. The rules decide nothing on them until they are corrected.
#[component]
pub fn Conflicts(#[prop(into)] conflicts: Signal<Vec<Conflict>>) -> impl IntoView {
    let household = use_household();
    let i18n = use_i18n();
    move || {
        let conflicts = conflicts.get();
        (!conflicts.is_empty()).then(|| {
            let items = conflicts
                .into_iter()
                .map(|c| {
                    let (who, links) = household.answers.with(|a| {
                        let lang = i18n.lang();
                        let who = match c.member {
                            Some(i) => member_label(i, a, lang),
                            None => lang.get(Msg::ConflictsHousehold).to_string(),
                        };
                        let links: Vec<(String, String)> = c
                            .paths
                            .iter()
                            .filter_map(|p| ask_for_path(p))
                            .map(|ask| {
                                (
                                    format!("/check/{}", slug(&answer_path(&ask))),
                                    title(&ask, a, lang),
                                )
                            })
                            .collect();
                        (who, links)
                    });
                    let links = links
                        .into_iter()
                        .map(|(href, question)| {
                            view! {
                                <li>
                                    <a href=href data-testid="conflict-change">
                                        {t(Msg::CheckChange)} "：" {question}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        <li data-testid=format!("conflict-{}", c.id)>
                            <p>
                                <strong>{who}</strong>
                                "："
                                <span lang="zh-Hans">{c.message.clone()}</span>
                            </p>
                            <ul class="conflict-links">{links}</ul>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="conflicts" role="alert" data-testid="conflicts">
                    <h2>{t(Msg::ConflictsTitle)}</h2>
                    <p>{t(Msg::ConflictsBody)}</p>
                    <ul>{items}</ul>
                </div>
            }
        })
    }
}

/// Needs the answers show that the region's document says nothing about: one line each, pointing
/// to the village committee or township (no policy is invented to fill the gap).
#[component]
fn Silences() -> impl IntoView {
    let household = use_household();
    let i18n = use_i18n();
    let needs = Memo::new(move |_| {
        household.answers.with(|a| {
            let Ok(facts) = a.facts(today()) else {
                return (None, Vec::new());
            };
            let ids = rules()
                .unanswered_needs(&facts)
                .into_iter()
                .map(|n| n.id.clone())
                .collect::<Vec<_>>();
            (facts.region, ids)
        })
    });
    move || {
        let (Some(region), ids) = needs.get() else {
            return None;
        };
        (!ids.is_empty()).then(|| {
            let lines = ids
                .into_iter()
                .filter_map(|id| {
                    let need = Msg::from_key(&format!("need.{id}"))?;
                    let lang = i18n.lang();
                    let text = fill(
                        lang.get(Msg::ResultsSilence),
                        &[
                            ("need", lang.get(need)),
                            ("region", lang.get(region_msg(region))),
                        ],
                    );
                    Some(view! { <li data-testid=format!("silence-{id}")>{text}</li> })
                })
                .collect_view();
            view! {
                <div class="silences" data-testid="silences">
                    <h2>{t(Msg::ResultsSilenceTitle)}</h2>
                    <ul>{lines}</ul>
                </div>
            }
        })
    }
}

#[component]
pub fn Results() -> impl IntoView {
    let household = use_household();
    let i18n = use_i18n();
    let evaluation = evaluate_today();
    let risk = Memo::new(move |_| {
        household.answers.with(|a| {
            a.facts(today())
                .ok()
                .and_then(|f| rules().household_term("risk_signal", &f))
                .unwrap_or(false)
        })
    });

    let header = move || {
        let e = evaluation.get()?;
        let lang = i18n.lang();
        Some(view! {
            <div class="results-source" data-testid="results-source">
                <p>{fill(lang.get(Msg::ResultsSource), &[("document", lang.get(document_msg(e.region)))])}</p>
                <p>
                    {fill(
                        lang.get(Msg::ResultsDates),
                        &[("today", &e.as_of.to_string()), ("version", &e.rules_version)],
                    )}
                </p>
                <p class="small">{lang.get(Msg::ResultsFinalSay)}</p>
            </div>
        })
    };

    let counts = move || {
        let e = evaluation.get()?;
        let n = |s: Status| e.results.iter().filter(|r| r.status == s).count();
        let lang = i18n.lang();
        Some(view! {
            <p class="results-counts" data-testid="results-counts">
                <span class="badge applies">
                    {fill(lang.get(Msg::ResultsAppliesCount), &[("n", &n(Status::Applies).to_string())])}
                </span>
                " "
                <span class="badge maybe">
                    {fill(lang.get(Msg::ResultsMaybeCount), &[("n", &n(Status::Maybe).to_string())])}
                </span>
            </p>
        })
    };

    let groups = move || {
        let Some(e) = evaluation.get() else {
            return view! {
                <p data-testid="results-no-region">{t(Msg::ResultsNoRegion)}</p>
                <a class="button primary" href="/check/region">{t(Msg::CheckStart)}</a>
            }
            .into_any();
        };
        let shown: Vec<&PolicyResult> = e
            .results
            .iter()
            .filter(|r| r.status != Status::NotApplicable)
            .collect();
        if shown.is_empty() {
            return view! { <p data-testid="results-none">{t(Msg::ResultsNone)}</p> }.into_any();
        }
        CATEGORY_ORDER
            .iter()
            .filter_map(|&cat| {
                let mut in_cat: Vec<&PolicyResult> = shown
                    .iter()
                    .copied()
                    .filter(|r| rules().policy(&r.id).is_some_and(|p| p.category == cat))
                    .collect();
                if in_cat.is_empty() {
                    return None;
                }
                // Applies first, then maybe; the data's order within each.
                in_cat.sort_by_key(|r| r.status != Status::Applies);
                let cards = in_cat
                    .into_iter()
                    .map(|r| view! { <ResultCard result=r.clone()/> })
                    .collect_view();
                Some(view! {
                    <section class="category" data-testid=format!("category-{}", serde_key(cat))>
                        <h2>{t(category_msg(cat))}</h2>
                        {cards}
                    </section>
                })
            })
            .collect_view()
            .into_any()
    };

    let share = move |_| {
        let window = window();
        let navigator = window.navigator();
        let share = js_sys::Reflect::get(&navigator, &"share".into()).ok();
        if let Some(f) = share.and_then(|f| f.dyn_into::<js_sys::Function>().ok()) {
            let data = js_sys::Object::new();
            let _ =
                js_sys::Reflect::set(&data, &"title".into(), &i18n.tr(Msg::ResultsTitle).into());
            let url = window.location().href().unwrap_or_default();
            let _ = js_sys::Reflect::set(&data, &"url".into(), &url.into());
            // The promise's outcome (shared or cancelled) needs no answer.
            let _ = f.call1(&navigator, &data);
        }
    };
    let can_share = js_sys::Reflect::has(&window().navigator(), &"share".into()).unwrap_or(false);
    let print = move |_| {
        let _ = window().print();
    };
    let region = move || household.answers.with(|a| a.region);

    view! {
        <section class="screen results" data-testid="results">
            <FocusHeading text=Msg::ResultsTitle testid="results-title"/>
            <crate::speech::ReadAloud text=Callback::new(move |_| {
                let mut out = i18n.tr(Msg::ResultsTitle).to_string();
                if let Some(e) = evaluation.get_untracked() {
                    for r in e.results.iter().filter(|r| r.status != Status::NotApplicable) {
                        if let Some(p) = rules().policy(&r.id) {
                            out.push_str(&format!("。{}，{}：{}", i18n.tr(status_msg(r.status)), p.title, p.summary));
                        }
                    }
                }
                out
            })/>
            {header}
            <Conflicts conflicts=Signal::derive(move || {
                evaluation.get().map(|e| e.conflicts).unwrap_or_default()
            })/>
            {counts}
            {move || {
                risk.get()
                    .then(|| {
                        view! {
                            <div class="next-steps" data-testid="results-report">
                                <h2>{t(Msg::ResultsReportTitle)}</h2>
                                <p>{t(Msg::ResultsReportBody)}</p>
                                <a class="button primary" href="/report" data-testid="results-report-link">
                                    {t(Msg::HomeReport)}
                                </a>
                            </div>
                        }
                    })
            }}
            <Silences/>
            {groups}
            <div class="results-actions no-print">
                <a class="button secondary" href="/check/next" data-testid="results-more">
                    {t(Msg::ResultsMoreQuestions)}
                </a>
                <a class="button secondary" href="/check/done" data-testid="results-answers">
                    {t(Msg::ResultsSummary)}
                </a>
                {move || {
                    region()
                        .map(|r| {
                            view! {
                                <a class="button secondary" href=format!("/policies/{}", r.key()) data-testid="results-browse">
                                    {t(Msg::ResultsBrowse)}
                                </a>
                            }
                        })
                }}
                <button type="button" class="button secondary" data-testid="results-print" on:click=print>
                    {t(Msg::ResultsPrint)}
                </button>
                {can_share
                    .then(|| {
                        view! {
                            <button type="button" class="button secondary" data-testid="results-share" on:click=share>
                                {t(Msg::ResultsShare)}
                            </button>
                        }
                    })}
            </div>
        </section>
    }
}

/// `safety_net` for [`Category::SafetyNet`] (as in the data files).
pub fn serde_key(c: Category) -> String {
    serde_json::to_value(c)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[component]
fn ResultCard(result: PolicyResult) -> impl IntoView {
    let household = use_household();
    let i18n = use_i18n();
    let Some(policy) = rules().policy(&result.id) else {
        return ().into_any();
    };
    let status = result.status;
    let time = time_msg(policy);
    // A "maybe" is settled by answering a question, or by asking the village.
    let settle = result
        .missing_facts
        .iter()
        .find_map(|p| ask_for_path(p).map(|a| (p.clone(), a)));
    let settle_view = (status == Status::Maybe).then(|| match settle {
        Some((_, ask)) => {
            let href = match &ask {
                Ask::Members => "/check/members".to_string(),
                a => format!("/check/{}", slug(&answer_path(a))),
            };
            let question = move || household.answers.with(|a| title(&ask, a, i18n.lang()));
            view! {
                <p class="settle">
                    {t(Msg::ResultsSettle)} " "
                    <a href=href data-testid="settle-link">{question}</a>
                </p>
            }
            .into_any()
        }
        None => view! { <p class="settle">{t(Msg::ResultsAskVillage)}</p> }.into_any(),
    });
    let reason = result.reasons.first().cloned().unwrap_or_default();
    let more_reasons: Vec<String> = result.reasons.iter().skip(1).cloned().collect();
    let mut texts = vec![policy.summary.clone()];
    texts.extend(result.reasons.iter().cloned());
    // A result that depends on the chronic diseases chosen repeats them by name.
    let d = &policy.decision;
    let on_diseases = [&d.yes, &d.maybe]
        .into_iter()
        .flatten()
        .any(|c| c.contains("member.chronic_disease"));
    let echo = move || {
        on_diseases.then(|| {
            household.answers.with(|a| {
                let lang = i18n.lang();
                (0..a.members.as_ref().map_or(0, Vec::len))
                    .filter_map(|i| {
                        let diseases = chosen_diseases(a, i, lang)?;
                        let who = member_label(i, a, lang);
                        Some(fill(
                            lang.get(Msg::ResultsEchoDisease),
                            &[("who", &who), ("diseases", &diseases)],
                        ))
                    })
                    .map(|line| view! { <p class="echo small" data-testid="echo">{line}</p> })
                    .collect_view()
            })
        })
    };
    view! {
        <article class="policy-card" class:maybe=status == Status::Maybe data-testid=format!("result-{}", result.id)>
            <h3>
                <span class="badge" class:applies=status == Status::Applies class:maybe=status == Status::Maybe data-testid="status">
                    {t(status_msg(status))}
                </span>
                " "
                <span lang="zh-Hans">{policy.title.clone()}</span>
            </h3>
            <p lang="zh-Hans">{policy.summary.clone()}</p>
            <p class="reason" lang="zh-Hans">{reason}</p>
            {more_reasons
                .into_iter()
                .map(|r| view! { <p class="reason small" lang="zh-Hans">{r}</p> })
                .collect_view()}
            {echo}
            <Glossary texts=texts/>
            {(policy.time_limit != TimeLimit::None).then(|| view! { <p class="time small">{t(time)}</p> })}
            {settle_view}
            <a class="text-link" href=format!("/policy/{}", policy.id) data-testid="policy-link">
                {t(Msg::ResultsDetails)}
            </a>
        </article>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::LANGS;

    /// Every need of `rules/data/needs.toml` has its words, so no silence note goes unsaid.
    #[test]
    fn every_need_has_words_in_every_language() {
        let facts = xiangqin_rules::Facts::from_json(
            r#"{"region":"shaanxi","as_of":"2026-12-02",
            "household":{"housing_unsafe":true,"water_unsafe":true,"recent_shocks":["natural_disaster"]},
            "members":[{"age":40,"serious_illness":true,"disability_grade":2,"disability_kind":"physical"},
                       {"age":12,"school_stage":"compulsory"}]}"#,
        )
        .unwrap();
        let needs = rules().unanswered_needs(&facts);
        assert_eq!(needs.len(), 6, "Shaanxi is silent on all six");
        for n in needs {
            let msg = Msg::from_key(&format!("need.{}", n.id))
                .unwrap_or_else(|| panic!("no words for need {}", n.id));
            for lang in LANGS {
                assert!(!lang.get(msg).is_empty());
            }
        }
    }
}
