//! A year's return from Hearth's records: which children, episodes and
//! events each table holds, as the DfE defines them.
//!
//! * Header: every child with an episode open at any time in the year, and
//!   care leavers with OC3 data for the year;
//! * Episodes: the episodes derived from the care history
//!   ([`children::episodes::episodes`]) that were open at any time in the
//!   year; one still open on 31 March has no end, whatever happened after;
//! * the other tables: the events of the year, for those children (social
//!   workers from 1 April of the year before, as the DfE asks).
//!
//! Anything not recorded is written blank, so the validation says what is
//! missing rather than the export inventing it.

use time::Date;

use super::facts::{ChildFacts, Dated};
use super::model::{self, Day, Return};
use super::year::CollectionYear;

/// The year's return for these children.
pub fn build(year: CollectionYear, children: &[ChildFacts]) -> Return {
    if children.len() < PARALLEL_FROM {
        return build_part(year, children);
    }
    // Children are independent, so parts are built on their own threads
    // and joined in order: the same rows as building them one by one.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let chunk = children.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = children
            .chunks(chunk)
            .skip(1)
            .map(|part| scope.spawn(move || build_part(year, part)))
            .collect();
        let mut ret = build_part(year, &children[..chunk.min(children.len())]);
        for handle in handles {
            ret.append(handle.join().expect("building rows does not panic"));
        }
        ret
    })
}

/// Below this many children one thread is quicker than several.
const PARALLEL_FROM: usize = 5_000;

fn build_part(year: CollectionYear, children: &[ChildFacts]) -> Return {
    let mut ret = Return::complete(year);
    // Rows are large; growing the two big tables by doubling would copy
    // them several times over.
    ret.header.reserve(children.len());
    ret.episodes.reserve(children.len() * 2);
    for facts in children {
        add_child(&mut ret, year, facts);
    }
    ret
}

fn text(value: impl Into<String>) -> Option<String> {
    Some(value.into())
}

fn flag(value: Option<bool>) -> Option<String> {
    value.map(|v| if v { "1" } else { "0" }.to_owned())
}

fn overlaps(start: Date, end: Option<Date>, from: Date, to: Date) -> bool {
    start <= to && end.is_none_or(|e| e >= from)
}

/// An end after the year is not known to the year's return.
fn clip(end: Option<Date>, year: CollectionYear) -> Option<Date> {
    end.filter(|e| *e <= year.end())
}

fn at<T: Clone>(dated: &[Dated<T>], day: Date) -> Option<T> {
    dated
        .iter()
        .find(|d| d.start <= day && d.end.is_none_or(|e| day < e))
        .map(|d| d.value.clone())
}

/// Temporary (T0-T4) and "other" (Z1, Z11-Z14) placements carry no
/// provider in the return, whatever the placement's provider record says.
fn no_provider(place: &str) -> bool {
    place.starts_with('T') || place.starts_with('Z')
}

/// Settings Ofsted does not register (with parents, residential employment,
/// residential care homes, health settings, custody, temporary and other
/// placements) carry no URN, even when the provider has one for another
/// of its services.
fn no_urn(place: &str) -> bool {
    matches!(place, "P1" | "P3" | "R1" | "R2" | "R5") || no_provider(place)
}

/// SEX was 1 (male) and 2 (female) until 2023-24.
fn sex_code(sex: &str, year: CollectionYear) -> String {
    match (sex, year.ending() <= 2024) {
        ("M", true) => "1".to_owned(),
        ("F", true) => "2".to_owned(),
        (other, _) => other.to_owned(),
    }
}

