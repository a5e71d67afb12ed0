//! Every row of the Texas 2025-2026 table on both sides of its boundary. Evaluated on
//! 2025-09-02 (`ON`). Grace: 4 days; counted doses at least 6 weeks old (less 4 days) and
//! 24 days apart unless the row or the group says otherwise.

use shotbook_reports::school::{MissingDose, RuleCheck, VaccineGroup};

use crate::row;
use crate::support::{assert_rows_covered, check, child_care, d, immune, pre_k, pupil};

const ON: &str = "2025-09-02";

// A kindergartner born 2020-06-15: 1st birthday 2021-06-15 (less 4: 06-11), 4th birthday
// 2024-06-15 (less 4: 2024-06-11).
const K_DOB: &str = "2020-06-15";
const K_INFANT_DTAP: [(u16, &str); 4] = [
    (20, "2020-08-15"),
    (20, "2020-10-15"),
    (20, "2020-12-15"),
    (20, "2021-09-15"),
];

fn k_dtap(fifth: &str) -> Vec<(u16, &str)> {
    let mut doses = K_INFANT_DTAP.to_vec();
    doses.push((20, fifth));
    doses
}

#[test]
fn every_texas_row_has_its_tests() {
    assert_rows_covered(
        "TX",
        &[
            "tx-k6-dtap",
            "tx-7-tdap",
            "tx-8-12-td-primary",
            "tx-8-12-tdap-booster",
            "tx-k12-polio",
            "tx-k12-mmr",
            "tx-k12-hepb",
            "tx-k12-varicella",
            "tx-k12-hepa",
            "tx-7-12-menacwy",
            "tx-pk-dtap",
            "tx-pk-polio",
            "tx-pk-mmr",
            "tx-pk-hib",
            "tx-pk-hepa",
            "tx-pk-hepb",
            "tx-pk-pcv",
            "tx-pk-varicella",
            "tx-cc-43m-dtap",
            "tx-cc-43m-pcv",
            "tx-cc-43m-polio",
            "tx-cc-43m-hepb",
            "tx-cc-43m-hib",
            "tx-cc-43m-hepa",
            "tx-cc-43m-mmr",
            "tx-cc-43m-varicella",
        ],
    );
}

// ---- tx-k6-dtap ----

row!(tx_dtap_five_doses_the_fifth_four_days_before_the_4th_birthday_is_met:
    "TX" "tx-k6-dtap", pupil(K_DOB, "K", &k_dtap("2024-06-11")) => Met);
row!(tx_dtap_five_doses_the_fifth_five_days_before_the_4th_birthday_is_unmet:
    "TX" "tx-k6-dtap", pupil(K_DOB, "K", &k_dtap("2024-06-10")) => Unmet);
row!(tx_dtap_four_doses_the_fourth_four_days_before_the_4th_birthday_is_met:
    "TX" "tx-k6-dtap", pupil(K_DOB, "K", &[(20, "2020-08-15"), (20, "2020-10-15"), (20, "2020-12-15"), (20, "2024-06-11")]) => Met);
row!(tx_dtap_four_doses_the_fourth_five_days_before_the_4th_birthday_is_unmet:
    "TX" "tx-k6-dtap", pupil(K_DOB, "K", &[(20, "2020-08-15"), (20, "2020-10-15"), (20, "2020-12-15"), (20, "2024-06-10")]) => Unmet);
// Born 2018-06-15, in grade 2 and 7 years old: 3 doses with one on or after 2022-06-11.
row!(tx_dtap_a_seven_year_old_with_three_doses_one_after_4_is_met:
    "TX" "tx-k6-dtap", pupil("2018-06-15", "2", &[(20, "2022-06-11"), (20, "2022-07-11"), (20, "2022-09-11")]) => Met);
// Born 2018-09-03: 7 only on 2025-09-03, the day after.
row!(tx_dtap_three_doses_the_day_before_the_7th_birthday_is_unmet:
    "TX" "tx-k6-dtap", pupil("2018-09-03", "2", &[(20, "2022-09-03"), (20, "2022-10-03"), (20, "2022-11-03")]) => Unmet);
