//! 查进度: the household looks up its declaration with the receipt code and the check code
//! (the status token). Both can come from the receipt's QR code (`/status#r=…&t=…`: after the
//! `#`, so they never reach any server log) or from the receipt saved on this phone.
use crate::api::{self, Deadline, LookupError, Status};
use crate::i18n::{fill, t, use_i18n, Msg};
use crate::pages::{BackLink, FocusHeading};
use crate::storage::{self, SentReceipt};
use leptos::prelude::*;
use leptos::task::spawn_local;
use xiangqin_rules::workflow::Step;

/// `r` and `t` from the address's fragment, if present.
fn from_fragment() -> (String, String) {
    let hash = window().location().hash().unwrap_or_default();
    let mut receipt = String::new();
    let mut token = String::new();
    for pair in hash.trim_start_matches('#').split('&') {
        match pair.split_once('=') {
            Some(("r", v)) => receipt = v.to_string(),
            Some(("t", v)) => token = v.to_string(),
            _ => {}
        }
    }
    (receipt, token)
}

/// The address a receipt's QR code holds.
pub fn status_url(receipt: &SentReceipt) -> String {
    let origin = window().location().origin().unwrap_or_default();
    format!(
        "{origin}/status#r={}&t={}",
        receipt.code, receipt.status_token
    )
}

/// An SVG QR code of `text` (no network, no image files).
pub fn qr_svg(text: &str) -> String {
    use qrcodegen::{QrCode, QrCodeEcc};
    let Ok(qr) = QrCode::encode_text(text, QrCodeEcc::Medium) else {
        return String::new();
    };
    let border = 4;
    let size = qr.size() + border * 2;
    let mut path = String::new();
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="220" height="220" role="img" aria-hidden="true" shape-rendering="crispEdges"><rect width="100%" height="100%" fill="#fff"/><path d="{path}" fill="#000"/></svg>"##
    )
}

/// The working days this service promised per step, attributed to it (「本服务承诺」): the
/// policy documents give none. Nothing when it promised none.
#[component]
pub fn Deadlines(deadlines: Vec<Deadline>) -> impl IntoView {
    let i18n = use_i18n();
    (!deadlines.is_empty()).then(|| {
        let labels: Vec<String> = deadlines.iter().map(|d| d.label_zh.clone()).collect();
        let items = deadlines
            .into_iter()
            .map(|d| {
                view! {
                    <li>
                        {move || {
                            fill(
                                i18n.tr(Msg::ReceiptDeadlineItem),
                                &[("step", &d.label_zh), ("days", &d.working_days.to_string())],
                            )
                        }}
                    </li>
                }
            })
            .collect_view();
        view! {
            <div class="deadlines" data-testid="deadlines">
                <h2>{t(Msg::ReceiptDeadlinesTitle)}</h2>
                <p>{t(Msg::ReceiptDeadlinesBy)}</p>
                <ol>{items}</ol>
                <crate::glossary::Glossary texts=labels/>
                <p class="note small">{t(Msg::ReceiptDeadlinesNote)}</p>
            </div>
        }
    })
}

