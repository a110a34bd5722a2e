//! Service agreements: what the council has agreed to pay for a placement.
//!
//! An agreement is created only from a placement agreement signed by both
//! parties or an approved in-house carer fee (`finance::service::create`
//! checks the basis), for a placement that is live. Its rate lines are only
//! ever appended; a line that reaches back into days already in a run
//! writes adjustment rows that the next run of its cadence pays or
//! recovers. The placement's end is read from the placement itself, so an
//! agreement stops at the placement's end without anyone remembering to.

use authz::cap::ManageFinance;
use authz::Can;
use contracts::agreements::FundingSplit;
use finance::runs::Cadence;
use finance::service::{self, Basis, Payee, RateLine, ServiceAgreement};
use finance::{AgreementId, CostCentre, Element, HouseholdId};
use kernel::{uk_local_date, ChildId, Money, PlacementId, ProviderId};
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use time::{Date, Duration};

use crate::agreements::percent;
use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date, parse_optional_date};

/// A stored agreement: the domain value and what the pages show with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stored {
    pub agreement: ServiceAgreement,
    pub version: i64,
    pub cadence: Cadence,
    pub paid_through: Option<Date>,
    pub child_id: ChildId,
    pub la_child_id: String,
    pub payee_name: String,
    pub placement_agreement_id: Option<i64>,
    pub carer_fee_id: Option<i64>,
}

impl Stored {
    /// The weekly cost on `day`, all elements.
    pub fn weekly_on(&self, day: Date) -> Money {
        let mut total = Money::ZERO;
        self.agreement.for_each_segment(day, day, |segment| {
            total = total.checked_add(segment.weekly).unwrap_or(total);
        });
        total
    }
}

const SELECT: &str = "SELECT s.id, s.version, s.placement_id, p.category, s.payee_kind, s.payee_id, s.cadence, s.cost_centre,
        s.start_date, s.end_date, p.end_date, s.social_care_percent, s.education_percent, s.health_percent, s.paid_through,
        p.child_id, c.la_child_id, COALESCE(pr.name, h.name, ''), s.placement_agreement_id, s.carer_fee_id
     FROM service_agreements s JOIN placements p ON p.id = s.placement_id JOIN children c ON c.id = p.child_id
     LEFT JOIN providers pr ON s.payee_kind = 'provider' AND pr.id = s.payee_id
     LEFT JOIN foster_households h ON s.payee_kind = 'household' AND h.id = s.payee_id";

fn stored_from(row: &sqlx::any::AnyRow) -> Result<Stored, StoreError> {
    let payee_id: i64 = row.try_get(5)?;
    let payee = match row.try_get::<String, _>(4)?.as_str() {
        "provider" => Payee::Provider(ProviderId::new(payee_id)),
        "household" => Payee::Household(HouseholdId::new(payee_id)),
        other => return Err(StoreError::Corrupt(format!("unknown payee kind {other}"))),
    };
    // A placement's end date is the day the child left: the last day paid
    // is the night before.
    let placement_ended = parse_optional_date(row.try_get::<Option<String>, _>(10)?.as_deref())?.map(|end| end - Duration::days(1));
    Ok(Stored {
        agreement: ServiceAgreement {
            id: AgreementId::new(row.try_get(0)?),
            placement_id: PlacementId::new(row.try_get(2)?),
            placement_type: row.try_get::<String, _>(3)?.parse().map_err(StoreError::corrupt)?,
            payee,
            start: parse_date(&row.try_get::<String, _>(8)?)?,
            end: parse_optional_date(row.try_get::<Option<String>, _>(9)?.as_deref())?,
            placement_ended,
            lines: Vec::new(),
            funding: FundingSplit {
                social_care: percent(row, 11)?,
                education: percent(row, 12)?,
                health: percent(row, 13)?,
            },
            cost_centre: CostCentre::new(&row.try_get::<String, _>(7)?),
        },
        version: row.try_get(1)?,
        cadence: row.try_get::<String, _>(6)?.parse().map_err(StoreError::corrupt)?,
        paid_through: parse_optional_date(row.try_get::<Option<String>, _>(14)?.as_deref())?,
        child_id: ChildId::new(row.try_get(15)?),
        la_child_id: row.try_get(16)?,
        payee_name: row.try_get(17)?,
        placement_agreement_id: row.try_get(18)?,
        carer_fee_id: row.try_get(19)?,
    })
}

