//! An organization's coverage report through the ports: its clients counted by birth cohort
//! from their doses, its missed opportunities named, another organization's clients left out.

use shotbook_core::codes::Cvx;
use shotbook_core::ids::OrganizationId;
use shotbook_core::immunization::dose::HistoricalDose;
use shotbook_reports::coverage::{AgePoint, Measure};
use time::macros::date;

use super::{clock, nurse, Setup};
use crate::coverage::{organization_coverage, MissedListing, OrganizationCoverage};
use crate::immunizations::record_historical;
use crate::ports::Registry;
use crate::{need, Permit, UseCaseError};

/// The setup's client (born 01/01/2020) with one MMR dose at 12 months: up to date for MMR by
/// 24 months, not for varicella — and the MMR visit was a missed opportunity for varicella.
/// Returns the report (each registry's test checks its audit).
pub async fn an_organizations_coverage_counts_its_clients_by_cohort<R: Registry>(
    registry: &R,
    setup: &Setup,
) -> OrganizationCoverage {
    let clock = clock();
    let add = Permit::<need::AddImmunizations>::check(nurse(setup, setup.clinic)).unwrap();
    let outcome = record_historical(
        registry,
        &add,
        &clock,
        setup.client,
        vec![HistoricalDose {
            cvx: Cvx::parse("03").unwrap(),
            administered_on: date!(2021 - 01 - 05),
            provider: None,
        }],
        true,
    )
    .await
    .unwrap();
    assert!(outcome.saved);
    let reports = Permit::<need::RunReports>::check(nurse(setup, setup.clinic)).unwrap();
    let run = |born_from, born_to| {
        let reports = &reports;
        let clock = &clock;
        async move {
            organization_coverage(
                registry,
                reports,
                clock,
                (born_from, born_to),
                date!(2026 - 12 - 06),
                MissedListing::Screen,
            )
            .await
        }
    };
    let coverage = run(date!(2020 - 01 - 01), date!(2020 - 12 - 31))
        .await
        .unwrap();
    assert_eq!(coverage.clients, 1);
    let row = |age, measure| {
        coverage
            .report
            .row(2020, age, measure)
            .copied()
            .unwrap_or_else(|| panic!("a row for {age:?} {measure:?}"))
    };
    let mmr = row(AgePoint::Months24, Measure::Mmr1);
    assert_eq!((mmr.numerator, mmr.denominator), (1, 1));
    let varicella = row(AgePoint::Months24, Measure::Varicella1);
    assert_eq!((varicella.numerator, varicella.denominator), (0, 1));
    let tdap = row(AgePoint::Years13, Measure::Tdap1);
    assert_eq!((tdap.denominator, tdap.too_young), (0, 1));
    assert!(
        coverage.missed.iter().any(|m| m.client == setup.client
            && m.measure == Measure::Varicella1
            && m.visits == [date!(2021 - 01 - 05)]),
        "{:?}",
        coverage.missed
    );
    assert!(coverage
        .missed
        .iter()
        .all(|m| !m.last_name.is_empty() && m.date_of_birth == date!(2020 - 01 - 01)));

    // Nobody born in another range; the range is checked.
    assert_eq!(
        run(date!(2021 - 01 - 01), date!(2021 - 12 - 31))
            .await
            .unwrap()
            .clients,
        0
    );
    let backwards = run(date!(2021 - 01 - 01), date!(2020 - 01 - 01))
        .await
        .unwrap_err();
    assert!(
        matches!(&backwards, UseCaseError::Invalid(e) if e.issues[0].field == "bornTo"),
        "{backwards:?}"
    );
    // Another organization counts none of the clinic's clients.
    let elsewhere = Permit::<need::RunReports>::check(nurse(setup, OrganizationId::new())).unwrap();
    let theirs = organization_coverage(
        registry,
        &elsewhere,
        &clock,
        (date!(2020 - 01 - 01), date!(2020 - 12 - 31)),
        date!(2026 - 12 - 06),
        MissedListing::Screen,
    )
    .await
    .unwrap();
    assert_eq!((theirs.clients, theirs.missed.len()), (0, 0));
    coverage
}
