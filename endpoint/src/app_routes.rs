//! The app's own addresses, which the endpoint answers with the app's `index.html`.
//!
//! They are the `<Route>`s of the app (`src/lib.rs`; a test below reads them from there, so the
//! two lists cannot drift apart). Any other path that is not a file gets the same page — the app
//! shows its not-found screen — but with a 404 status, so that crawlers and link checkers (and
//! Lighthouse) see that there is nothing there.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::path::PathBuf;
use tower::ServiceExt;
use tower_http::services::ServeFile;

/// The app's routes, in the router's syntax: `:name` is one segment, `:name?` an optional one.
pub const ROUTES: &[&str] = &[
    "/",
    "/check/:step?",
    "/report/:step?",
    "/results",
    "/status",
    "/review",
    "/kiosk",
    "/policy/:id",
    "/policies/:region?",
];

/// Whether `path` is an address of the app (a trailing slash is allowed, as the app's router
/// allows it).
pub fn is_app_route(path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    ROUTES.iter().any(|route| matches(route, &segments))
}

fn matches(route: &str, segments: &[&str]) -> bool {
    let parts: Vec<&str> = route.split('/').filter(|s| !s.is_empty()).collect();
    let required = parts.iter().filter(|p| !p.ends_with('?')).count();
    if segments.len() < required || segments.len() > parts.len() {
        return false;
    }
    parts
        .iter()
        .zip(segments)
        .all(|(part, segment)| part.starts_with(':') || part == segment)
}

/// The fallback for paths that are not files: `index.html` (brotli or gzip when the browser
/// takes them, like every other file), with 200 for the app's routes and 404 for the rest.
pub async fn serve_index(
    index_html: PathBuf,
    request: Request<Body>,
) -> Result<Response, Infallible> {
    let found = is_app_route(request.uri().path());
    let mut response = ServeFile::new(index_html)
        .precompressed_br()
        .precompressed_gzip()
        .oneshot(request)
        .await
        .into_response();
    if !found && response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::NOT_FOUND;
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_routes_are_the_apps_own() {
        let app = include_str!("../../src/lib.rs");
        let in_app: Vec<&str> = app
            .split("path!(\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .collect();
        assert_eq!(
            in_app, ROUTES,
            "src/lib.rs's <Route>s and app_routes::ROUTES differ"
        );
    }

    #[test]
    fn app_addresses_and_others() {
        for path in [
            "/",
            "/check",
            "/check/",
            "/check/region",
            "/report/sent",
            "/results",
            "/status",
            "/policy/ly-medical-insurance",
            "/policies",
            "/policies/longyan",
            "/kiosk",
            "/review",
        ] {
            assert!(is_app_route(path), "{path}");
        }
        for path in [
            "/robots.txt",
            "/favicon.ico",
            "/wp-login.php",
            "/check/region/extra",
            "/policy",
            "/statuses",
            "/results/1",
        ] {
            assert!(!is_app_route(path), "{path}");
        }
    }
}
