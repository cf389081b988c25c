//! The API contract as an OpenAPI 3.1 document, served at `/api/v1/openapi.json`, generated
//! from the code: every route of the API is registered through [`api_routes`] with
//! `utoipa_axum::routes!`, which takes its method, path, parameters and answers from the
//! `#[utoipa::path]` attribute on the handler, so a route cannot exist undocumented (a test
//! checks the document against the router).
//!
//! The one hand-written part is the schema of the declaration body ([`DeclarationSchema`]): the
//! type lives in the rules crate, which does not depend on utoipa. A test checks the example
//! declaration against it.
use crate::guard::{self, RateLimiter};
use crate::{review, routes, service, AppState};
use serde_json::json;
use std::borrow::Cow;
use std::sync::{Arc, OnceLock};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "乡亲 Xiangqin endpoint",
        description = "Receives households' self-declarations (一键申报) for village cadres to verify. Every error is {\"error\":{\"code\",\"message\"}} with a Chinese message."
    ),
    modifiers(&ReviewTokenScheme),
    tags(
        (name = "households", description = "What the app sends and looks up."),
        (name = "review", description = "For cadres, with a bearer token issued by the operator."),
        (name = "operations", description = "Health and this document."),
    )
)]
struct ApiDoc;

struct ReviewTokenScheme;

impl Modify for ReviewTokenScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "reviewToken",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "Issued by the operator: `xiangqin-endpoint token add --division CODE --role village|township|county|observer --name N [--expires YYYY-MM-DD]`. It sees the declarations within its division code and takes its role's steps only.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The routes under `/api`, each with its documentation. Submitting and looking up are
/// rate-limited per client by `limiter`; the rest of the API is not.
pub fn api_routes(limiter: Arc<RateLimiter>) -> OpenApiRouter<AppState> {
    let limited = OpenApiRouter::new()
        .routes(routes!(routes::submit_declaration))
        .routes(routes!(routes::declaration_status))
        .routes(routes!(routes::withdraw_declaration))
        .route_layer(axum::middleware::from_fn_with_state(
            limiter,
            guard::rate_limit,
        ));
    OpenApiRouter::new()
        .merge(limited)
        .routes(routes!(routes::openapi))
        .routes(routes!(service::info))
        .routes(routes!(review::me))
        .routes(routes!(review::list))
        .routes(routes!(review::csv))
        .routes(routes!(review::xlsx))
        .routes(routes!(review::detail))
        .routes(routes!(review::transition))
}

/// The routes outside `/api`.
pub fn probe_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(routes::healthz))
        .routes(routes!(routes::readyz))
}

/// The document.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    OpenApiRouter::with_openapi(doc)
        .merge(probe_routes())
        .nest("/api", api_routes(Arc::new(RateLimiter::new(1))))
        .into_openapi()
}

/// The document as JSON, built once.
pub fn document_json() -> String {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| {
        document()
            .to_pretty_json()
            .expect("the OpenAPI document serializes")
    })
    .clone()
}

/// The body of `POST /api/v1/declarations`: `xiangqin_rules::declaration::Declaration`,
/// described by hand because the rules crate does not depend on utoipa.
pub struct DeclarationSchema;

impl PartialSchema for DeclarationSchema {
    fn schema() -> RefOr<Schema> {
        let consent_versions: Vec<&str> = xiangqin_rules::consent::VERSIONS
            .iter()
            .map(|v| v.version)
            .collect();
        let declaration_fields = json!({
            "region": {"type": "string", "enum": ["qinghai", "longyan", "shaanxi", "inner_mongolia", "liangzhou"]},
            "place": {"type": "object", "additionalProperties": false, "required": ["code"], "properties": {
                "code": {"type": "string", "pattern": "^[0-9]{9}([0-9]{3})?$", "description": "统计用区划代码 of places/ (2023): a 12-digit village, or the 9-digit township when the village is not listed; it must be listed and in `region` (else 422)"},
                "county": {"type": "string", "maxLength": 40, "description": "县（区、旗）: replaced by the name of the list"},
                "township": {"type": "string", "maxLength": 40, "description": "乡镇 / 苏木: replaced by the name of the list"},
                "village": {"type": "string", "maxLength": 40, "description": "村 / 嘎查: replaced by the name of the list for a village code; for a township code the household writes it (required, not blank)"}}},
            "applicant": {"type": "object", "additionalProperties": false, "required": ["name", "id_number", "phone"], "properties": {
                "name": {"type": "string", "pattern": "\\S", "maxLength": 40},
                "id_number": {"type": "string", "pattern": "^\\s*[0-9]{17}[0-9Xx]\\s*$", "description": "18-digit resident ID with a valid birth date and the GB 11643 check digit (not expressible here: a wrong one gets 422)"},
                "phone": {"type": "string", "pattern": "^[\\s-]*1[\\s-]*[3-9]([\\s-]*[0-9]){9}[\\s-]*$", "description": "11-digit mainland mobile number, 13… to 19… (spaces and dashes are ignored)"}}},
            "household_size": {"type": "integer", "minimum": 1, "maximum": 30},
            "risk_types": {"type": "array", "minItems": 1, "items": {"type": "string", "enum": [
                "illness", "disability", "education", "disaster", "accident", "epidemic",
                "unstable_employment", "income_drop", "housing_unsafe", "water_unsafe", "dropout", "other"]}},
            "happened_on": {"type": "string", "format": "date"},
            "rigid_expense_yuan": {"type": ["number", "null"], "minimum": 0, "maximum": 10000000},
            "income_change_yuan": {"type": ["number", "null"], "minimum": 0, "maximum": 10000000, "description": "how much less income, in yuan"},
            "description": {"type": "string", "maxLength": 500, "pattern": "\\S", "description": "what happened (required: not blank)"},
            "help_wanted": {"type": ["string", "null"], "maxLength": 300},
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
