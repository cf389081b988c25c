//! The endpoint's JSON API (`/api/v1/…`), one typed client over gloo-net.
use gloo_net::http::Request;
use serde::Deserialize;
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
