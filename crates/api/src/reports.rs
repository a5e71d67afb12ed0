//! Reports on the desktop: the organization's immunization coverage (NIS measures by birth
//! cohort, the missed-opportunity list). The rules and the audit are the use case's.

use shotbook_core::date::UsDate;
use shotbook_core::error::{Issue, IssueCollector};
use shotbook_usecases::coverage::organization_coverage;
use shotbook_usecases::need;
use time::{Date, Month};

use crate::dto::{CoverageRequest, CoverageRow, CoverageView, MissedOpportunityLine};
use crate::error::AppResult;
use crate::AppContext;

fn clamp(n: impl TryInto<i32>) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
}

fn day(field: &str, text: &str, default: Date, issues: &mut IssueCollector) -> Option<Date> {
    if text.trim().is_empty() {
        return Some(default);
    }
    issues.take(
        UsDate::parse(text)
            .map(|d| d.date())
            .map_err(|e| Issue::new(field, e.to_string())),
    )
}

/// The organization's coverage of its clients born in the range, as of a day. Each client the
/// missed-opportunity list names is audited.
pub async fn coverage_report(
    ctx: &AppContext,
    request: CoverageRequest,
) -> AppResult<CoverageView> {
    let (permit, session) = ctx.permit::<need::RunReports>().await?;
    let today = ctx.clock().today();
    let mut issues = IssueCollector::new();
    let as_of = day("asOf", &request.as_of, today, &mut issues);
    let year = as_of.unwrap_or(today).year();
    let jan_1 = |y: i32| Date::from_calendar_date(y, Month::January, 1).unwrap_or(today);
    let dec_31 = |y: i32| Date::from_calendar_date(y, Month::December, 31).unwrap_or(today);
    let born_from = day("bornFrom", &request.born_from, jan_1(year - 3), &mut issues);
    let born_to = day("bornTo", &request.born_to, dec_31(year - 2), &mut issues);
    issues.finish()?;
    let (Some(as_of), Some(born_from), Some(born_to)) = (as_of, born_from, born_to) else {
        unreachable!("every field parsed when no issue was collected")
    };
    let coverage =
        organization_coverage(ctx.store(), &permit, ctx.clock(), born_from, born_to, as_of).await?;
    tracing::info!(
        clients = coverage.clients,
        rows = coverage.report.rows.len(),
        listed = coverage.missed.len(),
        "coverage report"
    );
    let us = |d: Date| UsDate::from_date(d).to_string();
    Ok(CoverageView {
        organization_name: session.organization_name,
        born_from: us(born_from),
        born_to: us(born_to),
        as_of: us(as_of),
        clients: clamp(coverage.clients),
        missed_total: clamp(coverage.missed_total),
        rows: coverage
            .report
            .rows
            .iter()
            .map(|r| CoverageRow {
                birth_year: r.birth_year,
                age_point: r.age_point.code().to_owned(),
                measure: r.measure.code().to_owned(),
                numerator: clamp(r.numerator),
                denominator: clamp(r.denominator),
                too_young: clamp(r.too_young),
                left_denominator: clamp(r.left_denominator),
                percent: r.percent().map(|p| (p * 10.0).round() / 10.0),
            })
            .collect(),
        missed: coverage
            .missed
            .into_iter()
            .map(|m| MissedOpportunityLine {
                client_id: m.client.to_string(),
                first_name: m.first_name,
                last_name: m.last_name,
                date_of_birth: us(m.date_of_birth),
                age_point: m.age_point.code().to_owned(),
                measure: m.measure.code().to_owned(),
                visits: m.visits.into_iter().map(us).collect(),
            })
            .collect(),
    })
}
