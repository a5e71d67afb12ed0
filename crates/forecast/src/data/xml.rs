//! The CDSi XML read into a minimal element tree with `quick-xml`, then mapped field by field
//! into the model of [`super`].

use super::*;
use quick_xml::events::Event;

// ---------------------------------------------------------------------------------------------
// Minimal element tree

#[derive(Debug, Default)]
pub(super) struct El {
    pub(super) name: String,
    pub(super) text: String,
    pub(super) children: Vec<El>,
}

impl El {
    pub(super) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a El> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }
    pub(super) fn child(&self, name: &str) -> Option<&El> {
        self.children.iter().find(|c| c.name == name)
    }
    /// Trimmed text of a child, `None` when absent, empty or "n/a".
    pub(super) fn text(&self, name: &str) -> Option<&str> {
        let t = self.child(name)?.text.trim();
        (!t.is_empty() && !t.eq_ignore_ascii_case("n/a")).then_some(t)
    }
    pub(super) fn string(&self, name: &str) -> String {
        self.text(name).unwrap_or("").to_string()
    }
    pub(super) fn offset(&self, name: &str) -> Result<Option<Offset>> {
        self.text(name)
            .map(|t| Offset::parse(t).ok_or_else(|| anyhow!("bad offset <{name}>{t}")))
            .transpose()
    }
    pub(super) fn date(&self, name: &str) -> Result<Option<Date>> {
        self.text(name)
            .map(|t| Date::parse(t).ok_or_else(|| anyhow!("bad date <{name}>{t}")))
            .transpose()
    }
    pub(super) fn flag(&self, name: &str) -> bool {
        matches!(
            self.text(name).map(|t| t.to_ascii_lowercase()).as_deref(),
            Some("y" | "yes")
        )
    }
    /// Has at least one child element (an empty `<interval/>` has none).
    pub(super) fn has_content(&self) -> bool {
        !self.children.is_empty()
    }
}

