//! Fixtures for stories: people, and requests that have already been
//! through the Gateway (for stories that start after it, such as placement
//! search and sufficiency) — a child and a request in a given state,
//! inserted as the bulk loader does.

use authz::cap::RecordChildren;
use authz::{Actor, Can};
use gateway::details::{Details, EducationContinuity, Element, LocationPreference, Urgency};
use gateway::request::RequestState;
use kernel::{ChildId, Money, UserId};
use placements::{ElementKind, PlacementCategory};
use time::macros::date;
use time::Date;

use crate::children::NewChild;
use crate::gateway_board::LoadedRequest;
use crate::requests::NewRequest;
use crate::testing::TestDatabase;

/// What differs between fixture requests.
#[derive(Debug, Clone)]
pub struct DecidedRequest {
    pub la_child_id: String,
    pub date_of_birth: Date,
    pub category: PlacementCategory,
    pub state: RequestState,
    pub weekly: Money,
    pub submitted_on: Date,
}

impl DecidedRequest {
    /// A 14-year-old's request for a children's home at £5,000 a week,
    /// submitted on 10 November 2026 and approved.
    pub fn approved(la_child_id: &str) -> DecidedRequest {
        DecidedRequest {
            la_child_id: la_child_id.into(),
            date_of_birth: date!(2012 - 05 - 17),
            category: PlacementCategory::ChildrensHome,
            state: RequestState::Approved,
            weekly: Money::from_pounds(5_000),
            submitted_on: date!(2026 - 11 - 10),
        }
    }

    fn loaded(&self, child: ChildId, worker: UserId) -> LoadedRequest {
        let details = Details {
            urgency: Urgency::Planned,
            category: self.category,
            suitable: vec![self.category],
            siblings_together: 0,
            location: LocationPreference::NearSchool,
            education: EducationContinuity::KeepSchool,
            needs: "Autism; goes missing".into(),
            risks: "Going missing".into(),
            elements: vec![Element {
                kind: ElementKind::CoreFee,
                weekly: self.weekly,
                note: String::new(),
            }],
            justification: "No foster carer can meet the needs".into(),
            out_of_area: false,
            at_distance: false,
            unregistered: false,
            dol_order: None,
            regulator_notified_on: None,
            override_reasons: None,
            provider: None,
        };
        LoadedRequest {
            new: NewRequest {
                child,
                details,
                emergency_placed_on: None,
                variation: None,
            },
            requester: worker,
            state: self.state,
            required: vec![],
            submitted_on: Some(self.submitted_on),
            decided_on: Some(self.submitted_on + time::Duration::days(7)),
            agreed_weekly: Some(self.weekly),
            reasons: Some("Agreed".into()),
            conditions: None,
            panel_items: vec![],
            approvals: vec![],
        }
    }
}

impl TestDatabase {
    /// An account named `username` ("username name" to display), with an
    /// email address when given.
    pub async fn person(&self, username: &str, email: Option<&str>, roles: Vec<authz::Role>) -> UserId {
        let mut cmd = self.store.begin(Actor::System, self.clock.as_ref()).await.unwrap();
        let new = crate::users::NewUser {
            username: username.into(),
            display_name: format!("{username} name"),
            email: email.map(str::to_owned),
            password_hash: "x".into(),
            roles,
            teams: vec![],
        };
        let user = crate::users::create(&mut cmd, &Can::<authz::cap::ManageUsers>::system(), new)
            .await
            .unwrap();
        cmd.commit().await.unwrap();
        user.id
    }

    /// Inserts each request with its own child (allocated to `worker`);
    /// returns (child, request) pairs in order.
    pub async fn decided_requests(&self, worker: UserId, requests: &[DecidedRequest]) -> Vec<(ChildId, i64)> {
        let mut cmd = self.store.begin(Actor::System, self.clock.as_ref()).await.unwrap();
        let can = Can::<RecordChildren>::system();
        let children: Vec<NewChild> = requests
            .iter()
            .map(|r| NewChild {
                la_child_id: r.la_child_id.clone(),
                given_names: "Ava".into(),
                family_name: "Smith".into(),
                date_of_birth: r.date_of_birth,
                sex: "F".into(),
                ethnicity: "WBRI".into(),
                team_id: None,
                allocated_worker_id: Some(worker),
            })
            .collect();
        let ids = crate::children::insert_many(&mut cmd, &can, &children).await.unwrap();
        let loaded: Vec<LoadedRequest> = requests.iter().zip(&ids).map(|(r, child)| r.loaded(*child, worker)).collect();
        let requests = crate::gateway_board::insert_bulk(&mut cmd, &can, &loaded).await.unwrap();
        cmd.commit().await.unwrap();
        ids.into_iter().zip(requests).collect()
    }
}
