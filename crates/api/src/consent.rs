//! Opt-in consent: the rule applied to every read of a client (see
//! [`shotbook_core::consent::client_access`]), and recording consent, granted or withdrawn.

use shotbook_core::consent::{ClientAccess, RecordView};
use shotbook_core::demographics::{ConsentEntry, ConsentInput};
use shotbook_core::error::IssueCollector;
use shotbook_core::ids::ClientId;
use shotbook_core::session::Session;
use shotbook_store::demographics;
use shotbook_usecases::demographics as usecases;
use shotbook_usecases::{need, Actor};

use crate::dto::{ClientSummary, ConsentHistoryEntry, RecordAccess, UpdateConsentRequest};
use crate::error::{AppError, AppResult};
use crate::AppContext;

/// What the signed-in user may see and do with `client`, by the consent rule.
///
/// Every command that returns or prints client data calls this after its permission check and
/// refuses (or trims to identification) what the answer does not allow. The check reads the
/// consent status at the moment of the call, so a withdrawal takes effect on the next read.
pub async fn access_to(
    ctx: &AppContext,
    session: &Session,
    client: ClientId,
) -> AppResult<ClientAccess> {
    let actor = Actor::at_workstation(session, ctx.workstation());
    Ok(
        shotbook_usecases::access::access_to(ctx.store(), &actor, client, ctx.clock().today())
            .await?,
    )
}

/// A result-list line trimmed to what identification-only access shows (no guardian, address
/// or organization); unchanged when the record may be seen in full.
pub fn summary_for(access: &ClientAccess, summary: ClientSummary) -> ClientSummary {
    if access.is_full() && access.contacts {
        return summary;
    }
    if access.is_full() {
        // A school sees the line, not how to reach the family.
        return ClientSummary {
            guardian_name: None,
            address: None,
            ..summary
        };
    }
    ClientSummary {
        guardian_name: None,
        address: None,
        organization_name: None,
        ..summary
    }
}

/// The access decision as the UI receives it.
pub fn record_access(access: &ClientAccess) -> RecordAccess {
    RecordAccess {
        view: match access.view {
            RecordView::Full => "full",
            RecordView::IdentificationOnly => "identification",
            RecordView::None => "none",
        }
        .to_string(),
        restriction: access.restriction.map(|r| r.code().to_string()),
        may_print: access.may_print,
        may_update_consent: access.may_update_consent,
        may_edit_demographics: access.may_edit_demographics,
    }
}

/// Records a consent entry (granted, not granted or withdrawn). Takes effect at once: the next
/// read by another organization is restricted. Audited with the new status. Allowed to every
/// role with [`UpdateConsent`](shotbook_core::permission::Permission::UpdateConsent),
/// Montana's "Read Only with Consent" included, even on a record they see at identification
/// level only (that is how consent gets recorded). The rule and the audit are
/// [`shotbook_usecases::demographics::record_consent`]'s.
pub async fn update_consent(
    ctx: &AppContext,
    request: UpdateConsentRequest,
) -> AppResult<Vec<ConsentHistoryEntry>> {
    let (permit, _) = ctx.permit::<need::UpdateConsent>().await?;
    let client = crate::convert::client_id(&request.client_id)?;
    let mut issues = IssueCollector::new();
    let entry = ConsentEntry::parse(
        "",
        ConsentInput {
            status: &request.status,
            effective_on: &request.effective_on,
            method: &request.method,
            given_by: &request.given_by,
        },
        ctx.clock().today(),
        &mut issues,
    );
    issues.finish()?;
    let entry = entry.ok_or_else(|| AppError::internal("consent parsed without a value"))?;
    // Granting may have opened the record; withdrawing may have closed it.
    let access =
        usecases::record_consent(ctx.store(), &permit, ctx.clock(), client, &entry).await?;
    tracing::info!(status = entry.status.code(), "consent recorded");
    consent_history_for(ctx, client, &access).await
}

/// The consent history, newest first, as `access` allows: who gave or withdrew consent (a
/// guardian's name), who recorded it and at which organization are beyond identification, so a
/// restricted view leaves them out.
pub(crate) async fn consent_history_for(
    ctx: &AppContext,
    client: ClientId,
    access: &ClientAccess,
) -> AppResult<Vec<ConsentHistoryEntry>> {
    let full = access.is_full();
    Ok(demographics::consent_history(ctx.store(), client)
        .await?
        .into_iter()
        .map(|r| ConsentHistoryEntry {
            id: r.id,
            status: r.status,
            effective_on: crate::convert::us_date(&r.effective_on),
            method: r.method,
            given_by: r.given_by.filter(|_| full),
            // Where and by whom the client was seen is beyond identification too.
            recorded_by: r.recorded_by_name.filter(|_| full),
            organization_name: r.organization_name.filter(|_| full),
        })
        .collect())
}
