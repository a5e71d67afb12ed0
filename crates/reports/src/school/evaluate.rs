//! A student's status against the state table in force.

use serde::{Deserialize, Serialize};
use shotbook_forecast::{Cvx, Date, Offset};

use super::table::{
    Applies, DeadlineRule, ExemptionKind, ExemptionValidity, Grade, RequirementBook, Rule,
    RuleOption, Setting, StateTable, VaccineGroup,
};
use crate::catalog::VaccineCatalog;
use crate::coverage::DoseRecord;

/// Why a student was enrolled provisionally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProvisionalBasis {
    /// Behind schedule with at least one dose of each vaccine.
    Standard,
    /// Homeless (McKinney-Vento).
    Homeless,
    /// In foster care.
    FosterCare,
    /// Transferring from another school.
    Transfer,
    /// Dependent of an active-duty service member.
    MilitaryFamily,
}

impl ProvisionalBasis {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            ProvisionalBasis::Standard => "standard",
            ProvisionalBasis::Homeless => "homeless",
            ProvisionalBasis::FosterCare => "foster_care",
            ProvisionalBasis::Transfer => "transfer",
            ProvisionalBasis::MilitaryFamily => "military_family",
        }
    }

    pub(super) fn from_code(code: &str) -> Option<ProvisionalBasis> {
        ProvisionalBasis::ALL.into_iter().find(|b| b.code() == code)
    }
}

/// A dose date on a signed conditional-attendance schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduledDose {
    /// Vaccine.
    pub vaccine: VaccineGroup,
    /// Date the dose is scheduled for.
    pub date: Date,
}

/// The school's record of a provisional enrolment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisionalEnrolment {
    /// Enrolled on.
    pub since: Date,
    /// Why.
    pub basis: ProvisionalBasis,
    /// Signed schedule, where the state asks for one.
    pub scheduled: Vec<ScheduledDose>,
}

/// An exemption on file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exemption {
    /// Kind.
    pub kind: ExemptionKind,
    /// Signed (or notarized) on.
    pub signed_on: Date,
    /// The statement says the condition is lifelong (medical).
    pub lifelong: bool,
    /// Vaccines it covers (all when empty).
    pub vaccines: Vec<VaccineGroup>,
}

/// What the evaluator needs to know about a student.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Student {
    /// Date of birth.
    pub dob: Date,
    /// Setting.
    pub setting: Setting,
    /// Grade (schools and pre-K).
    pub grade: Option<Grade>,
    /// Doses from the registry.
    pub doses: Vec<DoseRecord>,
    /// Groups with documented immunity (disease history, serology).
    pub immunity: Vec<VaccineGroup>,
    /// Exemptions on file.
    pub exemptions: Vec<Exemption>,
    /// Provisional enrolment, if any.
    pub provisional: Option<ProvisionalEnrolment>,
}

/// A dose a student still needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingDose {
    /// The rule that needs it.
    pub rule: String,
    /// Vaccine.
    pub vaccine: VaccineGroup,
    /// Its number among the counted doses of the rule.
    pub dose_number: u8,
    /// The earliest date it can be given (never before the evaluation date).
    pub earliest: Date,
    /// The date it became due, which may be past (a provisional enrolment's deadline runs
    /// from it).
    pub eligible_since: Date,
}

/// One rule's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum RuleCheck {
    /// The rule does not apply to the student (grade, age or setting).
    NotApplicable,
    /// Met.
    Met,
    /// Not met.
    Unmet {
        /// Doses missing on the option needing the fewest.
        missing: Vec<MissingDose>,
    },
}

/// A student's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum StudentStatus {
    /// Every requirement met.
    Complete,
    /// Provisionally enrolled, in good standing until the deadline.
    Conditional {
        /// Basis of the enrolment.
        basis: ProvisionalBasis,
        /// The date by which the next dose (or the record) is due.
        deadline: Date,
        /// Doses still missing.
        missing: Vec<MissingDose>,
    },
    /// Every unmet requirement is covered by a valid exemption.
    Exempt {
        /// Kind of the (first) exemption used.
        kind: ExemptionKind,
        /// The first expiry among the exemptions used; `None` when none expires.
        expires: Option<Date>,
    },
    /// Requirements unmet.
    Incomplete {
        /// Doses missing with the earliest date each can be given.
        missing: Vec<MissingDose>,
    },
    /// The registry holds no dose for the student and requirements apply.
    NoRecord,
    /// The state's table does not encode the requirements for the student's age in this setting.
    NotAssessed,
}

