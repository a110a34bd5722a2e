//! Panel meetings: who attended, whether the meeting was quorate, who may
//! record its decisions, and when an emergency placement made out of hours
//! is due for ratification.
//!
//! A panel decides only at a meeting: the request must be on the meeting's
//! agenda, the meeting must have taken place (its date has come), enough
//! panel members must have attended, one of them chairing, and the person
//! recording a decision must have been there.

use authz::Role;
use kernel::UserId;
use serde::{Deserialize, Serialize};
use time::Date;

/// One person at a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    pub user: UserId,
    pub roles: Vec<Role>,
    pub chair: bool,
}

/// A panel meeting as far as the rules care.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub meets_on: Date,
    /// Panel members who must attend for decisions to stand.
    pub quorum: u32,
    pub attendees: Vec<Attendee>,
}

/// Why a panel decision cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PanelRefused {
    #[error("list the request on a panel meeting's agenda before recording a decision")]
    NotOnAnAgenda,
    #[error("the panel meets on {0}; its decisions can be recorded from that day")]
    NotYetMet(Date),
    #[error("the meeting is not quorate: {present} of {quorum} panel members attended")]
    NotQuorate { present: u32, quorum: u32 },
    #[error("the meeting has no chair; record who chaired it")]
    NoChair,
    #[error("only a panel member who attended the meeting can record its decisions")]
    NotAttending,
}

impl Meeting {
    /// Panel members who attended.
    pub fn members_present(&self) -> u32 {
        let count = self.attendees.iter().filter(|a| a.roles.contains(&Role::PanelMember)).count();
        u32::try_from(count).unwrap_or(u32::MAX)
    }

    pub fn is_quorate(&self) -> bool {
        self.members_present() >= self.quorum && self.attendees.iter().any(|a| a.chair)
    }
}

/// Whether `decider` may record a decision at `meeting` on `today`.
pub fn may_decide(meeting: Option<&Meeting>, decider: UserId, today: Date) -> Result<(), PanelRefused> {
    let meeting = meeting.ok_or(PanelRefused::NotOnAnAgenda)?;
    if today < meeting.meets_on {
        return Err(PanelRefused::NotYetMet(meeting.meets_on));
    }
    let present = meeting.members_present();
    if present < meeting.quorum {
        return Err(PanelRefused::NotQuorate {
            present,
            quorum: meeting.quorum,
        });
    }
    if !meeting.attendees.iter().any(|a| a.chair) {
        return Err(PanelRefused::NoChair);
    }
    let attended = meeting
        .attendees
        .iter()
        .any(|a| a.user == decider && a.roles.contains(&Role::PanelMember));
    if !attended {
        return Err(PanelRefused::NotAttending);
    }
    Ok(())
}

/// Where an emergency placement stands against ratification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Ratification {
    /// The panel has decided.
    Ratified,
    /// Due at the next panel, on this date.
    Due { panel_on: Date },
    /// The panel it was due at has met without deciding it.
    Overdue { panel_on: Date, days: i64 },
    /// No panel is scheduled after the placement: schedule one.
    NoPanelScheduled { days_since_placement: i64 },
}

impl Ratification {
    /// Whether the Gateway should be chased about it.
    pub fn needs_chasing(self) -> bool {
        matches!(self, Ratification::Overdue { .. } | Ratification::NoPanelScheduled { .. })
    }

    pub fn label(self) -> String {
        match self {
            Ratification::Ratified => "Ratified".to_owned(),
            Ratification::Due { panel_on } => format!("Due at the panel on {panel_on}"),
            Ratification::Overdue { panel_on, days } => format!("Overdue: the panel on {panel_on} met {days} days ago without ratifying"),
            Ratification::NoPanelScheduled { days_since_placement } => {
                format!("No panel scheduled; placed {days_since_placement} days ago")
            }
        }
    }
}

