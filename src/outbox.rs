//! Sending a declaration, and the outbox: declarations the household has agreed to send, kept on
//! the device until the endpoint acknowledges them (201 or 200). Sent at once when there is a
//! network, else retried with growing pauses, on every start of the app and whenever the browser
//! says it is online again. Each declaration keeps its Idempotency-Key (on the draft while the
//! content is unchanged, and in its outbox entry), so a retry after a lost answer, a double tap
//! or a reload never records a second declaration. This module owns every step of sending
//! ([`Outbox::submit`]): choosing the key, queueing, the endpoint's answer, the receipt and what
//! becomes of the draft; the report page only shows the outcome.
use crate::api::{self, SendError};
use crate::draft::{Attempt, Draft};
use crate::storage::{self, SentReceipt};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use xiangqin_rules::declaration::{Declaration, FieldError};
use xiangqin_rules::Region;

pub const OUTBOX_KEY: &str = "xiangqin.outbox.v1";

/// One declaration waiting for the endpoint's acknowledgement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    /// The Idempotency-Key (a UUID v4 made on the device).
    pub key: String,
    /// The declaration as JSON, exactly as it will be sent every time.
    pub body: String,
    pub region: Region,
    /// `YYYY-MM-DD`.
    pub queued_on: String,
}

/// What happened to an entry on its last try.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Sent(SentReceipt),
    /// Not sent; it stays in the outbox and is tried again.
    Waiting(SendError),
    /// The endpoint refused it for good (invalid fields, or the key used for other content):
    /// it leaves the outbox and the household corrects the draft.
    Refused(Vec<FieldError>, u16),
}

/// What became of a declaration the household sent ([`Outbox::submit`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Submitted {
    /// The endpoint has it; the receipt is kept on the device.
    Sent(SentReceipt),
    /// Kept in the outbox and sent again later: no network, or the server had trouble.
    Waiting(SendError),
    /// The endpoint refused these fields: the household corrects the draft.
    Refused(Vec<FieldError>),
}

/// FNV-1a of the body: tells whether a retry sends the same declaration.
fn fingerprint(body: &str) -> String {
    let hash = body.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{hash:016x}")
}

pub fn load() -> Vec<Pending> {
    storage::load(OUTBOX_KEY).unwrap_or_default()
}

pub fn save(entries: &[Pending]) {
    if entries.is_empty() {
        storage::remove(OUTBOX_KEY);
    } else {
        storage::save(OUTBOX_KEY, &entries);
    }
}

/// Shared through context: the entries waiting, for the screens that show 待发送.
#[derive(Clone, Copy)]
pub struct Outbox {
    pub pending: RwSignal<Vec<Pending>>,
    /// How many tries in a row failed (sets the pause before the next one).
    failures: RwSignal<u32>,
    busy: RwSignal<bool>,
}

impl Outbox {
    /// Loads the outbox, sends what waits, and listens for the network coming back.
    pub fn start() -> Self {
        let outbox = Outbox {
            pending: RwSignal::new(load()),
            failures: RwSignal::new(0),
            busy: RwSignal::new(false),
        };
        let on_online = move |_: web_sys::Event| outbox.flush();
        let _ = window_event_listener(leptos::ev::Custom::new("online"), on_online);
        outbox.flush();
        outbox
    }

    /// Sends the declaration checked from `draft`, now: it goes into the outbox first (from
    /// then on it is kept on the device until the endpoint has it), with the draft's key when
    /// the content is the one last tried, else a new one. Returns what became of it and the
    /// draft as it is now saved on the device: removed once sent; without its key after a 409
    /// (the key was used for other content, the next try gets a new one).
    pub async fn submit(&self, mut draft: Draft, declaration: &Declaration) -> (Submitted, Draft) {
        let Ok(body) = serde_json::to_string(declaration) else {
            return (Submitted::Waiting(SendError::Server(0)), draft);
        };
        let print = fingerprint(&body);
        // One key per declaration: a retry of the same content reuses it.
        let key = draft
            .attempt
            .as_ref()
            .filter(|a| a.fingerprint == print)
            .map(|a| a.key.clone())
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        draft.attempt = Some(Attempt {
            key: key.clone(),
            fingerprint: print,
        });
        storage::save_draft(&draft);
        let entry = Pending {
            key,
            body,
            region: declaration.region,
            queued_on: crate::today().to_string(),
        };
        match self.send_now(entry).await {
            Outcome::Sent(receipt) => {
                storage::remove(storage::DRAFT_KEY);
                (Submitted::Sent(receipt), Draft::default())
            }
            Outcome::Waiting(e) => (Submitted::Waiting(e), draft),
            Outcome::Refused(_, 409) => {
                draft.attempt = None;
                storage::save_draft(&draft);
                (Submitted::Waiting(SendError::Server(409)), draft)
            }
            Outcome::Refused(fields, _) => (Submitted::Refused(fields), draft),
        }
    }

