//! One policy on its own page (`/policy/<id>`, so it can be sent to someone), and the list of
//! every policy of a region with a text search (`/policies/<region>`).
use crate::glossary::Glossary;
use crate::i18n::{fill, t, use_i18n, Msg};
use crate::pages::results::{
    category_msg, document_msg, evaluate_today, status_msg, time_msg, CATEGORY_ORDER,
};
use crate::pages::{BackLink, FocusHeading};
use crate::region_msg;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use xiangqin_rules::{rules, Facts, Policy, Region, Status};

/// A policy's quoted clauses, each with its document and clause, as the policy page and a result
/// card's body show them; `testid` names them (`<testid>-source`, `<testid>-quote`).
pub fn quoted_sources(policy: &Policy, testid: &str) -> impl IntoView {
    let i18n = use_i18n();
    let region = policy.region;
    policy
        .sources
        .iter()
        .map(|s| {
            let clause = s.clause.clone();
            view! {
                <figure class="source" data-testid=format!("{testid}-source")>
                    <blockquote lang="zh-Hans" data-testid=format!("{testid}-quote")>{s.quote.clone()}</blockquote>
                    <figcaption>
                        {t(document_msg(region))} " · "
                        {move || fill(i18n.tr(Msg::PolicyClause), &[("clause", &clause)])}
                    </figcaption>
                </figure>
            }
        })
        .collect_view()
}

#[component]
pub fn PolicyPage() -> impl IntoView {
    let params = use_params_map();
    let id = params.read_untracked().get("id").unwrap_or_default();
    let Some(policy) = rules().policy(&id) else {
        return view! {
            <section class="screen">
                <BackLink href="/".to_string()/>
                <FocusHeading text=Msg::PolicyNotFound testid="policy-not-found"/>
            </section>
        }
        .into_any();
    };
    let i18n = use_i18n();
    let evaluation = evaluate_today();
    // Opened from the household's results (`?from=results`): back leads there, to the same place.
    let from_results = use_query_map().read_untracked().get("from").as_deref() == Some("results");
    let back = if from_results {
        "/results".to_string()
    } else {
        format!("/policies/{}", policy.region.key())
    };
    // This household's status, when its answers are for this policy's region.
    let mine = move || {
        let e = evaluation.get()?;
        let r = e.results.into_iter().find(|r| r.id == policy.id)?;
        (r.status != Status::NotApplicable).then(|| {
            view! {
                <p class="your-status" data-testid="policy-your-status">
                    {t(Msg::PolicyYourStatus)} " "
                    <span class="badge" class:applies=r.status == Status::Applies class:maybe=r.status == Status::Maybe>
                        {t(status_msg(r.status))}
                    </span>
                    " " <span lang="zh-Hans">{r.reasons.first().cloned().unwrap_or_default()}</span>
                </p>
            }
        })
    };
    // The time limit judged today: with this household's answers if they are for this region
    // (Inner Mongolia: the county's exit year), else from the region alone.
    let household = crate::use_household();
    let time_note = move || {
        let facts = household
            .answers
            .with(|a| a.facts(crate::today()).ok())
            .filter(|f| f.region == Some(policy.region))
            .unwrap_or_else(|| Facts {
                region: Some(policy.region),
                ..Facts::default()
            });
        rules()
            .time_judgement(policy, &facts, crate::today())
            .note
            .unwrap_or_else(|| i18n.tr(time_msg(policy)).to_string())
    };
    let glossary_texts = vec![
        policy.summary.clone(),
        policy.who.clone(),
        policy.gets.clone(),
        policy.how_to_apply.clone(),
        policy.careful.clone(),
    ];
    let section = |heading: Msg, text: &str, testid: &'static str| {
        (!text.trim().is_empty()).then(|| {
            view! {
                <h2>{t(heading)}</h2>
                <p lang="zh-Hans" data-testid=testid>{text.to_string()}</p>
            }
        })
    };
    let sources = quoted_sources(policy, "policy");
    view! {
        <article class="screen policy-page" data-testid=format!("policy-{}", policy.id)>
            <BackLink href=back/>
            <p class="small">{t(region_msg(policy.region))} " · " {t(category_msg(policy.category))}</p>
            <h1 id="page-heading" tabindex="-1" lang="zh-Hans" data-testid="policy-title">
                {policy.title.clone()}
            </h1>
            <p class="lead" lang="zh-Hans">{policy.summary.clone()}</p>
            <crate::speech::ReadAloud text=Callback::new(move |_| {
                format!("{}。{}。{}。{}", policy.title, policy.summary, policy.gets, policy.how_to_apply)
            })/>
            {mine}
            // Policy texts are in Chinese, as in the documents; say so in other languages.
            {move || (i18n.lang().tag != "zh-Hans").then(|| view! { <p class="small">{t(Msg::PolicyContentZh)}</p> })}
            {section(Msg::PolicyWho, &policy.who, "policy-who")}
            {section(Msg::PolicyGets, &policy.gets, "policy-gets")}
            {section(Msg::PolicyHow, &policy.how_to_apply, "policy-how")}
            <h2>{t(Msg::PolicyTime)}</h2>
            <p data-testid="policy-time" lang="zh-Hans">{time_note}</p>
            {section(Msg::PolicyCareful, &policy.careful, "policy-careful")}
            <Glossary texts=glossary_texts/>
            <h2>{t(Msg::PolicySource)}</h2>
            {sources}
        </article>
    }
    .into_any()
}

