//! The endpoint's JSON API (`/api/v1/…`), one typed client over gloo-net.
use gloo_net::http::Request;
use serde::{Deserialize, Serialize};
use xiangqin_rules::declaration::FieldError;

pub const DECLARATIONS_URL: &str = "/api/v1/declarations";
pub const SERVICE_URL: &str = "/api/v1/service";

/// Who receives declarations at this endpoint (`GET /api/v1/service`): the operator's name for
/// the service and the working days it promises per step, if any. The receipt and the status
/// carry the same two fields side by side (not `#[serde(flatten)]`, which costs the Wasm dearly).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Service {
    #[serde(default)]
    pub service_name: Option<String>,
    #[serde(default)]
    pub deadlines: Vec<Deadline>,
}

/// `GET /api/v1/service`; `None` without a network or a readable answer.
pub async fn service() -> Option<Service> {
    let response = Request::get(SERVICE_URL)
        .header("Accept", "application/json")
        .send()
        .await
        .ok()?;
    if response.status() != 200 {
        return None;
    }
    response.json::<Service>().await.ok()
}

impl Service {
    /// The service as a receipt or status names it.
    pub fn of(service_name: &Option<String>, deadlines: &[Deadline]) -> Service {
        Service {
            service_name: service_name.clone(),
            deadlines: deadlines.to_vec(),
        }
    }
}

/// What the endpoint answers when it has recorded a declaration (201, or 200 for a repeat).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Receipt {
    /// The code the household keeps (回执号), `XQ-XXXX-XXXX`.
    pub receipt: String,
    /// Proves this device made the declaration (for asking about it later).
    #[serde(default)]
    pub status_token: String,
    /// Who received it: the operator's name for the service (`None`: it gave none).
    #[serde(default)]
    pub service_name: Option<String>,
    /// The working days the service promised per step (empty: none).
    #[serde(default)]
    pub deadlines: Vec<Deadline>,
}

/// How long one verification step may take, as the endpoint's operator promised it.
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
    /// Whether the household may still withdraw it (until the home visit begins).
    #[serde(default)]
    pub withdrawable: bool,
    pub history: Vec<HistoryItem>,
    #[serde(default)]
    pub service_name: Option<String>,
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
    /// 409 to a withdrawal: the home visit has begun.
    TooLate,
    Server(u16),
}

/// `GET /api/v1/declarations/{receipt}` with the status token.
pub async fn declaration_status(receipt: &str, token: &str) -> Result<Status, LookupError> {
    let url = format!("{DECLARATIONS_URL}/{}", receipt.trim());
    household_request(Request::get(&url), token).await
}

/// `POST /api/v1/declarations/{receipt}/withdrawal` with the status token: the status after.
pub async fn withdraw_declaration(receipt: &str, token: &str) -> Result<Status, LookupError> {
    let url = format!("{DECLARATIONS_URL}/{}/withdrawal", receipt.trim());
    household_request(Request::post(&url), token).await
}