// Born 2018-09-02: 7 on the evaluation day.
row!(tx_dtap_three_doses_on_the_7th_birthday_is_met:
    "TX" "tx-k6-dtap", pupil("2018-09-02", "2", &[(20, "2022-09-02"), (20, "2022-10-02"), (20, "2022-11-02")]) => Met);
row!(tx_dtap_k6_does_not_apply_in_grade_7:
    "TX" "tx-k6-dtap", pupil("2013-01-15", "7", &[]) => NotApplicable);

#[test]
fn tx_dtap_five_early_doses_need_a_sixth_after_the_4th_birthday_from_today() {
    // Option 1 needs one dose on or after 2024-06-11: a sixth, 24 days after 2024-06-10 at the
    // earliest (07-04), which has passed: today. Option 2 cannot be met (dose 4 was early).
    assert_eq!(
        check(
            "TX",
            "tx-k6-dtap",
            &pupil(K_DOB, "K", &k_dtap("2024-06-10")),
            ON
        ),
        RuleCheck::Unmet {
            missing: vec![MissingDose {
                rule: "tx-k6-dtap".into(),
                vaccine: VaccineGroup::Dtap,
                dose_number: 6,
                earliest: d(ON),
                eligible_since: d("2024-07-04"),
            }]
        }
    );
}

// ---- tx-7-tdap: grade 7, born 2013-01-15; 5 years before ON is 2020-09-02 ----

const G7_DOB: &str = "2013-01-15";
row!(tx_grade7_last_tetanus_dose_exactly_five_years_ago_is_met:
    "TX" "tx-7-tdap", pupil(G7_DOB, "7", &[(20, "2013-03-15"), (20, "2013-05-15"), (20, "2013-07-15"), (115, "2020-09-02")]) => Met);
row!(tx_grade7_last_tetanus_dose_five_years_and_a_day_ago_is_unmet:
    "TX" "tx-7-tdap", pupil(G7_DOB, "7", &[(20, "2013-03-15"), (20, "2013-05-15"), (20, "2013-07-15"), (115, "2020-09-01")]) => Unmet);
row!(tx_grade7_two_recent_doses_are_not_a_primary_series:
    "TX" "tx-7-tdap", pupil(G7_DOB, "7", &[(115, "2024-01-15"), (9, "2024-03-15")]) => Unmet);
row!(tx_grade7_tdap_rule_does_not_apply_in_grade_8:
    "TX" "tx-7-tdap", pupil(G7_DOB, "8", &[]) => NotApplicable);

// ---- tx-8-12-td-primary: 3 doses at least 24 days apart ----

row!(tx_grades_8_12_three_doses_24_days_apart_are_met:
    "TX" "tx-8-12-td-primary", pupil("2010-03-01", "9", &[(20, "2010-05-01"), (20, "2010-06-01"), (20, "2010-06-25")]) => Met);
row!(tx_grades_8_12_a_third_dose_23_days_after_the_second_does_not_count:
    "TX" "tx-8-12-td-primary", pupil("2010-03-01", "9", &[(20, "2010-05-01"), (20, "2010-06-01"), (20, "2010-06-24")]) => Unmet);
row!(tx_grades_8_12_primary_does_not_apply_in_grade_7:
    "TX" "tx-8-12-td-primary", pupil("2013-01-15", "7", &[]) => NotApplicable);

// ---- tx-8-12-tdap-booster: Td/Tdap from age 7 (less 4 days), within 10 years of ON
// (2015-09-02) ----

row!(tx_booster_exactly_ten_years_old_is_met:
    "TX" "tx-8-12-tdap-booster", pupil("2007-01-01", "12", &[(115, "2015-09-02")]) => Met);
row!(tx_booster_ten_years_and_a_day_old_is_unmet:
    "TX" "tx-8-12-tdap-booster", pupil("2007-01-01", "12", &[(115, "2015-09-01")]) => Unmet);
// Born 2010-03-01: 7 on 2017-03-01, less 4 days 2017-02-25.
row!(tx_booster_four_days_before_the_7th_birthday_counts:
    "TX" "tx-8-12-tdap-booster", pupil("2010-03-01", "9", &[(115, "2017-02-25")]) => Met);
