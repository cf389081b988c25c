//! The database: connecting, migrations and the SQL itself, for SQLite (the default) and
//! PostgreSQL (when `DATABASE_URL` is `postgres://…`), chosen by the URL scheme.
//!
//! Both go through sqlx's `Any` driver with one text per statement: the SQL uses only what both
//! understand (`$1`-style placeholders, `ON CONFLICT … DO NOTHING`, `RETURNING`; never
//! `INSERT OR IGNORE` or `last_insert_rowid()`), and each database has its own migrations folder
//! (`migrations/sqlite`, `migrations/postgres`) describing the same tables.
use crate::crypto::{DataKey, Field};
use crate::error::BoxError;
use crate::health::{self, Fault};
use sqlx::any::AnyPoolOptions;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Any, AnyPool, ConnectOptions, Connection, Executor, Row, Transaction};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use xiangqin_rules::places::DivisionCode;
use xiangqin_rules::workflow::{Role, Step};
use xiangqin_rules::Region;

/// The connection pool of either database.
pub type Pool = AnyPool;

pub static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
pub static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// How long a request waits for a connection before it is answered 503: a few seconds, so a
/// database that is down or restarting costs each request that long, not more.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);
/// The file of a SQLite URL (`None` for PostgreSQL and in-memory databases).
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    if Backend::of(url) != Backend::Sqlite
        || url.contains(":memory:")
        || url.contains("mode=memory")
    {
        return None;
    }
    let options = SqliteConnectOptions::from_str(url).ok()?;
    Some(options.get_filename().to_path_buf())
}

/// Creates the SQLite file's folder (`0700`, readable by the server's user only) and the file
/// itself (`0600`) when missing, and takes the group's and others' rights away from an existing
/// file and its `-wal` and `-shm` (SQLite creates those with the mode of the database file).
fn private_sqlite_file(file: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
    if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        if !parent.exists() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(parent)?;
        }
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)
    {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        let path = PathBuf::from(name);
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode & 0o700))?;
            tracing::warn!(path = %path.display(), was = format!("{mode:o}"), "the database file could be read by other users: made private (0600)");
        }
    }
    Ok(())
}

/// Opens and migrates the database at `url`:
/// - `sqlite://data/xiangqin.db` (relative to the working directory) or `sqlite:///abs/x.db`:
///   the folder (`0700`) and the file (`0600`) are created when missing; WAL journal,
///   `synchronous = FULL`;
/// - `postgres://user:password@host:port/database`: the database must exist.
///
/// No pooled connection is used again while it still counts a transaction open (a transaction
/// statement failed on it; see [`settle`]); on SQLite none is used once the file it opened has
/// been removed or replaced ([`DatabaseFile`]).
pub async fn connect(url: &str) -> Result<Pool, BoxError> {
    sqlx::any::install_default_drivers();
    let options = AnyPoolOptions::new()
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .after_release(|conn, _| {
            Box::pin(async move {
                // The ping goes after any rollback still queued on the connection.
                conn.ping().await?;
                Ok(!conn.is_in_transaction())
            })
        });
    match Backend::of(url) {
        Backend::Postgres => {
            let pool = options
                .max_connections(16)
                // A 201 means the commit is on disk, whatever the cluster's default says.
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        conn.execute("SET synchronous_commit = on").await?;
                        Ok(())
                    })
                })
                .connect(url)
                .await?;
            POSTGRES_MIGRATOR.run(&pool).await?;
            Ok(pool)
        }
        Backend::Sqlite => {
            let sqlite = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // A declaration answered 201 must survive a power cut (village service centres).
                .synchronous(SqliteSynchronous::Full);
            let options = if let Some(file) = sqlite_file(url) {
                private_sqlite_file(&file)?;
                // Creates the file and switches it to WAL (a property of the file, kept).
                sqlite.connect().await?.close().await?;
                // The pool's own connections never create the file (the URL does not say
                // `mode=rwc`): a removed file is a fault, not a new empty database.
                let watched = Arc::new(DatabaseFile::new(file)?);
                options.before_acquire(move |_, meta| {
                    let watched = watched.clone();
                    Box::pin(async move {
                        Ok(watched.usable(meta.age) && !health::born_during_a_fault(meta.age))
                    })
                })
            } else {
                // In memory.
                options
            };
            // The pool's connections are opened from the URL by the Any driver; the settings
            // that belong to a connection are applied to each one here.
            let pool = options
                .max_connections(8)
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        // secure_delete: what is erased (after the retention) is overwritten in the
                        // file, not left in its free pages.
                        conn.execute(
                            "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                             PRAGMA secure_delete = ON;",
                        )
                        .await?;
                        Ok(())
                    })
                })
                .connect(url)
                .await?;
            SQLITE_MIGRATOR.run(&pool).await?;
            Ok(pool)
        }
    }
}

/// The SQLite file as the server opened it. SQLite keeps writing to a file that was removed (or
/// replaced by another) while it is open, and a restart would not see those rows: such a file is
/// a fault ([`Fault::Missing`]), and connections opened before a replacement are closed.
#[derive(Debug)]
pub struct DatabaseFile {
    path: PathBuf,
    state: Mutex<FileState>,
}

#[derive(Debug)]
struct FileState {
    /// Device and inode of the file last seen at the path.
    identity: (u64, u64),
    /// When another file was first seen at the path.
    replaced_at: Option<Instant>,
}

fn identity_of(path: &Path) -> std::io::Result<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).map(|m| (m.dev(), m.ino()))
}

