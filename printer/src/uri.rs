//! Where the printer is: `tcp://HOST:9100`, `serial:///dev/ttyUSB0?baud=9600`,
//! `file:///dev/usb/lp0`.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::PrintError;

/// The raw port of network receipt printers.
pub const DEFAULT_TCP_PORT: u16 = 9100;
/// Factory setting of most serial receipt printers.
pub const DEFAULT_BAUD: u32 = 9600;
/// Fastest rate a receipt printer's serial port offers.
const BAUD_MAX: u32 = 921_600;
/// Longest URI accepted; a real one is a few dozen characters.
const URI_MAX_CHARS: usize = 512;

/// How to reach a printer. Parses from and prints as a URI.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PrinterUri {
    /// A network printer's raw port.
    Tcp { host: String, port: u16 },
    /// A serial port (RS-232 or USB-serial), 8N1 without flow control.
    Serial { path: String, baud: u32 },
    /// A device file that takes raw bytes, such as `/dev/usb/lp0`.
    File { path: PathBuf },
}

impl FromStr for PrinterUri {
    type Err = PrintError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let uri = text.trim();
        let bad = |why: &str| PrintError::BadUri {
            uri: uri.to_string(),
            why: why.to_string(),
        };
        if uri.chars().count() > URI_MAX_CHARS {
            return Err(bad("it is too long"));
        }
        if let Some(rest) = uri.strip_prefix("tcp://") {
            parse_tcp(rest.trim_end_matches('/')).map_err(bad)
        } else if let Some(rest) = uri.strip_prefix("serial://") {
            parse_serial(rest).map_err(bad)
        } else if let Some(path) = uri.strip_prefix("file://") {
            if !path.starts_with('/') {
                return Err(bad(
                    "the device path must be absolute, e.g. file:///dev/usb/lp0",
                ));
            }
            Ok(PrinterUri::File {
                path: PathBuf::from(path),
            })
        } else {
            Err(bad(
                "use tcp://HOST:9100, serial:///dev/ttyUSB0?baud=9600 or file:///dev/usb/lp0",
            ))
        }
    }
}

fn parse_tcp(rest: &str) -> Result<PrinterUri, &'static str> {
    let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
        let (host, after) = v6
            .split_once(']')
            .ok_or("an IPv6 address needs a closing ]")?;
        (host, after.strip_prefix(':'))
    } else {
        match rest.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        }
    };
    if host.is_empty() {
        return Err("the printer's host or IP address is missing");
    }
    if host.contains(['/', '?', '#', '@', ' ']) {
        return Err("the host may not contain / ? # @ or spaces");
    }
    let port = match port {
        None => DEFAULT_TCP_PORT,
        Some(p) => match p.parse::<u16>() {
            Ok(0) | Err(_) => return Err("the port must be a number from 1 to 65535"),
            Ok(p) => p,
        },
    };
    Ok(PrinterUri::Tcp {
        host: host.to_string(),
        port,
    })
}

fn parse_serial(rest: &str) -> Result<PrinterUri, &'static str> {
    let (path, query) = match rest.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (rest, None),
    };
    if path.is_empty() {
        return Err("the serial port is missing, e.g. serial:///dev/ttyUSB0");
    }
    let mut baud = DEFAULT_BAUD;
    for pair in query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter(|p| !p.is_empty())
    {
        match pair.split_once('=') {
            Some(("baud", value)) => {
                baud = match value.parse::<u32>() {
                    Ok(b) if (1..=BAUD_MAX).contains(&b) => b,
                    _ => return Err("baud must be a number such as 9600, 19200 or 115200"),
                }
            }
            _ => return Err("the only option of a serial printer is baud=N"),
        }
    }
    Ok(PrinterUri::Serial {
        path: path.to_string(),
        baud,
    })
}

impl fmt::Display for PrinterUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrinterUri::Tcp { host, port } if host.contains(':') => {
                write!(f, "tcp://[{host}]:{port}")
            }
            PrinterUri::Tcp { host, port } => write!(f, "tcp://{host}:{port}"),
            PrinterUri::Serial { path, baud } => write!(f, "serial://{path}?baud={baud}"),
            PrinterUri::File { path } => write!(f, "file://{}", path.display()),
        }
    }
}

impl Serialize for PrinterUri {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PrinterUri {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<PrinterUri, String> {
        text.parse::<PrinterUri>().map_err(|e| e.to_string())
    }

    #[test]
    fn the_three_kinds_parse() {
        let tcp = PrinterUri::Tcp {
            host: "192.168.1.50".into(),
            port: 9100,
        };
        assert_eq!(parse("tcp://192.168.1.50:9100"), Ok(tcp.clone()));
        assert_eq!(parse("tcp://192.168.1.50"), Ok(tcp));
        assert_eq!(
            parse("serial:///dev/ttyUSB0?baud=19200"),
            Ok(PrinterUri::Serial {
                path: "/dev/ttyUSB0".into(),
                baud: 19200
            })
        );
        assert_eq!(
            parse("file:///dev/usb/lp0"),
            Ok(PrinterUri::File {
                path: PathBuf::from("/dev/usb/lp0")
            })
        );
        assert_eq!(
            parse("tcp://[::1]:9101"),
            Ok(PrinterUri::Tcp {
                host: "::1".into(),
                port: 9101
            })
        );
    }

    #[test]
    fn display_round_trips() {
        for text in [
            "tcp://p1:9100",
            "serial:///dev/ttyS0?baud=9600",
            "file:///dev/usb/lp0",
        ] {
            assert_eq!(parse(text).map(|u| u.to_string()), Ok(text.to_string()));
        }
    }

    #[test]
    fn bad_uris_say_what_is_wrong() {
        let cases = [
            ("http://printer", "use tcp://"),
            ("tcp://:9100", "host"),
            ("tcp://printer:99999", "port"),
            ("serial:///dev/ttyUSB0?baud=fast", "baud"),
            ("serial:///dev/ttyUSB0?parity=even", "only option"),
            ("file://lp0", "absolute"),
        ];
        for (text, hint) in cases {
            let message = parse(text).err().unwrap_or_default();
            assert!(message.contains(hint), "{text}: {message}");
        }
    }
}
