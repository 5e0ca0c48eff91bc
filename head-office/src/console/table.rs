//! The console's one table: typed columns and cells, sorted on the server by
//! `sort=<column>&dir=asc|desc`, filtered by `q` (any cell) and the page's own filters,
//! and exported as CSV by the same query plus `format=csv`. `q` is the table's: a page's
//! own search takes another name (`find`). A page's further tables (a product's lots, a
//! member's ledger) take the same names after their id: `lots.sort`, `lots.q`,
//! `lots.format=csv`.

use std::cmp::Ordering;

use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;
use maud::{Markup, PreEscaped, html};
use rust_decimal::Decimal;

use super::i18n::Lang;
use super::layout::page;
use super::session::Signed;

mod params;
pub use params::{Params, field};

/// Most rows a page shows; the CSV export has them all.
pub const SHOWN_MAX: usize = 500;

/// What a column holds: how it sorts and lines up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Number,
    Money,
    Date,
    /// Buttons and forms: neither sorted nor exported.
    Action,
}

#[derive(Debug, Clone)]
pub struct Column {
    /// The name `sort=` takes.
    pub key: &'static str,
    pub header: String,
    pub kind: Kind,
}

/// One cell, typed so numbers and dates sort as such. `Empty` sorts first.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(i64),
    Money(Decimal),
    Date(NaiveDate),
    /// Text that leads to a page (a product, a member): it sorts, filters and exports
    /// by its text; the address is only in the page.
    Link {
        text: String,
        href: String,
    },
    /// A form in the cell (change an expiry, review, remove): it sorts, filters and
    /// exports by `value`; the page shows `html`, which the page built with maud.
    Action {
        value: Box<Cell>,
        html: String,
    },
}

impl Cell {
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) | Cell::Link { text: t, .. } => t.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Money(m) => format!("{:.2}", m),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
            Cell::Action { value, .. } => value.text(),
        }
    }

    /// The cell a form shows, by its value.
    pub fn action(value: Cell, html: Markup) -> Cell {
        Cell::Action {
            value: Box::new(value),
            html: html.into_string(),
        }
    }

    fn compare(&self, other: &Cell) -> Ordering {
        match (self, other) {
            (Cell::Action { value, .. }, other) => value.compare(other),
            (one, Cell::Action { value, .. }) => one.compare(value),
            (Cell::Empty, Cell::Empty) => Ordering::Equal,
            (Cell::Empty, _) => Ordering::Less,
            (_, Cell::Empty) => Ordering::Greater,
            (Cell::Number(a), Cell::Number(b)) => a.cmp(b),
            (Cell::Money(a), Cell::Money(b)) => a.cmp(b),
            (Cell::Date(a), Cell::Date(b)) => a.cmp(b),
            (a, b) => a.text().cmp(&b.text()),
        }
    }

    /// The cell as a CSV field. Text goes through the ERP export's guard (a leading
    /// formula character gets a `'`, full-width forms, tab and CR included); numbers,
    /// amounts and dates are written by us and cannot be one.
    fn csv_field(&self) -> String {
        match self {
            Cell::Text(t) | Cell::Link { text: t, .. } => crate::export::text_cell(t),
            Cell::Action { value, .. } => value.csv_field(),
            other => other.text(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Row {
    pub cells: Vec<Cell>,
    /// Shown highlighted (a variance, a lot about to expire).
    pub flagged: bool,
}

/// An order asked for by the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: usize,
    pub descending: bool,
}

/// A query the table cannot answer; the page says which field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    #[error("sort: there is no column {0:?}")]
    UnknownColumn(String),
    #[error("dir: {0:?} is neither asc nor desc")]
    BadDirection(String),
    #[error("format: {0:?} is not csv")]
    BadFormat(String),
}

impl TableError {
    /// The reason in the person's language.
    pub fn reason(&self, lang: Lang) -> String {
        match self {
            TableError::UnknownColumn(c) => lang.tf("table.bad_sort", &[("value", c)]),
            TableError::BadDirection(d) => lang.tf("table.bad_dir", &[("value", d)]),
            TableError::BadFormat(f) => lang.tf("table.bad_format", &[("value", f)]),
        }
    }
}

/// Which query names a table answers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// The page's main table: `sort`, `dir`, `q`, `format`.
    Main,
    /// A further table: the same after its id (`lots.sort`), so it sorts, filters and
    /// exports on its own and its links keep the other tables' choices.
    Part,
}

