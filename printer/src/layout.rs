//! Lays a receipt out in lines of text that fit the paper. The ESC/POS and the
//! text renderers both draw this same list, so the screen preview breaks lines
//! exactly where the paper does.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::receipt::{PaperWidth, Receipt, ReceiptLine, ReceiptMember};
use crate::width::{display_width, pad_left, pad_right, sanitize, wrap};

/// How a line is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Style {
    pub bold: bool,
    /// Double width and height: the line holds half the columns.
    pub double: bool,
    pub center: bool,
}

pub(crate) const PLAIN: Style = Style {
    bold: false,
    double: false,
    center: false,
};
pub(crate) const BOLD: Style = Style {
    bold: true,
    double: false,
    center: false,
};
pub(crate) const CENTER: Style = Style {
    bold: false,
    double: false,
    center: true,
};
const BOLD_CENTER: Style = Style {
    bold: true,
    double: false,
    center: true,
};
const TITLE: Style = Style {
    bold: true,
    double: true,
    center: true,
};

/// One printed element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Block {
    /// A line that fits the paper; centred lines are stored without padding.
    Text { text: String, style: Style },
    /// A QR code image (the text renderer draws a placeholder line).
    Qr { payload: String },
}

/// Indent of the detail lines under a product name.
const INDENT: usize = 2;
/// Columns of the quantity, unit price and amount columns on 80 mm paper.
const QTY_COLS: usize = 8;
const PRICE_COLS: usize = 10;
const AMOUNT_COLS: usize = 10;

/// Money as printed: two decimals, half away from zero.
pub fn format_money(amount: Decimal) -> String {
    let rounded = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    format!("{rounded:.2}")
}

/// A quantity without trailing zeros: 2, 1.5.
fn format_quantity(quantity: Decimal) -> String {
    quantity.normalize().to_string()
}

/// A VAT rate given as a fraction, as a percentage: 0.13 -> "13%".
fn format_rate(rate: Decimal) -> String {
    let percent = rate.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(rate);
    format!("{}%", percent.normalize())
}

/// Lays out the whole receipt.
pub(crate) fn layout(receipt: &Receipt, width: PaperWidth) -> Vec<Block> {
    let mut out = Layout::new(width);
    out.header(receipt);
    out.lines(receipt, width);
    out.totals(receipt);
    out.payments(receipt);
    if let Some(member) = &receipt.member {
        out.member(member);
    }
    out.footer(receipt);
    out.blocks
}

/// Lines being laid out for one paper width; the receipt and the report both use it.
pub(crate) struct Layout {
    cols: usize,
    blocks: Vec<Block>,
}

impl Layout {
    pub(crate) fn new(width: PaperWidth) -> Layout {
        Layout {
            cols: width.columns(),
            blocks: Vec::new(),
        }
    }

    pub(crate) fn into_blocks(self) -> Vec<Block> {
        self.blocks
    }

    fn push(&mut self, text: String, style: Style) {
        self.blocks.push(Block::Text { text, style });
    }

    /// Wrapped text, each line in `style`.
    pub(crate) fn wrapped(&mut self, text: &str, style: Style) {
        let cols = if style.double {
            self.cols / 2
        } else {
            self.cols
        };
        for line in wrap(&sanitize(text), cols) {
            self.push(line, style);
        }
    }

    /// Wrapped text with every line indented.
    pub(crate) fn indented(&mut self, text: &str) {
        for line in wrap_indented(&sanitize(text), self.cols, INDENT) {
            self.push(line, PLAIN);
        }
    }

    /// Indented text on the left, `right` right-aligned on the first line.
    pub(crate) fn indented_row(&mut self, left: &str, right: &str) {
        for line in row(left, right, self.cols, INDENT) {
            self.push(line, PLAIN);
        }
    }

    pub(crate) fn rule(&mut self) {
        self.push("-".repeat(self.cols), PLAIN);
    }

    /// Text on the left, `right` right-aligned on the first line.
    pub(crate) fn row(&mut self, left: &str, right: &str, style: Style) {
        for line in row(left, right, self.cols, 0) {
            self.push(line, style);
        }
    }

