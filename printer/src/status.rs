//! Real-time status (`DLE EOT 1/2/4`) replies, decoded with the `escpos` crate's
//! bit tables and folded into what the till needs to know.

use escpos::utils::{RealTimeStatusRequest, RealTimeStatusResponse};
use serde::{Deserialize, Serialize};

/// What the printer reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PrinterStatus {
    pub online: bool,
    pub cover_open: bool,
    pub paper_near_end: bool,
    pub paper_out: bool,
    pub drawer_open: bool,
}

/// Which level of the drawer switch (connector pin 3) means "open". It depends
/// on the drawer; most drawers sold with these printers read high when open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum DrawerSense {
    #[default]
    OpenWhenHigh,
    OpenWhenLow,
}

/// The three status bytes: replies to `DLE EOT 1`, `DLE EOT 2` and `DLE EOT 4`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusReplies {
    pub printer: u8,
    pub offline_cause: u8,
    pub paper_sensor: u8,
}

/// A byte that is not a status reply (they all match the pattern 0xx1xx10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{byte:#04x} is not a status reply (expected the bit pattern 0xx1xx10)")]
pub struct NotAStatusReply {
    pub byte: u8,
}

/// Whether `byte` has the fixed bits of every real-time status reply.
pub fn is_status_reply(byte: u8) -> bool {
    byte & 0b1001_0011 == 0b0001_0010
}

/// Decodes the three replies.
pub fn parse_status(
    replies: StatusReplies,
    sense: DrawerSense,
) -> Result<PrinterStatus, NotAStatusReply> {
    use RealTimeStatusRequest as Req;
    use RealTimeStatusResponse as Resp;
    let printer = decode(Req::Printer, replies.printer)?;
    let offline = decode(Req::OfflineCause, replies.offline_cause)?;
    let paper = decode(Req::RollPaperSensor, replies.paper_sensor)?;
    let flag = |map: &std::collections::HashMap<Resp, bool>, key| map.get(&key) == Some(&true);
    let pin3_low = flag(&printer, Resp::DrawerKickOutConnectorPin3Low);
    Ok(PrinterStatus {
        online: flag(&printer, Resp::Online),
        cover_open: !flag(&offline, Resp::CoverClosed),
        paper_near_end: !flag(&paper, Resp::RollPaperNearEndSensorPaperAdequate),
        paper_out: !flag(&paper, Resp::RollPaperEndSensorPaperPresent)
            || flag(&offline, Resp::PrintingStopsDueToPaperEnd),
        drawer_open: match sense {
            DrawerSense::OpenWhenHigh => !pin3_low,
            DrawerSense::OpenWhenLow => pin3_low,
        },
    })
}

fn decode(
    request: RealTimeStatusRequest,
    byte: u8,
) -> Result<std::collections::HashMap<RealTimeStatusResponse, bool>, NotAStatusReply> {
    if !is_status_reply(byte) {
        return Err(NotAStatusReply { byte });
    }
    RealTimeStatusResponse::parse(request, byte).map_err(|_| NotAStatusReply { byte })
}

#[cfg(test)]
mod tests {
    use super::*;

    const READY: StatusReplies = StatusReplies {
        printer: 0x12,
        offline_cause: 0x12,
        paper_sensor: 0x12,
    };

    #[test]
    fn all_clear_is_online_with_paper() {
        let status = parse_status(READY, DrawerSense::OpenWhenHigh).ok();
        assert_eq!(
            status,
            Some(PrinterStatus {
                online: true,
                ..PrinterStatus::default()
            })
        );
    }

    #[test]
    fn cover_open_and_paper_out_bits() {
        let replies = StatusReplies {
            printer: 0x1A,
            offline_cause: 0x36,
            paper_sensor: 0x7E,
        };
        let status = parse_status(replies, DrawerSense::OpenWhenHigh).ok();
        let expected = PrinterStatus {
            online: false,
            cover_open: true,
            paper_near_end: true,
            paper_out: true,
            drawer_open: false,
        };
        assert_eq!(status, Some(expected));
    }

    #[test]
    fn drawer_follows_pin3_and_sense() {
        let replies = StatusReplies {
            printer: 0x16,
            ..READY
        };
        let high = parse_status(replies, DrawerSense::OpenWhenHigh).map(|s| s.drawer_open);
        let low = parse_status(replies, DrawerSense::OpenWhenLow).map(|s| s.drawer_open);
        assert_eq!((high, low), (Ok(true), Ok(false)));
    }

    #[test]
    fn a_byte_outside_the_pattern_is_rejected() {
        let replies = StatusReplies {
            paper_sensor: 0xFF,
            ..READY
        };
        assert_eq!(
            parse_status(replies, DrawerSense::OpenWhenHigh),
            Err(NotAStatusReply { byte: 0xFF })
        );
    }
}
