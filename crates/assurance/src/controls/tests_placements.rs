//! One test per placement control: it fires on a crafted case, with the
//! right subject, child and `since`, and stays silent on a clean one.

use kernel::{ChildId, PlacementId, ProviderId, UserId};
use time::macros::date;

use super::{ControlId, Detail, Settings, Subject};
use crate::facts::{GatewayApproval, Placement, ProviderStanding, StandingIssue};
use crate::fixtures::{days, external, placement, run, run_with, with_placements, TODAY};
use crate::ids::RequestId;

const START: time::Date = date!(2026 - 03 - 02);

fn one(control: ControlId, placement: Placement) -> Vec<super::Exception> {
    run(control, with_placements(vec![placement]))
}

#[test]
fn gk01_placement_without_gateway_approval_fires() {
    let clean = placement(1, 1, START);
    assert!(one(ControlId::Gk01, clean.clone()).is_empty());

    let unapproved = Placement {
        gateway: None,
        ..clean.clone()
    };
    let found = one(ControlId::Gk01, unapproved);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].subject, Subject::Placement(PlacementId::new(1)));
    assert_eq!(found[0].child, Some(ChildId::new(1)));
    assert_eq!(found[0].since, START);
    assert_eq!(found[0].detail, Detail::NoGatewayApproval { start: START });

    let approved_late = Placement {
        gateway: Some(GatewayApproval {
            request_id: RequestId::new(8),
            approved_on: START + days(1),
        }),
        ..clean.clone()
    };
    let found = one(ControlId::Gk01, approved_late);
    assert_eq!(found[0].since, START);
    assert!(found[0].sentence().contains("request 8 was approved later, on 2026-03-03"));

    let approved_on_the_day = Placement {
        gateway: Some(GatewayApproval {
            request_id: RequestId::new(8),
            approved_on: START,
        }),
        ..clean
    };
    assert!(one(ControlId::Gk01, approved_on_the_day).is_empty());
}

#[test]
fn decision_controls_skip_placements_made_before_go_live() {
    let unapproved = Placement {
        gateway: None,
        ..placement(1, 1, START)
    };
    let live_from = |day| Settings {
        decisions_from: Some(day),
        ..Settings::default()
    };
    let facts = || with_placements(vec![unapproved.clone()]);
    assert!(run_with(ControlId::Gk01, facts(), &live_from(START + days(1))).is_empty());
    assert_eq!(run_with(ControlId::Gk01, facts(), &live_from(START)).len(), 1);
}

#[test]
fn gk01_leaves_emergencies_and_future_placements_to_others() {
    let emergency = Placement {
        gateway: None,
        emergency: true,
        ratified_on: Some(START),
        ..placement(1, 1, START)
    };
    assert!(one(ControlId::Gk01, emergency).is_empty());
    let future = Placement {
        gateway: None,
        ..placement(1, 1, TODAY + days(1))
    };
    assert!(one(ControlId::Gk01, future).is_empty());
}

#[test]
fn gk02_emergency_placement_not_ratified_in_time_fires() {
    let emergency = Placement {
        emergency: true,
        gateway: None,
        ratified_on: Some(START + days(5)),
        ..placement(1, 1, START)
    };
    assert!(
        one(ControlId::Gk02, emergency.clone()).is_empty(),
        "ratified on the fifth day is in time"
    );

    let late = Placement {
        ratified_on: Some(START + days(6)),
        ..emergency.clone()
    };
    let found = one(ControlId::Gk02, late);
    assert_eq!(found[0].since, START + days(6));
    assert!(matches!(found[0].detail, Detail::RatifiedLate { .. }));

    let never = Placement {
        ratified_on: None,
        ..emergency.clone()
    };
    let found = one(ControlId::Gk02, never);
    assert_eq!(found[0].detail, Detail::NotRatified { due: START + days(5) });
    assert_eq!(found[0].since, START + days(6));

    let recent = Placement {
        ratified_on: None,
        ..placement(1, 1, TODAY - days(5))
    };
    let recent = Placement { emergency: true, ..recent };
    assert!(one(ControlId::Gk02, recent).is_empty(), "still within the five days");

    let strict = Settings {
        ratification_days: 2,
        ..Settings::default()
    };
    assert_eq!(run_with(ControlId::Gk02, with_placements(vec![emergency]), &strict).len(), 1);
}

