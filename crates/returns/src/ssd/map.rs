//! Rows of each SSD table mapped to plain values, with the links between
//! tables (person ids, period-of-care ids, professional ids) checked.

use std::collections::{BTreeMap, HashMap, HashSet};

use children::identifiers::{parse_nhs_number, parse_upn};
use children::identity::LaChildId;

use super::table::{Row, SsdError, Table};
use super::{Episode, Extract, Involvement, LegalStatusRow, Person, PlacementRow, Professional, Review, Uasc, Visit};

/// The columns each table must have (values may still be blank where the
/// SSD allows).
pub fn required_columns(table: &str) -> &'static [&'static str] {
    match table {
        "ssd_person" => &["pers_person_id", "pers_forename", "pers_surname", "pers_sex", "pers_dob"],
        "ssd_legal_status" => &[
            "lega_legal_status_id",
            "lega_person_id",
            "lega_legal_status",
            "lega_legal_status_start_date",
            "lega_legal_status_end_date",
        ],
        "ssd_cla_episodes" => &[
            "clae_cla_episode_id",
            "clae_person_id",
            "clae_cla_id",
            "clae_cla_episode_start_date",
            "clae_cla_primary_need_code",
            "clae_cla_episode_ceased_date",
            "clae_cla_episode_ceased_reason",
        ],
        "ssd_cla_placement" => &[
            "clap_cla_placement_id",
            "clap_cla_placement_start_date",
            "clap_cla_placement_type",
            "clap_cla_placement_provider",
            "clap_cla_placement_end_date",
        ],
        "ssd_cla_reviews" => &["clar_cla_review_id", "clar_cla_id", "clar_cla_review_date"],
        "ssd_cla_visits" => &["clav_cla_visit_id", "clav_person_id", "clav_cla_visit_date"],
        "ssd_professionals" => &["prof_professional_id", "prof_professional_name"],
        "ssd_involvements" => &[
            "invo_involvements_id",
            "invo_professional_id",
            "invo_person_id",
            "invo_involvement_start_date",
        ],
        "ssd_immigration_status" => &[
            "immi_person_id",
            "immi_immigration_status",
            "immi_immigration_status_start_date",
            "immi_immigration_status_end_date",
        ],
        _ => &[],
    }
}

