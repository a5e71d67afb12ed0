//! One synthetic person: demographics, guardian, registration and the dose rows of their history.

use deunicode::deunicode;
use rand::Rng;
use shotbook_core::ids::{ClientId, ImmunizationId, OrganizationId};
use shotbook_store::clients::NewClient;
use shotbook_store::immunizations::NewImmunization;
use time::macros::date;
use time::{Date, Duration};

use super::history::{PlannedDose, Planner, Profile};
use super::ids::IdMaker;
use super::tables::{tables, Group, Sex, State};

/// An organization that gives vaccines (provider or health department) in one state.
#[derive(Debug, Clone)]
pub struct AdminOrg {
    /// Id.
    pub id: OrganizationId,
    /// Org code (part of lot numbers, so clinics share lots).
    pub code: String,
    /// Enrolled in Vaccines for Children.
    pub vfc: bool,
    /// Names that appear as the administering clinician.
    pub clinicians: Vec<String>,
}

/// A generated client with everything needed to derive near-duplicates from it.
#[derive(Debug, Clone)]
pub struct Person {
    /// The client row.
    pub client: NewClient,
    /// The dose rows.
    pub doses: Vec<NewImmunization>,
    /// How the family follows the schedule.
    pub profile: Profile,
    /// State of residence.
    pub state: State,
}

/// What a person is generated from.
pub struct Context<'a> {
    /// Today.
    pub today: Date,
    /// Vaccinating organizations in Montana and Texas.
    pub orgs: &'a [Vec<AdminOrg>; 2],
}

fn state_orgs<'a>(ctx: &'a Context<'_>, state: State) -> &'a [AdminOrg] {
    match state {
        State::Mt => &ctx.orgs[0],
        State::Tx => &ctx.orgs[1],
    }
}

/// Data entry often drops Spanish accents; keep them on part of the records only.
pub fn maybe_drop_accents(rng: &mut impl Rng, name: &str) -> String {
    if !name.is_ascii() && rng.random_bool(0.55) {
        deunicode(name)
    } else {
        name.to_string()
    }
}

fn pick_sex(rng: &mut impl Rng) -> (Sex, &'static str) {
    let x: f64 = rng.random();
    if x < 0.494 {
        (Sex::F, "F")
    } else if x < 0.988 {
        (Sex::M, "M")
    } else if rng.random_bool(0.5) {
        (Sex::F, "U")
    } else {
        (Sex::M, "U")
    }
}

/// About 45% are under 19, as in a registry that has every child but only some adults.
fn pick_age_days(rng: &mut impl Rng) -> i64 {
    const BUCKETS: [(f64, f64, f64); 8] = [
        (0.13, 0.0, 5.0),
        (0.17, 5.0, 12.0),
        (0.15, 12.0, 19.0),
        (0.17, 19.0, 35.0),
        (0.14, 35.0, 50.0),
        (0.13, 50.0, 65.0),
        (0.08, 65.0, 80.0),
        (0.03, 80.0, 91.0),
    ];
    let mut x: f64 = rng.random();
    for (share, from, to) in BUCKETS {
        if x < share {
            return (rng.random_range(from..to) * 365.25) as i64;
        }
        x -= share;
    }
    (rng.random_range(0.0..91.0) * 365.25) as i64
}

fn first_name(rng: &mut impl Rng, sex: Sex, birth_year: i32, group: Group) -> String {
    let t = tables();
    let from_group = matches!(group, Group::Hispanic | Group::Asian) && rng.random_bool(0.5);
    let name = if from_group {
        t.group_first_name(rng, group, sex)
    } else {
        None
    }
    .unwrap_or_else(|| t.first_name(rng, sex, birth_year));
    maybe_drop_accents(rng, name)
}

