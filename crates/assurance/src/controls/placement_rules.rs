//! The rules that test placements: Gateway approval and ratification,
//! high-cost reviews, the provider's standing, under-16s in unregulated
//! settings, agreements, out-of-area monitoring and record consistency.
//!
//! A placement that has not started by `today` is not tested by any rule
//! except data quality: nothing has happened yet that could break them.

use time::Date;

use super::settings::{day_after, days_after};
use super::{fail, ControlId, Detail, Outcome, Settings, Subject};
use crate::facts::Placement;
use crate::snapshot::{At, Snapshot};

/// An exception about `placement`, linked to its child.
fn on_placement(control: ControlId, placement: At<'_, Placement>, since: Date, detail: Detail) -> Outcome {
    fail(control, Subject::Placement(placement.id), Some(placement.child), since, detail)
}

/// Whether a thing due by `due` was done on time, is not yet due, was done
/// late, or is overdue on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Timeliness {
    OnTime,
    NotYetDue,
    Late(Date),
    Overdue,
}

pub(super) fn timeliness(done: Option<Date>, due: Date, today: Date) -> Timeliness {
    match done {
        Some(done) if done <= due => Timeliness::OnTime,
        Some(done) => Timeliness::Late(done),
        None if today > due => Timeliness::Overdue,
        None => Timeliness::NotYetDue,
    }
}

/// GK-01. Tests every non-emergency placement that has started. Raises an
/// exception when there is no Gateway approval, or the approval is dated
/// after the placement's start; `since` is the start.
pub(super) fn gateway_approval(snapshot: &Snapshot, settings: &Settings, placement: At<'_, Placement>) -> Outcome {
    if placement.emergency || !placement.has_started(snapshot.today()) || !settings.tests_decision_on(placement.start) {
        return Outcome::NotTested;
    }
    let start = placement.start;
    match placement.gateway {
        None => on_placement(ControlId::Gk01, placement, start, Detail::NoGatewayApproval { start }),
        Some(approval) if approval.approved_on > start => {
            let detail = Detail::ApprovedAfterStart {
                request: approval.request_id,
                approved_on: approval.approved_on,
                start,
            };
            on_placement(ControlId::Gk01, placement, start, detail)
        }
        Some(_) => Outcome::Passed,
    }
}

/// GK-02. Tests every emergency placement that has started. It must be
/// ratified within `ratification_days` calendar days of its start (on or
/// before start + days); an exception when it was ratified later or is
/// still unratified after that day, `since` the day after it was due.
pub(super) fn emergency_ratified(snapshot: &Snapshot, settings: &Settings, placement: At<'_, Placement>) -> Outcome {
    if !placement.emergency || !placement.has_started(snapshot.today()) || !settings.tests_decision_on(placement.start) {
        return Outcome::NotTested;
    }
    let due = days_after(placement.start, settings.ratification_days);
    match timeliness(placement.ratified_on, due, snapshot.today()) {
        Timeliness::OnTime | Timeliness::NotYetDue => Outcome::Passed,
        Timeliness::Late(ratified_on) => on_placement(
            ControlId::Gk02,
            placement,
            day_after(due),
            Detail::RatifiedLate { ratified_on, due },
        ),
        Timeliness::Overdue => on_placement(ControlId::Gk02, placement, day_after(due), Detail::NotRatified { due }),
    }
}

/// GK-03. Tests every started placement whose weekly cost is at least
/// `high_cost_weekly`. A review is due `high_cost_review_days` after the
/// later of its start and its last review; an exception when the child
/// was still in the placement the day after that and that day has come,
/// `since` that day. Only the latest review is recorded, so an earlier gap
/// that a later review closed is not seen.
pub(super) fn high_cost_reviewed(snapshot: &Snapshot, settings: &Settings, placement: At<'_, Placement>) -> Outcome {
    if placement.weekly_cost < settings.high_cost_weekly || !placement.has_started(snapshot.today()) {
        return Outcome::NotTested;
    }
    let basis = placement
        .high_cost_reviewed_on
        .map_or(placement.start, |reviewed| reviewed.max(placement.start));
    let due = days_after(basis, settings.high_cost_review_days);
    let first_late = day_after(due);
    if first_late <= snapshot.today() && placement.is_live_on(first_late) {
        let detail = Detail::HighCostNotReviewed {
            weekly_cost: placement.weekly_cost,
            due,
        };
        on_placement(ControlId::Gk03, placement, first_late, detail)
    } else {
        Outcome::Passed
    }
}

/// CM-01. Tests every started placement with a provider. An exception when
/// any day of the placement up to `today` falls in a period in which the
/// provider was not accredited, had let its registration lapse or was
/// suspended; `since` is the first such day (one exception per placement,
/// for the earliest period).
pub(super) fn provider_in_standing(snapshot: &Snapshot, _: &Settings, placement: At<'_, Placement>) -> Outcome {
    let Some(provider) = placement.provider else {
        return Outcome::NotTested;
    };
    if !placement.has_started(snapshot.today()) {
        return Outcome::NotTested;
    }
    let end = placement.end_by(snapshot.today());
    // Sorted by `from`, so the first period that overlaps starts the earliest breach.
    let breach = snapshot.standings_of(provider).iter().take_while(|s| s.from < end).find_map(|s| {
        let from = s.from.max(placement.start);
        let until = s.to.map_or(end, |to| to.min(end));
        (from < until).then_some((from, s.issue))
    });
    match breach {
        Some((from, issue)) => on_placement(
            ControlId::Cm01,
            placement,
            from,
            Detail::ProviderNotInStanding { provider, issue, from },
        ),
        None => Outcome::Passed,
    }
}

