//! The year's forecast for finance staff and budget holders: by cost
//! centre, budget against actual spend and what live agreements commit the
//! council to by 31 March, with the forecast outturn and variance (an
//! overspend said in words, not only shown in red), commitments by
//! placement type and by provider, a bar chart of outturn against budget,
//! the what-if of a price uplift, and the same figures as CSV.
//!
//! Heads of service who are not also finance staff, directors or auditors
//! see only the lines whose budget they hold; the page says so. The
//! figures come from `store::forecasts`; nothing here computes money.

use askama::Template;
use authz::cap::ViewFinance;
use authz::{Principal, Role};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use kernel::{Money, UserId};
use serde::Deserialize;
use store::forecasts::{self, Forecast, WhatIf};
use time::Date;

use crate::auth::Authorized;
use crate::error::{AppError, FieldError};
use crate::export::{Format, Table};
use crate::pages::{form_status, query_string, render, Chrome};
use crate::AppState;

/// Whose lines a person sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Finance staff, directors and auditors: every cost centre.
    All,
    /// A budget holder: the cost centres whose budget this person holds.
    Holder(Option<UserId>),
}

impl Scope {
    /// A head of service with none of the roles that see the whole budget
    /// is a budget holder; everyone else who may view finance sees it all.
    pub fn of(principal: &Principal) -> Scope {
        let sees_all = principal.roles.iter().any(|r| {
            matches!(
                r,
                Role::FinanceOfficer | Role::FinanceApprover | Role::Director | Role::InternalAuditor
            )
        });
        if !sees_all && principal.roles.contains(&Role::HeadOfService) {
            Scope::Holder(principal.actor.user_id())
        } else {
            Scope::All
        }
    }

    /// The holder to filter by, for the store. A service token acting as a
    /// head of service has no person behind it and so holds no budget: id
    /// 0 belongs to nobody (ids start at 1), which leaves it no lines.
    pub fn holder(self) -> Option<UserId> {
        match self {
            Scope::All => None,
            Scope::Holder(user) => Some(user.unwrap_or(UserId::new(0))),
        }
    }

    pub fn is_holder(&self) -> bool {
        matches!(self, Scope::Holder(_))
    }
}

/// `?uplift=3.5&from=2027-01-01`: the what-if, when an uplift is given.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WhatIfQuery {
    /// A percentage, such as 3.5 (at most two decimal places; negative for a cut).
    pub uplift: Option<String>,
    /// The day the uplift takes effect (ISO date, within the current financial year; default today).
    pub from: Option<String>,
}

impl WhatIfQuery {
    fn uplift(&self) -> &str {
        self.uplift.as_deref().map_or("", str::trim)
    }

    fn from(&self) -> &str {
        self.from.as_deref().map_or("", str::trim)
    }

    /// The what-if's inputs, if asked for, or the fields at fault.
    fn read(&self, today: Date) -> Result<Option<(i64, Date)>, Vec<FieldError>> {
        if self.uplift().is_empty() {
            return Ok(None);
        }
        let mut errors = Vec::new();
        let points = forecasts::basis_points(self.uplift());
        if points.is_none() {
            errors.push(FieldError::new(
                "uplift",
                "Enter the uplift as a percentage with at most two decimal places, such as 3.5",
            ));
        }
        let from = match self.from() {
            "" => Some(today),
            text => crate::input::parse_date(text),
        };
        if from.is_none() {
            errors.push(FieldError::new(
                "from",
                "Enter the date the uplift starts as a real date, such as 2027-01-01",
            ));
        }
        match (points, from) {
            (Some(points), Some(from)) => Ok(Some((points, from))),
            _ => Err(errors),
        }
    }
}

/// The forecast a person may see, with the what-if when one was asked for.
pub struct Loaded {
    pub scope: Scope,
    pub forecast: Forecast,
    pub what_if: Option<WhatIf>,
    /// What was wrong with the what-if's inputs (the forecast still shows).
    pub errors: Vec<FieldError>,
}

pub async fn load(state: &AppState, principal: &Principal, query: &WhatIfQuery) -> Result<Loaded, AppError> {
    let today = state.clock.today();
    let scope = Scope::of(principal);
    let forecast = forecasts::forecast(&state.store, today, scope.holder()).await?;
    let (what_if, errors) = match query.read(today) {
        Ok(None) => (None, Vec::new()),
        Ok(Some((points, from))) => match forecasts::what_if(&state.store, today, points, from, scope.holder()).await {
            Ok(what_if) => (Some(what_if), Vec::new()),
            Err(error) => (None, crate::pages::field_errors(error)?),
        },
        Err(errors) => (None, errors),
    };
    Ok(Loaded {
        scope,
        forecast,
        what_if,
        errors,
    })
}

/// An amount for a spreadsheet: "-1234.56", no symbol or grouping.
pub fn plain(amount: Money) -> String {
    let pence = amount.pence();
    let sign = if pence < 0 { "-" } else { "" };
    let magnitude = pence.unsigned_abs();
    format!("{sign}{}.{:02}", magnitude / 100, magnitude % 100)
}

