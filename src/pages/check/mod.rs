//! 查政策: the questionnaire, one question per screen.
//!
//! - `/check` (or `/check/region`): where the household lives;
//! - `/check/next`: works out the most decisive open question with the rules and goes there;
//! - `/check/<step>`: one question (`h.dibao`, `m1.age`, `county_exit_year` …), or several of
//!   one topic (`t.support`, see `topic.rs`);
//! - `/check/members` and `/check/add-member`: who lives in the household, one person at a time;
//! - `/check/done`: every answer, each with 「修改」.
//!
//! One file per kind of screen: `region.rs`, `ask.rs` (one question, with its answer in
//! `choices.rs`, `anyone.rs` or `typed.rs`, their buttons in `buttons.rs`), `topic.rs`,
//! `members.rs`, `summary.rs`; this file routes among them and holds what they share.
use crate::i18n::{fill, t, use_i18n, Msg};
use crate::questions::{answer_path, ask_for_path, path_of_slug, slug, RIGID_EXPENSE};
use crate::{today, use_household};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::NavigateOptions;
use serde_json::Value;
use xiangqin_rules::path::FactPath;
use xiangqin_rules::questions::{next_question, questions_left, Ask};
use xiangqin_rules::rules;

mod anyone;
mod ask;
mod buttons;
mod choices;
mod members;
mod region;
mod summary;
mod topic;
mod typed;

use anyone::{anyone_people, store_picked, AnyoneAnswer};
use ask::AskStep;
use buttons::{ChoiceButton, UnsureButton};
use choices::{choice_value, ChoiceAnswer, MultiAnswer, YesNoAnswer};
use members::{AddMember, MembersStep};
use region::RegionStep;
use summary::Summary;
use typed::{AmountsAnswer, NumberAnswer, TextAnswer};

#[component]
pub fn Check() -> impl IntoView {
    let params = use_params_map();
    let step = Memo::new(move |_| params.read().get("step").unwrap_or_default());
    // The results come next: their chunk downloads while the household answers.
    crate::pages::later::preload_results();
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
        let next = if matches!(FactPath::parse(&path), Some(FactPath::Member(_, "age"))) {
            "/check/members"
        } else {
            "/check/next"
        };
        navigate(next, Default::default());
    }
}

fn stored(path: &str) -> Signal<Option<Value>> {
    let household = use_household();
    let path = path.to_string();
    Signal::derive(move || household.answers.with(|a| a.get(&path)))
}
