//! The integration API: keys and their scopes, revocation, customers upserted by
//! (channel, external id) (created, linked by phone, updated, unchanged), bad input
//! refused naming the field with nothing changed, and the CSV import and export.

use head_office::integrations::keys::{self, Scope};
use serde_json::{Value, json};

use crate::common::*;

pub const ALL_SCOPES: [Scope; 3] = [
    Scope::CustomersRead,
    Scope::CustomersWrite,
    Scope::EventsRead,
];

/// Adds integration `name` of `channel` with `scopes`; returns its key.
pub async fn key(ho: &HeadOffice, name: &str, channel: &str, scopes: &[Scope]) -> String {
    keys::add(&**ho.client().await, name, channel, scopes, "test")
        .await
        .expect("add an integration")
}

/// `PUT /v1/integrations/customers/{id}` with `body` as raw bytes.
pub async fn put_raw(ho: &HeadOffice, key: &str, id: &str, body: &[u8]) -> (u16, Value) {
    let response = ho
        .http
        .put(format!("{}/v1/integrations/customers/{id}", ho.base_url))
        .bearer_auth(key)
        .header("content-type", "application/json")
        .body(body.to_vec())
        .send()
        .await
        .expect("send");
    let status = response.status().as_u16();
    (status, response.json().await.expect("every answer is JSON"))
}

pub async fn put(ho: &HeadOffice, key: &str, id: &str, body: Value) -> (u16, Value) {
    put_raw(ho, key, id, &serde_json::to_vec(&body).unwrap()).await
}

