//! Fixtures for care finance stories: an external placement with a signed
//! placement agreement and its service agreement, ready to be paid.

use authz::cap::{Commission, ManageFinance, RecordChildren};
use authz::{Actor, Can};
use contracts::agreements::{Draft, FundingSplit, PriceLine, SignatureStatus};
use contracts::frameworks::SpotReason;
use finance::runs::Cadence;
use kernel::{ChildId, Money, ProviderId};
use placements::{ElementKind, PlacementCategory};
use providers::accreditation::{Finding, Review};
use providers::register::{LegalForm, Organisation};
use providers::ProviderType;
use time::macros::date;
use time::Date;

use crate::care_history::{HistoryChange, PlacementDetails};
use crate::children::NewChild;
use crate::testing::TestDatabase;

/// What [`TestDatabase::paid_placement`] made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaidPlacement {
    pub provider: ProviderId,
    pub child: ChildId,
    pub placement: i64,
    pub placement_agreement: i64,
    pub service_agreement: i64,
}

/// How to make one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidPlacementSpec {
    /// The child's LA id and the provider's name; both must be new.
    pub la_child_id: String,
    pub provider_name: String,
    pub start: Date,
    pub weekly: Money,
    pub funding: FundingSplit,
    pub cadence: Cadence,
}

impl PaidPlacementSpec {
    /// A children's home placement from `start` at £`pounds` a week, all
    /// social care, paid monthly.
    pub fn new(la_child_id: &str, provider_name: &str, start: Date, pounds: i64) -> PaidPlacementSpec {
        PaidPlacementSpec {
            la_child_id: la_child_id.into(),
            provider_name: provider_name.into(),
            start,
            weekly: Money::from_pounds(pounds),
            funding: FundingSplit::ALL_SOCIAL_CARE,
            cadence: Cadence::Monthly,
        }
    }
}

const CHECKLIST: [&str; 6] = ["registration", "insurance", "safeguarding", "financial", "workforce", "continuity"];

impl TestDatabase {
    /// An accredited provider, a child placed with it from `spec.start`, a
    /// fully signed spot agreement at `spec.weekly`, and the service
    /// agreement made from it — all as the system actor.
    pub async fn paid_placement(&self, spec: &PaidPlacementSpec) -> PaidPlacement {
        let mut paid = self.signed_placement(spec).await;
        let mut cmd = self.store.begin(Actor::System, self.clock.as_ref()).await.unwrap();
        let terms = crate::service_agreements::Terms {
            cadence: spec.cadence,
            cost_centre: String::new(),
        };
        paid.service_agreement = crate::service_agreements::create_from_placement_agreement(
            &mut cmd,
            &Can::<ManageFinance>::system(),
            paid.placement_agreement,
            &terms,
        )
        .await
        .unwrap();
        cmd.commit().await.unwrap();
        paid
    }

    /// As [`TestDatabase::paid_placement`] but stopping at the signed
    /// placement agreement: `service_agreement` is 0.
    pub async fn signed_placement(&self, spec: &PaidPlacementSpec) -> PaidPlacement {
        let provider = self.accredited_provider(&spec.provider_name).await;
        let child = self.child_placed_with(provider, spec).await;
        let history = crate::care_history::history_of(&self.store, child).await.unwrap();
        let placement = history.placements[0].id;
        let mut cmd = self.store.begin(Actor::System, self.clock.as_ref()).await.unwrap();
        let new = crate::agreements::NewAgreement {
            placement_id: placement,
            draft: Draft {
                start: spec.start,
                end: None,
                lines: vec![PriceLine {
                    kind: ElementKind::CoreFee,
                    weekly: spec.weekly,
                    effective_from: spec.start,
                }],
                funding: spec.funding,
            },
            spot: Some((SpotReason::NeedsNotMet, "Only home able to meet needs".into())),
        };
        let placement_agreement = crate::agreements::create(&mut cmd, &Can::<Commission>::system(), &new)
            .await
            .unwrap();
        crate::agreements::set_signature(
            &mut cmd,
            &Can::<Commission>::system(),
            placement_agreement,
            1,
            SignatureStatus::FullySigned,
        )
        .await
        .unwrap();
        cmd.commit().await.unwrap();
        PaidPlacement {
            provider,
            child,
            placement,
            placement_agreement,
            service_agreement: 0,
        }
    }

    async fn accredited_provider(&self, name: &str) -> ProviderId {
        let org = Organisation {
            legal_name: name.into(),
            companies_house_number: Some("01234567".into()),
            charity_number: None,
            provider_type: ProviderType::Private,
            for_profit: true,
            legal_form: LegalForm::CompanyLimitedByShares,
        };
        let today = kernel::Clock::today(self.clock.as_ref());
        let mut cmd = self.store.begin(Actor::System, self.clock.as_ref()).await.unwrap();
        let provider = crate::providers::create(&mut cmd, &Can::<Commission>::system(), &org)
            .await
            .unwrap();
        for item in CHECKLIST {
            let review = Review {
                item: item.into(),
                finding: Finding::Met,
                evidence: format!("{item} certificate seen"),
                reviewed_on: date!(2020 - 01 - 10),
                expires_on: date!(2099 - 12 - 31),
            };
            crate::accreditation::record_review(&mut cmd, &Can::system(), provider, &review, None, today)
                .await
                .unwrap();
        }
        cmd.commit().await.unwrap();
        provider
    }

    async fn child_placed_with(&self, provider: ProviderId, spec: &PaidPlacementSpec) -> ChildId {
        let new = NewChild {
            la_child_id: spec.la_child_id.clone(),
            given_names: "Ava".into(),
            family_name: "Smith".into(),
            date_of_birth: date!(2012 - 04 - 01),
            sex: "F".into(),
            ethnicity: "WBRI".into(),
            team_id: None,
            allocated_worker_id: None,
        };
        let mut cmd = self.store.begin(Actor::System, self.clock.as_ref()).await.unwrap();
        let child = crate::children::insert_many(&mut cmd, &Can::system(), &[new]).await.unwrap()[0];
        let start = HistoryChange::StartPeriod {
            start: spec.start,
            category_of_need: "N1".into(),
            legal_status: "C2".into(),
            placement: PlacementDetails {
                category: PlacementCategory::ChildrensHome,
                place: "K2".into(),
                provider_id: Some(provider),
                provider_type: "PR4".into(),
                urn: None,
                postcode: Some("CF10 1AA".into()),
                weekly_cost: spec.weekly,
                long_term: false,
            },
        };
        let codes = children::codes::CodeSets::standard();
        crate::care_history::record(&mut cmd, &Can::<RecordChildren>::system(), child, &start, &codes)
            .await
            .unwrap();
        cmd.commit().await.unwrap();
        child
    }
}
