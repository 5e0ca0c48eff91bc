//! The printer as the till sees it: X and Z reports printed on a real TCP listener and
//! read back from the bytes (GB18030), reprint of a failed report, and the status bar
//! following a printer that answers `DLE EOT` like a real one: paper out, back to
//! ready, gone; while the sale goes on.

use std::time::{Duration, Instant};

use crate::ui_support::fake_printer::*;
use crate::ui_support::*;
use pos_app::app::keys::Pressed;
use pos_app::app::printing::{Outcome, PrinterWorker, Printout};
use pos_app::app::screen::{approval, close, count, payment};
use pos_app::app::status_bar::PrinterState;
use pos_app::app::{Message, Screen};
use pos_core::data_dir::PrinterConfig;
use printer::{Report, display_width};

const WAIT: Duration = Duration::from_secs(10);
/// The demo cuff the tests sell.
const CUFF: &str = "6921345626875";

/// The line that starts with `label`; its value is what ends it.
fn row<'a>(lines: &'a [String], label: &str) -> &'a str {
    lines
        .iter()
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("no row {label:?} in {lines:#?}"))
}

fn assert_a_report(lines: &[String], title: &str) {
    assert!(lines.iter().any(|l| l == title), "{title} in {lines:#?}");
    for line in lines {
        assert!(!line.trim().is_empty(), "an empty line in {lines:#?}");
        assert!(display_width(line) <= 48, "{line:?} wider than 80 mm paper");
    }
    for receipt_only in ["商品合计", "应付金额", "找零", "单号"] {
        assert!(
            !lines.iter().any(|l| l.contains(receipt_only)),
            "{receipt_only} is a receipt line, not a report's: {lines:#?}"
        );
    }
}

fn sell_cuff_for_cash(d: &mut Driver) {
    d.scan(CUFF);
    d.key(Pressed::F(12));
    d.send(Message::Payment(payment::Message::Amount("1000".into())));
    d.key(Pressed::Enter);
    assert!(
        matches!(d.app.screen(), Screen::Sale(_)),
        "{:?}",
        d.app.banner()
    );
}

fn money(amount: rust_decimal::Decimal) -> String {
    printer::format_money(amount)
}

#[test]
fn x_and_z_reports_print_their_rows_in_gb18030() {
    let printer = FakePrinter::start(READY);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut d = Driver::new(demo_data_dir(dir.path(), Some(printer.uri())));
    d.log_in_and_open_shift(1);
    sell_cuff_for_cash(&mut d);
    let sale_job = printer.next_job();
    let (title, _, _) = encoding_rs::GB18030.encode("销售小票");
    assert!(sale_job.windows(title.len()).any(|w| w == &title[..]));

    d.key(Pressed::F(8));
    let Screen::XReport(x) = d.app.screen() else {
        panic!("X report shown")
    };
    let totals = x.totals.clone();
    assert!(d.shows("应有现金"), "the screen lists the same rows");
    d.key(Pressed::Enter);
    let x_lines = printed_lines(&printer.next_job());
    assert_a_report(&x_lines, "X 报表（交班）");
    assert!(row(&x_lines, "销售笔数").ends_with(" 1"));
    let expected = money(totals.expected_cash);
    assert!(row(&x_lines, "应有现金").ends_with(&format!(" {expected}")));
    assert!(
        row(&x_lines, "现金（1 笔）").ends_with(&format!(" {}", money(totals.tenders[0].amount)))
    );
    assert!(row(&x_lines, "收银机").ends_with("T01"));
    assert!(
        !x_lines.iter().any(|l| l.starts_with("日结号")),
        "an X has no Z number"
    );
    assert!(d.app.wait_for_printer(WAIT));
    d.key(Pressed::Escape);

    d.key(Pressed::F(9));
    d.send(Message::Close(close::Message::Count(
        count::Message::Count(0, "2".into()),
    )));
    d.key(Pressed::Enter);
    d.send(Message::Approval(approval::Message::Pin(
        MANAGER_PIN.into(),
    )));
    d.key(Pressed::Enter);
    let Screen::Close(closed) = d.app.screen() else {
        panic!("still on the close screen")
    };
    let z = closed.z.clone().expect("Z taken");
    let z_lines = printed_lines(&printer.next_job());
    assert_a_report(&z_lines, "Z 报表（日结）");
    assert!(row(&z_lines, "日结号").ends_with(": 1"));
    assert!(row(&z_lines, "营业日").ends_with("2026-11-22"));
    assert!(row(&z_lines, "应有现金").ends_with(&format!(" {expected}")));
    assert!(row(&z_lines, "实点现金").ends_with(" 200.00"));
    assert!(row(&z_lines, "差额").ends_with(&format!(" {}", money(z.variance))));
    assert!(row(&z_lines, "100 元 × 2").ends_with(" 200.00"));
    assert!(z_lines.iter().any(|l| l.starts_with("店长签字")));
    assert!(d.app.wait_for_printer(WAIT));
    assert!(
        d.app
            .banner()
            .is_none_or(|b| b.level != pos_app::app::Level::Error)
    );
}

