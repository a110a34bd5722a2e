//! Alerts raised by the background jobs: an agreement that ends within 8
//! weeks, and an accreditation item that expires within 30 days, each told
//! once to every commissioning officer; and an audit action overdue long
//! enough to be escalated, told once per level to the role it reaches. Subjects name
//! record numbers and dates only, because they may go out by email.

use authz::Role;
use time::Date;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::notifications::{already_told, holders_of, notify};
use crate::timestamp::date_text;

/// Days before expiry that an accreditation item is chased.
pub const ACCREDITATION_LEAD_DAYS: i64 = 30;

fn uk(date: Date) -> String {
    format!("{:02}/{:02}/{}", date.day(), u8::from(date.month()), date.year())
}

/// Raises the alerts due on `today` that have not been raised before;
/// returns how many subjects were new.
pub async fn commissioning(store: &Store, cmd: &mut Command, today: Date) -> Result<usize, StoreError> {
    let mut alerts: Vec<(&str, String, String)> = Vec::new();
    for agreement in crate::agreements::list(store).await? {
        if contracts::agreements::ending_soon(agreement.end, today).is_some() {
            let end = agreement.end.unwrap_or(today);
            alerts.push((
                "agreement",
                format!("Placement agreement {} ends on {}", agreement.id, uk(end)),
                format!("/agreements/{}", agreement.id),
            ));
        }
    }
    for due in crate::accreditation::expiring(store, today, ACCREDITATION_LEAD_DAYS).await? {
        alerts.push((
            "accreditation",
            format!(
                "Provider {}: accreditation item {} expires on {}",
                due.provider_id,
                due.reminder.item,
                uk(due.reminder.expires_on)
            ),
            format!("/providers/{}#accreditation", due.provider_id),
        ));
    }
    let officers = holders_of(cmd, Role::CommissioningOfficer).await?;
    let mut raised = 0;
    for (kind, subject, link) in &alerts {
        let mut new = false;
        for officer in &officers {
            if !already_told(cmd, *officer, subject, "").await? {
                notify(cmd, *officer, kind, subject, link).await?;
                new = true;
            }
        }
        raised += usize::from(new);
    }
    cmd.record(Change::new(
        "commissioning.alerts_raised",
        "alerts",
        "many",
        None::<&()>,
        Some(&serde_json::json!({ "raised": raised, "on": date_text(today) })),
    ))
    .await?;
    Ok(raised)
}

/// Escalates overdue audit actions: each is told once, at each level it
/// reaches, to every holder of the role it is escalated to (heads of
/// service after 30 days overdue, directors after 90). Returns how many
/// escalations were new.
pub async fn audit_escalations(store: &Store, cmd: &mut Command, today: Date) -> Result<usize, StoreError> {
    let mut raised = 0;
    for action in crate::audit_actions::overdue_actions(store, today).await? {
        let Some(role) = action.escalation.role() else {
            continue;
        };
        // Told once per level: the subject names the level and the target,
        // not the days overdue, which change daily.
        let subject = format!(
            "Audit action {} (target {}) is overdue: escalated to the {}",
            action.id,
            uk(action.target),
            role.label().to_lowercase()
        );
        let mut new = false;
        for holder in holders_of(cmd, role).await? {
            if !already_told(cmd, holder, &subject, "").await? {
                notify(cmd, holder, "audit-action", &subject, "/assurance/actions?show=escalated").await?;
                new = true;
            }
        }
        raised += usize::from(new);
    }
    if raised > 0 {
        cmd.record(Change::new(
            "assurance.actions_escalated",
            "alerts",
            "many",
            None::<&()>,
            Some(&serde_json::json!({ "escalated": raised, "on": date_text(today) })),
        ))
        .await?;
    }
    Ok(raised)
}