#[test]
fn gk03_high_cost_placement_not_reviewed_fires() {
    let high_cost = Placement {
        weekly_cost: kernel::Money::from_pounds(5_000),
        ..placement(1, 1, START - days(200))
    };
    let found = one(ControlId::Gk03, high_cost.clone());
    assert_eq!(found.len(), 1, "exactly the threshold is high-cost");
    assert_eq!(found[0].since, START - days(200) + days(92));

    let reviewed = Placement {
        high_cost_reviewed_on: Some(TODAY - days(91)),
        ..high_cost.clone()
    };
    assert!(one(ControlId::Gk03, reviewed).is_empty(), "due today, not yet late");
    let lapsed = Placement {
        high_cost_reviewed_on: Some(TODAY - days(92)),
        ..high_cost.clone()
    };
    assert_eq!(one(ControlId::Gk03, lapsed)[0].since, TODAY);

    let ended_in_time = Placement {
        end: Some(START - days(200) + days(92)),
        ..high_cost.clone()
    };
    assert!(
        one(ControlId::Gk03, ended_in_time).is_empty(),
        "the child left before a review was late"
    );

    let cheaper = Placement {
        weekly_cost: kernel::Money::from_pence(499_999),
        ..high_cost.clone()
    };
    assert!(one(ControlId::Gk03, cheaper).is_empty());
    let lower = Settings {
        high_cost_weekly: kernel::Money::from_pounds(400),
        ..Settings::default()
    };
    assert_eq!(
        run_with(ControlId::Gk03, with_placements(vec![placement(1, 1, START - days(200))]), &lower).len(),
        1
    );
}

fn standing(provider: i64, issue: StandingIssue, from: time::Date, to: Option<time::Date>) -> ProviderStanding {
    ProviderStanding {
        provider: ProviderId::new(provider),
        issue,
        from,
        to,
    }
}

#[test]
fn cm01_placement_with_provider_out_of_standing_fires() {
    let (placed, agreement) = external(1, 1, START, 7);
    let mut facts = with_placements(vec![placed.clone()]);
    facts.agreements.push(agreement);
    facts
        .standings
        .push(standing(7, StandingIssue::NotAccredited, START - days(90), Some(START)));
    facts.standings.push(standing(8, StandingIssue::Suspended, START, None));
    assert!(
        run(ControlId::Cm01, facts.clone()).is_empty(),
        "lapses before the start and at other providers do not count"
    );

    facts.standings.push(standing(
        7,
        StandingIssue::RegistrationLapsed,
        START + days(20),
        Some(START + days(30)),
    ));
    facts.standings.push(standing(7, StandingIssue::Suspended, START + days(40), None));
    let found = run(ControlId::Cm01, facts.clone());
    assert_eq!(found.len(), 1, "one exception per placement");
    assert_eq!(found[0].since, START + days(20));
    assert_eq!(
        found[0].detail,
        Detail::ProviderNotInStanding {
            provider: ProviderId::new(7),
            issue: StandingIssue::RegistrationLapsed,
            from: START + days(20),
        }
    );
    assert!(found[0].sentence().contains("provider 7 while its registration had lapsed"));

    facts.placements[0].end = Some(START + days(20));
    assert!(run(ControlId::Cm01, facts).is_empty(), "the child left the day the lapse began");
}

#[test]
fn cm01_ignores_periods_that_start_after_today() {
    let (placed, _) = external(1, 1, START, 7);
    let mut facts = with_placements(vec![placed]);
    facts.standings.push(standing(7, StandingIssue::Suspended, TODAY + days(1), None));
    assert!(run(ControlId::Cm01, facts.clone()).is_empty());
    facts.standings.push(standing(7, StandingIssue::Suspended, START - days(400), None));
    assert_eq!(run(ControlId::Cm01, facts)[0].since, START);
}

#[test]
fn cm02_child_under_16_in_unregulated_setting_fires() {
    let unregulated = Placement {
        regulated: false,
        ..placement(1, 1, START)
    };
    let found = one(ControlId::Cm02, unregulated.clone());
    assert_eq!(found.len(), 1, "the fixture child is 13");
    assert_eq!(found[0].since, START);
    assert_eq!(
        found[0].detail,
        Detail::UnderSixteenUnregulated {
            from: START,
            sixteenth_birthday: date!(2028 - 09 - 15),
        }
    );
    assert!(one(ControlId::Cm02, placement(1, 1, START)).is_empty(), "regulated settings pass");

    let before_the_ban = Placement {
        start: date!(2021 - 01 - 04),
        end: Some(date!(2021 - 09 - 09)),
        gateway: None,
        ..unregulated.clone()
    };
    assert!(
        one(ControlId::Cm02, before_the_ban.clone()).is_empty(),
        "left on the day the ban began"
    );
    let across_the_ban = Placement {
        end: Some(date!(2021 - 09 - 10)),
        ..before_the_ban
    };
    assert_eq!(one(ControlId::Cm02, across_the_ban.clone())[0].since, date!(2021 - 09 - 09));

    let wales = Settings {
        unregulated_under_16_from: None,
        ..Settings::default()
    };
    assert!(run_with(ControlId::Cm02, with_placements(vec![unregulated]), &wales).is_empty());
}

#[test]
fn cm02_a_child_of_16_may_live_in_supported_accommodation() {
    let mut facts = with_placements(vec![Placement {
        regulated: false,
        ..placement(1, 1, date!(2026 - 03 - 01))
    }]);
    facts.children[0].date_of_birth = date!(2010 - 03 - 01);
    assert!(run(ControlId::Cm02, facts.clone()).is_empty(), "16 on the day they moved in");
    facts.children[0].date_of_birth = date!(2010 - 03 - 02);
    let found = run(ControlId::Cm02, facts);
    assert_eq!(found[0].since, date!(2026 - 03 - 01), "one day short of 16");
}

