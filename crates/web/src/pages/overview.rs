//! The placements overview for members and leaders: aggregates only.
//!
//! No child is identifiable here. Counts below the disclosure threshold are
//! shown as "fewer than 5" and their costs withheld, because in a small
//! county a count of 1 plus a cost can identify a child.

use askama::Template;
use authz::cap::ViewAggregates;
use axum::extract::State;
use axum::response::Html;
use kernel::Money;

use crate::auth::Authorized;
use crate::error::AppError;
use crate::pages::{render, Chrome};
use crate::AppState;

/// Counts below this are suppressed.
pub const DISCLOSURE_THRESHOLD: i64 = 5;

struct Line {
    label: &'static str,
    children: String,
    weekly_cost: String,
    annual_cost: String,
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    chrome: Chrome,
    council_name: String,
    as_at: String,
    lines: Vec<Line>,
    total_children: i64,
    total_weekly: Money,
    total_annual: Money,
    threshold: i64,
}

fn annual(weekly: Money) -> Result<Money, AppError> {
    weekly.apportion(365, 7).map_err(|e| AppError::Internal(e.to_string()))
}

/// Which rows to withhold: every count under the threshold, and, if any
/// is withheld, the next smallest count too, so that subtracting the shown
/// rows from the total never reveals a withheld one.
pub fn suppressed_rows(counts: &[i64]) -> Vec<bool> {
    let mut suppressed: Vec<bool> = counts.iter().map(|n| *n > 0 && *n < DISCLOSURE_THRESHOLD).collect();
    if suppressed.iter().filter(|s| **s).count() == 1 {
        let next = counts
            .iter()
            .enumerate()
            .filter(|(i, n)| !suppressed[*i] && **n > 0)
            .min_by_key(|(_, n)| **n)
            .map(|(i, _)| i);
        if let Some(index) = next {
            suppressed[index] = true;
        }
    }
    suppressed
}

pub async fn show(State(state): State<AppState>, chrome: Chrome, _auth: Authorized<ViewAggregates>) -> Result<Html<String>, AppError> {
    let today = state.clock.today();
    let mix = store::stats::placement_mix(&state.store, today).await?;
    let suppressed = suppressed_rows(&mix.iter().map(|l| l.children).collect::<Vec<_>>());
    let mut lines = Vec::new();
    for (line, suppressed) in mix.iter().zip(suppressed) {
        lines.push(Line {
            label: line.category.label(),
            children: if suppressed {
                format!("fewer than {DISCLOSURE_THRESHOLD}")
            } else {
                line.children.to_string()
            },
            weekly_cost: if suppressed {
                "withheld".to_owned()
            } else {
                line.weekly_cost.to_string()
            },
            annual_cost: if suppressed {
                "withheld".to_owned()
            } else {
                annual(line.weekly_cost)?.to_string()
            },
        });
    }
    let total_weekly = Money::sum(mix.iter().map(|l| l.weekly_cost)).map_err(|e| AppError::Internal(e.to_string()))?;
    let page = OverviewPage {
        chrome,
        council_name: state.config.council_name.clone(),
        as_at: kernel::dates::format_long_date(today),
        lines,
        total_children: mix.iter().map(|l| l.children).sum(),
        total_weekly,
        total_annual: annual(total_weekly)?,
        threshold: DISCLOSURE_THRESHOLD,
    };
    render(&page)
}

#[cfg(test)]
mod tests {
    use super::suppressed_rows;

    #[test]
    fn small_counts_and_a_complement_are_withheld() {
        assert_eq!(suppressed_rows(&[3, 19, 16, 7]), [true, false, false, true]);
        assert_eq!(
            suppressed_rows(&[3, 2, 16]),
            [true, true, false],
            "two withheld already protect each other"
        );
        assert_eq!(suppressed_rows(&[10, 20]), [false, false]);
    }
}
