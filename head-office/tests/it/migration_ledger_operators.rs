//! Migration 29 on a ledger written before entries named their operator and reason:
//! each row gets them from its document (a sale's operator and "sale earn", an
//! adjustment's own reason), from its merge, or from the catalog import; none is left
//! empty.

use crate::common::*;
use head_office::db;
use head_office::testing::PgCluster;
use pos_domain::document::{DocumentBody, PointAdjustment};

#[tokio::test]
async fn migration_29_names_the_operator_and_reason_of_every_older_ledger_entry() {
    let url = PgCluster::shared().create_database().await.unwrap();
    let pool = db::pool(&url, 2, None).unwrap();
    let mut client = pool.get().await.unwrap();
    // Every migration but 29 first, as a head office of the last release left it.
    client
        .batch_execute(
            "CREATE TABLE schema_version (version integer PRIMARY KEY,
                                          applied_at timestamptz NOT NULL DEFAULT now());
             INSERT INTO schema_version (version) VALUES (29);",
        )
        .await
        .unwrap();
    db::migrate(&mut client).await.unwrap();

    let sold = document(
        "S001",
        "T01",
        1,
        DocumentBody::Sale(sale(&[item("CUFF", 1, "10.00")], Some("M1"), 10, 0)),
    );
    let mut adjusted = document(
        "S001",
        "T01",
        2,
        DocumentBody::PointAdjustment(PointAdjustment {
            member_id: "M1".into(),
            points: 5,
            reason: "补录".into(),
        }),
    );
    adjusted.operator_id = "manager-1".into();
    client
        .execute(
            "INSERT INTO members (id, card_no, name) VALUES ('M1', 'C-M1', '王五')",
            &[],
        )
        .await
        .unwrap();
    for doc in [&sold, &adjusted] {
        client
            .execute(
                "INSERT INTO documents (id, store_id, terminal_id, sequence, kind, business_date,
                                        created_at, content_hash, document)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                &[
                    &doc.id,
                    &doc.store_id,
                    &doc.terminal_id,
                    &(doc.sequence as i64),
                    &doc.body.kind(),
                    &doc.business_date,
                    &doc.created_at,
                    &doc.content_hash(),
                    &tokio_postgres::types::Json(doc),
                ],
            )
            .await
            .unwrap();
    }
    let merge_id = uuid::Uuid::now_v7();
    let lost = uuid::Uuid::now_v7();
    client
        .execute(
            "INSERT INTO member_merges (id, survivor_id, merged_id, merged_card_no, merged_by, reason, moved)
             VALUES ($1, 'M1', 'M2', 'C-M2', 'wang', '同一人', '{}')",
            &[&merge_id],
        )
        .await
        .unwrap();
    client
        .execute(
            "INSERT INTO point_ledger (document_id, entry, member_id, till_member_id, points, balance_after, store_id) VALUES
                 ($1, 'earn', 'M1', 'M1', 10, 10, 'S001'),
                 ($2, 'adjust', 'M1', 'M1', 5, 15, 'S001'),
                 ($3, 'merge', 'M1', 'M2', 0, 16, ''),
                 ($4, 'import', 'M1', 'M1', 100, 115, ''),
                 ($5, 'expire', 'M1', 'M1', -1, 114, '')",
            &[&sold.id, &adjusted.id, &merge_id, &uuid::Uuid::now_v7(), &lost],
        )
        .await
        .unwrap();

    client
        .execute("DELETE FROM schema_version WHERE version = 29", &[])
        .await
        .unwrap();
    assert_eq!(db::migrate(&mut client).await.unwrap(), vec![29]);
    let named: Vec<(String, String, String)> = client
        .query(
            "SELECT entry, operator_id, reason FROM point_ledger ORDER BY balance_after",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let row = |e: &str, o: &str, r: &str| (e.to_owned(), o.to_owned(), r.to_owned());
    assert_eq!(
        named,
        [
            row("earn", "cashier-1", "sale earn"),
            row("adjust", "manager-1", "adjustment: 补录"),
            row("merge", "wang", "merge: 同一人"),
            row("expire", "unrecorded", "expire"),
            row("import", "catalog import", "catalog import"),
        ]
    );
}
