//! The council's own foster carer households and their supervision.

use authz::cap::Commission;
use authz::{Can, Role};
use contracts::monitoring::EventKind;
use kernel::UserId;
use providers::foster::ApprovalType;
use providers::register::Grade;
use providers::register::Need;
use store::households::NewHousehold;
use store::monitoring::{NewEvent, Subject};
use store::{Command, StoreError};
use time::{Date, Duration};

use crate::names;
use crate::plan::County;
use crate::random::Random;

use super::{days, holders, score};

/// About 25 in-house households, two on temporary approval as connected
/// persons (one about to lapse).
pub(super) async fn load_households(
    cmd: &mut Command,
    random: &mut Random,
    county: &County,
    user_ids: &[UserId],
    can: &Can<Commission>,
) -> Result<Vec<(i64, NewHousehold)>, StoreError> {
    let today = county.today;
    let workers = holders(county, user_ids, Role::SocialWorker);
    let mut approvals = Vec::new();
    approvals.extend([ApprovalType::KinshipTemporary; 2]);
    approvals.extend([ApprovalType::Kinship; 4]);
    approvals.extend([ApprovalType::LongTerm; 5]);
    approvals.extend([ApprovalType::Mainstream; 14]);
    let mut out = Vec::with_capacity(approvals.len());
    for (n, approval_type) in approvals.into_iter().enumerate() {
        let family = random.pick(names::FAMILY);
        let first = random.pick(names::GIVEN_FEMALE);
        let name = if random.chance(70) {
            format!("{first} and {} {family}", random.pick(names::GIVEN_MALE))
        } else {
            format!("{first} {family}")
        };
        let approved_on = match (approval_type, n) {
            // Sixteen weeks end five days from today.
            (ApprovalType::KinshipTemporary, 0) => today - Duration::weeks(16) + days(6),
            (ApprovalType::KinshipTemporary, _) => today - days(random.between(20, 45)),
            (ApprovalType::Kinship, _) => today - days(random.between(150, 900)),
            (ApprovalType::LongTerm, _) => today - days(random.between(700, 3_500)),
            _ => today - days(random.between(200, 3_000)),
        };
        let kin = matches!(approval_type, ApprovalType::Kinship | ApprovalType::KinshipTemporary);
        let household = NewHousehold {
            reference: format!("FC{:04}", 101 + n),
            name,
            approval_type,
            approved_on,
            extended: false,
            capacity: u32::try_from(if kin { random.between(1, 2) } else { random.between(1, 3) }).unwrap_or(1),
            age_min: u8::try_from(random.between(0, 8)).unwrap_or(0),
            age_max: 17,
            supervising_worker: (!workers.is_empty()).then(|| *random.pick(&workers)),
            postcode: crate::plan_providers::postcode(random, true),
            // From the index, not the stream, so the rest of the county
            // stays as it was before households recorded what they accept.
            accepts: household_accepts(n, kin),
        };
        let id = store::households::create(cmd, can, &household, today).await?;
        out.push((id, household));
    }
    Ok(out)
}

/// What a household's approval terms cover: every household takes
/// emotional and behavioural needs; some take more.
fn household_accepts(n: usize, kin: bool) -> Vec<Need> {
    let mut accepts = vec![Need::EmotionalBehavioural];
    if !kin {
        let extra: &[Need] = match n % 4 {
            0 => &[Need::SiblingGroup, Need::GoingMissing],
            1 => &[Need::LearningDisability, Need::Autism],
            2 => &[Need::SelfHarm, Need::MentalHealth],
            _ => &[Need::ParentAndChild],
        };
        accepts.extend_from_slice(extra);
    }
    accepts.sort();
    accepts
}

/// Supervisory visits about every six weeks (some overdue) and annual
/// reviews for households approved over a year ago.
pub(super) fn household_events(random: &mut Random, today: Date, id: i64, household: &NewHousehold) -> Vec<NewEvent> {
    let event = |kind, on, score: Option<u8>, summary: &str| NewEvent {
        subject: Subject::Household(id),
        kind,
        occurred_on: on,
        quality_score: score,
        summary: summary.to_owned(),
        action: String::new(),
        action_due: None,
    };
    let mut events = Vec::new();
    let mut visit = today - days(random.between(3, 60));
    for _ in 0..2 {
        if visit < household.approved_on {
            break;
        }
        let score = score(random, Grade::Good);
        events.push(event(
            EventKind::SupervisoryVisit,
            visit,
            Some(score),
            "Supervisory visit: carers' log, the children's progress and training reviewed",
        ));
        visit -= Duration::weeks(6);
    }
    let review = today - days(random.between(20, 420));
    if review >= household.approved_on + days(330) {
        events.push(event(
            EventKind::AnnualReview,
            review,
            None,
            "Annual review of approval: terms of approval confirmed by the fostering panel",
        ));
    }
    if id % 11 == 0 {
        events.push(event(
            EventKind::Concern,
            today - days(9),
            None,
            "School reported the child arriving without lunch on several days; discussed with the carers",
        ));
    }
    events
}
