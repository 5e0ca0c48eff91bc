//! Stock work at the counter (Ctrl+K), through the real update and view: a goods receipt
//! by scanning a UDI, previewed and committed with its slip read back from a printer on
//! 127.0.0.1 (GB18030); a dispatch taking the lot proposed first expiry first out; a
//! count whose variance is shown before the manager approves it; a write-off of the
//! expired lots the till loads; an expired lot refused with its Chinese text and nothing
//! stored. The demo till, business date 2026-11-22, a cashier at the counter.

use crate::ui_support::fake_printer::*;
use crate::ui_support::*;
use pos_app::app::keys::Pressed;
use pos_app::app::screen::approval;
use pos_app::app::screen::stock::{self, Editor, PreviewRow};
use pos_app::app::{Level, Message, Screen};
use pos_core::document::{Document, DocumentBody};

/// 三诺血糖试纸 安稳+ 50片 (110007, lot-tracked): a UDI of a new lot L-NEW01, expiring
/// 2028-06-30.
const NEW_LOT_UDI: &str = "01069236520130891728063010L-NEW01";
/// The same product, lot L-OLD, expired on 2026-11-01.
const EXPIRED_LOT_UDI: &str = "01069236520130891726110110L-OLD";
/// 鱼跃血糖试纸 710 100片 (110021): L2410D15 expired (2 held), L2411B12 expires
/// 2026-11-24 (22 held), L2606B08 2028-06-24 (14 held).
const STRIPS: &str = "6921345628145";

fn editor(d: &Driver) -> &Editor {
    match d.app.screen() {
        Screen::Stock(s) => s.editor.as_ref().expect("a stock document is open"),
        other => panic!("the stock screen, not {other:?}"),
    }
}

fn preview(d: &Driver) -> &[PreviewRow] {
    editor(d).preview.as_deref().expect("the preview is shown")
}

/// Ctrl+K, then the document's key on the menu.
fn open(d: &mut Driver, key: u8) {
    d.key(Pressed::Ctrl('k'));
    assert!(matches!(d.app.screen(), Screen::Stock(_)), "{}", d.banner());
    d.key(Pressed::F(key));
}

fn stock_message(d: &mut Driver, m: stock::Message) {
    d.send(Message::Stock(m));
}

fn last(d: &Driver, kind: &str) -> Option<Document> {
    d.till().store().recent_documents(kind, 1).unwrap().pop()
}

fn manager_approves(d: &mut Driver) {
    assert!(
        d.app.approval().is_some(),
        "the manager is asked: {}",
        d.banner()
    );
    d.send(Message::Approval(approval::Message::Pin(
        MANAGER_PIN.into(),
    )));
    d.key(Pressed::Enter);
    assert!(d.app.approval().is_none(), "{}", d.banner());
}

