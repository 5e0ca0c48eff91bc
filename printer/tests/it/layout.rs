//! Column layout: CJK takes two columns, names wrap whole, amounts align right.

use crate::common::fixed_time;
use printer::{PaperWidth, ReceiptLine, display_width, render_text, sample_receipt, wrap};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn line(name: &str, amount: Decimal) -> ReceiptLine {
    ReceiptLine {
        name: name.into(),
        sku: "6900000000001".into(),
        quantity: Decimal::ONE,
        unit: "支".into(),
        unit_price: amount,
        amount,
        lot: None,
        expiry_date: None,
        serial: None,
        registration_no: None,
        promotions: vec![],
    }
}

#[test]
fn a_cjk_character_takes_two_columns() {
    assert_eq!(display_width("血压计"), 6);
    assert_eq!(display_width("Omron 血压计"), 12);
    assert_eq!(display_width("（）"), 4, "fullwidth brackets");
}

#[test]
fn long_chinese_name_wraps_between_characters() {
    let name = "鱼跃医用电子体温计腋下式家用高精度婴儿成人通用YT-318型号";
    for width in [PaperWidth::Mm58, PaperWidth::Mm80] {
        let mut receipt = sample_receipt(fixed_time());
        receipt.lines = vec![line(name, dec!(59.00))];
        let text = render_text(&receipt, width);
        let lines: Vec<&str> = text.lines().collect();
        let first = lines
            .iter()
            .position(|l| l.starts_with("鱼跃"))
            .expect("name printed");
        let sku = lines
            .iter()
            .position(|l| l.contains("6900000000001"))
            .expect("sku printed");
        let name_lines = &lines[first..sku];
        assert!(
            name_lines.len() > 1,
            "the name wraps on {width:?}: {name_lines:?}"
        );
        for l in name_lines {
            assert!(display_width(l) <= width.columns(), "{l:?} fits {width:?}");
        }
        let rejoined: String = name_lines.concat();
        assert_eq!(rejoined, name, "no character lost or cut");
    }
}

#[test]
fn wrap_fills_odd_widths_without_halves() {
    let lines = wrap("一二三四五六七", 5);
    assert_eq!(lines, ["一二", "三四", "五六", "七"]);
    assert!(lines.iter().all(|l| display_width(l) <= 5));
}

#[test]
fn amounts_end_at_the_right_edge_under_chinese_names() {
    let mut receipt = sample_receipt(fixed_time());
    receipt.lines = vec![
        line("血压计", dec!(299.00)),
        line("Thermometer MC-246", dec!(39.90)),
        line("医用外科口罩（独立包装）", dec!(12.50)),
    ];
    receipt.subtotal = dec!(351.40);
    receipt.discount_total = Decimal::ZERO;
    receipt.total = dec!(351.40);
    for width in [PaperWidth::Mm58, PaperWidth::Mm80] {
        let text = render_text(&receipt, width);
        for amount in [
            "299.00", "39.90", "12.50", "351.40", "400.00", "50.00", "5.00",
        ] {
            let l = text
                .lines()
                .find(|l| l.ends_with(&format!(" {amount}")))
                .unwrap_or_else(|| panic!("{amount} on a line of its own end\n{text}"));
            assert_eq!(
                display_width(l),
                width.columns(),
                "{l:?} on {width:?}\n{text}"
            );
        }
    }
}

#[test]
fn unit_price_column_aligns_on_80mm() {
    let mut receipt = sample_receipt(fixed_time());
    receipt.lines = vec![line("血压计", dec!(299.00)), line("Mask", dec!(5.00))];
    let text = render_text(&receipt, PaperWidth::Mm80);
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("6900000000001"))
        .collect();
    assert_eq!(rows.len(), 2, "{text}");
    for row in rows {
        let before_amount = &row[..row.trim_end().rfind(' ').unwrap_or(0)];
        assert_eq!(display_width(before_amount.trim_end()), 48 - 10, "{row:?}");
    }
}

#[test]
fn member_phone_prints_as_the_till_masked_it() {
    let text = render_text(&sample_receipt(fixed_time()), PaperWidth::Mm58);
    assert!(text.contains("手机号: 138****5678"), "{text}");
}

#[test]
fn promotions_and_tracking_are_printed() {
    let text = render_text(&sample_receipt(fixed_time()), PaperWidth::Mm80);
    for expected in [
        "会员满减 满299减30",
        "-30.00",
        "批号: L2405A",
        "有效期至: 2026-04-30",
        "序列号: SN20240517A031",
        "注册证号: 国械注进20162070346",
        "增值税 13%",
        "参考号: 4200002316202405170011",
        "本次积分",
    ] {
        assert!(text.contains(expected), "{expected:?} missing\n{text}");
    }
}
