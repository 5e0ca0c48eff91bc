//! The Catalog list (商品): products found by SKU, name, pinyin initials or barcode
//! (`find`), as a console table, each SKU a link to its product's page (`catalog.rs`).
//! The database applies the table's `q` and order too and cuts to the 500 rows a page
//! shows, with the count of all that match, so the page's rows are the first of all the
//! matches (not the first 500 by SKU, sorted); the CSV has every match.

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
/// The columns' `sort=` keys, in the table's order.
const KEYS: [&str; 5] = ["sku", "name", "category", "price", "tracking"];
/// The tracking column's text as the page shows it ($4 none, $5 lot, $6 serial).
const TRACKING_SHOWN: &str =
    "(CASE p.data->>'tracking' WHEN 'lot' THEN $5 WHEN 'serial' THEN $6 ELSE $4 END)";

/// Products whose SKU, name, pinyin initials or barcode contain $1 (a LIKE pattern),
/// with a shown cell containing $2 (the table's `q`, ignoring case, cell by cell as the
/// table filters): at most $3, each with the count of all that match. `order` is an
/// ORDER BY list from [`order_by`] only.
fn sql(order: &str) -> String {
    format!(
        "SELECT p.data, count(*) OVER () FROM products p
         WHERE ($1 = '%%' OR p.sku ILIKE $1 OR p.data->>'name' ILIKE $1
                OR p.data->>'pinyin' ILIKE $1
                OR EXISTS (SELECT 1 FROM barcodes b WHERE b.sku = p.sku AND b.barcode ILIKE $1))
           AND ($2::text IS NULL
                OR strpos(lower(p.sku), lower($2)) > 0
                OR strpos(lower(p.data->>'name'), lower($2)) > 0
                OR strpos(lower(p.data->>'category'), lower($2)) > 0
                OR strpos(round((p.data->>'price')::numeric, 2)::text, lower($2)) > 0
                OR strpos(lower({TRACKING_SHOWN}), lower($2)) > 0)
         ORDER BY {order}
         LIMIT $3"
    )
}

/// The ORDER BY of a column the table sorts by (by SKU when none), ties by SKU as the
/// table's stable sort leaves them. Text in byte order, as the table sorts it, so the
/// database's first rows are the table's whatever the database's collation.
fn order_by(column: Option<&str>, descending: bool) -> String {
    let key = r#"p.sku COLLATE "C""#;
    let expression = match column {
        Some("name") => r#"(p.data->>'name') COLLATE "C""#.to_owned(),
        Some("category") => r#"(p.data->>'category') COLLATE "C""#.to_owned(),
        Some("price") => "(p.data->>'price')::numeric".to_owned(),
        Some("tracking") => format!(r#"{TRACKING_SHOWN} COLLATE "C""#),
        Some("sku") if descending => return format!("{key} DESC"),
        _ => return key.to_owned(),
    };
    let direction = if descending { "DESC" } else { "ASC" };
    format!("{expression} {direction}, {key}")
}

/// What to read: the page's search, the table's `q` and order, and how many rows.
struct Asked<'a> {
    find: &'a str,
    contains: Option<&'a str>,
    order: String,
    limit: i64,
}

/// The products asked for, and how many match in all.
async fn find(
    client: &impl GenericClient,
    lang: Lang,
    asked: &Asked<'_>,
) -> Result<(Vec<Product>, i64), DbError> {
    let pattern = format!(
        "%{}%",
        asked
            .find
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let tracking = ["none", "lot", "serial"].map(|t| lang.t(&format!("catalog.tracking_{t}")));
    let rows = client
        .query(
            &sql(&asked.order),
            &[
                &pattern,
                &asked.contains,
                &asked.limit,
                &tracking[0],
                &tracking[1],
                &tracking[2],
            ],
        )
        .await?;
    let total = rows.first().map_or(0, |r| r.get(1));
    let products = rows
        .iter()
        .map(|r| r.get::<_, tokio_postgres::types::Json<Product>>(0).0)
        .collect();
    Ok((products, total))
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
    // The database sorts, filters and cuts; the table checks the query and draws.
    let (sort, wants_csv) = match (table(lang, &[]).sort_of(&params), params.wants_csv()) {
        (Ok(sort), Ok(csv)) => (sort, csv),
        (Err(e), _) => return listing.refused(&[e.reason(lang)]),
        (_, Err(e)) => return listing.refused(&[e.reason(lang)]),
    };
    let asked = Asked {
        find: wanted,
        contains: params.get("q"),
        order: order_by(
            sort.and_then(|s| KEYS.get(s.column).copied()),
            sort.is_some_and(|s| s.descending),
        ),
        // The page shows the first products; the CSV has every one that matches.
        limit: if wants_csv {
            i64::MAX
        } else {
            SHOWN_MAX as i64
        },
    };
    let found = match state.pool.get().await {
        Ok(client) => find(&**client, lang, &asked).await,
        Err(e) => Err(e.into()),
    };
    let (products, total) = match found {
        Ok(found) => found,
        Err(e) => return page_error(e),
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
    let shown = products.len();
    let between = html! {
        @if total > shown as i64 {
            p.notice { (lang.tf("table.truncated", &[("shown", &shown.to_string()), ("total", &total.to_string())])) }
        }
    };
    listing.answer_with(
        table(lang, &products),
        "catalog",
        Around {
            above,
            between,
            ..Around::none()
        },
    )
}
