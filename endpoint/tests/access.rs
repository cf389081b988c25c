//! The real binary, on SQLite and on PostgreSQL: tokens issued with `token add --division
//! --role`, the review API over HTTP keeping the two 城关镇 of Qinghai apart and each role to its
//! steps, and `audit` printing what was done; personal data encrypted on disk (the bytes of the
//! files searched), the data key, the file modes, TLS to PostgreSQL, the household's
//! withdrawal and the erasure after the retention.
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use xiangqin_endpoint::crypto::DataKey;

const POSTGRES_VAR: &str = "XIANGQIN_TEST_POSTGRES_URL";

struct Server {
    child: Child,
    base: String,
    db: String,
    /// The data key file given with `--data-key-file` (PostgreSQL), if any.
    key_file: Option<PathBuf>,
    /// More arguments it was started with (kept for a restart).
    args: Vec<String>,
    /// What it logged on stderr.
    log: Log,
    dir: tempfile::TempDir,
}

type Log = std::sync::Arc<std::sync::Mutex<String>>;

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh database: a SQLite file in `dir`, or a new database on the PostgreSQL server.
fn fresh_database(postgres: Option<&str>, dir: &std::path::Path) -> String {
    let Some(server) = postgres else {
        return format!("sqlite://{}", dir.join("data/x.db").display());
    };
    let name = format!("xq_access_{}", uuid::Uuid::new_v4().simple());
    block_on(async {
        let admin = sqlx::AnyPool::connect(server).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await
            .unwrap();
        admin.close().await;
    });
    let (base, query) = server.split_once('?').unwrap_or((server, ""));
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    format!("{base}/{name}{query}")
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    sqlx::any::install_default_drivers();
    tokio::runtime::Runtime::new().unwrap().block_on(f)
}

/// Starts the binary on `db`: its address, or what it said on stderr when it stopped instead
/// (within 30 s).
fn launch(
    db: &str,
    static_dir: &Path,
    args: &[String],
    log: Log,
) -> Result<(Child, String), String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xiangqin-endpoint"))
        .args(["--listen", "127.0.0.1:0", "--static-dir"])
        .arg(static_dir)
        .args(["--database-url", db, "--rate-limit", "100000"])
        .args(args)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .map(str::to_string);
    let mut stderr = child.stderr.take().unwrap();
    match addr {
        Some(addr) => {
            // Keep reading its log so that it never blocks on a full pipe.
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    log.lock().unwrap().push_str(&(line + "\n"));
                }
            });
            Ok((child, format!("http://{addr}")))
        }
        None => {
            let mut said = String::new();
            let _ = std::io::Read::read_to_string(&mut stderr, &mut said);
            let status = child.wait().unwrap();
            assert!(
                !status.success(),
                "stopped without listening, yet exit 0: {said}"
            );
            Err(said)
        }
    }
}

fn start(postgres: Option<&str>) -> Server {
    start_with(postgres, &[])
}

/// The server on a fresh database with more arguments. PostgreSQL is given a new data key file
/// (it needs one); SQLite makes its own beside the database file.
fn start_with(postgres: Option<&str>, args: &[&str]) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let db = fresh_database(postgres, dir.path());
    let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let key_file = postgres.map(|_| {
        let key = dir.path().join("data.key");
        DataKey::generate().write_new(&key).unwrap();
        args.extend(["--data-key-file".into(), key.display().to_string()]);
        key
    });
    let log = Log::default();
    let (child, base) =
        launch(&db, dir.path(), &args, log.clone()).unwrap_or_else(|e| panic!("{e}"));
    Server {
        child,
        base,
        db,
        key_file,
        args,
        log,
        dir,
    }
}

