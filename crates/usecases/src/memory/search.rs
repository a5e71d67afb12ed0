//! The search ports in memory: a scan of every client with the SQL stores' semantics — Basic
//! search's prefixes on folded names and ASCII-case-insensitive prefixes elsewhere, Smart
//! search's blocking keys, block sizes and shared-key preselection — and core's ranking, so
//! the in-memory registry lists the same clients in the same order as SQLite and PostgreSQL.

use std::collections::{HashMap, HashSet};

use shotbook_core::ids::ClientId;
use shotbook_core::matching::smart::{self, Bar, CandidateFields, NameKind};
use shotbook_core::matching::{Frequencies, PersonRecord, Prepared};
use shotbook_core::normalize::fold_name;
use shotbook_core::search::BasicSearch;

use super::{MemoryRegistry, MemoryState};
use crate::ports::{ClientLine, ScoredLine, SearchReads};
use crate::PortResult;

/// A client as search sees it.
pub(super) struct Row {
    id: ClientId,
    merged: bool,
    pub(super) line: ClientLine,
    fields: CandidateFields,
    first_folded: String,
    last_folded: String,
    middle_name: Option<String>,
    mother_maiden_name: Option<String>,
    phone: Option<String>,
    street: Option<String>,
    guardian: Option<(String, String)>,
}

pub(super) fn rows(s: &MemoryState) -> Vec<Row> {
    s.clients
        .iter()
        .filter_map(|(id, facts)| {
            let d = s.demographics.get(id)?;
            let p = d.personal.as_ref()?;
            // The primary guardian, as the SQL stores mirror it into the client's row.
            let guardian = d
                .responsible_persons
                .iter()
                .find(|e| e.void_reason.is_none() && e.value.1)
                .map(|e| {
                    (
                        e.value.0.first_name.as_str().to_owned(),
                        e.value.0.last_name.as_str().to_owned(),
                    )
                });
            let dob = p.date_of_birth.date().iso();
            let middle_name = p.middle_name.as_ref().map(|n| n.as_str().to_owned());
            let mother_maiden_name = p.mother_maiden_name.as_ref().map(|n| n.as_str().to_owned());
            let zip = d.address.zip.as_ref().map(|z| z.as_str().to_owned());
            Some(Row {
                id: *id,
                merged: facts.merged_into.is_some(),
                line: ClientLine {
                    id: *id,
                    registry_id: d.registry_id.clone(),
                    first_name: p.first_name.as_str().to_owned(),
                    middle_name: middle_name.clone(),
                    last_name: p.last_name.as_str().to_owned(),
                    date_of_birth: dob.clone(),
                    gender: p.gender.code().to_owned(),
                    guardian_name: guardian.as_ref().map(|(f, l)| format!("{f} {l}")),
                    city: d.address.city.clone(),
                    state: d.address.state.map(str::to_owned),
                    zip: zip.clone(),
                    organization_name: facts
                        .organizations
                        .first()
                        .and_then(|o| s.organizations.get(o))
                        .map(|o| o.name.clone()),
                },
                fields: CandidateFields {
                    client_id: id.to_string(),
                    first_name: p.first_name.as_str().to_owned(),
                    middle_name: middle_name.clone(),
                    last_name: p.last_name.as_str().to_owned(),
                    date_of_birth: dob,
                    gender: p.gender.code().to_owned(),
                    mother_maiden_name: mother_maiden_name.clone(),
                    address_line1: d.address.line1.clone(),
                    zip,
                    guardian_first_name: guardian.as_ref().map(|g| g.0.clone()),
                    guardian_last_name: guardian.as_ref().map(|g| g.1.clone()),
                },
                first_folded: fold_name(p.first_name.as_str()),
                last_folded: fold_name(p.last_name.as_str()),
                middle_name,
                mother_maiden_name,
                phone: p.phone.as_ref().map(|ph| ph.as_str().to_owned()),
                street: d.address.line1.clone(),
                guardian,
            })
        })
        .collect()
}

/// SQLite's `LIKE 'pattern%'`: ASCII letters in either case, everything else as typed.
fn starts_ascii_ci(text: &str, prefix: &str) -> bool {
    text.to_ascii_uppercase()
        .starts_with(&prefix.to_ascii_uppercase())
}

