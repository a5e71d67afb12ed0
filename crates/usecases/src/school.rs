//! The school module (ImmTrac2's "manage list", "find student", "check school report"): a
//! school's or child-care facility's student lists, a roster file matched to registry records,
//! and the compliance report of a list against the state's requirements for the school year.
//!
//! Every function needs `SchoolReports`. A list belongs to the organization that made it: any
//! other organization's list is "not found", so ids do not reveal that a list exists. A student
//! is put on a list only within the facility's reach ([`crate::access::require_in_reach`]:
//! own state, the ages it serves); the report evaluates only students whose whole record the
//! consent rule lets the facility see, and audits each student it shows.

use std::collections::HashMap;
use std::sync::OnceLock;

use shotbook_core::audit::AuditAction;
use shotbook_core::clock::Clock;
use shotbook_core::consent::{ClientAccess, Restriction};
use shotbook_core::error::ValidationError;
use shotbook_core::ids::{ClientId, StudentListId};
use shotbook_core::normalize::fold_name;
use shotbook_core::search::{BasicSearch, SmartSearch, SmartSearchInput};
use shotbook_reports::catalog::VaccineCatalog;
use shotbook_reports::coverage::DoseRecord;
use shotbook_reports::school::{
    calendar_date, evaluate_with_table, parse_roster, RequirementBook, RosterIssue, RosterRow,
    Setting, StudentDetails, StudentDetailsInput, StudentListName, StudentStatus,
};
use time::Date;

use crate::clients::denied_audited;
use crate::ports::{
    AuditWrites, Registry, SchoolWrites, StoredDose, StudentListFacts, StudentOnList, UnitOfWork,
};
use crate::search::{Listed, ScoredListed};
use crate::{access, need, Actor, Permit, UseCaseError, UseCaseResult};

/// The requirement tables shipped with Shotbook, parsed once.
fn requirement_book() -> UseCaseResult<&'static RequirementBook> {
    static BOOK: OnceLock<Result<RequirementBook, String>> = OnceLock::new();
    BOOK.get_or_init(|| RequirementBook::embedded().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| {
            UseCaseError::Storage(crate::PortError::Failed(
                format!("the school requirement tables do not parse: {e}").into(),
            ))
        })
}

/// The actor's organization's lists, by name.
pub async fn lists<R: Registry>(
    registry: &R,
    permit: &Permit<need::SchoolReports>,
) -> UseCaseResult<Vec<StudentListFacts>> {
    Ok(registry
        .student_lists(permit.actor().organization_id)
        .await?)
}

/// The list, when it is the actor's organization's; `NotFound` otherwise.
async fn own_list<R: Registry>(
    registry: &R,
    actor: &Actor,
    list: StudentListId,
) -> UseCaseResult<StudentListFacts> {
    match registry.student_list(list).await? {
        Some(found) if found.organization == actor.organization_id => Ok(found),
        _ => Err(UseCaseError::NotFound("student list")),
    }
}

/// Makes a new, empty list for the actor's organization.
pub async fn create_list<R: Registry>(
    registry: &R,
    permit: &Permit<need::SchoolReports>,
    clock: &dyn Clock,
    name: &StudentListName,
    setting: Setting,
) -> UseCaseResult<StudentListFacts> {
    let actor = permit.actor();
    let list = StudentListFacts {
        id: StudentListId::new(),
        organization: actor.organization_id,
        name: name.as_str().to_owned(),
        setting,
        students: 0,
        created_on: clock.today(),
    };
    let mut work = registry.begin(actor.origin(), clock.now()).await?;
    work.create_student_list(&list, actor.user_id).await?;
    work.audit(&actor.audit_event(
        clock.now(),
        AuditAction::StudentListChanged,
        None,
        Some(format!("list {} created ({})", list.id, setting.code())),
    ))
    .await?;
    work.commit().await?;
    Ok(list)
}

/// Renames one of the actor's organization's lists.
pub async fn rename_list<R: Registry>(
    registry: &R,
    permit: &Permit<need::SchoolReports>,
    clock: &dyn Clock,
    list: StudentListId,
    name: &StudentListName,
) -> UseCaseResult<()> {
    let actor = permit.actor();
    own_list(registry, actor, list).await?;
    let mut work = registry.begin(actor.origin(), clock.now()).await?;
    if !work.rename_student_list(list, name).await? {
        return Err(UseCaseError::NotFound("student list"));
    }
    work.audit(&actor.audit_event(
        clock.now(),
        AuditAction::StudentListChanged,
        None,
        Some(format!("list {list} renamed")),
    ))
    .await?;
    work.commit().await?;
    Ok(())
}

