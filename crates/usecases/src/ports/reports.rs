//! The reports' ports: what an organization's coverage report reads of its clients, and the
//! doses it gave for the doses-administered report.

use std::future::Future;

use shotbook_core::ids::OrganizationId;
use shotbook_reports::administered::GivenDose;
use shotbook_reports::coverage::CoverageClient;
use shotbook_reports::lot_usage::LotHistory;
use time::Date;

use crate::PortResult;

/// A client of an organization, as the coverage engine reads it, with the name a
/// missed-opportunity list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageMember {
    /// Date of birth, status at the organization, doses (voided ones flagged).
    pub client: CoverageClient,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
}

/// Reads for reports.
pub trait ReportReads {
    /// The organization's clients — its home clients and those with a relationship to it (not
    /// voided) — born between `born_from` and `born_to` (inclusive), with their status at the
    /// organization and every dose; clients merged into another are left out.
    fn coverage_members(
        &self,
        organization: OrganizationId,
        born_from: Date,
        born_to: Date,
    ) -> impl Future<Output = PortResult<Vec<CoverageMember>>> + Send;

    /// The doses `organization` gave (administered there, not voided) from `from` to `to`
    /// (inclusive), each with the patient's date of birth.
    fn given_doses(
        &self,
        organization: OrganizationId,
        from: Date,
        to: Date,
    ) -> impl Future<Output = PortResult<Vec<GivenDose>>> + Send;

    /// Every lot of `organization` with its movements up to `to` (inclusive; by the day of the
    /// movement, UTC).
    fn lot_histories(
        &self,
        organization: OrganizationId,
        to: Date,
    ) -> impl Future<Output = PortResult<Vec<LotHistory>>> + Send;
}
