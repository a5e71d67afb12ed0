//! `shotbook print-record`, `shotbook verify` and `shotbook bench print`.
//!
//! Printing from the command line is printing by a registry user: the command signs in with
//! `--org` and `--user` (password from `SHOTBOOK_PASSWORD` or typed on standard input), and goes
//! through the same api function as the app's Print button — PrintRecord permission, consent,
//! one audit row per record with this workstation's name. Output names files and counts, never
//! client names or dates of birth.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde::Serialize;
use shotbook_api::dto::RecordVerification;
use shotbook_api::dto::{ChooseOrganizationRequest, SignInRequest, SignInStep};
use shotbook_api::records;
use shotbook_api::remember::KeyringStore;
use shotbook_api::{AppContext, AppError};
use shotbook_core::clock::SystemClock;
use shotbook_core::ids::ClientId;
use shotbook_store::{clients, Store};

use crate::args::{BenchPrintArgs, PrintRecordArgs, SignInArgs, VerifyArgs};

/// Environment variable the password is read from (otherwise it is asked for).
pub const PASSWORD_VAR: &str = "SHOTBOOK_PASSWORD";

/// Signs in to the database at `db` as the given registry user, as the app does.
pub(crate) async fn signed_in(db: &Path, who: &SignInArgs) -> anyhow::Result<AppContext> {
    anyhow::ensure!(db.exists(), "no database at {}", db.display());
    let store = crate::database::open(db).await?;
    let ctx = AppContext::new(store, Arc::new(SystemClock)).with_secrets(Arc::new(KeyringStore));
    if who.demo_key {
        ctx.sign_records_with_demo_key();
    }
    let password = match std::env::var(PASSWORD_VAR) {
        Ok(p) => p,
        Err(_) => {
            eprint!("Password for {} at {}: ", who.user, who.org);
            std::io::stderr().flush()?;
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    let step = shotbook_api::auth::sign_in(
        &ctx,
        SignInRequest {
            organization_code: who.org.clone(),
            username: who.user.clone(),
            password,
            captcha: None,
            remember: false,
        },
    )
    .await
    .map_err(explain)?;
    let SignInStep::Confidentiality { statement } = step else {
        bail!(
            "{} must first change the temporary password in the app",
            who.user
        );
    };
    // Running the command under one's own account is agreeing to the statement, as "I Agree".
    eprintln!("Signed in as {} at {}. {statement}", who.user, who.org);
    match shotbook_api::auth::accept_confidentiality(&ctx)
        .await
        .map_err(explain)?
    {
        SignInStep::SignedIn { .. } => {}
        SignInStep::ChooseOrganization { .. } => {
            shotbook_api::auth::choose_organization(
                &ctx,
                ChooseOrganizationRequest {
                    organization_code: who.org.clone(),
                },
            )
            .await
            .map_err(explain)?;
        }
        other => bail!("unexpected sign-in step {other:?}"),
    }
    Ok(ctx)
}

pub(crate) fn explain(e: AppError) -> anyhow::Error {
    match e {
        AppError::PrinterUnavailable { detail, .. } => anyhow::anyhow!("cannot print: {detail}"),
        AppError::Forbidden { permission } => anyhow::anyhow!("not permitted: {permission}"),
        AppError::ConsentRestricted { restriction } => {
            anyhow::anyhow!("not released without the client's consent ({restriction})")
        }
        AppError::Validation { issues } => anyhow::anyhow!(
            "invalid input: {}",
            issues
                .iter()
                .map(|i| format!("{}: {}", i.field, i.message))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow::anyhow!("{other}"),
    }
}

async fn client_ids(
    store: &Store,
    args: &PrintRecordArgs,
) -> anyhow::Result<Vec<(String, ClientId)>> {
    let mut wanted: Vec<String> = args
        .client
        .iter()
        .flat_map(|c| c.split(','))
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    if let Some(file) = &args.clients_file {
        let text =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        wanted.extend(
            text.lines()
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty() && !l.starts_with('#')),
        );
    }
    anyhow::ensure!(
        !wanted.is_empty(),
        "name at least one client (--client or --clients-file)"
    );
    let mut ids = Vec::with_capacity(wanted.len());
    for w in wanted {
        let id = clients::find_id(store, &w)
            .await?
            .with_context(|| format!("no client with registry number or id {w}"))?;
        ids.push((w, id));
    }
    Ok(ids)
}

/// `shotbook print-record`: one record to `--out`, or several into `--out-dir`.
pub async fn print(args: PrintRecordArgs) -> anyhow::Result<()> {
    let ctx = signed_in(&args.db, &args.sign_in).await?;
    let ids = client_ids(ctx.store(), &args).await?;
    if ids.len() > 1 && args.out_dir.is_none() {
        bail!("several clients need --out-dir DIR (one PDF per client)");
    }
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let started = Instant::now();
    let mut failed = 0;
    for (i, (wanted, id)) in ids.iter().enumerate() {
        match records::render_record(&ctx, *id).await {
            Ok(rendered) => {
                let path = match (&args.out, &args.out_dir) {
                    (Some(out), None) => out.clone(),
                    (_, Some(dir)) => dir.join(&rendered.file_name),
                    (None, None) => PathBuf::from(&rendered.file_name),
                };
                std::fs::write(&path, &rendered.pdf)
                    .with_context(|| format!("writing {}", path.display()))?;
                eprintln!(
                    "[{}/{}] {} → {} ({} pages, document {}{})",
                    i + 1,
                    ids.len(),
                    wanted,
                    path.display(),
                    rendered.document.pages.len(),
                    rendered.document_id,
                    if rendered.demo_key { ", demo key" } else { "" }
                );
            }
            Err(e) => {
                failed += 1;
                eprintln!("[{}/{}] {wanted}: {}", i + 1, ids.len(), explain(e));
            }
        }
    }
    eprintln!(
        "{} printed, {failed} failed in {:.2} s",
        ids.len() - failed,
        started.elapsed().as_secs_f64()
    );
    if failed > 0 {
        std::process::exit(1);
    }
    Ok(())
}

/// `shotbook verify`: says valid or not and why; exits 1 when not valid.
pub fn verify(args: VerifyArgs) -> anyhow::Result<()> {
    let own = std::env::var(records::SIGNING_KEY_VAR)
        .ok()
        .and_then(|t| shotbook_print::RecordKey::from_text(&t).ok());
    let trusted = records::trusted_keys(own.as_ref(), args.demo_key);
    let verdict: RecordVerification = if args.input == "-" {
        let mut text = String::new();
        std::io::stdin().lock().read_line(&mut text)?;
        records::verification(&text, &trusted)
    } else if args.input.starts_with(shotbook_print::seal::PAYLOAD_PREFIX) {
        records::verification(&args.input, &trusted)
    } else {
        let bytes =
            std::fs::read(&args.input).with_context(|| format!("reading {}", args.input))?;
        records::verify_pdf_bytes(&bytes, &trusted)
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&VerdictJson::from(&verdict))?
        );
    } else if verdict.valid {
        println!("VALID: {}", verdict.reason);
        for line in &verdict.statement {
            println!("  {line}");
        }
    } else {
        println!("INVALID: {}", verdict.reason);
    }
    if !verdict.valid {
        std::process::exit(1);
    }
    Ok(())
}

