//! The whole-registry forecast job: every client's CDC CDSi forecast, one row per vaccine
//! group in `client_forecasts`, for reminder/recall and coverage reports to read without
//! running the engine (decision `20261207T1000-registry-forecast-job.md`).
//!
//! The job reads clients in pages by id (keyset: `id > last id of the previous page`, never
//! OFFSET, so page N costs what page 1 costs), each client with its doses and coded comments
//! in the same query (as JSON arrays, parsed on the worker threads); builds each client's input with the one builder the app uses
//! ([`shotbook_usecases::forecast_input::patient_of`]); forecasts the page on worker threads;
//! and writes the page in one transaction that first deletes every forecast row in the page's
//! id range. A client's rows are therefore replaced, never duplicated, and a rerun gives the
//! same rows; a client merged away (or deceased) since the last run loses its rows when its
//! range is rewritten.
//!
//! Cancelling (the `cancel` flag, Ctrl-C in the CLI) stops before the next page: every page
//! already committed stays, and the run is marked `cancelled` with the clients done.
//!
//! Forecast rows are derived data, not clinical facts: they are replaced freely and are not
//! written to `change_log` (each database computes its own).
//!
//! While a page is forecast on worker threads, the previous page is written on one connection
//! and the next one read on another, so reading, forecasting and writing overlap.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use shotbook_forecast::{Date, Engine, GroupRow, RowStatus, SeriesType, SharedDecision};
use shotbook_usecases::forecast_input::{patient_of, StoredComment, StoredDose};
use time::OffsetDateTime;
use tokio::sync::oneshot;

use crate::{timestamp, Store, StoreError, StoreResult};

/// Clients read, forecast and committed together: large enough that the per-page queries and
/// the commit are small beside the work, small enough that a cancel is prompt and a page's
/// rows (some 20 per client) sit comfortably in memory.
pub const CLIENTS_PER_PAGE: usize = 2_000;

/// How to run the job.
#[derive(Debug, Clone)]
pub struct JobOptions {
    /// The date the forecast is made "as of".
    pub assessment_date: Date,
    /// Worker threads forecasting a page.
    pub threads: usize,
    /// Clients per page (and per transaction).
    pub clients_per_page: usize,
}

impl JobOptions {
    /// Every core, [`CLIENTS_PER_PAGE`] clients per page.
    pub fn on(assessment_date: Date) -> Self {
        JobOptions {
            assessment_date,
            threads: std::thread::available_parallelism().map_or(1, usize::from),
            clients_per_page: CLIENTS_PER_PAGE,
        }
    }
}

/// What a run did: counts only, never client data.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    /// The run's id in `registry_forecast_runs`.
    pub run_id: i64,
    /// Clients to forecast when the run started.
    pub clients_total: u64,
    /// Clients whose rows were committed.
    pub clients_done: u64,
    /// Clients skipped because a stored date does not parse (counted, not named).
    pub clients_unreadable: u64,
    /// Whether the run stopped early on the cancel flag.
    pub cancelled: bool,
    /// Rows written.
    pub rows_written: u64,
    /// Rows per status (`client_forecasts.status`).
    pub rows_by_status: BTreeMap<&'static str, u64>,
    /// Time spent reading pages.
    pub read_time: Duration,
    /// Time spent forecasting.
    pub forecast_time: Duration,
    /// Time spent writing.
    pub write_time: Duration,
}

/// A run as stored in `registry_forecast_runs`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RunRow {
    /// Id.
    pub id: i64,
    /// RFC 3339.
    pub started_at: String,
    /// RFC 3339; `None` while running.
    pub finished_at: Option<String>,
    /// ISO date.
    pub assessment_date: String,
    /// Supporting-data release.
    pub data_release: String,
    /// Clients to forecast when it started.
    pub clients_total: i64,
    /// Clients committed.
    pub clients_done: i64,
    /// `running`, `finished`, `cancelled` or `failed`.
    pub status: String,
}

