//! The integrations' event feed: a till's batch reported per document in order with no
//! phone or name copied, a resend reporting nothing; cursors visible in order under
//! concurrent writers; the long poll; and the reference consumer's file surviving a row
//! cut short.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use head_office::integrations::events::{self, Event};
use head_office::integrations::ingest_events;
use head_office::integrations::keys::Scope;
use head_office::integrations::mirror::{self, MirrorFile, Source};
use pos_domain::document::DocumentBody;
use serde_json::json;

use crate::common::*;
use crate::integrations::{ALL_SCOPES, events as stored_events, key, put};

/// Every event, read through the library as a consumer would, from cursor 0.
async fn read_all(ho: &HeadOffice) -> Vec<Event> {
    ingest_events::fold(&mut *ho.client().await).await.unwrap();
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let page = events::read_page(&**ho.client().await, after, 7, false)
            .await
            .unwrap();
        after = page.next_cursor;
        let more = page.more;
        out.extend(page.events);
        if !more {
            return out;
        }
    }
}

#[tokio::test]
async fn a_batch_is_reported_per_document_in_order_and_a_resend_reports_nothing() {
    let ho = HeadOffice::start().await;
    let till = ho.enroll(STORE, TERMINAL).await;
    let first_sale = document(
        STORE,
        TERMINAL,
        2,
        DocumentBody::Sale(sale(&[item("A", 1, "20.00")], Some("till-m"), 20, 0)),
    );
    let docs = vec![
        document(
            STORE,
            TERMINAL,
            1,
            DocumentBody::MemberRegistration(registration("till-m", "13700000001")),
        ),
        first_sale.clone(),
        document(
            STORE,
            TERMINAL,
            3,
            DocumentBody::MemberRegistration(registration("till-dup", "13700000001")),
        ),
        document(
            STORE,
            TERMINAL,
            4,
            DocumentBody::Sale(sale(&[item("B", 1, "5.00")], Some("till-dup"), 5, 0)),
        ),
        document(
            STORE,
            TERMINAL,
            5,
            DocumentBody::Return(return_of(
                Some(first_sale.id),
                &[item("A", 1, "20.00")],
                Some("till-m"),
                20,
            )),
        ),
        document(
            STORE,
            TERMINAL,
            6,
            DocumentBody::Sale(sale(&[item("C", 2, "1.50")], Some("seen-on-sale"), 3, 0)),
        ),
    ];
    let ids: Vec<String> = docs.iter().map(|d| d.id.to_string()).collect();
    let the_batch = batch(STORE, TERMINAL, docs);
    all_accepted(&ho.submit(&till, &the_batch).await);

    let got: Vec<(String, Option<String>, Option<String>)> = stored_events(&ho)
        .await
        .into_iter()
        .map(|(_, kind, member, data)| {
            let document = data["document_id"]
                .as_str()
                .map(|d| ids.iter().position(|i| i == d).unwrap().to_string());
            (kind, member, document)
        })
        .collect();
    let row = |kind: &str, member: &str, doc: usize| {
        (
            kind.to_owned(),
            Some(member.to_owned()),
            Some(doc.to_string()),
        )
    };
    assert_eq!(
        got,
        vec![
            row("member.created", "till-m", 0),
            row("sale", "till-m", 1),
            row("points.changed", "till-m", 1),
            row("member.merged", "till-m", 2),
            row("sale", "till-m", 3),
            row("points.changed", "till-m", 3),
            row("return", "till-m", 4),
            row("points.changed", "till-m", 4),
            row("member.created", "seen-on-sale", 5),
            row("sale", "seen-on-sale", 5),
            row("points.changed", "seen-on-sale", 5),
        ]
    );
    let all = stored_events(&ho).await;
    assert_eq!(all[3].3["alias_id"], "till-dup");
    assert_eq!(all[2].3["points"], 20);
    assert_eq!(all[6].3["total"], "20.00");
    let text = serde_json::to_string(&all.iter().map(|e| &e.3).collect::<Vec<_>>()).unwrap();
    assert!(
        !text.contains("13700000001") && !text.contains("张三"),
        "{text}"
    );

    // Sent again: duplicates, nothing reported twice.
    let count = all.len();
    ho.submit(&till, &the_batch).await;
    assert_eq!(stored_events(&ho).await.len(), count);

    // A console adjustment is ingested like a till's document: its points are reported.
    let adjusted = head_office::console::adjustment::adjust_points(
        &ho.pool,
        &head_office::console::adjustment::Adjustment {
            member_id: "till-m",
            points: 7,
            reason: "goodwill",
            requested_by: "li",
            approved_by: "wang",
            document_id: uuid::Uuid::now_v7(),
            now: chrono::Utc::now(),
        },
    )
    .await
    .unwrap();
    assert!(matches!(
        adjusted,
        head_office::console::adjustment::Adjusted::Stored(_)
    ));
    let last = stored_events(&ho).await.pop().unwrap();
    assert_eq!(
        (last.1.as_str(), last.2.as_deref(), &last.3["points"]),
        ("points.changed", Some("till-m"), &json!(7))
    );

    // The API pages the same events; with customers:read the member's fields now.
    let reader = key(
        &ho,
        "crm",
        "crm",
        &[Scope::EventsRead, Scope::CustomersRead],
    )
    .await;
    let (s, page) = ho
        .get(Some(&reader), "/v1/integrations/events?after=0&limit=2")
        .await;
    assert_eq!(s, 200, "{page}");
    assert_eq!(
        (
            page["events"].as_array().unwrap().len(),
            page["more"].as_bool()
        ),
        (2, Some(true))
    );
    assert_eq!(page["events"][0]["member"]["phone"], "13700000001");
    let blind = key(&ho, "erp", "erp", &[Scope::EventsRead]).await;
    let (_, page) = ho
        .get(Some(&blind), "/v1/integrations/events?after=0&limit=2")
        .await;
    assert!(page["events"][0].get("member").is_none(), "{page}");
    ho.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reader_following_concurrent_writers_never_skips_an_event() {
    let ho = Arc::new(HeadOffice::start().await);
    let shop = key(&ho, "shop", "shop", &ALL_SCOPES).await;
    let tills: Vec<String> = enroll_writers(&ho).await;
    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let (ho, done) = (ho.clone(), done.clone());
        tokio::spawn(async move {
            let mut seen: Vec<i64> = Vec::new();
            let mut after = 0;
            loop {
                let finished = done.load(Ordering::SeqCst);
                // Folding beside the writers, as `serve`'s folder does.
                ingest_events::fold(&mut *ho.client().await).await.unwrap();
                let page = events::read_page(&**ho.client().await, after, 50, false)
                    .await
                    .unwrap();
                after = page.next_cursor;
                seen.extend(page.events.iter().map(|e| e.cursor));
                if finished && page.events.is_empty() {
                    return seen;
                }
            }
        })
    };
    let mut writers = Vec::new();
    for w in 0..4u64 {
        let (ho, shop, till) = (ho.clone(), shop.clone(), tills[w as usize].clone());
        writers.push(tokio::spawn(async move {
            for i in 0..15u64 {
                let (s, v) = put(&ho, &shop, &format!("W{w}-{i}"), json!({"name": "客户"})).await;
                assert_eq!(s, 201, "{v}");
                let store = format!("S{w}");
                let doc = document(
                    &store,
                    TERMINAL,
                    i + 1,
                    DocumentBody::Sale(sale(&[item("A", 1, "1.00")], None, 0, 0)),
                );
                all_accepted(&ho.submit(&till, &batch(&store, TERMINAL, vec![doc])).await);
            }
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    done.store(true, Ordering::SeqCst);
    let seen = reader.await.unwrap();
    let all: Vec<i64> = stored_events(&ho).await.into_iter().map(|e| e.0).collect();
    assert_eq!(all.len(), 4 * 15 * 2);
    assert_eq!(seen, all, "the reader saw every event once, in order");
}

/// One enrolled till per writer, stores S0..S3.
async fn enroll_writers(ho: &HeadOffice) -> Vec<String> {
    let mut tokens = Vec::new();
    for w in 0..4 {
        tokens.push(ho.enroll(&format!("S{w}"), TERMINAL).await);
    }
    tokens
}

#[tokio::test]
async fn a_long_poll_returns_as_soon_as_an_event_is_written() {
    let ho = Arc::new(HeadOffice::start().await);
    let shop = key(&ho, "shop", "shop", &ALL_SCOPES).await;
    // Nothing to read: a poll waits the seconds it asked for, and answers an empty page.
    let started = Instant::now();
    let (s, page) = ho
        .get(Some(&shop), "/v1/integrations/events?after=0&wait=1")
        .await;
    assert_eq!(
        (
            s,
            page["events"].as_array().map(Vec::len),
            page["next_cursor"].as_i64()
        ),
        (200, Some(0), Some(0))
    );
    assert!(started.elapsed() >= Duration::from_secs(1));

    let poll = {
        let (ho, shop) = (ho.clone(), shop.clone());
        tokio::spawn(async move {
            let started = Instant::now();
            let answer = ho
                .get(Some(&shop), "/v1/integrations/events?after=0&wait=30")
                .await;
            (answer, started.elapsed())
        })
    };
    let (s, _) = put(&ho, &shop, "A1", json!({"name": "张三"})).await;
    assert_eq!(s, 201);
    let ((s, page), waited) = tokio::time::timeout(Duration::from_secs(30), poll)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (s, page["events"][0]["kind"].as_str()),
        (200, Some("member.created")),
        "{page}"
    );
    assert!(
        waited < Duration::from_secs(10),
        "answered after {waited:?}, not when the event came"
    );
    for bad in ["wait=61", "limit=0", "limit=1001", "after=-1", "after=x"] {
        let (s, v) = ho
            .get(Some(&shop), &format!("/v1/integrations/events?{bad}"))
            .await;
        assert_eq!(
            (s, v["error"].as_str()),
            (400, Some("bad_request")),
            "{bad}: {v}"
        );
    }
}

/// The rows of the mirror file, header left out.
fn mirrored(path: &std::path::Path) -> Vec<Vec<String>> {
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

pub fn expected_rows(events: &[Event]) -> Vec<Vec<String>> {
    events.iter().map(|e| mirror::csv_row(e).to_vec()).collect()
}

#[tokio::test]
async fn the_mirror_resumes_after_a_row_cut_short_without_a_gap_or_a_repeat() {
    let ho = HeadOffice::start().await;
    let shop = key(&ho, "shop", "shop", &ALL_SCOPES).await;
    let reader = key(&ho, "mirror", "erp", &[Scope::EventsRead]).await;
    for i in 0..5 {
        put(
            &ho,
            &shop,
            &format!("A{i}"),
            json!({"name": format!("客户{i}")}),
        )
        .await;
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("events.csv");
    let source = Source {
        base_url: ho.base_url.clone(),
        key: reader,
        limit: 2,
        wait_secs: 0,
        retry_pause: Duration::from_millis(50),
        request_timeout: Duration::from_secs(10),
    };
    let http = reqwest::Client::new();
    let mut file = MirrorFile::open(&out).unwrap();
    let added = mirror::follow(&http, &source, &mut file, |_, caught_up| caught_up)
        .await
        .unwrap();
    assert_eq!(added, 5);
    assert_eq!(mirrored(&out), expected_rows(&read_all(&ho).await));
    drop(file);

    // A crash in the middle of a row: the cut row is dropped and fetched again.
    let whole = std::fs::read(&out).unwrap();
    let last_row_start = whole[..whole.len() - 1]
        .iter()
        .rposition(|&b| b == b'\n')
        .unwrap()
        + 1;
    std::fs::write(&out, &whole[..last_row_start + 3]).unwrap();
    for i in 5..8 {
        put(
            &ho,
            &shop,
            &format!("A{i}"),
            json!({"name": format!("客户{i}")}),
        )
        .await;
    }
    let mut file = MirrorFile::open(&out).unwrap();
    assert_eq!(file.cursor(), 4);
    let added = mirror::follow(&http, &source, &mut file, |_, caught_up| caught_up)
        .await
        .unwrap();
    assert_eq!(added, 4);
    let all = read_all(&ho).await;
    assert_eq!(mirrored(&out), expected_rows(&all));
    let kept: i64 = std::fs::read_to_string(mirror::cursor_path(&out))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(kept, all.last().unwrap().cursor);

    // A revoked key stops the mirror with head office's answer instead of retrying.
    head_office::integrations::keys::revoke(&**ho.client().await, "mirror", "test")
        .await
        .unwrap();
    let refused = mirror::follow(&http, &source, &mut file, |_, _| true).await;
    assert!(
        matches!(
            refused,
            Err(mirror::MirrorError::Refused { status: 401, .. })
        ),
        "{refused:?}"
    );
}

/// The reason cursors become visible in order: a second writer takes its cursor only
/// once the first has committed (most writers also hold the tills' feed lock; this one
/// holds nothing else).
#[tokio::test]
async fn an_event_writer_waits_for_an_earlier_one_to_commit() {
    let ho = HeadOffice::start().await;
    let event = |n: i64| events::NewEvent {
        kind: events::EventKind::MemberChanged,
        member_id: None,
        data: json!({ "n": n }),
    };
    let mut first = ho.client().await;
    let first_tx = first.transaction().await.unwrap();
    events::record(&*first_tx, &[event(1)]).await.unwrap();
    let second = {
        let pool = ho.pool.clone();
        let event = event(2);
        tokio::spawn(async move {
            let mut client = pool.get().await.unwrap();
            let tx = client.transaction().await.unwrap();
            events::record(&*tx, &[event]).await.unwrap();
            tx.commit().await.unwrap();
        })
    };
    // The second writer waits on the events' lock ("EVNT", seen in pg_locks), not done.
    let waiting = async {
        loop {
            let n: i64 = ho
                .client()
                .await
                .query_one(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
                    &[],
                )
                .await
                .unwrap()
                .get(0);
            if n == 1 {
                return;
            }
            tokio::task::yield_now().await;
        }
    };
    tokio::time::timeout(Duration::from_secs(10), waiting)
        .await
        .expect("the second writer waits for the first to commit");
    assert!(!second.is_finished());
    assert_eq!(
        stored_events(&ho).await.len(),
        0,
        "nothing visible before a commit"
    );
    first_tx.commit().await.unwrap();
    second.await.unwrap();
    let order: Vec<i64> = stored_events(&ho)
        .await
        .iter()
        .map(|e| e.3["n"].as_i64().unwrap())
        .collect();
    assert_eq!(order, [1, 2]);
}

#[tokio::test]
async fn the_catalog_import_reports_its_members_and_its_ledger_entries() {
    let ho = HeadOffice::start().await;
    ho.import_member("M1", "13800000001", 40).await;
    ho.import_member("M1", "13800000002", 40).await;
    ho.import_member("M1", "13800000002", 25).await;
    let got: Vec<(String, serde_json::Value)> = stored_events(&ho)
        .await
        .into_iter()
        .map(|(_, kind, member, data)| {
            assert_eq!(member.as_deref(), Some("M1"));
            (kind, data)
        })
        .collect();
    let members: Vec<&(String, serde_json::Value)> = got
        .iter()
        .filter(|(k, _)| k.starts_with("member."))
        .collect();
    assert_eq!(
        members,
        [
            &("member.created".to_owned(), json!({"source": "import"})),
            &(
                "member.changed".to_owned(),
                json!({"fields": ["phone"], "source": "import"})
            ),
        ]
    );
    // Each import entry of the point ledger is reported once, in the order written.
    let ledger: Vec<serde_json::Value> = ho
        .client()
        .await
        .query(
            "SELECT document_id, points, balance_after FROM point_ledger WHERE entry = 'import' ORDER BY recorded_at, document_id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| {
            json!({
                "document_id": r.get::<_, uuid::Uuid>(0), "entry": "import",
                "points": r.get::<_, i64>(1), "balance_after": r.get::<_, i64>(2), "store_id": "",
            })
        })
        .collect();
    let points: Vec<&serde_json::Value> = got
        .iter()
        .filter(|(k, _)| k == "points.changed")
        .map(|(_, d)| d)
        .collect();
    assert_eq!(points, ledger.iter().collect::<Vec<_>>());
    assert_eq!(got[0].0, "member.created");
    assert_eq!(got.last().unwrap().1["balance_after"], 25);
}
