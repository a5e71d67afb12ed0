//! The coverage engine against hand-computed children.
//!
//! Most infants are born 2022-01-10. Their key dates, worked out by hand (calendar offsets,
//! less the 4-day grace):
//!
//! | age | date | less 4 days |
//! |---|---|---|
//! | 6 weeks (42 d) | 2022-02-21 | 2022-02-17 |
//! | 10 weeks (70 d) | 2022-03-21 | 2022-03-17 |
//! | 14 weeks (98 d) | 2022-04-18 | 2022-04-14 |
//! | 24 weeks (168 d) | 2022-06-27 | 2022-06-23 |
//! | 6 months | 2022-07-10 | 2022-07-06 |
//! | 8 months 0 days (rotavirus limit, no grace) | 2022-09-10 | |
//! | 12 months | 2023-01-10 | 2023-01-06 |
//! | 24 months (cutoff) | 2024-01-10 | |
//! | 35 months (cutoff) | 2024-12-10 | |
//!
//! The baseline child below is up to date on everything: each test changes one series.

use shotbook_reports::catalog::VaccineCatalog;
use shotbook_reports::coverage::{AgePoint, Measure, MeasureOutcome, Shortfall};
use shotbook_reports::series::Series;
use shotbook_reports::status::{ProviderClientStatus, StatusAtOrganization};

use crate::support::{client, d, outcome};

const DOB: &str = "2022-01-10";
/// After both age points of a child born 2022-01-10.
const AS_OF: &str = "2025-01-01";

const HEPB: &[(u16, &str)] = &[(8, "2022-01-10"), (8, "2022-03-10"), (8, "2022-07-10")];
const DTAP: &[(u16, &str)] = &[
    (20, "2022-03-10"),
    (20, "2022-05-10"),
    (20, "2022-07-10"),
    (20, "2023-04-10"),
];
const POLIO: &[(u16, &str)] = &[(10, "2022-03-10"), (10, "2022-05-10"), (10, "2022-07-10")];
const HIB: &[(u16, &str)] = &[
    (48, "2022-03-10"),
    (48, "2022-05-10"),
    (48, "2022-07-10"),
    (48, "2023-01-10"),
];
const PCV: &[(u16, &str)] = &[
    (133, "2022-03-10"),
    (133, "2022-05-10"),
    (133, "2022-07-10"),
    (133, "2023-01-10"),
];
const MMR: &[(u16, &str)] = &[(3, "2023-01-10")];
const VARICELLA: &[(u16, &str)] = &[(21, "2023-01-10")];
const ROTAVIRUS: &[(u16, &str)] = &[
    (116, "2022-03-10"),
    (116, "2022-05-10"),
    (116, "2022-07-10"),
];
const HEPA: &[(u16, &str)] = &[(83, "2023-01-10")];
const FLU: &[(u16, &str)] = &[(150, "2022-10-10"), (150, "2022-11-10")];

/// The baseline child's doses without the series whose CVX codes are in `skip`.
fn baseline_except(skip: &[u16]) -> Vec<(u16, &'static str)> {
    [
        HEPB, DTAP, POLIO, HIB, PCV, MMR, VARICELLA, ROTAVIRUS, HEPA, FLU,
    ]
    .concat()
    .into_iter()
    .filter(|(cvx, _)| !skip.contains(cvx))
    .collect()
}

