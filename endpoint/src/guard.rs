//! What protects the endpoint and its users: security headers (a Content-Security-Policy that
//! allows the app and nothing else), cache rules for the app's files, and a per-client rate
//! limit on the routes that write or look up declarations.
use crate::error::AppError;
use crate::proxy::TrustedProxies;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DashMapStateStore;
use governor::Quota;
use sha2::{Digest, Sha256};
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// The Content-Security-Policy for the app in `static_dir`: scripts only from this origin plus
/// the inline loader scripts of its two pages (`index.html` and `cadre.html`, by hash), Wasm
/// compilation, and requests to this origin only. No frames, no plug-ins, no other site.
pub fn content_security_policy(static_dir: &Path) -> String {
    let pages: Vec<String> = [
        crate::app_routes::HOUSEHOLD_PAGE,
        crate::app_routes::CADRE_PAGE,
    ]
    .iter()
    .filter_map(|page| std::fs::read_to_string(static_dir.join(page)).ok())
    .collect();
    let hashes: Vec<String> = pages
        .iter()
        .flat_map(|html| inline_scripts(html))
        .map(|s| {
            let digest = Sha256::digest(s.as_bytes());
            format!(
                "'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'",
        hashes.join(" ")
    )
}

/// The text of every `<script>` without a `src` (Trunk's loader and the app's fallback notes).
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body_start = start + tag_end + 1;
        let Some(close) = rest[body_start..].find("</script>") else {
            break;
        };
        if !tag.contains("src=") {
            out.push(&rest[body_start..body_start + close]);
        }
        rest = &rest[body_start + close + "</script>".len()..];
    }
    out
}

/// Trunk and scripts/split-wasm name built files `name-<16 hex>.ext` (and `name-<hash>_bg.wasm`):
/// their content never changes under that name, so phones may keep them for a year.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    let Some((stem, ext)) = file.rsplit_once('.') else {
        return false;
    };
    if !matches!(ext, "js" | "wasm" | "css" | "json") {
        return false;
    }
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    // A 64-bit hash in hex; Trunk writes it without leading zeros (`initializer-459a7e277178486`).
    stem.rsplit_once('-').is_some_and(|(_, h)| {
        (12..=16).contains(&h.len()) && h.chars().all(|c| c.is_ascii_hexdigit())
    })
}

/// Security headers on every answer, and cache rules on the app's files: hashed files for a
/// year, everything else (index.html, app routes) revalidated on every visit.
pub async fn headers(State(csp): State<Arc<str>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let mut response = next.run(request).await;
    let success = response.status().is_success();
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CACHE_CONTROL) {
        let rule = if is_hashed_asset(&path) && success {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static(rule));
    }
    response
}

/// Most clients remembered before those back at their full allowance are forgotten.
const MAX_CLIENTS: usize = 100_000;

/// The per-client rate limit: `per_minute` requests, refilled evenly (the GCRA of the `governor`
/// crate, one state per client key, see [`client_key`]). Behind trusted proxies the client
/// address comes from `X-Forwarded-For` (see [`TrustedProxies`]). It is kept per process.
pub struct RateLimiter<C: Clock = DefaultClock> {
    limiter:
        governor::RateLimiter<IpAddr, DashMapStateStore<IpAddr>, C, NoOpMiddleware<C::Instant>>,
    clock: C,
    trusted: TrustedProxies,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter")
            .field("clients", &self.limiter.len())
            .field("trusted", &self.trusted)
            .finish()
    }
}

impl RateLimiter {
    pub fn new(per_minute: u32) -> Self {
        RateLimiter::with_clock(per_minute, DefaultClock::default())
    }
}

impl<C: Clock + Clone> RateLimiter<C> {
    fn with_clock(per_minute: u32, clock: C) -> Self {
        let quota =
            Quota::per_minute(NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN));
        RateLimiter {
            limiter: governor::RateLimiter::dashmap_with_clock(quota, clock.clone()),
            clock,
            trusted: TrustedProxies::default(),
        }
    }

    /// Believes `X-Forwarded-For` on connections from these proxies.
    pub fn trusting(mut self, proxies: TrustedProxies) -> Self {
        self.trusted = proxies;
        self
    }

    /// Takes one request of this client's allowance, or says in how many seconds (at least 1)
    /// the next one is allowed.
    pub fn check(&self, client: IpAddr) -> Result<(), u64> {
        if self.limiter.len() > MAX_CLIENTS {
            // Forget clients back at their full allowance, so memory stays bounded.
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&client_key(client))
            .map_err(|not_until| {
                let wait = not_until.wait_time_from(self.clock.now());
                wait.as_secs_f64().ceil().max(1.0) as u64
            })
    }
}

