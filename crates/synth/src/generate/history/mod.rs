//! Immunization histories: the US childhood and adolescent schedule, seasonal influenza, COVID-19
//! and the adult schedule, with the products that were on the US market at each dose date.
//!
//! Histories are planned as visits. A child's visit happens at the schedule's nominal age plus a
//! delay that depends on the family's [`Profile`]; visits are at least four weeks apart, and a
//! dose is never planned before birth or after "today". The products are CVX + MVX pairs listed in
//! CDC's product file (`data/codes/product-names.csv`), chosen among those licensed at the date.

use rand::Rng;
use time::macros::date;
use time::{Date, Duration, Month};

mod products;
use products::*;
pub use products::{Product, Route};

/// How a family follows the schedule. Chosen per client; tests use it to tell deliberately
/// under-immunized children from the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Visits within about two weeks of the due age.
    OnTime,
    /// Visits weeks to months late, occasionally missing a dose.
    Late,
    /// Skips visits and may stop vaccinating altogether (deliberately under-immunized).
    Under,
    /// Declines vaccines (at most a birth dose).
    Refuser,
}

impl Profile {
    /// Deliberately under-immunized: under-vaccinating or refusing.
    pub fn is_under_immunized(self) -> bool {
        matches!(self, Profile::Under | Profile::Refuser)
    }

    fn miss_chance(self) -> f64 {
        match self {
            Profile::OnTime => 0.01,
            Profile::Late => 0.04,
            Profile::Under => 0.25,
            Profile::Refuser => 1.0,
        }
    }
}

/// The product a practice uses for the 2, 4 and 6 month doses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Combo {
    /// DTaP-HepB-IPV.
    Pediarix,
    /// DTaP-IPV-Hib.
    Pentacel,
    /// DTaP-IPV-Hib-HepB.
    Vaxelis,
    /// Separate DTaP and IPV.
    Separate,
}

impl Combo {
    fn products(self) -> Option<&'static [Product]> {
        match self {
            Combo::Pediarix => Some(PEDIARIX),
            Combo::Pentacel => Some(PENTACEL),
            Combo::Vaxelis => Some(VAXELIS),
            Combo::Separate => None,
        }
    }
}

/// A dose before it becomes a database row.
#[derive(Debug, Clone, Copy)]
pub struct PlannedDose {
    /// Date given.
    pub on: Date,
    /// Product.
    pub product: Product,
    /// Given at a hospital at birth (always a historical record).
    pub at_birth_hospital: bool,
}

/// Every (CVX, MVX) pair the generator can emit, for tests against the code tables.
pub fn all_products() -> Vec<Product> {
    let lists: &[&[Product]] = &[
        HEPB_PED,
        DTAP,
        HIB_PRP_T,
        HIB_PRP_OMP,
        POLIO,
        PCV_CHILD,
        ROTAVIRUS,
        MMR,
        VARICELLA,
        MMRV,
        HEPA_PED,
        PEDIARIX,
        PENTACEL,
        VAXELIS,
        DTAP_IPV,
        TDAP,
        TD,
        MENACWY,
        MENB,
        HPV,
        ZOSTER_LIVE,
        ZOSTER_RECOMBINANT,
        PPSV23,
        PCV_ADULT,
        RSV_ADULT,
        NIRSEVIMAB,
        HEPB_ADULT,
    ];
    let mut all: Vec<Product> = lists.iter().flat_map(|l| l.iter().copied()).collect();
    all.extend(FLU.iter().map(|(p, _, _)| *p));
    all.extend(COVID.iter().map(|c| c.product));
    all
}

fn choose(rng: &mut impl Rng, list: &[Product], on: Date) -> Option<Product> {
    let total: f64 = list
        .iter()
        .filter(|p| p.from <= on && on < p.until)
        .map(|p| p.weight)
        .sum();
    if total <= 0.0 {
        return None;
    }
    let mut x = rng.random::<f64>() * total;
    for product in list.iter().filter(|p| p.from <= on && on < p.until) {
        x -= product.weight;
        if x <= 0.0 {
            return Some(*product);
        }
    }
    list.iter()
        .rev()
        .find(|p| p.from <= on && on < p.until)
        .copied()
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

fn years(dob: Date, n: i32) -> Date {
    let year = dob.year() + n;
    Date::from_calendar_date(year, dob.month(), dob.day())
        .or_else(|_| Date::from_calendar_date(year, dob.month(), 28))
        .expect("day 28 exists in every month")
}

fn between(rng: &mut impl Rng, from: Date, to: Date) -> Date {
    if to <= from {
        return from;
    }
    from + days(rng.random_range(0..=(to - from).whole_days()))
}

/// Plans histories for one client.
pub struct Planner<'r, R: Rng> {
    rng: &'r mut R,
    dob: Date,
    today: Date,
    profile: Profile,
    last_visit: Option<Date>,
    stopped: bool,
    out: Vec<PlannedDose>,
}