fn with(
    mut base: Vec<(u16, &'static str)>,
    extra: &[(u16, &'static str)],
) -> Vec<(u16, &'static str)> {
    base.extend_from_slice(extra);
    base
}

/// One child, its as-of date, and the expected outcome code of each listed measure.
macro_rules! child {
    ($name:ident: born $dob:expr, as of $as_of:expr, doses $doses:expr,
     $($point:ident $measure:ident => $code:literal),+ $(,)?) => {
        #[test]
        fn $name() {
            let c = client($dob, &$doses);
            $(
                assert_eq!(
                    outcome(&c, $as_of, AgePoint::$point, Measure::$measure).code(),
                    $code,
                    "{} at {}",
                    stringify!($measure),
                    stringify!($point),
                );
            )+
        }
    };
}

// ---- the baseline ----

child!(the_baseline_child_is_up_to_date_on_every_measure_at_24_months:
    born DOB, as of AS_OF, doses baseline_except(&[]),
    Months24 Dtap4 => "up_to_date", Months24 Polio3 => "up_to_date", Months24 Mmr1 => "up_to_date",
    Months24 HibFull => "up_to_date", Months24 HepB3 => "up_to_date",
    Months24 Varicella1 => "up_to_date", Months24 Pcv4 => "up_to_date",
    Months24 Combined7 => "up_to_date", Months24 Rotavirus => "up_to_date",
    Months24 HepA1 => "up_to_date", Months24 Influenza2 => "up_to_date");

child!(the_baseline_child_is_up_to_date_at_35_months_too:
    born DOB, as of AS_OF, doses baseline_except(&[]),
    Months35 Combined7 => "up_to_date", Months35 Rotavirus => "up_to_date");

child!(a_child_with_no_doses_is_in_the_denominator_and_not_up_to_date:
    born DOB, as of AS_OF, doses [],
    Months24 Combined7 => "not_up_to_date", Months35 Dtap4 => "not_up_to_date");

// ---- DTaP: grace on both sides of ages and intervals ----

// Dose 1 on 2022-02-17 = 6 weeks less 4 days: valid. Dose 2 on 04-17: age ≥ 03-17, interval
// ≥ 02-17 + 28 − 4 = 03-13. Dose 3 on 06-17: age ≥ 04-14. Dose 4 2023-04-10.
child!(dtap_dose_1_four_days_before_six_weeks_counts:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[20]), &[(20, "2022-02-17"), (20, "2022-04-17"), (20, "2022-06-17"), (20, "2023-04-10")]),
    Months24 Dtap4 => "up_to_date");

// Dose 1 on 2022-02-16, 5 days early: invalid; the three later doses become doses 1-3.
child!(dtap_dose_1_five_days_before_six_weeks_does_not_count:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[20]), &[(20, "2022-02-16"), (20, "2022-04-17"), (20, "2022-06-17"), (20, "2023-04-10")]),
    Months24 Dtap4 => "not_up_to_date", Months24 Combined7 => "not_up_to_date");

// Dose 2 on 2022-04-03 = 03-10 + 28 days (04-07) less 4: valid.
child!(dtap_interval_of_four_weeks_less_four_days_counts:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[20]), &[(20, "2022-03-10"), (20, "2022-04-03"), (20, "2022-06-10"), (20, "2023-04-10")]),
    Months24 Dtap4 => "up_to_date");

// Dose 2 on 2022-04-02: one day short; 06-10 becomes dose 2 and 2023-04-10 dose 3.
child!(dtap_interval_of_four_weeks_less_five_days_does_not_count:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[20]), &[(20, "2022-03-10"), (20, "2022-04-02"), (20, "2022-06-10"), (20, "2023-04-10")]),
    Months24 Dtap4 => "not_up_to_date");

// Doses at 02-21, 03-21, 04-18 (each exactly on its age), dose 4 on 2023-01-06 = 12 months
// less 4 days; 6 months after 04-18 is 10-18, long past.
child!(dtap_dose_4_four_days_before_the_first_birthday_counts:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[20]), &[(20, "2022-02-21"), (20, "2022-03-21"), (20, "2022-04-18"), (20, "2023-01-06")]),
    Months24 Dtap4 => "up_to_date");

child!(dtap_dose_4_five_days_before_the_first_birthday_does_not_count:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[20]), &[(20, "2022-02-21"), (20, "2022-03-21"), (20, "2022-04-18"), (20, "2023-01-05")]),
    Months24 Dtap4 => "not_up_to_date", Months35 Dtap4 => "not_up_to_date");

// Dose 3 on 2022-08-10; 6 months later is 2023-02-10, less 4 = 02-06.
child!(dtap_dose_4_six_months_less_four_days_after_dose_3_counts:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[20]), &[(20, "2022-03-10"), (20, "2022-05-10"), (20, "2022-08-10"), (20, "2023-02-06")]),
    Months24 Dtap4 => "up_to_date");

child!(dtap_dose_4_six_months_less_five_days_after_dose_3_does_not_count:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[20]), &[(20, "2022-03-10"), (20, "2022-05-10"), (20, "2022-08-10"), (20, "2023-02-05")]),
    Months24 Dtap4 => "not_up_to_date");

// ---- the cutoff ----

child!(a_dose_on_the_second_birthday_counts_by_24_months:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[20]), &[(20, "2022-03-10"), (20, "2022-05-10"), (20, "2022-07-10"), (20, "2024-01-10")]),
    Months24 Dtap4 => "up_to_date");

