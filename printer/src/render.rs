//! Draws a laid-out receipt or report: as ESC/POS bytes for the printer and as
//! plain text for the screen preview. Both are pure.

use encoding_rs::GB18030;

use crate::commands;
use crate::layout::{Block, Style, layout};
use crate::receipt::{PaperWidth, Receipt};
use crate::report::Report;
use crate::report_layout::layout_report;
use crate::slip::StockSlip;
use crate::slip_layout::layout_slip;
use crate::width::center;

/// Lines fed after the last text so the cut does not clip it.
const FEED_BEFORE_CUT_LINES: u8 = 3;

/// The receipt as ESC/POS bytes: `ESC @`, `FS &` Chinese mode, GB18030 text,
/// bold double-size title, the QR code (`GS ( k`) of the sale id, feed and cut.
pub fn render_escpos(receipt: &Receipt, width: PaperWidth) -> Vec<u8> {
    escpos_blocks(layout(receipt, width), width)
}

/// The report as ESC/POS bytes: as for a receipt, without a QR code.
pub fn render_report_escpos(report: &Report, width: PaperWidth) -> Vec<u8> {
    escpos_blocks(layout_report(report, width), width)
}

/// A stock document's slip as ESC/POS bytes: as for a report.
pub fn render_slip_escpos(slip: &StockSlip, width: PaperWidth) -> Vec<u8> {
    escpos_blocks(layout_slip(slip, width), width)
}

fn escpos_blocks(blocks: Vec<Block>, width: PaperWidth) -> Vec<u8> {
    let mut out = Vec::with_capacity(2048);
    out.extend_from_slice(commands::init());
    out.extend_from_slice(commands::CHINESE_MODE_ON);
    let mut current = Style::default();
    for block in blocks {
        match block {
            Block::Text { text, style } => {
                switch_style(&mut out, &mut current, style);
                out.extend_from_slice(&GB18030.encode(&text).0);
                out.push(commands::LINE_FEED);
            }
            Block::Qr { payload } => {
                let module_dots = match width {
                    PaperWidth::Mm58 => 5,
                    PaperWidth::Mm80 => 6,
                };
                if let Some(qr) = commands::qr_code(&payload, module_dots) {
                    switch_style(
                        &mut out,
                        &mut current,
                        Style {
                            center: true,
                            ..Style::default()
                        },
                    );
                    out.extend_from_slice(&qr);
                    out.push(commands::LINE_FEED);
                }
            }
        }
    }
    switch_style(&mut out, &mut current, Style::default());
    out.extend(commands::feed(FEED_BEFORE_CUT_LINES));
    out.extend_from_slice(commands::cut());
    out
}

/// Emits only the mode commands that change.
fn switch_style(out: &mut Vec<u8>, current: &mut Style, next: Style) {
    if current.bold != next.bold {
        out.extend_from_slice(commands::bold(next.bold));
    }
    if current.double != next.double {
        out.extend(commands::double_size(next.double));
    }
    if current.center != next.center {
        out.extend_from_slice(commands::center(next.center));
    }
    *current = next;
}

/// The receipt as the screen preview shows it: the same lines as on paper, each
/// at most [`PaperWidth::columns`] wide; the QR code is a `[二维码]` line.
pub fn render_text(receipt: &Receipt, width: PaperWidth) -> String {
    text_blocks(layout(receipt, width), width)
}

/// The report as the screen preview shows it, line for line as on paper.
pub fn render_report_text(report: &Report, width: PaperWidth) -> String {
    text_blocks(layout_report(report, width), width)
}

/// A stock document's slip as the screen preview shows it, line for line as on paper.
pub fn render_slip_text(slip: &StockSlip, width: PaperWidth) -> String {
    text_blocks(layout_slip(slip, width), width)
}

fn text_blocks(blocks: Vec<Block>, width: PaperWidth) -> String {
    let cols = width.columns();
    let mut lines = Vec::new();
    for block in blocks {
        match block {
            Block::Text { text, style } if style.center => lines.push(center(&text, cols)),
            Block::Text { text, .. } => lines.push(text),
            Block::Qr { .. } => lines.push(center("[二维码]", cols)),
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}
