//! The chain's own tier names (set on head office's `/loyalty` page, pulled with the
//! loyalty rules) are what the till shows beside an attached member and prints on the
//! receipt; without them the till keeps its built-in names.

use crate::ui_support::*;
use pos_app::app::keys::Pressed;
use pos_app::app::screen::{member, payment};
use pos_app::app::{Message, Screen};
use pos_core::member::{Tier, TierLabel};
use pos_core::store::Store;

/// Sells the demo cuff to member 886000000002 for cash; the printed job.
fn sell_to_member(d: &mut Driver, printer: &CapturingPrinter) -> Vec<u8> {
    d.log_in_and_open_shift(5);
    d.scan("6921345626875");
    d.key(Pressed::F(2));
    d.send(Message::Member(member::Message::Key("886000000002".into())));
    d.key(Pressed::Enter);
    assert!(matches!(d.app.screen(), Screen::Sale(_)));
    d.key(Pressed::F(12));
    d.send(Message::Payment(payment::Message::Amount("1000".into())));
    d.key(Pressed::Enter);
    assert!(matches!(d.app.screen(), Screen::Sale(_)), "{}", d.banner());
    printer.next_job()
}

fn printed(job: &[u8], text: &str) -> bool {
    let (bytes, _, _) = encoding_rs::GB18030.encode(text);
    job.windows(bytes.len()).any(|w| w == &bytes[..])
}

#[test]
fn the_chains_tier_name_is_on_the_sale_screen_and_the_receipt() {
    let printer = CapturingPrinter::start();
    let dir = tempfile::tempdir().unwrap();
    let data = demo_data_dir(dir.path(), Some(printer.uri.clone()));
    // What a pull of head office's rules with the chain's names writes.
    {
        let store = Store::open(&data.till_path()).unwrap();
        let mut rules = store.loyalty_rules().unwrap();
        let names = [
            ("尊享会员", "Classic"),
            ("银卡会员", "Silver"),
            ("金卡会员", "Golden"),
            ("黑卡会员", "Black"),
        ];
        rules.tiers.labels = Tier::ALL
            .into_iter()
            .zip(names)
            .map(|(tier, (zh_cn, en))| TierLabel {
                tier,
                zh_cn: zh_cn.into(),
                en: en.into(),
            })
            .collect();
        store.set_loyalty_rules(&rules).unwrap();
    }
    let mut d = Driver::new(data);
    let job = sell_to_member(&mut d, &printer);
    let sale = d
        .till()
        .store()
        .recent_documents("sale", 1)
        .unwrap()
        .remove(0);
    let pos_core::document::DocumentBody::Sale(sale) = &sale.body else {
        panic!("a sale")
    };
    let tier = sale.member.as_ref().expect("the member's sale").tier;
    let chain = ["尊享会员", "银卡会员", "金卡会员", "黑卡会员"][tier as usize];
    assert!(
        printed(&job, &format!("会员等级: {chain}")),
        "the chain's name of {tier:?} on the receipt"
    );
    let builtin = d.t(&format!("tier.{}", tier.code()));
    assert!(
        !printed(&job, &format!("会员等级: {builtin}")),
        "not the built-in {builtin}"
    );

    // The screen, with the next member attached.
    d.key(Pressed::F(2));
    d.send(Message::Member(member::Message::Key("886000000002".into())));
    d.key(Pressed::Enter);
    assert!(
        d.shows(chain),
        "{chain} beside the member on the sale screen"
    );
}

#[test]
fn without_the_chains_names_the_built_in_one_is_printed() {
    let printer = CapturingPrinter::start();
    let dir = tempfile::tempdir().unwrap();
    let mut d = Driver::new(demo_data_dir(dir.path(), Some(printer.uri.clone())));
    let job = sell_to_member(&mut d, &printer);
    let sale = d
        .till()
        .store()
        .recent_documents("sale", 1)
        .unwrap()
        .remove(0);
    let pos_core::document::DocumentBody::Sale(sale) = &sale.body else {
        panic!("a sale")
    };
    let tier = sale.member.as_ref().expect("the member's sale").tier;
    let builtin = d.t(&format!("tier.{}", tier.code()));
    assert!(printed(&job, &format!("会员等级: {builtin}")), "{builtin}");
}
