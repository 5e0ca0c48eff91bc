//! The Catalog list and the Members search results as console tables (sorted, filtered
//! and exported as CSV; members masked as on the page), and the store filter of Stock
//! today and Daily closes as a choice of the person's own stores.

use head_office::catalog::import_catalog;
use pos_domain::catalog::Tracking;
use pos_domain::import::CatalogImport;
use pos_domain::member::{Member, Tier};

use crate::common::*;
use crate::console_tables::{export, html_rows};
use crate::feed::product;

async fn three_products(ho: &HeadOffice) {
    let file = CatalogImport {
        products: vec![
            product("BP-1", "299.00", Tracking::Serial),
            product("STRIP-50", "89.50", Tracking::Lot),
            product("MASK", "1.00", Tracking::None),
        ],
        barcodes: vec![("MASK".into(), "96385074".into())],
        ..Default::default()
    };
    import_catalog(&mut *ho.client().await, &file, None)
        .await
        .unwrap();
}

fn skus(rows: &[Vec<String>]) -> Vec<&str> {
    rows.iter().map(|r| r[0].as_str()).collect()
}

#[tokio::test]
async fn the_catalog_list_sorts_filters_finds_and_exports_with_links_to_each_product() {
    let ho = HeadOffice::start().await;
    three_products(&ho).await;
    let mut browser = ho.console_user("zhao", "auditor", &[]).await;

    let page = browser.get("/catalog").await;
    assert_eq!(page.status, 200);
    assert_eq!(
        skus(&html_rows(&page.body, "products")),
        ["BP-1", "MASK", "STRIP-50"]
    );
    assert!(
        page.body
            .contains(r#"<a href="/catalog/STRIP-50">STRIP-50</a>"#)
    );
    assert!(
        !page.body.contains("/catalog/new"),
        "an auditor creates nothing"
    );

    let page = browser.get("/catalog?sort=price&dir=desc").await;
    assert_eq!(
        skus(&html_rows(&page.body, "products")),
        ["BP-1", "STRIP-50", "MASK"],
        "by amount, not by text"
    );
    let page = browser.get("/catalog?q=按批号").await;
    assert_eq!(skus(&html_rows(&page.body, "products")), ["STRIP-50"]);
    let page = browser.get("/catalog?find=96385074").await;
    assert_eq!(
        skus(&html_rows(&page.body, "products")),
        ["MASK"],
        "found by barcode"
    );
    assert!(page.body.contains(r#"name="find" value="96385074""#));
    let page = browser.get("/catalog?find=xyj&q=50").await;
    assert_eq!(skus(&html_rows(&page.body, "products")), ["STRIP-50"]);

    let csv = export(&ho.base_url, &browser, "/catalog?sort=price&format=csv").await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.content_type.starts_with("text/csv"),
        "{}",
        csv.content_type
    );
    let (header, rows) = csv.rows();
    assert_eq!(header[..4], ["SKU", "名称", "类别", "售价（元）"]);
    assert_eq!(
        rows,
        [
            ["MASK", "血压计 MASK", "bp", "1.00", "不追溯"],
            ["STRIP-50", "血压计 STRIP-50", "bp", "89.50", "按批号"],
            ["BP-1", "血压计 BP-1", "bp", "299.00", "按序列号"],
        ]
    );
    let refused = browser.get("/catalog?sort=barcode").await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("barcode"), "{}", refused.body);
    ho.stop().await;
}

/// M1 (card C-100, 王小明) and C-100 (card C-200, 李四): both found by `C-100`.
async fn two_members(ho: &HeadOffice) {
    let member = |id: &str, card: &str, phone: &str, name: &str, points| Member {
        id: id.into(),
        card_no: card.into(),
        phone: phone.into(),
        name: name.into(),
        tier: Tier::Standard,
        points_balance: points,
        phone_key: None,
        tier_spend: None,
        segment: None,
    };
    let file = CatalogImport {
        members: vec![
            member("M1", "C-100", "13812345678", "王小明", 120),
            member("C-100", "C-200", "13900001111", "李四", 30),
        ],
        ..Default::default()
    };
    import_catalog(&mut *ho.client().await, &file, None)
        .await
        .unwrap();
}

#[tokio::test]
async fn member_search_results_sort_filter_and_export_masked_as_the_page_shows_them() {
    let ho = HeadOffice::start().await;
    two_members(&ho).await;
    ho.add_console_staff().await;

    let mut admin = ho.signed_in("wang").await;
    let page = admin.get("/members?find=C-100&sort=balance").await;
    assert_eq!(
        html_rows(&page.body, "members"),
        [
            ["C-200", "李四", "13900001111", "standard", "30"],
            ["C-100", "王小明", "13812345678", "standard", "120"],
        ]
    );
    assert!(page.body.contains(r#"<a href="/members/C-100">C-200</a>"#));
    let csv = export(&ho.base_url, &admin, "/members?find=C-100&q=王&format=csv").await;
    let (header, rows) = csv.rows();
    assert_eq!(header, ["卡号", "姓名", "手机号", "等级", "积分余额"]);
    assert_eq!(
        rows,
        [["C-100", "王小明", "13812345678", "standard", "120"]]
    );

    for name in ["li", "zhao", "qian"] {
        let mut browser = ho.signed_in(name).await;
        let page = browser.get("/members?find=C-100&sort=card&dir=desc").await;
        let masked = [
            ["C-200", "李*", "139****1111", "standard", "30"],
            ["C-100", "王**", "138****5678", "standard", "120"],
        ];
        assert_eq!(html_rows(&page.body, "members"), masked, "{name}");
        assert!(!page.body.contains("13812345678") && !page.body.contains("王小明"));
        let csv = export(
            &ho.base_url,
            &browser,
            "/members?find=C-100&sort=card&dir=desc&format=csv",
        )
        .await;
        assert_eq!(csv.rows().1, masked, "{name}: the CSV is masked too");
        let text = String::from_utf8(csv.bytes).unwrap();
        assert!(
            !text.contains("12345678") && !text.contains("小明"),
            "{name}: {text}"
        );
        // The filter reads what the role sees: hidden digits find nothing.
        let page = browser.get("/members?find=C-100&q=1234").await;
        assert!(html_rows(&page.body, "members").is_empty(), "{name}");
    }
    let none = admin.get("/members?find=C-1").await;
    assert!(none.body.contains("没有找到会员"), "exact search only");
    ho.stop().await;
}

/// The `<option>`s of the page's store choice.
fn store_options(body: &str) -> Vec<String> {
    let start = body
        .find(r#"<select name="store">"#)
        .unwrap_or_else(|| panic!("{body}"));
    let end = body[start..].find("</select>").unwrap() + start;
    body[start..end]
        .split("<option value=\"")
        .skip(1)
        .map(|o| o[..o.find('"').unwrap()].to_owned())
        .collect()
}

#[tokio::test]
async fn the_store_filter_offers_only_the_stores_the_person_may_see_and_the_server_still_checks() {
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    for store in ["S002", "S001", "S003"] {
        ho.enroll(store, "T01").await;
    }
    ho.enroll("S001", "T02").await;
    for page in ["/stock", "/closes"] {
        for name in ["wang", "zhao", "qian"] {
            let mut browser = ho.signed_in(name).await;
            let answer = browser.get(page).await;
            assert_eq!(
                store_options(&answer.body),
                ["", "S001", "S002", "S003"],
                "{name} {page}"
            );
            assert!(!answer.body.contains(r#"<input name="store""#));
            let answer = browser.get(&format!("{page}?store=S002")).await;
            assert!(
                answer.body.contains(r#"<option value="S002" selected>"#),
                "{page}"
            );
        }
        let mut li = ho.signed_in("li").await;
        let answer = li.get(page).await;
        assert_eq!(store_options(&answer.body), ["", "S001"], "li {page}");
        let answer = li.get(&format!("{page}?store=S001")).await;
        assert_eq!(answer.status, 200);
        assert!(answer.body.contains(r#"<option value="S001" selected>"#));
        assert_eq!(
            li.get(&format!("{page}?store=S002")).await.status,
            403,
            "{page}"
        );
        assert_eq!(
            li.get(&format!("{page}?store=S002&format=csv"))
                .await
                .status,
            403,
            "{page}"
        );
    }
    ho.stop().await;
}

/// The SKUs of a page's rows, the first and the last, and how many.
fn ends(body: &str) -> (String, String, usize) {
    let rows = html_rows(body, "products");
    let sku = |r: Option<&Vec<String>>| r.map(|r| r[0].clone()).unwrap_or_default();
    (sku(rows.first()), sku(rows.last()), rows.len())
}

#[tokio::test]
async fn the_catalog_sorts_and_filters_every_product_the_page_shows_the_first_500_and_the_csv_all()
{
    let ho = HeadOffice::start().await;
    ho.add_console_staff().await;
    // SKU-0001 to SKU-0600 priced 1.00 to 600.00; every hundredth one tracked by lot.
    let products = (1..=600)
        .map(|n| {
            let tracking = if n % 100 == 0 {
                Tracking::Lot
            } else {
                Tracking::None
            };
            product(&format!("SKU-{n:04}"), &format!("{n}.00"), tracking)
        })
        .collect();
    let catalog = CatalogImport {
        products,
        ..Default::default()
    };
    let mut client = ho.client().await;
    import_catalog(&mut client, &catalog, None).await.unwrap();
    let mut wang = ho.signed_in("wang").await;
    let page = wang.get("/catalog").await;
    assert_eq!(
        ends(&page.body),
        ("SKU-0001".into(), "SKU-0500".into(), 500)
    );
    assert!(
        page.body.contains("仅显示前 500 行（共 600 行）"),
        "the notice names the total: {}",
        page.body
    );
    let csv = export(&ho.base_url, &wang, "/catalog?format=csv").await;
    assert_eq!(csv.rows().1.len(), 600);

    // Sorted over all 600, not the first 500 by SKU.
    for path in ["/catalog?sort=sku&dir=desc", "/catalog?sort=price&dir=desc"] {
        let page = wang.get(path).await;
        assert_eq!(
            ends(&page.body),
            ("SKU-0600".into(), "SKU-0101".into(), 500),
            "{path}"
        );
        assert!(page.body.contains("（共 600 行）"), "{path}");
    }
    let csv = export(&ho.base_url, &wang, "/catalog?sort=sku&dir=desc&format=csv").await;
    let rows = csv.rows().1;
    assert_eq!((rows.len(), rows[0][0].as_str()), (600, "SKU-0600"));
    let page = wang.get("/catalog?sort=tracking&dir=desc").await;
    let first: Vec<String> = html_rows(&page.body, "products")[..7]
        .iter()
        .map(|r| r[0].clone())
        .collect();
    assert_eq!(
        first,
        [
            "SKU-0100", "SKU-0200", "SKU-0300", "SKU-0400", "SKU-0500", "SKU-0600", "SKU-0001"
        ],
        "by the shown text (按批号 after 不追溯 in byte order), ties by SKU"
    );

    // Filtered over all 600: SKU text, the shown price, the shown tracking.
    for (q, expected) in [
        ("sku-05", ("SKU-0500", "SKU-0599", 100)),
        ("600.00", ("SKU-0600", "SKU-0600", 1)),
        ("按批号", ("SKU-0100", "SKU-0600", 6)),
    ] {
        let page = wang.get(&format!("/catalog?q={q}")).await;
        let (first, last, n) = expected;
        assert_eq!(ends(&page.body), (first.into(), last.into(), n), "{q}");
        assert!(!page.body.contains("仅显示前"), "{q}: all shown");
    }
    let page = wang.get("/catalog?q=SKU-0&sort=price&dir=desc").await;
    assert_eq!(
        ends(&page.body),
        ("SKU-0600".into(), "SKU-0101".into(), 500)
    );
    assert!(page.body.contains("（共 600 行）"));
    ho.stop().await;
}
