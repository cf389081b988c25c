//! The API contract as an OpenAPI 3.1 document, served at `/api/v1/openapi.json`. The app and
//! the endpoint agree on it; a test sends a request to every operation listed here and checks
//! the router knows it, and another checks the example declaration against the schema's fields.
use serde_json::{json, Value};

/// Every operation of the API: method, path (OpenAPI style), what it does.
pub const OPERATIONS: &[(&str, &str, &str)] = &[
    ("get", "/healthz", "The process is up."),
    ("get", "/readyz", "The database answers."),
    (
        "post",
        "/api/v1/declarations",
        "Submit a self-declaration (一键申报).",
    ),
    (
        "get",
        "/api/v1/declarations/{receipt}",
        "Status and history of a declaration, for the household.",
    ),
    ("get", "/api/v1/openapi.json", "This document."),
    (
        "get",
        "/api/v1/review/me",
        "The signed-in reviewer and the scope of the token.",
    ),
    (
        "get",
        "/api/v1/review/declarations",
        "Declarations in the token's scope; filters: status, village, from, to, overdue.",
    ),
    (
        "get",
        "/api/v1/review/declarations.csv",
        "The same list as CSV for Excel (UTF-8 with BOM).",
    ),
    (
        "get",
        "/api/v1/review/declarations/{receipt}",
        "One declaration with its history and linked declarations.",
    ),
    (
        "post",
        "/api/v1/review/declarations/{receipt}/transitions",
        "Move a declaration along the workflow: {to, note}; 不予纳入 needs a note.",
    ),
];

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    })
}

