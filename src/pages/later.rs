//! The screens a household reaches only after the questionnaire — results, policy pages, the
//! declaration and 查进度 — in chunks of the Wasm of their own (issue 21). The first download
//! carries the home screen and the questionnaire; a chunk is fetched the first time one of its
//! screens opens, or earlier by [`preload_results`] and the service worker, which caches every
//! chunk of a release once the page has loaded, so these screens still open offline.
//!
//! How: each screen's view is made by what a `#[wasm_split]` function returns, which
//! `scripts/build` (`tools/wasm-split`) moves with the code only it reaches into its chunk. That needs the
//! `xiangqin_split` cfg (set by `scripts/build`); without it (`trunk serve`, native tests) the
//! same functions are plain ones and everything is in one Wasm.
//!
//! Data is not split with the code, so the policies' words (titles, what a household gets, how to
//! apply, the quoted clauses: most of the rules data) are a file of their own, `texts.json`,
//! which the page names in `<meta name=xiangqin-texts>` (`scripts/split-wasm`). The results and
//! policy pages fetch it with their chunk; the questionnaire needs only the conditions.
//!
//! Not a screen but split the same way: the code that sends what waits in the outbox
//! (`outbox::sender`), fetched when the app starts with a declaration queued; most households have
//! none, and the declaration's screen shares most of that code.
//!
//! A chunk or the words not arriving (a weak network) is a screen that says so and offers
//! 再试一次, never a stopped app: the split functions are `fallible`, and a failed load is tried
//! afresh.
use leptos::prelude::*;

use crate::i18n::{t, Msg};

/// A screen whose chunk (or words) did not arrive.
pub struct NotLoaded;

impl From<leptos::wasm_split::SplitLoaderError> for NotLoaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        NotLoaded
    }
}

/// A screen's view, to be built once everything it shows is there: its components run (and read
/// the rules) when it is called, not when its chunk arrives.
type MakeView = Box<dyn FnOnce() -> AnyView + Send>;

/// `later!(chunk, name, view)`: an async `name()` that gives the maker of `view` once the chunk
/// `chunk` is loaded. Functions naming the same chunk share it.
macro_rules! later {
    ($chunk:ident, $name:ident, $view:expr) => {
        #[cfg(xiangqin_split)]
        #[leptos::wasm_split::wasm_split($chunk, fallible, wasm_split_path = ::leptos::wasm_split)]
        fn $name() -> Result<MakeView, NotLoaded> {
            Ok(Box::new(|| $view.into_any()))
        }

        #[cfg(not(xiangqin_split))]
        async fn $name() -> Result<MakeView, NotLoaded> {
            Ok(Box::new(|| $view.into_any()))
        }
    };
}

later!(results, results, view! { <super::results::Results/> });
later!(policy, policy, view! { <super::policy::PolicyPage/> });
later!(policy, browse, view! { <super::policy::Browse/> });
later!(report, report, view! { <super::report::Report/> });
later!(status, status, view! { <super::status::StatusPage/> });

/// The screens loaded later, for the route table.
#[derive(Clone, Copy, Debug)]
pub enum Screen {
    Results,
    Policy,
    Browse,
    Report,
    Status,
}

/// A screen that shows the policies' words: its chunk and the words, fetched together.
async fn with_words(
    chunk: impl std::future::Future<Output = Result<MakeView, NotLoaded>>,
) -> Result<MakeView, NotLoaded> {
    let (view, words) = futures::future::join(chunk, policy_words()).await;
    words.and(view)
}

async fn build(screen: Screen) -> Result<AnyView, NotLoaded> {
    let make = match screen {
        Screen::Results => with_words(results()).await,
        Screen::Policy => with_words(policy()).await,
        Screen::Browse => with_words(browse()).await,
        Screen::Report => report().await,
        Screen::Status => status().await,
    }?;
    Ok(make())
}

#[cfg(xiangqin_split)]
thread_local! {
    /// The policies' words fetched ahead ([`preload_results`]) and not read yet: reading them
    /// holds a slow phone's only thread for a moment, so it waits until a screen shows them and
    /// never delays the questionnaire (measured: BENCHMARKS.md).
    static FETCHED_WORDS: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Gives the rules the policies' words (`texts.json`, named by the page), once.
#[cfg(xiangqin_split)]
async fn policy_words() -> Result<(), NotLoaded> {
    if xiangqin_rules::texts_installed() {
        return Ok(());
    }
    let text = match FETCHED_WORDS.with(|w| w.borrow_mut().take()) {
        Some(text) => text,
        // The browser's fetch is not `Send`; the app runs on one thread.
        None => send_wrapper::SendWrapper::new(fetch_words()).await?,
    };
    // Words of another release (a page and files of two builds) are refused by the rules.
    xiangqin_rules::install_texts(&text).map_err(|errors| {
        leptos::logging::warn!("texts.json refused: {}", errors.join("; "));
        NotLoaded
    })
}

#[cfg(xiangqin_split)]
async fn fetch_words() -> Result<String, NotLoaded> {
    fetch_named("xiangqin-texts").await
}

/// The text of the file the page names in `<meta name={meta} content=…>` (scripts/split-wasm):
/// the policies' words, a language's catalogue (`i18n`).
#[cfg(xiangqin_split)]
pub async fn fetch_named(meta: &str) -> Result<String, NotLoaded> {
    let url = document()
        .query_selector(&format!("meta[name=\"{meta}\"]"))
        .ok()
        .flatten()
        .and_then(|meta| meta.get_attribute("content"))
        .ok_or(NotLoaded)?;
    let response = gloo_net::http::Request::get(&url)
        .send()
        .await
        .map_err(|_| NotLoaded)?;
    if !response.ok() {
        return Err(NotLoaded);
    }
    response.text().await.map_err(|_| NotLoaded)
}

/// Without the split (`trunk serve`, native tests) the words are in the Wasm.
#[cfg(not(xiangqin_split))]
async fn policy_words() -> Result<(), NotLoaded> {
    Ok(())
}

/// Starts fetching the results' chunk (the questionnaire's next screen) and the policies' words
/// in the background, for browsers without a service worker. A failure here is tried again when
/// the screen opens.
pub fn preload_results() {
    #[cfg(xiangqin_split)]
    leptos::task::spawn_local(async {
        let words = async {
            if xiangqin_rules::texts_installed() || FETCHED_WORDS.with(|w| w.borrow().is_some()) {
                return;
            }
            if let Ok(text) = fetch_words().await {
                FETCHED_WORDS.with(|w| *w.borrow_mut() = Some(text));
            }
        };
        let _ = futures::future::join(__wasm_split_preload_results(), words).await;
    });
}

/// A screen of a chunk: a note while it arrives, then the screen; if it does not arrive, the
/// reason and a button that tries again.
#[component]
pub fn Later(screen: Screen) -> impl IntoView {
    let attempt = RwSignal::new(0u32);
    let opening = || view! { <p class="hint" role="status" data-testid="later-opening">{t(Msg::LaterOpening)}</p> };
    view! {
        <Suspense fallback=opening>
            {move || {
                attempt.track();
                Suspend::new(async move {
                    build(screen).await.unwrap_or_else(|NotLoaded| {
                        view! {
                            <section class="screen">
                                <p class="status" role="alert" data-testid="later-failed">{t(Msg::LaterFailed)}</p>
                                <button type="button" class="button primary" data-testid="later-retry"
                                    on:click=move |_| attempt.update(|n| *n += 1)>
                                    {t(Msg::LaterRetry)}
                                </button>
                            </section>
                        }
                        .into_any()
                    })
                })
            }}
        </Suspense>
    }
}
