//! Keeps `openapi.yaml` true: its routes are the router's routes, every `$ref` resolves
//! and every schema is used, and real answers of a running server (every status each
//! route can be made to give here) match the schemas the file names for them.

use std::collections::{BTreeSet, HashMap};

use crate::common::*;
use head_office::server::ROUTES;
use pos_domain::document::DocumentBody;
use pos_domain::stock_document::{GoodsReceipt, ReceiptLine, StockLine};
use serde_json::{Value, json};

pub(crate) fn spec() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml")).unwrap();
    serde_norway::from_str(&text).expect("openapi.yaml is YAML")
}

fn resolve<'a>(spec: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.strip_prefix('#').expect("local $ref");
            resolve(
                spec,
                spec.pointer(pointer)
                    .unwrap_or_else(|| panic!("{reference} does not resolve")),
            )
        }
        None => node,
    }
}

/// `schema` with its `allOf` parts folded in: their properties, required fields and
/// keywords, as one schema (OpenAPI 3.0 has no other way to extend or null a `$ref`).
pub(crate) fn merged(spec: &Value, schema: &Value) -> Value {
    let schema = resolve(spec, schema);
    let Some(parts) = schema["allOf"].as_array() else {
        return schema.clone();
    };
    let mut out = schema.as_object().unwrap().clone();
    out.remove("allOf");
    for part in parts {
        let part = merged(spec, part);
        for (key, value) in part.as_object().unwrap() {
            match key.as_str() {
                "properties" => {
                    let properties = out.entry("properties").or_insert_with(|| json!({}));
                    for (name, field) in value.as_object().unwrap() {
                        properties[name] = field.clone();
                    }
                }
                "required" => {
                    let required = out.entry("required").or_insert_with(|| json!([]));
                    let required = required.as_array_mut().unwrap();
                    required.extend(value.as_array().unwrap().iter().cloned());
                }
                _ => {
                    out.entry(key.clone()).or_insert_with(|| value.clone());
                }
            }
        }
    }
    Value::Object(out)
}

/// An integer of a JSON value or a schema bound, whatever its sign.
pub(crate) fn integer(value: &Value) -> Option<i128> {
    value
        .as_i64()
        .map(i128::from)
        .or_else(|| value.as_u64().map(i128::from))
}

/// Checks `value` against `schema`: types, required fields, no undocumented fields,
/// enums, integer ranges, patterns, `oneOf` (exactly one fits) and `allOf`;
/// recursively. Returns what does not match.
pub(crate) fn check(
    spec: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
    problems: &mut Vec<String>,
) {
    let schema = resolve(spec, schema);
    if value.is_null() && schema["nullable"] == true {
        return;
    }
    if let Some(variants) = schema["oneOf"].as_array() {
        let fitting = variants
            .iter()
            .filter(|variant| {
                let mut found = Vec::new();
                check(spec, variant, value, at, &mut found);
                found.is_empty()
            })
            .count();
        if fitting != 1 {
            problems.push(format!(
                "{at}: fits {fitting} of the oneOf schemas, not one"
            ));
        }
        return;
    }
    let schema = &merged(spec, schema);
    let fits = match schema["type"].as_str() {
        Some("object") => value.is_object(),
        Some("array") => value.is_array(),
        Some("string") => value.is_string(),
        Some("integer") => value.is_i64() || value.is_u64(),
        Some("boolean") => value.is_boolean(),
        other => panic!("{at}: schema type {other:?} not handled by this check"),
    };
    if !fits {
        problems.push(format!("{at}: {value} is not a {}", schema["type"]));
        return;
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        problems.push(format!("{at}: {value} is not one of {allowed:?}"));
    }
    if let Some(n) = integer(value) {
        let below = integer(&schema["minimum"]).is_some_and(|min| n < min);
        let above = integer(&schema["maximum"]).is_some_and(|max| n > max);
        if below || above {
            problems.push(format!("{at}: {n} is out of the schema's range"));
        }
    }
    if let (Some(text), Some(pattern)) = (value.as_str(), schema["pattern"].as_str())
        && !regex::Regex::new(pattern).unwrap().is_match(text)
    {
        problems.push(format!("{at}: {text:?} does not match {pattern}"));
    }
    if let Some(items) = value.as_array() {
        for (i, item) in items.iter().enumerate() {
            check(
                spec,
                &schema["items"],
                item,
                &format!("{at}[{i}]"),
                problems,
            );
        }
    }
    let (Some(object), Some(properties)) = (value.as_object(), schema["properties"].as_object())
    else {
        return;
    };
    for required in schema["required"].as_array().into_iter().flatten() {
        if !object.contains_key(required.as_str().unwrap()) {
            problems.push(format!("{at}: required field {required} is missing"));
        }
    }
    for (key, field) in object {
        match properties.get(key) {
            Some(field_schema) => {
                check(spec, field_schema, field, &format!("{at}.{key}"), problems)
            }
            None => problems.push(format!("{at}: field {key} is not in the schema")),
        }
    }
}

