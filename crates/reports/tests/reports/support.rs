//! Builders shared by the test modules.

use shotbook_core::ids::ClientId;
use shotbook_reports::catalog::VaccineCatalog;
use shotbook_reports::coverage::{
    assess_client, AgePoint, CoverageClient, DoseRecord, Measure, MeasureOutcome,
};
use shotbook_reports::status::StatusAtOrganization;
use shotbook_reports::Date;

pub fn d(s: &str) -> Date {
    Date::parse(s).unwrap_or_else(|| panic!("test date {s}"))
}

pub fn doses(list: &[(u16, &str)]) -> Vec<DoseRecord> {
    list.iter()
        .map(|&(cvx, date)| DoseRecord::given(cvx, d(date)))
        .collect()
}

pub fn client(dob: &str, list: &[(u16, &str)]) -> CoverageClient {
    CoverageClient {
        id: ClientId::new(),
        dob: d(dob),
        status: StatusAtOrganization::ACTIVE,
        doses: doses(list),
        visits: Vec::new(),
    }
}

pub fn outcome(
    client: &CoverageClient,
    as_of: &str,
    age_point: AgePoint,
    measure: Measure,
) -> MeasureOutcome {
    assess_client(VaccineCatalog::embedded(), client, d(as_of))
        .into_iter()
        .find(|r| r.age_point == age_point && r.measure == measure)
        .expect("every measure of every age point is reported")
        .outcome
}