/// CM-02. Tests every started placement that is not in a regulated
/// setting, while a ban date is set. An exception when, on some day of the
/// placement up to `today` on or after the ban date, the child was under
/// 16; `since` is the first such day. A child not on record is left to
/// DQ-01, since their age is unknown.
pub(super) fn no_under_16s_unregulated(snapshot: &Snapshot, settings: &Settings, placement: At<'_, Placement>) -> Outcome {
    let Some(ban_from) = settings.unregulated_under_16_from else {
        return Outcome::NotTested;
    };
    if placement.regulated || !placement.has_started(snapshot.today()) {
        return Outcome::NotTested;
    }
    let Some(child) = snapshot.child_placed(placement) else {
        return Outcome::NotTested;
    };
    let sixteenth_birthday = sixteenth_birthday(child.date_of_birth);
    let from = placement.start.max(ban_from);
    let until = placement.end_by(snapshot.today()).min(sixteenth_birthday);
    if from < until {
        on_placement(
            ControlId::Cm02,
            placement,
            from,
            Detail::UnderSixteenUnregulated { from, sixteenth_birthday },
        )
    } else {
        Outcome::Passed
    }
}

/// The day a child born on `date_of_birth` turns 16. A child born on 29
/// February turns 16 on 28 February in a common year, as
/// `children::identity::age_on` counts birthdays.
pub fn sixteenth_birthday(date_of_birth: Date) -> Date {
    let year = date_of_birth.year() + 16;
    Date::from_calendar_date(year, date_of_birth.month(), date_of_birth.day())
        .or_else(|_| Date::from_calendar_date(year, date_of_birth.month(), 28))
        .unwrap_or(Date::MAX)
}

/// CT-01. Tests every started external placement. Some agreement for it
/// must be signed by both parties on or before its start plus
/// `agreement_grace_days`; an exception when the earliest such signature
/// is later, or there is none once that day has passed; `since` the day
/// after it was due.
pub(super) fn agreement_signed(snapshot: &Snapshot, settings: &Settings, placement: At<'_, Placement>) -> Outcome {
    if !placement.external || !placement.has_started(snapshot.today()) || !settings.tests_decision_on(placement.start) {
        return Outcome::NotTested;
    }
    let due = days_after(placement.start, settings.agreement_grace_days);
    let signed = snapshot.agreements_of(placement).iter().filter_map(|a| a.fully_signed_on).min();
    match timeliness(signed, due, snapshot.today()) {
        Timeliness::OnTime | Timeliness::NotYetDue => Outcome::Passed,
        Timeliness::Late(signed_on) => on_placement(
            ControlId::Ct01,
            placement,
            day_after(due),
            Detail::AgreementSignedLate { signed_on, due },
        ),
        Timeliness::Overdue => on_placement(ControlId::Ct01, placement, day_after(due), Detail::NoSignedAgreement { due }),
    }
}

/// MN-01. Tests every started out-of-area placement; an exception when it
/// has no monitoring officer, `since` its start.
pub(super) fn out_of_area_monitored(snapshot: &Snapshot, _: &Settings, placement: At<'_, Placement>) -> Outcome {
    if !placement.out_of_area || !placement.has_started(snapshot.today()) {
        return Outcome::NotTested;
    }
    if placement.monitoring_officer.is_some() {
        Outcome::Passed
    } else {
        on_placement(ControlId::Mn01, placement, placement.start, Detail::NoMonitoringOfficer)
    }
}

/// DQ-01. Tests every placement, started or not. An exception, first
/// match only, when its child is not on record, it ends before it starts,
/// it starts before the child's date of birth, or it shares a day with an
/// earlier-starting placement of the same child; `since` is its start (or
/// `today`, for a placement yet to start).
pub(super) fn placement_consistent(snapshot: &Snapshot, _: &Settings, placement: At<'_, Placement>) -> Outcome {
    let start = placement.start;
    let since = start.min(snapshot.today());
    let Some(child) = snapshot.child_placed(placement) else {
        return on_placement(ControlId::Dq01, placement, since, Detail::UnknownChild);
    };
    if let Some(end) = placement.end.filter(|end| *end < start) {
        return on_placement(ControlId::Dq01, placement, since, Detail::EndsBeforeStart { start, end });
    }
    if start < child.date_of_birth {
        return on_placement(ControlId::Dq01, placement, since, Detail::StartsBeforeBirth { start });
    }
    match snapshot.overlap_of(placement) {
        Some(other) => on_placement(ControlId::Dq01, placement, since, Detail::OverlapsPlacement { other }),
        None => Outcome::Passed,
    }
}