child!(a_dose_the_day_after_the_second_birthday_counts_only_by_35_months:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[20]), &[(20, "2022-03-10"), (20, "2022-05-10"), (20, "2022-07-10"), (20, "2024-01-11")]),
    Months24 Dtap4 => "not_up_to_date", Months35 Dtap4 => "up_to_date",
    Months24 Combined7 => "not_up_to_date", Months35 Combined7 => "up_to_date");

child!(a_dose_the_day_after_35_months_counts_at_neither_age_point:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[3]), &[(3, "2024-12-11")]),
    Months24 Mmr1 => "not_up_to_date", Months35 Mmr1 => "not_up_to_date");

child!(a_dose_on_the_day_the_child_turns_35_months_counts_by_35_months:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[3]), &[(3, "2024-12-10")]),
    Months24 Mmr1 => "not_up_to_date", Months35 Mmr1 => "up_to_date");

// ---- voided and duplicate doses ----

#[test]
fn a_voided_dose_never_counts() {
    let mut c = client(DOB, &baseline_except(&[]));
    for dose in c.doses.iter_mut().filter(|dose| dose.cvx == 3) {
        dose.voided = true;
    }
    assert_eq!(
        outcome(&c, AS_OF, AgePoint::Months24, Measure::Mmr1).code(),
        "not_up_to_date"
    );
    assert_eq!(
        outcome(&c, AS_OF, AgePoint::Months24, Measure::Combined7).code(),
        "not_up_to_date"
    );
}

// Two DTaP entries on 2022-05-10 count once (the second fails the 4-week interval).
child!(two_doses_of_one_vaccine_on_one_day_count_once:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[20]), &[(20, "2022-03-10"), (20, "2022-05-10"), (20, "2022-05-10"), (20, "2023-04-10")]),
    Months24 Dtap4 => "not_up_to_date");

// ---- polio ----

// Dose 3 on 2022-04-14 = 14 weeks less 4, and 03-21 + 28 = 04-18 less 4 = 04-14.
child!(polio_dose_3_at_fourteen_weeks_less_four_days_counts:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[10]), &[(10, "2022-02-21"), (10, "2022-03-21"), (10, "2022-04-14")]),
    Months24 Polio3 => "up_to_date");

child!(polio_dose_3_at_fourteen_weeks_less_five_days_does_not_count:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[10]), &[(10, "2022-02-21"), (10, "2022-03-21"), (10, "2022-04-13")]),
    Months24 Polio3 => "not_up_to_date");

// Pediarix (110) counts for DTaP, polio and hepatitis B alike.
child!(a_combination_vaccine_counts_for_each_of_its_antigens:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[20, 10, 8]), &[(110, "2022-03-10"), (110, "2022-05-10"), (110, "2022-07-10"), (20, "2023-04-10")]),
    Months24 Dtap4 => "up_to_date", Months24 Polio3 => "up_to_date", Months24 HepB3 => "up_to_date");

// ---- MMR and varicella ----

child!(mmr_four_days_before_the_first_birthday_counts:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[3]), &[(3, "2023-01-06")]),
    Months24 Mmr1 => "up_to_date");

child!(mmr_five_days_before_the_first_birthday_does_not_count:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[3]), &[(3, "2023-01-05")]),
    Months24 Mmr1 => "not_up_to_date", Months24 Combined7 => "not_up_to_date");

child!(mmrv_counts_for_measles_and_varicella:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[3, 21]), &[(94, "2023-01-10")]),
    Months24 Mmr1 => "up_to_date", Months24 Varicella1 => "up_to_date", Months24 Combined7 => "up_to_date");

// Varicella on 2023-01-05 is 5 days early; a second on 2023-03-01 counts.
child!(a_varicella_dose_given_too_early_is_replaced_by_a_later_one:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[21]), &[(21, "2023-01-05"), (21, "2023-03-01")]),
    Months24 Varicella1 => "up_to_date");

child!(varicella_five_days_early_alone_does_not_count:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[21]), &[(21, "2023-01-05")]),
    Months24 Varicella1 => "not_up_to_date");

// ---- hepatitis B ----