fn all_refs(node: &Value, found: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value.as_str()) {
                    ("$ref", Some(reference)) => {
                        found.insert(reference.to_owned());
                    }
                    _ => all_refs(value, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| all_refs(v, found)),
        _ => {}
    }
}

#[test]
fn the_routes_are_the_routers_and_every_ref_resolves() {
    let spec = spec();
    let documented: BTreeSet<(String, String)> = spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, methods)| {
            methods
                .as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.clone(), path.clone()))
        })
        .collect();
    let served: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(documented, served);

    let mut refs = BTreeSet::new();
    all_refs(&spec, &mut refs);
    for reference in &refs {
        assert!(
            spec.pointer(reference.strip_prefix('#').unwrap()).is_some(),
            "{reference} does not resolve"
        );
    }
    for name in spec["components"]["schemas"].as_object().unwrap().keys() {
        assert!(
            refs.contains(&format!("#/components/schemas/{name}")),
            "schema {name} is never used"
        );
    }
}

#[test]
fn a_batch_request_matches_its_schema() {
    let spec = spec();
    let doc = document(
        STORE,
        TERMINAL,
        1,
        DocumentBody::Sale(sale(&[item("A", 1, "1.00")], None, 0, 0)),
    );
    let request = serde_json::to_value(batch(STORE, TERMINAL, vec![doc])).unwrap();
    let mut problems = Vec::new();
    check(
        &spec,
        &spec["components"]["schemas"]["BatchRequest"],
        &request,
        "BatchRequest",
        &mut problems,
    );
    assert_eq!(problems, Vec::<String>::new());
}

/// `GET /v1/health` of a server whose database socket does not exist.
async fn health_without_a_database() -> (u16, Value) {
    let pool = head_office::db::pool(
        "host=/nonexistent/head-office user=postgres dbname=nothing",
        1,
        None,
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1/health", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(head_office::server::run(
        listener,
        head_office::server::AppState::new(pool),
        async {
            let _ = stopped.await;
        },
    ));
    let response = reqwest::get(url).await.unwrap();
    let answer = (response.status().as_u16(), response.json().await.unwrap());
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    answer
}

