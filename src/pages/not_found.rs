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

/// `/review` and `/kiosk` in the households' app, which leaves them out (the `cadre` feature):
/// they are the cadres' and service centres' own page (`cadre.html`, a second Wasm that
/// households never download; `endpoint/src/app_routes.rs`). Links to them are
/// `rel="external"`; reached anyway inside this app (Back, Forward, a link without it), the
/// address is loaded afresh so that the server sends that page. Once only: a server without
/// it (e.g. `trunk serve`) gets the not-found screen instead of a reload for ever.
#[cfg(not(feature = "cadre"))]
#[component]
pub fn CadrePage() -> impl IntoView {
    let session = window().session_storage().ok().flatten();
    let now = js_sys::Date::now();
    let just_reloaded = session
        .as_ref()
        .and_then(|s| {
            s.get_item(crate::storage::CADRE_RELOADED_AT_KEY)
                .ok()
                .flatten()
        })
        .and_then(|at| at.parse::<f64>().ok())
        .is_some_and(|at| now - at < 10_000.0);
    if just_reloaded {
        if let Some(s) = &session {
            let _ = s.remove_item(crate::storage::CADRE_RELOADED_AT_KEY);
        }
        return NotFound().into_any();
    }
    if let Some(s) = &session {
        let _ = s.set_item(crate::storage::CADRE_RELOADED_AT_KEY, &now.to_string());
    }
    let _ = window().location().reload();
    view! { <p class="status" role="status" data-testid="cadre-page-opening">{t(Msg::NotFoundCadrePage)}</p> }
        .into_any()
}
