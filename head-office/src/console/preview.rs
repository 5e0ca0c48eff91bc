//! A promotion tried on an example basket: the basket priced by the domain's own
//! pricing with the chain's other promotions and this one as edited, and again without
//! it. Nothing is stored.

use chrono::{NaiveDateTime, Utc};
use maud::{Markup, html};
use pos_domain::cart::{Cart, CartLine, LineProduct};
use pos_domain::member::Tier;
use pos_domain::pricing::{PricedCart, PricingContext, SOURCE_PROMOTION, price_cart};
use pos_domain::promotion::Promotion;
use rust_decimal::Decimal;
use tokio_postgres::GenericClient;

use super::i18n::Lang;
use super::table::field;
use crate::catalog::{product, promotions};
use crate::error::DbError;

/// Lines of an example basket.
pub const BASKET_LINES_MAX: usize = 10;

/// The basket as typed: (SKU, quantity) per line, the member's tier and the moment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Basket {
    pub lines: Vec<(String, String)>,
    /// A tier code, or empty for no member.
    pub tier: String,
    /// `YYYY-MM-DDTHH:MM[:SS]` in the chain's time, or empty for now.
    pub at: String,
}

impl Basket {
    pub fn from_posted(pairs: &[(String, String)]) -> Basket {
        let value = |name: &str| field(pairs, name).unwrap_or_default().to_owned();
        Basket {
            lines: (1..=BASKET_LINES_MAX)
                .map(|i| {
                    (
                        value(&format!("basket_sku_{i}")),
                        value(&format!("basket_qty_{i}")),
                    )
                })
                .collect(),
            tier: value("basket_tier"),
            at: value("basket_at"),
        }
    }

    fn line(&self, i: usize) -> (&str, &str) {
        self.lines
            .get(i)
            .map_or(("", ""), |(s, q)| (s.as_str(), q.as_str()))
    }

    /// The basket's inputs, to sit in the promotion's form.
    pub fn inputs(&self, lang: Lang) -> Markup {
        html! {
            fieldset id="basket" {
                legend { (lang.t("preview.basket")) }
                table {
                    thead { tr { th { "#" } th { (lang.t("preview.sku")) } th { (lang.t("preview.quantity")) } } }
                    tbody {
                        @for i in 0..BASKET_LINES_MAX {
                            @let (sku, quantity) = self.line(i);
                            tr {
                                td { (i + 1) }
                                td { input name={ "basket_sku_" (i + 1) } value=(sku); }
                                td { input name={ "basket_qty_" (i + 1) } value=(quantity) size="5"; }
                            }
                        }
                    }
                }
                label { (lang.t("preview.tier")) " "
                    select name="basket_tier" {
                        option value="" selected[self.tier.is_empty()] { (lang.t("preview.no_member")) }
                        @for tier in Tier::ALL {
                            option value=(tier.code()) selected[self.tier == tier.code()] {
                                (lang.t(&format!("promotions.tier_{}", tier.code())))
                            }
                        }
                    }
                }
                label { (lang.t("preview.at")) " " input name="basket_at" value=(self.at) placeholder="2026-12-12T10:00:00"; }
            }
        }
    }
}

/// The basket priced both ways.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    pub at: NaiveDateTime,
    pub with: PricedCart,
    pub without: PricedCart,
}

/// Prices `basket` with the chain's promotions and `draft` in place of the stored one
/// of its id, and without `draft`. `Ok(Err(reason))` for a basket that cannot be priced.
pub async fn price_basket(
    client: &impl GenericClient,
    lang: Lang,
    draft: &Promotion,
    basket: &Basket,
) -> Result<Result<Preview, String>, DbError> {
    let mut lines = Vec::new();
    for (i, (sku, quantity)) in basket.lines.iter().enumerate() {
        let line_no = (i + 1).to_string();
        if sku.is_empty() && quantity.is_empty() {
            continue;
        }
        let Some(found) = product(client, sku).await? else {
            return Ok(Err(
                lang.tf("preview.unknown_sku", &[("line", &line_no), ("sku", sku)])
            ));
        };
        let Ok(quantity) = quantity.parse::<u32>() else {
            return Ok(Err(lang.tf(
                "preview.bad_quantity",
                &[("line", &line_no), ("value", quantity)],
            )));
        };
        lines.push(CartLine {
            line_no: (i + 1) as u32,
            product: LineProduct::from(&found),
            quantity,
            lot: None,
            expiry_date: None,
            serial: None,
            manual: None,
        });
    }
    if lines.is_empty() {
        return Ok(Err(lang.t("preview.empty")));
    }
    let member_tier = match basket.tier.as_str() {
        "" => None,
        code => match Tier::from_code(code) {
            Some(tier) => Some(tier),
            None => return Ok(Err(lang.tf("preview.bad_tier", &[("value", code)]))),
        },
    };
    let at = match moment(&basket.at, draft) {
        Some(at) => at,
        None => return Ok(Err(lang.tf("preview.bad_at", &[("value", &basket.at)]))),
    };
    let cart = Cart {
        lines,
        member_tier,
        // The example member is taken to be in the promotion's segment, if it has one.
        member_segment: member_tier.and(draft.segment.clone()),
        order_discount: None,
    };
    let mut others: Vec<Promotion> = promotions(client)
        .await?
        .into_iter()
        .filter(|p| p.id != draft.id)
        .collect();
    let priced = |promotions: &[Promotion]| price_cart(&cart, &PricingContext { promotions, at });
    let without = match priced(&others) {
        Ok(priced) => priced,
        Err(e) => return Ok(Err(lang.tf("preview.refused", &[("why", &e.to_string())]))),
    };
    others.push(draft.clone());
    let with = match priced(&others) {
        Ok(priced) => priced,
        Err(e) => return Ok(Err(lang.tf("preview.refused", &[("why", &e.to_string())]))),
    };
    Ok(Ok(Preview { at, with, without }))
}

