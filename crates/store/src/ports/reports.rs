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
struct MemberRow {
    id: String,
    first_name: String,
    last_name: String,
    date_of_birth: String,
    status: String,
    status_on: Option<String>,
    /// The member's doses as a JSON array of `[cvx, administered_on, completed (0/1)]`.
    doses: String,
}

/// A dose as `coverage_members` writes it: CVX code, ISO date given, completed (0/1).
type JsonDose = (String, String, i64);

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
        // One statement and one row per member of the organization born in the range, its
        // doses gathered by SQLite: a row per dose cost more in decoding than the report's
        // arithmetic (a 50,000-client organization has ~900,000 doses).
        let rows: Vec<MemberRow> = sqlx::query_as(
            "SELECT c.id, c.first_name, c.last_name, c.date_of_birth,
                    COALESCE(co.status, 'active') AS status,
                    CASE WHEN co.status IS NULL THEN NULL ELSE co.status_on END AS status_on,
                    (SELECT json_group_array(json_array(i.cvx, i.administered_on,
                                                        i.status = 'completed'))
                     FROM immunizations i WHERE i.client_id = c.id) AS doses
             FROM clients c
             LEFT JOIN client_organizations co
                    ON co.client_id = c.id AND co.organization_id = ?1 AND co.voided_at IS NULL
             WHERE c.merged_into IS NULL
               AND c.date_of_birth BETWEEN ?2 AND ?3
               AND (c.home_organization_id = ?1 OR co.organization_id IS NOT NULL)",
        )
        .bind(organization.to_string())
        .bind(iso(born_from))
        .bind(iso(born_to))
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::from)?;
        let mut members: Vec<CoverageMember> = Vec::with_capacity(rows.len());
        for row in rows {
            let status = ProviderClientStatus::from_code(&row.status)
                .ok_or_else(|| PortError::Failed("a stored client status does not parse".into()))?;
            let stored: Vec<JsonDose> = serde_json::from_str(&row.doses)
                .map_err(|_| PortError::Failed("a member's doses do not parse".into()))?;
            let mut doses = Vec::with_capacity(stored.len());
            for (cvx, on, completed) in stored {
                // A code that is not a number is no CVX code and counts for nothing.
                let Ok(cvx) = cvx.trim().parse() else {
                    continue;
                };
                doses.push(DoseRecord {
                    cvx,
                    date: calendar_date(date(&on)?),
                    voided: completed == 0,
                });
            }
            members.push(CoverageMember {
                client: CoverageClient {
                    id: uuid(&row.id, "client id")?,
                    dob: calendar_date(date(&row.date_of_birth)?),
                    status: StatusAtOrganization {
                        status,
                        since: optional_date(row.status_on.as_deref())?.map(calendar_date),
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
