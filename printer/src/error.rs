//! What can go wrong talking to a printer, worded for the person at the counter.

use std::fmt;
use std::io;

/// What the printer was doing when time ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Connecting,
    Writing,
    WaitingForStatus,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Operation::Connecting => "connecting",
            Operation::Writing => "sending the receipt",
            Operation::WaitingForStatus => "waiting for its status reply",
        })
    }
}

/// A printing failure. A sale is never undone by one: the receipt waits to be
/// reprinted. `Display` says what to check; [`PrintError::hint_zh`] says it in Chinese.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("printer address {uri:?} is not valid: {why}")]
    BadUri { uri: String, why: String },

    #[error(
        "cannot reach the printer at {uri}: {source}; check that it is on, plugged in and that the address is right"
    )]
    Connect {
        uri: String,
        #[source]
        source: io::Error,
    },

    #[error(
        "the printer at {uri} did not respond within {after_ms} ms while {during}; check that it is on and its cable or network"
    )]
    Timeout {
        uri: String,
        after_ms: u64,
        during: Operation,
    },

    #[error("sending to the printer at {uri} failed: {source}; the receipt can be reprinted")]
    Write {
        uri: String,
        #[source]
        source: io::Error,
    },

    #[error("reading from the printer at {uri} failed: {source}")]
    Read {
        uri: String,
        #[source]
        source: io::Error,
    },

    #[error("the printer at {uri} hung up without answering the status query")]
    NoReply { uri: String },

    #[error("the printer at {uri} cannot report its status: {why}")]
    StatusUnsupported { uri: String, why: String },

    #[error("the printer at {uri} is out of paper: load a new roll")]
    PaperOut { uri: String },

    #[error("the printer at {uri} has its cover open: close the cover")]
    CoverOpen { uri: String },

    #[error("the printer at {uri} is offline: check its error light and paper, then press FEED")]
    Offline { uri: String },
}

impl PrintError {
    /// A short instruction for the cashier in Simplified Chinese.
    pub fn hint_zh(&self) -> &'static str {
        match self {
            PrintError::BadUri { .. } => "打印机地址设置有误，请联系店长检查设置",
            PrintError::Connect { .. }
            | PrintError::Timeout { .. }
            | PrintError::NoReply { .. } => "无法连接打印机，请检查电源、数据线或网线，稍后重打印",
            PrintError::Write { .. } | PrintError::Read { .. } => {
                "打印机通信中断，请检查连接后重打印"
            }
            PrintError::StatusUnsupported { .. } => "此打印机不支持状态查询",
            PrintError::PaperOut { .. } => "打印机缺纸，请装入新纸卷后重打印",
            PrintError::CoverOpen { .. } => "打印机上盖未关，请合上后重打印",
            PrintError::Offline { .. } => "打印机离线，请检查指示灯和纸张后按走纸键",
        }
    }

    /// Whether trying again later (after the cashier fixes something) may succeed.
    pub fn is_retryable(&self) -> bool {
        !matches!(
            self,
            PrintError::BadUri { .. } | PrintError::StatusUnsupported { .. }
        )
    }
}