pub(super) fn parse_tree(xml: &str) -> Result<El> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut stack = vec![El::default()];
    loop {
        match reader.read_event()? {
            Event::Start(e) => stack.push(El {
                name: e.name().as_ref().to_string(),
                ..El::default()
            }),
            Event::Empty(e) => {
                let el = El {
                    name: e.name().as_ref().to_string(),
                    ..El::default()
                };
                stack.last_mut().expect("root").children.push(el);
            }
            Event::End(_) => {
                let el = stack.pop().expect("balanced");
                stack
                    .last_mut()
                    .ok_or_else(|| anyhow!("unbalanced"))?
                    .children
                    .push(el);
            }
            Event::Text(t) => {
                let s = quick_xml::escape::unescape(&t)?;
                stack.last_mut().expect("root").text.push_str(&s);
            }
            Event::GeneralRef(r) => {
                let s = match &*r {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                };
                stack.last_mut().expect("root").text.push_str(s);
            }
            Event::CData(t) => {
                stack.last_mut().expect("root").text.push_str(&t);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut root = stack.pop().ok_or_else(|| anyhow!("empty document"))?;
    root.children
        .pop()
        .ok_or_else(|| anyhow!("no root element"))
}

pub(super) fn cvx_list(s: Option<&str>) -> Vec<Cvx> {
    s.map(|s| s.split([';', ',']).filter_map(parse_cvx).collect())
        .unwrap_or_default()
}

pub(super) fn aged_vaccine(e: &El) -> Result<AgedVaccine> {
    Ok(AgedVaccine {
        vaccine_type: e.string("vaccineType"),
        cvx: e
            .text("cvx")
            .and_then(parse_cvx)
            .ok_or_else(|| anyhow!("vaccine without cvx"))?,
        begin_age: e.offset("beginAge")?,
        end_age: e.offset("endAge")?,
    })
}

/// Parses one `AntigenSupportingData` document.
pub fn parse_antigen(xml: &str) -> Result<AntigenData> {
    let root = parse_tree(xml)?;
    if root.name != "antigenSupportingData" {
        bail!("expected <antigenSupportingData>, found <{}>", root.name);
    }
    let mut immunity = Immunity::default();
    if let Some(im) = root.child("immunity") {
        for ch in im.all("clinicalHistory") {
            if let Some(code) = ch.text("guidelineCode") {
                immunity
                    .clinical_history
                    .push((code.to_string(), ch.string("guidelineTitle")));
            }
        }
        if let Some(dob) = im.child("dateOfBirth") {
            immunity.birth_date = dob.date("immunityBirthDate")?;
            immunity.birth_country = dob.text("birthCountry").map(str::to_string);
            for ex in dob.all("exclusion") {
                if let Some(c) = ex.text("exclusionCode") {
                    immunity.exclusions.push(c.to_string());
                }
            }
        }
    }
    let mut antigen_contraindications = Vec::new();
    let mut vaccine_contraindications = Vec::new();
    if let Some(ci) = root.child("contraindications") {
        if let Some(vg) = ci.child("vaccineGroup") {
            for c in vg.all("contraindication") {
                antigen_contraindications.push(AntigenContraindication {
                    code: c.string("observationCode"),
                    title: c.string("observationTitle"),
                    text: c.string("contraindicationText"),
                    begin_age: c.offset("beginAge")?,
                    end_age: c.offset("endAge")?,
                });
            }
        }
        if let Some(v) = ci.child("vaccine") {
            for c in v.all("contraindication") {
                vaccine_contraindications.push(VaccineContraindication {
                    code: c.string("observationCode"),
                    title: c.string("observationTitle"),
                    text: c.string("contraindicationText"),
                    vaccines: c
                        .all("contraindicatedVaccine")
                        .map(aged_vaccine)
                        .collect::<Result<_>>()?,
                });
            }
        }
    }
    let series = root
        .all("series")
        .map(parse_series)
        .collect::<Result<Vec<_>>>()?;
    let name = series
        .first()
        .map(|s| s.target_disease.clone())
        .ok_or_else(|| anyhow!("antigen without series"))?;
    Ok(AntigenData {
        name,
        immunity,
        antigen_contraindications,
        vaccine_contraindications,
        series,
    })
}

pub(super) fn parse_series(s: &El) -> Result<AntigenSeries> {
    let name = s.string("seriesName");
    let ctx = || format!("series {name:?}");
    let sel = s
        .child("selectSeries")
        .ok_or_else(|| anyhow!("no selectSeries"))?;
    let series_type = match s.text("seriesType").unwrap_or("") {
        "Standard" => SeriesType::Standard,
        "Risk" => SeriesType::Risk,
        "Evaluation Only" => SeriesType::EvaluationOnly,
        other => bail!("{}: unknown series type {other:?}", ctx()),
    };
    let required_gender = s
        .all("requiredGender")
        .filter_map(|g| match g.text.trim() {
            "Female" => Some(Gender::Female),
            "Male" => Some(Gender::Male),
            "Unknown" => Some(Gender::Unknown),
            _ => None,
        })
        .collect();
    let equivalent_series_groups = s
        .all("equivalentSeriesGroups")
        .flat_map(|e| e.text.split([';', ',']))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("n/a"))
        .collect();
    let mut indications = Vec::new();
    for ind in s.all("indication").filter(|e| e.has_content()) {
        let oc = ind.child("observationCode");
        indications.push(Indication {
            code: oc.map(|o| o.string("code")).unwrap_or_default(),
            text: oc.map(|o| o.string("text")).unwrap_or_default(),
            description: ind.string("description"),
            begin_age: ind.offset("beginAge")?,
            end_age: ind.offset("endAge")?,
        });
    }
    let doses = s
        .all("seriesDose")
        .map(parse_dose)
        .collect::<Result<Vec<_>>>()
        .with_context(ctx)?;
    Ok(AntigenSeries {
        target_disease: s.string("targetDisease"),
        vaccine_group: s.string("vaccineGroup"),
        admin_guidance: s.text("seriesAdminGuidance").map(str::to_string),
        series_type,
        equivalent_series_groups,
        required_gender,
        default_series: sel.flag("defaultSeries"),
        product_path: sel.flag("productPath"),
        series_group_name: sel.string("seriesGroupName"),
        series_group: sel.string("seriesGroup"),
        priority: sel.string("seriesPriority"),
        preference: sel
            .text("seriesPreference")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1),
        min_age_to_start: sel.offset("minAgeToStart")?,
        max_age_to_start: sel.offset("maxAgeToStart")?,
        indications,
        doses,
        name,
    })
}

