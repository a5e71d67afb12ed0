//! The school module's inputs, parsed once into domain values: a student list's name and
//! setting, what a school records about a student on its list (grade, an exemption on file, a
//! provisional enrolment), and a roster file of students to find in the registry.
//!
//! Every parse reports each problem with the field it belongs to (`grade`,
//! `exemption.signedOn`, a roster's line and column), so a form keeps what was typed and shows
//! where to fix it.

use shotbook_core::date::UsDate;
use shotbook_core::error::{Issue, IssueCollector, ValidationError};
use shotbook_core::normalize::fold_name;
use shotbook_forecast::Date;

use super::evaluate::{Exemption, ProvisionalBasis, ProvisionalEnrolment};
use super::table::{ExemptionKind, Grade, Setting, VaccineGroup};

/// Longest list name.
pub const LIST_NAME_MAX: usize = 80;

/// Most rows a roster may hold (a large high school's enrolment).
pub const ROSTER_MAX_ROWS: usize = 5_000;

/// A student list's name: 1 to [`LIST_NAME_MAX`] characters, inner spaces collapsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentListName(String);

impl StudentListName {
    /// Parses the name typed in `field`.
    pub fn parse(field: &str, text: &str) -> Result<StudentListName, Issue> {
        let name = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(Issue::new(field, "Enter a name for the list."));
        }
        if name.chars().count() > LIST_NAME_MAX {
            return Err(Issue::new(
                field,
                format!("A list name has at most {LIST_NAME_MAX} characters."),
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(Issue::new(
                field,
                "A list name cannot hold control characters.",
            ));
        }
        Ok(StudentListName(name))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Setting {
    /// Every setting, in the order a form lists them.
    pub const ALL: [Setting; 3] = [Setting::School, Setting::PreK, Setting::ChildCare];

    /// Stable code (as written in the tables).
    pub fn code(self) -> &'static str {
        match self {
            Setting::ChildCare => "child_care",
            Setting::PreK => "pre_k",
            Setting::School => "school",
        }
    }

    /// The setting chosen in `field`.
    pub fn parse_field(field: &str, code: &str) -> Result<Setting, Issue> {
        Setting::from_code(code.trim()).ok_or_else(|| {
            Issue::new(
                field,
                "Choose school (K-12), pre-kindergarten or child care.",
            )
        })
    }

    /// Whether students in this setting are assessed by grade (schools) rather than by age.
    pub fn by_grade(self) -> bool {
        self != Setting::ChildCare
    }
}

impl ExemptionKind {
    /// Every kind, in the order a form lists them.
    pub const ALL: [ExemptionKind; 4] = [
        ExemptionKind::Medical,
        ExemptionKind::Conscience,
        ExemptionKind::Religious,
        ExemptionKind::MilitaryDuty,
    ];

    /// The kind chosen in `field`.
    pub fn parse_field(field: &str, code: &str) -> Result<ExemptionKind, Issue> {
        ExemptionKind::from_code(code.trim()).ok_or_else(|| {
            Issue::new(
                field,
                "Choose medical, conscience, religious or military duty.",
            )
        })
    }
}

impl ProvisionalBasis {
    /// Every basis, in the order a form lists them.
    pub const ALL: [ProvisionalBasis; 5] = [
        ProvisionalBasis::Standard,
        ProvisionalBasis::Homeless,
        ProvisionalBasis::FosterCare,
        ProvisionalBasis::Transfer,
        ProvisionalBasis::MilitaryFamily,
    ];

    /// The basis chosen in `field`.
    pub fn parse_field(field: &str, code: &str) -> Result<ProvisionalBasis, Issue> {
        ProvisionalBasis::from_code(code.trim()).ok_or_else(|| {
            Issue::new(
                field,
                "Choose behind schedule, homeless, foster care, transfer or military family.",
            )
        })
    }
}

/// A `time` date as the school evaluator's calendar date.
pub fn calendar_date(date: time::Date) -> Date {
    Date::from_ymd(
        date.year(),
        u32::from(u8::from(date.month())),
        u32::from(date.day()),
    )
    .expect("a valid time::Date is a valid calendar date")
}

/// The school evaluator's calendar date as a `time` date.
pub fn time_date(date: Date) -> time::Date {
    let (y, m, d) = date.ymd();
    time::Date::from_calendar_date(
        y,
        time::Month::try_from(m as u8).expect("a calendar month is 1 to 12"),
        d as u8,
    )
    .expect("a calendar date is a valid time::Date")
}

/// What the school keeps about a student on a list, beyond the registry's record.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StudentDetails {
    /// Grade (schools and pre-K; none in child care).
    pub grade: Option<Grade>,
    /// The exemption on file, if any.
    pub exemption: Option<Exemption>,
    /// The provisional enrolment, if the student was admitted provisionally.
    pub provisional: Option<ProvisionalEnrolment>,
}

/// The form fields of [`StudentDetails`] as typed (empty means "none").
#[derive(Debug, Clone, Default)]
pub struct StudentDetailsInput<'a> {
    /// `PK`, `K`, `1` … `12`.
    pub grade: &'a str,
    /// Exemption kind code, or empty for none.
    pub exemption_kind: &'a str,
    /// The day the affidavit or statement was signed (MM/DD/YYYY).
    pub exemption_signed_on: &'a str,
    /// The statement says the condition is lifelong.
    pub exemption_lifelong: bool,
    /// Vaccine-group codes the exemption covers (empty: every vaccine).
    pub exemption_vaccines: &'a [String],
    /// Provisional basis code, or empty for none.
    pub provisional_basis: &'a str,
    /// The day the student was admitted provisionally (MM/DD/YYYY).
    pub provisional_since: &'a str,
}

