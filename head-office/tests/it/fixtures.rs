//! Documents tills wrote before the domain moved into `pos-domain` still ingest, and
//! head office stores their bytes and content hashes unchanged.

use pos_domain::document::Document;
use pos_domain::protocol::DocumentStatus;

use crate::common::*;

/// (fixture, its content hash as written).
const FIXTURES: [(&str, &str); 2] = [
    (
        include_str!("../../../pos-domain/tests/fixtures/sale_v1.json"),
        "d02de24dd67f830a75a430ac6276bfa664838b7dea3cce226746c25f5e481d58",
    ),
    (
        include_str!("../../../pos-domain/tests/fixtures/return_v1.json"),
        "591f90880026979133468e05fdab4b41de956efbf351097546184d78d8e9a1ce",
    ),
];

#[tokio::test]
async fn documents_written_before_the_move_are_accepted_once_with_their_hashes() {
    let ho = HeadOffice::start().await;
    for (json, hash) in FIXTURES {
        let doc: Document = serde_json::from_str(json).unwrap();
        let token = ho.enroll(&doc.store_id, &doc.terminal_id).await;
        let send = batch(&doc.store_id, &doc.terminal_id, vec![doc.clone()]);
        let first = ho.submit(&token, &send).await;
        assert_eq!(
            first.results[0].status,
            DocumentStatus::Accepted,
            "{first:?}"
        );
        let again = ho.submit(&token, &send).await;
        assert_eq!(again.results[0].status, DocumentStatus::Duplicate);

        let row = ho
            .client()
            .await
            .query_one(
                "SELECT content_hash, document::text FROM documents WHERE id = $1",
                &[&doc.id],
            )
            .await
            .unwrap();
        assert_eq!(row.get::<_, String>(0), hash);
        assert_eq!(
            row.get::<_, String>(1).into_bytes(),
            doc.canonical_bytes(),
            "head office keeps the bytes the till hashed"
        );
    }
    ho.stop().await;
}