#[derive(Debug, Clone)]
pub struct Table {
    /// The element id, for tests and links; a part's query names start with it.
    pub id: &'static str,
    pub names: Names,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

impl Table {
    /// The query name this table reads for `base` (`sort`, `dir`, `q`, `format`).
    pub fn name(&self, base: &str) -> String {
        match self.names {
            Names::Main => base.to_owned(),
            Names::Part => format!("{}.{base}", self.id),
        }
    }

    /// The order `sort` and `dir` ask for; none when `sort` is absent.
    pub fn sort_of(&self, params: &Params) -> Result<Option<Sort>, TableError> {
        let descending = match params.get(&self.name("dir")) {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => return Err(TableError::BadDirection(other.to_owned())),
        };
        let Some(key) = params.get(&self.name("sort")) else {
            return Ok(None);
        };
        let column = self
            .columns
            .iter()
            .position(|c| c.key == key && c.kind != Kind::Action)
            .ok_or_else(|| TableError::UnknownColumn(key.to_owned()))?;
        Ok(Some(Sort { column, descending }))
    }

    /// Sorts the rows, stably: equal cells keep the order the page gave.
    pub fn sort(&mut self, sort: Sort) {
        self.rows.sort_by(|a, b| {
            let order = a.cells[sort.column].compare(&b.cells[sort.column]);
            if sort.descending {
                order.reverse()
            } else {
                order
            }
        });
    }

    /// Keeps the rows with a cell containing `q`, ignoring case.
    pub fn filter(&mut self, q: &str) {
        let q = q.to_lowercase();
        self.rows
            .retain(|r| r.cells.iter().any(|c| c.text().to_lowercase().contains(&q)));
    }

    /// Applies the query's `q` and order.
    pub fn apply(&mut self, params: &Params) -> Result<(), TableError> {
        let sort = self.sort_of(params)?;
        if let Some(q) = params.get(&self.name("q")) {
            self.filter(q);
        }
        if let Some(sort) = sort {
            self.sort(sort);
        }
        Ok(())
    }

    /// Was this table's CSV asked for? Any other format is an error.
    pub fn wants_csv(&self, params: &Params) -> Result<bool, TableError> {
        match params.get(&self.name("format")) {
            None => Ok(false),
            Some("csv") => Ok(true),
            Some(other) => Err(TableError::BadFormat(other.to_owned())),
        }
    }

    /// Sorts and filters as the query asks; `Ok(true)` when it asked for this table's CSV.
    pub fn prepare(&mut self, params: &Params) -> Result<bool, TableError> {
        let wants_csv = self.wants_csv(params)?;
        self.apply(params)?;
        Ok(wants_csv)
    }

    /// UTF-8 with a byte-order mark (so Excel reads Chinese right), a header row, one
    /// line per row.
    pub fn csv(&self) -> Vec<u8> {
        let mut out = Vec::from(&b"\xEF\xBB\xBF"[..]);
        {
            let mut writer = csv::Writer::from_writer(&mut out);
            // Writing to memory cannot fail; a header of our own cannot either.
            let exported = |i: &usize| self.columns[*i].kind != Kind::Action;
            let columns: Vec<usize> = (0..self.columns.len()).filter(exported).collect();
            let _ = writer.write_record(columns.iter().map(|&i| self.columns[i].header.as_str()));
            for row in &self.rows {
                let _ = writer.write_record(columns.iter().map(|&i| row.cells[i].csv_field()));
            }
            let _ = writer.flush();
        }
        out
    }