impl Server {
    /// Runs an operator command against the server's database: its output (it must succeed).
    fn operator(&self, args: &[&str]) -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_xiangqin-endpoint"))
            .args(["--database-url", &self.db])
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {err}");
        String::from_utf8(out.stdout).unwrap()
    }

    fn token(&self, division: &str, role: &str, name: &str) -> String {
        let args = [
            "token",
            "add",
            "--division",
            division,
            "--role",
            role,
            "--name",
            name,
        ];
        self.operator(&args).trim().to_string()
    }

    fn declare(&self, code: &str, name: &str) -> String {
        let person = Person {
            name: name.into(),
            ..Person::new()
        };
        self.declare_as(code, &person).0
    }

    /// Declares for `person` at `code`: the receipt and the status token.
    fn declare_as(&self, code: &str, person: &Person) -> (String, String) {
        let mut d: Value =
            serde_json::from_str(include_str!("../examples/declaration.json")).unwrap();
        d["region"] = json!("qinghai");
        d["place"] = json!({"code": code, "village": "新庄村"});
        d["applicant"]["name"] = json!(person.name);
        d["applicant"]["id_number"] = json!(person.id_number);
        d["applicant"]["phone"] = json!(person.phone);
        d["happened_on"] =
            json!((xiangqin_endpoint::today_in_china() - chrono::Duration::days(3)).to_string());
        let mut answer = ureq::post(&format!("{}/api/v1/declarations", self.base))
            .header("Idempotency-Key", &uuid::Uuid::new_v4().to_string())
            .header("Content-Type", "application/json")
            .send(d.to_string())
            .unwrap();
        let body: Value =
            serde_json::from_str(&answer.body_mut().read_to_string().unwrap()).unwrap();
        let field = |k: &str| body[k].as_str().unwrap().to_string();
        (field("receipt"), field("status_token"))
    }

    /// The household's own request on its declaration: GET the status, or POST the withdrawal.
    fn household(&self, method: &str, receipt: &str, token: &str) -> (u16, Value) {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent();
        let url = format!("{}/api/v1/declarations/{receipt}", self.base);
        let answer = match method {
            "GET" => agent.get(&url).header("X-Status-Token", token).call(),
            _ => agent
                .post(&format!("{url}/withdrawal"))
                .header("X-Status-Token", token)
                .send_empty(),
        };
        let mut answer = answer.unwrap();
        let status = answer.status().as_u16();
        let text = answer.body_mut().read_to_string().unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Stops the server and starts it again on the same database with its arguments and
    /// `more`: Err with what it said when it refuses to start.
    fn restart(&mut self, more: &[&str]) -> Result<(), String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut args = self.args.clone();
        args.extend(more.iter().map(|a| a.to_string()));
        let (child, base) = launch(&self.db, self.dir.path(), &args, self.log.clone())?;
        self.child = child;
        self.base = base;
        Ok(())
    }

    /// A review request: the status and the body as text.
    fn review(&self, method: &str, path: &str, token: &str, body: Option<Value>) -> (u16, String) {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent();
        let url = format!("{}/api/v1/review/{path}", self.base);
        let auth = format!("Bearer {token}");
        let answer = match body {
            Some(b) => agent
                .post(&url)
                .header("Authorization", &auth)
                .header("Content-Type", "application/json")
                .send(b.to_string()),
            None if method == "GET" => agent.get(&url).header("Authorization", &auth).call(),
            None => panic!("{method} without a body"),
        };
        let mut answer = answer.unwrap();
        let status = answer.status().as_u16();
        (
            status,
            answer.body_mut().read_to_string().unwrap_or_default(),
        )
    }
}

