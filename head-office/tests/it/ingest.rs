//! Ingest over real HTTP against a real PostgreSQL: per-document answers, resends,
//! rejected documents among good ones, gaps, stock, serials and voids.

use crate::common::*;
use pos_domain::document::DocumentBody;
use pos_domain::protocol::DocumentStatus;
use rust_decimal::Decimal;

fn statuses(response: &pos_domain::protocol::BatchResponse) -> Vec<DocumentStatus> {
    response.results.iter().map(|r| r.status).collect()
}

#[tokio::test]
async fn accepted_then_duplicate_and_a_resend_changes_nothing() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let docs = vec![
        document(
            STORE,
            TERMINAL,
            1,
            DocumentBody::MemberRegistration(registration("m-1", "13800000001")),
        ),
        document(
            STORE,
            TERMINAL,
            2,
            DocumentBody::Sale(sale(&[item("BP-1", 2, "199.00")], Some("m-1"), 398, 0)),
        ),
        document(
            STORE,
            TERMINAL,
            3,
            DocumentBody::Sale(sale(&[item("STRIP-50", 1, "89.50")], None, 0, 0)),
        ),
    ];
    let first = ho
        .submit(&token, &batch(STORE, TERMINAL, docs.clone()))
        .await;
    assert_eq!(statuses(&first), vec![DocumentStatus::Accepted; 3]);
    assert_eq!(
        first
            .results
            .iter()
            .map(|r| (r.id, r.sequence))
            .collect::<Vec<_>>(),
        docs.iter().map(|d| (d.id, d.sequence)).collect::<Vec<_>>()
    );
    assert_eq!(ho.stock(STORE, "BP-1", "").await, Some(-2));
    assert_eq!(ho.balance("m-1").await, Some(398));

    let before = ho.snapshot().await;
    let again = ho.submit(&token, &batch(STORE, TERMINAL, docs)).await;
    assert_eq!(statuses(&again), vec![DocumentStatus::Duplicate; 3]);
    assert!(again.results.iter().all(|r| r.reason.is_none()));
    assert_eq!(ho.snapshot().await, before, "a resend changed stored data");
    assert_eq!(
        ho.balance("m-1").await,
        Some(398),
        "points doubled by a resend"
    );
    ho.stop().await;
}

#[tokio::test]
async fn the_same_document_twice_in_one_batch_counts_once() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let doc = document(
        STORE,
        TERMINAL,
        1,
        DocumentBody::Sale(sale(&[item("BP-1", 1, "10.00")], None, 0, 0)),
    );
    let response = ho
        .submit(&token, &batch(STORE, TERMINAL, vec![doc.clone(), doc]))
        .await;
    assert_eq!(
        statuses(&response),
        vec![DocumentStatus::Accepted, DocumentStatus::Duplicate]
    );
    assert_eq!(ho.stock(STORE, "BP-1", "").await, Some(-1));
    ho.stop().await;
}

#[tokio::test]
async fn an_id_resent_with_other_content_is_rejected_not_called_a_duplicate() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let first = document(
        STORE,
        TERMINAL,
        1,
        DocumentBody::Sale(sale(&[item("BP-1", 1, "10.00")], None, 0, 0)),
    );
    let mut altered = first.clone();
    altered.body = DocumentBody::Sale(sale(&[item("BP-1", 3, "10.00")], None, 0, 0));
    let accepted = ho
        .submit(&token, &batch(STORE, TERMINAL, vec![first.clone()]))
        .await;
    assert_eq!(statuses(&accepted), vec![DocumentStatus::Accepted]);
    let before = ho.snapshot().await;

    let later = ho
        .submit(&token, &batch(STORE, TERMINAL, vec![altered.clone()]))
        .await;
    assert_eq!(statuses(&later), vec![DocumentStatus::Rejected]);
    let reason = later.results[0].reason.clone().unwrap_or_default();
    assert!(reason.contains("different content"), "{reason}");
    // Head office keeps one copy only; the answer says so and what the manager does.
    assert!(!reason.contains("both are kept"), "{reason}");
    assert!(
        reason.contains("keeps only the copy it received first")
            && reason.contains("record any difference as a new document"),
        "{reason}"
    );
    assert_eq!(
        ho.snapshot().await,
        before,
        "a conflicting resend changed data"
    );

    // Within one batch: the first copy counts, the altered one is refused.
    let second = document(
        STORE,
        TERMINAL,
        2,
        DocumentBody::Sale(sale(&[item("BP-1", 1, "10.00")], None, 0, 0)),
    );
    let mut second_altered = second.clone();
    second_altered.body = DocumentBody::Sale(sale(&[item("BP-1", 2, "10.00")], None, 0, 0));
    let both = ho
        .submit(
            &token,
            &batch(STORE, TERMINAL, vec![second, second_altered]),
        )
        .await;
    assert_eq!(
        statuses(&both),
        vec![DocumentStatus::Accepted, DocumentStatus::Rejected]
    );
    assert_eq!(ho.stock(STORE, "BP-1", "").await, Some(-2));
    ho.stop().await;
}

