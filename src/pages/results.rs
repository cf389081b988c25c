//! 查政策 results, short first: what applies, one line each with its first step; then the
//! "maybe"s grouped by what settles them (questions to answer, or the village committee), closed
//! until opened. Each line opens to the reason, what the household gets, how to apply and the
//! quoted clause; a note about the whole document is said once at the top, the rules' version at
//! the foot. Coming back from a policy page returns to the same place.
use crate::glossary::Glossary;
use crate::i18n::{fill, t, use_i18n, Msg};
use crate::pages::FocusHeading;
use crate::questions::{answer_path, ask_for_path, chosen_diseases, member_label, slug, title};
use crate::{region_msg, today, use_household};
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::BTreeSet;
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

/// The household's evaluation today and the notes said once for all its cards, if its region
/// is known.
fn evaluate_with_notices_today() -> Memo<Option<(Evaluation, Vec<String>)>> {
    let household = use_household();
    Memo::new(move |_| {
        household.answers.with(|a| {
            let facts = a.facts(today()).ok()?;
            rules().evaluate_with_notices(&facts).ok()
        })
    })
}

/// Where the household was on the results — which groups and cards were open, how far down the
/// page — kept while it reads a policy page, so that coming back returns there.
#[derive(Clone, Default)]
struct Place {
    open: BTreeSet<String>,
    scroll: f64,
}

thread_local! {
    static PLACE: RefCell<Option<Place>> = const { RefCell::new(None) };
}

/// A group of "maybe" results: settled by answering `questions` (keys in the order first met),
/// and the results (indices into the list grouped).
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub questions: Vec<String>,
    pub results: Vec<usize>,
}

/// Groups "maybe" results by what settles them, given for each the questions that could (empty:
/// none the household can answer, so the village committee is asked). Results needing the same
/// questions go together, the sets most shared first; a result whose questions are all among a
/// group's joins it; results settled alone go into one group. Returns the groups, those that
/// settle the most first, and the results only the village committee can settle.
pub fn group_by_settling(sets: &[Vec<String>]) -> (Vec<Group>, Vec<usize>) {
    let mut village = Vec::new();
    let mut distinct: Vec<(BTreeSet<&str>, Vec<usize>)> = Vec::new();
    for (i, set) in sets.iter().enumerate() {
        if set.is_empty() {
            village.push(i);
            continue;
        }
        let key: BTreeSet<&str> = set.iter().map(String::as_str).collect();
        match distinct.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(i),
            None => distinct.push((key, vec![i])),
        }
    }
    distinct.sort_by_key(|(k, members)| (std::cmp::Reverse(members.len()), k.len()));
    let mut groups: Vec<(BTreeSet<&str>, Vec<usize>)> = Vec::new();
    for (key, members) in distinct {
        match groups.iter_mut().find(|(g, _)| g.is_superset(&key)) {
            Some((_, m)) => m.extend(members),
            None => groups.push((key, members)),
        }
    }
    let (mut shared, alone): (Vec<_>, Vec<_>) = groups.into_iter().partition(|(_, m)| m.len() > 1);
    if alone.len() > 1 {
        let mut key = BTreeSet::new();
        let mut members = Vec::new();
        for (k, m) in alone {
            key.extend(k);
            members.extend(m);
        }
        shared.push((key, members));
    } else {
        shared.extend(alone);
    }
    shared.sort_by_key(|(_, m)| std::cmp::Reverse(m.len()));
    let groups = shared
        .into_iter()
        .map(|(_, mut results)| {
            results.sort_unstable();
            let mut questions: Vec<String> = Vec::new();
            for q in results.iter().flat_map(|&i| &sets[i]) {
                if !questions.contains(q) {
                    questions.push(q.clone());
                }
            }
            Group { questions, results }
        })
        .collect();
    (groups, village)
}

/// Where a question is answered.
fn ask_href(ask: &Ask) -> String {
    match ask {
        Ask::Members => "/check/members".to_string(),
        a => format!("/check/{}", slug(&answer_path(a))),
    }
}

/// The open state of a `<details>`, kept in `open` under `key` (and all open while printing).
fn details_open(
    open: RwSignal<BTreeSet<String>>,
    printing: RwSignal<bool>,
    key: String,
) -> (
    impl Fn() -> bool + Send + Sync + 'static,
    impl Fn(leptos::ev::Event) + 'static,
) {
    let k = key.clone();
    let is_open = move || printing.get() || open.with(|s| s.contains(&k));
    let toggle = move |ev: leptos::ev::Event| {
        let now = ev
            .target()
            .and_then(|t| js_sys::Reflect::get(&t, &"open".into()).ok())
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        if printing.get_untracked() {
            return;
        }
        open.update(|s| {
            if now {
                s.insert(key.clone());
            } else {
                s.remove(&key);
            }
        });
    };
    (is_open, toggle)
}

