//! Contact and name fields as typed: phone, ZIP (client address and organization), email,
//! person names, gender and state/county. Never a panic; what parses is in its normal form,
//! and parsing the normal form again gives the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shotbook_core::contact::{EmailAddress, UsPhone};
use shotbook_core::demographics::Zip;
use shotbook_core::matching::Sex;
use shotbook_core::organization::{County, UsState, ZipCode};
use shotbook_core::person::{Gender, PersonName};

fuzz_target!(|text: &str| {
    if let Ok(phone) = UsPhone::parse_field("phone", text) {
        let s = phone.as_str();
        assert!(
            s.len() == 12 && s.as_bytes()[3] == b'-' && s.as_bytes()[7] == b'-',
            "{s}"
        );
        assert_eq!(UsPhone::parse_field("phone", s).as_ref(), Ok(&phone));
    }
    if let Ok(zip) = Zip::parse_field("zip", text) {
        assert!(matches!(zip.as_str().len(), 5 | 10), "{zip:?}");
        assert_eq!(Zip::parse_field("zip", zip.as_str()).as_ref(), Ok(&zip));
    }
    if let Ok(zip) = ZipCode::parse_field("zip", text) {
        assert!(matches!(zip.as_str().len(), 5 | 10), "{zip:?}");
        assert_eq!(ZipCode::parse_field("zip", zip.as_str()).as_ref(), Ok(&zip));
    }
    if let Ok(email) = EmailAddress::parse_field("email", text) {
        assert!(email.same_as(email.as_str()));
        assert_eq!(
            EmailAddress::parse_field("email", email.as_str()).as_ref(),
            Ok(&email)
        );
    }
    match PersonName::parse_field("lastName", text) {
        Ok(name) => {
            let n = name.as_str().chars().count();
            assert!((1..=PersonName::MAX_LEN).contains(&n), "{name:?}");
            assert!(!name.folded().is_empty(), "{name:?}");
            assert_eq!(
                PersonName::parse_field("lastName", name.as_str()).as_ref(),
                Ok(&name)
            );
        }
        Err(issue) => assert_eq!(issue.field, "lastName"),
    }
    if let Some(gender) = Gender::parse(text) {
        assert_eq!(Gender::parse(gender.code()), Some(gender));
    }
    let _ = Sex::parse(text);
    let state = UsState::parse_field("state", text).ok();
    let _ = County::parse_field("county", text, state);
    let _ = County::parse_field("county", text, UsState::parse_field("state", "MT").ok());
});