impl DatabaseFile {
    pub fn new(path: PathBuf) -> std::io::Result<DatabaseFile> {
        let identity = identity_of(&path)?;
        Ok(DatabaseFile {
            path,
            state: Mutex::new(FileState {
                identity,
                replaced_at: None,
            }),
        })
    }

    /// The file of a `sqlite://` URL (None for PostgreSQL, an in-memory database or a file that
    /// cannot be read).
    pub fn of_url(url: &str) -> Option<DatabaseFile> {
        if Backend::of(url) != Backend::Sqlite
            || url.contains(":memory:")
            || url.contains("mode=memory")
        {
            return None;
        }
        let options = SqliteConnectOptions::from_str(url).ok()?;
        DatabaseFile::new(options.get_filename().to_path_buf()).ok()
    }

    /// Ok while the file at the path is the one the connections opened. A replaced file is
    /// remembered (so that older connections are closed) and is a fault this once.
    pub fn check(&self) -> Result<(), Fault> {
        let now = identity_of(&self.path).map_err(|_| Fault::Missing)?;
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if now != state.identity {
            state.identity = now;
            state.replaced_at = Some(Instant::now());
            return Err(Fault::Missing);
        }
        Ok(())
    }

    /// Whether a connection opened `age` ago may be used: the file is there, and it is the one
    /// the connection opened.
    fn usable(&self, age: Duration) -> bool {
        if self.check().is_err() {
            return false;
        }
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.replaced_at.is_none_or(|at| age < at.elapsed())
    }
}

const SECRET_KEY: &str = "status_token_secret";

/// The server secret that derives replayable status tokens, created on first start.
pub async fn status_token_secret(pool: &Pool) -> Result<Vec<u8>, BoxError> {
    // Two servers starting on one new file at once: the primary key lets one insert win and
    // both then read the same row.
    let inserted = sqlx::query(
        "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
    )
    .bind(SECRET_KEY)
    .bind(crate::token::new_secret())
    .execute(pool)
    .await?;
    if inserted.rows_affected() == 1 {
        tracing::info!("created the status-token secret");
    }
    let hex_value: String = sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(SECRET_KEY)
        .fetch_one(pool)
        .await?;
    Ok(hex::decode(hex_value)?)
}

/// One declaration row, ready to insert.
#[derive(Debug, Clone)]
pub struct NewDeclaration {
    pub receipt: String,
    pub status_token_hash: String,
    pub idempotency_key_hash: String,
    /// The keyed hash of `body_json` ([`DataKey::body_hash`]).
    pub body_sha256: String,
    pub status: Step,
    pub region: String,
    /// The official code of `xiangqin_rules::places::PlaceCode` (village or township).
    pub place_code: String,
    pub county: String,
    pub township: String,
    pub village: String,
    pub applicant_name: String,
    pub id_number: String,
    pub phone: String,
    pub body_json: String,
    pub created_at: String,
}

impl NewDeclaration {
    /// The row as it is stored: the name, ID number, phone number and body sealed for this
    /// receipt, and the keyed hash that links declarations of one ID number.
    pub fn sealed(&self, key: &DataKey) -> SealedDeclaration {
        let r = &self.receipt;
        SealedDeclaration {
            row: NewDeclaration {
                applicant_name: key.seal(Field::ApplicantName, r, &self.applicant_name),
                id_number: key.seal(Field::IdNumber, r, &self.id_number),
                phone: key.seal(Field::Phone, r, &self.phone),
                body_json: key.seal(Field::Body, r, &self.body_json),
                ..self.clone()
            },
            id_number_hash: key.id_number_hash(&self.id_number),
        }
    }
}

/// A declaration row with its personal fields sealed ([`NewDeclaration::sealed`]): the only
/// kind the database is given.
#[derive(Debug, Clone)]
pub struct SealedDeclaration {
    row: NewDeclaration,
    id_number_hash: String,
}

impl SealedDeclaration {
    pub fn receipt(&self) -> &str {
        &self.row.receipt
    }
}

/// What a replay needs to know about an earlier submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub receipt: String,
    pub body_sha256: String,
    pub status: Step,
    pub created_at: String,
}

/// The insert could not happen because a unique value (receipt or idempotency key) is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UniqueTaken;

/// Where a transaction failed. After a statement's error the connection is usable again once
/// rolled back. After a failed `BEGIN`, `COMMIT`, `ROLLBACK`, `SAVEPOINT` or `RELEASE` nobody
/// knows its state: SQLite may have rolled back by itself (a full disk) while sqlx still counts
/// the transaction open, and would send the next `BEGIN` as a `SAVEPOINT` inside a transaction
/// that never ends, so that every later "commit" only releases a savepoint. Such a connection is
/// closed, never returned to the pool ([`settle`]).
#[derive(Debug)]
pub enum TxError {
    Statement(sqlx::Error),
    Control(sqlx::Error),
}

/// Marks the result of a transaction statement (`BEGIN`, `COMMIT`, savepoints, …).
pub fn control<T>(result: Result<T, sqlx::Error>) -> Result<T, TxError> {
    result.map_err(TxError::Control)
}

/// Rolls `tx` back after `cause` and reports the cause; a rollback that fails too makes it a
/// [`TxError::Control`] (the connection is then closed).
pub async fn roll_back(tx: Transaction<'_, Any>, cause: sqlx::Error) -> TxError {
    match tx.rollback().await {
        Ok(()) => TxError::Statement(cause),
        Err(rollback) => {
            tracing::debug!("rollback failed too: {rollback}");
            TxError::Control(cause)
        }
    }
}

