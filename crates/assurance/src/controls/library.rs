//! The controls library: every control's statement, area, owner and rule.
//!
//! The order here is library order: reports list controls, and a full
//! pass lists exceptions, in this order. It must match [`ControlId::ALL`],
//! which a test checks.

use authz::Role;

use super::placement_rules::{
    agreement_signed, emergency_ratified, gateway_approval, high_cost_reviewed, no_under_16s_unregulated, out_of_area_monitored,
    placement_consistent, provider_in_standing,
};
use super::record_rules::{
    assessment_on_time, invoice_exception_resolved, maker_is_not_checker, payment_days_match, payment_within_agreement, statutory_on_time,
};
use super::{Area, Control, ControlId, Rule};

/// Every control, in library order.
pub fn library() -> &'static [Control] {
    &LIBRARY
}

pub(super) fn control(id: ControlId) -> &'static Control {
    let at = ControlId::ALL.iter().position(|c| *c == id).unwrap_or(0);
    &LIBRARY[at]
}

static LIBRARY: [Control; 14] = [
    Control {
        id: ControlId::As01,
        area: Area::Assessments,
        owner: Role::TeamManager,
        statement: "Every assessment is completed by the last day of its timescale.",
        population: "Assessments started on or before the snapshot date.",
        rule: Rule::Assessment(assessment_on_time),
    },
    Control {
        id: ControlId::Gk01,
        area: Area::Gatekeeping,
        owner: Role::GatewayOfficer,
        statement: "Every placement other than an emergency starts only after the Gateway has approved it, on or before the start date.",
        population: "Non-emergency placements that have started.",
        rule: Rule::Placement(gateway_approval),
    },
    Control {
        id: ControlId::Gk02,
        area: Area::Gatekeeping,
        owner: Role::GatewayOfficer,
        statement: "Every emergency placement is ratified by the Gateway within the set number of calendar days of its start (5 by default).",
        population: "Emergency placements that have started.",
        rule: Rule::Placement(emergency_ratified),
    },
    Control {
        id: ControlId::Gk03,
        area: Area::Gatekeeping,
        owner: Role::HeadOfService,
        statement: "Every placement costing at least the high-cost threshold (£5,000 a week by default) is reviewed within the set interval (91 days by default) of its start or its last review.",
        population: "Started placements whose weekly cost is at or above the threshold.",
        rule: Rule::Placement(high_cost_reviewed),
    },
    Control {
        id: ControlId::Cm01,
        area: Area::Commissioning,
        owner: Role::CommissioningOfficer,
        statement: "No child is placed with a provider on a day when it is not accredited, its registration has lapsed or it is suspended.",
        population: "Started placements with a provider.",
        rule: Rule::Placement(provider_in_standing),
    },
    Control {
        id: ControlId::Cm02,
        area: Area::Commissioning,
        owner: Role::HeadOfService,
        statement: "No child under 16 lives in an unregulated setting on or after the ban date (9 September 2021 in England).",
        population: "Started placements in settings that are not regulated, where a ban date is set.",
        rule: Rule::Placement(no_under_16s_unregulated),
    },
    Control {
        id: ControlId::Ct01,
        area: Area::Contracts,
        owner: Role::CommissioningOfficer,
        statement: "Every external placement has a placement agreement signed by both parties by its start (plus any grace days set; none by default).",
        population: "External placements that have started.",
        rule: Rule::Placement(agreement_signed),
    },
    Control {
        id: ControlId::Mn01,
        area: Area::Monitoring,
        owner: Role::TeamManager,
        statement: "Every out-of-area placement has a named monitoring officer.",
        population: "Out-of-area placements that have started.",
        rule: Rule::Placement(out_of_area_monitored),
    },
    Control {
        id: ControlId::Mn02,
        area: Area::Monitoring,
        owner: Role::TeamManager,
        statement: "Every looked-after review and statutory visit is held by its due date.",
        population: "Reviews and visits due on or before the snapshot date, or already held.",
        rule: Rule::Statutory(statutory_on_time),
    },
    Control {
        id: ControlId::Fn01,
        area: Area::Finance,
        owner: Role::FinanceOfficer,
        statement: "Every day paid falls within the live dates of the service agreement it is paid under.",
        population: "Payments.",
        rule: Rule::Payment(payment_within_agreement),
    },
    Control {
        id: ControlId::Fn02,
        area: Area::Finance,
        owner: Role::FinanceApprover,
        statement: "No one checks a decision they made: the checker of every payment run, carer fee, variation and request differs from its maker.",
        population: "Maker-checker decisions.",
        rule: Rule::Decision(maker_is_not_checker),
    },
    Control {
        id: ControlId::Fn03,
        area: Area::Finance,
        owner: Role::FinanceOfficer,
        statement: "Every invoice exception is resolved within the set number of days of being raised (30 by default).",
        population: "Invoice exceptions raised on or before the snapshot date.",
        rule: Rule::InvoiceException(invoice_exception_resolved),
    },
    Control {
        id: ControlId::Dq01,
        area: Area::DataQuality,
        owner: Role::TeamManager,
        statement: "Every placement belongs to a child on record, ends after it starts, starts after the child's birth and overlaps no other placement of the child.",
        population: "Placements.",
        rule: Rule::Placement(placement_consistent),
    },
    Control {
        id: ControlId::Dq02,
        area: Area::DataQuality,
        owner: Role::FinanceOfficer,
        statement: "Every payment's recorded number of days equals the days from its first to its last day.",
        population: "Payments.",
        rule: Rule::Payment(payment_days_match),
    },
];
