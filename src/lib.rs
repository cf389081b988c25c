//! 乡亲 (Xiangqin): the app. `App` holds the router and the two things every page shares through
//! context: the language ([`i18n::I18n`]) and the household's saved answers ([`Household`]).
use leptos::prelude::*;
use leptos_router::{
    components::{FlatRoutes, Route, Router},
    hooks::use_location,
    path,
};
use xiangqin_rules::Region;

pub mod answers;
pub mod api;
pub mod draft;
pub mod glossary;
pub mod i18n;
pub mod kiosk;
pub mod outbox;
pub mod pages;
pub mod places;
pub mod questions;
pub mod speech;
pub mod storage;

use answers::Answers;
use i18n::{t, use_i18n, I18n, Msg, LANGS};
use pages::later::{Later, Screen};

/// The cadres' screens: themselves in the cadres' page (`cadre.html`, built with the `cadre`
/// feature), a stand-in that asks the server for that page in the households' app.
mod cadre_pages {
    #[cfg(not(feature = "cadre"))]
    pub use crate::pages::not_found::{CadrePage as ReviewPage, CadrePage as KioskPage};
    #[cfg(feature = "cadre")]
    pub use crate::pages::{kiosk::KioskPage, review::ReviewPage};
}

/// Removes what the page shows before the app starts (index.html's plain-HTML first screen, the
/// "loading" note and the download's progress, loader/progress.html) and mounts the app.
pub fn mount() {
    // A language saved on this phone whose words are a file of their own (src/i18n.rs): the
    // app starts once they are here (or did not arrive: then in Chinese), never in Chinese first.
    match storage::load_lang().as_deref().and_then(i18n::Lang::by_tag) {
        Some(lang) if !lang.ready() => {
            wasm_bindgen_futures::spawn_local(async move {
                i18n::load(lang).await;
                start();
            });
        }
        _ => start(),
    }
}

fn start() {
    for id in ["first-screen", "loading", "load-panel"] {
        if let Some(el) = document().get_element_by_id(id) {
            el.remove();
        }
    }
    #[cfg(feature = "cadre")]
    if let Ok(Some(session)) = window().session_storage() {
        let _ = session.remove_item(storage::CADRE_RELOADED_AT_KEY);
    }
    leptos::mount::mount_to_body(App);
}

/// The household's answers, loaded once and saved on every change.
#[derive(Clone, Copy)]
pub struct Household {
    pub answers: RwSignal<Answers>,
}

impl Household {
    fn load() -> Self {
        Self {
            answers: RwSignal::new(Answers::load()),
        }
    }

    /// Changes the answers and writes them to the device at once.
    pub fn update(&self, change: impl FnOnce(&mut Answers)) {
        self.answers.update(change);
        self.answers.with_untracked(Answers::save);
    }

    /// Forgets everything about the household, on the device and on screen.
    pub fn clear(&self) {
        storage::clear_household();
        self.answers.set(Answers::default());
    }
}

pub fn use_household() -> Household {
    expect_context::<Household>()
}

/// Whether no answers are stored (read from the device, outside any reactive context).
pub fn use_household_untracked_is_empty() -> bool {
    Answers::load().is_empty()
}

/// Removes every answer, draft and receipt of the household from the device (the outbox keeps
/// what is not yet acknowledged, and sends it).
pub fn clear_household_everywhere() {
    storage::clear_household();
}

/// Today's date on the phone's clock and in its time zone.
pub fn today() -> chrono::NaiveDate {
    let now = js_sys::Date::new_0();
    chrono::NaiveDate::from_ymd_opt(
        now.get_full_year() as i32,
        now.get_month() + 1,
        now.get_date(),
    )
    .unwrap_or_default()
}

/// The catalogue message naming a region.
pub fn region_msg(region: Region) -> Msg {
    match region {
        Region::Qinghai => Msg::RegionQinghai,
        Region::Longyan => Msg::RegionLongyan,
        Region::Shaanxi => Msg::RegionShaanxi,
        Region::InnerMongolia => Msg::RegionInnerMongolia,
        Region::Liangzhou => Msg::RegionLiangzhou,
    }
}

#[component]
pub fn App() -> impl IntoView {
    let i18n = I18n::new(storage::load_lang());
    provide_context(i18n);
    provide_context(Household::load());
    outbox::return_unsendable();
    provide_context(outbox::Outbox::start());
    provide_context(kiosk::Kiosk::start());

    // The page's language and title follow the chosen language.
    Effect::new(move || {
        let lang = i18n.lang();
        let doc = document();
        if let Some(root) = doc.document_element() {
            let _ = root.set_attribute("lang", lang.tag);
        }
        doc.set_title(lang.get(Msg::AppName));
    });

    view! {
        <Router>
            <TopBar/>
            <kiosk::KioskBar/>
            <IdleWarning/>
            <main id="main">
                <FlatRoutes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view=pages::home::Home/>
                    <Route path=path!("/check/:step?") view=pages::check::Check/>
                    <Route path=path!("/report/:step?") view=|| view! { <Later screen=Screen::Report/> }/>
                    <Route path=path!("/results") view=|| view! { <Later screen=Screen::Results/> }/>
                    <Route path=path!("/status") view=|| view! { <Later screen=Screen::Status/> }/>
                    <Route path=path!("/review") view=cadre_pages::ReviewPage/>
                    <Route path=path!("/kiosk") view=cadre_pages::KioskPage/>
                    <Route path=path!("/policy/:id") view=|| view! { <Later screen=Screen::Policy/> }/>
                    <Route path=path!("/policies/:region?") view=|| view! { <Later screen=Screen::Browse/> }/>
                </FlatRoutes>
            </main>
        </Router>
    }
}

