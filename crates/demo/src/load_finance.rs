//! Loading the care finance side of the demo county: allowance tables for
//! two years, carer fees proposed and approved by different people, a
//! service agreement for every live placement with an approved basis, and a
//! year of payment runs (monthly for providers, every four weeks for
//! carers), each prepared, approved by a second person, released and
//! exported — with a backdated uplift paid as an adjustment, the latest
//! monthly run approved and waiting to be released, and the latest carers'
//! run waiting for approval.
//!
//! Hearth "went live" a year ago: days before that were paid by the
//! previous finance system, so the first runs are not a pile of arrears.

use authz::cap::{ApprovePayments, ManageFinance};
use authz::{Actor, Can, Role};
use finance::allowances::{AgeBand, AllowanceTable, FeeLevel};
use finance::runs::Cadence;
use finance::Element;
use kernel::months::{add_months, financial_year_start};
use kernel::{Clock, Money, UserId};
use store::{Store, StoreError};
use time::{Date, Duration};

use crate::load_commissioning::holders;
use crate::plan::County;
use crate::random::Random;

/// Keeps this stream apart from the others.
const STREAM: u64 = 0xF1_4A4C_E000;

/// The finance staff who act in the demo: a colleague for the history and
/// the demo accounts for what is left waiting.
struct Staff {
    officer: UserId,
    approver: UserId,
    demo_officer: UserId,
}

/// Loads care finance for a county whose commissioning is loaded.
pub async fn load_finance(store: &Store, clock: &dyn Clock, county: &County, user_ids: &[UserId]) -> Result<(), StoreError> {
    let officers = holders(county, user_ids, Role::FinanceOfficer);
    let approvers = holders(county, user_ids, Role::FinanceApprover);
    let (Some(officer), Some(approver), Some(demo_officer)) = (officers.first(), approvers.first(), officers.last()) else {
        return Ok(());
    };
    let staff = Staff {
        officer: *officer,
        approver: *approver,
        demo_officer: *demo_officer,
    };
    let mut random = Random::new(county.seed ^ STREAM);
    let go_live = go_live(county.today);
    load_tables(store, clock, staff.officer, go_live).await?;
    load_fees(store, clock, &staff, &mut random, county.today).await?;
    load_agreements(store, clock, staff.officer, go_live, county.today).await?;
    load_runs(store, clock, &staff, go_live, county.today).await?;
    let heads = holders(county, user_ids, Role::HeadOfService);
    load_budgets(store, clock, staff.officer, &heads, county.today).await?;
    let colleague = officers.get(1).copied().unwrap_or(staff.demo_officer);
    load_invoices(store, &staff, colleague, &mut random).await
}

