//! The API contract as an OpenAPI 3.1 document, served at `/api/v1/openapi.json`, generated
//! from the code: every route of the API is registered in [`route_table`](crate::route_table)
//! with `utoipa_axum::routes!`, which takes its method, path, parameters and answers from the
//! `#[utoipa::path]` attribute on the handler, so a route cannot exist undocumented (a test
//! checks the document against the router). The document is built here from that table once;
//! the handler that serves it gets it from the router ([`crate::routes::ApiDocument`]), so
//! that the table, the handlers and this module do not import each other in a loop.
use crate::guard::RateLimiter;
use crate::route_table;
use std::sync::{Arc, OnceLock};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

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

/// The document.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    OpenApiRouter::with_openapi(doc)
        .merge(route_table::probe_routes())
        .nest(
            "/api",
            route_table::api_routes(Arc::new(RateLimiter::new(1))),
        )
        .into_openapi()
}

/// The document as JSON, built once.
pub fn document_json() -> Arc<str> {
    static JSON: OnceLock<Arc<str>> = OnceLock::new();
    JSON.get_or_init(|| {
        document()
            .to_pretty_json()
            .expect("the OpenAPI document serializes")
            .into()
    })
    .clone()
}