const MIDDLE_F: &[&str] = &[
    "Marie",
    "Ann",
    "Lynn",
    "Elizabeth",
    "Grace",
    "Rose",
    "Nicole",
    "Michelle",
    "Jean",
    "Louise",
    "Mae",
    "Renee",
];
const MIDDLE_M: &[&str] = &[
    "James",
    "Michael",
    "Lee",
    "Allen",
    "Wayne",
    "Ray",
    "Alexander",
    "Joseph",
    "Edward",
    "Dean",
    "Scott",
    "Thomas",
];

fn middle_name(rng: &mut impl Rng, sex: Sex, birth_year: i32, first: &str) -> Option<String> {
    if !rng.random_bool(0.65) {
        return None;
    }
    let list = if sex == Sex::F { MIDDLE_F } else { MIDDLE_M };
    let middle = if rng.random_bool(0.5) {
        list[rng.random_range(0..list.len())]
    } else {
        tables().first_name(rng, sex, birth_year)
    };
    (middle != first).then(|| middle.to_string())
}

/// A surname from the state's mix, other than `not`.
pub fn other_surname(rng: &mut impl Rng, state: State, not: &str) -> String {
    for _ in 0..8 {
        let s = tables().surname(rng, state);
        if s.name != not {
            return maybe_drop_accents(rng, s.name);
        }
    }
    "Smith".to_string()
}

fn address(rng: &mut impl Rng, state: State) -> String {
    const SUFFIXES: &[&str] = &[
        "St", "Ave", "Dr", "Rd", "Ln", "Blvd", "Ct", "Way", "Pl", "Cir", "Trl",
    ];
    let t = tables();
    let street = t.street(rng, state);
    let number = if state == State::Mt && rng.random_bool(0.15) {
        rng.random_range(10_000..40_000)
    } else {
        rng.random_range(100..10_000)
    };
    let numbered = street.starts_with(|c: char| c.is_ascii_digit());
    let suffix = if numbered {
        if rng.random_bool(0.5) {
            "St"
        } else {
            "Ave"
        }
    } else {
        SUFFIXES[rng.random_range(0..SUFFIXES.len())]
    };
    let mut line = format!("{number} {street} {suffix}");
    if numbered && state == State::Mt && rng.random_bool(0.5) {
        line.push_str(if rng.random_bool(0.5) { " N" } else { " S" });
    }
    if rng.random_bool(0.08) {
        line.push_str(&format!(" Apt {}", rng.random_range(1..400)));
    }
    line
}

/// An ISO date.
pub fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn vfc_eligibility(rng: &mut impl Rng, state: State, group: Group) -> &'static str {
    if group == Group::Native && rng.random_bool(0.7) {
        return "V04";
    }
    let (medicaid, uninsured, underinsured) = match state {
        State::Tx => (0.45, 0.07, 0.03),
        State::Mt => (0.33, 0.07, 0.02),
    };
    let x: f64 = rng.random();
    if x < medicaid {
        "V02"
    } else if x < medicaid + uninsured {
        "V03"
    } else if x < medicaid + uninsured + underinsured {
        "V05"
    } else {
        "V01"
    }
}

