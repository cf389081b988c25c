//! The review API for village and township cadres, behind bearer tokens issued by the operator
//! (`xiangqin-endpoint token add`). A token sees only its region, and only its township when it
//! has one. Every status change is appended to the declaration's history with the reviewer's
//! name, the time and the note; only the workflow's allowed transitions are accepted.
use crate::db::{self, ReviewRow, Reviewer};
use crate::error::AppError;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::{token, AppState};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use xiangqin_rules::workflow::Step;

/// The signed-in reviewer, from `Authorization: Bearer <token>`.
pub struct Auth(pub Reviewer);

impl FromRequestParts<AppState> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let given = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .unwrap_or_default();
        if given.is_empty() {
            return Err(AppError::Unauthorized);
        }
        // Looked up by its hash: the table holds no token, and the index does the comparing.
        db::reviewer_by_token_hash(&state.pool, &token::sha256_hex(given))
            .await?
            .map(Auth)
            .ok_or(AppError::Unauthorized)
    }
}

fn in_scope(reviewer: &Reviewer, row: &ReviewRow) -> bool {
    row.region == reviewer.region
        && reviewer
            .township
            .as_deref()
            .is_none_or(|t| t == row.township)
}

/// One declaration in the reviewer's list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ReviewItem)]
pub struct Item {
    pub receipt: String,
    #[schema(value_type = String)]
    pub status: Step,
    pub status_zh: String,
    pub county: String,
    pub township: String,
    pub village: String,
    pub applicant_name: String,
    pub phone: String,
    pub submitted_at: String,
    /// When the current step should be done (working days from when it began), if it has a deadline.
    pub due_on: Option<NaiveDate>,
    pub overdue: bool,
    pub linked_to: Option<String>,
    /// The statuses it may be moved to now.
    #[schema(value_type = Vec<String>)]
    pub next: Vec<Step>,
}

fn due_on(state: &AppState, row: &ReviewRow) -> Option<NaiveDate> {
    let days = state.deadlines.for_step(row.status)?;
    let since = chrono::DateTime::parse_from_rfc3339(&row.status_since).ok()?;
    let since_in_china = (since.with_timezone(&Utc) + chrono::Duration::hours(8)).date_naive();
    Some(state.calendar.add_working_days(since_in_china, days))
}

fn item(state: &AppState, row: &ReviewRow, today: NaiveDate) -> Item {
    let due = due_on(state, row);
    Item {
        receipt: row.receipt.clone(),
        status: row.status,
        status_zh: row.status.label_zh().to_string(),
        county: row.county.clone(),
        township: row.township.clone(),
        village: row.village.clone(),
        applicant_name: row.applicant_name.clone(),
        phone: row.phone.clone(),
        submitted_at: row.created_at.clone(),
        due_on: due,
        overdue: due.is_some_and(|d| today > d),
        linked_to: row.linked_to.clone(),
        next: row.status.next().to_vec(),
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// A workflow status key, e.g. `home_visit`.
    #[param(schema_with = status_key_schema)]
    pub status: Option<String>,
    /// 县（区、旗）, as households write it.
    pub county: Option<String>,
    /// 乡镇 / 苏木 (within the token's scope).
    pub township: Option<String>,
    /// 村 / 嘎查.
    pub village: Option<String>,
    /// `YYYY-MM-DD`, submitted on or after.
    pub from: Option<NaiveDate>,
    /// `YYYY-MM-DD`, submitted on or before.
    pub to: Option<NaiveDate>,
    /// `true`: only those past their deadline.
    pub overdue: Option<bool>,
}

/// The workflow's status keys, as an enum in the OpenAPI document.
fn status_key_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(Step::ALL.map(Step::key)))
        .build()
}

async fn list_rows(
    state: &AppState,
    reviewer: &Reviewer,
    q: &ListQuery,
) -> Result<Vec<(ReviewRow, Item)>, AppError> {
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(key) => Some(Step::from_key(key).ok_or_else(|| AppError::BadRequest {
            code: "invalid_status",
            message: "没有这个办理状态。".into(),
        })?),
    };
    // Dates are days in China (UTC+8); `created_at` is UTC.
    let china_midnight_utc = |d: NaiveDate| {
        (d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() - chrono::Duration::hours(8))
            .to_rfc3339_opts(SecondsFormat::Millis, true)
    };
    let trimmed = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let filter = db::ListFilter {
        status,
        county: trimmed(&q.county),
        township: trimmed(&q.township),
        village: trimmed(&q.village),
        from: q.from.map(china_midnight_utc),
        until: q.to.map(|d| china_midnight_utc(d.succ_opt().unwrap_or(d))),
    };
    let rows = db::review_list(&state.pool, reviewer, &filter).await?;
    let today = crate::today_in_china();
    Ok(rows
        .into_iter()
        .map(|r| {
            let i = item(state, &r, today);
            (r, i)
        })
        .filter(|(_, i)| q.overdue != Some(true) || i.overdue)
        .collect())
}

