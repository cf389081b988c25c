//! Group commit: how declarations are written.
//!
//! On SQLite every commit waits for an fsync of the WAL (`synchronous = FULL`), and writers take
//! turns. One writer task therefore takes every declaration waiting in its queue, inserts them
//! in one transaction (each in its own savepoint, so a taken receipt or key fails only that one)
//! and commits once; each request is answered only after that commit has returned. While one
//! batch is being synced the next one gathers, so a burst costs a few fsyncs instead of one per
//! declaration, and nothing is acknowledged before it is on disk. There is no waiting for a batch
//! to fill: a lone declaration is committed at once.
//!
//! On PostgreSQL each request commits its own transaction: the server batches concurrent
//! commits itself, and several endpoint instances may share one cluster.
//!
//! A fault (a full disk, a lock held too long, …; see [`crate::health`]) fails the whole batch
//! at once, and every request of it gets a 503, and so does every request that queued up
//! meanwhile; on SQLite the file is checked after each commit, so that rows written to a
//! removed file are not acknowledged.
use crate::db::{
    self, control, roll_back, DatabaseFile, Pool, SealedDeclaration, TxError, UniqueTaken,
};
use crate::error::AppError;
use crate::health::{self, Fault};
use sqlx::Connection;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// Most declarations in one transaction.
pub const MAX_BATCH: usize = 256;

/// How long `/readyz` waits for its write probe (a locked SQLite would make it wait out the
/// busy timeout).
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The result of one insert: the row id, or a unique value (receipt or key) already taken.
pub type Outcome = Result<Result<i64, UniqueTaken>, AppError>;

struct Job {
    row: SealedDeclaration,
    actor: String,
    reply: oneshot::Sender<Outcome>,
}

/// Counts of the writer's work (for tests and logs).
#[derive(Debug, Default)]
pub struct Stats {
    pub batches: AtomicU64,
    pub declarations: AtomicU64,
}

/// Writes declarations: through the group-commit writer task (SQLite), or directly (PostgreSQL).
#[derive(Clone, Debug)]
pub struct Writer {
    pool: Pool,
    queue: Option<mpsc::Sender<Job>>,
    /// The SQLite file the rows must land in (None on PostgreSQL).
    file: Option<Arc<DatabaseFile>>,
    pub stats: Arc<Stats>,
}

impl Writer {
    /// Each insert in its own transaction.
    pub fn direct(pool: Pool) -> Writer {
        Writer {
            file: file_of(&pool),
            pool,
            queue: None,
            stats: Arc::default(),
        }
    }

    /// Starts the writer task (it stops when the last `Writer` clone is dropped, after
    /// committing what is queued).
    pub fn grouped(pool: Pool) -> Writer {
        let (tx, rx) = mpsc::channel(4 * MAX_BATCH);
        let stats = Arc::<Stats>::default();
        let file = file_of(&pool);
        tokio::spawn(run(pool.clone(), file.clone(), rx, stats.clone()));
        Writer {
            pool,
            queue: Some(tx),
            file,
            stats,
        }
    }

    /// Group commit on SQLite, direct on PostgreSQL.
    pub fn for_pool(pool: Pool) -> Writer {
        match db::Backend::of(pool.connect_options().database_url.as_str()) {
            db::Backend::Sqlite => Writer::grouped(pool),
            db::Backend::Postgres => Writer::direct(pool),
        }
    }

    /// Inserts the declaration and its first event; returns once they are committed.
    pub async fn insert(&self, row: SealedDeclaration, actor: &str) -> Outcome {
        let Some(queue) = &self.queue else {
            self.stats.batches.fetch_add(1, Ordering::Relaxed);
            self.stats.declarations.fetch_add(1, Ordering::Relaxed);
            let inserted = db::insert_declaration(&self.pool, &row, actor).await?;
            still_in_place(self.file.as_deref())?;
            health::writes_ok();
            return Ok(inserted);
        };
        let (reply, answer) = oneshot::channel();
        let job = Job {
            row,
            actor: actor.to_string(),
            reply,
        };
        queue
            .send(job)
            .await
            .map_err(|_| AppError::internal("the declaration writer has stopped"))?;
        answer
            .await
            .map_err(|_| AppError::internal("the declaration writer stopped before answering"))?
    }

