//! The care history rebuilt from a child's episodes (merged across years,
//! in DECOM order), the rules it must pass, and the facts hung on it: home
//! postcodes from HOME_POST and previous permanence by period.

use std::collections::BTreeMap;

use children::care_history::{validate, CareHistory, HistoryProblem, LegalStatus, Period, Placement};
use children::codes::CodeSets;
use time::Date;

use super::{Ep, Loc, Problems};
use crate::ssda903::facts::{Dated, PreviousPermanence};
use crate::ssda903::year::CollectionYear;

const REASONS: [&str; 6] = ["S", "L", "P", "T", "B", "U"];

/// Periods, legal statuses and placements from the episodes.
pub(super) fn rebuild(episodes: &[Ep], problems: &mut Problems) -> CareHistory {
    let mut h = CareHistory::default();
    let mut in_care = false;
    for ep in episodes {
        let (e, at) = (&ep.row, ep.loc);
        let rne = problems.text(at, "RNE", &e.rne);
        if let Some(r) = rne.as_deref().filter(|r| !REASONS.contains(r)) {
            problems.at(
                at,
                Some("RNE"),
                format!("\"{r}\" is not a reason for a new episode (S, L, P, T, B or U)"),
            );
        }
        let ls = problems.text(at, "LS", &e.ls);
        let place = problems.text(at, "PLACE", &e.place);
        match (ep.dec, e.rec.as_deref()) {
            (Some(_), None) => problems.at(at, Some("REC"), "is blank but DEC is given; say why the episode ended"),
            (None, Some(rec)) if e.dec.is_blank() => {
                problems.at(
                    at,
                    Some("DEC"),
                    format!("is blank but REC is {rec}; give the day the episode ended"),
                );
            }
            _ => {}
        }
        let (Some(rne), Some(ls), Some(place)) = (rne, ls, place) else {
            continue;
        };
        let starts = rne == "S" || !in_care;
        if starts {
            let category_of_need = problems.text(at, "CIN", &e.cin).unwrap_or_default();
            h.periods.push(Period {
                start: ep.decom,
                end: None,
                reason_ceased: None,
                category_of_need,
            });
            in_care = true;
        }
        match h.legal_statuses.last_mut() {
            Some(last) if !starts && !matches!(rne.as_str(), "L" | "B" | "U") && last.code == ls => last.end = ep.dec,
            _ => h.legal_statuses.push(LegalStatus {
                code: ls,
                start: ep.decom,
                end: ep.dec,
            }),
        }
        let provider_type = e.place_provider.clone().unwrap_or_default();
        let same = |p: &Placement| p.place == place && p.provider_type == provider_type && p.urn == e.urn && p.postcode == e.pl_post;
        match h.placements.last_mut() {
            Some(last) if !starts && !matches!(rne.as_str(), "P" | "B" | "T" | "U") && same(last) => {
                last.end = ep.dec;
                last.reason_for_change = e.reason_place_change.clone();
            }
            _ => h.placements.push(Placement {
                place,
                provider_type,
                urn: e.urn.clone(),
                postcode: e.pl_post.clone(),
                start: ep.decom,
                end: ep.dec,
                reason_for_change: e.reason_place_change.clone(),
            }),
        }
        if let (Some(rec), Some(dec)) = (e.rec.as_deref().filter(|r| *r != "X1"), ep.dec) {
            if let Some(period) = h.periods.last_mut() {
                period.end = Some(dec);
                period.reason_ceased = Some(rec.to_owned());
            }
            in_care = false;
        }
    }
    h
}

/// The history's problems, each against the episode it starts at.
pub(super) fn check(child: &str, history: &CareHistory, episodes: &[Ep], header: Loc, codes: &CodeSets, problems: &mut Problems) {
    // A blank PLACE_PROVIDER is right for temporary and "other" placements;
    // the return's own rules judge it, not the history's.
    let mut judged = history.clone();
    for p in judged.placements.iter_mut().filter(|p| p.provider_type.is_empty()) {
        p.provider_type = "PR0".to_owned();
    }
    for problem in validate(&judged, codes) {
        let day = match &problem {
            HistoryProblem::EndsBeforeItStarts { start, .. }
            | HistoryProblem::OpenNotLatest { start, .. }
            | HistoryProblem::OutsideCare { start, .. } => Some(*start),
            HistoryProblem::Overlap { second, .. } => Some(*second),
            HistoryProblem::Gap { from, .. } => Some(*from),
            HistoryProblem::NotCoveredToTheEnd { period_start, .. } => Some(*period_start),
            HistoryProblem::NoReasonCeased { end } => Some(*end),
            HistoryProblem::BadCode { .. } => None,
        };
        let (episode, column) = match &problem {
            HistoryProblem::BadCode { message } => bad_code(message, episodes),
            _ => (day.and_then(|d| at_or_ending(episodes, d)), None),
        };
        let loc = episode.or(episodes.first()).map_or(header, |e| e.loc);
        problems.at(loc, column, format!("child {child}: {problem}"));
    }
}

