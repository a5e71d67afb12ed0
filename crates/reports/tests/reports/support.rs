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

use shotbook_reports::school::{
    check_rule, Grade, RequirementBook, RuleCheck, Setting, StateTable, Student, VaccineGroup,
};
use std::sync::OnceLock;

pub fn book() -> &'static RequirementBook {
    static BOOK: OnceLock<RequirementBook> = OnceLock::new();
    BOOK.get_or_init(|| RequirementBook::embedded().expect("embedded tables parse"))
}

pub fn table(state: &str) -> &'static StateTable {
    book()
        .table(state, d("2025-09-02"))
        .expect("2025-2026 table")
}

pub fn student(dob: &str, setting: Setting, grade: Option<Grade>, list: &[(u16, &str)]) -> Student {
    Student {
        dob: d(dob),
        setting,
        grade,
        doses: doses(list),
        immunity: Vec::new(),
        exemptions: Vec::new(),
        provisional: None,
    }
}

/// A school student in `grade` (`"K"`, `"7"` …).
pub fn pupil(dob: &str, grade: &str, list: &[(u16, &str)]) -> Student {
    student(dob, Setting::School, Grade::parse(grade), list)
}

pub fn pre_k(dob: &str, list: &[(u16, &str)]) -> Student {
    student(dob, Setting::PreK, Some(Grade::PRE_K), list)
}

pub fn child_care(dob: &str, list: &[(u16, &str)]) -> Student {
    student(dob, Setting::ChildCare, None, list)
}

pub fn immune(mut student: Student, group: VaccineGroup) -> Student {
    student.immunity.push(group);
    student
}

/// A rule's verdict without the missing-dose detail.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Met,
    Unmet,
    NotApplicable,
}

pub fn check(state: &str, rule: &str, student: &Student, on: &str) -> RuleCheck {
    let table = table(state);
    let rule = table
        .rule(rule)
        .unwrap_or_else(|| panic!("{state} has rule {rule}"));
    check_rule(table, VaccineCatalog::embedded(), rule, student, d(on))
}

pub fn verdict(state: &str, rule: &str, student: &Student, on: &str) -> Verdict {
    match check(state, rule, student, on) {
        RuleCheck::Met => Verdict::Met,
        RuleCheck::Unmet { .. } => Verdict::Unmet,
        RuleCheck::NotApplicable => Verdict::NotApplicable,
    }
}

/// One row of a state table on one side of its boundary.
#[macro_export]
macro_rules! row {
    ($name:ident: $state:literal $rule:literal, $student:expr => $expect:ident) => {
        #[test]
        fn $name() {
            assert_eq!(
                $crate::support::verdict($state, $rule, &$student, ON),
                $crate::support::Verdict::$expect,
                "{} {}",
                $state,
                $rule
            );
        }
    };
}

/// Asserts that `covered` names exactly the rule ids of the state's table, so a new row
/// cannot arrive without its tests.
pub fn assert_rows_covered(state: &str, covered: &[&str]) {
    let mut in_table: Vec<&str> = table(state).rules.iter().map(|r| r.id.as_str()).collect();
    let mut covered = covered.to_vec();
    in_table.sort_unstable();
    covered.sort_unstable();
    assert_eq!(covered, in_table, "every row of {state} has its tests");
}
