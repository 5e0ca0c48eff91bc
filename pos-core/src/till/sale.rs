//! Ringing up a sale: scan, quantities, price changes, member, hold and resume, pay.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Till, TillError};
use crate::cart::{Cart, CartLine, LineProduct, ManualPrice, OrderDiscount};
use crate::catalog::{ExpiryCheck, Product, Tracking, check_expiry};
use crate::document::{Document, DocumentBody, Sale, SaleMember, Tender, TenderKind};
use crate::loyalty::{RedemptionCheck, check_redemption, points_earned, points_value};
use crate::operator::ManagerAction;
use crate::pricing::{PricedCart, PricingContext, manual_discount_fraction, price_cart};
use crate::store::HeldSale;
use crate::tender::settle;

/// What the cashier scanned or typed: a barcode, GTIN or SKU, and what a UDI code adds.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ItemInput {
    pub code: String,
    pub lot: Option<String>,
    /// Expiry printed in the UDI (AI 17); used when the lot is not in the catalog yet.
    pub expiry_date: Option<NaiveDate>,
    pub serial: Option<String>,
    pub quantity: u32,
}

impl ItemInput {
    pub fn code(code: impl Into<String>) -> ItemInput {
        ItemInput {
            code: code.into(),
            quantity: 1,
            ..ItemInput::default()
        }
    }
}

/// The line a scan (or a hand-chosen lot) landed on, and a warning to show: a near-expiry
/// lot's number, expiry date and days left.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanOutcome {
    pub line_no: u32,
    pub name: String,
    pub near_expiry: Option<(String, NaiveDate, i64)>,
}

/// A held sale's content: the cart and the member it had.
#[derive(Serialize, Deserialize)]
struct HeldCart {
    cart: Cart,
    member_id: Option<String>,
    /// The organisation's id and department (absent in sales held by older builds).
    #[serde(default)]
    organisation: Option<(String, Option<String>)>,
}

impl Till {
    pub fn cart(&self) -> &Cart {
        &self.cart
    }

    /// Adds a scanned or typed item. Lot-tracked products take the lot from the UDI, or
    /// the sellable lot that expires first; expired lots are refused.
    pub fn scan(
        &mut self,
        input: &ItemInput,
        now: DateTime<Utc>,
    ) -> Result<ScanOutcome, TillError> {
        self.logged_in()?;
        if input.quantity == 0 {
            return Err(TillError::ZeroQuantity);
        }
        let product =
            self.store
                .product_by_code(&input.code)?
                .ok_or_else(|| TillError::UnknownCode {
                    code: input.code.trim().to_string(),
                })?;
        let today = self.business_date(now);
        let (lot, expiry_date) = self.resolve_lot(&product, input, today)?;
        let serial = self.check_serial(&product, input)?;
        let near_expiry = self.expiry_rule(
            &product.sku,
            &product.name,
            lot.as_deref(),
            expiry_date,
            today,
        )?;
        let line_no = self.add_to_cart(&product, input.quantity, lot, expiry_date, serial)?;
        Ok(ScanOutcome {
            line_no,
            name: product.name,
            near_expiry,
        })
    }

