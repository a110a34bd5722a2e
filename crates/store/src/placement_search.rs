//! Placement searches as evidence: who searched for which approved request
//! and when, with what criteria, what ranked where and why, what was
//! excluded and why — kept whole, so an auditor opens the record exactly
//! as the officer saw it, however the register has changed since.
//!
//! Referrals, offers and the choice are in [`crate::search_referrals`].

use authz::cap::SearchPlacements;
use authz::Can;
use gateway::request::RequestState;
use kernel::{Money, Nation, ProviderId};
use matching::search::PassKind;
use matching::Criteria;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::Row;
use time::Date;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;

kernel::coded!(
    /// Where a search stands.
    SearchState {
        Open = "open", "Results ready; nobody referred yet";
        Referred = "referred", "Referred; awaiting responses";
        Chosen = "chosen", "Offer chosen";
        Closed = "closed", "Closed without a choice";
    }
);

/// How many results per pass keep their full reasons; the rest keep their
/// points, which is what ranked them.
const EXPLAINED_PER_PASS: usize = 25;

/// One ranked result as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultLine {
    pub pass: PassKind,
    pub id: i64,
    pub name: String,
    pub provider_id: Option<ProviderId>,
    /// Place in the search order across passes: 1 is the first suggestion.
    pub rank: u32,
    pub tier: Option<u8>,
    pub total: u32,
    pub weekly: Option<Money>,
    /// (component, points, reason) for the best results of each pass.
    pub reasons: Vec<(String, u8, String)>,
}

/// One excluded candidate and every rule it failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExcludedLine {
    pub pass: PassKind,
    pub id: i64,
    pub name: String,
    pub reasons: Vec<String>,
}

/// What a search found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Findings {
    pub results: Vec<ResultLine>,
    pub excluded: Vec<ExcludedLine>,
    /// How many candidates each rule excluded (one candidate may fail several).
    pub exclusion_counts: Vec<(String, usize)>,
}

/// A search as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Search {
    pub id: i64,
    pub request_id: i64,
    pub searched_by: Option<String>,
    pub searched_at: String,
    pub criteria: Criteria,
    pub findings: Findings,
    pub considered: u32,
    pub state: SearchState,
    pub chosen_referral_id: Option<i64>,
    pub rationale: Option<String>,
    pub chosen_by: Option<String>,
    pub chosen_at: Option<String>,
    pub version: i64,
}

/// Runs the search over `candidates` and records what it found.
pub fn findings(criteria: &Criteria, candidates: &[matching::Candidate]) -> Findings {
    let outcome = matching::search::search(criteria, candidates);
    let mut results = Vec::new();
    let mut excluded = Vec::new();
    let mut counts: Vec<(String, usize)> = Vec::new();
    let mut rank = 0;
    for pass in &outcome.passes {
        let explained = pass.explained(criteria, candidates, EXPLAINED_PER_PASS);
        for ranked in &pass.results {
            rank += 1;
            let reasons = explained
                .iter()
                .find(|(r, _)| r.id == ranked.id)
                .map(|(_, score)| {
                    score
                        .parts
                        .iter()
                        .map(|p| (p.name.to_owned(), p.points, p.reason.clone()))
                        .collect()
                })
                .unwrap_or_default();
            let candidate = &candidates[ranked.index];
            results.push(ResultLine {
                pass: pass.kind,
                id: ranked.id,
                name: candidate.name.clone(),
                provider_id: candidate.provider_id,
                rank,
                tier: ranked.tier,
                total: ranked.total,
                weekly: ranked.weekly,
                reasons,
            });
        }
        for out in &pass.excluded {
            let candidate = &candidates[out.index];
            excluded.push(ExcludedLine {
                pass: pass.kind,
                id: out.id,
                name: candidate.name.clone(),
                reasons: matching::exclusions(criteria, candidate).iter().map(ToString::to_string).collect(),
            });
        }
        for (kind, n) in pass.exclusion_counts() {
            match counts.iter_mut().find(|(label, _)| label == kind.label()) {
                Some((_, total)) => *total += n,
                None => counts.push((kind.label().to_owned(), n)),
            }
        }
    }
    Findings {
        results,
        excluded,
        exclusion_counts: counts,
    }
}