/// Providers' invoices for the last three released monthly runs, entered
/// ten days after each month: most match what the run paid; a few bill
/// too much, one repeats an invoice, and one comes from a provider with no
/// agreement. The oldest exceptions are now over 30 days old; one has been
/// resolved by a second officer.
async fn load_invoices(store: &Store, staff: &Staff, colleague: UserId, random: &mut Random) -> Result<(), StoreError> {
    let runs: Vec<store::payment_runs::StoredRun> = store::payment_runs::list(store)
        .await?
        .into_iter()
        .filter(|r| r.run.cadence == Cadence::Monthly && r.release_key.is_some())
        .take(3)
        .collect();
    let paid: std::collections::BTreeSet<i64> = store::service_agreements::list(store)
        .await?
        .iter()
        .filter_map(|s| match s.agreement.payee {
            finance::Payee::Provider(id) => Some(id.get()),
            finance::Payee::Household(_) => None,
        })
        .collect();
    let mut exceptions_made = 0;
    for stored in runs.iter().rev() {
        let entered = stored.run.period.last + Duration::days(10);
        let clock = kernel::FixedClock::on_date(entered);
        let mut cmd = store.begin(Actor::User(staff.officer), &clock).await?;
        let advice = store::payment_runs::remittances(store, stored.run.id.get()).await?;
        for (i, a) in advice.iter().enumerate().filter(|(i, _)| i % 4 == 0) {
            let finance::Payee::Provider(provider) = a.remittance.payee else {
                continue;
            };
            let days_only = Money::sum(a.remittance.lines.iter().filter(|l| l.days > 0).map(|l| l.amount))?;
            let overbilled = exceptions_made < 4 && random.chance(15);
            let invoice = store::invoices::NewInvoice {
                provider_id: provider,
                reference: format!(
                    "INV-{}-{}{:02}-{i}",
                    provider.get(),
                    stored.run.period.first.year(),
                    stored.run.period.first.month() as u8
                ),
                from: stored.run.period.first,
                to: stored.run.period.last,
                amount: if overbilled {
                    days_only.checked_add(pounds(350))?
                } else {
                    days_only
                },
                received_on: entered - Duration::days(3),
            };
            let (_, matched) = store::invoices::enter(&mut cmd, &Can::system(), &invoice).await?;
            if !matched.is_ok() {
                exceptions_made += 1;
            }
            if overbilled && exceptions_made == 1 {
                // The same invoice sent again the next day.
                let mut again = invoice.clone();
                again.received_on = entered - Duration::days(2);
                store::invoices::enter(&mut cmd, &Can::system(), &again).await?;
            }
        }
        cmd.commit().await?;
    }
    // A provider with no agreement invoices for the latest month.
    let stranger = store::providers::list(store)
        .await?
        .into_iter()
        .filter(|p| p.provider_type.is_external())
        .map(|p| p.id)
        .find(|id| !paid.contains(&id.get()));
    if let (Some(provider), Some(latest)) = (stranger, runs.first()) {
        let entered = latest.run.period.last + Duration::days(10);
        let clock = kernel::FixedClock::on_date(entered);
        let mut cmd = store.begin(Actor::User(staff.officer), &clock).await?;
        let invoice = store::invoices::NewInvoice {
            provider_id: provider,
            reference: "SP-0042".into(),
            from: latest.run.period.first,
            to: latest.run.period.last,
            amount: pounds(4_200),
            received_on: entered - Duration::days(1),
        };
        store::invoices::enter(&mut cmd, &Can::system(), &invoice).await?;
        cmd.commit().await?;
    }
    // The colleague resolves the oldest exception; the rest wait.
    let today = runs.first().map_or(Date::MIN, |r| r.run.period.last + Duration::days(10));
    if let Some(oldest) = store::invoices::exceptions(store, true, today).await?.into_iter().next() {
        let clock = kernel::FixedClock::on_date(today);
        let mut cmd = store.begin(Actor::User(colleague), &clock).await?;
        store::invoices::resolve(
            &mut cmd,
            &Can::system(),
            oldest.exception.id,
            oldest.exception.version,
            store::invoices::Outcome::Rejected,
            "Provider agreed the invoice was wrong and will send a credit note",
        )
        .await?;
        cmd.commit().await?;
    }
    Ok(())
}

/// Budgets for this year: residential care set below its forecast (the
/// overspend the scrutiny committee would ask about), the rest a little
/// above. Heads of service hold the lines: the demo head of service holds
/// residential and external fostering.
async fn load_budgets(store: &Store, clock: &dyn Clock, officer: UserId, heads: &[UserId], today: Date) -> Result<(), StoreError> {
    let forecast = store::forecasts::forecast(store, today, None).await?;
    let mut cmd = store.begin(Actor::User(officer), clock).await?;
    for (i, line) in forecast.lines.iter().enumerate() {
        let outturn = line.figures.forecast_outturn;
        let (share, holder) = match line.cost_centre.as_str() {
            "CSC-RES" => (88, heads.last()),
            "CSC-IFA" => (101, heads.last()),
            _ => (104, heads.get(i % heads.len().max(1))),
        };
        // Budgets are set in whole thousands of pounds, as councils do.
        let amount = Money::from_pounds(outturn.apportion(share, 100)?.pence() / 100_000 * 1_000);
        let budget = store::budgets::NewBudget {
            year_start: forecast.year_start,
            cost_centre: line.cost_centre.clone(),
            holder_id: holder.copied(),
            amount,
        };
        store::budgets::set_budget(&mut cmd, &Can::system(), &budget, None).await?;
    }
    cmd.commit().await?;
    Ok(())
}

