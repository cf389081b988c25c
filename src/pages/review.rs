//! 申报审核 (`/review`): a village or township cadre signs in with the token issued by the
//! endpoint's operator and works the queue — filter, open, record the visit, move along the
//! workflow, export for Excel. Uses only the endpoint's review API. The token is kept in this
//! tab's session storage, so that a reload (a cadre's phone does it for them when memory runs
//! short) does not sign them out: the browser forgets it when the tab is closed, and 「退出」
//! removes it at once. Everything loaded lives in the page's memory only.
use crate::api::{self, ReviewDetail, ReviewError, ReviewItem, Reviewer};
use crate::i18n::{fill, t, use_i18n, Msg};
use crate::pages::{BackLink, FocusHeading};
use gloo_storage::{SessionStorage, Storage};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use xiangqin_rules::workflow::Step;

fn error_text(e: &ReviewError, lang: &crate::i18n::Lang) -> String {
    match e {
        ReviewError::Network => lang.get(Msg::ReviewNetwork).to_string(),
        ReviewError::Unauthorized => lang.get(Msg::ReviewBadToken).to_string(),
        ReviewError::Refused(m) => m.clone(),
    }
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    let i18n = use_i18n();
    // In memory only (see the module comment).
    let token = RwSignal::new(String::new());
    let reviewer: RwSignal<Option<Reviewer>> = RwSignal::new(None);
    let typed = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let sign_in_with = move |given: String| {
        busy.set(true);
        spawn_local(async move {
            match api::review_me(&given).await {
                Ok(r) => {
                    let _ = SessionStorage::set(crate::storage::REVIEW_SESSION_KEY, &given);
                    token.set(given);
                    typed.set(String::new());
                    reviewer.set(Some(r));
                    error.set(None);
                }
                Err(e) => {
                    // A token the endpoint no longer takes is forgotten; after a network
                    // failure a reload tries it again.
                    if e == ReviewError::Unauthorized {
                        SessionStorage::delete(crate::storage::REVIEW_SESSION_KEY);
                    }
                    error.set(Some(error_text(&e, i18n.lang())));
                }
            }
            busy.set(false);
        });
    };
    let sign_in = move || {
        let given = typed.get_untracked().trim().to_string();
        if !given.is_empty() {
            sign_in_with(given);
        }
    };
    // Signed in before a reload of this tab: again, without typing the token.
    if let Ok(kept) = SessionStorage::get::<String>(crate::storage::REVIEW_SESSION_KEY) {
        sign_in_with(kept);
    }
    let sign_out = move || {
        SessionStorage::delete(crate::storage::REVIEW_SESSION_KEY);
        token.set(String::new());
        reviewer.set(None);
        error.set(None);
    };

    view! {
        <section class="screen review" data-testid="review">
            <BackLink href="/".to_string()/>
            <FocusHeading text=Msg::ReviewTitle testid="review-title"/>
            {move || match reviewer.get() {
                None => {
                    view! {
                        <p>{t(Msg::ReviewIntro)}</p>
                        <form
                            class="answer-form"
                            novalidate
                            on:submit=move |ev| {
                                ev.prevent_default();
                                sign_in()
                            }
                        >
                            <label for="review-token">{t(Msg::ReviewTokenLabel)}</label>
                            <input
                                id="review-token"
                                class="text-input"
                                type="password"
                                autocomplete="off"
                                data-testid="review-token"
                                prop:value=move || typed.get()
                                on:input=move |ev| typed.set(event_target_value(&ev))
                            />
                            <button type="submit" class="button primary" data-testid="review-sign-in" disabled=move || busy.get()>
                                {t(Msg::ReviewSignIn)}
                            </button>
                        </form>
                        {move || error.get().map(|e| view! { <p class="status error" role="alert" data-testid="review-error">{e}</p> })}
                    }
                    .into_any()
                }
                Some(r) => {
                    let scope = format!("{} · {}", r.division_name, r.role_zh);
                    let who = fill(i18n.tr(Msg::ReviewSignedInAs), &[("name", &r.name), ("scope", &scope)]);
                    let until = fill(i18n.tr(Msg::ReviewExpires), &[("date", &r.expires_at.chars().take(10).collect::<String>())]);
                    view! {
                        <div class="review-bar">
                            <p data-testid="review-who">{who}</p>
                            <p class="small" data-testid="review-expires">{until}</p>
                            <button type="button" class="button secondary small" data-testid="review-sign-out" on:click=move |_| sign_out()>
                                {t(Msg::ReviewSignOut)}
                            </button>
                        </div>
                        <Queue token/>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn Queue(token: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let status = RwSignal::new(String::new());
    let overdue = RwSignal::new(false);
    // A receipt or a name: the endpoint matches it on this token's list (names are stored
    // encrypted, so no database query could).
    let search = RwSignal::new(String::new());
    let items: RwSignal<Vec<ReviewItem>> = RwSignal::new(Vec::new());
    // How many match in all: the list carries the newest 1000, the export all of them.
    let total = RwSignal::new(0usize);
    let error = RwSignal::new(None::<String>);
    let open: RwSignal<Option<String>> = RwSignal::new(None);

    let query = move || {
        let mut parts = Vec::new();
        let s = status.get_untracked();
        if !s.is_empty() {
            parts.push(format!("status={s}"));
        }
        if overdue.get_untracked() {
            parts.push("overdue=true".to_string());
        }
        let q = search.get_untracked();
        if !q.trim().is_empty() {
            parts.push(format!("q={}", js_sys::encode_uri_component(q.trim())));
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    };
    let load = move || {
        let tk = token.get_untracked();
        let q = query();
        spawn_local(async move {
            match api::review_list(&tk, &q).await {
                Ok((list, all)) => {
                    items.set(list);
                    total.set(all);
                    error.set(None);
                }
                Err(e) => error.set(Some(error_text(&e, i18n.lang()))),
            }
        });
    };
    load();

    let export = move |file: &'static str| {
        let tk = token.get_untracked();
        let q = query();
        spawn_local(async move {
            match api::review_export(&tk, file, &q).await {
                Ok(bytes) => save_file(file, &bytes),
                Err(e) => error.set(Some(error_text(&e, i18n.lang()))),
            }
        });
    };

    let options = || {
        Step::ALL
            .map(|s| view! { <option value=s.key()>{s.label_zh()}</option> })
            .collect_view()
    };
    let rows = move || {
        items
            .get()
            .into_iter()
            .map(|item| {
                let receipt = item.receipt.clone();
                let due = item.due_on.map(|d| fill(i18n.tr(Msg::ReviewDue), &[("date", &d.to_string())]));
                view! {
                    <li class="review-item" class:overdue=item.overdue data-testid=format!("review-item-{}", item.receipt)>
                        <p>
                            <strong>
                                {if item.erased_at.is_some() { i18n.tr(Msg::ReviewErasedName).to_string() } else { item.applicant_name.clone() }}
                            </strong>
                            " · " {item.village.clone()} " · "
                            <span data-testid="review-item-status">{item.status_zh.clone()}</span>
                        </p>
                        <p class="small">
                            {item.receipt.clone()} " " {due}
                            {item.overdue.then(|| view! { " " <span class="badge maybe">{t(Msg::ReviewOverdue)}</span> })}
                        </p>
                        {item.linked_to.clone().map(|l| view! { <p class="small">{move || fill(i18n.tr(Msg::ReviewLinked), &[("receipts", &l)])}</p> })}
                        {item.linked_elsewhere.then(|| view! { <p class="small" data-testid="review-linked-elsewhere">{t(Msg::ReviewLinkedElsewhere)}</p> })}
                        <button type="button" class="button secondary small" data-testid="review-open" on:click=move |_| open.set(Some(receipt.clone()))>
                            {t(Msg::ReviewOpen)}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    let count = move || {
        fill(
            i18n.tr(Msg::ReviewCount),
            &[("n", &total.get().to_string())],
        )
    };
    let cut = move || {
        let shown = items.with(Vec::len);
        (total.get() > shown).then(|| {
            view! {
                <p class="small" data-testid="review-list-cut">
                    {move || fill(i18n.tr(Msg::ReviewListCut), &[("shown", &shown.to_string())])}
                </p>
            }
        })
    };

    view! {
        {move || error.get().map(|e| view! { <p class="status error" role="alert" data-testid="review-error">{e}</p> })}
        {move || match open.get() {
            Some(receipt) => view! { <Detail token receipt open on_change=Callback::new(move |_| load())/> }.into_any(),
            None => view! {
                <form
                    class="review-search"
                    role="search"
                    novalidate
                    on:submit=move |ev| {
                        ev.prevent_default();
                        load();
                    }
                >
                    <label for="review-search">{t(Msg::ReviewSearchLabel)}</label>
                    <div class="review-search-row">
                        <input
                            id="review-search"
                            class="text-input"
                            type="search"
                            autocomplete="off"
                            data-testid="review-search"
                            prop:value=move || search.get()
                            on:input=move |ev| search.set(event_target_value(&ev))
                        />
                        <button type="submit" class="button secondary small" data-testid="review-search-go">
                            {t(Msg::ReviewSearch)}
                        </button>
                    </div>
                </form>
                <div class="review-filters">
                    <label for="review-status">{t(Msg::ReviewFilterStatus)}</label>
                    <select
                        id="review-status"
                        class="text-input"
                        data-testid="review-filter-status"
                        on:change=move |ev| {
                            status.set(event_target_value(&ev));
                            load();
                        }
                    >
                        <option value="">{t(Msg::ReviewFilterAll)}</option>
                        {options()}
                    </select>
                    <label class="option">
                        <input
                            type="checkbox"
                            data-testid="review-filter-overdue"
                            prop:checked=move || overdue.get()
                            on:change=move |ev| {
                                overdue.set(event_target_checked(&ev));
                                load();
                            }
                        />
                        <span>{t(Msg::ReviewFilterOverdue)}</span>
                    </label>
                    <button type="button" class="button secondary small" data-testid="review-refresh" on:click=move |_| load()>
                        {t(Msg::ReviewRefresh)}
                    </button>
                    <button type="button" class="button secondary small" data-testid="review-export-xlsx" on:click=move |_| export("declarations.xlsx")>
                        {t(Msg::ReviewExportXlsx)}
                    </button>
                    <button type="button" class="button secondary small" data-testid="review-export" on:click=move |_| export("declarations.csv")>
                        {t(Msg::ReviewExport)}
                    </button>
                </div>
                <p role="status" data-testid="review-count">{count}</p>
                {cut}
                {move || items.with(Vec::is_empty).then(|| view! { <p>{t(Msg::ReviewEmpty)}</p> })}
                <ul class="review-list">{rows}</ul>
            }
            .into_any(),
        }}
    }
}

/// Offers a file for download (no storage: an object URL revoked right after).
fn save_file(name: &str, bytes: &[u8]) {
    // A CSV keeps its byte-order mark: Excel needs it to read UTF-8.
    let kind = if name.ends_with(".csv") {
        "text/csv;charset=utf-8"
    } else {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    };
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(kind);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(a) = document()
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

#[component]
fn Detail(
    token: RwSignal<String>,
    receipt: String,
    open: RwSignal<Option<String>>,
    on_change: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let detail: RwSignal<Option<ReviewDetail>> = RwSignal::new(None);
    let error = RwSignal::new(None::<String>);
    let note = RwSignal::new(String::new());
    let done = RwSignal::new(None::<String>);
    {
        let receipt = receipt.clone();
        let tk = token.get_untracked();
        spawn_local(async move {
            match api::review_detail(&tk, &receipt).await {
                Ok(d) => detail.set(Some(d)),
                Err(e) => error.set(Some(error_text(&e, i18n.lang()))),
            }
        });
    }
    let move_to = move |to: Step| {
        let tk = token.get_untracked();
        let Some(r) = detail.with_untracked(|d| d.as_ref().map(|d| d.item.receipt.clone())) else {
            return;
        };
        let n = note.get_untracked();
        spawn_local(async move {
            match api::review_move(&tk, &r, to, &n).await {
                Ok(d) => {
                    done.set(Some(fill(
                        i18n.tr(Msg::ReviewMoved),
                        &[("step", to.label_zh())],
                    )));
                    detail.set(Some(d));
                    note.set(String::new());
                    error.set(None);
                    on_change.run(());
                }
                Err(e) => error.set(Some(error_text(&e, i18n.lang()))),
            }
        });
    };

    let body = move || {
        detail.get().map(|d| {
            let decl = d.declaration.clone().unwrap_or_default();
            let risks = decl
                .risk_types
                .iter()
                .map(|r| r.label_zh())
                .collect::<Vec<_>>()
                .join("、");
            let assisted = decl
                .assisted_by()
                .map(|name| fill(i18n.tr(Msg::KioskAssistedBy), &[("name", name)]))
                .unwrap_or_default();
            // Yuan as the household wrote them (35000, not 35000.0).
            let yuan = |n: Option<f64>| {
                n.map(|n| fill(i18n.tr(Msg::ReviewYuan), &[("n", &n.to_string())]))
                    .unwrap_or_default()
            };
            let text = |t: Option<String>| t.unwrap_or_default();
            let rows: Vec<(Msg, &str, String)> = vec![
                (Msg::ReviewFieldApplicant, "applicant", decl.applicant.name.clone()),
                (Msg::ReviewFieldId, "id", d.id_number.clone()),
                (Msg::ReviewFieldPhone, "phone", decl.applicant.phone.clone()),
                (Msg::ReviewFieldPlace, "place", decl.place_line()),
                (Msg::ReviewFieldSize, "size", text(decl.household_size.map(|n| n.to_string()))),
                (Msg::ReviewFieldRisks, "risks", risks),
                (Msg::ReviewFieldWhen, "when", text(decl.happened_on.map(|d| d.to_string()))),
                (Msg::ReviewFieldExpense, "expense", yuan(decl.rigid_expense_yuan)),
                (Msg::ReviewFieldIncomeDrop, "income_drop", yuan(decl.income_change_yuan)),
                (Msg::ReviewFieldDescription, "description", decl.description.clone()),
                (Msg::ReviewFieldHelp, "help", text(decl.help_wanted.clone())),
                (Msg::ReviewFieldAssisted, "assisted", assisted),
                (Msg::ReviewFieldSubmitted, "submitted", d.item.submitted_at_china.clone()),
            ];
            let rows = rows
                .into_iter()
                .filter(|(_, _, v)| !v.trim().is_empty())
                .map(|(k, id, v)| {
                    view! {
                        <div class="review-row" data-testid=format!("review-field-{id}")>
                            <dt>{t(k)}</dt>
                            <dd>{v}</dd>
                        </div>
                    }
                })
                .collect_view();
            let history = d
                .history
                .iter()
                .map(|h| {
                    view! {
                        <li>
                            <strong>{h.status_zh.clone()}</strong> " · "
                            {h.actor_zh.clone()} " · "
                            <span class="small">{h.at_china.clone()}</span>
                            {h.note.clone().map(|n| view! { <p class="small">{n}</p> })}
                        </li>
                    }
                })
                .collect_view();
            let erased = d.item.erased_at.clone().map(|at| {
                let day: String = at.chars().take(10).collect();
                view! { <p class="note" data-testid="review-erased">{move || fill(i18n.tr(Msg::ReviewErased), &[("date", &day)])}</p> }
            });
            let linked = (!d.linked.is_empty()).then(|| {
                let l = d.linked.join("、");
                view! { <p data-testid="review-linked">{move || fill(i18n.tr(Msg::ReviewLinked), &[("receipts", &l)])}</p> }
            });
            let elsewhere = d.item.linked_elsewhere.then(|| {
                view! { <p data-testid="review-linked-elsewhere">{t(Msg::ReviewLinkedElsewhere)}</p> }
            });
            let waiting = d.item.waiting_for.clone().map(|who| {
                view! { <p data-testid="review-waiting">{move || fill(i18n.tr(Msg::ReviewWaitingFor), &[("who", &who)])}</p> }
            });
            let next = d.item.next.clone();
            let buttons = next
                .into_iter()
                .map(|to| {
                    let label = fill(i18n.tr(Msg::ReviewMoveTo), &[("step", to.label_zh())]);
                    let refusal = to.needs_reason();
                    view! {
                        <button
                            type="button"
                            class="button"
                            class:primary=!refusal
                            class:secondary=refusal
                            data-testid=format!("review-move-{}", to.key())
                            on:click=move |_| move_to(to)
                        >
                            {label}
                        </button>
                    }
                })
                .collect_view();
            let closed = d.item.status.closes_case();
            let mine = !d.item.next.is_empty();
            view! {
                <h2 data-testid="review-detail-status">{d.item.receipt.clone()} " · " {d.item.status_zh.clone()}</h2>
                {erased}
                <dl class="review">{rows}</dl>
                {linked}
                {elsewhere}
                <h2>{t(Msg::ReviewHistory)}</h2>
                <ol class="history" data-testid="review-history">{history}</ol>
                {if closed {
                    view! { <p>{t(Msg::ReviewFinal)}</p> }.into_any()
                } else if !mine {
                    view! { {waiting} }.into_any()
                } else {
                    view! {
                        <h2>{t(Msg::ReviewMoveTitle)}</h2>
                        <label for="review-note">{t(Msg::ReviewNoteLabel)}</label>
                        <textarea
                            id="review-note"
                            class="text-input"
                            rows="3"
                            data-testid="review-note"
                            prop:value=move || note.get()
                            on:input=move |ev| note.set(event_target_value(&ev))
                        ></textarea>
                        <div class="choices">{buttons}</div>
                    }
                    .into_any()
                }}
            }
        })
    };
    view! {
        <div class="review-detail" data-testid="review-detail">
            <button type="button" class="button secondary small" data-testid="review-back" on:click=move |_| open.set(None)>
                {t(Msg::ReviewBackToList)}
            </button>
            {move || done.get().map(|m| view! { <p class="status ok" role="status" data-testid="review-done">{m}</p> })}
            {move || error.get().map(|e| view! { <p class="status error" role="alert" data-testid="review-error">{e}</p> })}
            {body}
        </div>
    }
}
