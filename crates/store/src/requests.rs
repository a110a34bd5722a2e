//! Placement requests: what is stored and how it reads back. Drafts are
//! saved and edited here; the lifecycle steps are in
//! [`crate::request_steps`], the rules in the `gateway` crate.

use std::str::FromStr;

use authz::cap::RecordChildren;
use authz::{Can, Role};
use gateway::details::{validate, Details, EducationContinuity, Element, ElementKind, LocationPreference, Urgency, VariationKind};
use gateway::request::RequestState;
use kernel::{ChildId, Money, UserId};
use placements::PlacementCategory;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::Date;

use crate::command::{Change, Command};
use crate::db::Store;
use crate::error::StoreError;
use crate::timestamp::{date_text, parse_date, parse_optional_date};
use crate::{Page, PageRequest};

/// An approved request coming back through the Gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variation {
    pub of: i64,
    pub kind: VariationKind,
}

/// What a social worker asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewRequest {
    pub child: ChildId,
    pub details: Details,
    /// Set when the child was already placed in an emergency, out of hours.
    pub emergency_placed_on: Option<Date>,
    pub variation: Option<Variation>,
}

/// One approval given in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Approval {
    pub user: UserId,
    pub name: String,
    pub role: Role,
    pub at: String,
}

/// A request as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Request {
    pub id: i64,
    pub child_id: ChildId,
    pub la_child_id: String,
    pub child_date_of_birth: Date,
    pub requester: UserId,
    pub requester_name: String,
    pub state: RequestState,
    /// The package's weekly cost, the sum of its elements.
    pub weekly_cost: Money,
    /// Elements are read only for a single request; lists leave them empty.
    pub details: Details,
    pub emergency_placed_on: Option<Date>,
    pub variation: Option<Variation>,
    pub required: Vec<Role>,
    pub approvals: Vec<Approval>,
    pub decision_reasons: Option<String>,
    pub conditions: Option<String>,
    pub submitted_on: Option<Date>,
    pub decided_on: Option<Date>,
    pub agreed_weekly_cost: Option<Money>,
    /// Set on submission when the proposed provider was not accredited:
    /// the approval chain then includes the exception.
    pub unaccredited_provider: bool,
    pub version: i64,
}

pub(crate) fn state_code(state: RequestState) -> String {
    serde_json::to_value(state)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub(crate) fn parse_state(code: &str) -> Result<RequestState, StoreError> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).map_err(|_| StoreError::Corrupt(format!("request state '{code}'")))
}

pub(crate) fn roles_json(roles: &[Role]) -> String {
    serde_json::to_string(&roles.iter().map(|r| r.code()).collect::<Vec<_>>()).unwrap_or_default()
}

fn parse_code<T: FromStr>(text: &str) -> Result<T, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt(format!("code '{text}'")))
}

const SELECT: &str = "SELECT r.id, r.child_id, c.la_child_id, c.date_of_birth, r.requester_id, u.display_name, r.state, r.urgency,
        r.category, r.weekly_cost_pence, r.out_of_area, r.at_distance, r.unregistered, r.needs, r.justification,
        r.required_approvals, r.decision_reasons, r.conditions, r.version, r.suitable_types, r.siblings_together,
        r.location_preference, r.education_continuity, r.risks, r.dol_order, r.regulator_notified_on, r.override_reasons,
        r.emergency_placed_on, r.variation_of, r.variation_kind, r.submitted_on, r.decided_on, r.agreed_weekly_cost_pence,
        r.provider_id, r.unaccredited_provider
    FROM placement_requests r JOIN children c ON c.id = r.child_id JOIN users u ON u.id = r.requester_id";