/// Every event, in cursor order, read straight from the table once the queue is folded:
/// (cursor, kind, member_id, data).
pub async fn events(ho: &HeadOffice) -> Vec<(i64, String, Option<String>, Value)> {
    // Tills' batches' events are written by a folder (`serve` runs one).
    head_office::integrations::ingest_events::fold(&mut *ho.client().await)
        .await
        .unwrap();
    ho.client()
        .await
        .query(
            "SELECT cursor, kind, member_id, data FROM integration_events ORDER BY cursor",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect()
}

/// What an upsert may change: members, channel links, events and the tills' feed.
async fn state(ho: &HeadOffice) -> Vec<String> {
    let mut out = Vec::new();
    for (table, order) in [
        ("members", "id"),
        ("channel_customers", "channel, external_id"),
        ("integration_events", "cursor"),
        ("feed", "cursor"),
    ] {
        let row = ho
            .client()
            .await
            .query_one(
                &format!(
                    "SELECT coalesce(string_agg(t::text, '\n' ORDER BY {order}), '') FROM {table} t"
                ),
                &[],
            )
            .await
            .unwrap();
        out.push(row.get(0));
    }
    out
}

/// The member the tills' feed holds for `id`.
async fn fed_member(ho: &HeadOffice, id: &str) -> Option<Value> {
    ho.client()
        .await
        .query_opt(
            "SELECT change::text FROM feed WHERE scope = '' AND key = 'member' || chr(31) || $1",
            &[&id],
        )
        .await
        .unwrap()
        .map(|r| serde_json::from_str::<Value>(&r.get::<_, String>(0)).unwrap()["data"].clone())
}

#[tokio::test]
async fn a_key_works_only_on_its_endpoints_within_its_scopes_until_revoked() {
    let ho = HeadOffice::start().await;
    let writer = key(&ho, "shop-writer", "shop", &[Scope::CustomersWrite]).await;
    assert!(writer.starts_with("int_") && writer.len() == 68, "{writer}");
    let stored: Vec<u8> = ho
        .client()
        .await
        .query_one(
            "SELECT key_sha256 FROM integrations WHERE name = 'shop-writer'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        stored,
        head_office::auth::token_sha256(&writer).to_vec(),
        "only the hash is kept"
    );

    let (s, v) = put(&ho, &writer, "A1", json!({"name": "张三"})).await;
    assert_eq!(s, 201, "{v}");
    let (s, v) = ho.get(Some(&writer), "/v1/integrations/events").await;
    assert_eq!((s, v["error"].as_str()), (403, Some("forbidden")), "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("events:read"),
        "{v}"
    );
    let (s, v) = ho.get(Some(&writer), "/v1/integrations/customers/A1").await;
    assert_eq!(s, 403, "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("customers:read"),
        "{v}"
    );

    // Neither a till's token nor a staff session opens the integration API, and a key
    // opens neither the till's nor the staff's endpoints.
    let till = ho.enroll(STORE, TERMINAL).await;
    let staff = ho.staff_token("wang", "admin", &[]).await;
    for other in [&till, &staff] {
        let (s, v) = put(&ho, other, "A1", json!({"name": "x"})).await;
        assert_eq!((s, v["error"].as_str()), (401, Some("unauthorized")), "{v}");
    }
    for path in ["/v1/feed", "/v1/gaps", "/v1/stock/low", "/v1/transfers"] {
        let (s, v) = ho.get(Some(&writer), path).await;
        assert_eq!(s, 401, "{path}: {v}");
    }

    keys::revoke(&**ho.client().await, "shop-writer", "test")
        .await
        .unwrap();
    let (s, v) = put(&ho, &writer, "A1", json!({"name": "李四"})).await;
    assert_eq!((s, v["error"].as_str()), (401, Some("unauthorized")), "{v}");
    assert!(v["message"].as_str().unwrap().contains("revoked"), "{v}");
    assert!(matches!(
        keys::revoke(&**ho.client().await, "shop-writer", "test").await,
        Err(keys::KeyError::AlreadyRevoked(_))
    ));
    ho.stop().await;
}

#[tokio::test]
async fn upserts_create_link_update_and_a_repeat_changes_nothing() {
    let ho = HeadOffice::start().await;
    ho.import_member("m-1", "13800000001", 50).await;
    let shop = key(&ho, "shop", "shop", &ALL_SCOPES).await;
    let crm = key(&ho, "crm", "crm", &[Scope::CustomersWrite]).await;
    let members_before = ho.count("members").await;

    // Unknown id, unknown phone: head office issues a member with its own card.
    let (s, created) = put(
        &ho,
        &shop,
        "A1",
        json!({"phone": "13900000009", "name": "赵六"}),
    )
    .await;
    assert_eq!(
        (s, created["outcome"].as_str()),
        (201, Some("created")),
        "{created}"
    );
    let id = created["member_id"].as_str().unwrap().to_owned();
    assert!(
        created["card_no"].as_str().unwrap().starts_with('H'),
        "{created}"
    );
    assert_eq!(ho.count("members").await, members_before + 1);
    let fed = fed_member(&ho, &id).await.expect("sent to the tills");
    // The tills get the member masked, with the phone's key.
    assert_eq!(
        (fed["phone"].as_str(), fed["name"].as_str()),
        (Some("*******0009"), Some("赵*"))
    );
    assert!(fed["phone_key"].is_string(), "{fed}");

    // The same upsert again: nothing written, no event.
    let before = state(&ho).await;
    let (s, again) = put(
        &ho,
        &shop,
        "A1",
        json!({"phone": "13900000009", "name": "赵六"}),
    )
    .await;
    assert_eq!(
        (s, again["outcome"].as_str()),
        (200, Some("unchanged")),
        "{again}"
    );
    assert_eq!(again["member_id"], created["member_id"]);
    assert_eq!(state(&ho).await, before);

    // Unknown id whose phone is a member's, in two channels: one customer record.
    let (s, linked) = put(&ho, &shop, "A2", json!({"phone": "13800000001"})).await;
    assert_eq!(
        (s, linked["outcome"].as_str(), linked["member_id"].as_str()),
        (200, Some("linked"), Some("m-1"))
    );
    let (s, linked) = put(
        &ho,
        &crm,
        "C-77",
        json!({"phone": "13800000001", "name": "王五"}),
    )
    .await;
    assert_eq!(
        (s, linked["outcome"].as_str(), linked["member_id"].as_str()),
        (200, Some("linked"), Some("m-1"))
    );
    assert_eq!(ho.count("members").await, members_before + 1);
    assert_eq!(ho.count("channel_customers").await, 3);

    // A known id updates its member, and the tills hear of it.
    let (s, updated) = put(&ho, &shop, "A1", json!({"name": "赵六六"})).await;
    assert_eq!(
        (s, updated["outcome"].as_str()),
        (200, Some("updated")),
        "{updated}"
    );
    assert_eq!(fed_member(&ho, &id).await.unwrap()["name"], "赵**");

    // A phone another member holds: 409, nothing changed.
    let before = state(&ho).await;
    let (s, v) = put(&ho, &shop, "A1", json!({"phone": "13800000001"})).await;
    assert_eq!((s, v["error"].as_str()), (409, Some("conflict")), "{v}");
    assert!(v["message"].as_str().unwrap().starts_with("phone:"), "{v}");
    assert_eq!(state(&ho).await, before);

    let (s, customer) = ho.get(Some(&shop), "/v1/integrations/customers/A1").await;
    assert_eq!(s, 200, "{customer}");
    assert_eq!(
        (customer["member_id"].as_str(), customer["name"].as_str()),
        (Some(id.as_str()), Some("赵六六"))
    );
    let (s, v) = ho
        .get(Some(&shop), "/v1/integrations/customers/nobody")
        .await;
    assert_eq!(s, 404, "{v}");

    // After the import's own two (m-1 created, its 50 points).
    let kinds: Vec<(String, Option<String>, Value)> = events(&ho)
        .await
        .into_iter()
        .skip(2)
        .map(|(_, k, m, d)| (k, m, d))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (
                "member.created".into(),
                Some(id.clone()),
                json!({"source": "channel", "channel": "shop", "external_id": "A1"})
            ),
            (
                "member.merged".into(),
                Some("m-1".into()),
                json!({"channel": "shop", "external_id": "A2"})
            ),
            (
                "member.merged".into(),
                Some("m-1".into()),
                json!({"channel": "crm", "external_id": "C-77"})
            ),
            (
                "member.changed".into(),
                Some(id.clone()),
                json!({"fields": ["name"], "channel": "shop", "external_id": "A1"})
            ),
        ]
    );
    ho.stop().await;
}