#[test]
fn sixteenth_birthdays_of_leap_day_children_fall_on_28_february() {
    // Sixteen years on from a leap year is a leap year, except across a century.
    assert_eq!(super::sixteenth_birthday(date!(2012 - 02 - 29)), date!(2028 - 02 - 29));
    assert_eq!(super::sixteenth_birthday(date!(2084 - 02 - 29)), date!(2100 - 02 - 28));
    assert_eq!(super::sixteenth_birthday(date!(2011 - 03 - 01)), date!(2027 - 03 - 01));
}

#[test]
fn ct01_external_placement_without_signed_agreement_fires() {
    let (placed, signed) = external(1, 1, START, 7);
    let mut facts = with_placements(vec![placed.clone()]);
    facts.agreements.push(signed);
    assert!(run(ControlId::Ct01, facts.clone()).is_empty());

    let mut unsigned = with_placements(vec![placed.clone()]);
    unsigned.agreements.push(crate::facts::PlacementAgreement {
        placement: placed.id,
        fully_signed_on: None,
    });
    let found = run(ControlId::Ct01, unsigned);
    assert_eq!(found[0].detail, Detail::NoSignedAgreement { due: START });
    assert_eq!(found[0].since, START + days(1));

    let mut late = with_placements(vec![placed.clone()]);
    late.agreements.push(crate::facts::PlacementAgreement {
        placement: placed.id,
        fully_signed_on: Some(START + days(3)),
    });
    assert_eq!(run(ControlId::Ct01, late.clone())[0].since, START + days(1));
    let grace = Settings {
        agreement_grace_days: 3,
        ..Settings::default()
    };
    assert!(
        run_with(ControlId::Ct01, late.clone(), &grace).is_empty(),
        "signed on the last day of grace"
    );

    late.agreements.push(crate::facts::PlacementAgreement {
        placement: placed.id,
        fully_signed_on: Some(START),
    });
    assert!(run(ControlId::Ct01, late).is_empty(), "the earliest signed agreement counts");
    assert!(
        one(ControlId::Ct01, placement(1, 1, START)).is_empty(),
        "in-house placements need no agreement"
    );
}

#[test]
fn mn01_out_of_area_placement_without_monitoring_officer_fires() {
    let away = Placement {
        out_of_area: true,
        ..placement(1, 1, START)
    };
    let found = one(ControlId::Mn01, away.clone());
    assert_eq!(found[0].detail, Detail::NoMonitoringOfficer);
    assert_eq!(found[0].since, START);
    let monitored = Placement {
        monitoring_officer: Some(UserId::new(4)),
        ..away
    };
    assert!(one(ControlId::Mn01, monitored).is_empty());
    assert!(one(ControlId::Mn01, placement(1, 1, START)).is_empty());
}

#[test]
fn dq01_inconsistent_placement_records_fire() {
    assert!(run(ControlId::Dq01, with_placements(vec![placement(1, 1, START)])).is_empty());

    let stranger = placement(1, 2, START);
    assert_eq!(one(ControlId::Dq01, stranger)[0].detail, Detail::UnknownChild);
    let backwards = Placement {
        end: Some(START - days(1)),
        ..placement(1, 1, START)
    };
    assert!(matches!(one(ControlId::Dq01, backwards)[0].detail, Detail::EndsBeforeStart { .. }));
    let unborn = placement(1, 1, date!(2012 - 09 - 14));
    assert!(matches!(one(ControlId::Dq01, unborn)[0].detail, Detail::StartsBeforeBirth { .. }));
    let future = placement(1, 2, TODAY + days(30));
    assert_eq!(one(ControlId::Dq01, future)[0].since, TODAY, "not dated in the future");
}

#[test]
fn dq01_overlapping_placements_fire_once_on_the_later() {
    let first = Placement {
        end: Some(START + days(30)),
        ..placement(1, 1, START)
    };
    let inside = Placement {
        end: Some(START + days(10)),
        ..placement(2, 1, START + days(5))
    };
    let after = placement(3, 1, START + days(20));
    let next = placement(4, 1, START + days(30));
    let found = run(ControlId::Dq01, with_placements(vec![next, after, inside, first]));
    let flagged: Vec<_> = found.iter().map(|e| (e.subject, e.detail)).collect();
    assert_eq!(
        flagged,
        vec![
            (
                Subject::Placement(PlacementId::new(2)),
                Detail::OverlapsPlacement {
                    other: PlacementId::new(1)
                }
            ),
            (
                Subject::Placement(PlacementId::new(3)),
                Detail::OverlapsPlacement {
                    other: PlacementId::new(1)
                }
            ),
            (
                Subject::Placement(PlacementId::new(4)),
                Detail::OverlapsPlacement {
                    other: PlacementId::new(3)
                }
            ),
        ]
    );
    let handover = vec![
        Placement {
            end: Some(START),
            ..placement(1, 1, START - days(9))
        },
        placement(2, 1, START),
        Placement {
            end: Some(START),
            ..placement(3, 1, START)
        },
    ];
    assert!(
        run(ControlId::Dq01, with_placements(handover)).is_empty(),
        "a move on the day, and a stay of no days, overlap nothing"
    );
}
