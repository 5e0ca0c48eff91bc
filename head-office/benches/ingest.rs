//! Head-office ingest rate: batches of 500 sales (two lines each, with a member earning
//! points) posted over HTTP on loopback to a real PostgreSQL, one terminal per task.
//! Goal: 10,000 documents/s.
//!
//! `cargo bench -p head-office --bench ingest`; with `BENCH_REDEEM_EVERY=n` every n-th
//! sale also pays 1.00 with 100 points (the redemption velocity check's cost).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use head_office::server::{self, AppState};
use head_office::testing::PgCluster;
use head_office::{auth, db};
use pos_domain::document::{
    Document, DocumentBody, Sale, SaleLine, SaleMember, Tender, TenderKind, VatAmount,
};
use pos_domain::member::Tier;
use pos_domain::money::vat_included;
use pos_domain::protocol::{BATCH_DOCUMENTS_MAX, BatchRequest, BatchResponse, DocumentStatus};
use rust_decimal::Decimal;
use uuid::Uuid;

const STORE: &str = "BENCH";

fn line(line_no: u32, sku: &str, quantity: u32, price: Decimal) -> SaleLine {
    let gross = price * Decimal::from(quantity);
    SaleLine {
        line_no,
        sku: sku.into(),
        name: "电子血压计".into(),
        category: "bp".into(),
        unit: "台".into(),
        quantity,
        lot: Some("L2026".into()),
        expiry_date: NaiveDate::from_ymd_opt(2028, 1, 31),
        serial: None,
        registration_no: Some("国械注准20202070001".into()),
        unit_price: price,
        gross,
        discounts: vec![],
        net: gross,
        vat_rate: Decimal::new(13, 2),
        points_multiplier: Decimal::ONE,
    }
}

/// Every how many sales one redeems points (`BENCH_REDEEM_EVERY`; none by default).
fn redeem_every() -> u64 {
    std::env::var("BENCH_REDEEM_EVERY")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn sale_document(terminal: &str, sequence: u64) -> Document {
    let lines = vec![
        line(
            1,
            &format!("SKU-{}", sequence % 200),
            1,
            Decimal::new(19900, 2),
        ),
        line(
            2,
            &format!("STRIP-{}", sequence % 50),
            2,
            Decimal::new(8950, 2),
        ),
    ];
    let total: Decimal = lines.iter().map(|l| l.net).sum();
    let rate = Decimal::new(13, 2);
    let every = redeem_every();
    let points_redeemed = if every > 0 && sequence.is_multiple_of(every) {
        100
    } else {
        0
    };
    let by_points = Decimal::new(points_redeemed, 2);
    let mut tenders = vec![Tender {
        kind: TenderKind::Cash,
        amount: total - by_points,
        reference: None,
        points: 0,
    }];
    if points_redeemed > 0 {
        tenders.push(Tender {
            kind: TenderKind::Points,
            amount: by_points,
            reference: None,
            points: points_redeemed,
        });
    }
    let sale = Sale {
        shift_id: Uuid::now_v7(),
        lines,
        subtotal: total,
        discount_total: Decimal::ZERO,
        total,
        vat: vec![VatAmount {
            rate,
            gross: total,
            vat: vat_included(total, rate),
        }],
        tenders,
        cash_rounding: Decimal::ZERO,
        change: Decimal::ZERO,
        member: Some(SaleMember {
            member_id: format!("M-{}", sequence % 1_000),
            card_no: format!("C-{}", sequence % 1_000),
            tier: Tier::Gold,
        }),
        // 1.00 paid with points earns nothing: head office's check agrees either way.
        points_earned: 378 - points_redeemed / 100,
        points_redeemed,
        organisation: None,
    };
    Document {
        id: Uuid::now_v7(),
        store_id: STORE.into(),
        terminal_id: terminal.into(),
        sequence,
        business_date: NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        created_at: Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap(),
        operator_id: "cashier-1".into(),
        approvals: vec![],
        body: DocumentBody::Sale(sale),
    }
}

struct Terminal {
    id: String,
    token: String,
    next_sequence: u64,
}

impl Terminal {
    fn next_batch(&mut self) -> Vec<u8> {
        let documents = (0..BATCH_DOCUMENTS_MAX as u64)
            .map(|i| sale_document(&self.id, self.next_sequence + i))
            .collect();
        self.next_sequence += BATCH_DOCUMENTS_MAX as u64;
        let request = BatchRequest {
            store_id: STORE.into(),
            terminal_id: self.id.clone(),
            documents,
        };
        serde_json::to_vec(&request).unwrap()
    }
}

async fn post(http: &reqwest::Client, base: &str, token: &str, body: Vec<u8>) {
    let response = http
        .post(format!("{base}/v1/batches"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let answer: BatchResponse = response.json().await.unwrap();
    assert!(
        answer
            .results
            .iter()
            .all(|r| r.status == DocumentStatus::Accepted)
    );
}

fn ingest(c: &mut Criterion) {
    let cluster = PgCluster::start().expect("start PostgreSQL");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (base, terminals) = runtime.block_on(async {
        let url = cluster.create_database().await.unwrap();
        let pool = db::pool(&url, 8, Some(db::REQUEST_STATEMENT_TIMEOUT)).unwrap();
        db::migrate(&mut pool.get().await.unwrap()).await.unwrap();
        let mut terminals = Vec::new();
        for t in 0..4 {
            let id = format!("T{t}");
            let token = auth::enroll(&pool.get().await.unwrap(), STORE, &id)
                .await
                .unwrap();
            terminals.push(Terminal {
                id,
                token,
                next_sequence: 1,
            });
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(server::run(
            listener,
            AppState::new(pool),
            std::future::pending(),
        ));
        (base, terminals)
    });
    let http = reqwest::Client::new();
    let terminals = Arc::new(std::sync::Mutex::new(terminals));

    let mut group = c.benchmark_group("ingest");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30));
    for parallel in [1usize, 4] {
        group.throughput(Throughput::Elements(
            (BATCH_DOCUMENTS_MAX * parallel) as u64,
        ));
        group.bench_function(format!("{parallel}_terminals_x_500_sales"), |b| {
            b.iter_custom(|iters| {
                let mut elapsed = Duration::ZERO;
                for _ in 0..iters {
                    // Building and serialising the batches is the till's work: not timed.
                    let bodies: Vec<(String, Vec<u8>)> = {
                        let mut terminals = terminals.lock().unwrap();
                        terminals
                            .iter_mut()
                            .take(parallel)
                            .map(|t| (t.token.clone(), t.next_batch()))
                            .collect()
                    };
                    let started = Instant::now();
                    runtime.block_on(async {
                        let posts = bodies.into_iter().map(|(token, body)| {
                            let (http, base) = (http.clone(), base.clone());
                            tokio::spawn(async move { post(&http, &base, &token, body).await })
                        });
                        for handle in posts.collect::<Vec<_>>() {
                            handle.await.unwrap();
                        }
                    });
                    elapsed += started.elapsed();
                }
                elapsed
            });
        });
    }
    group.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);
