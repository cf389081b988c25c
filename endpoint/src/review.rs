//! The review API for cadres, behind bearer tokens issued by the operator (`xiangqin-endpoint
//! token add`). A token sees only the declarations within its division and takes only the steps
//! of its role ([`crate::access`]); every read, export, move and refused attempt leaves a line in
//! the audit log. Every status change is appended to the declaration's history with the
//! reviewer's name, the time and the note; only the workflow's transitions are accepted.
use crate::access::{self, finish, Auth, Reviewer, ReviewerScope};
use crate::crypto::Field;
use crate::db::{self, ReviewRow};
use crate::error::AppError;
use crate::export;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::AppState;
use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use serde::Deserialize;
pub use xiangqin_api::{
    ReviewDetail as Detail, ReviewHistory as HistoryEntry, ReviewItem as Item, StoredDeclaration,
    TransitionRequest,
};
use xiangqin_rules::declaration::FieldError;
use xiangqin_rules::places::DivisionCode;
use xiangqin_rules::workflow::Step;

/// An RFC 3339 instant in China time (UTC+8 all year: China keeps no summer time).
pub fn china_time(at: &str) -> Option<NaiveDateTime> {
    chrono::DateTime::parse_from_rfc3339(at)
        .ok()
        .map(|t| (t.to_utc() + chrono::Duration::hours(8)).naive_utc())
}

/// An RFC 3339 instant as cadres read it, `2026-12-02 14:05` (China time); a text that is not
/// an instant as it is.
pub fn china_time_text(at: &str) -> String {
    china_time(at).map_or_else(
        || at.to_string(),
        |t| t.format("%Y-%m-%d %H:%M").to_string(),
    )
}

/// Who took a step of the history, in Chinese: the cadre's name, or the household — itself, or
/// through the service centre's operator when the declaration was filled in for it (代填:
/// `assisted_by`, the operator's name), which is only ever its submission.
pub fn actor_zh(status: Step, actor: &str, assisted_by: Option<&str>) -> String {
    match (actor, assisted_by) {
        ("household", Some(operator)) if status == Step::Submitted => {
            format!("服务中心代填（代填人：{operator}）")
        }
        ("household", _) => "农户本人".to_string(),
        (cadre, _) => cadre.to_string(),
    }
}

/// A note of a declaration's history, opened (notes are stored sealed, and erased with the
/// personal fields).
pub fn open_note(
    state: &AppState,
    receipt: &str,
    note: Option<String>,
) -> Result<Option<String>, AppError> {
    note.map(|n| db::opened(&state.data_key, Field::Note, receipt, n))
        .transpose()
        .map_err(AppError::from)
}

/// Said of a declaration of the same ID number that the reviewer may not see.
pub const LINKED_ELSEWHERE_ZH: &str = "这个身份证号在别处还有申报，请向县里了解。";

fn due_on(state: &AppState, row: &ReviewRow) -> Option<NaiveDate> {
    let days = state.deadlines.for_step(row.status)?;
    let since = chrono::DateTime::parse_from_rfc3339(&row.status_since).ok()?;
    let since_in_china = (since.with_timezone(&Utc) + chrono::Duration::hours(8)).date_naive();
    Some(state.calendar.add_working_days(since_in_china, days))
}

