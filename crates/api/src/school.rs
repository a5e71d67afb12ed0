//! The school module on the desktop (ImmTrac2's "manage list", "find student", "check school
//! report"): a school's or child-care facility's student lists, roster import, and the list's
//! compliance report on screen and as CSV. Every command needs `SchoolReports`; the rules
//! (whose list, whose reach, what the consent rule shows, the audit) are the use cases'.

use std::path::Path;

use shotbook_core::date::UsDate;
use shotbook_core::error::ValidationError;
use shotbook_core::ids::StudentListId;
use shotbook_core::session::Session;
use shotbook_print::{render_letters, LetterLanguage, LetterReason, NeededDose, ParentLetter};
use shotbook_reports::school::{
    time_date, MissingDose, Setting, StudentDetailsInput, StudentListName, StudentStatus,
};
use shotbook_usecases::need;
use shotbook_usecases::ports::StudentListFacts;
use shotbook_usecases::school::{
    self as usecases, Compliance, ComplianceReport, ReportUse, RosterOutcome,
};

use crate::clients::summary;
use crate::convert::{client_id, parse_id, us_date};
use crate::dto::{
    CreateStudentListRequest, ExemptionOnFile, ImportRosterRequest, MissingSchoolDose,
    ParentLettersRequest, ProvisionalOnFile, PutStudentRequest, RenameStudentListRequest,
    RosterImportResult, RosterLineIssue, RosterLineResult, SavedExport, SchoolReport,
    SchoolReportRequest, StatusCount, StudentCompliance, StudentList, StudentRequest,
};
use crate::error::{AppError, AppResult};
use crate::AppContext;

