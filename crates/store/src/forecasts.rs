//! The year's forecast: budget against what has been paid and what live
//! agreements commit the council to by 31 March, the what-if of a price
//! uplift, and the schedule of recharges to education and health.
//!
//! Nothing here is stored: the figures are derived each time from budgets,
//! calculated payment runs and service agreements by the pure functions in
//! `finance::forecast`, so the forecast can never disagree with the runs.
//!
//! - Actual to date is every payment line of a run that has been
//!   calculated (or gone further) whose period starts in the year.
//! - Committed is each agreement's cost from the day after it was last paid
//!   (or its start, or 1 April, whichever is latest) to 31 March, plus
//!   adjustments for backdated changes still waiting for a run: those are
//!   owed, and leaving them out would understate the outturn.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use finance::forecast::{self, financial_year_end, Commitment, Uplift, Variance};
use finance::service::{Payee, ServiceAgreement};
use finance::AgreementId;
use kernel::months::financial_year_start;
use kernel::{Money, UserId};
use placements::PlacementCategory;
use serde::Serialize;
use sqlx::Row;
use time::{Date, Duration};

use crate::budgets::{self, year_label};
use crate::db::Store;
use crate::error::StoreError;
use crate::service_agreements::{self, Stored};
use crate::timestamp::{date_text, parse_date};

/// One cost centre's line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub cost_centre: String,
    /// Whether a budget was set; spend without one still shows, against 0.
    pub budgeted: bool,
    pub holder_id: Option<UserId>,
    pub holder_name: Option<String>,
    #[serde(flatten)]
    pub figures: Variance,
}

impl Line {
    /// The forecast outturn is above the budget.
    pub fn overspent(&self) -> bool {
        self.figures.variance.is_negative()
    }
}

/// Commitments for one placement type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TypeTotal {
    pub placement_type: PlacementCategory,
    pub label: &'static str,
    pub committed: Money,
}

/// Commitments to one payee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayeeTotal {
    pub payee: Payee,
    pub name: String,
    pub committed: Money,
}

/// The forecast for a financial year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Forecast {
    pub year_start: Date,
    pub year_end: Date,
    pub year: String,
    pub today: Date,
    /// Set when only the lines this person holds are included.
    pub holder: Option<UserId>,
    pub lines: Vec<Line>,
    pub total: Variance,
    pub by_placement_type: Vec<TypeTotal>,
    pub by_payee: Vec<PayeeTotal>,
}

/// Everything the forecast and the what-if read, for one year and viewer.
struct Inputs {
    year_start: Date,
    budgets: Vec<budgets::Budget>,
    agreements: Vec<Stored>,
    /// The cost centres the viewer may see; `None` for all.
    visible: Option<HashSet<String>>,
}

impl Inputs {
    async fn load(store: &Store, today: Date, holder: Option<UserId>) -> Result<Inputs, StoreError> {
        let year_start = financial_year_start(today);
        let budgets = budgets::budgets(store, year_start).await?;
        let visible = holder.map(|holder| {
            budgets
                .iter()
                .filter(|b| b.holder_id == Some(holder))
                .map(|b| b.cost_centre.clone())
                .collect()
        });
        let agreements = service_agreements::list(store).await?;
        Ok(Inputs {
            year_start,
            budgets,
            agreements,
            visible,
        })
    }

    fn shows(&self, cost_centre: &str) -> bool {
        self.visible.as_ref().is_none_or(|v| v.contains(cost_centre))
    }

    /// The agreements on visible cost centres, as agreed.
    fn agreements(&self) -> Vec<ServiceAgreement> {
        self.agreements
            .iter()
            .filter(|s| self.shows(s.agreement.cost_centre.as_str()))
            .map(|s| s.agreement.clone())
            .collect()
    }
}