pub(super) fn parse_dose(d: &El) -> Result<SeriesDose> {
    let number = d
        .text("doseNumber")
        .and_then(|t| t.trim_start_matches("Dose").trim().parse().ok())
        .ok_or_else(|| anyhow!("bad doseNumber"))?;
    let mut ages = Vec::new();
    for a in d.all("age").filter(|e| e.has_content()) {
        ages.push(AgeReq {
            abs_min: a.offset("absMinAge")?,
            min: a.offset("minAge")?,
            earliest_rec: a.offset("earliestRecAge")?,
            latest_rec: a.offset("latestRecAge")?,
            max: a.offset("maxAge")?,
            effective: a.date("effectiveDate")?,
            cessation: a.date("cessationDate")?,
        });
    }
    let mut intervals = Vec::new();
    for i in d.all("interval").filter(|e| e.has_content()) {
        intervals.push(Interval {
            from_previous: i.flag("fromPrevious"),
            from_target_dose: i.text("fromTargetDose").and_then(|t| t.parse().ok()),
            from_most_recent: cvx_list(i.text("fromMostRecent")),
            from_relevant_obs: i
                .child("fromRelevantObs")
                .and_then(|o| o.text("code"))
                .map(str::to_string),
            abs_min: i.offset("absMinInt")?,
            min: i.offset("minInt")?,
            earliest_rec: i.offset("earliestRecInt")?,
            latest_rec: i.offset("latestRecInt")?,
            priority: i.text("intervalPriority").is_some(),
            effective: i.date("effectiveDate")?,
            cessation: i.date("cessationDate")?,
        });
    }
    let mut allowable_intervals = Vec::new();
    for i in d.all("allowableInterval").filter(|e| e.has_content()) {
        allowable_intervals.push(AllowableInterval {
            from_previous: i.flag("fromPrevious"),
            from_target_dose: i.text("fromTargetDose").and_then(|t| t.parse().ok()),
            abs_min: i.offset("absMinInt")?,
            effective: i.date("effectiveDate")?,
            cessation: i.date("cessationDate")?,
        });
    }
    let mut preferable_vaccines = Vec::new();
    for p in d.all("preferableVaccine").filter(|e| e.has_content()) {
        preferable_vaccines.push(PreferableVaccine {
            vaccine: aged_vaccine(p)?,
            trade_name: p.text("tradeName").map(str::to_string),
            mvx: p.text("mvx").map(str::to_string),
            volume: p.text("volume").map(str::to_string),
            forecast: p.flag("forecastVaccineType"),
        });
    }
    let allowable_vaccines = d
        .all("allowableVaccine")
        .filter(|e| e.has_content())
        .map(aged_vaccine)
        .collect::<Result<_>>()?;
    let inadvertent_vaccines = d
        .all("inadvertentVaccine")
        .filter_map(|e| e.text("cvx").and_then(parse_cvx))
        .collect();
    let mut conditional_skips = Vec::new();
    for cs in d.all("conditionalSkip").filter(|e| e.has_content()) {
        let context = match cs.text("context").unwrap_or("") {
            "Evaluation" => SkipContext::Evaluation,
            "Forecast" => SkipContext::Forecast,
            "Both" => SkipContext::Both,
            other => bail!("unknown skip context {other:?}"),
        };
        let mut sets = Vec::new();
        for set in cs.all("set") {
            let mut conditions = Vec::new();
            for c in set.all("condition") {
                let kind = match c
                    .text("conditionType")
                    .unwrap_or("")
                    .to_ascii_lowercase()
                    .as_str()
                {
                    "age" => ConditionKind::Age,
                    "completed series" => ConditionKind::CompletedSeries,
                    "interval" => ConditionKind::Interval,
                    "vaccine count by age" => ConditionKind::VaccineCountByAge,
                    "vaccine count by date" => ConditionKind::VaccineCountByDate,
                    "vaccine count by date and age" => ConditionKind::VaccineCountByDateAndAge,
                    other => bail!("unknown condition type {other:?}"),
                };
                let count_logic = match c
                    .text("doseCountLogic")
                    .unwrap_or("")
                    .to_ascii_lowercase()
                    .as_str()
                {
                    "greater than" => CountLogic::GreaterThan,
                    "equal to" | "equal" => CountLogic::Equal,
                    "less than" => CountLogic::LessThan,
                    _ => CountLogic::GreaterThan,
                };
                conditions.push(SkipCondition {
                    kind,
                    start_date: c.date("startDate")?,
                    end_date: c.date("endDate")?,
                    begin_age: c.offset("beginAge")?,
                    end_age: c.offset("endAge")?,
                    interval: c.offset("interval")?,
                    dose_count: c
                        .text("doseCount")
                        .and_then(|t| t.parse().ok())
                        .unwrap_or(0),
                    valid_only: c
                        .text("doseType")
                        .is_some_and(|t| t.eq_ignore_ascii_case("valid")),
                    count_logic,
                    vaccine_types: cvx_list(c.text("vaccineTypes")),
                    series_groups: c
                        .text("seriesGroups")
                        .map(|t| t.split([';', ',']).map(|g| g.trim().to_string()).collect())
                        .unwrap_or_default(),
                });
            }
            sets.push(SkipSet {
                id: set.string("setID"),
                description: set.string("setDescription"),
                effective: set.date("effectiveDate")?,
                cessation: set.date("cessationDate")?,
                condition_logic_and: set
                    .text("conditionLogic")
                    .is_some_and(|t| t.eq_ignore_ascii_case("and")),
                conditions,
            });
        }
        conditional_skips.push(ConditionalSkip {
            context,
            set_logic_and: cs
                .text("setLogic")
                .is_some_and(|t| t.eq_ignore_ascii_case("and")),
            sets,
        });
    }
    let seasonal = match d.child("seasonalRecommendation") {
        Some(s) if s.has_content() => {
            let start = s.date("startDate")?;
            let end = s.date("endDate")?;
            (start.is_some() || end.is_some()).then_some(Seasonal { start, end })
        }
        _ => None,
    };
    Ok(SeriesDose {
        number,
        ages,
        intervals,
        allowable_intervals,
        preferable_vaccines,
        allowable_vaccines,
        inadvertent_vaccines,
        conditional_skips,
        recurring: d.flag("recurringDose"),
        seasonal,
    })
}