/// Adult doses are only in the registry from about this date (adult reporting began later than
/// children's in both states).
const ADULT_RECORDS_FROM: Date = date!(2010 - 01 - 01);

/// Children's records reach back to about this date (older childhood doses were never entered).
const CHILD_RECORDS_FROM: Date = date!(1996 - 01 - 01);

impl<'r, R: Rng> Planner<'r, R> {
    /// Plans the whole history of a client born on `dob` as of `today`.
    pub fn plan(
        rng: &'r mut R,
        dob: Date,
        today: Date,
        profile: Profile,
        female: bool,
    ) -> Vec<PlannedDose> {
        let mut planner = Self {
            rng,
            dob,
            today,
            profile,
            last_visit: None,
            stopped: false,
            out: Vec::new(),
        };
        if profile != Profile::Refuser {
            planner.childhood();
            planner.adolescence(female);
        } else if planner.rng.random_bool(0.4) {
            planner.birth_dose_only();
        }
        planner.influenza();
        planner.covid();
        planner.adult();
        planner.out.retain(|d| d.on >= dob && d.on <= today);
        planner.out.sort_by_key(|d| d.on);
        planner.out
    }

    fn age_days(&self, on: Date) -> i64 {
        (on - self.dob).whole_days()
    }

    fn delay(&mut self) -> i64 {
        match self.profile {
            Profile::OnTime => {
                if self.rng.random_bool(0.8) {
                    self.rng.random_range(0..8)
                } else {
                    self.rng.random_range(8..22)
                }
            }
            Profile::Late | Profile::Under => {
                if self.rng.random_bool(0.75) {
                    self.rng.random_range(14..91)
                } else {
                    self.rng.random_range(91..241)
                }
            }
            Profile::Refuser => 0,
        }
    }

    /// The date of a visit due at `age` days, or None if it has not happened (yet).
    fn visit(&mut self, age: i64) -> Option<Date> {
        if self.stopped {
            return None;
        }
        if self.profile == Profile::Under {
            if self.rng.random_bool(0.1) {
                self.stopped = true;
                return None;
            }
            if self.rng.random_bool(0.3) {
                return None;
            }
        }
        let mut on = self.dob + days(age + self.delay());
        if let Some(last) = self.last_visit {
            on = on.max(last + days(28));
        }
        if on > self.today || on < CHILD_RECORDS_FROM {
            return None;
        }
        self.last_visit = Some(on);
        Some(on)
    }

    fn give(&mut self, on: Date, list: &[Product]) -> Option<Product> {
        if self.rng.random_bool(self.profile.miss_chance()) {
            return None;
        }
        let product = choose(self.rng, list, on)?;
        self.out.push(PlannedDose {
            on,
            product,
            at_birth_hospital: false,
        });
        Some(product)
    }

    fn give_product(&mut self, on: Date, product: Product) {
        if !self.rng.random_bool(self.profile.miss_chance()) {
            self.out.push(PlannedDose {
                on,
                product,
                at_birth_hospital: false,
            });
        }
    }

    fn birth_dose_only(&mut self) {
        let on = self.dob + days(self.rng.random_range(0..2));
        if on >= CHILD_RECORDS_FROM {
            if let Some(product) = choose(self.rng, HEPB_PED, on) {
                self.out.push(PlannedDose {
                    on,
                    product,
                    at_birth_hospital: true,
                });
            }
        }
    }

