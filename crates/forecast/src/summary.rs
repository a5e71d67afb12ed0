//! One row per vaccine group that means what it says, as structured data a host renders in
//! the user's language (codes and dates, no sentences).
//!
//! A vaccine group can have several forecasts: one per series group and series type (the
//! childhood pneumococcal series beside the 50+ series, a risk series beside the standard one,
//! the infant RSV series beside the 75+ series). [`Assessment::rows`] picks the forecast that
//! applies to the client now and keeps the others, each with its status, for "Why?":
//!
//! 1. A forecast *applies now* when its series is under way (a valid dose), is a risk series
//!    (the client has the indication), can be given now (earliest date on or before the
//!    assessment date), or states something about now (complete, immune, contraindicated,
//!    aged out, not recommended).
//! 2. Among those, a contraindication first, then an open series, then complete, then immune
//!    (risk before standard at equal status, then the earliest date).
//! 3. When the best of them is only "aged out" or "not recommended", or none applies now, an
//!    open series the client will reach later in life is the row instead, as
//!    [`RowStatus::NotYetEligible`] with the date it starts (RSV from 75 for an adult, zoster
//!    from 50 for a child): the client has nothing to do now, and the host can fold it away.
//! 4. With no valid dose in a series group, CDSi prioritizes the group's default series even
//!    when the client is past its maximum age to start (Table 8-3): the HepB infant series for
//!    an unvaccinated adult, past due a month after birth; the COVID-19 6–23 month series for
//!    a 7-year-old. The engine then also forecasts from the series the client can start now
//!    ([`ForecastBasis::StartableNow`], chosen by Table 8-11 among the group's standard series
//!    whose ages to start include the assessment date), and the row shows that one; the
//!    default series' forecast, which CDC's test cases check, is kept as
//!    [`NotChosen::PastMaximumAgeToStart`].
//!
//! A vaccine group none of whose series applies (only risk series, the client has none of
//! their indications) has no row: [`Assessment::every_group`] lists it as not applicable,
//! with the reason ([`crate::NotApplicableReason`]).

use serde::Serialize;

use crate::data::{Cvx, SeriesType};
use crate::date::Date;
use crate::output::{
    Assessment, ForecastBasis, ForecastReason, ForecastVaccine, GroupForecast, NotApplicable,
    SeriesStatus, SharedDecision,
};
use crate::season::AssumedSeason;

/// What the row asks of the clinic, from the chosen forecast and the assessment date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum RowStatus {
    /// A dose is past its past-due date.
    Overdue,
    /// A dose is due: on or after its recommended date.
    Due,
    /// A dose may be given now (on or after the earliest date) but is recommended later.
    Allowed,
    /// The next dose of a series under way (or startable) is due later.
    Upcoming,
    /// No dose yet: the series starts at an age the client has not reached
    /// (see [`GroupRow::eligible_from`]).
    NotYetEligible,
    /// Every recommended dose has been given.
    Complete,
    /// Evidence of immunity.
    Immune,
    /// A contraindication stops the series.
    Contraindicated,
    /// Past the maximum age before completing.
    AgedOut,
    /// No dose recommended at this time.
    NotRecommended,
}

/// One vaccine group's row.
#[derive(Debug, Clone, Serialize)]
pub struct GroupRow {
    /// Vaccine group (supporting-data name).
    pub vaccine_group: String,
    /// What the row asks of the clinic.
    pub status: RowStatus,
    /// The CDSi status of the chosen forecast.
    pub series_status: SeriesStatus,
    /// Series type of the chosen forecast.
    pub series_type: SeriesType,
    /// The patient series the chosen forecast is made from (one per antigen of the group).
    pub series: Vec<String>,
    /// Index of the chosen forecast in [`Assessment::groups`].
    pub forecast: usize,
    /// Next dose number.
    pub dose_number: Option<u32>,
    /// Earliest date the next dose may be given.
    pub earliest: Option<Date>,
    /// Recommended date.
    pub recommended: Option<Date>,
    /// Past-due date.
    pub past_due: Option<Date>,
    /// Last date the dose may be given (the day before the maximum age, e.g. rotavirus); after
    /// it the dose must not be given.
    pub latest_allowed: Option<Date>,
    /// For [`RowStatus::NotYetEligible`]: the date the series can start.
    pub eligible_from: Option<Date>,
    /// Shared clinical decision-making.
    pub shared_decision: SharedDecision,
    /// Administrative guidance of the chosen series (CDC text, English).
    pub admin_guidance: Vec<String>,
    /// Set when the season was assumed from the supporting data's previous season.
    pub season_assumed: Option<AssumedSeason>,
    /// Recommended vaccines (CVX), see [`GroupForecast::recommended_vaccines`].
    pub recommended_vaccines: Vec<Cvx>,
    /// The vaccines that may be given for the next dose, see [`GroupForecast::vaccines`].
    pub vaccines: Vec<ForecastVaccine>,
    /// Forecast reasons as codes.
    pub reasons: Vec<ForecastReason>,
    /// Why this row says what it says, as typed steps.
    pub why: Vec<Why>,
    /// What the chosen forecast is made from (CDSi's best series, or the series the client can
    /// start now in place of a default series past its maximum age to start).
    pub basis: ForecastBasis,
}