/// Rate lines in the order they were added (the order decides between two
/// lines from the same day), for one agreement or, with `None`, all.
async fn rate_lines(conn: &mut AnyConnection, agreement: Option<i64>) -> Result<Vec<(i64, RateLine)>, StoreError> {
    let rows = sqlx::query(
        "SELECT service_agreement_id, element, weekly_pence, effective_from FROM service_rate_lines
         WHERE ($1 = 0 OR service_agreement_id = $1) ORDER BY id",
    )
    .bind(agreement.unwrap_or(0))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get(0)?,
                RateLine {
                    element: row.try_get::<String, _>(1)?.parse().map_err(StoreError::corrupt)?,
                    weekly: Money::from_pence(row.try_get(2)?),
                    from: parse_date(&row.try_get::<String, _>(3)?)?,
                },
            ))
        })
        .collect()
}

/// One agreement with its lines.
pub async fn load(conn: &mut AnyConnection, id: i64) -> Result<Stored, StoreError> {
    let row = sqlx::query(&format!("{SELECT} WHERE s.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound {
            entity: "service agreement",
        })?;
    let mut stored = stored_from(&row)?;
    stored.agreement.lines = rate_lines(conn, Some(id)).await?.into_iter().map(|(_, l)| l).collect();
    Ok(stored)
}

/// Every agreement (optionally of one cadence) with its lines, by id.
pub async fn all(conn: &mut AnyConnection, cadence: Option<Cadence>) -> Result<Vec<Stored>, StoreError> {
    let rows = sqlx::query(&format!("{SELECT} WHERE ($1 = '' OR s.cadence = $1) ORDER BY s.id"))
        .bind(cadence.map_or("", |c| c.code()))
        .fetch_all(&mut *conn)
        .await?;
    let mut out: Vec<Stored> = rows.iter().map(stored_from).collect::<Result<_, _>>()?;
    let index: std::collections::HashMap<i64, usize> = out.iter().enumerate().map(|(i, s)| (s.agreement.id.get(), i)).collect();
    for (agreement, line) in rate_lines(conn, None).await? {
        if let Some(&i) = index.get(&agreement) {
            out[i].agreement.lines.push(line);
        }
    }
    Ok(out)
}

/// Every agreement, for the list page and the forecast.
pub async fn list(store: &Store) -> Result<Vec<Stored>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    all(&mut conn, None).await
}

/// A live placement ready for a service agreement: its placement agreement
/// is signed by both parties, or its carer fee is approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ready {
    pub placement_id: i64,
    pub la_child_id: String,
    pub payee_name: String,
    pub category: String,
    pub start: Date,
    pub placement_agreement_id: Option<i64>,
    pub carer_fee_id: Option<i64>,
}

/// Placements with an approved basis and no service agreement yet.
pub async fn ready(store: &Store, today: Date) -> Result<Vec<Ready>, StoreError> {
    let rows = sqlx::query(
        "SELECT p.id, c.la_child_id, pr.name, p.category, a.start_date, a.id, NULL
         FROM placement_agreements a JOIN placements p ON p.id = a.placement_id JOIN children c ON c.id = p.child_id
         JOIN providers pr ON pr.id = a.provider_id
         WHERE a.signature_status = 'fully-signed' AND (p.end_date IS NULL OR p.end_date > $1)
           AND NOT EXISTS (SELECT 1 FROM service_agreements s WHERE s.placement_id = p.id)
         UNION ALL
         SELECT p.id, c.la_child_id, h.name, p.category, p.start_date, NULL, f.id
         FROM carer_fees f JOIN placements p ON p.id = f.placement_id JOIN children c ON c.id = p.child_id
         JOIN foster_households h ON h.id = f.household_id
         WHERE f.state = 'approved' AND (p.end_date IS NULL OR p.end_date > $1)
           AND NOT EXISTS (SELECT 1 FROM service_agreements s WHERE s.placement_id = p.id)
         ORDER BY 5, 1",
    )
    .bind(date_text(today))
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Ready {
                placement_id: row.try_get(0)?,
                la_child_id: row.try_get(1)?,
                payee_name: row.try_get(2)?,
                category: row.try_get(3)?,
                start: parse_date(&row.try_get::<String, _>(4)?)?,
                placement_agreement_id: row.try_get(5)?,
                carer_fee_id: row.try_get(6)?,
            })
        })
        .collect()
}

/// What the finance officer chooses when creating an agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Terms {
    pub cadence: Cadence,
    /// Empty for the placement type's default.
    pub cost_centre: String,
}

