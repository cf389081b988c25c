//! One file per screen. The cadres' review screen and the service-centre setup are compiled
//! only with the `cadre` feature (the second entry page, `cadre.html`).
pub mod check;
pub mod home;
#[cfg(feature = "cadre")]
pub mod kiosk;
pub mod not_found;
pub mod place;
pub mod policy;
pub mod report;
pub mod results;
#[cfg(feature = "cadre")]
pub mod review;
pub mod status;

use crate::i18n::{t, Msg};
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
    let draft_stored = RwSignal::new(crate::storage::has_declaration_data());
    let state = RwSignal::new(ClearState::Idle);
    let stored = move || draft_stored.get() || !household.answers.with(|a| a.is_empty());
    let visible = move || !only_if_stored || stored() || state.get() == ClearState::Done;
    let clear = move |_| {
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
                                on:click=move |_| {
                                    state.set(ClearState::Confirming);
                                    focus_later("clear-question");
                                }
                            >
                                {t(Msg::ClearButton)}
                            </button>
                            <p class="note">{t(Msg::ClearNote)}</p>
                        })
                    }
                    ClearState::Confirming => {
                        EitherOf3::B(view! {
                            <div class="confirm" role="group" data-testid="clear-confirm">
                                <p id="clear-question" tabindex="-1">
                                    {t(Msg::ClearConfirm)}
                                </p>
                                <button
                                    type="button"
                                    class="button danger"
                                    data-testid="clear-yes"
                                    on:click=clear
                                >
                                    {t(Msg::ClearYes)}
                                </button>
                                <button
                                    type="button"
                                    class="button secondary"
                                    data-testid="clear-no"
                                    on:click=move |_| state.set(ClearState::Idle)
                                >
                                    {t(Msg::ClearNo)}
                                </button>
                            </div>
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
