//! The reports' ports in memory.

use shotbook_core::ids::OrganizationId;
use shotbook_core::immunization::entry::DoseSource;
use shotbook_reports::administered::GivenDose;
use shotbook_reports::coverage::{CoverageClient, DoseRecord};
use shotbook_reports::lot_usage::LotHistory;
use shotbook_reports::school::calendar_date;
use shotbook_reports::status::{ProviderClientStatus, StatusAtOrganization};
use time::Date;

use super::search::rows;
use super::MemoryRegistry;
use crate::ports::{CoverageMember, ReportReads};
use crate::{PortError, PortResult};

impl ReportReads for MemoryRegistry {
    async fn lot_histories(
        &self,
        organization: OrganizationId,
        to: Date,
    ) -> PortResult<Vec<LotHistory>> {
        self.read(|s| {
            s.lots
                .values()
                .filter(|l| l.facts.organization_id == organization)
                .map(|l| LotHistory {
                    lot: l.id.to_string(),
                    cvx: l.facts.cvx.as_str().to_string(),
                    mvx: l.mvx.clone().unwrap_or_default(),
                    trade_name: None,
                    lot_number: l.facts.lot_number.clone(),
                    expiration_date: l.facts.expires_on,
                    funding_source: l.funding.map_or("vfc", |f| f.code()).to_string(),
                    movements: s
                        .lot_movements
                        .iter()
                        .filter(|(lot, m)| *lot == l.id && m.on <= to)
                        .map(|(_, m)| m.clone())
                        .collect(),
                })
                .collect()
        })
    }

    async fn given_doses(
        &self,
        organization: OrganizationId,
        from: Date,
        to: Date,
    ) -> PortResult<Vec<GivenDose>> {
        // The memory registry keeps no VFC eligibility or funding: the doses are counted
        // without them.
        self.read(|s| {
            s.doses
                .iter()
                .filter(|d| {
                    d.source == DoseSource::Administered
                        && !d.voided
                        && d.owner == Some(organization)
                        && from <= d.administered_on
                        && d.administered_on <= to
                })
                .filter_map(|d| {
                    Some(GivenDose {
                        cvx: d.cvx.clone(),
                        administered_on: d.administered_on,
                        date_of_birth: s.clients.get(&d.client)?.date_of_birth,
                        vfc_eligibility: None,
                        funding_source: None,
                    })
                })
                .collect()
        })
    }

    async fn coverage_members(
        &self,
        organization: OrganizationId,
        born_from: Date,
        born_to: Date,
    ) -> PortResult<Vec<CoverageMember>> {
        self.read(|s| {
            let lines = rows(s);
            let mut members = Vec::new();
            for (id, facts) in &s.clients {
                let home = facts.organizations.first() == Some(&organization);
                let membership = s
                    .demographics
                    .get(id)
                    .and_then(|d| d.memberships.iter().find(|(o, _, _)| *o == organization));
                let in_range = born_from <= facts.date_of_birth && facts.date_of_birth <= born_to;
                if facts.merged_into.is_some() || !in_range || !(home || membership.is_some()) {
                    continue;
                }
                let status = match membership {
                    Some((_, code, since)) => StatusAtOrganization {
                        status: ProviderClientStatus::from_code(code).ok_or_else(|| {
                            PortError::Failed("a stored client status does not parse".into())
                        })?,
                        since: Some(calendar_date(*since)),
                    },
                    None => StatusAtOrganization::ACTIVE,
                };
                let doses = s
                    .doses
                    .iter()
                    .filter(|d| d.client == *id)
                    .filter_map(|d| {
                        Some(DoseRecord {
                            cvx: d.cvx.trim().parse().ok()?,
                            date: calendar_date(d.administered_on),
                            voided: d.voided,
                        })
                    })
                    .collect();
                let line = lines.iter().find(|r| r.line.id == *id).map(|r| &r.line);
                members.push(CoverageMember {
                    client: CoverageClient {
                        id: *id,
                        dob: calendar_date(facts.date_of_birth),
                        status,
                        doses,
                        visits: Vec::new(),
                    },
                    first_name: line.map(|l| l.first_name.clone()).unwrap_or_default(),
                    last_name: line.map(|l| l.last_name.clone()).unwrap_or_default(),
                });
            }
            Ok(members)
        })?
    }
}
