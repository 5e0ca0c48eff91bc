//! Goods receipts (收货入库), write-offs (报损) and stocktakes (盘点) over real HTTP into
//! real PostgreSQL: what each moves at head office, what comes down the store's feed,
//! a resend that moves nothing, and bad ones refused with the domain's reason, changing
//! nothing and holding up none of the good ones. The test documents' business date is
//! 2026-11-22.

use chrono::{NaiveDate, TimeZone, Utc};
use pos_domain::document::{Approval, Document, DocumentBody};
use pos_domain::protocol::{BatchResponse, Change, DocumentStatus, FeedPage};
use pos_domain::stock_document::{
    CountLine, GoodsReceipt, ReceiptLine, StockLine, Stocktake, WriteOff, WriteOffReason,
};

use crate::common::*;

// The approvals' names, as the till's manager actions write them.
const APPROVE_NEAR_EXPIRY: &str = "near_expiry_receipt";
const APPROVE_WRITE_OFF: &str = "write_off";
const APPROVE_STOCKTAKE: &str = "stocktake";

pub fn goods(sku: &str, lot: Option<&str>, expiry: Option<&str>, quantity: u32) -> StockLine {
    StockLine {
        sku: sku.into(),
        lot: lot.map(Into::into),
        expiry_date: expiry.map(|e| e.parse::<NaiveDate>().unwrap()),
        serials: vec![],
        quantity,
    }
}

pub fn with_serials(mut line: StockLine, serials: &[&str]) -> StockLine {
    line.serials = serials.iter().map(|s| s.to_string()).collect();
    line
}

pub fn approved(mut doc: Document, action: &str) -> Document {
    doc.approvals.push(Approval {
        action: action.into(),
        manager_id: "manager-1".into(),
        at: Utc.with_ymd_and_hms(2026, 11, 22, 2, 0, 0).unwrap(),
    });
    doc
}

/// A goods receipt of `lines` (goods, expected) from 鱼跃医疗, delivery note `reference`.
pub fn receipt(
    store: &str,
    sequence: u64,
    reference: &str,
    lines: Vec<(StockLine, Option<u32>)>,
) -> Document {
    let lines = lines
        .into_iter()
        .map(|(goods, expected)| ReceiptLine { goods, expected })
        .collect();
    document(
        store,
        TERMINAL,
        sequence,
        DocumentBody::GoodsReceipt(GoodsReceipt {
            reference: reference.into(),
            supplier: "鱼跃医疗".into(),
            lines,
        }),
    )
}

pub fn write_off(
    store: &str,
    sequence: u64,
    reason: WriteOffReason,
    lines: Vec<StockLine>,
) -> Document {
    document(
        store,
        TERMINAL,
        sequence,
        DocumentBody::WriteOff(WriteOff {
            reason,
            note: "外包装破损".into(),
            lines,
        }),
    )
}

/// A partial count of (sku, lot, counted, expected).
pub fn stocktake(store: &str, sequence: u64, lines: &[(&str, Option<&str>, u32, i64)]) -> Document {
    let lines = lines
        .iter()
        .map(|&(sku, lot, counted, expected)| CountLine {
            sku: sku.into(),
            lot: lot.map(Into::into),
            counted,
            expected,
            serials: vec![],
            missing_serials: vec![],
        })
        .collect();
    document(
        store,
        TERMINAL,
        sequence,
        DocumentBody::Stocktake(Stocktake { full: false, lines }),
    )
}

/// Every change of the token's store after `cursor`, and the cursor after them.
pub async fn feed_after(ho: &HeadOffice, token: &str, mut cursor: i64) -> (Vec<Change>, i64) {
    let mut changes = Vec::new();
    for _ in 0..100 {
        let (status, body) = ho
            .get(Some(token), &format!("/v1/feed?cursor={cursor}&limit=1000"))
            .await;
        assert_eq!(status, 200, "{body}");
        let page: FeedPage = serde_json::from_value(body).unwrap();
        cursor = page.next_cursor;
        changes.extend(page.changes.into_iter().map(|c| c.change));
        if !page.more {
            return (changes, cursor);
        }
    }
    panic!("the feed never ended");
}