/// A variance in words: the sign of a number is easy to miss.
pub fn variance_words(variance: Money) -> String {
    match variance.pence() {
        0 => "On budget".to_owned(),
        p if p < 0 => format!("Overspend of {}", Money::from_pence(p.saturating_neg())),
        _ => format!("Underspend of {variance}"),
    }
}

/// One cost centre in the chart: bar lengths as percentages of the
/// longest bar, so every line is drawn to the same scale.
pub struct Bar {
    pub cost_centre: String,
    pub budget: Money,
    pub outturn: Money,
    pub budget_width: String,
    pub outturn_width: String,
    pub overspent: bool,
    pub words: String,
}

fn bars(forecast: &Forecast) -> Vec<Bar> {
    let longest = forecast
        .lines
        .iter()
        .flat_map(|l| [l.figures.budget.pence(), l.figures.forecast_outturn.pence()])
        .max()
        .unwrap_or(0)
        .max(1);
    // Tenths of a percent in integers: no float is needed to draw a bar.
    let width = |amount: Money| {
        let permille = i128::from(amount.pence().max(0)) * 1_000 / i128::from(longest);
        format!("{}.{}%", permille / 10, permille % 10)
    };
    forecast
        .lines
        .iter()
        .map(|line| Bar {
            cost_centre: line.cost_centre.clone(),
            budget: line.figures.budget,
            outturn: line.figures.forecast_outturn,
            budget_width: width(line.figures.budget),
            outturn_width: width(line.figures.forecast_outturn),
            overspent: line.overspent(),
            words: variance_words(line.figures.variance),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "forecast/show.html")]
struct ForecastPage {
    chrome: Chrome,
    forecast: Forecast,
    holder_view: bool,
    bars: Vec<Bar>,
    what_if: Option<WhatIf>,
    errors: Vec<FieldError>,
    uplift: String,
    from: String,
    export_query: String,
}

impl ForecastPage {
    fn error_for(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
    }

    fn percent(&self, basis_points: &i64) -> String {
        forecasts::percent_label(*basis_points)
    }

    fn words(&self, variance: &Money) -> String {
        variance_words(*variance)
    }
}

/// GET /finance/forecast
pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    auth: Authorized<ViewFinance>,
    Query(query): Query<WhatIfQuery>,
) -> Result<Response, AppError> {
    let loaded = load(&state, &auth.principal, &query).await?;
    let page = ForecastPage {
        chrome,
        bars: bars(&loaded.forecast),
        holder_view: loaded.scope.is_holder(),
        forecast: loaded.forecast,
        what_if: loaded.what_if,
        uplift: query.uplift().to_owned(),
        from: query.from().to_owned(),
        export_query: query_string(&[("uplift", query.uplift()), ("from", query.from())]),
        errors: loaded.errors,
    };
    Ok((form_status(&page.errors), render(&page)?).into_response())
}

/// GET /finance/forecast/export?format=csv|xlsx: the page's tables, and the what-if
/// when one is asked for, amounts in pounds without symbols.
pub async fn download(
    State(state): State<AppState>,
    format: Format,
    auth: Authorized<ViewFinance>,
    Query(query): Query<WhatIfQuery>,
) -> Result<Response, AppError> {
    let loaded = load(&state, &auth.principal, &query).await?;
    if !loaded.errors.is_empty() {
        return Err(AppError::Invalid(loaded.errors));
    }
    let f = &loaded.forecast;
    let mut table = Table::default();
    table.row([
        "section",
        "item",
        "budget",
        "actual_to_date",
        "committed",
        "forecast_outturn",
        "variance",
        "status",
    ]);
    let figures = |table: &mut Table, section: &str, item: &str, v: &finance::Variance| {
        table.row([
            section.to_owned(),
            item.to_owned(),
            plain(v.budget),
            plain(v.actual_to_date),
            plain(v.committed),
            plain(v.forecast_outturn),
            plain(v.variance),
            variance_words(v.variance),
        ]);
    };
    for line in &f.lines {
        figures(&mut table, "cost centre", &line.cost_centre, &line.figures);
    }
    figures(&mut table, "total", &f.year, &f.total);
    let committed_only = |table: &mut Table, section: &str, item: &str, amount: Money| {
        table.row([section, item, "", "", &plain(amount), "", "", ""]);
    };
    for t in &f.by_placement_type {
        committed_only(&mut table, "committed by placement type", t.label, t.committed);
    }
    for p in &f.by_payee {
        committed_only(&mut table, "committed by provider", &p.name, p.committed);
    }
    if let Some(w) = &loaded.what_if {
        let item = format!("{} from {}", forecasts::percent_label(w.basis_points), w.from);
        // The increase sits in the committed column: it is extra commitment.
        let increase = |table: &mut Table, scope: &str, amount: Money| {
            let words = format!("Increase of {amount}");
            table.row(["what-if", &format!("{scope}: {item}"), "", "", &plain(amount), "", "", &words]);
        };
        for (centre, uplift) in &w.by_cost_centre {
            increase(&mut table, centre, uplift.increase);
        }
        increase(&mut table, "total", w.overall.increase);
    }
    table.into_download(&format!("forecast-{}", f.year), format)
}