fn two_chengguan_towns_and_the_roles(postgres: Option<&str>) {
    let server = start(postgres);
    let datong = server.token("630121101", "township", "大通城关镇干部");
    let datong_village = server.token("630121101", "village", "大通城关镇村干部");
    let huangyuan = server.declare("630123100", "湟源户");
    let ours = server.declare("630121101", "大通户");

    let (status, list) = server.review("GET", "declarations", &datong, None);
    assert_eq!(status, 200, "{list}");
    assert!(list.contains(&ours) && !list.contains(&huangyuan), "{list}");
    let (status, _) = server.review("GET", &format!("declarations/{huangyuan}"), &datong, None);
    assert_eq!(status, 404);
    let (status, csv) = server.review("GET", "declarations.csv", &datong, None);
    assert_eq!(status, 200);
    assert!(csv.contains("大通户") && !csv.contains("湟源户"), "{csv}");
    let (status, _) = server.review("GET", "declarations.xlsx", &datong, None);
    assert_eq!(status, 200);

    // 入户核实 is the village's: the township's token is refused, the village's moves it.
    let moves = format!("declarations/{ours}/transitions");
    let (status, body) = server.review("POST", &moves, &datong, Some(json!({"to": "home_visit"})));
    assert_eq!(status, 403, "{body}");
    let (status, body) = server.review(
        "POST",
        &moves,
        &datong_village,
        Some(json!({"to": "home_visit"})),
    );
    assert_eq!(status, 200, "{body}");

    let audit = server.operator(&["audit"]);
    let lines: Vec<Vec<&str>> = audit
        .lines()
        .map(|l| l.split('\t').skip(1).collect())
        .collect();
    let expected = [
        vec![
            "#1 大通城关镇干部",
            "list",
            "-",
            "filter: none; rows: 1",
            "ok",
        ],
        vec![
            "#1 大通城关镇干部",
            "open",
            huangyuan.as_str(),
            "-",
            "declaration_not_found",
        ],
        vec![
            "#1 大通城关镇干部",
            "export_csv",
            "-",
            "filter: none; rows: 1",
            "ok",
        ],
        vec![
            "#1 大通城关镇干部",
            "export_xlsx",
            "-",
            "filter: none; rows: 1",
            "ok",
        ],
        vec![
            "#1 大通城关镇干部",
            "transition",
            ours.as_str(),
            "to: home_visit",
            "role_forbidden",
        ],
        vec![
            "#2 大通城关镇村干部",
            "transition",
            ours.as_str(),
            "submitted → home_visit",
            "ok",
        ],
    ];
    assert_eq!(lines, expected, "{audit}");
    let tokens = server.operator(&["token", "list"]);
    assert!(
        tokens.contains("630121101 青海省 西宁市 大通回族土族自治县 城关镇\ttownship"),
        "{tokens}"
    );
}

#[test]
fn two_chengguan_towns_and_the_roles_on_sqlite() {
    two_chengguan_towns_and_the_roles(None);
}

#[test]
fn two_chengguan_towns_and_the_roles_on_postgres() {
    match std::env::var(POSTGRES_VAR) {
        Ok(url) if !url.is_empty() => two_chengguan_towns_and_the_roles(Some(&url)),
        _ => eprintln!("note: skipped (set {POSTGRES_VAR} to run it on PostgreSQL)"),
    }
}

/// A household member with a name, ID number and phone number no other test uses (so that the
/// bytes of a shared PostgreSQL cluster can be searched for them).
struct Person {
    name: String,
    id_number: String,
    phone: String,
}

impl Person {
    fn new() -> Person {
        let random = uuid::Uuid::new_v4();
        let b = random.as_bytes();
        let chars: Vec<char> = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
            .chars()
            .collect();
        let name: String = [b[0], b[1], b[2]]
            .iter()
            .map(|x| chars[*x as usize % chars.len()])
            .collect();
        let digits =
            |bytes: &[u8]| -> String { bytes.iter().map(|x| char::from(b'0' + x % 10)).collect() };
        // 630121 (大通县), born 1960-01-01 to 1979-12-28, a random sequence number, the check digit.
        let year = 1960 + u32::from(b[3]) % 20;
        let month = 1 + u32::from(b[4]) % 12;
        let day = 1 + u32::from(b[5]) % 28;
        let body = format!("630121{year}{month:02}{day:02}{}", digits(&b[6..9]));
        let check = xiangqin_rules::declaration::id_check_digit(&body).unwrap();
        Person {
            name,
            id_number: format!("{body}{check}"),
            phone: format!("139{}", digits(&b[8..16])),
        }
    }

