//! The bundled name, place and street tables (`crates/synth/data/`, see its SOURCE.md), parsed
//! once into weighted samplers.

use std::collections::HashMap;
use std::sync::OnceLock;

use rand::Rng;

const FIRST_NAMES: &str = include_str!("../../data/first-names.csv");
const GROUP_FIRST_NAMES: &str = include_str!("../../data/group-first-names.csv");
const SURNAMES: &str = include_str!("../../data/surnames.csv");
const NICKNAMES: &str = include_str!("../../data/nicknames.csv");
const PLACES: &str = include_str!("../../data/places.csv");
const STREETS: &str = include_str!("../../data/streets.csv");

/// The two states the generator places clients in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Montana.
    Mt,
    /// Texas.
    Tx,
}

impl State {
    /// Two-letter code.
    pub fn code(self) -> &'static str {
        match self {
            State::Mt => "MT",
            State::Tx => "TX",
        }
    }

    fn index(self) -> usize {
        match self {
            State::Mt => 0,
            State::Tx => 1,
        }
    }

    fn parse(code: &str) -> Self {
        match code {
            "MT" => State::Mt,
            "TX" => State::Tx,
            other => panic!("bundled places.csv names unknown state {other}"),
        }
    }
}

/// Sex used to pick a first name (the record's gender may be U).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// Female.
    F,
    /// Male.
    M,
}

impl Sex {
    fn index(self) -> usize {
        match self {
            Sex::F => 0,
            Sex::M => 1,
        }
    }
}

/// The family background a surname suggests, which steers the choice of first names and the
/// regional mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    /// Names common across the US.
    General,
    /// Hispanic surnames.
    Hispanic,
    /// Asian-American surnames.
    Asian,
    /// Native American surnames.
    Native,
}

impl Group {
    fn parse(s: &str) -> Self {
        match s {
            "general" => Group::General,
            "hispanic" => Group::Hispanic,
            "asian" => Group::Asian,
            "native" => Group::Native,
            other => panic!("bundled surnames.csv names unknown group {other}"),
        }
    }

    /// How much more (or less) common the group's surnames are in `state` than nationally.
    fn weight_in(self, state: State) -> f64 {
        match (self, state) {
            (Group::General, State::Mt) => 1.3,
            (Group::General, State::Tx) => 0.75,
            (Group::Hispanic, State::Mt) => 0.25,
            (Group::Hispanic, State::Tx) => 2.4,
            (Group::Asian, State::Mt) => 0.3,
            (Group::Asian, State::Tx) => 1.0,
            (Group::Native, State::Mt) => 60.0,
            (Group::Native, State::Tx) => 2.0,
        }
    }
}

/// A surname and its group.
#[derive(Debug, Clone, Copy)]
pub struct Surname {
    /// As usually written (with accents where Spanish writes them).
    pub name: &'static str,
    /// Family background.
    pub group: Group,
}

/// A real city of a real county, with its ZIP codes and area codes.
#[derive(Debug, Clone)]
pub struct Place {
    /// State.
    pub state: State,
    /// County name (without "County").
    pub county: &'static str,
    /// City.
    pub city: &'static str,
    /// Five-digit ZIP codes of the city.
    pub zips: Vec<&'static str>,
    /// Area codes serving the city.
    pub area_codes: Vec<&'static str>,
}

/// Picks items with probability proportional to their weight (cumulative table + binary search).
#[derive(Debug, Clone)]
pub struct Weighted<T> {
    items: Vec<T>,
    cumulative: Vec<f64>,
}

impl<T: Copy> Weighted<T> {
    fn new(pairs: impl IntoIterator<Item = (T, f64)>) -> Self {
        let mut items = Vec::new();
        let mut cumulative = Vec::new();
        let mut total = 0.0;
        for (item, weight) in pairs {
            if weight > 0.0 {
                total += weight;
                items.push(item);
                cumulative.push(total);
            }
        }
        assert!(
            !items.is_empty(),
            "a weighted table needs at least one item"
        );
        Self { items, cumulative }
    }

