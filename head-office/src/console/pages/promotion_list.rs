//! The Promotions list (促销): every rule of the chain in one table (sorted, filtered,
//! exported), each id a link to its page in `promotions.rs`.

use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{NaiveDateTime, Utc};
use maud::html;
use pos_domain::promotion::{Promotion, PromotionKind, Target};

use crate::catalog::promotions;
use crate::console::i18n::Lang;
use crate::console::promotion_form::kind_code;
use crate::console::session::Signed;
use crate::console::table::{Around, Cell, Column, Kind, Listing, Names, Params, Row, Table};
use crate::console::{page_error, url_part};
use crate::state::AppState;

const PATH: &str = "/promotions";
/// How the pages write a promotion's window.
pub(super) const DATE_TIME: &str = "%Y-%m-%d %H:%M:%S";

/// Where a promotion stands at `now`: its status key.
pub(super) fn status(p: &Promotion, now: NaiveDateTime) -> &'static str {
    if p.valid_to.is_some_and(|to| to < now) {
        "promotions.ended"
    } else if p.valid_from.is_some_and(|from| from > now) {
        "promotions.upcoming"
    } else {
        "promotions.active"
    }
}

/// What a rule looks at, in words.
fn target_text(lang: Lang, kind: &PromotionKind) -> String {
    let target = match kind {
        PromotionKind::PercentOff { target, .. }
        | PromotionKind::AmountOff { target, .. }
        | PromotionKind::SpendSave { target, .. }
        | PromotionKind::PointsMultiplier { target, .. } => target.clone(),
        PromotionKind::BuyGet { sku, .. } | PromotionKind::TierPrice { sku, .. } => {
            Target::Sku(sku.clone())
        }
    };
    match target {
        Target::All => lang.t("promotions.target_all"),
        Target::Sku(sku) => lang.tf("promotions.target_sku_is", &[("value", &sku)]),
        Target::Category(c) => lang.tf("promotions.target_category_is", &[("value", &c)]),
    }
}

fn table(lang: Lang, list: &[Promotion], now: NaiveDateTime) -> Table {
    let column = |key: &'static str| Column {
        key,
        header: lang.t(&format!("promotions.{key}")),
        kind: if key == "priority" {
            Kind::Number
        } else {
            Kind::Text
        },
    };
    let when = |at: Option<NaiveDateTime>| match at {
        Some(at) => Cell::Text(at.format(DATE_TIME).to_string()),
        None => Cell::Empty,
    };
    Table {
        id: "promotions",
        names: Names::Main,
        columns: [
            "id",
            "name",
            "kind",
            "valid_from",
            "valid_to",
            "status",
            "target",
            "priority",
        ]
        .into_iter()
        .map(column)
        .collect(),
        rows: list
            .iter()
            .map(|p| Row {
                flagged: false,
                cells: vec![
                    Cell::Link {
                        text: p.id.clone(),
                        href: format!("{PATH}/{}", url_part(&p.id)),
                    },
                    Cell::Text(p.name.clone()),
                    Cell::Text(lang.t(&format!("promotions.kind_{}", kind_code(&p.kind)))),
                    when(p.valid_from),
                    when(p.valid_to),
                    Cell::Text(lang.t(status(p, now))),
                    Cell::Text(target_text(lang, &p.kind)),
                    Cell::Number(p.priority.into()),
                ],
            })
            .collect(),
    }
}

pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    signed: Signed,
    Query(raw): Query<Vec<(String, String)>>,
) -> Response {
    let params = Params(raw);
    let listing = Listing {
        lang,
        signed: &signed,
        title: lang.t("promotions.title"),
        path: PATH,
        params: &params,
        fields: html! {},
    };
    let list = match state.pool.get().await {
        Ok(client) => promotions(&**client).await,
        Err(e) => Err(e.into()),
    };
    let list = match list {
        Ok(list) => list,
        Err(e) => return page_error(e),
    };
    let above = html! {
        @for (key, notice) in [("saved", "promotions.saved"), ("ended", "promotions.ended_notice"), ("deleted", "promotions.deleted")] {
            @if let Some(id) = params.get(key) {
                p.notice role="status" { (lang.tf(notice, &[("id", id)])) }
            }
        }
        @if signed.user.may_edit_catalog() {
            p { a href="/promotions/new" { (lang.t("promotions.new")) } }
        }
    };
    let around = Around {
        above,
        ..Around::none()
    };
    listing.answer_with(
        table(lang, &list, crate::chain_time::local(Utc::now())),
        "promotions",
        around,
    )
}