    fn values(&self) -> [&str; 3] {
        [&self.name, &self.id_number, &self.phone]
    }
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The bytes of every file the database keeps the declarations in: the SQLite file and its WAL
/// and shared memory, or (after a checkpoint) this database's folder of the PostgreSQL cluster
/// and the cluster's WAL.
fn database_bytes(server: &Server) -> Vec<(PathBuf, Vec<u8>)> {
    let files: Vec<PathBuf> = match server.db.strip_prefix("sqlite://") {
        Some(file) => ["", "-wal", "-shm"]
            .iter()
            .map(|s| PathBuf::from(format!("{file}{s}")))
            .collect(),
        None => block_on(async {
            let pool = sqlx::AnyPool::connect(&server.db).await.unwrap();
            sqlx::query("CHECKPOINT").execute(&pool).await.unwrap();
            let data: String =
                sqlx::query_scalar("SELECT setting FROM pg_settings WHERE name = 'data_directory'")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            let oid: String = sqlx::query_scalar(
                "SELECT oid::text FROM pg_database WHERE datname = current_database()",
            )
            .fetch_one(&pool)
            .await
            .unwrap();
            pool.close().await;
            let mut files = Vec::new();
            for folder in [format!("{data}/base/{oid}"), format!("{data}/pg_wal")] {
                for entry in std::fs::read_dir(&folder).unwrap() {
                    let path = entry.unwrap().path();
                    if path.is_file() {
                        files.push(path);
                    }
                }
            }
            files
        }),
    };
    files
        .into_iter()
        .filter_map(|f| std::fs::read(&f).ok().map(|b| (f, b)))
        .collect()
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Name, ID number and phone are nowhere in clear in the database's files while the review API
/// shows them to a token in scope; the data key is made (SQLite) or required (PostgreSQL),
/// reused after a restart, and a wrong or missing one stops the start with a clear error.
fn personal_data_encrypted_on_disk(postgres: Option<&str>) {
    let mut server = start(postgres);
    let village = server.token("630121101", "village", "大通城关镇村干部");
    let person = Person::new();
    let (receipt, _) = server.declare_as("630121101", &person);
    let detail = |server: &Server| {
        let (status, body) =
            server.review("GET", &format!("declarations/{receipt}"), &village, None);
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<Value>(&body).unwrap()
    };
    let shown = detail(&server);
    assert_eq!(shown["applicant_name"], person.name.as_str());
    assert_eq!(shown["id_number"], person.id_number.as_str());
    assert_eq!(shown["phone"], person.phone.as_str());
    // The version of the consent text the household agreed to is kept with the declaration.
    assert_eq!(
        shown["declaration"]["consent"]["text_version"],
        xiangqin_rules::consent::CURRENT
    );

    let files = database_bytes(&server);
    assert!(
        files.iter().any(|(_, b)| contains(b, receipt.as_bytes())),
        "the search finds what is stored in clear (the receipt)"
    );
    for (file, bytes) in &files {
        for personal in person.values() {
            assert!(
                !contains(bytes, personal.as_bytes()),
                "{personal} in clear in {}",
                file.display()
            );
        }
    }

    let key_file = match &server.key_file {
        Some(given) => given.clone(),
        None => {
            // SQLite: the folder, the file, its WAL and SHM, and the key made beside it are
            // the server's user's only; the log says where the key is.
            let file = PathBuf::from(server.db.strip_prefix("sqlite://").unwrap());
            assert_eq!(mode(file.parent().unwrap()), 0o700);
            for suffix in ["", "-wal", "-shm", ".key"] {
                assert_eq!(
                    mode(Path::new(&format!("{}{suffix}", file.display()))),
                    0o600,
                    "{suffix}"
                );
            }
            let key_file = PathBuf::from(format!("{}.key", file.display()));
            let log = server.log.lock().unwrap().clone();
            assert!(
                log.contains("created the data key beside the database")
                    && log.contains(&key_file.display().to_string()),
                "{log}"
            );
            key_file
        }
    };
    let key_text = std::fs::read_to_string(&key_file).unwrap();
    server.restart(&[]).unwrap();
    assert_eq!(
        std::fs::read_to_string(&key_file).unwrap(),
        key_text,
        "reused"
    );
    assert_eq!(detail(&server)["applicant_name"], person.name.as_str());

    // From here on the key is given (or not) by each restart.
    server
        .args
        .retain(|a| a != "--data-key-file" && Path::new(a) != key_file);
    // Another key: refused at start, never data sealed with two keys.
    let other = server.dir.path().join("other.key");
    DataKey::generate().write_new(&other).unwrap();
    let said = server
        .restart(&["--data-key-file", other.to_str().unwrap()])
        .unwrap_err();
    assert!(said.contains("is not this database's key"), "{said}");
    // Not a key.
    let bad = server.dir.path().join("bad.key");
    std::fs::write(&bad, "password\n").unwrap();
    let said = server
        .restart(&["--data-key-file", bad.to_str().unwrap()])
        .unwrap_err();
    assert!(said.contains("64 hexadecimal characters"), "{said}");
    // No key: PostgreSQL needs it given; SQLite never makes a new one for a database that has one.
    let moved = server.dir.path().join("moved.key");
    std::fs::rename(&key_file, &moved).unwrap();
    let said = server.restart(&[]).unwrap_err();
    if postgres.is_some() {
        assert!(
            said.contains("with PostgreSQL the data key must be given"),
            "{said}"
        );
    } else {
        assert!(
            said.contains("but its key file") && said.contains("is missing"),
            "{said}"
        );
        assert!(!key_file.exists(), "no new key made");
    }
    let said_nothing: Vec<&str> = person
        .values()
        .into_iter()
        .filter(|p| said.contains(p))
        .collect();
    assert!(said_nothing.is_empty());
    server
        .restart(&["--data-key-file", moved.to_str().unwrap()])
        .unwrap();
    assert_eq!(detail(&server)["phone"], person.phone.as_str());

    // Rotation: a new key, everything re-encrypted with it; the old one no longer opens it.
    let _ = server.child.kill();
    let _ = server.child.wait();
    let new_key = server.dir.path().join("new.key");
    server.operator(&["key", "generate", new_key.to_str().unwrap()]);
    assert_eq!(mode(&new_key), 0o600);
    let rotated = server.operator(&[
        "--data-key-file",
        moved.to_str().unwrap(),
        "key",
        "rotate",
        "--new-key-file",
        new_key.to_str().unwrap(),
    ]);
    assert!(
        rotated.starts_with("1 declarations re-encrypted"),
        "{rotated}"
    );
    server
        .restart(&["--data-key-file", new_key.to_str().unwrap()])
        .unwrap();
    assert_eq!(detail(&server)["id_number"], person.id_number.as_str());
    let said = server
        .restart(&["--data-key-file", moved.to_str().unwrap()])
        .unwrap_err();
    assert!(said.contains("is not this database's key"), "{said}");
}

#[test]
fn personal_data_encrypted_on_disk_on_sqlite() {
    personal_data_encrypted_on_disk(None);
}

#[test]
fn personal_data_encrypted_on_disk_on_postgres() {
    match std::env::var(POSTGRES_VAR) {
        Ok(url) if !url.is_empty() => personal_data_encrypted_on_disk(Some(&url)),
        _ => eprintln!("note: skipped (set {POSTGRES_VAR} to run it on PostgreSQL)"),
    }
}

/// A `sslmode=require` URL: every connection of the server to PostgreSQL is over TLS.
#[test]
fn postgres_over_tls_when_the_url_asks() {
    let Some(url) = std::env::var(POSTGRES_VAR).ok().filter(|u| !u.is_empty()) else {
        eprintln!("note: skipped (set {POSTGRES_VAR} to run it on PostgreSQL)");
        return;
    };
    let url = format!("{url}?sslmode=require");
    let server = start(Some(&url));
    server.declare("630121101", "大通户");
    let database = server
        .db
        .rsplit_once('/')
        .unwrap()
        .1
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let (tls, clear): (i64, i64) = block_on(async {
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        let counts = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE s.ssl), count(*) FILTER (WHERE NOT s.ssl) \
             FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid WHERE a.datname = $1",
        )
        .bind(&database)
        .fetch_one(&pool)
        .await
        .unwrap();
        pool.close().await;
        counts
    });
    assert!(tls >= 1, "the server's connections use TLS");
    assert_eq!(clear, 0, "none without");
}

