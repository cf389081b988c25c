//! The self-declaration (一键申报 / 农户自主申报): what a household reports to its village cadres,
//! and the checks both the app and the endpoint run on it, with messages a farmer understands.
use crate::facts::{Region, Shock};
use crate::places::PlaceCode;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// What happened to the household (several may apply).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskType {
    Illness,
    Disability,
    Education,
    Disaster,
    Accident,
    Epidemic,
    UnstableEmployment,
    IncomeDrop,
    HousingUnsafe,
    WaterUnsafe,
    Dropout,
    Other,
}

/// What a declaration calls an event of the last 12 months the questionnaire asked about
/// (`household.recent_shocks`): a job lost is 务工就业不稳, an earner's death 收入大幅下降.
impl From<Shock> for RiskType {
    fn from(shock: Shock) -> RiskType {
        match shock {
            Shock::Illness => RiskType::Illness,
            Shock::Accident => RiskType::Accident,
            Shock::NaturalDisaster => RiskType::Disaster,
            Shock::Epidemic => RiskType::Epidemic,
            Shock::Disability => RiskType::Disability,
            Shock::JobLoss => RiskType::UnstableEmployment,
            Shock::DeathOfEarner => RiskType::IncomeDrop,
        }
    }
}

impl RiskType {
    pub const ALL: [RiskType; 12] = [
        RiskType::Illness,
        RiskType::Disability,
        RiskType::Education,
        RiskType::Disaster,
        RiskType::Accident,
        RiskType::Epidemic,
        RiskType::UnstableEmployment,
        RiskType::IncomeDrop,
        RiskType::HousingUnsafe,
        RiskType::WaterUnsafe,
        RiskType::Dropout,
        RiskType::Other,
    ];

    pub fn label_zh(&self) -> &'static str {
        match self {
            RiskType::Illness => "因病",
            RiskType::Disability => "因残",
            RiskType::Education => "因学",
            RiskType::Disaster => "因灾",
            RiskType::Accident => "因意外事故",
            RiskType::Epidemic => "因疫",
            RiskType::UnstableEmployment => "务工就业不稳",
            RiskType::IncomeDrop => "收入大幅下降",
            RiskType::HousingUnsafe => "住房不安全",
            RiskType::WaterUnsafe => "饮水不安全",
            RiskType::Dropout => "失学辍学",
            RiskType::Other => "其他",
        }
    }

    /// The JSON key, e.g. `income_drop`.
    pub fn key(&self) -> &'static str {
        match self {
            RiskType::Illness => "illness",
            RiskType::Disability => "disability",
            RiskType::Education => "education",
            RiskType::Disaster => "disaster",
            RiskType::Accident => "accident",
            RiskType::Epidemic => "epidemic",
            RiskType::UnstableEmployment => "unstable_employment",
            RiskType::IncomeDrop => "income_drop",
            RiskType::HousingUnsafe => "housing_unsafe",
            RiskType::WaterUnsafe => "water_unsafe",
            RiskType::Dropout => "dropout",
            RiskType::Other => "other",
        }
    }
}

/// Where the household lives: an official code, and the names that go with it. The endpoint
/// writes the names of the list beside the code (whatever the client sent), except the village
/// of a township code, which the household writes because its village is not in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// A 12-digit village code, or the 9-digit township code when the village is not listed.
    pub code: PlaceCode,
    /// 县（区、旗）.
    #[serde(default)]
    pub county: String,
    /// 乡镇, or 苏木 in Inner Mongolia.
    #[serde(default)]
    pub township: String,
    /// 村, or 嘎查 in Inner Mongolia.
    #[serde(default)]
    pub village: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    pub name: String,
    /// 18-character resident ID number (GB 11643).
    pub id_number: String,
    /// 11-digit mainland mobile number.
    pub phone: String,
}

/// Both are required: the truthfulness promise and consent to processing personal and health
/// information (sensitive personal information), each given explicitly, to the consent text of
/// version `text_version` ([`crate::consent`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    pub truthful: bool,
    pub personal_info: bool,
    /// The version of the consent text shown (e.g. `1`); one the endpoint knows.
    #[serde(default)]
    pub text_version: String,
}

