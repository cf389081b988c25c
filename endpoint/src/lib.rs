//! 乡亲 (Xiangqin) endpoint: receives households' self-declarations (一键申报), stores them in
//! SQLite (default) or PostgreSQL (see [`db`]), and serves the app's static files.
//!
//! - `GET /healthz` → `ok`; `GET /readyz` → `ready` (503 while the database cannot take a write)
//! - `POST /api/v1/declarations` → 201 `{receipt, status_token, status, submitted_at, service_name, deadlines}`
//! - `GET /api/v1/declarations/{receipt}` (with the status token) → status and history
//! - `GET /api/v1/service` → who receives the declarations and the deadlines promised ([`service`])
//! - `GET /api/v1/openapi.json` → the contract ([`openapi`], generated from the handlers)
//! - `/api/v1/review/…` → the cadres' review API, behind operator-issued bearer tokens scoped to
//!   a division code and a role ([`access`], [`review`]; exports in [`export`]); every read and
//!   move is audited
//! - `/places/county/<code>.txt` → a county's townships and villages (static files of the app;
//!   the endpoint checks declarations against the same lists, [`places`])
//! - any other `/api/…` → JSON 404; any other GET → a static file, else `index.html` (compressed
//!   like the files; 200 for the app's routes, 404 with the app's not-found screen for the rest,
//!   [`app_routes`]).
//!
//! Personal data (name, ID number, phone) is never logged: logs carry receipts only.
//!
//! Declarations are acknowledged only after their commit: on SQLite through group commits
//! ([`commit`]), on PostgreSQL one transaction per request. A storage fault (full disk, lock,
//! read-only or missing file, PostgreSQL down) is a 503 with `Retry-After`, never a 201
//! ([`health`]).
//!
//! Tests: `cargo test -p xiangqin-endpoint` runs everything on SQLite; with
//! `XIANGQIN_TEST_POSTGRES_URL` set (e.g. `$(scripts/postgres-test-server start)`) the tests that
//! store data run on PostgreSQL too (otherwise they print a note and pass without running).
pub mod access;
pub mod app_routes;
pub mod commit;
pub mod crypto;
pub mod db;
pub mod declaration_schema;
pub mod error;
pub mod export;
pub mod extract;
pub mod guard;
pub mod health;
pub mod openapi;
pub mod operator;
pub mod places;
pub mod proxy;
pub mod review;
pub mod route_table;
pub mod routes;
pub mod serve;
pub mod service;
pub mod token;
pub mod workflow;

pub use error::{AppError, BoxError};

/// Erases the personal fields of declarations closed more than `days` ago
/// ([`db::erase_closed`]); returns how many.
pub async fn erase_expired(pool: &db::Pool, days: u32) -> Result<u64, BoxError> {
    let now = chrono::Utc::now();
    let closed_by = (now - chrono::Duration::days(i64::from(days)))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let now = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let erased = db::erase_closed(pool, &closed_by, &now).await?;
    if erased > 0 {
        tracing::info!(
            erased,
            days,
            "personal fields of closed declarations erased after the retention"
        );
    }
    Ok(erased)
}