fn from_row(row: &AnyRow) -> Result<Request, StoreError> {
    let flag = |i: usize| -> Result<bool, StoreError> { Ok(row.try_get::<i64, _>(i)? != 0) };
    let text = |i: usize| -> Result<String, StoreError> { Ok(row.try_get::<String, _>(i)?) };
    let required: Vec<String> = serde_json::from_str(&text(15)?).map_err(StoreError::corrupt)?;
    let category: PlacementCategory = parse_code(&text(8)?)?;
    let mut suitable = text(19)?
        .split_whitespace()
        .map(parse_code)
        .collect::<Result<Vec<PlacementCategory>, _>>()?;
    if suitable.is_empty() {
        suitable.push(category);
    }
    let variation = match (row.try_get::<Option<i64>, _>(28)?, row.try_get::<Option<String>, _>(29)?) {
        (Some(of), Some(kind)) => Some(Variation {
            of,
            kind: parse_code(&kind)?,
        }),
        _ => None,
    };
    Ok(Request {
        id: row.try_get(0)?,
        child_id: ChildId::new(row.try_get(1)?),
        la_child_id: text(2)?,
        child_date_of_birth: parse_date(&text(3)?)?,
        requester: UserId::new(row.try_get(4)?),
        requester_name: text(5)?,
        state: parse_state(&text(6)?)?,
        weekly_cost: Money::from_pence(row.try_get(9)?),
        details: Details {
            urgency: parse_code::<Urgency>(&text(7)?)?,
            category,
            suitable,
            siblings_together: u8::try_from(row.try_get::<i64, _>(20)?).map_err(StoreError::corrupt)?,
            location: parse_code::<LocationPreference>(&text(21)?)?,
            education: parse_code::<EducationContinuity>(&text(22)?)?,
            needs: text(13)?,
            risks: text(23)?,
            elements: Vec::new(),
            justification: text(14)?,
            out_of_area: flag(10)?,
            at_distance: flag(11)?,
            unregistered: flag(12)?,
            dol_order: row.try_get(24)?,
            regulator_notified_on: parse_optional_date(row.try_get::<Option<String>, _>(25)?.as_deref())?,
            override_reasons: row.try_get(26)?,
            provider: row.try_get::<Option<i64>, _>(33)?.map(kernel::ProviderId::new),
        },
        unaccredited_provider: flag(34)?,
        emergency_placed_on: parse_optional_date(row.try_get::<Option<String>, _>(27)?.as_deref())?,
        variation,
        required: required.iter().map(|r| parse_code(r)).collect::<Result<_, _>>()?,
        approvals: Vec::new(),
        decision_reasons: row.try_get(16)?,
        conditions: row.try_get(17)?,
        version: row.try_get(18)?,
        submitted_on: parse_optional_date(row.try_get::<Option<String>, _>(30)?.as_deref())?,
        decided_on: parse_optional_date(row.try_get::<Option<String>, _>(31)?.as_deref())?,
        agreed_weekly_cost: row.try_get::<Option<i64>, _>(32)?.map(Money::from_pence),
    })
}

/// One request with its elements and approvals.
pub(crate) async fn load(conn: &mut AnyConnection, id: i64) -> Result<Request, StoreError> {
    let row = sqlx::query(&format!("{SELECT} WHERE r.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound { entity: "request" })?;
    let mut request = from_row(&row)?;
    for row in sqlx::query("SELECT kind, weekly_pence, note FROM request_elements WHERE request_id = $1 ORDER BY id")
        .bind(id)
        .fetch_all(&mut *conn)
        .await?
    {
        request.details.elements.push(Element {
            kind: parse_code::<ElementKind>(&row.try_get::<String, _>(0)?)?,
            weekly: Money::from_pence(row.try_get(1)?),
            note: row.try_get(2)?,
        });
    }
    let rows = sqlx::query(
        "SELECT a.approver_id, u.display_name, a.role, a.approved_at FROM request_approvals a JOIN users u ON u.id = a.approver_id
         WHERE a.request_id = $1 ORDER BY a.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        request.approvals.push(Approval {
            user: UserId::new(row.try_get(0)?),
            name: row.try_get(1)?,
            role: parse_code(&row.try_get::<String, _>(2)?)?,
            at: row.try_get(3)?,
        });
    }
    Ok(request)
}

pub async fn find(store: &Store, id: i64) -> Result<Option<Request>, StoreError> {
    let mut conn = store.pool().acquire().await?;
    match load(&mut conn, id).await {
        Ok(request) => Ok(Some(request)),
        Err(StoreError::NotFound { .. }) => Ok(None),
        Err(other) => Err(other),
    }
}

/// Which requests a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Filter {
    pub state: Option<RequestState>,
    pub child: Option<ChildId>,
    pub requester: Option<UserId>,
    pub emergencies_only: bool,
}

/// A value for a filter's placeholder.
enum Bind {
    Text(String),
    Int(i64),
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

impl Bind {
    fn onto<'q>(&self, query: AnyQuery<'q>) -> AnyQuery<'q> {
        match self {
            Bind::Text(text) => query.bind(text.clone()),
            Bind::Int(n) => query.bind(*n),
        }
    }
}

