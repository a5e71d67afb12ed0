//! The doses-administered report of a provider's own organization (what a VFC provider
//! reports for a period). The tally is `shotbook_reports::administered`'s; here: who may run
//! it, whose doses it counts (the doses the organization gave), and the audit. The report names
//! nobody, so one `run_report` event records it.

use shotbook_core::audit::AuditAction;
use shotbook_core::clock::Clock;
use shotbook_reports::administered::{tally, DosesAdministered, Period};

use crate::ports::{AuditWrites, Registry, UnitOfWork};
use crate::{need, Permit, UseCaseResult};

/// The doses the actor's organization gave in `period` (administered, not voided), tallied by
/// vaccine, age band, VFC eligibility and funding source.
pub async fn doses_administered<R: Registry>(
    registry: &R,
    permit: &Permit<need::RunReports>,
    clock: &dyn Clock,
    period: Period,
) -> UseCaseResult<DosesAdministered> {
    let actor = permit.actor();
    let doses = registry
        .given_doses(actor.organization_id, period.from, period.to)
        .await?;
    let report = tally(&doses);
    let scope = format!(
        "doses administered: {} to {}; {} doses",
        period.from, period.to, report.total.total
    );
    let mut work = registry.begin(actor.origin(), clock.now()).await?;
    work.audit(&actor.audit_event(clock.now(), AuditAction::RunReport, None, Some(scope)))
        .await?;
    work.commit().await?;
    Ok(report)
}
