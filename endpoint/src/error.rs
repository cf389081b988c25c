//! The one error type of the endpoint and how it becomes an HTTP response.
//!
//! Every error answer is JSON: `{"error":{"code":"...","message":"中文"}}`, plus `fields` for 422.
//! Server errors (5xx) are logged with their cause and answered with a fixed message; the cause
//! (SQL, paths, …) never reaches the client.
use crate::health::{self, Fault};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
pub use xiangqin_api::{ErrorBody, ErrorDetail};
use xiangqin_rules::declaration::FieldError;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug)]
pub enum AppError {
    /// 400: the request itself is unusable (malformed JSON, a bad header).
    BadRequest { code: &'static str, message: String },
    /// 404: no such API route or resource.
    NotFound,
    /// 404: no declaration with this receipt and token (the two cases are not told apart).
    DeclarationNotFound,
    /// 405: the route exists but not with this method.
    MethodNotAllowed,
    /// 401: the review API without a valid token.
    Unauthorized,
    /// 401: a known token that no longer opens the review (expired, or of the old kind).
    TokenRefused { code: &'static str, message: String },
    /// 403: the token's role may not take this step.
    Forbidden { message: String },
    /// 409: this status change is not allowed from the declaration's current status.
    TransitionRefused { from: String, to: String },
    /// 409: the household may no longer withdraw (the home visit has begun, or it is closed).
    WithdrawalRefused { status: String },
    /// 409: the Idempotency-Key was already used for a different declaration.
    IdempotencyConflict,
    /// 408: the request took longer than the server waits (a stuck or very slow connection).
    RequestTimeout,
    /// 413: the body is larger than the limit.
    PayloadTooLarge,
    /// 415: the body is not declared as JSON.
    UnsupportedMediaType,
    /// 422: the declaration was understood but some fields are wrong.
    Invalid(Vec<FieldError>),
    /// 429: this client sent too many requests; it may try again after this many seconds.
    TooManyRequests { retry_after_secs: u64 },
    /// 503: the database cannot take writes now (see [`Fault`]); the client tries again later.
    Unavailable(Fault),
    /// 500: anything else; logged, never shown.
    Internal(BoxError),
}

impl AppError {
    pub fn internal(e: impl Into<BoxError>) -> Self {
        AppError::Internal(e.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::NotFound | AppError::DeclarationNotFound => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Unauthorized | AppError::TokenRefused { .. } => StatusCode::UNAUTHORIZED,
            AppError::Forbidden { .. } => StatusCode::FORBIDDEN,
            AppError::TransitionRefused { .. } => StatusCode::CONFLICT,
            AppError::IdempotencyConflict | AppError::WithdrawalRefused { .. } => {
                StatusCode::CONFLICT
            }
            AppError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest { code, .. } => code,
            AppError::NotFound => "not_found",
            AppError::DeclarationNotFound => "declaration_not_found",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::Unauthorized => "unauthorized",
            AppError::TokenRefused { code, .. } => code,
            AppError::Forbidden { .. } => "role_forbidden",
            AppError::TransitionRefused { .. } => "transition_not_allowed",
            AppError::IdempotencyConflict => "idempotency_conflict",
            AppError::WithdrawalRefused { .. } => "withdrawal_not_allowed",
            AppError::RequestTimeout => "request_timeout",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::Invalid(_) => "invalid",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::Unavailable(fault) => fault.code(),
            AppError::Internal(_) => "internal",
        }
    }

    pub fn message(&self) -> String {
        match self {
            AppError::BadRequest { message, .. } => message.clone(),
            AppError::NotFound => "没有找到这个地址。".into(),
            AppError::DeclarationNotFound => {
                "没有找到这份申报：回执号或查询码不对。请核对后再试。".into()
            }
            AppError::MethodNotAllowed => "这个地址不支持这种请求方式。".into(),
            AppError::Unauthorized => "请先用县乡发给您的审核口令登录。口令不对或已停用。".into(),
            AppError::TokenRefused { message, .. } | AppError::Forbidden { message } => {
                message.clone()
            }
            AppError::TransitionRefused { from, to } => {
                format!("现在是「{from}」，不能改为「{to}」。请刷新后按办理顺序操作。")
            }
            AppError::WithdrawalRefused { status } => format!(
                "这份申报已经是「{status}」，不能再撤回了。村干部入户核实开始后，如需更改或不再申报，请联系村委会。"
            ),
            AppError::IdempotencyConflict => {
                "这个提交编号已经用来提交过另一份不同的申报了。请刷新页面后重新提交。".into()
            }
            AppError::RequestTimeout => {
                "网络太慢，这次没有传完。您填的内容没有丢，请到信号好的地方再试。".into()
            }
            AppError::PayloadTooLarge => "提交的内容太长了，请删减后再提交。".into(),
            AppError::UnsupportedMediaType => {
                "提交的格式不对（需要 JSON）。请用乡亲的页面提交。".into()
            }
            AppError::Invalid(_) => "请检查下面标出的内容".into(),
            AppError::TooManyRequests { retry_after_secs } => format!(
                "这部手机提交得太频繁了，请 {retry_after_secs} 秒后再试。您填的内容没有丢。"
            ),
            AppError::Unavailable(fault) => fault.message_zh(),
            AppError::Internal(_) => {
                "服务器出了点问题，请稍后再试。您填的内容没有丢，可以再点一次提交。".into()
            }
        }
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppError::Internal(e) => write!(f, "internal error: {e}"),
            other => write!(f, "{}", other.code()),
        }
    }
}

/// A storage fault is a 503 (noted once in the log, see [`crate::health`]); any other database
/// error is a bug, a 500.
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match health::classify(&e) {
            Some(fault) => AppError::Unavailable(fault),
            None => AppError::Internal(Box::new(e)),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for AppError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        AppError::Internal(Box::new(e))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let AppError::Unavailable(fault) = &self {
            // Logged once per fault where it was found, not once per request.
            tracing::debug!(code = fault.code(), "answered 503");
        } else if status.is_server_error() {
            // The cause may be SQL text or a path, never personal data: the handlers pass no
            // declaration content into errors.
            tracing::error!(error = %self, "request failed");
        }
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code().into(),
                message: self.message(),
                fields: match &self {
                    AppError::Invalid(fields) => Some(fields.clone()),
                    _ => None,
                },
            },
        };
        let mut response = (status, Json(body)).into_response();
        let retry_after_secs = match self {
            AppError::TooManyRequests { retry_after_secs } => Some(retry_after_secs),
            AppError::Unavailable(fault) => Some(fault.retry_after_secs()),
            _ => None,
        };
        if let Some(secs) = retry_after_secs {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(secs),
            );
        }
        response
    }
}