    fn header(&mut self, r: &Receipt) {
        self.title(&r.title, &r.store_name);
        if let Some(address) = &r.store_address {
            self.wrapped(address, CENTER);
        }
        if let Some(phone) = &r.store_phone {
            self.wrapped(&format!("电话: {phone}"), CENTER);
        }
        if r.reprint {
            self.reprint_mark();
        }
        self.rule();
        self.wrapped(&format!("单号: {}", r.document_no), PLAIN);
        self.wrapped(
            &format!("时间: {}", r.printed_at.format("%Y-%m-%d %H:%M:%S")),
            PLAIN,
        );
        self.wrapped(&format!("收银机: {}", r.terminal_id), PLAIN);
        self.wrapped(&format!("操作员: {}", r.operator), PLAIN);
        self.rule();
    }

    /// The store's name under a title, centred.
    pub(crate) fn title(&mut self, title: &str, store_name: &str) {
        self.wrapped(title, TITLE);
        self.wrapped(store_name, BOLD_CENTER);
    }

    pub(crate) fn reprint_mark(&mut self) {
        self.wrapped("** 重打印 / REPRINT **", BOLD_CENTER);
    }

    fn lines(&mut self, r: &Receipt, width: PaperWidth) {
        match width {
            PaperWidth::Mm80 => {
                let heads = price_columns("数量", "单价", "金额");
                self.row("商品", &heads, PLAIN);
            }
            PaperWidth::Mm58 => self.row("商品 / 数量 x 单价", "金额", PLAIN),
        }
        for line in &r.lines {
            self.line(line, width);
        }
    }

    fn line(&mut self, l: &ReceiptLine, width: PaperWidth) {
        self.wrapped(&l.name, PLAIN);
        let quantity = format!("{}{}", format_quantity(l.quantity), l.unit);
        let price = format_money(l.unit_price);
        let amount = format_money(l.amount);
        let columns = price_columns(&sanitize(&quantity), &price, &amount);
        let fits_columns = display_width(&columns) == QTY_COLS + PRICE_COLS + AMOUNT_COLS;
        if width == PaperWidth::Mm80 && fits_columns {
            for text in row(&l.sku, &columns, self.cols, INDENT) {
                self.push(text, PLAIN);
            }
        } else {
            if !l.sku.is_empty() {
                self.indented(&l.sku);
            }
            for text in row(&format!("{quantity} x {price}"), &amount, self.cols, INDENT) {
                self.push(text, PLAIN);
            }
        }
        let mut tracking = Vec::new();
        if let Some(lot) = &l.lot {
            tracking.push(format!("批号: {lot}"));
        }
        if let Some(expiry) = l.expiry_date {
            tracking.push(format!("有效期至: {}", expiry.format("%Y-%m-%d")));
        }
        // Lot and expiry share a line when they fit; neither: no line at all.
        let joined = tracking.join(" ");
        if INDENT + display_width(&sanitize(&joined)) <= self.cols {
            if !tracking.is_empty() {
                self.indented(&joined);
            }
        } else {
            for text in &tracking {
                self.indented(text);
            }
        }
        if let Some(serial) = &l.serial {
            self.indented(&format!("序列号: {serial}"));
        }
        if let Some(registration_no) = &l.registration_no {
            self.indented(&format!("注册证号: {registration_no}"));
        }
        for (name, saved) in &l.promotions {
            let saving = format_money(-*saved);
            for text in row(name, &saving, self.cols, INDENT) {
                self.push(text, PLAIN);
            }
        }
    }

    fn totals(&mut self, r: &Receipt) {
        self.rule();
        self.row("商品合计", &format_money(r.subtotal), PLAIN);
        if !r.discount_total.is_zero() {
            self.row("优惠合计", &format_money(-r.discount_total), PLAIN);
        }
        self.row("应付金额", &format_money(r.total), BOLD);
        for vat in &r.vat {
            let left = format!(
                "增值税 {} 含税 {}",
                format_rate(vat.rate),
                format_money(vat.gross)
            );
            self.row(&left, &format_money(vat.vat), PLAIN);
        }
    }