/// Generates one person (an "original" record).
pub fn person(rng: &mut impl Rng, ctx: &Context<'_>, ids: &IdMaker, registry_id: String) -> Person {
    let t = tables();
    let state = if rng.random_bool(0.3) {
        State::Mt
    } else {
        State::Tx
    };
    let place = t.place(rng, state);
    let surname = t.surname(rng, state);
    let last_name = maybe_drop_accents(rng, surname.name);
    let (sex, gender) = pick_sex(rng);
    let dob = ctx.today - Duration::days(pick_age_days(rng));
    let first = first_name(rng, sex, dob.year(), surname.group);
    let middle = middle_name(rng, sex, dob.year(), &first);
    let suffix = (sex == Sex::M && rng.random_bool(0.03))
        .then(|| ["Jr", "Jr", "II", "III"][rng.random_range(0..4)].to_string());
    let mut mother_maiden_name = rng
        .random_bool(0.65)
        .then(|| other_surname(rng, state, surname.name));

    let age_years = (ctx.today - dob).whole_days() / 365;
    let (mut guardian_first_name, mut guardian_last_name, mut guardian_relationship) =
        (None, None, None);
    if age_years < 18 {
        let x: f64 = rng.random();
        let (relationship, sex, age_gap, same_surname) = if x < 0.62 {
            ("mother", Sex::F, 27, 0.7)
        } else if x < 0.9 {
            ("father", Sex::M, 30, 0.92)
        } else if x < 0.96 {
            (
                "grandparent",
                if rng.random_bool(0.7) { Sex::F } else { Sex::M },
                55,
                0.6,
            )
        } else {
            (
                "guardian",
                if rng.random_bool(0.6) { Sex::F } else { Sex::M },
                40,
                0.3,
            )
        };
        let year = dob.year() - age_gap - rng.random_range(-6..7);
        guardian_first_name = Some(first_name(rng, sex, year, surname.group));
        let last = if rng.random_bool(same_surname) {
            last_name.clone()
        } else {
            other_surname(rng, state, surname.name)
        };
        if relationship == "mother" && last != last_name && mother_maiden_name.is_some() {
            // She kept her name: it is her maiden name.
            mother_maiden_name = Some(last.clone());
        }
        guardian_last_name = Some(last);
        guardian_relationship = Some(relationship.to_string());
    }

    let zip = place.zips[rng.random_range(0..place.zips.len())];
    let zip = if rng.random_bool(0.12) {
        format!("{zip}-{:04}", rng.random_range(1..10_000))
    } else {
        zip.to_string()
    };
    let phone = rng.random_bool(0.9).then(|| {
        let area = place.area_codes[rng.random_range(0..place.area_codes.len())];
        format!("{area}-555-01{:02}", rng.random_range(0..100))
    });
    let consent = match rng.random::<f64>() {
        x if x < 0.955 => "granted",
        x if x < 0.97 => "refused",
        _ => "unknown",
    };
    let orgs = state_orgs(ctx, state);
    let home = (!orgs.is_empty()).then(|| rng.random_range(0..orgs.len()));

    let client_id = ClientId::from_uuid(ids.next(rng));
    let client = NewClient {
        id: client_id,
        registry_id: Some(registry_id),
        first_name: first,
        middle_name: middle,
        last_name,
        suffix,
        date_of_birth: iso(dob),
        gender: gender.to_string(),
        mother_maiden_name,
        address_line1: Some(address(rng, state)),
        city: Some(place.city.to_string()),
        state: Some(state.code().to_string()),
        county: Some(place.county.to_string()),
        zip: Some(zip),
        phone,
        guardian_first_name,
        guardian_last_name,
        guardian_relationship,
        consent: consent.to_string(),
        home_organization_id: home.map(|i| orgs[i].id),
    };

    let profile = match rng.random::<f64>() {
        x if x < 0.66 => Profile::OnTime,
        x if x < 0.89 => Profile::Late,
        x if x < 0.97 => Profile::Under,
        _ => Profile::Refuser,
    };
    let planned = Planner::plan(rng, dob, ctx.today, profile, sex == Sex::F);
    let registered_on = if dob >= date!(1996 - 01 - 01) && rng.random_bool(0.7) {
        dob
    } else {
        let from = dob.max(date!(2010 - 01 - 01));
        from + Duration::days(rng.random_range(0..=(ctx.today - from).whole_days().max(0)))
    };
    let vfc = vfc_eligibility(rng, state, surname.group);
    let recorder = DoseRecorder {
        ctx,
        state,
        dob,
        registered_on,
        home,
        vfc,
        client_id,
    };
    let doses = recorder.rows(rng, ids, &planned);
    Person {
        client,
        doses,
        profile,
        state,
    }
}

