//! Provider accreditation: a configurable checklist, the evidence reviewed
//! against each item, and the status that follows on a given day.
//!
//! The latest review of each required item counts. A provider is
//! *accredited* when every required item is met and in date; *conditional*
//! when every item is in date but one was met with conditions; *expired*
//! when an item that was met has passed its expiry date; *not accredited*
//! when an item has never been met or was last found not met; *suspended*
//! when the council suspends it, whatever the evidence says. A new placement
//! with a provider that is not accredited (or conditional) needs an approved
//! exception.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    /// A stable code, such as `insurance`.
    pub code: String,
    pub label: String,
    /// Whether accreditation depends on it.
    pub required: bool,
    /// How long a review stays valid, in months.
    pub valid_for_months: u8,
}

/// The checklist a council starts from.
pub fn standard_checklist() -> Vec<ChecklistItem> {
    let item = |code: &str, label: &str, months: u8| ChecklistItem {
        code: code.to_owned(),
        label: label.to_owned(),
        required: true,
        valid_for_months: months,
    };
    vec![
        item("registration", "Registration with Ofsted or CIW", 12),
        item("insurance", "Insurance (employer's, public and professional liability)", 12),
        item("safeguarding", "Safeguarding policy", 12),
        item("financial", "Financial checks (accounts and credit rating)", 12),
        item("workforce", "Workforce and DBS policy", 24),
        item("continuity", "Business continuity plan", 24),
    ]
}

/// What the reviewer found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Finding {
    Met,
    MetWithConditions,
    NotMet,
}

/// One review of one checklist item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub item: String,
    pub finding: Finding,
    /// What was seen: a document reference, certificate number or link.
    pub evidence: String,
    pub reviewed_on: Date,
    pub expires_on: Date,
}

/// Where a provider stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Accredited,
    Conditional,
    Expired,
    NotAccredited,
    Suspended,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Accredited,
        Status::Conditional,
        Status::Expired,
        Status::NotAccredited,
        Status::Suspended,
    ];

    /// The code used in files and the API.
    pub fn code(self) -> &'static str {
        match self {
            Status::Accredited => "accredited",
            Status::Conditional => "conditional",
            Status::Expired => "expired",
            Status::NotAccredited => "not-accredited",
            Status::Suspended => "suspended",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Accredited => "Accredited",
            Status::Conditional => "Accredited with conditions",
            Status::Expired => "Expired",
            Status::NotAccredited => "Not accredited",
            Status::Suspended => "Suspended",
        }
    }

    /// Whether a new placement may be made without an approved exception.
    pub fn allows_new_placements(self) -> bool {
        matches!(self, Status::Accredited | Status::Conditional)
    }
}

/// Why a review cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewRefused {
    #[error("'{0}' is not on the accreditation checklist")]
    UnknownItem(String),
    #[error("record what evidence was seen")]
    NoEvidence,
    #[error("the expiry date must be after the review date")]
    ExpiresBeforeReview,
    #[error("the review date cannot be in the future")]
    ReviewedInFuture,
}

/// Checks a review before it is recorded.
pub fn check_review(checklist: &[ChecklistItem], review: &Review, today: Date) -> Result<(), ReviewRefused> {
    if !checklist.iter().any(|i| i.code == review.item) {
        return Err(ReviewRefused::UnknownItem(review.item.clone()));
    }
    if review.evidence.trim().is_empty() {
        return Err(ReviewRefused::NoEvidence);
    }
    if review.expires_on <= review.reviewed_on {
        return Err(ReviewRefused::ExpiresBeforeReview);
    }
    if review.reviewed_on > today {
        return Err(ReviewRefused::ReviewedInFuture);
    }
    Ok(())
}

/// The latest review of each item (by review date, later entries winning ties).
fn latest(reviews: &[Review]) -> BTreeMap<&str, &Review> {
    let mut latest: BTreeMap<&str, &Review> = BTreeMap::new();
    for review in reviews {
        let newer = latest
            .get(review.item.as_str())
            .is_none_or(|seen| review.reviewed_on >= seen.reviewed_on);
        if newer {
            latest.insert(review.item.as_str(), review);
        }
    }
    latest
}

