//! The message catalogue: every user-visible text comes from `locales/<tag>.json`, compiled in by
//! `build.rs` (one `Msg` variant per key, one string table per language). The chosen language is
//! kept in a signal provided as context and saved on the device.
//!
//! Chinese is in the Wasm. In the split release build (`xiangqin_split`, see `pages::later`) the
//! other languages are not: each is a file of its own, `locale-<tag>-<hash>.json`, named by the
//! page in `<meta name=xiangqin-lang-<tag>>` (scripts/split-wasm), fetched when the language is
//! chosen or, if it was saved, before the app starts; the service worker keeps it with the
//! release. Most households read Chinese, and the first download is 10 KB smaller without the
//! English words.
use leptos::prelude::*;
use std::cell::RefCell;

/// One language of the catalogue.
pub struct Lang {
    /// BCP 47 tag, the file name: `zh-Hans`, `en`.
    pub tag: &'static str,
    /// The language's own name, for the switch.
    pub name: &'static str,
    /// Its words in `Msg` order; `None` for a language fetched when chosen (see [`load`]).
    messages: Option<&'static [&'static str]>,
}

include!(concat!(env!("OUT_DIR"), "/messages.rs"));

thread_local! {
    /// The tables of the languages fetched so far (the app runs on one thread).
    static FETCHED: RefCell<Vec<(&'static str, &'static [&'static str])>> = const { RefCell::new(Vec::new()) };
}

impl Lang {
    /// The message in this language; in Chinese while this language's words have not arrived
    /// ([`I18n`] only ever holds a language that is [`ready`](Lang::ready)).
    pub fn get(&self, msg: Msg) -> &'static str {
        match self.table() {
            Some(table) => table[msg as usize],
            None => LANGS[0].get(msg),
        }
    }

    /// Whether its words are here: in the Wasm, or fetched.
    pub fn ready(&self) -> bool {
        self.table().is_some()
    }

    fn table(&self) -> Option<&'static [&'static str]> {
        self.messages.or_else(|| {
            FETCHED.with(|f| {
                f.borrow()
                    .iter()
                    .find(|(tag, _)| *tag == self.tag)
                    .map(|(_, t)| *t)
            })
        })
    }

    pub fn by_tag(tag: &str) -> Option<&'static Lang> {
        LANGS.iter().find(|l| l.tag == tag)
    }
}

/// Makes `lang`'s words ready: fetched from the file the page names, once. False if they did
/// not arrive, or are not a whole catalogue of this build.
pub async fn load(lang: &'static Lang) -> bool {
    if lang.ready() {
        return true;
    }
    #[cfg(xiangqin_split)]
    {
        let meta = format!("xiangqin-lang-{}", lang.tag);
        let Ok(text) = crate::pages::later::fetch_named(&meta).await else {
            return false;
        };
        match parse_table(&text) {
            Some(table) => {
                FETCHED.with(|f| f.borrow_mut().push((lang.tag, table)));
                return true;
            }
            None => leptos::logging::warn!("{meta}: not a whole catalogue of this build"),
        }
    }
    false
}

/// A catalogue file (`{"key": "text", …}`, as `locales/<tag>.json`) as the table of its
/// messages in `Msg` order; `None` unless it has every message of this build.
#[cfg_attr(not(any(xiangqin_split, test)), allow(dead_code))]
fn parse_table(text: &str) -> Option<&'static [&'static str]> {
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text).ok()?;
    let mut table: Vec<Option<&'static str>> = vec![None; KEYS.len()];
    for (key, text) in map {
        if let (Some(msg), serde_json::Value::String(text)) = (Msg::from_key(&key), text) {
            // Kept for the life of the page, as the built-in words are.
            table[msg as usize] = Some(Box::leak(text.into_boxed_str()));
        }
    }
    let table: Vec<&'static str> = table.into_iter().collect::<Option<_>>()?;
    Some(Box::leak(table.into_boxed_slice()))
}

/// The current language, shared through context.
#[derive(Clone, Copy)]
pub struct I18n {
    lang: RwSignal<&'static Lang>,
}

impl I18n {
    /// Starts with the saved language if its words are here, else the first of the catalogue
    /// (Chinese).
    pub fn new(saved: Option<String>) -> Self {
        let lang = saved
            .as_deref()
            .and_then(Lang::by_tag)
            .filter(|l| l.ready())
            .unwrap_or(&LANGS[0]);
        Self {
            lang: RwSignal::new(lang),
        }
    }

    /// The current language (reactive).
    pub fn lang(&self) -> &'static Lang {
        self.lang.get()
    }

    /// Switches to `lang`, which must be [`ready`](Lang::ready) (see [`load`]).
    pub fn set(&self, lang: &'static Lang) {
        debug_assert!(lang.ready(), "{} chosen before its words arrived", lang.tag);
        self.lang.set(lang);
    }

    /// The message in the current language (reactive: call it inside a closure or effect).
    pub fn tr(&self, msg: Msg) -> &'static str {
        self.lang.get().get(msg)
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// A reactive text for `view!`: `{t(Msg::HomeTitle)}` or `aria-label=t(Msg::Back)`.
pub fn t(msg: Msg) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || i18n.tr(msg)
}

