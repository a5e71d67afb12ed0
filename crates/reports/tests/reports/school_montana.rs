//! Every row of the Montana 2025-2026 table on both sides of its boundary. Evaluated on
//! 2025-09-02 (`ON`). Grace: 4 days; counted doses at least 6 weeks old (less 4 days) and
//! 24 days apart unless the group says otherwise (MMR and varicella: from 12 months less
//! 4 days).

use shotbook_reports::school::VaccineGroup;

use crate::row;
use crate::support::{assert_rows_covered, child_care, immune, pre_k, pupil};

const ON: &str = "2025-09-02";

#[test]
fn every_montana_row_has_its_tests() {
    assert_rows_covered(
        "MT",
        &[
            "mt-k12-dtap",
            "mt-7-12-tdap",
            "mt-k12-polio",
            "mt-k12-mmr",
            "mt-k12-varicella",
            "mt-pk-hib",
            "mt-pk-dtap",
            "mt-pk-polio",
            "mt-pk-mmr",
            "mt-pk-varicella",
            "mt-cc-polio-3m",
            "mt-cc-polio-5m",
            "mt-cc-polio-19m",
            "mt-cc-dtap-3m",
            "mt-cc-dtap-5m",
            "mt-cc-dtap-7m",
            "mt-cc-dtap-19m",
            "mt-cc-hib-3m",
            "mt-cc-hib-5m",
            "mt-cc-hib-7m",
            "mt-cc-hib-16m",
            "mt-cc-hepb-3m",
            "mt-cc-hepb-5m",
            "mt-cc-hepb-19m",
            "mt-cc-pcv-3m",
            "mt-cc-pcv-5m",
            "mt-cc-pcv-7m",
            "mt-cc-pcv-16m",
            "mt-cc-varicella-16m",
            "mt-cc-mmr-16m",
        ],
    );
}

// ---- K-12: a kindergartner born 2020-06-15 (1st birthday less 4 days 2021-06-11, 4th
// birthday less 4 days 2024-06-11) ----

const K_DOB: &str = "2020-06-15";

row!(mt_dtap_five_doses_are_met_whenever_given:
    "MT" "mt-k12-dtap", pupil(K_DOB, "K", &[(20, "2020-08-15"), (20, "2020-10-15"), (20, "2020-12-15"), (20, "2021-09-15"), (20, "2024-03-01")]) => Met);
row!(mt_dtap_four_doses_the_fourth_four_days_before_the_4th_birthday_are_met:
    "MT" "mt-k12-dtap", pupil(K_DOB, "K", &[(20, "2020-08-15"), (20, "2020-10-15"), (20, "2020-12-15"), (20, "2024-06-11")]) => Met);
row!(mt_dtap_four_doses_the_fourth_five_days_before_the_4th_birthday_are_unmet:
    "MT" "mt-k12-dtap", pupil(K_DOB, "K", &[(20, "2020-08-15"), (20, "2020-10-15"), (20, "2020-12-15"), (20, "2024-06-10")]) => Unmet);
row!(mt_dtap_a_seven_year_old_with_three_doses_one_after_4_is_met:
    "MT" "mt-k12-dtap", pupil("2018-06-15", "2", &[(20, "2022-06-11"), (20, "2022-07-11"), (20, "2022-09-11")]) => Met);
row!(mt_dtap_three_doses_the_day_before_the_7th_birthday_are_unmet:
    "MT" "mt-k12-dtap", pupil("2018-09-03", "2", &[(20, "2022-09-03"), (20, "2022-10-03"), (20, "2022-11-03")]) => Unmet);

// Grade 7 born 2013-01-15: 7 on 2020-01-15, less 4 days 2020-01-11.
row!(mt_tdap_four_days_before_the_7th_birthday_is_met:
    "MT" "mt-7-12-tdap", pupil("2013-01-15", "7", &[(115, "2020-01-11")]) => Met);
row!(mt_tdap_five_days_before_the_7th_birthday_is_unmet:
    "MT" "mt-7-12-tdap", pupil("2013-01-15", "7", &[(115, "2020-01-10")]) => Unmet);
row!(mt_tdap_is_not_a_dtap:
    "MT" "mt-7-12-tdap", pupil("2013-01-15", "7", &[(20, "2020-03-01")]) => Unmet);