/// 撤回: the household withdraws its declaration itself, after confirming, while the home visit
/// has not begun; the status shown is then the one the endpoint answers.
#[component]
fn Withdraw(
    receipt: String,
    token: String,
    result: RwSignal<Option<Result<Status, LookupError>>>,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let failed: RwSignal<Option<Msg>> = RwSignal::new(None);
    let withdraw = move || {
        let (receipt, token) = (receipt.clone(), token.clone());
        busy.set(true);
        spawn_local(async move {
            match api::withdraw_declaration(&receipt, &token).await {
                Ok(status) => result.set(Some(Ok(status))),
                Err(LookupError::TooLate) => failed.set(Some(Msg::StatusWithdrawRefused)),
                Err(_) => failed.set(Some(Msg::StatusWithdrawFailed)),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="withdraw" data-testid="withdraw">
            <h2>{t(Msg::StatusWithdrawTitle)}</h2>
            <p>{t(Msg::StatusWithdrawIntro)}</p>
            {move || failed.get().map(|m| view! { <p class="status error" role="alert" data-testid="withdraw-error">{t(m)}</p> })}
            <Show
                when=move || confirming.get()
                fallback=move || view! {
                    <button type="button" class="button" data-testid="withdraw-start" on:click=move |_| confirming.set(true)>
                        {t(Msg::StatusWithdrawButton)}
                    </button>
                }
            >
                <p role="alert" data-testid="withdraw-confirm">{t(Msg::StatusWithdrawConfirm)}</p>
                <button
                    type="button"
                    class="button primary"
                    data-testid="withdraw-yes"
                    disabled=move || busy.get()
                    on:click={
                        let withdraw = withdraw.clone();
                        move |_| withdraw()
                    }
                >
                    {t(Msg::StatusWithdrawYes)}
                </button>
                <button type="button" class="button" data-testid="withdraw-no" on:click=move |_| confirming.set(false)>
                    {t(Msg::StatusWithdrawNo)}
                </button>
            </Show>
        </div>
    }
}

/// The 查询码 as typed from the receipt, where it is written in groups of four: without the
/// spaces, in the small letters the endpoint gave it in.
fn check_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase()
}

fn well_formed(receipt: &str, token: &str) -> bool {
    let r = receipt.trim();
    let t = token.trim();
    r.len() == 12
        && r.starts_with("XQ-")
        && t.len() == 32
        && t.chars().all(|c| c.is_ascii_hexdigit())
}

#[component]
pub fn StatusPage() -> impl IntoView {
    let i18n = use_i18n();
    let saved: Option<SentReceipt> = storage::load(storage::RECEIPT_KEY);
    let (mut receipt0, mut token0) = from_fragment();
    if receipt0.is_empty() {
        if let Some(s) = &saved {
            receipt0 = s.code.clone();
            token0 = s.status_token.clone();
        }
    }
    let receipt = RwSignal::new(receipt0);
    let token = RwSignal::new(token0);
    let result: RwSignal<Option<Result<Status, LookupError>>> = RwSignal::new(None);
    let invalid = RwSignal::new(false);
    let busy = RwSignal::new(false);

    let look_up = move || {
        let (r, tk) = (receipt.get_untracked(), check_code(&token.get_untracked()));
        if !well_formed(&r.to_ascii_uppercase(), &tk) {
            invalid.set(true);
            return;
        }
        invalid.set(false);
        busy.set(true);
        spawn_local(async move {
            let outcome = api::declaration_status(&r.to_ascii_uppercase(), &tk).await;
            result.set(Some(outcome));
            busy.set(false);
        });
    };
    // With both codes at hand (QR code or saved receipt), look up at once.
    if well_formed(
        &receipt.get_untracked().to_ascii_uppercase(),
        &check_code(&token.get_untracked()),
    ) {
        look_up();
    }

    let shown = move || {
        result.get().map(|r| match r {
            Ok(s) => {
                let rejected = s.status == Step::Rejected;
                let history = s
                    .history
                    .iter()
                    .map(|h| {
                        let note = h.note.clone().unwrap_or_default();
                        view! {
                            <li>
                                <strong>{h.status_zh.clone()}</strong>
                                " " <span class="small">{h.at.chars().take(10).collect::<String>()}</span>
                                {(!note.is_empty()).then(|| view! { <p class="small">{note.clone()}</p> })}
                                <crate::glossary::Glossary texts=vec![h.status_zh.clone()]/>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="status-result" data-testid="status-result">
                        <p class="lead" data-testid="status-current">
                            {fill(i18n.tr(Msg::StatusCurrent), &[("status", &s.status_zh)])}
                        </p>
                        {s.service_name.clone().map(|name| view! {
                            <p data-testid="status-service">
                                {fill(i18n.tr(Msg::ReceiptReceivedBy), &[("name", &name)])}
                            </p>
                        })}
                        <h2>{t(Msg::StatusHistory)}</h2>
                        <ol class="history" data-testid="status-history">{history}</ol>
                        {rejected.then(|| view! { <p>{t(Msg::StatusRejectedNote)}</p> })}
                        {s.withdrawable.then(|| view! {
                            <Withdraw receipt=s.receipt.clone() token=check_code(&token.get_untracked()) result=result/>
                        })}
                        <Deadlines deadlines=s.deadlines.clone()/>
                    </div>
                }
                .into_any()
            }
            Err(e) => {
                let msg = match e {
                    LookupError::NotFound => Msg::StatusNotFound,
                    LookupError::Network => Msg::StatusNetwork,
                    LookupError::Server(_) | LookupError::TooLate => Msg::StatusServer,
                };
                view! { <p class="status error" role="alert" data-testid="status-error">{t(msg)}</p> }
                    .into_any()
            }
        })
    };

    view! {
        <section class="screen status-page" data-testid="status-page">
            <BackLink href="/".to_string()/>
            <FocusHeading text=Msg::StatusTitle testid="status-title"/>
            <p>{t(Msg::StatusIntro)}</p>
            <form
                class="answer-form"
                novalidate
                on:submit=move |ev| {
                    ev.prevent_default();
                    look_up()
                }
            >
                <div class="field">
                    <label for="status-receipt">{t(Msg::StatusReceiptLabel)}</label>
                    <input
                        id="status-receipt"
                        class="text-input"
                        type="text"
                        autocomplete="off"
                        autocapitalize="characters"
                        data-testid="status-receipt"
                        prop:value=move || receipt.get()
                        on:input=move |ev| receipt.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label for="status-token">{t(Msg::StatusTokenLabel)}</label>
                    <input
                        id="status-token"
                        class="text-input"
                        type="text"
                        autocomplete="off"
                        data-testid="status-token"
                        prop:value=move || token.get()
                        on:input=move |ev| token.set(event_target_value(&ev))
                    />
                </div>
                {move || {
                    invalid
                        .get()
                        .then(|| view! { <p class="field-error" role="alert" data-testid="status-invalid">{t(Msg::StatusInvalid)}</p> })
                }}
                <button type="submit" class="button primary" data-testid="status-submit" disabled=move || busy.get()>
                    {t(Msg::StatusSubmit)}
                </button>
            </form>
            <div role="status">{shown}</div>
        </section>
    }
}
