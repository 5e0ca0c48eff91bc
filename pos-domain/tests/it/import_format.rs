//! The catalog file format: what it reads, and the error a person gets for each mistake.

use chrono::NaiveDate;
use pos_domain::catalog::{DeviceClass, Lot, Tracking};
use pos_domain::import::{
    CatalogImport, ImportError, SerialRecord, StockRecord, parse_catalog_csv,
};
use pos_domain::member::Tier;
use pos_domain::promotion::{PromotionKind, Target};
use rust_decimal_macros::dec;

const SAMPLE: &str = "\
# a comment, then a blank line

product,100001,鱼跃上臂式电子血压计 YE660D,,血压监测,台,239.00,0.13,II,苏械注准20172200456,serial,3
product,110007,\"三诺血糖试纸 安稳+ 50片, 送采血针\",snxtsz,血糖监测,盒,89,0.13,II,湘械注准20192400093,lot,20
product,130009,KN95防护口罩,,口罩防护,包,25.00,0.13,,,none,10
barcode,100001,6901234567892
lot,110007,20250612,2027-06-11
stock,110007,20250612,40
stock,130009,,15
serial,100001,YW2510000123,
member,M000001,886000000001,13812345678,王芳,gold,4040
promotion,PR1,全场满200减20,5,true,2026-01-01T00:00:00,2027-12-31T23:59:59,\"{\"\"kind\"\":\"\"spend_save\"\",\"\"target\"\":{\"\"by\"\":\"\"all\"\"},\"\"threshold\"\":\"\"200\"\",\"\"save\"\":\"\"20\"\",\"\"repeat\"\":true}\"
";

fn parse(text: &str) -> Result<CatalogImport, ImportError> {
    parse_catalog_csv(text.as_bytes())
}

#[test]
fn reads_every_kind_with_comments_quotes_and_blank_lines() {
    let catalog = parse(SAMPLE).unwrap();
    let monitor = &catalog.products[0];
    assert_eq!(monitor.sku, "100001");
    assert_eq!(
        monitor.pinyin, "yysbsdzxyjye660d",
        "empty pinyin is filled from the name"
    );
    assert_eq!(monitor.price, dec!(239.00));
    assert_eq!(monitor.vat_rate, dec!(0.13));
    assert_eq!(monitor.device_class, Some(DeviceClass::II));
    assert_eq!(
        monitor.registration_no.as_deref(),
        Some("苏械注准20172200456")
    );
    assert_eq!(monitor.tracking, Tracking::Serial);
    assert_eq!(monitor.safety_stock, 3);
    let strips = &catalog.products[1];
    assert_eq!(
        strips.name, "三诺血糖试纸 安稳+ 50片, 送采血针",
        "a quoted comma stays"
    );
    assert_eq!(strips.pinyin, "snxtsz", "a given pinyin is kept");
    let mask = &catalog.products[2];
    assert_eq!(
        (mask.device_class, mask.registration_no.as_deref()),
        (None, None)
    );
    assert_eq!(
        catalog.barcodes,
        [("100001".to_owned(), "6901234567892".to_owned())]
    );
    let expiry_date = NaiveDate::from_ymd_opt(2027, 6, 11).unwrap();
    let lot = Lot {
        sku: "110007".into(),
        lot_no: "20250612".into(),
        expiry_date,
    };
    assert_eq!(catalog.lots, [lot]);
    assert_eq!(
        catalog.stock,
        [
            StockRecord {
                sku: "110007".into(),
                lot_no: Some("20250612".into()),
                quantity: 40
            },
            StockRecord {
                sku: "130009".into(),
                lot_no: None,
                quantity: 15
            },
        ]
    );
    let serial = SerialRecord {
        sku: "100001".into(),
        serial: "YW2510000123".into(),
        lot_no: None,
    };
    assert_eq!(catalog.serials, [serial]);
    assert_eq!(catalog.members[0].tier, Tier::Gold);
    assert_eq!(catalog.members[0].points_balance, 4040);
    let promotion = &catalog.promotions[0];
    assert_eq!(
        promotion.kind,
        PromotionKind::SpendSave {
            target: Target::All,
            threshold: dec!(200),
            save: dec!(20),
            repeat: true
        }
    );
    assert_eq!(
        promotion.valid_to.unwrap().to_string(),
        "2027-12-31 23:59:59"
    );
}