    /// The CSV as an answer, named `<name>.csv`.
    pub fn csv_response(&self, name: &str) -> Response {
        (
            StatusCode::OK,
            [
                (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.csv\""),
                ),
            ],
            self.csv(),
        )
            .into_response()
    }

    /// The table with sorting links in its header, at most [`SHOWN_MAX`] rows.
    pub fn render(&self, lang: Lang, params: &Params) -> Markup {
        let current = self.sort_of(params).ok().flatten();
        let (sort, dir, format) = (self.name("sort"), self.name("dir"), self.name("format"));
        // A part's links come back to the part, not the top of the page.
        let anchor = match self.names {
            Names::Main => String::new(),
            Names::Part => format!("#{}", self.id),
        };
        html! {
            style { (PreEscaped(STYLE)) }
            @if self.rows.len() > SHOWN_MAX {
                p.notice { (lang.tf("table.truncated", &[("shown", &SHOWN_MAX.to_string()), ("total", &self.rows.len().to_string())])) }
            }
            // A wide table scrolls in its own box (the layout's style); the page stays put.
            div.scroll { table.data id=(self.id) {
                thead { tr {
                    @for (i, column) in self.columns.iter().enumerate() {
                        @let sorted = current.filter(|s| s.column == i);
                        @let next = match sorted { Some(s) if !s.descending => "desc", _ => "asc" };
                        @if column.kind == Kind::Action {
                            th { (column.header) }
                        } @else {
                            th class=(class_of(column.kind)) aria-sort=(aria_sort(sorted)) {
                                a href={ (params.with(&[(&sort, Some(column.key)), (&dir, Some(next)), (&format, None)])) (anchor) } {
                                    (column.header)
                                    @match sorted {
                                        Some(s) if s.descending => " ▼",
                                        Some(_) => " ▲",
                                        None => "",
                                    }
                                }
                            }
                        }
                    }
                } }
                tbody {
                    @for row in self.rows.iter().take(SHOWN_MAX) {
                        tr class=[row.flagged.then_some("flagged")] {
                            @for (cell, column) in row.cells.iter().zip(&self.columns) {
                                td class=(class_of(column.kind)) {
                                    @match cell {
                                        Cell::Link { text, href } => a href=(href) { (text) },
                                        Cell::Action { html, .. } => (PreEscaped(html)),
                                        other => (other.text()),
                                    }
                                }
                            }
                        }
                    }
                }
            } }
            @if self.rows.is_empty() {
                p { (lang.t("table.empty")) }
            }
        }
    }
}

fn class_of(kind: Kind) -> &'static str {
    match kind {
        Kind::Text | Kind::Action => "text",
        Kind::Date => "date",
        Kind::Number | Kind::Money => "num",
    }
}

fn aria_sort(sorted: Option<Sort>) -> &'static str {
    match sorted {
        Some(s) if s.descending => "descending",
        Some(_) => "ascending",
        None => "none",
    }
}

const STYLE: &str = "table.data td.num,table.data th.num{text-align:right}\
table.data tr.flagged td{background:#fff3cd;font-weight:bold}\
table.data th a{color:inherit}";

/// The GET form above a table: the page's own `fields`, the text filter `q`, the
/// current order kept, and the CSV link for what the query shows.
pub fn filter_form(lang: Lang, path: &str, params: &Params, fields: Markup) -> Markup {
    html! {
        form.filters method="get" action=(path) {
            (fields)
            label { (lang.t("table.search")) " "
                input type="search" name="q" value=[params.get("q")];
            }
            @if let Some(sort) = params.get("sort") {
                input type="hidden" name="sort" value=(sort);
            }
            @if let Some(dir) = params.get("dir") {
                input type="hidden" name="dir" value=(dir);
            }
            button type="submit" { (lang.t("table.apply")) }
            a href={ (path) (params.with(&[("format", Some("csv"))])) } { (lang.t("table.export")) }
        }
    }
}

