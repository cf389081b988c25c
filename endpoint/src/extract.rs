//! Extractors whose every rejection is an [`AppError`] with a Chinese message, never axum's
//! plain-text rejections. JSON bodies: not JSON → 415, too large → 413, malformed → 400, wrong
//! shape → 422 naming the field. Queries that do not parse → 400. Path segments that do not
//! decode (percent-encoded bytes that are not UTF-8) → 404, like any unknown receipt.
use crate::error::AppError;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::error::Category;
use std::borrow::Cow;
use xiangqin_rules::declaration::FieldError;

pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(AppError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(body_rejection)?;
        parse(&bytes).map(ApiJson)
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn body_rejection(r: BytesRejection) -> AppError {
    if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge
    } else {
        AppError::BadRequest {
            code: "body_unreadable",
            message: "没有收到完整的内容，请再提交一次。".into(),
        }
    }
}

/// Parses a JSON document in two steps: any syntax error (including trailing garbage) is a 400;
/// then the shape is checked with the path tracked, so a type error names the field (422).
/// Bytes that are not UTF-8 and unpaired surrogate escapes (`"\ud800"`, which serde refuses
/// outright) are read as U+FFFD, as a browser reads them: the shared checks then name the field
/// that holds them (422), instead of a 400 for the whole body.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let text = String::from_utf8_lossy(bytes);
    let text = without_lone_surrogates(&text);
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|_| malformed())?;
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        shape_error(&path, e.inner())
    })
}

/// JSON text with every unpaired surrogate escape inside a string written as `\ufffd`.
fn without_lone_surrogates(json: &str) -> Cow<'_, str> {
    let b = json.as_bytes();
    let unit = |at: usize| -> Option<u32> {
        let hex = json.get(at..at + 4)?;
        u32::from_str_radix(hex, 16).ok()
    };
    let escape_at = |at: usize| b.get(at) == Some(&b'\\') && b.get(at + 1) == Some(&b'u');
    let mut fixed = String::new();
    let mut copied = 0;
    let (mut i, mut in_string) = (0, false);
    while i < b.len() {
        match b[i] {
            b'"' => {
                in_string = !in_string;
                i += 1;
            }
            b'\\' if in_string && escape_at(i) => {
                let lone = match unit(i + 2) {
                    Some(0xD800..=0xDBFF) => {
                        let low = escape_at(i + 6).then(|| unit(i + 8)).flatten();
                        if matches!(low, Some(0xDC00..=0xDFFF)) {
                            i += 12;
                            continue;
                        }
                        true
                    }
                    Some(0xDC00..=0xDFFF) => true,
                    _ => false,
                };
                if lone {
                    fixed.push_str(&json[copied..i]);
                    fixed.push_str("\\ufffd");
                    copied = i + 6;
                }
                i += 6;
            }
            // Any other escape: the escaped character is not a quote that ends the string.
            b'\\' if in_string => i += 2,
            _ => i += 1,
        }
    }
    if copied == 0 {
        return Cow::Borrowed(json);
    }
    fixed.push_str(&json[copied.min(json.len())..]);
    Cow::Owned(fixed)
}

fn malformed() -> AppError {
    AppError::BadRequest {
        code: "malformed_json",
        message: "提交的内容格式不对，服务器看不懂。请刷新页面后重新提交。".into(),
    }
}

fn shape_error(path: &str, e: &serde_json::Error) -> AppError {
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => malformed(),
        Category::Data => AppError::Invalid(vec![data_error(path, &e.to_string())]),
    }
}

/// serde's messages are English and not a stable API; they are only used to pick a code.
fn data_error(path: &str, message: &str) -> FieldError {
    let join = |name: &str| {
        if path == "." || path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    let quoted = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_string)
    };
    let field = |f: String, code: &str, message: &str| FieldError {
        field: f,
        code: code.into(),
        message: message.into(),
    };
    let here = if path == "." || path.is_empty() {
        String::new()
    } else {
        path.to_string()
    };
    // The place is chosen from the official list (an app from before the lists sent names only).
    let place_message = "请从列表里选出您家所在的县、乡镇和村。";
    if let Some(name) = quoted("missing field `") {
        if path == "place" && name == "code" {
            return field(join(&name), "required", place_message);
        }
        return field(join(&name), "required", "缺少这一项，请填写。");
    }
    if path == "place.code" {
        return field(here, "place_code_invalid", place_message);
    }
    if let Some(name) = quoted("unknown field `") {
        // The path already ends with the unknown key.
        let f = if here == name || here.ends_with(&format!(".{name}")) {
            here
        } else {
            join(&name)
        };
        return field(
            f,
            "unknown_field",
            "多了一项服务器不认识的内容，请刷新页面后重新提交。",
        );
    }
    if message.starts_with("unknown variant `") {
        return field(here, "invalid_choice", "这一项的选项不对，请重新选择。");
    }
    if path == "happened_on" {
        return field(
            here,
            "invalid_date",
            "日期不对，请按“年-月-日”填写，例如 2026-09-01。",
        );
    }
    if message.starts_with("invalid type") {
        return field(here, "wrong_type", "这一项填的内容类型不对，请再核对一遍。");
    }
    field(here, "invalid_value", "这一项填的内容不对，请再核对一遍。")
}