/// Whether head office holds `serial` of `sku` available, and at which store.
pub async fn serial(ho: &HeadOffice, sku: &str, serial: &str) -> Option<(String, bool)> {
    ho.client()
        .await
        .query_opt(
            "SELECT store_id, available FROM serials WHERE sku = $1 AND serial = $2",
            &[&sku, &serial],
        )
        .await
        .unwrap()
        .map(|r| (r.get(0), r.get(1)))
}

fn statuses(response: &BatchResponse) -> Vec<DocumentStatus> {
    response.results.iter().map(|r| r.status).collect()
}

fn stock_change(sku: &str, lot: Option<&str>, quantity: i64) -> Change {
    Change::Stock {
        sku: sku.into(),
        lot_no: lot.map(Into::into),
        quantity,
    }
}

fn serial_change(sku: &str, serial: &str, available: bool) -> Change {
    Change::Serial {
        sku: sku.into(),
        serial: serial.into(),
        lot_no: None,
        available,
    }
}

#[tokio::test]
async fn a_receipt_a_write_off_and_a_stocktake_move_stock_and_serials_and_reach_the_stores_till() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let other = ho.enroll("S2", TERMINAL).await;
    let (_, start) = feed_after(&ho, &token, 0).await;

    let received = receipt(
        STORE,
        1,
        "DN-1",
        vec![
            (goods("STRIP", Some("L1"), Some("2028-06-30"), 8), Some(10)),
            (
                with_serials(goods("CUFF", None, None, 2), &["SN1", "SN2"]),
                Some(2),
            ),
            (goods("MASK", None, None, 0), Some(50)),
        ],
    );
    let response = ho
        .submit(&token, &batch(STORE, TERMINAL, vec![received.clone()]))
        .await;
    all_accepted(&response);
    assert_eq!(ho.stock(STORE, "STRIP", "L1").await, Some(8));
    assert_eq!(ho.stock(STORE, "CUFF", "").await, Some(2));
    assert_eq!(
        ho.stock(STORE, "MASK", "").await,
        None,
        "nothing delivered, nothing moved"
    );
    assert_eq!(serial(&ho, "CUFF", "SN1").await, Some((STORE.into(), true)));
    let (changes, cursor) = feed_after(&ho, &token, start).await;
    for expected in [
        stock_change("STRIP", Some("L1"), 8),
        stock_change("CUFF", None, 2),
        serial_change("CUFF", "SN1", true),
        serial_change("CUFF", "SN2", true),
    ] {
        assert!(
            changes.contains(&expected),
            "{expected:?} not in {changes:?}"
        );
    }
    // The lot was new to the catalog: every till hears of it, with its expiry.
    let learned = Change::Lot(pos_domain::catalog::Lot {
        sku: "STRIP".into(),
        lot_no: "L1".into(),
        expiry_date: "2028-06-30".parse().unwrap(),
    });
    assert!(changes.contains(&learned), "{changes:?}");
    assert_eq!(changes.len(), 5, "{changes:?}");
    let (theirs, _) = feed_after(&ho, &other, start).await;
    assert_eq!(
        theirs,
        vec![learned],
        "another store's till gets the lot, none of the stock"
    );

    let written_off = approved(
        write_off(
            STORE,
            2,
            WriteOffReason::Damaged,
            vec![
                with_serials(goods("CUFF", None, None, 1), &["SN1"]),
                goods("STRIP", Some("L1"), Some("2028-06-30"), 3),
            ],
        ),
        APPROVE_WRITE_OFF,
    );
    let counted = approved(
        stocktake(
            STORE,
            3,
            &[
                ("STRIP", Some("L1"), 4, 5),
                ("MASK", None, 6, 0),
                ("CUFF", None, 1, 1),
            ],
        ),
        APPROVE_STOCKTAKE,
    );
    let second = batch(STORE, TERMINAL, vec![written_off.clone(), counted.clone()]);
    all_accepted(&ho.submit(&token, &second).await);
    assert_eq!(
        ho.stock(STORE, "STRIP", "L1").await,
        Some(4),
        "8 - 3 written off - 1 missing at the count"
    );
    assert_eq!(
        ho.stock(STORE, "MASK", "").await,
        Some(6),
        "found at the count"
    );
    assert_eq!(ho.stock(STORE, "CUFF", "").await, Some(1));
    assert_eq!(
        serial(&ho, "CUFF", "SN1").await,
        Some((STORE.into(), false))
    );
    assert_eq!(serial(&ho, "CUFF", "SN2").await, Some((STORE.into(), true)));
    let (changes, _) = feed_after(&ho, &token, cursor).await;
    for expected in [
        stock_change("STRIP", Some("L1"), 4),
        stock_change("MASK", None, 6),
        stock_change("CUFF", None, 1),
        serial_change("CUFF", "SN1", false),
    ] {
        assert!(
            changes.contains(&expected),
            "{expected:?} not in {changes:?}"
        );
    }

    // The till sends all three again (its answer was lost): duplicates, nothing moves.
    let before = ho.snapshot().await;
    let resent = batch(STORE, TERMINAL, vec![received, written_off, counted]);
    let response = ho.submit(&token, &resent).await;
    assert_eq!(statuses(&response), vec![DocumentStatus::Duplicate; 3]);
    assert_eq!(ho.snapshot().await, before);
    ho.stop().await;
}