#[tokio::test]
async fn a_wrong_total_is_rejected_with_a_reason_and_does_not_block_the_rest() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let mut bad = sale(&[item("BP-1", 1, "100.00")], None, 0, 0);
    bad.total = Decimal::new(9000, 2);
    let docs = vec![
        document(
            STORE,
            TERMINAL,
            1,
            DocumentBody::Sale(sale(&[item("BP-1", 1, "100.00")], None, 0, 0)),
        ),
        document(STORE, TERMINAL, 2, DocumentBody::Sale(bad)),
        document(
            STORE,
            TERMINAL,
            3,
            DocumentBody::Sale(sale(&[item("BP-1", 3, "100.00")], None, 0, 0)),
        ),
    ];
    let response = ho.submit(&token, &batch(STORE, TERMINAL, docs)).await;
    assert_eq!(
        statuses(&response),
        vec![
            DocumentStatus::Accepted,
            DocumentStatus::Rejected,
            DocumentStatus::Accepted
        ]
    );
    let reason = response.results[1].reason.as_deref().unwrap();
    assert!(reason.contains("total"), "{reason}");
    assert_eq!(
        ho.count("documents").await,
        2,
        "the rejected sale was stored"
    );
    assert_eq!(
        ho.stock(STORE, "BP-1", "").await,
        Some(-4),
        "the rejected sale moved stock"
    );
    ho.stop().await;
}

#[tokio::test]
async fn a_sequence_reused_by_another_document_is_rejected() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let one = document(
        STORE,
        TERMINAL,
        1,
        DocumentBody::Sale(sale(&[item("A", 1, "1.00")], None, 0, 0)),
    );
    ho.submit(&token, &batch(STORE, TERMINAL, vec![one.clone()]))
        .await;
    let impostor = document(
        STORE,
        TERMINAL,
        1,
        DocumentBody::Sale(sale(&[item("A", 5, "1.00")], None, 0, 0)),
    );
    let response = ho
        .submit(&token, &batch(STORE, TERMINAL, vec![impostor]))
        .await;
    assert_eq!(statuses(&response), vec![DocumentStatus::Rejected]);
    assert!(
        response.results[0]
            .reason
            .as_deref()
            .unwrap()
            .contains(&one.id.to_string())
    );
    assert_eq!(ho.stock(STORE, "A", "").await, Some(-1));
    ho.stop().await;
}

