//! The catalog file's stock and serial rows are a store's opening balance: taken while
//! the store's stock has no history, then refused with the store named, the whole import
//! with them, never an overwrite; the store's documents apply on top of it.

use std::process::Command;

use head_office::catalog::{CatalogError, import_catalog};
use pos_domain::catalog::Tracking;
use pos_domain::document::DocumentBody;
use pos_domain::import::{CatalogImport, SerialRecord, StockRecord};

use crate::common::*;
use crate::feed::product;
use crate::stock_documents::{goods, receipt};

fn opening(sku: &str, quantity: i64) -> CatalogImport {
    CatalogImport {
        products: vec![product(sku, "10.00", Tracking::None)],
        stock: vec![StockRecord {
            sku: sku.into(),
            lot_no: None,
            quantity,
        }],
        ..CatalogImport::default()
    }
}

async fn import(ho: &HeadOffice, file: &CatalogImport, store: &str) -> Result<(), CatalogError> {
    import_catalog(&mut *ho.client().await, file, Some(store))
        .await
        .map(|_| ())
}

async fn products(ho: &HeadOffice) -> i64 {
    ho.count("products").await
}

#[tokio::test]
async fn a_stores_opening_balance_is_taken_once_and_its_documents_apply_on_top() {
    let ho = HeadOffice::start().await;
    let token = ho.enroll(STORE, TERMINAL).await;
    import(&ho, &opening("MASK", 100), STORE).await.unwrap();
    assert_eq!(ho.stock(STORE, "MASK", "").await, Some(100));

    // A second balance for the same store: the whole file is refused, naming the store.
    let before = (ho.snapshot().await, products(&ho).await);
    let refused = import(&ho, &opening("GLOVE", 7), STORE).await.unwrap_err();
    assert!(
        matches!(&refused, CatalogError::StockHistory { store, .. } if store == STORE),
        "{refused:?}"
    );
    let said = refused.to_string();
    assert!(
        said.contains("store S1's stock already has a history"),
        "{said}"
    );
    assert!(
        said.contains("its opening balance was imported at"),
        "{said}"
    );
    assert_eq!(
        (ho.snapshot().await, products(&ho).await),
        before,
        "nothing of the file was written"
    );

    // The store's documents apply on top of the balance.
    let sold = document(
        STORE,
        TERMINAL,
        1,
        DocumentBody::Sale(sale(&[item("MASK", 3, "10.00")], None, 0, 0)),
    );
    all_accepted(&ho.submit(&token, &batch(STORE, TERMINAL, vec![sold])).await);
    assert_eq!(ho.stock(STORE, "MASK", "").await, Some(97));
    // A file without stock or serial rows is no opening balance: still taken.
    let no_stock = CatalogImport {
        products: vec![product("GLOVE", "5.00", Tracking::None)],
        ..CatalogImport::default()
    };
    import(&ho, &no_stock, STORE).await.unwrap();
    assert_eq!(
        ho.stock(STORE, "MASK", "").await,
        Some(97),
        "the balance was not set again"
    );
    ho.stop().await;
}

#[tokio::test]
async fn a_store_whose_documents_moved_its_stock_takes_no_opening_balance() {
    let ho = HeadOffice::start().await;
    let s2 = ho.enroll("S2", TERMINAL).await;
    let s3 = ho.enroll("S3", TERMINAL).await;
    let received = receipt(
        "S2",
        1,
        "DN-1",
        vec![(goods("MASK", None, None, 40), Some(40))],
    );
    let received_id = received.id;
    all_accepted(&ho.submit(&s2, &batch("S2", TERMINAL, vec![received])).await);
    // A Z report moves no stock: S3 has no history yet.
    let z = document(
        "S3",
        TERMINAL,
        1,
        DocumentBody::ZReport(z_report(1, "0.00", "0.00")),
    );
    all_accepted(&ho.submit(&s3, &batch("S3", TERMINAL, vec![z])).await);

    let before = ho.snapshot().await;
    let serials_only = CatalogImport {
        serials: vec![SerialRecord {
            sku: "CUFF".into(),
            serial: "SN1".into(),
            lot_no: None,
        }],
        ..CatalogImport::default()
    };
    for file in [opening("MASK", 500), serials_only] {
        let said = import(&ho, &file, "S2").await.unwrap_err().to_string();
        assert!(
            said.contains("store S2's stock already has a history"),
            "{said}"
        );
        assert!(
            said.contains(&format!(
                "goods_receipt document {received_id} moved its stock"
            )),
            "{said}"
        );
    }
    assert_eq!(ho.snapshot().await, before);
    assert_eq!(
        ho.stock("S2", "MASK", "").await,
        Some(40),
        "never overwritten"
    );

    import(&ho, &opening("MASK", 12), "S3").await.unwrap();
    assert_eq!(ho.stock("S3", "MASK", "").await, Some(12));

    // A new store's balance never takes a serial unit another store holds.
    let cuff = |serial: &str| SerialRecord {
        sku: "CUFF".into(),
        serial: serial.into(),
        lot_no: None,
    };
    let s4_units = CatalogImport {
        serials: vec![cuff("SN1")],
        ..CatalogImport::default()
    };
    import(&ho, &s4_units, "S4").await.unwrap();
    let before = ho.snapshot().await;
    let s5_units = CatalogImport {
        serials: vec![cuff("SN2"), cuff("SN1")],
        ..opening("GLOVE", 3)
    };
    let refused = import(&ho, &s5_units, "S5").await.unwrap_err();
    assert!(
        matches!(&refused, CatalogError::SerialHeld { holder, .. } if holder == "S4"),
        "{refused:?}"
    );
    assert!(
        refused
            .to_string()
            .contains("CUFF serial SN1 is already head office's, at store S4"),
        "{refused}"
    );
    assert_eq!(
        ho.snapshot().await,
        before,
        "S5 got nothing, S4 kept its unit"
    );
    import(&ho, &opening("GLOVE", 3), "S5").await.unwrap();
    ho.stop().await;
}

