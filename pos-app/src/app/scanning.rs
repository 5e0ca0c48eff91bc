//! What a scan means, and the serial scanner as a subscription.
//!
//! A scanned text is parsed once ([`scanner::parse`]): a UDI fills GTIN, lot, expiry and
//! serial; a retail code gives its GTIN; anything else is looked up as typed.

use iced::Subscription;
use iced::futures::SinkExt;
use pos_core::data_dir::ScannerConfig;
use pos_core::till::ItemInput;
use scanner::{ReaderOptions, ScannerEvent, SerialConfig};

/// The item a scanned text names. A code that does not parse (a SKU, a store label, a
/// wrong check digit) is looked up as it is, so the till says what it does not know.
pub fn item_input(text: &str) -> ItemInput {
    match scanner::parse(text) {
        Ok(scan) => ItemInput {
            code: scan.gtin.clone().unwrap_or_else(|| scan.raw.clone()),
            lot: scan.lot,
            expiry_date: scan.expiry_date,
            serial: scan.serial,
            quantity: scan.quantity.filter(|&q| q > 0).unwrap_or(1),
        },
        Err(_) => ItemInput::code(text.trim()),
    }
}

/// Whether a scanned text means something to the till: a receipt, a product, a member.
pub fn is_known(till: &pos_core::till::Till, text: &str) -> bool {
    let store = till.store();
    is_receipt_code(text)
        || store
            .product_by_code(&item_input(text).code)
            .ok()
            .flatten()
            .is_some()
        || store.find_member(text).ok().flatten().is_some()
}

/// Whether a scanned text is a receipt's QR code: the sale's document id.
pub fn is_receipt_code(text: &str) -> bool {
    text.trim().parse::<uuid::Uuid>().is_ok()
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