row!(tx_booster_five_days_before_the_7th_birthday_does_not_count:
    "TX" "tx-8-12-tdap-booster", pupil("2010-03-01", "9", &[(115, "2017-02-24")]) => Unmet);
row!(tx_booster_is_a_td_or_tdap_not_a_dtap:
    "TX" "tx-8-12-tdap-booster", pupil("2010-03-01", "9", &[(20, "2018-03-01")]) => Unmet);
row!(tx_booster_may_be_td:
    "TX" "tx-8-12-tdap-booster", pupil("2010-03-01", "9", &[(113, "2018-03-01")]) => Met);

// ---- tx-k12-polio ----

row!(tx_polio_four_doses_one_four_days_before_the_4th_birthday_is_met:
    "TX" "tx-k12-polio", pupil(K_DOB, "K", &[(10, "2020-08-15"), (10, "2020-10-15"), (10, "2020-12-15"), (10, "2024-06-11")]) => Met);
row!(tx_polio_four_doses_all_before_4_less_five_days_is_unmet:
    "TX" "tx-k12-polio", pupil(K_DOB, "K", &[(10, "2020-08-15"), (10, "2020-10-15"), (10, "2020-12-15"), (10, "2024-06-10")]) => Unmet);
row!(tx_polio_three_doses_the_third_four_days_before_the_4th_birthday_is_met:
    "TX" "tx-k12-polio", pupil(K_DOB, "K", &[(10, "2020-08-15"), (10, "2020-10-15"), (10, "2024-06-11")]) => Met);
row!(tx_polio_three_doses_the_third_five_days_before_the_4th_birthday_is_unmet:
    "TX" "tx-k12-polio", pupil(K_DOB, "K", &[(10, "2020-08-15"), (10, "2020-10-15"), (10, "2024-06-10")]) => Unmet);

// ---- tx-k12-mmr: 2 doses on or after 2021-06-11, 24 days apart ----

row!(tx_mmr_first_dose_four_days_before_the_1st_birthday_is_met:
    "TX" "tx-k12-mmr", pupil(K_DOB, "K", &[(3, "2021-06-11"), (3, "2024-06-15")]) => Met);
row!(tx_mmr_first_dose_five_days_before_the_1st_birthday_is_unmet:
    "TX" "tx-k12-mmr", pupil(K_DOB, "K", &[(3, "2021-06-10"), (3, "2024-06-15")]) => Unmet);
row!(tx_mmr_doses_24_days_apart_are_met:
    "TX" "tx-k12-mmr", pupil(K_DOB, "K", &[(3, "2021-07-01"), (3, "2021-07-25")]) => Met);
row!(tx_mmr_doses_23_days_apart_are_unmet:
    "TX" "tx-k12-mmr", pupil(K_DOB, "K", &[(3, "2021-07-01"), (3, "2021-07-24")]) => Unmet);

// ---- tx-k12-hepb ----

row!(tx_hepb_three_doses_are_met:
    "TX" "tx-k12-hepb", pupil(K_DOB, "K", &[(8, "2020-06-15"), (8, "2020-07-15"), (8, "2020-12-15")]) => Met);
row!(tx_hepb_two_doses_are_unmet:
    "TX" "tx-k12-hepb", pupil(K_DOB, "K", &[(8, "2020-06-15"), (8, "2020-07-15")]) => Unmet);
row!(tx_hepb_a_third_dose_23_days_after_the_second_does_not_count:
    "TX" "tx-k12-hepb", pupil(K_DOB, "K", &[(8, "2020-06-15"), (8, "2020-07-15"), (8, "2020-08-07")]) => Unmet);

// ---- tx-k12-varicella ----

row!(tx_varicella_two_doses_from_four_days_before_the_1st_birthday_are_met:
    "TX" "tx-k12-varicella", pupil(K_DOB, "K", &[(21, "2021-06-11"), (21, "2024-06-15")]) => Met);
