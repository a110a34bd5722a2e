//! Placement agreements for current external placements, and the
//! contract monitoring of them.

use std::collections::HashMap;

use authz::cap::Commission;
use authz::Can;
use contracts::agreements::{Draft, FundingSplit, PriceLine, SignatureStatus, Variation};
use contracts::frameworks::SpotReason;
use contracts::monitoring::EventKind;
use kernel::{Money, ProviderId, UserId};
use placements::{ElementKind, PlacementCategory};
use providers::register::{Grade, Regulator};
use store::agreements::{NewAgreement, Unagreed};
use store::monitoring::{NewEvent, Subject};
use store::{Command, StoreError};
use time::{Date, Duration};

use crate::random::Random;

use super::{days, score, Placed, HOME_AUTHORITY};

/// Agreements for about four in five current external placements; returns
/// a variation for a second person to approve. Agreements for placements
/// made since Hearth went live are signed by both parties on their own
/// day, so they are left in `signed_later` with that day.
pub(super) async fn load_agreements(
    cmd: &mut Command,
    random: &mut Random,
    today: Date,
    current: &[Unagreed],
    can: &Can<Commission>,
    signed_later: &mut Vec<(i64, Date)>,
) -> Result<Option<i64>, StoreError> {
    const REASONS: [(SpotReason, u64); 6] = [
        (SpotReason::NoFrameworkVacancy, 40),
        (SpotReason::NeedsNotMet, 20),
        (SpotReason::Continuity, 12),
        (SpotReason::Location, 10),
        (SpotReason::Emergency, 10),
        (SpotReason::KeepSiblingsTogether, 8),
    ];
    // (agreement, start, end, core fee)
    let mut made: Vec<(i64, Date, Option<Date>, Money)> = Vec::new();
    for unagreed in current {
        if !random.chance(80) {
            continue;
        }
        let category: PlacementCategory = unagreed
            .category
            .parse()
            .map_err(|e: placements::UnknownCategory| StoreError::Corrupt(e.to_string()))?;
        let costly = matches!(
            category,
            PlacementCategory::ChildrensHome | PlacementCategory::Bespoke | PlacementCategory::Secure
        );
        let mut lines = vec![PriceLine {
            kind: ElementKind::CoreFee,
            weekly: unagreed.weekly_cost,
            effective_from: unagreed.start,
        }];
        if costly && random.chance(20) {
            lines.push(PriceLine {
                kind: ElementKind::OneToOne,
                weekly: Money::from_pounds(random.between(900, 2_400)),
                effective_from: unagreed.start,
            });
        }
        let funding = if costly && random.chance(25) {
            FundingSplit {
                social_care: 70,
                education: 20,
                health: 10,
            }
        } else {
            FundingSplit::ALL_SOCIAL_CARE
        };
        let end = match random.between(0, 99) {
            0..=5 => Some(today + days(random.between(3, 55))),
            6..=19 => Some(today + days(random.between(90, 360))),
            _ => None,
        };
        let reason = REASONS[random.weighted(&REASONS.map(|(_, w)| w))].0;
        let id = store::agreements::create(
            cmd,
            can,
            &NewAgreement {
                placement_id: unagreed.placement_id,
                draft: Draft {
                    start: unagreed.start,
                    end,
                    lines,
                    funding,
                },
                spot: Some((reason, String::new())),
            },
        )
        .await?;
        let status = if (today - unagreed.start).whole_days() < 28 {
            [
                SignatureStatus::Draft,
                SignatureStatus::Draft,
                SignatureStatus::Sent,
                SignatureStatus::ProviderSigned,
            ][random.weighted(&[1, 1, 1, 1])]
        } else {
            [
                SignatureStatus::FullySigned,
                SignatureStatus::ProviderSigned,
                SignatureStatus::Sent,
                SignatureStatus::Draft,
            ][random.weighted(&[75, 10, 8, 7])]
        };
        let go_live = crate::load_finance::go_live(today);
        if status == SignatureStatus::FullySigned && unagreed.start >= go_live {
            // Signed on its own day, mostly before the child moved in; a
            // few late (the contracts control then finds them).
            let offset = if random.chance(88) {
                -random.between(1, 6)
            } else {
                random.between(3, 20)
            };
            signed_later.push((id, (unagreed.start + days(offset)).min(today)));
        } else if status != SignatureStatus::Draft {
            store::agreements::set_signature(cmd, can, id, 1, status).await?;
        }
        made.push((id, unagreed.start, end, unagreed.weekly_cost));
    }
    // An extension of one ending soon and extra staffing for another,
    // awaiting approval, and a fee uplift for a second person to approve.
    let this_month = Date::from_calendar_date(today.year(), today.month(), 1).unwrap_or(today);
    if let Some((id, _, Some(end), _)) = made
        .iter()
        .find(|(_, _, end, _)| end.is_some_and(|e| e <= today + Duration::weeks(8)))
    {
        let variation = Variation {
            effective_from: today,
            reason: "Extend while the move to long-term foster carers is agreed at the child's review".to_owned(),
            lines: Vec::new(),
            new_end: Some(*end + Duration::weeks(26)),
        };
        store::agreements::propose_variation(cmd, can, *id, &variation).await?;
    }
    if let Some((id, start, _, _)) = made.iter().rev().find(|(_, start, end, _)| end.is_none() && *start < today) {
        let variation = Variation {
            effective_from: (*start).max(today - days(7)),
            reason: "One-to-one staffing during the day after two missing episodes".to_owned(),
            lines: vec![(ElementKind::OneToOne, Money::from_pounds(1_650))],
            new_end: None,
        };
        store::agreements::propose_variation(cmd, can, *id, &variation).await?;
    }
    let uplift = made.iter().find(|(_, start, end, _)| end.is_none() && *start < this_month);
    match uplift {
        Some((id, _, _, core)) => {
            let variation = Variation {
                effective_from: this_month,
                reason: "Annual fee uplift of 3% agreed with the provider".to_owned(),
                lines: vec![(ElementKind::CoreFee, core.apportion(103, 100).unwrap_or(*core))],
                new_end: None,
            };
            Ok(Some(store::agreements::propose_variation(cmd, can, *id, &variation).await?))
        }
        None => Ok(None),
    }
}

