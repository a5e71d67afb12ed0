//! Reminder/recall for a provider's own clients: the cohort (who is due or overdue as of a
//! day, by the CDC CDSi forecaster), the exclusions (`shotbook_reports::recall`), and the
//! notices sent, stamped as each client's "last notice".
//!
//! Two steps, so nothing is stamped for a run that was not printed: [`select_cohort`] builds
//! the cohort (the preview and the run are the same function, so they cannot disagree), the
//! host prints it, then [`record_notices`] stamps exactly that cohort. A [`RecallCohort`] is
//! made only here: a host cannot stamp clients the rules did not select.

use std::collections::BTreeMap;

use shotbook_core::audit::AuditAction;
use shotbook_core::clock::Clock;
use shotbook_core::ids::{ClientId, OrganizationId, RecallRunId};
use shotbook_forecast::Engine;
use shotbook_reports::recall::{
    due_groups, exclusion, ContactFacts, Exclusion, MailingAddress, RecallCriteria, RecallGroup,
};
use time::Date;

use crate::forecast_input::{patient_of, StoredComment, StoredDose};
use crate::ports::{
    AuditWrites, NoticeRecord, RecallCandidate, RecallWrites, Registry, UnitOfWork,
};
use crate::{access, need, Permit, PortError, UseCaseResult};

/// Most notices one run makes (a larger mailing is split by birth range).
pub const MAX_NOTICES: usize = 20_000;

/// One client to notify, with what the letter, label or phone list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecallNotice {
    /// The client.
    pub client: ClientId,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Date of birth.
    pub date_of_birth: Date,
    /// The primary parent or guardian's name.
    pub guardian: Option<String>,
    /// The address.
    pub address: MailingAddress,
    /// The phone to call: the client's, else the guardian's.
    pub phone: Option<String>,
    /// Preferred language (ISO 639-2).
    pub language: Option<String>,
    /// The vaccine groups due or overdue.
    pub groups: Vec<RecallGroup>,
    /// The previous notice, if any.
    pub last_notice: Option<Date>,
}

/// A cohort: the clients to notify, and how many of the organization's clients were left out
/// and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecallCohort {
    /// The run the notices will belong to.
    pub run: RecallRunId,
    /// The criteria.
    pub criteria: RecallCriteria,
    /// The organization's clients born in the range.
    pub candidates: usize,
    /// Of those, living outside the chosen county.
    pub outside_county: usize,
    /// Of the rest, due or overdue for nothing chosen.
    pub not_due: usize,
    /// Due clients left out, by reason.
    pub excluded: BTreeMap<Exclusion, usize>,
    /// The clients to notify, by last name, first name.
    pub notices: Vec<RecallNotice>,
    organization: OrganizationId,
}

/// Why a cohort is selected: shown on the screen, or made into notices. The audit names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CohortUse {
    /// The preview on the screen.
    Preview,
    /// Letters, labels, lists or CSV (then stamped by [`record_notices`]).
    Notices,
}

impl CohortUse {
    fn what(self) -> &'static str {
        match self {
            CohortUse::Preview => "reminder/recall preview",
            CohortUse::Notices => "reminder/recall notices",
        }
    }
}

/// What [`select_cohort`] reports as it goes: the clients assessed so far and in all. Returning
/// `false` cancels the run.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) -> bool + Sync);

fn in_force(c: &crate::ports::CandidateComment, on: &str) -> bool {
    !c.voided && c.applies_from.as_str() <= on && c.applies_until.as_deref().is_none_or(|u| on <= u)
}