#[test]
fn a_report_that_failed_to_print_is_reprinted_marked() {
    let printer = FakePrinter::start(READY);
    let addr = printer.addr;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut d = Driver::new(demo_data_dir(dir.path(), Some(printer.uri())));
    d.log_in_and_open_shift(1);
    printer.close();
    d.key(Pressed::F(8));
    d.key(Pressed::Enter);
    assert!(d.app.wait_for_printer(WAIT));
    assert!(
        matches!(d.app.unprinted(), Some(Printout::Report(Report { .. }))),
        "the report waits for a reprint"
    );
    assert!(d.shows(&d.t("print.reprint")));

    let back = FakePrinter::start_at(addr, READY);
    d.click(&d.t("print.reprint"));
    let lines = printed_lines(&back.next_job());
    assert_a_report(&lines, "X 报表（交班）");
    assert!(lines.iter().any(|l| l.contains("重打印 / REPRINT")));
    assert!(d.app.wait_for_printer(WAIT));
    assert!(d.app.unprinted().is_none());
}

#[test]
fn the_status_bar_follows_the_printer_while_the_sale_goes_on() {
    let printer = FakePrinter::start(PAPER_OUT);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut d = Driver::new(demo_data_dir(dir.path(), Some(printer.uri())));
    assert_eq!(d.app.status().printer, PrinterState::Checking);
    assert!(d.app.wait_for_printer_status(WAIT), "polled at start");
    assert_eq!(d.app.status().printer, PrinterState::PaperOut);
    assert!(d.shows(&d.t("printer_state.paper_out")));

    d.log_in_and_open_shift(1);
    d.scan(CUFF);
    assert_eq!(d.till().cart().lines.len(), 1, "selling with no paper");

    printer.answer(READY);
    d.app.check_printer();
    assert!(d.app.wait_for_printer_status(WAIT));
    assert_eq!(d.app.status().printer, PrinterState::Ready);
    assert!(d.shows(&d.t("status.printer_ready")));

    printer.close();
    d.app.check_printer();
    assert!(d.app.wait_for_printer_status(WAIT));
    assert_eq!(d.app.status().printer, PrinterState::Offline);
    assert!(d.shows(&d.t("printer_state.offline")));
    d.scan(CUFF);
    assert_eq!(d.till().cart().lines[0].quantity, 2, "still selling");
    let total = d
        .app
        .sale()
        .expect("the sale screen")
        .priced
        .as_ref()
        .expect("priced")
        .total;
    d.key(Pressed::F(12));
    d.send(Message::Payment(payment::Message::Amount(
        total.to_string(),
    )));
    d.key(Pressed::Enter);
    assert_eq!(
        d.till()
            .store()
            .recent_documents("sale", 5)
            .expect("sales")
            .len(),
        1,
        "the sale is committed without a printer"
    );
    assert!(d.app.wait_for_printer(WAIT));
    assert!(matches!(d.app.unprinted(), Some(Printout::Receipt(_))));
}

