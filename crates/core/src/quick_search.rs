//! Quick search: one box that reads what was typed — a name, a date of birth in any common
//! form, a registry client ID, a phone number, or a combination ("garcia 3/14/2019",
//! "Sofia Garcia 031419", "garcia, sofia") — and says which search answers it.

use time::Date;

use crate::contact::UsPhone;
use crate::date::{DateOfBirth, UsDate};
use crate::error::ValidationError;
use crate::matching::{Dob, PersonRecord};
use crate::normalize::fold_name;
use crate::search::{typed_dob, BasicSearch};

/// The form field quick-search errors are reported on.
pub const FIELD: &str = "query";

/// What a quick-search text asks for.
// One value per search typed: the size difference between variants costs nothing worth a Box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum QuickSearch {
    /// A registry client ID (digits that are not a date). Ten digits may also be a phone
    /// number typed without punctuation: `phone` then holds it.
    ClientId {
        /// The ID as typed (digits).
        registry_id: String,
        /// The same digits as a phone number, when they can be one.
        phone: Option<UsPhone>,
    },
    /// A phone number.
    Phone(UsPhone),
    /// Names and/or a date of birth: Basic search first (exact date, name prefixes), then
    /// Smart search when Basic finds nobody and there is enough to match on.
    Person {
        /// The exact search, when the text makes one (a real date, a last name …).
        basic: Option<BasicSearch>,
        /// The person as read, for Smart search.
        person: PersonRecord,
        /// Whether Smart search is worth running: two names, or a name and a date.
        smart: bool,
    },
}