// Dose 3 on 2022-06-23 = 24 weeks less 4; 8 weeks after 03-10 and 16 weeks after birth long
// past.
child!(hepb_dose_3_at_24_weeks_less_four_days_counts:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[8]), &[(8, "2022-01-10"), (8, "2022-03-10"), (8, "2022-06-23")]),
    Months24 HepB3 => "up_to_date");

child!(hepb_dose_3_at_24_weeks_less_five_days_does_not_count:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[8]), &[(8, "2022-01-10"), (8, "2022-03-10"), (8, "2022-06-22")]),
    Months24 HepB3 => "not_up_to_date");

// Dose 2 on 2022-05-10; 8 weeks later is 07-05, less 4 = 07-01.
child!(hepb_dose_3_eight_weeks_less_four_days_after_dose_2_counts:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[8]), &[(8, "2022-01-10"), (8, "2022-05-10"), (8, "2022-07-01")]),
    Months24 HepB3 => "up_to_date");

child!(hepb_dose_3_eight_weeks_less_five_days_after_dose_2_does_not_count:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[8]), &[(8, "2022-01-10"), (8, "2022-05-10"), (8, "2022-06-30")]),
    Months24 HepB3 => "not_up_to_date");

// ---- Hib: the 3* rule ----

child!(hib_two_prp_omp_doses_and_a_booster_make_a_full_series_of_three:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[48]), &[(49, "2022-03-10"), (49, "2022-05-10"), (49, "2023-01-10")]),
    Months24 HibFull => "up_to_date", Months24 Combined7 => "up_to_date");

child!(hib_prp_omp_then_prp_t_needs_four_doses:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[48]), &[(49, "2022-03-10"), (48, "2022-05-10"), (48, "2023-01-10")]),
    Months24 HibFull => "not_up_to_date");

child!(hib_prp_t_then_prp_omp_needs_four_doses:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[48]), &[(48, "2022-03-10"), (49, "2022-05-10"), (49, "2023-01-10")]),
    Months24 HibFull => "not_up_to_date");

child!(hib_comvax_twice_and_a_prp_t_booster_make_three:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[48]), &[(51, "2022-03-10"), (51, "2022-05-10"), (48, "2023-01-10")]),
    Months24 HibFull => "up_to_date");

child!(hib_prp_omp_booster_four_days_before_the_first_birthday_counts:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[48]), &[(49, "2022-03-10"), (49, "2022-05-10"), (49, "2023-01-06")]),
    Months24 HibFull => "up_to_date");

child!(hib_prp_omp_booster_five_days_before_the_first_birthday_does_not_count:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[48]), &[(49, "2022-03-10"), (49, "2022-05-10"), (49, "2023-01-05")]),
    Months24 HibFull => "not_up_to_date");

// A third PRP-OMP dose in infancy (07-10) is not the booster (under 12 months).
child!(hib_three_prp_omp_doses_in_infancy_lack_the_booster:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[48]), &[(49, "2022-03-10"), (49, "2022-05-10"), (49, "2022-07-10")]),
    Months24 HibFull => "not_up_to_date");

// PRP-OMP dose 2 on 2022-12-01; 8 weeks later is 2023-01-26, less 4 = 01-22.
child!(hib_booster_eight_weeks_less_four_days_after_prp_omp_dose_2_counts:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[48]), &[(49, "2022-03-10"), (49, "2022-12-01"), (49, "2023-01-22")]),
    Months24 HibFull => "up_to_date");

child!(hib_booster_eight_weeks_less_five_days_after_prp_omp_dose_2_does_not_count:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[48]), &[(49, "2022-03-10"), (49, "2022-12-01"), (49, "2023-01-21")]),
    Months24 HibFull => "not_up_to_date");

#[test]
fn a_mixed_hib_series_reports_four_doses_required() {
    let c = client(
        DOB,
        &with(
            baseline_except(&[48]),
            &[(49, "2022-03-10"), (48, "2022-05-10"), (48, "2023-01-10")],
        ),
    );
    let MeasureOutcome::NotUpToDate { shortfalls, .. } =
        outcome(&c, AS_OF, AgePoint::Months24, Measure::HibFull)
    else {
        panic!("three mixed Hib doses are not a full series");
    };
    assert_eq!(
        shortfalls,
        vec![Shortfall {
            series: Series::Hib,
            valid_doses: 3,
            doses_required: 4
        }]
    );
}

// ---- PCV ----