/// `GET /api/v1/review/me`
#[utoipa::path(get, path = "/v1/review/me", tag = "review", security(("reviewToken" = [])),
    responses(
        (status = 200, description = "The signed-in reviewer and the scope of the token.", body = Reviewer),
        (status = 401, description = "No token, or a token that is unknown or revoked.", body = crate::error::ErrorBody),
    ))]
pub async fn me(Auth(reviewer): Auth) -> Json<Reviewer> {
    Json(reviewer)
}

/// `GET /api/v1/review/declarations`
#[utoipa::path(get, path = "/v1/review/declarations", tag = "review", security(("reviewToken" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "Declarations in the token's scope, newest first, overdue ones flagged; at most 1000 (the CSV has all). `X-Total-Count` says how many match.", body = Vec<Item>,
            headers(("X-Total-Count" = u64, description = "How many declarations match the filters, of which at most 1000 are listed."))),
        (status = 400, description = "A filter that is not a status key, a date or true/false.", body = crate::error::ErrorBody),
        (status = 401, description = "No token, or a token that is unknown or revoked.", body = crate::error::ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    Auth(reviewer): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, AppError> {
    let rows = list_rows(&state, &reviewer, &q).await?;
    let total = rows.len();
    let items: Vec<Item> = rows.into_iter().take(LIST_LIMIT).map(|(_, i)| i).collect();
    Ok(([("x-total-count", total.to_string())], Json(items)).into_response())
}

/// The most declarations one list answer carries (a phone or a kiosk page, not an archive);
/// the filters narrow it, and the CSV export has them all.
pub const LIST_LIMIT: usize = 1000;

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ReviewDetail)]
pub struct Detail {
    #[serde(flatten)]
    pub item: Item,
    pub id_number: String,
    pub declaration: serde_json::Value,
    pub history: Vec<HistoryEntry>,
    /// Other declarations made with the same ID number.
    pub linked: Vec<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ReviewHistoryEntry)]
pub struct HistoryEntry {
    #[schema(value_type = String)]
    pub status: Step,
    pub status_zh: String,
    pub actor: String,
    pub at: String,
    pub note: Option<String>,
}

async fn find_in_scope(
    state: &AppState,
    reviewer: &Reviewer,
    receipt: &str,
) -> Result<ReviewRow, AppError> {
    let row = db::review_one(&state.pool, &receipt.trim().to_ascii_uppercase())
        .await?
        .ok_or(AppError::DeclarationNotFound)?;
    // Outside the token's scope looks the same as not existing.
    if !in_scope(reviewer, &row) {
        return Err(AppError::DeclarationNotFound);
    }
    Ok(row)
}

/// `GET /api/v1/review/declarations/{receipt}`
#[utoipa::path(get, path = "/v1/review/declarations/{receipt}", tag = "review", security(("reviewToken" = [])),
    params(("receipt" = String, Path, description = "`XQ-XXXX-XXXX`")),
    responses(
        (status = 200, description = "One declaration with its history and the declarations linked to it.", body = Detail),
        (status = 401, description = "No token, or a token that is unknown or revoked.", body = crate::error::ErrorBody),
        (status = 404, description = "Not found, or outside the token's region or township.", body = crate::error::ErrorBody),
    ))]