fn at_or_ending(episodes: &[Ep], day: Date) -> Option<&Ep> {
    episodes
        .iter()
        .find(|e| e.decom == day)
        .or_else(|| episodes.iter().find(|e| e.dec == Some(day)))
}

/// The episode and column holding a code `validate` refused ("'Q1' is not
/// a legal status code in 2025-26").
fn bad_code<'a>(message: &str, episodes: &'a [Ep]) -> (Option<&'a Ep>, Option<&'static str>) {
    let code = message.split('\'').nth(1).unwrap_or("");
    let column = [
        ("reason ceased", "REC"),
        ("category of need", "CIN"),
        ("legal status", "LS"),
        ("place provider", "PLACE_PROVIDER"),
        ("reason place change", "REASON_PLACE_CHANGE"),
        ("place code", "PLACE"),
    ]
    .into_iter()
    .find(|(set, _)| message.contains(&format!(" {set} code")))
    .map(|(_, column)| column);
    let cell = |e: &Ep| -> Option<String> {
        let r = &e.row;
        match column? {
            "REC" => r.rec.clone(),
            "CIN" => r.cin.clone(),
            "LS" => r.ls.clone(),
            "PLACE_PROVIDER" => r.place_provider.clone(),
            "REASON_PLACE_CHANGE" => r.reason_place_change.clone(),
            _ => r.place.clone(),
        }
    };
    (episodes.iter().find(|e| cell(e).as_deref() == Some(code)), column)
}

/// HOME_POST as dated postcodes: a run of touching episodes with the same
/// postcode is one address.
pub(super) fn home_postcodes(episodes: &[Ep]) -> Vec<Dated<String>> {
    let mut out: Vec<Dated<String>> = Vec::new();
    for ep in episodes {
        let Some(postcode) = &ep.row.home_post else { continue };
        match out.last_mut() {
            Some(last) if last.value == *postcode && last.end == Some(ep.decom) => last.end = ep.dec,
            _ => out.push(Dated {
                value: postcode.clone(),
                start: ep.decom,
                end: ep.dec,
            }),
        }
    }
    out
}

/// Each PrevPerm row on the period that started with the child's S episode
/// in its year (the first row on the first such period, and so on), or, if
/// there is none, on the latest period started by the end of its year. A
/// row on its own year's period wins over one kept with a later year.
pub(super) fn attach_permanence(
    child: &str,
    history: &CareHistory,
    rows: Vec<(Loc, PreviousPermanence)>,
    problems: &mut Problems,
) -> Vec<PreviousPermanence> {
    let mut starts: Vec<Date> = history.periods.iter().map(|p| p.start).collect();
    starts.sort();
    let mut chosen: BTreeMap<Date, ((bool, CollectionYear), PreviousPermanence)> = BTreeMap::new();
    let mut used: BTreeMap<CollectionYear, usize> = BTreeMap::new();
    for (loc, mut permanence) in rows {
        let year = loc.year;
        let index = used.entry(year).or_default();
        let in_year: Vec<Date> = starts.iter().copied().filter(|d| *d >= year.start() && *d <= year.end()).collect();
        let (start, own) = match in_year.get(*index) {
            Some(start) => (*start, true),
            None => match starts.iter().rev().find(|d| **d <= year.end()) {
                Some(start) => (*start, false),
                None => {
                    let message = format!("child {child} has no period of care by the end of {year} to hold this row");
                    problems.at(loc, Some("CHILD"), message);
                    continue;
                }
            },
        };
        *index += 1;
        permanence.period_start = start;
        let priority = (own, year);
        if chosen.get(&start).is_none_or(|(p, _)| *p <= priority) {
            chosen.insert(start, (priority, permanence));
        }
    }
    chosen.into_values().map(|(_, p)| p).collect()
}