/// Filled in by a service-centre operator for the household (代填).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assisted {
    pub operator_name: String,
    /// The household confirmed the content (signed or finger-printed the printed form).
    pub household_confirmed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    pub region: Region,
    pub place: Place,
    pub applicant: Applicant,
    #[serde(deserialize_with = "whole_number")]
    pub household_size: u32,
    pub risk_types: Vec<RiskType>,
    /// When it happened (or began).
    pub happened_on: NaiveDate,
    /// Unavoidable spending caused by it, yuan, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rigid_expense_yuan: Option<f64>,
    /// How much the yearly income fell, yuan, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub income_change_yuan: Option<f64>,
    /// In the household's own words.
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_wanted: Option<String>,
    pub consent: Consent,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assisted: Option<Assisted>,
}

/// One problem with one field: a machine code and a message for the household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// JSON path, e.g. `applicant.id_number`.
    pub field: String,
    pub code: String,
    /// Plain Chinese.
    pub message: String,
}

pub const MAX_NAME_CHARS: usize = 40;
pub const MAX_PLACE_CHARS: usize = 40;
pub const MAX_DESCRIPTION_CHARS: usize = 500;
pub const MAX_HELP_CHARS: usize = 300;
pub const MAX_HOUSEHOLD_SIZE: u32 = 30;
/// Larger amounts are surely typing mistakes (ten million yuan).
pub const MAX_AMOUNT_YUAN: f64 = 10_000_000.0;

/// What a text field holds, for the checks every text field goes through ([`clean_text`],
/// [`check_text`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// A name (a person, a county, township or village) or a number written as text: one line.
    /// Invisible formatting characters (zero-width, direction marks and overrides) are removed,
    /// so the same name pasted from a chat and typed by hand is the same name.
    Name,
    /// The household's own words: several lines are fine; invisible formatting characters are
    /// refused (they could make text read differently on the cadres' screens).
    Prose,
}

/// A control character: C0 and C1 controls (NUL, bell, escape, …) and the line and paragraph
/// separators. Prose may hold line breaks and tabs.
fn is_control(c: char, kind: TextKind) -> bool {
    let line_break = matches!(c, '\n' | '\r' | '\t');
    (c.is_control() && !(kind == TextKind::Prose && line_break))
        || matches!(c, '\u{2028}' | '\u{2029}')
}

/// An invisible formatting character (Unicode category Cf): soft hyphen, zero-width space and
/// joiners, word joiner, byte-order mark, direction marks, embeddings, overrides and isolates,
/// tags. The Mongolian vowel separator (U+180E) is kept: Mongolian spelling needs it.
pub fn is_formatting(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
        | '\u{0600}'..='\u{0605}' | '\u{06DD}' | '\u{070F}' | '\u{08E2}' | '\u{110BD}' | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

/// A character that stands for one that could not be read: U+FFFD (what a browser or the server
/// puts for broken bytes and unpaired surrogates) and the noncharacters.
fn is_unreadable(c: char) -> bool {
    let n = c as u32;
    c == '\u{FFFD}' || (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE
}

/// A text as it is kept: trimmed, and for a [`TextKind::Name`] without formatting characters.
pub fn clean_text(text: &str, kind: TextKind) -> String {
    match kind {
        TextKind::Name => text
            .chars()
            .filter(|c| !is_formatting(*c))
            .collect::<String>()
            .trim()
            .to_string(),
        TextKind::Prose => text.trim().to_string(),
    }
}

/// One text field, as [`check_text`] sees it.
#[derive(Debug, Clone)]
pub struct TextField<'a> {
    /// JSON path, e.g. `applicant.name`.
    pub path: &'a str,
    /// Its name for the household, e.g. 「姓名」.
    pub label: &'a str,
    /// The value as given (it is checked as [`clean_text`] keeps it).
    pub value: &'a str,
    pub kind: TextKind,
    pub max_chars: usize,
    /// The message when it is empty; None: it may be empty.
    pub required: Option<String>,
}

/// The check every text field of the declaration goes through: no control characters, nothing
/// unreadable, no formatting characters in prose (names have theirs removed by [`clean_text`]),
/// not empty when required (a name of only invisible characters is empty once cleaned), not
/// longer than its limit. App and endpoint run the same check.
pub fn check_text(t: &TextField) -> Option<FieldError> {
    let error = |code: &str, message: String| {
        Some(FieldError {
            field: t.path.into(),
            code: code.into(),
            message,
        })
    };
    let label = t.label;
    let value = clean_text(t.value, t.kind);
    if value.chars().any(|c| is_control(c, t.kind)) {
        return error(
            "invalid_characters",
            format!("{label}里有看不见的控制字符（可能是从别处复制来的），请删掉这一项重新输入。"),
        );
    }
    if value.chars().any(is_unreadable) {
        return error(
            "invalid_characters",
            format!("{label}里有认不出的字符（显示成方块或问号），请删掉它重新输入。"),
        );
    }
    if t.kind == TextKind::Prose && value.chars().any(is_formatting) {
        return error(
            "invalid_characters",
            format!("{label}里有看不见的格式字符（可能是从别处复制来的），请删掉这一段重新输入。"),
        );
    }
    let n = value.chars().count();
    match &t.required {
        Some(message) if n == 0 => error("required", message.clone()),
        _ if n > t.max_chars => error(
            "too_long",
            format!("{label}最多写{}个字，现在是{n}个字。", t.max_chars),
        ),
        _ => None,
    }
}

/// Why a resident ID number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdNumberError {
    Empty,
    Length,
    Characters,
    BirthDate,
    CheckDigit,
}