fn past_date(field: &str, text: &str, today: time::Date, what: &str) -> Result<Date, Issue> {
    let date = UsDate::parse(text)
        .map_err(|e| Issue::new(field, e.to_string()))?
        .date();
    if date > today {
        return Err(Issue::new(
            field,
            format!("{what} cannot be in the future."),
        ));
    }
    Ok(calendar_date(date))
}

impl StudentDetails {
    /// Parses the fields for a student on a list of `setting`, as of `today`. Schools need the
    /// grade (a pre-K list's students are in `PK`); child care assesses by age and takes none.
    pub fn parse(
        input: &StudentDetailsInput<'_>,
        setting: Setting,
        today: time::Date,
    ) -> Result<StudentDetails, ValidationError> {
        let mut issues = IssueCollector::new();
        let grade_text = input.grade.trim();
        let grade = match setting {
            Setting::ChildCare if grade_text.is_empty() => None,
            Setting::ChildCare => {
                issues.push(Issue::new(
                    "grade",
                    "Child care is assessed by age; leave the grade empty.",
                ));
                None
            }
            Setting::PreK if grade_text.is_empty() => Some(Grade::PRE_K),
            Setting::PreK | Setting::School => {
                let grade = Grade::parse(grade_text)
                    .filter(|g| (setting == Setting::PreK) == (*g == Grade::PRE_K));
                if grade.is_none() {
                    issues.push(Issue::new(
                        "grade",
                        if setting == Setting::PreK {
                            "A pre-kindergarten list's students are in grade PK."
                        } else {
                            "Enter the grade: K or 1 to 12."
                        },
                    ));
                }
                grade
            }
        };
        let exemption = if input.exemption_kind.trim().is_empty() {
            None
        } else {
            let kind = issues.take(ExemptionKind::parse_field(
                "exemption.kind",
                input.exemption_kind,
            ));
            let signed_on = issues.take(past_date(
                "exemption.signedOn",
                input.exemption_signed_on,
                today,
                "The signing date",
            ));
            let mut vaccines = Vec::new();
            for (i, code) in input.exemption_vaccines.iter().enumerate() {
                match VaccineGroup::from_code(code.trim()) {
                    Some(group) if !vaccines.contains(&group) => vaccines.push(group),
                    Some(_) => {}
                    None => issues.push(Issue::new(
                        format!("exemption.vaccines[{i}]"),
                        "Not a vaccine a school requirement names.",
                    )),
                }
            }
            match (kind, signed_on) {
                (Some(kind), Some(signed_on)) => Some(Exemption {
                    kind,
                    signed_on,
                    lifelong: input.exemption_lifelong && kind == ExemptionKind::Medical,
                    vaccines,
                }),
                _ => None,
            }
        };
        if input.exemption_lifelong && input.exemption_kind.trim() != ExemptionKind::Medical.code()
        {
            issues.push(Issue::new(
                "exemption.lifelong",
                "Only a medical exemption can state a lifelong condition.",
            ));
        }
        let provisional = if input.provisional_basis.trim().is_empty() {
            None
        } else {
            let basis = issues.take(ProvisionalBasis::parse_field(
                "provisional.basis",
                input.provisional_basis,
            ));
            let since = issues.take(past_date(
                "provisional.since",
                input.provisional_since,
                today,
                "The enrolment date",
            ));
            match (basis, since) {
                (Some(basis), Some(since)) => Some(ProvisionalEnrolment {
                    since,
                    basis,
                    scheduled: Vec::new(),
                }),
                _ => None,
            }
        };
        issues.finish()?;
        Ok(StudentDetails {
            grade,
            exemption,
            provisional,
        })
    }
}

