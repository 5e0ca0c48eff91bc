//! More of the counter through the real update and view: holding and resuming sales,
//! registering a member offline, paying the exact rest by wallet, points within the
//! rules, the drawer's paid-out that a manager approves.

use crate::ui_support::*;
use pos_app::app::keys::Pressed;
use pos_app::app::screen::{approval, drawer, login, member, payment, returns};
use pos_app::app::{Message, Screen};
use pos_core::document::{DocumentBody, TenderKind};
use rust_decimal::Decimal;

#[test]
fn hold_two_sales_and_resume_one() {
    let (_dir, mut d) = at_sale_screen(2);
    d.scan("6921345626875");
    d.key(Pressed::F(3));
    assert!(
        d.till().cart().lines.is_empty(),
        "held: the counter is free"
    );
    d.scan(&format!("01{}21YW2602701823", gtin14("6921345624727")));
    d.key(Pressed::F(3));
    d.key(Pressed::F(5));
    assert!(matches!(d.app.screen(), Screen::Held(_)));
    assert!(
        d.shows("鱼跃血压计袖带 22-32cm ×1"),
        "held sales are listed"
    );
    let held = d.till().held_sales().unwrap();
    let cuff = held
        .iter()
        .position(|h| h.label.starts_with("鱼跃血压计袖带"))
        .expect("the cuff sale is held");
    d.key(Pressed::Char(char::from(b'1' + cuff as u8)));
    assert!(matches!(d.app.screen(), Screen::Sale(_)));
    let lines = &d.till().cart().lines;
    assert_eq!(lines.len(), 1);
    assert_eq!(
        lines[0].product.sku, "100024",
        "the first held sale came back"
    );
    assert_eq!(
        d.till().held_sales().unwrap().len(),
        1,
        "the other one still waits"
    );
}

#[test]
fn register_a_member_offline_and_see_the_balance_marked() {
    let (_dir, mut d) = at_sale_screen(2);
    d.scan("6921345626875");
    d.key(Pressed::F(2));
    d.send(Message::Member(member::Message::Phone(
        "13912345678".into(),
    )));
    d.send(Message::Member(member::Message::Name("王芳".into())));
    d.click(&d.t("member.register"));
    let attached = d
        .till()
        .member()
        .expect("the new member is attached")
        .clone();
    assert!(
        attached.card_no.starts_with("LS001-T01-"),
        "a till-issued card: {}",
        attached.card_no
    );
    assert!(!d.till().is_online());
    d.key(Pressed::Escape);
    assert!(
        d.shows(&format!("{}  139****5678", attached.card_no)),
        "masked phone"
    );
    let offline = d.app.i18n().f("member.points_offline", &[("points", &0)]);
    assert!(
        d.shows(&offline),
        "the balance is marked as this till's, offline"
    );
    let registrations = d
        .till()
        .store()
        .recent_documents("member_registration", 5)
        .unwrap();
    assert_eq!(
        registrations.len(),
        1,
        "recorded as a document for head office"
    );
}

#[test]
fn enter_on_an_empty_amount_pays_exactly_the_rest_by_wallet() {
    let (_dir, mut d) = at_sale_screen(2);
    d.scan("6921345626875");
    d.key(Pressed::F(12));
    d.key(Pressed::F(3));
    d.send(Message::Payment(payment::Message::Reference("WX42".into())));
    d.key(Pressed::Enter);
    let sale = d
        .till()
        .store()
        .recent_documents("sale", 1)
        .unwrap()
        .remove(0);
    let DocumentBody::Sale(sale) = sale.body else {
        panic!("a sale")
    };
    assert_eq!(sale.tenders.len(), 1);
    assert_eq!(sale.tenders[0].kind, TenderKind::WechatPay);
    assert_eq!(sale.tenders[0].amount, sale.total);
    assert_eq!(sale.tenders[0].reference.as_deref(), Some("WX42"));
    assert_eq!(sale.change, Decimal::ZERO);
}

#[test]
fn points_beyond_the_cap_are_refused_with_the_reason() {
    let (_dir, mut d) = at_sale_screen(2);
    d.scan("6921345626875");
    d.key(Pressed::F(2));
    d.send(Message::Member(member::Message::Key("886000000017".into())));
    d.key(Pressed::Enter);
    d.key(Pressed::F(12));
    d.key(Pressed::F(5));
    // 3,000 points are worth 30.00; points may pay at most half of the 49.00.
    d.send(Message::Payment(payment::Message::Points("3000".into())));
    d.key(Pressed::Enter);
    d.key(Pressed::F(1));
    d.send(Message::Payment(payment::Message::Amount("100".into())));
    d.key(Pressed::Enter);
    assert!(
        d.banner().contains("最多可用"),
        "the till says why: {}",
        d.banner()
    );
    assert!(
        d.till()
            .store()
            .recent_documents("sale", 1)
            .unwrap()
            .is_empty(),
        "nothing was sold"
    );
}

