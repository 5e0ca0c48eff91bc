//! A serial unit head office knows another store holds cannot arrive at a store on a
//! goods receipt or on the receipt of a transfer from a third store: the document is
//! rejected naming the store that holds it, nothing moves, and the good documents of
//! the same batch go in. A transfer's receipt of a unit its sending store holds (the
//! dispatch not at head office yet) is taken.

use pos_domain::document::{Document, DocumentBody};
use pos_domain::protocol::DocumentStatus;
use pos_domain::stock_document::{ReceiptLine, TransferReceipt};

use crate::common::*;
use crate::stock_documents::{goods, receipt, with_serials};

fn transfer_receipt(store: &str, sequence: u64, id: &str, from: &str, serial: &str) -> Document {
    document(
        store,
        TERMINAL,
        sequence,
        DocumentBody::TransferReceipt(TransferReceipt {
            transfer_id: id.into(),
            from_store: from.into(),
            lines: vec![ReceiptLine {
                goods: with_serials(goods("CUFF", None, None, 1), &[serial]),
                expected: Some(1),
            }],
        }),
    )
}

async fn holder(ho: &HeadOffice, serial: &str) -> (String, bool) {
    let row = ho
        .client()
        .await
        .query_one(
            "SELECT store_id, available FROM serials WHERE sku = 'CUFF' AND serial = $1",
            &[&serial],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1))
}

#[tokio::test]
async fn a_serial_held_at_another_store_is_refused_on_a_receipt_and_the_rest_of_the_batch_goes_in()
{
    let ho = HeadOffice::start().await;
    let s1 = ho.enroll("S1", TERMINAL).await;
    let s2 = ho.enroll("S2", TERMINAL).await;
    let at_s1 = receipt(
        "S1",
        1,
        "DN-1",
        vec![(
            with_serials(goods("CUFF", None, None, 2), &["SN1", "SN2"]),
            None,
        )],
    );
    all_accepted(&ho.submit(&s1, &batch("S1", TERMINAL, vec![at_s1])).await);

    // S2 receives SN1 (held at S1) on a delivery, SN3 on another, and SN2 on a transfer
    // from S3 (S1 holds it, not S3).
    let twice = receipt(
        "S2",
        1,
        "DN-2",
        vec![(with_serials(goods("CUFF", None, None, 1), &["SN1"]), None)],
    );
    let good = receipt(
        "S2",
        2,
        "DN-3",
        vec![(with_serials(goods("CUFF", None, None, 1), &["SN3"]), None)],
    );
    let from_elsewhere = transfer_receipt("S2", 3, "TR-9", "S3", "SN2");
    let before = (ho.stock("S1", "CUFF", "").await, holder(&ho, "SN1").await);
    let response = ho
        .submit(
            &s2,
            &batch("S2", TERMINAL, vec![twice, good, from_elsewhere]),
        )
        .await;
    let statuses: Vec<DocumentStatus> = response.results.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [
            DocumentStatus::Rejected,
            DocumentStatus::Accepted,
            DocumentStatus::Rejected
        ],
        "{response:?}"
    );
    let said = response.results[0].reason.as_deref().unwrap();
    assert!(
        said.contains("serial SN1 of CUFF is held at store S1"),
        "{said}"
    );
    let said = response.results[2].reason.as_deref().unwrap();
    assert!(
        said.contains("serial SN2 of CUFF is held at store S1"),
        "{said}"
    );
    assert_eq!(
        (ho.stock("S1", "CUFF", "").await, holder(&ho, "SN1").await),
        before,
        "SN1 stays at S1"
    );
    assert_eq!(holder(&ho, "SN2").await, ("S1".to_owned(), true));
    assert_eq!(holder(&ho, "SN3").await, ("S2".to_owned(), true));
    assert_eq!(ho.stock("S2", "CUFF", "").await, Some(1));
    assert_eq!(
        ho.count("transfers").await,
        0,
        "the refused receipt left no transfer"
    );

    // A transfer from S1 whose dispatch has not reached head office yet: S1 still holds
    // SN2 as far as head office knows, and the unit comes from S1, so it is taken.
    let from_s1 = transfer_receipt("S2", 4, "TR-1", "S1", "SN2");
    all_accepted(&ho.submit(&s2, &batch("S2", TERMINAL, vec![from_s1])).await);
    assert_eq!(holder(&ho, "SN2").await, ("S2".to_owned(), true));
    ho.stop().await;
}