    /// One item.
    pub fn pick(&self, rng: &mut impl Rng) -> T {
        let total = *self.cumulative.last().expect("non-empty");
        let x = rng.random::<f64>() * total;
        let i = self.cumulative.partition_point(|&c| c <= x);
        self.items[i.min(self.items.len() - 1)]
    }
}

/// All bundled tables.
#[derive(Debug)]
pub struct Tables {
    era_starts: Vec<i32>,
    first: Vec<[Weighted<&'static str>; 2]>,
    group_first: HashMap<(Group, usize), Weighted<&'static str>>,
    surnames: Vec<Surname>,
    surnames_by_state: [Weighted<usize>; 2],
    nicknames: HashMap<&'static str, Vec<&'static str>>,
    places: Vec<Place>,
    places_by_state: [Weighted<usize>; 2],
    streets: [Vec<&'static str>; 2],
}

fn rows(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(str::trim).collect())
}

/// Rank weight of the r-th (0-based) most popular name: a Zipf-like curve (see SOURCE.md).
fn rank_weight(rank: usize) -> f64 {
    1.0 / (rank as f64 + 8.0)
}

impl Tables {
    fn load() -> Self {
        let mut by_era: Vec<(i32, [Vec<&'static str>; 2])> = Vec::new();
        for r in rows(FIRST_NAMES) {
            let era: i32 = r[0].parse().expect("first-names.csv era_from is a year");
            let sex = if r[1] == "F" { Sex::F } else { Sex::M };
            if by_era.last().is_none_or(|(e, _)| *e != era) {
                by_era.push((era, [Vec::new(), Vec::new()]));
            }
            by_era.last_mut().expect("pushed").1[sex.index()].push(r[2]);
        }
        let era_starts = by_era.iter().map(|(e, _)| *e).collect();
        let first = by_era
            .into_iter()
            .map(|(_, [f, m])| {
                let w = |names: Vec<&'static str>| {
                    Weighted::new(
                        names
                            .into_iter()
                            .enumerate()
                            .map(|(i, n)| (n, rank_weight(i))),
                    )
                };
                [w(f), w(m)]
            })
            .collect();

        let mut group_lists: HashMap<(Group, usize), Vec<&'static str>> = HashMap::new();
        for r in rows(GROUP_FIRST_NAMES) {
            let sex = if r[1] == "F" { Sex::F } else { Sex::M };
            group_lists
                .entry((Group::parse(r[0]), sex.index()))
                .or_default()
                .push(r[2]);
        }
        let group_first = group_lists
            .into_iter()
            .map(|(k, names)| {
                (
                    k,
                    Weighted::new(
                        names
                            .into_iter()
                            .enumerate()
                            .map(|(i, n)| (n, rank_weight(i))),
                    ),
                )
            })
            .collect();

        let mut surnames = Vec::new();
        let mut counts = Vec::new();
        for r in rows(SURNAMES) {
            surnames.push(Surname {
                name: r[0],
                group: Group::parse(r[2]),
            });
            counts.push(r[1].parse::<f64>().expect("surnames.csv count is a number"));
        }
        let by_state = |state: State| {
            Weighted::new(
                surnames
                    .iter()
                    .zip(&counts)
                    .enumerate()
                    .map(|(i, (s, c))| (i, c * s.group.weight_in(state))),
            )
        };
        let surnames_by_state = [by_state(State::Mt), by_state(State::Tx)];

        let nicknames = rows(NICKNAMES)
            .map(|r| (r[0], r[1].split('|').map(str::trim).collect::<Vec<_>>()))
            .collect();

        let mut places = Vec::new();
        let mut place_weights = Vec::new();
        for r in rows(PLACES) {
            places.push(Place {
                state: State::parse(r[0]),
                county: r[1],
                city: r[2],
                zips: r[3].split_whitespace().collect(),
                area_codes: r[4].split_whitespace().collect(),
            });
            place_weights.push(r[5].parse::<f64>().expect("places.csv weight is a number"));
        }
        let places_in = |state: State| {
            Weighted::new(
                places
                    .iter()
                    .zip(&place_weights)
                    .enumerate()
                    .filter(|(_, (p, _))| p.state == state)
                    .map(|(i, (_, w))| (i, *w)),
            )
        };
        let places_by_state = [places_in(State::Mt), places_in(State::Tx)];

        let mut streets = [Vec::new(), Vec::new()];
        for r in rows(STREETS) {
            let only = r.get(1).copied().unwrap_or("");
            for state in [State::Mt, State::Tx] {
                if only.is_empty() || only == state.code() {
                    streets[state.index()].push(r[0]);
                }
            }
        }

        Self {
            era_starts,
            first,
            group_first,
            surnames,
            surnames_by_state,
            nicknames,
            places,
            places_by_state,
            streets,
        }
    }

    /// A popular first name for a baby of `sex` born in `birth_year`.
    pub fn first_name(&self, rng: &mut impl Rng, sex: Sex, birth_year: i32) -> &'static str {
        let era = self
            .era_starts
            .iter()
            .rposition(|&start| start <= birth_year)
            .unwrap_or(0);
        self.first[era][sex.index()].pick(rng)
    }

