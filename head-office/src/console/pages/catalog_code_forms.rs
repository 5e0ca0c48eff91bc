//! The barcode and lot parts of a product's page, and what they share with the handlers
//! that change them: the notices after a change and a form sent back with its reason.
//! Below both the page (`catalog.rs`) and the handlers (`catalog_barcodes.rs`,
//! `catalog_lots.rs`, `catalog_codes.rs`), so none of them import each other in a circle.

use maud::{Markup, html};
use pos_domain::catalog::{Lot, Product, Tracking};

use crate::console::i18n::Lang;
use crate::console::session::Signed;
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

/// The barcodes part of a product's page.
pub fn barcodes_section(
    lang: Lang,
    signed: &Signed,
    sku: &str,
    barcodes: &[String],
    returned: Option<&Returned>,
) -> Markup {
    let editable = signed.user.may_edit_catalog();
    let base = format!("/catalog/{}/barcodes", url_part(sku));
    html! {
        h2 { (lang.t("codes.barcodes")) }
        @if let Some(r) = returned.filter(|r| r.form == "barcode") {
            p.problem role="alert" { (r.reason) }
        }
        @if barcodes.is_empty() {
            p { (lang.t("codes.no_barcodes")) }
        } @else {
            div.scroll { table id="barcodes" {
                thead { tr {
                    th { (lang.t("codes.barcode")) }
                    @if editable { th {} }
                } }
                tbody {
                    @for barcode in barcodes {
                        tr {
                            td { (barcode) }
                            @if editable {
                                td {
                                    form.inline method="post" action={ (base) "/" (url_part(barcode)) "/remove" } {
                                        input type="hidden" name="csrf" value=(signed.csrf);
                                        button type="submit" { (lang.t("codes.remove")) }
                                    }
                                }
                            }
                        }
                    }
                }
            } }
        }
        @if editable {
            form.filters method="post" action=(base) {
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

/// The lots part of a product's page.
pub fn lots_section(
    lang: Lang,
    signed: &Signed,
    product: &Product,
    lots: &[Lot],
    returned: Option<&Returned>,
) -> Markup {
    let editable = signed.user.may_edit_catalog();
    let base = format!("/catalog/{}/lots", url_part(&product.sku));
    let typed = |form: &str, field: &str| {
        returned
            .and_then(|r| r.value(form, field))
            .map(str::to_owned)
    };
    html! {
        h2 { (lang.t("codes.lots")) }
        @if let Some(r) = returned.filter(|r| r.form == "lot" || r.form.starts_with("lot:")) {
            p.problem role="alert" { (r.reason) }
        }
        @if lots.is_empty() {
            p { (lang.t("codes.no_lots")) }
        } @else {
            div.scroll { table id="lots" {
                thead { tr {
                    th { (lang.t("codes.lot_no")) }
                    th { (lang.t("codes.expiry_date")) }
                    @if editable { th {} }
                } }
                tbody {
                    @for lot in lots {
                        @let form_key = format!("lot:{}", lot.lot_no);
                        @let action = format!("{base}/{}", url_part(&lot.lot_no));
                        tr {
                            td { (lot.lot_no) }
                            @if editable {
                                td {
                                    form.inline method="post" action=(action) {
                                        input type="hidden" name="csrf" value=(signed.csrf);
                                        input type="date" name="expiry_date"
                                            value=(typed(&form_key, "expiry_date").unwrap_or_else(|| lot.expiry_date.to_string()));
                                        " "
                                        button type="submit" { (lang.t("codes.change_expiry")) }
                                    }
                                }
                                td {
                                    form.inline method="post" action={ (action) "/remove" } {
                                        input type="hidden" name="csrf" value=(signed.csrf);
                                        button type="submit" { (lang.t("codes.remove")) }
                                    }
                                }
                            } @else {
                                td { (lot.expiry_date) }
                            }
                        }
                    }
                }
            } }
        }
        @if product.tracking == Tracking::None {
            p { (lang.t("codes.lots_untracked")) }
        } @else if editable {
            form.filters method="post" action=(base) {
                input type="hidden" name="csrf" value=(signed.csrf);
                label { (lang.t("codes.lot_no")) " "
                    input name="lot_no" value=(typed("lot", "lot_no").unwrap_or_default());
                }
                label { (lang.t("codes.expiry_date")) " "
                    input type="date" name="expiry_date" value=(typed("lot", "expiry_date").unwrap_or_default());
                }
                button type="submit" { (lang.t("codes.add_lot")) }
            }
        }
    }
}