/// A vaccine group as the clinic reads it: its row, or why no series of it applies.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind")]
pub enum GroupEntry {
    /// The group has a forecast: its row.
    Row(Box<GroupRow>),
    /// No series of the group applies to the client.
    NotApplicable(NotApplicable),
}

impl GroupEntry {
    /// The vaccine group.
    pub fn vaccine_group(&self) -> &str {
        match self {
            GroupEntry::Row(r) => &r.vaccine_group,
            GroupEntry::NotApplicable(n) => &n.vaccine_group,
        }
    }
}

/// A typed explanation step for a row (render it in the user's language).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Why {
    /// The row shows this forecast because it applies to the client now.
    Chosen {
        /// Series (one per antigen).
        series: Vec<String>,
        /// Series type.
        series_type: SeriesType,
        /// CDSi status.
        status: SeriesStatus,
    },
    /// Another forecast of the same vaccine group, not shown as the row.
    OtherSeries {
        /// Index in [`Assessment::groups`].
        forecast: usize,
        /// Series (one per antigen).
        series: Vec<String>,
        /// Series type.
        series_type: SeriesType,
        /// CDSi status.
        status: SeriesStatus,
        /// Its earliest date, if open.
        earliest: Option<Date>,
        /// Why it is not the row.
        because: NotChosen,
    },
    /// The next dose's dates.
    NextDose {
        /// Dose number.
        dose_number: Option<u32>,
        /// Earliest date.
        earliest: Option<Date>,
        /// Recommended date.
        recommended: Option<Date>,
        /// Past-due date.
        past_due: Option<Date>,
        /// Latest allowed date.
        latest_allowed: Option<Date>,
    },
    /// The series starts at an age the client has not reached.
    StartsAtAge {
        /// The date the client reaches it.
        from: Date,
    },
    /// No further dose, for this reason.
    NoDose(ForecastReason),
    /// The season was assumed from the supporting data's previous season.
    SeasonAssumed(AssumedSeason),
    /// A shared clinical decision-making recommendation.
    SharedDecision(SharedDecision),
    /// The row is made from the series the client can start now, because the client is past
    /// the maximum age to start of the series group's default series (CDSi's best series with
    /// no valid dose, kept as [`Why::OtherSeries`]).
    StartableNow {
        /// The default series (one per antigen) it stands in for.
        instead_of: Vec<String>,
    },
}

/// Why a forecast of the group is not the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum NotChosen {
    /// The client has not reached the age this series starts at.
    StartsLater,
    /// The chosen forecast ranks first (status, then risk before standard, then date).
    LowerRank,
    /// CDSi's default series, prioritized with no valid dose although the client is past its
    /// maximum age to start: the row shows the series the client can start now instead.
    PastMaximumAgeToStart,
}

fn status_rank(s: SeriesStatus) -> u8 {
    match s {
        SeriesStatus::Contraindicated => 0,
        SeriesStatus::NotComplete => 1,
        SeriesStatus::Complete => 2,
        SeriesStatus::Immune => 3,
        SeriesStatus::NotRecommended => 4,
        SeriesStatus::AgedOut => 5,
    }
}

