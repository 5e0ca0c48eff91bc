//! The back-office console: server-rendered pages (maud) under `/`, on the same server
//! as the tills' API under `/v1`. No script: forms post, the server answers with pages.
//!
//! - [`users`]: people and roles (`head-office user add`); [`sign_in`]: passwords,
//!   backoff and lock-out; [`session`]: the cookie, its CSRF token, the [`session::Signed`]
//!   extractor every page takes.
//! - [`audit`]: the append-only log of every change made here.
//! - [`i18n`], [`layout`]: the words (zh-CN first, English) and the page around a screen.
//! - [`pages`]: one file per page.

pub mod adjustment;
pub mod adjustment_requests;
// The log lives at the crate's top so that code outside the console (an erasure from
// the command line) writes it too.
pub use crate::audit;
pub mod chart;
pub mod filters;
pub mod i18n;
pub mod layout;
pub mod pages;
pub mod preview;
pub mod promotion_form;
pub mod session;
pub mod sign_in;
pub mod stores;
pub mod table;
pub mod transfer_orders;
pub mod users;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::html;

use crate::error::DbError;
use crate::state::AppState;
use i18n::Lang;
use session::Signed;

/// The console's routes: (method, path), for the route list tests.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/"),
    ("get", "/login"),
    ("post", "/login"),
    ("post", "/logout"),
    ("get", "/lang/{code}"),
    ("get", "/dashboard"),
    ("get", "/reports"),
    ("get", "/tills"),
    ("post", "/tills/overdrafts/{document_id}/review"),
    ("post", "/tills/points/{document_id}/review"),
    ("post", "/tills/velocity/{document_id}/review"),
    ("get", "/audit"),
    ("get", "/catalog"),
    ("get", "/catalog/new"),
    ("post", "/catalog/new"),
    ("get", "/catalog/{sku}"),
    ("post", "/catalog/{sku}"),
    ("post", "/catalog/{sku}/deactivate"),
    ("get", "/promotions"),
    ("get", "/promotions/new"),
    ("post", "/promotions/new"),
    ("post", "/promotions/preview"),
    ("get", "/promotions/{id}"),
    ("post", "/promotions/{id}"),
    ("post", "/promotions/{id}/end"),
    ("post", "/promotions/{id}/delete"),
    ("get", "/loyalty"),
    ("post", "/loyalty"),
    ("post", "/loyalty/velocity"),
    ("post", "/catalog/{sku}/barcodes"),
    ("post", "/catalog/{sku}/barcodes/{barcode}/remove"),
    ("post", "/catalog/{sku}/lots"),
    ("post", "/catalog/{sku}/lots/{lot_no}"),
    ("post", "/catalog/{sku}/lots/{lot_no}/remove"),
    ("get", "/members"),
    ("get", "/members/{id}"),
    ("post", "/members/{id}/adjust"),
    ("get", "/point-adjustments"),
    ("post", "/point-adjustments/{id}/approve"),
    ("post", "/point-adjustments/{id}/reject"),
    ("get", "/members/{id}/personal-data"),
    ("post", "/members/{id}/erase"),
    ("get", "/member-duplicates"),
    ("post", "/member-duplicates/{id}/merge"),
    ("post", "/member-duplicates/{id}/dismiss"),
    ("get", "/organisations"),
    ("get", "/organisations/new"),
    ("post", "/organisations/new"),
    ("get", "/organisations/{id}"),
    ("post", "/organisations/{id}"),
    ("post", "/organisations/{id}/qualifications"),
    ("post", "/organisations/{id}/qualifications/{kind}/remove"),
    ("post", "/organisations/{id}/contacts"),
    ("post", "/organisations/{id}/contacts/{contact}/remove"),
    ("get", "/organisation-duplicates"),
    ("post", "/organisation-duplicates/{id}/merge"),
    ("post", "/organisation-duplicates/{id}/dismiss"),
    ("get", "/organisation-reviews"),
    ("post", "/organisation-reviews/{document_id}/review"),
    ("get", "/closes"),
    ("get", "/stock"),
    ("get", "/transfers"),
    ("get", "/trace"),
    ("get", "/transfer-orders"),
    ("post", "/transfer-orders"),
    ("post", "/transfer-orders/{transfer_id}/approve"),
    ("post", "/transfer-orders/{transfer_id}/cancel"),
    ("get", "/discrepancies"),
    ("post", "/discrepancies/{kind}/{subject}/settle"),
    ("get", "/replenishment"),
    ("post", "/replenishment/transfer"),
    ("post", "/replenishment/levels"),
    ("get", "/device-sales"),
    ("get", "/segments"),
    ("get", "/segments/{code}"),
    ("post", "/segments/{code}"),
    ("get", "/integrations"),
    ("post", "/integrations"),
    ("post", "/integrations/{name}/revoke"),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/dashboard") }))
        .route("/login", get(pages::login::form).post(pages::login::submit))
        .route("/logout", post(pages::login::sign_out))
        .route("/lang/{code}", get(pages::language::switch))
        .route("/dashboard", get(pages::dashboard::show))
        .route("/reports", get(pages::reports::show))
        .route("/tills", get(pages::tills::show))
        .route(
            "/tills/overdrafts/{document_id}/review",
            post(pages::tills::review_overdraft),
        )
        .route(
            "/tills/points/{document_id}/review",
            post(pages::tills::review_points),
        )
        .route(
            "/tills/velocity/{document_id}/review",
            post(pages::tills::review_velocity),
        )
        .route("/audit", get(pages::audit::show))
        .route("/catalog", get(pages::catalog_list::list))
        .route(
            "/catalog/new",
            get(pages::catalog::new_form).post(pages::catalog::create),
        )
        .route(
            "/catalog/{sku}",
            get(pages::catalog::show).post(pages::catalog::update),
        )
        .route(
            "/catalog/{sku}/deactivate",
            post(pages::catalog::deactivate),
        )
        .route("/promotions", get(pages::promotion_list::list))
        .route(
            "/promotions/new",
            get(pages::promotions::new_form).post(pages::promotions::create),
        )
        .route("/promotions/preview", post(pages::promotions::preview))
        .route(
            "/promotions/{id}",
            get(pages::promotions::show).post(pages::promotions::update),
        )
        .route("/promotions/{id}/end", post(pages::promotions::end))
        .route("/promotions/{id}/delete", post(pages::promotions::delete))
        .route(
            "/loyalty",
            get(pages::loyalty::show).post(pages::loyalty::update),
        )
        .route("/loyalty/velocity", post(pages::loyalty_velocity::update))
        .route(
            "/catalog/{sku}/barcodes",
            post(pages::catalog_barcodes::add),
        )
        .route(
            "/catalog/{sku}/barcodes/{barcode}/remove",
            post(pages::catalog_barcodes::remove),
        )
        .route("/catalog/{sku}/lots", post(pages::catalog_lots::add))
        .route(
            "/catalog/{sku}/lots/{lot_no}",
            post(pages::catalog_lots::update),
        )
        .route(
            "/catalog/{sku}/lots/{lot_no}/remove",
            post(pages::catalog_lots::remove),
        )
        .route("/members", get(pages::members::list))
        .route("/members/{id}", get(pages::members::show))
        .route("/members/{id}/adjust", post(pages::members::adjust))
        .route("/point-adjustments", get(pages::point_adjustments::show))
        .route(
            "/point-adjustments/{id}/approve",
            post(pages::point_adjustments::approve),
        )
        .route(
            "/point-adjustments/{id}/reject",
            post(pages::point_adjustments::reject),
        )
        .route("/members/{id}/erase", post(pages::member_erasure::erase))
        .route(
            "/members/{id}/personal-data",
            get(pages::member_privacy::export),
        )
        .route("/member-duplicates", get(pages::member_duplicates::show))
        .route(
            "/member-duplicates/{id}/merge",
            post(pages::member_duplicates::merge_pair),
        )
        .route(
            "/member-duplicates/{id}/dismiss",
            post(pages::member_duplicates::dismiss),
        )
        .route("/organisations", get(pages::organisations::list))
        .route(
            "/organisations/new",
            get(pages::organisations::new_form).post(pages::organisations::create),
        )
        .route(
            "/organisations/{id}",
            get(pages::organisations::show).post(pages::organisations::update),
        )
        .route(
            "/organisations/{id}/qualifications",
            post(pages::organisation_details::set_qualification),
        )
        .route(
            "/organisations/{id}/qualifications/{kind}/remove",
            post(pages::organisation_details::remove_qualification),
        )
        .route(
            "/organisations/{id}/contacts",
            post(pages::organisation_details::add_contact),
        )
        .route(
            "/organisations/{id}/contacts/{contact}/remove",
            post(pages::organisation_details::remove_contact),
        )
        .route(
            "/organisation-duplicates",
            get(pages::organisation_duplicates::show),
        )
        .route(
            "/organisation-duplicates/{id}/merge",
            post(pages::organisation_duplicates::merge_pair),
        )
        .route(
            "/organisation-duplicates/{id}/dismiss",
            post(pages::organisation_duplicates::dismiss),
        )
        .route(
            "/organisation-reviews",
            get(pages::organisation_reviews::show),
        )
        .route(
            "/organisation-reviews/{document_id}/review",
            post(pages::organisation_reviews::review),
        )
        .route("/closes", get(pages::closes::show))
        .route("/stock", get(pages::stock::show))
        .route("/transfers", get(pages::transfers::show))
        .route("/trace", get(pages::trace::show))
        .route(
            "/transfer-orders",
            get(pages::transfer_orders::show).post(pages::transfer_orders::create),
        )
        .route(
            "/transfer-orders/{transfer_id}/approve",
            post(pages::transfer_orders::approve),
        )
        .route(
            "/transfer-orders/{transfer_id}/cancel",
            post(pages::transfer_orders::cancel),
        )
        .route("/discrepancies", get(pages::discrepancies::show))
        .route(
            "/discrepancies/{kind}/{subject}/settle",
            post(pages::discrepancies::settle),
        )
        .route("/replenishment", get(pages::replenishment::show))
        .route(
            "/replenishment/transfer",
            post(pages::replenishment::make_transfer),
        )
        .route(
            "/replenishment/levels",
            post(pages::replenishment::set_levels),
        )
        .route("/device-sales", get(pages::device_sales::show))
        .route("/segments", get(pages::segments::show))
        .route(
            "/segments/{code}",
            get(pages::segments::members).post(pages::segment_rules::save),
        )
        .route(
            "/integrations",
            get(pages::integrations::show).post(pages::integrations::add),
        )
        .route(
            "/integrations/{name}/revoke",
            post(pages::integrations::revoke),
        )
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Lang, Self::Rejection> {
        Ok(Lang::of_request(parts))
    }
}