impl StudentStatus {
    /// Stable code.
    pub fn code(&self) -> &'static str {
        match self {
            StudentStatus::Complete => "complete",
            StudentStatus::Conditional { .. } => "conditional",
            StudentStatus::Exempt { .. } => "exempt",
            StudentStatus::Incomplete { .. } => "incomplete",
            StudentStatus::NoRecord => "no_record",
            StudentStatus::NotAssessed => "not_assessed",
        }
    }
}

/// The book has no table for the state on the date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no requirement table for {state} on {on}")]
pub struct NoTable {
    /// State asked for.
    pub state: String,
    /// Date asked for.
    pub on: Date,
}

fn negate(offset: Offset) -> Offset {
    Offset {
        years: -offset.years,
        months: -offset.months,
        days: -offset.days,
    }
}

/// Counting context of one rule for one student.
struct Counting<'a> {
    table: &'a StateTable,
    catalog: &'a VaccineCatalog,
    rule: &'a Rule,
    student: &'a Student,
    on: Date,
}

impl Counting<'_> {
    /// The date a student reaches `age`, less the grace period.
    fn age_with_grace(&self, age: Offset) -> Date {
        self.student.dob.plus(age).add_days(-self.table.grace_days)
    }

    fn after_interval(&self, from: Date, interval: Offset) -> Date {
        from.plus(interval).add_days(-self.table.grace_days)
    }

    fn interval(&self, option: &RuleOption) -> Offset {
        option
            .min_interval
            .unwrap_or(self.table.defaults(self.rule.vaccine).min_interval)
    }

    /// The first day any counted dose may be given under `option`.
    fn first_countable(&self, option: &RuleOption) -> Date {
        let defaults = self.table.defaults(self.rule.vaccine);
        let mut first = self.age_with_grace(defaults.min_age);
        if let Some(age) = option.all_on_or_after {
            first = first.max(self.age_with_grace(age));
        }
        first
    }

    /// The doses that count under `option`: of the group, given by the evaluation date, old
    /// enough, and far enough apart (one per day).
    fn counted(&self, option: &RuleOption) -> Vec<(Date, Cvx)> {
        let component = self.rule.vaccine.component();
        let first = self.first_countable(option);
        let interval = self.interval(option);
        let mut doses: Vec<(Date, Cvx)> = self
            .student
            .doses
            .iter()
            .filter(|d| !d.voided && d.date <= self.on && d.date >= first)
            .filter(|d| self.catalog.counts_for(d.cvx, component))
            .map(|d| (d.date, d.cvx))
            .collect();
        doses.sort_unstable();
        let mut counted: Vec<(Date, Cvx)> = Vec::new();
        for dose in doses {
            let far_enough = counted
                .last()
                .is_none_or(|&(last, _)| dose.0 >= self.after_interval(last, interval));
            if far_enough {
                counted.push(dose);
            }
        }
        counted
    }

    fn applies(&self, option: &RuleOption) -> bool {
        let dob = self.student.dob;
        option
            .student_min_age
            .is_none_or(|age| dob.plus(age) <= self.on)
            && option
                .student_max_age
                .is_none_or(|age| self.on < dob.plus(age))
    }

    fn satisfied(&self, option: &RuleOption, counted: &[(Date, Cvx)]) -> bool {
        if counted.len() < usize::from(option.doses) {
            return false;
        }
        if option.doses == 0 {
            return true;
        }
        if let Some(age) = option.one_on_or_after {
            let from = self.age_with_grace(age);
            if !counted.iter().any(|&(date, _)| date >= from) {
                return false;
            }
        }
        if let Some(rule) = option.dose_on_or_after {
            let from = self.age_with_grace(rule.age);
            match counted.get(usize::from(rule.dose).saturating_sub(1)) {
                Some(&(date, _)) if date >= from => {}
                _ => return false,
            }
        }
        if let Some(within) = option.last_dose_within {
            let since = self.on.plus(negate(within));
            if counted.last().is_none_or(|&(date, _)| date < since) {
                return false;
            }
        }
        self.satisfied_product(option, counted)
    }

    /// The doses that would satisfy `option`, each at its earliest date, or `None` when more
    /// doses cannot satisfy it (a dose that should have been later was already given).
    fn missing(&self, option: &RuleOption) -> Option<Vec<MissingDose>> {
        let mut doses = self.counted(option);
        if option.first_two_product.is_some() && !self.satisfied_product(option, &doses) {
            return None;
        }
        let interval = self.interval(option);
        let mut added = Vec::new();
        for _ in 0..8 {
            if self.satisfied(option, &doses) {
                return Some(added);
            }
            let number = doses.len() + 1;
            let mut earliest = self.first_countable(option);
            if let Some(&(last, _)) = doses.last() {
                earliest = earliest.max(self.after_interval(last, interval));
            }
            if let Some(age) = option.one_on_or_after {
                let from = self.age_with_grace(age);
                let met = doses.iter().any(|&(date, _)| date >= from);
                if !met && number >= usize::from(option.doses) {
                    earliest = earliest.max(from);
                }
            }
            if let Some(rule) = option.dose_on_or_after {
                let from = self.age_with_grace(rule.age);
                let index = usize::from(rule.dose).saturating_sub(1);
                match doses.get(index) {
                    Some(&(date, _)) if date < from => return None,
                    Some(_) => {}
                    None if number == index + 1 => earliest = earliest.max(from),
                    None => {}
                }
            }
            let eligible_since = earliest;
            let earliest = earliest.max(self.on);
            doses.push((earliest, 0));
            added.push(MissingDose {
                rule: self.rule.id.clone(),
                vaccine: self.rule.vaccine,
                dose_number: number as u8,
                earliest,
                eligible_since,
            });
        }
        None
    }

    /// The first two counted doses hold the product the option names, if it names one.
    fn satisfied_product(&self, option: &RuleOption, counted: &[(Date, Cvx)]) -> bool {
        match option.first_two_product {
            Some(product) => {
                counted.len() >= 2
                    && counted[..2]
                        .iter()
                        .all(|&(_, cvx)| self.catalog.counts_for(cvx, product))
            }
            None => true,
        }
    }

    fn check(&self) -> RuleCheck {
        if self.rule.accepts_immunity && self.student.immunity.contains(&self.rule.vaccine) {
            return RuleCheck::Met;
        }
        let options: Vec<&RuleOption> = self
            .rule
            .options
            .iter()
            .filter(|o| self.applies(o))
            .collect();
        if options.is_empty() {
            return RuleCheck::NotApplicable;
        }
        if options.iter().any(|o| self.satisfied(o, &self.counted(o))) {
            return RuleCheck::Met;
        }
        let fewest = options
            .iter()
            .filter_map(|o| self.missing(o))
            .min_by_key(|missing| missing.len())
            .unwrap_or_default();
        RuleCheck::Unmet { missing: fewest }
    }
}

