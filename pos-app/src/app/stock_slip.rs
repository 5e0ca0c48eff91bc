//! The one place a stock document becomes a printed slip (收货单, 调拨出库单, 调拨入库单,
//! 盘点单, 报损单), first print or reprint: the store, terminal, number and time; the
//! delivery note or transfer and the other store; each line with its lot, expiry and
//! serials and what it records (expected and shortage, the variance); who did it and
//! which manager approved.

use pos_core::document::{Document, DocumentBody};
use pos_core::stock_document::{CountLine, ReceiptLine, StockLine};
use pos_core::till::Till;
use printer::{SlipLine, StockSlip};

use super::i18n::I18n;
use super::receipt::Header;
use super::screen::stock::commit_signed as signed;
use super::screen::stock::reason_key;

/// The slip of a stock document; `None` for any other document.
pub fn for_document(doc: &Document, till: &Till, header: &Header<'_>) -> Option<StockSlip> {
    let i18n = header.i18n;
    let field = |key: &str, value: String| (i18n.t(key).to_string(), value);
    let mut fields = vec![
        field("slip.terminal", doc.terminal_id.clone()),
        field("slip.document_no", doc.sequence.to_string()),
        field(
            "slip.time",
            till.local_time(doc.created_at)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
        ),
    ];
    let name = |sku: &str| {
        till.product(sku)
            .ok()
            .flatten()
            .map_or_else(|| sku.to_owned(), |p| p.name)
    };
    let (title, lines) = match &doc.body {
        DocumentBody::GoodsReceipt(r) => {
            fields.push(field("slip.reference", r.reference.clone()));
            if !r.supplier.is_empty() {
                fields.push(field("slip.supplier", r.supplier.clone()));
            }
            let lines = r.lines.iter().map(|l| received(l, &name, i18n)).collect();
            ("slip.receipt", lines)
        }
        DocumentBody::TransferReceipt(t) => {
            fields.push(field("slip.transfer_id", t.transfer_id.clone()));
            fields.push(field("slip.from_store", t.from_store.clone()));
            let lines = t.lines.iter().map(|l| received(l, &name, i18n)).collect();
            ("slip.transfer_receipt", lines)
        }
        DocumentBody::TransferDispatch(t) => {
            fields.push(field("slip.transfer_id", t.transfer_id.clone()));
            fields.push(field("slip.to_store", t.to_store.clone()));
            let lines = t.lines.iter().map(|l| leaving(l, &name, i18n)).collect();
            ("slip.dispatch", lines)
        }
        DocumentBody::WriteOff(w) => {
            fields.push(field(
                "slip.reason",
                i18n.t(reason_key(w.reason)).to_string(),
            ));
            if !w.note.is_empty() {
                fields.push(field("slip.note", w.note.clone()));
            }
            let lines = w.lines.iter().map(|l| leaving(l, &name, i18n)).collect();
            ("slip.write_off", lines)
        }
        DocumentBody::Stocktake(c) => {
            let kind = if c.full {
                "stock.full_count"
            } else {
                "stock.partial_count"
            };
            fields.push(field("slip.count_kind", i18n.t(kind).to_string()));
            let lines = c.lines.iter().map(|l| counted(l, &name, i18n)).collect();
            ("slip.count", lines)
        }
        _ => return None,
    };
    let who = |id: &str| {
        till.store()
            .operator(id)
            .ok()
            .flatten()
            .map_or_else(|| id.to_owned(), |o| o.name)
    };
    let mut footer = vec![field("slip.operator", who(&doc.operator_id))];
    if let Some(approval) = doc.approvals.first() {
        footer.push(field("slip.approved_by", who(&approval.manager_id)));
    }
    Some(StockSlip {
        title: i18n.t(title).to_string(),
        store_name: header.store_name.to_string(),
        fields,
        columns: (
            i18n.t("slip.col_goods").to_string(),
            i18n.t("slip.col_quantity").to_string(),
        ),
        lines,
        footer,
        reprint: header.reprint,
    })
}

/// Lot and expiry, then serials: the details every line of goods has.
fn goods_details(line: &StockLine, i18n: I18n) -> Vec<String> {
    let mut details = Vec::new();
    let mut tracking = Vec::new();
    if let Some(lot) = &line.lot {
        tracking.push(i18n.f("slip.lot", &[("lot", lot)]));
    }
    if let Some(expiry) = line.expiry_date {
        tracking.push(i18n.f("slip.expiry", &[("expiry", &expiry)]));
    }
    details.push(tracking.join(" "));
    if !line.serials.is_empty() {
        details.push(i18n.f("slip.serials", &[("serials", &line.serials.join(", "))]));
    }
    details
}

fn received(line: &ReceiptLine, name: &dyn Fn(&str) -> String, i18n: I18n) -> SlipLine {
    let mut details = goods_details(&line.goods, i18n);
    if let Some(expected) = line.expected {
        details.push(i18n.f(
            "slip.expected",
            &[
                ("expected", &expected),
                ("shortage", &line.shortage()),
                ("excess", &line.excess()),
            ],
        ));
    }
    SlipLine {
        name: name(&line.goods.sku),
        sku: line.goods.sku.clone(),
        quantity: format!("+{}", line.goods.quantity),
        details,
    }
}

fn leaving(line: &StockLine, name: &dyn Fn(&str) -> String, i18n: I18n) -> SlipLine {
    SlipLine {
        name: name(&line.sku),
        sku: line.sku.clone(),
        quantity: format!("-{}", line.quantity),
        details: goods_details(line, i18n),
    }
}

fn counted(line: &CountLine, name: &dyn Fn(&str) -> String, i18n: I18n) -> SlipLine {
    let mut details = Vec::new();
    if let Some(lot) = &line.lot {
        details.push(i18n.f("slip.lot", &[("lot", lot)]));
    }
    details.push(i18n.f(
        "slip.variance",
        &[
            ("expected", &line.expected),
            ("counted", &line.counted),
            ("variance", &signed(line.variance())),
        ],
    ));
    if !line.serials.is_empty() {
        details.push(i18n.f("slip.serials", &[("serials", &line.serials.join(", "))]));
    }
    if !line.missing_serials.is_empty() {
        details.push(i18n.f(
            "slip.missing",
            &[("serials", &line.missing_serials.join(", "))],
        ));
    }
    SlipLine {
        name: name(&line.sku),
        sku: line.sku.clone(),
        quantity: line.counted.to_string(),
        details,
    }
}