row!(mt_tdap_does_not_apply_in_grade_6:
    "MT" "mt-7-12-tdap", pupil("2014-01-15", "6", &[]) => NotApplicable);

row!(mt_polio_four_doses_are_met_whenever_given:
    "MT" "mt-k12-polio", pupil(K_DOB, "K", &[(10, "2020-08-15"), (10, "2020-10-15"), (10, "2020-12-15"), (10, "2021-09-15")]) => Met);
row!(mt_polio_three_doses_the_third_four_days_before_the_4th_birthday_are_met:
    "MT" "mt-k12-polio", pupil(K_DOB, "K", &[(10, "2020-08-15"), (10, "2020-10-15"), (10, "2024-06-11")]) => Met);
row!(mt_polio_three_doses_the_third_five_days_before_the_4th_birthday_are_unmet:
    "MT" "mt-k12-polio", pupil(K_DOB, "K", &[(10, "2020-08-15"), (10, "2020-10-15"), (10, "2024-06-10")]) => Unmet);

// MMR: 2021-06-11 + 28 days = 07-09, less 4 = 07-05.
row!(mt_mmr_doses_four_weeks_less_four_days_apart_are_met:
    "MT" "mt-k12-mmr", pupil(K_DOB, "K", &[(3, "2021-06-11"), (3, "2021-07-05")]) => Met);
row!(mt_mmr_doses_four_weeks_less_five_days_apart_are_unmet:
    "MT" "mt-k12-mmr", pupil(K_DOB, "K", &[(3, "2021-06-11"), (3, "2021-07-04")]) => Unmet);
row!(mt_mmr_a_first_dose_five_days_before_the_1st_birthday_does_not_count:
    "MT" "mt-k12-mmr", pupil(K_DOB, "K", &[(3, "2021-06-10"), (3, "2021-08-01")]) => Unmet);
row!(mt_mmr_lab_verified_immunity_is_met:
    "MT" "mt-k12-mmr", immune(pupil(K_DOB, "K", &[]), VaccineGroup::Mmr) => Met);

row!(mt_varicella_doses_four_weeks_less_four_days_apart_are_met:
    "MT" "mt-k12-varicella", pupil(K_DOB, "K", &[(21, "2021-06-11"), (21, "2021-07-05")]) => Met);
row!(mt_varicella_doses_four_weeks_less_five_days_apart_are_unmet:
    "MT" "mt-k12-varicella", pupil(K_DOB, "K", &[(21, "2021-06-11"), (21, "2021-07-04")]) => Unmet);
row!(mt_varicella_verified_disease_is_met:
    "MT" "mt-k12-varicella", immune(pupil(K_DOB, "K", &[]), VaccineGroup::Varicella) => Met);

// ---- preschool: born 2021-06-15 (1st birthday less 4 days 2022-06-11) ----

const PK_DOB: &str = "2021-06-15";
row!(mt_pk_hib_one_dose_four_days_before_the_1st_birthday_is_met:
    "MT" "mt-pk-hib", pre_k(PK_DOB, &[(48, "2022-06-11")]) => Met);
row!(mt_pk_hib_one_dose_five_days_before_the_1st_birthday_is_unmet:
    "MT" "mt-pk-hib", pre_k(PK_DOB, &[(48, "2022-06-10")]) => Unmet);
// Born 2020-09-02: 60 months on ON; no Hib needed.
row!(mt_pk_hib_is_not_needed_at_60_months:
    "MT" "mt-pk-hib", pre_k("2020-09-02", &[]) => Met);
row!(mt_pk_hib_is_needed_the_day_before_60_months:
    "MT" "mt-pk-hib", pre_k("2020-09-03", &[]) => Unmet);
row!(mt_pk_dtap_four_doses_are_met:
    "MT" "mt-pk-dtap", pre_k(PK_DOB, &[(20, "2021-08-15"), (20, "2021-10-15"), (20, "2021-12-15"), (20, "2022-09-15")]) => Met);
row!(mt_pk_dtap_three_doses_are_unmet:
    "MT" "mt-pk-dtap", pre_k(PK_DOB, &[(20, "2021-08-15"), (20, "2021-10-15"), (20, "2021-12-15")]) => Unmet);