#[derive(Serialize)]
struct VerdictJson<'a> {
    valid: bool,
    reason: &'a str,
    demo_key: bool,
    statement: &'a [String],
}

impl<'a> From<&'a RecordVerification> for VerdictJson<'a> {
    fn from(v: &'a RecordVerification) -> Self {
        Self {
            valid: v.valid,
            reason: &v.reason,
            demo_key: v.demo_key,
            statement: &v.statement,
        }
    }
}

/// Timings of `shotbook bench print`.
#[derive(Debug, Serialize)]
pub struct PrintReport {
    /// Records printed in the batch.
    pub records: usize,
    /// Records timed one at a time for the per-record figures.
    pub latency_sample: usize,
    /// Clients skipped (no consent on file).
    pub skipped: usize,
    /// Pages in all.
    pub pages: usize,
    /// Doses in all.
    pub doses: usize,
    /// Bytes of PDF written.
    pub bytes: usize,
    /// One record (read, evaluate, build, sign, render, audit), median ms.
    pub median_ms: f64,
    /// 95th percentile, ms.
    pub p95_ms: f64,
    /// Slowest, ms.
    pub max_ms: f64,
    /// The whole batch including writing the files, seconds.
    pub batch_seconds: f64,
}

/// `shotbook bench print`: times records one at a time (up to 200), then prints `--records`
/// records (the first clients of the database) as a batch into a scratch folder, and reports
/// per-record and batch times. Every record is audited, as any print.
pub async fn bench(args: BenchPrintArgs) -> anyhow::Result<()> {
    let ctx = signed_in(&args.db, &args.sign_in).await?;
    let candidates = clients::first_ids(ctx.store(), (args.records as i64) * 5 / 4 + 10).await?;
    let dir = std::env::temp_dir().join(format!("shotbook-bench-print-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    // Warm-up: fonts parsed, evaluation data loaded, statements prepared.
    if let Some(first) = candidates.first() {
        let _ = records::render_record(&ctx, *first).await;
    }
    // One record at a time: the latency a user waits for after pressing Print.
    let latency_sample = args.records.min(200);
    let mut times: Vec<Duration> = Vec::with_capacity(latency_sample);
    for id in &candidates {
        if times.len() == latency_sample {
            break;
        }
        let one = Instant::now();
        if records::render_record(&ctx, *id).await.is_ok() {
            times.push(one.elapsed());
        }
    }
    // The batch: two records in flight (their PDFs render on the blocking pool, one per core),
    // files written as they come.
    let (mut printed, mut skipped, mut pages, mut doses, mut bytes) = (0, 0, 0, 0, 0);
    let started = Instant::now();
    let mut queue = candidates.into_iter();
    while printed < args.records {
        let (Some(a), b) = (queue.next(), queue.next()) else {
            break;
        };
        let second = async {
            match b {
                Some(b) => Some(records::render_record(&ctx, b).await),
                None => None,
            }
        };
        let (ra, rb) = tokio::join!(records::render_record(&ctx, a), second);
        for result in std::iter::once(ra).chain(rb) {
            match result {
                Ok(r) if printed < args.records => {
                    printed += 1;
                    std::fs::write(dir.join(&r.file_name), &r.pdf)?;
                    pages += r.document.pages.len();
                    doses += r.document.dose_count();
                    bytes += r.pdf.len();
                }
                Ok(_) => {}
                Err(AppError::Forbidden { .. } | AppError::ConsentRestricted { .. }) => {
                    skipped += 1
                }
                Err(e) => return Err(explain(e)),
            }
        }
    }
    let batch = started.elapsed();
    let _ = std::fs::remove_dir_all(&dir);
    anyhow::ensure!(!times.is_empty(), "no client could be printed");
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| ms(times[((times.len() - 1) as f64 * q).round() as usize]);
    let report = PrintReport {
        records: printed,
        latency_sample: times.len(),
        skipped,
        pages,
        doses,
        bytes,
        median_ms: at(0.5),
        p95_ms: at(0.95),
        max_ms: at(1.0),
        batch_seconds: batch.as_secs_f64(),
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("Official Immunization Record: {} records, {} pages, {} doses, {:.1} MiB of PDF ({} skipped: no consent)",
            report.records, report.pages, report.doses, report.bytes as f64 / 1_048_576.0, report.skipped);
        println!("one record (read, evaluate, build, sign, render, audit; {} timed one at a time): median {:.1} ms, p95 {:.1} ms, max {:.1} ms  (target ≤ 50 ms)",
            report.latency_sample, report.median_ms, report.p95_ms, report.max_ms);
        println!(
            "batch of {} (two in flight) including writing the files: {:.2} s  (target for 1,000: ≤ 20 s)",
            report.records, report.batch_seconds
        );
    }
    Ok(())
}
