//! Documents written before the domain moved into its own crate keep their wire bytes
//! and their content hashes: the till's journal chain and head office's duplicate check
//! compare these. The hashes were taken from the files as written then.

use pos_domain::document::Document;
use pos_domain::protocol::BatchRequest;

const SALE_V1: &str = include_str!("../fixtures/sale_v1.json");
const RETURN_V1: &str = include_str!("../fixtures/return_v1.json");

fn parsed(json: &str) -> Document {
    serde_json::from_str(json).expect("the fixture parses")
}

#[test]
fn the_fixtures_keep_their_content_hashes() {
    assert_eq!(
        parsed(SALE_V1).content_hash(),
        "d02de24dd67f830a75a430ac6276bfa664838b7dea3cce226746c25f5e481d58"
    );
    assert_eq!(
        parsed(RETURN_V1).content_hash(),
        "591f90880026979133468e05fdab4b41de956efbf351097546184d78d8e9a1ce"
    );
}

#[test]
fn a_compact_fixture_is_written_back_byte_for_byte() {
    let written = RETURN_V1.trim_end();
    assert_eq!(
        String::from_utf8(parsed(written).canonical_bytes()).unwrap(),
        written
    );
}

#[test]
fn a_batch_of_the_fixtures_keeps_each_document_s_bytes() {
    let docs = vec![parsed(SALE_V1), parsed(RETURN_V1)];
    let batch = BatchRequest {
        store_id: "S1".into(),
        terminal_id: "T1".into(),
        documents: docs.clone(),
    };
    let wire = serde_json::to_string(&batch).unwrap();
    for doc in &docs {
        let bytes = String::from_utf8(doc.canonical_bytes()).unwrap();
        assert!(
            wire.contains(&bytes),
            "the batch carries {} as written",
            doc.id
        );
    }
    let back: BatchRequest = serde_json::from_str(&wire).unwrap();
    assert_eq!(back.documents, docs);
}
