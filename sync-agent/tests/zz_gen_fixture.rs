use chrono::{TimeZone, Utc};
use pos_core::document::{DenominationCount, Tender, TenderKind};
use pos_core::operator::Role;
use pos_core::store::TillIdentity;
use pos_core::till::{ItemInput, NewOperator, Till};
use rust_decimal::Decimal;
#[test]
fn gen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.sqlite");
    let identity = TillIdentity { store_id: "S1".into(), terminal_id: "T1".into() };
    let manager = NewOperator { id: "manager", name: "店长", role: Role::Manager, pin: "2468", salt: [3; 16] };
    let mut till = Till::init(&path, identity, manager, Default::default()).unwrap();
    let catalog = pos_core::import::parse_catalog_csv(pos_core::demo::demo_catalog_csv().as_bytes()).unwrap();
    till.store_mut().import_catalog(&catalog).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 2, 0, 0).unwrap();
    till.login("manager", "2468", now).unwrap();
    till.open_shift(vec![DenominationCount { denomination: Decimal::ONE_HUNDRED, count: 2 }], now).unwrap();
    let lot = catalog.products.iter().find(|p| p.tracking == pos_core::catalog::Tracking::Lot).unwrap();
    let plain = catalog.products.iter().find(|p| p.tracking == pos_core::catalog::Tracking::None).unwrap();
    till.scan(&ItemInput::code(plain.sku.clone()), now).unwrap();
    let _ = till.scan(&ItemInput { quantity: 2, ..ItemInput::code(lot.sku.clone()) }, now);
    till.attach_member(&catalog.members[0].card_no).unwrap();
    let total = till.priced(now).unwrap().total;
    let doc = till.pay(&[Tender { kind: TenderKind::Cash, amount: total, reference: None, points: 0 }], None, now).unwrap();
    let json = serde_json::to_string_pretty(&doc).unwrap();
    std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sale_v1.json"), json + "\n").unwrap();
}
