//! Storage faults, told apart from bugs: why the database cannot take writes now.
//!
//! A fault — disk full, the database locked past the busy timeout, read-only, its file missing,
//! an I/O error, PostgreSQL down or restarting — is answered 503 with `Retry-After`
//! ([`crate::AppError::Unavailable`]): the phone keeps the declaration and sends it again later.
//! Anything else a database says is a bug, answered 500. Each fault is logged once when it
//! begins and once when writes succeed again, not once per request.
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Why the database cannot take writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// No space left (SQLite `SQLITE_FULL`, PostgreSQL `53100`).
    DiskFull,
    /// Another writer held the lock past the busy timeout (SQLite `SQLITE_BUSY`/`LOCKED`,
    /// PostgreSQL lock and serialization failures).
    Locked,
    /// The database may be read but not written (SQLite `SQLITE_READONLY`, PostgreSQL `25006`).
    ReadOnly,
    /// The database file cannot be opened, or was removed or replaced while the server runs.
    Missing,
    /// The disk failed a read or write (SQLite `SQLITE_IOERR`, PostgreSQL `58030`).
    Storage,
    /// PostgreSQL refuses connections, is shutting down or restarting, or no connection came
    /// within the acquire timeout.
    Down,
}

const SQLITE_BUSY: i64 = 5;
const SQLITE_LOCKED: i64 = 6;
const SQLITE_READONLY: i64 = 8;
const SQLITE_IOERR: i64 = 10;
const SQLITE_FULL: i64 = 13;
const SQLITE_CANTOPEN: i64 = 14;
/// A WAL lock protocol failure: another connection kept changing the lock (retry).
const SQLITE_PROTOCOL: i64 = 15;

impl Fault {
    /// The fault behind a database error, or None for a bug (a constraint, bad SQL, …).
    pub fn of(e: &sqlx::Error) -> Option<Fault> {
        match e {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::WorkerCrashed => Some(Fault::Down),
            sqlx::Error::Database(db) => {
                if let Some(sqlite) = db.try_downcast_ref::<sqlx::sqlite::SqliteError>() {
                    let code: i64 = sqlx::error::DatabaseError::code(sqlite)?.parse().ok()?;
                    // Extended result codes carry the primary code in their low byte.
                    Self::of_sqlite(code & 0xff)
                } else if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                    Self::of_sqlstate(pg.code())
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    fn of_sqlite(primary: i64) -> Option<Fault> {
        Some(match primary {
            SQLITE_FULL => Fault::DiskFull,
            SQLITE_BUSY | SQLITE_LOCKED | SQLITE_PROTOCOL => Fault::Locked,
            SQLITE_READONLY => Fault::ReadOnly,
            SQLITE_CANTOPEN => Fault::Missing,
            SQLITE_IOERR => Fault::Storage,
            _ => return None,
        })
    }

    /// PostgreSQL's SQLSTATE codes (appendix A of its manual).
    fn of_sqlstate(code: &str) -> Option<Fault> {
        Some(match code {
            "53100" => Fault::DiskFull,
            "55P03" | "40001" | "40P01" => Fault::Locked,
            "25006" => Fault::ReadOnly,
            "3D000" => Fault::Missing,
            "58030" => Fault::Storage,
            // Connection exceptions; admin or crash shutdown, starting up; too many connections,
            // out of memory.
            c if c.starts_with("08") || c.starts_with("57P") || c.starts_with("53") => Fault::Down,
            _ => return None,
        })
    }

    /// The machine code of the 503 answer.
    pub fn code(self) -> &'static str {
        match self {
            Fault::DiskFull => "database_full",
            Fault::Locked => "database_busy",
            Fault::ReadOnly => "database_read_only",
            Fault::Missing => "database_missing",
            Fault::Storage => "storage_error",
            Fault::Down => "database_down",
        }
    }

    /// For the household, in plain Chinese.
    pub fn message_zh(self) -> String {
        let what = match self {
            Fault::DiskFull => "服务器的存储空间满了，存不进新的内容",
            Fault::Locked => "服务器正忙",
            Fault::ReadOnly => "服务器的数据库现在只能查看、不能存入",
            Fault::Missing => "服务器找不到它的数据库",
            Fault::Storage => "服务器的磁盘读写出了问题",
            Fault::Down => "服务器暂时连不上数据库",
        };
        format!("{what}，请过一会儿再试。您填的内容没有丢。")
    }

    /// Seconds a client should wait before trying again: a lock clears in moments, a database
    /// restarts in seconds, an operator frees a disk in minutes.
    pub fn retry_after_secs(self) -> u64 {
        match self {
            Fault::Locked => 2,
            Fault::Down => 5,
            Fault::DiskFull | Fault::ReadOnly | Fault::Missing | Fault::Storage => 30,
        }
    }

    /// For the operator's log.
    fn describe(self) -> &'static str {
        match self {
            Fault::DiskFull => "the disk is full",
            Fault::Locked => "it stayed locked past the busy timeout",
            Fault::ReadOnly => "it is read-only",
            Fault::Missing => "its file cannot be opened, or was removed or replaced",
            Fault::Storage => "the disk reports I/O errors",
            Fault::Down => "it does not answer (down, restarting, or no connection in time)",
        }
    }
}

/// The fault going on, if any, and since when (one database per process, so one state per
/// process); and when the last one began and ended.
static CURRENT: Mutex<State> = Mutex::new(State {
    fault: None,
    last_window: None,
});

struct State {
    fault: Option<(Fault, Instant)>,
    last_window: Option<(Instant, Instant)>,
}
/// Whether `CURRENT` holds a fault: lets every successful write skip the lock.
static FAULTY: AtomicBool = AtomicBool::new(false);

/// Notes a fault; logs it only when it begins. While one goes on, a fault of another kind (a
/// read-only file gives I/O errors on open connections and "read-only" on new ones) is the same
/// fault to the operator.
pub fn fault(fault: Fault, cause: &dyn std::fmt::Display) {
    let mut current = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, since)) = current.fault {
        tracing::debug!(code = fault.code(), "database fault goes on: {cause}");
        current.fault = Some((fault, since));
        return;
    }
    tracing::error!(
        code = fault.code(),
        "database cannot take writes: {}: {cause}",
        fault.describe()
    );
    current.fault = Some((fault, Instant::now()));
    FAULTY.store(true, Ordering::Release);
}

