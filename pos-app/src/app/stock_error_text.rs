//! What the store manager reads when the till refuses a goods receipt, a write-off or a
//! count: one translated message per reason, with its details.

use pos_core::till::StockDocumentError;

use super::i18n::I18n;

pub fn stock_error(i18n: I18n, error: &StockDocumentError) -> String {
    use StockDocumentError as E;
    match error {
        E::NoLines => i18n.t("stock_error.no_lines").into(),
        E::UnknownSku { sku } => i18n.f("stock_error.unknown_sku", &[("sku", sku)]),
        E::LotRequired { sku } => i18n.f("stock_error.lot_required", &[("sku", sku)]),
        E::NotTracked { sku } => i18n.f("stock_error.not_tracked", &[("sku", sku)]),
        E::SerialsRequired {
            sku,
            quantity,
            given,
        } => i18n.f(
            "stock_error.serials_required",
            &[("sku", sku), ("quantity", quantity), ("given", given)],
        ),
        E::ExpiryRequired { sku, lot } => {
            i18n.f("stock_error.expiry_required", &[("sku", sku), ("lot", lot)])
        }
        E::UnknownLot { sku, lot } => {
            i18n.f("stock_error.unknown_lot", &[("sku", sku), ("lot", lot)])
        }
        E::ExpiredLot { sku, lot, expiry } => i18n.f(
            "stock_error.expired_lot",
            &[("sku", sku), ("lot", lot), ("expiry", expiry)],
        ),
        E::NotExpired { sku, lot, expiry } => i18n.f(
            "stock_error.not_expired",
            &[("sku", sku), ("lot", lot), ("expiry", expiry)],
        ),
        E::SerialAlreadyHeld { sku, serial } => i18n.f(
            "stock_error.serial_already_held",
            &[("sku", sku), ("serial", serial)],
        ),
        E::SerialNotHeld { sku, serial } => i18n.f(
            "stock_error.serial_not_held",
            &[("sku", sku), ("serial", serial)],
        ),
        E::NotEnoughStock {
            sku,
            lot,
            held,
            asked,
        } => i18n.f(
            "stock_error.not_enough_stock",
            &[("sku", sku), ("lot", lot), ("held", held), ("asked", asked)],
        ),
        E::Repeated { sku, lot } => i18n.f("stock_error.repeated", &[("sku", sku), ("lot", lot)]),
        E::TransferToItself { store } => {
            i18n.f("stock_error.transfer_to_itself", &[("store", store)])
        }
        E::TransferAlreadyDispatched {
            transfer_id,
            sequence,
        } => i18n.f(
            "stock_error.transfer_already_dispatched",
            &[("transfer", transfer_id), ("no", sequence)],
        ),
        E::TransferAlreadyReceived {
            transfer_id,
            sequence,
        } => i18n.f(
            "stock_error.transfer_already_received",
            &[("transfer", transfer_id), ("no", sequence)],
        ),
        E::TransferOrderElsewhere {
            transfer_id,
            from,
            to,
        } => i18n.f(
            "stock_error.transfer_order_elsewhere",
            &[("transfer", transfer_id), ("from", from), ("to", to)],
        ),
        E::TransferOrderDone { transfer_id, state } => {
            let key = format!("stock_error.order_state_{state}");
            let state = i18n.t(&key).to_string();
            i18n.f(
                "stock_error.transfer_order_done",
                &[("transfer", transfer_id), ("state", &state)],
            )
        }
        E::TransferOrderCancelled { transfer_id } => i18n.f(
            "stock_error.transfer_order_cancelled",
            &[("transfer", transfer_id)],
        ),
    }
}
