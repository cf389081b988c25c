//! 乡亲 (Xiangqin) endpoint: receives households' self-declarations (一键申报), stores them in
//! SQLite, and serves the app's static files.
//!
//! - `GET /healthz` → `ok`; `GET /readyz` → `ready` (503 when the database does not answer)
//! - `POST /api/v1/declarations` → 201 `{receipt, status_token, status, submitted_at, deadlines}`
//! - `GET /api/v1/declarations/{receipt}` (with the status token) → status and history
//! - `GET /api/v1/openapi.json` → the contract ([`openapi`])
//! - any other `/api/…` → JSON 404; any other GET → a static file, else `index.html` (SPA routes).
//!
//! Personal data (name, ID number, phone) is never logged: logs carry receipts only.
pub mod db;
pub mod error;
pub mod extract;
pub mod guard;
pub mod openapi;
pub mod review;
pub mod routes;
pub mod token;
pub mod workflow;

pub use error::{AppError, BoxError};

use axum::extract::DefaultBodyLimit;
use axum::handler::HandlerWithoutStateExt;
use axum::http::{header, HeaderValue, StatusCode};
use axum::routing::{any, get, post};
use axum::Router;
use chrono::NaiveDate;
use sqlx::SqlitePool;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

/// Largest accepted request body. A declaration is a few KiB at most.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Command-line flags, each also readable from the environment.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "xiangqin-endpoint",
    version,
    about = "乡亲 Xiangqin endpoint: stores self-declarations, serves the app"
)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port (the real one is printed).
    #[arg(long, env = "XIANGQIN_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// SQLite database; the folder and the file are created on first start.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/xiangqin.db"
    )]
    pub database_url: String,
    /// The built app (Trunk's `dist`); without an `index.html` only the API is served.
    #[arg(long, env = "XIANGQIN_STATIC_DIR", default_value = "dist")]
    pub static_dir: PathBuf,
    /// Working days per workflow step, e.g. `home_visit=7,county_approval=20` (others keep
    /// their defaults: submitted 5, home_visit 10, village_review 10, township_review 10,
    /// county_approval 15).
    #[arg(long, env = "XIANGQIN_DEADLINES", default_value = "", value_parser = workflow::Deadlines::parse)]
    pub deadlines: workflow::Deadlines,
    /// Requests per minute one client address may make to submit or look up declarations.
    #[arg(long, env = "XIANGQIN_RATE_LIMIT", default_value_t = 30)]
    pub rate_limit: u32,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Operator tasks (without one, the server runs).
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Review tokens for cadres.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum TokenAction {
    /// Issues a token and prints it once (only its hash is kept).
    Add {
        /// qinghai | longyan | shaanxi | inner_mongolia | liangzhou
        #[arg(long, value_parser = ["qinghai", "longyan", "shaanxi", "inner_mongolia", "liangzhou"])]
        region: String,
        /// Limit the token to one township (乡镇 / 苏木), as households write it.
        #[arg(long)]
        township: Option<String>,
        /// Who uses it (shown in the history of every change they make).
        #[arg(long)]
        name: String,
    },
}

/// Issues a review token: stores its hash and returns the token (to be shown once).
pub async fn issue_review_token(
    pool: &SqlitePool,
    reviewer: &db::Reviewer,
) -> Result<String, BoxError> {
    let token = format!("xqr_{}", token::new_secret());
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    db::add_reviewer_token(pool, &token::sha256_hex(&token), reviewer, &now).await?;
    Ok(token)
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub pool: SqlitePool,
    pub static_dir: PathBuf,
    pub deadlines: workflow::Deadlines,
    pub limiter: Arc<guard::RateLimiter>,
    /// Derives the status tokens of requests with an Idempotency-Key (see [`token`]).
    secret: Arc<[u8]>,
}

impl AppState {
    /// Loads (or on first start creates) the server secret from the database.
    pub async fn new(pool: SqlitePool, static_dir: impl Into<PathBuf>) -> Result<Self, BoxError> {
        let secret = db::status_token_secret(&pool).await?;
        Ok(AppState {
            pool,
            static_dir: static_dir.into(),
            deadlines: workflow::Deadlines::default(),
            limiter: Arc::new(guard::RateLimiter::new(30)),
            secret: secret.into(),
        })
    }

    /// Sets the deadlines and the rate limit from the configuration.
    pub fn configured(mut self, config: &Config) -> Self {
        self.deadlines = config.deadlines.clone();
        self.limiter = Arc::new(guard::RateLimiter::new(config.rate_limit));
        self
    }

    pub fn has_index_html(&self) -> bool {
        index_html(&self.static_dir).is_file()
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("static_dir", &self.static_dir)
            .finish_non_exhaustive()
    }
}

fn index_html(dir: &Path) -> PathBuf {
    dir.join("index.html")
}

/// Today's date in China (UTC+8 all year; no daylight saving), for validating dates.
pub fn today_in_china() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    // Submitting and looking up are rate-limited per client; the rest of the API is not.
    let limited = Router::new()
        .route("/v1/declarations", post(routes::submit_declaration))
        .route(
            "/v1/declarations/{receipt}",
            get(routes::declaration_status),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            state.limiter.clone(),
            guard::rate_limit,
        ));
    let api = Router::new()
        .merge(limited)
        .route("/v1/openapi.json", get(routes::openapi))
        .route("/v1/review/me", get(review::me))
        .route("/v1/review/declarations", get(review::list))
        .route("/v1/review/declarations.csv", get(review::csv))
        .route("/v1/review/declarations/{receipt}", get(review::detail))
        .route(
            "/v1/review/declarations/{receipt}/transitions",
            post(review::transition),
        )
        .fallback(routes::api_not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Answers carry personal data and tokens: never cache them anywhere.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));

    let router = Router::new()
        .route("/healthz", get(routes::healthz))
        .route("/readyz", get(routes::readyz))
        .nest("/api", api)
        // `nest` does not cover the bare prefix with a trailing slash.
        .route("/api/", any(routes::api_not_found));

    let dir = &state.static_dir;
    let router = if state.has_index_html() {
        // Unknown paths are app routes (/check, /report, …): answer with the app itself.
        let files = ServeDir::new(dir)
            .precompressed_br()
            .precompressed_gzip()
            .fallback(ServeFile::new(index_html(dir)));
        router.fallback_service(files)
    } else {
        router.fallback_service(ServeDir::new(dir).fallback(static_not_found.into_service()))
    };

    let csp: Arc<str> = guard::content_security_policy(dir).into();
    router
        .layer(axum::middleware::from_fn_with_state(csp, guard::headers))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            guard::REQUEST_TIMEOUT,
        ))
        // Method and path only (no headers, no bodies): nothing personal reaches the logs.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

async fn static_not_found() -> (
    StatusCode,
    [(header::HeaderName, &'static str); 1],
    &'static str,
) {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "没有找到这个页面。（服务器上没有安装乡亲的网页文件。）",
    )
}