    /// A first name typical of `group`, if the bundled lists have one for it.
    pub fn group_first_name(
        &self,
        rng: &mut impl Rng,
        group: Group,
        sex: Sex,
    ) -> Option<&'static str> {
        self.group_first
            .get(&(group, sex.index()))
            .map(|w| w.pick(rng))
    }

    /// A surname, weighted by US frequency and the state's mix.
    pub fn surname(&self, rng: &mut impl Rng, state: State) -> Surname {
        self.surnames[self.surnames_by_state[state.index()].pick(rng)]
    }

    /// Nicknames of a first name (empty when none is known).
    pub fn nicknames(&self, first_name: &str) -> &[&'static str] {
        self.nicknames
            .get(first_name)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// A place in `state`, weighted by population.
    pub fn place(&self, rng: &mut impl Rng, state: State) -> &Place {
        &self.places[self.places_by_state[state.index()].pick(rng)]
    }

    /// A street name used in `state`.
    pub fn street(&self, rng: &mut impl Rng, state: State) -> &'static str {
        let list = &self.streets[state.index()];
        list[rng.random_range(0..list.len())]
    }

    /// Every bundled place.
    pub fn places(&self) -> &[Place] {
        &self.places
    }
}

/// The bundled tables, parsed on first use.
pub fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(Tables::load)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn the_bundled_tables_have_the_promised_coverage() {
        let t = tables();
        let counties = |s: State| {
            t.places
                .iter()
                .filter(|p| p.state == s)
                .map(|p| p.county)
                .collect::<std::collections::HashSet<_>>()
                .len()
        };
        assert!(
            counties(State::Mt) >= 12,
            "Montana counties: {}",
            counties(State::Mt)
        );
        assert!(
            counties(State::Tx) >= 20,
            "Texas counties: {}",
            counties(State::Tx)
        );
        assert!(t.surnames.len() >= 200, "surnames: {}", t.surnames.len());
        assert!(t.surnames.iter().any(|s| s.name == "Running Crane"));
        assert!(t.surnames.iter().any(|s| s.name == "Núñez"));
        for p in &t.places {
            assert!(
                p.zips
                    .iter()
                    .all(|z| z.len() == 5 && z.bytes().all(|b| b.is_ascii_digit())),
                "{}",
                p.city
            );
            let prefix = if p.state == State::Mt { "59" } else { "7" };
            assert!(
                p.zips.iter().all(|z| z.starts_with(prefix)),
                "{} ZIPs belong to {}",
                p.city,
                p.state.code()
            );
        }
        assert_eq!(t.nicknames("William"), &["Bill", "Will", "Billy", "Liam"]);
    }

    #[test]
    fn popular_names_are_picked_more_often_than_rare_ones() {
        let t = tables();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let picks: Vec<_> = (0..20_000)
            .map(|_| t.first_name(&mut rng, Sex::F, 2019))
            .collect();
        let olivia = picks.iter().filter(|n| **n == "Olivia").count();
        let elena = picks.iter().filter(|n| **n == "Elena").count();
        assert!(
            olivia > 3 * elena,
            "rank 1 ({olivia}) should be far more common than rank 60 ({elena})"
        );
        assert!(
            !picks.contains(&"Linda"),
            "1940s names do not appear for 2019 births"
        );
    }
}
