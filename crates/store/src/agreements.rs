//! Placement agreements (IPAs): created from an external placement, priced
//! in lines that are only ever added, signed, and varied under
//! maker-checker (the proposer never decides).

use authz::cap::{ApproveVariations, Commission};
use authz::{Actor, Can};
use contracts::agreements::{self, Draft, FundingSplit, PriceLine, SignatureStatus, Variation, VariationState};
use contracts::frameworks::{self, Route, SpotReason};
use kernel::{ChildId, Money, ProviderId};
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use time::Date;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date, parse_optional_date};

/// A stored variation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredVariation {
    pub id: i64,
    pub version: i64,
    pub variation: Variation,
    pub state: VariationState,
    pub proposed_by: String,
    pub decided_by: Option<String>,
}

/// An agreement with everything the page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Agreement {
    pub id: i64,
    pub version: i64,
    pub placement_id: i64,
    pub child_id: ChildId,
    pub la_child_id: String,
    pub provider_id: ProviderId,
    pub provider: String,
    pub route: Route,
    pub start: Date,
    pub end: Option<Date>,
    pub signature: SignatureStatus,
    pub funding: FundingSplit,
    pub lines: Vec<PriceLine>,
    pub variations: Vec<StoredVariation>,
}

impl Agreement {
    pub fn weekly_on(&self, on: Date) -> Money {
        agreements::weekly_total_on(&self.lines, on)
    }
}

const SELECT: &str =
    "SELECT a.id, a.version, a.placement_id, p.child_id, c.la_child_id, a.provider_id, pr.name, a.route, a.tier, a.spot_reason,
            a.spot_note, a.start_date, a.end_date, a.signature_status, a.social_care_percent, a.education_percent, a.health_percent,
            a.framework_rate_pence
     FROM placement_agreements a JOIN placements p ON p.id = a.placement_id JOIN children c ON c.id = p.child_id
     JOIN providers pr ON pr.id = a.provider_id";

/// A stored whole percentage (a funding share).
pub(crate) fn percent(row: &sqlx::any::AnyRow, i: usize) -> Result<u8, StoreError> {
    u8::try_from(row.try_get::<i64, _>(i)?).map_err(StoreError::corrupt)
}

fn agreement_from(row: &sqlx::any::AnyRow) -> Result<Agreement, StoreError> {
    let route = match row.try_get::<String, _>(7)?.as_str() {
        "framework" => Route::Framework {
            tier: u8::try_from(row.try_get::<Option<i64>, _>(8)?.unwrap_or(0)).map_err(StoreError::corrupt)?,
            weekly_rate: Money::from_pence(row.try_get::<Option<i64>, _>(17)?.unwrap_or(0)),
        },
        _ => Route::Spot {
            reason: row
                .try_get::<Option<String>, _>(9)?
                .unwrap_or_default()
                .parse::<SpotReason>()
                .map_err(StoreError::corrupt)?,
            note: row.try_get(10)?,
        },
    };
    Ok(Agreement {
        id: row.try_get(0)?,
        version: row.try_get(1)?,
        placement_id: row.try_get(2)?,
        child_id: ChildId::new(row.try_get(3)?),
        la_child_id: row.try_get(4)?,
        provider_id: ProviderId::new(row.try_get(5)?),
        provider: row.try_get(6)?,
        route,
        start: parse_date(&row.try_get::<String, _>(11)?)?,
        end: parse_optional_date(row.try_get::<Option<String>, _>(12)?.as_deref())?,
        signature: row.try_get::<String, _>(13)?.parse().map_err(StoreError::corrupt)?,
        funding: FundingSplit {
            social_care: percent(row, 14)?,
            education: percent(row, 15)?,
            health: percent(row, 16)?,
        },
        lines: Vec::new(),
        variations: Vec::new(),
    })
}

async fn lines(conn: &mut AnyConnection, agreement: Option<i64>) -> Result<Vec<(i64, PriceLine)>, StoreError> {
    let rows = sqlx::query(
        "SELECT agreement_id, kind, weekly_pence, effective_from FROM agreement_lines WHERE ($1 = 0 OR agreement_id = $1) ORDER BY effective_from, id",
    )
    .bind(agreement.unwrap_or(0))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok((
                row.try_get(0)?,
                PriceLine {
                    kind: row.try_get::<String, _>(1)?.parse().map_err(StoreError::corrupt)?,
                    weekly: Money::from_pence(row.try_get(2)?),
                    effective_from: parse_date(&row.try_get::<String, _>(3)?)?,
                },
            ))
        })
        .collect()
}

