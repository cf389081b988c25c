//! The declaration (一键申报) as it is being typed: every field exactly as entered, so nothing
//! typed is ever lost, saved on the device under [`crate::storage::DRAFT_KEY`]. [`Draft::check`]
//! turns it into the shared [`Declaration`] and runs the shared validation.
use crate::storage;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use xiangqin_rules::amount::{half_width, parse_yuan};
use xiangqin_rules::consent;
use xiangqin_rules::declaration::{
    Applicant, Assisted, Consent, Declaration, FieldError, Place, RiskType,
};
use xiangqin_rules::facts::Shock;
use xiangqin_rules::places::PlaceCode;
use xiangqin_rules::Region;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    /// A region key, or empty.
    pub region: String,
    /// The chosen county (6 digits), or empty.
    pub county_code: String,
    /// The chosen village (12 digits), or the township (9) while its village is not chosen yet
    /// or not listed; empty before a township is chosen.
    pub place_code: String,
    /// The household's village is not in the list: it writes the village (`village`) and the
    /// declaration goes to the township.
    pub village_not_listed: bool,
    /// The names of the chosen places (and the written village).
    pub county: String,
    pub township: String,
    pub village: String,
    /// The place as written by hand in a draft from before places were chosen from lists, shown
    /// until the household has chosen (nothing typed is dropped unseen).
    pub earlier_place: String,
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub household_size: String,
    /// Risk type keys.
    pub risk_types: Vec<String>,
    /// `YYYY-MM-DD` from the date input.
    pub happened_on: String,
    pub rigid_expense_yuan: String,
    pub income_change_yuan: String,
    pub description: String,
    pub help_wanted: String,
    pub truthful: bool,
    pub personal_info: bool,
    /// The version of the consent text (`xiangqin_rules::consent`) the two boxes were ticked
    /// under: a tick given to an older text does not count for the current one.
    pub consent_version: String,
    /// 代填: the service-centre operator filling this in (empty when the household does it).
    #[serde(default)]
    pub operator: String,
    /// 代填: the household confirmed the content on the printed form.
    #[serde(default)]
    pub household_confirmed: bool,
    /// The `Idempotency-Key` of the last attempt to send, and a fingerprint of the body it was
    /// made for: sending the same body again reuses the key, so the server records it once.
    pub attempt: Option<Attempt>,
    /// The server refused the last declaration sent from this draft for good: what to change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<Refusal>,
    /// The receipt code of the declaration sent before from this device, when the household
    /// chose to declare again (「再申报一份」): the form says so. Never sent.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub follows: String,
}

/// Why the endpoint refused a declaration for good (a 4xx other than 408 and 429): it is not
/// sent again until the household has changed it and sends it anew.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Refusal {
    /// The HTTP status, e.g. 422.
    pub status: u16,
    /// The endpoint's message, in Chinese.
    pub message: String,
    /// For 422: the fields to change, each with its message.
    pub fields: Vec<FieldError>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub key: String,
    pub fingerprint: String,
}

/// The text inputs of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKey {
    Name,
    IdNumber,
    Phone,
    HouseholdSize,
    HappenedOn,
    RigidExpense,
    IncomeChange,
    Description,
    HelpWanted,
}

impl TextKey {
    /// The field's path in the declaration's JSON (and in its errors).
    pub fn path(self) -> &'static str {
        match self {
            TextKey::Name => "applicant.name",
            TextKey::IdNumber => "applicant.id_number",
            TextKey::Phone => "applicant.phone",
            TextKey::HouseholdSize => "household_size",
            TextKey::HappenedOn => "happened_on",
            TextKey::RigidExpense => "rigid_expense_yuan",
            TextKey::IncomeChange => "income_change_yuan",
            TextKey::Description => "description",
            TextKey::HelpWanted => "help_wanted",
        }
    }

    pub fn get(self, d: &Draft) -> &String {
        match self {
            TextKey::Name => &d.name,
            TextKey::IdNumber => &d.id_number,
            TextKey::Phone => &d.phone,
            TextKey::HouseholdSize => &d.household_size,
            TextKey::HappenedOn => &d.happened_on,
            TextKey::RigidExpense => &d.rigid_expense_yuan,
            TextKey::IncomeChange => &d.income_change_yuan,
            TextKey::Description => &d.description,
            TextKey::HelpWanted => &d.help_wanted,
        }
    }

    pub fn get_mut(self, d: &mut Draft) -> &mut String {
        match self {
            TextKey::Name => &mut d.name,
            TextKey::IdNumber => &mut d.id_number,
            TextKey::Phone => &mut d.phone,
            TextKey::HouseholdSize => &mut d.household_size,
            TextKey::HappenedOn => &mut d.happened_on,
            TextKey::RigidExpense => &mut d.rigid_expense_yuan,
            TextKey::IncomeChange => &mut d.income_change_yuan,
            TextKey::Description => &mut d.description,
            TextKey::HelpWanted => &mut d.help_wanted,
        }
    }
}

