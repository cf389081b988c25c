//! Faults on the real binary (issue 15): a 201 means the declaration is on disk, whatever goes
//! wrong with the storage, and a fault is answered as a fault (503 with Retry-After and a
//! Chinese message), never as a success. After the fault clears, the server takes declarations
//! again without a restart. Two endpoints share one PostgreSQL safely. And odd bytes in any text
//! field are a 422 naming the field, on both databases. The storage faults need root (a tmpfs,
//! `chattr`) and say SKIPPED where they cannot run.
mod binary;

use binary::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A small tmpfs mounted for one test (needs root): the only way to fill a disk for real.
struct Tmpfs {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmpfs {
    /// Mounts a tmpfs of `size` (e.g. `4m`); None, after a loud note, where mounting is not
    /// allowed (not root, or no CAP_SYS_ADMIN in a container).
    fn mount(size: &str, what: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("disk");
        std::fs::create_dir(&path).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&path)
            .output();
        match mounted {
            Ok(out) if out.status.success() => Some(Tmpfs { path, _dir: dir }),
            Ok(out) => {
                skipped(what, &String::from_utf8_lossy(&out.stderr));
                None
            }
            Err(e) => {
                skipped(what, &e.to_string());
                None
            }
        }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Lazy: a server killed by a failing assertion may still hold files open for a moment.
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

/// Says past the harness's capture that a fault test could not run here, and why.
fn skipped(what: &str, why: &str) {
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: {what}: {} (run the tests as root)",
        why.trim()
    );
}

/// Fills the file system holding `dir` to the last byte; returns the filler file.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write;
    let filler = dir.join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let chunk = vec![0u8; 4096];
    while f.write_all(&chunk).is_ok() {}
    let _ = f.sync_all();
    filler
}

/// What the clients saw: every answer, and the receipts (with their status tokens) of the 201s.
#[derive(Default)]
struct Seen {
    answers: Vec<Answer>,
    acknowledged: Vec<(String, String)>,
}

impl Seen {
    fn record(&mut self, answer: Answer) {
        if answer.status == 201 {
            let v = answer.json();
            self.acknowledged.push((
                v["receipt"].as_str().unwrap().to_string(),
                v["status_token"].as_str().unwrap().to_string(),
            ));
        }
        self.answers.push(answer);
    }

    fn statuses(&self) -> Vec<u16> {
        self.answers.iter().map(|a| a.status).collect()
    }
}

