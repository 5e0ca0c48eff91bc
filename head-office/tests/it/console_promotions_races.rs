//! Promotion writes that meet another write of the same row: a create of an id taken
//! meanwhile, an end or an edit while another transaction holds the row. The other
//! writer is a transaction of the test's own, so the order is certain: the console's
//! request is seen waiting for its lock before the test commits.

use std::time::{Duration, Instant};

use head_office::testing::{Answer, Visitor};
use serde_json::Value;

use crate::common::*;
use crate::console_promotions::{
    audit_rows, import_products, post, promotion_form, signed_in, with,
};

/// Waits (bounded) until a statement on `promotions` waits for a row lock.
async fn until_a_request_waits_for_the_row(ho: &HeadOffice) {
    let client = ho.client().await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let waiting: i64 = client
            .query_one(
                "SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock'
                   AND query LIKE '%promotions%'",
                &[],
            )
            .await
            .unwrap()
            .get(0);
        if waiting > 0 {
            return;
        }
        assert!(Instant::now() < deadline, "the request never waited");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Posts `form` (with the CSRF token) on a task of its own.
fn post_later(
    mut browser: Visitor,
    path: &'static str,
    csrf: String,
    form: Vec<(&'static str, String)>,
) -> tokio::task::JoinHandle<Answer> {
    tokio::spawn(async move {
        let mut posted: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        posted.push(("csrf", &csrf));
        browser.post(path, &posted).await
    })
}

async fn stored_promotion(ho: &HeadOffice, id: &str) -> Option<Value> {
    ho.client()
        .await
        .query_opt("SELECT data::text FROM promotions WHERE id = $1", &[&id])
        .await
        .unwrap()
        .map(|r| serde_json::from_str(r.get::<_, &str>(0)).unwrap())
}

async fn actions(ho: &HeadOffice, id: &str) -> Vec<String> {
    audit_rows(ho)
        .await
        .into_iter()
        .filter(|(_, _, subject, _, _)| subject == id)
        .map(|(_, action, _, _, _)| action)
        .collect()
}

#[tokio::test]
async fn creating_an_id_twice_gives_the_form_back_even_when_the_other_create_commits_meanwhile() {
    let ho = HeadOffice::start().await;
    import_products(&ho).await;
    ho.add_console_staff().await;
    let (mut browser, csrf) = signed_in(&ho, "qian").await;
    let (status, body) = post(
        &mut browser,
        "/promotions/new",
        &csrf,
        &promotion_form("P1"),
    )
    .await;
    assert_eq!(status, 303, "{body}");
    let (status, body) = post(
        &mut browser,
        "/promotions/new",
        &csrf,
        &promotion_form("P1"),
    )
    .await;
    assert_eq!(status, 400);
    assert!(body.contains("P1 已存在"), "{body}");
    assert_eq!(actions(&ho, "P1").await, ["promotion.create"]);

    // Another create of P2, not committed yet when the console's arrives.
    let mut other = ho.client().await;
    let tx = other.transaction().await.unwrap();
    tx.execute(
        "INSERT INTO promotions (id, data)
         SELECT 'P2', jsonb_set(data, '{id}', '\"P2\"') FROM promotions WHERE id = 'P1'",
        &[],
    )
    .await
    .unwrap();
    let theirs = stored_promotion(&ho, "P1").await.map(|mut p| {
        p["id"] = "P2".into();
        p
    });
    let form = with(&promotion_form("P2"), &[("name", "另一个")]);
    let answer = post_later(browser, "/promotions/new", csrf, form);
    until_a_request_waits_for_the_row(&ho).await;
    tx.commit().await.unwrap();
    let answer = answer.await.unwrap();
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert!(answer.body.contains("P2 已存在"), "{}", answer.body);
    assert!(
        answer.body.contains(r#"name="name" value="另一个""#),
        "the form keeps what was typed"
    );
    assert_eq!(
        stored_promotion(&ho, "P2").await,
        theirs,
        "the first create stays"
    );
    assert!(
        actions(&ho, "P2").await.is_empty(),
        "nothing was created here"
    );
    ho.stop().await;
}

#[tokio::test]
async fn ending_a_promotion_another_transaction_is_changing_ends_the_changed_one() {
    let ho = HeadOffice::start().await;
    import_products(&ho).await;
    ho.add_console_staff().await;
    let (mut browser, csrf) = signed_in(&ho, "qian").await;
    let (status, body) = post(
        &mut browser,
        "/promotions/new",
        &csrf,
        &promotion_form("P1"),
    )
    .await;
    assert_eq!(status, 303, "{body}");

    let mut other = ho.client().await;
    let tx = other.transaction().await.unwrap();
    tx.execute(
        "UPDATE promotions SET data = jsonb_set(data, '{name}', '\"改名了\"') WHERE id = 'P1'",
        &[],
    )
    .await
    .unwrap();
    let answer = post_later(browser, "/promotions/P1/end", csrf, Vec::new());
    until_a_request_waits_for_the_row(&ho).await;
    tx.commit().await.unwrap();
    let answer = answer.await.unwrap();
    assert_eq!(answer.status, 303, "{}", answer.body);

    let stored = stored_promotion(&ho, "P1").await.unwrap();
    assert_eq!(
        stored["name"], "改名了",
        "the other change is kept: {stored}"
    );
    assert_ne!(stored["valid_to"], "2099-12-31T23:59:59", "and it ended");
    let log = audit_rows(&ho).await;
    let (_, action, _, before, after) = log.last().unwrap();
    assert_eq!(action, "promotion.end");
    assert_eq!(
        before.as_ref().unwrap()["name"],
        "改名了",
        "the real before"
    );
    assert_eq!(after.as_ref().unwrap(), &stored);
    ho.stop().await;
}

#[tokio::test]
async fn editing_a_promotion_another_transaction_is_deleting_does_not_bring_it_back() {
    let ho = HeadOffice::start().await;
    import_products(&ho).await;
    ho.add_console_staff().await;
    let (mut browser, csrf) = signed_in(&ho, "qian").await;
    let (status, body) = post(
        &mut browser,
        "/promotions/new",
        &csrf,
        &promotion_form("P1"),
    )
    .await;
    assert_eq!(status, 303, "{body}");

    let mut other = ho.client().await;
    let tx = other.transaction().await.unwrap();
    tx.execute("DELETE FROM promotions WHERE id = 'P1'", &[])
        .await
        .unwrap();
    let form = with(&promotion_form("P1"), &[("percent", "15")]);
    let answer = post_later(browser, "/promotions/P1", csrf, form);
    until_a_request_waits_for_the_row(&ho).await;
    tx.commit().await.unwrap();
    let answer = answer.await.unwrap();
    assert_eq!(answer.status, 404, "{}", answer.body);
    assert_eq!(stored_promotion(&ho, "P1").await, None);
    assert_eq!(actions(&ho, "P1").await, ["promotion.create"]);
    ho.stop().await;
}
