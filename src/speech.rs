//! 「朗读」: reads a screen's text aloud with the browser's speech synthesis, in Mandarin. Shown
//! only where the browser offers a Chinese voice (many in-app WebViews offer none).
use crate::i18n::{t, Msg};
use js_sys::{Array, Function, Reflect};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

fn synthesis() -> Option<JsValue> {
    Reflect::get(&window(), &"speechSynthesis".into())
        .ok()
        .filter(|s| !s.is_undefined() && !s.is_null())
}

/// The first Chinese voice the browser has, if any.
fn chinese_voice() -> Option<JsValue> {
    let synth = synthesis()?;
    let get = Reflect::get(&synth, &"getVoices".into())
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    let voices: Array = get.call0(&synth).ok()?.dyn_into().ok()?;
    voices.iter().find(|v| {
        Reflect::get(v, &"lang".into())
            .ok()
            .and_then(|l| l.as_string())
            .is_some_and(|l| l.to_ascii_lowercase().starts_with("zh"))
    })
}

fn speak(text: &str) {
    let (Some(synth), Some(voice)) = (synthesis(), chinese_voice()) else {
        return;
    };
    let Some(ctor) = Reflect::get(&window(), &"SpeechSynthesisUtterance".into())
        .ok()
        .and_then(|c| c.dyn_into::<Function>().ok())
    else {
        return;
    };
    let Ok(utterance) = Reflect::construct(&ctor, &Array::of1(&text.into())) else {
        return;
    };
    let _ = Reflect::set(&utterance, &"voice".into(), &voice);
    let _ = Reflect::set(&utterance, &"lang".into(), &"zh-CN".into());
    let _ = Reflect::set(&utterance, &"rate".into(), &0.9.into());
    for (method, arg) in [("cancel", None), ("speak", Some(utterance))] {
        if let Some(f) = Reflect::get(&synth, &method.into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
        {
            let _ = match arg {
                Some(a) => f.call1(&synth, &a),
                None => f.call0(&synth),
            };
        }
    }
}

/// The 「朗读」 button for `text` (called when pressed, so it reads what is on screen then).
#[component]
pub fn ReadAloud(text: Callback<(), String>) -> impl IntoView {
    let available = RwSignal::new(chinese_voice().is_some());
    // Voices often arrive after the page has started.
    if let Some(synth) = synthesis() {
        let handler = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || {
            available.set(chinese_voice().is_some());
        });
        let _ = Reflect::set(&synth, &"onvoiceschanged".into(), handler.as_ref());
        handler.forget();
    }
    move || {
        available.get().then(|| {
            view! {
                <button
                    type="button"
                    class="button secondary small read-aloud"
                    data-testid="read-aloud"
                    on:click=move |_| speak(&text.run(()))
                >
                    <span aria-hidden="true">"🔊 "</span>
                    {t(Msg::SpeechRead)}
                </button>
            }
        })
    }
}
