//! Sending a declaration, and the outbox: declarations the household has agreed to send, kept on
//! the device until the endpoint acknowledges them (201 or 200). Sent at once when there is a
//! network, else retried with growing pauses, on every start of the app and whenever the browser
//! says it is online again. Each declaration keeps its Idempotency-Key (on the draft while the
//! content is unchanged, and in its outbox entry), so a retry after a lost answer, a double tap
//! or a reload never records a second declaration. This module owns every step of sending
//! ([`Outbox::submit`]): choosing the key, queueing, the endpoint's answer, the receipt and what
//! becomes of the draft; the report page only shows the outcome.
use crate::api::{self, SendError};
use crate::draft::{Attempt, Draft, Refusal};
use crate::pages::later::NotLoaded;
use crate::storage::{self, SentReceipt};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use xiangqin_rules::declaration::Declaration;
use xiangqin_rules::Region;

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

/// What became of a declaration the household sent ([`Outbox::submit`]), or of an outbox entry
/// on its last try.
#[derive(Debug, Clone, PartialEq)]
pub enum Submitted {
    /// The endpoint has it; the receipt is kept on the device.
    Sent(SentReceipt),
    /// Kept in the outbox and sent again later, with growing pauses: no network, or the server
    /// could not take it now (503 for a full disk, any 5xx, 408, 429).
    Waiting(SendError),
    /// The endpoint refused it for good (any other 4xx): it leaves the outbox, is never sent
    /// again as it is, and the draft is kept with what to change.
    Refused(Refusal),
}

/// FNV-1a of the body: tells whether a retry sends the same declaration.
fn fingerprint(body: &str) -> String {
    let hash = body.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{hash:016x}")
}

pub fn load() -> Vec<Pending> {
    storage::load(storage::OUTBOX_KEY).unwrap_or_default()
}

pub fn save(entries: &[Pending]) {
    if entries.is_empty() {
        storage::remove(storage::OUTBOX_KEY);
    } else {
        storage::save(storage::OUTBOX_KEY, &entries);
    }
}

/// Shared through context: the entries waiting, for the screens that show 待发送.
#[derive(Clone, Copy)]
pub struct Outbox {
    pub pending: RwSignal<Vec<Pending>>,
    /// Set when a declaration sent in the background was refused (the home screen says so).
    pub refused: RwSignal<bool>,
    /// The last declaration the endpoint answered for good while it was sent in the background
    /// (its key and what became of it): a screen still waiting for it changes by itself.
    pub settled: RwSignal<Option<(String, Submitted)>>,
    /// How many tries in a row failed (sets the pause before the next one).
    failures: RwSignal<u32>,
    busy: RwSignal<bool>,
    /// A later try is already planned.
    planned: RwSignal<bool>,
}

impl Outbox {
    /// Loads the outbox, sends what waits, and listens for the network coming back.
    pub fn start() -> Self {
        let outbox = Outbox {
            pending: RwSignal::new(load()),
            refused: RwSignal::new(false),
            settled: RwSignal::new(None),
            failures: RwSignal::new(0),
            busy: RwSignal::new(false),
            planned: RwSignal::new(false),
        };
        let on_online = move |_: web_sys::Event| outbox.flush();
        let _ = window_event_listener(leptos::ev::Custom::new("online"), on_online);
        outbox.flush();
        outbox
    }