pub async fn detail(
    State(state): State<AppState>,
    Auth(reviewer): Auth,
    ApiPath(receipt): ApiPath<String>,
) -> Result<Json<Detail>, AppError> {
    let row = find_in_scope(&state, &reviewer, &receipt).await?;
    let history = db::review_history(&state.pool, row.id)
        .await?
        .into_iter()
        .map(|(status, actor, at, note)| HistoryEntry {
            status_zh: status.label_zh().to_string(),
            status,
            actor,
            at,
            note,
        })
        .collect();
    let linked = db::linked_receipts(&state.pool, &reviewer, &row).await?;
    tracing::info!(receipt = %row.receipt, "declaration opened for review");
    Ok(Json(Detail {
        item: item(&state, &row, crate::today_in_china()),
        id_number: row.id_number.clone(),
        declaration: serde_json::from_str(&row.body_json).map_err(AppError::internal)?,
        history,
        linked,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TransitionRequest {
    pub to: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// `POST /api/v1/review/declarations/{receipt}/transitions` `{to, note}`
#[utoipa::path(post, path = "/v1/review/declarations/{receipt}/transitions", tag = "review", security(("reviewToken" = [])),
    params(("receipt" = String, Path, description = "`XQ-XXXX-XXXX`")),
    request_body = TransitionRequest,
    responses(
        (status = 200, description = "Moved; the declaration as it is now.", body = Detail),
        (status = 400, description = "Malformed JSON.", body = crate::error::ErrorBody),
        (status = 401, description = "No token, or a token that is unknown or revoked.", body = crate::error::ErrorBody),
        (status = 404, description = "Not found, or outside the token's region or township.", body = crate::error::ErrorBody),
        (status = 409, description = "That status change is not allowed from the current status.", body = crate::error::ErrorBody),
        (status = 413, description = "Body over 64 KiB.", body = crate::error::ErrorBody),
        (status = 415, description = "Not JSON.", body = crate::error::ErrorBody),
        (status = 422, description = "不予纳入 without a reason, or a note over 1000 characters.", body = crate::error::ErrorBody),
    ))]
pub async fn transition(
    State(state): State<AppState>,
    Auth(reviewer): Auth,
    ApiPath(receipt): ApiPath<String>,
    ApiJson(req): ApiJson<TransitionRequest>,
) -> Result<Json<Detail>, AppError> {
    let row = find_in_scope(&state, &reviewer, &receipt).await?;
    let note = req.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let refused = || AppError::TransitionRefused {
        from: row.status.label_zh().to_string(),
        to: Step::from_key(&req.to).map_or(req.to.clone(), |s| s.label_zh().to_string()),
    };
    let to = Step::from_key(&req.to)
        .filter(|to| row.status.next().contains(to))
        .ok_or_else(refused)?;
    if to.needs_reason() && note.is_none() {
        return Err(AppError::Invalid(vec![
            xiangqin_rules::declaration::FieldError {
                field: "note".into(),
                code: "reason_required".into(),
                message: format!("{}必须写明理由，农户可以据此申诉。", to.label_zh()),
            },
        ]));
    }
    if note.is_some_and(|n| n.chars().count() > 1000) {
        return Err(AppError::Invalid(vec![
            xiangqin_rules::declaration::FieldError {
                field: "note".into(),
                code: "note_too_long".into(),
                message: "说明最多1000个字。".into(),
            },
        ]));
    }
    let at = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    let moved = db::transition(
        &state.pool,
        row.id,
        row.status,
        to,
        &reviewer.name,
        note,
        &at,
    )
    .await?;
    if !moved {
        return Err(refused());
    }
    tracing::info!(receipt = %row.receipt, to = to.key(), "declaration moved");
    detail(State(state), Auth(reviewer), ApiPath(receipt)).await
}

/// A long number (ID number, phone) as a CSV cell that Excel keeps as text: a bare
/// 110105194912310021 would be shown as 1.10105E+17 and stored with its last digits lost.
/// Only digits and X are written this way; anything else goes through `csv_field`.
fn csv_digits_as_text(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_digit() || c == 'X' || c == 'x')
    {
        format!("\"=\"\"{s}\"\"\"") // the cell ="…", quoted as CSV quotes
    } else {
        csv_field(s)
    }
}

/// A CSV field, quoted when needed; a leading = + - @ is neutralised so that a spreadsheet does
/// not run it as a formula.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// `GET /api/v1/review/declarations.csv`: the list, for Excel (UTF-8 with BOM).
#[utoipa::path(get, path = "/v1/review/declarations.csv", tag = "review", security(("reviewToken" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "The same list as CSV for Excel (UTF-8 with BOM).", body = String, content_type = "text/csv"),
        (status = 400, description = "A filter that is not a status key, a date or true/false.", body = crate::error::ErrorBody),
        (status = 401, description = "No token, or a token that is unknown or revoked.", body = crate::error::ErrorBody),
    ))]
pub async fn csv(
    State(state): State<AppState>,
    Auth(reviewer): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Response, AppError> {
    let rows = list_rows(&state, &reviewer, &q).await?;
    let mut out = String::from(
        "\u{feff}回执号,状态,县,乡镇,村,申报人,身份证号,手机号,提交时间,期限,是否超期,关联申报\r\n",
    );
    for (r, i) in rows {
        let cells = [
            csv_field(&r.receipt),
            csv_field(&i.status_zh),
            csv_field(&r.county),
            csv_field(&r.township),
            csv_field(&r.village),
            csv_field(&r.applicant_name),
            csv_digits_as_text(&r.id_number),
            csv_digits_as_text(&r.phone),
            csv_field(&r.created_at),
            csv_field(&i.due_on.map(|d| d.to_string()).unwrap_or_default()),
            if i.overdue {
                "是".into()
            } else {
                "否".into()
            },
            csv_field(r.linked_to.as_deref().unwrap_or_default()),
        ];
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    tracing::info!(rows = out.lines().count() - 1, "declarations exported");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"declarations.csv\""),
            ),
        ],
        out,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_neutralised() {
        assert_eq!(csv_field("张三"), "张三");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }

    #[test]
    fn long_numbers_stay_text_in_excel() {
        assert_eq!(
            csv_digits_as_text("110105194912310021"),
            r#""=""110105194912310021""""#
        );
        assert_eq!(csv_digits_as_text("13912345678"), r#""=""13912345678""""#);
        // Anything else goes through csv_field, which neutralises formulas.
        assert_eq!(csv_digits_as_text("=1+1"), "'=1+1");
        assert_eq!(csv_digits_as_text(""), "");
    }
}
