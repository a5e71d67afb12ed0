//! Near-duplicate records: the same person entered again with a variation, as happens when a
//! second clinic registers a child it did not find.

use rand::Rng;
use shotbook_core::ids::{ClientId, ImmunizationId};
use shotbook_store::clients::NewClient;
use shotbook_store::immunizations::NewImmunization;
use time::{Date, Month};

use super::ids::IdMaker;
use super::person::{bare_dose, iso, other_surname, Person};
use super::tables::tables;

/// A near-duplicate record and its variant name for `synthetic_truth`.
pub struct Duplicate {
    /// The client row.
    pub client: NewClient,
    /// Its doses (a copy of part of the original's history, as shot-card entries).
    pub doses: Vec<NewImmunization>,
    /// `typo`, `nickname`, `dob_swap` or `hyphenated`.
    pub variant: &'static str,
}

/// One typing slip in a name: two letters swapped, one dropped, one doubled or one replaced.
pub fn typo(rng: &mut impl Rng, name: &str) -> Option<String> {
    let chars: Vec<char> = name.chars().collect();
    let letters: Vec<usize> = (1..chars.len())
        .filter(|&i| chars[i].is_alphabetic())
        .collect();
    if letters.len() < 3 {
        return None;
    }
    for _ in 0..6 {
        let i = letters[rng.random_range(0..letters.len())];
        let mut out = chars.clone();
        match rng.random_range(0..4) {
            0 if i + 1 < out.len() && out[i + 1].is_alphabetic() && out[i] != out[i + 1] => {
                out.swap(i, i + 1)
            }
            1 => {
                out.remove(i);
            }
            2 => out.insert(i, out[i]),
            _ => {
                let vowels = ['a', 'e', 'i', 'o', 'u'];
                let replacement = vowels[rng.random_range(0..vowels.len())];
                if !out[i].is_lowercase() || out[i] == replacement {
                    continue;
                }
                out[i] = replacement;
            }
        }
        let s: String = out.into_iter().collect();
        if s != name {
            return Some(s);
        }
    }
    None
}

/// The date with day and month swapped, when that is another real date not after `today`.
pub fn swapped_day_month(dob: Date, today: Date) -> Option<Date> {
    let (month, day) = (u8::from(dob.month()), dob.day());
    if day > 12 || day == month {
        return None;
    }
    let swapped = Date::from_calendar_date(dob.year(), Month::try_from(day).ok()?, month).ok()?;
    (swapped <= today).then_some(swapped)
}

/// Derives a near-duplicate of `original`.
pub fn duplicate(
    rng: &mut impl Rng,
    original: &Person,
    today: Date,
    ids: &IdMaker,
    registry_id: String,
) -> Duplicate {
    let mut client = original.client.clone();
    client.id = ClientId::from_uuid(ids.next(rng));
    client.registry_id = Some(registry_id);
    let dob = Date::parse(
        &client.date_of_birth,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .expect("generated dates are ISO");
    let nicknames = tables().nicknames(&client.first_name);

    let wanted = match rng.random::<f64>() {
        x if x < 0.35 => "typo",
        x if x < 0.6 => "nickname",
        x if x < 0.8 => "dob_swap",
        _ => "hyphenated",
    };
    let mut variant = wanted;
    match wanted {
        "nickname" if !nicknames.is_empty() => {
            client.first_name = nicknames[rng.random_range(0..nicknames.len())].to_string();
        }
        "dob_swap" if swapped_day_month(dob, today).is_some() => {
            client.date_of_birth = iso(swapped_day_month(dob, today).expect("checked"));
        }
        "hyphenated" => {
            let other = match &client.mother_maiden_name {
                Some(m) if *m != client.last_name => m.clone(),
                _ => other_surname(rng, original.state, &client.last_name),
            };
            client.last_name = format!("{}-{}", client.last_name, other);
        }
        _ => {
            variant = "typo";
            let in_first = rng.random_bool(0.5);
            let target = if in_first {
                &client.first_name
            } else {
                &client.last_name
            };
            match typo(rng, target) {
                Some(t) if in_first => client.first_name = t,
                Some(t) => client.last_name = t,
                None => {
                    // Names too short to mistype: misspell the other one.
                    let other = if in_first {
                        &client.last_name
                    } else {
                        &client.first_name
                    };
                    if let Some(t) = typo(rng, other) {
                        if in_first {
                            client.last_name = t;
                        } else {
                            client.first_name = t;
                        }
                    } else {
                        client.last_name = format!(
                            "{}-{}",
                            client.last_name,
                            other_surname(rng, original.state, &client.last_name)
                        );
                        variant = "hyphenated";
                    }
                }
            }
        }
    }
    // Second registrations are often thinner: no middle name, no phone.
    if rng.random_bool(0.3) {
        client.middle_name = None;
    }
    if rng.random_bool(0.25) {
        client.phone = None;
    }

    let keep = if rng.random_bool(0.5) {
        0.0
    } else {
        rng.random_range(0.3..1.0)
    };
    let mut doses = Vec::new();
    for d in &original.doses {
        if !rng.random_bool(keep) {
            continue;
        }
        let mut dose = bare_dose(
            ImmunizationId::from_uuid(ids.next(rng)),
            client.id,
            &d.cvx,
            d.administered_on.clone(),
        );
        dose.mvx = d.mvx.clone().filter(|_| rng.random_bool(0.35));
        doses.push(dose);
    }
    Duplicate {
        client,
        doses,
        variant,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use time::macros::date;

    #[test]
    fn a_typo_changes_the_name_but_keeps_it_a_name() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for name in ["Jennifer", "García", "Running Crane", "Li"] {
            for _ in 0..50 {
                if let Some(t) = typo(&mut rng, name) {
                    assert_ne!(t, name);
                    assert!(
                        shotbook_core::person::PersonName::parse_field("n", &t).is_ok(),
                        "{t}"
                    );
                    assert!(
                        t.chars().count().abs_diff(name.chars().count()) <= 1,
                        "{name} -> {t}"
                    );
                }
            }
        }
        assert_eq!(typo(&mut rng, "Li"), None);
    }

    #[test]
    fn day_and_month_swap_only_when_the_result_is_a_different_real_date() {
        let today = date!(2026 - 11 - 22);
        assert_eq!(
            swapped_day_month(date!(2019 - 03 - 07), today),
            Some(date!(2019 - 07 - 03))
        );
        assert_eq!(swapped_day_month(date!(2019 - 03 - 14), today), None);
        assert_eq!(swapped_day_month(date!(2019 - 05 - 05), today), None);
        assert_eq!(
            swapped_day_month(date!(2026 - 01 - 12), today),
            None,
            "12/01/2026 is after today"
        );
    }
}