fn matches(r: &Row, c: &BasicSearch) -> bool {
    let opt_prefix = |value: &Option<String>, prefix: &Option<String>| match prefix {
        None => true,
        Some(p) => value.as_deref().is_some_and(|v| starts_ascii_ci(v, p)),
    };
    !r.merged
        && c.last_name
            .as_ref()
            .is_none_or(|l| r.last_folded.starts_with(l))
        && c.first_name
            .as_ref()
            .is_none_or(|f| r.first_folded.starts_with(f))
        && c.date_of_birth
            .is_none_or(|d| d.iso() == r.line.date_of_birth)
        && c.phone
            .as_ref()
            .is_none_or(|p| r.phone.as_deref() == Some(p.as_str()))
        && c.zip.as_ref().is_none_or(|z| {
            r.line
                .zip
                .as_deref()
                .is_some_and(|v| v.starts_with(z.as_str()))
        })
        && c.client_id
            .as_ref()
            .is_none_or(|id| r.line.registry_id.as_ref() == Some(id))
        && c.gender.as_ref().is_none_or(|g| &r.line.gender == g)
        && opt_prefix(&r.middle_name, &c.middle_name)
        && opt_prefix(&r.mother_maiden_name, &c.mother_maiden_name)
        && c.guardian_name.as_ref().is_none_or(|g| {
            r.guardian.as_ref().is_some_and(|(first, last)| {
                starts_ascii_ci(last, g)
                    || starts_ascii_ci(first, g)
                    || starts_ascii_ci(&format!("{first} {last}"), g)
            })
        })
        && c.address.as_ref().is_none_or(|a| {
            r.street
                .as_ref()
                .is_some_and(|s| s.to_ascii_uppercase().contains(&a.to_ascii_uppercase()))
        })
}

impl SearchReads for MemoryRegistry {
    async fn basic_search(
        &self,
        criteria: &BasicSearch,
        limit: usize,
    ) -> PortResult<Vec<ClientLine>> {
        let mut found: Vec<Row> = self
            .read(rows)?
            .into_iter()
            .filter(|r| matches(r, criteria))
            .collect();
        found.sort_by(|a, b| {
            (
                &a.last_folded,
                &a.first_folded,
                &a.line.date_of_birth,
                a.id.to_string(),
            )
                .cmp(&(
                    &b.last_folded,
                    &b.first_folded,
                    &b.line.date_of_birth,
                    b.id.to_string(),
                ))
        });
        found.truncate(limit);
        Ok(found.into_iter().map(|r| r.line).collect())
    }

    async fn smart_search(
        &self,
        person: &PersonRecord,
        bar: Bar,
        limit: usize,
    ) -> PortResult<Vec<ScoredLine>> {
        let (rows, total) = self.read(|s| (rows(s), s.clients.len()))?;
        let query = Prepared::new(person);
        let keys = query.query_keys();
        // Every client is indexed (merged ones too, as in the SQL stores: they are dropped
        // after ranking).
        let filed: Vec<HashSet<String>> = rows
            .iter()
            .map(|r| r.fields.index_keys().into_iter().collect())
            .collect();
        let sizes: Vec<usize> = keys
            .iter()
            .map(|k| filed.iter().filter(|f| f.contains(k)).count())
            .collect();
        let (usable, _capped) = smart::usable_blocks(&sizes);
        let shared: Vec<(usize, String, usize)> = (0..rows.len())
            .filter_map(|i| {
                let n = usable
                    .iter()
                    .filter(|&&k| filed[i].contains(&keys[k]))
                    .count();
                (n > 0).then(|| (n, rows[i].fields.client_id.clone(), i))
            })
            .collect();
        let candidates = smart::most_shared(shared);
        let mut given = HashMap::new();
        let mut family = HashMap::new();
        for r in &rows {
            for (kind, name) in r.fields.name_keys() {
                let wanted = match kind {
                    NameKind::Given => query.given_key(),
                    NameKind::Family => query.family_key(),
                };
                if !name.is_empty() && name == wanted {
                    let counts = match kind {
                        NameKind::Given => &mut given,
                        NameKind::Family => &mut family,
                    };
                    *counts.entry(name).or_insert(0u32) += 1;
                }
            }
        }
        let freq = Frequencies::from_counts(
            // Every client counts, as every client is indexed in the SQL stores.
            u32::try_from(total).unwrap_or(u32::MAX),
            given,
            family,
        );
        let ranked = smart::rank(
            person,
            candidates.iter().map(|&i| rows[i].fields.clone()),
            None,
            &freq,
            bar,
            limit,
        );
        let by_id: HashMap<String, &Row> = rows
            .iter()
            .map(|r| (r.fields.client_id.clone(), r))
            .collect();
        Ok(ranked
            .into_iter()
            .filter_map(|m| {
                let row = by_id.get(&m.client_id).filter(|r| !r.merged)?;
                Some(ScoredLine {
                    client: row.line.clone(),
                    score: m.score,
                    likely: m.likely,
                    via_guardian: m.via_guardian,
                })
            })
            .collect())
    }
}
