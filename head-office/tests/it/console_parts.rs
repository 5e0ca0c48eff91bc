//! A page's further tables (Tills' rejections, gaps and overdrafts; a member's ledger; a
//! product's barcodes and lots) sort, filter and export on their own, under names that
//! start with the table's id, and keep the page's other tables as they were asked.

use head_office::catalog::import_catalog;
use pos_domain::catalog::{Lot, Tracking};
use pos_domain::document::DocumentBody;
use pos_domain::import::CatalogImport;

use crate::common::*;
use crate::console_tables::{export, html_rows};
use crate::feed::product;

/// A column of a table, top to bottom.
fn column(body: &str, table: &str, index: usize) -> Vec<String> {
    html_rows(body, table)
        .into_iter()
        .map(|r| r[index].clone())
        .collect()
}

#[tokio::test]
async fn tills_rejections_and_gaps_sort_filter_and_export_each_on_their_own() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    let token = ho.enroll("S001", "T01").await;
    // Sales at sequences 2, 5 and 9 leave gaps 1, 3–4 and 6–8; voids at 10, 11 and 12 of
    // sales head office never saw are rejected.
    let sold = [2, 5, 9].map(|sequence| {
        document(
            "S001",
            "T01",
            sequence,
            DocumentBody::Sale(sale(&[item("A", 1, "1.00")], None, 0, 0)),
        )
    });
    all_accepted(
        &ho.submit(&token, &batch("S001", "T01", sold.to_vec()))
            .await,
    );
    for sequence in [10, 11, 12] {
        let unseen = document(
            "S001",
            "T02",
            sequence,
            DocumentBody::Sale(sale(&[item("A", 1, "1.00")], None, 0, 0)),
        );
        let void = document(
            "S001",
            "T01",
            sequence,
            DocumentBody::Void(void_of(&unseen)),
        );
        ho.submit(&token, &batch("S001", "T01", vec![void])).await;
    }
    let mut admin = ho.signed_in("wang").await;

    let page = admin
        .get("/tills?rejections.sort=sequence&rejections.dir=desc&gaps.sort=gap_from")
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(column(&page.body, "rejections", 2), ["12", "11", "10"]);
    assert_eq!(column(&page.body, "gaps", 2), ["1", "3", "6"]);
    assert!(
        page.body
            .contains("gaps.sort=gap_from&amp;rejections.sort=sequence&amp;rejections.dir=asc"),
        "the rejections' header links keep the gaps' order: {}",
        page.body
    );
    assert!(
        page.body
            .contains(r#"name="rejections.sort" value="sequence""#),
        "the gaps' search form carries the rejections' order on"
    );

    let page = admin.get("/tills?gaps.q=6&rejections.sort=sequence").await;
    assert_eq!(
        column(&page.body, "gaps", 2),
        ["6"],
        "the filter is the gaps'"
    );
    assert_eq!(column(&page.body, "rejections", 2), ["10", "11", "12"]);
    assert_eq!(
        html_rows(&page.body, "terminals").len(),
        1,
        "and not the terminals'"
    );

    let csv = export(
        &ho.base_url,
        &admin,
        "/tills?rejections.format=csv&rejections.sort=sequence",
    )
    .await;
    assert_eq!(csv.status, 200);
    let (header, rows) = csv.rows();
    assert_eq!(header[2], "单据号");
    let sequences: Vec<&str> = rows.iter().map(|r| r[2].as_str()).collect();
    assert_eq!(sequences, ["10", "11", "12"]);
    let csv = export(&ho.base_url, &admin, "/tills?gaps.format=csv").await;
    assert_eq!(csv.rows().1.len(), 3);

    for (query, named) in [
        ("rejections.sort=price", "price"),
        ("gaps.dir=up", "up"),
        ("overdrafts.format=xlsx", "xlsx"),
        ("overdrafts.sort=action", "action"),
    ] {
        let refused = admin.get(&format!("/tills?{query}")).await;
        assert_eq!(refused.status, 400, "{query}");
        assert!(refused.body.contains(named), "{query}: {}", refused.body);
    }
    ho.stop().await;
}

