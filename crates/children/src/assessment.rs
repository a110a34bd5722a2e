//! Assessments and their workflow: started, submitted, authorised.
//!
//! A team manager authorises an assessment; never its author. A manager
//! may return it to the author instead, and the author resubmits. The
//! statutory timescale runs from the start (referral) date; see
//! `compliance::assessment_deadline`.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// The kinds of assessment Hearth records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AssessmentKind {
    /// England: child and family assessment (Working Together), 45 working days.
    ChildAndFamily,
    /// Wales: care and support assessment, 42 working days.
    CareAndSupport,
    /// Placement needs assessment, to the council's local timescale.
    PlacementNeeds,
}

impl AssessmentKind {
    pub const ALL: [AssessmentKind; 3] = [
        AssessmentKind::ChildAndFamily,
        AssessmentKind::CareAndSupport,
        AssessmentKind::PlacementNeeds,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AssessmentKind::ChildAndFamily => "child-and-family",
            AssessmentKind::CareAndSupport => "care-and-support",
            AssessmentKind::PlacementNeeds => "placement-needs",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AssessmentKind::ChildAndFamily => "Child and family assessment",
            AssessmentKind::CareAndSupport => "Care and support assessment",
            AssessmentKind::PlacementNeeds => "Placement needs assessment",
        }
    }
}

impl fmt::Display for AssessmentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for AssessmentKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AssessmentKind::ALL
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| format!("'{s}' is not a kind of assessment"))
    }
}

/// Where an assessment is in its workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AssessmentState {
    Started,
    Submitted,
    Authorised,
}

impl AssessmentState {
    pub fn code(self) -> &'static str {
        match self {
            AssessmentState::Started => "started",
            AssessmentState::Submitted => "submitted",
            AssessmentState::Authorised => "authorised",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AssessmentState::Started => "In progress",
            AssessmentState::Submitted => "Awaiting authorisation",
            AssessmentState::Authorised => "Authorised",
        }
    }
}

impl FromStr for AssessmentState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [AssessmentState::Started, AssessmentState::Submitted, AssessmentState::Authorised]
            .into_iter()
            .find(|k| k.code() == s)
            .ok_or_else(|| format!("'{s}' is not an assessment state"))
    }
}

/// A step a person asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssessmentStep {
    Submit,
    Return,
    Authorise,
}

/// Why a step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepRefused {
    #[error("only the assessment's author can submit it")]
    NotTheAuthor,
    #[error("an assessment cannot be authorised by the person who wrote it; another team manager must authorise it")]
    AuthorCannotAuthorise,
    #[error("only a team manager can authorise or return an assessment")]
    NotAManager,
    #[error("this assessment is {0}, so that cannot be done now")]
    WrongState(&'static str),
}

/// Who is asking, as the workflow needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub id: i64,
    pub is_team_manager: bool,
}

/// The state after `step`, or why it is refused.
pub fn next_state(state: AssessmentState, author: i64, actor: Actor, step: AssessmentStep) -> Result<AssessmentState, StepRefused> {
    match (state, step) {
        (AssessmentState::Started, AssessmentStep::Submit) if actor.id == author => Ok(AssessmentState::Submitted),
        (AssessmentState::Started, AssessmentStep::Submit) => Err(StepRefused::NotTheAuthor),
        (AssessmentState::Submitted, AssessmentStep::Authorise | AssessmentStep::Return) if !actor.is_team_manager => {
            Err(StepRefused::NotAManager)
        }
        (AssessmentState::Submitted, AssessmentStep::Authorise) if actor.id == author => Err(StepRefused::AuthorCannotAuthorise),
        (AssessmentState::Submitted, AssessmentStep::Authorise) => Ok(AssessmentState::Authorised),
        (AssessmentState::Submitted, AssessmentStep::Return) => Ok(AssessmentState::Started),
        (other, _) => Err(StepRefused::WrongState(other.label())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AUTHOR: i64 = 1;
    fn worker(id: i64) -> Actor {
        Actor {
            id,
            is_team_manager: false,
        }
    }
    fn manager(id: i64) -> Actor {
        Actor { id, is_team_manager: true }
    }

    #[test]
    fn every_transition() {
        use AssessmentState::*;
        use AssessmentStep::*;
        assert_eq!(next_state(Started, AUTHOR, worker(AUTHOR), Submit), Ok(Submitted));
        assert_eq!(next_state(Started, AUTHOR, worker(2), Submit), Err(StepRefused::NotTheAuthor));
        assert_eq!(next_state(Submitted, AUTHOR, manager(2), Authorise), Ok(Authorised));
        assert_eq!(next_state(Submitted, AUTHOR, manager(2), Return), Ok(Started));
        assert_eq!(next_state(Submitted, AUTHOR, worker(2), Authorise), Err(StepRefused::NotAManager));
        assert_eq!(
            next_state(Authorised, AUTHOR, manager(2), Authorise),
            Err(StepRefused::WrongState("Authorised"))
        );
        assert_eq!(
            next_state(Started, AUTHOR, manager(2), Authorise),
            Err(StepRefused::WrongState("In progress"))
        );
    }

    #[test]
    fn a_manager_never_authorises_their_own_assessment() {
        assert_eq!(
            next_state(AssessmentState::Submitted, AUTHOR, manager(AUTHOR), AssessmentStep::Authorise),
            Err(StepRefused::AuthorCannotAuthorise)
        );
    }
}