/// Whether a forecast applies to the client on `at` (see the module documentation).
fn applies_now(g: &GroupForecast, at: Date) -> bool {
    g.status != SeriesStatus::NotComplete
        || g.series_type == SeriesType::Risk
        || g.antigens.iter().any(|a| a.valid_doses > 0)
        || g.earliest.is_some_and(|e| e <= at)
}

/// The date an open forecast that does not apply now starts: its earliest date when the
/// minimum age decides it.
fn starts_at_age(g: &GroupForecast, at: Date) -> Option<Date> {
    if g.status != SeriesStatus::NotComplete || applies_now(g, at) {
        return None;
    }
    let earliest = g.earliest?;
    g.antigens
        .iter()
        .any(|a| a.minimum_age_date == Some(earliest))
        .then_some(earliest)
}

impl Assessment {
    /// One row per vaccine group, in supporting-data order (see the `summary` module).
    pub fn rows(&self) -> Vec<GroupRow> {
        let at = self.assessment_date;
        let mut names: Vec<&str> = Vec::new();
        for g in &self.groups {
            if !names.contains(&g.vaccine_group.as_str()) {
                names.push(&g.vaccine_group);
            }
        }
        names.into_iter().map(|n| self.row(n, at)).collect()
    }

    /// Every vaccine group of the supporting data, in its order: the group's row (as
    /// [`Assessment::rows`]) or, when no series of the group applies to the client, why not.
    pub fn every_group(&self) -> Vec<GroupEntry> {
        let mut rows = self.rows().into_iter().peekable();
        let mut out = Vec::new();
        for name in &self.vaccine_groups {
            if let Some(n) = self
                .not_applicable
                .iter()
                .find(|n| n.vaccine_group == *name)
            {
                out.push(GroupEntry::NotApplicable(n.clone()));
            } else if let Some(r) = rows.next_if(|r| r.vaccine_group == *name) {
                out.push(GroupEntry::Row(Box::new(r)));
            }
        }
        out.extend(rows.map(|r| GroupEntry::Row(Box::new(r))));
        out
    }

    /// The row of one vaccine group, `None` when the group has no forecast.
    pub fn row_for(&self, vaccine_group: &str) -> Option<GroupRow> {
        self.groups
            .iter()
            .any(|g| g.vaccine_group == vaccine_group)
            .then(|| self.row(vaccine_group, self.assessment_date))
    }