/// The end of a transaction on `conn`: the connection goes back to the pool, or is closed after
/// a failed transaction statement, or after a fault (a connection that met one may keep it: one
/// opened while the file was read-only stays read-only; a fresh one is opened when needed).
pub async fn settle<T>(
    conn: PoolConnection<Any>,
    done: Result<T, TxError>,
) -> Result<T, sqlx::Error> {
    let e = match done {
        Ok(value) => return Ok(value),
        Err(TxError::Statement(e)) if Fault::of(&e).is_none() => return Err(e),
        Err(TxError::Statement(e)) => e,
        Err(TxError::Control(e)) => {
            tracing::warn!(
                "closing a database connection after a failed transaction statement: {e}"
            );
            e
        }
    };
    if let Err(close) = conn.close().await {
        tracing::debug!("closing a connection failed: {close}");
    }
    Err(e)
}

/// Inserts the declaration and its first event (`actor` sets it to `d.status`) in one transaction.
/// The first statement of the transaction writes, so SQLite takes the write lock (waiting up to
/// the busy timeout) before reading anything: no stale snapshot, no `SQLITE_BUSY` upgrade failure.
/// (On SQLite the server inserts through [`crate::commit`], which batches this into group commits.)
pub async fn insert_declaration(
    pool: &Pool,
    d: &SealedDeclaration,
    actor: &str,
) -> Result<Result<i64, UniqueTaken>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let done = insert_alone(&mut conn, d, actor).await;
    settle(conn, done).await
}

async fn insert_alone(
    conn: &mut sqlx::AnyConnection,
    d: &SealedDeclaration,
    actor: &str,
) -> Result<Result<i64, UniqueTaken>, TxError> {
    let mut tx = control(conn.begin().await)?;
    match insert_in(&mut tx, d, actor).await {
        Ok(Ok(id)) => {
            control(tx.commit().await)?;
            Ok(Ok(id))
        }
        Ok(Err(taken)) => {
            control(tx.rollback().await)?;
            Ok(Err(taken))
        }
        Err(e) => Err(roll_back(tx, e).await),
    }
}

/// The two statements of [`insert_declaration`], inside the caller's transaction. After
/// `Err(UniqueTaken)` nothing was written, but on PostgreSQL the transaction (or savepoint) must
/// be rolled back.
pub async fn insert_in(
    conn: &mut sqlx::AnyConnection,
    sealed: &SealedDeclaration,
    actor: &str,
) -> Result<Result<i64, UniqueTaken>, sqlx::Error> {
    let d = &sealed.row;
    // A new declaration links to the newest open case of the same ID number (by its keyed hash).
    let sql = format!(
        "INSERT INTO declarations (receipt, status_token_hash, idempotency_key_hash, body_sha256, status, \
         region, county, township, village, applicant_name, id_number, phone, body_json, created_at, \
         status_since, place_code, id_number_hash, linked_to) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
         (SELECT receipt FROM declarations WHERE id_number_hash = $18 \
          AND status NOT IN ({}) ORDER BY id DESC LIMIT 1)) RETURNING id",
        placeholders(19, Step::closing().count())
    );
    let mut insert = sqlx::query(&sql)
        .bind(&d.receipt)
        .bind(&d.status_token_hash)
        .bind(&d.idempotency_key_hash)
        .bind(&d.body_sha256)
        .bind(d.status.key())
        .bind(&d.region)
        .bind(&d.county)
        .bind(&d.township)
        .bind(&d.village)
        .bind(&d.applicant_name)
        .bind(&d.id_number)
        .bind(&d.phone)
        .bind(&d.body_json)
        .bind(&d.created_at)
        .bind(&d.created_at)
        .bind(&d.place_code)
        .bind(&sealed.id_number_hash)
        .bind(&sealed.id_number_hash);
    for step in Step::closing() {
        insert = insert.bind(step.key());
    }
    let inserted = insert.fetch_one(&mut *conn).await;
    let id: i64 = match inserted {
        Ok(row) => row.try_get("id")?,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Ok(Err(UniqueTaken)),
        Err(e) => return Err(e),
    };
    sqlx::query(
        "INSERT INTO declaration_events (declaration_id, from_status, to_status, actor, note, at) \
         VALUES ($1, NULL, $2, $3, NULL, $4)",
    )
    .bind(id)
    .bind(d.status.key())
    .bind(actor)
    .bind(&d.created_at)
    .execute(&mut *conn)
    .await?;
    Ok(Ok(id))
}

/// The earlier submission made with this idempotency key (by its hash), if any.
pub async fn find_by_idempotency_key(
    pool: &Pool,
    key_hash: &str,
) -> Result<Option<Submitted>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT receipt, body_sha256, status, created_at FROM declarations WHERE idempotency_key_hash = $1",
    )
    .bind(key_hash)
    .fetch_optional(pool)
    .await?;
    row.map(|r| {
        Ok(Submitted {
            receipt: r.try_get("receipt")?,
            body_sha256: r.try_get("body_sha256")?,
            status: step(&r, "status")?,
            created_at: r.try_get("created_at")?,
        })
    })
    .transpose()
}

/// `$first, $first+1, …`: `count` placeholders, for a list bound one value at a time.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A workflow step stored under `column`.
fn step(r: &sqlx::any::AnyRow, column: &str) -> Result<Step, sqlx::Error> {
    let key: String = r.try_get(column)?;
    Step::from_key(&key).ok_or_else(|| sqlx::Error::ColumnDecode {
        index: column.into(),
        source: format!("unknown workflow step {key:?}").into(),
    })
}