child!(ppsv23_does_not_count_as_a_pcv_dose:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[133]), &[(133, "2022-03-10"), (133, "2022-05-10"), (133, "2022-07-10"), (33, "2023-01-10")]),
    Months24 Pcv4 => "not_up_to_date", Months24 Combined7 => "not_up_to_date");

child!(pcv13_and_pcv15_mixed_make_four_doses:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[133]), &[(133, "2022-03-10"), (215, "2022-05-10"), (215, "2022-07-10"), (133, "2023-01-10")]),
    Months24 Pcv4 => "up_to_date");

// ---- rotavirus by product ----

child!(rotavirus_two_rotarix_doses_complete_the_series:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[116]), &[(119, "2022-03-10"), (119, "2022-05-10")]),
    Months24 Rotavirus => "up_to_date");

child!(rotavirus_two_rotateq_doses_do_not:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[116]), &[(116, "2022-03-10"), (116, "2022-05-10")]),
    Months24 Rotavirus => "not_up_to_date");

child!(rotavirus_rotarix_then_rotateq_needs_three:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[116]), &[(119, "2022-03-10"), (116, "2022-05-10")]),
    Months24 Rotavirus => "not_up_to_date");

child!(rotavirus_rotarix_rotateq_rotarix_completes_with_three:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[116]), &[(119, "2022-03-10"), (116, "2022-05-10"), (119, "2022-07-10")]),
    Months24 Rotavirus => "up_to_date");

child!(rotavirus_two_unspecified_doses_need_a_third:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[116]), &[(122, "2022-03-10"), (122, "2022-05-10")]),
    Months24 Rotavirus => "not_up_to_date");

// 8 months 0 days after 2022-01-10 is 2022-09-10: that day counts, the next does not.
child!(rotavirus_last_dose_at_eight_months_zero_days_counts:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[116]), &[(119, "2022-03-10"), (119, "2022-09-10")]),
    Months24 Rotavirus => "up_to_date");

child!(rotavirus_last_dose_at_eight_months_one_day_does_not_count:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[116]), &[(119, "2022-03-10"), (119, "2022-09-11")]),
    Months24 Rotavirus => "not_up_to_date", Months35 Rotavirus => "not_up_to_date");

// Rotavirus is not part of the 7-vaccine series.
child!(a_child_without_rotavirus_is_still_up_to_date_on_the_combined_series:
    born DOB, as of AS_OF,
    doses baseline_except(&[116]),
    Months24 Rotavirus => "not_up_to_date", Months24 Combined7 => "up_to_date");

// ---- hepatitis A and influenza (HEDIS) ----

child!(hepa_four_days_before_the_first_birthday_counts:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[83]), &[(83, "2023-01-06")]),
    Months24 HepA1 => "up_to_date");

child!(hepa_five_days_before_the_first_birthday_does_not_count:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[83]), &[(83, "2023-01-05")]),
    Months24 HepA1 => "not_up_to_date");

// 2022-10-10 + 28 days = 11-07, less 4 = 11-03: 24 days apart.
child!(influenza_doses_24_days_apart_count:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[150]), &[(150, "2022-10-10"), (150, "2022-11-03")]),
    Months24 Influenza2 => "up_to_date");

child!(influenza_doses_23_days_apart_do_not:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[150]), &[(150, "2022-10-10"), (150, "2022-11-02")]),
    Months24 Influenza2 => "not_up_to_date");

// 6 months less 4 days is 2022-07-06; a dose on 07-05 does not count, so 07-05 and 08-05 are one
// dose.
child!(influenza_before_six_months_less_four_days_does_not_count:
    born DOB, as of AS_OF,
    doses with(baseline_except(&[150]), &[(150, "2022-07-05"), (150, "2022-08-05")]),
    Months24 Influenza2 => "not_up_to_date");

// ---- the combined series ----

#[test]
fn the_combined_series_lists_only_the_missing_parts() {
    let c = client(DOB, &baseline_except(&[21]));
    let MeasureOutcome::NotUpToDate { shortfalls, .. } =
        outcome(&c, AS_OF, AgePoint::Months24, Measure::Combined7)
    else {
        panic!("no varicella: not up to date");
    };
    assert_eq!(
        shortfalls,
        vec![Shortfall {
            series: Series::Varicella,
            valid_doses: 0,
            doses_required: 1
        }]
    );
}