    fn childhood(&mut self) {
        let dob = self.dob;
        // Birth: hepatitis B at the hospital, and nirsevimab for babies born in RSV season.
        let mut hepb_doses = 0;
        if self.rng.random_bool(0.82) {
            self.birth_dose_only();
            hepb_doses += usize::from(self.out.last().is_some_and(|d| d.at_birth_hospital));
        }
        let in_season = matches!(
            dob.month(),
            Month::October
                | Month::November
                | Month::December
                | Month::January
                | Month::February
                | Month::March
        );
        if in_season && dob >= date!(2023 - 08 - 01) && self.rng.random_bool(0.45) {
            if let Some(product) = choose(self.rng, NIRSEVIMAB, dob) {
                self.out.push(PlannedDose {
                    on: dob + days(1),
                    product,
                    at_birth_hospital: true,
                });
            }
        }

        // Infant series at 2, 4, 6 months: one combination per practice, chosen at 2 months.
        let two_months = dob + days(61);
        let options: Vec<(Combo, f64)> = [
            (Combo::Pediarix, PEDIARIX, 1.0),
            (Combo::Pentacel, PENTACEL, 1.0),
            (Combo::Vaxelis, VAXELIS, 0.9),
            (Combo::Separate, DTAP, 0.9),
        ]
        .into_iter()
        .filter(|(_, list, _)| list.iter().any(|p| p.from <= two_months))
        .map(|(combo, _, weight)| (combo, weight))
        .collect();
        let total: f64 = options.iter().map(|(_, w)| w).sum();
        let mut x = self.rng.random::<f64>() * total;
        let combo = options
            .iter()
            .find(|(_, w)| {
                x -= w;
                x <= 0.0
            })
            .map_or(Combo::Separate, |(c, _)| *c);
        let hib_list = if combo == Combo::Vaxelis || self.rng.random_bool(0.35) {
            HIB_PRP_OMP
        } else {
            HIB_PRP_T
        };
        let hepb_in_combo = matches!(combo, Combo::Pediarix | Combo::Vaxelis);
        let rv = choose(self.rng, ROTAVIRUS, two_months);
        let rv_doses = match rv {
            Some(p) if p.cvx == "119" => 2,
            Some(_) => 3,
            None => 0,
        };

        if !hepb_in_combo && hepb_doses == 1 && self.rng.random_bool(0.4) {
            if let Some(on) = self.visit(30) {
                if self.give(on, HEPB_PED).is_some() {
                    hepb_doses += 1;
                }
            }
        }
        for (i, age) in [61, 122, 183].into_iter().enumerate() {
            let Some(on) = self.visit(age) else { continue };
            match combo.products() {
                None => {
                    self.give(on, DTAP);
                    self.give(on, POLIO);
                }
                Some(list) => {
                    self.give(on, list);
                }
            }
            // Pentacel and Vaxelis carry Hib; PRP-OMP needs no third primary dose.
            let hib_in_combo = matches!(combo, Combo::Pentacel | Combo::Vaxelis);
            if !(hib_in_combo || (i == 2 && hib_list[0].cvx == "49")) {
                self.give(on, hib_list);
            }
            self.give(on, PCV_CHILD);
            if let Some(product) = rv {
                if i < rv_doses && self.age_days(on) <= 240 && (i > 0 || self.age_days(on) <= 104) {
                    self.give_product(on, product);
                }
            }
            if !hepb_in_combo
                && ((i == 0 && hepb_doses < 2) || i == 2)
                && self.give(on, HEPB_PED).is_some()
            {
                hepb_doses += 1;
            }
        }

        // 12–15 months.
        let mut hepa_first = None;
        if let Some(on) = self.visit(366) {
            self.give(on, hib_list);
            self.give(on, PCV_CHILD);
            self.give(on, MMR);
            self.give(on, VARICELLA);
            if on >= date!(2006 - 01 - 01) && self.give(on, HEPA_PED).is_some() {
                hepa_first = Some(on);
            }
        }
        // 15–18 months.
        if let Some(on) = self.visit(457) {
            self.give(on, DTAP);
            if combo == Combo::Separate && self.rng.random_bool(0.15) {
                self.give(on, POLIO);
            }
        }
        // Hepatitis A dose 2, at least six months after dose 1.
        if let Some(first) = hepa_first {
            let due = self.age_days(first) + 183 + self.rng.random_range(0..120);
            if let Some(on) = self.visit(due) {
                self.give(on, HEPA_PED);
            }
        }
        // 4–6 years.
        let due = 4 * 365 + self.rng.random_range(0..500);
        if let Some(on) = self.visit(due) {
            if on >= date!(2008 - 06 - 24) && self.rng.random_bool(0.5) {
                self.give(on, DTAP_IPV);
            } else {
                self.give(on, DTAP);
                self.give(on, POLIO);
            }
            let second_varicella = on >= date!(2006 - 06 - 22);
            if second_varicella && on >= date!(2010 - 01 - 01) && self.rng.random_bool(0.4) {
                self.give(on, MMRV);
            } else {
                self.give(on, MMR);
                if second_varicella {
                    self.give(on, VARICELLA);
                }
            }
        }
    }

