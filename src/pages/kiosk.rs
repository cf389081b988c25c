//! `/kiosk`: switching service-centre mode on (operator's name, PIN, idle time) and off (PIN).
use crate::i18n::{fill, t, use_i18n, Msg};
use crate::kiosk::{pin_hash, use_kiosk, valid_pin, KioskSettings};
use crate::pages::{BackLink, FocusHeading};
use crate::storage;
use leptos::prelude::*;

const IDLE_CHOICES: [u32; 4] = [2, 5, 10, 20];

#[component]
pub fn KioskPage() -> impl IntoView {
    let kiosk = use_kiosk();
    let i18n = use_i18n();
    let operator = RwSignal::new(String::new());
    let pin = RwSignal::new(String::new());
    let minutes = RwSignal::new(5u32);
    let error = RwSignal::new(None::<Msg>);
    // Switched on here just now: the way on to the first household.
    let just_on = RwSignal::new(false);

    let turn_on = move || {
        let name = operator.get_untracked().trim().to_string();
        let p = pin.get_untracked();
        if name.is_empty() || !valid_pin(&p) {
            error.set(Some(Msg::KioskInvalid));
            return;
        }
        let s = KioskSettings {
            operator: name,
            pin_hash: pin_hash(&p),
            idle_seconds: minutes.get_untracked() * 60,
        };
        storage::save(storage::KIOSK_KEY, &s);
        kiosk.settings.set(Some(s));
        just_on.set(true);
        pin.set(String::new());
        error.set(None);
    };
    let turn_off = move || {
        let ok = kiosk.settings.with_untracked(|s| {
            s.as_ref()
                .is_some_and(|s| s.pin_hash == pin_hash(&pin.get_untracked()))
        });
        if !ok {
            error.set(Some(Msg::KioskBadPin));
            return;
        }
        storage::remove(storage::KIOSK_KEY);
        kiosk.settings.set(None);
        pin.set(String::new());
        error.set(None);
    };
    let pin_input = move |testid: &'static str| {
        view! {
            <input
                id="kiosk-pin"
                class="text-input"
                type="password"
                inputmode="numeric"
                autocomplete="off"
                maxlength="6"
                data-testid=testid
                prop:value=move || pin.get()
                on:input=move |ev| pin.set(event_target_value(&ev))
            />
        }
    };
    view! {
        <section class="screen kiosk" data-testid="kiosk">
            <BackLink href="/".to_string()/>
            <FocusHeading text=Msg::KioskTitle testid="kiosk-title"/>
            <p>{t(Msg::KioskIntro)}</p>
            {move || match kiosk.settings.get() {
                Some(s) => view! {
                    <p class="status ok" data-testid="kiosk-on">
                        {move || fill(i18n.tr(Msg::KioskOnAs), &[("name", &s.operator)])}
                    </p>
                    {move || just_on.get().then(|| view! {
                        <button type="button" class="button primary" data-testid="kiosk-first" on:click=move |_| kiosk.first_household()>
                            {t(Msg::KioskFirst)}
                        </button>
                    })}
                    <form class="answer-form" novalidate on:submit=move |ev| { ev.prevent_default(); turn_off() }>
                        <label for="kiosk-pin">{t(Msg::KioskPinEnter)}</label>
                        {pin_input("kiosk-pin")}
                        <button type="submit" class="button secondary" data-testid="kiosk-off">{t(Msg::KioskTurnOff)}</button>
                    </form>
                }
                .into_any(),
                None => view! {
                    <form class="answer-form" novalidate on:submit=move |ev| { ev.prevent_default(); turn_on() }>
                        <label for="kiosk-operator">{t(Msg::KioskOperator)}</label>
                        <input
                            id="kiosk-operator"
                            class="text-input"
                            type="text"
                            autocomplete="off"
                            data-testid="kiosk-operator"
                            prop:value=move || operator.get()
                            on:input=move |ev| operator.set(event_target_value(&ev))
                        />
                        <label for="kiosk-pin">{t(Msg::KioskPin)}</label>
                        {pin_input("kiosk-pin")}
                        <label for="kiosk-idle">{t(Msg::KioskIdle)}</label>
                        <select
                            id="kiosk-idle"
                            class="text-input"
                            data-testid="kiosk-idle"
                            on:change=move |ev| minutes.set(event_target_value(&ev).parse().unwrap_or(5))
                        >
                            {IDLE_CHOICES
                                .iter()
                                .map(|m| {
                                    view! {
                                        <option value=m.to_string() selected=*m == 5>
                                            {move || fill(i18n.tr(Msg::KioskMinutes), &[("n", &m.to_string())])}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                        <button type="submit" class="button primary" data-testid="kiosk-turn-on">{t(Msg::KioskTurnOn)}</button>
                    </form>
                }
                .into_any(),
            }}
            {move || error.get().map(|m| view! { <p class="status error" role="alert" data-testid="kiosk-error">{t(m)}</p> })}
        </section>
    }
}
