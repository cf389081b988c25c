//! 一键申报: the self-declaration. `/report` is the form, `/report/confirm` the consent step
//! and sending, `/report/sent` the receipt ([`receipt`]; also what `/report` shows once a
//! declaration was sent). The draft is saved on the device as it is typed and checked with the
//! shared validation of `xiangqin_rules`, the same the endpoint runs.
mod receipt;

use crate::api::{SendError, Service};
use crate::draft::{is_consent_field, Draft, TextKey};
use crate::i18n::{fill, t, use_i18n, Lang, Msg};
use crate::outbox::{use_outbox, Submitted};
use crate::pages::{focus_later, BackLink, FocusHeading};
use crate::storage::{self, SentReceipt};
use crate::{region_msg, today, use_household};
use leptos::either::{Either, EitherOf5};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::NavigateOptions;
pub use receipt::token_groups;
use receipt::{AlreadySent, SentStep};
use xiangqin_rules::declaration::{FieldError, RiskType};
use xiangqin_rules::{rules, Region};

const CONFIRM: &str = "confirm";
const SENT: &str = "sent";

/// The form's state, shared by its steps.
#[derive(Clone, Copy)]
pub struct Form {
    pub(crate) draft: RwSignal<Draft>,
    /// Problems to show, each next to its field.
    errors: RwSignal<Vec<FieldError>>,
    state: RwSignal<SendState>,
    /// The receipt of the declaration sent from this device, while no new one is begun: the
    /// form's steps show it instead of an empty form.
    sent: RwSignal<Option<SentReceipt>>,
}

#[derive(Clone, Copy, PartialEq)]
enum SendState {
    Idle,
    Sending,
    NetworkFailed,
    ServerFailed,
}

impl Form {
    fn load() -> Self {
        // A new declaration starts from the answers of 查政策 (not saved until the household types).
        let stored = Draft::load();
        let sent = match stored {
            None => storage::load::<SentReceipt>(storage::RECEIPT_KEY),
            Some(_) => None,
        };
        let draft = stored
            .map(Draft::upgraded)
            .unwrap_or_else(|| use_household().answers.with_untracked(Draft::from_answers));
        // What the endpoint refused stays marked until the household has changed it.
        let errors = draft
            .refused
            .as_ref()
            .map(|r| r.fields.clone())
            .unwrap_or_default();
        Self {
            draft: RwSignal::new(draft),
            errors: RwSignal::new(errors),
            state: RwSignal::new(SendState::Idle),
            sent: RwSignal::new(sent),
        }
    }

    /// Changes the draft, saves it at once and drops the (now stale) problem of that field.
    pub(crate) fn update(&self, field: &'static str, change: impl FnOnce(&mut Draft)) {
        self.draft.update(|d| {
            change(d);
            if let Some(refused) = d.refused.as_mut() {
                refused.fields.retain(|e| e.field != field);
            }
        });
        self.draft.with_untracked(Draft::save);
        if self
            .errors
            .with_untracked(|e| e.iter().any(|x| x.field == field))
        {
            self.errors.update(|e| e.retain(|x| x.field != field));
        }
    }

    pub(crate) fn error(
        &self,
        field: &'static str,
    ) -> impl Fn() -> Option<FieldError> + Copy + 'static {
        let errors = self.errors;
        move || errors.with(|e| e.iter().find(|x| x.field == field).cloned())
    }

    /// Whether a problem shown matches `which`.
    pub(crate) fn errors_for(&self, which: impl Fn(&FieldError) -> bool) -> bool {
        self.errors.with(|e| e.iter().any(which))
    }

    pub(crate) fn region(&self) -> Option<Region> {
        self.draft.with(|d| Region::from_key(&d.region))
    }

    pub(crate) fn region_untracked(&self) -> Option<Region> {
        self.draft.with_untracked(|d| Region::from_key(&d.region))
    }

    /// Shows these problems and moves to their list.
    fn show_errors(&self, errors: Vec<FieldError>) {
        self.errors.set(errors);
        focus_later("error-summary");
    }
}

/// The text of a problem: the shared validation's own Chinese message in Chinese; otherwise the
/// catalogue's message for its code.
fn error_text(lang: &Lang, e: &FieldError) -> String {
    if lang.tag == "zh-Hans" && !e.message.is_empty() {
        return e.message.clone();
    }
    match error_msg(&e.code) {
        Some(msg) => lang.get(msg).to_string(),
        None if !e.message.is_empty() => e.message.clone(),
        None => lang.get(Msg::ErrorOther).to_string(),
    }
}

