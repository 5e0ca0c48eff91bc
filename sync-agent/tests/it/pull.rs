//! A pull from a real head office (PostgreSQL and HTTP on 127.0.0.1) into a real till
//! file, where the feed holds a change of a kind this build does not know.

use head_office::server::AppState;
use head_office::testing::PgCluster;
use head_office::{auth, catalog, db, feed, server};
use pos_core::data_dir::ServerConfig;
use pos_core::store::Store;
use sync_agent::client::{HeadOfficeClient, Timeouts};
use sync_agent::pull::pull_all;

fn product(sku: &str) -> pos_domain::catalog::Product {
    pos_domain::import::product_from_fields(&[
        sku,
        "血压计",
        "",
        "bp",
        "个",
        "99.00",
        "0.13",
        "II",
        "",
        "none",
        "0",
    ])
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_of_an_unknown_kind_is_skipped_and_the_cursor_moves_past_it() {
    let url = PgCluster::shared().create_database().await.unwrap();
    let pool = db::pool(&url, 4, None).unwrap();
    let mut client = pool.get().await.unwrap();
    db::migrate(&mut client).await.unwrap();
    let import = |sku: &str| pos_domain::import::CatalogImport {
        products: vec![product(sku)],
        ..Default::default()
    };
    catalog::import_catalog(&mut client, &import("A"), None)
        .await
        .unwrap();
    // What a newer head office would send, between changes this till knows (the
    // members' lookup key, A, then B).
    client
        .execute(
            "INSERT INTO feed (scope, key, cursor, change)
             VALUES ($1, 'spaceship', nextval('feed_cursor'),
                     '{\"entity\":\"spaceship\",\"data\":{\"sku\":\"A\",\"crew\":[1,{\"x\":null}]}}')",
            &[&feed::CHAIN_SCOPE],
        )
        .await
        .unwrap();
    catalog::import_catalog(&mut client, &import("B"), None)
        .await
        .unwrap();
    let last: i64 = client
        .query_one("SELECT max(cursor) FROM feed", &[])
        .await
        .unwrap()
        .get(0);
    let token = auth::enroll(&client, "S1", "T1").await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server::run(listener, AppState::new(pool.clone()), async {
        let _ = stopped.await;
    }));

    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("till.sqlite")).unwrap();
    let server = ServerConfig {
        url: format!("http://{addr}"),
        token,
    };
    let head_office = HeadOfficeClient::new(&server, Timeouts::default()).unwrap();
    let report = pull_all(&mut store, &head_office, 1_000, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(
        (
            report.changes,
            report.unknown,
            report.cursor,
            report.drained
        ),
        (4, 1, last, true),
        "{report:?}"
    );
    assert_eq!(store.feed_cursor().unwrap(), last, "stored past all four");
    for sku in ["A", "B"] {
        assert!(store.product(sku).unwrap().is_some(), "{sku} applied");
    }
    // The next pull starts after the unknown change and finds nothing more.
    let again = pull_all(&mut store, &head_office, 1_000, &mut |_| {})
        .await
        .unwrap();
    assert_eq!((again.changes, again.cursor), (0, last), "{again:?}");
    let _ = stop.send(());
    serving.await.unwrap().unwrap();
}