/// Runs `map` over every row, keeping the values and collecting the problems.
fn each<T>(table: &Table, errors: &mut Vec<SsdError>, mut map: impl FnMut(&Row<'_>) -> Result<Option<T>, SsdError>) -> Vec<T> {
    let mut out = Vec::new();
    for row in table.rows() {
        match map(&row) {
            Ok(Some(value)) => out.push(value),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    out
}

/// Codes are compared upper-case.
fn code(row: &Row<'_>, column: &str) -> Option<String> {
    row.text(column).map(|t| t.to_ascii_uppercase())
}

/// The SSDA903 legal statuses: the ones that make a child looked after.
const LOOKED_AFTER_STATUSES: [&str; 13] = ["C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3"];

pub fn map_tables(tables: &BTreeMap<&str, Table>, immigration: Option<&Table>, errors: &mut Vec<SsdError>) -> Extract {
    let mut extract = Extract::default();
    let uasc = immigration.map(|t| uasc_by_person(t, errors));
    if let Some(t) = tables.get("ssd_person") {
        extract.persons = each(t, errors, |row| person(row, uasc.as_ref()).map(Some));
    }
    let persons: HashSet<String> = extract.persons.iter().map(|p| p.id.clone()).collect();
    let known = |row: &Row<'_>, column: &str| -> Result<String, SsdError> {
        let id = row.required(column)?;
        if persons.contains(&id) {
            Ok(id)
        } else {
            Err(row.error(column, format!("no person with id '{id}' is in ssd_person.csv")))
        }
    };
    if let Some(t) = tables.get("ssd_cla_episodes") {
        extract.episodes = each(t, errors, |row| {
            Ok(Some(Episode {
                id: row.required("clae_cla_episode_id")?,
                person_id: known(row, "clae_person_id")?,
                cla_id: row.text("clae_cla_id"),
                start: row.required_date("clae_cla_episode_start_date")?,
                reason_new: code(row, "clae_cla_episode_start_reason"),
                category_of_need: code(row, "clae_cla_primary_need_code")
                    .ok_or_else(|| row.error("clae_cla_primary_need_code", "a category of need (N1-N8) is required"))?,
                end: row.date("clae_cla_episode_ceased_date")?,
                reason_ceased: code(row, "clae_cla_episode_ceased_reason"),
            }))
        });
    }
    // Period-of-care ids lead to their person.
    let mut periods: HashMap<String, String> = HashMap::new();
    for episode in &extract.episodes {
        if let Some(cla) = &episode.cla_id {
            periods.entry(cla.clone()).or_insert_with(|| episode.person_id.clone());
        }
    }
    let via_period = |row: &Row<'_>, person_column: &str, period_column: &str| -> Result<String, SsdError> {
        if row.text(person_column).is_some() {
            return known(row, person_column);
        }
        let cla = row.text(period_column).ok_or_else(|| {
            row.error(
                person_column,
                format!("the row needs {person_column} or a {period_column} that ssd_cla_episodes.csv has"),
            )
        })?;
        periods
            .get(&cla)
            .cloned()
            .ok_or_else(|| row.error(period_column, format!("no episode in ssd_cla_episodes.csv has clae_cla_id '{cla}'")))
    };
    if let Some(t) = tables.get("ssd_legal_status") {
        extract.legal_statuses = each(t, errors, |row| {
            let code = row.required("lega_legal_status")?.to_ascii_uppercase();
            let status = LegalStatusRow {
                id: row.required("lega_legal_status_id")?,
                person_id: known(row, "lega_person_id")?,
                start: row.required_date("lega_legal_status_start_date")?,
                end: row.date("lega_legal_status_end_date")?,
                code,
            };
            Ok(Some(status))
        });
        let before = extract.legal_statuses.len();
        extract.legal_statuses.retain(|s| LOOKED_AFTER_STATUSES.contains(&s.code.as_str()));
        extract.skipped_legal_statuses = before - extract.legal_statuses.len();
    }
    if let Some(t) = tables.get("ssd_cla_placement") {
        extract.placements = each(t, errors, |row| {
            Ok(Some(PlacementRow {
                id: row.required("clap_cla_placement_id")?,
                person_id: via_period(row, "clap_person_id", "clap_cla_id")?,
                place: row.required("clap_cla_placement_type")?.to_ascii_uppercase(),
                provider_type: row.required("clap_cla_placement_provider")?.to_ascii_uppercase(),
                urn: code(row, "clap_cla_placement_urn"),
                postcode: code(row, "clap_cla_placement_postcode"),
                start: row.required_date("clap_cla_placement_start_date")?,
                end: row.date("clap_cla_placement_end_date")?,
                change_reason: code(row, "clap_cla_placement_change_reason"),
            }))
        });
    }
    if let Some(t) = tables.get("ssd_cla_reviews") {
        extract.reviews = each(t, errors, |row| {
            Ok(Some(Review {
                id: row.required("clar_cla_review_id")?,
                person_id: via_period(row, "clar_person_id", "clar_cla_id")?,
                date: row.date("clar_cla_review_date")?,
                participation: code(row, "clar_cla_review_participation"),
                cancelled: row.flag("clar_cla_review_cancelled")?.unwrap_or(false),
            }))
        });
    }
    if let Some(t) = tables.get("ssd_cla_visits") {
        extract.visits = each(t, errors, |row| {
            Ok(Some(Visit {
                id: row.required("clav_cla_visit_id")?,
                person_id: via_period(row, "clav_person_id", "clav_cla_id")?,
                date: row.required_date("clav_cla_visit_date")?,
                seen: row.flag("clav_cla_visit_seen")?,
                seen_alone: row.flag("clav_cla_visit_seen_alone")?,
            }))
        });
    }
    if let Some(t) = tables.get("ssd_professionals") {
        extract.professionals = each(t, errors, |row| {
            let swe = row.text("prof_social_worker_registration_no").map(|n| {
                let n = n.to_ascii_uppercase();
                n.strip_prefix("SW").map(str::to_owned).unwrap_or(n)
            });
            Ok(Some(Professional {
                id: row.required("prof_professional_id")?,
                name: row.required("prof_professional_name")?,
                swe_number: swe,
                job_title: row.text("prof_professional_job_title"),
            }))
        });
    }
    let professionals: HashSet<String> = extract.professionals.iter().map(|p| p.id.clone()).collect();
    if let Some(t) = tables.get("ssd_involvements") {
        extract.involvements = each(t, errors, |row| {
            let professional_id = row.required("invo_professional_id")?;
            if !professionals.contains(&professional_id) {
                return Err(row.error(
                    "invo_professional_id",
                    format!("no professional with id '{professional_id}' is in ssd_professionals.csv"),
                ));
            }
            Ok(Some(Involvement {
                id: row.required("invo_involvements_id")?,
                professional_id,
                person_id: known(row, "invo_person_id")?,
                role: row.text("invo_professional_role_id"),
                team: row.text("invo_professional_team"),
                start: row.required_date("invo_involvement_start_date")?,
                end: row.date("invo_involvement_end_date")?,
                change_reason: code(row, "invo_worker_change_reason"),
            }))
        });
    }
    extract
}

fn person(row: &Row<'_>, uasc: Option<&HashMap<String, Uasc>>) -> Result<Person, SsdError> {
    let id = row.required("pers_person_id")?;
    let la_child_id =
        LaChildId::parse(&id).map_err(|e| row.error("pers_person_id", format!("'{id}' cannot be a council child id: {e}")))?;
    let sex = match code(row, "pers_sex").as_deref() {
        None | Some("U" | "0" | "9") => "U",
        Some("M" | "1" | "MALE") => "M",
        Some("F" | "2" | "FEMALE") => "F",
        Some(other) => return Err(row.error("pers_sex", format!("'{other}' is not a sex code: use M, F or U"))),
    };
    let gender = match row.text("pers_gender").as_deref() {
        None | Some("0" | "00") => "not-recorded",
        Some("1" | "01") => "male",
        Some("2" | "02") => "female",
        Some(g) if g.len() == 2 && g.chars().all(|c| c.is_ascii_digit()) => "other",
        Some("9") => "other",
        Some(other) => return Err(row.error("pers_gender", format!("'{other}' is not a gender code: use 00, 01, 02 or 09"))),
    };
    let ethnicity = match code(row, "pers_ethnicity").as_deref() {
        None => "NOBT".to_owned(),
        // The SSD guidance spells Chinese CNHE; the DfE code is CHNE.
        Some("CNHE") => "CHNE".to_owned(),
        Some(other) => other.to_owned(),
    };
    let date_of_birth = match row.date("pers_dob")? {
        Some(date) => date,
        None => row
            .date("pers_expected_dob")?
            .ok_or_else(|| row.error("pers_dob", "a date of birth (or pers_expected_dob) is required"))?,
    };
    let upn = match row.text("pers_upn").or_else(|| row.text("pers_upn_unknown")) {
        None => None,
        Some(text) => Some(parse_upn(&text).map_err(|e| {
            let column = if row.text("pers_upn").is_some() {
                "pers_upn"
            } else {
                "pers_upn_unknown"
            };
            row.error(column, e.to_string())
        })?),
    };
    let nhs_number = row
        .text("pers_common_child_id")
        .map(|n| parse_nhs_number(&n).map_err(|e| row.error("pers_common_child_id", e.to_string())))
        .transpose()?;
    Ok(Person {
        uasc: uasc.map(|by_person| {
            by_person.get(&id).copied().unwrap_or(Uasc {
                is_uasc: false,
                ceased: None,
            })
        }),
        la_child_id: la_child_id.as_str().to_owned(),
        legacy_id: row.text("pers_legacy_id"),
        forename: row.text("pers_forename").unwrap_or_default(),
        surname: row.text("pers_surname").unwrap_or_default(),
        sex: sex.to_owned(),
        gender_identity: gender.to_owned(),
        ethnicity,
        date_of_birth,
        upn,
        nhs_number,
        id,
    })
}

/// The latest UASC status per person: a person is UASC if any status names
/// UASC; it ceased on that status's end date.
fn uasc_by_person(table: &Table, errors: &mut Vec<SsdError>) -> HashMap<String, Uasc> {
    let rows = each(table, errors, |row| {
        let status = row.text("immi_immigration_status").unwrap_or_default();
        if !status.to_ascii_uppercase().contains("UASC") {
            return Ok(None);
        }
        Ok(Some((
            row.required("immi_person_id")?,
            row.date("immi_immigration_status_start_date")?,
            row.date("immi_immigration_status_end_date")?,
        )))
    });
    let mut out: HashMap<String, (Option<time::Date>, Uasc)> = HashMap::new();
    for (person, start, end) in rows {
        let entry = out.entry(person).or_insert((
            start,
            Uasc {
                is_uasc: true,
                ceased: end,
            },
        ));
        if start >= entry.0 {
            *entry = (
                start,
                Uasc {
                    is_uasc: true,
                    ceased: end,
                },
            );
        }
    }
    out.into_iter().map(|(person, (_, uasc))| (person, uasc)).collect()
}