/// One agreement, whole.
pub async fn load(conn: &mut AnyConnection, id: i64) -> Result<Agreement, StoreError> {
    let row = sqlx::query(&format!("{SELECT} WHERE a.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound { entity: "agreement" })?;
    let mut agreement = agreement_from(&row)?;
    agreement.lines = lines(&mut *conn, Some(id)).await?.into_iter().map(|(_, l)| l).collect();
    let rows = sqlx::query(
        "SELECT v.id, v.version, v.proposal, v.state, pu.display_name, du.display_name
         FROM agreement_variations v JOIN users pu ON pu.id = v.proposed_by LEFT JOIN users du ON du.id = v.decided_by
         WHERE v.agreement_id = $1 ORDER BY v.id",
    )
    .bind(id)
    .fetch_all(conn)
    .await?;
    for row in &rows {
        agreement.variations.push(StoredVariation {
            id: row.try_get(0)?,
            version: row.try_get(1)?,
            variation: serde_json::from_str(&row.try_get::<String, _>(2)?).map_err(StoreError::corrupt)?,
            state: row.try_get::<String, _>(3)?.parse().map_err(StoreError::corrupt)?,
            proposed_by: row.try_get(4)?,
            decided_by: row.try_get(5)?,
        });
    }
    Ok(agreement)
}

/// Every agreement with its price lines (variations are on the page of each).
pub async fn list(store: &Store) -> Result<Vec<Agreement>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    let rows = sqlx::query(&format!("{SELECT} ORDER BY a.end_date IS NULL, a.end_date, a.id"))
        .fetch_all(&mut *conn)
        .await?;
    let mut out: Vec<Agreement> = rows.iter().map(agreement_from).collect::<Result<_, _>>()?;
    let index: std::collections::HashMap<i64, usize> = out.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
    for (agreement, line) in lines(&mut conn, None).await? {
        if let Some(&i) = index.get(&agreement) {
            out[i].lines.push(line);
        }
    }
    Ok(out)
}

/// A current external placement that has no agreement yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unagreed {
    pub placement_id: i64,
    pub child_id: ChildId,
    pub la_child_id: String,
    pub provider_id: ProviderId,
    pub provider: String,
    pub category: String,
    pub start: Date,
    pub weekly_cost: Money,
}

/// Current placements with external providers (PR2–PR5) and no agreement.
pub async fn without_agreement(store: &Store, today: Date) -> Result<Vec<Unagreed>, StoreError> {
    let rows = sqlx::query(
        "SELECT p.id, p.child_id, c.la_child_id, p.provider_id, pr.name, p.category, p.start_date, p.weekly_cost_pence
         FROM placements p JOIN children c ON c.id = p.child_id JOIN providers pr ON pr.id = p.provider_id
         WHERE (p.end_date IS NULL OR p.end_date > $1) AND pr.provider_type IN ('PR2', 'PR3', 'PR4', 'PR5')
           AND NOT EXISTS (SELECT 1 FROM placement_agreements a WHERE a.placement_id = p.id)
         ORDER BY p.start_date, p.id",
    )
    .bind(date_text(today))
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Unagreed {
                placement_id: row.try_get(0)?,
                child_id: ChildId::new(row.try_get(1)?),
                la_child_id: row.try_get(2)?,
                provider_id: ProviderId::new(row.try_get(3)?),
                provider: row.try_get(4)?,
                category: row.try_get(5)?,
                start: parse_date(&row.try_get::<String, _>(6)?)?,
                weekly_cost: Money::from_pence(row.try_get(7)?),
            })
        })
        .collect()
}

/// What the commissioning officer enters to create an agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewAgreement {
    pub placement_id: i64,
    pub draft: Draft,
    pub spot: Option<(SpotReason, String)>,
}

