//! What a scan means, and the serial scanner as a subscription.
//!
//! A scanned or typed text is parsed once ([`scanner::parse()`]) and classified once, by
//! the till: every screen acts on the same [`EnteredCode`].

use iced::Subscription;
use iced::futures::SinkExt;
use pos_core::data_dir::ScannerConfig;
use pos_core::till::{EnteredCode, ItemInput, Till, TillError};
use scanner::{ReaderOptions, ScannerEvent, SerialConfig};

/// What a scanned or typed text names, as the till decides it for every screen (see
/// [`Till::classify`]); the scanner crate parses GS1 and retail codes first.
pub fn classify(till: &Till, text: &str) -> Result<EnteredCode, TillError> {
    till.classify(text, parsed(text))
}

/// The item a GS1 or retail code describes: a UDI fills GTIN, lot, expiry and serial; a
/// retail code gives its GTIN. `None` when the text does not parse (a SKU, a store
/// label, a wrong check digit, a card number): the till looks it up as it is.
pub fn parsed(text: &str) -> Option<ItemInput> {
    let scan = scanner::parse(text).ok()?;
    Some(ItemInput {
        code: scan.gtin.clone().unwrap_or_else(|| scan.raw.clone()),
        lot: scan.lot,
        expiry_date: scan.expiry_date,
        serial: scan.serial,
        quantity: scan.quantity.filter(|&q| q > 0).unwrap_or(1),
    })
}

/// Events of the configured serial scanner. The reader thread reopens a lost port on its
/// own; the subscription ends (and the thread with it) when the configuration changes.
pub fn serial(config: &ScannerConfig) -> Subscription<ScannerEvent> {
    Subscription::run_with((config.port.clone(), config.baud), |(port, baud)| {
        let mut serial = SerialConfig::new(port.clone());
        serial.baud = *baud;
        iced::stream::channel(64, async move |mut output| {
            let (handle, events) = match scanner::spawn_reader(serial, ReaderOptions::default()) {
                Ok(started) => started,
                Err(e) => {
                    let _ = output.send(ScannerEvent::Disconnected(e.to_string())).await;
                    return std::future::pending().await;
                }
            };
            // The reader speaks std channels; a named thread hands its events over.
            let forward = std::thread::Builder::new()
                .name("scanner-forward".into())
                .spawn(move || {
                    let _handle = handle;
                    for event in events {
                        if iced::futures::executor::block_on(output.send(event)).is_err() {
                            break;
                        }
                    }
                });
            if forward.is_err() {
                return;
            }
            std::future::pending::<()>().await
        })
    })
}
