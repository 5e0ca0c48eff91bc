//! Reading each record kind from its row, with the checks that need only the row.

use rust_decimal::Decimal;

use super::error::ImportError;
use super::row::Row;
use super::{SerialRecord, StockRecord};
use crate::catalog::{DeviceClass, Lot, Product, Tracking, has_valid_gs1_check_digit};
use crate::hanzi::pinyin_initials;
use crate::member::{Member, Tier};
use crate::pricing::validate_promotion;
use crate::promotion::{Promotion, PromotionKind, check_segment_code};

const BARCODE_LENGTHS: [usize; 4] = [8, 12, 13, 14];
const PHONE_DIGITS_MAX: usize = 15;

/// Columns are checked left to right, so the first mistake in a row is the one reported.
pub(crate) fn product(row: &Row) -> Result<Product, ImportError> {
    let sku = row.required(0)?;
    let name = row.required(1)?;
    let pinyin = match row.optional(2)? {
        None => pinyin_initials(&name),
        Some(given) if is_search_key(&given) => given,
        Some(_) => {
            return Err(row.field_error(
                2,
                "must be lower-case pinyin initials and digits only (dzxyj), or empty to fill in",
            ));
        }
    };
    Ok(Product {
        sku,
        name,
        pinyin,
        category: row.required(3)?,
        unit: row.required(4)?,
        price: price(row, 5)?,
        vat_rate: vat_rate(row, 6)?,
        device_class: device_class(row, 7)?,
        registration_no: row.optional(8)?,
        tracking: tracking(row, 9)?,
        safety_stock: non_negative(row, 10)?,
        model_spec: row.optional(11)?,
        manufacturer: row.optional(12)?,
        manufacturer_licence: row.optional(13)?,
        warranty_months: warranty_months(row, 14)?,
    })
}

pub(crate) fn barcode(row: &Row) -> Result<(String, String), ImportError> {
    let sku = row.required(0)?;
    let code = row.required(1)?;
    if !code.bytes().all(|b| b.is_ascii_digit()) || !BARCODE_LENGTHS.contains(&code.len()) {
        return Err(row.field_error(
            1,
            "must be 8, 12, 13 or 14 digits (EAN-8, UPC-A, EAN-13, GTIN-14); \
             if a spreadsheet shows 6.9E+12, format the column as text",
        ));
    }
    if !has_valid_gs1_check_digit(&code) {
        return Err(row.field_error(1, "has a wrong check digit (last digit); check for a typo"));
    }
    Ok((sku, code))
}

pub(crate) fn lot(row: &Row) -> Result<Lot, ImportError> {
    Ok(Lot {
        sku: row.required(0)?,
        lot_no: row.required(1)?,
        expiry_date: row.date(2)?,
    })
}

pub(crate) fn stock(row: &Row) -> Result<StockRecord, ImportError> {
    Ok(StockRecord {
        sku: row.required(0)?,
        lot_no: row.optional(1)?,
        quantity: row.integer(2)?,
    })
}

pub(crate) fn serial(row: &Row) -> Result<SerialRecord, ImportError> {
    Ok(SerialRecord {
        sku: row.required(0)?,
        serial: row.required(1)?,
        lot_no: row.optional(2)?,
    })
}

pub(crate) fn member(row: &Row) -> Result<Member, ImportError> {
    let id = row.required(0)?;
    let card_no = row.required(1)?;
    let phone = row.required(2)?;
    if !phone.bytes().all(|b| b.is_ascii_digit()) || phone.len() > PHONE_DIGITS_MAX {
        return Err(row.field_error(
            2,
            "must be digits only, such as 13812345678; \
             if a spreadsheet shows 1.38E+10, format the column as text",
        ));
    }
    let name = row.required(3)?;
    let tier = Tier::from_code(row.text(4))
        .or_else(|| {
            Tier::ALL
                .into_iter()
                .find(|tier| tier.label_zh() == row.text(4))
        })
        .ok_or_else(|| row.field_error(4, "must be standard, gold, platinum or diamond"))?;
    Ok(Member {
        id,
        card_no,
        phone,
        name,
        tier,
        points_balance: row.integer(5)?,
        phone_key: None,
        tier_spend: None,
        segment: None,
    })
}

