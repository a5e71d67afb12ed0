//! Seasonal recommendations when the supporting data was written for another season.
//!
//! CDC writes each season into the supporting data as dates: a seasonal recommendation window
//! on the seasonal series doses (influenza 07/01/2025–06/30/2026, RSV 10/01/2025–03/31/2026,
//! COVID-19 from 08/27/2025) and the same season boundaries in the conditional skips that count
//! "doses this season" or "doses before July 1, 2025". Read literally, an assessment after the
//! data's last season ends gives "Not Recommended – past seasonal recommendation end date" for
//! every patient until a new release is installed, which a clinic reads as "no flu vaccine".
//!
//! The rule applied here (see `docs/decisions/forecast-season-roll.md`): the data's season of
//! an antigen is the span from its earliest seasonal start date to its latest seasonal end date
//! (a season with a start and no end is taken to last one year). When the assessment date is
//! after that season, every season-anchored date of the antigen — seasonal start and end dates,
//! and conditional-skip start and end dates that fall within a year either side of the season —
//! is moved forward by the whole number of years that brings the assessment date into (or
//! before) the moved season. Nothing else changes: ages, intervals, vaccines, and effective and
//! cessation dates stay as CDC wrote them. The forecast then carries an [`AssumedSeason`] so the
//! output says plainly that the season was assumed from the previous season's data. Assessment
//! dates within or before the data's season are evaluated exactly as the data says.

use std::sync::OnceLock;

use serde::Serialize;

use crate::data::AntigenData;
use crate::date::{Date, Offset};

/// How many seasons forward a season can be assumed (a century of stale data is enough).
const MAX_YEARS: usize = 100;

/// A season assumed from an earlier season's supporting data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AssumedSeason {
    /// Start of the last season the supporting data defines.
    pub data_start: Date,
    /// End of that season (inclusive).
    pub data_end: Date,
    /// `true` when the data gives a start and no end, so the season was taken to last a year.
    pub data_end_open: bool,
    /// Start of the season assumed for the assessment date.
    pub start: Date,
    /// End of that season (inclusive).
    pub end: Date,
    /// Whole years the data's season was moved forward.
    pub years_moved: i32,
}

/// The season of one seasonal antigen and its moved copies, built on first use.
pub(crate) struct SeasonalAntigen {
    start: Date,
    end: Date,
    end_open: bool,
    moved: Vec<OnceLock<AntigenData>>,
}

impl SeasonalAntigen {
    /// The data's season of an antigen, `None` when no series dose is seasonal.
    pub fn of(antigen: &AntigenData) -> Option<SeasonalAntigen> {
        let mut start: Option<Date> = None;
        let mut end: Option<Date> = None;
        let mut end_open = false;
        for s in antigen
            .series
            .iter()
            .flat_map(|s| &s.doses)
            .filter_map(|d| d.seasonal.as_ref())
        {
            let Some(st) = s.start else { continue };
            let en = match s.end {
                Some(e) => e,
                None => {
                    end_open = true;
                    st.plus(Offset {
                        years: 1,
                        months: 0,
                        days: -1,
                    })
                }
            };
            start = Some(start.map_or(st, |x| x.min(st)));
            end = Some(end.map_or(en, |x| x.max(en)));
        }
        Some(SeasonalAntigen {
            start: start?,
            end: end?,
            end_open,
            moved: (0..MAX_YEARS).map(|_| OnceLock::new()).collect(),
        })
    }

    /// The antigen data to use on `at`: the data itself while its season has not ended, else
    /// a copy with the season moved forward by whole years, with a description of the move.
    pub fn for_date<'e>(
        &'e self,
        original: &'e AntigenData,
        at: Date,
    ) -> (&'e AntigenData, Option<AssumedSeason>) {
        if at <= self.end {
            return (original, None);
        }
        let mut years = 1;
        while years < MAX_YEARS as i32 && at > self.end.plus(years_offset(years)) {
            years += 1;
        }
        let slot = &self.moved[years as usize - 1];
        let data = slot.get_or_init(|| self.move_by(original, years));
        let info = AssumedSeason {
            data_start: self.start,
            data_end: self.end,
            data_end_open: self.end_open,
            start: self.start.plus(years_offset(years)),
            end: self.end.plus(years_offset(years)),
            years_moved: years,
        };
        (data, Some(info))
    }

    fn move_by(&self, original: &AntigenData, years: i32) -> AntigenData {
        let by = years_offset(years);
        // Season-anchored skip dates ("doses this season", "doses before July 1, 2025"): those
        // within a year either side of the data's season.
        let (from, to) = (
            self.start.plus(years_offset(-1)),
            self.end.plus(years_offset(1)),
        );
        let anchored = |d: Date| d >= from && d <= to;
        let mut a = original.clone();
        for dose in a.series.iter_mut().flat_map(|s| s.doses.iter_mut()) {
            if let Some(season) = dose.seasonal.as_mut() {
                season.start = season.start.map(|d| d.plus(by));
                season.end = season.end.map(|d| d.plus(by));
            }
            for c in dose
                .conditional_skips
                .iter_mut()
                .flat_map(|s| s.sets.iter_mut())
                .flat_map(|s| s.conditions.iter_mut())
            {
                for d in [&mut c.start_date, &mut c.end_date].into_iter().flatten() {
                    if anchored(*d) {
                        *d = d.plus(by);
                    }
                }
            }
        }
        a
    }
}

fn years_offset(years: i32) -> Offset {
    Offset {
        years,
        months: 0,
        days: 0,
    }
}
