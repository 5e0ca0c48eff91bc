//! A cashier's day through the real update and view: login, shift open, three scans
//! (an EAN, a UDI with lot and expiry, a UDI with a serial), a price override a manager
//! approves, a member, points, a split payment, the receipt on a capturing printer, a
//! return of one line from the receipt's QR code, the X report and a Z with a variance.

use crate::ui_support::*;
use pos_app::app::keys::Pressed;
use pos_app::app::screen::{
    close, count, login, member, payment, price_edit, returns, sale, shift_open,
};
use pos_app::app::{Level, Message, Screen};
use pos_core::document::{DocumentBody, TenderKind};
use rust_decimal::Decimal;

/// 500 yuan float: five 100-yuan notes.
fn open_shift_with_500(d: &mut Driver) {
    assert!(
        matches!(d.app.screen(), Screen::ShiftOpen(_)),
        "a new day starts with the float"
    );
    d.send(Message::ShiftOpen(shift_open::Message::Count(
        count::Message::Count(0, "5".into()),
    )));
    assert!(d.shows("¥500.00"), "the count adds up on screen");
    d.click(&d.t("shift.open"));
    assert!(matches!(d.app.screen(), Screen::Sale(_)));
}

fn log_in_as_cashier(d: &mut Driver) {
    assert!(matches!(d.app.screen(), Screen::Login(_)));
    d.click(&format!("收银员 · {}", d.t("role.cashier")));
    d.send(Message::Login(login::Message::Pin(CASHIER_PIN.into())));
    d.key(Pressed::Enter);
}