impl IdNumberError {
    pub fn code(&self) -> &'static str {
        match self {
            IdNumberError::Empty => "required",
            IdNumberError::Length => "id_number_length",
            IdNumberError::Characters => "id_number_characters",
            IdNumberError::BirthDate => "id_number_birth_date",
            IdNumberError::CheckDigit => "id_number_check_digit",
        }
    }

    pub fn message(&self) -> &'static str {
        match self {
            IdNumberError::Empty => "请填写身份证号码。",
            IdNumberError::Length => "身份证号码应该是18位，请数一数再填。",
            IdNumberError::Characters => "身份证号码前17位都是数字，最后一位是数字或字母X。",
            IdNumberError::BirthDate => "身份证号码里的出生日期（第7到14位）不对，请再核对一遍。",
            IdNumberError::CheckDigit => {
                "身份证号码有一位填错了（最后一位对不上），请对照身份证再核对一遍。"
            }
        }
    }
}

/// Checks an 18-character resident ID number: digits, a real birth date (not after `today`,
/// not before 1900), and the ISO 7064 MOD 11-2 check digit of GB 11643.
pub fn check_id_number(id: &str, today: NaiveDate) -> Result<(), IdNumberError> {
    let id = id.trim();
    if id.is_empty() {
        return Err(IdNumberError::Empty);
    }
    let chars: Vec<char> = id.chars().collect();
    if chars.len() != 18 {
        return Err(IdNumberError::Length);
    }
    let body: Option<Vec<u32>> = chars[..17].iter().map(|c| c.to_digit(10)).collect();
    let Some(body) = body else {
        return Err(IdNumberError::Characters);
    };
    let last = chars[17].to_ascii_uppercase();
    if !(last.is_ascii_digit() || last == 'X') {
        return Err(IdNumberError::Characters);
    }
    let number = |digits: &[u32]| digits.iter().fold(0, |n, d| n * 10 + d);
    let birth = NaiveDate::from_ymd_opt(
        number(&body[6..10]) as i32,
        number(&body[10..12]),
        number(&body[12..14]),
    );
    match birth {
        Some(b) if b.year() >= 1900 && b <= today => {}
        _ => return Err(IdNumberError::BirthDate),
    }
    if check_digit_of(&body) == last {
        Ok(())
    } else {
        Err(IdNumberError::CheckDigit)
    }
}

/// The check digit of the 18th place (GB 11643-1999, ISO 7064 MOD 11-2): each of the 17 digits
/// times its weight, the sum modulo 11 indexing the check characters. The one copy of these tables.
fn check_digit_of(first17: &[u32]) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    CHECK[(sum % 11) as usize]
}

/// The check digit for the first 17 digits of an ID number (for tests and examples).
pub fn id_check_digit(first17: &str) -> Option<char> {
    let digits: Option<Vec<u32>> = first17.chars().map(|c| c.to_digit(10)).collect();
    let digits = digits.filter(|d| d.len() == 17)?;
    Some(check_digit_of(&digits))
}

/// An 11-digit mainland mobile number: starts with 1, second digit 3–9.
pub fn check_phone(phone: &str) -> Result<(), FieldError> {
    let p = phone.trim();
    let err = |code: &str, message: &str| {
        Err(FieldError {
            field: "applicant.phone".into(),
            code: code.into(),
            message: message.into(),
        })
    };
    if p.is_empty() {
        return err("required", "请填写手机号码，方便村干部联系您。");
    }
    let digits_only = p.chars().all(|c| c.is_ascii_digit());
    if !digits_only || p.len() != 11 {
        return err("phone_format", "手机号码应该是11位数字，请再核对一遍。");
    }
    let second = p.as_bytes()[1];
    if p.as_bytes()[0] != b'1' || !(b'3'..=b'9').contains(&second) {
        return err(
            "phone_format",
            "这不像是手机号码（应该以13到19开头），请再核对一遍。",
        );
    }
    Ok(())
}

