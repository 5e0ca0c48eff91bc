//! Arbitrary receipts (any unicode in every text field) render without panic,
//! and every preview line fits the paper.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use printer::{
    PaperWidth, Receipt, ReceiptLine, ReceiptMember, ReceiptTender, ReceiptVat, display_width,
    render_escpos, render_text, wrap,
};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\\p{Han}a-zA-Z0-9 ]{0,80}",
        "[\\PC]{0,60}",
    ]
}

fn decimal() -> impl Strategy<Value = Decimal> {
    (any::<i64>(), 0u32..=8).prop_map(|(units, scale)| Decimal::new(units, scale))
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (-100_000i32..100_000).prop_filter_map("valid day", |days| {
        NaiveDate::from_ymd_opt(2000, 1, 1)?.checked_add_signed(chrono::Duration::days(days.into()))
    })
}

fn datetime() -> impl Strategy<Value = NaiveDateTime> {
    (0i64..4_000_000_000).prop_filter_map("valid time", |secs| {
        DateTime::from_timestamp(secs, 0).map(|t| t.naive_utc())
    })
}

fn receipt_line() -> impl Strategy<Value = ReceiptLine> {
    (
        (text(), text(), decimal(), text(), decimal(), decimal()),
        (
            proptest::option::of(text()),
            proptest::option::of(date()),
            proptest::option::of(text()),
            proptest::option::of(text()),
            proptest::collection::vec((text(), decimal()), 0..3),
        ),
    )
        .prop_map(
            |(
                (name, sku, quantity, unit, unit_price, amount),
                (lot, expiry_date, serial, registration_no, promotions),
            )| ReceiptLine {
                name,
                sku,
                quantity,
                unit,
                unit_price,
                amount,
                lot,
                expiry_date,
                serial,
                registration_no,
                promotions,
            },
        )
}

fn member() -> impl Strategy<Value = ReceiptMember> {
    (
        text(),
        text(),
        text(),
        any::<i64>(),
        any::<i64>(),
        any::<i64>(),
    )
        .prop_map(
            |(card_no, phone, tier, points_earned, points_redeemed, points_balance)| {
                ReceiptMember {
                    card_no,
                    masked_phone: phone,
                    tier,
                    points_earned,
                    points_redeemed,
                    points_balance,
                    points_expiring: None,
                }
            },
        )
}

fn receipt() -> impl Strategy<Value = Receipt> {
    let header = (
        (
            text(),
            text(),
            proptest::option::of(text()),
            proptest::option::of(text()),
        ),
        (text(), text(), text(), datetime()),
    );
    let body = (
        proptest::collection::vec(receipt_line(), 0..4),
        (decimal(), decimal(), decimal(), decimal()),
        proptest::collection::vec((decimal(), decimal(), decimal()), 0..3),
        proptest::collection::vec((text(), decimal(), proptest::option::of(text())), 0..3),
    );
    let tail = (
        proptest::option::of(member()),
        proptest::collection::vec(text(), 0..3),
        proptest::option::of(text()),
        any::<bool>(),
    );
    (header, body, tail).prop_map(
        |(
            (
                (title, store_name, store_address, store_phone),
                (terminal_id, operator, document_no, printed_at),
            ),
            (lines, (subtotal, discount_total, total, change), vat, tenders),
            (member, footer, qr_payload, reprint),
        )| Receipt {
            title,
            store_name,
            store_address,
            store_phone,
            terminal_id,
            operator,
            document_no,
            printed_at,
            lines,
            subtotal,
            discount_total,
            total,
            vat: vat
                .into_iter()
                .map(|(rate, gross, vat)| ReceiptVat { rate, gross, vat })
                .collect(),
            tenders: tenders
                .into_iter()
                .map(|(label, amount, reference)| ReceiptTender {
                    label,
                    amount,
                    reference,
                })
                .collect(),
            change,
            member,
            footer,
            qr_payload,
            reprint,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_preview_line_fits_the_paper(receipt in receipt()) {
        for width in [PaperWidth::Mm58, PaperWidth::Mm80] {
            let text = render_text(&receipt, width);
            for line in text.lines() {
                prop_assert!(display_width(line) <= width.columns(), "{line:?} on {width:?}");
                prop_assert!(!line.chars().any(char::is_control), "{line:?} has a control character");
            }
        }
    }

    #[test]
    fn escpos_bytes_always_start_with_init_and_end_with_cut(receipt in receipt()) {
        for width in [PaperWidth::Mm58, PaperWidth::Mm80] {
            let bytes = render_escpos(&receipt, width);
            prop_assert!(bytes.starts_with(&[0x1B, b'@', 0x1C, b'&']));
            prop_assert!(bytes.ends_with(&[0x1D, b'V', b'A', 0]));
        }
    }

    #[test]
    fn wrap_loses_no_character_and_fits(text in "[\\PC]{0,120}", cols in 2usize..60) {
        let lines = wrap(&text, cols);
        for line in &lines {
            prop_assert!(display_width(line) <= cols, "{line:?} wider than {cols}");
        }
        let kept: String = lines.concat().chars().filter(|c| !c.is_whitespace()).collect();
        let given: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        prop_assert_eq!(kept, given);
    }
}
