//! The permission matrix: which roles may perform which kinds of action.
//!
//! Each permission lists the roles that hold it, so a reviewer reads the
//! matrix one action at a time ("who can see a child's record?"). Anything not
//! listed is denied. Segregation of duties is a separate, finer check made at
//! the moment of action (see [`crate::duties`]).

use serde::Serialize;

use crate::roles::Role;
use Role::*;

/// A kind of action in Hearth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Permission {
    /// Sign in, see one's own work tray and profile.
    UseHearth,
    /// Search and list children (names, ids, dates of birth).
    SearchChildren,
    /// Open a child's record; every opening is written to the access log.
    ViewChildRecord,
    /// Create children's records and record their care history.
    RecordChildren,
    /// Limit a child's record to named teams.
    RestrictRecords,
    /// Take part in gatekeeping placement requests (the step-by-step roles
    /// are checked by the `gateway` rules).
    WorkOnRequests,
    /// Schedule panel meetings, set their agendas and record attendance.
    RunPanels,
    /// Propose and approve changes to the delegated-authority matrix.
    ManageMatrix,
    /// Read the provider register, frameworks, agreements and monitoring.
    ViewProviders,
    /// Keep the register, accredit providers, run frameworks, agree
    /// placements and monitor them (commissioning officers).
    Commission,
    /// Approve or reject variations to placement agreements (the checker
    /// for the commissioning officer's proposal).
    ApproveVariations,
    /// Search for a placement for an approved request, refer the child to
    /// chosen settings, record offers and declines, and choose among them.
    SearchPlacements,
    /// Read care finance: service agreements, payment runs, invoices,
    /// recharges and forecasts. Heads of service see the budget lines they
    /// hold; finance staff, directors and auditors see every line.
    ViewFinance,
    /// Keep care finance: create service agreements and rate changes,
    /// allowance tables, prepare and release payment runs, enter invoices,
    /// resolve their exceptions, and set budgets (finance officers).
    ManageFinance,
    /// Approve what another person prepared: payment runs and carer fees
    /// (the checker for the finance officer).
    ApprovePayments,
    /// See the controls library, control exceptions, assurance by area, and
    /// internal audit engagements, findings and action plans.
    ViewAssurance,
    /// Assign control exceptions and resolve them with evidence (managers
    /// and officers who own the controls; never the auditors who test them).
    WorkOnExceptions,
    /// Plan and conduct internal audits: engagements, samples, workpapers,
    /// findings and opinions, and follow-ups (internal auditors).
    ConductAudits,
    /// Respond to audit findings and update the actions one owns.
    RespondToAudits,
    /// Keep committee meetings, agendas and resolutions, and generate the
    /// committee pack (aggregate figures only).
    ClerkCommittees,
    /// Record staff training (course, date, expiry).
    ManageTraining,
    /// Produce the statutory returns (SSDA903, Annex A) and work their
    /// data-quality errors. The returns name children, so only case readers.
    ProduceReturns,
    /// See aggregate figures with no child's identity (committee packs).
    ViewAggregates,
    /// Create, change and deactivate user accounts and their roles and teams.
    ManageUsers,
    /// Create and revoke API tokens for service accounts.
    ManageApiTokens,
    /// Read the audit trail and the access log, and verify the chain.
    ViewAuditTrail,
}

impl Permission {
    /// Every permission, for matrix tests and documentation.
    pub const ALL: [Permission; 26] = [
        Permission::UseHearth,
        Permission::SearchChildren,
        Permission::ViewChildRecord,
        Permission::RecordChildren,
        Permission::RestrictRecords,
        Permission::WorkOnRequests,
        Permission::RunPanels,
        Permission::ManageMatrix,
        Permission::ViewProviders,
        Permission::Commission,
        Permission::ApproveVariations,
        Permission::SearchPlacements,
        Permission::ViewFinance,
        Permission::ManageFinance,
        Permission::ApprovePayments,
        Permission::ViewAssurance,
        Permission::WorkOnExceptions,
        Permission::ConductAudits,
        Permission::RespondToAudits,
        Permission::ClerkCommittees,
        Permission::ManageTraining,
        Permission::ProduceReturns,
        Permission::ViewAggregates,
        Permission::ManageUsers,
        Permission::ManageApiTokens,
        Permission::ViewAuditTrail,
    ];