/// The household withdraws with its receipt and status token until the home visit begins;
/// after `--retention-days` a closed declaration's personal fields are gone and its history
/// stays.
fn withdrawal_and_retention(postgres: Option<&str>) {
    let mut server = start(postgres);
    let village = server.token("630121101", "village", "大通城关镇村干部");
    let (withdrawn, token) = server.declare_as("630121101", &Person::new());
    let kept_person = Person::new();
    let (visited, visited_token) = server.declare_as("630121101", &kept_person);

    assert_eq!(
        server
            .household("POST", &withdrawn, "0".repeat(32).as_str())
            .0,
        404
    );
    let (status, body) = server.household("GET", &withdrawn, &token);
    assert_eq!(
        (status, &body["withdrawable"]),
        (200, &json!(true)),
        "{body}"
    );
    let (status, body) = server.household("POST", &withdrawn, &token);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "withdrawn");
    assert_eq!(body["status_zh"], "已撤回");
    assert_eq!(body["withdrawable"], false);
    let steps = |body: &Value| -> Vec<String> {
        body["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["status"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(steps(&body), ["submitted", "withdrawn"]);
    // Again (a retry after a lost answer): the same.
    let (status, again) = server.household("POST", &withdrawn, &token);
    assert_eq!((status, steps(&again)), (200, steps(&body)));
    // The cadres see it withdrawn and cannot take it on.
    let moves = format!("declarations/{withdrawn}/transitions");
    let (status, _) = server.review("POST", &moves, &village, Some(json!({"to": "home_visit"})));
    assert_eq!(status, 409);

    // After the home visit has begun: refused, in Chinese.
    let moves = format!("declarations/{visited}/transitions");
    let (status, body) = server.review(
        "POST",
        &moves,
        &village,
        Some(json!({"to": "home_visit", "note": "已约好周三入户"})),
    );
    assert_eq!(status, 200, "{body}");
    let (status, body) = server.household("POST", &visited, &visited_token);
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "withdrawal_not_allowed");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("不能再撤回"),
        "{body}"
    );
    assert_eq!(
        server.household("GET", &visited, &visited_token).1["status"],
        "home_visit"
    );

    let detail = |server: &Server, receipt: &str| {
        let (status, body) =
            server.review("GET", &format!("declarations/{receipt}"), &village, None);
        assert_eq!(status, 200, "{body}");
        serde_json::from_str::<Value>(&body).unwrap()
    };
    // Closed today: a retention of 30 days keeps it.
    server.restart(&["--retention-days", "30"]).unwrap();
    assert_eq!(detail(&server, &withdrawn)["erased_at"], Value::Null);
    assert_ne!(detail(&server, &withdrawn)["applicant_name"], "");
    // A retention of 0 days: its personal fields go at start, the history stays.
    server.restart(&["--retention-days", "0"]).unwrap();
    let erased = detail(&server, &withdrawn);
    assert!(erased["erased_at"].is_string(), "{erased}");
    for field in ["applicant_name", "id_number", "phone"] {
        assert_eq!(erased[field], "", "{field}");
    }
    assert_eq!(erased["declaration"], Value::Null);
    assert_eq!(erased["village"], "新庄村", "the place stays");
    let history: Vec<&str> = erased["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["status"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["submitted", "withdrawn"]);
    let (status, body) = server.household("GET", &withdrawn, &token);
    assert_eq!(
        (status, steps(&body)),
        (200, vec!["submitted".to_string(), "withdrawn".to_string()])
    );
    // In the database itself: nothing personal left of it, not even the keyed hash.
    let (name, id_number, phone, body_json, hash): (
        String,
        String,
        String,
        String,
        Option<String>,
    ) = block_on(async {
        let pool = sqlx::AnyPool::connect(&server.db).await.unwrap();
        let row = sqlx::query_as(
            "SELECT applicant_name, id_number, phone, body_json, id_number_hash FROM declarations WHERE receipt = $1",
        )
        .bind(&withdrawn)
        .fetch_one(&pool)
        .await
        .unwrap();
        pool.close().await;
        row
    });
    assert_eq!(
        (
            name.as_str(),
            id_number.as_str(),
            phone.as_str(),
            body_json.as_str(),
            hash
        ),
        ("", "", "", "", None)
    );
    // The open one is untouched, its cadre's note too.
    let kept = detail(&server, &visited);
    assert_eq!(kept["applicant_name"], kept_person.name.as_str());
    assert_eq!(kept["history"][1]["note"], "已约好周三入户");
}

#[test]
fn withdrawal_and_retention_on_sqlite() {
    withdrawal_and_retention(None);
}

#[test]
fn withdrawal_and_retention_on_postgres() {
    match std::env::var(POSTGRES_VAR) {
        Ok(url) if !url.is_empty() => withdrawal_and_retention(Some(&url)),
        _ => eprintln!("note: skipped (set {POSTGRES_VAR} to run it on PostgreSQL)"),
    }
}