    fn adolescence(&mut self, female: bool) {
        let keeps_up = match self.profile {
            Profile::OnTime => 0.85,
            Profile::Late => 0.65,
            Profile::Under => 0.3,
            Profile::Refuser => 0.0,
        };
        if !self.rng.random_bool(keeps_up) {
            return;
        }
        self.stopped = false;
        let due = 11 * 365 + self.rng.random_range(0..500);
        let Some(on) = self.visit(due) else { return };
        if self.give(on, TDAP).is_none() && on < date!(2005 - 06 - 01) {
            self.give(on, TD);
        }
        self.give(on, MENACWY);
        let hpv_from = if female {
            date!(2006 - 06 - 08)
        } else {
            date!(2011 - 10 - 25)
        };
        if on >= hpv_from && self.rng.random_bool(0.65) {
            if let Some(product) = self.give(on, HPV) {
                let three_doses = on < date!(2016 - 12 - 16);
                let mut prev = on;
                for gap in if three_doses {
                    &[60, 120][..]
                } else {
                    &[183][..]
                } {
                    let due = self.age_days(prev) + gap + self.rng.random_range(0..90);
                    match self.visit(due) {
                        Some(next) => {
                            self.give_product(next, product);
                            prev = next;
                        }
                        None => break,
                    }
                }
            }
        }
        let due = 16 * 365 + self.rng.random_range(0..300);
        let Some(on) = self.visit(due) else { return };
        if on >= date!(2011 - 01 - 01) {
            self.give(on, MENACWY);
        }
        if self.rng.random_bool(0.25) {
            if let Some(product) = self.give(on, MENB) {
                let gap = if product.cvx == "162" { 183 } else { 30 };
                let due = self.age_days(on) + gap + self.rng.random_range(0..60);
                if let Some(next) = self.visit(due) {
                    self.give_product(next, product);
                }
            }
        }
    }

    fn influenza(&mut self) {
        let age_now = self.age_days(self.today) / 365;
        let taker = match (self.profile, age_now) {
            (Profile::Refuser, _) => 0.05,
            (Profile::Under, _) => 0.1,
            (Profile::Late, 0..=18) => 0.35,
            (_, 0..=18) => 0.5,
            (_, 19..=49) => 0.3,
            (_, 50..=64) => 0.45,
            _ => 0.62,
        };
        if !self.rng.random_bool(taker) {
            return;
        }
        let mut first_season = true;
        for season in 2005..=self.today.year() {
            let start = Date::from_calendar_date(season, Month::September, 1).expect("valid");
            let on = start + days(self.rng.random_range(0..100));
            let age_months = self.age_days(on) * 12 / 365;
            let recorded_from = if age_months >= 19 * 12 {
                ADULT_RECORDS_FROM
            } else {
                CHILD_RECORDS_FROM
            };
            if on > self.today
                || age_months < 6
                || on < recorded_from
                || !self.rng.random_bool(0.78)
            {
                continue;
            }
            let years = age_months / 12;
            let options: Vec<Product> = FLU
                .iter()
                .filter(|(_, min_months, max_years)| {
                    age_months >= *min_months && years <= *max_years
                })
                .map(|(p, _, _)| *p)
                .collect();
            let Some(product) = choose(self.rng, &options, on) else {
                continue;
            };
            self.out.push(PlannedDose {
                on,
                product,
                at_birth_hospital: false,
            });
            // Children under 9 need two doses in their first season.
            if first_season && years < 9 && self.rng.random_bool(0.7) {
                let second = on + days(28 + self.rng.random_range(0..21));
                self.out.push(PlannedDose {
                    on: second,
                    product,
                    at_birth_hospital: false,
                });
            }
            first_season = false;
        }
    }

