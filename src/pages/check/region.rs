//! `/check/region`: where the household lives (the first question, which chooses the document).
use crate::i18n::{t, use_i18n, Msg};
use crate::pages::{BackLink, FocusHeading};
use crate::{region_msg, use_household};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use xiangqin_rules::Region;

use super::Progress;

#[component]
pub(super) fn RegionStep() -> impl IntoView {
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
