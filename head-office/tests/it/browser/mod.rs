//! The console in a real browser: Debian's headless chromium, driven through
//! chromedriver (fantoccini), against a head office on real HTTP and PostgreSQL.
//! Without chromium or chromedriver these fail at once, naming `bash scripts/setup.sh`.

mod support;

use uuid::Uuid;

use crate::common::{CONSOLE_PASSWORD, HeadOffice};
use support::Browser;

async fn person(ho: &HeadOffice, name: &str, role: &str, stores: &[&str]) {
    let stores: Vec<String> = stores.iter().map(|s| (*s).to_owned()).collect();
    ho.add_console_user(name, role, &stores).await;
}

async fn browser() -> Browser {
    Browser::start()
        .await
        .unwrap_or_else(|e| panic!("the real browser: {e}"))
}

#[tokio::test]
async fn a_person_signs_in_through_the_form_lands_on_tills_and_signs_out() {
    let ho = HeadOffice::start().await;
    person(&ho, "wang", "admin", &[]).await;
    let browser = browser().await;
    let base = &ho.base_url;

    browser.client.goto(&format!("{base}/tills")).await.unwrap();
    browser.wait_for_path("/login").await.unwrap();
    // A wrong password brings the form back with the reason, and no session.
    match browser.sign_in(base, "wang", "wrong password").await {
        Err(support::SignInError::Refused(reason)) => {
            assert!(reason.contains("用户名或密码错误"), "{reason}")
        }
        other => panic!("a wrong password must be refused: {other:?}"),
    }
    assert_eq!(ho.count("console_sessions").await, 0);
    browser
        .sign_in(base, "wang", CONSOLE_PASSWORD)
        .await
        .unwrap();
    browser.wait_for_path("/dashboard").await.unwrap();
    let title = browser
        .wait_for("main h1")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(title, "概览");
    let header = browser
        .wait_for("header")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(header.contains("wang"), "signed in as wang: {header}");
    // The session cookie is HttpOnly: the page's script cannot read it.
    let cookies = browser
        .client
        .execute("return document.cookie", vec![])
        .await
        .unwrap();
    assert!(
        !cookies.as_str().unwrap_or_default().contains("ho_session"),
        "{cookies}"
    );

    browser
        .wait_for("form[action='/logout'] button")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for_path("/login").await.unwrap();
    browser.wait_for("input[name=username]").await.unwrap();
    assert_eq!(ho.count("console_sessions").await, 0, "signed out");
    // Signed out for real: the page sends the browser back to sign in.
    browser.client.goto(&format!("{base}/tills")).await.unwrap();
    browser.wait_for_path("/login").await.unwrap();

    browser.close().await.unwrap();
    ho.stop().await;
}

#[tokio::test]
async fn a_store_manager_sees_only_their_stores_terminals_and_no_audit_link() {
    let ho = HeadOffice::start().await;
    person(&ho, "li", "store_manager", &["S001"]).await;
    for (store, terminal) in [("S001", "T01"), ("S001", "T02"), ("S002", "T07")] {
        ho.enroll(store, terminal).await;
    }
    let browser = browser().await;
    browser
        .sign_in(&ho.base_url, "li", CONSOLE_PASSWORD)
        .await
        .unwrap();
    browser.wait_for_path("/dashboard").await.unwrap();
    let tills = format!("{}/tills", ho.base_url);
    browser.client.goto(&tills).await.unwrap();
    browser.wait_for("table#terminals").await.unwrap();

    let rows = browser.table("table#terminals").await.unwrap();
    let shown: Vec<(&str, &str)> = rows
        .iter()
        .map(|cells| (cells[0].as_str(), cells[1].as_str()))
        .collect();
    assert_eq!(shown, [("S001", "T01"), ("S001", "T02")]);
    let page = browser.client.source().await.unwrap();
    assert!(!page.contains("S002") && !page.contains("T07"), "{page}");
    let audit_links = browser
        .client
        .find_all(fantoccini::Locator::Css("a[href='/audit']"))
        .await
        .unwrap();
    assert!(audit_links.is_empty(), "no link to the audit log");

    browser.close().await.unwrap();
    ho.stop().await;
}

