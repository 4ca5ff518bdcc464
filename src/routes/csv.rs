//! Streamed CSV downloads (the analytics `.csv` pages): every row, no cap,
//! in constant memory. The rows are produced on the blocking thread pool by
//! a closure holding one pooled connection inside a read-only, repeatable-
//! read transaction (so several queries of one file see one snapshot); it
//! reads its query through a server-side cursor (`db::server_cursor`, a
//! thousand rows at a time) and hands each row to [`CsvRows::row`]. Rows
//! are quoted by the `csv` crate into 64 KiB chunks that go to the response
//! through a channel of a few chunks: when the client reads slowly the
//! producer waits, and when it goes away the producer stops, the cursor is
//! not read further and the connection returns to the pool.
//!
//! Nothing is sent until the first chunk is ready, so a database that
//! cannot be reached, or a query that fails at once, still answers its
//! error page; a failure after that cuts the transfer short (the client sees
//! an incomplete download, never a file that looks whole).
//!
//! Text cells are made formula-safe and numbers written as the pages write
//! them (`domain::analytics::format`): rates with 4 decimals, hours with 2.

use std::cell::RefCell;
use std::io::{self, Write};
use std::time::Duration;

use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::web::Bytes;
use actix_web::{HttpResponse, http::StatusCode};
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use tokio::sync::{mpsc, oneshot};

use crate::db::PgPool;
use crate::domain::analytics::format;
use crate::error::AppError;

/// Bytes gathered before they are handed to the response.
const CHUNK: usize = 64 * 1024;
/// Chunks waiting for the client at most: the memory one download holds.
const CHUNKS_IN_FLIGHT: usize = 4;
/// The longest a download's statements may run (instead of the pool's
/// per-statement limit, which a million rows to a slow client outlast).
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// One cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text from the database or people: made formula-safe.
    Text(String),
    Count(i64),
    /// Hours with 2 decimals; empty when there is no figure.
    Hours(Option<f64>),
    /// A rate with 4 decimals; empty when undefined.
    Rate(Option<f64>),
}

impl Cell {
    fn write(&self) -> String {
        match self {
            Cell::Text(text) => format::formula_safe(text).into_owned(),
            Cell::Count(n) => n.to_string(),
            Cell::Hours(h) => format::hours(*h),
            Cell::Rate(r) => format::rate(*r),
        }
    }
}

/// Why producing rows stopped early.
#[derive(Debug)]
pub enum StreamError {
    /// The client went away: not a failure, nothing to log.
    Closed,
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for StreamError {
    fn from(e: diesel::result::Error) -> Self {
        StreamError::Database(e)
    }
}

/// What the response hears from the producer before it starts: go (the
/// first chunk is on its way), or the error to answer instead.
type Start = oneshot::Sender<Result<(), AppError>>;

/// The bytes the csv writer flushes, cut into chunks for the channel.
struct ChunkSink {
    buffer: Vec<u8>,
    tx: mpsc::Sender<Result<Bytes, io::Error>>,
    /// Taken when the first chunk goes (or by the end, if none went).
    start: RefCell<Option<Start>>,
}

impl ChunkSink {
    fn send(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        if let Some(start) = self.start.get_mut().take() {
            // The response may have given up waiting: then so do we.
            start
                .send(Ok(()))
                .map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))?;
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK),
        ));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))
    }
}

impl Write for ChunkSink {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.send()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

/// Where a producer writes its rows.
pub struct CsvRows {
    writer: csv::Writer<ChunkSink>,
    written: u64,
}

impl CsvRows {
    /// Writes one row; `Err(Closed)` once the client has gone.
    pub fn row(&mut self, cells: &[Cell]) -> Result<(), StreamError> {
        self.writer
            .write_record(cells.iter().map(Cell::write))
            .map_err(|_| StreamError::Closed)?;
        self.written += 1;
        Ok(())
    }

    /// Rows written so far (the header not counted).
    pub fn written(&self) -> u64 {
        self.written
    }
}

/// The response for a CSV download named `filename` (ASCII, `.csv`) with
/// the `header` row, whose rows `produce` writes; see the module doc.
pub async fn download<F>(
    pool: &PgPool,
    filename: String,
    header: &'static [&'static str],
    produce: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut PgConnection, &mut CsvRows) -> Result<(), StreamError> + Send + 'static,
{
    let (tx, rx) = mpsc::channel(CHUNKS_IN_FLIGHT);
    let (start_tx, start_rx) = oneshot::channel();
    let pool = pool.clone();
    let name = filename.clone();
    // Not awaited: it runs as long as the client reads.
    drop(actix_web::rt::task::spawn_blocking(move || {
        produce_into(&pool, &name, header, tx, start_tx, produce)
    }));
    match start_rx.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(e),
        // The producer panicked before its first chunk; the hook logged it.
        Err(_) => return Err(AppError::Internal("CSV producer stopped".into())),
    }
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    Ok(HttpResponse::build(StatusCode::OK)
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(filename)],
        })
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(body))
}

/// The producer's side: connection, transaction, header, rows, and how it
/// ended (a start signal if none went yet, or a broken stream).
fn produce_into<F>(
    pool: &PgPool,
    filename: &str,
    header: &'static [&'static str],
    tx: mpsc::Sender<Result<Bytes, io::Error>>,
    start: Start,
    produce: F,
) where
    F: FnOnce(&mut PgConnection, &mut CsvRows) -> Result<(), StreamError>,
{
    let mut conn = match pool.get() {
        Ok(conn) => conn,
        Err(e) => {
            let _ = start.send(Err(AppError::Unavailable(format!("database pool: {e}"))));
            return;
        }
    };
    let sink = ChunkSink {
        buffer: Vec::with_capacity(CHUNK),
        tx: tx.clone(),
        start: RefCell::new(Some(start)),
    };
    let mut rows = CsvRows {
        writer: csv::Writer::from_writer(sink),
        written: 0,
    };
    let outcome = conn
        .build_transaction()
        .read_only()
        .repeatable_read()
        .run(|conn| {
            conn.batch_execute(&format!(
                "SET LOCAL statement_timeout = {}",
                DOWNLOAD_TIMEOUT.as_millis()
            ))?;
            rows.writer
                .write_record(header)
                .map_err(|_| StreamError::Closed)?;
            produce(conn, &mut rows)?;
            rows.writer.flush().map_err(|_| StreamError::Closed)
        });
    let start = rows.writer.get_ref().start.borrow_mut().take();
    match (outcome, start) {
        // Not reached while a header is written (the final flush sends it),
        // but a finished download must never leave the response waiting.
        (Ok(()), Some(start)) => {
            let _ = start.send(Ok(()));
        }
        (Ok(()), None) => {}
        (Err(StreamError::Closed), _) => {
            tracing::debug!(
                filename,
                rows = rows.written,
                "CSV download abandoned by the client"
            );
        }
        (Err(StreamError::Database(e)), Some(start)) => {
            let _ = start.send(Err(AppError::from(e)));
        }
        (Err(StreamError::Database(e)), None) => {
            tracing::error!(filename, rows = rows.written, error = %e, "CSV download failed part-way");
            let _ = tx.blocking_send(Err(io::Error::other("CSV download failed")));
        }
    }
}