/// Searches for an approved request and records the search.
pub async fn run(
    store: &Store,
    cmd: &mut Command,
    _can: &Can<SearchPlacements>,
    request_id: i64,
    criteria: &Criteria,
    nation: Nation,
    today: Date,
) -> Result<i64, StoreError> {
    let request = crate::requests::load(cmd.conn(), request_id).await?;
    if request.state != RequestState::Approved {
        return Err(StoreError::Rejected(vec![
            "a placement is searched for only once the Gateway has approved the request".into(),
        ]));
    }
    if criteria.categories.is_empty() {
        return Err(StoreError::Invalid(vec![(
            "categories",
            "choose at least one type of placement".to_owned(),
        )]));
    }
    let candidates = crate::search_candidates::candidates(store, nation, today).await?;
    let findings = findings(criteria, &candidates);
    let at = cmd.at_text();
    let by = cmd.actor().user_id().map(kernel::UserId::get);
    let row = sqlx::query(
        "INSERT INTO placement_searches (request_id, searched_by, searched_at, criteria, results, considered, excluded, state, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', 1) RETURNING id",
    )
    .bind(request_id)
    .bind(by)
    .bind(at)
    .bind(serde_json::to_string(criteria).map_err(StoreError::corrupt)?)
    .bind(serde_json::to_string(&findings).map_err(StoreError::corrupt)?)
    .bind(i64::try_from(candidates.len()).unwrap_or(i64::MAX))
    .bind(i64::try_from(findings.excluded.len()).unwrap_or(i64::MAX))
    .fetch_one(cmd.conn())
    .await?;
    let id: i64 = row.try_get(0)?;
    let summary = serde_json::json!({
        "request": request_id,
        "considered": candidates.len(),
        "ranked": findings.results.len(),
        "excluded": findings.excluded.len(),
    });
    cmd.record(Change::new("search.run", "placement search", id, None::<&()>, Some(&summary)))
        .await?;
    Ok(id)
}

const SELECT: &str = "SELECT s.id, s.request_id, u.display_name, s.searched_at, s.criteria, s.results, s.considered, s.state,
        s.chosen_referral_id, s.rationale, c.display_name, s.chosen_at, s.version
    FROM placement_searches s LEFT JOIN users u ON u.id = s.searched_by LEFT JOIN users c ON c.id = s.chosen_by";

fn search_from(row: &AnyRow) -> Result<Search, StoreError> {
    Ok(Search {
        id: row.try_get(0)?,
        request_id: row.try_get(1)?,
        searched_by: row.try_get(2)?,
        searched_at: row.try_get(3)?,
        criteria: serde_json::from_str(&row.try_get::<String, _>(4)?).map_err(StoreError::corrupt)?,
        findings: serde_json::from_str(&row.try_get::<String, _>(5)?).map_err(StoreError::corrupt)?,
        considered: u32::try_from(row.try_get::<i64, _>(6)?).map_err(StoreError::corrupt)?,
        state: row.try_get::<String, _>(7)?.parse().map_err(StoreError::corrupt)?,
        chosen_referral_id: row.try_get(8)?,
        rationale: row.try_get(9)?,
        chosen_by: row.try_get(10)?,
        chosen_at: row.try_get(11)?,
        version: row.try_get(12)?,
    })
}

/// One search.
pub async fn load(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Search, StoreError> {
    let row = sqlx::query(&format!("{SELECT} WHERE s.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound {
            entity: "placement search",
        })?;
    search_from(&row)
}

/// The searches for a request, newest first.
pub async fn for_request(store: &Store, request_id: i64) -> Result<Vec<Search>, StoreError> {
    let rows = sqlx::query(&format!("{SELECT} WHERE s.request_id = $1 ORDER BY s.id DESC"))
        .bind(request_id)
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(search_from).collect()
}

/// Every search, newest first (the evidence list).
pub async fn list(store: &Store) -> Result<Vec<Search>, StoreError> {
    let rows = sqlx::query(&format!("{SELECT} ORDER BY s.id DESC")).fetch_all(store.pool()).await?;
    rows.iter().map(search_from).collect()
}
