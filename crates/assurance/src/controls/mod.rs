//! The controls library and the engine that runs it.
//!
//! A control is a statement of something that should always be true
//! ("every external placement has a signed agreement by its start"), an
//! area, an owner, and a rule that tests every item it applies to. Each
//! rule looks at one item at a time (a placement, a payment, a decision…)
//! and either does not apply to it, passes it, or raises one
//! [`Exception`]; so a control never raises more than one exception per
//! item, and its exception rate is exceptions over the items it tested.
//!
//! Because rules are per item, the same rule serves the council-wide pass
//! ([`evaluate_all`]) and one child's record ([`evaluate_child`]): only the
//! items fed to it differ, found through the [`Snapshot`]'s index. The
//! child's exceptions are therefore exactly the council-wide exceptions
//! for that child.
//!
//! Timeliness controls count something done late as well as something not
//! yet done: the control failed either way. `since` is then the first day
//! it was late.

mod exception;
mod library;
mod placement_rules;
mod record_rules;
mod settings;

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests_placements;
#[cfg(test)]
mod tests_records;

use authz::Role;
use kernel::ChildId;
use serde::Serialize;

pub use exception::{Detail, Exception, Subject};
pub use library::library;
pub use placement_rules::sixteenth_birthday;
pub use settings::{Settings, SettingsError, ENGLAND_UNREGULATED_BAN_FROM};

use crate::facts::{Assessment, Decision, InvoiceException, Payment, Placement, StatutoryItem};
use crate::snapshot::{At, Snapshot};

kernel::coded!(
    /// The parts of the service the controls are grouped and reported by.
    Area {
        Assessments = "assessments", "Assessments";
        Gatekeeping = "gatekeeping", "Gatekeeping";
        Commissioning = "commissioning", "Commissioning";
        Contracts = "contracts", "Contracts";
        Monitoring = "monitoring", "Monitoring";
        Finance = "finance", "Finance";
        DataQuality = "data-quality", "Data quality";
    }
);

kernel::coded!(
    /// Every control, in library order. The code is the control's
    /// reference in reports; the label is its short title.
    ControlId {
        As01 = "AS-01", "Assessments within timescale";
        Gk01 = "GK-01", "Gateway approval before placement";
        Gk02 = "GK-02", "Emergency placements ratified";
        Gk03 = "GK-03", "High-cost placements reviewed";
        Cm01 = "CM-01", "Providers accredited and registered";
        Cm02 = "CM-02", "No under-16s in unregulated settings";
        Ct01 = "CT-01", "Placement agreements signed by the start";
        Mn01 = "MN-01", "Out-of-area placements monitored";
        Mn02 = "MN-02", "Reviews and visits on time";
        Fn01 = "FN-01", "Payments within live service agreements";
        Fn02 = "FN-02", "Maker and checker are different people";
        Fn03 = "FN-03", "Invoice exceptions resolved within 30 days";
        Dq01 = "DQ-01", "Placement records consistent";
        Dq02 = "DQ-02", "Payment days match their dates";
    }
);

impl ControlId {
    /// The control's definition in the library.
    pub fn control(self) -> &'static Control {
        library::control(self)
    }
}

/// Which items a control run looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everything in the snapshot.
    All,
    /// The items that concern one child.
    Child(ChildId),
}

/// One control: what should be true, where, whose it is, and its rule.
#[derive(Debug)]
pub struct Control {
    pub id: ControlId,
    pub area: Area,
    /// The role accountable for the control operating.
    pub owner: Role,
    /// What should always be true, in one sentence.
    pub statement: &'static str,
    /// Which items the control tests (its population), in one sentence.
    pub population: &'static str,
    rule: Rule,
}

/// A per-item test: not applicable, passed, or one exception. The item
/// comes with its position, so the rule finds linked facts without searching.
pub(crate) type Check<T> = fn(&Snapshot, &Settings, At<'_, T>) -> Outcome;

/// A control's rule, by the kind of item it tests.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Rule {
    Placement(Check<Placement>),
    Payment(Check<Payment>),
    Decision(Check<Decision>),
    Assessment(Check<Assessment>),
    Statutory(Check<StatutoryItem>),
    InvoiceException(Check<InvoiceException>),
}

/// What a rule made of one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The control does not apply to the item (not in its population).
    NotTested,
    Passed,
    Failed(Exception),
}

/// How one control fared over a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ControlResult {
    pub control: ControlId,
    pub area: Area,
    /// How many items the control tested.
    pub population: usize,
    pub exceptions: usize,
}

/// The exceptions of a full pass, and each control's population.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    /// Every exception, in [`Exception`] order.
    pub exceptions: Vec<Exception>,
    /// One result per control, in library order.
    pub results: Vec<ControlResult>,
}

/// The items and exceptions of every control in one area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AreaResult {
    pub area: Area,
    pub population: usize,
    pub exceptions: usize,
}

impl Evaluation {
    /// Populations and exceptions summed by area, in [`Area`] order; an
    /// area with no controls in the library is left out.
    pub fn by_area(&self) -> Vec<AreaResult> {
        Area::ALL
            .iter()
            .filter_map(|&area| {
                let results = self.results.iter().filter(|r| r.area == area);
                let (count, population, exceptions) = results.fold((0, 0, 0), |(n, p, e), r| (n + 1, p + r.population, e + r.exceptions));
                (count > 0).then_some(AreaResult {
                    area,
                    population,
                    exceptions,
                })
            })
            .collect()
    }
}