pub(crate) fn promotion(row: &Row) -> Result<Promotion, ImportError> {
    let id = row.required(0)?;
    let name = row.required(1)?;
    let priority = row.integer(2)?;
    let stackable = row.boolean(3)?;
    let valid_from = row.optional_date_time(4)?;
    let valid_to = row.optional_date_time(5)?;
    if let (Some(from), Some(to)) = (valid_from, valid_to)
        && to < from
    {
        return Err(row.field_error(5, "ends before valid_from"));
    }
    let kind: PromotionKind = serde_json::from_str(row.text(6))
        .map_err(|e| row.field_error(6, format!("is not a promotion rule: {e}")))?;
    check_rule(&kind).map_err(|why| row.field_error(6, why))?;
    let segment = row.optional(7)?;
    if let Some(code) = &segment {
        check_segment_code(code).map_err(|why| row.field_error(7, why))?;
    }
    let promotion = Promotion {
        id,
        name,
        kind,
        priority,
        stackable,
        valid_from,
        valid_to,
        segment,
    };
    // What pricing would skip as malformed is refused here, so no till gets a rule
    // that silently never applies.
    validate_promotion(&promotion).map_err(|e| row.field_error(6, e.problem))?;
    Ok(promotion)
}

/// Numbers a rule needs to make sense at the counter.
fn check_rule(kind: &PromotionKind) -> Result<(), &'static str> {
    match kind {
        PromotionKind::PercentOff { percent, .. }
            if *percent <= Decimal::ZERO || *percent > Decimal::ONE_HUNDRED =>
        {
            Err("percent must be above 0 and at most 100")
        }
        PromotionKind::AmountOff { amount, .. } if !is_money(*amount) => {
            Err("amount must be 0 or more, with at most 2 decimals")
        }
        PromotionKind::SpendSave {
            threshold, save, ..
        } if !is_money(*threshold) || !is_money(*save) || save >= threshold => {
            Err("threshold and save must be amounts with at most 2 decimals, save below threshold")
        }
        PromotionKind::BuyGet { buy, get, .. } if *buy == 0 || *get == 0 => {
            Err("buy and get must both be at least 1")
        }
        PromotionKind::TierPrice { price, .. } if !is_money(*price) => {
            Err("price must be 0 or more, with at most 2 decimals")
        }
        PromotionKind::PointsMultiplier { multiplier, .. } if *multiplier <= Decimal::ZERO => {
            Err("multiplier must be above 0")
        }
        _ => Ok(()),
    }
}

fn is_money(amount: Decimal) -> bool {
    amount >= Decimal::ZERO && amount.normalize().scale() <= 2
}

fn is_search_key(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

fn price(row: &Row, index: usize) -> Result<Decimal, ImportError> {
    let price = row.decimal(index)?;
    if !is_money(price) {
        return Err(row.field_error(index, "must be 0 or more, in yuan with at most 2 decimals"));
    }
    Ok(price)
}

fn vat_rate(row: &Row, index: usize) -> Result<Decimal, ImportError> {
    let rate = row.decimal(index)?;
    if rate < Decimal::ZERO || rate >= Decimal::ONE {
        return Err(row.field_error(
            index,
            "must be a fraction from 0 up to 1: write 0.13 for 13%",
        ));
    }
    Ok(rate)
}

fn device_class(row: &Row, index: usize) -> Result<Option<DeviceClass>, ImportError> {
    match row.text(index) {
        "" => Ok(None),
        "I" => Ok(Some(DeviceClass::I)),
        "II" => Ok(Some(DeviceClass::II)),
        "III" => Ok(Some(DeviceClass::III)),
        _ => Err(row.field_error(
            index,
            "must be I, II, III or empty when not a medical device",
        )),
    }
}

fn tracking(row: &Row, index: usize) -> Result<Tracking, ImportError> {
    match row.text(index) {
        "none" => Ok(Tracking::None),
        "lot" => Ok(Tracking::Lot),
        "serial" => Ok(Tracking::Serial),
        _ => Err(row.field_error(index, "must be none, lot or serial")),
    }
}

fn non_negative(row: &Row, index: usize) -> Result<i64, ImportError> {
    let value: i64 = row.integer(index)?;
    if value < 0 {
        return Err(row.field_error(index, "must be 0 or more"));
    }
    Ok(value)
}

/// Empty for none, else 1 to 1200 months.
fn warranty_months(row: &Row, index: usize) -> Result<Option<u32>, ImportError> {
    if row.text(index).is_empty() {
        return Ok(None);
    }
    let months: u32 = row.integer(index)?;
    if !(1..=1200).contains(&months) {
        return Err(row.field_error(index, "must be 1 to 1200 months, or empty for none"));
    }
    Ok(Some(months))
}

/// The column text for a tracking mode; the parser reads it back.
pub(crate) fn tracking_code(tracking: Tracking) -> &'static str {
    match tracking {
        Tracking::None => "none",
        Tracking::Lot => "lot",
        Tracking::Serial => "serial",
    }
}

pub(crate) fn device_class_code(class: Option<DeviceClass>) -> &'static str {
    match class {
        None => "",
        Some(DeviceClass::I) => "I",
        Some(DeviceClass::II) => "II",
        Some(DeviceClass::III) => "III",
    }
}