fn rule_applies(rule: &Rule, student: &Student, on: Date) -> bool {
    if rule.setting != student.setting {
        return false;
    }
    match rule.applies {
        Applies::Grades(range) => student
            .grade
            .is_some_and(|g| range.first <= g && g <= range.last),
        Applies::Ages(band) => band.contains(student.dob, on),
    }
}

/// One rule's verdict for a student on `on` (the rows of the tables are tested through this).
pub fn check_rule(
    table: &StateTable,
    catalog: &VaccineCatalog,
    rule: &Rule,
    student: &Student,
    on: Date,
) -> RuleCheck {
    if !rule_applies(rule, student, on) {
        return RuleCheck::NotApplicable;
    }
    Counting {
        table,
        catalog,
        rule,
        student,
        on,
    }
    .check()
}

/// The exemptions on file that the table accepts for the setting and that are in force on
/// `on`, with their expiry.
fn exemptions_in_force<'a>(
    table: &StateTable,
    student: &'a Student,
    on: Date,
) -> Vec<(&'a Exemption, Option<Date>, Vec<VaccineGroup>)> {
    let mut in_force = Vec::new();
    for exemption in &student.exemptions {
        let Some(policy) = table.exemptions.iter().find(|p| {
            p.kind == exemption.kind
                && (p.settings.is_empty() || p.settings.contains(&student.setting))
        }) else {
            continue;
        };
        let expires = if exemption.lifelong && policy.lifelong_allowed {
            None
        } else {
            match policy.validity {
                ExemptionValidity::For(offset) => Some(exemption.signed_on.plus(offset)),
                ExemptionValidity::SchoolYear => Some(table.effective_to.add_days(1)),
                ExemptionValidity::Indefinite => None,
            }
        };
        let valid = exemption.signed_on <= on && expires.is_none_or(|end| on < end);
        if !valid {
            continue;
        }
        // What it covers: what the student's exemption names, within what the state allows.
        let covers: Vec<VaccineGroup> = VaccineGroup::ALL
            .into_iter()
            .filter(|g| exemption.vaccines.is_empty() || exemption.vaccines.contains(g))
            .filter(|g| policy.vaccines.is_empty() || policy.vaccines.contains(g))
            .collect();
        in_force.push((exemption, expires, covers));
    }
    in_force
}

/// The first periodic review date after `since` on or after `date`.
fn review_on_or_after(since: Date, review_days: i32, date: Date) -> Date {
    if review_days <= 0 {
        return date;
    }
    let elapsed = since.days_until(date).max(1);
    let periods = (elapsed + review_days - 1) / review_days;
    since.add_days(periods * review_days)
}

