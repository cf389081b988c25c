//! The endpoint's JSON API (`/api/v1/…`): every body the app and the endpoint exchange, defined
//! once. The endpoint serializes these types and the app deserializes the same ones, so a field
//! renamed on one side is a compile error on the other (as Leptos' `login_with_token_csr_only`
//! example does with its `api-boundary` crate). With the `openapi` feature each type also
//! derives its OpenAPI schema; the Wasm app is built without it.
//!
//! The bodies a household's phone reads (receipt, status, service) carry the service's name and
//! deadlines as plain fields rather than a `#[serde(flatten)]` struct: a flattened field costs
//! the Wasm a buffering deserializer.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use xiangqin_rules::declaration::{Applicant, Assisted, Consent, FieldError, RiskType};
use xiangqin_rules::places::DivisionCode;
use xiangqin_rules::workflow::{Role, Step};
use xiangqin_rules::Region;

/// Where a household sends its declaration (`POST`) and asks about it (`GET …/{receipt}`).
pub const DECLARATIONS_URL: &str = "/api/v1/declarations";
/// Who receives declarations (`GET`).
pub const SERVICE_URL: &str = "/api/v1/service";
/// The cadres' API, under a bearer token.
pub const REVIEW_URL: &str = "/api/v1/review";

/// The request header that makes sending a declaration safe to repeat: the same key records it
/// once.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// The request header with the status token of a receipt (or `?token=` where no header can be
/// set, as in a QR code's link).
pub const STATUS_TOKEN: &str = "x-status-token";
/// The answer header of the review list: how many declarations match in all.
pub const TOTAL_COUNT: &str = "x-total-count";

// ---- households ----

/// How long one verification step may take, as the endpoint's operator promised it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deadline {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub step: Step,
    pub label_zh: String,
    pub working_days: u32,
}

/// `GET /api/v1/service`: who receives declarations at this endpoint, as the form and the
/// receipt name it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Service {
    /// The operator's name for this service; `null` when the operator has not given one.
    #[serde(default)]
    pub service_name: Option<String>,
    /// The working days this service promises per step; empty when it promises none.
    #[serde(default)]
    pub deadlines: Vec<Deadline>,
}

/// The answer to a declaration: 201 when stored now (the commit is durable), 200 when replayed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    /// `XQ-XXXX-XXXX` (回执号), for the household to keep.
    pub receipt: String,
    /// 32 hex characters; proves the holder made the declaration (to check its status later).
    pub status_token: String,
    /// `submitted` for a new declaration.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: Step,
    /// RFC 3339, UTC.
    pub submitted_at: String,
    /// Who received it (see [`Service`]).
    #[serde(default)]
    pub service_name: Option<String>,
    /// The working days promised per step (see [`Service`]).
    #[serde(default)]
    pub deadlines: Vec<Deadline>,
}

/// `GET /api/v1/declarations/{receipt}`: what the household may see of its declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Status {
    pub receipt: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: Step,
    pub status_zh: String,
    /// RFC 3339, UTC.
    pub submitted_at: String,
    /// Whether the household may still withdraw it (`POST …/withdrawal`): until the home visit.
    pub withdrawable: bool,
    pub history: Vec<HistoryItem>,
    /// Who received it (see [`Service`]).
    #[serde(default)]
    pub service_name: Option<String>,
    /// The working days promised per step (see [`Service`]).
    #[serde(default)]
    pub deadlines: Vec<Deadline>,
}

/// One step of a declaration's history, as the household sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryItem {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: Step,
    pub status_zh: String,
    /// RFC 3339, UTC.
    pub at: String,
    /// The reason given for 不予纳入; other steps carry no note (cadres' notes stay with cadres).
    pub note: Option<String>,
}

impl Service {
    /// The service as a receipt or a status names it.
    pub fn of(service_name: &Option<String>, deadlines: &[Deadline]) -> Service {
        Service {
            service_name: service_name.clone(),
            deadlines: deadlines.to_vec(),
        }
    }
}

