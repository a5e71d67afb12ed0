//! `shotbook forecast`: the CDC conformance run, and one client's forecast with its trace.

use anyhow::{bail, Context};
use shotbook_core::audit::{AuditAction, AuditEvent};
use shotbook_forecast::{Date, Engine};

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
    let store = crate::database::open(db).await?;
    // No one signs in here, so no role, consent rule or user stands behind the read: only a
    // synthetic registry may be read this way (a real one is read in the app, signed in).
    anyhow::ensure!(
        shotbook_store::bulk::is_synthetic(&store).await?,
        "this command reads client data without signing in, so it only works on synthetic \
         registries (made by `shotbook generate` or the demo); use the app for a real registry"
    );
    // Client data stays out of messages: ids only.
    let id = shotbook_store::clients::find_id(&store, client)
        .await?
        .with_context(|| format!("no client with registry number or id {client}"))?;
    let record = shotbook_store::clients::get(&store, id).await?;
    let doses = shotbook_store::immunizations::for_client(&store, id).await?;
    let comments = shotbook_store::demographics::comments(&store, id).await?;
    let date = |s: &str| Date::parse(s).with_context(|| format!("--on {s} is not YYYY-MM-DD"));
    let on = match &args.on {
        Some(s) => date(s)?,
        None => date(&time::OffsetDateTime::now_utc().date().to_string())?,
    };
    let (patient, _) = shotbook_store::forecast_input::patient_of(&record, &doses, &comments, on)?;
    // Reading a client's record from the command line is audited like any other read.
    shotbook_store::audit::append_alone(
        &store,
        &AuditEvent {
            at: time::OffsetDateTime::now_utc(),
            user_id: None,
            organization_id: None,
            workstation: "shotbook forecast (command line)".into(),
            action: AuditAction::ViewClient,
            client_id: Some(id),
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
        // A group may have two forecasts: CDSi's best series and, when that is a default series
        // the client is past the age to start, the series the client can start now.
        println!(
            "{:<16} {:?} ({:?})  dose {}  earliest {}  recommended {}  past due {}",
            g.vaccine_group,
            g.status,
            g.basis,
            g.forecast_dose_number
                .map_or("-".to_string(), |n| n.to_string()),
            show(g.earliest),
            show(g.recommended),
            show(g.past_due)
        );
        for step in &g.trace {
            println!("    [{}] {step}", step.rule);
        }
    }
    Ok(())
}