row!(tx_varicella_a_first_dose_five_days_early_leaves_one:
    "TX" "tx-k12-varicella", pupil(K_DOB, "K", &[(21, "2021-06-10"), (21, "2024-06-15")]) => Unmet);
row!(tx_varicella_documented_disease_is_met:
    "TX" "tx-k12-varicella", immune(pupil(K_DOB, "K", &[]), VaccineGroup::Varicella) => Met);

// ---- tx-k12-hepa: 2 doses from 2021-06-11, 6 months (less 4 days) apart ----

row!(tx_hepa_doses_six_months_less_four_days_apart_are_met:
    "TX" "tx-k12-hepa", pupil(K_DOB, "K", &[(83, "2021-06-11"), (83, "2021-12-07")]) => Met);
row!(tx_hepa_doses_six_months_less_five_days_apart_are_unmet:
    "TX" "tx-k12-hepa", pupil(K_DOB, "K", &[(83, "2021-06-11"), (83, "2021-12-06")]) => Unmet);
row!(tx_hepa_first_dose_five_days_before_the_1st_birthday_is_unmet:
    "TX" "tx-k12-hepa", pupil(K_DOB, "K", &[(83, "2021-06-10"), (83, "2022-06-15")]) => Unmet);

// ---- tx-7-12-menacwy: born 2013-01-15, 11 on 2024-01-15, less 4 days 2024-01-11 ----

row!(tx_menacwy_four_days_before_the_11th_birthday_is_met:
    "TX" "tx-7-12-menacwy", pupil(G7_DOB, "7", &[(114, "2024-01-11")]) => Met);
row!(tx_menacwy_five_days_before_the_11th_birthday_is_unmet:
    "TX" "tx-7-12-menacwy", pupil(G7_DOB, "7", &[(114, "2024-01-10")]) => Unmet);
row!(tx_menacwy_does_not_apply_in_grade_6:
    "TX" "tx-7-12-menacwy", pupil("2014-01-15", "6", &[]) => NotApplicable);

// ---- pre-K: born 2021-06-15; 12 months less 4 days 2022-06-11, 15 months less 4 days
// 2022-09-11, 24 months less 4 days 2023-06-11 ----

const PK_DOB: &str = "2021-06-15";
row!(tx_pk_dtap_four_doses_are_met:
    "TX" "tx-pk-dtap", pre_k(PK_DOB, &[(20, "2021-08-15"), (20, "2021-10-15"), (20, "2021-12-15"), (20, "2022-09-15")]) => Met);
row!(tx_pk_dtap_three_doses_are_unmet:
    "TX" "tx-pk-dtap", pre_k(PK_DOB, &[(20, "2021-08-15"), (20, "2021-10-15"), (20, "2021-12-15")]) => Unmet);
row!(tx_pk_rules_do_not_apply_in_kindergarten:
    "TX" "tx-pk-dtap", pupil(K_DOB, "K", &[]) => NotApplicable);
row!(tx_pk_polio_three_doses_are_met:
    "TX" "tx-pk-polio", pre_k(PK_DOB, &[(10, "2021-08-15"), (10, "2021-10-15"), (10, "2021-12-15")]) => Met);
row!(tx_pk_polio_two_doses_are_unmet:
    "TX" "tx-pk-polio", pre_k(PK_DOB, &[(10, "2021-08-15"), (10, "2021-10-15")]) => Unmet);
row!(tx_pk_mmr_four_days_before_the_1st_birthday_is_met:
    "TX" "tx-pk-mmr", pre_k(PK_DOB, &[(3, "2022-06-11")]) => Met);
row!(tx_pk_mmr_five_days_before_the_1st_birthday_is_unmet:
    "TX" "tx-pk-mmr", pre_k(PK_DOB, &[(3, "2022-06-10")]) => Unmet);
row!(tx_pk_hib_three_doses_one_four_days_before_12_months_is_met:
    "TX" "tx-pk-hib", pre_k(PK_DOB, &[(48, "2021-08-15"), (48, "2021-10-15"), (48, "2022-06-11")]) => Met);
