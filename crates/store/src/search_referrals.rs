//! Targeted referrals from a search, the providers' offers and declines,
//! and the reasoned choice.
//!
//! A referral goes only to a result the search ranked (never to one it
//! excluded), with a response deadline by pass and tier. An offer records
//! its weekly price and conditions; a decline its reason. Choosing an offer
//! that is not the best-ranked or the cheapest, or a spot purchase while a
//! framework or in-house offer stands, needs a written rationale; an offer
//! above the cost the Gateway approved cannot be chosen until the Gateway
//! approves the higher cost (a variation of the request).

use authz::cap::SearchPlacements;
use authz::Can;
use kernel::{Money, ProviderId};
use matching::referrals::{choice_reasons, respond_by, Offer};
use matching::search::PassKind;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::placement_search::{self, SearchState};
use crate::timestamp::{instant_text, parse_instant};

kernel::coded!(
    /// A referral's answer.
    Response {
        Awaiting = "awaiting", "Awaiting a response";
        Offered = "offered", "Offered";
        Declined = "declined", "Declined";
    }
);

/// A referral as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Referral {
    pub id: i64,
    pub search_id: i64,
    pub pass: PassKind,
    pub candidate_id: i64,
    pub name: String,
    pub provider_id: Option<ProviderId>,
    pub rank: u32,
    pub score: u32,
    pub tier: Option<u8>,
    pub listed_weekly: Option<Money>,
    pub sent_at: String,
    pub respond_by: String,
    pub response: Response,
    pub responded_at: Option<String>,
    pub offer_weekly: Option<Money>,
    pub conditions: Option<String>,
    pub decline_reason: Option<String>,
    pub version: i64,
}

const SELECT: &str = "SELECT id, search_id, pass, candidate_id, candidate_name, provider_id, search_rank, score, tier, listed_weekly_pence,
        sent_at, respond_by, response, responded_at, offer_weekly_pence, conditions, decline_reason, version
    FROM search_referrals";

fn referral_from(row: &AnyRow) -> Result<Referral, StoreError> {
    let number = |i: usize| -> Result<u32, StoreError> { u32::try_from(row.try_get::<i64, _>(i)?).map_err(StoreError::corrupt) };
    Ok(Referral {
        id: row.try_get(0)?,
        search_id: row.try_get(1)?,
        pass: row.try_get::<String, _>(2)?.parse().map_err(StoreError::corrupt)?,
        candidate_id: row.try_get(3)?,
        name: row.try_get(4)?,
        provider_id: row.try_get::<Option<i64>, _>(5)?.map(ProviderId::new),
        rank: number(6)?,
        score: number(7)?,
        tier: row
            .try_get::<Option<i64>, _>(8)?
            .map(|t| u8::try_from(t).map_err(StoreError::corrupt))
            .transpose()?,
        listed_weekly: row.try_get::<Option<i64>, _>(9)?.map(Money::from_pence),
        sent_at: row.try_get(10)?,
        respond_by: row.try_get(11)?,
        response: row.try_get::<String, _>(12)?.parse().map_err(StoreError::corrupt)?,
        responded_at: row.try_get(13)?,
        offer_weekly: row.try_get::<Option<i64>, _>(14)?.map(Money::from_pence),
        conditions: row.try_get(15)?,
        decline_reason: row.try_get(16)?,
        version: row.try_get(17)?,
    })
}

/// A search's referrals in search order.
pub async fn of_search(conn: &mut sqlx::AnyConnection, search: i64) -> Result<Vec<Referral>, StoreError> {
    let rows = sqlx::query(&format!("{SELECT} WHERE search_id = $1 ORDER BY search_rank, id"))
        .bind(search)
        .fetch_all(conn)
        .await?;
    rows.iter().map(referral_from).collect()
}

/// A search's referrals, for pages.
pub async fn list(store: &Store, search: i64) -> Result<Vec<Referral>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    of_search(&mut conn, search).await
}

async fn bump(cmd: &mut Command, search: i64, version: i64, state: SearchState) -> Result<(), StoreError> {
    let done = sqlx::query("UPDATE placement_searches SET state = $1, version = version + 1 WHERE id = $2 AND version = $3")
        .bind(state.code())
        .bind(search)
        .bind(version)
        .execute(cmd.conn())
        .await?;
    StoreError::unless_changed(&done, "placement search")?;
    Ok(())
}

