//! The app's own addresses, which the endpoint answers with one of the app's two pages.
//!
//! They are the `<Route>`s of the app (`src/lib.rs`; a test below reads them from there, so the
//! two lists cannot drift apart). The cadres' screens ([`CADRE_ROUTES`]) get `cadre.html`, the
//! app built with its review screen and service-centre setup; every other route gets
//! `index.html`, the households' app without them, so that households never download the
//! cadres' code. Any other path that is not a file gets `index.html` too — the app shows its
//! not-found screen — but with a 404 status, so that crawlers and link checkers (and
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

/// The routes of the cadres' page (`cadre.html`); `public/sw.js` keeps the same list to open it
/// offline (checked by a test below).
pub const CADRE_ROUTES: &[&str] = &["/review", "/kiosk"];

/// The households' page and the cadres' page, as scripts/build writes them into the app's folder.
pub const HOUSEHOLD_PAGE: &str = "index.html";
pub const CADRE_PAGE: &str = "cadre.html";

/// Which page answers `path`: the cadres' for theirs, the households' for everything else.
pub fn page_for(path: &str) -> &'static str {
    let trimmed = path.trim_end_matches('/');
    if CADRE_ROUTES.contains(&trimmed) {
        CADRE_PAGE
    } else {
        HOUSEHOLD_PAGE
    }
}

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

/// The fallback for paths that are not files: the page of [`page_for`] (brotli or gzip when the
/// browser takes them, like every other file), with 200 for the app's routes and 404 for the
/// rest. Without a `cadre.html` (a build of the households' page alone) `index.html` answers.
pub async fn serve_page(
    static_dir: PathBuf,
    request: Request<Body>,
) -> Result<Response, Infallible> {
    let path = request.uri().path();
    let found = is_app_route(path);
    let mut page = static_dir.join(page_for(path));
    if !page.is_file() {
        page = static_dir.join(HOUSEHOLD_PAGE);
    }
    let mut response = ServeFile::new(page)
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
    fn the_service_worker_knows_the_cadres_routes() {
        let worker = include_str!("../../public/sw.js");
        let listed = format!(
            "const CADRE_ROUTES = [{}];",
            CADRE_ROUTES
                .iter()
                .map(|r| format!("'{r}'"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        assert!(worker.contains(&listed), "public/sw.js lacks: {listed}");
        for route in CADRE_ROUTES {
            assert!(ROUTES.contains(route), "{route}");
        }
    }

    #[test]
    fn the_cadres_routes_get_their_page() {
        assert_eq!(page_for("/review"), CADRE_PAGE);
        assert_eq!(page_for("/kiosk/"), CADRE_PAGE);
        for path in ["/", "/check", "/reviews", "/report", "/status"] {
            assert_eq!(page_for(path), HOUSEHOLD_PAGE, "{path}");
        }
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