/// Creates the agreement for an external placement: one per placement,
/// priced and funded in full, bought on a framework or with a recorded
/// spot-purchase reason.
pub async fn create(cmd: &mut Command, _can: &Can<Commission>, new: &NewAgreement) -> Result<i64, StoreError> {
    let placement = sqlx::query(
        "SELECT p.provider_id, pr.provider_type, p.category FROM placements p LEFT JOIN providers pr ON pr.id = p.provider_id WHERE p.id = $1",
    )
    .bind(new.placement_id)
    .fetch_optional(cmd.conn())
    .await?
    .ok_or(StoreError::NotFound { entity: "placement" })?;
    let provider = placement.try_get::<Option<i64>, _>(0)?.map(ProviderId::new);
    let external = placement
        .try_get::<Option<String>, _>(1)?
        .is_some_and(|t| t.parse::<providers::ProviderType>().is_ok_and(|t| t.is_external()));
    let Some(provider) = provider.filter(|_| external) else {
        return Err(StoreError::Invalid(vec![(
            "placement_id",
            "Only a placement with an external provider has a placement agreement".to_owned(),
        )]));
    };
    let mut problems = agreements::check_draft(&new.draft);
    let category: placements::PlacementCategory = placement.try_get::<String, _>(2)?.parse().map_err(StoreError::corrupt)?;
    let memberships = crate::frameworks::memberships_of(cmd.conn(), provider).await?;
    let spot = new.spot.as_ref().map(|(r, n)| (*r, n.as_str()));
    let route = frameworks::route(&memberships, category, new.draft.start, spot);
    if let Err(e) = &route {
        problems.push(("spot_reason", crate::sentence(&e.to_string())));
    }
    let (Ok(route), true) = (route, problems.is_empty()) else {
        return Err(StoreError::Invalid(problems));
    };
    let (route_code, tier, rate, reason, note) = match &route {
        Route::Framework { tier, weekly_rate } => ("framework", Some(i64::from(*tier)), Some(weekly_rate.pence()), None, String::new()),
        Route::Spot { reason, note } => ("spot", None, None, Some(reason.code()), note.clone()),
    };
    let at = cmd.at_text();
    let created_by = cmd.actor().user_id().map(kernel::UserId::get);
    let row = sqlx::query(
        "INSERT INTO placement_agreements (placement_id, provider_id, route, tier, spot_reason, spot_note, start_date, end_date,
             signature_status, social_care_percent, education_percent, health_percent, created_by, created_at, version,
             framework_rate_pence)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', $9, $10, $11, $12, $13, 1, $14) RETURNING id",
    )
    .bind(new.placement_id)
    .bind(provider.get())
    .bind(route_code)
    .bind(tier)
    .bind(reason)
    .bind(note)
    .bind(date_text(new.draft.start))
    .bind(new.draft.end.map(date_text))
    .bind(i64::from(new.draft.funding.social_care))
    .bind(i64::from(new.draft.funding.education))
    .bind(i64::from(new.draft.funding.health))
    .bind(created_by)
    .bind(at)
    .bind(rate)
    .fetch_one(cmd.conn())
    .await
    .map_err(|e| StoreError::on_unique(e, "placement_id", "This placement already has an agreement"))?;
    let id: i64 = row.try_get(0)?;
    insert_lines(cmd, id, &new.draft.lines, None).await?;
    cmd.record(Change::new("agreement.created", "agreement", id, None::<&()>, Some(new)))
        .await?;
    Ok(id)
}