/// Creates the agreement for a placement from its signed placement
/// agreement: the payee is the provider, the rates and funding split are
/// the agreement's price lines and split.
pub async fn create_from_placement_agreement(
    cmd: &mut Command,
    _can: &Can<ManageFinance>,
    placement_agreement_id: i64,
    terms: &Terms,
) -> Result<i64, StoreError> {
    let source = crate::agreements::load(cmd.conn(), placement_agreement_id).await?;
    let today = uk_local_date(cmd.at());
    let (category, live) = placement_state(cmd.conn(), source.placement_id, today).await?;
    let draft = ServiceAgreement {
        id: AgreementId::new(0),
        placement_id: PlacementId::new(source.placement_id),
        placement_type: category,
        payee: Payee::Provider(source.provider_id),
        start: source.start,
        end: source.end,
        placement_ended: None,
        lines: source
            .lines
            .iter()
            .map(|l| RateLine {
                element: Element::from(l.kind),
                weekly: l.weekly,
                from: l.effective_from.max(source.start),
            })
            .collect(),
        funding: source.funding,
        cost_centre: cost_centre(terms, category),
    };
    let basis = Basis::PlacementAgreement {
        fully_signed: source.signature == contracts::agreements::SignatureStatus::FullySigned,
    };
    let agreement = service::create(draft, basis, live).map_err(refusal)?;
    insert(
        cmd,
        &agreement,
        terms.cadence,
        (Some(placement_agreement_id), None),
        "from the signed placement agreement",
    )
    .await
}

/// Creates the agreement for an in-house placement from its approved carer
/// fee: fostering allowance by the child's age and the fee level, from the
/// allowance tables, paid to the household.
pub async fn create_from_carer_fee(
    cmd: &mut Command,
    _can: &Can<ManageFinance>,
    carer_fee_id: i64,
    terms: &Terms,
) -> Result<i64, StoreError> {
    let fee = crate::carer_fees::load(cmd.conn(), carer_fee_id).await?;
    let today = uk_local_date(cmd.at());
    let (category, live) = placement_state(cmd.conn(), fee.placement_id, today).await?;
    let start = placement_start(cmd.conn(), fee.placement_id).await?;
    let lines = crate::carer_fees::lines_for(cmd.conn(), fee.birth_date, fee.fee_level, start).await?;
    let draft = ServiceAgreement {
        id: AgreementId::new(0),
        placement_id: PlacementId::new(fee.placement_id),
        placement_type: category,
        payee: Payee::Household(HouseholdId::new(fee.household_id)),
        start,
        end: None,
        placement_ended: None,
        lines,
        funding: FundingSplit::ALL_SOCIAL_CARE,
        cost_centre: cost_centre(terms, category),
    };
    let basis = Basis::CarerFee {
        approved: fee.state == "approved",
    };
    let agreement = service::create(draft, basis, live).map_err(refusal)?;
    insert(
        cmd,
        &agreement,
        terms.cadence,
        (None, Some(carer_fee_id)),
        "allowance and fee from the tables",
    )
    .await
}

fn cost_centre(terms: &Terms, category: placements::PlacementCategory) -> CostCentre {
    if terms.cost_centre.trim().is_empty() {
        CostCentre::new(service::default_cost_centre(category))
    } else {
        CostCentre::new(&terms.cost_centre.trim().to_uppercase())
    }
}

fn refusal(error: service::AgreementError) -> StoreError {
    StoreError::Rejected(vec![crate::sentence(&error.to_string())])
}

async fn placement_state(
    conn: &mut AnyConnection,
    placement: i64,
    today: Date,
) -> Result<(placements::PlacementCategory, bool), StoreError> {
    let row = sqlx::query("SELECT category, end_date FROM placements WHERE id = $1")
        .bind(placement)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound { entity: "placement" })?;
    let category = row.try_get::<String, _>(0)?.parse().map_err(StoreError::corrupt)?;
    let live = parse_optional_date(row.try_get::<Option<String>, _>(1)?.as_deref())?.is_none_or(|end| end > today);
    Ok((category, live))
}

async fn placement_start(conn: &mut AnyConnection, placement: i64) -> Result<Date, StoreError> {
    let row = sqlx::query("SELECT start_date FROM placements WHERE id = $1")
        .bind(placement)
        .fetch_one(conn)
        .await?;
    parse_date(&row.try_get::<String, _>(0)?)
}