/// Parses the `ScheduleSupportingData` document.
pub fn parse_schedule(xml: &str) -> Result<Schedule> {
    let root = parse_tree(xml)?;
    if root.name != "scheduleSupportingData" {
        bail!("expected <scheduleSupportingData>, found <{}>", root.name);
    }
    let mut conflicts = Vec::new();
    if let Some(lv) = root.child("liveVirusConflicts") {
        for c in lv.all("liveVirusConflict") {
            let cvx_of = |n: &str| {
                c.child(n)
                    .and_then(|p| p.text("cvx"))
                    .and_then(parse_cvx)
                    .ok_or_else(|| anyhow!("conflict without {n} cvx"))
            };
            conflicts.push(VaccineConflict {
                previous: cvx_of("previous")?,
                current: cvx_of("current")?,
                begin: c.offset("conflictBeginInterval")?.unwrap_or_default(),
                min_end: c.offset("minConflictEndInterval")?.unwrap_or_default(),
                end: c.offset("conflictEndInterval")?.unwrap_or_default(),
            });
        }
    }
    let mut vaccine_groups: Vec<VaccineGroup> = Vec::new();
    if let Some(vgs) = root.child("vaccineGroups") {
        for g in vgs.all("vaccineGroup") {
            vaccine_groups.push(VaccineGroup {
                name: g.string("name"),
                administer_full: g.flag("administerFullVaccineGroup"),
                antigens: Vec::new(),
            });
        }
    }
    if let Some(map) = root.child("vaccineGroupToAntigenMap") {
        for m in map.all("vaccineGroupMap") {
            let name = m.string("name");
            let group = vaccine_groups
                .iter_mut()
                .find(|g| g.name == name)
                .ok_or_else(|| anyhow!("antigen map for unknown group {name:?}"))?;
            group.antigens = m
                .all("antigen")
                .map(|a| a.text.trim().to_string())
                .collect();
        }
    }
    let mut cvx_map = HashMap::new();
    if let Some(map) = root.child("cvxToAntigenMap") {
        for m in map.all("cvxMap") {
            let Some(cvx) = m.text("cvx").and_then(parse_cvx) else {
                continue;
            };
            let mut associations = Vec::new();
            for a in m.all("association") {
                associations.push(CvxAssociation {
                    antigen: a.string("antigen"),
                    begin_age: a.offset("associationBeginAge")?,
                    end_age: a.offset("associationEndAge")?,
                });
            }
            cvx_map.insert(
                cvx,
                CvxEntry {
                    description: m.string("shortDescription"),
                    associations,
                },
            );
        }
    }
    let mut observations = Vec::new();
    if let Some(obs) = root.child("observations") {
        for o in obs.all("observation") {
            observations.push(Observation {
                code: o.string("observationCode"),
                title: o.string("observationTitle"),
            });
        }
    }
    Ok(Schedule {
        conflicts,
        vaccine_groups,
        cvx_map,
        observations,
    })
}