#[test]
fn a_day_at_the_counter() {
    let printer = CapturingPrinter::start();
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::new(demo_data_dir(dir.path(), Some(printer.uri.clone())));

    // A wrong PIN says so and keeps the login screen.
    d.send(Message::Login(login::Message::Pin("9999".into())));
    d.key(Pressed::Enter);
    assert!(d.banner().contains("密码错误"), "{}", d.banner());
    log_in_as_cashier(&mut d);
    open_shift_with_500(&mut d);

    // 1. A plain EAN-13: a blood-pressure cuff, 49.00.
    d.scan("6921345626875");
    // 2. A UDI with lot and expiry of test strips expiring in two days: added, with a warning.
    d.scan(&format!(
        "01{}17261124{}",
        gtin14("6921345628145"),
        "10L2411B12"
    ));
    let warning = d.app.banner().cloned().expect("a near-expiry warning");
    assert_eq!(warning.level, Level::Warning);
    assert!(
        warning.text.contains("L2411B12") && warning.text.contains("2"),
        "{}",
        warning.text
    );
    // 3. A UDI with a serial: a blood-pressure monitor, 159.00.
    d.scan(&format!("01{}21YW2602701823", gtin14("6921345624727")));
    let cart = &d.till().cart().lines;
    assert_eq!(cart.len(), 3, "three scans, three lines");
    assert_eq!(cart[1].lot.as_deref(), Some("L2411B12"));
    assert_eq!(cart[2].serial.as_deref(), Some("YW2602701823"));
    assert_eq!(
        d.app.sale().expect("the sale screen").last_scanned,
        Some(3),
        "the last scan is highlighted"
    );
    assert_eq!(
        d.app.sale().expect("the sale screen").entry,
        "",
        "the scanned keys left the entry box"
    );

    // An expired lot is refused with a clear message; the cart is unchanged.
    d.scan(&format!(
        "01{}17261121{}",
        gtin14("6923652013423"),
        "1024112207"
    ));
    assert!(d.banner().contains("已过期"), "{}", d.banner());
    assert_eq!(d.till().cart().lines.len(), 3);

    // The cuff's price overridden below the cashier's limit: the till asks for a manager.
    d.send(Message::Sale(sale::Message::Select(1)));
    d.key(Pressed::F(6));
    d.send(Message::Sale(sale::Message::Price(
        price_edit::Message::Value("39".into()),
    )));
    d.send(Message::Sale(sale::Message::Price(
        price_edit::Message::Reason("包装破损".into()),
    )));
    d.key(Pressed::Enter);
    assert!(
        d.app.approval().is_some(),
        "a PIN prompt appears where the till requires a manager"
    );
    assert!(d.shows(&d.t("approval.title")));
    d.send(Message::Approval(
        pos_app::app::screen::approval::Message::Pin(MANAGER_PIN.into()),
    ));
    d.key(Pressed::Enter);
    assert!(d.app.approval().is_none());
    let priced = d
        .app
        .sale()
        .expect("the sale screen")
        .priced
        .clone()
        .expect("priced cart");
    assert_eq!(
        priced.lines[0].unit_price,
        Decimal::new(3900, 2),
        "the override took effect once approved"
    );

    // Member by card number (丁欣怡, 2160 points), shown with a masked phone.
    d.key(Pressed::F(2));
    d.send(Message::Member(member::Message::Key("886000000002".into())));
    d.key(Pressed::Enter);
    assert!(matches!(d.app.screen(), Screen::Sale(_)));
    assert!(
        d.shows("886000000002  183****3838"),
        "card and masked phone on the sale screen"
    );
    let total = d
        .app
        .sale()
        .expect("the sale screen")
        .priced
        .as_ref()
        .unwrap()
        .total;
    assert!(d.shows(&format!("¥{total:.2}")), "the total is on screen");

    // Pay: 500 points (5.00), 100.00 by card with a reference, the rest in cash.
    d.key(Pressed::F(12));
    assert!(matches!(d.app.screen(), Screen::Payment(_)));
    d.key(Pressed::F(5));
    d.send(Message::Payment(payment::Message::Points("500".into())));
    d.key(Pressed::Enter);
    d.key(Pressed::F(2));
    d.send(Message::Payment(payment::Message::Amount("100".into())));
    d.send(Message::Payment(payment::Message::Reference(
        "C0001".into(),
    )));
    d.key(Pressed::Enter);
    d.key(Pressed::F(1));
    d.send(Message::Payment(payment::Message::Amount("300".into())));
    d.key(Pressed::Enter);

    assert!(
        matches!(d.app.screen(), Screen::Sale(_)),
        "covered: the sale completed"
    );
    assert!(d.till().cart().lines.is_empty());
    let sale_doc = d
        .till()
        .store()
        .recent_documents("sale", 1)
        .unwrap()
        .remove(0);
    let DocumentBody::Sale(sale_body) = &sale_doc.body else {
        panic!("a sale")
    };
    let kinds: Vec<TenderKind> = sale_body.tenders.iter().map(|t| t.kind).collect();
    assert_eq!(
        kinds,
        [TenderKind::Points, TenderKind::BankCard, TenderKind::Cash]
    );
    assert_eq!(sale_body.points_redeemed, 500);
    assert_eq!(
        sale_body.change,
        Decimal::from(405) - sale_body.total,
        "change = paid - total"
    );
    assert!(
        d.shows(&format!("¥{:.2}", sale_body.change)),
        "the change is on screen"
    );

    // The receipt went to the printer, with the drawer kick for the cash.
    let job = printer.next_job();
    assert!(
        job.windows(2).any(|w| w == [0x1b, b'p']),
        "drawer kick sent"
    );
    let id = sale_doc.id.to_string();
    assert!(
        job.windows(id.len()).any(|w| w == id.as_bytes()),
        "the QR code carries the sale id"
    );
    let (masked, _, _) = encoding_rs::GB18030.encode("手机号: 183****3838");
    assert!(
        job.windows(masked.len()).any(|w| w == &masked[..]),
        "the member's phone printed masked"
    );
    let (title, _, _) = encoding_rs::GB18030.encode("销售小票");
    assert!(
        job.windows(title.len()).any(|w| w == &title[..]),
        "Chinese title in GB18030"
    );
    assert!(d.app.wait_for_printer(std::time::Duration::from_secs(10)));
    assert_eq!(
        d.app.status().printer,
        pos_app::app::status_bar::PrinterState::Ready
    );

    // Return the cuff, scanning the receipt's QR code on the sale screen.
    d.scan(&id);
    assert!(
        matches!(d.app.screen(), Screen::Return(_)),
        "a receipt code opens the return"
    );
    d.send(Message::Return(returns::Message::Quantity(1, "1".into())));
    d.send(Message::Return(returns::Message::RefundTo(
        pos_core::returns::RefundTo::Cash,
    )));
    assert!(d.shows(&d.t("return.confirm")));
    d.key(Pressed::Enter);
    assert!(matches!(d.app.screen(), Screen::Sale(_)));
    let ret = d
        .till()
        .store()
        .recent_documents("return", 1)
        .unwrap()
        .remove(0);
    let DocumentBody::Return(ret_body) = &ret.body else {
        panic!("a return")
    };
    assert_eq!(ret_body.lines.len(), 1);
    assert_eq!(
        ret_body.lines[0].refund, sale_body.lines[0].net,
        "refunds exactly what the line was paid"
    );
    let return_job = printer.next_job();
    let (title, _, _) = encoding_rs::GB18030.encode("退货单");
    assert!(return_job.windows(title.len()).any(|w| w == &title[..]));

    // X report: expected cash = float + cash kept - cash refunded.
    d.key(Pressed::F(8));
    let Screen::XReport(x) = d.app.screen() else {
        panic!("X report shown")
    };
    let cash_kept = Decimal::from(300) - sale_body.change;
    // Refunded "in cash": the points part of the line goes back as points.
    let cash_refunded: Decimal = ret_body
        .tenders
        .iter()
        .filter(|t| t.kind == TenderKind::Cash)
        .map(|t| t.amount)
        .sum();
    assert!(cash_refunded > Decimal::ZERO && cash_refunded < ret_body.total);
    let expected = Decimal::from(500) + cash_kept - cash_refunded;
    assert_eq!(x.totals.expected_cash, expected);
    assert!(d.shows(&format!("¥{expected:.2}")));
    d.key(Pressed::Enter);
    let x_job = printer.next_job();
    let (x_title, _, _) = encoding_rs::GB18030.encode("X 报表");
    assert!(x_job.windows(x_title.len()).any(|w| w == &x_title[..]));
    d.key(Pressed::Escape);

    // Close: only the 100-yuan notes are counted, so the drawer comes up short.
    d.key(Pressed::F(9));
    let hundreds = (expected / Decimal::ONE_HUNDRED).floor();
    let counted_cash = hundreds * Decimal::ONE_HUNDRED;
    let variance = counted_cash - expected;
    assert!(variance < Decimal::ZERO);
    d.send(Message::Close(close::Message::Count(
        count::Message::Count(0, hundreds.to_string()),
    )));
    assert!(
        d.shows(&format!("¥{variance:.2}")),
        "the variance shows before confirming"
    );
    d.key(Pressed::Enter);
    assert!(
        d.app.approval().is_some(),
        "the daily close needs a manager"
    );
    d.send(Message::Approval(
        pos_app::app::screen::approval::Message::Pin(MANAGER_PIN.into()),
    ));
    d.key(Pressed::Enter);
    let Screen::Close(closed) = d.app.screen() else {
        panic!("still on the close screen")
    };
    let z = closed.z.as_ref().expect("Z taken");
    assert_eq!(z.z_no, 1);
    assert_eq!(z.variance, variance);
    assert_eq!(z.counted_cash, counted_cash);
    let z_doc = d.till().store().recent_documents("z_report", 1).unwrap();
    assert_eq!(z_doc.len(), 1, "the Z is stored");
    let _z_job = printer.next_job();
    d.key(Pressed::Enter);
    assert!(
        matches!(d.app.screen(), Screen::ShiftOpen(_)),
        "after the Z a new shift starts"
    );
}