    /// Sends the declaration checked from `draft`, now: it goes into the outbox first (from
    /// then on it is kept on the device until the endpoint has it), with the draft's key when
    /// the content is the one last tried, else a new one. Returns what became of it and the
    /// draft as it is now saved on the device: removed once sent; kept while waiting (a later
    /// try is planned); kept with the refusal and without its key when refused for good (the
    /// next try, changed, gets a new key).
    pub async fn submit(&self, mut draft: Draft, declaration: &Declaration) -> (Submitted, Draft) {
        let Ok(body) = serde_json::to_string(declaration) else {
            return (Submitted::Waiting(SendError::Unavailable(0)), draft);
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
        draft.refused = None;
        draft.save();
        let entry = Pending {
            key,
            body,
            region: declaration.region,
            queued_on: crate::today().to_string(),
        };
        let submitted = self.send_now(entry).await;
        self.conclude(&mut draft, &submitted);
        (submitted, draft)
    }

    /// What becomes of the draft at the screen, and of the receipt, once its declaration has an
    /// outcome: sent, the receipt is kept and the draft removed; waiting, a later try is planned;
    /// refused for good, the draft keeps the refusal and loses its key (changed, it is a new
    /// declaration). Also for a declaration the endpoint answered while it was sent in the
    /// background ([`Outbox::settled`]) and its household still at the screen.
    pub fn conclude(&self, draft: &mut Draft, submitted: &Submitted) {
        match submitted {
            Submitted::Sent(receipt) => {
                storage::save(storage::RECEIPT_KEY, receipt);
                storage::remove(storage::DRAFT_KEY);
                *draft = Draft::default();
            }
            Submitted::Waiting(_) => self.try_later(),
            Submitted::Refused(refusal) => {
                draft.attempt = None;
                draft.refused = Some(refusal.clone());
                draft.save();
            }
        }
    }

    /// Adds a declaration (once per key) and tries to send it now.
    async fn send_now(&self, entry: Pending) -> Submitted {
        self.pending.update(|p| {
            if !p.iter().any(|e| e.key == entry.key) {
                p.push(entry.clone());
            }
        });
        self.pending.with_untracked(|p| save(p));
        self.try_one(&entry, true)
            .await
            .unwrap_or(Submitted::Waiting(SendError::Network))
    }

    /// Sends one entry; `None` if it is no longer waiting (already acknowledged). `foreground`:
    /// the household is at the screen. In service-centre mode a declaration acknowledged in the
    /// background belongs to a household that has left: its receipt is not kept on the device.
    async fn try_one(&self, entry: &Pending, foreground: bool) -> Option<Submitted> {
        if !self
            .pending
            .with_untracked(|p| p.iter().any(|e| e.key == entry.key))
        {
            return storage::load::<SentReceipt>(storage::RECEIPT_KEY)
                .filter(|r| r.key == entry.key)
                .map(Submitted::Sent);
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
                if !foreground {
                    forget_sent_draft(entry);
                }
                self.remove(&entry.key);
                self.failures.set(0);
                Submitted::Sent(receipt)
            }
            Err(SendError::Refused {
                status,
                message,
                fields,
            }) => {
                // Sent again as it is, it would be refused again: no endless retries.
                self.remove(&entry.key);
                let refusal = Refusal {
                    status,
                    message,
                    fields,
                };
                if !foreground {
                    keep_refused(entry, &refusal);
                    self.refused.set(true);
                }
                Submitted::Refused(refusal)
            }
            Err(e) => Submitted::Waiting(e),
        };
        if !foreground && !matches!(outcome, Submitted::Waiting(_)) {
            self.settled.set(Some((entry.key.clone(), outcome.clone())));
        }
        Some(outcome)
    }

    fn remove(&self, key: &str) {
        self.pending.update(|p| p.retain(|e| e.key != key));
        self.pending.with_untracked(|p| save(p));
    }

    /// Tries every waiting entry once; if one is still waiting, tries again later.
    pub fn flush(&self) {
        let this = *self;
        if this.busy.get_untracked() || this.pending.with_untracked(Vec::is_empty) {
            return;
        }
        this.busy.set(true);
        leptos::task::spawn_local(async move {
            // The sending code not arriving (a weak network) is one more try that failed.
            let waiting = match sender(this).await {
                Ok(send) => send.await,
                Err(NotLoaded) => true,
            };
            this.busy.set(false);
            if waiting {
                this.try_later();
            }
        });
    }