/// The day the demo council started using Hearth: the first of the month
/// a year ago. Runs start then, and the decision controls test placements
/// made from then on.
pub fn go_live(today: Date) -> Date {
    first_of_month(today - Duration::days(365))
}

fn first_of_month(day: Date) -> Date {
    Date::from_calendar_date(day.year(), day.month(), 1).unwrap_or(day)
}

fn pounds(p: i64) -> Money {
    Money::from_pounds(p)
}

/// Demo allowance rates (invented, in the shape of the national minimum
/// allowance) for the year Hearth went live and the current year.
fn table(year_start: Date, uplift: i64) -> AllowanceTable {
    let band = |age_from, age_to, weekly: i64| AgeBand {
        age_from,
        age_to,
        weekly: pounds(weekly + uplift),
    };
    AllowanceTable {
        year_start,
        bands: vec![
            band(0, 2, 175),
            band(3, 4, 181),
            band(5, 10, 199),
            band(11, 15, 227),
            band(16, 17, 265),
        ],
        fee_levels: (1u8..=3)
            .map(|level| FeeLevel {
                level,
                weekly: pounds(100 * i64::from(level) + uplift),
            })
            .collect(),
    }
}

async fn load_tables(store: &Store, clock: &dyn Clock, officer: UserId, go_live: Date) -> Result<(), StoreError> {
    let first = financial_year_start(go_live);
    let mut cmd = store.begin(Actor::User(officer), clock).await?;
    let can = Can::<ManageFinance>::system();
    store::carer_fees::save_table(&mut cmd, &can, &table(first, 0)).await?;
    store::carer_fees::save_table(&mut cmd, &can, &table(add_months(first, 12), 7)).await?;
    cmd.commit().await?;
    Ok(())
}

/// A fee for every live in-house placement, with a household each.
async fn load_fees(store: &Store, clock: &dyn Clock, staff: &Staff, random: &mut Random, today: Date) -> Result<(), StoreError> {
    let waiting = store::carer_fees::placements_without_fee(store, today).await?;
    let households = store::households::list(store, kernel::Nation::England, 6, today).await?;
    if households.is_empty() {
        return Ok(());
    }
    let mut cmd = store.begin(Actor::User(staff.officer), clock).await?;
    let mut proposed = Vec::new();
    for (i, placement) in waiting.iter().enumerate() {
        let fee = store::carer_fees::NewFee {
            placement_id: placement.placement_id,
            household_id: households[i % households.len()].id,
            fee_level: u8::try_from(random.weighted(&[20, 40, 30, 10])).unwrap_or(1),
            reason: "Skills level agreed at the carers' annual review".into(),
        };
        proposed.push(store::carer_fees::propose(&mut cmd, &Can::system(), &fee).await?);
    }
    cmd.commit().await?;
    let mut cmd = store.begin(Actor::User(staff.approver), clock).await?;
    for id in proposed {
        store::carer_fees::decide(&mut cmd, &Can::<ApprovePayments>::system(), id, 1, true).await?;
    }
    cmd.commit().await?;
    Ok(())
}

/// A service agreement for every placement ready for one; days before the
/// go-live were paid by the old system.
async fn load_agreements(store: &Store, clock: &dyn Clock, officer: UserId, go_live: Date, today: Date) -> Result<(), StoreError> {
    let ready = store::service_agreements::ready(store, today).await?;
    let can = Can::<ManageFinance>::system();
    let mut cmd = store.begin(Actor::User(officer), clock).await?;
    for placement in &ready {
        let terms = store::service_agreements::Terms {
            cadence: if placement.carer_fee_id.is_some() {
                Cadence::FourWeekly
            } else {
                Cadence::Monthly
            },
            cost_centre: String::new(),
        };
        let id = match (placement.placement_agreement_id, placement.carer_fee_id) {
            (Some(agreement), _) => store::service_agreements::create_from_placement_agreement(&mut cmd, &can, agreement, &terms).await?,
            (None, Some(fee)) => store::service_agreements::create_from_carer_fee(&mut cmd, &can, fee, &terms).await?,
            (None, None) => continue,
        };
        if placement.start < go_live {
            store::service_agreements::paid_before_hearth(&mut cmd, &can, id, go_live - Duration::days(1)).await?;
        }
    }
    cmd.commit().await?;
    Ok(())
}

