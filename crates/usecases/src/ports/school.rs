//! The school module's ports: a facility's student lists and the students on them, with what
//! the school keeps about each (grade, exemption on file, provisional enrolment).

use std::future::Future;

use shotbook_core::ids::{ClientId, OrganizationId, StudentListId, UserId};
use shotbook_reports::school::{
    calendar_date, time_date, Exemption, ExemptionKind, Grade, ProvisionalBasis,
    ProvisionalEnrolment, Setting, StudentDetails, StudentListName, VaccineGroup,
};
use time::Date;

use crate::{PortError, PortResult};

/// A student list as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentListFacts {
    /// Its id.
    pub id: StudentListId,
    /// The school or child-care facility that keeps it.
    pub organization: OrganizationId,
    /// Its name ("Grade 2, Room 14").
    pub name: String,
    /// School, pre-K or child care: which requirements apply.
    pub setting: Setting,
    /// How many students are on it.
    pub students: usize,
    /// The day it was made.
    pub created_on: Date,
}

/// A student on a list, with the registry's identification of the client (names and date of
/// birth are identification, which the consent rule lets any viewer in reach see).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentOnList {
    /// The client.
    pub client: ClientId,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Date of birth as stored (ISO; text because an imported record may hold an impossible
    /// date).
    pub date_of_birth: String,
    /// What the school keeps about the student.
    pub details: StudentDetails,
    /// The day the student was added.
    pub added_on: Date,
}

/// Reads of student lists.
pub trait SchoolReads {
    /// The organization's lists, by name.
    fn student_lists(
        &self,
        organization: OrganizationId,
    ) -> impl Future<Output = PortResult<Vec<StudentListFacts>>> + Send;

    /// One list, if it exists.
    fn student_list(
        &self,
        list: StudentListId,
    ) -> impl Future<Output = PortResult<Option<StudentListFacts>>> + Send;

    /// The students on a list, by last name, first name and date of birth.
    fn students_on(
        &self,
        list: StudentListId,
    ) -> impl Future<Output = PortResult<Vec<StudentOnList>>> + Send;
}

/// Writes of student lists. A list is the facility's own working list, not a clinical fact:
/// a removed student is gone from it (the audit trail keeps that they were on it).
pub trait SchoolWrites {
    /// Makes a new, empty list.
    fn create_student_list(
        &mut self,
        list: &StudentListFacts,
        by: UserId,
    ) -> impl Future<Output = PortResult<()>> + Send;

    /// Renames a list; `false` when it does not exist.
    fn rename_student_list(
        &mut self,
        list: StudentListId,
        name: &StudentListName,
    ) -> impl Future<Output = PortResult<bool>> + Send;

    /// Puts a student on a list, or replaces what the list holds about them. `true` when the
    /// student was not on the list before.
    fn put_student(
        &mut self,
        list: StudentListId,
        client: ClientId,
        details: &StudentDetails,
        by: UserId,
    ) -> impl Future<Output = PortResult<bool>> + Send;

    /// Takes a student off a list; `false` when they were not on it.
    fn remove_student(
        &mut self,
        list: StudentListId,
        client: ClientId,
    ) -> impl Future<Output = PortResult<bool>> + Send;
}

/// [`StudentDetails`] as columns, for the stores: one conversion both SQLite and PostgreSQL
/// use, so a stored value means the same in each.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StudentDetailColumns {
    /// `PK`, `K`, `1` … `12`.
    pub grade: Option<String>,
    /// Exemption kind code.
    pub exemption_kind: Option<String>,
    /// The day it was signed.
    pub exemption_signed_on: Option<Date>,
    /// A lifelong condition (medical).
    pub exemption_lifelong: bool,
    /// Vaccine-group codes it covers, comma-separated (empty: every vaccine).
    pub exemption_vaccines: String,
    /// Provisional basis code.
    pub provisional_basis: Option<String>,
    /// The day of the provisional enrolment.
    pub provisional_since: Option<Date>,
}

impl StudentDetailColumns {
    /// The columns of `details`.
    pub fn of(details: &StudentDetails) -> Self {
        let exemption = details.exemption.as_ref();
        Self {
            grade: details.grade.map(|g| g.code()),
            exemption_kind: exemption.map(|e| e.kind.code().to_owned()),
            exemption_signed_on: exemption.map(|e| time_date(e.signed_on)),
            exemption_lifelong: exemption.is_some_and(|e| e.lifelong),
            exemption_vaccines: exemption
                .map(|e| {
                    e.vaccines
                        .iter()
                        .map(|v| v.code())
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_default(),
            provisional_basis: details
                .provisional
                .as_ref()
                .map(|p| p.basis.code().to_owned()),
            provisional_since: details.provisional.as_ref().map(|p| time_date(p.since)),
        }
    }

    /// The details these columns hold; an error when a stored code no longer parses (the
    /// database is damaged).
    pub fn details(&self) -> PortResult<StudentDetails> {
        let damaged =
            |what: &str| PortError::Failed(format!("a stored {what} does not parse").into());
        let grade = self
            .grade
            .as_deref()
            .map(|g| Grade::parse(g).ok_or_else(|| damaged("grade")))
            .transpose()?;
        let exemption = match (&self.exemption_kind, self.exemption_signed_on) {
            (Some(kind), Some(signed_on)) => Some(Exemption {
                kind: ExemptionKind::parse_field("", kind).map_err(|_| damaged("exemption"))?,
                signed_on: calendar_date(signed_on),
                lifelong: self.exemption_lifelong,
                vaccines: self
                    .exemption_vaccines
                    .split(',')
                    .filter(|c| !c.is_empty())
                    .map(|c| VaccineGroup::from_code(c).ok_or_else(|| damaged("vaccine group")))
                    .collect::<PortResult<_>>()?,
            }),
            _ => None,
        };
        let provisional = match (&self.provisional_basis, self.provisional_since) {
            (Some(basis), Some(since)) => Some(ProvisionalEnrolment {
                since: calendar_date(since),
                basis: ProvisionalBasis::parse_field("", basis)
                    .map_err(|_| damaged("provisional basis"))?,
                scheduled: Vec::new(),
            }),
            _ => None,
        };
        Ok(StudentDetails {
            grade,
            exemption,
            provisional,
        })
    }
}

/// The setting with this stored code; an error when it does not parse.
pub fn stored_setting(code: &str) -> PortResult<Setting> {
    Setting::parse_field("", code)
        .map_err(|_| PortError::Failed("a stored list setting does not parse".into()))
}