#[tokio::test]
async fn an_admin_reviews_an_overdraft_with_the_button_and_the_audit_log_shows_it() {
    let ho = HeadOffice::start().await;
    person(&ho, "wang", "admin", &[]).await;
    ho.import_member("M1", "13800000001", 0).await;
    ho.enroll("S001", "T01").await;
    let document = Uuid::now_v7();
    ho.client()
        .await
        .execute(
            "INSERT INTO overdraft_reviews (document_id, member_id, store_id, terminal_id,
                 points_redeemed, balance_before, balance_after)
             VALUES ($1, 'M1', 'S001', 'T01', 500, 100, -400)",
            &[&document],
        )
        .await
        .unwrap();
    let browser = browser().await;
    browser
        .sign_in(&ho.base_url, "wang", CONSOLE_PASSWORD)
        .await
        .unwrap();
    browser.wait_for_path("/dashboard").await.unwrap();
    let tills = format!("{}/tills", ho.base_url);
    browser.client.goto(&tills).await.unwrap();

    let rows = browser.table("table#overdrafts").await.unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0][3], document.to_string());
    browser
        .wait_for(&format!(
            "form[action='/tills/overdrafts/{document}/review'] button"
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let notice = browser
        .wait_for("p.notice")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(notice.contains(&document.to_string()), "{notice}");
    let reviewed_by: Option<String> = ho
        .client()
        .await
        .query_one(
            "SELECT reviewed_by FROM overdraft_reviews WHERE document_id = $1",
            &[&document],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(reviewed_by.as_deref(), Some("wang"));

    // Through the navigation, as a person goes there.
    browser
        .wait_for("header nav a[href='/audit']")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for_path("/audit").await.unwrap();
    browser.wait_for("table#audit").await.unwrap();
    let entries = browser.table("table#audit").await.unwrap();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let entry = &entries[0];
    // at, who, what, subject, before, after
    assert_eq!(entry[1], "wang");
    assert_eq!(entry[2], "overdraft.review");
    assert_eq!(entry[3], document.to_string());
    assert!(
        entry[4].contains(r#""reviewed_at":null"#),
        "before: {}",
        entry[4]
    );
    assert!(
        entry[5].contains(r#""reviewed_by":"wang""#),
        "after: {}",
        entry[5]
    );

    browser.close().await.unwrap();
    ho.stop().await;
}

#[tokio::test]
async fn a_missing_browser_or_driver_fails_at_once_naming_the_setup_script() {
    let nowhere = std::path::PathBuf::from("/nonexistent/bin");
    for (programs, missing) in [
        (
            support::Programs {
                chromedriver: nowhere.join("chromedriver"),
                ..support::Programs::debian()
            },
            "chromedriver",
        ),
        (
            support::Programs {
                chromium: nowhere.join("chromium"),
                ..support::Programs::debian()
            },
            "chromium",
        ),
    ] {
        let started = std::time::Instant::now();
        let refused = Browser::start_with(&programs)
            .await
            .err()
            .expect("no browser without its programs");
        assert!(
            matches!(&refused, support::BrowserError::NotInstalled { program, .. } if *program == missing),
            "{refused:?}"
        );
        let text = refused.to_string();
        assert!(
            text.contains("bash scripts/setup.sh") && text.contains("/nonexistent/bin"),
            "{text}"
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "not a hang"
        );
    }
}

#[tokio::test]
async fn a_driver_that_exits_at_once_is_a_clear_error_not_a_hang() {
    let started = std::time::Instant::now();
    let programs = support::Programs {
        chromedriver: "/usr/bin/false".into(),
        ..support::Programs::debian()
    };
    let refused = Browser::start_with(&programs)
        .await
        .err()
        .expect("no browser without a working driver");
    assert!(
        matches!(refused, support::BrowserError::DriverExited { .. }),
        "{refused:?}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "not a hang: {:?}",
        started.elapsed()
    );
}

/// Types `text` into the input named `name`, replacing what it held.
async fn fill(browser: &Browser, name: &str, text: &str) {
    let input = browser
        .wait_for(&format!("input[name={name}]"))
        .await
        .unwrap();
    input.clear().await.unwrap();
    input.send_keys(text).await.unwrap();
}

#[tokio::test]
async fn a_merchandiser_changes_a_price_in_the_browser_and_the_feed_carries_it_to_the_tills() {
    let ho = HeadOffice::start().await;
    person(&ho, "chen", "merchandiser", &[]).await;
    let product = pos_domain::import::product_from_fields(&[
        "100024",
        "鱼跃血压计袖带",
        "",
        "血压监测",
        "个",
        "49.00",
        "0.13",
        "II",
        "",
        "none",
        "5",
    ])
    .unwrap();
    let file = pos_domain::import::CatalogImport {
        products: vec![product],
        ..Default::default()
    };
    head_office::catalog::import_catalog(&mut *ho.client().await, &file, None)
        .await
        .unwrap();
    let token = ho.enroll("S001", "T01").await;
    let browser = browser().await;
    let base = &ho.base_url;
    browser
        .sign_in(base, "chen", CONSOLE_PASSWORD)
        .await
        .unwrap();

    // The list answers a search by pinyin initials (yyxyjxd: 鱼跃血压计袖带). Opened by
    // address: clicking the search button would leave the old list's link to go stale.
    browser
        .client
        .goto(&format!("{base}/catalog?find=yyxy"))
        .await
        .unwrap();
    browser
        .wait_for("a[href='/catalog/100024']")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for_path("/catalog/100024").await.unwrap();
    fill(&browser, "price", "45.50").await;
    browser
        .wait_for("form[action='/catalog/100024'] button[type=submit]")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for_path("/catalog").await.unwrap();
    let notice = browser
        .wait_for("p.notice")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(notice.contains("100024"), "{notice}");

    let (_, feed) = ho.get(Some(&token), "/v1/feed?cursor=0").await;
    let change = feed["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["entity"] == "product" && c["data"]["sku"] == "100024")
        .expect("the product in the feed");
    assert_eq!(change["data"]["price"], "45.50");
    browser.close().await.unwrap();
    ho.stop().await;
}

/// One admin asks for an adjustment on the member's page; another approves it on the
/// pending list; the ledger and the audit log show it.
#[tokio::test]
async fn an_admins_point_adjustment_approved_by_another_shows_in_the_ledger_and_the_audit_log() {
    let ho = HeadOffice::start().await;
    person(&ho, "wang", "admin", &[]).await;
    person(&ho, "chen", "admin", &[]).await;
    ho.import_member("M1", "13812345678", 120).await;
    let browser = browser().await;
    let base = &ho.base_url;
    browser
        .sign_in(base, "wang", CONSOLE_PASSWORD)
        .await
        .unwrap();

    browser
        .client
        .goto(&format!("{base}/members?find=C-M1"))
        .await
        .unwrap();
    browser
        .wait_for("a[href='/members/M1']")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for_path("/members/M1").await.unwrap();
    fill(&browser, "points", "30").await;
    fill(&browser, "reason", "活动补发").await;
    browser
        .wait_for("form[action='/members/M1/adjust'] button")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let notice = browser
        .wait_for("p.notice")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(notice.contains("审批"), "{notice}");
    assert_eq!(ho.balance("M1").await, Some(120), "not before approval");

    browser.client.delete_all_cookies().await.unwrap();
    browser
        .sign_in(base, "chen", CONSOLE_PASSWORD)
        .await
        .unwrap();
    browser
        .client
        .goto(&format!("{base}/point-adjustments"))
        .await
        .unwrap();
    let pending = browser.table("table#pending").await.unwrap();
    assert!(
        pending
            .iter()
            .any(|row| row[1] == "M1" && row[2] == "30" && row[4] == "wang"),
        "{pending:?}"
    );
    browser
        .wait_for("form[action$='/approve'] button")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for("p.notice").await.unwrap();
    browser
        .client
        .goto(&format!("{base}/members/M1"))
        .await
        .unwrap();
    let ledger = browser.table("table#ledger").await.unwrap();
    assert!(
        ledger
            .iter()
            .any(|row| row[2] == "adjust" && row[3] == "30" && row[4] == "150"),
        "{ledger:?}"
    );
    browser.client.goto(&format!("{base}/audit")).await.unwrap();
    let log = browser.table("table#audit").await.unwrap();
    assert!(
        log.iter()
            .any(|row| row[1] == "chen" && row[2] == "points.adjust" && row[3] == "M1"),
        "{log:?}"
    );
    assert!(
        log.iter()
            .any(|row| row[1] == "wang" && row[2] == "points.adjust.request" && row[3] == "M1"),
        "{log:?}"
    );
    browser.close().await.unwrap();
    ho.stop().await;
}

/// The screens the console must be usable on: the smallest laptop and a tablet held
/// upright.
const SCREENS: [(u32, u32); 2] = [(1366, 768), (768, 1024)];

/// The main pages at each screen size never scroll sideways as a whole: the header and
/// its navigation wrap, a wide table (the audit log's JSON) scrolls inside its own box.
#[tokio::test]
async fn the_main_pages_fit_a_1366x768_screen_and_a_768x1024_tablet_without_scrolling_sideways() {
    use pos_domain::catalog::{Lot, Tracking};
    use pos_domain::import::{CatalogImport, StockRecord};

    let ho = HeadOffice::start().await;
    person(&ho, "wang", "admin", &[]).await;
    ho.import_member("M1", "13812345678", 120).await;
    let mut long = crate::feed::product("STRIP-50", "89.50", Tracking::Lot);
    long.name = "鱼跃血糖试纸（五十片装）适用于 580 型与 590 型血糖仪".repeat(3);
    let file = CatalogImport {
        products: vec![long],
        lots: vec![Lot {
            sku: "STRIP-50".into(),
            lot_no: "L2401".into(),
            expiry_date: "2027-06-30".parse().unwrap(),
        }],
        stock: vec![StockRecord {
            sku: "STRIP-50".into(),
            lot_no: Some("L2401".into()),
            quantity: 40,
        }],
        ..Default::default()
    };
    head_office::catalog::import_catalog(&mut *ho.client().await, &file, Some("S001"))
        .await
        .unwrap();
    for (store, terminal) in [("S001", "T01"), ("S001", "T02"), ("S002", "T01")] {
        ho.enroll(store, terminal).await;
    }
    // An audit entry whose before and after are long JSON without spaces.
    let mut visitor = ho.signed_in("wang").await;
    let csrf = visitor.get("/catalog/STRIP-50").await.csrf();
    let added = visitor
        .post(
            "/catalog/STRIP-50/lots",
            &[
                ("csrf", &csrf),
                ("lot_no", &"L".repeat(60)),
                ("expiry_date", "2028-01-31"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);

    let browser = browser().await;
    let base = &ho.base_url;
    browser
        .sign_in(base, "wang", CONSOLE_PASSWORD)
        .await
        .unwrap();
    let pages = [
        "/tills",
        "/closes",
        "/stock",
        "/catalog",
        "/catalog/STRIP-50",
        "/members?find=C-M1",
        "/members/M1",
        "/audit",
    ];
    for (width, height) in SCREENS {
        browser.client.set_window_size(width, height).await.unwrap();
        for path in pages {
            browser.client.goto(&format!("{base}{path}")).await.unwrap();
            browser.wait_for("main h1").await.unwrap();
            let sizes = browser
                .client
                .execute(
                    "return [document.documentElement.scrollWidth, window.innerWidth]",
                    vec![],
                )
                .await
                .unwrap();
            let (scroll, inner) = (sizes[0].as_u64().unwrap(), sizes[1].as_u64().unwrap());
            assert_eq!(inner, u64::from(width), "{path}: the window took the size");
            assert!(
                scroll <= inner,
                "{path} at {width}×{height}: the page is {scroll} px wide in {inner}"
            );
        }
    }
    browser.close().await.unwrap();
    ho.stop().await;
}
