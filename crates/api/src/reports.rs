//! Reports on the desktop: the organization's immunization coverage (NIS measures by birth
//! cohort, the missed-opportunity list) and the doses it administered (by vaccine, age band,
//! VFC eligibility and funding). The rules and the audit are the use cases'.

use shotbook_core::date::UsDate;
use shotbook_core::error::{Issue, IssueCollector};
use shotbook_reports::administered::{AgeBand, Period};
use shotbook_reports::coverage::AgePoint;
use shotbook_usecases::administered::doses_administered;
use shotbook_usecases::coverage::{organization_coverage, MissedListing};
use shotbook_usecases::lot_usage::lot_usage;
use shotbook_usecases::need;
use time::{Date, Month};

use crate::dto::{
    CoverageRequest, CoverageRow, CoverageView, DosesAdministeredRequest, DosesAdministeredView,
    DosesLine, LotUsageLine, LotUsageRequest, LotUsageView, MissedOpportunityLine, SavedExport,
};
use crate::error::{AppError, AppResult};
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

/// The organization's coverage of its clients born in the range, as of a day, with the first
/// lines of the missed-opportunity list. Each client the list names is audited.
pub async fn coverage_report(
    ctx: &AppContext,
    request: CoverageRequest,
) -> AppResult<CoverageView> {
    run_coverage(ctx, request, MissedListing::Screen).await
}

async fn run_coverage(
    ctx: &AppContext,
    request: CoverageRequest,
    listing: MissedListing,
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
    let coverage = organization_coverage(
        ctx.store(),
        &permit,
        ctx.clock(),
        (born_from, born_to),
        as_of,
        listing,
    )
    .await?;
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

/// The doses the organization gave in the period (blank: this month so far), by vaccine, age
/// band, VFC eligibility and funding source. Names nobody; the run is audited.
pub async fn doses_administered_report(
    ctx: &AppContext,
    request: DosesAdministeredRequest,
) -> AppResult<DosesAdministeredView> {
    let (permit, session) = ctx.permit::<need::RunReports>().await?;
    let period = Period::parse(&request.from, &request.to, ctx.clock().today())?;
    let report = doses_administered(ctx.store(), &permit, ctx.clock(), period).await?;
    let names = shotbook_store::codes::vaccine_names(ctx.store()).await?;
    let line = |l: &shotbook_reports::administered::Line, named: bool| DosesLine {
        code: l.code.clone(),
        name: if named {
            l.code.as_ref().and_then(|c| names.get(c).cloned())
        } else {
            None
        },
        by_age: l.counts.by_age.iter().map(|n| clamp(*n)).collect(),
        total: clamp(l.counts.total),
    };
    let us = |d: Date| UsDate::from_date(d).to_string();
    Ok(DosesAdministeredView {
        organization_name: session.organization_name,
        from: us(period.from),
        to: us(period.to),
        age_bands: AgeBand::ALL.iter().map(|b| b.code().to_owned()).collect(),
        by_vaccine: report.by_vaccine.iter().map(|l| line(l, true)).collect(),
        by_eligibility: report
            .by_eligibility
            .iter()
            .map(|l| line(l, false))
            .collect(),
        by_funding: report.by_funding.iter().map(|l| line(l, false)).collect(),
        total: DosesLine {
            code: None,
            name: None,
            by_age: report.total.by_age.iter().map(|n| clamp(*n)).collect(),
            total: clamp(report.total.total),
        },
    })
}

/// The report as CSV: one row per vaccine, then the eligibility and funding lines.
pub fn doses_administered_csv(view: &DosesAdministeredView) -> AppResult<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::internal(format!("writing the doses CSV: {e}"));
    out.write_record([
        "Section", "Code", "Name", "Under 1", "1-6", "7-18", "19+", "Total",
    ])
    .map_err(fail)?;
    let sections = [
        ("Vaccine (CVX)", &view.by_vaccine),
        ("VFC eligibility", &view.by_eligibility),
        ("Funding source", &view.by_funding),
    ];
    for (section, lines) in sections {
        for l in lines.iter() {
            let mut row = vec![
                section.to_owned(),
                l.code.clone().unwrap_or_else(|| "not recorded".into()),
                l.name.clone().unwrap_or_default(),
            ];
            row.extend(l.by_age.iter().map(|n| n.to_string()));
            row.push(l.total.to_string());
            out.write_record(&row).map_err(fail)?;
        }
    }
    let mut total = vec!["Total".to_owned(), String::new(), String::new()];
    total.extend(view.total.by_age.iter().map(|n| n.to_string()));
    total.push(view.total.total.to_string());
    out.write_record(&total).map_err(fail)?;
    out.into_inner()
        .map_err(|e| AppError::internal(format!("writing the doses CSV: {e}")))
}

/// Runs the report (audited) and writes it as CSV to `path`, readable only by the user.
pub async fn save_doses_administered_csv(
    ctx: &AppContext,
    request: DosesAdministeredRequest,
    path: &std::path::Path,
) -> AppResult<SavedExport> {
    let view = doses_administered_report(ctx, request).await?;
    let bytes = doses_administered_csv(&view)?;
    crate::files::save_private(path, bytes, "the doses CSV").await?;
    Ok(SavedExport {
        path: path.display().to_string(),
        rows: clamp(view.by_vaccine.len()),
    })
}