/// The year's runs in date order, each through every step except the last
/// of each cadence; a backdated uplift half way through.
async fn load_runs(store: &Store, clock: &dyn Clock, staff: &Staff, go_live: Date, today: Date) -> Result<(), StoreError> {
    let mut periods: Vec<(Date, Cadence)> = Vec::new();
    for cadence in [Cadence::Monthly, Cadence::FourWeekly] {
        let mut first = go_live;
        while first <= today {
            periods.push((first, cadence));
            first = cadence.period_from(first).last + Duration::days(1);
        }
    }
    periods.sort();
    let last_monthly = periods.iter().rev().find(|(_, c)| *c == Cadence::Monthly).map(|(d, _)| *d);
    let last_carers = periods.iter().rev().find(|(_, c)| *c == Cadence::FourWeekly).map(|(d, _)| *d);
    let uplift_after = add_months(go_live, 6);
    let mut uplifted = false;
    for (first, cadence) in periods {
        if !uplifted && first > uplift_after {
            backdated_uplift(store, clock, staff.officer, add_months(go_live, 5)).await?;
            uplifted = true;
        }
        let is_last_carers = Some(first) == last_carers && cadence == Cadence::FourWeekly;
        let preparer = if is_last_carers { staff.demo_officer } else { staff.officer };
        let run = step(store, clock, preparer, async |cmd| {
            let id = store::payment_runs::draft(cmd, &Can::system(), cadence, first).await?;
            store::payment_runs::calculate(cmd, &Can::system(), id, 1).await?;
            Ok(id)
        })
        .await?;
        if is_last_carers {
            continue;
        }
        step(store, clock, staff.approver, async |cmd| {
            store::payment_runs::approve(cmd, &Can::<ApprovePayments>::system(), run, 2).await
        })
        .await?;
        if Some(first) == last_monthly && cadence == Cadence::Monthly {
            continue;
        }
        step(store, clock, staff.officer, async |cmd| {
            store::payment_runs::release(cmd, &Can::system(), run).await?;
            store::payment_runs::export(cmd, &Can::system(), run).await
        })
        .await?;
    }
    Ok(())
}

/// Runs `work` as one committed command by `actor`.
async fn step<T>(
    store: &Store,
    clock: &dyn Clock,
    actor: UserId,
    work: impl AsyncFnOnce(&mut store::Command) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let mut cmd = store.begin(Actor::User(actor), clock).await?;
    let value = work(&mut cmd).await?;
    cmd.commit().await?;
    Ok(value)
}

/// A 4% uplift on the dearest residential agreement, agreed late and
/// backdated to `from`: the days already paid come back as an adjustment.
async fn backdated_uplift(store: &Store, clock: &dyn Clock, officer: UserId, from: Date) -> Result<(), StoreError> {
    let dearest = store::service_agreements::list(store)
        .await?
        .into_iter()
        .filter(|s| s.agreement.cost_centre.as_str() == "CSC-RES" && s.agreement.live_on(from))
        .max_by_key(|s| s.weekly_on(from));
    let Some(stored) = dearest else {
        return Ok(());
    };
    let mut core = Money::ZERO;
    stored.agreement.for_each_segment(from, from, |segment| {
        if segment.element == Element::CoreFee {
            core = segment.weekly;
        }
    });
    let change = store::service_agreements::RateChange {
        element: Element::CoreFee,
        weekly: core.apportion(104, 100)?,
        from,
        reason: "Annual uplift agreed late with the provider, backdated".into(),
    };
    step(store, clock, officer, async |cmd| {
        store::service_agreements::add_rate(cmd, &Can::system(), stored.agreement.id.get(), stored.version, &change).await
    })
    .await?;
    Ok(())
}
