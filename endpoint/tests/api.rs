//! The endpoint end to end: the router in-process (`oneshot`) against a real SQLite file in a
//! temporary folder, and the real binary started on port 0.
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use sqlx::{AnyPool, Row};
use std::path::PathBuf;
use tempfile::TempDir;
use tower::ServiceExt;
use xiangqin_endpoint::crypto::{DataKey, Field};
use xiangqin_endpoint::{app, app as app_with, db, today_in_china, AppState};

const INDEX_HTML: &str = "<!doctype html><title>乡亲</title><p>app</p>";

/// Which database a test runs on. Every test that stores something runs twice: on SQLite
/// (`sqlite::…`) and on PostgreSQL (`postgres::…`, skipped with a note unless
/// `XIANGQIN_TEST_POSTGRES_URL` names a server, e.g. `postgres://postgres@127.0.0.1:55432/postgres`).
#[derive(Debug, Clone)]
enum Backend {
    Sqlite,
    Postgres(String),
}

const POSTGRES_VAR: &str = "XIANGQIN_TEST_POSTGRES_URL";

/// Says once, past the test harness's output capture, that the PostgreSQL runs were skipped.
fn note_postgres_skipped() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "note: postgres::* tests skipped (they pass without running): set {POSTGRES_VAR}, \
             e.g. with `export {POSTGRES_VAR}=$(scripts/postgres-test-server start)`"
        );
    });
}

/// Runs each named test (an `async fn(Backend)`) once per database.
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name(super::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    match std::env::var(super::POSTGRES_VAR) {
                        Ok(url) if !url.is_empty() => {
                            super::$name(super::Backend::Postgres(url)).await
                        }
                        _ => super::note_postgres_skipped(),
                    }
                }
            )*
        }
    };
}

/// A fresh, empty database: a file in `dir`, or a new database on the PostgreSQL server.
async fn fresh_database(backend: &Backend, dir: &std::path::Path) -> (String, Option<PathBuf>) {
    match backend {
        Backend::Sqlite => {
            let path = dir.join("data/xiangqin.db");
            (format!("sqlite://{}", path.display()), Some(path))
        }
        Backend::Postgres(server) => {
            sqlx::any::install_default_drivers();
            let name = format!("xq_test_{}", uuid::Uuid::new_v4().simple());
            let admin = AnyPool::connect(server).await.unwrap();
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&admin)
                .await
                .unwrap();
            admin.close().await;
            let (base, query) = match server.split_once('?') {
                Some((b, q)) => (b, format!("?{q}")),
                None => (server.as_str(), String::new()),
            };
            let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
            (format!("{base}/{name}{query}"), None)
        }
    }
}

/// The POST of a declaration, as the phone sends it.
fn declaration_request(body: impl Into<Body>, key: &str) -> Request<Body> {
    Request::post("/api/v1/declarations")
        .header(header::CONTENT_TYPE, "application/json")
        .header("Idempotency-Key", key)
        .body(body.into())
        .unwrap()
}

/// Sends `request` through a clone of the router (one that can go to a spawned task): the status
/// and the JSON answer.
async fn json_answer(router: Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

/// A fresh app on a fresh database, with a static folder holding an index.html.
struct TestApp {
    router: Router,
    db_url: String,
    /// The SQLite file (None on PostgreSQL).
    db_path: Option<PathBuf>,
    /// The data key the app seals personal data with.
    key: DataKey,
    _dir: TempDir,
}

async fn spawn_app(backend: &Backend) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), INDEX_HTML).unwrap();
    std::fs::write(dist.join("app.css"), "body{}").unwrap();
    let (db_url, db_path) = fresh_database(backend, dir.path()).await;
    let pool = db::connect(&db_url).await.unwrap();
    let key = DataKey::generate();
    let state = AppState::new(pool, dist, key.clone()).await.unwrap();
    TestApp {
        router: app(state),
        db_url,
        db_path,
        key,
        _dir: dir,
    }
}

impl TestApp {
    async fn send(&self, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        (status, headers, body)
    }

    async fn post(&self, body: impl Into<Body>, key: Option<&str>) -> (StatusCode, Value) {
        // The phone always sends a key; tests that do not care get a fresh one.
        let fresh = uuid::Uuid::new_v4().to_string();
        let request = declaration_request(body, key.unwrap_or(&fresh));
        let (status, headers, body) = self.send(request).await;
        if !body.is_empty() {
            assert_eq!(
                headers[header::CONTENT_TYPE],
                "application/json",
                "{status}"
            );
        }
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    async fn get(&self, path: &str) -> (StatusCode, axum::http::HeaderMap, String) {
        let (status, headers, body) = self
            .send(Request::get(path).body(Body::empty()).unwrap())
            .await;
        (status, headers, String::from_utf8(body).unwrap())
    }

    /// A second, independent pool on the same database: proves what was committed.
    async fn second_pool(&self) -> AnyPool {
        sqlx::any::install_default_drivers();
        AnyPool::connect(&self.db_url).await.unwrap()
    }

    async fn count(&self, table: &str) -> i64 {
        let pool = self.second_pool().await;
        let n = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        n
    }
}

/// A valid declaration dated a month ago (the example file's body, with a date that stays valid).
fn declaration() -> Value {
    let mut d: Value = serde_json::from_str(include_str!("../examples/declaration.json")).unwrap();
    d["happened_on"] = json!((today_in_china() - chrono::Duration::days(30)).to_string());
    d
}

fn is_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

fn assert_error(body: &Value, code: &str) {
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        is_chinese(body["error"]["message"].as_str().unwrap()),
        "{body}"
    );
}

#[test]
fn the_example_declaration_is_valid() {
    let d: xiangqin_rules::declaration::Declaration =
        serde_json::from_str(include_str!("../examples/declaration.json")).unwrap();
    assert_eq!(d.normalized().validate(today_in_china()), Ok(()));
}

async fn healthz_answers_ok(backend: Backend) {
    let app = spawn_app(&backend).await;
    let (status, _, body) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, "ok");
}

async fn a_valid_declaration_is_stored_with_its_first_event_before_the_answer(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b";
    let (status, body) = app.post(declaration().to_string(), Some(key)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let receipt = body["receipt"].as_str().unwrap();
    assert!(xiangqin_endpoint::token::is_receipt(receipt), "{receipt}");
    let token = body["status_token"].as_str().unwrap();
    assert_eq!(token.len(), 32);
    assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(body["status"], "submitted");
    let submitted_at = body["submitted_at"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(submitted_at).is_ok(),
        "{submitted_at}"
    );

    if let Some(path) = &app.db_path {
        assert!(path.is_file());
    }
    let pool = app.second_pool().await;
    let row = sqlx::query("SELECT * FROM declarations WHERE receipt = $1")
        .bind(receipt)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>("status"), "submitted");
    assert_eq!(row.get::<String, _>("region"), "longyan");
    assert_eq!(row.get::<String, _>("village"), "露湖村委会");
    assert_eq!(
        row.get::<Option<String>, _>("place_code").as_deref(),
        Some("350821106231")
    );
    // The name, ID number, phone and body are stored sealed for this receipt, and open with the
    // data key; the ID number links by its keyed hash.
    let open = |field: Field, column: &str| {
        let stored = row.get::<String, _>(column);
        assert!(stored.starts_with("xq1:"), "{column}: {stored}");
        app.key.open(field, receipt, &stored).unwrap()
    };
    assert_eq!(open(Field::ApplicantName, "applicant_name"), "张三");
    assert_eq!(open(Field::IdNumber, "id_number"), "11010519491231002X");
    assert_eq!(open(Field::Phone, "phone"), "13912345678");
    assert_eq!(
        row.get::<String, _>("id_number_hash"),
        app.key.id_number_hash("11010519491231002X")
    );
    assert_eq!(row.get::<String, _>("created_at"), submitted_at);
    let key_hash = row
        .get::<Option<String>, _>("idempotency_key_hash")
        .unwrap();
    assert_eq!(key_hash.len(), 64, "the key's hash, not the key");
    assert!(!key_hash.contains(&key[..8]));
    let token_hash: String = row.get("status_token_hash");
    assert_eq!(
        token_hash,
        xiangqin_endpoint::token::sha256_hex(token),
        "only the token's hash is stored"
    );
    let stored: Value = serde_json::from_str(&open(Field::Body, "body_json")).unwrap();
    assert_eq!(stored["applicant"]["id_number"], "11010519491231002X");
    // A keyed hash of the clear body (a plain SHA-256 would let a guess be confirmed).
    assert_eq!(
        row.get::<String, _>("body_sha256"),
        app.key.body_hash(&open(Field::Body, "body_json"))
    );

    let id: i64 = row.get("id");
    let events = sqlx::query("SELECT * FROM declaration_events WHERE declaration_id = $1")
        .bind(id)
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].get::<Option<String>, _>("from_status"), None);
    assert_eq!(events[0].get::<String, _>("to_status"), "submitted");
    assert_eq!(events[0].get::<String, _>("actor"), "household");
    pool.close().await;
}

