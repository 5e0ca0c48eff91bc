//! A transfer order's refusal as the console says it, in the person's language (the
//! staff API answers the English `Display` of [`OrderRefusal`]).

use pos_domain::transfer_order::TransferOrderError as E;

use crate::console::i18n::Lang;
use crate::console::transfer_orders::OrderRefusal as R;

pub fn refusal_text(lang: Lang, refusal: &R) -> String {
    let n = |v: usize| v.to_string();
    let t = |key: &str, args: &[(&str, &str)]| lang.tf(&format!("order_refusal.{key}"), args);
    match refusal {
        R::Invalid(e) => match e {
            E::BadStore(store) => t("bad_store", &[("store", store)]),
            E::SameStore(store) => t("same_store", &[("store", store)]),
            E::NoLines => t("no_lines", &[]),
            E::TooManyLines(count) => t("too_many_lines", &[("count", &n(*count))]),
            E::BadSku { line, sku } => t("bad_sku", &[("line", &n(*line)), ("sku", sku)]),
            E::BadLot { line, lot } => t("bad_lot", &[("line", &n(*line)), ("lot", lot)]),
            E::BadQuantity { line, quantity } => t(
                "bad_quantity",
                &[("line", &n(*line)), ("quantity", &quantity.to_string())],
            ),
            E::RepeatedLine {
                line,
                first,
                sku,
                lot,
            } => t(
                "repeated_line",
                &[
                    ("line", &n(*line)),
                    ("first", &n(*first)),
                    ("sku", sku),
                    ("lot", lot),
                ],
            ),
            E::BadNote => t("bad_note", &[]),
        },
        R::UnknownStore(store) => t("unknown_store", &[("store", store)]),
        R::UnknownSku { line, sku } => t("unknown_sku", &[("line", &n(*line)), ("sku", sku)]),
        R::UnknownLot { line, sku, lot } => t(
            "unknown_lot",
            &[("line", &n(*line)), ("sku", sku), ("lot", lot)],
        ),
        R::NotYourStore { user, stores } => {
            t("not_your_store", &[("user", user), ("stores", stores)])
        }
        R::NotAllowed(user) => t("not_allowed", &[("user", user)]),
        R::NotFound(id) => t("not_found", &[("transfer", id)]),
        R::Duplicate(id) => t("duplicate", &[("transfer", id)]),
        R::WrongStatus { id, status, what } => {
            let status = lang.t(&format!("transfer_orders.status_{status}"));
            let what = lang.t(&format!("order_refusal.{what}"));
            t(
                "wrong_status",
                &[("transfer", id), ("status", &status), ("what", &what)],
            )
        }
    }
}