/// The commissioning officer takes every current external placement, with
/// visits, children's homes' reports, a few open concerns and one
/// performance notice.
pub(super) async fn load_monitoring(
    cmd: &mut Command,
    random: &mut Random,
    today: Date,
    current: &[Unagreed],
    placed: &HashMap<ProviderId, Placed>,
    officer: UserId,
    can: &Can<Commission>,
) -> Result<(), StoreError> {
    let mut concerns: Vec<usize> = (0..current.len()).collect();
    random.shuffle(&mut concerns);
    concerns.truncate((current.len() / 60).max(3));
    const CONCERNS: [&str; 4] = [
        "The young person went missing overnight twice in a week; the home's return interviews were late",
        "Staff turnover: four agency staff on the rota this month and no registered manager in post",
        "The child's school reports poor attendance since the move; transport has not been arranged",
        "A restraint was used without being recorded in the home's log",
    ];
    for (n, unagreed) in current.iter().enumerate() {
        let setting = placed.get(&unagreed.provider_id);
        let host = setting
            .map(|s| s.local_authority.as_str())
            .filter(|la| !la.eq_ignore_ascii_case(HOME_AUTHORITY));
        store::monitoring::assign(cmd, can, unagreed.placement_id, officer, host).await?;
        if host.is_some() && random.chance(85) {
            let told = (unagreed.start + days(random.between(0, 10))).min(today);
            store::monitoring::host_notified(cmd, can, unagreed.placement_id, told, today).await?;
        }
        let grade = setting.map_or(Grade::NotInspected, |s| s.grade);
        let settled = (today - unagreed.start).whole_days();
        if settled > 14 && random.chance(60) {
            let mut on = today - days(random.between(3, settled.min(200)));
            for _ in 0..1 + usize::from(random.chance(25)) {
                if on < unagreed.start {
                    break;
                }
                let score = score(random, grade);
                store::monitoring::record_event(
                    cmd,
                    can,
                    &NewEvent {
                        subject: Subject::Placement(unagreed.placement_id),
                        kind: EventKind::Visit,
                        occurred_on: on,
                        quality_score: Some(score),
                        summary: "Visited the child and the placement; care plan objectives reviewed with the keyworker".to_owned(),
                        action: String::new(),
                        action_due: None,
                    },
                    today,
                )
                .await?;
                on -= Duration::weeks(13);
            }
        }
        if let Some(i) = concerns.iter().position(|c| *c == n) {
            store::monitoring::record_event(
                cmd,
                can,
                &NewEvent {
                    subject: Subject::Placement(unagreed.placement_id),
                    kind: EventKind::Concern,
                    occurred_on: today - days(random.between(1, 20)),
                    quality_score: None,
                    summary: CONCERNS[i % CONCERNS.len()].to_owned(),
                    action: "Provider to send its response and action plan".to_owned(),
                    action_due: Some(today + days(14)),
                },
                today,
            )
            .await?;
        }
    }
    // Reports from the children's homes the county has children in.
    let mut homes: Vec<&Placed> = current
        .iter()
        .filter_map(|u| placed.get(&u.provider_id))
        .filter(|p| p.setting_type.is_childrens_home() && p.regulator != Regulator::None)
        .collect();
    homes.sort_by_key(|p| p.setting.get());
    homes.dedup_by_key(|p| p.setting.get());
    let report = |subject, kind, on, summary: &str| NewEvent {
        subject,
        kind,
        occurred_on: on,
        quality_score: None,
        summary: summary.to_owned(),
        action: String::new(),
        action_due: None,
    };
    for home in &homes {
        let subject = Subject::Setting(home.setting.get());
        let mut reports = Vec::new();
        if home.regulator == Regulator::Ciw {
            let on = today
                - days(if random.chance(80) {
                    random.between(10, 80)
                } else {
                    random.between(100, 140)
                });
            reports.push(report(
                subject,
                EventKind::RiReport,
                on,
                "Responsible individual's quarterly report received and read",
            ));
        } else {
            // Monthly, though about one home in seven has fallen behind.
            let (latest, count) = if random.chance(85) {
                (random.between(3, 28), 2)
            } else {
                (random.between(40, 75), 1)
            };
            for month in 0..count {
                let on = today - days(latest + 30 * month);
                reports.push(report(
                    subject,
                    EventKind::Reg44,
                    on,
                    "Independent visitor's report received; recommendations followed up with the manager",
                ));
            }
            if random.chance(60) {
                let on = today - days(random.between(20, 170));
                reports.push(report(subject, EventKind::Reg45, on, "Six-monthly quality of care review received"));
            }
        }
        for event in &reports {
            store::monitoring::record_event(cmd, can, event, today).await?;
        }
    }
    let worst = homes
        .iter()
        .filter(|h| matches!(h.grade, Grade::Inadequate | Grade::RequiresImprovement))
        .max_by_key(|h| (h.grade == Grade::Inadequate, std::cmp::Reverse(h.setting.get())));
    if let Some(home) = worst {
        store::monitoring::record_event(
            cmd,
            can,
            &NewEvent {
                subject: Subject::Setting(home.setting.get()),
                kind: EventKind::PerformanceNotice,
                occurred_on: today - days(12),
                quality_score: None,
                summary: "Performance notice after the inspection found shortfalls in safeguarding and staffing".to_owned(),
                action: "Send an action plan meeting each of the inspection's requirements, and weekly staffing rotas".to_owned(),
                action_due: Some(today + days(16)),
            },
            today,
        )
        .await?;
    }
    Ok(())
}