fn item(state: &AppState, reviewer: &Reviewer, row: &ReviewRow, today: NaiveDate) -> Item {
    let due = due_on(state, row);
    let linked_visible = row.linked_to.is_some()
        && reviewer.scope().covers(
            row.linked_region.as_deref().unwrap_or_default(),
            row.linked_place_code.as_deref(),
        );
    let next: Vec<Step> = reviewer.role.next_from(row.status).collect();
    let waiting_for = row
        .status
        .next()
        .first()
        .and_then(|s| s.taken_by())
        .filter(|_| next.is_empty())
        .map(|role| role.label_zh().to_string());
    Item {
        receipt: row.receipt.clone(),
        status: row.status,
        status_zh: row.status.label_zh().to_string(),
        place_code: row.place_code.clone(),
        county: row.county.clone(),
        township: row.township.clone(),
        village: row.village.clone(),
        applicant_name: row.applicant_name.clone(),
        phone: row.phone.clone(),
        submitted_at: row.created_at.clone(),
        submitted_at_china: china_time_text(&row.created_at),
        due_on: due,
        overdue: due.is_some_and(|d| today > d),
        linked_to: row.linked_to.clone().filter(|_| linked_visible),
        linked_elsewhere: row.linked_to.is_some() && !linked_visible,
        erased_at: row.erased_at.clone(),
        next,
        waiting_for,
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// A workflow status key, e.g. `home_visit`.
    #[param(schema_with = status_key_schema)]
    pub status: Option<String>,
    /// A division code within the token's scope (county 6 digits, township 9, village 12):
    /// only the declarations there.
    pub division: Option<String>,
    /// `YYYY-MM-DD`, submitted on or after.
    pub from: Option<NaiveDate>,
    /// `YYYY-MM-DD`, submitted on or before.
    pub to: Option<NaiveDate>,
    /// `true`: only those past their deadline.
    pub overdue: Option<bool>,
    /// A search: declarations whose receipt (with or without its dashes, any case) or
    /// applicant's name contains it. Names are stored encrypted, so it is matched here, on the
    /// token's own list once opened; it is never written to the audit log.
    pub q: Option<String>,
}

/// The receipt or name searched for: the trimmed text, and the receipt's letters and digits.
struct Search {
    name: String,
    receipt: String,
}

impl Search {
    fn new(q: Option<&str>) -> Option<Self> {
        let name = q.map(str::trim).filter(|q| !q.is_empty())?.to_string();
        Some(Search {
            receipt: receipt_key(&name),
            name,
        })
    }

    fn finds(&self, row: &ReviewRow) -> bool {
        row.applicant_name.contains(&self.name)
            || (!self.receipt.is_empty() && receipt_key(&row.receipt).contains(&self.receipt))
    }
}

fn receipt_key(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The workflow's status keys, as an enum in the OpenAPI document.
fn status_key_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(Step::ALL.map(Step::key)))
        .build()
}

/// The filter as the audit log keeps it: the query string as given (statuses, division codes,
/// dates), except a search's text, which may be a name: only that there was one.
fn filter_text(uri: &Uri) -> String {
    // Decoded as the extractor decodes it, so that no spelling of `q` (`%71=…`) gets through.
    let q = match serde_urlencoded::from_str::<Vec<(String, String)>>(
        uri.query().unwrap_or_default(),
    ) {
        Ok(pairs) => pairs
            .iter()
            .map(|(k, v)| match k.as_str() {
                "q" => "q=(search)".to_string(),
                _ => format!("{k}={v}"),
            })
            .collect::<Vec<_>>()
            .join("&"),
        Err(_) => "(unreadable)".to_string(),
    };
    let q: String = q.chars().take(300).collect();
    format!("filter: {}", if q.is_empty() { "none" } else { &q })
}

pub(crate) async fn list_rows(
    state: &AppState,
    reviewer: &Reviewer,
    q: &ListQuery,
    with_body: bool,
) -> Result<Vec<(ReviewRow, Item)>, AppError> {
    let bad = |code, message: &str| AppError::BadRequest {
        code,
        message: message.into(),
    };
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(key) => {
            Some(Step::from_key(key).ok_or_else(|| bad("invalid_status", "没有这个办理状态。"))?)
        }
    };
    let division = match q
        .division
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(code) => Some(
            DivisionCode::parse(code)
                .map_err(|_| {
                    bad(
                        "invalid_division",
                        "地方代码不对：应该是 6、9 或 12 位数字。",
                    )
                })?
                .to_string(),
        ),
    };
    // Dates are days in China (UTC+8); `created_at` is UTC.
    let china_midnight_utc = |d: NaiveDate| {
        (d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() - chrono::Duration::hours(8))
            .to_rfc3339_opts(SecondsFormat::Millis, true)
    };
    let filter = db::ListFilter {
        status,
        division,
        from: q.from.map(china_midnight_utc),
        until: q.to.map(|d| china_midnight_utc(d.succ_opt().unwrap_or(d))),
    };
    let rows = db::review_list(
        &state.pool,
        &state.data_key,
        &reviewer.scope(),
        &filter,
        with_body,
    )
    .await?;
    let search = Search::new(q.q.as_deref());
    let today = crate::today_in_china();
    Ok(rows
        .into_iter()
        .filter(|r| search.as_ref().is_none_or(|s| s.finds(r)))
        .map(|r| {
            let i = item(state, reviewer, &r, today);
            (r, i)
        })
        .filter(|(_, i)| q.overdue != Some(true) || i.overdue)
        .collect())
}