#[test]
fn the_combined_series_is_complete_on_the_date_of_its_last_needed_dose() {
    // DTaP dose 4 on 2023-04-10 is the baseline's last dose of the seven series.
    let c = client(DOB, &baseline_except(&[]));
    assert_eq!(
        outcome(&c, AS_OF, AgePoint::Months24, Measure::Combined7),
        MeasureOutcome::UpToDate {
            completed_on: d("2023-04-10")
        }
    );
}

// ---- who is in the denominator ----

// Born 2023-06-01: 24 months on 2025-06-01, after the as-of date.
child!(a_child_younger_than_24_months_on_the_as_of_date_is_too_young:
    born "2023-06-01", as of AS_OF, doses [],
    Months24 Dtap4 => "too_young", Months35 Dtap4 => "too_young", Years13 Tdap1 => "too_young");

// Born 2023-01-01: 24 months on 2025-01-01, the as-of date itself.
child!(a_child_reaching_24_months_on_the_as_of_date_is_assessed:
    born "2023-01-01", as of AS_OF, doses [],
    Months24 Dtap4 => "not_up_to_date", Months35 Dtap4 => "too_young");

fn with_status(
    status: ProviderClientStatus,
    since: Option<&str>,
) -> shotbook_reports::coverage::CoverageClient {
    let mut c = client(DOB, &baseline_except(&[]));
    c.status = StatusAtOrganization {
        status,
        since: since.map(d),
    };
    c
}

#[test]
fn a_client_who_moved_before_24_months_is_out_of_both_denominators() {
    let c = with_status(ProviderClientStatus::Moved, Some("2023-05-01"));
    for point in [AgePoint::Months24, AgePoint::Months35] {
        assert_eq!(
            outcome(&c, AS_OF, point, Measure::Combined7),
            MeasureOutcome::LeftDenominator {
                status: ProviderClientStatus::Moved
            }
        );
    }
}

#[test]
fn a_client_who_moved_between_24_and_35_months_counts_only_at_24() {
    let c = with_status(ProviderClientStatus::Moved, Some("2024-06-01"));
    assert_eq!(
        outcome(&c, AS_OF, AgePoint::Months24, Measure::Combined7).code(),
        "up_to_date"
    );
    assert_eq!(
        outcome(&c, AS_OF, AgePoint::Months35, Measure::Combined7).code(),
        "left_denominator"
    );
}

#[test]
fn a_client_who_moved_on_the_day_of_the_age_point_is_out() {
    let c = with_status(ProviderClientStatus::Moved, Some("2024-01-10"));
    assert_eq!(
        outcome(&c, AS_OF, AgePoint::Months24, Measure::Dtap4).code(),
        "left_denominator"
    );
}

#[test]
fn a_client_who_moved_the_day_after_the_age_point_is_in() {
    let c = with_status(ProviderClientStatus::Moved, Some("2024-01-11"));
    assert_eq!(
        outcome(&c, AS_OF, AgePoint::Months24, Measure::Dtap4).code(),
        "up_to_date"
    );
}

#[test]
fn a_client_who_died_after_35_months_stays_in_both_denominators() {
    let c = with_status(ProviderClientStatus::Deceased, Some("2024-12-20"));
    assert_eq!(
        outcome(&c, AS_OF, AgePoint::Months24, Measure::Dtap4).code(),
        "up_to_date"
    );
    assert_eq!(
        outcome(&c, AS_OF, AgePoint::Months35, Measure::Dtap4).code(),
        "up_to_date"
    );
}

#[test]
fn a_client_lost_to_follow_up_stays_in_the_denominator() {
    let c = with_status(ProviderClientStatus::LostToFollowUp, Some("2022-06-01"));
    assert_eq!(
        outcome(&c, AS_OF, AgePoint::Months24, Measure::Dtap4).code(),
        "up_to_date"
    );
}

#[test]
fn an_inactive_client_without_a_status_date_is_out() {
    let c = with_status(ProviderClientStatus::Inactive, None);
    assert_eq!(
        outcome(&c, AS_OF, AgePoint::Months35, Measure::Dtap4).code(),
        "left_denominator"
    );
}

// ---- missed opportunities ----