struct DoseRecorder<'a> {
    ctx: &'a Context<'a>,
    state: State,
    dob: Date,
    registered_on: Date,
    home: Option<usize>,
    vfc: &'static str,
    client_id: ClientId,
}

impl DoseRecorder<'_> {
    fn rows(
        &self,
        rng: &mut impl Rng,
        ids: &IdMaker,
        planned: &[PlannedDose],
    ) -> Vec<NewImmunization> {
        let orgs = state_orgs(self.ctx, self.state);
        let mut rows = Vec::with_capacity(planned.len());
        let mut shots_that_day = (Date::MIN, 0usize);
        for dose in planned {
            let product = dose.product;
            // Products listed without a manufacturer (whole-cell DTP, OPV, generic Td) predate the
            // registry's electronic reporting: they only appear as shot-card entries.
            let given_here = !dose.at_birth_hospital
                && product.mvx.is_some()
                && dose.on >= self.registered_on
                && !orgs.is_empty()
                && rng.random_bool(0.9);
            let mut row = bare_dose(
                ImmunizationId::from_uuid(ids.next(rng)),
                self.client_id,
                product.cvx,
                iso(dose.on),
            );
            if !given_here {
                // A shot-card entry: what and when, sometimes the brand, nothing else.
                row.source = "historical".to_string();
                row.mvx = product
                    .mvx
                    .filter(|_| rng.random_bool(0.35))
                    .map(str::to_string);
                rows.push(row);
                continue;
            }
            let org_index = match self.home {
                Some(h) if rng.random_bool(0.75) => h,
                _ => rng.random_range(0..orgs.len()),
            };
            let org = &orgs[org_index];
            if shots_that_day.0 == dose.on {
                shots_that_day.1 += 1;
            } else {
                shots_that_day = (dose.on, 0);
            }
            let age_days = (dose.on - self.dob).whole_days();
            let (lot, expires) =
                lot_number(&org.code, product.cvx, product.mvx.unwrap_or(""), dose.on);
            row.source = "administered".to_string();
            row.mvx = product.mvx.map(str::to_string);
            row.lot_number = Some(lot);
            row.expiration_date = Some(iso(expires));
            row.dose_volume_ml = Some(product.ml);
            row.route = Some(product.route.code().to_string());
            row.site = product
                .route
                .has_site()
                .then(|| site(age_days, product.route.code(), shots_that_day.1).to_string());
            row.organization_id = Some(org.id);
            row.clinician = Some(org.clinicians[rng.random_range(0..org.clinicians.len())].clone());
            if age_days < 19 * 365 {
                let public = org.vfc && self.vfc != "V01";
                row.funding_source = Some(if public { "VXC50" } else { "VXC51" }.to_string());
                row.vfc_eligibility = org.vfc.then(|| self.vfc.to_string());
            } else {
                row.funding_source = Some(
                    if rng.random_bool(0.15) {
                        "VXC50"
                    } else {
                        "VXC51"
                    }
                    .to_string(),
                );
            }
            rows.push(row);
        }
        rows
    }
}

/// A dose with only its identity, vaccine and date; the caller fills in the rest. (Built field by
/// field because `Default` would draw a fresh UUIDv7 from the system clock and entropy for each
/// id, which costs two system calls per row and is thrown away.)
pub fn bare_dose(
    id: ImmunizationId,
    client_id: ClientId,
    cvx: &str,
    administered_on: String,
) -> NewImmunization {
    NewImmunization {
        id,
        client_id,
        cvx: cvx.to_string(),
        mvx: None,
        administered_on,
        lot_number: None,
        expiration_date: None,
        dose_volume_ml: None,
        route: None,
        site: None,
        source: "historical".to_string(),
        organization_id: None,
        clinician: None,
        funding_source: None,
        vfc_eligibility: None,
    }
}

