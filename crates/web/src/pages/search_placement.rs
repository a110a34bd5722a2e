//! From a chosen offer to the child's placement: the child's record opens
//! with the care-history form already filled in from the offer (the
//! provider, its setting's URN and postcode, the type of placement and the
//! weekly price), so the social worker only adds the date and the reason
//! and the placement is recorded as it was agreed. Recording it still
//! goes through every check (history, accreditation on the day).

use authz::cap::RecordChildren;
use axum::extract::{Path, State};
use axum::response::Response;
use kernel::SettingId;
use matching::search::PassKind;
use placements::PlacementCategory;
use providers::foster::ApprovalType;

use crate::auth::Authorized;
use crate::error::AppError;
use crate::form::FormData;
use crate::pages::monitoring::MonitoringView;
use crate::pages::record::render_with_care;
use crate::pages::{path_id, Chrome};
use crate::AppState;

/// The care form's values for the offer a search chose.
async fn prefill(state: &AppState, search_id: i64) -> Result<(kernel::ChildId, FormData), AppError> {
    let mut conn = state.store.pool().acquire().await.map_err(store::StoreError::from)?;
    let search = store::placement_search::load(&mut conn, search_id).await?;
    let chosen = search.chosen_referral_id.ok_or(AppError::NotFound)?;
    let referral = store::search_referrals::of_search(&mut conn, search_id)
        .await?
        .into_iter()
        .find(|r| r.id == chosen)
        .ok_or(AppError::NotFound)?;
    let request = store::requests::find(&state.store, search.request_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let history = store::care_history::history_of(&state.store, request.child_id).await?;
    let in_care = history.periods.iter().any(|(_, p)| p.end.is_none());
    let mut pairs: Vec<(String, String)> = vec![
        ("change".into(), if in_care { "move-placement" } else { "start-period" }.into()),
        (
            "weekly_cost".into(),
            referral.offer_weekly.unwrap_or_default().to_string().replace(['£', ','], ""),
        ),
    ];
    let (category, provider_type, postcode) = if referral.pass == PassKind::InHouse {
        let household = MonitoringView::households(state)
            .await?
            .into_iter()
            .find(|h| h.id == referral.candidate_id)
            .ok_or(AppError::NotFound)?;
        let kin = matches!(
            household.household.approval_type,
            ApprovalType::Kinship | ApprovalType::KinshipTemporary
        );
        let category = if kin {
            PlacementCategory::Kinship
        } else {
            PlacementCategory::InHouseFoster
        };
        (category, "PR1".to_owned(), household.household.postcode)
    } else {
        let setting = store::providers::setting(&mut conn, SettingId::new(referral.candidate_id)).await?;
        let provider = store::providers::details(&mut conn, setting.provider_id).await?;
        pairs.push(("provider_id".into(), setting.provider_id.to_string()));
        if let Some(number) = setting.setting.registration_number {
            pairs.push(("urn".into(), number));
        }
        let category = setting
            .setting
            .setting_type
            .categories()
            .first()
            .copied()
            .unwrap_or(PlacementCategory::Other);
        (
            category,
            provider.organisation.provider_type.code().to_owned(),
            setting.setting.postcode,
        )
    };
    pairs.extend([
        ("category".into(), category.code().to_owned()),
        ("place".into(), category.usual_place_code().to_owned()),
        ("provider_type".into(), provider_type),
        ("postcode".into(), postcode),
    ]);
    Ok((request.child_id, FormData::from_pairs(pairs)))
}

/// GET /searches/{id}/placement: the child's record, ready to record the
/// placement chosen.
pub async fn record_placement(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<RecordChildren>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let (child, care) = prefill(&state, path_id(&id)?).await?;
    render_with_care(&state, chrome, &auth.principal, child, Vec::new(), care).await
}
