//! The committee pack as a print-ready HTML document, with its charts.
//!
//! The pack is a standalone page (no navigation, no script) that prints
//! as the report alone: Hearth's stylesheet (`/assets/hearth.css`, whose
//! `hearth-print` rules drop the screen furniture) and nothing inline,
//! since the Content Security Policy refuses inline styles and scripts.
//! Charts are inline SVG drawn with presentation attributes (allowed by
//! the policy), each with a title and description for screen readers and
//! followed by a table with a caption holding the same figures.
//!
//! Bars are sized with integer arithmetic. A withheld count has no bar,
//! only its "fewer than 5" label, so a chart never gives back a number
//! the table withholds.

use askama::Template;
use store::committee_figures::Figures;
use store::committees::{AgendaItem, Meeting, Resolution};

use crate::error::AppError;
use crate::AppState;

/// Room for the labels left of the bars, and the bars' full length.
const LABEL_WIDTH: u64 = 300;
const PLOT_WIDTH: u64 = 260;
const ROW_HEIGHT: u64 = 28;
const BAR_HEIGHT: u64 = 18;

/// Bar colours (GOV.UK palette): teal, dark grey, red, orange, green.
pub const TEAL: &str = "#106165";
pub const GREY: &str = "#505a5f";
pub const RED: &str = "#d4351c";
pub const AMBER: &str = "#f47738";
pub const GREEN: &str = "#00703c";

/// One bar: its label, the value as printed, and its geometry.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: String,
    pub y: u64,
    pub text_y: u64,
    pub width: u64,
    pub value_x: u64,
    pub colour: &'static str,
}

/// A horizontal bar chart.
#[derive(Debug, Clone)]
pub struct Chart {
    pub id: &'static str,
    pub title: String,
    pub description: String,
    pub width: u64,
    pub height: u64,
    pub bars: Vec<Bar>,
}

/// A row to chart: label, size (0 for no bar), value as printed, colour.
type Row = (String, u64, String, &'static str);

impl Chart {
    fn new(id: &'static str, title: &str, description: String, rows: Vec<Row>) -> Chart {
        let most = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
        let bars = rows
            .into_iter()
            .enumerate()
            .map(|(index, (label, size, value, colour))| {
                let y = index as u64 * ROW_HEIGHT + 5;
                let width = u64::try_from(u128::from(size) * u128::from(PLOT_WIDTH) / u128::from(most)).unwrap_or(PLOT_WIDTH);
                Bar {
                    label,
                    value,
                    y,
                    text_y: y + 14,
                    width,
                    value_x: LABEL_WIDTH + width + 6,
                    colour,
                }
            })
            .collect::<Vec<_>>();
        Chart {
            id,
            title: title.to_owned(),
            description,
            width: LABEL_WIDTH + PLOT_WIDTH + 140,
            height: (bars.len() as u64).max(1) * ROW_HEIGHT + 10,
            bars,
        }
    }

    pub fn label_x(&self) -> u64 {
        LABEL_WIDTH - 8
    }

    pub fn plot_x(&self) -> u64 {
        LABEL_WIDTH
    }

    pub fn bar_height(&self) -> u64 {
        BAR_HEIGHT
    }
}

fn positive_pence(money: kernel::Money) -> u64 {
    u64::try_from(money.pence()).unwrap_or(0)
}

/// Budget against forecast outturn, by cost centre.
fn spend_chart(figures: &Figures) -> Chart {
    let rows = figures
        .spend
        .iter()
        .flat_map(|line| {
            [
                (
                    format!("{} budget", line.cost_centre),
                    positive_pence(line.budget),
                    line.budget.to_string(),
                    GREY,
                ),
                (
                    format!("{} forecast", line.cost_centre),
                    positive_pence(line.forecast_outturn),
                    line.forecast_outturn.to_string(),
                    if line.variance.is_negative() { RED } else { TEAL },
                ),
            ]
        })
        .collect();
    let over = figures.spend.iter().filter(|l| l.variance.is_negative()).count();
    Chart::new(
        "chart-spend",
        "Budget and forecast outturn by cost centre",
        format!(
            "For each of {} cost centres, the budget for {} and the forecast outturn; {} forecast to overspend. The table below gives every figure.",
            figures.spend.len(),
            figures.year,
            over
        ),
        rows,
    )
}

/// Children by placement category; withheld counts have no bar.
fn mix_chart(figures: &Figures) -> Chart {
    let rows = figures
        .mix
        .iter()
        .map(|line| (line.label.to_owned(), line.shown, line.children.to_string(), TEAL))
        .collect();
    Chart::new(
        "chart-mix",
        "Children in each type of placement today",
        format!(
            "{} children placed, by type of placement. Types with fewer than 5 children are not drawn. The table below gives the figures and average weekly costs.",
            figures.children_placed
        ),
        rows,
    )
}

/// Audit actions by RAG.
fn rag_chart(figures: &Figures) -> Chart {
    let a = &figures.actions;
    let rows = vec![
        ("Red: overdue".to_owned(), a.red, a.red.to_string(), RED),
        (
            "Amber: due within 14 days or slipping".to_owned(),
            a.amber,
            a.amber.to_string(),
            AMBER,
        ),
        ("Green: on track".to_owned(), a.green, a.green.to_string(), GREEN),
        ("Completed".to_owned(), a.completed, a.completed.to_string(), GREY),
    ];
    Chart::new(
        "chart-actions",
        "Audit actions by status",
        format!(
            "{} audit actions: {} red, {} amber, {} green and {} completed.",
            a.total(),
            a.red,
            a.amber,
            a.green,
            a.completed
        ),
        rows,
    )
}

#[derive(Template)]
#[template(path = "committees/pack.html")]
struct PackDocument<'a> {
    council: &'a str,
    meeting: &'a Meeting,
    agenda: &'a [AgendaItem],
    due: &'a [Resolution],
    figures: &'a Figures,
    spend_chart: Chart,
    mix_chart: Chart,
    rag_chart: Chart,
}