#[cfg(test)]
impl NewDeclaration {
    /// A declaration row for tests of the storage itself (not a valid declaration body).
    pub fn example(receipt: &str) -> NewDeclaration {
        NewDeclaration {
            receipt: receipt.into(),
            status_token_hash: "h".into(),
            idempotency_key_hash: format!("key of {receipt}"),
            body_sha256: "b".into(),
            status: Step::Submitted,
            region: "longyan".into(),
            place_code: "350821106231".into(),
            county: "c".into(),
            township: "t".into(),
            village: "v".into(),
            applicant_name: "n".into(),
            id_number: "i".into(),
            phone: "p".into(),
            body_json: "{}".into(),
            created_at: "2026-11-22T00:00:00Z".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn connect_creates_folder_file_and_schema_and_keeps_the_secret() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/x.db");
        let url = format!("sqlite://{}", path.display());
        let pool = connect(&url).await.unwrap();
        assert!(path.exists());
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(sync, 2, "FULL");
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(fk, 1);
        let first = status_token_secret(&pool).await.unwrap();
        assert_eq!(first.len(), 32);
        pool.close().await;
        let pool = connect(&url).await.unwrap();
        assert_eq!(
            status_token_secret(&pool).await.unwrap(),
            first,
            "the secret survives a restart"
        );
    }

    #[test]
    fn a_removed_or_replaced_database_file_is_a_fault_and_older_connections_are_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db");
        std::fs::write(&path, "a").unwrap();
        let file = DatabaseFile::new(path.clone()).unwrap();
        // Held open, as SQLite holds it: a new file cannot get its inode number.
        let _open = std::fs::File::open(&path).unwrap();
        assert_eq!(file.check(), Ok(()));
        assert!(file.usable(Duration::from_secs(3600)));
        std::fs::rename(&path, dir.path().join("away")).unwrap();
        assert_eq!(file.check(), Err(Fault::Missing));
        assert!(!file.usable(Duration::ZERO));
        // Moved back: the same file, usable again by every connection.
        std::fs::rename(dir.path().join("away"), &path).unwrap();
        assert_eq!(file.check(), Ok(()));
        assert!(file.usable(Duration::from_secs(3600)));
        // Replaced by another file (a backup copied in): a fault once, then connections opened
        // before it are not used, new ones are.
        std::fs::remove_file(&path).unwrap();
        std::fs::write(dir.path().join("copy"), "a").unwrap();
        std::fs::rename(dir.path().join("copy"), &path).unwrap();
        assert_eq!(file.check(), Err(Fault::Missing));
        assert_eq!(file.check(), Ok(()));
        std::thread::sleep(Duration::from_millis(20));
        assert!(!file.usable(Duration::from_secs(3600)));
        assert!(file.usable(Duration::from_millis(1)));
    }

    #[tokio::test]
    async fn events_are_append_only() {
        let dir = tempfile::tempdir().unwrap();
        let pool = connect(&format!("sqlite://{}", dir.path().join("x.db").display()))
            .await
            .unwrap();
        let d = NewDeclaration::example("XQ-AAAA-BBBB").sealed(&DataKey::generate());
        assert!(insert_declaration(&pool, &d, "household")
            .await
            .unwrap()
            .is_ok());
        assert_eq!(
            insert_declaration(&pool, &d, "household").await.unwrap(),
            Err(UniqueTaken)
        );
        // The steps, who took them and when stay as they were; only a note may be re-sealed
        // (a new key) or erased (after the retention).
        for change in [
            "to_status = 'rejected'",
            "actor = 'x'",
            "at = 'x'",
            "from_status = 'x'",
        ] {
            assert!(
                sqlx::query(&format!("UPDATE declaration_events SET {change}"))
                    .execute(&pool)
                    .await
                    .is_err(),
                "{change}"
            );
        }
        sqlx::query("UPDATE declaration_events SET note = NULL")
            .execute(&pool)
            .await
            .unwrap();
        assert!(sqlx::query("DELETE FROM declaration_events")
            .execute(&pool)
            .await
            .is_err());
        assert!(
            sqlx::query("DELETE FROM declarations")
                .execute(&pool)
                .await
                .is_err(),
            "foreign key"
        );
        let events: i64 = sqlx::query_scalar("SELECT count(*) FROM declaration_events")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(events, 1);
    }
}

/// What a household may see of its declaration: the status and its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracked {
    pub id: i64,
    pub status_token_hash: String,
    pub status: Step,
    pub created_at: String,
}

/// One step of a declaration's history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Event {
    pub status: Step,
    pub at: String,
    pub note: Option<String>,
}

pub async fn find_by_receipt(pool: &Pool, receipt: &str) -> Result<Option<Tracked>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, status_token_hash, status, created_at FROM declarations WHERE receipt = $1",
    )
    .bind(receipt)
    .fetch_optional(pool)
    .await?;
    row.map(|r| {
        Ok(Tracked {
            id: r.try_get("id")?,
            status_token_hash: r.try_get("status_token_hash")?,
            status: step(&r, "status")?,
            created_at: r.try_get("created_at")?,
        })
    })
    .transpose()
}

/// The history of a declaration, oldest first.
pub async fn history(pool: &Pool, declaration_id: i64) -> Result<Vec<Event>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT to_status, at, note FROM declaration_events WHERE declaration_id = $1 ORDER BY id",
    )
    .bind(declaration_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Event {
                status: step(&r, "to_status")?,
                at: r.try_get("at")?,
                note: r.try_get("note")?,
            })
        })
        .collect()
}

