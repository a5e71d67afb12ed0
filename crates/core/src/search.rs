//! Client search criteria: Basic (exact fields, prefixes) and Smart (probabilistic).

use time::Date;

use crate::contact::UsPhone;
use crate::date::{DateOfBirth, UsDate};
use crate::error::{Issue, IssueCollector, ValidationError};
use crate::matching::{Dob, PersonRecord, Sex};
use crate::normalize::fold_name;

/// Basic search, as ImmTrac2's Basic Search offers: name prefixes, an exact date of birth, and
/// the other identifying fields. Names match on their folded form (see [`fold_name`]), so
/// "garcia" finds "García" and "Smith" finds "Smith-Jones".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BasicSearch {
    /// Folded last-name prefix.
    pub last_name: Option<String>,
    /// Folded first-name prefix.
    pub first_name: Option<String>,
    /// Middle-name prefix (letters, upper case).
    pub middle_name: Option<String>,
    /// Exact date of birth.
    pub date_of_birth: Option<UsDate>,
    /// Gender code: F, M, X or U.
    pub gender: Option<String>,
    /// Mother's maiden name prefix (upper case).
    pub mother_maiden_name: Option<String>,
    /// Prefix of the guardian's first or last name (upper case).
    pub guardian_name: Option<String>,
    /// Phone number.
    pub phone: Option<UsPhone>,
    /// Words the street line contains, in order (upper case), e.g. "12 BANKS".
    pub address: Option<String>,
    /// ZIP prefix (digits).
    pub zip: Option<String>,
    /// Registry client ID, exact.
    pub client_id: Option<String>,
}

impl BasicSearch {
    /// Whether it narrows by a field a viewer without full access may not see (mother's maiden
    /// name, guardian, phone, address, ZIP): a restricted client listed by such a search would
    /// confirm that field, so the consent rule leaves such clients out of its results (see
    /// [`crate::consent::RESTRICTED_SEARCH_FIELDS`]).
    pub fn uses_restricted_fields(&self) -> bool {
        self.mother_maiden_name.is_some()
            || self.guardian_name.is_some()
            || self.phone.is_some()
            || self.address.is_some()
            || self.zip.is_some()
    }
}

/// The raw form fields of a basic search (empty strings mean "not given").
#[derive(Debug, Clone, Default)]
pub struct BasicSearchInput<'a> {
    /// As typed.
    pub last_name: &'a str,
    /// As typed.
    pub first_name: &'a str,
    /// As typed.
    pub middle_name: &'a str,
    /// As typed (MM/DD/YYYY or ISO).
    pub date_of_birth: &'a str,
    /// F, M, X or U (or the words).
    pub gender: &'a str,
    /// As typed.
    pub mother_maiden_name: &'a str,
    /// Guardian's first or last name, as typed.
    pub guardian_name: &'a str,
    /// As typed (any punctuation).
    pub phone: &'a str,
    /// Street line, as typed.
    pub address: &'a str,
    /// ZIP, 5 or 9 digits (or a prefix of at least 3).
    pub zip: &'a str,
    /// Registry client ID.
    pub client_id: &'a str,
}

/// Upper-cased text with single spaces; `None` when empty.
fn upper_words(text: &str) -> Option<String> {
    let s = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_uppercase();
    (!s.is_empty()).then_some(s)
}