/// The catalogue message for an error code (shared validation and the app's own reading).
pub fn error_msg(code: &str) -> Option<Msg> {
    Some(match code {
        "required" => Msg::ErrorRequired,
        "too_long" => Msg::ErrorTooLong,
        "invalid_characters" => Msg::ErrorInvalidCharacters,
        "id_number_length" => Msg::ErrorIdNumberLength,
        "id_number_characters" => Msg::ErrorIdNumberCharacters,
        "id_number_birth_date" => Msg::ErrorIdNumberBirthDate,
        "id_number_check_digit" => Msg::ErrorIdNumberCheckDigit,
        "phone_format" => Msg::ErrorPhoneFormat,
        "household_size_range" => Msg::ErrorHouseholdSizeRange,
        "date_in_future" => Msg::ErrorDateInFuture,
        "date_too_old" => Msg::ErrorDateTooOld,
        "amount_invalid" => Msg::ErrorAmountInvalid,
        "amount_too_large" => Msg::ErrorAmountTooLarge,
        "consent_required" => Msg::ErrorConsentRequired,
        "region_required" => Msg::ErrorRegionRequired,
        "household_size_required" => Msg::ErrorHouseholdSizeRequired,
        "not_a_whole_number" => Msg::ErrorNotAWholeNumber,
        "not_an_amount" => Msg::ErrorNotAnAmount,
        "date_required" => Msg::ErrorDateRequired,
        "date_format" => Msg::ErrorDateFormat,
        "confirmation_required" => Msg::ErrorConfirmationRequired,
        "choose_from_list" => Msg::ErrorChooseFromList,
        "place_unknown" => Msg::ErrorPlaceUnknown,
        "place_outside_region" => Msg::ErrorPlaceOutsideRegion,
        "place_code_invalid" => Msg::ErrorPlaceCodeInvalid,
        _ => return None,
    })
}

/// The label of a field, for the list of problems.
fn field_label(field: &str, region: Option<Region>) -> Msg {
    let im = region == Some(Region::InnerMongolia);
    match field {
        "region" => Msg::ReportRegionLabel,
        "place.code" => Msg::ReportSectionPlace,
        "place.county" => Msg::ReportCounty,
        "place.township" if im => Msg::ReportTownshipInnerMongolia,
        "place.township" => Msg::ReportTownship,
        "place.village" if im => Msg::ReportVillageInnerMongolia,
        "place.village" => Msg::ReportVillage,
        "applicant.name" => Msg::ReportName,
        "assisted.household_confirmed" | "assisted.operator_name" => Msg::KioskConfirmed,
        "applicant.id_number" => Msg::ReportIdNumber,
        "applicant.phone" => Msg::ReportPhone,
        "household_size" => Msg::ReportHouseholdSize,
        "risk_types" => Msg::ReportRiskTypes,
        "happened_on" => Msg::ReportHappenedOn,
        "rigid_expense_yuan" => Msg::ReportRigidExpense,
        "income_change_yuan" => Msg::ReportIncomeChange,
        "description" => Msg::ReportDescription,
        "help_wanted" => Msg::ReportHelpWanted,
        "consent.truthful" => Msg::ReportConsentTruthfulShort,
        "consent.personal_info" => Msg::ReportConsentPersonalInfoShort,
        _ => Msg::ErrorOther,
    }
}

/// The catalogue message for a risk type.
pub fn risk_msg(risk: RiskType) -> Msg {
    match risk {
        RiskType::Illness => Msg::RiskIllness,
        RiskType::Disability => Msg::RiskDisability,
        RiskType::Education => Msg::RiskEducation,
        RiskType::Disaster => Msg::RiskDisaster,
        RiskType::Accident => Msg::RiskAccident,
        RiskType::Epidemic => Msg::RiskEpidemic,
        RiskType::UnstableEmployment => Msg::RiskUnstableEmployment,
        RiskType::IncomeDrop => Msg::RiskIncomeDrop,
        RiskType::HousingUnsafe => Msg::RiskHousingUnsafe,
        RiskType::WaterUnsafe => Msg::RiskWaterUnsafe,
        RiskType::Dropout => Msg::RiskDropout,
        RiskType::Other => Msg::RiskOther,
    }
}

/// The id of a field's input (the error list moves focus there).
pub(crate) fn input_id(field: &str) -> String {
    format!("f-{}", field.replace('.', "-"))
}

/// Goes to the receipt in place of the consent step: Back then leads to the form's step, which
/// shows the receipt too.
fn to_receipt(navigate: &impl Fn(&str, NavigateOptions)) {
    let replace = NavigateOptions {
        replace: true,
        ..Default::default()
    };
    navigate(&format!("/report/{SENT}"), replace);
}