row!(mt_pk_polio_three_doses_are_met:
    "MT" "mt-pk-polio", pre_k(PK_DOB, &[(10, "2021-08-15"), (10, "2021-10-15"), (10, "2021-12-15")]) => Met);
row!(mt_pk_polio_two_doses_are_unmet:
    "MT" "mt-pk-polio", pre_k(PK_DOB, &[(10, "2021-08-15"), (10, "2021-10-15")]) => Unmet);
row!(mt_pk_mmr_four_days_before_the_1st_birthday_is_met:
    "MT" "mt-pk-mmr", pre_k(PK_DOB, &[(3, "2022-06-11")]) => Met);
row!(mt_pk_mmr_five_days_before_the_1st_birthday_is_unmet:
    "MT" "mt-pk-mmr", pre_k(PK_DOB, &[(3, "2022-06-10")]) => Unmet);
row!(mt_pk_varicella_one_dose_is_met:
    "MT" "mt-pk-varicella", pre_k(PK_DOB, &[(21, "2022-06-15")]) => Met);
row!(mt_pk_varicella_five_days_before_the_1st_birthday_is_unmet:
    "MT" "mt-pk-varicella", pre_k(PK_DOB, &[(21, "2022-06-10")]) => Unmet);

// ---- child care by age band ----
// 3 months: born 2025-06-02 (3 months on ON); 6 weeks less 4 days 2025-07-10.
// 5 months: born 2025-04-02; 6 weeks less 4 days 2025-05-10; +24 days 2025-06-03.
// 7 months: born 2025-02-02. 16 months: born 2024-05-02 (12 months less 4 days 2025-04-28).
// 19 months: born 2024-02-02.

const CC_3M: &str = "2025-06-02";
const CC_5M: &str = "2025-04-02";
const CC_7M: &str = "2025-02-02";
const CC_16M: &str = "2024-05-02";
const CC_19M: &str = "2024-02-02";

row!(mt_cc_polio_3m_one_dose_four_days_before_six_weeks_is_met:
    "MT" "mt-cc-polio-3m", child_care(CC_3M, &[(10, "2025-07-10")]) => Met);
row!(mt_cc_polio_3m_one_dose_five_days_before_six_weeks_is_unmet:
    "MT" "mt-cc-polio-3m", child_care(CC_3M, &[(10, "2025-07-09")]) => Unmet);
// Born 2025-06-03: 3 months only tomorrow; nothing is required yet.
row!(mt_cc_a_child_a_day_short_of_3_months_has_no_requirement:
    "MT" "mt-cc-polio-3m", child_care("2025-06-03", &[]) => NotApplicable);
row!(mt_cc_polio_5m_two_doses_24_days_apart_are_met:
    "MT" "mt-cc-polio-5m", child_care(CC_5M, &[(10, "2025-05-10"), (10, "2025-06-03")]) => Met);
row!(mt_cc_polio_5m_two_doses_23_days_apart_are_unmet:
    "MT" "mt-cc-polio-5m", child_care(CC_5M, &[(10, "2025-05-10"), (10, "2025-06-02")]) => Unmet);
row!(mt_cc_polio_19m_three_doses_are_met:
    "MT" "mt-cc-polio-19m", child_care(CC_19M, &[(10, "2024-04-01"), (10, "2024-06-01"), (10, "2024-08-01")]) => Met);
row!(mt_cc_polio_19m_two_doses_are_unmet:
    "MT" "mt-cc-polio-19m", child_care(CC_19M, &[(10, "2024-04-01"), (10, "2024-06-01")]) => Unmet);
// Born 2024-02-03: 19 months only tomorrow; the 5-month row (2 doses) still applies.
row!(mt_cc_polio_19m_does_not_apply_the_day_before_19_months:
    "MT" "mt-cc-polio-19m", child_care("2024-02-03", &[]) => NotApplicable);
row!(mt_cc_polio_5m_applies_the_day_before_19_months:
    "MT" "mt-cc-polio-5m", child_care("2024-02-03", &[(10, "2024-04-01"), (10, "2024-06-01")]) => Met);

row!(mt_cc_dtap_3m_one_dose_is_met:
    "MT" "mt-cc-dtap-3m", child_care(CC_3M, &[(20, "2025-07-14")]) => Met);
row!(mt_cc_dtap_3m_no_dose_is_unmet:
    "MT" "mt-cc-dtap-3m", child_care(CC_3M, &[]) => Unmet);
