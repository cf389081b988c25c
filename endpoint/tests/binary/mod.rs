//! Running the real server binary in tests: starting it, sending it raw HTTP over fresh
//! connections, reading what came back (whole, cut off, or nothing), signals, and fresh
//! PostgreSQL databases. Shared by `process.rs` and `faults.rs` (each uses only some of it).
#![allow(dead_code)]
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub struct Server {
    pub child: Child,
    pub addr: String,
    pub stderr: Arc<Mutex<String>>,
    /// The database URL the server uses.
    pub db: String,
    /// Its data key file (beside a SQLite file, or given for PostgreSQL).
    pub key_file: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Server {
    /// The data key the server seals personal data with (to read what it stored).
    pub fn data_key(&self) -> xiangqin_endpoint::crypto::DataKey {
        xiangqin_endpoint::crypto::DataKey::read(&self.key_file).unwrap()
    }
}

/// Starts the server on a new SQLite file, or on `db` when given.
pub fn start(db: Option<String>) -> Server {
    start_with(db, &[])
}

/// The same, with more command-line arguments.
pub fn start_with(db: Option<String>, args: &[&str]) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let db = db.unwrap_or_else(|| format!("sqlite://{}", dir.path().join("x.db").display()));
    let mut command = Command::new(env!("CARGO_BIN_EXE_xiangqin-endpoint"));
    let key_file = match db.strip_prefix("sqlite://") {
        Some(file) => format!("{file}.key").into(),
        None => data_key_file(&db, dir.path()),
    };
    if db.starts_with("postgres") {
        command.arg("--data-key-file").arg(&key_file);
    }
    let mut child = command
        .args(["--listen", "127.0.0.1:0", "--static-dir"])
        .arg(dir.path())
        .arg("--database-url")
        .arg(&db)
        .arg("--rate-limit")
        .arg("100000")
        .args(args)
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = Arc::new(Mutex::new(String::new()));
    let err = child.stderr.take().unwrap();
    let sink = stderr.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            sink.lock().unwrap().push_str(&line);
            sink.lock().unwrap().push('\n');
        }
    });
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    Server {
        child,
        addr,
        stderr,
        db,
        key_file,
        _dir: dir,
    }
}

/// PostgreSQL needs the data key given, the same to every endpoint sharing a database: a test
/// key derived from the database's URL, written into `dir`.
pub fn data_key_file(db: &str, dir: &std::path::Path) -> std::path::PathBuf {
    use sha2::{Digest, Sha256};
    let path = dir.join("data.key");
    std::fs::write(&path, hex::encode(Sha256::digest(db.as_bytes()))).unwrap();
    path
}

pub fn declaration(name: &str) -> String {
    let mut d: Value =
        serde_json::from_str(include_str!("../../examples/declaration.json")).unwrap();
    d["applicant"]["name"] = json!(name);
    d["happened_on"] =
        json!((xiangqin_endpoint::today_in_china() - chrono::Duration::days(10)).to_string());
    d.to_string()
}

/// One POST over a fresh connection; the status code and body, or None if the server vanished
/// before answering in full.
pub async fn post(addr: &str, body: &str) -> Option<(u16, String)> {
    match attempt(addr, body).await {
        Attempt::Answered(status, body) => Some((status, body)),
        _ => None,
    }
}

/// One GET over a fresh connection; the status code.
pub async fn get(addr: &str, path: &str) -> u16 {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    s.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    s.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response).to_string();
    text.split(' ').nth(1).unwrap().parse().unwrap()
}

/// A fresh database on the test PostgreSQL server; its URL.
pub async fn new_postgres_database(server_url: &str) -> String {
    sqlx::any::install_default_drivers();
    let name = format!("xq_test_{}", uuid::Uuid::new_v4().simple());
    let admin = sqlx::AnyPool::connect(server_url).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let base = server_url.split('?').next().unwrap();
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    format!("{base}/{name}")
}

