//! A person's SSD episodes, legal statuses and placements as Hearth's care
//! history intervals, each with its `source_ref`.
//!
//! Periods of care come from episodes: a period runs from an episode's
//! start through every following episode that began the day the previous
//! one ceased with REC `X1` (episode ended, care went on), and ends when an
//! episode ceases for any other reason. Its category of need is the first
//! episode's, its reason ceased the last one's, and it is stored under the
//! id of its first episode (`ssd:cla_episodes:<id>`), which later extracts
//! keep. Legal statuses and placements map one to one. Whether the result
//! is sound is `children::care_history::validate`'s business, not this
//! module's.

use std::collections::BTreeMap;

use children::care_history::{CareHistory, LegalStatus, Period, Placement};

use super::{source_ref, Extract};

/// Care history intervals with the reference each is stored under.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourcedHistory {
    pub periods: Vec<(String, Period)>,
    pub legal_statuses: Vec<(String, LegalStatus)>,
    pub placements: Vec<(String, Placement)>,
}

impl SourcedHistory {
    /// The domain view, for validation.
    pub fn history(&self) -> CareHistory {
        CareHistory {
            periods: self.periods.iter().map(|(_, p)| p.clone()).collect(),
            legal_statuses: self.legal_statuses.iter().map(|(_, s)| s.clone()).collect(),
            placements: self.placements.iter().map(|(_, p)| p.clone()).collect(),
        }
    }
}

/// Each person's care history, by person id; every person in the extract
/// has an entry (empty when never looked after).
pub fn histories(extract: &Extract) -> BTreeMap<String, SourcedHistory> {
    let mut out: BTreeMap<String, SourcedHistory> = extract.persons.iter().map(|p| (p.id.clone(), SourcedHistory::default())).collect();
    let mut episodes: BTreeMap<&str, Vec<&super::Episode>> = BTreeMap::new();
    for episode in &extract.episodes {
        episodes.entry(episode.person_id.as_str()).or_default().push(episode);
    }
    for (person, mut list) in episodes {
        list.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.id.cmp(&b.id)));
        let history = out.entry(person.to_owned()).or_default();
        let mut previous: Option<&super::Episode> = None;
        for episode in list {
            let continues = previous.is_some_and(|p| p.reason_ceased.as_deref() == Some("X1") && p.end == Some(episode.start));
            if continues {
                if let Some((_, period)) = history.periods.last_mut() {
                    period.end = episode.end;
                    period.reason_ceased = episode.end.and(episode.reason_ceased.clone());
                }
            } else {
                history.periods.push((
                    source_ref("cla_episodes", &episode.id),
                    Period {
                        start: episode.start,
                        end: episode.end,
                        reason_ceased: episode.end.and(episode.reason_ceased.clone()),
                        category_of_need: episode.category_of_need.clone(),
                    },
                ));
            }
            previous = Some(episode);
        }
    }
    for status in &extract.legal_statuses {
        out.entry(status.person_id.clone()).or_default().legal_statuses.push((
            source_ref("legal_status", &status.id),
            LegalStatus {
                code: status.code.clone(),
                start: status.start,
                end: status.end,
            },
        ));
    }
    for placement in &extract.placements {
        out.entry(placement.person_id.clone()).or_default().placements.push((
            source_ref("cla_placement", &placement.id),
            Placement {
                place: placement.place.clone(),
                provider_type: placement.provider_type.clone(),
                urn: placement.urn.clone(),
                postcode: placement.postcode.clone(),
                start: placement.start,
                end: placement.end,
                reason_for_change: placement.change_reason.clone(),
            },
        ));
    }
    for history in out.values_mut() {
        history.legal_statuses.sort_by_key(|(_, s)| s.start);
        history.placements.sort_by_key(|(_, p)| p.start);
    }
    out
}