/// The moment typed, or now in the chain's time; when the promotion has not started by
/// then, its start (a preview of next week's rule shows it applied).
fn moment(typed: &str, draft: &Promotion) -> Option<NaiveDateTime> {
    if !typed.is_empty() {
        return ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"]
            .iter()
            .find_map(|format| NaiveDateTime::parse_from_str(typed, format).ok());
    }
    let now = crate::chain_time::local(Utc::now());
    Some(match draft.valid_from {
        Some(from) if from > now => from,
        _ => now,
    })
}

/// The promotions that took something off a line, by name.
fn applied(line: &pos_domain::document::SaleLine) -> String {
    line.discounts
        .iter()
        .filter(|d| d.source == SOURCE_PROMOTION)
        .map(|d| format!("{} ({})", d.name, d.promotion_id))
        .collect::<Vec<_>>()
        .join("; ")
}

fn discount(line: &pos_domain::document::SaleLine) -> String {
    let sum = line
        .discounts
        .iter()
        .try_fold(Decimal::ZERO, |sum, d| sum.checked_add(d.amount));
    money(sum)
}

/// An amount in yuan with its two decimals (a line without a discount shows 0.00); a
/// sum past what a decimal holds shows as a dash, never a panic.
fn money(amount: Option<Decimal>) -> String {
    amount.map_or_else(|| "—".to_owned(), |a| format!("{a:.2}"))
}

/// The two pricings side by side, line by line, with their totals.
pub fn render(lang: Lang, preview: &Preview) -> Markup {
    let saved = preview.without.total.checked_sub(preview.with.total);
    html! {
        section id="preview" {
            h2 { (lang.t("preview.title")) }
            p { (lang.tf("preview.priced_at", &[("at", &preview.at.format("%Y-%m-%d %H:%M:%S").to_string())])) }
            table {
                thead {
                    tr {
                        th rowspan="2" { "#" } th rowspan="2" { (lang.t("preview.sku")) }
                        th rowspan="2" { (lang.t("preview.name")) } th rowspan="2" { (lang.t("preview.quantity")) }
                        th rowspan="2" { (lang.t("preview.unit_price")) } th rowspan="2" { (lang.t("preview.gross")) }
                        th colspan="2" { (lang.t("preview.without")) }
                        th colspan="3" { (lang.t("preview.with")) }
                    }
                    tr {
                        th { (lang.t("preview.discount")) } th { (lang.t("preview.net")) }
                        th { (lang.t("preview.discount")) } th { (lang.t("preview.net")) }
                        th { (lang.t("preview.applied")) }
                    }
                }
                tbody {
                    @for (with, without) in preview.with.lines.iter().zip(&preview.without.lines) {
                        tr {
                            td { (with.line_no) } td { (with.sku) } td { (with.name) } td { (with.quantity) }
                            td { (money(Some(with.unit_price))) } td { (money(Some(with.gross))) }
                            td { (discount(without)) } td { (money(Some(without.net))) }
                            td { (discount(with)) } td { (money(Some(with.net))) }
                            td { (applied(with)) }
                        }
                    }
                }
                tfoot {
                    tr {
                        th colspan="5" { (lang.t("preview.totals")) }
                        td { (money(Some(preview.with.subtotal))) }
                        td id="preview-discount-without" { (money(Some(preview.without.discount_total))) }
                        td id="preview-total-without" { (money(Some(preview.without.total))) }
                        td id="preview-discount-with" { (money(Some(preview.with.discount_total))) }
                        td id="preview-total-with" { (money(Some(preview.with.total))) }
                        td { (lang.tf("preview.saves", &[("amount", &money(saved))])) }
                    }
                }
            }
        }
    }
}