/// A stored forecast row (`client_forecasts`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ForecastRow {
    /// Client id.
    pub client_id: String,
    /// Vaccine group (supporting-data name).
    pub vaccine_group: String,
    /// See [`status_name`].
    pub status: String,
    /// The engine's series status (CDC wording).
    pub cdsi_status: String,
    /// `Standard`, `Risk` or `EvaluationOnly`.
    pub series_type: String,
    /// A shared clinical decision-making series.
    pub shared_decision: bool,
    /// The next dose's number.
    pub dose_number: Option<i64>,
    /// ISO dates of the next dose.
    pub earliest: Option<String>,
    /// ISO.
    pub recommended: Option<String>,
    /// ISO.
    pub past_due: Option<String>,
    /// ISO: last date the dose may be given.
    pub latest: Option<String>,
    /// ISO.
    pub assessment_date: String,
    /// Supporting-data release.
    pub data_release: String,
    /// RFC 3339.
    pub computed_at: String,
    /// The run that wrote it.
    pub run_id: Option<i64>,
}

/// The stored name of a row status.
pub fn status_name(status: RowStatus) -> &'static str {
    match status {
        RowStatus::Overdue => "overdue",
        RowStatus::Due => "due",
        RowStatus::Allowed => "allowed",
        RowStatus::Upcoming => "upcoming",
        RowStatus::NotYetEligible => "not_yet_eligible",
        RowStatus::Complete => "complete",
        RowStatus::Immune => "immune",
        RowStatus::Contraindicated => "contraindicated",
        RowStatus::AgedOut => "aged_out",
        RowStatus::NotRecommended => "not_recommended",
    }
}

fn series_type_name(t: SeriesType) -> &'static str {
    match t {
        SeriesType::Standard => "Standard",
        SeriesType::Risk => "Risk",
        SeriesType::EvaluationOnly => "EvaluationOnly",
    }
}

/// A stored row of one group, from the engine's row.
pub fn forecast_row(
    client_id: &str,
    row: &GroupRow,
    assessment_date: Date,
    data_release: &str,
    computed_at: &str,
    run_id: Option<i64>,
) -> ForecastRow {
    let iso = |d: Option<Date>| d.map(|d| d.to_string());
    ForecastRow {
        client_id: client_id.to_string(),
        vaccine_group: row.vaccine_group.clone(),
        status: status_name(row.status).to_string(),
        cdsi_status: row.series_status.as_str().to_string(),
        series_type: series_type_name(row.series_type).to_string(),
        shared_decision: row.shared_decision == SharedDecision::Series,
        dose_number: row.dose_number.map(i64::from),
        earliest: iso(row.earliest),
        recommended: iso(row.recommended),
        past_due: iso(row.past_due),
        latest: iso(row.latest_allowed),
        assessment_date: assessment_date.to_string(),
        data_release: data_release.to_string(),
        computed_at: computed_at.to_string(),
        run_id,
    }
}

/// Every row status, in a fixed order: the workers count rows by position in it.
const ROW_STATUSES: [RowStatus; 10] = [
    RowStatus::Overdue,
    RowStatus::Due,
    RowStatus::Allowed,
    RowStatus::Upcoming,
    RowStatus::NotYetEligible,
    RowStatus::Complete,
    RowStatus::Immune,
    RowStatus::Contraindicated,
    RowStatus::AgedOut,
    RowStatus::NotRecommended,
];

/// One client of a page, as read: the doses and coded comments come as SQLite JSON arrays
/// (one row per client through sqlx instead of one per dose: decoding a row per dose on the
/// connection's thread was most of the reading time) and are parsed on the worker threads.
#[derive(Debug, sqlx::FromRow)]
struct PageClient {
    id: String,
    date_of_birth: String,
    gender: String,
    /// `[[status, cvx, mvx, administered_on], …]`, ordered as the one-client read orders them.
    doses: String,
    /// `[[code, applies_from, applies_until, voided], …]`, ordered likewise.
    comments: String,
}

/// A dose as `read_page` writes it: status, CVX, MVX, date administered.
type JsonDose = (String, String, Option<String>, String);
/// A coded comment as `read_page` writes it: code, applies from, applies until, voided (0/1).
type JsonComment = (String, String, Option<String>, i64);

/// The clients the job forecasts: not merged into another record, not deceased.
const FORECAST_CLIENTS: &str = "merged_into IS NULL AND status <> 'deceased'";