async fn insert(
    cmd: &mut Command,
    agreement: &ServiceAgreement,
    cadence: Cadence,
    (placement_agreement, carer_fee): (Option<i64>, Option<i64>),
    reason: &str,
) -> Result<i64, StoreError> {
    let (payee_kind, payee_id) = match agreement.payee {
        Payee::Provider(id) => ("provider", id.get()),
        Payee::Household(id) => ("household", id.get()),
    };
    let at = cmd.at_text();
    let created_by = cmd.actor().user_id().map(kernel::UserId::get);
    let row = sqlx::query(
        "INSERT INTO service_agreements (placement_id, placement_agreement_id, carer_fee_id, payee_kind, payee_id, placement_type,
             cadence, cost_centre, start_date, end_date, social_care_percent, education_percent, health_percent, created_by,
             created_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1) RETURNING id",
    )
    .bind(agreement.placement_id.get())
    .bind(placement_agreement)
    .bind(carer_fee)
    .bind(payee_kind)
    .bind(payee_id)
    .bind(agreement.placement_type.code())
    .bind(cadence.code())
    .bind(agreement.cost_centre.as_str())
    .bind(date_text(agreement.start))
    .bind(agreement.end.map(date_text))
    .bind(i64::from(agreement.funding.social_care))
    .bind(i64::from(agreement.funding.education))
    .bind(i64::from(agreement.funding.health))
    .bind(created_by)
    .bind(&at)
    .fetch_one(cmd.conn())
    .await
    .map_err(|e| StoreError::on_unique(e, "placement_id", "This placement already has a service agreement"))?;
    let id: i64 = row.try_get(0)?;
    append_lines(cmd, id, &agreement.lines, reason).await?;
    let mut created = agreement.clone();
    created.id = AgreementId::new(id);
    cmd.record(Change::new(
        "service_agreement.created",
        "service_agreement",
        id,
        None::<&()>,
        Some(&created),
    ))
    .await?;
    Ok(id)
}

async fn append_lines(cmd: &mut Command, agreement: i64, lines: &[RateLine], reason: &str) -> Result<(), StoreError> {
    let at = cmd.at_text();
    let by = cmd.actor().user_id().map(kernel::UserId::get);
    for line in lines {
        sqlx::query(
            "INSERT INTO service_rate_lines (service_agreement_id, element, weekly_pence, effective_from, reason, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(agreement)
        .bind(line.element.code())
        .bind(line.weekly.pence())
        .bind(date_text(line.from))
        .bind(reason)
        .bind(by)
        .bind(&at)
        .execute(cmd.conn())
        .await?;
    }
    Ok(())
}

/// A rate change as entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateChange {
    pub element: Element,
    pub weekly: Money,
    pub from: Date,
    pub reason: String,
}

/// Appends rate lines (a change, a variation, a new allowance year) and,
/// for days already in a run, writes the adjustments the next run pays or
/// recovers. Returns the adjustments.
pub async fn change_rates(
    cmd: &mut Command,
    id: i64,
    version: Option<i64>,
    lines: &[RateLine],
    reason: &str,
) -> Result<Vec<service::Adjustment>, StoreError> {
    let before = load(cmd.conn(), id).await?;
    if let Some(version) = version {
        let done = sqlx::query("UPDATE service_agreements SET version = version + 1 WHERE id = $1 AND version = $2")
            .bind(id)
            .bind(version)
            .execute(cmd.conn())
            .await?;
        StoreError::unless_changed(&done, "service agreement")?;
    }
    let mut after = before.agreement.clone();
    after.lines.extend_from_slice(lines);
    let adjustments = match (before.paid_through, lines.iter().map(|l| l.from).min()) {
        (Some(paid_through), Some(from)) => service::adjustments_between(&before.agreement, &after, from, paid_through)?,
        _ => Vec::new(),
    };
    append_lines(cmd, id, lines, reason).await?;
    insert_adjustments(cmd, &adjustments, reason).await?;
    cmd.record(Change::new(
        "service_agreement.rates_changed",
        "service_agreement",
        id,
        Some(&before.agreement.lines),
        Some(&serde_json::json!({ "added": lines, "reason": reason, "adjustments": adjustments })),
    ))
    .await?;
    Ok(adjustments)
}

