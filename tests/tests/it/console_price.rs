//! A merchandiser changes a price in the head-office console; the till's next pull
//! brings it, and the next sale is rung up at the new price.

use head_office::console::users::add_user;
use head_office::testing::Visitor;
use pos_core::document::{DocumentBody, Tender, TenderKind};
use pos_core::import::product_to_fields;
use pos_core::till::ItemInput;
use rust_decimal::Decimal;
use tests::first_sale_at;
use tests::head_office::TestHeadOffice;
use tests::tills::PIN;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_price_changed_in_the_console_is_rung_up_after_the_tills_next_pull() {
    let ho = TestHeadOffice::start_with_demo_catalog(&["S001"]).await;
    let till = ho.enrolled_till("S001", "T01", ho.url()).await;
    till.drain().await;
    let catalog = tests::demo_catalog();
    let product = catalog
        .products
        .iter()
        .find(|p| p.tracking == pos_core::catalog::Tracking::None)
        .expect("an untracked product")
        .clone();
    let new_price = (product.price + Decimal::ONE).to_string();

    add_user(
        &**ho.client().await,
        "chen",
        "merchandiser",
        &[],
        "correct horse 7",
    )
    .await
    .unwrap();
    let mut browser = Visitor::new(&ho.url());
    assert_eq!(browser.sign_in("chen", "correct horse 7").await.status, 303);
    let form_page = browser.get(&format!("/catalog/{}", product.sku)).await;
    assert_eq!(form_page.status, 200);
    let mut fields = product_to_fields(&product);
    fields[5] = new_price.clone();
    let names = pos_core::import::product_fields();
    let csrf = form_page.csrf();
    let mut form: Vec<(&str, &str)> = names
        .iter()
        .copied()
        .zip(fields.iter().map(String::as_str))
        .collect();
    form.push(("csrf", &csrf));
    let saved = browser
        .post(&format!("/catalog/{}", product.sku), &form)
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);

    till.drain().await;
    let mut t = till.open();
    let now = first_sale_at();
    t.login("manager", PIN, now).unwrap();
    if !t.has_open_shift().unwrap() {
        t.open_shift(vec![], now).unwrap();
    }
    t.scan(&ItemInput::code(product.sku.clone()), now).unwrap();
    let total = t.priced(now).unwrap().total;
    let sale = t
        .pay(
            &[Tender {
                kind: TenderKind::Cash,
                amount: total,
                reference: None,
                points: 0,
            }],
            None,
            now,
        )
        .unwrap();
    let DocumentBody::Sale(sale) = sale.body else {
        panic!("a sale")
    };
    assert_eq!(sale.lines[0].unit_price.to_string(), new_price);
    ho.stop().await;
}
