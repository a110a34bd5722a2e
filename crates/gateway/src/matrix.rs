//! The delegated-authority matrix: who must approve a placement, decided
//! by its cost, type, location and registration.
//!
//! Each rule names a condition and the roles whose approval it requires.
//! Every rule that applies contributes, and the chain is the union in order
//! of seniority (head of service, then director). An administrator changes
//! the matrix; a second administrator must approve the change
//! ([`approve_change`]).

use authz::{ensure_different_people, Actor, DutyViolation, Role};
use kernel::{Money, Nation};
use placements::PlacementCategory;
use serde::{Deserialize, Serialize};
use time::Date;

/// What the matrix looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFacts {
    pub weekly_cost: Money,
    pub category: PlacementCategory,
    /// Outside the council's area.
    pub out_of_area: bool,
    /// Neither in the council's area nor an adjoining one (England reg 11).
    pub at_distance: bool,
    /// The setting is not registered with Ofsted or CIW.
    pub unregistered: bool,
    pub nation: Nation,
    pub provider_for_profit: bool,
    /// The proposed provider is not accredited on the day: placing there
    /// is an exception to the accreditation rule.
    pub unaccredited_provider: bool,
    pub start: Date,
}

/// When a rule applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "when", rename_all = "kebab-case")]
pub enum Condition {
    WeeklyCostAtLeast {
        pence: i64,
    },
    AnnualCostAtLeast {
        pence: i64,
    },
    Category {
        category: PlacementCategory,
    },
    OutOfArea,
    AtDistance,
    Unregistered,
    /// Wales: placements with for-profit providers need Welsh Ministers'
    /// approval from 1 April 2030, so the council's director signs first.
    WalesForProfit,
    /// The proposed provider is not accredited (or is suspended or expired).
    UnaccreditedProvider,
}

impl Condition {
    fn applies(&self, facts: &RequestFacts) -> bool {
        match self {
            Condition::WeeklyCostAtLeast { pence } => facts.weekly_cost.pence() >= *pence,
            Condition::AnnualCostAtLeast { pence } => facts.weekly_cost.apportion(365, 7).is_ok_and(|annual| annual.pence() >= *pence),
            Condition::Category { category } => facts.category == *category,
            Condition::OutOfArea => facts.out_of_area,
            Condition::AtDistance => facts.at_distance,
            Condition::Unregistered => facts.unregistered,
            Condition::WalesForProfit => {
                facts.nation == Nation::Wales && facts.provider_for_profit && facts.start >= crate::hard_stops::WALES_NOT_FOR_PROFIT_FROM
            }
            Condition::UnaccreditedProvider => facts.unaccredited_provider,
        }
    }
}

/// One line of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub name: String,
    pub condition: Condition,
    pub approvers: Vec<Role>,
}

/// The whole matrix, versioned so changes are traceable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matrix {
    pub version: i64,
    pub rules: Vec<Rule>,
}

/// Seniority order for approval chains.
fn seniority(role: Role) -> u8 {
    match role {
        Role::TeamManager => 1,
        Role::GatewayOfficer | Role::PanelMember => 2,
        Role::FinanceApprover => 3,
        Role::HeadOfService => 4,
        Role::Director => 5,
        _ => 0,
    }
}

fn rule(name: &str, condition: Condition, approvers: &[Role]) -> Rule {
    Rule {
        name: name.to_owned(),
        condition,
        approvers: approvers.to_vec(),
    }
}

impl Matrix {
    /// A starting matrix a council can adjust.
    pub fn standard() -> Matrix {
        Matrix {
            version: 1,
            rules: vec![
                rule(
                    "£1,000 a week or more",
                    Condition::WeeklyCostAtLeast { pence: 100_000 },
                    &[Role::HeadOfService],
                ),
                rule(
                    "£5,000 a week or more",
                    Condition::WeeklyCostAtLeast { pence: 500_000 },
                    &[Role::HeadOfService, Role::Director],
                ),
                rule(
                    "£250,000 a year or more",
                    Condition::AnnualCostAtLeast { pence: 25_000_000 },
                    &[Role::Director],
                ),
                rule("Out of area", Condition::OutOfArea, &[Role::HeadOfService]),
                rule("At a distance (England reg 11)", Condition::AtDistance, &[Role::Director]),
                rule("Unregistered setting", Condition::Unregistered, &[Role::Director]),
                rule(
                    "Secure children's home",
                    Condition::Category {
                        category: PlacementCategory::Secure,
                    },
                    &[Role::Director],
                ),
                rule(
                    "Wales: for-profit provider from April 2030",
                    Condition::WalesForProfit,
                    &[Role::Director],
                ),
                rule(
                    "Provider not accredited (exception)",
                    Condition::UnaccreditedProvider,
                    &[Role::HeadOfService],
                ),
            ],
        }
    }