/// Refers the child to the picked results, each with its deadline.
pub async fn refer(
    cmd: &mut Command,
    _can: &Can<SearchPlacements>,
    search_id: i64,
    version: i64,
    picks: &[(PassKind, i64)],
) -> Result<usize, StoreError> {
    let search = placement_search::load(cmd.conn(), search_id).await?;
    if search.version != version {
        return Err(StoreError::Conflict {
            entity: "placement search",
        });
    }
    if matches!(search.state, SearchState::Chosen | SearchState::Closed) {
        return Err(StoreError::Rejected(vec!["this search is finished; start a new one".into()]));
    }
    if picks.is_empty() {
        return Err(StoreError::Invalid(vec![(
            "picks",
            "choose at least one setting to refer to".to_owned(),
        )]));
    }
    let sent = cmd.at();
    let by = cmd.actor().user_id().map(kernel::UserId::get);
    for (pass, id) in picks {
        let Some(line) = search.findings.results.iter().find(|r| r.pass == *pass && r.id == *id) else {
            let why = search
                .findings
                .excluded
                .iter()
                .find(|e| e.pass == *pass && e.id == *id)
                .map_or_else(
                    || "it was not in the search".to_owned(),
                    |e| format!("it was excluded: {}", e.reasons.join("; ")),
                );
            return Err(StoreError::Invalid(vec![("picks", format!("{id} cannot be referred to: {why}"))]));
        };
        sqlx::query(
            "INSERT INTO search_referrals (search_id, pass, candidate_id, candidate_name, provider_id, search_rank, score, tier,
                 listed_weekly_pence, sent_by, sent_at, respond_by, response, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'awaiting', 1)",
        )
        .bind(search_id)
        .bind(pass.code())
        .bind(id)
        .bind(&line.name)
        .bind(line.provider_id.map(ProviderId::get))
        .bind(i64::from(line.rank))
        .bind(i64::from(line.total))
        .bind(line.tier.map(i64::from))
        .bind(line.weekly.map(Money::pence))
        .bind(by)
        .bind(instant_text(sent))
        .bind(instant_text(respond_by(sent, *pass, line.tier)))
        .execute(cmd.conn())
        .await
        .map_err(|e| StoreError::on_unique(e, "picks", "That setting has already been referred to in this search"))?;
    }
    bump(cmd, search_id, version, SearchState::Referred).await?;
    cmd.record(Change::new(
        "search.referred",
        "placement search",
        search_id,
        None::<&()>,
        Some(&picks),
    ))
    .await?;
    Ok(picks.len())
}

/// A provider's answer to a referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Answer {
    Offer { weekly: Money, conditions: String },
    Decline { reason: String },
}

/// Records an answer, from the referral version read.
pub async fn answer(
    cmd: &mut Command,
    _can: &Can<SearchPlacements>,
    referral_id: i64,
    version: i64,
    answer: &Answer,
) -> Result<(), StoreError> {
    let (response, weekly, conditions, reason) = match answer {
        Answer::Offer { weekly, .. } if weekly.pence() <= 0 => {
            return Err(StoreError::Invalid(vec![(
                "offer_weekly",
                "enter the weekly price offered".to_owned(),
            )]));
        }
        Answer::Decline { reason } if reason.trim().is_empty() => {
            return Err(StoreError::Invalid(vec![(
                "decline_reason",
                "record why the provider declined".to_owned(),
            )]));
        }
        Answer::Offer { weekly, conditions } => (
            Response::Offered,
            Some(weekly.pence()),
            Some(conditions.trim()).filter(|c| !c.is_empty()),
            None,
        ),
        Answer::Decline { reason } => (Response::Declined, None, None, Some(reason.trim())),
    };
    // Once a search is finished its offers are evidence: re-pricing one
    // after the choice would change what was chosen.
    let search_id: i64 = sqlx::query("SELECT search_id FROM search_referrals WHERE id = $1")
        .bind(referral_id)
        .fetch_optional(cmd.conn())
        .await?
        .ok_or(StoreError::NotFound { entity: "referral" })?
        .try_get(0)?;
    let search = placement_search::load(cmd.conn(), search_id).await?;
    if matches!(search.state, SearchState::Chosen | SearchState::Closed) {
        return Err(StoreError::Rejected(vec![
            "this search is finished; its offers can no longer change".into(),
        ]));
    }
    let at = cmd.at_text();
    let done = sqlx::query(
        "UPDATE search_referrals SET response = $1, responded_at = $2, offer_weekly_pence = $3, conditions = $4, decline_reason = $5,
             version = version + 1
         WHERE id = $6 AND version = $7",
    )
    .bind(response.code())
    .bind(at)
    .bind(weekly)
    .bind(conditions)
    .bind(reason)
    .bind(referral_id)
    .bind(version)
    .execute(cmd.conn())
    .await?;
    StoreError::unless_changed(&done, "referral")?;
    cmd.record(Change::new("search.answered", "referral", referral_id, None::<&()>, Some(answer)))
        .await?;
    Ok(())
}