/// One student of a roster file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterRow {
    /// Its line in the file (1-based, the header counted).
    pub line: usize,
    /// Last name as written.
    pub last_name: String,
    /// First name as written.
    pub first_name: String,
    /// Date of birth.
    pub date_of_birth: UsDate,
    /// Grade, when the file has the column and the row fills it.
    pub grade: Option<Grade>,
}

/// A roster line that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterIssue {
    /// Its line in the file (1-based).
    pub line: usize,
    /// The column: `lastName`, `firstName`, `dateOfBirth`, `grade`, or `line`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// A roster file read: the rows to look up and the lines that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Roster {
    /// Readable rows, in file order.
    pub rows: Vec<RosterRow>,
    /// Unreadable lines, in file order.
    pub issues: Vec<RosterIssue>,
}

#[derive(Debug, Clone, Copy)]
struct Columns {
    last: usize,
    first: usize,
    dob: usize,
    grade: Option<usize>,
}

impl Columns {
    const PLAIN: Columns = Columns {
        last: 0,
        first: 1,
        dob: 2,
        grade: Some(3),
    };

    /// The columns a header names, when the first line is one.
    fn from_header(cells: &[String]) -> Option<Columns> {
        let key = |c: &String| fold_name(c).replace(' ', "");
        let find = |names: &[&str]| cells.iter().position(|c| names.contains(&key(c).as_str()));
        let last = find(&[
            "LASTNAME",
            "LAST",
            "SURNAME",
            "FAMILYNAME",
            "STUDENTLASTNAME",
        ]);
        let first = find(&["FIRSTNAME", "FIRST", "GIVENNAME", "STUDENTFIRSTNAME"]);
        let dob = find(&["DOB", "DATEOFBIRTH", "BIRTHDATE", "BIRTHDAY"]);
        let grade = find(&["GRADE", "GRADELEVEL"]);
        match (last, first, dob) {
            (Some(last), Some(first), Some(dob)) => Some(Columns {
                last,
                first,
                dob,
                grade,
            }),
            _ => None,
        }
    }
}

/// Reads a roster: comma-separated (quotes allowed) or tab-separated lines of last name, first
/// name and date of birth (MM/DD/YYYY), with an optional grade — in that order, or in any
/// order under a header line naming them ("Last Name, First Name, DOB, Grade"). Blank lines
/// are skipped; at most [`ROSTER_MAX_ROWS`] rows.
pub fn parse_roster(text: &str, setting: Setting) -> Result<Roster, ValidationError> {
    let delimiter = if text.lines().next().is_some_and(|l| l.contains('\t')) {
        b'\t'
    } else {
        b','
    };
    let mut roster = Roster::default();
    let mut columns: Option<Columns> = None;
    // Line by line (a roster's names hold no line breaks), so every issue names its line.
    for (index, text_line) in text.lines().enumerate() {
        let line = index + 1;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .delimiter(delimiter)
            .from_reader(text_line.as_bytes());
        let cells: Vec<String> = match reader.records().next() {
            None => continue,
            Some(Ok(r)) => r.iter().map(str::to_owned).collect(),
            Some(Err(_)) => {
                roster.issues.push(RosterIssue {
                    line,
                    field: "line".into(),
                    message: "This line is not readable text.".into(),
                });
                continue;
            }
        };
        if cells.iter().all(String::is_empty) {
            continue;
        }
        let cols = match columns {
            Some(c) => c,
            None => {
                let header = Columns::from_header(&cells);
                columns = Some(header.unwrap_or(Columns::PLAIN));
                if header.is_some() {
                    continue;
                }
                Columns::PLAIN
            }
        };
        if roster.rows.len() + roster.issues.len() >= ROSTER_MAX_ROWS {
            return Err(ValidationError::single(
                "roster",
                format!("A roster holds at most {ROSTER_MAX_ROWS} students; split the file."),
            ));
        }
        match roster_row(line, &cells, cols, setting) {
            Ok(row) => roster.rows.push(row),
            Err(issue) => roster.issues.push(issue),
        }
    }
    if roster.rows.is_empty() && roster.issues.is_empty() {
        return Err(ValidationError::single(
            "roster",
            "Paste or choose a roster: one student per line, last name, first name and date of birth.",
        ));
    }
    Ok(roster)
}