/// Whether the database takes a write now (for `/readyz`): one small row, committed. A
/// `SELECT 1` would answer on a full disk, a read-only file or a locked database.
pub async fn probe_write(pool: &Pool) -> Result<(), sqlx::Error> {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mut conn = pool.acquire().await?;
    let done = sqlx::query(
        "INSERT INTO settings (key, value) VALUES ('readyz_probe', $1) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(now)
    .execute(&mut *conn)
    .await
    .map(|_| ())
    .map_err(TxError::Statement);
    settle(conn, done).await
}

// ---- review (cadres) ----

/// A review token as the operator issues it (`token add`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    /// Who holds it (shown in the history of every change they make, and in the audit log).
    pub name: String,
    pub division: DivisionCode,
    pub role: Role,
    /// RFC 3339, UTC: the token stops working then.
    pub expires_at: String,
}

/// Stores a token's hash and what it may do; returns its number (for `token revoke`).
pub async fn add_reviewer_token(
    pool: &Pool,
    token_hash: &str,
    token: &NewToken,
    now: &str,
) -> Result<i64, BoxError> {
    let region = token
        .division
        .region()
        .ok_or("the division is in none of the regions")?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO reviewer_tokens (token_hash, name, region, created_at, division_code, role, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(token_hash)
    .bind(&token.name)
    .bind(region.key())
    .bind(now)
    .bind(token.division.as_str())
    .bind(token.role.key())
    .bind(&token.expires_at)
    .fetch_one(pool)
    .await?;
    Ok(id)
}

/// One issued review token, as `token list` shows it (the token itself is not kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    pub id: i64,
    pub name: String,
    /// `None` for a token of the old kind (a region and a township's name), which no longer
    /// opens the review.
    pub division: Option<String>,
    pub role: Option<String>,
    /// The old kind's scope: region key and township name, as issued.
    pub old_scope: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub revoked_at: Option<String>,
}

pub async fn reviewer_tokens(pool: &Pool) -> Result<Vec<IssuedToken>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, name, region, township, division_code, role, created_at, expires_at, revoked_at \
         FROM reviewer_tokens ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            let township: Option<String> = r.try_get("township")?;
            let region: String = r.try_get("region")?;
            Ok(IssuedToken {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                division: r.try_get("division_code")?,
                role: r.try_get("role")?,
                old_scope: [Some(region), township]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
                created_at: r.try_get("created_at")?,
                expires_at: r.try_get("expires_at")?,
                revoked_at: r.try_get("revoked_at")?,
            })
        })
        .collect()
}

/// Revokes token `id`; `false` if there is no such token or it was already revoked.
pub async fn revoke_reviewer_token(pool: &Pool, id: i64, now: &str) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE reviewer_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A token that is not revoked, by the hash of what was presented.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub division: Option<String>,
    pub role: Option<String>,
    pub expires_at: Option<String>,
}

pub async fn reviewer_by_token_hash(
    pool: &Pool,
    token_hash: &str,
) -> Result<Option<TokenRow>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, name, division_code, role, expires_at FROM reviewer_tokens \
         WHERE token_hash = $1 AND revoked_at IS NULL",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?;
    row.map(|r| {
        Ok(TokenRow {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            division: r.try_get("division_code")?,
            role: r.try_get("role")?,
            expires_at: r.try_get("expires_at")?,
        })
    })
    .transpose()
}

/// What a token may see, in the terms of the `declarations` table: its region, and the
/// declarations whose place code lies within its division. Declarations stored before places
/// were codes (`place_code` NULL, unmatched) are seen only by tokens of the whole region.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub region: &'a str,
    pub division: &'a str,
    pub region_wide: bool,
}

impl Scope<'_> {
    /// Whether a declaration of `region` at `place_code` is within this scope.
    pub fn covers(&self, region: &str, place_code: Option<&str>) -> bool {
        region == self.region
            && match place_code {
                Some(code) => code.starts_with(self.division),
                None => self.region_wide,
            }
    }
}

/// One declaration as the reviewer sees it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReviewRow {
    pub id: i64,
    pub receipt: String,
    pub status: Step,
    pub status_since: String,
    pub region: String,
    /// `None`: stored before places were codes, and not matched since.
    pub place_code: Option<String>,
    pub county: String,
    pub township: String,
    pub village: String,
    pub applicant_name: String,
    pub id_number: String,
    pub phone: String,
    pub created_at: String,
    /// The open case of the same ID number this one was linked to when it arrived, with its
    /// region and place (to tell whether the reviewer may see it).
    pub linked_to: Option<String>,
    pub linked_region: Option<String>,
    pub linked_place_code: Option<String>,
    pub body_json: String,
    /// When the personal fields were erased after the retention (they are empty then).
    pub erased_at: Option<String>,
}

/// Optional filters of the reviewer's list (all given ones must match).
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub status: Option<Step>,
    /// A division code: declarations within it.
    pub division: Option<String>,
    /// RFC 3339 UTC bounds on `created_at`: from (inclusive) and until (exclusive).
    pub from: Option<String>,
    pub until: Option<String>,
}

/// The columns of a [`ReviewRow`], `body` being the SQL for `body_json`.
fn review_columns(body: &str) -> String {
    format!(
        "d.id, d.receipt, d.status, COALESCE(d.status_since, d.created_at) AS status_since, d.region, \
         d.place_code, d.county, d.township, d.village, d.applicant_name, d.id_number, d.phone, d.created_at, \
         d.erased_at, d.linked_to, l.region AS linked_region, l.place_code AS linked_place_code, {body} AS body_json \
         FROM declarations d LEFT JOIN declarations l ON l.receipt = d.linked_to"
    )
}

