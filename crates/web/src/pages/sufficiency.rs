//! The sufficiency view for commissioners and leaders: demand for
//! placements (requests by month, age, type and the needs searched for)
//! against supply (vacancies providers reported and the council's own
//! carers' capacity), with the unmet and out-of-area rates and the time
//! from request to a chosen placement. Aggregates only: counts under the
//! disclosure threshold are shown as "fewer than 5".

use askama::Template;
use authz::cap::ViewAggregates;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use matching::sufficiency::{Counts, Picture};
use time::Date;

use crate::auth::Authorized;
use crate::error::AppError;
use crate::export::{Format, Table};
use crate::pages::overview::DISCLOSURE_THRESHOLD;
use crate::pages::{render, Chrome, Period};
use crate::AppState;

/// A count, or a reference to one however deep (templates add references).
pub trait AsCount {
    fn count(&self) -> usize;
}

impl AsCount for usize {
    fn count(&self) -> usize {
        *self
    }
}

impl<T: AsCount + ?Sized> AsCount for &T {
    fn count(&self) -> usize {
        (**self).count()
    }
}

/// A count as shown: small numbers are withheld.
pub fn shown(count: impl AsCount) -> String {
    let count = count.count();
    if count > 0 && i64::try_from(count).unwrap_or(i64::MAX) < DISCLOSURE_THRESHOLD {
        format!("fewer than {DISCLOSURE_THRESHOLD}")
    } else {
        count.to_string()
    }
}

/// The picture for a period.
pub async fn load(state: &AppState, period: &Period) -> Result<(Date, Date, Picture), AppError> {
    let today = state.clock.today();
    // By default the last twelve months.
    let (from, to) = period.dates(|to| to - time::Duration::days(364), today)?;
    let picture = store::sufficiency::picture(&state.store, &state.config.home_authority, state.calendar.nation(), from, to, today).await?;
    Ok((from, to, picture))
}

#[derive(Template)]
#[template(path = "sufficiency.html")]
struct SufficiencyPage {
    chrome: Chrome,
    from: String,
    to: String,
    from_uk: String,
    to_uk: String,
    picture: Picture,
    tables: Vec<(&'static str, Counts)>,
}

/// GET /sufficiency
pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    _auth: Authorized<ViewAggregates>,
    Query(period): Query<Period>,
) -> Result<Response, AppError> {
    let (from, to, picture) = load(&state, &period).await?;
    let page = SufficiencyPage {
        chrome,
        from: kernel::dates::format_iso_date(from),
        to: kernel::dates::format_iso_date(to),
        from_uk: crate::pages::uk_date(from),
        to_uk: crate::pages::uk_date(to),
        tables: vec![
            ("Requests by month", picture.by_month.clone()),
            ("Requests by age", picture.by_age.clone()),
            ("Requests by type of placement", picture.by_type.clone()),
            ("Needs and risks searched for", picture.by_need.clone()),
            ("Places free (providers' latest figures)", picture.vacancies.clone()),
            ("In-house carers' approved places", picture.in_house_capacity.clone()),
        ],
        picture,
    };
    Ok(render(&page)?.into_response())
}

/// GET /sufficiency/export?format=csv|xlsx: every table, small numbers withheld.
pub async fn download(
    State(state): State<AppState>,
    format: Format,
    _auth: Authorized<ViewAggregates>,
    Query(period): Query<Period>,
) -> Result<Response, AppError> {
    let (from, to, picture) = load(&state, &period).await?;
    let mut out = Table::default();
    out.row(["table", "label", "count"]);
    let period_label = format!("{} to {}", kernel::dates::format_iso_date(from), kernel::dates::format_iso_date(to));
    out.row(["period".to_owned(), period_label, String::new()]);
    for (table, counts) in [
        ("requests by month", &picture.by_month),
        ("requests by age", &picture.by_age),
        ("requests by type", &picture.by_type),
        ("needs searched", &picture.by_need),
        ("places free", &picture.vacancies),
        ("in-house places", &picture.in_house_capacity),
    ] {
        for (label, count) in counts {
            out.row([table.to_owned(), label.clone(), shown(count)]);
        }
    }
    for (label, value) in [
        ("unmet percent", picture.unmet_percent.to_string()),
        ("out of area percent", picture.out_of_area_percent.to_string()),
        (
            "median days to place",
            picture.median_days_to_place.map(|d| d.to_string()).unwrap_or_default(),
        ),
    ] {
        out.row(["rates".to_owned(), label.to_owned(), value]);
    }
    out.into_download("sufficiency", format)
}

/// The picture as JSON, small numbers withheld as in the page.
pub fn as_json(from: Date, to: Date, picture: &Picture) -> serde_json::Value {
    let table = |counts: &Counts| -> serde_json::Map<String, serde_json::Value> {
        counts
            .iter()
            .map(|(label, n)| (label.clone(), serde_json::Value::String(shown(n))))
            .collect()
    };
    serde_json::json!({
        "from": kernel::dates::format_iso_date(from),
        "to": kernel::dates::format_iso_date(to),
        "requests": shown(picture.requests),
        "by_month": table(&picture.by_month),
        "by_age": table(&picture.by_age),
        "by_type": table(&picture.by_type),
        "by_need": table(&picture.by_need),
        "vacancies": table(&picture.vacancies),
        "in_house_capacity": table(&picture.in_house_capacity),
        "unmet_percent": picture.unmet_percent,
        "out_of_area_percent": picture.out_of_area_percent,
        "median_days_to_place": picture.median_days_to_place,
    })
}