async fn insert_lines(cmd: &mut Command, agreement: i64, lines: &[PriceLine], variation: Option<i64>) -> Result<(), StoreError> {
    for line in lines {
        sqlx::query(
            "INSERT INTO agreement_lines (agreement_id, kind, weekly_pence, effective_from, variation_id) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(agreement)
        .bind(line.kind.code())
        .bind(line.weekly.pence())
        .bind(date_text(line.effective_from))
        .bind(variation)
        .execute(cmd.conn())
        .await?;
    }
    Ok(())
}

/// Records how far the agreement has got to being signed.
pub async fn set_signature(
    cmd: &mut Command,
    _can: &Can<Commission>,
    id: i64,
    version: i64,
    status: SignatureStatus,
) -> Result<(), StoreError> {
    let before = load(cmd.conn(), id).await?;
    before
        .signature
        .may_become(status)
        .map_err(|message| StoreError::Invalid(vec![("signature", message)]))?;
    // The day both parties had signed is kept: a control asks whether an
    // agreement was signed by the placement's start.
    let signed_on = (status == SignatureStatus::FullySigned && before.signature != SignatureStatus::FullySigned)
        .then(|| date_text(kernel::uk_local_date(cmd.at())));
    let done = sqlx::query(
        "UPDATE placement_agreements SET signature_status = $1, version = version + 1,
             fully_signed_on = COALESCE(fully_signed_on, $4)
         WHERE id = $2 AND version = $3",
    )
    .bind(status.code())
    .bind(id)
    .bind(version)
    .bind(signed_on)
    .execute(cmd.conn())
    .await?;
    StoreError::unless_changed(&done, "agreement")?;
    cmd.record(Change::new(
        "agreement.signature",
        "agreement",
        id,
        Some(&before.signature),
        Some(&status),
    ))
    .await?;
    Ok(())
}

/// Proposes a variation; it changes nothing until another person approves.
pub async fn propose_variation(cmd: &mut Command, _can: &Can<Commission>, id: i64, variation: &Variation) -> Result<i64, StoreError> {
    let agreement = load(cmd.conn(), id).await?;
    let problems = agreements::check_variation(agreement.start, agreement.end, variation);
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    let proposer = cmd
        .actor()
        .user_id()
        .ok_or_else(|| StoreError::Rejected(vec!["only a person can propose a variation".to_owned()]))?;
    let at = cmd.at_text();
    let row = sqlx::query(
        "INSERT INTO agreement_variations (agreement_id, effective_from, reason, proposal, state, proposed_by, created_at, version)
         VALUES ($1, $2, $3, $4, 'proposed', $5, $6, 1) RETURNING id",
    )
    .bind(id)
    .bind(date_text(variation.effective_from))
    .bind(variation.reason.trim())
    .bind(serde_json::to_string(variation).map_err(StoreError::corrupt)?)
    .bind(proposer.get())
    .bind(at)
    .fetch_one(cmd.conn())
    .await?;
    let variation_id: i64 = row.try_get(0)?;
    cmd.record(Change::new(
        "agreement.variation_proposed",
        "agreement",
        id,
        None::<&()>,
        Some(variation),
    ))
    .await?;
    Ok(variation_id)
}

/// Approves or rejects a variation. Approval adds its price lines from
/// its effective date and moves the end date; history is never edited.
pub async fn decide_variation(
    cmd: &mut Command,
    _can: &Can<ApproveVariations>,
    variation_id: i64,
    version: i64,
    approve: bool,
) -> Result<(), StoreError> {
    let row = sqlx::query("SELECT agreement_id, proposed_by, proposal, state FROM agreement_variations WHERE id = $1")
        .bind(variation_id)
        .fetch_optional(cmd.conn())
        .await?
        .ok_or(StoreError::NotFound { entity: "variation" })?;
    let agreement: i64 = row.try_get(0)?;
    let proposer = Actor::User(kernel::UserId::new(row.try_get(1)?));
    let variation: Variation = serde_json::from_str(&row.try_get::<String, _>(2)?).map_err(StoreError::corrupt)?;
    if row.try_get::<String, _>(3)? != "proposed" {
        return Err(StoreError::Rejected(vec!["this variation has already been decided".to_owned()]));
    }
    agreements::may_decide(proposer, cmd.actor()).map_err(|e| StoreError::Rejected(vec![e.to_string()]))?;
    let state = if approve {
        VariationState::Approved
    } else {
        VariationState::Rejected
    };
    let at = cmd.at_text();
    let decider = cmd.actor().user_id().map(kernel::UserId::get);
    let done = sqlx::query(
        "UPDATE agreement_variations SET state = $1, decided_by = $2, decided_at = $3, version = version + 1
         WHERE id = $4 AND version = $5 AND state = 'proposed'",
    )
    .bind(state.code())
    .bind(decider)
    .bind(at)
    .bind(variation_id)
    .bind(version)
    .execute(cmd.conn())
    .await?;
    StoreError::unless_changed(&done, "variation")?;
    if approve {
        insert_lines(cmd, agreement, &agreements::lines_of(&variation), Some(variation_id)).await?;
        if let Some(end) = variation.new_end {
            sqlx::query("UPDATE placement_agreements SET end_date = $1, version = version + 1 WHERE id = $2")
                .bind(date_text(end))
                .bind(agreement)
                .execute(cmd.conn())
                .await?;
        }
        let lines: Vec<finance::RateLine> = agreements::lines_of(&variation)
            .iter()
            .map(|l| finance::RateLine {
                element: finance::Element::from(l.kind),
                weekly: l.weekly,
                from: l.effective_from,
            })
            .collect();
        let reason = format!("variation {variation_id}: {}", variation.reason.trim());
        crate::service_agreements::follow_variation(cmd, agreement, &lines, variation.new_end, &reason).await?;
    }
    let action = if approve {
        "agreement.variation_approved"
    } else {
        "agreement.variation_rejected"
    };
    cmd.record(Change::new(action, "agreement", agreement, None::<&()>, Some(&variation)))
        .await?;
    Ok(())
}
