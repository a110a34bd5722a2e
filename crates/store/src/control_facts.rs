//! The facts the controls read, loaded from everything the store holds:
//! children, placements with their Gateway approval, emergency status,
//! monitoring officer and high-cost review; signed agreements; providers'
//! periods out of good standing; service agreements and the days paid;
//! every maker-checker decision; assessments; reviews and visits; invoice
//! exceptions.
//!
//! Derivations that need judgement are made here, once, and documented:
//! which approved request covers a placement, whether a setting is
//! regulated, when a provider was not accredited.

use std::collections::HashMap;

use assurance::facts::{self as f, Facts};
use assurance::{AssessmentId, InvoiceExceptionId, InvoiceId, PaymentId, RequestId, ServiceAgreementId};
use compliance::Obligation;
use kernel::{ChildId, Money, PlacementId, ProviderId, TeamId, UserId};
use sqlx::{AnyConnection, Row};
use time::{Date, Duration};

use crate::db::Store;
use crate::deadlines::Rules;
use crate::error::StoreError;
use crate::timestamp::{parse_date, parse_optional_date};

/// Settings the loader needs from the council's configuration.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub rules: &'a Rules<'a>,
    /// The council's own local authority name: a setting elsewhere is out of area.
    pub home_authority: &'a str,
}

/// Everything, for a full pass.
pub async fn load(store: &Store, context: &Context<'_>) -> Result<Facts, StoreError> {
    let mut conn = store.pool().acquire().await?;
    let children = children(&mut conn).await?;
    let mut facts = Facts {
        placements: placements(&mut conn, context.home_authority).await?,
        agreements: agreements(&mut conn).await?,
        standings: standings(&mut conn, context.rules.today).await?,
        service_agreements: service_agreements(&mut conn).await?,
        payments: payments(&mut conn).await?,
        decisions: decisions(&mut conn).await?,
        assessments: assessments(&mut conn, context.rules).await?,
        invoice_exceptions: invoice_exceptions(&mut conn).await?,
        ..Facts::default()
    };
    drop(conn);
    for child in &children {
        facts.statutory.extend(statutory(store, child.id, context.rules).await?);
    }
    facts.children = children;
    Ok(facts)
}

fn date(row: &sqlx::any::AnyRow, i: usize) -> Result<Date, StoreError> {
    parse_date(&row.try_get::<String, _>(i)?)
}

fn optional_date(row: &sqlx::any::AnyRow, i: usize) -> Result<Option<Date>, StoreError> {
    parse_optional_date(row.try_get::<Option<String>, _>(i)?.as_deref())
}

/// The date part of a stored instant.
fn day_of(instant: Option<String>) -> Result<Option<Date>, StoreError> {
    instant.map(|i| parse_date(i.get(..10).unwrap_or_default())).transpose()
}

async fn children(conn: &mut AnyConnection) -> Result<Vec<f::Child>, StoreError> {
    let rows = sqlx::query("SELECT id, la_child_id, date_of_birth, team_id FROM children ORDER BY id")
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(f::Child {
                id: ChildId::new(row.try_get(0)?),
                la_reference: row.try_get(1)?,
                date_of_birth: date(row, 2)?,
                team: row.try_get::<Option<i64>, _>(3)?.map(TeamId::new),
            })
        })
        .collect()
}

/// A request approved for a child, or an emergency placement made ahead
/// of one.
struct RequestFact {
    id: i64,
    approved_on: Option<Date>,
    emergency_placed_on: Option<Date>,
}

async fn requests_by_child(conn: &mut AnyConnection) -> Result<HashMap<i64, Vec<RequestFact>>, StoreError> {
    let rows = sqlx::query(
        "SELECT child_id, id, state, decided_on, emergency_placed_on FROM placement_requests
         WHERE state = 'approved' OR emergency_placed_on IS NOT NULL ORDER BY id",
    )
    .fetch_all(conn)
    .await?;
    let mut out: HashMap<i64, Vec<RequestFact>> = HashMap::new();
    for row in &rows {
        let approved = row.try_get::<String, _>(2)? == "approved";
        out.entry(row.try_get(0)?).or_default().push(RequestFact {
            id: row.try_get(1)?,
            approved_on: if approved { optional_date(row, 3)? } else { None },
            emergency_placed_on: optional_date(row, 4)?,
        });
    }
    Ok(out)
}