// ---- errors ----

/// The body of every error answer: `{"error":{"code":…,"message":…,"fields":[…]}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Error))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// A machine code, e.g. `invalid`, `idempotency_conflict`.
    #[serde(default)]
    pub code: String,
    /// For people, in Chinese.
    #[serde(default)]
    pub message: String,
    /// 422 only: one entry per wrong field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<openapi::FieldErrorSchema>>))]
    pub fields: Option<Vec<FieldError>>,
}

// ---- review (cadres) ----

/// `GET /api/v1/review/me`: the holder of a valid review token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reviewer {
    /// The token's number (`token list`).
    pub token_id: i64,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub region: Region,
    /// The division code the token is scoped to.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub division: DivisionCode,
    /// Its name with the names above it, e.g. `青海省 西宁市 大通回族土族自治县 城关镇`.
    pub division_name: String,
    /// `village`, `township`, `county` or `observer`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub role: Role,
    pub role_zh: String,
    /// The steps this token may take, whatever the declaration.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub steps: Vec<Step>,
    /// RFC 3339, UTC: the token stops working then.
    pub expires_at: String,
}

/// One declaration in the reviewer's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewItem {
    pub receipt: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: Step,
    pub status_zh: String,
    /// The official code of the place (village, or township when the household wrote its
    /// village); `null` for a declaration from before places were codes.
    pub place_code: Option<String>,
    pub county: String,
    pub township: String,
    pub village: String,
    pub applicant_name: String,
    pub phone: String,
    /// RFC 3339, UTC.
    pub submitted_at: String,
    /// The same instant in China time, as cadres read it: `2026-12-02 14:05`.
    pub submitted_at_china: String,
    /// When the current step should be done (working days from when it began), if it has a deadline.
    pub due_on: Option<NaiveDate>,
    pub overdue: bool,
    /// The open case of the same ID number this one was linked to, when the reviewer may see it.
    pub linked_to: Option<String>,
    /// The same ID number has a declaration outside the reviewer's scope (not shown: ask the
    /// county).
    pub linked_elsewhere: bool,
    /// When its personal fields were erased after the retention (name, phone, ID number and the
    /// declaration are empty then).
    pub erased_at: Option<String>,
    /// The statuses this reviewer may move it to now (its role's steps only).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub next: Vec<Step>,
    /// Who takes the next step, when this reviewer cannot (e.g. 乡镇（乡镇审核）).
    pub waiting_for: Option<String>,
}

/// `GET /api/v1/review/declarations/{receipt}`: one declaration in full, as the reviewer may see
/// it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewDetail {
    #[serde(flatten)]
    pub item: ReviewItem,
    pub id_number: String,
    /// `null` once erased after the retention.
    pub declaration: Option<StoredDeclaration>,
    pub history: Vec<ReviewHistory>,
    /// Other declarations made with the same ID number, within the reviewer's scope.
    pub linked: Vec<String>,
}

/// One step of a declaration's history, as the reviewer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ReviewHistoryEntry))]
pub struct ReviewHistory {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: Step,
    pub status_zh: String,
    /// `household`, or the cadre's name.
    pub actor: String,
    /// Who, in Chinese: 农户本人, 服务中心代填（代填人：…） for a declaration filled in for the
    /// household, or the cadre's name.
    pub actor_zh: String,
    /// RFC 3339, UTC.
    pub at: String,
    /// China time, `2026-12-02 14:05`.
    pub at_china: String,
    pub note: Option<String>,
}

/// `POST /api/v1/review/declarations/{receipt}/transitions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransitionRequest {
    /// The step to move to (a key, e.g. `home_visit`).
    pub to: String,
    /// The reason, required for 不予纳入.
    #[serde(default)]
    pub note: Option<String>,
}