row!(mt_cc_dtap_5m_two_doses_are_met:
    "MT" "mt-cc-dtap-5m", child_care(CC_5M, &[(20, "2025-05-14"), (20, "2025-06-14")]) => Met);
row!(mt_cc_dtap_5m_one_dose_is_unmet:
    "MT" "mt-cc-dtap-5m", child_care(CC_5M, &[(20, "2025-05-14")]) => Unmet);
row!(mt_cc_dtap_7m_three_doses_are_met:
    "MT" "mt-cc-dtap-7m", child_care(CC_7M, &[(20, "2025-04-01"), (20, "2025-05-01"), (20, "2025-06-01")]) => Met);
row!(mt_cc_dtap_7m_two_doses_are_unmet:
    "MT" "mt-cc-dtap-7m", child_care(CC_7M, &[(20, "2025-04-01"), (20, "2025-05-01")]) => Unmet);
row!(mt_cc_dtap_19m_four_doses_are_met:
    "MT" "mt-cc-dtap-19m", child_care(CC_19M, &[(20, "2024-04-01"), (20, "2024-06-01"), (20, "2024-08-01"), (20, "2025-02-02")]) => Met);
row!(mt_cc_dtap_19m_three_doses_are_unmet:
    "MT" "mt-cc-dtap-19m", child_care(CC_19M, &[(20, "2024-04-01"), (20, "2024-06-01"), (20, "2024-08-01")]) => Unmet);

row!(mt_cc_hib_3m_one_dose_is_met:
    "MT" "mt-cc-hib-3m", child_care(CC_3M, &[(48, "2025-07-14")]) => Met);
row!(mt_cc_hib_3m_no_dose_is_unmet:
    "MT" "mt-cc-hib-3m", child_care(CC_3M, &[]) => Unmet);
row!(mt_cc_hib_5m_two_doses_are_met:
    "MT" "mt-cc-hib-5m", child_care(CC_5M, &[(48, "2025-05-14"), (48, "2025-06-14")]) => Met);
row!(mt_cc_hib_5m_one_dose_is_unmet:
    "MT" "mt-cc-hib-5m", child_care(CC_5M, &[(48, "2025-05-14")]) => Unmet);
row!(mt_cc_hib_7m_three_prp_t_doses_are_met:
    "MT" "mt-cc-hib-7m", child_care(CC_7M, &[(48, "2025-04-01"), (48, "2025-05-01"), (48, "2025-06-01")]) => Met);
row!(mt_cc_hib_7m_two_prp_omp_doses_are_met:
    "MT" "mt-cc-hib-7m", child_care(CC_7M, &[(49, "2025-04-01"), (49, "2025-05-01")]) => Met);
row!(mt_cc_hib_7m_two_prp_t_doses_are_unmet:
    "MT" "mt-cc-hib-7m", child_care(CC_7M, &[(48, "2025-04-01"), (48, "2025-05-01")]) => Unmet);
row!(mt_cc_hib_16m_four_doses_are_met:
    "MT" "mt-cc-hib-16m", child_care(CC_16M, &[(48, "2024-07-01"), (48, "2024-09-01"), (48, "2024-11-01"), (48, "2025-05-02")]) => Met);
row!(mt_cc_hib_16m_three_doses_after_two_prp_omp_are_met:
    "MT" "mt-cc-hib-16m", child_care(CC_16M, &[(49, "2024-07-01"), (49, "2024-09-01"), (48, "2025-05-02")]) => Met);
row!(mt_cc_hib_16m_three_prp_t_doses_are_unmet:
    "MT" "mt-cc-hib-16m", child_care(CC_16M, &[(48, "2024-07-01"), (48, "2024-09-01"), (48, "2025-05-02")]) => Unmet);
// Born 2020-09-02: 5 on ON.
row!(mt_cc_hib_16m_is_not_required_at_five:
    "MT" "mt-cc-hib-16m", child_care("2020-09-02", &[]) => NotApplicable);

row!(mt_cc_hepb_3m_one_birth_dose_is_met:
    "MT" "mt-cc-hepb-3m", child_care(CC_3M, &[(8, "2025-06-02")]) => Met);
row!(mt_cc_hepb_3m_no_dose_is_unmet:
    "MT" "mt-cc-hepb-3m", child_care(CC_3M, &[]) => Unmet);