/// The approval that covers a placement starting on `start`: the latest
/// approved on or before the start, else the first approved after it (a
/// late approval, which the control reports).
fn covering(requests: &[RequestFact], start: Date) -> Option<f::GatewayApproval> {
    let approved = requests.iter().filter_map(|r| r.approved_on.map(|on| (on, r.id)));
    let before = approved.clone().filter(|(on, _)| *on <= start).max();
    let after = approved.filter(|(on, _)| *on > start).min();
    before.or(after).map(|(approved_on, id)| f::GatewayApproval {
        request_id: RequestId::new(id),
        approved_on,
    })
}

/// Whether a placement is in a regulated setting, by the Gateway's own
/// rule: bespoke and "other" arrangements are unregulated unless their
/// setting's registration permits placements.
fn regulated(category: placements::PlacementCategory, setting: Option<(String, String)>) -> bool {
    use placements::PlacementCategory::{Bespoke, Other};
    let registered =
        setting.is_some_and(
            |(status, kind)| match (status.parse::<providers::register::RegistrationStatus>(), kind.parse()) {
                (Ok(status), Ok(kind)) => status.permits_placement(kind),
                _ => false,
            },
        );
    !matches!(category, Bespoke | Other) || registered
}

async fn placements(conn: &mut AnyConnection, home_authority: &str) -> Result<Vec<f::Placement>, StoreError> {
    let requests = requests_by_child(&mut *conn).await?;
    let rows = sqlx::query(
        "SELECT p.id, p.child_id, p.start_date, p.end_date, p.category, p.provider_id, pr.provider_type, s.registration_status,
                s.local_authority, p.weekly_cost_pence, m.officer_id,
                (SELECT MAX(h.reviewed_on) FROM high_cost_reviews h WHERE h.placement_id = p.id), s.setting_type
         FROM placements p LEFT JOIN providers pr ON pr.id = p.provider_id LEFT JOIN settings s ON s.id = p.setting_id
         LEFT JOIN monitoring_assignments m ON m.placement_id = p.id ORDER BY p.id",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            let child: i64 = row.try_get(1)?;
            let start = date(row, 2)?;
            let mine = requests.get(&child).map(Vec::as_slice).unwrap_or_default();
            let emergency = mine.iter().find(|r| r.emergency_placed_on == Some(start));
            let external = row
                .try_get::<Option<String>, _>(6)?
                .is_some_and(|t| t.parse::<providers::ProviderType>().is_ok_and(|t| t.is_external()));
            let category: placements::PlacementCategory = row.try_get::<String, _>(4)?.parse().map_err(StoreError::corrupt)?;
            let setting = match (row.try_get::<Option<String>, _>(7)?, row.try_get::<Option<String>, _>(12)?) {
                (Some(status), Some(kind)) => Some((status, kind)),
                _ => None,
            };
            Ok(f::Placement {
                id: PlacementId::new(row.try_get(0)?),
                child: ChildId::new(child),
                start,
                end: optional_date(row, 3)?,
                category,
                provider: row.try_get::<Option<i64>, _>(5)?.map(ProviderId::new),
                external,
                regulated: regulated(category, setting),
                out_of_area: row
                    .try_get::<Option<String>, _>(8)?
                    .is_some_and(|la| !la.eq_ignore_ascii_case(home_authority)),
                weekly_cost: Money::from_pence(row.try_get(9)?),
                emergency: emergency.is_some(),
                ratified_on: emergency.and_then(|r| r.approved_on),
                gateway: if emergency.is_some() { None } else { covering(mine, start) },
                monitoring_officer: row.try_get::<Option<i64>, _>(10)?.map(UserId::new),
                high_cost_reviewed_on: optional_date(row, 11)?,
            })
        })
        .collect()
}

async fn agreements(conn: &mut AnyConnection) -> Result<Vec<f::PlacementAgreement>, StoreError> {
    let rows = sqlx::query("SELECT placement_id, fully_signed_on FROM placement_agreements ORDER BY placement_id")
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(f::PlacementAgreement {
                placement: PlacementId::new(row.try_get(0)?),
                fully_signed_on: optional_date(row, 1)?,
            })
        })
        .collect()
}