impl Declaration {
    /// Cleans every text ([`clean_text`]: trimmed; names, ID number and phone without invisible
    /// formatting characters) and writes the ID number's check letter as a capital X, so that
    /// the same declaration typed twice compares equal.
    pub fn normalized(&self) -> Declaration {
        let mut d = self.clone();
        for s in [
            &mut d.place.county,
            &mut d.place.township,
            &mut d.place.village,
            &mut d.applicant.name,
        ] {
            *s = clean_text(s, TextKind::Name);
        }
        d.description = clean_text(&d.description, TextKind::Prose);
        d.applicant.id_number =
            clean_text(&d.applicant.id_number, TextKind::Name).to_ascii_uppercase();
        d.applicant.phone = clean_text(&d.applicant.phone.replace([' ', '-'], ""), TextKind::Name);
        d.help_wanted = d
            .help_wanted
            .map(|h| clean_text(&h, TextKind::Prose))
            .filter(|h| !h.is_empty());
        if let Some(a) = d.assisted.as_mut() {
            a.operator_name = clean_text(&a.operator_name, TextKind::Name);
        }
        d.risk_types.sort();
        d.risk_types.dedup();
        d
    }

    /// Every problem, not just the first, so the household can fix them all at once.
    pub fn validate(&self, today: NaiveDate) -> Result<(), Vec<FieldError>> {
        let mut errors: Vec<FieldError> =
            self.text_fields().iter().filter_map(check_text).collect();
        let mut push = |field: &str, code: &str, message: String| {
            errors.push(FieldError {
                field: field.into(),
                code: code.into(),
                message,
            })
        };
        if self.place.code.division().region() != Some(self.region) {
            push(
                "place.code",
                "place_outside_region",
                format!(
                    "这个地方不在{}，请重新选择县、乡镇和村。",
                    self.region.name_zh()
                ),
            );
        }
        if let Err(e) = check_id_number(&self.applicant.id_number, today) {
            push("applicant.id_number", e.code(), e.message().into());
        }
        if let Err(e) = check_phone(&self.applicant.phone) {
            push(&e.field, &e.code, e.message);
        }
        if self.household_size == 0 || self.household_size > MAX_HOUSEHOLD_SIZE {
            push(
                "household_size",
                "household_size_range",
                format!("家里几口人，请填1到{MAX_HOUSEHOLD_SIZE}之间的数。"),
            );
        }
        if self.risk_types.is_empty() {
            push(
                "risk_types",
                "required",
                "请至少选一项：家里遇到了什么困难。".into(),
            );
        }
        if self.happened_on > today {
            push(
                "happened_on",
                "date_in_future",
                "发生的日期不能晚于今天。".into(),
            );
        } else if self.happened_on.year() < 2000 {
            push(
                "happened_on",
                "date_too_old",
                "发生的日期太早了，请再核对一遍。".into(),
            );
        }
        for (field, value, label) in [
            ("rigid_expense_yuan", self.rigid_expense_yuan, "花了多少钱"),
            (
                "income_change_yuan",
                self.income_change_yuan,
                "收入少了多少",
            ),
        ] {
            if let Some(v) = value {
                if !v.is_finite() || v < 0.0 {
                    push(
                        field,
                        "amount_invalid",
                        format!("{label}请填0或正数（单位：元），不知道可以不填。"),
                    );
                } else if v > MAX_AMOUNT_YUAN {
                    push(
                        field,
                        "amount_too_large",
                        format!("{label}这个数太大了，请再核对一遍（单位：元）。"),
                    );
                }
            }
        }
        if !self.consent.truthful {
            push(
                "consent.truthful",
                "consent_required",
                "请确认所填内容真实，才能提交。".into(),
            );
        }
        if !self.consent.personal_info {
            push(
                "consent.personal_info",
                "consent_required",
                "需要您同意村干部和帮扶部门使用这些信息（包括健康情况），才能提交。".into(),
            );
        }
        if crate::consent::version(&self.consent.text_version).is_none() {
            push(
                "consent.text_version",
                "consent_version_unknown",
                "同意书的内容更新了，请重新看一遍，再勾选同意后提交。".into(),
            );
        }
        if let Some(a) = &self.assisted {
            if !a.household_confirmed {
                push(
                    "assisted.household_confirmed",
                    "confirmation_required",
                    "代填的申报要经农户本人确认（签字或按手印）后才能提交。".into(),
                );
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

impl Declaration {
    /// Every text field the household writes, with its label, kind and limit: each goes through
    /// [`check_text`]. (The ID number and the phone have checks of their own.)
    pub fn text_fields(&self) -> Vec<TextField<'_>> {
        let (_, village) = place_words(self.region);
        let required = |label: &str| Some(format!("请填写{label}。"));
        let name = |path, label, value, max_chars| TextField {
            path,
            label,
            value,
            kind: TextKind::Name,
            max_chars,
            required: required(label),
        };
        let mut fields = Vec::new();
        // County and township names come from the official list, and so does a listed
        // village's: only a village the household writes beside its township's code is text.
        if !self.place.code.is_village() {
            fields.push(name(
                "place.village",
                village,
                &self.place.village,
                MAX_PLACE_CHARS,
            ));
        }
        fields.extend([
            name(
                "applicant.name",
                "姓名",
                &self.applicant.name,
                MAX_NAME_CHARS,
            ),
            TextField {
                kind: TextKind::Prose,
                ..name(
                    "description",
                    "发生了什么",
                    &self.description,
                    MAX_DESCRIPTION_CHARS,
                )
            },
        ]);
        if let Some(help) = &self.help_wanted {
            fields.push(TextField {
                kind: TextKind::Prose,
                required: None,
                ..name("help_wanted", "希望得到的帮助", help, MAX_HELP_CHARS)
            });
        }
        if let Some(a) = &self.assisted {
            fields.push(TextField {
                required: Some("代填时请写上代填人的姓名。".into()),
                ..name(
                    "assisted.operator_name",
                    "代填人的姓名",
                    &a.operator_name,
                    MAX_NAME_CHARS,
                )
            });
        }
        fields
    }
}

/// The region's own words for township and village (苏木 / 嘎查 in Inner Mongolia).
pub fn place_words(region: Region) -> (&'static str, &'static str) {
    match region {
        Region::InnerMongolia => ("苏木（乡镇）", "嘎查（村）"),
        _ => ("乡镇", "村"),
    }
}

/// JSON has one kind of number: `4.0` is the whole number 4 (JSON Schema's `integer` agrees), so
/// a client that writes it is not refused; `4.5` or `-1` is.
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    use serde::de::{Error, Unexpected, Visitor};
    struct Whole;
    impl Visitor<'_> for Whole {
        type Value = u32;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a whole number")
        }
        fn visit_u64<E: Error>(self, v: u64) -> Result<u32, E> {
            u32::try_from(v).map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
        }
        fn visit_i64<E: Error>(self, v: i64) -> Result<u32, E> {
            u32::try_from(v).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
        }
        fn visit_f64<E: Error>(self, v: f64) -> Result<u32, E> {
            if v.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&v) {
                Ok(v as u32)
            } else {
                Err(E::invalid_value(Unexpected::Float(v), &self))
            }
        }
    }
    d.deserialize_any(Whole)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn with_check(first17: &str) -> String {
        format!("{first17}{}", id_check_digit(first17).unwrap())
    }

    #[test]
    fn household_size_is_any_whole_json_number() {
        let mut body = serde_json::to_value(valid()).unwrap();
        for (given, expected) in [
            (serde_json::json!(4), Some(4)),
            (serde_json::json!(4.0), Some(4)),
            (serde_json::json!(4.5), None),
            (serde_json::json!(-1), None),
            (serde_json::json!("4"), None),
        ] {
            body["household_size"] = given.clone();
            let parsed = serde_json::from_value::<Declaration>(body.clone());
            assert_eq!(parsed.ok().map(|d| d.household_size), expected, "{given}");
        }
    }

    pub(crate) fn valid() -> Declaration {
        Declaration {
            region: Region::Longyan,
            place: Place {
                code: PlaceCode::parse("350821106231").unwrap(),
                county: "长汀县".into(),
                township: "河田镇".into(),
                village: "露湖村委会".into(),
            },
            applicant: Applicant {
                name: "张三".into(),
                id_number: "11010519491231002X".into(),
                phone: "13912345678".into(),
            },
            household_size: 4,
            risk_types: vec![RiskType::Illness, RiskType::IncomeDrop],
            happened_on: NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
            rigid_expense_yuan: Some(35000.0),
            income_change_yuan: None,
            description: "父亲住院做手术，花了很多钱，家里没人出去打工了。".into(),
            help_wanted: Some("医疗救助".into()),
            consent: Consent {
                truthful: true,
                personal_info: true,
                text_version: crate::consent::CURRENT.into(),
            },
            assisted: None,
        }
    }

    fn codes(d: &Declaration) -> Vec<(String, String)> {
        d.validate(today())
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn the_standard_example_id_is_valid() {
        assert_eq!(check_id_number("11010519491231002X", today()), Ok(()));
        assert_eq!(
            check_id_number("11010519491231002x", today()),
            Ok(()),
            "a small x is accepted"
        );
        assert_eq!(valid().validate(today()), Ok(()));
    }

    #[test]
    fn computed_check_digits_pass_and_any_other_digit_fails() {
        for first17 in [
            "62230119800101001",
            "15010219751111123",
            "35080219991231456",
        ] {
            let id = with_check(first17);
            assert_eq!(check_id_number(&id, today()), Ok(()), "{id}");
            for other in "0123456789X".chars().filter(|c| !id.ends_with(*c)) {
                assert_eq!(
                    check_id_number(&format!("{first17}{other}"), today()),
                    Err(IdNumberError::CheckDigit)
                );
            }
        }
    }

    #[test]
    fn an_x_check_digit_is_handled() {
        let x = (0..1000)
            .map(|n| format!("622301198001{:02}{:03}", 1 + n % 28, n))
            .find(|f| f.len() == 17 && id_check_digit(f) == Some('X'))
            .expect("some body has check digit X");
        assert_eq!(check_id_number(&format!("{x}X"), today()), Ok(()));
        assert_eq!(
            check_id_number(&format!("{x}0"), today()),
            Err(IdNumberError::CheckDigit)
        );
    }

    #[test]
    fn impossible_or_future_birth_dates_are_refused() {
        assert_eq!(
            check_id_number(&with_check("62230119800230001"), today()),
            Err(IdNumberError::BirthDate),
            "30 February"
        );
        assert_eq!(
            check_id_number(&with_check("62230119801301001"), today()),
            Err(IdNumberError::BirthDate),
            "month 13"
        );
        assert_eq!(
            check_id_number(&with_check("62230120300101001"), today()),
            Err(IdNumberError::BirthDate),
            "born in 2030"
        );
        assert_eq!(
            check_id_number(&with_check("62230118800101001"), today()),
            Err(IdNumberError::BirthDate),
            "born in 1880"
        );
    }

    #[test]
    fn wrong_length_and_characters() {
        assert_eq!(check_id_number("", today()), Err(IdNumberError::Empty));
        assert_eq!(
            check_id_number("1101051949123100", today()),
            Err(IdNumberError::Length)
        );
        assert_eq!(
            check_id_number("11010519491231002XX", today()),
            Err(IdNumberError::Length)
        );
        assert_eq!(
            check_id_number("1101051949123100AX", today()),
            Err(IdNumberError::Characters)
        );
        assert_eq!(
            check_id_number("11010519491231002Y", today()),
            Err(IdNumberError::Characters)
        );
        assert_eq!(
            check_id_number("１１０１０５１９４９１２３１００２X", today()),
            Err(IdNumberError::Characters),
            "full-width digits"
        );
    }

    #[test]
    fn phone_numbers() {
        assert!(check_phone("13912345678").is_ok());
        assert!(check_phone("19912345678").is_ok());
        assert_eq!(check_phone("").unwrap_err().code, "required");
        assert_eq!(check_phone("1391234567").unwrap_err().code, "phone_format");
        assert_eq!(check_phone("12912345678").unwrap_err().code, "phone_format");
        assert_eq!(check_phone("23912345678").unwrap_err().code, "phone_format");
        assert_eq!(check_phone("1391234567a").unwrap_err().code, "phone_format");
    }

    #[test]
    fn amounts_must_be_non_negative_finite_numbers() {
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            let d = Declaration {
                rigid_expense_yuan: Some(bad),
                ..valid()
            };
            assert_eq!(
                codes(&d),
                vec![("rigid_expense_yuan".into(), "amount_invalid".into())]
            );
        }
        let d = Declaration {
            income_change_yuan: Some(0.0),
            ..valid()
        };
        assert_eq!(d.validate(today()), Ok(()));
        let d = Declaration {
            income_change_yuan: Some(1e9),
            ..valid()
        };
        assert_eq!(
            codes(&d),
            vec![("income_change_yuan".into(), "amount_too_large".into())]
        );
    }

    #[test]
    fn every_problem_is_reported_at_once_in_chinese() {
        let d = Declaration {
            applicant: Applicant {
                name: " ".into(),
                id_number: "110105194912310021".into(),
                phone: "123".into(),
            },
            risk_types: vec![],
            consent: Consent {
                truthful: false,
                personal_info: false,
                text_version: "0".into(),
            },
            happened_on: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            household_size: 0,
            ..valid()
        };
        let errors = d.validate(today()).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "applicant.name",
            "applicant.id_number",
            "applicant.phone",
            "household_size",
            "risk_types",
            "happened_on",
            "consent.truthful",
            "consent.personal_info",
            "consent.text_version",
        ] {
            assert!(fields.contains(&f), "{f} missing from {fields:?}");
        }
        assert!(
            errors.iter().all(|e| e
                .message
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))),
            "{errors:?}"
        );
    }

    #[test]
    fn assisted_declarations_need_the_operator_and_the_households_confirmation() {
        let d = Declaration {
            assisted: Some(Assisted {
                operator_name: "".into(),
                household_confirmed: false,
            }),
            ..valid()
        };
        let c = codes(&d);
        assert!(c.contains(&("assisted.operator_name".into(), "required".into())));
        assert!(c.contains(&(
            "assisted.household_confirmed".into(),
            "confirmation_required".into()
        )));
        let ok = Declaration {
            assisted: Some(Assisted {
                operator_name: "李站长".into(),
                household_confirmed: true,
            }),
            ..valid()
        };
        assert_eq!(ok.validate(today()), Ok(()));
    }

    #[test]
    fn normalizing_makes_retyped_declarations_equal() {
        let mut d = valid();
        d.applicant.id_number = " 11010519491231002x ".into();
        d.applicant.phone = "139 1234 5678".into();
        d.place.village = " 露湖村委会 ".into();
        d.risk_types = vec![RiskType::IncomeDrop, RiskType::Illness, RiskType::Illness];
        assert_eq!(d.normalized(), valid().normalized());
        assert_eq!(d.normalized().validate(today()), Ok(()));
    }

    #[test]
    fn normalizing_twice_changes_nothing() {
        let mut d = valid();
        // Spaces and dashes go before trimming, so no tab is left at either end.
        d.applicant.phone = " -\t139 1234 5678\n".into();
        let once = d.normalized();
        assert_eq!(once.applicant.phone, "13912345678");
        assert_eq!(once.normalized(), once);
    }

    #[test]
    fn json_uses_snake_case_and_refuses_unknown_fields() {
        let json = serde_json::to_value(valid()).unwrap();
        assert_eq!(
            json["risk_types"],
            serde_json::json!(["illness", "income_drop"])
        );
        assert_eq!(json["region"], "longyan");
        let mut extra = json.clone();
        extra["applicant"]["email"] = "x".into();
        assert!(serde_json::from_value::<Declaration>(extra).is_err());
        let back: Declaration = serde_json::from_value(json).unwrap();
        assert_eq!(back, valid());
    }

    /// Every text field, with a setter, for the odd-character tests.
    fn set_text(d: &mut Declaration, path: &str, value: &str) {
        let v = value.to_string();
        match path {
            "place.village" => {
                // Written only beside a township's code (a listed village has its list name).
                d.place.code = PlaceCode::parse("350821106").unwrap();
                d.place.village = v
            }
            "applicant.name" => d.applicant.name = v,
            "description" => d.description = v,
            "help_wanted" => d.help_wanted = Some(v),
            "assisted.operator_name" => {
                d.assisted = Some(Assisted {
                    operator_name: v,
                    household_confirmed: true,
                })
            }
            _ => unreachable!("{path}"),
        }
    }

    const NAMES: [&str; 3] = ["place.village", "applicant.name", "assisted.operator_name"];
    const PROSE: [&str; 2] = ["description", "help_wanted"];

    fn checked(path: &str, value: &str) -> Result<Declaration, Vec<(String, String)>> {
        let mut d = valid();
        set_text(&mut d, path, value);
        let d = d.normalized();
        match d.validate(today()) {
            Ok(()) => Ok(d),
            Err(e) => Err(e.into_iter().map(|e| (e.field, e.code)).collect()),
        }
    }

    #[test]
    fn control_and_unreadable_characters_are_refused_in_every_text_field() {
        for path in NAMES.iter().chain(&PROSE) {
            for odd in [
                "张\u{0}三",
                "张\u{7}三",
                "张\u{1b}[31m三",
                "张\u{85}三",
                "张\u{FFFD}三",
                "张\u{2028}三",
                "张\u{FFFF}三",
            ] {
                assert_eq!(
                    checked(path, odd).map(|_| ()),
                    Err(vec![(path.to_string(), "invalid_characters".to_string())]),
                    "{path}: {odd:?}"
                );
            }
        }
        // A line break in a name is a control character; in the household's words it is fine.
        assert!(checked("applicant.name", "张\n三").is_err());
        assert!(checked("description", "第一行\n第二行\t。").is_ok());
    }

    #[test]
    fn formatting_characters_are_removed_from_names_and_refused_in_prose() {
        for path in NAMES {
            for odd in [
                "张\u{200B}三",
                "\u{FEFF}张三",
                "张\u{202E}三",
                "张\u{2066}三\u{2069}",
                "张\u{200D}三\u{00AD}",
            ] {
                let d = checked(path, odd).unwrap_or_else(|e| panic!("{path} {odd:?}: {e:?}"));
                let value = d
                    .text_fields()
                    .into_iter()
                    .find(|t| t.path == path)
                    .unwrap()
                    .value
                    .to_string();
                assert_eq!(value, "张三", "{path}: {odd:?}");
            }
            // Only invisible characters: empty.
            assert_eq!(
                checked(path, "\u{200B}\u{200B} \u{FEFF}").map(|_| ()),
                Err(vec![(path.to_string(), "required".to_string())]),
                "{path}"
            );
        }
        for path in PROSE {
            for odd in ["住院\u{200B}了", "住院\u{202E}了", "\u{2067}住院了"] {
                assert_eq!(
                    checked(path, odd).map(|_| ()),
                    Err(vec![(path.to_string(), "invalid_characters".to_string())]),
                    "{path}: {odd:?}"
                );
            }
        }
        // An ID number or phone pasted with an invisible character reads as typed.
        let mut d = valid();
        d.applicant.id_number = "110105\u{200B}19491231002X".into();
        d.applicant.phone = "\u{2068}139 1234 5678\u{2069}".into();
        assert_eq!(d.normalized(), valid().normalized());
        // Mongolian spelling keeps its vowel separator; rare characters and variation selectors stay.
        assert!(checked("applicant.name", "ᠰᠠᠷᠠ\u{180E}ᠠ").is_ok());
        assert_eq!(
            checked("applicant.name", "𠀀葛\u{E0100}")
                .unwrap()
                .applicant
                .name,
            "𠀀葛\u{E0100}"
        );
    }

    #[test]
    fn every_message_about_odd_characters_names_the_field_in_chinese() {
        let d = Declaration {
            region: Region::InnerMongolia,
            ..valid()
        };
        for t in d.text_fields() {
            let e = check_text(&TextField {
                value: "a\u{0}",
                ..t.clone()
            })
            .unwrap();
            assert!(e.message.starts_with(t.label), "{e:?}");
        }
    }

    #[test]
    fn a_place_outside_the_region_is_refused() {
        let d = Declaration {
            region: Region::Qinghai,
            ..valid()
        };
        assert_eq!(
            codes(&d),
            vec![("place.code".into(), "place_outside_region".into())]
        );
        assert!(d.validate(today()).unwrap_err()[0]
            .message
            .contains("青海省"));
    }

    #[test]
    fn a_village_is_written_only_when_the_code_is_its_townships() {
        let mut d = valid();
        d.place.village = String::new();
        assert_eq!(
            d.validate(today()),
            Ok(()),
            "a listed village needs no text"
        );
        d.place.code = PlaceCode::parse("350821106").unwrap();
        assert_eq!(codes(&d), vec![("place.village".into(), "required".into())]);
        d.place.village = "新村".repeat(21);
        assert_eq!(codes(&d), vec![("place.village".into(), "too_long".into())]);
        let json = serde_json::json!({"code": "35082110623"});
        assert!(serde_json::from_value::<Place>(json).is_err(), "11 digits");
    }

    #[test]
    fn inner_mongolia_uses_its_own_place_words() {
        let d = Declaration {
            region: Region::InnerMongolia,
            place: Place {
                code: PlaceCode::parse("150521101").unwrap(),
                county: "".into(),
                township: "".into(),
                village: "".into(),
            },
            ..valid()
        };
        let errors = d.validate(today()).unwrap_err();
        assert!(errors.iter().any(|e| e.message.contains("嘎查")));
    }
}