/// A query-string extractor whose rejection is a JSON [`AppError`] (400) in Chinese, like every
/// other error of the API (axum's own `Query` answers in plain text).
pub struct ApiQuery<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri)
            .map(|axum::extract::Query(q)| ApiQuery(q))
            .map_err(|_| AppError::BadRequest {
                code: "bad_query",
                message:
                    "筛选条件写得不对：日期请写成 2026-01-31 这样，“只看超期”只能是 true 或 false。"
                        .into(),
            })
    }
}

/// A path extractor: a segment that cannot be decoded cannot name a declaration, so it gets the
/// same JSON 404 as an unknown receipt (axum's own `Path` answers a plain-text 400).
pub struct ApiPath<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(p)| ApiPath(p))
            .map_err(|_| AppError::DeclarationNotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        inner: Inner,
        n: u32,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        phone: String,
    }

    fn fields(json: &str) -> Vec<(String, String)> {
        match parse::<Outer>(json.as_bytes()) {
            Err(AppError::Invalid(f)) => f.into_iter().map(|f| (f.field, f.code)).collect(),
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn data_errors_name_the_field() {
        assert_eq!(
            fields(r#"{"inner":{},"n":1}"#),
            vec![("inner.phone".into(), "required".into())]
        );
        assert_eq!(
            fields(r#"{"inner":{"phone":"1"}}"#),
            vec![("n".into(), "required".into())]
        );
        assert_eq!(
            fields(r#"{"inner":{"phone":1},"n":1}"#),
            vec![("inner.phone".into(), "wrong_type".into())]
        );
        assert_eq!(
            fields(r#"{"inner":{"phone":"1","x":2},"n":1}"#),
            vec![("inner.x".into(), "unknown_field".into())]
        );
        assert_eq!(
            fields(r#"{"inner":{"phone":"1"},"n":-1}"#),
            vec![("n".into(), "invalid_value".into())]
        );
    }

    #[test]
    fn unpaired_surrogates_and_broken_bytes_are_read_as_replacement_characters() {
        assert_eq!(
            without_lone_surrogates(r#"{"a":"x\ud800y"}"#),
            r#"{"a":"x\ufffdy"}"#
        );
        assert_eq!(
            without_lone_surrogates(r#"{"a":"\udc00"}"#),
            r#"{"a":"\ufffd"}"#
        );
        assert_eq!(
            without_lone_surrogates(r#"["\ud800\u0041"]"#),
            r#"["\ufffd\u0041"]"#
        );
        // A pair, an escaped backslash before "ud800", and text outside strings stay as they are.
        for kept in [
            r#"{"a":"\ud83d\ude00"}"#,
            r#"{"a":"\\ud800"}"#,
            r#"{"\"":"\ud800\udc00"}"#,
            "[1]",
        ] {
            assert_eq!(without_lone_surrogates(kept), kept);
            assert!(matches!(without_lone_surrogates(kept), Cow::Borrowed(_)));
        }
        #[derive(Debug, Deserialize)]
        struct Text {
            t: String,
        }
        for (body, read) in [
            (&br#"{"t":"a\ud800"}"#[..], "a\u{FFFD}"),
            (b"{\"t\":\"a\xff\xfe\"}", "a\u{FFFD}\u{FFFD}"),
        ] {
            let parsed: Text = parse(body).unwrap();
            assert_eq!(parsed.t, read);
        }
    }

    #[test]
    fn syntax_errors_are_bad_requests() {
        for bad in [
            "",
            "{",
            r#"{"inner":}"#,
            r#"{"inner":{"phone":"1"},"n":1} x"#,
            "{} {}",
        ] {
            assert!(
                matches!(
                    parse::<Outer>(bad.as_bytes()),
                    Err(AppError::BadRequest {
                        code: "malformed_json",
                        ..
                    })
                ),
                "{bad:?}"
            );
        }
    }
}
