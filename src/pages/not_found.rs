use crate::i18n::{t, Msg};
use crate::pages::FocusHeading;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="screen">
            <FocusHeading text=Msg::NotFoundTitle/>
            <p>{t(Msg::NotFoundBody)}</p>
            <a class="button primary" href="/" data-testid="go-home">
                {t(Msg::CommonHome)}
            </a>
        </section>
    }
}
