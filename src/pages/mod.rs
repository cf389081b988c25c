//! One file per screen. The cadres' review screen and the service-centre setup are compiled
//! only with the `cadre` feature (the second entry page, `cadre.html`).
pub mod check;
pub mod home;
#[cfg(feature = "cadre")]
pub mod kiosk;
pub mod later;
pub mod not_found;
pub mod place;
pub mod policy;
pub mod report;
pub mod results;
#[cfg(feature = "cadre")]
pub mod review;
pub mod status;

use crate::i18n::{t, Msg};
use leptos::callback::{Callable, UnsyncCallback};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Moves the focus to the element with this id once it is on the page (after the next paint):
/// screen readers announce it and keyboard users continue from there.
pub fn focus_later(id: impl Into<String>) {
    let id = id.into();
    request_animation_frame(move || {
        if let Some(el) = document()
            .get_element_by_id(&id)
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    });
}

/// A heading that receives focus when its screen appears, so that screen readers announce the new
/// question and keyboard users start from it.
#[component]
pub fn FocusHeading(
    /// The heading text.
    text: Msg,
    /// `data-testid` of the heading.
    #[prop(default = "heading")]
    testid: &'static str,
) -> impl IntoView {
    focus_later("page-heading");
    view! {
        <h1 id="page-heading" tabindex="-1" data-testid=testid>
            {t(text)}
        </h1>
    }
}

/// The "back" link at the top of a screen.
#[component]
pub fn BackLink(href: String) -> impl IntoView {
    view! {
        <a class="back-link" href=href data-testid="back">
            <span aria-hidden="true">"←"</span>
            {t(Msg::CommonBack)}
        </a>
    }
}

/// Asks once before what cannot be undone — clearing a household from the device, a second
/// declaration, the next household at a service centre: the question (and what it means), the
/// answer that does it and the one that keeps things as they are. The safe answer has the focus
/// (as an alert dialog's least harmful button should): Enter, or a second tap on the spot where
/// the first one was, keeps things as they are.
#[component]
pub fn Confirm(
    /// Names its parts for the tests: `{name}-confirm`, `{name}-question`, `{name}-yes`,
    /// `{name}-no`.
    name: &'static str,
    question: Signal<String>,
    /// What saying yes means, under the question.
    #[prop(optional)]
    explain: Option<Msg>,
    yes: Msg,
    no: Msg,
    #[prop(default = "button")] yes_class: &'static str,
    #[prop(default = "button secondary")] no_class: &'static str,
    /// More classes for the box (where it stands in a bar rather than on the page).
    #[prop(optional)]
    class: &'static str,
    #[prop(into)] on_yes: UnsyncCallback<()>,
    #[prop(into)] on_no: UnsyncCallback<()>,
) -> impl IntoView {
    let safe = NodeRef::<leptos::html::Button>::new();
    safe.on_load(move |button| {
        request_animation_frame(move || {
            let _ = button.focus();
        })
    });
    let question_id = format!("{name}-question");
    let explain_id = format!("{name}-explain");
    let described_by = explain.map(|_| explain_id.clone());
    view! {
        <div
            class=format!("confirm {class}")
            role="alertdialog"
            aria-labelledby=question_id.clone()
            aria-describedby=described_by
            data-testid=format!("{name}-confirm")
        >
            <p id=question_id.clone() data-testid=question_id.clone()>
                <strong>{move || question.get()}</strong>
            </p>
            {explain.map(|m| view! { <p class="small" id=explain_id>{t(m)}</p> })}
            <div class="confirm-buttons">
                <button type="button" class=yes_class data-testid=format!("{name}-yes") on:click=move |_| on_yes.run(())>
                    {t(yes)}
                </button>
                <button
                    type="button"
                    class=no_class
                    data-testid=format!("{name}-no")
                    node_ref=safe
                    on:click=move |_| on_no.run(())
                >
                    {t(no)}
                </button>
            </div>
        </div>
    }
}

#[derive(Clone, Copy, PartialEq)]
enum ClearState {
    Idle,
    Confirming,
    Done,
}

/// 「清除我的信息」: removes everything about the household from this device, after asking once.
#[component]
pub fn ClearData(
    /// Show nothing when nothing is stored (on the home screen).
    #[prop(optional)]
    only_if_stored: bool,
) -> impl IntoView {
    let household = crate::use_household();
    let i18n = crate::i18n::use_i18n();
    let draft_stored = RwSignal::new(crate::storage::has_declaration_data());
    let state = RwSignal::new(ClearState::Idle);
    let stored = move || draft_stored.get() || !household.answers.with(|a| a.is_empty());
    let visible = move || !only_if_stored || stored() || state.get() == ClearState::Done;
    let clear = move || {
        household.clear();
        draft_stored.set(false);
        state.set(ClearState::Done);
        focus_later("clear-done");
    };

    view! {
        {move || visible().then(|| view! {
            <div class="clear-data" data-testid="clear-area">
                {move || match state.get() {
                    ClearState::Idle => {
                        EitherOf3::A(view! {
                            <button
                                type="button"
                                class="button secondary danger"
                                data-testid="clear-data"
                                on:click=move |_| state.set(ClearState::Confirming)
                            >
                                {t(Msg::ClearButton)}
                            </button>
                            <p class="note">{t(Msg::ClearNote)}</p>
                        })
                    }
                    ClearState::Confirming => {
                        EitherOf3::B(view! {
                            <Confirm
                                name="clear"
                                question=Signal::derive(move || i18n.tr(Msg::ClearConfirm).to_string())
                                yes=Msg::ClearYes
                                no=Msg::ClearNo
                                yes_class="button danger"
                                on_yes=clear
                                on_no=move || state.set(ClearState::Idle)
                            />
                        })
                    }
                    ClearState::Done => {
                        EitherOf3::C(view! {
                            <p
                                class="status ok"
                                role="status"
                                tabindex="-1"
                                id="clear-done"
                                data-testid="clear-done"
                            >
                                {t(Msg::ClearDone)}
                            </p>
                        })
                    }
                }}
            </div>
        })}
    }
}
