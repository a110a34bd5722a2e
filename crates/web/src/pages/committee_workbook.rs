//! The committee pack as an XLSX workbook: one sheet per section of the
//! printed pack, with the same figures and the same small numbers withheld
//! ("fewer than 5", "withheld"), for members and officers who work the
//! figures in a spreadsheet.
//!
//! Text is always written as text (never as a formula), so nothing typed
//! into Hearth can run in the reader's spreadsheet. Amounts are written as
//! numbers of pounds with a currency format: a spreadsheet keeps numbers
//! as doubles, which hold every amount of pence below £90 trillion
//! exactly to the penny.

use assurance::suppression::Suppressed;
use kernel::Money;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use store::committee_figures::Figures;
use store::committees::{AgendaItem, Meeting, Resolution};

use crate::error::AppError;

/// The sheets, in order: the test and the readers rely on these names.
pub const SHEETS: [&str; 10] = [
    "Summary",
    "Business",
    "Spend",
    "Placement mix",
    "High-cost",
    "Assurance",
    "Audit opinions",
    "Action plans",
    "Recording",
    "Training",
];

/// One cell as written.
enum Cell {
    Text(String),
    Money(Money),
    Count(u64),
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_owned())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

impl From<Money> for Cell {
    fn from(money: Money) -> Cell {
        Cell::Money(money)
    }
}

impl From<u64> for Cell {
    fn from(count: u64) -> Cell {
        Cell::Count(count)
    }
}

/// A published count: a number when shown, the words when withheld.
impl From<Suppressed> for Cell {
    fn from(count: Suppressed) -> Cell {
        match count {
            Suppressed::Shown(n) => Cell::Count(n),
            Suppressed::FewerThanFive => Cell::Text(count.to_string()),
        }
    }
}

/// A cost that is withheld with its count.
impl From<Option<Money>> for Cell {
    fn from(money: Option<Money>) -> Cell {
        money.map_or_else(|| Cell::Text("withheld".to_owned()), Cell::Money)
    }
}

/// Writes rows to one sheet: a bold header, then the rows.
struct Sheet<'a> {
    sheet: &'a mut Worksheet,
    row: u32,
    bold: Format,
    money: Format,
}

impl<'a> Sheet<'a> {
    fn new(workbook: &'a mut Workbook, name: &str, header: &[&str]) -> Result<Sheet<'a>, XlsxError> {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name)?;
        let mut sheet = Sheet {
            sheet,
            row: 0,
            bold: Format::new().set_bold(),
            money: Format::new().set_num_format("£#,##0.00;-£#,##0.00"),
        };
        for (col, title) in header.iter().enumerate() {
            let col = u16::try_from(col).unwrap_or(u16::MAX);
            sheet.sheet.write_string_with_format(0, col, *title, &sheet.bold)?;
            sheet.sheet.set_column_width(col, if col == 0 { 40 } else { 18 })?;
        }
        sheet.row = 1;
        Ok(sheet)
    }

    fn row(&mut self, cells: Vec<Cell>) -> Result<(), XlsxError> {
        for (col, cell) in cells.into_iter().enumerate() {
            let col = u16::try_from(col).unwrap_or(u16::MAX);
            match cell {
                Cell::Text(text) => self.sheet.write_string(self.row, col, text)?,
                // Pence to pounds for the spreadsheet only; see the module note.
                Cell::Money(money) => self
                    .sheet
                    .write_number_with_format(self.row, col, money.pence() as f64 / 100.0, &self.money)?,
                Cell::Count(n) => self.sheet.write_number(self.row, col, u32::try_from(n).unwrap_or(u32::MAX))?,
            };
        }
        self.row += 1;
        Ok(())
    }
}

macro_rules! cells {
    ($($cell:expr),* $(,)?) => { vec![$(Cell::from($cell)),*] };
}

/// The workbook's bytes.
pub fn workbook(
    council: &str,
    meeting: &Meeting,
    agenda: &[AgendaItem],
    due: &[Resolution],
    figures: &Figures,
) -> Result<Vec<u8>, AppError> {
    write(council, meeting, agenda, due, figures).map_err(|e| AppError::Internal(format!("workbook: {e}")))
}