/// A page that answers with a status and a short explanation in the person's language.
pub fn problem_page(
    status: StatusCode,
    lang: Lang,
    signed: Option<&Signed>,
    key: &str,
) -> Response {
    let text = lang.t(key);
    let markup = layout::page(lang, signed, &text, "", html! { p.problem { (text) } });
    (status, Html(markup.into_string())).into_response()
}

/// A change refused with its `reason` (`status`: 400, 403, 404, 409), on `path`'s
/// page titled `title_key`, with a link back to it named `back_key`.
pub fn refused_change(
    lang: Lang,
    signed: &Signed,
    status: StatusCode,
    reason: &str,
    (path, title_key, back_key): (&str, &str, &str),
) -> Response {
    let title = lang.t(title_key);
    let body = html! {
        p.problem role="alert" { (reason) }
        p { a href=(path) { (lang.t(back_key)) } }
    };
    let markup = layout::page(lang, Some(signed), &title, path, body);
    (status, Html(markup.into_string())).into_response()
}

/// 400: a query a page's table cannot answer (an unknown column, a bad format), with
/// the reason; nothing was read or changed.
pub fn bad_query(lang: Lang, signed: &Signed, reason: &str) -> Response {
    let title = lang.t("error.bad_query");
    let body = html! { p.problem role="alert" { (reason) } };
    let markup = layout::page(lang, Some(signed), &title, "", body);
    (StatusCode::BAD_REQUEST, Html(markup.into_string())).into_response()
}

