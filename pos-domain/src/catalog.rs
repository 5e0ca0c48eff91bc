//! Catalog: products, their barcodes and lots. Pure data plus the expiry rule.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How units of a product are told apart at the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Tracking {
    /// Any unit is as good as another (masks, swabs).
    #[default]
    None,
    /// Each unit belongs to a lot (批号) with an expiry date (test strips).
    Lot,
    /// Each unit has its own serial (序列号) and is sold once (blood-pressure monitors).
    Serial,
}

/// Regulatory class of a medical device (管理类别).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeviceClass {
    I,
    II,
    III,
}

/// A product as head office defines it. `price` is the tax-inclusive unit price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    pub sku: String,
    pub name: String,
    /// Pinyin initials of the name, lower case ("xyj" for 血压计), for search.
    pub pinyin: String,
    pub category: String,
    /// Unit of sale shown on the receipt (台, 盒, 支).
    pub unit: String,
    pub price: Decimal,
    /// VAT rate as a fraction: 0.13 for 13%.
    pub vat_rate: Decimal,
    pub device_class: Option<DeviceClass>,
    /// 注册证号 / 备案号, printed on the receipt where present.
    pub registration_no: Option<String>,
    pub tracking: Tracking,
    /// Stock below this raises an alert for the store manager.
    pub safety_stock: i64,
    /// 规格型号: the model or specification, for a device's sales record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_spec: Option<String>,
    /// 生产企业: who makes it, for a class II/III device's sales record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manufacturer: Option<String>,
    /// The manufacturer's 生产许可证编号 (classes II, III) or 备案凭证编号 (class I).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manufacturer_licence: Option<String>,
    /// 保修期: months of warranty from the day a unit is sold, where the product has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warranty_months: Option<u32>,
}

/// A production batch of a lot-tracked product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lot {
    pub sku: String,
    pub lot_no: String,
    /// Last day the lot may be sold (有效期至).
    pub expiry_date: NaiveDate,
}

/// What the expiry rule says about selling a lot on a business date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ExpiryCheck {
    Ok,
    /// Sellable, but the cashier is warned.
    NearExpiry {
        days_left: i64,
    },
    /// Not sellable.
    Expired,
}

/// The lot may be sold on its expiry date itself, not after it.
pub fn check_expiry(
    expiry_date: NaiveDate,
    business_date: NaiveDate,
    warn_days: i64,
) -> ExpiryCheck {
    let days_left = (expiry_date - business_date).num_days();
    if days_left < 0 {
        ExpiryCheck::Expired
    } else if days_left <= warn_days {
        ExpiryCheck::NearExpiry { days_left }
    } else {
        ExpiryCheck::Ok
    }
}

/// GS1 check digit of the digits before it (mod 10, weights 3 and 1 from the right).
pub fn gs1_check_digit(body: &str) -> Option<u32> {
    let mut sum = 0;
    for (i, c) in body.chars().rev().enumerate() {
        let d = c.to_digit(10)?;
        sum += if i % 2 == 0 { d * 3 } else { d };
    }
    Some((10 - sum % 10) % 10)
}

/// True when `code` is all digits and its last digit is the right GS1 check digit.
pub fn has_valid_gs1_check_digit(code: &str) -> bool {
    let Some((body, last)) = code.len().checked_sub(1).map(|n| code.split_at(n)) else {
        return false;
    };
    match (
        gs1_check_digit(body),
        last.chars().next().and_then(|c| c.to_digit(10)),
    ) {
        (Some(expected), Some(actual)) => !body.is_empty() && expected == actual,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn expiry_rule() {
        let today = date("2026-11-22");
        assert_eq!(
            check_expiry(date("2026-11-21"), today, 30),
            ExpiryCheck::Expired
        );
        assert_eq!(
            check_expiry(date("2026-11-22"), today, 30),
            ExpiryCheck::NearExpiry { days_left: 0 }
        );
        assert_eq!(
            check_expiry(date("2026-12-22"), today, 30),
            ExpiryCheck::NearExpiry { days_left: 30 }
        );
        assert_eq!(check_expiry(date("2026-12-23"), today, 30), ExpiryCheck::Ok);
    }

    #[test]
    fn gs1_check_digits() {
        assert!(has_valid_gs1_check_digit("6901234567892"));
        assert!(!has_valid_gs1_check_digit("6901234567893"));
        assert!(has_valid_gs1_check_digit("96385074")); // EAN-8
        assert!(!has_valid_gs1_check_digit("69012345678x2"));
        assert!(!has_valid_gs1_check_digit(""));
    }
}