#[test]
fn takes_what_excel_makes_of_a_file() {
    let excel = "\u{feff}Product, 130009 ,KN95防护口罩,,口罩防护,包,25.00,0.13,,,none,10\r\n\
                 ,,,,,,,,,,,\r\n\
                 Lot,130009,L01,2027/06/11,,,,,,,,\r\n\
                 member,M1,8860001,13812345678,王芳,金卡,0,,,,,\r\n";
    let excel = excel.replace("none,10", "lot,10");
    let catalog = parse(&excel).unwrap();
    assert_eq!(
        catalog.products[0].sku, "130009",
        "BOM skipped, kind case ignored, spaces trimmed"
    );
    assert_eq!(
        catalog.lots[0].expiry_date,
        NaiveDate::from_ymd_opt(2027, 6, 11).unwrap()
    );
    assert_eq!(
        catalog.members[0].tier,
        Tier::Gold,
        "the Chinese tier label reads too"
    );
}

/// (file, line, field) for each mistake; the line counts comments and blank lines.
#[test]
fn each_mistake_names_its_line_and_field() {
    let product = "product,1,体温计,,体温监测,支,19.90,0.13,II,苏械注准20172070001,none,5";
    let cases: &[(&str, u64, &str)] = &[
        ("product,1,体温计,,体温监测,支,-1,0.13,,,none,5", 1, "price"),
        (
            "product,1,体温计,,体温监测,支,19.999,0.13,,,none,5",
            1,
            "price",
        ),
        (
            "product,1,体温计,,体温监测,支,十九,0.13,,,none,5",
            1,
            "price",
        ),
        (
            "product,1,体温计,,体温监测,支,19.90,13,,,none,5",
            1,
            "vat_rate",
        ),
        (
            "product,1,体温计,,体温监测,支,19.90,-0.01,,,none,5",
            1,
            "vat_rate",
        ),
        (
            "product,1,体温计,,体温监测,支,19.90,0.13,IV,,none,5",
            1,
            "device_class",
        ),
        (
            "product,1,体温计,,体温监测,支,19.90,0.13,,,batch,5",
            1,
            "tracking",
        ),
        (
            "product,1,体温计,,体温监测,支,19.90,0.13,,,none,-5",
            1,
            "safety_stock",
        ),
        (
            "product,1,体温计,Xue Ya,体温监测,支,19.90,0.13,,,none,5",
            1,
            "pinyin",
        ),
        ("product,,体温计,,体温监测,支,19.90,0.13,,,none,5", 1, "sku"),
        ("# header\n\nbarcode,1,6901234567893", 3, "barcode"),
        ("barcode,1,690123456789", 1, "barcode"),
        ("barcode,1,69012345678x2", 1, "barcode"),
        ("lot,1,L1,2026-02-30", 1, "expiry_date"),
        ("stock,1,,three", 1, "quantity"),
        ("serial,1,,", 1, "serial"),
        ("member,M1,886,13812345678,王芳,vip,0", 1, "tier"),
        ("member,M1,886,1.38123E+10,王芳,gold,0", 1, "phone"),
        ("promotion,P1,促销,1,yes,,,{}", 1, "stackable"),
        ("promotion,P1,促销,1,true,2026-01-01,,{}", 1, "valid_from"),
        (
            "promotion,P1,促销,1,true,2027-01-01T00:00:00,2026-01-01T00:00:00,{}",
            1,
            "valid_to",
        ),
        (
            "promotion,P1,促销,1,true,,,{\"kind\":\"free_lunch\"}",
            1,
            "rule_json",
        ),
        (
            "promotion,P1,促销,1,true,,,\"{\"\"kind\"\":\"\"buy_get\"\",\"\"sku\"\":\"\"1\"\",\"\"buy\"\":0,\"\"get\"\":1}\"",
            1,
            "rule_json",
        ),
        (
            "promotion,P1,促销,1,true,,,\"{\"\"kind\"\":\"\"percent_off\"\",\"\"target\"\":{\"\"by\"\":\"\"all\"\"},\"\"percent\"\":\"\"120\"\"}\"",
            1,
            "rule_json",
        ),
    ];
    // What could never go on a document: a sale of it would be refused forever.
    let long_name = format!(
        "product,1,{},,体温监测,支,19.90,0.13,,,none,5",
        "温".repeat(201)
    );
    let long_sku = format!(
        "product,{},体温计,,体温监测,支,19.90,0.13,,,none,5",
        "S".repeat(65)
    );
    let control = "member,M1,886\u{0}1,13812345678,王芳,gold,0";
    let bounded: Vec<(&str, u64, &str)> = vec![
        (long_name.as_str(), 1, "name"),
        (long_sku.as_str(), 1, "sku"),
        (control, 1, "card_no"),
    ];
    for &(file, line, field) in cases.iter().chain(&bounded) {
        match parse(file) {
            Err(ImportError::Field {
                line: l, field: f, ..
            }) if l == line && f == field => {}
            other => panic!("{file:?}: expected line {line} field {field}, got {other:?}"),
        }
    }
    assert!(parse(product).is_ok(), "the unchanged row is fine");
}