    /// The roles that hold this permission.
    pub fn roles(self) -> &'static [Role] {
        // Practitioners, managers, gatekeepers, commissioners and finance staff all
        // need a child's record to do their job; internal auditors may read
        // everything (logged). Committee members and administrators never see a
        // child's identity: members see aggregates, administrators run the system.
        const CASE_READERS: &[Role] = &[
            SocialWorker,
            TeamManager,
            GatewayOfficer,
            PanelMember,
            CommissioningOfficer,
            FinanceOfficer,
            FinanceApprover,
            HeadOfService,
            Director,
            InternalAuditor,
        ];
        match self {
            Permission::UseHearth => &Role::ALL,
            Permission::SearchChildren | Permission::ViewChildRecord => CASE_READERS,
            Permission::RecordChildren => &[SocialWorker, TeamManager],
            Permission::RestrictRecords => &[TeamManager, HeadOfService],
            Permission::WorkOnRequests => &[SocialWorker, TeamManager, GatewayOfficer, PanelMember, HeadOfService, Director],
            Permission::RunPanels => &[GatewayOfficer],
            Permission::ManageMatrix => &[Administrator],
            Permission::ViewProviders => CASE_READERS,
            Permission::Commission => &[CommissioningOfficer],
            Permission::ApproveVariations => &[FinanceApprover, HeadOfService],
            // The access-to-resources team (Gateway officers) and the
            // commissioning officers who know the market search together.
            Permission::SearchPlacements => &[GatewayOfficer, CommissioningOfficer],
            Permission::ViewFinance => &[FinanceOfficer, FinanceApprover, HeadOfService, Director, InternalAuditor],
            Permission::ManageFinance => &[FinanceOfficer],
            Permission::ApprovePayments => &[FinanceApprover],
            Permission::ViewAssurance => &[
                TeamManager,
                GatewayOfficer,
                CommissioningOfficer,
                FinanceOfficer,
                FinanceApprover,
                HeadOfService,
                Director,
                InternalAuditor,
            ],
            // Auditors test the controls; putting exceptions right is the
            // management's job, so auditors cannot resolve them.
            Permission::WorkOnExceptions => &[TeamManager, GatewayOfficer, CommissioningOfficer, FinanceOfficer, HeadOfService],
            Permission::ConductAudits => &[InternalAuditor],
            Permission::RespondToAudits => &[
                TeamManager,
                GatewayOfficer,
                CommissioningOfficer,
                FinanceOfficer,
                FinanceApprover,
                HeadOfService,
                Director,
            ],
            // Packs hold aggregates only, so the clerk need not see children.
            Permission::ClerkCommittees => &[InternalAuditor, Director, Administrator],
            Permission::ManageTraining => &[TeamManager, HeadOfService, Administrator],
            // Managers see their teams' errors; heads of service and directors
            // sign the return off; auditors test it.
            Permission::ProduceReturns => &[TeamManager, HeadOfService, Director, InternalAuditor],
            // Commissioners plan sufficiency from the aggregate picture.
            Permission::ViewAggregates => &[
                HeadOfService,
                Director,
                InternalAuditor,
                CommitteeMember,
                FinanceApprover,
                CommissioningOfficer,
            ],
            Permission::ManageUsers | Permission::ManageApiTokens => &[Administrator],
            Permission::ViewAuditTrail => &[InternalAuditor, Administrator],
        }
    }

    /// Whether `role` holds this permission.
    pub fn is_granted_to(self, role: Role) -> bool {
        self.roles().contains(&role)
    }
}

/// The permissions a role holds, derived from [`Permission::roles`].
pub fn granted_by(role: Role) -> Vec<Permission> {
    Permission::ALL
        .into_iter()
        .filter(|permission| permission.is_granted_to(role))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_can_use_hearth() {
        for role in Role::ALL {
            assert!(Permission::UseHearth.is_granted_to(role), "{role}");
        }
    }

    #[test]
    fn committee_members_never_see_children() {
        assert!(!Permission::SearchChildren.is_granted_to(CommitteeMember));
        assert!(!Permission::ViewChildRecord.is_granted_to(CommitteeMember));
        assert!(Permission::ViewAggregates.is_granted_to(CommitteeMember));
    }

    #[test]
    fn administrators_run_the_system_but_see_no_children() {
        assert_eq!(
            granted_by(Administrator),
            vec![
                Permission::UseHearth,
                Permission::ManageMatrix,
                Permission::ClerkCommittees,
                Permission::ManageTraining,
                Permission::ManageUsers,
                Permission::ManageApiTokens,
                Permission::ViewAuditTrail
            ]
        );
    }

    #[test]
    fn auditors_test_controls_but_never_resolve_their_exceptions() {
        assert!(Permission::ViewAssurance.is_granted_to(InternalAuditor));
        assert!(Permission::ConductAudits.is_granted_to(InternalAuditor));
        assert!(!Permission::WorkOnExceptions.is_granted_to(InternalAuditor));
        assert!(!Permission::RespondToAudits.is_granted_to(InternalAuditor));
        assert!(!Permission::RecordChildren.is_granted_to(InternalAuditor));
        assert!(!Permission::ManageFinance.is_granted_to(InternalAuditor));
    }

    #[test]
    fn only_administrators_manage_accounts() {
        for role in Role::ALL {
            assert_eq!(Permission::ManageUsers.is_granted_to(role), role == Administrator);
        }
    }
}
