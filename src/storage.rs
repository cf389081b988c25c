//! Everything the app keeps on the device, in LocalStorage, each under one versioned key: every
//! key (the two the tab's session storage holds too) and the reading and writing. What is kept is defined where it is used (the answers in
//! [`crate::answers`], the draft in [`crate::draft`]).
//! Household data (answers, the declaration draft, the last receipt) can be removed in one go with
//! [`clear_household`]; the language choice is a device setting and stays, as does what the
//! endpoint said about itself (who receives declarations: no household's data).
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
/// Whether 「大字」 is on (a device setting, like the language).
pub const BIG_TEXT_KEY: &str = "xiangqin.big-text.v1";
/// Who receives declarations at this endpoint, as it last said (a fact about the service, not the
/// household: shown on the form even when offline).
pub const SERVICE_KEY: &str = "xiangqin.service.v1";
/// Declarations the household agreed to send, until the endpoint has each ([`crate::outbox`]).
pub const OUTBOX_KEY: &str = "xiangqin.outbox.v1";
/// Service-centre mode's settings (a device setting: it survives 「下一户」).
pub const KIOSK_KEY: &str = "xiangqin.kiosk.v1";
/// Declarations the endpoint refused after their household had left the centre: for the
/// operator, the day each was queued and the server's message, and nothing personal (the
/// household's signed paper form says whose it was). A device setting, like the mode itself.
pub const REFUSED_KEY: &str = "xiangqin.kiosk-refused.v1";

/// In the tab's session storage (gone when the tab is closed): the signed-in cadre's token
/// (`pages/review.rs`).
pub const REVIEW_SESSION_KEY: &str = "xiangqin.review-session.v1";
/// In the tab's session storage: when the households' page last asked the server for the cadres'
/// page (`pages/not_found.rs`); the cadres' page clears it when it starts, so that it is never
/// mistaken for a page that is missing.
pub const CADRE_RELOADED_AT_KEY: &str = "xiangqin.cadre-page-reloaded-at";

/// Keys holding information about the household. The outbox is not among them: a declaration
/// the household agreed to send is kept until the endpoint has it.
const HOUSEHOLD_KEYS: [&str; 3] = [ANSWERS_KEY, DRAFT_KEY, RECEIPT_KEY];

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

pub fn load_big_text() -> bool {
    load(BIG_TEXT_KEY).unwrap_or(false)
}

pub fn save_big_text(on: bool) {
    save(BIG_TEXT_KEY, &on);
}

/// Whether a declaration draft or receipt is on the device.
pub fn has_declaration_data() -> bool {
    [DRAFT_KEY, RECEIPT_KEY]
        .iter()
        .any(|k| LocalStorage::raw().get_item(k).ok().flatten().is_some())
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
    /// The Idempotency-Key it was sent with (ties it to its outbox entry).
    #[serde(default)]
    pub key: String,
    /// Who received it and the deadlines it promised, as the endpoint gave them with the receipt
    /// (stored as the fields `service_name` and `deadlines`).
    #[serde(default)]
    pub service_name: Option<String>,
    #[serde(default)]
    pub deadlines: Vec<crate::api::Deadline>,
}