/// Declarations of the reviewer's scope, newest first, filtered: all of them (the caller pages),
/// without their bodies (`body_json` is empty; `review_one` has it).
/// The declarations in `scope` matching `filter`, newest first; `with_body`: with the
/// declaration itself (the exports show what was declared; the list leaves it out).
pub async fn review_list(
    pool: &Pool,
    key: &DataKey,
    scope: &Scope<'_>,
    filter: &ListFilter,
    with_body: bool,
) -> Result<Vec<ReviewRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {} WHERE d.region = $1 AND (d.place_code LIKE $2 OR (d.place_code IS NULL AND $3 = 1)) \
         AND ($4 IS NULL OR d.status = $4) AND ($5 IS NULL OR d.place_code LIKE $5) \
         AND ($6 IS NULL OR d.created_at >= $6) AND ($7 IS NULL OR d.created_at < $7) \
         ORDER BY d.id DESC",
        review_columns(if with_body { "d.body_json" } else { "''" })
    );
    // Division codes are digits only: nothing in them is a LIKE wildcard.
    let rows = sqlx::query(&sql)
        .bind(scope.region)
        .bind(format!("{}%", scope.division))
        .bind(i32::from(scope.region_wide))
        .bind(filter.status.map(Step::key))
        .bind(filter.division.as_ref().map(|d| format!("{d}%")))
        .bind(&filter.from)
        .bind(&filter.until)
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(|r| row_from(&r, key)).collect()
}

/// Opens a sealed value of `field` of declaration `receipt`; an empty one (erased after the
/// retention, or the body the list leaves out) stays empty. A value that does not open is an
/// error, never shown as it is.
pub fn opened(
    key: &DataKey,
    field: Field,
    receipt: &str,
    value: String,
) -> Result<String, sqlx::Error> {
    if value.is_empty() {
        return Ok(value);
    }
    key.open(field, receipt, &value)
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

fn row_from(r: &sqlx::any::AnyRow, key: &DataKey) -> Result<ReviewRow, sqlx::Error> {
    let receipt: String = r.try_get("receipt")?;
    let open = |field, column| opened(key, field, &receipt, r.try_get(column)?);
    Ok(ReviewRow {
        id: r.try_get("id")?,
        applicant_name: open(Field::ApplicantName, "applicant_name")?,
        id_number: open(Field::IdNumber, "id_number")?,
        phone: open(Field::Phone, "phone")?,
        body_json: open(Field::Body, "body_json")?,
        erased_at: r.try_get("erased_at")?,
        receipt,
        status: step(r, "status")?,
        status_since: r.try_get("status_since")?,
        region: r.try_get("region")?,
        place_code: r.try_get("place_code")?,
        county: r.try_get("county")?,
        township: r.try_get("township")?,
        village: r.try_get("village")?,
        created_at: r.try_get("created_at")?,
        linked_to: r.try_get("linked_to")?,
        linked_region: r.try_get("linked_region")?,
        linked_place_code: r.try_get("linked_place_code")?,
    })
}

pub async fn review_one(
    pool: &Pool,
    key: &DataKey,
    receipt: &str,
) -> Result<Option<ReviewRow>, sqlx::Error> {
    let sql = format!(
        "SELECT {} WHERE d.receipt = $1",
        review_columns("d.body_json")
    );
    let row = sqlx::query(&sql).bind(receipt).fetch_optional(pool).await?;
    row.map(|r| row_from(&r, key)).transpose()
}

/// The other declarations made with the same ID number (both directions of a link, and
/// declarations that arrived at the same moment on another instance): (receipt, region, place
/// code), oldest first. The caller keeps those within the reviewer's scope.
pub async fn same_id_number(
    pool: &Pool,
    row: &ReviewRow,
) -> Result<Vec<(String, String, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT receipt, region, place_code FROM declarations WHERE id_number_hash = \
         (SELECT id_number_hash FROM declarations WHERE receipt = $1) AND receipt != $1 ORDER BY id",
    )
    .bind(&row.receipt)
    .fetch_all(pool)
    .await
}

/// Moves a declaration from `from` to `to` (only if it is still at `from`), appends the event
/// (`note` sealed by the caller) and the audit line of a cadre's move, in one transaction. `false` if someone else moved it first.
#[allow(clippy::too_many_arguments)]
pub async fn transition(
    pool: &Pool,
    id: i64,
    from: Step,
    to: Step,
    actor: &str,
    note: Option<&str>,
    at: &str,
    audit_line: Option<&AuditLine>,
) -> Result<bool, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let done: Result<bool, TxError> = async {
        let mut tx = control(conn.begin().await)?;
        let moved = sqlx::query(
            "UPDATE declarations SET status = $1, status_since = $2 WHERE id = $3 AND status = $4",
        )
        .bind(to.key())
        .bind(at)
        .bind(id)
        .bind(from.key())
        .execute(&mut *tx)
        .await;
        let moved = match moved {
            Ok(done) => done.rows_affected(),
            Err(e) => return Err(roll_back(tx, e).await),
        };
        if moved != 1 {
            control(tx.rollback().await)?;
            return Ok(false);
        }
        let event = sqlx::query(
            "INSERT INTO declaration_events (declaration_id, from_status, to_status, actor, note, at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(from.key())
        .bind(to.key())
        .bind(actor)
        .bind(note)
        .bind(at)
        .execute(&mut *tx)
        .await;
        if let Err(e) = event {
            return Err(roll_back(tx, e).await);
        }
        if let Some(line) = audit_line {
            if let Err(e) = audit_in(&mut tx, line).await {
                return Err(roll_back(tx, e).await);
            }
        }
        control(tx.commit().await)?;
        Ok(true)
    }
    .await;
    settle(conn, done).await
}