/// The list for `action` (list or an export): the rows, audited with the filter and their count;
/// an export's with what was declared.
pub(crate) async fn audited_rows(
    state: &AppState,
    reviewer: &Reviewer,
    action: &str,
    uri: &Uri,
    q: Result<ApiQuery<ListQuery>, AppError>,
) -> Result<Vec<(ReviewRow, Item)>, AppError> {
    let rows = match q {
        Ok(ApiQuery(q)) => list_rows(state, reviewer, &q, action != "list").await,
        Err(e) => Err(e),
    };
    let mut detail = filter_text(uri);
    if let Ok(rows) = &rows {
        detail.push_str(&format!("; rows: {}", rows.len()));
    }
    finish(state, reviewer, action, None, &detail, rows).await
}

/// `GET /api/v1/review/me`
#[utoipa::path(get, path = "/v1/review/me", tag = "review", security(("reviewToken" = [])),
    responses(
        (status = 200, description = "The signed-in reviewer: the token's division (and its name), role and the steps it may take, and when it expires.", body = Reviewer),
        (status = 401, description = "No token, or a token that is unknown, revoked, expired or of the old kind.", body = crate::error::ErrorBody),
    ))]
pub async fn me(
    State(state): State<AppState>,
    Auth(reviewer): Auth,
) -> Result<Json<Reviewer>, AppError> {
    access::record(&state, Some(&reviewer), "me", None, "", "ok").await?;
    Ok(Json(reviewer))
}

/// `GET /api/v1/review/declarations`
#[utoipa::path(get, path = "/v1/review/declarations", tag = "review", security(("reviewToken" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "Declarations within the token's division, newest first, overdue ones flagged; at most 1000 (the exports have all). `X-Total-Count` says how many match.", body = Vec<Item>,
            headers(("X-Total-Count" = u64, description = "How many declarations match the filters, of which at most 1000 are listed."))),
        (status = 400, description = "A filter that is not a status key, a division code, a date or true/false.", body = crate::error::ErrorBody),
        (status = 401, description = "No token, or a token that is unknown, revoked, expired or of the old kind.", body = crate::error::ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    Auth(reviewer): Auth,
    uri: Uri,
    q: Result<ApiQuery<ListQuery>, AppError>,
) -> Result<Response, AppError> {
    let rows = audited_rows(&state, &reviewer, "list", &uri, q).await?;
    let total = rows.len();
    let items: Vec<Item> = rows.into_iter().take(LIST_LIMIT).map(|(_, i)| i).collect();
    Ok((
        [(xiangqin_api::TOTAL_COUNT, total.to_string())],
        Json(items),
    )
        .into_response())
}

/// The most declarations one list answer carries (a phone or a kiosk page, not an archive);
/// the filters narrow it, and the exports have them all.
pub const LIST_LIMIT: usize = 1000;

async fn find_in_scope(
    state: &AppState,
    reviewer: &Reviewer,
    receipt: &str,
) -> Result<ReviewRow, AppError> {
    let row = db::review_one(
        &state.pool,
        &state.data_key,
        &receipt.trim().to_ascii_uppercase(),
    )
    .await?
    .ok_or(AppError::DeclarationNotFound)?;
    // Outside the token's scope looks the same as not existing.
    if !reviewer.covers(&row) {
        return Err(AppError::DeclarationNotFound);
    }
    Ok(row)
}

/// A stored body read back (a declaration from before place codes reads too). One that cannot be
/// read is a fault, answered as one rather than shown empty.
pub fn stored_declaration(body_json: &str) -> Result<StoredDeclaration, AppError> {
    serde_json::from_str(body_json).map_err(AppError::internal)
}

/// A declaration in full, as the reviewer may see it.
async fn detail_of(
    state: &AppState,
    reviewer: &Reviewer,
    receipt: &str,
) -> Result<Detail, AppError> {
    let row = find_in_scope(state, reviewer, receipt).await?;
    // Erased after the retention: nothing left to show.
    let declaration = match row.erased_at {
        Some(_) => None,
        None => Some(stored_declaration(&row.body_json)?),
    };
    let assisted_by = declaration
        .as_ref()
        .and_then(StoredDeclaration::assisted_by);
    let history = db::review_history(&state.pool, row.id)
        .await?
        .into_iter()
        .map(|(status, actor, at, note)| {
            Ok(HistoryEntry {
                status_zh: status.label_zh().to_string(),
                actor_zh: actor_zh(status, &actor, assisted_by),
                at_china: china_time_text(&at),
                status,
                actor,
                at,
                note: open_note(state, &row.receipt, note)?,
            })
        })
        .collect::<Result<_, AppError>>()?;
    let scope = reviewer.scope();
    let (linked, elsewhere): (Vec<_>, Vec<_>) = db::same_id_number(&state.pool, &row)
        .await?
        .into_iter()
        .partition(|(_, region, place)| scope.covers(region, place.as_deref()));
    let mut item = item(state, reviewer, &row, crate::today_in_china());
    item.linked_elsewhere |= !elsewhere.is_empty();
    Ok(Detail {
        item,
        id_number: row.id_number.clone(),
        declaration,
        history,
        linked: linked.into_iter().map(|(receipt, _, _)| receipt).collect(),
    })
}