/// The actor's organization's clients due or overdue under `criteria`, less the exclusions;
/// `None` when `progress` cancelled it. Audited as `purpose`: one `run_report` event naming the
/// cohort and its counts, and one per client it selects (their records were read).
pub async fn select_cohort<R: Registry>(
    registry: &R,
    permit: &Permit<need::RunReports>,
    clock: &dyn Clock,
    criteria: &RecallCriteria,
    purpose: CohortUse,
    progress: Progress<'_>,
) -> UseCaseResult<Option<RecallCohort>> {
    let actor = permit.actor();
    let today = clock.today();
    let candidates = registry
        .recall_candidates(actor.organization_id, criteria.born_from, criteria.born_to)
        .await?;
    let total = candidates.len();
    let on = shotbook_reports::school::calendar_date(criteria.as_of);
    let on_iso = criteria.as_of.to_string();
    let engine = Engine::embedded();
    let mut cohort = RecallCohort {
        run: RecallRunId::new(),
        criteria: criteria.clone(),
        candidates: total,
        outside_county: 0,
        not_due: 0,
        excluded: BTreeMap::new(),
        notices: Vec::new(),
        organization: actor.organization_id,
    };
    for (done, candidate) in candidates.into_iter().enumerate() {
        if done % 250 == 0 && !progress(done, total) {
            return Ok(None);
        }
        if !criteria.covers_county(candidate.address.county.as_deref()) {
            cohort.outside_county += 1;
            continue;
        }
        let groups = due_of(engine, &candidate, criteria, on)?;
        if groups.is_empty() {
            cohort.not_due += 1;
            continue;
        }
        let comments: Vec<&str> = candidate
            .comments
            .iter()
            .filter(|c| in_force(c, &on_iso))
            .map(|c| c.code.as_str())
            .collect();
        // The consent rule is asked only of clients the cheaper rules kept (one read each).
        let cheap = ContactFacts {
            status: candidate.status,
            comments_in_force: &comments,
            shared: true,
            address: &candidate.address,
            has_phone: candidate.phone.is_some() || candidate.guardian_phone.is_some(),
            last_notice: candidate.last_notice,
        };
        let mut excluded = exclusion(criteria, &cheap, today);
        if excluded.is_none() {
            let facts = registry.client_facts(candidate.client).await?;
            if !access::access_of(actor, &facts, today).is_full() {
                excluded = exclusion(
                    criteria,
                    &ContactFacts {
                        shared: false,
                        ..cheap
                    },
                    today,
                );
            }
        }
        if let Some(why) = excluded {
            *cohort.excluded.entry(why).or_default() += 1;
            continue;
        }
        if cohort.notices.len() == MAX_NOTICES {
            return Err(shotbook_core::error::ValidationError::single(
                "bornFrom",
                format!(
                    "More than {MAX_NOTICES} clients would get a notice; choose a narrower birth range."
                ),
            )
            .into());
        }
        let date_of_birth = Date::parse(
            &candidate.date_of_birth,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|_| PortError::Failed("a stored date of birth does not parse".into()))?;
        cohort.notices.push(RecallNotice {
            client: candidate.client,
            phone: candidate.phone.or(candidate.guardian_phone),
            first_name: candidate.first_name,
            last_name: candidate.last_name,
            date_of_birth,
            guardian: candidate.guardian,
            address: candidate.address,
            language: candidate.language,
            groups,
            last_notice: candidate.last_notice,
        });
    }
    progress(total, total);
    cohort.notices.sort_by_cached_key(|n| {
        (
            n.last_name.to_lowercase(),
            n.first_name.to_lowercase(),
            n.client,
        )
    });
    let summary = format!(
        "{}: born {} to {}, {} as of {}, by {}; {} clients, {} to notify",
        purpose.what(),
        criteria.born_from,
        criteria.born_to,
        criteria.window.code(),
        criteria.as_of,
        criteria.method.code(),
        total,
        cohort.notices.len()
    );
    let now = clock.now();
    let mut events = vec![actor.audit_event(now, AuditAction::RunReport, None, Some(summary))];
    events.extend(cohort.notices.iter().map(|n| {
        actor.audit_event(
            now,
            AuditAction::RunReport,
            Some(n.client),
            Some(purpose.what().into()),
        )
    }));
    let mut work = registry.begin(actor.origin(), now).await?;
    work.audit_many(&events).await?;
    work.commit().await?;
    Ok(Some(cohort))
}

/// The groups `candidate` is due or overdue for under `criteria` (the forecaster's rows).
fn due_of(
    engine: &Engine,
    candidate: &RecallCandidate,
    criteria: &RecallCriteria,
    on: shotbook_forecast::Date,
) -> UseCaseResult<Vec<RecallGroup>> {
    let (patient, _) = patient_of(
        &candidate.date_of_birth,
        &candidate.gender,
        candidate.doses.iter().map(|d| StoredDose {
            status: &d.status,
            cvx: &d.cvx,
            mvx: d.mvx.as_deref(),
            administered_on: &d.administered_on,
        }),
        candidate.comments.iter().map(|c| StoredComment {
            code: &c.code,
            applies_from: &c.applies_from,
            applies_until: c.applies_until.as_deref(),
            voided: c.voided,
        }),
        on,
    )
    .map_err(|e| PortError::Failed(Box::new(e)))?;
    Ok(due_groups(&engine.evaluate(&patient, on).rows(), criteria))
}

/// Stamps the cohort's notices as sent today, made as `outputs` (`letters`, `postcards`,
/// `labels`, `phone_list`, `csv`): each client's "last notice" from this organization, so a
/// rerun within 30 days leaves them out. Audited: one `reminder_notice` event per client.
pub async fn record_notices<R: Registry>(
    registry: &R,
    permit: &Permit<need::RunReports>,
    clock: &dyn Clock,
    cohort: &RecallCohort,
    outputs: &[&str],
) -> UseCaseResult<usize> {
    let actor = permit.actor();
    if cohort.organization != actor.organization_id {
        return Err(crate::UseCaseError::Forbidden {
            permission: "run_reports",
        });
    }
    if cohort.notices.is_empty() {
        return Ok(0);
    }
    let today = clock.today();
    let now = clock.now();
    let outputs = outputs.join(",");
    let records: Vec<NoticeRecord> = cohort
        .notices
        .iter()
        .map(|n| NoticeRecord {
            run: cohort.run,
            client: n.client,
            organization: cohort.organization,
            sent_on: today,
            method: cohort.criteria.method,
            outputs: outputs.clone(),
            by: actor.user_id,
        })
        .collect();
    let events: Vec<_> = cohort
        .notices
        .iter()
        .map(|n| {
            actor.audit_event(
                now,
                AuditAction::ReminderNotice,
                Some(n.client),
                Some(format!(
                    "run {} by {} ({outputs})",
                    cohort.run,
                    cohort.criteria.method.code()
                )),
            )
        })
        .collect();
    let mut work = registry.begin(actor.origin(), now).await?;
    work.record_notices(&records).await?;
    work.audit_many(&events).await?;
    work.commit().await?;
    Ok(records.len())
}