#[test]
fn messages_say_where_and_what_to_do() {
    let error = parse("# catalog\nproduct,1,体温计,,体温监测,支,19.90,13,,,none,5").unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with("line 2: product field `vat_rate` is \"13\""),
        "{message}"
    );
    assert!(message.contains("0.13 for 13%"), "{message}");

    let message = parse("barcode,1").unwrap_err().to_string();
    assert!(
        message.contains("barcode,sku,barcode"),
        "the layout is shown: {message}"
    );
}

#[test]
fn rejects_unknown_kinds_and_wrong_column_counts() {
    assert_eq!(
        parse("prodcut,1").unwrap_err(),
        ImportError::UnknownKind {
            line: 1,
            kind: "prodcut".into()
        }
    );
    assert_eq!(
        parse("\nlot,1,L1").unwrap_err(),
        ImportError::WrongFieldCount {
            line: 2,
            kind: "lot".into(),
            expected: 4,
            found: 3
        }
    );
    assert_eq!(
        parse("lot,1,L1,2027-01-01,extra").unwrap_err(),
        ImportError::WrongFieldCount {
            line: 1,
            kind: "lot".into(),
            expected: 4,
            found: 5
        }
    );
}

#[test]
fn rejects_a_key_given_twice() {
    let cases: &[(&str, &str)] = &[
        (
            "product,1,a,,c,台,1,0,,,none,0\nproduct,1,b,,c,台,1,0,,,none,0",
            "sku",
        ),
        (
            "barcode,1,6901234567892\nbarcode,2,6901234567892",
            "barcode",
        ),
        ("lot,1,L1,2027-01-01\nlot,1,L1,2028-01-01", "lot_no"),
        ("stock,1,,1\nstock,1,,2", "sku"),
        ("serial,1,S1,\nserial,1,S1,", "serial"),
        (
            "member,M1,1,138,a,gold,0\nmember,M2,1,139,b,gold,0",
            "card_no",
        ),
        (
            "promotion,P1,a,1,true,,,\"{\"\"kind\"\":\"\"buy_get\"\",\"\"sku\"\":\"\"1\"\",\"\"buy\"\":1,\"\"get\"\":1}\"\n\
             promotion,P1,b,1,true,,,\"{\"\"kind\"\":\"\"buy_get\"\",\"\"sku\"\":\"\"1\"\",\"\"buy\"\":1,\"\"get\"\":1}\"",
            "id",
        ),
    ];
    for &(file, field) in cases {
        match parse(file) {
            Err(ImportError::Duplicate {
                line: 2,
                first_line: 1,
                field: f,
                ..
            }) if f == field => {}
            other => panic!("{file:?}: expected a duplicate {field}, got {other:?}"),
        }
    }
}

#[test]
fn rows_must_fit_the_tracking_of_a_product_in_the_same_file() {
    let untracked = "product,1,棉签,,耗材,包,1,0.13,,,none,0\n";
    let lot_tracked = "product,1,试纸,,血糖监测,盒,1,0.13,,,lot,0\nlot,1,L1,2027-01-01\n";
    let serial_tracked = "product,1,血压计,,血压监测,台,1,0.13,,,serial,0\n";
    let cases: Vec<(String, u64, &str)> = vec![
        (format!("{untracked}lot,1,L1,2027-01-01"), 2, "sku"),
        (format!("{untracked}stock,1,L1,5"), 2, "lot_no"),
        (format!("{untracked}serial,1,S1,"), 2, "sku"),
        (format!("{lot_tracked}stock,1,,5"), 3, "lot_no"),
        (format!("{lot_tracked}stock,1,L2,5"), 3, "lot_no"),
        (format!("{serial_tracked}serial,1,S1,L9"), 2, "lot_no"),
    ];
    for (file, line, field) in &cases {
        match parse(file) {
            Err(ImportError::Field {
                line: l, field: f, ..
            }) if l == *line && f == *field => {}
            other => panic!("{file:?}: expected line {line} field {field}, got {other:?}"),
        }
    }
    // Rows about products the file does not define update what the till already has,
    // and rows may come before the product they are about.
    assert!(parse("stock,999,L1,5\nserial,998,S1,").is_ok());
    assert!(parse(&format!("stock,1,L1,5\n{lot_tracked}")).is_ok());
}