#[tokio::test]
async fn the_import_command_refuses_a_second_opening_balance_naming_the_store() {
    let url = head_office::testing::PgCluster::shared()
        .create_database()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("catalog.csv");
    pos_domain::import::write_catalog_csv(
        &opening("MASK", 120),
        std::fs::File::create(&file).unwrap(),
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_head-office");
    let import = || {
        Command::new(bin)
            .args(["import", file.to_str().unwrap(), "--store", "S1"])
            .env("DATABASE_URL", &url)
            .output()
            .unwrap()
    };
    let migrated = Command::new(bin)
        .arg("migrate")
        .env("DATABASE_URL", &url)
        .status()
        .unwrap();
    assert!(migrated.success());
    let first = import();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let second = import();
    assert!(
        !second.status.success(),
        "a second opening balance is refused"
    );
    let said = String::from_utf8_lossy(&second.stderr);
    assert!(
        said.contains(
            "store S1's stock already has a history (its opening balance was imported at"
        ),
        "{said}"
    );
    assert!(said.contains("Nothing was imported"), "{said}");
}

/// An import and a till's sale racing for a new store: either the balance comes first
/// and the sale applies on top, or the sale comes first and the balance is refused;
/// never a balance that overwrites the sale.
#[tokio::test]
async fn an_opening_balance_racing_a_sale_never_overwrites_it() {
    let ho = HeadOffice::start().await;
    for round in 0..20 {
        let store = format!("R{round}");
        let token = ho.enroll(&store, TERMINAL).await;
        let sold = document(
            &store,
            TERMINAL,
            1,
            DocumentBody::Sale(sale(&[item("MASK", 3, "10.00")], None, 0, 0)),
        );
        let sending = batch(&store, TERMINAL, vec![sold]);
        let sells = ho.submit(&token, &sending);
        let balance = opening("MASK", 100);
        let imports = import(&ho, &balance, &store);
        let (response, imported) = tokio::join!(sells, imports);
        all_accepted(&response);
        let expected = match &imported {
            Ok(()) => 97,
            Err(CatalogError::StockHistory { .. }) => -3,
            Err(e) => panic!("round {round}: {e}"),
        };
        assert_eq!(
            ho.stock(&store, "MASK", "").await,
            Some(expected),
            "round {round}"
        );
    }
    ho.stop().await;
}

/// A head office that imported stock and took documents before migration 9 gets the
/// history they started: its stores are refused a second balance after the migration.
#[tokio::test]
async fn migration_9_gives_stores_with_stock_or_documents_their_history() {
    let ho = HeadOffice::start().await;
    import(&ho, &opening("MASK", 100), STORE).await.unwrap();
    let s2 = ho.enroll("S2", TERMINAL).await;
    let sold = document(
        "S2",
        TERMINAL,
        1,
        DocumentBody::Sale(sale(&[item("MASK", 1, "10.00")], None, 0, 0)),
    );
    let sold_id = sold.id;
    all_accepted(&ho.submit(&s2, &batch("S2", TERMINAL, vec![sold])).await);
    let s3 = ho.enroll("S3", TERMINAL).await;
    let z = document(
        "S3",
        TERMINAL,
        1,
        DocumentBody::ZReport(z_report(1, "0.00", "0.00")),
    );
    all_accepted(&ho.submit(&s3, &batch("S3", TERMINAL, vec![z])).await);

    let mut client = ho.client().await;
    client
        .batch_execute("DROP TABLE stock_histories; DELETE FROM schema_version WHERE version = 9;")
        .await
        .unwrap();
    assert_eq!(
        head_office::db::migrate(&mut client).await.unwrap(),
        vec![9]
    );
    drop(client);

    let said = import(&ho, &opening("MASK", 5), STORE)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        said.contains("store S1's stock already has a history (its opening balance"),
        "{said}"
    );
    let said = import(&ho, &opening("MASK", 5), "S2")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        said.contains(&format!("sale document {sold_id} moved its stock")),
        "{said}"
    );
    import(&ho, &opening("MASK", 5), "S3").await.unwrap();
    ho.stop().await;
}