/// The full history of a declaration for a reviewer: (status, actor, at, note), oldest first.
pub async fn review_history(
    pool: &Pool,
    declaration_id: i64,
) -> Result<Vec<(Step, String, String, Option<String>)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT to_status, actor, at, note FROM declaration_events WHERE declaration_id = $1 ORDER BY id",
    )
    .bind(declaration_id)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok((
                step(&r, "to_status")?,
                r.try_get("actor")?,
                r.try_get("at")?,
                r.try_get("note")?,
            ))
        })
        .collect()
}

/// One line of the audit log (see `migrations/*/0005_roles_and_audit.sql`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLine {
    pub at: String,
    pub token_id: Option<i64>,
    pub token_name: Option<String>,
    pub action: String,
    pub receipt: Option<String>,
    pub detail: String,
    pub outcome: String,
}

async fn audit_in(conn: &mut sqlx::AnyConnection, line: &AuditLine) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (at, token_id, token_name, action, receipt, detail, outcome) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&line.at)
    .bind(line.token_id)
    .bind(&line.token_name)
    .bind(&line.action)
    .bind(&line.receipt)
    .bind(&line.detail)
    .bind(&line.outcome)
    .execute(conn)
    .await
    .map(|_| ())
}

/// Appends a line to the audit log.
pub async fn audit(pool: &Pool, line: &AuditLine) -> Result<(), sqlx::Error> {
    audit_in(&mut *pool.acquire().await?, line).await
}

/// The audit log, oldest first: the last `limit` lines.
pub async fn audit_log(pool: &Pool, limit: i64) -> Result<Vec<AuditLine>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT at, token_id, token_name, action, receipt, detail, outcome FROM \
         (SELECT * FROM audit_log ORDER BY id DESC LIMIT $1) AS recent ORDER BY id",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AuditLine {
                at: r.try_get("at")?,
                token_id: r.try_get("token_id")?,
                token_name: r.try_get("token_name")?,
                action: r.try_get("action")?,
                receipt: r.try_get("receipt")?,
                detail: r.try_get("detail")?,
                outcome: r.try_get("outcome")?,
            })
        })
        .collect()
}

/// Declarations stored before places were codes get the code their written names stand for,
/// where the names are unambiguous ([`crate::places::Places::match_names`]); the others keep
/// NULL (seen by region-wide tokens). Returns how many were matched.
pub async fn match_legacy_places(
    pool: &Pool,
    places: &crate::places::Places,
) -> Result<u64, sqlx::Error> {
    let rows: Vec<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT id, region, county, township, village FROM declarations WHERE place_code IS NULL",
    )
    .fetch_all(pool)
    .await?;
    let mut matched = 0;
    for (id, region, county, township, village) in rows {
        let Some(region) = Region::from_key(&region) else {
            continue;
        };
        if let Some(code) = places.match_names(region, &county, &township, &village) {
            matched += sqlx::query(
                "UPDATE declarations SET place_code = $1 WHERE id = $2 AND place_code IS NULL",
            )
            .bind(code.as_str())
            .bind(id)
            .execute(pool)
            .await?
            .rows_affected();
        }
    }
    Ok(matched)
}

// ---- personal data at rest (see crate::crypto) ----

const KEY_CHECK: &str = "data_key_check";

/// The data key's check value the database keeps, if it has one yet.
pub async fn stored_key_check(pool: &Pool) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
        .bind(KEY_CHECK)
        .fetch_optional(pool)
        .await
}