/// The provider's status on `today`. An item is in date up to and
/// including the day before its expiry date.
pub fn status(checklist: &[ChecklistItem], reviews: &[Review], suspended: bool, today: Date) -> Status {
    if suspended {
        return Status::Suspended;
    }
    let latest = latest(reviews);
    let mut worst = Status::Accredited;
    for item in checklist.iter().filter(|i| i.required) {
        let standing = match latest.get(item.code.as_str()) {
            None => Status::NotAccredited,
            Some(review) if review.finding == Finding::NotMet => Status::NotAccredited,
            Some(review) if review.expires_on <= today => Status::Expired,
            Some(review) if review.finding == Finding::MetWithConditions => Status::Conditional,
            Some(_) => Status::Accredited,
        };
        worst = worst.max(standing);
    }
    worst
}

/// The status that counts, given the council's own checklist and the
/// regional consortium's accreditation (status, in date until the day
/// before `until`). The consortium's accreditation counts while in date;
/// a suspension by either side always wins.
pub fn effective_status(local: Status, consortium: Option<(Status, Option<Date>)>, today: Date) -> Status {
    match consortium {
        _ if local == Status::Suspended => Status::Suspended,
        Some((Status::Suspended, _)) => Status::Suspended,
        Some((regional, until)) if regional.allows_new_placements() && until.is_none_or(|u| today < u) => local.min(regional),
        _ => local,
    }
}

/// A checklist item whose review runs out soon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reminder {
    pub item: String,
    pub expires_on: Date,
    pub days_left: i64,
}

/// Items in date today that expire within `lead` days, soonest first.
pub fn reminders(reviews: &[Review], today: Date, lead: Duration) -> Vec<Reminder> {
    let mut due: Vec<Reminder> = latest(reviews)
        .into_values()
        .filter(|r| r.finding != Finding::NotMet && r.expires_on > today && r.expires_on <= today + lead)
        .map(|r| Reminder {
            item: r.item.clone(),
            expires_on: r.expires_on,
            days_left: (r.expires_on - today).whole_days(),
        })
        .collect();
    due.sort_by_key(|r| (r.expires_on, r.item.clone()));
    due
}

/// Why a placement with this provider is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the provider is {}: a new placement needs an exception approved through the Gateway", .0.label().to_lowercase())]
pub struct NotAccredited(pub Status);