/// A page of requests, newest first, and how many match in all.
pub async fn list(store: &Store, filter: &Filter, page: PageRequest) -> Result<Page<Request>, StoreError> {
    let mut clauses = vec!["1 = 1".to_owned()];
    let mut binds: Vec<Bind> = Vec::new();
    if let Some(state) = filter.state {
        binds.push(Bind::Text(state_code(state)));
        clauses.push(format!("r.state = ${}", binds.len()));
    }
    if let Some(child) = filter.child {
        binds.push(Bind::Int(child.get()));
        clauses.push(format!("r.child_id = ${}", binds.len()));
    }
    if let Some(requester) = filter.requester {
        binds.push(Bind::Int(requester.get()));
        clauses.push(format!("r.requester_id = ${}", binds.len()));
    }
    if filter.emergencies_only {
        clauses.push("r.emergency_placed_on IS NOT NULL".to_owned());
    }
    let condition = clauses.join(" AND ");
    let count_sql = format!("SELECT COUNT(*) FROM placement_requests r WHERE {condition}");
    let mut count = sqlx::query(&count_sql);
    for bind in &binds {
        count = bind.onto(count);
    }
    let total: i64 = count.fetch_one(store.pool()).await?.try_get(0)?;
    let list_sql = format!(
        "{SELECT} WHERE {condition} ORDER BY r.id DESC LIMIT ${} OFFSET ${}",
        binds.len() + 1,
        binds.len() + 2
    );
    let mut query = sqlx::query(&list_sql);
    for bind in &binds {
        query = bind.onto(query);
    }
    let rows = query.bind(page.limit()).bind(page.offset()).fetch_all(store.pool()).await?;
    Ok(Page {
        items: rows.iter().map(from_row).collect::<Result<_, _>>()?,
        total,
        request: page,
    })
}

fn check(details: &Details) -> Result<(), StoreError> {
    let problems = validate(details);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(problems))
    }
}

/// A proposed provider must be on the register.
async fn check_provider(cmd: &mut Command, details: &Details) -> Result<(), StoreError> {
    match details.provider {
        Some(provider) => match crate::providers::details(cmd.conn(), provider).await {
            Err(StoreError::NotFound { .. }) => Err(StoreError::Invalid(vec![(
                "provider",
                "there is no provider with that number on the register".to_owned(),
            )])),
            other => other.map(|_| ()),
        },
        None => Ok(()),
    }
}

async fn write_elements(cmd: &mut Command, id: i64, elements: &[Element]) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM request_elements WHERE request_id = $1")
        .bind(id)
        .execute(cmd.conn())
        .await?;
    for element in elements {
        sqlx::query("INSERT INTO request_elements (request_id, kind, weekly_pence, note) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(element.kind.code())
            .bind(element.weekly.pence())
            .bind(&element.note)
            .execute(cmd.conn())
            .await?;
    }
    Ok(())
}

fn suitable_text(details: &Details) -> String {
    details.suitable.iter().map(|c| c.code()).collect::<Vec<_>>().join(" ")
}

/// Saves a draft request; the person saving it is its requester. A
/// variation must vary an approved request for the same child.
pub async fn create_draft(cmd: &mut Command, can: &Can<RecordChildren>, new: &NewRequest) -> Result<i64, StoreError> {
    let requester = can
        .actor()
        .user_id()
        .ok_or_else(|| StoreError::Rejected(vec!["only a person can make a request".into()]))?;
    check(&new.details)?;
    check_provider(cmd, &new.details).await?;
    if let Some(variation) = new.variation {
        let original = load(cmd.conn(), variation.of).await?;
        if original.state != RequestState::Approved || original.child_id != new.child {
            return Err(StoreError::Invalid(vec![(
                "variation_of",
                "only an approved request for this child can be varied".to_owned(),
            )]));
        }
    }
    let id = insert(cmd, new, requester, RequestState::Draft).await?;
    cmd.record(Change::new("request.drafted", "request", id, None::<&()>, Some(new)))
        .await?;
    Ok(id)
}