/// Each external provider's periods out of good standing: accreditation
/// judged on every day its status can change (a review, the day after an
/// expiry), from the first placement with it; suspension from today.
async fn standings(conn: &mut AnyConnection, today: Date) -> Result<Vec<f::ProviderStanding>, StoreError> {
    let checklist = crate::accreditation::items(&crate::accreditation::checklist(&mut *conn).await?);
    let reviews = crate::accreditation::all_reviews(&mut *conn).await?;
    let first_placed: HashMap<i64, Date> = {
        let rows = sqlx::query("SELECT provider_id, MIN(start_date) FROM placements WHERE provider_id IS NOT NULL GROUP BY provider_id")
            .fetch_all(&mut *conn)
            .await?;
        rows.iter()
            .map(|row| Ok((row.try_get(0)?, date(row, 1)?)))
            .collect::<Result<_, StoreError>>()?
    };
    let rows = sqlx::query(&format!("SELECT {} FROM providers", crate::providers::DETAILS_COLUMNS))
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::new();
    for row in &rows {
        let details = crate::providers::details_from(row)?;
        let Some(first) = first_placed.get(&details.id.get()).copied() else {
            continue;
        };
        if !details.organisation.provider_type.is_external() {
            continue;
        }
        if details.suspended {
            out.push(f::ProviderStanding {
                provider: details.id,
                issue: f::StandingIssue::Suspended,
                from: today,
                to: None,
            });
        }
        let mine: Vec<providers::accreditation::Review> = reviews
            .get(&details.id)
            .map(|r| r.iter().map(|s| s.review.clone()).collect())
            .unwrap_or_default();
        let mut days: Vec<Date> = vec![first];
        days.extend(mine.iter().flat_map(|r| [r.reviewed_on, r.expires_on + Duration::days(1)]));
        days.retain(|d| *d >= first && *d <= today);
        days.sort_unstable();
        days.dedup();
        let mut open: Option<Date> = None;
        for day in days {
            let local = providers::accreditation::status(&checklist, &mine, false, day);
            let status = providers::accreditation::effective_status(local, details.consortium, day);
            match (status.allows_new_placements(), open) {
                (false, None) => open = Some(day),
                (true, Some(from)) => {
                    out.push(standing(details.id, from, Some(day)));
                    open = None;
                }
                _ => {}
            }
        }
        if let Some(from) = open {
            out.push(standing(details.id, from, None));
        }
    }
    Ok(out)
}

fn standing(provider: ProviderId, from: Date, to: Option<Date>) -> f::ProviderStanding {
    f::ProviderStanding {
        provider,
        issue: f::StandingIssue::NotAccredited,
        from,
        to,
    }
}

async fn service_agreements(conn: &mut AnyConnection) -> Result<Vec<f::ServiceAgreementWindow>, StoreError> {
    let rows = sqlx::query(
        "SELECT s.id, s.start_date, s.end_date, p.end_date FROM service_agreements s JOIN placements p ON p.id = s.placement_id ORDER BY s.id",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            // The placement's end day is the day the child left: the last
            // day payable is the night before.
            let placement_last = optional_date(row, 3)?.map(|end| end - Duration::days(1));
            let last_day = match (optional_date(row, 2)?, placement_last) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            Ok(f::ServiceAgreementWindow {
                id: ServiceAgreementId::new(row.try_get(0)?),
                start: date(row, 1)?,
                last_day,
            })
        })
        .collect()
}

async fn payments(conn: &mut AnyConnection) -> Result<Vec<f::Payment>, StoreError> {
    let rows = sqlx::query(
        "SELECT l.id, l.service_agreement_id, s.placement_id, l.first_day, l.last_day, l.days
         FROM payment_lines l JOIN service_agreements s ON s.id = l.service_agreement_id WHERE l.days > 0 ORDER BY l.id",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(f::Payment {
                id: PaymentId::new(row.try_get(0)?),
                service_agreement: ServiceAgreementId::new(row.try_get(1)?),
                placement: PlacementId::new(row.try_get(2)?),
                first: date(row, 3)?,
                last: date(row, 4)?,
                days: row.try_get(5)?,
            })
        })
        .collect()
}

