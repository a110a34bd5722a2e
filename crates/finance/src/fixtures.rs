//! Agreements for tests.

use contracts::agreements::FundingSplit;
use kernel::{Money, PlacementId, ProviderId};
use placements::PlacementCategory;
use time::Date;

use crate::service::{AgreementId, CostCentre, Element, Payee, RateLine, ServiceAgreement};

pub fn pounds(p: i64) -> Money {
    Money::from_pounds(p)
}

pub fn line(element: Element, weekly: Money, from: Date) -> RateLine {
    RateLine { element, weekly, from }
}

/// An agreement with a core fee from `start`, paid to provider `provider`.
pub fn agreement(id: i64, provider: i64, start: Date, end: Option<Date>, weekly: Money) -> ServiceAgreement {
    ServiceAgreement {
        id: AgreementId::new(id),
        placement_id: PlacementId::new(id),
        placement_type: PlacementCategory::ChildrensHome,
        payee: Payee::Provider(ProviderId::new(provider)),
        start,
        end,
        placement_ended: None,
        lines: vec![line(Element::CoreFee, weekly, start)],
        funding: FundingSplit::ALL_SOCIAL_CARE,
        cost_centre: CostCentre::new("CC-4010"),
    }
}