/// Fills `{name}` placeholders: `fill("第 {n} 题", &[("n", "1")])`.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_every_message() {
        for lang in LANGS {
            let table = lang
                .table()
                .expect("every language is built into native tests");
            assert_eq!(table.len(), KEYS.len());
            for (i, text) in table.iter().enumerate() {
                assert!(
                    !text.trim().is_empty(),
                    "{}: message {i} is empty",
                    lang.tag
                );
            }
        }
    }

    /// The file fetched for a language is its catalogue as written in `locales/`.
    #[test]
    fn a_fetched_catalogue_gives_the_same_words_as_the_built_one() {
        let en = Lang::by_tag("en").unwrap();
        let table = parse_table(include_str!("../locales/en.json")).expect("a whole catalogue");
        for (i, msg) in MSGS.iter().enumerate() {
            assert_eq!(table[i], en.get(*msg), "{}", KEYS[i]);
        }
    }

    /// A file of another build (a message missing, or not text) is refused, not half used.
    #[test]
    fn an_incomplete_catalogue_is_refused() {
        let mut map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(include_str!("../locales/en.json")).unwrap();
        assert!(parse_table(&serde_json::to_string(&map).unwrap()).is_some());
        map.insert(KEYS[0].into(), serde_json::Value::from(3));
        assert!(parse_table(&serde_json::to_string(&map).unwrap()).is_none());
        map.remove(KEYS[0]);
        assert!(parse_table(&serde_json::to_string(&map).unwrap()).is_none());
        assert!(parse_table("not json").is_none());
    }

    #[test]
    fn chinese_comes_first() {
        assert_eq!(LANGS[0].tag, "zh-Hans");
        assert!(Lang::by_tag("en").is_some());
    }

    #[test]
    fn region_names_match_the_rules() {
        use xiangqin_rules::Region;
        for r in Region::ALL {
            assert_eq!(LANGS[0].get(crate::region_msg(r)), r.name_zh());
        }
    }

    /// The text of the element of `html` whose opening tag starts with `open`, up to `close`.
    fn part<'a>(html: &'a str, open: &str, close: &str) -> &'a str {
        let start = html
            .find(open)
            .unwrap_or_else(|| panic!("{open} is missing"));
        &html[start..start + html[start..].find(close).unwrap()]
    }

    /// index.html shows, before the app starts, the home screen in plain HTML and the frames of
    /// the questionnaire, a declaration and 查进度, in every language: the app's own words.
    #[test]
    fn the_first_screens_in_index_html_say_what_the_app_says() {
        let html = include_str!("../index.html");
        let screens: [(&str, &[Msg]); 4] = [
            (
                "home",
                &[
                    Msg::AppName,
                    Msg::HomeIntro,
                    Msg::HomeCheck,
                    Msg::HomeCheckNote,
                    Msg::HomeReport,
                    Msg::HomeReportNote,
                    Msg::HomePrivacy,
                ],
            ),
            ("check", &[Msg::QRegionTitle, Msg::QRegionHint]),
            ("report", &[Msg::HomeReport, Msg::HomeReportNote]),
            ("status", &[Msg::StatusTitle, Msg::StatusIntro]),
        ];
        for lang in LANGS {
            for (screen, msgs) in screens {
                let open = format!("data-screen=\"{screen}\" lang=\"{}\"", lang.tag);
                let section = part(html, &open, "</section>");
                for msg in msgs {
                    let text = lang.get(*msg);
                    assert!(
                        section.contains(&format!(">{text}<")),
                        "index.html's {screen} screen in {} lacks {text:?}",
                        lang.tag
                    );
                }
            }
            let brand = format!("<span class=\"brand\" lang=\"{}\">", lang.tag);
            let brand = part(html, &brand, "</span>");
            assert!(brand.ends_with(&format!(">{}", lang.get(Msg::AppName))));
        }
        let home = part(html, "data-screen=\"home\"", "</section>");
        for path in ["href=\"/check\"", "href=\"/report\""] {
            assert!(home.contains(path), "index.html lacks {path}");
        }
    }

    /// The download's progress (loader/progress.html), in every language: the app's words.
    #[test]
    fn the_loading_panel_says_what_the_app_says() {
        let html = include_str!("../loader/progress.html");
        for lang in LANGS {
            let words = part(
                html,
                &format!("lang=\"{}\" role=\"status\"", lang.tag),
                "</p>",
            );
            let template = lang.get(Msg::LoadingProgress);
            assert!(words.contains(&format!("data-template=\"{template}\"")));
            assert!(words.ends_with(&format!(">{}", fill(template, &[("n", "0")]))));
            let stalled = part(html, &format!("lang=\"{}\" hidden>", lang.tag), "</button>");
            assert!(stalled.ends_with(&format!(">{}", lang.get(Msg::LoadingStalled))));
        }
    }

    /// The consent step shows the catalogue's words; the endpoint records and shows cadres the
    /// version of `xiangqin_rules::consent` they were: both must be the same text.
    #[test]
    fn the_consent_words_are_those_of_the_current_consent_version() {
        use xiangqin_rules::consent::{self, ConsentText};
        let current = consent::current();
        for (key, part) in ConsentText::KEYS.iter().zip(current.parts) {
            let msg = Msg::from_key(key).unwrap_or_else(|| panic!("{key} is not in the catalogue"));
            assert_eq!(
                LANGS[0].get(msg),
                part,
                "the consent text changed: add a version in rules/src/consent.rs with the new \
                 words and make it CURRENT (declarations keep the version they were agreed under)"
            );
        }
    }

    #[test]
    fn fill_replaces_placeholders() {
        assert_eq!(
            fill("第 {n} 题，共 {total} 题", &[("n", "1"), ("total", "3")]),
            "第 1 题，共 3 题"
        );
    }
}
