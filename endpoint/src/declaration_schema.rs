//! The hand-written part of the API contract: the schema of the declaration body. The type
//! lives in the rules crate, which does not depend on utoipa; a test checks the example
//! declaration against this schema. Its enumerations and limits come from the rules' own lists
//! and constants (regions, risk types, consent versions, lengths, amounts), so a change is
//! documented where it is made.
use serde_json::json;
use std::borrow::Cow;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};
use xiangqin_rules::declaration::{
    RiskType, MAX_AMOUNT_YUAN, MAX_DESCRIPTION_CHARS, MAX_HELP_CHARS, MAX_HOUSEHOLD_SIZE,
    MAX_NAME_CHARS, MAX_PLACE_CHARS,
};

/// The body of `POST /api/v1/declarations`: `xiangqin_rules::declaration::Declaration`,
/// described by hand because the rules crate does not depend on utoipa.
pub struct DeclarationSchema;

impl PartialSchema for DeclarationSchema {
    fn schema() -> RefOr<Schema> {
        let consent_versions: Vec<&str> = xiangqin_rules::consent::VERSIONS
            .iter()
            .map(|v| v.version)
            .collect();
        let regions: Vec<&str> = xiangqin_rules::Region::ALL
            .iter()
            .map(|r| r.key())
            .collect();
        let risk_types: Vec<&str> = RiskType::ALL.iter().map(|r| r.key()).collect();
        let declaration_fields = json!({
            "region": {"type": "string", "enum": regions},
            "place": {"type": "object", "additionalProperties": false, "required": ["code"], "properties": {
                "code": {"type": "string", "pattern": "^[0-9]{9}([0-9]{3})?$", "description": "统计用区划代码 of places/ (2023): a 12-digit village, or the 9-digit township when the village is not listed; it must be listed and in `region` (else 422)"},
                "county": {"type": "string", "maxLength": MAX_PLACE_CHARS, "description": "县（区、旗）: replaced by the name of the list"},
                "township": {"type": "string", "maxLength": MAX_PLACE_CHARS, "description": "乡镇 / 苏木: replaced by the name of the list"},
                "village": {"type": "string", "maxLength": MAX_PLACE_CHARS, "description": "村 / 嘎查: replaced by the name of the list for a village code; for a township code the household writes it (required, not blank)"}}},
            "applicant": {"type": "object", "additionalProperties": false, "required": ["name", "id_number", "phone"], "properties": {
                "name": {"type": "string", "pattern": "\\S", "maxLength": MAX_NAME_CHARS},
                "id_number": {"type": "string", "pattern": "^\\s*[0-9]{17}[0-9Xx]\\s*$", "description": "18-digit resident ID with a valid birth date and the GB 11643 check digit (not expressible here: a wrong one gets 422)"},
                "phone": {"type": "string", "pattern": "^[\\s-]*1[\\s-]*[3-9]([\\s-]*[0-9]){9}[\\s-]*$", "description": "11-digit mainland mobile number, 13… to 19… (spaces and dashes are ignored)"}}},
            "household_size": {"type": "integer", "minimum": 1, "maximum": MAX_HOUSEHOLD_SIZE},
            "risk_types": {"type": "array", "minItems": 1, "items": {"type": "string", "enum": risk_types}},
            "happened_on": {"type": "string", "format": "date"},
            "rigid_expense_yuan": {"type": ["number", "null"], "minimum": 0, "maximum": MAX_AMOUNT_YUAN},
            "income_change_yuan": {"type": ["number", "null"], "minimum": 0, "maximum": MAX_AMOUNT_YUAN, "description": "how much less income, in yuan"},
            "description": {"type": "string", "maxLength": MAX_DESCRIPTION_CHARS, "pattern": "\\S", "description": "what happened (required: not blank)"},
            "help_wanted": {"type": ["string", "null"], "maxLength": MAX_HELP_CHARS},
            "consent": {"type": "object", "additionalProperties": false, "required": ["truthful", "personal_info", "text_version"], "properties": {
                "truthful": {"type": "boolean", "enum": [true]},
                "personal_info": {"type": "boolean", "enum": [true]},
                "text_version": {"type": "string", "enum": consent_versions, "description": "the version of the consent text shown (xiangqin_rules::consent); kept with the declaration"}}},
            "assisted": {"type": ["object", "null"], "description": "代填: filled in by a service-centre operator"}
        });
        let schema = json!({"type": "object", "additionalProperties": false,
            "description": "Every text field: no control characters (line breaks and tabs only in description and help_wanted) and nothing unreadable (U+FFFD, unpaired surrogates, bytes that are not UTF-8); invisible formatting characters (zero-width, direction marks and overrides) are removed from names, the ID number and the phone, and refused elsewhere: 422 invalid_characters. A name of only invisible characters is empty (422 required).",
            "required": ["region", "place", "applicant", "household_size", "risk_types", "happened_on", "description", "consent"],
            "properties": declaration_fields});
        serde_json::from_value(schema).expect("a valid schema")
    }
}

impl ToSchema for DeclarationSchema {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Declaration")
    }
}