/// Whether a new placement may be made: accredited (or conditionally), or
/// with an exception approved at the level the matrix sets.
pub fn may_place(status: Status, exception_approved: bool) -> Result<(), NotAccredited> {
    if status.allows_new_placements() || exception_approved {
        Ok(())
    } else {
        Err(NotAccredited(status))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn review(item: &str, finding: Finding, reviewed_on: Date, expires_on: Date) -> Review {
        Review {
            item: item.to_owned(),
            finding,
            evidence: "Certificate seen".to_owned(),
            reviewed_on,
            expires_on,
        }
    }

    fn all_met(expires_on: Date) -> Vec<Review> {
        standard_checklist()
            .iter()
            .map(|i| review(&i.code, Finding::Met, date!(2026 - 01 - 10), expires_on))
            .collect()
    }

    #[test]
    fn accreditation_expires_on_its_expiry_date() {
        let checklist = standard_checklist();
        let reviews = all_met(date!(2027 - 01 - 10));
        assert_eq!(status(&checklist, &reviews, false, date!(2027 - 01 - 09)), Status::Accredited);
        assert_eq!(status(&checklist, &reviews, false, date!(2027 - 01 - 10)), Status::Expired);
    }

    #[test]
    fn the_worst_item_decides_and_the_latest_review_counts() {
        let checklist = standard_checklist();
        let today = date!(2026 - 11 - 22);
        let mut reviews = all_met(date!(2027 - 06 - 01));
        assert_eq!(status(&checklist, &reviews, false, today), Status::Accredited);
        reviews.push(review(
            "insurance",
            Finding::MetWithConditions,
            date!(2026 - 03 - 01),
            date!(2027 - 03 - 01),
        ));
        assert_eq!(status(&checklist, &reviews, false, today), Status::Conditional);
        reviews.push(review("financial", Finding::NotMet, date!(2026 - 04 - 01), date!(2027 - 04 - 01)));
        assert_eq!(status(&checklist, &reviews, false, today), Status::NotAccredited);
        reviews.push(review("financial", Finding::Met, date!(2026 - 05 - 01), date!(2027 - 05 - 01)));
        assert_eq!(status(&checklist, &reviews, false, today), Status::Conditional);
        assert_eq!(status(&checklist, &reviews, true, today), Status::Suspended);
        assert_eq!(status(&checklist, &[], false, today), Status::NotAccredited);
    }

    #[test]
    fn optional_items_do_not_decide() {
        let mut checklist = standard_checklist();
        checklist[5].required = false;
        let reviews: Vec<Review> = all_met(date!(2027 - 06 - 01)).into_iter().take(5).collect();
        assert_eq!(status(&checklist, &reviews, false, date!(2026 - 11 - 22)), Status::Accredited);
    }

    #[test]
    fn reminders_come_before_expiry() {
        let reviews = vec![
            review("insurance", Finding::Met, date!(2026 - 01 - 01), date!(2026 - 12 - 20)),
            review("safeguarding", Finding::Met, date!(2026 - 01 - 01), date!(2027 - 06 - 01)),
            review("financial", Finding::Met, date!(2026 - 01 - 01), date!(2026 - 11 - 22)),
        ];
        let due = reminders(&reviews, date!(2026 - 11 - 22), Duration::days(28));
        assert_eq!(
            due,
            vec![Reminder {
                item: "insurance".into(),
                expires_on: date!(2026 - 12 - 20),
                days_left: 28
            }]
        );
        assert!(reminders(&reviews, date!(2026 - 11 - 22), Duration::days(27)).is_empty());
    }

    #[test]
    fn placements_need_accreditation_or_an_exception() {
        assert_eq!(may_place(Status::Accredited, false), Ok(()));
        assert_eq!(may_place(Status::Conditional, false), Ok(()));
        for refused in [Status::Expired, Status::NotAccredited, Status::Suspended] {
            let error = may_place(refused, false).unwrap_err();
            assert!(error.to_string().contains("needs an exception"), "{error}");
            assert_eq!(may_place(refused, true), Ok(()));
        }
    }

    #[test]
    fn reviews_are_checked_before_recording() {
        let checklist = standard_checklist();
        let today = date!(2026 - 11 - 22);
        let good = review("insurance", Finding::Met, today, date!(2027 - 11 - 22));
        assert_eq!(check_review(&checklist, &good, today), Ok(()));
        let unknown = Review {
            item: "hats".into(),
            ..good.clone()
        };
        assert!(matches!(
            check_review(&checklist, &unknown, today),
            Err(ReviewRefused::UnknownItem(_))
        ));
        let blank = Review {
            evidence: " ".into(),
            ..good.clone()
        };
        assert_eq!(check_review(&checklist, &blank, today), Err(ReviewRefused::NoEvidence));
        let backwards = Review {
            expires_on: today,
            ..good.clone()
        };
        assert_eq!(check_review(&checklist, &backwards, today), Err(ReviewRefused::ExpiresBeforeReview));
        let future = Review {
            reviewed_on: date!(2026 - 11 - 23),
            expires_on: date!(2027 - 11 - 23),
            ..good
        };
        assert_eq!(check_review(&checklist, &future, today), Err(ReviewRefused::ReviewedInFuture));
    }

    #[test]
    fn the_consortiums_accreditation_counts_while_in_date() {
        let today = date!(2026 - 11 - 22);
        let regional = Some((Status::Accredited, Some(date!(2026 - 11 - 23))));
        assert_eq!(effective_status(Status::NotAccredited, regional, today), Status::Accredited);
        let lapsed = Some((Status::Accredited, Some(today)));
        assert_eq!(effective_status(Status::NotAccredited, lapsed, today), Status::NotAccredited);
        assert_eq!(effective_status(Status::Suspended, regional, today), Status::Suspended);
        assert_eq!(
            effective_status(Status::Accredited, Some((Status::Suspended, None)), today),
            Status::Suspended
        );
        assert_eq!(effective_status(Status::Conditional, None, today), Status::Conditional);
    }
}