row!(mt_cc_hepb_5m_two_doses_are_met:
    "MT" "mt-cc-hepb-5m", child_care(CC_5M, &[(8, "2025-04-02"), (8, "2025-05-14")]) => Met);
row!(mt_cc_hepb_5m_two_doses_23_days_apart_are_unmet:
    "MT" "mt-cc-hepb-5m", child_care(CC_5M, &[(8, "2025-04-02"), (8, "2025-04-25")]) => Unmet);
row!(mt_cc_hepb_19m_three_doses_are_met:
    "MT" "mt-cc-hepb-19m", child_care(CC_19M, &[(8, "2024-02-02"), (8, "2024-04-01"), (8, "2024-08-01")]) => Met);
row!(mt_cc_hepb_19m_two_doses_are_unmet:
    "MT" "mt-cc-hepb-19m", child_care(CC_19M, &[(8, "2024-02-02"), (8, "2024-04-01")]) => Unmet);

row!(mt_cc_pcv_3m_one_dose_is_met:
    "MT" "mt-cc-pcv-3m", child_care(CC_3M, &[(133, "2025-07-14")]) => Met);
row!(mt_cc_pcv_3m_ppsv23_is_not_a_pcv_dose:
    "MT" "mt-cc-pcv-3m", child_care(CC_3M, &[(33, "2025-07-14")]) => Unmet);
row!(mt_cc_pcv_5m_two_doses_are_met:
    "MT" "mt-cc-pcv-5m", child_care(CC_5M, &[(133, "2025-05-14"), (133, "2025-06-14")]) => Met);
row!(mt_cc_pcv_5m_one_dose_is_unmet:
    "MT" "mt-cc-pcv-5m", child_care(CC_5M, &[(133, "2025-05-14")]) => Unmet);
row!(mt_cc_pcv_7m_three_doses_are_met:
    "MT" "mt-cc-pcv-7m", child_care(CC_7M, &[(133, "2025-04-01"), (133, "2025-05-01"), (133, "2025-06-01")]) => Met);
row!(mt_cc_pcv_7m_two_doses_are_unmet:
    "MT" "mt-cc-pcv-7m", child_care(CC_7M, &[(133, "2025-04-01"), (133, "2025-05-01")]) => Unmet);
row!(mt_cc_pcv_16m_four_doses_are_met:
    "MT" "mt-cc-pcv-16m", child_care(CC_16M, &[(133, "2024-07-01"), (133, "2024-09-01"), (133, "2024-11-01"), (133, "2025-05-02")]) => Met);
row!(mt_cc_pcv_16m_three_doses_are_unmet:
    "MT" "mt-cc-pcv-16m", child_care(CC_16M, &[(133, "2024-07-01"), (133, "2024-09-01"), (133, "2024-11-01")]) => Unmet);
row!(mt_cc_pcv_16m_is_required_the_day_before_five:
    "MT" "mt-cc-pcv-16m", child_care("2020-09-03", &[]) => Unmet);

row!(mt_cc_varicella_four_days_before_the_1st_birthday_is_met:
    "MT" "mt-cc-varicella-16m", child_care(CC_16M, &[(21, "2025-04-28")]) => Met);
row!(mt_cc_varicella_five_days_before_the_1st_birthday_is_unmet:
    "MT" "mt-cc-varicella-16m", child_care(CC_16M, &[(21, "2025-04-27")]) => Unmet);
row!(mt_cc_varicella_verified_disease_is_met:
    "MT" "mt-cc-varicella-16m", immune(child_care(CC_16M, &[]), VaccineGroup::Varicella) => Met);
// Born 2024-05-03: 16 months only tomorrow.
row!(mt_cc_varicella_does_not_apply_the_day_before_16_months:
    "MT" "mt-cc-varicella-16m", child_care("2024-05-03", &[]) => NotApplicable);
row!(mt_cc_mmr_four_days_before_the_1st_birthday_is_met:
    "MT" "mt-cc-mmr-16m", child_care(CC_16M, &[(3, "2025-04-28")]) => Met);
row!(mt_cc_mmr_five_days_before_the_1st_birthday_is_unmet:
    "MT" "mt-cc-mmr-16m", child_care(CC_16M, &[(3, "2025-04-27")]) => Unmet);
