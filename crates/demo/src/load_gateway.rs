//! Loading the Gateway's demo content: an approved matrix and a pending
//! change, weekly panel meetings (past, with attendance and decisions, and
//! upcoming), requests in every state with package elements, emergencies
//! awaiting ratification, variations, and high-cost reviews (the latest
//! late for some).

use authz::cap::{RecordChildren, WorkOnRequests};
use authz::{Can, Role};
use gateway::details::{Details, EducationContinuity, Element, ElementKind, LocationPreference, Urgency, VariationKind};
use gateway::matrix::{Matrix, RequestFacts};
use gateway::request::RequestState as S;
use kernel::{ChildId, Money, UserId};
use placements::PlacementCategory;
use store::gateway_board::LoadedRequest;
use store::requests::{NewRequest, Variation};
use store::{Command, StoreError};
use time::{Date, Duration, Weekday};

use crate::plan::{ChildPlan, County};

/// The states the demo's requests cycle through.
const STATES: [S; 14] = [
    S::Draft,
    S::Submitted,
    S::Endorsed,
    S::InTriage,
    S::AtPanel,
    S::InformationRequested,
    S::Deferred,
    S::AwaitingApproval,
    S::Approved,
    S::Approved,
    S::Approved,
    S::Declined,
    S::Withdrawn,
    S::Endorsed,
];

/// People holding `role`, by their user ids.
fn holders(county: &County, user_ids: &[UserId], role: Role) -> Vec<UserId> {
    county
        .staff
        .iter()
        .zip(user_ids)
        .filter(|(s, _)| s.roles.contains(&role))
        .map(|(_, id)| *id)
        .collect()
}

pub async fn load_gateway(cmd: &mut Command, county: &County, child_ids: &[ChildId], user_ids: &[UserId]) -> Result<(), StoreError> {
    let matrix = load_matrix(cmd, county, user_ids).await?;
    let (past, upcoming) = load_panels(cmd, county, user_ids).await?;
    load_requests(cmd, county, child_ids, user_ids, &matrix, &past, &upcoming).await?;
    load_high_cost_reviews(cmd, county.today).await
}

async fn load_matrix(cmd: &mut Command, county: &County, user_ids: &[UserId]) -> Result<Matrix, StoreError> {
    let admins = holders(county, user_ids, Role::Administrator);
    let matrix = Matrix::standard();
    if let [first, second, ..] = admins[..] {
        let approved_on = county.today - Duration::days(120);
        store::matrices::import(
            cmd,
            &matrix.rules,
            first,
            Some(second),
            "Adopted the council's scheme of delegation",
            approved_on,
        )
        .await?;
        let mut proposal = matrix.rules.clone();
        if let Some(gateway::matrix::Condition::WeeklyCostAtLeast { pence }) = proposal.first_mut().map(|r| &mut r.condition) {
            *pence = 120_000;
        }
        proposal[0].name = "£1,200 a week or more".to_owned();
        store::matrices::import(
            cmd,
            &proposal,
            second,
            None,
            "Raise the head of service threshold in line with fee uplifts",
            county.today,
        )
        .await?;
    }
    Ok(matrix)
}

/// Thursdays' panels: six past, with attendance, and two to come.
async fn load_panels(cmd: &mut Command, county: &County, user_ids: &[UserId]) -> Result<(Vec<i64>, Vec<i64>), StoreError> {
    let members = holders(county, user_ids, Role::PanelMember);
    let officers = holders(county, user_ids, Role::GatewayOfficer);
    let mut thursday = county.today;
    while thursday.weekday() != Weekday::Thursday {
        thursday = thursday.previous_day().unwrap_or(thursday);
    }
    let (mut past, mut upcoming) = (Vec::new(), Vec::new());
    for week in -6i64..=1 {
        let meets_on = thursday + Duration::weeks(week + 1);
        let attendees: Vec<(UserId, bool)> = members
            .iter()
            .enumerate()
            .filter(|(i, _)| week % 3 != 0 || *i < 3)
            .map(|(i, id)| (*id, i == 0))
            .chain(officers.first().map(|id| (*id, false)))
            .collect();
        let id = store::panels::import(
            cmd,
            meets_on,
            3,
            "Agenda and request papers circulated by the Gateway team two working days before the meeting",
            if meets_on <= county.today {
                "Minutes agreed by the chair"
            } else {
                ""
            },
            if meets_on <= county.today { &attendees } else { &[] },
        )
        .await?;
        if meets_on <= county.today {
            past.push(id);
        } else {
            upcoming.push(id);
        }
    }
    Ok((past, upcoming))
}