#[test]
fn says_to_save_as_utf8_when_excel_saved_gbk() {
    // 血压计 in GBK
    let gbk: &[u8] = b"# ok\nproduct,1,\xd1\xaa\xd1\xb9\xbc\xc6,,c,t,1,0,,,none,0\n";
    let error = parse_catalog_csv(gbk).unwrap_err();
    assert_eq!(error, ImportError::NotUtf8 { line: 2 });
    assert!(error.to_string().contains("CSV UTF-8"));
}

#[test]
fn one_product_reads_from_its_fields_with_the_files_checks_and_writes_back() {
    use pos_domain::import::{product_fields, product_from_fields, product_to_fields};
    let fields = [
        "100024",
        "鱼跃血压计袖带",
        "",
        "血压监测",
        "个",
        "49.00",
        "0.13",
        "II",
        "苏械注准20182070985",
        "none",
        "5",
    ];
    assert_eq!(product_fields().len(), fields.len() + 4);
    let product = product_from_fields(&fields).unwrap();
    assert_eq!(
        product.pinyin, "yyxyjxd",
        "pinyin filled in as the file does"
    );
    let written = product_to_fields(&product);
    let again: Vec<&str> = written.iter().map(String::as_str).collect();
    assert_eq!(product_from_fields(&again).unwrap(), product);
    assert_eq!(
        (
            product.model_spec.as_deref(),
            product.manufacturer.as_deref()
        ),
        (None, None),
        "a product's fields may end before the last four"
    );

    let mut full = fields.to_vec();
    full.extend([
        "YE670A",
        "江苏鱼跃医疗设备股份有限公司",
        "苏食药监械生产许20010020号",
        "24",
    ]);
    assert_eq!(product_fields().len(), full.len());
    let made = product_from_fields(&full).unwrap();
    assert_eq!(made.model_spec.as_deref(), Some("YE670A"));
    assert_eq!(
        made.manufacturer.as_deref(),
        Some("江苏鱼跃医疗设备股份有限公司")
    );
    assert_eq!(
        made.manufacturer_licence.as_deref(),
        Some("苏食药监械生产许20010020号")
    );
    let written = product_to_fields(&made);
    let again: Vec<&str> = written.iter().map(String::as_str).collect();
    assert_eq!(product_from_fields(&again).unwrap(), made);
    assert_eq!(made.warranty_months, Some(24));
    for months in ["0", "1201", "-3", "两年"] {
        let mut bad = full.clone();
        bad[14] = months;
        let e = product_from_fields(&bad).unwrap_err().to_string();
        assert!(e.contains("warranty_months"), "{months}: {e}");
    }
    full[13] = "许可\u{7}";
    let e = product_from_fields(&full).unwrap_err().to_string();
    assert!(e.contains("manufacturer_licence"), "{e}");

    let mut bad = fields;
    bad[5] = "-1";
    let e = product_from_fields(&bad).unwrap_err().to_string();
    assert!(e.contains("price"), "{e}");
    bad = fields;
    bad[9] = "box";
    let e = product_from_fields(&bad).unwrap_err().to_string();
    assert!(
        e.contains("tracking") && e.contains("none, lot or serial"),
        "{e}"
    );
}

