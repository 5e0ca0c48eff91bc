//! Money in CNY: `rust_decimal`, two decimals, round half up. Never floats.

use rust_decimal::{Decimal, RoundingStrategy};

/// Yuan have two decimal places (fen).
pub const CNY_SCALE: u32 = 2;

/// Rounds an amount to fen, half up (0.005 -> 0.01), as Chinese receipts do.
pub fn round_cny(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(CNY_SCALE, RoundingStrategy::MidpointAwayFromZero)
}

/// VAT contained in a tax-inclusive amount: amount * rate / (1 + rate), rounded to fen.
pub fn vat_included(gross: Decimal, rate: Decimal) -> Decimal {
    if rate.is_zero() {
        return Decimal::ZERO;
    }
    round_cny(gross * rate / (Decimal::ONE + rate))
}

/// Formats an amount as `12.30` (no currency sign; the receipt adds `¥` where wanted).
pub fn format_cny(amount: Decimal) -> String {
    format!("{:.2}", round_cny(amount))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounds_half_up_to_fen() {
        assert_eq!(round_cny(dec!(1.005)), dec!(1.01));
        assert_eq!(round_cny(dec!(1.004)), dec!(1.00));
        assert_eq!(round_cny(dec!(-1.005)), dec!(-1.01));
    }

    #[test]
    fn vat_included_in_price() {
        // 113.00 at 13% holds 13.00 VAT.
        assert_eq!(vat_included(dec!(113.00), dec!(0.13)), dec!(13.00));
        assert_eq!(vat_included(dec!(10.00), dec!(0)), dec!(0));
    }

    #[test]
    fn formats_two_decimals() {
        assert_eq!(format_cny(dec!(12.3)), "12.30");
    }
}