fn clamp(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn list_id(text: &str) -> AppResult<StudentListId> {
    parse_id("listId", text, "student list").map_err(|i| ValidationError { issues: vec![i] }.into())
}

fn list_view(list: StudentListFacts) -> StudentList {
    StudentList {
        id: list.id.to_string(),
        name: list.name,
        setting: list.setting.code().to_owned(),
        students: clamp(list.students),
        created_on: UsDate::from_date(list.created_on).to_string(),
    }
}

fn day(date: shotbook_reports::Date) -> String {
    UsDate::from_date(time_date(date)).to_string()
}

/// The organization's student lists, by name.
pub async fn student_lists(ctx: &AppContext) -> AppResult<Vec<StudentList>> {
    let (permit, _) = ctx.permit::<need::SchoolReports>().await?;
    Ok(usecases::lists(ctx.store(), &permit)
        .await?
        .into_iter()
        .map(list_view)
        .collect())
}

/// Makes a new, empty list.
pub async fn create_student_list(
    ctx: &AppContext,
    request: CreateStudentListRequest,
) -> AppResult<StudentList> {
    let (permit, _) = ctx.permit::<need::SchoolReports>().await?;
    let name = StudentListName::parse("name", &request.name);
    let setting = Setting::parse_field("setting", &request.setting);
    let (name, setting) = match (name, setting) {
        (Ok(n), Ok(s)) => (n, s),
        (n, s) => {
            return Err(ValidationError {
                issues: [n.err(), s.err()].into_iter().flatten().collect(),
            }
            .into())
        }
    };
    let list = usecases::create_list(ctx.store(), &permit, ctx.clock(), &name, setting).await?;
    tracing::info!(list = %list.id, "student list created");
    Ok(list_view(list))
}

/// Renames a list.
pub async fn rename_student_list(
    ctx: &AppContext,
    request: RenameStudentListRequest,
) -> AppResult<()> {
    let (permit, _) = ctx.permit::<need::SchoolReports>().await?;
    let list = list_id(&request.list_id)?;
    let name = StudentListName::parse("name", &request.name)
        .map_err(|i| AppError::from(ValidationError { issues: vec![i] }))?;
    usecases::rename_list(ctx.store(), &permit, ctx.clock(), list, &name).await?;
    Ok(())
}

/// Puts a student on a list (found with Find student), or changes the grade, exemption or
/// provisional enrolment the list holds for them. `true` when the student is new on the list.
pub async fn put_student(ctx: &AppContext, request: PutStudentRequest) -> AppResult<bool> {
    let (permit, _) = ctx.permit::<need::SchoolReports>().await?;
    let list = list_id(&request.list_id)?;
    let client = client_id(&request.client_id)?;
    let input = StudentDetailsInput {
        grade: &request.grade,
        exemption_kind: &request.exemption_kind,
        exemption_signed_on: &request.exemption_signed_on,
        exemption_lifelong: request.exemption_lifelong,
        exemption_vaccines: &request.exemption_vaccines,
        provisional_basis: &request.provisional_basis,
        provisional_since: &request.provisional_since,
    };
    Ok(usecases::put_student(ctx.store(), &permit, ctx.clock(), list, client, &input).await?)
}

/// Takes a student off a list.
pub async fn remove_student(ctx: &AppContext, request: StudentRequest) -> AppResult<()> {
    let (permit, _) = ctx.permit::<need::SchoolReports>().await?;
    let list = list_id(&request.list_id)?;
    let client = client_id(&request.client_id)?;
    usecases::remove_student(ctx.store(), &permit, ctx.clock(), list, client).await?;
    Ok(())
}

/// Imports a pasted or opened roster into a list: each row found by exact name and date of
/// birth is put on the list; the others come back with candidates or the reason.
pub async fn import_roster(
    ctx: &AppContext,
    request: ImportRosterRequest,
) -> AppResult<RosterImportResult> {
    let (permit, _) = ctx.permit::<need::SchoolReports>().await?;
    let list = list_id(&request.list_id)?;
    let import =
        usecases::import_roster(ctx.store(), &permit, ctx.clock(), list, &request.roster).await?;
    let mut added = 0;
    let mut to_review = import.unreadable.len();
    let lines: Vec<RosterLineResult> = import
        .lines
        .into_iter()
        .map(|l| {
            let (client_id, candidates, refusal) = match &l.outcome {
                RosterOutcome::Added(c) | RosterOutcome::AlreadyOnList(c) => {
                    (Some(c.to_string()), Vec::new(), None)
                }
                RosterOutcome::Several(found) => (
                    None,
                    found.iter().map(|f| summary(f.client.clone())).collect(),
                    None,
                ),
                RosterOutcome::Possible(found) => (
                    None,
                    found.iter().map(|f| summary(f.client.clone())).collect(),
                    None,
                ),
                RosterOutcome::NotFound => (None, Vec::new(), None),
                RosterOutcome::Refused(why) => (None, Vec::new(), Some((*why).to_owned())),
            };
            match l.outcome {
                RosterOutcome::Added(_) => added += 1,
                RosterOutcome::AlreadyOnList(_) => {}
                _ => to_review += 1,
            }
            RosterLineResult {
                line: clamp(l.row.line),
                last_name: l.row.last_name,
                first_name: l.row.first_name,
                date_of_birth: l.row.date_of_birth.to_string(),
                grade: l.row.grade.map(|g| g.code()),
                outcome: l.outcome.code().to_owned(),
                client_id,
                candidates,
                refusal,
            }
        })
        .collect();
    tracing::info!(rows = lines.len(), added, to_review, "roster imported");
    Ok(RosterImportResult {
        lines,
        unreadable: import
            .unreadable
            .into_iter()
            .map(|i| RosterLineIssue {
                line: clamp(i.line),
                field: i.field,
                message: i.message,
            })
            .collect(),
        added,
        to_review: clamp(to_review),
    })
}

fn missing_view(missing: &[MissingDose]) -> Vec<MissingSchoolDose> {
    missing
        .iter()
        .map(|m| MissingSchoolDose {
            vaccine: m.vaccine.code().to_owned(),
            dose_number: i32::from(m.dose_number),
            earliest: day(m.earliest),
        })
        .collect()
}

fn report_view(report: ComplianceReport) -> SchoolReport {
    let counts = report
        .counts()
        .into_iter()
        .map(|(status, n)| StatusCount {
            status: status.to_owned(),
            count: clamp(n),
        })
        .collect();
    let students = report
        .students
        .into_iter()
        .map(|s| {
            let (until, missing, reason) = match &s.compliance {
                Compliance::Assessed(StudentStatus::Conditional {
                    deadline, missing, ..
                }) => (Some(day(*deadline)), missing_view(missing), None),
                Compliance::Assessed(StudentStatus::Exempt { expires, .. }) => {
                    (expires.map(day), Vec::new(), None)
                }
                Compliance::Assessed(StudentStatus::Incomplete { missing }) => {
                    (None, missing_view(missing), None)
                }
                Compliance::Assessed(_) => (None, Vec::new(), None),
                Compliance::RecordRestricted(r) => (None, Vec::new(), Some(r.code().to_owned())),
                Compliance::OutOfReach(why) => (None, Vec::new(), Some((*why).to_owned())),
            };
            let details = &s.student.details;
            StudentCompliance {
                client_id: s.student.client.to_string(),
                first_name: s.student.first_name.clone(),
                last_name: s.student.last_name.clone(),
                date_of_birth: us_date(&s.student.date_of_birth),
                grade: details.grade.map(|g| g.code()),
                exemption: details.exemption.as_ref().map(|e| ExemptionOnFile {
                    kind: e.kind.code().to_owned(),
                    signed_on: day(e.signed_on),
                    lifelong: e.lifelong,
                    vaccines: e.vaccines.iter().map(|v| v.code().to_owned()).collect(),
                }),
                provisional: details.provisional.as_ref().map(|p| ProvisionalOnFile {
                    basis: p.basis.code().to_owned(),
                    since: day(p.since),
                }),
                status: s.compliance.code().to_owned(),
                until,
                missing,
                reason,
            }
        })
        .collect();
    SchoolReport {
        list: list_view(report.list),
        as_of: UsDate::from_date(report.as_of).to_string(),
        state: report.state,
        school_year: report.school_year,
        rules_of: report.rules_of,
        students,
        counts,
    }
}

async fn run_report(
    ctx: &AppContext,
    request: &SchoolReportRequest,
    purpose: ReportUse,
) -> AppResult<(SchoolReport, Session)> {
    let (permit, session) = ctx.permit::<need::SchoolReports>().await?;
    let list = list_id(&request.list_id)?;
    let as_of = if request.as_of.trim().is_empty() {
        ctx.clock().today()
    } else {
        UsDate::parse(&request.as_of)
            .map_err(|e| AppError::from(ValidationError::single("asOf", e.to_string())))?
            .date()
    };
    let report =
        usecases::compliance_report(ctx.store(), &permit, ctx.clock(), list, as_of, purpose)
            .await?;
    tracing::info!(
        list = %list,
        students = report.students.len(),
        purpose = purpose.code(),
        "school compliance report"
    );
    Ok((report_view(report), session))
}

/// A list's compliance report on a day (today when not given): every student's status with
/// the doses missing and the earliest day each can be given, and the status counts. Each
/// student shown is audited.
pub async fn school_report(
    ctx: &AppContext,
    request: SchoolReportRequest,
) -> AppResult<SchoolReport> {
    Ok(run_report(ctx, &request, ReportUse::Screen).await?.0)
}

/// The report as CSV, one row per student: what a school's nurse sorts and files.
pub fn report_csv(report: &SchoolReport) -> AppResult<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let write = |out: &mut csv::Writer<Vec<u8>>, row: &[&str]| {
        out.write_record(row)
            .map_err(|e| AppError::internal(format!("writing the report CSV: {e}")))
    };
    write(
        &mut out,
        &[
            "Last Name",
            "First Name",
            "Date of Birth",
            "Grade",
            "Status",
            "Until",
            "Missing Doses",
            "Exemption",
            "Provisional Since",
        ],
    )?;
    for s in &report.students {
        let missing = s
            .missing
            .iter()
            .map(|m| format!("{} dose {} from {}", m.vaccine, m.dose_number, m.earliest))
            .collect::<Vec<_>>()
            .join("; ");
        let exemption = s
            .exemption
            .as_ref()
            .map(|e| format!("{} signed {}", e.kind, e.signed_on))
            .unwrap_or_default();
        write(
            &mut out,
            &[
                &s.last_name,
                &s.first_name,
                &s.date_of_birth,
                s.grade.as_deref().unwrap_or(""),
                &s.status,
                s.until.as_deref().unwrap_or(""),
                &missing,
                &exemption,
                s.provisional.as_ref().map_or("", |p| p.since.as_str()),
            ],
        )?;
    }
    out.into_inner()
        .map_err(|e| AppError::internal(format!("writing the report CSV: {e}")))
}

