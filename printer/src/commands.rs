//! ESC/POS command bytes. The plain ones come from the `escpos` crate's
//! constants; the ones it lacks or gets wrong for these printers are written here:
//! Chinese mode (`FS &` / `FS .`), the drawer pulse with its timing (`ESC p m t1 t2`;
//! escpos sends no timing), the QR symbol store (`GS ( k` fn 80, private in escpos)
//! and the status queries by number.

use escpos::utils::{
    DLE_REAL_TIME_STATUS, ESC, ESC_HARDWARE_INIT, ESC_TEXT_EMPHASIS_OFF, ESC_TEXT_EMPHASIS_ON,
    ESC_TEXT_JUSTIFY_CENTER, ESC_TEXT_JUSTIFY_LEFT, GS_2D, GS_2D_QRCODE_CORRECTION_LEVEL,
    GS_2D_QRCODE_MODEL, GS_2D_QRCODE_PRINT_SYMBOL_DATA, GS_2D_QRCODE_SIZE, GS_PAPER_CUT_FULL,
    GS_TEXT_SIZE_SELECT, QRCodeCorrectionLevel, QRCodeModel, RealTimeStatusRequest,
};
use serde::{Deserialize, Serialize};

/// File separator, the prefix of the Chinese-mode commands.
const FS: u8 = 0x1C;
/// `FS &`: select Chinese (Kanji) mode: GB18030/GBK double-byte text.
pub const CHINESE_MODE_ON: &[u8] = &[FS, b'&'];
/// `FS .`: back to single-byte mode.
pub const CHINESE_MODE_OFF: &[u8] = &[FS, b'.'];
/// Line feed: print the buffer and advance one line.
pub const LINE_FEED: u8 = 0x0A;

/// Bytes a QR payload may have; a sale id needs 36. Longer payloads print as text only.
pub const QR_PAYLOAD_MAX_BYTES: usize = 1024;

/// `ESC @`: reset the printer's modes.
pub fn init() -> &'static [u8] {
    ESC_HARDWARE_INIT
}

pub fn bold(on: bool) -> &'static [u8] {
    if on {
        ESC_TEXT_EMPHASIS_ON
    } else {
        ESC_TEXT_EMPHASIS_OFF
    }
}

pub fn center(on: bool) -> &'static [u8] {
    if on {
        ESC_TEXT_JUSTIFY_CENTER
    } else {
        ESC_TEXT_JUSTIFY_LEFT
    }
}

/// `GS !`: double width and height, or normal size.
pub fn double_size(on: bool) -> Vec<u8> {
    let mut cmd = GS_TEXT_SIZE_SELECT.to_vec();
    cmd.push(if on { 0x11 } else { 0x00 });
    cmd
}

/// `GS V A 0`: feed to the cutter and cut.
pub fn cut() -> &'static [u8] {
    GS_PAPER_CUT_FULL
}

/// `ESC d n`: print and feed `lines` lines.
pub fn feed(lines: u8) -> Vec<u8> {
    vec![ESC, b'd', lines]
}

/// The full `GS ( k` sequence for a model 2 QR code with error correction M:
/// model, module size (dots), level, store the data, print. `None` when the
/// payload is empty or longer than [`QR_PAYLOAD_MAX_BYTES`].
pub fn qr_code(payload: &str, module_dots: u8) -> Option<Vec<u8>> {
    let data = payload.as_bytes();
    if data.is_empty() || data.len() > QR_PAYLOAD_MAX_BYTES {
        return None;
    }
    let mut cmd = GS_2D_QRCODE_MODEL.to_vec();
    cmd.extend([u8::from(QRCodeModel::Model2), 0]);
    cmd.extend_from_slice(GS_2D_QRCODE_SIZE);
    cmd.push(module_dots.clamp(1, 16));
    cmd.extend_from_slice(GS_2D_QRCODE_CORRECTION_LEVEL);
    cmd.push(u8::from(QRCodeCorrectionLevel::M));
    // fn 80 (store): pL pH count the data plus the three bytes cn fn m.
    let stored = data.len() + 3;
    cmd.extend_from_slice(GS_2D);
    cmd.extend([(stored % 256) as u8, (stored / 256) as u8, 49, 80, 48]);
    cmd.extend_from_slice(data);
    cmd.extend_from_slice(GS_2D_QRCODE_PRINT_SYMBOL_DATA);
    Some(cmd)
}

/// The drawer connector pin the pulse goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum DrawerPin {
    /// Pin 2: the first (or only) drawer.
    #[default]
    Pin2,
    /// Pin 5: a second drawer.
    Pin5,
}

/// `ESC p m t1 t2`: a pulse on `pin`, on for `pulse_on_ms` and off for `pulse_off_ms`.
/// The printer counts in 2 ms steps up to 510 ms; times are rounded up and clamped.
/// Many printers use the on time as the off time when off is shorter.
pub fn kick_drawer_bytes(pin: DrawerPin, pulse_on_ms: u16, pulse_off_ms: u16) -> Vec<u8> {
    let m = match pin {
        DrawerPin::Pin2 => 0,
        DrawerPin::Pin5 => 1,
    };
    vec![
        ESC,
        b'p',
        m,
        pulse_units(pulse_on_ms),
        pulse_units(pulse_off_ms),
    ]
}

fn pulse_units(ms: u16) -> u8 {
    u8::try_from(ms.div_ceil(2).clamp(1, 255)).unwrap_or(u8::MAX)
}

/// `DLE EOT n`: ask for one real-time status byte.
pub fn status_query(request: RealTimeStatusRequest) -> [u8; 3] {
    let (n, _) = request.into();
    [DLE_REAL_TIME_STATUS[0], DLE_REAL_TIME_STATUS[1], n]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawer_pulse_counts_two_millisecond_steps() {
        assert_eq!(
            kick_drawer_bytes(DrawerPin::Pin2, 50, 500),
            vec![0x1B, b'p', 0, 25, 250]
        );
        assert_eq!(
            kick_drawer_bytes(DrawerPin::Pin5, 1, 60_000),
            vec![0x1B, b'p', 1, 1, 255]
        );
    }

    #[test]
    fn qr_store_length_counts_three_header_bytes() {
        let cmd = qr_code("abc", 6).unwrap_or_default();
        let store = [0x1D, b'(', b'k', 6, 0, 49, 80, 48, b'a', b'b', b'c'];
        assert!(cmd.windows(store.len()).any(|w| w == store));
        assert_eq!(qr_code("", 6), None);
    }

    #[test]
    fn status_query_is_dle_eot_n() {
        assert_eq!(
            status_query(RealTimeStatusRequest::RollPaperSensor),
            [0x10, 0x04, 4]
        );
    }
}