fn details(child: &ChildPlan, n: usize) -> (Details, RequestFacts) {
    let current = child
        .placements
        .last()
        .map(|p| p.category)
        .unwrap_or(PlacementCategory::InHouseFoster);
    let category = if current == PlacementCategory::InHouseFoster {
        PlacementCategory::IndependentFoster
    } else {
        current
    };
    let weekly = child.placements.last().map(|p| p.weekly_cost).unwrap_or(Money::from_pounds(900));
    let core = weekly.apportion(4, 5).unwrap_or(weekly);
    let mut elements = vec![Element {
        kind: ElementKind::CoreFee,
        weekly: core,
        note: String::new(),
    }];
    if let Ok(extra) = weekly.checked_sub(core) {
        if extra.pence() > 0 {
            let kind = [
                ElementKind::OneToOne,
                ElementKind::Education,
                ElementKind::Therapy,
                ElementKind::Transport,
            ][n % 4];
            elements.push(Element {
                kind,
                weekly: extra,
                note: String::new(),
            });
        }
    }
    let out_of_area = n.is_multiple_of(3);
    let details = Details {
        urgency: [Urgency::Planned, Urgency::WithinFiveDays, Urgency::Today][n % 3],
        category,
        suitable: vec![category],
        siblings_together: u8::from(n.is_multiple_of(7)),
        location: [
            LocationPreference::NearSchool,
            LocationPreference::InArea,
            LocationPreference::NearFamily,
        ][n % 3],
        education: [EducationContinuity::KeepSchool, EducationContinuity::MoveSchool][n % 2],
        needs: "Needs as set out in the placement needs assessment".to_owned(),
        risks: "Risks as set out in the placement needs assessment".to_owned(),
        elements,
        justification: "Matching in-house and framework options considered first".to_owned(),
        out_of_area,
        at_distance: out_of_area && n.is_multiple_of(9),
        unregistered: false,
        dol_order: None,
        regulator_notified_on: None,
        override_reasons: None,
        provider: None,
    };
    let facts = RequestFacts {
        weekly_cost: details.weekly_cost(),
        category,
        out_of_area,
        at_distance: details.at_distance,
        unregistered: false,
        nation: kernel::Nation::England,
        provider_for_profit: true,
        unaccredited_provider: false,
        start: child.placements.last().map(|p| p.start).unwrap_or(Date::MIN),
    };
    (details, facts)
}