impl PackDocument<'_> {
    /// A cost to print, or "withheld" with its count.
    fn money(&self, money: &Option<kernel::Money>) -> String {
        money.map_or_else(|| "withheld".to_owned(), |m| m.to_string())
    }
}

/// A pack as generated: the document, the workbook and the figures.
#[derive(Debug)]
pub struct Made {
    pub html: String,
    pub xlsx: Vec<u8>,
    pub figures: Figures,
}

/// Gathers the figures as of today and makes the document and workbook.
pub async fn build(state: &AppState, meeting: &Meeting) -> Result<Made, AppError> {
    let rules = state.rules();
    let settings = store::committee_figures::Settings {
        high_cost: &state.config.high_cost,
        scale: &state.config.opinion_scale,
    };
    let figures = store::committee_figures::figures(&state.store, &rules, settings).await?;
    let agenda = store::committees::agenda(&state.store, meeting.id).await?;
    let due = store::committees::resolutions_due(&state.store, meeting.id).await?;
    let document = PackDocument {
        council: &state.config.council_name,
        meeting,
        agenda: &agenda,
        due: &due,
        spend_chart: spend_chart(&figures),
        mix_chart: mix_chart(&figures),
        rag_chart: rag_chart(&figures),
        figures: &figures,
    };
    let html = document.render()?;
    let xlsx = crate::pages::committee_workbook::workbook(&state.config.council_name, meeting, &agenda, &due, &figures)?;
    Ok(Made { html, xlsx, figures })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_in_proportion_and_a_withheld_count_has_none() {
        let chart = Chart::new(
            "c",
            "t",
            String::new(),
            vec![
                ("a".into(), 10, "10".into(), TEAL),
                ("b".into(), 5, "5".into(), TEAL),
                ("c".into(), 0, "fewer than 5".into(), TEAL),
            ],
        );
        let widths: Vec<u64> = chart.bars.iter().map(|b| b.width).collect();
        assert_eq!(widths, vec![PLOT_WIDTH, PLOT_WIDTH / 2, 0]);
        assert_eq!(chart.height, 3 * ROW_HEIGHT + 10);
        assert_eq!(chart.bars[2].value, "fewer than 5");
    }

    #[test]
    fn an_empty_chart_still_has_a_height() {
        let chart = Chart::new("c", "t", String::new(), Vec::new());
        assert!(chart.bars.is_empty());
        assert_eq!(chart.height, ROW_HEIGHT + 10);
    }
}