async fn the_declaration_is_normalized_before_it_is_stored(backend: Backend) {
    let app = spawn_app(&backend).await;
    let mut d = declaration();
    d["applicant"]["id_number"] = json!(" 11010519491231002x ");
    d["applicant"]["phone"] = json!("139 1234 5678");
    // Whatever names the phone sends, the list's go beside the code.
    d["place"] = json!({"code": "350821106231", "county": "别的县", "village": " 露湖村 "});
    let (status, body) = app.post(d.to_string(), None).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let pool = app.second_pool().await;
    let (receipt, id_number, phone, county, township, village, body_json): (
        String,
        String,
        String,
        String,
        String,
        String,
        String,
    ) = sqlx::query_as(
        "SELECT receipt, id_number, phone, county, township, village, body_json FROM declarations",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let id_number = app.key.open(Field::IdNumber, &receipt, &id_number).unwrap();
    let phone = app.key.open(Field::Phone, &receipt, &phone).unwrap();
    let body_json = app.key.open(Field::Body, &receipt, &body_json).unwrap();
    assert_eq!(
        (id_number.as_str(), phone.as_str()),
        ("11010519491231002X", "13912345678")
    );
    assert_eq!(
        (county.as_str(), township.as_str(), village.as_str()),
        ("长汀县", "河田镇", "露湖村委会")
    );
    let stored: Value = serde_json::from_str(&body_json).unwrap();
    assert_eq!(
        stored["place"],
        json!({"code": "350821106231", "county": "长汀县", "township": "河田镇", "village": "露湖村委会"})
    );
}

/// A place is an official code: listed, and in the declaration's region; a township code when
/// the village is not listed, the village then as the household writes it.
async fn places_are_official_codes_of_the_declarations_region(backend: Backend) {
    let app = spawn_app(&backend).await;
    let refused = |body: &Value| -> Vec<(String, String)> {
        body["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                assert!(is_chinese(f["message"].as_str().unwrap()), "{f}");
                (
                    f["field"].as_str().unwrap().to_string(),
                    f["code"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let field = |f: &str, c: &str| vec![(f.to_string(), c.to_string())];
    for (place, expected) in [
        (
            json!({"code": "350821106999"}),
            field("place.code", "place_unknown"),
        ),
        (
            json!({"code": "350821199", "village": "新村"}),
            field("place.code", "place_unknown"),
        ),
        (
            json!({"code": "630121101", "village": "新村"}),
            field("place.code", "place_outside_region"),
        ),
        (
            json!({"code": "35082110623"}),
            field("place.code", "place_code_invalid"),
        ),
        (
            json!({"code": "350821"}),
            field("place.code", "place_code_invalid"),
        ),
        (
            json!({"code": 350821106231_u64}),
            field("place.code", "place_code_invalid"),
        ),
        // An app from before the lists sends names only.
        (
            json!({"county": "长汀县", "township": "河田镇", "village": "露湖村"}),
            field("place.code", "required"),
        ),
        (
            json!({"code": "350821106"}),
            field("place.village", "required"),
        ),
    ] {
        let mut d = declaration();
        d["place"] = place.clone();
        let (status, body) = app.post(d.to_string(), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{place}: {body}");
        assert_eq!(refused(&body), expected, "{place}");
    }
    // 城关镇 of 湟源县, its village written by hand: stored under the township's code.
    let mut d = declaration();
    d["region"] = json!("qinghai");
    d["place"] = json!({"code": "630123100", "village": " 新建村 "});
    let (status, body) = app.post(d.to_string(), None).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let pool = app.second_pool().await;
    let row = sqlx::query("SELECT place_code, county, township, village FROM declarations")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(row.get::<String, _>("place_code"), "630123100");
    assert_eq!(row.get::<String, _>("county"), "湟源县");
    assert_eq!(row.get::<String, _>("township"), "城关镇");
    assert_eq!(row.get::<String, _>("village"), "新建村");
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM declarations")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 1, "nothing refused was stored");
}

async fn invalid_fields_get_422_with_chinese_messages_and_nothing_is_stored(backend: Backend) {
    let app = spawn_app(&backend).await;
    let mut d = declaration();
    d["applicant"]["id_number"] = json!("110105194912310021");
    d["applicant"]["phone"] = json!("12345");
    let (status, body) = app.post(d.to_string(), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "invalid");
    assert_eq!(body["error"]["message"], "请检查下面标出的内容");
    let fields = body["error"]["fields"].as_array().unwrap();
    let find = |f: &str| {
        fields
            .iter()
            .find(|e| e["field"] == f)
            .unwrap_or_else(|| panic!("{f} not in {body}"))
    };
    assert_eq!(find("applicant.id_number")["code"], "id_number_check_digit");
    assert_eq!(find("applicant.phone")["code"], "phone_format");
    assert_eq!(fields.len(), 2, "{body}");
    assert!(
        fields
            .iter()
            .all(|f| is_chinese(f["message"].as_str().unwrap())),
        "{body}"
    );
    assert_eq!(app.count("declarations").await, 0);
    assert_eq!(app.count("declaration_events").await, 0);
}

async fn a_future_date_is_refused(backend: Backend) {
    let app = spawn_app(&backend).await;
    let mut d = declaration();
    d["happened_on"] = json!((today_in_china() + chrono::Duration::days(2)).to_string());
    let (status, body) = app.post(d.to_string(), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "happened_on");
    assert_eq!(body["error"]["fields"][0]["code"], "date_in_future");
}

async fn wrong_types_and_missing_fields_get_422_naming_the_field(backend: Backend) {
    let app = spawn_app(&backend).await;
    /// (what, how to spoil the declaration, the field named, its code)
    type Case = (&'static str, fn(&mut Value), &'static str, &'static str);
    let cases: [Case; 5] = [
        (
            "missing",
            |d| drop(d["applicant"].as_object_mut().unwrap().remove("phone")),
            "applicant.phone",
            "required",
        ),
        (
            "wrong type",
            |d| d["household_size"] = json!("四"),
            "household_size",
            "wrong_type",
        ),
        (
            "unknown risk",
            |d| d["risk_types"] = json!(["illness", "bad_luck"]),
            "risk_types[1]",
            "invalid_choice",
        ),
        (
            "bad date",
            |d| d["happened_on"] = json!("2026年9月1日"),
            "happened_on",
            "invalid_date",
        ),
        (
            "unknown field",
            |d| d["applicant"]["email"] = json!("a@b.c"),
            "applicant.email",
            "unknown_field",
        ),
    ];
    for (name, change, field, code) in cases {
        let mut d = declaration();
        change(&mut d);
        let (status, body) = app.post(d.to_string(), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {body}");
        assert_error(&body, "invalid");
        assert_eq!(body["error"]["fields"][0]["field"], field, "{name}: {body}");
        assert_eq!(body["error"]["fields"][0]["code"], code, "{name}: {body}");
        assert!(
            is_chinese(body["error"]["fields"][0]["message"].as_str().unwrap()),
            "{name}: {body}"
        );
    }
    assert_eq!(app.count("declarations").await, 0);
}

async fn malformed_json_gets_400(backend: Backend) {
    let app = spawn_app(&backend).await;
    for bad in ["{\"region\": ", "not json", "", "{} {}"] {
        let (status, body) = app.post(bad, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad:?}: {body}");
        assert_error(&body, "malformed_json");
    }
}

async fn a_body_that_is_not_json_gets_415(backend: Backend) {
    let app = spawn_app(&backend).await;
    let request = Request::post("/api/v1/declarations")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
        .body(Body::from("a=b"))
        .unwrap();
    let (status, _, body) = app.send(request).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_error(
        &serde_json::from_slice(&body).unwrap(),
        "unsupported_media_type",
    );
}

async fn an_oversized_body_gets_413_in_chinese(backend: Backend) {
    let app = spawn_app(&backend).await;
    let mut d = declaration();
    d["description"] = json!("很".repeat(30_000)); // 90 KB of UTF-8
    let (status, body) = app.post(d.to_string(), None).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_error(&body, "payload_too_large");
    assert_eq!(app.count("declarations").await, 0);
}

async fn a_repeated_request_with_the_same_key_gets_the_same_receipt_and_token(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = uuid::Uuid::new_v4().to_string();
    let (first_status, first) = app.post(declaration().to_string(), Some(&key)).await;
    assert_eq!(first_status, StatusCode::CREATED, "{first}");

    // Retyped (normalizes to the same declaration) and the key in capitals: still the same request.
    let mut retyped = declaration();
    retyped["applicant"]["phone"] = json!("139-1234-5678");
    let request = Request::post("/api/v1/declarations")
        .header(header::CONTENT_TYPE, "application/json")
        .header("Idempotency-Key", key.to_uppercase())
        .body(Body::from(retyped.to_string()))
        .unwrap();
    let (status, headers, body) = app.send(request).await;
    let again: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(headers["idempotent-replayed"], "true");
    assert_eq!(again, first, "same receipt, token, status and time");
    assert_eq!(app.count("declarations").await, 1);
    assert_eq!(app.count("declaration_events").await, 1);

    let pool = app.second_pool().await;
    let key_hash: String = sqlx::query_scalar("SELECT idempotency_key_hash FROM declarations")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_ne!(key_hash, key, "the key is stored hashed");
    assert_eq!(key_hash.len(), 64);
}

async fn the_same_key_with_a_different_declaration_gets_409(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = uuid::Uuid::new_v4().to_string();
    let (status, _) = app.post(declaration().to_string(), Some(&key)).await;
    assert_eq!(status, StatusCode::CREATED);
    let mut other = declaration();
    other["household_size"] = json!(5);
    let (status, body) = app.post(other.to_string(), Some(&key)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_error(&body, "idempotency_conflict");
    assert_eq!(app.count("declarations").await, 1);
}

async fn different_keys_make_different_declarations(backend: Backend) {
    let app = spawn_app(&backend).await;
    let (_, a) = app
        .post(
            declaration().to_string(),
            Some(&uuid::Uuid::new_v4().to_string()),
        )
        .await;
    let (_, b) = app
        .post(
            declaration().to_string(),
            Some(&uuid::Uuid::new_v4().to_string()),
        )
        .await;
    let (_, c) = app.post(declaration().to_string(), None).await;
    assert_ne!(a["receipt"], b["receipt"]);
    assert_ne!(a["status_token"], b["status_token"]);
    assert_ne!(b["receipt"], c["receipt"]);
    assert_eq!(app.count("declarations").await, 3);
}

async fn an_idempotency_key_that_is_missing_or_not_a_uuid_gets_400(backend: Backend) {
    let app = spawn_app(&backend).await;
    for bad in ["my-key-1", "00000000-0000-0000-0000-000000000000", ""] {
        let (status, body) = app.post(declaration().to_string(), Some(bad)).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad:?}: {body}");
        assert_error(&body, "invalid_idempotency_key");
    }
    // Without a key a retry after a lost answer would store the declaration twice.
    let request = Request::post("/api/v1/declarations")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(declaration().to_string()))
        .unwrap();
    let (status, _, body) = app.send(request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_error(&body, "missing_idempotency_key");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("提交编号"));
    assert_eq!(app.count("declarations").await, 0);
}

async fn concurrent_identical_requests_with_one_key_store_one_declaration(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = uuid::Uuid::new_v4().to_string();
    let body = declaration().to_string();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let request = declaration_request(body.clone(), &key);
            tokio::spawn(json_answer(app.router.clone(), request))
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    let created = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    let replayed = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!((created, replayed), (1, 7), "{answers:?}");
    assert!(
        answers.iter().all(|(_, b)| b == &answers[0].1),
        "one receipt and token for all: {answers:?}"
    );
    assert_eq!(app.count("declarations").await, 1);
    assert_eq!(app.count("declaration_events").await, 1);
}

async fn app_routes_fall_back_to_index_html_and_files_are_served(backend: Backend) {
    let app = spawn_app(&backend).await;
    for path in ["/", "/check", "/report/sent"] {
        let (status, headers, body) = app.get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        assert_eq!(body, INDEX_HTML, "{path}");
    }
    let (status, headers, body) = app.get("/app.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert_eq!(body, "body{}");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
}

async fn unknown_api_paths_get_json_404_and_wrong_methods_json_405(backend: Backend) {
    let app = spawn_app(&backend).await;
    for path in ["/api/v1/nothing", "/api/v2/declarations", "/api/", "/api"] {
        let (status, headers, body) = app.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/json", "{path}");
        assert_error(&serde_json::from_str(&body).unwrap(), "not_found");
    }
    let (status, headers, body) = app.get("/api/v1/declarations").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert_error(&serde_json::from_str(&body).unwrap(), "method_not_allowed");
}

#[tokio::test]
async fn deep_links_are_compressed_and_paths_of_no_route_are_404_with_the_app() {
    let app = spawn_app(&Backend::Sqlite).await;
    let dist = app._dir.path().join("dist");
    // Stand-ins for scripts/build's compressed copies: what matters is which file is sent.
    std::fs::write(dist.join("index.html.br"), b"brotli index").unwrap();
    std::fs::write(dist.join("index.html.gz"), b"gzip index").unwrap();
    let get = |path: &str, encoding: &str| {
        Request::get(path)
            .header(header::ACCEPT_ENCODING, encoding)
            .body(Body::empty())
            .unwrap()
    };
    // A receipt's QR code opens /status?receipt=…: as small as the home page.
    for path in [
        "/",
        "/check",
        "/policies/longyan",
        "/policy/ly-x",
        "/status?receipt=LY-1",
    ] {
        let (status, headers, body) = app.send(get(path, "gzip, deflate, br")).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(headers[header::CONTENT_ENCODING], "br", "{path}");
        assert_eq!(headers[header::CONTENT_LENGTH], "12", "{path}");
        assert_eq!(body, b"brotli index", "{path}");
        let (_, headers, body) = app.send(get(path, "gzip")).await;
        assert_eq!(headers[header::CONTENT_ENCODING], "gzip", "{path}");
        assert_eq!(body, b"gzip index", "{path}");
    }
    // No route of the app: its page (the not-found screen), but a 404.
    for path in [
        "/robots.txt",
        "/wp-login.php",
        "/check/region/more",
        "/results/1",
    ] {
        let (status, headers, body) = app.send(get(path, "identity")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        assert_eq!(String::from_utf8(body).unwrap(), INDEX_HTML, "{path}");
    }
    // A real robots.txt is a file like any other.
    std::fs::write(dist.join("robots.txt"), "User-agent: *\n").unwrap();
    let (status, _, body) = app.send(get("/robots.txt", "identity")).await;
    assert_eq!(
        (status, body.as_slice()),
        (StatusCode::OK, &b"User-agent: *\n"[..])
    );
}

#[tokio::test]
async fn without_index_html_only_the_api_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let pool = db::connect(&format!("sqlite://{}", dir.path().join("x.db").display()))
        .await
        .unwrap();
    let state = AppState::new(pool, dir.path().join("no-such-dist"), DataKey::generate())
        .await
        .unwrap();
    assert!(!state.has_index_html());
    let router = app(state);
    let response = router
        .clone()
        .oneshot(Request::get("/check").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = router
        .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

/// A phone that starts sending and never finishes gets a JSON 408 in Chinese, with the security
/// headers, after the request timeout (the test clock is paused and jumps ahead).
#[tokio::test]
async fn a_request_that_never_finishes_gets_a_json_408_with_the_security_headers() {
    let app = spawn_app(&Backend::Sqlite).await;
    tokio::time::pause();
    let never_ends = futures_util::stream::pending::<Result<axum::body::Bytes, std::io::Error>>();
    let request = declaration_request(
        Body::from_stream(never_ends),
        &uuid::Uuid::new_v4().to_string(),
    );
    let (status, headers, body) = app.send(request).await;
    assert_eq!(status, StatusCode::REQUEST_TIMEOUT);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_error(&body, "request_timeout");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("没有丢"));
    assert!(
        headers.contains_key("content-security-policy"),
        "{headers:?}"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(!headers[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .contains("max-age"));
}

/// The operator lists and revokes review tokens with the binary; a revoked token opens nothing.
#[tokio::test]
async fn the_operator_lists_and_revokes_review_tokens() {
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_xiangqin-endpoint"))
            .args(["--database-url", &url])
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let (ok, token, said) = run(&[
        "token",
        "add",
        "--division",
        "350821106",
        "--role",
        "township",
        "--name",
        "河田镇李干部",
    ]);
    assert!(ok, "{said}");
    assert!(said.contains("龙岩市 长汀县 河田镇 (350821106)"), "{said}");
    let token = token.trim().to_string();
    let (ok, list, _) = run(&["token", "list"]);
    assert!(ok);
    let year = (today_in_china() + chrono::Months::new(12)).to_string();
    assert!(
        list.starts_with("1\t河田镇李干部\t350821106 龙岩市 长汀县 河田镇\ttownship\tissued "),
        "{list}"
    );
    assert!(list.contains(&format!("\texpires {year}\t")), "{list}");
    assert!(list.trim_end().ends_with("active"), "{list}");
    assert!(
        !list.contains(&token),
        "the token itself is never shown again"
    );
    for bad in [
        vec!["--division", "62", "--role", "county"],
        vec!["--division", "350821199", "--role", "township"],
        vec!["--division", "350821", "--role", "mayor"],
        vec![
            "--division",
            "350821",
            "--role",
            "county",
            "--expires",
            "2020-01-01",
        ],
    ] {
        let mut args = vec!["token", "add", "--name", "x"];
        args.extend(bad.iter());
        let (ok, out, said) = run(&args);
        assert!(!ok && out.is_empty(), "{bad:?}: {said}");
    }

    let me = |router: Router| {
        let token = token.clone();
        async move {
            let request = Request::get("/api/v1/review/me")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap();
            router.oneshot(request).await.unwrap().status()
        }
    };
    let key = DataKey::generate();
    let router = || async {
        let pool = db::connect(&url).await.unwrap();
        app(AppState::new(pool, dir.path().join("dist"), key.clone())
            .await
            .unwrap())
    };
    assert_eq!(me(router().await).await, StatusCode::OK);

    let (ok, _, said) = run(&["token", "revoke", "1"]);
    assert!(ok, "{said}");
    let (_, list, _) = run(&["token", "list"]);
    assert!(list.contains("\trevoked "), "{list}");
    assert_eq!(me(router().await).await, StatusCode::UNAUTHORIZED);
    let (ok, _, said) = run(&["token", "revoke", "1"]);
    assert!(!ok, "revoking twice says so");
    assert!(said.contains("no active token number 1"), "{said}");
    // `audit` prints who did what: here the revoked token's refused attempt.
    let (ok, audit, said) = run(&["audit"]);
    assert!(ok, "{said}");
    let lines: Vec<&str> = audit.lines().collect();
    assert_eq!(lines.len(), 2, "{audit}");
    assert!(
        lines[0].ends_with("\t#1 河田镇李干部\tme\t-\t-\tok"),
        "{audit}"
    );
    assert!(lines[1].ends_with("\t-\tme\t-\t-\tunauthorized"), "{audit}");
}

/// The real binary: port 0, a database in a folder that does not exist yet, SIGTERM.
#[cfg(unix)]
#[test]
fn the_binary_prints_its_address_serves_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("not/yet/there/xiangqin.db");
    let mut child = Command::new(env!("CARGO_BIN_EXE_xiangqin-endpoint"))
        .args(["--listen", "127.0.0.1:0", "--database-url"])
        .arg(format!("sqlite://{}", db_path.display()))
        .arg("--static-dir")
        .arg(dir.path().join("no-dist"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill the child if an assertion fails, so no server outlives the test.
    struct Guard(Option<std::process::Child>);
    impl Drop for Guard {
        fn drop(&mut self) {
            if let Some(c) = self.0.as_mut() {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
    }
    let stdout = child.stdout.take().unwrap();
    let mut guard = Guard(Some(child));

    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    assert!(
        line.starts_with("乡亲 Xiangqin is listening on http://"),
        "{line:?}"
    );
    let addr = line
        .split("listening on http://")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    assert!(!addr.ends_with(":0"), "the real port is printed: {addr}");

    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(
        response.starts_with("HTTP/1.0 200") || response.starts_with("HTTP/1.1 200"),
        "{response}"
    );
    assert!(response.ends_with("\r\n\r\nok"), "{response}");
    assert!(db_path.is_file(), "the database file was created");

    let pid = guard.0.as_ref().unwrap().id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = guard.0.as_mut().unwrap().try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not stop within 15 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    guard.0 = None;
    assert!(status.success(), "exit status {status:?}");
}

// ---- who receives the declarations ----

/// `GET /api/v1/service`, the submit answer and the status answer say who receives the
/// declarations — the operator's `--service-name` — and the deadlines it promised, and nothing
/// when it configured nothing.
async fn the_service_names_itself_and_promises_only_what_is_configured(backend: Backend) {
    let plain = spawn_app(&backend).await;
    let (status, _, body) = plain
        .send(Request::get("/api/v1/service").body(Body::empty()).unwrap())
        .await;
    assert_eq!(status, StatusCode::OK);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body, json!({"service_name": null, "deadlines": []}));

    let dir = tempfile::tempdir().unwrap();
    let (db_url, _) = fresh_database(&backend, dir.path()).await;
    let pool = db::connect(&db_url).await.unwrap();
    let mut state = AppState::new(pool, dir.path(), DataKey::generate())
        .await
        .unwrap();
    state.service_name = Some(
        xiangqin_endpoint::service::ServiceName::parse(" 长汀县乡村振兴局 乡亲申报 ").unwrap(),
    );
    state.deadlines = xiangqin_endpoint::workflow::Deadlines::parse("home_visit=7").unwrap();
    let router = app(state);
    let want = json!({
        "service_name": "长汀县乡村振兴局 乡亲申报",
        "deadlines": [{"step": "home_visit", "label_zh": "入户核实", "working_days": 7}],
    });
    let (status, service) = json_answer(
        router.clone(),
        Request::get("/api/v1/service").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(service, want);
    let key = uuid::Uuid::new_v4().to_string();
    let (status, sent) = json_answer(
        router.clone(),
        declaration_request(declaration().to_string(), &key),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    assert_eq!(sent["service_name"], want["service_name"]);
    assert_eq!(sent["deadlines"], want["deadlines"]);
    // The replay says the same.
    let (status, again) = json_answer(
        router.clone(),
        declaration_request(declaration().to_string(), &key),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["service_name"], want["service_name"]);
    let path = format!("/api/v1/declarations/{}", sent["receipt"].as_str().unwrap());
    let request = Request::get(&path)
        .header("X-Status-Token", sent["status_token"].as_str().unwrap())
        .body(Body::empty())
        .unwrap();
    let (status, looked_up) = json_answer(router, request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(looked_up["service_name"], want["service_name"]);
    assert_eq!(looked_up["deadlines"], want["deadlines"]);
}

// ---- status lookup, readiness, headers, rate limit ----

async fn the_household_sees_its_status_and_history_with_its_token_only(backend: Backend) {
    let app = spawn_app(&backend).await;
    let key = "1b4e28ba-2fa1-41d2-883f-0016d3cca427";
    let (status, sent) = app.post(declaration().to_string(), Some(key)).await;
    assert_eq!(status, StatusCode::CREATED);
    // No deadlines and no name unless the operator configured them (the seeds give neither).
    assert_eq!(sent["deadlines"], json!([]), "{sent}");
    assert_eq!(sent["service_name"], Value::Null, "{sent}");
    let receipt = sent["receipt"].as_str().unwrap();
    let token = sent["status_token"].as_str().unwrap();

    let path = format!("/api/v1/declarations/{receipt}");
    let request = Request::get(&path)
        .header("X-Status-Token", token)
        .body(Body::empty())
        .unwrap();
    let (status, headers, body) = app.send(request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["receipt"], receipt);
    assert_eq!(body["status"], "submitted");
    assert_eq!(body["status_zh"], "已提交");
    assert_eq!(body["history"].as_array().unwrap().len(), 1);
    assert_eq!(body["history"][0]["status_zh"], "已提交");
    // Nothing personal comes back.
    let text = body.to_string();
    for personal in [
        "张",
        "11010519491231002X",
        "139",
        "applicant",
        "id_number",
        "phone",
    ] {
        assert!(!text.contains(personal), "{personal} in {text}");
    }

    // The token may come as a query parameter too; the receipt in any case.
    let (status, _, _) = app
        .get(&format!(
            "/api/v1/declarations/{}?token={token}",
            receipt.to_lowercase()
        ))
        .await;
    assert_eq!(status, StatusCode::OK);

    // A wrong token and an unknown receipt look the same.
    let (wrong, _, wrong_body) = app.get(&format!("{path}?token={}", "0".repeat(32))).await;
    let (unknown, _, unknown_body) = app
        .get(&format!("/api/v1/declarations/XQ-0000-0000?token={token}"))
        .await;
    let (none, _, _) = app.get(&path).await;
    assert_eq!(wrong, StatusCode::NOT_FOUND);
    assert_eq!(unknown, StatusCode::NOT_FOUND);
    assert_eq!(none, StatusCode::NOT_FOUND);
    assert_eq!(wrong_body, unknown_body);
}

async fn readyz_says_whether_the_database_answers(backend: Backend) {
    let app = spawn_app(&backend).await;
    let (status, _, body) = app.get("/readyz").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ready"));

    // The same app once its database is gone.
    let dir = tempfile::tempdir().unwrap();
    let (url, _) = fresh_database(&backend, dir.path()).await;
    let pool = db::connect(&url).await.unwrap();
    let router = app_with(
        AppState::new(pool.clone(), dir.path(), DataKey::generate())
            .await
            .unwrap(),
    );
    pool.close().await;
    let response = router
        .oneshot(Request::get("/readyz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: Value =
        serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_error(&body, "database_down");
}

#[tokio::test]
async fn pages_carry_a_strict_content_security_policy_and_cache_rules() {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><script type=module>import init from\"/app-0123456789abcdef.js\";</script>",
    )
    .unwrap();
    std::fs::write(dist.join("app-0123456789abcdef.js"), "export default 1").unwrap();
    let pool = db::connect(&format!("sqlite://{}", dir.path().join("x.db").display()))
        .await
        .unwrap();
    let router = app(AppState::new(pool, &dist, DataKey::generate())
        .await
        .unwrap());
    let get = |path: &str| {
        let request = Request::get(path).body(Body::empty()).unwrap();
        router.clone().oneshot(request)
    };

    let page = get("/check/region").await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let csp = page.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(
        csp.contains("'sha256-"),
        "the inline loader is allowed by its hash: {csp}"
    );
    assert!(
        !csp.contains("'unsafe-inline' 'sha256")
            && !csp.contains("script-src 'self' 'unsafe-inline'")
    );
    assert_eq!(page.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(page.headers()[header::CACHE_CONTROL], "no-cache");

    let asset = get("/app-0123456789abcdef.js").await.unwrap();
    assert_eq!(asset.status(), StatusCode::OK);
    assert_eq!(
        asset.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert!(asset.headers().get(header::CONTENT_ENCODING).is_none());
    assert_eq!(page.headers()[header::REFERRER_POLICY], "no-referrer");

    // A precompressed copy is served to a browser that accepts it, with the same cache rule.
    std::fs::write(dist.join("app-0123456789abcdef.js.br"), b"brotli bytes").unwrap();
    let request = Request::get("/app-0123456789abcdef.js")
        .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
        .body(Body::empty())
        .unwrap();
    let compressed = router.clone().oneshot(request).await.unwrap();
    assert_eq!(compressed.status(), StatusCode::OK);
    assert_eq!(compressed.headers()[header::CONTENT_ENCODING], "br");
    assert_eq!(
        compressed.headers()[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    let bytes = compressed.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&bytes[..], b"brotli bytes");

    // The Wasm likewise, with the compressed copy's own length (the body sent) and the Wasm's
    // type (for streaming compilation); the loading screen's percentage counts the decoded bytes
    // against the built file (loader/progress.js), not this length.
    std::fs::write(
        dist.join("app-0123456789abcdef_bg.wasm"),
        b"\0asm wasm bytes",
    )
    .unwrap();
    std::fs::write(dist.join("app-0123456789abcdef_bg.wasm.br"), b"br wasm").unwrap();
    std::fs::write(dist.join("app-0123456789abcdef_bg.wasm.gz"), b"gzip wasm!").unwrap();
    for (encoding, length) in [("br", "7"), ("gzip", "10")] {
        let request = Request::get("/app-0123456789abcdef_bg.wasm")
            .header(header::ACCEPT_ENCODING, encoding)
            .body(Body::empty())
            .unwrap();
        let wasm = router.clone().oneshot(request).await.unwrap();
        assert_eq!(wasm.status(), StatusCode::OK);
        assert_eq!(wasm.headers()[header::CONTENT_ENCODING], encoding);
        assert_eq!(wasm.headers()[header::CONTENT_LENGTH], length, "{encoding}");
        assert_eq!(wasm.headers()[header::CONTENT_TYPE], "application/wasm");
    }
}

#[tokio::test]
async fn a_client_over_its_rate_gets_429_with_retry_after_in_chinese() {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;
    let dir = tempfile::tempdir().unwrap();
    let pool = db::connect(&format!("sqlite://{}", dir.path().join("x.db").display()))
        .await
        .unwrap();
    let mut state = AppState::new(pool, dir.path(), DataKey::generate())
        .await
        .unwrap();
    state.limiter = std::sync::Arc::new(xiangqin_endpoint::guard::RateLimiter::new(2));
    let router = app(state);
    let lookup = |ip: &str| {
        let mut request = Request::get("/api/v1/declarations/XQ-AAAA-AAAA?token=x")
            .body(Body::empty())
            .unwrap();
        let addr: SocketAddr = format!("{ip}:5000").parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(addr));
        router.clone().oneshot(request)
    };
    assert_eq!(
        lookup("192.0.2.7").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        lookup("192.0.2.7").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    let limited = lookup("192.0.2.7").await.unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(
        limited.headers()[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    let body: Value =
        serde_json::from_slice(&limited.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(body["error"]["code"], "too_many_requests");
    assert!(is_chinese(body["error"]["message"].as_str().unwrap()));
    // Another phone is not affected.
    assert_eq!(
        lookup("192.0.2.8").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn behind_a_trusted_load_balancer_each_phone_has_its_own_rate_limit() {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;
    use xiangqin_endpoint::{guard::RateLimiter, proxy::TrustedProxies};
    let dir = tempfile::tempdir().unwrap();
    let pool = db::connect(&format!("sqlite://{}", dir.path().join("x.db").display()))
        .await
        .unwrap();
    let mut state = AppState::new(pool, dir.path(), DataKey::generate())
        .await
        .unwrap();
    state.limiter = std::sync::Arc::new(
        RateLimiter::new(2).trusting(TrustedProxies::parse("10.0.0.0/8").unwrap()),
    );
    let router = app(state);
    // Every connection comes from the balancer (10.0.0.2); it appends the phone's address.
    let lookup = |forwarded_for: &str| {
        let mut request = Request::get("/api/v1/declarations/XQ-AAAA-AAAA?token=x")
            .header("x-forwarded-for", forwarded_for)
            .body(Body::empty())
            .unwrap();
        let balancer: SocketAddr = "10.0.0.2:40000".parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(balancer));
        router.clone().oneshot(request)
    };
    for _ in 0..2 {
        assert_eq!(
            lookup("203.0.113.5").await.unwrap().status(),
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        lookup("203.0.113.5").await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // The phone cannot escape its bucket by writing its own header in front.
    assert_eq!(
        lookup("198.51.100.1, 203.0.113.5").await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another phone behind the same balancer is not affected.
    assert_eq!(
        lookup("203.0.113.6").await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
}

async fn the_openapi_document_lists_every_operation_and_the_router_answers_each(backend: Backend) {
    let app = spawn_app(&backend).await;
    let (status, _, body) = app.get("/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let doc: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(
        doc["paths"]["/api/v1/declarations"]["post"]["responses"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["200", "201", "400", "408", "409", "413", "415", "422", "429", "503"]
    );
    let paths = doc["paths"].as_object().unwrap();
    // Every route the app serves, and nothing else, is in the generated document.
    let expected = [
        ("get", "/healthz"),
        ("get", "/readyz"),
        ("post", "/api/v1/declarations"),
        ("get", "/api/v1/declarations/{receipt}"),
        ("post", "/api/v1/declarations/{receipt}/withdrawal"),
        ("get", "/api/v1/openapi.json"),
        ("get", "/api/v1/service"),
        ("get", "/api/v1/review/me"),
        ("get", "/api/v1/review/declarations"),
        ("get", "/api/v1/review/declarations.csv"),
        ("get", "/api/v1/review/declarations.xlsx"),
        ("get", "/api/v1/review/declarations/{receipt}"),
        ("post", "/api/v1/review/declarations/{receipt}/transitions"),
    ];
    let mut documented: Vec<(String, String)> = paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|k| ["get", "post", "put", "patch", "delete"].contains(&k.as_str()))
                .map(move |m| (m.clone(), path.clone()))
        })
        .collect();
    documented.sort();
    let mut wanted: Vec<(String, String)> = expected
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    wanted.sort();
    assert_eq!(documented, wanted);
    for (method, path) in &expected {
        let op = &paths[*path][*method];
        assert!(
            !op["responses"].as_object().unwrap().is_empty(),
            "{method} {path}"
        );
        if path.starts_with("/api/v1/review/") {
            assert_eq!(
                op["security"],
                json!([{"reviewToken": []}]),
                "{method} {path}"
            );
        }
        let concrete = path.replace("{receipt}", "XQ-AAAA-AAAA");
        let request = Request::builder()
            .method(method.to_uppercase().as_str())
            .uri(&concrete)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap();
        let (status, _, body) = app.send(request).await;
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        let text = String::from_utf8_lossy(&body);
        assert!(
            !text.contains("\"code\":\"not_found\""),
            "{method} {path} is routed: {text}"
        );
    }
    // The example body has exactly the documented fields, with every required one.
    let schema = &doc["components"]["schemas"]["Declaration"];
    let props = schema["properties"].as_object().unwrap();
    let example = declaration();
    for key in example.as_object().unwrap().keys() {
        assert!(props.contains_key(key), "{key} is documented");
    }
    for required in schema["required"].as_array().unwrap() {
        assert!(
            example.get(required.as_str().unwrap()).is_some(),
            "{required} in the example"
        );
    }
}

// ---- review API ----

/// The review tokens of the tests: the Longyan village of the example declaration (露湖村委会,
/// 河田镇, 长汀县), another township of the county, an observer of the city; and 城关镇 of 大通县
/// (Qinghai), whose namesake in 湟源县 must stay out of its sight.
struct Tokens {
    village: String,
    township: String,
    elsewhere: String,
    county: String,
    observer: String,
    datong: String,
    huangyuan_county: String,
    qinghai: String,
}

async fn issue(pool: &AnyPool, name: &str, division: &str, role: &str) -> String {
    let t = xiangqin_endpoint::operator::new_token(division, role, name, None).unwrap();
    xiangqin_endpoint::issue_review_token(pool, &t)
        .await
        .unwrap()
}

async fn review_app(backend: &Backend) -> (TestApp, Tokens) {
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), INDEX_HTML).unwrap();
    let (db_url, db_path) = fresh_database(backend, dir.path()).await;
    let pool = db::connect(&db_url).await.unwrap();
    let tokens = Tokens {
        village: issue(&pool, "露湖村张干部", "350821106231", "village").await,
        township: issue(&pool, "河田镇李干部", "350821106", "township").await,
        elsewhere: issue(&pool, "策武镇王干部", "350821111", "township").await,
        county: issue(&pool, "长汀县乡村振兴局", "350821", "county").await,
        observer: issue(&pool, "龙岩市督查", "3508", "observer").await,
        datong: issue(&pool, "大通城关镇干部", "630121101", "township").await,
        huangyuan_county: issue(&pool, "湟源县乡村振兴局", "630123", "county").await,
        qinghai: issue(&pool, "青海省乡村振兴局", "63", "observer").await,
    };
    let key = DataKey::generate();
    let mut state = AppState::new(pool, dist, key.clone()).await.unwrap();
    // A deployment that promised deadlines (the review shows when each case is due).
    state.deadlines = xiangqin_endpoint::workflow::Deadlines::parse(
        "submitted=5,home_visit=10,village_review=10,township_review=10,county_approval=15",
    )
    .unwrap();
    let app = TestApp {
        router: app(state),
        db_url,
        db_path,
        key,
        _dir: dir,
    };
    (app, tokens)
}

impl TestApp {
    async fn review(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value, String) {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let request = match body {
            Some(b) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => request.body(Body::empty()),
        }
        .unwrap();
        let (status, _, body) = self.send(request).await;
        let text = String::from_utf8_lossy(&body).to_string();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::Null),
            text,
        )
    }

    /// Moves a declaration with `token`: the status of the answer and its body.
    async fn move_to(
        &self,
        receipt: &str,
        token: &str,
        to: &str,
        note: Option<&str>,
    ) -> (StatusCode, Value) {
        let path = format!("/api/v1/review/declarations/{receipt}/transitions");
        let (status, body, _) = self
            .review(
                "POST",
                &path,
                Some(token),
                Some(json!({"to": to, "note": note})),
            )
            .await;
        (status, body)
    }

    async fn listed(&self, token: &str, query: &str) -> Vec<String> {
        let path = format!("/api/v1/review/declarations{query}");
        let (status, list, text) = self.review("GET", &path, Some(token), None).await;
        assert_eq!(status, StatusCode::OK, "{text}");
        list.as_array()
            .unwrap()
            .iter()
            .map(|i| i["receipt"].as_str().unwrap().to_string())
            .collect()
    }

    /// The audit log, oldest first: (token name, action, receipt, detail, outcome).
    async fn audit(&self) -> Vec<(Option<String>, String, Option<String>, String, String)> {
        let pool = self.second_pool().await;
        let lines = sqlx::query_as(
            "SELECT token_name, action, receipt, detail, outcome FROM audit_log ORDER BY id",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        pool.close().await;
        lines
    }
}

async fn cadres_see_their_division_and_take_only_their_roles_steps(backend: Backend) {
    let (app, t) = review_app(&backend).await;
    let (status, sent) = app.post(declaration().to_string(), None).await;
    assert_eq!(status, StatusCode::CREATED);
    let receipt = sent["receipt"].as_str().unwrap().to_string();

    // No token, a wrong token: 401 with a Chinese message.
    let (status, body, _) = app
        .review("GET", "/api/v1/review/declarations", None, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(is_chinese(body["error"]["message"].as_str().unwrap()));
    let (status, _, _) = app
        .review("GET", "/api/v1/review/declarations", Some("xqr_nope"), None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The token says who and what it is.
    let (_, me, _) = app
        .review("GET", "/api/v1/review/me", Some(&t.township), None)
        .await;
    assert_eq!(me["division"], "350821106");
    assert_eq!(me["division_name"], "龙岩市 长汀县 河田镇");
    assert_eq!(me["role"], "township");
    assert_eq!(me["steps"], json!(["township_review"]));

    // The village, its township, its county and the city's observer see it; another township
    // does not, in the list, the detail or a move.
    for token in [&t.village, &t.township, &t.county, &t.observer] {
        assert_eq!(app.listed(token, "").await, std::slice::from_ref(&receipt));
    }
    assert!(app.listed(&t.elsewhere, "").await.is_empty());
    let detail_path = format!("/api/v1/review/declarations/{receipt}");
    let (status, _, _) = app
        .review("GET", &detail_path, Some(&t.elsewhere), None)
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another township cannot open it"
    );
    let (status, _) = app
        .move_to(&receipt, &t.elsewhere, "home_visit", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nor move it");

    // Each sees only the steps its role may take.
    let next = |body: &Value| body["next"].clone();
    let (_, d, _) = app
        .review("GET", &detail_path, Some(&t.village), None)
        .await;
    assert_eq!(next(&d), json!(["home_visit"]));
    assert_eq!(d["place_code"], "350821106231");
    let (_, d, _) = app.review("GET", &detail_path, Some(&t.county), None).await;
    assert_eq!(next(&d), json!(["rejected"]));
    let (_, d, _) = app
        .review("GET", &detail_path, Some(&t.township), None)
        .await;
    assert_eq!(next(&d), json!([]));
    assert_eq!(d["waiting_for"], "村级（入户核实、村级评议公示）");
    let (_, d, _) = app
        .review("GET", &detail_path, Some(&t.observer), None)
        .await;
    assert_eq!(next(&d), json!([]));

    // Along the workflow only, and each step by its role.
    let (status, body) = app
        .move_to(&receipt, &t.village, "county_approval", None)
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_error(&body, "transition_not_allowed");
    let (status, body) = app.move_to(&receipt, &t.township, "home_visit", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_error(&body, "role_forbidden");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("入户核实"),
        "{body}"
    );
    let (status, body) = app
        .move_to(
            &receipt,
            &t.village,
            "home_visit",
            Some("已入户，家中确有病人住院"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "home_visit");
    assert_eq!(body["next"], json!(["village_review"]));
    assert_eq!(body["history"][1]["actor"], "露湖村张干部");
    assert_eq!(body["history"][1]["note"], "已入户，家中确有病人住院");
    assert_eq!(body["declaration"]["applicant"]["name"], "张三");
    for (token, to) in [
        (&t.village, "village_review"),
        (&t.township, "township_review"),
        (&t.county, "county_approval"),
    ] {
        let (status, _) = app.move_to(&receipt, &t.observer, to, None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "an observer only reads");
        let (status, body) = app.move_to(&receipt, token, to, None).await;
        assert_eq!(status, StatusCode::OK, "{to}: {body}");
    }
    // 不予纳入 is the county's, and needs a reason.
    let (status, _) = app
        .move_to(&receipt, &t.village, "rejected", Some("不符合"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, body) = app.move_to(&receipt, &t.county, "rejected", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["fields"][0]["code"], "reason_required");
    let (status, _) = app
        .move_to(
            &receipt,
            &t.county,
            "rejected",
            Some("家庭收入稳定，未达到监测条件"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.move_to(&receipt, &t.county, "included", None).await;
    assert_eq!(status, StatusCode::CONFLICT, "a final outcome stays final");

    // The household sees the history and the reason.
    let token = sent["status_token"].as_str().unwrap();
    let (_, _, body) = app
        .get(&format!("/api/v1/declarations/{receipt}?token={token}"))
        .await;
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["status_zh"], "不予纳入");
    assert_eq!(body["history"].as_array().unwrap().len(), 6);
    assert_eq!(body["history"][5]["note"], "家庭收入稳定，未达到监测条件");
    // The cadres' note of the home visit stays with the cadres.
    assert_eq!(body["history"][1]["status"], "home_visit");
    assert_eq!(body["history"][1]["note"], Value::Null);
    assert!(!body.to_string().contains("病人住院"), "{body}");

    // The history is append-only in the database itself.
    let pool = app.second_pool().await;
    let err = sqlx::query("UPDATE declaration_events SET at = 'x', note = 'x'")
        .execute(&pool)
        .await;
    assert!(err.is_err());
    // Notes are stored sealed.
    let notes: Vec<Option<String>> = sqlx::query_scalar("SELECT note FROM declaration_events")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(notes.iter().flatten().count() >= 2);
    assert!(
        notes.iter().flatten().all(|n| n.starts_with("xq1:")),
        "{notes:?}"
    );

    // Filters: status, division (within the scope), dates (days in China).
    let today = today_in_china();
    let yesterday = today - chrono::Duration::days(1);
    for (query, expected) in [
        ("status=rejected".to_string(), 1),
        ("status=submitted".to_string(), 0),
        ("division=350821106231".to_string(), 1),
        ("division=350821106".to_string(), 1),
        ("division=350821111".to_string(), 0),
        (format!("from={today}&to={today}"), 1),
        (format!("to={yesterday}"), 0),
        (format!("from={}", today + chrono::Duration::days(1)), 0),
    ] {
        let list = app.listed(&t.county, &format!("?{query}")).await;
        assert_eq!(list.len(), expected, "{query}");
    }
    assert!(
        app.listed(&t.elsewhere, "?division=350821106")
            .await
            .is_empty(),
        "a filter does not widen the scope"
    );
    for bad in ["status=nonsense", "division=abc", "division=3508211"] {
        let (status, _, text) = app
            .review(
                "GET",
                &format!("/api/v1/review/declarations?{bad}"),
                Some(&t.county),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {text}");
    }
}

/// The bug of issue 16: a token for 城关镇 of 大通县 saw (and exported, with ID number and phone)
/// a declaration from 城关镇 of 湟源县. By code, it sees its own only — in the list, the detail,
/// both exports and the links of the same ID number.
async fn the_two_chengguan_towns_of_qinghai_are_kept_apart(backend: Backend) {
    let (app, t) = review_app(&backend).await;
    let from = |code: &str, village: Option<&str>, name: &str| {
        let mut d = declaration();
        d["region"] = json!("qinghai");
        d["place"] = json!({"code": code, "village": village});
        d["applicant"]["name"] = json!(name);
        d["applicant"]["id_number"] = json!("110105194912310038");
        d.to_string()
    };
    let (status, huangyuan) = app
        .post(from("630123100", Some("东门村"), "湟源户"), None)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{huangyuan}");
    let (status, datong) = app
        .post(from("630121101", Some("西关村"), "大通户"), None)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{datong}");
    let (huangyuan, datong) = (
        huangyuan["receipt"].as_str().unwrap(),
        datong["receipt"].as_str().unwrap(),
    );

    assert_eq!(app.listed(&t.datong, "").await, [datong]);
    assert_eq!(app.listed(&t.huangyuan_county, "").await, [huangyuan]);
    assert_eq!(app.listed(&t.qinghai, "").await, [datong, huangyuan]);
    let (status, _, _) = app
        .review(
            "GET",
            &format!("/api/v1/review/declarations/{huangyuan}"),
            Some(&t.datong),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The same ID number declared in both: the link is not shown across, only that there is one.
    let (_, list, _) = app
        .review("GET", "/api/v1/review/declarations", Some(&t.datong), None)
        .await;
    assert_eq!(list[0]["linked_to"], Value::Null);
    assert_eq!(list[0]["linked_elsewhere"], true);
    let (_, d, _) = app
        .review(
            "GET",
            &format!("/api/v1/review/declarations/{datong}"),
            Some(&t.datong),
            None,
        )
        .await;
    assert_eq!(d["linked"], json!([]));
    assert_eq!(d["linked_elsewhere"], true);
    let (_, d, _) = app
        .review(
            "GET",
            &format!("/api/v1/review/declarations/{datong}"),
            Some(&t.qinghai),
            None,
        )
        .await;
    assert_eq!(d["linked"], json!([huangyuan]), "the province sees both");
    assert_eq!(d["linked_elsewhere"], false);

    let (status, _, csv) = app
        .review(
            "GET",
            "/api/v1/review/declarations.csv",
            Some(&t.datong),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.contains(datong) && csv.contains("大通户"), "{csv}");
    assert!(
        !csv.contains(huangyuan) && !csv.contains("湟源户") && !csv.contains("东门村"),
        "{csv}"
    );
    assert!(
        csv.contains(xiangqin_endpoint::review::LINKED_ELSEWHERE_ZH),
        "{csv}"
    );
    let book = app.workbook(&t.datong).await;
    assert_eq!(book.len(), 2, "the header and 大通's one row");
    assert!(!format!("{book:?}").contains("湟源户"));
}

impl TestApp {
    /// The Excel export as rows of cells, read back with calamine.
    async fn workbook(&self, token: &str) -> Vec<Vec<calamine::Data>> {
        use calamine::Reader;
        let request = Request::get("/api/v1/review/declarations.xlsx")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        let (status, headers, body) = self.send(request).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .contains("spreadsheetml"));
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(body)).unwrap();
        let sheet = book.worksheet_range("申报").unwrap();
        sheet.rows().map(|r| r.to_vec()).collect()
    }
}

async fn expired_and_old_tokens_open_nothing(backend: Backend) {
    let (app, _) = review_app(&backend).await;
    let pool = app.second_pool().await;
    let expired = db::NewToken {
        expires_at: "2020-01-01T00:00:00Z".into(),
        ..xiangqin_endpoint::operator::new_token("350821", "county", "过期的口令", None).unwrap()
    };
    let token = xiangqin_endpoint::issue_review_token(&pool, &expired)
        .await
        .unwrap();
    let (status, body, _) = app
        .review("GET", "/api/v1/review/me", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error(&body, "token_expired");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("2020-01-01"),
        "{body}"
    );
    // A token of the old kind (a region and a township's name), as schema 2 stored it.
    sqlx::query(
        "INSERT INTO reviewer_tokens (token_hash, name, region, township, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(xiangqin_endpoint::token::sha256_hex("xqr_old"))
    .bind("城关镇老口令")
    .bind("qinghai")
    .bind("城关镇")
    .bind("2026-01-01T00:00:00Z")
    .execute(&pool)
    .await
    .unwrap();
    let (status, body, _) = app
        .review("GET", "/api/v1/review/declarations", Some("xqr_old"), None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error(&body, "token_outdated");
    let audit = app.audit().await;
    assert_eq!(
        audit[0],
        (
            Some("过期的口令".into()),
            "me".into(),
            None,
            "".into(),
            "token_expired".into()
        )
    );
    assert_eq!(
        audit[1],
        (
            Some("城关镇老口令".into()),
            "list".into(),
            None,
            "".into(),
            "token_outdated".into()
        )
    );
}

/// Who opened which declaration, exported what (filter and row count), moved which step, and
/// every refused attempt: each leaves its line; the log cannot be changed.
async fn every_review_action_leaves_its_line_in_the_audit_log(backend: Backend) {
    let (app, t) = review_app(&backend).await;
    let (_, sent) = app.post(declaration().to_string(), None).await;
    let receipt = sent["receipt"].as_str().unwrap();
    let detail = format!("/api/v1/review/declarations/{receipt}");
    app.review("GET", "/api/v1/review/me", Some(&t.village), None)
        .await;
    app.review(
        "GET",
        "/api/v1/review/declarations?status=submitted",
        Some(&t.village),
        None,
    )
    .await;
    app.review("GET", &detail, Some(&t.village), None).await;
    app.review(
        "GET",
        "/api/v1/review/declarations.csv?division=350821106",
        Some(&t.county),
        None,
    )
    .await;
    app.workbook(&t.county).await;
    app.move_to(receipt, &t.village, "home_visit", Some("入户了"))
        .await;
    app.move_to(receipt, &t.county, "village_review", None)
        .await;
    app.review("GET", &detail, Some(&t.elsewhere), None).await;
    app.review("GET", &detail, None, None).await;
    app.review(
        "GET",
        "/api/v1/review/declarations?from=someday",
        Some(&t.county),
        None,
    )
    .await;
    let some = |s: &str| Some(s.to_string());
    let r = some(receipt);
    let line = |who: &str, action: &str, receipt: Option<String>, detail: &str, outcome: &str| {
        (
            (!who.is_empty()).then(|| who.to_string()),
            action.to_string(),
            receipt,
            detail.to_string(),
            outcome.to_string(),
        )
    };
    assert_eq!(
        app.audit().await,
        vec![
            line("露湖村张干部", "me", None, "", "ok"),
            line(
                "露湖村张干部",
                "list",
                None,
                "filter: status=submitted; rows: 1",
                "ok"
            ),
            line("露湖村张干部", "open", r.clone(), "", "ok"),
            line(
                "长汀县乡村振兴局",
                "export_csv",
                None,
                "filter: division=350821106; rows: 1",
                "ok"
            ),
            line(
                "长汀县乡村振兴局",
                "export_xlsx",
                None,
                "filter: none; rows: 1",
                "ok"
            ),
            line(
                "露湖村张干部",
                "transition",
                r.clone(),
                "submitted → home_visit",
                "ok"
            ),
            line(
                "长汀县乡村振兴局",
                "transition",
                r.clone(),
                "to: village_review",
                "role_forbidden"
            ),
            line(
                "策武镇王干部",
                "open",
                r.clone(),
                "",
                "declaration_not_found"
            ),
            line("", "open", r.clone(), "", "unauthorized"),
            line(
                "长汀县乡村振兴局",
                "list",
                None,
                "filter: from=someday",
                "bad_query"
            ),
        ]
    );
    let pool = app.second_pool().await;
    assert!(sqlx::query("UPDATE audit_log SET outcome = 'ok'")
        .execute(&pool)
        .await
        .is_err());
    assert!(sqlx::query("DELETE FROM audit_log")
        .execute(&pool)
        .await
        .is_err());
    // Nothing personal in it.
    let all: Vec<(String,)> = sqlx::query_as("SELECT detail FROM audit_log")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(!format!("{all:?}").contains("张三") && !format!("{all:?}").contains("入户了"));
}

/// A declaration stored before places were codes gets its code at start when its names are
/// unambiguous; one that cannot be matched stays readable by the region's tokens.
async fn declarations_from_before_the_codes_are_matched_or_kept_for_the_region(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let (db_url, _) = fresh_database(&backend, dir.path()).await;
    let pool = db::connect(&db_url).await.unwrap();
    for (receipt, region, county, township, village) in [
        ("XQ-AAAA-AAA2", "longyan", "长汀县", "河田镇", "露湖村"),
        ("XQ-AAAA-AAA3", "qinghai", "", "城关镇", "东关村"),
    ] {
        sqlx::query(
            "INSERT INTO declarations (receipt, status_token_hash, idempotency_key_hash, body_sha256, status, \
             region, county, township, village, applicant_name, id_number, phone, body_json, created_at, status_since) \
             VALUES ($1, 'h', $1, 'b', 'submitted', $2, $3, $4, $5, '老户', '11010519491231002X', '13912345678', '{}', \
             '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
        )
        .bind(receipt)
        .bind(region)
        .bind(county)
        .bind(township)
        .bind(village)
        .execute(&pool)
        .await
        .unwrap();
    }
    let village = issue(&pool, "露湖村张干部", "350821106231", "village").await;
    let datong = issue(&pool, "大通城关镇干部", "630121101", "township").await;
    let qinghai = issue(&pool, "青海省乡村振兴局", "63", "observer").await;
    let dist = dir.path().join("dist");
    let key = DataKey::generate();
    let app = TestApp {
        router: app(AppState::new(pool, dist, key.clone()).await.unwrap()),
        db_url,
        db_path: None,
        key,
        _dir: dir,
    };
    assert_eq!(
        app.listed(&village, "").await,
        ["XQ-AAAA-AAA2"],
        "matched to 露湖村委会"
    );
    // Stored in clear before encryption: sealed at start, linked by the keyed hash.
    let pool = app.second_pool().await;
    let (name, id_number, hash): (String, String, String) = sqlx::query_as(
        "SELECT applicant_name, id_number, id_number_hash FROM declarations WHERE receipt = 'XQ-AAAA-AAA2'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        app.key
            .open(Field::ApplicantName, "XQ-AAAA-AAA2", &name)
            .unwrap(),
        "老户"
    );
    assert_eq!(
        app.key
            .open(Field::IdNumber, "XQ-AAAA-AAA2", &id_number)
            .unwrap(),
        "11010519491231002X"
    );
    assert_eq!(hash, app.key.id_number_hash("11010519491231002X"));
    assert!(
        app.listed(&datong, "").await.is_empty(),
        "which 城关镇 is not known"
    );
    assert_eq!(app.listed(&qinghai, "").await, ["XQ-AAAA-AAA3"]);
}

async fn a_second_declaration_of_the_same_person_is_linked_and_the_exports_open_in_excel(
    backend: Backend,
) {
    let (app, t) = review_app(&backend).await;
    // An ID number of digits only: Excel would show it as 1.10105E+17 unless it is kept as text.
    let mut first = declaration();
    first["applicant"]["id_number"] = json!("110105194912310038");
    let (status, first) = app.post(first.to_string(), None).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let mut again = declaration();
    again["applicant"]["id_number"] = json!("110105194912310038");
    again["description"] = json!("又遇到了困难，再报一次。");
    let (status, second) = app.post(again.to_string(), None).await;
    assert_eq!(status, StatusCode::CREATED);
    let (first, second) = (
        first["receipt"].as_str().unwrap(),
        second["receipt"].as_str().unwrap(),
    );
    let (_, list, _) = app
        .review(
            "GET",
            "/api/v1/review/declarations",
            Some(&t.township),
            None,
        )
        .await;
    assert_eq!(list.as_array().unwrap().len(), 2, "neither is dropped");
    let newest = &list[0];
    assert_eq!(newest["receipt"], second);
    assert_eq!(newest["linked_to"], first);
    assert_eq!(newest["linked_elsewhere"], false);
    let (_, detail, _) = app
        .review(
            "GET",
            &format!("/api/v1/review/declarations/{first}"),
            Some(&t.township),
            None,
        )
        .await;
    assert_eq!(detail["linked"], json!([second]));

    let (status, _, text) = app
        .review(
            "GET",
            "/api/v1/review/declarations.csv",
            Some(&t.township),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.starts_with('\u{feff}'), "UTF-8 with BOM for Excel");
    let lines: Vec<&str> = text.trim_end().split("\r\n").collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].contains("回执号") && lines[1].contains(second) && lines[1].contains("张三"));
    // ID number, phone and place code as text cells (="…"), every digit kept.
    assert!(
        lines[1].contains(r#","=""110105194912310038""","=""13912345678""","#),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains(r#","=""350821106231""","#),
        "{}",
        lines[1]
    );

    // The workbook: the same rows; numbers as text, times and deadlines as dates.
    use calamine::{Data, DataType};
    let book = app.workbook(&t.township).await;
    assert_eq!(book.len(), 3);
    let header: Vec<String> = book[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(header, xiangqin_endpoint::export::COLUMNS);
    let row = &book[1];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(row[col("回执号")], Data::String(second.into()));
    assert_eq!(
        row[col("身份证号")],
        Data::String("110105194912310038".into())
    );
    assert_eq!(row[col("手机号")], Data::String("13912345678".into()));
    assert_eq!(row[col("区划代码")], Data::String("350821106231".into()));
    assert_eq!(row[col("关联申报")], Data::String(first.into()));
    let submitted = row[col("提交时间")]
        .as_datetime()
        .expect("a date-time cell");
    let now_in_china = (chrono::Utc::now() + chrono::Duration::hours(8)).naive_utc();
    assert!(
        (now_in_china - submitted).num_minutes().abs() < 10,
        "China time: {submitted}"
    );
    assert!(
        row[col("期限")].as_date().is_some(),
        "the deadline is a date cell: {:?}",
        row[col("期限")]
    );
}

/// A county with more declarations than one list answer carries: the list says how many match,
/// the oldest (most likely overdue) cases are still found by the overdue filter, and the CSV has
/// every one of them.
async fn overdue_cases_beyond_the_newest_thousand_are_still_found(backend: Backend) {
    let (app, t) = review_app(&backend).await;
    let county = t.county;
    let total = xiangqin_endpoint::review::LIST_LIMIT + 3;
    let mut receipts = Vec::new();
    for batch in 0..total.div_ceil(100) {
        let posts = (batch * 100..total.min(batch * 100 + 100)).map(|_| {
            let request =
                declaration_request(declaration().to_string(), &uuid::Uuid::new_v4().to_string());
            tokio::spawn(json_answer(app.router.clone(), request))
        });
        for p in posts.collect::<Vec<_>>() {
            let (status, body) = p.await.unwrap();
            assert_eq!(status, StatusCode::CREATED, "{body}");
            receipts.push(body["receipt"].as_str().unwrap().to_string());
        }
    }
    // The first one declared was sent 40 days ago and nobody has visited yet.
    let oldest: String = {
        let pool = app.second_pool().await;
        let oldest: String =
            sqlx::query_scalar("SELECT receipt FROM declarations ORDER BY id LIMIT 1")
                .fetch_one(&pool)
                .await
                .unwrap();
        let long_ago = (chrono::Utc::now() - chrono::Duration::days(40))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        sqlx::query(
            "UPDATE declarations SET created_at = $1, status_since = $1 WHERE receipt = $2",
        )
        .bind(&long_ago)
        .bind(&oldest)
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
        oldest
    };

    let request = Request::get("/api/v1/review/declarations")
        .header(header::AUTHORIZATION, format!("Bearer {county}"))
        .body(Body::empty())
        .unwrap();
    let (status, headers, body) = app.send(request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["x-total-count"], total.to_string().as_str());
    let list: Value = serde_json::from_slice(&body).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), xiangqin_endpoint::review::LIST_LIMIT);
    assert!(list.iter().all(|i| i["receipt"] != oldest.as_str()));
    assert!(list.iter().all(|i| i["overdue"] == false));

    let (status, overdue, _) = app
        .review(
            "GET",
            "/api/v1/review/declarations?overdue=true",
            Some(&county),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(overdue.as_array().unwrap().len(), 1, "{overdue}");
    assert_eq!(overdue[0]["receipt"], oldest.as_str());
    assert_eq!(overdue[0]["overdue"], true);

    let (status, _, csv) = app
        .review(
            "GET",
            "/api/v1/review/declarations.csv",
            Some(&county),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let rows: Vec<&str> = csv.trim_end().split("\r\n").skip(1).collect();
    assert_eq!(rows.len(), total);
    let old_row = rows.iter().find(|r| r.starts_with(&oldest)).unwrap();
    assert!(old_row.contains(",是,"), "{old_row}");
    for r in &receipts {
        assert!(
            rows.iter().any(|row| row.starts_with(r.as_str())),
            "{r} in the CSV"
        );
    }
}

/// The cadre sees what the household declared (in the detail, the CSV and the workbook), who
/// filled it in at a service centre (never 农户本人 for a 代填), times in China time, and finds a
/// declaration by its receipt or its applicant's name (stored encrypted) within its own scope
/// only; the name searched for stays out of the audit log.
async fn cadres_see_what_was_declared_and_search_by_receipt_or_name(backend: Backend) {
    let (app, t) = review_app(&backend).await;
    let mut assisted = declaration();
    assisted["assisted"] = json!({"operator_name": "服务中心小刘", "household_confirmed": true});
    assisted["income_change_yuan"] = json!(12000.5);
    let (status, sent) = app.post(assisted.to_string(), None).await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    let helped = sent["receipt"].as_str().unwrap().to_string();
    let mut own = declaration();
    own["applicant"]["name"] = json!("李四");
    let (status, sent) = app.post(own.to_string(), None).await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    let alone = sent["receipt"].as_str().unwrap().to_string();

    let china = regex_free_china_time;
    let detail = |receipt: &str| format!("/api/v1/review/declarations/{receipt}");
    let (_, d, text) = app
        .review("GET", &detail(&helped), Some(&t.village), None)
        .await;
    assert!(china(d["submitted_at_china"].as_str().unwrap()), "{text}");
    let utc = chrono::DateTime::parse_from_rfc3339(d["submitted_at"].as_str().unwrap()).unwrap();
    assert_eq!(
        d["submitted_at_china"],
        (utc.to_utc() + chrono::Duration::hours(8))
            .format("%Y-%m-%d %H:%M")
            .to_string()
    );
    assert_eq!(d["history"][0]["actor"], "household");
    assert_eq!(
        d["history"][0]["actor_zh"],
        "服务中心代填（代填人：服务中心小刘）"
    );
    assert!(!text.contains("农户本人"), "{text}");
    assert!(
        china(d["history"][0]["at_china"].as_str().unwrap()),
        "{text}"
    );
    assert_eq!(d["declaration"]["income_change_yuan"], 12000.5);
    let (_, d, _) = app
        .review("GET", &detail(&alone), Some(&t.village), None)
        .await;
    assert_eq!(d["history"][0]["actor_zh"], "农户本人");
    // A cadre's step is the cadre's name.
    let (_, d) = app.move_to(&alone, &t.village, "home_visit", None).await;
    assert_eq!(d["history"][1]["actor_zh"], "露湖村张干部");
    assert!(china(d["history"][1]["at_china"].as_str().unwrap()), "{d}");

    // Search: by name (URL-encoded, as the app sends it), by receipt in any spelling.
    let q = |s: &str| format!("?q={}", utf8_percent(s));
    assert_eq!(
        app.listed(&t.village, &q("张三")).await,
        vec![helped.clone()]
    );
    assert_eq!(app.listed(&t.village, &q("李")).await, vec![alone.clone()]);
    let loose = alone.replace('-', "").to_lowercase();
    assert_eq!(
        app.listed(&t.village, &q(&loose)).await,
        vec![alone.clone()]
    );
    assert_eq!(
        app.listed(&t.village, &q(&alone[3..])).await,
        vec![alone.clone()]
    );
    assert_eq!(
        app.listed(&t.village, &q("王五")).await,
        Vec::<String>::new()
    );
    assert_eq!(
        app.listed(&t.village, &q("  ")).await.len(),
        2,
        "a blank search is none"
    );
    // Never beyond the token's scope.
    assert!(app.listed(&t.elsewhere, &q("张三")).await.is_empty());
    assert!(app.listed(&t.elsewhere, &q(&helped)).await.is_empty());
    // The audit log says a search was made, never what was searched for.
    let (status, _, _) = app
        .review(
            "GET",
            "/api/v1/review/declarations?%71=%E5%BC%A0%E4%B8%89&status=submitted",
            Some(&t.village),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let audit = format!("{:?}", app.audit().await);
    assert!(audit.contains("filter: q=(search); rows: 1"), "{audit}");
    assert!(
        audit.contains("filter: q=(search)&status=submitted; rows: 1"),
        "{audit}"
    );
    for personal in ["张三", "李", "%E5", &loose] {
        assert!(!audit.contains(personal), "{personal} in {audit}");
    }

    // The CSV: what was declared, the operator who filled it in, China time.
    let (status, _, csv) = app
        .review(
            "GET",
            "/api/v1/review/declarations.csv",
            Some(&t.village),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut reader =
        csv::ReaderBuilder::new().from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, xiangqin_endpoint::export::COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let col = |row: &csv::StringRecord, name: &str| {
        row[header.iter().position(|h| h == name).unwrap()].to_string()
    };
    let row = rows.iter().find(|r| r[0] == *helped).unwrap();
    assert_eq!(col(row, "家庭人口"), "4");
    assert_eq!(col(row, "困难原因"), "因病、收入大幅下降");
    assert_eq!(
        col(row, "发生时间"),
        assisted["happened_on"].as_str().unwrap()
    );
    assert_eq!(col(row, "刚性支出（元）"), "35000");
    assert_eq!(col(row, "收入减少（元）"), "12000.5");
    assert_eq!(
        col(row, "情况说明"),
        "父亲住院做手术，花了很多钱，家里没人出去打工了。"
    );
    assert_eq!(col(row, "希望得到的帮助"), "医疗救助");
    assert_eq!(col(row, "代填人"), "服务中心小刘");
    assert!(china(&col(row, "提交时间")), "{row:?}");
    let row = rows.iter().find(|r| r[0] == *alone).unwrap();
    assert_eq!(col(row, "代填人"), "");
    assert_eq!(col(row, "收入减少（元）"), "");

    // The workbook: the same columns, amounts as numbers.
    use calamine::Data;
    let book = app.workbook(&t.village).await;
    let titles: Vec<String> = book[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(titles, xiangqin_endpoint::export::COLUMNS);
    let at = |name: &str| titles.iter().position(|h| h == name).unwrap();
    let row = book
        .iter()
        .find(|r| r[0] == Data::String(helped.clone()))
        .unwrap();
    assert_eq!(row[at("家庭人口")], Data::Float(4.0));
    assert_eq!(row[at("刚性支出（元）")], Data::Float(35000.0));
    assert_eq!(row[at("收入减少（元）")], Data::Float(12000.5));
    assert_eq!(
        row[at("困难原因")],
        Data::String("因病、收入大幅下降".into())
    );
    assert_eq!(row[at("代填人")], Data::String("服务中心小刘".into()));
    assert!(
        matches!(row[at("发生时间")], Data::DateTime(_)),
        "{:?}",
        row[at("发生时间")]
    );
}

/// `2026-12-02 14:05`: a China-time text as cadres read it (no `T`, no zone).
fn regex_free_china_time(s: &str) -> bool {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").is_ok()
}

/// A query value percent-encoded (UTF-8), as a browser sends it.
fn utf8_percent(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Found by the API fuzz pass (bench/api-fuzz.sh): a bad filter was a plain-text 400 from axum.
async fn a_bad_review_filter_gets_a_json_400_in_chinese(backend: Backend) {
    let (app, t) = review_app(&backend).await;
    let county = t.county;
    for query in ["from=tomorrow", "overdue=yes", "to=2026-13-01"] {
        for path in [
            "/api/v1/review/declarations",
            "/api/v1/review/declarations.csv",
            "/api/v1/review/declarations.xlsx",
        ] {
            let (status, body, text) = app
                .review("GET", &format!("{path}?{query}"), Some(&county), None)
                .await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path}?{query}: {text}");
            assert_eq!(body["error"]["code"], "bad_query", "{text}");
            assert!(
                body["error"]["message"].as_str().unwrap().contains("日期"),
                "{text}"
            );
        }
    }
    let (status, body, text) = app
        .review(
            "GET",
            "/api/v1/review/declarations?status=nonsense",
            Some(&county),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(body["error"]["message"].is_string(), "{text}");
}

/// Found by the API fuzz pass: a path segment that does not decode, or a status query with two
/// tokens, got axum's plain-text 400. They now get the JSON answers of an unknown receipt.
async fn undecodable_paths_and_doubled_tokens_get_json_answers(backend: Backend) {
    let (app, t) = review_app(&backend).await;
    let here = t.township;
    for (method, path) in [
        ("GET", "/api/v1/declarations/%FF%FE"),
        ("GET", "/api/v1/declarations/XQ-AAAA-AAAA?token=a&token=b"),
        ("GET", "/api/v1/review/declarations/%C0"),
        ("POST", "/api/v1/review/declarations/%C0/transitions"),
    ] {
        let body = (method == "POST").then(|| json!({"to": "home_visit"}));
        let (status, body, text) = app.review(method, path, Some(&here), body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {text}");
        assert_error(&body, "declaration_not_found");
    }
}

on_both_databases!(
    undecodable_paths_and_doubled_tokens_get_json_answers,
    a_bad_review_filter_gets_a_json_400_in_chinese,
    healthz_answers_ok,
    a_valid_declaration_is_stored_with_its_first_event_before_the_answer,
    the_declaration_is_normalized_before_it_is_stored,
    places_are_official_codes_of_the_declarations_region,
    invalid_fields_get_422_with_chinese_messages_and_nothing_is_stored,
    a_future_date_is_refused,
    wrong_types_and_missing_fields_get_422_naming_the_field,
    malformed_json_gets_400,
    a_body_that_is_not_json_gets_415,
    an_oversized_body_gets_413_in_chinese,
    a_repeated_request_with_the_same_key_gets_the_same_receipt_and_token,
    the_same_key_with_a_different_declaration_gets_409,
    different_keys_make_different_declarations,
    an_idempotency_key_that_is_missing_or_not_a_uuid_gets_400,
    overdue_cases_beyond_the_newest_thousand_are_still_found,
    the_service_names_itself_and_promises_only_what_is_configured,
    concurrent_identical_requests_with_one_key_store_one_declaration,
    app_routes_fall_back_to_index_html_and_files_are_served,
    unknown_api_paths_get_json_404_and_wrong_methods_json_405,
    the_household_sees_its_status_and_history_with_its_token_only,
    readyz_says_whether_the_database_answers,
    the_openapi_document_lists_every_operation_and_the_router_answers_each,
    cadres_see_their_division_and_take_only_their_roles_steps,
    the_two_chengguan_towns_of_qinghai_are_kept_apart,
    expired_and_old_tokens_open_nothing,
    every_review_action_leaves_its_line_in_the_audit_log,
    declarations_from_before_the_codes_are_matched_or_kept_for_the_region,
    a_second_declaration_of_the_same_person_is_linked_and_the_exports_open_in_excel,
    cadres_see_what_was_declared_and_search_by_receipt_or_name,
);
