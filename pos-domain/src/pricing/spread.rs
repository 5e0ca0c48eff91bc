//! Largest-remainder spreading: shares a fen amount over weights so the parts add up
//! exactly, which is what keeps lines summing to the order total.

use rust_decimal::Decimal;

use crate::money::round_cny;

const FEN_PER_YUAN: Decimal = Decimal::ONE_HUNDRED;

/// Spreads `amount` (rounded to fen) over `weights`, in fen, by largest remainder.
///
/// The shares add up exactly to `amount`. When `amount <= sum(weights)` and the weights
/// are fen amounts, no share exceeds its weight. Negative weights count as zero; when
/// every weight is zero the amount is shared equally. Ties in remainder go to the
/// earlier weight. No weights, no shares.
pub fn spread_largest_remainder(amount: Decimal, weights: &[Decimal]) -> Vec<Decimal> {
    if weights.is_empty() {
        return Vec::new();
    }
    let amount = round_cny(amount);
    let fen_total = (amount.abs() * FEN_PER_YUAN).trunc();
    let mut clean: Vec<Decimal> = weights.iter().map(|w| (*w).max(Decimal::ZERO)).collect();
    let mut weight_sum: Decimal = clean.iter().sum();
    if weight_sum.is_zero() {
        clean = vec![Decimal::ONE; weights.len()];
        weight_sum = Decimal::from(weights.len());
    }

    let mut shares_fen = Vec::with_capacity(clean.len());
    let mut remainders = Vec::with_capacity(clean.len());
    for weight in &clean {
        // Multiply first for exactness; fall back to dividing first if that overflows.
        let exact = fen_total
            .checked_mul(*weight)
            .map(|p| p / weight_sum)
            .unwrap_or_else(|| fen_total * (*weight / weight_sum));
        let floor = exact.floor();
        shares_fen.push(floor);
        remainders.push(exact - floor);
    }

    let mut order: Vec<usize> = (0..clean.len()).collect();
    order.sort_by(|&a, &b| remainders[b].cmp(&remainders[a]).then(a.cmp(&b)));
    let mut left = fen_total - shares_fen.iter().sum::<Decimal>();
    let mut next = 0;
    while left > Decimal::ZERO {
        shares_fen[order[next % order.len()]] += Decimal::ONE;
        left -= Decimal::ONE;
        next += 1;
    }

    let sign = if amount.is_sign_negative() {
        -Decimal::ONE
    } else {
        Decimal::ONE
    };
    shares_fen
        .into_iter()
        .map(|fen| (sign * fen / FEN_PER_YUAN).round_dp(2))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn thirds_give_the_extra_fen_to_the_first_largest_remainder() {
        let shares = spread_largest_remainder(dec!(1.00), &[dec!(1), dec!(1), dec!(1)]);
        assert_eq!(shares, vec![dec!(0.34), dec!(0.33), dec!(0.33)]);
    }

    #[test]
    fn follows_the_weights() {
        let shares = spread_largest_remainder(dec!(10.00), &[dec!(30.00), dec!(70.00)]);
        assert_eq!(shares, vec![dec!(3.00), dec!(7.00)]);
    }

    #[test]
    fn zero_weights_share_equally_and_negative_amounts_keep_their_sign() {
        assert_eq!(
            spread_largest_remainder(dec!(0.03), &[dec!(0), dec!(0)]),
            vec![dec!(0.02), dec!(0.01)]
        );
        assert_eq!(
            spread_largest_remainder(dec!(-0.03), &[dec!(1), dec!(2)]),
            vec![dec!(-0.01), dec!(-0.02)]
        );
        assert!(spread_largest_remainder(dec!(5), &[]).is_empty());
    }
}
