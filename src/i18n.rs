//! The message catalogue: every user-visible text comes from `locales/<tag>.json`, compiled in by
//! `build.rs` (one `Msg` variant per key, one string table per language). The chosen language is
//! kept in a signal provided as context and saved on the device.
use leptos::prelude::*;

/// One language of the catalogue.
pub struct Lang {
    /// BCP 47 tag, the file name: `zh-Hans`, `en`.
    pub tag: &'static str,
    /// The language's own name, for the switch.
    pub name: &'static str,
    messages: &'static [&'static str],
}

include!(concat!(env!("OUT_DIR"), "/messages.rs"));

impl Lang {
    pub fn get(&self, msg: Msg) -> &'static str {
        self.messages[msg as usize]
    }

    pub fn by_tag(tag: &str) -> Option<&'static Lang> {
        LANGS.iter().find(|l| l.tag == tag)
    }
}

/// The current language, shared through context.
#[derive(Clone, Copy)]
pub struct I18n {
    lang: RwSignal<&'static Lang>,
}

impl I18n {
    /// Starts with the saved language, else the first of the catalogue (Chinese).
    pub fn new(saved: Option<String>) -> Self {
        let lang = saved.as_deref().and_then(Lang::by_tag).unwrap_or(&LANGS[0]);
        Self {
            lang: RwSignal::new(lang),
        }
    }

    /// The current language (reactive).
    pub fn lang(&self) -> &'static Lang {
        self.lang.get()
    }

    pub fn set(&self, lang: &'static Lang) {
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
            for i in 0..LANGS[0].messages.len() {
                assert!(
                    !lang.messages[i].trim().is_empty(),
                    "{}: message {i} is empty",
                    lang.tag
                );
            }
        }
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