fn roster_row(
    line: usize,
    cells: &[String],
    cols: Columns,
    setting: Setting,
) -> Result<RosterRow, RosterIssue> {
    let issue = |field: &str, message: String| RosterIssue {
        line,
        field: field.into(),
        message,
    };
    let cell = |i: usize| cells.get(i).map_or("", String::as_str);
    let (last, first) = (cell(cols.last), cell(cols.first));
    if fold_name(last).is_empty() {
        return Err(issue("lastName", "The last name is missing.".into()));
    }
    if fold_name(first).is_empty() {
        return Err(issue("firstName", "The first name is missing.".into()));
    }
    let date_of_birth =
        UsDate::parse(cell(cols.dob)).map_err(|e| issue("dateOfBirth", e.to_string()))?;
    let grade_text = cols.grade.map_or("", cell);
    if grade_text.is_empty() && setting == Setting::School {
        return Err(issue(
            "grade",
            "The grade is missing: a school's requirements depend on it (K or 1 to 12).".into(),
        ));
    }
    let grade = if grade_text.is_empty() || !setting.by_grade() {
        None
    } else {
        Some(
            Grade::parse(grade_text)
                .ok_or_else(|| issue("grade", "The grade is PK, K or 1 to 12.".into()))?,
        )
    };
    Ok(RosterRow {
        line,
        last_name: last.to_owned(),
        first_name: first.to_owned(),
        date_of_birth,
        grade,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> time::Date {
        time::Date::from_calendar_date(2026, time::Month::September, 1).unwrap()
    }

    #[test]
    fn a_list_name_is_trimmed_and_bounded() {
        assert_eq!(
            StudentListName::parse("name", "  Grade 2   Room 14 ")
                .unwrap()
                .as_str(),
            "Grade 2 Room 14"
        );
        assert_eq!(
            StudentListName::parse("name", "   ").unwrap_err().field,
            "name"
        );
        assert!(StudentListName::parse("name", &"x".repeat(80)).is_ok());
        assert!(StudentListName::parse("name", &"x".repeat(81)).is_err());
    }

    #[test]
    fn a_school_student_needs_a_grade_and_child_care_takes_none() {
        let input = |grade| StudentDetailsInput {
            grade,
            ..Default::default()
        };
        let school = StudentDetails::parse(&input("2"), Setting::School, today()).unwrap();
        assert_eq!(school.grade, Grade::numbered(2));
        let missing = StudentDetails::parse(&input(""), Setting::School, today()).unwrap_err();
        assert_eq!(missing.issues[0].field, "grade");
        assert!(StudentDetails::parse(&input("PK"), Setting::School, today()).is_err());
        assert_eq!(
            StudentDetails::parse(&input(""), Setting::PreK, today())
                .unwrap()
                .grade,
            Some(Grade::PRE_K)
        );
        assert!(StudentDetails::parse(&input("3"), Setting::ChildCare, today()).is_err());
        assert_eq!(
            StudentDetails::parse(&input(""), Setting::ChildCare, today())
                .unwrap()
                .grade,
            None
        );
    }

    #[test]
    fn an_exemption_and_a_provisional_enrolment_report_every_field_at_once() {
        let vaccines = vec!["mmr".to_string(), "flu".to_string()];
        let bad = StudentDetailsInput {
            grade: "K",
            exemption_kind: "medical",
            exemption_signed_on: "09/02/2026",
            exemption_vaccines: &vaccines,
            provisional_basis: "sometimes",
            provisional_since: "13/01/2026",
            ..Default::default()
        };
        let err = StudentDetails::parse(&bad, Setting::School, today()).unwrap_err();
        let fields: Vec<&str> = err.issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "exemption.signedOn",
                "exemption.vaccines[1]",
                "provisional.basis",
                "provisional.since"
            ]
        );
        let vaccines = vec!["mmr".to_string()];
        let good = StudentDetailsInput {
            grade: "K",
            exemption_kind: "medical",
            exemption_signed_on: "09/01/2026",
            exemption_lifelong: true,
            exemption_vaccines: &vaccines,
            provisional_basis: "homeless",
            provisional_since: "08/20/2026",
        };
        let details = StudentDetails::parse(&good, Setting::School, today()).unwrap();
        let exemption = details.exemption.unwrap();
        assert_eq!(exemption.vaccines, [VaccineGroup::Mmr]);
        assert!(exemption.lifelong);
        assert_eq!(
            details.provisional.unwrap().basis,
            ProvisionalBasis::Homeless
        );
        let religious_lifelong = StudentDetailsInput {
            grade: "K",
            exemption_kind: "religious",
            exemption_signed_on: "09/01/2026",
            exemption_lifelong: true,
            ..Default::default()
        };
        let err = StudentDetails::parse(&religious_lifelong, Setting::School, today()).unwrap_err();
        assert_eq!(err.issues[0].field, "exemption.lifelong");
    }

    #[test]
    fn a_roster_with_a_header_reads_its_columns_in_any_order() {
        let text =
            "Grade,DOB,First Name,Last Name\n2,03/14/2019,Sofía,García\n\nK,2/2/2020,Liam,O'Neil\n";
        let roster = parse_roster(text, Setting::School).unwrap();
        assert!(roster.issues.is_empty(), "{:?}", roster.issues);
        assert_eq!(roster.rows.len(), 2);
        assert_eq!(roster.rows[0].line, 2);
        assert_eq!(roster.rows[0].last_name, "García");
        assert_eq!(roster.rows[0].grade, Grade::numbered(2));
        assert_eq!(roster.rows[1].line, 4);
        assert_eq!(roster.rows[1].date_of_birth.to_string(), "02/02/2020");
        assert_eq!(roster.rows[1].grade, Some(Grade::K));
    }

    #[test]
    fn a_roster_without_a_header_is_last_first_dob_grade_and_bad_lines_say_where() {
        let text = "Garcia\tSofia\t03/14/2019\t2\nLee\t\t01/01/2019\t2\nKim\tAna\t02/30/2019\t2\nPark\tJi\t01/01/2019\t14\n";
        let roster = parse_roster(text, Setting::School).unwrap();
        assert_eq!(roster.rows.len(), 1);
        let issues: Vec<(usize, &str)> = roster
            .issues
            .iter()
            .map(|i| (i.line, i.field.as_str()))
            .collect();
        assert_eq!(issues, [(2, "firstName"), (3, "dateOfBirth"), (4, "grade")]);
        // Child care ignores the grade column.
        let care = parse_roster("Park,Ji,01/01/2024,14\n", Setting::ChildCare).unwrap();
        assert_eq!(care.rows[0].grade, None);
    }

    #[test]
    fn a_school_roster_needs_the_grade_and_a_pre_k_one_does_not() {
        let school = parse_roster("Park,Ji,01/01/2019\n", Setting::School).unwrap();
        assert_eq!(school.issues[0].field, "grade");
        let pre_k = parse_roster("Park,Ji,01/01/2022\n", Setting::PreK).unwrap();
        assert_eq!(pre_k.rows.len(), 1);
    }

    #[test]
    fn an_empty_roster_is_refused() {
        let err = parse_roster("\n  \n", Setting::School).unwrap_err();
        assert_eq!(err.issues[0].field, "roster");
    }

    #[test]
    fn a_new_school_year_without_its_table_applies_the_latest_rules_and_says_so() {
        let book = super::super::RequirementBook::embedded().unwrap();
        let day = |s| Date::parse(s).unwrap();
        let in_force = book.table_or_latest("TX", day("2026-01-15")).unwrap();
        assert_eq!(in_force.carried_from, None);
        assert_eq!(in_force.table.school_year, "2025-2026");
        let carried = book.table_or_latest("tx", day("2026-12-07")).unwrap();
        assert_eq!(carried.carried_from.as_deref(), Some("2025-2026"));
        assert_eq!(carried.table.school_year, "2026-2027");
        assert_eq!(carried.table.effective_from, day("2026-08-01"));
        assert_eq!(carried.table.effective_to, day("2027-07-31"));
        assert_eq!(
            carried.table.rules,
            book.table("TX", day("2026-01-15")).unwrap().rules
        );
        // The first day after the last table is carried one year; two years on, two.
        let next = book.table_or_latest("TX", day("2026-08-01")).unwrap();
        assert_eq!(next.table.school_year, "2026-2027");
        assert_eq!(
            book.table_or_latest("TX", day("2028-09-01"))
                .unwrap()
                .table
                .school_year,
            "2028-2029"
        );
        // Before any table, and for a state the book does not hold: nothing.
        assert!(book.table_or_latest("TX", day("2020-01-01")).is_none());
        assert!(book.table_or_latest("ZZ", day("2026-12-07")).is_none());
    }

    #[test]
    fn calendar_dates_round_trip() {
        let d = today();
        assert_eq!(time_date(calendar_date(d)), d);
    }
}
