//! Reviews and visits as care events, involvements as worker allocations.

use std::collections::{HashMap, HashSet};

use kernel::ChildId;
use returns::ssd::{self, Extract};
use sqlx::Row;

use super::upsert::{date, delete_stale, int, note, opt_date, opt_text, text, upsert, Value};
use super::{Counts, SsdSummary};
use crate::command::Command;
use crate::error::StoreError;

/// Reviews and visits as care events. A cancelled or not yet held review
/// removes the event an earlier extract gave it.
pub(super) async fn import_events(
    cmd: &mut Command,
    extract: &Extract,
    children: &HashMap<String, ChildId>,
    summary: &mut SsdSummary,
    changed: &mut Vec<String>,
) -> Result<(), StoreError> {
    let recorded = [("recorded_by", text(cmd.actor().to_string())), ("recorded_at", text(cmd.at_text()))];
    for review in &extract.reviews {
        let source_ref = ssd::source_ref("cla_reviews", &review.id);
        let Some(on) = review.date.filter(|_| !review.cancelled) else {
            let gone = sqlx::query("DELETE FROM care_events WHERE source_ref = $1")
                .bind(&source_ref)
                .execute(cmd.conn())
                .await?;
            if gone.rows_affected() > 0 {
                summary.reviews.deleted += 1;
                changed.push(format!("deleted {source_ref}"));
            }
            continue;
        };
        let fields = [
            ("child_id", int(children[&review.person_id].get())),
            ("kind", text("review")),
            ("occurred_on", date(on)),
            ("participation", opt_text(review.participation.as_deref())),
            ("notes", text("Looked-after review (SSD extract)")),
        ];
        let (_, outcome) = upsert(cmd, "care_events", false, &source_ref, &fields, &recorded).await?;
        summary.reviews.add(outcome);
        note(changed, outcome, &source_ref);
    }
    for visit in &extract.visits {
        let source_ref = ssd::source_ref("cla_visits", &visit.id);
        let seen = match (visit.seen, visit.seen_alone) {
            (_, Some(true)) => "; child seen alone",
            (Some(true), _) => "; child seen",
            (Some(false), _) => "; child not seen",
            _ => "",
        };
        let fields = [
            ("child_id", int(children[&visit.person_id].get())),
            ("kind", text("visit")),
            ("occurred_on", date(visit.date)),
            ("notes", text(format!("Statutory visit (SSD extract){seen}"))),
        ];
        let (_, outcome) = upsert(cmd, "care_events", false, &source_ref, &fields, &recorded).await?;
        summary.visits.add(outcome);
        note(changed, outcome, &source_ref);
    }
    Ok(())
}

/// Hearth's reason for a change of worker, from the SSD's SW_REASON.
pub(super) fn reason_for(code: Option<&str>) -> &'static str {
    match code {
        None | Some("FCONTA") => "allocation",
        Some("MANAGE") => "caseload",
        Some("ORGRST" | "TSPROC") => "team-transfer",
        Some("LEFTRL" | "SWDIED") => "staff-left",
        Some("CHCHAN" | "PCCHAN") => "continuity",
        Some(_) => "other",
    }
}

/// Involvements as worker allocations, mirroring the extract for each child.
pub(super) async fn import_allocations(
    cmd: &mut Command,
    extract: &Extract,
    children: &HashMap<String, ChildId>,
    workers: &HashMap<String, i64>,
    counts: &mut Counts,
    changed: &mut Vec<String>,
) -> Result<(), StoreError> {
    let mut teams: HashMap<String, Option<i64>> = HashMap::new();
    let mut kept: HashMap<ChildId, HashSet<String>> = children.values().map(|c| (*c, HashSet::new())).collect();
    for involvement in &extract.involvements {
        let team = match &involvement.team {
            None => None,
            Some(name) => match teams.get(name) {
                Some(found) => *found,
                None => {
                    let row = sqlx::query("SELECT id FROM teams WHERE LOWER(name) = LOWER($1)")
                        .bind(name)
                        .fetch_optional(cmd.conn())
                        .await?;
                    let found = row.map(|r| r.try_get::<i64, _>(0)).transpose()?;
                    teams.insert(name.clone(), found);
                    found
                }
            },
        };
        let child = children[&involvement.person_id];
        let source_ref = ssd::source_ref("involvements", &involvement.id);
        let fields = [
            ("child_id", int(child.get())),
            ("worker_id", int(workers[&involvement.professional_id])),
            ("team_id", Value::Int(team)),
            ("start_date", date(involvement.start)),
            ("end_date", opt_date(involvement.end)),
            ("reason", text(reason_for(involvement.change_reason.as_deref()))),
            ("sw_reason", opt_text(involvement.change_reason.as_deref())),
        ];
        let (_, outcome) = upsert(cmd, "worker_allocations", false, &source_ref, &fields, &[]).await?;
        counts.add(outcome);
        note(changed, outcome, &source_ref);
        kept.entry(child).or_default().insert(source_ref);
    }
    let mut by_child: Vec<(&String, &ChildId)> = children.iter().collect();
    by_child.sort();
    for (person, child) in by_child {
        counts.deleted += delete_stale(cmd, "worker_allocations", *child, person, &kept[child], changed).await?;
    }
    Ok(())
}
