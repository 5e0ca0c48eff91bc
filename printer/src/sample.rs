//! The test receipt that installers print with `pos-devices print-test`, and a
//! Z report for the report goldens and examples.

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use crate::receipt::{
    PointsExpiring, Receipt, ReceiptLine, ReceiptMember, ReceiptTender, ReceiptVat,
};
use crate::report::{Report, ReportLabels, ReportRow, ReportSection};

/// A sale id of the form the till prints as a QR code.
pub const SAMPLE_SALE_ID: &str = "0194f3a2-7c1e-7b55-9d41-2f6a1c8e5b07";

/// A realistic receipt with Chinese text, lot, serial, registration number,
/// promotion, VAT, member points and a QR code. Time is passed in.
pub fn sample_receipt(printed_at: NaiveDateTime) -> Receipt {
    let money = |units: i64| Decimal::new(units, 2);
    Receipt {
        title: "销售小票".into(),
        store_name: "康泰医疗器械 人民路店".into(),
        store_address: Some("上海市黄浦区人民路 188 号".into()),
        store_phone: Some("021-6328 8888".into()),
        terminal_id: "T01".into(),
        operator: "王芳".into(),
        document_no: "T01-000128".into(),
        printed_at,
        lines: vec![
            ReceiptLine {
                name: "欧姆龙电子血压计 HEM-7136 上臂式".into(),
                sku: "6975123450017".into(),
                quantity: Decimal::ONE,
                unit: "台".into(),
                unit_price: money(29_900),
                amount: money(26_900),
                lot: None,
                expiry_date: None,
                serial: Some("SN20240517A031".into()),
                registration_no: Some("国械注进20162070346".into()),
                promotions: vec![("会员满减 满299减30".into(), money(3_000))],
            },
            ReceiptLine {
                name: "鱼跃血糖试纸 50片".into(),
                sku: "6970000000213".into(),
                quantity: Decimal::TWO,
                unit: "盒".into(),
                unit_price: money(8_800),
                amount: money(17_600),
                lot: Some("L2405A".into()),
                expiry_date: NaiveDate::from_ymd_opt(2026, 4, 30),
                serial: None,
                registration_no: Some("苏械注准20172400123".into()),
                promotions: vec![],
            },
        ],
        subtotal: money(47_500),
        discount_total: money(3_000),
        total: money(44_500),
        vat: vec![ReceiptVat {
            rate: Decimal::new(13, 2),
            gross: money(44_500),
            vat: money(5_119),
        }],
        tenders: vec![
            ReceiptTender {
                label: "微信支付".into(),
                amount: money(40_000),
                reference: Some("4200002316202405170011".into()),
            },
            ReceiptTender {
                label: "现金".into(),
                amount: money(5_000),
                reference: None,
            },
        ],
        change: money(500),
        member: Some(ReceiptMember {
            card_no: "8800012345".into(),
            masked_phone: "138****5678".into(),
            tier: "金卡".into(),
            points_earned: 445,
            points_redeemed: 0,
            points_balance: 3_210,
            points_expiring: Some(PointsExpiring {
                points: 1_200,
                last_day: NaiveDate::from_ymd_opt(2026, 12, 31).expect("a calendar day"),
            }),
        }),
        footer: vec![
            "凭小票 7 日内可退换（医疗器械拆封后不退）".into(),
            "谢谢惠顾，祝您健康！".into(),
        ],
        qr_payload: Some(SAMPLE_SALE_ID.into()),
        reprint: false,
    }
}

/// A Z report with every part a till prints: sales, tenders, VAT, points, the
/// cash count and a variance, and a signature line. Time is passed in.
pub fn sample_z_report(printed_at: NaiveDateTime) -> Report {
    let money = |units: i64| Decimal::new(units, 2);
    Report {
        title: "Z 报表".into(),
        store_name: "康泰医疗器械 人民路店".into(),
        terminal_id: "T01".into(),
        operator: "李店长".into(),
        business_date: printed_at.date(),
        printed_at,
        z_no: Some(12),
        labels: ReportLabels::default(),
        sections: vec![
            ReportSection::new(
                "销售",
                vec![
                    ReportRow::text("流水号", "118 - 131"),
                    ReportRow::text("销售笔数", 11),
                    ReportRow::money("销售金额", money(356_750)),
                    ReportRow::text("退货笔数", 1),
                    ReportRow::money("退货金额", money(17_600)),
                    ReportRow::text("作废笔数", 0),
                    ReportRow::money("优惠合计", money(12_000)),
                ],
            ),
            ReportSection::new(
                "支付方式",
                vec![
                    ReportRow::money("现金（6 笔）", money(98_150)),
                    ReportRow::money("微信支付（4 笔）", money(201_000)),
                    ReportRow::money("积分抵扣（1 笔）", money(2_000)),
                ],
            ),
            ReportSection::new(
                "增值税",
                vec![ReportRow::money("税率 13% 含税 3391.50", money(39_017))],
            ),
            ReportSection::new("会员积分", vec![ReportRow::text("发放积分", 3_380)]),
            ReportSection::new(
                "现金",
                vec![
                    ReportRow::money("备用金", money(50_000)),
                    ReportRow::money("出款", money(2_000)),
                    ReportRow::money("应有现金", money(146_150)).bold(),
                    ReportRow::money("实点现金", money(146_000)).bold(),
                    ReportRow::money("差额", money(-150)).bold(),
                ],
            ),
            ReportSection::new(
                "钱箱清点",
                vec![
                    ReportRow::money("100 元 × 14", money(140_000)),
                    ReportRow::money("50 元 × 1", money(5_000)),
                    ReportRow::money("10 元 × 1", money(1_000)),
                ],
            ),
            ReportSection::new("未用到的分区", vec![]),
        ],
        footer: vec!["店长签字：".into()],
        reprint: false,
    }
}