/// The forecast for the financial year containing `today`. With `holder`,
/// only the cost centres whose budget that person holds are included.
pub async fn forecast(store: &Store, today: Date, holder: Option<UserId>) -> Result<Forecast, StoreError> {
    let inputs = Inputs::load(store, today, holder).await?;
    let year_start = inputs.year_start;
    let year_end = financial_year_end(year_start);
    let actuals = actual_to_date(store, year_start, year_end).await?;
    let commitments = commitments(store, &inputs).await?;
    let committed = forecast::by_cost_centre(&commitments)?;

    let mut centres: BTreeSet<String> = inputs.budgets.iter().map(|b| b.cost_centre.clone()).collect();
    centres.extend(actuals.keys().cloned());
    centres.extend(committed.keys().map(|c| c.as_str().to_owned()));
    let mut lines = Vec::new();
    for centre in centres.into_iter().filter(|c| inputs.shows(c)) {
        let budget = inputs.budgets.iter().find(|b| b.cost_centre == centre);
        let actual = actuals.get(&centre).copied().unwrap_or(Money::ZERO);
        let commitment = committed.get(&finance::CostCentre::new(&centre)).copied().unwrap_or(Money::ZERO);
        lines.push(Line {
            figures: forecast::variance(budget.map_or(Money::ZERO, |b| b.amount), actual, commitment)?,
            budgeted: budget.is_some(),
            holder_id: budget.and_then(|b| b.holder_id),
            holder_name: budget.and_then(|b| b.holder_name.clone()),
            cost_centre: centre,
        });
    }
    let total = forecast::variance(
        Money::sum(lines.iter().map(|l| l.figures.budget))?,
        Money::sum(lines.iter().map(|l| l.figures.actual_to_date))?,
        Money::sum(lines.iter().map(|l| l.figures.committed))?,
    )?;
    let names = crate::payment_runs::payee_names(store).await?;
    let mut by_payee: Vec<PayeeTotal> = forecast::by_payee(&commitments)?
        .into_iter()
        .map(|(payee, committed)| PayeeTotal {
            name: names.get(&payee).cloned().unwrap_or_else(|| payee.to_string()),
            payee,
            committed,
        })
        .collect();
    // Largest first: the providers the year depends on most.
    by_payee.sort_by(|a, b| b.committed.cmp(&a.committed).then_with(|| a.name.cmp(&b.name)));
    Ok(Forecast {
        year_start,
        year_end,
        year: year_label(year_start),
        today,
        holder,
        lines,
        total,
        by_placement_type: forecast::by_placement_type(&commitments)?
            .into_iter()
            .map(|(placement_type, committed)| TypeTotal {
                placement_type,
                label: placement_type.label(),
                committed,
            })
            .collect(),
        by_payee,
    })
}

/// Paid (calculated runs and later) per cost centre, for runs whose period
/// starts in the year.
async fn actual_to_date(store: &Store, year_start: Date, year_end: Date) -> Result<BTreeMap<String, Money>, StoreError> {
    let rows = sqlx::query(
        "SELECT l.cost_centre, CAST(COALESCE(SUM(l.amount_pence), 0) AS BIGINT)
         FROM payment_lines l JOIN payment_runs r ON r.id = l.run_id
         WHERE r.state IN ('calculated', 'approved', 'released', 'exported') AND r.period_first >= $1 AND r.period_first <= $2
         GROUP BY l.cost_centre",
    )
    .bind(date_text(year_start))
    .bind(date_text(year_end))
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get::<String, _>(0)?, Money::from_pence(row.try_get(1)?))))
        .collect()
}

/// What visible agreements commit to the year end, unpaid days only, with
/// adjustments still waiting for a run.
async fn commitments(store: &Store, inputs: &Inputs) -> Result<Vec<Commitment>, StoreError> {
    let unpaid: Vec<ServiceAgreement> = inputs
        .agreements
        .iter()
        .filter(|s| inputs.shows(s.agreement.cost_centre.as_str()))
        .map(|stored| {
            // Days up to `paid_through` are in a run (actual); committing
            // them again would count them twice.
            let mut agreement = stored.agreement.clone();
            if let Some(paid) = stored.paid_through {
                agreement.start = agreement.start.max(paid + Duration::days(1));
            }
            agreement
        })
        .collect();
    let mut commitments = forecast::committed(&unpaid, inputs.year_start)?;
    let pending = pending_adjustments(store).await?;
    for stored in &inputs.agreements {
        let agreement = &stored.agreement;
        match pending.get(&agreement.id) {
            Some(&amount) if amount != Money::ZERO && inputs.shows(agreement.cost_centre.as_str()) => commitments.push(Commitment {
                agreement: agreement.id,
                cost_centre: agreement.cost_centre.clone(),
                placement_type: agreement.placement_type,
                payee: agreement.payee,
                amount,
            }),
            _ => {}
        }
    }
    Ok(commitments)
}