/// Reads the page of clients after `after` (all from the start when `None`), each with its
/// doses and comments, in one query. The doses and comments are ordered as
/// `immunizations::for_client` and `demographics::comments` order them, so the engine sees the
/// history the one-client forecast sees.
async fn read_page(
    store: &Store,
    after: Option<&str>,
    limit: usize,
) -> StoreResult<Vec<PageClient>> {
    Ok(sqlx::query_as(&format!(
        "SELECT c.id, c.date_of_birth, c.gender,
                (SELECT json_group_array(json_array(i.status, i.cvx, i.mvx, i.administered_on)
                                         ORDER BY i.administered_on, i.id)
                 FROM immunizations i WHERE i.client_id = c.id) AS doses,
                (SELECT json_group_array(json_array(k.code, k.applies_from, k.applies_until,
                                                    k.voided_at IS NOT NULL)
                                         ORDER BY k.voided_at IS NOT NULL, k.applies_from DESC,
                                                  k.rowid DESC)
                 FROM client_comments k WHERE k.client_id = c.id) AS comments
         FROM clients c WHERE c.id > ?1 AND {FORECAST_CLIENTS} ORDER BY c.id LIMIT ?2"
    ))
    .bind(after.unwrap_or(""))
    .bind(limit as i64)
    .fetch_all(store.pool())
    .await?)
}

/// The columns of a row that vary by client, made ready to bind on the worker threads (the
/// dates formatted, the names `'static`) so the connection's thread only binds them.
#[derive(Debug)]
struct RowToWrite {
    /// Index of the client in its page.
    client: usize,
    vaccine_group: String,
    status: &'static str,
    cdsi_status: &'static str,
    series_type: &'static str,
    shared_decision: bool,
    dose_number: Option<i64>,
    earliest: Option<String>,
    recommended: Option<String>,
    past_due: Option<String>,
    latest: Option<String>,
}

/// A page's (or a batch's) forecast: its rows, in client order, and counts.
#[derive(Debug, Default)]
struct PageForecast {
    rows: Vec<RowToWrite>,
    by_status: [u64; ROW_STATUSES.len()],
    unreadable: u64,
}

impl PageForecast {
    fn append(&mut self, other: PageForecast) {
        self.rows.extend(other.rows);
        for (mine, theirs) in self.by_status.iter_mut().zip(other.by_status) {
            *mine += theirs;
        }
        self.unreadable += other.unreadable;
    }
}

fn unexpected(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Unexpected(anyhow::anyhow!("{what}: {e}"))
}

/// Forecasts one client, the `index`th of its page, into `out` (counted as unreadable when a
/// stored date does not parse).
fn forecast_client(
    engine: &Engine,
    client: &PageClient,
    index: usize,
    on: Date,
    out: &mut PageForecast,
) -> StoreResult<()> {
    let doses: Vec<JsonDose> =
        serde_json::from_str(&client.doses).map_err(|e| unexpected("reading a page's doses", e))?;
    let comments: Vec<JsonComment> = serde_json::from_str(&client.comments)
        .map_err(|e| unexpected("reading a page's comments", e))?;
    let doses = doses
        .iter()
        .map(|(status, cvx, mvx, administered_on)| StoredDose {
            status,
            cvx,
            mvx: mvx.as_deref(),
            administered_on,
        });
    let comments = comments
        .iter()
        .map(|(code, from, until, voided)| StoredComment {
            code,
            applies_from: from,
            applies_until: until.as_deref(),
            voided: *voided != 0,
        });
    let Ok((patient, _)) = patient_of(&client.date_of_birth, &client.gender, doses, comments, on)
    else {
        out.unreadable += 1;
        return Ok(());
    };
    let iso = |d: Option<Date>| d.map(|d| d.to_string());
    for row in engine.evaluate(&patient, on).rows() {
        // The same values as `forecast_row` (the job's tests compare the two).
        out.rows.push(RowToWrite {
            client: index,
            status: status_name(row.status),
            cdsi_status: row.series_status.as_str(),
            series_type: series_type_name(row.series_type),
            shared_decision: row.shared_decision == SharedDecision::Series,
            dose_number: row.dose_number.map(i64::from),
            earliest: iso(row.earliest),
            recommended: iso(row.recommended),
            past_due: iso(row.past_due),
            latest: iso(row.latest_allowed),
            vaccine_group: row.vaccine_group,
        });
        let status = ROW_STATUSES
            .iter()
            .position(|s| *s == row.status)
            .expect("ROW_STATUSES lists every status");
        out.by_status[status] += 1;
    }
    Ok(())
}