/// Every field in the order of the form: errors are listed in this order.
pub const FIELD_ORDER: [&str; 17] = [
    "region",
    "place.code",
    "place.county",
    "place.township",
    "place.village",
    "applicant.name",
    "applicant.id_number",
    "applicant.phone",
    "household_size",
    "risk_types",
    "happened_on",
    "rigid_expense_yuan",
    "income_change_yuan",
    "description",
    "help_wanted",
    "consent.truthful",
    "consent.personal_info",
];

/// Fields of the consent step; everything else is on the first step.
pub fn is_consent_field(field: &str) -> bool {
    field.starts_with("consent.") || field.starts_with("assisted.")
}

/// An error found by the app itself (input it cannot read); its text comes from the catalogue
/// (`error.<code>`), so `message` stays empty.
fn app_error(field: &str, code: &str) -> FieldError {
    FieldError {
        field: field.into(),
        code: code.into(),
        message: String::new(),
    }
}

/// A whole number of people.
fn parse_count(s: &str) -> Result<u32, &'static str> {
    let s = half_width(s);
    let s = s.trim_end_matches('人').trim_end_matches('口');
    if s.is_empty() {
        return Err("household_size_required");
    }
    s.parse().map_err(|_| "not_a_whole_number")
}

/// `YYYY-MM-DD`, as a date input gives it.
fn parse_date(s: &str) -> Result<NaiveDate, &'static str> {
    let s = s.trim();
    if s.is_empty() {
        return Err("date_required");
    }
    let mut parts = s.splitn(3, '-').map(|p| p.parse::<u32>().ok());
    match (
        parts.next().flatten(),
        parts.next().flatten(),
        parts.next().flatten(),
    ) {
        (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d).ok_or("date_format"),
        _ => Err("date_format"),
    }
}

/// Whether a queued declaration is of the shape from before places were codes: the endpoint
/// refuses those (no `place.code`), so the outbox holds them back instead of losing them to a
/// refusal; [`return_unsendable`] brings them back as the draft.
pub fn needs_place(body: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(body)
        .is_ok_and(|v| v["place"].is_object() && v["place"]["code"].is_null())
}

impl Draft {
    /// The draft kept on the device, if any (an unreadable one is none).
    pub fn load() -> Option<Draft> {
        storage::load(storage::DRAFT_KEY)
    }

    /// Saves the draft as typed; an empty draft means no key at all.
    pub fn save(&self) {
        if self.is_empty() {
            storage::remove(storage::DRAFT_KEY);
        } else {
            storage::save(storage::DRAFT_KEY, self);
        }
    }
}

/// A valid code in the region, for a draft whose place is not chosen yet (never sent: the
/// missing choice is an error).
fn stand_in_place(region: Region) -> PlaceCode {
    let code = format!("{:0<9}", region.division_code());
    PlaceCode::parse(&code).expect("nine digits")
}

impl Draft {
    /// The chosen place, or the choice still missing (pushed to `errors`): county, township,
    /// then the village from the list or written.
    fn chosen_place(&self, errors: &mut Vec<FieldError>) -> Option<PlaceCode> {
        let missing = if self.county_code.is_empty() {
            "place.county"
        } else if self.place_code.is_empty() {
            "place.township"
        } else if self.place_code.len() == 9 && !self.village_not_listed {
            "place.village"
        } else {
            return PlaceCode::parse(&self.place_code).ok();
        };
        errors.push(app_error(missing, "choose_from_list"));
        None
    }

    /// A draft saved before places were chosen from lists (names typed, no codes) keeps what
    /// was typed in `earlier_place`, shown to the household while it chooses.
    pub fn upgraded(mut self) -> Draft {
        let typed = [&self.county, &self.township, &self.village];
        if self.county_code.is_empty() && self.earlier_place.is_empty() {
            let typed: Vec<&str> = typed
                .iter()
                .map(|t| t.trim())
                .filter(|t| !t.is_empty())
                .collect();
            self.earlier_place = typed.join(" ");
        }
        self
    }

