//! The schema's documents against the server's own types: every kind read and written
//! back, exactly the required fields, exactly the listed values, every decimal the pattern
//! allows, the least document of each kind answered one by one; and the feed's ranges.

use crate::common::*;
use crate::openapi::{check, integer, merged, spec};
use pos_domain::document::{Document, DocumentBody};
use serde_json::{Value, json};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Extent {
    /// Only the required fields, each at the least the schema allows, arrays empty.
    Least,
    /// Every field, each at the most the schema allows, arrays of one.
    Most,
}

/// The instance of `schema` at `extent`. Every integer must say its range and every
/// string its format (or none), so the instance is the schema's own edge.
fn instance(spec: &Value, schema: &Value, extent: Extent) -> Value {
    let schema = merged(spec, schema);
    if let Some(values) = schema["enum"].as_array() {
        return match extent {
            Extent::Least => values.first(),
            Extent::Most => values.last(),
        }
        .unwrap()
        .clone();
    }
    match schema["type"].as_str() {
        Some("object") => {
            let required: BTreeSet<&str> = schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| r.as_str().unwrap())
                .collect();
            let object = schema["properties"]
                .as_object()
                .unwrap()
                .iter()
                .filter(|(name, _)| extent == Extent::Most || required.contains(name.as_str()))
                .map(|(name, field)| (name.clone(), instance(spec, field, extent)))
                .collect();
            Value::Object(object)
        }
        Some("array") => match extent {
            Extent::Least => json!([]),
            Extent::Most => json!([instance(spec, &schema["items"], extent)]),
        },
        Some("boolean") => json!(extent == Extent::Most),
        Some("integer") => {
            let bound = match extent {
                Extent::Least => &schema["minimum"],
                Extent::Most => &schema["maximum"],
            };
            assert!(
                integer(bound).is_some(),
                "an integer without a range: {schema}"
            );
            bound.clone()
        }
        Some("string") => json!(match (schema["format"].as_str(), extent) {
            (Some("uuid"), _) => "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
            (Some("date"), _) => "2026-11-22",
            (Some("date-time"), _) => "2026-11-22T10:00:00Z",
            (Some("decimal"), Extent::Least) => "0",
            (Some("decimal"), Extent::Most) => "-9999999999999999999999999999",
            (None, Extent::Least) => "",
            (None, Extent::Most) => "text",
            (Some(other), _) => panic!("string format {other} not handled"),
        }),
        other => panic!("schema type {other:?} not handled: {schema}"),
    }
}

/// Each document kind's schema in `Document.oneOf`, with the kind's `type`.
fn document_kinds(spec: &Value) -> Vec<(String, Value)> {
    spec["components"]["schemas"]["Document"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|variant| {
            let kind = merged(spec, variant)["properties"]["type"]["enum"][0]
                .as_str()
                .unwrap()
                .to_owned();
            (kind, variant.clone())
        })
        .collect()
}

fn read_document(value: &Value) -> Result<Document, serde_json::Error> {
    serde_json::from_value::<Document>(value.clone())
}

/// `value` without its null fields, at every depth.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

#[test]
fn every_document_kind_the_schema_describes_is_read_and_written_back_by_the_server_types() {
    let spec = spec();
    let kinds = document_kinds(&spec);
    let described: BTreeSet<&str> = kinds.iter().map(|(kind, _)| kind.as_str()).collect();
    let known: BTreeSet<&str> = DocumentBody::KINDS.into_iter().collect();
    assert_eq!(described, known, "one schema per DocumentBody variant");
    for (kind, schema) in &kinds {
        for extent in [Extent::Least, Extent::Most] {
            let value = instance(&spec, schema, extent);
            let mut problems = Vec::new();
            let document_schema = &spec["components"]["schemas"]["Document"];
            check(&spec, document_schema, &value, kind, &mut problems);
            assert_eq!(problems, Vec::<String>::new(), "{kind} {extent:?}");
            let document = read_document(&value)
                .unwrap_or_else(|e| panic!("{kind} {extent:?}: {e}\n{value:#}"));
            assert_eq!(document.body.kind(), kind);
            // Written back, the document holds exactly the schema's fields (nulls stand
            // for fields left out): none the server ignores, none the schema misses.
            assert_eq!(
                without_nulls(&serde_json::to_value(&document).unwrap()),
                value,
                "{kind} {extent:?}"
            );
        }
    }
}

