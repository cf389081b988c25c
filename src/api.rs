//! The endpoint's JSON API (`/api/v1/…`), one typed client over gloo-net.
use gloo_net::http::Request;
use serde::{Deserialize, Serialize};
use xiangqin_rules::declaration::FieldError;

pub const DECLARATIONS_URL: &str = "/api/v1/declarations";

/// What the endpoint answers when it has recorded a declaration (201, or 200 for a repeat).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Receipt {
    /// The code the household keeps (回执号), `XQ-XXXX-XXXX`.
    pub receipt: String,
    /// Proves this device made the declaration (for asking about it later).
    #[serde(default)]
    pub status_token: String,
    /// Working days each verification step may take in this deployment.
    #[serde(default)]
    pub deadlines: Vec<Deadline>,
}

/// How long one verification step may take (configured by the endpoint's operator).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deadline {
    pub step: String,
    pub label_zh: String,
    pub working_days: u32,
}

/// A declaration's status and history, as the household may see them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Status {
    pub receipt: String,
    pub status: String,
    pub status_zh: String,
    pub submitted_at: String,
    pub history: Vec<HistoryItem>,
    #[serde(default)]
    pub deadlines: Vec<Deadline>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct HistoryItem {
    pub status: String,
    pub status_zh: String,
    pub at: String,
    pub note: Option<String>,
}

/// Why a status lookup gave nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum LookupError {
    Network,
    /// Unknown receipt, or a token that does not match (the endpoint does not say which).
    NotFound,
    Server(u16),
}

/// `GET /api/v1/declarations/{receipt}` with the status token.
pub async fn declaration_status(receipt: &str, token: &str) -> Result<Status, LookupError> {
    let url = format!("{DECLARATIONS_URL}/{}", receipt.trim());
    let response = Request::get(&url)
        .header("Accept", "application/json")
        .header("X-Status-Token", token.trim())
        .send()
        .await
        .map_err(|_| LookupError::Network)?;
    match response.status() {
        200 => response
            .json::<Status>()
            .await
            .map_err(|_| LookupError::Server(200)),
        404 => Err(LookupError::NotFound),
        s => Err(LookupError::Server(s)),
    }
}

/// The endpoint's error answer: `{"error":{"code":…,"message":…,"fields":[…]}}`; `fields`
/// (one entry per wrong field) comes with 422.
#[derive(Debug, Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Debug, Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    fields: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SendError {
    /// It did not reach the server (no network, timeout): nothing was recorded.
    Network,
    /// The server checked it and refused these fields.
    Rejected(Vec<FieldError>),
    /// Anything else the server answered (status code).
    Server(u16),
}

/// Posts a declaration (already serialized) with its idempotency key: sending the same key twice
/// records it once.
pub async fn send_declaration(body: String, idempotency_key: &str) -> Result<Receipt, SendError> {
    let response = Request::post(DECLARATIONS_URL)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .header("Idempotency-Key", idempotency_key)
        .body(body)
        .map_err(|_| SendError::Network)?
        .send()
        .await
        .map_err(|_| SendError::Network)?;
    match response.status() {
        200 | 201 => response
            .json::<Receipt>()
            .await
            .map_err(|_| SendError::Server(response.status())),
        422 => match response.json::<ErrorBody>().await {
            Ok(body) if !body.error.fields.is_empty() => {
                Err(SendError::Rejected(body.error.fields))
            }
            _ => Err(SendError::Server(422)),
        },
        status => Err(SendError::Server(status)),
    }
}