/// The suggested file name of a list's report CSV ("School-Report-Grade-2-Room-14-09-01-2026.csv"),
/// from the list's name only (no client data is read for it).
pub async fn report_file_name(
    ctx: &AppContext,
    request: &SchoolReportRequest,
) -> AppResult<String> {
    let (permit, _) = ctx.permit::<need::SchoolReports>().await?;
    let list = list_id(&request.list_id)?;
    let found = usecases::lists(ctx.store(), &permit)
        .await?
        .into_iter()
        .find(|l| l.id == list)
        .ok_or(AppError::NotFound {
            entity: "student list".into(),
        })?;
    let name: String = found
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let day = if request.as_of.trim().is_empty() {
        UsDate::from_date(ctx.clock().today()).to_string()
    } else {
        request.as_of.trim().to_owned()
    };
    Ok(format!(
        "School-Report-{}-{}.csv",
        name.trim_matches('-'),
        day.replace('/', "-")
    ))
}

/// Runs the report (audited like the screen's) and writes it as CSV to `path` (chosen in the
/// native Save dialog), readable only by the user.
pub async fn save_report_csv(
    ctx: &AppContext,
    request: SchoolReportRequest,
    path: &Path,
) -> AppResult<SavedExport> {
    let (report, _) = run_report(ctx, &request, ReportUse::CsvExport).await?;
    let bytes = report_csv(&report)?;
    crate::files::save_private(path, bytes, "the report CSV").await?;
    Ok(SavedExport {
        path: path.display().to_string(),
        rows: clamp(report.students.len()),
    })
}