#[component]
pub fn Results() -> impl IntoView {
    let household = use_household();
    let i18n = use_i18n();
    let answer = evaluate_with_notices_today();
    let evaluation = Memo::new(move |_| answer.get().map(|(e, _)| e));
    let risk = Memo::new(move |_| {
        household.answers.with(|a| {
            a.facts(today())
                .ok()
                .and_then(|f| rules().household_term("risk_signal", &f))
                .unwrap_or(false)
        })
    });

    // Coming back from a policy page: the same groups open, the same place on the page (after
    // the heading has taken the focus and the router has scrolled).
    let restored = PLACE.with(|p| p.borrow_mut().take());
    let open = RwSignal::new(
        restored
            .as_ref()
            .map(|p| p.open.clone())
            .unwrap_or_default(),
    );
    if let Some(place) = restored {
        request_animation_frame(move || {
            request_animation_frame(move || window().scroll_to_with_x_and_y(0.0, place.scroll));
        });
    }
    let remember = Callback::new(move |_: ()| {
        let scroll = window().scroll_y().unwrap_or(0.0);
        let open = open.get_untracked();
        PLACE.with(|p| *p.borrow_mut() = Some(Place { open, scroll }));
    });
    // On paper everything is shown.
    let printing = RwSignal::new(false);
    let before = window_event_listener_untyped("beforeprint", move |_| printing.set(true));
    let after = window_event_listener_untyped("afterprint", move |_| printing.set(false));
    on_cleanup(move || {
        before.remove();
        after.remove();
    });

    let header = move || {
        let (e, notices) = answer.get()?;
        let lang = i18n.lang();
        let notices = notices
            .into_iter()
            .map(
                |n| view! { <p class="notice" lang="zh-Hans" data-testid="results-notice">{n}</p> },
            )
            .collect_view();
        Some(view! {
            <div class="results-source" data-testid="results-source">
                <p>{fill(lang.get(Msg::ResultsSource), &[("document", lang.get(document_msg(e.region)))])}</p>
                <p>{fill(lang.get(Msg::ResultsDates), &[("today", &e.as_of.to_string())])}</p>
                {notices}
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

    let lists = move || {
        let Some(e) = evaluation.get() else {
            return view! {
                <p data-testid="results-no-region">{t(Msg::ResultsNoRegion)}</p>
                <a class="button primary" href="/check/region">{t(Msg::CheckStart)}</a>
            }
            .into_any();
        };
        // The data's order within the categories' order (the household's basic living first).
        let rank = |r: &PolicyResult| {
            rules()
                .policy(&r.id)
                .and_then(|p| CATEGORY_ORDER.iter().position(|c| *c == p.category))
                .unwrap_or(CATEGORY_ORDER.len())
        };
        let mut applies: Vec<PolicyResult> = Vec::new();
        let mut maybe: Vec<PolicyResult> = Vec::new();
        for r in e.results {
            match r.status {
                Status::Applies => applies.push(r),
                Status::Maybe => maybe.push(r),
                Status::NotApplicable => {}
            }
        }
        if applies.is_empty() && maybe.is_empty() {
            return view! { <p data-testid="results-none">{t(Msg::ResultsNone)}</p> }.into_any();
        }
        applies.sort_by_key(|r| rank(r));
        maybe.sort_by_key(|r| rank(r));
        let card = move |r: PolicyResult| {
            view! { <ResultCard result=r open=open printing=printing remember=remember/> }
        };
        let applies_view = view! {
            <section class="applies-list" data-testid="results-applies">
                <h2>{t(Msg::ResultsAppliesTitle)}</h2>
                {applies.is_empty().then(|| view! { <p data-testid="results-none-applies">{t(Msg::ResultsNoneApplies)}</p> })}
                {applies.into_iter().map(card).collect_view()}
            </section>
        };

        // What settles each "maybe": the questions for its missing facts that the household has
        // not answered 「不清楚」 (those are for the village committee).
        let (sets, asks): (Vec<Vec<String>>, Vec<(String, Ask)>) = household.answers.with(|a| {
            let not_to_ask = a.not_to_ask();
            let mut asks: Vec<(String, Ask)> = Vec::new();
            let sets = maybe
                .iter()
                .map(|r| {
                    let mut set: Vec<String> = Vec::new();
                    for ask in r
                        .missing_facts
                        .iter()
                        .filter(|p| !not_to_ask.contains(*p))
                        .filter_map(|p| ask_for_path(p))
                    {
                        if not_to_ask.contains(&answer_path(&ask)) {
                            continue;
                        }
                        let href = ask_href(&ask);
                        if !set.contains(&href) {
                            set.push(href.clone());
                        }
                        if !asks.iter().any(|(h, _)| *h == href) {
                            asks.push((href, ask));
                        }
                    }
                    set
                })
                .collect();
            (sets, asks)
        });
        let (groups, village) = group_by_settling(&sets);
        let group_view =
            move |key: String, summary: String, body: AnyView, members: Vec<PolicyResult>| {
                let (is_open, toggle) = details_open(open, printing, key.clone());
                view! {
                    <details class="maybe-group" data-testid=key prop:open=is_open on:toggle=toggle>
                        <summary data-testid="group-summary">{summary}</summary>
                        <div class="group-body">
                            {body}
                            {members.into_iter().map(card).collect_view()}
                        </div>
                    </details>
                }
            };
        let take = |indices: &[usize]| {
            indices
                .iter()
                .map(|&i| maybe[i].clone())
                .collect::<Vec<_>>()
        };
        let lang = i18n.lang();
        let mut group_views = Vec::new();
        for (n, g) in groups.iter().enumerate() {
            let summary = fill(
                lang.get(Msg::ResultsGroupQuestions),
                &[
                    ("q", &g.questions.len().to_string()),
                    ("n", &g.results.len().to_string()),
                ],
            );
            let titles = g
                .questions
                .iter()
                .filter_map(|href| asks.iter().find(|(h, _)| h == href).cloned())
                .map(|(href, ask)| {
                    let question = move || household.answers.with(|a| title(&ask, a, i18n.lang()));
                    view! { <li><a href=href data-testid="group-question">{question}</a></li> }
                })
                .collect_view();
            let first = g.questions.first().cloned().unwrap_or_default();
            let body = view! {
                <a class="button primary" href=first data-testid="group-answer">{t(Msg::ResultsGroupAnswer)}</a>
                <ol class="group-questions">{titles}</ol>
            }
            .into_any();
            group_views.push(group_view(
                format!("maybe-group-{}", n + 1),
                summary,
                body,
                take(&g.results),
            ));
        }
        if !village.is_empty() {
            let summary = fill(
                lang.get(Msg::ResultsGroupVillage),
                &[("n", &village.len().to_string())],
            );
            let body = view! { <p>{t(Msg::ResultsGroupVillageBody)}</p> }.into_any();
            group_views.push(group_view(
                "maybe-group-village".into(),
                summary,
                body,
                take(&village),
            ));
        }
        let maybe_view = (!maybe.is_empty()).then(|| {
            view! {
                <section class="maybe-list" data-testid="results-maybe">
                    <h2>{t(Msg::ResultsMaybeTitle)}</h2>
                    {group_views}
                </section>
            }
        });
        view! { {applies_view} {maybe_view} }.into_any()
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
        // Everything opened first (the browser's own print command does the same, by the event).
        printing.set(true);
        request_animation_frame(|| {
            let _ = window().print();
        });
    };
    let region = move || household.answers.with(|a| a.region);
    let version = move || {
        let e = evaluation.get()?;
        Some(view! {
            <p class="results-version small" data-testid="results-version">
                {fill(i18n.tr(Msg::ResultsVersion), &[("version", &e.rules_version)])}
            </p>
        })
    };

    view! {
        <section class="screen results" data-testid="results">
            <FocusHeading text=Msg::ResultsTitle testid="results-title"/>
            <crate::speech::ReadAloud text=Callback::new(move |_| {
                let mut out = i18n.tr(Msg::ResultsTitle).to_string();
                if let Some((e, notices)) = answer.get_untracked() {
                    for n in notices {
                        out.push_str(&format!("。{n}"));
                    }
                    let mut shown: Vec<&PolicyResult> =
                        e.results.iter().filter(|r| r.status != Status::NotApplicable).collect();
                    shown.sort_by_key(|r| r.status != Status::Applies);
                    for r in shown {
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
            {lists}
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
            {version}
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

/// One result: a line (status, title and, for "applies", the first step) that opens to the
/// reason, what the household gets, how to apply and the clause quoted word for word.
#[component]
fn ResultCard(
    result: PolicyResult,
    open: RwSignal<BTreeSet<String>>,
    printing: RwSignal<bool>,
    /// Called before leaving for the policy page, to come back to the same place.
    remember: Callback<()>,
) -> impl IntoView {
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
            let href = ask_href(&ask);
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
    let mut texts = vec![
        policy.summary.clone(),
        policy.gets.clone(),
        policy.how_to_apply.clone(),
    ];
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
    let first_step = (status == Status::Applies).then(|| {
        let step = policy.first_step().to_string();
        view! {
            <span class="first-step" lang="zh-Hans" data-testid="first-step">
                {move || fill(i18n.tr(Msg::ResultsFirstStep), &[("step", &step)])}
            </span>
        }
    });
    let section = |heading: Msg, text: &str, testid: &'static str| {
        (!text.trim().is_empty()).then(|| {
            view! {
                <h4>{t(heading)}</h4>
                <p lang="zh-Hans" data-testid=testid>{text.to_string()}</p>
            }
        })
    };
    let sources = crate::pages::policy::quoted_sources(&policy, "card");
    let (is_open, toggle) = details_open(open, printing, format!("card-{}", result.id));
    view! {
        <details
            class="policy-card"
            class:maybe=status == Status::Maybe
            data-testid=format!("result-{}", result.id)
            data-category=serde_key(policy.category)
            prop:open=is_open
            on:toggle=toggle
        >
            <summary data-testid="card-summary">
                <span class="card-line">
                    <span class="badge" class:applies=status == Status::Applies class:maybe=status == Status::Maybe data-testid="status">
                        {t(status_msg(status))}
                    </span>
                    " "
                    <span class="card-title" lang="zh-Hans">{policy.title.clone()}</span>
                </span>
                {first_step}
            </summary>
            <div class="card-body">
                <p lang="zh-Hans">{policy.summary.clone()}</p>
                <p class="reason" lang="zh-Hans">{reason}</p>
                {more_reasons
                    .into_iter()
                    .map(|r| view! { <p class="reason small" lang="zh-Hans">{r}</p> })
                    .collect_view()}
                {echo}
                {settle_view}
                {section(Msg::PolicyGets, &policy.gets, "card-gets")}
                {section(Msg::PolicyHow, &policy.how_to_apply, "card-how")}
                {(policy.time_limit != TimeLimit::None).then(|| view! { <p class="time small">{t(time)}</p> })}
                <Glossary texts=texts/>
                <h4>{t(Msg::PolicySource)}</h4>
                {sources}
                <a
                    class="text-link"
                    href=format!("/policy/{}?from=results", policy.id)
                    data-testid="policy-link"
                    on:click=move |_| remember.run(())
                >
                    {t(Msg::ResultsDetails)}
                </a>
            </div>
        </details>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::LANGS;

    fn sets(lists: &[&[&str]]) -> Vec<Vec<String>> {
        lists
            .iter()
            .map(|l| l.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    /// Maybes needing the same questions go together (a subset joins the larger group), those
    /// settled alone share one group, and those no question settles are for the village.
    #[test]
    fn maybes_are_grouped_by_what_settles_them() {
        let school = ["m0.school", "m1.school", "m2.school"];
        let input = sets(&[
            &school,                     // 0
            &[],                         // 1: village
            &["h.low_income"],           // 2
            &school,                     // 3
            &["m0.school", "m1.school"], // 4: within the school group
            &["h.low_income"],           // 5
            &["h.toilet"],               // 6: alone
            &["h.assets"],               // 7: alone
            &school,                     // 8
        ]);
        let (groups, village) = group_by_settling(&input);
        assert_eq!(village, vec![1]);
        assert_eq!(
            groups,
            vec![
                Group {
                    questions: school.iter().map(|s| s.to_string()).collect(),
                    results: vec![0, 3, 4, 8]
                },
                Group {
                    questions: vec!["h.low_income".into()],
                    results: vec![2, 5]
                },
                Group {
                    questions: vec!["h.toilet".into(), "h.assets".into()],
                    results: vec![6, 7]
                },
            ]
        );
        // One alone stays a group of its own; nothing to settle, no group.
        let (groups, village) = group_by_settling(&sets(&[&["h.toilet"]]));
        assert_eq!(groups.len(), 1);
        assert!(village.is_empty());
        assert_eq!(group_by_settling(&[]), (vec![], vec![]));
    }

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