    fn payments(&mut self, r: &Receipt) {
        self.rule();
        for tender in &r.tenders {
            self.row(&tender.label, &format_money(tender.amount), PLAIN);
            if let Some(reference) = &tender.reference {
                self.indented(&format!("参考号: {reference}"));
            }
        }
        if !r.change.is_zero() {
            self.row("找零", &format_money(r.change), PLAIN);
        }
    }

    fn member(&mut self, m: &ReceiptMember) {
        self.rule();
        self.wrapped(&format!("会员卡号: {}", m.card_no), PLAIN);
        if !m.masked_phone.trim().is_empty() {
            self.wrapped(&format!("手机号: {}", m.masked_phone), PLAIN);
        }
        self.wrapped(&format!("会员等级: {}", m.tier), PLAIN);
        self.row("本次积分", &format!("+{}", m.points_earned), PLAIN);
        if m.points_redeemed != 0 {
            self.row("积分抵扣", &format!("-{}", m.points_redeemed), PLAIN);
        }
        self.row("积分余额", &m.points_balance.to_string(), PLAIN);
        if let Some(e) = m.points_expiring {
            // "Of which, due to lapse after the day": one row fits 58 mm.
            self.row(
                &format!("其中 {} 到期", e.last_day),
                &e.points.to_string(),
                PLAIN,
            );
        }
    }

    fn footer(&mut self, r: &Receipt) {
        if !r.footer.is_empty() {
            self.rule();
        }
        for line in &r.footer {
            self.wrapped(line, CENTER);
        }
        if let Some(payload) = &r.qr_payload {
            self.blocks.push(Block::Qr {
                payload: sanitize(payload),
            });
            self.wrapped(payload, CENTER);
        }
    }
}

/// Quantity, unit price and amount right-aligned in the 80 mm columns.
fn price_columns(quantity: &str, price: &str, amount: &str) -> String {
    format!(
        "{}{}{}",
        pad_left(quantity, QTY_COLS),
        pad_left(price, PRICE_COLS),
        pad_left(amount, AMOUNT_COLS)
    )
}

/// Wraps to `cols` with every line starting after `indent` spaces.
fn wrap_indented(text: &str, cols: usize, indent: usize) -> Vec<String> {
    let prefix = " ".repeat(indent);
    wrap(text, cols.saturating_sub(indent))
        .into_iter()
        .map(|line| format!("{prefix}{line}"))
        .collect()
}

/// `left` (indented, wrapped) with `right` right-aligned on its first line; when
/// `right` leaves no room, it goes right-aligned on lines of its own below.
fn row(left: &str, right: &str, cols: usize, indent: usize) -> Vec<String> {
    let left = sanitize(left);
    let right = sanitize(right);
    let right_cols = display_width(&right);
    // The left side needs room for one wide character and a space before `right`.
    if indent + 2 + 1 + right_cols > cols {
        let mut lines = wrap_indented(&left, cols, indent);
        lines.extend(wrap(&right, cols).iter().map(|r| pad_left(r, cols)));
        return lines;
    }
    let mut lines = wrap_indented(&left, cols - right_cols - 1, indent);
    lines[0] = format!("{}{right}", pad_right(&lines[0], cols - right_cols));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn money_has_two_decimals_rounded_half_up() {
        assert_eq!(format_money(dec!(1.5)), "1.50");
        assert_eq!(format_money(dec!(2.005)), "2.01");
        assert_eq!(format_money(dec!(-10)), "-10.00");
    }

    #[test]
    fn rate_prints_as_percent() {
        assert_eq!(format_rate(dec!(0.13)), "13%");
        assert_eq!(format_rate(dec!(0.09)), "9%");
    }

    #[test]
    fn row_puts_amount_at_the_right_edge() {
        assert_eq!(row("血压计", "299.00", 20, 0), vec!["血压计        299.00"]);
    }

    #[test]
    fn row_with_too_wide_right_side_moves_it_below() {
        let lines = row("x", &"9".repeat(25), 20, 0);
        assert!(lines.iter().all(|l| display_width(l) <= 20), "{lines:?}");
        assert_eq!(lines[0], "x");
    }
}
