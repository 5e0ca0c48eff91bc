//! The Tills and sync page's rejected documents and backlog: what ingest rejected is
//! kept (even when its own transaction refused it, never at the cost of the till's
//! answer) and resolved by a later send; the backlog a till says with its pull shows
//! with its time; store managers see only their stores'; the terminals table sorts,
//! filters and exports like every console table.

use chrono::{DateTime, Utc};
use pos_domain::document::{Document, DocumentBody};
use pos_domain::protocol::{DocumentStatus, PENDING_MAX};
use serde_json::Value;
use uuid::Uuid;

use crate::common::*;
use crate::console_tables::{export, html_rows};

fn plain_sale(store: &str, sequence: u64, sku: &'static str) -> Document {
    document(
        store,
        "T01",
        sequence,
        DocumentBody::Sale(sale(&[item(sku, 1, "10.00")], None, 0, 0)),
    )
}

fn void(sale: &Document, sequence: u64) -> Document {
    document(
        &sale.store_id,
        &sale.terminal_id,
        sequence,
        DocumentBody::Void(void_of(sale)),
    )
}

/// A rejection as kept: (times, resolved, reason).
async fn kept(ho: &HeadOffice, document: Uuid) -> Option<(i32, bool, String)> {
    ho.client()
        .await
        .query_opt(
            "SELECT times, resolved_at IS NOT NULL, reason FROM rejected_documents
             WHERE document_id = $1",
            &[&document],
        )
        .await
        .unwrap()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
}