/// Adjustments no run has claimed yet, per agreement.
async fn pending_adjustments(store: &Store) -> Result<HashMap<AgreementId, Money>, StoreError> {
    let rows = sqlx::query(
        "SELECT service_agreement_id, CAST(COALESCE(SUM(amount_pence), 0) AS BIGINT) FROM payment_adjustments
         WHERE run_id IS NULL GROUP BY service_agreement_id",
    )
    .fetch_all(store.pool())
    .await?;
    rows.iter()
        .map(|row| Ok((AgreementId::new(row.try_get(0)?), Money::from_pence(row.try_get(1)?))))
        .collect()
}

/// The what-if of a price uplift.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WhatIf {
    pub basis_points: i64,
    pub from: Date,
    pub year_end: Date,
    pub overall: Uplift,
    pub by_cost_centre: Vec<(String, Uplift)>,
}

/// The most an uplift may be, either way: 100%.
const MAX_BASIS_POINTS: i64 = 10_000;

/// What raising every rate by `basis_points` (350 is 3.5%) from `from`
/// would add to the cost of the year containing `today`, overall and per
/// cost centre. Days already paid count too: an uplift back-dated before
/// them would be paid as adjustments, so it costs the same.
pub async fn what_if(store: &Store, today: Date, basis_points: i64, from: Date, holder: Option<UserId>) -> Result<WhatIf, StoreError> {
    let year_start = financial_year_start(today);
    let year_end = financial_year_end(year_start);
    let mut problems = Vec::new();
    if !(-MAX_BASIS_POINTS..=MAX_BASIS_POINTS).contains(&basis_points) {
        problems.push(("uplift", "Enter an uplift between -100% and 100%".to_owned()));
    }
    if from < year_start || from > year_end {
        problems.push((
            "from",
            format!(
                "The uplift must start within {} ({} to {})",
                year_label(year_start),
                year_start,
                year_end
            ),
        ));
    }
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    let inputs = Inputs::load(store, today, holder).await?;
    let agreements = inputs.agreements();
    let mut groups: BTreeMap<String, Vec<ServiceAgreement>> = BTreeMap::new();
    for agreement in &agreements {
        groups
            .entry(agreement.cost_centre.as_str().to_owned())
            .or_default()
            .push(agreement.clone());
    }
    let mut by_cost_centre = Vec::new();
    for (centre, group) in groups {
        let uplift = forecast::what_if_uplift(&group, from, basis_points)?;
        if uplift.current != Money::ZERO || uplift.uplifted != Money::ZERO {
            by_cost_centre.push((centre, uplift));
        }
    }
    Ok(WhatIf {
        basis_points,
        from,
        year_end,
        overall: forecast::what_if_uplift(&agreements, from, basis_points)?,
        by_cost_centre,
    })
}

/// Reads a percentage such as "3.5" or "-2" into basis points (350, -200)
/// without floats; at most two decimal places.
pub fn basis_points(text: &str) -> Option<i64> {
    let text = text.trim().trim_end_matches('%').trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || fraction.len() > 2 || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let fraction: i64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<2}").parse().ok()?
    };
    let points = whole.checked_mul(100)?.checked_add(fraction)?;
    Some(if negative { -points } else { points })
}

/// Basis points as a percentage for people: 350 → "3.5%".
pub fn percent_label(basis_points: i64) -> String {
    let sign = if basis_points < 0 { "-" } else { "" };
    let magnitude = basis_points.unsigned_abs();
    let (whole, fraction) = (magnitude / 100, magnitude % 100);
    match fraction {
        0 => format!("{sign}{whole}%"),
        f if f % 10 == 0 => format!("{sign}{whole}.{}%", f / 10),
        f => format!("{sign}{whole}.{f:02}%"),
    }
}

/// One run's recharge to a partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunRecharge {
    pub run_id: i64,
    pub period_first: Date,
    pub period_last: Date,
    pub amount: Money,
}

/// Everything recharged to one partner in the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartnerSchedule {
    /// `education` or `health`.
    pub partner: &'static str,
    pub label: &'static str,
    pub runs: Vec<RunRecharge>,
    pub total: Money,
}