fn write(council: &str, meeting: &Meeting, agenda: &[AgendaItem], due: &[Resolution], f: &Figures) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let uk = |date: time::Date| kernel::dates::format_uk_date(date);

    let mut s = Sheet::new(&mut book, SHEETS[0], &["Item", "Value"])?;
    s.row(cells!["Council", council])?;
    s.row(cells!["Committee", meeting.committee.as_str()])?;
    s.row(cells!["Meeting", meeting.title.as_str()])?;
    s.row(cells!["Meeting date", uk(meeting.meets_on)])?;
    s.row(cells!["Figures as at", uk(f.today)])?;
    s.row(cells!["Financial year", f.year.as_str()])?;
    s.row(cells!["Children in a placement", f.children_placed])?;
    s.row(cells!["High-cost placements", f.high_cost_total])?;
    s.row(cells!["Forecast outturn", f.spend_total.forecast_outturn])?;
    s.row(cells!["Budget", f.spend_total.budget])?;
    s.row(cells![
        "Note",
        "Aggregate figures only: counts of 1 to 4 show as \"fewer than 5\", percentages of fewer than 5 are withheld, and a cost belonging to a withheld count is withheld with it."
    ])?;

    let mut s = Sheet::new(&mut book, SHEETS[1], &["Kind", "Item", "Resolved at", "State"])?;
    for item in agenda {
        s.row(cells!["Agenda item", format!("{}. {}", item.position, item.title), "", ""])?;
    }
    for r in due {
        s.row(cells![
            "Due back",
            r.text.as_str(),
            format!("{}, {}", r.meeting_title, uk(r.meeting_on)),
            r.state.label()
        ])?;
    }

    let header = [
        "Cost centre",
        "Budget",
        "Actual to date",
        "Committed",
        "Forecast outturn",
        "Variance",
    ];
    let mut s = Sheet::new(&mut book, SHEETS[2], &header)?;
    for l in f.spend.iter().chain(std::iter::once(&f.spend_total)) {
        s.row(cells![
            l.cost_centre.as_str(),
            l.budget,
            l.actual_to_date,
            l.committed,
            l.forecast_outturn,
            l.variance
        ])?;
    }

    let mut s = Sheet::new(&mut book, SHEETS[3], &["Type of placement", "Children", "Average weekly cost"])?;
    for m in &f.mix {
        s.row(cells![m.label, m.children, m.average_weekly])?;
    }
    s.row(cells!["All placements", f.children_placed, ""])?;

    let threshold = format!("Placements above {} a week", f.high_cost_threshold);
    let mut s = Sheet::new(
        &mut book,
        SHEETS[4],
        &["Type of placement", threshold.as_str(), "Total weekly cost"],
    )?;
    for h in &f.high_cost {
        s.row(cells![h.label, h.placements, h.weekly_total])?;
    }
    s.row(cells!["All types", f.high_cost_total, ""])?;

    let run = f.controls_run_on.map_or_else(|| "Not run yet".to_owned(), uk);
    let header = ["Area", "Tested", "Exceptions", "Exception rate", "Assurance", "Open exceptions"];
    let mut s = Sheet::new(&mut book, SHEETS[5], &header)?;
    for a in &f.assurance {
        let level = a.level.clone().unwrap_or_else(|| "Too few tested".to_owned());
        s.row(cells![
            a.label,
            a.tested,
            a.exceptions,
            a.exception_rate.to_string(),
            level,
            a.open_exceptions
        ])?;
    }
    s.row(cells![format!("Controls pass of {run}"), "", "", "", "", ""])?;

    let mut s = Sheet::new(&mut book, SHEETS[6], &["Audit", "Area", "Opinion", "Given on"])?;
    for o in &f.opinions {
        s.row(cells![
            o.title.as_str(),
            o.area.as_str(),
            o.opinion.as_str(),
            o.opinion_on.map(uk).unwrap_or_default()
        ])?;
    }

    let mut s = Sheet::new(&mut book, SHEETS[7], &["Audit", "Red", "Amber", "Green", "Completed"])?;
    for p in &f.action_plans {
        s.row(cells![
            p.engagement.as_str(),
            p.counts.red,
            p.counts.amber,
            p.counts.green,
            p.counts.completed
        ])?;
    }
    let a = &f.actions;
    s.row(cells!["All audits", a.red, a.amber, a.green, a.completed])?;

    let header = [
        "Team",
        "Children",
        "Visits on time",
        "Reviews on time",
        "Records complete",
        "Assessments on time",
    ];
    let mut s = Sheet::new(&mut book, SHEETS[8], &header)?;
    for t in &f.recording {
        s.row(cells![
            t.team.as_str(),
            t.children,
            t.visits_on_time.to_string(),
            t.reviews_on_time.to_string(),
            t.records_complete.to_string(),
            t.assessments_on_time.to_string()
        ])?;
    }

    let mut header: Vec<&str> = vec!["Team", "Staff"];
    header.extend(f.required_courses.iter().map(String::as_str));
    header.push("All required courses");
    let mut s = Sheet::new(&mut book, SHEETS[9], &header)?;
    for t in &f.training {
        let mut row = cells![t.team.as_str(), t.staff];
        row.extend(t.courses.iter().map(|(_, share)| Cell::from(share.to_string())));
        row.push(Cell::from(t.fully_trained.to_string()));
        s.row(row)?;
    }
    book.save_to_buffer()
}