row!(tx_pk_hib_three_doses_all_before_12_months_less_four_days_is_unmet:
    "TX" "tx-pk-hib", pre_k(PK_DOB, &[(48, "2021-08-15"), (48, "2021-10-15"), (48, "2022-06-10")]) => Unmet);
row!(tx_pk_hib_one_dose_four_days_before_15_months_is_met:
    "TX" "tx-pk-hib", pre_k(PK_DOB, &[(48, "2022-09-11")]) => Met);
row!(tx_pk_hib_one_dose_five_days_before_15_months_is_unmet:
    "TX" "tx-pk-hib", pre_k(PK_DOB, &[(48, "2022-09-10")]) => Unmet);
row!(tx_pk_hepa_two_doses_six_months_less_four_days_apart_are_met:
    "TX" "tx-pk-hepa", pre_k(PK_DOB, &[(83, "2022-06-11"), (83, "2022-12-07")]) => Met);
row!(tx_pk_hepa_two_doses_six_months_less_five_days_apart_are_unmet:
    "TX" "tx-pk-hepa", pre_k(PK_DOB, &[(83, "2022-06-11"), (83, "2022-12-06")]) => Unmet);
row!(tx_pk_hepb_three_doses_are_met:
    "TX" "tx-pk-hepb", pre_k(PK_DOB, &[(8, "2021-06-15"), (8, "2021-08-15"), (8, "2021-12-15")]) => Met);
row!(tx_pk_hepb_two_doses_are_unmet:
    "TX" "tx-pk-hepb", pre_k(PK_DOB, &[(8, "2021-06-15"), (8, "2021-08-15")]) => Unmet);
row!(tx_pk_pcv_three_doses_one_after_12_months_less_four_days_is_met:
    "TX" "tx-pk-pcv", pre_k(PK_DOB, &[(133, "2021-08-15"), (133, "2021-10-15"), (133, "2022-06-11")]) => Met);
row!(tx_pk_pcv_two_doses_started_four_days_before_12_months_are_met:
    "TX" "tx-pk-pcv", pre_k(PK_DOB, &[(133, "2022-06-11"), (133, "2022-08-11")]) => Met);
row!(tx_pk_pcv_two_doses_started_five_days_before_12_months_are_unmet:
    "TX" "tx-pk-pcv", pre_k(PK_DOB, &[(133, "2022-06-10"), (133, "2022-08-10")]) => Unmet);
row!(tx_pk_pcv_one_dose_four_days_before_24_months_is_met:
    "TX" "tx-pk-pcv", pre_k(PK_DOB, &[(133, "2023-06-11")]) => Met);
row!(tx_pk_pcv_one_dose_five_days_before_24_months_is_unmet:
    "TX" "tx-pk-pcv", pre_k(PK_DOB, &[(133, "2023-06-10")]) => Unmet);
row!(tx_pk_varicella_four_days_before_the_1st_birthday_is_met:
    "TX" "tx-pk-varicella", pre_k(PK_DOB, &[(21, "2022-06-11")]) => Met);
row!(tx_pk_varicella_five_days_before_the_1st_birthday_is_unmet:
    "TX" "tx-pk-varicella", pre_k(PK_DOB, &[(21, "2022-06-10")]) => Unmet);

// ---- child care from 43 months: born 2021-12-01 (45 months on ON) ----

const CC_DOB: &str = "2021-12-01";
// Born 2022-02-02: 43 months on 2025-09-02, the evaluation day.
row!(tx_cc_a_child_43_months_old_today_is_in_the_band:
    "TX" "tx-cc-43m-dtap", child_care("2022-02-02", &[]) => Unmet);
// Born 2022-02-03: 43 months only tomorrow.
row!(tx_cc_a_child_a_day_short_of_43_months_is_not:
    "TX" "tx-cc-43m-dtap", child_care("2022-02-03", &[]) => NotApplicable);
row!(tx_cc_dtap_four_doses_are_met:
    "TX" "tx-cc-43m-dtap", child_care(CC_DOB, &[(20, "2022-02-01"), (20, "2022-04-01"), (20, "2022-06-01"), (20, "2023-03-01")]) => Met);