fn add_child(ret: &mut Return, year: CollectionYear, facts: &ChildFacts) {
    let (start, end) = (year.start(), year.end());
    let episodes: Vec<_> = children::episodes::episodes(&facts.history)
        .into_iter()
        .filter(|e| overlaps(e.decom, e.dec, start, end))
        .collect();
    let care_leaver = facts.care_leaver.iter().find(|(y, _)| *y == year.ending()).map(|(_, c)| c);
    if episodes.is_empty() && care_leaver.is_none() {
        return;
    }
    let child = text(facts.child.as_str());
    let dob = Day::of(facts.dob);
    let girl = facts.sex == "F";
    let born_by_year_end = facts.first_child_born_on.is_none_or(|d| d <= end);
    ret.header.push(model::Header {
        line: 0,
        child: child.clone(),
        sex: text(sex_code(&facts.sex, year)),
        dob: dob.clone(),
        ethnic: text(facts.ethnicity.as_str()),
        upn: facts.upn.clone(),
        // Motherhood as it stood at 31 March: a first child born since then
        // belongs to a later year's return.
        mother: if girl && !episodes.is_empty() {
            flag(facts.mother.map(|m| m && born_by_year_end))
        } else {
            None
        },
        mc_dob: Day::from_option(facts.first_child_born_on.filter(|d| girl && *d <= end)),
    });
    if let Some(contact) = care_leaver {
        ret.oc3.push(model::Oc3 {
            line: 0,
            child: child.clone(),
            dob: dob.clone(),
            in_touch: text(contact.in_touch.as_str()),
            activ: text(contact.activity.as_str()),
            accom: text(contact.accommodation.as_str()),
        });
    }
    if episodes.is_empty() {
        return;
    }
    let mut adopted = false;
    let mut continuous = true;
    for e in &episodes {
        let dec = clip(e.dec, year);
        let rec = dec.and(e.rec.clone());
        adopted |= matches!(rec.as_deref(), Some("E11" | "E12"));
        let started = e.rne == "S" && e.decom >= start;
        let left = rec.as_deref().is_some_and(|r| r != "X1") && dec.is_some_and(|d| d < end);
        continuous &= !started && !left && !matches!(e.ls.as_str(), "V3" | "V4");
        ret.episodes.push(model::Episode {
            line: 0,
            child: child.clone(),
            decom: Day::of(e.decom),
            rne: text(e.rne),
            ls: text(e.ls.as_str()),
            cin: text(e.cin.as_str()),
            place: text(e.place.as_str()),
            place_provider: Some(e.place_provider.clone()).filter(|p| !p.is_empty() && !no_provider(&e.place)),
            dec: Day::from_option(dec),
            rec,
            reason_place_change: dec.and(e.reason_place_change.clone()),
            home_post: at(&facts.home_postcodes, e.decom),
            pl_post: e.pl_post.clone(),
            urn: e.urn.clone().filter(|_| !no_urn(&e.place)),
        });
    }
    add_events(ret, year, facts, &child, &dob);
    if facts.uasc && facts.uasc_ceased.is_none_or(|c| c >= start) {
        ret.uasc.push(model::Uasc {
            line: 0,
            child: child.clone(),
            sex: text(sex_code(&facts.sex, year)),
            dob: dob.clone(),
            duc: Day::from_option(facts.uasc_ceased),
        });
    }
    if continuous {
        let health = facts
            .health
            .iter()
            .find(|(y, _)| *y == year.ending())
            .map(|(_, h)| h.clone())
            .unwrap_or_default();
        ret.oc2.push(model::Oc2 {
            line: 0,
            child: child.clone(),
            dob: dob.clone(),
            sdq_score: health.sdq_score.map(|s| s.to_string()),
            sdq_reason: health.sdq_reason,
            convicted: flag(health.convicted),
            health_check: flag(health.health_check),
            immunisations: flag(health.immunisations),
            teeth_check: flag(health.teeth_check),
            health_assessment: flag(health.health_assessment),
            substance_misuse: flag(health.substance_misuse),
            intervention_received: flag(health.intervention_received),
            intervention_offered: flag(health.intervention_offered),
        });
    }
    if adopted {
        let a = facts.adoption.clone().unwrap_or_default();
        ret.ad1.push(model::Ad1 {
            line: 0,
            child: child.clone(),
            dob: dob.clone(),
            date_int: Day::from_option(a.should_be_placed_on),
            date_match: Day::from_option(a.matched_on),
            foster_care: flag(a.by_foster_carer),
            nb_adoptr: a.number_of_adopters.map(|n| n.to_string()),
            sex_adoptr: a.adopter_sexes,
            ls_adoptr: a.adopter_status,
        });
    }
}

/// Reviews, decisions, permanence, missing spells, social workers, DoLOs.
fn add_events(ret: &mut Return, year: CollectionYear, facts: &ChildFacts, child: &Option<String>, dob: &Day) {
    let (start, end) = (year.start(), year.end());
    let row = || (0, child.clone(), dob.clone());
    for (on, participation) in facts.reviews.iter().filter(|(on, _)| *on >= start && *on <= end) {
        let (line, child, dob) = row();
        ret.reviews.push(model::Review {
            line,
            child,
            dob,
            review: Day::of(*on),
            review_code: participation.clone(),
        });
    }
    for d in facts
        .adoption_decisions
        .iter()
        .filter(|d| overlaps(d.decided_on, d.ceased_on, start, end))
    {
        let (line, child, dob) = row();
        let ceased = clip(d.ceased_on, year);
        ret.placed_adoption.push(model::PlacedAdoption {
            line,
            child,
            dob,
            date_placed: Day::of(d.decided_on),
            date_placed_ceased: Day::from_option(ceased),
            reason_placed_ceased: ceased.and(d.reason_ceased.clone()),
        });
    }
    for p in facts
        .previous_permanence
        .iter()
        .filter(|p| p.period_start >= start && p.period_start <= end)
    {
        let (line, child, dob) = row();
        ret.prev_perm.push(model::PrevPerm {
            line,
            child,
            dob,
            prev_perm: text(p.arrangement.as_str()),
            la_perm: p.la_code.clone(),
            date_perm: p.date_text.clone(),
        });
    }
    for m in facts.missing.iter().filter(|m| overlaps(m.start, m.end, start, end)) {
        let (line, child, dob) = row();
        ret.missing.push(model::Missing {
            line,
            child,
            dob,
            missing: text(m.kind.as_str()),
            mis_start: Day::of(m.start),
            mis_end: Day::from_option(clip(m.end, year)),
        });
    }
    if ret.has(super::TableKind::SwEpisodes) {
        let from = year.previous().start();
        for w in facts.social_workers.iter().filter(|w| overlaps(w.start, w.end, from, end)) {
            let (line, child, dob) = row();
            ret.sw_episodes.push(model::SwEpisode {
                line,
                child,
                dob,
                sw_id: text(w.swe_number.as_ref().map_or_else(|| "XX".to_owned(), |n| format!("SW{n}"))),
                sw_decom: Day::of(w.start),
                sw_dec: Day::from_option(clip(w.end, year)),
                sw_reason: w.reason.clone(),
            });
        }
    }
    if ret.has(super::TableKind::Dolo) {
        for d in facts.dolos.iter().filter(|d| overlaps(d.start, d.end, start, end)) {
            let (line, child, dob) = row();
            ret.dolo.push(model::Dolo {
                line,
                child,
                dob,
                dolo_start: Day::of(d.start),
                dolo_end: Day::from_option(clip(d.end, year)),
            });
        }
    }
}