/// What a request in `state` has been through: its panel outcome code and
/// whether it is on a past or upcoming agenda.
fn panel_history(state: S) -> Option<(&'static str, bool)> {
    match state {
        S::AtPanel => Some(("", false)),
        S::InformationRequested => Some(("panel-request-information", true)),
        S::Deferred => Some(("panel-defer", true)),
        S::AwaitingApproval | S::Approved => Some(("panel-approve", true)),
        S::Declined => Some(("panel-decline", true)),
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn loaded(
    county: &County,
    child: &ChildPlan,
    id: ChildId,
    requester: UserId,
    n: usize,
    state: S,
    matrix: &Matrix,
    past: &[i64],
    upcoming: &[i64],
    approvers: &[(Role, Vec<UserId>)],
) -> LoadedRequest {
    let (details, facts) = details(child, n);
    let required = matrix.required_chain(&facts).0;
    let today = county.today;
    let submitted_on = (state != S::Draft).then(|| today - Duration::days(12 + (n as i64 % 20)));
    let history = panel_history(state);
    let decided = history.is_some_and(|(outcome, _)| matches!(outcome, "panel-approve" | "panel-decline"));
    let panel_items = match history {
        Some((_, false)) => upcoming.first().map(|m| vec![(*m, None)]).unwrap_or_default(),
        Some((outcome, true)) => past
            .get(n % past.len().max(1))
            .map(|m| vec![(*m, Some(outcome.to_owned()))])
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let given = match state {
        S::Approved => required.len(),
        S::AwaitingApproval => required.len().saturating_sub(1),
        _ => 0,
    };
    let approvals = required
        .iter()
        .take(given)
        .enumerate()
        .filter_map(|(i, role)| {
            let people = &approvers.iter().find(|(r, _)| r == role)?.1;
            people.get(i % people.len().max(1)).map(|u| (*u, *role))
        })
        .collect();
    let weekly = details.weekly_cost();
    LoadedRequest {
        new: NewRequest {
            child: id,
            details,
            emergency_placed_on: None,
            variation: None,
        },
        requester,
        state,
        required,
        submitted_on,
        decided_on: decided.then(|| today - Duration::days(2 + (n as i64 % 30))),
        agreed_weekly: (state == S::AwaitingApproval || state == S::Approved).then(|| weekly.apportion(19, 20).unwrap_or(weekly)),
        reasons: history
            .filter(|(_, past)| *past)
            .map(|_| "Panel considered the needs, the options and the cost".to_owned()),
        conditions: (state == S::Approved && n.is_multiple_of(2)).then(|| "Review the extra staffing after six weeks".to_owned()),
        panel_items,
        approvals,
    }
}

/// The Gateway approvals behind the placements made since Hearth went
/// live: approved a few days before each start — except about one in
/// twelve, made without one (what the controls are there to catch).
fn approvals_behind_placements(
    county: &County,
    child_ids: &[ChildId],
    user_ids: &[UserId],
    matrix: &Matrix,
    approvers: &[(Role, Vec<UserId>)],
) -> Vec<LoadedRequest> {
    let go_live = crate::load_finance::go_live(county.today);
    let mut out = Vec::new();
    for (n, (child, id)) in county.children.iter().zip(child_ids).enumerate() {
        for (k, placement) in child.placements.iter().enumerate() {
            if placement.start < go_live || placement.start > county.today || (n + k) % 12 == 5 {
                continue;
            }
            let mut request = loaded(
                county,
                child,
                *id,
                user_ids[child.worker],
                n + k,
                S::Approved,
                matrix,
                &[],
                &[],
                approvers,
            );
            let decided = placement.start - Duration::days(3 + (n as i64 % 4));
            request.submitted_on = Some(decided - Duration::days(9));
            request.decided_on = Some(decided);
            request.panel_items = Vec::new();
            out.push(request);
        }
    }
    out
}

async fn load_requests(
    cmd: &mut Command,
    county: &County,
    child_ids: &[ChildId],
    user_ids: &[UserId],
    matrix: &Matrix,
    past: &[i64],
    upcoming: &[i64],
) -> Result<(), StoreError> {
    let approvers: Vec<(Role, Vec<UserId>)> = [Role::HeadOfService, Role::Director, Role::FinanceApprover]
        .into_iter()
        .map(|r| (r, holders(county, user_ids, r)))
        .collect();
    let mut requests = Vec::new();
    // Forty-two requests spread across the county, whatever its size.
    let spacing = (county.children.len() / 42).max(1);
    let chosen = county
        .children
        .iter()
        .zip(child_ids)
        .enumerate()
        .filter(|(n, _)| n % spacing == spacing / 2)
        .take(42);
    for (i, (n, (child, id))) in chosen.enumerate() {
        let state = STATES[i % STATES.len()];
        let mut request = loaded(
            county,
            child,
            *id,
            user_ids[child.worker],
            n,
            state,
            matrix,
            past,
            upcoming,
            &approvers,
        );
        // Every seventh is an emergency placed out of hours; some of those
        // have missed the panel that should have ratified them.
        if i % 7 == 3 && matches!(state, S::Endorsed | S::InTriage | S::AtPanel | S::Approved | S::Submitted) {
            request.new.emergency_placed_on = Some(county.today - Duration::days(3 + (i as i64 % 11)));
            request.new.details.urgency = Urgency::Today;
        }
        requests.push(request);
    }
    let behind = approvals_behind_placements(county, child_ids, user_ids, matrix, &approvers);
    let ids = store::gateway_board::insert_bulk(cmd, &Can::<RecordChildren>::system(), &requests).await?;
    store::gateway_board::insert_bulk(cmd, &Can::<RecordChildren>::system(), &behind).await?;
    // Variations of approved requests: an extension and a cost increase.
    let mut variations = Vec::new();
    for ((request, id), kind) in requests
        .iter()
        .zip(&ids)
        .filter(|(r, _)| r.state == S::Approved)
        .zip([VariationKind::Extension, VariationKind::CostIncrease])
    {
        let mut variation = request.clone();
        variation.new.variation = Some(Variation { of: *id, kind });
        variation.new.emergency_placed_on = None;
        variation.state = if kind == VariationKind::Extension { S::Submitted } else { S::Draft };
        variation.panel_items.clear();
        variation.approvals.clear();
        variation.decided_on = None;
        variation.agreed_weekly = None;
        variation.reasons = None;
        variation.conditions = None;
        if kind == VariationKind::CostIncrease {
            variation.new.details.elements.push(Element {
                kind: ElementKind::TwoToOne,
                weekly: Money::from_pounds(1_400),
                note: "Waking night staff".to_owned(),
            });
        }
        variations.push(variation);
    }
    store::gateway_board::insert_bulk(cmd, &Can::<RecordChildren>::system(), &variations).await?;
    Ok(())
}

async fn load_high_cost_reviews(cmd: &mut Command, today: Date) -> Result<(), StoreError> {
    let policy = gateway::high_cost::Policy::default();
    let reviewer = Can::<WorkOnRequests>::system();
    for (placement, start) in store::high_cost::open_above_threshold(cmd, &policy).await? {
        let mut due = policy.next_due(start, None);
        // About a third have let their latest review slip.
        let keep_up = placement % 3 != 0;
        while due < today && (keep_up || policy.next_due(due, None) < today) {
            let outcome = if placement % 5 == 0 {
                gateway::high_cost::Outcome::Renegotiate
            } else {
                gateway::high_cost::Outcome::Continue
            };
            store::high_cost::record_review(
                cmd,
                &reviewer,
                placement,
                due,
                outcome,
                "Costs and outcomes checked against the care plan",
                today,
            )
            .await?;
            due = policy.next_due(due, Some(due));
        }
    }
    Ok(())
}
