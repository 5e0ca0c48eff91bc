//! One line per scan, so data-driven tests compare every field at once.

use scanner::Scan;

/// `symbology raw gtin lot expiry production serial quantity sscc | elements`; GS is
/// written as `<GS>` and absent fields are left out.
pub fn summary(scan: &Scan) -> String {
    let mut parts = vec![
        serde_json::to_value(scan.symbology)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string(),
    ];
    let mut field = |name: &str, value: Option<String>| {
        if let Some(v) = value {
            parts.push(format!("{name}={v}"));
        }
    };
    field("gtin", scan.gtin.clone());
    field("lot", scan.lot.clone());
    field("exp", scan.expiry_date.map(|d| d.to_string()));
    field("prod", scan.production_date.map(|d| d.to_string()));
    field("serial", scan.serial.clone());
    field("qty", scan.quantity.map(|q| q.to_string()));
    field("sscc", scan.sscc.clone());
    let mut line = parts.join(" ");
    if !scan.elements.is_empty() {
        let elements: Vec<String> = scan
            .elements
            .iter()
            .map(|e| format!("({}){}", e.ai, e.value))
            .collect();
        line.push_str(" | ");
        line.push_str(&elements.join(""));
    }
    line
}

/// The summary, or `error: <message>`.
pub fn outcome(result: Result<Scan, scanner::ParseError>) -> String {
    match result {
        Ok(scan) => summary(&scan),
        Err(e) => format!("error: {e}"),
    }
}

/// Test inputs write GS as `<GS>`.
pub fn gs(text: &str) -> String {
    text.replace("<GS>", "\u{1d}")
}