/// `clients` clients each POST `each` fresh declarations; every whole answer is recorded.
async fn burst(addr: &str, clients: usize, each: usize, tag: &str, seen: &Arc<Mutex<Seen>>) {
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (addr, seen, tag) = (addr.to_string(), seen.clone(), tag.to_string());
        tasks.push(tokio::spawn(async move {
            for i in 0..each {
                let body = declaration(&format!("{tag}{c}号{i}"));
                let key = uuid::Uuid::new_v4().to_string();
                if let Some(answer) = post_keyed(&addr, &body, &key).await {
                    seen.lock().unwrap().record(answer);
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
}

/// Every 503 is an honest fault answer: Retry-After and a JSON body in Chinese.
fn assert_fault_answer(answer: &Answer) {
    assert_eq!(answer.status, 503, "{answer:?}");
    let retry: u64 = answer
        .header("retry-after")
        .unwrap_or_else(|| panic!("no Retry-After: {answer:?}"))
        .parse()
        .unwrap();
    assert!((1..=120).contains(&retry), "{answer:?}");
    let message = answer.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        message
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{answer:?}"
    );
}

/// Waits (bounded) until `/readyz` says ready.
async fn until_ready(addr: &str, limit: Duration) {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if get_answer(addr, "/readyz").await.map(|a| a.status) == Some(200) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "/readyz not ready {limit:?} after the fault cleared"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Restarts a server on `db` after `kill -9` and looks up every acknowledged receipt with its
/// status token; the receipts it cannot find.
async fn lost_after_restart(db: &str, acknowledged: &[(String, String)]) -> Vec<String> {
    let mut server = start(Some(db.to_string()));
    let mut lost = Vec::new();
    for (receipt, token) in acknowledged {
        let path = format!("/api/v1/declarations/{receipt}?token={token}");
        if get_answer(&server.addr, &path).await.map(|a| a.status) != Some(200) {
            lost.push(receipt.clone());
        }
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    lost
}

fn kill_9(server: &mut Server) {
    server.child.kill().unwrap();
    server.child.wait().unwrap();
}

/// Undoes a fault.
type Clear = Box<dyn FnOnce() + Send>;

/// What a fault episode is: how to cause it, and how many declarations to send while it lasts
/// (clients × each).
struct Episode<'a> {
    what: &'a str,
    /// Causes the fault on the database at this URL; returns how to undo it.
    inject: Box<dyn FnOnce(&str) -> Clear + 'a>,
    during: (usize, usize),
    /// Faults expected at least among the answers during the fault.
    min_faults: usize,
}

/// A fault on a running server, as a household would meet it: declarations before it, while it
/// lasts and after it is undone (without a restart), then `kill -9` and a restart on the same
/// database. Every 201 must be found after the restart; during the fault the only answers are
/// 201 and honest 503s, `/readyz` says 503, the fault is logged once (not per request) and so
/// is the recovery; after it every declaration gets 201 again.
async fn survive(mut server: Server, episode: Episode<'_>) {
    let seen = Arc::new(Mutex::new(Seen::default()));
    burst(&server.addr, 4, 3, "之前", &seen).await;
    let before = seen.lock().unwrap().statuses();
    assert!(before.iter().all(|s| *s == 201), "{before:?}");

    let clear = (episode.inject)(&server.db);
    let asked = std::time::Instant::now();
    let ready_during = get_answer(&server.addr, "/readyz").await;
    let readyz_took = asked.elapsed();
    let (clients, each) = episode.during;
    burst(&server.addr, clients, each, "之时", &seen).await;
    let during: Vec<Answer> = seen.lock().unwrap().answers[before.len()..].to_vec();
    clear();

    until_ready(&server.addr, Duration::from_secs(20)).await;
    let after_from = seen.lock().unwrap().answers.len();
    burst(&server.addr, 4, 3, "之后", &seen).await;
    kill_9(&mut server);

    let seen = std::mem::take(&mut *seen.lock().unwrap());
    let lost = lost_after_restart(&server.db, &seen.acknowledged).await;
    let what = episode.what;
    assert!(
        lost.is_empty(),
        "{what}: {} of {} declarations answered 201 were lost: {lost:?}; answers {:?}",
        lost.len(),
        seen.acknowledged.len(),
        seen.statuses()
    );
    let statuses: Vec<u16> = during.iter().map(|a| a.status).collect();
    let faults: Vec<&Answer> = during.iter().filter(|a| a.status != 201).collect();
    assert!(
        faults.len() >= episode.min_faults,
        "{what}: at least {} fault answers expected, got {statuses:?}",
        episode.min_faults
    );
    faults.iter().for_each(|a| assert_fault_answer(a));
    let ready_during = ready_during.expect("/readyz answered during the fault");
    assert_eq!(ready_during.status, 503, "{what}: /readyz during the fault");
    assert_fault_answer(&ready_during);
    assert!(
        readyz_took < Duration::from_secs(10),
        "{what}: /readyz took {readyz_took:?}"
    );
    let after: Vec<u16> = seen.answers[after_from..]
        .iter()
        .map(|a| a.status)
        .collect();
    assert!(
        after.iter().all(|s| *s == 201),
        "{what}: once the fault is undone, declarations are taken without a restart: {after:?}"
    );
    let logs = server.stderr.lock().unwrap().clone();
    let fault_lines = logs.matches("database cannot take writes").count();
    assert!(
        (1..=3).contains(&fault_lines) && fault_lines < faults.len().max(2),
        "{what}: the fault is logged once, not per request ({fault_lines} times, {} fault answers):\n{logs}",
        faults.len()
    );
    assert!(
        logs.contains("database takes writes again"),
        "{what}:\n{logs}"
    );
    eprintln!(
        "{what}: {} answered 201, all found after kill -9 and restart; during the fault {statuses:?}; /readyz 503 in {readyz_took:?}",
        seen.acknowledged.len(),
    );
}

/// The SQLite file of a `sqlite://` URL.
fn sqlite_file(url: &str) -> PathBuf {
    PathBuf::from(url.strip_prefix("sqlite://").unwrap())
}

/// A server on a new SQLite file in a small tmpfs (None after a note where it cannot be mounted).
fn on_tmpfs(what: &str, args: &[&str]) -> Option<(Tmpfs, Server)> {
    let disk = Tmpfs::mount("4m", what)?;
    let db = format!("sqlite://{}", disk.path.join("x.db").display());
    let server = start_with(Some(db), args);
    Some((disk, server))
}

async fn disk_full(what: &str, args: &[&str]) {
    let Some((disk, server)) = on_tmpfs(what, args) else {
        return;
    };
    let dir = disk.path.clone();
    survive(
        server,
        Episode {
            what,
            inject: Box::new(move |_| {
                let filler = fill(&dir);
                Box::new(move || std::fs::remove_file(filler).unwrap())
            }),
            during: (8, 4),
            min_faults: 16,
        },
    )
    .await;
}

/// The reported loss (issue 15): declarations until the disk is full, space freed, more,
/// `kill -9`, restart on the same file. Before the fix 21 of 41 declarations answered 201 were
/// gone: the connection whose COMMIT failed went back to the pool still counting a transaction
/// open, and every later "commit" only released a savepoint of a transaction that never ended.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_a_full_disk_is_503_and_no_201_is_lost_with_group_commit() {
    disk_full("disk full, group commit", &[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_a_full_disk_is_503_and_no_201_is_lost_with_one_commit_each() {
    disk_full("disk full, one commit each", &["--commit", "each"]).await;
}

/// `chattr +i` on the file and its WAL makes them read-only even for root (a chmod would not):
/// open connections get I/O errors writing the WAL, new ones open the file read-only.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_a_read_only_database_file_is_503_until_it_is_writable_again() {
    let what = "read-only file";
    let Some(dir) = immutable_enforcing_dir(what) else {
        return;
    };
    let server = start(Some(format!(
        "sqlite://{}",
        dir.path().join("x.db").display()
    )));
    survive(
        server,
        Episode {
            what,
            inject: Box::new(move |url| {
                let db = sqlite_file(url);
                let files = [PathBuf::from(format!("{}-wal", db.display())), db];
                chattr("+i", &files);
                Box::new(move || chattr("-i", &files))
            }),
            during: (4, 3),
            min_faults: 6,
        },
    )
    .await;
}

fn chattr(flag: &str, files: &[PathBuf]) {
    let done = Command::new("chattr").arg(flag).args(files).status();
    assert!(
        done.is_ok_and(|s| s.success()),
        "chattr {flag} {files:?} failed"
    );
}

/// A folder on a file system that refuses writes through files already open once they are made
/// immutable (ext4 does; tmpfs and some overlays let them write on): None after a note.
fn immutable_enforcing_dir(what: &str) -> Option<tempfile::TempDir> {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path().join("probe");
    let mut open = std::fs::File::create(&probe).unwrap();
    let set = Command::new("chattr").arg("+i").arg(&probe).output();
    if !set.as_ref().is_ok_and(|o| o.status.success()) {
        skipped(what, &format!("chattr +i is not possible here: {set:?}"));
        return None;
    }
    let refused = open.write_all(b"x").and_then(|()| open.sync_all()).is_err();
    chattr("-i", &[probe]);
    if !refused {
        skipped(
            what,
            "the temporary folder's file system lets open files write on after chattr +i",
        );
        return None;
    }
    Some(dir)
}

/// Another process (the sqlite3 shell) holds the write lock past the busy timeout (5 s).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_a_write_lock_held_past_the_busy_timeout_is_503() {
    let what = "write lock held by another process";
    if Command::new("sqlite3").arg("-version").output().is_err() {
        skipped(
            what,
            "the sqlite3 shell is not installed (scripts/setup --test installs it)",
        );
        return;
    }
    let Some((_disk, server)) = on_tmpfs(what, &[]) else {
        return;
    };
    survive(
        server,
        Episode {
            what,
            inject: Box::new(|url| {
                let holder = hold_write_lock(&sqlite_file(url));
                Box::new(move || release(holder))
            }),
            during: (4, 1),
            min_faults: 4,
        },
    )
    .await;
}

/// Starts the sqlite3 shell on `db` inside `BEGIN IMMEDIATE` (the write lock), once it holds it.
fn hold_write_lock(db: &Path) -> std::process::Child {
    use std::io::{BufRead, Write};
    let mut shell = Command::new("sqlite3")
        .arg(db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdin = shell.stdin.as_mut().unwrap();
    writeln!(stdin, ".timeout 10000").unwrap();
    writeln!(stdin, "BEGIN IMMEDIATE;").unwrap();
    writeln!(stdin, "SELECT 'holding the write lock';").unwrap();
    stdin.flush().unwrap();
    let mut line = String::new();
    std::io::BufReader::new(shell.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "holding the write lock");
    shell
}

fn release(mut shell: std::process::Child) {
    use std::io::Write;
    let stdin = shell.stdin.as_mut().unwrap();
    writeln!(stdin, "ROLLBACK;").unwrap();
    writeln!(stdin, ".quit").unwrap();
    drop(shell.stdin.take());
    shell.wait().unwrap();
}

/// SQLite would keep writing to a removed file (and a restart would not see those rows): while
/// the file is gone, declarations are 503; moved back, they are taken again.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_a_removed_database_file_is_503_until_it_is_back() {
    let what = "database file removed";
    let Some((_disk, server)) = on_tmpfs(what, &[]) else {
        return;
    };
    survive(
        server,
        Episode {
            what,
            inject: Box::new(|url| {
                let db = sqlite_file(url);
                let away = db.with_extension("away");
                std::fs::rename(&db, &away).unwrap();
                Box::new(move || std::fs::rename(away, db).unwrap())
            }),
            during: (4, 3),
            min_faults: 12,
        },
    )
    .await;
}

/// A PostgreSQL cluster of the test's own (it is stopped under the server): the shared one
/// serves the other tests meanwhile.
struct OwnCluster {
    env: Vec<(&'static str, String)>,
    url: String,
}

impl OwnCluster {
    fn start() -> OwnCluster {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!(
            "xiangqin-pg-fault-{}",
            uuid::Uuid::new_v4().simple()
        ));
        let env = vec![
            ("XIANGQIN_PG_PORT", port.to_string()),
            ("XIANGQIN_PG_DIR", dir.display().to_string()),
        ];
        let mut cluster = OwnCluster {
            env,
            url: String::new(),
        };
        cluster.url = cluster.script("start").trim().to_string();
        cluster
    }

    fn script(&self, command: &str) -> String {
        let out = Command::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../scripts/postgres-test-server"
        ))
        .arg(command)
        .envs(self.env.iter().cloned())
        .output()
        .unwrap();
        assert!(
            out.status.success(),
            "postgres-test-server {command}: {out:?}"
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        self.script("stop");
    }
}

/// PostgreSQL stopped (fast shutdown: its sessions are ended) under a running server, and
/// started again: 503s while it is down, 201s after, every 201 found.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_stopped_and_started_again_is_503_then_201_and_no_201_is_lost() {
    let Some(_) = test_postgres_url("the PostgreSQL restart test") else {
        return;
    };
    let cluster = Arc::new(OwnCluster::start());
    let server = start(Some(new_postgres_database(&cluster.url).await));
    let during = cluster.clone();
    survive(
        server,
        Episode {
            what: "PostgreSQL stopped and started",
            inject: Box::new(move |_| {
                during.script("pause");
                Box::new(move || {
                    during.script("resume");
                })
            }),
            during: (4, 2),
            min_faults: 8,
        },
    )
    .await;
}

/// Two endpoints on one PostgreSQL database: the same declaration sent at once through both
/// with one Idempotency-Key is stored once, and every answer carries the one receipt.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_two_endpoints_store_a_declaration_sent_through_both_once() {
    let Some(server_url) = test_postgres_url("the two-endpoint test") else {
        return;
    };
    let db = new_postgres_database(&server_url).await;
    let (a, b) = (start(Some(db.clone())), start(Some(db.clone())));
    let mut tasks = Vec::new();
    for k in 0..10 {
        let key = uuid::Uuid::new_v4().to_string();
        let body = declaration(&format!("两台{k}"));
        for i in 0..6 {
            let addr = if i % 2 == 0 {
                a.addr.clone()
            } else {
                b.addr.clone()
            };
            let (key, body) = (key.clone(), body.clone());
            tasks.push(tokio::spawn(async move {
                (k, post_keyed(&addr, &body, &key).await.expect("answered"))
            }));
        }
    }
    let mut by_key: Vec<Vec<Answer>> = vec![Vec::new(); 10];
    for t in tasks {
        let (k, answer) = t.await.unwrap();
        by_key[k].push(answer);
    }
    for answers in &by_key {
        let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
        assert_eq!(
            statuses.iter().filter(|s| **s == 201).count(),
            1,
            "{statuses:?}"
        );
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            5,
            "{statuses:?}"
        );
        let receipts: Vec<Value> = answers
            .iter()
            .map(|a| a.json()["receipt"].clone())
            .collect();
        let tokens: Vec<Value> = answers
            .iter()
            .map(|a| a.json()["status_token"].clone())
            .collect();
        assert!(receipts.iter().all(|r| *r == receipts[0]), "{receipts:?}");
        assert!(
            tokens.iter().all(|t| *t == tokens[0]),
            "one status token for both endpoints"
        );
    }
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db).await.unwrap();
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM declarations")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, 10, "one row per declaration");
    pool.close().await;
}