#[tokio::test]
async fn bad_stock_documents_are_rejected_with_the_domains_reason_and_hold_up_none_of_the_good_ones()
 {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let expired = receipt(
        STORE,
        2,
        "DN-2",
        vec![(goods("STRIP", Some("OLD"), Some("2026-11-01"), 5), None)],
    );
    let near_expiry = || {
        receipt(
            STORE,
            3,
            "DN-3",
            vec![(goods("STRIP", Some("SOON"), Some("2027-01-15"), 5), None)],
        )
    };
    let unapproved_write_off = write_off(
        STORE,
        4,
        WriteOffReason::Damaged,
        vec![goods("STRIP", Some("L1"), None, 1)],
    );
    let serial_twice = receipt(
        STORE,
        5,
        "DN-5",
        vec![(
            with_serials(goods("CUFF", None, None, 2), &["SN9", "SN9"]),
            None,
        )],
    );
    let bad = vec![expired, near_expiry(), unapproved_write_off, serial_twice];
    let reasons = [
        "expired on 2026-11-01",
        "needs a manager's approval (near_expiry_receipt)",
        "needs a manager's approval (write_off)",
        "CUFF serial SN9 is there twice",
    ];

    // Alone, the bad ones change nothing.
    let before = ho.snapshot().await;
    let response = ho
        .submit(&token, &batch(STORE, TERMINAL, bad.clone()))
        .await;
    for (result, reason) in response.results.iter().zip(reasons) {
        assert_eq!(result.status, DocumentStatus::Rejected);
        let said = result.reason.as_deref().unwrap_or_default();
        assert!(said.contains(reason), "{said:?} does not say {reason:?}");
    }
    assert_eq!(ho.snapshot().await, before);

    // Among good ones (a receipt, the near-expiry lot with the manager's approval, an
    // approved write-off), only the bad ones are refused.
    let good_receipt = receipt(
        STORE,
        1,
        "DN-1",
        vec![(goods("STRIP", Some("L1"), Some("2028-06-30"), 10), None)],
    );
    let approved_near_expiry = approved(
        receipt(
            STORE,
            6,
            "DN-6",
            vec![(goods("STRIP", Some("SOON"), Some("2027-01-15"), 5), None)],
        ),
        APPROVE_NEAR_EXPIRY,
    );
    let approved_write_off = approved(
        write_off(
            STORE,
            7,
            WriteOffReason::Damaged,
            vec![goods("STRIP", Some("L1"), None, 2)],
        ),
        APPROVE_WRITE_OFF,
    );
    let mut documents = vec![good_receipt];
    documents.extend(bad);
    documents.extend([approved_near_expiry, approved_write_off]);
    let response = ho.submit(&token, &batch(STORE, TERMINAL, documents)).await;
    use DocumentStatus::{Accepted, Rejected};
    assert_eq!(
        statuses(&response),
        vec![
            Accepted, Rejected, Rejected, Rejected, Rejected, Accepted, Accepted
        ]
    );
    assert_eq!(ho.stock(STORE, "STRIP", "L1").await, Some(8));
    assert_eq!(ho.stock(STORE, "STRIP", "SOON").await, Some(5));
    assert_eq!(ho.stock(STORE, "STRIP", "OLD").await, None);
    assert_eq!(serial(&ho, "CUFF", "SN9").await, None);
    assert_eq!(ho.count("documents").await, 3);
    ho.stop().await;
}