/// The document.
pub fn document() -> Value {
    let declaration_fields = json!({
        "region": {"type": "string", "enum": ["qinghai", "longyan", "shaanxi", "inner_mongolia", "liangzhou"]},
        "place": {"type": "object", "required": ["county", "township", "village"], "properties": {
            "county": {"type": "string", "description": "县（区、旗）"},
            "township": {"type": "string", "description": "乡镇 / 苏木"},
            "village": {"type": "string", "description": "村 / 嘎查"}}},
        "applicant": {"type": "object", "required": ["name", "id_number", "phone"], "properties": {
            "name": {"type": "string"},
            "id_number": {"type": "string", "description": "18-digit resident ID, GB 11643 check digit"},
            "phone": {"type": "string", "description": "11-digit mainland mobile number"}}},
        "household_size": {"type": "integer", "minimum": 1, "maximum": 30},
        "risk_types": {"type": "array", "minItems": 1, "items": {"type": "string", "enum": [
            "illness", "disability", "education", "disaster", "accident", "epidemic",
            "unstable_employment", "income_drop", "housing_unsafe", "water_unsafe", "dropout", "other"]}},
        "happened_on": {"type": "string", "format": "date"},
        "rigid_expense_yuan": {"type": ["number", "null"], "minimum": 0},
        "income_change_yuan": {"type": ["number", "null"]},
        "description": {"type": "string", "maxLength": 500},
        "help_wanted": {"type": ["string", "null"]},
        "consent": {"type": "object", "required": ["truthful", "personal_info"], "properties": {
            "truthful": {"type": "boolean", "const": true},
            "personal_info": {"type": "boolean", "const": true}}},
        "assisted": {"type": ["object", "null"], "description": "代填: filled in by a service-centre operator"}
    });
    let mut paths = serde_json::Map::new();
    for (method, path, summary) in OPERATIONS {
        let mut op = json!({"summary": summary, "responses": {}});
        match (*method, *path) {
            ("post", "/api/v1/declarations") => {
                op["parameters"] = json!([{
                    "name": "Idempotency-Key", "in": "header", "required": false,
                    "description": "A UUID made on the phone per declaration and resent with every retry: the same key and body answer 200 with the same receipt; the same key with another body answers 409.",
                    "schema": {"type": "string", "format": "uuid"}}]);
                op["requestBody"] = json!({"required": true, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Declaration"}}}});
                op["responses"] = json!({
                    "201": {"description": "Stored (after the commit is durable).", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Receipt"}}}},
                    "200": {"description": "The same key and body again: the same receipt.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Receipt"}}}},
                    "400": error_response("Malformed JSON or a bad Idempotency-Key."),
                    "409": error_response("The key was used for a different declaration."),
                    "413": error_response("Body over 64 KiB."),
                    "415": error_response("Not JSON."),
                    "422": error_response("Invalid fields: one machine code and one Chinese message per field."),
                    "429": error_response("Too many requests from this client (Retry-After)."),
                });
            }
            ("get", "/api/v1/declarations/{receipt}") => {
                op["parameters"] = json!([
                    {"name": "receipt", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^XQ-[0-9A-Z]{4}-[0-9A-Z]{4}$"}},
                    {"name": "X-Status-Token", "in": "header", "required": false, "schema": {"type": "string"}, "description": "The status_token of the receipt (or the `token` query parameter)."},
                    {"name": "token", "in": "query", "required": false, "schema": {"type": "string"}}
                ]);
                op["responses"] = json!({
                    "200": {"description": "Status and history; no personal data.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
                    "404": error_response("Unknown receipt or wrong token (not told apart)."),
                    "429": error_response("Too many requests from this client (Retry-After)."),
                });
            }
            ("get", "/readyz") => {
                op["responses"] = json!({"200": {"description": "ready"}, "503": error_response("The database does not answer.")});
            }
            (_, p) if p.starts_with("/api/v1/review/") => {
                op["security"] = json!([{"reviewToken": []}]);
                if p.contains("{receipt}") {
                    op["parameters"] = json!([{"name": "receipt", "in": "path", "required": true, "schema": {"type": "string"}}]);
                }
                op["responses"] = json!({
                    "200": {"description": "OK"},
                    "401": error_response("No token, or a token that is unknown or revoked."),
                    "404": error_response("Not found, or outside the token's region or township."),
                    "409": error_response("That status change is not allowed now."),
                    "422": error_response("A rejection without a reason."),
                });
            }
            _ => op["responses"] = json!({"200": {"description": "OK"}}),
        }
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[*method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "乡亲 Xiangqin endpoint",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Receives households' self-declarations (一键申报) for village cadres to verify. Every error is {\"error\":{\"code\",\"message\"}} with a Chinese message."
        },
        "paths": paths,
        "components": {
        "securitySchemes": {"reviewToken": {"type": "http", "scheme": "bearer",
            "description": "Issued by the operator: `xiangqin-endpoint token add --region R [--township T] --name N`."}},
        "schemas": {
            "Declaration": {"type": "object", "additionalProperties": false,
                "required": ["region", "place", "applicant", "household_size", "risk_types", "happened_on", "description", "consent"],
                "properties": declaration_fields},
            "Deadline": {"type": "object", "required": ["step", "label_zh", "working_days"], "properties": {
                "step": {"type": "string"}, "label_zh": {"type": "string"}, "working_days": {"type": "integer"}}},
            "Receipt": {"type": "object", "required": ["receipt", "status_token", "status", "submitted_at", "deadlines"], "properties": {
                "receipt": {"type": "string"}, "status_token": {"type": "string"}, "status": {"type": "string"},
                "submitted_at": {"type": "string", "format": "date-time"},
                "deadlines": {"type": "array", "items": {"$ref": "#/components/schemas/Deadline"}}}},
            "Status": {"type": "object", "required": ["receipt", "status", "status_zh", "submitted_at", "history", "deadlines"], "properties": {
                "receipt": {"type": "string"}, "status": {"type": "string", "enum": crate::workflow::STEPS.iter().map(|s| s.key).collect::<Vec<_>>()},
                "status_zh": {"type": "string"}, "submitted_at": {"type": "string"},
                "history": {"type": "array", "items": {"type": "object", "properties": {
                    "status": {"type": "string"}, "status_zh": {"type": "string"}, "at": {"type": "string"}, "note": {"type": ["string", "null"]}}}},
                "deadlines": {"type": "array", "items": {"$ref": "#/components/schemas/Deadline"}}}},
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
                "code": {"type": "string"}, "message": {"type": "string"},
                "fields": {"type": "array", "items": {"type": "object", "properties": {
                    "field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}}}}}}}
        }}
    })
}
