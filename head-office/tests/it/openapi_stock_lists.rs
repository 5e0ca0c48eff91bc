//! Real answers of the staff's stock lists (device sales, near-expiry, low stock, lot
//! and serial trace, transfers) for `openapi::real_answers_match_the_documented_schemas`:
//! every documented status of each, with rows in the 200s so their items are checked.

use chrono::{TimeDelta, Utc};
use pos_domain::catalog::{DeviceClass, Lot, Tracking};
use pos_domain::document::DocumentBody;
use pos_domain::import::{CatalogImport, StockRecord};
use serde_json::Value;

use crate::common::*;

/// A class II product A with lot L1 expiring in 10 days, 3 of it at S5 (below a safety
/// stock of 10), and a sale of it at S1 (sequence 7) to member m-1.
async fn stocked(ho: &HeadOffice, till: &str) {
    let mut a = crate::feed::product("A", "2.00", Tracking::Lot);
    a.device_class = Some(DeviceClass::II);
    a.safety_stock = 10;
    a.manufacturer = Some("鱼跃医疗".into());
    let catalog = CatalogImport {
        products: vec![a],
        lots: vec![Lot {
            sku: "A".into(),
            lot_no: "L1".into(),
            expiry_date: head_office::chain_time::today(Utc::now()) + TimeDelta::days(10),
        }],
        stock: vec![StockRecord {
            sku: "A".into(),
            lot_no: Some("L1".into()),
            quantity: 3,
        }],
        ..Default::default()
    };
    head_office::catalog::import_catalog(&mut *ho.client().await, &catalog, Some("S5"))
        .await
        .unwrap();
    let lot = Item {
        lot: Some("L1"),
        ..item("A", 1, "2.00")
    };
    let sold = document(
        STORE,
        TERMINAL,
        7,
        DocumentBody::Sale(sale(&[lot], Some("m-1"), 0, 0)),
    );
    all_accepted(&ho.submit(till, &batch(STORE, TERMINAL, vec![sold])).await);
}

/// (method, route, status, body) of each request; `staff` is an admin's token,
/// `manager` a store manager's of S1, `till` S1's till's.
pub async fn answers(
    ho: &HeadOffice,
    staff: &str,
    manager: &str,
    till: &str,
) -> Vec<(&'static str, &'static str, u16, Value)> {
    stocked(ho, till).await;
    let asks: [(&'static str, [&str; 4]); 6] = [
        (
            "/v1/stock/device-sales",
            ["", "?from=yesterday", "?store=S9", ""],
        ),
        (
            "/v1/stock/near-expiry",
            ["?days=30", "?days=-1", "?store=S9", ""],
        ),
        ("/v1/stock/low", ["", "?sku=A", "?store=S9", ""]),
        (
            "/v1/trace/lot",
            [
                "?sku=A&lot=L1",
                "?sku=A",
                "?sku=A&lot=L1&store=S9",
                "?sku=A&lot=L1",
            ],
        ),
        (
            "/v1/trace/serial",
            [
                "?serial=SN1",
                "?sku=A",
                "?serial=SN1&store=S9",
                "?serial=SN1",
            ],
        ),
        ("/v1/transfers", ["", "?state=lost", "?store=S9", ""]),
    ];
    let mut answers = Vec::new();
    for (route, [ok, bad, other_store, no_token]) in asks {
        for (query, token) in [
            (ok, Some(staff)),
            (bad, Some(staff)),
            (other_store, Some(manager)),
            (no_token, None),
            (no_token, Some(till)),
        ] {
            let (s, v) = ho.get(token, &format!("{route}{query}")).await;
            if query == ok && token == Some(staff) {
                assert_eq!(s, 200, "{route}{query}: {v}");
                let rows = ["sales", "lots", "skus", "movements", "transfers"]
                    .iter()
                    .find_map(|k| v[*k].as_array())
                    .unwrap_or_else(|| panic!("{route}: {v}"));
                assert!(!rows.is_empty(), "{route}: rows to check: {v}");
            }
            answers.push(("get", route, s, v));
        }
    }
    answers
}
