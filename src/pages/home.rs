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
            <PendingNote/>
            <RefusedNote/>
            {crate::storage::load::<crate::storage::SentReceipt>(crate::storage::RECEIPT_KEY)
                .map(|_| {
                    view! {
                        <a class="button secondary" href="/status" data-testid="home-status">
                            {t(Msg::StatusTitle)}
                        </a>
                    }
                })}
            <p class="note">{t(Msg::HomePrivacy)}</p>
            {window()
                .location()
                .search()
                .unwrap_or_default()
                .contains("next=1")
                .then(|| view! { <p class="status ok" role="status" data-testid="kiosk-cleared">{t(Msg::KioskCleared)}</p> })}
            <a class="text-link" href="/kiosk" rel="external" data-testid="kiosk-link">{t(Msg::HomeKioskLink)}</a>
            <ClearData only_if_stored=true/>
        </section>
    }
}

/// 待发送: declarations kept on this phone until the endpoint has them.
#[component]
fn PendingNote() -> impl IntoView {
    let outbox = crate::outbox::use_outbox();
    let i18n = crate::i18n::use_i18n();
    move || {
        let n = outbox.pending.with(Vec::len);
        (n > 0).then(|| {
            view! {
                <p class="status" role="status" data-testid="outbox-pending">
                    {crate::i18n::fill(i18n.tr(Msg::OutboxPending), &[("n", &n.to_string())])}
                </p>
            }
        })
    }
}

/// A declaration the endpoint refused while the household was away: on a household's phone, a
/// link to the form with what to change; in service-centre mode, a note for the operator.
#[component]
fn RefusedNote() -> impl IntoView {
    let outbox = crate::outbox::use_outbox();
    let i18n = crate::i18n::use_i18n();
    let dismissed = RwSignal::new(false);
    move || {
        outbox.refused.track();
        if crate::kiosk::settings().is_some() {
            let notes = crate::kiosk::refused_notes();
            if notes.is_empty() || dismissed.get() {
                return None;
            }
            let items = notes
                .into_iter()
                .map(|n| {
                    let text = crate::i18n::fill(
                        i18n.tr(Msg::KioskRefused),
                        &[("date", &n.queued_on), ("message", &n.message)],
                    );
                    view! { <p class="status error" data-testid="kiosk-refused">{text}</p> }
                })
                .collect_view();
            let done = move |_| {
                crate::storage::remove(crate::storage::REFUSED_KEY);
                dismissed.set(true);
            };
            return Some(
                view! {
                    <div role="alert">
                        {items}
                        <button type="button" class="button secondary small" on:click=done>
                            {t(Msg::KioskRefusedDone)}
                        </button>
                    </div>
                }
                .into_any(),
            );
        }
        crate::draft::Draft::load()
            .and_then(|d| d.refused)
            .map(|_| {
                view! {
                    <a class="status error" role="alert" href="/report" data-testid="outbox-refused">
                        {t(Msg::OutboxRefused)}
                    </a>
                }
                .into_any()
            })
    }
}