/// The app's name (a link home, except on the home screen) and the language switch.
#[component]
fn TopBar() -> impl IntoView {
    let location = use_location();
    let on_home = move || location.pathname.get() == "/";
    let i18n = use_i18n();
    // A language whose words did not arrive (LangSwitch), said under the bar.
    let lang_failed = RwSignal::new(None::<&'static i18n::Lang>);
    view! {
        <header class="top-bar">
            {move || {
                (!on_home())
                    .then(|| {
                        view! {
                            <a href="/" class="brand" data-testid="brand">
                                {t(Msg::AppName)}
                            </a>
                        }
                    })
            }}
            <div class="top-tools">
                <BigTextSwitch/>
                <LangSwitch failed=lang_failed/>
            </div>
        </header>
        {move || {
            lang_failed
                .get()
                .map(|lang| {
                    view! {
                        <p class="status error" role="alert" data-testid="lang-failed">
                            {move || i18n::fill(i18n.tr(Msg::LangNotLoaded), &[("name", lang.name)])}
                        </p>
                    }
                })
        }}
    }
}

/// The idle countdown of service-centre mode, across the top of the page.
#[component]
fn IdleWarning() -> impl IntoView {
    let kiosk = kiosk::use_kiosk();
    let i18n = use_i18n();
    view! {
        {move || {
            kiosk
                .countdown
                .get()
                .map(|n| {
                    view! {
                        <div class="idle-warning" role="alert" data-testid="idle-warning">
                            <p>{i18n::fill(i18n.tr(Msg::KioskIdleWarning), &[("n", &n.to_string())])}</p>
                            <button type="button" class="button primary small" data-testid="idle-keep" on:click=move |_| kiosk.keep()>
                                {t(Msg::KioskKeep)}
                            </button>
                        </div>
                    }
                })
        }}
    }
}

/// 「大字」: all text larger (up to 30 px), for people who see poorly. A device setting, kept.
#[component]
fn BigTextSwitch() -> impl IntoView {
    let on = RwSignal::new(storage::load_big_text());
    Effect::new(move || {
        if let Some(root) = document().document_element() {
            let _ = root.class_list().toggle_with_force("big-text", on.get());
        }
    });
    view! {
        <button
            type="button"
            class="big-text-switch"
            aria-pressed=move || on.get().to_string()
            data-testid="big-text"
            on:click=move |_| {
                let next = !on.get_untracked();
                on.set(next);
                storage::save_big_text(next);
            }
        >
            {t(Msg::BigtextLabel)}
        </button>
    }
}

/// One button per language of the catalogue, each in its own language; the choice is saved.
/// A language whose words are a file of their own is fetched first (src/i18n.rs); if they do
/// not arrive, the screen stays as it was and says so.
#[component]
fn LangSwitch(failed: RwSignal<Option<&'static i18n::Lang>>) -> impl IntoView {
    let i18n = use_i18n();
    let fetching = RwSignal::new(None::<&'static str>);
    let choose = move |lang: &'static i18n::Lang| {
        i18n.set(lang);
        storage::save_lang(lang.tag);
    };
    view! {
        <nav class="lang-switch" aria-label=t(Msg::LangSwitchLabel)>
            {LANGS
                .iter()
                .map(|lang| {
                    view! {
                        <button
                            type="button"
                            lang=lang.tag
                            aria-pressed=move || (i18n.lang().tag == lang.tag).to_string()
                            aria-busy=move || (fetching.get() == Some(lang.tag)).then_some("true")
                            data-testid=format!("lang-{}", lang.tag)
                            on:click=move |_| {
                                failed.set(None);
                                if lang.ready() {
                                    choose(lang);
                                } else if fetching.get_untracked().is_none() {
                                    fetching.set(Some(lang.tag));
                                    leptos::task::spawn_local(async move {
                                        let arrived = i18n::load(lang).await;
                                        fetching.set(None);
                                        if arrived {
                                            choose(lang);
                                        } else {
                                            failed.set(Some(lang));
                                        }
                                    });
                                }
                            }
                        >
                            {lang.name}
                        </button>
                    }
                })
                .collect_view()}
        </nav>
    }
}