#[test]
fn a_receipt_by_scanning_a_udi_is_previewed_committed_and_its_slip_printed() {
    let printer = FakePrinter::start(READY);
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::new(demo_data_dir(dir.path(), Some(printer.uri())));
    d.log_in_and_open_shift(1);
    open(&mut d, 1);
    stock_message(&mut d, stock::Message::Reference("DN-7781".into()));
    stock_message(&mut d, stock::Message::Party("三诺生物".into()));
    d.scan(NEW_LOT_UDI);
    let line = &editor(&d).lines[0];
    assert_eq!(
        (line.sku.as_str(), line.lot.as_deref(), line.quantity),
        ("110007", Some("L-NEW01"), 1),
        "the UDI fills SKU and lot: {}",
        d.banner()
    );
    assert_eq!(line.expiry_date, Some("2028-06-30".parse().unwrap()));
    d.type_into_entry("*8", PERSON_GAP);
    d.type_into_entry("=10", PERSON_GAP);

    d.key(Pressed::F(12));
    let row = &preview(&d)[0];
    assert_eq!((row.held, row.after), (0, 8), "units held now → after");
    assert!(row.note.contains("短缺 2"), "{}", row.note);
    assert!(
        d.shows("0 → 8") && d.shows(&row.note),
        "the preview is on screen"
    );
    assert!(
        last(&d, "goods_receipt").is_none(),
        "nothing written before F12"
    );

    d.key(Pressed::F(12));
    let doc = last(&d, "goods_receipt").expect("the receipt is written");
    let DocumentBody::GoodsReceipt(receipt) = &doc.body else {
        panic!("a goods receipt")
    };
    assert_eq!(receipt.reference, "DN-7781");
    assert_eq!(receipt.lines[0].shortage(), 2);
    assert_eq!(
        d.till().store().stock("110007", Some("L-NEW01")).unwrap(),
        8
    );
    assert_eq!(d.app.banner().map(|b| b.level), Some(Level::Info));

    let lines = printed_lines(&printer.next_job());
    assert!(lines.iter().any(|l| l == "收货单"), "{lines:#?}");
    for shown in [
        "送货单号: DN-7781",
        "供应商: 三诺生物",
        "批号: L-NEW01 有效期至: 2028-06-30",
        "应收 10 短缺 2 溢收 0",
    ] {
        assert!(
            lines.iter().any(|l| l.contains(shown)),
            "{shown} in {lines:#?}"
        );
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains("110007") && l.ends_with("+8")),
        "the line's SKU and quantity: {lines:#?}"
    );
    assert!(lines.iter().any(|l| l.starts_with("操作员")), "{lines:#?}");
}

#[test]
fn a_dispatch_takes_the_lot_proposed_first_expiry_first_out_or_another() {
    let printer = FakePrinter::start(READY);
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::new(demo_data_dir(dir.path(), Some(printer.uri())));
    d.log_in_and_open_shift(1);
    open(&mut d, 2);
    stock_message(&mut d, stock::Message::Reference("TR-9".into()));
    stock_message(&mut d, stock::Message::Party("S002".into()));
    d.scan(STRIPS);
    let offer = editor(&d)
        .offer
        .as_ref()
        .expect("the lots held are offered");
    let lots: Vec<(&str, i64)> = offer
        .lots
        .iter()
        .map(|l| (l.lot_no.as_str(), l.held))
        .collect();
    assert_eq!(
        lots,
        [("L2411B12", 22), ("L2606B08", 14)],
        "earliest expiry first; the expired lot is not sent"
    );
    assert!(d.shows(&d.t("stock.proposed")));
    d.key(Pressed::Enter);
    d.type_into_entry("*3", PERSON_GAP);
    // The same product again: the manager takes the other lot with its number.
    d.scan(STRIPS);
    d.key(Pressed::Char('2'));
    let taken: Vec<(Option<&str>, u32)> = editor(&d)
        .lines
        .iter()
        .map(|l| (l.lot.as_deref(), l.quantity))
        .collect();
    assert_eq!(taken, [(Some("L2411B12"), 3), (Some("L2606B08"), 1)]);

    d.key(Pressed::F(12));
    assert_eq!((preview(&d)[0].held, preview(&d)[0].after), (22, 19));
    d.key(Pressed::F(12));
    assert!(
        last(&d, "transfer_dispatch").is_none(),
        "not before the manager"
    );
    manager_approves(&mut d);
    let doc = last(&d, "transfer_dispatch").expect("dispatched");
    assert_eq!(doc.approvals[0].action, "transfer_dispatch");
    let DocumentBody::TransferDispatch(t) = &doc.body else {
        panic!("a dispatch")
    };
    assert_eq!(
        (t.transfer_id.as_str(), t.to_store.as_str()),
        ("TR-9", "S002")
    );
    assert_eq!(
        d.till().store().stock("110021", Some("L2411B12")).unwrap(),
        19
    );

    let slip = printed_lines(&printer.next_job());
    assert!(slip.iter().any(|l| l == "调拨出库单"), "{slip:#?}");
    for shown in [
        "调拨单号: TR-9",
        "调入门店: S002",
        "批号: L2411B12 有效期至: 2026-11-24",
    ] {
        assert!(
            slip.iter().any(|l| l.contains(shown)),
            "{shown} in {slip:#?}"
        );
    }
    assert!(
        slip.iter()
            .any(|l| l.contains("110021") && l.ends_with("-3")),
        "{slip:#?}"
    );
    assert!(
        slip.iter()
            .any(|l| l.starts_with("审批店长") && l.ends_with("店长")),
        "the approving manager: {slip:#?}"
    );
}