#[test]
fn cover_open_and_paper_low_show_as_such() {
    let printer = FakePrinter::start(COVER_OPEN);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut d = Driver::new(demo_data_dir(dir.path(), Some(printer.uri())));
    assert!(d.app.wait_for_printer_status(WAIT));
    assert_eq!(d.app.status().printer, PrinterState::CoverOpen);
    assert!(d.shows(&d.t("printer_state.cover_open")));
    printer.answer(PAPER_LOW);
    d.app.check_printer();
    assert!(d.app.wait_for_printer_status(WAIT));
    assert_eq!(d.app.status().printer, PrinterState::PaperLow);
    assert!(d.shows(&d.t("printer_state.paper_low")));
}

#[test]
fn a_printer_that_never_answers_status_is_no_status_not_offline() {
    let printer = CapturingPrinter::start();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut d = Driver::new(demo_data_dir(dir.path(), Some(printer.uri.clone())));
    assert!(d.app.wait_for_printer_status(WAIT));
    assert_eq!(d.app.status().printer, PrinterState::NoStatus);
    assert!(d.shows(&d.t("printer_state.no_status")));
}

#[test]
fn a_file_printer_is_ready_without_a_status_query() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("receipts.bin");
    std::fs::write(&file, b"").expect("create the printer file");
    let uri = format!("file://{}", file.display());
    let mut d = Driver::new(demo_data_dir(dir.path(), Some(uri)));
    assert!(d.app.wait_for_printer_status(WAIT));
    assert_eq!(d.app.status().printer, PrinterState::Ready);
    assert!(
        std::fs::read(&file).expect("read back").is_empty(),
        "no DLE EOT written into the file"
    );
}

#[test]
fn the_idle_printer_thread_polls_again_and_again_and_still_prints() {
    let printer = FakePrinter::start(READY);
    let config = PrinterConfig {
        uri: printer.uri(),
        width_mm: 58,
    };
    let mut worker =
        PrinterWorker::spawn(&config, Duration::from_millis(30)).expect("printer thread");
    let mut polls = 0;
    let mut printed = false;
    let deadline = Instant::now() + WAIT;
    while polls < 6 || !printed {
        assert!(
            Instant::now() < deadline,
            "{polls} polls, printed: {printed}"
        );
        match worker.wait(WAIT) {
            Some(Outcome::Checked(status)) => {
                assert!(status.expect("the fake answers").online);
                polls += 1;
                if polls == 3 {
                    worker.submit(None, true, None);
                }
            }
            Some(Outcome::Printed(finished)) => {
                assert!(finished.result.is_ok(), "{:?}", finished.result);
                printed = true;
            }
            None => panic!("the thread went quiet"),
        }
    }
    assert_eq!(
        printer.next_job(),
        [0x1B, b'p', 0, 50, 50],
        "the drawer kick"
    );
}