#[test]
fn a_large_redemption_asks_the_manager_then_completes() {
    let (_dir, mut d) = at_sale_screen(2);
    d.scan("6921345626875");
    d.key(Pressed::F(2));
    d.send(Message::Member(member::Message::Key("886000000002".into())));
    d.key(Pressed::Enter);
    d.key(Pressed::F(12));
    d.key(Pressed::F(5));
    // 2,160 points (21.60) are within the cap but above the 2,000-point approval line.
    d.send(Message::Payment(payment::Message::Points("2160".into())));
    d.key(Pressed::Enter);
    d.key(Pressed::F(1));
    d.key(Pressed::Enter);
    assert!(d.app.approval().is_some(), "{}", d.banner());
    d.send(Message::Approval(approval::Message::Pin(
        MANAGER_PIN.into(),
    )));
    d.key(Pressed::Enter);
    let doc = d
        .till()
        .store()
        .recent_documents("sale", 1)
        .unwrap()
        .remove(0);
    assert_eq!(doc.approvals[0].action, "points_redemption");
    let DocumentBody::Sale(sale) = doc.body else {
        panic!("a sale")
    };
    assert_eq!(sale.points_redeemed, 2160);
}

#[test]
fn paid_out_needs_a_manager_and_opens_the_drawer() {
    let printer = CapturingPrinter::start();
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::new(demo_data_dir(dir.path(), Some(printer.uri.clone())));
    d.send(Message::Login(login::Message::Operator("cashier".into())));
    d.send(Message::Login(login::Message::Pin(CASHIER_PIN.into())));
    d.key(Pressed::Enter);
    d.key(Pressed::Enter);
    d.key(Pressed::F(7));
    d.send(Message::Drawer(drawer::Message::Amount("20".into())));
    d.send(Message::Drawer(drawer::Message::Reason("快递费".into())));
    d.key(Pressed::F(2));
    assert!(
        d.app.approval().is_some(),
        "a cashier's paid-out asks for the manager"
    );
    d.send(Message::Approval(approval::Message::Pin(
        MANAGER_PIN.into(),
    )));
    d.key(Pressed::Enter);
    let out = d.till().store().recent_documents("paid_out", 1).unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(
        out[0].approvals[0].manager_id, "manager",
        "the approval is on the document"
    );
    let job = printer.next_job();
    assert_eq!(
        job,
        printer::kick_drawer_bytes(printer::DrawerPin::Pin2, 100, 100),
        "the drawer opens"
    );
}

#[test]
fn ctrl_keys_clear_the_sale_guard_settings_and_log_out() {
    let (_dir, mut d) = at_sale_screen(1);
    d.scan("6921345626875");
    assert_eq!(d.till().cart().lines.len(), 1);
    d.key(Pressed::Ctrl('n'));
    assert!(d.till().cart().lines.is_empty(), "Ctrl+N clears the sale");
    d.key(Pressed::Ctrl('s'));
    assert_eq!(d.banner(), d.t("settings.manager_only"));
    assert!(matches!(d.app.screen(), Screen::Sale(_)));
    d.key(Pressed::Ctrl('l'));
    assert!(
        matches!(d.app.screen(), Screen::Login(_)),
        "Ctrl+L logs out"
    );
}

#[test]
fn the_login_screen_picks_the_operator_with_arrow_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::new(demo_data_dir(dir.path(), None));
    // The cashier is preselected; one arrow (either way, it wraps) picks the manager.
    d.key(Pressed::Up);
    d.send(Message::Login(login::Message::Pin(MANAGER_PIN.into())));
    d.key(Pressed::Enter);
    let operator = d.till().operator().expect("logged in");
    assert_eq!(operator.role, pos_core::operator::Role::Manager);
}

#[test]
fn a_whole_sale_comes_back_by_keys_alone() {
    let (_dir, mut d) = at_sale_screen(1);
    d.scan("6921345626875");
    d.key(Pressed::F(12));
    d.key(Pressed::F(3));
    d.send(Message::Payment(payment::Message::Reference("WX7".into())));
    d.key(Pressed::Enter);
    let sold = d
        .till()
        .store()
        .recent_documents("sale", 1)
        .unwrap()
        .remove(0);
    d.key(Pressed::F(4));
    d.send(Message::Return(returns::Message::Key(
        sold.sequence.to_string(),
    )));
    d.key(Pressed::Enter);
    d.key(Pressed::F(1));
    d.key(Pressed::F(6));
    d.send(Message::Return(returns::Message::Reason("不合适".into())));
    d.key(Pressed::Enter);
    let back = d.till().store().recent_documents("return", 1).unwrap();
    let DocumentBody::Return(ret) = &back[0].body else {
        panic!("a return")
    };
    let DocumentBody::Sale(sale) = &sold.body else {
        panic!("a sale")
    };
    assert_eq!(ret.lines.len(), sale.lines.len(), "F1 took every line");
    assert_eq!(ret.total, sale.total);
    assert!(
        ret.tenders.iter().all(|t| t.kind == TenderKind::Cash),
        "F6 refunds in cash: {:?}",
        ret.tenders
    );
}