/// A student's status on `on` against `state`'s table in force that day.
pub fn evaluate(
    book: &RequirementBook,
    catalog: &VaccineCatalog,
    state: &str,
    student: &Student,
    on: Date,
) -> Result<StudentStatus, NoTable> {
    let table = book.table(state, on).ok_or_else(|| NoTable {
        state: state.to_owned(),
        on,
    })?;
    Ok(evaluate_with_table(table, catalog, student, on))
}

/// [`evaluate`] against a given table.
pub fn evaluate_with_table(
    table: &StateTable,
    catalog: &VaccineCatalog,
    student: &Student,
    on: Date,
) -> StudentStatus {
    let unassessed = table
        .unassessed
        .iter()
        .any(|u| u.setting == student.setting && u.ages.contains(student.dob, on));
    if unassessed {
        return StudentStatus::NotAssessed;
    }
    let mut unmet: Vec<(&Rule, Vec<MissingDose>)> = Vec::new();
    for rule in &table.rules {
        if let RuleCheck::Unmet { missing } = check_rule(table, catalog, rule, student, on) {
            unmet.push((rule, missing));
        }
    }
    if unmet.is_empty() {
        return StudentStatus::Complete;
    }

    let exemptions = exemptions_in_force(table, student, on);
    let exempted = |group: VaccineGroup| {
        exemptions
            .iter()
            .find(|(_, _, covers)| covers.contains(&group))
    };
    if unmet
        .iter()
        .all(|(rule, _)| exempted(rule.vaccine).is_some())
    {
        let used: Vec<_> = unmet
            .iter()
            .filter_map(|(rule, _)| exempted(rule.vaccine))
            .collect();
        return StudentStatus::Exempt {
            kind: used[0].0.kind,
            expires: used.iter().filter_map(|(_, expires, _)| *expires).min(),
        };
    }
    let has_any_dose = student.doses.iter().any(|d| !d.voided) || !student.immunity.is_empty();
    let uncovered: Vec<&(&Rule, Vec<MissingDose>)> = unmet
        .iter()
        .filter(|(rule, _)| exempted(rule.vaccine).is_none())
        .collect();
    let missing: Vec<MissingDose> = uncovered
        .iter()
        .flat_map(|(_, missing)| missing.iter().cloned())
        .collect();

    if let Some(enrolment) = &student.provisional {
        if let Some(status) =
            provisional_status(table, catalog, student, enrolment, &uncovered, &missing, on)
        {
            return status;
        }
    }
    if !has_any_dose {
        return StudentStatus::NoRecord;
    }
    StudentStatus::Incomplete { missing }
}

fn provisional_status(
    table: &StateTable,
    catalog: &VaccineCatalog,
    student: &Student,
    enrolment: &ProvisionalEnrolment,
    uncovered: &[&(&Rule, Vec<MissingDose>)],
    missing: &[MissingDose],
    on: Date,
) -> Option<StudentStatus> {
    let policy = &table.provisional;
    if enrolment.since > on {
        return None;
    }
    if policy.without_doses_bases.contains(&enrolment.basis) {
        let deadline = enrolment.since.add_days(policy.without_doses_days);
        if on < deadline {
            return Some(StudentStatus::Conditional {
                basis: enrolment.basis,
                deadline,
                missing: missing.to_vec(),
            });
        }
    }
    if policy.one_dose_of_each {
        let one_of_each = uncovered.iter().all(|(rule, _)| {
            student.doses.iter().any(|d| {
                !d.voided && d.date <= on && catalog.counts_for(d.cvx, rule.vaccine.component())
            })
        });
        if !one_of_each {
            return None;
        }
    }
    let deadline = match policy.deadline {
        DeadlineRule::NextDoseReview => {
            // The review after the next dose became due; once it has passed without the dose
            // the student is no longer in good standing.
            let next = missing.iter().map(|m| m.eligible_since).min()?;
            let deadline = review_on_or_after(enrolment.since, policy.review_days, next);
            if deadline < on {
                return None;
            }
            deadline
        }
        DeadlineRule::ScheduledDates => {
            let mut next: Option<Date> = None;
            for (rule, _) in uncovered {
                let dates = enrolment
                    .scheduled
                    .iter()
                    .filter(|s| s.vaccine == rule.vaccine)
                    .map(|s| s.date);
                // A date on the schedule that has passed with the rule still unmet excludes the
                // student; a vaccine without a scheduled date was never conditional.
                let mut upcoming = None;
                for date in dates {
                    if date < on {
                        return None;
                    }
                    upcoming = Some(upcoming.map_or(date, |u: Date| u.min(date)));
                }
                let upcoming = upcoming?;
                next = Some(next.map_or(upcoming, |n| n.min(upcoming)));
            }
            next?
        }
    };
    Some(StudentStatus::Conditional {
        basis: enrolment.basis,
        deadline,
        missing: missing.to_vec(),
    })
}
