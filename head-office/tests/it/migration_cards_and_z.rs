//! Migration 3 on a database that already holds what it now forbids: members sharing a
//! card and two Z reports of one terminal and day. Nothing is deleted; later
//! duplicates get head office's cards (recorded and published) or are marked.

use crate::common::*;
use head_office::testing::PgCluster;
use head_office::{db, feed, ingest};
use pos_domain::document::DocumentBody;
use pos_domain::protocol::{Change, DocumentStatus, FeedPage};

/// A database at schema version 2, as head office left it before migration 3.
async fn database_at_version_2() -> deadpool_postgres::Pool {
    let url = PgCluster::shared().create_database().await.unwrap();
    let pool = db::pool(&url, 2, None).unwrap();
    let client = pool.get().await.unwrap();
    client
        .batch_execute(concat!(
            include_str!("../../migrations/0001_init.sql"),
            include_str!("../../migrations/0002_feed_change_json.sql"),
            "CREATE TABLE schema_version (version integer PRIMARY KEY,
                                          applied_at timestamptz NOT NULL DEFAULT now());
             INSERT INTO schema_version (version) VALUES (1), (2);"
        ))
        .await
        .unwrap();
    pool
}

#[tokio::test]
async fn cards_held_twice_and_second_z_reports_survive_migration_3() {
    let pool = database_at_version_2().await;
    let mut client = pool.get().await.unwrap();
    client
        .batch_execute(
            "INSERT INTO members (id, card_no, phone, name, points_balance, created_at) VALUES
                 ('m-first', 'LT01000001', '1', 'a', 10, '2026-01-01'),
                 ('m-second', 'LT01000001', '2', 'b', 20, '2026-01-02'),
                 ('m-third', 'LT01000001', '3', 'c', 30, '2026-01-03'),
                 ('m-alone', 'LT01000002', '4', 'd', 40, '2026-01-01'),
                 ('H000000001', 'H000000001', NULL, '', 0, '2026-01-01');",
        )
        .await
        .unwrap();
    head_office::auth::enroll(&client, STORE, TERMINAL)
        .await
        .unwrap();
    let z = |sequence, z_no| {
        document(
            STORE,
            TERMINAL,
            sequence,
            DocumentBody::ZReport(z_report(z_no, "10.00", "10.00")),
        )
    };
    let (first_z, second_z) = (z(1, 1), z(2, 2));
    for doc in [&first_z, &second_z] {
        client
            .execute(
                "INSERT INTO documents (id, store_id, terminal_id, sequence, kind, business_date,
                                        created_at, content_hash, document)
                 VALUES ($1, $2, $3, $4, 'z_report', $5, $6, $7, $8)",
                &[
                    &doc.id,
                    &doc.store_id,
                    &doc.terminal_id,
                    &(doc.sequence as i64),
                    &doc.business_date,
                    &doc.created_at,
                    &doc.content_hash(),
                    &tokio_postgres::types::Json(doc),
                ],
            )
            .await
            .unwrap();
    }

    let after_2: Vec<i32> = db::versions().into_iter().filter(|v| *v > 2).collect();
    assert_eq!(db::migrate(&mut client).await.unwrap(), after_2);
    assert_eq!(after_2[0], 3);

    let cards: Vec<(String, String)> = client
        .query("SELECT id, card_no FROM members ORDER BY id", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        cards,
        [
            ("H000000001".into(), "H000000001".into()),
            ("m-alone".into(), "LT01000002".into()),
            ("m-first".into(), "LT01000001".into()),
            // H000000001 was taken by an imported card, so the numbers skip it.
            ("m-second".into(), "H000000002".into()),
            ("m-third".into(), "H000000003".into()),
        ]
    );
    let recorded: Vec<(String, String, String, String)> = client
        .query(
            "SELECT member_id, till_card_no, card_no, holder_id FROM member_card_reissues ORDER BY id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    assert_eq!(
        recorded,
        [
            (
                "m-second".into(),
                "LT01000001".into(),
                "H000000002".into(),
                "m-first".into()
            ),
            (
                "m-third".into(),
                "LT01000001".into(),
                "H000000003".into(),
                "m-first".into()
            ),
        ]
    );
    // The tills learn the new cards from the feed (migration 18 sends every member
    // again, masked, each with the card it holds now).
    let page = feed::read_page(&mut client, STORE, 0, 100).await.unwrap();
    let page: FeedPage = serde_json::from_slice(&page.body).unwrap();
    let mut sent: Vec<(String, String, i64)> = page
        .changes
        .into_iter()
        .filter_map(|c| match c.change {
            Change::Member(m) => Some((m.id, m.card_no, m.points_balance)),
            _ => None,
        })
        .collect();
    sent.sort();
    assert_eq!(
        sent,
        [
            ("H000000001".into(), "H000000001".into(), 0),
            ("m-alone".into(), "LT01000002".into(), 40),
            ("m-first".into(), "LT01000001".into(), 10),
            ("m-second".into(), "H000000002".into(), 20),
            ("m-third".into(), "H000000003".into(), 30),
        ]
    );
    let unique_violation = client
        .execute(
            "UPDATE members SET card_no = 'LT01000002' WHERE id = 'm-first'",
            &[],
        )
        .await;
    assert!(unique_violation.is_err(), "card numbers are unique now");

    // Both Z reports are kept; the second is marked; a third is refused by name.
    let marked: Vec<(uuid::Uuid, Option<uuid::Uuid>)> = client
        .query(
            "SELECT id, z_duplicate_of FROM documents ORDER BY sequence",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        marked,
        [(first_z.id, None), (second_z.id, Some(first_z.id))]
    );
    let third = z(3, 3);
    let answer = ingest::ingest_batch(&mut **client, &batch(STORE, TERMINAL, vec![third]))
        .await
        .unwrap();
    assert_eq!(answer.results[0].status, DocumentStatus::Rejected);
    assert!(
        answer.results[0]
            .reason
            .as_deref()
            .is_some_and(|r| r.contains(&first_z.id.to_string())),
        "{answer:?}"
    );
}
