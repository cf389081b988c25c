//! The answer buttons the question screens share.
use crate::glossary::Glossary;
use crate::i18n::{t, use_i18n, Msg};
use crate::use_household;
use leptos::callback::{Callable, UnsyncCallback};
use leptos::prelude::*;

use super::answerer;

/// A big answer button; `selected` marks the stored answer.
#[component]
pub(super) fn ChoiceButton(
    label: Signal<String>,
    testid: String,
    selected: Signal<bool>,
    #[prop(into)] on_pick: UnsyncCallback<()>,
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
            on:click=move |_| on_pick.run(())
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
pub(super) fn UnsureButton(path: String) -> impl IntoView {
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

/// A box to tick, one of several: the values of a question with several answers, or the people
/// a household-wide question is about.
#[component]
pub(super) fn CheckBox(
    testid: String,
    checked: Signal<bool>,
    #[prop(into)] on_toggle: UnsyncCallback<()>,
    children: Children,
) -> impl IntoView {
    view! {
        <button
            type="button"
            role="checkbox"
            class="choice check"
            class:selected=move || checked.get()
            aria-checked=move || checked.get().to_string()
            data-testid=testid
            on:click=move |_| on_toggle.run(())
        >
            <span class="choice-mark" aria-hidden="true"></span>
            {children()}
        </button>
    }
}

/// Ticks `item` if it is not in `list`, else unticks it.
pub(super) fn toggle<T: PartialEq>(list: &mut Vec<T>, item: T) {
    match list.iter().position(|x| *x == item) {
        Some(i) => {
            list.remove(i);
        }
        None => list.push(item),
    }
}

/// Under boxes to tick: 「确定」 (once one is ticked), 「都没有」 and 「不清楚」.
#[component]
pub(super) fn PickedActions(
    path: String,
    nothing_picked: Signal<bool>,
    #[prop(into)] on_confirm: UnsyncCallback<()>,
    #[prop(into)] on_none: UnsyncCallback<()>,
) -> impl IntoView {
    view! {
        <div class="choices">
            <button
                type="button"
                class="button primary"
                data-testid="confirm"
                disabled=move || nothing_picked.get()
                on:click=move |_| on_confirm.run(())
            >
                {t(Msg::AnsConfirm)}
            </button>
            <button type="button" class="choice" data-testid="choice-none" on:click=move |_| on_none.run(())>
                <span class="choice-mark" aria-hidden="true"></span>
                <span>{t(Msg::AnsNoneOfThese)}</span>
            </button>
            <UnsureButton path/>
        </div>
    }
}