/// A household's request on its own declaration, with its status token: the status it answers.
async fn household_request(
    request: gloo_net::http::RequestBuilder,
    token: &str,
) -> Result<Status, LookupError> {
    let response = request
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
        409 => Err(LookupError::TooLate),
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
    message: String,
    #[serde(default)]
    fields: Vec<FieldError>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SendError {
    /// It did not reach the server (no network, timeout): nothing was recorded.
    Network,
    /// The server could not take it now (a 5xx such as 503 for a full disk, 408, 429, or an
    /// answer that could not be read): it is sent again later.
    Unavailable(u16),
    /// The server refused it for good (any other 4xx): sending the same again would be refused
    /// again. Its message, and for 422 the fields to change.
    Refused {
        status: u16,
        message: String,
        fields: Vec<FieldError>,
    },
}

/// Whether the server will never take this body, whatever the retries: a 4xx, but not 408
/// (too slow this time) or 429 (too often this time).
fn is_final(status: u16) -> bool {
    (400..500).contains(&status) && status != 408 && status != 429
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
            .map_err(|_| SendError::Unavailable(response.status())),
        status if is_final(status) => {
            let detail = response.json::<ErrorBody>().await.ok().map(|b| b.error);
            let (message, fields) = detail.map(|d| (d.message, d.fields)).unwrap_or_default();
            Err(SendError::Refused {
                status,
                message,
                fields,
            })
        }
        status => Err(SendError::Unavailable(status)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_4xx_other_than_408_and_429_is_final() {
        for status in [400, 404, 409, 413, 415, 422] {
            assert!(super::is_final(status), "{status}");
        }
        for status in [408, 429, 500, 502, 503, 504, 200] {
            assert!(!super::is_final(status), "{status}");
        }
    }
}

// ---- review API (cadres) ----

/// The signed-in reviewer: the token's division, role and the steps it may take.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Reviewer {
    pub name: String,
    pub region: String,
    pub division: String,
    /// e.g. 青海省 西宁市 大通回族土族自治县 城关镇.
    pub division_name: String,
    pub role: String,
    pub role_zh: String,
    pub steps: Vec<String>,
    /// RFC 3339, UTC.
    pub expires_at: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ReviewItem {
    pub receipt: String,
    pub status: String,
    pub status_zh: String,
    pub county: String,
    pub township: String,
    pub village: String,
    pub applicant_name: String,
    pub phone: String,
    pub submitted_at: String,
    /// China time, `2026-12-02 14:05`.
    pub submitted_at_china: String,
    pub due_on: Option<String>,
    pub overdue: bool,
    pub linked_to: Option<String>,
    /// The same ID number has a declaration the reviewer may not see.
    #[serde(default)]
    pub linked_elsewhere: bool,
    /// The steps this reviewer may take now (the endpoint offers only its role's).
    pub next: Vec<String>,
    /// Who takes the next step, when this reviewer cannot.
    #[serde(default)]
    pub waiting_for: Option<String>,
    /// When its personal fields were erased after the retention (name and phone are empty).
    #[serde(default)]
    pub erased_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ReviewHistory {
    pub status: String,
    pub status_zh: String,
    pub actor: String,
    /// Who, in Chinese (农户本人, the service centre's operator of a 代填, or the cadre).
    pub actor_zh: String,
    pub at: String,
    /// China time, `2026-12-02 14:05`.
    pub at_china: String,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ReviewDetail {
    #[serde(flatten)]
    pub item: ReviewItem,
    pub id_number: String,
    pub declaration: serde_json::Value,
    pub history: Vec<ReviewHistory>,
    pub linked: Vec<String>,
}

/// Why a review request failed: the message to show (the endpoint's Chinese message, or ours).
#[derive(Debug, Clone, PartialEq)]
pub enum ReviewError {
    Network,
    Unauthorized,
    /// The endpoint's message (e.g. a refused transition, a missing reason).
    Refused(String),
}

async fn review_request(
    method: &str,
    path: &str,
    token: &str,
    body: Option<String>,
) -> Result<gloo_net::http::Response, ReviewError> {
    let url = format!("/api/v1/review/{path}");
    let builder = match method {
        "POST" => Request::post(&url),
        _ => Request::get(&url),
    }
    .header("Accept", "application/json")
    .header("Authorization", &format!("Bearer {}", token.trim()));
    let request = match body {
        Some(b) => builder
            .header("Content-Type", "application/json")
            .body(b)
            .map_err(|_| ReviewError::Network)?,
        None => builder.build().map_err(|_| ReviewError::Network)?,
    };
    let response = request.send().await.map_err(|_| ReviewError::Network)?;
    match response.status() {
        200..=299 => Ok(response),
        401 => Err(ReviewError::Unauthorized),
        _ => {
            #[derive(Deserialize)]
            struct E {
                error: EMsg,
            }
            #[derive(Deserialize)]
            struct EMsg {
                message: String,
                #[serde(default)]
                fields: Vec<FieldError>,
            }
            let message = response
                .json::<E>()
                .await
                .map(|e| {
                    e.error
                        .fields
                        .first()
                        .map(|f| f.message.clone())
                        .unwrap_or(e.error.message)
                })
                .unwrap_or_default();
            Err(ReviewError::Refused(message))
        }
    }
}

pub async fn review_me(token: &str) -> Result<Reviewer, ReviewError> {
    review_request("GET", "me", token, None)
        .await?
        .json()
        .await
        .map_err(|_| ReviewError::Network)
}

/// The reviewer's list (at most 1000, newest first) and how many declarations match in all.
pub async fn review_list(
    token: &str,
    query: &str,
) -> Result<(Vec<ReviewItem>, usize), ReviewError> {
    let response = review_request("GET", &format!("declarations{query}"), token, None).await?;
    let total = response
        .headers()
        .get("x-total-count")
        .and_then(|n| n.parse().ok());
    let items: Vec<ReviewItem> = response.json().await.map_err(|_| ReviewError::Network)?;
    let total = total.unwrap_or(items.len());
    Ok((items, total))
}

pub async fn review_detail(token: &str, receipt: &str) -> Result<ReviewDetail, ReviewError> {
    review_request("GET", &format!("declarations/{receipt}"), token, None)
        .await?
        .json()
        .await
        .map_err(|_| ReviewError::Network)
}

pub async fn review_move(
    token: &str,
    receipt: &str,
    to: &str,
    note: &str,
) -> Result<ReviewDetail, ReviewError> {
    let body = serde_json::json!({ "to": to, "note": note }).to_string();
    review_request(
        "POST",
        &format!("declarations/{receipt}/transitions"),
        token,
        Some(body),
    )
    .await?
    .json()
    .await
    .map_err(|_| ReviewError::Network)
}

/// An export (`declarations.csv` or `declarations.xlsx`) as bytes (saved by the page as a file).
pub async fn review_export(token: &str, file: &str, query: &str) -> Result<Vec<u8>, ReviewError> {
    review_request("GET", &format!("{file}{query}"), token, None)
        .await?
        .binary()
        .await
        .map_err(|_| ReviewError::Network)
}