#[test]
fn visits_for_other_vaccines_after_six_weeks_are_missed_dtap_opportunities() {
    // HepB at birth (DTaP not yet due), 2022-03-10 and 2022-07-10 (DTaP due: 6 weeks less 4 is
    // 02-17), no DTaP ever.
    let c = client(DOB, HEPB);
    let MeasureOutcome::NotUpToDate {
        missed_opportunities,
        ..
    } = outcome(&c, AS_OF, AgePoint::Months24, Measure::Dtap4)
    else {
        panic!("no DTaP: not up to date");
    };
    assert_eq!(missed_opportunities, vec![d("2022-03-10"), d("2022-07-10")]);
}

#[test]
fn a_visit_before_the_next_dose_is_allowed_is_not_a_missed_opportunity() {
    // DTaP 03-10; HepB visit 03-25: dose 2 is allowed from max(03-17, 04-07 − 4 = 04-03).
    let c = client(
        DOB,
        &[(20, "2022-03-10"), (8, "2022-03-25"), (8, "2022-04-03")],
    );
    let MeasureOutcome::NotUpToDate {
        missed_opportunities,
        ..
    } = outcome(&c, AS_OF, AgePoint::Months24, Measure::Dtap4)
    else {
        panic!("one DTaP: not up to date");
    };
    assert_eq!(missed_opportunities, vec![d("2022-04-03")]);
}

#[test]
fn a_visit_without_a_dose_is_an_opportunity_too() {
    let mut c = client(DOB, &baseline_except(&[3]));
    c.visits = vec![d("2023-02-01")];
    // MMR was due from 2023-01-06; visits after: 2023-01-10 (other vaccines), 02-01, 04-10.
    let MeasureOutcome::NotUpToDate {
        missed_opportunities,
        ..
    } = outcome(&c, AS_OF, AgePoint::Months24, Measure::Mmr1)
    else {
        panic!("no MMR: not up to date");
    };
    assert_eq!(
        missed_opportunities,
        vec![d("2023-01-10"), d("2023-02-01"), d("2023-04-10")]
    );
}

#[test]
fn a_visit_after_the_age_point_is_not_a_missed_opportunity_at_that_point() {
    let mut c = client(DOB, &baseline_except(&[3, 20]));
    c.visits = vec![d("2024-02-01")];
    let MeasureOutcome::NotUpToDate {
        missed_opportunities,
        ..
    } = outcome(&c, AS_OF, AgePoint::Months24, Measure::Mmr1)
    else {
        panic!("no MMR: not up to date");
    };
    assert_eq!(missed_opportunities, vec![d("2023-01-10")]);
}

#[test]
fn a_voided_dose_is_not_a_visit() {
    // Only doses: HepB 2022-03-10, voided. No visit, no missed opportunity.
    let mut c = client(DOB, &[(8, "2022-03-10")]);
    c.doses[0].voided = true;
    let MeasureOutcome::NotUpToDate {
        missed_opportunities,
        ..
    } = outcome(&c, AS_OF, AgePoint::Months24, Measure::Dtap4)
    else {
        panic!("no DTaP: not up to date");
    };
    assert!(missed_opportunities.is_empty());
}

// ---- adolescents: born 2010-05-15; 13 years on 2023-05-15; 10 years less 4 days 2020-05-11;
// 9 years less 4 days 2019-05-11 ----

const TEEN: &str = "2010-05-15";
const TEEN_AS_OF: &str = "2024-01-01";

child!(tdap_four_days_before_the_tenth_birthday_counts:
    born TEEN, as of TEEN_AS_OF, doses [(115, "2020-05-11")],
    Years13 Tdap1 => "up_to_date");

child!(tdap_five_days_before_the_tenth_birthday_does_not_count:
    born TEEN, as of TEEN_AS_OF, doses [(115, "2020-05-10")],
    Years13 Tdap1 => "not_up_to_date");

child!(tdap_after_the_thirteenth_birthday_does_not_count_at_13:
    born TEEN, as of TEEN_AS_OF, doses [(115, "2023-05-16")],
    Years13 Tdap1 => "not_up_to_date");

child!(tdap_on_the_thirteenth_birthday_counts:
    born TEEN, as of TEEN_AS_OF, doses [(115, "2023-05-15")],
    Years13 Tdap1 => "up_to_date");

child!(td_is_not_tdap:
    born TEEN, as of TEEN_AS_OF, doses [(113, "2021-06-01")],
    Years13 Tdap1 => "not_up_to_date");