#[tokio::test]
async fn bad_input_is_refused_naming_the_field_and_changes_nothing() {
    let ho = HeadOffice::start().await;
    let shop = key(&ho, "shop", "shop", &[Scope::CustomersWrite]).await;
    let (s, _) = put(
        &ho,
        &shop,
        "A1",
        json!({"phone": "13900000009", "name": "赵六"}),
    )
    .await;
    assert_eq!(s, 201);
    let before = state(&ho).await;
    let long_id = "x".repeat(65);
    for (id, body, status, field) in [
        (
            "A1",
            br#"{"phone": "139-0000-0009"}"#.to_vec(),
            422,
            Some("phone"),
        ),
        ("A2", br#"{"phone": "12"}"#.to_vec(), 422, Some("phone")),
        (
            "A1",
            format!(r#"{{"name": "{}"}}"#, "名".repeat(65)).into_bytes(),
            422,
            Some("name"),
        ),
        ("A1", br#"{"name": 7}"#.to_vec(), 422, Some("name")),
        ("A1", br#"{"email": "a@b.c"}"#.to_vec(), 422, Some("email")),
        (
            long_id.as_str(),
            br#"{"name": "x"}"#.to_vec(),
            422,
            Some("external_id"),
        ),
        ("A1", br#"{"name": "x""#.to_vec(), 400, None),
        ("A1", br#"["x"]"#.to_vec(), 400, None),
    ] {
        let (s, v) = put_raw(&ho, &shop, id, &body).await;
        assert_eq!(s, status, "{}: {v}", String::from_utf8_lossy(&body));
        match field {
            Some(field) => {
                assert_eq!(
                    (v["error"].as_str(), v["field"].as_str()),
                    (Some("invalid_field"), Some(field)),
                    "{v}"
                );
                assert!(v["message"].as_str().unwrap().starts_with(field), "{v}");
            }
            None => assert_eq!(v["error"], "malformed", "{v}"),
        }
    }
    assert_eq!(state(&ho).await, before);
    ho.stop().await;
}

#[tokio::test]
async fn a_csv_import_is_all_or_nothing_and_exports_the_same_mapping() {
    let ho = HeadOffice::start().await;
    ho.import_member("m-1", "13800000001", 0).await;
    use head_office::integrations::customer_csv::{self, CsvError};
    let before = state(&ho).await;
    // Row 4 is malformed: the file is refused before anything is written.
    let bad = "external_id,phone,name\nE1,13900000001,甲\nE2,13800000001,\nE3,1390000x,丙\n";
    match customer_csv::parse(bad.as_bytes()) {
        Err(CsvError::BadRow { line: 4, problem }) => {
            assert!(problem.starts_with("phone:"), "{problem}")
        }
        other => panic!("{other:?}"),
    }
    let good = "external_id,phone,name\nE1,13900000001,甲\nE2,13800000001,\nE1b,13900000001,乙\n";
    let rows = customer_csv::parse(good.as_bytes()).unwrap();
    let outcome = customer_csv::import(&mut **ho.client().await, "erp", &rows)
        .await
        .unwrap();
    // E1b links to E1's new member and renames it (one customer, the latest name).
    assert_eq!((outcome.created, outcome.linked), (1, 2));
    // A row that parses but clashes in the database: the whole import rolls back.
    let taken = "external_id,phone,name\nE9,13900000002,丁\nE1,13800000001,\n";
    let rows = customer_csv::parse(taken.as_bytes()).unwrap();
    let after_good = state(&ho).await;
    assert_ne!(after_good, before);
    match customer_csv::import(&mut **ho.client().await, "erp", &rows).await {
        Err(CsvError::BadRow { line: 3, problem }) => {
            assert!(problem.starts_with("phone:"), "{problem}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(state(&ho).await, after_good, "nothing half-imported");

    let mut out = Vec::new();
    assert_eq!(
        customer_csv::export(&**ho.client().await, "erp", &mut out)
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        String::from_utf8(out.clone()).unwrap(),
        "external_id,phone,name\nE1,13900000001,乙\nE1b,13900000001,乙\nE2,13800000001,王五\n"
    );
    // Its own export imports back changing nothing.
    let rows = customer_csv::parse(&out[..]).unwrap();
    let again = customer_csv::import(&mut **ho.client().await, "erp", &rows)
        .await
        .unwrap();
    assert_eq!(again.unchanged, 3);
    assert_eq!(state(&ho).await, after_good);
    ho.stop().await;
}