/// An emergency placement made on `placed_on` must be ratified at the first
/// panel meeting after that day.
pub fn ratification(placed_on: Date, decided: bool, panel_dates: &[Date], today: Date) -> Ratification {
    if decided {
        return Ratification::Ratified;
    }
    match panel_dates.iter().copied().filter(|d| *d > placed_on).min() {
        Some(panel_on) if panel_on < today => Ratification::Overdue {
            panel_on,
            days: (today - panel_on).whole_days(),
        },
        Some(panel_on) => Ratification::Due { panel_on },
        None => Ratification::NoPanelScheduled {
            days_since_placement: (today - placed_on).whole_days(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn member(n: i64, chair: bool) -> Attendee {
        Attendee {
            user: UserId::new(n),
            roles: vec![Role::PanelMember],
            chair,
        }
    }

    fn meeting(attendees: Vec<Attendee>) -> Meeting {
        Meeting {
            meets_on: date!(2026 - 11 - 19),
            quorum: 3,
            attendees,
        }
    }

    const MEETING_DAY: Date = time::macros::date!(2026 - 11 - 19);

    #[test]
    fn a_quorate_meeting_lets_an_attending_member_decide() {
        let m = meeting(vec![member(1, true), member(2, false), member(3, false)]);
        assert!(m.is_quorate());
        assert_eq!(may_decide(Some(&m), UserId::new(2), MEETING_DAY), Ok(()));
        assert_eq!(may_decide(Some(&m), UserId::new(9), MEETING_DAY), Err(PanelRefused::NotAttending));
    }

    #[test]
    fn quorum_is_counted_in_panel_members_at_its_boundary() {
        let mut officer = member(4, false);
        officer.roles = vec![Role::GatewayOfficer];
        let m = meeting(vec![member(1, true), member(2, false), officer]);
        assert_eq!(
            may_decide(Some(&m), UserId::new(1), MEETING_DAY),
            Err(PanelRefused::NotQuorate { present: 2, quorum: 3 })
        );
        let no_chair = meeting(vec![member(1, false), member(2, false), member(3, false)]);
        assert!(!no_chair.is_quorate());
        assert_eq!(may_decide(Some(&no_chair), UserId::new(1), MEETING_DAY), Err(PanelRefused::NoChair));
    }

    #[test]
    fn no_decision_before_the_meeting_or_off_the_agenda() {
        let m = meeting(vec![member(1, true), member(2, false), member(3, false)]);
        assert_eq!(
            may_decide(Some(&m), UserId::new(1), date!(2026 - 11 - 18)),
            Err(PanelRefused::NotYetMet(MEETING_DAY))
        );
        assert_eq!(may_decide(None, UserId::new(1), MEETING_DAY), Err(PanelRefused::NotOnAnAgenda));
    }

    #[test]
    fn emergencies_are_due_at_the_next_panel_and_chased_after_it() {
        let placed = date!(2026 - 11 - 14);
        let panels = [date!(2026 - 11 - 05), date!(2026 - 11 - 19), date!(2026 - 11 - 26)];
        assert_eq!(
            ratification(placed, false, &panels, date!(2026 - 11 - 19)),
            Ratification::Due {
                panel_on: date!(2026 - 11 - 19)
            }
        );
        let late = ratification(placed, false, &panels, date!(2026 - 11 - 22));
        assert_eq!(
            late,
            Ratification::Overdue {
                panel_on: date!(2026 - 11 - 19),
                days: 3
            }
        );
        assert!(late.needs_chasing());
        assert_eq!(ratification(placed, true, &panels, date!(2026 - 11 - 22)), Ratification::Ratified);
        let none = ratification(date!(2026 - 11 - 27), false, &panels, date!(2026 - 11 - 29));
        assert_eq!(none, Ratification::NoPanelScheduled { days_since_placement: 2 });
        assert!(none.needs_chasing());
        // A panel on the placement day itself is too soon to hear it.
        assert_eq!(
            ratification(date!(2026 - 11 - 19), false, &panels, date!(2026 - 11 - 20)),
            Ratification::Due {
                panel_on: date!(2026 - 11 - 26)
            }
        );
    }
}