/// Receipts, write-offs and stocktakes are no sales: ingest queues none of them for the
/// figures, folding and a rebuild count none, and the console's dashboard, reports,
/// Tills and stock pages show them (a rejected one among the Tills page's rejections)
/// without a hitch.
#[tokio::test]
async fn stock_documents_change_no_sales_figure_and_the_console_pages_take_them() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let sold = document(
        STORE,
        TERMINAL,
        1,
        DocumentBody::Sale(sale(&[item("STRIP", 2, "50.00")], None, 0, 0)),
    );
    all_accepted(&ho.submit(&token, &batch(STORE, TERMINAL, vec![sold])).await);
    let figures = crate::console_dashboard::aggregate_rows(&ho).await;
    assert!(!figures.is_empty());

    let stock_documents = vec![
        receipt(
            STORE,
            2,
            "DN-1",
            vec![(goods("STRIP", Some("L1"), Some("2028-06-30"), 8), Some(10))],
        ),
        approved(
            write_off(
                STORE,
                3,
                WriteOffReason::Damaged,
                vec![goods("STRIP", Some("L1"), None, 1)],
            ),
            APPROVE_WRITE_OFF,
        ),
        approved(
            stocktake(STORE, 4, &[("STRIP", Some("L1"), 6, 7)]),
            APPROVE_STOCKTAKE,
        ),
        // No manager: rejected, and listed on the Tills page.
        write_off(
            STORE,
            5,
            WriteOffReason::Damaged,
            vec![goods("STRIP", Some("L1"), None, 1)],
        ),
    ];
    let response = ho
        .submit(&token, &batch(STORE, TERMINAL, stock_documents))
        .await;
    use DocumentStatus::{Accepted, Rejected};
    assert_eq!(
        statuses(&response),
        vec![Accepted, Accepted, Accepted, Rejected]
    );
    assert_eq!(
        ho.count("sales_tally_queue").await,
        1,
        "queued for the lot trace; folding adds nothing to the figures"
    );
    assert_eq!(crate::console_dashboard::aggregate_rows(&ho).await, figures);
    let mut client = ho.client().await;
    let tx = client.transaction().await.unwrap();
    assert_eq!(
        head_office::aggregates::rebuild(&tx).await.unwrap(),
        4,
        "the sale, and the three stock documents for the lot trace only"
    );
    tx.commit().await.unwrap();
    assert_eq!(crate::console_dashboard::aggregate_rows(&ho).await, figures);

    let mut admin = ho.console_user("wang", "admin", &[]).await;
    for page in ["/dashboard", "/reports", "/tills", "/stock", "/closes"] {
        let answer = admin.get(page).await;
        assert_eq!(answer.status, 200, "{page}: {}", answer.body);
    }
    let tills = admin.get("/tills").await;
    assert!(
        tills.body.contains("write_off"),
        "the rejected write-off is listed"
    );
    let reason = "needs a manager's approval (write_off)";
    assert!(tills.body.contains(reason), "the page says why");
    ho.stop().await;
}