/// Puts a client on one of the actor's organization's lists, or changes what the list holds
/// about them (grade, exemption on file, provisional enrolment), parsed for the list's
/// setting. Refused, and the refusal audited, for a client beyond the facility's reach.
/// `true` when the student is new on the list.
pub async fn put_student<R: Registry>(
    registry: &R,
    permit: &Permit<need::SchoolReports>,
    clock: &dyn Clock,
    list: StudentListId,
    client: ClientId,
    input: &StudentDetailsInput<'_>,
) -> UseCaseResult<bool> {
    let actor = permit.actor();
    let found = own_list(registry, actor, list).await?;
    let details = StudentDetails::parse(input, found.setting, clock.today())?;
    put_parsed(registry, actor, clock, &found, client, &details).await
}

async fn put_parsed<R: Registry>(
    registry: &R,
    actor: &Actor,
    clock: &dyn Clock,
    list: &StudentListFacts,
    client: ClientId,
    details: &StudentDetails,
) -> UseCaseResult<bool> {
    // One read of the client's facts for both rules.
    let facts = registry.client_facts(client).await?;
    if let Some(why) = access::out_of_reach(actor, &facts, clock.today()) {
        let refused = Err(UseCaseError::Forbidden {
            permission: why.code(),
        });
        denied_audited(registry, actor, clock, client, refused).await?;
    }
    facts.ensure_not_merged()?;
    let mut work = registry.begin(actor.origin(), clock.now()).await?;
    let added = work
        .put_student(list.id, client, details, actor.user_id)
        .await?;
    work.audit(&actor.audit_event(
        clock.now(),
        AuditAction::StudentListChanged,
        Some(client),
        Some(format!(
            "list {}: {}",
            list.id,
            if added { "added" } else { "updated" }
        )),
    ))
    .await?;
    work.commit().await?;
    Ok(added)
}

/// Takes a student off one of the actor's organization's lists.
pub async fn remove_student<R: Registry>(
    registry: &R,
    permit: &Permit<need::SchoolReports>,
    clock: &dyn Clock,
    list: StudentListId,
    client: ClientId,
) -> UseCaseResult<()> {
    let actor = permit.actor();
    own_list(registry, actor, list).await?;
    let mut work = registry.begin(actor.origin(), clock.now()).await?;
    if !work.remove_student(list, client).await? {
        return Err(UseCaseError::NotFound("student"));
    }
    work.audit(&actor.audit_event(
        clock.now(),
        AuditAction::StudentListChanged,
        Some(client),
        Some(format!("list {list}: removed")),
    ))
    .await?;
    work.commit().await?;
    Ok(())
}

/// What became of one roster row.
#[derive(Debug, Clone, PartialEq)]
pub enum RosterOutcome {
    /// Exactly one registry record has this name and date of birth: put on the list.
    Added(ClientId),
    /// The one record found was already on the list (its grade is updated from the roster).
    AlreadyOnList(ClientId),
    /// Several records have this exact name and date of birth: the user picks.
    Several(Vec<Listed>),
    /// No exact match; Smart search found probable ones (a typo, a swapped day and month):
    /// the user picks or leaves the row.
    Possible(Vec<ScoredListed>),
    /// Nobody in the facility's reach matches.
    NotFound,
    /// The one record found is beyond the facility's reach or cannot be listed (merged).
    Refused(&'static str),
}

impl RosterOutcome {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            RosterOutcome::Added(_) => "added",
            RosterOutcome::AlreadyOnList(_) => "already_on_list",
            RosterOutcome::Several(_) => "several",
            RosterOutcome::Possible(_) => "possible",
            RosterOutcome::NotFound => "not_found",
            RosterOutcome::Refused(_) => "refused",
        }
    }
}

/// One roster row and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterLine {
    /// The row as read.
    pub row: RosterRow,
    /// What became of it.
    pub outcome: RosterOutcome,
}

/// A roster import: each readable row's outcome, and the lines that could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterImport {
    /// Readable rows, in file order.
    pub lines: Vec<RosterLine>,
    /// Unreadable lines, in file order.
    pub unreadable: Vec<RosterIssue>,
}

