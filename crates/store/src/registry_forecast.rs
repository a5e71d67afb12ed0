//! The whole-registry forecast job: every client's CDC CDSi forecast, one row per vaccine
//! group in `client_forecasts`, for reminder/recall and coverage reports to read without
//! running the engine (decision `20261207T1000-registry-forecast-job.md`).
//!
//! The job reads clients in pages by id (keyset: `id > last id of the previous page`, never
//! OFFSET, so page N costs what page 1 costs), with their doses and coded comments read by the
//! same id range; builds each client's input with the one builder the app uses
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
//! While a page is forecast on worker threads, the previous page is written and the next one
//! read, so reading, forecasting and writing overlap.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use shotbook_forecast::{Date, Engine, GroupRow, RowStatus, SeriesType, SharedDecision};
use shotbook_usecases::forecast_input::{patient_of, StoredComment, StoredDose};
use sqlx::{QueryBuilder, Sqlite};
use time::OffsetDateTime;
use tokio::sync::oneshot;

use crate::{timestamp, Store, StoreError, StoreResult};

/// Clients read, forecast and committed together: large enough that the per-page queries and
/// the commit are small beside the work, small enough that a cancel is prompt and a page's
/// rows (some 20 per client) sit comfortably in memory.
pub const CLIENTS_PER_PAGE: usize = 2_000;

/// Rows per INSERT statement (14 values each, well under SQLite's 32,766 parameters).
const ROWS_PER_INSERT: usize = 500;

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

/// One client of a page, as read.
#[derive(Debug, Default)]
struct PageClient {
    id: String,
    date_of_birth: String,
    gender: String,
    doses: Vec<PageDose>,
    comments: Vec<PageComment>,
}

#[derive(Debug, sqlx::FromRow)]
struct PageDose {
    client_id: String,
    status: String,
    cvx: String,
    mvx: Option<String>,
    administered_on: String,
}

#[derive(Debug, sqlx::FromRow)]
struct PageComment {
    client_id: String,
    code: String,
    applies_from: String,
    applies_until: Option<String>,
    voided: bool,
}

/// The clients the job forecasts: not merged into another record, not deceased.
const FORECAST_CLIENTS: &str = "merged_into IS NULL AND status <> 'deceased'";

/// Reads the page of clients after `after` (all from the start when `None`), with their doses
/// and comments (read by the page's id range, ordered as the one-client reads order them).
async fn read_page(
    store: &Store,
    after: Option<&str>,
    limit: usize,
) -> StoreResult<Vec<PageClient>> {
    let after = after.unwrap_or("");
    let heads: Vec<(String, String, String)> = sqlx::query_as(&format!(
        "SELECT id, date_of_birth, gender FROM clients
         WHERE id > ?1 AND {FORECAST_CLIENTS} ORDER BY id LIMIT ?2"
    ))
    .bind(after)
    .bind(limit as i64)
    .fetch_all(store.pool())
    .await?;
    let Some(last) = heads.last().map(|h| h.0.clone()) else {
        return Ok(Vec::new());
    };
    let doses: Vec<PageDose> = sqlx::query_as(
        "SELECT client_id, status, cvx, mvx, administered_on FROM immunizations
         WHERE client_id > ?1 AND client_id <= ?2
         ORDER BY client_id, administered_on, id",
    )
    .bind(after)
    .bind(&last)
    .fetch_all(store.pool())
    .await?;
    let comments: Vec<PageComment> = sqlx::query_as(
        "SELECT client_id, code, applies_from, applies_until, voided_at IS NOT NULL AS voided
         FROM client_comments WHERE client_id > ?1 AND client_id <= ?2
         ORDER BY client_id, voided_at IS NOT NULL, applies_from DESC, rowid DESC",
    )
    .bind(after)
    .bind(&last)
    .fetch_all(store.pool())
    .await?;
    let mut page: Vec<PageClient> = heads
        .into_iter()
        .map(|(id, date_of_birth, gender)| PageClient {
            id,
            date_of_birth,
            gender,
            ..PageClient::default()
        })
        .collect();
    // Both lists are sorted by client id like the page: walk them side by side. Doses of
    // clients the page skips (merged away, deceased) are passed over.
    let mut doses = doses.into_iter().peekable();
    let mut comments = comments.into_iter().peekable();
    for client in &mut page {
        while let Some(d) = doses.next_if(|d| d.client_id <= client.id) {
            if d.client_id == client.id {
                client.doses.push(d);
            }
        }
        while let Some(c) = comments.next_if(|c| c.client_id <= client.id) {
            if c.client_id == client.id {
                client.comments.push(c);
            }
        }
    }
    Ok(page)
}