/// `text` as one URL path segment or query value: everything but letters, digits and
/// `-._~` percent-encoded, so a SKU or member id with `/`, `?` or a control character
/// still names its page.
pub fn url_part(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The chain's business day: its stores keep China Standard Time (UTC+8, no summer
/// time), whatever the server's own time zone is.
pub fn chain_today(now: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
    crate::chain_time::today(now)
}

pub fn chain_offset() -> chrono::FixedOffset {
    crate::chain_time::offset()
}

/// An unknown path: the API's JSON answer under `/v1`, a page in the person's language
/// elsewhere (a mistyped console address).
pub async fn not_found(lang: Lang, uri: axum::http::Uri) -> Response {
    if uri.path() == "/v1" || uri.path().starts_with("/v1/") {
        return crate::api::not_found(uri).await.into_response();
    }
    problem_page(StatusCode::NOT_FOUND, lang, None, "error.not_found")
}

/// 403: the person's role may not see or change this.
pub fn forbidden(lang: Lang, signed: &Signed) -> Response {
    problem_page(StatusCode::FORBIDDEN, lang, Some(signed), "error.forbidden")
}

/// 403: a form without its session's CSRF token; nothing was changed.
pub fn csrf_refused(lang: Lang, signed: &Signed) -> Response {
    problem_page(StatusCode::FORBIDDEN, lang, Some(signed), "error.csrf")
}

/// 500 for a database failure, logged; the page says nothing was changed (the
/// transaction rolled back).
pub fn page_error(e: DbError) -> Response {
    tracing::error!(error = %e, "console page failed");
    problem_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        Lang::ZhCn,
        None,
        "error.internal",
    )
}

#[cfg(test)]
mod tests {
    use super::url_part;

    #[test]
    fn a_key_with_url_characters_stays_one_segment() {
        assert_eq!(url_part("100024"), "100024");
        assert_eq!(url_part("A/B?c#d&e"), "A%2FB%3Fc%23d%26e");
        assert_eq!(url_part("血"), "%E8%A1%80");
        assert_eq!(url_part("a\nb"), "a%0Ab");
    }
}
