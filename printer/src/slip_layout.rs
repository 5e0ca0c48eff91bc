//! Lays a stock slip out in lines that fit the paper, with the receipt's helpers: the
//! heading and its fields, the lines of goods (name; SKU and quantity; details
//! indented), then the footer's signatures. Empty details print no line.

use crate::layout::{BOLD, Block, Layout, PLAIN};
use crate::receipt::PaperWidth;
use crate::slip::StockSlip;

/// Lays out the whole slip.
pub(crate) fn layout_slip(slip: &StockSlip, width: PaperWidth) -> Vec<Block> {
    let mut out = Layout::new(width);
    out.title(&slip.title, &slip.store_name);
    if slip.reprint {
        out.reprint_mark();
    }
    out.rule();
    for (label, value) in &slip.fields {
        out.wrapped(&format!("{label}: {value}"), PLAIN);
    }
    out.rule();
    out.row(&slip.columns.0, &slip.columns.1, PLAIN);
    for line in &slip.lines {
        out.wrapped(&line.name, BOLD);
        out.indented_row(&line.sku, &line.quantity);
        for detail in line.details.iter().filter(|d| !d.trim().is_empty()) {
            out.indented(detail);
        }
    }
    if !slip.footer.is_empty() {
        out.rule();
    }
    for (label, value) in &slip.footer {
        out.row(label, value, PLAIN);
    }
    out.into_blocks()
}

#[cfg(test)]
mod tests {
    use encoding_rs::GB18030;

    use crate::PaperWidth;
    use crate::render::{render_slip_escpos, render_slip_text};
    use crate::slip::{SlipLine, StockSlip};
    use crate::width::display_width;

    fn slip() -> StockSlip {
        StockSlip {
            title: "收货单".into(),
            store_name: "康泰医疗器械 旗舰店".into(),
            fields: vec![
                ("单号".into(), "42".into()),
                ("送货单号".into(), "DN-7781".into()),
            ],
            columns: ("商品 / 编码".into(), "数量".into()),
            lines: vec![SlipLine {
                name: "三诺血糖试纸 安稳+ 50片（一个很长很长的商品名称需要换行）".into(),
                sku: "110007".into(),
                quantity: "+8".into(),
                details: vec![
                    "批号: L-NEW01 有效期至: 2028-06-30".into(),
                    String::new(),
                    "应收 10 短缺 2 溢收 0".into(),
                ],
            }],
            footer: vec![
                ("操作员".into(), "收银员".into()),
                ("审批店长".into(), "店长".into()),
            ],
            reprint: true,
        }
    }

    #[test]
    fn a_slip_fits_both_papers_and_prints_its_lines_in_gb18030() {
        for width in [PaperWidth::Mm58, PaperWidth::Mm80] {
            let text = render_slip_text(&slip(), width);
            for line in text.lines() {
                assert!(display_width(line) <= width.columns(), "{line:?} too wide");
                assert!(!line.trim().is_empty(), "an empty line in {text}");
            }
            for shown in [
                "收货单",
                "DN-7781",
                "110007",
                "+8",
                "L-NEW01",
                "短缺 2",
                "店长",
                "REPRINT",
            ] {
                assert!(text.contains(shown), "{shown} in {text}");
            }
            let bytes = render_slip_escpos(&slip(), width);
            let (title, _, _) = GB18030.encode("收货单");
            assert!(bytes.windows(title.len()).any(|w| w == &title[..]));
        }
    }
}
