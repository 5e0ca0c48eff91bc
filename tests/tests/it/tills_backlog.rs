//! A real till's agent says its backlog with each pull, and head office's Tills and sync
//! page shows it: the documents the till holds that head office has not accepted.

use head_office::console::users::add_user;
use head_office::testing::Visitor;
use sync_agent::client::{HeadOfficeClient, Timeouts};
use sync_agent::pull::pull_all;
use tests::first_sale_at;
use tests::head_office::TestHeadOffice;

/// The cells of the terminals table's row of `terminal`, as the page shows them.
fn terminal_row(body: &str, terminal: &str) -> Vec<String> {
    let table = &body[body.find(r#"id="terminals""#).expect("the terminals table")..];
    let tbody = &table[..table.find("</tbody>").expect("a body")];
    tbody
        .split("<tr")
        .map(|row| {
            row.split("<td")
                .skip(1)
                .map(|cell| {
                    cell[cell.find('>').unwrap() + 1..cell.find("</td>").unwrap()].to_owned()
                })
                .collect::<Vec<String>>()
        })
        .find(|cells| cells.get(1).map(String::as_str) == Some(terminal))
        .unwrap_or_else(|| panic!("{terminal} in {body}"))
}

/// The backlog column's text for `terminal`.
async fn shown_backlog(browser: &mut Visitor, terminal: &str) -> String {
    let page = browser.get("/tills").await;
    assert_eq!(page.status, 200, "{}", page.body);
    terminal_row(&page.body, terminal)[5].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_backlog_a_tills_agent_says_with_its_pull_shows_on_the_tills_page() {
    let ho = TestHeadOffice::start_with_demo_catalog(&["S001"]).await;
    let till = ho.enrolled_till("S001", "T01", ho.url()).await;
    add_user(
        &**ho.client().await,
        "wang",
        "admin",
        &[],
        "correct horse 7",
    )
    .await
    .unwrap();
    let mut browser = Visitor::new(&ho.url());
    assert_eq!(browser.sign_in("wang", "correct horse 7").await.status, 303);
    assert_eq!(
        shown_backlog(&mut browser, "T01").await,
        "未知",
        "never said"
    );

    till.drain().await;
    assert_eq!(shown_backlog(&mut browser, "T01").await, "0", "all sent");

    // Sales rung up and not pushed yet; the agent pulls first.
    till.sell(12, 7, first_sale_at());
    let stats = till.store().outbox_stats().unwrap();
    let holds = stats.waiting + stats.rejected;
    assert!(holds >= 12, "{stats:?}");
    let client = HeadOfficeClient::new(&till.server(), Timeouts::default()).unwrap();
    pull_all(&mut till.store(), &client, 50, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(shown_backlog(&mut browser, "T01").await, holds.to_string());

    till.drain().await;
    assert_eq!(shown_backlog(&mut browser, "T01").await, "0");
    ho.stop().await;
}
