//! Where a deadline stands today, for trays, dashboards and controls.

use serde::Serialize;
use time::{Date, Duration};

use crate::deadlines::Deadline;
use crate::timescales::Timescales;

/// A deadline's state on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeadlineStatus {
    /// Open and past its due date: the most urgent first.
    Overdue,
    /// Open and due within the council's "due soon" window.
    DueSoon,
    /// Open, not yet near.
    Upcoming,
    /// Met, but after the due date: lateness stays visible.
    CompletedLate,
    /// Met on or before the due date.
    CompletedOnTime,
}

impl DeadlineStatus {
    pub fn of(deadline: &Deadline, today: Date, timescales: &Timescales) -> DeadlineStatus {
        match deadline.met_on {
            Some(met) if met <= deadline.due => DeadlineStatus::CompletedOnTime,
            Some(_) => DeadlineStatus::CompletedLate,
            None if today > deadline.due => DeadlineStatus::Overdue,
            None if deadline.due - today <= Duration::days(i64::from(timescales.due_soon_days)) => DeadlineStatus::DueSoon,
            None => DeadlineStatus::Upcoming,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DeadlineStatus::Overdue => "Overdue",
            DeadlineStatus::DueSoon => "Due soon",
            DeadlineStatus::Upcoming => "Upcoming",
            DeadlineStatus::CompletedLate => "Completed late",
            DeadlineStatus::CompletedOnTime => "Completed on time",
        }
    }

    pub fn is_open(self) -> bool {
        matches!(self, DeadlineStatus::Overdue | DeadlineStatus::DueSoon | DeadlineStatus::Upcoming)
    }
}

/// Counts of open deadlines by state, for a work tray's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tray {
    pub overdue: usize,
    pub due_soon: usize,
    pub upcoming: usize,
    pub completed_late: usize,
}

impl Tray {
    pub fn count<'a>(deadlines: impl IntoIterator<Item = &'a Deadline>, today: Date, timescales: &Timescales) -> Tray {
        let mut tray = Tray::default();
        for deadline in deadlines {
            match DeadlineStatus::of(deadline, today, timescales) {
                DeadlineStatus::Overdue => tray.overdue += 1,
                DeadlineStatus::DueSoon => tray.due_soon += 1,
                DeadlineStatus::Upcoming => tray.upcoming += 1,
                DeadlineStatus::CompletedLate => tray.completed_late += 1,
                DeadlineStatus::CompletedOnTime => {}
            }
        }
        tray
    }
}