child!(menacwy_at_eleven_counts:
    born TEEN, as of TEEN_AS_OF, doses [(114, "2021-06-01")],
    Years13 MenAcwy1 => "up_to_date");

child!(menc_alone_is_not_menacwy:
    born TEEN, as of TEEN_AS_OF, doses [(103, "2021-06-01")],
    Years13 MenAcwy1 => "not_up_to_date");

// 2021-06-01 + 5 months = 11-01, less 4 = 10-28.
child!(hpv_two_doses_five_months_less_four_days_apart_started_before_15_are_up_to_date:
    born TEEN, as of TEEN_AS_OF, doses [(165, "2021-06-01"), (165, "2021-10-28")],
    Years13 HpvUpToDate => "up_to_date");

child!(hpv_two_doses_five_months_less_five_days_apart_are_not:
    born TEEN, as of TEEN_AS_OF, doses [(165, "2021-06-01"), (165, "2021-10-27")],
    Years13 HpvUpToDate => "not_up_to_date");

// Three doses: 07-01 is 4 weeks after 06-01; 11-01 is 12 weeks (less 4 = 09-19) after 07-01
// and 5 months (less 4 = 10-28) after 06-01.
child!(hpv_three_doses_on_the_three_dose_schedule_are_up_to_date:
    born TEEN, as of TEEN_AS_OF, doses [(165, "2021-06-01"), (165, "2021-07-01"), (165, "2021-11-01")],
    Years13 HpvUpToDate => "up_to_date");

// Dose 3 on 10-27 is 5 months less 5 days after dose 1: not valid.
child!(hpv_third_dose_too_soon_after_the_first_does_not_count:
    born TEEN, as of TEEN_AS_OF, doses [(165, "2021-06-01"), (165, "2021-07-01"), (165, "2021-10-27")],
    Years13 HpvUpToDate => "not_up_to_date");

child!(hpv_before_nine_years_less_four_days_does_not_count:
    born TEEN, as of TEEN_AS_OF, doses [(165, "2019-05-10"), (165, "2019-11-10")],
    Years13 HpvUpToDate => "not_up_to_date");

child!(hpv_from_nine_years_less_four_days_counts:
    born TEEN, as of TEEN_AS_OF, doses [(165, "2019-05-11"), (165, "2019-11-11")],
    Years13 HpvUpToDate => "up_to_date");

child!(the_adolescent_combination_needs_all_three:
    born TEEN, as of TEEN_AS_OF,
    doses [(115, "2021-06-01"), (114, "2021-06-01"), (165, "2021-06-01"), (165, "2021-12-01")],
    Years13 AdolescentCombined => "up_to_date");

child!(the_adolescent_combination_fails_without_menacwy:
    born TEEN, as of TEEN_AS_OF,
    doses [(115, "2021-06-01"), (165, "2021-06-01"), (165, "2021-12-01")],
    Years13 AdolescentCombined => "not_up_to_date", Years13 Tdap1 => "up_to_date");

// Born 2011-03-01: 13 on 2024-03-01, after the as-of date.
child!(a_twelve_year_old_is_too_young_for_the_adolescent_measures:
    born "2011-03-01", as of TEEN_AS_OF, doses [(115, "2021-06-01")],
    Years13 Tdap1 => "too_young");

#[test]
fn hpv_started_at_fifteen_needs_three_doses() {
    // Born 2000-01-01: 15 on 2015-01-01. Doses 2015-02-01 and 2015-08-01 are 6 months apart
    // but the series started at 15: a third dose is needed.
    let catalog = VaccineCatalog::embedded();
    let dob = d("2000-01-01");
    let valid = Series::Hpv.valid_doses(
        catalog,
        dob,
        [(d("2015-02-01"), 165), (d("2015-08-01"), 165)],
    );
    assert_eq!(valid.len(), 2);
    assert!(Series::Hpv.next_dose(catalog, dob, &valid).is_some());
    assert_eq!(Series::Hpv.doses_required(catalog, dob, &valid), 3);
}

#[test]
fn hpv_started_the_day_before_fifteen_needs_two() {
    let catalog = VaccineCatalog::embedded();
    let dob = d("2000-01-01");
    let valid = Series::Hpv.valid_doses(
        catalog,
        dob,
        [(d("2014-12-31"), 165), (d("2015-06-30"), 165)],
    );
    assert!(Series::Hpv.next_dose(catalog, dob, &valid).is_none());
}