/// Clients a worker takes at a time: small, so that a worker that drew children (more doses,
/// more open series) does not leave the other idle at the end of the page, and large enough
/// that taking a batch costs nothing beside forecasting it.
const CLIENTS_PER_BATCH: usize = 16;

/// Forecasts a page on `threads` scoped threads that take batches of clients in turn (an even
/// split in advance left one thread idle while the other finished a slower half).
fn forecast_page(
    engine: &Engine,
    page: &[PageClient],
    options: &JobOptions,
) -> StoreResult<PageForecast> {
    let batches = page.chunks(CLIENTS_PER_BATCH).collect::<Vec<_>>();
    let next = AtomicUsize::new(0);
    let threads = options.threads.clamp(1, batches.len().max(1));
    let parts: Vec<StoreResult<Vec<(usize, PageForecast)>>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let b = next.fetch_add(1, Ordering::Relaxed);
                        let Some(clients) = batches.get(b) else {
                            return Ok(done);
                        };
                        let mut part = PageForecast::default();
                        for (i, c) in clients.iter().enumerate() {
                            let index = b * CLIENTS_PER_BATCH + i;
                            forecast_client(engine, c, index, options.assessment_date, &mut part)?;
                        }
                        done.push((b, part));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a forecast worker panicked"))
            .collect()
    });
    let mut parts = parts
        .into_iter()
        .collect::<StoreResult<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect::<Vec<_>>();
    // Rows in client order, as read: the inserts then go to the table's end in key order.
    parts.sort_unstable_by_key(|(b, _)| *b);
    let mut page_forecast = PageForecast::default();
    for (_, part) in parts {
        page_forecast.append(part);
    }
    Ok(page_forecast)
}

/// What every row of a run shares: bound once per page instead of once per row.
#[derive(Debug, Clone)]
struct RunConstants {
    run_id: i64,
    assessment_date: String,
    data_release: String,
    computed_at: String,
}

/// Rows per INSERT statement: 11 values each, plus the run's 4, well under SQLite's 32,766
/// parameters.
const ROWS_PER_INSERT: usize = 1_000;

/// The INSERT of `rows` rows: the run's constants are bound once per statement (the first four
/// parameters, in the SELECT list), the rest per row. Every parameter is a bare `?`, numbered
/// in the order written (sqlx binds bare parameters by their position among the bare ones).
fn insert_statement(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO client_forecasts (assessment_date, data_release, computed_at, run_id, \
         client_id, vaccine_group, status, cdsi_status, series_type, shared_decision, \
         dose_number, earliest, recommended, past_due, latest) \
         SELECT ?, ?, ?, ?, column1, column2, column3, column4, column5, column6, column7, \
         column8, column9, column10, column11 FROM (VALUES ",
    );
    for i in 0..rows {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str("(?,?,?,?,?,?,?,?,?,?,?)");
    }
    sql.push(')');
    sql
}