#[tokio::test]
async fn an_overdrafts_csv_has_its_figures_and_not_the_review_button() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    ho.import_member("M1", "13812345678", 10).await;
    let token = ho.enroll("S001", "T01").await;
    let overdraft = document(
        "S001",
        "T01",
        1,
        DocumentBody::Sale(sale(&[item("A", 1, "50.00")], Some("M1"), 0, 30)),
    );
    all_accepted(
        &ho.submit(&token, &batch("S001", "T01", vec![overdraft]))
            .await,
    );
    let mut admin = ho.signed_in("wang").await;
    let page = admin.get("/tills").await;
    let rows = html_rows(&page.body, "overdrafts");
    assert_eq!(rows.len(), 1, "{}", page.body);
    assert_eq!(&rows[0][4..7], ["30", "10", "-20"]);
    assert!(page.body.contains("/review"), "the admin's review button");

    let csv = export(&ho.base_url, &admin, "/tills?overdrafts.format=csv").await;
    let (header, rows) = csv.rows();
    assert_eq!(header.len(), 8, "no action column: {header:?}");
    assert_eq!(&rows[0][..3], ["S001", "T01", "M1"]);
    assert_eq!(&rows[0][4..7], ["30", "10", "-20"]);
    ho.stop().await;
}

#[tokio::test]
async fn a_members_ledger_sorts_filters_and_exports_every_entry() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    ho.import_member("M1", "13812345678", 120).await;
    let token = ho.enroll("S001", "T01").await;
    let sales = (1..=3)
        .map(|n| {
            document(
                "S001",
                "T01",
                n,
                DocumentBody::Sale(sale(&[item("A", 1, "10.00")], Some("M1"), n as i64 * 10, 0)),
            )
        })
        .collect();
    all_accepted(&ho.submit(&token, &batch("S001", "T01", sales)).await);
    let mut auditor = ho.signed_in("zhao").await;

    let page = auditor
        .get("/members/M1?ledger.sort=points&ledger.dir=desc")
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(column(&page.body, "ledger", 3), ["120", "30", "20", "10"]);
    let page = auditor.get("/members/M1?ledger.q=%232").await;
    assert_eq!(column(&page.body, "ledger", 5), ["sale S001/T01 #2"]);

    let csv = export(
        &ho.base_url,
        &auditor,
        "/members/M1?ledger.format=csv&ledger.sort=points",
    )
    .await;
    assert_eq!(csv.status, 200);
    let (header, rows) = csv.rows();
    assert_eq!(header[6], "单据金额");
    let points: Vec<&str> = rows.iter().map(|r| r[3].as_str()).collect();
    assert_eq!(points, ["10", "20", "30", "120"]);

    let refused = auditor.get("/members/M1?ledger.sort=price").await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("price"));
    let shop = ho
        .console_user("sun", "store_manager", &["S002".to_owned()])
        .await;
    let csv = export(&ho.base_url, &shop, "/members/M1?ledger.format=csv").await;
    assert_eq!(
        csv.rows().1.len(),
        0,
        "another store's manager exports none of S001's"
    );
    ho.stop().await;
}

#[tokio::test]
async fn a_products_lots_sort_by_expiry_even_where_the_expiry_is_a_form() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    let lot = |lot_no: &str, expiry: &str| Lot {
        sku: "STRIP-50".into(),
        lot_no: lot_no.into(),
        expiry_date: expiry.parse().unwrap(),
    };
    let file = CatalogImport {
        products: vec![product("STRIP-50", "89.50", Tracking::Lot)],
        barcodes: vec![
            ("STRIP-50".into(), "6901234567892".into()),
            ("STRIP-50".into(), "96385074".into()),
        ],
        lots: vec![
            lot("L1", "2027-06-30"),
            lot("L2", "2027-01-31"),
            lot("L3", "2028-03-01"),
        ],
        ..Default::default()
    };
    import_catalog(&mut *ho.client().await, &file, None)
        .await
        .unwrap();

    for name in ["qian", "zhao"] {
        let mut visitor = ho.signed_in(name).await;
        let page = visitor
            .get("/catalog/STRIP-50?lots.sort=expiry_date&lots.dir=desc&barcodes.sort=barcode")
            .await;
        assert_eq!(page.status, 200, "{name}");
        assert_eq!(column(&page.body, "lots", 0), ["L3", "L1", "L2"], "{name}");
        assert_eq!(
            column(&page.body, "barcodes", 0),
            ["6901234567892", "96385074"],
            "{name}"
        );
        let page = visitor.get("/catalog/STRIP-50?lots.q=2027-01").await;
        assert_eq!(column(&page.body, "lots", 0), ["L2"], "{name}");

        let csv = export(
            &ho.base_url,
            &visitor,
            "/catalog/STRIP-50?lots.format=csv&lots.sort=lot_no",
        )
        .await;
        let (header, rows) = csv.rows();
        assert_eq!(header.len(), 2, "lot and expiry, no buttons: {header:?}");
        assert_eq!(
            rows,
            [
                ["L1", "2027-06-30"],
                ["L2", "2027-01-31"],
                ["L3", "2028-03-01"]
            ]
        );
    }
    ho.stop().await;
}