/// `XIANGQIN_TEST_POSTGRES_URL`, or None after a note that `what` is skipped.
pub fn test_postgres_url(what: &str) -> Option<String> {
    let url = std::env::var("XIANGQIN_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "note: {what} on PostgreSQL skipped: set XIANGQIN_TEST_POSTGRES_URL"
        );
    }
    url
}

/// What a client saw of one POST sent while the server may be stopping.
pub enum Attempt {
    /// A whole HTTP response: status and body.
    Answered(u16, String),
    /// The connection was refused: the server no longer listens.
    Refused,
    /// Connected, but closed before a single byte came back: in a burst, a connection still
    /// waiting in the kernel's queue when the listener closed, which the server never read.
    NeverRead,
    /// Some bytes came back, but not a whole response.
    CutOff(String),
}

pub fn post_request(addr: &str, body: &str) -> Vec<u8> {
    keyed_request(addr, body, &uuid::Uuid::new_v4().to_string())
}

pub fn keyed_request(addr: &str, body: &str, key: &str) -> Vec<u8> {
    format!(
        "POST /api/v1/declarations HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nIdempotency-Key: {key}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

pub async fn attempt(addr: &str, body: &str) -> Attempt {
    let Ok(mut s) = TcpStream::connect(addr).await else {
        return Attempt::Refused;
    };
    if s.write_all(&post_request(addr, body)).await.is_err() {
        return Attempt::NeverRead;
    }
    read_answer(s).await
}

/// Reads the server's answer until it closes the connection.
pub async fn read_answer(s: TcpStream) -> Attempt {
    match read_whole(s).await {
        Ok(answer) => Attempt::Answered(answer.status, answer.body),
        Err(text) if text.is_empty() => Attempt::NeverRead,
        Err(text) => Attempt::CutOff(text),
    }
}

/// The whole answer, or what came of it (empty: nothing at all).
async fn read_whole(mut s: TcpStream) -> Result<Answer, String> {
    let mut response = Vec::new();
    let read = s.read_to_end(&mut response).await;
    let text = String::from_utf8_lossy(&response).to_string();
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return Err(text);
    };
    // Whole: as long as its Content-Length says, or a chunked body with its last chunk.
    let lower = head.to_ascii_lowercase();
    let whole = read.is_ok()
        && match lower
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|n| n.trim().parse::<usize>().ok())
        {
            Some(n) => n == body.len(),
            None => lower.contains("chunked") && body.ends_with("0\r\n\r\n"),
        };
    match text.split(' ').nth(1).and_then(|s| s.parse().ok()) {
        Some(status) if whole => Ok(Answer {
            status,
            head: head.to_string(),
            body: body.to_string(),
        }),
        _ => Err(text),
    }
}

pub fn sigterm(server: &Server) {
    let pid = server.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
}

/// The server's exit status, once it has stopped; it is killed and the test fails if it is still
/// running after `limit`.
pub async fn exit_within(server: &mut Server, limit: Duration) -> std::process::ExitStatus {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            return status;
        }
        if std::time::Instant::now() > deadline {
            let _ = server.child.kill();
            panic!("the server did not stop within {limit:?} of SIGTERM");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub fn receipt_of(body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap();
    v["receipt"].as_str().unwrap().to_string()
}

/// A whole HTTP answer: status, header block (lower-cased names) and body.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl Answer {
    /// The value of header `name` (lower case), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// Sends `request` over a fresh connection and reads the whole answer; None if there was none
/// (refused, closed early, cut off).
pub async fn roundtrip(addr: &str, request: &[u8]) -> Option<Answer> {
    let mut s = TcpStream::connect(addr).await.ok()?;
    s.write_all(request).await.ok()?;
    read_whole(s).await.ok()
}

/// POSTs a declaration with this Idempotency-Key over a fresh connection.
pub async fn post_keyed(addr: &str, body: &str, key: &str) -> Option<Answer> {
    roundtrip(addr, &keyed_request(addr, body, key)).await
}

/// GETs `path` over a fresh connection.
pub async fn get_answer(addr: &str, path: &str) -> Option<Answer> {
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    roundtrip(addr, request.as_bytes()).await
}
