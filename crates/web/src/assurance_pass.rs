//! Running the controls library over all data: from the "Run the controls
//! now" button and from the background jobs (at most hourly), with the
//! council's rules, home authority and control thresholds from the state.

use store::control_facts::Context;
use store::controls::PassSummary;
use store::StoreError;
use time::Duration;

use crate::AppState;

/// One pass now.
pub async fn run_pass(state: &AppState) -> Result<PassSummary, StoreError> {
    let rules = state.rules();
    let context = Context {
        rules: &rules,
        home_authority: &state.config.home_authority,
    };
    store::controls::run_pass(&state.store, state.clock.as_ref(), &context, &state.config.controls).await
}

/// A pass when the last one is older than `every` (or there is none).
pub async fn run_if_due(state: &AppState, every: Duration) -> Result<Option<PassSummary>, StoreError> {
    let due = match store::controls::last_pass(&state.store).await? {
        None => true,
        Some((_, _, run_at)) => store::timestamp::parse_instant(&run_at)? + every <= state.clock.now(),
    };
    if due {
        run_pass(state).await.map(Some)
    } else {
        Ok(None)
    }
}