/// Replaces the forecast rows of the id range (`after`, `through`] (`through` `None`: to the
/// end) with `rows` (of the clients of `page`), and records the run's progress, in one
/// transaction.
async fn write_page(
    store: &Store,
    run: &RunConstants,
    after: Option<&str>,
    through: Option<&str>,
    page: &[String],
    rows: &[RowToWrite],
    clients_done: u64,
) -> StoreResult<()> {
    let mut tx = store.pool().begin().await?;
    // The first statement writes, so the transaction takes the write lock at once.
    match through {
        Some(last) => {
            sqlx::query("DELETE FROM client_forecasts WHERE client_id > ?1 AND client_id <= ?2")
                .bind(after.unwrap_or(""))
                .bind(last)
                .execute(&mut *tx)
                .await?
        }
        None => {
            sqlx::query("DELETE FROM client_forecasts WHERE client_id > ?1")
                .bind(after.unwrap_or(""))
                .execute(&mut *tx)
                .await?
        }
    };
    let full = insert_statement(ROWS_PER_INSERT);
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let partial;
        let sql = if chunk.len() == ROWS_PER_INSERT {
            &full
        } else {
            partial = insert_statement(chunk.len());
            &partial
        };
        // Every text bound borrowed (`&str`): sqlx copies a bound `&String`.
        let mut insert = sqlx::query(sql)
            .bind(run.assessment_date.as_str())
            .bind(run.data_release.as_str())
            .bind(run.computed_at.as_str())
            .bind(run.run_id);
        for r in chunk {
            insert = insert
                .bind(page[r.client].as_str())
                .bind(r.vaccine_group.as_str())
                .bind(r.status)
                .bind(r.cdsi_status)
                .bind(r.series_type)
                .bind(r.shared_decision)
                .bind(r.dose_number)
                .bind(r.earliest.as_deref())
                .bind(r.recommended.as_deref())
                .bind(r.past_due.as_deref())
                .bind(r.latest.as_deref());
        }
        insert.execute(&mut *tx).await?;
    }
    sqlx::query("UPDATE registry_forecast_runs SET clients_done = ?1 WHERE id = ?2")
        .bind(clients_done as i64)
        .bind(run.run_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

async fn count_clients(store: &Store) -> StoreResult<u64> {
    let (n,): (i64,) = sqlx::query_as(&format!(
        "SELECT count(*) FROM clients WHERE {FORECAST_CLIENTS}"
    ))
    .fetch_one(store.pool())
    .await?;
    Ok(n as u64)
}

async fn finish_run(store: &Store, run_id: i64, status: &str) -> StoreResult<()> {
    sqlx::query("UPDATE registry_forecast_runs SET status = ?1, finished_at = ?2 WHERE id = ?3")
        .bind(status)
        .bind(timestamp(OffsetDateTime::now_utc()))
        .bind(run_id)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Runs the job: forecasts every client (not merged away, not deceased) as of
/// `options.assessment_date` with `engine`, replacing their stored rows page by page.
/// `progress(done, total)` is called after each committed page; `cancel` is checked before
/// each page. A run that fails part-way is marked `failed` (committed pages stay).
pub async fn run(
    store: &Store,
    engine: &Arc<Engine>,
    options: &JobOptions,
    progress: &(dyn Fn(u64, u64) + Sync),
    cancel: &AtomicBool,
    now: OffsetDateTime,
) -> StoreResult<RunReport> {
    let run = RunConstants {
        run_id: 0,
        assessment_date: options.assessment_date.to_string(),
        data_release: engine.version().release.clone(),
        computed_at: timestamp(now),
    };
    let clients_total = count_clients(store).await?;
    let (run_id,): (i64,) = sqlx::query_as(
        "INSERT INTO registry_forecast_runs (started_at, assessment_date, data_release, clients_total)
         VALUES (?1, ?2, ?3, ?4) RETURNING id",
    )
    .bind(&run.computed_at)
    .bind(&run.assessment_date)
    .bind(&run.data_release)
    .bind(clients_total as i64)
    .fetch_one(store.pool())
    .await?;
    let run = RunConstants { run_id, ..run };
    let mut report = RunReport {
        run_id,
        clients_total,
        ..RunReport::default()
    };
    match pages(store, engine, options, progress, cancel, &run, &mut report).await {
        Ok(()) => {
            let status = if report.cancelled {
                "cancelled"
            } else {
                "finished"
            };
            finish_run(store, run_id, status).await?;
            Ok(report)
        }
        Err(e) => {
            // Best effort: the error that stopped the run is the one to report.
            let _ = finish_run(store, run_id, "failed").await;
            Err(e)
        }
    }
}

/// What a forecasting thread sends back: the page's forecast and the time it took.
type ForecastResult = StoreResult<(PageForecast, Duration)>;

/// A page handed to a forecasting thread, and the id range its rows replace.
struct PageInFlight {
    after: Option<String>,
    through: Option<String>,
    /// The page's client ids, in order (rows refer to them by index).
    ids: Vec<String>,
    clients: u64,
    result: oneshot::Receiver<ForecastResult>,
}

/// Forecasts `page` on threads of its own; the receiver gets the forecast and its time.
fn spawn_forecast(
    engine: Arc<Engine>,
    page: Vec<PageClient>,
    options: JobOptions,
) -> oneshot::Receiver<ForecastResult> {
    let (tx, rx) = oneshot::channel();
    std::thread::spawn(move || {
        let started = Instant::now();
        let result = forecast_page(&engine, &page, &options).map(|f| (f, started.elapsed()));
        // The receiver is gone only when the job already failed.
        let _ = tx.send(result);
    });
    rx
}

/// Waits for a page's forecast and commits it.
async fn commit(
    store: &Store,
    page: PageInFlight,
    run: &RunConstants,
    progress: &(dyn Fn(u64, u64) + Sync),
    report: &mut RunReport,
) -> StoreResult<()> {
    let (forecast, took) = page.result.await.map_err(|_| {
        StoreError::Unexpected(anyhow::anyhow!(
            "a forecasting thread stopped before finishing its page"
        ))
    })??;
    report.forecast_time += took;
    let done = report.clients_done + page.clients - forecast.unreadable;
    let started = Instant::now();
    write_page(
        store,
        run,
        page.after.as_deref(),
        page.through.as_deref(),
        &page.ids,
        &forecast.rows,
        done,
    )
    .await?;
    report.write_time += started.elapsed();
    report.clients_done = done;
    report.clients_unreadable += forecast.unreadable;
    report.rows_written += forecast.rows.len() as u64;
    for (status, n) in ROW_STATUSES.iter().zip(forecast.by_status) {
        if n > 0 {
            *report
                .rows_by_status
                .entry(status_name(*status))
                .or_default() += n;
        }
    }
    progress(
        report.clients_done + report.clients_unreadable,
        report.clients_total,
    );
    Ok(())
}

/// Reads, forecasts and writes page by page. While one page is forecast on the worker
/// threads, the previous one is written on one connection and the next one read on another
/// (WAL: a reader does not wait for the writer), so the connections' threads — SQLCipher
/// decrypting what is read and encrypting what is written — work beside the engine and beside
/// each other.
async fn pages(
    store: &Store,
    engine: &Arc<Engine>,
    options: &JobOptions,
    progress: &(dyn Fn(u64, u64) + Sync),
    cancel: &AtomicBool,
    run: &RunConstants,
    report: &mut RunReport,
) -> StoreResult<()> {
    let per_page = options.clients_per_page.max(1);
    let mut after: Option<String> = None;
    let mut in_flight: Option<PageInFlight> = None;
    loop {
        // Checked before a page is read, never while one is in progress.
        let read_next = !cancel.load(Ordering::Relaxed);
        let read = async {
            if !read_next {
                return Ok(None);
            }
            let started = Instant::now();
            let page = read_page(store, after.as_deref(), per_page).await?;
            let took = started.elapsed();
            // The last page's range runs to the end, so rows of clients after it that are no
            // longer forecast (merged away since the last run) go too.
            let last_page = page.len() < per_page;
            let through = if last_page {
                None
            } else {
                page.last().map(|c| c.id.clone())
            };
            // Forecast as soon as read, not once the previous page is written.
            let page = PageInFlight {
                after: after.clone(),
                through,
                ids: page.iter().map(|c| c.id.clone()).collect(),
                clients: page.len() as u64,
                result: spawn_forecast(engine.clone(), page, options.clone()),
            };
            Ok::<_, StoreError>(Some((page, last_page, took)))
        };
        let write = async {
            match in_flight.take() {
                Some(previous) => commit(store, previous, run, progress, report).await,
                None => Ok(()),
            }
        };
        let (next, written) = tokio::join!(read, write);
        written?;
        match next? {
            None => {
                report.cancelled = true;
                return Ok(());
            }
            Some((page, last_page, took)) => {
                report.read_time += took;
                if last_page {
                    return commit(store, page, run, progress, report).await;
                }
                after.clone_from(&page.through);
                in_flight = Some(page);
            }
        }
    }
}

/// A client's stored forecast rows, by vaccine group.
pub async fn for_client(store: &Store, client_id: &str) -> StoreResult<Vec<ForecastRow>> {
    Ok(sqlx::query_as(
        "SELECT client_id, vaccine_group, status, cdsi_status, series_type, shared_decision,
                dose_number, earliest, recommended, past_due, latest, assessment_date,
                data_release, computed_at, run_id
         FROM client_forecasts WHERE client_id = ?1 ORDER BY vaccine_group",
    )
    .bind(client_id)
    .fetch_all(store.pool())
    .await?)
}

/// The most recent run, if any.
pub async fn latest_run(store: &Store) -> StoreResult<Option<RunRow>> {
    Ok(sqlx::query_as(
        "SELECT id, started_at, finished_at, assessment_date, data_release, clients_total,
                clients_done, status
         FROM registry_forecast_runs ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(store.pool())
    .await?)
}