/// Finds each roster student in the registry by exact last name, first name and date of birth
/// (find-student, as a facility may search) and puts the one record found on the list; when
/// none is exact, offers Smart search's probable matches for the user to pick. Every search is
/// the search use case's, so reach, the consent rule and the audit of results apply as when
/// the user searches by hand. The roster's text is read for the list's setting (a school's
/// rows need the grade).
pub async fn import_roster<R: Registry>(
    registry: &R,
    permit: &Permit<need::SchoolReports>,
    clock: &dyn Clock,
    list: StudentListId,
    roster_text: &str,
) -> UseCaseResult<RosterImport> {
    let actor = permit.actor();
    let found = own_list(registry, actor, list).await?;
    let roster = parse_roster(roster_text, found.setting)?;
    let search = Permit::<need::SearchClients>::check(actor.clone())?;
    // The list as it stands, read once and kept current as rows are added (a roster of
    // thousands must not re-read the list per row).
    let mut on_list: HashMap<ClientId, StudentDetails> = registry
        .students_on(list)
        .await?
        .into_iter()
        .map(|s| (s.client, s.details))
        .collect();
    let mut lines = Vec::with_capacity(roster.rows.len());
    for row in roster.rows {
        let outcome = import_row(registry, &search, clock, &found, &row, &mut on_list).await?;
        lines.push(RosterLine { row, outcome });
    }
    Ok(RosterImport {
        lines,
        unreadable: roster.issues,
    })
}

async fn import_row<R: Registry>(
    registry: &R,
    search: &Permit<need::SearchClients>,
    clock: &dyn Clock,
    list: &StudentListFacts,
    row: &RosterRow,
    on_list: &mut HashMap<ClientId, StudentDetails>,
) -> UseCaseResult<RosterOutcome> {
    let (last, first) = (fold_name(&row.last_name), fold_name(&row.first_name));
    let criteria = BasicSearch {
        last_name: Some(last.clone()),
        first_name: Some(first.clone()),
        date_of_birth: Some(row.date_of_birth),
        ..BasicSearch::default()
    };
    let exact: Vec<Listed> = crate::search::basic(registry, search, clock, &criteria)
        .await?
        .clients
        .into_iter()
        .filter(|l| {
            fold_name(&l.client.last_name) == last && fold_name(&l.client.first_name) == first
        })
        .collect();
    match exact.len() {
        0 => {}
        1 => {
            let client = exact[0].client.id;
            let details = StudentDetails {
                grade: row.grade.or(match list.setting {
                    Setting::PreK => Some(shotbook_reports::school::Grade::PRE_K),
                    _ => None,
                }),
                ..StudentDetails::default()
            };
            let details = match on_list.get(&client) {
                // Already listed: keep the exemption and enrolment on file, take the grade.
                Some(kept) => StudentDetails {
                    grade: details.grade.or(kept.grade),
                    ..kept.clone()
                },
                None => details,
            };
            let put = put_parsed(registry, search.actor(), clock, list, client, &details).await;
            if put.is_ok() {
                on_list.insert(client, details);
            }
            return match put {
                Ok(true) => Ok(RosterOutcome::Added(client)),
                Ok(false) => Ok(RosterOutcome::AlreadyOnList(client)),
                Err(UseCaseError::Forbidden { permission }) => {
                    Ok(RosterOutcome::Refused(permission))
                }
                Err(UseCaseError::Conflict(_)) => Ok(RosterOutcome::Refused("merged")),
                Err(e) => Err(e),
            };
        }
        _ => return Ok(RosterOutcome::Several(exact)),
    }
    let dob = row.date_of_birth.to_string();
    let smart = SmartSearch::parse(
        SmartSearchInput {
            last_name: &row.last_name,
            first_name: &row.first_name,
            date_of_birth: &dob,
            ..SmartSearchInput::default()
        },
        clock.today(),
    )?;
    let probable: Vec<ScoredListed> = crate::search::smart(registry, search, clock, &smart.person)
        .await?
        .clients
        .into_iter()
        .filter(|c| c.likely)
        .collect();
    Ok(if probable.is_empty() {
        RosterOutcome::NotFound
    } else {
        RosterOutcome::Possible(probable)
    })
}

/// What a compliance report is run for, named in the audit of each student it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportUse {
    /// Shown on screen.
    Screen,
    /// Written to a CSV file.
    CsvExport,
    /// Printed as letters to the parents of the students who need doses.
    ParentLetters,
}

impl ReportUse {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ReportUse::Screen => "screen",
            ReportUse::CsvExport => "csv_export",
            ReportUse::ParentLetters => "parent_letters",
        }
    }
}

/// A student's line of the compliance report.
#[derive(Debug, Clone, PartialEq)]
pub enum Compliance {
    /// Assessed against the state's requirements.
    Assessed(StudentStatus),
    /// The consent rule shows the facility this student's identification only: the school
    /// asks the family for the paper record.
    RecordRestricted(Restriction),
    /// No longer in the facility's reach (aged out, moved to another state): the refusal's
    /// code.
    OutOfReach(&'static str),
}

impl Compliance {
    /// Stable code: the student status's (`complete`, `conditional`, `exempt`, `incomplete`,
    /// `no_record`, `not_assessed`), or `record_restricted`, `out_of_reach`.
    pub fn code(&self) -> &'static str {
        match self {
            Compliance::Assessed(status) => status.code(),
            Compliance::RecordRestricted(_) => "record_restricted",
            Compliance::OutOfReach(_) => "out_of_reach",
        }
    }
}

