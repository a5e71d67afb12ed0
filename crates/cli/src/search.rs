//! `shotbook search`: Quick or Smart search from the command line, one JSON object per match
//! (for scripting and spot checks). Reads what the Quick search box reads; `--smart` ranks by
//! the probabilistic matcher whatever Basic search would find. Every client printed is audited.

use anyhow::{bail, Context};
use serde::Serialize;
use shotbook_core::audit::{AuditAction, AuditEvent};
use shotbook_core::date::UsDate;
use shotbook_core::matching::PersonRecord;
use shotbook_core::quick_search::QuickSearch;
use shotbook_core::search::BasicSearch;
use shotbook_store::clients::{self, ClientSummaryRow};
use shotbook_store::{match_index, Store};
use time::OffsetDateTime;

use crate::args::SearchArgs;

/// One printed match.
#[derive(Debug, Serialize)]
struct Match {
    /// Client UUID.
    id: String,
    /// Registry client ID.
    client_id: Option<String>,
    /// "Last, First Middle".
    name: String,
    /// MM/DD/YYYY.
    dob: String,
    gender: String,
    /// Smart-search score (absent for an exact Basic-search match).
    score: Option<f64>,
    /// Why it scored so ("DOB exact, surname sounds alike").
    reasons: Vec<String>,
}

fn line(row: ClientSummaryRow, score: Option<f64>, reasons: Vec<String>) -> Match {
    let mut name = format!("{}, {}", row.last_name, row.first_name);
    if let Some(middle) = row.middle_name.filter(|m| !m.is_empty()) {
        name.push(' ');
        name.push_str(&middle);
    }
    Match {
        dob: UsDate::parse(&row.date_of_birth).map_or(row.date_of_birth, |d| d.to_string()),
        id: row.id,
        client_id: row.registry_id,
        name,
        gender: row.gender,
        score: score.map(|s| (s * 10.0).round() / 10.0),
        reasons,
    }
}

/// Runs the subcommand.
pub async fn run(args: SearchArgs) -> anyhow::Result<()> {
    if !args.db.exists() {
        bail!("no database at {}", args.db.display());
    }
    let store = crate::database::open(&args.db).await?;
    // No one signs in here, so no role, consent rule or user stands behind the read: only a
    // synthetic registry may be read this way (a real one is read in the app, signed in).
    anyhow::ensure!(
        shotbook_store::bulk::is_synthetic(&store).await?,
        "this command reads client data without signing in, so it only works on synthetic \
         registries (made by `shotbook generate` or the demo); use the app for a real registry"
    );
    let matches = search(&store, &args.query.join(" "), args.smart, args.limit).await?;
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    for m in &matches {
        shotbook_store::audit::append(
            &mut tx,
            &AuditEvent {
                at: now,
                user_id: None,
                organization_id: None,
                workstation: "shotbook search (command line)".into(),
                action: AuditAction::SearchClients,
                client_id: Some(m.id.parse().context("a stored client id is not a UUID")?),
                detail: None,
            },
        )
        .await?;
    }
    tx.commit().await?;
    for m in &matches {
        println!("{}", serde_json::to_string(m)?);
    }
    store.pool().close().await;
    Ok(())
}

async fn search(
    store: &Store,
    text: &str,
    smart: bool,
    limit: usize,
) -> anyhow::Result<Vec<Match>> {
    let today = OffsetDateTime::now_utc().date();
    let query = QuickSearch::parse(text, today).map_err(|e| {
        anyhow::anyhow!(e
            .issues
            .iter()
            .map(|i| i.message.clone())
            .collect::<Vec<_>>()
            .join(" "))
    })?;
    let basic = |criteria: BasicSearch| async move {
        let rows = clients::search_basic(store, &criteria, limit as i64).await?;
        anyhow::Ok(
            rows.into_iter()
                .map(|r| line(r, None, Vec::new()))
                .collect::<Vec<_>>(),
        )
    };
    match query {
        QuickSearch::ClientId { .. } | QuickSearch::Phone(_) if smart => {
            bail!("Smart search needs a name and/or a date of birth")
        }
        QuickSearch::ClientId { registry_id, phone } => {
            let found = basic(BasicSearch {
                client_id: Some(registry_id),
                ..BasicSearch::default()
            })
            .await?;
            match phone {
                Some(phone) if found.is_empty() => {
                    basic(BasicSearch {
                        phone: Some(phone),
                        ..BasicSearch::default()
                    })
                    .await
                }
                _ => Ok(found),
            }
        }
        QuickSearch::Phone(phone) => {
            basic(BasicSearch {
                phone: Some(phone),
                ..BasicSearch::default()
            })
            .await
        }
        QuickSearch::Person {
            basic: exact,
            person,
            smart: worth_it,
        } => {
            if !smart {
                if let Some(criteria) = exact {
                    let found = basic(criteria).await?;
                    if !found.is_empty() || !worth_it {
                        return Ok(found);
                    }
                }
            }
            ranked(store, &person, limit).await
        }
    }
}

async fn ranked(store: &Store, person: &PersonRecord, limit: usize) -> anyhow::Result<Vec<Match>> {
    let matches =
        match_index::smart_search(store, person, match_index::Bar::POSSIBLE, limit).await?;
    let ids: Vec<String> = matches.iter().map(|m| m.client_id.clone()).collect();
    let mut rows: std::collections::HashMap<String, ClientSummaryRow> =
        clients::summaries_by_id(store, &ids)
            .await?
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect();
    Ok(matches
        .into_iter()
        .filter_map(|m| {
            rows.remove(&m.client_id)
                .map(|row| line(row, Some(m.score.score), m.score.reasons))
        })
        .collect())
}