#[tokio::test]
async fn real_answers_match_the_documented_schemas() {
    let spec = spec();
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let stranger = ho.enroll("S9", "T1").await;
    let good = |seq| {
        document(
            STORE,
            TERMINAL,
            seq,
            DocumentBody::Sale(sale(&[item("A", 1, "2.00")], Some("m-1"), 2, 0)),
        )
    };
    let mut bad = sale(&[item("A", 1, "2.00")], None, 0, 0);
    bad.subtotal += rust_decimal::Decimal::ONE;
    let z = document(
        STORE,
        TERMINAL,
        5,
        DocumentBody::ZReport(z_report(1, "4.00", "4.00")),
    );
    let docs = vec![
        good(1),
        document(STORE, TERMINAL, 2, DocumentBody::Sale(bad)),
        good(4),
        z,
    ];
    let batch_json = serde_json::to_vec(&batch(STORE, TERMINAL, docs)).unwrap();

    // (method, route, status) -> answer
    let mut answers: Vec<(&str, &str, u16, Value)> = Vec::new();
    let (s, v) = ho.get(None, "/v1/health").await;
    answers.push(("get", "/v1/health", s, v));
    let (s, v) = health_without_a_database().await;
    answers.push(("get", "/v1/health", s, v));
    let (s, v) = ho.post_raw(&token, batch_json.clone(), None).await;
    answers.push(("post", "/v1/batches", s, v));
    let (s, v) = ho.post_raw(&token, b"[]".to_vec(), None).await;
    answers.push(("post", "/v1/batches", s, v));
    let (s, v) = ho.post_raw("0", batch_json.clone(), None).await;
    answers.push(("post", "/v1/batches", s, v));
    let (s, v) = ho.post_raw(&stranger, batch_json.clone(), None).await;
    answers.push(("post", "/v1/batches", s, v));
    let (s, v) = ho.post_raw(&token, vec![b' '; 9 * 1024 * 1024], None).await;
    answers.push(("post", "/v1/batches", s, v));
    let (s, v) = ho.post_raw(&token, batch_json, Some("zstd")).await;
    answers.push(("post", "/v1/batches", s, v));
    let impatient = HeadOffice::start_with(head_office::body::BodyLimits {
        read_timeout: std::time::Duration::from_millis(200),
        ..Default::default()
    })
    .await;
    let (s, v) = impatient
        .post_stalled(&impatient.enroll(STORE, TERMINAL).await)
        .await;
    answers.push(("post", "/v1/batches", s, v));
    impatient.stop().await;
    for (path, t) in [
        ("/v1/feed?cursor=0", Some(&token)),
        ("/v1/feed?cursor=x", Some(&token)),
        ("/v1/feed?limit=5001", Some(&token)),
        ("/v1/feed", None),
    ] {
        let (s, v) = ho.get(t.map(String::as_str), path).await;
        answers.push(("get", "/v1/feed", s, v));
    }
    for t in [Some(&token), None] {
        let (s, v) = ho.get(t.map(String::as_str), "/v1/gaps").await;
        answers.push(("get", "/v1/gaps", s, v));
    }
    // A transfer on its way to the token's store, so the answer has a line to check.
    let sender = ho.enroll("S2", TERMINAL).await;
    let mut sent = document(
        "S2",
        TERMINAL,
        1,
        DocumentBody::TransferDispatch(pos_domain::stock_document::TransferDispatch {
            transfer_id: "TR-1".into(),
            to_store: STORE.into(),
            lines: vec![pos_domain::stock_document::StockLine {
                sku: "A".into(),
                lot: Some("L1".into()),
                expiry_date: Some("2027-12-31".parse().unwrap()),
                serials: vec!["SN1".into()],
                quantity: 1,
            }],
        }),
    );
    sent.approvals.push(pos_domain::document::Approval {
        action: "transfer_dispatch".into(),
        manager_id: "m1".into(),
        at: chrono::Utc::now(),
    });
    all_accepted(&ho.submit(&sender, &batch("S2", TERMINAL, vec![sent])).await);
    for t in [Some(&token), None] {
        let (s, v) = ho
            .get(t.map(String::as_str), "/v1/transfers/incoming")
            .await;
        answers.push(("get", "/v1/transfers/incoming", s, v));
    }
    for (path, t) in [
        (
            "/v1/stores/S1/closes?business_date=2026-11-22",
            Some(&token),
        ),
        ("/v1/stores/S1/closes", Some(&token)),
        ("/v1/stores/S1/closes?business_date=2026-11-22", None),
        (
            "/v1/stores/S1/closes?business_date=2026-11-22",
            Some(&stranger),
        ),
    ] {
        let (s, v) = ho.get(t.map(String::as_str), path).await;
        answers.push(("get", "/v1/stores/{store_id}/closes", s, v));
    }
    let staff = ho.staff_token("wang", "admin", &[]).await;
    let manager = ho.staff_token("li", "store_manager", &[STORE]).await;
    let received = document(
        STORE,
        TERMINAL,
        6,
        DocumentBody::GoodsReceipt(GoodsReceipt {
            reference: "DN-1".into(),
            supplier: "鱼跃".into(),
            lines: vec![ReceiptLine {
                goods: StockLine {
                    sku: "A".into(),
                    lot: None,
                    expiry_date: None,
                    serials: vec![],
                    quantity: 3,
                },
                expected: Some(5),
            }],
        }),
    );
    all_accepted(
        &ho.submit(&token, &batch(STORE, TERMINAL, vec![received]))
            .await,
    );
    for (query, t) in [
        ("", Some(&staff)),
        ("?store=S1&from=2026-11-01&to=2026-11-30", Some(&manager)),
        ("?from=2026-11-30&to=2026-11-01", Some(&staff)),
        ("", Some(&token)),
        ("", None),
        ("?store=S9", Some(&manager)),
    ] {
        let route = "/v1/stock/receipt-discrepancies";
        let (s, v) = ho
            .get(t.map(String::as_str), &format!("{route}{query}"))
            .await;
        answers.push(("get", route, s, v));
    }
    answers.extend(crate::transfer_orders::openapi_answers(&ho, &staff, &manager).await);
    answers.extend(crate::openapi_stock_lists::answers(&ho, &staff, &manager, &token).await);
    answers.extend(crate::segments::openapi_answers(&ho, &staff, &manager, &token).await);
    answers.extend(crate::openapi_integrations::answers(&ho, &token).await);
    ho.stop().await;

    let mut seen: HashMap<(String, String), BTreeSet<String>> = HashMap::new();
    let mut problems = Vec::new();
    for (method, route, status, body) in &answers {
        let responses = &spec["paths"][route][method]["responses"];
        let response = resolve(&spec, &responses[status.to_string()]);
        assert!(
            !response.is_null(),
            "{method} {route} answered {status}, which openapi.yaml does not list: {body}"
        );
        let schema = &response["content"]["application/json"]["schema"];
        check(
            &spec,
            schema,
            body,
            &format!("{method} {route} {status}"),
            &mut problems,
        );
        if *status < 500 {
            seen.entry((method.to_string(), route.to_string()))
                .or_default()
                .insert(status.to_string());
        }
    }
    assert_eq!(problems, Vec::<String>::new());
    // Every documented status was seen, except server failures this test cannot cause.
    for (method, route) in ROUTES {
        let documented: BTreeSet<String> = spec["paths"][route][method]["responses"]
            .as_object()
            .unwrap()
            .keys()
            .filter(|s| !s.starts_with('5'))
            .cloned()
            .collect();
        assert_eq!(
            seen.get(&(method.to_string(), route.to_string())),
            Some(&documented),
            "{method} {route}"
        );
    }
    // The batch answer held both a null reason and a string one.
    let first_batch = &answers.iter().find(|a| a.0 == "post").unwrap().3;
    let statuses: BTreeSet<&str> = first_batch["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, BTreeSet::from(["accepted", "rejected"]));
}

// The document schemas against the server's own types: whatever the schema allows, the
// server reads; whatever it requires, the server requires; nothing more, nothing less.