/// Forecasts one client: its rows, or `None` when a stored date does not parse.
fn forecast_client(
    engine: &Engine,
    client: &PageClient,
    on: Date,
    computed_at: &str,
    run_id: i64,
) -> Option<Vec<ForecastRow>> {
    let doses = client.doses.iter().map(|d| StoredDose {
        status: &d.status,
        cvx: &d.cvx,
        mvx: d.mvx.as_deref(),
        administered_on: &d.administered_on,
    });
    let comments = client.comments.iter().map(|c| StoredComment {
        code: &c.code,
        applies_from: &c.applies_from,
        applies_until: c.applies_until.as_deref(),
        voided: c.voided,
    });
    let (patient, _) =
        patient_of(&client.date_of_birth, &client.gender, doses, comments, on).ok()?;
    let assessment = engine.evaluate(&patient, on);
    Some(
        assessment
            .rows()
            .iter()
            .map(|row| {
                forecast_row(
                    &client.id,
                    row,
                    on,
                    &assessment.data_release,
                    computed_at,
                    Some(run_id),
                )
            })
            .collect(),
    )
}

/// Forecasts a page on `threads` scoped threads: (rows, clients that could not be read).
fn forecast_page(
    engine: &Engine,
    page: &[PageClient],
    options: &JobOptions,
    computed_at: &str,
    run_id: i64,
) -> (Vec<ForecastRow>, u64) {
    let threads = options.threads.max(1);
    let chunk = page.len().div_ceil(threads).max(1);
    let parts: Vec<(Vec<ForecastRow>, u64)> = std::thread::scope(|s| {
        let handles: Vec<_> = page
            .chunks(chunk)
            .map(|clients| {
                s.spawn(move || {
                    let mut rows = Vec::with_capacity(clients.len() * 24);
                    let mut unreadable = 0;
                    for c in clients {
                        match forecast_client(
                            engine,
                            c,
                            options.assessment_date,
                            computed_at,
                            run_id,
                        ) {
                            Some(r) => rows.extend(r),
                            None => unreadable += 1,
                        }
                    }
                    (rows, unreadable)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a forecast worker panicked"))
            .collect()
    });
    let mut rows = Vec::new();
    let mut unreadable = 0;
    for (r, u) in parts {
        rows.extend(r);
        unreadable += u;
    }
    (rows, unreadable)
}

/// Replaces the forecast rows of the id range (`after`, `through`] (`through` `None`: to the
/// end) with `rows`, and records the run's progress, in one transaction.
async fn write_page(
    store: &Store,
    run_id: i64,
    after: Option<&str>,
    through: Option<&str>,
    rows: &[ForecastRow],
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
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut insert: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO client_forecasts (client_id, vaccine_group, status, cdsi_status, \
             series_type, shared_decision, dose_number, earliest, recommended, past_due, latest, \
             assessment_date, data_release, computed_at, run_id) ",
        );
        insert.push_values(chunk, |mut b, r| {
            b.push_bind(&r.client_id)
                .push_bind(&r.vaccine_group)
                .push_bind(&r.status)
                .push_bind(&r.cdsi_status)
                .push_bind(&r.series_type)
                .push_bind(r.shared_decision)
                .push_bind(r.dose_number)
                .push_bind(&r.earliest)
                .push_bind(&r.recommended)
                .push_bind(&r.past_due)
                .push_bind(&r.latest)
                .push_bind(&r.assessment_date)
                .push_bind(&r.data_release)
                .push_bind(&r.computed_at)
                .push_bind(r.run_id);
        });
        insert.build().execute(&mut *tx).await?;
    }
    sqlx::query("UPDATE registry_forecast_runs SET clients_done = ?1 WHERE id = ?2")
        .bind(clients_done as i64)
        .bind(run_id)
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
    let computed_at = timestamp(now);
    let data_release = engine.version().release.clone();
    let clients_total = count_clients(store).await?;
    let (run_id,): (i64,) = sqlx::query_as(
        "INSERT INTO registry_forecast_runs (started_at, assessment_date, data_release, clients_total)
         VALUES (?1, ?2, ?3, ?4) RETURNING id",
    )
    .bind(&computed_at)
    .bind(options.assessment_date.to_string())
    .bind(&data_release)
    .bind(clients_total as i64)
    .fetch_one(store.pool())
    .await?;
    let mut report = RunReport {
        run_id,
        clients_total,
        ..RunReport::default()
    };
    match pages(
        store,
        engine,
        options,
        progress,
        cancel,
        &computed_at,
        &mut report,
    )
    .await
    {
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

/// A page handed to a forecasting thread, and the id range its rows replace.
struct PageInFlight {
    after: Option<String>,
    through: Option<String>,
    clients: u64,
    result: oneshot::Receiver<(Vec<ForecastRow>, u64, Duration)>,
}

/// Forecasts `page` on threads of its own; the receiver gets (rows, unreadable clients, time).
fn spawn_forecast(
    engine: Arc<Engine>,
    page: Vec<PageClient>,
    options: JobOptions,
    computed_at: String,
    run_id: i64,
) -> oneshot::Receiver<(Vec<ForecastRow>, u64, Duration)> {
    let (tx, rx) = oneshot::channel();
    std::thread::spawn(move || {
        let started = Instant::now();
        let (rows, unreadable) = forecast_page(&engine, &page, &options, &computed_at, run_id);
        // The receiver is gone only when the job already failed.
        let _ = tx.send((rows, unreadable, started.elapsed()));
    });
    rx
}

/// Waits for a page's forecast and commits it.
async fn commit(
    store: &Store,
    page: PageInFlight,
    progress: &(dyn Fn(u64, u64) + Sync),
    report: &mut RunReport,
) -> StoreResult<()> {
    let (rows, unreadable, took) = page.result.await.map_err(|_| {
        StoreError::Unexpected(anyhow::anyhow!(
            "a forecasting thread stopped before finishing its page"
        ))
    })?;
    report.forecast_time += took;
    let done = report.clients_done + page.clients - unreadable;
    let started = Instant::now();
    write_page(
        store,
        report.run_id,
        page.after.as_deref(),
        page.through.as_deref(),
        &rows,
        done,
    )
    .await?;
    report.write_time += started.elapsed();
    report.clients_done = done;
    report.clients_unreadable += unreadable;
    report.rows_written += rows.len() as u64;
    for r in &rows {
        *report
            .rows_by_status
            .entry(status_name_static(&r.status))
            .or_default() += 1;
    }
    progress(
        report.clients_done + report.clients_unreadable,
        report.clients_total,
    );
    Ok(())
}

/// Reads, forecasts and writes page by page. While one page is forecast on the worker
/// threads, the previous one is written and the next one read: SQLite's reads and writes run
/// on its connection's thread, so the cores stay busy.
async fn pages(
    store: &Store,
    engine: &Arc<Engine>,
    options: &JobOptions,
    progress: &(dyn Fn(u64, u64) + Sync),
    cancel: &AtomicBool,
    computed_at: &str,
    report: &mut RunReport,
) -> StoreResult<()> {
    let per_page = options.clients_per_page.max(1);
    let mut after: Option<String> = None;
    let mut in_flight: Option<PageInFlight> = None;
    loop {
        let next = if cancel.load(Ordering::Relaxed) {
            None
        } else {
            let started = Instant::now();
            let page = read_page(store, after.as_deref(), per_page).await?;
            report.read_time += started.elapsed();
            // The last page's range runs to the end, so rows of clients after it that are no
            // longer forecast (merged away since the last run) go too.
            let last_page = page.len() < per_page;
            let through = if last_page {
                None
            } else {
                page.last().map(|c| c.id.clone())
            };
            let page = PageInFlight {
                after: after.clone(),
                through: through.clone(),
                clients: page.len() as u64,
                result: spawn_forecast(
                    engine.clone(),
                    page,
                    options.clone(),
                    computed_at.to_string(),
                    report.run_id,
                ),
            };
            after = through;
            Some((page, last_page))
        };
        if let Some(previous) = in_flight.take() {
            commit(store, previous, progress, report).await?;
        }
        match next {
            None => {
                report.cancelled = true;
                return Ok(());
            }
            Some((page, true)) => return commit(store, page, progress, report).await,
            Some((page, false)) => in_flight = Some(page),
        }
    }
}

/// The `'static` name for a stored status (the report counts by it).
fn status_name_static(status: &str) -> &'static str {
    const ALL: [RowStatus; 10] = [
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
    ALL.into_iter()
        .map(status_name)
        .find(|n| *n == status)
        .unwrap_or("other")
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
