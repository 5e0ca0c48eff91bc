//! Rows nobody needs any more: what `serve`'s hourly housekeeping prunes and what it
//! keeps, and the rejections' resolving, which must cost nothing for the many batches
//! of terminals with no rejection open.

use chrono::{DateTime, TimeDelta, Utc};
use head_office::housekeeping::{Pruned, prune};
use head_office::ingest::rejections::RECORD_SQL;
use serde_json::Value;
use uuid::Uuid;

use crate::common::*;

/// Keeps a rejection of S001/T01 (or `store`'s T01), resolved at `resolved` if given.
async fn rejection(ho: &HeadOffice, store: &str, resolved: Option<DateTime<Utc>>) -> Uuid {
    let id = Uuid::now_v7();
    let long_ago = Utc::now() - TimeDelta::days(400);
    ho.client()
        .await
        .execute(
            "INSERT INTO rejected_documents (document_id, store_id, terminal_id, sequence, kind,
                    reason, first_rejected_at, last_rejected_at, times, resolved_at)
             VALUES ($1, $2, 'T01', 1, 'void', 'send the sale first', $3, $3, 1, $4)",
            &[&id, &store, &long_ago, &resolved],
        )
        .await
        .unwrap();
    id
}

async fn ids(ho: &HeadOffice, sql: &str) -> Vec<String> {
    let mut ids: Vec<String> = ho
        .client()
        .await
        .query(sql, &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn pruning_removes_old_resolved_rejections_ended_sessions_and_forgotten_failures_only() {
    let ho = HeadOffice::start().await;
    let now = Utc::now();
    let days = TimeDelta::days;
    let long_resolved = rejection(&ho, "S001", Some(now - days(91))).await;
    let lately_resolved = rejection(&ho, "S001", Some(now - days(89))).await;
    let open_for_long = rejection(&ho, "S001", None).await;

    ho.add_console_user("wang", "admin", &[]).await;
    let client = ho.client().await;
    let session = |opened: DateTime<Utc>, seen: DateTime<Utc>, name: &'static str| {
        let client = &client;
        async move {
            head_office::console::session::open(&***client, "wang", opened)
                .await
                .unwrap();
            client
                .execute(
                    "UPDATE console_sessions SET last_seen_at = $1, csrf = $2
                     WHERE created_at = $3",
                    &[&seen, &name, &opened],
                )
                .await
                .unwrap();
        }
    };
    let minutes = TimeDelta::minutes;
    session(
        now - TimeDelta::hours(13),
        now - minutes(1),
        "past its lifetime",
    )
    .await;
    session(now - minutes(50), now - minutes(31), "idle too long").await;
    session(now - TimeDelta::hours(11), now - minutes(29), "in use").await;

    for (name, last, locked_until) in [
        (
            "forgotten",
            now - TimeDelta::hours(25),
            now - TimeDelta::hours(24),
        ),
        (
            "lately",
            now - TimeDelta::hours(23),
            now - TimeDelta::hours(22),
        ),
        ("still locked", now - days(2), now + minutes(5)),
    ] {
        client
            .execute(
                "INSERT INTO console_sign_in_failures (name, failures, last_at, locked_until)
                 VALUES ($1, 10, $2, $3)",
                &[&name, &last, &locked_until],
            )
            .await
            .unwrap();
    }

    let pruned = prune(&**client, now).await.unwrap();
    assert_eq!(
        pruned,
        Pruned {
            resolved_rejections: 1,
            ended_sessions: 2,
            forgotten_sign_in_failures: 1,
        }
    );
    let mut kept = vec![lately_resolved.to_string(), open_for_long.to_string()];
    kept.sort();
    assert_eq!(
        ids(&ho, "SELECT document_id::text FROM rejected_documents").await,
        kept
    );
    assert!(!kept.contains(&long_resolved.to_string()));
    assert_eq!(
        ids(&ho, "SELECT csrf FROM console_sessions").await,
        ["in use"]
    );
    assert_eq!(
        ids(&ho, "SELECT name FROM console_sign_in_failures").await,
        ["lately", "still locked"]
    );
    assert_eq!(
        prune(&**client, now).await.unwrap(),
        Pruned::default(),
        "nothing more"
    );
    drop(client);
    ho.stop().await;
}

/// How many times each scan of the rows the recording statement resolves ran.
fn resolving_scans(plan: &Value, loops: &mut Vec<i64>) {
    if plan["Alias"] == "rejected_documents" && plan["Node Type"] != "ModifyTable" {
        loops.push(plan["Actual Loops"].as_i64().unwrap());
    }
    for child in plan["Plans"].as_array().into_iter().flatten() {
        resolving_scans(child, loops);
    }
}

/// Runs the recording statement for a batch that delivered 500 documents of S001/T01
/// and rejected none, under EXPLAIN ANALYZE, and undoes it.
async fn record_a_delivered_batch(ho: &HeadOffice) -> Vec<i64> {
    let mut client = ho.client().await;
    let tx = client.transaction().await.unwrap();
    let delivered: Vec<Uuid> = (0..500).map(|_| Uuid::now_v7()).collect();
    let none: Vec<Uuid> = Vec::new();
    let row = tx
        .query_one(
            &format!("EXPLAIN (ANALYZE, FORMAT JSON) {RECORD_SQL}"),
            &[
                &"S001",
                &"T01",
                &none,
                &Vec::<Option<i64>>::new(),
                &Vec::<String>::new(),
                &Vec::<String>::new(),
                &delivered,
            ],
        )
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    let plan: Value = row.get(0);
    let mut loops = Vec::new();
    resolving_scans(&plan[0]["Plan"], &mut loops);
    assert!(!loops.is_empty(), "{plan:#}");
    loops
}

#[tokio::test]
async fn a_batch_of_a_terminal_with_no_rejection_open_looks_up_none_of_its_documents() {
    let ho = HeadOffice::start().await;
    // Rejections elsewhere (another store's open one, this terminal's resolved one) are
    // no reason to look.
    rejection(&ho, "S002", None).await;
    rejection(&ho, "S001", Some(Utc::now())).await;
    let loops = record_a_delivered_batch(&ho).await;
    assert!(loops.iter().all(|&n| n == 0), "never executed: {loops:?}");

    rejection(&ho, "S001", None).await;
    let loops = record_a_delivered_batch(&ho).await;
    assert!(loops.iter().any(|&n| n > 0), "looked up: {loops:?}");
    ho.stop().await;
}