    fn covid(&mut self) {
        let age_at = |d: Date| (d - self.dob).whole_days() / 365;
        let primary_age = age_at(date!(2021 - 06 - 01));
        let (chance, window): (f64, (Date, Date)) = match primary_age {
            _ if self.profile.is_under_immunized() => {
                (0.05, (date!(2021 - 04 - 01), date!(2021 - 09 - 01)))
            }
            65.. => (0.78, (date!(2021 - 01 - 05), date!(2021 - 03 - 31))),
            50..=64 => (0.65, (date!(2021 - 02 - 15), date!(2021 - 05 - 31))),
            18..=49 => (0.55, (date!(2021 - 04 - 01), date!(2021 - 08 - 31))),
            12..=17 => (0.35, (date!(2021 - 05 - 13), date!(2021 - 09 - 30))),
            5..=11 => (0.2, (date!(2021 - 11 - 03), date!(2022 - 03 - 31))),
            _ => (0.06, (date!(2022 - 06 - 20), date!(2022 - 12 - 31))),
        };
        if !self.rng.random_bool(chance) {
            return;
        }
        let first = between(self.rng, window.0, window.1);
        let age = age_at(first);
        if age < 0 || self.age_days(first) < 183 {
            return;
        }
        let family = pick_covid(self.rng, first, age, true);
        let Some(primary) = family else { return };
        let (doses, gap) = match primary.product.cvx {
            "212" => (1, 0),
            "219" => (3, 21),
            "207" | "228" => (2, 28),
            _ => (2, 21),
        };
        let mut on = first;
        for _ in 0..doses {
            self.out.push(PlannedDose {
                on,
                product: primary.product,
                at_birth_hospital: false,
            });
            on += days(gap + self.rng.random_range(0..14));
        }
        // Later shots: monovalent booster, bivalent, and the yearly updated vaccines.
        let rounds: [(f64, Date, Date); 5] = [
            (0.5, date!(2021 - 10 - 01), date!(2022 - 03 - 31)),
            (0.45, date!(2022 - 09 - 02), date!(2023 - 02 - 28)),
            (0.5, date!(2023 - 09 - 12), date!(2024 - 03 - 31)),
            (0.6, date!(2024 - 09 - 01), date!(2025 - 03 - 31)),
            (0.6, date!(2025 - 09 - 01), date!(2026 - 03 - 31)),
        ];
        let mut still_going = true;
        for (chance, from, to) in rounds {
            still_going = still_going && self.rng.random_bool(chance);
            if !still_going {
                break;
            }
            let on = between(self.rng, from, to);
            if let Some(c) = pick_covid(self.rng, on, age_at(on), false) {
                self.out.push(PlannedDose {
                    on,
                    product: c.product,
                    at_birth_hospital: false,
                });
            }
        }
    }

    fn adult(&mut self) {
        let from = years(self.dob, 19).max(ADULT_RECORDS_FROM);
        if from > self.today || self.profile == Profile::Refuser {
            return;
        }
        // Tdap once as an adult, then Td or Tdap every ten years for some.
        if self.rng.random_bool(0.45) {
            let mut on = between(self.rng, from, self.today);
            while on <= self.today {
                if self.give(on, TDAP).is_none() {
                    self.give(on, TD);
                }
                if !self.rng.random_bool(0.4) {
                    break;
                }
                on += days(3650 + self.rng.random_range(0..400));
            }
        }
        // Recombinant zoster from 50 (two doses 2–6 months apart); live zoster from 60 before it.
        let fifty = years(self.dob, 50).max(from).max(date!(2018 - 01 - 01));
        if fifty <= self.today && self.rng.random_bool(0.35) {
            let on = between(self.rng, fifty, self.today);
            if self.give(on, ZOSTER_RECOMBINANT).is_some() && self.rng.random_bool(0.85) {
                let second = on + days(60 + self.rng.random_range(0..120));
                self.give(second, ZOSTER_RECOMBINANT);
            }
        } else if years(self.dob, 60) <= date!(2020 - 06 - 01) && self.rng.random_bool(0.2) {
            let sixty = years(self.dob, 60).max(from);
            let on = between(self.rng, sixty, date!(2020 - 11 - 01));
            self.give(on, ZOSTER_LIVE);
        }
        // Pneumococcal from 65.
        let sixty_five = years(self.dob, 65).max(from);
        if sixty_five <= self.today && self.rng.random_bool(0.6) {
            let on = between(self.rng, sixty_five, sixty_five + days(700));
            match self.give(on, PCV_ADULT) {
                Some(p) if p.cvx == "133" || p.cvx == "215" => {
                    let later = on + days(365 + self.rng.random_range(0..200));
                    self.give(later, PPSV23);
                }
                Some(_) => {}
                None => {
                    self.give(on, PPSV23);
                }
            }
        }
        // RSV from 60 (shared decision) and 75 (recommended), one dose.
        let sixty = years(self.dob, 60).max(date!(2023 - 09 - 01));
        let chance = if years(self.dob, 75) <= self.today {
            0.4
        } else {
            0.2
        };
        if sixty <= self.today && self.rng.random_bool(chance) {
            let on = between(self.rng, sixty, self.today);
            self.give(on, RSV_ADULT);
        }
        // Hepatitis B for some adults under 60 (universal adult recommendation since 2022).
        if years(self.dob, 60) > self.today && self.rng.random_bool(0.08) {
            let on = between(self.rng, from.max(date!(2015 - 01 - 01)), self.today);
            if let Some(product) = self.give(on, HEPB_ADULT) {
                let gaps: &[i64] = if product.cvx == "189" {
                    &[30]
                } else {
                    &[30, 150]
                };
                let mut next = on;
                for gap in gaps {
                    next += days(gap + self.rng.random_range(0..30));
                    self.give_product(next, product);
                }
            }
        }
    }
}