/// Where a field sits in a document: object keys and array indexes.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every field of `value` (an instance of `schema`), depth first: its path, its merged
/// schema, and whether the schema requires it.
fn fields(
    spec: &Value,
    schema: &Value,
    value: &Value,
    path: &[Step],
    out: &mut Vec<(Vec<Step>, Value, bool)>,
) {
    let schema = merged(spec, schema);
    if let Some(items) = value.as_array() {
        for (i, item) in items.iter().enumerate() {
            let mut at = path.to_vec();
            at.push(Step::Index(i));
            fields(spec, &schema["items"], item, &at, out);
        }
    }
    let Some(object) = value.as_object() else {
        return;
    };
    let required: Vec<&Value> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    for (name, field) in object {
        let field_schema = merged(spec, &schema["properties"][name]);
        let mut at = path.to_vec();
        at.push(Step::Key(name.clone()));
        out.push((
            at.clone(),
            field_schema.clone(),
            required.contains(&&json!(name)),
        ));
        fields(spec, &field_schema, field, &at, out);
    }
}

fn at_path<'a>(value: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(value, |v, step| match step {
        Step::Key(k) => &mut v[k.as_str()],
        Step::Index(i) => &mut v[*i],
    })
}

/// `value` with the field at `path` replaced (`Some`) or removed (`None`).
fn changed(value: &Value, path: &[Step], to: Option<Value>) -> Value {
    let mut value = value.clone();
    let (Step::Key(last), parent) = path.split_last().unwrap() else {
        panic!("a field path ends in a key")
    };
    let parent = at_path(&mut value, parent).as_object_mut().unwrap();
    match to {
        Some(v) => parent.insert(last.clone(), v),
        None => parent.remove(last),
    };
    value
}

#[test]
fn the_server_requires_exactly_the_required_fields_and_takes_exactly_the_listed_values() {
    let spec = spec();
    let mut problems = Vec::new();
    for (kind, schema) in document_kinds(&spec) {
        let full = instance(&spec, &schema, Extent::Most);
        let mut all = Vec::new();
        fields(&spec, &schema, &full, &[], &mut all);
        for (path, field, required) in all {
            let name = format!("{kind} {path:?}");
            let mut expect = |what: &str, value: Value, ok: bool| {
                let read = read_document(&value);
                if read.is_ok() != ok {
                    problems.push(format!("{name}: {what}: the server says {read:?}"));
                }
            };
            expect("left out", changed(&full, &path, None), !required);
            let nullable = field["nullable"] == true;
            expect("null", changed(&full, &path, Some(Value::Null)), nullable);
            if let Some(values) = field["enum"].as_array() {
                if path.len() > 1 || !matches!(&path[0], Step::Key(k) if k == "type") {
                    for allowed in values {
                        expect("listed", changed(&full, &path, Some(allowed.clone())), true);
                    }
                }
                expect(
                    "unlisted",
                    changed(&full, &path, Some(json!("unlisted"))),
                    false,
                );
            }
            if field["type"] == "integer" {
                let (min, max) = (integer(&field["minimum"]), integer(&field["maximum"]));
                for (n, ok) in [
                    (min.unwrap(), true),
                    (max.unwrap(), true),
                    (min.unwrap() - 1, false),
                    (max.unwrap() + 1, false),
                ] {
                    // Past i64/u64 JSON cannot say it as an integer; nothing to check.
                    let number = i64::try_from(n)
                        .map(Value::from)
                        .or_else(|_| u64::try_from(n).map(Value::from));
                    if let Ok(number) = number {
                        expect(&format!("{n}"), changed(&full, &path, Some(number)), ok);
                    }
                }
            }
        }
    }
    assert_eq!(problems, Vec::<String>::new());
}