    /// The draft of a declaration body that did not reach the endpoint's store (sent by the app
    /// before places were codes, or refused by the endpoint while the household was away):
    /// every field as it was, the place as chosen (one without a code to be chosen again, what
    /// was written kept in `earlier_place`), and the consents to be given again, since the
    /// content changes.
    pub fn from_unsent(body: &str) -> Option<Draft> {
        use serde_json::Value;
        let v: Value = serde_json::from_str(body).ok()?;
        let text = |v: &Value| match v {
            Value::String(s) => s.clone(),
            // 35000.0 as the household would write it: 35000.
            Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), |f| format!("{f}")),
            _ => String::new(),
        };
        let assisted = &v["assisted"];
        let code = text(&v["place"]["code"]);
        let d = Draft {
            region: text(&v["region"]),
            county_code: code.get(..6).unwrap_or_default().to_string(),
            village_not_listed: code.len() == 9,
            place_code: code,
            county: text(&v["place"]["county"]),
            township: text(&v["place"]["township"]),
            village: text(&v["place"]["village"]),
            name: text(&v["applicant"]["name"]),
            id_number: text(&v["applicant"]["id_number"]),
            phone: text(&v["applicant"]["phone"]),
            household_size: text(&v["household_size"]),
            risk_types: v["risk_types"]
                .as_array()
                .into_iter()
                .flatten()
                .map(text)
                .collect(),
            happened_on: text(&v["happened_on"]),
            rigid_expense_yuan: text(&v["rigid_expense_yuan"]),
            income_change_yuan: text(&v["income_change_yuan"]),
            description: text(&v["description"]),
            help_wanted: text(&v["help_wanted"]),
            operator: text(&assisted["operator_name"]),
            ..Draft::default()
        };
        Some(d.upgraded())
    }

    /// A new declaration started after 查政策 carries the answers over: region, household size,
    /// what happened and the rigid expenses. A cause is ticked only where an answer says it: the
    /// events of the last 12 months, the income, housing, water and schooling answers, a member
    /// with a serious illness or a chronic disease (因病) or a disability (因残), and a rigid
    /// expense of a cause (medical 因病, education 因学, disaster 因灾, accident 因意外事故).
    /// The household can change all of it; nothing is sent until it has checked it and agreed.
    pub fn from_answers(answers: &crate::answers::Answers) -> Draft {
        use serde_json::Value;
        let mut d = Draft {
            region: answers
                .region
                .map(|r| r.key().to_string())
                .unwrap_or_default(),
            ..Default::default()
        };
        if let Some(n) = answers.members.as_ref().map(Vec::len).filter(|n| *n > 0) {
            d.household_size = n.to_string();
        }
        let mut risks: Vec<&str> = Vec::new();
        let shocks = answers
            .household
            .get("recent_shocks")
            .and_then(Value::as_array);
        let shocks = shocks.into_iter().flatten().filter_map(Value::as_str);
        for shock in shocks.filter_map(Shock::from_key) {
            risks.push(RiskType::from(shock).key());
        }
        let yes = |fact: &str| answers.household.get(fact) == Some(&Value::Bool(true));
        for (fact, risk) in [
            ("income_drop_sharp", "income_drop"),
            ("housing_unsafe", "housing_unsafe"),
            ("water_unsafe", "water_unsafe"),
        ] {
            if yes(fact) {
                risks.push(risk);
            }
        }
        let members = || answers.members.iter().flatten();
        let ill = members().any(|m| {
            m.get("serious_illness") == Some(&Value::Bool(true))
                || m.get("chronic_disease")
                    .and_then(Value::as_array)
                    .is_some_and(|d| !d.is_empty())
        });
        if ill {
            risks.push("illness");
        }
        let disabled = members().any(|m| {
            m.get("disability_kind")
                .and_then(Value::as_str)
                .is_some_and(|k| k != "none")
        });
        if disabled {
            risks.push("disability");
        }
        if members().any(|m| m.get("school_stage").and_then(Value::as_str) == Some("dropped_out")) {
            risks.push("dropout");
        }
        let expenses = answers
            .household
            .get("rigid_expense")
            .and_then(Value::as_object);
        for (cause, risk) in [
            ("medical", "illness"),
            ("education", "education"),
            ("disaster", "disaster"),
            ("accident", "accident"),
        ] {
            let spent = expenses
                .and_then(|e| e.get(cause))
                .and_then(Value::as_f64)
                .is_some_and(|v| v > 0.0);
            if spent {
                risks.push(risk);
            }
        }
        for r in risks {
            if !d.risk_types.iter().any(|x| x == r) {
                d.risk_types.push(r.to_string());
            }
        }
        let total: f64 = expenses
            .map(|m| m.values().filter_map(Value::as_f64).sum())
            .unwrap_or(0.0);
        if total > 0.0 {
            d.rigid_expense_yuan = format!("{total}");
        }
        d
    }

    pub fn is_empty(&self) -> bool {
        *self == Draft::default()
    }

    pub fn has_risk(&self, key: &str) -> bool {
        self.risk_types.iter().any(|k| k == key)
    }

    pub fn set_risk(&mut self, key: &str, on: bool) {
        self.risk_types.retain(|k| k != key);
        if on {
            self.risk_types.push(key.to_string());
        }
    }

    /// The declaration, or every problem with the draft (in the order of the form). Reading
    /// problems (a number that is not a number) come first for their field; the rest is the
    /// shared validation of `xiangqin_rules`, the same the endpoint runs.
    /// Whether the consent box `field` (`consent.truthful`, `consent.personal_info`) is ticked
    /// for the consent text shown now.
    pub fn consented(&self, field: &str) -> bool {
        let ticked = match field {
            "consent.truthful" => self.truthful,
            "consent.personal_info" => self.personal_info,
            _ => false,
        };
        ticked && self.consent_version == consent::CURRENT
    }

    /// Ticks or clears a consent box for the consent text shown now; ticks given to an older
    /// text are cleared first (both are given to the same text).
    pub fn set_consent(&mut self, field: &str, on: bool) {
        if self.consent_version != consent::CURRENT {
            self.truthful = false;
            self.personal_info = false;
            self.consent_version = consent::CURRENT.to_string();
        }
        match field {
            "consent.truthful" => self.truthful = on,
            "consent.personal_info" => self.personal_info = on,
            _ => {}
        }
    }

    pub fn check(&self, today: NaiveDate) -> Result<Declaration, Vec<FieldError>> {
        let (declaration, errors) = self.read(today);
        if errors.is_empty() {
            Ok(declaration)
        } else {
            Err(errors)
        }
    }

    /// The declaration as it would be sent (what the consent step shows: numbers as read,
    /// amounts in yuan), with every problem of the draft in the order of the form. Where the
    /// app could not read an input it holds a stand-in, and the problem says so.
    pub fn read(&self, today: NaiveDate) -> (Declaration, Vec<FieldError>) {
        let mut errors = Vec::new();
        let region = Region::from_key(&self.region);
        if region.is_none() {
            errors.push(app_error("region", "region_required"));
        }
        let household_size = parse_count(&self.household_size)
            .map_err(|code| errors.push(app_error("household_size", code)))
            .ok();
        let happened_on = parse_date(&self.happened_on)
            .map_err(|code| errors.push(app_error("happened_on", code)))
            .ok();
        let mut amount = |field: &str, s: &str| {
            parse_yuan(s)
                .map_err(|code| errors.push(app_error(field, code)))
                .ok()
                .flatten()
        };
        let rigid_expense_yuan = amount("rigid_expense_yuan", &self.rigid_expense_yuan);
        let income_change_yuan = amount("income_change_yuan", &self.income_change_yuan);

        let place_code = self.chosen_place(&mut errors);
        let stand_ins = place_code.is_none() || region.is_none();
        let region = region.unwrap_or(Region::Qinghai);
        let declaration = Declaration {
            // Stand-ins where the app could not read the input; their errors are already listed.
            region,
            place: Place {
                code: place_code.clone().unwrap_or_else(|| stand_in_place(region)),
                county: self.county.clone(),
                township: self.township.clone(),
                village: self.village.clone(),
            },
            applicant: Applicant {
                name: self.name.clone(),
                id_number: half_width(&self.id_number),
                phone: half_width(&self.phone).replace('-', ""),
            },
            household_size: household_size.unwrap_or(1),
            risk_types: RiskType::ALL
                .into_iter()
                .filter(|r| self.has_risk(r.key()))
                .collect(),
            happened_on: happened_on.unwrap_or(today),
            rigid_expense_yuan,
            income_change_yuan,
            description: self.description.clone(),
            help_wanted: Some(self.help_wanted.clone()),
            consent: Consent {
                truthful: self.consented("consent.truthful"),
                personal_info: self.consented("consent.personal_info"),
                text_version: consent::CURRENT.to_string(),
            },
            assisted: (!self.operator.trim().is_empty()).then(|| Assisted {
                operator_name: self.operator.clone(),
                household_confirmed: self.household_confirmed,
            }),
        }
        .normalized();

        if let Err(shared) = declaration.validate(today) {
            for e in shared {
                // A stand-in's problems are not the household's.
                let stand_in = stand_ins && e.field.starts_with("place.");
                if !stand_in && !errors.iter().any(|x| x.field == e.field) {
                    errors.push(e);
                }
            }
        }
        // In the order of the form (every field has one problem at most).
        let mut ordered: Vec<FieldError> = Vec::with_capacity(errors.len());
        for field in FIELD_ORDER {
            if let Some(i) = errors.iter().position(|e| e.field == field) {
                ordered.push(errors.swap_remove(i));
            }
        }
        ordered.append(&mut errors);
        (declaration, ordered)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn answers_carry_over_into_a_new_declaration() {
        use serde_json::json;
        let answers: crate::answers::Answers = serde_json::from_value(json!({
            "region": "longyan",
            "household": {"recent_shocks": ["illness", "natural_disaster"], "income_drop_sharp": true,
                          "water_unsafe": false, "rigid_expense": {"medical": 30000, "education": 1500}},
            "members": [{"relation": "head", "age": 50}, {"relation": "child", "school_stage": "dropped_out"}]
        }))
        .unwrap();
        let d = super::Draft::from_answers(&answers);
        assert_eq!(d.region, "longyan");
        assert_eq!(d.household_size, "2");
        assert_eq!(
            d.risk_types,
            ["illness", "disaster", "income_drop", "dropout", "education"]
        );
        assert_eq!(d.rigid_expense_yuan, "31500");
        assert_eq!(
            super::Draft::from_answers(&Default::default()),
            super::Draft::default()
        );
    }

    /// The household of issue 19: no event of the last 12 months answered, but the wife has
    /// diabetes and there was a big medical bill: 因病, and the bill, carried over; nothing the
    /// answers do not say (no disability answered, a disability kind 「none」, nothing spent on
    /// schooling, no 不清楚 read as anything).
    #[test]
    fn an_illness_answer_ticks_illness_and_only_what_the_answers_say_is_ticked() {
        use serde_json::json;
        let answers: crate::answers::Answers = serde_json::from_value(json!({
            "region": "longyan",
            "household": {"rigid_expense": {"medical": 60000, "education": 0}},
            "members": [
                {"relation": "head", "age": 68, "disability_kind": "none"},
                {"relation": "spouse", "age": 66, "chronic_disease": ["diabetes"]},
                {"relation": "child", "age": 40, "serious_illness": false}
            ],
            "unsure": ["household.recent_shocks"]
        }))
        .unwrap();
        let d = super::Draft::from_answers(&answers);
        assert_eq!(d.risk_types, ["illness"]);
        assert_eq!(d.rigid_expense_yuan, "60000");
        assert_eq!(d.household_size, "3");
        assert_eq!(
            d.income_change_yuan, "",
            "no answer says by how much income fell"
        );

        let answers: crate::answers::Answers = serde_json::from_value(json!({
            "household": {"rigid_expense": {"accident": 2000}},
            "members": [{"serious_illness": true, "disability_kind": "physical", "chronic_disease": []}]
        }))
        .unwrap();
        assert_eq!(
            super::Draft::from_answers(&answers).risk_types,
            ["illness", "disability", "accident"]
        );
        let answers: crate::answers::Answers = serde_json::from_value(json!({
            "members": [{"serious_illness": false, "chronic_disease": [], "disability_kind": "none"}]
        }))
        .unwrap();
        assert!(super::Draft::from_answers(&answers).risk_types.is_empty());
    }

    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn filled() -> Draft {
        Draft {
            region: "longyan".into(),
            county_code: "350821".into(),
            place_code: "350821106231".into(),
            county: "长汀县".into(),
            township: "河田镇".into(),
            village: "露湖村委会".into(),
            name: "张三".into(),
            id_number: "11010519491231002X".into(),
            phone: "13912345678".into(),
            household_size: "4".into(),
            risk_types: vec!["income_drop".into(), "illness".into()],
            happened_on: "2026-09-01".into(),
            rigid_expense_yuan: "3.5万".into(),
            income_change_yuan: "".into(),
            description: "父亲住院做手术。".into(),
            help_wanted: "".into(),
            truthful: true,
            personal_info: true,
            consent_version: consent::CURRENT.into(),
            operator: String::new(),
            household_confirmed: false,
            attempt: None,
            village_not_listed: false,
            earlier_place: String::new(),
            refused: None,
            follows: String::new(),
        }
    }

    #[test]
    fn consent_counts_for_the_text_it_was_given_to() {
        let d = filled();
        let sent = d.check(today()).unwrap();
        assert_eq!(sent.consent.text_version, consent::CURRENT);
        // Ticked under an older text (or before versions were recorded): asked again.
        let older = Draft {
            consent_version: String::new(),
            ..filled()
        };
        assert!(!older.consented("consent.truthful"));
        let fields: Vec<String> = older
            .check(today())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["consent.truthful", "consent.personal_info"]);
        // Ticking one box again clears the other's old tick: both go to the same text.
        let mut again = older.clone();
        again.set_consent("consent.truthful", true);
        assert!(again.consented("consent.truthful"));
        assert!(!again.consented("consent.personal_info") && !again.personal_info);
        again.set_consent("consent.personal_info", true);
        assert!(again.check(today()).is_ok());
    }

    #[test]
    fn the_place_is_chosen_county_township_then_village_or_written() {
        let choose = |d: &Draft| {
            fields(d)
                .into_iter()
                .filter(|(f, _)| f.starts_with("place."))
                .collect::<Vec<_>>()
        };
        let need = |f: &str| vec![(f.to_string(), "choose_from_list".to_string())];
        let mut d = Draft {
            county_code: String::new(),
            place_code: String::new(),
            ..filled()
        };
        assert_eq!(choose(&d), need("place.county"));
        d.county_code = "350821".into();
        assert_eq!(choose(&d), need("place.township"));
        d.place_code = "350821106".into();
        assert_eq!(choose(&d), need("place.village"));
        d.village_not_listed = true;
        d.village = " ".into();
        assert_eq!(
            choose(&d),
            vec![("place.village".into(), "required".into())],
            "a village not listed is written"
        );
        d.village = "新村".into();
        let declaration = d.check(today()).unwrap();
        assert_eq!(declaration.place.code.as_str(), "350821106");
        assert_eq!(declaration.place.village, "新村");
        assert_eq!(
            filled().check(today()).unwrap().place.code.as_str(),
            "350821106231"
        );
    }

    #[test]
    fn a_declaration_queued_before_the_lists_comes_back_as_the_draft() {
        let body = r#"{"region":"longyan","place":{"county":"长汀县","township":"河田镇","village":"露湖村"},
            "applicant":{"name":"张三","id_number":"11010519491231002X","phone":"13912345678"},
            "household_size":4,"risk_types":["illness","income_drop"],"happened_on":"2026-09-01",
            "rigid_expense_yuan":35000,"description":"父亲住院。","consent":{"truthful":true,"personal_info":true}}"#;
        assert!(needs_place(body));
        let d = Draft::from_unsent(body).unwrap();
        assert_eq!(d.earlier_place, "长汀县 河田镇 露湖村");
        assert_eq!((d.name.as_str(), d.household_size.as_str()), ("张三", "4"));
        assert_eq!(d.risk_types, ["illness", "income_drop"]);
        assert_eq!(d.rigid_expense_yuan, "35000");
        assert!(!d.truthful && !d.personal_info, "consent is given again");
        let now = serde_json::to_string(&filled().check(today()).unwrap()).unwrap();
        assert!(!needs_place(&now), "a declaration of this app is sent");
    }

    #[test]
    fn a_draft_from_before_the_lists_keeps_what_was_typed() {
        // As saved by the earlier app: names typed by hand, no codes.
        let old: Draft = serde_json::from_str(
            r#"{"region":"longyan","county":"长汀县","township":"河田镇","village":"露湖村","name":"张三"}"#,
        )
        .unwrap();
        let d = old.upgraded();
        assert_eq!(d.earlier_place, "长汀县 河田镇 露湖村");
        assert_eq!(d.name, "张三");
        assert_eq!(
            fields(&d)[0],
            ("place.county".into(), "choose_from_list".into())
        );
        assert_eq!(d.clone().upgraded(), d, "once");
        assert_eq!(Draft::default().upgraded(), Draft::default());
    }

    #[test]
    fn a_refused_declaration_comes_back_with_its_place_chosen() {
        let mut d = filled();
        d.help_wanted = "医疗救助".into();
        let body = serde_json::to_string(&d.check(today()).unwrap()).unwrap();
        let back = Draft::from_unsent(&body).unwrap();
        assert_eq!(
            (back.county_code.as_str(), back.place_code.as_str()),
            ("350821", "350821106231")
        );
        assert!(back.earlier_place.is_empty(), "nothing to choose again");
        assert_eq!(back.rigid_expense_yuan, "35000");
        assert!(!back.truthful, "consent is given again");
        let mut written = filled();
        written.place_code = "350821106".into();
        written.village_not_listed = true;
        written.village = "新村".into();
        let body = serde_json::to_string(&written.check(today()).unwrap()).unwrap();
        let back = Draft::from_unsent(&body).unwrap();
        assert!(back.village_not_listed);
        assert_eq!(back.village, "新村");
    }

    #[test]
    fn an_operators_draft_is_marked_as_assisted_and_needs_the_households_confirmation() {
        let mut d = filled();
        d.operator = "服务中心小刘".into();
        assert!(fields(&d).contains(&(
            "assisted.household_confirmed".into(),
            "confirmation_required".into()
        )));
        d.household_confirmed = true;
        let declaration = d.check(today()).unwrap();
        let assisted = declaration.assisted.unwrap();
        assert_eq!(assisted.operator_name, "服务中心小刘");
        assert!(assisted.household_confirmed);
        assert!(filled().check(today()).unwrap().assisted.is_none());
    }

    fn fields(d: &Draft) -> Vec<(String, String)> {
        d.check(today())
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn a_filled_draft_becomes_a_valid_declaration() {
        let d = filled().check(today()).expect("valid");
        assert_eq!(d.region, Region::Longyan);
        assert_eq!(d.household_size, 4);
        assert_eq!(d.rigid_expense_yuan, Some(35_000.0));
        assert_eq!(d.income_change_yuan, None);
        assert_eq!(d.help_wanted, None, "an empty wish is left out");
        assert_eq!(d.risk_types, vec![RiskType::Illness, RiskType::IncomeDrop]);
    }

    #[test]
    fn full_width_input_is_read() {
        let d = Draft {
            id_number: "１１０１０５１９４９１２３１００２ｘ".into(),
            phone: "１３９ １２３４ ５６７８".into(),
            household_size: "４口".into(),
            income_change_yuan: "５，０００元".into(),
            ..filled()
        };
        let decl = d.check(today()).expect("valid");
        assert_eq!(decl.applicant.id_number, "11010519491231002X");
        assert_eq!(decl.applicant.phone, "13912345678");
        assert_eq!(decl.income_change_yuan, Some(5000.0));
    }

    #[test]
    fn unreadable_input_is_named_and_shared_checks_still_run() {
        let d = Draft {
            region: "".into(),
            household_size: "four".into(),
            happened_on: "".into(),
            rigid_expense_yuan: "a lot".into(),
            id_number: "110105194912310021".into(),
            truthful: false,
            ..filled()
        };
        assert_eq!(
            fields(&d),
            vec![
                ("region".into(), "region_required".into()),
                ("applicant.id_number".into(), "id_number_check_digit".into()),
                ("household_size".into(), "not_a_whole_number".into()),
                ("happened_on".into(), "date_required".into()),
                ("rigid_expense_yuan".into(), "not_an_amount".into()),
                ("consent.truthful".into(), "consent_required".into()),
            ]
        );
    }

    #[test]
    fn dates_and_counts() {
        assert_eq!(parse_date("2026-02-30"), Err("date_format"));
        assert_eq!(
            parse_date("2026-02-03"),
            Ok(NaiveDate::from_ymd_opt(2026, 2, 3).unwrap())
        );
        assert_eq!(parse_count("0"), Ok(0));
        assert_eq!(parse_count(""), Err("household_size_required"));
    }

    #[test]
    fn risks_toggle() {
        let mut d = Draft::default();
        d.set_risk("illness", true);
        d.set_risk("illness", true);
        assert_eq!(d.risk_types, vec!["illness".to_string()]);
        d.set_risk("illness", false);
        assert!(d.is_empty());
    }
}