    /// Whether the database takes a write now, within [`PROBE_TIMEOUT`] (for `/readyz`).
    pub async fn probe(&self) -> Result<(), AppError> {
        still_in_place(self.file.as_deref())?;
        match tokio::time::timeout(PROBE_TIMEOUT, db::probe_write(&self.pool)).await {
            Ok(Ok(())) => {
                health::writes_ok();
                Ok(())
            }
            Ok(Err(e)) => Err(e.into()),
            Err(_) => {
                let fault = match self.file {
                    Some(_) => Fault::Locked,
                    None => Fault::Down,
                };
                health::fault(fault, &"the write probe did not finish in time");
                Err(AppError::Unavailable(fault))
            }
        }
    }
}

fn file_of(pool: &Pool) -> Option<Arc<DatabaseFile>> {
    DatabaseFile::of_url(pool.connect_options().database_url.as_str()).map(Arc::new)
}

/// A 503 when the SQLite file the rows went to is no longer the one at its path.
fn still_in_place(file: Option<&DatabaseFile>) -> Result<(), AppError> {
    match file.map(DatabaseFile::check) {
        Some(Err(fault)) => {
            health::fault(fault, &"the database file was removed or replaced");
            Err(AppError::Unavailable(fault))
        }
        _ => Ok(()),
    }
}

async fn run(
    pool: Pool,
    file: Option<Arc<DatabaseFile>>,
    mut queue: mpsc::Receiver<Job>,
    stats: Arc<Stats>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // Waits for one job, then takes every other one already waiting.
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let size = batch.len();
        let committed = commit_batch(&pool, &batch)
            .await
            .map_err(AppError::from)
            .and_then(|outcomes| still_in_place(file.as_deref()).map(|()| outcomes));
        match committed {
            Ok(outcomes) => {
                health::writes_ok();
                stats.batches.fetch_add(1, Ordering::Relaxed);
                stats.declarations.fetch_add(size as u64, Ordering::Relaxed);
                tracing::debug!(size, "group commit");
                for (job, outcome) in batch.drain(..).zip(outcomes) {
                    let _ = job.reply.send(outcome);
                }
            }
            Err(e) => {
                // Nothing of this batch is acknowledged: every request gets the error (a 503
                // for a fault) and the phone sends it again.
                let fault = match &e {
                    AppError::Unavailable(fault) => Some(*fault),
                    other => {
                        tracing::error!(size, "group commit failed: {other}");
                        None
                    }
                };
                for job in batch.drain(..) {
                    let answer = match fault {
                        Some(fault) => AppError::Unavailable(fault),
                        None => AppError::internal("the group commit failed"),
                    };
                    let _ = job.reply.send(Err(answer));
                }
                // Those that queued up while this batch waited out the fault (a lock held past
                // the busy timeout takes 5 s) get the same answer now instead of waiting as long
                // again: no request waits more than one busy timeout for a 503.
                if let Some(fault) = fault {
                    while let Ok(job) = queue.try_recv() {
                        let _ = job.reply.send(Err(AppError::Unavailable(fault)));
                    }
                }
            }
        }
    }
    tracing::debug!("declaration writer stopped");
}

/// One transaction for the batch, one savepoint per declaration, on a connection that is closed
/// instead of reused if a transaction statement fails ([`db::settle`]).
async fn commit_batch(pool: &Pool, batch: &[Job]) -> Result<Vec<Outcome>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let done = write_batch(&mut conn, batch).await;
    db::settle(conn, done).await
}