/// Writes adjustments for the next run of each agreement's cadence.
pub async fn insert_adjustments(cmd: &mut Command, adjustments: &[service::Adjustment], reason: &str) -> Result<(), StoreError> {
    let at = cmd.at_text();
    for adjustment in adjustments {
        sqlx::query(
            "INSERT INTO payment_adjustments (service_agreement_id, element, first_day, last_day, amount_pence, reason, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(adjustment.agreement.get())
        .bind(adjustment.element.code())
        .bind(date_text(adjustment.first))
        .bind(date_text(adjustment.last))
        .bind(adjustment.amount.pence())
        .bind(reason)
        .bind(&at)
        .execute(cmd.conn())
        .await?;
    }
    Ok(())
}

/// A finance officer's rate change: checked, then appended.
pub async fn add_rate(
    cmd: &mut Command,
    _can: &Can<ManageFinance>,
    id: i64,
    version: i64,
    change: &RateChange,
) -> Result<Vec<service::Adjustment>, StoreError> {
    let agreement = load(cmd.conn(), id).await?;
    let mut problems = Vec::new();
    if change.weekly.is_negative() {
        problems.push(("weekly", "A weekly rate cannot be negative".to_owned()));
    }
    if change.from < agreement.agreement.start {
        problems.push((
            "from",
            format!(
                "A rate cannot take effect before the agreement starts ({})",
                agreement.agreement.start
            ),
        ));
    }
    if change.reason.trim().is_empty() {
        problems.push(("reason", "Say why the rate changes".to_owned()));
    }
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    let line = RateLine {
        element: change.element,
        weekly: change.weekly,
        from: change.from,
    };
    change_rates(cmd, id, Some(version), &[line], change.reason.trim()).await
}

/// An approved variation to a placement agreement reaches its service
/// agreement, if there is one: its lines are appended from their dates and
/// a new end date is followed (days already paid beyond an earlier end are
/// recovered by the next run).
pub async fn follow_variation(
    cmd: &mut Command,
    placement_agreement_id: i64,
    lines: &[RateLine],
    new_end: Option<Date>,
    reason: &str,
) -> Result<(), StoreError> {
    let Some(row) = sqlx::query("SELECT id FROM service_agreements WHERE placement_agreement_id = $1")
        .bind(placement_agreement_id)
        .fetch_optional(cmd.conn())
        .await?
    else {
        return Ok(());
    };
    let id: i64 = row.try_get(0)?;
    if let Some(end) = new_end {
        sqlx::query("UPDATE service_agreements SET end_date = $1, version = version + 1 WHERE id = $2")
            .bind(date_text(end))
            .bind(id)
            .execute(cmd.conn())
            .await?;
    }
    if !lines.is_empty() {
        change_rates(cmd, id, None, lines, reason).await?;
    }
    Ok(())
}

/// Moves an agreement's paid-through date (runs only).
pub(crate) async fn set_paid_through(conn: &mut AnyConnection, id: AgreementId, day: Date) -> Result<(), StoreError> {
    sqlx::query("UPDATE service_agreements SET paid_through = $1 WHERE id = $2")
        .bind(date_text(day))
        .bind(id.get())
        .execute(conn)
        .await?;
    Ok(())
}

/// An agreement's adjustments with their reasons and the run that took
/// each (none while waiting), newest first.
pub async fn adjustments(store: &Store, id: i64) -> Result<Vec<(service::Adjustment, String, Option<i64>)>, StoreError> {
    let rows = sqlx::query(
        "SELECT element, first_day, last_day, amount_pence, reason, run_id FROM payment_adjustments
         WHERE service_agreement_id = $1 ORDER BY id DESC",
    )
    .bind(id)
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                service::Adjustment {
                    agreement: AgreementId::new(id),
                    element: row.try_get::<String, _>(0)?.parse().map_err(StoreError::corrupt)?,
                    first: parse_date(&row.try_get::<String, _>(1)?)?,
                    last: parse_date(&row.try_get::<String, _>(2)?)?,
                    amount: Money::from_pence(row.try_get(3)?),
                },
                row.try_get(4)?,
                row.try_get(5)?,
            ))
        })
        .collect()
}

/// Records that the days up to `through` were paid by the finance system
/// Hearth replaces, so the first run pays from the day after. Only for an
/// agreement no run has paid yet: going live, not correcting a run.
pub async fn paid_before_hearth(cmd: &mut Command, _can: &Can<ManageFinance>, id: i64, through: Date) -> Result<(), StoreError> {
    let stored = load(cmd.conn(), id).await?;
    if stored.paid_through.is_some() {
        return Err(StoreError::Rejected(vec![
            "This agreement has been paid by Hearth already; correct it with a rate change".to_owned(),
        ]));
    }
    set_paid_through(cmd.conn(), stored.agreement.id, through).await?;
    cmd.record(Change::new(
        "service_agreement.paid_before_hearth",
        "service_agreement",
        id,
        None::<&()>,
        Some(&through),
    ))
    .await?;
    Ok(())
}