/// A declaration as stored, read back for the reviewer and the exports. The household sent a
/// [`xiangqin_rules::declaration::Declaration`]; one stored before places were codes (schema 4)
/// has no `place.code`, so every field here may be missing and reads as empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct StoredDeclaration {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub region: Option<Region>,
    pub place: StoredPlace,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub applicant: Applicant,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub household_size: Option<u32>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub risk_types: Vec<RiskType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub happened_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rigid_expense_yuan: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub income_change_yuan: Option<f64>,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help_wanted: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub consent: Option<Consent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub assisted: Option<Assisted>,
}

/// The place of a stored declaration: its code (none before schema 4) and names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct StoredPlace {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub county: String,
    pub township: String,
    pub village: String,
}

impl StoredDeclaration {
    /// County, township and village, as one line.
    pub fn place_line(&self) -> String {
        let p = &self.place;
        [&p.county, &p.township, &p.village]
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Who filled it in for the household at a service centre (代填), if anyone.
    pub fn assisted_by(&self) -> Option<&str> {
        self.assisted
            .as_ref()
            .map(|a| a.operator_name.as_str())
            .filter(|n| !n.trim().is_empty())
    }
}

#[cfg(feature = "openapi")]
pub mod openapi {
    //! Schemas of types that live in the rules crate, which does not depend on utoipa.

    /// One wrong field of a 422 answer (`xiangqin_rules::declaration::FieldError`).
    #[derive(utoipa::ToSchema)]
    #[schema(as = FieldError)]
    #[allow(dead_code)]
    pub struct FieldErrorSchema {
        /// The path of the field, e.g. `applicant.id_number`.
        pub field: String,
        pub code: String,
        pub message: String,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declaration_stored_before_place_codes_reads_with_its_names() {
        let old = r#"{"region":"qinghai","place":{"county":"大通回族土族自治县","township":"城关镇","village":"元墩子村"},
            "applicant":{"name":"张三","id_number":"11010519491231002X","phone":"13912345678"},
            "household_size":4,"risk_types":["illness"],"happened_on":"2025-03-01",
            "description":"看病花钱多","consent":{"truthful":true,"personal_info":true}}"#;
        let d: StoredDeclaration = serde_json::from_str(old).unwrap();
        assert_eq!(d.place.code, None);
        assert_eq!(d.place_line(), "大通回族土族自治县 城关镇 元墩子村");
        assert_eq!(d.applicant.name, "张三");
        assert_eq!(d.household_size, Some(4));
        assert_eq!(d.risk_types, vec![RiskType::Illness]);
        assert_eq!(d.assisted_by(), None);
    }

    #[test]
    fn a_stored_declaration_serializes_as_the_household_sent_it() {
        let sent = serde_json::json!({"region":"longyan","place":{"code":"350821106231","county":"长汀县","township":"河田镇","village":"露湖村委会"},
            "applicant":{"name":"张三","id_number":"11010519491231002X","phone":"13912345678"},
            "household_size":4,"risk_types":["illness","income_drop"],"happened_on":"2025-03-01",
            "rigid_expense_yuan":35000.0,"description":"看病花钱多",
            "consent":{"truthful":true,"personal_info":true,"text_version":"1"},
            "assisted":{"operator_name":"服务中心小刘","household_confirmed":true}});
        let d: StoredDeclaration = serde_json::from_value(sent.clone()).unwrap();
        assert_eq!(serde_json::to_value(&d).unwrap(), sent);
        assert_eq!(d.assisted_by(), Some("服务中心小刘"));
    }

    #[test]
    fn an_error_body_reads_with_or_without_fields() {
        let e: ErrorBody =
            serde_json::from_str(r#"{"error":{"code":"not_found","message":"没有这份申报"}}"#)
                .unwrap();
        assert_eq!(e.error.fields, None);
        let e: ErrorBody = serde_json::from_str(
            r#"{"error":{"code":"invalid","message":"x","fields":[{"field":"applicant.phone","code":"phone","message":"手机号不对"}]}}"#,
        )
        .unwrap();
        assert_eq!(e.error.fields.unwrap()[0].field, "applicant.phone");
    }
}
