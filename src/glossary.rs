//! The one-line plain explanations shown under an official term wherever it appears (a question,
//! an answer, a result, a policy page), without a pop-up: 监测户, 特困供养, 以工代赈 … Each entry is
//! the words that name the term in the texts and its line in the message catalogue
//! (`gloss.<id>`).
use crate::i18n::{use_i18n, Msg};
use leptos::prelude::*;

/// One term: the words that name it (longest first where one contains another) and its line.
pub struct Term {
    pub id: &'static str,
    pub words: &'static [&'static str],
    pub line: Msg,
}

const fn term(id: &'static str, words: &'static [&'static str], line: Msg) -> Term {
    Term { id, words, line }
}

/// Every explained term. Where one name contains another (易返贫致贫对象 ⊃ 返贫致贫), the longer
/// is listed first and wins.
pub const TERMS: &[Term] = &[
    term(
        "monitored",
        &[
            "防返贫监测户",
            "防返贫监测对象",
            "监测帮扶对象",
            "易返贫致贫对象",
            "易返贫致贫人口",
            "易致贫返贫人口",
            "监测户",
            "监测对象",
        ],
        Msg::GlossMonitored,
    ),
    term("unstable_lifted", &["脱贫不稳定"], Msg::GlossUnstableLifted),
    term("marginal", &["边缘易致贫"], Msg::GlossMarginal),
    term(
        "sudden_hardship",
        &["突发严重困难"],
        Msg::GlossSuddenHardship,
    ),
    term("tekun", &["特困供养", "特困人员"], Msg::GlossTekun),
    term("marginal_dibao", &["低保边缘家庭"], Msg::GlossMarginalDibao),
    term(
        "returned",
        &["返贫致贫户", "返贫致贫人口", "返贫致贫人员", "返贫致贫家庭"],
        Msg::GlossReturned,
    ),
    term(
        "assets",
        &[
            "确权到户的扶贫资产",
            "确权到户扶贫资产",
            "确权到您家的扶贫资产",
            "确权到农牧户",
        ],
        Msg::GlossAssets,
    ),
    term("county_exit", &["脱贫摘帽"], Msg::GlossCountyExit),
    term(
        "relocation",
        &["易地扶贫搬迁", "易地搬迁"],
        Msg::GlossRelocation,
    ),
    term(
        "public_job",
        &["公益性岗位", "公益岗位"],
        Msg::GlossPublicJob,
    ),
    term("de_facto", &["事实无人抚养"], Msg::GlossDeFacto),
    term("two_after", &["两后生"], Msg::GlossTwoAfter),
    term("work_relief", &["以工代赈"], Msg::GlossWorkRelief),
    term("proxy", &["代缴"], Msg::GlossProxy),
    term("gradual_exit", &["渐退期"], Msg::GlossGradualExit),
    term("single", &["单人保", "单人户"], Msg::GlossSingle),
    term(
        "employment_cost",
        &["就业成本扣减", "就业成本"],
        Msg::GlossEmploymentCost,
    ),
    term(
        "one_window",
        &["一门受理、协同办理", "一门受理"],
        Msg::GlossOneWindow,
    ),
    term("six_visits", &["六必访", "六必查"], Msg::GlossSixVisits),
    term("transition", &["过渡期"], Msg::GlossTransition),
    term("fixed_subsidy", &["定额资助"], Msg::GlossFixedSubsidy),
    term("tilt", &["倾斜"], Msg::GlossTilt),
    term("head", &["户主"], Msg::GlossHead),
    term("spouse", &["配偶"], Msg::GlossSpouse),
    term("weak_labour", &["弱劳力", "半劳力"], Msg::GlossWeakLabour),
    term("village_review", &["村级评议公示"], Msg::GlossVillageReview),
];

/// The terms named in these texts, in the order they first appear; a stretch of text counts for
/// one term only (the longest name that starts there).
pub fn terms_in(texts: &[&str]) -> Vec<&'static Term> {
    let mut found: Vec<(usize, usize, &'static Term)> = Vec::new();
    for (n, text) in texts.iter().enumerate() {
        let mut at = 0;
        while at < text.len() {
            let rest = &text[at..];
            let hit = TERMS
                .iter()
                .flat_map(|t| t.words.iter().map(move |w| (t, *w)))
                .filter(|(_, w)| rest.starts_with(w))
                .max_by_key(|(_, w)| w.len());
            match hit {
                Some((t, w)) => {
                    if !found.iter().any(|(_, _, f)| f.id == t.id) {
                        found.push((n, at, t));
                    }
                    at += w.len();
                }
                None => at += rest.chars().next().map_or(1, char::len_utf8),
            }
        }
    }
    found.sort_by_key(|(n, at, _)| (*n, *at));
    found.into_iter().map(|(_, _, t)| t).collect()
}

/// The explanation lines for the terms in `texts`, one under the other (nothing if none).
#[component]
pub fn Glossary(#[prop(into)] texts: Signal<Vec<String>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let texts = texts.get();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let terms = terms_in(&refs);
        (!terms.is_empty()).then(|| {
            let lines = terms
                .into_iter()
                .map(|t| {
                    view! {
                        <span class="gloss" data-testid=format!("gloss-{}", t.id)>
                            {i18n.tr(t.line)}
                        </span>
                    }
                })
                .collect_view();
            // Spans, not a list: the lines also sit inside answer buttons.
            view! { <span class="glossary" data-testid="glossary">{lines}</span> }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::LANGS;

    #[test]
    fn terms_are_found_once_in_order_and_the_longest_name_wins() {
        let ids = |texts: &[&str]| terms_in(texts).iter().map(|t| t.id).collect::<Vec<_>>();
        assert_eq!(
            ids(&["您家是防返贫监测户，户主是脱贫不稳定户。", "监测户"]),
            ["monitored", "head", "unstable_lifted"]
        );
        // 易返贫致贫对象 is a monitored household, not one found to have returned to poverty.
        assert_eq!(ids(&["易返贫致贫对象"]), ["monitored"]);
        assert_eq!(ids(&["返贫致贫户"]), ["returned"]);
        assert!(ids(&["种粮食"]).is_empty());
    }

    /// Every explained term of the issue has its line, and every line starts with its term in
    /// Chinese (the line says which word it explains).
    #[test]
    fn every_term_has_a_line_in_every_language() {
        for t in TERMS {
            for lang in LANGS {
                assert!(!lang.get(t.line).trim().is_empty(), "{} {}", t.id, lang.tag);
            }
            let zh = LANGS[0].get(t.line);
            assert!(
                t.words.iter().any(|w| zh.starts_with(w)),
                "{}: the line starts with the term it explains: {zh}",
                t.id
            );
            assert!(zh.contains('：'), "{}: a term, then its explanation", t.id);
        }
    }
}