/// HL7 table 0163: thighs under three years, arms from three; sides alternate within a visit.
fn site(age_days: i64, route: &str, nth_that_day: usize) -> &'static str {
    let left = nth_that_day.is_multiple_of(2);
    match (age_days < 3 * 365, route, left) {
        (true, _, true) => "LT",
        (true, _, false) => "RT",
        (false, "SC", true) => "LA",
        (false, "SC", false) => "RA",
        (false, _, true) => "LD",
        (false, _, false) => "RD",
    }
}

fn fnv(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.iter().chain(b"|") {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Draws digits and letters from a hash.
struct Digits(u64);

impl Digits {
    fn below(&mut self, n: u64) -> u64 {
        let v = self.0 % n;
        self.0 = mix(self.0);
        v
    }

    fn letter(&mut self) -> char {
        (b'A' + self.below(26) as u8) as char
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A lot number in the manufacturer's usual shape, and its expiry. A clinic uses one lot of a
/// product per quarter, so the lot is a function of clinic, product and quarter.
pub fn lot_number(org: &str, cvx: &str, mvx: &str, on: Date) -> (String, Date) {
    let quarter = (u8::from(on.month()) - 1) / 3;
    let mut digits = Digits(fnv(&[
        org.as_bytes(),
        cvx.as_bytes(),
        mvx.as_bytes(),
        &on.year().to_le_bytes(),
        &[quarter],
    ]));
    let d = &mut digits;
    let lot = match mvx {
        "MSD" => format!("{}{:06}", d.letter(), d.below(1_000_000)),
        "SKB" => format!(
            "A{}{:02}B{:03}{}{}",
            d.letter(),
            d.below(100),
            d.below(1000),
            d.letter(),
            d.letter()
        ),
        "PMC" | "MSP" => format!(
            "{}{:04}{}{}",
            d.letter(),
            d.below(10_000),
            d.letter(),
            d.letter()
        ),
        "PFR" => format!("{}{}{:04}", d.letter(), d.letter(), d.below(10_000)),
        "MOD" => format!("{:03}{}{:02}A", d.below(1000), d.letter(), d.below(100)),
        "JSN" => format!("{:07}", d.below(10_000_000)),
        "DVX" => format!("{:06}", d.below(1_000_000)),
        _ => format!("{}{}{:05}", d.letter(), d.letter(), d.below(100_000)),
    };
    let quarter_start = Date::from_calendar_date(
        on.year(),
        time::Month::try_from(quarter * 3 + 1).expect("1..=10"),
        1,
    )
    .expect("first of a month");
    let expires = quarter_start + Duration::days(365 + digits.below(500) as i64);
    (lot, expires)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lot_expires_after_every_dose_given_from_it() {
        for day in 0..800 {
            let on = date!(2022 - 01 - 01) + Duration::days(day);
            let (lot, expires) = lot_number("TX0001", "110", "SKB", on);
            assert!(expires > on, "{lot} expires {expires}, given {on}");
        }
    }

    #[test]
    fn one_clinic_uses_the_same_lot_within_a_quarter() {
        let a = lot_number("MT0001", "03", "MSD", date!(2024 - 01 - 03));
        let b = lot_number("MT0001", "03", "MSD", date!(2024 - 03 - 30));
        let c = lot_number("MT0001", "03", "MSD", date!(2024 - 04 - 01));
        assert_eq!(a, b);
        assert_ne!(a.0, c.0);
        assert!(
            a.0.len() == 7 && a.0[1..].bytes().all(|b| b.is_ascii_digit()),
            "Merck lots look like U004583: {}",
            a.0
        );
    }

    #[test]
    fn infants_are_injected_in_the_thigh_and_older_children_in_the_arm() {
        assert_eq!(site(60, "IM", 0), "LT");
        assert_eq!(site(60, "IM", 1), "RT");
        assert_eq!(site(5 * 365, "IM", 0), "LD");
        assert_eq!(site(5 * 365, "SC", 1), "RA");
    }
}