/// Makes sure the database is kept with `key`: a database that has a key's check value must
/// have been given that key (else a clear error at start, never data sealed with two keys or
/// left unreadable); one that has none takes this key's. Declarations and notes stored before
/// encryption are sealed now (and on SQLite the file is rewritten, so that no clear copy stays
/// in its free pages or its WAL). Returns how many declarations were sealed.
pub async fn protect_at_rest(pool: &Pool, key: &DataKey) -> Result<u64, BoxError> {
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind(KEY_CHECK)
        .bind(key.check_value())
        .execute(pool)
        .await?;
    let stored = stored_key_check(pool).await?.unwrap_or_default();
    if stored != key.check_value() {
        let id = stored.split(':').next().unwrap_or_default();
        return Err(format!(
            "the data key given ({}) is not this database's key ({id}): the names, ID numbers \
             and phone numbers stored could not be read. Give the database's own key file",
            key.id()
        )
        .into());
    }
    let rows: Vec<(i64, String, String, String, String, String)> = sqlx::query_as(
        "SELECT id, receipt, applicant_name, id_number, phone, body_json FROM declarations \
         WHERE id_number_hash IS NULL AND erased_at IS NULL",
    )
    .fetch_all(pool)
    .await?;
    let mut tx = pool.begin().await?;
    let sealed = rows.len() as u64;
    for (id, receipt, name, id_number, phone, body) in rows {
        let clear = |field, value: String| match DataKey::sealed_with(&value) {
            Some(_) => key.open(field, &receipt, &value),
            None => Ok(value),
        };
        let (name, id_number, phone, body) = (
            clear(Field::ApplicantName, name)?,
            clear(Field::IdNumber, id_number)?,
            clear(Field::Phone, phone)?,
            clear(Field::Body, body)?,
        );
        sqlx::query(
            "UPDATE declarations SET applicant_name = $1, id_number = $2, phone = $3, body_json = $4, \
             body_sha256 = $5, id_number_hash = $6 WHERE id = $7",
        )
        .bind(key.seal(Field::ApplicantName, &receipt, &name))
        .bind(key.seal(Field::IdNumber, &receipt, &id_number))
        .bind(key.seal(Field::Phone, &receipt, &phone))
        .bind(key.seal(Field::Body, &receipt, &body))
        .bind(key.body_hash(&body))
        .bind(key.id_number_hash(&id_number))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    let notes: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT e.id, d.receipt, e.note FROM declaration_events e \
         JOIN declarations d ON d.id = e.declaration_id \
         WHERE e.note IS NOT NULL AND e.note NOT LIKE 'xq1:%'",
    )
    .fetch_all(&mut *tx)
    .await?;
    let notes_sealed = notes.len();
    for (id, receipt, note) in notes {
        sqlx::query("UPDATE declaration_events SET note = $1 WHERE id = $2")
            .bind(key.seal(Field::Note, &receipt, &note))
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    if sealed > 0 || notes_sealed > 0 {
        tracing::info!(
            declarations = sealed,
            notes = notes_sealed,
            "personal data stored before encryption is now encrypted"
        );
        if Backend::of(pool.connect_options().database_url.as_str()) == Backend::Sqlite {
            // The clear values are gone from the tables but not yet from the file's free pages
            // and the WAL: rewrite the file and empty the WAL.
            sqlx::query("VACUUM").execute(pool).await?;
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(pool)
                .await?;
        }
    }
    Ok(sealed)
}

/// Re-seals every personal value and note with `new` (and recomputes the keyed hashes), in one
/// transaction; from then on the database opens only with `new`. Returns how many declarations
/// were re-sealed.
pub async fn rotate_key(pool: &Pool, old: &DataKey, new: &DataKey) -> Result<u64, BoxError> {
    if stored_key_check(pool).await?.as_deref() != Some(old.check_value().as_str()) {
        return Err(format!(
            "the data key given ({}) is not this database's key: give its current key file with \
             --data-key-file",
            old.id()
        )
        .into());
    }
    let mut tx = pool.begin().await?;
    let rows: Vec<(i64, String, String, String, String, String)> = sqlx::query_as(
        "SELECT id, receipt, applicant_name, id_number, phone, body_json FROM declarations \
         WHERE erased_at IS NULL",
    )
    .fetch_all(&mut *tx)
    .await?;
    let count = rows.len() as u64;
    for (id, receipt, name, id_number, phone, body) in rows {
        let reseal = |field, value: &str| -> Result<(String, String), BoxError> {
            let clear = old.open(field, &receipt, value)?;
            Ok((new.seal(field, &receipt, &clear), clear))
        };
        let (name, _) = reseal(Field::ApplicantName, &name)?;
        let (id_sealed, id_clear) = reseal(Field::IdNumber, &id_number)?;
        let (phone, _) = reseal(Field::Phone, &phone)?;
        let (body_sealed, body_clear) = reseal(Field::Body, &body)?;
        sqlx::query(
            "UPDATE declarations SET applicant_name = $1, id_number = $2, phone = $3, body_json = $4, \
             body_sha256 = $5, id_number_hash = $6 WHERE id = $7",
        )
        .bind(name)
        .bind(id_sealed)
        .bind(phone)
        .bind(body_sealed)
        .bind(new.body_hash(&body_clear))
        .bind(new.id_number_hash(&id_clear))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    let notes: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT e.id, d.receipt, e.note FROM declaration_events e \
         JOIN declarations d ON d.id = e.declaration_id WHERE e.note IS NOT NULL",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (id, receipt, note) in notes {
        let clear = old.open(Field::Note, &receipt, &note)?;
        sqlx::query("UPDATE declaration_events SET note = $1 WHERE id = $2")
            .bind(new.seal(Field::Note, &receipt, &clear))
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query("UPDATE settings SET value = $1 WHERE key = $2")
        .bind(new.check_value())
        .bind(KEY_CHECK)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(count)
}

/// Erases the personal fields (name, ID number, phone, the body with its texts) and the notes
/// of every declaration closed (已撤回, 不予纳入, 风险消除) at or before `closed_by` (RFC 3339
/// UTC); the place, the status and the history stay. Returns how many were erased.
pub async fn erase_closed(pool: &Pool, closed_by: &str, now: &str) -> Result<u64, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let sql = format!(
        "UPDATE declarations SET applicant_name = '', id_number = '', phone = '', body_json = '', \
         id_number_hash = NULL, erased_at = $1 \
         WHERE erased_at IS NULL AND COALESCE(status_since, created_at) <= $2 AND status IN ({})",
        placeholders(3, Step::closing().count())
    );
    let mut erase = sqlx::query(&sql).bind(now).bind(closed_by);
    for step in Step::closing() {
        erase = erase.bind(step.key());
    }
    let erased = erase.execute(&mut *tx).await?.rows_affected();
    if erased > 0 {
        sqlx::query(
            "UPDATE declaration_events SET note = NULL WHERE note IS NOT NULL AND declaration_id IN \
             (SELECT id FROM declarations WHERE erased_at IS NOT NULL)",
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(erased)
}