impl Control {
    /// Whether the control tests anything that concerns a child, and so
    /// runs in [`evaluate_child`]. Invoice exceptions concern providers.
    pub fn concerns_children(&self) -> bool {
        !matches!(self.rule, Rule::InvoiceException(_))
    }

    /// This control's exceptions within `scope`, in [`Exception`] order.
    pub fn evaluate(&self, snapshot: &Snapshot, settings: &Settings, scope: Scope) -> Vec<Exception> {
        let mut exceptions = Vec::new();
        self.run(snapshot, settings, scope, &mut exceptions);
        exceptions.sort_unstable();
        exceptions
    }

    /// Runs the rule over the scope's items, appending exceptions to
    /// `sink` (one shared buffer, so a pass allocates no vector per control).
    fn run(&self, snapshot: &Snapshot, settings: &Settings, scope: Scope, sink: &mut Vec<Exception>) -> ControlResult {
        let facts = snapshot.facts();
        let everything = |len: usize| 0..len;
        let slots = match scope {
            Scope::All => None,
            Scope::Child(child) => Some(snapshot.slots(child)),
        };
        let mut run = Run { snapshot, settings, sink };
        let (population, exceptions) = match (self.rule, slots) {
            (Rule::Placement(check), None) => run.tally(&facts.placements, everything(facts.placements.len()), check),
            (Rule::Placement(check), Some(slots)) => run.tally(&facts.placements, slots.placements.range(), check),
            (Rule::Payment(check), None) => run.tally(&facts.payments, everything(facts.payments.len()), check),
            (Rule::Payment(check), Some(slots)) => {
                let payments = slots.placements.range().flat_map(|at| snapshot.payment_positions(at));
                run.tally(&facts.payments, payments, check)
            }
            (Rule::Decision(check), None) => run.tally(&facts.decisions, everything(facts.decisions.len()), check),
            (Rule::Decision(check), Some(slots)) => run.tally(&facts.decisions, slots.decisions.range(), check),
            (Rule::Assessment(check), None) => run.tally(&facts.assessments, everything(facts.assessments.len()), check),
            (Rule::Assessment(check), Some(slots)) => run.tally(&facts.assessments, slots.assessments.range(), check),
            (Rule::Statutory(check), None) => run.tally(&facts.statutory, everything(facts.statutory.len()), check),
            (Rule::Statutory(check), Some(slots)) => run.tally(&facts.statutory, slots.statutory.range(), check),
            (Rule::InvoiceException(check), None) => {
                run.tally(&facts.invoice_exceptions, everything(facts.invoice_exceptions.len()), check)
            }
            (Rule::InvoiceException(_), Some(_)) => (0, 0),
        };
        ControlResult {
            control: self.id,
            area: self.area,
            population,
            exceptions,
        }
    }
}

/// What every rule in one pass shares.
struct Run<'a> {
    snapshot: &'a Snapshot,
    settings: &'a Settings,
    sink: &'a mut Vec<Exception>,
}

impl Run<'_> {
    /// Feeds the items at `positions` to `check`; returns (items tested,
    /// exceptions raised).
    fn tally<T>(&mut self, items: &[T], positions: impl Iterator<Item = usize>, check: Check<T>) -> (usize, usize) {
        let (mut tested, mut failed) = (0, 0);
        for position in positions {
            let item = At {
                fact: &items[position],
                position,
            };
            match check(self.snapshot, self.settings, item) {
                Outcome::NotTested => {}
                Outcome::Passed => tested += 1,
                Outcome::Failed(exception) => {
                    tested += 1;
                    failed += 1;
                    self.sink.push(exception);
                }
            }
        }
        (tested, failed)
    }
}

/// Runs every control over the whole snapshot.
pub fn evaluate(snapshot: &Snapshot, settings: &Settings) -> Evaluation {
    let mut exceptions = Vec::new();
    let results = library()
        .iter()
        .map(|control| control.run(snapshot, settings, Scope::All, &mut exceptions))
        .collect();
    exceptions.sort_unstable();
    Evaluation { exceptions, results }
}

/// Every exception in the snapshot, in [`Exception`] order.
pub fn evaluate_all(snapshot: &Snapshot, settings: &Settings) -> Vec<Exception> {
    evaluate(snapshot, settings).exceptions
}

/// The exceptions that concern `child`: the same, in the same order, as
/// [`evaluate_all`]'s exceptions whose `child` is `child`, found through
/// the snapshot's index without a full pass.
pub fn evaluate_child(snapshot: &Snapshot, settings: &Settings, child: ChildId) -> Vec<Exception> {
    let mut exceptions = Vec::new();
    for control in library().iter().filter(|c| c.concerns_children()) {
        control.run(snapshot, settings, Scope::Child(child), &mut exceptions);
    }
    exceptions.sort_unstable();
    exceptions
}

/// A failed outcome, so rules read as the condition and its exception.
pub(crate) fn fail(control: ControlId, subject: Subject, child: Option<ChildId>, since: time::Date, detail: Detail) -> Outcome {
    Outcome::Failed(Exception {
        control,
        subject,
        child,
        since,
        detail,
    })
}