/// Two endpoints on one PostgreSQL database under a burst; one is killed with SIGKILL: no 201
/// of either is lost, and the other goes on answering 201.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_kill_9_of_one_of_two_endpoints_loses_no_201_of_either() {
    let Some(server_url) = test_postgres_url("the two-endpoint kill -9 test") else {
        return;
    };
    let db = new_postgres_database(&server_url).await;
    let (mut a, mut b) = (start(Some(db.clone())), start(Some(db.clone())));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen_a = Arc::new(Mutex::new(Seen::default()));
    let seen_b = Arc::new(Mutex::new(Seen::default()));
    let mut tasks = Vec::new();
    for c in 0..16 {
        let (addr, seen) = if c % 2 == 0 {
            (a.addr.clone(), seen_a.clone())
        } else {
            (b.addr.clone(), seen_b.clone())
        };
        let stop = stop.clone();
        tasks.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let body = declaration(&format!("客户{c}号{i}"));
                match post_keyed(&addr, &body, &uuid::Uuid::new_v4().to_string()).await {
                    Some(answer) => seen.lock().unwrap().record(answer),
                    // The killed one: its clients stop.
                    None if c % 2 == 0 => break,
                    None => panic!("the surviving endpoint dropped a request"),
                }
                i += 1;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    kill_9(&mut a);
    let b_before = seen_b.lock().unwrap().answers.len();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    kill_9(&mut b);
    let seen_a = std::mem::take(&mut *seen_a.lock().unwrap());
    let seen_b = std::mem::take(&mut *seen_b.lock().unwrap());
    assert!(seen_a.acknowledged.len() > 10 && seen_b.answers.len() > b_before + 10);
    assert!(
        seen_b.statuses().iter().all(|s| *s == 201),
        "the other endpoint answers 201 throughout: {:?}",
        seen_b.statuses()
    );
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db).await.unwrap();
    let stored: Vec<String> = sqlx::query_scalar("SELECT receipt FROM declarations")
        .fetch_all(&pool)
        .await
        .unwrap();
    pool.close().await;
    for (name, seen) in [("killed", &seen_a), ("surviving", &seen_b)] {
        let lost: Vec<&String> = seen
            .acknowledged
            .iter()
            .map(|(r, _)| r)
            .filter(|r| !stored.contains(r))
            .collect();
        assert!(lost.is_empty(), "the {name} endpoint's 201s lost: {lost:?}");
    }
    eprintln!(
        "two endpoints: {} + {} answered 201 before and after one was killed, none lost",
        seen_a.acknowledged.len(),
        seen_b.acknowledged.len()
    );
}

