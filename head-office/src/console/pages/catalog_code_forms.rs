//! The barcode and lot parts of a product's page, and what they share with the handlers
//! that change them: the notices after a change and a form sent back with its reason.
//! Below both the page (`catalog.rs`) and the handlers (`catalog_barcodes.rs`,
//! `catalog_lots.rs`, `catalog_codes.rs`), so none of them import each other in a circle.

use maud::{Markup, html};
use pos_domain::catalog::{Lot, Product, Tracking};

use crate::console::i18n::Lang;
use crate::console::session::Signed;
use crate::console::table::{self, Cell, Column, Kind, Names, Params, Row, Table};
use crate::console::url_part;

/// The notices a product's page shows after a change (`?done=<name>`), by name.
const NOTICES: &[(&str, &str)] = &[
    ("barcode_added", "codes.barcode_added"),
    ("barcode_removed", "codes.barcode_removed"),
    ("lot_added", "codes.lot_added"),
    ("lot_changed", "codes.lot_changed"),
    ("lot_removed", "codes.lot_removed"),
];

/// The translation key of a `done` name; an unknown one shows nothing.
pub fn notice_of(done: &str) -> Option<&'static str> {
    NOTICES.iter().find(|(n, _)| *n == done).map(|(_, k)| *k)
}

/// A barcode or lot form sent back: which form, what was typed, and why it was refused.
#[derive(Debug, Clone)]
pub struct Returned {
    /// `barcode`, `lot`, or `lot:<lot_no>` for the expiry form of one lot.
    pub form: String,
    pub values: Vec<(&'static str, String)>,
    pub reason: String,
}

impl Returned {
    /// What was typed in `field` of `form`, if that form is the one sent back.
    pub fn value(&self, form: &str, field: &str) -> Option<&str> {
        (self.form == form)
            .then(|| self.values.iter().find(|(f, _)| *f == field))
            .flatten()
            .map(|(_, v)| v.as_str())
    }
}

/// A product's barcodes as a part of its page (`barcodes.sort`, `barcodes.q`,
/// `barcodes.format=csv`), with a remove button each for those who edit the catalog.
pub fn barcodes_table(lang: Lang, signed: &Signed, sku: &str, barcodes: Vec<String>) -> Table {
    let editable = signed.user.may_edit_catalog();
    let base = format!("/catalog/{}/barcodes", url_part(sku));
    let mut columns = vec![column(lang, "barcode", "codes.barcode", Kind::Text)];
    if editable {
        columns.push(column(lang, "remove", "codes.remove", Kind::Action));
    }
    let rows = barcodes
        .into_iter()
        .map(|barcode| {
            let remove = html! {
                form.inline method="post" action={ (base) "/" (url_part(&barcode)) "/remove" } {
                    input type="hidden" name="csrf" value=(signed.csrf);
                    button type="submit" { (lang.t("codes.remove")) }
                }
            };
            let mut cells = vec![Cell::Text(barcode)];
            if editable {
                cells.push(Cell::action(Cell::Empty, remove));
            }
            Row {
                cells,
                flagged: false,
            }
        })
        .collect();
    Table {
        id: "barcodes",
        names: Names::Part,
        columns,
        rows,
    }
}

/// A product's lots as a part of its page (`lots.sort`, `lots.q`, `lots.format=csv`);
/// for those who edit the catalog the expiry is a form, and each lot has a remove button.
pub fn lots_table(
    lang: Lang,
    signed: &Signed,
    sku: &str,
    lots: Vec<Lot>,
    returned: Option<&Returned>,
) -> Table {
    let editable = signed.user.may_edit_catalog();
    let base = format!("/catalog/{}/lots", url_part(sku));
    let mut columns = vec![
        column(lang, "lot_no", "codes.lot_no", Kind::Text),
        column(lang, "expiry_date", "codes.expiry_date", Kind::Date),
    ];
    if editable {
        columns.push(column(lang, "remove", "codes.remove", Kind::Action));
    }
    let rows = lots
        .into_iter()
        .map(|lot| {
            let form_key = format!("lot:{}", lot.lot_no);
            let action = format!("{base}/{}", url_part(&lot.lot_no));
            let typed = returned.and_then(|r| r.value(&form_key, "expiry_date"));
            let expiry = Cell::Date(lot.expiry_date);
            let mut cells = vec![Cell::Text(lot.lot_no.clone())];
            if editable {
                let change = html! {
                    form.inline method="post" action=(action) {
                        input type="hidden" name="csrf" value=(signed.csrf);
                        input type="date" name="expiry_date"
                            value=(typed.map_or_else(|| lot.expiry_date.to_string(), str::to_owned));
                        " "
                        button type="submit" { (lang.t("codes.change_expiry")) }
                    }
                };
                let remove = html! {
                    form.inline method="post" action={ (action) "/remove" } {
                        input type="hidden" name="csrf" value=(signed.csrf);
                        button type="submit" { (lang.t("codes.remove")) }
                    }
                };
                cells.push(Cell::action(expiry, change));
                cells.push(Cell::action(Cell::Empty, remove));
            } else {
                cells.push(expiry);
            }
            Row {
                cells,
                flagged: false,
            }
        })
        .collect();
    Table {
        id: "lots",
        names: Names::Part,
        columns,
        rows,
    }
}

fn column(lang: Lang, key: &'static str, header: &str, kind: Kind) -> Column {
    Column {
        key,
        header: lang.t(header),
        kind,
    }
}

/// The product's part of the page: its heading, the table (or that there is none yet)
/// and, for those who edit the catalog, the add form below.
fn part_or_none(lang: Lang, page: &str, params: &Params, table: &Table, none: &str) -> Markup {
    html! {
        @if table.rows.is_empty() && params.get(&table.name("q")).is_none() {
            p { (lang.t(none)) }
        } @else {
            (table::part(lang, page, params, table))
        }
    }
}

/// The barcodes part of a product's page and the form that adds one.
pub fn barcodes_section(
    lang: Lang,
    signed: &Signed,
    params: &Params,
    table: &Table,
    sku: &str,
    returned: Option<&Returned>,
) -> Markup {
    let page = format!("/catalog/{}", url_part(sku));
    html! {
        h2 { (lang.t("codes.barcodes")) }
        @if let Some(r) = returned.filter(|r| r.form == "barcode") {
            p.problem role="alert" { (r.reason) }
        }
        (part_or_none(lang, &page, params, table, "codes.no_barcodes"))
        @if signed.user.may_edit_catalog() {
            form.filters method="post" action={ (page) "/barcodes" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                label { (lang.t("codes.barcode")) " "
                    input name="barcode" inputmode="numeric"
                        value=(returned.and_then(|r| r.value("barcode", "barcode")).unwrap_or_default());
                }
                button type="submit" { (lang.t("codes.add_barcode")) }
            }
        }
    }
}

/// The lots part of a product's page and the form that adds one.
pub fn lots_section(
    lang: Lang,
    signed: &Signed,
    params: &Params,
    table: &Table,
    product: &Product,
    returned: Option<&Returned>,
) -> Markup {
    let page = format!("/catalog/{}", url_part(&product.sku));
    let typed = |field: &str| {
        returned
            .and_then(|r| r.value("lot", field))
            .unwrap_or_default()
    };
    html! {
        h2 { (lang.t("codes.lots")) }
        @if let Some(r) = returned.filter(|r| r.form == "lot" || r.form.starts_with("lot:")) {
            p.problem role="alert" { (r.reason) }
        }
        (part_or_none(lang, &page, params, table, "codes.no_lots"))
        @if product.tracking == Tracking::None {
            p { (lang.t("codes.lots_untracked")) }
        } @else if signed.user.may_edit_catalog() {
            form.filters method="post" action={ (page) "/lots" } {
                input type="hidden" name="csrf" value=(signed.csrf);
                label { (lang.t("codes.lot_no")) " "
                    input name="lot_no" value=(typed("lot_no"));
                }
                label { (lang.t("codes.expiry_date")) " "
                    input type="date" name="expiry_date" value=(typed("expiry_date"));
                }
                button type="submit" { (lang.t("codes.add_lot")) }
            }
        }
    }
}