    fn row(&self, name: &str, at: Date) -> GroupRow {
        let members: Vec<usize> = (0..self.groups.len())
            .filter(|&i| self.groups[i].vaccine_group == name)
            .collect();
        // A default series past its maximum age to start gives way to the forecast made from
        // the series the client can start now (ForecastBasis::StartableNow).
        let replaced = |i: usize| {
            let g = &self.groups[i];
            g.basis == ForecastBasis::BestSeries
                && members.iter().any(|&j| match &self.groups[j].basis {
                    ForecastBasis::StartableNow { instead_of } => {
                        self.groups[j].series_type == g.series_type
                            && instead_of
                                .iter()
                                .all(|s| g.antigens.iter().any(|a| a.series == *s))
                    }
                    ForecastBasis::BestSeries => false,
                })
        };
        let key = |i: usize| {
            let g = &self.groups[i];
            (
                status_rank(g.status),
                g.series_type != SeriesType::Risk,
                g.earliest.unwrap_or(Date::MAX),
                i,
            )
        };
        let now = members
            .iter()
            .copied()
            .filter(|&i| !replaced(i) && applies_now(&self.groups[i], at))
            .min_by_key(|&i| key(i));
        let later = members
            .iter()
            .copied()
            .filter(|&i| !replaced(i) && !applies_now(&self.groups[i], at))
            .min_by_key(|&i| key(i));
        let settled_for_now = |i: usize| {
            matches!(
                self.groups[i].status,
                SeriesStatus::AgedOut | SeriesStatus::NotRecommended
            )
        };
        let chosen = match (now, later) {
            (Some(n), Some(l)) if settled_for_now(n) => l,
            (Some(n), _) => n,
            (None, Some(l)) => l,
            (None, None) => unreachable!("a row is only built for a group with forecasts"),
        };
        let g = &self.groups[chosen];
        let eligible_from = starts_at_age(g, at);
        let status = match g.status {
            SeriesStatus::NotComplete => {
                if eligible_from.is_some() {
                    RowStatus::NotYetEligible
                } else if g.past_due.is_some_and(|p| p <= at) {
                    RowStatus::Overdue
                } else if g.recommended.is_some_and(|r| r <= at) {
                    RowStatus::Due
                } else if g.earliest.is_some_and(|e| e <= at) {
                    RowStatus::Allowed
                } else {
                    RowStatus::Upcoming
                }
            }
            SeriesStatus::Complete => RowStatus::Complete,
            SeriesStatus::Immune => RowStatus::Immune,
            SeriesStatus::Contraindicated => RowStatus::Contraindicated,
            SeriesStatus::AgedOut => RowStatus::AgedOut,
            SeriesStatus::NotRecommended => RowStatus::NotRecommended,
        };
        let series: Vec<String> = g.antigens.iter().map(|a| a.series.clone()).collect();
        let shared_decision = g
            .antigens
            .iter()
            .map(|a| a.shared_decision)
            .max_by_key(|s| match s {
                SharedDecision::Series => 2,
                SharedDecision::Guidance => 1,
                SharedDecision::No => 0,
            })
            .unwrap_or(SharedDecision::No);
        let mut admin_guidance: Vec<String> = Vec::new();
        for a in &g.antigens {
            if let Some(t) = &a.admin_guidance {
                if !admin_guidance.contains(t) {
                    admin_guidance.push(t.clone());
                }
            }
        }
        let mut why = vec![Why::Chosen {
            series: series.clone(),
            series_type: g.series_type,
            status: g.status,
        }];
        if let Some(from) = eligible_from {
            why.push(Why::StartsAtAge { from });
        }
        if g.status == SeriesStatus::NotComplete {
            why.push(Why::NextDose {
                dose_number: g.forecast_dose_number,
                earliest: g.earliest,
                recommended: g.recommended,
                past_due: g.past_due,
                latest_allowed: g.latest,
            });
        }
        why.extend(g.reason_codes.iter().map(|&r| Why::NoDose(r)));
        if let Some(s) = g.season_assumed {
            why.push(Why::SeasonAssumed(s));
        }
        if shared_decision != SharedDecision::No {
            why.push(Why::SharedDecision(shared_decision));
        }
        if let ForecastBasis::StartableNow { instead_of } = &g.basis {
            why.push(Why::StartableNow {
                instead_of: instead_of.clone(),
            });
        }
        for &i in members.iter().filter(|&&i| i != chosen) {
            let o = &self.groups[i];
            why.push(Why::OtherSeries {
                forecast: i,
                series: o.antigens.iter().map(|a| a.series.clone()).collect(),
                series_type: o.series_type,
                status: o.status,
                earliest: o.earliest,
                because: if replaced(i) {
                    NotChosen::PastMaximumAgeToStart
                } else if starts_at_age(o, at).is_some() {
                    NotChosen::StartsLater
                } else {
                    NotChosen::LowerRank
                },
            });
        }
        GroupRow {
            vaccine_group: name.to_string(),
            status,
            series_status: g.status,
            series_type: g.series_type,
            series,
            forecast: chosen,
            dose_number: g.forecast_dose_number,
            earliest: g.earliest,
            recommended: g.recommended,
            past_due: g.past_due,
            latest_allowed: g.latest,
            eligible_from,
            shared_decision,
            admin_guidance,
            season_assumed: g.season_assumed,
            recommended_vaccines: g.recommended_vaccines.clone(),
            vaccines: g.vaccines.clone(),
            reasons: g.reason_codes.clone(),
            why,
            basis: g.basis.clone(),
        }
    }
}

/// What a nurse reads first: the vaccine groups to give today and when to come back, e.g.
/// "Due today: DTaP, IPV, MMR, VAR · Next visit on or after 03/01/2027". Plain data: the host
/// renders it in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitSummary {
    /// The date the assessment was made for ("today").
    pub assessment_date: Date,
    /// Groups with a dose due or overdue today: overdue first, then in supporting-data order.
    pub due_today: Vec<DueGroup>,
    /// Groups whose next dose may be given today but is recommended later.
    pub allowed_today: Vec<DueGroup>,
    /// The first date after today on which a dose becomes due, assuming today's due doses are
    /// given today: the next dose of a group that is not due today, or the dose after today's
    /// one (see [`crate::FollowingDose`]). `None` when no further dose is forecast.
    pub next_visit_on_or_after: Option<Date>,
    /// The groups that may be given on that date, with their status on it.
    pub next_visit_groups: Vec<DueGroup>,
}

