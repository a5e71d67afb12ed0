//! An organization's immunization coverage report (the NIS measures at 24 and 35 months and
//! the adolescent measures at 13 years, by birth cohort, with the missed-opportunity list), for
//! a provider's own clients. The arithmetic is `shotbook_reports::coverage`'s; here: who may run
//! it, whose clients it counts, which names it may list, and the audit.

use std::collections::HashMap;

use shotbook_core::audit::AuditAction;
use shotbook_core::clock::Clock;
use shotbook_core::error::{Issue, IssueCollector};
use shotbook_core::ids::ClientId;
use shotbook_reports::catalog::VaccineCatalog;
use shotbook_reports::coverage::{
    coverage_report, AgePoint, BirthRange, CoverageReport, Measure, MissedOpportunity,
};
use shotbook_reports::school::{calendar_date, time_date};
use time::Date;

use crate::ports::{AuditWrites, Registry, UnitOfWork};
use crate::{access, need, Permit, UseCaseResult};

/// Widest birth range one report covers (a registry-wide history is a server job).
pub const MAX_BIRTH_YEARS: i32 = 20;

/// Most lines the missed-opportunity list names on screen (by last name); the total is always
/// given. A list of tens of thousands of names is not read on a screen: it is exported.
pub const MISSED_LIST_LIMIT: usize = 1_000;

/// How much of the missed-opportunity list a run names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissedListing {
    /// The first [`MISSED_LIST_LIMIT`] lines, for the screen.
    Screen,
    /// Every line the actor may see, for an export (each client named is audited as exported).
    Export,
}

impl MissedListing {
    fn limit(self) -> usize {
        match self {
            Self::Screen => MISSED_LIST_LIMIT,
            Self::Export => usize::MAX,
        }
    }

    fn audit_detail(self) -> &'static str {
        match self {
            Self::Screen => "coverage: missed opportunities",
            Self::Export => "coverage: missed opportunities exported",
        }
    }
}

/// A client of the missed-opportunity list, as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissedLine {
    /// The client.
    pub client: ClientId,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Date of birth.
    pub date_of_birth: Date,
    /// Age point.
    pub age_point: AgePoint,
    /// Measure not met.
    pub measure: Measure,
    /// Visits at which a dose was due and none was given.
    pub visits: Vec<Date>,
}

/// The organization's coverage.
#[derive(Debug, Clone, PartialEq)]
pub struct OrganizationCoverage {
    /// Numerators and denominators by birth year, age point and measure.
    pub report: CoverageReport,
    /// Clients born in the range.
    pub clients: usize,
    /// The missed-opportunity list, by last name, first name: as much as the run's
    /// [`MissedListing`] asks, of clients whose whole record the actor may see.
    pub missed: Vec<MissedLine>,
    /// Missed opportunities in all (a count names nobody).
    pub missed_total: usize,
}

/// Coverage of the actor's organization's clients born from `born_from` to `born_to`, as of
/// `as_of`, naming as much of the missed-opportunity list as `listing` asks. Audited: one
/// `run_report` event naming the report and its scope, and one per client the list names; a
/// client whose whole record the actor may not see is counted but not listed.
pub async fn organization_coverage<R: Registry>(
    registry: &R,
    permit: &Permit<need::RunReports>,
    clock: &dyn Clock,
    (born_from, born_to): (Date, Date),
    as_of: Date,
    listing: MissedListing,
) -> UseCaseResult<OrganizationCoverage> {
    let mut issues = IssueCollector::new();
    if born_from > born_to {
        issues.push(Issue::new(
            "bornTo",
            "The last date of birth comes before the first.",
        ));
    } else if born_to.year() - born_from.year() >= MAX_BIRTH_YEARS {
        issues.push(Issue::new(
            "bornFrom",
            format!("One report covers at most {MAX_BIRTH_YEARS} birth years."),
        ));
    }
    if born_from > as_of {
        issues.push(Issue::new(
            "asOf",
            "Choose a day after the first date of birth.",
        ));
    }
    issues.finish()?;
    let actor = permit.actor();
    let members = registry
        .coverage_members(actor.organization_id, born_from, born_to)
        .await?;
    // The names apart from the clients, so the engine reads the doses without a copy of them.
    let mut names: HashMap<ClientId, (String, String)> = HashMap::with_capacity(members.len());
    let clients: Vec<_> = members
        .into_iter()
        .map(|m| {
            names.insert(m.client.id, (m.first_name, m.last_name));
            m.client
        })
        .collect();
    let births: HashMap<ClientId, shotbook_reports::Date> =
        clients.iter().map(|c| (c.id, c.dob)).collect();
    let report = coverage_report(
        VaccineCatalog::embedded(),
        &clients,
        BirthRange {
            born_from: calendar_date(born_from),
            born_to: calendar_date(born_to),
        },
        calendar_date(as_of),
    );
    let today = clock.today();
    let mut order: Vec<&MissedOpportunity> = report
        .missed_opportunities
        .iter()
        .filter(|m| names.contains_key(&m.client))
        .collect();
    order.sort_by_cached_key(|m| {
        let (first, last) = &names[&m.client];
        (last.to_lowercase(), first.to_lowercase(), m.client)
    });
    // The consent rule once per client, not per line: a client misses several measures.
    let mut visible: HashMap<ClientId, bool> = HashMap::new();
    let mut missed = Vec::new();
    for m in order {
        if missed.len() == listing.limit() {
            break;
        }
        let may_see = match visible.get(&m.client) {
            Some(seen) => *seen,
            None => {
                let facts = registry.client_facts(m.client).await?;
                let seen = access::access_of(actor, &facts, today).is_full();
                visible.insert(m.client, seen);
                seen
            }
        };
        if !may_see {
            continue;
        }
        let (first, last) = &names[&m.client];
        missed.push(MissedLine {
            client: m.client,
            first_name: first.clone(),
            last_name: last.clone(),
            date_of_birth: time_date(births[&m.client]),
            age_point: m.age_point,
            measure: m.measure,
            visits: m.visits.iter().map(|d| time_date(*d)).collect(),
        });
    }
    let missed_total = report.missed_opportunities.len();
    let scope = format!(
        "coverage{}: born {born_from} to {born_to} as of {as_of}; {} clients",
        if listing == MissedListing::Export {
            " export"
        } else {
            ""
        },
        clients.len()
    );
    let mut events =
        vec![actor.audit_event(clock.now(), AuditAction::RunReport, None, Some(scope))];
    let mut listed: Vec<ClientId> = missed.iter().map(|m| m.client).collect();
    listed.dedup();
    events.extend(listed.into_iter().map(|client| {
        actor.audit_event(
            clock.now(),
            AuditAction::RunReport,
            Some(client),
            Some(listing.audit_detail().into()),
        )
    }));
    let mut work = registry.begin(actor.origin(), clock.now()).await?;
    work.audit_many(&events).await?;
    work.commit().await?;
    Ok(OrganizationCoverage {
        report,
        clients: clients.len(),
        missed,
        missed_total,
    })
}
