//! Every route of the endpoint and its handler, in one table. Each is registered with
//! `utoipa_axum::routes!`, so it carries its documentation ([`crate::openapi`] builds the
//! document from this table; [`crate::app`] the router).
use crate::guard::{self, RateLimiter};
use crate::{review, routes, service, AppState};
use std::sync::Arc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

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
