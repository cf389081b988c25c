//! The endpoint's JSON API (`/api/v1/…`), one typed client over gloo-net. The bodies are the
//! endpoint's own types (`xiangqin_api`); every answer goes through one decoder ([`exchange`],
//! [`read`]), which each call then says in its own terms ([`SendError`], [`LookupError`],
//! [`ReviewError`]).
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
pub use xiangqin_api::{Deadline, Receipt, Service, Status};
use xiangqin_api::{ErrorBody, ErrorDetail, DECLARATIONS_URL, SERVICE_URL};
#[cfg(feature = "cadre")]
pub use xiangqin_api::{ReviewDetail, ReviewItem, Reviewer};
use xiangqin_rules::declaration::FieldError;
#[cfg(feature = "cadre")]
use xiangqin_rules::workflow::Step;

/// Why an exchange gave no usable answer.
#[derive(Debug, Clone, PartialEq)]
enum Failure {
    /// No answer (no network, a timeout, a request that could not be made): nothing happened on
    /// the server as far as the phone knows.
    Network,
    /// An answer other than 2xx, with the endpoint's error when its body could be read.
    Status(u16, Option<ErrorDetail>),
    /// A 2xx whose body is not what the API says.
    Unreadable(u16),
}

/// Sends a request asking for JSON: its answer when 2xx, else why not.
async fn exchange(request: Result<Request, gloo_net::Error>) -> Result<Response, Failure> {
    let response = request
        .map_err(|_| Failure::Network)?
        .send()
        .await
        .map_err(|_| Failure::Network)?;
    match response.status() {
        200..=299 => Ok(response),
        status => {
            let detail = response.json::<ErrorBody>().await.ok().map(|b| b.error);
            Err(Failure::Status(status, detail))
        }
    }
}

/// The body of a 2xx answer as `T`.
async fn read<T: DeserializeOwned>(response: Response) -> Result<T, Failure> {
    let status = response.status();
    response
        .json::<T>()
        .await
        .map_err(|_| Failure::Unreadable(status))
}

/// [`exchange`] and [`read`].
async fn fetch<T: DeserializeOwned>(
    request: Result<Request, gloo_net::Error>,
) -> Result<T, Failure> {
    read(exchange(request).await?).await
}

fn json_request(builder: RequestBuilder) -> RequestBuilder {
    builder.header("Accept", "application/json")
}

// ---- households ----

/// `GET /api/v1/service`; `None` without a network or a readable answer.
pub async fn service() -> Option<Service> {
    fetch(json_request(Request::get(SERVICE_URL)).build())
        .await
        .ok()
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
async fn household_request(request: RequestBuilder, token: &str) -> Result<Status, LookupError> {
    let request = json_request(request)
        .header(xiangqin_api::STATUS_TOKEN, token.trim())
        .build();
    fetch(request).await.map_err(|failure| match failure {
        Failure::Network => LookupError::Network,
        Failure::Status(404, _) => LookupError::NotFound,
        Failure::Status(409, _) => LookupError::TooLate,
        Failure::Status(status, _) | Failure::Unreadable(status) => LookupError::Server(status),
    })
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
    let request = json_request(Request::post(DECLARATIONS_URL))
        .header("Content-Type", "application/json")
        .header(xiangqin_api::IDEMPOTENCY_KEY, idempotency_key)
        .body(body);
    fetch(request).await.map_err(|failure| match failure {
        Failure::Network => SendError::Network,
        Failure::Status(status, detail) if is_final(status) => {
            // An error body that could not be read leaves the message and the fields empty.
            let (message, fields) = detail
                .map(|d| (d.message, d.fields.unwrap_or_default()))
                .unwrap_or_default();
            SendError::Refused {
                status,
                message,
                fields,
            }
        }
        Failure::Status(status, _) | Failure::Unreadable(status) => SendError::Unavailable(status),
    })
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

/// Why a review request failed: the message to show (the endpoint's Chinese message, or ours).
#[cfg(feature = "cadre")]
#[derive(Debug, Clone, PartialEq)]
pub enum ReviewError {
    Network,
    Unauthorized,
    /// The endpoint's message (e.g. a refused transition, a missing reason).
    Refused(String),
}

#[cfg(feature = "cadre")]
impl From<Failure> for ReviewError {
    fn from(failure: Failure) -> ReviewError {
        match failure {
            Failure::Network | Failure::Unreadable(_) => ReviewError::Network,
            Failure::Status(401, _) => ReviewError::Unauthorized,
            // The first wrong field says more than the general message.
            Failure::Status(_, detail) => ReviewError::Refused(
                detail
                    .map(|d| match d.fields.and_then(|f| f.into_iter().next()) {
                        Some(field) => field.message,
                        None => d.message,
                    })
                    .unwrap_or_default(),
            ),
        }
    }
}

/// A request of the review API (`path` under `/api/v1/review/`), with the reviewer's token.
#[cfg(feature = "cadre")]
fn review_request(builder: RequestBuilder, token: &str) -> RequestBuilder {
    json_request(builder).header("Authorization", &format!("Bearer {}", token.trim()))
}

#[cfg(feature = "cadre")]
fn review_url(path: &str) -> String {
    format!("{}/{path}", xiangqin_api::REVIEW_URL)
}

#[cfg(feature = "cadre")]
pub async fn review_me(token: &str) -> Result<Reviewer, ReviewError> {
    let request = review_request(Request::get(&review_url("me")), token).build();
    Ok(fetch(request).await?)
}

/// The reviewer's list (at most 1000, newest first) and how many declarations match in all.
#[cfg(feature = "cadre")]
pub async fn review_list(
    token: &str,
    query: &str,
) -> Result<(Vec<ReviewItem>, usize), ReviewError> {
    let url = review_url(&format!("declarations{query}"));
    let response = exchange(review_request(Request::get(&url), token).build()).await?;
    let total = response
        .headers()
        .get(xiangqin_api::TOTAL_COUNT)
        .and_then(|n| n.parse().ok());
    let items: Vec<ReviewItem> = read(response).await?;
    let total = total.unwrap_or(items.len());
    Ok((items, total))
}

#[cfg(feature = "cadre")]
pub async fn review_detail(token: &str, receipt: &str) -> Result<ReviewDetail, ReviewError> {
    let url = review_url(&format!("declarations/{receipt}"));
    Ok(fetch(review_request(Request::get(&url), token).build()).await?)
}

/// Moves a declaration to the step `to`, with the note (the reason, for 不予纳入).
#[cfg(feature = "cadre")]
pub async fn review_move(
    token: &str,
    receipt: &str,
    to: Step,
    note: &str,
) -> Result<ReviewDetail, ReviewError> {
    let url = review_url(&format!("declarations/{receipt}/transitions"));
    let body = xiangqin_api::TransitionRequest {
        to: to.key().to_string(),
        note: Some(note.to_string()),
    };
    Ok(fetch(review_request(Request::post(&url), token).json(&body)).await?)
}

/// An export (`declarations.csv` or `declarations.xlsx`) as bytes (saved by the page as a file).
#[cfg(feature = "cadre")]
pub async fn review_export(token: &str, file: &str, query: &str) -> Result<Vec<u8>, ReviewError> {
    let url = review_url(&format!("{file}{query}"));
    let response = exchange(review_request(Request::get(&url), token).build()).await?;
    response.binary().await.map_err(|_| ReviewError::Network)
}
