//! The reports' ports on PostgreSQL (the SQLite store's semantics,
//! `crates/store/src/ports/reports.rs`).

use shotbook_core::ids::{ClientId, OrganizationId};
use shotbook_reports::administered::GivenDose;
use shotbook_reports::coverage::{CoverageClient, DoseRecord};
use shotbook_reports::lot_usage::{group_movements, LotHistory, LotMovement};
use shotbook_reports::school::calendar_date;
use shotbook_reports::status::{ProviderClientStatus, StatusAtOrganization};
use shotbook_usecases::ports::{CoverageMember, ReportReads};
use shotbook_usecases::{PortError, PortResult};
use time::Date;
use uuid::Uuid;

use crate::{failed, PgRegistry};

#[derive(sqlx::FromRow)]
struct MemberRow {
    id: Uuid,
    first_name: String,
    last_name: String,
    date_of_birth: Date,
    status: String,
    status_on: Option<Date>,
    /// The member's doses, column by column (all three `None` without doses).
    cvx: Option<Vec<String>>,
    administered_on: Option<Vec<Date>>,
    completed: Option<Vec<bool>>,
}

#[derive(sqlx::FromRow)]
struct GivenDoseRow {
    cvx: String,
    administered_on: Date,
    date_of_birth: Date,
    vfc_eligibility: Option<String>,
    funding_source: Option<String>,
}

#[derive(sqlx::FromRow)]
struct LotMovementRow {
    id: Uuid,
    cvx: String,
    mvx: String,
    trade_name: Option<String>,
    lot_number: String,
    expiration_date: Date,
    funding_source: String,
    kind: Option<String>,
    reason: Option<String>,
    quantity: Option<i64>,
    on_day: Option<Date>,
}

impl ReportReads for PgRegistry {
    async fn lot_histories(
        &self,
        organization: OrganizationId,
        to: Date,
    ) -> PortResult<Vec<LotHistory>> {
        let rows: Vec<LotMovementRow> = sqlx::query_as(
            "SELECT l.id, l.cvx, l.mvx, l.trade_name, l.lot_number, l.expiration_date,
                    l.funding_source, m.kind, m.reason, m.quantity,
                    (m.at AT TIME ZONE 'UTC')::date AS on_day
             FROM vaccine_lots l
             LEFT JOIN vaccine_lot_movements m
                    ON m.lot_id = l.id AND (m.at AT TIME ZONE 'UTC')::date <= $2
             WHERE l.organization_id = $1
             ORDER BY l.id",
        )
        .bind(organization.as_uuid())
        .bind(to)
        .fetch_all(self.pool())
        .await
        .map_err(failed)?;
        Ok(group_movements(rows.into_iter().map(|r| {
            let movement = match (r.kind, r.quantity, r.on_day) {
                (Some(kind), Some(quantity), Some(on)) => Some(LotMovement {
                    kind,
                    reason: r.reason,
                    quantity,
                    on,
                }),
                _ => None,
            };
            let lot = LotHistory {
                lot: r.id.to_string(),
                cvx: r.cvx,
                mvx: r.mvx,
                trade_name: r.trade_name,
                lot_number: r.lot_number,
                expiration_date: r.expiration_date,
                funding_source: r.funding_source,
                movements: Vec::new(),
            };
            (lot, movement)
        })))
    }

    async fn given_doses(
        &self,
        organization: OrganizationId,
        from: Date,
        to: Date,
    ) -> PortResult<Vec<GivenDose>> {
        let rows: Vec<GivenDoseRow> = sqlx::query_as(
            "SELECT i.cvx, i.administered_on, c.date_of_birth, i.vfc_eligibility, i.funding_source
             FROM immunizations i JOIN clients c ON c.id = i.client_id
             WHERE i.organization_id = $1 AND i.source = 'administered'
               AND i.status = 'completed' AND i.administered_on BETWEEN $2 AND $3",
        )
        .bind(organization.as_uuid())
        .bind(from)
        .bind(to)
        .fetch_all(self.pool())
        .await
        .map_err(failed)?;
        Ok(rows
            .into_iter()
            .map(|r| GivenDose {
                cvx: r.cvx,
                administered_on: r.administered_on,
                date_of_birth: r.date_of_birth,
                vfc_eligibility: r.vfc_eligibility,
                funding_source: r.funding_source,
            })
            .collect())
    }

    async fn coverage_members(
        &self,
        organization: OrganizationId,
        born_from: Date,
        born_to: Date,
    ) -> PortResult<Vec<CoverageMember>> {
        // One row per member, its doses gathered (as the SQLite store does).
        let rows: Vec<MemberRow> = sqlx::query_as(
            "SELECT c.id, c.first_name, c.last_name, c.date_of_birth,
                    COALESCE(co.status, 'active') AS status,
                    CASE WHEN co.status IS NULL THEN NULL ELSE co.status_on END AS status_on,
                    d.cvx, d.administered_on, d.completed
             FROM clients c
             LEFT JOIN client_organizations co
                    ON co.client_id = c.id AND co.organization_id = $1 AND co.voided_at IS NULL
             LEFT JOIN LATERAL (
                 SELECT array_agg(i.cvx) AS cvx, array_agg(i.administered_on) AS administered_on,
                        array_agg(i.status = 'completed') AS completed
                 FROM immunizations i WHERE i.client_id = c.id) d ON true
             WHERE c.merged_into IS NULL
               AND c.date_of_birth BETWEEN $2 AND $3
               AND (c.home_organization_id = $1 OR co.organization_id IS NOT NULL)",
        )
        .bind(organization.as_uuid())
        .bind(born_from)
        .bind(born_to)
        .fetch_all(self.pool())
        .await
        .map_err(failed)?;
        let mut members: Vec<CoverageMember> = Vec::with_capacity(rows.len());
        for row in rows {
            let status = ProviderClientStatus::from_code(&row.status)
                .ok_or_else(|| PortError::Failed("a stored client status does not parse".into()))?;
            let doses = row
                .cvx
                .unwrap_or_default()
                .into_iter()
                .zip(row.administered_on.unwrap_or_default())
                .zip(row.completed.unwrap_or_default())
                // A code that is not a number is no CVX code and counts for nothing.
                .filter_map(|((cvx, on), completed)| {
                    Some(DoseRecord {
                        cvx: cvx.trim().parse().ok()?,
                        date: calendar_date(on),
                        voided: !completed,
                    })
                })
                .collect();
            members.push(CoverageMember {
                client: CoverageClient {
                    id: ClientId::from_uuid(row.id),
                    dob: calendar_date(row.date_of_birth),
                    status: StatusAtOrganization {
                        status,
                        since: row.status_on.map(calendar_date),
                    },
                    doses,
                    visits: Vec::new(),
                },
                first_name: row.first_name,
                last_name: row.last_name,
            });
        }
        Ok(members)
    }
}