/// The coverage report as CSV, in two parts: the measures by birth year and age point, then
/// every missed-opportunity line the view names. Measures and age points are written as CDC's
/// NIS names them, with the stable code beside, so a spreadsheet reads without a legend.
pub fn coverage_csv(view: &CoverageView) -> AppResult<Vec<u8>> {
    let mut out = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::internal(format!("writing the coverage CSV: {e}"));
    out.write_record([
        format!("Immunization coverage: {}", view.organization_name),
        format!("Born {} to {}", view.born_from, view.born_to),
        format!("As of {}", view.as_of),
        format!("{} clients", view.clients),
    ])
    .map_err(fail)?;
    out.write_record([
        "Birth year",
        "Age point",
        "Measure",
        "Measure code",
        "Up to date",
        "Assessed",
        "Coverage %",
        "Too young",
        "Left the denominator",
    ])
    .map_err(fail)?;
    for r in &view.rows {
        out.write_record([
            r.birth_year.to_string(),
            nis_age_point(&r.age_point).to_owned(),
            nis_measure(&r.measure).to_owned(),
            r.measure.clone(),
            r.numerator.to_string(),
            r.denominator.to_string(),
            r.percent.map(|p| format!("{p:.1}")).unwrap_or_default(),
            r.too_young.to_string(),
            r.left_denominator.to_string(),
        ])
        .map_err(fail)?;
    }
    out.write_record([""]).map_err(fail)?;
    out.write_record([format!(
        "Missed opportunities: {} listed of {}",
        view.missed.len(),
        view.missed_total
    )])
    .map_err(fail)?;
    out.write_record([
        "Last name",
        "First name",
        "Date of birth",
        "Age point",
        "Measure",
        "Visits without the due dose",
    ])
    .map_err(fail)?;
    for m in &view.missed {
        out.write_record([
            m.last_name.as_str(),
            m.first_name.as_str(),
            m.date_of_birth.as_str(),
            nis_age_point(&m.age_point),
            nis_measure(&m.measure),
            &m.visits.join(" "),
        ])
        .map_err(fail)?;
    }
    out.into_inner()
        .map_err(|e| AppError::internal(format!("writing the coverage CSV: {e}")))
}

/// An age point's name in the export.
fn nis_age_point(code: &str) -> &str {
    AgePoint::ALL
        .iter()
        .find(|a| a.code() == code)
        .map_or(code, |a| a.label())
}

/// A measure's name in the export.
fn nis_measure(code: &str) -> &str {
    AgePoint::ALL
        .iter()
        .flat_map(|a| a.measures())
        .find(|m| m.code() == code)
        .map_or(code, |m| m.label())
}

/// "Export CSV…" of the coverage report: runs it with the whole missed-opportunity list the
/// user may see (each client named is audited as exported) and writes it to `path`, readable
/// only by the user.
pub async fn save_coverage_csv(
    ctx: &AppContext,
    request: CoverageRequest,
    path: &std::path::Path,
) -> AppResult<SavedExport> {
    let view = run_coverage(ctx, request, MissedListing::Export).await?;
    let bytes = coverage_csv(&view)?;
    crate::files::save_private(path, bytes, "the coverage CSV").await?;
    Ok(SavedExport {
        path: path.display().to_string(),
        rows: clamp(view.rows.len() + view.missed.len()),
    })
}

/// Each lot's start, receipts, doses given, wastage, expiry, returns, transfers, corrections
/// and end for the period (blank: this month so far). The run is audited.
pub async fn lot_usage_report(
    ctx: &AppContext,
    request: LotUsageRequest,
) -> AppResult<LotUsageView> {
    let (permit, session) = ctx.permit::<need::ManageLots>().await?;
    let period = Period::parse(&request.from, &request.to, ctx.clock().today())?;
    let lots = lot_usage(ctx.store(), &permit, ctx.clock(), period).await?;
    let names = shotbook_store::codes::vaccine_names(ctx.store()).await?;
    let us = |d: Date| UsDate::from_date(d).to_string();
    let n = |v: i64| i32::try_from(v).unwrap_or(i32::MAX);
    Ok(LotUsageView {
        organization_name: session.organization_name,
        from: us(period.from),
        to: us(period.to),
        lots: lots
            .into_iter()
            .map(|(lot, used)| LotUsageLine {
                vaccine: names.get(&lot.cvx).cloned(),
                expired_with_stock: lot.expiration_date < period.to && used.end > 0,
                cvx: lot.cvx,
                mvx: lot.mvx,
                trade_name: lot.trade_name,
                lot_number: lot.lot_number,
                expiration_date: us(lot.expiration_date),
                funding_source: lot.funding_source,
                start: n(used.start),
                received: n(used.received),
                administered: n(used.administered),
                wasted: n(used.wasted),
                expired: n(used.expired),
                returned: n(used.returned),
                transferred: n(used.transferred),
                corrected: n(used.corrected),
                end: n(used.end),
            })
            .collect(),
    })
}
