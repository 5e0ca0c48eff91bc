//! The record kinds of the catalog file and the columns of each.

/// The first column of every row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RecordKind {
    Product,
    Barcode,
    Lot,
    Stock,
    Serial,
    Member,
    Promotion,
}

impl RecordKind {
    pub(crate) const ALL: [RecordKind; 7] = [
        RecordKind::Product,
        RecordKind::Barcode,
        RecordKind::Lot,
        RecordKind::Stock,
        RecordKind::Serial,
        RecordKind::Member,
        RecordKind::Promotion,
    ];

    pub(crate) fn code(self) -> &'static str {
        match self {
            RecordKind::Product => "product",
            RecordKind::Barcode => "barcode",
            RecordKind::Lot => "lot",
            RecordKind::Stock => "stock",
            RecordKind::Serial => "serial",
            RecordKind::Member => "member",
            RecordKind::Promotion => "promotion",
        }
    }

    /// Kind codes are matched without regard to ASCII case ("Product" from a spreadsheet).
    pub(crate) fn from_code(code: &str) -> Option<RecordKind> {
        RecordKind::ALL
            .into_iter()
            .find(|kind| kind.code().eq_ignore_ascii_case(code))
    }

    /// Names of the columns after the kind column, in order.
    pub(crate) fn fields(self) -> &'static [&'static str] {
        match self {
            RecordKind::Product => &[
                "sku",
                "name",
                "pinyin",
                "category",
                "unit",
                "price",
                "vat_rate",
                "device_class",
                "registration_no",
                "tracking",
                "safety_stock",
                "model_spec",
                "manufacturer",
                "manufacturer_licence",
                "warranty_months",
            ],
            RecordKind::Barcode => &["sku", "barcode"],
            RecordKind::Lot => &["sku", "lot_no", "expiry_date"],
            RecordKind::Stock => &["sku", "lot_no", "quantity"],
            RecordKind::Serial => &["sku", "serial", "lot_no"],
            RecordKind::Member => &["id", "card_no", "phone", "name", "tier", "points_balance"],
            RecordKind::Promotion => &[
                "id",
                "name",
                "priority",
                "stackable",
                "valid_from",
                "valid_to",
                "rule_json",
                "segment",
            ],
        }
    }

    /// Columns of a full row, the kind column included.
    pub(crate) fn column_count(self) -> usize {
        self.fields().len() + 1
    }

    /// Columns a row must have, the kind column included: a product row written before
    /// its last four columns (model_spec, manufacturer, manufacturer_licence,
    /// warranty_months) existed still reads, with them empty; so does a promotion row
    /// without its `segment`.
    pub(crate) fn required_column_count(self) -> usize {
        match self {
            RecordKind::Product => self.column_count() - PRODUCT_OPTIONAL_TAIL,
            RecordKind::Promotion => self.column_count() - PROMOTION_OPTIONAL_TAIL,
            _ => self.column_count(),
        }
    }
}

/// The product row's last columns, which a row may leave out.
pub(crate) const PRODUCT_OPTIONAL_TAIL: usize = 4;
/// The promotion row's `segment`, which a row written before it existed leaves out.
pub(crate) const PROMOTION_OPTIONAL_TAIL: usize = 1;

/// "product,sku,name,..." for the kind named `kind`, to show in an error.
pub(crate) fn column_layout(kind: &str) -> String {
    match RecordKind::from_code(kind) {
        Some(kind) => format!("{},{}", kind.code(), kind.fields().join(",")),
        None => String::from("unknown kind"),
    }
}