#[test]
fn every_decimal_the_pattern_allows_is_a_decimal_the_server_reads() {
    let spec = spec();
    let pattern = spec["components"]["schemas"]["Decimal"]["pattern"]
        .as_str()
        .unwrap();
    let pattern = regex::Regex::new(pattern).unwrap();
    let digits = "9".repeat(28);
    for edge in [
        "0".to_owned(),
        digits.clone(),
        format!("-{digits}"),
        format!("{digits}.{digits}"),
        format!("-{digits}.{digits}"),
        format!("0.{}1", "0".repeat(27)),
    ] {
        assert!(pattern.is_match(&edge), "{edge}");
        let read: Result<rust_decimal::Decimal, _> = serde_json::from_value(json!(edge));
        assert!(read.is_ok(), "{edge}: {read:?}");
    }
    for outside in ["", "1.", ".5", "+1", "1e3", "1,5", &format!("1{digits}")] {
        assert!(!pattern.is_match(outside), "{outside}");
    }
}

#[tokio::test]
async fn a_batch_of_the_least_document_of_each_kind_is_answered_document_by_document() {
    let spec = spec();
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    let documents: Vec<Value> = document_kinds(&spec)
        .iter()
        .enumerate()
        .map(|(i, (_, schema))| {
            let mut doc = instance(&spec, schema, Extent::Least);
            doc["id"] = json!(uuid::Uuid::now_v7());
            doc["store_id"] = json!(STORE);
            doc["terminal_id"] = json!(TERMINAL);
            doc["sequence"] = json!(i + 1);
            doc
        })
        .collect();
    let request = json!({ "store_id": STORE, "terminal_id": TERMINAL, "documents": documents });
    let mut problems = Vec::new();
    let batch_schema = &spec["components"]["schemas"]["BatchRequest"];
    check(&spec, batch_schema, &request, "BatchRequest", &mut problems);
    assert_eq!(problems, Vec::<String>::new());
    let (status, body) = ho
        .post_raw(&token, serde_json::to_vec(&request).unwrap(), None)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["results"].as_array().unwrap().len(), documents.len());
    ho.stop().await;
}

#[tokio::test]
async fn the_feed_takes_exactly_the_documented_limit_range() {
    let spec = spec();
    let parameters = spec["paths"]["/v1/feed"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let limit = parameters.iter().find(|p| p["name"] == "limit").unwrap();
    let min = integer(&limit["schema"]["minimum"]).unwrap();
    let max = integer(&limit["schema"]["maximum"]).unwrap();
    assert_eq!(max, i128::from(pos_domain::protocol::FEED_LIMIT_MAX));
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    for (n, expected) in [(min - 1, 400), (min, 200), (max, 200), (max + 1, 400)] {
        let (status, body) = ho
            .get(Some(&token), &format!("/v1/feed?cursor=0&limit={n}"))
            .await;
        assert_eq!(status, expected, "limit={n}: {body}");
        if expected == 400 {
            assert_eq!(body["error"], "bad_request", "{body}");
            assert!(
                body["message"].as_str().unwrap().contains(&max.to_string()),
                "the answer names the limit: {body}"
            );
        }
    }
    ho.stop().await;
}

#[tokio::test]
async fn the_feed_takes_exactly_the_documented_pending_documents_range() {
    let spec = spec();
    let parameters = spec["paths"]["/v1/feed"]["get"]["parameters"]
        .as_array()
        .unwrap();
    let pending = parameters
        .iter()
        .find(|p| p["name"] == "Pending-Documents" && p["in"] == "header")
        .expect("the header is documented");
    let min = integer(&pending["schema"]["minimum"]).unwrap();
    let max = integer(&pending["schema"]["maximum"]).unwrap();
    assert_eq!(max, i128::from(pos_domain::protocol::PENDING_MAX));
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    for (n, expected) in [(min - 1, 400), (min, 200), (max, 200), (max + 1, 400)] {
        let response = ho
            .http
            .get(format!("{}/v1/feed?cursor=0", ho.base_url))
            .bearer_auth(&token)
            .header("Pending-Documents", n.to_string())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, expected, "Pending-Documents: {n}: {body}");
        if expected == 400 {
            assert_eq!(body["error"], "bad_request", "{body}");
            assert!(
                body["message"].as_str().unwrap().contains(&max.to_string()),
                "the answer names the range: {body}"
            );
        }
    }
    ho.stop().await;
}