/// A further table of a page with its own search and CSV link; the search form carries
/// the rest of the query on, so the page's other tables keep their order and filter.
pub fn part(lang: Lang, path: &str, params: &Params, table: &Table) -> Markup {
    let (q, format) = (table.name("q"), table.name("format"));
    html! {
        form.filters method="get" action={ (path) "#" (table.id) } {
            @for (name, value) in params.0.iter().filter(|(k, _)| *k != q && *k != format) {
                input type="hidden" name=(name) value=(value);
            }
            label { (lang.t("table.search")) " "
                input type="search" name=(q) value=[params.get(&q)];
            }
            button type="submit" { (lang.t("table.apply")) }
            a href={ (path) (params.with(&[(&format, Some("csv"))])) } { (lang.t("table.export")) }
        }
        (table.render(lang, params))
    }
}

/// A page's own lines around its table.
pub struct Around {
    /// Above the filters: a notice, a link.
    pub above: Markup,
    /// Between the filters and the table: figures and charts the filters also choose.
    pub between: Markup,
    /// Under the table.
    pub below: Markup,
}

impl Around {
    pub fn none() -> Around {
        Around {
            above: html! {},
            between: html! {},
            below: html! {},
        }
    }
}

/// A page that is one filtered table: it answers the table, its CSV, or the form again
/// with the reasons a query was refused.
pub struct Listing<'a> {
    pub lang: Lang,
    pub signed: &'a Signed,
    pub title: String,
    pub path: &'static str,
    pub params: &'a Params,
    /// The page's own filter fields, showing what was asked.
    pub fields: Markup,
}

impl Listing<'_> {
    /// 400: the form again with the reasons, and no table.
    pub fn refused(&self, reasons: &[String]) -> Response {
        let body = html! {
            (filter_form(self.lang, self.path, self.params, self.fields.clone()))
            div.problem role="alert" {
                @for reason in reasons { p { (reason) } }
            }
        };
        let markup = page(self.lang, Some(self.signed), &self.title, self.path, body);
        (StatusCode::BAD_REQUEST, Html(markup.into_string())).into_response()
    }

    /// The filters alone, with `below` under them: a search not made yet, or one that
    /// found nothing.
    pub fn form_only(&self, below: Markup) -> Response {
        let body = html! {
            (filter_form(self.lang, self.path, self.params, self.fields.clone()))
            (below)
        };
        let markup = page(self.lang, Some(self.signed), &self.title, self.path, body);
        Html(markup.into_string()).into_response()
    }

    /// The table filtered and sorted as asked, as a page or as `<csv_name>.csv`.
    pub fn answer(&self, table: Table, csv_name: &str) -> Response {
        self.answer_with(table, csv_name, Around::none())
    }

    /// [`Listing::answer`] with the page's own lines around the table; the CSV is the
    /// table's alone.
    pub fn answer_with(&self, mut table: Table, csv_name: &str, around: Around) -> Response {
        let wants_csv = match self.params.wants_csv() {
            Ok(w) => w,
            Err(e) => return self.refused(&[e.reason(self.lang)]),
        };
        if let Err(e) = table.apply(self.params) {
            return self.refused(&[e.reason(self.lang)]);
        }
        if wants_csv {
            return table.csv_response(csv_name);
        }
        let body = html! {
            (around.above)
            (filter_form(self.lang, self.path, self.params, self.fields.clone()))
            (around.between)
            (table.render(self.lang, self.params))
            (around.below)
        };
        let markup = page(self.lang, Some(self.signed), &self.title, self.path, body);
        Html(markup.into_string()).into_response()
    }
}

#[cfg(test)]
mod tests;