    /// The approvals required after the panel, most junior first, and the
    /// rules that required them.
    pub fn required_chain(&self, facts: &RequestFacts) -> (Vec<Role>, Vec<String>) {
        let applying: Vec<&Rule> = self.rules.iter().filter(|r| r.condition.applies(facts)).collect();
        let mut chain: Vec<Role> = applying.iter().flat_map(|r| r.approvers.iter().copied()).collect();
        chain.sort_by_key(|r| seniority(*r));
        chain.dedup();
        (chain, applying.iter().map(|r| r.name.clone()).collect())
    }
}

/// A proposed change to the matrix, made by one administrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixChange {
    pub proposed_by: Actor,
    pub matrix: Matrix,
}

/// A second administrator approves a change; the proposer never can.
pub fn approve_change(change: &MatrixChange, approver: Actor, approver_roles: &[Role]) -> Result<Matrix, MatrixChangeRefused> {
    if !approver_roles.contains(&Role::Administrator) {
        return Err(MatrixChangeRefused::NotAnAdministrator);
    }
    ensure_different_people(change.proposed_by, approver, "approve", "proposed")?;
    Ok(change.matrix.clone())
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatrixChangeRefused {
    #[error("only an administrator can approve a change to the matrix")]
    NotAnAdministrator,
    #[error(transparent)]
    SamePerson(#[from] DutyViolation),
}

#[cfg(test)]
mod tests {
    use super::*;
    use kernel::UserId;
    use time::macros::date;

    fn facts(weekly_pounds: i64) -> RequestFacts {
        RequestFacts {
            weekly_cost: Money::from_pounds(weekly_pounds),
            category: PlacementCategory::ChildrensHome,
            out_of_area: false,
            at_distance: false,
            unregistered: false,
            nation: Nation::England,
            provider_for_profit: true,
            unaccredited_provider: false,
            start: date!(2026 - 12 - 01),
        }
    }

    #[test]
    fn cost_bands_at_their_boundaries() {
        let matrix = Matrix::standard();
        assert_eq!(matrix.required_chain(&facts(999)).0, vec![]);
        assert_eq!(
            matrix
                .required_chain(&RequestFacts {
                    weekly_cost: Money::from_pence(99_999),
                    ..facts(0)
                })
                .0,
            vec![]
        );
        assert_eq!(matrix.required_chain(&facts(1_000)).0, vec![Role::HeadOfService]);
        assert_eq!(matrix.required_chain(&facts(4_700)).0, vec![Role::HeadOfService]);
        assert_eq!(matrix.required_chain(&facts(5_000)).0, vec![Role::HeadOfService, Role::Director]);
    }

    #[test]
    fn annual_cost_uses_365_days() {
        let matrix = Matrix::standard();
        // £4,795 a week is £250,017.86 a year: director's approval.
        let (chain, why) = matrix.required_chain(&facts(4_795));
        assert_eq!(chain, vec![Role::HeadOfService, Role::Director]);
        assert!(why.contains(&"£250,000 a year or more".to_owned()));
        assert_eq!(matrix.required_chain(&facts(4_794)).0, vec![Role::HeadOfService]);
    }

    #[test]
    fn distance_registration_and_wales() {
        let matrix = Matrix::standard();
        let far = RequestFacts {
            out_of_area: true,
            at_distance: true,
            ..facts(800)
        };
        assert_eq!(matrix.required_chain(&far).0, vec![Role::HeadOfService, Role::Director]);
        let unregistered = RequestFacts {
            unregistered: true,
            ..facts(800)
        };
        assert_eq!(matrix.required_chain(&unregistered).0, vec![Role::Director]);
        let wales = RequestFacts {
            nation: Nation::Wales,
            start: date!(2030 - 04 - 01),
            ..facts(800)
        };
        assert_eq!(matrix.required_chain(&wales).0, vec![Role::Director]);
        let wales_before = RequestFacts {
            nation: Nation::Wales,
            start: date!(2030 - 03 - 31),
            ..facts(800)
        };
        assert_eq!(matrix.required_chain(&wales_before).0, vec![]);
        let unaccredited = RequestFacts {
            unaccredited_provider: true,
            ..facts(800)
        };
        let (chain, why) = matrix.required_chain(&unaccredited);
        assert_eq!(chain, vec![Role::HeadOfService]);
        assert_eq!(why, vec!["Provider not accredited (exception)".to_owned()]);
    }

    #[test]
    fn matrix_changes_need_a_second_administrator() {
        let one = Actor::User(UserId::new(1));
        let two = Actor::User(UserId::new(2));
        let change = MatrixChange {
            proposed_by: one,
            matrix: Matrix::standard(),
        };
        assert!(matches!(
            approve_change(&change, one, &[Role::Administrator]),
            Err(MatrixChangeRefused::SamePerson(_))
        ));
        assert_eq!(
            approve_change(&change, two, &[Role::Director]),
            Err(MatrixChangeRefused::NotAnAdministrator)
        );
        assert!(approve_change(&change, two, &[Role::Administrator]).is_ok());
    }
}