/// `GET /api/v1/review/declarations/{receipt}`
#[utoipa::path(get, path = "/v1/review/declarations/{receipt}", tag = "review", security(("reviewToken" = [])),
    params(("receipt" = String, Path, description = "`XQ-XXXX-XXXX`")),
    responses(
        (status = 200, description = "One declaration with its history and the declarations of the same ID number within the scope (`linked_elsewhere` when there are others).", body = Detail),
        (status = 401, description = "No token, or a token that is unknown, revoked, expired or of the old kind.", body = crate::error::ErrorBody),
        (status = 404, description = "Not found, or outside the token's division.", body = crate::error::ErrorBody),
    ))]
pub async fn detail(
    State(state): State<AppState>,
    Auth(reviewer): Auth,
    receipt: Result<ApiPath<String>, AppError>,
) -> Result<Json<Detail>, AppError> {
    let (receipt, found) = match receipt {
        Ok(ApiPath(r)) => {
            let found = detail_of(&state, &reviewer, &r).await;
            (Some(r.trim().to_ascii_uppercase()), found)
        }
        Err(e) => (None, Err(e)),
    };
    let found = finish(&state, &reviewer, "open", receipt.as_deref(), "", found).await?;
    tracing::info!(receipt = %found.item.receipt, "declaration opened for review");
    Ok(Json(found))
}

/// `POST /api/v1/review/declarations/{receipt}/transitions` `{to, note}`
#[utoipa::path(post, path = "/v1/review/declarations/{receipt}/transitions", tag = "review", security(("reviewToken" = [])),
    params(("receipt" = String, Path, description = "`XQ-XXXX-XXXX`")),
    request_body = TransitionRequest,
    responses(
        (status = 200, description = "Moved; the declaration as it is now.", body = Detail),
        (status = 400, description = "Malformed JSON.", body = crate::error::ErrorBody),
        (status = 401, description = "No token, or a token that is unknown, revoked, expired or of the old kind.", body = crate::error::ErrorBody),
        (status = 403, description = "The step is not the token's role's (村: 入户核实, 村级评议公示; 乡镇: 乡镇审核; 县: 县级审批, 纳入监测帮扶, 不予纳入, 风险消除; observer: none).", body = crate::error::ErrorBody),
        (status = 404, description = "Not found, or outside the token's division.", body = crate::error::ErrorBody),
        (status = 409, description = "That status change is not allowed from the current status.", body = crate::error::ErrorBody),
        (status = 413, description = "Body over 64 KiB.", body = crate::error::ErrorBody),
        (status = 415, description = "Not JSON.", body = crate::error::ErrorBody),
        (status = 422, description = "不予纳入 without a reason, or a note over 1000 characters.", body = crate::error::ErrorBody),
    ))]
