//! Reminder/recall on the desktop: the cohort preview, then "Create notices" — letters,
//! postcards, Avery 5160 labels, a phone list and CSV written into a folder the user picks, and
//! only then each client's "last notice" stamped. Who is selected, who is left out and the
//! stamp are the use case's (`shotbook_usecases::recall`); here: the form, the files, and the
//! progress the screen polls (one run at a time per workstation; it can be cancelled until
//! the files are written).

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use shotbook_core::date::UsDate;
use shotbook_core::error::ValidationError;
use shotbook_forecast::Engine;
use shotbook_print::recall::{
    render_labels, render_phone_list, render_postcards, render_reminder_letters, Reminder,
    ReminderSender, ReminderVaccine,
};
use shotbook_print::LetterLanguage;
use shotbook_reports::recall::{CriteriaInput, Method, RecallCriteria, RERUN_DAYS, ROUTINE_GROUPS};
use shotbook_usecases::need;
use shotbook_usecases::recall::{
    record_notices, select_cohort, CohortUse, RecallCohort, RecallNotice,
};
use time::Date;

use crate::dto::{
    CreateRemindersRequest, RecallExclusionCount, RecallLine, RecallOptions, RecallPreview,
    RecallProgress, RecallRequest, RecallRun, RecallVaccine,
};
use crate::error::{AppError, AppResult};
use crate::AppContext;

/// Most lines the preview lists (the counts cover everyone).
pub const PREVIEW_LINES: usize = 500;

/// Every output a run can make, in the order they are written.
pub const OUTPUTS: [&str; 5] = ["letters", "postcards", "labels", "phone_list", "csv"];

/// The run under way on this workstation, if any: its stage, counts and cancel flag.
#[derive(Debug, Default)]
pub struct RecallJobs {
    current: Mutex<Option<Arc<Job>>>,
}

#[derive(Debug, Default)]
struct Job {
    printing: AtomicBool,
    done: AtomicUsize,
    total: AtomicUsize,
    cancelled: AtomicBool,
}

/// Clears the slot when a run ends, however it ends.
struct Running<'a>(&'a RecallJobs);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        if let Ok(mut slot) = self.0.current.lock() {
            *slot = None;
        }
    }
}

impl RecallJobs {
    fn start(&self) -> AppResult<(Arc<Job>, Running<'_>)> {
        let mut slot = self
            .current
            .lock()
            .map_err(|_| AppError::internal("the reminder job lock is poisoned"))?;
        if slot.is_some() {
            return Err(AppError::Conflict {
                reason: "A reminder/recall run is already under way on this workstation.".into(),
            });
        }
        let job = Arc::new(Job::default());
        *slot = Some(job.clone());
        Ok((job, Running(self)))
    }

    fn current(&self) -> Option<Arc<Job>> {
        self.current.lock().ok().and_then(|s| s.clone())
    }
}

/// The routine groups the forecaster knows, in its order.
fn routine_groups() -> Vec<&'static str> {
    Engine::embedded()
        .vaccine_groups()
        .filter_map(|g| ROUTINE_GROUPS.iter().find(|r| **r == g).copied())
        .collect()
}

fn criteria_of(request: &RecallRequest, today: Date) -> AppResult<RecallCriteria> {
    let groups = routine_groups();
    Ok(RecallCriteria::parse(
        &CriteriaInput {
            born_from: &request.born_from,
            born_to: &request.born_to,
            age_from_months: &request.age_from_months,
            age_to_months: &request.age_to_months,
            as_of: &request.as_of,
            window: &request.window,
            method: &request.method,
            vaccine_groups: &request.vaccine_groups,
            county: &request.county,
            last_notice_before: &request.last_notice_before,
            force: request.force,
        },
        &groups,
        today,
    )?)
}

fn us(d: Date) -> String {
    UsDate::from_date(d).to_string()
}

fn clamp(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// `en` or `es`: Spanish for a family whose language is Spanish, English otherwise.
fn language_code(language: Option<&str>) -> &'static str {
    match language {
        Some("spa") => "es",
        _ => "en",
    }
}

fn since(v: &shotbook_reports::recall::RecallGroup) -> Option<Date> {
    if v.overdue {
        v.past_due.or(v.recommended)
    } else {
        v.recommended
    }
}