#[tokio::test]
async fn sequence_gaps_are_recorded_reported_and_closed_when_filled() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let doc = |seq| {
        document(
            STORE,
            TERMINAL,
            seq,
            DocumentBody::Sale(sale(&[item("A", 1, "1.00")], None, 0, 0)),
        )
    };
    ho.submit(
        &token,
        &batch(STORE, TERMINAL, vec![doc(1), doc(2), doc(6), doc(9)]),
    )
    .await;
    let (status, gaps) = ho.get(Some(&token), "/v1/gaps").await;
    assert_eq!(status, 200);
    assert_eq!(
        gaps,
        serde_json::json!({"gaps": [
            {"store_id": STORE, "terminal_id": TERMINAL, "from_sequence": 3, "to_sequence": 5},
            {"store_id": STORE, "terminal_id": TERMINAL, "from_sequence": 7, "to_sequence": 8},
        ]})
    );
    // The late documents 4, 7 and 8 arrive: what is left missing is 3 and 5.
    ho.submit(
        &token,
        &batch(STORE, TERMINAL, vec![doc(4), doc(7), doc(8), doc(10)]),
    )
    .await;
    let (_, gaps) = ho.get(Some(&token), "/v1/gaps").await;
    let ranges: Vec<(u64, u64)> = gaps["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["from_sequence"].as_u64().unwrap(),
                g["to_sequence"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(ranges, vec![(3, 3), (5, 5)]);
    let all = head_office::reports::open_gaps(&**ho.client().await, None)
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    ho.stop().await;
}

#[tokio::test]
async fn returns_put_stock_back_and_voids_reverse_the_sale() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let lot_item = Item {
        lot: Some("L2026"),
        ..item("STRIP-50", 3, "89.50")
    };
    let serial_item = Item {
        serial: Some("SN-001"),
        ..item("BP-1", 1, "299.00")
    };
    let sold = document(
        STORE,
        TERMINAL,
        1,
        DocumentBody::Sale(sale(
            &[lot_item.clone(), serial_item.clone()],
            Some("m-9"),
            567,
            0,
        )),
    );
    let returned = document(
        STORE,
        TERMINAL,
        2,
        DocumentBody::Return(return_of(
            Some(sold.id),
            &[Item {
                quantity: 1,
                ..lot_item.clone()
            }],
            None,
            0,
        )),
    );
    let other = document(
        STORE,
        TERMINAL,
        3,
        DocumentBody::Sale(sale(&[item("MASK", 10, "1.00")], Some("m-9"), 10, 0)),
    );
    let voided = document(STORE, TERMINAL, 4, DocumentBody::Void(void_of(&other)));
    let response = ho
        .submit(
            &token,
            &batch(STORE, TERMINAL, vec![sold.clone(), returned, other, voided]),
        )
        .await;
    assert_eq!(statuses(&response), vec![DocumentStatus::Accepted; 4]);
    assert_eq!(ho.stock(STORE, "STRIP-50", "L2026").await, Some(-2));
    assert_eq!(ho.stock(STORE, "BP-1", "").await, Some(-1));
    assert_eq!(
        ho.stock(STORE, "MASK", "").await,
        None,
        "a sale and its void cancel out"
    );
    assert_eq!(
        ho.balance("m-9").await,
        Some(567),
        "the void took back the voided sale's points"
    );
    let available: bool = ho
        .client()
        .await
        .query_one(
            "SELECT available FROM serials WHERE sku = 'BP-1' AND serial = 'SN-001'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(!available, "a sold serial stays available");

    // A second void of the same sale is refused; so is a void of an unknown sale.
    let again = document(STORE, TERMINAL, 5, DocumentBody::Void(void_of(&sold)));
    let first_void = document(STORE, TERMINAL, 6, DocumentBody::Void(void_of(&sold)));
    let stranger_sale = document(
        STORE,
        TERMINAL,
        7,
        DocumentBody::Sale(sale(&[item("X", 1, "1.00")], None, 0, 0)),
    );
    let unknown = document(
        STORE,
        TERMINAL,
        8,
        DocumentBody::Void(void_of(&stranger_sale)),
    );
    let response = ho
        .submit(
            &token,
            &batch(STORE, TERMINAL, vec![again, first_void, unknown]),
        )
        .await;
    assert_eq!(
        statuses(&response),
        vec![
            DocumentStatus::Accepted,
            DocumentStatus::Rejected,
            DocumentStatus::Rejected
        ]
    );
    assert!(
        response.results[1]
            .reason
            .as_deref()
            .unwrap()
            .contains("already voided")
    );
    assert!(
        response.results[2]
            .reason
            .as_deref()
            .unwrap()
            .contains("not known")
    );
    assert_eq!(
        ho.stock(STORE, "BP-1", "").await,
        Some(0),
        "the void put the monitor back"
    );
    ho.stop().await;
}

#[tokio::test]
async fn a_statement_stuck_behind_a_lock_is_cancelled_with_a_503_and_changes_nothing() {
    let ho = HeadOffice::start_with_statement_timeout(std::time::Duration::from_millis(500)).await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let request = batch(
        STORE,
        TERMINAL,
        vec![document(
            STORE,
            TERMINAL,
            1,
            DocumentBody::Sale(sale(&[item("BP-1", 1, "10.00")], None, 0, 0)),
        )],
    );
    // Someone's session holds the terminal's row, as an operator's open transaction would.
    let mut holder = ho.client().await;
    let lock = holder.transaction().await.expect("begin");
    lock.execute(
        "SELECT 1 FROM terminals WHERE store_id = $1 AND terminal_id = $2 FOR UPDATE",
        &[&STORE, &TERMINAL],
    )
    .await
    .expect("lock the terminal");
    let before = ho.snapshot().await;

    let (status, body) = ho.post_batch(&token, &request).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"], "unavailable", "{body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("too long")),
        "{body}"
    );
    assert_eq!(
        ho.snapshot().await,
        before,
        "a cancelled batch changed data"
    );

    lock.rollback().await.expect("release");
    let response = ho.submit(&token, &request).await;
    assert_eq!(statuses(&response), vec![DocumentStatus::Accepted]);
    ho.stop().await;
}

/// A caller inside head office (the console) reaches ingest without the API's check: a
/// document of another store is refused by itself, and its good neighbours go in.
#[tokio::test]
async fn ingest_refuses_a_document_of_another_store_than_its_batch() {
    let ho = HeadOffice::start().await;
    ho.enroll("S1", "T1").await;
    let own = document(
        "S1",
        "T1",
        1,
        DocumentBody::Sale(sale(&[item("A", 1, "10.00")], None, 0, 0)),
    );
    let other = document(
        "S2",
        "T1",
        2,
        DocumentBody::Sale(sale(&[item("A", 1, "10.00")], None, 0, 0)),
    );
    let request = batch("S1", "T1", vec![own, other]);
    let answer = head_office::ingest::ingest_batch(&mut **ho.client().await, &request)
        .await
        .unwrap();
    assert_eq!(answer.results[0].status, DocumentStatus::Accepted);
    assert_eq!(answer.results[1].status, DocumentStatus::Rejected);
    assert!(
        answer.results[1]
            .reason
            .as_deref()
            .unwrap()
            .contains("S2/T1")
    );
    assert_eq!(ho.stock("S2", "A", "").await, None, "nothing moved at S2");
    ho.stop().await;
}