/// The key a client address is counted under (rate limit, connection cap): an IPv4 address, or
/// the /64 of an IPv6 address. A phone on a mobile network gets a whole IPv6 /64 and may send
/// from any address in it; keyed on the full address it could pick a fresh allowance for every
/// request.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

/// Rejects a client over its rate with 429 (and `Retry-After`). Requests without a peer address
/// (the in-process tests) are not limited.
pub async fn rate_limit(
    State(limiter): State<Arc<RateLimiter>>,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| limiter.trusted.client(c.0.ip(), request.headers()));
    if let Some(ip) = client {
        limiter
            .check(ip)
            .map_err(|retry_after_secs| AppError::TooManyRequests { retry_after_secs })?;
    }
    Ok(next.run(request).await)
}

/// How long one request may take before it is answered with 408 (a stuck phone connection must
/// not hold a worker forever).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Answers 408 (JSON, in Chinese, like every other error) when a request takes longer than
/// [`REQUEST_TIMEOUT`]. It sits inside [`headers`], so the answer carries the security headers.
pub async fn timeout(request: Request, next: Next) -> Result<Response, AppError> {
    tokio::time::timeout(REQUEST_TIMEOUT, next.run(request))
        .await
        .map_err(|_| AppError::RequestTimeout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;

    #[test]
    fn finds_inline_scripts_only() {
        let html = r#"<script type=module>import init from"/a.js";</script><script src="/x.js"></script><script>var a=1;</script>"#;
        assert_eq!(
            inline_scripts(html),
            vec![r#"import init from"/a.js";"#, "var a=1;"]
        );
    }

    #[test]
    fn csp_allows_the_app_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<script>var a=1;</script>").unwrap();
        std::fs::write(dir.path().join("cadre.html"), "<script>var b=2;</script>").unwrap();
        let csp = content_security_policy(dir.path());
        for script in [&b"var a=1;"[..], b"var b=2;"] {
            let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script));
            assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
        }
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(csp.contains("'wasm-unsafe-eval'"));
        assert!(!csp.contains("unsafe-eval'") || csp.contains("'wasm-unsafe-eval'"));
    }

    #[test]
    fn hashed_assets_are_recognised() {
        assert!(is_hashed_asset("/xiangqin-e0dc72fdc1126787_bg.wasm"));
        assert!(is_hashed_asset("/main-ea2a1b5cb737a646.css"));
        assert!(is_hashed_asset("/rules-texts-0123456789abcdef.json"));
        assert!(is_hashed_asset("/initializer-459a7e277178486.js"));
        assert!(!is_hashed_asset("/api/v1/openapi.json"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/check/region"));
        assert!(!is_hashed_asset("/app.js"));
    }

    /// A limiter on a clock the test moves by hand.
    fn limiter(per_minute: u32) -> (RateLimiter<FakeRelativeClock>, FakeRelativeClock) {
        let clock = FakeRelativeClock::default();
        (RateLimiter::with_clock(per_minute, clock.clone()), clock)
    }

    #[test]
    fn the_rate_limit_refills_over_time() {
        let (limiter, clock) = limiter(2);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        assert!(limiter.check(ip).is_ok());
        assert!(limiter.check(ip).is_ok());
        let wait = limiter.check(ip).unwrap_err();
        assert_eq!(wait, 30);
        assert!(
            limiter.check(other).is_ok(),
            "each client has its own allowance"
        );
        clock.advance(Duration::from_secs(31));
        assert!(limiter.check(ip).is_ok());
    }

    #[test]
    fn one_ipv6_64_is_one_client() {
        let (limiter, _clock) = limiter(1);
        let phone: IpAddr = "2409:8a00:1:2::1".parse().unwrap();
        let same_phone: IpAddr = "2409:8a00:1:2:abcd::9".parse().unwrap();
        let neighbour: IpAddr = "2409:8a00:1:3::1".parse().unwrap();
        assert!(limiter.check(phone).is_ok());
        assert!(
            limiter.check(same_phone).is_err(),
            "another address of the same /64 shares the allowance"
        );
        assert!(limiter.check(neighbour).is_ok());
        // An IPv4 client seen through a dual-stack socket is its IPv4 address.
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        assert!(limiter.check(mapped).is_ok());
        assert!(limiter.check(v4).is_err());
    }
}