use axum::extract::DefaultBodyLimit;
use axum::handler::HandlerWithoutStateExt;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::any;
use axum::{Extension, Router};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
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
    /// `sqlite://PATH` (the folder and the file are created on first start) or
    /// `postgres://USER:PASSWORD@HOST:PORT/DATABASE` (the database must exist; tables are created).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/xiangqin.db"
    )]
    pub database_url: String,
    /// The built app (Trunk's `dist`); without an `index.html` only the API is served.
    #[arg(long, env = "XIANGQIN_STATIC_DIR", default_value = "dist")]
    pub static_dir: PathBuf,
    /// The operator's name for this service, shown to households on the form and the receipt as
    /// who receives their declarations, e.g. `长汀县乡村振兴局 乡亲申报` (at most 60 characters).
    #[arg(long, env = "XIANGQIN_SERVICE_NAME", value_parser = service::ServiceName::parse)]
    pub service_name: Option<service::ServiceName>,
    /// Working days this service promises per workflow step, e.g.
    /// `submitted=5,home_visit=7,county_approval=20`. Only the steps named get a deadline; with
    /// none, households are told no days (the policy documents give none).
    #[arg(long, env = "XIANGQIN_DEADLINES", default_value = "", value_parser = workflow::Deadlines::parse)]
    pub deadlines: workflow::Deadlines,
    /// Public holidays, not counted as working days, e.g. `2026-10-01..2026-10-07,2027-01-01`
    /// (from the State Council's notice for the year).
    #[arg(long, env = "XIANGQIN_HOLIDAYS", default_value = "", value_parser = workflow::Dates::parse)]
    pub holidays: workflow::Dates,
    /// Weekend days worked in exchange for a holiday (调休上班), counted as working days.
    #[arg(long, env = "XIANGQIN_MAKE_UP_WORKDAYS", default_value = "", value_parser = workflow::Dates::parse)]
    pub make_up_workdays: workflow::Dates,
    /// Requests per minute one client address may make to submit or look up declarations.
    #[arg(long, env = "XIANGQIN_RATE_LIMIT", default_value_t = 30)]
    pub rate_limit: u32,
    /// Load balancers or reverse proxies in front of the endpoint, e.g. `10.0.0.0/8,fd00::/8`:
    /// for a connection from one of them, the client (for the rate limit) is read from
    /// `X-Forwarded-For`. Empty (default): every connection is its own client.
    #[arg(long, env = "XIANGQIN_TRUSTED_PROXIES", default_value = "", value_parser = proxy::TrustedProxies::parse)]
    pub trusted_proxies: proxy::TrustedProxies,

    /// How declarations are committed on SQLite: `group` (one fsync for all waiting ones) or
    /// `each` (one transaction per request: the baseline the benchmarks compare with).
    #[arg(long, env = "XIANGQIN_COMMIT", value_enum, default_value_t = CommitMode::Group)]
    pub commit: CommitMode,
    /// Seconds to finish open requests after SIGTERM before stopping anyway (a connection that
    /// never finishes sending must not hold the stop; below the 30 s after which an orchestrator
    /// such as Kubernetes kills).
    #[arg(long, env = "XIANGQIN_SHUTDOWN_GRACE", default_value_t = 25)]
    pub shutdown_grace: u64,
    /// Seconds a client has to send its request headers before its connection is closed (a
    /// phone that never finishes them must not hold a connection).
    #[arg(long, env = "XIANGQIN_HEADER_TIMEOUT", default_value_t = 10)]
    pub header_timeout: u64,
    /// Connections one client address (an IPv6 /64) may hold open at once; more are closed at
    /// once. Trusted proxies are not counted.
    #[arg(
        long,
        env = "XIANGQIN_MAX_CONNECTIONS_PER_CLIENT",
        default_value_t = 64
    )]
    pub max_connections_per_client: usize,
    /// The data key that encrypts names, ID numbers, phone numbers and texts in the database: a
    /// file of 64 hex characters (`openssl rand -hex 32`), kept apart from the database and its
    /// backups. Without it, a SQLite database uses `<database file>.key`, created on first
    /// start; PostgreSQL needs it given.
    #[arg(long, env = "XIANGQIN_DATA_KEY_FILE")]
    pub data_key_file: Option<PathBuf>,
    /// Days after a declaration is closed (已撤回, 不予纳入, 风险消除) when its personal fields
    /// (name, ID number, phone, the texts) are erased; its place, status and history stay.
    /// Without it nothing is erased (the policy documents set no period: the operator does).
    #[arg(long, env = "XIANGQIN_RETENTION_DAYS")]
    pub retention_days: Option<u32>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Operator tasks (without one, the server runs); see [`operator`].
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Review tokens for cadres.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Prints the audit log of the review API: who opened, exported or moved what, and every
    /// refused attempt, oldest first.
    Audit {
        /// How many of the newest lines to print.
        #[arg(long, default_value_t = 1000)]
        limit: i64,
    },
    /// The data key (`--data-key-file`).
    Key {
        #[command(subcommand)]
        action: KeyAction,
    },
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum KeyAction {
    /// Writes a new random data key to a new file (mode 0600; never overwrites).
    Generate {
        /// Where to write it.
        path: PathBuf,
    },
    /// Re-encrypts every declaration with the key in `--new-key-file` (the current key is
    /// `--data-key-file`, or the default beside a SQLite file), in one transaction. Stop the
    /// servers first; afterwards start them with the new key (the old one no longer opens the
    /// database).
    Rotate {
        #[arg(long)]
        new_key_file: PathBuf,
    },
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum TokenAction {
    /// Issues a token and prints it once (only its hash is kept).
    Add {
        /// The division code it sees (统计用区划代码 of places/): 2 digits a province (63, 61,
        /// 15), 4 a city (Longyan 3508), 6 a county or district (Liangzhou 620602), 9 a township,
        /// 12 a village. The region follows from it.
        #[arg(long)]
        division: String,
        /// village (入户核实, 村级评议公示) | township (乡镇审核) | county (县级审批, 纳入 / 不予纳入,
        /// 风险消除) | observer (reads only).
        #[arg(long, value_parser = ["village", "township", "county", "observer"])]
        role: String,
        /// Who uses it (shown in the history of every change they make, and in the audit log).
        #[arg(long)]
        name: String,
        /// The last day it works, YYYY-MM-DD (China time); default: one year from today.
        #[arg(long)]
        expires: Option<NaiveDate>,
    },
    /// Lists the tokens issued (number, name, division, role, issued, expires, state); never the tokens.
    List,
    /// Revokes a token by its number in `token list`: it stops working at once.
    Revoke {
        /// The number shown by `token list`.
        id: i64,
    },
}

/// Issues a review token: stores its hash and returns the token (to be shown once).
pub async fn issue_review_token(pool: &db::Pool, t: &db::NewToken) -> Result<String, BoxError> {
    let token = format!("xqr_{}", token::new_secret());
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    db::add_reviewer_token(pool, &token::sha256_hex(&token), t, &now).await?;
    Ok(token)
}

impl Config {
    /// What [`serve::serve`] protects the server with.
    pub fn serve_limits(&self) -> serve::Limits {
        serve::Limits {
            header_timeout: std::time::Duration::from_secs(self.header_timeout.max(1)),
            connections_per_client: self.max_connections_per_client,
            trusted_proxies: self.trusted_proxies.clone(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CommitMode {
    Group,
    Each,
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub pool: db::Pool,
    pub static_dir: PathBuf,
    /// The operator's name for this service (`--service-name`), if given.
    pub service_name: Option<service::ServiceName>,
    /// The working days promised per step (`--deadlines`); empty: none promised.
    pub deadlines: workflow::Deadlines,
    /// Which days count as working days for the deadlines.
    pub calendar: workflow::WorkCalendar,
    pub limiter: Arc<guard::RateLimiter>,
    /// Writes declarations (group commit on SQLite, see [`commit`]).
    pub writer: commit::Writer,
    /// Derives the status tokens of requests with an Idempotency-Key (see [`token`]).
    secret: Arc<[u8]>,
    /// Seals and opens the personal data in the database ([`crypto`]).
    pub data_key: crypto::DataKey,
}

impl AppState {
    /// Loads (or on first start creates) the server secret from the database, and checks that
    /// `data_key` is the database's ([`db::protect_at_rest`]).
    pub async fn new(
        pool: db::Pool,
        static_dir: impl Into<PathBuf>,
        data_key: crypto::DataKey,
    ) -> Result<Self, BoxError> {
        db::protect_at_rest(&pool, &data_key).await?;
        let secret = db::status_token_secret(&pool).await?;
        // Declarations from before places were codes get the codes their names stand for.
        let matched = db::match_legacy_places(&pool, places::Places::official()).await?;
        if matched > 0 {
            tracing::info!(
                matched,
                "declarations without a place code matched to the lists"
            );
        }
        Ok(AppState {
            writer: commit::Writer::for_pool(pool.clone()),
            pool,
            static_dir: static_dir.into(),
            service_name: None,
            deadlines: workflow::Deadlines::default(),
            calendar: workflow::WorkCalendar::default(),
            limiter: Arc::new(guard::RateLimiter::new(30)),
            secret: secret.into(),
            data_key,
        })
    }

    /// Sets the service name, the deadlines, the work calendar, the rate limit and the trusted
    /// proxies from the configuration.
    pub fn configured(mut self, config: &Config) -> Self {
        self.service_name = config.service_name.clone();
        self.deadlines = config.deadlines.clone();
        self.calendar = workflow::WorkCalendar {
            holidays: config.holidays.clone(),
            make_up_workdays: config.make_up_workdays.clone(),
        };
        self.limiter = Arc::new(
            guard::RateLimiter::new(config.rate_limit).trusting(config.trusted_proxies.clone()),
        );
        if config.commit == CommitMode::Each {
            self.writer = commit::Writer::direct(self.pool.clone());
        }
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

/// The last day in China before an RFC 3339 instant: the last day of a validity that ends then
/// (the text itself when it is not an instant).
pub fn last_china_day(end: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(end).map_or(end.to_string(), |t| {
        let last = t.to_utc() + chrono::Duration::hours(8) - chrono::Duration::seconds(1);
        last.date_naive().to_string()
    })
}

/// The instant a day in China ends (the next midnight there), as RFC 3339 UTC.
pub fn end_of_china_day(day: NaiveDate) -> String {
    let midnight = day
        .succ_opt()
        .unwrap_or(day)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    (midnight.and_utc() - chrono::Duration::hours(8))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    // Every route is registered with its documentation (see [`route_table`], [`openapi`]).
    let (api, _) = route_table::api_routes(state.limiter.clone()).split_for_parts();
    let api = api
        .fallback(routes::api_not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Answers carry personal data and tokens: never cache them anywhere.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));

    let api = api.layer(Extension(routes::ApiDocument(openapi::document_json())));
    let (probes, _) = route_table::probe_routes().split_for_parts();
    let router = probes
        .nest("/api", api)
        // `nest` does not cover the bare prefix with a trailing slash.
        .route("/api/", any(routes::api_not_found));

    let dir = &state.static_dir;
    let router = if state.has_index_html() {
        // Paths that are no file are the app's routes (/check, /review, …), or nothing: answer
        // with the app's page for it, which shows its not-found screen for the latter.
        let pages = dir.clone();
        let app_page =
            tower::service_fn(move |request| app_routes::serve_page(pages.clone(), request));
        let files = ServeDir::new(dir)
            .precompressed_br()
            .precompressed_gzip()
            .fallback(app_page);
        router.fallback_service(files)
    } else {
        router.fallback_service(ServeDir::new(dir).fallback(static_not_found.into_service()))
    };

    let csp: Arc<str> = guard::content_security_policy(dir).into();
    router
        .layer(axum::middleware::from_fn(guard::timeout))
        // A bug that panics in a handler answers the JSON 500 (and is logged) instead of
        // dropping the phone's connection without a word.
        .layer(CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| {
                AppError::internal("a request handler panicked").into_response()
            },
        ))
        .layer(axum::middleware::from_fn_with_state(csp, guard::headers))
        // Method and path only (no query string, headers or bodies): nothing personal reaches
        // the logs. The query may hold a status token (`?token=`) or a village (review filters).
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &axum::http::Request<_>| {
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                    )
                })
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