/// Every decision one person made and another checked, from the tables
/// that record both: payment runs, carer fees, agreement variations and
/// Gateway approvals.
async fn decisions(conn: &mut AnyConnection) -> Result<Vec<f::Decision>, StoreError> {
    let rows = sqlx::query(
        "SELECT 'payment-run', r.id, NULL, r.prepared_by, r.approved_by, r.approved_at FROM payment_runs r
           WHERE r.prepared_by IS NOT NULL AND r.approved_by IS NOT NULL
         UNION ALL
         SELECT 'carer-fee', f.id, p.child_id, f.proposed_by, f.decided_by, f.decided_at
           FROM carer_fees f JOIN placements p ON p.id = f.placement_id WHERE f.decided_by IS NOT NULL
         UNION ALL
         SELECT 'variation', v.id, p.child_id, v.proposed_by, v.decided_by, v.decided_at
           FROM agreement_variations v JOIN placement_agreements a ON a.id = v.agreement_id
           JOIN placements p ON p.id = a.placement_id WHERE v.decided_by IS NOT NULL
         UNION ALL
         SELECT 'request', r.id, r.child_id, r.requester_id, a.approver_id, a.approved_at
           FROM request_approvals a JOIN placement_requests r ON r.id = a.request_id",
    )
    .fetch_all(conn)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let Some(decided_on) = day_of(row.try_get(5)?)? else {
            continue;
        };
        out.push(f::Decision {
            kind: row.try_get::<String, _>(0)?.parse().map_err(StoreError::corrupt)?,
            record: row.try_get(1)?,
            child: row.try_get::<Option<i64>, _>(2)?.map(ChildId::new),
            maker: UserId::new(row.try_get(3)?),
            checker: UserId::new(row.try_get(4)?),
            decided_on,
        });
    }
    Ok(out)
}

async fn assessments(conn: &mut AnyConnection, rules: &Rules<'_>) -> Result<Vec<f::Assessment>, StoreError> {
    let rows = sqlx::query("SELECT id, child_id, kind, started_on, completed_on FROM assessments ORDER BY id")
        .fetch_all(conn)
        .await?;
    let local = compliance::Timescales {
        assessment_working_days: rules.placement_needs_working_days,
        ..*rules.timescales
    };
    rows.iter()
        .map(|row| {
            let kind: String = row.try_get(2)?;
            let timescales = if kind == children::assessment::AssessmentKind::PlacementNeeds.code() {
                &local
            } else {
                rules.timescales
            };
            let started = date(row, 3)?;
            let completed = optional_date(row, 4)?;
            let deadline = compliance::assessment_deadline(started, completed, timescales, rules.calendar);
            Ok(f::Assessment {
                id: AssessmentId::new(row.try_get(0)?),
                child: ChildId::new(row.try_get(1)?),
                kind,
                started,
                due: deadline.due,
                completed,
            })
        })
        .collect()
}

/// A child's reviews and visits as the compliance rules derive them.
async fn statutory(store: &Store, child: ChildId, rules: &Rules<'_>) -> Result<Vec<f::StatutoryItem>, StoreError> {
    Ok(crate::deadlines::for_child(store, child, rules)
        .await?
        .into_iter()
        .filter_map(|line| {
            let kind = match line.deadline.obligation {
                Obligation::Review => f::StatutoryKind::Review,
                Obligation::Visit => f::StatutoryKind::Visit,
                _ => return None,
            };
            Some(f::StatutoryItem {
                child,
                kind,
                due: line.deadline.due,
                done: line.deadline.met_on,
            })
        })
        .collect())
}

async fn invoice_exceptions(conn: &mut AnyConnection) -> Result<Vec<f::InvoiceException>, StoreError> {
    let rows = sqlx::query("SELECT id, invoice_id, raised_on, resolved_at FROM invoice_exceptions ORDER BY id")
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(f::InvoiceException {
                id: InvoiceExceptionId::new(row.try_get(0)?),
                invoice: InvoiceId::new(row.try_get(1)?),
                raised_on: date(row, 2)?,
                resolved_on: day_of(row.try_get(3)?)?,
            })
        })
        .collect()
}
