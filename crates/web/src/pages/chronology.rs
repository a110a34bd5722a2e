//! A child's chronology: everything recorded about them, newest first.

use store::child_records::ChildRecord;

use crate::error::AppError;
use crate::pages::record::ChronologyLine;
use crate::AppState;

pub async fn lines(state: &AppState, record: &ChildRecord) -> Result<Vec<ChronologyLine>, AppError> {
    let id = record.summary.id;
    let codes = &state.codes;
    let mut lines = vec![ChronologyLine {
        date: record.summary.date_of_birth,
        what: "Born".to_owned(),
        detail: if record.details.birth_day_unknown {
            "Day of birth not known".to_owned()
        } else {
            String::new()
        },
    }];
    let history = store::care_history::history_of(&state.store, id).await?;
    for (_, period) in &history.periods {
        lines.push(ChronologyLine {
            date: period.start,
            what: "Started to be looked after".to_owned(),
            detail: format!("Category of need: {}", codes.label("category-of-need", &period.category_of_need)),
        });
        if let (Some(end), Some(reason)) = (period.end, &period.reason_ceased) {
            lines.push(ChronologyLine {
                date: end,
                what: "Stopped being looked after".to_owned(),
                detail: codes.label("reason-ceased", reason).to_owned(),
            });
        }
    }
    for (_, status) in &history.legal_statuses {
        lines.push(ChronologyLine {
            date: status.start,
            what: "Legal status".to_owned(),
            detail: format!("{} – {}", status.code, codes.label("legal-status", &status.code)),
        });
    }
    for placement in &history.placements {
        lines.push(ChronologyLine {
            date: placement.interval.start,
            what: "Placement started".to_owned(),
            detail: format!(
                "{} ({}){}",
                placement.category.label(),
                placement.interval.place,
                placement.provider_name.as_deref().map(|n| format!(", {n}")).unwrap_or_default()
            ),
        });
        if let (Some(end), Some(reason)) = (placement.interval.end, &placement.interval.reason_for_change) {
            lines.push(ChronologyLine {
                date: end,
                what: "Placement ended".to_owned(),
                detail: codes.label("reason-place-change", reason).to_owned(),
            });
        }
    }
    for assessment in store::assessments::for_child(&state.store, id).await? {
        lines.push(ChronologyLine {
            date: assessment.started_on,
            what: format!("{} started", assessment.kind.label()),
            detail: format!("by {}", assessment.author_name),
        });
        if let Some(done) = assessment.completed_on {
            lines.push(ChronologyLine {
                date: done,
                what: format!("{} authorised", assessment.kind.label()),
                detail: String::new(),
            });
        }
    }
    for event in store::casework::events(&state.store, id).await? {
        lines.push(ChronologyLine {
            date: event.occurred_on,
            what: event.kind.label().to_owned(),
            detail: event.notes,
        });
    }
    for allocation in store::casework::allocations(&state.store, id).await? {
        lines.push(ChronologyLine {
            date: allocation.start,
            what: format!("Allocated to {}", allocation.worker_name),
            detail: codes.label("worker-change-reason", &allocation.reason).to_owned(),
        });
    }
    for address in store::casework::addresses(&state.store, id).await? {
        lines.push(ChronologyLine {
            date: address.start,
            what: format!("{} address", capitalise(&address.kind)),
            detail: address.postcode,
        });
    }
    lines.sort_by_key(|line| std::cmp::Reverse(line.date));
    Ok(lines)
}

fn capitalise(text: &str) -> String {
    crate::pages::record::sentence(text)
}
