//! `shotbook forecast`: the CDC conformance run, and one client's forecast with its trace.

use anyhow::{bail, Context};
use shotbook_core::audit::{AuditAction, AuditEvent};
use shotbook_forecast::{Date, DoseInput, Engine, Gender, Patient};
use shotbook_store::Store;

use crate::args::ForecastArgs;

/// Runs the subcommand. Failing CDC cases make the process exit with status 1.
pub async fn run(args: ForecastArgs) -> anyhow::Result<()> {
    let engine = Engine::embedded();
    if let Some(path) = &args.cdsi_cases {
        let report = shotbook_forecast::cases::run_cases(engine, path)
            .with_context(|| format!("running the CDSi cases in {}", path.display()))?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&report)?);
        } else {
            print!("{}", report.render_text());
        }
        if report.failed > 0 {
            std::process::exit(1);
        }
        return Ok(());
    }
    let (Some(client), Some(db)) = (&args.client, &args.db) else {
        bail!("--client needs --db")
    };
    if !db.exists() {
        bail!("no database at {}", db.display());
    }
    let store = Store::open(db).await?;
    let (id, dob, gender): (String, String, String) = shotbook_store::sqlx::query_as(
        "SELECT id, date_of_birth, gender FROM clients WHERE registry_id = ?1 OR id = ?1",
    )
    .bind(client)
    .fetch_optional(store.pool())
    .await?
    .with_context(|| format!("no client with id {client}"))?;
    let doses: Vec<(String, Option<String>, String)> = shotbook_store::sqlx::query_as(
        "SELECT cvx, mvx, administered_on FROM immunizations WHERE client_id = ? AND status = 'completed' ORDER BY administered_on",
    )
    .bind(&id)
    .fetch_all(store.pool())
    .await?;
    let date = |s: &str| Date::parse(s).with_context(|| format!("not a date: {s}"));
    let patient = Patient {
        dob: date(&dob)?,
        gender: match gender.as_str() {
            "F" => Gender::Female,
            "M" => Gender::Male,
            _ => Gender::Unknown,
        },
        doses: doses
            .iter()
            .map(|(cvx, mvx, on)| {
                Ok(DoseInput {
                    cvx: cvx.parse().with_context(|| format!("CVX {cvx}"))?,
                    mvx: mvx.clone(),
                    date: date(on)?,
                })
            })
            .collect::<anyhow::Result<_>>()?,
        observations: Vec::new(),
    };
    let on = match &args.on {
        Some(s) => date(s)?,
        None => date(&time::OffsetDateTime::now_utc().date().to_string())?,
    };
    // Reading a client's record from the command line is audited like any other read.
    shotbook_store::audit::append(
        store.pool(),
        &AuditEvent {
            at: time::OffsetDateTime::now_utc(),
            user_id: None,
            organization_id: None,
            workstation: "shotbook forecast (command line)".into(),
            action: AuditAction::ViewClient,
            client_id: id.parse().ok(),
            detail: Some("forecast".into()),
        },
    )
    .await?;
    let assessment = engine.evaluate(&patient, on);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&assessment)?);
        return Ok(());
    }
    println!(
        "Evaluation and forecast on {on} ({} doses)\n",
        patient.doses.len()
    );
    for d in &assessment.doses {
        for a in &d.antigens {
            println!(
                "  {}  CVX {:>3}  {:<12} {:?}{}",
                d.date,
                d.cvx,
                a.antigen,
                a.status,
                a.reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            );
        }
    }
    println!();
    for g in &assessment.groups {
        let show = |d: Option<Date>| d.map_or("-".to_string(), |d| d.to_string());
        println!(
            "{:<16} {:?}  dose {}  earliest {}  recommended {}  past due {}",
            g.vaccine_group,
            g.status,
            g.forecast_dose_number
                .map_or("-".to_string(), |n| n.to_string()),
            show(g.earliest),
            show(g.recommended),
            show(g.past_due)
        );
        for step in &g.trace {
            println!("    [{}] {}", step.rule, step.detail);
        }
    }
    Ok(())
}