/// The text a search looks in: title, summary, who, what and the quotes.
fn haystack(p: &Policy) -> String {
    let mut s = format!("{} {} {} {}", p.title, p.summary, p.who, p.gets);
    for src in &p.sources {
        s.push(' ');
        s.push_str(&src.quote);
    }
    s.to_lowercase()
}

#[component]
pub fn Browse() -> impl IntoView {
    let params = use_params_map();
    let query_params = use_query_map();
    let household = crate::use_household();
    let i18n = use_i18n();
    // `/policies/longyan`, or `/policies?region=longyan`, or the household's own region.
    let region = Memo::new(move |_| {
        params
            .read()
            .get("region")
            .or_else(|| query_params.read().get("region"))
            .and_then(|k| Region::from_key(&k))
            .or_else(|| household.answers.with_untracked(|a| a.region))
    });
    let query = RwSignal::new(String::new());
    let region_links = Region::ALL
        .iter()
        .map(|&r| {
            view! {
                <a
                    class="button secondary small"
                    href=format!("/policies/{}", r.key())
                    aria-current=move || (region.get() == Some(r)).then_some("page")
                    data-testid=format!("browse-region-{}", r.key())
                >
                    {t(region_msg(r))}
                </a>
            }
        })
        .collect_view();
    let list = move || {
        let Some(r) = region.get() else {
            return ().into_any();
        };
        let words: Vec<String> = query
            .get()
            .to_lowercase()
            .split_whitespace()
            .map(str::to_string)
            .collect();
        let matching: Vec<&Policy> = rules()
            .region_policies(r)
            .filter(|p| {
                let hay = haystack(p);
                words.iter().all(|w| hay.contains(w.as_str()))
            })
            .collect();
        let count = fill(
            i18n.tr(Msg::BrowseCount),
            &[("n", &matching.len().to_string())],
        );
        let groups = CATEGORY_ORDER
            .iter()
            .filter_map(|&cat| {
                let items: Vec<&Policy> = matching.iter().copied().filter(|p| p.category == cat).collect();
                (!items.is_empty()).then(|| {
                    view! {
                        <section class="category">
                            <h2>{t(category_msg(cat))}</h2>
                            <ul class="policy-list">
                                {items
                                    .into_iter()
                                    .map(|p| {
                                        view! {
                                            <li data-testid=format!("browse-{}", p.id)>
                                                <a href=format!("/policy/{}", p.id) lang="zh-Hans">{p.title.clone()}</a>
                                                <p class="small" lang="zh-Hans">{p.summary.clone()}</p>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </section>
                    }
                })
            })
            .collect_view();
        let nothing = matching.is_empty();
        view! {
            <p role="status" data-testid="browse-count">{count}</p>
            {nothing.then(|| view! { <p>{t(Msg::BrowseNothing)}</p> })}
            {groups}
        }
        .into_any()
    };
    let heading = move || {
        region
            .get()
            .map(|r| {
                fill(
                    i18n.tr(Msg::BrowseTitle),
                    &[("region", i18n.tr(region_msg(r)))],
                )
            })
            .unwrap_or_else(|| i18n.tr(Msg::BrowseChooseRegion).to_string())
    };
    crate::pages::focus_later("page-heading");
    view! {
        <section class="screen browse" data-testid="browse">
            <BackLink href="/".to_string()/>
            <h1 id="page-heading" tabindex="-1" data-testid="browse-title">{heading}</h1>
            <nav class="region-links" aria-label=t(Msg::BrowseChooseRegion)>{region_links}</nav>
            <label for="browse-search">{t(Msg::BrowseSearch)}</label>
            <p id="browse-search-help" class="hint small">{t(Msg::BrowseSearchHelp)}</p>
            <input
                id="browse-search"
                class="text-input"
                type="search"
                aria-describedby="browse-search-help"
                data-testid="browse-search"
                placeholder=t(Msg::BrowseSearchPlaceholder)
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            {list}
        </section>
    }
}