    /// Adds a declaration (once per key) and tries to send it now.
    async fn send_now(&self, entry: Pending) -> Outcome {
        self.pending.update(|p| {
            if !p.iter().any(|e| e.key == entry.key) {
                p.push(entry.clone());
            }
        });
        self.pending.with_untracked(|p| save(p));
        self.try_one(&entry, true)
            .await
            .unwrap_or(Outcome::Waiting(SendError::Network))
    }

    /// Sends one entry; `None` if it is no longer waiting (already acknowledged). `foreground`:
    /// the household is at the screen. In service-centre mode a declaration acknowledged in the
    /// background belongs to a household that has left: its receipt is not kept on the device.
    async fn try_one(&self, entry: &Pending, foreground: bool) -> Option<Outcome> {
        if !self
            .pending
            .with_untracked(|p| p.iter().any(|e| e.key == entry.key))
        {
            return storage::load::<SentReceipt>(storage::RECEIPT_KEY)
                .filter(|r| r.key == entry.key)
                .map(Outcome::Sent);
        }
        let outcome = match api::send_declaration(entry.body.clone(), &entry.key).await {
            Ok(r) => {
                let receipt = SentReceipt {
                    code: r.receipt,
                    status_token: r.status_token,
                    region: entry.region,
                    sent_on: crate::today().to_string(),
                    key: entry.key.clone(),
                    service_name: r.service_name.clone(),
                    deadlines: r.deadlines.clone(),
                };
                crate::storage::save(
                    crate::storage::SERVICE_KEY,
                    &crate::api::Service::of(&r.service_name, &r.deadlines),
                );
                if foreground || crate::kiosk::settings().is_none() {
                    storage::save(storage::RECEIPT_KEY, &receipt);
                }
                self.remove(&entry.key);
                self.failures.set(0);
                Outcome::Sent(receipt)
            }
            Err(SendError::Rejected(fields)) => {
                self.remove(&entry.key);
                Outcome::Refused(fields, 422)
            }
            Err(SendError::Server(409)) => {
                self.remove(&entry.key);
                Outcome::Refused(Vec::new(), 409)
            }
            Err(e) => Outcome::Waiting(e),
        };
        Some(outcome)
    }

    fn remove(&self, key: &str) {
        self.pending.update(|p| p.retain(|e| e.key != key));
        self.pending.with_untracked(|p| save(p));
    }

    /// Tries every waiting entry once; after a failure, tries again later (2 s, 4 s, 8 s … at
    /// most 5 minutes apart) for as long as the page is open.
    pub fn flush(&self) {
        let this = *self;
        if this.busy.get_untracked() || this.pending.with_untracked(Vec::is_empty) {
            return;
        }
        this.busy.set(true);
        leptos::task::spawn_local(async move {
            let mut entries = this.pending.get_untracked();
            entries.retain(|e| !crate::draft::needs_place(&e.body));
            let mut waiting = false;
            for entry in &entries {
                if let Some(Outcome::Waiting(_)) = this.try_one(entry, false).await {
                    waiting = true;
                }
            }
            this.busy.set(false);
            if waiting {
                let n = this.failures.get_untracked().min(7);
                this.failures.set(n + 1);
                let pause = Duration::from_secs((2u64 << n).min(300));
                set_timeout(move || this.flush(), pause);
            }
        });
    }
}

pub fn use_outbox() -> Outbox {
    expect_context::<Outbox>()
}