#[component]
pub fn Report() -> impl IntoView {
    let form = Form::load();
    let outbox = use_outbox();
    let navigate = use_navigate();
    let params = use_params_map();
    let step = Memo::new(move |_| params.read().get("step"));
    // The endpoint answered the declaration of this draft while the outbox sent it in the
    // background: the screen follows by itself (the receipt, or what to change).
    Effect::new(move || {
        let Some((key, outcome)) = outbox.settled.get() else {
            return;
        };
        let ours = form
            .draft
            .with_untracked(|d| d.attempt.as_ref().is_some_and(|a| a.key == key));
        if !ours {
            return;
        }
        form.state.set(SendState::Idle);
        match &outcome {
            // The draft was changed since it was sent: it stays, to be sent as a new one.
            Submitted::Sent(_) if Draft::load().is_some() => {}
            Submitted::Sent(receipt) => {
                form.draft.update(|d| outbox.conclude(d, &outcome));
                if step.get_untracked().as_deref() == Some(CONFIRM) {
                    to_receipt(&navigate);
                }
                form.sent.set(Some(receipt.clone()));
            }
            Submitted::Refused(refusal) => {
                form.draft.update(|d| outbox.conclude(d, &outcome));
                // Shown here: the home screen need not say it again.
                outbox.refused.set(false);
                if refusal.fields.is_empty() {
                    focus_later("report-refused");
                } else {
                    form.show_errors(refusal.fields.clone());
                }
            }
            Submitted::Waiting(_) => {}
        }
    });
    move || {
        let sent = form.sent.get();
        match (step.get().as_deref(), sent) {
            (Some(SENT), _) => EitherOf5::A(view! { <SentStep/> }),
            (None | Some(CONFIRM), Some(receipt)) => {
                EitherOf5::B(view! { <AlreadySent form receipt/> })
            }
            (None, None) => EitherOf5::C(view! { <FormStep form/> }),
            (Some(CONFIRM), None) => EitherOf5::D(view! { <ConsentStep form/> }),
            (Some(_), _) => EitherOf5::E(view! { <crate::pages::not_found::NotFound/> }),
        }
    }
}

/// Who receives a declaration, as the endpoint last said (kept on the device for offline use),
/// refreshed from `GET /api/v1/service` when there is a network.
fn use_service() -> RwSignal<Option<Service>> {
    let service = RwSignal::new(storage::load::<Service>(storage::SERVICE_KEY));
    spawn_local(async move {
        if let Some(fresh) = crate::api::service().await {
            storage::save(storage::SERVICE_KEY, &fresh);
            service.set(Some(fresh));
        }
    });
    service
}

/// How the receiver is named in a sentence: the operator's name, or 「这个网站的运营单位」.
fn receiver(lang: &Lang, service: Option<&Service>) -> String {
    match service.and_then(|s| s.service_name.clone()) {
        Some(name) => format!("「{name}」"),
        None => lang.get(Msg::ServiceReceiverUnnamed).to_string(),
    }
}

/// Who receives the declaration: this service, by the name its operator gave it (or that it gave
/// none), and who can see it. `None`: not known yet (never online).
#[component]
fn Receiver(#[prop(into)] service: Signal<Option<Service>>) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || {
        let lang = i18n.lang();
        match service.get() {
            None => lang.get(Msg::ServiceUnknown).to_string(),
            Some(s) => {
                let first = match &s.service_name {
                    Some(name) => fill(lang.get(Msg::ServiceNamed), &[("name", name)]),
                    None => lang.get(Msg::ServiceUnnamed).to_string(),
                };
                let sees = fill(
                    lang.get(Msg::ServiceWhoSees),
                    &[("receiver", &receiver(lang, Some(&s)))],
                );
                format!("{first}{sees}")
            }
        }
    };
    view! { <p data-testid="receiver">{text}</p> }
}

/// The other ways the region's document names to report a difficulty (Longyan: 12317, the
/// hotline, the monthly visits), or, where it names none, how it says difficulties are found.
#[component]
fn OtherWays(region: Region) -> impl IntoView {
    let i18n = use_i18n();
    let Some(channel) = rules().channel(region) else {
        return ().into_any();
    };
    let clause = channel
        .sources
        .first()
        .map(|s| s.clause.clone())
        .unwrap_or_default();
    let self_report = channel.self_report;
    let intro = move || {
        let lang = i18n.lang();
        let msg = if self_report {
            Msg::ChannelSelfReport
        } else {
            Msg::ChannelFoundBy
        };
        fill(
            lang.get(msg),
            &[
                ("region", lang.get(region_msg(region))),
                ("clause", &clause),
            ],
        )
    };
    let ways = channel
        .ways
        .iter()
        .map(|w| view! { <li lang="zh-Hans">{w.clone()}</li> })
        .collect_view();
    let after = if self_report {
        Msg::ChannelNotTheSame
    } else {
        Msg::ChannelTellCadres
    };
    view! {
        <div class="other-ways" data-testid="other-ways">
            <p>{intro}</p>
            <ul>{ways}</ul>
            <p>{t(after)}</p>
        </div>
    }
    .into_any()
}

/// Where the declaration goes: who receives it, and the region's other ways.
#[component]
fn Channel(form: Form, service: RwSignal<Option<Service>>) -> impl IntoView {
    view! {
        <div class="channel" data-testid="report-channel">
            <p class="channel-name">{t(Msg::ServiceReceiverTitle)}</p>
            <Receiver service/>
            {move || form.region().map(|region| view! { <OtherWays region/> })}
        </div>
    }
}