/// Notes a successful write; logs the recovery when a fault was going on.
pub fn writes_ok() {
    if !FAULTY.load(Ordering::Acquire) {
        return;
    }
    let mut current = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((was, since)) = current.fault.take() {
        tracing::warn!(code = was.code(), "database takes writes again");
        current.last_window = Some((since, Instant::now()));
    }
    FAULTY.store(false, Ordering::Release);
}

/// Whether a connection opened `age` ago was opened during the last fault, now over: it may
/// carry the fault (SQLite opens a file it cannot write read-only, for good), so it is not
/// used again.
pub fn born_during_a_fault(age: Duration) -> bool {
    let current = CURRENT.lock().unwrap_or_else(|e| e.into_inner());
    let Some((began, ended)) = current.last_window else {
        return false;
    };
    Instant::now()
        .checked_sub(age)
        .is_some_and(|born| began <= born && born <= ended)
}

/// The fault behind `e`, noted (and logged once), or None for a bug.
pub fn classify(e: &sqlx::Error) -> Option<Fault> {
    let found = Fault::of(e);
    if let Some(f) = found {
        fault(f, e);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_and_postgres_codes_map_to_faults() {
        assert_eq!(Fault::of_sqlite(SQLITE_FULL), Some(Fault::DiskFull));
        assert_eq!(Fault::of_sqlite(SQLITE_BUSY), Some(Fault::Locked));
        assert_eq!(Fault::of_sqlite(SQLITE_READONLY), Some(Fault::ReadOnly));
        assert_eq!(Fault::of_sqlite(SQLITE_CANTOPEN), Some(Fault::Missing));
        assert_eq!(Fault::of_sqlite(SQLITE_IOERR), Some(Fault::Storage));
        // A constraint (19) or a syntax error (1) is a bug, not a fault.
        assert_eq!(Fault::of_sqlite(19), None);
        assert_eq!(Fault::of_sqlite(1), None);
        assert_eq!(Fault::of_sqlstate("53100"), Some(Fault::DiskFull));
        assert_eq!(Fault::of_sqlstate("57P01"), Some(Fault::Down));
        assert_eq!(Fault::of_sqlstate("08006"), Some(Fault::Down));
        assert_eq!(Fault::of_sqlstate("25006"), Some(Fault::ReadOnly));
        assert_eq!(Fault::of_sqlstate("23505"), None, "unique violation");
        assert_eq!(Fault::of_sqlstate("22021"), None, "bad bytes");
        assert_eq!(Fault::of(&sqlx::Error::PoolTimedOut), Some(Fault::Down));
        assert_eq!(Fault::of(&sqlx::Error::RowNotFound), None);
    }

    #[test]
    fn every_fault_has_a_chinese_message_and_a_retry_after() {
        for f in [
            Fault::DiskFull,
            Fault::Locked,
            Fault::ReadOnly,
            Fault::Missing,
            Fault::Storage,
            Fault::Down,
        ] {
            assert!(f.message_zh().contains("您填的内容没有丢"));
            assert!(f.retry_after_secs() >= 1);
        }
    }
}