/// `GET /v1/feed` saying `pending` (each value a `Pending-Documents` header).
async fn pull(ho: &HeadOffice, token: &str, pending: &[&str]) -> (u16, Value) {
    let mut request = ho
        .http
        .get(format!("{}/v1/feed?cursor=0", ho.base_url))
        .bearer_auth(token);
    for value in pending {
        request = request.header("Pending-Documents", *value);
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON"))
}

async fn backlog(ho: &HeadOffice, store: &str) -> Option<(i64, DateTime<Utc>)> {
    let row = ho
        .client()
        .await
        .query_one(
            "SELECT backlog, backlog_at FROM terminal_contacts WHERE store_id = $1",
            &[&store],
        )
        .await
        .unwrap();
    row.get::<_, Option<i64>>(0).zip(row.get(1))
}

/// The terminals table's row of `store`, by column key.
fn terminal_row(body: &str, store: &str) -> Vec<String> {
    html_rows(body, "terminals")
        .into_iter()
        .find(|r| r[0] == store)
        .unwrap_or_else(|| panic!("{store} in {body}"))
}

const BACKLOG: usize = 5;
const BACKLOG_AT: usize = 6;
const REJECTED: usize = 9;

#[tokio::test]
async fn a_rejected_void_shows_with_its_reason_until_its_sale_and_it_are_sent_again() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    let token = ho.enroll("S001", "T01").await;
    let sale = plain_sale("S001", 1, "A");
    let early_void = void(&sale, 2);

    for round in 1..=2 {
        let answer = ho
            .submit(&token, &batch("S001", "T01", vec![early_void.clone()]))
            .await;
        assert_eq!(answer.results[0].status, DocumentStatus::Rejected);
        let reason = answer.results[0].reason.clone().unwrap();
        assert_eq!(
            kept(&ho, early_void.id).await,
            Some((round, false, reason)),
            "kept with the reason the till was answered, try {round}"
        );
    }
    let mut admin = ho.signed_in("wang").await;
    let page = admin.get("/tills").await;
    assert_eq!(page.status, 200);
    let rows = html_rows(&page.body, "rejections");
    assert_eq!(rows.len(), 1, "{rows:?}");
    let [store, terminal, sequence, kind, reason, tries, _last] = &rows[0][..] else {
        panic!("{rows:?}")
    };
    assert_eq!(
        (store.as_str(), terminal.as_str(), sequence.as_str()),
        ("S001", "T01", "2")
    );
    assert_eq!((kind.as_str(), tries.as_str()), ("void", "2"));
    assert!(
        reason.contains(&sale.id.to_string()) && reason.contains("send the sale first"),
        "{reason}"
    );
    assert_eq!(terminal_row(&page.body, "S001")[REJECTED], "1");

    let answer = ho
        .submit(
            &token,
            &batch("S001", "T01", vec![sale.clone(), early_void.clone()]),
        )
        .await;
    all_accepted(&answer);
    let (times, resolved, _) = kept(&ho, early_void.id).await.unwrap();
    assert_eq!((times, resolved), (2, true));
    assert_eq!(
        kept(&ho, sale.id).await,
        None,
        "nothing kept of an accepted one"
    );
    let page = admin.get("/tills").await;
    assert!(!page.body.contains(r#"id="rejections""#), "{}", page.body);
    assert_eq!(terminal_row(&page.body, "S001")[REJECTED], "0");
    ho.stop().await;
}

/// The database refuses one document of the batch (a rule the test adds): the batch's
/// transaction fails and its documents are stored one at a time. The refused one is
/// still kept, and the till's request answers 200.
#[tokio::test]
async fn a_document_the_batchs_transaction_refused_is_kept_and_the_request_answers_200() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll("S001", "T01").await;
    ho.client()
        .await
        .batch_execute(
            "ALTER TABLE stock ADD CONSTRAINT no_refused_sku CHECK (sku <> 'REFUSED-BY-DB')",
        )
        .await
        .unwrap();
    let good = plain_sale("S001", 1, "GOOD");
    let refused = plain_sale("S001", 2, "REFUSED-BY-DB");
    let (status, body) = ho
        .post_batch(
            &token,
            &batch("S001", "T01", vec![good.clone(), refused.clone()]),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["results"][1]["status"], "rejected");
    let (times, resolved, reason) = kept(&ho, refused.id).await.expect("kept");
    assert_eq!((times, resolved), (1, false));
    assert!(reason.contains("no_refused_sku"), "{reason}");
    assert_eq!(reason, body["results"][1]["reason"].as_str().unwrap());
    assert_eq!(kept(&ho, good.id).await, None);
    ho.stop().await;
}

/// Recording fails (its table is away): the till gets the same answer, and the next
/// send records it.
#[tokio::test]
async fn a_failure_to_record_a_rejection_changes_nothing_the_till_is_answered() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll("S001", "T01").await;
    let sale = plain_sale("S001", 1, "A");
    let early_void = void(&sale, 2);
    let request = batch("S001", "T01", vec![early_void.clone()]);
    let client = ho.client().await;
    client
        .batch_execute("ALTER TABLE rejected_documents RENAME TO rejected_documents_away")
        .await
        .unwrap();
    let (status, while_away) = ho.post_batch(&token, &request).await;
    assert_eq!(status, 200, "{while_away}");
    assert_eq!(while_away["results"][0]["status"], "rejected");
    client
        .batch_execute("ALTER TABLE rejected_documents_away RENAME TO rejected_documents")
        .await
        .unwrap();
    assert_eq!(ho.count("rejected_documents").await, 0);
    let (status, again) = ho.post_batch(&token, &request).await;
    assert_eq!((status, &again), (200, &while_away));
    assert_eq!(kept(&ho, early_void.id).await.map(|k| k.0), Some(1));
    ho.stop().await;
}

#[tokio::test]
async fn the_backlog_a_pull_says_is_kept_with_its_time_and_a_bad_one_is_refused() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    let token = ho.enroll("S001", "T01").await;
    let (status, _) = pull(&ho, &token, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(backlog(&ho, "S001").await, None, "an old till says nothing");
    let mut admin = ho.signed_in("wang").await;
    let row = terminal_row(&admin.get("/tills").await.body, "S001");
    assert_eq!(
        (row[BACKLOG].as_str(), row[BACKLOG_AT].as_str()),
        ("未知", "")
    );

    let (status, body) = pull(&ho, &token, &["5"]).await;
    assert_eq!(status, 200, "{body}");
    let (n, at) = backlog(&ho, "S001").await.expect("kept");
    assert_eq!(n, 5);
    let row = terminal_row(&admin.get("/tills").await.body, "S001");
    assert_eq!(row[BACKLOG], "5");
    assert_eq!(row[BACKLOG_AT], at.format("%Y-%m-%d %H:%M:%S").to_string());

    let too_many = (PENDING_MAX + 1).to_string();
    for bad in [
        vec!["-1"],
        vec!["abc"],
        vec!["+3"],
        vec!["3.0"],
        vec![too_many.as_str()],
        vec!["99999999999999999999999"],
        vec!["3", "4"],
    ] {
        let (status, body) = pull(&ho, &token, &bad).await;
        assert_eq!(status, 400, "{bad:?}: {body}");
        assert_eq!(body["error"], "bad_request");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("Pending-Documents"),
            "{body}"
        );
        assert_eq!(
            backlog(&ho, "S001").await,
            Some((n, at)),
            "{bad:?} kept nothing"
        );
    }
    assert_eq!(pull(&ho, &token, &[&PENDING_MAX.to_string()]).await.0, 200);
    assert_eq!(backlog(&ho, "S001").await.unwrap().0, PENDING_MAX as i64);
    // A changed count is written at once, even within the pull's 10 s throttle; a pull
    // that says nothing keeps the last one said.
    assert_eq!(pull(&ho, &token, &["0"]).await.0, 200);
    assert_eq!(backlog(&ho, "S001").await.unwrap().0, 0);
    assert_eq!(pull(&ho, &token, &[]).await.0, 200);
    assert_eq!(backlog(&ho, "S001").await.unwrap().0, 0);
    ho.stop().await;
}