/// The offers standing in a search, as the choice rule sees them.
pub fn offers(referrals: &[Referral]) -> Vec<Offer> {
    referrals
        .iter()
        .filter_map(|r| {
            r.offer_weekly.filter(|_| r.response == Response::Offered).map(|weekly| Offer {
                referral: r.id,
                pass: r.pass,
                rank: r.rank,
                weekly,
            })
        })
        .collect()
}

/// Chooses an offer, with the rationale the choice rule asks for.
pub async fn choose(
    cmd: &mut Command,
    _can: &Can<SearchPlacements>,
    search_id: i64,
    version: i64,
    referral_id: i64,
    rationale: &str,
) -> Result<(), StoreError> {
    let search = placement_search::load(cmd.conn(), search_id).await?;
    if search.version != version {
        return Err(StoreError::Conflict {
            entity: "placement search",
        });
    }
    match search.state {
        SearchState::Chosen => return Err(StoreError::Rejected(vec!["an offer has already been chosen in this search".into()])),
        SearchState::Closed => return Err(StoreError::Rejected(vec!["this search was closed without a choice".into()])),
        SearchState::Open | SearchState::Referred => {}
    }
    let referrals = of_search(cmd.conn(), search_id).await?;
    let offers = offers(&referrals);
    let Some(chosen) = offers.iter().find(|o| o.referral == referral_id) else {
        return Err(StoreError::Invalid(vec![("referral", "choose one of the offers made".to_owned())]));
    };
    let request = crate::requests::load(cmd.conn(), search.request_id).await?;
    let approved = request.agreed_weekly_cost.unwrap_or(request.weekly_cost);
    if chosen.weekly > approved {
        return Err(StoreError::Rejected(vec![format!(
            "this offer is {} a week, above the {approved} the Gateway approved; vary the request for the cost first",
            chosen.weekly
        )]));
    }
    let reasons = choice_reasons(chosen, &offers);
    if !reasons.is_empty() && rationale.trim().chars().count() < 20 {
        let why: Vec<String> = reasons.iter().map(ToString::to_string).collect();
        return Err(StoreError::Invalid(vec![(
            "rationale",
            format!("explain the choice (at least 20 characters): {}", why.join("; ")),
        )]));
    }
    let at = cmd.at_text();
    let by = cmd.actor().user_id().map(kernel::UserId::get);
    let done = sqlx::query(
        "UPDATE placement_searches SET state = 'chosen', chosen_referral_id = $1, rationale = $2, chosen_by = $3, chosen_at = $4,
             version = version + 1
         WHERE id = $5 AND version = $6",
    )
    .bind(referral_id)
    .bind(Some(rationale.trim()).filter(|r| !r.is_empty()))
    .bind(by)
    .bind(at)
    .bind(search_id)
    .bind(version)
    .execute(cmd.conn())
    .await?;
    StoreError::unless_changed(&done, "placement search")?;
    let record = serde_json::json!({ "referral": referral_id, "reasons": reasons, "rationale": rationale.trim() });
    cmd.record(Change::new(
        "search.chosen",
        "placement search",
        search_id,
        None::<&()>,
        Some(&record),
    ))
    .await?;
    Ok(())
}