/// The parent letters of a report: one per student who is incomplete, has no record, or is
/// enrolled provisionally.
pub fn parent_letters(report: &SchoolReport, facility: &str) -> Vec<ParentLetter> {
    let state = shotbook_core::places::state_name(&report.state).unwrap_or(&report.state);
    report
        .students
        .iter()
        .filter_map(|s| {
            let reason = match (s.status.as_str(), &s.until) {
                ("incomplete", _) => LetterReason::Incomplete,
                ("no_record", _) => LetterReason::NoRecord,
                ("conditional", Some(deadline)) => LetterReason::Conditional(deadline.clone()),
                _ => return None,
            };
            Some(ParentLetter {
                facility: facility.to_owned(),
                state: state.to_owned(),
                school_year: report.school_year.clone(),
                date: report.as_of.clone(),
                student: format!("{} {}", s.first_name, s.last_name),
                date_of_birth: s.date_of_birth.clone(),
                grade: s.grade.clone(),
                reason,
                doses: s
                    .missing
                    .iter()
                    .map(|m| NeededDose {
                        vaccine: m.vaccine.clone(),
                        dose_number: u8::try_from(m.dose_number).unwrap_or(u8::MAX),
                        earliest: m.earliest.clone(),
                    })
                    .collect(),
            })
        })
        .collect()
}

/// Runs the report (each student shown audited, as printed letters) and writes the letters to
/// the parents of the students who need doses, one page each, to `path` (chosen in the native
/// Save dialog), readable only by the user. No student needing a letter writes no file and
/// answers `rows: 0`.
pub async fn save_parent_letters(
    ctx: &AppContext,
    request: ParentLettersRequest,
    path: &Path,
) -> AppResult<SavedExport> {
    let language = LetterLanguage::parse(&request.language).ok_or_else(|| {
        AppError::from(ValidationError::single(
            "language",
            "Choose English or Spanish for the letters.",
        ))
    })?;
    let report_request = SchoolReportRequest {
        list_id: request.list_id,
        as_of: request.as_of,
    };
    let (report, session) = run_report(ctx, &report_request, ReportUse::ParentLetters).await?;
    let letters = parent_letters(&report, &session.organization_name);
    if letters.is_empty() {
        return Ok(SavedExport {
            path: String::new(),
            rows: 0,
        });
    }
    let pdf = render_letters(&letters, language)
        .map_err(|e| AppError::internal(format!("drawing the parent letters: {e}")))?;
    crate::files::save_private(path, pdf, "the parent letters").await?;
    tracing::info!(letters = letters.len(), "parent letters saved");
    Ok(SavedExport {
        path: path.display().to_string(),
        rows: clamp(letters.len()),
    })
}

/// The suggested file name of a list's parent letters.
pub async fn letters_file_name(
    ctx: &AppContext,
    request: &ParentLettersRequest,
) -> AppResult<String> {
    let csv = report_file_name(
        ctx,
        &SchoolReportRequest {
            list_id: request.list_id.clone(),
            as_of: request.as_of.clone(),
        },
    )
    .await?;
    Ok(csv
        .replacen("School-Report-", "Parent-Letters-", 1)
        .replace(".csv", ".pdf"))
}