/// Inserts the row and elements, without an audit event (callers record it).
pub(crate) async fn insert(cmd: &mut Command, new: &NewRequest, requester: UserId, state: RequestState) -> Result<i64, StoreError> {
    let d = &new.details;
    let at = cmd.at_text();
    let row = sqlx::query(
        "INSERT INTO placement_requests (child_id, requester_id, state, urgency, category, weekly_cost_pence, out_of_area, at_distance,
             unregistered, needs, justification, created_at, version, suitable_types, siblings_together, location_preference,
             education_continuity, risks, dol_order, regulator_notified_on, override_reasons, emergency_placed_on, variation_of,
             variation_kind, provider_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)
         RETURNING id",
    )
    .bind(new.child.get())
    .bind(requester.get())
    .bind(state_code(state))
    .bind(d.urgency.code())
    .bind(d.category.code())
    .bind(d.weekly_cost().pence())
    .bind(i64::from(d.out_of_area))
    .bind(i64::from(d.at_distance))
    .bind(i64::from(d.unregistered))
    .bind(&d.needs)
    .bind(&d.justification)
    .bind(at)
    .bind(suitable_text(d))
    .bind(i64::from(d.siblings_together))
    .bind(d.location.code())
    .bind(d.education.code())
    .bind(&d.risks)
    .bind(&d.dol_order)
    .bind(d.regulator_notified_on.map(date_text))
    .bind(&d.override_reasons)
    .bind(new.emergency_placed_on.map(date_text))
    .bind(new.variation.map(|v| v.of))
    .bind(new.variation.map(|v| v.kind.code()))
    .bind(d.provider.map(kernel::ProviderId::get))
    .fetch_one(cmd.conn())
    .await?;
    let id: i64 = row.try_get(0)?;
    write_elements(cmd, id, &d.elements).await?;
    Ok(id)
}

/// Changes a draft, or a request the panel sent back for information. Only
/// its requester may, and only from the version they read.
pub async fn update_details(
    cmd: &mut Command,
    can: &Can<RecordChildren>,
    id: i64,
    version: i64,
    details: &Details,
) -> Result<Request, StoreError> {
    let before = load(cmd.conn(), id).await?;
    if can.actor().user_id() != Some(before.requester) {
        return Err(StoreError::Rejected(vec![
            "only the social worker who made the request can change it".into(),
        ]));
    }
    if !matches!(before.state, RequestState::Draft | RequestState::InformationRequested) {
        return Err(StoreError::Rejected(vec![format!(
            "a request cannot be changed while it is {}",
            before.state.label().to_lowercase()
        )]));
    }
    check(details)?;
    check_provider(cmd, details).await?;
    let d = details;
    let changed = sqlx::query(
        "UPDATE placement_requests SET urgency = $1, category = $2, weekly_cost_pence = $3, out_of_area = $4, at_distance = $5,
             unregistered = $6, needs = $7, justification = $8, suitable_types = $9, siblings_together = $10,
             location_preference = $11, education_continuity = $12, risks = $13, dol_order = $14, regulator_notified_on = $15,
             override_reasons = $16, provider_id = $17, version = version + 1
         WHERE id = $18 AND version = $19",
    )
    .bind(d.urgency.code())
    .bind(d.category.code())
    .bind(d.weekly_cost().pence())
    .bind(i64::from(d.out_of_area))
    .bind(i64::from(d.at_distance))
    .bind(i64::from(d.unregistered))
    .bind(&d.needs)
    .bind(&d.justification)
    .bind(suitable_text(d))
    .bind(i64::from(d.siblings_together))
    .bind(d.location.code())
    .bind(d.education.code())
    .bind(&d.risks)
    .bind(&d.dol_order)
    .bind(d.regulator_notified_on.map(date_text))
    .bind(&d.override_reasons)
    .bind(d.provider.map(kernel::ProviderId::get))
    .bind(id)
    .bind(version)
    .execute(cmd.conn())
    .await?;
    StoreError::unless_changed(&changed, "request")?;
    write_elements(cmd, id, &d.elements).await?;
    cmd.record(Change::new("request.changed", "request", id, Some(&before.details), Some(details)))
        .await?;
    load(cmd.conn(), id).await
}