/// One student of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct StudentCompliance {
    /// The student as listed.
    pub student: StudentOnList,
    /// Their status.
    pub compliance: Compliance,
}

/// A list's compliance report.
#[derive(Debug, Clone, PartialEq)]
pub struct ComplianceReport {
    /// The list.
    pub list: StudentListFacts,
    /// The day assessed.
    pub as_of: Date,
    /// The state whose requirements apply (the facility's).
    pub state: String,
    /// The school year assessed.
    pub school_year: String,
    /// When Shotbook holds no requirements for that school year yet: the year whose rules
    /// were applied (the state's latest).
    pub rules_of: Option<String>,
    /// Every student, in list order.
    pub students: Vec<StudentCompliance>,
}

impl ComplianceReport {
    /// How many students have each status code, in first-seen order of the codes.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        let mut counts: Vec<(&'static str, usize)> = Vec::new();
        for s in &self.students {
            let code = s.compliance.code();
            match counts.iter_mut().find(|(c, _)| *c == code) {
                Some((_, n)) => *n += 1,
                None => counts.push((code, 1)),
            }
        }
        counts
    }
}

fn dose_records(doses: &[StoredDose]) -> Vec<DoseRecord> {
    doses
        .iter()
        .filter_map(|d| {
            // A code that is not a number is no CVX code and counts for nothing.
            let cvx = d.cvx.trim().parse().ok()?;
            Some(DoseRecord {
                cvx,
                date: calendar_date(d.administered_on),
                voided: d.voided,
            })
        })
        .collect()
}

/// Assesses every student on one of the actor's organization's lists on `as_of` against the
/// facility's state's requirements for the school year in force that day. Each student shown
/// is audited (`school_report`, naming the list and `purpose`) in one unit of work before the
/// report is returned.
pub async fn compliance_report<R: Registry>(
    registry: &R,
    permit: &Permit<need::SchoolReports>,
    clock: &dyn Clock,
    list: StudentListId,
    as_of: Date,
    purpose: ReportUse,
) -> UseCaseResult<ComplianceReport> {
    let actor = permit.actor();
    let found = own_list(registry, actor, list).await?;
    let book = requirement_book()?;
    let on = calendar_date(as_of);
    let Some(carried) = book.table_or_latest(&actor.state, on) else {
        return Err(ValidationError::single(
            "asOf",
            format!(
                "Shotbook has no school requirements for {} on {}; choose a date in a school year it covers.",
                actor.state,
                shotbook_core::date::UsDate::from_date(as_of)
            ),
        )
        .into());
    };
    let today = clock.today();
    let mut students = Vec::new();
    for student in registry.students_on(list).await? {
        let facts = registry.client_facts(student.client).await?;
        let compliance = if let Some(why) = access::out_of_reach(actor, &facts, today) {
            Compliance::OutOfReach(why.code())
        } else {
            let seen: ClientAccess = access::access_of(actor, &facts, today);
            match (seen.is_full(), seen.restriction) {
                (true, _) => {
                    let doses = registry.doses_of(student.client).await?;
                    let assessed = shotbook_reports::school::Student {
                        dob: calendar_date(facts.date_of_birth),
                        setting: found.setting,
                        grade: student.details.grade,
                        doses: dose_records(&doses),
                        immunity: Vec::new(),
                        exemptions: student.details.exemption.iter().cloned().collect(),
                        provisional: student.details.provisional.clone(),
                    };
                    Compliance::Assessed(evaluate_with_table(
                        &carried.table,
                        VaccineCatalog::embedded(),
                        &assessed,
                        on,
                    ))
                }
                (false, Some(restriction)) => Compliance::RecordRestricted(restriction),
                (false, None) => Compliance::OutOfReach("view_client"),
            }
        };
        students.push(StudentCompliance {
            student,
            compliance,
        });
    }
    let events: Vec<_> = students
        .iter()
        .filter(|s| !matches!(s.compliance, Compliance::OutOfReach(_)))
        .map(|s| {
            actor.audit_event(
                clock.now(),
                AuditAction::SchoolReport,
                Some(s.student.client),
                Some(format!("list {list} as of {as_of} ({})", purpose.code())),
            )
        })
        .collect();
    if !events.is_empty() {
        let mut work = registry.begin(actor.origin(), clock.now()).await?;
        work.audit_many(&events).await?;
        work.commit().await?;
    }
    Ok(ComplianceReport {
        list: found,
        as_of,
        state: actor.state.clone(),
        school_year: carried.table.school_year.clone(),
        rules_of: carried.carried_from,
        students,
    })
}
