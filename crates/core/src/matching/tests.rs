use super::*;

fn dob(y: u16, m: u8, d: u8) -> Option<Dob> {
    Some(Dob::new(y, m, d))
}

fn person(given: &str, family: &str, d: Option<Dob>) -> PersonRecord {
    PersonRecord::new(given, family, d)
}

#[test]
fn identical_records_score_high_and_say_why() {
    let a = person("Maria", "Garcia", dob(2019, 3, 14));
    let s = compare(&a, &a);
    assert!(s.score >= 20.0, "{s:?}");
    assert_eq!(s.reasons[0], "DOB exact");
    assert!(s.reasons.contains(&"surname exact".to_owned()));
}

#[test]
fn a_nickname_matches_the_formal_name() {
    let s = compare(
        &person("Peggy", "Olson", dob(1960, 5, 2)),
        &person("Margaret", "Olson", dob(1960, 5, 2)),
    );
    assert!(
        s.reasons.contains(&"given name is a nickname".to_owned()),
        "{s:?}"
    );
    assert!(s.score > DEFAULT_THRESHOLD);
}

#[test]
fn swapped_day_and_month_is_recognised() {
    let s = compare(
        &person("Ana", "Lopez", dob(2018, 4, 11)),
        &person("Ana", "Lopez", dob(2018, 11, 4)),
    );
    assert!(
        s.reasons.contains(&"DOB day and month swapped".to_owned()),
        "{s:?}"
    );
    assert!(s.score > DEFAULT_THRESHOLD);
}

#[test]
fn one_digit_off_and_year_off_by_one_are_near_misses_of_the_dob() {
    let base = person("Ana", "Lopez", dob(2018, 4, 11));
    let digit = compare(&base, &person("Ana", "Lopez", dob(2018, 4, 17)));
    assert!(
        digit.reasons.contains(&"DOB one digit off".to_owned()),
        "{digit:?}"
    );
    let year = compare(&base, &person("Ana", "Lopez", dob(2019, 4, 11)));
    assert!(
        year.reasons.contains(&"DOB year off by one".to_owned()),
        "{year:?}"
    );
    let exact = compare(&base, &base);
    assert!(digit.score < exact.score && digit.score > DEFAULT_THRESHOLD);
}

#[test]
fn a_hyphenated_or_changed_surname_still_matches() {
    let s = compare(
        &person("Sofia", "Martinez-Lopez", dob(2017, 9, 30)),
        &person("Sofia", "Lopez", dob(2017, 9, 30)),
    );
    assert!(
        s.reasons
            .contains(&"surname hyphenated or changed".to_owned()),
        "{s:?}"
    );
    assert!(s.score > DEFAULT_THRESHOLD);
}

#[test]
fn a_typo_in_the_surname_sounds_alike_or_nearly_identical() {
    let s = compare(
        &person("John", "Thompson", dob(1990, 1, 2)),
        &person("John", "Tompson", dob(1990, 1, 2)),
    );
    assert!(
        s.reasons
            .iter()
            .any(|r| r == "surname nearly identical" || r == "surname sounds alike"),
        "{s:?}"
    );
    assert!(s.score > DEFAULT_THRESHOLD);
}

#[test]
fn first_and_last_names_swapped() {
    let s = compare(
        &person("Nguyen", "Linh", dob(2015, 6, 1)),
        &person("Linh", "Nguyen", dob(2015, 6, 1)),
    );
    assert!(
        s.reasons
            .contains(&"first and last names swapped".to_owned()),
        "{s:?}"
    );
    assert!(s.score > DEFAULT_THRESHOLD);
}

#[test]
fn baby_girl_placeholder_neither_helps_nor_hurts() {
    let mut q = person("Baby Girl", "Smith", dob(2024, 1, 5));
    q.sex = Sex::parse("F");
    let mut m = person("Emma", "Smith", dob(2024, 1, 5));
    m.sex = Sex::parse("female");
    let s = compare(&q, &m);
    assert!(
        s.reasons
            .contains(&"given name is a placeholder (Baby Girl …)".to_owned()),
        "{s:?}"
    );
    assert!(s.score > DEFAULT_THRESHOLD);
    let other = compare(&person("Olivia", "Smith", dob(2024, 1, 5)), &m);
    assert!(
        other.score < s.score,
        "a different given name scores below a placeholder"
    );
}

#[test]
fn a_clear_non_match_scores_low() {
    let s = compare(
        &person("Robert", "Johnson", dob(1950, 7, 4)),
        &person("Keisha", "Nakamura", dob(2012, 2, 29)),
    );
    assert!(s.score < 0.0, "{s:?}");
    assert!(s.reasons.contains(&"DOB differs".to_owned()));
}

#[test]
fn same_dob_and_surname_but_another_sibling_stays_below_threshold() {
    let s = compare(
        &person("Liam", "Walker", dob(2020, 8, 8)),
        &person("Noah", "Walker", dob(2020, 8, 8)),
    );
    assert!(
        s.score < DEFAULT_THRESHOLD,
        "twins are different children: {s:?}"
    );
}

#[test]
fn dates_parse_in_both_orders() {
    assert_eq!(Dob::parse_digits("10221985", true), dob(1985, 10, 22));
    assert_eq!(Dob::parse_digits("19191204", false), dob(1919, 12, 4));
    assert_eq!(Dob::parse_digits("2019-03-14", false), dob(2019, 3, 14));
    assert_eq!(Dob::parse_digits("", false), None);
    assert_eq!(Dob::parse_digits("1985", false), None);
}

#[test]
fn the_index_finds_the_person_despite_a_swapped_dob_and_a_nickname() {
    let master = vec![
        person("William", "Baker", dob(2010, 2, 11)),
        person("Wilma", "Baker", dob(2010, 2, 12)),
        person("Robert", "Stone", dob(1988, 12, 1)),
    ];
    let index = MatchIndex::new(&master);
    let found = index.search(&person("Bill", "Baker", dob(2010, 11, 2)), 5, |_| false);
    assert_eq!(found[0].index, 0, "{found:?}");
    assert!(found[0].score.score > DEFAULT_THRESHOLD);
    assert!(index
        .candidates(&person("Zed", "Quux", dob(1901, 1, 1)))
        .is_empty());
    let excluded = index.search(&master[2], 5, |i| i == 2);
    assert!(excluded.iter().all(|c| c.index != 2));
}

#[test]
fn an_agreeing_street_address_adds_evidence() {
    let mut a = person("Connor", "Shepherd", dob(1932, 9, 7));
    let mut b = person("Stirling", "Shepherd", dob(1932, 9, 7));
    let without = compare(&a, &b).score;
    a.street = "12 Banks Street".into();
    b.street = "12 banks st reet".into();
    let with = compare(&a, &b);
    assert!(with.score > without + 2.0, "{with:?}");
    assert!(with.reasons.contains(&"street address agrees".to_owned()));
    b.street = "7 Kent Road".into();
    assert!(compare(&a, &b).score < without);
}