#[test]
fn a_count_shows_its_variance_before_the_manager_approves_it() {
    let printer = FakePrinter::start(READY);
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::new(demo_data_dir(dir.path(), Some(printer.uri())));
    d.log_in_and_open_shift(1);
    open(&mut d, 4);
    // A SKU typed adds the line; the count is keyed.
    d.type_into_entry("100024", PERSON_GAP);
    d.type_into_entry("*45", PERSON_GAP);
    d.key(Pressed::F(12));
    let row = &preview(&d)[0];
    assert_eq!((row.held, row.after), (48, 45));
    assert_eq!(
        row.note,
        d.app
            .i18n()
            .f("stock.note_variance", &[("variance", &"-3")])
    );
    assert!(d.shows("48 → 45") && d.shows(&row.note));

    d.key(Pressed::F(12));
    assert!(last(&d, "stocktake").is_none(), "not before the manager");
    manager_approves(&mut d);
    let doc = last(&d, "stocktake").expect("the count is posted");
    assert_eq!(doc.approvals[0].action, "stocktake");
    let DocumentBody::Stocktake(count) = &doc.body else {
        panic!("a stocktake")
    };
    assert_eq!(count.lines[0].variance(), -3);
    assert_eq!(d.till().store().stock("100024", None).unwrap(), 45);
    let slip = printed_lines(&printer.next_job());
    assert!(slip.iter().any(|l| l == "盘点单"), "{slip:#?}");
    assert!(
        slip.iter().any(|l| l.contains("账面 48 实盘 45 差异 -3")),
        "{slip:#?}"
    );
}

#[test]
fn a_write_off_loads_the_expired_lots_the_till_holds() {
    let (_dir, mut d) = at_sale_screen(1);
    let expired = d.till().expired_holdings(demo_now()).unwrap();
    assert!(expired.iter().any(|h| h.lot == "L2410D15"), "{expired:?}");
    open(&mut d, 5);
    d.key(Pressed::F(5));
    let loaded: Vec<(String, Option<String>, u32)> = editor(&d)
        .lines
        .iter()
        .map(|l| (l.sku.clone(), l.lot.clone(), l.quantity))
        .collect();
    let held: Vec<(String, Option<String>, u32)> = expired
        .iter()
        .map(|h| (h.sku.clone(), Some(h.lot.clone()), h.quantity as u32))
        .collect();
    assert_eq!(loaded, held, "every expired lot, whole");
    d.key(Pressed::F(12));
    assert!(
        preview(&d).iter().all(|r| r.after == 0),
        "{:?}",
        preview(&d)
    );
    d.key(Pressed::F(12));
    manager_approves(&mut d);
    let doc = last(&d, "write_off").expect("written off");
    assert_eq!(doc.approvals[0].action, "write_off");
    assert!(d.till().expired_holdings(demo_now()).unwrap().is_empty());
}

#[test]
fn an_expired_lot_received_is_refused_in_chinese_and_nothing_is_stored() {
    let (_dir, mut d) = at_sale_screen(1);
    let before = d.till().last_sequence().unwrap();
    open(&mut d, 1);
    stock_message(&mut d, stock::Message::Reference("DN-2".into()));
    d.scan(EXPIRED_LOT_UDI);
    d.key(Pressed::F(12));
    d.key(Pressed::F(12));
    let banner = d.app.banner().expect("the refusal is shown");
    assert_eq!(banner.level, Level::Error);
    assert_eq!(
        banner.text,
        "110007 的批号 L-OLD 已于 2026-11-01 过期：过期批号不能收货"
    );
    assert_eq!(d.till().last_sequence().unwrap(), before, "nothing written");
    assert!(d.till().store().lot("110007", "L-OLD").unwrap().is_none());
    assert!(
        !editor(&d).lines.is_empty(),
        "the document stays open to correct"
    );
}

