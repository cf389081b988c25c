//! Service-centre (kiosk) mode: one device, several households a day. Switched on at the device
//! with the operator's name and a PIN the centre chooses. 「下一户」 — or a stretch of no use,
//! after a countdown the operator can cancel — removes every answer, draft and receipt of the
//! household from the device; declarations still in the outbox stay until they are sent.
//! The settings are the device's, not a household's, so they survive 「下一户」.
use crate::i18n::{fill, t, use_i18n, Msg};
use crate::storage::{self, SentReceipt};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KioskSettings {
    pub operator: String,
    /// Salted hash of the PIN: it keeps passers-by from switching the mode off, nothing more.
    pub pin_hash: String,
    /// Seconds without a touch or key before the countdown starts.
    pub idle_seconds: u32,
}

pub fn settings() -> Option<KioskSettings> {
    storage::load(storage::KIOSK_KEY)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RefusedNote {
    /// `YYYY-MM-DD`.
    pub queued_on: String,
    pub message: String,
}

pub fn note_refused(queued_on: &str, message: &str) {
    let mut notes = refused_notes();
    notes.push(RefusedNote {
        queued_on: queued_on.to_string(),
        message: message.to_string(),
    });
    storage::save(storage::REFUSED_KEY, &notes);
}

pub fn refused_notes() -> Vec<RefusedNote> {
    storage::load(storage::REFUSED_KEY).unwrap_or_default()
}

pub fn pin_hash(pin: &str) -> String {
    // FNV-1a over a fixed salt and the PIN: enough for a shared tablet's on/off switch.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in "xiangqin-kiosk:".bytes().chain(pin.trim().bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    format!("{h:016x}")
}

pub fn valid_pin(pin: &str) -> bool {
    let p = pin.trim();
    (4..=6).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit())
}

/// Shared through context: whether the mode is on, and the idle countdown.
#[derive(Clone, Copy)]
pub struct Kiosk {
    pub settings: RwSignal<Option<KioskSettings>>,
    /// Seconds left before an idle household is cleared; `None` while in use.
    pub countdown: RwSignal<Option<u32>>,
    idle_for: RwSignal<u32>,
}

impl Kiosk {
    pub fn start() -> Self {
        let kiosk = Kiosk {
            settings: RwSignal::new(settings()),
            countdown: RwSignal::new(None),
            idle_for: RwSignal::new(0),
        };
        // Any touch, click or key counts as use.
        for event in ["pointerdown", "keydown", "touchstart"] {
            let _ =
                window_event_listener(leptos::ev::Custom::new(event), move |_: web_sys::Event| {
                    kiosk.idle_for.set(0);
                    kiosk.countdown.set(None);
                });
        }
        let _ = set_interval_with_handle(move || kiosk.tick(), std::time::Duration::from_secs(1));
        kiosk
    }

    pub fn on(&self) -> bool {
        self.settings.with(Option::is_some)
    }

    fn tick(&self) {
        let Some(s) = self.settings.get_untracked() else {
            return;
        };
        let household_data =
            !crate::use_household_untracked_is_empty() || storage::has_declaration_data();
        if !household_data {
            self.idle_for.set(0);
            self.countdown.set(None);
            return;
        }
        let idle = self.idle_for.get_untracked() + 1;
        self.idle_for.set(idle);
        let warn = (s.idle_seconds / 3).clamp(2, 30);
        if idle >= s.idle_seconds + warn {
            self.next_household();
        } else if idle >= s.idle_seconds {
            self.countdown.set(Some(s.idle_seconds + warn - idle));
        }
    }

    /// 「下一户」: forget this household on the device and start again.
    pub fn next_household(&self) {
        crate::clear_household_everywhere();
        self.idle_for.set(0);
        self.countdown.set(None);
        // A fresh page: nothing of the household stays in memory either. `replace`, so the page
        // of the last household is not an entry Back returns to (the entries before it belong
        // to the old page, which index.html reloads if the browser brings it back from its
        // back-forward cache).
        let _ = window().location().replace("/?next=1");
    }

    /// 「办理第一户」, right after the mode is switched on: the households' page, with nothing
    /// of whoever used the device before on it.
    pub fn first_household(&self) {
        crate::clear_household_everywhere();
        let _ = window().location().set_href("/");
    }