/// One agreement's share of a run, for the CSV a partner is invoiced with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RechargeLine {
    pub run_id: i64,
    pub period_first: Date,
    pub period_last: Date,
    pub partner: String,
    pub agreement_id: i64,
    pub la_child_id: String,
    pub payee_name: String,
    pub cost_centre: String,
    pub amount: Money,
}

/// The year's recharges by partner and run, with the detail behind them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RechargeSchedule {
    pub year_start: Date,
    pub year_end: Date,
    pub year: String,
    pub partners: Vec<PartnerSchedule>,
    pub lines: Vec<RechargeLine>,
    pub total: Money,
}

/// The partners recharged, in the order schedules list them.
pub const PARTNERS: [(&str, &str); 2] = [
    ("education", "Education (the local authority's education budget)"),
    ("health", "Health (integrated care board)"),
];

/// Recharges written by released runs whose period starts in the year that
/// `year_start` falls in.
pub async fn recharge_schedule(store: &Store, year_start: Date) -> Result<RechargeSchedule, StoreError> {
    let year_start = financial_year_start(year_start);
    let year_end = financial_year_end(year_start);
    let rows = sqlx::query(
        "SELECT r.run_id, pr.period_first, pr.period_last, r.partner, r.service_agreement_id, c.la_child_id,
                COALESCE(pv.name, h.name, ''), s.cost_centre, r.amount_pence
         FROM recharges r JOIN payment_runs pr ON pr.id = r.run_id
         JOIN service_agreements s ON s.id = r.service_agreement_id
         JOIN placements p ON p.id = s.placement_id JOIN children c ON c.id = p.child_id
         LEFT JOIN providers pv ON s.payee_kind = 'provider' AND pv.id = s.payee_id
         LEFT JOIN foster_households h ON s.payee_kind = 'household' AND h.id = s.payee_id
         WHERE pr.period_first >= $1 AND pr.period_first <= $2
         ORDER BY r.partner, pr.period_first, r.run_id, r.service_agreement_id, r.id",
    )
    .bind(date_text(year_start))
    .bind(date_text(year_end))
    .fetch_all(store.pool())
    .await?;
    let lines: Vec<RechargeLine> = rows
        .iter()
        .map(|row| {
            Ok(RechargeLine {
                run_id: row.try_get(0)?,
                period_first: parse_date(&row.try_get::<String, _>(1)?)?,
                period_last: parse_date(&row.try_get::<String, _>(2)?)?,
                partner: row.try_get(3)?,
                agreement_id: row.try_get(4)?,
                la_child_id: row.try_get(5)?,
                payee_name: row.try_get(6)?,
                cost_centre: row.try_get(7)?,
                amount: Money::from_pence(row.try_get(8)?),
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let mut partners = Vec::new();
    for (partner, label) in PARTNERS {
        let mut runs: Vec<RunRecharge> = Vec::new();
        for line in lines.iter().filter(|l| l.partner == partner) {
            match runs.last_mut() {
                Some(run) if run.run_id == line.run_id => run.amount = run.amount.checked_add(line.amount)?,
                _ => runs.push(RunRecharge {
                    run_id: line.run_id,
                    period_first: line.period_first,
                    period_last: line.period_last,
                    amount: line.amount,
                }),
            }
        }
        partners.push(PartnerSchedule {
            partner,
            label,
            total: Money::sum(runs.iter().map(|r| r.amount))?,
            runs,
        });
    }
    Ok(RechargeSchedule {
        year_start,
        year_end,
        year: year_label(year_start),
        total: Money::sum(partners.iter().map(|p| p.total))?,
        partners,
        lines,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_read_to_basis_points_without_floats() {
        assert_eq!(basis_points("3.5"), Some(350));
        assert_eq!(basis_points("3.25%"), Some(325));
        assert_eq!(basis_points("-2"), Some(-200));
        assert_eq!(basis_points(".5"), Some(50));
        assert_eq!(basis_points("10"), Some(1_000));
        for bad in ["", "3.555", "abc", "1e2", "-", "."] {
            assert_eq!(basis_points(bad), None, "{bad}");
        }
        assert_eq!(percent_label(350), "3.5%");
        assert_eq!(percent_label(325), "3.25%");
        assert_eq!(percent_label(-200), "-2%");
        assert_eq!(percent_label(5), "0.05%");
    }
}