impl BasicSearch {
    /// Parses the form. A last name, a date of birth, a phone number, a ZIP or a client ID is
    /// required so a search never lists the whole registry; the other fields narrow it.
    pub fn parse(input: BasicSearchInput<'_>, today: Date) -> Result<Self, ValidationError> {
        let mut issues = IssueCollector::new();
        let last = fold_name(input.last_name);
        let first = fold_name(input.first_name);
        if !input.last_name.trim().is_empty() && last.is_empty() {
            issues.push(Issue::new(
                "lastName",
                "A last name needs at least one letter.",
            ));
        }
        if !input.first_name.trim().is_empty() && first.is_empty() {
            issues.push(Issue::new(
                "firstName",
                "A first name needs at least one letter.",
            ));
        }
        let dob = if input.date_of_birth.trim().is_empty() {
            None
        } else {
            issues.take(DateOfBirth::parse_field(
                "dateOfBirth",
                input.date_of_birth,
                today,
            ))
        };
        let gender = match input.gender.trim().to_ascii_uppercase().as_str() {
            "" => None,
            "F" | "FEMALE" => Some("F".to_owned()),
            "M" | "MALE" => Some("M".to_owned()),
            "X" => Some("X".to_owned()),
            "U" | "UNKNOWN" => Some("U".to_owned()),
            _ => {
                issues.push(Issue::new("gender", "Choose F, M, X or U."));
                None
            }
        };
        let phone = if input.phone.trim().is_empty() {
            None
        } else {
            issues.take(UsPhone::parse_field("phone", input.phone))
        };
        let zip_digits: String = input.zip.chars().filter(char::is_ascii_digit).collect();
        let zip = if input.zip.trim().is_empty() {
            None
        } else if zip_digits.len() < 3
            || zip_digits.len() > 9
            || input
                .zip
                .chars()
                .any(|c| !(c.is_ascii_digit() || c == '-' || c == ' '))
        {
            issues.push(Issue::new(
                "zip",
                "Enter a ZIP code of 5 or 9 digits (or its first 3).",
            ));
            None
        } else if zip_digits.len() > 5 {
            Some(format!("{}-{}", &zip_digits[..5], &zip_digits[5..]))
        } else {
            Some(zip_digits)
        };
        let client_id = input.client_id.trim();
        if !client_id.is_empty()
            && !client_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            issues.push(Issue::new(
                "clientId",
                "A client ID has only letters and digits.",
            ));
        }
        let client_id = (!client_id.is_empty()).then(|| client_id.to_owned());
        if input.last_name.trim().is_empty()
            && input.date_of_birth.trim().is_empty()
            && input.phone.trim().is_empty()
            && input.zip.trim().is_empty()
            && client_id.is_none()
        {
            issues.push(Issue::new(
                "lastName",
                "Enter a last name, a date of birth, a phone number, a ZIP or a client ID to search.",
            ));
        }
        issues.finish()?;
        Ok(Self {
            last_name: (!last.is_empty()).then_some(last),
            first_name: (!first.is_empty()).then_some(first),
            middle_name: upper_words(input.middle_name),
            date_of_birth: dob.map(|d| d.date()),
            gender,
            mother_maiden_name: upper_words(input.mother_maiden_name),
            guardian_name: upper_words(input.guardian_name),
            phone,
            address: upper_words(input.address),
            zip,
            client_id,
        })
    }
}

/// The raw form fields of a Smart search (empty strings mean "not given").
#[derive(Debug, Clone, Default)]
pub struct SmartSearchInput<'a> {
    /// As typed.
    pub last_name: &'a str,
    /// As typed.
    pub first_name: &'a str,
    /// As typed.
    pub middle_name: &'a str,
    /// As typed; a date whose day and month may be swapped (14/03/2019) is kept for the matcher.
    pub date_of_birth: &'a str,
    /// F / M / Female / Male; anything else is "not given".
    pub gender: &'a str,
    /// As typed.
    pub mother_maiden_name: &'a str,
    /// Street line, as typed.
    pub address: &'a str,
    /// ZIP, as typed.
    pub zip: &'a str,
}

/// Smart search: the person described, for the probabilistic matcher.
#[derive(Debug, Clone, PartialEq)]
pub struct SmartSearch {
    /// What the matcher compares with each candidate.
    pub person: PersonRecord,
}

impl SmartSearch {
    /// Parses the form. Like Basic search it needs a last name or a date of birth; unlike it,
    /// the date may be impossible as typed (a day/month swap such as 14/03/2019), because the
    /// matcher recognises the error.
    pub fn parse(input: SmartSearchInput<'_>, today: Date) -> Result<Self, ValidationError> {
        let mut issues = IssueCollector::new();
        for (field, text) in [
            ("lastName", input.last_name),
            ("firstName", input.first_name),
        ] {
            if !text.trim().is_empty() && fold_name(text).is_empty() {
                issues.push(Issue::new(field, "A name needs at least one letter."));
            }
        }
        let dob =
            if input.date_of_birth.trim().is_empty() {
                None
            } else {
                issues.take(typed_dob(input.date_of_birth, today).ok_or_else(|| {
                    Issue::new("dateOfBirth", "Enter the date of birth as MM/DD/YYYY.")
                }))
            };
        if input.last_name.trim().is_empty() && input.date_of_birth.trim().is_empty() {
            issues.push(Issue::new(
                "lastName",
                "Enter a last name or a date of birth to search.",
            ));
        }
        issues.finish()?;
        Ok(Self {
            person: PersonRecord {
                given: input.first_name.trim().to_owned(),
                middle: input.middle_name.trim().to_owned(),
                family: input.last_name.trim().to_owned(),
                dob,
                sex: Sex::parse(input.gender),
                mother_maiden: input.mother_maiden_name.trim().to_owned(),
                zip: input.zip.trim().to_owned(),
                street: input.address.trim().to_owned(),
            },
        })
    }
}