    /// Cancels the countdown (「继续办理」).
    pub fn keep(&self) {
        self.idle_for.set(0);
        self.countdown.set(None);
    }
}

pub fn use_kiosk() -> Kiosk {
    expect_context::<Kiosk>()
}

/// Service-centre mode's bar, under the top bar: who is working, and 「下一户」 on the other side
/// of the page from 大字 and the languages, so that it is not tapped for them. It asks once
/// (「这一户办完了吗？」) before it clears the household.
#[component]
pub fn KioskBar() -> impl IntoView {
    let kiosk = use_kiosk();
    let i18n = use_i18n();
    let asking = RwSignal::new(false);
    view! {
        {move || {
            kiosk.settings.get().map(|s| {
                let who = fill(i18n.tr(Msg::KioskBar), &[("name", &s.operator)]);
                view! {
                    <div class="kiosk-bar" data-testid="kiosk-bar">
                        {move || match asking.get() {
                            false => view! {
                                <button
                                    type="button"
                                    class="button next-household"
                                    data-testid="next-household"
                                    on:click=move |_| asking.set(true)
                                >
                                    {t(Msg::KioskNext)}
                                </button>
                                <p class="small">{who.clone()}</p>
                            }
                            .into_any(),
                            true => view! {
                                <crate::pages::Confirm
                                    name="next-household"
                                    question=Signal::derive(move || i18n.tr(Msg::KioskNextQuestion).to_string())
                                    explain=Msg::KioskNextExplain
                                    yes=Msg::KioskNextYes
                                    no=Msg::KioskNextNo
                                    yes_class="button primary"
                                    class="kiosk-confirm"
                                    on_yes=move || kiosk.next_household()
                                    on_no=move || asking.set(false)
                                />
                            }
                            .into_any(),
                        }}
                    </div>
                }
            })
        }}
    }
}

/// In service-centre mode, the receipt as a slip of paper the household takes home: the code,
/// the 查询码 in groups of four, the QR code of 查进度 and the date. 「打印回执单」 prints the slip
/// alone (the print stylesheet shows only it while `html.print-slip` is set); on the screen only
/// that button shows, under the receipt.
#[component]
pub fn ReceiptSlip(receipt: SentReceipt) -> impl IntoView {
    let kiosk = use_kiosk();
    let i18n = use_i18n();
    kiosk.on().then(|| {
        let qr = crate::pages::status::qr_svg(&crate::pages::status::status_url(&receipt));
        let date = receipt.sent_on.clone();
        let print = move |_| {
            let root = document().document_element();
            if let Some(root) = &root {
                let _ = root.class_list().add_1("print-slip");
            }
            // `print` returns when the dialog is closed.
            let _ = window().print();
            if let Some(root) = &root {
                let _ = root.class_list().remove_1("print-slip");
            }
        };
        view! {
            <button type="button" class="button secondary no-print" data-testid="print-slip" on:click=print>
                {t(Msg::KioskSlipPrint)}
            </button>
            <section class="receipt-slip" data-testid="receipt-slip">
                <h2>{t(Msg::KioskSlipTitle)}</h2>
                <p>{t(Msg::KioskSlipCode)}</p>
                <p class="slip-code" data-testid="slip-code">{receipt.code.clone()}</p>
                <p>{t(Msg::KioskSlipToken)}</p>
                <p class="slip-code" data-testid="slip-token">{crate::pages::report::token_groups(&receipt.status_token).join(" ")}</p>
                <div class="slip-qr" data-testid="slip-qr" inner_html=qr></div>
                <p data-testid="slip-date">{move || fill(i18n.tr(Msg::KioskSlipDate), &[("date", &date)])}</p>
                <p class="small">{t(Msg::KioskSlipHow)}</p>
            </section>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_four_to_six_digits_and_hashed() {
        assert!(valid_pin("1234") && valid_pin("123456"));
        assert!(!valid_pin("123") && !valid_pin("1234567") && !valid_pin("12a4"));
        assert_eq!(pin_hash("1234"), pin_hash(" 1234 "));
        assert_ne!(pin_hash("1234"), pin_hash("1235"));
        assert!(!pin_hash("1234").contains("1234"));
    }
}
