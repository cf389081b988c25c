//! The handlers.
use crate::db::{self, NewDeclaration, Submitted, UniqueTaken};
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath};
use crate::token;
use crate::AppState;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use axum::Json;
use chrono::{SecondsFormat, Utc};
use serde::Deserialize;
use uuid::Uuid;
use xiangqin_api::{HistoryItem, Receipt, Status};
use xiangqin_rules::declaration::{Declaration, FieldError};
use xiangqin_rules::workflow::Step;

/// Tells a client that the answer repeats an earlier submission (HTTP 200 instead of 201).
pub const IDEMPOTENT_REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");
/// How many fresh receipts to try when one is already taken (40 random bits: practically never).
const RECEIPT_ATTEMPTS: usize = 5;

/// `GET /healthz`
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The process is up.", body = String, content_type = "text/plain")))]
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /api/v1/openapi.json`
#[utoipa::path(get, path = "/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "This document (OpenAPI 3.1).", body = Object)))]
pub async fn openapi(Extension(ApiDocument(json)): Extension<ApiDocument>) -> Response {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        String::from(&*json),
    )
        .into_response()
}

/// The OpenAPI document as JSON, given to the router by [`crate::app`] (built by
/// [`crate::openapi`] from the route table, which names this module's handlers).
#[derive(Clone)]
pub struct ApiDocument(pub std::sync::Arc<str>);

/// `GET /readyz`: 200 when the database takes a write now (a real write, bounded in time), else
/// 503 with the fault.
#[utoipa::path(get, path = "/readyz", tag = "operations", responses(
    (status = 200, description = "The database takes writes.", body = String, content_type = "text/plain"),
    (status = 503, description = "The database cannot take writes now (full disk, locked, read-only, missing, down); see Retry-After.", body = crate::error::ErrorBody)))]
pub async fn readyz(State(state): State<AppState>) -> Result<&'static str, AppError> {
    state.writer.probe().await.map(|()| "ready")
}

pub async fn api_not_found() -> AppError {
    AppError::NotFound
}

pub async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// `GET /api/v1/declarations/{receipt}` with the status token (header `X-Status-Token`, or
/// `?token=`). An unknown receipt and a wrong token get the same 404, so receipts cannot be
/// probed; tokens are compared by their hashes in constant time.
#[utoipa::path(get, path = "/v1/declarations/{receipt}", tag = "households",
    params(
        ("receipt" = String, Path, description = "`XQ-XXXX-XXXX`", pattern = "^XQ-[0-9A-Z]{4}-[0-9A-Z]{4}$"),
        ("X-Status-Token" = Option<String>, Header, description = "The status_token given with the receipt (or the `token` query parameter)."),
        ("token" = Option<String>, Query, description = "The status token, when a header cannot be set (a link or QR code)."),
    ),
    responses(
        (status = 200, description = "Status and history; no personal data.", body = Status),
        (status = 404, description = "Unknown receipt or wrong token (not told apart).", body = crate::error::ErrorBody),
        (status = 429, description = "Too many requests from this client (see Retry-After).", body = crate::error::ErrorBody),
        (status = 503, description = "The database cannot answer now (down, restarting, file missing); see Retry-After.", body = crate::error::ErrorBody),
    ))]
pub async fn declaration_status(
    State(state): State<AppState>,
    ApiPath(receipt): ApiPath<String>,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
) -> Result<Json<Status>, AppError> {
    let (receipt, found) = own_declaration(&state, &receipt, Some(&uri), &headers).await?;
    tracing::info!(receipt = %receipt, "status looked up");
    Ok(Json(status_of(&state, receipt, found).await?))
}

/// The household's own declaration: the receipt (normalized) and what is stored, when the
/// status token (header `X-Status-Token`, or `?token=`) is the receipt's; else the same 404 for
/// an unknown receipt and a wrong token.
/// `uri`: where the `?token=` of a link may be (a withdrawal takes the header only: a POST is
/// never a link).
async fn own_declaration(
    state: &AppState,
    receipt: &str,
    uri: Option<&axum::http::Uri>,
    headers: &axum::http::HeaderMap,
) -> Result<(String, db::Tracked), AppError> {
    let receipt = receipt.trim().to_ascii_uppercase();
    let given = headers
        .get(xiangqin_api::STATUS_TOKEN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        // A query that does not parse (say, two tokens) gives no token: the same 404 as a wrong one.
        .or_else(|| {
            Query::<TokenQuery>::try_from_uri(uri?)
                .ok()
                .and_then(|q| q.0.token)
        })
        .unwrap_or_default();
    let given = given.trim().to_ascii_lowercase();
    let found = db::find_by_receipt(&state.pool, &receipt).await?;
    let Some(found) = found else {
        return Err(AppError::DeclarationNotFound);
    };
    if !token::hashes_match(&token::sha256_hex(&given), &found.status_token_hash) {
        return Err(AppError::DeclarationNotFound);
    }
    Ok((receipt, found))
}

/// What the household sees of its declaration.
async fn status_of(
    state: &AppState,
    receipt: String,
    found: db::Tracked,
) -> Result<Status, AppError> {
    let history = db::history(&state.pool, found.id)
        .await?
        .into_iter()
        .map(|e| {
            // Cadres' notes may speak of other people (neighbours, the village's review); the
            // household sees only the reason it was not included, which it needs to appeal.
            let note = e.note.filter(|_| e.status.needs_reason());
            Ok(HistoryItem {
                status_zh: e.status.label_zh().to_string(),
                note: crate::review::open_note(state, &receipt, note)?,
                status: e.status,
                at: e.at,
            })
        })
        .collect::<Result<_, AppError>>()?;
    let service = crate::service::of(state);
    Ok(Status {
        status_zh: found.status.label_zh().to_string(),
        withdrawable: found.status.household_may_take(Step::Withdrawn),
        receipt,
        status: found.status,
        submitted_at: found.created_at,
        history,
        service_name: service.service_name,
        deadlines: service.deadlines,
    })
}

/// `POST /api/v1/declarations/{receipt}/withdrawal`: the household withdraws its declaration
/// (已撤回) with its status token, as long as the home visit has not begun. Withdrawing one
/// already withdrawn answers the same (a retry after a lost answer).
#[utoipa::path(post, path = "/v1/declarations/{receipt}/withdrawal", tag = "households",
    params(
        ("receipt" = String, Path, description = "`XQ-XXXX-XXXX`", pattern = "^XQ-[0-9A-Z]{4}-[0-9A-Z]{4}$"),
        ("X-Status-Token" = String, Header, description = "The status_token given with the receipt (in the header only: never in the address of a POST)."),
    ),
    responses(
        (status = 200, description = "Withdrawn (已撤回): the status and history as they are now.", body = Status),
        (status = 409, description = "The home visit has begun (or the case is closed): no longer withdrawable, in Chinese.", body = crate::error::ErrorBody),
        (status = 404, description = "Unknown receipt or wrong token (not told apart).", body = crate::error::ErrorBody),
        (status = 503, description = "The database cannot answer now; see Retry-After.", body = crate::error::ErrorBody),
        (status = 429, description = "Too many requests from this client (see Retry-After).", body = crate::error::ErrorBody),
    ))]
pub async fn withdraw_declaration(
    State(state): State<AppState>,
    ApiPath(receipt): ApiPath<String>,
    headers: axum::http::HeaderMap,
) -> Result<Json<Status>, AppError> {
    let (receipt, found) = own_declaration(&state, &receipt, None, &headers).await?;
    if found.status != Step::Withdrawn {
        let refused = |status: Step| AppError::WithdrawalRefused {
            status: status.label_zh().to_string(),
        };
        if !found.status.household_may_take(Step::Withdrawn) {
            return Err(refused(found.status));
        }
        let at = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
        let moved = db::transition(
            &state.pool,
            found.id,
            found.status,
            Step::Withdrawn,
            "household",
            None,
            &at,
            None,
        )
        .await?;
        if !moved {
            // A cadre began the home visit at that moment.
            let now = db::find_by_receipt(&state.pool, &receipt).await?;
            let status = now.map_or(found.status, |n| n.status);
            if status != Step::Withdrawn {
                return Err(refused(status));
            }
        }
        tracing::info!(receipt = %receipt, "declaration withdrawn by the household");
    }
    let found = db::find_by_receipt(&state.pool, &receipt)
        .await?
        .ok_or(AppError::DeclarationNotFound)?;
    Ok(Json(status_of(&state, receipt, found).await?))
}

/// The `Idempotency-Key` header: a UUID (any version but nil and max), else 400. The client
/// makes a new random one (v4) per declaration and resends it with every retry; without one a
/// retry after a lost answer would store the declaration twice, so it is required.
pub struct IdempotencyKey(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(xiangqin_api::IDEMPOTENCY_KEY) else {
            return Err(AppError::BadRequest {
                code: "missing_idempotency_key",
                message:
                    "缺少提交编号（Idempotency-Key），无法防止重复提交。请刷新页面后重新提交。"
                        .into(),
            });
        };
        value
            .to_str()
            .ok()
            .and_then(|v| Uuid::try_parse(v.trim()).ok())
            // The all-zero and all-one UUIDs are placeholders, not keys: two households sending
            // one would collide.
            .filter(|k| !k.is_nil() && !k.is_max())
            .map(IdempotencyKey)
            .ok_or_else(|| AppError::BadRequest {
                code: "invalid_idempotency_key",
                message:
                    "提交编号（Idempotency-Key）格式不对，应该是一个 UUID。请刷新页面后重新提交。"
                        .into(),
            })
    }
}

/// `POST /api/v1/declarations`
#[utoipa::path(post, path = "/v1/declarations", tag = "households",
    request_body(content = crate::declaration_schema::DeclarationSchema, content_type = "application/json"),
    params(("Idempotency-Key" = uuid::Uuid, Header,
        description = "Required. A UUID made on the phone per declaration and resent with every retry: the same key and body answer 200 with the same receipt; the same key with another body answers 409.")),
    responses(
        (status = 201, description = "Stored (after the commit is durable).", body = Receipt),
        (status = 200, description = "The same key and body again: the same receipt (header Idempotent-Replayed: true).", body = Receipt),
        (status = 400, description = "Malformed JSON, or a missing or bad Idempotency-Key.", body = crate::error::ErrorBody),
        (status = 409, description = "The key was used for a different declaration.", body = crate::error::ErrorBody),
        (status = 408, description = "The request took longer than 30 s (a very slow or stuck connection); nothing was stored.", body = crate::error::ErrorBody),
        (status = 413, description = "Body over 64 KiB.", body = crate::error::ErrorBody),
        (status = 415, description = "Not JSON.", body = crate::error::ErrorBody),
        (status = 422, description = "Invalid fields: a machine code and a Chinese message per field.", body = crate::error::ErrorBody),
        (status = 429, description = "Too many requests from this client (see Retry-After).", body = crate::error::ErrorBody),
        (status = 503, description = "Not stored: the database cannot take writes now (disk full, locked, read-only, file missing, down or restarting); see Retry-After. Send it again later with the same Idempotency-Key.", body = crate::error::ErrorBody),
    ))]
pub async fn submit_declaration(
    State(state): State<AppState>,
    IdempotencyKey(key): IdempotencyKey,
    ApiJson(declaration): ApiJson<Declaration>,
) -> Result<Response, AppError> {
    let declaration = with_official_names(declaration.normalized())?;

    let body_json = serde_json::to_string(&declaration).map_err(AppError::internal)?;
    let body_sha256 = state.data_key.body_hash(&body_json);
    let key_hash = token::idempotency_key_hash(&key);

    if let Some(earlier) = db::find_by_idempotency_key(&state.pool, &key_hash).await? {
        return replay(&state, key, earlier, &body_sha256);
    }

    let status_token = token::keyed_status_token(&state.secret, &key);
    let region = serde_json::to_value(declaration.region)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .ok_or_else(|| AppError::internal("region did not serialize as a string"))?;
    let created_at = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    let mut row = NewDeclaration {
        receipt: String::new(),
        status_token_hash: token::sha256_hex(&status_token),
        idempotency_key_hash: key_hash.clone(),
        body_sha256: body_sha256.clone(),
        status: Step::Submitted,
        region,
        place_code: declaration.place.code.as_str().to_string(),
        county: declaration.place.county.clone(),
        township: declaration.place.township.clone(),
        village: declaration.place.village.clone(),
        applicant_name: declaration.applicant.name.clone(),
        id_number: declaration.applicant.id_number.clone(),
        phone: declaration.applicant.phone.clone(),
        body_json,
        created_at: created_at.clone(),
    };

    for _ in 0..RECEIPT_ATTEMPTS {
        row.receipt = token::new_receipt();
        // Sealed for this receipt (it is part of what the encryption binds each value to).
        match state
            .writer
            .insert(row.sealed(&state.data_key), "household")
            .await?
        {
            Ok(_) => {
                tracing::info!(receipt = %row.receipt, "declaration submitted");
                let body = receipt_of(
                    &state,
                    row.receipt,
                    status_token,
                    Step::Submitted,
                    created_at,
                );
                return Ok((StatusCode::CREATED, Json(body)).into_response());
            }
            Err(UniqueTaken) => {
                // Either a concurrent request with the same key won the race, or the receipt is taken.
                if let Some(earlier) = db::find_by_idempotency_key(&state.pool, &key_hash).await? {
                    return replay(&state, key, earlier, &body_sha256);
                }
                tracing::warn!("receipt already taken, drawing another");
            }
        }
    }
    Err(AppError::internal("no free receipt after several attempts"))
}

/// Validates the declaration and checks its place against the official list (`place.code` must
/// be listed, and in the declaration's region); the names of the list replace whatever the
/// client sent, except a village the household wrote beside a township code.
fn with_official_names(mut declaration: Declaration) -> Result<Declaration, AppError> {
    let mut errors = declaration
        .validate(crate::today_in_china())
        .err()
        .unwrap_or_default();
    match crate::places::Places::official().resolve(&declaration.place.code) {
        Some(names) => {
            declaration.place.county = names.county;
            declaration.place.township = names.township;
            if let Some(village) = names.village {
                declaration.place.village = village;
            }
        }
        None => errors.push(FieldError {
            field: "place.code".into(),
            code: "place_unknown".into(),
            message: "官方名单里没有这个地方。请重新选择县、乡镇和村。".into(),
        }),
    }
    if errors.is_empty() {
        Ok(declaration)
    } else {
        Err(AppError::Invalid(errors))
    }
}

/// The answer to a declaration recorded (now or before), with who received it.
fn receipt_of(
    state: &AppState,
    receipt: String,
    status_token: String,
    status: Step,
    submitted_at: String,
) -> Receipt {
    let service = crate::service::of(state);
    Receipt {
        receipt,
        status_token,
        status,
        submitted_at,
        service_name: service.service_name,
        deadlines: service.deadlines,
    }
}

/// Answers a request whose key was used before: the same answer for the same declaration,
/// 409 for a different one.
fn replay(
    state: &AppState,
    key: Uuid,
    earlier: Submitted,
    body_sha256: &str,
) -> Result<Response, AppError> {
    if earlier.body_sha256 != body_sha256 {
        tracing::info!(receipt = %earlier.receipt, "idempotency key reused for a different declaration");
        return Err(AppError::IdempotencyConflict);
    }
    tracing::info!(receipt = %earlier.receipt, "declaration replayed");
    let body = receipt_of(
        state,
        earlier.receipt,
        token::keyed_status_token(&state.secret, &key),
        earlier.status,
        earlier.created_at,
    );
    Ok((
        StatusCode::OK,
        [(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"))],
        Json(body),
    )
        .into_response())
}