row!(tx_cc_dtap_three_doses_are_unmet:
    "TX" "tx-cc-43m-dtap", child_care(CC_DOB, &[(20, "2022-02-01"), (20, "2022-04-01"), (20, "2022-06-01")]) => Unmet);
row!(tx_cc_pcv_four_doses_are_met:
    "TX" "tx-cc-43m-pcv", child_care(CC_DOB, &[(133, "2022-02-01"), (133, "2022-04-01"), (133, "2022-06-01"), (133, "2023-03-01")]) => Met);
row!(tx_cc_pcv_three_doses_are_unmet:
    "TX" "tx-cc-43m-pcv", child_care(CC_DOB, &[(133, "2022-02-01"), (133, "2022-04-01"), (133, "2022-06-01")]) => Unmet);
// Born 2020-09-02: 5 years old on ON; PCV and Hib are no longer required.
row!(tx_cc_pcv_is_not_required_at_five:
    "TX" "tx-cc-43m-pcv", child_care("2020-09-02", &[]) => NotApplicable);
row!(tx_cc_pcv_is_required_the_day_before_five:
    "TX" "tx-cc-43m-pcv", child_care("2020-09-03", &[]) => Unmet);
row!(tx_cc_polio_three_doses_are_met:
    "TX" "tx-cc-43m-polio", child_care(CC_DOB, &[(10, "2022-02-01"), (10, "2022-04-01"), (10, "2022-06-01")]) => Met);
row!(tx_cc_polio_two_doses_are_unmet:
    "TX" "tx-cc-43m-polio", child_care(CC_DOB, &[(10, "2022-02-01"), (10, "2022-04-01")]) => Unmet);
row!(tx_cc_hepb_three_doses_are_met:
    "TX" "tx-cc-43m-hepb", child_care(CC_DOB, &[(8, "2021-12-01"), (8, "2022-02-01"), (8, "2022-06-01")]) => Met);
row!(tx_cc_hepb_two_doses_are_unmet:
    "TX" "tx-cc-43m-hepb", child_care(CC_DOB, &[(8, "2021-12-01"), (8, "2022-02-01")]) => Unmet);
row!(tx_cc_hib_three_doses_are_met:
    "TX" "tx-cc-43m-hib", child_care(CC_DOB, &[(48, "2022-02-01"), (48, "2022-04-01"), (48, "2022-12-01")]) => Met);
row!(tx_cc_hib_two_doses_are_unmet:
    "TX" "tx-cc-43m-hib", child_care(CC_DOB, &[(48, "2022-02-01"), (48, "2022-04-01")]) => Unmet);
row!(tx_cc_hib_is_not_required_at_five:
    "TX" "tx-cc-43m-hib", child_care("2020-09-02", &[]) => NotApplicable);
// 1st birthday 2022-12-01, less 4 days 2022-11-27; 6 months less 4 days after it 2023-05-23.
row!(tx_cc_hepa_two_doses_are_met:
    "TX" "tx-cc-43m-hepa", child_care(CC_DOB, &[(83, "2022-11-27"), (83, "2023-05-23")]) => Met);
row!(tx_cc_hepa_one_dose_is_unmet:
    "TX" "tx-cc-43m-hepa", child_care(CC_DOB, &[(83, "2022-11-27")]) => Unmet);
row!(tx_cc_mmr_four_days_before_the_1st_birthday_is_met:
    "TX" "tx-cc-43m-mmr", child_care(CC_DOB, &[(3, "2022-11-27")]) => Met);
row!(tx_cc_mmr_five_days_before_the_1st_birthday_is_unmet:
    "TX" "tx-cc-43m-mmr", child_care(CC_DOB, &[(3, "2022-11-26")]) => Unmet);
row!(tx_cc_varicella_one_dose_after_the_1st_birthday_is_met:
    "TX" "tx-cc-43m-varicella", child_care(CC_DOB, &[(21, "2022-12-01")]) => Met);
row!(tx_cc_varicella_none_is_unmet:
    "TX" "tx-cc-43m-varicella", child_care(CC_DOB, &[]) => Unmet);