/// 鱼跃上臂式电子血压计 YE650A (100001, serial-tracked): YW2602701823 and YW2609106396
/// held, no lot.
const MONITOR_UDI: &str = "010692134562472721YW2602701823";

#[test]
fn a_count_of_serials_names_the_units_not_found_and_takes_them_out_of_stock() {
    let (_dir, mut d) = at_sale_screen(1);
    open(&mut d, 4);
    d.scan(MONITOR_UDI);
    assert_eq!(
        editor(&d).lines[0].serials,
        ["YW2602701823"],
        "{}",
        d.banner()
    );
    d.key(Pressed::F(12));
    let row = &preview(&d)[0];
    assert_eq!((row.held, row.after), (2, 1));
    assert!(row.note.contains("YW2609106396"), "{}", row.note);
    d.key(Pressed::F(12));
    manager_approves(&mut d);
    let doc = last(&d, "stocktake").expect("the count is posted");
    let DocumentBody::Stocktake(count) = &doc.body else {
        panic!("a stocktake")
    };
    assert_eq!(count.lines[0].missing_serials, ["YW2609106396"]);
    assert_eq!(
        d.till().store().held_serials("100001", None).unwrap(),
        ["YW2602701823"]
    );
}

#[test]
fn a_transfer_is_received_against_what_was_dispatched_and_its_slip_reprinted() {
    let printer = FakePrinter::start(READY);
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::new(demo_data_dir(dir.path(), Some(printer.uri())));
    d.log_in_and_open_shift(1);
    open(&mut d, 3);
    stock_message(&mut d, stock::Message::Reference("TR-9".into()));
    d.key(Pressed::F(12));
    assert_eq!(
        d.banner(),
        d.app
            .i18n()
            .f("stock.fill_in", &[("what", &d.t("stock.from_store"))])
    );
    stock_message(&mut d, stock::Message::Party("S002".into()));
    d.scan(STRIPS);
    // Every lot the till knows is offered; the long-dated one is number 3.
    d.key(Pressed::Char('3'));
    d.type_into_entry("*3", PERSON_GAP);
    d.type_into_entry("=4", PERSON_GAP);
    d.key(Pressed::F(12));
    assert_eq!((preview(&d)[0].held, preview(&d)[0].after), (14, 17));
    assert!(preview(&d)[0].note.contains("短缺 1"));
    d.key(Pressed::F(12));
    let doc = last(&d, "transfer_receipt").expect("received, no manager needed");
    assert!(doc.approvals.is_empty());
    let first = printed_lines(&printer.next_job());
    assert!(first.iter().any(|l| l == "调拨入库单"), "{first:#?}");
    assert!(
        first.iter().any(|l| l.contains("调出门店: S002")),
        "{first:#?}"
    );

    // Back on the menu: F8 prints the slip again, marked as a reprint.
    assert!(matches!(d.app.screen(), Screen::Stock(s) if s.editor.is_none()));
    d.key(Pressed::F(8));
    let again = printed_lines(&printer.next_job());
    assert!(again.iter().any(|l| l.contains("REPRINT")), "{again:#?}");
    assert!(
        again.iter().any(|l| l.contains("应收 4 短缺 1 溢收 0")),
        "{again:#?}"
    );
}

#[test]
fn a_lot_close_to_its_expiry_is_received_once_the_manager_approves() {
    let (_dir, mut d) = at_sale_screen(1);
    open(&mut d, 1);
    stock_message(&mut d, stock::Message::Reference("DN-3".into()));
    // Expires 2027-01-01: within the 90 days a receipt needs the manager for.
    d.scan("01069236520130891727010110L-NEAR1");
    d.key(Pressed::F(12));
    d.key(Pressed::F(12));
    assert!(
        last(&d, "goods_receipt").is_none(),
        "not before the manager"
    );
    manager_approves(&mut d);
    let doc = last(&d, "goods_receipt").expect("received");
    assert_eq!(doc.approvals[0].action, "near_expiry_receipt");
    assert_eq!(
        d.till().store().stock("110007", Some("L-NEAR1")).unwrap(),
        1
    );
}
