//! Helpers of the sync benchmarks: a copy of a till with a rung-up backlog, and a bare
//! `COPY` of the same documents into PostgreSQL, the floor an ingest is measured against.

use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::SinkExt;
use pos_core::store::OutboxRow;

use crate::tills::TestTill;

/// Bytes per `COPY` message.
const COPY_CHUNK_BYTES: usize = 1024 * 1024;

/// A new till folder holding a copy of `template`'s till file (closed, so whole).
pub fn copy_backlog_till(template: &TestTill) -> TestTill {
    let till = TestTill::init(&template.store_id, &template.terminal_id, None);
    std::fs::copy(template.data.till_path(), till.data.till_path()).expect("copy the till file");
    till
}

/// Copies `rows` as (id, store, terminal, sequence, document jsonb) into a new bare
/// table of `database_url` with one `COPY`; returns how long the `COPY` took.
pub async fn copy_rows(
    database_url: &str,
    store: &str,
    terminal: &str,
    rows: &[OutboxRow],
) -> Duration {
    let (client, connection) = tokio_postgres::connect(database_url, tokio_postgres::NoTls)
        .await
        .expect("connect");
    let connection = tokio::spawn(connection);
    client
        .batch_execute(
            "CREATE TABLE bench_copy (id uuid PRIMARY KEY, store_id text NOT NULL, terminal_id text NOT NULL,
                 sequence bigint NOT NULL, document jsonb NOT NULL)",
        )
        .await
        .expect("create the table");
    let started = Instant::now();
    let sink = client
        .copy_in("COPY bench_copy FROM STDIN (FORMAT csv)")
        .await
        .expect("start COPY");
    futures_util::pin_mut!(sink);
    let mut chunk = Vec::with_capacity(COPY_CHUNK_BYTES + 64 * 1024);
    for row in rows {
        let json = std::str::from_utf8(&row.body).expect("documents are UTF-8");
        chunk.extend_from_slice(
            format!("{},{store},{terminal},{},\"", row.id, row.sequence).as_bytes(),
        );
        chunk.extend_from_slice(json.replace('"', "\"\"").as_bytes());
        chunk.extend_from_slice(b"\"\n");
        if chunk.len() >= COPY_CHUNK_BYTES {
            sink.send(Bytes::from(std::mem::take(&mut chunk)))
                .await
                .expect("COPY data");
        }
    }
    sink.send(Bytes::from(chunk)).await.expect("COPY data");
    let copied = sink.finish().await.expect("finish COPY");
    let elapsed = started.elapsed();
    assert_eq!(copied as usize, rows.len());
    drop(client);
    let _ = connection.await;
    elapsed
}