fn pick_covid(rng: &mut impl Rng, on: Date, age: i64, primary: bool) -> Option<&'static Covid> {
    let fits = |c: &&Covid| {
        c.product.from <= on
            && on < c.product.until
            && (c.min_age..=c.max_age).contains(&age)
            && if primary { c.primary } else { c.booster }
    };
    let total: f64 = COVID.iter().filter(fits).map(|c| c.product.weight).sum();
    let mut x = rng.random::<f64>() * total;
    for c in COVID.iter().filter(fits) {
        x -= c.product.weight;
        if x <= 0.0 {
            return Some(c);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    const TODAY: Date = date!(2026 - 11 - 22);

    #[test]
    fn an_on_time_seven_year_old_has_a_full_childhood_series() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for _ in 0..200 {
            let doses = Planner::plan(
                &mut rng,
                date!(2019 - 05 - 02),
                TODAY,
                Profile::OnTime,
                true,
            );
            let childhood = doses
                .iter()
                .filter(|d| d.on < date!(2024 - 05 - 02) + days(700))
                .count();
            assert!(
                childhood >= 15,
                "{childhood} doses: {:?}",
                doses.iter().map(|d| d.product.cvx).collect::<Vec<_>>()
            );
            assert!(
                doses
                    .iter()
                    .any(|d| d.product.cvx == "03" || d.product.cvx == "94"),
                "MMR given"
            );
        }
    }

    #[test]
    fn products_are_never_used_before_they_existed() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        for year in [1997, 2001, 2008, 2012, 2020, 2023, 2025] {
            for _ in 0..100 {
                for d in Planner::plan(
                    &mut rng,
                    date!(2000 - 01 - 01).replace_year(year).unwrap(),
                    TODAY,
                    Profile::OnTime,
                    false,
                ) {
                    assert!(
                        d.product.from <= d.on && d.on < d.product.until,
                        "CVX {} on {}",
                        d.product.cvx,
                        d.on
                    );
                }
            }
        }
    }

    #[test]
    fn pcv20_is_not_given_to_children_before_2023() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        for _ in 0..300 {
            for d in Planner::plan(
                &mut rng,
                date!(2021 - 03 - 01),
                TODAY,
                Profile::OnTime,
                true,
            ) {
                if d.product.cvx == "216" {
                    assert!(d.on >= date!(2023 - 04 - 27), "PCV20 on {}", d.on);
                }
            }
        }
    }

    #[test]
    fn a_refusing_family_gets_no_childhood_series() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        for _ in 0..100 {
            let doses = Planner::plan(
                &mut rng,
                date!(2018 - 02 - 02),
                TODAY,
                Profile::Refuser,
                true,
            );
            let childhood = [
                "20", "106", "110", "120", "146", "130", "03", "94", "21", "10", "48", "49", "133",
                "215", "216", "116", "119",
            ];
            let given: Vec<_> = doses
                .iter()
                .map(|d| d.product.cvx)
                .filter(|c| childhood.contains(c))
                .collect();
            assert!(given.is_empty(), "{given:?}");
        }
    }
}