/// The endpoint refused the last declaration sent from this draft: it says why, and it is not
/// sent again until the household sends it anew.
#[component]
fn Refused(form: Form) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        form.draft.with(|d| d.refused.as_ref().map(|r| r.message.clone())).map(|message| {
            view! {
                <p class="status error" role="alert" id="report-refused" tabindex="-1" data-testid="report-refused">
                    {move || fill(i18n.tr(Msg::ReportRefused), &[("message", &message)])}
                </p>
            }
        })
    }
}

/// The list of problems at the top of a step, each a button that moves to its field.
#[component]
fn ErrorSummary(form: Form, #[prop(optional)] consent_step: bool) -> impl IntoView {
    let i18n = use_i18n();
    let shown = move || form.errors.with(|e| !e.is_empty());
    view! {
        {move || shown().then(|| view! {
            <div
                class="error-summary"
                role="alert"
                tabindex="-1"
                id="error-summary"
                data-testid="error-summary"
            >
                <h2>{t(Msg::ReportErrorsTitle)}</h2>
                <ul>
                    {move || {
                        let region = form.region();
                        form.errors
                            .get()
                            .into_iter()
                            .map(|e| {
                                let id = input_id(&e.field);
                                let on_this_step = !consent_step || is_consent_field(&e.field);
                                let navigate = use_navigate();
                                let go = move |_| {
                                    if on_this_step {
                                        focus_later(id.clone());
                                    } else {
                                        navigate("/report", Default::default());
                                        // After the form's own heading has taken the focus.
                                        let id = id.clone();
                                        request_animation_frame(move || focus_later(id));
                                    }
                                };
                                let label = field_label(&e.field, region);
                                view! {
                                    <li>
                                        <button type="button" class="link-button" on:click=go>
                                            {move || {
                                                let lang = i18n.lang();
                                                format!(
                                                    "{}：{}",
                                                    lang.get(label),
                                                    error_text(lang, &e),
                                                )
                                            }}
                                        </button>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        })}
    }
}

/// 「必填」 or 「可不填」 after a label, in words.
#[component]
pub fn Need(required: bool) -> impl IntoView {
    if required {
        view! { <span class="tag required">{t(Msg::ReportRequired)}</span> }
    } else {
        view! { <span class="tag optional">{t(Msg::ReportOptional)}</span> }
    }
}

/// The problem of one field, shown between its label and its input.
#[component]
pub fn FieldErrorText(form: Form, field: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let error = form.error(field);
    move || {
        error().map(|e| {
            view! {
                <p
                    class="field-error"
                    id=format!("{}-error", input_id(field))
                    data-testid=format!("error-{field}")
                >
                    <span class="error-mark" aria-hidden="true">
                        "!"
                    </span>
                    {move || error_text(i18n.lang(), &e)}
                </p>
            }
        })
    }
}

/// One text input of the form.
struct TextSpec {
    key: TextKey,
    label: Msg,
    /// The label in Inner Mongolia (苏木、嘎查), if it differs.
    label_inner_mongolia: Option<Msg>,
    hint: Option<Msg>,
    required: bool,
    /// `text`, `tel` or `date`; a text area when `multiline`.
    input_type: &'static str,
    inputmode: Option<&'static str>,
    autocomplete: Option<&'static str>,
    multiline: bool,
    maxlength: usize,
}

const fn text(
    key: TextKey,
    label: Msg,
    hint: Option<Msg>,
    required: bool,
    maxlength: usize,
) -> TextSpec {
    TextSpec {
        key,
        label,
        label_inner_mongolia: None,
        hint,
        required,
        input_type: "text",
        inputmode: None,
        autocomplete: None,
        multiline: false,
        maxlength,
    }
}

/// A piece of the form, in order. The form is drawn from this table in one loop, which keeps
/// the generated code (and the download) small.
enum Part {
    Heading(Msg),
    Text(TextSpec),
    Regions,
    Place,
    Risks,
}

const FORM: &[Part] = &[
    Part::Heading(Msg::ReportSectionPlace),
    Part::Regions,
    Part::Place,
    Part::Heading(Msg::ReportSectionApplicant),
    Part::Text(TextSpec {
        autocomplete: Some("name"),
        ..text(TextKey::Name, Msg::ReportName, None, true, 40)
    }),
    Part::Text(TextSpec {
        autocomplete: Some("off"),
        ..text(
            TextKey::IdNumber,
            Msg::ReportIdNumber,
            Some(Msg::ReportIdNumberHint),
            true,
            24,
        )
    }),
    Part::Text(TextSpec {
        input_type: "tel",
        inputmode: Some("tel"),
        autocomplete: Some("tel"),
        ..text(
            TextKey::Phone,
            Msg::ReportPhone,
            Some(Msg::ReportPhoneHint),
            true,
            20,
        )
    }),
    Part::Text(TextSpec {
        inputmode: Some("numeric"),
        ..text(
            TextKey::HouseholdSize,
            Msg::ReportHouseholdSize,
            Some(Msg::ReportHouseholdSizeHint),
            true,
            4,
        )
    }),
    Part::Heading(Msg::ReportSectionDifficulty),
    Part::Risks,
    Part::Text(TextSpec {
        input_type: "date",
        ..text(
            TextKey::HappenedOn,
            Msg::ReportHappenedOn,
            Some(Msg::ReportHappenedOnHint),
            true,
            10,
        )
    }),
    Part::Text(TextSpec {
        multiline: true,
        ..text(
            TextKey::Description,
            Msg::ReportDescription,
            Some(Msg::ReportDescriptionHint),
            true,
            500,
        )
    }),
    Part::Text(TextSpec {
        inputmode: Some("decimal"),
        ..text(
            TextKey::RigidExpense,
            Msg::ReportRigidExpense,
            Some(Msg::ReportRigidExpenseHint),
            false,
            16,
        )
    }),
    Part::Text(TextSpec {
        inputmode: Some("decimal"),
        ..text(
            TextKey::IncomeChange,
            Msg::ReportIncomeChange,
            Some(Msg::ReportIncomeChangeHint),
            false,
            16,
        )
    }),
    Part::Text(TextSpec {
        multiline: true,
        ..text(
            TextKey::HelpWanted,
            Msg::ReportHelpWanted,
            Some(Msg::ReportHelpWantedHint),
            false,
            300,
        )
    }),
];

/// A labelled text input (or text area) bound to one field of the draft.
#[component]
fn TextField(form: Form, spec: &'static TextSpec) -> impl IntoView {
    let i18n = use_i18n();
    let kiosk = crate::kiosk::use_kiosk();
    let key = spec.key;
    // On a service centre's shared device the browser must not offer one household's name,
    // ID or phone number to the next.
    let autocomplete = move || match key {
        TextKey::Name | TextKey::IdNumber | TextKey::Phone if kiosk.on() => Some("off"),
        _ => spec.autocomplete,
    };
    let field = key.path();
    let id = input_id(field);
    let hint_id = spec.hint.map(|_| format!("{id}-hint"));
    let error = form.error(field);
    let described_by = {
        let (error_id, hint_id) = (format!("{id}-error"), hint_id.clone());
        move || {
            let mut ids: Vec<&str> = hint_id.iter().map(String::as_str).collect();
            if error().is_some() {
                ids.push(&error_id);
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let label = move || match spec.label_inner_mongolia {
        Some(im) if form.region() == Some(Region::InnerMongolia) => i18n.tr(im),
        _ => i18n.tr(spec.label),
    };
    let value = move || form.draft.with(|d| key.get(d).clone());
    let on_input = move |ev| {
        let v = event_target_value(&ev);
        form.update(field, |d| *key.get_mut(d) = v);
    };
    let invalid = move || error().is_some().then_some("true");
    let testid = format!("field-{field}");
    let control = if spec.multiline {
        Either::Left(view! {
            <textarea
                id=id.clone()
                name=field
                rows="4"
                maxlength=spec.maxlength
                aria-invalid=invalid
                aria-describedby=described_by
                data-testid=testid
                prop:value=value
                on:input=on_input
            ></textarea>
        })
    } else {
        Either::Right(view! {
            <input
                id=id.clone()
                name=field
                type=spec.input_type
                inputmode=spec.inputmode
                autocomplete=autocomplete
                maxlength=spec.maxlength
                max=(spec.input_type == "date").then(|| today().to_string())
                aria-invalid=invalid
                aria-describedby=described_by
                data-testid=testid
                prop:value=value
                on:input=on_input
            />
        })
    };
    view! {
        <div class="field" class:has-error=move || error().is_some()>
            <label for=id>
                <span class="label-text">{label}</span>
                <Need required=spec.required/>
            </label>
            {spec.hint.zip(hint_id).map(|(h, id)| view! { <p class="hint" id=id>{t(h)}</p> })}
            <FieldErrorText form field/>
            {control}
        </div>
    }
}

/// A group of radio buttons (one answer) or check boxes (several) bound to the draft.
#[component]
fn ChoiceGroup(
    form: Form,
    field: &'static str,
    legend: Msg,
    hint: Option<Msg>,
    multiple: bool,
    choices: Vec<(&'static str, Msg)>,
    is_on: fn(&Draft, &str) -> bool,
    set: fn(&mut Draft, &'static str, bool),
) -> impl IntoView {
    let error = form.error(field);
    let id = input_id(field);
    let error_id = format!("{id}-error");
    let options = choices
        .into_iter()
        .map(|(key, label)| {
            view! {
                <label class="option">
                    <input
                        type=if multiple { "checkbox" } else { "radio" }
                        name=field
                        value=key
                        data-testid=format!("{}-{key}", if multiple { "risk" } else { field })
                        prop:checked=move || form.draft.with(|d| is_on(d, key))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            form.update(field, |d| set(d, key, on));
                        }
                    />
                    <span>{t(label)}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset
            class="field"
            class:has-error=move || error().is_some()
            id=id
            tabindex="-1"
            aria-describedby=move || error().map(|_| error_id.clone())
        >
            <legend>
                <span class="label-text">{t(legend)}</span>
                <Need required=true/>
            </legend>
            {hint.map(|h| view! { <p class="hint">{t(h)}</p> })}
            <FieldErrorText form field/>
            <div class="options">{options}</div>
        </fieldset>
    }
}

/// The first step: what happened, to whom, where.
#[component]
fn FormStep(form: Form) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let service = use_service();
    let next = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let errors: Vec<FieldError> = form
            .draft
            .with_untracked(|d| d.check(today()).err().unwrap_or_default())
            .into_iter()
            .filter(|e| !is_consent_field(&e.field))
            .collect();
        if errors.is_empty() {
            form.errors.set(Vec::new());
            navigate(&format!("/report/{CONFIRM}"), Default::default());
        } else {
            form.show_errors(errors);
        }
    };

    let parts = FORM
        .iter()
        .map(|part| match part {
            Part::Heading(msg) => EitherOf5::A(view! { <h2>{t(*msg)}</h2> }),
            Part::Text(spec) => EitherOf5::B(view! { <TextField form spec/> }),
            Part::Place => EitherOf5::E(view! { <crate::pages::place::PlacePicker form/> }),
            Part::Regions => EitherOf5::C(view! {
                <ChoiceGroup
                    form
                    field="region"
                    legend=Msg::ReportRegionLabel
                    hint=None
                    multiple=false
                    choices=Region::ALL.iter().map(|r| (r.key(), region_msg(*r))).collect()
                    is_on=|d, key| d.region == key
                    set=|d, key, _| d.set_region(key)
                />
            }),
            Part::Risks => EitherOf5::D(view! {
                <ChoiceGroup
                    form
                    field="risk_types"
                    legend=Msg::ReportRiskTypes
                    hint=Some(Msg::ReportRiskTypesHint)
                    multiple=true
                    choices=RiskType::ALL.iter().map(|r| (r.key(), risk_msg(*r))).collect()
                    is_on=|d, key| d.has_risk(key)
                    set=|d, key, on| d.set_risk(key, on)
                />
            }),
        })
        .collect_view();

    view! {
        <section class="screen report" data-testid="report-form">
            <BackLink href="/".to_string()/>
            <FocusHeading text=Msg::ReportTitle testid="report-title"/>
            <p class="lead">{t(Msg::ReportIntro)}</p>
            <Channel form service/>
            <p class="note">{t(Msg::ReportSavedNote)}</p>
            {move || {
                let follows = form.draft.with(|d| d.follows.clone());
                (!follows.is_empty())
                    .then(|| {
                        view! {
                            <p class="note" data-testid="report-follows">
                                {move || fill(i18n.tr(Msg::ReportFollows), &[("code", &follows)])}
                            </p>
                        }
                    })
            }}
            <Refused form/>
            <ErrorSummary form/>
            <form novalidate on:submit=next>
                {parts}
                <button type="submit" class="button primary" data-testid="report-next">
                    {t(Msg::ReportNext)}
                </button>
            </form>
        </section>
    }
}

/// One consent checkbox, with its problem.
#[component]
fn ConsentBox(
    form: Form,
    field: &'static str,
    label: Msg,
    /// The label's words when they need filling in (who receives the declaration).
    #[prop(optional, into)]
    label_text: Option<Signal<String>>,
    testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let label_text =
        label_text.unwrap_or_else(|| Signal::derive(move || i18n.tr(label).to_string()));
    let error = form.error(field);
    let checked = move || {
        form.draft.with(|d| match field {
            "assisted.household_confirmed" => d.household_confirmed,
            _ => d.consented(field),
        })
    };
    view! {
        <div class="field" class:has-error=move || error().is_some()>
            <FieldErrorText form field/>
            <label class="option consent">
                <input
                    type="checkbox"
                    id=input_id(field)
                    data-testid=testid
                    aria-invalid=move || error().is_some().then_some("true")
                    prop:checked=checked
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        form.update(
                            field,
                            |d| match field {
                                "assisted.household_confirmed" => d.household_confirmed = on,
                                _ => d.set_consent(field, on),
                            },
                        );
                    }
                />
                <span>{move || label_text.get()} " " <Need required=true/></span>
            </label>
        </div>
    }
}

/// Everything the declaration sends, as it will be sent (numbers as read, amounts in yuan), one
/// row a field, under the form's title: the household signs for what it can read. (Shown on the
/// screen and on paper only, never logged.)
fn review_rows(lang: &'static Lang, d: &Draft) -> impl IntoView {
    let (declaration, _) = d.read(today());
    let place = [
        Region::from_key(&d.region)
            .map(|r| lang.get(region_msg(r)))
            .unwrap_or_default(),
        declaration.place.county.trim(),
        declaration.place.township.trim(),
        declaration.place.village.trim(),
    ]
    .join(" ");
    let risks: Vec<&str> = declaration
        .risk_types
        .iter()
        .map(|r| lang.get(risk_msg(*r)))
        .collect();
    let not_given = || lang.get(Msg::ReportReviewNotGiven).to_string();
    let yuan = |amount: Option<f64>| {
        amount.map_or_else(not_given, |v| {
            fill(
                lang.get(Msg::ReportReviewYuan),
                &[("amount", &format!("{v}"))],
            )
        })
    };
    let help = declaration
        .help_wanted
        .as_deref()
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map_or_else(not_given, str::to_string);
    let a = &declaration.applicant;
    let rows = [
        ("place", Msg::ReportReviewPlace, place),
        ("applicant.name", Msg::ReportName, a.name.trim().to_string()),
        (
            "applicant.id_number",
            Msg::ReportIdNumber,
            a.id_number.clone(),
        ),
        ("applicant.phone", Msg::ReportPhone, a.phone.clone()),
        (
            "household_size",
            Msg::ReportHouseholdSize,
            fill(
                lang.get(Msg::ReportReviewPeople),
                &[("n", &declaration.household_size.to_string())],
            ),
        ),
        ("risk_types", Msg::ReportRiskTypes, risks.join("、")),
        (
            "happened_on",
            Msg::ReportHappenedOn,
            declaration.happened_on.to_string(),
        ),
        (
            "description",
            Msg::ReportDescription,
            declaration.description.trim().to_string(),
        ),
        (
            "rigid_expense_yuan",
            Msg::ReportRigidExpense,
            yuan(declaration.rigid_expense_yuan),
        ),
        (
            "income_change_yuan",
            Msg::ReportIncomeChange,
            yuan(declaration.income_change_yuan),
        ),
        ("help_wanted", Msg::ReportHelpWanted, help),
    ];
    rows.into_iter()
        .map(|(field, label, value)| {
            view! {
                <div class="review-row" data-testid=format!("review-{field}")>
                    <dt>{lang.get(label)}</dt>
                    <dd>{value}</dd>
                </div>
            }
        })
        .collect_view()
}

/// The second step: everything that is sent, the two consents, and sending.
#[component]
fn ConsentStep(form: Form) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let outbox = use_outbox();
    let service = use_service();
    let with_receiver = move |msg: Msg| {
        let lang = i18n.lang();
        fill(
            lang.get(msg),
            &[("receiver", &service.with(|s| receiver(lang, s.as_ref())))],
        )
    };
    // Reached without a complete first step (a link, a reload after clearing): back to the form.
    let first_step_done = form.draft.with_untracked(|d| {
        d.check(today())
            .err()
            .unwrap_or_default()
            .iter()
            .all(|e| is_consent_field(&e.field))
    });

    let review = move || form.draft.with_untracked(|d| review_rows(i18n.lang(), d));

    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if form.state.get_untracked() == SendState::Sending {
            return;
        }
        // 代填 in service-centre mode: the operator's name goes with the declaration.
        let operator = crate::kiosk::settings()
            .map(|k| k.operator)
            .unwrap_or_default();
        if form.draft.with_untracked(|d| d.operator != operator) {
            form.update("assisted.operator_name", |d| d.operator = operator.clone());
        }
        let draft = form.draft.get_untracked();
        let declaration = match draft.check(today()) {
            Ok(d) => d,
            Err(errors) => return form.show_errors(errors),
        };
        form.errors.set(Vec::new());
        form.state.set(SendState::Sending);
        let navigate = navigate.clone();
        spawn_local(async move {
            let (submitted, draft) = outbox.submit(draft, &declaration).await;
            form.draft.set(draft);
            match submitted {
                Submitted::Sent(receipt) => {
                    form.state.set(SendState::Idle);
                    to_receipt(&navigate);
                    form.sent.set(Some(receipt));
                }
                Submitted::Waiting(SendError::Network) => form.state.set(SendState::NetworkFailed),
                Submitted::Waiting(_) => form.state.set(SendState::ServerFailed),
                Submitted::Refused(refusal) => {
                    form.state.set(SendState::Idle);
                    if refusal.fields.is_empty() {
                        focus_later("report-refused");
                    } else {
                        form.show_errors(refusal.fields);
                    }
                }
            }
        });
    };

    let status = move || match form.state.get() {
        SendState::NetworkFailed => Some(Msg::ReportNetworkFailed),
        SendState::ServerFailed => Some(Msg::ReportServerFailed),
        _ => None,
    };
    let sending = move || form.state.get() == SendState::Sending;

    if !first_step_done {
        return Either::Left(view! {
            <section class="screen report">
                <BackLink href="/report".to_string()/>
                <FocusHeading text=Msg::ReportIncompleteTitle testid="report-title"/>
                <p>{t(Msg::ReportIncompleteBody)}</p>
                <a class="button primary" href="/report" data-testid="report-back-to-form">
                    {t(Msg::ReportBackToForm)}
                </a>
            </section>
        });
    }

    Either::Right(view! {
        <section class="screen report" data-testid="report-consent">
            <BackLink href="/report".to_string()/>
            <FocusHeading text=Msg::ReportConsentTitle testid="report-title"/>
            <Channel form service/>
            <h2 class="form-title" data-testid="report-form-title">{t(Msg::ReportFormTitle)}</h2>
            <dl class="review" data-testid="report-review">{review}</dl>
            // On paper, for the village's file: signature (or fingerprint) and date lines.
            <div class="print-only signatures" aria-hidden="true">
                <p>{t(Msg::PrintHouseholdSign)}</p>
                <p>{t(Msg::PrintCadreSign)}</p>
            </div>
            <div class="actions no-print">
                <a class="button secondary small" href="/report" data-testid="report-edit">
                    {t(Msg::ReportEdit)}
                </a>
                <button
                    type="button"
                    class="button secondary small"
                    data-testid="report-print"
                    on:click=move |_| {
                        let _ = window().print();
                    }
                >
                    {t(Msg::ReceiptPrint)}
                </button>
            </div>
            <Refused form/>
            <ErrorSummary form consent_step=true/>
            <form novalidate on:submit=send>
                <div class="consent-info">
                    <h2>{t(Msg::ReportConsentWhoTitle)}</h2>
                    <p data-testid="consent-who">{move || with_receiver(Msg::ReportConsentWho)}</p>
                    <p>{t(Msg::ReportConsentPurpose)}</p>
                    <p>{t(Msg::ReportConsentSensitive)}</p>
                </div>
                <ConsentBox
                    form
                    field="consent.truthful"
                    label=Msg::ReportConsentTruthful
                    testid="consent-truthful"
                />
                <p class="warning">{t(Msg::ReportConsentWarning)}</p>
                <ConsentBox
                    form
                    field="consent.personal_info"
                    label=Msg::ReportConsentPersonalInfo
                    label_text=Signal::derive(move || with_receiver(Msg::ReportConsentPersonalInfo))
                    testid="consent-personal_info"
                />
                {crate::kiosk::settings()
                    .map(|k| {
                        view! {
                            <p class="note" data-testid="assisted-by">
                                {move || fill(i18n.tr(Msg::KioskAssistedBy), &[("name", &k.operator)])}
                            </p>
                            <ConsentBox
                                form
                                field="assisted.household_confirmed"
                                label=Msg::KioskConfirmed
                                testid="consent-household_confirmed"
                            />
                        }
                    })}
                {move || {
                    status()
                        .map(|msg| {
                            view! {
                                <p class="status error" role="alert" data-testid="send-error">
                                    {t(msg)}
                                </p>
                            }
                        })
                }}
                <button
                    type="submit"
                    class="button primary"
                    data-testid="report-submit"
                    disabled=sending
                    aria-busy=move || sending().then_some("true")
                >
                    {move || {
                        if sending() { i18n.tr(Msg::ReportSending) } else { i18n.tr(Msg::ReportSubmit) }
                    }}
                </button>
            </form>
        </section>
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::LANGS;
    use xiangqin_rules::declaration::place_words;

    #[test]
    fn chinese_catalogue_agrees_with_the_rules() {
        let zh = &LANGS[0];
        for risk in RiskType::ALL {
            assert_eq!(zh.get(risk_msg(risk)), risk.label_zh(), "{}", risk.key());
        }
        let (township, village) = place_words(Region::InnerMongolia);
        assert_eq!(zh.get(Msg::ReportTownshipInnerMongolia), township);
        assert_eq!(zh.get(Msg::ReportVillageInnerMongolia), village);
        let (township, village) = place_words(Region::Qinghai);
        assert_eq!(zh.get(Msg::ReportTownship), township);
        assert_eq!(zh.get(Msg::ReportVillage), village);
    }

    #[test]
    fn every_error_code_has_a_message_in_every_language() {
        // Every code the shared validation and the app produce, from one thoroughly bad draft.
        let bad = Draft {
            county_code: "350821".into(),
            place_code: "350821106".into(),
            village_not_listed: true,
            village: "村".repeat(50),
            id_number: "123".into(),
            phone: "1".into(),
            household_size: "x".into(),
            happened_on: "2026-13-01".into(),
            rigid_expense_yuan: "?".into(),
            ..Draft::default()
        };
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let mut codes: Vec<String> = bad
            .check(today)
            .unwrap_err()
            .into_iter()
            .map(|e| e.code)
            .collect();
        codes.extend(
            [
                "id_number_characters",
                "id_number_birth_date",
                "id_number_check_digit",
                "household_size_range",
                "date_in_future",
                "date_too_old",
                "amount_invalid",
                "amount_too_large",
                "household_size_required",
                "date_required",
                "invalid_characters",
            ]
            .map(String::from),
        );
        for code in codes {
            assert!(
                error_msg(&code).is_some(),
                "no catalogue message for error code {code}"
            );
        }
    }

    #[test]
    fn english_shows_catalogue_errors_and_chinese_the_rules_message() {
        let e = FieldError {
            field: "applicant.phone".into(),
            code: "phone_format".into(),
            message: "手机号码…".into(),
        };
        assert_eq!(error_text(&LANGS[0], &e), "手机号码…");
        let en = Lang::by_tag("en").unwrap();
        assert_eq!(error_text(en, &e), en.get(Msg::ErrorPhoneFormat));
    }
}