async fn write_batch(
    conn: &mut sqlx::AnyConnection,
    batch: &[Job],
) -> Result<Vec<Outcome>, TxError> {
    let mut tx = control(conn.begin().await)?;
    let mut outcomes = Vec::with_capacity(batch.len());
    for job in batch {
        let mut item = control(tx.begin().await)?;
        match db::insert_in(&mut item, &job.row, &job.actor).await {
            Ok(Ok(id)) => {
                control(item.commit().await)?;
                outcomes.push(Ok(Ok(id)));
            }
            Ok(Err(taken)) => {
                control(item.rollback().await)?;
                outcomes.push(Ok(Err(taken)));
            }
            // The database cannot write now: the rest would fail one by one (each waiting out
            // the busy timeout on a lock), so the whole batch stops here.
            Err(e) if Fault::of(&e).is_some() => {
                return Err(match roll_back(item, e).await {
                    TxError::Statement(e) => roll_back(tx, e).await,
                    control => control,
                });
            }
            Err(e) => match roll_back(item, e).await {
                TxError::Statement(e) => outcomes.push(Err(e.into())),
                control => return Err(control),
            },
        }
    }
    control(tx.commit().await)?;
    Ok(outcomes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(receipt: &str) -> SealedDeclaration {
        db::NewDeclaration::example(receipt).sealed(&crate::crypto::DataKey::generate())
    }

    async fn pool(dir: &tempfile::TempDir) -> Pool {
        db::connect(&format!("sqlite://{}", dir.path().join("x.db").display()))
            .await
            .unwrap()
    }

    async fn count(pool: &Pool, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(pool)
            .await
            .unwrap()
    }

    /// On this single-threaded runtime the writer cannot run before every insert is queued:
    /// they all go into one transaction.
    #[tokio::test]
    async fn concurrent_inserts_share_one_commit_and_a_taken_receipt_fails_alone() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&dir).await;
        let writer = Writer::grouped(pool.clone());
        let mut receipts: Vec<String> = (0..20).map(|i| format!("XQ-AAAA-{i:04}")).collect();
        receipts.push("XQ-AAAA-0003".into()); // taken by an earlier one of the same batch
        let outcomes =
            futures_join_all(receipts.iter().map(|r| writer.insert(row(r), "household"))).await;
        assert_eq!(writer.stats.batches.load(Ordering::Relaxed), 1);
        assert_eq!(writer.stats.declarations.load(Ordering::Relaxed), 21);
        assert!(outcomes[..20].iter().all(|o| matches!(o, Ok(Ok(_)))));
        assert!(matches!(outcomes[20], Ok(Err(UniqueTaken))));
        assert_eq!(count(&pool, "declarations").await, 20);
        assert_eq!(count(&pool, "declaration_events").await, 20);
    }

    #[tokio::test]
    async fn a_lone_insert_is_committed_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(&dir).await;
        let writer = Writer::for_pool(pool.clone());
        assert!(writer.queue.is_some(), "SQLite uses group commit");
        assert!(matches!(
            writer.insert(row("XQ-BBBB-BBBB"), "household").await,
            Ok(Ok(_))
        ));
        assert!(matches!(
            writer.insert(row("XQ-BBBB-BBBB"), "household").await,
            Ok(Err(UniqueTaken))
        ));
        assert_eq!(writer.stats.batches.load(Ordering::Relaxed), 2);
        assert_eq!(count(&pool, "declarations").await, 1);
    }

    /// `join_all` without a dependency: polls every future in turn until all are done.
    async fn futures_join_all<F: std::future::Future>(
        futures: impl Iterator<Item = F>,
    ) -> Vec<F::Output> {
        let mut futures: Vec<_> = futures.map(Box::pin).collect();
        let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
        std::future::poll_fn(|cx| {
            let mut pending = false;
            for (f, out) in futures.iter_mut().zip(outputs.iter_mut()) {
                if out.is_none() {
                    match f.as_mut().poll(cx) {
                        std::task::Poll::Ready(v) => *out = Some(v),
                        std::task::Poll::Pending => pending = true,
                    }
                }
            }
            if pending {
                std::task::Poll::Pending
            } else {
                std::task::Poll::Ready(())
            }
        })
        .await;
        outputs.into_iter().map(Option::unwrap).collect()
    }
}
