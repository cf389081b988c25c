//! The consent text a household agrees to before a declaration is sent, by version.
//!
//! A declaration carries the version it was agreed under (`consent.text_version`); the endpoint
//! accepts only versions listed here and keeps the version with the declaration (also after its
//! personal data is erased), and cadres see the version and its text. A version is never changed
//! or removed once shipped: a phone may send, days later, a declaration agreed under an older
//! one. Changing the wording in `locales/` (the keys of [`ConsentText::KEYS`]) means adding a
//! version here with the new Chinese text and making it [`CURRENT`]; a test of the app fails
//! until the catalogue and the current version agree.

/// The version of the consent text the app shows now.
pub const CURRENT: &str = "1";

/// One version of the consent text, in Chinese (the reference language of the catalogue).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConsentText {
    pub version: &'static str,
    /// The day it was first shown (YYYY-MM-DD).
    pub since: &'static str,
    /// The paragraphs in the order of [`ConsentText::KEYS`]. `{receiver}` stands for the
    /// operator's service as the app names it (`--service-name`, or the words for a service that
    /// gave none).
    pub parts: [&'static str; 6],
}

impl ConsentText {
    /// The catalogue keys (`locales/*.json`) of the paragraphs.
    pub const KEYS: [&'static str; 6] = [
        "report.consent_who",
        "report.consent_purpose",
        "report.consent_sensitive",
        "report.consent_truthful",
        "report.consent_warning",
        "report.consent_personal_info",
    ];

    /// The whole text, one paragraph a line, with the receiver's name filled in.
    pub fn text(&self, receiver: &str) -> String {
        self.parts
            .iter()
            .map(|p| p.replace("{receiver}", receiver))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Every version ever shown, oldest first. (Declarations sent before versions were recorded carry
/// none; their text is in the history of `locales/zh-Hans.json`.)
pub const VERSIONS: [ConsentText; 1] = [
    ConsentText {
        version: "1",
        since: "2026-12-02",
        parts: [
            "谁能看到：{receiver}发了审核口令的干部。",
            "用来做什么：核实您家的困难，决定要不要纳入监测，怎样帮扶。",
            "里面有身份证号码、手机号码和家人生病等健康情况，这些是敏感的个人信息，需要您同意才能发送。",
            "我保证填写的情况都是真实的。",
            "弄虚作假、骗取帮扶的，会被取消相应的帮扶待遇，情节严重的会被依法处理。",
            "我同意{receiver}和它发了审核口令的干部，为核实困难、安排帮扶，使用我填写的个人信息和健康情况。",
        ],
    },
];

/// The version `version`, if it is one that was shown.
pub fn version(version: &str) -> Option<&'static ConsentText> {
    VERSIONS.iter().find(|v| v.version == version)
}

/// The version the app shows now.
pub fn current() -> &'static ConsentText {
    version(CURRENT).expect("CURRENT is a listed version")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_unique_dated_in_order_and_the_current_one_is_the_newest() {
        for pair in VERSIONS.windows(2) {
            assert!(pair[0].since <= pair[1].since);
            assert_ne!(pair[0].version, pair[1].version);
            assert_ne!(pair[0].parts, pair[1].parts, "a version changes the text");
        }
        assert_eq!(current().version, VERSIONS.last().unwrap().version);
        assert_eq!(version("0"), None);
        assert_eq!(version(""), None);
        let text = current().text("乡亲服务");
        assert!(text.contains("乡亲服务发了审核口令的干部") && !text.contains('{'));
        assert_eq!(text.lines().count(), 6);
    }
}
