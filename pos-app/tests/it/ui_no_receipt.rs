//! A return without a receipt of several items, through the real update and view: items
//! scanned with the wedge on the returns screen or typed, a quantity changed, a line
//! removed, the refund on screen, the reason required, the manager's PIN, then the
//! return on disk with every line and the return receipt on the printer.

use crate::ui_support::*;
use pos_app::app::keys::{KeyPress, Pressed};
use pos_app::app::screen::{approval, no_receipt, returns};
use pos_app::app::{Level, Message, Screen};
use pos_core::document::DocumentBody;
use pos_core::operator::ManagerAction;
use rust_decimal::Decimal;

/// A blood-pressure cuff, 49.00.
const CUFF: &str = "6921345626875";
/// 鱼跃血糖试纸 710 100片, 159.00, lot-tracked.
const STRIPS: &str = "6921345628145";

fn at_returns_screen(printer: &CapturingPrinter) -> (tempfile::TempDir, Driver) {
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::new(demo_data_dir(dir.path(), Some(printer.uri.clone())));
    d.log_in_and_open_shift(5);
    d.key(Pressed::F(4));
    assert!(matches!(d.app.screen(), Screen::Return(_)));
    (dir, d)
}

fn list(d: &Driver) -> &no_receipt::List {
    match d.app.screen() {
        Screen::Return(r) => r.no_receipt_list(),
        _ => panic!("not on the returns screen"),
    }
}

/// A keyboard-wedge scan on the returns screen: the keys land in its active box (the
/// receipt box), fast, then Enter.
fn scan_on_returns(d: &mut Driver, code: &str) {
    d.at += PERSON_GAP;
    for c in code.chars() {
        d.send(Message::Key(KeyPress::new(Pressed::Char(c), d.at)));
        d.at += SCANNER_GAP;
    }
    d.send(Message::Key(KeyPress::new(Pressed::Enter, d.at)));
}

#[test]
fn a_return_of_two_items_without_a_receipt_with_the_managers_pin() {
    let printer = CapturingPrinter::start();
    let (_dir, mut d) = at_returns_screen(&printer);

    // Two different items scanned: a plain EAN and a UDI with its lot.
    scan_on_returns(&mut d, CUFF);
    let udi = format!("01{}17280624{}", gtin14(STRIPS), "10L2606B08");
    scan_on_returns(&mut d, &udi);
    assert_eq!(d.banner(), "", "both scans were taken");
    // The cuff again: one more on its line, not a new line.
    scan_on_returns(&mut d, CUFF);
    let names: Vec<String> = list(&d).lines().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(list(&d).lines()[0].1, "2");
    assert!(
        d.shows(&d.app.i18n().f("sale.lot", &[("lot", &"L2606B08")])),
        "the UDI's lot is on the line"
    );

    // A code typed by hand in the list's box, then taken off again.
    d.send(Message::Return(returns::Message::NoReceiptList(
        no_receipt::Message::Code("110008".into()),
    )));
    d.key(Pressed::Enter);
    assert_eq!(list(&d).lines().len(), 3);
    d.send(Message::Return(returns::Message::NoReceiptList(
        no_receipt::Message::Remove(2),
    )));
    assert_eq!(list(&d).lines().len(), 2);
    // An unknown code is refused and the list stays.
    d.send(Message::Return(returns::Message::NoReceiptList(
        no_receipt::Message::Code("6900000000000".into()),
    )));
    d.key(Pressed::Enter);
    assert_eq!(d.app.banner().map(|b| b.level), Some(Level::Error));
    assert_eq!(list(&d).lines().len(), 2);

    // Three cuffs by typing the quantity, then back to two; the refund follows.
    let quantity = |q: &str| {
        Message::Return(returns::Message::NoReceiptList(
            no_receipt::Message::Quantity(0, q.into()),
        ))
    };
    d.send(quantity("3"));
    assert!(
        d.shows(
            &d.app
                .i18n()
                .f("no_receipt.refund", &[("amount", &"¥306.00")])
        )
    );
    d.send(quantity(""));
    assert!(
        list(&d).plan().is_none(),
        "no refund while a quantity is empty"
    );
    d.send(quantity("2"));
    let refund = d
        .app
        .i18n()
        .f("no_receipt.refund", &[("amount", &"¥257.00")]);
    assert!(d.shows(&refund), "2 × 49.00 + 159.00 on screen");

    // No reason: refused before any PIN is asked for.
    d.key(Pressed::F(12));
    assert!(d.app.approval().is_none());
    assert_eq!(d.banner(), d.t("error.reason_required"));

    d.send(Message::Return(returns::Message::Reason(
        "顾客无小票".into(),
    )));
    d.click(&d.t("return.no_receipt"));
    let prompt = d.app.approval().expect("the manager is asked");
    assert_eq!(prompt.action, ManagerAction::RefundWithoutReceipt);
    d.send(Message::Approval(approval::Message::Pin(
        MANAGER_PIN.into(),
    )));
    d.key(Pressed::Enter);
    assert!(d.app.approval().is_none());
    assert!(
        matches!(d.app.screen(), Screen::Sale(_)),
        "recorded: back at the sale"
    );

    let doc = d
        .till()
        .store()
        .recent_documents("return", 1)
        .unwrap()
        .remove(0);
    assert_eq!(doc.approvals.len(), 1);
    assert_eq!(doc.approvals[0].manager_id, "manager");
    let DocumentBody::Return(r) = &doc.body else {
        panic!("a return")
    };
    let lines: Vec<_> = r
        .lines
        .iter()
        .map(|l| (l.quantity, l.lot.as_deref(), l.refund))
        .collect();
    assert_eq!(
        lines,
        [
            (2, None, Decimal::new(9800, 2)),
            (1, Some("L2606B08"), Decimal::new(15900, 2)),
        ]
    );
    assert_eq!(
        (r.original_sale_id, r.total),
        (None, Decimal::new(25700, 2))
    );
    assert_eq!(r.tenders.len(), 1);
    assert_eq!(r.tenders[0].amount, Decimal::new(25700, 2));
    assert_eq!(r.reason, "顾客无小票");

    let job = printer.next_job();
    let (title, _, _) = encoding_rs::GB18030.encode("退货单");
    assert!(
        job.windows(title.len()).any(|w| w == &title[..]),
        "the return receipt printed"
    );
}
