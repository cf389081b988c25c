//! The receipt: `/report/sent` right after sending, and `/report` (also by Back) once a
//! declaration was sent from this device, so that nobody is invited to file the same thing
//! twice. A second declaration is a deliberate choice: a secondary button, then a question.
use super::{receiver, Form, OtherWays};
use crate::api::Service;
use crate::draft::Draft;
use crate::i18n::{fill, t, use_i18n, Msg};
use crate::pages::{Confirm, FocusHeading};
use crate::storage::{self, SentReceipt};
use crate::use_household;
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

/// The 查询码 in groups of four (`3f9a 07c2 …`), as the household copies it down.
pub fn token_groups(token: &str) -> Vec<String> {
    token
        .chars()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect())
        .collect()
}

/// The receipt of the declaration just sent (kept on the device until 「清除我的信息」).
#[component]
pub(super) fn SentStep() -> impl IntoView {
    match storage::load::<SentReceipt>(storage::RECEIPT_KEY) {
        Some(receipt) => Either::Left(view! { <ReceiptCard receipt title=Msg::ReceiptTitle/> }),
        None => Either::Right(view! {
            <section class="screen receipt">
                <FocusHeading text=Msg::ReceiptNoneTitle testid="report-title"/>
                <p>{t(Msg::ReceiptNoneBody)}</p>
                <a class="button primary" href="/report" data-testid="report-back-to-form">
                    {t(Msg::ReportBackToForm)}
                </a>
            </section>
        }),
    }
}

/// 一键申报 after a declaration was sent and no new one begun: 「已经提交过了」 with the receipt,
/// and 「再申报一份」 for a new difficulty.
#[component]
pub(super) fn AlreadySent(form: Form, receipt: SentReceipt) -> impl IntoView {
    let code = receipt.code.clone();
    view! {
        <ReceiptCard receipt title=Msg::ReceiptAlreadyTitle>
            <DeclareAgain form code/>
        </ReceiptCard>
    }
}

/// The receipt itself: the code on one line, the 查询码 in words in groups of four (the QR code
/// cannot be scanned by the phone that shows it), who received it, what comes next.
#[component]
fn ReceiptCard(
    receipt: SentReceipt,
    title: Msg,
    /// Below the receipt's own buttons.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sent_on = receipt.sent_on.clone();
    let receipt_for_slip = receipt.clone();
    let qr = crate::pages::status::qr_svg(&crate::pages::status::status_url(&receipt));
    let service = Service::of(&receipt.service_name, &receipt.deadlines);
    let received = match &service.service_name {
        Some(name) => fill(i18n.tr(Msg::ReceiptReceivedBy), &[("name", name)]),
        None => i18n.tr(Msg::ReceiptReceivedUnnamed).to_string(),
    };
    let sees = fill(
        i18n.tr(Msg::ServiceWhoSees),
        &[("receiver", &receiver(i18n.lang(), Some(&service)))],
    );
    let promised = !service.deadlines.is_empty();
    let region = receipt.region;
    let groups = token_groups(&receipt.status_token);
    let token = (!groups.is_empty()).then(|| {
        let spans = groups
            .into_iter()
            .map(|g| view! { <span class="token-group">{g}</span> })
            .collect_view();
        view! {
            <p class="token-label">{t(Msg::ReceiptTokenLabel)}</p>
            <p class="receipt-token" data-testid="receipt-token">{spans}</p>
            <p class="note small">{t(Msg::ReceiptTokenNote)}</p>
        }
    });
    view! {
        <section class="screen receipt" data-testid="report-sent">
            <FocusHeading text=title testid="report-title"/>
            <div class="receipt-box">
                <p>{t(Msg::ReceiptCodeLabel)}</p>
                <p class="receipt-code" data-testid="receipt-code">{receipt.code}</p>
                <p class="note">
                    {move || fill(i18n.tr(Msg::ReceiptSentOn), &[("date", &sent_on)])}
                </p>
                {token}
            </div>
            <crate::kiosk::ReceiptSlip receipt=receipt_for_slip/>
            <p>{t(Msg::ReceiptKeep)}</p>
            <p data-testid="receipt-received">
                <strong>{received}</strong>
                {sees}
            </p>
            <crate::pages::status::Deadlines deadlines=service.deadlines.clone()/>
            {(!promised)
                .then(|| view! { <p data-testid="receipt-next">{t(Msg::ReceiptNextContact)}</p> })}
            <OtherWays region/>
            <figure class="receipt-qr">
                <div data-testid="receipt-qr" inner_html=qr></div>
                <figcaption>{t(Msg::ReceiptQrLabel)}</figcaption>
            </figure>
            <a class="button primary" href="/status" data-testid="receipt-status">
                {t(Msg::ReceiptStatusLink)}
            </a>
            <a class="button secondary" href="/" data-testid="go-home">
                {t(Msg::CommonHome)}
            </a>
            {children.map(|c| c())}
        </section>
    }
}

/// 「再申报一份」: a new declaration, only after saying that one difficulty is declared once.
#[component]
fn DeclareAgain(form: Form, code: String) -> impl IntoView {
    let i18n = use_i18n();
    let confirming = RwSignal::new(false);
    let navigate = use_navigate();
    let location = use_location();
    let household = use_household();
    let question = {
        let code = code.clone();
        move || fill(i18n.tr(Msg::ReportAgainConfirm), &[("code", &code)])
    };
    let again = move || {
        let mut draft = household.answers.with_untracked(Draft::from_answers);
        draft.follows = code.clone();
        draft.save();
        form.draft.set(draft);
        form.errors.set(Vec::new());
        form.sent.set(None);
        if location.pathname.get_untracked() != "/report" {
            navigate("/report", Default::default());
        }
    };
    view! {
        <div class="declare-again" data-testid="report-again-area">
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <button
                        type="button"
                        class="button secondary small"
                        data-testid="report-again"
                        on:click=move |_| confirming.set(true)
                    >
                        {t(Msg::ReportAgain)}
                    </button>
                }
            >
                <Confirm
                    name="report-again"
                    question=Signal::derive(question.clone())
                    yes=Msg::ReportAgainYes
                    no=Msg::ReportAgainNo
                    no_class="button primary"
                    on_yes=again.clone()
                    on_no=move || confirming.set(false)
                />
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_check_code_is_shown_in_groups_of_four() {
        assert_eq!(
            super::token_groups("0123456789abcdef0123456789abcdef"),
            ["0123", "4567", "89ab", "cdef", "0123", "4567", "89ab", "cdef"]
        );
        assert!(super::token_groups("").is_empty());
    }
}
