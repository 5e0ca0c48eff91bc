//! Points about to lapse are shown where the cashier and the customer see them: on the
//! sale screen once the member is attached, and on the receipt.

use chrono::NaiveDate;
use pos_app::app::keys::Pressed;
use pos_app::app::screen::{member, payment};
use pos_app::app::{Message, Screen};
use pos_core::points_expiry::ExpiringPoints;
use pos_core::store::Store;

use crate::ui_support::*;

#[test]
fn the_sale_screen_and_the_receipt_show_the_points_about_to_lapse() {
    let printer = CapturingPrinter::start();
    let dir = tempfile::tempdir().unwrap();
    let data = demo_data_dir(dir.path(), Some(printer.uri.clone()));
    {
        // Head office sent that 800 of 丁欣怡's points lapse after 2026-12-31.
        let mut store = Store::open_existing(&data.till_path()).unwrap();
        let id = store.find_member("886000000002").unwrap().unwrap().id;
        let page = store.begin_feed_page().unwrap();
        let lapse = ExpiringPoints {
            last_day: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            points: 800,
        };
        page.set_points_expiring(&id, &[lapse]).unwrap();
        page.commit(1).unwrap();
    }
    let mut d = Driver::new(data);
    d.log_in_and_open_shift(5);
    d.key(Pressed::F(2));
    d.send(Message::Member(member::Message::Key("886000000002".into())));
    d.key(Pressed::Enter);
    assert!(matches!(d.app.screen(), Screen::Sale(_)));
    assert!(
        d.shows("其中 800 积分将于 2026-12-31 到期"),
        "on the sale screen"
    );

    d.scan("6921345626875");
    d.key(Pressed::F(12));
    d.key(Pressed::F(1));
    d.send(Message::Payment(payment::Message::Amount("100".into())));
    d.key(Pressed::Enter);
    assert!(matches!(d.app.screen(), Screen::Sale(_)), "paid");
    let job = printer.next_job();
    let (line, _, _) = encoding_rs::GB18030.encode("其中 2026-12-31 到期");
    assert!(
        job.windows(line.len()).any(|w| w == &line[..]),
        "on the receipt"
    );
}