#[test]
fn one_promotion_reads_from_its_fields_with_the_files_checks_and_writes_back() {
    use pos_domain::import::{promotion_fields, promotion_from_fields, promotion_to_fields};
    let rule = r#"{"kind":"buy_get","sku":"130002","buy":2,"get":1}"#;
    let fields = [
        "PR1",
        "口罩 买二赠一",
        "30",
        "false",
        "2026-01-01T00:00:00",
        "2027-12-31T23:59:59",
        rule,
        "important_value",
    ];
    assert_eq!(promotion_fields().len(), fields.len());
    let promotion = promotion_from_fields(&fields).unwrap();
    assert_eq!(promotion.segment.as_deref(), Some("important_value"));
    let written = promotion_to_fields(&promotion);
    let again: Vec<&str> = written.iter().map(String::as_str).collect();
    assert_eq!(
        promotion_from_fields(&again.try_into().unwrap()).unwrap(),
        promotion
    );

    let mut bad = fields;
    bad[5] = "2025-12-31T00:00:00";
    let e = promotion_from_fields(&bad).unwrap_err().to_string();
    assert!(e.contains("valid_to") && e.contains("ends before"), "{e}");

    let mut bad = fields;
    bad[7] = "重要价值客户";
    match promotion_from_fields(&bad).unwrap_err() {
        ImportError::Field { field, value, .. } => {
            assert_eq!((field, value.as_str()), ("segment", "重要价值客户"))
        }
        other => panic!("{other:?}"),
    }
}

/// A promotion row written before the `segment` column existed still reads: for
/// every sale.
#[test]
fn a_promotion_row_without_segment_reads_for_every_sale() {
    let file = "promotion,P1,满100减10,1,true,,,\"{\"\"kind\"\":\"\"spend_save\"\",\"\"target\"\":{\"\"by\"\":\"\"all\"\"},\"\"threshold\"\":\"\"100\"\",\"\"save\"\":\"\"10\"\",\"\"repeat\"\":false}\"\n";
    let catalog = pos_domain::import::parse_catalog_csv(file.as_bytes()).unwrap();
    assert_eq!(catalog.promotions[0].segment, None);
}

/// A rule pricing would skip as malformed (so a till would never apply it) is refused
/// by the file's reader too, naming the rule.
#[test]
fn a_rule_pricing_would_skip_is_refused_by_the_file() {
    use pos_domain::import::promotion_from_fields;
    for rule in [
        r#"{"kind":"buy_get","sku":"1","buy":600,"get":600}"#,
        r#"{"kind":"points_multiplier","target":{"by":"all"},"multiplier":"500"}"#,
        r#"{"kind":"amount_off","target":{"by":"all"},"amount":"0"}"#,
        r#"{"kind":"amount_off","target":{"by":"all"},"amount":"70000000000000000000000000000"}"#,
    ] {
        let e = promotion_from_fields(&["P1", "促销", "1", "true", "", "", rule, ""]).unwrap_err();
        match e {
            ImportError::Field { field, .. } => assert_eq!(field, "rule_json", "{rule}"),
            other => panic!("{rule}: {other:?}"),
        }
    }
}

#[test]
fn one_barcode_or_lot_reads_from_its_fields_with_the_files_checks() {
    use pos_domain::catalog::Tracking;
    use pos_domain::import::{barcode_from_fields, lot_from_fields};
    assert_eq!(
        barcode_from_fields(&["100024", "6901234567892"]).unwrap(),
        ("100024".to_owned(), "6901234567892".to_owned())
    );
    for (bad, why) in [
        ("6901234567893", "check digit"),
        ("12345", "8, 12, 13 or 14 digits"),
        ("6.9E+12", "8, 12, 13 or 14 digits"),
        ("", "must not be empty"),
    ] {
        let e = barcode_from_fields(&["100024", bad])
            .unwrap_err()
            .to_string();
        assert!(e.contains("`barcode`") && e.contains(why), "{bad}: {e}");
    }
    let lot = lot_from_fields(&["100024", "L2401", "2027-06-30"], Tracking::Lot).unwrap();
    assert_eq!(
        (lot.lot_no.as_str(), lot.expiry_date.to_string().as_str()),
        ("L2401", "2027-06-30")
    );
    let e = lot_from_fields(&["100024", "L2401", "2027-02-30"], Tracking::Lot)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`expiry_date`") && e.contains("YYYY-MM-DD"),
        "{e}"
    );
    let e = lot_from_fields(&["100024", "", "2027-06-30"], Tracking::Serial)
        .unwrap_err()
        .to_string();
    assert!(e.contains("`lot_no`"), "{e}");
    let e = lot_from_fields(&["100024", "L2401", "2027-06-30"], Tracking::None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("tracking none"), "{e}");
}