/// Closes a search without a choice (the child's plan changed, or no
/// offer could meet the needs), with the reason kept as its rationale.
pub async fn close(cmd: &mut Command, _can: &Can<SearchPlacements>, search_id: i64, version: i64, reason: &str) -> Result<(), StoreError> {
    if reason.trim().chars().count() < 10 {
        return Err(StoreError::Invalid(vec![(
            "reason",
            "say why the search is closed (at least 10 characters)".to_owned(),
        )]));
    }
    let search = placement_search::load(cmd.conn(), search_id).await?;
    if matches!(search.state, SearchState::Chosen | SearchState::Closed) {
        return Err(StoreError::Rejected(vec!["this search is already finished".into()]));
    }
    let done =
        sqlx::query("UPDATE placement_searches SET state = 'closed', rationale = $1, version = version + 1 WHERE id = $2 AND version = $3")
            .bind(reason.trim())
            .bind(search_id)
            .bind(version)
            .execute(cmd.conn())
            .await?;
    StoreError::unless_changed(&done, "placement search")?;
    cmd.record(Change::new(
        "search.closed",
        "placement search",
        search_id,
        None::<&()>,
        Some(&reason.trim()),
    ))
    .await?;
    Ok(())
}

/// The offer chosen for a child with a provider, when a search chose one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChosenOffer {
    pub search_id: i64,
    pub weekly: Money,
    pub conditions: Option<String>,
}

/// The latest offer chosen in a search for `child` with `provider`: the
/// terms the placement agreement starts from.
pub async fn chosen_offer(store: &Store, child: kernel::ChildId, provider: ProviderId) -> Result<Option<ChosenOffer>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    chosen_offer_in(&mut conn, child, provider).await
}

async fn chosen_offer_in(
    conn: &mut sqlx::AnyConnection,
    child: kernel::ChildId,
    provider: ProviderId,
) -> Result<Option<ChosenOffer>, StoreError> {
    let row = sqlx::query(
        "SELECT s.id, r.offer_weekly_pence, r.conditions FROM placement_searches s
         JOIN search_referrals r ON r.id = s.chosen_referral_id JOIN placement_requests q ON q.id = s.request_id
         WHERE s.state = 'chosen' AND q.child_id = $1 AND r.provider_id = $2 AND r.offer_weekly_pence IS NOT NULL
         ORDER BY s.chosen_at DESC, s.id DESC LIMIT 1",
    )
    .bind(child.get())
    .bind(provider.get())
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        Ok(ChosenOffer {
            search_id: row.try_get(0)?,
            weekly: Money::from_pence(row.try_get(1)?),
            conditions: row.try_get(2)?,
        })
    })
    .transpose()
}

/// When a search chose an offer for this child with this provider, the
/// new placement's agreement starts as a draft on the offer's terms (core
/// fee at the offer, all social care until the split is agreed), so the
/// commissioning officer completes it rather than retyping it. The search
/// is the spot purchase's recorded reason when no framework covers it.
pub(crate) async fn draft_agreement(
    cmd: &mut Command,
    child: kernel::ChildId,
    provider: ProviderId,
    placement_id: i64,
    start: time::Date,
) -> Result<Option<i64>, StoreError> {
    let Some(offer) = chosen_offer_in(cmd.conn(), child, provider).await? else {
        return Ok(None);
    };
    let new = crate::agreements::NewAgreement {
        placement_id,
        draft: contracts::agreements::Draft {
            start,
            end: None,
            lines: vec![contracts::agreements::PriceLine {
                kind: placements::ElementKind::CoreFee,
                weekly: offer.weekly,
                effective_from: start,
            }],
            funding: contracts::agreements::FundingSplit::ALL_SOCIAL_CARE,
        },
        spot: Some((
            contracts::frameworks::SpotReason::Other,
            format!("Chosen in placement search {}", offer.search_id),
        )),
    };
    crate::agreements::create(cmd, &Can::system(), &new).await.map(Some)
}

/// Whether a referral's deadline has passed at `now` (for pages).
pub fn overdue(referral: &Referral, now: time::OffsetDateTime) -> bool {
    referral.response == Response::Awaiting && parse_instant(&referral.respond_by).is_ok_and(|by| now > by)
}
