//! The home screen: what the app does and the two ways in.
use crate::i18n::{t, Msg};
use crate::pages::ClearData;
use leptos::prelude::*;

#[component]
pub fn Home() -> impl IntoView {
    view! {
        <section class="screen home">
            <h1 class="app-title" data-testid="home-title">
                {t(Msg::AppName)}
            </h1>
            <p class="lead" data-testid="home-intro">
                {t(Msg::HomeIntro)}
            </p>
            <div class="actions">
                <a class="button primary big" href="/check" data-testid="start-check">
                    <span class="button-title">{t(Msg::HomeCheck)}</span>
                    <span class="button-note">{t(Msg::HomeCheckNote)}</span>
                </a>
                <a class="button primary big" href="/report" data-testid="start-report">
                    <span class="button-title">{t(Msg::HomeReport)}</span>
                    <span class="button-note">{t(Msg::HomeReportNote)}</span>
                </a>
            </div>
            <p class="note">{t(Msg::HomePrivacy)}</p>
            <ClearData only_if_stored=true/>
        </section>
    }
}
