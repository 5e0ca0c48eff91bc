//! Real answers of the integration API for `openapi::real_answers_match_the_documented_schemas`:
//! every documented status of its three routes, and an event page holding every kind
//! of event.

use head_office::integrations::keys::Scope;
use pos_domain::document::DocumentBody;
use serde_json::{Value, json};

use crate::common::*;
use crate::integrations::{ALL_SCOPES, key, put, put_raw};

const CUSTOMER: &str = "/v1/integrations/customers/{external_id}";
const EVENTS: &str = "/v1/integrations/events";

/// A till of store S7 registers members (one merged by phone), sells to one, takes a
/// return and voids a sale: every kind of event a till's documents make.
async fn till_events(ho: &HeadOffice) {
    let till = ho.enroll("S7", TERMINAL).await;
    let sold = document(
        "S7",
        TERMINAL,
        2,
        DocumentBody::Sale(sale(&[item("A", 2, "3.00")], Some("s7-m"), 6, 0)),
    );
    let voided = document(
        "S7",
        TERMINAL,
        5,
        DocumentBody::Sale(sale(&[item("B", 1, "1.00")], None, 0, 0)),
    );
    let docs = vec![
        document(
            "S7",
            TERMINAL,
            1,
            DocumentBody::MemberRegistration(registration("s7-m", "13500000007")),
        ),
        sold.clone(),
        document(
            "S7",
            TERMINAL,
            3,
            DocumentBody::MemberRegistration(registration("s7-dup", "13500000007")),
        ),
        document(
            "S7",
            TERMINAL,
            4,
            DocumentBody::Return(return_of(
                Some(sold.id),
                &[item("A", 1, "3.00")],
                Some("s7-m"),
                3,
            )),
        ),
        voided.clone(),
        document("S7", TERMINAL, 6, DocumentBody::Void(void_of(&voided))),
    ];
    all_accepted(&ho.submit(&till, &batch("S7", TERMINAL, docs)).await);
}

/// (method, route, status, body) of the integration API.
pub async fn answers(
    ho: &HeadOffice,
    till_token: &str,
) -> Vec<(&'static str, &'static str, u16, Value)> {
    till_events(ho).await;
    let all = key(ho, "openapi-all", "shop", &ALL_SCOPES).await;
    let events_only = key(ho, "openapi-events", "erp", &[Scope::EventsRead]).await;
    let mut out = Vec::new();
    let mut push = |method, route, (s, v): (u16, Value)| out.push((method, route, s, v));
    push(
        "put",
        CUSTOMER,
        put(
            ho,
            &all,
            "OA-1",
            json!({"phone": "13500000099", "name": "钱七"}),
        )
        .await,
    );
    push(
        "put",
        CUSTOMER,
        put(ho, &all, "OA-1", json!({"name": "钱七七"})).await,
    );
    push(
        "put",
        CUSTOMER,
        put(ho, &all, "OA-2", json!({"phone": "13500000007"})).await,
    );
    push(
        "put",
        CUSTOMER,
        put(ho, &all, "OA-1", json!({"phone": "13500000007"})).await,
    );
    push(
        "put",
        CUSTOMER,
        put(ho, &all, "OA-1", json!({"phone": "1"})).await,
    );
    push("put", CUSTOMER, put_raw(ho, &all, "OA-1", b"{").await);
    push(
        "put",
        CUSTOMER,
        put(ho, &events_only, "OA-1", json!({})).await,
    );
    push(
        "put",
        CUSTOMER,
        put(ho, till_token, "OA-1", json!({})).await,
    );
    push(
        "put",
        CUSTOMER,
        put_raw(ho, &all, "OA-1", &vec![b' '; 9 * 1024 * 1024]).await,
    );
    let zstd = ho
        .http
        .put(format!("{}/v1/integrations/customers/OA-1", ho.base_url))
        .bearer_auth(&all)
        .header("content-encoding", "zstd")
        .body("{}")
        .send()
        .await
        .unwrap();
    push(
        "put",
        CUSTOMER,
        (zstd.status().as_u16(), zstd.json().await.unwrap()),
    );

    let long = format!("/v1/integrations/customers/{}", "x".repeat(65));
    for (path, token) in [
        ("/v1/integrations/customers/OA-1", &all),
        ("/v1/integrations/customers/nobody", &all),
        ("/v1/integrations/customers/OA-1", &events_only),
        ("/v1/integrations/customers/OA-1", &till_token.to_owned()),
        (long.as_str(), &all),
    ] {
        push("get", CUSTOMER, ho.get(Some(token), path).await);
    }
    for (query, token) in [
        ("?after=0&limit=1000", &all),
        ("?after=0&limit=3", &events_only),
        ("?limit=0", &all),
        ("", &till_token.to_owned()),
    ] {
        push(
            "get",
            EVENTS,
            ho.get(Some(token), &format!("{EVENTS}{query}")).await,
        );
    }
    let customer_only = key(ho, "openapi-writer", "crm", &[Scope::CustomersWrite]).await;
    push("get", EVENTS, ho.get(Some(&customer_only), EVENTS).await);

    // The full page holds every kind of event (each checked against its schema).
    let page = &out.iter().find(|a| a.1 == EVENTS && a.2 == 200).unwrap().3;
    let mut kinds: Vec<&str> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(
        kinds,
        [
            "member.changed",
            "member.created",
            "member.merged",
            "points.changed",
            "return",
            "sale",
            "void"
        ]
    );
    out
}
