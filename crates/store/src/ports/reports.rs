//! The reports' ports on SQLite.

use shotbook_core::ids::OrganizationId;
use shotbook_reports::administered::GivenDose;
use shotbook_reports::coverage::{CoverageClient, DoseRecord};
use shotbook_reports::lot_usage::{group_movements, LotHistory, LotMovement};
use shotbook_reports::school::calendar_date;
use shotbook_reports::status::{ProviderClientStatus, StatusAtOrganization};
use shotbook_usecases::ports::{CoverageMember, ReportReads};
use shotbook_usecases::{PortError, PortResult};
use time::Date;

use super::{date, iso, optional_date, uuid};
use crate::{Store, StoreError};

#[derive(sqlx::FromRow)]
struct MemberDoseRow {
    id: String,
    first_name: String,
    last_name: String,
    date_of_birth: String,
    status: String,
    status_on: Option<String>,
    cvx: Option<String>,
    administered_on: Option<String>,
    dose_status: Option<String>,
}

#[derive(sqlx::FromRow)]
struct GivenDoseRow {
    cvx: String,
    administered_on: String,
    date_of_birth: String,
    vfc_eligibility: Option<String>,
    funding_source: Option<String>,
}

#[derive(sqlx::FromRow)]
struct LotMovementRow {
    id: String,
    cvx: String,
    mvx: String,
    trade_name: Option<String>,
    lot_number: String,
    expiration_date: String,
    funding_source: String,
    kind: Option<String>,
    reason: Option<String>,
    quantity: Option<i64>,
    on_day: Option<String>,
}

impl LotMovementRow {
    /// The lot (movements left empty) and the row's movement, if it has one.
    fn split(self) -> PortResult<(LotHistory, Option<LotMovement>)> {
        let movement = match (self.kind, self.quantity, self.on_day) {
            (Some(kind), Some(quantity), Some(on)) => Some(LotMovement {
                kind,
                reason: self.reason,
                quantity,
                on: date(&on)?,
            }),
            _ => None,
        };
        let lot = LotHistory {
            lot: self.id,
            cvx: self.cvx,
            mvx: self.mvx,
            trade_name: self.trade_name,
            lot_number: self.lot_number,
            expiration_date: date(&self.expiration_date)?,
            funding_source: self.funding_source,
            movements: Vec::new(),
        };
        Ok((lot, movement))
    }
}

impl ReportReads for Store {
    async fn lot_histories(
        &self,
        organization: OrganizationId,
        to: Date,
    ) -> PortResult<Vec<LotHistory>> {
        let rows: Vec<LotMovementRow> = sqlx::query_as(
            "SELECT l.id, l.cvx, l.mvx, l.trade_name, l.lot_number, l.expiration_date,
                    l.funding_source, m.kind, m.reason, m.quantity, substr(m.at, 1, 10) AS on_day
             FROM vaccine_lots l
             LEFT JOIN vaccine_lot_movements m ON m.lot_id = l.id AND substr(m.at, 1, 10) <= ?2
             WHERE l.organization_id = ?1
             ORDER BY l.id",
        )
        .bind(organization.to_string())
        .bind(iso(to))
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::from)?;
        Ok(group_movements(
            rows.into_iter()
                .map(LotMovementRow::split)
                .collect::<PortResult<Vec<_>>>()?,
        ))
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
             WHERE i.organization_id = ?1 AND i.source = 'administered'
               AND i.status = 'completed' AND i.administered_on BETWEEN ?2 AND ?3",
        )
        .bind(organization.to_string())
        .bind(iso(from))
        .bind(iso(to))
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::from)?;
        rows.into_iter()
            .map(|r| {
                Ok(GivenDose {
                    cvx: r.cvx,
                    administered_on: date(&r.administered_on)?,
                    date_of_birth: date(&r.date_of_birth)?,
                    vfc_eligibility: r.vfc_eligibility,
                    funding_source: r.funding_source,
                })
            })
            .collect()
    }

    async fn coverage_members(
        &self,
        organization: OrganizationId,
        born_from: Date,
        born_to: Date,
    ) -> PortResult<Vec<CoverageMember>> {
        // One statement: every member of the organization born in the range, each with its
        // doses (a member without doses comes once with NULL dose columns).
        let rows: Vec<MemberDoseRow> = sqlx::query_as(
            "WITH members AS (
                 SELECT c.id, c.first_name, c.last_name, c.date_of_birth,
                        COALESCE(co.status, 'active') AS status,
                        CASE WHEN co.status IS NULL THEN NULL ELSE co.status_on END AS status_on
                 FROM clients c
                 LEFT JOIN client_organizations co
                        ON co.client_id = c.id AND co.organization_id = ?1 AND co.voided_at IS NULL
                 WHERE c.merged_into IS NULL
                   AND c.date_of_birth BETWEEN ?2 AND ?3
                   AND (c.home_organization_id = ?1 OR co.organization_id IS NOT NULL))
             SELECT m.id, m.first_name, m.last_name, m.date_of_birth, m.status, m.status_on,
                    i.cvx, i.administered_on, i.status AS dose_status
             FROM members m LEFT JOIN immunizations i ON i.client_id = m.id
             ORDER BY m.id, i.administered_on",
        )
        .bind(organization.to_string())
        .bind(iso(born_from))
        .bind(iso(born_to))
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::from)?;
        let mut members: Vec<CoverageMember> = Vec::new();
        for row in rows {
            let id = uuid(&row.id, "client id")?;
            if members.last().is_none_or(|m| m.client.id != id) {
                let status = ProviderClientStatus::from_code(&row.status).ok_or_else(|| {
                    PortError::Failed("a stored client status does not parse".into())
                })?;
                members.push(CoverageMember {
                    client: CoverageClient {
                        id,
                        dob: calendar_date(date(&row.date_of_birth)?),
                        status: StatusAtOrganization {
                            status,
                            since: optional_date(row.status_on.as_deref())?.map(calendar_date),
                        },
                        doses: Vec::new(),
                        visits: Vec::new(),
                    },
                    first_name: row.first_name,
                    last_name: row.last_name,
                });
            }
            let (Some(cvx), Some(on)) = (row.cvx, row.administered_on) else {
                continue;
            };
            // A code that is not a number is no CVX code and counts for nothing.
            let Ok(cvx) = cvx.trim().parse() else {
                continue;
            };
            if let Some(member) = members.last_mut() {
                member.client.doses.push(DoseRecord {
                    cvx,
                    date: calendar_date(date(&on)?),
                    voided: row.dose_status.as_deref() != Some("completed"),
                });
            }
        }
        Ok(members)
    }
}
