//! Answers typed in: a number, a text, the rigid expenses' four amounts.
use crate::i18n::{fill, t, use_i18n, Msg};
use crate::questions::RIGID_CAUSES;
use leptos::callback::{Callable, UnsyncCallback};
use leptos::prelude::*;
use serde_json::{Map, Value};
use xiangqin_rules::amount::parse_yuan;

use super::{answerer, stored, UnsureButton};

#[component]
pub(super) fn NumberAnswer(path: String, min: i64, max: i64) -> impl IntoView {
    let initial = stored(&path)
        .get_untracked()
        .map(|v| v.to_string())
        .unwrap_or_default();
    let text = RwSignal::new(initial);
    let error = RwSignal::new(None);
    let answer = answerer();
    let submit_path = path.clone();
    view! {
        <NumberForm
            text
            error
            min
            max
            yuan=path.ends_with("_yuan")
            on_number=move |n: i64| answer(submit_path.clone(), Some(Value::from(n)))
        />
        <div class="choices">
            <UnsureButton path=path.clone()/>
        </div>
    }
}

/// A box for a number, its error line and 「确定」: every number question's, and a new person's
/// age. What is not a number from `min` to `max` is refused in words (and the box focused);
/// `on_number` gets one that is.
#[component]
pub(super) fn NumberForm(
    text: RwSignal<String>,
    /// The error shown under the box (the caller may set its own, e.g. 「先选是谁」).
    error: RwSignal<Option<String>>,
    min: i64,
    max: i64,
    /// An amount of yuan (the year's income), read as the declaration form reads one (「3.5万」,
    /// 「30,000元」) to the whole yuan; else a whole number (ages, years, heads of livestock).
    #[prop(optional)]
    yuan: bool,
    /// The words above the box; without them the screen's heading names it.
    #[prop(optional)]
    label: Option<Msg>,
    #[prop(into)] on_number: UnsyncCallback<(i64,)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let submit = move || {
        let typed = text.get_untracked();
        let number = if yuan {
            parse_yuan(&typed).ok().flatten().map(|y| y.round() as i64)
        } else {
            typed.trim().parse::<i64>().ok()
        };
        match number {
            Some(n) if (min..=max).contains(&n) => {
                error.set(None);
                on_number.run((n,))
            }
            _ => {
                error.set(Some(fill(
                    i18n.tr(Msg::AnsNumberInvalid),
                    &[("min", &min.to_string()), ("max", &max.to_string())],
                )));
                crate::pages::focus_later(ANSWER_INPUT);
            }
        }
    };
    view! { <AnswerForm text error=error.into() numeric=true label testid="number-input" on_submit=submit/> }
}

/// The box an answer is typed in, its error line and 「确定」 (Enter does the same).
#[component]
fn AnswerForm(
    text: RwSignal<String>,
    error: Signal<Option<String>>,
    /// Digits: the phone shows its number pad.
    #[prop(optional)]
    numeric: bool,
    /// The words above the box; without them the screen's heading names it.
    label: Option<Msg>,
    testid: &'static str,
    #[prop(into)] on_submit: UnsyncCallback<()>,
) -> impl IntoView {
    view! {
        <form
            class="answer-form"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                on_submit.run(())
            }
        >
            {label.map(|m| view! { <label class="field-label" for=ANSWER_INPUT>{t(m)}</label> })}
            <input
                id=ANSWER_INPUT
                class="text-input"
                type="text"
                inputmode=numeric.then_some("numeric")
                maxlength=(!numeric).then_some(MAX_TEXT_CHARS)
                autocomplete="off"
                aria-labelledby=label.is_none().then_some("page-heading")
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby="answer-error"
                data-testid=testid
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            />
            <p id="answer-error" class="field-error" role="alert" data-testid="answer-error">
                {move || error.get()}
            </p>
            <button type="button" class="button primary" data-testid="confirm" on:click=move |_| on_submit.run(())>
                {t(Msg::AnsConfirm)}
            </button>
        </form>
    }
}

/// The id of the box an answer is typed in (focused when what is in it is refused).
pub(super) const ANSWER_INPUT: &str = "answer-input";
/// The longest text answer (a relocation site's name).
const MAX_TEXT_CHARS: usize = 50;

#[component]
pub(super) fn TextAnswer(path: String) -> impl IntoView {
    let initial = stored(&path)
        .get_untracked()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let text = RwSignal::new(initial);
    let error = RwSignal::new(None);
    let submit_path = path.clone();
    let answer = answerer();
    let i18n = use_i18n();
    let submit = move || {
        let typed = text.get_untracked().trim().to_string();
        if typed.is_empty() || typed.chars().count() > MAX_TEXT_CHARS {
            error.set(Some(i18n.tr(Msg::AnsTextEmpty).to_string()));
            crate::pages::focus_later(ANSWER_INPUT);
        } else {
            error.set(None);
            answer(submit_path.clone(), Some(Value::from(typed)));
        }
    };
    view! {
        <AnswerForm text error=error.into() label=None testid="text-input" on_submit=submit/>
        <div class="choices">
            <UnsureButton path=path.clone()/>
        </div>
    }
}

/// Rigid expenses: four amounts in yuan; an empty box stays unknown.
#[component]
pub(super) fn AmountsAnswer(path: String) -> impl IntoView {
    let current: Map<String, Value> = stored(&path)
        .get_untracked()
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default();
    let boxes: Vec<(&'static str, RwSignal<String>)> = RIGID_CAUSES
        .iter()
        .map(|c| {
            let text = current.get(*c).map(|v| v.to_string()).unwrap_or_default();
            (*c, RwSignal::new(text))
        })
        .collect();
    let error = RwSignal::new(false);
    let fields = boxes
        .iter()
        .map(|(cause, text)| {
            let text = *text;
            let label = Msg::from_key(&format!("v.rigid_expense.{cause}")).unwrap_or(Msg::AnsYuan);
            let id = format!("amount-{cause}");
            view! {
                <div class="field">
                    <label for=id.clone()>{t(label)} " (" {t(Msg::AnsYuan)} ")"</label>
                    <input
                        id=id
                        class="text-input"
                        type="text"
                        inputmode="decimal"
                        autocomplete="off"
                        aria-invalid=move || error.get().to_string()
                        data-testid=format!("amount-{cause}")
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                    />
                </div>
            }
        })
        .collect_view();
    let submit_path = path.clone();
    let answer = answerer();
    let submit = move |_| {
        let mut parts = Map::new();
        for (cause, text) in &boxes {
            // The same reader as the declaration form's: 「3.5万」 and 「3,000元」 are amounts here too.
            match parse_yuan(&text.get_untracked()) {
                Ok(None) => continue,
                Ok(Some(n)) => {
                    parts.insert(cause.to_string(), Value::from(n));
                }
                Err(_) => {
                    error.set(true);
                    return;
                }
            }
        }
        error.set(false);
        if parts.is_empty() {
            answer(submit_path.clone(), None)
        } else {
            answer(submit_path.clone(), Some(Value::Object(parts)))
        }
    };
    view! {
        <div class="answer-form">
            {fields}
            <p class="field-error" role="alert" data-testid="answer-error">
                {move || error.get().then(|| t(Msg::AnsAmountInvalid)())}
            </p>
            <button type="button" class="button primary" data-testid="confirm" on:click=submit>
                {t(Msg::AnsConfirm)}
            </button>
        </div>
        <div class="choices">
            <UnsureButton path=path.clone()/>
        </div>
    }
}
