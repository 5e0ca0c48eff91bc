//! The Catalog list (商品): products found by SKU, name, pinyin initials or barcode
//! (`find`), as a console table the table's own `q`, order and CSV work on, each SKU a
//! link to its product's page (`catalog.rs`).

use axum::extract::{Query, State};
use axum::response::Response;
use maud::html;
use pos_domain::catalog::Product;
use pos_domain::import::product_to_fields;
use tokio_postgres::GenericClient;

use crate::console::i18n::Lang;
use crate::console::session::Signed;
use crate::console::table::{
    Around, Cell, Column, Kind, Listing, Names, Params, Row, SHOWN_MAX, Table,
};
use crate::console::{page_error, url_part};
use crate::error::DbError;
use crate::state::AppState;

const PATH: &str = "/catalog";
/// Most products a search reads: what the page shows at most.
const LISTED_MAX: i64 = SHOWN_MAX as i64;

/// Products whose SKU, name, pinyin initials or barcode contain `find`, by SKU, at most
/// `limit` of them.
async fn find(
    client: &impl GenericClient,
    find: &str,
    limit: i64,
) -> Result<Vec<Product>, DbError> {
    let pattern = format!(
        "%{}%",
        find.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let rows = client
        .query(
            "SELECT p.data FROM products p
             WHERE $1 = '%%' OR p.sku ILIKE $1 OR p.data->>'name' ILIKE $1
                OR p.data->>'pinyin' ILIKE $1
                OR EXISTS (SELECT 1 FROM barcodes b WHERE b.sku = p.sku AND b.barcode ILIKE $1)
             ORDER BY p.sku LIMIT $2",
            &[&pattern, &limit],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| r.get::<_, tokio_postgres::types::Json<Product>>(0).0)
        .collect())
}

fn table(lang: Lang, products: &[Product]) -> Table {
    let column = |key: &'static str, kind: Kind| Column {
        key,
        header: lang.t(&format!("catalog.{key}")),
        kind,
    };
    Table {
        id: "products",
        names: Names::Main,
        columns: vec![
            column("sku", Kind::Text),
            column("name", Kind::Text),
            column("category", Kind::Text),
            column("price", Kind::Money),
            column("tracking", Kind::Text),
        ],
        rows: products
            .iter()
            .map(|p| Row {
                flagged: false,
                cells: vec![
                    Cell::Link {
                        text: p.sku.clone(),
                        href: format!("{PATH}/{}", url_part(&p.sku)),
                    },
                    Cell::Text(p.name.clone()),
                    Cell::Text(p.category.clone()),
                    Cell::Money(p.price),
                    Cell::Text(lang.t(&format!("catalog.tracking_{}", product_to_fields(p)[9]))),
                ],
            })
            .collect(),
    }
}

/// The catalog as a table: `find` searches the database (SKU, name, pinyin, barcode),
/// the table's own `q`, order and CSV work on what it found.
pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    // The notices of a save are for this answer only, not for the links it carries on.
    let (notices, raw): (Vec<_>, Vec<_>) = raw
        .into_iter()
        .partition(|(k, _)| k == "saved" || k == "removed");
    let notices = Params(notices);
    let params = Params(raw);
    let wanted = params.get("find").unwrap_or_default();
    // The page shows the first products; the CSV has every one that matches.
    let limit = if params.wants_csv() == Ok(true) {
        i64::MAX
    } else {
        LISTED_MAX
    };
    let products = match state.pool.get().await {
        Ok(client) => find(&**client, wanted, limit).await,
        Err(e) => Err(e.into()),
    };
    let products = match products {
        Ok(products) => products,
        Err(e) => return page_error(e),
    };
    let listing = Listing {
        lang,
        signed: &signed,
        title: lang.t("catalog.title"),
        path: PATH,
        params: &params,
        fields: html! {
            label { (lang.t("catalog.search")) " "
                input type="search" name="find" value=(wanted) autofocus;
            }
        },
    };
    let above = html! {
        @if let Some(sku) = notices.get("saved") {
            p.notice role="status" { (lang.tf("catalog.saved", &[("sku", sku)])) }
        }
        @if let Some(sku) = notices.get("removed") {
            p.notice role="status" { (lang.tf("catalog.removed", &[("sku", sku)])) }
        }
        @if signed.user.may_edit_catalog() {
            p { a href="/catalog/new" { (lang.t("catalog.new")) } }
        }
    };
    let below = html! {
        @if products.len() as i64 == LISTED_MAX {
            p { (lang.tf("catalog.more", &[("n", &LISTED_MAX.to_string())])) }
        }
    };
    listing.answer_with(
        table(lang, &products),
        "catalog",
        Around {
            above,
            below,
            ..Around::none()
        },
    )
}