#[test]
fn a_receipt_that_never_printed_is_offered_for_reprint_after_a_restart() {
    let printer = FakePrinter::start(READY);
    let addr = printer.addr;
    let dir = tempfile::tempdir().expect("temp dir");
    let data = demo_data_dir(dir.path(), Some(printer.uri()));
    let sequence = {
        let mut d = Driver::new(data.clone());
        d.log_in_and_open_shift(1);
        printer.close();
        sell_a_cuff_in_cash(&mut d);
        let sale = d.till().store().recent_documents("sale", 1).expect("sales");
        assert_eq!(sale.len(), 1, "the sale is committed");
        // The till stops here, as in a power cut: nothing of the window's memory is left.
        sale[0].sequence
    };

    let mut d = Driver::new(data.clone());
    let waiting = d.till().unprinted_receipts().expect("the print queue");
    assert_eq!(
        waiting
            .iter()
            .map(|w| w.document.sequence)
            .collect::<Vec<_>>(),
        [sequence]
    );
    assert_eq!(d.app.unprinted_count(), 1);
    let offer = d.app.i18n().f("print.unprinted_waiting", &[("count", &1)]);
    assert!(
        d.shows(&offer),
        "the banner offers the reprint: {}",
        d.banner()
    );

    let back = FakePrinter::start_at(addr, READY);
    d.click(&d.t("print.reprint"));
    let lines = printed_lines(&back.next_job());
    assert!(
        lines.iter().any(|l| l.contains("重打印 / REPRINT")),
        "{lines:?}"
    );
    assert!(d.app.wait_for_printer(WAIT));
    assert_eq!(d.app.unprinted_count(), 0);
    assert!(
        d.till().unprinted_receipts().expect("the queue").is_empty(),
        "printed: it leaves the queue in the till file"
    );
    drop(d);
    let again = Driver::new(data);
    assert_eq!(again.app.unprinted_count(), 0, "nothing offered twice");
}

#[test]
fn a_printed_receipt_leaves_the_queue_and_a_failed_one_keeps_its_reason() {
    let printer = FakePrinter::start(READY);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut d = Driver::new(demo_data_dir(dir.path(), Some(printer.uri())));
    d.log_in_and_open_shift(1);
    let pay_a_cuff = |d: &mut Driver| {
        sell_a_cuff_in_cash(d);
        assert!(d.app.wait_for_printer(WAIT));
    };
    pay_a_cuff(&mut d);
    printer.next_job();
    assert!(d.till().unprinted_receipts().expect("queue").is_empty());

    printer.close();
    pay_a_cuff(&mut d);
    let waiting = d.till().unprinted_receipts().expect("queue");
    assert_eq!(waiting.len(), 1);
    assert!(
        !waiting[0].error.is_empty(),
        "the printer's failure is kept"
    );
}

/// Scans the cuff and pays exactly its price in cash.
fn sell_a_cuff_in_cash(d: &mut Driver) {
    d.scan(CUFF);
    let total = d
        .app
        .sale()
        .expect("the sale screen")
        .priced
        .as_ref()
        .expect("priced")
        .total;
    d.key(Pressed::F(12));
    d.send(Message::Payment(payment::Message::Amount(
        total.to_string(),
    )));
    d.key(Pressed::Enter);
}

#[test]
fn only_a_manager_may_choose_not_to_reprint_what_waits() {
    let printer = FakePrinter::start(READY);
    let dir = tempfile::tempdir().expect("temp dir");
    let data = demo_data_dir(dir.path(), Some(printer.uri()));
    {
        let mut d = Driver::new(data.clone());
        d.log_in_and_open_shift(1);
        printer.close();
        sell_a_cuff_in_cash(&mut d);
    }

    let mut cashier = Driver::new(data.clone());
    cashier.log_in_and_open_shift(1);
    assert_eq!(cashier.app.unprinted_count(), 1);
    assert!(
        !cashier.shows(&cashier.t("print.forget")),
        "not for a cashier"
    );
    cashier.send(Message::ForgetUnprinted);
    assert_eq!(cashier.till().unprinted_receipts().expect("queue").len(), 1);
    drop(cashier);

    let mut manager = Driver::new(data);
    use pos_app::app::screen::login;
    manager.send(Message::Login(login::Message::Operator("manager".into())));
    manager.send(Message::Login(login::Message::Pin(MANAGER_PIN.into())));
    manager.key(Pressed::Enter);
    manager.click(&manager.t("print.forget"));
    assert_eq!(manager.app.unprinted_count(), 0);
    assert!(
        manager
            .till()
            .unprinted_receipts()
            .expect("queue")
            .is_empty(),
        "the file's queue is empty too"
    );
}
