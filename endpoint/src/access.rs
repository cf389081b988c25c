//! Who may see and do what in the review API. A token (issued by `token add --division CODE
//! --role ROLE`) is a division code of `places/` — a province, city, county, township or village;
//! the region follows from it — and a role ([`Role`]): it sees only the declarations within its
//! division and takes only its role's steps. Every read and move, and every refused attempt, is
//! written to the append-only audit log (`xiangqin-endpoint audit` prints it).
use crate::db::{self, AuditLine, Scope};
use crate::error::AppError;
use crate::{token, AppState};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, Method};
use chrono::{SecondsFormat, Utc};
use xiangqin_rules::places::DivisionCode;
use xiangqin_rules::workflow::{Role, Step};

/// The holder of a valid review token (the body of `GET /api/v1/review/me` too).
pub use xiangqin_api::Reviewer;

/// What a reviewer's token lets it see.
pub trait ReviewerScope {
    fn scope(&self) -> Scope<'_>;
    /// Whether a declaration (by its region and place code) is this reviewer's to see.
    fn covers(&self, row: &db::ReviewRow) -> bool {
        self.scope().covers(&row.region, row.place_code.as_deref())
    }
}

impl ReviewerScope for Reviewer {
    fn scope(&self) -> Scope<'_> {
        Scope {
            region: self.region.key(),
            division: self.division.as_str(),
            region_wide: self.division.as_str() == self.region.division_code(),
        }
    }
}

/// What a request to the review API does, as the audit log names it.
pub fn action_of(method: &Method, path: &str) -> &'static str {
    let path = path.trim_end_matches('/');
    if path.ends_with("/me") {
        "me"
    } else if path.ends_with(".csv") {
        "export_csv"
    } else if path.ends_with(".xlsx") {
        "export_xlsx"
    } else if path.ends_with("/transitions") {
        "transition"
    } else if path.ends_with("/declarations") {
        "list"
    } else if method == Method::GET {
        "open"
    } else {
        "other"
    }
}

/// The receipt a review path names, if any (`…/declarations/XQ-…[/transitions]`).
fn receipt_of(path: &str) -> Option<String> {
    let rest = path.split("/declarations/").nth(1)?;
    let receipt = rest.split('/').next()?.trim().to_ascii_uppercase();
    token::is_receipt(&receipt).then_some(receipt)
}

/// Writes one line of the audit log now. A read whose line cannot be written is not answered
/// (the caller passes the error on): nothing leaves without its trace.
pub async fn record(
    state: &AppState,
    who: Option<&Reviewer>,
    action: &str,
    receipt: Option<&str>,
    detail: &str,
    outcome: &str,
) -> Result<(), AppError> {
    db::audit(&state.pool, &line(who, action, receipt, detail, outcome)).await?;
    Ok(())
}

/// An audit line stamped now.
pub fn line(
    who: Option<&Reviewer>,
    action: &str,
    receipt: Option<&str>,
    detail: &str,
    outcome: &str,
) -> AuditLine {
    AuditLine {
        at: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
        token_id: who.map(|r| r.token_id),
        token_name: who.map(|r| r.name.clone()),
        action: action.into(),
        receipt: receipt.map(str::to_string),
        detail: detail.into(),
        outcome: outcome.into(),
    }
}

/// Records how a request ended: `ok`, or the code of the error it was refused with.
pub async fn finish<T>(
    state: &AppState,
    who: &Reviewer,
    action: &str,
    receipt: Option<&str>,
    detail: &str,
    result: Result<T, AppError>,
) -> Result<T, AppError> {
    let outcome = match &result {
        Ok(_) => "ok",
        Err(e) => e.code(),
    };
    record(state, Some(who), action, receipt, detail, outcome).await?;
    result
}

/// The signed-in reviewer, from `Authorization: Bearer <token>`. A missing, unknown, revoked,
/// expired or old-kind token is refused (401) and the attempt is audited.
pub struct Auth(pub Reviewer);

impl FromRequestParts<AppState> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let found = signed_in(parts, state).await;
        if let Err((holder, e)) = &found {
            let path = parts.uri.path();
            let line = line(
                None,
                action_of(&parts.method, path),
                receipt_of(path).as_deref(),
                "",
                e.code(),
            );
            let line = AuditLine {
                token_id: holder.as_ref().map(|h| h.0),
                token_name: holder.as_ref().map(|h| h.1.clone()),
                ..line
            };
            db::audit(&state.pool, &line).await?;
        }
        found.map(Auth).map_err(|(_, e)| e)
    }
}

/// The reviewer, or why not (with the token's number and name when it is known).
async fn signed_in(
    parts: &Parts,
    state: &AppState,
) -> Result<Reviewer, (Option<(i64, String)>, AppError)> {
    let given = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or_default();
    if given.is_empty() {
        return Err((None, AppError::Unauthorized));
    }
    // Looked up by its hash: the table holds no token, and the index does the comparing.
    let row = db::reviewer_by_token_hash(&state.pool, &token::sha256_hex(given))
        .await
        .map_err(|e| (None, e.into()))?
        .ok_or((None, AppError::Unauthorized))?;
    let holder = Some((row.id, row.name.clone()));
    let refused =
        |code, message: String| (holder.clone(), AppError::TokenRefused { code, message });
    let scope = row
        .division
        .as_deref()
        .and_then(|d| DivisionCode::parse(d).ok());
    let role = row.role.as_deref().and_then(Role::from_key);
    let (Some(division), Some(role), Some(expires_at)) = (scope, role, row.expires_at.clone())
    else {
        return Err(refused(
            "token_outdated",
            "这个审核口令是旧的，已经停用。请找县里重新发一个。".into(),
        ));
    };
    let expired =
        chrono::DateTime::parse_from_rfc3339(&expires_at).map_or(true, |t| t <= Utc::now());
    if expired {
        return Err(refused(
            "token_expired",
            format!(
                "这个审核口令已经过期（有效到{}）。请找县里重新发一个。",
                crate::last_china_day(&expires_at)
            ),
        ));
    }
    let Some(region) = division.region() else {
        return Err(refused(
            "token_outdated",
            "这个审核口令的范围不对。请找县里重新发一个。".into(),
        ));
    };
    let places = crate::places::Places::official();
    Ok(Reviewer {
        token_id: row.id,
        name: row.name,
        region,
        division_name: places
            .full_name(&division)
            .unwrap_or_else(|| region.name_zh().into()),
        division,
        role_zh: role.label_zh().into(),
        steps: Step::ALL
            .into_iter()
            .filter(|s| role.may_take(*s))
            .collect(),
        role,
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_actions_are_named_from_the_request() {
        let get = Method::GET;
        assert_eq!(action_of(&get, "/api/v1/review/me"), "me");
        assert_eq!(action_of(&get, "/api/v1/review/declarations"), "list");
        assert_eq!(
            action_of(&get, "/api/v1/review/declarations.csv"),
            "export_csv"
        );
        assert_eq!(
            action_of(&get, "/api/v1/review/declarations.xlsx"),
            "export_xlsx"
        );
        assert_eq!(
            action_of(&get, "/api/v1/review/declarations/XQ-AAAA-AAAA"),
            "open"
        );
        assert_eq!(
            action_of(
                &Method::POST,
                "/api/v1/review/declarations/XQ-AAAA-AAAA/transitions"
            ),
            "transition"
        );
        assert_eq!(
            receipt_of("/api/v1/review/declarations/xq-aaaa-aaaa/transitions").as_deref(),
            Some("XQ-AAAA-AAAA")
        );
        assert_eq!(receipt_of("/api/v1/review/declarations/nonsense"), None);
    }
}