impl QuickSearch {
    /// Reads the text. Names are words with letters; `last, first` with a comma, otherwise
    /// `first last` (one word is a last name). Dates: see [`typed_dob`].
    ///
    /// ```
    /// use shotbook_core::quick_search::QuickSearch;
    /// let today = time::macros::date!(2026 - 11 - 22);
    /// let QuickSearch::Person { basic, person, smart } =
    ///     QuickSearch::parse("garcia 3/14/2019", today).unwrap()
    /// else {
    ///     panic!()
    /// };
    /// assert_eq!(basic.unwrap().last_name.as_deref(), Some("GARCIA"));
    /// assert_eq!(person.family, "garcia");
    /// assert!(smart);
    /// ```
    pub fn parse(text: &str, today: Date) -> Result<Self, ValidationError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ValidationError::single(
                FIELD,
                "Type a name, a date of birth, a client ID or a phone number.",
            ));
        }
        let comma = text.contains(',');
        let mut names: Vec<Vec<String>> = vec![Vec::new()];
        let mut numbers: Vec<String> = Vec::new();
        for raw in text.split_whitespace() {
            let (word, ends_part) = match raw.strip_suffix(',') {
                Some(w) => (w, true),
                None => (raw, false),
            };
            for (i, piece) in word.split(',').enumerate() {
                if i > 0 {
                    names.push(Vec::new());
                }
                if piece.is_empty() {
                    continue;
                }
                if piece.chars().any(char::is_alphabetic) {
                    names
                        .last_mut()
                        .expect("never empty")
                        .push(piece.to_owned());
                } else {
                    numbers.push(piece.to_owned());
                }
            }
            if ends_part {
                names.push(Vec::new());
            }
        }
        let names: Vec<Vec<String>> = names.into_iter().filter(|n| !n.is_empty()).collect();

        let mut dob: Option<Dob> = None;
        let mut phone: Option<UsPhone> = None;
        let mut registry_id: Option<String> = None;
        let mut i = 0;
        while i < numbers.len() {
            let token = &numbers[i];
            // "(406) 444-4444": an area code in parentheses belongs with the next token.
            if token.starts_with('(') && i + 1 < numbers.len() {
                let joined = format!("{token} {}", numbers[i + 1]);
                if let Ok(p) = UsPhone::parse_field(FIELD, &joined) {
                    phone = Some(p);
                    i += 2;
                    continue;
                }
            }
            let digits: String = token.chars().filter(char::is_ascii_digit).collect();
            let punctuated = digits.len() != token.len();
            if let Some(d) = typed_dob(token, today) {
                if dob.replace(d).is_some() {
                    return Err(ValidationError::single(FIELD, "Type one date of birth."));
                }
            } else if digits.len() >= 10 && punctuated {
                phone =
                    Some(
                        UsPhone::parse_field(FIELD, token).map_err(|issue| ValidationError {
                            issues: vec![issue],
                        })?,
                    );
            } else if !punctuated && digits.len() >= 5 {
                registry_id = Some(digits);
            } else {
                return Err(ValidationError::single(
                    FIELD,
                    format!(
                        "\"{token}\" is not a date (MM/DD/YYYY), a client ID or a phone number."
                    ),
                ));
            }
            i += 1;
        }

        if let Some(registry_id) = registry_id {
            if !names.is_empty() || dob.is_some() || phone.is_some() {
                return Err(ValidationError::single(
                    FIELD,
                    "A client ID finds one client: search by it alone.",
                ));
            }
            let phone = (registry_id.len() == 10)
                .then(|| UsPhone::parse_field(FIELD, &registry_id).ok())
                .flatten();
            return Ok(Self::ClientId { registry_id, phone });
        }
        if let Some(phone) = phone {
            if !names.is_empty() || dob.is_some() {
                return Err(ValidationError::single(
                    FIELD,
                    "Search by a phone number alone.",
                ));
            }
            return Ok(Self::Phone(phone));
        }

        let (first, last) = match (comma, names.as_slice()) {
            (_, []) => (String::new(), String::new()),
            (true, [last, first, ..]) => (first.join(" "), last.join(" ")),
            (_, [one]) if one.len() == 1 => (String::new(), one[0].clone()),
            (_, [words, ..]) => (words[0].clone(), words[1..].join(" ")),
        };
        if !last.is_empty() && fold_name(&last).is_empty() {
            return Err(ValidationError::single(
                FIELD,
                "A name needs at least one letter.",
            ));
        }
        let exact_dob = dob.and_then(|d| {
            let date = UsDate::parse(&format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)).ok()?;
            DateOfBirth::new(date, today).ok()
        });
        let basic = (!last.is_empty() || exact_dob.is_some()).then(|| BasicSearch {
            last_name: Some(fold_name(&last)).filter(|s| !s.is_empty()),
            first_name: Some(fold_name(&first)).filter(|s| !s.is_empty()),
            date_of_birth: exact_dob.map(|d| d.date()),
            ..BasicSearch::default()
        });
        let smart = !last.is_empty() && (dob.is_some() || !first.is_empty());
        if basic.is_none() && !smart {
            return Err(ValidationError::single(
                FIELD,
                "That date of birth is not a real date; check it or add a name.",
            ));
        }
        Ok(Self::Person {
            basic,
            person: PersonRecord::new(&first, &last, dob),
            smart,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 22);

    fn person(text: &str) -> (Option<BasicSearch>, Option<PersonRecord>) {
        match QuickSearch::parse(text, TODAY).unwrap() {
            QuickSearch::Person {
                basic,
                person,
                smart,
            } => (basic, smart.then_some(person)),
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn one_word_is_a_last_name_prefix_for_basic_search_only() {
        let (basic, smart) = person("garc");
        let basic = basic.unwrap();
        assert_eq!(basic.last_name.as_deref(), Some("GARC"));
        assert_eq!((basic.first_name, basic.date_of_birth), (None, None));
        assert_eq!(smart, None);
    }

    #[test]
    fn a_name_with_a_date_in_any_common_form_searches_both_ways() {
        for text in [
            "garcia 3/14/2019",
            "Garcia 03-14-2019",
            "garcia 2019-03-14",
            "031419 garcia",
            "garcia 03142019",
        ] {
            let (basic, smart) = person(text);
            let basic = basic.unwrap();
            assert_eq!(basic.last_name.as_deref(), Some("GARCIA"), "{text}");
            assert_eq!(basic.date_of_birth.unwrap().iso(), "2019-03-14", "{text}");
            let smart = smart.unwrap();
            assert_eq!(smart.dob, Some(Dob::new(2019, 3, 14)), "{text}");
            assert_eq!(fold_name(&smart.family), "GARCIA", "{text}");
        }
    }

    #[test]
    fn first_last_or_last_comma_first() {
        let (basic, smart) = person("Sofia Garcia");
        let basic = basic.unwrap();
        assert_eq!(
            (basic.first_name.as_deref(), basic.last_name.as_deref()),
            (Some("SOFIA"), Some("GARCIA"))
        );
        assert_eq!(smart.unwrap().given, "Sofia");
        for text in [
            "garcia, sofia",
            "garcia,sofia 3/14/2019",
            "Running Crane, Liam",
        ] {
            let (basic, _) = person(text);
            let basic = basic.unwrap();
            assert!(basic.first_name.is_some(), "{text}");
            assert!(
                basic.last_name.as_deref() == Some("GARCIA")
                    || basic.last_name.as_deref() == Some("RUNNING CRANE"),
                "{text}"
            );
        }
    }

    #[test]
    fn a_date_alone_is_a_basic_search_by_date_of_birth() {
        let (basic, smart) = person("3/14/2019");
        assert_eq!(basic.unwrap().date_of_birth.unwrap().iso(), "2019-03-14");
        assert_eq!(smart, None);
    }

    #[test]
    fn an_impossible_date_with_a_name_goes_to_smart_search_only() {
        let (basic, smart) = person("garcia 14/03/2019");
        assert_eq!(
            basic.unwrap().date_of_birth,
            None,
            "no exact date to search on"
        );
        assert_eq!(smart.unwrap().dob, Some(Dob::new(2019, 14, 3)));
        assert!(QuickSearch::parse("14/03/2019", TODAY).is_err());
    }

    #[test]
    fn digits_are_a_client_id_and_ten_of_them_may_be_a_phone() {
        assert_eq!(
            QuickSearch::parse("9000000001", TODAY).unwrap(),
            QuickSearch::ClientId {
                registry_id: "9000000001".into(),
                phone: Some(UsPhone::parse_field(FIELD, "900-000-0001").unwrap()),
            }
        );
        assert!(matches!(
            QuickSearch::parse("12345", TODAY).unwrap(),
            QuickSearch::ClientId { phone: None, .. }
        ));
    }

    #[test]
    fn a_punctuated_phone_number_is_a_phone_search() {
        for text in ["406-444-4444", "(406) 444-4444", "406.444.4444"] {
            let QuickSearch::Phone(p) = QuickSearch::parse(text, TODAY).unwrap() else {
                panic!("{text}")
            };
            assert_eq!(p.as_str(), "406-444-4444", "{text}");
        }
    }

    #[test]
    fn what_cannot_be_read_is_reported_on_the_query_field() {
        for text in ["", "  ", "12/34", "garcia 9000000001", "3/14/2019 4/1/2020"] {
            let e = QuickSearch::parse(text, TODAY).unwrap_err();
            assert_eq!(e.issues[0].field, FIELD, "{text}");
        }
    }
}