pub async fn transition(
    State(state): State<AppState>,
    Auth(reviewer): Auth,
    receipt: Result<ApiPath<String>, AppError>,
    req: Result<ApiJson<TransitionRequest>, AppError>,
) -> Result<Json<Detail>, AppError> {
    let receipt = receipt.map(|ApiPath(r)| r.trim().to_ascii_uppercase());
    let wanted = req
        .as_ref()
        .ok()
        .map(|ApiJson(r)| r.to.clone())
        .unwrap_or_default();
    let given = receipt.as_ref().ok().cloned();
    let moved = match (receipt, req) {
        (Ok(r), Ok(ApiJson(req))) => move_declaration(&state, &reviewer, &r, req).await,
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match moved {
        Ok(receipt) => Ok(Json(detail_of(&state, &reviewer, &receipt).await?)),
        Err(e) => {
            let detail: String = format!("to: {wanted}").chars().take(100).collect();
            let r = given.as_deref();
            access::record(&state, Some(&reviewer), "transition", r, &detail, e.code()).await?;
            Err(e)
        }
    }
}

/// Checks and makes the move; the audit line of a move is written in its transaction.
async fn move_declaration(
    state: &AppState,
    reviewer: &Reviewer,
    receipt: &str,
    req: TransitionRequest,
) -> Result<String, AppError> {
    let row = find_in_scope(state, reviewer, receipt).await?;
    let note = req.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    let refused = || AppError::TransitionRefused {
        from: row.status.label_zh().to_string(),
        to: Step::from_key(&req.to).map_or(req.to.clone(), |s| s.label_zh().to_string()),
    };
    let to = Step::from_key(&req.to)
        .filter(|to| row.status.next().contains(to))
        .ok_or_else(refused)?;
    if !reviewer.role.may_take(to) {
        let whose = to.taken_by().map_or("", |r| r.label_zh());
        return Err(AppError::Forbidden {
            message: format!(
                "您的口令是「{}」，不能办理「{}」（由{}办理）。",
                reviewer.role_zh,
                to.label_zh(),
                whose
            ),
        });
    }
    let invalid = |code: &str, message: String| {
        AppError::Invalid(vec![FieldError {
            field: "note".into(),
            code: code.into(),
            message,
        }])
    };
    if to.needs_reason() && note.is_none() {
        let message = format!("{}必须写明理由，农户可以据此申诉。", to.label_zh());
        return Err(invalid("reason_required", message));
    }
    if note.is_some_and(|n| n.chars().count() > 1000) {
        return Err(invalid("note_too_long", "说明最多1000个字。".into()));
    }
    let at = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    let detail = format!("{} → {}", row.status.key(), to.key());
    let line = access::line(
        Some(reviewer),
        "transition",
        Some(&row.receipt),
        &detail,
        "ok",
    );
    let moved = db::transition(
        &state.pool,
        row.id,
        row.status,
        to,
        &reviewer.name,
        note.map(|n| state.data_key.seal(Field::Note, &row.receipt, n))
            .as_deref(),
        &at,
        Some(&line),
    )
    .await?;
    if !moved {
        return Err(refused());
    }
    tracing::info!(receipt = %row.receipt, to = to.key(), "declaration moved");
    Ok(row.receipt)
}

/// `GET /api/v1/review/declarations.csv`: the list, for Excel and WPS (UTF-8 with BOM).
#[utoipa::path(get, path = "/v1/review/declarations.csv", tag = "review", security(("reviewToken" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "Every declaration the list would show (not only 1000), as CSV (UTF-8 with BOM; ID and phone numbers as text cells, formulas neutralised).", body = String, content_type = "text/csv"),
        (status = 400, description = "A filter that is not a status key, a division code, a date or true/false.", body = crate::error::ErrorBody),
        (status = 401, description = "No token, or a token that is unknown, revoked, expired or of the old kind.", body = crate::error::ErrorBody),
    ))]
pub async fn csv(
    State(state): State<AppState>,
    Auth(reviewer): Auth,
    uri: Uri,
    q: Result<ApiQuery<ListQuery>, AppError>,
) -> Result<Response, AppError> {
    let rows = audited_rows(&state, &reviewer, "export_csv", &uri, q).await?;
    tracing::info!(rows = rows.len(), "declarations exported as CSV");
    export::csv(&rows)
}

/// `GET /api/v1/review/declarations.xlsx`: the list as an Excel workbook.
#[utoipa::path(get, path = "/v1/review/declarations.xlsx", tag = "review", security(("reviewToken" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "The same rows as the CSV in an Excel workbook: ID and phone numbers as text cells, submission times (China time) and deadlines as dates, the header row frozen.", body = Vec<u8>,
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, description = "A filter that is not a status key, a division code, a date or true/false.", body = crate::error::ErrorBody),
        (status = 401, description = "No token, or a token that is unknown, revoked, expired or of the old kind.", body = crate::error::ErrorBody),
    ))]
pub async fn xlsx(
    State(state): State<AppState>,
    Auth(reviewer): Auth,
    uri: Uri,
    q: Result<ApiQuery<ListQuery>, AppError>,
) -> Result<Response, AppError> {
    let rows = audited_rows(&state, &reviewer, "export_xlsx", &uri, q).await?;
    tracing::info!(rows = rows.len(), "declarations exported as Excel");
    export::xlsx(&rows)
}