/// Reads a typed date of birth loosely, for matching: `3/14/2019`, `03-14-2019`, `2019-03-14`,
/// `03142019`, `20190314`, `031419`, `3/14/19`. Two-digit years are the latest year not after
/// `today`'s. Day and month may each be up to 31, so a swapped `14/03/2019` is kept (the matcher
/// recognises the swap); `None` when the text is no date at all.
///
/// ```
/// use shotbook_core::search::typed_dob;
/// use shotbook_core::matching::Dob;
/// let today = time::macros::date!(2026 - 11 - 22);
/// assert_eq!(typed_dob("031419", today), Some(Dob::new(2019, 3, 14)));
/// assert_eq!(typed_dob("14/03/2019", today), Some(Dob::new(2019, 14, 3)));
/// assert_eq!(typed_dob("3/14/58", today), Some(Dob::new(1958, 3, 14)));
/// ```
pub fn typed_dob(text: &str, today: Date) -> Option<Dob> {
    let s = text.trim();
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let num = |p: &str| p.parse::<u32>().ok();
    let century = |yy: u32| {
        let this = today.year().rem_euclid(100) as u32;
        let base = (today.year() - today.year().rem_euclid(100)) as u32;
        if yy <= this {
            base + yy
        } else {
            base - 100 + yy
        }
    };
    let (year, month, day) = if all_digits(s) {
        match s.len() {
            6 => (century(num(&s[4..6])?), num(&s[0..2])?, num(&s[2..4])?),
            8 => {
                let ymd = (num(&s[0..4])?, num(&s[4..6])?, num(&s[6..8])?);
                let mdy = (num(&s[4..8])?, num(&s[0..2])?, num(&s[2..4])?);
                // YYYYMMDD when it reads as a plausible year first, else MMDDYYYY.
                if (1850..=2100).contains(&ymd.0) && (1..=12).contains(&ymd.1) {
                    ymd
                } else {
                    mdy
                }
            }
            _ => return None,
        }
    } else {
        let sep = if s.contains('/') { '/' } else { '-' };
        let parts: Vec<&str> = s.split(sep).collect();
        if parts.len() != 3 || !parts.iter().all(|p| all_digits(p)) {
            return None;
        }
        match (parts[0].len(), parts[1].len(), parts[2].len()) {
            (4, 1..=2, 1..=2) => (num(parts[0])?, num(parts[1])?, num(parts[2])?),
            (1..=2, 1..=2, 4) => (num(parts[2])?, num(parts[0])?, num(parts[1])?),
            (1..=2, 1..=2, 2) => (century(num(parts[2])?), num(parts[0])?, num(parts[1])?),
            _ => return None,
        }
    };
    let plausible = (1850..=2100).contains(&year)
        && (1..=31).contains(&month)
        && (1..=31).contains(&day)
        && (month <= 12 || day <= 12);
    plausible.then(|| Dob::new(year as u16, month as u8, day as u8))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 22);

    fn parse(last: &str, first: &str, dob: &str) -> Result<BasicSearch, ValidationError> {
        BasicSearch::parse(
            BasicSearchInput {
                last_name: last,
                first_name: first,
                date_of_birth: dob,
                ..Default::default()
            },
            TODAY,
        )
    }

    #[test]
    fn names_are_folded_for_matching() {
        let s = parse("García", " jo ", "").unwrap();
        assert_eq!(s.last_name.as_deref(), Some("GARCIA"));
        assert_eq!(s.first_name.as_deref(), Some("JO"));
        assert_eq!(s.date_of_birth, None);
    }

    #[test]
    fn a_date_of_birth_alone_is_enough() {
        let s = parse("", "", "3/14/2019").unwrap();
        assert_eq!(s.date_of_birth.unwrap().iso(), "2019-03-14");
    }

    #[test]
    fn a_first_name_alone_is_refused_on_the_last_name_field() {
        let e = parse("", "Ana", "").unwrap_err();
        assert_eq!(e.issues.len(), 1);
        assert_eq!(e.issues[0].field, "lastName");
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let e = parse("--", "", "31/12/2020").unwrap_err();
        let fields: Vec<&str> = e.issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, vec!["lastName", "dateOfBirth"]);
    }

    fn smart(last: &str, first: &str, dob: &str) -> Result<SmartSearch, ValidationError> {
        SmartSearch::parse(
            SmartSearchInput {
                last_name: last,
                first_name: first,
                date_of_birth: dob,
                ..Default::default()
            },
            TODAY,
        )
    }

    #[test]
    fn smart_search_keeps_a_swapped_date_for_the_matcher() {
        let s = smart("Martines", "Sophia", "14/03/2019").unwrap();
        assert_eq!(s.person.dob, Some(Dob::new(2019, 14, 3)));
        assert_eq!(s.person.family, "Martines");
    }

    #[test]
    fn smart_search_needs_a_last_name_or_a_date_and_reads_only_dates() {
        let e = smart("", "Sofia", "").unwrap_err();
        assert_eq!(e.issues[0].field, "lastName");
        let e = smart("Garcia", "", "soon").unwrap_err();
        assert_eq!(e.issues[0].field, "dateOfBirth");
        assert!(smart("", "Sofia", "3/14/2019").is_ok());
    }

    #[test]
    fn typed_dates_are_read_in_every_common_form() {
        let want = Some(Dob::new(2019, 3, 14));
        for text in [
            "3/14/2019",
            "03/14/2019",
            "03-14-2019",
            "2019-03-14",
            "03142019",
            "20190314",
            "031419",
            "3/14/19",
        ] {
            assert_eq!(typed_dob(text, TODAY), want, "{text}");
        }
        assert_eq!(typed_dob("3/14/27", TODAY), Some(Dob::new(1927, 3, 14)));
        for text in ["", "garcia", "32/32/2019", "3/14", "12345", "2019/03"] {
            assert_eq!(typed_dob(text, TODAY), None, "{text}");
        }
    }

    #[test]
    fn a_phone_a_zip_or_a_client_id_alone_is_enough_and_is_normalized() {
        let s = BasicSearch::parse(
            BasicSearchInput {
                phone: "(406) 444 4444",
                ..Default::default()
            },
            TODAY,
        )
        .unwrap();
        assert_eq!(s.phone.unwrap().as_str(), "406-444-4444");
        let s = BasicSearch::parse(
            BasicSearchInput {
                zip: "591011234",
                gender: "female",
                guardian_name: " maria  ",
                ..Default::default()
            },
            TODAY,
        )
        .unwrap();
        assert_eq!(s.zip.as_deref(), Some("59101-1234"));
        assert_eq!(s.gender.as_deref(), Some("F"));
        assert_eq!(s.guardian_name.as_deref(), Some("MARIA"));
        assert!(BasicSearch::parse(
            BasicSearchInput {
                client_id: "9000000001",
                ..Default::default()
            },
            TODAY
        )
        .is_ok());
    }

    #[test]
    fn narrowing_fields_alone_are_refused_and_bad_ones_are_named() {
        let e = BasicSearch::parse(
            BasicSearchInput {
                mother_maiden_name: "Lopez",
                ..Default::default()
            },
            TODAY,
        )
        .unwrap_err();
        assert_eq!(e.issues[0].field, "lastName");
        let e = BasicSearch::parse(
            BasicSearchInput {
                last_name: "Smith",
                gender: "Q",
                phone: "444-4444",
                zip: "5a",
                ..Default::default()
            },
            TODAY,
        )
        .unwrap_err();
        let fields: Vec<&str> = e.issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, vec!["gender", "phone", "zip"]);
    }
}