    /// Tries every waiting entry once (those written before places were codes wait, see
    /// [`return_unsendable`]); true if one is still waiting.
    async fn send_waiting(self) -> bool {
        let mut entries = self.pending.get_untracked();
        entries.retain(|e| !crate::draft::needs_place(&e.body));
        let mut waiting = false;
        for entry in &entries {
            if let Some(Submitted::Waiting(_)) = self.try_one(entry, false).await {
                waiting = true;
            }
        }
        waiting
    }

    /// Plans the next try (unless one is planned): 2 s, 4 s, 8 s … at most 5 minutes after as
    /// many failures in a row, for as long as the page is open.
    fn try_later(&self) {
        let this = *self;
        if this.planned.get_untracked() {
            return;
        }
        this.planned.set(true);
        let n = this.failures.get_untracked().min(7);
        this.failures.set(n + 1);
        let pause = Duration::from_secs((2u64 << n).min(300));
        set_timeout(
            move || {
                this.planned.set(false);
                this.flush();
            },
            pause,
        );
    }
}

/// [`Outbox::send_waiting`], started.
type Sending = std::pin::Pin<Box<dyn std::future::Future<Output = bool>>>;

/// The code that sends what waits is a chunk of the Wasm of its own (issue 21, `pages::later`):
/// most households have nothing queued when the app starts, and the first download is smaller
/// without it. A failed load is one more failed try (tried again 2, 4, 8 s … later); the
/// declaration's chunk shares most of this code.
#[cfg(xiangqin_split)]
#[leptos::wasm_split::wasm_split(outbox, fallible, wasm_split_path = ::leptos::wasm_split)]
fn sender(outbox: Outbox) -> Result<Sending, NotLoaded> {
    Ok(Box::pin(outbox.send_waiting()))
}

#[cfg(not(xiangqin_split))]
async fn sender(outbox: Outbox) -> Result<Sending, NotLoaded> {
    Ok(Box::pin(outbox.send_waiting()))
}

/// A declaration acknowledged in the background: the draft it was sent from is done with, unless
/// the household has changed it since (then it is a new declaration, kept to be sent anew).
fn forget_sent_draft(entry: &Pending) {
    let unchanged = Draft::load().is_some_and(|d| {
        d.attempt.as_ref().is_some_and(|a| {
            a.key == entry.key
                && d.check(crate::today()).is_ok_and(|declaration| {
                    serde_json::to_string(&declaration)
                        .is_ok_and(|body| fingerprint(&body) == a.fingerprint)
                })
        })
    });
    if unchanged {
        storage::remove(storage::DRAFT_KEY);
    }
}

/// A declaration refused while the household was not at the screen: it comes back into the
/// draft with what to change (rebuilt from what was sent when no draft is left). In
/// service-centre mode the household has left and the next one must not see it: only a note
/// without personal data is kept for the operator ([`crate::kiosk`]).
fn keep_refused(entry: &Pending, refusal: &Refusal) {
    if crate::kiosk::settings().is_some() {
        crate::kiosk::note_refused(&entry.queued_on, &refusal.message);
        return;
    }
    let draft = Draft::load().or_else(|| Draft::from_unsent(&entry.body));
    if let Some(mut draft) = draft {
        draft.attempt = None;
        draft.refused = Some(refusal.clone());
        draft.save();
    }
}

pub fn use_outbox() -> Outbox {
    expect_context::<Outbox>()
}

/// On start: a declaration queued before places were codes becomes the draft again (with what
/// was written as `earlier_place`), unless another draft is being filled in — then it waits in
/// the outbox, unsent, until that one is done.
pub fn return_unsendable() {
    let mut entries = load();
    let Some(i) = entries
        .iter()
        .position(|e| crate::draft::needs_place(&e.body))
    else {
        return;
    };
    let current = Draft::load().unwrap_or_default();
    let same = current
        .attempt
        .as_ref()
        .is_some_and(|a| a.key == entries[i].key);
    if !current.is_empty() && !same {
        return;
    }
    if let Some(draft) = Draft::from_unsent(&entries[i].body) {
        draft.save();
        entries.remove(i);
        save(&entries);
    }
}