fn line(n: &RecallNotice) -> RecallLine {
    let a = &n.address;
    let place = [
        a.city.as_deref().unwrap_or(""),
        &[a.state.as_deref(), a.zip.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(", ");
    RecallLine {
        client_id: n.client.to_string(),
        first_name: n.first_name.clone(),
        last_name: n.last_name.clone(),
        date_of_birth: us(n.date_of_birth),
        guardian: n.guardian.clone(),
        place,
        phone: n.phone.clone(),
        language: language_code(n.language.as_deref()).into(),
        vaccines: n
            .groups
            .iter()
            .map(|g| RecallVaccine {
                group: g.vaccine_group.clone(),
                overdue: g.overdue,
                since: since(g).map(us),
                dose_number: g.dose_number.and_then(|d| i32::try_from(d).ok()),
                cvx: g.recommended_cvx.iter().map(|c| c.to_string()).collect(),
            })
            .collect(),
        last_notice: n.last_notice.map(us),
    }
}

/// What the form offers: the forecaster's vaccine groups, the rerun window.
pub async fn reminder_options(ctx: &AppContext) -> AppResult<RecallOptions> {
    ctx.permit::<need::RunReports>().await?;
    Ok(RecallOptions {
        vaccine_groups: routine_groups().into_iter().map(str::to_string).collect(),
        rerun_days: RERUN_DAYS as i32,
    })
}

/// The cohort with its counts and the first [`PREVIEW_LINES`] clients; nothing is stamped.
/// Audited by the use case (the run, and each client selected).
pub async fn reminder_preview(
    ctx: &AppContext,
    request: RecallRequest,
) -> AppResult<RecallPreview> {
    let (permit, session) = ctx.permit::<need::RunReports>().await?;
    let criteria = criteria_of(&request, ctx.clock().today())?;
    let cohort = select_cohort(
        ctx.store(),
        &permit,
        ctx.clock(),
        &criteria,
        CohortUse::Preview,
        &|_, _| true,
    )
    .await?
    .ok_or_else(|| AppError::internal("a preview cannot be cancelled"))?;
    tracing::info!(
        candidates = cohort.candidates,
        notices = cohort.notices.len(),
        "reminder/recall preview"
    );
    Ok(preview_view(&cohort, session.organization_name))
}

fn preview_view(cohort: &RecallCohort, organization_name: String) -> RecallPreview {
    let c = &cohort.criteria;
    RecallPreview {
        organization_name,
        born_from: us(c.born_from),
        born_to: us(c.born_to),
        as_of: us(c.as_of),
        candidates: clamp(cohort.candidates),
        outside_county: clamp(cohort.outside_county),
        not_due: clamp(cohort.not_due),
        excluded: cohort
            .excluded
            .iter()
            .map(|(why, n)| RecallExclusionCount {
                code: why.code().into(),
                count: clamp(*n),
            })
            .collect(),
        to_notify: clamp(cohort.notices.len()),
        lines: cohort
            .notices
            .iter()
            .take(PREVIEW_LINES)
            .map(line)
            .collect(),
    }
}

/// The outputs asked for, checked against the method: mail makes letters, postcards and
/// labels; phone a phone list; either a CSV.
fn outputs_of(requested: &[String], method: Method) -> AppResult<Vec<&'static str>> {
    let mut outputs = Vec::new();
    for (i, asked) in requested.iter().enumerate() {
        let Some(known) = OUTPUTS.into_iter().find(|o| o == asked) else {
            return Err(ValidationError::single(format!("outputs[{i}]"), "Not an output.").into());
        };
        let fits = match known {
            "letters" | "postcards" | "labels" => method == Method::Mail,
            "phone_list" => method == Method::Phone,
            _ => true,
        };
        if !fits {
            return Err(ValidationError::single(
                format!("outputs[{i}]"),
                match method {
                    Method::Mail => "A phone list is for a cohort reached by phone.",
                    Method::Phone => {
                        "Letters, postcards and labels are for a cohort reached by mail."
                    }
                },
            )
            .into());
        }
        if !outputs.contains(&known) {
            outputs.push(known);
        }
    }
    if outputs.is_empty() {
        return Err(ValidationError::single("outputs", "Choose at least one output.").into());
    }
    // Written in a fixed order, whatever order they were ticked in.
    outputs.sort_by_key(|o| OUTPUTS.iter().position(|k| k == o));
    Ok(outputs)
}

fn reminders(cohort: &RecallCohort, today: Date) -> Vec<Reminder> {
    cohort
        .notices
        .iter()
        .map(|n| {
            let a = &n.address;
            let mut address: Vec<String> = [a.line1.clone(), a.line2.clone()]
                .into_iter()
                .flatten()
                .filter(|l| !l.trim().is_empty())
                .collect();
            address.push(format!(
                "{}, {} {}",
                a.city.as_deref().unwrap_or(""),
                a.state.as_deref().unwrap_or(""),
                a.zip.as_deref().unwrap_or("")
            ));
            Reminder {
                client: format!("{} {}", n.first_name, n.last_name),
                date_of_birth: us(n.date_of_birth),
                minor: UsDate::from_date(n.date_of_birth).years_until(today) < 18,
                guardian: n.guardian.clone(),
                address,
                phone: n.phone.clone(),
                language: if language_code(n.language.as_deref()) == "es" {
                    LetterLanguage::Spanish
                } else {
                    LetterLanguage::English
                },
                vaccines: n
                    .groups
                    .iter()
                    .map(|g| ReminderVaccine {
                        group: g.vaccine_group.clone(),
                        overdue: g.overdue,
                        since: since(g).map(us),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The cohort as CSV, one row per client: for mail merges, autodialers and text messages.
pub fn cohort_csv(cohort: &RecallCohort) -> AppResult<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::internal(format!("writing the reminder CSV: {e}"));
    out.write_record([
        "Client ID",
        "Last Name",
        "First Name",
        "Date of Birth",
        "Parent or Guardian",
        "Address",
        "Address 2",
        "City",
        "State",
        "ZIP",
        "County",
        "Phone",
        "Language",
        "Vaccines Due",
        "CVX",
        "Last Notice",
    ])
    .map_err(fail)?;
    for n in &cohort.notices {
        let l = line(n);
        let a = &n.address;
        let vaccines = l
            .vaccines
            .iter()
            .map(|v| {
                let state = if v.overdue { "overdue" } else { "due" };
                match &v.since {
                    Some(d) => format!("{} ({state} {d})", v.group),
                    None => format!("{} ({state})", v.group),
                }
            })
            .collect::<Vec<_>>()
            .join("; ");
        let cvx = l
            .vaccines
            .iter()
            .flat_map(|v| v.cvx.iter().cloned())
            .collect::<Vec<_>>()
            .join(" ");
        out.write_record([
            l.client_id.as_str(),
            &l.last_name,
            &l.first_name,
            &l.date_of_birth,
            l.guardian.as_deref().unwrap_or(""),
            a.line1.as_deref().unwrap_or(""),
            a.line2.as_deref().unwrap_or(""),
            a.city.as_deref().unwrap_or(""),
            a.state.as_deref().unwrap_or(""),
            a.zip.as_deref().unwrap_or(""),
            a.county.as_deref().unwrap_or(""),
            l.phone.as_deref().unwrap_or(""),
            &l.language,
            &vaccines,
            &cvx,
            l.last_notice.as_deref().unwrap_or(""),
        ])
        .map_err(fail)?;
    }
    out.into_inner()
        .map_err(|e| AppError::internal(format!("writing the reminder CSV: {e}")))
}

fn render(
    output: &str,
    sender: &ReminderSender,
    date: &str,
    reminders: &[Reminder],
    cohort: &RecallCohort,
) -> AppResult<Vec<u8>> {
    let drawn = match output {
        "letters" => render_reminder_letters(sender, date, reminders),
        "postcards" => render_postcards(sender, date, reminders),
        "labels" => render_labels(reminders),
        "phone_list" => render_phone_list(sender, date, reminders),
        _ => return cohort_csv(cohort),
    };
    drawn.map_err(|e| AppError::internal(format!("drawing the reminder {output}: {e}")))
}

/// Selects the cohort, writes each output into `folder`, then stamps the notices. Cancelled
/// (by [`cancel_reminders`]) before the files are written: nothing is written or stamped.
pub async fn create_reminders(
    ctx: &AppContext,
    request: CreateRemindersRequest,
    folder: &Path,
) -> AppResult<RecallRun> {
    let (permit, session) = ctx.permit::<need::RunReports>().await?;
    let today = ctx.clock().today();
    let criteria = criteria_of(&request.criteria, today)?;
    let outputs = outputs_of(&request.outputs, criteria.method)?;
    let (job, _running) = ctx.recall_jobs().start()?;
    let cancelled = |folder: &Path| RecallRun {
        folder: folder.display().to_string(),
        files: Vec::new(),
        notices: 0,
        cancelled: true,
    };
    let progress = {
        let job = job.clone();
        move |done: usize, total: usize| {
            job.done.store(done, Ordering::Relaxed);
            job.total.store(total, Ordering::Relaxed);
            !job.cancelled.load(Ordering::Relaxed)
        }
    };
    let Some(cohort) = select_cohort(
        ctx.store(),
        &permit,
        ctx.clock(),
        &criteria,
        CohortUse::Notices,
        &progress,
    )
    .await?
    else {
        return Ok(cancelled(folder));
    };
    if cohort.notices.is_empty() {
        return Ok(RecallRun {
            folder: folder.display().to_string(),
            files: Vec::new(),
            notices: 0,
            cancelled: false,
        });
    }
    job.printing.store(true, Ordering::Relaxed);
    job.done.store(0, Ordering::Relaxed);
    job.total.store(outputs.len(), Ordering::Relaxed);
    let organization =
        shotbook_store::organizations::get(ctx.store(), session.organization_id).await?;
    let sender = ReminderSender {
        organization: organization.name.clone(),
        place: format!("{}, {}", organization.city, organization.state),
    };
    let date = us(today);
    let stem = format!(
        "Reminders-{}-{}",
        session
            .organization_code
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>(),
        UsDate::from_date(today).iso()
    );
    let cohort = Arc::new(cohort);
    let reminders = Arc::new(reminders(&cohort, today));
    let mut drawn = Vec::new();
    for (i, output) in outputs.iter().enumerate() {
        if job.cancelled.load(Ordering::Relaxed) {
            return Ok(cancelled(folder));
        }
        let (sender, date, reminders, cohort) = (
            sender.clone(),
            date.clone(),
            reminders.clone(),
            cohort.clone(),
        );
        let output = *output;
        let bytes = tokio::task::spawn_blocking(move || {
            render(output, &sender, &date, &reminders, &cohort)
        })
        .await
        .map_err(AppError::internal)??;
        let extension = if output == "csv" { "csv" } else { "pdf" };
        drawn.push((format!("{stem}-{output}.{extension}"), bytes));
        job.done.store(i + 1, Ordering::Relaxed);
    }
    if job.cancelled.load(Ordering::Relaxed) {
        return Ok(cancelled(folder));
    }
    let mut files = Vec::new();
    for (name, bytes) in drawn {
        crate::files::save_private(&folder.join(&name), bytes, "the reminder files").await?;
        files.push(name);
    }
    let notices = record_notices(ctx.store(), &permit, ctx.clock(), &cohort, &outputs).await?;
    tracing::info!(
        notices,
        files = files.len(),
        "reminder/recall notices created"
    );
    Ok(RecallRun {
        folder: folder.display().to_string(),
        files,
        notices: clamp(notices),
        cancelled: false,
    })
}

/// How far the run under way is.
pub async fn reminder_progress(ctx: &AppContext) -> AppResult<RecallProgress> {
    ctx.permit::<need::RunReports>().await?;
    Ok(match ctx.recall_jobs().current() {
        None => RecallProgress {
            running: false,
            stage: "idle".into(),
            done: 0,
            total: 0,
        },
        Some(job) => RecallProgress {
            running: true,
            stage: if job.printing.load(Ordering::Relaxed) {
                "printing"
            } else {
                "selecting"
            }
            .into(),
            done: clamp(job.done.load(Ordering::Relaxed)),
            total: clamp(job.total.load(Ordering::Relaxed)),
        },
    })
}

/// Cancels the run under way (nothing is written or stamped once cancelled).
pub async fn cancel_reminders(ctx: &AppContext) -> AppResult<()> {
    ctx.permit::<need::RunReports>().await?;
    if let Some(job) = ctx.recall_jobs().current() {
        job.cancelled.store(true, Ordering::Relaxed);
    }
    Ok(())
}