    /// The expiry rule for a line's lot: an expired lot is refused, a near-expiry one gives
    /// the warning to show (lot, expiry date, days left). Scans and hand-chosen lots share it.
    pub(super) fn expiry_rule(
        &self,
        sku: &str,
        name: &str,
        lot: Option<&str>,
        expiry_date: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Option<(String, NaiveDate, i64)>, TillError> {
        let Some(expiry_date) = expiry_date else {
            return Ok(None);
        };
        let lot_no = lot.unwrap_or_default().to_string();
        match check_expiry(expiry_date, today, self.config.near_expiry_warn_days) {
            ExpiryCheck::Expired => Err(TillError::ExpiredLot {
                sku: sku.to_string(),
                name: name.to_string(),
                lot_no,
                expiry_date,
            }),
            ExpiryCheck::NearExpiry { days_left } => Ok(Some((lot_no, expiry_date, days_left))),
            ExpiryCheck::Ok => Ok(None),
        }
    }

    fn resolve_lot(
        &self,
        product: &Product,
        input: &ItemInput,
        today: NaiveDate,
    ) -> Result<(Option<String>, Option<NaiveDate>), TillError> {
        if let Some(lot_no) = input.lot.as_deref().filter(|l| !l.is_empty()) {
            return match self.store.lot(&product.sku, lot_no)? {
                Some(lot) => Ok((Some(lot.lot_no), Some(lot.expiry_date))),
                // A lot head office has not sent yet: the package's own UDI expiry rules.
                None if input.expiry_date.is_some() => {
                    Ok((Some(lot_no.to_string()), input.expiry_date))
                }
                None => Err(TillError::UnknownLot {
                    sku: product.sku.clone(),
                    lot_no: lot_no.to_string(),
                }),
            };
        }
        // A unit head office lists under a lot is sold on that lot (recalls trace it),
        // whatever first expiry, first out would pick; its expiry is then checked as any.
        if let Some(serial) = input.serial.as_deref().map(str::trim)
            && let Some(lot_no) = self.store.serial_lot(&product.sku, serial)?
        {
            let expiry = self.store.lot(&product.sku, &lot_no)?;
            return Ok((
                Some(lot_no),
                expiry.map(|l| l.expiry_date).or(input.expiry_date),
            ));
        }
        if product.tracking != Tracking::Lot {
            return Ok((None, input.expiry_date));
        }
        // First expiry, first out: the earliest lot still sellable, preferring one in stock.
        let lots = self.store.lots(&product.sku)?;
        let sellable: Vec<_> = lots
            .into_iter()
            .filter(|l| l.expiry_date >= today)
            .collect();
        let mut in_stock = None;
        for lot in &sellable {
            if self.store.stock(&product.sku, Some(&lot.lot_no))? > 0 {
                in_stock = Some(lot.clone());
                break;
            }
        }
        match in_stock.or_else(|| sellable.into_iter().next()) {
            Some(lot) => Ok((Some(lot.lot_no), Some(lot.expiry_date))),
            None => Err(TillError::LotRequired {
                sku: product.sku.clone(),
                name: product.name.clone(),
            }),
        }
    }

    fn check_serial(
        &self,
        product: &Product,
        input: &ItemInput,
    ) -> Result<Option<String>, TillError> {
        let serial = input
            .serial
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        if product.tracking != Tracking::Serial {
            return Ok(serial.map(str::to_string));
        }
        let serial = serial.ok_or_else(|| TillError::SerialRequired {
            sku: product.sku.clone(),
            name: product.name.clone(),
        })?;
        if input.quantity != 1 {
            return Err(TillError::SerialQuantity {
                serial: serial.to_string(),
            });
        }
        if self
            .cart
            .lines
            .iter()
            .any(|l| l.product.sku == product.sku && l.serial.as_deref() == Some(serial))
        {
            return Err(TillError::SerialInCart {
                serial: serial.to_string(),
            });
        }
        if let Some(sequence) = self.store.serial_sold_by(&product.sku, serial)? {
            return Err(TillError::SerialAlreadySold {
                serial: serial.to_string(),
                sequence,
            });
        }
        if self
            .store
            .serial_available_at_head_office(&product.sku, serial)?
            == Some(false)
        {
            return Err(TillError::SerialSoldElsewhere {
                serial: serial.to_string(),
            });
        }
        Ok(Some(serial.to_string()))
    }

    fn add_to_cart(
        &mut self,
        product: &Product,
        quantity: u32,
        lot: Option<String>,
        expiry_date: Option<NaiveDate>,
        serial: Option<String>,
    ) -> Result<u32, TillError> {
        if serial.is_none()
            && let Some(line) = self.cart.lines.iter_mut().find(|l| {
                l.product.sku == product.sku
                    && l.lot == lot
                    && l.serial.is_none()
                    && l.manual.is_none()
            })
        {
            line.quantity = line.quantity.saturating_add(quantity);
            return Ok(line.line_no);
        }
        let line_no = self.cart.lines.iter().map(|l| l.line_no).max().unwrap_or(0) + 1;
        self.cart.lines.push(CartLine {
            line_no,
            product: LineProduct::from(product),
            quantity,
            lot,
            expiry_date,
            serial,
            manual: None,
        });
        Ok(line_no)
    }

    pub(super) fn line(&self, line_no: u32) -> Result<&CartLine, TillError> {
        self.cart
            .lines
            .iter()
            .find(|l| l.line_no == line_no)
            .ok_or(TillError::UnknownLine { line_no })
    }

    pub(super) fn line_mut(&mut self, line_no: u32) -> Result<&mut CartLine, TillError> {
        self.cart
            .lines
            .iter_mut()
            .find(|l| l.line_no == line_no)
            .ok_or(TillError::UnknownLine { line_no })
    }

    pub fn set_quantity(&mut self, line_no: u32, quantity: u32) -> Result<(), TillError> {
        if quantity == 0 {
            return Err(TillError::ZeroQuantity);
        }
        let line = self.line_mut(line_no)?;
        if let Some(serial) = &line.serial
            && quantity != 1
        {
            return Err(TillError::SerialQuantity {
                serial: serial.clone(),
            });
        }
        line.quantity = quantity;
        Ok(())
    }

    pub fn remove_line(&mut self, line_no: u32) -> Result<(), TillError> {
        let before = self.cart.lines.len();
        self.cart.lines.retain(|l| l.line_no != line_no);
        if self.cart.lines.len() == before {
            return Err(TillError::UnknownLine { line_no });
        }
        Ok(())
    }

    /// A price override or line discount; beyond the cashier's limit it needs a manager.
    pub fn set_manual_price(
        &mut self,
        line_no: u32,
        manual: Option<ManualPrice>,
        approval: Option<&crate::document::Approval>,
        now: DateTime<Utc>,
    ) -> Result<(), TillError> {
        if let Some(reason) = manual.as_ref().map(manual_reason)
            && reason.trim().is_empty()
        {
            return Err(TillError::ReasonRequired);
        }
        let mut candidate = self.line(line_no)?.clone();
        candidate.manual = manual;
        let action = match candidate.manual {
            Some(ManualPrice::Override { .. }) => ManagerAction::PriceOverride,
            _ => ManagerAction::LineDiscount,
        };
        let approvals = if manual_discount_fraction(&candidate) > self.config.cashier_discount_limit
        {
            self.require(action, approval, now)?
        } else {
            Vec::new()
        };
        // Price the cart with the change before keeping it, so a bad value is refused now.
        let mut trial = self.cart.clone();
        if let Some(l) = trial.lines.iter_mut().find(|l| l.line_no == line_no) {
            *l = candidate.clone();
        }
        self.price(&trial, now)?;
        *self.line_mut(line_no)? = candidate;
        self.sale_approvals.extend(approvals);
        Ok(())
    }

    /// A discount on the whole order, spread over the lines; beyond the limit, a manager.
    pub fn set_order_discount(
        &mut self,
        discount: Option<OrderDiscount>,
        approval: Option<&crate::document::Approval>,
        now: DateTime<Utc>,
    ) -> Result<(), TillError> {
        let mut trial = self.cart.clone();
        trial.order_discount = None;
        let before = self.price(&trial, now)?.total;
        trial.order_discount = discount.clone();
        let after = self.price(&trial, now)?.total;
        let fraction = if before.is_zero() {
            Decimal::ZERO
        } else {
            (before - after) / before
        };
        if fraction > self.config.cashier_discount_limit {
            let approvals = self.require(ManagerAction::OrderDiscount, approval, now)?;
            self.sale_approvals.extend(approvals);
        }
        self.cart.order_discount = discount;
        Ok(())
    }

    fn price(&self, cart: &Cart, now: DateTime<Utc>) -> Result<PricedCart, TillError> {
        let promotions = self.store.promotions()?;
        Ok(price_cart(
            cart,
            &PricingContext {
                promotions: &promotions,
                at: self.local_time(now),
            },
        )?)
    }

    /// The current sale priced: lines with their promotions, totals and VAT.
    pub fn priced(&self, now: DateTime<Utc>) -> Result<PricedCart, TillError> {
        self.price(&self.cart, now)
    }

    pub fn hold(&mut self, now: DateTime<Utc>) -> Result<(), TillError> {
        let operator_id = self.logged_in()?.id.clone();
        if self.cart.lines.is_empty() {
            return Err(TillError::EmptyCart);
        }
        let max = crate::store::HELD_SALES_MAX;
        if self.store.held_sales()?.len() >= max {
            return Err(TillError::HeldSalesFull { max });
        }
        let items: u32 = self.cart.lines.iter().map(|l| l.quantity).sum();
        let label = format!("{} ×{items}", self.cart.lines[0].product.name);
        let held = HeldCart {
            cart: self.cart.clone(),
            member_id: self.member.as_ref().map(|m| m.id.clone()),
            organisation: self
                .organisation
                .as_ref()
                .map(|o| (o.organisation.id.clone(), o.department.clone())),
        };
        let json = serde_json::to_string(&held).expect("carts serialise");
        self.store.hold_sale(
            &super::new_document_id(now).to_string(),
            &operator_id,
            &label,
            &json,
            now,
        )?;
        self.clear_sale();
        Ok(())
    }

    pub fn held_sales(&self) -> Result<Vec<HeldSale>, TillError> {
        Ok(self.store.held_sales()?)
    }

    pub fn resume(&mut self, held_id: &str, now: DateTime<Utc>) -> Result<(), TillError> {
        if !self.cart.lines.is_empty() {
            return Err(TillError::SaleInProgress);
        }
        let held =
            self.store
                .take_held_sale(held_id)?
                .ok_or_else(|| TillError::HeldSaleNotFound {
                    id: held_id.to_string(),
                })?;
        let held: HeldCart = serde_json::from_str(&held.cart_json)
            .map_err(|_| crate::store::StoreError::corrupt("held sale", held.cart_json.clone()))?;
        self.cart = held.cart;
        self.member = None;
        if let Some(id) = held.member_id {
            self.attach_member(&id, now)?;
        }
        self.detach_organisation();
        if let Some((id, department)) = held.organisation {
            self.attach_organisation(&id)?;
            self.set_department(department.as_deref())?;
        }
        Ok(())
    }

    /// Drops the sale in progress (nothing was recorded yet).
    pub fn clear_sale(&mut self) {
        self.cart = Cart::default();
        self.member = None;
        self.organisation = None;
        self.qualification_acknowledged = false;
        self.sale_approvals.clear();
    }

    /// Completes the sale: prices it, checks tenders and points, and writes it with its
    /// stock, points, journal and outbox in one transaction. The cart is cleared only
    /// once the sale is on disk.
    pub fn pay(
        &mut self,
        tenders: &[Tender],
        approval: Option<&crate::document::Approval>,
        now: DateTime<Utc>,
    ) -> Result<Document, TillError> {
        self.logged_in()?;
        let shift = self.store.open_shift()?.ok_or(TillError::NoOpenShift)?;
        if self.cart.lines.is_empty() {
            return Err(TillError::EmptyCart);
        }
        let priced = self.priced(now)?;
        let rules = self.store.loyalty_rules()?;
        let points_redeemed: i64 = tenders
            .iter()
            .filter(|t| t.kind == TenderKind::Points)
            .map(|t| t.points)
            .sum();
        let paid_with_points: Decimal = tenders
            .iter()
            .filter(|t| t.kind == TenderKind::Points)
            .map(|t| t.amount)
            .sum();
        let mut approvals = self.sale_approvals.clone();
        for t in tenders.iter().filter(|t| t.kind == TenderKind::Points) {
            if t.amount != points_value(t.points, &rules) {
                return Err(TillError::PointsTenderValue {
                    points: t.points,
                    amount: t.amount,
                });
            }
        }
        if points_redeemed > 0 {
            let limits = self.redemption_limits(now)?;
            let RedemptionCheck::Allowed { needs_approval, .. } =
                check_redemption(points_redeemed, priced.total, &limits, &rules)?;
            if needs_approval {
                approvals.extend(self.require(ManagerAction::LargeRedemption, approval, now)?);
            }
        }
        let organisation = self.sale_organisation(now)?;
        let settlement = settle(priced.total, tenders, self.config.cash_rounding())?;
        let member = self.member.as_ref().map(|m| SaleMember {
            member_id: m.id.clone(),
            card_no: m.card_no.clone(),
            tier: m.tier,
        });
        let earned = match &self.member {
            Some(m) => points_earned(
                &priced.lines,
                priced.total,
                paid_with_points,
                m.tier,
                &rules,
            ),
            None => 0,
        };
        for line in priced.lines.iter().filter(|l| l.serial.is_some()) {
            let serial = line.serial.as_deref().unwrap_or_default();
            if let Some(sequence) = self.store.serial_sold_by(&line.sku, serial)? {
                return Err(TillError::SerialAlreadySold {
                    serial: serial.to_string(),
                    sequence,
                });
            }
        }
        let sale = Sale {
            shift_id: shift.id,
            lines: priced.lines,
            subtotal: priced.subtotal,
            discount_total: priced.discount_total,
            total: priced.total,
            vat: priced.vat,
            tenders: tenders.to_vec(),
            cash_rounding: settlement.cash_rounding,
            change: settlement.change,
            member,
            points_earned: earned,
            points_redeemed,
            organisation,
        };
        let doc = self.commit(now, approvals, |_, _, _| Ok(DocumentBody::Sale(sale)))?;
        self.clear_sale();
        Ok(doc)
    }
}

fn manual_reason(m: &ManualPrice) -> &str {
    match m {
        ManualPrice::Override { reason, .. }
        | ManualPrice::PercentOff { reason, .. }
        | ManualPrice::AmountOff { reason, .. } => reason,
    }
}
