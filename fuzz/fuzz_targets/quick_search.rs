//! The quick-search box: whatever is typed reads as a search or is refused with an issue on the
//! `query` field, never a panic. A person search is then matched the way Smart search does.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use shotbook_core::matching::{compare, Prepared};
use shotbook_core::quick_search::{QuickSearch, FIELD};

#[derive(Debug, Arbitrary)]
struct Input<'a> {
    /// Days after 01/01/1990: "today" of the workstation, 1990 to 2169.
    today: u16,
    text: &'a str,
}

fuzz_target!(|input: Input<'_>| {
    let today = time::macros::date!(1990 - 01 - 01) + time::Duration::days(i64::from(input.today));
    match QuickSearch::parse(input.text, today) {
        Err(e) => {
            assert!(!e.issues.is_empty());
            assert!(e.issues.iter().all(|i| i.field == FIELD), "{e:?}");
        }
        Ok(QuickSearch::ClientId { registry_id, phone }) => {
            assert!(registry_id.bytes().all(|b| b.is_ascii_digit()));
            assert!(phone.is_none() || registry_id.len() == 10);
        }
        Ok(QuickSearch::Phone(phone)) => assert_eq!(phone.as_str().len(), 12),
        Ok(QuickSearch::Person {
            basic,
            person,
            smart,
        }) => {
            assert!(basic.is_some() || smart);
            if let Some(dob) = basic.and_then(|b| b.date_of_birth) {
                assert!(dob.date() <= today);
            }
            let score = compare(&person, &person);
            let _ = score.explain();
            let prepared = Prepared::new(&person);
            let _ = (prepared.query_keys(), prepared.master_keys());
        }
    }
});
