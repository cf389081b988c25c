//! Everything the app keeps on the device, in LocalStorage, each under one versioned key.
//! Household data (answers, the declaration draft, the last receipt) can be removed in one go with
//! [`clear_household`]; the language choice is a device setting and stays.
use crate::draft::Draft;
use gloo_storage::{LocalStorage, Storage};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use xiangqin_rules::Region;

/// The questionnaire's answers.
pub const ANSWERS_KEY: &str = "xiangqin.answers.v1";
/// The declaration (一键申报) being filled in, not yet sent.
pub const DRAFT_KEY: &str = "xiangqin.declaration-draft.v1";
/// The receipt of the last declaration sent from this device.
pub const RECEIPT_KEY: &str = "xiangqin.last-receipt.v1";
/// The chosen language tag.
pub const LANG_KEY: &str = "xiangqin.lang.v1";

/// Keys holding information about the household.
const HOUSEHOLD_KEYS: [&str; 3] = [ANSWERS_KEY, DRAFT_KEY, RECEIPT_KEY];

/// The answers given so far. Its JSON is a subset of the rules' household facts
/// (`xiangqin_rules::Facts`, same field names and values; absent = not answered yet) and grows
/// with the questionnaire. It holds only the facts asked so far: deserializing the whole `Facts`
/// would add its code to the download before it is needed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Answers {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
}

impl Answers {
    pub fn is_empty(&self) -> bool {
        *self == Answers::default()
    }
}

/// Reads a value; anything unreadable (absent, or written by an incompatible version) is `None`.
pub fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
    LocalStorage::get(key).ok()
}

/// Writes a value. Failing to save (storage full or disabled) is not fatal: the app keeps working
/// for this visit, it just will not remember.
pub fn save<T: Serialize>(key: &str, value: &T) {
    if let Err(e) = LocalStorage::set(key, value) {
        leptos::logging::warn!("could not save {key}: {e}");
    }
}

pub fn remove(key: &str) {
    LocalStorage::delete(key);
}

pub fn load_answers() -> Answers {
    load(ANSWERS_KEY).unwrap_or_default()
}

/// Saves the answers; no answers means no key at all.
pub fn save_answers(answers: &Answers) {
    if answers.is_empty() {
        remove(ANSWERS_KEY);
    } else {
        save(ANSWERS_KEY, answers);
    }
}

/// Removes everything this app stored about the household.
pub fn clear_household() {
    for key in HOUSEHOLD_KEYS {
        remove(key);
    }
}

pub fn load_lang() -> Option<String> {
    load(LANG_KEY)
}

pub fn save_lang(tag: &str) {
    save(LANG_KEY, &tag);
}

/// Whether a declaration draft or receipt is on the device.
pub fn has_declaration_data() -> bool {
    [DRAFT_KEY, RECEIPT_KEY]
        .iter()
        .any(|k| LocalStorage::raw().get_item(k).ok().flatten().is_some())
}

pub fn load_draft() -> Option<Draft> {
    load(DRAFT_KEY)
}

/// Saves the draft as typed; an empty draft means no key at all.
pub fn save_draft(draft: &Draft) {
    if draft.is_empty() {
        remove(DRAFT_KEY);
    } else {
        save(DRAFT_KEY, draft);
    }
}

/// The receipt of a declaration that was sent, kept so the household can find the code again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentReceipt {
    pub code: String,
    /// From the endpoint: proves this device sent it, to ask about its progress later.
    #[serde(default)]
    pub status_token: String,
    pub region: Region,
    /// `YYYY-MM-DD`.
    pub sent_on: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use xiangqin_rules::Facts;

    #[test]
    fn answers_are_a_subset_of_the_household_facts() {
        for region in Region::ALL {
            let answers = Answers {
                region: Some(region),
            };
            let json = serde_json::to_string(&answers).unwrap();
            let facts = Facts::from_json(&json).expect("answers must read as household facts");
            assert_eq!(facts.region, Some(region));
        }
        assert_eq!(serde_json::to_string(&Answers::default()).unwrap(), "{}");
    }

    #[test]
    fn unreadable_answers_are_ignored() {
        assert!(serde_json::from_str::<Answers>(r#"{"region":"atlantis"}"#).is_err());
    }
}