#[tokio::test]
async fn a_store_manager_never_sees_another_stores_rejections_or_backlog() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    let mut voided_sales = Vec::new();
    for (store, pending) in [("S001", "7"), ("S002", "987654")] {
        let token = ho.enroll(store, "T01").await;
        let sale = plain_sale(store, 1, "A");
        let answer = ho
            .submit(&token, &batch(store, "T01", vec![void(&sale, 2)]))
            .await;
        assert_eq!(answer.results[0].status, DocumentStatus::Rejected);
        assert_eq!(pull(&ho, &token, &[pending]).await.0, 200);
        voided_sales.push(sale.id.to_string());
    }
    let mut li = ho.signed_in("li").await;
    let page = li.get("/tills").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&voided_sales[0]), "{}", page.body);
    assert_eq!(terminal_row(&page.body, "S001")[BACKLOG], "7");
    for hidden in ["S002", "987654", voided_sales[1].as_str()] {
        assert!(!page.body.contains(hidden), "{hidden} shown to li");
    }
    let filtered = li.get("/tills?q=S002").await;
    assert!(html_rows(&filtered.body, "terminals").is_empty());

    let csv = export(&ho.base_url, &li, "/tills?format=csv").await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.content_type.starts_with("text/csv"),
        "{}",
        csv.content_type
    );
    let (header, rows) = csv.rows();
    assert_eq!(header[BACKLOG], "积压");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0][0].as_str(), rows[0][BACKLOG].as_str()),
        ("S001", "7")
    );

    let admin = ho.signed_in("wang").await;
    let (_, rows) = export(
        &ho.base_url,
        &admin,
        "/tills?format=csv&sort=backlog&dir=desc",
    )
    .await
    .rows();
    let backlogs: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[BACKLOG].as_str()))
        .collect();
    assert_eq!(backlogs, [("S002", "987654"), ("S001", "7")]);
    ho.stop().await;
}

#[tokio::test]
async fn the_terminals_table_sorts_filters_and_refuses_a_bad_query_by_name() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    for (terminal, pending) in [("T01", "30"), ("T02", "4"), ("T03", "")] {
        let token = ho.enroll("S001", terminal).await;
        let said: Vec<&str> = Some(pending)
            .filter(|p| !p.is_empty())
            .into_iter()
            .collect();
        assert_eq!(pull(&ho, &token, &said).await.0, 200);
    }
    let mut admin = ho.signed_in("wang").await;
    let order = |body: &str| -> Vec<String> {
        html_rows(body, "terminals")
            .into_iter()
            .map(|r| r[1].clone())
            .collect()
    };
    let page = admin.get("/tills?sort=backlog&dir=asc").await;
    assert_eq!(
        order(&page.body),
        ["T02", "T01", "T03"],
        "by number, unknown last"
    );
    let page = admin.get("/tills?q=t02").await;
    assert_eq!(order(&page.body), ["T02"]);
    for (query, named) in [
        ("sort=price", "price"),
        ("dir=up", "up"),
        ("format=xlsx", "xlsx"),
    ] {
        let refused = admin.get(&format!("/tills?{query}")).await;
        assert_eq!(refused.status, 400, "{query}");
        assert!(refused.body.contains(named), "{query}: {}", refused.body);
    }
    ho.stop().await;
}