/// Where a text field sits in the declaration's JSON (the names first). County and township
/// names come from the official list, whatever is sent; a village is written only beside its
/// township's code.
const TEXT_FIELDS: [(&str, &str); 5] = [
    ("place.village", "/place/village"),
    ("applicant.name", "/applicant/name"),
    ("assisted.operator_name", "/assisted/operator_name"),
    ("description", "/description"),
    ("help_wanted", "/help_wanted"),
];

/// Stands for bytes that a JSON value cannot hold (an unpaired surrogate escape, broken UTF-8).
const RAW: &str = "⟦raw⟧";

/// A declaration POST with `value` at `pointer` (`RAW` in it replaced by `raw` bytes).
fn odd_request(addr: &str, pointer: &str, value: &str, raw: &[u8]) -> Vec<u8> {
    let mut d: Value = serde_json::from_str(&declaration("张三")).unwrap();
    d["assisted"] = serde_json::json!({"operator_name": "李站长", "household_confirmed": true});
    if pointer == "/place/village" {
        d["place"]["code"] = Value::from("350821106");
    }
    *d.pointer_mut(pointer).unwrap() = Value::from(value);
    let text = d.to_string();
    let mut body = Vec::new();
    let mut parts = text.split(RAW);
    body.extend_from_slice(parts.next().unwrap().as_bytes());
    for part in parts {
        body.extend_from_slice(raw);
        body.extend_from_slice(part.as_bytes());
    }
    let mut request = format!(
        "POST /api/v1/declarations HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nIdempotency-Key: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        uuid::Uuid::new_v4(),
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(&body);
    request
}

/// Odd bytes in every text field are a 422 naming the field, in Chinese, never a 500 (NUL is
/// not even storable in PostgreSQL text), on both databases; invisible formatting characters in
/// names are removed (and a name of only those is empty).
async fn odd_bytes(db: Option<String>) {
    let server = start(db);
    let refused_everywhere: [(&str, &str, &[u8]); 5] = [
        ("NUL", "张\u{0}三", b""),
        ("a control character", "张\u{7}三", b""),
        ("an escape sequence", "张\u{1b}[2J三", b""),
        ("an unpaired surrogate", "张⟦raw⟧三", br"\ud800"),
        ("bytes that are not UTF-8", "张⟦raw⟧三", b"\xff\xfe"),
    ];
    let invisible = [
        ("zero-width", "张\u{200B}三"),
        ("bidi override", "张\u{202E}三\u{202C}"),
    ];
    let mut checked = 0;
    for (path, pointer) in TEXT_FIELDS {
        let is_name = !matches!(path, "description" | "help_wanted");
        let mut cases: Vec<(&str, &str, &[u8], Option<&str>)> = refused_everywhere
            .iter()
            .map(|(what, v, raw)| (*what, *v, *raw, Some("invalid_characters")))
            .collect();
        for (what, v) in invisible {
            cases.push((what, v, b"", (!is_name).then_some("invalid_characters")));
        }
        if is_name {
            cases.push((
                "only invisible characters",
                "\u{200B}\u{FEFF}\u{2060}",
                b"",
                Some("required"),
            ));
        }
        for (what, value, raw, refused) in cases {
            let answer = roundtrip(
                &server.addr,
                &odd_request(&server.addr, pointer, value, raw),
            )
            .await
            .unwrap_or_else(|| panic!("{path}, {what}: no answer"));
            match refused {
                Some(code) => {
                    assert_eq!(answer.status, 422, "{path}, {what}: {answer:?}");
                    let fields = answer.json()["error"]["fields"].clone();
                    let field = fields
                        .as_array()
                        .and_then(|f| f.iter().find(|f| f["field"] == path))
                        .unwrap_or_else(|| panic!("{path}, {what}: not named in {fields}"));
                    assert_eq!(field["code"], code, "{path}, {what}");
                    let message = field["message"].as_str().unwrap();
                    assert!(
                        message
                            .chars()
                            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                        "{message}"
                    );
                }
                None => assert_eq!(answer.status, 201, "{path}, {what}: {answer:?}"),
            }
            checked += 1;
        }
    }
    // What was taken was stored without the invisible characters.
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&server.db).await.unwrap();
    let stored: Vec<(String, String)> =
        sqlx::query_as("SELECT receipt, body_json FROM declarations")
            .fetch_all(&pool)
            .await
            .unwrap();
    pool.close().await;
    let key = server.data_key();
    let bodies: Vec<String> = stored
        .iter()
        .map(|(receipt, body)| {
            key.open(xiangqin_endpoint::crypto::Field::Body, receipt, body)
                .unwrap()
        })
        .collect();
    assert_eq!(
        bodies.len(),
        2 * 3,
        "two invisible-character cases per name field"
    );
    for body in &bodies {
        let v: Value = serde_json::from_str(body).unwrap();
        let names: Vec<&str> = TEXT_FIELDS[..3]
            .iter()
            .map(|(_, p)| v.pointer(p).unwrap().as_str().unwrap())
            .collect();
        assert!(
            names.iter().all(|n| !n
                .chars()
                .any(|c| matches!(c, '\u{200B}' | '\u{202E}' | '\u{202C}'))),
            "{names:?}"
        );
        assert!(names.contains(&"张三"), "{names:?}");
    }
    eprintln!("odd bytes: {checked} requests, every odd text refused with 422 or cleaned");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_odd_bytes_in_any_text_field_are_422_never_500() {
    odd_bytes(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_odd_bytes_in_any_text_field_are_422_never_500() {
    let Some(server_url) = test_postgres_url("the odd-bytes test") else {
        return;
    };
    odd_bytes(Some(new_postgres_database(&server_url).await)).await;
}