/// One vaccine group in a [`VisitSummary`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueGroup {
    /// Vaccine group (supporting-data name).
    pub vaccine_group: String,
    /// Its status on the date the entry is for (today, or the next visit date): overdue, due
    /// or allowed.
    pub status: RowStatus,
    /// Dose number.
    pub dose_number: Option<u32>,
    /// Earliest date.
    pub earliest: Option<Date>,
    /// Recommended date.
    pub recommended: Option<Date>,
    /// Past-due date.
    pub past_due: Option<Date>,
    /// Shared clinical decision-making.
    pub shared_decision: SharedDecision,
    /// The vaccines that may be given (for a following dose estimated for the next visit:
    /// empty, the assessment made then lists them).
    pub vaccines: Vec<ForecastVaccine>,
    /// Index of the group's forecast in [`Assessment::groups`].
    pub forecast: usize,
}

/// Status of a dose on `on` from its dates.
fn status_on(
    on: Date,
    earliest: Option<Date>,
    recommended: Option<Date>,
    past_due: Option<Date>,
) -> RowStatus {
    if past_due.is_some_and(|p| p <= on) {
        RowStatus::Overdue
    } else if recommended.is_some_and(|r| r <= on) {
        RowStatus::Due
    } else if earliest.is_some_and(|e| e <= on) {
        RowStatus::Allowed
    } else {
        RowStatus::Upcoming
    }
}

impl Assessment {
    /// The visit summary: groups due and allowed today, and the next visit (see
    /// [`VisitSummary`]). Built from [`Assessment::rows`].
    pub fn summary(&self) -> VisitSummary {
        let at = self.assessment_date;
        let rows = self.rows();
        let entry = |r: &GroupRow| DueGroup {
            vaccine_group: r.vaccine_group.clone(),
            status: r.status,
            dose_number: r.dose_number,
            earliest: r.earliest,
            recommended: r.recommended,
            past_due: r.past_due,
            shared_decision: r.shared_decision,
            vaccines: r.vaccines.clone(),
            forecast: r.forecast,
        };
        let mut due_today: Vec<DueGroup> = rows
            .iter()
            .filter(|r| matches!(r.status, RowStatus::Overdue | RowStatus::Due))
            .map(entry)
            .collect();
        due_today.sort_by_key(|g| g.status != RowStatus::Overdue);
        let allowed_today: Vec<DueGroup> = rows
            .iter()
            .filter(|r| r.status == RowStatus::Allowed)
            .map(entry)
            .collect();
        // Candidates for the next visit: the dose after today's one for groups due today, the
        // next dose of every other open group.
        let mut candidates: Vec<DueGroup> = Vec::new();
        for r in &rows {
            match r.status {
                RowStatus::Overdue | RowStatus::Due => {
                    if let Some(f) = self.groups[r.forecast].following_dose {
                        candidates.push(DueGroup {
                            dose_number: f.dose_number,
                            earliest: Some(f.earliest),
                            recommended: Some(f.recommended),
                            past_due: None,
                            vaccines: Vec::new(),
                            ..entry(r)
                        });
                    }
                }
                RowStatus::Allowed | RowStatus::Upcoming | RowStatus::NotYetEligible => {
                    candidates.push(entry(r));
                }
                _ => {}
            }
        }
        let due_on = |g: &DueGroup| match (g.recommended, g.earliest) {
            (Some(r), Some(e)) => Some(r.max(e)),
            (r, e) => r.or(e),
        };
        let next = candidates
            .iter()
            .filter_map(due_on)
            .filter(|&d| d > at)
            .min();
        let next_visit_groups = match next {
            None => Vec::new(),
            Some(on) => candidates
                .into_iter()
                .filter(|g| g.earliest.is_some_and(|e| e <= on))
                .map(|g| DueGroup {
                    status: status_on(on, g.earliest, g.recommended, g.past_due),
                    ..g
                })
                .collect(),
        };
        VisitSummary {
            assessment_date: at,
            due_today,
            allowed_today,
            next_visit_on_or_after: next,
            next_visit_groups,
        }
    }
}
